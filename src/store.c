/*
 * store.c -- the persistent client inventory (SQLite or PostgreSQL) and its
 * reports.
 *
 * Receives every finished session (struct inv_session, borrowed) from
 * output.c under output_lock(), copies it into a bounded batch and
 * returns; a writer thread of its own upserts the batch into the database
 * in one transaction every inventory.commit_interval (sooner when the
 * batch is half full).  Hands on nothing to later stages; the reports
 * (`tlsfloor report`, the --inventory files) are read back from the
 * database.  It does not judge sessions (verdict.c) or match exceptions
 * (config.c): it keeps what they said.
 *
 * Off the hot path and bounded: the batch holds at most 2 x STORE_BATCH
 * sessions (one filling, one being written), whatever the number of
 * records; the records live in the database (SQLite's page cache is a
 * few MiB).  Reading live, a session that finds the batch full waits at
 * most STORE_WAIT_MS for the writer, then is dropped and counted
 * (store.sessions_dropped).  Reading files (-r) nothing is lost by
 * waiting, so it waits for the writer -- unless the last write failed.
 * A database that cannot be opened or written (read-only, locked by
 * another program past the busy timeout, disk full) is reported with
 * log_warnx at most once a minute, counted (store.write_errors), and
 * retried each interval with the same batch; the capture goes on.
 *
 * Durability: WAL journal with synchronous=FULL, so a committed
 * transaction survives a power cut and at most one commit interval of
 * sessions (those still in the batch) is lost to a crash or SIGKILL.
 *
 * PostgreSQL (libpq) when the database is a postgresql:// (or
 * postgres://) URI: the same table and upsert (GREATEST/LEAST for
 * max/min), so several sensors can write one database at once -- each
 * writes its own rows (the sensor is part of the key), and an upsert is a
 * single atomic statement, so concurrent writers never lose an update.
 * The version lives in a table tlsfloor_schema (version), created or
 * upgraded under an advisory lock so that sensors starting together do
 * not race; the verdict is the SQL function tf_verdict(), the same rule
 * as store_verdict() (tests/store compares both backends' reports).  A
 * lost connection (server restart) is closed and opened again on the
 * next round, the batch kept.  Messages name the URI from its '@' on,
 * never its password.
 *
 * Schema (SQLite: PRAGMA user_version = STORE_SCHEMA_VERSION), one table:
 *
 *   records   one row per (sensor, client, server, server_port, protocol,
 *             ja4); ja4 is '' when the session had no ClientHello.
 *     sessions                 sessions counted
 *     first_seen, last_seen    first and latest session start, us since
 *                              the epoch (UTC)
 *     last_reason, mode        reason and mode of the latest session (on
 *                              a tie the one written last)
 *     modes                    bit per mode seen: 1 starttls, 2 implicit,
 *                              4 plain
 *     seen_<reason>            latest session start with that reason, 0
 *                              never -- one column per reason (8)
 *     n_<reason>               sessions with that reason (8)
 *     last_legacy_seen         latest seen_ of the four legacy reasons
 *     last_ok_seen             = seen_ok
 *     client_max_version       highest version offered (0 unknown)
 *     negotiated_min_version, negotiated_max_version   (0 none)
 *     sni, cipher, ja3         of the latest session that had one
 *     endpoint_label           (version 2) watch-list label, latest
 *     exception_owner, exception_expires, exception_ticket   (version 2)
 *                              the exception of the latest session under
 *                              one (kept after it expires)
 *     seen_cleartext_credentials, n_cleartext_credentials    (version 4)
 *                              as for the other reasons
 *     cleartext_mechanisms     (version 4) bit per clear-text mechanism
 *                              seen (mech_names[]; the names only, never
 *                              a user name or a secret)
 *     client_software, client_software_source   (version 4) the program
 *                              hints.c names for the latest session that
 *                              had one, and what matched
 *
 *   days      (version 3) one row per record and UTC day: the trend
 *             chart of the HTML report (report_html.c).  The record's key
 *             and
 *     day                      days since the epoch (UTC) of the session
 *                              start
 *     sessions, legacy         sessions, and those with a legacy reason
 *             Written by the same upsert transaction as records; a
 *             sensor's days older than the window (counted back from its
 *             newest day in the table, so that reading old captures keeps
 *             them) are deleted at each commit, so the table holds at
 *             most (window in days + 2) rows per record.
 *
 * Version 1 had no endpoint_label and exception_* columns; opening a
 * version-1 database adds them (ALTER TABLE); version 2 had no days table
 * (created, empty: the trend starts with the upgrade); version 3 had no
 * clear-text or client_software columns (added: its clear-text sessions
 * stay counted as plaintext, as it stored them) -- one transaction.
 * A version newer than this program knows is refused, not guessed at.
 *
 * Every update is an upsert (INSERT ... ON CONFLICT DO UPDATE) whose
 * columns combine with max/min/+/|, so the order in which two runs (or
 * two halves of one capture) are written does not change a record, except
 * for the "latest" fields on equal session starts.
 *
 * Verdict (store_verdict()), computed when reporting, never stored: the
 * worst reason (order of enum store_reason: cleartext_credentials,
 * legacy_refused, exception_expired, legacy_client, legacy_negotiated,
 * plaintext, unknown, ok) whose
 * seen_<reason> falls in the window [end - inventory.window, end], where
 * end is the report time, or the record's last_seen if that is earlier (a
 * client gone quiet keeps the verdict of its last active window instead
 * of an empty one).  Keeping the last time of each of the eight reasons
 * is enough for that: "was there a session with reason r in the window"
 * is "seen_r >= window start", so no session list is needed.  Exceptions
 * are applied when reporting: if the record's exception has expired at
 * report time (the day after exception_expires), a legacy_client or
 * legacy_negotiated session in the window counts as exception_expired.
 * A live exception changes nothing but the exception_* columns.
 *
 * Status (store_status()): "legacy" if a legacy session was ever seen and
 * not every session since the last one was ok; "fixed" if after the last
 * legacy session only ok sessions were seen (at least one); otherwise
 * "cleartext_credentials", "plaintext" or "unknown" when that is the
 * verdict, else "ok".
 *
 * The reports (CSV, JSON) are written here; the HTML page is
 * report_html.c's, which reads through store_visit(): store.c never calls
 * it (the link goes one way).
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "config.h"
#include "inventory.h"
#include "log.h"
#include "stats.h"
#include "store.h"
#include "tls.h"
#include "session.h"

#define STORE_BATCH		4096	/* sessions per batch (two exist) */
#define STORE_WAIT_MS		2	/* live: longest wait on a full batch */
#define STORE_BUSY_MS		2000	/* SQLite busy timeout (writer) */
#define STORE_WARN_EVERY	60	/* s between repeated warnings */
#define STORE_CLOSE_TRIES	3	/* final commit attempts at exit */

#define US	1000000ull


static const char *const reason_names[STORE_NREASONS] = {
	"cleartext_credentials", "legacy_refused", "exception_expired",
	"legacy_client", "legacy_negotiated", "plaintext", "unknown", "ok",
};
#define R_LEGACY(r)	((r) >= SR_LEGACY_FIRST && (r) <= SR_LEGACY_LAST)

/* The store's reason for a verdict's (enum reason), or -1 for none. */
static int
store_reason_of(int r)
{
	switch (r) {
	case RS_CLEARTEXT_CREDENTIALS:	return SR_CLEARTEXT_CREDENTIALS;
	case RS_LEGACY_REFUSED:		return SR_LEGACY_REFUSED;
	case RS_EXCEPTION_EXPIRED:	return SR_EXCEPTION_EXPIRED;
	case RS_LEGACY_CLIENT:		return SR_LEGACY_CLIENT;
	case RS_LEGACY_NEGOTIATED:	return SR_LEGACY_NEGOTIATED;
	case RS_PLAINTEXT:		return SR_PLAINTEXT;
	case RS_UNKNOWN:		return SR_UNKNOWN;
	case RS_OK:			return SR_OK;
	default:			return -1;
	}
}

static const char *const mode_names[] = { "starttls", "implicit", "plain" };

/*
 * The clear-text mechanisms a record keeps, bit i for name i (the
 * cleartext_mechanisms column; OR-ed, so the order sessions are written
 * in does not matter).  The names session_cleartext_name() gives; only
 * the mechanism, never a user name or a secret.  Append only: the bits
 * are stored.
 */
static const char *const mech_names[] = {
	"USER/PASS", "APOP", "LOGIN", "AUTH PLAIN", "AUTH LOGIN",
	"AUTHENTICATE PLAIN", "AUTHENTICATE LOGIN",
};
#define NMECH	(sizeof(mech_names) / sizeof(mech_names[0]))

uint64_t
store_mech_bit(const char *name)
{
	size_t	i;

	for (i = 0; name != NULL && i < NMECH; i++)
		if (strcmp(name, mech_names[i]) == 0)
			return 1ull << i;
	return 0;
}

/* bits -> "USER/PASS;AUTH PLAIN" (table order), "" for none. */
static void
mech_text(uint64_t bits, char *buf, size_t len)
{
	size_t	i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < NMECH && o < len; i++)
		if (bits & (1ull << i))
			o += (size_t)snprintf(buf + o, len - o, "%s%s",
			    o ? ";" : "", mech_names[i]);
}

/* One finished session, copied: nothing in it points elsewhere. */
struct store_item {
	uint64_t	 ts;
	uint8_t		 family, proto, reason, modebit;
	uint8_t		 mech;		/* store_mech_bit() of the session's */
	uint16_t	 port, client_max, negotiated;
	uint8_t		 cli[16], srv[16];
	char		 ja4[48], ja3[33], sni[256], cipher[64];
	char		 sw[128], sw_src[16];	/* client_software(_source) */
	char		 label[129], exc_owner[257], exc_expires[11],
			 exc_ticket[129];
};

struct store {
	pthread_mutex_t	 mtx;
	pthread_cond_t	 wake;		/* the writer: work to do */
	pthread_cond_t	 space;		/* producers: the batch emptied */
	struct store_item *cur, *spare;	/* filling, being written */
	size_t		 ncur, nspare;
	bool		 started, stop, healthy, report_req;
	uint64_t	 report_now;
	pthread_t	 th;
	char		*db;		/* NULL: temporary database */
	char		*sensor, *inventory;
	uint32_t	 interval, window;
	bool		 offline;
	void		(*on_record)(json_t *, uint64_t);
	time_t		 warned;	/* monotonic s of the last warning */
};

static struct store	*st;
static char		 werr[256];	/* the writer's last SQLite error */

/* Counters of the writer thread, folded into stats[] by store_fold(). */
static _Atomic uint64_t	c_written, c_dropped, c_commits, c_errors, c_reports;

struct db;
static bool	 is_pg(const char *);
static struct db *db_open(const char *path, bool create, char *, size_t);
static int	 rep_write(struct db *, const struct store_filter *,
		    const char *csv, const char *json,
		    void (*)(json_t *, uint64_t), char *, size_t);
static void	*writer(void *);

/* --- small helpers -------------------------------------------------------- */

