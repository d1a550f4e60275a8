/*
 * inventory.c -- the client inventory: who talks POP3/IMAP/SMTP to whom,
 * and what TLS they manage.
 *
 * Receives every finished session from the outputs (struct inv_session,
 * borrowed) and folds it into one record per (client IP, server IP, server
 * port, protocol).  Hands on nothing: inventory_write() writes the records
 * as a JSON file and a CSV file, and inventory_record_json() gives one
 * record to the event sinks.  It does not judge sessions (verdict.c did),
 * match exceptions (config.c) or decide when to write (the caller).
 *
 * Memory is bounded: at most max_records records (a new key beyond that is
 * counted in inventory.records_dropped and dropped; existing records still
 * update), at most INV_MAX_* values per list, and at most INV_MAX_STR_BYTES
 * of distinct strings from the wire (SNI, cipher names, JA3, JA4) for the
 * whole inventory.  Strings are interned: "mail.example.com" seen by a
 * thousand clients is stored once.  Records live in one array indexed by a
 * SipHash-keyed open-addressing table with a random per-inventory key, so
 * nobody on the wire can choose collisions.
 *
 * Record fields (JSON key = CSV column, in this order):
 *
 *   client                   client IP
 *   server                   server IP
 *   server_port              server TCP port
 *   protocol                 pop3 | imap | smtp | tls
 *   verdict                  the worst reason (report order below) of
 *                            the sessions that started within
 *                            inventory.window (30 d) before the latest
 *                            one: a record never reads better than the
 *                            worst its client did in that window -- a
 *                            refused legacy client stays legacy_refused
 *                            after one ok session.  Between two reasons
 *                            that rank alike (unknown and a name we do
 *                            not know) the later wins.  The rule of the
 *                            inventory database (store.c), with the
 *                            latest session as the window's end
 *   client_max_version       highest version the client offered in any
 *                            session ("TLSv1.2"; "0xNNNN" without a name)
 *   negotiated_min_version   lowest version negotiated in any session
 *   negotiated_max_version   highest version negotiated in any session
 *   mode                     starttls | implicit | plain of the latest
 *                            session
 *   modes                    every mode seen, in the order starttls,
 *                            implicit, plain ("starttls;plain": the
 *                            client sometimes skips STARTTLS)
 *   sessions                 sessions counted
 *   reasons                  sessions per reason, worst first; JSON an
 *                            object, CSV "legacy_client=3;ok=1"
 *   first_seen, last_seen    start of the first and of the latest session,
 *                            RFC 3339 UTC to the second
 *   sni                      SNI names seen (at most INV_MAX_SNI)
 *   ciphers                  negotiated suites by IANA name, "0xNNNN"
 *                            without one (at most INV_MAX_CIPHERS)
 *   ja3, ja4                 client fingerprints seen (INV_MAX_JA3/JA4)
 *   endpoint_label           watch-list label of the latest session that
 *                            had one
 *   exception                the exception of the latest session that
 *                            matched one (kept after it expires, so an
 *                            exception_expired record still names its
 *                            owner); JSON {owner, expires, ticket} or
 *                            null, CSV three columns exception_owner,
 *                            exception_expires, exception_ticket
 *   truncated                the lists that had more values than kept
 *                            (sni, ciphers, ja3, ja4)
 *
 * Lists are sorted (byte order), so two runs over the same input give the
 * same files.  Versions absent: JSON null, CSV empty field.
 *
 * The JSON file: {"generated": time, "records": [one record per line],
 * "ja4_groups": [{"ja4", "clients": [IPs], "count": clients}],
 * "sessions_dropped": N}.  ja4_groups puts together the clients that sent
 * the same JA4 (the same TLS library and settings): most clients first,
 * then by JA4.  sessions_dropped counts sessions lost to the record limit.
 *
 * The CSV file (RFC 4180): a header row with the columns above, then one
 * row per record, CRLF line ends, UTF-8 without a byte order mark.  A
 * field holding ',', '"', CR or LF is quoted, its quotes doubled.  Lists
 * are joined with ';' in one field; a ';' inside a value is written \x3b.
 * Spreadsheet formula injection is defused: a field starting with '=',
 * '+', '-', '@', TAB or CR gets a leading single quote ("'=cmd|...")
 * (OWASP "CSV Injection"), so an SNI chosen by an attacker is shown, not
 * run.  Strip that quote before comparing such values.
 *
 * Report order (records, CSV rows, inventory_record_json()): worst
 * verdict first -- cleartext_credentials, legacy_refused,
 * exception_expired, legacy_client,
 * legacy_negotiated, plaintext, unknown (and reason names we do not know),
 * ok -- then client IP, server IP, server port, protocol (IPv4 before
 * IPv6).
 *
 * Writing: each file goes to a temporary file next to it (NAME.tmp.XXXXXX),
 * is flushed and fsync'ed, then renamed over NAME, so a reader sees the old
 * file or the new one, never half of one.  The two files of one write are
 * each atomic, not atomic as a pair.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "fmt.h"
#include "hash.h"
#include "inventory.h"
#include "stats.h"
#include "tls.h"
#include "session.h"

/* Inventory-wide budget for distinct strings from the wire. */
#define INV_MAX_STR_BYTES	(16u << 20)

#define INV_SET_MAX		8	/* the largest INV_MAX_SNI..JA4 */

_Static_assert(INV_MAX_SNI <= INV_SET_MAX && INV_MAX_CIPHERS <=
    INV_SET_MAX && INV_MAX_JA3 <= INV_SET_MAX && INV_MAX_JA4 <= INV_SET_MAX,
    "INV_SET_MAX too small");
_Static_assert(INV_MAX_REASONS <= 255, "reason index is a uint8_t");

enum inv_mode {
	INV_MODE_STARTTLS,
	INV_MODE_IMPLICIT,
	INV_MODE_PLAIN,
	INV_MODE_NMODES,
	INV_MODE_NONE = INV_MODE_NMODES,
};

static const char *const inv_mode_names[INV_MODE_NMODES] = {
	[INV_MODE_STARTTLS] = "starttls",
	[INV_MODE_IMPLICIT] = "implicit",
	[INV_MODE_PLAIN] = "plain",
};

/*
 * Reason names in report order; the first INV_NKNOWN are preloaded into
 * every inventory's name table at these indices.  A name not listed ranks
 * with "unknown"; past INV_MAX_REASONS names, sessions count as "other".
 */
