/*
 * pop3.c -- POP3 (RFC 1939), CAPA and STLS (RFC 2449, RFC 2595 4), SASL
 * AUTH (RFC 5034).
 *
 * Replies carry no tags, so the client's commands wait in a queue and each
 * status line (+OK / -ERR) answers the oldest.  A +OK to CAPA, RETR, TOP,
 * and to LIST or UIDL without an argument, opens a multi-line body that
 * ends with a line holding a single ".".
 *
 *   greeting --> AUTHORIZATION --(STLS, +OK)--> TLS
 *                     |      \--(STLS, -ERR)--> still AUTHORIZATION
 *                     \--(PASS / APOP / AUTH, +OK)--> TRANSACTION:
 *                                     plaintext for good (no STLS there)
 *
 * During an AUTH exchange the client's lines are SASL data and the server's
 * "+ " lines are challenges; the final status line ends it.
 *
 * Credentials on these lines are in the clear (mail_facts.cred): PASS
 * (after USER), APOP, and AUTH PLAIN / LOGIN.
 *
 * Pure: one line in, an event and its facts out (mailproto.h); mail.c
 * acts on them.
 */
#include <string.h>

#include "mailproto.h"

enum pop3_cmd {
	P3_GREETING,
	P3_OTHER,
	P3_MULTI,	/* multi-line body after +OK */
	P3_CAPA,	/* multi-line, and it lists capabilities */
	P3_STLS,
	P3_LOGIN,	/* +OK means authenticated: PASS, APOP */
	P3_AUTH,	/* SASL exchange, +OK means authenticated */
};

static enum mail_ev pop3_client(struct pop3_state *, const uint8_t *,
		    size_t, struct mail_facts *);
static enum mail_ev pop3_server(struct pop3_state *, const uint8_t *,
		    size_t, struct mail_facts *);

void
pop3_init(struct pop3_state *ps, bool midstream)
{
	/* From the SYN on, the first status line is the greeting. */
	if (!midstream)
		mail_cmdq_push(&ps->q, P3_GREETING);
}

enum mail_ev
pop3_line(struct pop3_state *ps, enum dir dir, const uint8_t *l, size_t n,
    struct mail_facts *mf)
{
	memset(mf, 0, sizeof(*mf));
	if (dir == DIR_C2S)
		return pop3_client(ps, l, n, mf);
	return pop3_server(ps, l, n, mf);
}

/* After a gap: "+OK", "-ERR", "+ " from the server, a command word. */
bool
pop3_whole(enum dir dir, const uint8_t *l, size_t n)
{
	if (dir == DIR_C2S)
		return mail_cmd_at(l, n, 0);
	return (n >= 3 && memcmp(l, "+OK", 3) == 0) ||
	    (n >= 4 && memcmp(l, "-ERR", 4) == 0) ||
	    (n >= 2 && memcmp(l, "+ ", 2) == 0);
}

static enum mail_ev
pop3_client(struct pop3_state *ps, const uint8_t *l, size_t n,
    struct mail_facts *mf)
{
	const uint8_t	*cmd, *arg, *ir;
	size_t		 cl, al, il, off;
	uint8_t		 type = P3_OTHER;

	if (ps->sasl) {			/* a SASL response, not a command */
		mail_sasl_line(&ps->sa, l, n, mf);
		return MAIL_EV_NONE;
	}
	off = mail_token(l, n, 0, &cmd, &cl);
	off = mail_token(l, n, off, &arg, &al);
	if (cl == 0)
		return MAIL_EV_NONE;
	if (mail_tok_is(cmd, cl, "STLS"))
		type = P3_STLS;
	else if (mail_tok_is(cmd, cl, "CAPA"))
		type = P3_CAPA;
	else if (mail_tok_is(cmd, cl, "RETR") || mail_tok_is(cmd, cl, "TOP"))
		type = P3_MULTI;
	else if ((mail_tok_is(cmd, cl, "LIST") ||
	    mail_tok_is(cmd, cl, "UIDL")) && al == 0)
		type = P3_MULTI;
	else if (mail_tok_is(cmd, cl, "PASS")) {
		type = P3_LOGIN;
		mf->cred = CT_USER_PASS;
	} else if (mail_tok_is(cmd, cl, "APOP")) {
		type = P3_LOGIN;
		mf->cred = CT_APOP;
		mf->user.p = arg;
		mf->user.n = al;
	} else if (mail_tok_is(cmd, cl, "USER")) {
		mf->user.p = arg;
		mf->user.n = al;
	} else if (mail_tok_is(cmd, cl, "AUTH")) {
		/* Without a mechanism AUTH lists them (multi-line). */
		type = al == 0 ? P3_MULTI : P3_AUTH;
		if (al > 0) {
			mail_token(l, n, off, &ir, &il);
			mail_sasl_start(&ps->sa, arg, al, ir, il, mf);
		}
	}
	mf->line = true;
	if (!mail_cmdq_push(&ps->q, type)) {
		mf->queue_full = true;
		return MAIL_EV_NONE;
	}
	if (type == P3_AUTH)
		ps->sasl = true;
	return type == P3_STLS ? MAIL_EV_STARTTLS_SENT : MAIL_EV_NONE;
}

static enum mail_ev
pop3_server(struct pop3_state *ps, const uint8_t *l, size_t n,
    struct mail_facts *mf)
{
	bool	ok;
	int	cmd;

	if (ps->multiline) {
		if (n == 1 && l[0] == '.') {
			ps->multiline = ps->capa = false;
			return MAIL_EV_NONE;
		}
		if (ps->capa && mail_has_word(l, n, "STLS"))
			mf->starttls_offered = true;
		if (ps->capa && n > 5 && mail_tok_is(l, 4, "SASL") &&
		    l[4] == ' ') {	/* "SASL PLAIN LOGIN", RFC 2449 6.9 */
			mf->mechs.p = l + 5;
			mf->mechs.n = n - 5;
			mf->mechs_form = MAIL_MECHS_LIST;
		}
		return MAIL_EV_NONE;
	}
	if (n >= 3 && (l[0] == '+') && (l[1] == 'O' || l[1] == 'o') &&
	    (l[2] == 'K' || l[2] == 'k'))
		ok = true;
	else if (n >= 4 && l[0] == '-' && mail_tok_is(l + 1, 3, "ERR"))
		ok = false;
	else			/* "+ " challenge, or not POP3 at all */
		return MAIL_EV_NONE;
	mf->line = true;
	switch ((cmd = mail_cmdq_pop(&ps->q))) {
	case P3_STLS:
		return ok ? MAIL_EV_STARTTLS_ACCEPTED :
		    MAIL_EV_STARTTLS_REFUSED;
	case P3_CAPA:
	case P3_MULTI:
		if (ok) {
			ps->multiline = true;
			ps->capa = cmd == P3_CAPA;
		}
		break;
	case P3_AUTH:
		ps->sasl = false;
		/* FALLTHROUGH */
	case P3_LOGIN:
		if (ok)
			return MAIL_EV_PLAINTEXT_FINAL;
		break;
	default:		/* greeting, others, or unsolicited */
		break;
	}
	return MAIL_EV_NONE;
}
