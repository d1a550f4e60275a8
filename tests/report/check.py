#!/usr/bin/env python3
"""
check.py -- static checks of an HTML report (tests/report/run.sh):

  check.py static REPORT.html CSV
      nothing that fetches: no element with src/href/srcset/action, no
      <link>, <img>, <iframe>, <object>, <embed>, <base>, no url( in a
      style, one <script> without src, no "http://"/"https://" anywhere
      (the data has none); the hostile SNIs are text of table cells; every
      record of the CSV (up to 2000) has a row, the worst (the CSV's
      first, verdict order) among the first rows; the credentials and
      programs agree with the CSV (below).
  check.py dom DUMP.html [CSV]
      the same on what Chromium made of the page (--dump-dom): two charts
      (svg with <title> and <desc>), the hostile SNIs as text, no element
      the data could have made; with the CSV, the credentials and
      programs as the browser shows them:

  credentials and programs: the headline's "Clients that sent
  credentials in the clear" per protocol is the CSV's count of distinct
  clients with verdict cleartext_credentials; each record's row shows its
  clear-text mechanisms and session count, and its program name
  (client_software) above the JA4 -- as text, whatever the name holds.
"""
import csv
import html.parser
import sys

HOSTILE = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(2)>",
           "\"><img src=x onerror=alert(3)>", "<svg onload=alert(4)>"]
PROTOS = ["all", "pop3", "imap", "smtp", "tls"]
CLEAR = "cleartext_credentials"
FETCHING = {"link", "img", "iframe", "object", "embed", "base", "frame",
            "audio", "video", "source", "track", "image", "use"}


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.bad = []
        self.scripts = 0
        self.texts = []
        self.svg = 0
        self.svg_title = 0
        self.svg_desc = 0
        self.rows = []
        self.in_worst = False
        self.in_td = False
        self.cell = []
        self.row = None
        self.stack = []
        self.in_head = False
        self.head = []          # rows of the per-protocol headline
        self.prog = None        # the program name span of a cell
        self.progs = []         # every program name shown in the table

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)
        a = dict(attrs)
        for k, v in attrs:
            if k in ("src", "href", "srcset", "action", "formaction",
                     "xlink:href", "background", "poster", "data") or \
                    k.startswith("on"):
                self.bad.append("%s %s=%r" % (tag, k, v))
        if tag in FETCHING:
            self.bad.append("element <%s>" % tag)
        if tag == "script":
            self.scripts += 1
        if tag == "svg":
            self.svg += 1
        if tag == "title" and "svg" in self.stack[:-1]:
            self.svg_title += 1
        if tag == "desc":
            self.svg_desc += 1
        if tag == "table" and a.get("id") == "worst":
            self.in_worst = True
        if tag == "table" and a.get("id") == "headline":
            self.in_head = True
        if self.in_head and tag == "tr":
            self.head.append([])
        if self.in_worst and tag == "span" and a.get("class") == "prog":
            self.prog = []
        if self.in_worst and tag == "tr":
            self.row = []
        if self.in_worst and tag == "td":
            self.in_td = True
            self.cell = []

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop() != tag:
            pass
        if tag == "table" and self.in_worst:
            self.in_worst = False
        if tag == "table" and self.in_head:
            self.in_head = False
        if tag == "span" and self.prog is not None:
            self.progs.append("".join(self.prog))
            self.prog = None
        if self.in_worst and tag == "td" and self.row is not None:
            self.row.append("".join(self.cell))
            self.in_td = False
        if self.in_worst and tag == "tr" and self.row:
            self.rows.append(self.row)
            self.row = None

    def handle_data(self, data):
        self.texts.append(data)
        if self.in_td:
            self.cell.append(data)
        if self.prog is not None:
            self.prog.append(data)
        if self.in_head and self.head:
            self.head[-1].append(data)


def parse(path):
    p = Page()
    with open(path, encoding="utf-8") as f:
        raw = f.read()
    p.feed(raw)
    return p, raw


