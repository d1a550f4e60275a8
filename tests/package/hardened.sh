#!/bin/bash
# tests/package/hardened.sh -- the live sensor under the restrictions of
# conf/tlsfloor.service, applied without systemd (issue 12, item 4).
#
# usage: tests/package/hardened.sh [TLSFLOOR]      (as root)
#
# systemd is not PID 1 where the tests run, so the unit cannot be started;
# instead the daemon is started the way the unit starts it (in the
# foreground, not as root, $NOTIFY_SOCKET set) with what can be applied
# by hand:
#   User=, AmbientCapabilities=, CapabilityBoundingSet=, NoNewPrivileges=
#                       setpriv: uid/gid nobody, CAP_NET_RAW in the
#                       ambient, effective and bounding sets, no_new_privs
#   UMask=0077          umask
#   SystemCallFilter=, SystemCallErrorNumber=, SystemCallArchitectures=,
#   RestrictAddressFamilies=, MemoryDenyWriteExecute=
#                       seccomp, built by sandbox.py from the unit's own
#                       lines (groups expanded by systemd-analyze)
#   ProtectProc=invisible, ProcSubset=pid
#                       a private /proc mounted hidepid=invisible,subset=pid
#   ProtectSystem=strict, ReadWritePaths (the directories systemd makes)
#                       / remounted read-only but for the test's directory
#   ProtectHome=yes     empty read-only tmpfs on /home and /root
# Not applied (they need systemd or a private namespace the capture cannot
# live with): PrivateTmp, PrivateDevices, PrivateMounts, PrivateIPC,
# ProtectKernel*, ProtectControlGroups, ProtectClock, ProtectHostname,
# RestrictNamespaces, RestrictRealtime, RestrictSUIDSGID, LockPersonality,
# RemoveIPC.
#
# In a network namespace of its own with a veth pair, the sample captures
# (pcaps/*.pcap) are replayed with tcpreplay into one end; tlsfloor,
# capturing promiscuously on the other end, must report the same sessions it reports
# reading the files offline, reload on SIGHUP, exit 0 on SIGTERM, tell the
# notify socket READY/RELOADING/STOPPING, create its output 0600, and log
# no refused operation.
#
# Exit status: 0 all passed, 1 a check failed, 77 skipped (reason printed).
set -uo pipefail
export LC_ALL=C
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=${1:-$ROOT/src/tlsfloor}
PY=/usr/bin/python3
skip() { echo "tests/package/hardened: SKIP: $*"; exit 77; }

[[ $(id -u) -eq 0 ]] || skip "needs root (network namespace, setpriv)"
for p in ip tcpreplay setpriv unshare systemd-analyze; do
	command -v $p >/dev/null 2>&1 || skip "no $p"
done
"$PY" -c 'import seccomp' 2>/dev/null || skip "no python3-seccomp (apt-get install python3-seccomp)"
getent passwd nobody >/dev/null && getent group nogroup >/dev/null || skip "no user nobody / group nogroup"

