#!/usr/bin/env bash
# The package test (ctest label `package`): builds the .deb with CPack, installs it in a fresh
# Debian 12 root made by Debian's own mmdebstrap from the package registry this machine's apt
# uses, checks the unit with `systemd-analyze verify`, starts the node as its user the way the
# unit does, checks it serves, then removes (and purges) the package and checks the ledger stays.
#
# The root is cached as a tarball under BUILD/package/ (named by the package's dependencies), so
# a second run takes seconds. If mmdebstrap cannot build it (no registry), the test fails, loudly.
#
# Usage: package_test.sh BUILD_DIR        (as root: chroot, mount)
set -euo pipefail

build=$(cd "$1" && pwd)
started=$(date +%s)
say() { echo "package test: $*"; }
fail() {
  echo "package test: FAILED: $*" >&2
  exit 1
}
[ "$(id -u)" -eq 0 ] || fail "must run as root (it makes a chroot)"
command -v mmdebstrap >/dev/null || fail "mmdebstrap is missing: run scripts/setup.sh"

# 1. The package.
cmake --build "$build" --target liard-node liard liard_man_pages >/dev/null
rm -f "$build"/package/liard_*.deb
(cd "$build" && cpack -G DEB >"$build/package-cpack.log" 2>&1) ||
  fail "cpack could not build the package (see $build/package-cpack.log)"