def common(p, raw, errs):
    if p.bad:
        errs.append("fetching markup: %s" % p.bad[:5])
    low = raw.lower()
    for s in ("http://", "https://", "url(", "@import"):
        if s in low:
            errs.append("%r in the page" % s)
    if p.svg < 2 or p.svg_title < 2 or p.svg_desc < 2:
        errs.append("charts: %d svg, %d titles, %d descs" %
                    (p.svg, p.svg_title, p.svg_desc))
    cells = [c for r in p.rows for c in r]
    for h in HOSTILE:
        if not any(h in c for c in cells):
            errs.append("hostile string not shown as text: %r" % h)


def credentials(p, recs, errs):
    """The clear-text credentials and program names against the CSV."""
    want = {q: set() for q in PROTOS}
    for r in recs:
        if r["verdict"] == CLEAR:
            want["all"].add(r["client"])
            want[r["protocol"]].add(r["client"])
    row = [h for h in p.head if h and
           h[0] == "Clients that sent credentials in the clear"]
    got = [int(x) for x in row[0][1:]] if row else None
    if got != [len(want[q]) for q in PROTOS]:
        errs.append("headline clear-text clients per protocol %s, the CSV "
                    "says %s" % (got, [len(want[q]) for q in PROTOS]))
    if len(want["all"]) == 0:
        errs.append("no clear-text credentials in the data: proves nothing")
    # The record's row: client, program, ..., credentials (7th cell).
    shown = sorted((r[0], r[6]) for r in p.rows if r[6])
    exp = sorted((r["client"], "%s%s session%s" % (
        r["cleartext_mechanisms"], r[CLEAR],
        "" if r[CLEAR] == "1" else "s")) for r in recs
        if r[CLEAR] != "0")
    if shown != exp:
        errs.append("credentials cells %s, the CSV says %s" %
                    (shown[:4], exp[:4]))
    names = sorted(n for n in p.progs)
    exp = sorted(r["client_software"] for r in recs if r["client_software"])
    # (the JA4 groups show names too: those of the table are a subset)
    missing = list(exp)
    for n in names:
        if n in missing:
            missing.remove(n)
    if missing or not exp:
        errs.append("program names not shown: %s (of %d)" % (missing[:3],
                                                               len(exp)))
    return "%d clear-text clients (%s), %d program names" % (
        len(want["all"]), " ".join("%s %d" % (q, len(want[q]))
                                   for q in PROTOS[1:]), len(exp))


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def main():
    errs = []
    if len(sys.argv) == 4 and sys.argv[1] == "static":
        p, raw = parse(sys.argv[2])
        common(p, raw, errs)
        if p.scripts != 1:
            errs.append("%d script elements (expected 1)" % p.scripts)
        recs = read_csv(sys.argv[3])
        if len(p.rows) != min(len(recs), 2000):
            errs.append("%d rows for %d records" % (len(p.rows), len(recs)))
        worst = recs[0]
        top = [(r[0], r[5]) for r in p.rows[:10]]
        # (the cell holds the verdict, then the status)
        if not any(c == worst["client"] and v.startswith(worst["verdict"])
                   for c, v in top):
            errs.append("worst record %s %s not among the first rows %s" %
                        (worst["client"], worst["verdict"], top))
        what = "%d rows, worst %s (%s), %s" % (
            len(p.rows), worst["client"], worst["verdict"],
            credentials(p, recs, errs))
    elif len(sys.argv) in (3, 4) and sys.argv[1] == "dom":
        p, raw = parse(sys.argv[2])
        common(p, raw, errs)
        what = "%d svg, %d rows" % (p.svg, len(p.rows))
        if len(sys.argv) == 4:
            what += ", " + credentials(p, read_csv(sys.argv[3]), errs)
    else:
        sys.exit(__doc__)
    if errs:
        print("\n".join(errs))
        sys.exit(1)
    print(what)


if __name__ == "__main__":
    main()
