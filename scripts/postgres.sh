#!/usr/bin/env bash
# A throw-away PostgreSQL server for the tests, in a temporary directory on a free loopback port.
#   scripts/postgres.sh start  -> prints the directory, then the Npgsql connection string (trust auth, user postgres)
#   scripts/postgres.sh stop DIR
# Needs Debian's postgresql package (scripts/setup.sh installs it). As root, the server runs as the
# postgres user, which PostgreSQL requires.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bin/pg_ctl" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)." >&2; exit 1; }
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
  start)
    dir=$(mktemp -d /tmp/erasweb-postgres.XXXXXX)
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    port=55432
    while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
    as_owner "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --no-sync >"$dir/initdb.log" 2>&1
    # fsync off: the data is thrown away, and the tests run faster; many connections: test apps run side by side.
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=500" start >/dev/null
    echo "$dir"
    echo "Host=127.0.0.1;Port=$port;Username=postgres"
    ;;
  stop)
    as_owner "$bin/pg_ctl" -D "$2/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$2"
    ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
