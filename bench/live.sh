#!/bin/bash
# bench/live.sh -- tlsfloor capturing live at a given rate (issue 7): the
# benchmark's capture replayed with tcpreplay onto a veth pair between two
# network namespaces, tlsfloor capturing on the other end; see bench/README
# ("Live capture").
#
# Run as root:   bench/live.sh                   (or: make bench-live)
#                LIVE_WORKERS=1 LIVE_RATES="500 top" bench/live.sh
#
# Exit status: 0 done (whatever the verdicts: this is a measurement, not a
# test); 1 it could not set itself up; 77 skipped (not root, network
# namespaces not permitted, a program missing) -- the reason is printed.
#
# Environment (all optional):
#   LIVE_SIZE      capture size, k/M/G suffixes                      [512M]
#   LIVE_RATES     replay rates in Mbit/s, in order; "top" is tcpreplay
#                  --topspeed              [100 250 500 1000 2000 4000 top]
#   LIVE_WORKERS   worker counts; for N > 1 the configuration says
#                  capture.workers: N (skipped when the build refuses it) [1 2]
#   LIVE_BUFFER    capture.buffer_size; tlsfloor's default.  Keep it well
#                  below what the filter passes of the capture (about a
#                  third of it with the mail ports), or the whole replay
#                  fits in the ring and zero drops prove nothing      [32M]
#   LIVE_IMMEDIATE capture.immediate: false lets libpcap use TPACKET_V3
#                  (blocks); true, tlsfloor's default, makes it fall back
#                  to TPACKET_V2 (one snaplen-sized slot per packet)  [false]
#   LIVE_BPF       capture.bpf; unset: tlsfloor's default (the mail ports);
#                  "" captures everything                         [unset]
#   LIVE_SETTLE    seconds to wait after tlsfloor went idle, before the
#                  SIGTERM                                             [1]
#   LIVE_DRAIN     at most this many seconds to wait for tlsfloor to go
#                  idle after the replay ended                        [60]
#   LIVE_STOP      1: for a worker count, stop at the first rate that is
#                  not "ok"; 0: try every rate                         [1]
#   LIVE_PRELOAD   1: tcpreplay --preload-pcap (the capture in memory
#                  before the first packet is sent)                    [1]
#   BENCH_DIR      where the generator, captures and results go
#                                                   [/tmp/tlsfloor-bench]
#   BENCH_SEED, BENCH_FLOWS   the generator's seed and concurrent
#                  connections, as for bench/run.sh                [1, 4000]
#   PROG           the tlsfloor binary                        [src/tlsfloor]
#   CC             C compiler (for the generator)                      [cc]
#
# Everything it creates is private to this run: two network namespaces,
# tlsfb-r-PID (the replay side) and tlsfb-s-PID (the sensor side), joined
# by one veth pair, tbrPID / tbsPID, with no addresses at all and IPv6
# off, so that the only frames on the pair are the replayed ones and
# nothing is routed anywhere; the processes it starts there (tlsfloor,
# tcpreplay); $BENCH_DIR/live/ (configurations, logs, events of the last
# run of each row).  The namespaces and the processes in them are removed
# on exit, whatever happens, and namespaces left by a run that was killed
# are removed at the start.  The replayed frames carry the capture's MAC
# addresses, so the sensor namespace's IP stack drops them (nothing
# answers); tlsfloor's AF_PACKET socket sees them before that.
#
# Writes the table to $BENCH_DIR/live-table.txt as well.

