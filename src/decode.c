/*
 * decode.c -- pipeline stage 2: link, network and transport headers.
 *
 * Receives one captured frame and its link type from capture.c, walks the
 * link header (Ethernet with 802.1Q/QinQ tags, Linux cooked v1/v2, raw IP,
 * BSD loopback), IPv4 (options skipped) or IPv6 (extension headers walked),
 * then TCP (options skipped), and hands a struct pkt to flow_input().
 *
 * Every header is read through reader.h.  A frame that is cut short, lies
 * about a length or is not TCP/IP is counted under decode.skip.* and
 * dropped; nothing here keeps state.  IP fragments are counted and skipped:
 * mail clients and servers do not fragment TCP in practice (PMTUD), and an
 * attacker-controlled fragment cache is not worth its risk here.
 */
#include <stdbool.h>
#include <string.h>

#include "decode.h"
#include "flow.h"
#include "limits.h"
#include "reader.h"
#include "stats.h"

#define ETH_IPV4	0x0800
#define ETH_IPV6	0x86dd
#define ETH_VLAN	0x8100
#define ETH_QINQ	0x88a8
#define ETH_QINQ_OLD	0x9100

#define IPPROTO_TCP_	6
#define IP6_HOPOPTS	0
#define IP6_ROUTING	43
#define IP6_FRAGMENT	44
#define IP6_AH		51
#define IP6_DSTOPTS	60

static int	decode_ether(struct rd *, struct pkt *);
static int	decode_ethertype(struct rd *, struct pkt *, uint16_t);
static int	decode_ip(struct rd *, struct pkt *);
static int	decode_ipv4(struct rd *, struct pkt *);
static int	decode_ipv6(struct rd *, struct pkt *);
static int	decode_tcp(struct rd *, struct pkt *, size_t iplen);

int
decode_supported_link(int link)
{
	switch (link) {
	case LINK_NULL: case LINK_EN10MB: case LINK_RAW: case LINK_RAW_BSD:
	case LINK_LOOP: case LINK_RAW_ALT: case LINK_LINUX_SLL:
	case LINK_IPV4: case LINK_IPV6: case LINK_LINUX_SLL2:
		return 1;
	}
	return 0;
}

/*
 * One frame.  Returns 0 when a TCP segment went on to the flow table, -1
 * when the frame was skipped (and counted).
 */
int
decode_frame(int link, const char *origin, uint64_t pktno, uint64_t ts,
    const uint8_t *frame, size_t caplen)
{
	struct rd	r = rd_init(frame, caplen);
	struct pkt	pkt;
	uint32_t	af;

	memset(&pkt, 0, sizeof(pkt));
	pkt.ts = ts;
	pkt.pktno = pktno;
	pkt.origin = origin;

	switch (link) {
	case LINK_EN10MB:
		return decode_ether(&r, &pkt);
	case LINK_LINUX_SLL:
		/*
		 * pkttype(2) hatype(2) halen(2) addr(8) protocol(2)
		 */
		rd_skip(&r, 14);
		if (r.bad) {
			STAT_INC(DEC_TRUNC_LINK);
			return -1;
		}
		return decode_ethertype(&r, &pkt, rd_u16(&r));
	case LINK_LINUX_SLL2:
		/*
		 * protocol(2) reserved(2) ifindex(4) hatype(2) pkttype(1)
		 * halen(1) addr(8)
		 */
		{
			uint16_t proto = rd_u16(&r);

			rd_skip(&r, 18);
			if (r.bad) {
				STAT_INC(DEC_TRUNC_LINK);
				return -1;
			}
			return decode_ethertype(&r, &pkt, proto);
		}
	case LINK_RAW: case LINK_RAW_BSD: case LINK_RAW_ALT:
	case LINK_IPV4: case LINK_IPV6:
		return decode_ip(&r, &pkt);
	case LINK_NULL:
	case LINK_LOOP:
		/*
		 * A 4-byte address family: host byte order of the machine that
		 * wrote the file for DLT_NULL, network order for DLT_LOOP.
		 * AF_INET is 2 everywhere; AF_INET6 is 24, 28 or 30 on the
		 * BSDs and macOS (10 on Linux).  Accept either byte order.
		 */
		if (rd_left(&r) < 4) {
			STAT_INC(DEC_TRUNC_LINK);
			return -1;
		}
		af = rd_peek(&r, 0) == 0 ? rd_u32(&r) : rd_u32le(&r);
		switch (af) {
		case 2:
			return decode_ipv4(&r, &pkt);
		case 10: case 24: case 28: case 30:
			return decode_ipv6(&r, &pkt);
		}
		STAT_INC(DEC_NOT_IP);
		return -1;
	}
	STAT_INC(DEC_UNSUP_LINK);
	return -1;
}

