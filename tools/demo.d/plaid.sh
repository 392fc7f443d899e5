# Plaid: open banking through the Plaid sandbox (tools/sandbox/plaid/README.md). Data arrives by
# webhook: LINK/SESSION_FINISHED creates the connection, TRANSACTIONS/HISTORICAL_UPDATE starts the
# /transactions/sync loop.
SANDBOX_PORT=$(free_port) SANDBOX=http://127.0.0.1:$SANDBOX_PORT
echo "==> starting the Plaid sandbox on $SANDBOX"
"$BUILD/bin/connectivity-sandbox" plaid --listen "127.0.0.1:$SANDBOX_PORT" --seed 42 --webhook-delay-ms 300 \
  >"$WORK/sandbox.log" 2>&1 &
PIDS+=($!)
wait_http "$SANDBOX/"

echo "==> installing the Plaid connector"
CONFIG=$(jq -n --arg e "$SANDBOX" '{name:"plaid-demo", clientID:"cx-sandbox-client", clientSecret:"cx-sandbox-secret",
  baseURL:$e, pollingPeriod:"30m"}')
CONNECTOR=$(EXPECT=202 call POST /connectors/install/plaid "$CONFIG" | jq -r .data)
# No webhook registration: Plaid sends them to the URL given in /link/token/create.

echo "==> creating a payment service user and forwarding it to Plaid"
PSU=$(EXPECT=201 call POST /payment-service-users '{"name":"Jordan Lee",
  "contactDetails":{"email":"jordan.lee@example.com","phoneNumber":"+15125550147","locale":"en-US"},
  "address":{"streetName":"Congress Ave","streetNumber":"401","city":"Austin","region":"TX","postalCode":"78701","country":"US"},
  "metadata":{"crm_id":"C-2077"}}' | jq -r .data)
EXPECT=204 call POST "/payment-service-users/$PSU/connectors/$CONNECTOR/forward" >/dev/null

echo "==> creating a link and playing the end user through Plaid Hosted Link"
CLIENT_URL=https://app.example.com/bank-linked
LINK=$(EXPECT=201 call POST "/payment-service-users/$PSU/connectors/$CONNECTOR/create-link" \
  "{\"applicationName\":\"Demo\",\"clientRedirectURL\":\"$CLIENT_URL\"}")
ATTEMPT=$(jq -r .attemptID <<<"$LINK")
FINAL=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$(jq -r .link <<<"$LINK")?sandbox_auto=1")
echo "    Hosted Link finished and sent the browser on: $FINAL"
[[ $FINAL == "303 $CLIENT_URL" ]] || { echo "demo: Hosted Link did not redirect to $CLIENT_URL" >&2; exit 1; }

echo "==> waiting for LINK/SESSION_FINISHED (the connection) and the sync"
ITEM=
for _ in $(seq 1 200); do
  ITEM=$(call GET "/payment-service-users/$PSU/connections" | jq -r '[.cursor.data[] | select(.status == "ACTIVE")][0].connectionID // empty')
  [[ -n $ITEM ]] && break
  sleep 0.1
done
[[ -n $ITEM ]] || { echo "demo: no ACTIVE connection after SESSION_FINISHED" >&2; exit 1; }
[[ $(call GET "/payment-service-users/$PSU/connectors/$CONNECTOR/link-attempts/$ATTEMPT" | jq -r .data.status) == completed ]] \
  || { echo "demo: the link attempt did not complete" >&2; exit 1; }

