#!/usr/bin/env python3
"""Links N PSUs to an installed powens connector through the daemon's v3 API, as fast as the
daemon allows, for the Powens benchmarks (tools/bench/ingest_powens/run, tools/bench/many_psus/run).

Phase 1, from --threads threads on keep-alive connections: create a PSU, forward it to the
connector (the daemon calls /2.0/auth/init), create a link (the daemon gets a webview code).
Then the sandbox's API answers 500/503, so the polling fetch each new connection schedules fails
and retries on its backoff, out of the way of the webhook path being measured. (Not a 429: a rate
limit holds every task of the connector, the webhook tasks being measured included.)
Phase 2: follow every link with sandbox_auto=1 (the sandbox creates the connection and its
history) and the webview's redirect to the daemon (which completes the link attempt).

Prints one JSON line: {"psus": N, "connections": N, "seconds": S}.
"""
import argparse
import http.client
import json
import sys
import threading
import time
import urllib.parse

PSU_BODY = {
    "name": "Camille Durand",
    "contactDetails": {"email": "camille.durand@example.fr", "phoneNumber": "+33612345678", "locale": "fr-FR"},
    "address": {"streetName": "Rue de Rivoli", "streetNumber": "12", "city": "Paris", "region": "Ile-de-France",
                "postalCode": "75001", "country": "FR"},
}
TIMEOUT_S = 60


class Conn:
    """One keep-alive connection per origin, reopened after an error."""

    def __init__(self):
        self.by_origin = {}

    def request(self, method, url, body=None, headers=None):
        u = urllib.parse.urlsplit(url)
        origin = (u.hostname, u.port)
        target = u.path + ("?" + u.query if u.query else "")
        hdrs = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            hdrs["Content-Type"] = "application/json"
        elif method == "POST":
            data = b""
        for attempt in range(2):
            c = self.by_origin.get(origin)
            if c is None:
                c = self.by_origin[origin] = http.client.HTTPConnection(u.hostname, u.port, timeout=TIMEOUT_S)
            try:
                c.request(method, target, body=data, headers=hdrs)
                r = c.getresponse()
                text = r.read()
                return r.status, r.getheader("Location"), text
            except (http.client.HTTPException, OSError):
                c.close()
                del self.by_origin[origin]
                if attempt == 1:
                    raise
        raise RuntimeError("unreachable")


def run_parallel(items, threads, work):
    """Runs work(conn, item) over items from `threads` threads; raises the first failure."""
    lock = threading.Lock()
    it = iter(list(enumerate(items)))
    results = [None] * len(items)
    errors = []

    def loop():
        conn = Conn()
        while True:
            with lock:
                if errors:
                    return
                nxt = next(it, None)
            if nxt is None:
                return
            i, item = nxt
            try:
                results[i] = work(conn, item)
            except Exception as e:  # noqa: BLE001 - reported once, stops the others
                with lock:
                    errors.append(f"item {i}: {e}")
                return

    ts = [threading.Thread(target=loop) for _ in range(max(1, threads))]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    if errors:
        raise RuntimeError(errors[0])
    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--daemon", required=True, help="daemon base URL, http://127.0.0.1:PORT")
    ap.add_argument("--token", required=True)
    ap.add_argument("--connector", required=True)
    ap.add_argument("--sandbox", required=True, help="Powens sandbox base URL")
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--threads", type=int, default=8)
    a = ap.parse_args()
    api = a.daemon + "/api/payments/v3"
    auth = {"Authorization": "Bearer " + a.token}
    redirect = "http://127.0.0.1:9/linked"
    t0 = time.monotonic()

    def expect(status, want, what, text):
        if status != want:
            raise RuntimeError(f"{what}: {status} {text[:300]!r}")

    def phase1(conn, _):
        s, _, text = conn.request("POST", api + "/payment-service-users", PSU_BODY, auth)
        expect(s, 201, "create PSU", text)
        psu = json.loads(text)["data"]
        s, _, text = conn.request("POST", f"{api}/payment-service-users/{psu}/connectors/{a.connector}/forward", None, auth)
        expect(s, 204, "forward", text)
        s, _, text = conn.request("POST", f"{api}/payment-service-users/{psu}/connectors/{a.connector}/create-link",
                                  {"applicationName": "bench", "clientRedirectURL": redirect}, auth)
        expect(s, 201, "create-link", text)
        return json.loads(text)["link"]

    links = run_parallel(range(a.count), a.threads, phase1)

    s, _, text = Conn().request("POST", a.sandbox + "/sandbox/console/faults", {"rate5xx": 1.0})
    expect(s, 200, "sandbox faults", text)

    def phase2(conn, link):
        s, location, text = conn.request("GET", link + "&sandbox_auto=1")
        if s not in (302, 303) or not location:
            raise RuntimeError(f"webview: {s} {text[:300]!r}")
        s, _, text = conn.request("GET", location)
        expect(s, 307, "redirect endpoint", text)
        return 1

    done = run_parallel(links, a.threads, phase2)
    print(json.dumps({"psus": len(links), "connections": sum(done), "seconds": round(time.monotonic() - t0, 3)}))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001
        print(f"link_psus: {e}", file=sys.stderr)
        sys.exit(1)
