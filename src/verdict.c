/*
 * verdict.c -- pipeline stage 7: judge a finished session.
 *
 * Receives a flow whose session has ended (from flow.c) with the findings
 * the mail and TLS stages recorded, decides its outcome and reason, counts
 * them, and hands the session to the outputs.  Policy lives here and only
 * here: the floor (TLS 1.2 unless configured), what counts as a refusal.
 *
 *   client_max  = highest version the ClientHello offers (tls.c)
 *   negotiated  = the ServerHello's choice
 *   outcome     = established | refused | server_close | client_abort |
 *                 gap | incomplete | plaintext | starttls_refused
 *   reason      = cleartext_credentials  the client sent a password (or
 *                                   an APOP digest) before any TLS: the
 *                                   worst there is, whatever TLS came
 *                                   after (an ok TLS session cannot
 *                                   have it)
 *               | legacy_refused    client_max < floor, and the server
 *                                   refused it (alert or hang-up)
 *               | legacy_client     client_max < floor
 *               | legacy_negotiated negotiated < floor <= client_max, or
 *                                   client_max unknown (hello lost)
 *               | plaintext         the session never started TLS
 *               | unknown           no hello on either side
 *               | ok
 *
 * Then verdict_policy(): exceptions (config) and syslog severity.
 */
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "budget.h"
#include "config.h"
#include "session.h"
#include "caps.h"
#include "cert.h"
#include "log.h"
#include "output.h"
#include "stats.h"
#include "tls.h"
#include "verdict.h"

static uint16_t			 floor_version = TLS_V_1_2;
static const struct config	*vcfg;
static size_t			*exc_uses;	/* per exception of vcfg */
static size_t			 exc_n;

static const enum stat_id reason_stat[RS_MAX] = {
	[RS_CLEARTEXT_CREDENTIALS] = STAT_RS_CLEARTEXT_CREDENTIALS,
	[RS_LEGACY_REFUSED] = STAT_RS_LEGACY_REFUSED,
	[RS_EXCEPTION_EXPIRED] = STAT_RS_EXCEPTION_EXPIRED,
	[RS_LEGACY_CLIENT] = STAT_RS_LEGACY_CLIENT,
	[RS_LEGACY_NEGOTIATED] = STAT_RS_LEGACY_NEGOTIATED,
	[RS_PLAINTEXT] = STAT_RS_PLAINTEXT,
	[RS_UNKNOWN] = STAT_RS_UNKNOWN,
	[RS_OK] = STAT_RS_OK,
};

static const enum stat_id outcome_stat[OC_MAX] = {
	[OC_ESTABLISHED] = STAT_OC_ESTABLISHED,
	[OC_REFUSED] = STAT_OC_REFUSED,
	[OC_SERVER_CLOSE] = STAT_OC_SERVER_CLOSE,
	[OC_CLIENT_ABORT] = STAT_OC_CLIENT_ABORT,
	[OC_GAP] = STAT_OC_GAP,
	[OC_INCOMPLETE] = STAT_OC_INCOMPLETE,
	[OC_PLAINTEXT] = STAT_OC_PLAINTEXT,
	[OC_STARTTLS_REFUSED] = STAT_OC_STARTTLS_REFUSED,
};

static enum outcome	verdict_outcome_tls(const struct session *);
static enum outcome	verdict_outcome_plain(const struct conn *);
static void		verdict_judge_tls(const struct session *,
			    struct verdict *);

void
verdict_init(const struct config *cfg)
{
	verdict_set_config(cfg);
}

/*
 * A new configuration (start-up or reload): its floor and exceptions.
 * Exception use counts start again, since the list may have changed.
 */
void
verdict_set_config(const struct config *cfg)
{
	vcfg = cfg;
	floor_version = cfg->floor;
	free(exc_uses);
	exc_n = cfg->nexceptions;
	exc_uses = exc_n > 0 ? calloc(exc_n, sizeof(*exc_uses)) : NULL;
	if (exc_uses == NULL)
		exc_n = 0;
}

/* The floor alone (tests, and --floor before a config exists). */
void
verdict_set_floor(uint16_t floor)
{
	floor_version = floor;
}

/*
 * Exceptions that run out within 14 days (at start-up), and, at exit,
 * those that matched nothing in this run, so stale ones get cleaned up.
 */
void
verdict_report_exceptions(void)
{
	size_t	i;

	for (i = 0; vcfg != NULL && i < exc_n; i++)
		if (exc_uses[i] == 0)
			log_warnx("exception at line %u (owner %s, expires %s) "
			    "matched no session: remove it?",
			    vcfg->exceptions[i].line, vcfg->exceptions[i].owner,
			    vcfg->exceptions[i].expires);
}

