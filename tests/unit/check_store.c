/*
 * check_store.c -- store.c: the window verdict and the status (with
 * exceptions applied at report time; clear-text credentials worst), the
 * schema upgrades from versions 1, 2 and 3, a newer schema refused, and
 * sessions through the writer thread into the database and back out as a
 * report.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "inventory.h"
#include "store.h"
#include "unit.h"

Suite	*store_suite(void);

#define SEC	1000000ULL		/* us */
#define DAYS	(86400ULL * SEC)
#define T0	(1767225600ULL * SEC)	/* 2026-01-01T00:00:00Z */
#define WIN	(30 * 86400ULL)		/* s */

static char	dir[64], db[128];

static void	session(struct inv_session *, uint8_t, enum reason, uint64_t,
		    const char *);

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/tlsfloor-store.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/inv.db", dir);
}

static void
teardown(void)
{
	char	cmd[160];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* --- verdict and status ---------------------------------------------------- */

START_TEST(verdict_worst_in_window)
{
	uint64_t	seen[STORE_NREASONS] = { 0 };

	/* legacy 10 days before an ok session: both in the window, the
	 * legacy one is worse. */
	seen[SR_LEGACY_CLIENT] = T0;
	seen[SR_OK] = T0 + 10 * DAYS;
	ck_assert_int_eq(store_verdict(seen, T0 + 10 * DAYS, NULL,
	    T0 + 11 * DAYS, WIN), SR_LEGACY_CLIENT);
	ck_assert_str_eq(store_status(seen, SR_LEGACY_CLIENT), "fixed");
	/* 31 days later (still active), the legacy session left the
	 * window. */
	seen[SR_OK] = T0 + 40 * DAYS;
	ck_assert_int_eq(store_verdict(seen, T0 + 40 * DAYS, NULL,
	    T0 + 40 * DAYS, WIN), SR_OK);
	ck_assert_str_eq(store_status(seen, SR_OK), "fixed");
	/* On the window's first second it still counts. */
	ck_assert_int_eq(store_verdict(seen, T0 + 30 * DAYS, NULL,
	    T0 + 30 * DAYS, WIN), SR_LEGACY_CLIENT);
}
END_TEST

START_TEST(verdict_order)
{
	uint64_t	seen[STORE_NREASONS] = { 0 };
	int		r;

	/* Every reason at once: each worse one wins over the rest. */
	for (r = STORE_NREASONS - 1; r >= 0; r--) {
		seen[r] = T0 + (uint64_t)r * SEC;
		ck_assert_int_eq(store_verdict(seen, T0 + 10 * SEC, NULL,
		    T0 + 10 * SEC, WIN), r);
	}
	memset(seen, 0, sizeof(seen));
	ck_assert_int_eq(store_verdict(seen, 0, NULL, T0, WIN), SR_UNKNOWN);
}
END_TEST

START_TEST(verdict_quiet_client)
{
	uint64_t	seen[STORE_NREASONS] = { 0 };

	/* Gone quiet a year ago after a legacy session: the verdict is the
	 * one of its last active window, not "nothing". */
	seen[SR_LEGACY_NEGOTIATED] = T0;
	seen[SR_PLAINTEXT] = T0 + DAYS;
	ck_assert_int_eq(store_verdict(seen, T0 + DAYS, NULL,
	    T0 + 365 * DAYS, WIN), SR_LEGACY_NEGOTIATED);
	ck_assert_str_eq(store_status(seen, SR_LEGACY_NEGOTIATED), "legacy");
	/* Plaintext after the legacy session is not a fix. */
	seen[SR_OK] = T0 + 2 * DAYS;
	ck_assert_str_eq(store_status(seen, SR_LEGACY_NEGOTIATED), "legacy");
	seen[SR_PLAINTEXT] = 0;
	ck_assert_str_eq(store_status(seen, SR_LEGACY_NEGOTIATED), "fixed");
}
END_TEST

START_TEST(verdict_exceptions)
{
	uint64_t	seen[STORE_NREASONS] = { 0 };

	seen[SR_LEGACY_CLIENT] = T0;
	/* Live through its last day (2026-01-05), expired the day after. */
	ck_assert_int_eq(store_verdict(seen, T0, "2026-01-05",
	    T0 + 4 * DAYS + 86399 * SEC, WIN), SR_LEGACY_CLIENT);
	ck_assert_int_eq(store_verdict(seen, T0, "2026-01-05",
	    T0 + 5 * DAYS, WIN), SR_EXCEPTION_EXPIRED);
	ck_assert_int_eq(store_verdict(seen, T0, "", T0 + 5 * DAYS, WIN),
	    SR_LEGACY_CLIENT);
	/* legacy_refused stays worse than an expired exception. */
	seen[SR_LEGACY_REFUSED] = T0;
	ck_assert_int_eq(store_verdict(seen, T0, "2026-01-05",
	    T0 + 5 * DAYS, WIN), SR_LEGACY_REFUSED);
	/* An expired exception does not touch ok or plaintext. */
	memset(seen, 0, sizeof(seen));
	seen[SR_OK] = T0;
	ck_assert_int_eq(store_verdict(seen, T0, "2025-01-01", T0, WIN),
	    SR_OK);
	ck_assert_str_eq(store_status(seen, SR_OK), "ok");
	seen[SR_PLAINTEXT] = T0;
	ck_assert_int_eq(store_verdict(seen, T0, "2025-01-01", T0, WIN),
	    SR_PLAINTEXT);
	ck_assert_str_eq(store_status(seen, SR_PLAINTEXT), "plaintext");
}
END_TEST

START_TEST(verdict_cleartext_worst)
{
	uint64_t	seen[STORE_NREASONS] = { 0 };

	/* A password in the clear outranks everything in the window, even
	 * a refused legacy client and an expired exception. */
	seen[SR_OK] = T0 + 2 * DAYS;
	seen[SR_CLEARTEXT_CREDENTIALS] = T0;
	ck_assert_int_eq(store_verdict(seen, T0 + 2 * DAYS, NULL,
	    T0 + 2 * DAYS, WIN), SR_CLEARTEXT_CREDENTIALS);
	ck_assert_str_eq(store_status(seen, SR_CLEARTEXT_CREDENTIALS),
	    "cleartext_credentials");
	seen[SR_LEGACY_REFUSED] = T0 + DAYS;
	seen[SR_LEGACY_CLIENT] = T0 + DAYS;
	ck_assert_int_eq(store_verdict(seen, T0 + 2 * DAYS, "2025-01-01",
	    T0 + 2 * DAYS, WIN), SR_CLEARTEXT_CREDENTIALS);
	/* A legacy client that then sent a password in the clear is not
	 * fixed by a later ok session... */
	seen[SR_LEGACY_REFUSED] = 0;
	seen[SR_LEGACY_CLIENT] = T0 - DAYS;
	ck_assert_str_eq(store_status(seen, SR_CLEARTEXT_CREDENTIALS),
	    "legacy");
	/* ...unless the ok one came after both. */
	seen[SR_CLEARTEXT_CREDENTIALS] = T0 - 2 * DAYS;
	ck_assert_str_eq(store_status(seen, SR_OK), "fixed");
	/* Out of the window, it no longer decides the verdict. */
	ck_assert_int_eq(store_verdict(seen, T0 + 40 * DAYS, NULL,
	    T0 + 40 * DAYS, WIN), SR_UNKNOWN);
	seen[SR_OK] = T0 + 40 * DAYS;
	ck_assert_int_eq(store_verdict(seen, T0 + 40 * DAYS, NULL,
	    T0 + 40 * DAYS, WIN), SR_OK);
}
END_TEST

START_TEST(mech_bits)
{
	/* Every name verdict_cleartext_name() gives has its own bit. */
	static const char *const names[] = {
		"USER/PASS", "APOP", "LOGIN", "AUTH PLAIN", "AUTH LOGIN",
		"AUTHENTICATE PLAIN", "AUTHENTICATE LOGIN",
	};
	uint64_t	all = 0, b;
	size_t		i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		b = store_mech_bit(names[i]);
		ck_assert_uint_ne(b, 0);
		ck_assert_uint_eq(all & b, 0);
		all |= b;
	}
	ck_assert_uint_eq(store_mech_bit("CRAM-MD5"), 0);
	ck_assert_uint_eq(store_mech_bit(NULL), 0);
	ck_assert_uint_eq(store_mech_bit("login"), 0);	/* as written */
}
END_TEST

