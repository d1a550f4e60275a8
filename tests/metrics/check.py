#!/usr/bin/python3
"""
check.py -- the Prometheus metrics file (--metrics, stats.metrics_path).

    /usr/bin/python3 tests/metrics/check.py TLSFLOOR

Real runs over the sample captures (and the shared public corpus when it is
there), each writing a metrics file; for every file:

  * `promtool check metrics` accepts it (exit 0, nothing said);
  * tlsfloor_sessions_total{reason=...} equals, reason by reason, what the
    end-of-run summary on stderr says (parsed from it), and the sum equals
    its session count; packets, bytes and flows equal its first line;
  * it is mode 0644 although tlsfloor ran under umask 077, and no temporary
    file is left beside it.

Then: a run with a remote collector that refuses connections (a TCP port
bound and not listening) and a queue of 2: the per-output
tlsfloor_remote_dropped_total{output="127.0.0.1:PORT/tcp"} is above zero and
equals output.remote.dropped of the -v counters; exceptions ending in 3 and
in 60 days and one already over give tlsfloor_exceptions_expiring 1.  And a
run reading a pipe (-r -) with stats.interval 1s, fed a packet every 0.2 s:
the file must appear while tlsfloor is still reading (written at the
interval, not only at exit).

    /usr/bin/python3 tests/metrics/check.py --compare FILE.prom \
        STDERR|EVENTS.json INTERFACE

checks one live run's file (tests/live calls it) the same way, against
its summary on stderr, or, for a daemon, against the counters of the last
stats event in EVENTS.json, and that INTERFACE's received packets are
there.

Exit status 0 when every check passed, 1 otherwise.
"""
import datetime
import glob
import os
import re
import shutil
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
PUBLIC = os.path.join(os.path.dirname(TOP), "shared", "pcaps-public")
failures = 0

SAMPLE_RE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$')
LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def fail(what):
    global failures
    failures += 1
    print("FAIL metrics: " + what)


def ok(what):
    print("ok metrics: " + what)


def parse_prom(path):
    """{(name, ((label, value), ...)): float}"""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            m = SAMPLE_RE.match(line)
            if m is None:
                raise ValueError("not a sample line: %r" % line)
            labels = tuple(LABEL_RE.findall(m.group(3) or ""))
            out[(m.group(1), labels)] = float(m.group(4))
    return out


def parse_summary(stderr):
    """packets, bytes, flows, sessions, {reason: n} from the summary."""
    m = re.search(r"^tlsfloor: (\d+) packets \((\d+) bytes\) from \d+ "
                  r"file\(s\), (\d+) flows tracked$", stderr, re.M)
    s = re.search(r"^tlsfloor: (\d+) sessions(?:: (.*))?$", stderr, re.M)
    if m is None or s is None:
        raise ValueError("no summary in %r" % stderr)
    reasons = {}
    for part in (s.group(2) or "").split(", "):
        if part:
            n, reason = part.split(" ", 1)
            reasons[reason] = int(n)
    return (int(m.group(1)), int(m.group(2)), int(m.group(3)),
            int(s.group(1)), reasons)


def counters(stderr):
    """-v counters: {dotted name: n}."""
    return {m.group(1): int(m.group(2)) for m in
            re.finditer(r"^  (\S+) +(\d+)$", stderr, re.M)}


def umask077():
    os.umask(0o077)


def tlsfloor(bin_, args, **kw):
    return subprocess.run([bin_] + args, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, preexec_fn=umask077,
                          timeout=600, check=False, **kw)


SAN_MARKERS = re.compile(r"ERROR: (AddressSanitizer|LeakSanitizer)|"
                         r"runtime error:|SUMMARY: \w+Sanitizer")


