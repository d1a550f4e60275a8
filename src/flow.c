/*
 * flow.c -- pipeline stage 3: bidirectional flow table.
 *
 * Receives each decoded TCP segment from decode.c, finds or creates its
 * flow, decides which side is the client, and hands the segment with its
 * direction to reasm_input().  Owns flow lifetime: close on RST or on FIN
 * from both sides, idle timeout, eviction under the flow or memory limit,
 * and the final flush at end of input.  Ending a flow hands it to
 * verdict_finish() (the session event) and then frees every module's state.
 *
 * Client and server: the sender of a SYN is the client, the sender of a
 * SYN/ACK the server; without either (capture started mid-session), the
 * side on a watched mail port is the server.  Segments on no watched port
 * are dropped before any lookup; a flow is created only for a SYN or a
 * segment carrying data, so bare ACKs and RSTs cost no memory.
 *
 * The table is a chained hash keyed by SipHash-1-3 over the endpoint pair
 * with a random per-process key, so nobody on the wire can choose
 * collisions.  Active flows sit on an LRU list (least recently used first)
 * which the idle sweep and eviction walk from the head; closed flows
 * linger briefly on their own list so retransmitted FINs and late ACKs do
 * not open a new "mid-stream" flow.
 *
 * Time: events report capture timestamps, but expiry runs on a table
 * clock that never goes back (the latest timestamp seen), so files read
 * out of time order, or a capture whose clock jumps backwards, do not end
 * sessions early.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "budget.h"
#include "classify.h"
#include "config.h"
#include "pkt.h"
#include "flow.h"
#include "hash.h"
#include "caps.h"
#include "log.h"
#include "mail.h"
#include "output.h"
#include "reader.h"
#include "reasm.h"
#include "stats.h"
#include "tls.h"
#include "verdict.h"

struct flow_list {
	struct flow	*head, *tail;
	size_t		 n;
};

/*
 * One table per thread: a capture worker (capture.workers > 1) owns its
 * flows outright, with its share of limits.max_flows and limits.memcap.
 */
#define TL	static _Thread_local
TL const struct config	*cfg;
TL unsigned		 share = 1;	/* workers the limits are split by */
TL struct flow		**buckets;
TL size_t		 nbuckets;	/* power of two; grows with the flows */
TL size_t		 nbuckets_max;	/* for max_flows */
TL uint64_t		 sipkey[2];
TL struct flow_list	 active;	/* LRU: head is the least recent */
TL struct flow_list	 closed;	/* FIFO by close time */
TL uint64_t		 next_id = 1;
TL uint64_t		 clock_us;	/* packet time, never goes back */
TL uint64_t		 jump_ts;	/* a leap ahead, not yet believed */
TL struct flow		*jump_flow;	/* the flow its packet touched */
/* Flows evicted lately, by hash: their later packets do not come back as
 * new mid-stream flows (each another event) while the table is full. */
TL struct evicted {
	uint32_t	 hash;
	uint64_t	 at;		/* table clock, us; 0: empty slot */
} evicted[FLOW_EVICTED_SLOTS];
TL uint64_t		 last_sweep;
TL bool			 flushing;	/* flow_flush_all() holds flow pointers */
TL bool			 evicting;	/* a victim is being ended */
TL struct flow		*current;	/* the flow in hand: never evicted */
TL uint8_t		 nodpi[65536 / 8];	/* dpi.skip_ports, a bitmap */
TL uint8_t		 watched[65536 / 8];	/* cfg->port_map[p] != 0 */
#undef TL

static uint32_t	flow_hash(const uint8_t *, const uint8_t *, uint16_t,
		    uint16_t, uint8_t);
static struct flow *flow_lookup(const struct pkt *, uint32_t, int *);
static void	flow_grow(void);
static void	flow_clock(uint64_t);
static struct flow *flow_create(const struct pkt *, uint32_t, int *);
static void	flow_end(struct flow *, enum end);
static void	flow_destroy(struct flow *);
static void	flow_sweep(void);
static void	flow_note_close(struct flow *, int, uint8_t);
static void	flow_classify(struct flow *, const struct pkt *);
static void	flow_dpi_conclude(struct flow *);
static void	list_remove(struct flow_list *, struct flow *);
static void	list_append(struct flow_list *, struct flow *);
static bool	flow_evict_one(void);

