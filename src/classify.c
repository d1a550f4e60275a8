/*
 * classify.c -- the only file that calls nDPI.
 *
 * For now: IANA cipher suite names (nDPI keeps the table, so we do not
 * carry our own copy) and nDPI's version for --version.
 */
#include <stdio.h>
#include <string.h>

#include <ndpi_api.h>

#include "classify.h"

/*
 * "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"; a suite nDPI does not know (and
 * GREASE) comes out as "0x1a1a".  The result is valid until the next call.
 */
const char *
classify_cipher_name(uint16_t c)
{
	static char	buf[8];
	const char	*n = ndpi_cipher2str(c);

	if (n != NULL && strncmp(n, "0X", 2) != 0 && strncmp(n, "0x", 2) != 0)
		return n;
	snprintf(buf, sizeof(buf), "0x%04x", c);
	return buf;
}

const char *
classify_ndpi_version(void)
{
	return ndpi_revision();
}