# Stored state of the Item in the truth's neutral terms, sorted, so both sides compare as text.
stored_state() {
  local accounts payments balances='[]' id
  accounts=$(call GET "/accounts?pageSize=100" | jq --arg c "$ITEM" '[.cursor.data[] | select(.openBankingConnectionID == $c and .type == "INTERNAL")]')
  for id in $(jq -r '.[].id' <<<"$accounts"); do
    balances=$(jq --argjson a "$accounts" --arg id "$id" --argjson b "$(call GET "/accounts/$id/balances?pageSize=100")" \
      '. + [$b.cursor.data | group_by(.asset)[] | max_by(.lastUpdatedAt) |
             {accountReference: ($a[] | select(.id == $id) | .reference), amount: (.balance | tostring), asset}]' <<<"$balances")
  done
  payments='[]'
  local page next
  page=$(call GET "/payments?pageSize=100")
  for _ in $(seq 1 1000); do
    payments=$(jq --argjson p "$page" '. + $p.cursor.data' <<<"$payments")
    [[ $(jq -r .cursor.hasMore <<<"$page") == true ]] || break
    next=$(jq -r .cursor.next <<<"$page"); page=$(call GET "/payments?cursor=$next")
  done
  jq -n --argjson a "$accounts" --argjson b "$balances" --argjson p "$payments" --arg c "$ITEM" '
    ($a | map({key: .id, value: .reference}) | from_entries) as $ref |
    {accounts: ($a | map({reference, defaultAsset}) | sort_by(.reference)),
     balances: ($b | sort_by(.accountReference, .asset)),
     payments: ($p | map(select(.openBankingConnectionID == $c)
                 | {reference, type, amount: (.amount | tostring), asset, status,
                    account: ($ref[.sourceAccountID // .destinationAccountID] // "?")}) | sort_by(.reference))}'
}
truth_state() {
  curl -sf "$SANDBOX/sandbox/console/truth?item_id=$ITEM" | jq '
    {accounts: (.accounts | map({reference, defaultAsset}) | sort_by(.reference)),
     balances: (.balances | map({accountReference, amount, asset}) | sort_by(.accountReference, .asset)),
     payments: (.payments | map({reference, type, amount, asset, status,
                                 account: (.sourceAccountReference // .destinationAccountReference)}) | sort_by(.reference))}'
}
for _ in $(seq 1 150); do
  STORED=$(stored_state) TRUTH=$(truth_state)
  [[ $STORED == "$TRUTH" ]] && break
  sleep 0.2
done

echo
echo "Connection (Plaid Item)"
call GET "/payment-service-users/$PSU/connections" | jq -r '.cursor.data[] | [.connectionID, .status, .createdAt] | @tsv' |
  awk -F'\t' 'BEGIN{printf "  %-38s %-8s %s\n","CONNECTION","STATUS","CREATED"} {printf "  %-38s %-8s %s\n",$1,$2,$3}'
echo
echo "Accounts and balances"
printf "  %-30s %-8s %18s\n" NAME ASSET BALANCE
call GET "/accounts?pageSize=100" | jq -r --arg c "$ITEM" '.cursor.data[] | select(.openBankingConnectionID == $c)
    | [.id, (.name // "-"), (.defaultAsset // "-")] | @tsv' |
  while IFS=$'\t' read -r id name asset; do
    bal=$(call GET "/accounts/$id/balances?pageSize=100" | jq -r '.cursor.data | if length == 0 then "-" else (max_by(.lastUpdatedAt) | "\(.balance) \(.asset)") end')
    printf "  %-30s %-8s %18s\n" "${name:0:30}" "$asset" "$bal"
  done
echo
echo "Recent transactions (minor units)"
printf "  %-22s %-8s %-10s %12s %-7s\n" DATE TYPE STATUS AMOUNT ASSET
call GET "/payments?pageSize=12" | jq -r '.cursor.data[] | [.createdAt, .type, .status, (.amount|tostring), .asset] | @tsv' |
  awk -F'\t' '{printf "  %-22s %-8s %-10s %12s %-7s\n",$1,$2,$3,$4,$5}'
echo
n() { jq "$1" <<<"$2"; }
echo "Synced $(n '.accounts|length' "$STORED")/$(n '.accounts|length' "$TRUTH") accounts," \
  "$(n '.balances|length' "$STORED")/$(n '.balances|length' "$TRUTH") balances and" \
  "$(n '.payments|length' "$STORED")/$(n '.payments|length' "$TRUTH") payments" \
  "($(n '[.payments[]|select(.status=="PENDING")]|length' "$STORED") pending) of the sandbox's ground truth:" \
  "$([[ $STORED == "$TRUTH" ]] && echo "identical" || echo "DIFFERENT")."
if [[ $STORED != "$TRUTH" ]]; then
  diff <(jq . <<<"$TRUTH") <(jq . <<<"$STORED") | head -20 >&2 || true
  echo "demo: the synced data does not match the sandbox (< truth, > stored; logs: $WORK)" >&2
  exit 1
fi
