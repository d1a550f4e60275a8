/*
 * pcapng.c -- read pcapng files block by block, bounds-checked.
 *
 * libpcap 1.10 reads pcapng only while every interface of a file has the
 * link type and the snapshot length of the first; mergecap writes files
 * whose interfaces differ (an Ethernet capture merged with a Linux cooked
 * one), and libpcap refuses them whole.  This reader keeps each
 * interface's own link type, snapshot length and time resolution, so
 * every packet goes down the pipeline with its own link type, as tshark
 * reads it.
 *
 * Blocks (pcapng draft, IETF opsawg): Section Header (either byte order;
 * a file may hold several sections, each with its own interfaces),
 * Interface Description (link type, snaplen, options if_tsresol and
 * if_tsoffset), Enhanced Packet, Simple Packet and the obsolete Packet
 * block.  Every other block (name resolution, statistics, decryption
 * secrets, custom, unknown) is read and passed over.
 *
 * Bounds: a block is at most PCAPNG_MAX_BLOCK bytes (what libpcap
 * accepts too) and is read into one buffer that grows to the largest
 * block seen; a section holds at most PCAPNG_MAX_IFACES interfaces.
 * Every field is read through reader.h; a length that disagrees with its
 * block is damage, reported as "packet N: what" by capture.c.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcapng.h"
#include "reader.h"

#define PCAPNG_MAX_BLOCK	(16u << 20)	/* bytes, header included */
#define PCAPNG_MAX_IFACES	4096		/* per section */

#define BT_SHB		0x0A0D0D0Au
#define BT_IDB		0x00000001u
#define BT_PB		0x00000002u	/* obsolete Packet Block */
#define BT_SPB		0x00000003u
#define BT_EPB		0x00000006u
#define BOM		0x1A2B3C4Du

#define OPT_END		0
#define OPT_TSRESOL	9
#define OPT_TSOFFSET	14

/* 9999-12-31T23:59:59.999999Z: packet time only orders events. */
#define TS_MAX_US	253402300799999999ull

struct iface {
	int		link;
	uint32_t	snaplen;	/* 0: none */
	uint8_t		tsresol;	/* if_tsresol as written */
	int64_t		tsoffset;	/* s */
};

struct pcapng {
	FILE		*fp;
	bool		 be;		/* this section is big-endian */
	struct iface	*ifaces;
	uint32_t	 nifaces, cap;
	uint8_t		*buf;		/* the current block */
	size_t		 bufsize;
	unsigned	 sections;
	uint64_t	 last_ts;	/* us, of the last timed packet */
	char		 err[160];
};

static int	read_block(struct pcapng *, uint32_t *, struct rd *);
static int	section(struct pcapng *, struct rd *);
static int	interface(struct pcapng *, struct rd *);
static int	packet(struct pcapng *, uint32_t, struct rd *,
		    struct pcapng_pkt *);

static int
fail(struct pcapng *pg, const char *what)
{
	snprintf(pg->err, sizeof(pg->err), "%s", what);
	return -1;
}

/* Fields in the section's byte order. */
static uint16_t
get16(const struct pcapng *pg, struct rd *r)
{
	uint16_t	a = rd_u8(r), b = rd_u8(r);

	return pg->be ? (uint16_t)(a << 8 | b) : (uint16_t)(b << 8 | a);
}

static uint32_t
get32(const struct pcapng *pg, struct rd *r)
{
	return pg->be ? rd_u32(r) : rd_u32le(r);
}

/* Two 32-bit words, high first (timestamps are written this way). */
static uint64_t
get_hi_lo(const struct pcapng *pg, struct rd *r)
{
	uint64_t	hi = get32(pg, r);

	return hi << 32 | get32(pg, r);
}

/* A 64-bit option value, all of it in the section's byte order. */
static uint64_t
get64(const struct pcapng *pg, struct rd *r)
{
	uint64_t	a = get32(pg, r), b = get32(pg, r);

	return pg->be ? a << 32 | b : b << 32 | a;
}

