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
 * Noted on the way: the client's ID (RFC 2971), the AUTH= capabilities,
 * and a LOGIN or AUTHENTICATE PLAIN / LOGIN sent in the clear.
 *
 * Literals (RFC 3501 4.3, RFC 7888): a line ending in {N} or {N+} is
 * followed by N bytes of anything, then the same line goes on.  Those bytes
 * are skipped and the line after them is a continuation, never a new
 * command or completion -- a FETCH body saying "a2 OK" completes nothing.
 * A client's synchronizing literal {N} is sent only after the server's
 * "+" continuation; a tagged NO or BAD instead cancels it, and the
 * client's next line is a new command (RFC 3501 7.5).  Its bytes are
 * skipped only once the "+" was seen.
 *
 * Pure: one line in, an event and its facts out (mailproto.h); mail.c
 * acts on them.
 */
#include <stdlib.h>
#include <string.h>

#include "mailproto.h"

static bool	imap_literal(const uint8_t *, size_t, uint64_t *, bool *);
static enum mail_ev imap_client(struct imap_state *, const uint8_t *,
		    size_t, struct mail_facts *);
static enum mail_ev imap_server(struct imap_state *, const uint8_t *,
		    size_t, struct mail_facts *);
static void	imap_set_tag(char *, uint8_t *, const uint8_t *, size_t);
static bool	imap_tag_is(const char *, uint8_t, const uint8_t *, size_t);
static size_t	imap_string(const uint8_t *, size_t, size_t,
		    const uint8_t **, size_t *, bool *);
static void	imap_login_user(const uint8_t *, size_t, size_t,
		    struct mail_facts *);
static void	imap_id(const uint8_t *, size_t, size_t,
		    struct mail_facts *);
static bool	imap_sync_announced(const uint8_t *, size_t);

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

/*
 * The string at or after off (RFC 3501 4.3, 4.5): a quoted string (its
 * backslash escapes left in: the value is only shown), an atom, or NIL
 * (*nil set).  A literal, or a quoted string without its end quote, is
 * not read: *len 0 and the end of the line returned.  Returns the offset
 * just past the string.
 */
static size_t
imap_string(const uint8_t *l, size_t n, size_t off, const uint8_t **s,
    size_t *len, bool *nil)
{
	size_t	b;

	*s = NULL;
	*len = 0;
	*nil = false;
	while (off < n && l[off] == ' ')
		off++;
	if (off >= n || l[off] == '{')
		return n;
	if (l[off] == '"') {
		for (b = ++off; off < n && l[off] != '"'; off++)
			if (l[off] == '\\' && off + 1 < n)
				off++;
		if (off >= n)
			return n;
		*s = l + b;
		*len = off - b;
		return off + 1;
	}
	for (b = off; off < n && l[off] != ' ' && l[off] != '(' &&
	    l[off] != ')'; off++)
		;
	*s = l + b;
	*len = off - b;
	*nil = mail_tok_is(*s, *len, "NIL");
	if (*nil)
		*len = 0;
	return off;
}

/*
 * Whether the line ends with "{digits}", a synchronizing literal of any
 * size (imap_literal() does not believe sizes past 2^32).
 */
static bool
imap_sync_announced(const uint8_t *l, size_t n)
{
	size_t	i;

	if (n < 3 || l[n - 1] != '}' || l[n - 2] < '0' || l[n - 2] > '9')
		return false;
	for (i = n - 2; i > 0 && l[i] >= '0' && l[i] <= '9'; i--)
		;
	return l[i] == '{';
}

/* LOGIN's first argument is the user name (privacy.log_user). */
static void
imap_login_user(const uint8_t *l, size_t n, size_t off,
    struct mail_facts *mf)
{
	const uint8_t	*u;
	size_t		 ul;
	bool		 nil;

	imap_string(l, n, off, &u, &ul, &nil);
	if (ul > 0) {
		mf->user.p = u;
		mf->user.n = ul;
	}
}

/*
 * The client's ID (RFC 2971): "(" field value ... ")" or NIL.  The name,
 * version, vendor and os values are noted (the first non-empty one of
 * each); at most 30 pairs are read, as the RFC allows.
 */
