/*
 * smtp.c -- SMTP (RFC 5321) with STARTTLS (RFC 3207), pipelining
 * (RFC 2920), CHUNKING (RFC 3030) and AUTH (RFC 4954).
 *
 * Replies are matched to commands in order: the client's commands wait in
 * a queue, and each final reply line ("250 ok", as opposed to the
 * continuation "250-...") answers the oldest.  The first reply of a flow
 * seen from its SYN is the greeting.
 *
 *   greeting --(EHLO)--> ... --(STARTTLS, 220)--> TLS
 *                               \--(STARTTLS, 4xx/5xx)--> plaintext goes on
 *   DATA --(354)--> message content up to "." --> final reply
 *   BDAT n --> n bytes of content follow the command line at once
 *   AUTH --(334)--> SASL exchange: client lines are data until the final
 *                   reply
 *
 * Noted on the way: the client's EHLO/HELO name, the AUTH mechanisms its
 * EHLO reply lists, and an AUTH PLAIN / LOGIN password sent in the clear.
 *
 * Pure: one line in, an event and its facts out (mailproto.h); mail.c
 * acts on them.
 */
#include <string.h>

#include "mailproto.h"

enum smtp_cmd {
	SM_GREETING,
	SM_OTHER,
	SM_EHLO,	/* its reply lists extensions */
	SM_STARTTLS,
	SM_DATA,	/* 354 opens the content */
	SM_DATA_END,	/* content sent; the final reply answers it */
	SM_AUTH,
};

static enum mail_ev smtp_client(struct smtp_state *, const uint8_t *,
		    size_t, struct mail_facts *);
static enum mail_ev smtp_server(struct smtp_state *, const uint8_t *,
		    size_t, struct mail_facts *);
static bool	smtp_number(const uint8_t *, size_t, uint64_t *);

void
smtp_init(struct smtp_state *ss, bool midstream)
{
	if (!midstream)
		mail_cmdq_push(&ss->q, SM_GREETING);
}

enum mail_ev
smtp_line(struct smtp_state *ss, enum dir dir, const uint8_t *l, size_t n,
    struct mail_facts *mf)
{
	memset(mf, 0, sizeof(*mf));
	if (dir == DIR_C2S)
		return smtp_client(ss, l, n, mf);
	return smtp_server(ss, l, n, mf);
}

/* A decimal size (BDAT), at most 2^32 so it cannot swallow everything. */
static bool
smtp_number(const uint8_t *s, size_t n, uint64_t *v)
{
	size_t	i;

	if (n == 0 || n > 10)
		return false;
	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	return *v <= UINT32_MAX;
}

/* After a gap: three digits then SP, "-" or the end; a command word. */
bool
smtp_whole(enum dir dir, const uint8_t *l, size_t n)
{
	if (dir == DIR_C2S)
		return mail_cmd_at(l, n, 0);
	return n >= 3 && l[0] >= '2' && l[0] <= '5' && l[1] >= '0' &&
	    l[1] <= '9' && l[2] >= '0' && l[2] <= '9' && (n == 3 ||
	    l[3] == ' ' || l[3] == '-');
}

static enum mail_ev
smtp_client(struct smtp_state *ss, const uint8_t *l, size_t n,
    struct mail_facts *mf)
{
	const uint8_t	*cmd, *arg, *ir;
	size_t		 cl, al, il, off;
	uint64_t	 chunk;
	uint8_t		 type = SM_OTHER;

