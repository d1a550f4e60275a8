#!/bin/bash
# run.sh -- "tlsfloor report --html" in a real browser.
#
# The sample database (tests/report/build.sh: the sample captures on their
# own day, the legacy ones again on the six days before, two sensors, an
# exception expiring within 14 days) plus two sessions whose SNI is markup
# and an exception owner and a program name (client_software) that are
# markup, then:
#
#   * the page is self-contained (check.py static): nothing that fetches,
#     no http(s) reference, one inline script; a row per record, the
#     worst record of the CSV among the first rows; hostile strings are
#     table text; the headline's clients that sent credentials in the
#     clear (per protocol), each record's clear-text mechanisms and its
#     program name agree with the CSV (check.py, also on the DOM);
#   * headless Chromium, in a network namespace of its own with no
#     network (unshare -n), renders it: --dump-dom has both charts (svg
#     with title and desc) and the hostile strings as text, no element
#     they could have made (check.py dom); --screenshot gives a 1280-wide
#     PNG; a copy with tests/report/probe.js shows the charts and the
#     worst client's row inside the first 1000 pixels, the script ran;
#     it prints to a PDF of several pages;
#   * with JavaScript off the table is complete and the controls hidden;
#   * the trend: legacy sessions per day fall over the six days;
#   * 2300 records: the table holds the 2000 worst, truly the worst.
#
# Skipped (77), and said so, without chromium or unshare.
# usage: tests/report/run.sh [TLSFLOOR]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
bin=${1:-src/tlsfloor}
case $bin in /*) ;; *) bin=$top/$bin ;; esac
pass=0 fail=0
ok() { echo "ok report: $1"; pass=$((pass + 1)); }
no() { echo "FAIL report: $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | head -20; fail=$((fail + 1)); }
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ] || ! unshare -n true 2>/dev/null; then
	echo "report: skipped: needs chromium (Debian package chromium) and unshare -n"
	exit 77
fi
T=$(mktemp -d /tmp/tlsfloor-report.XXXXXX)
trap 'rm -rf "$T"' EXIT
AT="--at 2026-11-29"

python3 tests/report/sample.py hostile "$T/hostile.pcap"
tests/report/build.sh "$bin" "$T" "$T/hostile.pcap" 2>"$T/build.err" ||
	{ no "building the sample database" "$(cat "$T/build.err")"; exit 1; }
sqlite3 "$T/report.db" "UPDATE records SET exception_owner = '\"><img src=x onerror=alert(3)>', exception_expires = '2026-12-01' WHERE client = '10.66.0.1';
    UPDATE records SET client_software = '<svg onload=alert(4)>', client_software_source = 'ja4+ja3' WHERE client = '10.66.0.1'"
"$bin" report --db "$T/report.db" $AT --html "$T/report.html" --csv "$T/report.csv" 2>"$T/report.err" ||
	{ no "report --html exited non-zero" "$(cat "$T/report.err")"; exit 1; }

if out=$(python3 tests/report/check.py static "$T/report.html" "$T/report.csv"); then
	ok "self-contained page, $(wc -c <"$T/report.html") bytes: $out, hostile SNI, owner and program name as text"
else
	no "static checks" "$out"
fi

# Chromium with no network at all: a fetch could only fail.
chrome() {
	unshare -n -- "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --hide-scrollbars --no-first-run --disable-extensions \
	    --user-data-dir="$T/profile" "$@" 2>>"$T/chromium.err"
}
chrome --dump-dom --virtual-time-budget=2000 "file://$T/report.html" >"$T/dom.html"
if out=$(python3 tests/report/check.py dom "$T/dom.html" "$T/report.csv"); then
	ok "Chromium (no network) DOM: $out, hostile strings are text"
else
	no "Chromium DOM" "$out$(tail -5 "$T/chromium.err")"
fi

chrome --screenshot="$T/shot.png" --window-size=1280,2000 "file://$T/report.html" >/dev/null
size=$(python3 -c 'import struct,sys
d=open(sys.argv[1],"rb").read()
assert d[:8]==b"\x89PNG\r\n\x1a\n"
print("%dx%d" % struct.unpack(">II", d[16:24]))' "$T/shot.png" 2>/dev/null)
if [ "$size" = 1280x2000 ] && [ "$(wc -c <"$T/shot.png")" -gt 20000 ]; then
	ok "Chromium (no network) screenshot: $size PNG, $(wc -c <"$T/shot.png") bytes"
else
	no "screenshot: '$size'" "$(tail -5 "$T/chromium.err")"
fi

# Print (the @media print rules): a PDF with the page's text.
chrome --no-pdf-header-footer --print-to-pdf="$T/report.pdf" "file://$T/report.html" >/dev/null
# (the root page tree's /Count is the largest: every page)
pages=$(grep -ao '/Count [0-9]*' "$T/report.pdf" 2>/dev/null | cut -d' ' -f2 | sort -n | tail -1)
if [ "$(head -c 5 "$T/report.pdf" 2>/dev/null)" = "%PDF-" ] && [ "${pages:-0}" -ge 2 ]; then
	ok "print: a $pages-page PDF"
else
	no "print to PDF: '${pages:-}' pages" "$(tail -5 "$T/chromium.err")"
fi

# Where things are: the probe, appended to a copy.
{ sed 's|</body></html>||' "$T/report.html"; printf '<script>'; cat tests/report/probe.js; printf '</script></body></html>\n'; } >"$T/probe.html"
chrome --dump-dom --window-size=1280,1000 --virtual-time-budget=2000 "file://$T/probe.html" >"$T/probe.dom"
probe=$(sed -n '/<pre id="probe">/,/<\/pre>/p' "$T/probe.dom")
worst=$(python3 -c 'import csv,sys; print(next(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")))["client"])' "$T/report.csv")
printf '%s\n' "$probe" >"$T/probe.txt"
if out=$(python3 - "$worst" "$T/probe.txt" <<'PY'
import re, sys
p = open(sys.argv[2]).read()
svg = [(int(b), int(h)) for b, h in re.findall(r"svg \d+ bottom (-?\d+) height (\d+)", p)]
row = int(re.search(r"worst-row bottom (-?\d+)", p).group(1))
client = re.search(r"worst-client (\S+)", p).group(1)
view = int(re.search(r"viewport (\d+)", p).group(1))
good = (len(svg) >= 2 and all(0 < b <= view and h >= 100 for b, h in svg)
        and 0 < row <= view and client == sys.argv[1] and "js-class js" in p)
print("charts end at %s px, the worst client's row (%s) at %d px of %d" %
      ("/".join(str(b) for b, h in svg), client, row, view))
sys.exit(0 if good else 1)
PY
); then
	ok "first screen: $out"
else
	no "first screen" "$out
$probe"
fi

# JavaScript off: the static table is the whole table.
# (--dump-dom needs scripts itself: the page's own script is cut out.)
sed 's|<script>.*</script>||' "$T/report.html" >"$T/nojs.html"
chrome --dump-dom "file://$T/nojs.html" >"$T/nojs.dom"
rows=$(python3 tests/report/check.py dom "$T/nojs.dom" | sed -n 's/.*svg, \([0-9]*\) rows/\1/p')
records=$(($(wc -l <"$T/report.csv") - 1))
if [ "$rows" = "$records" ] && ! grep -q '<script' "$T/nojs.dom" &&
    ! grep -q 'class="js"' "$T/nojs.dom"; then
	ok "without JavaScript: all $rows rows, the static table"
else
	no "without JavaScript: '$rows' rows of $records"
fi

# The trend chart's numbers: falling over the six days before the last.
trend=$(python3 - "$T/report.html" <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
t = page[page.index('id="trend-data"'):]
t = t[:t.index("</table>")]
rows = re.findall(r"<tr><td[^>]*>([0-9-]+)</td>"
                  r"<td[^>]*>(\d+)</td><td[^>]*>(\d+)</td><td[^>]*>(\d+)</td>", t)
print(" ".join("%s:%s/%s" % (d, l, c) for d, s, l, c in rows))
legacy = [int(l) for d, s, l, c in rows]
sys.exit(0 if len(legacy) == 7 and all(a > b for a, b in
         zip(legacy[:6], legacy[1:6])) else 1)
PY
)
if [ $? = 0 ]; then
	ok "trend: legacy sessions/clients per day $trend"
else
	no "trend data" "$trend"
fi

# --floor names the floor and colours the versions chart by it.
"$bin" report --db "$T/report.db" $AT --floor 1.3 --html "$T/f13.html"
if grep -q 'Floor: TLS 1.3 ' "$T/f13.html" && grep -q 'Floor: TLS 1.2 ' "$T/report.html" &&
    grep -q 'fill="#fdb863"><title>[a-z0-9]* [a-z]* TLS 1.2:' "$T/f13.html" &&
    ! grep -q 'fill="#fdb863"><title>' "$T/report.html"; then
	ok "--floor 1.3: named in the header, TLS 1.2 bars drawn as below the floor"
else
	no "--floor 1.3" "$(grep -o 'Floor: TLS [0-9.]*' "$T/f13.html")"
fi

# More records than the table shows: the worst 2000 whatever their order
# in the database -- 10.60.8.251 sorts last by address but has the most
# legacy sessions (four), so it leads the table.
S=pcaps/imaps-tls1_0.pcap
{ python3 tests/store/feed.py "$S" 0 2300 --header
  for _ in 1 2 3; do python3 tests/store/feed.py "$S" 2299 1; done; } >"$T/many.pcap"
"$bin" -q -r "$T/many.pcap" --inventory-db "$T/many.db" -o /dev/null &&
"$bin" report --db "$T/many.db" --at 2026-01-02 --html "$T/many.html" ||
	no "report of 2300 records exited non-zero"
many=$(python3 - "$T/many.html" <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
body = page[page.index('<table id="worst"'):]
body = body[:body.index("</table>")]
rows = re.findall(r"<tr data-p=", body)
first = re.search(r'<tr data-p="[^"]*" data-s="[^"]*"><td class="m">([^<]*)</td>', body).group(1)
note = re.search(r"The (\d+) worst of (\d+) records", page)
print(len(rows), first, note.group(1) if note else "-", note.group(2) if note else "-")
PY
)
if [ "$many" = "2000 10.60.8.251 2000 2300" ]; then
	ok "2300 records: the table holds the 2000 worst, led by the one sorting last by address with the most legacy sessions; the page says so"
else
	no "2300 records: rows, first client, note: $many"
fi

echo "report: $pass passed, $fail failed"
[ "$fail" = 0 ]
