/*
 * flow.h -- pipeline stage 3: the flow table.
 *
 * A flow is one TCP connection, both directions: a table entry (hash
 * chain, LRU links, idle clock), the two reassembly streams, and the
 * struct conn record (session.h) that the stages below and the outputs
 * work on.  Only flow.c and its callers above (decode, worker, main) see
 * struct flow.
 */
#ifndef TLSFLOOR_FLOW_H
#define TLSFLOOR_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reasm.h"
#include "session.h"

struct config;
struct pkt;

/*
 * The table's part comes first: what a lookup compares (the hash, then
 * the endpoints at the start of the conn record) and what every packet
 * updates sit within the first two cache lines.
 */
struct flow {
	struct flow	*hnext;		/* hash chain */
	uint32_t	 hash;
	uint64_t	 touched;	/* us, table clock at the last packet */
	struct conn	 c;		/* what the stages and outputs see */
	struct flow	*prev, *next;	/* active LRU list or closed list */
	uint64_t	 moved;		/* us, table clock when put at the tail */
	struct reasm_stream stream[2];	/* per direction */
};

/* The flow around a conn record (tests and fuzzers build flows outside the
 * table and drive the stages with &f->c). */
static inline struct flow *
flow_of(struct conn *c)
{
	return (struct flow *)(void *)((char *)c - offsetof(struct flow, c));
}

int	 flow_init(const struct config *);
void	 flow_set_share(unsigned nworkers);
void	 flow_input(const struct pkt *);
void	 flow_flush_all(void);
void	 flow_tick(uint64_t now_us);
void	 flow_set_config(const struct config *);
void	 flow_fini(void);
/* Free what the stages hold for a flow (not the flow itself). */
void	 flow_release_state(struct flow *);
const struct config *flow_config(void);

#endif /* TLSFLOOR_FLOW_H */
