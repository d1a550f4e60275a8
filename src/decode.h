/*
 * decode.h -- link, IPv4, IPv6 and TCP headers to a struct pkt.
 *
 * Stateless.  A struct pkt is a view: payload points into the capture
 * buffer, which belongs to libpcap and dies when the callback returns.
 */
#ifndef TLSFLOOR_DECODE_H
#define TLSFLOOR_DECODE_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

/* Link types as libpcap reports them (pcap_datalink(); DLT_* values). */
#define LINK_NULL	0	/* BSD loopback, AF in host byte order */
#define LINK_EN10MB	1	/* Ethernet */
#define LINK_RAW	12	/* raw IP (LINKTYPE_RAW 101 maps here) */
#define LINK_RAW_BSD	14	/* raw IP as OpenBSD numbers it */
#define LINK_LOOP	108	/* OpenBSD loopback, AF in network order */
#define LINK_RAW_ALT	101	/* LINKTYPE_RAW if a libpcap passes it through */
#define LINK_LINUX_SLL	113	/* Linux cooked v1 */
#define LINK_IPV4	228
#define LINK_IPV6	229
#define LINK_LINUX_SLL2	276	/* Linux cooked v2 */

#define TH_FIN		0x01
#define TH_SYN		0x02
#define TH_RST		0x04
#define TH_PUSH		0x08
#define TH_ACK		0x10

struct pkt {
	uint64_t	 ts;		/* capture time, microseconds since epoch */
	uint64_t	 pktno;		/* 1-based number within its file */
	const char	*origin;	/* file or interface; lives for the run */
	uint8_t		 family;	/* 4 or 6 */
	uint8_t		 flags;		/* TCP flags, TH_* */
	uint16_t	 vlan;		/* outermost 802.1Q VLAN id, 0 if none */
	uint8_t		 encap;		/* tunnels and tags crossed */
	uint8_t		 src[16];	/* IPv4 uses the first 4 bytes */
	uint8_t		 dst[16];
	uint16_t	 sport, dport;
	uint32_t	 seq, ack;
	const uint8_t	*l3;		/* innermost IP header (for nDPI) */
	uint32_t	 l3len;		/* its captured bytes, within the IP
					   datagram */
	const uint8_t	*payload;	/* borrowed; caplen bytes */
	uint32_t	 caplen;	/* TCP payload bytes captured */
	uint32_t	 seglen;	/* TCP payload bytes on the wire */
	bool		 whole;		/* the frame was captured whole */
};

int	decode_supported_link(int link);
/* Count connections opened per server port (files only); the top ones. */
int	decode_count_ports(bool on);
size_t	decode_top_ports(uint16_t *ports, uint32_t *counts, size_t max);
int	decode_frame(int link, const char *origin, uint64_t pktno,
	    uint64_t ts, const uint8_t *frame, size_t caplen);
/* The same, knowing the frame's length on the wire (0: unknown, as if
 * the snaplen may have cut it). */
int	decode_frame_len(int link, const char *origin, uint64_t pktno,
	    uint64_t ts, const uint8_t *frame, size_t caplen, size_t wirelen);

#endif /* TLSFLOOR_DECODE_H */
