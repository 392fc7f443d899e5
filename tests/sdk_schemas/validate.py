#!/usr/bin/env python3
"""Checks sdk/schemas against the draft 2020-12 metaschema and, with --dump, real payloads.

validate.py --schemas DIR --abi abi.h [--dump PROGRAM FIXTURE_DIR PLUGIN_DIR] [--cpp CHECKER]

Without --dump: every file parses, is a valid 2020-12 schema whose $refs all resolve, and every
op slot of cx_connector in abi.h has <op>.request.json and <op>.response.json.
With --dump: runs PROGRAM (sdk_schema_payloads) into a temp dir and validates each file it
writes (<op>--<case>.<request|response|error>.json, config--<id>.json) against its schema, then
checks that known-bad variants of those payloads are rejected and unknown fields accepted.
With --cpp: every payload, bad variant and extension is also checked by CHECKER
(op_schema_check, the host's validator) and both validators must give the same verdict.
Works with Debian's python3-jsonschema (4.10, RefResolver) and newer ones (referencing).
"""
import argparse
import copy
import json
import pathlib
import re
import subprocess
import sys
import tempfile

from jsonschema import Draft202012Validator, exceptions

UNEXERCISED = {"create_bank_account", "create_transfer", "create_payout"}  # no host code path, no fixture


class Schemas:
    def __init__(self, directory):
        self.dir = directory.resolve()
        self.docs = {}
        for path in sorted(self.dir.glob("*.json")):
            self.docs[path.name] = json.loads(path.read_text())  # a parse error fails the run

    def uri(self, name):
        return (self.dir / name).as_uri()

    def resolver_check(self, name, ref):
        """Resolves ref as seen from file name; raises when it does not resolve."""
        try:
            from referencing import Registry, Resource
            from referencing.jsonschema import DRAFT202012
        except ImportError:
            from jsonschema import RefResolver
            RefResolver(self.uri(name), self.docs[name], store=self._store()).resolve(ref)
            return
        registry = Registry().with_resources(
            (self.uri(n), Resource.from_contents(d, default_specification=DRAFT202012)) for n, d in self.docs.items())
        registry.resolver(base_uri=self.uri(name)).lookup(ref)

    def _store(self):
        return {self.uri(n): d for n, d in self.docs.items()}

    def validator(self, target):
        """A validator for "file.json" or "file.json#/$defs/X"."""
        name, _, fragment = target.partition("#")
        root = {"$ref": self.uri(name) + ("#" + fragment if fragment else "")}
        try:
            from referencing import Registry, Resource
            from referencing.jsonschema import DRAFT202012
        except ImportError:
            from jsonschema import RefResolver
            return Draft202012Validator(root, resolver=RefResolver("", root, store=self._store()))
        registry = Registry().with_resources(
            (self.uri(n), Resource.from_contents(d, default_specification=DRAFT202012)) for n, d in self.docs.items())
        return Draft202012Validator(root, registry=registry)


def refs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                yield v
            else:
                yield from refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from refs(v)


def abi_ops(abi_h):
    text = pathlib.Path(abi_h).read_text()
    body = re.search(r"typedef struct cx_connector \{(.*?)\} cx_connector;", text, re.S).group(1)
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    ops = []
    for decl in re.findall(r"cx_op_fn\s+([^;]+);", body):
        ops += [n.strip() for n in decl.split(",")]
    return ops


def check_schemas(schemas, ops, fail):
    try:  # the metaschema check itself must be able to fail
        Draft202012Validator.check_schema({"type": 12})
        fail("metaschema check accepted {\"type\": 12}")
    except exceptions.SchemaError:
        pass
    for name, doc in schemas.docs.items():
        if doc.get("$schema") != "https://json-schema.org/draft/2020-12/schema":
            fail(f"{name}: $schema is not draft 2020-12")
        try:
            Draft202012Validator.check_schema(doc)
        except exceptions.SchemaError as e:
            fail(f"{name}: invalid schema: {e.message} at {list(e.absolute_path)}")
        for ref in refs(doc):
            try:
                schemas.resolver_check(name, ref)
            except Exception as e:  # noqa: BLE001 (each library raises its own type)
                fail(f"{name}: $ref {ref} does not resolve ({type(e).__name__})")
    if len(ops) < 18:
        fail(f"abi.h: found only {len(ops)} op slots")
    for op in ops:
        for kind in ("request", "response"):
            if f"{op}.{kind}.json" not in schemas.docs:
                fail(f"missing schema {op}.{kind}.json")
    for name in ("common.json", "config.schema.json"):
        if name not in schemas.docs:
            fail(f"missing schema {name}")


