#!/bin/sh
# run.sh -- check every row of the public corpus manifest (../shared/...).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
corpus=${TLSFLOOR_CORPUS:-$top/../shared/pcaps-public}
if [ ! -f "$corpus/MANIFEST.tsv" ]; then
	echo "corpus: $corpus/MANIFEST.tsv not found; skipping the public corpus" >&2
	echo "        (set TLSFLOOR_CORPUS to its directory)" >&2
	# under CI the corpus must be there: a run without it proves nothing
	[ -z "${CI:-}" ] || { echo "corpus: missing under CI" >&2; exit 1; }
	exit 0
fi
exec /usr/bin/env python3 "$top/tests/corpus/check_manifest.py" \
    "$top/src/tlsfloor" "$corpus"
