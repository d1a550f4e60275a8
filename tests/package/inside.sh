#!/bin/sh
# tests/package/inside.sh -- run by tests/package/run.sh as root inside a
# fresh bookworm root: install the package the way the README says, check
# what it installed, use it (a live start as the daemon, logrotate), purge
# it and check that nothing of it is left but the tlsfloor user.
#
# usage: inside.sh DEB    (the network namespace to run the daemon in is
# the file netns next to this script: lo only, up)
set -u
deb=$1
here=$(dirname "$0")
fails=0 passes=0
pass() { passes=$((passes + 1)); echo "ok: $*"; }
fail() { fails=$((fails + 1)); echo "FAIL package: $*"; }
check() {	# check DESCRIPTION COMMAND...
	d=$1; shift
	if "$@" >/tmp/check.out 2>&1; then pass "$d"; else fail "$d: $(tail -n 3 /tmp/check.out | tr '\n' ' ')"; fi
}
owner() { stat -c '%U:%G %a' "$1" 2>/dev/null; }

export DEBIAN_FRONTEND=noninteractive
echo "== apt-get install ./$(basename "$deb")"
apt-get update >/tmp/apt.log 2>&1 || { cat /tmp/apt.log; echo "FAIL package: apt-get update"; exit 1; }
if ! apt-get install -y "$deb" >>/tmp/apt.log 2>&1; then
	tail -n 30 /tmp/apt.log; echo "FAIL package: apt-get install $deb"; exit 1
fi
pass "apt-get install ./$(basename "$deb") in a fresh root"
files=$(dpkg -L tlsfloor)

# --- what it installed ----------------------------------------------------------
check "/usr/sbin/tlsfloor runs" /usr/sbin/tlsfloor --version
for f in /usr/share/man/man8/tlsfloor.8.gz /usr/share/man/man5/tlsfloor.yaml.5.gz \
    /lib/systemd/system/tlsfloor.service /usr/lib/sysusers.d/tlsfloor.conf \
    /usr/lib/tmpfiles.d/tlsfloor.conf /etc/logrotate.d/tlsfloor \
    /etc/tlsfloor/tlsfloor.yaml; do
	check "installed $f" test -s "$f"
done
conff=$(dpkg-query -W -f='${Conffiles}' tlsfloor)
for f in /etc/tlsfloor/tlsfloor.yaml /etc/logrotate.d/tlsfloor; do
	check "$f is a conffile" sh -c "echo '$conff' | grep -q '^ *$f '"
done
check "the unit runs the installed binary on the installed configuration" \
    grep -qx 'ExecStart=/usr/sbin/tlsfloor -c /etc/tlsfloor/tlsfloor.yaml' \
    /lib/systemd/system/tlsfloor.service
check "the unit's exposure is at most 2.0" sh "$here/security.sh" \
    /lib/systemd/system/tlsfloor.service
cat /tmp/check.out

pw=$(getent passwd tlsfloor)
uid=$(echo "$pw" | cut -d: -f3)
check "system user tlsfloor ($pw)" sh -c "[ -n '$uid' ] && [ '$uid' -lt 1000 ] && [ '$(echo "$pw" | cut -d: -f7)' = /usr/sbin/nologin ]"
check "group tlsfloor" getent group tlsfloor
for d in /run/tlsfloor /var/lib/tlsfloor /var/log/tlsfloor; do
	o=$(owner "$d")
	check "$d is tlsfloor:tlsfloor 750 ($o)" test "$o" = "tlsfloor:tlsfloor 750"
done

# --- as an operator uses it: set the interface, check, start, rotate ---------------
# (The README: $EDITOR /etc/tlsfloor/tlsfloor.yaml, then tlsfloor -n.)  The
# output goes to a file under /var/log/tlsfloor so that logrotate has one,
# and a stats event every second fills it.
sed -i -e 's/^  interfaces: \[\]$/  interfaces: [lo]/' -e 's/^  interval: 5m$/  interval: 1s/' \
    -e '/^  json:$/,/^    path:/s|^    path: "-"$|    path: /var/log/tlsfloor/events.json|' \
    /etc/tlsfloor/tlsfloor.yaml
