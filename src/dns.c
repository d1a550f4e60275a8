/*
 * dns.c -- passive DNS: the name a client asked for, by server address.
 *
 * Receives DNS messages seen on the wire: a UDP payload from port 53, or a
 * TCP payload from port 53 holding length-prefixed messages.  Keeps, per
 * IPv4 or IPv6 address, the question name of the latest response that
 * resolved it, so a session whose ClientHello carries no SNI can still be
 * reported with the server's name (dns_lookup()).
 *
 * Only responses (QR set) to standard queries (opcode 0) with RCODE 0 and a
 * single question of class IN are used, and of those only the answer
 * section: CNAME records are followed from the question name, and the A and
 * AAAA records owned by the end of that chain map to the question name.
 * Answer records not on that chain (an answer section padded with other
 * names) are ignored.  A message that ends early (TC set, or a capture that
 * lost its tail) still yields the records wholly inside it; nothing comes
 * from a record cut short.
 *
 * Deliberately not done: TTLs (packet clocks in captures say little about
 * what a client still has cached: the newest answer for an address wins,
 * however old), the authority and additional sections (glue is not what a
 * client asked for), reassembly of a TCP DNS message split across segments
 * (skipped), DNSSEC, and every other record type.
 *
 * The table: max_entries entries allocated once, a chained hash keyed by
 * SipHash-1-3 with a random per-process key (the addresses in answers are
 * chosen by whoever sends them), and an LRU list.  A full table reuses its
 * least recently used entry (dns.evicted).  A lookup counts as a use, so the
 * servers clients actually connect to survive a flood of other answers.
 *
 * One table for the process, behind a mutex: with capture workers the DNS
 * answer and the mail session that needs it may be seen by different ones.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "caps.h"
#include "dns.h"
#include "hash.h"
#include "reader.h"
#include "stats.h"

/*
 * RFC 1035 4.1.1, the header (12 bytes):
 *
 *	ID(16) | QR(1) OPCODE(4) AA(1) TC(1) RD(1) RA(1) Z(3) RCODE(4) |
 *	QDCOUNT(16) | ANCOUNT(16) | NSCOUNT(16) | ARCOUNT(16)
 *
 * then QDCOUNT questions (4.1.2): QNAME QTYPE(16) QCLASS(16), and ANCOUNT
 * resource records (4.1.3): NAME TYPE(16) CLASS(16) TTL(32) RDLENGTH(16)
 * RDATA.
 */
#define DNS_HDR_LEN	12
#define DNS_F_QR	0x8000
#define DNS_F_TC	0x0200
#define DNS_OPCODE(f)	(((f) >> 11) & 0x0f)
#define DNS_RCODE(f)	((f) & 0x0f)

#define DNS_T_A		1
#define DNS_T_CNAME	5
#define DNS_T_AAAA	28
#define DNS_C_IN	1

#define DNS_NIL		UINT32_MAX	/* no entry (index lists) */

enum dns_res {
	DNS_R_OK,
	DNS_R_SHORT,		/* the message ends first: truncated */
	DNS_R_BAD,		/* the bytes contradict the grammar */
};

/* A name in wire form (length-prefixed labels, the root's 0 last),
 * ASCII lower-cased so that names compare with memcmp (RFC 4343). */
struct dns_name {
	uint8_t		 len;		/* bytes of w, final 0 included */
	uint8_t		 w[DNS_MAX_NAME];
};

/* One answer record we may use. */
struct dns_rr {
	uint16_t	 type;		/* DNS_T_A, DNS_T_AAAA or DNS_T_CNAME */
	bool		 followed;	/* CNAME already taken into the chain */
	struct dns_name	 owner;
	struct dns_name	 target;	/* CNAME only */
	uint8_t		 addr[16];	/* A uses the first 4 bytes */
};

struct dns_entry {
	uint8_t		 addr[16];	/* IPv4 uses the first 4, rest zero */
	uint8_t		 family;	/* 4 or 6 */
	uint32_t	 hnext;		/* next entry in the same bucket */
	uint32_t	 prev, next;	/* LRU list, head least recent */
	char		 name[DNS_NAME_LEN];	/* cleaned question name */
};

