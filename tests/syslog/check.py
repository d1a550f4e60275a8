#!/usr/bin/env python3
"""check.py -- read back what rsyslog received from tlsfloor and compare it
with tlsfloor's own JSON output (tests/syslog/run.sh drives it).

    check.py probe --udp PORT --tcp PORT[,PORT...] ID
        send one RFC 5424 probe message (APP-NAME tlsfloor-probe, MSGID ID)
        to each port, so run.sh can tell that rsyslog is listening
    check.py seen FILE ID
        exit 0 if the probe ID is in FILE
    check.py run1 --json F --pid P [--udp F] [--tcp F] [--cef F]
            [--version V] [--types-out F]
        every alert (and alert_summary) the JSON output raised arrived
        exactly once on every transport, and parses back -- header, the
        structured data or CEF fields, and the JSON body -- to the same
        fields; nothing arrived that tlsfloor did not write
    check.py run2 --json F --tcp F --stderr F --types T[,T...]
            [--after-packet N]
        the collector was stopped and restarted: every event received
        matches one tlsfloor raised, none twice, output.remote.events (from
        the -v counters) == raised == sent + dropped + failed, and
        received + dropped + failed == raised; with
        --after-packet, some alert of a session that began at packet N or
        later (after the restart) was delivered: tlsfloor reconnected
        while it ran, not only at exit

    check.py accounts --json F --remote I:RULE [--remote I:RULE ...]
            [--received F --types T[,T...]]
        the final stats event's tlsfloor.remotes[I] (in outputs.remote
        order) satisfies events = sent + dropped + failed with nothing
        queued, and RULE: "all" (every event sent, none failed), "refused"
        (TLS handshakes failed and counted, nothing sent, every event
        failed) or "counted" (with --received: every event of the types
        raised that is not in F is dropped or failed or was acknowledged
        by the collector's TCP and lost with it; the latter reported) or
        "every" (with --received: every event raised arrived, none
        dropped or failed)

Each log file holds one message per line: rsyslog's %rawmsg% (for TCP,
the message without its RFC 6587 octet count).  Exit 0 when all holds, 1
with a list of what did not.
"""
import argparse
import calendar
import collections
import json
import re
import socket
import sys

PROBE_APP = "tlsfloor-probe"
SDID = "tlsfloor@32473"
FACILITY = 3                    # daemon: outputs.syslog.facility default

# structured-data parameter -> where the same value sits in the JSON event
SD_FIELDS = [
    ("client_ip", "source.ip"),
    ("client_port", "source.port"),
    ("server_ip", "destination.ip"),
    ("server_port", "destination.port"),
    ("protocol", "network.protocol"),
    ("reason", "tlsfloor.reason"),
    ("outcome", "tlsfloor.outcome"),
    ("client_max", "tlsfloor.client_max_version"),
    ("negotiated", "tlsfloor.negotiated_version"),
    ("sni", "tls.client.server_name"),
    ("ja3", "tls.client.ja3"),
    ("ja4", "tls.client.ja4"),
    ("exception_owner", "tlsfloor.exception.owner"),
    ("count", "tlsfloor.count"),
    ("community_id", "network.community_id"),
    ("cleartext_credentials", "tlsfloor.cleartext_credentials"),
    ("cleartext_mechanism", "tlsfloor.cleartext_mechanism"),
    ("client_software", "tlsfloor.client_software"),
    ("client_software_source", "tlsfloor.client_software_source"),
]
VALUE_MAX = 255                 # output_syslog.c SYSLOG_VALUE_MAX
CEF_SEVERITY = [10, 10, 9, 8, 6, 4, 2, 0]
CEF_CS = [("cs1", "clientMaxVersion", "client_max"),
          ("cs2", "negotiatedVersion", "negotiated"),
          ("cs3", "ja3", "ja3"), ("cs4", "ja4", "ja4"),
          ("cs5", "serverName", "sni"),
          ("cs6", "exceptionOwner", "exception_owner")]

errors = []


def fail(msg):
    errors.append(msg)


