# Shared helpers of the benchmark scripts: a throwaway PostgreSQL cluster
# owned by the postgres user, planmap servers on loopback, and cleanup.
# Source it after setting $work (a temp dir); it sets $db.
pgbin=/usr/lib/postgresql/15/bin
port=${PGPORT_BENCH:-55432}
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done
  [ -d "$work/pg" ] && runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

build() {
  go build -o "$work/planmap" ./cmd/planmap
  go build -o "$work/loadgen" ./bench/loadgen
}

start_postgres() {
  install -d -o postgres "$work/pg" "$work/sock"
  runuser -u postgres -- "$pgbin/initdb" -D "$work/pg" -A trust -E UTF8 --locale C >/dev/null
  runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w \
    -o "-p $port -k $work/sock -c listen_addresses=127.0.0.1 -c fsync=off -c shared_buffers=512MB -c max_connections=200" start >/dev/null
  db="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
}

# wait_up URL: wait until URL answers.
wait_up() {
  for _ in $(seq 1 240); do curl -sf -m 10 -o /dev/null "$1" && return 0; sleep 0.5; done
  echo "$1 did not come up"; exit 1
}

wait_ready() { wait_up "http://127.0.0.1:$1/readyz"; }

# serve PORT CACHE_MB [planmap serve flags...]: start a server, wait until ready.
serve() {
  local p=$1 mb=$2; shift 2
  "$work/planmap" serve --addr "127.0.0.1:$p" --tile-cache-mb "$mb" "$@" 2>>"$work/serve.log" &
  pids+=($!)
  wait_ready "$p"
}

# rss PID: resident memory in MB.
rss() { awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }

# cluster_cpu: CPU seconds the bench cluster has used so far (every process
# of it, including the backends it has reaped).
cluster_cpu() {
  local pm
  pm=$(head -1 "$work/pg/postmaster.pid")
  { awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat"
    for c in $(pgrep -P "$pm"); do awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null || true; done
  } | awk -v hz="$(getconf CLK_TCK)" '{s += $1} END {printf "%.2f", s / hz}'
}

# measure CMD...: runs CMD (its output to $log, if set) and prints
# "wall client_cpu cluster_cpu" in seconds: CMD's own CPU, and the
# cluster's meanwhile. On a shared machine CPU time is the steadier measure.
measure() {
  local c0 c1 wall user sys
  c0=$(cluster_cpu)
  /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" >>"${log:-/dev/null}" 2>&1
  sleep 1 # the backend's exit, so that the postmaster has reaped it
  c1=$(cluster_cpu)
  read -r wall user sys <"$work/time"
  awk -v w="$wall" -v a="$c0" -v b="$c1" -v u="$user" -v s="$sys" 'BEGIN {printf "%s %.2f %.2f\n", w, u + s, b - a}'
}
