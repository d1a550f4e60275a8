/*
 * classify.h -- port-independent protocol detection with nDPI (the only
 * nDPI caller).
 */
#ifndef TLSFLOOR_CLASSIFY_H
#define TLSFLOOR_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct conn;
struct pkt;

enum classify_res {
	CLASSIFY_MORE,		/* undecided: feed the next packet */
	CLASSIFY_FOUND,		/* *proto (and *implicit) say what it is */
	CLASSIFY_NONE,		/* not mail (nor TLS when asked): give up */
};

int		 classify_init(void);
void		 classify_fini(void);
enum classify_res classify_packet(struct conn *, const struct pkt *,
		    unsigned budget, bool want_tls, uint8_t *proto,
		    bool *implicit);
void		 classify_free(struct conn *);
const char	*classify_app(const struct conn *);
size_t		 classify_risks(const struct conn *, const char **, size_t);
const char	*classify_cipher_name(uint16_t);
const char	*classify_ndpi_version(void);

#endif /* TLSFLOOR_CLASSIFY_H */
