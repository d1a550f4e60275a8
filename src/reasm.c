/*
 * reasm.c -- pipeline stage 4: TCP reassembly, one byte stream per
 * direction.
 *
 * Receives segments with their direction from flow.c and hands mail_input()
 * each byte once, in sequence order.  Segments ahead of the next expected
 * byte wait in a sorted queue (bounded in segments and bytes per direction
 * and by the global memcap); retransmitted bytes are dropped; where copies
 * overlap, the first copy wins and a disagreement is counted as a conflict
 * (an evasion attempt or a broken stack, either way worth seeing) -- also
 * against the last REASM_RECENT bytes already delivered.
 *
 * A hole that will not be filled becomes a gap: the parser is told with
 * mail_gap() and never reads across it.  We know a hole is permanent when
 * the receiver has acknowledged bytes the capture never had (capture loss),
 * when the queue is full, or when the flow ends (and the FIN or the peer's
 * ACK lies beyond what we got).  Without a SYN the stream
 * starts at the first byte we see.  Sequence numbers are compared modulo
 * 2^32 (RFC 1982 style), so streams may wrap.
 *
 * mail_input() and mail_gap() return the directions the parsers need no
 * more bytes of (DIR_BIT); those streams are marked REASM_F_DONE, and at
 * their next segment or delivery REASM_F_STOP: the queue is freed and the
 * segments cost nothing further.  flow.c reads REASM_F_DONE on both
 * streams to take its fast path.
 */
#include <stdlib.h>
#include <string.h>

#include "budget.h"
#include "config.h"
#include "pkt.h"
#include "session.h"
#include "caps.h"
#include "mail.h"
#include "reasm.h"
#include "stats.h"

struct reasm_seg {
	struct reasm_seg *next;
	uint32_t	 seq;
	uint32_t	 len;
	uint8_t		 data[];
};

#define SEQ_DIFF(a, b)	((int32_t)((uint32_t)(a) - (uint32_t)(b)))
#define SEQ_LT(a, b)	(SEQ_DIFF(a, b) < 0)
#define SEQ_LEQ(a, b)	(SEQ_DIFF(a, b) <= 0)
#define SEQ_GT(a, b)	(SEQ_DIFF(a, b) > 0)
#define SEQ_GEQ(a, b)	(SEQ_DIFF(a, b) >= 0)

static void	reasm_segment(struct conn *, struct reasm_stream *, enum dir,
		    uint32_t, const uint8_t *, uint32_t, int);
static void	reasm_deliver(struct conn *, struct reasm_stream *, enum dir,
		    const uint8_t *, uint32_t);
static void	reasm_drain(struct conn *, struct reasm_stream *, enum dir);
static void	reasm_remember(struct reasm_stream *, const uint8_t *,
		    uint32_t);
static void	reasm_recheck(struct conn *, struct reasm_stream *, enum dir,
		    uint32_t, const uint8_t *, uint32_t);
static void	reasm_gap(struct conn *, struct reasm_stream *, enum dir, uint32_t);
static void	reasm_gap_to_head(struct conn *, struct reasm_stream *, enum dir);
static int	reasm_queue(struct reasm_stream *, enum dir, uint32_t,
		    const uint8_t *, uint32_t);
static int	reasm_insert(struct reasm_stream *, struct reasm_seg **,
		    uint32_t, const uint8_t *, uint32_t);

size_t
reasm_seg_overhead(void)
{
	return sizeof(struct reasm_seg);
}

/* The parsers said they need no more of these directions (DIR_BIT). */
void
reasm_done(struct reasm_stream *st, unsigned dirs)
{
	if (dirs & DIR_BIT(DIR_C2S))
		st[DIR_C2S].flags |= REASM_F_DONE;
	if (dirs & DIR_BIT(DIR_S2C))
		st[DIR_S2C].flags |= REASM_F_DONE;
}

void
reasm_free(struct reasm_stream *s)
{
	struct reasm_seg	*e, *n;

	for (e = s->ooo; e != NULL; e = n) {
		n = e->next;
		budget_free(e, sizeof(*e) + e->len);
	}
	s->ooo = NULL;
	s->ooo_bytes = 0;
	s->ooo_segs = 0;
	budget_free(s->recent, REASM_RECENT);
	s->recent = NULL;
}