static void
imap_id(const uint8_t *l, size_t n, size_t off, struct mail_facts *mf)
{
	static const char *const keys[MI_ID_MAX] = {
		[MI_ID_NAME] = "name", [MI_ID_VERSION] = "version",
		[MI_ID_VENDOR] = "vendor", [MI_ID_OS] = "os",
	};
	const uint8_t		*k, *v;
	size_t			 kl, vl;
	bool			 nil;
	int			 pairs, i;

	while (off < n && l[off] == ' ')
		off++;
	if (off >= n || l[off] != '(')
		return;
	mf->id = true;
	off++;
	for (pairs = 0; pairs < 30 && off < n && l[off] != ')'; pairs++) {
		off = imap_string(l, n, off, &k, &kl, &nil);
		off = imap_string(l, n, off, &v, &vl, &nil);
		if (kl == 0)
			break;
		for (i = 0; i < MI_ID_MAX; i++)
			if (mail_tok_is(k, kl, keys[i]) &&
			    mf->id_val[i].n == 0) {
				mf->id_val[i].p = v;
				mf->id_val[i].n = vl;
			}
		while (off < n && l[off] == ' ')
			off++;
	}
}

enum mail_ev
imap_line(struct imap_state *is, enum dir dir, const uint8_t *l, size_t n,
    struct mail_facts *mf)
{
	enum mail_ev	 ev = MAIL_EV_NONE;
	uint64_t	 lit;
	bool		 cont = is->cont[dir], sync;

	memset(mf, 0, sizeof(*mf));
	is->cont[dir] = false;
	/* More client bytes before the server's "+": this client did not
	 * wait, its literal came inline (and was read as this line). */
	if (dir == DIR_C2S)
		is->lit_wait = false;
	if (!cont) {
		if (dir == DIR_C2S)
			ev = imap_client(is, l, n, mf);
		else
			ev = imap_server(is, l, n, mf);
	}
	if (imap_literal(l, n, &lit, &sync)) {
		is->cont[dir] = true;
		if (dir == DIR_C2S && sync) {
			is->lit_wait = true;	/* until the server's "+" */
			is->lit_len = (uint32_t)lit;
		} else {
			mf->skip_set[dir] = true;
			mf->skip[dir] = lit;
		}
	}
	return ev;
}

/*
 * After a gap: "* ", "+ " or TAG SP (OK|NO|BAD) from the server; TAG SP
 * a command word from the client.
 */
bool
imap_whole(enum dir dir, const uint8_t *l, size_t n)
{
	size_t	i = 0;

	if (dir == DIR_S2C && n >= 2 && (l[0] == '*' || l[0] == '+') &&
	    l[1] == ' ')
		return true;
	while (i < n && i < IMAP_MAX_TAG && l[i] > ' ' && l[i] < 0x7f)
		i++;
	if (i == 0 || i >= n || l[i] != ' ')
		return false;
	i++;
	if (dir == DIR_C2S)
		return mail_cmd_at(l, n, i);
	return (n - i >= 2 && memcmp(l + i, "OK", 2) == 0) ||
	    (n - i >= 2 && memcmp(l + i, "NO", 2) == 0) ||
	    (n - i >= 3 && memcmp(l + i, "BAD", 3) == 0);
}

/* A gap: the line after it continues no literal we know of. */
void
imap_gap(struct imap_state *is, enum dir dir)
{
	is->cont[dir] = false;
}

static enum mail_ev
imap_client(struct imap_state *is, const uint8_t *l, size_t n,
    struct mail_facts *mf)
{
	const uint8_t	*tag, *cmd, *mech, *ir;
	size_t		 tl, cl, ml, il, off;
	uint64_t	 lit;
	bool		 sync;