/* --- schema ------------------------------------------------------------------ */

static int
query_int(const char *sql)
{
	sqlite3		*h;
	sqlite3_stmt	*s;
	int		 v = -1;

	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(h, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(h);
	return v;
}

static void
exec_sql(const char *sql)
{
	sqlite3	*h;

	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

static char *
slurp(const char *path)
{
	static char	buf[1 << 16];
	FILE		*fp = fopen(path, "r");
	size_t		 n;

	ck_assert_ptr_nonnull(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

START_TEST(schema_upgrade_v1)
{
	struct store_filter	f;
	char			err[256], csv[160];

	ck_assert_int_eq(store_create_old(db, 1, err, sizeof(err)), 0);
	ck_assert_int_eq(query_int("PRAGMA user_version"), 1);
	/* A record as version 1 kept it: no exception columns yet. */
	exec_sql("INSERT INTO records (sensor, client, server, server_port, "
	    "protocol, ja4, sessions, first_seen, last_seen, last_reason, "
	    "seen_legacy_client, n_legacy_client, last_legacy_seen) VALUES "
	    "('s', '10.0.0.1', '10.0.0.2', 143, 'imap', '', 1, "
	    "1767225600000000, 1767225600000000, 'legacy_client', "
	    "1767225600000000, 1, 1767225600000000)");
	ck_assert_int_eq(query_int("SELECT count(*) FROM pragma_table_info("
	    "'records') WHERE name = 'exception_owner'"), 0);

	memset(&f, 0, sizeof(f));
	f.now_us = T0 + DAYS;
	f.window_s = WIN;
	snprintf(csv, sizeof(csv), "%s/r.csv", dir);
	ck_assert_int_eq(store_export(db, &f, csv, NULL, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(query_int("PRAGMA user_version"),
	    STORE_SCHEMA_VERSION);
	ck_assert_int_eq(query_int("SELECT count(*) FROM pragma_table_info("
	    "'records') WHERE name LIKE 'exception_%' OR name = "
	    "'endpoint_label'"), 4);
	/* The old record survived and reads as before. */
	ck_assert_ptr_nonnull(strstr(slurp(csv), "\r\n10.0.0.1,10.0.0.2,143,"
	    "imap,,s,legacy_client,legacy,legacy_client,1,legacy_client=1,"));
	/* Version 3's per-day table is there, empty. */
	ck_assert_int_eq(query_int("SELECT count(*) FROM days"), 0);
	/* Version 4's columns, empty for the old record. */
	ck_assert_int_eq(query_int("SELECT count(*) FROM records WHERE "
	    "n_cleartext_credentials = 0 AND seen_cleartext_credentials = 0 "
	    "AND cleartext_mechanisms = 0 AND client_software IS NULL AND "
	    "client_software_source IS NULL"), 1);
}
END_TEST

/* Version 2 (tlsfloor with the store, before the trend): the days table
 * is added, the records stay, and new sessions fill both. */
START_TEST(schema_upgrade_v2)
{
	struct store_filter	f;
	char			err[256], csv[160];

	ck_assert_int_eq(store_create_old(db, 2, err, sizeof(err)), 0);
	ck_assert_int_eq(query_int("PRAGMA user_version"), 2);
	ck_assert_int_eq(query_int("SELECT count(*) FROM sqlite_master "
	    "WHERE name = 'days'"), 0);
	exec_sql("INSERT INTO records (sensor, client, server, server_port, "
	    "protocol, ja4, sessions, first_seen, last_seen, last_reason, "
	    "seen_legacy_client, n_legacy_client, last_legacy_seen, "
	    "exception_owner) VALUES ('s', '10.0.0.1', '10.0.0.2', 143, "
	    "'imap', '', 1, 1767225600000000, 1767225600000000, "
	    "'legacy_client', 1767225600000000, 1, 1767225600000000, 'x')");
	memset(&f, 0, sizeof(f));
	f.now_us = T0 + DAYS;
	f.window_s = WIN;
	snprintf(csv, sizeof(csv), "%s/r.csv", dir);
	ck_assert_int_eq(store_export(db, &f, csv, NULL, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(query_int("PRAGMA user_version"),
	    STORE_SCHEMA_VERSION);
	ck_assert_int_eq(query_int("SELECT count(*) FROM days"), 0);
	ck_assert_int_eq(query_int("SELECT count(*) FROM records WHERE "
	    "exception_owner = 'x' AND n_cleartext_credentials = 0"), 1);
}
END_TEST

/* The columns of a table, in order, as one string. */
static const char *
columns(const char *table)
{
	static char	buf[4096];
	sqlite3		*h;
	sqlite3_stmt	*s;
	char		 sql[128];
	size_t		 o = 0;

	snprintf(sql, sizeof(sql), "SELECT name, type, \"notnull\", "
	    "dflt_value FROM pragma_table_info('%s') ORDER BY cid", table);
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(h, sql, -1, &s, NULL), SQLITE_OK);
	buf[0] = '\0';
	while (sqlite3_step(s) == SQLITE_ROW && o < sizeof(buf))
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s %s %d %s,",
		    sqlite3_column_text(s, 0), sqlite3_column_text(s, 1),
		    sqlite3_column_int(s, 2), sqlite3_column_text(s, 3) ?
		    (const char *)sqlite3_column_text(s, 3) : "-");
	sqlite3_finalize(s);
	sqlite3_close(h);
	return buf;
}

/* Version 3 (before the clear-text credentials): the columns are added,
 * the old record reads as before with no credentials, a new session
 * with credentials in the clear fills them; the upgraded table has the
 * columns of a new one, in the same order. */
START_TEST(schema_upgrade_v3)
{
	struct store_filter	f;
	struct store_opts	o;
	struct inv_session	s;
	char			err[256], csv[160], fresh[4096], *text;

	/* What a new database looks like. */
	ck_assert_int_eq(store_create_old(db, STORE_SCHEMA_VERSION, err,
	    sizeof(err)), 0);
	snprintf(fresh, sizeof(fresh), "%s", columns("records"));
	ck_assert_int_eq(unlink(db), 0);

	ck_assert_int_eq(store_create_old(db, 3, err, sizeof(err)), 0);
	ck_assert_int_eq(query_int("PRAGMA user_version"), 3);
	ck_assert_int_eq(query_int("SELECT count(*) FROM pragma_table_info("
	    "'records') WHERE name LIKE '%cleartext%' OR name LIKE "
	    "'client_software%'"), 0);
	exec_sql("INSERT INTO records (sensor, client, server, server_port, "
	    "protocol, ja4, sessions, first_seen, last_seen, last_reason, "
	    "seen_plaintext, n_plaintext) VALUES ('s', '10.0.0.1', "
	    "'10.0.0.200', 993, 'imap', '', 1, 1767225600000000, "
	    "1767225600000000, 'plaintext', 1767225600000000, 1)");
	memset(&o, 0, sizeof(o));
	o.db = db;
	o.sensor = "s";
	o.commit_interval = 1;
	o.window = WIN;
	o.offline = true;
	ck_assert_int_eq(store_open(&o, err, sizeof(err)), 0);
	ck_assert_int_eq(query_int("PRAGMA user_version"), 4);
	ck_assert_str_eq(columns("records"), fresh);
	/* The same record: two sessions with a password in the clear, two
	 * mechanisms; the program name of a TLS session of another. */
	session(&s, 1, RS_CLEARTEXT_CREDENTIALS, T0 + SEC, NULL);
	s.cleartext_credentials = true;
	s.cleartext_mechanism = "AUTHENTICATE PLAIN";
	store_add(&s);
	session(&s, 1, RS_CLEARTEXT_CREDENTIALS, T0 + 2 * SEC, NULL);
	s.cleartext_credentials = true;
	s.cleartext_mechanism = "LOGIN";
	store_add(&s);
	session(&s, 2, RS_LEGACY_CLIENT, T0, "t10i_x");
	s.client_software = "Old <b>\"lib\"</b>, 1.0";
	s.client_software_source = "ja4+ja3";
	store_add(&s);
	ck_assert_int_eq(store_close(T0), 0);
	ck_assert_int_eq(query_int("SELECT n_cleartext_credentials FROM "
	    "records WHERE client = '10.0.0.1'"), 2);

	memset(&f, 0, sizeof(f));
	f.now_us = T0 + DAYS;
	f.window_s = WIN;
	snprintf(csv, sizeof(csv), "%s/r.csv", dir);
	ck_assert_int_eq(store_export(db, &f, csv, NULL, err, sizeof(err)),
	    0);
	text = slurp(csv);
	/* Worst first; the mechanisms in table order, never a user name. */
	ck_assert_ptr_nonnull(strstr(text, "\r\n10.0.0.1,10.0.0.200,993,imap,,"
	    "s,cleartext_credentials,cleartext_credentials,"
	    "cleartext_credentials,3,cleartext_credentials=2;plaintext=1,"));
	ck_assert_ptr_nonnull(strstr(text, ",2,LOGIN;AUTHENTICATE PLAIN,"
	    "2026-01-01T00:00:02Z,,\r\n10.0.0.2,"));
	ck_assert_ptr_nonnull(strstr(text, ",0,,,\"Old <b>\"\"lib\"\"</b>, "
	    "1.0\",ja4+ja3\r\n"));
}
END_TEST

START_TEST(schema_newer_refused)
{
	struct store_opts	o;
	char			err[256];

	exec_sql("PRAGMA user_version = 99");
	memset(&o, 0, sizeof(o));
	o.db = db;
	o.sensor = "s";
	o.commit_interval = 1;
	o.window = WIN;
	ck_assert_int_eq(store_open(&o, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "schema version 99 is newer"));
	ck_assert(!store_active());
}
END_TEST

/* --- the writer ---------------------------------------------------------------- */

static void
session(struct inv_session *s, uint8_t last, enum reason r, uint64_t ts,
    const char *ja4)
{
	memset(s, 0, sizeof(*s));
	s->family = 4;
	s->cli[0] = 10;
	s->cli[3] = last;
	s->srv[0] = 10;
	s->srv[3] = 200;
	s->srv_port = 993;
	s->proto = PROTO_IMAP;
	s->mode = "implicit";
	s->client_max = r == RS_OK ? 0x0304 : 0x0301;
	s->negotiated = s->client_max;
	s->reason = (uint8_t)r;
	s->sni = "=cmd|' /C calc'!A0";	/* a spreadsheet formula */
	s->ja4 = ja4;
	s->ts = ts;
}

START_TEST(writer_round_trip)
{
	struct store_opts	 o;
	struct store_filter	 f;
	struct inv_session	 s;
	struct config_exception	 e;
	char			 err[256], csv[160], *text;
	int			 i;

	memset(&o, 0, sizeof(o));
	o.db = db;
	o.sensor = "sensor-1";
	o.commit_interval = 1;
	o.window = WIN;
	o.offline = true;
	ck_assert_int_eq(store_open(&o, err, sizeof(err)), 0);
	/* 10000 sessions: more than two batches, so the producer waits. */
	for (i = 0; i < 10000; i++) {
		session(&s, (uint8_t)(i % 50), i == 8 || i == 108 ?
		    RS_LEGACY_CLIENT : RS_OK, T0 + (uint64_t)i * SEC,
		    (i / 50) % 2 ? "t13d_a" : NULL);
		store_add(&s);
	}
	/* One under an exception that has expired by the report. */
	memset(&e, 0, sizeof(e));
	e.owner = (char *)"mail team";
	memcpy(e.expires, "2026-01-02", 11);
	session(&s, 99, RS_LEGACY_CLIENT, T0, NULL);
	s.exception = &e;
	store_add(&s);
	ck_assert_int_eq(store_close(T0), 0);
	ck_assert(!store_active());

	ck_assert_int_eq(query_int("SELECT sum(sessions) FROM records"),
	    10001);
	/* 50 clients x 2 fingerprints (one empty), plus client 99. */
	ck_assert_int_eq(query_int("SELECT count(*) FROM records"), 101);
	ck_assert_int_eq(query_int("SELECT n_legacy_client FROM records "
	    "WHERE client = '10.0.0.8' AND ja4 = ''"), 2);
	/* The same sessions per day: all on T0's day, 3 legacy. */
	ck_assert_int_eq(query_int("SELECT sum(sessions) FROM days WHERE "
	    "day = 20454"), 10001);
	ck_assert_int_eq(query_int("SELECT sum(legacy) FROM days"), 3);

	memset(&f, 0, sizeof(f));
	f.now_us = T0 + 3 * DAYS;
	f.window_s = WIN;
	f.bom = true;
	snprintf(csv, sizeof(csv), "%s/r.csv", dir);
	ck_assert_int_eq(store_export(db, &f, csv, NULL, err,
	    sizeof(err)), 0);
	text = slurp(csv);
	ck_assert(strncmp(text, "\xef\xbb\xbf" "client,server,", 17) == 0);
	/* Worst first: the expired exception, then the legacy pair. */
	ck_assert_ptr_nonnull(strstr(text, "\r\n10.0.0.99,10.0.0.200,993,imap,,"
	    "sensor-1,exception_expired,legacy,legacy_client,1,"));
	ck_assert_ptr_nonnull(strstr(text, "mail team,2026-01-02,,0,,,,\r\n"
	    "10.0.0.8,10.0.0.200,993,imap,,sensor-1,legacy_client,fixed,ok,"));
	/* The SNI is shown, defused, not evaluated. */
	ck_assert_ptr_nonnull(strstr(text, ",'=cmd|' /C calc'!A0,"));
	/* Filters. */
	f.protocol = "pop3";
	ck_assert_int_eq(store_export(db, &f, csv, NULL, err,
	    sizeof(err)), 0);
	ck_assert_ptr_null(strstr(slurp(csv), "10.0.0."));
	f.protocol = NULL;
	f.since_us = T0 + 9990 * SEC;
	ck_assert_int_eq(store_export(db, &f, csv, NULL, err,
	    sizeof(err)), 0);
	text = slurp(csv);
	ck_assert_ptr_null(strstr(text, "10.0.0.99,"));
	ck_assert_ptr_nonnull(strstr(text, "10.0.0.49,"));
}
END_TEST

struct days_seen {
	uint64_t	day[64], legacy[64], clients[64], sessions[64];
	int		n, records;
};

static int
days_rec(const struct store_rec *r, void *arg)
{
	struct days_seen	*d = arg;

	(void)r;
	d->records++;
	return 0;
}

static int
days_day(const struct store_day *r, void *arg)
{
	struct days_seen	*d = arg;

	ck_assert_int_lt(d->n, 64);
	d->day[d->n] = r->day;
	d->legacy[d->n] = r->legacy;
	d->clients[d->n] = r->legacy_clients;
	d->sessions[d->n++] = r->sessions;
	return 0;
}

/* Per-day counts: written with the records, pruned to the window, read
 * back (legacy sessions, distinct legacy clients) by store_visit(). */
START_TEST(writer_days)
{
	struct store_opts	 o;
	struct store_filter	 f;
	struct store_visitor	 v;
	struct inv_session	 s;
	struct days_seen	 d;
	char			 err[256];
	int			 day, i;

	memset(&o, 0, sizeof(o));
	o.db = db;
	o.sensor = "s";
	o.commit_interval = 1;
	o.window = 10 * 86400;
	o.offline = true;
	ck_assert_int_eq(store_open(&o, err, sizeof(err)), 0);
	/* Day k (0..19): k + 1 sessions, of which k legacy from k / 2 + 1
	 * clients -- and one ok session from client 200. */
	for (day = 0; day < 20; day++) {
		for (i = 0; i < day; i++) {
			session(&s, (uint8_t)(i % (day / 2 + 1) + 1),
			    RS_LEGACY_CLIENT, T0 + (uint64_t)day * DAYS +
			    (uint64_t)i * SEC, NULL);
			store_add(&s);
		}
		session(&s, 200, RS_OK, T0 + (uint64_t)day * DAYS, NULL);
		store_add(&s);
	}
	ck_assert_int_eq(store_close(T0), 0);
	/* Kept: the newest day and the 11 before it (window 10 days + 1). */
	ck_assert_int_eq(query_int("SELECT min(day) FROM days"), 20454 + 8);
	ck_assert_int_eq(query_int("SELECT max(day) FROM days"), 20454 + 19);
	/* One row per record and day, however many sessions. */
	ck_assert_int_eq(query_int("SELECT count(*) FROM days WHERE day = "
	    "20473 AND client = '10.0.0.200'"), 1);

	memset(&f, 0, sizeof(f));
	f.now_us = T0 + 19 * DAYS + 3600 * SEC;
	f.window_s = 5 * 86400;
	memset(&d, 0, sizeof(d));
	v.record = days_rec;
	v.day = days_day;
	v.arg = &d;
	ck_assert_int_eq(store_visit(db, &f, &v, err, sizeof(err)), 0);
	ck_assert_int_gt(d.records, 0);
	/* The report's window: days 14..19. */
	ck_assert_int_eq(d.n, 6);
	for (i = 0; i < d.n; i++) {
		day = 14 + i;
		ck_assert_uint_eq(d.day[i], 20454 + (uint64_t)day);
		ck_assert_uint_eq(d.sessions[i], (uint64_t)day + 1);
		ck_assert_uint_eq(d.legacy[i], (uint64_t)day);
		ck_assert_uint_eq(d.clients[i], (uint64_t)(day / 2 + 1));
	}
}
END_TEST

struct tls_seen {
	int		 verdict, tls_verdict, n;
	char		 status[32], mechs[64], sw[64];
	uint64_t	 last_cleartext;
};

static int
tls_rec(const struct store_rec *r, void *arg)
{
	struct tls_seen	*t = arg;

	t->n++;
	t->verdict = r->verdict;
	t->tls_verdict = r->tls_verdict;
	snprintf(t->status, sizeof(t->status), "%s", r->status);
	snprintf(t->mechs, sizeof(t->mechs), "%s", r->cleartext_mechanisms ?
	    r->cleartext_mechanisms : "-");
	snprintf(t->sw, sizeof(t->sw), "%s", r->client_software ?
	    r->client_software : "-");
	t->last_cleartext = r->last_cleartext_seen;
	return 0;
}

/* store_visit() (the HTML page's reading): a record that had a legacy
 * session and then sent a password in the clear reads
 * cleartext_credentials, and TLS alone still says legacy_client. */
START_TEST(visit_tls_verdict)
{
	struct store_opts	 o;
	struct store_filter	 f;
	struct store_visitor	 v;
	struct inv_session	 s;
	struct tls_seen		 t;
	char			 err[256];

	memset(&o, 0, sizeof(o));
	o.db = db;
	o.sensor = "s";
	o.commit_interval = 1;
	o.window = WIN;
	o.offline = true;
	ck_assert_int_eq(store_open(&o, err, sizeof(err)), 0);
	session(&s, 1, RS_LEGACY_CLIENT, T0, NULL);
	s.client_software = "Old lib";
	s.client_software_source = "ja3";
	store_add(&s);
	session(&s, 1, RS_CLEARTEXT_CREDENTIALS, T0 + SEC, NULL);
	s.cleartext_credentials = true;
	s.cleartext_mechanism = "USER/PASS";
	store_add(&s);
	session(&s, 1, RS_OK, T0 + 2 * SEC, NULL);
	store_add(&s);
	ck_assert_int_eq(store_close(T0), 0);

	memset(&f, 0, sizeof(f));
	f.now_us = T0 + DAYS;
	f.window_s = WIN;
	memset(&v, 0, sizeof(v));
	memset(&t, 0, sizeof(t));
	v.record = tls_rec;
	v.arg = &t;
	ck_assert_int_eq(store_visit(db, &f, &v, err, sizeof(err)), 0);
	ck_assert_int_eq(t.n, 1);
	ck_assert_int_eq(t.verdict, SR_CLEARTEXT_CREDENTIALS);
	ck_assert_int_eq(t.tls_verdict, SR_LEGACY_CLIENT);
	/* A password in the clear after the last legacy session: not
	 * fixed, whatever ok session came after. */
	ck_assert_str_eq(t.status, "legacy");
	ck_assert_str_eq(t.mechs, "USER/PASS");
	ck_assert_str_eq(t.sw, "Old lib");
	ck_assert_uint_eq(t.last_cleartext, T0 + SEC);
	/* Out of the window (40 days on, quiet since): the verdict of the
	 * last active window still. */
	f.now_us = T0 + 40 * DAYS;
	ck_assert_int_eq(store_visit(db, &f, &v, err, sizeof(err)), 0);
	ck_assert_int_eq(t.verdict, SR_CLEARTEXT_CREDENTIALS);
}
END_TEST

START_TEST(writer_unwritable_counts)
{
	struct store_opts	 o;
	struct inv_session	 s;
	uint64_t		 c[STAT_MAX];
	char			 err[256];

	/* Created fine, then made read-only under the daemon's feet. */
	memset(&o, 0, sizeof(o));
	o.db = db;
	o.sensor = "s";
	o.commit_interval = 1;
	o.window = WIN;
	ck_assert_int_eq(store_open(&o, err, sizeof(err)), 0);
	if (geteuid() == 0)	/* root writes a 0444 file anyway */
		exec_sql("CREATE TRIGGER no BEFORE INSERT ON records BEGIN "
		    "SELECT RAISE(FAIL, 'refused'); END");
	else
		ck_assert_int_eq(chmod(db, 0444), 0);
	session(&s, 1, RS_OK, T0, NULL);
	store_add(&s);
	ck_assert_int_eq(store_close(T0), 0);
	memset(c, 0, sizeof(c));
	store_fold(c);
	ck_assert_uint_eq(c[STAT_STORE_WRITTEN], 0);
	ck_assert_uint_ge(c[STAT_STORE_ERRORS], 1);
	ck_assert_uint_eq(c[STAT_STORE_DROPPED], 1);
}
END_TEST

Suite *
store_suite(void)
{
	Suite	*s = suite_create("store");
	TCase	*tc = tcase_create("verdict");

	tcase_add_test(tc, verdict_worst_in_window);
	tcase_add_test(tc, verdict_order);
	tcase_add_test(tc, verdict_quiet_client);
	tcase_add_test(tc, verdict_exceptions);
	tcase_add_test(tc, verdict_cleartext_worst);
	tcase_add_test(tc, mech_bits);
	suite_add_tcase(s, tc);
	tc = tcase_create("database");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, schema_upgrade_v1);
	tcase_add_test(tc, schema_upgrade_v2);
	tcase_add_test(tc, schema_upgrade_v3);
	tcase_add_test(tc, schema_newer_refused);
	tcase_add_test(tc, writer_round_trip);
	tcase_add_test(tc, writer_days);
	tcase_add_test(tc, visit_tls_verdict);
	tcase_add_test(tc, writer_unwritable_counts);
	suite_add_tcase(s, tc);
	return s;
}
