#!/usr/bin/env bash
# Tile benchmark, loopback only and bounded in time: synthetic data (500,000
# points, 50,000 lines over Wuhan) in a throwaway PostGIS cluster and in the
# embedded store; random tiles at z10, z12 and z14, uncached and cached, and
# the plan's composite tileset; a trivial fixed-body server as the ceiling.
#
#   bash bench/tiles.sh [seconds-per-run]      (default 20)
#
# Needs PostgreSQL 15 with PostGIS (Debian postgresql-15-postgis-3).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
conns=${CONNS:-16}
work=$(mktemp -d /tmp/planmap-bench.XXXXXX)
chmod 755 "$work"
pgbin=/usr/lib/postgresql/15/bin
port=55432
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done
  [ -d "$work/pg" ] && runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/planmap" ./cmd/planmap
go build -o "$work/loadgen" ./bench/loadgen
"$work/planmap" gen --points 500000 --lines 50000 "$work/synth" >/dev/null

# A throwaway cluster owned by the postgres user.
install -d -o postgres "$work/pg" "$work/sock"
runuser -u postgres -- "$pgbin/initdb" -D "$work/pg" -A trust -E UTF8 --locale C >/dev/null
runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w \
  -o "-p $port -k $work/sock -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=512MB -c max_connections=100" start >/dev/null
db="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"

echo "== load 500,000 points and 50,000 lines into PostGIS"
/usr/bin/time -f "planmap load: %e s wall, %M KB peak RSS" "$work/planmap" load --database-url "$db" "$work/synth" | tail -2

wait_ready() {
  for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$1/readyz" >/dev/null && return 0; sleep 0.5; done
  echo "server on $1 did not become ready"; exit 1
}
serve() { # port, cache MB, extra args...
  local p=$1 mb=$2; shift 2
  "$work/planmap" serve --addr "127.0.0.1:$p" --tile-cache-mb "$mb" "$@" 2>>"$work/serve.log" &
  pids+=($!)
  wait_ready "$p"
}
run() { "$work/loadgen" -c "$conns" -d "${secs}s" "$@"; }

echo "== trivial server (fixed 20 KB body): the ceiling"
run -mode trivial

serve 18090 0 --database-url "$db"
serve 18091 256 --database-url "$db"
serve 18092 0 --data "$work/synth"
echo "== PostGIS, uncached"
for z in 10 12 14; do run -url http://127.0.0.1:18090 -tileset synthetic-points -z $z; done
run -url http://127.0.0.1:18090 -tileset synthetic-lines -z 12
echo "== PostGIS, cached (1,000 tiles warmed first)"
for z in 10 12 14; do run -url http://127.0.0.1:18091 -tileset synthetic-points -z $z -set 1000; done
echo "== embedded store, uncached"
for z in 10 12 14; do run -url http://127.0.0.1:18092 -tileset synthetic-points -z $z; done

echo "== the plan's composite tileset, uncached, z12"
"$work/planmap" load --database-url "$db" >/dev/null
serve 18093 0 --database-url "$db"
serve 18094 0
run -url http://127.0.0.1:18093 -tileset plan -z 12
run -url http://127.0.0.1:18094 -tileset plan -z 12
