# bench/lib.sh -- sourced by bench/run.sh (sh) and bench/live.sh (bash):
# the size helpers both use to name and read the generated captures.

# "2G" -> bytes (powers of 1024, as bench/gen reads them)
bytes_of() {
	printf '%s\n' "$1" | awk '{
		n = $0 + 0; s = toupper(substr($0, length($0)));
		if (s == "B") { s = toupper(substr($0, length($0) - 1, 1)) }
		m = s == "K" ? 1024 : s == "M" ? 1048576 : s == "G" ? 1073741824 : 1;
		printf "%.0f\n", n * m }'
}

# a size token for file names: 2G, 512M, or bytes
human() {
	awk -v b="$1" 'BEGIN {
		if (b % 1073741824 == 0) printf "%dG\n", b / 1073741824;
		else if (b % 1048576 == 0) printf "%dM\n", b / 1048576;
		else printf "%.0f\n", b }'
}

# bytes -> "2.01 GiB" / "80.4 MiB"
mib() {
	awk -v b="$1" 'BEGIN {
		if (b >= 1073741824) printf "%.2f GiB\n", b / 1073741824;
		else printf "%.1f MiB\n", b / 1048576 }'
}
