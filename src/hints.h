/*
 * hints.h -- which client program a TLS fingerprint belongs to, from a
 * table of fingerprints taken from real clients (hints.c says where each
 * came from).  A fingerprint not in the table is unknown: no guess.
 */
#ifndef TLSFLOOR_HINTS_H
#define TLSFLOOR_HINTS_H

#include <stddef.h>

/*
 * The client software whose hello has this JA4 (NULL: none computed) and
 * this JA3 string (not the MD5): its name, or NULL.  *source says what
 * matched: "ja4+ja3", or "ja3" alone when there is no JA4.
 */
const char	*hints_lookup(const char *ja4, const char *ja3,
		    const char **source);
size_t		 hints_count(void);

#endif /* TLSFLOOR_HINTS_H */
