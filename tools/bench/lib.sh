# tools/bench/lib.sh — shared by the benchmark scripts (source it; needs bash, curl, jq, python3).
#
#   bench_build TARGET...         Release build in $CX_BENCH_BUILD (default build-bench); sets $BIN
#                                 (CX_BENCH_NO_BUILD=1: use the binaries already in $CX_BENCH_BUILD)
#   Comparing two daemons in one sitting: CX_BENCH_DAEMON=<path to another connectivityd> runs
#   that binary instead of $BIN/connectivityd (e.g. the previous commit's), all else the same.
#   bench_port                    prints a free loopback port
#   record NAME VALUE UNIT        prints "NAME VALUE UNIT" and stores it in build/bench/results.json
#   daemon_start DATA PLUGINS PORT [FLAG...]   starts connectivityd (token $BENCH_TOKEN); sets $DAEMON_PID
#   daemon_stop                   SIGTERM and wait
#   static_start URL FILE         saves URL's body (authenticated GET on the daemon) to FILE and
#                                 serves the same bytes from bench_api_static; sets $STATIC_URL
#   wait_http URL [SECONDS]       polls until URL answers 2xx (default 30 s)
#   api METHOD PATH [JSON]        authenticated call to the daemon, prints the body
#   stored_payments               payments inserted so far (cx_items_stored_total from /metrics)
#   wait_payments N [SECONDS]     polls stored_payments until >= N; fails on timeout
#   wrk_load URL DURATION         wrk, 32 connections, 2 threads, authenticated; prints "req/s p99_ms";
#                                 fails on any non-2xx answer or socket error
#   rss_mib PID / peak_rss_mib PID   VmRSS / VmHWM (peak resident set) of a live process, MiB
#   now_s                         monotonic-enough wall clock, seconds with ns decimals
#
# Every process a script starts is killed on exit (bench_cleanup runs from an EXIT trap).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
BUILD=${CX_BENCH_BUILD:-build-bench}
BIN=$BUILD/bin
RESULTS=${CX_BENCH_RESULTS:-build/bench/results.json}
BENCH_TOKEN=bench-token
BENCH_PIDS=()

bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${BENCH_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap bench_cleanup EXIT

bench_build() {
  [[ "${CX_BENCH_NO_BUILD:-}" == 1 ]] && return 0
  tools/setup bench >/dev/null
  cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  mkdir -p "$BUILD"
  cmake --build "$BUILD" --target "$@" -j"$(nproc)" >"$BUILD/bench-build.log" 2>&1 ||
    { tail -30 "$BUILD/bench-build.log" >&2; return 1; }
}

bench_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

now_s() { date +%s.%N; }

record() {  # NAME VALUE UNIT
  echo "$1 $2 $3"
  mkdir -p "$(dirname "$RESULTS")"
  [[ -s "$RESULTS" ]] || jq -n --arg n "$(nproc)" \
    --arg m "$(awk '/MemTotal/ {printf "%.1f", $2/1048576}' /proc/meminfo)" \
    '{machine: {nproc: ($n|tonumber), memGiB: ($m|tonumber)}, figures: {}}' >"$RESULTS"
  local tmp
  tmp=$(mktemp)
  jq --arg k "$1" --arg v "$2" --arg u "$3" \
    '.figures[$k] = {value: ($v|tonumber? // $v), unit: $u, at: (now|todate)}' "$RESULTS" >"$tmp"
  mv "$tmp" "$RESULTS"
}

daemon_start() {  # DATA PLUGINS PORT [FLAG...]
  local data=$1 plugins=$2 port=$3
  shift 3
  mkdir -p "$data"
  CONNECTIVITY_API_TOKEN=$BENCH_TOKEN "${CX_BENCH_DAEMON:-$BIN/connectivityd}" --listen "127.0.0.1:$port" --data-dir "$data" \
    --plugin-dir "$plugins" --public-url "http://127.0.0.1:$port" "$@" >>"$data/../daemon.log" 2>&1 &
  DAEMON_PID=$!
  DAEMON_URL="http://127.0.0.1:$port"
  BENCH_PIDS+=("$DAEMON_PID")
  wait_http "$DAEMON_URL/_healthcheck"
}

daemon_stop() {
  kill -TERM "$DAEMON_PID" 2>/dev/null || true
  wait "$DAEMON_PID" 2>/dev/null || true
}

static_start() {  # URL FILE
  curl -sS --fail-with-body -H "Authorization: Bearer $BENCH_TOKEN" -o "$2" "$1"
  local port
  port=$(bench_port)
  CONNECTIVITY_API_TOKEN=$BENCH_TOKEN "$BIN"/bench_api_static "$port" "$2" &
  BENCH_PIDS+=("$!")
  STATIC_URL="http://127.0.0.1:$port/static"
  until curl -sf -o /dev/null -H "Authorization: Bearer $BENCH_TOKEN" "$STATIC_URL"; do sleep 0.05; done
  cmp -s "$2" <(curl -sS -H "Authorization: Bearer $BENCH_TOKEN" "$STATIC_URL") ||
    { echo "bench_api_static does not serve the same bytes" >&2; return 1; }
}

wait_http() {  # URL [SECONDS]
  local deadline=$((SECONDS + ${2:-30}))
  until curl -sf -o /dev/null "$1"; do
    ((SECONDS < deadline)) || { echo "no answer from $1" >&2; return 1; }
    sleep 0.05
  done
}

api() {  # METHOD PATH [JSON]
  local args=(-sS --fail-with-body -X "$1" -H "Authorization: Bearer $BENCH_TOKEN")
  [[ $# -ge 3 ]] && args+=(-H 'Content-Type: application/json' --data "$3")
  curl "${args[@]}" "$DAEMON_URL/api/payments/v3$2"
}

stored_payments() {
  curl -sf -H "Authorization: Bearer $BENCH_TOKEN" "$DAEMON_URL/metrics" |
    awk '/^cx_items_stored_total\{/ && /kind="payment"/ && /change="inserted"/ {print $2; found=1} END {if (!found) print 0}'
}

wait_payments() {  # N [SECONDS]
  local deadline=$((SECONDS + ${2:-1800})) n
  while :; do
    n=$(stored_payments)
    awk -v n="$n" -v want="$1" 'BEGIN {exit !(n >= want)}' && return 0
    ((SECONDS < deadline)) || { echo "timeout: $n of $1 payments stored" >&2; return 1; }
    sleep 0.1
  done
}

rss_mib() { awk '/^VmRSS:/ {printf "%.1f\n", $2/1024}' "/proc/$1/status"; }
peak_rss_mib() { awk '/^VmHWM:/ {printf "%.1f\n", $2/1024}' "/proc/$1/status"; }

wrk_load() {  # URL DURATION
  local out rps p99
  out=$(wrk -t2 -c32 -d"$2" --latency -H "Authorization: Bearer $BENCH_TOKEN" "$1")
  if grep -q 'Non-2xx\|Socket errors' <<<"$out"; then echo "errors while loading $1:" >&2; echo "$out" >&2; return 1; fi
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {v = $2; if (v ~ /us$/) {sub(/us$/, "", v); v /= 1000} else if (v ~ /ms$/) {sub(/ms$/, "", v)}
                          else if (v ~ /s$/) {sub(/s$/, "", v); v *= 1000}; print v}' <<<"$out")
  echo "$rps $p99"
}