check "the edit took (interfaces: [lo], json to /var/log/tlsfloor/events.json, stats every 1s)" \
    sh -c "grep -qx '  interfaces: \[lo\]' /etc/tlsfloor/tlsfloor.yaml && grep -qx '    path: /var/log/tlsfloor/events.json' /etc/tlsfloor/tlsfloor.yaml && grep -qx '  interval: 1s' /etc/tlsfloor/tlsfloor.yaml"
check "tlsfloor -n -c /etc/tlsfloor/tlsfloor.yaml" \
    nsenter --net="$here/netns" /usr/sbin/tlsfloor -n -c /etc/tlsfloor/tlsfloor.yaml
# The unit's ExecStartPre= runs it as tlsfloor with CAP_NET_RAW only.
check "tlsfloor -n as the unit runs it (user tlsfloor, CAP_NET_RAW only, no_new_privs)" \
    nsenter --net="$here/netns" setpriv --reuid tlsfloor --regid tlsfloor --clear-groups \
    --inh-caps -all,+net_raw --ambient-caps -all,+net_raw --bounding-set -all,+net_raw \
    --no-new-privs /usr/sbin/tlsfloor -n -c /etc/tlsfloor/tlsfloor.yaml

# Without systemd (none runs in this root): the daemon started by hand, as
# root; it drops to tlsfloor and writes its pidfile in /run/tlsfloor.
nsenter --net="$here/netns" /usr/sbin/tlsfloor -D -v -c /etc/tlsfloor/tlsfloor.yaml \
    >/tmp/daemon.log 2>&1
pid=
for _ in $(seq 50); do
	pid=$(cat /run/tlsfloor/tlsfloor.pid 2>/dev/null) && [ -n "$pid" ] &&
	    [ -s /var/log/tlsfloor/events.json ] && break
	sleep 0.2
done
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
	pass "tlsfloor -D started (pid $pid) as $(stat -c %U /proc/"$pid")"
else
	fail "tlsfloor -D did not start: $(cat /tmp/daemon.log)"
fi
# logrotate -f: events.json moves to events.json.1, the postrotate script
# finds the daemon through its pidfile and sends SIGHUP, and the daemon
# (as tlsfloor) creates a new events.json and writes to it.
before=$(wc -l </var/log/tlsfloor/events.json 2>/dev/null)
check "logrotate -f /etc/logrotate.d/tlsfloor" logrotate -f /etc/logrotate.d/tlsfloor
check "the old output is events.json.1" test -s /var/log/tlsfloor/events.json.1
for _ in $(seq 50); do [ -s /var/log/tlsfloor/events.json ] && break; sleep 0.2; done
o=$(owner /var/log/tlsfloor/events.json)
check "after SIGHUP the daemon writes a new events.json, as tlsfloor ($o)" \
    sh -c "[ -s /var/log/tlsfloor/events.json ] && [ '${o%% *}' = tlsfloor:tlsfloor ]"
echo "   ($before stats line(s) before the rotation, $(wc -l </var/log/tlsfloor/events.json) after)"
if [ -n "$pid" ]; then
	kill -TERM "$pid"
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
	check "SIGTERM stops it and the pidfile goes" sh -c "! kill -0 $pid 2>/dev/null && ! [ -s /run/tlsfloor/tlsfloor.pid ]"
fi

# --- purge --------------------------------------------------------------------------
check "apt-get purge tlsfloor" apt-get purge -y tlsfloor
for f in $files /etc/tlsfloor /run/tlsfloor /var/lib/tlsfloor /var/log/tlsfloor; do
	case "$f" in
	*tlsfloor*) [ -e "$f" ] && fail "purge left $f" ;;
	esac
done
left=$(find / -xdev \( -path /tmp -o -path /proc -o -path /sys -o -path /dev \) -prune -o \
    \( -name '*tlsfloor*' -o -user tlsfloor \) -print 2>/dev/null)
check "nothing named tlsfloor or owned by it is left${left:+: $left}" test -z "$left"
check "the tlsfloor user stays after purge (Debian leaves system users)" getent passwd tlsfloor

echo "package: $passes passed, $fails failed"
[ $fails -eq 0 ]