static const char *const inv_known_reasons[] = {
	"cleartext_credentials", "legacy_refused", "exception_expired",
	"legacy_client", "legacy_negotiated", "plaintext", "unknown", "ok",
};
#define INV_NKNOWN	(sizeof(inv_known_reasons) / \
			    sizeof(inv_known_reasons[0]))
#define INV_RANK_UNKNOWN	6	/* index of "unknown" above */
#define INV_OTHER		(INV_MAX_REASONS - 1)	/* "other" slot */

/* A bounded set of interned strings, sorted by strcmp(). */
struct inv_set {
	const char	*v[INV_SET_MAX];	/* interned */
	uint8_t		 n;
	bool		 trunc;		/* a value did not fit */
};

struct inv_count {
	uint64_t	 n;		/* sessions */
	uint64_t	 last_ts;	/* us, start of the latest of them */
	uint8_t		 name;		/* index into inventory.rnames */
};

struct inv_record {
	uint64_t	 hash;
	/* key */
	uint8_t		 family;
	uint8_t		 cli[16], srv[16];	/* IPv4: bytes 4..15 zero */
	uint16_t	 port;
	uint8_t		 proto;
	/* what the sessions said */
	uint8_t		 mode;		/* enum inv_mode, latest session */
	uint8_t		 modes;		/* bit (1 << enum inv_mode) per mode */
	uint8_t		 current;	/* rnames index: the verdict */
	uint8_t		 rank;		/* of current, for sorting */
	uint8_t		 ncounts;
	uint16_t	 neg_min, neg_max;	/* normalised; 0: none */
	uint16_t	 offered_max;	/* normalised; 0: unknown */
	uint64_t	 sessions;
	uint64_t	 first_ts, last_ts;	/* us, session starts */
	uint64_t	 label_ts, exc_ts;	/* us, when those were set */
	struct inv_count *counts;	/* owned, ncounts entries */
	struct inv_set	 sni, ciphers, ja3, ja4;
	const char	*label;		/* interned; NULL: none */
	const char	*exc_owner;	/* interned; NULL: no exception */
	const char	*exc_expires;	/* interned */
	const char	*exc_ticket;	/* interned; NULL: none */
};

/* Report order, rebuilt when stale.  Separate so that the const accessors
 * can refresh it. */
struct inv_order {
	bool		 stale;
	const struct inv_record **v;	/* owned array, nrec entries */
};

struct inventory {
	uint64_t	 sipkey[2];
	size_t		 max;		/* records allowed */
	struct inv_record *rec;		/* owned array */
	size_t		 nrec, caprec;
	uint32_t	*slot;		/* open addressing: record index + 1 */
	size_t		 nslot;		/* power of two; 0 before the first */
	char		**str;		/* interned strings, open addressing */
	uint64_t	*strhash;
	size_t		 nstr, capstr;	/* capstr: power of two or 0 */
	size_t		 strbytes;	/* wire strings, against the budget */
	const char	*rnames[INV_MAX_REASONS];	/* interned */
	uint8_t		 nrnames;
	uint64_t	 dropped;	/* sessions lost to the record limit */
	struct inv_order *order;	/* owned */
	uint64_t	 window_us;	/* the verdict's window */
};

static const char *intern(struct inventory *, const char *, bool wire);
static size_t	clean_str(const char *, char *, size_t, bool ascii);
static int	rec_find(struct inventory *, const struct inv_session *,
		    size_t *);
static void	rec_update(struct inventory *, struct inv_record *,
		    const struct inv_session *);
static void	set_add(struct inventory *, struct inv_set *, size_t max,
		    const char *);
static uint8_t	reason_index(struct inventory *, const char *);
static void	order_refresh(const struct inventory *);
static json_t	*record_json(const struct inventory *,
		    const struct inv_record *);
static int	write_json(FILE *, const struct inventory *, uint64_t);
static int	write_csv(FILE *, const struct inventory *);
static int	fill_json(FILE *, void *);
static int	fill_csv(FILE *, void *);

/* --- life cycle ---------------------------------------------------------- */

struct inventory *
inventory_new(size_t max_records)
{
	struct inventory	*inv;
	size_t			 i;

	if ((inv = calloc(1, sizeof(*inv))) == NULL)
		return NULL;
	if ((inv->order = calloc(1, sizeof(*inv->order))) == NULL)
		goto fail;
	/* Record indices are stored as uint32_t + 1. */
	inv->max = max_records < UINT32_MAX - 1 ? max_records :
	    UINT32_MAX - 1;
	if (hash_key(inv->sipkey) != 0) {
		/* Only collision resistance suffers; the output does not
		 * depend on the key. */
		inv->sipkey[0] = (uint64_t)time(NULL);
		inv->sipkey[1] = (uint64_t)getpid() ^ (uintptr_t)inv;
	}
	for (i = 0; i < INV_NKNOWN; i++)
		if ((inv->rnames[i] = intern(inv, inv_known_reasons[i],
		    false)) == NULL)
			goto fail;
	if ((inv->rnames[INV_OTHER] = intern(inv, "other", false)) == NULL)
		goto fail;
	inv->nrnames = INV_NKNOWN;
	inv->window_us = LIMIT_DEF_INV_WINDOW * 1000000ull;
	return inv;
fail:
	inventory_free(inv);
	return NULL;
}

void
inventory_free(struct inventory *inv)
{
	size_t	i;

	if (inv == NULL)
		return;
	for (i = 0; i < inv->nrec; i++)
		free(inv->rec[i].counts);
	free(inv->rec);
	free(inv->slot);
	for (i = 0; i < inv->capstr; i++)
		free(inv->str[i]);
	free(inv->str);
	free(inv->strhash);
	if (inv->order != NULL)
		free(inv->order->v);
	free(inv->order);
	free(inv);
}

size_t
inventory_count(const struct inventory *inv)
{
	return inv != NULL ? inv->nrec : 0;
}

/* --- strings ------------------------------------------------------------- */

/*
 * Copy s into buf (size len, len >= 5) as text jansson and a spreadsheet
 * will take: control characters become \xNN, and with ascii also every
 * byte >= 0x80.  Stops at the end of buf rather than cut an escape.
 */
static size_t
clean_str(const char *s, char *buf, size_t len, bool ascii)
{
	static const char	hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 o = 0;

	for (; *p != '\0'; p++) {
		if (*p >= 0x20 && *p != 0x7f && (*p < 0x80 || !ascii)) {
			if (o + 1 >= len)
				break;
			buf[o++] = (char)*p;
		} else {
			if (o + 4 >= len)
				break;
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[*p >> 4];
			buf[o++] = hex[*p & 15];
		}
	}
	buf[o] = '\0';
	return o;
}

