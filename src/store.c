/*
 * store.c -- the persistent client inventory (SQLite) and its reports.
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
 * Schema (PRAGMA user_version = STORE_SCHEMA_VERSION), one table:
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
 *                              never -- one column per reason (7)
 *     n_<reason>               sessions with that reason (7)
 *     last_legacy_seen         latest seen_ of the four legacy reasons
 *     last_ok_seen             = seen_ok
 *     client_max_version       highest version offered (0 unknown)
 *     negotiated_min_version, negotiated_max_version   (0 none)
 *     sni, cipher, ja3         of the latest session that had one
 *     endpoint_label           (version 2) watch-list label, latest
 *     exception_owner, exception_expires, exception_ticket   (version 2)
 *                              the exception of the latest session under
 *                              one (kept after it expires)
 *
 * Version 1 had no endpoint_label and exception_* columns; opening a
 * version-1 database adds them (ALTER TABLE, one transaction).  A version
 * newer than this program knows is refused, not guessed at.
 *
 * Every update is an upsert (INSERT ... ON CONFLICT DO UPDATE) whose
 * columns combine with max/min/+/|, so the order in which two runs (or
 * two halves of one capture) are written does not change a record, except
 * for the "latest" fields on equal session starts.
 *
 * Verdict (store_verdict()), computed when reporting, never stored: the
 * worst reason (order of enum reason: legacy_refused, exception_expired,
 * legacy_client, legacy_negotiated, plaintext, unknown, ok) whose
 * seen_<reason> falls in the window [end - inventory.window, end], where
 * end is the report time, or the record's last_seen if that is earlier (a
 * client gone quiet keeps the verdict of its last active window instead
 * of an empty one).  Keeping the last time of each of the seven reasons
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
 * "plaintext" or "unknown" when that is the verdict, else "ok".
 */
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "config.h"
#include "inventory.h"
#include "log.h"
#include "stats.h"
#include "store.h"
#include "tls.h"
#include "verdict.h"

#define STORE_BATCH		4096	/* sessions per batch (two exist) */
#define STORE_WAIT_MS		2	/* live: longest wait on a full batch */
#define STORE_BUSY_MS		2000	/* SQLite busy timeout (writer) */
#define STORE_WARN_EVERY	60	/* s between repeated warnings */
#define STORE_CLOSE_TRIES	3	/* final commit attempts at exit */

#define US	1000000ull

_Static_assert(STORE_NREASONS == RS_MAX, "one column per reason");

static const char *const reason_names[STORE_NREASONS] = {
	"legacy_refused", "exception_expired", "legacy_client",
	"legacy_negotiated", "plaintext", "unknown", "ok",
};
#define R_LEGACY_LAST	RS_LEGACY_NEGOTIATED	/* 0..3 are legacy */

static const char *const mode_names[] = { "starttls", "implicit", "plain" };

/* One finished session, copied: nothing in it points elsewhere. */
struct store_item {
	uint64_t	 ts;
	uint8_t		 family, proto, reason, modebit;
	uint16_t	 port, client_max, negotiated;
	uint8_t		 cli[16], srv[16];
	char		 ja4[48], ja3[33], sni[256], cipher[64];
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
	time_t		 warned;	/* monotonic s of the last warning */
};

static struct store	*st;
static char		 werr[256];	/* the writer's last SQLite error */

/* Counters of the writer thread, folded into stats[] by store_fold(). */
static _Atomic uint64_t	c_written, c_dropped, c_commits, c_errors, c_reports;

static sqlite3	*db_open(const char *path, bool create, char *, size_t);
static int	 db_schema(sqlite3 *, char *, size_t);
static int	 report_write(sqlite3 *, const struct store_filter *,
		    const char *csv, const char *json, char *, size_t);
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

static uint64_t
wall_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * US + (uint64_t)ts.tv_nsec / 1000u;
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
	    st->db != NULL ? st->db : "(temporary)", what,
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
		if (expired && (r == RS_LEGACY_CLIENT ||
		    r == RS_LEGACY_NEGOTIATED))
			return RS_EXCEPTION_EXPIRED;
		return r;
	}
	return RS_UNKNOWN;	/* no session at all */
}

const char *
store_status(const uint64_t seen[STORE_NREASONS], int verdict)
{
	uint64_t	legacy = 0, other;
	int		r;

	for (r = 0; r <= R_LEGACY_LAST; r++)
		if (seen[r] > legacy)
			legacy = seen[r];
	if (legacy != 0) {
		other = seen[RS_PLAINTEXT] > seen[RS_UNKNOWN] ?
		    seen[RS_PLAINTEXT] : seen[RS_UNKNOWN];
		return seen[RS_OK] > legacy && other <= legacy ? "fixed" :
		    "legacy";
	}
	if (verdict == RS_PLAINTEXT)
		return "plaintext";
	if (verdict == RS_UNKNOWN)
		return "unknown";
	return "ok";
}

