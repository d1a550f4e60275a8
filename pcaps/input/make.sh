#!/bin/sh
# make.sh -- write the captures of pcaps/input/ again from the samples.
# Needs editcap and mergecap (Debian: wireshark-common), gzip, zstd and
# python3.  Run from the top of the repository.  See pcaps/README,
# section "pcaps/input".  gzip -n and zstd keep no name or time, so the
# same samples give the same bytes.
set -eu
out=pcaps/input
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Three interfaces that differ: Ethernet with a snaplen of 1500 (the
# sample's file header patched: every frame of it is shorter, nothing is
# cut; editcap -s cuts frames but keeps the header's snaplen), Ethernet
# with 262144, Linux cooked (link type 113, snaplen 65535).  libpcap 1.10
# refuses the merge at its second interface: "an interface has a snapshot
# length 262144 different from the snapshot length of the first interface".
python3 -c 'import sys, struct
d = bytearray(open(sys.argv[1], "rb").read())
d[16:20] = struct.pack("<I", 1500)
open(sys.argv[2], "wb").write(d)' pcaps/imaps-tls1_0.pcap "$tmp/a.pcap"
editcap -F pcapng "$tmp/a.pcap" "$tmp/a.pcapng"
editcap -F pcapng pcaps/pop3-stls-tls1_1.pcap "$tmp/b.pcapng"
editcap -F pcapng pcaps/crafted/19a-linktype-linux-sll.pcap "$tmp/c.pcapng"
mergecap -F pcapng -w "$out/mixed-interfaces.pcapng" \
    "$tmp/a.pcapng" "$tmp/b.pcapng" "$tmp/c.pcapng"
gzip -9 -n -c "$out/mixed-interfaces.pcapng" >"$out/mixed-interfaces.pcapng.gz"

python3 "$out/make-input.py" "$out/sections-bigendian.pcapng"
zstd -q -19 -f -o "$out/sections-bigendian.pcapng.zst" \
    "$out/sections-bigendian.pcapng"

# A classic pcap, compressed, and named as if it were not.
gzip -9 -n -c pcaps/imap-starttls-tls1_0.pcap >"$out/imap-starttls-tls1_0.pcap.gz"
zstd -q -19 -c pcaps/smtp-starttls-tls1_0.pcap >"$out/smtp-starttls-tls1_0.cap"
