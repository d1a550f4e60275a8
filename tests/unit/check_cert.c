/*
 * check_cert.c -- cert.c: the server certificate of a TLS <= 1.2
 * Certificate message.  The certificates are made here with OpenSSL (an
 * EC key, a name, dates, subjectAltName), so the expected values are
 * known; the framing around them is then broken in every way it can be.
 */
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

#include "cert.h"
#include "unit.h"

static uint8_t	*der;		/* the certificate made by setup() */
static int	 der_len;
static uint8_t	 msg[8192];	/* a Certificate message body around it */
static size_t	 msg_len;

/* 2026-01-01 and 2027-01-01, 00:00 UTC */
#define T2026	1767225600
#define T2027	1798761600

static X509 *
make_cert(const char *cn, const char *issuer_cn, time_t nb, time_t na)
{
	EVP_PKEY	*k = EVP_EC_gen("P-256");
	X509		*x = X509_new();
	X509_NAME	*n;
	X509_EXTENSION	*e;
	X509V3_CTX	 ctx;

	ck_assert_ptr_nonnull(k);
	ck_assert_ptr_nonnull(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 17);
	ASN1_TIME_set(X509_getm_notBefore(x), nb);
	ASN1_TIME_set(X509_getm_notAfter(x), na);
	X509_set_pubkey(x, k);
	n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_ASC,
	    (const unsigned char *)"Example, Inc.", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	if (issuer_cn == NULL)		/* self-issued */
		X509_set_issuer_name(x, n);
	else {
		n = X509_get_issuer_name(x);
		X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
		    (const unsigned char *)issuer_cn, -1, -1, 0);
	}
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	e = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name,
	    "DNS:mail.example.test,DNS:imap.example.test,IP:192.0.2.7,"
	    "IP:2001:db8::1");
	ck_assert_ptr_nonnull(e);
	X509_add_ext(x, e, -1);
	X509_EXTENSION_free(e);
	ck_assert_int_gt(X509_sign(x, k, EVP_sha256()), 0);
	EVP_PKEY_free(k);
	return x;
}

/* certificate_list<0..2^24-1> holding the DER and, if extra, a second
 * (garbage) entry after it. */
static void
frame(const uint8_t *d, size_t n, bool extra)
{
	size_t	list = 3 + n + (extra ? 3 + 4 : 0), o = 0;

	ck_assert_uint_lt(3 + list, sizeof(msg));
	msg[o++] = (uint8_t)(list >> 16);
	msg[o++] = (uint8_t)(list >> 8);
	msg[o++] = (uint8_t)list;
	msg[o++] = (uint8_t)(n >> 16);
	msg[o++] = (uint8_t)(n >> 8);
	msg[o++] = (uint8_t)n;
	memcpy(msg + o, d, n);
	o += n;
	if (extra) {
		memcpy(msg + o, "\0\0\4junk", 7);
		o += 7;
	}
	msg_len = o;
}

static void
setup_with(const char *issuer)
{
	X509		*x = make_cert("mail.example.test", issuer, T2026, T2027);
	unsigned char	*p = NULL;

	der_len = i2d_X509(x, &p);
	ck_assert_int_gt(der_len, 0);
	der = p;
	X509_free(x);
	frame(der, (size_t)der_len, true);
}

static void
setup(void)
{
	setup_with(NULL);
}

static void
teardown(void)
{
	OPENSSL_free(der);
	der = NULL;
}

