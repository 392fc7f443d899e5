#!/usr/bin/env bash
# Usage: check_exports.sh PLUGIN_DIR [EXTRA.so…]
# Fails unless every .so in PLUGIN_DIR (and each extra) defines exactly one dynamic symbol,
# the function cx_connector_entry.
set -euo pipefail
dir=$1; shift
status=0; n=0
for so in "$dir"/*.so "$@"; do
  [[ -f $so ]] || continue
  n=$((n + 1))
  syms=$(nm -D --defined-only "$so" | awk '{print $2" "$3}')
  if [[ "$syms" != "T cx_connector_entry" ]]; then
    echo "FAIL $so exports:"; echo "$syms"; status=1
  else
    echo "ok   $so"
  fi
done
[[ $n -gt 0 ]] || { echo "no plugins found"; exit 1; }
exit $status
