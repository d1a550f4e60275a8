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

name=syslog-relp
# shellcheck source=tests/syslog/lib.sh
. "$(dirname "$0")/lib.sh"
rs_need rsyslog rsyslog-relp -- imrelp.so
rs_tmp

port=$(rs_ports tcp)
rs_port=$port

cat >"$tmp/rsyslog.conf" <<EOF
global(workDirectory="$tmp/work" maxMessageSize="64k")
# answer each message only once it is written (see above)
main_queue(queue.type="Direct")
module(load="imrelp")
template(name="raw" type="string" string="%rawmsg%\n")
ruleset(name="relp") { action(type="omfile" file="$tmp/relp.log" template="raw") }
input(type="imrelp" address="127.0.0.1" port="$port" ruleset="relp")
EOF
rs_check

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

fail=0

# --- run 1: every alert, acknowledged ---------------------------------------------
say "rsyslogd $("$rsyslogd" -v | awk 'NR == 1 { print $2 }') with imrelp on 127.0.0.1:$port"
rs_start
conf "$tmp/run1.json" >"$tmp/run1.yaml"
sample_reads
"$prog" -v -c "$tmp/run1.yaml" "${reads[@]}" >"$tmp/run1.out" \
    2>"$tmp/run1.err" &
tf_pid=$!
wait "$tf_pid"
rc=$?
run1_pid=$tf_pid
tf_pid=
[ $rc -eq 0 ] || { cat "$tmp/run1.err"; die "run 1: tlsfloor exited $rc"; }
settle "$tmp/relp.log"
rs_stop TERM
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
rs_start
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
rs_stop KILL
await_pause start
say "run 2: starting rsyslogd again"
rs_start
touch "$tmp/start.resume"
tf_finish "run 2" "$tmp/run2.err"
settle "$tmp/relp.log"
rs_stop TERM
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
