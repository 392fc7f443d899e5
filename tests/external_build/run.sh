#!/usr/bin/env bash
# Usage: run.sh SDK_PREFIX CX_INSPECT [COMPILER_LAUNCHER]
# Builds tests/external_build against an SDK-only install (tests/sdk_package/install_sdk.sh made
# SDK_PREFIX from `cmake -S sdk`, without the host), then loads the result with the host's
# loader and calls fetch_accounts.
set -euo pipefail
prefix=$1; inspect=$2; launcher=${3:-}
src=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
args=(-G Ninja -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O0)  # -O0: compiles fastest
[[ -n $launcher ]] && args+=(-DCMAKE_CXX_COMPILER_LAUNCHER="$launcher")
cmake -S "$src" -B "$work/build" "${args[@]}" >/dev/null
cmake --build "$work/build" >/dev/null
so="$work/build/acme.so"
syms=$(nm -D --defined-only "$so" | awk '{print $3}')
[[ "$syms" == "cx_connector_entry" ]] || { echo "acme.so exports: $syms"; exit 1; }
desc=$("$inspect" "$so")
echo "$desc"
grep -q '"id":"acme"' <<<"$desc"
grep -q '"ops":\["fetch_accounts"\]' <<<"$desc"
out=$("$inspect" --call fetch_accounts --config '{"apiKey":"k"}' --request '{"state":null,"pageSize":10}' "$so")
echo "$out"
grep -q '"reference":"acme-acc-1"' <<<"$out"
# The plugin's own config validation reaches the host with the field it names.
if "$inspect" --call fetch_accounts --config '{}' "$so" 2>"$work/err"; then echo "bad config accepted"; exit 1; fi
grep -q 'apiKey is required' "$work/err"
echo "external build: ok"