struct pcapng *
pcapng_open(FILE *fp, char *err, size_t errlen)
{
	struct pcapng	*pg;
	struct rd	 r;
	uint32_t	 type;
	int		 rc;

	if ((pg = calloc(1, sizeof(*pg))) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	pg->fp = fp;
	if ((rc = read_block(pg, &type, &r)) != 1 || type != BT_SHB) {
		snprintf(err, errlen, "%s", rc == 0 ? "empty pcapng file" :
		    rc == 1 ? "not a pcapng file" : pg->err);
		pcapng_close(pg);
		return NULL;
	}
	if (section(pg, &r) != 0) {
		snprintf(err, errlen, "%s", pg->err);
		pcapng_close(pg);
		return NULL;
	}
	return pg;
}

void
pcapng_close(struct pcapng *pg)
{
	if (pg == NULL)
		return;
	free(pg->ifaces);
	free(pg->buf);
	free(pg);
}

const char *
pcapng_error(const struct pcapng *pg)
{
	return pg->err;
}

unsigned
pcapng_sections(const struct pcapng *pg)
{
	return pg->sections;
}

int
pcapng_next(struct pcapng *pg, struct pcapng_pkt *pkt)
{
	struct rd	r;
	uint32_t	type;
	int		rc;

	for (;;) {
		if ((rc = read_block(pg, &type, &r)) != 1)
			return rc;
		switch (type) {
		case BT_SHB:
			if (section(pg, &r) != 0)
				return -1;
			break;
		case BT_IDB:
			if (interface(pg, &r) != 0)
				return -1;
			break;
		case BT_EPB:
		case BT_SPB:
		case BT_PB:
			return packet(pg, type, &r, pkt) == 0 ? 1 : -1;
		default:
			/* NRB, ISB, DSB, custom, unknown: not ours */
			break;
		}
	}
}

/*
 * The next block: its type and a reader over its body (between the
 * length words).  1: a block; 0: the file ended cleanly between blocks;
 * -1: damage.  A Section Header Block says its own byte order.
 */
static int
read_block(struct pcapng *pg, uint32_t *type, struct rd *body)
{
	uint8_t		 hdr[12];
	struct rd	 r;
	uint32_t	 len, trail;
	size_t		 n, want;
	uint8_t		*nb;

	n = fread(hdr, 1, 8, pg->fp);
	if (n == 0 && !ferror(pg->fp))
		return 0;
	if (n < 8)
		return fail(pg, ferror(pg->fp) ? "read error" :
		    "truncated pcapng block header");
	r = rd_init(hdr, 8);
	*type = get32(pg, &r);
	if (*type == BT_SHB) {
		/* the byte-order magic decides how its length reads */
		if (fread(hdr + 8, 1, 4, pg->fp) != 4)
			return fail(pg, "truncated section header");
		r = rd_init(hdr + 8, 4);
		if (rd_u32(&r) == BOM)
			pg->be = true;
		else if ((r = rd_init(hdr + 8, 4), rd_u32le(&r)) == BOM)
			pg->be = false;
		else
			return fail(pg, "section header with a bad byte-order "
			    "magic");
		r = rd_init(hdr + 4, 4);
		len = get32(pg, &r);
	} else {
		len = get32(pg, &r);
	}
	if (len < 12 || len % 4 != 0 || (*type == BT_SHB && len < 28)) {
		snprintf(pg->err, sizeof(pg->err), "block of type 0x%08x "
		    "with a bad length %u", (unsigned)*type, (unsigned)len);
		return -1;
	}
	if (len > PCAPNG_MAX_BLOCK) {
		snprintf(pg->err, sizeof(pg->err), "block of type 0x%08x "
		    "claims %u bytes, more than the %u read here",
		    (unsigned)*type, (unsigned)len,
		    (unsigned)PCAPNG_MAX_BLOCK);
		return -1;
	}
	/* the body and the trailing length word */
	want = (size_t)len - 8;
	if (want > pg->bufsize) {
		if ((nb = realloc(pg->buf, want)) == NULL)
			return fail(pg, "out of memory");
		pg->buf = nb;
		pg->bufsize = want;
	}
	n = 0;
	if (*type == BT_SHB) {
		memcpy(pg->buf, hdr + 8, 4);
		n = 4;
	}
	n += fread(pg->buf + n, 1, want - n, pg->fp);
	if (n < want) {
		snprintf(pg->err, sizeof(pg->err), "%s: block of %u bytes "
		    "cut short after %zu", ferror(pg->fp) ? "read error" :
		    "truncated pcapng file", (unsigned)len, n + 8);
		return -1;
	}
	r = rd_init(pg->buf + want - 4, 4);
	trail = get32(pg, &r);
	if (trail != len) {
		snprintf(pg->err, sizeof(pg->err), "block of type 0x%08x: "
		    "leading length %u, trailing %u", (unsigned)*type,
		    (unsigned)len, (unsigned)trail);
		return -1;
	}
	*body = rd_init(pg->buf, want - 4);
	return 1;
}

/* A Section Header Block: a new section, its interfaces yet unknown. */
static int
section(struct pcapng *pg, struct rd *r)
{
	uint16_t	major;

	rd_skip(r, 4);			/* byte-order magic, read already */
	major = get16(pg, r);
	(void)get16(pg, r);		/* minor: 0, or 2 from old writers */
	rd_skip(r, 8);			/* section length: may be -1 */
	if (r->bad)
		return fail(pg, "section header cut short");
	if (major != 1) {
		snprintf(pg->err, sizeof(pg->err), "pcapng version %u is "
		    "not read here (only 1.x)", (unsigned)major);
		return -1;
	}
	pg->nifaces = 0;
	pg->sections++;
	return 0;
}

/* An Interface Description Block; the options that time packets. */
static int
interface(struct pcapng *pg, struct rd *r)
{
	struct iface	*ifc, *ni;
	struct rd	 v;
	uint16_t	 code, olen;
	uint32_t	 ncap;

	if (pg->nifaces == PCAPNG_MAX_IFACES)
		return fail(pg, "more than 4096 interfaces in one section");
	if (pg->nifaces == pg->cap) {
		ncap = pg->cap == 0 ? 4 : pg->cap * 2;
		if ((ni = realloc(pg->ifaces, ncap * sizeof(*ni))) == NULL)
			return fail(pg, "out of memory");
		pg->ifaces = ni;
		pg->cap = ncap;
	}
	ifc = &pg->ifaces[pg->nifaces];
	ifc->link = get16(pg, r);
	(void)get16(pg, r);		/* reserved */
	ifc->snaplen = get32(pg, r);
	ifc->tsresol = 6;		/* microseconds by default */
	ifc->tsoffset = 0;
	if (r->bad)
		return fail(pg, "interface description cut short");
	/* options: code, length, value padded to 4 bytes */
	while (rd_left(r) >= 4) {
		code = get16(pg, r);
		olen = get16(pg, r);
		v = rd_sub(r, olen);
		rd_skip(r, (4 - olen % 4) % 4);
		if (v.bad || r->bad)
			return fail(pg, "interface option runs past its block");
		if (code == OPT_END)
			break;
		if (code == OPT_TSRESOL && olen == 1)
			ifc->tsresol = rd_u8(&v);
		else if (code == OPT_TSOFFSET && olen == 8)
			ifc->tsoffset = (int64_t)get64(pg, &v);
	}
	pg->nifaces++;
	return 0;
}

/*
 * A timestamp in the interface's units to microseconds since 1970, its
 * offset added; clamped to [0, 9999-12-31] whatever the file says.
 */
static uint64_t
to_us(const struct iface *ifc, uint64_t ts)
{
	__extension__ typedef __int128 i128;
	unsigned	e = ifc->tsresol & 0x7f;
	i128		us, p;
	unsigned	i;

	if (ifc->tsresol & 0x80) {		/* 2^-e seconds */
		us = e >= 120 ? 0 : ((i128)ts * 1000000) >> e;
	} else if (e <= 6) {			/* 10^-e seconds */
		for (p = 1, i = e; i < 6; i++)
			p *= 10;
		us = (i128)ts * p;
	} else if (e - 6 > 19) {
		us = 0;				/* finer than 10^-25 s */
	} else {
		for (p = 1, i = 6; i < e; i++)
			p *= 10;
		us = (i128)ts / p;
	}
	us += (i128)ifc->tsoffset * 1000000;
	if (us < 0)
		return 0;
	return us > (i128)TS_MAX_US ? TS_MAX_US : (uint64_t)us;
}

/* EPB, SPB or PB: one packet of a known interface. */
static int
packet(struct pcapng *pg, uint32_t type, struct rd *r,
    struct pcapng_pkt *pkt)
{
	const struct iface	*ifc;
	uint32_t		 ifid, caplen, len;
	uint64_t		 ts = 0;
	size_t			 room;

	if (type == BT_SPB) {
		ifid = 0;
		len = get32(pg, r);
		caplen = (uint32_t)(rd_left(r) < len ? rd_left(r) : len);
	} else {
		if (type == BT_EPB) {
			ifid = get32(pg, r);
		} else {
			ifid = get16(pg, r);
			(void)get16(pg, r);	/* drops count */
		}
		ts = get_hi_lo(pg, r);
		caplen = get32(pg, r);
		len = get32(pg, r);
	}
	if (r->bad)
		return fail(pg, "packet block cut short");
	if (ifid >= pg->nifaces) {
		snprintf(pg->err, sizeof(pg->err), "packet on interface %u; "
		    "the section describes %u", (unsigned)ifid,
		    (unsigned)pg->nifaces);
		return -1;
	}
	ifc = &pg->ifaces[ifid];
	/* a simple packet is cut at the interface's snaplen, unsaid */
	if (type == BT_SPB && ifc->snaplen != 0 && caplen > ifc->snaplen)
		caplen = ifc->snaplen;
	room = rd_left(r);
	if ((pkt->data = rd_take(r, caplen)) == NULL) {
		snprintf(pg->err, sizeof(pg->err), "packet of %u captured "
		    "bytes in a block with room for %zu", (unsigned)caplen,
		    room);
		return -1;
	}
	pkt->caplen = caplen;
	pkt->len = len < caplen ? caplen : len;
	/* a simple packet has no time: that of the packet before it */
	if (type != BT_SPB)
		pg->last_ts = to_us(ifc, ts);
	pkt->ts_us = pg->last_ts;
	pkt->link = ifc->link;
	pkt->iface = ifid;
	return 0;
}
