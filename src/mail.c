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
 *
 * The protocol parsers are pure (mailproto.h): mail_line() hands one a
 * line, switches on the event it returns and writes its facts into the
 * session.  Nothing here re-enters mail_input(): the client bytes held
 * across a refused STARTTLS are read by the same loop, in mail_stream().
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

/* Client bytes held across a STARTTLS the server refused: lines after
 * all, read next (mail_stream()). */
struct mail_back {
	uint8_t		*held;		/* owned, MAIL_MAX_HELD */
	uint32_t	 len;
};

/* What one mail_step() did. */
enum mail_step {
	MS_STOP,		/* the bytes went elsewhere, or must wait */
	MS_NEXT,		/* bytes passed over; go on */
	MS_LINE,		/* bytes went to the line splitter */
};

static struct mail_state *mail_state(struct conn *);
static void	mail_hold(struct mail_state *, const uint8_t *,
		    size_t);
static void	mail_keep(struct mail_state *, enum dir,
		    const uint8_t *, size_t);
static int	mail_first_bytes(struct conn *, struct mail_state *, enum dir,
		    const uint8_t *, size_t);
static void	mail_stream(struct conn *, struct mail_state *, enum dir,
		    const uint8_t *, size_t);
static enum mail_step mail_step(struct conn *, struct mail_state *, enum dir,
		    const uint8_t **, size_t *, struct mail_back *);
static void	mail_depth(struct conn *, struct mail_state *, enum dir);
static void	mail_line(struct conn *, struct mail_state *, enum dir,
		    const uint8_t *, size_t, struct mail_back *);
static void	mail_facts(struct conn *, struct mail_state *,
		    const struct mail_facts *);
static void	mail_banner(struct conn *, enum dir, const uint8_t *, size_t);
static void	mail_starttls_sent(struct conn *, struct mail_state *);
static void	mail_starttls_yes(struct conn *, struct mail_state *);
static void	mail_starttls_no(struct conn *, struct mail_state *,
		    struct mail_back *);
static void	mail_plaintext_final(struct conn *, struct mail_state *);
static unsigned	mail_done(const struct mail_state *);
static struct mail_info *mail_info(struct conn *);
static void	mail_info_set(uint8_t *, uint8_t *, size_t, const uint8_t *,
		    size_t);
static void	mail_helo(struct conn *, const uint8_t *, size_t);
static void	mail_id(struct conn *, const struct mail_facts *);
static void	mail_mech(struct conn *, const uint8_t *, size_t);
static void	mail_cred(struct conn *, uint8_t);
static void	mail_user(struct conn *, const uint8_t *, size_t);
static void	mail_user_sasl(struct conn *, uint8_t, const uint8_t *,
		    size_t);

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
		pop3_init(&ms->u.pop3, f->fflags & FLOW_F_MIDSTREAM);
		break;
	case PROTO_SMTP:
		smtp_init(&ms->u.smtp, f->fflags & FLOW_F_MIDSTREAM);
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

/*
 * The first line after a gap: a whole line if it starts the way this side
 * of this protocol starts its lines (pop3_whole(), imap_whole(),
 * smtp_whole()), else taken for the tail of one the gap cut.
 */
static bool
mail_line_whole(uint8_t proto, enum dir dir, const uint8_t *l, size_t n)
{
	switch (proto) {
	case PROTO_POP3:
		return pop3_whole(dir, l, n);
	case PROTO_IMAP:
		return imap_whole(dir, l, n);
	case PROTO_SMTP:
		return smtp_whole(dir, l, n);
	}
	return dir == DIR_C2S && mail_cmd_at(l, n, 0);
}

/*
 * One line to the flow's protocol parser; its event and facts to the
 * session.  A refused STARTTLS hands the held client bytes back in *back.
 */
static void
mail_line(struct conn *f, struct mail_state *ms, enum dir dir, const uint8_t *l,
    size_t n, struct mail_back *back)
{
	struct mail_facts	mf;
	enum mail_ev		ev;

	if (ms->lb[dir].after_gap && !mail_line_whole(f->proto, dir, l, n))
		return;
	mail_banner(f, dir, l, n);
	switch (f->proto) {
	case PROTO_POP3:
		ev = pop3_line(&ms->u.pop3, dir, l, n, &mf);
		break;
	case PROTO_IMAP:
		ev = imap_line(&ms->u.imap, dir, l, n, &mf);
		break;
	case PROTO_SMTP:
		ev = smtp_line(&ms->u.smtp, dir, l, n, &mf);
		break;
	default:
		return;
	}
	mail_facts(f, ms, &mf);
	switch (ev) {
	case MAIL_EV_NONE:
		break;
	case MAIL_EV_STARTTLS_SENT:
		mail_starttls_sent(f, ms);
		break;
	case MAIL_EV_STARTTLS_ACCEPTED:
		mail_starttls_yes(f, ms);
		break;
	case MAIL_EV_STARTTLS_REFUSED:
		/* Only a server line answers; so the held bytes, client
		 * lines, never hand anything back themselves. */
		if (dir == DIR_S2C)
			mail_starttls_no(f, ms, back);
		break;
	case MAIL_EV_PLAINTEXT_FINAL:
		mail_plaintext_final(f, ms);
		break;
	}
}