/* SQL tf_verdict(seen x 7, last_seen, exception_expires, now, window). */
static void
sql_verdict(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	uint64_t	seen[STORE_NREASONS];
	int		r;

	if (argc != STORE_NREASONS + 4) {
		sqlite3_result_error(ctx, "tf_verdict: 11 arguments", -1);
		return;
	}
	for (r = 0; r < STORE_NREASONS; r++)
		seen[r] = (uint64_t)sqlite3_value_int64(argv[r]);
	sqlite3_result_int(ctx, store_verdict(seen,
	    (uint64_t)sqlite3_value_int64(argv[7]),
	    (const char *)sqlite3_value_text(argv[8]),
	    (uint64_t)sqlite3_value_int64(argv[9]),
	    (uint64_t)sqlite3_value_int64(argv[10])));
}

/* --- schema --------------------------------------------------------------- */

/* The columns every version has, after the key. */
#define COLS_V1_HEAD							\
	"sessions INTEGER NOT NULL, first_seen INTEGER NOT NULL, "	\
	"last_seen INTEGER NOT NULL, last_reason TEXT NOT NULL, "	\
	"mode TEXT, modes INTEGER NOT NULL DEFAULT 0, "			\
	"last_legacy_seen INTEGER NOT NULL DEFAULT 0, "			\
	"last_ok_seen INTEGER NOT NULL DEFAULT 0, "
#define COLS_V1_TAIL							\
	"client_max_version INTEGER NOT NULL DEFAULT 0, "		\
	"negotiated_min_version INTEGER NOT NULL DEFAULT 0, "		\
	"negotiated_max_version INTEGER NOT NULL DEFAULT 0, "		\
	"sni TEXT, cipher TEXT, ja3 TEXT"
#define KEY_COLS							\
	"sensor TEXT NOT NULL, client TEXT NOT NULL, "			\
	"server TEXT NOT NULL, server_port INTEGER NOT NULL, "		\
	"protocol TEXT NOT NULL, ja4 TEXT NOT NULL DEFAULT '', "
#define PKEY	"sensor, client, server, server_port, protocol, ja4"

static const char *const v2_added[] = {
	"endpoint_label TEXT", "exception_owner TEXT",
	"exception_expires TEXT", "exception_ticket TEXT",
};

static int
exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
	char	*msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	seterr(err, errlen, sqlite3_db_filename(db, "main"),
	    msg != NULL ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return -1;
}

/* CREATE TABLE records for version v (1 or 2) into buf. */
static void
create_sql(int v, char *buf, size_t len)
{
	size_t	o, i;
	int	r;

	o = (size_t)snprintf(buf, len, "CREATE TABLE records (" KEY_COLS
	    COLS_V1_HEAD);
	for (r = 0; r < STORE_NREASONS && o < len; r++)
		o += (size_t)snprintf(buf + o, len - o,
		    "seen_%s INTEGER NOT NULL DEFAULT 0, "
		    "n_%s INTEGER NOT NULL DEFAULT 0, ", reason_names[r],
		    reason_names[r]);
	if (o < len)
		o += (size_t)snprintf(buf + o, len - o, COLS_V1_TAIL);
	for (i = 0; v >= 2 && i < sizeof(v2_added) / sizeof(v2_added[0]) &&
	    o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, ", %s", v2_added[i]);
	if (o < len)
		snprintf(buf + o, len - o, ", PRIMARY KEY (" PKEY "))");
}

static int
user_version(sqlite3 *db)
{
	sqlite3_stmt	*s;
	int		 v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) !=
	    SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* Create the schema, or bring an older one up to date, in one
 * transaction.  -1 with the reason in err. */
static int
db_schema(sqlite3 *db, char *err, size_t errlen)
{
	char	sql[4096];
	size_t	i;
	int	v;

	if (exec(db, "BEGIN IMMEDIATE", err, errlen) != 0)
		return -1;
	if ((v = user_version(db)) < 0) {
		seterr(err, errlen, sqlite3_db_filename(db, "main"),
		    sqlite3_errmsg(db));
		goto fail;
	}
	if (v > STORE_SCHEMA_VERSION) {
		snprintf(err, errlen, "%s: schema version %d is newer than "
		    "this tlsfloor knows (%d)", sqlite3_db_filename(db, "main"),
		    v, STORE_SCHEMA_VERSION);
		goto fail;
	}
	if (v == 0) {
		create_sql(STORE_SCHEMA_VERSION, sql, sizeof(sql));
		if (exec(db, sql, err, errlen) != 0)
			goto fail;
	}
	if (v == 1)
		for (i = 0; i < sizeof(v2_added) / sizeof(v2_added[0]); i++) {
			snprintf(sql, sizeof(sql), "ALTER TABLE records ADD "
			    "COLUMN %s", v2_added[i]);
			if (exec(db, sql, err, errlen) != 0)
				goto fail;
		}
	if (v != STORE_SCHEMA_VERSION) {
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
		    STORE_SCHEMA_VERSION);
		if (exec(db, sql, err, errlen) != 0)
			goto fail;
	}
	return exec(db, "COMMIT", err, errlen);