# --- RFC 5424 ------------------------------------------------------------------

class Bad(Exception):
    pass


def parse_5424(line):
    """<PRI>1 TS HOST APP PROCID MSGID SD [SP MSG] -> dict; raises Bad."""
    m = re.match(r"<(\d{1,3})>1 ", line)
    if not m:
        raise Bad("no <PRI>1")
    pos = m.end()
    f = {"pri": int(m.group(1))}
    for name, limit in (("ts", 64), ("host", 255), ("app", 48),
                        ("procid", 128), ("msgid", 32)):
        sp = line.find(" ", pos)
        if sp < 0:
            raise Bad("header ends early at " + name)
        tok = line[pos:sp]
        if not tok or len(tok) > limit or \
                any(not 33 <= ord(c) <= 126 for c in tok):
            raise Bad("bad %s %r" % (name, tok))
        f[name] = tok
        pos = sp + 1
    f["sdid"], f["sd"] = None, {}
    if line.startswith("-", pos):
        pos += 1
    elif line.startswith("[", pos):
        pos += 1
        m = re.compile(r"[^ =\]\"]{1,32}").match(line, pos)
        if not m:
            raise Bad("bad SD-ID")
        f["sdid"] = m.group(0)
        pos = m.end()
        while line.startswith(" ", pos):
            m = re.compile(r" ([^ =\]\"]{1,32})=\"").match(line, pos)
            if not m:
                raise Bad("bad SD-PARAM at %d" % pos)
            name, pos, val = m.group(1), m.end(), []
            while True:
                if pos >= len(line):
                    raise Bad("unterminated PARAM-VALUE")
                c = line[pos]
                if c == "\\" and pos + 1 < len(line) and \
                        line[pos + 1] in "\"\\]":
                    val.append(line[pos + 1])
                    pos += 2
                elif c == "]":
                    raise Bad("unescaped ] in PARAM-VALUE")
                elif c == '"':
                    pos += 1
                    break
                else:
                    val.append(c)
                    pos += 1
            if name in f["sd"]:
                raise Bad("SD-PARAM %s twice" % name)
            f["sd"][name] = "".join(val)
        if not line.startswith("]", pos):
            raise Bad("SD-ELEMENT not closed")
        pos += 1
        if line.startswith("[", pos):
            raise Bad("a second SD-ELEMENT")
    else:
        raise Bad("no STRUCTURED-DATA")
    if pos == len(line):
        f["msg"] = None
    elif line[pos] == " ":
        f["msg"] = line[pos + 1:]
        if f["msg"].startswith("\ufeff"):
            raise Bad("BOM (tlsfloor writes none)")
    else:
        raise Bad("no SP before MSG")
    return f


def rfc3339_us(ts):
    """2026-11-28T09:40:29.148779Z -> microseconds since the epoch."""
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)"
                     r"(?:\.(\d{1,6}))?Z", ts)
    if not m:
        raise Bad("bad TIMESTAMP %r" % ts)
    secs = calendar.timegm(tuple(int(x) for x in m.groups()[:6]))
    frac = (m.group(7) or "0").ljust(6, "0")
    return secs * 1000000 + int(frac)


# --- CEF -------------------------------------------------------------------------

def parse_cef(msg):
    """CEF:0|...|...  -> (7 header fields, {key: value}), unescaped."""
    if not msg.startswith("CEF:"):
        raise Bad("MSG is not CEF")
    head, pos = [], 0
    cur = []
    while len(head) < 7:
        if pos >= len(msg):
            raise Bad("CEF header ends early")
        c = msg[pos]
        if c == "\\" and pos + 1 < len(msg) and msg[pos + 1] in "\\|":
            cur.append(msg[pos + 1])
            pos += 2
        elif c == "|":
            head.append("".join(cur))
            cur = []
            pos += 1
        else:
            cur.append(c)
            pos += 1
    ext = msg[pos:]
    # a key is word chars followed by an unescaped '=' at the start or
    # after a space; '=' inside values is always escaped
    keys = list(re.finditer(r"(?:^| )([A-Za-z0-9_]+)=", ext))
    out = {}
    for i, k in enumerate(keys):
        end = keys[i + 1].start() if i + 1 < len(keys) else len(ext)
        raw = ext[k.end():end]
        val, j = [], 0
        while j < len(raw):
            if raw[j] == "\\" and j + 1 < len(raw):
                val.append({"n": "\n", "r": "\r"}.get(raw[j + 1],
                                                      raw[j + 1]))
                j += 2
            else:
                val.append(raw[j])
                j += 1
        if k.group(1) in out:
            raise Bad("CEF key %s twice" % k.group(1))
        out[k.group(1)] = "".join(val)
    head[0] = head[0][len("CEF:"):]
    return head, out


