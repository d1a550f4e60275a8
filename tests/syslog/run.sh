#!/usr/bin/env bash
# tests/syslog/run.sh -- tlsfloor's remote syslog output against a real
# rsyslog (issue 4).
#
#   tests/syslog/run.sh [path/to/tlsfloor]      (default: src/tlsfloor)
#
# A private rsyslogd (its own config, work directory and pidfile in a
# temporary directory; imudp and imtcp on 127.0.0.1 high ports and no other
# input) writes every message it receives, as received (%rawmsg%: for TCP
# the message without its octet count), one per line to a file per input.
#
# Run 1: tlsfloor -q -c CONF -r pcaps/*.pcap -r pcaps/crafted/*.pcap (but
# the deliberately truncated ones, which make tlsfloor exit 1) with
# three collectors: RFC 5424 over UDP, RFC 5424 over TCP, CEF over TCP.
# Every alert (and alert_summary) the JSON output raised must arrive
# exactly once per transport and parse back -- header, structured data or
# CEF fields, JSON body -- to the same fields (check.py run1).
#
# Run 2: the sample captures are played slowly into tlsfloor -v -r -
# (slowcat.py) with one TCP collector whose queue holds 3 events; 30% of
# the way in rsyslog is stopped, at 50% it is started again.  received +
# output.remote.dropped must equal what was raised, with nothing received
# twice, and some alert raised after the restart must have been delivered
# (tlsfloor reconnects while it runs, not only at exit) (check.py run2).  slowcat pauses while rsyslog
# stops, so that no event is on the wire at the instant it exits: what a
# collector acknowledges and then loses on its own way down no sender can
# count (that would take RELP).
#
# Needs python3 and rsyslogd (apt-get install rsyslog: done here when run
# as root).  Exit 0: pass; 1: fail; 77: skipped (no rsyslogd, not root).
# KEEP=1 keeps the temporary directory (configs, logs, tlsfloor's output).

set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
prog=${1:-$top/src/tlsfloor}
check="python3 $here/check.py"

say() { printf 'syslog: %s\n' "$*"; }
die() { say "FAIL: $*"; exit 1; }

[ -x "$prog" ] || die "$prog: not built"
command -v python3 >/dev/null || die "python3 missing"

# --- rsyslog: installed if missing -------------------------------------------
rsyslogd=$(command -v rsyslogd || true)
[ -z "$rsyslogd" ] && [ -x /usr/sbin/rsyslogd ] && rsyslogd=/usr/sbin/rsyslogd
if [ -z "$rsyslogd" ]; then
	if [ "$(id -u)" != 0 ]; then
		say "SKIP: rsyslogd missing; run: apt-get install rsyslog"
		exit 77
	fi
	say "installing rsyslog"
	# keep the package from starting the system's rsyslog service
	policy=
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		policy=/usr/sbin/policy-rc.d
	fi
	DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends rsyslog >/dev/null
	rc=$?
	[ -n "$policy" ] && rm -f "$policy"
	[ $rc -eq 0 ] || die "apt-get install rsyslog failed"
	rsyslogd=/usr/sbin/rsyslogd
fi

# --- the temporary directory and its cleanup ----------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tlsfloor-syslog.XXXXXX") || die "mktemp"
rs_pid=
tf_pid=
cat_pid=

# shellcheck disable=SC2317	# reached through the trap
cleanup() {
	local status=$?
	trap - EXIT INT TERM HUP
	[ -n "$cat_pid" ] && kill "$cat_pid" 2>/dev/null
	[ -n "$tf_pid" ] && kill "$tf_pid" 2>/dev/null
	if [ -n "$rs_pid" ]; then
		kill "$rs_pid" 2>/dev/null
		wait "$rs_pid" 2>/dev/null
	fi
	if [ -n "${KEEP:-}" ]; then
		say "kept $tmp"
	else
		rm -rf "$tmp"
	fi
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# --- ports and rsyslog's configuration ---------------------------------------
read -r udp tcp cef < <(python3 -c '
import socket
s = [socket.socket(socket.AF_INET, t) for t in
     (socket.SOCK_DGRAM, socket.SOCK_STREAM, socket.SOCK_STREAM)]
for x in s:
    x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])') || die "no free ports"

