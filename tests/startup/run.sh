#!/bin/sh
# run.sh -- tlsfloor -n refuses what a start refuses, with the same message;
# the shipped configuration starts once an interface is set; a service that
# cannot start says why on stderr and in syslog (issue 12).
#
#   tests/startup/run.sh [TLSFLOOR]
#
# See check.py.  Exit 0 when every check passed, 1 otherwise.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$top/src/tlsfloor}
py=/usr/bin/python3
[ -x "$py" ] || py=python3
export PYTHONDONTWRITEBYTECODE=1
exec "$py" "$top/tests/startup/check.py" "$bin"
