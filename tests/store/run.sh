#!/bin/bash
# run.sh -- the persistent inventory (--inventory-db, tlsfloor report) on
# real captures (pcaps/ and ../shared/pcaps-public):
#
#   * two runs over two halves of the captures give the same report as one
#     run over all of them;
#   * every (client, server, port, protocol, ja4) with a legacy session has
#     a legacy verdict, and its host in the roll-up too (check.py legacy);
#   * every record counts the sessions that sent credentials in the clear,
#     with their mechanisms, and reads cleartext_credentials exactly then;
#     it keeps the client_software the events name (check.py cleartext);
#     neither the user name nor the password reaches the database or a
#     report, even with privacy.log_user on;
#   * a run reading a stream that is killed with SIGKILL keeps every
#     session committed before the kill, the database stays sound, and the
#     next run adds to it;
#   * --inventory files come from the database; the report's filters and
#     errors;
#   * schema-2 (no days table) and schema-3 (no clear-text credentials)
#     databases are upgraded to 4, SQLite and PostgreSQL;
#   * PostgreSQL (a real server this script starts in a temporary directory
#     on a Unix socket, as the postgres user when run as root): three
#     sensors writing one database at once give the same report (CSV,
#     JSON, HTML, per-day rows) as three runs one after the other into
#     SQLite, a reader keeps writing across
#     a server restart, and one started while the server is down writes
#     once it is up.  Skipped, and said so, without the Debian
#     postgresql package.
#
# usage: tests/store/run.sh [TLSFLOOR]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
bin=${1:-src/tlsfloor}
case $bin in /*) ;; *) bin=$top/$bin ;; esac
T=$(mktemp -d /tmp/tlsfloor-store.XXXXXX)
feeder=
PGD=
cleanup() {
	[ -n "$feeder" ] && kill "$feeder" 2>/dev/null
	[ -n "$PGD" ] && as_pg "$PGBIN/pg_ctl" -D "$PGD/data" -m immediate stop >/dev/null 2>&1
	[ -n "$PGD" ] && rm -rf "$PGD"
	rm -rf "$T"
}
trap cleanup EXIT
pass=0 fail=0
ok() { echo "ok store: $1"; pass=$((pass + 1)); }
no() { echo "FAIL store: $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | head -20; fail=$((fail + 1)); }
AT="--at 2027-06-01"		# a fixed report time: reports comparable

files=()
for f in pcaps/*.pcap ../shared/pcaps-public/*.pcap; do
	[ -e "$f" ] && files+=("$f")
done
n=${#files[@]}
[ "$n" -ge 10 ] || { echo "store: too few captures ($n)"; exit 1; }
half=$((n / 2))
ra=(); rb=(); rall=()
for ((i = 0; i < n; i++)); do
	if ((i < half)); then ra+=(-r "${files[i]}"); else rb+=(-r "${files[i]}"); fi
	rall+=(-r "${files[i]}")
done

# --- two halves = one run ------------------------------------------------
"$bin" -q --all-tls "${ra[@]}" --inventory-db "$T/two.db" --sensor s1 -o /dev/null &&
"$bin" -q --all-tls "${rb[@]}" --inventory-db "$T/two.db" --sensor s1 -o /dev/null ||
	no "the two half runs exited non-zero"
"$bin" -q --all-tls "${rall[@]}" --inventory-db "$T/all.db" --sensor s1 -o "$T/events.json" ||
	no "the whole run exited non-zero"
"$bin" report --db "$T/two.db" $AT --csv "$T/two.csv" --json "$T/two.json" &&
"$bin" report --db "$T/all.db" $AT --csv "$T/all.csv" --json "$T/all.json" ||
	no "report exited non-zero"
rows=$(($(wc -l <"$T/all.csv") - 1))
if [ "$rows" -lt 20 ]; then
	no "the whole run gave only $rows records"
elif cmp -s "$T/two.csv" "$T/all.csv" && cmp -s "$T/two.json" "$T/all.json"; then
	ok "two runs over two halves ($half + $((n - half)) captures) = one run over all: $rows records, CSV and JSON identical"
else
	no "two halves differ from one run" "$(diff "$T/two.csv" "$T/all.csv")"
fi

# --- every legacy pair reads legacy ----------------------------------------
"$bin" report --db "$T/all.db" $AT --window 3650d --json "$T/long.json" ||
	no "report --window exited non-zero"
if out=$(python3 tests/store/check.py legacy "$T/events.json" "$T/long.json"); then
	ok "${out#ok store: }"
else
	no "legacy verdicts" "$out"
fi
if out=$(python3 tests/store/check.py cleartext "$T/events.json" "$T/long.json"); then
	ok "${out#ok store: }"
else
	no "clear-text credentials and client_software" "$out"
fi

# --- the credentials themselves are never stored -----------------------------
# The sample captures log in as alice / secret (pcaps/make-samples.sh).
cat >"$T/user.yaml" <<YAML
privacy:
  log_user: true
YAML
cr=()
for f in pcaps/cleartext-*.pcap; do cr+=(-r "$f"); done
"$bin" -q -c "$T/user.yaml" "${cr[@]}" --inventory-db "$T/cred.db" -o "$T/cred.json"
"$bin" report --db "$T/cred.db" $AT --csv "$T/cred.csv" --json "$T/cred-r.json" --html "$T/cred.html"
sqlite3 "$T/cred.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
nrec=$(sqlite3 "$T/cred.db" "SELECT count(*) || ' records, ' || sum(n_cleartext_credentials) FROM records WHERE n_cleartext_credentials > 0")
nev=$(grep '"dataset":"tlsfloor.session"' "$T/cred.json" | grep -c '"cleartext_credentials":true')
leak=$(grep -l -a -e alice -e secret -e c2VjcmV0 -e YWxpY2U -e AGFsaWNlAHNlY3JldA \
    "$T/cred.db" "$T/cred.csv" "$T/cred-r.json" "$T/cred.html" 2>/dev/null)
if [ "${#cr[@]}" -ge 8 ] && grep -q '"alice"' "$T/cred.json" && [ "$nrec" = "3 records, $nev" ] && [ -z "$leak" ]; then
	ok "credentials in the clear: $nrec sessions (= the events), the user name (in the events with log_user) and the password in neither the database nor a report"
else
	no "credentials stored: $nrec records; found in: $leak"
fi

# --- filters, BOM, defusing, errors ------------------------------------------
"$bin" report --db "$T/all.db" $AT --protocol pop3 --csv "$T/pop3.csv" --bom
if head -c 3 "$T/pop3.csv" | od -An -tx1 | grep -q 'ef bb bf' &&
    [ "$(tail -n +2 "$T/pop3.csv" | cut -d, -f4 | sort -u | tr -d '\r')" = pop3 ]; then
	ok "--protocol pop3 keeps only pop3 records; --bom writes the BOM"
else
	no "--protocol / --bom" "$(head -3 "$T/pop3.csv")"
fi
"$bin" -q -r pcaps/imaps-tls1_0.pcap --inventory-db "$T/all.db" --sensor '=HYPERLINK("x")' -o /dev/null
"$bin" report --db "$T/all.db" $AT --sensor '=HYPERLINK("x")' --csv "$T/s.csv"
if [ "$(tail -n +2 "$T/s.csv" | wc -l)" = 1 ] &&
    grep -q ',"'"'"'=HYPERLINK(""x"")",' "$T/s.csv"; then
	ok "--sensor filter; a formula in a field is quoted and defused"
else
	no "--sensor filter / defusing" "$(cat "$T/s.csv")"
fi
"$bin" report --db "$T/none.db" --csv "$T/x.csv" 2>"$T/err"; rc=$?
if [ $rc = 1 ] && grep -q "none.db" "$T/err" && [ ! -e "$T/none.db" ]; then
	ok "report on a missing database: exit 1, names it, creates nothing"
else
	no "report on a missing database: exit $rc" "$(cat "$T/err")"
fi
"$bin" report --db "$T/all.db" --since yesterday --csv "$T/x.csv" 2>"$T/err"; rc=$?
[ $rc = 2 ] && grep -q "since" "$T/err" && ok "report --since yesterday: usage error" ||
	no "report --since yesterday: exit $rc" "$(cat "$T/err")"

"$bin" report --db "$T/all.db" $AT --csv "$T/file.csv"
if "$bin" report --db "$T/all.db" $AT --csv - | cmp -s - "$T/file.csv"; then
	ok "report --csv - writes the same CSV to standard output"
else
	no "report --csv -"
fi
"$bin" report --db "$T/all.db" --json /dev/null 2>"$T/err"; rc=$?
if [ $rc = 1 ] && grep -q "/dev/null: not a regular file" "$T/err" && [ -c /dev/null ]; then
	ok "report --json /dev/null: refused (a rename would replace the device), /dev/null intact"
else
	no "report --json /dev/null: exit $rc" "$(cat "$T/err"; ls -l /dev/null)"
fi

if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	# An analyst who may read the database but not write its directory
	# (tlsfloor creates it 0600, daemon.umask 077: read access is given).
	chmod 755 "$T"
	chmod 644 "$T/all.db"
	"$bin" report --db "$T/all.db" $AT --csv "$T/root.csv"
	if runuser -u nobody -- "$bin" report --db "$T/all.db" $AT --csv - 2>"$T/err" | cmp -s - "$T/root.csv"; then
		ok "report by a user who can only read the database: the same CSV"
	else
		no "report with read access only" "$(cat "$T/err")"
	fi
	chmod 700 "$T"
fi

# --- exceptions applied when reporting ------------------------------------------
S=pcaps/imaps-tls1_0.pcap
python3 tests/store/feed.py "$S" 0 3 --header >"$T/exc.pcap"
cat >"$T/exc.yaml" <<YAML
exceptions:
  - client: 10.60.0.0/24
    owner: "mail team"
    expires: "2026-12-31"
    ticket: "CHG-1"
YAML
"$bin" -q -c "$T/exc.yaml" -r "$T/exc.pcap" --inventory-db "$T/exc.db" -o /dev/null
exc_verdicts() { "$bin" report --db "$1" --at "$2" --csv - | tail -n +2 | cut -d, -f7,8,25-27 | sort -u | tr -d '\r'; }
v1=$(exc_verdicts "$T/exc.db" 2026-12-31)
v2=$(exc_verdicts "$T/exc.db" 2027-01-01)
if [ "$v1" = "legacy_client,legacy,mail team,2026-12-31,CHG-1" ] &&
    [ "$v2" = "exception_expired,legacy,mail team,2026-12-31,CHG-1" ]; then
	ok "an exception is applied when reporting: legacy_client through its last day, exception_expired the day after"
else
	no "exception at report time" "$v1 / $v2"
fi

# --- --inventory files from the store ----------------------------------------
"$bin" -q "${ra[@]}" --inventory-db "$T/inv.db" --inventory "$T/inv" -o /dev/null
"$bin" report --db "$T/inv.db" --csv "$T/inv-report.csv"
if [ -s "$T/inv.json" ] && cmp -s <(tail -n +2 "$T/inv.csv") <(tail -n +2 "$T/inv-report.csv"); then
	ok "--inventory with --inventory-db: the files are the database's report"
else
	no "--inventory with --inventory-db" "$(diff "$T/inv.csv" "$T/inv-report.csv" | head)"
fi
cat >"$T/ev.yaml" <<YAML
outputs:
  json:
    path: $T/inv-events.json
    events: [inventory]
inventory:
  db: $T/ev.db
  path: $T/ev
YAML
"$bin" -q -c "$T/ev.yaml" "${ra[@]}"
if python3 - "$T/inv-events.json" "$T/ev.json" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
recs = json.load(open(sys.argv[2]))["records"]
got = [e["tlsfloor"]["inventory"] for e in ev
       if e["event"]["dataset"] == "tlsfloor.inventory"]
sys.exit(0 if got == recs and len(recs) > 10 else 1)
PY
then
	ok "inventory events: one per record of the store's JSON file, the same objects"
else
	no "inventory events from the store" "$(head -c 300 "$T/inv-events.json")"
fi

# --- schema 2 -> 4 and 3 -> 4 -----------------------------------------------------
# An older database as that tlsfloor left it: version 4's columns gone
# (clear-text sessions were stored as plaintext then), for 2 the days
# table too.
V4_DROP="ALTER TABLE records DROP COLUMN seen_cleartext_credentials;
ALTER TABLE records DROP COLUMN n_cleartext_credentials;
ALTER TABLE records DROP COLUMN cleartext_mechanisms;
ALTER TABLE records DROP COLUMN client_software;
ALTER TABLE records DROP COLUMN client_software_source;"
V4_COLS="SELECT count(*) FROM pragma_table_info('records') WHERE name LIKE '%cleartext%' OR name LIKE 'client_software%'"
nall=$(sqlite3 "$T/all.db" "SELECT count(*) FROM records")
sqlite3 "$T/all.db" ".backup $T/v2.db"
sqlite3 "$T/v2.db" "UPDATE records SET n_plaintext = n_plaintext + n_cleartext_credentials,
    seen_plaintext = max(seen_plaintext, seen_cleartext_credentials); $V4_DROP"
sqlite3 "$T/v2.db" ".backup $T/v3.db"
sqlite3 "$T/v3.db" "PRAGMA user_version = 3"
sqlite3 "$T/v2.db" "DROP TABLE days; PRAGMA user_version = 2"
for v in 2 3; do
	db=$T/v$v.db
	[ "$(sqlite3 "$db" "$V4_COLS")" = 0 ] || no "schema $v: the test database has version 4 columns"
	"$bin" report --db "$db" $AT --csv "$T/v$v.csv" &&
	"$bin" -q --all-tls -r pcaps/imaps-tls1_0.pcap -r pcaps/cleartext-pop3-apop.pcap \
	    --inventory-db "$db" --sensor up -o /dev/null ||
		no "schema $v: report or run exited non-zero"
	if [ "$(sqlite3 "$db" "PRAGMA user_version")" = 4 ] &&
	    [ "$(sqlite3 "$db" "$V4_COLS")" = 5 ] &&
	    [ "$(sqlite3 "$db" "SELECT sum(legacy) FROM days WHERE sensor = 'up'")" = 1 ] &&
	    [ "$(sqlite3 "$db" "SELECT cleartext_mechanisms, n_cleartext_credentials FROM records WHERE sensor = 'up' AND n_cleartext_credentials > 0")" = "2|1" ] &&
	    [ "$(tail -n +2 "$T/v$v.csv" | wc -l)" = "$nall" ] &&
	    ! cut -d, -f7 "$T/v$v.csv" | grep -q cleartext_credentials; then
		ok "a schema-$v database: upgraded to 4 by a report ($nall records, the old clear-text sessions still plaintext), the next run fills the days table and the clear-text columns"
	else
		no "schema $v -> 4" "$(sqlite3 "$db" "PRAGMA user_version; $V4_COLS; SELECT count(*) FROM days")"
	fi
done

# --- SIGKILL: what was committed stays -----------------------------------------
sessions() { sqlite3 "$T/kill.db" "SELECT coalesce(sum(sessions), 0) FROM records" 2>/dev/null; }
mkfifo "$T/fifo"
cat >"$T/kill.yaml" <<YAML
inventory:
  db: $T/kill.db
  commit_interval: 1s
sensor:
  name: k
YAML
"$bin" -q -c "$T/kill.yaml" -r "$T/fifo" -o /dev/null 2>"$T/kill.err" &
tf=$!
exec 3>"$T/fifo"
python3 tests/store/feed.py "$S" 0 200 --header >&3
# The first 200 sessions are in; wait (bounded) for their commit.
for _ in $(seq 300); do
	[ "$(sessions)" = 200 ] && break
	sleep 0.1
done
committed=$(sessions)
python3 tests/store/feed.py "$S" 200 200 >&3
{ kill -KILL $tf; wait $tf; } 2>/dev/null
exec 3>&-
after=$(sessions)
integrity=$(sqlite3 "$T/kill.db" "PRAGMA integrity_check")
if [ "$committed" = 200 ] && [ "$after" -ge 200 ] && [ "$after" -le 400 ] && [ "$integrity" = ok ]; then
	ok "SIGKILL: the 200 sessions committed before the kill stay ($after of 400 in the database), integrity ok"
else
	no "SIGKILL: committed before $committed, after $after, integrity $integrity" "$(cat "$T/kill.err")"
fi
python3 tests/store/feed.py "$S" 400 100 --header >"$T/part3.pcap"
"$bin" -q -c "$T/kill.yaml" -r "$T/part3.pcap" -o /dev/null
final=$(sessions)
lost=$(sqlite3 "$T/kill.db" "SELECT count(*) FROM records WHERE client BETWEEN '10.60.0.0' AND '10.60.0.199' AND sessions != 1")
if [ "$final" = $((after + 100)) ] && [ "$lost" = 0 ]; then
	ok "restart after SIGKILL: the next run adds its 100 sessions ($final)"
else
	no "restart after SIGKILL: $final sessions (expected $((after + 100))), $lost damaged records"
fi

# --- PostgreSQL ----------------------------------------------------------------
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
as_pg() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
pgcount() { "$PGBIN/psql" "$URI" -Atc "SELECT coalesce(sum(sessions), 0) FROM records" 2>/dev/null; }
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
	echo "store: PostgreSQL tests skipped: no /usr/lib/postgresql/*/bin/initdb (Debian package postgresql)"
