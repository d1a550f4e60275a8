/*
 * defrag.h -- IP fragment reassembly for decode.c.
 */
#ifndef TLSFLOOR_DEFRAG_H
#define TLSFLOOR_DEFRAG_H

#include <stddef.h>
#include <stdint.h>

struct dgram;

/* A datagram made whole: an IP header that no longer says "fragment",
 * then the payload.  Decode it, then defrag_release() it. */
struct defrag_out {
	const uint8_t	*data;
	size_t		 len;
	struct dgram	*d;
};

/*
 * One IPv4 fragment: hdr the header as captured (hlen bytes, options
 * included), data the fragment's payload, off its byte offset, more the MF
 * flag.  One IPv6 fragment: hdr the fixed 40-byte header, next/id/off/more
 * from its fragment header.  Returns 1 and fills *out when this fragment
 * completed its datagram; 0 when it was kept, or dropped and counted.
 */
int	defrag_ipv4(const uint8_t *hdr, size_t hlen, const uint8_t *data,
	    size_t len, uint32_t off, int more, uint16_t vlan, uint64_t ts,
	    struct defrag_out *out);
int	defrag_ipv6(const uint8_t *hdr, uint8_t next, uint32_t id,
	    const uint8_t *data, size_t len, uint32_t off, int more,
	    uint16_t vlan, uint64_t ts, struct defrag_out *out);
void	defrag_release(struct defrag_out *);
/* Drop what is still waiting for fragments (end of the run or thread). */
void	defrag_fini(void);

#endif /* TLSFLOOR_DEFRAG_H */