	if (ss->body) {		/* message content, "." ends it */
		if (n == 1 && l[0] == '.')
			ss->body = false;
		return MAIL_EV_NONE;
	}
	if (ss->sasl) {		/* a SASL response, not a command */
		mail_sasl_line(&ss->sa, l, n, mf);
		return MAIL_EV_NONE;
	}
	off = mail_token(l, n, 0, &cmd, &cl);
	off = mail_token(l, n, off, &arg, &al);
	if (cl == 0)
		return MAIL_EV_NONE;
	if (mail_tok_is(cmd, cl, "STARTTLS"))
		type = SM_STARTTLS;
	else if (mail_tok_is(cmd, cl, "EHLO") || mail_tok_is(cmd, cl, "HELO")) {
		type = SM_EHLO;
		if (al > 0) {	/* the name the client gives itself */
			mf->helo.p = arg;
			mf->helo.n = al;
		}
	}
	else if (mail_tok_is(cmd, cl, "DATA"))
		type = SM_DATA;
	else if (mail_tok_is(cmd, cl, "AUTH")) {
		type = SM_AUTH;
		mail_token(l, n, off, &ir, &il);
		mail_sasl_start(&ss->sa, arg, al, ir, il, mf);
	}
	else if (mail_tok_is(cmd, cl, "BDAT") &&
	    smtp_number(arg, al, &chunk)) {
		mf->skip_set[DIR_C2S] = true;
		mf->skip[DIR_C2S] = chunk;
	}
	mf->line = true;
	if (!mail_cmdq_push(&ss->q, type)) {
		mf->queue_full = true;
		return MAIL_EV_NONE;
	}
	return type == SM_STARTTLS ? MAIL_EV_STARTTLS_SENT : MAIL_EV_NONE;
}

static enum mail_ev
smtp_server(struct smtp_state *ss, const uint8_t *l, size_t n,
    struct mail_facts *mf)
{
	unsigned	code;
	int		cmd;

	/* Reply line: three digits, then "-" (more follow), " " or end. */
	if (n < 3 || l[0] < '2' || l[0] > '5' || l[1] < '0' || l[1] > '9' ||
	    l[2] < '0' || l[2] > '9' || (n > 3 && l[3] != ' ' && l[3] != '-'))
		return MAIL_EV_NONE;
	code = (unsigned)(l[0] - '0') * 100 + (unsigned)(l[1] - '0') * 10 +
	    (unsigned)(l[2] - '0');
	cmd = mail_cmdq_peek(&ss->q);
	if (cmd == SM_EHLO && n > 4 && mail_has_word(l + 4, n - 4, "STARTTLS"))
		mf->starttls_offered = true;
	/* "250-AUTH PLAIN LOGIN", or the pre-RFC "250-AUTH=PLAIN LOGIN" */
	if (cmd == SM_EHLO && n > 9 && mail_tok_is(l + 4, 4, "AUTH") &&
	    (l[8] == ' ' || l[8] == '=')) {
		mf->mechs.p = l + 9;
		mf->mechs.n = n - 9;
		mf->mechs_form = MAIL_MECHS_LIST;
	}
	if (n > 3 && l[3] == '-')
		return MAIL_EV_NONE;
	mf->line = true;
	/* A first reply that cannot be a greeting (a 250 to EHLO, say): the
	 * capture missed the greeting, so the reply answers the command. */
	if (cmd == SM_GREETING && code != 220 && code != 421 && code != 554) {
		mail_cmdq_pop(&ss->q);
		cmd = mail_cmdq_peek(&ss->q);
	}
	switch (cmd) {
	case SM_STARTTLS:
		mail_cmdq_pop(&ss->q);
		return code == 220 ? MAIL_EV_STARTTLS_ACCEPTED :
		    MAIL_EV_STARTTLS_REFUSED;
	case SM_DATA:
		if (code == 354) {
			/* Keep the entry: the content's reply answers it. */
			ss->q.v[ss->q.head] = SM_DATA_END;
			ss->body = true;
		} else
			mail_cmdq_pop(&ss->q);
		break;
	case SM_AUTH:
		if (code == 334) {
			ss->sasl = true;
			break;
		}
		ss->sasl = false;
		mail_cmdq_pop(&ss->q);
		break;
	default:
		mail_cmdq_pop(&ss->q);
		break;
	}
	return MAIL_EV_NONE;
}