/*
 * The same value for both directions: the endpoint that sorts lower goes
 * first, so A->B and B->A meet in one bucket.  (Any order both directions
 * agree on will do: the words as loaded, then the ports.)  IPv4 hashes
 * two words, IPv6 five.
 */
static uint32_t
flow_hash(const uint8_t *a, const uint8_t *b, uint16_t pa, uint16_t pb,
    uint8_t family)
{
	uint64_t	w[5], a0, a1, b0, b1;
	bool		swap;

	if (family == 4) {
		a0 = rd_ne32(a);
		b0 = rd_ne32(b);
		if (a0 > b0 || (a0 == b0 && pa > pb)) {
			w[0] = b0 << 32 | a0;
			w[1] = (uint64_t)pb << 32 | (uint64_t)pa << 16 | 4;
		} else {
			w[0] = a0 << 32 | b0;
			w[1] = (uint64_t)pa << 32 | (uint64_t)pb << 16 | 4;
		}
		return (uint32_t)hash_words(sipkey, w, 2);
	}
	a0 = rd_ne64(a);
	a1 = rd_ne64(a + 8);
	b0 = rd_ne64(b);
	b1 = rd_ne64(b + 8);
	swap = a0 != b0 ? a0 > b0 : a1 != b1 ? a1 > b1 : pa > pb;
	w[0] = swap ? b0 : a0;
	w[1] = swap ? b1 : a1;
	w[2] = swap ? a0 : b0;
	w[3] = swap ? a1 : b1;
	w[4] = swap ? (uint64_t)pb << 32 | (uint64_t)pa << 16 | family :
	    (uint64_t)pa << 32 | (uint64_t)pb << 16 | family;
	return (uint32_t)hash_words(sipkey, w, 5);
}

/* The 16-byte addresses (IPv4 zero-padded, as decode leaves them). */
static bool
addr_eq(const uint8_t *x, const uint8_t *y)
{
	return rd_ne64(x) == rd_ne64(y) && rd_ne64(x + 8) == rd_ne64(y + 8);
}

/* --- memory ------------------------------------------------------------- */

/*
 * The budget's reclaim callback (budget.h): over limits.memcap, end the
 * least recently used flow other than the one in hand, its event written
 * as for any other end.  This is the one place where a flow can end while
 * a stage is busy with another; the flow in hand (current) is never the
 * victim.  While a victim is being ended, or the final flush holds flow
 * pointers, the request may go over the cap for a moment instead: ending
 * a victim delivers what it had queued, which allocates, and ending
 * another from in there could free one a caller up the stack still uses.
 */
static enum budget_reclaim
flow_reclaim(void)
{
	if (flushing || evicting)
		return BUDGET_OVER;
	return flow_evict_one() ? BUDGET_FREED : BUDGET_NONE;
}

/* --- lists ----------------------------------------------------------------- */

static void
list_remove(struct flow_list *l, struct flow *f)
{
	if (f->prev != NULL)
		f->prev->next = f->next;
	else
		l->head = f->next;
	if (f->next != NULL)
		f->next->prev = f->prev;
	else
		l->tail = f->prev;
	f->prev = f->next = NULL;
	l->n--;
}

static void
list_append(struct flow_list *l, struct flow *f)
{
	f->moved = clock_us;
	f->next = NULL;
	f->prev = l->tail;
	if (l->tail != NULL)
		l->tail->next = f;
	else
		l->head = f;
	l->tail = f;
	l->n++;
}

/* --- table ----------------------------------------------------------------- */

/*
 * The per-packet port checks as bitmaps: 8 KiB each stay in the first-level
 * cache where the 64 KiB of cfg->port_map, read at two random ports a
 * packet, would not.  The watched ports and the ones nDPI never sees
 * (dpi.skip_ports).
 */
static void
flow_portmaps(const struct config *c)
{
	size_t	i;

	memset(nodpi, 0, sizeof(nodpi));
	for (i = 0; i < c->ndpi_skip; i++)
		nodpi[c->dpi_skip[i] >> 3] |= (uint8_t)(1u << (c->dpi_skip[i] &
		    7));
	memset(watched, 0, sizeof(watched));
	for (i = 0; i < 65536; i++)
		if (c->port_map[i] != 0)
			watched[i >> 3] |= (uint8_t)(1u << (i & 7));
}

