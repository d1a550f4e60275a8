/*
 * check_tls.c -- tls.c: version helpers, the hello parsers (TLS and
 * SSLv2), and the incremental stream layer on an implicit-TLS flow.
 *
 * The samples are in check_util.c.  Offsets into unit_ch12 used below:
 *   0 legacy_version, 34 session_id length, 35 cipher_suites length,
 *   43 compression_methods length, 45 extensions length, 47 first
 *   extension (server_name), 101 ALPN (type), 103 ALPN length.
 */
#include <stdlib.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "cert.h"
#include "unit.h"

#define CH12_SID	34
#define CH12_CIPHERS	35
#define CH12_COMP	43
#define CH12_EXTS	45
#define CH12_FIXED	45	/* bytes before the extensions */
#define CH12_ALPN_LEN	103
#define SH12_FIXED	38

static struct conn	*f;

static void
setup(void)
{
	unit_setup();
	f = unit_flow(PROTO_IMAP, FLOW_F_IMPLICIT);
}

static void
teardown(void)
{
	if (f != NULL)
		unit_flow_free(f);
	f = NULL;
	unit_teardown();
}

/* A new implicit flow in place of the current one. */
static void
fresh(uint8_t fflags)
{
	unit_flow_free(f);
	f = unit_flow(PROTO_IMAP, FLOW_F_IMPLICIT | fflags);
}

static void
in(int dir, const struct ub *b)
{
	unit_tls(f, dir, b->p, b->n);
}

static void
in_bytes(int dir, const void *p, size_t n)
{
	unit_tls(f, dir, p, n);
}

static void
judge(enum outcome oc, enum reason rs)
{
	struct verdict	v;

	verdict_judge(f, &v);
	ck_assert_msg(v.outcome == oc, "outcome %s, expected %s",
	    session_outcome_name(v.outcome), session_outcome_name(oc));
	ck_assert_msg(v.reason == rs, "reason %s, expected %s",
	    session_reason_name(v.reason), session_reason_name(rs));
}

/* A copy of a sample in a buffer, to patch. */
static void
copy(struct ub *b, const uint8_t *p, size_t n)
{
	ub_init(b);
	ub_mem(b, p, n);
}

static void
put16(struct ub *b, size_t off, uint16_t v)
{
	b->p[off] = (uint8_t)(v >> 8);
	b->p[off + 1] = (uint8_t)v;
}

/* One extension: type(2) extension_data<0..2^16-1>. */
static void
ext(struct ub *e, uint16_t type, const void *data, size_t n)
{
	ub_u16(e, type);
	ub_u16(e, (uint16_t)n);
	ub_mem(e, data, n);
}

/* A ClientHello body with the given version and extension block. */
static void
ch_build(struct ub *b, uint16_t legacy, const struct ub *exts)
{
	size_t	at;

	ub_init(b);
	ub_u16(b, legacy);			/* legacy_version */
	ub_mem(b, unit_ch12 + 2, 32);		/* random */
	ub_u8(b, 0);				/* session_id */
	ub_u16(b, 2);				/* cipher_suites */
	ub_u16(b, 0xc02b);
	ub_u8(b, 1);				/* compression_methods */
	ub_u8(b, 0);
	at = ub_begin16(b);			/* extensions */
	ub_mem(b, exts->p, exts->n);
	ub_end16(b, at);
}

static void
ref_ch12(struct tls_client_hello *ref)
{
	ck_assert_int_eq(tls_parse_client_hello(unit_ch12, unit_ch12_len,
	    ref), TLS_OK);
}

/* --- version helpers ------------------------------------------------------------ */

START_TEST(test_is_grease)
{
	unsigned	i;

	/* RFC 8701 2: 0x0a0a, 0x1a1a, ..., 0xfafa. */
	for (i = 0; i < 16; i++)
		ck_assert(tls_is_grease((uint16_t)(i << 12 | 0x0a00 |
		    i << 4 | 0x0a)));
	ck_assert(!tls_is_grease(0x0303));
	ck_assert(!tls_is_grease(0x0a1a));	/* halves differ */
	ck_assert(!tls_is_grease(0x1a0a));
	ck_assert(!tls_is_grease(0x0a0b));
	ck_assert(!tls_is_grease(0x0b0b));
	ck_assert(!tls_is_grease(0x0000));
	ck_assert(!tls_is_grease(0xffff));
}
END_TEST

START_TEST(test_version_norm)
{
	ck_assert_uint_eq(tls_version_norm(0x7f12), TLS_V_1_3);	/* draft 18 */
	ck_assert_uint_eq(tls_version_norm(0x7f1c), TLS_V_1_3);	/* draft 28 */
	ck_assert_uint_eq(tls_version_norm(0xfb1a), TLS_V_1_3);	/* fizz */
	ck_assert_uint_eq(tls_version_norm(0x0304), TLS_V_1_3);
	ck_assert_uint_eq(tls_version_norm(0x0303), TLS_V_1_2);
	ck_assert_uint_eq(tls_version_norm(0x0301), TLS_V_1_0);
	ck_assert_uint_eq(tls_version_norm(0x0300), TLS_V_SSL3);
	ck_assert_uint_eq(tls_version_norm(0x0002), TLS_V_SSL2);
	ck_assert_uint_eq(tls_version_norm(0x7a7a), 0x7a7a);	/* GREASE */
}
END_TEST

START_TEST(test_version_name)
{
	ck_assert_str_eq(tls_version_name(0x0002), "SSLv2");
	ck_assert_str_eq(tls_version_name(0x0300), "SSLv3");
	ck_assert_str_eq(tls_version_name(0x0301), "TLSv1.0");
	ck_assert_str_eq(tls_version_name(0x0302), "TLSv1.1");
	ck_assert_str_eq(tls_version_name(0x0303), "TLSv1.2");
	ck_assert_str_eq(tls_version_name(0x0304), "TLSv1.3");
	ck_assert_str_eq(tls_version_name(0x7f12), "TLSv1.3");
	ck_assert_str_eq(tls_version_name(0xfb1a), "TLSv1.3");
	ck_assert_ptr_null(tls_version_name(0x0305));
	ck_assert_ptr_null(tls_version_name(0x0000));
	ck_assert_ptr_null(tls_version_name(0x0a0a));
}
END_TEST

START_TEST(test_alert_name)
{
	ck_assert_str_eq(tls_alert_name(0), "close_notify");
	ck_assert_str_eq(tls_alert_name(40), "handshake_failure");
	ck_assert_str_eq(tls_alert_name(70), "protocol_version");
	ck_assert_str_eq(tls_alert_name(71), "insufficient_security");
	ck_assert_str_eq(tls_alert_name(112), "unrecognized_name");
	ck_assert_ptr_null(tls_alert_name(1));
	ck_assert_ptr_null(tls_alert_name(255));
}
END_TEST

START_TEST(test_client_max_version)
{
	struct tls_client_hello	ch;

	memset(&ch, 0, sizeof(ch));
	ch.legacy_version = 0x0301;
	ck_assert_uint_eq(tls_client_max_version(&ch), 0x0301);
	/* A list without the extension does not count. */
	ch.nversions = 1;
	ch.versions[0] = 0x0304;
	ck_assert_uint_eq(tls_client_max_version(&ch), 0x0301);
	/* With it: the highest entry, in any order, GREASE skipped. */
	ch.has_versions = true;
	ch.nversions = 4;
	ch.versions[0] = 0x0301;
	ch.versions[1] = 0xfafa;
	ch.versions[2] = 0x0303;
	ch.versions[3] = 0x0302;
	ck_assert_uint_eq(tls_client_max_version(&ch), 0x0303);
	ch.versions[3] = 0x7f17;		/* a draft is 1.3 */
	ck_assert_uint_eq(tls_client_max_version(&ch), 0x0304);
	/* Nothing but GREASE: back to legacy_version. */
	ch.nversions = 2;
	ch.versions[0] = 0x1a1a;
	ch.versions[1] = 0x2a2a;
	ck_assert_uint_eq(tls_client_max_version(&ch), 0x0301);
	ch.nversions = 0;			/* empty list too */
	ck_assert_uint_eq(tls_client_max_version(&ch), 0x0301);
}
END_TEST

START_TEST(test_server_version)
{
	struct tls_server_hello	sh;

	memset(&sh, 0, sizeof(sh));
	sh.legacy_version = 0x0303;
	ck_assert_uint_eq(tls_server_version(&sh), 0x0303);
	sh.selected = 0x0304;
	ck_assert_uint_eq(tls_server_version(&sh), 0x0304);
	sh.selected = 0x7f12;
	ck_assert_uint_eq(tls_server_version(&sh), 0x0304);
	sh.selected = 0;
	sh.legacy_version = 0x0301;
	ck_assert_uint_eq(tls_server_version(&sh), 0x0301);
}
END_TEST

/* --- ClientHello parser -------------------------------------------------------------- */

START_TEST(test_ch_tls12)
{
	static const uint16_t	exts[] = { 0, 10, 11, 13, 16 };
	struct tls_client_hello	ch;

	ck_assert_uint_eq(unit_ch12_len, 112);
	ck_assert_mem_eq(unit_ch12 + UNIT_CH12_SNI_OFF, "imap.example.test",
	    UNIT_CH12_SNI_LEN);
	ck_assert_int_eq(tls_parse_client_hello(unit_ch12, unit_ch12_len,
	    &ch), TLS_OK);
	ck_assert_uint_eq(ch.length, 112);
	ck_assert_uint_eq(ch.legacy_version, 0x0303);
	ck_assert(!ch.sslv2 && !ch.has_versions && !ch.ext_bad);
	ck_assert(!ch.malformed && !ch.trunc && !ch.sni_trunc);
	ck_assert_uint_eq(ch.nciphers, 3);
	ck_assert_uint_eq(ch.ciphers[0], 0xc02b);
	ck_assert_uint_eq(ch.ciphers[1], 0xc02f);
	ck_assert_uint_eq(ch.ciphers[2], 0x009c);
	ck_assert_uint_eq(ch.nexts, 5);
	ck_assert_mem_eq(ch.exts, exts, sizeof(exts));
	ck_assert_uint_eq(ch.sni_len, 17);
	ck_assert_mem_eq(ch.sni, "imap.example.test", 17);
	ck_assert_uint_eq(ch.ngroups, 2);
	ck_assert_uint_eq(ch.groups[0], 0x001d);
	ck_assert_uint_eq(ch.groups[1], 0x0017);
	ck_assert_uint_eq(ch.npointfmts, 1);
	ck_assert_uint_eq(ch.pointfmts[0], 0);
	ck_assert_uint_eq(ch.nsigalgs, 3);
	ck_assert_uint_eq(ch.sigalgs[1], 0x0804);
	ck_assert_uint_eq(ch.alpn_len, 4);
	ck_assert_mem_eq(ch.alpn, "imap", 4);
	ck_assert_uint_eq(ch.alpn_full, 4);
	ck_assert_uint_eq(ch.alpn_last, 'p');
	ck_assert_uint_eq(tls_client_max_version(&ch), TLS_V_1_2);
}
END_TEST

START_TEST(test_ch_tls13_grease)
{
	struct tls_client_hello	ch;

	ck_assert_int_eq(tls_parse_client_hello(unit_ch13, unit_ch13_len,
	    &ch), TLS_OK);
	ck_assert(!ch.ext_bad);
	ck_assert_uint_eq(ch.legacy_version, 0x0303);
	ck_assert(ch.has_versions);
	ck_assert_uint_eq(ch.nversions, 3);
	ck_assert_uint_eq(ch.versions[0], 0x7a7a);
	ck_assert_uint_eq(ch.versions[1], 0x0304);
	ck_assert_uint_eq(ch.versions[2], 0x0303);
	/* GREASE is kept in the lists as sent, and skipped for the max. */
	ck_assert_uint_eq(ch.nciphers, 4);
	ck_assert_uint_eq(ch.ciphers[0], 0x3a3a);
	ck_assert_uint_eq(ch.nexts, 4);
	ck_assert_uint_eq(ch.exts[0], 0x2a2a);
	ck_assert_uint_eq(ch.exts[1], TLS_EXT_SUPPORTED_VERSIONS);
	ck_assert_uint_eq(ch.groups[0], 0x8a8a);
	ck_assert_uint_eq(tls_client_max_version(&ch), TLS_V_1_3);
}
END_TEST

