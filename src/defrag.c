/*
 * defrag.c -- IP fragment reassembly, for decode.c (pipeline stage 2).
 *
 * Mail clients and servers set DF and do not fragment, but the path from a
 * mirror port often does: ERSPAN or GRE adds 50 bytes to a full-size frame
 * and a 1500-byte transport MTU splits the outer datagram, and then every
 * full segment of the session (the one carrying a ServerHello and its
 * certificates, say) arrives in two fragments.  decode.c hands each IPv4
 * or IPv6 fragment here; when a datagram is complete it gets back one
 * buffer, an IP header that no longer says "fragment" followed by the
 * whole payload, and decodes that as if it had been captured so.
 *
 * The key is RFC 791's (source, destination, protocol, identification) for
 * IPv4 and RFC 8200's (source, destination, identification) for IPv6, plus
 * the outermost VLAN.  Payload is kept in 8-byte blocks, as offsets count:
 * the first copy of a block wins and a later copy that disagrees is
 * counted (defrag.overlap_conflicts), the policy of reasm.c for TCP.  What
 * the wire may make us hold is bounded (caps.h): DEFRAG_MAX_DGRAMS
 * datagrams, DEFRAG_MEMCAP bytes, DEFRAG_TIMEOUT seconds of packet time
 * from a datagram's first fragment, the oldest given up first.  A fragment
 * the snaplen cut cannot complete anything and is dropped (counted).
 *
 * One table per thread, like the flow table (capture.workers).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "defrag.h"
#include "hash.h"
#include "reader.h"
#include "stats.h"

#define DEFRAG_HEADROOM		60	/* the largest IPv4 header */
#define DEFRAG_BLOCKS		((DEFRAG_MAX_LEN + 7) / 8)

struct dgram {
	struct dgram	*hnext;		/* hash chain */
	struct dgram	*prev, *next;	/* by first fragment: oldest first */
	uint64_t	 first_ts;	/* us, packet time of the first seen */
	uint32_t	 hash;
	uint32_t	 id;
	uint8_t		 family;	/* 4 or 6 */
	uint8_t		 proto;		/* IPv4 protocol; IPv6 next header */
	uint16_t	 vlan;
	uint8_t		 src[16], dst[16];
	uint8_t		 hdr[DEFRAG_HEADROOM];	/* of the offset-0 fragment */
	uint8_t		 hlen;		/* 0 until that fragment came */
	bool		 last;		/* the fragment without MF came */
	uint32_t	 total;		/* payload bytes, once last */
	uint32_t	 maxend;	/* highest end of any fragment */
	uint32_t	 nblocks;	/* 8-byte blocks present */
	uint8_t		*buf;		/* DEFRAG_HEADROOM, then payload */
	uint32_t	 cap;		/* payload bytes buf has room for */
	uint8_t		 have[(DEFRAG_BLOCKS + 7) / 8];	/* block bitmap */
};

struct dgram_list {
	struct dgram	*head, *tail;
	size_t		 n;
};

#define TL	static _Thread_local
TL struct dgram		*buckets[DEFRAG_BUCKETS];
TL struct dgram_list	 fifo;
TL size_t		 mem_used;
TL uint64_t		 sipkey[2];
TL bool			 keyed;
#undef TL

static struct dgram *dgram_find(uint8_t, const uint8_t *, const uint8_t *,
		    uint32_t, uint8_t, uint16_t, uint32_t);
static struct dgram *dgram_new(uint8_t, const uint8_t *, const uint8_t *,
		    uint32_t, uint8_t, uint16_t, uint32_t, uint64_t);
static void	dgram_unlink(struct dgram *);
static void	dgram_destroy(struct dgram *);
static void	dgram_free(struct dgram *);
static void	dgram_expire(uint64_t);
static bool	dgram_room(struct dgram *, uint32_t);
static int	dgram_add(struct dgram *, const uint8_t *, uint32_t,
		    uint32_t, bool);

