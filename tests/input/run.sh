#!/bin/sh
# run.sh -- every capture an analyst has (issue 17): pcapng files whose
# interfaces differ (mergecap), pcapng tlsfloor's own reader must take
# apart block by block, gzip and zstd captures, a directory, several files
# after one -r, compressed standard input.  Each must give exactly the
# sessions the plain sample files give when read one after another (text
# format: the same lines, byte for byte; JSON: the same events but for the
# file name and packet number).  With tshark installed (a reference, never
# a dependency), its reading of the same files must agree on the number of
# packets and of TCP conversations.
#
#   tests/input/run.sh [TLSFLOOR]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
bin=${1:-src/tlsfloor}
case "$bin" in /*) ;; *) bin=$top/$bin ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TZ=UTC
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

imaps=pcaps/imaps-tls1_0.pcap
pop3=pcaps/pop3-stls-tls1_1.pcap
sll=pcaps/crafted/19a-linktype-linux-sll.pcap
in=pcaps/input

# same NAME "plain -r args" "other -r args": text output and JSON events
# (without pcap.file / pcap.packet) must be equal, both exit 0, and there
# must be sessions to compare.
same() {
	name=$1 want=$2 got=$3
	# shellcheck disable=SC2086  # argument lists
	"$bin" -q -f text $want >"$tmp/want.txt" 2>"$tmp/want.err"; r1=$?
	# shellcheck disable=SC2086
	"$bin" -q -f text $got >"$tmp/got.txt" 2>"$tmp/got.err"; r2=$?
	# shellcheck disable=SC2086
	"$bin" -q $want 2>/dev/null | sed 's/"file":"[^"]*",\{0,1\}//;
	    s/"packet":[0-9]*,\{0,1\}//' >"$tmp/want.json"
	# shellcheck disable=SC2086
	"$bin" -q $got 2>/dev/null | sed 's/"file":"[^"]*",\{0,1\}//;
	    s/"packet":[0-9]*,\{0,1\}//' >"$tmp/got.json"
	if [ $r1 -ne 0 ] || [ $r2 -ne 0 ]; then
		bad "$name: exit $r1 / $r2: $(cat "$tmp/want.err" "$tmp/got.err")"
	elif [ ! -s "$tmp/want.txt" ]; then
		bad "$name: no session in the plain files"
	elif ! diff -u "$tmp/want.txt" "$tmp/got.txt"; then
		bad "$name: other sessions (text)"
	elif ! cmp -s "$tmp/want.json" "$tmp/got.json"; then
		bad "$name: other events (JSON)"
		diff "$tmp/want.json" "$tmp/got.json" | head -5
	else
		ok
	fi
}

# mergecap's file: interfaces of two link types and three snaplens, in
# time order (the cooked capture is the oldest).
same mixed-interfaces "-r $sll -r $pop3 -r $imaps" \
    "-r $in/mixed-interfaces.pcapng"
same mixed-interfaces-gzip "-r $sll -r $pop3 -r $imaps" \
    "-r $in/mixed-interfaces.pcapng.gz"
# a big-endian section and a little-endian one, ns and 2^-20 s units,
# if_tsoffset, PB, SPB, NRB/ISB/custom/unknown blocks (make-input.py)
same sections-bigendian "-r $imaps -r $sll -r $pop3" \
    "-r $in/sections-bigendian.pcapng"
same sections-bigendian-zstd "-r $imaps -r $sll -r $pop3" \
    "-r $in/sections-bigendian.pcapng.zst"
# classic pcap compressed; zstd under a name that does not say so
same pcap-gzip "-r pcaps/imap-starttls-tls1_0.pcap" \
    "-r $in/imap-starttls-tls1_0.pcap.gz"
same pcap-zstd-named-cap "-r pcaps/smtp-starttls-tls1_0.pcap" \
    "-r $in/smtp-starttls-tls1_0.cap"

# gzip on standard input (a pipe: the stream, not the fast path)
gzip -c "$imaps" >"$tmp/imaps.pcap.gz"
"$bin" -q -f text -r "$imaps" >"$tmp/a.txt" 2>&1
"$bin" -q -f text -r - <"$tmp/imaps.pcap.gz" >"$tmp/b.txt" 2>&1
gzip -dc "$tmp/imaps.pcap.gz" | "$bin" -q -f text -r - >"$tmp/c.txt" 2>&1
if [ -s "$tmp/a.txt" ] && cmp -s "$tmp/a.txt" "$tmp/b.txt" &&
    cmp -s "$tmp/a.txt" "$tmp/c.txt"; then ok; else bad "stdin gzip/pipe"; fi

# a directory: every file in name order (a hidden file and a
# subdirectory are not read); the same files after one -r
mkdir -p "$tmp/dir/sub"
cp "$sll" "$tmp/dir/1-sll.pcap"
cp "$in/mixed-interfaces.pcapng.gz" "$tmp/dir/2-mixed.pcapng.gz"
cp "$pop3" "$tmp/dir/3-pop3.pcap"
echo "not a capture" >"$tmp/dir/.hidden"
cp "$imaps" "$tmp/dir/sub/ignored.pcap"
same directory "-r $sll -r $in/mixed-interfaces.pcapng -r $pop3" \
    "-r $tmp/dir"
same several-after-one-r "-r $sll -r $pop3 -r $imaps" \
    "-r $sll $pop3 $imaps"
same directory-and-files "-r $imaps -r $sll -r $in/mixed-interfaces.pcapng -r $pop3" \
    "-r $imaps $tmp/dir"

# damage in the compressed data is named with the file and packet
head -c 3000 "$in/mixed-interfaces.pcapng.gz" >"$tmp/cut.pcapng.gz"
"$bin" -q -f text -r "$tmp/cut.pcapng.gz" >"$tmp/cut.txt" 2>"$tmp/cut.err"
r=$?
if [ $r -eq 1 ] && grep -q "cut\.pcapng\.gz: packet [0-9]*: gzip data: cut short" \
    "$tmp/cut.err" && [ -s "$tmp/cut.txt" ]; then ok
else bad "cut gzip: exit $r: $(cat "$tmp/cut.err")"; fi

# an argument before any -r stays a usage error: one line, then --help
"$bin" stray.pcap >/dev/null 2>"$tmp/usage.err"; r=$?
if [ $r -eq 2 ] && [ "$(wc -l <"$tmp/usage.err")" -eq 2 ] &&
    grep -q 'unexpected argument "stray.pcap"' "$tmp/usage.err" &&
    grep -q -- "--help" "$tmp/usage.err"; then ok
else bad "usage error: exit $r: $(cat "$tmp/usage.err")"; fi

# the progress line: on a terminal only, not with -q (a pty in python)
if python3 tests/input/progress.py "$bin"; then ok; else bad "progress"; fi

# tshark (if installed) reads the same packets and TCP conversations
if command -v tshark >/dev/null 2>&1; then
	for f in mixed-interfaces.pcapng mixed-interfaces.pcapng.gz \
	    sections-bigendian.pcapng; do
		# packets: records with an interface (tshark counts a
		# name resolution block as a record too)
		tp=$(tshark -r "$in/$f" -T fields -e frame.interface_id \
		    2>/dev/null | grep -c .)
		tc=$(tshark -r "$in/$f" -q -z conv,tcp 2>/dev/null |
		    grep -c '<->')
		lp=$("$bin" -f text -r "$in/$f" 2>&1 >/dev/null |
		    sed -n 's/^tlsfloor: \([0-9]*\) packets .*/\1/p')
		ls=$("$bin" -q -r "$in/$f" 2>/dev/null | wc -l)
		if [ "$tp" -gt 0 ] && [ "$tp" = "$lp" ] && [ "$tc" = "$ls" ]
		then ok
		else bad "$f: tshark $tp packets $tc conversations," \
		    "tlsfloor $lp packets $ls sessions"
		fi
	done
else
	echo "input: tshark not installed: its cross-check skipped"
fi

echo "input: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