START_TEST(test_ch_grease_only_versions)
{
	static const uint8_t	sv[] = {
		0x04,			/* versions: 4 bytes */
		0x1a, 0x1a, 0x2a, 0x2a,	/* GREASE, GREASE */
	};
	struct ub		e, b;
	struct tls_client_hello	ch;

	ub_init(&e);
	ext(&e, TLS_EXT_SUPPORTED_VERSIONS, sv, sizeof(sv));
	ch_build(&b, 0x0301, &e);
	ck_assert_int_eq(tls_parse_client_hello(b.p, b.n, &ch), TLS_OK);
	ck_assert(ch.has_versions);
	ck_assert_uint_eq(ch.nversions, 2);
	/* Nothing real offered there: legacy_version decides. */
	ck_assert_uint_eq(tls_client_max_version(&ch), TLS_V_1_0);
	ub_free(&e);
	ub_free(&b);
}
END_TEST

START_TEST(test_ch_draft_versions)
{
	static const uint8_t	sv[] = {
		0x06,			/* versions: 6 bytes */
		0x7f, 0x17,		/* draft 23 */
		0xfb, 0x1a,		/* fizz */
		0x03, 0x03,		/* TLS 1.2 */
	};
	struct ub		e, b;
	struct tls_client_hello	ch;

	ub_init(&e);
	ext(&e, TLS_EXT_SUPPORTED_VERSIONS, sv, sizeof(sv));
	ch_build(&b, 0x0303, &e);
	ck_assert_int_eq(tls_parse_client_hello(b.p, b.n, &ch), TLS_OK);
	ck_assert_uint_eq(tls_client_max_version(&ch), TLS_V_1_3);
	ub_free(&e);
	ub_free(&b);
}
END_TEST

START_TEST(test_ch_no_extensions)
{
	struct tls_client_hello	ch;

	ck_assert_int_eq(tls_parse_client_hello(unit_ch10, unit_ch10_len,
	    &ch), TLS_OK);
	ck_assert_uint_eq(ch.legacy_version, 0x0301);
	ck_assert_uint_eq(ch.nexts, 0);
	ck_assert(!ch.ext_bad);
	ck_assert_uint_eq(ch.nciphers, 2);
	ck_assert_uint_eq(tls_client_max_version(&ch), TLS_V_1_0);
}
END_TEST

START_TEST(test_ch_sni_300)
{
	struct ub		e, d, b;
	struct tls_client_hello	ch;
	size_t			i;

	ub_init(&d);
	ub_u16(&d, 3 + 300);			/* server_name_list */
	ub_u8(&d, 0);				/* host_name */
	ub_u16(&d, 300);			/* HostName: 300 bytes */
	for (i = 0; i < 300; i++)
		ub_u8(&d, (uint8_t)('a' + i % 26));
	ub_init(&e);
	ext(&e, TLS_EXT_SERVER_NAME, d.p, d.n);
	ch_build(&b, 0x0303, &e);
	ck_assert_int_eq(tls_parse_client_hello(b.p, b.n, &ch), TLS_OK);
	ck_assert(!ch.ext_bad);
	ck_assert(ch.sni_trunc);
	ck_assert_uint_eq(ch.sni_len, TLS_MAX_SNI);
	ck_assert_mem_eq(ch.sni, d.p + 5, TLS_MAX_SNI);
	ub_free(&d);
	ub_free(&e);
	ub_free(&b);
}
END_TEST

START_TEST(test_ch_sni_first_host_name)
{
	static const uint8_t	sni[] = {
		0x00, 0x0e,		/* server_name_list: 14 bytes */
		0x05,			/* name_type 5 (not host_name) */
		0x00, 0x03, 'x', 'y', 'z',
		0x00,			/* host_name */
		0x00, 0x01, 'a',
		0x00,			/* a second host_name: ignored */
		0x00, 0x01, 'b',
	};
	struct ub		e, b;
	struct tls_client_hello	ch;

	ub_init(&e);
	ext(&e, TLS_EXT_SERVER_NAME, sni, sizeof(sni));
	ch_build(&b, 0x0303, &e);
	ck_assert_int_eq(tls_parse_client_hello(b.p, b.n, &ch), TLS_OK);
	ck_assert(!ch.ext_bad);
	ck_assert_uint_eq(ch.sni_len, 1);
	ck_assert_uint_eq(ch.sni[0], 'a');
	ub_free(&e);
	ub_free(&b);
}
END_TEST

START_TEST(test_ch_sni_list_lies)
{
	static const uint8_t	sni[] = {
		0x00, 0x08,		/* server_name_list: 8 bytes... */
		0x00,			/* host_name */
		0x00, 0x09, 'a', 'b', 'c', 'd',	/* ...9-byte name in 7 */
	};
	struct ub		e, b;
	struct tls_client_hello	ch;

	ub_init(&e);
	ext(&e, TLS_EXT_SERVER_NAME, sni, sizeof(sni));
	ext(&e, TLS_EXT_ALPN, "\x00\x03\x02h2", 5);
	ch_build(&b, 0x0303, &e);
	ck_assert_int_eq(tls_parse_client_hello(b.p, b.n, &ch), TLS_OK);
	ck_assert(ch.ext_bad);
	ck_assert_uint_eq(ch.sni_len, 0);
	/* The lie stays inside its extension: the next one is parsed. */
	ck_assert_uint_eq(ch.alpn_len, 2);
	ck_assert_mem_eq(ch.alpn, "h2", 2);
	ub_free(&e);
	ub_free(&b);
}
END_TEST

START_TEST(test_ch_alpn_long)
{
	struct ub		e, d, b;
	struct tls_client_hello	ch;

	ub_init(&d);
	ub_u16(&d, 1 + 40 + 1 + 2);		/* protocol_name_list */
	ub_u8(&d, 40);				/* first: 40 bytes */
	ub_fill(&d, 'p', 39);
	ub_u8(&d, 'z');
	ub_u8(&d, 2);
	ub_str(&d, "h2");
	ub_init(&e);
	ext(&e, TLS_EXT_ALPN, d.p, d.n);
	ch_build(&b, 0x0303, &e);
	ck_assert_int_eq(tls_parse_client_hello(b.p, b.n, &ch), TLS_OK);
	ck_assert_uint_eq(ch.alpn_len, TLS_MAX_ALPN);
	ck_assert_uint_eq(ch.alpn[0], 'p');
	/* What JA4 needs of the part not kept. */
	ck_assert_uint_eq(ch.alpn_full, 40);
	ck_assert_uint_eq(ch.alpn_last, 'z');
	ub_free(&d);
	ub_free(&e);
	ub_free(&b);
}
END_TEST

START_TEST(test_ch_ext_len_one_past_end)
{
	struct ub		b;
	struct tls_client_hello	ch;

	copy(&b, unit_ch12, unit_ch12_len);
	put16(&b, CH12_EXTS, 0x0042);		/* 66 in a 65-byte block */
	ck_assert_int_eq(tls_parse_client_hello(b.p, b.n, &ch), TLS_OK);
	ck_assert(ch.ext_bad);
	ck_assert(!ch.malformed);
	ck_assert_uint_eq(ch.legacy_version, 0x0303);
	ck_assert_uint_eq(ch.nciphers, 3);
	ck_assert_uint_eq(tls_client_max_version(&ch), TLS_V_1_2);
	ub_free(&b);
}
END_TEST

START_TEST(test_ch_inner_ext_len_one_past_end)
{
	struct ub		b;
	struct tls_client_hello	ch;

	copy(&b, unit_ch12, unit_ch12_len);
	put16(&b, CH12_ALPN_LEN, 8);		/* ALPN: 8 in 7 bytes */
	ck_assert_int_eq(tls_parse_client_hello(b.p, b.n, &ch), TLS_OK);
	ck_assert(ch.ext_bad);
	/* Everything before the lie is kept. */
	ck_assert_uint_eq(ch.nexts, 4);
	ck_assert_uint_eq(ch.sni_len, 17);
	ck_assert_uint_eq(ch.nsigalgs, 3);
	ck_assert_uint_eq(ch.alpn_len, 0);
	ub_free(&b);
}
END_TEST

START_TEST(test_ch_ext_trailing_byte)
{
	struct ub		b;
	struct tls_client_hello	ch;

	copy(&b, unit_ch12, unit_ch12_len);
	ub_u8(&b, 0x00);			/* after the extensions */
	ck_assert_int_eq(tls_parse_client_hello(b.p, b.n, &ch), TLS_OK);
	ck_assert(ch.ext_bad);
	ck_assert_uint_eq(ch.nexts, 5);
	ub_free(&b);
}
END_TEST

START_TEST(test_ch_cipher_len_lies)
{
	struct ub		b;
	struct tls_client_hello	ch;

	copy(&b, unit_ch12, unit_ch12_len);
	put16(&b, CH12_CIPHERS, 0xfffe);
	ck_assert_int_eq(tls_parse_client_hello(b.p, b.n, &ch), TLS_BAD);
	/* The version was read before the lie and still says something. */
	ck_assert_uint_eq(ch.legacy_version, 0x0303);
	ub_free(&b);
}
END_TEST

START_TEST(test_ch_cipher_len_odd_or_zero)
{
	struct ub		b;
	struct tls_client_hello	ch;

	copy(&b, unit_ch12, unit_ch12_len);
	put16(&b, CH12_CIPHERS, 5);		/* half a suite */
	ck_assert_int_eq(tls_parse_client_hello(b.p, b.n, &ch), TLS_BAD);
	put16(&b, CH12_CIPHERS, 0);		/* <2..2^16-2>: none */
	ck_assert_int_eq(tls_parse_client_hello(b.p, b.n, &ch), TLS_BAD);
	ub_free(&b);
}
END_TEST

START_TEST(test_ch_session_id_33)
{
	struct ub		b;
	struct tls_client_hello	ch;

	/* A hello that is whole and well formed but for its 33-byte id. */
	ub_init(&b);
	ub_u16(&b, 0x0303);
	ub_mem(&b, unit_ch12 + 2, 32);
	ub_u8(&b, 33);				/* session_id: 33 bytes */
	ub_fill(&b, 0x5a, 33);
	ub_u16(&b, 2);
	ub_u16(&b, 0xc02b);
	ub_u8(&b, 1);
	ub_u8(&b, 0);
	ck_assert_int_eq(tls_parse_client_hello(b.p, b.n, &ch), TLS_BAD);
	b.p[34] = 32;				/* 32 is the most: fine */
	b.n--;
	memmove(b.p + 35 + 32, b.p + 35 + 33, b.n - 35 - 32);
	ck_assert_int_eq(tls_parse_client_hello(b.p, b.n, &ch), TLS_OK);
	ub_free(&b);

	copy(&b, unit_ch12, unit_ch12_len);
	b.p[CH12_SID] = 33;			/* <0..32> */
	ck_assert_int_eq(tls_parse_client_hello(b.p, b.n, &ch), TLS_BAD);
	ck_assert_uint_eq(ch.legacy_version, 0x0303);
	b.p[CH12_SID] = 0xff;
	ck_assert_int_eq(tls_parse_client_hello(b.p, b.n, &ch), TLS_BAD);
	ub_free(&b);
}
END_TEST

START_TEST(test_ch_compression_overrun)
{
	struct ub		b;
	struct tls_client_hello	ch;

	copy(&b, unit_ch12, unit_ch12_len);
	b.p[CH12_COMP] = 0xff;
	ck_assert_int_eq(tls_parse_client_hello(b.p, b.n, &ch), TLS_BAD);
	ub_free(&b);
}
END_TEST

START_TEST(test_ch_versions_odd_length)
{
	static const uint8_t	sv[] = {
		0x03,			/* versions: 3 bytes */
		0x03, 0x04, 0x03,
	};
	struct ub		e, b;
	struct tls_client_hello	ch;

	ub_init(&e);
	ext(&e, TLS_EXT_SUPPORTED_VERSIONS, sv, sizeof(sv));
	ch_build(&b, 0x0303, &e);
	ck_assert_int_eq(tls_parse_client_hello(b.p, b.n, &ch), TLS_OK);
	ck_assert(ch.ext_bad);
	ck_assert(ch.has_versions);
	ck_assert_uint_eq(ch.nversions, 1);	/* the whole one is kept */
	ck_assert_uint_eq(ch.versions[0], 0x0304);
	ub_free(&e);
	ub_free(&b);
}
END_TEST