void
verdict_expiring_exceptions(time_t now)
{
	int32_t	today = (int32_t)(now / 86400);
	size_t	i;

	for (i = 0; vcfg != NULL && i < vcfg->nexceptions; i++) {
		const struct config_exception *e = &vcfg->exceptions[i];

		if (e->expires_days < today)
			log_warnx("exception at line %u (owner %s) expired on "
			    "%s", e->line, e->owner, e->expires);
		else if (config_exception_expiring(e, now))
			log_warnx("exception at line %u (owner %s) expires on "
			    "%s", e->line, e->owner, e->expires);
	}
}

/* Sessions that matched exception i (live or expired) so far. */
size_t
verdict_exception_uses(size_t i)
{
	return i < exc_n ? exc_uses[i] : 0;
}

uint16_t
verdict_floor(void)
{
	return floor_version;
}

uint64_t
verdict_count(enum reason r)
{
	return r < RS_MAX ? stats[reason_stat[r]] : 0;
}

/* Did this session ever carry TLS (or was it meant to from the start)? */
static bool
verdict_tls_path(const struct conn *f)
{
	const struct session	*s = &f->sess;

	return (f->fflags & FLOW_F_IMPLICIT) || s->tls[DIR_C2S] ||
	    s->tls[DIR_S2C] || s->hello_gap[DIR_C2S] ||
	    s->hello_gap[DIR_S2C] || s->starttls == STARTTLS_ACCEPTED;
}

static enum outcome
verdict_outcome_plain(const struct conn *f)
{
	switch (f->sess.starttls) {
	case STARTTLS_REFUSED:
		return OC_STARTTLS_REFUSED;
	case STARTTLS_SENT:		/* asked; the answer was not seen */
		return OC_INCOMPLETE;
	}
	/* Nothing recognisable as the mail protocol: do not call it
	 * plaintext mail on the strength of a port number. */
	return f->sess.mail_lines > 0 ? OC_PLAINTEXT : OC_INCOMPLETE;
}

static bool
fatal_alert(const struct tls_alert *a)
{
	return a->seen && a->level == 2;
}

static enum outcome
verdict_outcome_tls(const struct session *s)
{
	const struct tls_alert	*sa = &s->alert[DIR_S2C];
	const struct tls_alert	*ca = &s->alert[DIR_C2S];
	bool			 srv_closed_first;

	if (s->sh != NULL) {
		/* The client turned down what the server chose. */
		if (fatal_alert(ca) && ca->after_sh)
			return OC_CLIENT_ABORT;
		return OC_ESTABLISHED;
	}
	if (fatal_alert(sa))
		return OC_REFUSED;
	if (s->hello_gap[DIR_C2S] || s->hello_gap[DIR_S2C])
		return OC_GAP;
	srv_closed_first = s->close_how[DIR_S2C] != 0 &&
	    (s->close_how[DIR_C2S] == 0 ||
	    s->close_order[DIR_S2C] < s->close_order[DIR_C2S]);
	/* Not a byte back after the hello, then the server hung up: the
	 * silent refusal (dovecot does this for versions it will not do). */
	if (s->ch != NULL && s->server_tls_after_ch == 0 &&
	    !s->not_tls[DIR_S2C] && srv_closed_first)
		return OC_SERVER_CLOSE;
	if (s->not_tls[DIR_S2C] || s->not_tls[DIR_C2S])
		return OC_INCOMPLETE;
	if (s->ch != NULL && (s->close_how[DIR_C2S] != 0 || fatal_alert(ca)))
		return OC_CLIENT_ABORT;
	return OC_INCOMPLETE;
}

void
verdict_judge(const struct conn *f, struct verdict *v)
{
	const struct session	*s = &f->sess;

	v->floor = floor_version;
	v->client_max = s->ch != NULL ? tls_client_max_version(s->ch) : 0;
	v->negotiated = s->sh != NULL ? tls_server_version(s->sh) : 0;
	if (!verdict_tls_path(f)) {
		v->outcome = verdict_outcome_plain(f);
		v->reason = v->outcome == OC_INCOMPLETE ? RS_UNKNOWN :
		    RS_PLAINTEXT;
	} else
		verdict_judge_tls(s, v);
	/* A password on the wire outranks anything TLS did later. */
	if (s->cleartext != CT_NONE)
		v->reason = RS_CLEARTEXT_CREDENTIALS;
}

