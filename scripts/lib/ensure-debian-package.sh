# Sourced by the test scripts that need a program from Debian: installs the package with apt
# when the command is missing (CI and the development machines run as root). No test tool ever
# downloads a browser or a server of its own.
#   ensure_debian_package COMMAND PACKAGE
ensure_debian_package() {
  if ! command -v "$1" >/dev/null 2>&1 && [ ! -x "$1" ]; then
    echo "$1 not found: installing Debian's $2 package" >&2
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y "$2"
  fi
}
