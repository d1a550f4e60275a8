#!/bin/sh
# bench/run.sh -- tlsfloor's benchmark (issue 7): tlsfloor against the
# physical floor (a bare libpcap read loop) and the tools a user would pick
# instead, on a synthetic mixed capture; see bench/README.
#
#   bench/run.sh                      # or: make bench
#   BENCH_SIZE=512M BENCH_RUNS=3 bench/run.sh
#
# Environment (all optional):
#   BENCH_SIZE     capture size, k/M/G suffixes                    [2G]
#   BENCH_DIR      where captures, binaries and outputs go   [/tmp/tlsfloor-bench]
#   BENCH_RUNS     timed runs per tool, interleaved                 [5]
#   BENCH_SEED     generator seed                                   [1]
#   BENCH_FLOWS    concurrent connections in the capture            [4000]
#   BENCH_TIMEOUT  seconds before a run of another tool is killed   [900]
#   BENCH_TOOLS    which rows, in order   [floor floor-tuned tlsfloor
#                  tlsfloor-no-dpi tlsfloor-dpi-all tlsfloor-all-tls
#                  ndpiReader ssldump tshark]
#   BENCH_OTHER_RUNS  timed runs of ndpiReader, ssldump, tshark: each takes
#                  minutes on 2G (tshark ~250x the floor)            [1]
#   BENCH_FLAT     1: also run tlsfloor on a capture twice the size   [1]
#   BENCH_PROFILE  1: also run callgrind on a 50M capture (100 concurrent
#                  connections: about the 2G capture's packets per session) [0]
#   PROG           the tlsfloor binary                      [src/tlsfloor]
#   CC             C compiler                                        [cc]
#
# Nothing is dropped from the page cache: every capture is read once
# before the timed runs so that all of them read from memory.
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
BENCH_SIZE=${BENCH_SIZE:-2G}
BENCH_DIR=${BENCH_DIR:-/tmp/tlsfloor-bench}
BENCH_RUNS=${BENCH_RUNS:-5}
BENCH_SEED=${BENCH_SEED:-1}
BENCH_FLOWS=${BENCH_FLOWS:-4000}
BENCH_TIMEOUT=${BENCH_TIMEOUT:-900}
BENCH_TOOLS=${BENCH_TOOLS:-floor floor-tuned tlsfloor tlsfloor-no-dpi tlsfloor-dpi-all tlsfloor-all-tls ndpiReader ssldump tshark}
BENCH_OTHER_RUNS=${BENCH_OTHER_RUNS:-1}
BENCH_FLAT=${BENCH_FLAT:-1}
BENCH_PROFILE=${BENCH_PROFILE:-0}
PROG=${PROG:-$TOP/src/tlsfloor}
case $PROG in /*) ;; *) PROG=$(pwd)/$PROG ;; esac
CC=${CC:-cc}
PY=/usr/bin/python3
TIME=/usr/bin/time

say() { printf '%s\n' "$*"; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

[ -x "$PROG" ] || die "$PROG: not built (make first)"
[ -x "$TIME" ] || die "$TIME missing: apt-get install time"
[ -x "$PY" ] || die "$PY missing: apt-get install python3"
command -v pkg-config >/dev/null || die "pkg-config missing"
mkdir -p "$BENCH_DIR"

# --- sizes: bytes_of, human, mib ------------------------------------------
. "$TOP/bench/lib.sh"

# --- build -------------------------------------------------------------------
say "== building the generator, the floor and the size probe ($BENCH_DIR)"
PCAP_FLAGS=$(pkg-config --cflags --libs libpcap)
$CC -std=c11 -O2 -o "$BENCH_DIR/gen" "$TOP/bench/gen.c" -lm
# shellcheck disable=SC2086
$CC -O2 -o "$BENCH_DIR/floor" "$TOP/bench/floor.c" $PCAP_FLAGS
# struct tls_state is private to tls.c: copy its definition for the probe
{
	echo '#include <stdbool.h>'
	echo '#include <stdint.h>'
	awk '/^struct tls_dir \{/,/^\};/' "$TOP/src/tls.c"
	awk '/^struct tls_state \{/,/^\};/' "$TOP/src/tls.c"
} > "$BENCH_DIR/tls_state.h"
if ! $CC -std=c11 -O2 -I"$TOP/src" -DTLS_STATE_H="\"$BENCH_DIR/tls_state.h\"" \
    -o "$BENCH_DIR/sizes" "$TOP/bench/sizes.c" 2>/dev/null; then
	$CC -std=c11 -O2 -I"$TOP/src" -o "$BENCH_DIR/sizes" \
	    "$TOP/bench/sizes.c"
fi

# --- captures ----------------------------------------------------------------
# A capture is made again when the generator is newer than it.
capture() {	# size [flows] -> path
	_c=${2:-$BENCH_FLOWS}
	_f="$BENCH_DIR/mixed-s$BENCH_SEED-c$_c-$1.pcap"
	if [ ! -s "$_f" ] || [ ! -s "$_f.expected" ] || \
	    [ "$TOP/bench/gen.c" -nt "$_f" ]; then
		say "== generating $_f" >&2
		"$TIME" -f "   %e s (%U s user, %S s sys)" \
		    "$BENCH_DIR/gen" -s "$BENCH_SEED" -b "$1" \
		    -c "$_c" -o "$_f" >&2
	fi
	printf '%s\n' "$_f"
}
expected() {	# file key -> value
	sed -n "s/^$2=//p" "$1.expected"
}

SIZE_B=$(bytes_of "$BENCH_SIZE")
[ "$SIZE_B" -gt 0 ] || die "BENCH_SIZE=$BENCH_SIZE: not a size"
F=$(capture "$(human "$SIZE_B")")
F_BYTES=$(wc -c < "$F" | tr -d ' ')
F_PKTS=$(expected "$F" packets)
say "== warming the page cache"
cat "$F" > /dev/null

# --- the tools ------------------------------------------------------------------
have() { command -v "$1" >/dev/null 2>&1; }

# tool name -> command line (the capture is $F); empty when not installed
cmd_of() {
	case $1 in
	floor)		echo "$BENCH_DIR/floor $F" ;;
	floor-tuned)	echo "$BENCH_DIR/floor -t $F" ;;
	tlsfloor)	echo "$PROG -q -r $F" ;;
	tlsfloor-all-tls) echo "$PROG -q --all-tls -r $F" ;;
	tlsfloor-dpi-all) echo "$PROG -q -c $BENCH_DIR/dpi-all.yaml -r $F" ;;
	tlsfloor-no-dpi) echo "$PROG -q -c $BENCH_DIR/no-dpi.yaml -r $F" ;;
	tshark)		have tshark && echo "tshark -n -r $F -Y tls.handshake -T fields -e tcp.stream -e tcp.srcport -e tcp.dstport -e tls.handshake.type -e tls.handshake.version -e tls.handshake.extensions.supported_version" ;;
	ssldump)	have ssldump && echo "ssldump -n -r $F" ;;
	ndpiReader)	have ndpiReader && echo "ndpiReader -q -i $F" ;;
	*)		echo "" ;;
	esac
}
runs_of() {
	case $1 in
	floor*|tlsfloor*) echo "$BENCH_RUNS" ;;
	*)		echo "$BENCH_OTHER_RUNS" ;;
	esac
}

# The nDPI profiles: what -r without -c reports (every session, no
# de-duplication), with nDPI off, or offered every flow that is not on a
# mail port (dpi.skip_ports empty: port-agnostic discovery).
for _p in no-dpi dpi-all; do
	{
		echo "outputs: { json: { enabled: true, path: \"-\", events: [session] } }"
		echo "alerts: { session_events_ok: true, dedup_window: 0 }"
		echo "stats: { interval: 0 }"
		if [ "$_p" = no-dpi ]; then
			echo "dpi: { enabled: false }"
		else
			echo "dpi: { enabled: true, skip_ports: [] }"
		fi
	} > "$BENCH_DIR/$_p.yaml"
done

RES="$BENCH_DIR/results"
rm -f "$RES"
TOOLS=""
for t in $BENCH_TOOLS; do
	if [ -z "$(cmd_of "$t")" ]; then
		say "== $t: not installed (or not a tool this bench knows), skipped"
		printf '%s skipped\n' "$t" >> "$RES"
	else
		TOOLS="$TOOLS $t"
	fi
done

# One timed run: wall, user, sys, max RSS (KiB), exit status into $RES.
# Output goes to $BENCH_DIR/$tool.out (tshark's fields are read afterwards;
# the others' output is small or thrown away).
timed() {
	_t=$1
	_out=/dev/null
	[ "$_t" = tshark ] && _out="$BENCH_DIR/tshark.out"
	_to=$BENCH_TIMEOUT
	case $_t in floor*|tlsfloor*) _to=$((BENCH_TIMEOUT * 4)) ;; esac
	# shellcheck disable=SC2046
	if "$TIME" -o "$BENCH_DIR/time.$_t" -f '%e %U %S %M' \
	    timeout -s KILL "$_to" $(cmd_of "$_t") > "$_out" \
	    2> "$BENCH_DIR/$_t.err"; then
		_rc=0
	else
		_rc=$?
	fi
	# GNU time notes a non-zero exit on a line of its own
	_m=$(grep -v '^Command' "$BENCH_DIR/time.$_t" | tail -1)
	printf '%s run %s %s\n' "$_t" "$_m" "$_rc" >> "$RES"
	if [ "$_rc" -ne 0 ]; then
		if [ "$_rc" -eq 137 ]; then
			say "   $_t: killed after ${_to}s"
		else
			say "   $_t: exit $_rc: $(tail -1 "$BENCH_DIR/$_t.err")"
		fi
	fi
}

say "== machine: $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1), $(uname -sr)"
say "== load before: $(cut -d' ' -f1-3 /proc/loadavg)"
say "== $BENCH_RUNS timed runs each (others: $BENCH_OTHER_RUNS), interleaved, on $F"
i=1
while [ "$i" -le "$BENCH_RUNS" ] || [ "$i" -le "$BENCH_OTHER_RUNS" ]; do
	for t in $TOOLS; do
		[ "$i" -le "$(runs_of "$t")" ] || continue
		printf '   run %d: %s\n' "$i" "$t"
		timed "$t"
	done
	i=$((i + 1))
done
say "== load after: $(cut -d' ' -f1-3 /proc/loadavg)"

# --- correctness: one more tlsfloor run, its events checked -----------------------
say "== tlsfloor's events against the generator's truth"
"$PROG" -r "$F" > "$BENCH_DIR/tlsfloor.json" 2> "$BENCH_DIR/tlsfloor.summary" ||
    say "   tlsfloor exited $?"
sed 's/^/   /' "$BENCH_DIR/tlsfloor.summary"
if "$PY" "$TOP/bench/check.py" "$F" "$BENCH_DIR/tlsfloor.json" \
    > "$BENCH_DIR/check.txt"; then CHECK=ok; else CHECK=MISMATCH; fi
sed 's/^/   /' "$BENCH_DIR/check.txt"
LEG_EXP=$(expected "$F" legacy_sessions)
LEG_TLSF=$("$PY" -c '
import json, sys
n = 0
for l in open(sys.argv[1]):
    if json.loads(l)["tlsfloor"]["reason"].startswith("legacy_"): n += 1
print(n)' "$BENCH_DIR/tlsfloor.json")
NONMAIL=$(sed -n 's/^non-mail flows reported: //p' "$BENCH_DIR/check.txt")

# What tshark's fields say: mail connections whose hello offers, or whose
# server chooses, less than TLS 1.2 (refusals included).
LEG_TSHARK=""
if [ -s "$BENCH_DIR/tshark.out" ]; then
	LEG_TSHARK=$("$PY" -c '
import sys
mail = {25, 110, 143, 465, 587, 993, 995}
ch, sh = {}, {}
for l in open(sys.argv[1]):
    f = l.rstrip("\n").split("\t")
    if len(f) < 5 or not f[0]:
        continue
    s, sp, dp = f[0], int(f[1] or 0), int(f[2] or 0)
    if sp not in mail and dp not in mail:
        continue
    types = f[3].split(","); vers = f[4].split(",")
    sv = [int(v, 16) for v in f[5].split(",") if v] if len(f) > 5 else []
    for i, t in enumerate(types):
        v = int(vers[i], 16) if i < len(vers) and vers[i] else 0
        if t == "1":
            m = max([x for x in sv if (x & 0x0f0f) != 0x0a0a] or [v])
            ch[s] = max(ch.get(s, 0), m)
        elif t == "2":
            sh[s] = max(sv) if sv else v
legacy = sum(1 for s in ch if ch[s] < 0x303 or (s in sh and sh[s] < 0x303))
print(legacy)' "$BENCH_DIR/tshark.out" 2>/dev/null || echo "?")
fi

# --- memory: twice the capture, same seed -----------------------------------------
if [ "$BENCH_FLAT" = 1 ]; then
	F2=$(capture "$(human $((SIZE_B * 2)))")
	cat "$F2" > /dev/null
	say "== tlsfloor on twice the capture: $F2"
	"$TIME" -o "$BENCH_DIR/time.flat" -f '%e %U %S %M' \
	    "$PROG" -q -r "$F2" > "$BENCH_DIR/tlsfloor2.json" || true
	if "$PY" "$TOP/bench/check.py" "$F2" "$BENCH_DIR/tlsfloor2.json" \
	    > "$BENCH_DIR/check2.txt"; then CHECK2=ok; else CHECK2=MISMATCH; fi
	grep -E '^(legacy|non-mail|RESULT)' "$BENCH_DIR/check2.txt" | \
	    sed 's/^/   /'
fi

# --- the table ----------------------------------------------------------------------
say ""
say "== results: $(mib "$F_BYTES") capture ($F_BYTES bytes, $F_PKTS packets," \
    "$(expected "$F" tcp_flows) TCP connections, $(expected "$F" concurrent_flows) concurrent," \
    "$(expected "$F" mail_sessions) mail sessions, $LEG_EXP legacy)," \
    "median of $BENCH_RUNS, $(date -u +%Y-%m-%d)"
awk -v bytes="$F_BYTES" -v pkts="$F_PKTS" -v tools="$BENCH_TOOLS" \
    -v leg_exp="$LEG_EXP" -v leg_tlsf="$LEG_TLSF" -v nonmail="$NONMAIL" \
    -v leg_tshark="$LEG_TSHARK" -v check="$CHECK" '
function sort(a, n,   i, j, t) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
}
function median(a, n) {
	sort(a, n)
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
$2 == "skipped" { skipped[$1] = 1; next }
$2 == "run" {
	t = $1; n = ++cnt[t]
	wall[t, n] = $3; cpu[t, n] = $4 + $5
	if ($6 > rss[t]) rss[t] = $6
	if ($7 != 0) bad[t]++
}
END {
	printf "%-18s %8s %15s %8s %9s %7s %7s %8s %8s  %s\n", "tool",
	    "wall s", "min-max", "CPU s", "RSS MiB", "Gbit/s", "Mpkt/s",
	    "x floor", "CPU x", "legacy found / expected"
	nt = split(tools, order, " ")
	for (k = 1; k <= nt; k++) {
		t = order[k]
		if (skipped[t]) {
			printf "%-18s  (not installed, skipped)\n", t
			continue
		}
		n = cnt[t]
		if (n == 0) continue
		for (i = 1; i <= n; i++) { w[i] = wall[t, i]; c[i] = cpu[t, i] }
		mw = median(w, n); lo = w[1]; hi = w[n]; mc = median(c, n)
		mwall[t] = mw; mcpu[t] = mc
		if (t == "floor") { fw = mw; fc = mc }
		note = ""
		if (t == "tlsfloor")
			note = sprintf("%d / %d, %d non-mail reported (%s)",
			    leg_tlsf, leg_exp, nonmail, check)
		else if (t == "tshark" && leg_tshark != "")
			note = sprintf("%s / %d (from its fields)", leg_tshark,
			    leg_exp)
		else if (t == "floor")
			note = "-"
		else if (t == "floor-tuned")
			note = "- (reads the file as tlsfloor does)"
		else if (t == "tlsfloor-all-tls")
			note = "n/a (reports TLS on every port)"
		else if (t == "tlsfloor-no-dpi")
			note = "nDPI off: mail ports only"
		else if (t == "tlsfloor-dpi-all")
			note = "nDPI offered every non-mail flow"
		else
			note = "n/a (not checked)"
		if (bad[t]) note = note sprintf(" [%d of %d runs failed or timed out]", bad[t], n)
		printf "%-18s %8.2f %7.2f-%-7.2f %8.2f %9.1f %7.2f %7.2f %8s %8s  %s\n",
		    t, mw, lo, hi, mc, rss[t] / 1024, bytes * 8 / mw / 1e9,
		    pkts / mw / 1e6,
		    (fw > 0 ? sprintf("%.2f", mw / fw) : "-"),
		    (fc > 0 ? sprintf("%.2f", mc / fc) : "-"), note
	}
	if (mwall["floor-tuned"] > 0 && mwall["tlsfloor"] > 0)
		printf "\ntlsfloor / floor-tuned: %.2f wall, %.2f CPU (its own work beyond reading the file)\n",
		    mwall["tlsfloor"] / mwall["floor-tuned"],
		    mcpu["tlsfloor"] / mcpu["floor-tuned"]
}' "$RES" | tee "$BENCH_DIR/table.txt"

if [ "$BENCH_FLAT" = 1 ]; then
	set -- $(cat "$BENCH_DIR/time.flat")
	RSS1=$(awk '$1 == "tlsfloor" && $2 == "run" && $6 > m { m = $6 } END { print m + 0 }' "$RES")
	say ""
	say "memory as the capture grows: tlsfloor peak RSS $(awk -v k="$RSS1" 'BEGIN { printf "%.1f", k / 1024 }') MiB" \
	    "on $(mib "$F_BYTES"), $(awk -v k="$4" 'BEGIN { printf "%.1f", k / 1024 }') MiB on" \
	    "$(mib "$(wc -c < "$F2" | tr -d ' ')") ($1 s; events: $CHECK2)"
fi
say ""
say "per-flow state (bench/sizes.c over src/*.h):"
"$BENCH_DIR/sizes" | sed 's/^/   /'

# --- optional: where the time goes ------------------------------------------------
if [ "$BENCH_PROFILE" = 1 ]; then
	have valgrind || die "valgrind missing"
	FS=$(capture 50M 100)
	say ""
	say "== callgrind: $PROG -q -r $FS"
	rm -f "$BENCH_DIR"/callgrind.out.*
	valgrind --tool=callgrind --callgrind-out-file="$BENCH_DIR/callgrind.out.tlsfloor" \
	    "$PROG" -q -r "$FS" > /dev/null 2> "$BENCH_DIR/callgrind.err" || true
	_cg="$BENCH_DIR/callgrind.out.tlsfloor"
	say "   $(sed -n 's/^packets=/packets /p' "$FS.expected"), $(sed -n 's/^mail_sessions=/mail sessions /p' "$FS.expected"); instructions: $(callgrind_annotate "$_cg" 2>/dev/null | sed -n 's/ *(100.0%) *PROGRAM TOTALS//p')"
	say "   top 15 functions by own instructions:"
	callgrind_annotate --inclusive=no "$_cg" 2>/dev/null |
	    grep -E '^ *[0-9,]+ \( *[0-9.]+%\) ' | grep -v 'PROGRAM TOTALS' |
	    head -15 | sed -E "s@ \./[^ ]*/([^/ ]+:)@ \1@; s@/usr/lib/x86_64-linux-gnu/@@; s@$TOP/@@g; s@ \[[^]]*tlsfloor\]\$@@; s@^@   @"
	say "   stages (inclusive):"
	callgrind_annotate --inclusive=yes "$_cg" 2>/dev/null |
	    grep -E '^ *[0-9,]+ \( *[0-9.]+%\) .*:(capture_file|pcap_next_ex|decode_frame|flow_input|reasm_input|output_session|json_dumpf|fp_ja4|fp_ja3|fp_ja3s) ' |
	    grep -v '=>' | sed -E "s@ \[[^]]*\]\$@@; s@$TOP/@@g; s@^@   @"
fi
