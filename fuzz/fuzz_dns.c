/*
 * fuzz_dns.c -- passive DNS: one input is one DNS response for
 * dns_input_udp() or dns_input_tcp() (with its 2-byte length prefixes),
 * then lookups.
 *
 * Input: sel(1)  bit 0: TCP (else UDP)
 *                bits 1-7: name buffer size for the lookups (0: DNS_NAME_LEN)
 *        the message
 *
 * Each input starts an empty table of 64 entries (dns_init(), so the LRU
 * evicts), parses, then looks up every 4- and 16-byte window of the input
 * as an IPv4 / IPv6 address, so that the addresses the answers carry are
 * found.  A name found is NUL-terminated within the buffer and holds only
 * [a-z0-9_-.?]; the table never holds more than it was given.
 */
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "fuzz.h"

#define ENTRIES	64

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void
check_name(const char *name, size_t len)
{
	size_t	i, n = strnlen(name, len);

	if (n == len)
		fuzz_fail("dns_lookup: name not terminated in %zu bytes", len);
	for (i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '-' ||
		    name[i] == '_' || name[i] == '.' || name[i] == '?'))
			fuzz_fail("dns_lookup: byte %#x in a name",
			    (unsigned)(uint8_t)name[i]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t	*msg;
	char	*name;
	size_t	 i, namelen;
	uint8_t	 sel;

	if (size < 1)
		return 0;
	sel = data[0];
	data++;
	size--;
	namelen = (sel >> 1) == 0 ? DNS_NAME_LEN : (size_t)(sel >> 1);
	if (dns_init(ENTRIES) != 0)
		fuzz_fail("dns_init");
	/* Exactly size bytes, so ASan sees a read past them. */
	if ((msg = malloc(size ? size : 1)) == NULL ||
	    (name = malloc(namelen)) == NULL)
		fuzz_fail("malloc");
	memcpy(msg, data, size);
	if (sel & 1)
		dns_input_tcp(msg, size, 1767225600000000ULL);
	else
		dns_input_udp(msg, size, 1767225600000000ULL);
	if (dns_count() > ENTRIES)
		fuzz_fail("dns_count %zu over %d", dns_count(), ENTRIES);
	for (i = 0; i + 4 <= size; i++)
		if (dns_lookup(4, msg + i, name, namelen))
			check_name(name, namelen);
	for (i = 0; i + 16 <= size; i++)
		if (dns_lookup(6, msg + i, name, namelen))
			check_name(name, namelen);
	if (size >= 4)
		(void)dns_lookup(4, msg, NULL, 0);	/* only the answer */
	free(name);
	free(msg);
	return 0;
}