START_TEST(test_ch_many_extensions)
{
	struct ub		e, b;
	struct tls_client_hello	ch;
	int			i;

	/* 600 empty extensions: more than kept and more than walked. */
	ub_init(&e);
	for (i = 0; i < 600; i++)
		ext(&e, (uint16_t)(0xff00 + (i & 0xff)), NULL, 0);
	ch_build(&b, 0x0303, &e);
	ck_assert_int_eq(tls_parse_client_hello(b.p, b.n, &ch), TLS_OK);
	ck_assert_uint_eq(ch.nexts, TLS_MAX_EXTS);
	ck_assert(ch.trunc);
	ck_assert(ch.ext_bad);			/* walk limit */
	ub_free(&e);
	ub_free(&b);

	/* 500: all walked, 64 kept, nothing wrong. */
	ub_init(&e);
	for (i = 0; i < 500; i++)
		ext(&e, (uint16_t)(0xff00 + (i & 0xff)), NULL, 0);
	ch_build(&b, 0x0303, &e);
	ck_assert_int_eq(tls_parse_client_hello(b.p, b.n, &ch), TLS_OK);
	ck_assert(ch.trunc);
	ck_assert(!ch.ext_bad);
	ub_free(&e);
	ub_free(&b);
}
END_TEST

START_TEST(test_ch_many_ciphers)
{
	struct ub		b;
	struct tls_client_hello	ch;
	int			i;

	ub_init(&b);
	ub_u16(&b, 0x0303);
	ub_mem(&b, unit_ch12 + 2, 32);
	ub_u8(&b, 0);
	ub_u16(&b, 2 * 300);			/* 300 suites */
	for (i = 0; i < 300; i++)
		ub_u16(&b, (uint16_t)(0x1000 + i));
	ub_u8(&b, 1);
	ub_u8(&b, 0);
	ck_assert_int_eq(tls_parse_client_hello(b.p, b.n, &ch), TLS_OK);
	ck_assert_uint_eq(ch.nciphers, TLS_MAX_CIPHERS);
	ck_assert_uint_eq(ch.ciphers[TLS_MAX_CIPHERS - 1],
	    0x1000 + TLS_MAX_CIPHERS - 1);
	ck_assert(ch.trunc);
	ub_free(&b);
}
END_TEST

START_TEST(test_ch_long_lists)
{
	struct ub		e, d, b;
	struct tls_client_hello	ch;
	int			i;

	/* Every list longer than what is kept: kept up to its cap, trunc
	 * set, and nothing called malformed. */
	ub_init(&e);
	ub_init(&d);
	ub_u8(&d, 2 * 40);			/* 40 versions */
	for (i = 0; i < 40; i++)
		ub_u16(&d, (uint16_t)(0x0300 + (i % 5)));
	ext(&e, TLS_EXT_SUPPORTED_VERSIONS, d.p, d.n);
	d.n = 0;
	ub_u16(&d, 2 * 70);			/* 70 groups */
	for (i = 0; i < 70; i++)
		ub_u16(&d, (uint16_t)(0x0100 + i));
	ext(&e, TLS_EXT_GROUPS, d.p, d.n);
	d.n = 0;
	ub_u16(&d, 2 * 70);			/* 70 signature algorithms */
	for (i = 0; i < 70; i++)
		ub_u16(&d, (uint16_t)(0x0400 + i));
	ext(&e, TLS_EXT_SIGALGS, d.p, d.n);
	d.n = 0;
	ub_u8(&d, 20);				/* 20 point formats */
	ub_fill(&d, 0, 20);
	ext(&e, TLS_EXT_POINT_FORMATS, d.p, d.n);
	ch_build(&b, 0x0303, &e);
	ck_assert_int_eq(tls_parse_client_hello(b.p, b.n, &ch), TLS_OK);
	ck_assert(!ch.ext_bad);
	ck_assert(ch.trunc);
	ck_assert_uint_eq(ch.nversions, TLS_MAX_VERSIONS);
	ck_assert_uint_eq(ch.ngroups, TLS_MAX_GROUPS);
	ck_assert_uint_eq(ch.groups[TLS_MAX_GROUPS - 1],
	    0x0100 + TLS_MAX_GROUPS - 1);
	ck_assert_uint_eq(ch.nsigalgs, TLS_MAX_SIGALGS);
	ck_assert_uint_eq(ch.npointfmts, sizeof(ch.pointfmts));
	ck_assert_uint_eq(tls_client_max_version(&ch), 0x0304);
	ub_free(&d);
	ub_free(&e);
	ub_free(&b);
}
END_TEST

START_TEST(test_ch_list_lengths_lie)
{
	static const uint8_t	groups_odd[] = {
		0x00, 0x03,		/* named_group_list: 3 bytes */
		0x00, 0x1d, 0x00,
	};
	static const uint8_t	alpn_lies[] = {
		0x00, 0x09,		/* protocol_name_list: 9 bytes... */
		0x02, 'h', '2',		/* ...in 3 */
	};
	struct ub		e, b;
	struct tls_client_hello	ch;

	ub_init(&e);
	ext(&e, TLS_EXT_GROUPS, groups_odd, sizeof(groups_odd));
	ch_build(&b, 0x0303, &e);
	ck_assert_int_eq(tls_parse_client_hello(b.p, b.n, &ch), TLS_OK);
	ck_assert(ch.ext_bad);
	ck_assert_uint_eq(ch.ngroups, 1);
	ub_free(&e);
	ub_free(&b);

	ub_init(&e);
	ext(&e, TLS_EXT_ALPN, alpn_lies, sizeof(alpn_lies));
	ext(&e, TLS_EXT_SERVER_NAME, "\x00\x04\x00\x00\x01x", 6);
	ch_build(&b, 0x0303, &e);
	ck_assert_int_eq(tls_parse_client_hello(b.p, b.n, &ch), TLS_OK);
	ck_assert(ch.ext_bad);
	ck_assert_uint_eq(ch.alpn_len, 0);
	ck_assert_uint_eq(ch.sni_len, 1);	/* the next one still read */
	ub_free(&e);
	ub_free(&b);
}
END_TEST

START_TEST(test_ch_truncation_sweep)
{
	struct tls_client_hello	ch;
	enum tls_res		r;
	size_t			k;

	/* Every prefix: BAD inside the fixed part; from there on a usable
	 * hello, with ext_bad while the extensions are cut. */
	for (k = 0; k <= unit_ch12_len; k++) {
		r = tls_parse_client_hello(unit_ch12, k, &ch);
		if (k < CH12_FIXED)
			ck_assert_msg(r == TLS_BAD, "prefix %zu: %d", k, r);
		else {
			ck_assert_msg(r == TLS_OK, "prefix %zu: %d", k, r);
			ck_assert_uint_eq(ch.legacy_version, 0x0303);
			ck_assert_msg(ch.ext_bad == (k != CH12_FIXED &&
			    k != unit_ch12_len), "prefix %zu", k);
		}
	}
	for (k = 0; k <= unit_ch13_len; k++) {
		r = tls_parse_client_hello(unit_ch13, k, &ch);
		ck_assert(r == TLS_OK || r == TLS_BAD);
		if (k < unit_ch13_len && r == TLS_OK)
			ck_assert(ch.ext_bad || ch.nexts == 0);
	}
	ck_assert(!ch.ext_bad);
	ck_assert_uint_eq(tls_client_max_version(&ch), TLS_V_1_3);
}
END_TEST

/* --- ServerHello parser --------------------------------------------------------------- */

START_TEST(test_sh_tls12)
{
	struct tls_server_hello	sh;

	ck_assert_int_eq(tls_parse_server_hello(unit_sh12, unit_sh12_len,
	    &sh), TLS_OK);
	ck_assert_uint_eq(sh.legacy_version, 0x0303);
	ck_assert_uint_eq(sh.selected, 0);
	ck_assert_uint_eq(sh.cipher, 0xc02b);
	ck_assert_uint_eq(sh.compression, 0);
	ck_assert_uint_eq(sh.nexts, 1);
	ck_assert_uint_eq(sh.exts[0], 0xff01);
	ck_assert(!sh.hrr && !sh.ext_bad && !sh.sslv2);
	ck_assert_uint_eq(tls_server_version(&sh), TLS_V_1_2);
}
END_TEST

START_TEST(test_sh_tls13)
{
	struct tls_server_hello	sh;

	ck_assert_int_eq(tls_parse_server_hello(unit_sh13, unit_sh13_len,
	    &sh), TLS_OK);
	ck_assert_uint_eq(sh.legacy_version, 0x0303);
	ck_assert_uint_eq(sh.selected, 0x0304);
	ck_assert_uint_eq(sh.cipher, 0x1301);
	ck_assert_uint_eq(sh.nexts, 2);
	ck_assert(!sh.hrr && !sh.ext_bad);
	ck_assert_uint_eq(tls_server_version(&sh), TLS_V_1_3);
}
END_TEST

START_TEST(test_sh_tls10_no_extensions)
{
	struct tls_server_hello	sh;

	ck_assert_int_eq(tls_parse_server_hello(unit_sh10, unit_sh10_len,
	    &sh), TLS_OK);
	ck_assert_uint_eq(sh.nexts, 0);
	ck_assert_uint_eq(tls_server_version(&sh), TLS_V_1_0);
}
END_TEST

START_TEST(test_sh_hrr)
{
	struct tls_server_hello	sh;

	ck_assert_int_eq(tls_parse_server_hello(unit_hrr, unit_hrr_len, &sh),
	    TLS_OK);
	ck_assert(sh.hrr);
	ck_assert_uint_eq(tls_server_version(&sh), TLS_V_1_3);
	/* One bit off is an ordinary random. */
	{
		struct ub	b;

		copy(&b, unit_hrr, unit_hrr_len);
		b.p[2 + 31] ^= 1;
		ck_assert_int_eq(tls_parse_server_hello(b.p, b.n, &sh),
		    TLS_OK);
		ck_assert(!sh.hrr);
		ub_free(&b);
	}
}
END_TEST

START_TEST(test_sh_draft_layout)
{
	/* TLS 1.3 draft 18 (0x7f12): no session id, no compression. */
	static const uint8_t	d18[] = {
		0x7f, 0x12,			/* version: draft 18 */
		0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,	/* random */
		0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f,
		0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57,
		0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f,
		0x13, 0x01,			/* cipher_suite */
		0x00, 0x08,			/* extensions: 8 bytes */
		  0x00, 0x28, 0x00, 0x04,	/*   key_share (draft), 4 */
		  0x00, 0x1d, 0x00, 0x00,
	};
	struct tls_server_hello	sh;
	struct ub		b;

	ck_assert_int_eq(tls_parse_server_hello(d18, sizeof(d18), &sh),
	    TLS_OK);
	ck_assert(!sh.ext_bad);
	ck_assert_uint_eq(sh.cipher, 0x1301);
	ck_assert_uint_eq(sh.nexts, 1);
	ck_assert_uint_eq(tls_server_version(&sh), TLS_V_1_3);
	/* Draft 22 on has the final layout (RFC 8446), session id and all. */
	copy(&b, unit_sh12, unit_sh12_len);
	put16(&b, 0, 0x7f16);
	ck_assert_int_eq(tls_parse_server_hello(b.p, b.n, &sh), TLS_OK);
	ck_assert(!sh.ext_bad);
	ck_assert_uint_eq(sh.cipher, 0xc02b);
	ub_free(&b);
}
END_TEST

