#!/bin/bash
# tests/package/run.sh -- the Debian package, installed, used and purged in
# a fresh Debian bookworm root (issue 12).
#
# usage: tests/package/run.sh [DEB]
#
# Without DEB, make deb builds dist/tlsfloor_VERSION_ARCH.deb first.  The
# root is the one ../shared/fresh-machine.sh makes and caches (mmdebstrap
# minbase + make, git, ca-certificates; $FRESH_CACHE, default
# /tmp/fresh-root.tar): a new copy is unpacked for every run, in a private
# mount namespace, and removed afterwards.  apt reaches the mirror through
# the host's network; the daemon the checks start runs in a network
# namespace of this test's own (only lo, up), entered with nsenter.  tests/package/inside.sh runs in it as root: apt-get
# install ./DEB, the checks, apt-get purge, the checks again.  Installing
# needs the Debian mirror (the package's dependencies).
#
# Exit status: 0 every check passed, 1 one failed, 77 skipped (not root,
# or no unshare).  KEEP=1 keeps the root and the log.
set -u
cd "$(dirname "$0")/../.."

[ "$(id -u)" -eq 0 ] || { echo "tests/package: SKIP: needs root (chroot, mounts)"; exit 77; }
command -v unshare >/dev/null || { echo "tests/package: SKIP: no unshare"; exit 77; }

deb=${1:-}
if [ -z "$deb" ]; then
	make -s deb >/tmp/tlsfloor-package-deb.$$.log 2>&1 ||
	    { cat /tmp/tlsfloor-package-deb.$$.log; echo "FAIL package: make deb"; exit 1; }
	rm -f /tmp/tlsfloor-package-deb.$$.log
	deb=$(ls dist/tlsfloor_*_*.deb 2>/dev/null | head -n 1)
fi
[ -s "$deb" ] || { echo "FAIL package: no package $deb"; exit 1; }

cache=${FRESH_CACHE:-/tmp/fresh-root.tar}
if [ ! -s "$cache" ]; then
	# The same root as ../shared/fresh-machine.sh makes (and then reuses).
	command -v mmdebstrap >/dev/null ||
	    apt-get install -y --no-install-recommends mmdebstrap >/dev/null 2>&1
	mmdebstrap --variant=minbase --include=make,git,ca-certificates \
	    bookworm "$cache" >/dev/null 2>&1 ||
	    { echo "FAIL package: mmdebstrap could not make the root"; exit 1; }
fi

R=$(mktemp -d /tmp/tlsfloor-package.XXXXXX)
NS=tlsfl-p-$$
cleanup() {
	ip netns del "$NS" 2>/dev/null
	[ "${KEEP:-0}" = 1 ] && echo "kept: $R" || rm -rf "$R"
}
trap cleanup EXIT
ip netns add "$NS" && ip -n "$NS" link set lo up ||
    { echo "FAIL package: cannot make network namespace $NS"; exit 1; }
mkdir -p "$R/root" && tar -xf "$cache" -C "$R/root"
mkdir -p "$R/root/tmp/pkg"
cp "$deb" tests/package/inside.sh tests/package/security.sh "$R/root/tmp/pkg/"
cp /etc/resolv.conf "$R/root/etc/resolv.conf" 2>/dev/null
printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n' \
    >"$R/root/etc/hosts"

touch "$R/root/tmp/pkg/netns"
# The mounts die with the unshare'd shell.
unshare --mount --fork /bin/sh -s "$R" "$(basename "$deb")" "$NS" <<'IN'
set -u
R=$1 deb=$2 NS=$3
mount --make-rprivate /
mount --bind "$R/root" "$R/root"
mount -t proc proc "$R/root/proc"
mount --bind /sys "$R/root/sys"
mount --bind /dev "$R/root/dev"
mount -t tmpfs tmpfs "$R/root/run"
mount --bind "/run/netns/$NS" "$R/root/tmp/pkg/netns"
exec chroot "$R/root" /usr/bin/env -i \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root TERM=dumb LC_ALL=C.UTF-8 /bin/sh /tmp/pkg/inside.sh "/tmp/pkg/$deb"
IN