static void
verdict_judge_tls(const struct session *s, struct verdict *v)
{
	v->outcome = verdict_outcome_tls(s);
	if (v->client_max != 0) {
		if (v->client_max < floor_version)
			v->reason = v->outcome == OC_REFUSED ||
			    v->outcome == OC_SERVER_CLOSE ?
			    RS_LEGACY_REFUSED : RS_LEGACY_CLIENT;
		else if (v->negotiated != 0 && v->negotiated < floor_version)
			v->reason = RS_LEGACY_NEGOTIATED;
		else
			v->reason = RS_OK;
	} else if (v->negotiated != 0)
		v->reason = v->negotiated < floor_version ?
		    RS_LEGACY_NEGOTIATED : RS_OK;
	else
		v->reason = RS_UNKNOWN;
}

/*
 * What the admin hears of a judged session.  An exception (config) for a
 * client that cannot be fixed yet turns its alert into a notice while it
 * lives; once expired the session alerts again as exception_expired.
 * Exceptions are dated against the session's capture time, so old
 * captures are judged as they were then.
 */
void
verdict_policy(const struct conn *f, struct verdict *v)
{
	static const int severity[RS_MAX] = {
		[RS_CLEARTEXT_CREDENTIALS] = LOG_ERR,
		[RS_LEGACY_REFUSED] = LOG_ERR,
		[RS_EXCEPTION_EXPIRED] = LOG_WARNING,
		[RS_LEGACY_CLIENT] = LOG_WARNING,
		[RS_LEGACY_NEGOTIATED] = LOG_WARNING,
		[RS_PLAINTEXT] = LOG_NOTICE,
		[RS_UNKNOWN] = LOG_INFO,
		[RS_OK] = LOG_INFO,
	};
	const struct config_exception	*e = NULL;
	time_t				 t = (time_t)(f->first_ts / 1000000u);

	v->base_reason = v->reason;
	v->exception = NULL;
	v->exception_live = false;
	/* An exception is for a client stuck on legacy TLS; a password
	 * sent in the clear is not what it excuses. */
	if (vcfg != NULL && vcfg->nexceptions > 0 && v->reason != RS_OK &&
	    v->reason != RS_UNKNOWN && v->reason != RS_CLEARTEXT_CREDENTIALS) {
		if ((e = config_exception_match(vcfg, f->family, f->cli,
		    f->srv, f->proto, t)) != NULL)
			v->exception_live = true;
		else
			e = config_exception_match_any(vcfg, f->family, f->cli,
			    f->srv, f->proto);
	}
	if (e != NULL) {
		v->exception = e;
		if (exc_uses != NULL && (size_t)(e - vcfg->exceptions) < exc_n)
			exc_uses[e - vcfg->exceptions]++;
		if (!v->exception_live)
			v->reason = RS_EXCEPTION_EXPIRED;
	}
	v->severity = severity[v->reason];
	v->alert = v->reason != RS_OK && v->reason != RS_UNKNOWN;
	if (v->exception_live) {
		STAT_INC(SESS_EXCEPTION);
		v->alert = false;
		v->severity = LOG_NOTICE;
	}
}

/* --- de-duplication -------------------------------------------------------- */

/*
 * The first session of a (client, server, protocol, reason, version) alerts
 * at once; repeats within alerts.dedup_window are only counted, and when
 * the window closes one alert_summary carries the count (if any).  Windows
 * open in time order, so a FIFO is also the order they close in.  At most
 * VERDICT_DEDUP_MAX keys are held: beyond that the oldest window closes
 * early (its summary still written).
 */
struct dedup {
	struct dedup		*hnext;		/* hash chain */
	struct dedup		*fnext;		/* FIFO by window start */
	struct alert_summary	 s;
};

static struct dedup	*dd_buckets[VERDICT_DEDUP_BUCKETS];
static struct dedup	*dd_head, *dd_tail;
static size_t		 dd_n;

static uint32_t
dd_hash(const struct alert_summary *k)
{
	uint32_t	h = 2166136261u;	/* FNV-1a: keys are our own */
	size_t		i;

	for (i = 0; i < 16; i++)
		h = (h ^ k->cli[i]) * 16777619u;
	for (i = 0; i < 16; i++)
		h = (h ^ k->srv[i]) * 16777619u;
	h = (h ^ k->proto) * 16777619u;
	h = (h ^ (uint32_t)k->reason) * 16777619u;
	h = (h ^ k->version) * 16777619u;
	return h % VERDICT_DEDUP_BUCKETS;
}

static bool
dd_same(const struct alert_summary *a, const struct alert_summary *b)
{
	return a->family == b->family && a->proto == b->proto &&
	    a->reason == b->reason && a->version == b->version &&
	    memcmp(a->cli, b->cli, 16) == 0 && memcmp(a->srv, b->srv, 16) == 0;
}

