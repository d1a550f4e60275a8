# shellcheck shell=bash disable=SC2034,SC2154
# (the variables set here are the sourcing test's; it sets name)
#
# tests/syslog/lib.sh -- what run.sh, tls.sh and relp.sh share: finding
# (or, as root, installing) rsyslogd and the modules a test needs, a
# temporary directory and its cleanup, free 127.0.0.1 ports, and a private
# rsyslogd (its own config, work directory and pidfile in that directory)
# started, waited for and stopped.  Sourced by bash, not run:
#
#   name=syslog-tls                       # prefix of every line said
#   . "$(dirname "$0")/lib.sh"            # sets here top prog check, say die
#   rs_need PACKAGES -- MODULE_FILES...   # sets rsyslogd, or exits 77
#   rs_tmp                                # sets tmp; cleanup on exit
#   rs_ports udp tcp tcp                  # prints free ports
#   rs_check                              # rsyslogd -N1 on $tmp/rsyslog.conf
#   rs_start / rs_stop SIGNAL             # up once rs_ready says so (by
#                                         #   default rs_listening $rs_port)
#   settle FILE...                        # no new line for a second
#   await_pause NAME                      # slowcat.py reached a pause point
#   sample_reads                          # reads=(-r pcap ...), not truncated
#
# The caller keeps tf_pid and cat_pid (tlsfloor, slowcat) set while they
# run so that the cleanup stops them.  KEEP=1 keeps the directory.

set -u -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
prog=${1:-$top/src/tlsfloor}
check="python3 $here/check.py"
rs_pid=
tf_pid=
cat_pid=
rs_port=

say() { printf '%s: %s\n' "$name" "$*"; }
die() { say "FAIL: $*"; exit 1; }

[ -x "$prog" ] || die "$prog: not built"
command -v python3 >/dev/null || die "python3 missing"

# rs_need PACKAGE... -- MODULE_FILE...: rsyslogd and the modules (paths
# under /usr/lib/*/rsyslog/ or /usr/lib/rsyslog/, e.g. imrelp.so) that the
# test loads.  Missing ones are installed when root (without starting the
# system's rsyslog service), else the test is skipped.
rs_need() {
	local pkgs=() mods=() m missing='' policy='' rc
	while [ $# -gt 0 ] && [ "$1" != -- ]; do pkgs+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	mods=("$@")
	rsyslogd=$(command -v rsyslogd || true)
	[ -z "$rsyslogd" ] && [ -x /usr/sbin/rsyslogd ] &&
	    rsyslogd=/usr/sbin/rsyslogd
	[ -z "$rsyslogd" ] && missing=rsyslogd
	for m in "${mods[@]}"; do
		compgen -G "/usr/lib/*/rsyslog/$m" >/dev/null ||
		    [ -e "/usr/lib/rsyslog/$m" ] || missing="$missing $m"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" != 0 ]; then
		say "SKIP: missing $missing; run: apt-get install ${pkgs[*]}"
		exit 77
	fi
	say "installing ${pkgs[*]}"
	# keep the package from starting the system's rsyslog service
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		policy=/usr/sbin/policy-rc.d
	fi
	DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends "${pkgs[@]}" >/dev/null
	rc=$?
	[ -n "$policy" ] && rm -f "$policy"
	[ $rc -eq 0 ] || die "apt-get install ${pkgs[*]} failed"
	rsyslogd=/usr/sbin/rsyslogd
}

# shellcheck disable=SC2317	# reached through the trap
rs_cleanup() {
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

rs_tmp() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/tlsfloor-$name.XXXXXX") ||
	    die "mktemp"
	mkdir -p "$tmp/work"
	trap rs_cleanup EXIT
	trap 'exit 130' INT TERM HUP
}

# rs_ports KIND...: one free 127.0.0.1 port per KIND (udp or tcp).
rs_ports() {
	python3 -c '
import socket, sys
kinds = {"udp": socket.SOCK_DGRAM, "tcp": socket.SOCK_STREAM}
s = [socket.socket(socket.AF_INET, kinds[k]) for k in sys.argv[1:]]
for x in s:
    x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])' "$@" || die "no free ports"
}

rs_check() {
	"$rsyslogd" -N1 -f "$tmp/rsyslog.conf" >"$tmp/rsyslog.check" 2>&1 ||
	    { cat "$tmp/rsyslog.check"; die "rsyslog rejects its configuration"; }
}

# Whether something accepts TCP connections on 127.0.0.1:$1.
rs_listening() {
	python3 -c '
import socket, sys
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()
except OSError:
    sys.exit(1)' "$1"
}

# The default readiness test; a test with other inputs redefines it.
rs_ready() { rs_listening "$rs_port"; }

rs_start() {
	"$rsyslogd" -n -f "$tmp/rsyslog.conf" -i "$tmp/rsyslog.pid" \
	    >>"$tmp/rsyslog.out" 2>&1 &
	rs_pid=$!
	for _ in $(seq 1 100); do
		kill -0 "$rs_pid" 2>/dev/null ||
		    { cat "$tmp/rsyslog.out"; die "rsyslogd exited"; }
		rs_ready && return 0
		sleep 0.1
	done
	cat "$tmp/rsyslog.out"
	die "rsyslogd does not answer on 127.0.0.1 (${rs_port:-its ports})"
}

rs_stop() {	# TERM, or KILL to lose what it has not written
	kill -"$1" "$rs_pid" 2>/dev/null
	wait "$rs_pid" 2>/dev/null
	rs_pid=
}

# Until the files gain no line for a second (at most 15 s).
settle() {
	local n prev='' same=0
	for _ in $(seq 1 75); do
		n=$(cat "$@" 2>/dev/null | wc -l)
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

# Wait for slowcat to reach pause point $1 (while tlsfloor keeps running).
# The replay ($cat_pid) has ended or is ending: wait for tlsfloor
# ($tf_pid) to read to the end and drain its queue, 60 s at most; die
# with its stderr (errfile) when it runs over or exits non-zero.
tf_finish() {	# what errfile
	for _ in $(seq 1 600); do
		kill -0 "$tf_pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$tf_pid" 2>/dev/null &&
	    die "$1: tlsfloor still running after 60 s"
	wait "$tf_pid"
	_rc=$?
	tf_pid=
	wait "$cat_pid"
	cat_pid=
	if [ $_rc -ne 0 ]; then
		cat "$2"
		die "$1: tlsfloor exited $_rc"
	fi
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

# Every sample capture but the deliberately truncated ones (tlsfloor exits
# 1 on those), as -r arguments in reads[].
sample_reads() {
	local f
	reads=()
	for f in "$top"/pcaps/*.pcap "$top"/pcaps/crafted/*.pcap; do
		case $f in
		*truncated*) ;;
		*) [ -e "$f" ] && reads+=(-r "$f") ;;
		esac
	done
}

version=$("$prog" -V 2>/dev/null | awk 'NR == 1 { print $2 }')	# "tlsfloor 0.1.0 (...)"