fail:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int
store_create_v1(const char *path, char *err, size_t errlen)
{
	sqlite3	*db;
	char	 sql[4096];
	int	 rc;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		seterr(err, errlen, path, sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}
	create_sql(1, sql, sizeof(sql));
	rc = exec(db, sql, err, errlen);
	if (rc == 0)
		rc = exec(db, "PRAGMA user_version = 1", err, errlen);
	sqlite3_close(db);
	return rc;
}

/*
 * Open path ("" : a temporary database), WAL and synchronous=FULL, the
 * busy timeout, tf_verdict(), the schema.  NULL with the reason in err.
 */
static sqlite3 *
db_open(const char *path, bool create, char *err, size_t errlen)
{
	sqlite3	*db = NULL;
	int	 fl = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

	if (create)
		fl |= SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &db, fl, NULL) != SQLITE_OK) {
		seterr(err, errlen, *path ? path : "(temporary)",
		    db != NULL ? sqlite3_errmsg(db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(db, STORE_BUSY_MS);
	if ((*path != '\0' && exec(db, "PRAGMA journal_mode = WAL", err,
	    errlen) != 0) ||
	    exec(db, "PRAGMA synchronous = FULL", err, errlen) != 0)
		goto fail;
	if (sqlite3_create_function(db, "tf_verdict", STORE_NREASONS + 4,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_verdict, NULL,
	    NULL) != SQLITE_OK) {
		seterr(err, errlen, path, sqlite3_errmsg(db));
		goto fail;
	}
	if (db_schema(db, err, errlen) != 0)
		goto fail;
	return db;
fail:
	sqlite3_close(db);
	return NULL;
}

/* --- writing -------------------------------------------------------------- */

/*
 * The upsert.  Parameters: 1..6 key, 7 ts, 8 reason name, 9 mode name,
 * 10 mode bit, 11 reason index (for the seen_/n_ columns, via CASE),
 * 12 client_max, 13 negotiated, 14 sni, 15 cipher, 16 ja3, 17 label,
 * 18..20 exception.
 */
static char *
upsert_sql(void)
{
	char	*b;
	size_t	 len = 16384, o;
	int	 r;

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
	    "exception_ticket) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?7, "
	    "?8, ?9, ?10, CASE WHEN ?11 <= %d THEN ?7 ELSE 0 END, "
	    "CASE WHEN ?11 = %d THEN ?7 ELSE 0 END, ", R_LEGACY_LAST, RS_OK);
	for (r = 0; r < STORE_NREASONS; r++)
		o += (size_t)snprintf(b + o, len - o, "CASE WHEN ?11 = %d "
		    "THEN ?7 ELSE 0 END, CASE WHEN ?11 = %d THEN 1 ELSE 0 END, ",
		    r, r);
	o += (size_t)snprintf(b + o, len - o, "?12, ?13, ?13, ?14, ?15, ?16, "
	    "?17, ?18, ?19, ?20) ON CONFLICT (" PKEY ") DO UPDATE SET "
	    "sessions = sessions + 1, "
	    "first_seen = min(first_seen, excluded.first_seen), "
	    "last_seen = max(last_seen, excluded.last_seen), "
	    "last_reason = CASE WHEN excluded.last_seen >= last_seen THEN "
	    "excluded.last_reason ELSE last_reason END, "
	    "mode = CASE WHEN excluded.last_seen >= last_seen THEN "
	    "excluded.mode ELSE mode END, "
	    "modes = modes | excluded.modes, "
	    "last_legacy_seen = max(last_legacy_seen, "
	    "excluded.last_legacy_seen), "
	    "last_ok_seen = max(last_ok_seen, excluded.last_ok_seen), ");
	for (r = 0; r < STORE_NREASONS; r++)
		o += (size_t)snprintf(b + o, len - o, "seen_%s = max(seen_%s, "
		    "excluded.seen_%s), n_%s = n_%s + excluded.n_%s, ",
		    reason_names[r], reason_names[r], reason_names[r],
		    reason_names[r], reason_names[r], reason_names[r]);
	/* The "latest that had one" fields: the newer value wins. */
#define LATEST(c)	c " = CASE WHEN excluded." c " IS NOT NULL AND (" \
		c " IS NULL OR excluded.last_seen >= last_seen) THEN " \
		"excluded." c " ELSE " c " END"
	o += (size_t)snprintf(b + o, len - o,
	    "client_max_version = max(client_max_version, "
	    "excluded.client_max_version), "
	    "negotiated_min_version = CASE WHEN negotiated_min_version = 0 "
	    "THEN excluded.negotiated_min_version WHEN "
	    "excluded.negotiated_min_version = 0 THEN negotiated_min_version "
	    "ELSE min(negotiated_min_version, excluded.negotiated_min_version)"
	    " END, negotiated_max_version = max(negotiated_max_version, "
	    "excluded.negotiated_max_version), "
	    LATEST("sni") ", " LATEST("cipher") ", " LATEST("ja3") ", "
	    LATEST("endpoint_label") ", "
	    "exception_expires = CASE WHEN excluded.exception_owner IS NOT "
	    "NULL AND (exception_owner IS NULL OR excluded.last_seen >= "
	    "last_seen) THEN excluded.exception_expires ELSE "
	    "exception_expires END, "
	    "exception_ticket = CASE WHEN excluded.exception_owner IS NOT "
	    "NULL AND (exception_owner IS NULL OR excluded.last_seen >= "
	    "last_seen) THEN excluded.exception_ticket ELSE "
	    "exception_ticket END, " LATEST("exception_owner"));
#undef LATEST
	if (o >= len) {
		free(b);
		return NULL;
	}
	return b;
}

static void
bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL || *v == '\0')
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

