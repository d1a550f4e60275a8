/*
 * check_fingerprint_vectors.c -- fingerprint.c against outside vectors.
 *
 * check_fingerprint.c rebuilds JA4.md's worked example; this suite adds a
 * second, independent client (a published Chrome hello whose JA3 and JA4 a
 * third-party fingerprinting service computed), JA3/JA4 of the unit
 * samples and JA3S, with expectations computed outside fingerprint.c
 * (Python's hashlib over the strings the specifications define).
 */
#include <stdlib.h>

#include "fingerprint.h"
#include "unit.h"

static struct tls_client_hello	ch;
static char			str[FP_STR_MAX], md5[FP_MD5_HEX];
static char			ja4[FP_JA4_MAX];

static void
parse(const uint8_t *p, size_t n)
{
	ck_assert_int_eq(tls_parse_client_hello(p, n, &ch), TLS_OK);
}

/*
 * Chrome 143 on Android, as a TLS fingerprinting page reported it (JA4_ro
 * gives the wire order); GREASE as Chrome places it.
 */
static void
chrome(struct tls_client_hello *c)
{
	static const uint16_t	ciphers[] = {
		0x2a2a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030,
		0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035,
	};
	static const uint16_t	exts[] = {
		0x8a8a, 0x002d, 0x0033, 0x0010, 0xfe0d, 0x0017, 0x44cd, 0x0000,
		0x000b, 0x000a, 0x002b, 0xff01, 0x0023, 0x0012, 0x0005, 0x000d,
		0x001b, 0x3a3a,
	};
	static const uint16_t	groups[] = {
		0x4a4a, 0x11ec, 0x001d, 0x0017, 0x0018,
	};
	static const uint16_t	sigalgs[] = {
		0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601,
	};
	static const uint16_t	versions[] = { 0x6a6a, 0x0304, 0x0303 };

	memset(c, 0, sizeof(*c));
	c->legacy_version = 0x0303;
	c->nciphers = sizeof(ciphers) / sizeof(ciphers[0]);
	memcpy(c->ciphers, ciphers, sizeof(ciphers));
	c->nexts = sizeof(exts) / sizeof(exts[0]);
	memcpy(c->exts, exts, sizeof(exts));
	c->ngroups = sizeof(groups) / sizeof(groups[0]);
	memcpy(c->groups, groups, sizeof(groups));
	c->nsigalgs = sizeof(sigalgs) / sizeof(sigalgs[0]);
	memcpy(c->sigalgs, sigalgs, sizeof(sigalgs));
	c->has_versions = true;
	c->nversions = 3;
	memcpy(c->versions, versions, sizeof(versions));
	c->npointfmts = 1;
	c->pointfmts[0] = 0;
	c->sni_len = 20;
	memcpy(c->sni, "tls.browserleaks.com", 20);
	c->alpn_len = c->alpn_full = 2;
	memcpy(c->alpn, "h2", 2);
	c->alpn_last = '2';
}

/* --- JA3 ----------------------------------------------------------------------- */

START_TEST(test_ja3_chrome)
{
	chrome(&ch);
	ck_assert(fp_ja3(&ch, str, sizeof(str), md5));
	ck_assert_str_eq(str, "771,4865-4866-4867-49195-49199-49196-49200-"
	    "52393-52392-49171-49172-156-157-47-53,45-51-16-65037-23-17613-0-"
	    "11-10-43-65281-35-18-5-13-27,4588-29-23-24,0");
	ck_assert_str_eq(md5, "98487aa16281980e7d1120d399efb6a4");
}
END_TEST

