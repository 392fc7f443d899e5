# Generic: a team's own integration service, played by the reference service
# (connectivity-sandbox generic, tools/sandbox/generic/README.md). The connector polls it.
SANDBOX_PORT=$(free_port) SANDBOX=http://127.0.0.1:$SANDBOX_PORT
SERVICE_KEY=demo-generic-key
echo "==> starting the reference integration service on $SANDBOX"
"$BUILD/bin/connectivity-sandbox" generic --listen "127.0.0.1:$SANDBOX_PORT" --api-key "$SERVICE_KEY" --seed 42 \
  >"$WORK/sandbox.log" 2>&1 &
PIDS+=($!)
wait_http "$SANDBOX/"

echo "==> installing the generic connector (the first poll starts at once)"
CONFIG=$(jq -n --arg e "$SANDBOX" --arg k "$SERVICE_KEY" '{name:"generic-demo", apiKey:$k, endpoint:$e, pollingPeriod:"20m"}')
CONNECTOR=$(EXPECT=202 call POST /connectors/install/generic "$CONFIG" | jq -r .data)
echo "    connector $CONNECTOR"

echo "==> waiting for the first poll"
TRUTH=$(curl -sf "$SANDBOX/sandbox/console/truth")
WANT_ACCOUNTS=$(jq '.accounts | length' <<<"$TRUTH")
WANT_EXTERNAL=$(jq '.beneficiaries | length' <<<"$TRUTH")
WANT_TRANSACTIONS=$(jq '.transactions | length' <<<"$TRUTH")
# A transaction with a relatedTransactionID (a refund) is stored as an adjustment of the payment
# (original's reference, its own type), as the reference does: one payment per such pair.
WANT_PAYMENTS=$(jq '[.transactions[] | "\(.relatedTransactionID // .id) \(.type)"] | unique | length' <<<"$TRUTH")
WANT_BALANCES=$(jq '[.balances[].balances[]] | length' <<<"$TRUTH")
of_type() { jq -rn --arg c "$CONNECTOR" --arg t "$1" '{"$and":[{"$match":{"connector_id":$c}},{"$match":{"type":$t}}]} | @uri'; }
Q=$(of_type INTERNAL) QX=$(of_type EXTERNAL)
# Latest balance per account and asset, as "account-reference<TAB>asset<TAB>amount" lines.
# `to` far ahead: the service's clock is its own, not this machine's.
latest_balances() {
  call GET "/accounts?pageSize=100&query=$Q" | jq -r '.cursor.data[] | [.id, .reference] | @tsv' |
    while IFS=$'\t' read -r id ref; do
      call GET "/accounts/$id/balances?pageSize=100&to=2999-01-01T00:00:00Z" |
        jq -r --arg r "$ref" '.cursor.data | group_by(.asset)[] | max_by(.createdAt) | [$r, .asset, (.balance|tostring)] | @tsv'
    done
}
DEADLINE=$((SECONDS + 120))
for _ in $(seq 1 300); do
  GOT_ACCOUNTS=$(call GET "/accounts?pageSize=100&query=$Q" | jq '.cursor.data | length')
  GOT_EXTERNAL=$(call GET "/accounts?pageSize=100&query=$QX" | jq '.cursor.data | length')
  GOT_PAYMENTS=$(count /payments)
  ((GOT_ACCOUNTS >= WANT_ACCOUNTS && GOT_EXTERNAL >= WANT_EXTERNAL && GOT_PAYMENTS >= WANT_PAYMENTS)) && break
  ((SECONDS < DEADLINE)) || break
  sleep 0.5
done
# Balances are fetched per account after the accounts: give them their moment too.
DEADLINE=$((SECONDS + 30))
for _ in $(seq 1 100); do
  GOT_BALANCES=$(latest_balances | grep -c . || true)
  ((GOT_BALANCES >= WANT_BALANCES)) && break
  ((SECONDS < DEADLINE)) || break
  sleep 0.5
done

