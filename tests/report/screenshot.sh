#!/bin/bash
# screenshot.sh -- doc/report.png (make screenshot): the HTML report of
# the sample database (tests/report/build.sh, report time 2026-11-29, a
# 14-day window so that the trend fills the chart) as
# headless Chromium draws its first 1280x1000 pixels, with no network;
# optimised with optipng when it is there.
#
# usage: tests/report/screenshot.sh TLSFLOOR OUT.png
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=$1 out=$2
case $bin in /*) ;; *) bin=$top/$bin ;; esac
T=$(mktemp -d /tmp/tlsfloor-shot.XXXXXX)
trap 'rm -rf "$T"' EXIT
"$top/tests/report/build.sh" "$bin" "$T" 2>"$T/build.err" ||
	{ cat "$T/build.err" >&2; exit 1; }
"$bin" report --db "$T/report.db" --at 2026-11-29 --window 14d \
    --html "$T/report.html"
unshare -n -- chromium --headless --no-sandbox --disable-gpu \
    --hide-scrollbars --no-first-run --user-data-dir="$T/profile" \
    --window-size=1280,1000 --screenshot="$T/report.png" \
    "file://$T/report.html" >/dev/null 2>"$T/chromium.err" ||
	{ tail -5 "$T/chromium.err" >&2; exit 1; }
if command -v optipng >/dev/null; then
	optipng -quiet -o3 -strip all "$T/report.png"
fi
mkdir -p "$(dirname "$out")"
cp "$T/report.png" "$out"
echo "$out: $(wc -c <"$out") bytes"