static bool
skip_dpi(uint16_t port)
{
	return (nodpi[port >> 3] >> (port & 7)) & 1;
}

static bool
port_watched(uint16_t port)
{
	return (watched[port >> 3] >> (port & 7)) & 1;
}

int
flow_init(const struct config *c)
{
	size_t	want;

	cfg = c;
	config_set_active(c);
	budget_init(c->memcap / share, flow_reclaim);
	flow_portmaps(c);
	want = c->max_flows / share < FLOW_MIN_BUCKETS ? FLOW_MIN_BUCKETS :
	    c->max_flows / share;
	for (nbuckets_max = FLOW_MIN_BUCKETS; nbuckets_max < want;
	    nbuckets_max <<= 1)
		;
	nbuckets = FLOW_MIN_BUCKETS;
	if ((buckets = calloc(nbuckets, sizeof(*buckets))) == NULL)
		return -1;
	if (hash_key(sipkey) != 0) {
		log_warn("getrandom");
		return -1;
	}
	return 0;
}

/* Before flow_init() in a capture worker: its share of the limits is
 * 1/n of limits.max_flows and limits.memcap. */
void
flow_set_share(unsigned n)
{
	share = n == 0 ? 1 : n;
}

static struct flow *
flow_lookup(const struct pkt *p, uint32_t h, int *dir)
{
	struct flow	*f;

	for (f = buckets[h & (nbuckets - 1)]; f != NULL; f = f->hnext) {
		if (f->hash != h || f->c.family != p->family)
			continue;
		if (f->c.cli_port == p->sport && f->c.srv_port == p->dport &&
		    addr_eq(f->c.cli, p->src) && addr_eq(f->c.srv, p->dst)) {
			*dir = DIR_C2S;
			return f;
		}
		if (f->c.cli_port == p->dport && f->c.srv_port == p->sport &&
		    addr_eq(f->c.cli, p->dst) && addr_eq(f->c.srv, p->src)) {
			*dir = DIR_S2C;
			return f;
		}
	}
	return NULL;
}

/*
 * Which side is the client, and is the server port one we watch?  Returns
 * the new flow, or NULL when the segment is of no interest (or memory is
 * short, counted).
 */