static struct dns_entry	*entries;	/* nentries; NULL before dns_init */
static size_t		 nentries;
static size_t		 nused;		/* entries[0 .. nused) are in use */
static uint32_t		*buckets;	/* nbuckets heads of hnext chains */
static size_t		 nbuckets;	/* power of two */
static uint32_t		 lru_head = DNS_NIL, lru_tail = DNS_NIL;
static uint64_t		 sipkey[2];
static struct dns_rr	 rrs[DNS_MAX_ANSWERS];	/* scratch for one message */
static pthread_mutex_t	 dns_mtx = PTHREAD_MUTEX_INITIALIZER;

static void	dns_message(struct rd);
static enum dns_res dns_answer(const struct rd *, struct rd *, size_t,
		    size_t *);
static enum dns_res dns_name_read(const struct rd *, struct rd *, size_t,
		    struct dns_name *);
static bool	dns_name_eq(const struct dns_name *, const struct dns_name *);
static size_t	dns_name_text(const struct dns_name *, char *, size_t);
static void	dns_resolve(const struct dns_name *, size_t);
static uint32_t	dns_hash(uint8_t, const uint8_t *);
static uint32_t	dns_find(uint8_t, const uint8_t *, uint32_t);
static void	dns_put(uint8_t, const uint8_t *, const char *);
static void	dns_unhash(uint32_t);
static void	lru_remove(uint32_t);
static void	lru_append(uint32_t);
static uint8_t	dns_family(int);

/* --- messages ------------------------------------------------------------- */

void
dns_input_udp(const uint8_t *p, size_t n, uint64_t ts)
{
	(void)ts;		/* TTLs and ages are not kept: see the top */
	if (entries == NULL || p == NULL)
		return;
	pthread_mutex_lock(&dns_mtx);
	dns_message(rd_init(p, n));
	pthread_mutex_unlock(&dns_mtx);
}

/*
 * RFC 1035 4.2.2: over TCP each message is preceded by its length (16
 * bits).  Only messages wholly inside this payload are parsed; one that
 * continues into the next segment is left alone (no reassembly here).
 */
void
dns_input_tcp(const uint8_t *p, size_t n, uint64_t ts)
{
	struct rd	r;
	uint16_t	len;

	(void)ts;
	if (entries == NULL || p == NULL)
		return;
	r = rd_init(p, n);
	pthread_mutex_lock(&dns_mtx);
	while (rd_left(&r) >= 2) {
		len = rd_u16(&r);
		/* The rest is in a later segment: not reassembled. */
		if (rd_left(&r) < len)
			break;
		dns_message(rd_sub(&r, len));
	}
	pthread_mutex_unlock(&dns_mtx);
}

/* One message; msg spans exactly its bytes. */
static void
dns_message(struct rd msg)
{
	struct rd	 r = msg;
	struct dns_name	 q;
	enum dns_res	 res;
	size_t		 len = rd_left(&msg), nrr = 0, i;
	uint16_t	 flags, qdcount, ancount, qclass;

	STAT_INC(DNS_MESSAGES);
	rd_skip(&r, 2);				/* ID */
	flags = rd_u16(&r);
	qdcount = rd_u16(&r);
	ancount = rd_u16(&r);
	rd_skip(&r, 4);				/* NSCOUNT, ARCOUNT */
	/* Shorter than a header: not DNS at all. */
	if (r.bad) {
		STAT_INC(DNS_BAD);
		return;
	}
	/* Queries, other opcodes and failed lookups map no address. */
	if (!(flags & DNS_F_QR) || DNS_OPCODE(flags) != 0 ||
	    DNS_RCODE(flags) != 0)
		return;
	/* No question, or several (unused in practice, RFC 9619): there is
	 * no one name the client asked for. */
	if (qdcount != 1)
		return;

	res = dns_name_read(&msg, &r, len, &q);
	rd_skip(&r, 2);				/* QTYPE */
	qclass = rd_u16(&r);
	if (res == DNS_R_OK && r.bad)
		res = DNS_R_SHORT;
	/* Chaos/Hesiod names are no hosts. */
	if (res == DNS_R_OK && qclass != DNS_C_IN)
		return;
	for (i = 0; i < ancount && i < DNS_MAX_ANSWERS && res == DNS_R_OK; i++)
		res = dns_answer(&msg, &r, len, &nrr);
	/* What was complete before any trouble is still an answer. */
	if (nrr > 0)
		dns_resolve(&q, nrr);
	/* A truncated response (TC) may end anywhere; any other message
	 * that runs short lied in a count or a length. */
	if (res == DNS_R_BAD ||
	    (res == DNS_R_SHORT && !(flags & DNS_F_TC)))
		STAT_INC(DNS_BAD);
}

