/*
 * pkt.h -- ground: one decoded TCP segment, as decode.c hands it on.
 *
 * A struct pkt is a view: payload points into the capture buffer, which
 * belongs to libpcap (or the file reader) and dies when the callback
 * returns.  Header only: flow, reassembly and nDPI read it, decode.c
 * fills it.
 */
#ifndef TLSFLOOR_PKT_H
#define TLSFLOOR_PKT_H

#include <stdbool.h>
#include <stdint.h>

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

#endif /* TLSFLOOR_PKT_H */