unsigned
mail_input(struct conn *f, enum dir dir, const uint8_t *p, size_t n)
{
	struct mail_state	*ms;

	if (f->fflags & FLOW_F_IMPLICIT)
		return tls_input(f, dir, p, n) ? DIR_BIT(dir) : 0;
	if ((ms = mail_state(f)) != NULL && f->proto == PROTO_NONE) {
		mail_keep(ms, dir, p, n);	/* nDPI has not decided */
		return 0;
	}
	if (ms == NULL)
		/* No memory for parser state: this flow cannot be judged. */
		return DIR_BOTH;
	mail_stream(f, ms, dir, p, n);
	return mail_done(ms);
}

/*
 * A direction's bytes, step by step.  When a server line refuses
 * STARTTLS, the client bytes held since are read right there, before the
 * server's next byte, as if they had just arrived.
 */
static void
mail_stream(struct conn *f, struct mail_state *ms, enum dir dir,
    const uint8_t *p, size_t n)
{
	struct mail_back	 back = { NULL, 0 };
	const uint8_t		*hp;
	size_t			 hn;
	enum mail_step		 st, hst;

	while (n > 0 && !ms->done[dir]) {
		st = mail_step(f, ms, dir, &p, &n, &back);
		if (st == MS_STOP)
			return;
		if (back.held != NULL) {
			hp = back.held;
			hn = back.len;
			while (hn > 0 && !ms->done[DIR_C2S]) {
				hst = mail_step(f, ms, DIR_C2S, &hp, &hn,
				    &back);
				if (hst == MS_STOP)
					break;
				if (hst == MS_LINE)
					mail_depth(f, ms, DIR_C2S);
			}
			budget_free(back.held, MAIL_MAX_HELD);
			back.held = NULL;
			back.len = 0;
		}
		if (st == MS_LINE)
			mail_depth(f, ms, dir);
	}
}

/*
 * One step over the bytes at *p: to TLS, to the held bytes, over a
 * literal, past the first-byte probe, or one line (or the start of one)
 * to the splitter and the parser.  *p and *n move past what was used.
 */
static enum mail_step
mail_step(struct conn *f, struct mail_state *ms, enum dir dir,
    const uint8_t **p, size_t *n, struct mail_back *back)
{
	const uint8_t	*line;
	size_t		 used, len;

	if (ms->in_tls[dir]) {
		if (tls_input(f, dir, *p, *n))
			ms->done[dir] = true;
		return MS_STOP;
	}
	if (dir == DIR_C2S && ms->holding) {
		mail_hold(ms, *p, *n);
		return MS_STOP;
	}
	if (ms->skip[dir] > 0) {
		used = ms->skip[dir] < *n ? (size_t)ms->skip[dir] : *n;
		ms->skip[dir] -= used;
		*p += used;
		*n -= used;
		return MS_NEXT;
	}
	if (ms->plain[dir] == 0 && !line_pending(&ms->lb[dir]) &&
	    (dir == DIR_C2S || (f->fflags & FLOW_F_MIDSTREAM))) {
		switch (mail_first_bytes(f, ms, dir, *p, *n)) {
		case 0:		/* waiting for a second byte */
			return MS_STOP;
		case 1:
			return MS_NEXT;	/* TLS: the next step takes it */
		}
	}
	used = line_next(&ms->lb[dir], *p, *n, &line, &len);
	*p += used;
	*n -= used;
	ms->plain[dir] += used;
	if (line != NULL)
		mail_line(f, ms, dir, line, len, back);
	return MS_LINE;
}