mkdir -p "$tmp/work"
cat >"$tmp/rsyslog.conf" <<EOF
# only what this test needs: no imuxsock, no imklog, no other actions
global(workDirectory="$tmp/work" maxMessageSize="64k")
module(load="imudp")
module(load="imtcp")
template(name="raw" type="string" string="%rawmsg%\n")
ruleset(name="udp") { action(type="omfile" file="$tmp/udp.log" template="raw") }
ruleset(name="tcp") { action(type="omfile" file="$tmp/tcp.log" template="raw") }
ruleset(name="cef") { action(type="omfile" file="$tmp/cef.log" template="raw") }
input(type="imudp" address="127.0.0.1" port="$udp" ruleset="udp" rcvbufSize="4m")
input(type="imtcp" address="127.0.0.1" port="$tcp" ruleset="tcp")
input(type="imtcp" address="127.0.0.1" port="$cef" ruleset="cef")
EOF
"$rsyslogd" -N1 -f "$tmp/rsyslog.conf" >"$tmp/rsyslog.check" 2>&1 ||
    { cat "$tmp/rsyslog.check"; die "rsyslog rejects its configuration"; }

probe=0
rsyslog_start() {
	"$rsyslogd" -n -f "$tmp/rsyslog.conf" -i "$tmp/rsyslog.pid" \
	    >>"$tmp/rsyslog.out" 2>&1 &
	rs_pid=$!
	# listening once a probe to each input has reached its file
	probe=$((probe + 1))
	for _ in $(seq 1 100); do
		kill -0 "$rs_pid" 2>/dev/null ||
		    { cat "$tmp/rsyslog.out"; die "rsyslogd exited"; }
		$check probe --udp "$udp" --tcp "$tcp,$cef" "p$probe"
		sleep 0.1
		$check seen "$tmp/udp.log" "p$probe" &&
		    $check seen "$tmp/tcp.log" "p$probe" &&
		    $check seen "$tmp/cef.log" "p$probe" && return 0
	done
	cat "$tmp/rsyslog.out"
	die "rsyslogd does not answer on 127.0.0.1:$udp/$tcp/$cef"
}

rsyslog_stop() {
	kill -TERM "$rs_pid" 2>/dev/null
	wait "$rs_pid" 2>/dev/null
	rs_pid=
}

