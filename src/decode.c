/*
 * decode.c -- pipeline stage 2: link, network and transport headers.
 *
 * Receives one captured frame and its link type from capture.c and walks it
 * down to TCP:
 *
 *   link:    Ethernet, Linux cooked v1/v2, raw IP, BSD loopback
 *   tags:    802.1Q / 802.1ad (QinQ), MPLS label stacks
 *   network: IPv4 (options skipped), IPv6 (extension headers walked)
 *   tunnels: GRE (RFC 2784/2890) carrying IP, MPLS, Ethernet (0x6558) or ERSPAN
 *            type I/II/III (the usual remote SPAN), VXLAN (RFC 7348, UDP
 *            4789), GTP-U (3GPP TS 29.281, UDP 2152), IP in IP (4, 41)
 *   transport: TCP (options skipped); DNS answers (UDP or TCP from port
 *            53) go to dns.c, to name servers reached without SNI
 *
 * and hands a struct pkt to flow_input().  Every header is read through
 * reader.h.  A frame that is cut short, lies about a length, nests tunnels
 * deeper than DECODE_MAX_ENCAP or is not TCP is counted under decode.skip.*
 * and dropped.
 *
 * IPv4 and IPv6 fragments go to defrag.c, the one piece of this stage that
 * keeps state (bounded there); a datagram it makes whole is decoded again
 * from its IP header, as one more level of encapsulation.  A fragment the
 * snaplen cut can never complete one: decode.skip.ip_fragment_cut.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "defrag.h"
#include "dns.h"
#include "flow.h"
#include "caps.h"
#include "reader.h"
#include "stats.h"

#define ETH_IPV4	0x0800
#define ETH_IPV6	0x86dd
#define ETH_VLAN	0x8100
#define ETH_QINQ	0x88a8
#define ETH_QINQ_OLD	0x9100
#define ETH_MPLS	0x8847
#define ETH_MPLS_MC	0x8848
#define ETH_TEB		0x6558	/* transparent Ethernet bridging (GRE) */
#define ETH_ERSPAN_2	0x88be	/* ERSPAN type I / II */
#define ETH_ERSPAN_3	0x22eb

#define IPP_IPIP	4
#define IPP_TCP		6
#define IPP_UDP		17
#define IPP_IPV6	41
#define IPP_GRE		47
#define IP6_HOPOPTS	0
#define IP6_ROUTING	43
#define IP6_FRAGMENT	44
#define IP6_AH		51
#define IP6_DSTOPTS	60

#define UDP_DNS		53
#define UDP_VXLAN	4789
#define UDP_GTPU	2152

static int	decode_ether(struct rd *, struct pkt *);
static int	decode_ethertype(struct rd *, struct pkt *, uint16_t);
static int	decode_mpls(struct rd *, struct pkt *);
static bool	mpls_ethertype_at(const struct rd *, size_t);
static int	decode_ip(struct rd *, struct pkt *);
static int	decode_ipv4(struct rd *, struct pkt *);
static int	decode_ipv6(struct rd *, struct pkt *);
static int	decode_ipv4_fragment(struct pkt *, const uint8_t *, size_t,
		    size_t, size_t, uint16_t);
static int	decode_ipv6_fragment(struct pkt *, const uint8_t *,
		    struct rd *, uint8_t, uint32_t, uint16_t, bool);
static int	decode_reassembled(struct pkt *, struct defrag_out *, int);
static int	decode_fragment_short(const struct pkt *);
static int	decode_l4(struct rd *, struct pkt *, uint8_t, size_t);
static int	decode_gre(struct rd *, struct pkt *);
static int	decode_udp(struct rd *, struct pkt *);
static int	decode_gtpu(struct rd *, struct pkt *);
static int	decode_tcp(struct rd *, struct pkt *, size_t iplen);
static bool	decode_enter(struct pkt *);

/* Connections opened (SYN without ACK) per server port; NULL: not
 * counted.  Only while files are read, by the one thread that reads. */