static int
intern_grow(struct inventory *inv)
{
	size_t		 ncap = inv->capstr ? inv->capstr * 2 : 256, i, j;
	char		**nstr;
	uint64_t	*nhash;

	if ((nstr = calloc(ncap, sizeof(*nstr))) == NULL)
		return -1;
	if ((nhash = calloc(ncap, sizeof(*nhash))) == NULL) {
		free(nstr);
		return -1;
	}
	for (i = 0; i < inv->capstr; i++) {
		if (inv->str[i] == NULL)
			continue;
		for (j = inv->strhash[i] & (ncap - 1); nstr[j] != NULL;
		    j = (j + 1) & (ncap - 1))
			;
		nstr[j] = inv->str[i];
		nhash[j] = inv->strhash[i];
	}
	free(inv->str);
	free(inv->strhash);
	inv->str = nstr;
	inv->strhash = nhash;
	inv->capstr = ncap;
	return 0;
}

/*
 * The one stored copy of s, cleaned (clean_str(); UTF-8 is kept when
 * valid, because owners and labels come from the config) and cut to
 * INV_MAX_STR - 1 bytes.  Strings from the wire count against
 * INV_MAX_STR_BYTES.  NULL when out of budget or memory.
 */
static const char *
intern(struct inventory *inv, const char *s, bool wire)
{
	char		 buf[INV_MAX_STR];
	json_t		*probe;
	size_t		 n, i;
	uint64_t	 h;

	n = clean_str(s, buf, sizeof(buf), false);
	/* jansson refuses invalid UTF-8 (the field would vanish): then
	 * escape every non-ASCII byte as well. */
	if ((probe = json_stringn(buf, n)) == NULL)
		n = clean_str(s, buf, sizeof(buf), true);
	json_decref(probe);
	h = hash_bytes(inv->sipkey, buf, n);
	if (inv->capstr != 0)
		for (i = h & (inv->capstr - 1); inv->str[i] != NULL;
		    i = (i + 1) & (inv->capstr - 1))
			if (inv->strhash[i] == h && strcmp(inv->str[i],
			    buf) == 0)
				return inv->str[i];
	if (wire && inv->strbytes + n + 1 > INV_MAX_STR_BYTES)
		return NULL;
	if ((inv->nstr + 1) * 2 > inv->capstr && intern_grow(inv) == -1)
		return NULL;
	for (i = h & (inv->capstr - 1); inv->str[i] != NULL;
	    i = (i + 1) & (inv->capstr - 1))
		;
	if ((inv->str[i] = strdup(buf)) == NULL)
		return NULL;
	inv->strhash[i] = h;
	inv->nstr++;
	if (wire)
		inv->strbytes += n + 1;
	return inv->str[i];
}

/* --- records ------------------------------------------------------------- */

static size_t
addr_len(uint8_t family)
{
	return family == 4 ? 4 : 16;
}

static uint64_t
key_hash(const struct inventory *inv, const struct inv_record *r)
{
	uint8_t	k[37];

	memcpy(k, r->cli, 16);
	memcpy(k + 16, r->srv, 16);
	k[32] = r->family;
	k[33] = r->port >> 8;
	k[34] = r->port & 0xff;
	k[35] = r->proto;
	k[36] = 0;
	return hash_bytes(inv->sipkey, k, sizeof(k));
}

static bool
key_eq(const struct inv_record *a, const struct inv_record *b)
{
	return a->hash == b->hash && a->family == b->family &&
	    a->port == b->port && a->proto == b->proto &&
	    memcmp(a->cli, b->cli, 16) == 0 && memcmp(a->srv, b->srv, 16) == 0;
}

static int
slot_grow(struct inventory *inv)
{
	size_t		 n = inv->nslot ? inv->nslot * 2 : 64, i, j;
	uint32_t	*ns;

	if ((ns = calloc(n, sizeof(*ns))) == NULL)
		return -1;
	for (i = 0; i < inv->nrec; i++) {
		for (j = inv->rec[i].hash & (n - 1); ns[j] != 0;
		    j = (j + 1) & (n - 1))
			;
		ns[j] = (uint32_t)(i + 1);
	}
	free(inv->slot);
	inv->slot = ns;
	inv->nslot = n;
	return 0;
}

/*
 * The index of s's record in *idx, created if new; -1 when it cannot be
 * (record limit or memory: counted in inventory.records_dropped).
 */
static int
rec_find(struct inventory *inv, const struct inv_session *s, size_t *idx)
{
	struct inv_record	 key, *r, *nrec;
	size_t			 i, ncap;

	memset(&key, 0, sizeof(key));
	key.family = s->family;
	/* IPv4: only the first 4 bytes count, whatever follows them. */
	memcpy(key.cli, s->cli, addr_len(s->family));
	memcpy(key.srv, s->srv, addr_len(s->family));
	key.port = s->srv_port;
	key.proto = s->proto;
	key.hash = key_hash(inv, &key);
	if (inv->nslot != 0)
		for (i = key.hash & (inv->nslot - 1); inv->slot[i] != 0;
		    i = (i + 1) & (inv->nslot - 1))
			if (key_eq(&inv->rec[inv->slot[i] - 1], &key)) {
				*idx = inv->slot[i] - 1;
				return 0;
			}

	if (inv->nrec >= inv->max)
		goto full;
	if (inv->nrec == inv->caprec) {
		ncap = inv->caprec ? inv->caprec * 2 : 64;
		if (ncap > inv->max)
			ncap = inv->max;
		if ((nrec = reallocarray(inv->rec, ncap, sizeof(*nrec))) ==
		    NULL)
			goto full;
		inv->rec = nrec;
		inv->caprec = ncap;
	}
	/* Load factor at most 1/2, so probes stay short. */
	if ((inv->nrec + 1) * 2 > inv->nslot && slot_grow(inv) == -1)
		goto full;
	r = &inv->rec[inv->nrec];
	*r = key;
	r->mode = INV_MODE_NONE;
	r->first_ts = r->last_ts = s->ts;
	for (i = key.hash & (inv->nslot - 1); inv->slot[i] != 0;
	    i = (i + 1) & (inv->nslot - 1))
		;
	inv->slot[i] = (uint32_t)(inv->nrec + 1);
	STAT_INC(INV_RECORDS);
	*idx = inv->nrec++;
	return 0;
full:
	STAT_INC(INV_FULL);
	inv->dropped++;
	return -1;
}