# --- the JSON events ---------------------------------------------------------------

def jget(obj, path):
    for part in path.split("."):
        if not isinstance(obj, dict) or part not in obj:
            return None
        obj = obj[part]
    return obj


def canon(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


def evtype(obj):
    ds = jget(obj, "event.dataset") or ""
    return ds[len("tlsfloor."):] if ds.startswith("tlsfloor.") else ds


def load_events(path):
    """[(type, object, canonical form, raw line)] of tlsfloor's JSON output."""
    out = []
    with open(path, encoding="ascii") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line:
                continue
            try:
                obj = json.loads(line)
            except ValueError as e:
                fail("%s:%d: not JSON: %s" % (path, n, e))
                continue
            out.append((evtype(obj), obj, canon(obj), line))
    return out


def expected_sd(obj):
    sd = {}
    for name, path in SD_FIELDS:
        v = jget(obj, path)
        if v is None:
            continue
        if isinstance(v, bool):
            v = "true" if v else "false"
        sd[name] = str(v)[:VALUE_MAX]
    return sd


def clean_token(s, limit):
    s = "".join(c if 33 <= ord(c) <= 126 else "_" for c in s)[:limit]
    return s or "-"


def read_frames(path):
    """Non-probe messages of one rsyslog output file, in order."""
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line:
                continue
            try:
                fr = parse_5424(line)
            except Bad as e:
                fail("%s:%d: not RFC 5424 (%s): %.120s" % (path, n, e, line))
                continue
            if fr["app"] == PROBE_APP:
                continue
            fr["where"] = "%s:%d" % (path, n)
            fr["raw"] = line
            out.append(fr)
    return out


def match_body(fr, events, by_canon, udp):
    """The JSON event a frame carries, or None (reported)."""
    body = fr["cef"].get("msg") if "cef" in fr else fr["msg"]
    if body is None:
        fail("%s: no JSON body" % fr["where"])
        return None
    try:
        obj = json.loads(body)
    except ValueError:
        # a datagram cut at the UDP limit: find it by its beginning
        hits = [e for e in events if e[3].startswith(body)]
        if udp and len(fr["raw"].encode()) >= 7999 and len(hits) == 1:
            print("  note: %s: %s event cut at the UDP limit, matched "
                  "by prefix" % (fr["where"], hits[0][0]))
            return hits[0]
        fail("%s: JSON body does not parse: %.100s" % (fr["where"], body))
        return None
    ev = by_canon.get(canon(obj))
    if ev is None:
        # trimmed to max_message_size: optional fields dropped, the rest
        # as written; the first event it is a part of that this transport
        # has not carried yet
        taken = fr.get("taken", set())
        hits = [e for e in events if subset(obj, e[1])]
        free = [e for e in hits if e[2] not in taken]
        if hits and len(fr["raw"].encode()) <= fr.get("max", 2048):
            ev = (free or hits)[0]
            TRIMMED[0] += 1
    if ev is None:
        fail("%s: a %s event tlsfloor's JSON output does not have"
             % (fr["where"], evtype(obj)))
    return ev


TRIMMED = [0]


def subset(part, whole):
    """part is whole with some object members left out."""
    if isinstance(part, dict):
        return isinstance(whole, dict) and all(
            k in whole and subset(v, whole[k]) for k, v in part.items())
    return part == whole


def check_header(fr, ev, pid, hostname):
    where = fr["where"]
    typ, obj = ev[0], ev[1]
    if fr["pri"] >> 3 != FACILITY:
        fail("%s: facility %d, want %d" % (where, fr["pri"] >> 3, FACILITY))
    sev = jget(obj, "event.severity")
    if sev is not None and fr["pri"] & 7 != sev:
        fail("%s: severity %d, event.severity %d" % (where, fr["pri"] & 7,
                                                      sev))
    if fr["msgid"] != typ:
        fail("%s: MSGID %s for a %s event" % (where, fr["msgid"], typ))
    if fr["app"] != "tlsfloor":
        fail("%s: APP-NAME %s" % (where, fr["app"]))
    if pid is not None and fr["procid"] != str(pid):
        fail("%s: PROCID %s, tlsfloor ran as %s" % (where, fr["procid"],
                                                     pid))
    if fr["host"] != hostname:
        fail("%s: HOSTNAME %s, want %s" % (where, fr["host"], hostname))
    try:
        us = rfc3339_us(fr["ts"])
        if not re.search(r"\.\d{6}Z$", fr["ts"]):
            fail("%s: TIMESTAMP %s without microseconds" % (where, fr["ts"]))
        at = jget(obj, "@timestamp")
        if at is not None and typ != "stats" and rfc3339_us(at) != us:
            fail("%s: TIMESTAMP %s, @timestamp %s" % (where, fr["ts"], at))
        fr["us"] = us
    except Bad as e:
        fail("%s: %s" % (where, e))


# Structured data seen with the issue-17 fields, per transport: a check
# that found none proves nothing.
ISSUE17 = ("community_id", "cleartext_credentials=true", "client_software")
SEEN17 = collections.Counter()


def check_sd(fr, ev):
    want = expected_sd(ev[1])
    for k in ISSUE17:
        name, _, val = k.partition("=")
        if name in fr["sd"] and (not val or fr["sd"][name] == val):
            SEEN17[k] += 1
    if not want:
        if fr["sdid"] is not None:
            fail("%s: SD element without key fields" % fr["where"])
        return
    if fr["sdid"] != SDID:
        fail("%s: SD-ID %s, want %s" % (fr["where"], fr["sdid"], SDID))
    if fr["sd"] != want:
        diff = {k: (fr["sd"].get(k), want.get(k))
                for k in set(fr["sd"]) | set(want)
                if fr["sd"].get(k) != want.get(k)}
        fail("%s: structured data differs (got, want): %s"
             % (fr["where"], diff))


def check_cef(fr, ev, version):
    where, typ, obj = fr["where"], ev[0], ev[1]
    head, ext = fr["cefhead"], fr["cef"]
    if fr["sdid"] is not None:
        fail("%s: CEF frame with structured data" % where)
    if head[:3] != ["0", "tlsfloor", "tlsfloor"]:
        fail("%s: CEF header %s" % (where, head[:3]))
    if version is not None and head[3] != version:
        fail("%s: CEF version %s, tlsfloor -V says %s" % (where, head[3],
                                                           version))
    kf = expected_sd(obj)
    sig = typ + (":" + kf["reason"] if "reason" in kf else "")
    if head[4] != sig:
        fail("%s: CEF signature %s, want %s" % (where, head[4], sig))
    if not head[5]:
        fail("%s: CEF name empty" % where)
    if head[6] != str(CEF_SEVERITY[fr["pri"] & 7]):
        fail("%s: CEF severity %s for syslog severity %d"
             % (where, head[6], fr["pri"] & 7))
    want = {}
    if fr.get("us"):
        want["rt"] = str(fr["us"] // 1000)
    for name, v4, v6 in (("client_ip", "src", "c6a2"),
                         ("server_ip", "dst", "c6a3")):
        if name in kf:
            want[v6 if ":" in kf[name] else v4] = kf[name]
    if ":" in kf.get("client_ip", ""):
        want["c6a2Label"] = "Source IPv6 Address"
    if ":" in kf.get("server_ip", ""):
        want["c6a3Label"] = "Destination IPv6 Address"
    for name, key in (("client_port", "spt"), ("server_port", "dpt"),
                      ("protocol", "app"), ("reason", "reason"),
                      ("outcome", "outcome"), ("count", "cnt")):
        if name in kf:
            want[key] = kf[name]
    if "client_port" in kf or "server_port" in kf:
        want["proto"] = "TCP"
    for key, label, name in CEF_CS:
        if name in kf:
            want[key] = kf[name]
            want[key + "Label"] = label
    got = {k: v for k, v in ext.items() if k != "msg"}
    if got != want:
        diff = {k: (got.get(k), want.get(k)) for k in set(got) | set(want)
                if got.get(k) != want.get(k)}
        fail("%s: CEF extensions differ (got, want): %s" % (where, diff))


def transport(name, path, events, pid, hostname, version, required):
    by_canon = {}
    for ev in events:
        by_canon.setdefault(ev[2], ev)
    frames = read_frames(path)
    seen = collections.Counter()
    types = collections.Counter()
    for fr in frames:
        if name == "cef":
            try:
                fr["cefhead"], fr["cef"] = parse_cef(fr["msg"] or "")
            except Bad as e:
                fail("%s: %s" % (fr["where"], e))
                continue
        fr["taken"] = seen
        if name == "udp":
            # RFC 5426 3.2 and the udp default max_message_size
            fr["max"] = 2048
            if len(fr["raw"].encode()) > 2048:
                fail("%s: a %d-byte datagram, over 2048"
                     % (fr["where"], len(fr["raw"].encode())))
        else:
            fr["max"] = 8192
        ev = match_body(fr, events, by_canon, name == "udp")
        if ev is None:
            continue
        seen[ev[2]] += 1
        types[ev[0]] += 1
        check_header(fr, ev, pid, hostname)
        if name == "cef":
            check_cef(fr, ev, version)
        else:
            check_sd(fr, ev)
    # a type that arrives at all must arrive whole; alerts must arrive
    forwarded = set(types) | set(required)
    for ev in events:
        if ev[0] in forwarded and seen[ev[2]] != 1:
            fail("%s: %s event %s received %d times, want 1"
                 % (name, ev[0], ev[2][:120], seen[ev[2]]))
    print("  %s: %d messages: %s; %d trimmed to fit" % (
        name, len(frames), ", ".join("%d %s" % (n, t) for t, n in
                                     sorted(types.items())), TRIMMED[0]))
    TRIMMED[0] = 0
    if name != "cef":
        print("  %s: structured data with %s" % (name, ", ".join(
            "%s %d" % (k, SEEN17[k]) for k in ISSUE17)))
        for k in ISSUE17:
            if SEEN17[k] == 0:
                fail("%s: no structured data with %s" % (name, k))
        SEEN17.clear()
    return forwarded


def cmd_run1(a):
    events = load_events(a.json)
    kinds = collections.Counter(ev[0] for ev in events)
    print("  tlsfloor wrote %d events: %s" % (len(events), ", ".join(
        "%d %s" % (n, t) for t, n in sorted(kinds.items()))))
    if kinds["alert"] == 0:
        fail("%s: no alert events: nothing to check" % a.json)
    required = {t for t in ("alert", "alert_summary") if kinds[t]}
    hostname = clean_token(socket.gethostname(), 255)
    fwd = None
    for name in ("udp", "tcp", "cef"):
        path = getattr(a, name)
        if path:
            f = transport(name, path, events, a.pid, hostname, a.version,
                          required)
            if name == "tcp":
                fwd = f
    if a.types_out and fwd is not None:
        with open(a.types_out, "w") as f:
            f.write(",".join(sorted(fwd)) + "\n")


def counters(path):
    c = {}
    with open(path, errors="replace") as f:
        for line in f:
            m = re.match(r"\s+(output\.remote\.\w+)\s+(\d+)\s*$", line)
            if m:
                c[m.group(1)] = int(m.group(2))
    return c


def cmd_run2(a):
    types = set(t for t in a.types.split(",") if t)
    events = load_events(a.json)
    raised = [ev for ev in events if ev[0] in types]
    by_canon = {ev[2]: ev for ev in raised}
    frames = read_frames(a.tcp)
    seen = collections.Counter()
    for fr in frames:
        ev = match_body(fr, raised, by_canon, False)
        if ev is not None:
            check_sd(fr, ev)
            seen[ev[2]] += 1
    dups = sum(n - 1 for n in seen.values() if n > 1)
    c = counters(a.stderr)
    if "output.remote.events" not in c:
        fail("%s: no output.remote.events counter (tlsfloor -v)" % a.stderr)
    # 0 is not printed
    produced = c.get("output.remote.events", 0)
    dropped = c.get("output.remote.dropped", 0)
    failed = c.get("output.remote.failed", 0)
    sent = c.get("output.remote.sent", 0)
    print("  raised %d (%s), received %d (%d distinct, %d twice); "
          "events %d = sent %d + dropped %d + failed %d"
          % (len(raised), ",".join(sorted(types)), len(frames), len(seen),
             dups, produced, sent, dropped, failed))
    # every event handed to the collector accounted for, at exit
    if produced != sent + dropped + failed:
        fail("output.remote.events %d != sent %d + dropped %d + failed %d"
             % (produced, sent, dropped, failed))
    if produced != len(raised):
        fail("output.remote.events %d, but tlsfloor raised %d"
             % (produced, len(raised)))
    if len(seen) + dropped + failed != len(raised):
        fail("received %d + dropped %d + failed %d != raised %d"
             % (len(seen), dropped, failed, len(raised)))
    if dups:
        fail("%d events arrived twice" % dups)
    if sent != len(frames):
        fail("output.remote.sent %d, but rsyslog got %d" % (sent,
                                                             len(frames)))
    if dropped + failed == 0:
        print("  note: nothing was dropped (the queue never filled)")
    if a.after_packet:
        late = [ev for ev in raised if ev[0] == "alert" and
                (jget(ev[1], "tlsfloor.pcap.packet") or 0) >= a.after_packet]
        got = [ev for ev in late if seen[ev[2]]]
        print("  %d of the %d alerts raised after the restart delivered"
              % (len(got), len(late)))
        if late and not got:
            fail("no alert raised after the collector came back was "
                 "delivered: did tlsfloor retry the connection while it "
                 "ran (remote_poll() on real time, also under -r -)?")


def cmd_accounts(a):
    events = load_events(a.json)
    stats = [ev for ev in events if ev[0] == "stats"]
    if not stats:
        fail("%s: no stats event" % a.json)
        return
    remotes = jget(stats[-1][1], "tlsfloor.remotes") or []
    for spec in a.remote:
        i, rule = spec.split(":")
        i = int(i)
        if i >= len(remotes):
            fail("remote %d: not in the final stats event" % i)
            continue
        r = remotes[i]
        print("  remote %d %s: events %d = sent %d + acknowledged %d + "
              "dropped %d + failed %d (queued %d); tls_failures %d, "
              "errors %d"
              % (i, r["name"], r["events"], r["sent"], r["acknowledged"],
                 r["dropped"], r["failed"], r["queued"], r["tls_failures"],
                 r["errors"]))
        delivered = r["sent"] + r["acknowledged"]
        if r["events"] != delivered + r["dropped"] + r["failed"] or \
                r["queued"] != 0:
            fail("remote %d: events %d != sent + acknowledged + dropped + "
                 "failed %d, or %d still queued"
                 % (i, r["events"], delivered + r["dropped"] + r["failed"],
                    r["queued"]))
        if r["events"] == 0:
            fail("remote %d: no events: nothing was tested" % i)
        if rule == "all" and (delivered != r["events"] or r["failed"]):
            fail("remote %d: %d of %d events delivered"
                 % (i, delivered, r["events"]))
        if rule == "refused" and (r["sent"] or r["tls_failures"] == 0 or
                                  r["failed"] + r["dropped"] !=
                                  r["events"]):
            fail("remote %d: a collector that must be refused: sent %d, "
                 "tls_failures %d" % (i, r["sent"], r["tls_failures"]))
        if rule in ("counted", "every"):
            types = set(a.types.split(","))
            # the final stats event itself went after its own count
            raised = [ev for ev in events if ev[0] in types][:-1] \
                if "stats" in types else \
                [ev for ev in events if ev[0] in types]
            by_canon = {ev[2]: ev for ev in raised + stats[-1:]}
            seen = collections.Counter()
            for fr in read_frames(a.received):
                fr["taken"] = seen
                fr["max"] = 8192
                ev = match_body(fr, raised + stats[-1:], by_canon, False)
                if ev is not None:
                    seen[ev[2]] += 1
            got = sum(1 for ev in raised if seen[ev[2]])
            twice = sum(n - 1 for n in seen.values() if n > 1)
            lost = delivered - got
            if rule == "every":
                # RELP: every event arrives, however the relay died
                print("  remote %d: %d raised, %d received (%d twice)"
                      % (i, len(raised), got, twice))
                if got != len(raised) or r["dropped"] or r["failed"]:
                    fail("remote %d: %d of %d events arrived (dropped "
                         "%d, failed %d)" % (i, got, len(raised),
                                             r["dropped"], r["failed"]))
                continue
            print("  remote %d: %d raised, %d received, so %d acknowledged "
                  "by the collector's TCP and lost with it"
                  % (i, len(raised), got, lost))
            if r["events"] != len(raised):
                fail("remote %d: events %d, but %d raised"
                     % (i, r["events"], len(raised)))
            if lost < 0:
                fail("remote %d: received %d, more than sent %d"
                     % (i, got, r["sent"]))


def cmd_probe(a):
    msg = "<13>1 - - %s - %s - probe\n" % (PROBE_APP, a.id)
    if a.udp:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.sendto(msg.rstrip("\n").encode(), ("127.0.0.1", a.udp))
        s.close()
    for port in (a.tcp.split(",") if a.tcp else []):
        body = msg.rstrip("\n").encode()
        try:
            s = socket.create_connection(("127.0.0.1", int(port)), 1)
            s.sendall(b"%d %s" % (len(body), body))
            s.close()
        except OSError:
            pass
    return 0


def cmd_seen(a):
    try:
        with open(a.file, errors="replace") as f:
            pat = " %s - %s - " % (PROBE_APP, a.id)
            return 0 if any(pat in line for line in f) else 1
    except OSError:
        return 1


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("probe")
    p.add_argument("--udp", type=int)
    p.add_argument("--tcp")
    p.add_argument("id")
    p = sub.add_parser("seen")
    p.add_argument("file")
    p.add_argument("id")
    p = sub.add_parser("run1")
    p.add_argument("--json", required=True)
    p.add_argument("--pid", type=int)
    p.add_argument("--udp")
    p.add_argument("--tcp")
    p.add_argument("--cef")
    p.add_argument("--version")
    p.add_argument("--types-out")
    p = sub.add_parser("run2")
    p.add_argument("--json", required=True)
    p.add_argument("--tcp", required=True)
    p.add_argument("--stderr", required=True)
    p.add_argument("--types", required=True)
    p.add_argument("--after-packet", type=int)
    p = sub.add_parser("accounts")
    p.add_argument("--json", required=True)
    p.add_argument("--remote", action="append", required=True)
    p.add_argument("--received")
    p.add_argument("--types", default="alert,alert_summary,stats")
    a = ap.parse_args()
    if a.cmd == "probe":
        return cmd_probe(a)
    if a.cmd == "seen":
        return cmd_seen(a)
    {"run1": cmd_run1, "run2": cmd_run2, "accounts": cmd_accounts}[a.cmd](a)
    for e in errors[:50]:
        print("  FAIL " + e)
    if len(errors) > 50:
        print("  ... and %d more" % (len(errors) - 50))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
