/*
 * pcapng.h -- tlsfloor's own pcapng reader: every interface with its own
 * link type and snapshot length (libpcap refuses a file whose interfaces
 * differ, as mergecap writes them).
 */
#ifndef TLSFLOOR_PCAPNG_H
#define TLSFLOOR_PCAPNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The first four bytes of a pcapng file (a Section Header Block). */
#define PCAPNG_MAGIC		0x0A0D0D0Au

/* One packet, valid until the next pcapng_next(). */
struct pcapng_pkt {
	const uint8_t	*data;
	uint32_t	 caplen;	/* bytes at data */
	uint32_t	 len;		/* on the wire, >= caplen */
	uint64_t	 ts_us;		/* microseconds since 1970, clamped */
	int		 link;		/* its interface's LINKTYPE_ */
	uint32_t	 iface;		/* its interface, in its section */
};

struct pcapng;

/* Read the first section header from fp (not closed by pcapng_close()). */
struct pcapng	*pcapng_open(FILE *fp, char *err, size_t errlen);
/* 1: a packet; 0: the end of the file; -1: damage, pcapng_error() says. */
int		 pcapng_next(struct pcapng *, struct pcapng_pkt *);
const char	*pcapng_error(const struct pcapng *);
/* Sections and interfaces seen so far. */
unsigned	 pcapng_sections(const struct pcapng *);
void		 pcapng_close(struct pcapng *);

#endif /* TLSFLOOR_PCAPNG_H */
