# tools/bench/ingest_powens/powens.sh — the Powens set-up shared by ingest_powens/run and
# many_psus/run (source it after tools/bench/lib.sh).
#
#   sandbox_start PORT LOG [FLAG...]   starts the Powens sandbox; sets $SBX_URL
#   sbx METHOD PATH [JSON]             sandbox console call, prints the body
#   powens_install                     installs the powens connector, waits for its HMAC auth; sets $CID
#   powens_link_psus N THREADS         N PSUs forwarded and linked (link_psus.py); polling parked
#   powens_register_webhooks           points the sandbox's webhook events at the daemon
#   plugin_calls OP                    calls of one plugin op so far (cx_plugin_calls_total)
#   wait_plugin_calls OP N [SECONDS]   polls until plugin_calls OP >= N
#   truth_payments                     payments the sandbox's truth holds (malformed ones excluded)

POWENS_DIR=$ROOT/tools/bench/ingest_powens

sandbox_start() {  # PORT LOG [FLAG...]
  local port=$1 log=$2
  shift 2
  "$BIN"/connectivity-sandbox powens --listen "127.0.0.1:$port" --seed 42 "$@" >>"$log" 2>&1 &
  BENCH_PIDS+=("$!")
  SBX_PID=$!
  SBX_URL="http://127.0.0.1:$port"
  wait_http "$SBX_URL/sandbox/console"
}

sbx() {  # METHOD PATH [JSON]
  local args=(-sS --fail-with-body -X "$1")
  [[ $# -ge 3 ]] && args+=(-H 'Content-Type: application/json' --data "$3")
  curl "${args[@]}" "$SBX_URL/sandbox/console$2"
}

powens_install() {
  local body
  body=$(jq -n --arg e "$SBX_URL" '{name: "powens-bench", clientID: "cx-sandbox-client",
    clientSecret: "cx-sandbox-secret", configurationToken: "cx-sandbox-config-token", domain: "sandbox",
    endpoint: $e, webviewURL: $e, maxConnectionsPerLink: 1, pollingPeriod: "30m"}')
  CID=$(api POST /connectors/install/powens "$body" | jq -r .data)
  local deadline=$((SECONDS + 30))
  until [[ $(sbx GET /webhooks | jq '.auths | length') -ge 1 ]]; do
    ((SECONDS < deadline)) || { echo "the connector created no webhook auth" >&2; return 1; }
    sleep 0.1
  done
}

powens_link_psus() {  # N THREADS
  python3 "$POWENS_DIR/link_psus.py" --daemon "$DAEMON_URL" --token "$BENCH_TOKEN" --connector "$CID" \
    --sandbox "$SBX_URL" --count "$1" --threads "$2"
}

powens_register_webhooks() {
  local event path
  for event in CONNECTION_SYNCED CONNECTION_DELETED USER_DELETED USER_SYNCED; do
    path=$(tr 'A-Z_' 'a-z-' <<<"$event")
    sbx POST /webhooks "$(jq -n --arg e "$event" --arg u "$DAEMON_URL/api/payments/v3/connectors/webhooks/$CID/$path" \
      '{event: $e, url: $u}')" >/dev/null
  done
}

plugin_calls() {  # OP
  curl -sf -H "Authorization: Bearer $BENCH_TOKEN" "$DAEMON_URL/metrics" |
    awk -v op="op=\"$1\"" '/^cx_plugin_calls_total\{/ && index($0, op) {n += $2} END {print n + 0}'
}

wait_plugin_calls() {  # OP N [SECONDS]
  local deadline=$((SECONDS + ${3:-120}))
  until (($(plugin_calls "$1") >= $2)); do
    ((SECONDS < deadline)) || { echo "timeout: $(plugin_calls "$1") of $2 $1 calls" >&2; return 1; }
    sleep 0.1
  done
}

truth_payments() { sbx GET '/truth?summary=1' | jq '.payments - .malformedPayments'; }
