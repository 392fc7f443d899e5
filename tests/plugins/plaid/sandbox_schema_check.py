#!/usr/bin/env python3
"""Drives the Plaid sandbox through every endpoint and checks each answer against Plaid's
published schemas (plaid-openapi 2020-09-14, extracted with $refs inlined in
tests/plugins/plaid/plaid-schemas.json), plus the sandbox rules the emulator must keep.

Usage: sandbox_schema_check.py --sandbox build/bin/connectivity-sandbox --schemas .../plaid-schemas.json
Standard library only.
"""
import argparse
import hashlib
import http.server
import json
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

FAILURES = []


def fail(msg):
    FAILURES.append(msg)
    print("FAIL:", msg)


# ---------------------------------------------------------------------------- OpenAPI 3.0 checker
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def validate(schema, value, path="$"):
    """Returns a list of errors of `value` against an OpenAPI 3.0 Schema Object."""
    errs = []
    if value is None:
        if schema.get("nullable") or not schema.get("type") and not schema.get("allOf"):
            return errs
        return [f"{path}: null but not nullable"]
    for sub in schema.get("allOf", []):
        merged = dict(sub)
        if schema.get("nullable"):
            merged["nullable"] = True
        errs += validate(merged, value, path)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            if all(validate(s, value, path) for s in schema[key]):
                errs.append(f"{path}: matches none of {key}")
    t = schema.get("type")
    if "enum" in schema and value not in schema["enum"]:
        errs.append(f"{path}: {value!r} not in enum")
    if t == "object":
        if not isinstance(value, dict):
            return errs + [f"{path}: expected object, got {type(value).__name__}"]
        for req in schema.get("required", []):
            if req not in value:
                errs.append(f"{path}: missing required {req}")
        props = schema.get("properties", {})
        for k, v in value.items():
            if k in props:
                errs += validate(props[k], v, f"{path}.{k}")
            elif schema.get("additionalProperties") is False:
                errs.append(f"{path}: unexpected property {k}")
            elif isinstance(schema.get("additionalProperties"), dict):
                errs += validate(schema["additionalProperties"], v, f"{path}.{k}")
    elif t == "array":
        if not isinstance(value, list):
            return errs + [f"{path}: expected array"]
        if "minItems" in schema and len(value) < schema["minItems"]:
            errs.append(f"{path}: fewer than {schema['minItems']} items")
        for i, v in enumerate(value):
            errs += validate(schema.get("items", {}), v, f"{path}[{i}]")
    elif t == "string":
        if not isinstance(value, str):
            return errs + [f"{path}: expected string, got {value!r}"]
        fmt = schema.get("format")
        if fmt == "date" and not DATE.match(value):
            errs.append(f"{path}: {value!r} is not a date")
        if fmt == "date-time" and not DATETIME.match(value):
            errs.append(f"{path}: {value!r} is not a date-time")
    elif t == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            errs.append(f"{path}: expected integer, got {value!r}")
    elif t == "number":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            errs.append(f"{path}: expected number, got {value!r}")
    elif t == "boolean":
        if not isinstance(value, bool):
            errs.append(f"{path}: expected boolean, got {value!r}")
    return errs


