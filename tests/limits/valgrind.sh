#!/bin/sh
# valgrind.sh -- the offline path under valgrind memcheck: every capture in
# pcaps/ and the public corpus in one run each (default scope and
# --all-tls, with a configuration that turns on every sink but the
# network), zero errors and no definite leaks.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
bin=${1:-src/tlsfloor}
corpus=${TLSFLOOR_CORPUS:-$top/../shared/pcaps-public}
command -v valgrind >/dev/null 2>&1 || {
	echo "valgrind: not installed (apt-get install valgrind)"; exit 77; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/conf.yaml" <<EOC
outputs:
  json: { enabled: true, path: "$tmp/events.json" }
  text: { enabled: true, path: "$tmp/events.txt" }
inventory: { path: "$tmp/inventory" }
stats: { interval: 1m }
daemon: { pidfile: null }
exceptions:
  - { client: 10.99.0.0/16, owner: test, expires: 2020-01-01 }
EOC
args=
for f in pcaps/*.pcap pcaps/crafted/*.pcap* pcaps/dns/*.pcap; do
	case $f in *hostile-truncated*) continue ;; esac
	args="$args -r $f"
done
cargs=
if [ -d "$corpus" ]; then
	for f in "$corpus"/*.pcap*; do cargs="$cargs -r $f"; done
fi
fail=0
run() {
	# shellcheck disable=SC2086 # one -r per file
	valgrind -q --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite "$bin" -q "$@" \
	    >/dev/null 2>"$tmp/vg.err"
	rc=$?
	if [ $rc -eq 99 ] || grep -q '^==[0-9]*==' "$tmp/vg.err"; then
		echo "FAIL valgrind: $*" | cut -c1-200
		grep '^==' "$tmp/vg.err" | head -30
		fail=1
	fi
}
# shellcheck disable=SC2086
run -c "$tmp/conf.yaml" $args
# shellcheck disable=SC2086
run --all-tls $args
if [ -n "$cargs" ]; then
	# shellcheck disable=SC2086
	run --all-tls $cargs
fi
[ $fail -eq 0 ] && echo "valgrind: memcheck clean over every capture (offline path, all sinks but the network)"
exit $fail
