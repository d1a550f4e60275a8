/*
 * imap.c -- IMAP4 (RFC 3501, RFC 9051): STARTTLS and the end of the
 * not-authenticated state.
 *
 * Every command carries a tag and its completion echoes it ("a2 OK ..."),
 * so only two tags are remembered: STARTTLS's, and the last LOGIN's or
 * AUTHENTICATE's.  Untagged "* " lines and "+ " continuations never
 * complete a command.
 *
 *   greeting --(tag STARTTLS, tag OK)--> TLS
 *     |   \---(tag STARTTLS, tag NO / BAD)--> stays plaintext
 *     \--(tag LOGIN / AUTHENTICATE, tag OK), or "* PREAUTH" greeting
 *            --> authenticated: STARTTLS no longer allowed, plaintext
 *
 * Literals (RFC 3501 4.3, RFC 7888): a line ending in {N} or {N+} is
 * followed by N bytes of anything, then the same line goes on.  Those bytes
 * are skipped and the line after them is a continuation, never a new
 * command or completion -- a FETCH body saying "a2 OK" completes nothing.
 * A client's synchronizing literal {N} is sent only after the server's
 * "+" continuation; a tagged NO or BAD instead cancels it, and the
 * client's next line is a new command (RFC 3501 7.5).  Its bytes are
 * skipped only once the "+" was seen.
 */
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "mail.h"

static bool	imap_literal(const uint8_t *, size_t, uint64_t *, bool *);
static void	imap_client(struct flow *, struct mail_state *,
		    struct imap_state *, const uint8_t *, size_t);
static void	imap_server(struct flow *, struct mail_state *,
		    struct imap_state *, const uint8_t *, size_t);
static void	imap_set_tag(char *, uint8_t *, const uint8_t *, size_t);
static bool	imap_tag_is(const char *, uint8_t, const uint8_t *, size_t);

/*
 * Whether the line ends with a literal announcement "{N}", "{N+}" (or
 * "~{N}" for a binary literal, RFC 3516); *n is its size, *sync whether
 * it is the synchronizing form.  Sizes beyond 2^32 are not believed: they
 * would swallow the rest of the stream.
 */
static bool
imap_literal(const uint8_t *l, size_t n, uint64_t *len, bool *sync)
{
	size_t		i;
	uint64_t	v = 0, mul = 1;

	if (n < 3 || l[n - 1] != '}')
		return false;
	i = n - 2;
	*sync = true;
	if (l[i] == '+' || l[i] == '-') {	/* LITERAL+ / LITERAL- */
		*sync = false;
		i--;
	}
	if (l[i] < '0' || l[i] > '9')
		return false;
	for (; i > 0 && l[i] >= '0' && l[i] <= '9'; i--) {
		if (mul > 1000000000ULL)
			return false;
		v += (uint64_t)(l[i] - '0') * mul;
		mul *= 10;
	}
	if (l[i] != '{' || v > UINT32_MAX)
		return false;
	*len = v;
	return true;
}

static void
imap_set_tag(char *dst, uint8_t *dlen, const uint8_t *tag, size_t n)
{
	if (n > IMAP_MAX_TAG)
		n = IMAP_MAX_TAG;
	memcpy(dst, tag, n);
	*dlen = (uint8_t)n;
}

static bool
imap_tag_is(const char *t, uint8_t tl, const uint8_t *tag, size_t n)
{
	return tl > 0 && n == tl && memcmp(t, tag, n) == 0;
}

void
imap_line(struct flow *f, struct mail_state *ms, int dir, const uint8_t *l,
    size_t n)
{
	struct imap_state *is = &ms->u.imap;
	uint64_t	 lit;
	bool		 cont = ms->cont[dir], sync;

	ms->cont[dir] = false;
	/* More client bytes before the server's "+": this client did not
	 * wait, its literal came inline (and was read as this line). */
	if (dir == DIR_C2S)
		is->lit_wait = false;
	if (!cont) {
		if (dir == DIR_C2S)
			imap_client(f, ms, is, l, n);
		else
			imap_server(f, ms, is, l, n);
	}
	if (imap_literal(l, n, &lit, &sync)) {
		ms->cont[dir] = true;
		if (dir == DIR_C2S && sync) {
			is->lit_wait = true;	/* until the server's "+" */
			is->lit_len = (uint32_t)lit;
		} else
			ms->skip[dir] = lit;
	}
}

static void
imap_client(struct flow *f, struct mail_state *ms, struct imap_state *is,
    const uint8_t *l, size_t n)
{
	const uint8_t	*tag, *cmd;
	size_t		 tl, cl, off;

	if (is->sasl)		/* AUTHENTICATE response line */
		return;
	off = mail_token(l, n, 0, &tag, &tl);
	mail_token(l, n, off, &cmd, &cl);
	if (tl == 0 || cl == 0)
		return;
	imap_set_tag(is->cmd_tag, &is->cmd_len, tag, tl);
	mail_line_seen(f);
	if (mail_tok_is(cmd, cl, "STARTTLS")) {
		imap_set_tag(is->stls_tag, &is->stls_len, tag, tl);
		mail_starttls_sent(f, ms);
	} else if (mail_tok_is(cmd, cl, "LOGIN")) {
		imap_set_tag(is->auth_tag, &is->auth_len, tag, tl);
	} else if (mail_tok_is(cmd, cl, "AUTHENTICATE")) {
		imap_set_tag(is->auth_tag, &is->auth_len, tag, tl);
		is->sasl = true;
	}
}

static void
imap_server(struct flow *f, struct mail_state *ms, struct imap_state *is,
    const uint8_t *l, size_t n)
{
	const uint8_t	*tag, *st;
	size_t		 tl, sl, off;
	bool		 ok;

	off = mail_token(l, n, 0, &tag, &tl);
	if (tl == 0)
		return;
	if (tl == 1 && tag[0] == '+') {	/* continuation request */
		if (is->lit_wait) {	/* go ahead: the literal follows */
			is->lit_wait = false;
			ms->skip[DIR_C2S] = is->lit_len;
		}
		return;
	}
	off = mail_token(l, n, off, &st, &sl);
	if (tl == 1 && tag[0] == '*') {
		mail_line_seen(f);
		if (mail_has_word(l, n, "STARTTLS"))
			mail_starttls_offered(f);
		/* Already authenticated by other means: no STARTTLS. */
		if (mail_tok_is(st, sl, "PREAUTH"))
			mail_plaintext_final(f);
		return;
	}
	if (mail_tok_is(st, sl, "OK"))
		ok = true;
	else if (mail_tok_is(st, sl, "NO") || mail_tok_is(st, sl, "BAD"))
		ok = false;
	else
		return;
	mail_line_seen(f);
	/* The command ended before its literal was asked for: the client
	 * sends no literal, its next line is a new command. */
	if (is->lit_wait && imap_tag_is(is->cmd_tag, is->cmd_len, tag, tl)) {
		is->lit_wait = false;
		ms->cont[DIR_C2S] = false;
	}
	if (imap_tag_is(is->stls_tag, is->stls_len, tag, tl)) {
		is->stls_len = 0;
		mail_starttls_reply(f, ms, ok);
	} else if (imap_tag_is(is->auth_tag, is->auth_len, tag, tl)) {
		is->auth_len = 0;
		is->sasl = false;
		if (ok)
			mail_plaintext_final(f);
	}
}