static uint32_t
defrag_hash(uint8_t family, const uint8_t *src, const uint8_t *dst,
    uint32_t id, uint8_t proto, uint16_t vlan)
{
	uint64_t	w[5];

	w[0] = rd_ne64(src);
	w[1] = rd_ne64(src + 8);
	w[2] = rd_ne64(dst);
	w[3] = rd_ne64(dst + 8);
	w[4] = (uint64_t)id << 32 | (uint64_t)vlan << 16 |
	    (uint64_t)proto << 8 | family;
	return (uint32_t)hash_words(sipkey, w, 5);
}

static struct dgram *
dgram_find(uint8_t family, const uint8_t *src, const uint8_t *dst,
    uint32_t id, uint8_t proto, uint16_t vlan, uint32_t h)
{
	struct dgram	*d;

	for (d = buckets[h % DEFRAG_BUCKETS]; d != NULL; d = d->hnext)
		if (d->hash == h && d->family == family && d->id == id &&
		    d->vlan == vlan && (family == 6 || d->proto == proto) &&
		    memcmp(d->src, src, 16) == 0 &&
		    memcmp(d->dst, dst, 16) == 0)
			return d;
	return NULL;
}

static struct dgram *
dgram_new(uint8_t family, const uint8_t *src, const uint8_t *dst,
    uint32_t id, uint8_t proto, uint16_t vlan, uint32_t h, uint64_t ts)
{
	struct dgram	*d;

	/* Room: the oldest datagram goes first (it is the likeliest to
	 * have lost a fragment). */
	while (fifo.head != NULL && (fifo.n >= DEFRAG_MAX_DGRAMS ||
	    mem_used + sizeof(*d) > DEFRAG_MEMCAP)) {
		STAT_INC(DEFRAG_EVICTED);
		dgram_free(fifo.head);
	}
	if ((d = calloc(1, sizeof(*d))) == NULL) {
		STAT_INC(DEFRAG_NO_MEM);
		return NULL;
	}
	mem_used += sizeof(*d);
	d->family = family;
	d->proto = proto;
	d->id = id;
	d->vlan = vlan;
	d->hash = h;
	d->first_ts = ts;
	memcpy(d->src, src, 16);
	memcpy(d->dst, dst, 16);
	d->hnext = buckets[h % DEFRAG_BUCKETS];
	buckets[h % DEFRAG_BUCKETS] = d;
	d->prev = fifo.tail;
	if (fifo.tail != NULL)
		fifo.tail->next = d;
	else
		fifo.head = d;
	fifo.tail = d;
	fifo.n++;
	return d;
}

/* Out of the table and the list; the memory is still the datagram's. */
static void
dgram_unlink(struct dgram *d)
{
	struct dgram	**pp;

	for (pp = &buckets[d->hash % DEFRAG_BUCKETS]; *pp != NULL;
	    pp = &(*pp)->hnext)
		if (*pp == d) {
			*pp = d->hnext;
			break;
		}
	if (d->prev != NULL)
		d->prev->next = d->next;
	else
		fifo.head = d->next;
	if (d->next != NULL)
		d->next->prev = d->prev;
	else
		fifo.tail = d->prev;
	d->prev = d->next = d->hnext = NULL;
	fifo.n--;
}

/* The memory of a datagram already out of the table. */
static void
dgram_destroy(struct dgram *d)
{
	mem_used -= sizeof(*d) + (d->buf != NULL ? DEFRAG_HEADROOM + d->cap :
	    0);
	free(d->buf);
	free(d);
}

static void
dgram_free(struct dgram *d)
{
	dgram_unlink(d);
	dgram_destroy(d);
}

/* Datagrams whose first fragment is older than DEFRAG_TIMEOUT. */
static void
dgram_expire(uint64_t ts)
{
	uint64_t	timeout = (uint64_t)DEFRAG_TIMEOUT * 1000000u;

	while (fifo.head != NULL && fifo.head->first_ts + timeout <= ts) {
		STAT_INC(DEFRAG_INCOMPLETE);
		dgram_free(fifo.head);
	}
}