static uint32_t	*syn_ports;

int
decode_count_ports(bool on)
{
	if (!on) {
		free(syn_ports);
		syn_ports = NULL;
		return 0;
	}
	if (syn_ports == NULL &&
	    (syn_ports = calloc(65536, sizeof(*syn_ports))) == NULL)
		return -1;
	return 0;
}

/* The max server ports most connections opened to, most first. */
size_t
decode_top_ports(uint16_t *ports, uint32_t *counts, size_t max)
{
	size_t		n = 0, i;
	uint32_t	p;

	if (syn_ports == NULL)
		return 0;
	for (p = 0; p < 65536; p++) {
		if (syn_ports[p] == 0)
			continue;
		/* insertion into the sorted top list; ties: lower port */
		for (i = n; i > 0 && counts[i - 1] < syn_ports[p]; i--)
			if (i < max) {
				counts[i] = counts[i - 1];
				ports[i] = ports[i - 1];
			}
		if (i < max) {
			counts[i] = syn_ports[p];
			ports[i] = (uint16_t)p;
			if (n < max)
				n++;
		}
	}
	return n;
}

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

/* One more tag or tunnel; false (counted) when that is one too many. */
static bool
decode_enter(struct pkt *pkt)
{
	if (++pkt->encap > DECODE_MAX_ENCAP) {
		STAT_INC(DEC_TOO_DEEP);
		return false;
	}
	return true;
}

/*
 * One frame.  Returns 0 when a TCP segment went on to the flow table, -1
 * when the frame was skipped (and counted).
 */
int
decode_frame(int link, const char *origin, uint64_t pktno, uint64_t ts,
    const uint8_t *frame, size_t caplen)
{
	return decode_frame_len(link, origin, pktno, ts, frame, caplen, 0);
}

static const struct pkt	pkt_zero;