START_TEST(test_ja3_samples)
{
	parse(unit_ch12, unit_ch12_len);
	ck_assert(fp_ja3(&ch, str, sizeof(str), md5));
	ck_assert_str_eq(str, "771,49195-49199-156,0-10-11-13-16,29-23,0");
	ck_assert_str_eq(md5, "39caaa1effaf38f3252dff979040bfd4");
	/* GREASE left out of every list; no point formats: empty field. */
	parse(unit_ch13, unit_ch13_len);
	ck_assert(fp_ja3(&ch, str, sizeof(str), md5));
	ck_assert_str_eq(str, "771,4865-4866-49195,43-10-51,29,");
	ck_assert_str_eq(md5, "8a777ad13329f9c40a9effc89005c201");
	/* No extensions at all. */
	parse(unit_ch10, unit_ch10_len);
	ck_assert(fp_ja3(&ch, str, sizeof(str), md5));
	ck_assert_str_eq(str, "769,49161-47,,,");
	ck_assert_str_eq(md5, "40cb5a294d48d7b6a3709fabc8e3e7c8");
}
END_TEST

START_TEST(test_ja3_small_buffer)
{
	chrome(&ch);
	/* A string that does not fit gives no fingerprint, not a wrong
	 * one. */
	ck_assert(!fp_ja3(&ch, str, 40, md5));
	ck_assert(!fp_ja3(&ch, str, 0, md5));
}
END_TEST

START_TEST(test_ja3s)
{
	struct tls_server_hello	sh;

	ck_assert_int_eq(tls_parse_server_hello(unit_sh12, unit_sh12_len, &sh),
	    TLS_OK);
	ck_assert(fp_ja3s(&sh, str, sizeof(str), md5));
	ck_assert_str_eq(str, "771,49195,65281");
	ck_assert_str_eq(md5, "5cbdf35d43faf9cfc331165209343f05");
	ck_assert_int_eq(tls_parse_server_hello(unit_sh13, unit_sh13_len, &sh),
	    TLS_OK);
	ck_assert(fp_ja3s(&sh, str, sizeof(str), md5));
	ck_assert_str_eq(str, "771,4865,43-51");
	ck_assert_str_eq(md5, "f4febc55ea12b31ae17cfb7e614afda8");
	sh.sslv2 = true;			/* SSLv2: none */
	ck_assert(!fp_ja3s(&sh, str, sizeof(str), md5));
	sh.sslv2 = false;
	sh.ext_bad = true;			/* not read whole: none */
	ck_assert(!fp_ja3s(&sh, str, sizeof(str), md5));
}
END_TEST

/* --- JA4 ----------------------------------------------------------------------- */

START_TEST(test_ja4_chrome)
{
	chrome(&ch);
	ck_assert(fp_ja4(&ch, ja4, str, sizeof(str)));
	ck_assert_str_eq(ja4, "t13d1516h2_8daaf6152771_d8a2da3f94cd");
	ck_assert_str_eq(str, "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,"
	    "c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,"
	    "0012,0017,001b,0023,002b,002d,0033,44cd,fe0d,ff01_0403,0804,"
	    "0401,0503,0805,0501,0806,0601");
	/* Extension order does not matter to JA4 (Chrome permutes it). */
	ch.exts[1] = 0x001b;
	ch.exts[16] = 0x002d;
	ck_assert(fp_ja4(&ch, ja4, NULL, 0));
	ck_assert_str_eq(ja4, "t13d1516h2_8daaf6152771_d8a2da3f94cd");
}
END_TEST

START_TEST(test_ja4_samples)
{
	parse(unit_ch12, unit_ch12_len);
	ck_assert(fp_ja4(&ch, ja4, str, sizeof(str)));
	ck_assert_str_eq(ja4, "t12d0305ip_b80a1783d7a2_38660d1a2b28");
	ck_assert_str_eq(str,
	    "t12d0305ip_009c,c02b,c02f_000a,000b,000d_0403,0804,0401");
	/* No SNI, no ALPN, no signature algorithms. */
	parse(unit_ch13, unit_ch13_len);
	ck_assert(fp_ja4(&ch, ja4, NULL, 0));
	ck_assert_str_eq(ja4, "t13i030300_5559582ccdc4_3a62dcb2b4a6");
	/* No extensions: the c part is all zeros. */
	parse(unit_ch10, unit_ch10_len);
	ck_assert(fp_ja4(&ch, ja4, NULL, 0));
	ck_assert_str_eq(ja4, "t10i020000_fb9540be1df5_000000000000");
}
END_TEST

