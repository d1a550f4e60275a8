#!/bin/sh
# deps.sh -- make sure the Debian packages a step needs are installed.
#
# usage: build-aux/deps.sh build|check|demo|fuzz|deb|screenshot
#
# Missing packages are installed with apt-get when we run as root; otherwise
# the exact command to run is printed and we fail.  On a system without
# dpkg-query (not Debian/Ubuntu) nothing is checked: configure will name
# whatever is missing.
set -eu

build_pkgs="gcc make autoconf automake pkg-config libpcap-dev libndpi-dev libyaml-dev libjansson-dev libssl-dev libseccomp-dev check zlib1g-dev libzstd-dev libsqlite3-dev libpq-dev"
# check: the real components the tests run -- rsyslog receives syslog
# (tests/syslog; its TLS driver for tls.sh, RELP for relp.sh, and the
# modules the relay examples in conf/examples/ load, for rsyslogd -N1 in
# examples.sh), dovecot and openssl clients in network namespaces made
# with iproute2 (tests/live), tcpreplay feeds the capture workers there;
# prometheus for promtool, which checks the metrics file (tests/metrics);
# python3-seccomp and systemd (systemd-analyze) put the unit's system-call
# filter around the live daemon and rate the unit (tests/package).
# the sqlite3 shell reads the inventory database and a PostgreSQL server
# (started by the test in a temporary directory) holds one (tests/store).
# chromium renders the HTML report headless, with no network (tests/report).
check_pkgs="python3 mandoc valgrind rsyslog rsyslog-openssl rsyslog-relp rsyslog-elasticsearch rsyslog-kafka dovecot-imapd dovecot-pop3d openssl iproute2 tcpreplay python3-seccomp systemd prometheus sqlite3 postgresql chromium tshark"
# tshark is the reference the tests compare what tlsfloor decodes with
# (tests/mailinfo, tests/cert, tests/input); tlsfloor never runs it.
# screenshot: make screenshot -- doc/report.png, drawn by chromium and made
# small by optipng (lossless).
shot_pkgs="python3 sqlite3 chromium optipng"
# deb: make deb -- dpkg-buildpackage and debhelper (dh_autoreconf brings
# autoconf and automake; dpkg-checkbuilddeps wants build-essential), lintian
# to check the result, git to copy the tree.
deb_pkgs="build-essential dpkg-dev debhelper lintian git"

case "${1:-build}" in
build|demo)	want="$build_pkgs" ;;
check)		want="$build_pkgs $check_pkgs" ;;
fuzz)		want="$build_pkgs clang libclang-rt-14-dev" ;;
deb)		want="$build_pkgs $deb_pkgs" ;;
screenshot)	want="$build_pkgs $shot_pkgs" ;;
*)		echo "usage: $0 build|check|demo|fuzz|deb|screenshot" >&2; exit 2 ;;
esac

command -v dpkg-query >/dev/null 2>&1 || exit 0

missing=
for p in $want; do
	s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$s" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "tlsfloor needs these Debian packages:$missing" >&2
	echo "run as root:  $cmd" >&2
	exit 1
fi
echo "deps.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have no package lists yet: update once and retry.
$cmd || { apt-get update && $cmd; }