def check_file(label, path, stderr):
    d = os.path.dirname(path)
    if SAN_MARKERS.search(stderr):
        fail("%s: a sanitizer report on stderr:\n%s" % (label, stderr))
    if not os.path.exists(path):
        fail("%s: no metrics file" % label)
        return None
    left = [f for f in os.listdir(d) if f.startswith(".") and
            f.endswith(".tmp")]
    if left:
        fail("%s: left beside the file: %s" % (label, left))
    mode = stat.S_IMODE(os.stat(path).st_mode)
    if mode != 0o644:
        fail("%s: mode %o, want 644" % (label, mode))
    p = subprocess.run(["promtool", "check", "metrics"],
                       stdin=open(path, "rb"), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, check=False)
    if p.returncode != 0 or p.stdout.strip():
        fail("%s: promtool check metrics: exit %d: %s" %
             (label, p.returncode, p.stdout.decode("utf-8", "replace")))
    m = parse_prom(path)
    pk, by, fl, ns, reasons = parse_summary(stderr)
    got = {dict(k[1])["reason"]: int(v) for k, v in m.items()
           if k[0] == "tlsfloor_sessions_total"}
    nonzero = {r: n for r, n in got.items() if n != 0}
    if nonzero != reasons:
        fail("%s: sessions by reason: metrics %s, summary %s" %
             (label, nonzero, reasons))
    elif sum(got.values()) != ns or m.get(("tlsfloor_session_total", ()))\
            != ns:
        fail("%s: %d sessions in the summary, %d in the metrics" %
             (label, ns, sum(got.values())))
    want = {"tlsfloor_capture_packets_total": pk,
            "tlsfloor_capture_bytes_total": by,
            "tlsfloor_flow_created_total": fl}
    for name, n in want.items():
        if m.get((name, ())) != n:
            fail("%s: %s is %s, the summary says %d" %
                 (label, name, m.get((name, ())), n))
    if m.get(("tlsfloor_build_info", ())) is not None or not any(
            k[0] == "tlsfloor_build_info" for k in m):
        fail("%s: no tlsfloor_build_info{version=...}" % label)
    ok("%s: promtool accepts it; %d sessions %s as in the summary; "
       "%d packets, %d bytes, %d flows" % (label, ns, reasons, pk, by, fl))
    return m


def run_captures(bin_, tmp, label, files):
    d = os.path.join(tmp, label)
    os.mkdir(d)
    path = os.path.join(d, "tlsfloor.prom")
    args = []
    for f in files:
        args += ["-r", f]
    p = tlsfloor(bin_, args + ["--metrics", path, "-o", "/dev/null"])
    if p.returncode not in (0, 1):
        fail("%s: exit %d: %s" % (label, p.returncode, p.stderr[-500:]))
        return
    check_file(label, path, p.stderr.decode("utf-8", "replace"))


def run_remote(bin_, tmp):
    d = os.path.join(tmp, "remote")
    os.mkdir(d)
    path = os.path.join(d, "tlsfloor.prom")
    hold = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    hold.bind(("127.0.0.1", 0))     # bound, never listening: refused
    port = hold.getsockname()[1]
    today = datetime.datetime.now(datetime.timezone.utc).date()
    day = lambda n: (today + datetime.timedelta(days=n)).isoformat()
    conf = os.path.join(d, "tlsfloor.yaml")
    with open(conf, "w", encoding="utf-8") as f:
        f.write("outputs:\n  json: { path: /dev/null }\n  remote:\n"
                "    - { host: 127.0.0.1, port: %d, transport: tcp, "
                "queue: 2 }\n"
                "stats:\n  metrics_path: %s\n"
                "exceptions:\n" % (port, path))
        for i, n in enumerate((3, 60, -2)):
            f.write("  - { client: 10.9.%d.0/24, owner: test, "
                    "expires: %s }\n" % (i, day(n)))
    files = sorted(glob.glob(os.path.join(TOP, "pcaps", "*.pcap")))
    args = ["-v", "-c", conf]
    for f in files:
        args += ["-r", f]
    p = tlsfloor(bin_, args)
    hold.close()
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode not in (0, 1):
        fail("remote: exit %d: %s" % (p.returncode, err[-500:]))
        return
    m = check_file("remote collector, exceptions", path, err)
    if m is None:
        return
    key = ("tlsfloor_remote_dropped_total",
           (("output", "127.0.0.1:%d/tcp" % port),))
    want = counters(err).get("output.remote.dropped", 0)
    if key not in m or m[key] != want or want == 0:
        fail("remote: %s = %s, output.remote.dropped = %d (want equal, "
             "above 0)" % (key, m.get(key), want))
    else:
        ok("remote: tlsfloor_remote_dropped_total{output=\"127.0.0.1:%d/"
           "tcp\"} %d = output.remote.dropped" % (port, want))
    exp = m.get(("tlsfloor_exceptions_expiring", ()))
    if exp != 1:
        fail("remote: tlsfloor_exceptions_expiring %s, want 1" % exp)
    else:
        ok("exceptions ending in 3, 60 and -2 days: 1 expiring")


