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
 * Credentials on these lines are in the clear (mail_cred): PASS (after
 * USER), APOP, and AUTH PLAIN / LOGIN.
 */
#include "session.h"
#include "mail.h"
#include "stats.h"

enum pop3_cmd {
	P3_GREETING,
	P3_OTHER,
	P3_MULTI,	/* multi-line body after +OK */
	P3_CAPA,	/* multi-line, and it lists capabilities */
	P3_STLS,
	P3_LOGIN,	/* +OK means authenticated: PASS, APOP */
	P3_AUTH,	/* SASL exchange, +OK means authenticated */
};

static void	pop3_client(struct conn *, struct mail_state *,
		    struct pop3_state *, const uint8_t *, size_t);
static void	pop3_server(struct conn *, struct mail_state *,
		    struct pop3_state *, const uint8_t *, size_t);

void
pop3_init(struct conn *f, struct pop3_state *ps)
{
	/* From the SYN on, the first status line is the greeting. */
	if (!(f->fflags & FLOW_F_MIDSTREAM))
		mail_cmdq_push(&ps->q, P3_GREETING);
}

void
pop3_line(struct conn *f, struct mail_state *ms, int dir, const uint8_t *l,
    size_t n)
{
	if (dir == DIR_C2S)
		pop3_client(f, ms, &ms->u.pop3, l, n);
	else
		pop3_server(f, ms, &ms->u.pop3, l, n);
}

static void
pop3_client(struct conn *f, struct mail_state *ms, struct pop3_state *ps,
    const uint8_t *l, size_t n)
{
	const uint8_t	*cmd, *arg, *ir;
	size_t		 cl, al, il, off;
	uint8_t		 type = P3_OTHER;

	if (ps->sasl) {			/* a SASL response, not a command */
		mail_sasl_line(f, ms, l, n);
		return;
	}
	off = mail_token(l, n, 0, &cmd, &cl);
	off = mail_token(l, n, off, &arg, &al);
	if (cl == 0)
		return;
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
		mail_cred(f, CT_USER_PASS);
	} else if (mail_tok_is(cmd, cl, "APOP")) {
		type = P3_LOGIN;
		mail_cred(f, CT_APOP);
		mail_user(f, arg, al);
	} else if (mail_tok_is(cmd, cl, "USER"))
		mail_user(f, arg, al);
	else if (mail_tok_is(cmd, cl, "AUTH")) {
		/* Without a mechanism AUTH lists them (multi-line). */
		type = al == 0 ? P3_MULTI : P3_AUTH;
		if (al > 0) {
			mail_token(l, n, off, &ir, &il);
			mail_sasl_start(f, ms, arg, al, ir, il);
		}
	}
	mail_line_seen(f);
	if (!mail_cmdq_push(&ps->q, type)) {
		STAT_INC(MAIL_QUEUE_FULL);
		return;
	}
	if (type == P3_AUTH)
		ps->sasl = true;
	if (type == P3_STLS)
		mail_starttls_sent(f, ms);
}

static void
pop3_server(struct conn *f, struct mail_state *ms, struct pop3_state *ps,
    const uint8_t *l, size_t n)
{
	bool	ok;
	int	cmd;

	if (ps->multiline) {
		if (n == 1 && l[0] == '.') {
			ps->multiline = ps->capa = false;
			return;
		}
		if (ps->capa && mail_has_word(l, n, "STLS"))
			mail_starttls_offered(f);
		if (ps->capa && n > 5 && mail_tok_is(l, 4, "SASL") &&
		    l[4] == ' ')	/* "SASL PLAIN LOGIN" (RFC 2449 6.9) */
			mail_mechs(f, l, n, 5);
		return;
	}
	if (n >= 3 && (l[0] == '+') && (l[1] == 'O' || l[1] == 'o') &&
	    (l[2] == 'K' || l[2] == 'k'))
		ok = true;
	else if (n >= 4 && l[0] == '-' && mail_tok_is(l + 1, 3, "ERR"))
		ok = false;
	else
		return;		/* "+ " challenge, or not POP3 at all */
	mail_line_seen(f);
	switch ((cmd = mail_cmdq_pop(&ps->q))) {
	case P3_STLS:
		mail_starttls_reply(f, ms, ok);
		break;
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
			mail_plaintext_final(f);
		break;
	default:		/* greeting, others, or unsolicited */
		break;
	}
}
