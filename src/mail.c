/*
 * mail.c -- pipeline stage 5: route a mail flow's bytes.
 *
 *   implicit TLS port ---------------------------------------> tls_input()
 *   STARTTLS port: lines -> pop3.c | imap.c | smtp.c
 *        client STARTTLS/STLS line  -> hold the client's next bytes
 *        server positive reply      -> both directions -> tls_input()
 *                                      (held bytes first)
 *        server negative reply      -> held bytes back to the line parser
 *
 * TLS begins only after the server's positive reply (RFC 3207 4, RFC 2595
 * 3.1 and 4): a client that sends a hello before it, or a server reply we
 * never saw, leaves the flow in plaintext.  Plaintext is inspected to
 * plain_depth bytes per direction, or until the login succeeds (after that
 * STARTTLS is no longer allowed); then the flow is "plaintext" for good
 * and its bytes are no longer looked at.
 *
 * A capture that starts inside a STARTTLS session shows TLS records where
 * lines were expected: a midstream direction whose first bytes are a TLS
 * record header goes straight to TLS.  So does a client that opens with a
 * ClientHello on a STARTTLS port (implicit TLS on the wrong port).
 */
#include <string.h>
#include <strings.h>

#include "budget.h"
#include "config.h"
#include "session.h"
#include "line.h"
#include "mail.h"
#include "stats.h"
#include "tls.h"

static struct mail_state *mail_state(struct conn *);
static void	mail_hold(struct mail_state *, const uint8_t *,
		    size_t);
static bool	mail_looks_tls(const uint8_t *, size_t);
static void	mail_keep(struct mail_state *, int,
		    const uint8_t *, size_t);
static int	mail_first_bytes(struct conn *, struct mail_state *, int,
		    const uint8_t *, size_t);
static void	mail_line(struct conn *, struct mail_state *, int,
		    const uint8_t *, size_t);
static void	mail_banner(struct conn *, int, const uint8_t *, size_t);

static struct mail_state *
mail_state(struct conn *f)
{
	struct mail_state	*ms;

	if (f->mail != NULL)
		return f->mail;
	if ((ms = budget_alloc(sizeof(*ms))) == NULL)
		return NULL;
	ms->held_gap = UINT32_MAX;
	switch (f->proto) {
	case PROTO_POP3:
		pop3_init(f, &ms->u.pop3);
		break;
	case PROTO_SMTP:
		smtp_init(f, &ms->u.smtp);
		break;
	default:
		break;
	}
	f->mail = ms;
	return ms;
}

void
mail_free(struct conn *f)
{
	struct mail_state	*ms = f->mail;

	if (ms == NULL)
		return;
	line_free(&ms->lb[0]);
	line_free(&ms->lb[1]);
	budget_free(ms->replay[0], MAIL_MAX_REPLAY);
	budget_free(ms->replay[1], MAIL_MAX_REPLAY);
	budget_free(ms->held, MAIL_MAX_HELD);
	budget_free(ms, sizeof(*ms));
	f->mail = NULL;
}

/* A TLS record header: handshake/alert/CCS/app data, major version 3. */
static bool
mail_looks_tls(const uint8_t *p, size_t n)
{
	return n >= 2 && p[0] >= 20 && p[0] <= 23 && p[1] == 3;
}

