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
