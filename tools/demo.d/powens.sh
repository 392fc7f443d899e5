# Powens: open banking through the Powens sandbox (tools/sandbox/powens/README.md).
SANDBOX_PORT=$(free_port) SANDBOX=http://127.0.0.1:$SANDBOX_PORT
echo "==> starting the Powens sandbox on $SANDBOX"
"$BUILD/bin/connectivity-sandbox" powens --listen "127.0.0.1:$SANDBOX_PORT" --seed 42 >"$WORK/sandbox.log" 2>&1 &
PIDS+=($!)
wait_http "$SANDBOX/"

echo "==> installing the Powens connector"
CONFIG=$(jq -n --arg e "$SANDBOX" '{name:"powens-demo", clientID:"cx-sandbox-client", clientSecret:"cx-sandbox-secret",
  configurationToken:"cx-sandbox-config-token", domain:"sandbox", endpoint:$e, webviewURL:$e,
  maxConnectionsPerLink:1, pollingPeriod:"30m"}')
CONNECTOR=$(EXPECT=202 call POST /connectors/install/powens "$CONFIG" | jq -r .data)
for event in CONNECTION_SYNCED CONNECTION_DELETED USER_DELETED; do
  path=$(tr 'A-Z_' 'a-z-' <<<"$event")
  curl -sf -X POST "$SANDBOX/sandbox/console/webhooks" -H 'Content-Type: application/json' \
    --data "{\"event\":\"$event\",\"url\":\"$API/connectors/webhooks/$CONNECTOR/$path\"}" >/dev/null
done

echo "==> creating a payment service user and forwarding it to Powens"
PSU=$(EXPECT=201 call POST /payment-service-users '{"name":"Camille Durand",
  "contactDetails":{"email":"camille.durand@example.fr","phoneNumber":"+33612345678","locale":"fr-FR"},
  "address":{"streetName":"Rue de Rivoli","streetNumber":"12","city":"Paris","region":"Ile-de-France","postalCode":"75001","country":"FR"},
  "metadata":{"crm_id":"C-1042"}}' | jq -r .data)
EXPECT=204 call POST "/payment-service-users/$PSU/connectors/$CONNECTOR/forward" >/dev/null

echo "==> creating a link and playing the end user through the Powens webview"
LINK=$(EXPECT=201 call POST "/payment-service-users/$PSU/connectors/$CONNECTOR/create-link" \
  '{"applicationName":"Demo","clientRedirectURL":"https://app.example.com/bank-linked"}')
ATTEMPT=$(jq -r .attemptID <<<"$LINK")
BACK=$(curl -s -o /dev/null -w '%{redirect_url}' "$(jq -r .link <<<"$LINK")&sandbox_auto=1")
FINAL=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$BACK")
echo "    webview returned to connectivityd, which sent the browser on: $FINAL"
[[ $(call GET "/payment-service-users/$PSU/connectors/$CONNECTOR/link-attempts/$ATTEMPT" | jq -r .data.status) == completed ]] \
  || { echo "demo: the link attempt did not complete" >&2; exit 1; }

echo "==> waiting for the sync"
TRUTH=$(curl -sf "$SANDBOX/sandbox/console/truth" | jq '.users[0]')
WANT_ACCOUNTS=$(jq '.accounts | length' <<<"$TRUTH")
WANT_EXTERNAL=$(jq '.externalAccounts | length' <<<"$TRUTH")
WANT_PAYMENTS=$(jq '[.payments[] | select(.malformed | not)] | length' <<<"$TRUTH")
of_type() { jq -rn --arg p "$PSU" --arg t "$1" '{"$and":[{"$match":{"psu_id":$p}},{"$match":{"type":$t}}]} | @uri'; }
Q=$(of_type INTERNAL) QX=$(of_type EXTERNAL)
for _ in $(seq 1 300); do
  GOT_ACCOUNTS=$(call GET "/accounts?pageSize=100&query=$Q" | jq '.cursor.data | length')
  GOT_EXTERNAL=$(call GET "/accounts?pageSize=100&query=$QX" | jq '.cursor.data | length')
  GOT_PAYMENTS=$(count /payments)
  ((GOT_ACCOUNTS >= WANT_ACCOUNTS && GOT_EXTERNAL >= WANT_EXTERNAL && GOT_PAYMENTS >= WANT_PAYMENTS)) && break
  sleep 0.2
done

echo
echo "Connection"
call GET "/payment-service-users/$PSU/connections" | jq -r '.cursor.data[] | [.connectionID, .status, .createdAt] | @tsv' |
  awk -F'\t' 'BEGIN{printf "  %-14s %-8s %s\n","CONNECTION","STATUS","CREATED"} {printf "  %-14s %-8s %s\n",$1,$2,$3}'
echo
echo "Accounts and balances"
printf "  %-36s %-8s %18s\n" NAME ASSET BALANCE
call GET "/accounts?pageSize=100&query=$Q" | jq -r '.cursor.data[] | [.id, (.name // "-"), (.defaultAsset // "-")] | @tsv' |
  while IFS=$'\t' read -r id name asset; do
    bal=$(call GET "/accounts/$id/balances?pageSize=1" | jq -r '.cursor.data[0] | if . == null then "-" else "\(.balance) \(.asset)" end')
    # Padded by characters, not bytes (printf's %-36s would misalign "Compte de dépôt").
    LC_ALL=C.UTF-8; name=${name:0:36}
    printf "  %s%*s %-8s %18s\n" "$name" $((36 - ${#name})) "" "$asset" "$bal"
  done
echo
echo "Counterparties (external accounts): $(call GET "/accounts?pageSize=100&query=$QX" | jq -r '[.cursor.data[].name] | join(", ")')"
echo
echo "Recent transactions (minor units)"
printf "  %-22s %-8s %-10s %12s %-7s\n" DATE TYPE STATUS AMOUNT ASSET
call GET "/payments?pageSize=12" | jq -r '.cursor.data[] | [.createdAt, .type, .status, (.amount|tostring), .asset] | @tsv' |
  awk -F'\t' '{printf "  %-22s %-8s %-10s %12s %-7s\n",$1,$2,$3,$4,$5}'
echo
echo "Synced ${GOT_ACCOUNTS}/${WANT_ACCOUNTS} accounts, ${GOT_EXTERNAL}/${WANT_EXTERNAL} counterparties and ${GOT_PAYMENTS}/${WANT_PAYMENTS} payments of the sandbox's ground truth."
if ((GOT_ACCOUNTS != WANT_ACCOUNTS || GOT_EXTERNAL != WANT_EXTERNAL || GOT_PAYMENTS != WANT_PAYMENTS)); then
  echo "demo: the synced data does not match the sandbox (logs: $WORK)" >&2
  exit 1
fi