int
decode_frame_len(int link, const char *origin, uint64_t pktno, uint64_t ts,
    const uint8_t *frame, size_t caplen, size_t wirelen)
{
	struct rd	r = rd_init(frame, caplen);
	struct pkt	pkt;
	uint32_t	af;
	uint16_t	proto;

	/* a copy of a zero struct: GCC clears a local with memset() by
	 * "rep stos", whose start-up costs more than decoding a header */
	pkt = pkt_zero;
	pkt.ts = ts;
	pkt.pktno = pktno;
	pkt.origin = origin;
	pkt.whole = wirelen != 0 && wirelen <= caplen;

	switch (link) {
	case LINK_EN10MB:
		STAT_INC(LINK_ETHERNET);
		return decode_ether(&r, &pkt);
	case LINK_LINUX_SLL:
		/* pkttype(2) hatype(2) halen(2) addr(8) protocol(2) */
		STAT_INC(LINK_SLL);
		rd_skip(&r, 14);
		proto = rd_u16(&r);
		if (r.bad) {
			STAT_INC(DEC_TRUNC_LINK);
			return -1;
		}
		return decode_ethertype(&r, &pkt, proto);
	case LINK_LINUX_SLL2:
		/* protocol(2) reserved(2) ifindex(4) hatype(2) pkttype(1)
		 * halen(1) addr(8) */
		STAT_INC(LINK_SLL2);
		proto = rd_u16(&r);
		rd_skip(&r, 18);
		if (r.bad) {
			STAT_INC(DEC_TRUNC_LINK);
			return -1;
		}
		return decode_ethertype(&r, &pkt, proto);
	case LINK_RAW: case LINK_RAW_BSD: case LINK_RAW_ALT:
	case LINK_IPV4: case LINK_IPV6:
		STAT_INC(LINK_RAW);
		return decode_ip(&r, &pkt);
	case LINK_NULL:
	case LINK_LOOP:
		/*
		 * A 4-byte address family: host byte order of the machine that
		 * wrote the file for DLT_NULL, network order for DLT_LOOP.
		 * AF_INET is 2 everywhere; AF_INET6 is 24, 28 or 30 on the
		 * BSDs and macOS (10 on Linux).  Accept either byte order.
		 */
		STAT_INC(LINK_NULL);
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

/* IEEE 802.3: dst(6) src(6) type(2). */
static int
decode_ether(struct rd *r, struct pkt *pkt)
{
	uint16_t	type;

	rd_skip(r, 12);
	type = rd_u16(r);
	if (r->bad) {
		STAT_INC(DEC_TRUNC_LINK);
		return -1;
	}
	return decode_ethertype(r, pkt, type);
}

/*
 * What an EtherType announces.  802.1Q / 802.1ad tags are TCI(2) type(2)
 * each; the outermost VLAN id is kept for the event.
 */
static int
decode_ethertype(struct rd *r, struct pkt *pkt, uint16_t type)
{
	uint16_t	tci;

	while (type == ETH_VLAN || type == ETH_QINQ || type == ETH_QINQ_OLD) {
		if (!decode_enter(pkt))
			return -1;
		STAT_INC(ENC_VLAN);
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
	case ETH_MPLS:
	case ETH_MPLS_MC:
		return decode_mpls(r, pkt);
	}
	STAT_INC(DEC_NOT_IP);
	return -1;
}

/*
 * RFC 3032 label stack entries: label(20) tc(3) S(1) ttl(8), down to the
 * one with S set.  What follows carries no type: IPv4 and IPv6 announce
 * themselves in their first nibble; a 0 nibble is an Ethernet pseudowire
 * control word (RFC 4385), 4 bytes, then an Ethernet frame.
 */
static int
decode_mpls(struct rd *r, struct pkt *pkt)
{
	uint32_t	lse;
	int		n = 0;

	if (!decode_enter(pkt))
		return -1;
	STAT_INC(ENC_MPLS);
	do {
		/* A stack deeper than any network uses: a crafted loop. */
		if (++n > DECODE_MAX_MPLS) {
			STAT_INC(DEC_TOO_DEEP);
			return -1;
		}
		lse = rd_u32(r);
		if (r->bad) {
			STAT_INC(DEC_TRUNC_ENCAP);
			return -1;
		}
	} while (!(lse & 0x100));
	switch (rd_peek(r, 0) >> 4) {
	case 4:
		return decode_ipv4(r, pkt);
	case 6:
		return decode_ipv6(r, pkt);
	case 0:
		/* The control word is optional (RFC 4448 4.6) and nothing
		 * says whether it is there: take it if an EtherType we
		 * follow sits where it puts one, else the frame starts
		 * right here (a MAC address beginning 0x0X). */
		if (!mpls_ethertype_at(r, 4 + 12) &&
		    mpls_ethertype_at(r, 12))
			return decode_ether(r, pkt);
		rd_skip(r, 4);
		return decode_ether(r, pkt);
	}
	STAT_INC(DEC_UNSUP_ENCAP);
	return -1;
}

/* Whether the two bytes at offset i are an EtherType decode follows. */
static bool
mpls_ethertype_at(const struct rd *r, size_t i)
{
	int	hi = rd_peek(r, i), lo = rd_peek(r, i + 1);
	int	type;

	if (hi < 0 || lo < 0)
		return false;
	type = hi << 8 | lo;
	return type == ETH_IPV4 || type == ETH_IPV6 || type == ETH_VLAN ||
	    type == ETH_QINQ || type == ETH_MPLS;
}

/* Raw IP (and tunnels that carry bare IP): the version nibble says. */
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
 * A datagram defrag.c made whole: decoded from its IP header again, one
 * level deeper (so that fragments inside reassembled tunnels cannot nest
 * without end), then handed back.
 */
static int
decode_reassembled(struct pkt *pkt, struct defrag_out *out, int family)
{
	struct rd	r;
	int		rc = -1;

	if (decode_enter(pkt)) {
		r = rd_init(out->data, out->len);
		rc = family == 4 ? decode_ipv4(&r, pkt) : decode_ipv6(&r, pkt);
	}
	defrag_release(out);
	return rc;
}

/*
 * A fragment whose bytes the frame does not hold: captured whole, its IP
 * length lies; else the snaplen cut it.  Either way it completes nothing.
 */
static int
decode_fragment_short(const struct pkt *pkt)
{
	if (pkt->whole)
		STAT_INC(DEC_BAD_IP);
	else
		STAT_INC(DEC_FRAG_CUT);
	return -1;
}

/* An IPv4 fragment (MF or an offset): hdr/ihl its header, checked. */
static int
decode_ipv4_fragment(struct pkt *pkt, const uint8_t *hdr, size_t ihl,
    size_t totlen, size_t avail, uint16_t frag)
{
	struct defrag_out	out;

	if (avail < totlen)
		return decode_fragment_short(pkt);
	if (defrag_ipv4(hdr, ihl, hdr + ihl, totlen - ihl,
	    (uint32_t)(frag & 0x1fff) * 8, (frag & 0x2000) != 0, pkt->vlan,
	    pkt->ts, &out) == 0)
		return -1;
	return decode_reassembled(pkt, &out, 4);
}

/*
 * An IPv6 fragment: ip is at its data (just past the fragment header),
 * hdr the fixed header.  cut: the capture holds less than payload_length
 * says.
 */
static int
decode_ipv6_fragment(struct pkt *pkt, const uint8_t *hdr, struct rd *ip,
    uint8_t next, uint32_t id, uint16_t offm, bool cut)
{
	struct defrag_out	out;

	if (ip->bad || cut)
		return decode_fragment_short(pkt);
	if (defrag_ipv6(hdr, next, id, ip->p, rd_left(ip),
	    (uint32_t)(offm & 0xfff8), (offm & 0x0001) != 0, pkt->vlan,
	    pkt->ts, &out) == 0)
		return -1;
	return decode_reassembled(pkt, &out, 6);
}

/*
 * RFC 791 3.1:
 *   ver/ihl(1) tos(1) total_length(2) id(2) flags/frag_offset(2)
 *   ttl(1) protocol(1) checksum(2) src(4) dst(4) options(ihl*4-20)
 */
static int
decode_ipv4(struct rd *r, struct pkt *pkt)
{
	size_t		 avail = rd_left(r), ihl, totlen;
	const uint8_t	*hdr = rd_take(r, 20);	/* the fixed header, checked */
	uint16_t	 frag;
	uint8_t		 vihl, proto;
	struct rd	 ip;

	if (hdr == NULL) {
		STAT_INC(DEC_TRUNC_IP);
		return -1;
	}
	vihl = hdr[0];
	ihl = (size_t)(vihl & 0x0f) * 4;
	totlen = rd_be16(hdr + 2);
	frag = rd_be16(hdr + 6);
	proto = hdr[9];
	memcpy(pkt->src, hdr + 12, 4);
	memcpy(pkt->dst, hdr + 16, 4);
	memset(pkt->src + 4, 0, 12);	/* an inner header may be shorter */
	memset(pkt->dst + 4, 0, 12);
	/* TCP segmentation offload: a frame captured on the sending host
	 * before the NIC cut it up carries total_length 0 (or a length the
	 * frame does not hold; decode_l4 takes the frame's then).  As tshark
	 * does, the datagram is what the capture holds. */
	if (totlen == 0 && (frag & 0x3fff) == 0 && (vihl >> 4) == 4 &&
	    ihl >= 20 && avail > ihl) {
		STAT_INC(DEC_IP_LEN_FROM_CAPTURE);
		totlen = avail;
	}
	/* Version and lengths must agree before any of them is trusted: a
	 * header longer than the datagram is a lie. */
	if ((vihl >> 4) != 4 || ihl < 20 || totlen < ihl) {
		STAT_INC(DEC_BAD_IP);
		return -1;
	}
	if (ihl > avail) {
		STAT_INC(DEC_TRUNC_IP);
		return -1;
	}
	/* Fragments: see the top of the file. */
	if ((frag & 0x3fff) != 0)
		return decode_ipv4_fragment(pkt, hdr, ihl, totlen, avail, frag);
	pkt->family = 4;
	pkt->l3 = hdr;
	pkt->l3len = (uint32_t)(avail < totlen ? avail : totlen);
	/* total_length bounds the datagram (and trims Ethernet padding);
	 * the capture bounds what we can read of it. */
	ip = rd_init(hdr + ihl, (avail < totlen ? avail : totlen) - ihl);
	return decode_l4(&ip, pkt, proto, totlen - ihl);
}

/*
 * RFC 8200 3:
 *   ver/tc/flow(4) payload_length(2) next_header(1) hop_limit(1)
 *   src(16) dst(16), then extension headers chained by next_header.
 */
static int
decode_ipv6(struct rd *r, struct pkt *pkt)
{
	const uint8_t	*hdr = r->p;
	size_t		 avail, plen, plen0;
	uint32_t	 id;
	uint16_t	 offm;
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
	plen0 = plen;
	ip = rd_init(r->p, avail < plen ? avail : plen);
	pkt->l3 = hdr;
	pkt->l3len = (uint32_t)(40 + rd_left(&ip));

	for (n = 0; ; n++) {
		size_t	len = 0;
		uint8_t	next = 0;

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
			offm = rd_u16(&ip);
			id = rd_u32(&ip);
			len = 8;
			/* An atomic fragment (offset 0, M clear) is whole. */
			if ((offm & 0xfff9) != 0 && !ip.bad)
				return decode_ipv6_fragment(pkt, hdr, &ip,
				    next, id, offm, avail < plen0);
			break;
		default:
			pkt->family = 6;
			/* plen: what remains after the extensions. */
			return decode_l4(&ip, pkt, nh, plen);
		}
		/* A chain no stack sends, or one the packet cannot hold:
		 * cut short by the capture, or a lie if all was captured. */
		if (n >= DECODE_MAX_IPV6_EXT) {
			STAT_INC(DEC_BAD_IP);
			return -1;
		}
		if (ip.bad) {
			if (avail < plen)
				STAT_INC(DEC_TRUNC_IP);
			else
				STAT_INC(DEC_BAD_IP);
			return -1;
		}
		plen -= len < plen ? len : plen;
		nh = next;
	}
}

/* The IP payload: TCP, or a tunnel that leads to it. */
static int
decode_l4(struct rd *r, struct pkt *pkt, uint8_t proto, size_t iplen)
{
	switch (proto) {
	case IPP_TCP:
		return decode_tcp(r, pkt, iplen);
	case IPP_UDP:
		return decode_udp(r, pkt);
	case IPP_GRE:
		return decode_gre(r, pkt);
	case IPP_IPIP:
	case IPP_IPV6:
		if (!decode_enter(pkt))
			return -1;
		STAT_INC(ENC_IPIP);
		return proto == IPP_IPIP ? decode_ipv4(r, pkt) :
		    decode_ipv6(r, pkt);
	}
	STAT_INC(DEC_NOT_TCP);
	return -1;
}

/*
 * RFC 2784 / RFC 2890:
 *   C(1) R(1) K(1) S(1) ... version(3)  protocol(2)
 *   [checksum(2) reserved(2)] [key(4)] [sequence(4)]
 * then by protocol: IP, Ethernet (0x6558), or ERSPAN:
 *   type I   (0x88be, no sequence number): Ethernet straight away
 *   type II  (0x88be with sequence): ver/vlan(2) cos/en/t/session(2)
 *            reserved/index(4), then Ethernet
 *   type III (0x22eb): ver/vlan(2) cos/bso/t/session(2) timestamp(4)
 *            sgt(2) p/ft/hw/d/gra/o(2) [platform subheader(8) if O]
 */
static int
decode_gre(struct rd *r, struct pkt *pkt)
{
	uint16_t	flags, proto, ver;

	if (!decode_enter(pkt))
		return -1;
	STAT_INC(ENC_GRE);
	flags = rd_u16(r);
	proto = rd_u16(r);
	if (flags & 0x8000)
		rd_skip(r, 4);
	if (flags & 0x2000)
		rd_skip(r, 4);
	if (flags & 0x1000)
		rd_skip(r, 4);
	if (r->bad) {
		STAT_INC(DEC_TRUNC_ENCAP);
		return -1;
	}
	/* Version 1 is PPTP's enhanced GRE, which carries PPP.  Routing
	 * present or strict source route (RFC 1701 fields RFC 2784 2.5
	 * says to discard) lay out the header differently. */
	if ((flags & 0x0007) != 0 || (flags & 0x4800) != 0) {
		STAT_INC(DEC_UNSUP_ENCAP);
		return -1;
	}
	switch (proto) {
	case ETH_IPV4:
		return decode_ipv4(r, pkt);
	case ETH_IPV6:
		return decode_ipv6(r, pkt);
	case ETH_TEB:
		return decode_ether(r, pkt);
	case ETH_MPLS:			/* RFC 4023 */
		return decode_mpls(r, pkt);
	case ETH_ERSPAN_2:
		STAT_INC(ENC_ERSPAN);
		if (flags & 0x1000)
			rd_skip(r, 8);		/* type II header */
		return decode_ether(r, pkt);
	case ETH_ERSPAN_3:
		STAT_INC(ENC_ERSPAN);
		ver = rd_u16(r);
		rd_skip(r, 8);
		flags = rd_u16(r);
		if ((ver >> 12) != 2) {		/* type III says version 2 */
			STAT_INC(DEC_UNSUP_ENCAP);
			return -1;
		}
		if (flags & 0x0001)
			rd_skip(r, 8);		/* platform specific */
		return decode_ether(r, pkt);
	}
	STAT_INC(DEC_UNSUP_ENCAP);
	return -1;
}

/*
 * UDP (RFC 768): sport(2) dport(2) length(2) checksum(2).  Only the
 * tunnels a mirror or mobile tap delivers are followed, by port:
 *   VXLAN  flags(1) reserved(3) VNI(3) reserved(1), then Ethernet
 *   GTP-U  see decode_gtpu()
 */
static int
decode_udp(struct rd *r, struct pkt *pkt)
{
	uint16_t	sport, dport, ulen;

	sport = rd_u16(r);
	dport = rd_u16(r);
	ulen = rd_u16(r);
	rd_skip(r, 2);
	if (r->bad) {
		STAT_INC(DEC_TRUNC_ENCAP);
		return -1;
	}
	/* DNS answers name the servers old clients reach without SNI. */
	if (sport == UDP_DNS) {
		size_t	n = rd_left(r);

		if (ulen >= 8 && (size_t)ulen - 8 < n)
			n = (size_t)ulen - 8;
		dns_input_udp(r->p, n, pkt->ts);
		STAT_INC(DEC_NOT_TCP);
		return -1;
	}
	if (dport == UDP_VXLAN) {
		if (!decode_enter(pkt))
			return -1;
		STAT_INC(ENC_VXLAN);
		/* The I flag says the VNI is valid; without it, not VXLAN. */
		if ((rd_u8(r) & 0x08) == 0) {
			STAT_INC(DEC_UNSUP_ENCAP);
			return -1;
		}
		rd_skip(r, 7);
		return decode_ether(r, pkt);
	}
	if (dport == UDP_GTPU || sport == UDP_GTPU)
		return decode_gtpu(r, pkt);
	STAT_INC(DEC_NOT_TCP);
	return -1;
}

/*
 * GTP-U version 1 (3GPP TS 29.281 5.1):
 *   version(3)=1 PT(1)=1 (spare) E(1) S(1) PN(1)  type(1)  length(2)
 *   TEID(4)  [sequence(2) N-PDU(1) next_ext_type(1)] if any of E, S, PN
 *   extension headers: length(1, in 4-byte units) ... next_type(1)
 * Only a G-PDU (type 255) carries a user packet: IPv4 or IPv6.
 */
static int
decode_gtpu(struct rd *r, struct pkt *pkt)
{
	uint8_t	flags, type, next = 0;
	int	n = 0;

	if (!decode_enter(pkt))
		return -1;
	STAT_INC(ENC_GTP);
	flags = rd_u8(r);
	type = rd_u8(r);
	rd_skip(r, 6);
	if (flags & 0x07) {
		rd_skip(r, 3);
		next = rd_u8(r);
	}
	while (next != 0 && !r->bad) {
		size_t len = (size_t)rd_u8(r) * 4;

		/* Extension lengths of 0 or an endless chain are lies. */
		if (len == 0 || ++n > DECODE_MAX_IPV6_EXT) {
			STAT_INC(DEC_UNSUP_ENCAP);
			return -1;
		}
		rd_skip(r, len - 2);
		next = rd_u8(r);
	}
	if (r->bad) {
		STAT_INC(DEC_TRUNC_ENCAP);
		return -1;
	}
	if ((flags >> 5) != 1 || !(flags & 0x10) || type != 255) {
		STAT_INC(DEC_UNSUP_ENCAP);
		return -1;
	}
	return decode_ip(r, pkt);
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
	const uint8_t	*h;
	size_t		 thl, cap;

	/* Less than a header: the IP length says so (a lie), or the
	 * capture cut it. */
	if (rd_left(r) < 20) {
		if (iplen < 20)
			STAT_INC(DEC_BAD_TCP);
		else
			STAT_INC(DEC_TRUNC_TCP);
		return -1;
	}
	h = rd_take(r, 20);		/* there: checked just above */
	pkt->sport = rd_be16(h);
	pkt->dport = rd_be16(h + 2);
	pkt->seq = rd_be32(h + 4);
	pkt->ack = rd_be32(h + 8);
	thl = (size_t)(h[12] >> 4) * 4;
	pkt->flags = h[13];
	/* A data offset below the fixed header or beyond the segment is a
	 * malformed header, not something to guess around. */
	if (thl < 20 || thl > iplen) {
		STAT_INC(DEC_BAD_TCP);
		return -1;
	}
	/* A connection opened: its server port, for the summary's word on
	 * a capture with no mail in it (reading files only). */
	if (syn_ports != NULL && (pkt->flags & (TH_SYN | TH_ACK)) == TH_SYN)
		syn_ports[pkt->dport]++;
	/* Options cut by the snaplen: the fixed header still says where
	 * the segment sits and how long it was; none of its payload is
	 * here.  (Short snaplens cut every SYN and timestamped segment
	 * there.) */
	if (rd_left(r) < thl - 20) {
		if (pkt->whole) {	/* options beyond the frame: a lie */
			STAT_INC(DEC_BAD_TCP);
			return -1;
		}
		pkt->seglen = (uint32_t)(iplen - thl);
		pkt->caplen = 0;
		pkt->payload = NULL;
		if (pkt->seglen > 0)
			STAT_INC(DEC_SNAPLEN);
		STAT_INC(DEC_TCP);
		flow_input(pkt);
		return 0;
	}
	rd_skip(r, thl - 20);
	cap = rd_left(r);
	pkt->seglen = (uint32_t)(iplen - thl);
	if (cap > pkt->seglen)
		cap = pkt->seglen;
	else if (cap < pkt->seglen && pkt->whole) {
		/* The IP length claims bytes the wire never carried: what
		 * the frame holds is the segment. */
		STAT_INC(DEC_LEN_BEYOND);
		pkt->seglen = (uint32_t)cap;
	} else if (cap < pkt->seglen)
		STAT_INC(DEC_SNAPLEN);
	pkt->caplen = (uint32_t)cap;
	pkt->payload = r->p;
	if (pkt->sport == UDP_DNS && cap > 0)	/* DNS over TCP answers */
		dns_input_tcp(pkt->payload, cap, pkt->ts);
	STAT_INC(DEC_TCP);
	flow_input(pkt);
	return 0;
}