NS=tlsfl-h-$$ A=tfha$$ B=tfhb$$
T=$(mktemp -d /tmp/tlsfloor-hardened.XXXXXX)
DPID= LPID=
passes=0 fails=0
pass() { passes=$((passes + 1)); echo "ok: $*"; }
fail() { fails=$((fails + 1)); echo "FAIL hardened: $*"; }
cleanup() {
	[[ -n $DPID ]] && kill -9 "$DPID" 2>/dev/null
	[[ -n $LPID ]] && kill "$LPID" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	if [[ $fails -gt 0 && ${KEEP:-0} = 1 ]]; then echo "kept: $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT

ip netns add "$NS" || { echo "FAIL hardened: ip netns add"; exit 1; }
ip -n "$NS" link set lo up
ip -n "$NS" link add "$A" type veth peer name "$B"
ip -n "$NS" link set "$A" up
ip -n "$NS" link set "$B" up

# What the unit's directories would be: the daemon's own, 0750.
chmod 0755 "$T"
mkdir -p "$T/run" "$T/log" "$T/bin"
chown nobody:nogroup "$T/run" "$T/log"
chmod 0750 "$T/run" "$T/log"
cp "$BIN" "$T/bin/tlsfloor"
cp "$HERE/sandbox.py" "$T/bin/"
sed -e 's|@SBINDIR@|/usr/sbin|g' -e 's|@SYSCONFDIR@|/etc|g' \
    "$ROOT/conf/tlsfloor.service" >"$T/bin/tlsfloor.service"
chmod -R a+rX "$T/bin"

cat >"$T/live.yaml" <<YAML
capture:
  interfaces: [$B]
  bpf: ""
  promiscuous: true
  immediate: true
outputs:
  json: { enabled: true, path: $T/log/events.json }
alerts:
  session_events_ok: true
stats:
  interval: 0
daemon:
  pidfile: $T/run/tlsfloor.pid
YAML
sed -e '/interfaces:/d' -e "s|$T/log/events.json|$T/offline.json|" \
    "$T/live.yaml" >"$T/offline.yaml"
chmod 0644 "$T/live.yaml" "$T/offline.yaml"

samples=("$ROOT"/pcaps/*.pcap)
rargs=()
for f in "${samples[@]}"; do rargs+=(-r "$f"); done
"$T/bin/tlsfloor" -q -c "$T/offline.yaml" "${rargs[@]}" 2>"$T/offline.stderr" ||
    fail "offline reference run: $(tail -n 3 "$T/offline.stderr" | tr '\n' ' ')"

# The notify socket, as systemd's: datagrams appended to notify.log.
"$PY" - "$T/notify" "$T/notify.log" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o666)
with open(sys.argv[2], "ab", buffering=0) as log:
    while True:
        log.write(s.recv(4096) + b"\n")
PY
LPID=$!
for _ in $(seq 50); do [[ -S $T/notify ]] && break; sleep 0.1; done

# The sandbox, outermost first: network namespace, mount namespace (/proc,
# read-only /, /home, /root), then user, capabilities, no_new_privs, umask,
# seccomp, and the daemon as the unit's ExecStart= runs it.
ip netns exec "$NS" unshare --mount --propagation private /bin/sh -c '
	set -e
	mount -t proc -o hidepid=invisible,subset=pid proc /proc
	mount --bind "$1" "$1"
	mount -o remount,bind,ro /
	mount -t tmpfs -o ro,mode=0755 tmpfs /home
	mount -t tmpfs -o ro,mode=0700 tmpfs /root
	shift
	exec "$@"' sh "$T" \
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin NOTIFY_SOCKET="$T/notify" \
    setpriv --reuid nobody --regid nogroup --clear-groups \
        --inh-caps -all,+net_raw --ambient-caps -all,+net_raw \
        --bounding-set -all,+net_raw --no-new-privs \
    /bin/sh -c 'umask 0077; exec "$@"' sh \
    "$PY" "$T/bin/sandbox.py" "$T/bin/tlsfloor.service" \
    "$T/bin/tlsfloor" -v -c "$T/live.yaml" >"$T/daemon.stdout" 2>"$T/daemon.stderr" &
DPID=$!
for _ in $(seq 150); do
	grep -q '^READY=1' "$T/notify.log" 2>/dev/null && break
	kill -0 "$DPID" 2>/dev/null || break
	sleep 0.1
done
if grep -q '^READY=1' "$T/notify.log" 2>/dev/null; then
	pass "started under the unit's restrictions and notified READY=1"
else
	fail "no READY=1: $(tail -n 5 "$T/daemon.stderr" | tr '\n' '|')"
	exit 1
fi

# The daemon's process, as the kernel sees it (from outside its /proc).
# Every step of the sandbox execs the next, so $! is tlsfloor itself (no
# pidfile: like the unit, it runs in the foreground, not as root, no -p).
tpid=$DPID
st=/proc/$tpid/status
want_uid=$(id -u nobody)
check_status() {	# check_status FIELD VALUE
	local v
	v=$(awk -v f="$1:" '$1 == f { $1 = ""; sub(/^ /, ""); print }' "$st" 2>/dev/null)	# fields joined by spaces
	if [[ $v == "$2" ]]; then pass "$1: $v"; else fail "$1 is '$v', want '$2'"; fi
}
if [[ -n $tpid && -r $st && $(cat /proc/"$tpid"/comm) == tlsfloor ]]; then
	check_status Uid "$want_uid $want_uid $want_uid $want_uid"
	check_status CapEff 0000000000002000
	check_status CapBnd 0000000000002000
	check_status NoNewPrivs 1
	check_status Seccomp 2
	check_status Umask 0077
else
	fail "process $tpid is not tlsfloor"
fi

# promiscuous: true is PACKET_ADD_MEMBERSHIP, which CAP_NET_RAW allows (a
# refusal would have stopped the start).  (veth delivers frames for other
# MAC addresses to packet sockets anyway, so the replay below does not
# depend on it.)
if ip -n "$NS" -d link show "$B" | grep -q 'promiscuity [1-9]'; then
	pass "$B is promiscuous (CAP_NET_RAW was enough)"
else
	fail "$B is not promiscuous: $(ip -n "$NS" -d link show "$B" | tr '\n' ' ')"
fi

# The samples go out of A and arrive at B with their own addresses:
# nothing answers them, and only a promiscuous capture sees them.
ip netns exec "$NS" tcpreplay -q -i "$A" "${samples[@]}" >"$T/tcpreplay.out" 2>&1 ||
    fail "tcpreplay: $(tail -n 3 "$T/tcpreplay.out" | tr '\n' ' ')"

# SIGHUP: reload, and the output reopened -- inside the sandbox.
kill -HUP "$tpid" 2>/dev/null
for _ in $(seq 50); do
	[[ $(grep -c '^READY=1' "$T/notify.log") -ge 2 ]] && break
	sleep 0.1
done
if grep -q '^RELOADING=1' "$T/notify.log" && [[ $(grep -c '^READY=1' "$T/notify.log") -ge 2 ]]; then
	pass "SIGHUP: RELOADING=1, then READY=1 again"
else
	fail "SIGHUP: notify got $(tr '\n' ' ' <"$T/notify.log")"
fi

sleep 1		# the last replayed frames through the ring (immediate mode)
kill -TERM "$tpid" 2>/dev/null
rc=
for _ in $(seq 150); do kill -0 "$DPID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$DPID" 2>/dev/null; then
	fail "still running 15 s after SIGTERM"
else
	wait "$DPID"; rc=$?; DPID=
	if [[ $rc -eq 0 ]]; then pass "SIGTERM: exit status 0"; else fail "SIGTERM: exit status $rc"; fi
fi
grep -q '^STOPPING=1' "$T/notify.log" && pass "STOPPING=1 notified" ||
    fail "no STOPPING=1: $(tr '\n' ' ' <"$T/notify.log")"

m=$(stat -c '%U %a' "$T/log/events.json" 2>/dev/null)
[[ $m == "nobody 600" ]] && pass "output created by the daemon, mode 0600 (UMask=0077): $m" ||
    fail "output file is '$m', want 'nobody 600'"

if grep -Eiq 'not permitted|permission denied|EPERM' "$T/daemon.stderr"; then
	fail "refused operations logged: $(grep -Ei 'not permitted|permission denied|EPERM' "$T/daemon.stderr" | head -n 3 | tr '\n' '|')"
else
	pass "no refused operation in the daemon's log"
fi

want=$("$PY" "$ROOT/tests/live/ev.py" verdicts "$T/offline.json")
got=$("$PY" "$ROOT/tests/live/ev.py" verdicts "$T/log/events.json")
n=$(printf '%s\n' "$want" | grep -c .)
if [[ $n -gt 0 && $got == "$want" ]]; then
	pass "the $n sessions of ${#samples[@]} replayed captures, as read offline"
else
	fail "live sessions differ from offline: $(diff <(printf '%s\n' "$want") <(printf '%s\n' "$got") | head -n 8 | tr '\n' '|')"
fi

echo "hardened: $passes passed, $fails failed"
[[ $fails -eq 0 ]]
