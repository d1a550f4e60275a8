/*
 * report_html.c -- "tlsfloor report --html FILE": the legacy-TLS picture
 * of the estate as one self-contained HTML page.
 *
 * Receives the records and the per-day counts of the inventory store
 * through store_visit() (store.c runs every query); hands on one file.
 * The page fetches nothing: inline CSS, charts as inline SVG drawn here,
 * and a small inline script for sorting and filtering the tables that the
 * page does not need (without it the tables are static and complete, up
 * to HTML_MAX_ROWS).  It opens from a mail attachment on a machine with
 * no network.  It does not judge: verdict and status are store.c's.
 *
 * Every string that came from the wire or the database (addresses, SNI,
 * JA4, program names, clear-text mechanisms, endpoint labels, exception
 * owners and tickets, sensor names) is
 * written through html_esc() and nothing else; none of it goes into the
 * script or the style sheet.  Attributes are always double-quoted.
 *
 * Bounded: the records table shows the HTML_MAX_ROWS worst records (the
 * CSV has them all), kept in at most twice that many rows; the counts
 * above it cover every record, through a string set whose size is that of
 * the distinct keys counted.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "inventory.h"
#include "report_html.h"
#include "store.h"
#include "tls.h"
#include "session.h"

#define HTML_MAX_ROWS	2000	/* records in the table */
#define HTML_MAX_DAYS	400	/* days in the trend chart */
#define HTML_MAX_LIST	200	/* rows of the smaller tables */
#define HTML_SOON_DAYS	14	/* exceptions expiring within */
#define US		1000000ull
#define DAY_US		(86400ull * US)

/* --- escaping ------------------------------------------------------------- */

/* Length of the UTF-8 sequence at s (1..4), 0 if s is not one. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t	n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)	/* also stops at the NUL */
			return 0;
	/* Overlong, surrogate and beyond-U+10FFFF forms are not UTF-8. */
	if ((n == 3 && s[0] == 0xe0 && s[1] < 0xa0) ||
	    (n == 3 && s[0] == 0xed && s[1] >= 0xa0) ||
	    (n == 4 && s[0] == 0xf0 && s[1] < 0x90) ||
	    (n == 4 && s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return n;
}

int
html_esc(FILE *fp, const char *str, enum html_ctx ctx)
{
	const unsigned char	*s = (const unsigned char *)str;
	const char		*rep;
	size_t			 n;
	int			 rc = 0;

	if (s == NULL)
		return 0;
	while (*s != '\0' && rc >= 0) {
		rep = NULL;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		case '\t': rep = ctx == HTML_ATTR ? "&#9;" : "\t"; break;
		case '\n': rep = ctx == HTML_ATTR ? "&#10;" : "\n"; break;
		case '\r': rep = ctx == HTML_ATTR ? "&#13;" : "\xef\xbf\xbd";
			break;
		default:
			break;
		}
		if (rep != NULL) {
			rc = fputs(rep, fp);
			s++;
			continue;
		}
		/* Controls (C0, DEL) and broken UTF-8: the replacement
		 * character, one per byte, so nothing is silently joined. */
		if (*s < 0x20 || *s == 0x7f || (n = utf8_len(s)) == 0) {
			rc = fputs("\xef\xbf\xbd", fp);
			s++;
			continue;
		}
		rc = fwrite(s, 1, n, fp) == n ? 0 : -1;
		s += n;
	}
	return rc < 0 ? -1 : 0;
}

/* --- scales --------------------------------------------------------------- */

double
html_scale_map(const struct html_scale *sc, double v)
{
	if (sc->d1 == sc->d0)
		return sc->r0;
	return sc->r0 + (v - sc->d0) * (sc->r1 - sc->r0) / (sc->d1 - sc->d0);
}

uint64_t
html_nice_max(uint64_t max, uint64_t *step)
{
	static const uint64_t	m[3] = { 1, 2, 5 };
	uint64_t		p = 1, s, top;
	uint64_t		need = max / 5 + (max % 5 != 0);  /* step */
	int			i;

	if (max == 0) {
		*step = 1;
		return 1;
	}
	for (;;) {
		for (i = 0; i < 3; i++) {
			s = m[i] * p;
			if (s < need)
				continue;
			*step = s;
			top = max / s * s;
			if (top == max)
				return top;
			/* No room above for one more step: the top is max. */
			return top > UINT64_MAX - s ? UINT64_MAX : top + s;
		}
		p *= 10;	/* 5 x 10^18 >= any need: no overflow */
	}
}

/* --- a string map (distinct counts, sensors, groups) ---------------------- */

struct smap_ent {
	char		*key;
	char		*aux;		/* owned; NULL if none */
	uint64_t	 val;
};
struct smap {
	struct smap_ent	*e;
	size_t		 cap, n;
};