/* Room in d's buffer for payload bytes up to end. */
static bool
dgram_room(struct dgram *d, uint32_t end)
{
	uint32_t	 cap;
	uint8_t		*nb;

	if (end <= d->cap)
		return true;
	/* Whole kilobytes, doubling: a datagram built from many small
	 * fragments does not reallocate for each. */
	cap = d->cap < 1024 ? 1024 : d->cap * 2;
	while (cap < end)
		cap *= 2;
	if (cap > DEFRAG_MAX_LEN)
		cap = DEFRAG_MAX_LEN;
	while (fifo.head != NULL && fifo.head != d &&
	    mem_used + (cap - d->cap) > DEFRAG_MEMCAP) {
		STAT_INC(DEFRAG_EVICTED);
		dgram_free(fifo.head);
	}
	if (mem_used + (cap - d->cap) > DEFRAG_MEMCAP ||
	    (nb = realloc(d->buf, DEFRAG_HEADROOM + (size_t)cap)) == NULL) {
		STAT_INC(DEFRAG_NO_MEM);
		return false;
	}
	if (d->buf == NULL)
		mem_used += DEFRAG_HEADROOM;
	mem_used += cap - d->cap;
	d->buf = nb;
	d->cap = cap;
	return true;
}

/*
 * The fragment's bytes into d's blocks; the first copy of a block stays.
 * Returns -1 when the fragment contradicts the datagram (ends that do not
 * agree), -2 when there is no memory for it (counted): the caller then
 * drops the datagram.
 */
static int
dgram_add(struct dgram *d, const uint8_t *data, uint32_t len, uint32_t off,
    bool more)
{
	uint32_t	end = off + len, b, blo, bhi, at, n;
	bool		conflict = false;

	if (more) {
		if (d->last && end > d->total)
			return -1;
	} else {
		if ((d->last && end != d->total) || end < d->maxend)
			return -1;
		d->last = true;
		d->total = end;
	}
	if (end > d->maxend)
		d->maxend = end;
	if (len == 0)
		return 0;
	if (!dgram_room(d, end))
		return -2;
	blo = off / 8;
	bhi = (end + 7) / 8;
	for (b = blo; b < bhi; b++) {
		at = b * 8;
		n = end - at < 8 ? end - at : 8;
		if (d->have[b / 8] & (1u << (b % 8))) {
			if (memcmp(d->buf + DEFRAG_HEADROOM + at,
			    data + (at - off), n) != 0)
				conflict = true;
			continue;
		}
		memcpy(d->buf + DEFRAG_HEADROOM + at, data + (at - off), n);
		d->have[b / 8] |= (uint8_t)(1u << (b % 8));
		d->nblocks++;
	}
	if (conflict)
		STAT_INC(DEFRAG_OVERLAP);
	return 0;
}

/*
 * The common part of both families: find or start the datagram, add the
 * fragment, and when nothing is missing hand the whole of it out.
 */