/*
 * One answer record at r, kept in rrs[*nrr] (and *nrr moved on) when it is
 * an A, AAAA or CNAME of class IN.  len is the message's length.
 */
static enum dns_res
dns_answer(const struct rd *msg, struct rd *r, size_t len, size_t *nrr)
{
	struct dns_rr	*rr = &rrs[*nrr];
	struct rd	 rdata;
	enum dns_res	 res;
	uint16_t	 type, class, rdlength;
	size_t		 rdend;

	if ((res = dns_name_read(msg, r, len, &rr->owner)) != DNS_R_OK)
		return res;
	type = rd_u16(r);
	class = rd_u16(r);
	rd_skip(r, 4);				/* TTL: ignored, see the top */
	rdlength = rd_u16(r);
	rdata = rd_sub(r, rdlength);
	/* The record runs past the end of the message. */
	if (r->bad)
		return DNS_R_SHORT;
	rdend = len - rd_left(r);		/* offset just past RDATA */
	if (class != DNS_C_IN)
		return DNS_R_OK;
	switch (type) {
	case DNS_T_A:
	case DNS_T_AAAA:
		/* RFC 1035 3.4.1, RFC 3596 2.2: fixed-size addresses; any
		 * other length is no address we could connect to. */
		if (rdlength != (type == DNS_T_A ? 4 : 16))
			return DNS_R_BAD;
		rd_copy(&rdata, rr->addr, rdlength);
		break;
	case DNS_T_CNAME:
		/* RDATA is exactly one name (3.3.1): a name running past
		 * RDLENGTH, or bytes after it, mean the lengths lie. */
		res = dns_name_read(msg, &rdata, rdend, &rr->target);
		if (res != DNS_R_OK || rd_left(&rdata) != 0)
			return DNS_R_BAD;
		break;
	default:
		return DNS_R_OK;		/* other types: skipped */
	}
	rr->type = type;
	rr->followed = false;
	(*nrr)++;
	return DNS_R_OK;
}

/*
 * A (possibly compressed) name at r, whose end is at offset endoff of the
 * message msg (the whole message, at offset 0).
 *
 * RFC 1035 4.1.4: a name is labels (length 0-63, then that many bytes)
 * ending in the root's 0, or in a pointer: two bytes 11xxxxxx xxxxxxxx, the
 * offset in the message where the rest of the name is.  Each pointer must
 * lead strictly before the labels that contained it (compressors point only
 * at names already written), so offsets fall with every jump and no loop
 * can be built; jumps are capped anyway and the whole name, however
 * assembled, may not exceed 255 bytes (2.3.4).  r ends just past the
 * first pointer, or past the root label when there is none.
 *
 * DNS_R_SHORT when r runs out; DNS_R_BAD for anything else wrong,
 * including labels a pointer leads to that run off the message (the
 * message holds all it points to even when its tail was lost).
 */
static enum dns_res
dns_name_read(const struct rd *msg, struct rd *r, size_t endoff,
    struct dns_name *n)
{
	struct rd	 jump;
	struct rd	*cur = r;	/* where the labels are read now */
	enum dns_res	 ran_out = DNS_R_SHORT;
	size_t		 start, target, i;
	unsigned	 jumps = 0;
	uint8_t		 c;

	n->len = 0;
	if (r->bad)
		return DNS_R_SHORT;
	start = endoff - rd_left(r);	/* offset of the labels read now */
	for (;;) {
		c = rd_u8(cur);
		if (cur->bad)
			return ran_out;
		switch (c & 0xc0) {
		case 0x00:
			if (c == 0) {			/* the root: done */
				n->w[n->len++] = 0;
				return DNS_R_OK;
			}
			/* Room for this label and the final 0 (2.3.4). */
			if ((size_t)n->len + 1 + c + 1 > DNS_MAX_NAME)
				return DNS_R_BAD;
			n->w[n->len] = c;
			rd_copy(cur, &n->w[n->len + 1], c);
			if (cur->bad)
				return ran_out;
			for (i = 0; i < c; i++)		/* RFC 4343 */
				if (n->w[n->len + 1 + i] >= 'A' &&
				    n->w[n->len + 1 + i] <= 'Z')
					n->w[n->len + 1 + i] += 'a' - 'A';
			n->len = (uint8_t)(n->len + 1 + c);
			break;
		case 0xc0:
			target = (size_t)(c & 0x3f) << 8 | rd_u8(cur);
			if (cur->bad)
				return ran_out;
			/* Forward, or back into the same labels: a loop. */
			if (target >= start)
				return DNS_R_BAD;
			/* Into the header: no name is there. */
			if (target < DNS_HDR_LEN)
				return DNS_R_BAD;
			/* Chains of pointers burn time, not name length. */
			if (++jumps > DNS_MAX_PTRS)
				return DNS_R_BAD;
			jump = *msg;
			rd_skip(&jump, target);
			cur = &jump;
			start = target;
			ran_out = DNS_R_BAD;
			break;
		default:
			/* 01: extended label types (RFC 6891 retired the only
			 * one), 10: reserved. */
			return DNS_R_BAD;
		}
	}
}

