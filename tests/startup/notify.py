#!/usr/bin/python3
"""
notify.py -- what a live tlsfloor tells systemd through $NOTIFY_SOCKET.

    /usr/bin/python3 tests/startup/notify.py TLSFLOOR

Root only (exit 77 otherwise).  The test re-runs itself in a fresh network
namespace (unshare -n) with lo up, binds a unix datagram socket there as
NOTIFY_SOCKET (as systemd does for Type=notify) and starts
`tlsfloor -i lo` (dropping to nobody) with stats.interval 1s.  It then expects, in
order:

  READY=1 + STATUS=capturing on lo, 0 sessions, 0 legacy   (at start)
  the sample session pcaps/imap-starttls-tls1_0.pcap (a legacy client),
      written frame by frame onto lo with an AF_PACKET socket;
  STATUS=capturing on lo, 1 session, 1 legacy              (a stats interval)
  SIGHUP:  RELOADING=1 + STATUS=reloading, then
           READY=1 + STATUS=capturing on lo, 1 session, 1 legacy
  SIGTERM: STOPPING=1 + STATUS=stopping, and exit status 0.

No traffic leaves the namespace.  Every wait has a deadline (30 s); the
outcome does not depend on timing.  Exit 0 when every check passed, 1
otherwise.
"""
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
SAMPLE = os.path.join(TOP, "pcaps", "imap-starttls-tls1_0.pcap")
INSIDE = "TLSFLOOR_NOTIFY_INSIDE"
failures = 0


def fail(what):
    global failures
    failures += 1
    print("FAIL notify: " + what)


def ok(what):
    print("ok notify: " + what)


def frames(path):
    """The frames of a classic little-endian Ethernet pcap."""
    with open(path, "rb") as f:
        data = f.read()
    magic, _, _, _, _, _, link = struct.unpack_from("<IHHiIII", data)
    assert magic in (0xa1b2c3d4, 0xa1b23c4d) and link == 1, path
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack_from("<IIII", data, off)[2]
        yield data[off + 16:off + 16 + incl]
        off += 16 + incl


class Notify:
    """The notify socket, and the datagrams read from it so far."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        os.chmod(path, 0o777)		# the daemon sends as nobody
        self.seen = []

    def expect(self, want, proc, what):
        """Read datagrams until one equals want (30 s at most)."""
        end = time.monotonic() + 30
        while time.monotonic() < end:
            if proc.poll() is not None:
                break
            self.sock.settimeout(0.5)
            try:
                msg = self.sock.recv(4096).decode("ascii", "replace")
            except socket.timeout:
                continue
            self.seen.append(msg)
            if msg == want:
                ok(what)
                return True
        fail("%s: wanted %r, got %r" % (what, want, self.seen[-5:]))
        return False


def inside(bin_):
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    tmp = tempfile.mkdtemp(prefix="tlsfloor-notify.")
    os.chmod(tmp, 0o755)
    conf = os.path.join(tmp, "tlsfloor.yaml")
    with open(conf, "w") as f:
        f.write("stats:\n  interval: 1s\ndaemon:\n  pidfile: null\n"
                "  user: nobody\n  group: nogroup\n")
    path = os.path.join(tmp, "notify")
    n = Notify(path)
    env = dict(os.environ, NOTIFY_SOCKET=path)
    env.pop("INVOCATION_ID", None)
    err = open(os.path.join(tmp, "stderr"), "w+")
    proc = subprocess.Popen([bin_, "-c", conf, "-i", "lo",
                             "-o", os.path.join(tmp, "out.json")],
                            env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=err)
    try:
        status = "STATUS=capturing on lo, %s"
        if n.expect("READY=1\n" + status % "0 sessions, 0 legacy", proc,
                    "READY=1 with the status line at start"):
            tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
            tx.bind(("lo", 0))
            for fr in frames(SAMPLE):
                tx.send(fr)
            tx.close()
            if n.expect(status % "1 session, 1 legacy", proc,
                        "a legacy session counted at the stats interval"):
                proc.send_signal(signal.SIGHUP)
                n.expect("RELOADING=1\nSTATUS=reloading", proc,
                         "SIGHUP: RELOADING=1 with STATUS=reloading")
                n.expect("READY=1\n" + status % "1 session, 1 legacy", proc,
                         "after the reload: READY=1 and the counts kept")
        proc.send_signal(signal.SIGTERM)
        n.expect("STOPPING=1\nSTATUS=stopping", proc,
                 "SIGTERM: STOPPING=1 with STATUS=stopping")
        rc = proc.wait(30)
        if rc != 0:
            fail("tlsfloor exited %d" % rc)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if failures:
            err.seek(0)
            sys.stdout.write("".join("  stderr: " + l for l in err))
        err.close()
        subprocess.run(["rm", "-rf", tmp])
    return 1 if failures else 0


def main():
    bin_ = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                           os.path.join(TOP, "src", "tlsfloor"))
    if os.environ.get(INSIDE):
        return inside(bin_)
    if os.geteuid() != 0:
        print("SKIP notify: needs root (a network namespace, capture on lo)")
        return 77
    env = dict(os.environ, **{INSIDE: "1"})
    return subprocess.run(["unshare", "-n", sys.executable,
                           os.path.abspath(__file__), bin_],
                          env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
