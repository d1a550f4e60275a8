/*
 * decode.h -- link, IPv4, IPv6 and TCP headers to a struct pkt.
 *
 * Stateless.  Each decoded TCP segment goes to flow_input() as a struct
 * pkt (pkt.h).
 */
#ifndef TLSFLOOR_DECODE_H
#define TLSFLOOR_DECODE_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "pkt.h"

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