static uint64_t
smap_hash(const char *s)
{
	uint64_t	h = 1469598103934665603ull;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* The entry for key, added (value 0) if new and *added set; NULL: out of
 * memory. */
static struct smap_ent *
smap_get(struct smap *m, const char *key, bool *added)
{
	struct smap_ent	*ne, *e;
	size_t		 i, j, ncap;

	if (m->n * 2 >= m->cap) {
		ncap = m->cap ? m->cap * 2 : 256;
		if ((ne = calloc(ncap, sizeof(*ne))) == NULL)
			return NULL;
		for (i = 0; i < m->cap; i++) {
			if (m->e[i].key == NULL)
				continue;
			for (j = smap_hash(m->e[i].key) & (ncap - 1);
			    ne[j].key != NULL; j = (j + 1) & (ncap - 1))
				;
			ne[j] = m->e[i];
		}
		free(m->e);
		m->e = ne;
		m->cap = ncap;
	}
	for (j = smap_hash(key) & (m->cap - 1); m->e[j].key != NULL;
	    j = (j + 1) & (m->cap - 1))
		if (strcmp(m->e[j].key, key) == 0) {
			*added = false;
			return &m->e[j];
		}
	e = &m->e[j];
	if ((e->key = strdup(key)) == NULL)
		return NULL;
	e->val = 0;
	e->aux = NULL;
	m->n++;
	*added = true;
	return e;
}

static void
smap_free(struct smap *m)
{
	size_t	i;

	for (i = 0; i < m->cap; i++) {
		free(m->e[i].key);
		free(m->e[i].aux);
	}
	free(m->e);
	memset(m, 0, sizeof(*m));
}

/* --- collecting ----------------------------------------------------------- */

/* The headline, per protocol (0: all). */
static const char *const protos[] = { "all", "pop3", "imap", "smtp", "tls" };
#define NPROTO	5
enum { M_CLEARTEXT, M_CLIENTS, M_PROGRAMS, M_SERVERS, M_REFUSED, M_FIXED,
	M_PLAIN, NM };
static const char *const m_names[NM] = {
	"Clients that sent credentials in the clear",
	"Clients still below the floor", "Programs (JA4) below the floor",
	"Servers taking legacy sessions", "Refused now",
	"Fixed since the window start", "Plaintext clients",
};

/* Version buckets of the versions chart. */
static const char *const v_names[] = {
	"SSL 2", "SSL 3", "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3",
	"other"
};
#define NVER	7
static const uint16_t v_values[NVER - 1] = {
	TLS_V_SSL2, TLS_V_SSL3, TLS_V_1_0, TLS_V_1_1, TLS_V_1_2, TLS_V_1_3,
};
/* Below the floor: warm, darker the older; at or above: cool. */
static const char *const v_below[NVER - 1] = {
	"#7f0000", "#b30000", "#d7301f", "#fc8d59", "#fdb863", "#fee090",
};
static const char *const v_above[NVER - 1] = {
	"#4393c3", "#4393c3", "#4393c3", "#4393c3", "#4393c3", "#1b7837",
};

static const char *
v_color(const struct store_filter *f, int v)
{
	if (v >= NVER - 1)
		return "#999999";
	return v_values[v] < (f->floor ? f->floor : TLS_V_1_2) ? v_below[v] :
	    v_above[v];
}

struct row {
	char		*client, *server, *protocol, *ja4, *sni, *label;
	char		*exc_owner, *exc_expires, *verdict, *status, *sensor;
	char		*software, *mechs;
	uint64_t	 port, sessions, legacy, last_legacy_seen, last_seen;
	uint64_t	 cleartext;	/* sessions with credentials in clear */
	int		 verdict_i;
	uint16_t	 client_max, negotiated_max;
};

struct soon {
	char	*owner, *expires, *ticket, *client, *server, *protocol;
};

struct ctx {
	const struct store_filter *f;
	uint64_t	 win_start;	/* us */
	char		 today[11], soon_end[11];
	struct smap	 keys;		/* distinct (proto, metric, key) */
	struct smap	 groups;	/* JA4 -> legacy hosts (aux: the
					 * first program name seen for it) */
	struct smap	 sensors;	/* sensor -> latest session */
	uint64_t	 m[NPROTO][NM];
	uint64_t	 ver[NPROTO][2][NVER];	/* records: offered, negot. */
	uint64_t	 nrecords;
	struct row	*rows;
	size_t		 nrows;
	struct soon	*soon;
	size_t		 nsoon;
	uint64_t	 day0, ndays;	/* first day of the chart, days */
	uint64_t	*d_legacy, *d_clients, *d_sessions;
	bool		 oom;
};

static int	row_cmp(const void *, const void *);
static void	keep_worst(struct ctx *);

static int
ver_bucket(uint16_t v)
{
	switch (v) {
	case TLS_V_SSL2: return 0;
	case TLS_V_SSL3: return 1;
	case TLS_V_1_0: return 2;
	case TLS_V_1_1: return 3;
	case TLS_V_1_2: return 4;
	case TLS_V_1_3: return 5;
	default: return 6;
	}
}

static int
proto_index(const char *p)
{
	int	i;

	for (i = 1; p != NULL && i < NPROTO; i++)
		if (strcmp(p, protos[i]) == 0)
			return i;
	return -1;
}

/* Count key under metric for protocol p and for "all", once each. */
static void
distinct(struct ctx *c, int p, int metric, const char *key)
{
	struct smap_ent	*e;
	char		 k[600];
	bool		 added;
	int		 i, ps[2] = { 0, p };

	for (i = 0; i < (p > 0 ? 2 : 1); i++) {
		snprintf(k, sizeof(k), "%d\x1f%d\x1f%s", ps[i], metric,
		    key != NULL ? key : "");
		if ((e = smap_get(&c->keys, k, &added)) == NULL)
			c->oom = true;
		else if (added)
			c->m[ps[i]][metric]++;
	}
}

static char *
dup0(struct ctx *c, const char *s)
{
	char	*d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		c->oom = true;
	return d;
}

static void
row_free(struct row *r)
{
	free(r->client);
	free(r->server);
	free(r->protocol);
	free(r->ja4);
	free(r->sni);
	free(r->label);
	free(r->exc_owner);
	free(r->exc_expires);
	free(r->verdict);
	free(r->status);
	free(r->sensor);
	free(r->software);
	free(r->mechs);
}

static void
group_count(struct ctx *c, const struct store_rec *r)
{
	struct smap_ent	*e;
	char		 k[600];
	bool		 added;

	if (r->ja4 == NULL)
		return;
	snprintf(k, sizeof(k), "m\x1f%s\x1f%s", r->ja4,
	    r->client != NULL ? r->client : "");
	if ((e = smap_get(&c->keys, k, &added)) == NULL) {
		c->oom = true;
		return;
	}
	if (!added)
		return;
	if ((e = smap_get(&c->groups, r->ja4, &added)) == NULL) {
		c->oom = true;
		return;
	}
	e->val++;
	if (e->aux == NULL && r->client_software != NULL)
		e->aux = dup0(c, r->client_software);
}

static int
on_record(const struct store_rec *r, void *arg)
{
	struct ctx	*c = arg;
	struct row	*w;
	struct soon	*s;
	struct smap_ent	*e;
	char		 srv[300];
	bool		 added, legacy;
	int		 p = proto_index(r->protocol), k;

	c->nrecords++;
	/* Still below the floor: a legacy verdict in the window and not
	 * fixed since (those are counted as fixed).  What TLS says: a
	 * client that also sent a password in the clear is counted in both. */
	legacy = r->tls_verdict >= SR_LEGACY_FIRST &&
	    r->tls_verdict <= SR_LEGACY_LAST &&
	    strcmp(r->status, "legacy") == 0;
	snprintf(srv, sizeof(srv), "%s:%llu", r->server ? r->server : "",
	    (unsigned long long)r->port);
	if (legacy) {
		distinct(c, p, M_CLIENTS, r->client);
		if (r->ja4 != NULL)
			distinct(c, p, M_PROGRAMS, r->ja4);
		distinct(c, p, M_SERVERS, srv);
		group_count(c, r);
	}
	if (r->tls_verdict == SR_LEGACY_REFUSED)
		distinct(c, p, M_REFUSED, r->client);
	if (r->verdict == SR_CLEARTEXT_CREDENTIALS)
		distinct(c, p, M_CLEARTEXT, r->client);
	if (strcmp(r->status, "fixed") == 0 &&
	    r->last_legacy_seen >= c->win_start)
		distinct(c, p, M_FIXED, r->client);
	if (r->verdict == SR_PLAINTEXT)
		distinct(c, p, M_PLAIN, r->client);
	if (r->client_max != 0) {
		c->ver[0][0][ver_bucket(r->client_max)]++;
		if (p > 0)
			c->ver[p][0][ver_bucket(r->client_max)]++;
	}
	if (r->negotiated_max != 0) {
		c->ver[0][1][ver_bucket(r->negotiated_max)]++;
		if (p > 0)
			c->ver[p][1][ver_bucket(r->negotiated_max)]++;
	}
	/* A database written without a sensor name has '' (NULL here). */
	if ((e = smap_get(&c->sensors, r->sensor != NULL ? r->sensor :
	    "(no name)", &added)) == NULL)
		c->oom = true;
	else if (r->last_seen > e->val)
		e->val = r->last_seen;
	if (r->exc_owner != NULL && r->exc_expires != NULL &&
	    strcmp(r->exc_expires, c->today) >= 0 &&
	    strcmp(r->exc_expires, c->soon_end) <= 0 &&
	    c->nsoon < HTML_MAX_LIST) {
		s = &c->soon[c->nsoon++];
		s->owner = dup0(c, r->exc_owner);
		s->expires = dup0(c, r->exc_expires);
		s->ticket = dup0(c, r->exc_ticket);
		s->client = dup0(c, r->client);
		s->server = dup0(c, srv);
		s->protocol = dup0(c, r->protocol);
	}
	if (c->nrows == 2 * HTML_MAX_ROWS)
		keep_worst(c);
	if (c->nrows < 2 * HTML_MAX_ROWS) {
		w = &c->rows[c->nrows++];
		w->client = dup0(c, r->client);
		w->server = dup0(c, r->server);
		w->protocol = dup0(c, r->protocol);
		w->ja4 = dup0(c, r->ja4);
		w->sni = dup0(c, r->sni);
		w->label = dup0(c, r->label);
		w->exc_owner = dup0(c, r->exc_owner);
		w->exc_expires = dup0(c, r->exc_expires);
		w->verdict = dup0(c, r->verdict_name);
		w->status = dup0(c, r->status);
		w->sensor = dup0(c, r->sensor);
		w->software = dup0(c, r->client_software);
		w->mechs = dup0(c, r->cleartext_mechanisms);
		w->cleartext = r->n[SR_CLEARTEXT_CREDENTIALS];
		w->port = r->port;
		w->sessions = r->sessions;
		for (k = SR_LEGACY_FIRST; k <= SR_LEGACY_LAST; k++)
			w->legacy += r->n[k];
		w->last_legacy_seen = r->last_legacy_seen;
		w->last_seen = r->last_seen;
		w->verdict_i = r->verdict;
		w->client_max = r->client_max;
		w->negotiated_max = r->negotiated_max;
	}
	return c->oom ? -1 : 0;
}

/* The HTML_MAX_ROWS worst rows stay (sorted), the rest are freed: the
 * table is the true top, in bounded memory, whatever the record order. */
static void
keep_worst(struct ctx *c)
{
	size_t	i;

	qsort(c->rows, c->nrows, sizeof(*c->rows), row_cmp);
	for (i = HTML_MAX_ROWS; i < c->nrows; i++)
		row_free(&c->rows[i]);
	if (c->nrows > HTML_MAX_ROWS)
		c->nrows = HTML_MAX_ROWS;
}

static int
on_day(const struct store_day *d, void *arg)
{
	struct ctx	*c = arg;

	if (d->day < c->day0 || d->day - c->day0 >= c->ndays)
		return 0;
	c->d_sessions[d->day - c->day0] = d->sessions;
	c->d_legacy[d->day - c->day0] = d->legacy;
	c->d_clients[d->day - c->day0] = d->legacy_clients;
	return 0;
}

/* Worst first: verdict, then still legacy before fixed, then legacy
 * sessions, the most recent legacy session, the client. */
static int
row_cmp(const void *a, const void *b)
{
	const struct row	*x = a, *y = b;
	int			 fx, fy;

	if (x->verdict_i != y->verdict_i)
		return x->verdict_i < y->verdict_i ? -1 : 1;
	fx = x->status != NULL && strcmp(x->status, "legacy") == 0;
	fy = y->status != NULL && strcmp(y->status, "legacy") == 0;
	if (fx != fy)
		return fx ? -1 : 1;
	if (x->legacy != y->legacy)
		return x->legacy > y->legacy ? -1 : 1;
	if (x->last_legacy_seen != y->last_legacy_seen)
		return x->last_legacy_seen > y->last_legacy_seen ? -1 : 1;
	return strcmp(x->client ? x->client : "", y->client ? y->client : "");
}

/* --- writing: small helpers ----------------------------------------------- */

static void
t_date(uint64_t us, char *buf, size_t len)
{
	time_t		t = (time_t)(us / US);
	struct tm	tm;

	if (us == 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d", &tm) == 0)
		snprintf(buf, len, "%s", "");
}

static void
t_time(uint64_t us, char *buf, size_t len)
{
	time_t		t = (time_t)(us / US);
	struct tm	tm;

	if (us == 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, len, "%s", "");
}

/* <td> with escaped text, and a sort key when given. */
static void
td(FILE *fp, const char *cls, const char *text, const char *key)
{
	fputs("<td", fp);
	if (cls != NULL)
		fprintf(fp, " class=\"%s\"", cls);
	if (key != NULL) {
		fputs(" data-k=\"", fp);
		html_esc(fp, key, HTML_ATTR);
		fputc('"', fp);
	}
	fputc('>', fp);
	html_esc(fp, text != NULL ? text : "", HTML_TEXT);
	fputs("</td>", fp);
}

static void
td_num(FILE *fp, uint64_t v)
{
	fprintf(fp, "<td class=\"n\" data-k=\"%020llu\">%llu</td>",
	    (unsigned long long)v, (unsigned long long)v);
}

/* A JA4 that wraps only after its underscores (a_b_c). */
static void
td_ja4_text(FILE *fp, const char *ja4)
{
	const char	*p, *u;
	char		 part[64];
	size_t		 n;

	if (ja4 == NULL)
		fputs("(no ClientHello)", fp);
	for (p = ja4; p != NULL && *p != '\0'; p += n) {
		u = strchr(p, '_');
		n = u != NULL ? (size_t)(u - p) + 1 : strlen(p);
		snprintf(part, sizeof(part), "%.*s", (int)(n < sizeof(part) ?
		    n : sizeof(part) - 1), p);
		html_esc(fp, part, HTML_TEXT);
		if (u != NULL)
			fputs("<wbr>", fp);
	}
}

static void
td_ja4(FILE *fp, const char *ja4)
{
	fputs("<td class=\"j\">", fp);
	td_ja4_text(fp, ja4);
	fputs("</td>", fp);
}

/* The program: the name the hints table gives its fingerprint, if any,
 * above the JA4 (the cell's sort key is the name, then the JA4). */
static void
td_program(FILE *fp, const char *name, const char *ja4)
{
	if (name == NULL) {
		td_ja4(fp, ja4);
		return;
	}
	fputs("<td class=\"j\" data-k=\"", fp);
	html_esc(fp, name, HTML_ATTR);
	fputs("\"><span class=\"prog\">", fp);
	html_esc(fp, name, HTML_TEXT);
	fputs("</span><br>", fp);
	td_ja4_text(fp, ja4);
	fputs("</td>", fp);
}

/* Credentials sent in the clear: the mechanisms and how many sessions. */
static void
td_cleartext(FILE *fp, const char *mechs, uint64_t n)
{
	fprintf(fp, "<td data-k=\"%020llu\">", (unsigned long long)n);
	if (n > 0) {
		fputs("<span class=\"bad\">", fp);
		html_esc(fp, mechs != NULL ? mechs : "yes", HTML_TEXT);
		fprintf(fp, "</span><br><span class=\"muted\">%llu session%s"
		    "</span>", (unsigned long long)n, n == 1 ? "" : "s");
	}
	fputs("</td>", fp);
}

static const char *
verdict_class(int v)
{
	return v == SR_CLEARTEXT_CREDENTIALS || v == SR_LEGACY_REFUSED ||
	    v == SR_EXCEPTION_EXPIRED ? "bad" :
	    v <= SR_LEGACY_LAST ? "warn" : v == SR_PLAINTEXT ? "plain" :
	    "good";
}

/* --- the page ------------------------------------------------------------- */

static const char css[] =
"*{box-sizing:border-box}"
"body{font:14px/1.35 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
"margin:0;color:#1a1a1a;background:#fff}"
"header{background:#12263a;color:#fff;padding:12px 24px}"
"header h1{margin:0;font-size:21px}"
"header p{margin:4px 0 0;color:#c9d6e3;font-size:13px}"
"main{padding:12px 24px}"
"h2{font-size:16px;margin:18px 0 6px}"
".cards{display:flex;gap:10px;flex-wrap:wrap}"
".card{flex:1 1 150px;border:1px solid #d0d7de;border-radius:6px;"
"padding:8px 12px}"
".card b{display:block;font-size:26px}"
".card.bad b{color:#b30000}.card.warn b{color:#c05600}"
".card.good b{color:#1b7837}"
".grid{display:grid;grid-template-columns:auto 1fr 1fr;gap:18px;"
"align-items:start}"
"figure{margin:0}figcaption{font-weight:600;margin-bottom:4px}"
"svg{max-width:100%;height:auto}"
"table{border-collapse:collapse;width:100%}"
"th,td{border-bottom:1px solid #e4e8ec;padding:3px 6px;text-align:left;"
"vertical-align:top}"
"th{background:#f3f5f7;font-weight:600;white-space:nowrap}"
"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
"td.m,td.j{font-family:ui-monospace,Menlo,Consolas,monospace;"
"font-size:11.5px}td.m,td.t,td.j{white-space:nowrap}"
".wide{overflow-x:auto}"
"#worst{font-size:13px}"
".bad{color:#b30000;font-weight:600}.warn{color:#c05600;font-weight:600}"
".plain{color:#6a3d9a}.good{color:#1b7837}"
".muted{color:#667}"
"td.j .prog{display:inline-block;min-width:20em;max-width:30em;"
"font-family:system-ui,sans-serif;font-size:12.5px;white-space:normal}"
".ctl{display:none;gap:8px;margin:4px 0 6px}"
".js .ctl{display:flex}"
".js th button{all:unset;cursor:pointer}"
".js th button:after{content:' \\2195';color:#99a}"
"th button[aria-sort=ascending]:after{content:' \\2191'}"
"th button[aria-sort=descending]:after{content:' \\2193'}"
"input,select{font:inherit;padding:2px 6px}"
".cols{display:grid;grid-template-columns:repeat(auto-fit,"
"minmax(420px,1fr));gap:14px}.cols>*{min-width:0;overflow-x:auto}"
"footer{padding:10px 24px;color:#667;font-size:12px}"
"@media print{header{background:none;color:#000;padding:0}"
"header p{color:#000}.ctl{display:none!important}"
"main{padding:0}.grid,.cols{display:block}"
"tr{break-inside:avoid}figure{break-inside:avoid}"
"th{background:none}.card{border-color:#000}}";

/* Sorting and filtering: reads cell text and data-k, writes nothing but
 * row order and visibility; no data is ever put into markup. */
static const char js[] =
"document.documentElement.className='js';"
"addEventListener('DOMContentLoaded',function(){"
"document.querySelectorAll('table.sortable').forEach(function(t){"
"var b=t.tBodies[0];"
"t.querySelectorAll('th').forEach(function(h,i){"
"var btn=document.createElement('button');"
"btn.textContent=h.textContent;h.textContent='';h.appendChild(btn);"
"btn.addEventListener('click',function(){"
"var d=btn.getAttribute('aria-sort')==='ascending'?-1:1;"
"t.querySelectorAll('th button').forEach(function(o){"
"o.removeAttribute('aria-sort')});"
"btn.setAttribute('aria-sort',d>0?'ascending':'descending');"
"var rs=Array.prototype.slice.call(b.rows);"
"function k(r){var c=r.cells[i];return c.hasAttribute('data-k')?"
"c.getAttribute('data-k'):c.textContent}"
"rs.sort(function(x,y){var p=k(x),q=k(y);return p<q?-d:p>q?d:0});"
"rs.forEach(function(r){b.appendChild(r)})})})});"
"var q=document.getElementById('q'),fp=document.getElementById('fp'),"
"fs=document.getElementById('fs'),n=document.getElementById('nshown');"
"function f(){var s=q.value.toLowerCase(),p=fp.value,v=fs.value,m=0;"
"Array.prototype.forEach.call(document.getElementById('worst').tBodies[0]"
".rows,function(r){var ok=(!s||r.textContent.toLowerCase().indexOf(s)>=0)"
"&&(!p||r.getAttribute('data-p')===p)&&(!v||r.getAttribute('data-s')===v);"
"r.hidden=!ok;if(ok)m++});n.textContent=m}"
"if(q){q.addEventListener('input',f);fp.addEventListener('change',f);"
"fs.addEventListener('change',f)}});";

static void
svg_open(FILE *fp, int w, int h, const char *id, const char *title,
    const char *desc)
{
	fprintf(fp, "<svg "
	    "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
	    "aria-labelledby=\"%s-t %s-d\" font-size=\"11\" "
	    "font-family=\"system-ui,sans-serif\"><title id=\"%s-t\">",
	    w, h, w, h, id, id, id);
	html_esc(fp, title, HTML_TEXT);
	fprintf(fp, "</title><desc id=\"%s-d\">", id);
	html_esc(fp, desc, HTML_TEXT);
	fputs("</desc>", fp);
}

static void
svg_text(FILE *fp, double x, double y, const char *anchor, const char *s)
{
	fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" "
	    "fill=\"#333\">", x, y, anchor);
	html_esc(fp, s, HTML_TEXT);
	fputs("</text>", fp);
}

/* Legacy sessions (bars, left axis) and legacy clients (line, right
 * axis) per day. */
static void
chart_trend(FILE *fp, const struct ctx *c)
{
	struct html_scale	 x, ys, yc;
	uint64_t		 i, ms = 0, mc = 0, ss, sc, tops, topc, t;
	double			 bw, px, py;
	char			 d0[16], d1[16], lab[32], desc[256];
	const int		 W = 430, H = 230, L = 44, R = 36, T = 12, B = 40;

	for (i = 0; i < c->ndays; i++) {
		if (c->d_legacy[i] > ms)
			ms = c->d_legacy[i];
		if (c->d_clients[i] > mc)
			mc = c->d_clients[i];
	}
	tops = html_nice_max(ms, &ss);
	topc = html_nice_max(mc, &sc);
	x = (struct html_scale){ 0, (double)c->ndays, L, W - R };
	ys = (struct html_scale){ 0, (double)tops, H - B, T };
	yc = (struct html_scale){ 0, (double)topc, H - B, T };
	t_date(c->day0 * DAY_US, d0, sizeof(d0));
	t_date((c->day0 + c->ndays - 1) * DAY_US, d1, sizeof(d1));
	snprintf(desc, sizeof(desc), "Bars: legacy TLS sessions per day "
	    "(left axis, up to %llu); line: distinct clients with a legacy "
	    "session that day (right axis, up to %llu); %s to %s. The table "
	    "\"Chart data\" below has the numbers.", (unsigned long long)ms,
	    (unsigned long long)mc, d0, d1);
	svg_open(fp, W, H, "trend", "Legacy sessions and clients per day",
	    desc);
	for (t = 0; t <= tops; t += ss) {
		py = html_scale_map(&ys, (double)t);
		fprintf(fp, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
		    "stroke=\"#e4e8ec\"/>", L, W - R, py, py);
		snprintf(lab, sizeof(lab), "%llu", (unsigned long long)t);
		svg_text(fp, L - 4, py + 4, "end", lab);
	}
	for (t = 0; t <= topc; t += sc) {
		snprintf(lab, sizeof(lab), "%llu", (unsigned long long)t);
		fprintf(fp, "<text x=\"%d\" y=\"%.1f\" fill=\"#7b3294\">%s"
		    "</text>", W - R + 4, html_scale_map(&yc, (double)t) + 4,
		    lab);
	}
	bw = (double)(W - R - L) / (double)c->ndays;
	for (i = 0; i < c->ndays; i++) {
		if (c->d_legacy[i] == 0)
			continue;
		px = html_scale_map(&x, (double)i);
		py = html_scale_map(&ys, (double)c->d_legacy[i]);
		t_date((c->day0 + i) * DAY_US, lab, sizeof(lab));
		fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\" fill=\"#d7301f\"><title>%s: %llu legacy "
		    "sessions</title></rect>", px + bw * 0.1, py,
		    bw * 0.8 > 1 ? bw * 0.8 : 1, (H - B) - py, lab,
		    (unsigned long long)c->d_legacy[i]);
	}
	fputs("<polyline fill=\"none\" stroke=\"#7b3294\" stroke-width=\"2\" "
	    "points=\"", fp);
	for (i = 0; i < c->ndays; i++)
		fprintf(fp, "%.1f,%.1f ", html_scale_map(&x, (double)i + 0.5),
		    html_scale_map(&yc, (double)c->d_clients[i]));
	fputs("\"/>", fp);
	fprintf(fp, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" "
	    "stroke=\"#333\"/>", L, W - R, H - B, H - B);
	svg_text(fp, L, H - B + 14, "start", d0);
	svg_text(fp, W - R, H - B + 14, "end", d1);
	fprintf(fp, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" "
	    "fill=\"#d7301f\"/>", L, H - 14);
	svg_text(fp, L + 14, H - 5, "start", "legacy sessions");
	fprintf(fp, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" "
	    "stroke=\"#7b3294\" stroke-width=\"2\"/>", L + 130, L + 145,
	    H - 9, H - 9);
	svg_text(fp, L + 150, H - 5, "start", "legacy clients");
	fputs("</svg>", fp);
}