static struct flow *
flow_create(const struct pkt *p, uint32_t h, int *dir)
{
	struct flow	*f;
	bool		 sender_is_client;
	uint16_t	 sport_srv;
	uint8_t		 pm;

	if ((p->flags & (TH_SYN | TH_ACK)) == TH_SYN)
		sender_is_client = true;
	else if ((p->flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK))
		sender_is_client = false;
	else if (cfg->port_map[p->dport] != 0)
		sender_is_client = true;
	else if (cfg->port_map[p->sport] != 0)
		sender_is_client = false;
	else
		/* No mail port on either side: for all_tls, guess that the
		 * lower port is the service. */
		sender_is_client = p->sport >= p->dport;

	sport_srv = sender_is_client ? p->dport : p->sport;
	pm = cfg->port_map[sport_srv];
	if (pm == 0 && cfg->scope != SCOPE_ALL_TLS && !cfg->dpi_enabled) {
		STAT_INC(FLOW_NOT_MAIL);
		return NULL;
	}
	/* Bare ACKs, FINs and RSTs of a flow we never saw carry nothing to
	 * analyse; only a SYN or data earns a table entry. */
	if (!(p->flags & TH_SYN) && p->seglen == 0)
		return NULL;
	/* The rest of a connection evicted for room: it was reported, and
	 * taking it back would only evict another (until it idles out). */
	if (!(p->flags & TH_SYN)) {
		struct evicted *e = &evicted[h & (FLOW_EVICTED_SLOTS - 1)];

		if (e->at != 0 && e->hash == h &&
		    e->at + (uint64_t)cfg->idle_timeout * 1000000u >
		    clock_us) {
			e->at = clock_us;
			STAT_INC(FLOW_EVICTED_PKTS);
			return NULL;
		}
	}

	/* Lingering closed flows take table room too. */
	if (active.n + closed.n >= cfg->max_flows / share &&
	    !flow_evict_one())
		return NULL;
	if ((f = budget_alloc(sizeof(*f))) == NULL)
		return NULL;
	f->c.id = next_id++;
	f->hash = h;
	f->c.family = p->family;
	f->c.vlan = p->vlan;
	f->c.first_ts = f->c.last_ts = p->ts;
	f->touched = clock_us;
	f->c.origin = p->origin;
	f->c.first_pktno = p->pktno;
	if (sender_is_client) {
		memcpy(f->c.cli, p->src, 16);
		memcpy(f->c.srv, p->dst, 16);
		f->c.cli_port = p->sport;
		f->c.srv_port = p->dport;
		*dir = DIR_C2S;
	} else {
		memcpy(f->c.cli, p->dst, 16);
		memcpy(f->c.srv, p->src, 16);
		f->c.cli_port = p->dport;
		f->c.srv_port = p->sport;
		*dir = DIR_S2C;
	}
	if (pm != 0) {
		f->c.proto = pm & PORT_PROTO_MASK;
		if (pm & PORT_IMPLICIT)
			f->c.fflags |= FLOW_F_IMPLICIT;
	} else if (cfg->dpi_enabled) {
		f->c.proto = PROTO_NONE;		/* nDPI will say */
		f->c.fflags |= FLOW_F_DPI;
	} else {
		f->c.proto = PROTO_TLS;
		f->c.fflags |= FLOW_F_IMPLICIT;
	}
	if (!(p->flags & TH_SYN)) {
		f->c.fflags |= FLOW_F_MIDSTREAM;
		STAT_INC(FLOW_MIDSTREAM);
	}
	f->hnext = buckets[h & (nbuckets - 1)];
	buckets[h & (nbuckets - 1)] = f;
	list_append(&active, f);
	STAT_INC(FLOW_CREATED);
	if (active.n + closed.n > nbuckets && nbuckets < nbuckets_max)
		flow_grow();
	return f;
}

/*
 * The table doubles when it holds more flows than buckets, up to what
 * max_flows needs: a sensor with a few thousand connections keeps its
 * buckets in cache, one with a hundred thousand gets its chains short.
 * Without memory for the bigger array the chains just get longer.
 */
static void
flow_grow(void)
{
	struct flow	**nb, *f, *next;
	size_t		  n = nbuckets * 2, i;

	if ((nb = calloc(n, sizeof(*nb))) == NULL)
		return;
	for (i = 0; i < nbuckets; i++)
		for (f = buckets[i]; f != NULL; f = next) {
			next = f->hnext;
			f->hnext = nb[f->hash & (n - 1)];
			nb[f->hash & (n - 1)] = f;
		}
	free(buckets);
	buckets = nb;
	nbuckets = n;
}

static void
flow_unhash(struct flow *f)
{
	struct flow	**pp;

	for (pp = &buckets[f->hash & (nbuckets - 1)]; *pp != NULL;
	    pp = &(*pp)->hnext)
		if (*pp == f) {
			*pp = f->hnext;
			break;
		}
}

/* Free what the parsers hold; the flow itself stays for lingering. */
void
flow_release_state(struct flow *f)
{
	reasm_free(&f->stream[DIR_C2S]);
	reasm_free(&f->stream[DIR_S2C]);
	mail_free(&f->c);
	tls_free(&f->c);
	classify_free(&f->c);
	verdict_free(&f->c.sess);
}

static void
flow_destroy(struct flow *f)
{
	if (f == jump_flow)
		jump_flow = NULL;
	flow_unhash(f);
	if (f->c.fflags & FLOW_F_CLOSED)
		list_remove(&closed, f);
	else
		list_remove(&active, f);
	flow_release_state(f);
	budget_free(f, sizeof(*f));
}

/*
 * The session is over: deliver what reassembly still holds, write the
 * event, free the parsers.  After FIN/RST the flow lingers on the closed
 * list; otherwise it is gone.
 */