static uint8_t
reason_index(struct inventory *inv, const char *name)
{
	const char	*p;
	uint8_t		 i;

	for (i = 0; i < inv->nrnames; i++)
		if (strcmp(inv->rnames[i], name) == 0)
			return i;
	if (inv->nrnames >= INV_OTHER || (p = intern(inv, name, false)) ==
	    NULL)
		return INV_OTHER;
	/* clean_str() may have changed it: look again. */
	for (i = 0; i < inv->nrnames; i++)
		if (inv->rnames[i] == p)
			return i;
	if (p == inv->rnames[INV_OTHER])
		return INV_OTHER;
	inv->rnames[inv->nrnames] = p;
	return inv->nrnames++;
}

static uint8_t
reason_rank(uint8_t idx)
{
	return idx < INV_NKNOWN ? idx : INV_RANK_UNKNOWN;
}

static void
count_reason(struct inv_record *r, uint8_t name, uint64_t ts)
{
	struct inv_count	*nc;
	uint8_t			 i;

	for (i = 0; i < r->ncounts; i++)
		if (r->counts[i].name == name) {
			r->counts[i].n++;
			if (ts > r->counts[i].last_ts)
				r->counts[i].last_ts = ts;
			return;
		}
	/* At most INV_MAX_REASONS distinct names exist, so this is bounded;
	 * without memory the session still counts in "sessions". */
	if ((nc = reallocarray(r->counts, r->ncounts + 1u, sizeof(*nc))) ==
	    NULL)
		return;
	r->counts = nc;
	nc[r->ncounts].name = name;
	nc[r->ncounts].n = 1;
	nc[r->ncounts].last_ts = ts;
	r->ncounts++;
}

/*
 * The verdict: the worst reason seen within the window that ends at the
 * record's latest session (a tie in rank goes to the later session).
 * Without counts (no memory for them) the latest session's reason stands.
 */
static void
rec_judge(const struct inventory *inv, struct inv_record *r, uint8_t latest)
{
	uint64_t	 cut = r->last_ts > inv->window_us ?
			    r->last_ts - inv->window_us : 0;
	const struct inv_count *best = NULL;
	uint8_t		 i, rk, brk = 0;

	for (i = 0; i < r->ncounts; i++) {
		const struct inv_count	*c = &r->counts[i];

		if (c->last_ts < cut)
			continue;
		rk = reason_rank(c->name);
		if (best == NULL || rk < brk || (rk == brk &&
		    c->last_ts > best->last_ts)) {
			best = c;
			brk = rk;
		}
	}
	r->current = best != NULL ? best->name : latest;
	r->rank = reason_rank(r->current);
}

/* A new window (a reload) judges every record again. */
void
inventory_set_window(struct inventory *inv, uint64_t seconds)
{
	size_t	i;

	if (inv->window_us == seconds * 1000000ull)
		return;
	inv->window_us = seconds * 1000000ull;
	for (i = 0; i < inv->nrec; i++)
		rec_judge(inv, &inv->rec[i], inv->rec[i].current);
	inv->order->stale = true;
}

static void
set_add(struct inventory *inv, struct inv_set *set, size_t max,
    const char *s)
{
	const char	*p;
	size_t		 i;

	if (s == NULL || *s == '\0')
		return;
	if ((p = intern(inv, s, true)) == NULL) {
		set->trunc = true;
		return;
	}
	for (i = 0; i < set->n; i++)
		if (set->v[i] == p)
			return;
	if (set->n >= max) {
		set->trunc = true;
		return;
	}
	for (i = set->n; i > 0 && strcmp(set->v[i - 1], p) > 0; i--)
		set->v[i] = set->v[i - 1];
	set->v[i] = p;
	set->n++;
}

static uint8_t
mode_index(const char *m)
{
	uint8_t	i;

	if (m != NULL)
		for (i = 0; i < INV_MODE_NMODES; i++)
			if (strcmp(m, inv_mode_names[i]) == 0)
				return i;
	return INV_MODE_NONE;
}

static void
rec_update(struct inventory *inv, struct inv_record *r,
    const struct inv_session *s)
{
	const struct config_exception	*e = s->exception;
	const char			*rname;
	char				 hex[8], day[sizeof(e->expires)];
	uint16_t			 v;
	uint8_t				 mode, ri;

	rname = s->reason_name != NULL && *s->reason_name != '\0' ?
	    s->reason_name : session_reason_name((enum reason)s->reason);
	ri = reason_index(inv, rname);
	mode = mode_index(s->mode);

	r->sessions++;
	count_reason(r, ri, s->ts);
	if (mode != INV_MODE_NONE)
		r->modes |= 1u << mode;
	if (s->ts < r->first_ts)
		r->first_ts = s->ts;
	/* The latest session (by start; a tie goes to the later call) sets
	 * the mode and the end of the verdict's window. */
	if (s->ts >= r->last_ts || r->sessions == 1) {
		r->last_ts = s->ts;
		r->mode = mode;
	}
	rec_judge(inv, r, ri);
	if (s->client_max != 0) {
		v = tls_version_norm(s->client_max);
		if (v > r->offered_max)
			r->offered_max = v;
	}
	if (s->negotiated != 0) {
		v = tls_version_norm(s->negotiated);
		if (r->neg_min == 0 || v < r->neg_min)
			r->neg_min = v;
		if (v > r->neg_max)
			r->neg_max = v;
	}
	set_add(inv, &r->sni, INV_MAX_SNI, s->sni);
	if (s->cipher != 0 || s->cipher_name != NULL) {
		if (s->cipher_name == NULL) {
			snprintf(hex, sizeof(hex), "0x%04x", s->cipher);
			set_add(inv, &r->ciphers, INV_MAX_CIPHERS, hex);
		} else
			set_add(inv, &r->ciphers, INV_MAX_CIPHERS,
			    s->cipher_name);
	}
	set_add(inv, &r->ja3, INV_MAX_JA3, s->ja3);
	set_add(inv, &r->ja4, INV_MAX_JA4, s->ja4);

	/* Label and exception: those of the latest session that had one.
	 * They come from the config, so they do not count against the wire
	 * budget; without memory the old value stays. */
	if (s->endpoint_label != NULL && (r->label == NULL ||
	    s->ts >= r->label_ts)) {
		const char	*l = intern(inv, s->endpoint_label, false);

		if (l != NULL) {
			r->label = l;
			r->label_ts = s->ts;
		}
	}
	if (e != NULL && e->owner != NULL && (r->exc_owner == NULL ||
	    s->ts >= r->exc_ts)) {
		const char	*o, *x, *t = NULL;

		/* expires is a fixed array: never trust its terminator. */
		memcpy(day, e->expires, sizeof(day));
		day[sizeof(day) - 1] = '\0';
		o = intern(inv, e->owner, false);
		x = intern(inv, day, false);
		if (e->ticket != NULL)
			t = intern(inv, e->ticket, false);
		if (o != NULL && x != NULL && (e->ticket == NULL ||
		    t != NULL)) {
			r->exc_owner = o;
			r->exc_expires = x;
			r->exc_ticket = t;
			r->exc_ts = s->ts;
		}
	}
}

