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

name=syslog
# shellcheck source=tests/syslog/lib.sh
. "$(dirname "$0")/lib.sh"
rs_need rsyslog --
rs_tmp

# --- ports and rsyslog's configuration ---------------------------------------
read -r udp tcp cef < <(rs_ports udp tcp tcp)

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
rs_check

# Listening once a probe through each input has reached its file.
probe=0
rs_ready() {
	$check probe --udp "$udp" --tcp "$tcp,$cef" "p$probe"
	sleep 0.1
	$check seen "$tmp/udp.log" "p$probe" &&
	    $check seen "$tmp/tcp.log" "p$probe" &&
	    $check seen "$tmp/cef.log" "p$probe"
}
rsyslog_start() {
	probe=$((probe + 1))
	rs_port="$udp/$tcp/$cef"
	rs_start
}

# Wait until what tlsfloor sent is in the files: a last probe through each
# input, then no new line for a second (at most 15 s).
settle_all() {
	probe=$((probe + 1))
	for _ in $(seq 1 50); do
		$check probe --udp "$udp" --tcp "$tcp,$cef" "p$probe"
		sleep 0.1
		$check seen "$tmp/tcp.log" "p$probe" && break
	done
	settle "$tmp/udp.log" "$tmp/tcp.log" "$tmp/cef.log"
}

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
sample_reads
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
settle_all
rs_stop TERM
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
rs_stop TERM
touch "$tmp/stop.resume"
await_pause start
say "run 2: starting rsyslogd again"
rsyslog_start
touch "$tmp/start.resume"

# slowcat ends, tlsfloor reads to the end and flushes its queue (5 s at most)
tf_finish "run 2" "$tmp/run2.err"
settle_all
rs_stop TERM
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
