#!/bin/sh
# tests/package/paths.sh -- the files `make install` installs are exactly
# the ones doc/install.md lists for it (issue 12: the README said
# /etc/tlsfloor while make install used /usr/local/etc/tlsfloor; the
# list moved from the README to doc/install.md).
#
# usage: tests/package/paths.sh     (after configure)
#
# doc/install.md's list holds for autoconf's default prefix: with another one
# (CONFIGURE_FLAGS=--prefix=...) the test says SKIP and exits 77.
set -u
cd "$(dirname "$0")/../.."

prefix=$(sed -n 's/^prefix[[:space:]]*=[[:space:]]*//p' config.mk 2>/dev/null)
[ "$prefix" = /usr/local ] ||
    { echo "tests/package/paths: SKIP: configured prefix is '$prefix', doc/install.md lists /usr/local"; exit 77; }

stage=$(mktemp -d /tmp/tlsfloor-paths.XXXXXX)
trap 'rm -rf "$stage" "$stage.log"' EXIT
make -s install DESTDIR="$stage" >"$stage.log" 2>&1 ||
    { echo "FAIL paths: make install DESTDIR=$stage:"; cat "$stage.log"; exit 1; }
got=$(cd "$stage" && find . ! -type d | sed 's/^\.//' | sort)
# The indented /usr/local lines after "Without the package, `make install`".
want=$(sed -n '/^Without the package, `make install`/,/^then `systemd-sysusers/p' doc/install.md |
    sed -n 's|^    \(/usr/local/[^ ]*\).*|\1|p' | sort)
if [ -z "$want" ]; then
	echo "FAIL paths: no list of /usr/local paths found in doc/install.md"
	exit 1
fi
if [ "$got" != "$want" ]; then
	echo "FAIL paths: make install and doc/install.md disagree (< doc/install.md, > make install):"
	printf '%s\n' "$want" >"$stage.want"
	printf '%s\n' "$got" | diff "$stage.want" - | grep '^[<>]'
	rm -f "$stage.want"
	exit 1
fi
echo "paths: make install installs the $(printf '%s\n' "$got" | wc -l) files doc/install.md lists"