START_TEST(test_sh_versions_wrong_size)
{
	struct ub		b;
	struct tls_server_hello	sh;
	size_t			i;

	/* supported_versions carrying a list, as a ClientHello's would. */
	ub_init(&b);
	ub_mem(&b, unit_sh13, 2 + 32 + 1 + 32 + 2 + 1);
	ub_u16(&b, 10);				/* extensions: 10 bytes */
	ub_u16(&b, TLS_EXT_SUPPORTED_VERSIONS);
	ub_u16(&b, 6);
	ub_u8(&b, 4);
	ub_u16(&b, 0x0304);
	ub_u16(&b, 0x0303);
	ub_u8(&b, 0);				/* pad to 6 */
	i = b.n;
	ck_assert_uint_eq(i, 70 + 2 + 10);
	ck_assert_int_eq(tls_parse_server_hello(b.p, b.n, &sh), TLS_OK);
	ck_assert(sh.ext_bad);
	ck_assert_uint_eq(sh.selected, 0);
	ck_assert_uint_eq(tls_server_version(&sh), TLS_V_1_2);
	ub_free(&b);
}
END_TEST

START_TEST(test_sh_extension_limits)
{
	struct ub		b;
	struct tls_server_hello	sh;
	size_t			at;
	int			i;

	/* 600 empty extensions: 64 kept, the walk stops at 512. */
	ub_init(&b);
	ub_mem(&b, unit_sh12, SH12_FIXED);
	at = ub_begin16(&b);
	for (i = 0; i < 600; i++) {
		ub_u16(&b, (uint16_t)(0xff00 + (i & 0xff)));
		ub_u16(&b, 0);
	}
	ub_end16(&b, at);
	ck_assert_int_eq(tls_parse_server_hello(b.p, b.n, &sh), TLS_OK);
	ck_assert_uint_eq(sh.nexts, TLS_MAX_EXTS);
	ck_assert(sh.trunc);
	ck_assert(sh.ext_bad);
	ub_free(&b);

	/* An extension whose length runs past the block. */
	ub_init(&b);
	ub_mem(&b, unit_sh12, SH12_FIXED);
	ub_u16(&b, 6);				/* extensions: 6 bytes */
	ub_u16(&b, TLS_EXT_SUPPORTED_VERSIONS);
	ub_u16(&b, 4);				/* 4 bytes in 2 */
	ub_u16(&b, 0x0304);
	ck_assert_int_eq(tls_parse_server_hello(b.p, b.n, &sh), TLS_OK);
	ck_assert(sh.ext_bad);
	ck_assert_uint_eq(sh.selected, 0);
	ck_assert_uint_eq(tls_server_version(&sh), TLS_V_1_2);
	ub_free(&b);
}
END_TEST

START_TEST(test_sh_session_id_33)
{
	struct ub		b;
	struct tls_server_hello	sh;

	copy(&b, unit_sh12, unit_sh12_len);
	b.p[34] = 33;
	ck_assert_int_eq(tls_parse_server_hello(b.p, b.n, &sh), TLS_BAD);
	ub_free(&b);
}
END_TEST

START_TEST(test_sh_truncation_sweep)
{
	struct tls_server_hello	sh;
	enum tls_res		r;
	size_t			k;

	for (k = 0; k <= unit_sh12_len; k++) {
		r = tls_parse_server_hello(unit_sh12, k, &sh);
		if (k < SH12_FIXED)
			ck_assert_msg(r == TLS_BAD, "prefix %zu", k);
		else {
			ck_assert_msg(r == TLS_OK, "prefix %zu", k);
			ck_assert_msg(sh.ext_bad == (k != SH12_FIXED &&
			    k != unit_sh12_len), "prefix %zu", k);
		}
	}
	for (k = 0; k <= unit_sh13_len; k++) {
		r = tls_parse_server_hello(unit_sh13, k, &sh);
		ck_assert(r == TLS_OK || r == TLS_BAD);
		/* Never a selection read from a cut extension. */
		if (k < unit_sh13_len)
			ck_assert_uint_ne(tls_server_version(&sh), 0x0304);
	}
}
END_TEST

/* --- SSLv2 -------------------------------------------------------------------------- */

START_TEST(test_v2_client_hello_tls10)
{
	struct tls_client_hello	ch;

	ck_assert_int_eq(tls_parse_sslv2_client_hello(unit_v2_ch_tls10 + 2,
	    unit_v2_ch_tls10_len - 2, &ch), TLS_OK);
	ck_assert(ch.sslv2);
	ck_assert_uint_eq(ch.legacy_version, 0x0301);
	/* Only the 0x00XXXX specs are TLS suites. */
	ck_assert_uint_eq(ch.nciphers, 3);
	ck_assert_uint_eq(ch.ciphers[0], 0x002f);
	ck_assert_uint_eq(ch.ciphers[1], 0x0035);
	ck_assert_uint_eq(ch.ciphers[2], 0x000a);
	ck_assert_uint_eq(tls_client_max_version(&ch), TLS_V_1_0);
}
END_TEST

START_TEST(test_v2_client_hello_ssl2)
{
	struct tls_client_hello	ch;

	ck_assert_int_eq(tls_parse_sslv2_client_hello(unit_v2_ch_ssl2 + 2,
	    unit_v2_ch_ssl2_len - 2, &ch), TLS_OK);
	ck_assert_uint_eq(ch.legacy_version, TLS_V_SSL2);
	ck_assert_uint_eq(ch.nciphers, 0);
	ck_assert_uint_eq(tls_client_max_version(&ch), TLS_V_SSL2);
	ck_assert_str_eq(tls_version_name(tls_client_max_version(&ch)),
	    "SSLv2");
}
END_TEST

START_TEST(test_v2_client_hello_bad)
{
	/* offset in the message (after the 2-byte header), new value */
	static const struct { size_t off; uint8_t v; } patch[] = {
		{ 0, 2 },		/* msg_type not CLIENT-HELLO */
		{ 4, 0 },		/* cipher_specs_length 0 */
		{ 4, 16 },		/* 16: not a multiple of 3 */
		{ 6, 33 },		/* session_id_length 33 */
		{ 8, 0 },		/* challenge_length 0 */
		{ 8, 33 },		/* challenge_length 33 */
		{ 8, 32 },		/* 32: more than the bytes there */
	};
	struct ub		b;
	struct tls_client_hello	ch;
	size_t			i;

	for (i = 0; i < sizeof(patch) / sizeof(patch[0]); i++) {
		copy(&b, unit_v2_ch_tls10 + 2, unit_v2_ch_tls10_len - 2);
		b.p[patch[i].off] = patch[i].v;
		ck_assert_msg(tls_parse_sslv2_client_hello(b.p, b.n, &ch) ==
		    TLS_BAD, "patch %zu", i);
		ub_free(&b);
	}
	/* Every prefix of the message is BAD, the whole is OK. */
	for (i = 0; i < unit_v2_ch_tls10_len - 2; i++)
		ck_assert_int_eq(tls_parse_sslv2_client_hello(unit_v2_ch_tls10 +
		    2, i, &ch), TLS_BAD);
}
END_TEST

START_TEST(test_v2_client_hello_many_specs)
{
	struct ub		b;
	struct tls_client_hello	ch;
	int			i;

	ub_init(&b);
	ub_u8(&b, 1);				/* CLIENT-HELLO */
	ub_u16(&b, 0x0301);			/* version */
	ub_u16(&b, 3 * 300);			/* 300 cipher specs */
	ub_u16(&b, 0);				/* session id */
	ub_u16(&b, 16);				/* challenge */
	for (i = 0; i < 300; i++) {
		ub_u8(&b, 0);
		ub_u16(&b, (uint16_t)(0x1000 + i));
	}
	ub_fill(&b, 0xcc, 16);
	ck_assert_int_eq(tls_parse_sslv2_client_hello(b.p, b.n, &ch), TLS_OK);
	ck_assert_uint_eq(ch.nciphers, TLS_MAX_CIPHERS);
	ck_assert(ch.trunc);
	ub_free(&b);
}
END_TEST

START_TEST(test_v2_server_hello)
{
	struct tls_server_hello	sh;
	struct ub		b;
	size_t			i;

	ck_assert_int_eq(tls_parse_sslv2_server_hello(unit_v2_sh + 2,
	    unit_v2_sh_len - 2, &sh), TLS_OK);
	ck_assert(sh.sslv2);
	ck_assert_uint_eq(sh.legacy_version, TLS_V_SSL2);
	ck_assert_uint_eq(tls_server_version(&sh), TLS_V_SSL2);
	copy(&b, unit_v2_sh + 2, unit_v2_sh_len - 2);
	b.p[0] = 5;				/* not SERVER-HELLO */
	ck_assert_int_eq(tls_parse_sslv2_server_hello(b.p, b.n, &sh),
	    TLS_BAD);
	ub_free(&b);
	for (i = 0; i < 11; i++)		/* fixed part cut */
		ck_assert_int_eq(tls_parse_sslv2_server_hello(unit_v2_sh + 2,
		    i, &sh), TLS_BAD);
}
END_TEST

START_TEST(test_v2_stream)
{
	/* An SSLv2-compatible hello and an SSLv2 server on port 993. */
	in_bytes(DIR_C2S, unit_v2_ch_tls10, unit_v2_ch_tls10_len);
	ck_assert_ptr_nonnull(f->sess.ch);
	ck_assert(f->sess.ch->sslv2);
	ck_assert_uint_eq(f->sess.ch->legacy_version, 0x0301);
	ck_assert_uint_eq(stats[STAT_TLS_SSLV2_HELLO], 1);
	ck_assert(unit_done(f, DIR_C2S));	/* keyed after it */
	in_bytes(DIR_S2C, unit_v2_sh, unit_v2_sh_len);
	ck_assert_ptr_nonnull(f->sess.sh);
	ck_assert(f->sess.sh->sslv2);
	judge(OC_ESTABLISHED, RS_LEGACY_CLIENT);
}
END_TEST

START_TEST(test_v2_stream_ssl2_bytewise)
{
	size_t	i;

	for (i = 0; i < unit_v2_ch_ssl2_len; i++) {
		ck_assert_ptr_null(f->sess.ch);
		in_bytes(DIR_C2S, unit_v2_ch_ssl2 + i, 1);
	}
	ck_assert_ptr_nonnull(f->sess.ch);
	ck_assert_uint_eq(tls_client_max_version(f->sess.ch), TLS_V_SSL2);
	ck_assert(!f->sess.bad_hello[DIR_C2S]);
}
END_TEST

START_TEST(test_v2_stream_bad)
{
	static const uint8_t	tiny[] = {
		0x80, 0x02,		/* 2-byte header: 2 bytes follow */
		0x01, 0x03,		/* too short for any hello */
	};
	uint8_t			bad[64];

	in_bytes(DIR_C2S, tiny, sizeof(tiny));
	ck_assert(f->sess.bad_hello[DIR_C2S]);
	ck_assert_ptr_null(f->sess.ch);
	fresh(0);
	/* A full-length record whose hello is broken (no cipher specs):
	 * an SSLv2 hello that is not one says nothing, so no ch. */
	memcpy(bad, unit_v2_ch_tls10, unit_v2_ch_tls10_len);
	bad[2 + 4] = 0;
	in_bytes(DIR_C2S, bad, unit_v2_ch_tls10_len);
	ck_assert(f->sess.bad_hello[DIR_C2S]);
	ck_assert_ptr_null(f->sess.ch);
	ck_assert_uint_eq(stats[STAT_TLS_BAD_HELLO], 2);
}
END_TEST

/* --- stream layer ---------------------------------------------------------------------- */

START_TEST(test_stream_whole_record)
{
	struct ub		b;
	struct tls_client_hello	ref;

	ub_init(&b);
	unit_hs_record(&b, TLS_HS_CLIENT_HELLO, unit_ch12, unit_ch12_len);
	in(DIR_C2S, &b);
	ref_ch12(&ref);
	ck_assert_ptr_nonnull(f->sess.ch);
	ck_assert(unit_ch_same(f->sess.ch, &ref));
	ck_assert(f->sess.tls[DIR_C2S]);
	ck_assert(!f->sess.bad_hello[DIR_C2S]);
	ck_assert_uint_eq(stats[STAT_TLS_RECORDS], 1);
	ck_assert_uint_eq(stats[STAT_TLS_CLIENT_HELLO], 1);
	/* Still watching the client for a plaintext alert. */
	ck_assert(!unit_done(f, DIR_C2S));
	ub_free(&b);
}
END_TEST