/*
 * IEEE 802.3: dst(6) src(6) type(2), then any number of 802.1Q / 802.1ad
 * tags, each TCI(2) type(2).
 */
static int
decode_ether(struct rd *r, struct pkt *pkt)
{
	rd_skip(r, 12);
	if (r->bad || rd_left(r) < 2) {
		STAT_INC(DEC_TRUNC_LINK);
		return -1;
	}
	return decode_ethertype(r, pkt, rd_u16(r));
}

static int
decode_ethertype(struct rd *r, struct pkt *pkt, uint16_t type)
{
	int	tags = 0;

	while (type == ETH_VLAN || type == ETH_QINQ || type == ETH_QINQ_OLD) {
		uint16_t tci;

		/* A frame stacking tag upon tag is not a real network. */
		if (++tags > DECODE_MAX_VLAN_TAGS) {
			STAT_INC(DEC_NOT_IP);
			return -1;
		}
		tci = rd_u16(r);
		type = rd_u16(r);
		if (r->bad) {
			STAT_INC(DEC_TRUNC_LINK);
			return -1;
		}
		if (pkt->vlan == 0)
			pkt->vlan = tci & 0x0fff;
	}
	switch (type) {
	case ETH_IPV4:
		return decode_ipv4(r, pkt);
	case ETH_IPV6:
		return decode_ipv6(r, pkt);
	}
	STAT_INC(DEC_NOT_IP);
	return -1;
}

/* Raw IP: the version nibble says which. */
static int
decode_ip(struct rd *r, struct pkt *pkt)
{
	switch (rd_peek(r, 0) >> 4) {
	case 4:
		return decode_ipv4(r, pkt);
	case 6:
		return decode_ipv6(r, pkt);
	}
	if (rd_left(r) == 0)
		STAT_INC(DEC_TRUNC_IP);
	else
		STAT_INC(DEC_NOT_IP);
	return -1;
}

/*
 * RFC 791 3.1:
 *   ver/ihl(1) tos(1) total_length(2) id(2) flags/frag_offset(2)
 *   ttl(1) protocol(1) checksum(2) src(4) dst(4) options(ihl*4-20)
 */
static int
decode_ipv4(struct rd *r, struct pkt *pkt)
{
	const uint8_t	*hdr = r->p;
	size_t		 avail = rd_left(r), ihl, totlen;
	uint16_t	 frag;
	uint8_t		 vihl, proto;
	struct rd	 ip;

	if (avail < 20) {
		STAT_INC(DEC_TRUNC_IP);
		return -1;
	}
	vihl = rd_u8(r);
	ihl = (size_t)(vihl & 0x0f) * 4;
	rd_skip(r, 1);
	totlen = rd_u16(r);
	rd_skip(r, 2);
	frag = rd_u16(r);
	rd_skip(r, 1);
	proto = rd_u8(r);
	rd_skip(r, 2);
	rd_copy(r, pkt->src, 4);
	rd_copy(r, pkt->dst, 4);
	/* Version and lengths must agree with each other before we trust
	 * any of them: a header longer than the packet, or a total length
	 * shorter than the header, is a lie. */
	if ((vihl >> 4) != 4 || ihl < 20 || totlen < ihl) {
		STAT_INC(DEC_BAD_IP);
		return -1;
	}
	if (ihl > avail) {
		STAT_INC(DEC_TRUNC_IP);
		return -1;
	}
	/* Fragments: see the top of the file. */
	if ((frag & 0x3fff) != 0) {
		STAT_INC(DEC_IP_FRAG);
		return -1;
	}
	if (proto != IPPROTO_TCP_) {
		STAT_INC(DEC_NOT_TCP);
		return -1;
	}
	pkt->family = 4;
	/* From the start of the IP header: total_length bounds the datagram
	 * (trims Ethernet padding), the capture bounds what we can read. */
	ip = rd_init(hdr + ihl, (avail < totlen ? avail : totlen) - ihl);
	return decode_tcp(&ip, pkt, totlen - ihl);
}

/*
 * RFC 8200 3:
 *   ver/tc/flow(4) payload_length(2) next_header(1) hop_limit(1)
 *   src(16) dst(16), then extension headers chained by next_header.
 */
