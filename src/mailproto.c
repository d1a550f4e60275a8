/*
 * mailproto.c -- what pop3.c, imap.c and smtp.c share: tokens of a line,
 * the SASL exchange that may carry a password in the clear, and the two
 * readers mail.c uses on their facts (mechanism names, a SASL user name).
 *
 * Like the parsers it serves, it sees only the bytes it is given: no
 * flow, no session, no allocation.
 */
#include <string.h>
#include <strings.h>

#include "mailproto.h"

static int	b64_val(uint8_t);
static size_t	b64_decode(const uint8_t *, size_t, uint8_t *, size_t);

/*
 * The token (run of non-space bytes) at or after offset off.  Returns the
 * offset just past it; *tok and *toklen are empty at the end of the line.
 */
size_t
mail_token(const uint8_t *l, size_t n, size_t off, const uint8_t **tok,
    size_t *toklen)
{
	size_t	s;

	while (off < n && (l[off] == ' ' || l[off] == '\t'))
		off++;
	s = off;
	while (off < n && l[off] != ' ' && l[off] != '\t')
		off++;
	*tok = l + s;
	*toklen = off - s;
	return off;
}

/* Case-insensitive comparison of a token with a command name. */
bool
mail_tok_is(const uint8_t *tok, size_t n, const char *word)
{
	return strlen(word) == n &&
	    strncasecmp((const char *)tok, word, n) == 0;
}

/* Whether the line holds word as a whole token (capability lists). */
bool
mail_has_word(const uint8_t *l, size_t n, const char *word)
{
	const uint8_t	*tok;
	size_t		 off = 0, tl;

	while (off < n) {
		off = mail_token(l, n, off, &tok, &tl);
		while (tl > 0 && (tok[tl - 1] == ']' || tok[tl - 1] == ')'))
			tl--;
		while (tl > 0 && (tok[0] == '[' || tok[0] == '(')) {
			tok++;
			tl--;
		}
		if (mail_tok_is(tok, tl, word))
			return true;
	}
	return false;
}

/*
 * A client command word at offset i: three or more letters, then SP or
 * the end of the line (the shape *_whole() look for after a gap).
 */
bool
mail_cmd_at(const uint8_t *l, size_t n, size_t i)
{
	size_t	w;

	for (w = i; i < n && ((l[i] >= 'A' && l[i] <= 'Z') ||
	    (l[i] >= 'a' && l[i] <= 'z')); i++)
		;
	return i - w >= 3 && (i == n || l[i] == ' ');
}

/*
 * A client's AUTH / AUTHENTICATE with mechanism mech and maybe an initial
 * response (RFC 4954, RFC 5034, RFC 4959; "=" is an empty one).  PLAIN
 * and LOGIN carry the password in base64, readable by anyone: they are
 * followed (mail_sasl_line) until the password has gone by.
 */
void
mail_sasl_start(struct mail_sasl *sa, const uint8_t *mech, size_t ml,
    const uint8_t *ir, size_t irl, struct mail_facts *mf)
{
	sa->step = 0;
	if (mail_tok_is(mech, ml, "PLAIN"))
		sa->ct = CT_SASL_PLAIN;
	else if (mail_tok_is(mech, ml, "LOGIN"))
		sa->ct = CT_SASL_LOGIN;
	else {
		sa->ct = CT_NONE; /* CRAM-MD5, SCRAM...: no password */
		return;
	}
	if (irl == 1 && ir[0] == '=')
		sa->step = 1;		/* empty initial response */
	else if (irl > 0)
		mail_sasl_line(sa, ir, irl, mf);
}

/*
 * A client's SASL response line during an AUTH exchange.  PLAIN's one
 * response holds user and password; LOGIN's first is the user name, its
 * second the password.  The user name is left in base64 (mf->user with
 * mf->user_sasl): only mail.c knows whether it may be kept.
 */
void
mail_sasl_line(struct mail_sasl *sa, const uint8_t *l, size_t n,
    struct mail_facts *mf)
{
	if (sa->ct == CT_NONE)
		return;
	if (n == 1 && l[0] == '*') {	/* the client cancelled */
		sa->ct = CT_NONE;
		return;
	}
	if (sa->ct == CT_SASL_LOGIN && sa->step == 0) {
		mf->user.p = l;
		mf->user.n = n;
		mf->user_sasl = CT_SASL_LOGIN;
		sa->step = 1;
		return;
	}
	if (sa->ct == CT_SASL_PLAIN) {
		mf->user.p = l;
		mf->user.n = n;
		mf->user_sasl = CT_SASL_PLAIN;
	}
	mf->cred = sa->ct;
	sa->ct = CT_NONE;
}

/*
 * The next mechanism name in mf->mechs at or after off: *m and *ml, or an
 * empty *ml when there are no more.  Returns the offset to go on from.
 */
size_t
mail_mech_next(const struct mail_facts *mf, size_t off, const uint8_t **m,
    size_t *ml)
{
	const uint8_t	*l = mf->mechs.p, *tok;
	size_t		 n = mf->mechs.n, tl;

	*m = l;
	*ml = 0;
	while (off < n) {
		off = mail_token(l, n, off, &tok, &tl);
		if (mf->mechs_form == MAIL_MECHS_LIST && tl > 0) {
			*m = tok;
			*ml = tl;
			return off;
		}
		if (mf->mechs_form == MAIL_MECHS_AUTH_EQ && tl > 5 &&
		    mail_tok_is(tok, 5, "AUTH=")) {
			*m = tok + 5;
			*ml = tl - 5;
			return off;
		}
	}
	return n;
}

/* A base64 digit's value, or -1. */
static int
b64_val(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/*
 * Decode base64 (RFC 4648, padding optional) into out (cap bytes).
 * Returns the length, or (size_t)-1 when it is not base64 or too long.
 */
static size_t
b64_decode(const uint8_t *s, size_t n, uint8_t *out, size_t cap)
{
	uint32_t	acc = 0;
	size_t		i, o = 0, bits = 0;
	int		v;

	while (n > 0 && s[n - 1] == '=')
		n--;
	for (i = 0; i < n; i++) {
		if ((v = b64_val(s[i])) < 0)
			return (size_t)-1;
		acc = (acc << 6 | (uint32_t)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= cap)
				return (size_t)-1;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	return o;
}

/*
 * The user name in a SASL response l (base64) of mechanism ct: PLAIN's
 * authcid ([authzid] NUL authcid NUL password, RFC 4616), or LOGIN's
 * first response whole.  The response is decoded into buf (cap bytes),
 * *u and *ul point into it.  False when it is not base64, too long, or
 * not PLAIN's shape.  The caller wipes buf: PLAIN's holds the password.
 */
bool
mail_sasl_user(uint8_t ct, const uint8_t *l, size_t n, uint8_t *buf,
    size_t cap, const uint8_t **u, size_t *ul)
{
	const uint8_t	*a, *b;
	size_t		 len;

	if ((len = b64_decode(l, n, buf, cap)) == (size_t)-1)
		return false;
	if (ct == CT_SASL_LOGIN) {
		*u = buf;
		*ul = len;
		return true;
	}
	if (ct != CT_SASL_PLAIN ||
	    (a = memchr(buf, '\0', len)) == NULL ||
	    (b = memchr(a + 1, '\0', len - (size_t)(a + 1 - buf))) == NULL)
		return false;
	*u = a + 1;
	*ul = (size_t)(b - a - 1);
	return true;
}