/* Per protocol: two stacked bars, versions offered and negotiated (share
 * of the records). */
static void
chart_versions(FILE *fp, const struct ctx *c)
{
	const int	W = 430, H = 230, L = 40, T = 10, B = 56, G = 100;
	struct html_scale y = { 0, 1, H - B, T };
	uint64_t	tot;
	double		acc, h, px;
	int		p, k, v;
	char		lab[64];

	svg_open(fp, W, H, "versions", "TLS versions offered and negotiated "
	    "per protocol", "For each protocol two stacked bars: the highest "
	    "version the clients offered (left, o) and the version the "
	    "server chose (right, n), as a share of the records; red, "
	    "orange and yellow are below the floor, blue and green at or "
	    "above it. The table \"Chart data\" below has the numbers.");
	for (k = 0; k <= 4; k++) {
		px = html_scale_map(&y, k / 4.0);
		fprintf(fp, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" "
		    "stroke=\"#e4e8ec\"/>", L, W - 4, px, px);
		snprintf(lab, sizeof(lab), "%d%%", k * 25);
		svg_text(fp, L - 4, px + 4, "end", lab);
	}
	for (p = 1; p < NPROTO; p++)
		for (k = 0; k < 2; k++) {
			px = L + 14 + (p - 1) * G + k * 34;
			for (tot = 0, v = 0; v < NVER; v++)
				tot += c->ver[p][k][v];
			for (acc = 0, v = 0; tot > 0 && v < NVER; v++) {
				if (c->ver[p][k][v] == 0)
					continue;
				h = (double)c->ver[p][k][v] / (double)tot;
				fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" "
				    "width=\"28\" height=\"%.1f\" fill=\"%s\">"
				    "<title>%s %s %s: %llu records</title>"
				    "</rect>", px, html_scale_map(&y, acc + h),
				    h * (H - B - T), v_color(c->f, v), protos[p],
				    k ? "negotiated" : "offered", v_names[v],
				    (unsigned long long)c->ver[p][k][v]);
				acc += h;
			}
			svg_text(fp, px + 14, H - B + 13, "middle",
			    k ? "n" : "o");
		}
	for (p = 1; p < NPROTO; p++)
		svg_text(fp, L + 14 + (p - 1) * G + 31, H - B + 27, "middle",
		    protos[p]);
	for (v = 0; v < NVER; v++) {
		px = L + v * 56;
		fprintf(fp, "<rect x=\"%.0f\" y=\"%d\" width=\"9\" "
		    "height=\"9\" fill=\"%s\"/>", px, H - 13, v_color(c->f, v));
		svg_text(fp, px + 12, H - 5, "start", v_names[v]);
	}
	fputs("</svg>", fp);
}