static bool
dns_name_eq(const struct dns_name *a, const struct dns_name *b)
{
	return a->len == b->len && memcmp(a->w, b->w, a->len) == 0;
}

/*
 * The name as a printable host name without the final dot: lower-case
 * letters, digits, '-' and '_' are kept, every other byte (a '.' inside a
 * label, spaces, controls, non-ASCII) becomes '?', so that no label can
 * pass for two and nothing unprintable reaches an event.  Returns the
 * length (0 for the root); outlen is DNS_NAME_LEN.
 */
static size_t
dns_name_text(const struct dns_name *n, char *out, size_t outlen)
{
	size_t	i = 0, o = 0, end;
	uint8_t	b;

	/* At most 253 bytes and the NUL (2.3.4); outlen only guards. */
	while (i < n->len && n->w[i] != 0 && o + 1 + n->w[i] < outlen) {
		end = i + 1 + n->w[i];
		if (o > 0)
			out[o++] = '.';
		for (i++; i < end; i++) {
			b = n->w[i];
			out[o++] = (char)((b >= 'a' && b <= 'z') ||
			    (b >= '0' && b <= '9') || b == '-' || b == '_' ?
			    b : '?');
		}
	}
	out[o] = '\0';
	return o;
}

/*
 * Follow the CNAME chain from the question name q through rrs[0 .. nrr),
 * then map every A/AAAA record owned by the chain's end to q.  The chain
 * may be out of order, so the records are walked again while it grows;
 * each CNAME is taken once, so a loop of CNAMEs ends, and the chain is
 * capped at DNS_MAX_CHAIN links (resolvers give up earlier).
 */
static void
dns_resolve(const struct dns_name *q, size_t nrr)
{
	const struct dns_name	*end = q;
	char			 text[DNS_NAME_LEN];
	size_t			 i, links = 0;
	bool			 grew;

	do {
		grew = false;
		for (i = 0; i < nrr && links < DNS_MAX_CHAIN; i++) {
			if (rrs[i].type != DNS_T_CNAME || rrs[i].followed ||
			    !dns_name_eq(&rrs[i].owner, end))
				continue;
			rrs[i].followed = true;
			end = &rrs[i].target;
			links++;
			grew = true;
		}
	} while (grew && links < DNS_MAX_CHAIN);

	/* The root is no host name. */
	if (dns_name_text(q, text, sizeof(text)) == 0)
		return;
	for (i = 0; i < nrr; i++) {
		if (rrs[i].type == DNS_T_CNAME ||
		    !dns_name_eq(&rrs[i].owner, end))
			continue;
		dns_put(rrs[i].type == DNS_T_A ? 4 : 6, rrs[i].addr, text);
	}
}

/* --- the table ------------------------------------------------------------ */

int
dns_init(size_t max_entries)
{
	size_t	i;

	dns_fini();
	if (max_entries == 0)
		max_entries = DNS_DEF_ENTRIES;
	if (max_entries > DNS_MAX_ENTRIES)
		return -1;
	for (nbuckets = 16; nbuckets < max_entries; nbuckets <<= 1)
		;
	if ((entries = calloc(max_entries, sizeof(*entries))) == NULL ||
	    (buckets = calloc(nbuckets, sizeof(*buckets))) == NULL)
		goto fail;
	if (hash_key(sipkey) != 0)
		goto fail;
	for (i = 0; i < nbuckets; i++)
		buckets[i] = DNS_NIL;
	nentries = max_entries;
	return 0;
fail:
	dns_fini();
	return -1;
}

