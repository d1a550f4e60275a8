#!/bin/sh
# layers.sh -- the dependency graph of src/, and a check that it has no cycle.
#
# Usage: build-aux/layers.sh [-v] [srcdir [floors]]   (after make: src/*.o)
#
# A module is a source file and its header (flow.c + flow.h = "flow");
# header-only files (reader.h, caps.h) are modules too.  Module A depends
# on module B when
#   - a file of A includes B's header (#include "b.h"), or
#   - A's object file calls or reads a symbol B's object file defines
#     (nm: undefined in a.o, defined in b.o).
# The check fails, naming the modules of a loop, when the graph has a
# cycle.  Otherwise it prints the modules floor by floor: floor 0 depends
# on nothing of ours, a module on floor n only on lower floors.  -v also
# prints each module's direct dependencies.
#
# Then the named floors of doc/design.md (build-aux/floors.txt: a name and
# its modules per line, top first) are held against the graph: the check
# fails when a module is on no line, or depends on a module of a higher
# line -- so the map a newcomer reads first stays the code's.
set -eu

verbose=0
if [ "${1:-}" = "-v" ]; then
	verbose=1
	shift
fi
src=${1:-src}
floors=${2:-$(dirname "$0")/floors.txt}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

mod() {
	b=${1##*/}
	echo "${b%.*}"
}

# Every module, so that one without edges still shows.
for f in "$src"/*.c "$src"/*.h; do
	mod "$f"
done | sort -u >"$tmp/mods"

# Include edges.
for f in "$src"/*.c "$src"/*.h; do
	m=$(mod "$f")
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)\.h".*/\1/p' "$f" |
	while read -r h; do
		[ "$h" = "$m" ] || echo "$m $h"
	done
done >"$tmp/edges"

# Link edges: who defines what, then who uses it.
set -- "$src"/*.o
if [ ! -e "$1" ]; then
	echo "layers: no object files in $src (run make first)" >&2
	exit 2
fi
# (an object whose source is gone is a leftover of an older tree)
for o in "$src"/*.o; do
	m=$(mod "$o")
	[ -e "$src/$m.c" ] || continue
	nm -P "$o" | awk -v m="$m" '$2 ~ /^[TDBRCV]$/ { print $1, m }'
done | sort -u >"$tmp/defs"
for o in "$src"/*.o; do
	m=$(mod "$o")
	[ "$m" = main ] && continue
	[ -e "$src/$m.c" ] || continue
	nm -P "$o" | awk -v m="$m" '$2 == "U" { print $1, m }'
done | sort -u >"$tmp/uses"
# main.o defines main() only; it uses everything and nothing uses it.
o="$src/main.o"
if [ -e "$o" ]; then
	nm -P "$o" | awk '$2 == "U" { print $1, "main" }' | sort -u >>"$tmp/uses"
	sort -u -o "$tmp/uses" "$tmp/uses"
fi
join "$tmp/uses" "$tmp/defs" | awk '$2 != $3 { print $2, $3 }' >>"$tmp/edges"
sort -u -o "$tmp/edges" "$tmp/edges"

# tsort lists a loop on stderr; its order is reversed below.
if ! tsort "$tmp/edges" >"$tmp/order" 2>"$tmp/loop"; then
	echo "layers: the dependency graph of $src has a cycle:" >&2
	sed -n 's/^tsort: //p' "$tmp/loop" | grep -v 'input contains a loop' |
	    tr '\n' ' ' | sed 's/ $/\n/' >&2
	echo "layers: (a module on this list depends, through the others," \
	    "on itself; see build-aux/layers.sh -v)" >&2
	exit 1
fi

# Floors: the longest path down from each module.
awk -v verbose="$verbose" '
FILENAME == ARGV[1] { all[$1] = 1; next }
FILENAME == ARGV[2] { dep[$1] = dep[$1] " " $2; all[$1] = 1; all[$2] = 1; next }
{ order[n++] = $1 }
END {
	# tsort prints users before what they use: walk it backwards.
	for (i = n - 1; i >= 0; i--) {
		m = order[i]; f = 0
		k = split(dep[m], d, " ")
		for (j = 1; j <= k; j++)
			if (floor[d[j]] + 1 > f) f = floor[d[j]] + 1
		floor[m] = f; done[m] = 1
		if (f > top) top = f
	}
	for (m in all) if (!(m in done)) floor[m] = 0
	for (f = 0; f <= top; f++) {
		line = ""
		for (m in all) if (floor[m] == f) line = line " " m
		k = split(line, w, " ")
		# sort the names of a floor
		for (a = 1; a <= k; a++) for (b = a + 1; b <= k; b++)
			if (w[b] < w[a]) { t = w[a]; w[a] = w[b]; w[b] = t }
		printf "floor %2d:", f
		for (a = 1; a <= k; a++) printf " %s", w[a]
		printf "\n"
		if (verbose)
			for (a = 1; a <= k; a++) {
				ds = dep[w[a]]; sub(/^ /, "", ds)
				printf "          %-14s -> %s\n", w[a], ds == "" ? "-" : ds
			}
	}
}' "$tmp/mods" "$tmp/edges" "$tmp/order"
echo "layers: no cycle among $(wc -l <"$tmp/mods") modules of $src" \
    "($(wc -l <"$tmp/edges") include and link dependencies)"

[ -r "$floors" ] || exit 0
awk -v floors="$floors" '
FILENAME == floors {
	if ($0 ~ /^[[:space:]]*(#|$)/) next
	rank[$1] = ++n
	for (i = 2; i <= NF; i++) {
		if ($i in on) {
			printf "layers: %s: %s is on two floors\n", floors, \
			    $i > "/dev/stderr"
			bad = 1
		}
		on[$i] = $1
	}
	next
}
FILENAME == ARGV[2] { mods[$1] = 1; next }
{
	if (!($1 in on) || !($2 in on)) next	# said below, once per module
	if (rank[on[$2]] < rank[on[$1]]) {
		printf "layers: %s (%s) depends on %s, on the higher " \
		    "floor %s\n", $1, on[$1], $2, on[$2] > "/dev/stderr"
		bad = 1
	}
}
END {
	for (m in mods) if (!(m in on)) {
		printf "layers: %s is on no floor of %s\n", m, \
		    floors > "/dev/stderr"
		bad = 1
	}
	if (bad) exit 1
	printf "layers: every dependency keeps to the %d named floors of %s\n", n, floors
}' "$floors" "$tmp/mods" "$tmp/edges" || exit 1