def pcap_records(path):
    with open(path, "rb") as f:
        data = f.read()
    head, rest, out = data[:24], data[24:], []
    endian = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") \
        else ">"
    while len(rest) >= 16:
        caplen = struct.unpack(endian + "I", rest[8:12])[0]
        out.append(rest[:16 + caplen])
        rest = rest[16 + caplen:]
    return head, out


def run_interval(bin_, tmp):
    d = os.path.join(tmp, "interval")
    os.mkdir(d)
    path = os.path.join(d, "tlsfloor.prom")
    conf = os.path.join(d, "tlsfloor.yaml")
    with open(conf, "w", encoding="utf-8") as f:
        f.write("outputs:\n  json: { path: /dev/null }\n"
                "stats:\n  interval: 1s\n  metrics_path: %s\n" % path)
    head, recs = pcap_records(os.path.join(TOP, "pcaps",
                                           "imap-starttls-tls1_0.pcap"))
    p = subprocess.Popen([bin_, "-c", conf, "-r", "-"],
                         stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, preexec_fn=umask077)
    p.stdin.write(head)
    seen, i, deadline = False, 0, time.monotonic() + 20
    while time.monotonic() < deadline:
        p.stdin.write(recs[i % len(recs)])
        p.stdin.flush()
        i += 1
        if os.path.exists(path):
            seen = True
            break
        time.sleep(0.2)
    p.stdin.close()
    err = p.stderr.read().decode("utf-8", "replace")
    p.wait(timeout=60)
    if not seen:
        fail("interval: no metrics file while reading a pipe for 20 s "
             "with stats.interval 1s")
        return
    m = check_file("interval (-r -)", path, err)
    if m is not None:
        ok("interval: written while reading, after %d packets" % i)


def compare(prom, against, iface):
    """tests/live: a live run's file against its summary or stats event."""
    with open(against, encoding="utf-8", errors="replace") as f:
        text = f.read()
    if against.endswith(".json"):
        # the daemon's: the last stats event's counters stand in for the
        # summary it cannot print (-D: stderr is /dev/null)
        import json
        last = None
        for line in text.splitlines():
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if e.get("event", {}).get("dataset") == "tlsfloor.stats":
                last = e["tlsfloor"]["counters"]
        if last is None:
            fail("live: no stats event in %s" % against)
            return
        pre = "session.reason."
        reasons = {k[len(pre):]: v for k, v in last.items()
                   if k.startswith(pre) and v}
        text = ("tlsfloor: %d packets (%d bytes) from 0 file(s), %d flows "
                "tracked\ntlsfloor: %d sessions: %s\n" %
                (last["capture.packets"], last["capture.bytes"],
                 last["flow.created"], last["session.total"],
                 ", ".join("%d %s" % (v, k) for k, v in reasons.items())))
    m = check_file("live " + os.path.basename(prom), prom, text)
    if m is None:
        return
    key = ("tlsfloor_capture_received_total", (("interface", iface),))
    if m.get(key, 0) <= 0:
        fail("live: %s is %s, want packets" % (key, m.get(key)))
    else:
        ok("live: tlsfloor_capture_received_total{interface=\"%s\"} %d"
           % (iface, m[key]))


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--compare":
        compare(sys.argv[2], sys.argv[3], sys.argv[4])
        return 1 if failures else 0
    if len(sys.argv) != 2:
        print("usage: check.py TLSFLOOR\n"
              "       check.py --compare FILE.prom STDERR|EVENTS.json "
              "INTERFACE", file=sys.stderr)
        return 2
    bin_ = os.path.abspath(sys.argv[1])
    if shutil.which("promtool") is None:
        print("FAIL metrics: promtool is not installed (apt-get install "
              "prometheus)")
        return 1
    tmp = tempfile.mkdtemp(prefix="tlsfloor-metrics.")
    try:
        run_captures(bin_, tmp, "samples",
                     sorted(glob.glob(os.path.join(TOP, "pcaps", "*.pcap"))))
        run_captures(bin_, tmp, "crafted", sorted(glob.glob(
            os.path.join(TOP, "pcaps", "crafted", "*.pcap"))))
        public = sorted(glob.glob(os.path.join(PUBLIC, "*.pcap*")))
        if public:
            run_captures(bin_, tmp, "public", public)
        else:
            print("skip metrics: no %s" % PUBLIC)
        run_remote(bin_, tmp)
        run_interval(bin_, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
