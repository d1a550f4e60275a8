#!/usr/bin/env bash
# tests/syslog/relp.sh -- tlsfloor's RELP transport against a real rsyslog
# (imrelp, Debian rsyslog-relp), issue 18: a relay killed and restarted
# mid-stream loses nothing.
#
#   tests/syslog/relp.sh [path/to/tlsfloor]     (default: src/tlsfloor)
#
# A private rsyslogd (its own config, work directory and pidfile in a
# temporary directory) takes RELP on one 127.0.0.1 port and writes each
# message as received (%rawmsg%).
#
# Run 1: tlsfloor -v -r the sample captures: every alert arrives once and
# parses back (check.py run1) and every event is acknowledged.
#
# Run 2: the captures played slowly into tlsfloor -r -; a third of the way
# in, while events are flowing, rsyslogd is killed with SIGKILL, and at
# half way started again.  Every event tlsfloor raised must arrive, and
# the final stats event must say events = acknowledged, nothing dropped or
# failed.  rsyslog runs its main queue in Direct mode, so that its RELP
# answer comes after omfile has written the message (by default it
# answers once the message is in its in-memory queue, and a SIGKILL then
# loses it on rsyslog's side, which no sender can help); a message it
# wrote but did not answer before dying arrives twice (reported).
#
# Exit 0: pass; 1: fail; 77: skipped (no rsyslogd or imrelp, not root).
# KEEP=1 keeps the temporary directory.

set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
prog=${1:-$top/src/tlsfloor}
check="python3 $here/check.py"

say() { printf 'syslog-relp: %s\n' "$*"; }
die() { say "FAIL: $*"; exit 1; }

[ -x "$prog" ] || die "$prog: not built"
command -v python3 >/dev/null || die "python3 missing"

rsyslogd=$(command -v rsyslogd || true)
[ -z "$rsyslogd" ] && [ -x /usr/sbin/rsyslogd ] && rsyslogd=/usr/sbin/rsyslogd
module=$(ls /usr/lib/*/rsyslog/imrelp.so /usr/lib/rsyslog/imrelp.so \
    2>/dev/null | head -1)
if [ -z "$rsyslogd" ] || [ -z "$module" ]; then
	if [ "$(id -u)" != 0 ]; then
		say "SKIP: rsyslogd or imrelp missing; run:" \
		    "apt-get install rsyslog rsyslog-relp"
		exit 77
	fi
	"$top/build-aux/deps.sh" check >/dev/null ||
	    die "build-aux/deps.sh check failed"
	rsyslogd=/usr/sbin/rsyslogd
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tlsfloor-syslog-relp.XXXXXX") || die "mktemp"
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

port=$(python3 -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])') || die "no free port"

mkdir -p "$tmp/work"
cat >"$tmp/rsyslog.conf" <<EOF
global(workDirectory="$tmp/work" maxMessageSize="64k")
# answer each message only once it is written (see above)
main_queue(queue.type="Direct")
module(load="imrelp")
template(name="raw" type="string" string="%rawmsg%\n")
ruleset(name="relp") { action(type="omfile" file="$tmp/relp.log" template="raw") }
input(type="imrelp" address="127.0.0.1" port="$port" ruleset="relp")
EOF
"$rsyslogd" -N1 -f "$tmp/rsyslog.conf" >"$tmp/rsyslog.check" 2>&1 ||
    { cat "$tmp/rsyslog.check"; die "rsyslog rejects its configuration"; }

rsyslog_start() {
	"$rsyslogd" -n -f "$tmp/rsyslog.conf" -i "$tmp/rsyslog.pid" \
	    >>"$tmp/rsyslog.out" 2>&1 &
	rs_pid=$!
	for _ in $(seq 1 100); do
		kill -0 "$rs_pid" 2>/dev/null ||
		    { cat "$tmp/rsyslog.out"; die "rsyslogd exited"; }
		python3 -c '
import socket, sys
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()
except OSError:
    sys.exit(1)' "$port" && return 0
		sleep 0.1
	done
	cat "$tmp/rsyslog.out"
	die "rsyslogd does not listen on 127.0.0.1:$port"
}

rsyslog_stop() {
	kill -"${1:-TERM}" "$rs_pid" 2>/dev/null
	wait "$rs_pid" 2>/dev/null
	rs_pid=
}

settle() {
	local n prev='' same=0
	for _ in $(seq 1 75); do
		n=$(cat "$tmp"/relp.log 2>/dev/null | wc -l)
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

await_pause() {
	for _ in $(seq 1 1200); do
		[ -e "$tmp/$1.paused" ] && return 0
		kill -0 "$tf_pid" 2>/dev/null ||
		    { cat "$tmp/run2.err"; die "tlsfloor exited early"; }
		sleep 0.05
	done
	die "slowcat never reached $1"
}

conf() {	# conf JSON-PATH
	cat <<EOF
outputs:
  json:
    enabled: true
    path: $1
  remote:
    - host: 127.0.0.1
      port: $port
      transport: relp
daemon:
  pidfile: null
EOF
}

version=$("$prog" -V 2>/dev/null | awk 'NR == 1 { print $2 }')
fail=0

# --- run 1: every alert, acknowledged ---------------------------------------------
say "rsyslogd $("$rsyslogd" -v | awk 'NR == 1 { print $2 }') with imrelp on 127.0.0.1:$port"
rsyslog_start
conf "$tmp/run1.json" >"$tmp/run1.yaml"
reads=()
for f in "$top"/pcaps/*.pcap "$top"/pcaps/crafted/*.pcap; do
	case $f in
	*truncated*) ;;
	*) [ -e "$f" ] && reads+=(-r "$f") ;;
	esac
done
"$prog" -v -c "$tmp/run1.yaml" "${reads[@]}" >"$tmp/run1.out" \
    2>"$tmp/run1.err" &
tf_pid=$!
wait "$tf_pid"
rc=$?
run1_pid=$tf_pid
tf_pid=
[ $rc -eq 0 ] || { cat "$tmp/run1.err"; die "run 1: tlsfloor exited $rc"; }
settle
rsyslog_stop
if $check run1 --json "$tmp/run1.json" --pid "$run1_pid" \
    --tcp "$tmp/relp.log" ${version:+--version "$version"} &&
    $check accounts --json "$tmp/run1.json" --remote 0:all; then
	say "run 1: ok"
else
	grep remote "$tmp/run1.err" | sed 's/^/  stderr: /'
	say "run 1: FAIL"
	fail=1
fi
mv "$tmp/relp.log" "$tmp/run1-relp.log"

# --- run 2: the relay killed with SIGKILL mid-stream --------------------------------
conf "$tmp/run2.json" >"$tmp/run2.yaml"
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
touch "$tmp/stop.resume"	# events keep flowing
sleep 0.2
say "run 2: kill -9 rsyslogd mid-stream"
rsyslog_stop KILL
await_pause start
say "run 2: starting rsyslogd again"
rsyslog_start
touch "$tmp/start.resume"
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
[ $rc -eq 0 ] || { cat "$tmp/run2.err"; die "run 2: tlsfloor exited $rc"; }
settle
rsyslog_stop
if $check accounts --json "$tmp/run2.json" --remote 0:every \
    --received "$tmp/relp.log" --types alert,alert_summary,stats &&
    grep -q "remote 127.0.0.1:$port/relp: connected" "$tmp/run2.err"; then
	say "run 2: ok"
else
	grep -E 'remote' "$tmp/run2.err" | sed 's/^/  stderr: /'
	say "run 2: FAIL"
	fail=1
fi

[ $fail -eq 0 ] && say "pass"
exit $fail
