#!/usr/bin/env bash
# planmap side by side with the peer servers (pg_featureserv, pg_tileserv,
# tegola) on one throwaway PostGIS cluster and the same synthetic data,
# loopback only and bounded in time. Servers alternate in rounds (A B A B A B)
# and the table gives the median of each round's ratio planmap / peer, with
# the median absolute figures beside it: the machine is shared and noisy.
#
#   bash bench/peers.sh [seconds-per-run] [--points N] [--lines N] [--rounds N]
#     full run: bash bench/peers.sh             (10 s a run, 500,000 points, 50,000 lines: 15-20 minutes, a third of it the loads)
#     quick:    bash bench/peers.sh 3 --points 50000 --lines 5000 --rounds 1   (about 3 minutes)
#
# Needs PostgreSQL 15 with PostGIS, ogr2ogr (gdal-bin) and the peers' binaries
# in $PLANMAP_PEERS (default ../shared/peers beside the repository).
set -euo pipefail -f   # -f: URLs hold ? and {}, never globs
cd "$(dirname "$0")/.."
secs=10 points=500000 lines=50000 rounds=3
while [ $# -gt 0 ]; do
  case $1 in
    --points) points=$2; shift 2 ;;
    --lines) lines=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    [0-9]*) secs=$1; shift ;;
    *) echo "bench/peers.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
peers=$(realpath -m "${PLANMAP_PEERS:-../shared/peers}")
for b in pg_featureserv pg_tileserv tegola; do
  if [ ! -x "$peers/$b" ]; then
    echo "bench/peers.sh: no $b in $peers: set PLANMAP_PEERS to a directory holding pg_featureserv, pg_tileserv and tegola" >&2
    exit 1
  fi
done
command -v ogr2ogr >/dev/null || { echo "bench/peers.sh: ogr2ogr not found (Debian: gdal-bin)" >&2; exit 1; }
conns=${CONNS:-16}
work=$(mktemp -d /tmp/planmap-peers.XXXXXX)
chmod 755 "$work"
. bench/lib.sh
build
"$work/planmap" gen --points "$points" --lines "$lines" "$work/synth" >/dev/null
start_postgres
psql() { runuser -u postgres -- /usr/bin/psql -h "$work/sock" -p "$port" -qAt -v ON_ERROR_STOP=1 "$@"; }
log=$work/peers.log

echo "== loading $points points and $lines lines: planmap load, and ogr2ogr as plain tables for the peers"
# measure (lib.sh): wall time, the command's CPU and the cluster's.
m=$(measure "$work/planmap" load --database-url "$db" "$work/synth")
read -r load_planmap pm_client pm_cluster <<<"$m"
psql -c "CREATE DATABASE peers" && psql -d peers -c "CREATE EXTENSION postgis"
peerdb="postgres://postgres@127.0.0.1:$port/peers?sslmode=disable"
ogr() { # file table
  ogr2ogr -f PostgreSQL PG:"host=127.0.0.1 port=$port user=postgres dbname=peers" "$1" -nln "$2" \
    -lco GEOMETRY_NAME=geom -lco FID=fid
}
ogr_both() { ogr "$work/synth/layers/synthetic-points.geojson" bench_points && ogr "$work/synth/layers/synthetic-lines.geojson" bench_lines; }
m=$(measure bash -c "port=$port; work=$work; $(declare -f ogr ogr_both); ogr_both")
read -r load_ogr ogr_client ogr_cluster <<<"$m"
psql -d peers -c "ANALYZE bench_points; ANALYZE bench_lines;
  CREATE TABLE bench_points_3857 AS SELECT fid, kind, status, accuracy, district, ST_Transform(geom, 3857) AS geom FROM bench_points;
  ALTER TABLE bench_points_3857 ADD PRIMARY KEY (fid); CREATE INDEX ON bench_points_3857 USING gist (geom);
  ANALYZE bench_points_3857"
printf "   planmap load %.1f s (CPU %.1f s client, %.1f s cluster), ogr2ogr %.1f s (%.1f s, %.1f s)\n" \
  "$load_planmap" "$pm_client" "$pm_cluster" "$load_ogr" "$ogr_client" "$ogr_cluster"
# Both databases vacuumed once now, so that no autovacuum of the loads runs
# into the measures.
psql -c "VACUUM ANALYZE" && psql -d peers -c "VACUUM ANALYZE"

# The peers get planmap's session settings (no JIT, no parallel workers) and
# otherwise their defaults; pg_tileserv the same MVT buffer as planmap.
opts="jit=off&max_parallel_workers_per_gather=0"
cat >"$work/featureserv.toml" <<EOF
[Server]
HttpHost = "127.0.0.1"
HttpPort = 18291
[Database]
DbConnection = "$peerdb&$opts"
TableIncludes = ["public.bench_points"]
[Paging]
LimitDefault = 100
EOF
cat >"$work/tileserv.toml" <<EOF
DbConnection = "$peerdb&$opts"
HttpHost = "127.0.0.1"
HttpPort = 18292
CacheTTL = 0
DefaultBuffer = 64
EOF
cat >"$work/tegola.toml" <<EOF
[webserver]
port = "127.0.0.1:18293"
[[providers]]
name = "bench"
type = "postgis"
uri = "$peerdb"
srid = 3857
  [[providers.layers]]
  name = "points"
  tablename = "bench_points_3857"
  geometry_fieldname = "geom"
  id_fieldname = "fid"
  geometry_type = "Point"
  fields = ["kind", "status", "accuracy", "district"]
