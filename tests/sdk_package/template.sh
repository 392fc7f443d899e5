#!/usr/bin/env bash
# Usage: template.sh PREFIX WORK_DIR [COMPILER_LAUNCHER]
# Copies the template the SDK installed, builds it against that SDK-only prefix, and runs its
# ctest: the unit tests (cx_add_connector_test) and cx-conformance on its fixtures.
set -euo pipefail
prefix=$1; work=$2; launcher=${3:-}
rm -rf "$work"; mkdir -p "$work"
cp -r "$prefix/share/connectivity/template" "$work/src"
args=(-G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O0 -DCMAKE_PREFIX_PATH="$prefix")  # -O0: compiles fastest
[[ -n $launcher ]] && args+=(-DCMAKE_CXX_COMPILER_LAUNCHER="$launcher")
cmake -S "$work/src" -B "$work/build" "${args[@]}" >"$work/configure.log" || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" >"$work/build.log" || { cat "$work/build.log"; exit 1; }
(cd "$work/build" && ctest --output-on-failure)
grep -q 'failures="0"' "$work/build/conformance.xml"
echo "template: builds, tests and passes cx-conformance"