START_TEST(test_stream_header_bytewise)
{
	struct ub		b;
	struct tls_client_hello	ref;
	size_t			i;

	ub_init(&b);
	unit_hs_record(&b, TLS_HS_CLIENT_HELLO, unit_ch12, unit_ch12_len);
	for (i = 0; i < b.n; i++) {
		ck_assert_ptr_null(f->sess.ch);
		in_bytes(DIR_C2S, b.p + i, 1);
	}
	ref_ch12(&ref);
	ck_assert_ptr_nonnull(f->sess.ch);
	ck_assert(unit_ch_same(f->sess.ch, &ref));
	ub_free(&b);
}
END_TEST

/* The 116-byte handshake message of unit_ch12 in records of 2, 60, 54
 * bytes: the first record holds half of the handshake header. */
static void
three_records(struct ub *b)
{
	struct ub	hs;

	ub_init(&hs);
	ub_u8(&hs, TLS_HS_CLIENT_HELLO);
	ub_u24(&hs, (uint32_t)unit_ch12_len);
	ub_mem(&hs, unit_ch12, unit_ch12_len);
	ck_assert_uint_eq(hs.n, 116);
	ub_init(b);
	unit_record(b, TLS_CT_HANDSHAKE, 0x0301, hs.p, 2);
	unit_record(b, TLS_CT_HANDSHAKE, 0x0301, hs.p + 2, 60);
	unit_record(b, TLS_CT_HANDSHAKE, 0x0301, hs.p + 62, 54);
	ub_free(&hs);
}

START_TEST(test_stream_three_records)
{
	struct ub		b;
	struct tls_client_hello	ref;

	three_records(&b);
	in(DIR_C2S, &b);
	ref_ch12(&ref);
	ck_assert_ptr_nonnull(f->sess.ch);
	ck_assert(unit_ch_same(f->sess.ch, &ref));
	ck_assert_uint_eq(stats[STAT_TLS_RECORDS], 3);
	ub_free(&b);
}
END_TEST

/* Every prefix of the stream: no hello until the last byte, no crash,
 * nothing called bad or not-TLS. */
static void
truncation_sweep(const struct ub *b)
{
	size_t	k;

	for (k = 0; k <= b->n; k++) {
		fresh(0);
		in_bytes(DIR_C2S, b->p, k);
		if (k < b->n)
			ck_assert_msg(f->sess.ch == NULL, "prefix %zu", k);
		else
			ck_assert_ptr_nonnull(f->sess.ch);
		ck_assert(!f->sess.bad_hello[DIR_C2S]);
		ck_assert(!f->sess.not_tls[DIR_C2S]);
	}
}

START_TEST(test_stream_truncation_sweep)
{
	struct ub	b;

	ub_init(&b);
	unit_hs_record(&b, TLS_HS_CLIENT_HELLO, unit_ch12, unit_ch12_len);
	truncation_sweep(&b);
	ck_assert_uint_eq(tls_client_max_version(f->sess.ch), TLS_V_1_2);
	ub_free(&b);
	three_records(&b);
	truncation_sweep(&b);
	ub_free(&b);
	ub_init(&b);
	unit_hs_record(&b, TLS_HS_CLIENT_HELLO, unit_ch13, unit_ch13_len);
	truncation_sweep(&b);
	ck_assert_uint_eq(tls_client_max_version(f->sess.ch), TLS_V_1_3);
	ub_free(&b);
}
END_TEST

/* Every cut in two gives what one piece gives. */
static void
split_sweep(const struct ub *b, const uint8_t *body, size_t blen)
{
	struct tls_client_hello	ref;
	size_t			k;

	ck_assert_int_eq(tls_parse_client_hello(body, blen, &ref), TLS_OK);
	for (k = 1; k < b->n; k++) {
		fresh(0);
		in_bytes(DIR_C2S, b->p, k);
		in_bytes(DIR_C2S, b->p + k, b->n - k);
		ck_assert_msg(f->sess.ch != NULL, "cut at %zu", k);
		ck_assert_msg(unit_ch_same(f->sess.ch, &ref), "cut at %zu", k);
		ck_assert_uint_eq(unit_done(f, DIR_C2S), false);
	}
}

START_TEST(test_stream_split_sweep)
{
	struct ub	b;

	ub_init(&b);
	unit_hs_record(&b, TLS_HS_CLIENT_HELLO, unit_ch12, unit_ch12_len);
	split_sweep(&b, unit_ch12, unit_ch12_len);
	ub_free(&b);
	three_records(&b);
	split_sweep(&b, unit_ch12, unit_ch12_len);
	ub_free(&b);
	ub_init(&b);
	unit_hs_record(&b, TLS_HS_CLIENT_HELLO, unit_ch13, unit_ch13_len);
	split_sweep(&b, unit_ch13, unit_ch13_len);
	ub_free(&b);
}
END_TEST

START_TEST(test_stream_server_split_sweep)
{
	struct ub		b;
	struct tls_server_hello	ref;
	size_t			k;

	ck_assert_int_eq(tls_parse_server_hello(unit_sh13, unit_sh13_len,
	    &ref), TLS_OK);
	ub_init(&b);
	unit_hs_record(&b, TLS_HS_SERVER_HELLO, unit_sh13, unit_sh13_len);
	for (k = 0; k <= b.n; k++) {
		fresh(0);
		in_bytes(DIR_S2C, b.p, k);
		if (k < b.n) {
			ck_assert_ptr_null(f->sess.sh);
			in_bytes(DIR_S2C, b.p + k, b.n - k);
		}
		ck_assert_ptr_nonnull(f->sess.sh);
		ck_assert_uint_eq(f->sess.sh->selected, ref.selected);
		ck_assert_uint_eq(f->sess.sh->cipher, ref.cipher);
		ck_assert_uint_eq(f->sess.sh->nexts, ref.nexts);
	}
	ub_free(&b);
}
END_TEST

START_TEST(test_stream_zero_length_records_before)
{
	static const uint8_t	empty[] = {
		0x16, 0x03, 0x01, 0x00, 0x00,	/* handshake, 0 bytes */
	};
	struct ub		b;
	int			i;

	ub_init(&b);
	for (i = 0; i < 5000; i++)
		ub_mem(&b, empty, sizeof(empty));
	unit_hs_record(&b, TLS_HS_CLIENT_HELLO, unit_ch12, unit_ch12_len);
	in(DIR_C2S, &b);
	ck_assert_uint_eq(stats[STAT_TLS_RECORDS], 5001);
	ck_assert_ptr_nonnull(f->sess.ch);
	ck_assert_uint_eq(f->sess.ch->sni_len, 17);
	ub_free(&b);
}
END_TEST

START_TEST(test_stream_zero_length_records_after)
{
	static const uint8_t	empty[] = {
		0x16, 0x03, 0x03, 0x00, 0x00,	/* handshake, 0 bytes */
	};
	struct ub		b;
	int			i;

	ub_init(&b);
	unit_hs_record(&b, TLS_HS_CLIENT_HELLO, unit_ch12, unit_ch12_len);
	for (i = 0; i < 3000; i++)
		ub_mem(&b, empty, sizeof(empty));
	in(DIR_C2S, &b);
	ck_assert_ptr_nonnull(f->sess.ch);
	/* Watched for TLS_MAX_RECORDS_AFTER_HELLO records, then no more. */
	ck_assert(unit_done(f, DIR_C2S));
	ck_assert_uint_eq(stats[STAT_TLS_RECORDS],
	    1 + TLS_MAX_RECORDS_AFTER_HELLO);
	ub_free(&b);
}
END_TEST

START_TEST(test_stream_hello_16mib)
{
	static const uint8_t	huge[] = {
		0x16, 0x03, 0x01, 0x00, 0x04,	/* handshake record, 4 bytes */
		0x01, 0xff, 0xff, 0xff,		/* client_hello, 16 MiB - 1 */
	};
	static uint8_t		zeros[1 << 16];
	size_t			before = budget_used();

	in_bytes(DIR_C2S, huge, sizeof(huge));
	ck_assert_uint_eq(stats[STAT_TLS_HELLO_TOO_BIG], 1);
	ck_assert_uint_eq(stats[STAT_TLS_BAD_HELLO], 1);
	ck_assert(f->sess.bad_hello[DIR_C2S]);
	ck_assert(unit_done(f, DIR_C2S));
	ck_assert_ptr_null(f->sess.ch);
	/* Nothing near the claimed size was allocated. */
	ck_assert_uint_lt(budget_used() - before, 4096);
	in_bytes(DIR_C2S, zeros, sizeof(zeros));	/* ignored */
	ck_assert_uint_lt(budget_used() - before, 4096);
}
END_TEST

START_TEST(test_stream_hello_size_limit)
{
	static const uint8_t	at_limit[] = {
		0x16, 0x03, 0x01, 0x00, 0x04,
		0x01, 0x01, 0x00, 0x00,		/* 65536 = TLS_MAX_HELLO */
	};
	static const uint8_t	over[] = {
		0x16, 0x03, 0x01, 0x00, 0x04,
		0x01, 0x01, 0x00, 0x01,		/* 65537 */
	};

	in_bytes(DIR_C2S, at_limit, sizeof(at_limit));
	ck_assert_uint_eq(stats[STAT_TLS_HELLO_TOO_BIG], 0);
	ck_assert(!unit_done(f, DIR_C2S));	/* waiting for it */
	ck_assert_uint_ge(budget_used(), TLS_MAX_HELLO + 4);
	fresh(0);
	in_bytes(DIR_C2S, over, sizeof(over));
	ck_assert_uint_eq(stats[STAT_TLS_HELLO_TOO_BIG], 1);
	ck_assert(f->sess.bad_hello[DIR_C2S]);
}
END_TEST

START_TEST(test_stream_not_tls_banner)
{
	struct ub	b;

	/* A POP3 server that talks plaintext on 995. */
	fresh(0);
	f->proto = PROTO_POP3;
	ub_init(&b);
	unit_hs_record(&b, TLS_HS_CLIENT_HELLO, unit_ch12, unit_ch12_len);
	in(DIR_C2S, &b);
	in_bytes(DIR_S2C, "+OK POP3 ready\r\n", 16);
	ck_assert(f->sess.not_tls[DIR_S2C]);
	ck_assert(!f->sess.not_tls[DIR_C2S]);
	ck_assert_uint_eq(stats[STAT_TLS_NOT_TLS], 1);
	ck_assert(unit_done(f, DIR_S2C));
	ck_assert_ptr_null(f->sess.sh);
	judge(OC_INCOMPLETE, RS_OK);
	ub_free(&b);
}
END_TEST

START_TEST(test_stream_not_tls_client)
{
	in_bytes(DIR_C2S, "a1 CAPABILITY\r\n", 15);
	ck_assert(f->sess.not_tls[DIR_C2S]);
	ck_assert_ptr_null(f->sess.ch);
	judge(OC_INCOMPLETE, RS_UNKNOWN);
}
END_TEST

START_TEST(test_stream_midstream_not_flagged)
{
	static const uint8_t	inside[] = { 0x8e, 0x12, 0x00, 0x77, 0x41 };

	/* Joined mid-session: the first bytes may be inside a record. */
	fresh(FLOW_F_MIDSTREAM);
	in_bytes(DIR_C2S, inside, sizeof(inside));
	ck_assert(!f->sess.not_tls[DIR_C2S]);
	ck_assert_uint_eq(stats[STAT_TLS_NOT_TLS], 0);
	ck_assert(unit_done(f, DIR_C2S));
}
END_TEST

START_TEST(test_stream_bad_record_after_hello)
{
	static const uint8_t	bogus[] = { 0x30, 0x03, 0x03, 0x00, 0x01, 0 };
	struct ub		b;

	ub_init(&b);
	unit_hs_record(&b, TLS_HS_CLIENT_HELLO, unit_ch12, unit_ch12_len);
	ub_mem(&b, bogus, sizeof(bogus));	/* content type 48 */
	in(DIR_C2S, &b);
	ck_assert_ptr_nonnull(f->sess.ch);
	ck_assert_uint_eq(stats[STAT_TLS_BAD_RECORD], 1);
	ck_assert(!f->sess.bad_hello[DIR_C2S]);	/* the hello was fine */
	ck_assert(unit_done(f, DIR_C2S));
	ub_free(&b);
}
END_TEST

