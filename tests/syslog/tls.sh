#!/usr/bin/env bash
# tests/syslog/tls.sh -- tlsfloor's syslog over TLS (RFC 5425) against a
# real rsyslog (imtcp with the OpenSSL stream driver, Debian
# rsyslog-openssl), issue 18.
#
#   tests/syslog/tls.sh [path/to/tlsfloor]      (default: src/tlsfloor)
#
# The test makes a throwaway CA with openssl: a server certificate for
# localhost / 127.0.0.1, a client certificate "tlsfloor-sensor", and a
# second, unrelated CA.  A private rsyslogd (its own config, work
# directory and pidfile in a temporary directory) listens on one
# 127.0.0.1 port (two, for run 1) with TLS, x509/name authentication and
# PermittedPeer
# tlsfloor-sensor, writing each message as received (%rawmsg%).
#
# Run 1: tlsfloor -v -r the sample captures with five collectors on that
# port, each with the client certificate: (0) the right CA and server_name
# localhost: every alert arrives once and parses back (check.py run1), and
# every event is sent; (3) the right CA and no server_name, to a second
# port: the address 127.0.0.1 is matched against the certificate's, every
# alert arrives there once, every event sent; (1)
# the wrong CA, (2) the right CA but a server_name the certificate does
# not carry, (4) no ca_file (the system's CAs, which do not know ours):
# refused, the handshake failures counted, every event counted failed,
# the log naming the collector and the verification error (check.py
# accounts).
#
# Run 2: the captures played slowly into tlsfloor -r - with collector (0);
# a third of the way in rsyslogd is killed with SIGKILL, at half way
# started again.  The final stats event must account for every event
# (events = sent + dropped + failed), no more arrive than were sent, and
# events sent after the restart must arrive (tlsfloor reconnected and
# handshook again while it ran).  What the killed relay had acknowledged
# at the TCP level but not yet written is lost with it and reported: only
# RELP could count it.
#
# Exit 0: pass; 1: fail; 77: skipped (no rsyslogd or its OpenSSL driver
# and not root to install them).  KEEP=1 keeps the temporary directory.

name=syslog-tls
# shellcheck source=tests/syslog/lib.sh
. "$(dirname "$0")/lib.sh"
command -v openssl >/dev/null || die "openssl missing"
rs_need rsyslog rsyslog-openssl -- lmnsd_ossl.so
rs_tmp

# --- a throwaway CA ------------------------------------------------------------
pki=$tmp/pki
mkdir -p "$pki"
(
	cd "$pki" || exit 1
	key="-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"
	# shellcheck disable=SC2086
	openssl req -x509 $key -keyout ca.key -out ca.pem -days 2 \
	    -subj "/CN=tlsfloor test CA" &&
	openssl req $key -keyout server.key -out server.csr \
	    -subj "/CN=localhost" &&
	printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' \
	    >server.ext &&
	openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key \
	    -CAcreateserial -out server.pem -days 2 -extfile server.ext &&
	openssl req $key -keyout client.key -out client.csr \
	    -subj "/CN=tlsfloor-sensor" &&
	printf 'extendedKeyUsage=clientAuth\n' >client.ext &&
	openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key \
	    -CAcreateserial -out client.pem -days 2 -extfile client.ext &&
	openssl req -x509 $key -keyout wrong.key -out wrong-ca.pem -days 2 \
	    -subj "/CN=some other CA"
) >"$tmp/openssl.out" 2>&1 || { cat "$tmp/openssl.out"; die "openssl"; }

# --- rsyslog: TLS in, x509/name -------------------------------------------------
read -r port port2 < <(rs_ports tcp tcp)
rs_port=$port

cat >"$tmp/rsyslog.conf" <<EOF
global(workDirectory="$tmp/work" maxMessageSize="64k"
       defaultNetstreamDriverCAFile="$pki/ca.pem"
       defaultNetstreamDriverCertFile="$pki/server.pem"
       defaultNetstreamDriverKeyFile="$pki/server.key")
module(load="imtcp" streamDriver.name="ossl" streamDriver.mode="1"
       streamDriver.authMode="x509/name" permittedPeer=["tlsfloor-sensor"])
template(name="raw" type="string" string="%rawmsg%\n")
ruleset(name="tls") { action(type="omfile" file="$tmp/tls.log" template="raw") }
ruleset(name="tls2") { action(type="omfile" file="$tmp/tls2.log" template="raw") }
input(type="imtcp" address="127.0.0.1" port="$port" ruleset="tls")
input(type="imtcp" address="127.0.0.1" port="$port2" ruleset="tls2")
EOF
rs_check