	if (is->sasl) {		/* AUTHENTICATE response line */
		mail_sasl_line(&is->sa, l, n, mf);
		return MAIL_EV_NONE;
	}
	off = mail_token(l, n, 0, &tag, &tl);
	off = mail_token(l, n, off, &cmd, &cl);
	if (tl == 0 || cl == 0)
		return MAIL_EV_NONE;
	imap_set_tag(is->cmd_tag, &is->cmd_len, tag, tl);
	mf->line = true;
	if (mail_tok_is(cmd, cl, "STARTTLS")) {
		imap_set_tag(is->stls_tag, &is->stls_len, tag, tl);
		return MAIL_EV_STARTTLS_SENT;
	} else if (mail_tok_is(cmd, cl, "LOGIN")) {
		imap_set_tag(is->auth_tag, &is->auth_len, tag, tl);
		/* With a synchronizing literal the rest (the password) comes
		 * only after the server's "+"; refused, it never comes.  One
		 * too large to believe is not sent either. */
		if (imap_literal(l, n, &lit, &sync) ? sync :
		    imap_sync_announced(l, n))
			is->login_lit = true;
		else
			mf->cred = CT_LOGIN;
		imap_login_user(l, n, off, mf);
	} else if (mail_tok_is(cmd, cl, "AUTHENTICATE")) {
		imap_set_tag(is->auth_tag, &is->auth_len, tag, tl);
		is->sasl = true;
		off = mail_token(l, n, off, &mech, &ml);
		mail_token(l, n, off, &ir, &il);
		mail_sasl_start(&is->sa, mech, ml, ir, il, mf);
	} else if (mail_tok_is(cmd, cl, "ID"))
		imap_id(l, n, off, mf);
	return MAIL_EV_NONE;
}

static enum mail_ev
imap_server(struct imap_state *is, const uint8_t *l, size_t n,
    struct mail_facts *mf)
{
	const uint8_t	*tag, *st;
	size_t		 tl, sl, off;
	bool		 ok;

	off = mail_token(l, n, 0, &tag, &tl);
	if (tl == 0)
		return MAIL_EV_NONE;
	if (tl == 1 && tag[0] == '+') {	/* continuation request */
		if (is->lit_wait) {	/* go ahead: the literal follows */
			is->lit_wait = false;
			mf->skip_set[DIR_C2S] = true;
			mf->skip[DIR_C2S] = is->lit_len;
			if (is->login_lit)
				mf->cred = CT_LOGIN;
			is->login_lit = false;
		}
		return MAIL_EV_NONE;
	}
	off = mail_token(l, n, off, &st, &sl);
	if (tl == 1 && tag[0] == '*') {
		mf->line = true;
		if (mail_has_word(l, n, "STARTTLS"))
			mf->starttls_offered = true;
		/* "AUTH=PLAIN" capabilities: the SASL mechanisms */
		mf->mechs.p = l;
		mf->mechs.n = n;
		mf->mechs_form = MAIL_MECHS_AUTH_EQ;
		/* Already authenticated by other means: no STARTTLS. */
		if (mail_tok_is(st, sl, "PREAUTH"))
			return MAIL_EV_PLAINTEXT_FINAL;
		return MAIL_EV_NONE;
	}
	if (mail_tok_is(st, sl, "OK"))
		ok = true;
	else if (mail_tok_is(st, sl, "NO") || mail_tok_is(st, sl, "BAD"))
		ok = false;
	else
		return MAIL_EV_NONE;
	mf->line = true;
	/* The command ended before its literal was asked for: the client
	 * sends no literal, its next line is a new command. */
	if (is->lit_wait && imap_tag_is(is->cmd_tag, is->cmd_len, tag, tl)) {
		is->lit_wait = false;
		is->login_lit = false;
		is->cont[DIR_C2S] = false;
	}
	if (imap_tag_is(is->stls_tag, is->stls_len, tag, tl)) {
		is->stls_len = 0;
		return ok ? MAIL_EV_STARTTLS_ACCEPTED :
		    MAIL_EV_STARTTLS_REFUSED;
	} else if (imap_tag_is(is->auth_tag, is->auth_len, tag, tl)) {
		is->auth_len = 0;
		is->sasl = false;
		if (ok)
			return MAIL_EV_PLAINTEXT_FINAL;
	}
	return MAIL_EV_NONE;
}