void
reasm_input(struct conn *f, struct reasm_stream *st, enum dir dir,
    const struct pkt *p)
{
	struct reasm_stream	*s = &st[dir];
	struct reasm_stream	*o = &st[!dir];
	uint32_t		 seq = p->seq;

	/* This side's ACK says how far the other side's stream got. */
	if (p->flags & TH_ACK) {
		if (!(o->flags & REASM_F_ACKED) || SEQ_GT(p->ack, o->peer_ack))
			o->peer_ack = p->ack;
		o->flags |= REASM_F_ACKED;
		/* A SYN/ACK names the client's ISN + 1 even when we missed
		 * the SYN itself. */
		if ((p->flags & TH_SYN) && !(o->flags & REASM_F_SEQ)) {
			o->next_seq = p->ack;
			o->flags |= REASM_F_SEQ;
		}
	}
	if (p->flags & TH_SYN) {
		/* A SYN places the stream -- unless bytes of it were already
		 * taken mid-stream: a late (or spoofed) one must not move
		 * what was delivered or queued. */
		if (!(s->flags & REASM_F_SYN) && s->delivered == 0 &&
		    s->ooo == NULL) {
			s->next_seq = seq + 1;
			s->flags |= REASM_F_SEQ;
		}
		s->flags |= REASM_F_SYN;
		seq++;		/* data on a SYN (TCP Fast Open) follows it */
	}
	if ((p->flags & TH_FIN) && !(s->flags & REASM_F_FIN)) {
		s->fin_seq = seq + p->seglen;
		s->flags |= REASM_F_FIN;
	}
	if (s->flags & REASM_F_DONE) {
		if (s->ooo != NULL || s->recent != NULL)
			reasm_free(s);
		s->flags |= REASM_F_STOP;
		return;
	}
	if (p->seglen == 0)
		return;
	STAT_INC(REASM_SEGS);
	if (!(s->flags & REASM_F_SEQ)) {
		/* Mid-stream: this direction starts at its first data. */
		s->next_seq = seq;
		s->flags |= REASM_F_SEQ;
	}
	if (p->caplen > 0)
		reasm_segment(f, st, dir, seq, p->payload, p->caplen, 1);
	/* The snaplen cut the segment short: its tail is gone for good.
	 * (Cut out of order, the hole closes as any other does.) */
	if (p->seglen > p->caplen && !(s->flags & REASM_F_STOP) &&
	    s->next_seq == seq + p->caplen) {
		reasm_gap(f, st, dir, seq + p->seglen);
		reasm_drain(f, st, dir);
	}
	/* The parsers finished with this direction: drop what it holds. */
	if (s->flags & REASM_F_STOP)
		reasm_free(s);
}

static void
reasm_segment(struct conn *f, struct reasm_stream *st, enum dir dir,
    uint32_t seq, const uint8_t *data, uint32_t len, int retry)
{
	struct reasm_stream	*s = &st[dir];
	int32_t			 off = SEQ_DIFF(seq, s->next_seq);

	if (off < 0) {
		/* Retransmission: only bytes past next_seq are new; the old
		 * ones are checked against what the parser already got. */
		reasm_recheck(f, st, dir, seq, data, len);
		if ((uint32_t)-(int64_t)off >= len) {
			STAT_INC(REASM_RETRANS);
			return;
		}
		STAT_INC(REASM_OVERLAP);
		data += (uint32_t)-(int64_t)off;
		len -= (uint32_t)-(int64_t)off;
		seq = s->next_seq;
		off = 0;
	}
	if (off == 0) {
		/* Bytes some queued segment already holds were there first:
		 * merge through the queue so its copy wins (and any
		 * disagreement is counted), then deliver in order. */
		if (s->ooo != NULL && SEQ_LT(s->ooo->seq, seq + len) &&
		    reasm_queue(st, dir, seq, data, len) == 0) {
			reasm_drain(f, st, dir);
			return;
		}
		reasm_deliver(f, st, dir, data, len);
		reasm_drain(f, st, dir);
		return;
	}
	/* Far beyond any window we could fill: not this stream's bytes
	 * (or a lie); keeping it would pin memory for nothing. */
	if ((uint32_t)off > REASM_MAX_AHEAD) {
		STAT_INC(REASM_TOO_FAR);
		return;
	}
	STAT_INC(REASM_OOO);
	if (reasm_queue(st, dir, seq, data, len) < 0) {
		/* Queue full: the hole is not going to fill in time.  Skip
		 * it, deliver what is queued, and try this segment again. */
		STAT_INC(REASM_QUEUE_FULL);
		if (s->ooo == NULL) {
			/* Not even this segment alone fits (a TSO giant
			 * or no memory): the hole ends where it starts. */
			reasm_gap(f, st, dir, seq);
			reasm_deliver(f, st, dir, data, len);
			reasm_drain(f, st, dir);
			return;
		}
		reasm_gap_to_head(f, st, dir);
		if (retry)
			reasm_segment(f, st, dir, seq, data, len, 0);
		return;
	}
	/* The receiver already acknowledged bytes we never saw: the capture
	 * lost them and no retransmission will bring them. */
	if ((s->flags & REASM_F_ACKED) && SEQ_GT(s->peer_ack, s->next_seq))
		reasm_gap_to_head(f, st, dir);
}