void
inventory_add(struct inventory *inv, const struct inv_session *s)
{
	size_t	i;

	if (inv == NULL || s == NULL || (s->family != 4 && s->family != 6))
		return;
	if (rec_find(inv, s, &i) == -1)
		return;
	rec_update(inv, &inv->rec[i], s);
	inv->order->stale = true;
}

/* --- report order -------------------------------------------------------- */

static int
rec_cmp(const void *a, const void *b)
{
	const struct inv_record	*x = *(const struct inv_record *const *)a;
	const struct inv_record	*y = *(const struct inv_record *const *)b;
	int			 c;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if ((c = memcmp(x->cli, y->cli, 16)) != 0)
		return c;
	if ((c = memcmp(x->srv, y->srv, 16)) != 0)
		return c;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	return 0;
}

/* The key is unique, so rec_cmp() is a total order and qsort's lack of
 * stability does not show. */
static void
order_refresh(const struct inventory *inv)
{
	struct inv_order	*o = inv->order;
	const struct inv_record	**v;
	size_t			 i;

	if (!o->stale && (o->v != NULL || inv->nrec == 0))
		return;
	if ((v = reallocarray(o->v, inv->nrec ? inv->nrec : 1,
	    sizeof(*v))) == NULL)
		return;		/* the old order, if any, stays */
	o->v = v;
	for (i = 0; i < inv->nrec; i++)
		v[i] = &inv->rec[i];
	qsort(v, inv->nrec, sizeof(*v), rec_cmp);
	o->stale = false;
}

/* --- formatting ---------------------------------------------------------- */

static void
fmt_ip(uint8_t family, const uint8_t *a, char *buf, size_t len)
{
	if (inet_ntop(family == 4 ? AF_INET : AF_INET6, a, buf,
	    (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
}

/* RFC 3339, UTC, to the second: 2026-01-01T00:00:00Z (fmt.c); "?" when
 * it does not fit. */
static void
fmt_time(uint64_t us, char *buf, size_t len)
{
	size_t	n = fmt_time_us(buf, len, us, FMT_FRAC_NONE);

	if (n == 0 || n >= len)
		snprintf(buf, len, "?");
}

/* "TLSv1.2", "0xNNNN" without a name; "" for 0 (none). */
static void
fmt_version(uint16_t v, char *buf, size_t len)
{
	const char	*n;

	if (v == 0)
		buf[0] = '\0';
	else if ((n = tls_version_name(v)) != NULL)
		snprintf(buf, len, "%s", n);
	else
		snprintf(buf, len, "0x%04x", v);
}

static const char *
mode_name(uint8_t m)
{
	return m < INV_MODE_NMODES ? inv_mode_names[m] : NULL;
}

/* The record's reason counts in report order (worst first). */
static size_t
sorted_counts(const struct inv_record *r, struct inv_count *out)
{
	size_t		i, j;

	for (i = 0; i < r->ncounts; i++) {
		for (j = i; j > 0 && (reason_rank(out[j - 1].name) >
		    reason_rank(r->counts[i].name) ||
		    (reason_rank(out[j - 1].name) ==
		    reason_rank(r->counts[i].name) &&
		    out[j - 1].name > r->counts[i].name)); j--)
			out[j] = out[j - 1];
		out[j] = r->counts[i];
	}
	return r->ncounts;
}

/* --- JSON ---------------------------------------------------------------- */

static void
jset_str(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, v != NULL ? json_string(v) : json_null());
}

static void
jset_version(json_t *o, const char *k, uint16_t v)
{
	char	buf[16];

	fmt_version(v, buf, sizeof(buf));
	jset_str(o, k, v != 0 ? buf : NULL);
}

static void
jset_list(json_t *o, const char *k, const struct inv_set *s)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < s->n; i++)
		json_array_append_new(a, json_string(s->v[i]));
	json_object_set_new(o, k, a);
}

static json_t *
record_json(const struct inventory *inv, const struct inv_record *r)
{
	struct inv_count	 c[INV_MAX_REASONS];
	json_t			*o, *a, *e;
	char			 buf[64];
	size_t			 i, n;

	if ((o = json_object()) == NULL)
		return NULL;
	fmt_ip(r->family, r->cli, buf, sizeof(buf));
	jset_str(o, "client", buf);
	fmt_ip(r->family, r->srv, buf, sizeof(buf));
	jset_str(o, "server", buf);
	json_object_set_new(o, "server_port", json_integer(r->port));
	jset_str(o, "protocol", config_proto_name(r->proto));
	jset_str(o, "verdict", inv->rnames[r->current]);
	jset_version(o, "client_max_version", r->offered_max);
	jset_version(o, "negotiated_min_version", r->neg_min);
	jset_version(o, "negotiated_max_version", r->neg_max);
	jset_str(o, "mode", mode_name(r->mode));
	a = json_array();
	for (i = 0; i < INV_MODE_NMODES; i++)
		if (r->modes & (1u << i))
			json_array_append_new(a, json_string(mode_name(i)));
	json_object_set_new(o, "modes", a);
	json_object_set_new(o, "sessions", json_integer((json_int_t)
	    r->sessions));
	a = json_object();
	n = sorted_counts(r, c);
	for (i = 0; i < n; i++)
		json_object_set_new(a, inv->rnames[c[i].name],
		    json_integer((json_int_t)c[i].n));
	json_object_set_new(o, "reasons", a);
	fmt_time(r->first_ts, buf, sizeof(buf));
	jset_str(o, "first_seen", buf);
	fmt_time(r->last_ts, buf, sizeof(buf));
	jset_str(o, "last_seen", buf);
	jset_list(o, "sni", &r->sni);
	jset_list(o, "ciphers", &r->ciphers);
	jset_list(o, "ja3", &r->ja3);
	jset_list(o, "ja4", &r->ja4);
	jset_str(o, "endpoint_label", r->label);
	if (r->exc_owner != NULL) {
		e = json_object();
		jset_str(e, "owner", r->exc_owner);
		jset_str(e, "expires", r->exc_expires);
		jset_str(e, "ticket", r->exc_ticket);
		json_object_set_new(o, "exception", e);
	} else
		json_object_set_new(o, "exception", json_null());
	a = json_array();
	if (r->sni.trunc)
		json_array_append_new(a, json_string("sni"));
	if (r->ciphers.trunc)
		json_array_append_new(a, json_string("ciphers"));
	if (r->ja3.trunc)
		json_array_append_new(a, json_string("ja3"));
	if (r->ja4.trunc)
		json_array_append_new(a, json_string("ja4"));
	json_object_set_new(o, "truncated", a);
	return o;
}

