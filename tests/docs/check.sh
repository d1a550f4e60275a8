#!/bin/sh
# check.sh -- the documentation stays true to the program:
#   * every option --help lists is in tlsfloor(8), and every option
#     tlsfloor(8) documents is in --help;
#   * both man pages pass mandoc -Tlint with no warnings;
#   * the shipped conf/tlsfloor.yaml loads, and --check-config asks only
#     for capture.interfaces;
#   * make install DESTDIR=... puts everything where the unit file and
#     the man page say, and uninstall leaves the operator's config.
# (tests/unit/check_config_yaml.c checks that every key of the YAML
# schema is in tlsfloor.yaml(5) and in the shipped file.)
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
bin=${TLSFLOOR:-src/tlsfloor}
fail=0

help=$("$bin" --help)
# long options in --help: "--name"; short: "-x," at the start of a line
helplong=$(printf '%s\n' "$help" | grep -o -- '--[a-z][a-z-]*' | sort -u)
helpshort=$(printf '%s\n' "$help" | sed -n 's/^ *-\([a-zA-Z]\),.*/\1/p' | sort -u)
# in mdoc: ".It Fl x , Fl \-name" and ".Op Fl \-name"
manlong=$(grep -o 'Fl \\-[a-z][a-z\\-]*' man/tlsfloor.8 | sed 's/Fl \\-/--/; s/\\-/-/g' | sort -u)
manshort=$(sed -n 's/^\.It Fl \([a-zA-Z]\)\( ,.*\)\{0,1\}$/\1/p' man/tlsfloor.8 | sort -u)

for o in $helplong; do
	printf '%s\n' "$manlong" | grep -qx -- "$o" ||
	    { echo "FAIL docs: $o is in --help but not in man/tlsfloor.8"; fail=1; }
done
for o in $manlong; do
	printf '%s\n' "$helplong" | grep -qx -- "$o" ||
	    { echo "FAIL docs: $o is in man/tlsfloor.8 but not in --help"; fail=1; }
done
for o in $helpshort; do
	printf '%s\n' "$manshort" | grep -qx -- "$o" ||
	    { echo "FAIL docs: -$o is in --help but not in man/tlsfloor.8"; fail=1; }
done
for o in $manshort; do
	printf '%s\n' "$helpshort" | grep -qx -- "$o" ||
	    { echo "FAIL docs: -$o is in man/tlsfloor.8 but not in --help"; fail=1; }
done

for m in man/tlsfloor.8 man/tlsfloor.yaml.5; do
	if command -v mandoc >/dev/null 2>&1; then
		out=$(mandoc -Tlint -W warning "$m" 2>&1) ||
		    { echo "FAIL docs: mandoc -Tlint $m:"; echo "$out"; fail=1; }
	else
		echo "FAIL docs: mandoc is not installed (apt-get install mandoc)"
		fail=1
	fi
done

# Shipped with no interface: it loads, and -n asks for capture.interfaces
# (tests/startup checks that it passes once one is set).
out=$("$bin" -n -c conf/tlsfloor.yaml 2>&1)
case "$?:$out" in
"2:tlsfloor: nothing to read: set capture.interfaces in conf/tlsfloor.yaml"*) ;;
*)	echo "FAIL docs: conf/tlsfloor.yaml: -n says: $out"; fail=1 ;;
esac

stage=$(mktemp -d /tmp/tlsfloor-install.XXXXXX)
trap 'rm -rf "$stage"' EXIT
if make -s install DESTDIR="$stage" prefix=/usr sysconfdir=/etc \
    sbindir=/usr/sbin mandir=/usr/share/man >"$stage.log" 2>&1; then
	for f in usr/sbin/tlsfloor usr/share/man/man8/tlsfloor.8 \
	    usr/share/man/man5/tlsfloor.yaml.5 etc/tlsfloor/tlsfloor.yaml \
	    usr/lib/systemd/system/tlsfloor.service; do
		[ -s "$stage/$f" ] ||
		    { echo "FAIL docs: make install left no $f"; fail=1; }
	done
	# (with input to read: the shipped file names no interface)
	"$stage/usr/sbin/tlsfloor" -n -c "$stage/etc/tlsfloor/tlsfloor.yaml" \
	    -r pcaps/imap-starttls-tls1_0.pcap >/dev/null ||
	    { echo "FAIL docs: the installed binary refuses the installed config"; fail=1; }
	grep -q '^ExecStart=/usr/sbin/tlsfloor .*-c /etc/tlsfloor/tlsfloor.yaml' \
	    "$stage/usr/lib/systemd/system/tlsfloor.service" ||
	    { echo "FAIL docs: tlsfloor.service does not run the installed paths"; fail=1; }
	if grep -q '@[A-Z]*@' "$stage/usr/lib/systemd/system/tlsfloor.service"; then
		echo "FAIL docs: tlsfloor.service keeps a placeholder"; fail=1
	fi
	echo "# edited" >>"$stage/etc/tlsfloor/tlsfloor.yaml"
	make -s install DESTDIR="$stage" prefix=/usr sysconfdir=/etc \
	    sbindir=/usr/sbin mandir=/usr/share/man >>"$stage.log" 2>&1
	tail -n 1 "$stage/etc/tlsfloor/tlsfloor.yaml" | grep -qx '# edited' ||
	    { echo "FAIL docs: make install replaced an existing config"; fail=1; }
	make -s uninstall DESTDIR="$stage" prefix=/usr sysconfdir=/etc \
	    sbindir=/usr/sbin mandir=/usr/share/man >>"$stage.log" 2>&1
	left=$(cd "$stage" && find . -type f | sort | tr '\n' ' ')
	[ "$left" = "./etc/tlsfloor/tlsfloor.yaml " ] ||
	    { echo "FAIL docs: after uninstall: $left"; fail=1; }
else
	echo "FAIL docs: make install DESTDIR failed:"; cat "$stage.log"; fail=1
fi
rm -f "$stage.log"

n=$(printf '%s\n' "$helplong" | wc -l)
[ $fail -eq 0 ] && echo "docs: $n long options in step between --help and tlsfloor(8); man pages lint-clean; shipped config valid; install/uninstall staged"
exit $fail
