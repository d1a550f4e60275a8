#!/bin/sh
# tests/layers/run.sh -- build-aux/layers.sh finds what it is there to find:
# a cycle made by includes, a cycle made only by calls, a module above its
# named floor, a module on no floor; and passes a one-way tree.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
layers=$top/build-aux/layers.sh
CC=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
pass=0

# A tree of modules: name:include,include:call,call
tree() {	# dir spec...
	d=$1
	shift
	mkdir -p "$d"
	for spec in "$@"; do
		echo "void ${spec%%:*}_fn(void);" >"$d/${spec%%:*}.h"
	done
	for spec in "$@"; do
		m=${spec%%:*}
		rest=${spec#*:}
		incs=${rest%%:*}
		calls=${rest#*:}
		{
			echo "#include \"$m.h\""
			for i in $(echo "$incs" | tr ',' ' '); do
				echo "#include \"$i.h\""
			done
			for c in $(echo "$calls" | tr ',' ' '); do
				echo "void ${c}_fn(void);"
			done
			echo "void ${m}_fn(void) {"
			for c in $(echo "$calls" | tr ',' ' '); do
				echo "	${c}_fn();"
			done
			echo "}"
		} >"$d/$m.c"
		$CC -c -o "$d/$m.o" "$d/$m.c"
	done
}

expect() {	# rc what pattern -- command...
	want=$1 what=$2 pat=$3
	shift 4
	set +e
	"$@" >"$tmp/out" 2>&1
	rc=$?
	set -e
	if [ "$rc" -eq "$want" ] && grep -q -- "$pat" "$tmp/out"; then
		pass=$((pass + 1))
	else
		echo "layers test: $what: exit $rc (want $want), output:" >&2
		sed 's/^/    /' "$tmp/out" >&2
		fail=$((fail + 1))
	fi
}

# one way: a -> b -> c
tree "$tmp/ok" a:b:b b:c:c c::
printf 'hi a\nmid b\nlow c\n' >"$tmp/ok.floors"
expect 0 "a one-way tree" "no cycle among 3 modules" -- \
    "$layers" "$tmp/ok" "$tmp/ok.floors"
expect 0 "its floors" "keeps to the 3 named floors" -- \
    "$layers" "$tmp/ok" "$tmp/ok.floors"
expect 0 "its floors printed" "floor  2: a" -- \
    "$layers" "$tmp/ok" "$tmp/ok.floors"

# a cycle through includes only (b includes a.h, nothing calls up)
tree "$tmp/inc" a:b:b b:a: c::
expect 1 "an include cycle" "has a cycle" -- "$layers" "$tmp/inc" "$tmp/none"
expect 1 "its members named" "a" -- "$layers" "$tmp/inc" "$tmp/none"

# a cycle through calls only (no header names the other)
tree "$tmp/call" a::b b::c c::a
expect 1 "a call cycle" "has a cycle" -- "$layers" "$tmp/call" "$tmp/none"

# a module above its floor, one on no floor
printf 'hi b\nmid a\nlow c\n' >"$tmp/up.floors"
expect 1 "a dependency going up" "a (mid) depends on b, on the higher" -- \
    "$layers" "$tmp/ok" "$tmp/up.floors"
printf 'hi a\nlow c\n' >"$tmp/miss.floors"
expect 1 "a module on no floor" "b is on no floor" -- \
    "$layers" "$tmp/ok" "$tmp/miss.floors"
printf 'hi a b\nlow c b\n' >"$tmp/two.floors"
expect 1 "a module on two floors" "b is on two floors" -- \
    "$layers" "$tmp/ok" "$tmp/two.floors"

# no objects: refuses to say "no cycle"
mkdir -p "$tmp/empty"
cp "$tmp/ok/a.c" "$tmp/ok/a.h" "$tmp/empty/"
expect 2 "no object files" "no object files" -- "$layers" "$tmp/empty"

echo "layers: $pass checks passed, $fail failed"
[ "$fail" -eq 0 ]