/* Past plain_depth with no STARTTLS under way: plaintext for good. */
static void
mail_depth(struct conn *f, struct mail_state *ms, enum dir dir)
{
	const struct config	*cfg = config_active();

	if (ms->plain[dir] > cfg->plain_depth && !ms->in_tls[dir] &&
	    !ms->holding) {
		STAT_INC(MAIL_PLAIN_DEPTH);
		mail_plaintext_final(f, ms);
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
mail_first_bytes(struct conn *f, struct mail_state *ms, enum dir dir,
    const uint8_t *p, size_t n)
{
	const uint8_t	*line;
	uint8_t		 two[2];
	size_t		 len;

	if (!ms->probed[dir] && n == 1 && tls_content_type_known(p[0])) {
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
	if (tls_looks_like_record(two, 2)) {
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
			if (tls_input(f, dir, &ms->probe[dir], 1))
				ms->done[dir] = true;
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
mail_keep(struct mail_state *ms, enum dir dir, const uint8_t *p,
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
unsigned
mail_replay(struct conn *f)
{
	struct mail_state	*ms = f->mail;
	uint8_t			*buf[2];
	uint32_t		 len[2];
	bool			 cut[2];
	int			 dir;
	unsigned		 done = 0;

	if (ms == NULL)
		return 0;
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
			done |= mail_input(f, dir, buf[dir], len[dir]);
		if (cut[dir])
			done |= mail_gap(f, dir);
		budget_free(buf[dir], MAIL_MAX_REPLAY);
	}
	return done;
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

unsigned
mail_gap(struct conn *f, enum dir dir)
{
	struct mail_state	*ms = f->mail;

	if (f->fflags & FLOW_F_IMPLICIT)
		return tls_gap(f, dir) ? DIR_BIT(dir) : 0;
	if (ms == NULL)
		return 0;
	if (ms->in_tls[dir]) {
		if (tls_gap(f, dir))
			ms->done[dir] = true;
		return mail_done(ms);
	}
	if (dir == DIR_C2S && ms->holding) {
		if (ms->held_gap == UINT32_MAX)
			ms->held_gap = ms->held_len;
		return mail_done(ms);
	}
	/* Lines resume at the next LF; a skip count means nothing now. */
	ms->skip[dir] = 0;
	if (f->proto == PROTO_IMAP)
		imap_gap(&ms->u.imap, dir);
	line_resync(&ms->lb[dir]);
	return mail_done(ms);
}

static void
mail_starttls_sent(struct conn *f, struct mail_state *ms)
{
	STAT_INC(MAIL_STARTTLS);
	ms->holding = true;
	if (f->sess.starttls != STARTTLS_ACCEPTED)
		f->sess.starttls = STARTTLS_SENT;
}

/* The reply came: STARTTLS is no longer pending; the bytes held since
 * (owned by the caller now), their length and where a gap fell in them. */
static uint8_t *
mail_unhold(struct mail_state *ms, uint32_t *len, uint32_t *gap)
{
	uint8_t	*held = ms->held;

	*len = ms->held_len;
	*gap = ms->held_gap;
	ms->holding = false;
	ms->held = NULL;
	ms->held_len = 0;
	ms->held_gap = UINT32_MAX;
	return held;
}

/*
 * The server said yes to STARTTLS: both directions are TLS from the next
 * byte, starting with the client bytes held so far.
 */
static void
mail_starttls_yes(struct conn *f, struct mail_state *ms)
{
	uint32_t	 len, gap;
	uint8_t		*held = mail_unhold(ms, &len, &gap);

	STAT_INC(MAIL_STARTTLS_OK);
	f->sess.starttls = STARTTLS_ACCEPTED;
	ms->in_tls[DIR_C2S] = ms->in_tls[DIR_S2C] = true;
	if (gap != UINT32_MAX) {
		/* held is NULL when nothing came before the gap; after the
		 * gap TLS reads no more of the client (tls_gap) */
		if (gap > 0)
			(void)tls_input(f, DIR_C2S, held, gap);
		ms->done[DIR_C2S] = tls_gap(f, DIR_C2S);
	} else if (len > 0 && tls_input(f, DIR_C2S, held, len))
		ms->done[DIR_C2S] = true;
	budget_free(held, MAIL_MAX_HELD);
}

/*
 * The server said no: the bytes held were plaintext after all.  They go
 * back (*back) for mail_stream() to read as lines, a gap in them
 * forgotten.
 */
static void
mail_starttls_no(struct conn *f, struct mail_state *ms, struct mail_back *back)
{
	uint32_t	 len, gap;
	uint8_t		*held = mail_unhold(ms, &len, &gap);

	STAT_INC(MAIL_STARTTLS_NO);
	f->sess.starttls = STARTTLS_REFUSED;
	if (len == 0) {
		budget_free(held, MAIL_MAX_HELD);
		return;
	}
	back->held = held;
	back->len = len;
}

/* STARTTLS can no longer happen: stop looking at this flow. */
static void
mail_plaintext_final(struct conn *f, struct mail_state *ms)
{
	f->sess.plaintext_final = true;
	ms->done[DIR_C2S] = ms->done[DIR_S2C] = true;
}

/* The directions this flow's mail state needs no more bytes of. */
static unsigned
mail_done(const struct mail_state *ms)
{
	return (ms->done[DIR_C2S] ? DIR_BIT(DIR_C2S) : 0) |
	    (ms->done[DIR_S2C] ? DIR_BIT(DIR_S2C) : 0);
}

/* --- what the two sides said of themselves -------------------------------- */

/* The flow's mail_info, allocated on first use; NULL without memory. */
static struct mail_info *
mail_info(struct conn *f)
{
	if (f->sess.info == NULL)
		f->sess.info = budget_alloc(sizeof(*f->sess.info));
	return f->sess.info;
}

/* Keep up to cap bytes of a value (cut, never overrun). */
static void
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
mail_banner(struct conn *f, enum dir dir, const uint8_t *l, size_t n)
{
	struct mail_info	*mi;

	if (dir != DIR_S2C || (f->fflags & FLOW_F_MIDSTREAM) ||
	    (f->sess.info != NULL && f->sess.info->banner_seen) ||
	    (mi = mail_info(f)) == NULL)
		return;
	mi->banner_seen = true;
	mail_info_set(mi->banner, &mi->banner_len, sizeof(mi->banner), l, n);
}

/* The name the client gave in its first EHLO or HELO. */
static void
mail_helo(struct conn *f, const uint8_t *name, size_t n)
{
	struct mail_info	*mi;

	if (n == 0 || (f->sess.info != NULL && f->sess.info->helo_seen) ||
	    (mi = mail_info(f)) == NULL)
		return;
	mi->helo_seen = true;
	mail_info_set(mi->helo, &mi->helo_len, sizeof(mi->helo), name, n);
}

/* The client's first IMAP ID: its name, version, vendor and os values. */
static void
mail_id(struct conn *f, const struct mail_facts *mf)
{
	struct mail_info	*mi;
	int			 i;

	if ((f->sess.info != NULL && f->sess.info->id_seen) ||
	    (mi = mail_info(f)) == NULL)
		return;
	mi->id_seen = true;
	for (i = 0; i < MI_ID_MAX; i++)
		if (mf->id_val[i].n > 0)
			mail_info_set(mi->id[i], &mi->id_len[i],
			    sizeof(mi->id[i]), mf->id_val[i].p,
			    mf->id_val[i].n);
}

/* What a parser recognised on a line, into the session. */
static void
mail_facts(struct conn *f, struct mail_state *ms, const struct mail_facts *mf)
{
	const uint8_t	*m;
	size_t		 off, ml;
	int		 dir;

	if (mf->queue_full)
		STAT_INC(MAIL_QUEUE_FULL);
	if (mf->line)
		f->sess.mail_lines++;
	if (mf->starttls_offered)
		f->sess.starttls_offered = true;
	if (mf->helo.n > 0)
		mail_helo(f, mf->helo.p, mf->helo.n);
	if (mf->id)
		mail_id(f, mf);
	for (off = mail_mech_next(mf, 0, &m, &ml); ml > 0;
	    off = mail_mech_next(mf, off, &m, &ml))
		mail_mech(f, m, ml);
	if (mf->user_sasl != CT_NONE)
		mail_user_sasl(f, mf->user_sasl, mf->user.p, mf->user.n);
	else if (mf->user.n > 0)
		mail_user(f, mf->user.p, mf->user.n);
	if (mf->cred != CT_NONE)
		mail_cred(f, mf->cred);
	for (dir = 0; dir < 2; dir++)
		if (mf->skip_set[dir])
			ms->skip[dir] = mf->skip[dir];
}

/*
 * One SASL mechanism the server offers, kept once, upper case, in the
 * space-separated list while it fits.  Names are 1..20 characters of
 * A-Z 0-9 - _ (RFC 4422 3.1); anything else is not a name.
 */
static void
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

/* --- credentials before TLS ---------------------------------------------- */

/* The client sent credentials (mechanism ct) on a plaintext line. */
static void
mail_cred(struct conn *f, uint8_t ct)
{
	if (f->sess.cleartext == CT_NONE) {
		f->sess.cleartext = ct;
		STAT_INC(MAIL_CLEARTEXT_CREDENTIALS);
	}
}

/* The user name of a clear-text login, kept only with privacy.log_user. */
static void
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

/*
 * The user name in a SASL response of mechanism ct (PLAIN or LOGIN),
 * kept only with privacy.log_user; the decoded bytes, with PLAIN's
 * password, are wiped.
 */
static void
mail_user_sasl(struct conn *f, uint8_t ct, const uint8_t *l, size_t n)
{
	const struct config	*cfg = config_active();
	uint8_t			 buf[MAIL_MAX_SASL_LINE];
	const uint8_t		*u;
	size_t			 ul;

	if (cfg == NULL || !cfg->log_user)
		return;
	if (mail_sasl_user(ct, l, n, buf, sizeof(buf), &u, &ul))
		mail_user(f, u, ul);
	explicit_bzero(buf, sizeof(buf));
}