static void
reasm_deliver(struct conn *f, struct reasm_stream *st, enum dir dir,
    const uint8_t *data, uint32_t len)
{
	struct reasm_stream	*s = &st[dir];

	if (!(s->flags & REASM_F_STOP))
		reasm_remember(s, data, len);
	s->next_seq += len;
	s->delivered += len;
	if (s->flags & REASM_F_STOP)
		return;
	if (!(s->flags & REASM_F_DONE))
		reasm_done(st, mail_input(f, dir, data, len));
	if (s->flags & REASM_F_DONE)
		s->flags |= REASM_F_STOP;
}

/* Deliver queued segments that now continue the stream. */
static void
reasm_drain(struct conn *f, struct reasm_stream *st, enum dir dir)
{
	struct reasm_stream	*s = &st[dir];
	struct reasm_seg	*e;
	uint32_t		 skip;

	while ((e = s->ooo) != NULL && SEQ_LEQ(e->seq, s->next_seq)) {
		s->ooo = e->next;
		s->ooo_segs--;
		s->ooo_bytes -= e->len;
		if (SEQ_GT(e->seq + e->len, s->next_seq)) {
			skip = (uint32_t)SEQ_DIFF(s->next_seq, e->seq);
			reasm_deliver(f, st, dir, e->data + skip, e->len - skip);
		}
		budget_free(e, sizeof(*e) + e->len);
	}
}

/* Bytes up to upto will never be seen: tell the parser, move on. */
static void
reasm_gap(struct conn *f, struct reasm_stream *st, enum dir dir, uint32_t upto)
{
	struct reasm_stream	*s = &st[dir];

	STAT_INC(REASM_GAPS);
	STAT_ADD(REASM_GAP_BYTES, (uint32_t)SEQ_DIFF(upto, s->next_seq));
	s->gaps++;
	if (!(s->flags & REASM_F_STOP)) {
		if (!(s->flags & REASM_F_DONE))
			reasm_done(st, mail_gap(f, dir));
		if (s->flags & REASM_F_DONE)
			s->flags |= REASM_F_STOP;
	}
	s->next_seq = upto;
}

/* Give up on the hole before the first queued segment. */
static void
reasm_gap_to_head(struct conn *f, struct reasm_stream *st, enum dir dir)
{
	struct reasm_stream	*s = &st[dir];

	if (s->ooo == NULL)
		return;
	reasm_gap(f, st, dir, s->ooo->seq);
	reasm_drain(f, st, dir);
}

/* End of the flow: whatever is queued is delivered across its holes. */
void
reasm_flush(struct conn *f, struct reasm_stream *st, enum dir dir)
{
	struct reasm_stream	*s = &st[dir];

	while (s->ooo != NULL && !(s->flags & REASM_F_STOP))
		reasm_gap_to_head(f, st, dir);
	/*
	 * Bytes the capture lost at the end: the FIN sits beyond them, or
	 * the peer acknowledged them.  (An ACK one past next_seq may be for
	 * a FIN we did not see: not a gap.)
	 */
	if ((s->flags & (REASM_F_SEQ | REASM_F_STOP)) == REASM_F_SEQ &&
	    (((s->flags & REASM_F_FIN) && SEQ_GT(s->fin_seq, s->next_seq)) ||
	    (!(s->flags & REASM_F_FIN) && (s->flags & REASM_F_ACKED) &&
	    SEQ_GT(s->peer_ack, s->next_seq + 1))))
		reasm_gap(f, st, dir, (s->flags & REASM_F_FIN) ? s->fin_seq :
		    s->peer_ack);
	reasm_free(s);
}