echo
echo "Accounts and balances (minor units; the service's view in brackets when it differs)"
printf "  %-24s %-24s %-7s %16s\n" REFERENCE NAME ASSET BALANCE
WANT_BAL=$(jq -r '.balances[] | .accountID as $a | .balances[] | [$a, (if (.currency|contains("/")) then .currency else .currency + "/0" end), .amount] | @tsv' <<<"$TRUTH")
BAL_MISMATCH=0
NAMES=$(call GET "/accounts?pageSize=100&query=$Q" | jq -r '.cursor.data[] | [.reference, (.name // "-")] | @tsv')
while IFS=$'\t' read -r ref asset amount; do
  name=$(awk -F'\t' -v r="$ref" '$1 == r {print $2}' <<<"$NAMES")
  want=$(awk -F'\t' -v r="$ref" -v a="$asset" '$1 == r && $2 == a {print $3}' <<<"$WANT_BAL")
  note=""
  [[ $want == "$amount" ]] || { note=" [service: ${want:-none}]"; BAL_MISMATCH=$((BAL_MISMATCH + 1)); }
  printf "  %-24s %-24s %-7s %16s%s\n" "${ref:0:24}" "${name:0:24}" "$asset" "$amount" "$note"
done < <(latest_balances)
echo
echo "Beneficiaries (EXTERNAL accounts): $GOT_EXTERNAL"
printf "  %-24s %-28s %s\n" REFERENCE NAME CREATED
call GET "/accounts?pageSize=100&query=$QX" | jq -r '.cursor.data[] | [.reference, (.name // "-"), .createdAt] | @tsv' |
  head -12 | awk -F'\t' '{printf "  %-24s %-28s %s\n",substr($1,1,24),substr($2,1,28),$3}'
((GOT_EXTERNAL > 12)) && echo "  … and $((GOT_EXTERNAL - 12)) more"
echo
echo "Recent payments (minor units)"
printf "  %-22s %-24s %-8s %-10s %-15s %12s %-6s\n" CREATED REFERENCE TYPE STATUS SCHEME AMOUNT ASSET
call GET "/payments?pageSize=12" | jq -r '.cursor.data[] | [.createdAt, .reference, .type, .status, .scheme, (.amount|tostring), .asset] | @tsv' |
  awk -F'\t' '{printf "  %-22s %-24s %-8s %-10s %-15s %12s %-6s\n",$1,substr($2,1,24),$3,$4,$5,$6,$7}'
PENDING=$(jq '[.transactions[] | select(.status == "PENDING")] | length' <<<"$TRUTH")
echo "  ($PENDING of the service's transactions are still PENDING; they settle as its clock moves: POST $SANDBOX/sandbox/console/clock/advance)"
echo
echo "Synced ${GOT_ACCOUNTS}/${WANT_ACCOUNTS} accounts, ${GOT_BALANCES}/${WANT_BALANCES} balances ($BAL_MISMATCH differing), ${GOT_EXTERNAL}/${WANT_EXTERNAL} beneficiaries and ${GOT_PAYMENTS}/${WANT_PAYMENTS} payments (the service's ${WANT_TRANSACTIONS} transactions; refunds are adjustments of their original's payment) of the service's truth."
if ((GOT_ACCOUNTS != WANT_ACCOUNTS || GOT_EXTERNAL != WANT_EXTERNAL || GOT_PAYMENTS != WANT_PAYMENTS \
     || GOT_BALANCES != WANT_BALANCES || BAL_MISMATCH != 0)); then
  echo "demo: the synced data does not match the service (logs: $WORK)" >&2
  exit 1
fi

