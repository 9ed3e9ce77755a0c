#!/usr/bin/env bash
# Interop check of the Digest client (src/ops-manager/digest.ts) against an independent server:
# Apache 2.4 mod_auth_digest with nonce-count checking on, proxying to a backend the test starts.
#
# Apache runs from a private config in a temp dir (its own ServerRoot, pid file and logs) on a
# free loopback port, so nothing in /etc/apache2 is used or changed. It is stopped on exit.
#
# Env knobs: NONCE_LIFETIME (seconds, default 5), SHMEM_SIZE (AuthDigestShmemSize, default 64K),
# KEEP_APACHE_LOGS=1 to keep the temp dir (its path is printed).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

source scripts/lib/ensure-debian-package.sh
ensure_debian_package /usr/sbin/apache2 apache2

nonce_lifetime="${NONCE_LIFETIME:-5}"
shmem_size="${SHMEM_SIZE:-64K}"
username="interop-public-key"
password="interop-private-key-$RANDOM$RANDOM"
realm="MMS Public API"

workdir="$(mktemp -d /tmp/interop-apache.XXXXXX)"
apache_pid=""

stop_apache() {
  local status=$?
  if [ -n "$apache_pid" ] && kill -0 "$apache_pid" 2>/dev/null; then
    kill -TERM "$apache_pid" 2>/dev/null || true
    # Graceful stop lets the children go and frees the shared memory; give it a few seconds.
    for _ in $(seq 1 50); do kill -0 "$apache_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$apache_pid" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ] && [ -f "$workdir/error.log" ]; then
    echo "interop: last lines of Apache's error log:" >&2
    tail -n 30 "$workdir/error.log" >&2 || true
  fi
  if [ "${KEEP_APACHE_LOGS:-0}" = "1" ]; then
    echo "interop: Apache files kept in $workdir"
  else
    rm -rf "$workdir"
  fi
  exit "$status"
}
trap stop_apache EXIT
trap 'exit 130' INT TERM

free_port() {
  node -e 'const s = require("node:net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}
apache_port="$(free_port)"
backend_port="$(free_port)"
while [ "$backend_port" = "$apache_port" ]; do backend_port="$(free_port)"; done

# htdigest's line is user:realm:MD5(user:realm:password); computing it here avoids the
# interactive htdigest tool.
ha1="$(printf '%s' "$username:$realm:$password" | md5sum | cut -d' ' -f1)"
printf '%s:%s:%s\n' "$username" "$realm" "$ha1" > "$workdir/htdigest"

# As root, Apache's children must switch to an unprivileged user, who then needs to read the
# htdigest file and write the logs in the temp dir.
user_directives=""
if [ "$(id -u)" = "0" ]; then
  user_directives=$'User www-data\nGroup www-data'
  chmod 755 "$workdir"
  chmod 644 "$workdir/htdigest"
fi

sed -e "s|@WORKDIR@|$workdir|g" \
    -e "s|@PORT@|$apache_port|g" \
    -e "s|@BACKEND_PORT@|$backend_port|g" \
    -e "s|@NONCE_LIFETIME@|$nonce_lifetime|g" \
    -e "s|@SHMEM_SIZE@|$shmem_size|g" \
    scripts/apache/httpd.conf.template > "$workdir/httpd.conf"
# The user lines hold a newline, which sed's replacement can't take portably; splice them in with awk.
awk -v lines="$user_directives" '{ if ($0 == "@USER_DIRECTIVES@") print lines; else print }' \
  "$workdir/httpd.conf" > "$workdir/httpd.conf.tmp" && mv "$workdir/httpd.conf.tmp" "$workdir/httpd.conf"

/usr/sbin/apache2 -t -f "$workdir/httpd.conf"
/usr/sbin/apache2 -f "$workdir/httpd.conf" -DFOREGROUND &
apache_pid=$!

# Wait until Apache accepts connections (it answers 401 to anything, which is enough here).
for _ in $(seq 1 100); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$apache_port") 2>/dev/null; then break; fi
  if ! kill -0 "$apache_pid" 2>/dev/null; then echo "interop: Apache did not start" >&2; exit 1; fi
  sleep 0.1
done
echo "interop: Apache $(/usr/sbin/apache2 -v | sed -n 's/^Server version: //p') on 127.0.0.1:$apache_port," \
  "backend port $backend_port, nonce lifetime ${nonce_lifetime}s, AuthDigestShmemSize $shmem_size"

APACHE_URL="http://127.0.0.1:$apache_port" \
APACHE_BACKEND_PORT="$backend_port" \
APACHE_NONCE_LIFETIME_S="$nonce_lifetime" \
APACHE_DIGEST_USERNAME="$username" \
APACHE_DIGEST_PASSWORD="$password" \
APACHE_ERROR_LOG="$workdir/error.log" \
APACHE_ACCESS_LOG="$workdir/access.log" \
  npx vitest run --config test/interop/vitest.config.ts
