/*
 * cert.c -- the server certificate of a TLS 1.0-1.2 handshake.
 *
 * tls.c gathers the Certificate message that follows the ServerHello (at
 * most TLS_MAX_CERT_MSG bytes, mail flows only) and hands its body here.
 * The list is framed with the bounds-checked reader; only the first
 * certificate -- the server's own -- is decoded, by OpenSSL's d2i_X509,
 * which is given exactly that certificate's bytes.  Every string kept is
 * cut to a caps.h size; outputs clean it before writing.  Decoded
 * certificates are kept per thread by their SHA-256 (CERT_CACHE_SLOTS):
 * the same server's certificate is decoded once, not every session.
 */
#include <arpa/inet.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cert.h"
#include "fmt.h"
#include "reader.h"

static void	cert_name(const X509_NAME *, char *, size_t);
static void	cert_time(const ASN1_TIME *, char *, size_t, int64_t *);

struct cert_slot {
	uint8_t		 sha[32];
	bool		 used;
	struct tls_cert	 c;
};
static _Thread_local struct cert_slot	cache[CERT_CACHE_SLOTS];
static EVP_MD		*sha256_md;	/* fetched once: EVP_sha256() would
					   look it up (and lock) every time */
static pthread_once_t	 sha256_once = PTHREAD_ONCE_INIT;

static void
cert_fetch_md(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}
static void	cert_sans(X509 *, struct tls_cert *);

/* A name as RFC 2253 writes it ("CN=mail.example.com,O=Example"). */
static void
cert_name(const X509_NAME *name, char *out, size_t len)
{
	BIO	*b;
	int	 n;

	out[0] = '\0';
	if (name == NULL || (b = BIO_new(BIO_s_mem())) == NULL)
		return;
	if (X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253) >= 0 &&
	    (n = BIO_read(b, out, (int)len - 1)) > 0)
		out[n] = '\0';
	BIO_free(b);
}

/* Days from 1970-01-01 to y-m-d, proleptic Gregorian (any year). */
static int64_t
cert_days(int64_t y, int64_t m, int64_t d)
{
	int64_t	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/*
 * ECS date: 2026-01-01T00:00:00.000Z, and *secs since 1970; empty and
 * *secs unchanged if it does not parse.
 */
static void
cert_time(const ASN1_TIME *t, char *out, size_t len, int64_t *secs)
{
	struct tm	tm;
	int64_t		s;

	out[0] = '\0';
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return;
	s = cert_days(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) *
	    86400 + tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
	if (fmt_rfc3339(out, len, s, 0, FMT_FRAC_MS) >= len) {
		out[0] = '\0';
		return;
	}
	*secs = s;
}

/* DNS names and IP addresses of subjectAltName, at most CERT_MAX_SANS. */
static void
cert_sans(X509 *x, struct tls_cert *c)
{
	GENERAL_NAMES		*gn;
	const GENERAL_NAME	*g;
	const unsigned char	*d;
	char			*o;
	int			 i, n, len;

	if ((gn = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL)) ==
	    NULL)
		return;
	n = sk_GENERAL_NAME_num(gn);
	for (i = 0; i < n; i++) {
		g = sk_GENERAL_NAME_value(gn, i);
		if (g->type != GEN_DNS && g->type != GEN_IPADD)
			continue;
		if (c->nsan >= CERT_MAX_SANS) {
			c->san_trunc = true;
			break;
		}
		o = c->san[c->nsan];
		d = ASN1_STRING_get0_data(g->d.ia5);
		len = ASN1_STRING_length(g->d.ia5);
		if (g->type == GEN_DNS) {
			if (len < 0)
				continue;
			if ((size_t)len >= CERT_MAX_SAN)
				len = CERT_MAX_SAN - 1;
			memcpy(o, d, (size_t)len);
			o[len] = '\0';
		} else if (len == 4)
			snprintf(o, CERT_MAX_SAN, "%u.%u.%u.%u", d[0], d[1],
			    d[2], d[3]);
		else if (len != 16 ||
		    inet_ntop(AF_INET6, d, o, CERT_MAX_SAN) == NULL)
			continue;
		c->nsan++;
	}
	GENERAL_NAMES_free(gn);
}

/* The session's view of a certificate: its dates against now. */
static void
cert_judge(struct tls_cert *c, int64_t now)
{
	c->expired = c->not_after[0] != '\0' && c->na < now;
	c->not_yet_valid = c->not_before[0] != '\0' && c->nb > now;
}

enum cert_res
cert_parse(const uint8_t *body, size_t n, int64_t now, struct tls_cert *c)
{
	static const char	 hex[] = "0123456789ABCDEF";
	struct rd		 r, list;
	const uint8_t		*der;
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned		 mdlen = 0, i;
	uint32_t		 len;
	X509			*x;
	const unsigned char	*p;
	struct cert_slot	*slot;

	memset(c, 0, sizeof(*c));
	r = rd_init(body, n);
	len = rd_u24(&r);
	/* The list must fill the message: a length that lies is framing
	 * we cannot trust. */
	if (r.bad || len != rd_left(&r))
		return CERT_BAD;
	if (len == 0)
		return CERT_EMPTY;	/* a server may send none */
	list = rd_sub(&r, len);
	len = rd_u24(&list);
	if (list.bad || len == 0 || len > rd_left(&list))
		return CERT_BAD;
	der = list.p;
	pthread_once(&sha256_once, cert_fetch_md);
	if (sha256_md == NULL || EVP_Digest(der, len, md, &mdlen, sha256_md,
	    NULL) != 1 || mdlen != 32)
		return CERT_BAD;
	slot = &cache[md[0] % CERT_CACHE_SLOTS];
	if (slot->used && memcmp(slot->sha, md, 32) == 0) {
		*c = slot->c;
		cert_judge(c, now);
		return CERT_OK;
	}
	p = der;
	if ((x = d2i_X509(NULL, &p, (long)len)) == NULL)
		return CERT_BAD;
	/* d2i_X509 must have used exactly the certificate's bytes. */
	if (p != der + len) {
		X509_free(x);
		return CERT_BAD;
	}
	cert_name(X509_get_subject_name(x), c->subject, sizeof(c->subject));
	cert_name(X509_get_issuer_name(x), c->issuer, sizeof(c->issuer));
	cert_time(X509_get0_notBefore(x), c->not_before, sizeof(c->not_before),
	    &c->nb);
	cert_time(X509_get0_notAfter(x), c->not_after, sizeof(c->not_after),
	    &c->na);
	for (i = 0; i < 32; i++) {
		c->sha256[2 * i] = hex[md[i] >> 4];
		c->sha256[2 * i + 1] = hex[md[i] & 15];
	}
	cert_sans(x, c);
	/* Names and key identifiers say it issued itself; the signature is
	 * not checked (that costs a public-key operation per session). */
	c->self_signed = X509_self_signed(x, 0) == 1;
	X509_free(x);
	memcpy(slot->sha, md, 32);
	slot->c = *c;
	slot->used = true;
	cert_judge(c, now);
	return CERT_OK;
}