/*
 * The one "is this a TLS record" test: content types 20..24 (24 is
 * heartbeat, RFC 6520, kept by RFC 8446 B.1), major version 3.
 */
START_TEST(test_looks_like_record)
{
	uint8_t	h[2] = { 0, 3 };
	int	t;

	for (t = 0; t < 256; t++) {
		h[0] = (uint8_t)t;
		ck_assert_msg(tls_content_type_known((uint8_t)t) ==
		    (t >= 20 && t <= 24), "type %d", t);
		ck_assert_msg(tls_looks_like_record(h, 2) == (t >= 20 &&
		    t <= 24), "type %d", t);
	}
	h[0] = TLS_CT_HEARTBEAT;
	ck_assert(tls_looks_like_record(h, 2));
	ck_assert(!tls_looks_like_record(h, 1));	/* one byte: not yet */
	ck_assert(!tls_looks_like_record(h, 0));
	h[1] = 2;					/* SSL 2.x major */
	ck_assert(!tls_looks_like_record(h, 2));
	h[1] = 4;
	ck_assert(!tls_looks_like_record(h, 2));
}
END_TEST

/* After the hello a heartbeat record is framed and passed over; the next
 * type up (25) is no TLS record. */
START_TEST(test_stream_heartbeat_record)
{
	static const uint8_t	hb[] = {
		0x18, 0x03, 0x03, 0x00, 0x03,	/* heartbeat, 3 bytes */
		0x01, 0x00, 0x00,		/* request, payload_length 0 */
	};
	static const uint8_t	t25[] = { 0x19, 0x03, 0x03, 0x00, 0x01, 0 };
	struct ub		b;

	ub_init(&b);
	unit_hs_record(&b, TLS_HS_CLIENT_HELLO, unit_ch12, unit_ch12_len);
	ub_mem(&b, hb, sizeof(hb));
	in(DIR_C2S, &b);
	ck_assert_ptr_nonnull(f->sess.ch);
	ck_assert_uint_eq(stats[STAT_TLS_BAD_RECORD], 0);
	ck_assert(!unit_done(f, DIR_C2S));
	in_bytes(DIR_C2S, t25, sizeof(t25));
	ck_assert_uint_eq(stats[STAT_TLS_BAD_RECORD], 1);
	ck_assert(unit_done(f, DIR_C2S));
	ub_free(&b);
}
END_TEST

START_TEST(test_stream_bad_record_before_hello)
{
	static const uint8_t	oversized[] = {
		0x16, 0x03, 0x01, 0x48, 0x01,	/* 18433 > RFC 5246 cap */
	};
	static const uint8_t	major4[] = {
		0x16, 0x03, 0x01, 0x00, 0x01, 0x01,	/* 1 byte */
		0x16, 0x04, 0x01, 0x00, 0x01, 0x01,	/* version 4.1 */
	};

	in_bytes(DIR_C2S, oversized, sizeof(oversized));
	ck_assert_uint_eq(stats[STAT_TLS_BAD_RECORD], 1);
	ck_assert(f->sess.bad_hello[DIR_C2S]);
	fresh(0);
	in_bytes(DIR_C2S, major4, sizeof(major4));
	ck_assert_uint_eq(stats[STAT_TLS_BAD_RECORD], 2);
	ck_assert(f->sess.bad_hello[DIR_C2S]);
}
END_TEST

START_TEST(test_stream_wrong_first_message)
{
	struct ub	b;

	/* The client's first handshake message is a ServerHello. */
	ub_init(&b);
	unit_hs_record(&b, TLS_HS_SERVER_HELLO, unit_sh12, unit_sh12_len);
	in(DIR_C2S, &b);
	ck_assert_ptr_null(f->sess.ch);
	ck_assert_ptr_null(f->sess.sh);
	ck_assert(f->sess.bad_hello[DIR_C2S]);
	ck_assert(unit_done(f, DIR_C2S));
	ub_free(&b);
}
END_TEST

START_TEST(test_stream_malformed_hello_keeps_version)
{
	struct ub	body, b;

	/* A TLS 1.0 hello whose cipher list lies: still a TLS 1.0 client. */
	copy(&body, unit_ch10, unit_ch10_len);
	put16(&body, CH12_CIPHERS, 0x0100);
	ub_init(&b);
	unit_hs_record(&b, TLS_HS_CLIENT_HELLO, body.p, body.n);
	in(DIR_C2S, &b);
	ck_assert_ptr_nonnull(f->sess.ch);
	ck_assert(f->sess.ch->malformed);
	ck_assert(f->sess.bad_hello[DIR_C2S]);
	ck_assert_uint_eq(f->sess.ch->legacy_version, TLS_V_1_0);
	ck_assert_uint_eq(stats[STAT_TLS_BAD_HELLO], 1);
	judge(OC_INCOMPLETE, RS_LEGACY_CLIENT);
	ub_free(&body);
	ub_free(&b);
}
END_TEST

START_TEST(test_stream_ccs_before_hello)
{
	static const uint8_t	ccs[] = { 0x14, 0x03, 0x03, 0x00, 0x01, 0x01 };

	in_bytes(DIR_C2S, ccs, sizeof(ccs));
	ck_assert(f->sess.bad_hello[DIR_C2S]);
	ck_assert(unit_done(f, DIR_C2S));
	/* Mid-session, keyed records are what one expects. */
	fresh(FLOW_F_MIDSTREAM);
	in_bytes(DIR_C2S, ccs, sizeof(ccs));
	ck_assert(!f->sess.bad_hello[DIR_C2S]);
	ck_assert(unit_done(f, DIR_C2S));
}
END_TEST

START_TEST(test_stream_hello_request_then_server_hello)
{
	struct ub	msgs, b;

	ub_init(&msgs);
	ub_u8(&msgs, TLS_HS_HELLO_REQUEST);	/* HelloRequest, empty */
	ub_u24(&msgs, 0);
	ub_u8(&msgs, TLS_HS_SERVER_HELLO);
	ub_u24(&msgs, (uint32_t)unit_sh12_len);
	ub_mem(&msgs, unit_sh12, unit_sh12_len);
	ub_init(&b);
	unit_record(&b, TLS_CT_HANDSHAKE, 0x0303, msgs.p, msgs.n);
	in(DIR_S2C, &b);
	ck_assert_ptr_nonnull(f->sess.sh);
	ck_assert_uint_eq(tls_server_version(f->sess.sh), TLS_V_1_2);
	ub_free(&msgs);
	ub_free(&b);
}
END_TEST

START_TEST(test_stream_server_flight)
{
	static const uint8_t	ccs[] = { 0x14, 0x03, 0x03, 0x00, 0x01, 0x01 };
	struct ub		msgs, b, c;

	ub_init(&c);
	unit_hs_record(&c, TLS_HS_CLIENT_HELLO, unit_ch12, unit_ch12_len);
	in(DIR_C2S, &c);
	/* ServerHello, Certificate and ServerHelloDone in one record. */
	ub_init(&msgs);
	ub_u8(&msgs, TLS_HS_SERVER_HELLO);
	ub_u24(&msgs, (uint32_t)unit_sh12_len);
	ub_mem(&msgs, unit_sh12, unit_sh12_len);
	ub_u8(&msgs, 11);			/* Certificate */
	ub_u24(&msgs, 3);
	ub_u24(&msgs, 0);			/*   certificate_list: empty */
	ub_u8(&msgs, 14);			/* ServerHelloDone */
	ub_u24(&msgs, 0);
	ub_init(&b);
	unit_record(&b, TLS_CT_HANDSHAKE, 0x0303, msgs.p, msgs.n);
	in(DIR_S2C, &b);
	ck_assert_ptr_nonnull(f->sess.sh);
	ck_assert(!f->sess.bad_hello[DIR_S2C]);
	ck_assert_uint_eq(f->sess.server_tls_after_ch, b.n);
	ck_assert(!unit_done(f, DIR_S2C));
	in_bytes(DIR_S2C, ccs, sizeof(ccs));	/* keyed from here */
	ck_assert(unit_done(f, DIR_S2C));
	judge(OC_ESTABLISHED, RS_OK);
	ub_free(&msgs);
	ub_free(&b);
	ub_free(&c);
}
END_TEST

START_TEST(test_stream_hrr)
{
	struct ub	b;

	ub_init(&b);
	unit_hs_record(&b, TLS_HS_CLIENT_HELLO, unit_ch13, unit_ch13_len);
	in(DIR_C2S, &b);
	ub_free(&b);
	ub_init(&b);
	unit_hs_record(&b, TLS_HS_SERVER_HELLO, unit_hrr, unit_hrr_len);
	in(DIR_S2C, &b);
	ck_assert_ptr_nonnull(f->sess.sh);
	ck_assert(f->sess.sh->hrr);
	judge(OC_ESTABLISHED, RS_OK);
	ub_free(&b);
}
END_TEST

START_TEST(test_stream_tls13_negotiated)
{
	struct ub	b;
	struct verdict	v;

	ub_init(&b);
	unit_hs_record(&b, TLS_HS_CLIENT_HELLO, unit_ch13, unit_ch13_len);
	in(DIR_C2S, &b);
	ub_free(&b);
	ub_init(&b);
	unit_hs_record(&b, TLS_HS_SERVER_HELLO, unit_sh13, unit_sh13_len);
	in(DIR_S2C, &b);
	verdict_judge(f, &v);
	ck_assert_int_eq(v.outcome, OC_ESTABLISHED);
	ck_assert_int_eq(v.reason, RS_OK);
	ck_assert_uint_eq(v.client_max, TLS_V_1_3);
	ck_assert_uint_eq(v.negotiated, TLS_V_1_3);
	ub_free(&b);
}
END_TEST

/* --- late TLS on non-mail ports (scope all_tls) ---------------------------------- */

START_TEST(test_scan_late_upgrade)
{
	struct ub	c, sv;

	/* A service on no mail port that speaks its own protocol before
	 * TLS (FTP AUTH TLS here). */
	f->proto = PROTO_TLS;
	ub_init(&c);
	unit_hs_record(&c, TLS_HS_CLIENT_HELLO, unit_ch10, unit_ch10_len);
	ub_init(&sv);
	unit_hs_record(&sv, TLS_HS_SERVER_HELLO, unit_sh10, unit_sh10_len);
	in_bytes(DIR_S2C, "220 FTP ready\r\n", 15);
	in_bytes(DIR_C2S, "AUTH TLS\r\n", 10);
	in_bytes(DIR_S2C, "234 go ahead\r\n", 14);
	ck_assert(!f->sess.not_tls[DIR_C2S]);
	ck_assert(!f->sess.not_tls[DIR_S2C]);
	ck_assert(!unit_done(f, DIR_C2S));
	in(DIR_C2S, &c);
	ck_assert_ptr_nonnull(f->sess.ch);
	in(DIR_S2C, &sv);
	ck_assert_ptr_nonnull(f->sess.sh);
	judge(OC_ESTABLISHED, RS_LEGACY_CLIENT);
	ub_free(&c);
	ub_free(&sv);
}
END_TEST

START_TEST(test_scan_server_alert)
{
	static const uint8_t	alert[] = {
		0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46,
	};
	struct ub		c;

	f->proto = PROTO_TLS;
	in_bytes(DIR_C2S, "HELLO\r\n", 7);
	ub_init(&c);
	unit_hs_record(&c, TLS_HS_CLIENT_HELLO, unit_ch10, unit_ch10_len);
	in(DIR_C2S, &c);
	in_bytes(DIR_S2C, "OK\r\n", 4);
	in_bytes(DIR_S2C, alert, sizeof(alert));
	ck_assert(f->sess.alert[DIR_S2C].seen);
	judge(OC_REFUSED, RS_LEGACY_REFUSED);
	ub_free(&c);
}
END_TEST

START_TEST(test_scan_gives_up)
{
	int	i;

	f->proto = PROTO_TLS;
	in_bytes(DIR_C2S, "x\r\n", 3);		/* first look: not TLS */
	for (i = 0; i < TLS_MAX_SCAN - 1; i++)
		in_bytes(DIR_C2S, "x\r\n", 3);
	ck_assert(!unit_done(f, DIR_C2S));
	in_bytes(DIR_C2S, "x\r\n", 3);
	ck_assert(f->sess.not_tls[DIR_C2S]);
	ck_assert(unit_done(f, DIR_C2S));
	ck_assert_uint_eq(stats[STAT_TLS_NOT_TLS], 1);
}
END_TEST