static int
defrag_input(uint8_t family, const uint8_t *src, const uint8_t *dst,
    uint32_t id, uint8_t proto, uint16_t vlan, const uint8_t *hdr,
    size_t hlen, const uint8_t *data, size_t len, uint32_t off, int more,
    uint64_t ts, struct defrag_out *out)
{
	struct dgram	*d;
	uint32_t	 h;
	uint8_t		*p;
	int		 rc;

	STAT_INC(DEFRAG_FRAGMENTS);
	if (!keyed) {
		if (hash_key(sipkey) != 0)
			memset(sipkey, 0, sizeof(sipkey));
		keyed = true;
	}
	dgram_expire(ts);
	/* Every fragment but the last carries whole 8-byte blocks; none
	 * reaches past what a datagram can hold. */
	if ((more && (len % 8 != 0 || len == 0)) ||
	    (uint64_t)off + len > DEFRAG_MAX_LEN ||
	    (family == 4 && (uint64_t)off + len + hlen > 65535)) {
		STAT_INC(DEFRAG_BAD);
		return 0;
	}
	h = defrag_hash(family, src, dst, id, family == 4 ? proto : 0, vlan);
	if ((d = dgram_find(family, src, dst, id, proto, vlan, h)) == NULL &&
	    (d = dgram_new(family, src, dst, id, proto, vlan, h, ts)) == NULL)
		return 0;
	if ((rc = dgram_add(d, data, (uint32_t)len, off, more)) != 0) {
		if (rc == -1)
			STAT_INC(DEFRAG_BAD);
		dgram_free(d);
		return 0;
	}
	if (off == 0 && d->hlen == 0) {
		memcpy(d->hdr, hdr, hlen);
		d->hlen = (uint8_t)hlen;
		d->proto = proto;
	}
	if (!d->last || d->hlen == 0 || d->nblocks != (d->total + 7) / 8)
		return 0;
	/* Whole: the first fragment's header, saying so, before the
	 * payload.  Out of the table, so that nothing decoded from it can
	 * evict it while it is in use. */
	if (d->family == 4 && (size_t)d->hlen + d->total > 65535) {
		STAT_INC(DEFRAG_BAD);
		dgram_free(d);
		return 0;
	}
	if (d->total == 0 && !dgram_room(d, 1)) {
		dgram_free(d);
		return 0;
	}
	dgram_unlink(d);
	p = d->buf + DEFRAG_HEADROOM - d->hlen;
	memcpy(p, d->hdr, d->hlen);
	if (d->family == 4) {
		p[2] = (uint8_t)((d->hlen + d->total) >> 8);
		p[3] = (uint8_t)(d->hlen + d->total);
		p[6] = 0;			/* no MF, offset 0 */
		p[7] = 0;
	} else {
		p[4] = (uint8_t)(d->total >> 8);
		p[5] = (uint8_t)d->total;
		p[6] = d->proto;		/* fragment header gone */
	}
	STAT_INC(DEFRAG_DONE);
	out->data = p;
	out->len = d->hlen + (size_t)d->total;
	out->d = d;
	return 1;
}

int
defrag_ipv4(const uint8_t *hdr, size_t hlen, const uint8_t *data, size_t len,
    uint32_t off, int more, uint16_t vlan, uint64_t ts,
    struct defrag_out *out)
{
	uint8_t		src[16] = { 0 }, dst[16] = { 0 };
	uint32_t	id;

	/* Shorter than a bare header: nothing below may read it. */
	if (hlen < 20 || hlen > DEFRAG_HEADROOM) {
		STAT_INC(DEFRAG_BAD);
		return 0;
	}
	id = (uint32_t)hdr[4] << 8 | hdr[5];
	memcpy(src, hdr + 12, 4);
	memcpy(dst, hdr + 16, 4);
	return defrag_input(4, src, dst, id, hdr[9], vlan, hdr, hlen, data,
	    len, off, more, ts, out);
}

int
defrag_ipv6(const uint8_t *hdr, uint8_t next, uint32_t id,
    const uint8_t *data, size_t len, uint32_t off, int more, uint16_t vlan,
    uint64_t ts, struct defrag_out *out)
{
	return defrag_input(6, hdr + 8, hdr + 24, id, next, vlan, hdr, 40,
	    data, len, off, more, ts, out);
}

void
defrag_release(struct defrag_out *out)
{
	if (out->d == NULL)
		return;
	dgram_destroy(out->d);
	out->d = NULL;
	out->data = NULL;
	out->len = 0;
}

void
defrag_fini(void)
{
	while (fifo.head != NULL) {
		STAT_INC(DEFRAG_INCOMPLETE);
		dgram_free(fifo.head);
	}
}