static int
bind_item(sqlite3_stmt *s, const struct store_item *it, const char *sensor)
{
	char	cli[INET6_ADDRSTRLEN], srv[INET6_ADDRSTRLEN];
	int	af = it->family == 4 ? AF_INET : AF_INET6;
	int	m = it->modebit == 1 ? 0 : it->modebit == 2 ? 1 :
		    it->modebit == 4 ? 2 : -1;

	if (inet_ntop(af, it->cli, cli, sizeof(cli)) == NULL ||
	    inet_ntop(af, it->srv, srv, sizeof(srv)) == NULL)
		return -1;
	sqlite3_reset(s);
	sqlite3_bind_text(s, 1, sensor, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, cli, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, srv, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 4, it->port);
	sqlite3_bind_text(s, 5, config_proto_name(it->proto), -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(s, 6, it->ja4, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 7, (sqlite3_int64)it->ts);
	sqlite3_bind_text(s, 8, reason_names[it->reason], -1, SQLITE_STATIC);
	bind_text(s, 9, m >= 0 ? mode_names[m] : NULL);
	sqlite3_bind_int(s, 10, it->modebit);
	sqlite3_bind_int(s, 11, it->reason);
	sqlite3_bind_int(s, 12, it->client_max);
	sqlite3_bind_int(s, 13, it->negotiated);
	bind_text(s, 14, it->sni);
	bind_text(s, 15, it->cipher);
	bind_text(s, 16, it->ja3);
	bind_text(s, 17, it->label);
	bind_text(s, 18, it->exc_owner);
	bind_text(s, 19, it->exc_owner[0] ? it->exc_expires : NULL);
	bind_text(s, 20, it->exc_owner[0] ? it->exc_ticket : NULL);
	return 0;
}

/* One transaction with every item; -1 (rolled back) on any error. */
static int
write_batch(sqlite3 *db, sqlite3_stmt *ins, const struct store_item *it,
    size_t n)
{
	size_t	i;

	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		snprintf(werr, sizeof(werr), "%s", sqlite3_errmsg(db));
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (bind_item(ins, &it[i], st->sensor) != 0)
			continue;	/* not an address: cannot happen */
		if (sqlite3_step(ins) != SQLITE_DONE)
			goto fail;
	}
	sqlite3_reset(ins);
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	return 0;
fail:
	snprintf(werr, sizeof(werr), "%s", sqlite3_errmsg(db));
	sqlite3_reset(ins);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* The --inventory files from the writer's connection. */
static void
write_inventory(sqlite3 *db, uint64_t now)
{
	struct store_filter	 f;
	char			 err[512], *csv = NULL, *json = NULL;
	size_t			 n = strlen(st->inventory);

	memset(&f, 0, sizeof(f));
	f.now_us = now;
	f.window_s = st->window;
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
	else if (report_write(db, &f, csv, json, err, sizeof(err)) != 0) {
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
	sqlite3		*db = NULL;
	sqlite3_stmt	*ins = NULL;
	struct timespec	 dl;
	char		 err[512], *sql;
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
		if (db != NULL && ins == NULL) {
			if ((sql = upsert_sql()) != NULL)
				sqlite3_prepare_v2(db, sql, -1, &ins, NULL);
			free(sql);
			if (ins == NULL)
				warn_limited("prepare", sqlite3_errmsg(db));
		}
		if (st->nspare > 0) {
			if (ins != NULL && write_batch(db, ins, st->spare,
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
			write_inventory(db, rnow);
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
	sqlite3_finalize(ins);
	sqlite3_close(db);
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
	sqlite3			*db;

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
		if ((db = db_open(st->db, true, err, errlen)) == NULL) {
			store_free();
			return -1;
		}
		sqlite3_close(db);
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
	    s->reason >= STORE_NREASONS)
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
	it->reason = s->reason;
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

/* The database files belong to the daemon user after the privilege drop
 * (the writer opens them as that user). */
void
store_handover(uid_t uid, gid_t gid)
{
	static const char *const sfx[] = { "", "-wal", "-shm" };
	char		 path[4096];
	size_t		 i;

	if (st == NULL || st->db == NULL)
		return;
	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", st->db, sfx[i]);
		if (chown(path, uid, gid) == -1 && errno != ENOENT)
			log_warn("%s: chown", path);
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
	"exception_ticket",
};
#define REP_NCOLUMNS	(sizeof(rep_columns) / sizeof(rep_columns[0]))

/* One record as the report shows it: every column as text, NULL = none. */
struct rep_row {
	const char	*v[REP_NCOLUMNS];
	char		 buf[REP_NCOLUMNS][64];
	char		 reasons[STORE_NREASONS * 40];
	char		 modes[32];
	uint64_t	 sessions, port;
};

enum {
	Q_SENSOR, Q_CLIENT, Q_SERVER, Q_PORT, Q_PROTO, Q_JA4, Q_SESSIONS,
	Q_FIRST, Q_LAST, Q_LAST_REASON, Q_MODE, Q_MODES, Q_CMAX, Q_NMIN,
	Q_NMAX, Q_SNI, Q_CIPHER, Q_JA3, Q_LABEL, Q_EOWNER, Q_EEXPIRES,
	Q_ETICKET, Q_VERDICT, Q_SEEN, Q_N = Q_SEEN + STORE_NREASONS,
};

#define SEEN_ARGS "seen_legacy_refused, seen_exception_expired, "	\
	"seen_legacy_client, seen_legacy_negotiated, seen_plaintext, "	\
	"seen_unknown, seen_ok"
#define N_COLS "n_legacy_refused, n_exception_expired, n_legacy_client, " \
	"n_legacy_negotiated, n_plaintext, n_unknown, n_ok"

/* The filtered records with their verdict (parameters ?1 now, ?2 window,
 * ?3 since, ?4 sensor, ?5 protocol). */
#define REP_FROM "(SELECT *, tf_verdict(" SEEN_ARGS ", last_seen, "	\
	"exception_expires, ?1, ?2) AS verdict FROM records WHERE "	\
	"last_seen >= ?3 AND (?4 IS NULL OR sensor = ?4) AND "		\
	"(?5 IS NULL OR protocol = ?5))"

static const char rep_sql[] = "SELECT sensor, client, server, server_port, "
    "protocol, ja4, sessions, first_seen, last_seen, last_reason, mode, "
    "modes, client_max_version, negotiated_min_version, "
    "negotiated_max_version, sni, cipher, ja3, endpoint_label, "
    "exception_owner, exception_expires, exception_ticket, verdict, "
    SEEN_ARGS ", " N_COLS " FROM " REP_FROM " ORDER BY verdict, client, "
    "server, server_port, protocol, ja4, sensor";

/* The per-host roll-up: one row per client IP, worst first. */
static const char host_sql[] = "SELECT client, min(verdict), count(*), "
    "sum(sessions), sum(verdict <= 3), min(first_seen), max(last_seen), "
    "count(DISTINCT sensor) FROM " REP_FROM " GROUP BY client "
    "ORDER BY min(verdict), client";

static const char *
col_text(sqlite3_stmt *s, int i)
{
	const char	*t = (const char *)sqlite3_column_text(s, i);

	return t != NULL && *t != '\0' ? t : NULL;
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
rep_row_fill(sqlite3_stmt *s, const struct store_filter *f,
    struct rep_row *r)
{
	uint64_t	seen[STORE_NREASONS], legacy = 0, n;
	size_t		o = 0, i;
	int		v, k;

	memset(r->v, 0, sizeof(r->v));
	for (k = 0; k < STORE_NREASONS; k++) {
		seen[k] = (uint64_t)sqlite3_column_int64(s, Q_SEEN + k);
		if (k <= R_LEGACY_LAST && seen[k] > legacy)
			legacy = seen[k];
	}
	v = sqlite3_column_int(s, Q_VERDICT);
	if (v < 0 || v >= STORE_NREASONS)
		v = RS_UNKNOWN;
	(void)f;
	r->v[0] = col_text(s, Q_CLIENT);
	r->v[1] = col_text(s, Q_SERVER);
	r->port = (uint64_t)sqlite3_column_int64(s, Q_PORT);
	snprintf(r->buf[2], sizeof(r->buf[2]), "%llu",
	    (unsigned long long)r->port);
	r->v[2] = r->buf[2];
	r->v[3] = col_text(s, Q_PROTO);
	r->v[4] = col_text(s, Q_JA4);
	r->v[5] = col_text(s, Q_SENSOR);
	r->v[6] = reason_names[v];
	r->v[7] = store_status(seen, v);
	r->v[8] = col_text(s, Q_LAST_REASON);
	r->sessions = (uint64_t)sqlite3_column_int64(s, Q_SESSIONS);
	snprintf(r->buf[9], sizeof(r->buf[9]), "%llu",
	    (unsigned long long)r->sessions);
	r->v[9] = r->buf[9];
	r->reasons[0] = '\0';
	for (k = 0; k < STORE_NREASONS; k++) {
		n = (uint64_t)sqlite3_column_int64(s, Q_N + k);
		if (n != 0 && o < sizeof(r->reasons))
			o += (size_t)snprintf(r->reasons + o,
			    sizeof(r->reasons) - o, "%s%s=%llu", o ? ";" : "",
			    reason_names[k], (unsigned long long)n);
	}
	r->v[10] = r->reasons;
	fmt_us((uint64_t)sqlite3_column_int64(s, Q_FIRST), r->buf[11], 64);
	fmt_us((uint64_t)sqlite3_column_int64(s, Q_LAST), r->buf[12], 64);
	fmt_us(legacy, r->buf[13], 64);
	fmt_us(seen[RS_OK], r->buf[14], 64);
	inventory_fmt_version((uint16_t)sqlite3_column_int(s, Q_CMAX),
	    r->buf[15], 64);
	inventory_fmt_version((uint16_t)sqlite3_column_int(s, Q_NMIN),
	    r->buf[16], 64);
	inventory_fmt_version((uint16_t)sqlite3_column_int(s, Q_NMAX),
	    r->buf[17], 64);
	for (i = 11; i <= 17; i++)
		r->v[i] = r->buf[i][0] != '\0' ? r->buf[i] : NULL;
	r->v[18] = col_text(s, Q_MODE);
	r->modes[0] = '\0';
	for (o = 0, i = 0; i < 3; i++)
		if (sqlite3_column_int(s, Q_MODES) & (1 << i))
			o += (size_t)snprintf(r->modes + o,
			    sizeof(r->modes) - o, "%s%s", o ? ";" : "",
			    mode_names[i]);
	r->v[19] = r->modes[0] ? r->modes : NULL;
	r->v[20] = col_text(s, Q_SNI);
	r->v[21] = col_text(s, Q_CIPHER);
	r->v[22] = col_text(s, Q_JA3);
	r->v[23] = col_text(s, Q_LABEL);
	r->v[24] = col_text(s, Q_EOWNER);
	r->v[25] = r->v[24] ? col_text(s, Q_EEXPIRES) : NULL;
	r->v[26] = r->v[24] ? col_text(s, Q_ETICKET) : NULL;
}

static int
rep_bind(sqlite3_stmt *s, const struct store_filter *f)
{
	sqlite3_bind_int64(s, 1, (sqlite3_int64)f->now_us);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)f->window_s);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)f->since_us);
	bind_text(s, 4, f->sensor);
	bind_text(s, 5, f->protocol);
	return 0;
}

struct rep_ctx {
	sqlite3				*db;
	const struct store_filter	*f;
	int				 sqlerr;	/* SQLite error */
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
	sqlite3_stmt	*s = NULL;
	size_t		 i;
	int		 rc = 0, step;

	if (c->f->bom && fputs("\xef\xbb\xbf", fp) == EOF)
		return -1;
	for (i = 0; i < REP_NCOLUMNS && rc == 0; i++)
		rc = inventory_csv_field(fp, rep_columns[i], i == 0);
	if (rc == 0 && fputs("\r\n", fp) == EOF)
		return -1;
	if (sqlite3_prepare_v2(c->db, rep_sql, -1, &s, NULL) != SQLITE_OK)
		goto sqlfail;
	rep_bind(s, c->f);
	while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
		rep_row_fill(s, c->f, &r);
		for (i = 0; i < REP_NCOLUMNS && rc == 0; i++)
			rc = inventory_csv_field(fp, r.v[i], i == 0);
		if (rc == 0 && fputs("\r\n", fp) == EOF)
			rc = -1;
	}
	if (rc == 0 && step != SQLITE_DONE)
		goto sqlfail;
	sqlite3_finalize(s);
	return rc;
sqlfail:
	c->sqlerr = 1;
	sqlite3_finalize(s);
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
	sqlite3_stmt	*s = NULL;
	json_t		*o;
	char		 t[64];
	size_t		 i;
	int		 rc = 0, step, v;
	bool		 first = true;

	inventory_fmt_time(c->f->now_us, t, sizeof(t));
	if (fprintf(fp, "{\"generated\":\"%s\",\"window_seconds\":%llu,"
	    "\"records\":[", t, (unsigned long long)c->f->window_s) < 0)
		return -1;
	if (sqlite3_prepare_v2(c->db, rep_sql, -1, &s, NULL) != SQLITE_OK)
		goto sqlfail;
	rep_bind(s, c->f);
	while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
		rep_row_fill(s, c->f, &r);
		if ((o = json_object()) == NULL) {
			rc = -1;
			break;
		}
		for (i = 0; i < REP_NCOLUMNS; i++)
			if (i == 2 || i == 9)
				json_object_set_new(o, rep_columns[i],
				    json_integer((json_int_t)(i == 2 ? r.port :
				    r.sessions)));
			else
				json_object_set_new(o, rep_columns[i],
				    jstr(r.v[i]));
		rc = dump_line(fp, o, first);
		first = false;
	}
	if (rc != 0)
		goto fail;
	if (step != SQLITE_DONE)
		goto sqlfail;
	sqlite3_finalize(s);
	s = NULL;
	if (fputs("\n],\"hosts\":[", fp) == EOF)
		return -1;
	if (sqlite3_prepare_v2(c->db, host_sql, -1, &s, NULL) != SQLITE_OK)
		goto sqlfail;
	rep_bind(s, c->f);
	first = true;
	while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
		if ((o = json_object()) == NULL) {
			rc = -1;
			break;
		}
		v = sqlite3_column_int(s, 1);
		json_object_set_new(o, "client", jstr(col_text(s, 0)));
		json_object_set_new(o, "verdict", json_string(reason_names[
		    v >= 0 && v < STORE_NREASONS ? v : RS_UNKNOWN]));
		json_object_set_new(o, "records",
		    json_integer(sqlite3_column_int64(s, 2)));
		json_object_set_new(o, "sessions",
		    json_integer(sqlite3_column_int64(s, 3)));
		json_object_set_new(o, "legacy_records",
		    json_integer(sqlite3_column_int64(s, 4)));
		fmt_us((uint64_t)sqlite3_column_int64(s, 5), t, sizeof(t));
		json_object_set_new(o, "first_seen", jstr(t));
		fmt_us((uint64_t)sqlite3_column_int64(s, 6), t, sizeof(t));
		json_object_set_new(o, "last_seen", jstr(t));
		json_object_set_new(o, "sensors",
		    json_integer(sqlite3_column_int64(s, 7)));
		rc = dump_line(fp, o, first);
		first = false;
	}
	if (rc != 0)
		goto fail;
	if (step != SQLITE_DONE)
		goto sqlfail;
	sqlite3_finalize(s);
	return fputs("\n]}\n", fp) == EOF ? -1 : 0;