START_TEST(test_ja4_alpn)
{
	chrome(&ch);
	/* Not alphanumeric: first and last hex digit of the value. */
	ch.alpn[0] = 0xab;
	ch.alpn_last = 0xcd;
	ck_assert(fp_ja4(&ch, ja4, NULL, 0));
	ck_assert_int_eq(strncmp(ja4, "t13d1516ad_", 11), 0);
	/* One character: first and last are the same. */
	ch.alpn[0] = 'x';
	ch.alpn_last = 'x';
	ch.alpn_full = ch.alpn_len = 1;
	ck_assert(fp_ja4(&ch, ja4, NULL, 0));
	ck_assert_int_eq(strncmp(ja4, "t13d1516xx_", 11), 0);
	/* A value longer than what tls.c keeps: its real last byte. */
	memset(ch.alpn, 'a', TLS_MAX_ALPN);
	ch.alpn_len = TLS_MAX_ALPN;
	ch.alpn_full = 40;
	ch.alpn_last = 'z';
	ck_assert(fp_ja4(&ch, ja4, NULL, 0));
	ck_assert_int_eq(strncmp(ja4, "t13d1516az_", 11), 0);
}
END_TEST

START_TEST(test_ja4_versions)
{
	chrome(&ch);
	ch.has_versions = false;		/* legacy_version then */
	ck_assert(fp_ja4(&ch, ja4, NULL, 0));
	ck_assert_int_eq(strncmp(ja4, "t12", 3), 0);
	ch.legacy_version = 0x0300;
	ck_assert(fp_ja4(&ch, ja4, NULL, 0));
	ck_assert_int_eq(strncmp(ja4, "ts3", 3), 0);
	ch.legacy_version = 0x0305;		/* unknown */
	ck_assert(fp_ja4(&ch, ja4, NULL, 0));
	ck_assert_int_eq(strncmp(ja4, "t00", 3), 0);
	ch.has_versions = true;
	ch.versions[1] = 0x7f1c;		/* a draft is 1.3 */
	ch.versions[2] = 0x0303;
	ck_assert(fp_ja4(&ch, ja4, NULL, 0));
	ck_assert_int_eq(strncmp(ja4, "t13", 3), 0);
}
END_TEST

START_TEST(test_no_fingerprint_when_unsure)
{
	/* A hello not read whole would give a wrong fingerprint. */
	static const size_t	off[] = {
		offsetof(struct tls_client_hello, sslv2),
		offsetof(struct tls_client_hello, malformed),
		offsetof(struct tls_client_hello, partial),
		offsetof(struct tls_client_hello, ext_bad),
		offsetof(struct tls_client_hello, trunc),
	};
	size_t			i;

	for (i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
		chrome(&ch);
		*(bool *)((char *)&ch + off[i]) = true;
		ck_assert_msg(!fp_ja3(&ch, str, sizeof(str), md5), "flag %zu", i);
		ck_assert_msg(!fp_ja4(&ch, ja4, NULL, 0), "flag %zu", i);
	}
}
END_TEST

Suite *
fingerprint_vectors_suite(void)
{
	Suite	*s = suite_create("fingerprint_vectors");
	TCase	*tc;

	tc = tcase_create("fp_ja3");
	tcase_add_test(tc, test_ja3_chrome);
	tcase_add_test(tc, test_ja3_samples);
	tcase_add_test(tc, test_ja3_small_buffer);
	tcase_add_test(tc, test_ja3s);
	suite_add_tcase(s, tc);

	tc = tcase_create("fp_ja4");
	tcase_add_test(tc, test_ja4_chrome);
	tcase_add_test(tc, test_ja4_samples);
	tcase_add_test(tc, test_ja4_alpn);
	tcase_add_test(tc, test_ja4_versions);
	tcase_add_test(tc, test_no_fingerprint_when_unsure);
	suite_add_tcase(s, tc);
	return s;
}
