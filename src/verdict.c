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
 *   reason      = legacy_refused    client_max < floor, and the server
 *                                   refused it (alert or hang-up)
 *               | legacy_client     client_max < floor
 *               | legacy_negotiated negotiated < floor <= client_max, or
 *                                   client_max unknown (hello lost)
 *               | plaintext         the session never started TLS
 *               | unknown           no hello on either side
 *               | ok
 */
#include "flow.h"
#include "config.h"
#include "output.h"
#include "stats.h"
#include "tls.h"
#include "verdict.h"

static uint16_t	floor_version = TLS_V_1_2;

static const char *const outcome_names[OC_MAX] = {
	[OC_ESTABLISHED] = "established",
	[OC_REFUSED] = "refused",
	[OC_SERVER_CLOSE] = "server_close",
	[OC_CLIENT_ABORT] = "client_abort",
	[OC_GAP] = "gap",
	[OC_INCOMPLETE] = "incomplete",
	[OC_PLAINTEXT] = "plaintext",
	[OC_STARTTLS_REFUSED] = "starttls_refused",
};

static const char *const reason_names[RS_MAX] = {
	[RS_LEGACY_REFUSED] = "legacy_refused",
	[RS_LEGACY_CLIENT] = "legacy_client",
	[RS_LEGACY_NEGOTIATED] = "legacy_negotiated",
	[RS_PLAINTEXT] = "plaintext",
	[RS_UNKNOWN] = "unknown",
	[RS_OK] = "ok",
};

static const enum stat_id reason_stat[RS_MAX] = {
	[RS_LEGACY_REFUSED] = STAT_RS_LEGACY_REFUSED,
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
static enum outcome	verdict_outcome_plain(const struct flow *);

void
verdict_init(uint16_t floor)
{
	floor_version = floor;
}

uint16_t
verdict_floor(void)
{
	return floor_version;
}

const char *
verdict_outcome_name(enum outcome o)
{
	return o < OC_MAX ? outcome_names[o] : "?";
}

const char *
verdict_reason_name(enum reason r)
{
	return r < RS_MAX ? reason_names[r] : "?";
}

uint64_t
verdict_count(enum reason r)
{
	return r < RS_MAX ? stats[reason_stat[r]] : 0;
}

/* Did this session ever carry TLS (or was it meant to from the start)? */
static bool
verdict_tls_path(const struct flow *f)
{
	const struct session	*s = &f->sess;

	return (f->fflags & FLOW_F_IMPLICIT) || s->tls[DIR_C2S] ||
	    s->tls[DIR_S2C] || s->hello_gap[DIR_C2S] ||
	    s->hello_gap[DIR_S2C] || s->starttls == STARTTLS_ACCEPTED;
}

static enum outcome
verdict_outcome_plain(const struct flow *f)
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
verdict_judge(const struct flow *f, struct verdict *v)
{
	const struct session	*s = &f->sess;

	v->client_max = s->ch != NULL ? tls_client_max_version(s->ch) : 0;
	v->negotiated = s->sh != NULL ? tls_server_version(s->sh) : 0;
	if (!verdict_tls_path(f)) {
		v->outcome = verdict_outcome_plain(f);
		v->reason = v->outcome == OC_INCOMPLETE ? RS_UNKNOWN :
		    RS_PLAINTEXT;
		return;
	}
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
 * The flow is over.  A connection that never carried a payload byte (a
 * port scan, a SYN flood, a handshake and nothing else) is not a mail
 * session: counted, no event.
 */
void
verdict_finish(struct flow *f)
{
	struct verdict	v;

	if (f->bytes[DIR_C2S] == 0 && f->bytes[DIR_S2C] == 0) {
		STAT_INC(SESS_NO_PAYLOAD);
		return;
	}
	verdict_judge(f, &v);
	STAT_INC(SESSIONS);
	stats[reason_stat[v.reason]]++;
	stats[outcome_stat[v.outcome]]++;
	output_session(f, &v);
}

void
verdict_free(struct session *s)
{
	flow_mem_free(s->ch, sizeof(*s->ch));
	flow_mem_free(s->sh, sizeof(*s->sh));
	s->ch = NULL;
	s->sh = NULL;
}
