#!/bin/sh
# make-reference.sh -- record Wireshark's JA3/JA3S for every capture we test
# with, as the reference tests/fingerprints/check.py compares against.
#
# tshark is a reference, never a dependency: this script is run by hand
# when captures change, and its output (ja3-tshark.tsv) is committed.
# Columns: file, client endpoint, server endpoint, hello (client|server),
# ja3 or ja3s hash, the full string.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
out=tests/fingerprints/ja3-tshark.tsv
corpus=${TLSFLOOR_CORPUS:-../shared/pcaps-public}
decode="-d tcp.port==993,tls -d tcp.port==995,tls -d tcp.port==465,tls -d tcp.port==587,smtp -d tcp.port==4433,tls"

{
	printf '# tshark %s; made by tests/fingerprints/make-reference.sh\n' \
	    "$(tshark --version | head -1 | awk '{print $3}')"
	for f in pcaps/*.pcap pcaps/crafted/*.pcap* "$corpus"/*.pcap*; do
		[ -f "$f" ] || continue
		name=$f
		case $f in "$corpus"/*) name=corpus/$(basename "$f") ;; esac
		# shellcheck disable=SC2086 # $decode is a list of options
		tshark -r "$f" -n $decode \
		    -o tcp.desegment_tcp_streams:TRUE \
		    -o tcp.reassemble_out_of_order:TRUE \
		    -Y 'tls.handshake.type == 1 or tls.handshake.type == 2' \
		    -T fields -E separator=/t -E occurrence=a -E aggregator='|' \
		    -e ip.src -e ipv6.src -e tcp.srcport \
		    -e ip.dst -e ipv6.dst -e tcp.dstport \
		    -e tls.handshake.type \
		    -e tls.handshake.ja3 -e tls.handshake.ja3_full \
		    -e tls.handshake.ja3s -e tls.handshake.ja3s_full \
		    -e frame.protocols \
		    2>/dev/null |
		# Keyed by the innermost IP header, as tlsfloor reports a
		# tunnelled session (GRE, ERSPAN, VXLAN, GTP-U, IP in IP):
		# every occurrence of each field, '|'-separated; the last
		# address and port, the first hello; the last "ip" or "ipv6"
		# in frame.protocols says which family the inner header is.
		awk -F'\t' -v f="$name" '
		function last(v,  a, n) { n = split(v, a, "|"); return a[n] }
		function first(v,  a) { split(v, a, "|"); return a[1] }
		function ep(a4, a6, p) { return inner == "ip" ? last(a4) ":" last(p) : "[" last(a6) "]:" last(p) }
		{ n = split($12, pr, ":"); inner = ""
		  for (i = n; i > 0; i--) if (pr[i] == "ip" || pr[i] == "ipv6") { inner = pr[i]; break }
		  $7 = first($7); $8 = first($8); $9 = first($9); $10 = first($10); $11 = first($11) }
		$7 == "1" && $8 != "" {
			print f "\t" ep($1, $2, $3) "\t" ep($4, $5, $6) "\tclient\t" $8 "\t" $9 }
		$7 == "2" && $10 != "" {
			print f "\t" ep($4, $5, $6) "\t" ep($1, $2, $3) "\tserver\t" $10 "\t" $11 }'
	done
} >"$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out: $(grep -vc '^#' "$out") hellos"
