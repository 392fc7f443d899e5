#!/usr/bin/env bash
# expect.sh STATUS REGEX -- COMMAND…: runs COMMAND, passes when it exits with STATUS and its
# stdout+stderr match the extended REGEX.
set -uo pipefail
want=$1 pattern=$2
shift 3
out=$("$@" 2>&1)
got=$?
printf '%s\n' "$out"
if [[ $got -ne $want ]]; then echo "FAIL: exit status $got, expected $want"; exit 1; fi
if ! grep -Ezq -- "$pattern" <<<"$out"; then echo "FAIL: output does not match: $pattern"; exit 1; fi
echo "ok: exit $got, output matches"