deb=$(ls "$build"/package/liard_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || fail "cpack made no .deb"
say "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB) in $(($(date +%s) - started)) s"
dpkg-deb -c "$deb" >"$build/package-contents.txt"
for f in ./usr/bin/liard-node ./usr/bin/liard ./lib/systemd/system/liard-node.service \
  ./etc/liard/node.toml ./usr/share/man/man1/liard-node.1.gz ./usr/share/man/man1/liard.1.gz \
  ./usr/share/locale/fr/LC_MESSAGES/liard.mo ./usr/share/doc/liard/operator.md; do
  grep -q " $f\$" "$build/package-contents.txt" || fail "the package lacks $f"
done
dpkg-deb -I "$deb" conffiles | grep -qx /etc/liard/node.toml || fail "node.toml is not a conffile"
# The till and the pocket wallet, when this build made them (LIARD_BUILD_WEB).
web=
if [ -f "$build/web/dist/till/index.html" ]; then
  web=yes
  for f in ./usr/share/liard/web/index.html ./usr/share/liard/web/till/index.html \
    ./usr/share/liard/web/pay/index.html ./usr/share/liard/web/sw.js; do
    grep -q " $f\$" "$build/package-contents.txt" || fail "the package lacks $f"
  done
fi

# 2. A fresh Debian 12 root with what the package depends on, cached by that list.
depends=$(dpkg-deb -f "$deb" Depends)
names=$(echo "$depends" | tr ',' '\n' | sed -e 's/|.*//' -e 's/(.*)//' -e 's/ //g' | grep -v '^$' |
  sort -u | paste -sd, -)
key=$(echo "bookworm systemd man-db $names" | sha256sum | cut -c1-16)
tarball="$build/package/debian12-root-$key.tar"
sources=/etc/apt/sources.list.d/debian.sources
[ -f "$sources" ] || sources=/etc/apt/sources.list
[ -f "$sources" ] || fail "this machine has no apt sources to build the root from"
if [ ! -f "$tarball" ]; then
  say "making a Debian 12 root with mmdebstrap (cached as $(basename "$tarball"))"
  t0=$(date +%s)
  if ! mmdebstrap --variant=apt --format=tar --include="systemd,man-db,$names" bookworm "$tarball.tmp" "$sources" \
    >"$build/package-mmdebstrap.log" 2>&1; then
    rm -f "$tarball.tmp"
    tail -20 "$build/package-mmdebstrap.log" >&2
    fail "mmdebstrap could not build a Debian 12 root from the registry in $sources (see $build/package-mmdebstrap.log)"
  fi
  mv "$tarball.tmp" "$tarball"
  say "root made in $(($(date +%s) - t0)) s"
fi

root=$(mktemp -d /tmp/liard-package-root.XXXXXX)
node_pid=
cleanup() {
  [ -n "$node_pid" ] && kill -KILL "$node_pid" 2>/dev/null || true
  umount "$root/proc" 2>/dev/null || true
  rm -rf --one-file-system "$root"
}
trap cleanup EXIT
tar -C "$root" -xf "$tarball"
mount -t proc proc "$root/proc"
in_root() { chroot "$root" "$@"; }

# 3. Install: offline (every dependency is in the root), no service enabled or started.
cp "$deb" "$root/tmp/liard.deb"
in_root dpkg -i /tmp/liard.deb >"$build/package-install.log" 2>&1 ||
  { cat "$build/package-install.log" >&2; fail "dpkg -i failed"; }
in_root liard-node --version | grep -q "liard-node " || fail "liard-node does not run"
in_root liard --version >/dev/null || fail "liard does not run"
user=$(in_root getent passwd liard) || fail "postinst made no user liard"
uid=$(echo "$user" | cut -d: -f3)
[ "$uid" -lt 1000 ] || fail "the user liard is not a system user (uid $uid)"
[ ! -e "$root/etc/systemd/system/multi-user.target.wants/liard-node.service" ] ||
  fail "the service was enabled on install"
in_root man -w liard-node >/dev/null || fail "man finds no page for liard-node"
in_root man -w liard >/dev/null || fail "man finds no page for liard"

# 4. The unit, as systemd reads it.
if ! in_root systemd-analyze verify /lib/systemd/system/liard-node.service \
  >"$build/package-verify.log" 2>&1; then
  cat "$build/package-verify.log" >&2
  fail "systemd-analyze verify refused the unit"
fi
if grep -q "liard-node.service" "$build/package-verify.log"; then
  cat "$build/package-verify.log" >&2
  fail "systemd-analyze verify warned about the unit"
fi
unit="$root/lib/systemd/system/liard-node.service"
for line in "User=liard" "StateDirectory=liard" "ProtectSystem=strict" "NoNewPrivileges=true" \
  "Restart=on-failure" "KillSignal=SIGTERM"; do
  grep -qx "$line" "$unit" || fail "the unit lacks $line"
done

# 5. The node as its user: in the state directory postinst made, the ledger made by that user,
# then the unit's own ExecStart (on a free port, so that it never meets another node).
[ "$(in_root stat -c '%U %a' /var/lib/liard)" = "liard 700" ] ||
  fail "postinst did not make /var/lib/liard (mode 0700, the user liard's)"
in_root runuser -u liard -- liard-node init --data /var/lib/liard/ledger --demo \
  >"$build/package-init.log" 2>&1 || { cat "$build/package-init.log" >&2; fail "init as liard failed"; }
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
: >"$root/tmp/node.out"
web_flags=
[ -z "$web" ] || web_flags="--web-listen 127.0.0.1:0 --web-root /usr/share/liard/web"
chroot "$root" runuser -u liard -- $exec_start --listen 127.0.0.1:0 $web_flags \
  >"$root/tmp/node.out" 2>"$root/tmp/node.err" &
runuser_pid=$!
port=
for _ in $(seq 1 100); do
  port=$(sed -n 's/^liard-node listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$root/tmp/node.out")
  [ -n "$port" ] && break
  kill -0 "$runuser_pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$port" ] || { cat "$root/tmp/node.err" >&2; fail "the node did not start as the unit starts it"; }
node_pid=$(pgrep -u "$uid" -x liard-node | head -1)
[ -n "$node_pid" ] || fail "no liard-node process of the user liard"
say "the node serves on 127.0.0.1:$port as user liard (pid $node_pid)"
if [ -n "$web" ]; then
  # The browsers' port serves the packaged till page (plain HTTP on loopback).
  wport=
  for _ in $(seq 1 50); do
    wport=$(sed -n 's/.*event=web-start listen=127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$root/tmp/node.err" | head -1)
    [ -n "$wport" ] && break
    sleep 0.1
  done
  [ -n "$wport" ] || { cat "$root/tmp/node.err" >&2; fail "the node did not open its web port"; }
  exec 3<>"/dev/tcp/127.0.0.1/$wport"
  printf 'GET /till/ HTTP/1.0\r\nHost: 127.0.0.1:%s\r\n\r\n' "$wport" >&3
  page=$(timeout 10 cat <&3 || true)
  exec 3<&-
  echo "$page" | head -1 | grep -q " 200 " || fail "GET /till/ on the web port: $(echo "$page" | head -1)"
  echo "$page" | grep -q "till.js" || fail "GET /till/ did not serve the packaged till page"
  say "the web port 127.0.0.1:$wport serves the packaged till page"
fi
# It serves: the packaged wallet reads the reserves; a backup goes through the running node.
in_root liard --node "127.0.0.1:$port" --lang en reserves --json >"$build/package-reserves.json" 2>&1 ||
  { cat "$build/package-reserves.json" >&2; fail "the wallet could not read the node"; }
grep -q '"fund' "$build/package-reserves.json" || fail "the reserves do not read as expected"
in_root runuser -u liard -- liard-node backup --data /var/lib/liard/ledger --to /var/lib/liard/backups \
  >"$build/package-backup.log" 2>&1 || { cat "$build/package-backup.log" >&2; fail "backup failed"; }
grep -q "made by the running node" "$build/package-backup.log" || fail "the backup was not the node's"
# Stopped as systemd stops it: SIGTERM, and a clean exit.
kill -TERM "$node_pid"
wait "$runuser_pid" || fail "the node did not exit cleanly on SIGTERM"
node_pid=
grep -q "event=stopped" "$root/tmp/node.err" || fail "the node did not log its stop"

# 6. Remove, then purge: the ledger and the backups stay.
in_root dpkg -r liard >>"$build/package-install.log" 2>&1 || fail "dpkg -r failed"
[ ! -e "$root/usr/bin/liard-node" ] || fail "dpkg -r left the binary"
[ -f "$root/var/lib/liard/ledger/CURRENT" ] || fail "dpkg -r removed the ledger"
[ -f "$root/var/lib/liard/ledger/head-anchor" ] || fail "dpkg -r removed the head anchor"
in_root dpkg -P liard >>"$build/package-install.log" 2>&1 || fail "dpkg -P failed"
[ -f "$root/var/lib/liard/ledger/CURRENT" ] || fail "dpkg -P removed the ledger"
[ -d "$root/var/lib/liard/backups/meta" ] || fail "dpkg -P removed the backups"
say "passed in $(($(date +%s) - started)) s"
