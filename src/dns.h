/*
 * dns.h -- passive DNS: which name a client asked for to reach an address.
 *
 * Old mail clients often send no SNI; the name they meant is the question
 * of the DNS response that gave them the server's address.  dns.c parses
 * responses seen on the wire (UDP, and TCP with its 2-byte length prefix),
 * follows the CNAME chain in the answer section from the question name to
 * the A/AAAA records, and keeps address -> question name in a bounded table.
 */
#ifndef TLSFLOOR_DNS_H
#define TLSFLOOR_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Caps (caps.h, DNS_*).  A hostile message costs at most DNS_MAX_ANSWERS
 * records of at most two names each, every name at most DNS_MAX_PTRS jumps
 * and DNS_MAX_NAME bytes; the table costs max_entries x ~290 bytes
 * (DNS_DEF_ENTRIES: 18 MiB at most, touched only as it fills).
 */
#define DNS_NAME_LEN	256	/* holds any name dns_lookup() gives */

/*
 * Passive DNS: A/AAAA (and the CNAME chain leading to them) from responses
 * seen on the wire.  max_entries 0 means DNS_DEF_ENTRIES; -1 when it is
 * over DNS_MAX_ENTRIES or memory or getrandom() fail.  Calling it again
 * starts an empty table.
 */
int	dns_init(size_t max_entries);	/* bounded table; 0 on success */
void	dns_fini(void);
/*
 * One DNS message: a UDP payload (from port 53), or a TCP payload from port
 * 53 starting with the 2-byte length prefix (RFC 1035 4.2.2; only messages
 * wholly inside the segment are parsed, possibly several).  ts in us since
 * the epoch (unused: TTLs are ignored, see dns.c).  Before dns_init():
 * ignored.
 */
void	dns_input_udp(const uint8_t *, size_t, uint64_t ts);
void	dns_input_tcp(const uint8_t *, size_t, uint64_t ts);
/*
 * The name a client most recently resolved to this address: the name it
 * asked for (the question name, i.e. the start of any CNAME chain), cleaned
 * to a printable lower-case hostname ([a-z0-9_-] and dots; any other byte
 * shows as '?').  false when unknown.  family is 4 or 6 (as in struct pkt)
 * or AF_INET / AF_INET6; addr holds 4 or 16 bytes.  The name is cut to
 * namelen - 1 bytes and NUL-terminated (name NULL or namelen 0: only the
 * answer); a hit counts as a use for the LRU.
 */
bool	dns_lookup(int family, const uint8_t *addr, char *name, size_t namelen);

/* Addresses in the table (for tests and the stats dump). */
size_t	dns_count(void);

#endif /* TLSFLOOR_DNS_H */