set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
LIVE_SIZE=${LIVE_SIZE:-512M}
LIVE_RATES=${LIVE_RATES:-100 250 500 1000 2000 4000 top}
LIVE_WORKERS=${LIVE_WORKERS:-1 2}
LIVE_BUFFER=${LIVE_BUFFER:-32M}
LIVE_IMMEDIATE=${LIVE_IMMEDIATE:-false}
LIVE_SETTLE=${LIVE_SETTLE:-1}
LIVE_DRAIN=${LIVE_DRAIN:-60}
LIVE_STOP=${LIVE_STOP:-1}
LIVE_PRELOAD=${LIVE_PRELOAD:-1}
BENCH_DIR=${BENCH_DIR:-/tmp/tlsfloor-bench}
BENCH_SEED=${BENCH_SEED:-1}
BENCH_FLOWS=${BENCH_FLOWS:-4000}
PROG=${PROG:-$TOP/src/tlsfloor}
case $PROG in /*) ;; *) PROG=$(pwd)/$PROG ;; esac
CC=${CC:-cc}
PY=/usr/bin/python3         # Debian's python (not a pyenv one on PATH)
TIME=/usr/bin/time
DUSER=nobody                # tlsfloor drops to this user after opening
DGROUP=nogroup
START_TIMEOUT=15            # tlsfloor to start / to stop, s
HZ=$(getconf CLK_TCK)

say() { printf '%s\n' "$*"; }
skip() {
    printf 'bench/live: SKIP: %s\n' "$*" >&2
    exit 77
}
die() {
    printf 'bench/live: ERROR: %s\n' "$*" >&2
    exit 1
}

###########################################################################
# Preconditions.

[[ $(id -u) -eq 0 ]] || skip "must run as root (it creates network namespaces)"
for c in ip tcpreplay tcpdump timeout "$PY" "$TIME" pkg-config "$CC"; do
    command -v "$c" >/dev/null 2>&1 ||
        skip "missing command: $c (apt-get install iproute2 tcpreplay tcpdump coreutils python3 time pkg-config gcc)"
done
[[ -x $PROG ]] || die "$PROG: not built (make first)"
getent passwd "$DUSER" >/dev/null || skip "no user $DUSER"
getent group "$DGROUP" >/dev/null || skip "no group $DGROUP"
case $LIVE_STOP$LIVE_PRELOAD in [01][01]) ;; *) die "LIVE_STOP and LIVE_PRELOAD are 0 or 1" ;; esac
for r in $LIVE_RATES; do
    [[ $r == top || $r =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "LIVE_RATES: \"$r\" is neither Mbit/s nor top"
done
for w in $LIVE_WORKERS; do
    [[ $w =~ ^[1-9][0-9]*$ ]] || die "LIVE_WORKERS: \"$w\" is not a worker count"
done

###########################################################################
# Cleanup, whatever happens.

ID=$$
RNS=tlsfb-r-$ID             # replay side: tcpreplay sends here
SNS=tlsfb-s-$ID             # sensor side: tlsfloor captures here
RIF=tbr$ID
SIF=tbs$ID
TPID=                       # /usr/bin/time running tlsfloor

. "$TOP/build-aux/netns.sh"      # kill_ns

cleanup() {
    local rc=$?
    set +e
    trap - EXIT INT TERM HUP
    kill_ns "$SNS"
    kill_ns "$RNS"
    if [[ -n $TPID ]]; then
        kill -9 "$TPID" 2>/dev/null
        wait "$TPID" 2>/dev/null
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Namespaces left by a run of this script that was killed (-9): its PID is
# gone, or is a zombie not yet reaped (empty command line), or is another
# program now.
for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep -E '^tlsfb-[rs]-[0-9]+$' || true); do
    p=${ns##*-}
    grep -qs 'live\.sh' "/proc/$p/cmdline" || kill_ns "$ns"
done

###########################################################################
# The capture: built and named as bench/run.sh does, so that both share it.

. "$TOP/bench/lib.sh"               # bytes_of, human
expected() {    # file key -> value
    sed -n "s/^$2=//p" "$1.expected"
}

mkdir -p "$BENCH_DIR"
SIZE_B=$(bytes_of "$LIVE_SIZE")
[[ $SIZE_B -gt 0 ]] || die "LIVE_SIZE=$LIVE_SIZE: not a size"
F="$BENCH_DIR/mixed-s$BENCH_SEED-c$BENCH_FLOWS-$(human "$SIZE_B").pcap"
if [[ ! -s $F || ! -s $F.expected || $TOP/bench/gen.c -nt $F ]]; then
    say "== building the generator ($BENCH_DIR/gen)"
    # built beside and renamed: a bench/run.sh running at the same time
    # never sees half a binary
    $CC -std=c11 -O2 -o "$BENCH_DIR/gen.$ID" "$TOP/bench/gen.c" -lm
    mv -f "$BENCH_DIR/gen.$ID" "$BENCH_DIR/gen"
    say "== generating $F"
    "$TIME" -f "   %e s (%U s user, %S s sys)" "$BENCH_DIR/gen" -s "$BENCH_SEED" \
        -b "$SIZE_B" -c "$BENCH_FLOWS" -o "$F"
fi
F_PKTS=$(expected "$F" packets)
F_BYTES=$(wc -c <"$F" | tr -d ' ')
LEG_EXP=$(expected "$F" legacy_sessions)
say "== warming the page cache"
cat "$F" >/dev/null

# How many packets of the capture pass a filter, and their size in the
# capture (about what they take in the kernel ring): libpcap compiles it
# exactly as tlsfloor does.  Cached per filter.
declare -A FILT_PKTS FILT_BYTES
filtered() {    # filter text (as tlsfloor logs it; "none": everything)
    local f=$1
    [[ -n ${FILT_PKTS[$f]+x} ]] && return 0
    if [[ $f == none ]]; then
        FILT_PKTS[$f]=$F_PKTS
        FILT_BYTES[$f]=$F_BYTES
        return 0
    fi
    FILT_PKTS[$f]=$(tcpdump -nn -q -r "$F" "$f" 2>/dev/null | wc -l | tr -d ' ')
    FILT_BYTES[$f]=$(tcpdump -r "$F" -w - "$f" 2>/dev/null | wc -c | tr -d ' ')
}

###########################################################################
# The namespaces and the veth pair.

say "== network namespaces $RNS / $SNS, veth $RIF / $SIF"
ip netns add "$RNS" 2>/dev/null || skip "ip netns add is not permitted here"
ip netns add "$SNS" || die "ip netns add $SNS"
ip link add "$RIF" netns "$RNS" type veth peer name "$SIF" netns "$SNS" ||
    skip "cannot create a veth pair"
for side in "$RNS:$RIF" "$SNS:$SIF"; do
    ns=${side%%:*}
    ifc=${side#*:}
    # no addresses, no IPv6 (no router solicitations, no DAD): the pair
    # carries the replay and nothing else
    ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$ifc.disable_ipv6=1" 2>/dev/null || true
    ip -n "$ns" link set lo up
    ip -n "$ns" link set "$ifc" up
done

D=$BENCH_DIR/live
rm -rf "$D"
mkdir -p "$D/out"
chmod 0711 "$D"
chown "$DUSER:$DGROUP" "$D/out"     # tlsfloor writes its events as $DUSER

###########################################################################
# One run.

# write_conf FILE WORKERS EVENTS
write_conf() {
    {
        printf '# bench/live.sh, %s worker(s)\n' "$2"
        printf 'capture:\n  interfaces: [%s]\n' "$SIF"
        printf '  buffer_size: %s\n  immediate: %s\n' "$LIVE_BUFFER" "$LIVE_IMMEDIATE"
        [[ -n ${LIVE_BPF+x} ]] && printf '  bpf: "%s"\n' "$LIVE_BPF"
        [[ $2 -gt 1 ]] && printf '  workers: %s\n' "$2"
        printf 'outputs:\n  json:\n    enabled: true\n    path: "%s"\n' "$3"
        printf '    events: [session, alert, stats]\n'
        # every session gets an event (check.py compares them all), alerts
        # are not folded, one stats event at exit
        printf 'alerts:\n  dedup_window: 0\n  session_events_ok: true\n'
        printf 'stats:\n  interval: 0\n'
        printf 'daemon:\n  user: %s\n  group: %s\n  pidfile: null\n' "$DUSER" "$DGROUP"
    } >"$1"
}

gone() { ! kill -0 "$1" 2>/dev/null; }

# CPU ticks (user + system) of a process and its children so far
ticks() {
    local p t=0 s
    for p in "$1" $(cat "/proc/$1/task/"*/children 2>/dev/null); do
        s=$(cat "/proc/$p/stat" 2>/dev/null) || continue
        s=${s##*) }             # after "pid (comm) "
        # shellcheck disable=SC2086
        set -- $s
        t=$((t + ${12} + ${13}))    # utime, stime: fields 14, 15
    done
    echo "$t"
}