/* err = "a: b" */
static void
seterr(char *err, size_t errlen, const char *a, const char *b)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s: %s", a, b);
}

static void
copy_str(char *dst, size_t len, const char *src)
{
	if (src == NULL)
		dst[0] = '\0';
	else
		snprintf(dst, len, "%s", src);
}

static time_t
mono_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* A warning about the database, at most one per STORE_WARN_EVERY. */
static void
warn_limited(const char *what, const char *msg)
{
	time_t	now = mono_s();

	if (st->warned != 0 && now - st->warned < STORE_WARN_EVERY)
		return;
	st->warned = now;
	log_warnx("inventory store %s: %s: %s (retrying every %us)",
	    st->db == NULL ? "(temporary)" : is_pg(st->db) ? "(postgresql)" :
	    st->db, what,
	    msg, st->interval);
}

/* --- verdict -------------------------------------------------------------- */

int
store_verdict(const uint64_t seen[STORE_NREASONS], uint64_t last_seen,
    const char *exc_expires, uint64_t now_us, uint64_t window_s)
{
	uint64_t	 end = last_seen < now_us ? last_seen : now_us;
	uint64_t	 span = window_s * US, cut = end > span ? end - span : 0;
	bool		 expired = false;
	char		 today[16];
	time_t		 t = (time_t)(now_us / US);
	struct tm	 tm;
	int		 r;

	if (exc_expires != NULL && *exc_expires != '\0' &&
	    gmtime_r(&t, &tm) != NULL &&
	    strftime(today, sizeof(today), "%Y-%m-%d", &tm) != 0)
		expired = strcmp(today, exc_expires) > 0;
	for (r = 0; r < STORE_NREASONS; r++) {
		if (seen[r] == 0 || seen[r] < cut)
			continue;
		if (expired && (r == SR_LEGACY_CLIENT ||
		    r == SR_LEGACY_NEGOTIATED))
			return SR_EXCEPTION_EXPIRED;
		return r;
	}
	return SR_UNKNOWN;	/* no session at all */
}

const char *
store_status(const uint64_t seen[STORE_NREASONS], int verdict)
{
	uint64_t	legacy = 0, other;
	int		r;

	for (r = SR_LEGACY_FIRST; r <= SR_LEGACY_LAST; r++)
		if (seen[r] > legacy)
			legacy = seen[r];
	if (legacy != 0) {
		/* Fixed: only ok sessions after the last legacy one. */
		other = seen[SR_PLAINTEXT] > seen[SR_UNKNOWN] ?
		    seen[SR_PLAINTEXT] : seen[SR_UNKNOWN];
		if (seen[SR_CLEARTEXT_CREDENTIALS] > other)
			other = seen[SR_CLEARTEXT_CREDENTIALS];
		return seen[SR_OK] > legacy && other <= legacy ? "fixed" :
		    "legacy";
	}
	if (verdict == SR_CLEARTEXT_CREDENTIALS)
		return "cleartext_credentials";
	if (verdict == SR_PLAINTEXT)
		return "plaintext";
	if (verdict == SR_UNKNOWN)
		return "unknown";
	return "ok";
}

/* SQL tf_verdict(seen x 8, last_seen, exception_expires, now, window). */
static void
sql_verdict(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	uint64_t	seen[STORE_NREASONS];
	int		r;

	if (argc != STORE_NREASONS + 4) {
		sqlite3_result_error(ctx, "tf_verdict: 12 arguments", -1);
		return;
	}
	for (r = 0; r < STORE_NREASONS; r++)
		seen[r] = (uint64_t)sqlite3_value_int64(argv[r]);
	sqlite3_result_int(ctx, store_verdict(seen,
	    (uint64_t)sqlite3_value_int64(argv[STORE_NREASONS]),
	    (const char *)sqlite3_value_text(argv[STORE_NREASONS + 1]),
	    (uint64_t)sqlite3_value_int64(argv[STORE_NREASONS + 2]),
	    (uint64_t)sqlite3_value_int64(argv[STORE_NREASONS + 3])));
}

/* --- schema --------------------------------------------------------------- */

/* The columns every version has, after the key. */
#define COLS_V1_HEAD							\
	"sessions BIGINT NOT NULL, first_seen BIGINT NOT NULL, "	\
	"last_seen BIGINT NOT NULL, last_reason TEXT NOT NULL, "	\
	"mode TEXT, modes BIGINT NOT NULL DEFAULT 0, "			\
	"last_legacy_seen BIGINT NOT NULL DEFAULT 0, "			\
	"last_ok_seen BIGINT NOT NULL DEFAULT 0, "
#define COLS_V1_TAIL							\
	"client_max_version BIGINT NOT NULL DEFAULT 0, "		\
	"negotiated_min_version BIGINT NOT NULL DEFAULT 0, "		\
	"negotiated_max_version BIGINT NOT NULL DEFAULT 0, "		\
	"sni TEXT, cipher TEXT, ja3 TEXT"
#define KEY_COLS							\
	"sensor TEXT NOT NULL, client TEXT NOT NULL, "			\
	"server TEXT NOT NULL, server_port BIGINT NOT NULL, "		\
	"protocol TEXT NOT NULL, ja4 TEXT NOT NULL DEFAULT '', "
#define PKEY	"sensor, client, server, server_port, protocol, ja4"

/* Version 3: per record and day. */
#define DAYS_SQL "CREATE TABLE days (" KEY_COLS "day BIGINT NOT NULL, "	\
	"sessions BIGINT NOT NULL, legacy BIGINT NOT NULL, "		\
	"PRIMARY KEY (" PKEY ", day)); CREATE INDEX days_day ON days (day)"

static const char *const v2_added[] = {
	"endpoint_label TEXT", "exception_owner TEXT",
	"exception_expires TEXT", "exception_ticket TEXT",
};
static const char *const v4_added[] = {
	"seen_cleartext_credentials BIGINT NOT NULL DEFAULT 0",
	"n_cleartext_credentials BIGINT NOT NULL DEFAULT 0",
	"cleartext_mechanisms BIGINT NOT NULL DEFAULT 0",
	"client_software TEXT", "client_software_source TEXT",
};
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* One open database: SQLite (lite) or PostgreSQL (pg). */
struct db {
	sqlite3		*lite;
	PGconn		*pg;
	sqlite3_stmt	*ins;		/* SQLite: the upsert, prepared */
	sqlite3_stmt	*ins_day;	/* SQLite: the days upsert */
	bool		 prepared;	/* PostgreSQL: "tf_upsert" and
					 * "tf_upsert_day" prepared */
	char		 name[256];	/* for messages, without a password */
	char		 msg[512];	/* the last error */
};

static bool
is_pg(const char *path)
{
	return path != NULL && (strncmp(path, "postgresql://", 13) == 0 ||
	    strncmp(path, "postgres://", 11) == 0);
}

bool
store_is_uri(const char *path)
{
	return is_pg(path);
}

/* A URI is named from its host part on: the password stays out of logs. */
static void
db_name(struct db *d, const char *path)
{
	const char	*at;

	if (!is_pg(path))
		snprintf(d->name, sizeof(d->name), "%s", *path ? path :
		    "(temporary)");
	else if ((at = strrchr(path, '@')) != NULL)
		snprintf(d->name, sizeof(d->name), "postgresql://...%s", at);
	else
		snprintf(d->name, sizeof(d->name), "%s", path);
}

/* The database's last error as one line. */
static const char *
db_err(struct db *d)
{
	size_t	i, n;
	char	c;

	if (d->pg != NULL)
		snprintf(d->msg, sizeof(d->msg), "%s", PQerrorMessage(d->pg));
	else if (d->lite != NULL)
		snprintf(d->msg, sizeof(d->msg), "%s", sqlite3_errmsg(d->lite));
	/* libpq's messages span lines: one line for the log. */
	for (i = 0, n = 0; d->msg[i] != '\0'; i++) {
		c = d->msg[i] == '\n' || d->msg[i] == '\t' ? ' ' : d->msg[i];
		if (c == ' ' && (n == 0 || d->msg[n - 1] == ' '))
			continue;
		d->msg[n++] = c;
	}
	while (n > 0 && d->msg[n - 1] == ' ')
		n--;
	d->msg[n] = '\0';
	return d->msg;
}

