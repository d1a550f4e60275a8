#!/bin/sh
# demo.sh -- `make demo`: analyse the sample captures in pcaps/.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export TZ=UTC

args=
for f in pcaps/*.pcap pcaps/*.pcapng; do
	[ -e "$f" ] && args="$args -r $f"
done
if [ -z "$args" ]; then
	echo "demo: no captures in pcaps/" >&2
	exit 1
fi

echo "== Every mail session in pcaps/*.pcap, one line each (--format text):"
echo
# shellcheck disable=SC2086 # one -r per file
src/tlsfloor --format text $args
echo
echo "== The clients an admin must look at first (legacy_*), as JSON Lines (the first):"
echo
# shellcheck disable=SC2086
src/tlsfloor -q $args | grep '"reason":"legacy_' | head -1
echo
echo "== Edge cases (pcaps/crafted: split, reordered, tunnelled, SSLv2, ...):"
echo
# shellcheck disable=SC2086
src/tlsfloor --format text -q $(for f in pcaps/crafted/0*.pcap pcaps/crafted/1*.pcap; do printf -- '-r %s ' "$f"; done)
