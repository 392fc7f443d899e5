#!/usr/bin/env bash
# deb_test.sh BUILD_DIR SOURCE_DIR: builds the connectivity .deb with cpack, extracts it into a
# scratch root (dpkg -x, no installation) and checks its files, control data, systemd unit and
# maintainer scripts; runs lintian when it is installed. Every failure is one line naming what.
set -euo pipefail
BUILD=$(realpath "$1") SRC=$(realpath "$2")
SCRATCH=$(mktemp -d /tmp/cx-deb.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
check() { local what=$1; shift; "$@" >/dev/null 2>&1 || fail "$what"; }

(cd "$SCRATCH" && cpack -G DEB --config "$BUILD/CPackConfig.cmake" -B "$SCRATCH/out" >"$SCRATCH/cpack.log" 2>&1) \
  || { cat "$SCRATCH/cpack.log" >&2; echo "FAIL: cpack -G DEB" >&2; exit 1; }
DEB=$(ls "$SCRATCH"/out/connectivity_*.deb)
echo "built $(basename "$DEB") ($(du -k "$DEB" | cut -f1) KiB)"

ROOT=$SCRATCH/root CTL=$SCRATCH/control
dpkg-deb -x "$DEB" "$ROOT"
dpkg-deb -e "$DEB" "$CTL"

# Files.
for f in usr/bin/connectivityd usr/bin/connectivity-plugin-host usr/bin/connectivity usr/bin/connectivity-sandbox; do
  [[ -x $ROOT/$f ]] || fail "$f missing or not executable"
done
for p in generic plaid powens; do
  ls "$ROOT"/usr/lib/connectivity/plugins/*"$p"*.so >/dev/null 2>&1 || fail "plugin $p missing from /usr/lib/connectivity/plugins"
done
for f in lib/systemd/system/connectivityd.service etc/connectivity/connectivityd.env \
         usr/share/doc/connectivity/copyright usr/share/doc/connectivity/changelog.Debian.gz; do
  [[ -f $ROOT/$f ]] || fail "$f missing"
done
[[ -z $(find "$ROOT" -path '*/include/*' -o -name '*.cmake' | head -1) ]] || fail "SDK development files leaked into the package"
file "$ROOT/usr/bin/connectivityd" | grep -q 'stripped' && ! file "$ROOT/usr/bin/connectivityd" | grep -q 'not stripped' \
  || fail "binaries are not stripped"
# The binaries run from the extracted tree (no build-tree RUNPATH needed).
check "connectivity --version runs" "$ROOT/usr/bin/connectivity" --version
check "connectivityd --help runs" "$ROOT/usr/bin/connectivityd" --help
! readelf -d "$ROOT/usr/bin/connectivityd" | grep -q "$BUILD" || fail "connectivityd keeps a RUNPATH into the build tree"

# Control data.
control=$CTL/control
grep -q '^Package: connectivity$' "$control" || fail "control: Package"
grep -q '^Architecture: amd64$\|^Architecture: arm64$' "$control" || fail "control: Architecture"
grep -q '^Depends:.*adduser' "$control" || fail "control: Depends lacks adduser"
grep -q '^Depends:.*libc6' "$control" || fail "control: Depends lacks the shared-library dependencies (dpkg-shlibdeps)"
grep -qx '/etc/connectivity/connectivityd.env' "$CTL/conffiles" || fail "connectivityd.env is not a conffile"
for s in postinst prerm postrm; do
  [[ -x $CTL/$s ]] || { fail "maintainer script $s missing or not executable"; continue; }
  check "$s: sh -n" sh -n "$CTL/$s"
  head -1 "$CTL/$s" | grep -q '^#!/bin/sh' || fail "$s: not a /bin/sh script"
  grep -q '^set -e' "$CTL/$s" || fail "$s: no set -e"
done
grep -q 'adduser --system --group' "$CTL/postinst" || fail "postinst creates no system user"
grep -q 'deb-systemd-helper enable' "$CTL/postinst" || fail "postinst does not enable the unit"
grep -q 'deb-systemd-invoke stop' "$CTL/prerm" || fail "prerm does not stop the service"

# The systemd unit.
unit=$ROOT/lib/systemd/system/connectivityd.service
for line in 'User=connectivity' 'StateDirectory=connectivity' 'ProtectSystem=strict' 'NoNewPrivileges=yes' \
            'EnvironmentFile=/etc/connectivity/connectivityd.env' 'ExecReload=/bin/kill -HUP $MAINPID' \
            'Environment=CONNECTIVITY_PLUGIN_DIR=/usr/lib/connectivity/plugins' 'WantedBy=multi-user.target'; do
  grep -qxF "$line" "$unit" || fail "unit lacks '$line'"
done
exec_bin=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit")
[[ -x $ROOT$exec_bin ]] || fail "ExecStart $exec_bin is not in the package"
plugin_dir=$(sed -n 's/^Environment=CONNECTIVITY_PLUGIN_DIR=//p' "$unit")
[[ -d $ROOT$plugin_dir ]] || fail "the unit's plugin dir $plugin_dir is not in the package"
if command -v systemd-analyze >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
  systemd-analyze verify "$unit" 2>&1 | grep -v 'connectivityd: command not found\|/usr/bin/connectivityd' | grep -q . \
    && fail "systemd-analyze verify: $(systemd-analyze verify "$unit" 2>&1 | head -3)"
fi

# postinst's first token: made in a scratch /etc (the script's path rewritten), mode 0640, hex.
# The host is left alone: no user is created and no unit enabled (systemd parts switched off).
sed "s|/etc/connectivity|$SCRATCH/etc|g; s|chown root:connectivity|true|; s|getent passwd connectivity|true|;
     s|command -v deb-systemd-helper|false|; s|-d /run/systemd/system|-d $SCRATCH/no-systemd|" \
  "$CTL/postinst" >"$SCRATCH/postinst.local"
mkdir -p "$SCRATCH/etc"
env PATH="$PATH" sh "$SCRATCH/postinst.local" configure >/dev/null 2>&1 || fail "postinst configure (scratch /etc) failed"
tok=$(grep -v '^#' "$SCRATCH/etc/api-tokens" 2>/dev/null || true)
[[ $tok =~ ^[0-9a-f]{64}$ ]] || fail "postinst did not write a 256-bit hex token (got '$tok')"
[[ $(stat -c %a "$SCRATCH/etc/api-tokens" 2>/dev/null) == 640 ]] || fail "api-tokens is not mode 0640"
before=$(cat "$SCRATCH/etc/api-tokens")
sh "$SCRATCH/postinst.local" configure >/dev/null 2>&1 || true
[[ $(cat "$SCRATCH/etc/api-tokens") == "$before" ]] || fail "postinst overwrote an existing api-tokens file"

# lintian, when installed (not required: it pulls in a large toolchain).
if command -v lintian >/dev/null 2>&1; then
  lintian --tag-display-limit 0 "$DEB" >"$SCRATCH/lintian.log" 2>&1 || true
  cat "$SCRATCH/lintian.log"
  grep -q '^E: ' "$SCRATCH/lintian.log" && fail "lintian reports errors"
else
  echo "lintian not installed: skipped"
fi

((fails == 0)) || { echo "$fails check(s) failed" >&2; exit 1; }
echo "package checks passed"
