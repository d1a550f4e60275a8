#!/usr/bin/env bash
# tests/syslog/examples.sh -- every relay configuration shipped in
# conf/examples/ passes rsyslogd -N1 (issue 18): the modules it loads
# exist (Debian rsyslog-relp, rsyslog-openssl, rsyslog-elasticsearch,
# rsyslog-kafka) and every parameter is one rsyslog knows.
#
# rsyslogd -N1 also opens the TLS certificate and key files a
# configuration names, and its work directory: each file is checked as a
# copy in which /etc/rsyslog/tls/ and /var/spool/rsyslog point into a
# temporary directory holding a throwaway certificate made here.  Nothing
# else is changed.
#
# Exit 0: pass; 1: fail; 77: skipped (rsyslogd missing, not root).

set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

say() { printf 'syslog-examples: %s\n' "$*"; }
die() { say "FAIL: $*"; exit 1; }

rsyslogd=$(command -v rsyslogd || true)
[ -z "$rsyslogd" ] && [ -x /usr/sbin/rsyslogd ] && rsyslogd=/usr/sbin/rsyslogd
if [ -z "$rsyslogd" ]; then
	if [ "$(id -u)" != 0 ]; then
		say "SKIP: rsyslogd missing; run: apt-get install rsyslog" \
		    "rsyslog-relp rsyslog-openssl rsyslog-elasticsearch" \
		    "rsyslog-kafka"
		exit 77
	fi
	"$top/build-aux/deps.sh" check >/dev/null ||
	    die "build-aux/deps.sh check failed"
	rsyslogd=/usr/sbin/rsyslogd
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tlsfloor-syslog-examples.XXXXXX") ||
    die "mktemp"
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/tls" "$tmp/spool"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$tmp/tls/relay.key" -out "$tmp/tls/relay.pem" -days 1 \
    -subj "/CN=relay.example.com" >/dev/null 2>&1 || die "openssl"
cp "$tmp/tls/relay.pem" "$tmp/tls/ca.pem"

n=0
fail=0
for f in "$top"/conf/examples/*.conf; do
	[ -e "$f" ] || continue
	n=$((n + 1))
	b=$(basename "$f")
	sed -e "s|/etc/rsyslog/tls/|$tmp/tls/|g" \
	    -e "s|/var/spool/rsyslog|$tmp/spool|g" "$f" >"$tmp/$b"
	if "$rsyslogd" -N1 -f "$tmp/$b" >"$tmp/$b.out" 2>&1; then
		say "$b: ok"
	else
		sed 's/^/  /' "$tmp/$b.out"
		say "$b: FAIL (rsyslogd -N1)"
		fail=1
	fi
done
[ $n -gt 0 ] || die "no conf/examples/*.conf"
[ $fail -eq 0 ] && say "pass ($n configurations)"
exit $fail