# Wait until what tlsfloor sent is in the files: a last probe through each
# input, then no new line for a second (at most 15 s).
settle() {
	local n prev='' same=0
	probe=$((probe + 1))
	for _ in $(seq 1 50); do
		$check probe --udp "$udp" --tcp "$tcp,$cef" "p$probe"
		sleep 0.1
		$check seen "$tmp/tcp.log" "p$probe" && break
	done
	for _ in $(seq 1 75); do
		n=$(cat "$tmp"/*.log 2>/dev/null | wc -l)
		if [ "$n" = "$prev" ]; then
			same=$((same + 1))
			[ $same -ge 5 ] && return 0
		else
			same=0
		fi
		prev=$n
		sleep 0.2
	done
}

# Wait for slowcat to reach a pause point (while tlsfloor keeps running).
await_pause() {
	for _ in $(seq 1 1200); do
		[ -e "$tmp/$1.paused" ] && return 0
		kill -0 "$tf_pid" 2>/dev/null ||
		    { cat "$tmp/run2.err"; die "tlsfloor exited early"; }
		sleep 0.05
	done
	die "slowcat never reached $1"
}

version=$("$prog" -V 2>/dev/null | awk 'NR == 1 { print $2 }')	# "tlsfloor 0.1.0 (...)"
fail=0

# --- run 1: three transports, every alert exactly once -------------------------
say "rsyslogd $("$rsyslogd" -v | awk 'NR == 1 { print $2 }') on 127.0.0.1 udp/$udp tcp/$tcp cef/$cef"
rsyslog_start

cat >"$tmp/run1.yaml" <<EOF
outputs:
  json:
    enabled: true
    path: $tmp/run1.json
  remote:
    - host: 127.0.0.1
      port: $udp
      transport: udp
      format: rfc5424
    - host: 127.0.0.1
      port: $tcp
      transport: tcp
      format: rfc5424
    - host: 127.0.0.1
      port: $cef
      transport: tcp
      format: cef
daemon:
  pidfile: null
EOF
reads=()
for f in "$top"/pcaps/*.pcap "$top"/pcaps/crafted/*.pcap; do
	case $f in
	*truncated*) ;;		# cut on purpose: tlsfloor exits 1
	*) [ -e "$f" ] && reads+=(-r "$f") ;;
	esac
done
"$prog" -q -c "$tmp/run1.yaml" "${reads[@]}" >"$tmp/run1.out" \
    2>"$tmp/run1.err" &
tf_pid=$!
wait "$tf_pid"
rc=$?
run1_pid=$tf_pid
tf_pid=
if [ $rc -ne 0 ]; then
	cat "$tmp/run1.err"
	die "run 1: tlsfloor -q -c CONF -r ... exited $rc"
fi
settle
rsyslog_stop
say "run 1: $(wc -l <"$tmp/run1.json") events written"
if $check run1 --json "$tmp/run1.json" --pid "$run1_pid" \
    --udp "$tmp/udp.log" --tcp "$tmp/tcp.log" --cef "$tmp/cef.log" \
    ${version:+--version "$version"} --types-out "$tmp/types"; then
	say "run 1: ok"
else
	sed 's/^/  stderr: /' "$tmp/run1.err" | head -20
	say "run 1: FAIL"
	fail=1
fi
types=$(cat "$tmp/types" 2>/dev/null)
[ -n "$types" ] || types=alert,alert_summary
for f in udp tcp cef; do
	mv "$tmp/$f.log" "$tmp/run1-$f.log" 2>/dev/null
done

# --- run 2: the collector stops and comes back ---------------------------------
cat >"$tmp/run2.yaml" <<EOF
outputs:
  json:
    enabled: true
    path: $tmp/run2.json
  remote:
    - host: 127.0.0.1
      port: $tcp
      transport: tcp
      format: rfc5424
      queue: 3
daemon:
  pidfile: null
EOF
rsyslog_start
mkfifo "$tmp/pcap.fifo" || die "mkfifo"
python3 "$here/slowcat.py" --delay 0.01 --dir "$tmp" \
    --pause-at 0.3:stop --pause-at 0.5:start "$top"/pcaps/*.pcap \
    >"$tmp/pcap.fifo" 2>"$tmp/slowcat.err" &
cat_pid=$!
"$prog" -v -c "$tmp/run2.yaml" -r - <"$tmp/pcap.fifo" >"$tmp/run2.out" \
    2>"$tmp/run2.err" &
tf_pid=$!

await_pause stop
sleep 0.5			# what came before the pause is delivered
say "run 2: stopping rsyslogd mid-run"
rsyslog_stop
touch "$tmp/stop.resume"
await_pause start
say "run 2: starting rsyslogd again"
rsyslog_start
touch "$tmp/start.resume"

# slowcat ends, tlsfloor reads to the end and flushes its queue (5 s at most)
for _ in $(seq 1 600); do
	kill -0 "$tf_pid" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$tf_pid" 2>/dev/null && die "run 2: tlsfloor still running after 60 s"
wait "$tf_pid"
rc=$?
tf_pid=
wait "$cat_pid"
cat_pid=
if [ $rc -ne 0 ]; then
	cat "$tmp/run2.err"
	die "run 2: tlsfloor -v -c CONF -r - exited $rc"
fi
settle
rsyslog_stop
if $check run2 --json "$tmp/run2.json" --tcp "$tmp/tcp.log" \
    --stderr "$tmp/run2.err" --types "$types" \
    --after-packet "$(cat "$tmp/start.paused")"; then
	say "run 2: ok"
else
	grep -E 'remote|output\.' "$tmp/run2.err" | sed 's/^/  stderr: /'
	say "run 2: FAIL"
	fail=1
fi

[ $fail -eq 0 ] && say "pass"
exit $fail
