#!/usr/bin/env bash
# Paging the 500,000-point layer of planmap gen through next links on
# PostGIS, at limit=10 and limit=1000, as GDAL and QGIS page a layer; and, for
# comparison, one deep page by offset alone. Figures in BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/planmap-bench.XXXXXX)
chmod 755 "$work"
source bench/lib.sh
build
go build -o "$work/pager" ./bench/pager
start_postgres
"$work/planmap" gen --points 500000 --lines 0 "$work/synth" >/dev/null
"$work/planmap" load --database-url "$db" "$work/synth" >/dev/null
port=${PAGING_PORT:-18791}
# Each run on a fresh server, so that its first page counts the match.
for limit in 10 1000; do
  port=$((port + 1))
  serve $port 0 --database-url "$db"
  echo "limit=$limit:"; "$work/pager" -url "http://127.0.0.1:$port/ogc/collections/synthetic-points/items?limit=$limit"
  kill "${pids[-1]}"
done
port=$((port + 1))
serve $port 0 --database-url "$db"
items="http://127.0.0.1:$port/ogc/collections/synthetic-points/items"
for off in 0 499990; do
  curl -s -o /dev/null -w "offset=$off limit=10 (offset only): %{time_total} s\n" "$items?limit=10&offset=$off"
done