START_TEST(test_fields)
{
	struct tls_cert	c;
	unsigned char	md[32];
	unsigned	mdlen;
	char		hex[65];
	int		i;

	ck_assert_int_eq(cert_parse(msg, msg_len, T2026 + 86400, &c), CERT_OK);
	ck_assert_str_eq(c.subject, "CN=mail.example.test,O=Example\\, Inc.");
	ck_assert_str_eq(c.issuer, "CN=mail.example.test,O=Example\\, Inc.");
	ck_assert_str_eq(c.not_before, "2026-01-01T00:00:00.000Z");
	ck_assert_str_eq(c.not_after, "2027-01-01T00:00:00.000Z");
	EVP_Digest(der, (size_t)der_len, md, &mdlen, EVP_sha256(), NULL);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02X", md[i]);
	ck_assert_str_eq(c.sha256, hex);
	ck_assert_uint_eq(c.nsan, 4);
	ck_assert_str_eq(c.san[0], "mail.example.test");
	ck_assert_str_eq(c.san[1], "imap.example.test");
	ck_assert_str_eq(c.san[2], "192.0.2.7");
	ck_assert_str_eq(c.san[3], "2001:db8::1");
	ck_assert(c.self_signed);
	ck_assert(!c.expired);
	ck_assert(!c.not_yet_valid);
}
END_TEST

START_TEST(test_dates_against_the_session)
{
	struct tls_cert	c;

	ck_assert_int_eq(cert_parse(msg, msg_len, T2027 + 1, &c), CERT_OK);
	ck_assert(c.expired);
	ck_assert_int_eq(cert_parse(msg, msg_len, T2026 - 1, &c), CERT_OK);
	ck_assert(c.not_yet_valid);
	ck_assert(!c.expired);
}
END_TEST

START_TEST(test_not_self_signed)
{
	struct tls_cert	c;

	teardown();
	setup_with("Example CA");
	ck_assert_int_eq(cert_parse(msg, msg_len, T2026 + 1, &c), CERT_OK);
	ck_assert(!c.self_signed);
	ck_assert_str_eq(c.issuer, "CN=Example CA");
}
END_TEST

START_TEST(test_framing_broken)
{
	struct tls_cert	c;
	size_t		cut;
	uint8_t		save;

	/* every truncation: the list length no longer fits */
	for (cut = 0; cut < msg_len; cut++)
		ck_assert_int_eq(cert_parse(msg, cut, T2026, &c), CERT_BAD);
	/* an empty list */
	ck_assert_int_eq(cert_parse((const uint8_t *)"\0\0\0", 3, T2026, &c),
	    CERT_EMPTY);
	/* an empty first certificate */
	ck_assert_int_eq(cert_parse((const uint8_t *)"\0\0\3\0\0\0", 6, T2026,
	    &c), CERT_BAD);
	/* the first certificate's length says more than the list holds */
	save = msg[4];
	msg[4] = 0xff;
	ck_assert_int_eq(cert_parse(msg, msg_len, T2026, &c), CERT_BAD);
	msg[4] = save;
	/* a byte of the DER changed in its outer length */
	msg[6 + 1] ^= 0x01;
	ck_assert_int_eq(cert_parse(msg, msg_len, T2026, &c), CERT_BAD);
	msg[6 + 1] ^= 0x01;
	/* not DER at all */
	frame((const uint8_t *)"\x30\x03\x02\x01\x01", 5, false);
	ck_assert_int_eq(cert_parse(msg, msg_len, T2026, &c), CERT_BAD);
}
END_TEST

START_TEST(test_der_with_trailing_bytes)
{
	struct tls_cert	c;
	uint8_t		*d = malloc((size_t)der_len + 2);

	/* the certificate entry holds the DER and two bytes more: d2i_X509
	 * stops short of the entry's end */
	ck_assert_ptr_nonnull(d);
	memcpy(d, der, (size_t)der_len);
	d[der_len] = 0;
	d[der_len + 1] = 0;
	frame(d, (size_t)der_len + 2, false);
	ck_assert_int_eq(cert_parse(msg, msg_len, T2026, &c), CERT_BAD);
	free(d);
}
END_TEST

Suite *
cert_suite(void)
{
	Suite	*s = suite_create("cert");
	TCase	*tc = tcase_create("parse");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_fields);
	tcase_add_test(tc, test_dates_against_the_session);
	tcase_add_test(tc, test_not_self_signed);
	tcase_add_test(tc, test_framing_broken);
	tcase_add_test(tc, test_der_with_trailing_bytes);
	suite_add_tcase(s, tc);
	return s;
}