static void
headline(FILE *fp, const struct ctx *c)
{
	static const int	card[] = { M_CLEARTEXT, M_CLIENTS, M_PROGRAMS,
				    M_REFUSED, M_FIXED, M_PLAIN };
	static const char *const cls[] = { "bad", "warn", "warn", "bad",
				    "good", "plain" };
	char			d[16];
	int			i, p;

	t_date(c->win_start, d, sizeof(d));
	fputs("<section aria-label=\"Headline\"><div class=\"cards\">", fp);
	for (i = 0; i < (int)(sizeof(card) / sizeof(card[0])); i++) {
		fprintf(fp, "<div class=\"card %s\"><b>%llu</b>", cls[i],
		    (unsigned long long)c->m[0][card[i]]);
		if (card[i] == M_FIXED)
			fprintf(fp, "Clients fixed since %s", d);
		else
			fputs(m_names[card[i]], fp);
		fputs("</div>", fp);
	}
	fputs("</div></section>", fp);
	fputs("<div class=\"grid\"><section><h2>Per protocol</h2><table "
	    "id=\"headline\"><thead><tr><th></th>", fp);
	for (p = 0; p < NPROTO; p++)
		fprintf(fp, "<th class=\"n\">%s</th>", protos[p]);
	fputs("</tr></thead><tbody>", fp);
	for (i = 0; i < NM; i++) {
		fprintf(fp, "<tr><th scope=\"row\">%s</th>", m_names[i]);
		for (p = 0; p < NPROTO; p++)
			fprintf(fp, "<td class=\"n\">%llu</td>",
			    (unsigned long long)c->m[p][i]);
		fputs("</tr>", fp);
	}
	fputs("</tbody></table></section>", fp);
}

