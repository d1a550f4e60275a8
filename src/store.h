/*
 * store.h -- the persistent client inventory: an SQLite (or PostgreSQL)
 * database that every finished session updates, written by a thread of its own in
 * batches, and the reports (CSV, JSON) read back from it.  store.c
 * documents the schema and how a record's verdict is computed.
 */
#ifndef TLSFLOOR_STORE_H
#define TLSFLOOR_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct inv_session;

#define STORE_SCHEMA_VERSION	4	/* PRAGMA user_version we write */

/*
 * The reasons a record keeps a column pair for, worst first.  The same
 * names as enum reason (verdict.h) but their own numbers: the schema has a
 * column per reason, named, and the numbers are never stored (the verdict
 * is computed when reporting), so a reason verdict.c adds does not move
 * these.  cleartext_credentials (schema 4) is the worst: a record never
 * reads better than the worst session of its window.
 */
enum store_reason {
	SR_CLEARTEXT_CREDENTIALS,
	SR_LEGACY_REFUSED,
	SR_EXCEPTION_EXPIRED,
	SR_LEGACY_CLIENT,
	SR_LEGACY_NEGOTIATED,
	SR_PLAINTEXT,
	SR_UNKNOWN,
	SR_OK,
	STORE_NREASONS
};
#define SR_LEGACY_FIRST	SR_LEGACY_REFUSED	/* the four legacy reasons */
#define SR_LEGACY_LAST	SR_LEGACY_NEGOTIATED

/* What the daemon's store is opened with. */
struct store_opts {
	const char	*db;		/* SQLite path or postgresql:// URI;
					 * NULL: a temporary database */
	const char	*sensor;	/* name in every record */
	uint32_t	 commit_interval; /* s between transactions */
	uint32_t	 window;	/* s: the verdict's window */
	const char	*inventory;	/* files written from the store at
					 * SIGUSR1, interval and exit; NULL:
					 * none */
	bool		 offline;	/* reading files: a full batch waits
					 * for the writer rather than drop */
	/* Each record of an inventory JSON file, for inventory events: called
	 * by the writer thread with a reference it hands over.  Reading files
	 * (offline) only at the end of the run: mid-run the capture may hold
	 * the lock the callback needs while it waits for the writer. */
	void		(*on_record)(json_t *record, uint64_t now_us);
};

/*
 * Daemon side.  store_open() checks the database (creates or upgrades its
 * schema) and returns; the writer thread starts with the first session or
 * request, so after a fork (-D).  store_add() copies a finished session
 * into the bounded batch and never waits more than STORE_WAIT_MS when the
 * batch is full (live) -- the session is then counted in
 * store.sessions_dropped.  store_report() asks the writer to commit and
 * write the inventory files; store_close() commits what is left, writes
 * them and joins the thread.
 */
int	store_open(const struct store_opts *, char *err, size_t errlen);
void	store_add(const struct inv_session *);
void	store_report(uint64_t now_us);
int	store_close(uint64_t now_us);
bool	store_active(void);
void	store_handover(uid_t, gid_t);
void	store_fold(uint64_t *into);	/* counters into stats[] */

/*
 * The verdict and status of one record (see store.c, "Verdict").  seen[r]
 * is the last session start with reason r (0: never), in us; last_seen
 * the latest session start; exc_expires the last day of the record's
 * exception ("YYYY-MM-DD", NULL or "" for none).  now_us is the report
 * time and window_s the window.  Returns the reason index (enum
 * store_reason).
 */
int	store_verdict(const uint64_t seen[STORE_NREASONS], uint64_t last_seen,
	    const char *exc_expires, uint64_t now_us, uint64_t window_s);
const char *store_status(const uint64_t seen[STORE_NREASONS], int verdict);

/* The clear-text mechanism names store_add() knows ("USER/PASS", "APOP",
 * "LOGIN", "AUTH PLAIN", ...: session_cleartext_name()) as the bits of
 * the cleartext_mechanisms column; 0 for any other name. */
uint64_t store_mech_bit(const char *name);

/* Report side ("tlsfloor report" and the daemon's inventory files). */
struct store_filter {
	uint64_t	 since_us;	/* last_seen >= since; 0: all */
	const char	*sensor;	/* NULL: every sensor */
	const char	*protocol;	/* NULL: every protocol */
	uint64_t	 now_us;	/* report time */
	uint64_t	 window_s;
	bool		 bom;		/* CSV starts with a UTF-8 BOM */
	uint16_t	 floor;		/* HTML: the floor named (0: 1.2) */
};

/* A postgresql:// (or postgres://) URI rather than an SQLite path. */
bool	store_is_uri(const char *db);

/* The report's files from the database at db (opened, upgraded, closed);
 * csv and json may each be NULL.  0, or -1 with the reason in err. */
int	store_export(const char *db, const struct store_filter *,
	    const char *csv, const char *json, char *err, size_t errlen);
/*
 * The HTML report's reading (report_html.c calls it; store.c knows
 * nothing of HTML): every record of the filter,
 * worst verdict first, then the days of the window ending at f->now_us
 * (days table).  Strings are borrowed for the call; NULL = none.  A
 * callback returning non-zero stops the walk.  0, or -1 with the reason
 * in err.
 */
struct store_rec {
	const char	*sensor, *client, *server, *protocol, *ja4, *sni;
	const char	*label, *exc_owner, *exc_expires, *exc_ticket;
	const char	*verdict_name, *status;
	const char	*client_software, *client_software_source;
	const char	*cleartext_mechanisms;	/* "USER/PASS;LOGIN" */
	int		 verdict;	/* enum store_reason */
	int		 tls_verdict;	/* the verdict with the
					 * cleartext_credentials sessions left
					 * out: what TLS alone says */
	uint64_t	 port, sessions, n[STORE_NREASONS];
	uint64_t	 first_seen, last_seen, last_legacy_seen,
			 last_ok_seen, last_cleartext_seen; /* us, 0: never */
	uint16_t	 client_max, negotiated_min, negotiated_max;
};
struct store_day {
	uint64_t	 day;		/* days since the epoch (UTC) */
	uint64_t	 sessions, legacy, legacy_clients;
};
struct store_visitor {
	int		(*record)(const struct store_rec *, void *);
	int		(*day)(const struct store_day *, void *);
	void		*arg;
};
int	store_visit(const char *db, const struct store_filter *,
	    const struct store_visitor *, char *err, size_t errlen);

/* Tests: create an older schema (1, 2 or 3) in an SQLite file, as that
 * version of tlsfloor wrote it. */
int	store_create_old(const char *db, int version, char *err,
	    size_t errlen);

#endif /* TLSFLOOR_STORE_H */
