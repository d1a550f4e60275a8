#!/bin/sh
# run.sh -- broken and hostile inputs, and the slow-path test (issue 8).
#
#   tests/hostile/run.sh [TLSFLOOR [CASE...]]
#
# check.py writes every input of cases.py into a temporary directory (nothing
# is committed but the generators), runs TLSFLOOR on each and checks exit
# status, messages, events, -v counters, CPU time and peak RSS; slowpath.py
# checks that the worst case an attacker can build is reached and every
# session written (its time is judged by make bench-slowpath).  Named cases
# run only those (and skip the slow path).  Exit status 0 when everything
# passed, 1 otherwise.  See tests/hostile/README.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-src/tlsfloor}
[ $# -gt 0 ] && shift
case "$bin" in
/*) ;;
*) bin=$(pwd)/$bin ;;
esac
if [ ! -x "$bin" ]; then
	echo "hostile: $bin: not an executable" >&2
	exit 1
fi
# Debian's python3 (the generators need nothing beyond its standard library).
py=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1
[ -x "$py" ] || py=python3
cd "$top" || exit 1

status=0
"$py" tests/hostile/check.py "$bin" "$@" || status=1
if [ $# -eq 0 ]; then
	"$py" tests/hostile/slowpath.py "$bin" || status=1
fi
exit $status