[[maps]]
name = "bench"
  [[maps.layers]]
  provider_layer = "bench.points"
  min_zoom = 0
  max_zoom = 20
EOF
(cd "$work" && exec "$peers/pg_featureserv" --config featureserv.toml) >>"$log" 2>&1 &
pids+=($!)
(cd "$work" && exec "$peers/pg_tileserv" --config tileserv.toml) >>"$log" 2>&1 &
pids+=($!)
(cd "$work" && exec "$peers/tegola" serve --config tegola.toml) >>"$log" 2>&1 &
pids+=($!)
"$work/loadgen" -serve-trivial 127.0.0.1:18289 &
pids+=($!)
serve 18290 0 --database-url "$db"
pm_pid=${pids[-1]}
serve 18288 256 --database-url "$db"
# And one whose tiles the database builds (no copy in memory), for the record.
serve 18287 0 --tile-memory-features 0 --database-url "$db"
pmd_pid=${pids[-1]}
pm=http://127.0.0.1:18290 pmc=http://127.0.0.1:18288 pmd=http://127.0.0.1:18287
fs=http://127.0.0.1:18291 ts=http://127.0.0.1:18292 tg=http://127.0.0.1:18293
wait_up "$fs/collections/public.bench_points/items.json?limit=1"
wait_up "$ts/index.json"
wait_up "$tg/capabilities" # not a tile: tegola builds 0/0/0 from every point, for minutes
wait_up http://127.0.0.1:18289/
# The first request after a start works out the layers' extents (a scan of
# every feature): not part of any figure.
curl -sf -o /dev/null "$pm/ogc/collections" && curl -sf -o /dev/null "$pmc/ogc/collections" &&
  curl -sf -o /dev/null "$pmd/ogc/collections"

# rate LOADGEN-ARGS...: requests a second of one run (its line goes to the log).
rate() {
  local out
  settle
  out=$("$work/loadgen" -c "$conns" -d "${secs}s" "$@")
  echo "$out" >>"$log"
  echo "   $out" >&2
  echo "$out" | sed -n 's/.* = \([0-9]*\) req\/s.*/\1/p'
}
# settle: start a run with the database idle. A server's slow queries go on
# in PostgreSQL after the load generator has given up on them (a peer's z10
# tiles take seconds each), and would eat into the next server's run: they
# are waited for up to 10 s, then cancelled, their clients being gone.
settle() {
  local active="SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
  for _ in $(seq 20); do
    [ "$(psql -c "$active")" = 0 ] && return 0
    sleep 0.5
  done
  psql -c "SELECT count(pg_cancel_backend(pid)) FROM pg_stat_activity WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()" >>"$log"
  sleep 1
}
# ratio A B: A / B, inf when B is 0 (a peer that finished no request in a run).
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "inf"; else printf "%.4f\n", a / b }'; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
rows=() seed=0
# compare NAME PEER "A-ARGS" "B-ARGS": rounds of A then B; a row of the table.
compare() {
  local name=$1 peer=$2 a=$3 b=$4 ra rb as=() bs=() rs=()
  for _ in $(seq "$rounds"); do
    # Each round asks a sequence no earlier round asked (so that no count
    # or tile is kept from it), the same for both servers.
    seed=$((seed + 1))
    ra=$(rate -seed "$seed" $a) rb=$(rate -seed "$seed" $b)
    as+=("$ra") bs+=("$rb") rs+=("$(ratio "$ra" "$rb")")
  done
  rows+=("$(printf "| %s | %s | %s | %s | %.2f |" "$name" "$peer" \
    "$(printf '%s\n' "${as[@]}" | median)" "$(printf '%s\n' "${bs[@]}" | median)" "$(printf '%s\n' "${rs[@]}" | median)")")
}

echo "== feature pages: a random 0.05° box, limit=100"
items_pm="$pm/ogc/collections/synthetic-points/items?bbox={bbox}&limit=100"
items_fs="$fs/collections/public.bench_points/items.json?bbox={bbox}&limit=100"
compare "items, gzip (pages/s)" pg_featureserv "-mode url -template $items_pm" "-mode url -template $items_fs"
compare "items, identity (pages/s)" pg_featureserv "-mode url -identity -template $items_pm" "-mode url -identity -template $items_fs"