static void
flow_end(struct flow *f, enum end why)
{
	struct flow	*was = current;

	if (f->c.fflags & FLOW_F_CLOSED)
		return;
	/* Its parsers see its last bytes and may allocate: not it. */
	current = f;
	if (f->c.fflags & FLOW_F_DPI)	/* ended before nDPI decided */
		flow_dpi_conclude(f);
	reasm_flush(&f->c, f->stream, DIR_C2S);
	reasm_flush(&f->c, f->stream, DIR_S2C);
	f->c.sess.stream_gap = f->stream[DIR_C2S].gaps > 0 ||
	    f->stream[DIR_S2C].gaps > 0;
	f->c.sess.stream_conflict = f->stream[DIR_C2S].conflicts > 0 ||
	    f->stream[DIR_S2C].conflicts > 0;
	f->c.sess.end = (uint8_t)why;
	verdict_finish(&f->c);
	current = was;
	switch (why) {
	case END_FIN:
	case END_RST:
		STAT_INC(FLOW_CLOSED);
		flow_release_state(f);
		list_remove(&active, f);
		f->c.fflags |= FLOW_F_CLOSED;
		f->touched = clock_us;
		list_append(&closed, f);
		break;
	case END_TIMEOUT:
		STAT_INC(FLOW_TIMEOUT);
		flow_destroy(f);
		break;
	case END_EVICTED:
		STAT_INC(FLOW_EVICTED);
		evicted[f->hash & (FLOW_EVICTED_SLOTS - 1)] =
		    (struct evicted){ f->hash, clock_us | 1 };
		flow_destroy(f);
		break;
	default:
		flow_destroy(f);
		break;
	}
}

/*
 * Make room: end the least recently used flow other than the one in hand;
 * false if there is none.  Closed flows go first (their event is written), then,
 * among the FLOW_EVICT_SCAN least recently used, one that never carried a
 * byte of payload -- the half-open connections of a SYN flood -- so that a
 * flood does not push out the mail sessions it hides.
 */
static bool
flow_evict_one(void)
{
	struct flow	*f, *victim = NULL;
	int		 n;

	if (closed.head != NULL) {
		flow_destroy(closed.head);
		return true;
	}
	for (f = active.head, n = 0; f != NULL && n < FLOW_EVICT_SCAN;
	    f = f->next, n++) {
		if (f == current)
			continue;
		if (victim == NULL)
			victim = f;
		if (f->c.bytes[DIR_C2S] == 0 && f->c.bytes[DIR_S2C] == 0) {
			victim = f;
			break;
		}
	}
	if (victim == NULL)
		return false;
	evicting = true;
	flow_end(victim, END_EVICTED);
	evicting = false;
	return true;
}

/*
 * Housekeeping with the table clock: idle and lingering flows, closing
 * alert windows, the outputs' queues.
 */
static void
flow_sweep(void)
{
	uint64_t	idle = (uint64_t)cfg->idle_timeout * 1000000u;
	uint64_t	linger = (uint64_t)cfg->linger * 1000000u;

	while (closed.head != NULL && closed.head->touched + linger <= clock_us)
		flow_destroy(closed.head);
	while (active.head != NULL && active.head->touched + idle <= clock_us)
		flow_end(active.head, END_TIMEOUT);
	output_lock();
	verdict_tick(clock_us);
	if (!output_threaded())
		output_tick();
	output_unlock();
}

/*
 * The table clock follows packet time, never back.  A jump forward of more
 * than FLOW_CLOCK_JUMP is believed only when the next packet agrees: one
 * packet with a broken timestamp (a glitching NIC, a crafted frame) must
 * not time out every open session.  A real jump -- a capture that resumes
 * after a pause, the next file of a rotation -- costs one packet's delay.
 */
static void
flow_clock(uint64_t ts)
{
	uint64_t	jump = (uint64_t)FLOW_CLOCK_JUMP * 1000000u;

	if (ts <= clock_us + jump || clock_us == 0) {
		if (ts > clock_us)
			clock_us = ts;
		jump_ts = 0;
		jump_flow = NULL;
		return;
	}
	if (jump_ts != 0 && ts + jump >= jump_ts && ts <= jump_ts + jump) {
		clock_us = ts;		/* a second packet agrees */
		jump_ts = 0;
		/* The flow of the first one was touched at the old time:
		 * it is as fresh as the new one. */
		if (jump_flow != NULL && !(jump_flow->c.fflags & FLOW_F_CLOSED)) {
			jump_flow->touched = clock_us;
			list_remove(&active, jump_flow);
			list_append(&active, jump_flow);
		}
		jump_flow = NULL;
		return;
	}
	if (jump_ts == 0)
		STAT_INC(FLOW_CLOCK_HELD);
	jump_ts = ts;
	jump_flow = NULL;
}