static int
decode_ipv6(struct rd *r, struct pkt *pkt)
{
	size_t		 avail, plen;
	uint8_t		 nh;
	int		 n;
	struct rd	 ip;

	if (rd_left(r) < 40) {
		STAT_INC(DEC_TRUNC_IP);
		return -1;
	}
	if ((rd_u8(r) >> 4) != 6) {
		STAT_INC(DEC_BAD_IP);
		return -1;
	}
	rd_skip(r, 3);
	plen = rd_u16(r);
	nh = rd_u8(r);
	rd_skip(r, 1);
	rd_copy(r, pkt->src, 16);
	rd_copy(r, pkt->dst, 16);
	/* payload_length 0 means a jumbogram (hop-by-hop option); TCP over
	 * jumbograms is not on any mail network, so it is not followed. */
	if (plen == 0) {
		STAT_INC(DEC_BAD_IP);
		return -1;
	}
	avail = rd_left(r);
	ip = rd_init(r->p, avail < plen ? avail : plen);

	for (n = 0; nh != IPPROTO_TCP_; n++) {
		size_t	len = 0;
		uint8_t	next = 0;

		if (n >= DECODE_MAX_IPV6_EXT) {	/* a chain no stack sends */
			STAT_INC(DEC_BAD_IP);
			return -1;
		}
		switch (nh) {
		case IP6_HOPOPTS:
		case IP6_ROUTING:
		case IP6_DSTOPTS:
			/* next(1) hdr_ext_len(1): (len + 1) * 8 bytes */
			next = rd_u8(&ip);
			len = ((size_t)rd_u8(&ip) + 1) * 8;
			rd_skip(&ip, len - 2);
			break;
		case IP6_AH:
			/* next(1) payload_len(1): (len + 2) * 4 bytes */
			next = rd_u8(&ip);
			len = ((size_t)rd_u8(&ip) + 2) * 4;
			rd_skip(&ip, len - 2);
			break;
		case IP6_FRAGMENT:
			/* next(1) reserved(1) offset/M(2) id(4) */
			next = rd_u8(&ip);
			rd_skip(&ip, 1);
			if ((rd_u16(&ip) & 0xfff9) != 0 && !ip.bad) {
				STAT_INC(DEC_IP_FRAG);
				return -1;
			}
			rd_skip(&ip, 4);
			break;
		default:
			STAT_INC(DEC_NOT_TCP);
			return -1;
		}
		if (ip.bad) {
			STAT_INC(DEC_TRUNC_IP);
			return -1;
		}
		plen -= len < plen ? len : plen;
		nh = next;
	}
	pkt->family = 6;
	/* plen is now what remains of the payload after the extensions. */
	return decode_tcp(&ip, pkt, plen);
}

/*
 * RFC 9293 3.1:
 *   sport(2) dport(2) seq(4) ack(4) data_offset/flags(2) window(2)
 *   checksum(2) urgent(2) options(data_offset*4-20)
 * iplen is the IP payload length on the wire; r holds what was captured.
 */
static int
decode_tcp(struct rd *r, struct pkt *pkt, size_t iplen)
{
	size_t	thl, cap;

	if (rd_left(r) < 20) {
		STAT_INC(DEC_TRUNC_TCP);
		return -1;
	}
	pkt->sport = rd_u16(r);
	pkt->dport = rd_u16(r);
	pkt->seq = rd_u32(r);
	pkt->ack = rd_u32(r);
	thl = (size_t)(rd_u8(r) >> 4) * 4;
	pkt->flags = rd_u8(r);
	rd_skip(r, 6);
	/* A data offset below the fixed header or beyond the segment is a
	 * malformed header, not something to guess around. */
	if (thl < 20 || thl > iplen) {
		STAT_INC(DEC_BAD_TCP);
		return -1;
	}
	rd_skip(r, thl - 20);
	if (r->bad) {
		STAT_INC(DEC_TRUNC_TCP);
		return -1;
	}
	cap = rd_left(r);
	pkt->seglen = (uint32_t)(iplen - thl);
	if (cap > pkt->seglen)
		cap = pkt->seglen;
	else if (cap < pkt->seglen)
		STAT_INC(DEC_SNAPLEN);
	pkt->caplen = (uint32_t)cap;
	pkt->payload = r->p;
	STAT_INC(DEC_TCP);
	flow_input(pkt);
	return 0;
}
