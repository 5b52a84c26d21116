#!/usr/bin/env bash
# planmap load against ogr2ogr -f PostgreSQL of the same synthetic points
# file, each into a fresh database of one throwaway cluster, in alternating
# rounds (the order swaps every round). Prints for each run the wall time,
# the CPU time of the client and of the cluster (every process of it,
# including the backends it has reaped), and the ratios planmap / ogr2ogr.
# On a shared machine the CPU times are the steadier measure.
#
#   bash bench/load-vs-ogr2ogr.sh [points] [rounds]      (default 500000, 3)
#
# Needs PostgreSQL 15 with PostGIS and GDAL's ogr2ogr.
set -euo pipefail
cd "$(dirname "$0")/.."
points=${1:-500000}
rounds=${2:-3}
work=$(mktemp -d /tmp/planmap-loadvs.XXXXXX)
chmod 755 "$work"
. bench/lib.sh
go build -o "$work/planmap" ./cmd/planmap
"$work/planmap" gen --points "$points" --lines 0 "$work/synth" >/dev/null
file="$work/synth/layers/synthetic-points.geojson"
start_postgres
sql() { psql -h 127.0.0.1 -p "$port" -U postgres -X -q -At "$@"; }
url() { echo "postgres://postgres@127.0.0.1:$port/$1?sslmode=disable"; }

# fresh DB: an empty database DB, with PostGIS for ogr2ogr and the schema for planmap.
fresh() {
  sql -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"
  if [ "$1" = ogr ]; then sql -d ogr -c "CREATE EXTENSION postgis"; else "$work/planmap" migrate --database-url "$(url pm)" >/dev/null; fi
  sql -c CHECKPOINT
}

# run NAME CMD...: measures CMD (lib.sh) and appends "NAME wall client_cpu cluster_cpu" to $work/runs.
run() {
  local name=$1
  shift
  echo "$name $(measure "$@")" | tee -a "$work/runs"
}

ogr() {
  fresh ogr
  run ogr2ogr ogr2ogr -f PostgreSQL "PG:host=127.0.0.1 port=$port user=postgres dbname=ogr" "$file" \
    -nln bench_points -lco GEOMETRY_NAME=geom
}
pm() {
  fresh pm
  run planmap "$work/planmap" load --database-url "$(url pm)" "$work/synth"
}

echo "== $points points ($(du -m "$file" | cut -f1) MB), $rounds rounds; name, wall s, client CPU s, cluster CPU s"
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) = 1 ]; then ogr; pm; else pm; ogr; fi
done
awk '{w[$1] += $2; c[$1] += $3 + $4; n[$1]++}
  END {
    printf "mean ogr2ogr: %.1f s wall, %.1f s CPU; planmap: %.1f s wall, %.1f s CPU\n",
      w["ogr2ogr"] / n["ogr2ogr"], c["ogr2ogr"] / n["ogr2ogr"], w["planmap"] / n["planmap"], c["planmap"] / n["planmap"]
    printf "ratio planmap / ogr2ogr: %.2fx wall, %.2fx CPU\n", w["planmap"] / w["ogr2ogr"], c["planmap"] / c["ogr2ogr"]
  }' "$work/runs"