json_t *
inventory_record_json(const struct inventory *inv, size_t i)
{
	if (inv == NULL || i >= inv->nrec)
		return NULL;
	order_refresh(inv);
	if (inv->order->stale)
		return NULL;	/* no memory to sort */
	return record_json(inv, inv->order->v[i]);
}

/* One client of one JA4, for grouping. */
struct inv_pair {
	const char		*ja4;	/* interned */
	const struct inv_record	*r;
};

struct inv_group {
	const char	*ja4;		/* interned */
	size_t		 first;		/* into the sorted pairs */
	size_t		 nclients;
};

static int
ipcmp(const struct inv_record *x, const struct inv_record *y)
{
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->cli, y->cli, 16);
}

static int
pair_cmp(const void *a, const void *b)
{
	const struct inv_pair	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->ja4, y->ja4)) != 0)
		return c;
	if ((c = ipcmp(x->r, y->r)) != 0)
		return c;
	return rec_cmp(&x->r, &y->r);
}

static int
group_cmp(const void *a, const void *b)
{
	const struct inv_group	*x = a, *y = b;

	if (x->nclients != y->nclients)
		return x->nclients > y->nclients ? -1 : 1;
	return strcmp(x->ja4, y->ja4);
}

static json_t *
group_json(const struct inv_group *g, const struct inv_pair *p, size_t np)
{
	json_t	*o, *cl;
	char	 ip[64];
	size_t	 j;

	o = json_object();
	jset_str(o, "ja4", g->ja4);
	cl = json_array();
	for (j = g->first; j < np && p[j].ja4 == g->ja4; j++) {
		if (j > g->first && ipcmp(p[j].r, p[j - 1].r) == 0)
			continue;
		fmt_ip(p[j].r->family, p[j].r->cli, ip, sizeof(ip));
		json_array_append_new(cl, json_string(ip));
	}
	json_object_set_new(o, "clients", cl);
	json_object_set_new(o, "count", json_integer((json_int_t)
	    g->nclients));
	return o;
}

/*
 * [{"ja4", "clients": [IPs], "count": clients}] over every record: most
 * clients first, then by JA4.  Distinct client IPs, in address order.
 * NULL without memory.
 */
static json_t *
ja4_groups(const struct inventory *inv)
{
	struct inv_pair		*p = NULL;
	struct inv_group	*g = NULL;
	json_t			*out = NULL;
	size_t			 np = 0, ng = 0, i, j;

	for (i = 0; i < inv->nrec; i++)
		np += inv->rec[i].ja4.n;
	if ((p = calloc(np ? np : 1, sizeof(*p))) == NULL ||
	    (g = calloc(np ? np : 1, sizeof(*g))) == NULL)
		goto done;
	for (np = 0, i = 0; i < inv->nrec; i++)
		for (j = 0; j < inv->rec[i].ja4.n; j++) {
			p[np].ja4 = inv->rec[i].ja4.v[j];
			p[np++].r = &inv->rec[i];
		}
	qsort(p, np, sizeof(*p), pair_cmp);
	/* Interned: the same JA4 is the same pointer. */
	for (i = 0; i < np; i++) {
		if (i == 0 || p[i].ja4 != p[i - 1].ja4) {
			g[ng].ja4 = p[i].ja4;
			g[ng].first = i;
			g[ng++].nclients = 1;
		} else if (ipcmp(p[i].r, p[i - 1].r) != 0)
			g[ng - 1].nclients++;
	}
	qsort(g, ng, sizeof(*g), group_cmp);
	if ((out = json_array()) == NULL)
		goto done;
	for (i = 0; i < ng; i++)
		json_array_append_new(out, group_json(&g[i], p, np));
done:
	free(p);
	free(g);
	return out;
}

/*
 * The JSON file, one record per line so it greps and diffs well; each
 * value is written by jansson.  -1 on a write error (errno set) or when
 * memory ran out (ENOMEM).
 */
static int
dump(FILE *fp, json_t *v)
{
	int	rc;

	if (v == NULL) {
		errno = ENOMEM;
		return -1;
	}
	rc = json_dumpf(v, fp, JSON_COMPACT | JSON_PRESERVE_ORDER |
	    JSON_ENCODE_ANY);
	json_decref(v);
	return rc;
}

