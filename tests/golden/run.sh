#!/bin/sh
# run.sh -- golden pcap tests: play each capture of TESTLIST offline and
# compare tlsfloor's output with tests/golden/<name>.out.
#
# TESTLIST lines:  name  pcap[,pcap...]  [extra tlsfloor options...]
# (blank lines and # comments ignored).  Output is deterministic: packet
# timestamps only, flows flushed in creation order at end of input, TZ=UTC,
# and observer.name and .hostname (this machine's name) written as "HOST".
# Expected files change only through update.sh; review their diff as code.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
bin=${TLSFLOOR:-src/tlsfloor}
out=tests/out/golden
mkdir -p "$out"
export TZ=UTC
pass=0 fail=0 update=${GOLDEN_UPDATE:-0}
host=$(uname -n)

while read -r name pcaps opts; do
	case "$name" in ''|'#'*) continue ;; esac
	args=
	for p in $(echo "$pcaps" | tr ',' ' '); do
		args="$args -r $p"
	done
	# shellcheck disable=SC2086 # word splitting of options is intended
	"$bin" -q $args $opts >"$out/$name.out" 2>"$out/$name.err"
	rc=$?
	sed 's/^/stderr: /' "$out/$name.err" >>"$out/$name.out"
	# observer.name and .hostname are this machine's name: the same file
	# everywhere
	sed -i "s/\"observer\":{\"name\":\"$host\",\"hostname\":\"$host\"}/\"observer\":{\"name\":\"HOST\",\"hostname\":\"HOST\"}/" \
	    "$out/$name.out"
	echo "exit $rc" >>"$out/$name.out"
	if [ "$update" = 1 ]; then
		cp "$out/$name.out" "tests/golden/$name.out"
		continue
	fi
	if diff -u "tests/golden/$name.out" "$out/$name.out" >"$out/$name.diff"
	then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $name"
		head -40 "$out/$name.diff"
	fi
done <tests/golden/TESTLIST

[ "$update" = 1 ] && { echo "golden: expected files rewritten; review git diff tests/golden"; exit 0; }
echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