def schema_of(filename):
    if filename.startswith("config--"):
        return "config.schema.json"
    m = re.fullmatch(r"([a-z_]+)--[A-Za-z0-9_-]+\.(request|response|error)\.json", filename)
    if not m:
        return None
    return "common.json#/$defs/Error" if m.group(2) == "error" else f"{m.group(1)}.{m.group(2)}.json"


def errors(schemas, target, payload):
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in schemas.validator(target).iter_errors(payload)]


# Known-bad variants of real payloads: (file, description, mutation). Each must be rejected.
def _set(path, value):
    def mutate(doc):
        node = doc
        for k in path[:-1]:
            node = node[k]
        if value is KeyError:
            del node[path[-1]]
        else:
            node[path[-1]] = value
    return mutate


MUTANTS = [
    ("fetch_payments--root_page0.response.json", "decimal amount", _set(["payments", 0, "amount"], "12.50")),
    ("fetch_payments--root_page0.response.json", "negative payment amount", _set(["payments", 0, "amount"], "-1")),
    ("fetch_payments--root_page0.response.json", "v2 payment type", _set(["payments", 0, "type"], "PAYIN")),
    ("fetch_payments--root_page0.response.json", "unknown status", _set(["payments", 0, "status"], "DONE")),
    ("fetch_payments--root_page0.response.json", "no hasMore", _set(["hasMore"], KeyError)),
    ("fetch_payments--root_page0.request.json", "pageSize 0", _set(["pageSize"], 0)),
    ("fetch_accounts--root.response.json", "lower-case asset", _set(["accounts", 0, "defaultAsset"], "eur/2")),
    ("fetch_accounts--root.response.json", "no reference", _set(["accounts", 0, "reference"], KeyError)),
    ("fetch_balances--account_acc-1.response.json", "naive timestamp",
     _set(["balances", 0, "createdAt"], "2024-01-02 00:00:00")),
    ("fetch_balances--account_acc-1.response.json", "numeric amount", _set(["balances", 0, "amount"], 1000)),
    ("fetch_balances--connection_account.request.json", "connection without status",
     _set(["fromPayload", "connection", "status"], KeyError)),
    ("translate_webhook--model_helpers.response.json", "two kinds in one response",
     _set(["responses", 0, "balances"], [])),
    ("translate_webhook--model_helpers.response.json", "unknown kind", _set(["responses", 0], {"acounts": []})),
    ("translate_webhook--model_helpers.response.json", "bad errorType",
     _set(["responses", 9, "userConnectionDisconnected", "errorType"], "GONE")),
    ("translate_webhook--model_helpers.response.json", "userLinkConnections without connections",
     _set(["responses", 6, "userLinkConnections", "connections"], KeyError)),
    ("verify_webhook--good_signature.request.json", "upper-case header name",
     _set(["webhook", "headers", "X-Sig"], ["good"])),
    ("verify_webhook--good_signature.request.json", "header value not a list", _set(["webhook", "headers", "x-sig"], "good")),
    ("create_webhooks--pager.response.json", "config without urlPath", _set(["configs", 0, "urlPath"], KeyError)),
    ("complete_user_link--success.response.json", "success and error", _set(["error"], {"error": "x"})),
    ("create_user_link--pager_ob.request.json", "no callbackState", _set(["callbackState"], KeyError)),
    ("update_user_link--pager_ob.request.json", "no connection", _set(["connection"], KeyError)),
    ("create_user--pager_ob.response.json", "token without token", _set(["permanentToken"], {"expiresAt": "2024-01-01T00:00:00Z"})),
    ("install--default_workflow.response.json", "periodically as text", _set(["workflow", 0, "periodically"], "yes")),
    ("fetch_payments--rate_limited.error.json", "negative retryAfterMs", _set(["retryAfterMs"], -5)),
    ("create--invalid_config.error.json", "no message", _set(["message"], KeyError)),
    ("config--echo.json", "egress host as URL", _set(["x-cx-egress-hosts"], ["https://api.example.com"])),
    ("config--echo.json", "nested object field", _set(["properties", "endpoint", "type"], "object")),
]
# Unknown fields are ignored by readers: these additions must still validate.
EXTENSIONS = [
    ("fetch_accounts--root.response.json", _set(["accounts", 0, "futureField"], {"x": 1})),
    ("fetch_payments--root_page0.request.json", _set(["futureField"], True)),
    ("translate_webhook--model_helpers.response.json", _set(["responses", 5, "userLinkSessionFinished", "futureField"], 1)),
]