START_TEST(test_scan_needs_hello_not_any_record)
{
	static const uint8_t	app[] = {
		0x17, 0x03, 0x03, 0x00, 0x02, 0xaa, 0xbb,
	};

	/* Application data or a client handshake that is not a
	 * ClientHello does not start TLS. */
	f->proto = PROTO_TLS;
	in_bytes(DIR_C2S, "x\r\n", 3);
	in_bytes(DIR_C2S, app, sizeof(app));
	ck_assert_uint_eq(stats[STAT_TLS_RECORDS], 0);
	ck_assert(!f->sess.bad_hello[DIR_C2S]);
}
END_TEST

/*
 * How TCP cut the ClientHello must not decide whether it is seen (STYLE 7,
 * split sweep): here its first segment carries 3 bytes.
 */
START_TEST(test_scan_hello_split)
{
	struct ub	c;

	f->proto = PROTO_TLS;
	in_bytes(DIR_C2S, "AUTH TLS\r\n", 10);
	ub_init(&c);
	unit_hs_record(&c, TLS_HS_CLIENT_HELLO, unit_ch10, unit_ch10_len);
	in_bytes(DIR_C2S, c.p, 3);
	in_bytes(DIR_C2S, c.p + 3, c.n - 3);
	ck_assert_msg(f->sess.ch != NULL,
	    "late ClientHello cut after 3 bytes was not seen");
	ub_free(&c);
}
END_TEST

/*
 * The split sweep for a late hello: the bytes before the ClientHello and
 * the first cut bytes of its record in one delivery, the rest in the
 * next.  Where the record header straddles the two, TD_SCAN finds it in
 * the kept bytes and reads them before the second delivery (formerly a
 * recursive tls_input(), now a second pass of its loop): the hello is
 * seen whole wherever TCP cut it.
 */
START_TEST(test_scan_hello_split_sweep)
{
	struct ub	c, d;
	size_t		cut;

	ub_init(&c);
	unit_hs_record(&c, TLS_HS_CLIENT_HELLO, unit_ch10, unit_ch10_len);
	for (cut = 1; cut < c.n; cut++) {
		fresh(0);
		f->proto = PROTO_TLS;
		ub_init(&d);
		ub_str(&d, "AUTH TLS\r\n");
		ub_mem(&d, c.p, cut);
		in(DIR_C2S, &d);
		in_bytes(DIR_C2S, c.p + cut, c.n - cut);
		ck_assert_msg(f->sess.ch != NULL && !f->sess.ch->partial,
		    "ClientHello cut at %zu not seen whole", cut);
		ck_assert_uint_eq(f->sess.ch->legacy_version, 0x0301);
		ck_assert(!f->sess.bad_hello[DIR_C2S]);
		ub_free(&d);
	}
	ub_free(&c);
}
END_TEST

/* --- alerts ------------------------------------------------------------------------------ */

static const uint8_t	alert_fatal_70[] = {
	0x15, 0x03, 0x01, 0x00, 0x02,	/* alert record, 2 bytes */
	0x02, 0x46,			/* fatal, protocol_version */
};
static const uint8_t	alert_warn_112[] = {
	0x15, 0x03, 0x01, 0x00, 0x02,
	0x01, 0x70,			/* warning, unrecognized_name */
};
static const uint8_t	alert_fatal_40[] = {
	0x15, 0x03, 0x01, 0x00, 0x02,
	0x02, 0x28,			/* fatal, handshake_failure */
};

static void
client_hello10(void)
{
	struct ub	b;

	ub_init(&b);
	unit_hs_record(&b, TLS_HS_CLIENT_HELLO, unit_ch10, unit_ch10_len);
	in(DIR_C2S, &b);
	ub_free(&b);
}

static void
server_hello(const uint8_t *body, size_t n)
{
	struct ub	b;

	ub_init(&b);
	unit_hs_record(&b, TLS_HS_SERVER_HELLO, body, n);
	in(DIR_S2C, &b);
	ub_free(&b);
}

START_TEST(test_alert_protocol_version_refused)
{
	client_hello10();
	in_bytes(DIR_S2C, alert_fatal_70, sizeof(alert_fatal_70));
	ck_assert(f->sess.alert[DIR_S2C].seen);
	ck_assert_uint_eq(f->sess.alert[DIR_S2C].level, 2);
	ck_assert_uint_eq(f->sess.alert[DIR_S2C].desc, 70);
	ck_assert(!f->sess.alert[DIR_S2C].after_sh);
	ck_assert_uint_eq(stats[STAT_TLS_ALERTS], 1);
	judge(OC_REFUSED, RS_LEGACY_REFUSED);
}
END_TEST

START_TEST(test_alert_warning_then_server_hello)
{
	struct ub	b;

	ub_init(&b);
	unit_hs_record(&b, TLS_HS_CLIENT_HELLO, unit_ch12, unit_ch12_len);
	in(DIR_C2S, &b);
	in_bytes(DIR_S2C, alert_warn_112, sizeof(alert_warn_112));
	server_hello(unit_sh12, unit_sh12_len);
	ck_assert_ptr_nonnull(f->sess.sh);
	ck_assert_uint_eq(f->sess.alert[DIR_S2C].level, 1);
	ck_assert_uint_eq(f->sess.alert[DIR_S2C].desc, 112);
	judge(OC_ESTABLISHED, RS_OK);
	ub_free(&b);
}
END_TEST

START_TEST(test_alert_legacy_warning_then_server_hello)
{
	client_hello10();
	in_bytes(DIR_S2C, alert_warn_112, sizeof(alert_warn_112));
	server_hello(unit_sh10, unit_sh10_len);
	judge(OC_ESTABLISHED, RS_LEGACY_CLIENT);
}
END_TEST

START_TEST(test_alert_fatal_follows_warning)
{
	client_hello10();
	in_bytes(DIR_S2C, alert_warn_112, sizeof(alert_warn_112));
	in_bytes(DIR_S2C, alert_fatal_40, sizeof(alert_fatal_40));
	ck_assert_uint_eq(f->sess.alert[DIR_S2C].level, 2);
	ck_assert_uint_eq(f->sess.alert[DIR_S2C].desc, 40);
	ck_assert_uint_eq(stats[STAT_TLS_ALERTS], 2);
	judge(OC_REFUSED, RS_LEGACY_REFUSED);
}
END_TEST

START_TEST(test_alert_first_fatal_kept)
{
	client_hello10();
	in_bytes(DIR_S2C, alert_fatal_70, sizeof(alert_fatal_70));
	in_bytes(DIR_S2C, alert_fatal_40, sizeof(alert_fatal_40));
	in_bytes(DIR_S2C, alert_warn_112, sizeof(alert_warn_112));
	ck_assert_uint_eq(f->sess.alert[DIR_S2C].level, 2);
	ck_assert_uint_eq(f->sess.alert[DIR_S2C].desc, 70);
}
END_TEST

START_TEST(test_alert_split_bytewise)
{
	size_t	i;

	client_hello10();
	for (i = 0; i < sizeof(alert_fatal_70); i++)
		in_bytes(DIR_S2C, alert_fatal_70 + i, 1);
	ck_assert(f->sess.alert[DIR_S2C].seen);
	ck_assert_uint_eq(f->sess.alert[DIR_S2C].desc, 70);
	judge(OC_REFUSED, RS_LEGACY_REFUSED);
}
END_TEST

START_TEST(test_alert_client_after_server_hello)
{
	struct ub	b;

	/* The client offers 1.2, the server picks 1.0, the client says
	 * no: an abort, and a server below the floor. */
	ub_init(&b);
	unit_hs_record(&b, TLS_HS_CLIENT_HELLO, unit_ch12, unit_ch12_len);
	in(DIR_C2S, &b);
	server_hello(unit_sh10, unit_sh10_len);
	in_bytes(DIR_C2S, alert_fatal_70, sizeof(alert_fatal_70));
	ck_assert(f->sess.alert[DIR_C2S].seen);
	ck_assert(f->sess.alert[DIR_C2S].after_sh);
	judge(OC_CLIENT_ABORT, RS_LEGACY_NEGOTIATED);
	ub_free(&b);
}
END_TEST

START_TEST(test_alert_wrong_length_ignored)
{
	static const uint8_t	long_alert[] = {
		0x15, 0x03, 0x03, 0x00, 0x03,	/* 3 bytes: not plaintext */
		0x02, 0x46, 0x00,
	};

	client_hello10();
	in_bytes(DIR_S2C, long_alert, sizeof(long_alert));
	ck_assert(!f->sess.alert[DIR_S2C].seen);
	ck_assert_uint_eq(stats[STAT_TLS_ALERTS], 0);
}
END_TEST

/* --- gaps -------------------------------------------------------------------------------- */

START_TEST(test_gap_before_anything)
{
	unit_tls_gap(f, DIR_C2S);
	ck_assert(f->sess.hello_gap[DIR_C2S]);
	ck_assert(unit_done(f, DIR_C2S));
	ck_assert_uint_eq(stats[STAT_TLS_GAP], 1);
	judge(OC_GAP, RS_UNKNOWN);
}
END_TEST

START_TEST(test_gap_in_tls12_hello)
{
	struct ub	b;

	ub_init(&b);
	unit_hs_record(&b, TLS_HS_CLIENT_HELLO, unit_ch12, unit_ch12_len);
	in_bytes(DIR_C2S, b.p, 30);
	unit_tls_gap(f, DIR_C2S);
	ck_assert(f->sess.hello_gap[DIR_C2S]);
	/* 0x0303 before the hole could still have offered anything. */
	ck_assert_ptr_null(f->sess.ch);
	in_bytes(DIR_C2S, b.p + 40, b.n - 40);	/* ignored after the gap */
	ck_assert_ptr_null(f->sess.ch);
	ub_free(&b);
}
END_TEST

START_TEST(test_gap_in_tls10_hello)
{
	struct ub	b;

	ub_init(&b);
	unit_hs_record(&b, TLS_HS_CLIENT_HELLO, unit_ch10, unit_ch10_len);
	in_bytes(DIR_C2S, b.p, 11);		/* up to legacy_version */
	unit_tls_gap(f, DIR_C2S);
	ck_assert_ptr_nonnull(f->sess.ch);
	ck_assert(f->sess.ch->partial);
	ck_assert_uint_eq(f->sess.ch->legacy_version, TLS_V_1_0);
	ck_assert_uint_eq(f->sess.ch->length, unit_ch10_len);
	judge(OC_GAP, RS_LEGACY_CLIENT);
	ub_free(&b);
}
END_TEST

START_TEST(test_gap_too_early_in_tls10_hello)
{
	struct ub	b;

	ub_init(&b);
	unit_hs_record(&b, TLS_HS_CLIENT_HELLO, unit_ch10, unit_ch10_len);
	in_bytes(DIR_C2S, b.p, 10);		/* one byte of the version */
	unit_tls_gap(f, DIR_C2S);
	ck_assert_ptr_null(f->sess.ch);
	ck_assert(f->sess.hello_gap[DIR_C2S]);
	ub_free(&b);
}
END_TEST

START_TEST(test_gap_after_hello)
{
	struct ub	b;

	ub_init(&b);
	unit_hs_record(&b, TLS_HS_CLIENT_HELLO, unit_ch12, unit_ch12_len);
	in(DIR_C2S, &b);
	unit_tls_gap(f, DIR_C2S);
	ck_assert(!f->sess.hello_gap[DIR_C2S]);
	ck_assert(unit_done(f, DIR_C2S));
	ck_assert_uint_eq(stats[STAT_TLS_GAP], 0);
	unit_tls_gap(f, DIR_C2S);			/* again: nothing new */
	ck_assert_uint_eq(stats[STAT_TLS_GAP], 0);
	ub_free(&b);
}
END_TEST

