#!/usr/bin/env bash
# Mixed load, loopback only and bounded in time: 64 connections send tiles
# (60 %), items by bbox (15 %), nearby (15 %) and search (10 %) to planmap
# serving the plan from each store, twice in a row, with the server's memory
# before, between and after, so a leak shows as growth from run to run.
#
#   bash bench/load.sh [seconds-per-run]      (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
work=$(mktemp -d /tmp/planmap-load.XXXXXX)
chmod 755 "$work"
. bench/lib.sh
build
start_postgres
"$work/planmap" load --embedded --allow-removals --database-url "$db" >/dev/null

mixed() { # name port
  local pid=${pids[-1]}
  echo "== $1: RSS before $(rss "$pid") MB"
  for round in 1 2; do
    "$work/loadgen" -url "http://127.0.0.1:$2" -mode mix -c 64 -d "${secs}s"
    echo "   RSS after run $round: $(rss "$pid") MB"
  done
}

serve 18190 256
mixed "embedded store" 18190
serve 18191 256 --database-url "$db" --db-max-conns 16
mixed "PostGIS" 18191
