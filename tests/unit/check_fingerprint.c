/*
 * check_fingerprint.c -- JA3 / JA4 on hand-built ClientHellos.
 *
 * The JA4 expectations are the worked example of FoxIO's specification
 * (github.com/FoxIO-LLC/ja4, technical_details/JA4.md, sections "Example"
 * and "Raw Output"): the ClientHello below carries exactly the cipher,
 * extension and signature-algorithm lists that example lists, in its
 * order, so JA4 must come out as the document's
 * t13d1516h2_8daaf6152771_e5627efa2ab1.  JA3/JA3S against Wireshark are
 * checked on real captures by tests/fingerprints/check.py.
 */
#include <check.h>
#include <string.h>

#include "fingerprint.h"
#include "tls.h"

Suite	*fingerprint_suite(void);

/* ClientHello body (after the 4-byte handshake header). */
static const uint8_t ja4_example[] = {
	0x03, 0x03,				/* legacy_version TLS 1.2 */
	/* random (32) */
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
	0x00,					/* legacy_session_id <0> */
	0x00, 0x1e,				/* cipher_suites: 15 */
	0x13, 0x01, 0x13, 0x02, 0x13, 0x03, 0xc0, 0x2b, 0xc0, 0x2f,
	0xc0, 0x2c, 0xc0, 0x30, 0xcc, 0xa9, 0xcc, 0xa8, 0xc0, 0x13,
	0xc0, 0x14, 0x00, 0x9c, 0x00, 0x9d, 0x00, 0x2f, 0x00, 0x35,
	0x01, 0x00,				/* compression: null */
	0x00, 0x98,				/* extensions: 152 bytes */
	0x00, 0x1b, 0x00, 0x03, 0x02, 0x00, 0x02,	/* compress_cert brotli */
	0x00, 0x00, 0x00, 0x10,			/* server_name */
	    0x00, 0x0e, 0x00, 0x00, 0x0b,
	    'e', 'x', 'a', 'm', 'p', 'l', 'e', '.', 'c', 'o', 'm',
	0x00, 0x33, 0x00, 0x02, 0x00, 0x00,	/* key_share: empty list */
	0x00, 0x10, 0x00, 0x0e,			/* ALPN: h2, http/1.1 */
	    0x00, 0x0c, 0x02, 'h', '2',
	    0x08, 'h', 't', 't', 'p', '/', '1', '.', '1',
	0x44, 0x69, 0x00, 0x00,			/* application_settings */
	0x00, 0x17, 0x00, 0x00,			/* extended_master_secret */
	0x00, 0x2d, 0x00, 0x02, 0x01, 0x01,	/* psk_key_exchange_modes */
	0x00, 0x0d, 0x00, 0x12, 0x00, 0x10,	/* signature_algorithms */
	    0x04, 0x03, 0x08, 0x04, 0x04, 0x01, 0x05, 0x03,
	    0x08, 0x05, 0x05, 0x01, 0x08, 0x06, 0x06, 0x01,
	0x00, 0x05, 0x00, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00, /* status_req */
	0x00, 0x23, 0x00, 0x00,			/* session_ticket */
	0x00, 0x12, 0x00, 0x00,			/* signed_cert_timestamp */
	0x00, 0x2b, 0x00, 0x05, 0x04,		/* supported_versions */
	    0x03, 0x04, 0x03, 0x03,
	0xff, 0x01, 0x00, 0x01, 0x00,		/* renegotiation_info */
	0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,	/* ec_point_formats */
	0x00, 0x0a, 0x00, 0x08, 0x00, 0x06,	/* supported_groups */
	    0x00, 0x1d, 0x00, 0x17, 0x00, 0x18,
	0x00, 0x15, 0x00, 0x0c,			/* padding */
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

START_TEST(test_ja4_spec_example)
{
	struct tls_client_hello	ch;
	char			ja4[FP_JA4_MAX], raw[FP_STR_MAX];

	ck_assert_int_eq(tls_parse_client_hello(ja4_example,
	    sizeof(ja4_example), &ch), TLS_OK);
	ck_assert(!ch.ext_bad);
	ck_assert(fp_ja4(&ch, ja4, raw, sizeof(raw)));
	ck_assert_str_eq(ja4, "t13d1516h2_8daaf6152771_e5627efa2ab1");
	ck_assert_str_eq(raw, "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,"
	    "c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,"
	    "0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,"
	    "0805,0501,0806,0601");
}
END_TEST

/* GREASE anywhere changes nothing (JA4.md "Details"). */
START_TEST(test_ja4_grease_ignored)
{
	struct tls_client_hello	ch;
	char			ja4[FP_JA4_MAX];

	ck_assert_int_eq(tls_parse_client_hello(ja4_example,
	    sizeof(ja4_example), &ch), TLS_OK);
	/* as if the client had put GREASE first in each list */
	memmove(ch.ciphers + 1, ch.ciphers, ch.nciphers * 2);
	ch.ciphers[0] = 0x3a3a;
	ch.nciphers++;
	memmove(ch.exts + 1, ch.exts, ch.nexts * 2);
	ch.exts[0] = 0xdada;
	ch.nexts++;
	ch.versions[ch.nversions++] = 0x7a7a;
	ck_assert(fp_ja4(&ch, ja4, NULL, 0));
	ck_assert_str_eq(ja4, "t13d1516h2_8daaf6152771_e5627efa2ab1");
}
END_TEST

/* No SNI, no ALPN, no signature algorithms: "i", "00", no underscore. */
START_TEST(test_ja4_bare)
{
	struct tls_client_hello	ch;
	char			ja4[FP_JA4_MAX], raw[FP_STR_MAX];

	ck_assert_int_eq(tls_parse_client_hello(ja4_example,
	    sizeof(ja4_example), &ch), TLS_OK);
	ch.nexts = 0;
	ch.nsigalgs = 0;
	ch.alpn_full = 0;
	ch.has_versions = false;
	ck_assert(fp_ja4(&ch, ja4, raw, sizeof(raw)));
	ck_assert_str_eq(ja4, "t12i150000_8daaf6152771_000000000000");
}
END_TEST

/* ALPN first/last characters, the hex rule for non-alphanumerics. */
START_TEST(test_ja4_alpn_hex)
{
	struct tls_client_hello	ch;
	char			ja4[FP_JA4_MAX];

	ck_assert_int_eq(tls_parse_client_hello(ja4_example,
	    sizeof(ja4_example), &ch), TLS_OK);
	ch.alpn[0] = 0x30;		/* "0" ... 0xcd: JA4.md gives "3d" */
	ch.alpn_last = 0xcd;
	ch.alpn_full = 4;
	ck_assert(fp_ja4(&ch, ja4, NULL, 0));
	ck_assert(strncmp(ja4, "t13d15163d_", 11) == 0);
}
END_TEST

START_TEST(test_ja3_example)
{
	struct tls_client_hello	ch;
	char			s[FP_STR_MAX], md5[FP_MD5_HEX];

	ck_assert_int_eq(tls_parse_client_hello(ja4_example,
	    sizeof(ja4_example), &ch), TLS_OK);
	ck_assert(fp_ja3(&ch, s, sizeof(s), md5));
	ck_assert_str_eq(s, "771,4865-4866-4867-49195-49199-49196-49200-52393-"
	    "52392-49171-49172-156-157-47-53,27-0-51-16-17513-23-45-13-5-35-18-"
	    "43-65281-11-10-21,29-23-24,0");
	/* md5 of the string above (Python hashlib) */
	ck_assert_str_eq(md5, "c000e2caf3a25423f9de6c8a4b12a975");
}
END_TEST

/* A hello we did not read whole gets no fingerprint at all. */
START_TEST(test_no_fingerprint_for_damaged)
{
	struct tls_client_hello	ch;
	char			s[FP_STR_MAX], md5[FP_MD5_HEX];
	char			ja4[FP_JA4_MAX];

	ck_assert_int_eq(tls_parse_client_hello(ja4_example,
	    sizeof(ja4_example), &ch), TLS_OK);
	ch.ext_bad = true;
	ck_assert(!fp_ja3(&ch, s, sizeof(s), md5));
	ck_assert(!fp_ja4(&ch, ja4, NULL, 0));
	ch.ext_bad = false;
	ch.sslv2 = true;
	ck_assert(!fp_ja3(&ch, s, sizeof(s), md5));
	/* and a buffer too small is a refusal, not a truncated string */
	ch.sslv2 = false;
	ck_assert(!fp_ja3(&ch, s, 20, md5));
}
END_TEST

Suite *
fingerprint_suite(void)
{
	Suite	*s = suite_create("fingerprint");
	TCase	*tc = tcase_create("ja4");

	tcase_add_test(tc, test_ja4_spec_example);
	tcase_add_test(tc, test_ja4_grease_ignored);
	tcase_add_test(tc, test_ja4_bare);
	tcase_add_test(tc, test_ja4_alpn_hex);
	suite_add_tcase(s, tc);
	tc = tcase_create("ja3");
	tcase_add_test(tc, test_ja3_example);
	tcase_add_test(tc, test_no_fingerprint_for_damaged);
	suite_add_tcase(s, tc);
	return s;
}