static int
exec(struct db *d, const char *sql, char *err, size_t errlen)
{
	PGresult	*r;
	char		*msg = NULL;
	int		 rs;

	if (d->pg != NULL) {
		r = PQexec(d->pg, sql);
		rs = PQresultStatus(r);
		PQclear(r);
		if (rs == PGRES_COMMAND_OK || rs == PGRES_TUPLES_OK)
			return 0;
		seterr(err, errlen, d->name, db_err(d));
		return -1;
	}
	if (sqlite3_exec(d->lite, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	seterr(err, errlen, d->name, msg != NULL ? msg : db_err(d));
	sqlite3_free(msg);
	return -1;
}

/* The first column of the first row of sql as an integer; -1 if none. */
static long long
query_int(struct db *d, const char *sql)
{
	sqlite3_stmt	*s;
	PGresult	*r;
	long long	 v = -1;

	if (d->pg != NULL) {
		r = PQexec(d->pg, sql);
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0)
			v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
		return v;
	}
	if (sqlite3_prepare_v2(d->lite, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/*
 * CREATE TABLE records for version v (1 to 4) into buf: version 1's
 * columns (its seven reasons), then those each later version added, in
 * the order an upgrade adds them -- a new table and an upgraded one look
 * alike.
 */
static void
create_sql(int v, char *buf, size_t len)
{
	size_t	o, i;
	int	r;

	o = (size_t)snprintf(buf, len, "CREATE TABLE records (" KEY_COLS
	    COLS_V1_HEAD);
	for (r = SR_CLEARTEXT_CREDENTIALS + 1; r < STORE_NREASONS && o < len;
	    r++)
		o += (size_t)snprintf(buf + o, len - o,
		    "seen_%s BIGINT NOT NULL DEFAULT 0, "
		    "n_%s BIGINT NOT NULL DEFAULT 0, ", reason_names[r],
		    reason_names[r]);
	if (o < len)
		o += (size_t)snprintf(buf + o, len - o, COLS_V1_TAIL);
	for (i = 0; v >= 2 && i < NELEM(v2_added) && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, ", %s", v2_added[i]);
	for (i = 0; v >= 4 && i < NELEM(v4_added) && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, ", %s", v4_added[i]);
	if (o < len)
		snprintf(buf + o, len - o, ", PRIMARY KEY (" PKEY "))");
}

/*
 * PostgreSQL has no tf_verdict() from C: the same rule as
 * store_verdict(), in SQL (tests/store compares the two backends'
 * reports), the numbers those of enum store_reason.  Version 3's
 * function (seven reasons) is dropped.
 */
static void
pg_verdict_sql(char *buf, size_t len)
{
	snprintf(buf, len, "DROP FUNCTION IF EXISTS tf_verdict(bigint, "
	    "bigint, bigint, bigint, bigint, bigint, bigint, bigint, text, "
	    "bigint, bigint); "
	    "CREATE OR REPLACE FUNCTION tf_verdict(cc bigint, lr bigint, "
	    "ee bigint, lc bigint, ln bigint, pt bigint, un bigint, ok bigint, "
	    "last bigint, exp text, now bigint, win bigint) RETURNS integer "
	    "LANGUAGE sql IMMUTABLE AS $$ SELECT CASE "
	    "WHEN cc <> 0 AND cc >= c THEN %d "
	    "WHEN lr <> 0 AND lr >= c THEN %d "
	    "WHEN ee <> 0 AND ee >= c THEN %d "
	    "WHEN lc <> 0 AND lc >= c THEN CASE WHEN x THEN %d ELSE %d END "
	    "WHEN ln <> 0 AND ln >= c THEN CASE WHEN x THEN %d ELSE %d END "
	    "WHEN pt <> 0 AND pt >= c THEN %d "
	    "WHEN un <> 0 AND un >= c THEN %d "
	    "WHEN ok <> 0 AND ok >= c THEN %d ELSE %d END "
	    "FROM (SELECT GREATEST(LEAST(last, now) - win * 1000000, 0) AS c, "
	    "(exp IS NOT NULL AND exp <> '' AND to_char(to_timestamp("
	    "(now / 1000000)::double precision) AT TIME ZONE 'UTC', "
	    "'YYYY-MM-DD') > exp) AS x) AS s $$",
	    SR_CLEARTEXT_CREDENTIALS, SR_LEGACY_REFUSED, SR_EXCEPTION_EXPIRED,
	    SR_EXCEPTION_EXPIRED, SR_LEGACY_CLIENT, SR_EXCEPTION_EXPIRED,
	    SR_LEGACY_NEGOTIATED, SR_PLAINTEXT, SR_UNKNOWN, SR_OK, SR_UNKNOWN);
}

/* Create the schema, or bring an older one up to date, in one
 * transaction.  -1 with the reason in err. */
static int
db_schema(struct db *d, char *err, size_t errlen)
{
	char		sql[4096];
	size_t		i;
	long long	v;

	/* Up to date: no write transaction, so that a reader with read
	 * access only (an analyst running a report) gets through. */
	if (d->pg == NULL)
		v = query_int(d, "PRAGMA user_version");
	else if ((v = query_int(d, "SELECT count(*) FROM pg_tables WHERE "
	    "tablename = 'tlsfloor_schema' AND schemaname = "
	    "current_schema()")) == 1)
		v = query_int(d, "SELECT max(version) FROM tlsfloor_schema");
	if (v == STORE_SCHEMA_VERSION)
		return 0;
	if (exec(d, d->pg ? "BEGIN" : "BEGIN IMMEDIATE", err, errlen) != 0)
		return -1;
	/* PostgreSQL: several sensors may start at once; one creates. */
	if (d->pg != NULL && exec(d, "SELECT pg_advisory_xact_lock("
	    "7465636)", err, errlen) != 0)
		goto fail;
	if (d->pg == NULL)
		v = query_int(d, "PRAGMA user_version");
	else if ((v = query_int(d, "SELECT count(*) FROM pg_tables WHERE "
	    "tablename = 'tlsfloor_schema' AND schemaname = "
	    "current_schema()")) == 1)
		v = query_int(d, "SELECT max(version) FROM tlsfloor_schema");
	if (v < 0) {
		seterr(err, errlen, d->name, db_err(d));
		goto fail;
	}
	if (v > STORE_SCHEMA_VERSION) {
		snprintf(err, errlen, "%s: schema version %lld is newer than "
		    "this tlsfloor knows (%d)", d->name, v,
		    STORE_SCHEMA_VERSION);
		goto fail;
	}
	if (v == 0) {
		create_sql(STORE_SCHEMA_VERSION, sql, sizeof(sql));
		if (exec(d, sql, err, errlen) != 0)
			goto fail;
		if (d->pg != NULL && exec(d, "CREATE TABLE tlsfloor_schema "
		    "(version integer NOT NULL); INSERT INTO tlsfloor_schema "
		    "VALUES (0)", err, errlen) != 0)
			goto fail;
	}
	if (v == 1)
		for (i = 0; i < NELEM(v2_added); i++) {
			snprintf(sql, sizeof(sql), "ALTER TABLE records ADD "
			    "COLUMN %s", v2_added[i]);
			if (exec(d, sql, err, errlen) != 0)
				goto fail;
		}
	if (v >= 0 && v <= 2 && exec(d, DAYS_SQL, err, errlen) != 0)
		goto fail;
	/* Version 4: the clear-text credentials and the program name.  A
	 * session stored as plaintext before stays so: the store never knew
	 * which had sent a password. */
	if (v >= 1 && v <= 3)
		for (i = 0; i < NELEM(v4_added); i++) {
			snprintf(sql, sizeof(sql), "ALTER TABLE records ADD "
			    "COLUMN %s", v4_added[i]);
			if (exec(d, sql, err, errlen) != 0)
				goto fail;
		}
	if (v != STORE_SCHEMA_VERSION) {
		if (d->pg == NULL)
			snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
			    STORE_SCHEMA_VERSION);
		else
			snprintf(sql, sizeof(sql), "UPDATE tlsfloor_schema "
			    "SET version = %d", STORE_SCHEMA_VERSION);
		if (exec(d, sql, err, errlen) != 0)
			goto fail;
	}
	if (d->pg != NULL) {
		pg_verdict_sql(sql, sizeof(sql));
		if (exec(d, sql, err, errlen) != 0)
			goto fail;
	}
	return exec(d, "COMMIT", err, errlen);
fail:
	if (d->pg != NULL)
		PQclear(PQexec(d->pg, "ROLLBACK"));
	else
		sqlite3_exec(d->lite, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int
store_create_old(const char *path, int version, char *err, size_t errlen)
{
	struct db	d;
	char		sql[4096];
	int		rc;

	memset(&d, 0, sizeof(d));
	db_name(&d, path);
	if (sqlite3_open_v2(path, &d.lite, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		seterr(err, errlen, path, db_err(&d));
		sqlite3_close(d.lite);
		return -1;
	}
	create_sql(version, sql, sizeof(sql));
	rc = exec(&d, sql, err, errlen);
	if (rc == 0 && version >= 3)
		rc = exec(&d, DAYS_SQL, err, errlen);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version);
	if (rc == 0)
		rc = exec(&d, sql, err, errlen);
	sqlite3_close(d.lite);
	return rc;
}

static void
db_close(struct db *d)
{
	if (d == NULL)
		return;
	sqlite3_finalize(d->ins);
	sqlite3_finalize(d->ins_day);
	sqlite3_close(d->lite);
	if (d->pg != NULL)
		PQfinish(d->pg);
	free(d);
}

/*
 * A report without write access to the database (an analyst's account):
 * SQLite cannot set up the WAL index without creating PATH-shm.  When no
 * PATH-wal exists (no writer, everything checkpointed into the file) the
 * file is read as immutable instead.  0, or -1 (db_err() says why).
 */
static int
lite_readonly(struct db *d, const char *path)
{
	char		*uri, wal[4096];
	size_t		 n = 0;
	const char	*p;

	if (!sqlite3_db_readonly(d->lite, "main"))
		return 0;
	snprintf(wal, sizeof(wal), "%s-wal", path);
	if (access(wal, F_OK) == 0)
		return 0;	/* a writer is there: read through its index */
	if ((uri = malloc(strlen(path) * 3 + 32)) == NULL)
		return -1;
	n = (size_t)sprintf(uri, "file:");
	for (p = path; *p != '\0'; p++)
		if (*p == '%' || *p == '?' || *p == '#')
			n += (size_t)sprintf(uri + n, "%%%02X",
			    (unsigned char)*p);
		else
			uri[n++] = *p;
	sprintf(uri + n, "?immutable=1");
	sqlite3_close(d->lite);
	d->lite = NULL;
	n = sqlite3_open_v2(uri, &d->lite, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK ? 0 : 1;
	free(uri);
	return n == 0 ? 0 : -1;
}

/*
 * Open path: a postgresql:// URI, or an SQLite file ("" : a temporary
 * database) in WAL mode with synchronous=FULL, the busy timeout and
 * tf_verdict(); then the schema.  NULL with the reason in err.
 */
static struct db *
db_open(const char *path, bool create, char *err, size_t errlen)
{
	struct db	*d;
	int		 fl = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		seterr(err, errlen, "inventory store", "out of memory");
		return NULL;
	}
	db_name(d, path);
	if (is_pg(path)) {
		d->pg = PQconnectdb(path);
		if (d->pg == NULL || PQstatus(d->pg) != CONNECTION_OK) {
			seterr(err, errlen, d->name, d->pg != NULL ?
			    db_err(d) : "out of memory");
			goto fail;
		}
		/* Our messages, not the server's notices, on stderr. */
		if (exec(d, "SET client_min_messages = warning", err,
		    errlen) != 0)
			goto fail;
	} else {
		if (create)
			fl |= SQLITE_OPEN_CREATE;
		/* Opened as root at start, in a directory the daemon user
		 * may write: a symbolic link there is not followed. */
		fl |= SQLITE_OPEN_NOFOLLOW;
		if (sqlite3_open_v2(path, &d->lite, fl, NULL) != SQLITE_OK) {
			seterr(err, errlen, d->name, d->lite != NULL ?
			    db_err(d) : "out of memory");
			goto fail;
		}
		if (!create && *path != '\0' && lite_readonly(d, path) != 0) {
			seterr(err, errlen, d->name, db_err(d));
			goto fail;
		}
		sqlite3_busy_timeout(d->lite, STORE_BUSY_MS);
		/* WAL is a property of the file, set by the daemon; a report
		 * (create false) must not need write access for it. */
		if ((*path != '\0' && create && exec(d,
		    "PRAGMA journal_mode = WAL", err, errlen) != 0) ||
		    exec(d, "PRAGMA synchronous = FULL", err, errlen) != 0)
			goto fail;
		if (sqlite3_create_function(d->lite, "tf_verdict",
		    STORE_NREASONS + 4, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
		    NULL, sql_verdict, NULL, NULL) != SQLITE_OK) {
			seterr(err, errlen, d->name, db_err(d));
			goto fail;
		}
	}
	if (db_schema(d, err, errlen) != 0)
		goto fail;
	return d;
fail:
	db_close(d);
	return NULL;
}

/* --- writing -------------------------------------------------------------- */

/*
 * The upsert, for SQLite (?N parameters, max/min) or PostgreSQL ($N,
 * GREATEST/LEAST).  Parameters: 1..6 key, 7 ts, 8 reason name, 9 mode
 * name, 10 mode bit, 11 reason index (for the seen_/n_ columns, via
 * CASE), 12 client_max, 13 negotiated, 14 sni, 15 cipher, 16 ja3, 17
 * label, 18..20 exception, 21 clear-text mechanism bit, 22..23
 * client_software and its source.  The existing row's columns are
 * qualified (records.x), the new row's are excluded.x.
 */
static char *
upsert_sql(bool pg)
{
	const char	*mx = pg ? "GREATEST" : "max", *mn = pg ? "LEAST" : "min";
	char		*b, *p;
	size_t		 len = 16384, o;
	int		 r;

	if ((b = malloc(len)) == NULL)
		return NULL;
	o = (size_t)snprintf(b, len, "INSERT INTO records (" PKEY ", "
	    "sessions, first_seen, last_seen, last_reason, mode, modes, "
	    "last_legacy_seen, last_ok_seen, ");
	for (r = 0; r < STORE_NREASONS; r++)
		o += (size_t)snprintf(b + o, len - o, "seen_%s, n_%s, ",
		    reason_names[r], reason_names[r]);
	o += (size_t)snprintf(b + o, len - o, "client_max_version, "
	    "negotiated_min_version, negotiated_max_version, sni, cipher, "
	    "ja3, endpoint_label, exception_owner, exception_expires, "
	    "exception_ticket, cleartext_mechanisms, client_software, "
	    "client_software_source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, "
	    "?7, ?8, ?9, ?10, CASE WHEN ?11 BETWEEN %d AND %d THEN ?7 ELSE 0 "
	    "END, CASE WHEN ?11 = %d THEN ?7 ELSE 0 END, ", SR_LEGACY_FIRST,
	    SR_LEGACY_LAST, SR_OK);
	for (r = 0; r < STORE_NREASONS; r++)
		o += (size_t)snprintf(b + o, len - o, "CASE WHEN ?11 = %d "
		    "THEN ?7 ELSE 0 END, CASE WHEN ?11 = %d THEN 1 ELSE 0 END, ",
		    r, r);
	o += (size_t)snprintf(b + o, len - o, "?12, ?13, ?13, ?14, ?15, ?16, "
	    "?17, ?18, ?19, ?20, ?21, ?22, ?23) ON CONFLICT (" PKEY ") DO "
	    "UPDATE SET "
	    "sessions = records.sessions + 1, "
	    "first_seen = %s(records.first_seen, excluded.first_seen), "
	    "last_seen = %s(records.last_seen, excluded.last_seen), "
	    "last_reason = CASE WHEN excluded.last_seen >= records.last_seen "
	    "THEN excluded.last_reason ELSE records.last_reason END, "
	    "mode = CASE WHEN excluded.last_seen >= records.last_seen THEN "
	    "excluded.mode ELSE records.mode END, "
	    "modes = records.modes | excluded.modes, "
	    "last_legacy_seen = %s(records.last_legacy_seen, "
	    "excluded.last_legacy_seen), "
	    "last_ok_seen = %s(records.last_ok_seen, excluded.last_ok_seen), ",
	    mn, mx, mx, mx);
	for (r = 0; r < STORE_NREASONS; r++)
		o += (size_t)snprintf(b + o, len - o, "seen_%s = %s("
		    "records.seen_%s, excluded.seen_%s), n_%s = records.n_%s + "
		    "excluded.n_%s, ", reason_names[r], mx, reason_names[r],
		    reason_names[r], reason_names[r], reason_names[r],
		    reason_names[r]);
	/* The "latest that had one" fields: the newer value wins. */
#define LATEST(c)	c " = CASE WHEN excluded." c " IS NOT NULL AND " \
		"(records." c " IS NULL OR excluded.last_seen >= " \
		"records.last_seen) THEN excluded." c " ELSE records." c " END"
#define LATEST_EXC(c)	c " = CASE WHEN excluded.exception_owner IS NOT " \
		"NULL AND (records.exception_owner IS NULL OR " \
		"excluded.last_seen >= records.last_seen) THEN excluded." c \
		" ELSE records." c " END"
#define LATEST_SW(c)	c " = CASE WHEN excluded.client_software IS NOT " \
		"NULL AND (records.client_software IS NULL OR " \
		"excluded.last_seen >= records.last_seen) THEN excluded." c \
		" ELSE records." c " END"
	o += (size_t)snprintf(b + o, len - o,
	    "client_max_version = %s(records.client_max_version, "
	    "excluded.client_max_version), "
	    "negotiated_min_version = CASE WHEN "
	    "records.negotiated_min_version = 0 THEN "
	    "excluded.negotiated_min_version WHEN "
	    "excluded.negotiated_min_version = 0 THEN "
	    "records.negotiated_min_version ELSE "
	    "%s(records.negotiated_min_version, "
	    "excluded.negotiated_min_version) END, "
	    "negotiated_max_version = %s(records.negotiated_max_version, "
	    "excluded.negotiated_max_version), "
	    LATEST("sni") ", " LATEST("cipher") ", " LATEST("ja3") ", "
	    LATEST("endpoint_label") ", " LATEST_EXC("exception_expires") ", "
	    LATEST_EXC("exception_ticket") ", " LATEST_EXC("exception_owner")
	    ", cleartext_mechanisms = records.cleartext_mechanisms | "
	    "excluded.cleartext_mechanisms, "
	    LATEST_SW("client_software_source") ", "
	    LATEST_SW("client_software"), mx, mn, mx);
#undef LATEST
#undef LATEST_EXC
#undef LATEST_SW
	if (o >= len) {
		free(b);
		return NULL;
	}
	if (pg)
		for (p = b; (p = strchr(p, '?')) != NULL; p++)
			*p = '$';
	return b;
}

/* One session's parameters as text (NULL: SQL NULL), for either backend. */
#define NPARAMS	23
struct item_params {
	const char	*v[NPARAMS];
	char		 cli[INET6_ADDRSTRLEN], srv[INET6_ADDRSTRLEN];
	char		 num[7][24];
};

static const char *
nul(const char *s)
{
	return s != NULL && *s != '\0' ? s : NULL;
}

static int
item_params(const struct store_item *it, const char *sensor,
    struct item_params *p)
{
	int	af = it->family == 4 ? AF_INET : AF_INET6;
	int	m = it->modebit == 1 ? 0 : it->modebit == 2 ? 1 :
		    it->modebit == 4 ? 2 : -1;

	if (inet_ntop(af, it->cli, p->cli, sizeof(p->cli)) == NULL ||
	    inet_ntop(af, it->srv, p->srv, sizeof(p->srv)) == NULL)
		return -1;
	snprintf(p->num[0], 24, "%u", it->port);
	snprintf(p->num[1], 24, "%llu", (unsigned long long)it->ts);
	snprintf(p->num[2], 24, "%u", it->modebit);
	snprintf(p->num[3], 24, "%u", it->reason);
	snprintf(p->num[4], 24, "%u", it->client_max);
	snprintf(p->num[5], 24, "%u", it->negotiated);
	p->v[0] = sensor;
	p->v[1] = p->cli;
	p->v[2] = p->srv;
	p->v[3] = p->num[0];
	p->v[4] = config_proto_name(it->proto);
	p->v[5] = it->ja4;		/* '' when none: part of the key */
	p->v[6] = p->num[1];
	p->v[7] = reason_names[it->reason];
	p->v[8] = m >= 0 ? mode_names[m] : NULL;
	p->v[9] = p->num[2];
	p->v[10] = p->num[3];
	p->v[11] = p->num[4];
	p->v[12] = p->num[5];
	p->v[13] = nul(it->sni);
	p->v[14] = nul(it->cipher);
	p->v[15] = nul(it->ja3);
	p->v[16] = nul(it->label);
	p->v[17] = nul(it->exc_owner);
	p->v[18] = it->exc_owner[0] ? nul(it->exc_expires) : NULL;
	p->v[19] = it->exc_owner[0] ? nul(it->exc_ticket) : NULL;
	snprintf(p->num[6], 24, "%u", it->mech);
	p->v[20] = p->num[6];
	p->v[21] = nul(it->sw);
	p->v[22] = it->sw[0] ? nul(it->sw_src) : NULL;
	return 0;
}

/* Which parameters are integers (the rest are text). */
static bool
param_is_int(int i)
{
	return i == 3 || i == 6 || (i >= 9 && i <= 12) || i == 20;
}

/* The per-day upsert: parameters 1..6 key, 7 day, 8 legacy (0 or 1). */
static const char day_upsert[] = "INSERT INTO days (" PKEY ", day, "
    "sessions, legacy) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1, ?8) "
    "ON CONFLICT (" PKEY ", day) DO UPDATE SET sessions = days.sessions + "
    "1, legacy = days.legacy + excluded.legacy";

/* Prepare the upserts on d once.  -1 with the reason in werr. */
static int
prepare_upsert(struct db *d)
{
	static const Oid dtypes[8] = { 25, 25, 25, 20, 25, 25, 20, 20 };
	Oid		 types[NPARAMS];
	PGresult	*r;
	char		*sql, dsql[sizeof(day_upsert)], *q;
	int		 i, rc = -1;

	if (d->ins != NULL || d->prepared)
		return 0;
	if ((sql = upsert_sql(d->pg != NULL)) == NULL) {
		snprintf(werr, sizeof(werr), "out of memory");
		return -1;
	}
	if (d->pg != NULL) {
		for (i = 0; i < NPARAMS; i++)
			types[i] = param_is_int(i) ? 20 : 25;	/* int8, text */
		r = PQprepare(d->pg, "tf_upsert", sql, NPARAMS, types);
		if (PQresultStatus(r) == PGRES_COMMAND_OK)
			rc = 0;
		PQclear(r);
		memcpy(dsql, day_upsert, sizeof(dsql));
		for (q = dsql; (q = strchr(q, '?')) != NULL; q++)
			*q = '$';
		if (rc == 0) {
			r = PQprepare(d->pg, "tf_upsert_day", dsql, 8, dtypes);
			if (PQresultStatus(r) != PGRES_COMMAND_OK)
				rc = -1;
			PQclear(r);
		}
		d->prepared = rc == 0;
	} else if (sqlite3_prepare_v2(d->lite, sql, -1, &d->ins, NULL) ==
	    SQLITE_OK && sqlite3_prepare_v2(d->lite, day_upsert, -1,
	    &d->ins_day, NULL) == SQLITE_OK)
		rc = 0;
	else {
		sqlite3_finalize(d->ins);
		d->ins = NULL;
	}
	if (rc != 0)
		snprintf(werr, sizeof(werr), "%s", db_err(d));
	free(sql);
	return rc;
}

static int
upsert_one(struct db *d, const struct item_params *p)
{
	PGresult	*r;
	int		 i, rs;

	if (d->pg != NULL) {
		r = PQexecPrepared(d->pg, "tf_upsert", NPARAMS, p->v, NULL,
		    NULL, 0);
		rs = PQresultStatus(r);
		PQclear(r);
		return rs == PGRES_COMMAND_OK ? 0 : -1;
	}
	sqlite3_reset(d->ins);
	for (i = 0; i < NPARAMS; i++)
		if (p->v[i] == NULL)
			sqlite3_bind_null(d->ins, i + 1);
		else if (param_is_int(i))
			sqlite3_bind_int64(d->ins, i + 1,
			    (sqlite3_int64)strtoull(p->v[i], NULL, 10));
		else
			sqlite3_bind_text(d->ins, i + 1, p->v[i], -1,
			    SQLITE_TRANSIENT);
	rs = sqlite3_step(d->ins);
	sqlite3_reset(d->ins);
	return rs == SQLITE_DONE ? 0 : -1;
}

/* The session's row of the days table (same key, its UTC day). */
static int
upsert_day(struct db *d, const struct item_params *p, uint64_t ts,
    int reason)
{
	const char	*v[8];
	char		 day[24], legacy[2];
	PGresult	*r;
	int		 i, rs;

	snprintf(day, sizeof(day), "%llu", (unsigned long long)(ts /
	    (86400 * US)));
	legacy[0] = R_LEGACY(reason) ? '1' : '0';
	legacy[1] = '\0';
	for (i = 0; i < 6; i++)
		v[i] = p->v[i];
	v[6] = day;
	v[7] = legacy;
	if (d->pg != NULL) {
		r = PQexecPrepared(d->pg, "tf_upsert_day", 8, v, NULL, NULL,
		    0);
		rs = PQresultStatus(r);
		PQclear(r);
		return rs == PGRES_COMMAND_OK ? 0 : -1;
	}
	sqlite3_reset(d->ins_day);
	for (i = 0; i < 8; i++)
		if (i == 3 || i >= 6)
			sqlite3_bind_int64(d->ins_day, i + 1,
			    (sqlite3_int64)strtoull(v[i], NULL, 10));
		else
			sqlite3_bind_text(d->ins_day, i + 1, v[i], -1,
			    SQLITE_TRANSIENT);
	rs = sqlite3_step(d->ins_day);
	sqlite3_reset(d->ins_day);
	return rs == SQLITE_DONE ? 0 : -1;
}

/*
 * This sensor's days older than the window go, counted back from its
 * newest day in the table (not the clock: old captures keep their trend).
 * Only its own rows: sensors sharing a PostgreSQL database never wait on
 * each other's rows.
 */
static int
prune_days(struct db *d)
{
	static const char sql[] = "DELETE FROM days WHERE sensor = ?1 AND "
	    "day < (SELECT max(day) FROM days WHERE sensor = ?1) - ?2";
	const char	*v[2];
	char		 keep[24], pg[sizeof(sql)], *q;
	sqlite3_stmt	*s;
	PGresult	*r;
	int		 rs;

	snprintf(keep, sizeof(keep), "%u", st->window / 86400u + 1);
	if (d->pg != NULL) {
		memcpy(pg, sql, sizeof(pg));
		for (q = pg; (q = strchr(q, '?')) != NULL; q++)
			*q = '$';
		v[0] = st->sensor;
		v[1] = keep;
		r = PQexecParams(d->pg, pg, 2, NULL, v, NULL, NULL, 0);
		rs = PQresultStatus(r);
		PQclear(r);
		return rs == PGRES_COMMAND_OK ? 0 : -1;
	}
	if (sqlite3_prepare_v2(d->lite, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, st->sensor, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, st->window / 86400u + 1);
	rs = sqlite3_step(s);
	sqlite3_finalize(s);
	return rs == SQLITE_DONE ? 0 : -1;
}

/* One transaction with every item; -1 (rolled back) on any error, the
 * reason in werr. */
static int
write_batch(struct db *d, const struct store_item *it, size_t n)
{
	struct item_params	p;
	size_t			i;

	if (prepare_upsert(d) != 0)
		return -1;
	if (exec(d, d->pg ? "BEGIN" : "BEGIN IMMEDIATE", NULL, 0) != 0)
		goto fail;
	for (i = 0; i < n; i++) {
		if (item_params(&it[i], st->sensor, &p) != 0)
			continue;	/* not an address: cannot happen */
		if (upsert_one(d, &p) != 0 ||
		    upsert_day(d, &p, it[i].ts, it[i].reason) != 0)
			goto fail;
	}
	if (prune_days(d) != 0)
		goto fail;
	if (exec(d, "COMMIT", NULL, 0) != 0)
		goto fail;
	return 0;
fail:
	snprintf(werr, sizeof(werr), "%s", db_err(d));
	if (d->pg != NULL && PQstatus(d->pg) == CONNECTION_OK)
		PQclear(PQexec(d->pg, "ROLLBACK"));
	else if (d->lite != NULL)
		sqlite3_exec(d->lite, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* The --inventory files from the writer's connection. */
static void
write_inventory(struct db *db, uint64_t now, bool stop)
{
	void			(*emit)(json_t *, uint64_t) = NULL;
	struct store_filter	 f;
	char			 err[512], *csv = NULL, *json = NULL;
	size_t			 n = strlen(st->inventory);

	memset(&f, 0, sizeof(f));
	f.now_us = now;
	f.window_s = st->window;
	if (!st->offline || stop)
		emit = st->on_record;
	if (inventory_ends_with(st->inventory, ".csv"))
		csv = strdup(st->inventory);
	else if (inventory_ends_with(st->inventory, ".json"))
		json = strdup(st->inventory);
	else if ((csv = malloc(n + 5)) != NULL &&
	    (json = malloc(n + 6)) != NULL) {
		snprintf(csv, n + 5, "%s.csv", st->inventory);
		snprintf(json, n + 6, "%s.json", st->inventory);
	}
	if ((csv == NULL && json == NULL) || (csv == NULL && json != NULL &&
	    !inventory_ends_with(st->inventory, ".json")))
		log_warnx("inventory: %s: out of memory", st->inventory);
	else if (rep_write(db, &f, csv, json, emit, err, sizeof(err)) !=
	    0) {
		log_warnx("inventory: %s", err);
		atomic_fetch_add(&c_errors, 1);
	} else {
		log_info("inventory written: %s", st->inventory);
		atomic_fetch_add(&c_reports, 1);
	}
	free(csv);
	free(json);
}

static void
deadline_in(struct timespec *ts, uint32_t s)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += s;
}

static void *
writer(void *arg)
{
	struct db	*db = NULL;
	struct timespec	 dl;
	char		 err[512];
	struct store_item *t;
	uint64_t	 rnow = 0;
	bool		 report, stop;
	int		 tries = 0;

	(void)arg;
	deadline_in(&dl, st->interval);
	for (;;) {
		pthread_mutex_lock(&st->mtx);
		while (!st->stop && !st->report_req &&
		    st->ncur < STORE_BATCH / 2 &&
		    pthread_cond_timedwait(&st->wake, &st->mtx, &dl) !=
		    ETIMEDOUT)
			;
		if (st->nspare == 0 && st->ncur > 0) {
			t = st->spare;
			st->spare = st->cur;
			st->nspare = st->ncur;
			st->cur = t;
			st->ncur = 0;
			pthread_cond_broadcast(&st->space);
		}
		report = st->report_req;
		rnow = st->report_now;
		stop = st->stop;
		pthread_mutex_unlock(&st->mtx);
		deadline_in(&dl, st->interval);

		if (db == NULL && (db = db_open(st->db != NULL ? st->db : "",
		    true, err, sizeof(err))) == NULL) {
			if (st->warned == 0 || mono_s() - st->warned >=
			    STORE_WARN_EVERY) {
				st->warned = mono_s();
				log_warnx("inventory store: %s (retrying "
				    "every %us)", err, st->interval);
			}
		}
		if (st->nspare > 0) {
			if (db != NULL && write_batch(db, st->spare,
			    st->nspare) == 0) {
				atomic_fetch_add(&c_written, st->nspare);
				atomic_fetch_add(&c_commits, 1);
				pthread_mutex_lock(&st->mtx);
				st->nspare = 0;
				st->healthy = true;
				pthread_cond_broadcast(&st->space);
				pthread_mutex_unlock(&st->mtx);
				continue;	/* more may be waiting */
			}
			atomic_fetch_add(&c_errors, 1);
			if (db != NULL)
				warn_limited("write", werr);
			/* PostgreSQL went away (restart): connect again on
			 * the next round, the batch is kept. */
			if (db != NULL && db->pg != NULL &&
			    PQstatus(db->pg) != CONNECTION_OK) {
				db_close(db);
				db = NULL;
			}
			pthread_mutex_lock(&st->mtx);
			st->healthy = false;
			pthread_cond_broadcast(&st->space);
			pthread_mutex_unlock(&st->mtx);
			if (stop && ++tries < STORE_CLOSE_TRIES) {
				sleep(1);
				continue;
			}
		}
		if (report && db != NULL && st->inventory != NULL &&
		    (st->nspare == 0 || stop)) {
			pthread_mutex_lock(&st->mtx);
			st->report_req = false;
			pthread_mutex_unlock(&st->mtx);
			write_inventory(db, rnow, stop);
		}
		if (stop) {
			pthread_mutex_lock(&st->mtx);
			if (st->nspare == 0 && st->ncur > 0 &&
			    tries < STORE_CLOSE_TRIES) {
				pthread_mutex_unlock(&st->mtx);
				continue;
			}
			/* What could not be written is lost: say how much. */
			atomic_fetch_add(&c_dropped, st->nspare + st->ncur);
			st->nspare = st->ncur = 0;
			pthread_mutex_unlock(&st->mtx);
			break;
		}
	}
	db_close(db);
	return NULL;
}

/* --- the daemon's side ---------------------------------------------------- */

static void
store_free(void)
{
	if (st == NULL)
		return;
	free(st->cur);
	free(st->spare);
	free(st->db);
	free(st->sensor);
	free(st->inventory);
	pthread_mutex_destroy(&st->mtx);
	pthread_cond_destroy(&st->wake);
	pthread_cond_destroy(&st->space);
	free(st);
	st = NULL;
}

int
store_open(const struct store_opts *o, char *err, size_t errlen)
{
	pthread_condattr_t	 ca;
	struct db		*db;

	if ((st = calloc(1, sizeof(*st))) == NULL)
		goto oom;
	pthread_mutex_init(&st->mtx, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&st->wake, &ca);
	pthread_cond_init(&st->space, &ca);
	pthread_condattr_destroy(&ca);
	st->interval = o->commit_interval > 0 ? o->commit_interval : 1;
	st->window = o->window;
	st->offline = o->offline;
	st->on_record = o->on_record;
	st->healthy = true;
	if ((st->cur = calloc(STORE_BATCH, sizeof(*st->cur))) == NULL ||
	    (st->spare = calloc(STORE_BATCH, sizeof(*st->spare))) == NULL ||
	    (st->sensor = strdup(o->sensor != NULL ? o->sensor : "")) ==
	    NULL ||
	    (o->db != NULL && (st->db = strdup(o->db)) == NULL) ||
	    (o->inventory != NULL && (st->inventory = strdup(o->inventory))
	    == NULL))
		goto oom;
	/* Check (and create or upgrade) now, so a bad path stops the start;
	 * the writer opens its own connection, after any fork. */
	if (st->db != NULL) {
		if ((db = db_open(st->db, true, err, errlen)) != NULL)
			db_close(db);
		else if (is_pg(st->db))
			/* A server may come up after us (boot order): the
			 * writer keeps trying, sessions wait in the batch. */
			log_warnx("inventory store: %s (retrying every %us)",
			    err, st->interval);
		else {
			store_free();
			return -1;
		}
	}
	return 0;
oom:
	store_free();
	snprintf(err, errlen, "inventory store: out of memory");
	return -1;
}

bool
store_active(void)
{
	return st != NULL;
}

/* With st->mtx held: the writer runs (started now if need be). */
static bool
ensure_started(void)
{
	if (st->started)
		return true;
	if (pthread_create(&st->th, NULL, writer, NULL) != 0) {
		log_warn("inventory store: thread");
		return false;
	}
	st->started = true;
	return true;
}

void
store_add(const struct inv_session *s)
{
	const struct config_exception	*e;
	struct store_item		*it;
	struct timespec			 dl;

	if (st == NULL || s == NULL || (s->family != 4 && s->family != 6) ||
	    store_reason_of(s->reason) < 0)
		return;
	pthread_mutex_lock(&st->mtx);
	if (!ensure_started()) {
		atomic_fetch_add(&c_dropped, 1);
		pthread_mutex_unlock(&st->mtx);
		return;
	}
	if (st->ncur == STORE_BATCH) {
		pthread_cond_signal(&st->wake);
		if (st->offline)
			while (st->ncur == STORE_BATCH && st->healthy)
				pthread_cond_wait(&st->space, &st->mtx);
		else {
			clock_gettime(CLOCK_MONOTONIC, &dl);
			dl.tv_nsec += STORE_WAIT_MS * 1000000L;
			if (dl.tv_nsec >= 1000000000L) {
				dl.tv_sec++;
				dl.tv_nsec -= 1000000000L;
			}
			while (st->ncur == STORE_BATCH &&
			    pthread_cond_timedwait(&st->space, &st->mtx,
			    &dl) != ETIMEDOUT)
				;
		}
		if (st->ncur == STORE_BATCH) {
			atomic_fetch_add(&c_dropped, 1);
			pthread_mutex_unlock(&st->mtx);
			return;
		}
	}
	it = &st->cur[st->ncur];
	memset(it, 0, sizeof(*it));
	it->ts = s->ts;
	it->family = s->family;
	memcpy(it->cli, s->cli, s->family == 4 ? 4 : 16);
	memcpy(it->srv, s->srv, s->family == 4 ? 4 : 16);
	it->port = s->srv_port;
	it->proto = s->proto;
	it->reason = (uint8_t)store_reason_of(s->reason);
	it->modebit = s->mode == NULL ? 0 : strcmp(s->mode, "starttls") == 0 ?
	    1 : strcmp(s->mode, "implicit") == 0 ? 2 :
	    strcmp(s->mode, "plain") == 0 ? 4 : 0;
	it->client_max = s->client_max ? tls_version_norm(s->client_max) : 0;
	it->negotiated = s->negotiated ? tls_version_norm(s->negotiated) : 0;
	copy_str(it->ja4, sizeof(it->ja4), s->ja4);
	copy_str(it->ja3, sizeof(it->ja3), s->ja3);
	copy_str(it->sni, sizeof(it->sni), s->sni);
	if (s->cipher_name != NULL)
		copy_str(it->cipher, sizeof(it->cipher), s->cipher_name);
	else if (s->cipher != 0)
		snprintf(it->cipher, sizeof(it->cipher), "0x%04x", s->cipher);
	copy_str(it->label, sizeof(it->label), s->endpoint_label);
	if (s->cleartext_credentials)
		it->mech = (uint8_t)store_mech_bit(s->cleartext_mechanism);
	copy_str(it->sw, sizeof(it->sw), s->client_software);
	copy_str(it->sw_src, sizeof(it->sw_src), s->client_software_source);
	if ((e = s->exception) != NULL && e->owner != NULL) {
		copy_str(it->exc_owner, sizeof(it->exc_owner), e->owner);
		/* expires is a fixed array: never trust its terminator. */
		memcpy(it->exc_expires, e->expires, sizeof(it->exc_expires));
		it->exc_expires[sizeof(it->exc_expires) - 1] = '\0';
		copy_str(it->exc_ticket, sizeof(it->exc_ticket), e->ticket);
	}
	if (++st->ncur >= STORE_BATCH / 2)
		pthread_cond_signal(&st->wake);
	pthread_mutex_unlock(&st->mtx);
}

void
store_report(uint64_t now)
{
	if (st == NULL || st->inventory == NULL)
		return;
	pthread_mutex_lock(&st->mtx);
	if (ensure_started()) {
		st->report_req = true;
		st->report_now = now;
		pthread_cond_signal(&st->wake);
	}
	pthread_mutex_unlock(&st->mtx);
}

int
store_close(uint64_t now)
{
	bool	started;

	if (st == NULL)
		return 0;
	pthread_mutex_lock(&st->mtx);
	if (st->inventory != NULL) {
		st->report_req = true;
		st->report_now = now;
	}
	started = ensure_started();
	st->stop = true;
	pthread_cond_signal(&st->wake);
	pthread_mutex_unlock(&st->mtx);
	if (started)
		pthread_join(st->th, NULL);
	store_free();
	return 0;
}

/*
 * One file handed over by its descriptor, never by name: a symbolic link
 * (the daemon user may have planted one, say to /etc/shadow) is not
 * followed, and only a regular file with a single link is chowned.
 */
static void
handover_file(const char *path, uid_t uid, gid_t gid)
{
	struct stat	sb;
	int		fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC);
	if (fd == -1) {
		if (errno == ELOOP)
			log_warnx("%s: a symbolic link: not handed over", path);
		else if (errno != ENOENT)
			log_warn("%s: chown", path);
		return;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_nlink != 1)
		log_warnx("%s: not a regular file with one link: not handed "
		    "over", path);
	else if (fchown(fd, uid, gid) == -1)
		log_warn("%s: chown", path);
	close(fd);
}

/* The database files belong to the daemon user after the privilege drop
 * (the writer opens them as that user). */
void
store_handover(uid_t uid, gid_t gid)
{
	static const char *const sfx[] = { "", "-wal", "-shm" };
	char		 path[4096];
	size_t		 i;

	if (st == NULL || st->db == NULL || is_pg(st->db))
		return;
	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", st->db, sfx[i]);
		handover_file(path, uid, gid);
	}
}

void
store_fold(uint64_t *into)
{
	into[STAT_STORE_WRITTEN] += atomic_exchange(&c_written, 0);
	into[STAT_STORE_DROPPED] += atomic_exchange(&c_dropped, 0);
	into[STAT_STORE_COMMITS] += atomic_exchange(&c_commits, 0);
	into[STAT_STORE_ERRORS] += atomic_exchange(&c_errors, 0);
	into[STAT_STORE_REPORTS] += atomic_exchange(&c_reports, 0);
}

/* --- reports -------------------------------------------------------------- */

/*
 * The report's columns (CSV header = JSON keys, in this order).  Times are
 * RFC 3339 UTC to the second (empty / null: never), versions by name.
 */
static const char *const rep_columns[] = {
	"client", "server", "server_port", "protocol", "ja4", "sensor",
	"verdict", "status", "last_reason", "sessions", "reasons",
	"first_seen", "last_seen", "last_legacy_seen", "last_ok_seen",
	"client_max_version", "negotiated_min_version",
	"negotiated_max_version", "mode", "modes", "sni", "cipher", "ja3",
	"endpoint_label", "exception_owner", "exception_expires",
	"exception_ticket", "cleartext_credentials", "cleartext_mechanisms",
	"last_cleartext_seen", "client_software", "client_software_source",
};
#define REP_NCOLUMNS	(sizeof(rep_columns) / sizeof(rep_columns[0]))

/* One record as the report shows it: every column as text, NULL = none. */
struct rep_row {
	const char	*v[REP_NCOLUMNS];
	char		 buf[REP_NCOLUMNS][64];
	char		 reasons[STORE_NREASONS * 40];
	char		 modes[32];
	char		 mechs[160];
	uint64_t	 sessions, port, cleartext;
};
/* The columns that are numbers in the JSON report. */
#define REP_C_PORT	2
#define REP_C_SESSIONS	9
#define REP_C_CLEARTEXT	27

enum {
	Q_SENSOR, Q_CLIENT, Q_SERVER, Q_PORT, Q_PROTO, Q_JA4, Q_SESSIONS,
	Q_FIRST, Q_LAST, Q_LAST_REASON, Q_MODE, Q_MODES, Q_CMAX, Q_NMIN,
	Q_NMAX, Q_SNI, Q_CIPHER, Q_JA3, Q_LABEL, Q_EOWNER, Q_EEXPIRES,
	Q_ETICKET, Q_MECHS, Q_SW, Q_SWSRC, Q_VERDICT, Q_SEEN,
	Q_N = Q_SEEN + STORE_NREASONS,
};

/* In the order of enum store_reason. */
#define SEEN_ARGS "seen_cleartext_credentials, seen_legacy_refused, "	\
	"seen_exception_expired, seen_legacy_client, "			\
	"seen_legacy_negotiated, seen_plaintext, seen_unknown, seen_ok"
#define N_COLS "n_cleartext_credentials, n_legacy_refused, "		\
	"n_exception_expired, n_legacy_client, n_legacy_negotiated, "	\
	"n_plaintext, n_unknown, n_ok"

/* The same rule without the clear-text sessions: what TLS alone says. */
#define SEEN_ARGS_TLS "0, seen_legacy_refused, "			\
	"seen_exception_expired, seen_legacy_client, "			\
	"seen_legacy_negotiated, seen_plaintext, seen_unknown, seen_ok"

/* The filtered records with their verdict (parameters ?1 now, ?2 window,
 * ?3 since, ?4 sensor, ?5 protocol). */
#define REP_FROM "(SELECT *, tf_verdict(" SEEN_ARGS ", last_seen, "	\
	"exception_expires, ?1, ?2) AS verdict FROM records WHERE "	\
	"last_seen >= ?3 AND (?4 IS NULL OR sensor = ?4) AND "		\
	"(?5 IS NULL OR protocol = ?5)) AS r"

/* The report's query (verdict first) and the host roll-up, for SQLite or
 * PostgreSQL (byte order for text there too, whatever the locale). */
enum { REP_RECORDS, REP_HOSTS, REP_DAYS };

static void
rep_sql(bool pg, int kind, char *buf, size_t len)
{
	const char	*c = pg ? " COLLATE \"C\"" : "";

	if (kind == REP_DAYS)
		/* Days of the window ending at the report time, as the
		 * records' filters. */
		snprintf(buf, len, "SELECT day, sum(sessions), sum(legacy), "
		    "count(DISTINCT CASE WHEN legacy > 0 THEN client END) "
		    "FROM days WHERE day <= ?1 / 86400000000 AND day >= "
		    "(?1 - ?2 * 1000000) / 86400000000 AND day >= "
		    "?3 / 86400000000 AND (?4 IS NULL OR sensor = ?4) AND "
		    "(?5 IS NULL OR protocol = ?5) GROUP BY day ORDER BY day");
	else if (kind == REP_HOSTS)
		/* legacy_records: a legacy verdict once the clear-text
		 * sessions are left aside (a record that also sent a
		 * password reads cleartext_credentials, and still counts). */
		snprintf(buf, len, "SELECT client, min(verdict), count(*), "
		    "sum(sessions), sum(CASE WHEN tf_verdict(" SEEN_ARGS_TLS
		    ", last_seen, exception_expires, ?1, ?2) BETWEEN %d AND %d "
		    "THEN 1 ELSE 0 END), min(first_seen), max(last_seen), "
		    "count(DISTINCT sensor), sum(CASE WHEN verdict = %d THEN 1 "
		    "ELSE 0 END) FROM %s GROUP BY client ORDER BY "
		    "min(verdict), client%s", SR_LEGACY_FIRST, SR_LEGACY_LAST,
		    SR_CLEARTEXT_CREDENTIALS, REP_FROM, c);
	else
		snprintf(buf, len, "SELECT sensor, client, server, "
		    "server_port, protocol, ja4, sessions, first_seen, "
		    "last_seen, last_reason, mode, modes, client_max_version, "
		    "negotiated_min_version, negotiated_max_version, sni, "
		    "cipher, ja3, endpoint_label, exception_owner, "
		    "exception_expires, exception_ticket, "
		    "cleartext_mechanisms, client_software, "
		    "client_software_source, verdict, %s, %s "
		    "FROM %s ORDER BY verdict, client%s, server%s, "
		    "server_port, protocol%s, ja4%s, sensor%s", SEEN_ARGS,
		    N_COLS, REP_FROM, c, c, c, c, c);
}

/* A query's rows, one at a time, from either backend. */
struct cur {
	struct db	*d;
	sqlite3_stmt	*s;
	PGresult	*r;
};

static int
cur_open(struct cur *c, struct db *d, int kind,
    const struct store_filter *f)
{
	static const Oid types[5] = { 20, 20, 20, 25, 25 };
	const char	*v[5];
	char		 sql[4096], num[3][24], *p;

	memset(c, 0, sizeof(*c));
	c->d = d;
	rep_sql(d->pg != NULL, kind, sql, sizeof(sql));
	snprintf(num[0], 24, "%llu", (unsigned long long)f->now_us);
	snprintf(num[1], 24, "%llu", (unsigned long long)f->window_s);
	snprintf(num[2], 24, "%llu", (unsigned long long)f->since_us);
	v[0] = num[0];
	v[1] = num[1];
	v[2] = num[2];
	v[3] = f->sensor;
	v[4] = f->protocol;
	if (d->pg != NULL) {
		for (p = sql; (p = strchr(p, '?')) != NULL; p++)
			*p = '$';
		if (!PQsendQueryParams(d->pg, sql, 5, types, v, NULL, NULL,
		    0) || !PQsetSingleRowMode(d->pg))
			return -1;
		return 0;
	}
	if (sqlite3_prepare_v2(d->lite, sql, -1, &c->s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(c->s, 1, (sqlite3_int64)f->now_us);
	sqlite3_bind_int64(c->s, 2, (sqlite3_int64)f->window_s);
	sqlite3_bind_int64(c->s, 3, (sqlite3_int64)f->since_us);
	if (f->sensor != NULL)
		sqlite3_bind_text(c->s, 4, f->sensor, -1, SQLITE_STATIC);
	if (f->protocol != NULL)
		sqlite3_bind_text(c->s, 5, f->protocol, -1, SQLITE_STATIC);
	return 0;
}

/* 1: a row; 0: no more; -1: an error (db_err() says which). */
static int
cur_step(struct cur *c)
{
	int	rs;

	if (c->d->pg == NULL) {
		rs = sqlite3_step(c->s);
		return rs == SQLITE_ROW ? 1 : rs == SQLITE_DONE ? 0 : -1;
	}
	PQclear(c->r);
	if ((c->r = PQgetResult(c->d->pg)) == NULL)
		return 0;
	rs = PQresultStatus(c->r);
	if (rs == PGRES_SINGLE_TUPLE)
		return 1;
	return rs == PGRES_TUPLES_OK ? 0 : -1;
}

static const char *
cur_text(struct cur *c, int i)
{
	const char	*t;

	if (c->d->pg != NULL)
		t = PQgetisnull(c->r, 0, i) ? NULL : PQgetvalue(c->r, 0, i);
	else
		t = (const char *)sqlite3_column_text(c->s, i);
	return t != NULL && *t != '\0' ? t : NULL;
}

static long long
cur_int(struct cur *c, int i)
{
	const char	*t;

	if (c->d->pg == NULL)
		return sqlite3_column_int64(c->s, i);
	t = cur_text(c, i);
	return t != NULL ? strtoll(t, NULL, 10) : 0;
}

static void
cur_close(struct cur *c)
{
	if (c->d == NULL)
		return;
	sqlite3_finalize(c->s);
	if (c->d->pg != NULL) {
		/* Read what is left, so the connection is free again. */
		PQclear(c->r);
		while ((c->r = PQgetResult(c->d->pg)) != NULL)
			PQclear(c->r);
	}
	memset(c, 0, sizeof(*c));
}

static void
fmt_us(uint64_t us, char *buf, size_t len)
{
	if (us == 0)
		buf[0] = '\0';
	else
		inventory_fmt_time(us, buf, len);
}

static void
rep_row_fill(struct cur *s, const struct store_filter *f,
    struct rep_row *r)
{
	uint64_t	seen[STORE_NREASONS], legacy = 0, n;
	size_t		o = 0, i;
	int		v, k;

	memset(r->v, 0, sizeof(r->v));
	for (k = 0; k < STORE_NREASONS; k++) {
		seen[k] = (uint64_t)cur_int(s, Q_SEEN + k);
		if (R_LEGACY(k) && seen[k] > legacy)
			legacy = seen[k];
	}
	v = (int)cur_int(s, Q_VERDICT);
	if (v < 0 || v >= STORE_NREASONS)
		v = SR_UNKNOWN;
	(void)f;
	r->v[0] = cur_text(s, Q_CLIENT);
	r->v[1] = cur_text(s, Q_SERVER);
	r->port = (uint64_t)cur_int(s, Q_PORT);
	snprintf(r->buf[2], sizeof(r->buf[2]), "%llu",
	    (unsigned long long)r->port);
	r->v[2] = r->buf[2];
	r->v[3] = cur_text(s, Q_PROTO);
	r->v[4] = cur_text(s, Q_JA4);
	r->v[5] = cur_text(s, Q_SENSOR);
	r->v[6] = reason_names[v];
	r->v[7] = store_status(seen, v);
	r->v[8] = cur_text(s, Q_LAST_REASON);
	r->sessions = (uint64_t)cur_int(s, Q_SESSIONS);
	snprintf(r->buf[9], sizeof(r->buf[9]), "%llu",
	    (unsigned long long)r->sessions);
	r->v[9] = r->buf[9];
	r->reasons[0] = '\0';
	for (k = 0; k < STORE_NREASONS; k++) {
		n = (uint64_t)cur_int(s, Q_N + k);
		if (n != 0 && o < sizeof(r->reasons))
			o += (size_t)snprintf(r->reasons + o,
			    sizeof(r->reasons) - o, "%s%s=%llu", o ? ";" : "",
			    reason_names[k], (unsigned long long)n);
	}
	r->v[10] = r->reasons;
	fmt_us((uint64_t)cur_int(s, Q_FIRST), r->buf[11], 64);
	fmt_us((uint64_t)cur_int(s, Q_LAST), r->buf[12], 64);
	fmt_us(legacy, r->buf[13], 64);
	fmt_us(seen[SR_OK], r->buf[14], 64);
	inventory_fmt_version((uint16_t)(int)cur_int(s, Q_CMAX),
	    r->buf[15], 64);
	inventory_fmt_version((uint16_t)(int)cur_int(s, Q_NMIN),
	    r->buf[16], 64);
	inventory_fmt_version((uint16_t)(int)cur_int(s, Q_NMAX),
	    r->buf[17], 64);
	for (i = 11; i <= 17; i++)
		r->v[i] = r->buf[i][0] != '\0' ? r->buf[i] : NULL;
	r->v[18] = cur_text(s, Q_MODE);
	r->modes[0] = '\0';
	for (o = 0, i = 0; i < 3; i++)
		if ((int)cur_int(s, Q_MODES) & (1 << i))
			o += (size_t)snprintf(r->modes + o,
			    sizeof(r->modes) - o, "%s%s", o ? ";" : "",
			    mode_names[i]);
	r->v[19] = r->modes[0] ? r->modes : NULL;
	r->v[20] = cur_text(s, Q_SNI);
	r->v[21] = cur_text(s, Q_CIPHER);
	r->v[22] = cur_text(s, Q_JA3);
	r->v[23] = cur_text(s, Q_LABEL);
	r->v[24] = cur_text(s, Q_EOWNER);
	r->v[25] = r->v[24] ? cur_text(s, Q_EEXPIRES) : NULL;
	r->v[26] = r->v[24] ? cur_text(s, Q_ETICKET) : NULL;
	r->cleartext = (uint64_t)cur_int(s, Q_N + SR_CLEARTEXT_CREDENTIALS);
	snprintf(r->buf[27], 64, "%llu", (unsigned long long)r->cleartext);
	r->v[27] = r->buf[27];
	mech_text((uint64_t)cur_int(s, Q_MECHS), r->mechs, sizeof(r->mechs));
	r->v[28] = r->mechs[0] ? r->mechs : NULL;
	fmt_us(seen[SR_CLEARTEXT_CREDENTIALS], r->buf[29], 64);
	r->v[29] = r->buf[29][0] ? r->buf[29] : NULL;
	r->v[30] = cur_text(s, Q_SW);
	r->v[31] = r->v[30] ? cur_text(s, Q_SWSRC) : NULL;
}

struct rep_ctx {
	struct db			*db;
	const struct store_filter	*f;
	int				 sqlerr;	/* SQLite error */
	void				(*emit)(json_t *, uint64_t);
};

/* A string value jansson will take: not UTF-8 (a damaged database) is
 * shown escaped rather than dropped. */
static json_t *
jstr(const char *s)
{
	json_t	*j;
	char	 buf[1024];
	size_t	 o = 0;

	if (s == NULL)
		return json_null();
	if ((j = json_string(s)) != NULL)
		return j;
	for (; *s != '\0' && o + 5 < sizeof(buf); s++)
		if ((unsigned char)*s < 0x80)
			buf[o++] = *s;
		else
			o += (size_t)snprintf(buf + o, sizeof(buf) - o,
			    "\\x%02x", (unsigned char)*s);
	buf[o] = '\0';
	return json_string(buf);
}

static int
fill_csv(FILE *fp, void *arg)
{
	struct rep_ctx	*c = arg;
	struct rep_row	 r;
	struct cur	 cu, *s = &cu;
	size_t		 i;
	int		 rc = 0, step = 0;

	memset(&cu, 0, sizeof(cu));
	if (c->f->bom && fputs("\xef\xbb\xbf", fp) == EOF)
		return -1;
	for (i = 0; i < REP_NCOLUMNS && rc == 0; i++)
		rc = inventory_csv_field(fp, rep_columns[i], i == 0);
	if (rc == 0 && fputs("\r\n", fp) == EOF)
		return -1;
	if (cur_open(s, c->db, REP_RECORDS, c->f) != 0)
		goto sqlfail;
	while (rc == 0 && (step = cur_step(s)) == 1) {
		rep_row_fill(s, c->f, &r);
		for (i = 0; i < REP_NCOLUMNS && rc == 0; i++)
			rc = inventory_csv_field(fp, r.v[i], i == 0);
		if (rc == 0 && fputs("\r\n", fp) == EOF)
			rc = -1;
	}
	if (rc == 0 && step != 0)
		goto sqlfail;
	cur_close(s);
	return rc;
sqlfail:
	c->sqlerr = 1;
	db_err(c->db);		/* before the connection is drained */
	cur_close(s);
	errno = EIO;
	return -1;
}

static int
dump_line(FILE *fp, json_t *v, bool first)
{
	int	rc;

	if (v == NULL) {
		errno = ENOMEM;
		return -1;
	}
	if (fputs(first ? "\n" : ",\n", fp) == EOF) {
		json_decref(v);
		return -1;
	}
	rc = json_dumpf(v, fp, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(v);
	return rc;
}

static int
fill_json(FILE *fp, void *arg)
{
	struct rep_ctx	*c = arg;
	struct rep_row	 r;
	struct cur	 cu, *s = &cu;
	json_t		*o;
	char		 t[64];
	size_t		 i;
	int		 rc = 0, step = 0, v;
	bool		 first = true;

	memset(&cu, 0, sizeof(cu));
	inventory_fmt_time(c->f->now_us, t, sizeof(t));
	if (fprintf(fp, "{\"generated\":\"%s\",\"window_seconds\":%llu,"
	    "\"records\":[", t, (unsigned long long)c->f->window_s) < 0)
		return -1;
	if (cur_open(s, c->db, REP_RECORDS, c->f) != 0)
		goto sqlfail;
	while (rc == 0 && (step = cur_step(s)) == 1) {
		rep_row_fill(s, c->f, &r);
		if ((o = json_object()) == NULL) {
			rc = -1;
			break;
		}
		for (i = 0; i < REP_NCOLUMNS; i++)
			if (i == REP_C_PORT || i == REP_C_SESSIONS ||
			    i == REP_C_CLEARTEXT)
				json_object_set_new(o, rep_columns[i],
				    json_integer((json_int_t)(i == REP_C_PORT ?
				    r.port : i == REP_C_SESSIONS ? r.sessions :
				    r.cleartext)));
			else
				json_object_set_new(o, rep_columns[i],
				    jstr(r.v[i]));
		if (c->emit != NULL)
			c->emit(json_incref(o), c->f->now_us);
		rc = dump_line(fp, o, first);
		first = false;
	}
	if (rc != 0)
		goto fail;
	if (step != 0)
		goto sqlfail;
	cur_close(s);
	if (fputs("\n],\"hosts\":[", fp) == EOF)
		return -1;
	if (cur_open(s, c->db, REP_HOSTS, c->f) != 0)
		goto sqlfail;
	first = true;
	while (rc == 0 && (step = cur_step(s)) == 1) {
		if ((o = json_object()) == NULL) {
			rc = -1;
			break;
		}
		v = (int)cur_int(s, 1);
		json_object_set_new(o, "client", jstr(cur_text(s, 0)));
		json_object_set_new(o, "verdict", json_string(reason_names[
		    v >= 0 && v < STORE_NREASONS ? v : SR_UNKNOWN]));
		json_object_set_new(o, "records",
		    json_integer(cur_int(s, 2)));
		json_object_set_new(o, "sessions",
		    json_integer(cur_int(s, 3)));
		json_object_set_new(o, "legacy_records",
		    json_integer(cur_int(s, 4)));
		fmt_us((uint64_t)cur_int(s, 5), t, sizeof(t));
		json_object_set_new(o, "first_seen", jstr(t));
		fmt_us((uint64_t)cur_int(s, 6), t, sizeof(t));
		json_object_set_new(o, "last_seen", jstr(t));
		json_object_set_new(o, "sensors",
		    json_integer(cur_int(s, 7)));
		json_object_set_new(o, "cleartext_records",
		    json_integer(cur_int(s, 8)));
		rc = dump_line(fp, o, first);
		first = false;
	}
	if (rc != 0)
		goto fail;
	if (step != 0)
		goto sqlfail;
	cur_close(s);
	return fputs("\n]}\n", fp) == EOF ? -1 : 0;
sqlfail:
	c->sqlerr = 1;
	db_err(c->db);
	errno = EIO;
fail:
	cur_close(s);
	return -1;
}

/*
 * One report file: "-" is standard output; anything else is written
 * atomically (a temporary file renamed over it), so it must be a regular
 * file or not exist yet: a rename would replace a device or a symlink
 * (/dev/stdout) instead of writing into it.
 */
static int
rep_file(const char *path, int (*fill)(FILE *, void *), void *arg,
    char *err, size_t errlen)
{
	struct stat	sb;

	if (strcmp(path, "-") == 0) {
		errno = 0;
		if (fill(stdout, arg) != 0 || fflush(stdout) == EOF) {
			seterr(err, errlen, "standard output",
			    strerror(errno ? errno : EIO));
			return -1;
		}
		return 0;
	}
	if (lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		seterr(err, errlen, path, "not a regular file (\"-\" writes "
		    "to standard output)");
		return -1;
	}
	return inventory_write_atomic(path, fill, arg, err, errlen);
}

static int
rep_write(struct db *db, const struct store_filter *f, const char *csv,
    const char *json, void (*emit)(json_t *, uint64_t), char *err,
    size_t errlen)
{
	struct rep_ctx	c = { db, f, 0, emit };
	int		rc = 0;

	if (csv != NULL && rep_file(csv, fill_csv, &c, err, errlen) != 0)
		rc = -1;
	if (rc == 0 && json != NULL && rep_file(json, fill_json, &c, err,
	    errlen) != 0)
		rc = -1;
	if (c.sqlerr)
		seterr(err, errlen, db->name, db->msg);
	return rc;
}

int
store_export(const char *path, const struct store_filter *f,
    const char *csv, const char *json, char *err, size_t errlen)
{
	struct db	*db;
	int		 rc;

	if ((db = db_open(path, false, err, errlen)) == NULL)
		return -1;
	rc = rep_write(db, f, csv, json, NULL, err, errlen);
	db_close(db);
	return rc;
}

/* --- the HTML report's reading --------------------------------------------- */

static int
visit_records(struct db *db, const struct store_filter *f,
    const struct store_visitor *v)
{
	struct store_rec	 r;
	struct cur		 cu;
	uint64_t		 seen[STORE_NREASONS];
	char			 mechs[160];
	int			 k, step, rc = 0;

	if (cur_open(&cu, db, REP_RECORDS, f) != 0)
		goto sqlfail;
	while (rc == 0 && (step = cur_step(&cu)) == 1) {
		memset(&r, 0, sizeof(r));
		for (k = 0; k < STORE_NREASONS; k++) {
			seen[k] = (uint64_t)cur_int(&cu, Q_SEEN + k);
			r.n[k] = (uint64_t)cur_int(&cu, Q_N + k);
			if (R_LEGACY(k) && seen[k] > r.last_legacy_seen)
				r.last_legacy_seen = seen[k];
		}
		r.last_cleartext_seen = seen[SR_CLEARTEXT_CREDENTIALS];
		r.verdict = (int)cur_int(&cu, Q_VERDICT);
		if (r.verdict < 0 || r.verdict >= STORE_NREASONS)
			r.verdict = SR_UNKNOWN;
		r.verdict_name = reason_names[r.verdict];
		r.status = store_status(seen, r.verdict);
		r.sensor = cur_text(&cu, Q_SENSOR);
		r.client = cur_text(&cu, Q_CLIENT);
		r.server = cur_text(&cu, Q_SERVER);
		r.port = (uint64_t)cur_int(&cu, Q_PORT);
		r.protocol = cur_text(&cu, Q_PROTO);
		r.ja4 = cur_text(&cu, Q_JA4);
		r.sni = cur_text(&cu, Q_SNI);
		r.label = cur_text(&cu, Q_LABEL);
		r.exc_owner = cur_text(&cu, Q_EOWNER);
		r.exc_expires = r.exc_owner ? cur_text(&cu, Q_EEXPIRES) : NULL;
		r.exc_ticket = r.exc_owner ? cur_text(&cu, Q_ETICKET) : NULL;
		r.sessions = (uint64_t)cur_int(&cu, Q_SESSIONS);
		r.first_seen = (uint64_t)cur_int(&cu, Q_FIRST);
		r.last_seen = (uint64_t)cur_int(&cu, Q_LAST);
		r.last_ok_seen = seen[SR_OK];
		r.client_max = (uint16_t)cur_int(&cu, Q_CMAX);
		r.negotiated_min = (uint16_t)cur_int(&cu, Q_NMIN);
		r.negotiated_max = (uint16_t)cur_int(&cu, Q_NMAX);
		mech_text((uint64_t)cur_int(&cu, Q_MECHS), mechs,
		    sizeof(mechs));
		r.cleartext_mechanisms = mechs[0] ? mechs : NULL;
		r.client_software = cur_text(&cu, Q_SW);
		r.client_software_source = r.client_software ?
		    cur_text(&cu, Q_SWSRC) : NULL;
		/* What TLS alone says: the same rule, the clear-text
		 * sessions left out (the HTML page counts legacy clients
		 * that also sent a password). */
		seen[SR_CLEARTEXT_CREDENTIALS] = 0;
		r.tls_verdict = store_verdict(seen, r.last_seen, r.exc_expires,
		    f->now_us, f->window_s);
		rc = v->record(&r, v->arg);
	}
	if (rc == 0 && step != 0)
		goto sqlfail;
	cur_close(&cu);
	return rc;
sqlfail:
	db_err(db);
	cur_close(&cu);
	return -2;
}

static int
visit_days(struct db *db, const struct store_filter *f,
    const struct store_visitor *v)
{
	struct store_day	 d;
	struct cur		 cu;
	int			 step, rc = 0;

	if (cur_open(&cu, db, REP_DAYS, f) != 0)
		goto sqlfail;
	while (rc == 0 && (step = cur_step(&cu)) == 1) {
		d.day = (uint64_t)cur_int(&cu, 0);
		d.sessions = (uint64_t)cur_int(&cu, 1);
		d.legacy = (uint64_t)cur_int(&cu, 2);
		d.legacy_clients = (uint64_t)cur_int(&cu, 3);
		rc = v->day(&d, v->arg);
	}
	if (rc == 0 && step != 0)
		goto sqlfail;
	cur_close(&cu);
	return rc;
sqlfail:
	db_err(db);
	cur_close(&cu);
	return -2;
}

int
store_visit(const char *path, const struct store_filter *f,
    const struct store_visitor *v, char *err, size_t errlen)
{
	struct db	*db;
	int		 rc = 0;

	if ((db = db_open(path, false, err, errlen)) == NULL)
		return -1;
	if (v->record != NULL)
		rc = visit_records(db, f, v);
	if (rc == 0 && v->day != NULL)
		rc = visit_days(db, f, v);
	if (rc == -2)
		seterr(err, errlen, db->name, db->msg);
	else if (rc != 0)
		seterr(err, errlen, db->name, "report interrupted");
	db_close(db);
	return rc == 0 ? 0 : -1;
}
