#!/bin/sh
# run.sh -- the Prometheus metrics file: promtool accepts it, its counts
# equal the end-of-run summary's, it is replaced atomically, at every stats
# interval and at exit (issue 12).
#
#   tests/metrics/run.sh [TLSFLOOR]
#
# See check.py.  Needs promtool (Debian package prometheus; deps.sh check
# installs it).  Exit 0 when every check passed, 1 otherwise.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${1:-$top/src/tlsfloor}
py=/usr/bin/python3
[ -x "$py" ] || py=python3
export PYTHONDONTWRITEBYTECODE=1
exec "$py" "$top/tests/metrics/check.py" "$bin"
