# Sourced by .ci/run (and by anyone who wants the supported Node lines on a machine that has an
# older one): puts Node MAJOR first on PATH. When the node on PATH is already that major, nothing
# changes; otherwise the npm registry's `node` package (a real Node build, shipped as a registry
# package) is installed once into .tools/node-MAJOR (ignored by git) and its bin folder goes first.
#   use_node MAJOR VERSION     e.g. use_node 24 24.21.0
use_node() {
  local major="$1" version="$2"
  if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" = "$major" ]; then return; fi
  local prefix="$PWD/.tools/node-$major"
  if [ ! -x "$prefix/node_modules/.bin/node" ] || [ "$("$prefix/node_modules/.bin/node" --version)" != "v$version" ]; then
    echo "Node $major not on PATH: installing the npm registry's node@$version into .tools/node-$major" >&2
    npm install --prefix "$prefix" --no-save --no-audit --no-fund --loglevel=error "node@$version" >&2
  fi
  export PATH="$prefix/node_modules/.bin:$PATH"
}
