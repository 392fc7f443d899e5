# Generic, before the daemon: the Formance Ledger v2 emulator the reconciliation report compares
# the PSP's balances with (connectivity-sandbox ledger, tools/sandbox/ledger/README.md).
LEDGER_PORT=$(free_port) LEDGER_URL=http://127.0.0.1:$LEDGER_PORT
echo "==> starting the ledger emulator on $LEDGER_URL"
"$BUILD/bin/connectivity-sandbox" ledger --listen "127.0.0.1:$LEDGER_PORT" >"$WORK/ledger.log" 2>&1 &
PIDS+=($!)
wait_http "$LEDGER_URL/"
DAEMON_ARGS+=(--ledger-url "$LEDGER_URL")
