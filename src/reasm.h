/*
 * reasm.h -- pipeline stage 4: per-direction TCP byte streams.
 */
#ifndef TLSFLOOR_REASM_H
#define TLSFLOOR_REASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session.h"

struct conn;
struct pkt;

struct reasm_seg;

struct reasm_stream {
	struct reasm_seg *ooo;		/* queued segments, sorted by seq */
	uint32_t	 next_seq;	/* next byte to deliver in order */
	uint32_t	 ooo_bytes;	/* bytes held in ooo */
	uint32_t	 peer_ack;	/* highest ACK the other side sent */
	uint16_t	 ooo_segs;
	uint8_t		 flags;		/* REASM_F_* */
	uint64_t	 delivered;	/* bytes handed to the parser */
	uint8_t		*recent;	/* last REASM_RECENT bytes delivered,
					   by seq modulo; owned, while inspecting */
	uint32_t	 fin_seq;	/* sequence number of this side's FIN */
	uint32_t	 gaps;		/* holes skipped */
	uint32_t	 conflicts;	/* overlaps whose bytes disagreed */
};

#define REASM_F_SEQ	0x01	/* next_seq is known */
#define REASM_F_SYN	0x02	/* saw this direction's SYN */
#define REASM_F_ACKED	0x04	/* peer_ack is valid */
#define REASM_F_STOP	0x08	/* parser is done with this direction */
#define REASM_F_FIN	0x10	/* fin_seq is valid */
#define REASM_F_DONE	0x20	/* the parsers need no more of it */

void	reasm_input(struct conn *, struct reasm_stream *, enum dir dir,
	    const struct pkt *);
void	reasm_flush(struct conn *, struct reasm_stream *, enum dir dir);
void	reasm_free(struct reasm_stream *);
void	reasm_done(struct reasm_stream *, unsigned dirs);
size_t	reasm_seg_overhead(void);

#endif /* TLSFLOOR_REASM_H */