void
dns_fini(void)
{
	free(entries);
	free(buckets);
	entries = NULL;
	buckets = NULL;
	nentries = nused = nbuckets = 0;
	lru_head = lru_tail = DNS_NIL;
}

size_t
dns_count(void)
{
	return nused;
}

/* 4 or 6 from either the decoder's numbers or AF_INET / AF_INET6; 0 else. */
static uint8_t
dns_family(int family)
{
	if (family == 4 || family == AF_INET)
		return 4;
	if (family == 6 || family == AF_INET6)
		return 6;
	return 0;
}

bool
dns_lookup(int family, const uint8_t *addr, char *name, size_t namelen)
{
	uint8_t		 key[16] = { 0 };
	uint8_t		 fam = dns_family(family);
	uint32_t	 e;
	size_t		 n;

	if (entries == NULL || fam == 0 || addr == NULL)
		return false;
	memcpy(key, addr, fam == 4 ? 4 : 16);
	pthread_mutex_lock(&dns_mtx);
	if ((e = dns_find(fam, key, dns_hash(fam, key))) == DNS_NIL) {
		pthread_mutex_unlock(&dns_mtx);
		return false;
	}
	lru_remove(e);				/* a use: now the most recent */
	lru_append(e);
	if (name != NULL && namelen > 0) {
		n = strlen(entries[e].name);
		if (n > namelen - 1)
			n = namelen - 1;
		memcpy(name, entries[e].name, n);
		name[n] = '\0';
	}
	pthread_mutex_unlock(&dns_mtx);
	return true;
}

static uint32_t
dns_hash(uint8_t family, const uint8_t *key)
{
	uint64_t	w[3];

	memcpy(&w[0], key, 8);
	memcpy(&w[1], key + 8, 8);
	w[2] = family;
	return (uint32_t)hash_words(sipkey, w, 3);
}

static uint32_t
dns_find(uint8_t family, const uint8_t *key, uint32_t h)
{
	uint32_t	e;

	for (e = buckets[h & (nbuckets - 1)]; e != DNS_NIL;
	    e = entries[e].hnext)
		if (entries[e].family == family &&
		    memcmp(entries[e].addr, key, 16) == 0)
			return e;
	return DNS_NIL;
}

/* Remember addr -> name; a newer answer for an address replaces the name. */
static void
dns_put(uint8_t family, const uint8_t *addr, const char *name)
{
	uint8_t		 key[16] = { 0 };
	uint32_t	 h, e;
	size_t		 n = strlen(name);

	memcpy(key, addr, family == 4 ? 4 : 16);
	h = dns_hash(family, key);
	if ((e = dns_find(family, key, h)) != DNS_NIL) {
		lru_remove(e);
	} else {
		if (nused < nentries) {
			e = (uint32_t)nused++;
		} else {	/* full: reuse the least recently used */
			e = lru_head;
			dns_unhash(e);
			lru_remove(e);
			STAT_INC(DNS_EVICTED);
		}
		memcpy(entries[e].addr, key, 16);
		entries[e].family = family;
		entries[e].hnext = buckets[h & (nbuckets - 1)];
		buckets[h & (nbuckets - 1)] = e;
	}
	memcpy(entries[e].name, name, n + 1);
	lru_append(e);
	STAT_INC(DNS_ANSWERS);
}

static void
dns_unhash(uint32_t e)
{
	uint32_t	*pp;

	pp = &buckets[dns_hash(entries[e].family, entries[e].addr) &
	    (nbuckets - 1)];
	for (; *pp != DNS_NIL; pp = &entries[*pp].hnext)
		if (*pp == e) {
			*pp = entries[e].hnext;
			break;
		}
	entries[e].hnext = DNS_NIL;
}

static void
lru_remove(uint32_t e)
{
	if (entries[e].prev != DNS_NIL)
		entries[entries[e].prev].next = entries[e].next;
	else
		lru_head = entries[e].next;
	if (entries[e].next != DNS_NIL)
		entries[entries[e].next].prev = entries[e].prev;
	else
		lru_tail = entries[e].prev;
	entries[e].prev = entries[e].next = DNS_NIL;
}

static void
lru_append(uint32_t e)
{
	entries[e].next = DNS_NIL;
	entries[e].prev = lru_tail;
	if (lru_tail != DNS_NIL)
		entries[lru_tail].next = e;
	else
		lru_head = e;
	lru_tail = e;
}
