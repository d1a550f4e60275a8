/*
 * cert.h -- the server's certificate, as TLS 1.2 and earlier show it in
 * the clear: the first (leaf) certificate of the Certificate handshake
 * message, decoded with OpenSSL's d2i_X509 into fixed-size fields.
 */
#ifndef TLSFLOOR_CERT_H
#define TLSFLOOR_CERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "caps.h"

struct tls_cert {
	char		 subject[CERT_MAX_NAME];	/* RFC 2253, cut */
	char		 issuer[CERT_MAX_NAME];
	char		 not_before[32];	/* 2026-01-01T00:00:00.000Z */
	char		 not_after[32];
	char		 sha256[65];		/* of the DER, upper-case hex */
	char		 san[CERT_MAX_SANS][CERT_MAX_SAN];	/* DNS, IP */
	uint8_t		 nsan;
	bool		 san_trunc;	/* more names than kept */
	int64_t		 nb, na;	/* the same two, s since 1970 */
	bool		 expired;	/* not_after before the session */
	bool		 not_yet_valid;	/* not_before after the session */
	bool		 self_signed;	/* issued by itself (names, keys) */
};

enum cert_res {
	CERT_OK,
	CERT_EMPTY,		/* an empty certificate_list */
	CERT_BAD,		/* framing or DER broken */
};

/*
 * body: a TLS 1.0-1.2 Certificate message body (RFC 5246 7.4.2:
 * certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>).  now: the
 * session's time in seconds, for expired / not_yet_valid.
 */
enum cert_res	cert_parse(const uint8_t *body, size_t n, int64_t now,
		    struct tls_cert *);

#endif /* TLSFLOOR_CERT_H */
