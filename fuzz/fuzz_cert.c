/*
 * fuzz_cert.c -- cert.c: the server certificate of a TLS <= 1.2
 * Certificate message, decoded by OpenSSL's d2i_X509 within our framing.
 *
 * Input: sel(1), then
 *   sel bit 0 clear  the rest is the Certificate message body as is
 *                    (certificate_list<0..2^24-1>)
 *   sel bit 0 set    the rest is one certificate's DER: it is framed as a
 *                    one-entry list first, so the mutations reach the
 *                    X.509 decoder and the name, time and SAN printers
 *   sel bits 1-7     the session's time, in years after 1970 (x 4)
 *
 * Oracle: every string kept is NUL-terminated within its field, the SAN
 * count within CERT_MAX_SANS, the hash 64 upper-case hex digits or empty;
 * a parse that fails leaves no fields behind.
 */
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "fuzz.h"

static void	check_str(const char *, size_t, const char *);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void
check_str(const char *s, size_t cap, const char *what)
{
	if (memchr(s, '\0', cap) == NULL)
		fuzz_fail("%s is not terminated within its %zu bytes", what,
		    cap);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t	 buf[TLS_MAX_CERT_MSG];
	struct tls_cert	 c;
	const uint8_t	*body;
	size_t		 n, i;
	int64_t		 now;
	enum cert_res	 r;

	if (size < 1)
		return 0;
	now = (int64_t)(data[0] >> 1) * 4 * 365 * 86400;
	if (data[0] & 1) {
		n = size - 1;
		if (6 + n > sizeof(buf))
			return 0;
		buf[0] = (uint8_t)((n + 3) >> 16);
		buf[1] = (uint8_t)((n + 3) >> 8);
		buf[2] = (uint8_t)(n + 3);
		buf[3] = (uint8_t)(n >> 16);
		buf[4] = (uint8_t)(n >> 8);
		buf[5] = (uint8_t)n;
		memcpy(buf + 6, data + 1, n);
		body = buf;
		n += 6;
	} else {
		body = data + 1;
		n = size - 1;
	}
	r = cert_parse(body, n, now, &c);
	if (r != CERT_OK) {
		if (c.subject[0] != '\0' || c.sha256[0] != '\0' || c.nsan != 0)
			fuzz_fail("a failed parse left fields behind");
		return 0;
	}
	check_str(c.subject, sizeof(c.subject), "subject");
	check_str(c.issuer, sizeof(c.issuer), "issuer");
	check_str(c.not_before, sizeof(c.not_before), "not_before");
	check_str(c.not_after, sizeof(c.not_after), "not_after");
	check_str(c.sha256, sizeof(c.sha256), "sha256");
	if (c.nsan > CERT_MAX_SANS)
		fuzz_fail("%u names kept, at most %d", c.nsan, CERT_MAX_SANS);
	for (i = 0; i < c.nsan; i++)
		check_str(c.san[i], sizeof(c.san[i]), "a name");
	if (strlen(c.sha256) != 64)
		fuzz_fail("sha256 \"%s\" is not 64 hex digits", c.sha256);
	for (i = 0; i < 64; i++)
		if (!((c.sha256[i] >= '0' && c.sha256[i] <= '9') ||
		    (c.sha256[i] >= 'A' && c.sha256[i] <= 'F')))
			fuzz_fail("sha256 \"%s\" is not upper-case hex",
			    c.sha256);
	return 0;
}