START_TEST(test_free_without_state)
{
	ck_assert_ptr_null(f->tls);
	tls_free(f);
	ck_assert_ptr_null(f->tls);
	client_hello10();
	ck_assert_ptr_nonnull(f->tls);
	tls_free(f);
	ck_assert_ptr_null(f->tls);
}
END_TEST

/* --- the server certificate (TLS <= 1.2, mail flows) ----------------------- */

/* A self-signed EC certificate's DER, made here; OPENSSL_free() it. */
static int
cert_der(uint8_t **der)
{
	EVP_PKEY	*k = EVP_EC_gen("P-256");
	X509		*x = X509_new();
	int		 n;

	*der = NULL;
	ck_assert_ptr_nonnull(k);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, k);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN",
	    MBSTRING_ASC, (const unsigned char *)"mail.example.test", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	ck_assert_int_gt(X509_sign(x, k, EVP_sha256()), 0);
	n = i2d_X509(x, der);
	X509_free(x);
	EVP_PKEY_free(k);
	ck_assert_int_gt(n, 0);
	return n;
}

/* ServerHello (TLS 1.0) and Certificate as one handshake stream. */
static void
sh_and_cert(struct ub *hs, const uint8_t *der, size_t n, uint32_t claim)
{
	size_t	l;

	ub_u8(hs, TLS_HS_SERVER_HELLO);
	ub_u24(hs, (uint32_t)unit_sh10_len);
	ub_mem(hs, unit_sh10, unit_sh10_len);
	ub_u8(hs, TLS_HS_CERTIFICATE);
	if (claim != 0) {		/* a length that is a lie */
		ub_u24(hs, claim);
		return;
	}
	l = ub_begin24(hs);
	ub_u24(hs, (uint32_t)n + 3);
	ub_u24(hs, (uint32_t)n);
	ub_mem(hs, der, n);
	ub_end24(hs, l);
}

START_TEST(test_cert_one_record)
{
	struct ub	hs, rec;
	uint8_t		*der;
	int		 n = cert_der(&der);

	ub_init(&hs);
	ub_init(&rec);
	sh_and_cert(&hs, der, (size_t)n, 0);
	unit_record(&rec, TLS_CT_HANDSHAKE, 0x0301, hs.p, hs.n);
	in(DIR_S2C, &rec);
	ck_assert_ptr_nonnull(f->sess.sh);
	ck_assert_ptr_nonnull(f->sess.cert);
	ck_assert_str_eq(f->sess.cert->subject, "CN=mail.example.test");
	ck_assert(f->sess.cert->self_signed);
	ck_assert_uint_eq(stats[STAT_TLS_CERTIFICATES], 1);
	ub_free(&hs);
	ub_free(&rec);
	OPENSSL_free(der);
}
END_TEST

START_TEST(test_cert_split_records_and_bytes)
{
	struct ub	hs, rec;
	uint8_t		*der;
	int		 n = cert_der(&der);
	size_t		 i, cut;
	char		 sha[65];

	ub_init(&hs);
	sh_and_cert(&hs, der, (size_t)n, 0);
	/* whole: the reference hash */
	ub_init(&rec);
	unit_record(&rec, TLS_CT_HANDSHAKE, 0x0301, hs.p, hs.n);
	in(DIR_S2C, &rec);
	ck_assert_ptr_nonnull(f->sess.cert);
	memcpy(sha, f->sess.cert->sha256, sizeof(sha));
	/* the handshake cut into records at every 97 bytes, the records
	 * fed one byte at a time */
	fresh(0);
	ub_free(&rec);
	ub_init(&rec);
	for (cut = 0; cut < hs.n; cut += 97)
		unit_record(&rec, TLS_CT_HANDSHAKE, 0x0301, hs.p + cut,
		    hs.n - cut < 97 ? hs.n - cut : 97);
	for (i = 0; i < rec.n; i++)
		in_bytes(DIR_S2C, rec.p + i, 1);
	ck_assert_ptr_nonnull(f->sess.cert);
	ck_assert_str_eq(f->sess.cert->sha256, sha);
	ub_free(&hs);
	ub_free(&rec);
	OPENSSL_free(der);
}
END_TEST

START_TEST(test_cert_too_large_not_gathered)
{
	struct ub	hs, rec;
	size_t		mem;

	ub_init(&hs);
	ub_init(&rec);
	sh_and_cert(&hs, NULL, 0, TLS_MAX_CERT_MSG + 1);
	unit_record(&rec, TLS_CT_HANDSHAKE, 0x0301, hs.p, hs.n);
	mem = budget_used();
	in(DIR_S2C, &rec);
	ck_assert_ptr_nonnull(f->sess.sh);
	ck_assert_ptr_null(f->sess.cert);
	ck_assert_uint_eq(stats[STAT_TLS_CERT_TOO_BIG], 1);
	/* the ServerHello and the TLS state are kept, no buffer for the
	 * certificate (it would be TLS_MAX_CERT_MSG) */
	ck_assert_uint_lt(budget_used(), mem + 4096);
	ub_free(&hs);
	ub_free(&rec);
}
END_TEST

START_TEST(test_cert_only_mail_flows)
{
	struct ub	hs, rec;
	uint8_t		*der;
	int		 n = cert_der(&der);

	unit_flow_free(f);
	f = unit_flow(PROTO_TLS, FLOW_F_IMPLICIT);	/* --all-tls */
	ub_init(&hs);
	ub_init(&rec);
	sh_and_cert(&hs, der, (size_t)n, 0);
	unit_record(&rec, TLS_CT_HANDSHAKE, 0x0301, hs.p, hs.n);
	in(DIR_S2C, &rec);
	ck_assert_ptr_nonnull(f->sess.sh);
	ck_assert_ptr_null(f->sess.cert);
	ub_free(&hs);
	ub_free(&rec);
	OPENSSL_free(der);
}
END_TEST

Suite *
tls_suite(void)
{
	Suite	*s = suite_create("tls");
	TCase	*tc;

	tc = tcase_create("versions");
	tcase_add_test(tc, test_is_grease);
	tcase_add_test(tc, test_version_norm);
	tcase_add_test(tc, test_version_name);
	tcase_add_test(tc, test_alert_name);
	tcase_add_test(tc, test_client_max_version);
	tcase_add_test(tc, test_server_version);
	tcase_add_test(tc, test_looks_like_record);
	suite_add_tcase(s, tc);

	tc = tcase_create("tls_parse_client_hello");
	tcase_add_test(tc, test_ch_tls12);
	tcase_add_test(tc, test_ch_tls13_grease);
	tcase_add_test(tc, test_ch_grease_only_versions);
	tcase_add_test(tc, test_ch_draft_versions);
	tcase_add_test(tc, test_ch_no_extensions);
	tcase_add_test(tc, test_ch_sni_300);
	tcase_add_test(tc, test_ch_sni_first_host_name);
	tcase_add_test(tc, test_ch_sni_list_lies);
	tcase_add_test(tc, test_ch_alpn_long);
	tcase_add_test(tc, test_ch_ext_len_one_past_end);
	tcase_add_test(tc, test_ch_inner_ext_len_one_past_end);
	tcase_add_test(tc, test_ch_ext_trailing_byte);
	tcase_add_test(tc, test_ch_cipher_len_lies);
	tcase_add_test(tc, test_ch_cipher_len_odd_or_zero);
	tcase_add_test(tc, test_ch_session_id_33);
	tcase_add_test(tc, test_ch_compression_overrun);
	tcase_add_test(tc, test_ch_versions_odd_length);
	tcase_add_test(tc, test_ch_many_extensions);
	tcase_add_test(tc, test_ch_many_ciphers);
	tcase_add_test(tc, test_ch_long_lists);
	tcase_add_test(tc, test_ch_list_lengths_lie);
	tcase_add_test(tc, test_ch_truncation_sweep);
	suite_add_tcase(s, tc);

	tc = tcase_create("tls_parse_server_hello");
	tcase_add_test(tc, test_sh_tls12);
	tcase_add_test(tc, test_sh_tls13);
	tcase_add_test(tc, test_sh_tls10_no_extensions);
	tcase_add_test(tc, test_sh_hrr);
	tcase_add_test(tc, test_sh_draft_layout);
	tcase_add_test(tc, test_sh_versions_wrong_size);
	tcase_add_test(tc, test_sh_extension_limits);
	tcase_add_test(tc, test_sh_session_id_33);
	tcase_add_test(tc, test_sh_truncation_sweep);
	suite_add_tcase(s, tc);

	tc = tcase_create("sslv2");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_v2_client_hello_tls10);
	tcase_add_test(tc, test_v2_client_hello_ssl2);
	tcase_add_test(tc, test_v2_client_hello_bad);
	tcase_add_test(tc, test_v2_client_hello_many_specs);
	tcase_add_test(tc, test_v2_server_hello);
	tcase_add_test(tc, test_v2_stream);
	tcase_add_test(tc, test_v2_stream_ssl2_bytewise);
	tcase_add_test(tc, test_v2_stream_bad);
	suite_add_tcase(s, tc);

	tc = tcase_create("tls_input");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_stream_whole_record);
	tcase_add_test(tc, test_stream_header_bytewise);
	tcase_add_test(tc, test_stream_three_records);
	tcase_add_test(tc, test_stream_truncation_sweep);
	tcase_add_test(tc, test_stream_split_sweep);
	tcase_add_test(tc, test_stream_server_split_sweep);
	tcase_add_test(tc, test_stream_zero_length_records_before);
	tcase_add_test(tc, test_stream_zero_length_records_after);
	tcase_add_test(tc, test_stream_hello_16mib);
	tcase_add_test(tc, test_stream_hello_size_limit);
	tcase_add_test(tc, test_stream_not_tls_banner);
	tcase_add_test(tc, test_stream_not_tls_client);
	tcase_add_test(tc, test_stream_midstream_not_flagged);
	tcase_add_test(tc, test_stream_bad_record_after_hello);
	tcase_add_test(tc, test_stream_bad_record_before_hello);
	tcase_add_test(tc, test_stream_heartbeat_record);
	tcase_add_test(tc, test_stream_wrong_first_message);
	tcase_add_test(tc, test_stream_malformed_hello_keeps_version);
	tcase_add_test(tc, test_stream_ccs_before_hello);
	tcase_add_test(tc, test_stream_hello_request_then_server_hello);
	tcase_add_test(tc, test_stream_server_flight);
	tcase_add_test(tc, test_stream_hrr);
	tcase_add_test(tc, test_stream_tls13_negotiated);
	suite_add_tcase(s, tc);

	tc = tcase_create("tls_scan");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_scan_late_upgrade);
	tcase_add_test(tc, test_scan_server_alert);
	tcase_add_test(tc, test_scan_gives_up);
	tcase_add_test(tc, test_scan_needs_hello_not_any_record);
	tcase_add_test(tc, test_scan_hello_split_sweep);
	tcase_add_test(tc, test_scan_hello_split);
	suite_add_tcase(s, tc);

	tc = tcase_create("alerts");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_alert_protocol_version_refused);
	tcase_add_test(tc, test_alert_warning_then_server_hello);
	tcase_add_test(tc, test_alert_legacy_warning_then_server_hello);
	tcase_add_test(tc, test_alert_fatal_follows_warning);
	tcase_add_test(tc, test_alert_first_fatal_kept);
	tcase_add_test(tc, test_alert_split_bytewise);
	tcase_add_test(tc, test_alert_client_after_server_hello);
	tcase_add_test(tc, test_alert_wrong_length_ignored);
	suite_add_tcase(s, tc);

	tc = tcase_create("tls_gap");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_gap_before_anything);
	tcase_add_test(tc, test_gap_in_tls12_hello);
	tcase_add_test(tc, test_gap_in_tls10_hello);
	tcase_add_test(tc, test_gap_too_early_in_tls10_hello);
	tcase_add_test(tc, test_gap_after_hello);
	tcase_add_test(tc, test_free_without_state);
	suite_add_tcase(s, tc);
	tc = tcase_create("certificate");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_cert_one_record);
	tcase_add_test(tc, test_cert_split_records_and_bytes);
	tcase_add_test(tc, test_cert_too_large_not_gathered);
	tcase_add_test(tc, test_cert_only_mail_flows);
	suite_add_tcase(s, tc);

	return s;
}