class CppChecker:
    """The host's validator (op_schema_check) on the same payloads: its verdict must match."""

    def __init__(self, program):
        self.program = program
        self.cases = []  # (label, target, payload, expect_valid)

    def add(self, label, target, payload, expect_valid):
        self.cases.append((label, target, payload, expect_valid))

    def run(self, fail):
        if not self.program:
            return
        lines = "".join(f"{t}\t{json.dumps(p)}\n" for _, t, p, _ in self.cases)
        run = subprocess.run([self.program], input=lines, capture_output=True, text=True, timeout=60)
        answers = run.stdout.splitlines()
        if run.returncode != 0 or len(answers) != len(self.cases):
            fail(f"{self.program} failed ({run.returncode}): {run.stderr.strip()}")
            return
        checked = 0
        for (label, target, _, expect_valid), answer in zip(self.cases, answers):
            if answer == "skip":
                continue
            checked += 1
            if (answer == "ok") != expect_valid:
                fail(f"C++ validator: {label} vs {target}: expected {'valid' if expect_valid else 'invalid'}, got {answer}")
        print(f"C++ validator agreed on {checked} cases")


def check_payloads(schemas, ops, program, fixtures, plugins, fail, cpp=None):
    cpp = cpp or CppChecker(None)
    with tempfile.TemporaryDirectory() as tmp:
        run = subprocess.run([program, fixtures, tmp, plugins], capture_output=True, text=True)
        if run.returncode != 0:
            fail(f"{program} failed ({run.returncode}): {run.stderr.strip()}")
            return
        files = {p.name: json.loads(p.read_text()) for p in sorted(pathlib.Path(tmp).glob("*.json"))}
    seen = set()
    for name, payload in files.items():
        target = schema_of(name)
        if target is None:
            fail(f"{name}: no schema for this file name")
            continue
        seen.add(name.split("--")[0])
        for e in errors(schemas, target, payload):
            fail(f"{name} vs {target}: {e}")
        cpp.add(name, target, payload, True)
        if target == "config.schema.json":
            try:
                Draft202012Validator.check_schema(payload)
            except exceptions.SchemaError as e:
                fail(f"{name}: not a valid schema: {e.message}")
    for op in ops:
        if op not in seen and op not in UNEXERCISED:
            fail(f"no payload exercises {op}")
    for name, what, mutate in MUTANTS:
        if name not in files:
            fail(f"{name}: missing (needed for the '{what}' check)")
            continue
        doc = copy.deepcopy(files[name])
        mutate(doc)
        if not errors(schemas, schema_of(name), doc):
            fail(f"{name}: {what} was accepted")
        cpp.add(f"{name} ({what})", schema_of(name), doc, False)
    for name, mutate in EXTENSIONS:
        doc = copy.deepcopy(files.get(name, {}))
        try:
            mutate(doc)
        except (KeyError, IndexError, TypeError):
            fail(f"{name}: missing or not shaped as expected")
            continue
        for e in errors(schemas, schema_of(name), doc):
            fail(f"{name}: an unknown field was rejected: {e}")
        cpp.add(f"{name} (unknown field)", schema_of(name), doc, True)
    cpp.run(fail)
    print(f"validated {len(files)} payloads and {len(MUTANTS)} bad variants")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--schemas", required=True, type=pathlib.Path)
    ap.add_argument("--abi", required=True)
    ap.add_argument("--dump", nargs=3, metavar=("PROGRAM", "FIXTURE_DIR", "PLUGIN_DIR"))
    ap.add_argument("--cpp", metavar="CHECKER", help="op_schema_check: the host's validator must agree")
    args = ap.parse_args()
    failures = []

    def fail(msg):
        failures.append(msg)
        print("FAIL " + msg)

    schemas = Schemas(args.schemas)
    ops = abi_ops(args.abi)
    check_schemas(schemas, ops, fail)
    if args.dump and not failures:
        check_payloads(schemas, ops, *args.dump, fail, CppChecker(args.cpp))
    print(f"{len(schemas.docs)} schemas, {len(ops)} ops: " + (f"{len(failures)} failure(s)" if failures else "ok"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