sqlfail:
	c->sqlerr = 1;
	errno = EIO;
fail:
	sqlite3_finalize(s);
	return -1;
}

static int
report_write(sqlite3 *db, const struct store_filter *f, const char *csv,
    const char *json, char *err, size_t errlen)
{
	struct rep_ctx	c = { db, f, 0 };
	int		rc = 0;

	if (csv != NULL && inventory_write_atomic(csv, fill_csv, &c, err,
	    errlen) != 0)
		rc = -1;
	if (rc == 0 && json != NULL && inventory_write_atomic(json, fill_json,
	    &c, err, errlen) != 0)
		rc = -1;
	if (c.sqlerr)
		seterr(err, errlen, sqlite3_db_filename(db, "main"),
		    sqlite3_errmsg(db));
	return rc;
}

int
store_report_files(const char *path, const struct store_filter *f,
    const char *csv, const char *json, char *err, size_t errlen)
{
	sqlite3	*db;
	int	 rc;

	if ((db = db_open(path, false, err, errlen)) == NULL)
		return -1;
	rc = report_write(db, f, csv, json, err, errlen);
	sqlite3_close(db);
	return rc;
}

/* --- tlsfloor report ------------------------------------------------------ */

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ" (UTC) -> us; -1 if neither. */
static int
parse_time(const char *s, uint64_t *us)
{
	struct tm	tm;
	int		y, mo, d, h = 0, mi = 0, se = 0, n = 0;
	time_t		t;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
		return -1;
	if (s[n] == 'T') {
		const char	*p = s + n + 1;
		int		 m = 0;

		if (sscanf(p, "%2d:%2d:%2d%n", &h, &mi, &se, &m) != 3 ||
		    strcmp(p + m, "Z") != 0)
			return -1;
	} else if (s[n] != '\0')
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || se > 60)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	*us = (uint64_t)t * US;
	return 0;
}

