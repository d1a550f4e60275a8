#!/bin/bash
# tests/sec/run.sh -- tlsfloor under attack and faults (issue 14): what a
# root start does with files the daemon user could have planted, signals
# during a read, non-regular configuration files, forged text fields, a
# full disk, umask, inherited descriptors, exit status after a signal, and
# the system-call allowlist.
#
#   tests/sec/run.sh [TLSFLOOR [CHECK...]]
#
# Every check runs in a private temporary directory; network and mount
# namespaces it needs (unshare) are private to the check.  Needs root for
# the root-start and disk-full checks.  Exit status 0 when every check
# passed, 1 when one failed, 77 when the checks that need root were
# skipped (1 under CI: the CI variable set means a skip is a failure).
set -u
export LC_ALL=C TZ=UTC
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=${1:-$ROOT/src/tlsfloor}
[ $# -gt 0 ] && shift
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
[ -x "$BIN" ] || { echo "tests/sec: $BIN: not an executable" >&2; exit 1; }
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
PCAP=$ROOT/pcaps/imaps-tls1_0.pcap
T=$(mktemp -d /tmp/tlsfloor-sec.XXXXXX)
chmod 755 "$T"
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
failed=0 skipped=0 passed=0

ok()   { printf 'ok    %s\n' "$1"; passed=$((passed + 1)); }
fail() { printf 'FAIL  %s: %s\n' "$1" "$2"; failed=$((failed + 1)); }
skip() { printf 'SKIP  %s: %s\n' "$1" "$2"; skipped=$((skipped + 1)); }
need_root() {
	[ "$(id -u)" = 0 ] && return 0
	skip "$1" "needs root"
	return 1
}
# owner:mode:content of a file, to see that nothing touched it
fstate() { stat -c '%u:%a' "$1"; cat "$1"; }

# A live sensor on the loopback of a private network namespace, as root,
# for at most $1 seconds; the rest are its arguments.
live() {
	local secs=$1
	shift
	unshare -n sh -c 'ip link set lo up && exec "$@"' sh \
	    timeout -s TERM "$secs" "$BIN" -i lo -u nobody "$@"
}

# --- 1. files a root start creates ----------------------------------------

check_pidfile_symlink() {
	local n=pidfile-symlink d=$T/pidsym
	need_root $n || return
	mkdir -p "$d/run"
	chown nobody "$d/run"
	printf 'secret\n' >"$d/victim"
	chmod 600 "$d/victim"
	local before
	before=$(fstate "$d/victim")
	ln -s "$d/victim" "$d/run/tlsfloor.pid"
	live 3 -p "$d/run/tlsfloor.pid" -o "$d/out.json" >"$d/log" 2>&1
	if [ "$(fstate "$d/victim")" != "$before" ]; then
		fail $n "root followed the planted link: victim now $(stat -c '%U %a' "$d/victim")"
	elif ! grep -q 'symbolic link' "$d/log"; then
		fail $n "no clear error: $(head -c 300 "$d/log")"
	else
		ok $n
	fi
}

check_pidfile_stale() {
	local n=pidfile-stale d=$T/pidstale
	need_root $n || return
	mkdir -p "$d/run"
	chown nobody "$d/run"
	printf '999999\n' >"$d/run/tlsfloor.pid"	# stale, not locked
	live 3 -p "$d/run/tlsfloor.pid" -o "$d/out.json" >"$d/log" 2>&1 &
	local pid=$! i content owner
	for i in $(seq 50); do
		content=$(cat "$d/run/tlsfloor.pid" 2>/dev/null)
		[ -n "$content" ] && [ "$content" != 999999 ] && break
		sleep 0.1
	done
	owner=$(stat -c %U "$d/run/tlsfloor.pid" 2>/dev/null)
	wait $pid
	if [ "$content" = 999999 ] || [ -z "$content" ]; then
		fail $n "stale pidfile not replaced ($content): $(head -c 300 "$d/log")"
	elif [ "$owner" != nobody ]; then
		fail $n "pidfile owned by $owner, not the daemon user"
	elif [ -e "$d/run/tlsfloor.pid" ]; then
		fail $n "pidfile left behind at exit"
	else
		ok $n
	fi
}

check_pidfile_dir_symlink() {
	local n=pidfile-dir-symlink d=$T/piddir
	need_root $n || return
	mkdir -p "$d/real"
	ln -s "$d/real" "$d/run"
	live 3 -p "$d/run/tlsfloor.pid" -o "$d/out.json" >"$d/log" 2>&1
	if [ -e "$d/real/tlsfloor.pid" ]; then
		fail $n "pidfile created through a symbolic link to its directory"
	elif ! grep -q 'symbolic link' "$d/log"; then
		fail $n "no clear error: $(head -c 300 "$d/log")"
	else
		ok $n
	fi
}

check_output_symlink() {
	local n=output-symlink d=$T/outsym
	need_root $n || return
	mkdir -p "$d"
	printf 'secret\n' >"$d/victim"
	chmod 600 "$d/victim"
	local before rc
	before=$(fstate "$d/victim")
	ln -s "$d/victim" "$d/out.json"
	"$BIN" -q -r "$PCAP" -o "$d/out.json" >"$d/log" 2>&1
	rc=$?
	if [ "$(fstate "$d/victim")" != "$before" ]; then
		fail $n "root wrote through the planted link"
	elif [ $rc = 0 ] || ! grep -q 'symbolic link' "$d/log"; then
		fail $n "exit $rc, no clear error: $(head -c 300 "$d/log")"
	else
		ok $n
	fi
}

check_output_hardlink() {
	local n=output-hardlink d=$T/outhard
	need_root $n || return
	mkdir -p "$d"
	printf 'secret\n' >"$d/victim"
	chmod 600 "$d/victim"
	local before rc
	before=$(fstate "$d/victim")
	ln "$d/victim" "$d/out.json"
	"$BIN" -q -r "$PCAP" -o "$d/out.json" >"$d/log" 2>&1
	rc=$?
	if [ "$(fstate "$d/victim")" != "$before" ]; then
		fail $n "root appended to a hard-linked file"
	elif [ $rc = 0 ] || ! grep -q 'hard link' "$d/log"; then
		fail $n "exit $rc, no clear error: $(head -c 300 "$d/log")"
	else
		ok $n
	fi
}

check_output_fifo() {
	local n=output-fifo d=$T/outfifo rc
	mkdir -p "$d"
	mkfifo "$d/out.json"
	timeout 10 "$BIN" -q -r "$PCAP" -o "$d/out.json" >"$d/log" 2>&1
	rc=$?
	if [ $rc = 124 ]; then
		fail $n "blocked opening a FIFO as output"
	elif [ $rc = 0 ] || ! grep -q 'not a regular file' "$d/log"; then
		fail $n "exit $rc, no clear error: $(head -c 300 "$d/log")"
	else
		ok $n
	fi
}

# The inventory store's SQLite files, opened as root at start and handed
# to the daemon user: a planted link as the database or as its -wal or
# -shm file must neither be followed nor chowned.
check_store_symlink() {
	local n=store-symlink d=$T/storesym f before
	need_root $n || return
	mkdir -p "$d/db"
	chown nobody "$d/db"
	for f in victim victim-wal victim-shm; do
		printf 'secret\n' >"$d/$f"
		chmod 600 "$d/$f"
	done
	before=$(for f in victim victim-wal victim-shm; do fstate "$d/$f"; done)
	ln -s "$d/victim-wal" "$d/db/inv.db-wal"
	ln -s "$d/victim-shm" "$d/db/inv.db-shm"
	printf 'inventory:\n  db: %s/db/inv.db\ndaemon:\n  group: nogroup\n' \
	    "$d" >"$d/tlsfloor.yaml"
	live 3 -c "$d/tlsfloor.yaml" -p "$d/tlsfloor.pid" -o "$d/out.json" \
	    >"$d/log" 2>&1
	ln -s "$d/victim" "$d/db/link.db"
	printf 'inventory:\n  db: %s/db/link.db\ndaemon:\n  group: nogroup\n' \
	    "$d" >"$d/link.yaml"
	live 3 -c "$d/link.yaml" -p "$d/tlsfloor2.pid" -o "$d/out2.json" \
	    >"$d/log2" 2>&1
	if [ "$(for f in victim victim-wal victim-shm; do fstate "$d/$f"; done)" != "$before" ]; then
		fail $n "root followed a planted link: $(stat -c '%n %U %s' "$d"/victim*)"
	elif ! grep -q 'link.db' "$d/log2"; then
		fail $n "a linked database was not refused: $(head -c 300 "$d/log2")"
	else
		ok $n
	fi
}

# --- 2. signals never abort a read -----------------------------------------

check_signals_pipe() {
	local n=signals-pipe d=$T/sigpipe msg
	mkdir -p "$d"
	if msg=$(timeout 120 "$PY" "$HERE/signals.py" "$BIN" "$PCAP" "$d" \
	    hup-usr1); then
		ok $n
	else
		fail $n "$msg"
	fi
}

# --- 3. non-regular configuration files -------------------------------------

check_config_fifo() {
	local n=config-fifo d=$T/cfgfifo rc
	mkdir -p "$d"
	mkfifo "$d/tlsfloor.yaml"
	timeout 10 "$BIN" -n -c "$d/tlsfloor.yaml" >"$d/log" 2>&1
	rc=$?
	if [ $rc = 124 ]; then
		fail $n "start-up blocked opening a FIFO configuration"
	elif [ $rc = 0 ] || ! grep -q 'not a regular file (a FIFO)' "$d/log"; then
		fail $n "exit $rc, no clear error: $(head -c 300 "$d/log")"
	else
		ok $n
	fi
}

# --- 4. the text format cannot be forged --------------------------------------

check_text_forge() {
	local n=text-forge d=$T/textforge msg
	mkdir -p "$d"
	if msg=$(timeout 60 "$PY" "$HERE/textforge.py" "$BIN" "$d"); then
		ok $n
	else
		fail $n "$msg"
	fi
}

# --- 5. a full disk: whole events, each episode reported ---------------------

check_disk_full() {
	local n=disk-full d=$T/diskfull msg
	need_root $n || return
	mkdir -p "$d"
	if msg=$(timeout 120 unshare -m "$PY" "$HERE/diskfull.py" "$BIN" \
	    "$PCAP" "$d"); then
		ok $n
	else
		fail $n "$msg"
	fi
}

# --- 6. umask, inherited descriptors, exit status after a signal ------------

sig_check() {	# name mode [umask.yaml content]
	local n=$1 d=$T/$1 msg
	mkdir -p "$d"
	[ $# -gt 2 ] && printf '%s\n' "$3" >"$d/umask.yaml"
	if msg=$(timeout 120 "$PY" "$HERE/signals.py" "$BIN" "$PCAP" "$d" \
	    "$2"); then
		ok "$n"
	else
		fail "$n" "$msg"
	fi
}
check_term_status() { sig_check term-status term; }
check_fds_umask() { sig_check fds-umask state; }
check_umask_config() {
	sig_check umask-config state "$(printf 'daemon:\n  umask: "027"')"
}

# --- privilege drop: each way it can fail stops the start with a message ----

drop_fails() {	# name "expected message" yaml-daemon-lines [-u user]
	local n=$1 want=$2 d=$T/$1 rc
	need_root $n || return
	mkdir -p "$d"
	printf 'daemon:\n%s\n  pidfile: %s/tlsfloor.pid\n' "$3" "$d" \
	    >"$d/tlsfloor.yaml"
	shift 3
	unshare -n sh -c 'ip link set lo up && exec "$@"' sh timeout 10 \
	    "$BIN" -i lo -c "$d/tlsfloor.yaml" -o "$d/out.json" "$@" \
	    >"$d/log" 2>&1
	rc=$?
	if [ $rc = 124 ]; then
		fail $n "started (and ran until killed) instead of refusing"
	elif [ $rc = 0 ] || ! grep -qF "$want" "$d/log"; then
		fail $n "exit $rc, wanted \"$want\": $(head -c 300 "$d/log")"
	elif [ -e "$d/tlsfloor.pid" ]; then
		fail $n "the pidfile was left behind"
	else
		ok $n
	fi
}
check_drop_no_user() {
	drop_fails drop-no-user 'user "tlsfloor-nosuch" does not exist' \
	    '  user: tlsfloor-nosuch'
}
check_drop_no_group() {
	drop_fails drop-no-group 'group "tlsfloor-nosuch" does not exist' \
	    '  user: nobody
  group: tlsfloor-nosuch'
}
check_drop_root_user() {
	drop_fails drop-root-user 'daemon.user "root" is root' \
	    '  user: root
  group: root'
}
check_drop_bad_chroot() {
	drop_fails drop-bad-chroot 'chroot /nonexistent/tlsfloor' \
	    '  user: nobody
  group: nogroup
  chroot: /nonexistent/tlsfloor'
}

# --- 7. the system-call allowlist ---------------------------------------------

# A live sensor on the loopback of a private network namespace, with two
# capture workers and every kind of output the allowlist must let through:
# a JSON file, a text file, the inventory, collectors over UDP and TCP (a
# listener of this test, reached by the name localhost: getaddrinfo), the
# SQLite inventory store (its writer thread, WAL, fsync, locks) and the
# metrics file (temporary file and rename, every second).
# Traffic is a sample session replayed onto lo (tcpreplay), before and
# after a SIGHUP (config re-read, files reopened, the collectors kept) and
# a SIGUSR1 (inventory).  /proc says "Seccomp: 2"; no call was trapped;
# both collectors received events after the reload as well as before; it
# stops with exit status 0.  (Also: reload with remote sinks and several
# workers, which no other test did.)
check_seccomp_live() { seccomp_live seccomp-live true 2; }
check_seccomp_off() { seccomp_live seccomp-off false 0; }
# The same with the store in PostgreSQL (libpq over a unix socket; the
# server of this check, no TCP listener).
check_seccomp_pg() {
	local n=seccomp-pg pgbin pgd rc
	need_root $n || return
	pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
	if [ -z "$pgbin" ] || ! command -v psql >/dev/null; then
		skip $n "no PostgreSQL (Debian package postgresql)"
		return
	fi
	pgd=$(mktemp -d /tmp/tlsfloor-secpg.XXXXXX)
	chown postgres: "$pgd"
	chmod 755 "$pgd"
	if ! runuser -u postgres -- "$pgbin/initdb" -D "$pgd/data" -A trust \
	    -U tlsfloor --locale=C -E UTF8 >"$pgd/initdb.log" 2>&1 ||
	    ! runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgd/data" \
	    -l "$pgd/server.log" -w -o "-c listen_addresses='' -c \
	    unix_socket_directories=$pgd" start >/dev/null 2>&1; then
		fail $n "PostgreSQL would not start: $(tail -5 "$pgd/server.log" "$pgd/initdb.log" 2>/dev/null)"
		rm -rf "$pgd"
		return
	fi
	PG_URI="postgresql:///postgres?host=$pgd&user=tlsfloor" \
	    seccomp_live seccomp-pg true 2
	runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgd/data" -m fast -w \
	    stop >/dev/null 2>&1
	rm -rf "$pgd"
}
seccomp_live() {	# name daemon.seccomp Seccomp-field  (PG_URI: the store)
	local n=$1 d=$T/$1 want=$3 db records
	need_root $n || return
	command -v tcpreplay >/dev/null || { skip $n "no tcpreplay"; return; }
	mkdir -p "$d/out"
	chown nobody "$d/out"
	db=${PG_URI:-$d/out/inventory.db}
	cat >"$d/tlsfloor.yaml" <<-YAML
	capture:
	  workers: 2
	outputs:
	  json:
	    path: $d/out/events.json
	    events: [session, alert, stats, inventory]
	  text:
	    enabled: true
	    path: $d/out/events.txt
	  remote:
	    - { host: localhost, port: 39514, transport: udp }
	    - { host: localhost, port: 39514, transport: tcp }
	inventory:
	  path: $d/out/inventory
	  db: "$db"
	stats:
	  interval: 1s
	  metrics_path: $d/out/tlsfloor.prom
	daemon:
	  user: nobody
	  group: nogroup
	  pidfile: $d/out/tlsfloor.pid
	  seccomp: $2
	YAML
	cat >"$d/listen.py" <<-'PY'
	import socket, sys, threading
	u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	u.bind(("127.0.0.1", 39514))
	t = socket.socket()
	t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	t.bind(("127.0.0.1", 39514))
	t.listen(4)
	out = open(sys.argv[1], "ab", buffering=0)
	def udp():
	    while True:
	        out.write(b"udp " + u.recv(65536)[:40] + b"\n")
	def tcp():
	    while True:
	        c, _ = t.accept()
	        while True:
	            b = c.recv(65536)
	            if not b:
	                break
	            out.write(b"tcp " + b[:40] + b"\n")
	threading.Thread(target=udp, daemon=True).start()
	tcp()
	PY
	cat >"$d/run.sh" <<-'SH'
	d=$1 bin=$2 pcap=$3 py=$4
	ip link set lo up || exit 1
	"$py" "$d/listen.py" "$d/collector" & lpid=$!
	sleep 0.3
	"$bin" -v -c "$d/tlsfloor.yaml" -i lo >"$d/stdout" 2>"$d/stderr" &
	tpid=$!
	for i in $(seq 100); do
		[ -s "$d/out/tlsfloor.pid" ] && break
		sleep 0.1
	done
	sleep 0.5
	grep '^Seccomp:' /proc/$tpid/status >"$d/seccomp"
	tcpreplay -q -i lo "$pcap" >/dev/null 2>&1
	sleep 1
	sort "$d/collector" | cut -c1-3 | uniq -c >"$d/before-reload"
	kill -HUP $tpid; sleep 1
	kill -USR1 $tpid; sleep 1
	tcpreplay -q -i lo "$pcap" >/dev/null 2>&1
	sleep 1
	kill -TERM $tpid
	wait $tpid
	echo $? >"$d/status"
	kill $lpid
	SH
	timeout 60 unshare -n bash "$d/run.sh" "$d" "$BIN" "$PCAP" "$PY"
	local st sc sessions u0 t0 u1 t1
	st=$(cat "$d/status" 2>/dev/null)
	u0=$(awk '$2 == "udp" { print $1 }' "$d/before-reload" 2>/dev/null)
	t0=$(awk '$2 == "tcp" { print $1 }' "$d/before-reload" 2>/dev/null)
	u1=$(grep -c '^udp' "$d/collector" 2>/dev/null)
	t1=$(grep -c '^tcp' "$d/collector" 2>/dev/null)
	sc=$(awk '{print $2}' "$d/seccomp" 2>/dev/null)
	sessions=$(grep -c '"tlsfloor.session"' "$d/out/events.json" 2>/dev/null)
	if [ -n "${PG_URI:-}" ]; then
		records=$(psql -XAtq "$PG_URI" -c 'SELECT count(*) FROM records' 2>&1)
	elif [ "$(sqlite3 "$d/out/inventory.db" 'PRAGMA integrity_check' 2>&1)" = ok ]; then
		records=$(sqlite3 "$d/out/inventory.db" 'SELECT count(*) FROM records' 2>&1)
	fi
	if grep -q 'forbidden system call' "$d/stderr"; then
		fail $n "$(grep 'forbidden system call' "$d/stderr")"
	elif [ "$sc" != "$want" ]; then
		fail $n "Seccomp: ${sc:-?} in /proc, not $want"
	elif [ "$st" != 0 ]; then
		fail $n "exit status ${st:-?}: $(head -c 300 "$d/stderr")"
	elif [ "${sessions:-0}" -lt 2 ] || [ ! -s "$d/out/events.txt" ] ||
	    [ ! -e "$d/out/inventory.json" ] ||
	    [ ! -s "$d/out/tlsfloor.prom" ] ||
	    [ "$records" != 1 ] ||
	    ! grep -q '^udp' "$d/collector" || ! grep -q '^tcp' "$d/collector"
	then
		fail $n "outputs missing: ${records:-no} store records, ${sessions:-0} sessions, $(ls "$d/out" | tr '\n' ' '), collector: $(sort "$d/collector" 2>/dev/null | cut -c1-3 | uniq -c | tr '\n' ' ')"
	elif [ "${u1:-0}" -le "${u0:-0}" ] || [ "${t1:-0}" -le "${t0:-0}" ]
	then
		fail $n "no collector events after the reload (udp ${u0:-0} -> ${u1:-0}, tcp ${t0:-0} -> ${t1:-0})"
	elif ! grep -q 'reloaded' "$d/stderr"; then
		fail $n "no \"reloaded\" in its log: $(head -c 300 "$d/stderr")"
	else
		ok $n
	fi
}

# The sensor's sandbox_enter() in a small program that then makes a call
# the allowlist must refuse (execve, fork, setuid, a socket domain not on
# the list): the process ends with status 159 and one line naming the
# call.  The same program doing what the sensor and the store need (a
# file written, fsync'ed, renamed, removed; a UDP socket; a thread) exits 0.
check_seccomp_refuses() {
	local n=seccomp-refuses d=$T/secprobe probe=$ROOT/tests/sec/sandbox_probe
	local c rc line bad=
	mkdir -p "$d"
	if [ ! -x "$probe" ]; then
		fail $n "$probe missing (make tests/sec/sandbox_probe)"
		return
	fi
	"$probe" allowed "$d" 2>"$d/err"
	rc=$?
	[ $rc = 0 ] || bad="allowed calls: exit $rc $(head -c 200 "$d/err"); "
	local calls="execve:execve fork:clone setuid:setuid bluetooth:socket"
	for c in $calls; do
		"$probe" "${c%%:*}" "$d" 2>"$d/err"
		rc=$?
		line=$(cat "$d/err")
		case $rc:$line in
		"159:tlsfloor: seccomp: forbidden system call "*" (${c#*:}); exiting")
			;;
		*)	bad="$bad${c%%:*}: exit $rc \"$line\"; " ;;
		esac
	done
	if [ -n "$bad" ]; then
		fail $n "$bad"
	else
		ok $n
	fi
}

ALL_CHECKS="pidfile_symlink pidfile_stale pidfile_dir_symlink output_symlink
    output_hardlink output_fifo store_symlink signals_pipe
    config_fifo text_forge disk_full term_status fds_umask umask_config
    seccomp_live seccomp_off seccomp_pg seccomp_refuses drop_no_user drop_no_group
    drop_root_user drop_bad_chroot"

checks=${*:-$ALL_CHECKS}
for c in $checks; do
	"check_${c//-/_}"
done
printf 'tests/sec: %d passed, %d failed, %d skipped\n' $passed $failed $skipped
[ $failed -gt 0 ] && exit 1
if [ $skipped -gt 0 ]; then
	[ -n "${CI:-}" ] && { echo "tests/sec: a skip is a failure under CI" >&2; exit 1; }
	exit 77
fi
exit 0
