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
 */
#include "session.h"
#include "mail.h"
#include "stats.h"

enum smtp_cmd {
	SM_GREETING,
	SM_OTHER,
	SM_EHLO,	/* its reply lists extensions */
	SM_STARTTLS,
	SM_DATA,	/* 354 opens the content */
	SM_DATA_END,	/* content sent; the final reply answers it */
	SM_AUTH,
};

static void	smtp_client(struct conn *, struct mail_state *,
		    struct smtp_state *, const uint8_t *, size_t);
static void	smtp_server(struct conn *, struct mail_state *,
		    struct smtp_state *, const uint8_t *, size_t);
static bool	smtp_number(const uint8_t *, size_t, uint64_t *);
static void	smtp_helo(struct conn *, const uint8_t *, size_t);

void
smtp_init(struct conn *f, struct smtp_state *ss)
{
	if (!(f->fflags & FLOW_F_MIDSTREAM))
		mail_cmdq_push(&ss->q, SM_GREETING);
}

void
smtp_line(struct conn *f, struct mail_state *ms, int dir, const uint8_t *l,
    size_t n)
{
	if (dir == DIR_C2S)
		smtp_client(f, ms, &ms->u.smtp, l, n);
	else
		smtp_server(f, ms, &ms->u.smtp, l, n);
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

/* The name the client gave in its first EHLO or HELO. */
static void
smtp_helo(struct conn *f, const uint8_t *name, size_t n)
{
	struct mail_info	*mi;

	if (n == 0 || (f->sess.info != NULL && f->sess.info->helo_seen) ||
	    (mi = mail_info(f)) == NULL)
		return;
	mi->helo_seen = true;
	mail_info_set(mi->helo, &mi->helo_len, sizeof(mi->helo), name, n);
}

static void
smtp_client(struct conn *f, struct mail_state *ms, struct smtp_state *ss,
    const uint8_t *l, size_t n)
{
	const uint8_t	*cmd, *arg, *ir;
	size_t		 cl, al, il, off;
	uint64_t	 chunk;
	uint8_t		 type = SM_OTHER;

	if (ss->body) {		/* message content, "." ends it */
		if (n == 1 && l[0] == '.')
			ss->body = false;
		return;
	}
	if (ss->sasl) {		/* a SASL response, not a command */
		mail_sasl_line(f, ms, l, n);
		return;
	}
	off = mail_token(l, n, 0, &cmd, &cl);
	off = mail_token(l, n, off, &arg, &al);
	if (cl == 0)
		return;
	if (mail_tok_is(cmd, cl, "STARTTLS"))
		type = SM_STARTTLS;
	else if (mail_tok_is(cmd, cl, "EHLO") || mail_tok_is(cmd, cl, "HELO")) {
		type = SM_EHLO;
		smtp_helo(f, arg, al);
	}
	else if (mail_tok_is(cmd, cl, "DATA"))
		type = SM_DATA;
	else if (mail_tok_is(cmd, cl, "AUTH")) {
		type = SM_AUTH;
		mail_token(l, n, off, &ir, &il);
		mail_sasl_start(f, ms, arg, al, ir, il);
	}
	else if (mail_tok_is(cmd, cl, "BDAT") && smtp_number(arg, al, &chunk))
		ms->skip[DIR_C2S] = chunk;
	mail_line_seen(f);
	if (!mail_cmdq_push(&ss->q, type)) {
		STAT_INC(MAIL_QUEUE_FULL);
		return;
	}
	if (type == SM_STARTTLS)
		mail_starttls_sent(f, ms);
}

static void
smtp_server(struct conn *f, struct mail_state *ms, struct smtp_state *ss,
    const uint8_t *l, size_t n)
{
	unsigned	code;
	int		cmd;

	/* Reply line: three digits, then "-" (more follow), " " or end. */
	if (n < 3 || l[0] < '2' || l[0] > '5' || l[1] < '0' || l[1] > '9' ||
	    l[2] < '0' || l[2] > '9' || (n > 3 && l[3] != ' ' && l[3] != '-'))
		return;
	code = (unsigned)(l[0] - '0') * 100 + (unsigned)(l[1] - '0') * 10 +
	    (unsigned)(l[2] - '0');
	cmd = mail_cmdq_peek(&ss->q);
	if (cmd == SM_EHLO && n > 4 && mail_has_word(l + 4, n - 4, "STARTTLS"))
		mail_starttls_offered(f);
	/* "250-AUTH PLAIN LOGIN", or the pre-RFC "250-AUTH=PLAIN LOGIN" */
	if (cmd == SM_EHLO && n > 9 && mail_tok_is(l + 4, 4, "AUTH") &&
	    (l[8] == ' ' || l[8] == '='))
		mail_mechs(f, l, n, 9);
	if (n > 3 && l[3] == '-')
		return;
	mail_line_seen(f);
	/* A first reply that cannot be a greeting (a 250 to EHLO, say): the
	 * capture missed the greeting, so the reply answers the command. */
	if (cmd == SM_GREETING && code != 220 && code != 421 && code != 554) {
		mail_cmdq_pop(&ss->q);
		cmd = mail_cmdq_peek(&ss->q);
	}
	switch (cmd) {
	case SM_STARTTLS:
		mail_cmdq_pop(&ss->q);
		mail_starttls_reply(f, ms, code == 220);
		break;
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
}
