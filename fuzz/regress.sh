#!/bin/sh
# regress.sh -- replay every saved input once per fuzz target, no fuzzing.
#
#   fuzz/regress.sh [target...]      (default: every target built)
#
# Runs fuzz/build/<target> with -runs=0 over fuzz/regressions/<target>/
# (inputs that once crashed or broke an invariant) and fuzz/corpus/<target>/
# (the seeds): each input is executed once under ASan/UBSan and the
# target's own checks.  Exits non-zero if any target fails; its output is
# kept in fuzz/build/regress-<target>.log.  Build first: make fuzz-build.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
b=$top/fuzz/build
cd "$top" || exit 2
if [ $# -eq 0 ]; then
	set --
	for t in "$b"/fuzz_*; do
		case $t in *.o|*.d|*.dict|*.log) continue ;; esac
		[ -x "$t" ] && set -- "$@" "$(basename "$t")"
	done
fi
if [ $# -eq 0 ]; then
	echo "regress: no fuzz targets in $b (make fuzz-build)" >&2
	exit 2
fi
fail=0
for t in "$@"; do
	dirs=
	r=fuzz/regressions/$t
	for d in "$r" fuzz/corpus/$t; do
		[ -d "$d" ] && [ -n "$(ls -A "$d")" ] && dirs="$dirs $d"
	done
	if [ -z "$dirs" ]; then
		echo "regress: $t: no inputs"
		continue
	fi
	log=$b/regress-$t.log
	# shellcheck disable=SC2086  # $dirs is a list
	if "$b/$t" -runs=0 -timeout=25 -rss_limit_mb=2560 $dirs >"$log" 2>&1
	then
		n=$(find $dirs -type f | wc -l)
		echo "regress: $t: ok ($n inputs)"
	else
		echo "regress: $t: FAILED, see $log" >&2
		grep -E 'ERROR|invariant|runtime error|SUMMARY' "$log" | head -5 >&2
		fail=1
	fi
done
exit $fail