remote() {	# remote CA|- SERVER_NAME|- [PORT]   ("-": the key left out)
	printf '    - host: 127.0.0.1\n      port: %s\n      transport: tls\n' \
	    "${3:-$port}"
	[ "$1" = - ] || printf '      ca_file: %s\n' "$pki/$1"
	[ "$2" = - ] || printf '      server_name: %s\n' "$2"
	printf '      cert_file: %s\n      key_file: %s\n' "$pki/client.pem" \
	    "$pki/client.key"
}

fail=0

# --- run 1: verified, wrong CA, wrong name ---------------------------------------
say "rsyslogd $("$rsyslogd" -v | awk 'NR == 1 { print $2 }') with TLS on 127.0.0.1:$port"
rs_start
{
	printf 'outputs:\n  json:\n    enabled: true\n    path: %s\n  remote:\n' \
	    "$tmp/run1.json"
	remote ca.pem localhost
	remote wrong-ca.pem localhost
	remote ca.pem collector.example
	remote ca.pem - "$port2"
	remote - localhost
	printf 'daemon:\n  pidfile: null\n'
} >"$tmp/run1.yaml"
sample_reads
"$prog" -v -c "$tmp/run1.yaml" "${reads[@]}" >"$tmp/run1.out" \
    2>"$tmp/run1.err" &
tf_pid=$!
wait "$tf_pid"
rc=$?
run1_pid=$tf_pid
tf_pid=
[ $rc -eq 0 ] || { cat "$tmp/run1.err"; die "run 1: tlsfloor exited $rc"; }
settle "$tmp/tls.log"
rs_stop TERM
ok=1
$check run1 --json "$tmp/run1.json" --pid "$run1_pid" --tcp "$tmp/tls.log" \
    ${version:+--version "$version"} || ok=0
$check run1 --json "$tmp/run1.json" --pid "$run1_pid" --tcp "$tmp/tls2.log" \
    ${version:+--version "$version"} || ok=0
$check accounts --json "$tmp/run1.json" --remote 0:all --remote 1:refused \
    --remote 2:refused --remote 3:all --remote 4:refused || ok=0
# the wrong CA and the system's CAs: rsyslog sends our CA along, which
# neither trusts
[ "$(grep -c "remote 127.0.0.1:$port/tls: TLS handshake: certificate verify failed: self-signed certificate in certificate chain (wanted localhost)" \
    "$tmp/run1.err")" = 2 ] ||
    { say "no log line for the wrong CA and the system CAs"; ok=0; }
grep -q "remote 127.0.0.1:$port/tls: TLS handshake: certificate verify failed: hostname mismatch (wanted collector.example)" \
    "$tmp/run1.err" || { say "no log line for the wrong name"; ok=0; }
if [ $ok -eq 1 ]; then
	say "run 1: ok"
else
	grep remote "$tmp/run1.err" | sed 's/^/  stderr: /'
	say "run 1: FAIL"
	fail=1
fi
mv "$tmp/tls.log" "$tmp/run1-tls.log"

# --- run 2: the relay killed with SIGKILL mid-stream ------------------------------
{
	printf 'outputs:\n  json:\n    enabled: true\n    path: %s\n  remote:\n' \
	    "$tmp/run2.json"
	remote ca.pem localhost
	printf 'daemon:\n  pidfile: null\n'
} >"$tmp/run2.yaml"
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
sleep 0.5
say "run 2: kill -9 rsyslogd mid-run"
rs_stop KILL
touch "$tmp/stop.resume"
await_pause start
say "run 2: starting rsyslogd again"
rs_start
touch "$tmp/start.resume"
tf_finish "run 2" "$tmp/run2.err"
settle "$tmp/tls.log"
rs_stop TERM
if $check accounts --json "$tmp/run2.json" --remote 0:counted \
    --received "$tmp/tls.log" --types alert,alert_summary,stats &&
    grep -q "remote 127.0.0.1:$port/tls: connected" "$tmp/run2.err"; then
	say "run 2: ok"
else
	grep -E 'remote' "$tmp/run2.err" | sed 's/^/  stderr: /'
	say "run 2: FAIL"
	fail=1
fi

[ $fail -eq 0 ] && say "pass"
exit $fail