else
	PGD=$(mktemp -d /tmp/tlsfloor-pg.XXXXXX)
	[ "$(id -u)" = 0 ] && chown postgres: "$PGD"
	if as_pg "$PGBIN/initdb" -D "$PGD/data" -A trust -U tlsfloor --locale=C -E UTF8 >"$PGD/initdb.log" 2>&1 &&
	    as_pg "$PGBIN/pg_ctl" -D "$PGD/data" -l "$PGD/server.log" -w \
		-o "-c listen_addresses='' -c unix_socket_directories=$PGD" start >/dev/null 2>&1; then
		URI="postgresql:///postgres?host=$PGD&user=tlsfloor"
		# Three sensors at once, each a third of the captures.
		g=(); for ((i = 0; i < n; i++)); do g[i % 3]+="-r ${files[i]} "; done
		pids=()
		for k in 0 1 2; do
			# shellcheck disable=SC2086 # the -r list is split on purpose
			"$bin" -q --all-tls ${g[k]} --inventory-db "$URI" --sensor "s$k" -o /dev/null 2>"$T/pg$k.err" &
			pids+=($!)
		done
		rcs=0
		for p in "${pids[@]}"; do wait "$p" || rcs=1; done
		for k in 0 1 2; do
			# shellcheck disable=SC2086
			"$bin" -q --all-tls ${g[k]} --inventory-db "$T/seq.db" --sensor "s$k" -o /dev/null
		done
		"$bin" report --db "$URI" $AT --csv "$T/pg.csv" --json "$T/pg.json" 2>"$T/pgr.err" &&
		"$bin" report --db "$T/seq.db" $AT --csv "$T/seq.csv" --json "$T/seq.json" ||
			no "report from PostgreSQL" "$(cat "$T/pgr.err")"
		rows=$(($(wc -l <"$T/pg.csv") - 1))
		if [ $rcs = 0 ] && [ "$rows" -ge 20 ] && cmp -s "$T/pg.csv" "$T/seq.csv" && cmp -s "$T/pg.json" "$T/seq.json"; then
			ok "PostgreSQL: three sensors at once = three runs into SQLite: $rows records, CSV and JSON identical"
		else
			no "PostgreSQL: three sensors at once differ from SQLite ($rows records, exit $rcs)" \
			    "$(cat "$T"/pg?.err; diff "$T/pg.csv" "$T/seq.csv" | head)"
		fi
		# The per-day table (schema 3) and the HTML report: the same.
		dq="SELECT sensor, client, server, server_port, protocol, ja4, day, sessions, legacy FROM days ORDER BY 1, 2, 3, 4, 5, 6, 7"
		"$PGBIN/psql" "$URI" -Atc "$dq" | tr '|' , >"$T/pgdays"
		sqlite3 "$T/seq.db" "$dq" | tr '|' , >"$T/seqdays"
		"$bin" report --db "$URI" $AT --html "$T/pg.html" &&
		"$bin" report --db "$T/seq.db" $AT --html "$T/seq.html" ||
			no "HTML report from PostgreSQL"
		if [ -s "$T/pgdays" ] && cmp -s "$T/pgdays" "$T/seqdays" && cmp -s "$T/pg.html" "$T/seq.html"; then
			ok "PostgreSQL: per-day rows ($(wc -l <"$T/pgdays")) and the HTML report identical to SQLite's"
		else
			no "PostgreSQL: days or HTML differ from SQLite" "$(diff "$T/pgdays" "$T/seqdays" | head -5)"
		fi
		# Upgrades from schema 3 (no clear-text columns, tf_verdict of
		# seven reasons) and 2 (no days table either): the next writer
		# brings the database to 4.
		pgv4() {
			"$PGBIN/psql" "$URI" -qc "DELETE FROM records WHERE sensor = 'up'; DELETE FROM days WHERE sensor = 'up';
			    ${V4_DROP//DROP COLUMN/DROP COLUMN IF EXISTS}
			    DROP FUNCTION tf_verdict(bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint, text, bigint, bigint);
			    CREATE FUNCTION tf_verdict(bigint, bigint, bigint, bigint, bigint, bigint, bigint, bigint, text, bigint, bigint)
			    RETURNS integer LANGUAGE sql AS 'SELECT 5';
			    $1 UPDATE tlsfloor_schema SET version = $2" >/dev/null
		}
		PG_V4_COLS="SELECT count(*) FROM information_schema.columns WHERE table_name = 'records' AND (column_name LIKE '%cleartext%' OR column_name LIKE 'client_software%')"
		for v in 3 2; do
			if [ $v = 2 ]; then pgv4 "DROP TABLE days;" 2; else pgv4 "" 3; fi
			c=$("$PGBIN/psql" "$URI" -Atc "$PG_V4_COLS")
			"$bin" -q --all-tls -r pcaps/imaps-tls1_0.pcap -r pcaps/cleartext-pop3-apop.pcap \
			    --inventory-db "$URI" --sensor up -o /dev/null
			got=$("$PGBIN/psql" "$URI" -Atc "SELECT max(version) FROM tlsfloor_schema;
			    $PG_V4_COLS; SELECT sum(legacy) FROM days WHERE sensor = 'up';
			    SELECT cleartext_mechanisms || '|' || n_cleartext_credentials FROM records WHERE sensor = 'up' AND n_cleartext_credentials > 0;
			    SELECT count(*) FROM pg_proc WHERE proname = 'tf_verdict'" | tr '\n' ' ')
			"$bin" report --db "$URI" $AT --sensor up --csv "$T/pgup.csv"
			if [ "$c" = 0 ] && [ "$got" = "4 5 1 2|1 1 " ] && grep -q ',cleartext_credentials,cleartext_credentials,' "$T/pgup.csv"; then
				ok "PostgreSQL: a schema-$v database is upgraded to 4 (columns, days, tf_verdict replaced), the next run fills them"
			else
				no "PostgreSQL upgrade $v -> 4: columns before $c; version, columns, legacy days, mechanisms, functions: $got" "$(cat "$T/pgup.csv")"
			fi
		done
		# The exception rule of tf_verdict() in SQL = store_verdict().
		"$PGBIN/psql" "$URI" -qc "DELETE FROM records" >/dev/null
		"$bin" -q -c "$T/exc.yaml" -r "$T/exc.pcap" --inventory-db "$URI" -o /dev/null
		v1=$(exc_verdicts "$URI" 2026-12-31)
		v2=$(exc_verdicts "$URI" 2027-01-01)
		if [ "$v1" = "legacy_client,legacy,mail team,2026-12-31,CHG-1" ] &&
		    [ "$v2" = "exception_expired,legacy,mail team,2026-12-31,CHG-1" ]; then
			ok "PostgreSQL: the exception is applied when reporting, as with SQLite"
		else
			no "PostgreSQL: exception at report time" "$v1 / $v2"
		fi
		# A server restart under a running reader.
		"$PGBIN/psql" "$URI" -qc "DELETE FROM records" >/dev/null
		mkfifo "$T/pgfifo"
		cat >"$T/pg.yaml" <<YAML
inventory:
  db: "$URI"
  commit_interval: 1s
sensor:
  name: r
YAML
		"$bin" -q -c "$T/pg.yaml" -r "$T/pgfifo" -o /dev/null 2>"$T/pgkill.err" &
		tf=$!
		exec 3>"$T/pgfifo"
		python3 tests/store/feed.py "$S" 0 100 --header >&3
		for _ in $(seq 300); do [ "$(pgcount)" = 100 ] && break; sleep 0.1; done
		before=$(pgcount)
		# (3>&-: the new server must not hold the FIFO open)
		as_pg "$PGBIN/pg_ctl" -D "$PGD/data" -m fast -w restart >/dev/null 2>&1 3>&-
		python3 tests/store/feed.py "$S" 100 100 >&3
		exec 3>&-
		wait $tf; rc=$?
		after=$(pgcount)
		if [ "$before" = 100 ] && [ "$after" = 200 ] && [ $rc = 0 ] &&
		    grep -q "inventory store (postgresql): write: .*retrying" "$T/pgkill.err"; then
			ok "PostgreSQL restarted under a running reader: the failed write reported, reconnected, all 200 sessions written"
		else
			no "PostgreSQL restart: $before then $after sessions of 200, exit $rc" "$(cat "$T/pgkill.err")"
		fi
		# The server down when the reader starts: warned, then written.
		"$PGBIN/psql" "$URI" -qc "DELETE FROM records" >/dev/null
		as_pg "$PGBIN/pg_ctl" -D "$PGD/data" -m fast -w stop >/dev/null 2>&1
		"$bin" -q -c "$T/pg.yaml" -r "$T/pgfifo" -o /dev/null 2>"$T/pgdown.err" &
		tf=$!
		exec 3>"$T/pgfifo"
		python3 tests/store/feed.py "$S" 0 50 --header >&3
		as_pg "$PGBIN/pg_ctl" -D "$PGD/data" -l "$PGD/server.log" -w \
		    -o "-c listen_addresses='' -c unix_socket_directories=$PGD" start >/dev/null 2>&1 3>&-
		exec 3>&-
		wait $tf; rc=$?
		after=$(pgcount)
		if [ $rc = 0 ] && [ "$after" = 50 ] && grep -q "inventory store: .*retrying" "$T/pgdown.err"; then
			ok "PostgreSQL down when the sensor starts: warned, kept capturing, all 50 sessions written once it came up"
		else
			no "PostgreSQL down at start: exit $rc, $after of 50 sessions" "$(cat "$T/pgdown.err")"
		fi
	else
		no "PostgreSQL would not start" "$(cat "$PGD/initdb.log" "$PGD/server.log" 2>/dev/null | tail -20)"
	fi
fi

echo "store: $pass passed, $fail failed"
[ "$fail" = 0 ]