static int
write_json(FILE *fp, const struct inventory *inv, uint64_t now)
{
	json_t	*groups;
	char	 buf[32];
	size_t	 i, n;
	int	 rc = 0;

	fmt_time(now, buf, sizeof(buf));
	if (fputs("{\"generated\":", fp) == EOF ||
	    dump(fp, json_string(buf)) == -1 ||
	    fputs(",\"records\":[", fp) == EOF)
		return -1;
	for (i = 0; i < inv->nrec; i++)
		if (fputs(i ? ",\n" : "\n", fp) == EOF ||
		    dump(fp, record_json(inv, inv->order->v[i])) == -1)
			return -1;
	if (fputs("\n],\"ja4_groups\":[", fp) == EOF)
		return -1;
	if ((groups = ja4_groups(inv)) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	n = json_array_size(groups);
	for (i = 0; i < n && rc == 0; i++)
		if (fputs(i ? ",\n" : "\n", fp) == EOF ||
		    dump(fp, json_incref(json_array_get(groups, i))) == -1)
			rc = -1;
	json_decref(groups);
	if (rc == 0 && fprintf(fp, "\n],\"sessions_dropped\":%llu}\n",
	    (unsigned long long)inv->dropped) < 0)
		rc = -1;
	return rc;
}

/* --- CSV ----------------------------------------------------------------- */

/* A growable string for one CSV field. */
struct inv_buf {
	char	*p;
	size_t	 n, cap;
	bool	 oom;
};

static void
buf_add(struct inv_buf *b, const char *s, size_t n)
{
	char	*np;
	size_t	 ncap;

	if (b->oom)
		return;
	if (b->n + n + 1 > b->cap) {
		for (ncap = b->cap ? b->cap : 256; ncap < b->n + n + 1;
		    ncap *= 2)
			;
		if ((np = realloc(b->p, ncap)) == NULL) {
			b->oom = true;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void
buf_str(struct inv_buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* One list value: ';' would split it, so it becomes \x3b. */
static void
buf_item(struct inv_buf *b, const char *s)
{
	const char	*semi;

	if (b->n > 0)
		buf_add(b, ";", 1);
	while ((semi = strchr(s, ';')) != NULL) {
		buf_add(b, s, (size_t)(semi - s));
		buf_add(b, "\\x3b", 4);
		s = semi + 1;
	}
	buf_str(b, s);
}

/*
 * One field, RFC 4180: quoted when it holds ',', '"', CR or LF, quotes
 * doubled.  A leading '=', '+', '-', '@', TAB or CR would make a
 * spreadsheet evaluate the cell as a formula: a single quote goes first.
 */
int
inventory_csv_field(FILE *fp, const char *s, bool first)
{
	bool	quote, defuse;

	if (!first && putc(',', fp) == EOF)
		return -1;
	if (s == NULL || *s == '\0')
		return 0;
	quote = strpbrk(s, ",\"\r\n") != NULL;
	defuse = strchr("=+-@\t\r", *s) != NULL;
	if (quote && putc('"', fp) == EOF)
		return -1;
	if (defuse && putc('\'', fp) == EOF)
		return -1;
	for (; *s != '\0'; s++) {
		if (*s == '"' && putc('"', fp) == EOF)
			return -1;
		if (putc(*s, fp) == EOF)
			return -1;
	}
	if (quote && putc('"', fp) == EOF)
		return -1;
	return 0;
}

static const char *const csv_columns[] = {
	"client", "server", "server_port", "protocol", "verdict",
	"client_max_version", "negotiated_min_version",
	"negotiated_max_version", "mode", "modes", "sessions", "reasons",
	"first_seen", "last_seen", "sni", "ciphers", "ja3", "ja4",
	"endpoint_label", "exception_owner", "exception_expires",
	"exception_ticket", "truncated",
};
#define CSV_NCOLUMNS	(sizeof(csv_columns) / sizeof(csv_columns[0]))

/* b = the values of s joined with ';'. */
static void
csv_list(struct inv_buf *b, const struct inv_set *s)
{
	size_t	i;

	b->n = 0;
	buf_add(b, "", 0);
	for (i = 0; i < s->n; i++)
		buf_item(b, s->v[i]);
}

/* b = "legacy_client=3;ok=1", worst first. */
static void
csv_reasons(struct inv_buf *b, const struct inventory *inv,
    const struct inv_record *r)
{
	struct inv_count	 c[INV_MAX_REASONS];
	char			 num[32];
	size_t			 i, n;

	b->n = 0;
	buf_add(b, "", 0);
	n = sorted_counts(r, c);
	for (i = 0; i < n; i++) {
		snprintf(num, sizeof(num), "=%llu",
		    (unsigned long long)c[i].n);
		if (i > 0)
			buf_add(b, ";", 1);
		buf_str(b, inv->rnames[c[i].name]);
		buf_str(b, num);
	}
}

/* One row: the columns of csv_columns[], in that order. */
static int
csv_row(FILE *fp, const struct inventory *inv, const struct inv_record *r,
    struct inv_buf *b)
{
	const struct inv_set	*sets[4] = { &r->sni, &r->ciphers, &r->ja3,
				    &r->ja4 };
	static const char *const setnames[4] = { "sni", "ciphers", "ja3",
				    "ja4" };
	char			 cli[64], srv[64], port[8], vmax[16],
				 vmin[16], vneg[16], nsess[24], first[32],
				 last[32];
	size_t			 k;
	int			 rc = 0;

	fmt_ip(r->family, r->cli, cli, sizeof(cli));
	fmt_ip(r->family, r->srv, srv, sizeof(srv));
	snprintf(port, sizeof(port), "%u", r->port);
	fmt_version(r->offered_max, vmax, sizeof(vmax));
	fmt_version(r->neg_min, vmin, sizeof(vmin));
	fmt_version(r->neg_max, vneg, sizeof(vneg));
	snprintf(nsess, sizeof(nsess), "%llu",
	    (unsigned long long)r->sessions);
	fmt_time(r->first_ts, first, sizeof(first));
	fmt_time(r->last_ts, last, sizeof(last));

	rc |= inventory_csv_field(fp, cli, true);
	rc |= inventory_csv_field(fp, srv, false);
	rc |= inventory_csv_field(fp, port, false);
	rc |= inventory_csv_field(fp, config_proto_name(r->proto), false);
	rc |= inventory_csv_field(fp, inv->rnames[r->current], false);
	rc |= inventory_csv_field(fp, vmax, false);
	rc |= inventory_csv_field(fp, vmin, false);
	rc |= inventory_csv_field(fp, vneg, false);
	rc |= inventory_csv_field(fp, mode_name(r->mode), false);
	b->n = 0;
	buf_add(b, "", 0);
	for (k = 0; k < INV_MODE_NMODES; k++)
		if (r->modes & (1u << k))
			buf_item(b, mode_name(k));
	rc |= inventory_csv_field(fp, b->p, false);
	rc |= inventory_csv_field(fp, nsess, false);
	csv_reasons(b, inv, r);
	rc |= inventory_csv_field(fp, b->p, false);
	rc |= inventory_csv_field(fp, first, false);
	rc |= inventory_csv_field(fp, last, false);
	for (k = 0; k < 4; k++) {
		csv_list(b, sets[k]);
		rc |= inventory_csv_field(fp, b->p, false);
	}
	rc |= inventory_csv_field(fp, r->label, false);
	rc |= inventory_csv_field(fp, r->exc_owner, false);
	rc |= inventory_csv_field(fp, r->exc_owner ? r->exc_expires : NULL,
	    false);
	rc |= inventory_csv_field(fp, r->exc_owner ? r->exc_ticket : NULL,
	    false);
	b->n = 0;
	buf_add(b, "", 0);
	for (k = 0; k < 4; k++)
		if (sets[k]->trunc)
			buf_item(b, setnames[k]);
	rc |= inventory_csv_field(fp, b->p, false);
	if (b->oom) {
		errno = ENOMEM;
		return -1;
	}
	if (fputs("\r\n", fp) == EOF)
		rc = -1;
	return rc != 0 ? -1 : 0;
}

static int
write_csv(FILE *fp, const struct inventory *inv)
{
	struct inv_buf	b = { NULL, 0, 0, false };
	size_t		i;
	int		rc = 0;

	for (i = 0; i < CSV_NCOLUMNS && rc == 0; i++)
		rc = inventory_csv_field(fp, csv_columns[i], i == 0);
	if (rc == 0 && fputs("\r\n", fp) == EOF)
		rc = -1;
	for (i = 0; i < inv->nrec && rc == 0; i++)
		rc = csv_row(fp, inv, inv->order->v[i], &b);
	free(b.p);
	return rc;
}

/* --- files --------------------------------------------------------------- */

static void
seterr(char *err, size_t errlen, const char *path, int e)
{
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s: %s", path, strerror(e));
}

/* Make the rename durable too; some file systems cannot, which is fine. */
static void
sync_dir(const char *path)
{
	char		*dir, *slash;
	int		 fd;

	if ((dir = strdup(path)) == NULL)
		return;
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, strlen(dir) + 1, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

/* What write_atomic() hands to fill_json() and fill_csv(). */
struct inv_fill {
	const struct inventory	*inv;
	uint64_t		 now;
};

static int
fill_json(FILE *fp, void *arg)
{
	const struct inv_fill	*f = arg;

	return write_json(fp, f->inv, f->now);
}

static int
fill_csv(FILE *fp, void *arg)
{
	const struct inv_fill	*f = arg;

	return write_csv(fp, f->inv);
}

/*
 * Write path through PATH.tmp.XXXXXX: fill(fp, arg), flush, fsync,
 * rename.  On any failure the temporary file is removed and path is
 * untouched.  The file gets the mode fopen() would give it (0666 less the
 * umask), not mkstemp()'s 0600.  The store's reports (store.c) use it too.
 */
int
inventory_write_atomic(const char *path, int (*fill)(FILE *, void *),
    void *arg, char *err, size_t errlen)
{
	static const char	 suffix[] = ".tmp.XXXXXX";
	FILE			*fp = NULL;
	char			*tmp;
	size_t			 n = strlen(path);
	mode_t			 um;
	int			 fd, e, rc;

	if ((tmp = malloc(n + sizeof(suffix))) == NULL) {
		seterr(err, errlen, path, ENOMEM);
		return -1;
	}
	memcpy(tmp, path, n);
	memcpy(tmp + n, suffix, sizeof(suffix));
	if ((fd = mkstemp(tmp)) == -1) {
		e = errno;
		free(tmp);
		seterr(err, errlen, path, e);
		return -1;
	}
	um = umask(0);
	umask(um);
	if (fchmod(fd, 0666 & ~um) == -1 || (fp = fdopen(fd, "w")) == NULL)
		goto fail;
	errno = 0;
	rc = fill(fp, arg);
	if (rc == -1 || fflush(fp) == EOF || ferror(fp))
		goto fail;
	if (fsync(fileno(fp)) == -1)
		goto fail;
	rc = fclose(fp);
	fp = NULL;
	fd = -1;
	if (rc == EOF)
		goto fail;
	if (rename(tmp, path) == -1)
		goto fail;
	sync_dir(path);
	free(tmp);
	return 0;
fail:
	e = errno != 0 ? errno : EIO;
	if (fp != NULL)
		fclose(fp);
	else if (fd != -1)
		close(fd);
	unlink(tmp);
	free(tmp);
	seterr(err, errlen, path, e);
	return -1;
}

bool
inventory_ends_with(const char *s, const char *suf)
{
	size_t	n = strlen(s), m = strlen(suf);

	return n > m && strcasecmp(s + n - m, suf) == 0;
}

/*
 * Counted once per call: inventory.writes when every file was written,
 * inventory.write_errors otherwise (the first error is the one in err).
 */
int
inventory_write(struct inventory *inv, const char *base, uint64_t now_us,
    char *err, size_t errlen)
{
	struct inv_fill	 f = { inv, now_us };
	char		*path;
	size_t		 n;
	int		 rc = 0;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (inv == NULL || base == NULL || *base == '\0') {
		seterr(err, errlen, base != NULL ? base : "(null)", EINVAL);
		STAT_INC(INV_WRITE_ERRORS);
		return -1;
	}
	order_refresh(inv);
	if (inv->order->stale) {
		seterr(err, errlen, base, ENOMEM);
		STAT_INC(INV_WRITE_ERRORS);
		return -1;
	}
	if (inventory_ends_with(base, ".csv"))
		rc = inventory_write_atomic(base, fill_csv, &f, err, errlen);
	else if (inventory_ends_with(base, ".json"))
		rc = inventory_write_atomic(base, fill_json, &f, err,
		    errlen);
	else {
		n = strlen(base);
		if ((path = malloc(n + sizeof(".json"))) == NULL) {
			seterr(err, errlen, base, ENOMEM);
			STAT_INC(INV_WRITE_ERRORS);
			return -1;
		}
		memcpy(path, base, n);
		memcpy(path + n, ".json", sizeof(".json"));
		rc = inventory_write_atomic(path, fill_json, &f, err,
		    errlen);
		memcpy(path + n, ".csv", sizeof(".csv"));
		/* Still try the CSV; keep the first error message. */
		if (inventory_write_atomic(path, fill_csv, &f,
		    rc == 0 ? err : NULL, rc == 0 ? errlen : 0) == -1)
			rc = -1;
		free(path);
	}
	if (rc == 0)
		STAT_INC(INV_WRITES);
	else
		STAT_INC(INV_WRITE_ERRORS);
	return rc;
}

/* RFC 3339 UTC to the second, and a version's name, as the files show them
 * (the store's reports share them). */
void
inventory_fmt_time(uint64_t us, char *buf, size_t len)
{
	fmt_time(us, buf, len);
}

void
inventory_fmt_version(uint16_t v, char *buf, size_t len)
{
	fmt_version(v, buf, len);
}
