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
. bench/lib.sh
build
"$work/planmap" gen --points 500000 --lines 50000 "$work/synth" >/dev/null
start_postgres

echo "== load 500,000 points and 50,000 lines into PostGIS"
/usr/bin/time -f "planmap load: %e s wall, %M KB peak RSS" "$work/planmap" load --database-url "$db" "$work/synth" | tail -2

run() { "$work/loadgen" -c "$conns" -d "${secs}s" "$@"; }

echo "== trivial server (fixed 20 KB body): the ceiling, as a process of its own and inside loadgen"
"$work/loadgen" -serve-trivial 127.0.0.1:18089 &
pids+=($!)
wait_up http://127.0.0.1:18089/
run -mode trivial -url http://127.0.0.1:18089
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
"$work/planmap" load --embedded --allow-removals --database-url "$db" >/dev/null
serve 18093 0 --database-url "$db"
serve 18094 0
run -url http://127.0.0.1:18093 -tileset plan -z 12
run -url http://127.0.0.1:18094 -tileset plan -z 12
