#!/bin/sh
# deb.sh -- build dist/tlsfloor_VERSION_ARCH.deb with dpkg-buildpackage and
# check it with lintian (make deb; build-aux/deps.sh deb installs the tools).
#
# The build runs in dist/build/tlsfloor-VERSION, a copy of the files git
# knows here (committed, changed or new, nothing ignored), so no build
# product of this tree leaks into the package and dpkg-buildpackage's
# output stays under dist/.  Lintian errors fail the build; its warnings
# are printed.
set -eu
cd "$(dirname "$0")/.."

git rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
    { echo "deb.sh: make deb builds from a git checkout" >&2; exit 1; }
v=$(dpkg-parsechangelog -S Version)
ac=$(sed -n 's/^AC_INIT(\[tlsfloor\], \[\([^]]*\)\].*/\1/p' configure.ac)
[ "$v" = "$ac" ] || {
	echo "deb.sh: debian/changelog is at $v but configure.ac at $ac:" \
	    "add a changelog entry (dch -v $ac)" >&2
	exit 1
}
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
# Every build package deps.sh installs must be a Build-Depends too (gcc and
# make come with build-essential, autoconf and automake with debhelper's
# dh-autoreconf); deps.sh installs them anyway, so the build here would
# not notice one missing.
bd=$(sed -n '/^Build-Depends:/,/^[A-Z][-A-Za-z]*:/p' debian/control |
    sed -e 's/^Build-Depends://' -e '/^[A-Z][-A-Za-z]*:/d' | tr ',' '\n' |
    sed -e 's/^[[:space:]]*//' -e 's/[[:space:](<\[].*//' | grep .)
for p in $(sed -n 's/^build_pkgs="\(.*\)"$/\1/p' build-aux/deps.sh); do
	case $p in gcc|make|autoconf|automake) continue ;; esac
	printf '%s\n' "$bd" | grep -qx "$p" || {
		echo "deb.sh: $p (build-aux/deps.sh build) is not in debian/control's Build-Depends" >&2
		exit 1
	}
done

b=dist/build
rm -rf "$b"
mkdir -p "$b/tlsfloor-$v"
git ls-files -z -c -o --exclude-standard |
    xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done; true' sh |
    tar -c --null --no-recursion -T - -f - | tar -x -C "$b/tlsfloor-$v"

(cd "$b/tlsfloor-$v" && dpkg-buildpackage -us -uc -b -j2) >"$b/build.log" 2>&1 ||
    { tail -n 40 "$b/build.log"; echo "deb.sh: dpkg-buildpackage failed (whole log: $b/build.log)" >&2; exit 1; }

changes=$b/tlsfloor_${v}_$arch.changes
lintian --fail-on error --display-info "$changes" >"$b/lintian.log" 2>&1 || {
	cat "$b/lintian.log"
	echo "deb.sh: lintian found errors" >&2
	exit 1
}
[ -s "$b/lintian.log" ] && cat "$b/lintian.log"

rm -f dist/tlsfloor_*.deb dist/tlsfloor-dbgsym_*.deb
mv "$b/tlsfloor_${v}_$arch.deb" dist/
mv "$b/tlsfloor-dbgsym_${v}_$arch.deb" dist/ 2>/dev/null || true
echo "dist/tlsfloor_${v}_$arch.deb"