# -------------------------------------------------------------------------------- HTTP helpers
class Hooks(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        Hooks.received.append((self.path, dict(self.headers), body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Api:
    def __init__(self, base, schemas):
        self.base, self.schemas = base, schemas

    def raw(self, path, body, headers=None):
        h = {"Content-Type": "application/json", "PLAID-CLIENT-ID": "client", "PLAID-SECRET": "secret",
             "Plaid-Version": "2020-09-14"}
        h.update(headers or {})
        req = urllib.request.Request(self.base + path, data=json.dumps(body).encode(), headers=h, method="POST")
        try:
            with urllib.request.urlopen(req) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())

    def ok(self, path, body):
        status, out = self.raw(path, body)
        if status != 200:
            fail(f"{path}: HTTP {status} {out}")
            return out
        op = self.schemas["operations"][path]
        for e in validate(op["response200"], out):
            fail(f"{path} response: {e}")
        return out

    def error(self, path, body, status, code, headers=None):
        got, out = self.raw(path, body, headers)
        if got != status or out.get("error_code") != code:
            fail(f"{path}: expected {status} {code}, got {got} {out.get('error_code')}")
        for e in validate(self.schemas["errors"]["PlaidError"], out):
            fail(f"{path} error body: {e}")
        return out


def console(base, path, body=None, method=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method or ("POST" if data else "GET"),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())


def wait_hooks(n, timeout=10):
    end = time.time() + timeout
    while len(Hooks.received) < n and time.time() < end:
        time.sleep(0.05)
    return Hooks.received


# ------------------------------------------------------------------------------------ scenario
def walk_hosted_link(api, base, hook_url, cid):
    """Clicks through the Hosted Link pages as a browser would: institution, bad then good
    credentials, a second institution, Finish -> 303 and one SESSION_FINISHED with two tokens."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None
    opener = urllib.request.build_opener(NoRedirect)
    lt = api.ok("/link/token/create", {
        "client_name": "Walk", "language": "en", "country_codes": ["US", "GB"], "user": {"client_user_id": cid},
        "products": ["transactions"], "webhook": hook_url + "/all?attemptID=walk",
        "hosted_link": {"completion_redirect_uri": "https://app.example/walked"}})
    url = lt["hosted_link_url"]
    start = len(Hooks.received)
    page = opener.open(url).read().decode()
    links = re.findall(r'href="(/hl/[A-Za-z0-9]+/institution/(ins_[0-9]+))"', page)
    if len(links) < 3 or "ins_120002" not in [i for _, i in links]:
        fail(f"hosted link lists {links}")
    form = opener.open(base + links[0][0]).read().decode()
    action = re.search(r'action="(/hl/[A-Za-z0-9]+/login)"', form).group(1)

    def login(inst, user, password):
        data = urllib.parse.urlencode({"institution_id": inst, "username": user, "password": password}).encode()
        return opener.open(urllib.request.Request(base + action, data=data, method="POST")).read().decode()
    bad = login(links[0][1], "user_good", "wrong")
    if 'data-error-code="INVALID_CREDENTIALS"' not in bad:
        fail("bad credentials did not show INVALID_CREDENTIALS")
    if 'id="connected"' not in login(links[0][1], "user_good", "pass_good"):
        fail("good credentials did not connect")
    if 'id="connected"' not in login("ins_120002", "user_good", "pass_good"):
        fail("second institution did not connect")
    finish = re.search(r'action="(/hl/[A-Za-z0-9]+/finish)"', opener.open(url).read().decode()).group(1)
    try:
        opener.open(urllib.request.Request(base + finish, data=b"", method="POST"))
        fail("finish did not redirect")
    except urllib.error.HTTPError as e:
        if e.code != 303 or e.headers["Location"] != "https://app.example/walked":
            fail(f"finish: {e.code} {e.headers.get('Location')}")
    hooks = wait_hooks(start + 3)[start:]
    codes = [json.loads(b)["webhook_code"] for _, _, b in hooks]
    if codes != ["ITEM_ADD_RESULT", "ITEM_ADD_RESULT", "SESSION_FINISHED"]:
        fail(f"walk webhooks: {codes}")
    elif len(json.loads(hooks[2][2])["public_tokens"]) != 2:
        fail("multi-item session did not carry two public tokens")


def run(api, base, hook_url, schemas):
    cid = "psu-0001"
    user = api.ok("/user/create", {"client_user_id": cid})
    again = api.ok("/user/create", {"client_user_id": cid})
    if again["user_id"] != user["user_id"]:
        fail("/user/create is not idempotent per client_user_id")
    api.error("/user/create", {}, 400, "MISSING_FIELDS")
    api.error("/user/create", {"client_user_id": "x"}, 400, "MISSING_FIELDS", {"PLAID-SECRET": ""})

    lt = api.ok("/link/token/create", {
        "client_name": "Acme", "language": "en", "country_codes": ["US"], "user": {"client_user_id": cid},
        "user_token": user["user_token"], "products": ["transactions"], "webhook": hook_url + "/all?attemptID=a1",
        "enable_multi_item_link": True, "hosted_link": {"completion_redirect_uri": "https://app.example/done"}})
    if "hosted_link_url" not in lt:
        fail("/link/token/create: no hosted_link_url with hosted_link")
    api.error("/link/token/create", {"client_name": "A", "language": "xx", "country_codes": ["US"],
                                     "user": {"client_user_id": cid}, "products": ["transactions"]}, 400, "INVALID_FIELD")

    # Hosted link, automation contract: redirect at once, ITEM_ADD_RESULT then SESSION_FINISHED.
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(lt["hosted_link_url"] + "?sandbox_auto=1")
        fail("hosted link sandbox_auto=1 did not redirect")
    except urllib.error.HTTPError as e:
        if e.code not in (302, 303) or e.headers["Location"] != "https://app.example/done":
            fail(f"hosted link redirect: {e.code} {e.headers.get('Location')}")
    hooks = wait_hooks(2)
    codes = [json.loads(b)["webhook_code"] for _, _, b in hooks]
    if codes[:2] != ["ITEM_ADD_RESULT", "SESSION_FINISHED"]:
        fail(f"link webhooks: {codes}")
    for path, headers, body in hooks:
        if path != "/all?attemptID=a1":
            fail(f"webhook path {path}")
        jwt = headers.get("Plaid-Verification", "")
        parts = jwt.split(".")
        pad = lambda s: s + "=" * (-len(s) % 4)
        header = json.loads(__import__("base64").urlsafe_b64decode(pad(parts[0])))
        claims = json.loads(__import__("base64").urlsafe_b64decode(pad(parts[1])))
        if header.get("alg") != "ES256" or claims.get("request_body_sha256") != hashlib.sha256(body).hexdigest():
            fail("webhook JWT header/claims do not bind the body")
        if abs(claims["iat"] - time.time()) > 60:
            fail("webhook iat is not now")
        key = api.ok("/webhook_verification_key/get", {"key_id": header["kid"]})["key"]
        if key["expired_at"] is not None or key["crv"] != "P-256":
            fail("current key is not an unexpired P-256 key")
    finished = json.loads(hooks[1][2])
    if finished["status"] != "SUCCESS" or len(finished["public_tokens"]) != 1:
        fail(f"SESSION_FINISHED: {finished}")
    api.error("/webhook_verification_key/get", {"key_id": "nope"}, 400, "INVALID_WEBHOOK_VERIFICATION_KEY_ID")

    walk_hosted_link(api, base, hook_url, cid)

    got = api.ok("/link/token/get", {"link_token": lt["link_token"]})
    if got["link_sessions"][0]["results"]["item_add_results"][0]["public_token"] != finished["public_tokens"][0]:
        fail("/link/token/get does not list the session's public token")

    ex = api.ok("/item/public_token/exchange", {"public_token": finished["public_tokens"][0]})
    api.error("/item/public_token/exchange", {"public_token": finished["public_tokens"][0]}, 400, "INVALID_PUBLIC_TOKEN")
    access = ex["access_token"]
    accounts = api.ok("/accounts/get", {"access_token": access})
    currencies = {a["balances"]["iso_currency_code"] for a in accounts["accounts"]}
    if not {"USD", "JPY"} <= currencies:
        fail(f"first institution currencies: {currencies}")
    api.ok("/accounts/balance/get", {"access_token": access})
    api.error("/accounts/get", {"access_token": "access-sandbox-unknown"}, 400, "INVALID_ACCESS_TOKEN")

    # Sync paging: pages of 7 until has_more is false; every update exactly once.
    cursor, seen, pages = "", [], 0
    while True:
        page = api.ok("/transactions/sync", {"access_token": access, "cursor": cursor, "count": 7})
        pages += 1
        seen += [t["transaction_id"] for t in page["added"]]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    truth = console(base, f"/sandbox/console/truth?item_id={ex['item_id']}")
    if sorted(seen) != sorted(p["reference"] for p in truth["payments"]):
        fail("sync did not deliver exactly the truth's transactions")
    if pages < 2:
        fail("expected several sync pages")
    api.error("/transactions/sync", {"access_token": access, "cursor": "bm9wZQ"}, 400, "INVALID_FIELD")
    api.error("/transactions/sync", {"access_token": access, "count": 0}, 400, "INVALID_FIELD")

    # Mutation during pagination.
    console(base, "/sandbox/console/faults", {"mutationDuringPagination": 1})
    start = api.ok("/transactions/sync", {"access_token": access, "count": 1})
    api.error("/transactions/sync", {"access_token": access, "cursor": start["next_cursor"], "count": 1}, 400,
              "TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION")

    # Pending -> posted: removed [P] + added [Q with pending_transaction_id P].
    posted = console(base, "/sandbox/console/post_pending", {"item_id": ex["item_id"]})["posted"]
    page = api.ok("/transactions/sync", {"access_token": access, "cursor": cursor, "count": 500})
    removed = {r["transaction_id"] for r in page["removed"]}
    replacing = {t["pending_transaction_id"] for t in page["added"] if t["pending_transaction_id"]}
    if posted == 0 or removed != replacing:
        fail(f"pending->posted: posted={posted} removed={removed} replacing={replacing}")

    # Faulty amounts and currencies still validate.
    for kind in ("float_artefact", "extra_decimals", "unofficial_currency", "null_balance", "modify"):
        console(base, "/sandbox/console/inject", {"item_id": ex["item_id"], "kind": kind})
    page = api.ok("/transactions/sync", {"access_token": access, "cursor": page["next_cursor"], "count": 500})
    if not page["modified"]:
        fail("modify injection produced no modified transaction")
    api.ok("/accounts/get", {"access_token": access})

    # Sandbox rules.
    api.error("/sandbox/transactions/create", {"access_token": access, "transactions": [
        {"date_transacted": "2024-01-01", "date_posted": "2024-01-02", "amount": 1.5, "description": "x"}]},
              400, "INVALID_FIELD")
    dyn = api.ok("/sandbox/public_token/create", {"institution_id": "ins_109508", "initial_products": ["transactions"],
                                                  "options": {"override_username": "user_transactions_dynamic",
                                                              "override_password": "any", "webhook": hook_url + "/all"}})
    dyn_access = api.ok("/item/public_token/exchange", {"public_token": dyn["public_token"]})["access_token"]
    api.ok("/sandbox/transactions/create", {"access_token": dyn_access, "transactions": [
        {"date_transacted": "2024-01-01", "date_posted": "2024-01-02", "amount": 12.34, "description": "Corner Shop"}]})
    api.error("/sandbox/public_token/create", {"institution_id": "ins_109508", "initial_products": ["transactions"],
                                               "options": {"override_username": "user_bad", "override_password": "x"}},
              400, "INVALID_CREDENTIALS")
    api.error("/sandbox/public_token/create", {"institution_id": "ins_0", "initial_products": ["transactions"]},
              400, "INVALID_INSTITUTION")

    before = len(Hooks.received)
    api.ok("/sandbox/item/fire_webhook", {"access_token": dyn_access, "webhook_code": "SYNC_UPDATES_AVAILABLE"})
    for code in ("PENDING_DISCONNECT", "USER_PERMISSION_REVOKED", "LOGIN_REPAIRED", "ERROR", "NEW_ACCOUNTS_AVAILABLE"):
        api.ok("/sandbox/item/fire_webhook", {"access_token": dyn_access, "webhook_code": code})
    api.ok("/sandbox/item/reset_login", {"access_token": dyn_access})
    api.error("/accounts/get", {"access_token": dyn_access}, 400, "ITEM_LOGIN_REQUIRED")
    hooks = wait_hooks(before + 7)
    for _, _, body in hooks[before:]:
        b = json.loads(body)
        if b["webhook_code"] == "SYNC_UPDATES_AVAILABLE":
            for e in validate(schemas["webhooks"]["SyncUpdatesAvailableWebhook"], b):
                fail(f"SYNC_UPDATES_AVAILABLE: {e}")
        if b["webhook_code"] == "ERROR":
            for e in validate(schemas["errors"]["PlaidError"], b["error"]):
                fail(f"ITEM/ERROR error: {e}")

    # Outages and throttling, with PlaidError bodies.
    console(base, "/sandbox/console/faults", {"failNext": ["429", "500", "503", "INSTITUTION_DOWN"]})
    api.error("/accounts/get", {"access_token": access}, 429, "RATE_LIMIT")
    api.error("/accounts/get", {"access_token": access}, 500, "INTERNAL_SERVER_ERROR")
    api.error("/accounts/get", {"access_token": access}, 503, "PLANNED_MAINTENANCE")
    api.error("/accounts/get", {"access_token": access}, 400, "INSTITUTION_DOWN")

    api.ok("/item/remove", {"access_token": access})
    api.error("/accounts/get", {"access_token": access}, 400, "ITEM_NOT_FOUND")
    api.ok("/user/remove", {"user_token": user["user_token"]})
    api.error("/user/remove", {"user_token": user["user_token"]}, 400, "INVALID_USER_TOKEN")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sandbox", required=True)
    ap.add_argument("--schemas", required=True)
    args = ap.parse_args()
    with open(args.schemas) as f:
        schemas = json.load(f)

    hook_port = free_port()
    hook_server = http.server.ThreadingHTTPServer(("127.0.0.1", hook_port), Hooks)
    threading.Thread(target=hook_server.serve_forever, daemon=True).start()
    port = free_port()
    proc = subprocess.Popen([args.sandbox, "plaid", "--listen", f"127.0.0.1:{port}", "--seed", "42",
                             "--webhook-delay-ms", "50"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                console(base, "/sandbox/console")
                break
            except OSError:
                time.sleep(0.05)
        run(Api(base, schemas), base, f"http://127.0.0.1:{hook_port}", schemas)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        hook_server.shutdown()
    if FAILURES:
        print(f"{len(FAILURES)} failure(s)")
        return 1
    print("plaid sandbox: all responses match Plaid's schemas")
    return 0


if __name__ == "__main__":
    sys.exit(main())
