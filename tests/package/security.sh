#!/bin/sh
# tests/package/security.sh -- the systemd unit's exposure, as
# systemd-analyze security rates it, must be at most 2.0 (issue 12).
#
# usage: tests/package/security.sh [UNIT]
#
# UNIT is an installed tlsfloor.service (the fresh-root package test passes
# /lib/systemd/system/tlsfloor.service); without it, the unit make install
# writes (prefix /usr, sysconfdir /etc) is rated.  --offline=yes reads the
# file without a running systemd (systemd >= 250).  Exit 0 when the score
# is at most the limit, 1 when it is above or cannot be read or systemd
# ignores a line of it (unknown key, bad value), 77 when
# systemd-analyze is missing or too old.
set -eu
limit=2.0
cd "$(dirname "$0")/../.."

command -v systemd-analyze >/dev/null 2>&1 ||
    { echo "tests/package/security: SKIP: no systemd-analyze (apt-get install systemd)"; exit 77; }
tmp=$(mktemp -d /tmp/tlsfloor-security.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
if [ $# -ge 1 ]; then
	unit=$1
else
	# The file make install writes, placeholders filled in.
	unit=$tmp/tlsfloor.service
	sed -e 's|@SBINDIR@|/usr/sbin|g' -e 's|@SYSCONFDIR@|/etc|g' \
	    conf/tlsfloor.service >"$unit"
fi
[ -s "$unit" ] || { echo "FAIL security: no unit file $unit"; exit 1; }

if ! systemd-analyze security --offline=yes --no-pager "$unit" >"$tmp/out" 2>&1; then
	if grep -q "unrecognized option.*offline" "$tmp/out"; then
		echo "tests/package/security: SKIP: systemd-analyze has no --offline (systemd < 250)"
		exit 77
	fi
	echo "FAIL security: systemd-analyze security --offline=yes $unit:"
	cat "$tmp/out"
	exit 1
fi
# A setting systemd does not understand is ignored, and would not count.
if grep -E "^$unit:[0-9]+: .*(Unknown|Failed to parse|ignoring)" "$tmp/out"; then
	echo "FAIL security: systemd ignores lines of $unit (above)"
	exit 1
fi
# "→ Overall exposure level for tlsfloor.service: 1.6 OK 🙂"
score=$(sed -n 's/.*Overall exposure level for [^:]*: \([0-9][0-9]*\.[0-9]\).*/\1/p' "$tmp/out")
[ -n "$score" ] || { echo "FAIL security: no exposure level in:"; cat "$tmp/out"; exit 1; }
if awk -v s="$score" -v l="$limit" 'BEGIN { exit !(s <= l) }'; then
	echo "security: $unit exposure $score (limit $limit)"
else
	echo "FAIL security: $unit exposure $score is above $limit; what counts:"
	grep '✗' "$tmp/out"
	exit 1
fi