static bool
is_alpha(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/*
 * The first line after a gap: a whole line if it starts the way this side
 * of this protocol starts its lines, else taken for the tail of one the
 * gap cut (and dropped).
 *   server: POP3 "+OK" "-ERR" "+ "; IMAP "* " "+ " or TAG SP (OK|NO|BAD);
 *           SMTP three digits then SP, "-" or the end
 *   client: a command word (IMAP: TAG SP word), letters up to SP or end
 */
static bool
mail_line_whole(uint8_t proto, int dir, const uint8_t *l, size_t n)
{
	size_t	i = 0, w;

	if (dir == DIR_S2C) {
		switch (proto) {
		case PROTO_POP3:
			return (n >= 3 && memcmp(l, "+OK", 3) == 0) ||
			    (n >= 4 && memcmp(l, "-ERR", 4) == 0) ||
			    (n >= 2 && memcmp(l, "+ ", 2) == 0);
		case PROTO_SMTP:
			return n >= 3 && l[0] >= '2' && l[0] <= '5' &&
			    l[1] >= '0' && l[1] <= '9' && l[2] >= '0' &&
			    l[2] <= '9' && (n == 3 || l[3] == ' ' ||
			    l[3] == '-');
		case PROTO_IMAP:
			if (n >= 2 && (l[0] == '*' || l[0] == '+') &&
			    l[1] == ' ')
				return true;
			while (i < n && i < IMAP_MAX_TAG && l[i] > ' ' &&
			    l[i] < 0x7f)
				i++;
			return i > 0 && i < n && l[i] == ' ' &&
			    ((n - i - 1 >= 2 && memcmp(l + i + 1, "OK", 2) ==
			    0) || (n - i - 1 >= 2 && memcmp(l + i + 1, "NO",
			    2) == 0) || (n - i - 1 >= 3 && memcmp(l + i + 1,
			    "BAD", 3) == 0));
		}
		return false;
	}
	if (proto == PROTO_IMAP) {
		while (i < n && i < IMAP_MAX_TAG && l[i] > ' ' && l[i] < 0x7f)
			i++;
		if (i == 0 || i >= n || l[i] != ' ')
			return false;
		i++;
	}
	for (w = i; i < n && is_alpha(l[i]); i++)
		;
	return i - w >= 3 && (i == n || l[i] == ' ');
}

static void
mail_line(struct conn *f, struct mail_state *ms, int dir, const uint8_t *l,
    size_t n)
{
	if (ms->lb[dir].after_gap && !mail_line_whole(f->proto, dir, l, n))
		return;
	mail_banner(f, dir, l, n);
	switch (f->proto) {
	case PROTO_POP3:
		pop3_line(f, ms, dir, l, n);
		break;
	case PROTO_IMAP:
		imap_line(f, ms, dir, l, n);
		break;
	case PROTO_SMTP:
		smtp_line(f, ms, dir, l, n);
		break;
	}
}

void
mail_input(struct conn *f, int dir, const uint8_t *p, size_t n)
{
	const struct config	*cfg = config_active();
	struct mail_state	*ms;
	const uint8_t		*line;
	size_t			 used, len;

	if (f->fflags & FLOW_F_IMPLICIT) {
		tls_input(f, dir, p, n);
		return;
	}
	if ((ms = mail_state(f)) != NULL && f->proto == PROTO_NONE) {
		mail_keep(ms, dir, p, n);	/* nDPI has not decided */
		return;
	}
	if (ms == NULL) {
		/* No memory for parser state: this flow cannot be judged. */
		f->sess.inspect_done[0] = f->sess.inspect_done[1] = true;
		return;
	}
	while (n > 0 && !f->sess.inspect_done[dir]) {
		if (ms->in_tls[dir]) {
			tls_input(f, dir, p, n);
			return;
		}
		if (dir == DIR_C2S && ms->holding) {
			mail_hold(ms, p, n);
			return;
		}
		if (ms->skip[dir] > 0) {
			used = ms->skip[dir] < n ? (size_t)ms->skip[dir] : n;
			ms->skip[dir] -= used;
			p += used;
			n -= used;
			continue;
		}
		if (ms->plain[dir] == 0 && !line_pending(&ms->lb[dir]) &&
		    (dir == DIR_C2S || (f->fflags & FLOW_F_MIDSTREAM))) {
			switch (mail_first_bytes(f, ms, dir, p, n)) {
			case 0:		/* waiting for a second byte */
				return;
			case 1:
				continue;	/* TLS: loop hands it on */
			}
		}
		used = line_next(&ms->lb[dir], p, n, &line, &len);
		p += used;
		n -= used;
		ms->plain[dir] += used;
		if (line != NULL)
			mail_line(f, ms, dir, line, len);
		if (ms->plain[dir] > cfg->plain_depth && !ms->in_tls[dir] &&
		    !ms->holding) {
			STAT_INC(MAIL_PLAIN_DEPTH);
			mail_plaintext_final(f);
		}
	}
}

/*
 * The first bytes of a direction that could open with TLS (the client, or
 * either side mid-stream): a TLS record header means TLS from here on.
 * Two bytes decide; a lone first byte that could start a record is kept
 * until the next delivery.  Returns 0 when waiting, 1 for TLS (in_tls is
 * set and any kept byte already went to TLS), 2 for lines (a kept byte
 * went to the line splitter).
 */
static int
mail_first_bytes(struct conn *f, struct mail_state *ms, int dir,
    const uint8_t *p, size_t n)
{
	const uint8_t	*line;
	uint8_t		 two[2];
	size_t		 len;

	if (!ms->probed[dir] && n == 1 && p[0] >= 20 && p[0] <= 23) {
		ms->probe[dir] = p[0];
		ms->probed[dir] = true;
		return 0;
	}
	if (ms->probed[dir]) {
		two[0] = ms->probe[dir];
		two[1] = p[0];
	} else {
		two[0] = p[0];
		two[1] = n > 1 ? p[1] : 0;
	}
	if (mail_looks_tls(two, 2)) {
		if (f->fflags & FLOW_F_MIDSTREAM)
			STAT_INC(MAIL_MIDSTREAM_TLS);
		else if (dir == DIR_C2S) {
			f->sess.tls_first = true;
			/* Implicit TLS on a STARTTLS port: before the server
			 * said a word, its side is TLS too. */
			if (ms->plain[DIR_S2C] == 0 &&
			    !line_pending(&ms->lb[DIR_S2C]))
				ms->in_tls[DIR_S2C] = true;
		}
		ms->in_tls[dir] = true;
		if (ms->probed[dir]) {
			ms->probed[dir] = false;
			tls_input(f, dir, &ms->probe[dir], 1);
		}
		return 1;
	}
	if (ms->probed[dir]) {
		ms->probed[dir] = false;
		line_next(&ms->lb[dir], &ms->probe[dir], 1, &line, &len);
		ms->plain[dir]++;
	}
	return 2;
}

/* A flow nDPI is still looking at: keep its first bytes for later. */
static void
mail_keep(struct mail_state *ms, int dir, const uint8_t *p,
    size_t n)
{
	size_t	room;

	if (ms->replay[dir] == NULL &&
	    (ms->replay[dir] = budget_alloc(MAIL_MAX_REPLAY)) == NULL) {
		ms->replay_cut[dir] = true;
		return;
	}
	room = MAIL_MAX_REPLAY - ms->replay_len[dir];
	if (n > room) {
		if (!ms->replay_cut[dir])
			STAT_INC(DPI_REPLAY_FULL);
		ms->replay_cut[dir] = true;
		n = room;
	}
	memcpy(ms->replay[dir] + ms->replay_len[dir], p, n);
	ms->replay_len[dir] += (uint32_t)n;
}

/*
 * nDPI has named the flow: its protocol is set, and the bytes kept so far
 * go through the parsers.  The client's side first: a STARTTLS and the
 * hello after it are held until the server's side, replayed next, says
 * yes or no; pipelined commands are queued before their replies come.
 */
void
mail_replay(struct conn *f)
{
	struct mail_state	*ms = f->mail;
	uint8_t			*buf[2];
	uint32_t		 len[2];
	bool			 cut[2];
	int			 dir;

	if (ms == NULL)
		return;
	for (dir = 0; dir < 2; dir++) {
		buf[dir] = ms->replay[dir];
		len[dir] = ms->replay_len[dir];
		cut[dir] = ms->replay_cut[dir];
		ms->replay[dir] = NULL;
		ms->replay_len[dir] = 0;
	}
	/* The state was made for an unknown protocol: start it afresh. */
	mail_free(f);
	for (dir = 0; dir < 2; dir++) {
		if (len[dir] > 0)
			mail_input(f, dir, buf[dir], len[dir]);
		if (cut[dir])
			mail_gap(f, dir);
		budget_free(buf[dir], MAIL_MAX_REPLAY);
	}
}

/*
 * When nDPI does not know a flow: the server's greeting often does.
 * POP3 greets "+OK", IMAP "* OK" (or "* PREAUTH"), SMTP "220" with
 * "SMTP" in the line.  PROTO_NONE when the kept bytes say nothing.
 */
uint8_t
mail_sniff(const struct conn *f)
{
	const struct mail_state	*ms = f->mail;
	const uint8_t		*p;
	size_t			 n, i;

	if (ms == NULL || ms->replay[DIR_S2C] == NULL)
		return PROTO_NONE;
	p = ms->replay[DIR_S2C];
	n = ms->replay_len[DIR_S2C];
	for (i = 0; i < n && p[i] != '\n'; i++)
		;
	if (i == n)			/* no whole line: no greeting yet */
		return PROTO_NONE;
	n = i;
	if (n >= 3 && memcmp(p, "+OK", 3) == 0)
		return PROTO_POP3;
	if ((n >= 4 && memcmp(p, "* OK", 4) == 0) ||
	    (n >= 9 && memcmp(p, "* PREAUTH", 9) == 0))
		return PROTO_IMAP;
	if (n >= 4 && memcmp(p, "220", 3) == 0 && (p[3] == ' ' ||
	    p[3] == '-'))
		for (i = 4; i + 4 <= n; i++)
			if (strncasecmp((const char *)p + i, "SMTP", 4) == 0)
				return PROTO_SMTP;
	return PROTO_NONE;
}

/* Client bytes after STARTTLS, kept until the server has answered. */
static void
mail_hold(struct mail_state *ms, const uint8_t *p, size_t n)
{
	size_t	room;

	if (ms->held == NULL &&
	    (ms->held = budget_alloc(MAIL_MAX_HELD)) == NULL) {
		STAT_INC(MAIL_HELD_FULL);
		return;
	}
	room = MAIL_MAX_HELD - ms->held_len;
	if (n > room) {
		STAT_INC(MAIL_HELD_FULL);
		n = room;
	}
	memcpy(ms->held + ms->held_len, p, n);
	ms->held_len += (uint32_t)n;
}

void
mail_gap(struct conn *f, int dir)
{
	struct mail_state	*ms = f->mail;

	if (f->fflags & FLOW_F_IMPLICIT) {
		tls_gap(f, dir);
		return;
	}
	if (ms == NULL)
		return;
	if (ms->in_tls[dir]) {
		tls_gap(f, dir);
		return;
	}
	if (dir == DIR_C2S && ms->holding) {
		if (ms->held_gap == UINT32_MAX)
			ms->held_gap = ms->held_len;
		return;
	}
	/* Lines resume at the next LF; a skip count means nothing now. */
	ms->skip[dir] = 0;
	ms->cont[dir] = false;
	line_resync(&ms->lb[dir]);
}

void
mail_starttls_sent(struct conn *f, struct mail_state *ms)
{
	STAT_INC(MAIL_STARTTLS);
	ms->holding = true;
	if (f->sess.starttls != STARTTLS_ACCEPTED)
		f->sess.starttls = STARTTLS_SENT;
}

/*
 * The server's reply to STARTTLS.  Yes: both directions are TLS from the
 * next byte, starting with the client bytes held so far.  No: the held
 * bytes were plaintext after all.
 */
void
mail_starttls_reply(struct conn *f, struct mail_state *ms, bool ok)
{
	uint8_t		*held = ms->held;
	uint32_t	 len = ms->held_len, gap = ms->held_gap;

	ms->holding = false;
	ms->held = NULL;
	ms->held_len = 0;
	ms->held_gap = UINT32_MAX;
	if (ok) {
		STAT_INC(MAIL_STARTTLS_OK);
		f->sess.starttls = STARTTLS_ACCEPTED;
		ms->in_tls[DIR_C2S] = ms->in_tls[DIR_S2C] = true;
		if (gap != UINT32_MAX) {
			/* held is NULL when nothing came before the gap */
			if (gap > 0)
				tls_input(f, DIR_C2S, held, gap);
			tls_gap(f, DIR_C2S);
			if (len > gap)
				tls_input(f, DIR_C2S, held + gap, len - gap);
		} else if (len > 0)
			tls_input(f, DIR_C2S, held, len);
	} else {
		STAT_INC(MAIL_STARTTLS_NO);
		f->sess.starttls = STARTTLS_REFUSED;
		if (len > 0)
			mail_input(f, DIR_C2S, held, len);
	}
	budget_free(held, MAIL_MAX_HELD);
}

/* STARTTLS can no longer happen: stop looking at this flow. */
void
mail_plaintext_final(struct conn *f)
{
	f->sess.plaintext_final = true;
	f->sess.inspect_done[DIR_C2S] = f->sess.inspect_done[DIR_S2C] = true;
}

void
mail_starttls_offered(struct conn *f)
{
	f->sess.starttls_offered = true;
}

void
mail_line_seen(struct conn *f)
{
	f->sess.mail_lines++;
}

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

/* --- what the two sides said of themselves ---------------------------------- */

/* The flow's mail_info, allocated on first use; NULL without memory. */
struct mail_info *
mail_info(struct conn *f)
{
	if (f->sess.info == NULL)
		f->sess.info = budget_alloc(sizeof(*f->sess.info));
	return f->sess.info;
}

/* Keep up to cap bytes of a value (cut, never overrun). */
void
mail_info_set(uint8_t *dst, uint8_t *dlen, size_t cap, const uint8_t *v,
    size_t n)
{
	if (n > cap)
		n = cap;
	if (n > 0)		/* v may be NULL for an empty value */
		memcpy(dst, v, n);
	*dlen = (uint8_t)n;
}

/* The server's first line of a session seen from its start: its banner. */
static void
mail_banner(struct conn *f, int dir, const uint8_t *l, size_t n)
{
	struct mail_info	*mi;

	if (dir != DIR_S2C || (f->fflags & FLOW_F_MIDSTREAM) ||
	    (f->sess.info != NULL && f->sess.info->banner_seen) ||
	    (mi = mail_info(f)) == NULL)
		return;
	mi->banner_seen = true;
	mail_info_set(mi->banner, &mi->banner_len, sizeof(mi->banner), l, n);
}

/*
 * One SASL mechanism the server offers, kept once, upper case, in the
 * space-separated list while it fits.  Names are 1..20 characters of
 * A-Z 0-9 - _ (RFC 4422 3.1); anything else is not a name.
 */
void
mail_mech(struct conn *f, const uint8_t *m, size_t n)
{
	struct mail_info	*mi;
	char			 up[21];
	const char		*p;
	size_t			 i, have;

	while (n > 0 && (m[n - 1] == ']' || m[n - 1] == ')'))
		n--;
	if (n == 0 || n > 20)
		return;
	for (i = 0; i < n; i++) {
		up[i] = (char)(m[i] >= 'a' && m[i] <= 'z' ? m[i] - 32 : m[i]);
		if (!((up[i] >= 'A' && up[i] <= 'Z') ||
		    (up[i] >= '0' && up[i] <= '9') || up[i] == '-' ||
		    up[i] == '_'))
			return;
	}
	up[n] = '\0';
	if ((mi = mail_info(f)) == NULL)
		return;
	for (p = mi->mechs; *p != '\0'; p += strcspn(p, " ")) {
		if (*p == ' ')
			p++;
		if (strncmp(p, up, n) == 0 && (p[n] == ' ' || p[n] == '\0'))
			return;
	}
	have = strlen(mi->mechs);
	if (have + (have > 0) + n + 1 > sizeof(mi->mechs))
		return;
	if (have > 0)
		mi->mechs[have++] = ' ';
	memcpy(mi->mechs + have, up, n + 1);
}

/* Every token of l from off on is a mechanism (SMTP AUTH, POP3 SASL). */
void
mail_mechs(struct conn *f, const uint8_t *l, size_t n, size_t off)
{
	const uint8_t	*tok;
	size_t		 tl;

	for (;;) {
		off = mail_token(l, n, off, &tok, &tl);
		if (tl == 0)
			break;
		mail_mech(f, tok, tl);
	}
}

/* --- credentials before TLS ------------------------------------------------ */

/* The client sent credentials (mechanism ct) on a plaintext line. */
void
mail_cred(struct conn *f, uint8_t ct)
{
	if (f->sess.cleartext == CT_NONE) {
		f->sess.cleartext = ct;
		STAT_INC(MAIL_CLEARTEXT_CREDENTIALS);
	}
}

/* The user name of a clear-text login, kept only with privacy.log_user. */
void
mail_user(struct conn *f, const uint8_t *u, size_t n)
{
	const struct config	*cfg = config_active();
	struct mail_info	*mi;

	if (cfg == NULL || !cfg->log_user || n == 0 ||
	    (f->sess.info != NULL && f->sess.info->user_seen) ||
	    (mi = mail_info(f)) == NULL)
		return;
	mi->user_seen = true;
	mail_info_set(mi->user, &mi->user_len, sizeof(mi->user), u, n);
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
 * The user name in a SASL response: PLAIN's authcid ([authzid] NUL
 * authcid NUL password, RFC 4616), or LOGIN's first response.  Only with
 * privacy.log_user; the decoded bytes (with the password) are wiped.
 */
static void
mail_sasl_user(struct conn *f, uint8_t ct, const uint8_t *l, size_t n)
{
	const struct config	*cfg = config_active();
	uint8_t			 buf[MAIL_MAX_SASL_LINE];
	const uint8_t		*a, *b;
	size_t			 len;

	if (cfg == NULL || !cfg->log_user ||
	    (len = b64_decode(l, n, buf, sizeof(buf))) == (size_t)-1)
		return;
	if (ct == CT_SASL_LOGIN)
		mail_user(f, buf, len);
	else if ((a = memchr(buf, '\0', len)) != NULL &&
	    (b = memchr(a + 1, '\0', len - (size_t)(a + 1 - buf))) != NULL)
		mail_user(f, a + 1, (size_t)(b - a - 1));
	explicit_bzero(buf, sizeof(buf));
}

/*
 * A client's AUTH / AUTHENTICATE with mechanism mech and maybe an initial
 * response (RFC 4954, RFC 5034, RFC 4959; "=" is an empty one).  PLAIN
 * and LOGIN carry the password in base64, readable by anyone: they are
 * followed (mail_sasl_line) until the password has gone by.
 */
void
mail_sasl_start(struct conn *f, struct mail_state *ms, const uint8_t *mech,
    size_t ml, const uint8_t *ir, size_t irl)
{
	ms->sasl_step = 0;
	if (mail_tok_is(mech, ml, "PLAIN"))
		ms->sasl_ct = CT_SASL_PLAIN;
	else if (mail_tok_is(mech, ml, "LOGIN"))
		ms->sasl_ct = CT_SASL_LOGIN;
	else {
		ms->sasl_ct = CT_NONE;	/* CRAM-MD5, SCRAM...: no password */
		return;
	}
	if (irl == 1 && ir[0] == '=')
		ms->sasl_step = 1;	/* empty initial response */
	else if (irl > 0)
		mail_sasl_line(f, ms, ir, irl);
}

/* A client's SASL response line during an AUTH exchange. */
void
mail_sasl_line(struct conn *f, struct mail_state *ms, const uint8_t *l,
    size_t n)
{
	if (ms->sasl_ct == CT_NONE)
		return;
	if (n == 1 && l[0] == '*') {	/* the client cancelled */
		ms->sasl_ct = CT_NONE;
		return;
	}
	if (ms->sasl_ct == CT_SASL_LOGIN && ms->sasl_step == 0) {
		/* LOGIN's first response is the user name alone. */
		mail_sasl_user(f, CT_SASL_LOGIN, l, n);
		ms->sasl_step = 1;
		return;
	}
	if (ms->sasl_ct == CT_SASL_PLAIN)
		mail_sasl_user(f, CT_SASL_PLAIN, l, n);
	mail_cred(f, ms->sasl_ct);
	ms->sasl_ct = CT_NONE;
}