ROWS=$BENCH_DIR/live-rows   # one line per run, for the table
: >"$ROWS"

# run_one WORKERS RATE -> a line in $ROWS; status 0 when the verdict is ok
run_one() {
    local w=$1 r=$2 tag=w$1-r$2 conf ev err pid t0 ropt tmo rc
    local sent failed mbps pps filt fbytes lag tk last_tk now idle
    conf=$D/$tag.yaml
    ev=$D/out/$tag.json
    err=$D/$tag.stderr
    write_conf "$conf" "$w" "$ev"
    ip netns exec "$SNS" "$TIME" -o "$D/$tag.time" -f '%e %U %S %M' \
        "$PROG" -v -c "$conf" >"$D/$tag.stdout" 2>"$err" &
    TPID=$!
    t0=$SECONDS
    until grep -qx 'tlsfloor: running' "$err" 2>/dev/null || gone "$TPID" ||
        ((SECONDS - t0 >= START_TIMEOUT)); do
        sleep 0.1
    done
    if ! grep -qx 'tlsfloor: running' "$err"; then
        say "   tlsfloor did not start: $(tail -n 3 "$err" | tr '\n' '|')"
        kill -9 "$TPID" 2>/dev/null || true
        wait "$TPID" 2>/dev/null || true
        TPID=
        printf '%s %s START\n' "$w" "$r" >>"$ROWS"
        return 1
    fi
    # /usr/bin/time forks tlsfloor: its only child
    pid=$(cat "/proc/$TPID/task/$TPID/children")
    pid=${pid%% *}
    # the filter tlsfloor compiled, and what of the capture passes it
    # ("tlsfloor: IF: capturing (filter: F)", and with workers
    # ", fanout to the workers" after it)
    filt=$(sed -n "s/^tlsfloor: $SIF: capturing (filter: \(.*\))\(, [a-z ]*\)\{0,1\}\$/\1/p" "$err" | head -n 1)
    if [[ -n $filt ]]; then
        filtered "$filt"
        fbytes=${FILT_BYTES[$filt]}
        filt=${FILT_PKTS[$filt]}
    else
        filt='?'
        fbytes='?'
    fi

    # the replay
    if [[ $r == top ]]; then
        ropt=--topspeed
        tmo=600
    else
        ropt=--mbps=$r
        tmo=$(awk -v b="$F_BYTES" -v r="$r" 'BEGIN { printf "%d", b * 8 / (r * 1e6) * 3 + 60 }')
    fi
    rc=0
    # in the background: a signal to this script is handled at once (in
    # `wait`), not after the replay
    # shellcheck disable=SC2046
    ip netns exec "$RNS" timeout "$tmo" tcpreplay -i "$RIF" \
        $([[ $LIVE_PRELOAD == 1 ]] && echo --preload-pcap) "$ropt" "$F" \
        >"$D/$tag.replay" 2>&1 &
    wait "$!" || rc=$?
    ((rc == 0)) || say "   tcpreplay exited $rc: $(tail -n 2 "$D/$tag.replay" | tr '\n' '|')"
    sent=$(sed -n 's/^Actual: \([0-9]*\) packets.*/\1/p' "$D/$tag.replay")
    mbps=$(sed -n 's/^Rated: .*, \([0-9.]*\) Mbps, .*/\1/p' "$D/$tag.replay")
    pps=$(sed -n 's/^Rated: .*, \([0-9.]*\) pps.*/\1/p' "$D/$tag.replay")
    failed=$(sed -n 's/^[[:space:]]*Failed packets:[[:space:]]*\([0-9]*\).*/\1/p' "$D/$tag.replay")

    # Until tlsfloor has read what the ring buffer still holds: its CPU
    # time stops growing (under 20% of a core, 2 ticks in 0.1 s, three
    # times in a row).  lag: how long after the end of the replay it was
    # last busy (0.1 s steps).
    now=$EPOCHREALTIME
    last_tk=$(ticks "$pid")
    idle=0
    lag=0.0
    while ((idle < 3)); do
        sleep 0.1
        tk=$(ticks "$pid")
        if (((tk - last_tk) * 100 / HZ >= 2)); then
            idle=0
            lag=$(awk -v a="$now" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
        else
            idle=$((idle + 1))
        fi
        last_tk=$tk
        if awk -v a="$now" -v b="$EPOCHREALTIME" -v m="$LIVE_DRAIN" 'BEGIN { exit !(b - a > m) }'; then
            lag=">$LIVE_DRAIN"
            break
        fi
        gone "$pid" && break
    done
    sleep "$LIVE_SETTLE"

    # stop it: SIGTERM, its last stats event, its exit
    kill -TERM "$pid" 2>/dev/null || true
    t0=$SECONDS
    while ! gone "$TPID" && ((SECONDS - t0 < START_TIMEOUT)); do
        sleep 0.1
    done
    if ! gone "$TPID"; then
        say "   tlsfloor did not exit within ${START_TIMEOUT}s of SIGTERM: killed"
        kill -9 "$pid" 2>/dev/null || true
    fi
    wait "$TPID" 2>/dev/null || true
    TPID=

    # what it wrote
    local kv received dropped if_dropped legacy cpu check verdict
    kv=$("$PY" "$HERE/live_check.py" "$ev" "$D/$tag.sessions.json") || kv=
    received=$(sed -n 's/.*received=\([^ ]*\).*/\1/p' <<<"$kv")
    dropped=$(sed -n 's/.* dropped=\([^ ]*\).*/\1/p' <<<"$kv")
    if_dropped=$(sed -n 's/.*if_dropped=\([^ ]*\).*/\1/p' <<<"$kv")
    legacy=$(sed -n 's/.*legacy=\([^ ]*\).*/\1/p' <<<"$kv")
    if "$PY" "$HERE/check.py" "$F" "$D/$tag.sessions.json" >"$D/$tag.check" 2>&1; then
        check=ok
    else
        check=MISMATCH
    fi
    cpu=$(tail -n 1 "$D/$tag.time" | awk '{ printf "%.2f", $2 + $3 }')

    # the verdict: DROPS (the capture socket dropped), LOST (fewer packets
    # reached it than the replay put on the wire through its filter),
    # SENDFAIL (tcpreplay could not send some), MISSED (legacy sessions
    # not reported), MISMATCH (every legacy one found, but check.py
    # disagrees on some other session)
    verdict=
    add() { verdict=${verdict:+$verdict,}$1; }
    [[ ${received:-?} == '?' ]] && add NOSTATS
    [[ ${dropped:-?} != '?' && ${if_dropped:-?} != '?' ]] &&
        ((dropped + if_dropped > 0)) && add DROPS
    [[ $received != '?' && $filt != '?' && -n $received ]] &&
        ((received < filt)) && add LOST
    [[ -z $sent || $sent != "$F_PKTS" || ${failed:-0} != 0 ]] && add SENDFAIL
    [[ $legacy != "$LEG_EXP" ]] && add MISSED
    [[ -z $verdict && $check != ok ]] && add MISMATCH
    [[ -n $verdict ]] || verdict=ok
    # w rate Mbit/s pps sent to-capture received dropped if_dropped lag cpu
    # legacy legacy_expected filtered-bytes verdict
    printf '%s %s %s %s %s %s %s %s %s %s %s %s %s %s %s\n' "$w" "$r" \
        "${mbps:-?}" "${pps:-?}" "${sent:-?}" "$filt" "${received:-?}" \
        "${dropped:-?}" "${if_dropped:-?}" "$lag" "${cpu:-?}" \
        "${legacy:-?}" "$LEG_EXP" "$fbytes" "$verdict" >>"$ROWS"
    [[ $verdict == ok ]]
}

# print_row LINE-OF-$ROWS
print_row() {
    # shellcheck disable=SC2086
    set -- $1
    if [[ $# -lt 15 ]]; then    # tlsfloor did not start
        printf '%7s %6s  %s\n' "$1" "$2" "tlsfloor did not start (see $D)"
        return
    fi
    awk -v w="$1" -v r="$2" -v mbps="$3" -v pps="$4" -v sent="$5" \
        -v filt="$6" -v recv="$7" -v drop="$8" -v ifdrop="$9" -v lag="${10}" \
        -v cpu="${11}" -v leg="${12}" -v legexp="${13}" -v verdict="${15}" 'BEGIN {
        printf "%7s %6s %9s %7s %9s %10s %9s %8s %5s %6s %11s  %s\n", w, r,
            (mbps == "?" ? "?" : sprintf("%.0f", mbps)),
            (pps == "?" ? "?" : sprintf("%.3f", pps / 1e6)), sent, filt, recv,
            drop "/" ifdrop, lag, cpu, leg " / " legexp, verdict }'
}
HEADER=$(printf '%7s %6s %9s %7s %9s %10s %9s %8s %5s %6s %11s  %s' \
    workers rate 'Mbit/s' Mpps sent 'to capture' received 'dropped' 'lag s' \
    'CPU s' 'legacy' verdict)

###########################################################################
# The runs.

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
# which tlsfloor: the tree's own binary is named by the tree's commit
if [[ $PROG -ef $TOP/src/tlsfloor ]]; then
    BUILD="src/tlsfloor of tree $(git -C "$TOP" describe --always --dirty 2>/dev/null || echo '?')"
else
    BUILD=$PROG
fi
if [[ -z ${LIVE_BPF+x} ]]; then
    BPF_SHOWN="(default: the mail ports)"
else
    BPF_SHOWN="\"$LIVE_BPF\""
fi
say "== machine: $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1), $(uname -sr)"
say "== $(tcpreplay --version 2>&1 | head -n 1), $("$PROG" -V 2>&1 | head -n 1), $BUILD"
say "== load before: $LOAD0"
say "== capture $F: $F_BYTES bytes, $F_PKTS packets, $LEG_EXP legacy sessions"
say "   tlsfloor: capture.buffer_size $LIVE_BUFFER, immediate $LIVE_IMMEDIATE, bpf $BPF_SHOWN"
say ""
say "$HEADER"

declare -A WSKIP
for w in $LIVE_WORKERS; do
    # does this build know capture.workers?
    write_conf "$D/w$w-check.yaml" "$w" "$D/out/w$w-check.json"
    if ! msg=$("$PROG" -n -c "$D/w$w-check.yaml" 2>&1); then
        msg=$(printf '%s' "$msg" | grep -v 'configuration ok' | head -n 1)
        say "workers $w: not supported by this build ($msg)"
        WSKIP[$w]=$msg
        continue
    fi
    for r in $LIVE_RATES; do
        if run_one "$w" "$r"; then
            print_row "$(tail -n 1 "$ROWS")"
        else
            print_row "$(tail -n 1 "$ROWS")"
            [[ $LIVE_STOP == 1 ]] && break
        fi
    done
done
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
say "== load after: $LOAD1"

###########################################################################
# The table, again, with the summary, into $BENCH_DIR/live-table.txt.

{
    say "bench/live.sh, $(date), $(nproc) cores, $(uname -sr), load $LOAD0 before, $LOAD1 after"
    say "$("$PROG" -V 2>&1 | head -n 1) ($BUILD), $(tcpreplay --version 2>&1 | head -n 1)"
    say "capture $(basename "$F"): $F_BYTES bytes, $F_PKTS packets, $LEG_EXP legacy sessions;" \
        "tlsfloor capture.buffer_size $LIVE_BUFFER, immediate $LIVE_IMMEDIATE, bpf $BPF_SHOWN"
    say ""
    say "$HEADER"
    while IFS= read -r line; do
        print_row "$line"
    done <"$ROWS"
    say ""
    for w in $LIVE_WORKERS; do
        [[ $w -eq 1 ]] && wn="1 worker" || wn="$w workers"
        if [[ -n ${WSKIP[$w]+x} ]]; then
            say "live zero-drop rate, $wn: not measured (not supported by this build: ${WSKIP[$w]})"
            continue
        fi
        # The rows of a worker count in the order they ran (rising
        # rates): the zero-drop rate is the highest rate tcpreplay
        # achieved in the ok runs before the first run that was not.
        # When every run was ok, --topspeed included, tcpreplay was the
        # limit, not tlsfloor.  A run that is ok after a failed one (with
        # LIVE_STOP=0) is said: near the limit, the load decides.
        awk -v w="$w" -v wn="$wn" '
            $1 != w { next }
            !failed && $15 == "ok" { if ($3 + 0 > best) { best = $3 + 0; pps = $4 }
                                     if ($2 == "top") topok = 1; next }
            !failed { failed = 1; frate = $2; fmbps = (NF < 15 ? "?" : $3)
                      fverdict = (NF < 15 ? "tlsfloor did not start" : $15); next }
            $15 == "ok" { later = later " " $2 }
            END {
                if (best == 0)
                    printf "live zero-drop rate, %s: none of the rates tried", wn
                else
                    printf "live zero-drop rate, %s: %.0f Mbit/s (%.0f kpps)", wn, best, pps / 1e3
                if (failed) {
                    printf "; %s at %s", fverdict, (frate == "top" ? "top speed" : frate " Mbit/s")
                    if (fmbps != "?" && frate != "top") printf " (%.0f achieved)", fmbps
                    if (later != "") printf "; ok again at%s", later
                } else if (topok)
                    printf "; every rate ok up to tcpreplay'\''s top speed: the replay, not tlsfloor, was the limit"
                else if (best > 0)
                    printf "; every rate tried ok"
                printf "\n" }' "$ROWS"
    done
    # What the ring holds.  Without immediate mode libpcap uses TPACKET_V3:
    # packets back to back in blocks, so the ring holds about its size in
    # packet bytes.  With it, TPACKET_V2: one fixed slot per packet, of
    # the snaplen (65535) capped at MTU + 18 -- or at 65535 + 18 when the
    # interface has segmentation or receive offloads, as a veth has.
    # (Every row's filtered bytes are the same unless LIVE_BPF changes.)
    fb=$(awk 'NF >= 15 && $14 != "?" { print $14; exit }' "$ROWS")
    fp=$(awk 'NF >= 15 && $6 != "?" { print $6; exit }' "$ROWS")
    if [[ -n $fb && -n $fp ]]; then
        bb=$(bytes_of "$LIVE_BUFFER")
        say "the filter passes $fp packets, $(awk -v b="$fb" 'BEGIN { printf "%.1f MiB", b / 1048576 }') of the capture;" \
            "capture.buffer_size is $LIVE_BUFFER"
        if [[ $LIVE_IMMEDIATE == true ]]; then
            # libpcap 1.10 create_ring(): TPACKET_ALIGN(68 + 65553)
            say "immediate mode: TPACKET_V2, one 65632-byte slot per packet on this veth" \
                "(snaplen 65535, offloads on): the ring holds $(((bb + 65631) / 65632)) packets"
        elif ((fb < bb)); then
            say "all of it fits in the ring (TPACKET_V3): zero drops then only say the ring" \
                "absorbed the burst; lag says whether tlsfloor kept up"
        fi
    fi
} >"$BENCH_DIR/live-table.txt"
say ""
cat "$BENCH_DIR/live-table.txt"
say ""
say "(rows: $ROWS; per run: $D/w*-r*.{yaml,stderr,replay,time,check} and $D/out/)"
