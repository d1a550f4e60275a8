#!/bin/bash
# build.sh -- the inventory database of the sample report: the legacy
# sample sessions moved 1..6 days back (tests/report/sample.py trend, fewer
# each day), then every capture of pcaps/ on its own day, as two sensors,
# then an exception on the day-1 clients that expires five days after the
# report time (--at 2026-11-29, see tests/report/run.sh and make
# screenshot), written into the records as the daemon keeps it: the daemon
# applies exceptions by the clock, so a configured one would have expired
# by the time the fixed captures are read.  Extra arguments are more
# captures for the same database (the hostile ones).
#
# usage: tests/report/build.sh TLSFLOOR WORKDIR [CAPTURE...]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$1 work=$2
shift 2
mkdir -p "$work"
rm -f "$work/report.db" "$work/report.db-wal" "$work/report.db-shm"
python3 "$top/tests/report/sample.py" trend "$work/trend"
cat >"$work/report.yaml" <<YAML
inventory:
  db: $work/report.db
YAML
for k in 6 5 4 3 2 1; do
	"$bin" -q -c "$work/report.yaml" --all-tls -r "$work/trend/day-$k.pcap" \
	    --sensor edge-1 -o /dev/null
done
a=() b=() i=0
for f in "$top"/pcaps/*.pcap; do
	if ((i++ % 2)); then a+=(-r "$f"); else b+=(-r "$f"); fi
done
"$bin" -q -c "$work/report.yaml" --all-tls "${a[@]}" --sensor edge-1 -o /dev/null
"$bin" -q -c "$work/report.yaml" --all-tls "${b[@]}" --sensor edge-2 -o /dev/null
for f in "$@"; do
	"$bin" -q -c "$work/report.yaml" --all-tls -r "$f" --sensor edge-2 -o /dev/null
done
sqlite3 "$work/report.db" "UPDATE records SET exception_owner = 'Finance desktop team', exception_expires = '2026-12-04', exception_ticket = 'CHG-4711' WHERE client LIKE '10.20.1.%'"