# ---- Reconciliation: the PSP's balances (a pool of the synced accounts) against the ledger ----
# The ledger books each asset's cash as moved out of `world` (docs/reconciliation.md §2: the
# ledger side carries the negated position), with one deliberate discrepancy: DEMO_DRIFT minor
# units more on the first asset, as if a payment had been booked twice.
DEMO_DRIFT=4200
echo
echo "==> reconciling the PSP's balances with the ledger ($LEDGER_URL)"
ACCOUNT_IDS=$(call GET "/accounts?pageSize=100&query=$Q" | jq -c '[.cursor.data[].id]')
POOL=$(EXPECT=201 call POST /pools "$(jq -n --argjson ids "$ACCOUNT_IDS" '{name:"psp-cash", accountIDs:$ids}')" | jq -r .data)
PSP=$(call GET "/pools/$POOL/balances/latest" | jq -c '[.data[] | {asset, amount}]')
ledger_call() { curl -sf -X "$1" "$LEDGER_URL$2" -H 'Content-Type: application/json' --data "$3"; }
ledger_call POST /v2/demo '{}' >/dev/null
SERVICE_NOW=$(jq -r .now <<<"$TRUTH")
POSTINGS=$(jq -c --argjson drift "$DEMO_DRIFT" '[to_entries[] | .value as $b | ($b.amount + (if .key == 0 then $drift else 0 end)) as $a
  | ($b.asset | ascii_downcase | sub("/"; "_")) as $acct
  | if $a >= 0 then {source:"world", destination:("psp:" + $acct), amount:$a, asset:$b.asset}
    else {source:("psp:" + $acct), destination:"world", amount:(-$a), asset:$b.asset} end]' <<<"$PSP")
ledger_call POST "/v2/demo/transactions?force=true" \
  "$(jq -n --argjson p "$POSTINGS" --arg t "$SERVICE_NOW" '{postings:$p, timestamp:$t, reference:"demo-opening"}')" >/dev/null
RECON_API=$BASE/api/reconciliation
POLICY=$(API=$RECON_API EXPECT=201 call POST /policies "$(jq -n --arg p "$POOL" \
  '{name:"psp-cash-vs-ledger", ledgerName:"demo", ledgerQuery:{"$match":{"address":"world"}}, paymentsPoolID:$p}')" | jq -r .data.id)
AT=$(date -u -d '-1 second' +%Y-%m-%dT%H:%M:%SZ)
REPORT=$(API=$RECON_API call POST "/policies/$POLICY/reconciliation" \
  "$(jq -n --arg at "$AT" '{reconciledAtLedger:$at, reconciledAtPayments:$at}')")
echo
echo "Reconciliation $(jq -r .data.id <<<"$REPORT") of pool $POOL against ledger 'demo' at $AT"
printf "  %-8s %18s %18s %12s  %s\n" ASSET "PSP BALANCE" "LEDGER BALANCE" DRIFT STATUS
jq -r '.data | .paymentsBalances as $p | .ledgerBalances as $l | .driftBalances as $d
  | $d | keys[] | [., ($p[.]|tostring), ($l[.]|tostring), ($d[.]|tostring), (if $d[.] == 0 then "ok" else "DRIFT" end)] | @tsv' <<<"$REPORT" |
  awk -F'\t' '{printf "  %-8s %18s %18s %12s  %s\n",$1,$2,$3,$4,$5}'
STATUS=$(jq -r .data.status <<<"$REPORT")
echo "  status: $STATUS — $(jq -r '.data.error' <<<"$REPORT")"
DRIFTING=$(jq -c '[.data.driftBalances | to_entries[] | select(.value != 0) | {(.key): .value}] | add // {}' <<<"$REPORT")
WANT_DRIFT=$(jq -c --argjson d "$DEMO_DRIFT" '{(.[0].asset): $d}' <<<"$PSP")
if [[ $STATUS != NOT_OK || $DRIFTING != "$WANT_DRIFT" ]]; then
  echo "demo: expected exactly the deliberate discrepancy $WANT_DRIFT, got $STATUS $DRIFTING (logs: $WORK)" >&2
  exit 1
fi
echo "  the deliberate discrepancy ($DEMO_DRIFT on $(jq -r '.[0].asset' <<<"$PSP")) is flagged; every other asset matches."