echo "== uncached tiles of the points layer, pg_tileserv's with the properties planmap's carry at that zoom"
for z in 10 12 14; do
  tile_pm="-mode url -z $z -template $pm/tiles/synthetic-points/{z}/{x}/{y}.mvt"
  # Dense tiles (z10, z12) carry kind, status, accuracy and district; z14
  # tiles the id and names too. tegola's table has the four of dense tiles.
  props=$("$work/loadgen" -mode url -keys -set 20 -z "$z" -template "$pm/tiles/synthetic-points/{z}/{x}/{y}.mvt")
  echo "   z$z: $props" >&2
  compare "tiles z$z, uncached (tiles/s)" pg_tileserv "$tile_pm" \
    "-mode url -z $z -template $ts/public.bench_points/{z}/{x}/{y}.pbf?properties=$props"
  compare "tiles z$z, uncached (tiles/s)" tegola "$tile_pm" "-mode url -z $z -template $tg/maps/bench/{z}/{x}/{y}.pbf"
  compare "tiles z$z, uncached, built by the database (tiles/s)" pg_tileserv \
    "-mode url -z $z -template $pmd/tiles/synthetic-points/{z}/{x}/{y}.mvt" \
    "-mode url -z $z -template $ts/public.bench_points/{z}/{x}/{y}.pbf?properties=$props"
done

echo "== cached tiles (1,000 tiles warmed first) against the trivial server (a fixed 20 KB body)"
for z in 10 12 14; do
  compare "tiles z$z, cached (tiles/s)" "trivial server" "-url $pmc -tileset synthetic-points -z $z -set 1000" \
    "-mode trivial -url http://127.0.0.1:18289"
done

echo "== bytes of the same 20 z12 tiles, gzipped (level 6 where a server does not gzip)"
# tile_bytes URL...: mean raw and gzipped bytes of the tiles.
tile_bytes() {
  local raw=0 gz=0 n=0 u
  for u in "$@"; do
    curl -sf -H 'Accept-Encoding: gzip' -D "$work/h" -o "$work/t" "$u" || true
    if grep -qi '^content-encoding: gzip' "$work/h"; then
      gz=$((gz + $(stat -c %s "$work/t"))) raw=$((raw + $(gzip -dc "$work/t" | wc -c)))
    else
      raw=$((raw + $(stat -c %s "$work/t"))) gz=$((gz + $(gzip -6 -c "$work/t" | wc -c)))
    fi
    n=$((n + 1))
  done
  echo "$((raw / n)) $((gz / n))"
}
list() { "$work/loadgen" -mode url -list -set 20 -z 12 -template "$1"; }
read -r pm_raw pm_gz < <(tile_bytes $(list "$pm/tiles/synthetic-points/{z}/{x}/{y}.mvt"))
props=$("$work/loadgen" -mode url -keys -set 20 -z 12 -template "$pm/tiles/synthetic-points/{z}/{x}/{y}.mvt")
read -r ts_raw ts_gz < <(tile_bytes $(list "$ts/public.bench_points/{z}/{x}/{y}.pbf?properties=$props"))
rows+=("$(printf "| z12 tile, gzipped (bytes; raw in brackets) | pg_tileserv | %s (%s) | %s (%s) | %.2f |" \
  "$pm_gz" "$pm_raw" "$ts_gz" "$ts_raw" "$(ratio "$pm_gz" "$ts_gz")")")
echo "== overview tiles z4-z8 of every layer, PostGIS, uncached"
go build -o "$work/overview" ./bench/overview
for side in "$pm from the copy in memory" "$pmd built by the database"; do
  "$work/overview" -a "${side%% *}" -minzoom 4 -maxzoom 8 >"$work/overview.txt"
  cat "$work/overview.txt" >>"$log"
  # a URL: N tiles, slowest D, largest K KB unpacked, F tiles neither 200 nor 204
  read -r n slow big bad < <(tail -1 "$work/overview.txt" |
    sed -n 's/.*: \([0-9]*\) tiles, slowest \([^,]*\), largest \([0-9.]*\) KB unpacked, \([0-9]*\) tiles.*/\1 \2 \3 \4/p')
  rows+=("$(printf "| z4–z8 tiles, every layer, %s (not 200/204 of all; largest unpacked; slowest) | — | %s of %s; %s KB; %s | — | — |" \
    "${side#* }" "$bad" "$n" "$big" "$slow")")
done
rows+=("$(printf "| planmap memory after the runs (RSS, MB): tiles from the copy / built by the database | — | %s / %s | — | — |" \
  "$(rss "$pm_pid")" "$(rss "$pmd_pid")")")
rows+=("$(printf "| load wall time (s) | ogr2ogr | %.1f | %.1f | %.2f |" "$load_planmap" "$load_ogr" \
  "$(ratio "$load_planmap" "$load_ogr")")")
pm_cpu=$(echo "$pm_client + $pm_cluster" | bc)
ogr_cpu=$(echo "$ogr_client + $ogr_cluster" | bc)
rows+=("$(printf "| load CPU time (s), client and cluster | ogr2ogr | %.1f | %.1f | %.2f |" "$pm_cpu" "$ogr_cpu" \
  "$(ratio "$pm_cpu" "$ogr_cpu")")")

echo
echo "$points points, $lines lines; $conns connections, ${secs} s a run, $rounds rounds (medians); $(date -u +%F)"
echo
echo "| measure | peer | planmap | peer | planmap / peer |"
echo "| --- | --- | ---: | ---: | ---: |"
printf '%s\n' "${rows[@]}"