static void
worst_table(FILE *fp, const struct ctx *c)
{
	const struct row	*r;
	char			 t[32], k[32], port[24];
	size_t			 i;
	int			 p;

	fprintf(fp, "<section><h2 id=\"worst-h\">Worst clients first</h2>"
	    "<div class=\"ctl\"><input id=\"q\" type=\"search\" "
	    "placeholder=\"Filter: address, JA4, server, owner...\" "
	    "aria-label=\"Filter the records\" size=\"40\">"
	    "<select id=\"fp\" aria-label=\"Protocol\"><option value=\"\">"
	    "every protocol</option>");
	for (p = 1; p < NPROTO; p++)
		fprintf(fp, "<option>%s</option>", protos[p]);
	fprintf(fp, "</select><select id=\"fs\" aria-label=\"Status\">"
	    "<option value=\"\">every status</option><option>"
	    "cleartext_credentials</option><option>legacy"
	    "</option><option>fixed</option><option>plaintext</option>"
	    "<option>ok</option><option>unknown</option></select>"
	    "<span class=\"muted\"><span id=\"nshown\">%zu</span> shown"
	    "</span></div>", c->nrows);
	fputs("<div class=\"wide\"><table id=\"worst\" class=\"sortable\">"
	    "<thead><tr>"
	    "<th>Client</th><th>Program (JA4)</th><th>Server (SNI)</th>"
	    "<th>Endpoint</th><th>Protocol</th><th>Verdict / status</th>"
	    "<th>Credentials in the clear</th><th class=\"n\">Sessions</th>"
	    "<th class=\"n\">Legacy</th><th>Last legacy</th>"
	    "<th>Exception owner</th><th>Expires</th></tr></thead><tbody>",
	    fp);
	for (i = 0; i < c->nrows; i++) {
		r = &c->rows[i];
		fputs("<tr data-p=\"", fp);
		html_esc(fp, r->protocol, HTML_ATTR);
		fputs("\" data-s=\"", fp);
		html_esc(fp, r->status, HTML_ATTR);
		fputs("\">", fp);
		td(fp, "m", r->client, NULL);
		/* The program: its name when the hints table knows the
		 * fingerprint, and its JA4. */
		td_program(fp, r->software, r->ja4);
		snprintf(port, sizeof(port), ":%llu",
		    (unsigned long long)r->port);
		fputs("<td class=\"m\">", fp);
		html_esc(fp, r->server, HTML_TEXT);
		html_esc(fp, port, HTML_TEXT);
		if (r->sni != NULL) {
			fputs("<br><span class=\"muted\">", fp);
			html_esc(fp, r->sni, HTML_TEXT);
			fputs("</span>", fp);
		}
		fputs("</td>", fp);
		td(fp, NULL, r->label, NULL);
		td(fp, NULL, r->protocol, NULL);
		/* Sorted by verdict, then status (legacy before fixed). */
		snprintf(k, sizeof(k), "%d%d", r->verdict_i, r->status != NULL &&
		    strcmp(r->status, "legacy") == 0 ? 0 : 1);
		fputs("<td data-k=\"", fp);
		html_esc(fp, k, HTML_ATTR);
		fprintf(fp, "\"><span class=\"%s\">",
		    verdict_class(r->verdict_i));
		html_esc(fp, r->verdict, HTML_TEXT);
		fputs("</span><br><span class=\"muted\">", fp);
		html_esc(fp, r->status, HTML_TEXT);
		fputs("</span></td>", fp);
		td_cleartext(fp, r->mechs, r->cleartext);
		td_num(fp, r->sessions);
		td_num(fp, r->legacy);
		t_time(r->last_legacy_seen, t, sizeof(t));
		td(fp, "t", t, t);
		td(fp, NULL, r->exc_owner, NULL);
		td(fp, "t", r->exc_owner ? r->exc_expires : NULL, NULL);
		fputs("</tr>\n", fp);
	}
	fputs("</tbody></table></div>", fp);
	if (c->nrecords > c->nrows)
		fprintf(fp, "<p class=\"muted\">The %zu worst of %llu records; "
		    "the CSV report (--csv) has them all.</p>", c->nrows,
		    (unsigned long long)c->nrecords);
	fputs("</section>", fp);
}