/* Keep the newest delivered bytes, each at its sequence number modulo. */
static void
reasm_remember(struct reasm_stream *s, const uint8_t *data, uint32_t len)
{
	uint32_t	seq = s->next_seq, at, first;

	if (s->recent == NULL &&
	    (s->recent = budget_alloc(REASM_RECENT)) == NULL)
		return;
	if (len > REASM_RECENT) {
		data += len - REASM_RECENT;
		seq += len - REASM_RECENT;
		len = REASM_RECENT;
	}
	/* a ring: up to its end, then the rest from its start */
	at = seq % REASM_RECENT;
	first = len < REASM_RECENT - at ? len : REASM_RECENT - at;
	memcpy(s->recent + at, data, first);
	memcpy(s->recent, data + first, len - first);
}

/*
 * A retransmitted [seq, seq+len) against the delivered bytes still in the
 * window.  A one-byte segment just below next_seq is a keep-alive probe,
 * whose byte is garbage by design (RFC 9293 3.8.4): not compared.
 */
static void
reasm_recheck(struct conn *f, struct reasm_stream *st, enum dir dir,
    uint32_t seq, const uint8_t *data, uint32_t len)
{
	struct reasm_stream	*s = &st[dir];
	uint64_t		 kept;
	uint32_t		 lo, hi, i;

	(void)f;
	if (s->recent == NULL || (len == 1 && seq == s->next_seq - 1))
		return;
	kept = s->delivered < REASM_RECENT ? s->delivered : REASM_RECENT;
	lo = s->next_seq - (uint32_t)kept;
	if (SEQ_LT(seq, lo)) {
		if (SEQ_LEQ(seq + len, lo))
			return;
		data += lo - seq;
		len -= lo - seq;
		seq = lo;
	}
	hi = SEQ_LT(seq + len, s->next_seq) ? seq + len : s->next_seq;
	for (i = 0; SEQ_LT(seq + i, hi); i++)
		if (s->recent[(seq + i) % REASM_RECENT] != data[i]) {
			STAT_INC(REASM_CONFLICT);
			s->conflicts++;
			return;
		}
}

/*
 * Queue [seq, seq+len) ahead of next_seq.  Bytes some queued segment already
 * covers are not stored again (first copy wins); they are compared, and a
 * difference is a conflict.  Returns -1 when the queue limits are reached.
 */
static int
reasm_queue(struct reasm_stream *st, enum dir dir, uint32_t seq,
    const uint8_t *data, uint32_t len)
{
	struct reasm_stream	 *s = &st[dir];
	struct reasm_seg	**pp = &s->ooo, *e;
	uint32_t		  cur = seq, end = seq + len, eend, ovend, n;

	while (SEQ_LT(cur, end)) {
		e = *pp;
		if (e == NULL || SEQ_GEQ(e->seq, end))
			return reasm_insert(s, pp, cur, data + (cur - seq),
			    end - cur);
		eend = e->seq + e->len;
		if (SEQ_LEQ(eend, cur)) {
			pp = &e->next;
			continue;
		}
		if (SEQ_LT(cur, e->seq)) {
			n = e->seq - cur;
			if (reasm_insert(s, pp, cur, data + (cur - seq),
			    n) < 0)
				return -1;
			pp = &(*pp)->next;
			cur = e->seq;
		}
		/* [cur, ovend) is in both e and the new segment. */
		ovend = SEQ_LT(end, eend) ? end : eend;
		STAT_INC(REASM_OVERLAP);
		if (memcmp(data + (cur - seq), e->data + (cur - e->seq),
		    ovend - cur) != 0) {
			STAT_INC(REASM_CONFLICT);
			s->conflicts++;
		}
		cur = ovend;
		pp = &e->next;
	}
	return 0;
}

static int
reasm_insert(struct reasm_stream *s, struct reasm_seg **pp,
    uint32_t seq, const uint8_t *data, uint32_t len)
{
	const struct config	*c = config_active();
	struct reasm_seg	*e;

	if (s->ooo_segs >= REASM_MAX_SEGS ||
	    (size_t)s->ooo_bytes + len > c->stream_buf)
		return -1;
	if ((e = budget_alloc(sizeof(*e) + len)) == NULL)
		return -1;
	e->seq = seq;
	e->len = len;
	memcpy(e->data, data, len);
	e->next = *pp;
	*pp = e;
	s->ooo_segs++;
	s->ooo_bytes += len;
	return 0;
}