static void
report_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: tlsfloor report --db PATH [--csv FILE] [--json FILE] [--bom]\n"
	    "                [--since TIME] [--sensor NAME] [--protocol PROTO]\n"
	    "                [--window DURATION] [--at TIME]\n"
	    "\n"
	    "  --db PATH            the inventory database (inventory.db)\n"
	    "  --csv FILE           write the records as CSV (RFC 4180)\n"
	    "  --json FILE          write the records and the per-host roll-up\n"
	    "  --bom                start the CSV with a UTF-8 byte order mark\n"
	    "  --since TIME         only records seen since TIME (YYYY-MM-DD or\n"
	    "                       YYYY-MM-DDTHH:MM:SSZ, UTC)\n"
	    "  --sensor NAME        only records of that sensor\n"
	    "  --protocol PROTO     only pop3, imap, smtp or tls records\n"
	    "  --window DURATION    the verdict's window (default 30d)\n"
	    "  --at TIME            report as of TIME (default now)\n");
}

int
store_report_main(int argc, char **argv)
{
	struct store_filter	 f;
	const char		*db = NULL, *csv = NULL, *json = NULL;
	char			 err[1024];
	uint64_t		 w;
	int			 i;

	memset(&f, 0, sizeof(f));
	f.now_us = wall_us();
	f.window_s = 30 * 86400u;
	for (i = 1; i < argc; i++) {
		const char	*a = argv[i], *v = i + 1 < argc ? argv[i + 1] :
				    NULL;

		if (strcmp(a, "--bom") == 0) {
			f.bom = true;
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			report_usage(stdout);
			return 0;
		}
		if (v == NULL || strncmp(a, "--", 2) != 0) {
			log_warnx("report: %s: %s", a, strncmp(a, "--", 2) ?
			    "unexpected argument" : "needs a value");
			report_usage(stderr);
			return 2;
		}
		i++;
		if (strcmp(a, "--db") == 0)
			db = v;
		else if (strcmp(a, "--csv") == 0)
			csv = v;
		else if (strcmp(a, "--json") == 0)
			json = v;
		else if (strcmp(a, "--sensor") == 0)
			f.sensor = v;
		else if (strcmp(a, "--protocol") == 0) {
			if (strcmp(v, "pop3") && strcmp(v, "imap") &&
			    strcmp(v, "smtp") && strcmp(v, "tls")) {
				log_warnx("report: --protocol: \"%s\": "
				    "expected pop3, imap, smtp or tls", v);
				return 2;
			}
			f.protocol = v;
		} else if (strcmp(a, "--since") == 0 || strcmp(a, "--at") == 0) {
			if (parse_time(v, a[2] == 's' ? &f.since_us :
			    &f.now_us) != 0) {
				log_warnx("report: %s: \"%s\": expected "
				    "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ", a, v);
				return 2;
			}
		} else if (strcmp(a, "--window") == 0) {
			if (config_parse_duration(v, 1, 3650 * 86400ull, &w)
			    != 0) {
				log_warnx("report: --window: \"%s\": expected "
				    "a duration (s, m, h, d)", v);
				return 2;
			}
			f.window_s = w;
		} else {
			log_warnx("report: unknown option %s", a);
			report_usage(stderr);
			return 2;
		}
	}
	if (db == NULL || (csv == NULL && json == NULL)) {
		log_warnx("report: give --db and at least one of --csv, "
		    "--json");
		report_usage(stderr);
		return 2;
	}
	if (access(db, F_OK) != 0) {
		log_warnx("report: %s: %s", db, strerror(errno));
		return 1;
	}
	if (store_report_files(db, &f, csv, json, err, sizeof(err)) != 0) {
		log_warnx("report: %s", err);
		return 1;
	}
	return 0;
}
