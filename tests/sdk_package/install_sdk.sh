#!/usr/bin/env bash
# Usage: install_sdk.sh SOURCE_DIR WORK_DIR [COMPILER_LAUNCHER]
# Builds the SDK on its own (cmake -S sdk: no host dependency), installs it into WORK_DIR/prefix,
# and packs it with `cpack -G DEB`; checks the package's name and contents. The prefix is reused
# by the tests that need an SDK-only install (ctest fixture cx_sdk_install).
set -euo pipefail
src=$1; work=$2; launcher=${3:-}
rm -rf "$work/prefix" "$work/deb"
mkdir -p "$work"
# -O0 without debug info: this checks building and packaging, and compiles 3x faster.
args=(-G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O0)
[[ -n $launcher ]] && args+=(-DCMAKE_CXX_COMPILER_LAUNCHER="$launcher")
cmake -S "$src/sdk" -B "$work/build" "${args[@]}" >"$work/configure.log" || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" >"$work/build.log" || { cat "$work/build.log"; exit 1; }
cmake --install "$work/build" --prefix "$work/prefix" >/dev/null

# The install holds what an author needs, and nothing of the host.
for f in include/connectivity/abi.h include/connectivity/connector.hpp include/connectivity/testing/fake_host.hpp \
         lib/cmake/ConnectivitySDK/ConnectivitySDKConfig.cmake bin/cx-conformance \
         share/connectivity/schemas/common.json share/connectivity/template/CMakeLists.txt; do
  [[ -e "$work/prefix/$f" ]] || { echo "missing from the SDK install: $f"; exit 1; }
done
if ldd "$work/prefix/bin/cx-conformance" | grep -Eq 'boost|botan|sqlite|ssl'; then
  echo "cx-conformance links a host library:"; ldd "$work/prefix/bin/cx-conformance"; exit 1
fi

version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$work/build/CPackConfig.cmake")
(cd "$work/build" && cpack -G DEB -B "$work/deb" >"$work/cpack.log") || { cat "$work/cpack.log"; exit 1; }
arch=$(dpkg --print-architecture)
deb="$work/deb/connectivity-sdk_${version}_${arch}.deb"
[[ -f $deb ]] || { echo "no $deb; cpack made:"; ls "$work/deb"; exit 1; }
contents=$(dpkg -c "$deb")
for f in ./usr/include/connectivity/abi.h ./usr/lib/cmake/ConnectivitySDK/ConnectivitySDKConfig.cmake \
         ./usr/lib/cmake/ConnectivitySDK/ConnectivitySDKHelpers.cmake ./usr/bin/cx-conformance \
         ./usr/share/connectivity/template/example.cpp ./usr/share/connectivity/schemas/common.json; do
  grep -q " $f\$" <<<"$contents" || { echo "missing from $deb: $f"; echo "$contents"; exit 1; }
done
dpkg-deb -f "$deb" Package Version Depends
echo "SDK install: $work/prefix; package: $deb"
