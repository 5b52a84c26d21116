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
