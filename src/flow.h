/*
 * flow.h -- pipeline stage 3: the flow table.
 *
 * A flow is one TCP connection, both directions.  It owns every piece of
 * per-connection state: the two reassembly streams, the mail and TLS parser
 * state (allocated lazily by those stages) and the session findings.
 */
#ifndef TLSFLOOR_FLOW_H
#define TLSFLOOR_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reasm.h"
#include "verdict.h"

struct config;
struct pkt;
struct mail_state;
struct tls_state;
struct classify_state;

#define FLOW_F_MIDSTREAM	0x01	/* no SYN seen: picked up mid-session */
#define FLOW_F_IMPLICIT		0x02	/* TLS from the first byte (993...) */
#define FLOW_F_CLOSED		0x04	/* ended; lingering to absorb strays */
#define FLOW_F_KNOWN		0x08	/* both directions judged: fast path */
#define FLOW_F_DPI		0x10	/* no watched port: nDPI is looking */
#define FLOW_F_BY_DPI		0x20	/* nDPI said what it is */
#define FLOW_F_BY_BANNER	0x40	/* ...or, after it gave up, the greeting */

struct flow {
	/* What the lookup and a packet of a judged flow touch come first,
	 * within the first two cache lines. */
	struct flow	*hnext;		/* hash chain */
	uint32_t	 hash;
	uint16_t	 cli_port, srv_port;
	uint8_t		 family;	/* 4 or 6 */
	uint8_t		 proto;		/* enum proto */
	uint8_t		 fflags;	/* FLOW_F_* */
	uint16_t	 vlan;		/* outermost VLAN id, 0 if none */
	uint8_t		 cli[16], srv[16];	/* IPv4 in the first 4 bytes */
	uint64_t	 touched;	/* us, table clock at the last packet */
	uint64_t	 last_ts;	/* us, latest capture time seen */
	uint64_t	 pkts[2];	/* per direction, enum dir */
	uint64_t	 bytes[2];	/* payload bytes on the wire, per dir */
	struct flow	*prev, *next;	/* active LRU list or closed list */
	uint64_t	 moved;		/* us, table clock when put at the tail */
	uint64_t	 id;		/* creation order, 1-based */
	uint64_t	 first_ts;	/* us, first packet's capture time */
	const char	*origin;	/* capture file or interface */
	uint64_t	 first_pktno;	/* packet number in origin */
	struct reasm_stream stream[2];	/* per direction */
	struct mail_state *mail;	/* owned; mail.c allocates */
	struct tls_state *tls;		/* owned; tls.c allocates */
	struct classify_state *dpi;	/* owned; classify.c allocates */
	struct session	 sess;		/* findings for the verdict */
};

int	 flow_init(const struct config *);
void	 flow_set_share(unsigned nworkers);
void	 flow_input(const struct pkt *);
void	 flow_flush_all(void);
void	 flow_tick(uint64_t now_us);
void	 flow_set_config(const struct config *);
void	 flow_fini(void);
const struct config *flow_config(void);

/* Accounted memory for flows and their buffers (memcap). */
void	*flow_mem_alloc(struct flow *owner, size_t);
void	 flow_mem_free(void *, size_t);
size_t	 flow_mem_used(void);

#endif /* TLSFLOOR_FLOW_H */