/*
 * Time passes without packets (a quiet live interface): move the clock to
 * now and sweep, so idle sessions still end and their events go out.
 */
void
flow_tick(uint64_t now)
{
	if (now > clock_us)
		clock_us = now;
	last_sweep = clock_us;
	flow_sweep();
}

/* A reloaded configuration: ports, scope and limits from now on. */
void
flow_set_config(const struct config *c)
{
	cfg = c;
	config_set_active(c);
	budget_set_cap(c->memcap / share);
	flow_portmaps(c);
}

/*
 * A flow on no watched port, while nDPI looks at it.  Mail: from now on it
 * is a mail flow like any other, and the bytes reassembled so far are
 * replayed to the parsers.  Not mail: all_tls still takes it as a TLS
 * service (our own parser decides); otherwise it is dropped from
 * inspection and costs a lookup per packet until it ends.
 */
static void
flow_classify(struct flow *f, const struct pkt *p)
{
	uint8_t	proto = PROTO_NONE;
	bool	implicit = false;
	bool	all_tls = cfg->scope == SCOPE_ALL_TLS;

	switch (classify_packet(&f->c, p, cfg->dpi_packets, all_tls, &proto,
	    &implicit)) {
	case CLASSIFY_MORE:
		return;
	case CLASSIFY_FOUND:
		if (proto != PROTO_TLS)
			f->c.fflags |= FLOW_F_BY_DPI;
		break;
	case CLASSIFY_NONE:
		flow_dpi_conclude(f);
		return;
	}
	f->c.fflags &= (uint8_t)~FLOW_F_DPI;
	f->c.proto = proto;
	if (implicit)
		f->c.fflags |= FLOW_F_IMPLICIT;
	reasm_done(f->stream, mail_replay(&f->c));
}

/*
 * nDPI gave up (or the flow ended first): a mail greeting may still say
 * what it is; all_tls takes it as a TLS service; else it is not ours.
 */
static void
flow_dpi_conclude(struct flow *f)
{
	uint8_t	proto;

	f->c.fflags &= (uint8_t)~FLOW_F_DPI;
	if ((proto = mail_sniff(&f->c)) != PROTO_NONE) {
		f->c.fflags |= FLOW_F_BY_BANNER;
		STAT_INC(DPI_BANNER);
		f->c.proto = proto;
		reasm_done(f->stream, mail_replay(&f->c));
		return;
	}
	if (cfg->scope == SCOPE_ALL_TLS) {
		f->c.proto = PROTO_TLS;
		f->c.fflags |= FLOW_F_IMPLICIT;
		reasm_done(f->stream, mail_replay(&f->c));
		return;
	}
	reasm_done(f->stream, DIR_BOTH);
	f->c.fflags |= FLOW_F_KNOWN;
	reasm_free(&f->stream[DIR_C2S]);
	reasm_free(&f->stream[DIR_S2C]);
	mail_free(&f->c);
}

static void
flow_note_close(struct flow *f, int dir, uint8_t how)
{
	if (f->c.sess.close_how[dir] != 0)
		return;
	f->c.sess.close_how[dir] = how;
	f->c.sess.close_order[dir] = ++f->c.sess.nclosed;
}