static int
ent_cmp(const void *a, const void *b)
{
	const struct smap_ent	*x = a, *y = b;

	if (x->val != y->val)
		return x->val > y->val ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* The entries of m in a new array, largest value first; *n their number.
 * The keys stay m's. */
static struct smap_ent *
sorted(const struct smap *m, size_t *n)
{
	struct smap_ent	*a;
	size_t		 i;

	*n = 0;
	if (m->n == 0 || (a = calloc(m->n, sizeof(*a))) == NULL)
		return NULL;
	for (i = 0; i < m->cap; i++)
		if (m->e[i].key != NULL)
			a[(*n)++] = m->e[i];
	qsort(a, *n, sizeof(*a), ent_cmp);
	return a;
}

static void
small_tables(FILE *fp, const struct ctx *c)
{
	struct smap_ent	*a;
	size_t		 n, i, shown = 0;
	char		 t[32];

	fputs("<div class=\"cols\"><section><h2>Same program on several hosts"
	    "</h2><table id=\"groups\" class=\"sortable\"><thead><tr>"
	    "<th>Program (JA4: one client library build)</th>"
	    "<th class=\"n\">Legacy hosts"
	    "</th></tr></thead><tbody>", fp);
	a = sorted(&c->groups, &n);
	for (i = 0; i < n && shown < HTML_MAX_LIST; i++) {
		if (a[i].val < 2)
			continue;
		fputs("<tr>", fp);
		td_program(fp, a[i].aux, a[i].key);
		td_num(fp, a[i].val);
		fputs("</tr>", fp);
		shown++;
	}
	if (shown == 0)
		fputs("<tr><td colspan=\"2\" class=\"muted\">No JA4 below the "
		    "floor on more than one host.</td></tr>", fp);
	free(a);
	fputs("</tbody></table></section>", fp);

	fprintf(fp, "<section><h2>Exceptions expiring within %d days</h2>"
	    "<table id=\"expiring\" class=\"sortable\"><thead><tr><th>Expires"
	    "</th><th>Owner</th><th>Ticket</th><th>Client</th><th>Server</th>"
	    "</tr></thead><tbody>", HTML_SOON_DAYS);
	for (i = 0; i < c->nsoon; i++) {
		fputs("<tr>", fp);
		td(fp, "t", c->soon[i].expires, NULL);
		td(fp, NULL, c->soon[i].owner, NULL);
		td(fp, NULL, c->soon[i].ticket, NULL);
		td(fp, "m", c->soon[i].client, NULL);
		td(fp, "m", c->soon[i].server, NULL);
		fputs("</tr>", fp);
	}
	if (c->nsoon == 0)
		fprintf(fp, "<tr><td colspan=\"5\" class=\"muted\">None "
		    "between %s and %s.</td></tr>", c->today, c->soon_end);
	fputs("</tbody></table></section>", fp);

	fputs("<section><h2>Sensors</h2><table id=\"sensors\" "
	    "class=\"sortable\"><thead><tr><th>Sensor</th><th>Last session "
	    "reported (UTC)</th></tr></thead><tbody>", fp);
	a = sorted(&c->sensors, &n);
	for (i = 0; i < n && i < HTML_MAX_LIST; i++) {
		fputs("<tr>", fp);
		td(fp, NULL, a[i].key, NULL);
		t_time(a[i].val, t, sizeof(t));
		td(fp, "t", t, t);
		fputs("</tr>", fp);
	}
	if (n == 0)
		fputs("<tr><td colspan=\"2\" class=\"muted\">No records."
		    "</td></tr>", fp);
	free(a);
	fputs("</tbody></table></section></div>", fp);
}

/* The charts' numbers, for screen readers, print and no-SVG readers. */
static void
chart_data(FILE *fp, const struct ctx *c)
{
	char		d[16];
	uint64_t	i;
	int		p, k, v;

	fputs("<section><h2>Chart data</h2><div class=\"cols\"><table "
	    "id=\"trend-data\"><caption>Legacy sessions and clients per day"
	    "</caption><thead><tr><th>Day (UTC)</th><th class=\"n\">Sessions"
	    "</th><th class=\"n\">Legacy sessions</th><th class=\"n\">Legacy "
	    "clients</th></tr></thead><tbody>", fp);
	for (i = 0; i < c->ndays; i++) {
		if (c->d_sessions[i] == 0)
			continue;
		t_date((c->day0 + i) * DAY_US, d, sizeof(d));
		fprintf(fp, "<tr><td class=\"t\">%s</td>", d);
		td_num(fp, c->d_sessions[i]);
		td_num(fp, c->d_legacy[i]);
		td_num(fp, c->d_clients[i]);
		fputs("</tr>", fp);
	}
	fputs("</tbody></table><table id=\"versions-data\"><caption>Records "
	    "by highest version offered / negotiated</caption><thead><tr>"
	    "<th>Version</th>", fp);
	for (p = 1; p < NPROTO; p++)
		fprintf(fp, "<th class=\"n\">%s</th>", protos[p]);
	fputs("</tr></thead><tbody>", fp);
	for (v = 0; v < NVER; v++) {
		fprintf(fp, "<tr><th scope=\"row\">%s</th>", v_names[v]);
		for (p = 1; p < NPROTO; p++) {
			fputs("<td class=\"n\">", fp);
			for (k = 0; k < 2; k++)
				fprintf(fp, "%s%llu", k ? " / " : "",
				    (unsigned long long)c->ver[p][k][v]);
			fputs("</td>", fp);
		}
		fputs("</tr>", fp);
	}
	fputs("</tbody></table></div></section>", fp);
}

static const char *
floor_name(uint16_t v)
{
	switch (v) {
	case TLS_V_1_0: return "1.0";
	case TLS_V_1_1: return "1.1";
	case TLS_V_1_3: return "1.3";
	default: return "1.2";
	}
}

static int
fill(FILE *fp, void *arg)
{
	struct ctx	*c = arg;
	char		 now[32], ws[16];

	t_time(c->f->now_us, now, sizeof(now));
	t_date(c->win_start, ws, sizeof(ws));
	errno = 0;
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width\">"
	    "<meta name=\"generator\" content=\"tlsfloor " TLSFLOOR_VERSION
	    "\"><meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; style-src 'unsafe-inline'; script-src "
	    "'unsafe-inline'; img-src data:\"><title>tlsfloor: legacy TLS "
	    "report, ", fp);
	fputs(now, fp);
	fprintf(fp, " UTC</title><style>%s</style><script>%s</script></head>"
	    "<body><header><h1>Mail clients below the TLS floor</h1><p>Floor: "
	    "TLS %s (older versions are legacy) &middot; window: "
	    "%llu days, %s to %s UTC &middot; report time %s UTC &middot; "
	    "%llu records &middot; tlsfloor %s</p></header><main>", css, js,
	    floor_name(c->f->floor),
	    (unsigned long long)(c->f->window_s / 86400), ws, now, now,
	    (unsigned long long)c->nrecords, TLSFLOOR_VERSION);
	headline(fp, c);
	fputs("<section><h2>Trend</h2><figure>", fp);
	chart_trend(fp, c);
	fputs("</figure></section><section><h2>Versions</h2><figure>", fp);
	chart_versions(fp, c);
	fputs("</figure></section></div>", fp);
	worst_table(fp, c);
	small_tables(fp, c);
	chart_data(fp, c);
	fprintf(fp, "</main><footer>Generated by tlsfloor %s at %s UTC. "
	    "Verdicts over the window; status \"fixed\": only ok sessions "
	    "since the last legacy one.</footer></body></html>\n",
	    TLSFLOOR_VERSION, now);
	return ferror(fp) ? -1 : 0;
}