/* Close the oldest window: its summary (if it held anything back). */
static void
dd_close_head(void)
{
	struct dedup	*d = dd_head, **pp;

	dd_head = d->fnext;
	if (dd_head == NULL)
		dd_tail = NULL;
	for (pp = &dd_buckets[dd_hash(&d->s)]; *pp != d; pp = &(*pp)->hnext)
		;
	*pp = d->hnext;
	dd_n--;
	if (d->s.count > 0) {
		STAT_INC(OUT_SUMMARIES);
		output_summary(&d->s);
	}
	free(d);
}

/* Windows that have run out by now. */
void
verdict_tick(uint64_t now)
{
	while (dd_head != NULL && dd_head->s.window_end <= now)
		dd_close_head();
}

/* End of the run: every open window closes. */
void
verdict_flush(void)
{
	while (dd_head != NULL)
		dd_close_head();
}

/* Is this alert a repeat within its window?  Counts it if so. */
static bool
verdict_repeat(const struct conn *f, const struct verdict *v)
{
	struct alert_summary	 k;
	struct dedup		*d;
	uint64_t		 now = f->last_ts;
	uint32_t		 h;

	if (vcfg == NULL || vcfg->dedup_window == 0)
		return false;
	verdict_tick(now);
	memset(&k, 0, sizeof(k));
	k.family = f->family;
	k.proto = f->proto;
	memcpy(k.cli, f->cli, 16);
	memcpy(k.srv, f->srv, 16);
	k.reason = v->reason;
	k.version = v->negotiated != 0 ? v->negotiated : v->client_max;
	h = dd_hash(&k);
	for (d = dd_buckets[h]; d != NULL; d = d->hnext)
		if (dd_same(&d->s, &k)) {
			if (d->s.count++ == 0)
				d->s.first_ts = f->first_ts;
			d->s.last_ts = f->first_ts;
			d->s.srv_port = f->srv_port;
			return true;
		}
	if (dd_n >= VERDICT_DEDUP_MAX)
		dd_close_head();
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return false;		/* no memory: alert rather than lose it */
	d->s = k;
	d->s.srv_port = f->srv_port;
	d->s.severity = v->severity;
	d->s.window_start = now;
	d->s.window_end = now + (uint64_t)vcfg->dedup_window * 1000000u;
	d->hnext = dd_buckets[h];
	dd_buckets[h] = d;
	if (dd_tail != NULL)
		dd_tail->fnext = d;
	else
		dd_head = d;
	dd_tail = d;
	dd_n++;
	return false;
}

/*
 * The flow is over.  A connection that never carried a payload byte (a
 * port scan, a SYN flood, a handshake and nothing else) is not a mail
 * session: counted, no event.
 */
void
verdict_finish(struct conn *f)
{
	struct verdict	v;

	if (f->bytes[DIR_C2S] == 0 && f->bytes[DIR_S2C] == 0) {
		STAT_INC(SESS_NO_PAYLOAD);
		return;
	}
	/* nDPI looked and it was not mail: no session of ours. */
	if (f->proto == PROTO_NONE)
		return;
	/* --all-tls: a flow on no mail port is a session of ours only if
	 * it carried TLS (plain HTTP, SSH... are not). */
	if (f->proto == PROTO_TLS && !f->sess.tls_record[DIR_C2S] &&
	    !f->sess.tls_record[DIR_S2C] && f->sess.ch == NULL &&
	    f->sess.sh == NULL) {
		STAT_INC(SESS_NOT_TLS);
		return;
	}
	output_lock();		/* floor, exceptions, windows, outputs */
	verdict_judge(f, &v);
	verdict_policy(f, &v);
	v.repeat = false;
	if (v.alert && verdict_repeat(f, &v)) {
		v.alert = false;
		v.repeat = true;
		STAT_INC(OUT_ALERTS_DEDUP);
	}
	STAT_INC(SESSIONS);
	stats[reason_stat[v.reason]]++;
	stats[outcome_stat[v.outcome]]++;
	output_session(f, &v);
	output_unlock();
}

void
verdict_free(struct session *s)
{
	budget_free(s->ch, sizeof(*s->ch));
	budget_free(s->sh, sizeof(*s->sh));
	budget_free(s->info, sizeof(*s->info));
	budget_free(s->cert, sizeof(*s->cert));
	s->cert = NULL;
	s->ch = NULL;
	s->sh = NULL;
	s->info = NULL;
}

/*
 * The mechanism a client sent credentials in before TLS, as the protocol
 * writes it; NULL if none.
 */
