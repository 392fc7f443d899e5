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
# The SDK README's opening example compiles against the SDK-only install as printed.
readme=$(cd "$src/../../sdk" && pwd)/README.md
awk '/^```cpp$/ {on = 1; next} on && /^```$/ {exit} on' "$readme" >"$work/readme_example.cpp"
grep -q 'CX_CONNECTOR(Acme' "$work/readme_example.cpp" || { echo "no example at the top of $readme"; exit 1; }
${CXX:-c++} -std=c++20 -fsyntax-only -I"$prefix/include" "$work/readme_example.cpp"
echo "external build: ok"