static void
ctx_free(struct ctx *c)
{
	size_t	i;

	for (i = 0; i < c->nrows; i++)
		row_free(&c->rows[i]);
	for (i = 0; i < c->nsoon; i++) {
		free(c->soon[i].owner);
		free(c->soon[i].expires);
		free(c->soon[i].ticket);
		free(c->soon[i].client);
		free(c->soon[i].server);
		free(c->soon[i].protocol);
	}
	free(c->rows);
	free(c->soon);
	free(c->d_legacy);
	free(c->d_clients);
	free(c->d_sessions);
	smap_free(&c->keys);
	smap_free(&c->groups);
	smap_free(&c->sensors);
}

int
report_html_write(const char *db, const struct store_filter *f,
    const char *path, char *err, size_t errlen)
{
	struct store_visitor	 v;
	struct ctx		 c;
	uint64_t		 span = f->window_s * US, today;
	int			 rc = -1;

	memset(&c, 0, sizeof(c));
	c.f = f;
	c.win_start = f->now_us > span ? f->now_us - span : 0;
	t_date(f->now_us, c.today, sizeof(c.today));
	t_date(f->now_us + HTML_SOON_DAYS * DAY_US, c.soon_end,
	    sizeof(c.soon_end));
	today = f->now_us / DAY_US;
	c.ndays = today - c.win_start / DAY_US + 1;
	if (c.ndays > HTML_MAX_DAYS)
		c.ndays = HTML_MAX_DAYS;
	c.day0 = today + 1 - c.ndays;
	if ((c.rows = calloc(2 * HTML_MAX_ROWS, sizeof(*c.rows))) == NULL ||
	    (c.soon = calloc(HTML_MAX_LIST, sizeof(*c.soon))) == NULL ||
	    (c.d_legacy = calloc(c.ndays, sizeof(uint64_t))) == NULL ||
	    (c.d_clients = calloc(c.ndays, sizeof(uint64_t))) == NULL ||
	    (c.d_sessions = calloc(c.ndays, sizeof(uint64_t))) == NULL) {
		snprintf(err, errlen, "report: out of memory");
		goto done;
	}
	v.record = on_record;
	v.day = on_day;
	v.arg = &c;
	if (store_visit(db, f, &v, err, errlen) != 0) {
		if (c.oom)
			snprintf(err, errlen, "report: out of memory");
		goto done;
	}
	keep_worst(&c);
	if (strcmp(path, "-") == 0) {
		if (fill(stdout, &c) != 0 || fflush(stdout) == EOF) {
			snprintf(err, errlen, "standard output: %s",
			    strerror(errno ? errno : EIO));
			goto done;
		}
		rc = 0;
	} else
		rc = inventory_write_atomic(path, fill, &c, err, errlen);
done:
	ctx_free(&c);
	return rc;
}