void
flow_input(const struct pkt *p)
{
	struct flow	*f;
	uint32_t	 h;
	int		 dir = DIR_C2S;

	flow_clock(p->ts);
	if (clock_us >= last_sweep + FLOW_EXPIRE_EVERY * 1000000u) {
		last_sweep = clock_us;
		flow_sweep();
	}
	/* Neither port watched: drop before hashing (the common case),
	 * unless nDPI is to look at such flows -- not at well-known
	 * services that are not mail (dpi.skip_ports). */
	if (cfg->scope == SCOPE_MAIL && !port_watched(p->sport) &&
	    !port_watched(p->dport) && (!cfg->dpi_enabled ||
	    skip_dpi(p->sport) || skip_dpi(p->dport))) {
		STAT_INC(FLOW_NOT_MAIL);
		return;
	}
	h = flow_hash(p->src, p->dst, p->sport, p->dport, p->family);
	f = flow_lookup(p, h, &dir);

	if (f != NULL && (p->flags & (TH_SYN | TH_ACK)) == TH_SYN &&
	    dir == DIR_C2S && (f->c.fflags & FLOW_F_CLOSED ||
	    f->stream[DIR_C2S].delivered > 0 || f->c.bytes[DIR_C2S] > 0)) {
		/* A new connection reusing the 4-tuple. */
		if (!(f->c.fflags & FLOW_F_CLOSED))
			flow_end(f, END_FIN);
		flow_destroy(f);
		f = NULL;
	}
	if (f == NULL && (f = flow_create(p, h, &dir)) == NULL)
		return;
	if (f->c.fflags & FLOW_F_CLOSED) {
		STAT_INC(FLOW_LINGER_PKTS);
		return;
	}

	current = f;		/* no eviction ends it under our feet */
	f->touched = clock_us;
	if (jump_ts != 0 && p->ts == jump_ts)
		jump_flow = f;
	if (p->ts > f->c.last_ts)
		f->c.last_ts = p->ts;
	f->c.pkts[dir]++;
	f->c.bytes[dir] += p->seglen;
	/* To the recent end of the LRU list at most once per FLOW_LRU_GRAIN
	 * of packet time: moving it every packet reads and writes two other
	 * flows (its neighbours), cache misses on the busiest path.  The
	 * list stays in order of f->moved, and touched - moved < the grain,
	 * so a flow idles out at most that much late. */
	if (clock_us - f->moved >= FLOW_LRU_GRAIN * 1000000u &&
	    active.tail != f) {
		list_remove(&active, f);
		list_append(&active, f);
	}
	if (f->c.fflags & FLOW_F_DPI)
		flow_classify(f, p);
	if (!(f->c.fflags & FLOW_F_KNOWN)) {
		reasm_input(&f->c, f->stream, dir, p);
		/* Both sides judged: from now on a packet costs a lookup. */
		if (f->stream[DIR_C2S].flags & f->stream[DIR_S2C].flags &
		    REASM_F_DONE) {
			f->c.fflags |= FLOW_F_KNOWN;
			reasm_free(&f->stream[DIR_C2S]);
			reasm_free(&f->stream[DIR_S2C]);
		}
	} else
		STAT_INC(FLOW_FAST_PKTS);

	if (p->flags & TH_RST) {
		flow_note_close(f, dir, CLOSE_RST);
		flow_end(f, END_RST);
	} else if (p->flags & TH_FIN) {
		flow_note_close(f, dir, CLOSE_FIN);
		if (f->c.sess.close_how[DIR_C2S] && f->c.sess.close_how[DIR_S2C])
			flow_end(f, END_FIN);
	}
	current = NULL;
}

static int
flow_cmp_id(const void *a, const void *b)
{
	const struct flow	*fa = *(const struct flow *const *)a;
	const struct flow	*fb = *(const struct flow *const *)b;

	return fa->c.id < fb->c.id ? -1 : fa->c.id > fb->c.id;
}

/*
 * End of input: every flow still open ends now, oldest first, so the
 * output does not depend on hash layout.
 */
void
flow_flush_all(void)
{
	struct flow	**v, *f;
	size_t		  n = 0, i;

	while (closed.head != NULL)
		flow_destroy(closed.head);
	if (active.n == 0)
		return;
	if ((v = calloc(active.n, sizeof(*v))) == NULL) {
		/* Degrade to LRU order rather than lose events. */
		while (active.head != NULL)
			flow_end(active.head, END_EOF);
		return;
	}
	for (f = active.head; f != NULL; f = f->next)
		v[n++] = f;
	qsort(v, n, sizeof(*v), flow_cmp_id);
	/* Ending a flow may allocate (its parsers see the last bytes);
	 * eviction then would free flows v[] still points to. */
	flushing = true;
	for (i = 0; i < n; i++)
		flow_end(v[i], END_EOF);
	flushing = false;
	free(v);
}

void
flow_fini(void)
{
	flow_flush_all();
	free(buckets);
	buckets = NULL;
}
