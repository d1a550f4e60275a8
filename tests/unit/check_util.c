/*
 * check_util.c -- sample wire bytes and helpers shared by the unit suites
 * (declared in unit.h).  No suite lives here: the name only makes the
 * Makefile's tests/unit/check_*.c rule pick the file up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "output.h"
#include "unit.h"

/* --- sample handshake bodies ---------------------------------------------- */

/* random[32] of the client hellos: 00 01 .. 1f */
#define CH_RANDOM							\
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,			\
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,			\
	0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,			\
	0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f
/* random[32] of the server hellos: 40 41 .. 5f */
#define SH_RANDOM							\
	0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,			\
	0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f,			\
	0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57,			\
	0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f
/* 32 bytes of session id / key share: a0 a1 .. bf */
#define BYTES32								\
	0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,			\
	0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,			\
	0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7,			\
	0xb8, 0xb9, 0xba, 0xbb, 0xbc, 0xbd, 0xbe, 0xbf

/*
 * ClientHello body, TLS 1.2 (RFC 5246 7.4.1.2), 112 bytes:
 *   legacy_version(2) random(32) session_id<0..32> cipher_suites<2..>
 *   compression_methods<1..> extensions<..>
 */
const uint8_t unit_ch12[] = {
	0x03, 0x03,			/* legacy_version: TLS 1.2 */
	CH_RANDOM,			/* random */
	0x00,				/* session_id: empty */
	0x00, 0x06,			/* cipher_suites: 6 bytes */
	  0xc0, 0x2b,			/*   ECDHE_ECDSA_AES_128_GCM_SHA256 */
	  0xc0, 0x2f,			/*   ECDHE_RSA_AES_128_GCM_SHA256 */
	  0x00, 0x9c,			/*   RSA_AES_128_GCM_SHA256 */
	0x01, 0x00,			/* compression_methods: 1, null */
	0x00, 0x41,			/* extensions: 65 bytes */
	  0x00, 0x00, 0x00, 0x16,	/*   server_name, 22 bytes */
	    0x00, 0x14,			/*     server_name_list: 20 bytes */
	    0x00,			/*     name_type: host_name */
	    0x00, 0x11,			/*     HostName: 17 bytes */
	    'i', 'm', 'a', 'p', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e',
	    '.', 't', 'e', 's', 't',
	  0x00, 0x0a, 0x00, 0x06,	/*   supported_groups, 6 bytes */
	    0x00, 0x04,			/*     list: 4 bytes */
	    0x00, 0x1d, 0x00, 0x17,	/*     x25519, secp256r1 */
	  0x00, 0x0b, 0x00, 0x02,	/*   ec_point_formats, 2 bytes */
	    0x01, 0x00,			/*     1 format: uncompressed */
	  0x00, 0x0d, 0x00, 0x08,	/*   signature_algorithms, 8 bytes */
	    0x00, 0x06,			/*     list: 6 bytes */
	    0x04, 0x03, 0x08, 0x04, 0x04, 0x01,
	  0x00, 0x10, 0x00, 0x07,	/*   ALPN, 7 bytes */
	    0x00, 0x05,			/*     protocol_name_list: 5 bytes */
	    0x04, 'i', 'm', 'a', 'p',	/*     "imap" */
};
const size_t unit_ch12_len = sizeof(unit_ch12);

/* ClientHello body, TLS 1.0, as old clients send it: no extensions. */
const uint8_t unit_ch10[] = {
	0x03, 0x01,			/* legacy_version: TLS 1.0 */
	CH_RANDOM,			/* random */
	0x00,				/* session_id: empty */
	0x00, 0x04,			/* cipher_suites: 4 bytes */
	  0xc0, 0x09,			/*   ECDHE_ECDSA_AES_128_CBC_SHA */
	  0x00, 0x2f,			/*   RSA_AES_128_CBC_SHA */
	0x01, 0x00,			/* compression_methods: 1, null */
};
const size_t unit_ch10_len = sizeof(unit_ch10);

/*
 * ClientHello body, TLS 1.3 (RFC 8446 4.1.2) with GREASE (RFC 8701) in the
 * suites, the extension list, supported_versions and groups.
 */
const uint8_t unit_ch13[] = {
	0x03, 0x03,			/* legacy_version: TLS 1.2 */
	CH_RANDOM,			/* random */
	0x20, BYTES32,			/* legacy_session_id: 32 bytes */
	0x00, 0x08,			/* cipher_suites: 8 bytes */
	  0x3a, 0x3a,			/*   GREASE */
	  0x13, 0x01,			/*   TLS_AES_128_GCM_SHA256 */
	  0x13, 0x02,			/*   TLS_AES_256_GCM_SHA384 */
	  0xc0, 0x2b,			/*   ECDHE_ECDSA_AES_128_GCM_SHA256 */
	0x01, 0x00,			/* compression_methods: 1, null */
	0x00, 0x43,			/* extensions: 67 bytes */
	  0x2a, 0x2a, 0x00, 0x00,	/*   GREASE extension, empty */
	  0x00, 0x2b, 0x00, 0x07,	/*   supported_versions, 7 bytes */
	    0x06,			/*     versions: 6 bytes */
	    0x7a, 0x7a,			/*     GREASE */
	    0x03, 0x04,			/*     TLS 1.3 */
	    0x03, 0x03,			/*     TLS 1.2 */
	  0x00, 0x0a, 0x00, 0x06,	/*   supported_groups, 6 bytes */
	    0x00, 0x04,			/*     list: 4 bytes */
	    0x8a, 0x8a, 0x00, 0x1d,	/*     GREASE, x25519 */
	  0x00, 0x33, 0x00, 0x26,	/*   key_share, 38 bytes */
	    0x00, 0x24,			/*     client_shares: 36 bytes */
	    0x00, 0x1d,			/*     group x25519 */
	    0x00, 0x20, BYTES32,	/*     key_exchange: 32 bytes */
};
const size_t unit_ch13_len = sizeof(unit_ch13);

/*
 * ServerHello body, TLS 1.2 (RFC 5246 7.4.1.3):
 *   version(2) random(32) session_id<0..32> cipher_suite(2)
 *   compression_method(1) extensions<..>
 */
const uint8_t unit_sh12[] = {
	0x03, 0x03,			/* version: TLS 1.2 */
	SH_RANDOM,			/* random */
	0x00,				/* session_id: empty */
	0xc0, 0x2b,			/* cipher_suite */
	0x00,				/* compression_method: null */
	0x00, 0x05,			/* extensions: 5 bytes */
	  0xff, 0x01, 0x00, 0x01,	/*   renegotiation_info, 1 byte */
	    0x00,			/*     renegotiated_connection: empty */
};
const size_t unit_sh12_len = sizeof(unit_sh12);

/* ServerHello body, TLS 1.0, no extensions. */
const uint8_t unit_sh10[] = {
	0x03, 0x01,			/* version: TLS 1.0 */
	SH_RANDOM,			/* random */
	0x00,				/* session_id: empty */
	0xc0, 0x09,			/* cipher_suite */
	0x00,				/* compression_method: null */
};
const size_t unit_sh10_len = sizeof(unit_sh10);

/* ServerHello body, TLS 1.3 (RFC 8446 4.1.3): the version is in
 * supported_versions, legacy_version stays TLS 1.2. */
const uint8_t unit_sh13[] = {
	0x03, 0x03,			/* legacy_version: TLS 1.2 */
	SH_RANDOM,			/* random */
	0x20, BYTES32,			/* legacy_session_id_echo */
	0x13, 0x01,			/* cipher_suite */
	0x00,				/* legacy_compression_method */
	0x00, 0x2e,			/* extensions: 46 bytes */
	  0x00, 0x2b, 0x00, 0x02,	/*   supported_versions, 2 bytes */
	    0x03, 0x04,			/*     selected_version: TLS 1.3 */
	  0x00, 0x33, 0x00, 0x24,	/*   key_share, 36 bytes */
	    0x00, 0x1d,			/*     group x25519 */
	    0x00, 0x20, BYTES32,	/*     key_exchange: 32 bytes */
};
const size_t unit_sh13_len = sizeof(unit_sh13);

/* HelloRetryRequest (RFC 8446 4.1.3): a ServerHello whose random is
 * SHA-256("HelloRetryRequest"). */
const uint8_t unit_hrr[] = {
	0x03, 0x03,			/* legacy_version */
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,	/* random */
	0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
	0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
	0x20, BYTES32,			/* legacy_session_id_echo */
	0x13, 0x01,			/* cipher_suite */
	0x00,				/* legacy_compression_method */
	0x00, 0x0c,			/* extensions: 12 bytes */
	  0x00, 0x2b, 0x00, 0x02,	/*   supported_versions, 2 bytes */
	    0x03, 0x04,			/*     TLS 1.3 */
	  0x00, 0x33, 0x00, 0x02,	/*   key_share, 2 bytes */
	    0x00, 0x17,			/*     selected_group secp256r1 */
};
const size_t unit_hrr_len = sizeof(unit_hrr);

/*
 * SSLv2-compatible CLIENT-HELLO from a TLS 1.0 client (RFC 5246 E.2,
 * RFC 6101 E.1), with its 2-byte record header:
 *   length(2, high bit set) msg_type(1) version(2) cipher_specs_length(2)
 *   session_id_length(2) challenge_length(2) cipher_specs session_id
 *   challenge
 */
const uint8_t unit_v2_ch_tls10[] = {
	0x80, 0x28,			/* 2-byte header: 40 bytes follow */
	0x01,				/* msg_type: CLIENT-HELLO */
	0x03, 0x01,			/* version: TLS 1.0 */
	0x00, 0x0f,			/* cipher_specs_length: 15 */
	0x00, 0x00,			/* session_id_length: 0 */
	0x00, 0x10,			/* challenge_length: 16 */
	0x01, 0x00, 0x80,		/* SSL_CK_RC4_128_WITH_MD5 (v2) */
	0x07, 0x00, 0xc0,		/* SSL_CK_DES_192_EDE3_CBC_WITH_MD5 */
	0x00, 0x00, 0x2f,		/* TLS_RSA_WITH_AES_128_CBC_SHA */
	0x00, 0x00, 0x35,		/* TLS_RSA_WITH_AES_256_CBC_SHA */
	0x00, 0x00, 0x0a,		/* TLS_RSA_WITH_3DES_EDE_CBC_SHA */
	0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7,	/* challenge */
	0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
};
const size_t unit_v2_ch_tls10_len = sizeof(unit_v2_ch_tls10);

/* A real SSLv2 CLIENT-HELLO: version 0.2, SSLv2 cipher kinds only. */
const uint8_t unit_v2_ch_ssl2[] = {
	0x80, 0x22,			/* 2-byte header: 34 bytes follow */
	0x01,				/* msg_type: CLIENT-HELLO */
	0x00, 0x02,			/* version: SSL 2.0 */
	0x00, 0x09,			/* cipher_specs_length: 9 */
	0x00, 0x00,			/* session_id_length: 0 */
	0x00, 0x10,			/* challenge_length: 16 */
	0x01, 0x00, 0x80,		/* SSL_CK_RC4_128_WITH_MD5 */
	0x02, 0x00, 0x80,		/* SSL_CK_RC4_128_EXPORT40_WITH_MD5 */
	0x03, 0x00, 0x80,		/* SSL_CK_RC2_128_CBC_WITH_MD5 */
	0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7,	/* challenge */
	0xc8, 0xc9, 0xca, 0xcb, 0xcc, 0xcd, 0xce, 0xcf,
};
const size_t unit_v2_ch_ssl2_len = sizeof(unit_v2_ch_ssl2);

/*
 * SSLv2 SERVER-HELLO (draft-hickman-netscape-ssl-00):
 *   msg_type(1) session_id_hit(1) certificate_type(1) server_version(2)
 *   certificate_length(2) cipher_specs_length(2) connection_id_length(2)
 *   certificate cipher_specs connection_id
 */
const uint8_t unit_v2_sh[] = {
	0x80, 0x22,			/* 2-byte header: 34 bytes follow */
	0x04,				/* msg_type: SERVER-HELLO */
	0x00,				/* session_id_hit: no */
	0x01,				/* certificate_type: X.509 */
	0x00, 0x02,			/* server_version: SSL 2.0 */
	0x00, 0x04,			/* certificate_length: 4 */
	0x00, 0x03,			/* cipher_specs_length: 3 */
	0x00, 0x10,			/* connection_id_length: 16 */
	0x30, 0x82, 0x01, 0x00,		/* certificate (a stub) */
	0x01, 0x00, 0x80,		/* SSL_CK_RC4_128_WITH_MD5 */
	0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7,	/* connection_id */
	0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf,
};
const size_t unit_v2_sh_len = sizeof(unit_v2_sh);

bool
unit_ch_same(const struct tls_client_hello *a, const struct tls_client_hello *b)
{
	return a->length == b->length &&
	    a->legacy_version == b->legacy_version &&
	    a->sslv2 == b->sslv2 && a->has_versions == b->has_versions &&
	    a->ext_bad == b->ext_bad && a->malformed == b->malformed &&
	    a->partial == b->partial && a->trunc == b->trunc &&
	    a->nversions == b->nversions && a->nexts == b->nexts &&
	    a->ngroups == b->ngroups && a->npointfmts == b->npointfmts &&
	    a->nsigalgs == b->nsigalgs && a->sni_len == b->sni_len &&
	    a->alpn_len == b->alpn_len && a->sni_trunc == b->sni_trunc &&
	    a->alpn_full == b->alpn_full && a->alpn_last == b->alpn_last &&
	    a->nciphers == b->nciphers &&
	    memcmp(a->versions, b->versions,
	    a->nversions * sizeof(a->versions[0])) == 0 &&
	    memcmp(a->ciphers, b->ciphers,
	    a->nciphers * sizeof(a->ciphers[0])) == 0 &&
	    memcmp(a->exts, b->exts, a->nexts * sizeof(a->exts[0])) == 0 &&
	    memcmp(a->groups, b->groups,
	    a->ngroups * sizeof(a->groups[0])) == 0 &&
	    memcmp(a->sigalgs, b->sigalgs,
	    a->nsigalgs * sizeof(a->sigalgs[0])) == 0 &&
	    memcmp(a->pointfmts, b->pointfmts, a->npointfmts) == 0 &&
	    memcmp(a->sni, b->sni, a->sni_len) == 0 &&
	    memcmp(a->alpn, b->alpn, a->alpn_len) == 0;
}

/* --- byte buffer ------------------------------------------------------------ */

void
ub_init(struct ub *b)
{
	b->p = NULL;
	b->n = b->cap = 0;
}

void
ub_free(struct ub *b)
{
	free(b->p);
	ub_init(b);
}

static void
ub_room(struct ub *b, size_t n)
{
	size_t	cap = b->cap != 0 ? b->cap : 256;

	if (b->n + n <= b->cap)
		return;
	while (cap < b->n + n)
		cap *= 2;
	b->p = realloc(b->p, cap);
	ck_assert_ptr_nonnull(b->p);
	b->cap = cap;
}

void
ub_mem(struct ub *b, const void *p, size_t n)
{
	ub_room(b, n);
	if (n > 0)
		memcpy(b->p + b->n, p, n);
	b->n += n;
}

void
ub_str(struct ub *b, const char *s)
{
	ub_mem(b, s, strlen(s));
}

void
ub_fill(struct ub *b, uint8_t v, size_t n)
{
	ub_room(b, n);
	memset(b->p + b->n, v, n);
	b->n += n;
}

void
ub_u8(struct ub *b, uint8_t v)
{
	ub_mem(b, &v, 1);
}

void
ub_u16(struct ub *b, uint16_t v)
{
	uint8_t	x[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	ub_mem(b, x, 2);
}

void
ub_u24(struct ub *b, uint32_t v)
{
	uint8_t	x[3] = { (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	ub_mem(b, x, 3);
}

void
ub_u32(struct ub *b, uint32_t v)
{
	uint8_t	x[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	ub_mem(b, x, 4);
}

size_t
ub_begin8(struct ub *b)
{
	ub_u8(b, 0);
	return b->n;
}

size_t
ub_begin16(struct ub *b)
{
	ub_u16(b, 0);
	return b->n;
}

size_t
ub_begin24(struct ub *b)
{
	ub_u24(b, 0);
	return b->n;
}

void
ub_end8(struct ub *b, size_t at)
{
	size_t	n = b->n - at;

	ck_assert_uint_le(n, 0xff);
	b->p[at - 1] = (uint8_t)n;
}

void
ub_end16(struct ub *b, size_t at)
{
	size_t	n = b->n - at;

	ck_assert_uint_le(n, 0xffff);
	b->p[at - 2] = (uint8_t)(n >> 8);
	b->p[at - 1] = (uint8_t)n;
}

void
ub_end24(struct ub *b, size_t at)
{
	size_t	n = b->n - at;

	ck_assert_uint_le(n, 0xffffff);
	b->p[at - 3] = (uint8_t)(n >> 16);
	b->p[at - 2] = (uint8_t)(n >> 8);
	b->p[at - 1] = (uint8_t)n;
}

/* --- TLS framing ------------------------------------------------------------ */

void
unit_record(struct ub *b, uint8_t type, uint16_t version, const uint8_t *p,
    size_t n)
{
	ck_assert_uint_le(n, 0xffff);
	ub_u8(b, type);
	ub_u16(b, version);
	ub_u16(b, (uint16_t)n);
	ub_mem(b, p, n);
}

void
unit_hs_record(struct ub *b, uint8_t hstype, const uint8_t *p, size_t n)
{
	size_t	rec, hs;

	ub_u8(b, TLS_CT_HANDSHAKE);		/* record: handshake */
	ub_u16(b, TLS_V_1_0);			/* legacy_record_version */
	rec = ub_begin16(b);			/* length */
	ub_u8(b, hstype);			/* msg_type */
	hs = ub_begin24(b);			/* length */
	ub_mem(b, p, n);
	ub_end24(b, hs);
	ub_end16(b, rec);
}

/* --- fixture and flows ------------------------------------------------------ */

struct config	*unit_cfg;

void
unit_setup(void)
{
	memset(stats, 0, sizeof(stats));
	unit_cfg = config_default();
	ck_assert_ptr_nonnull(unit_cfg);
	ck_assert_int_eq(flow_init(unit_cfg), 0);
	verdict_set_floor(TLS_V_1_2);
}

static char	unit_out_path[64];

void
unit_teardown(void)
{
	defrag_fini();
	flow_fini();
	output_close();
	if (unit_out_path[0] != '\0')
		unlink(unit_out_path);
	unit_out_path[0] = '\0';
	config_free(unit_cfg);
	unit_cfg = NULL;
}

/* Accounted memory before the first of the live hand-built flows. */
static size_t	unit_mem_base;
static int	unit_nflows;

/*
 * What the stages report done (DIR_BIT), kept where reassembly keeps it;
 * like reasm.c, nothing more is fed to a direction once it is done.
 */
void
unit_mark(struct conn *c, unsigned dirs)
{
	reasm_done(flow_of(c)->stream, dirs);
}

bool
unit_done(const struct conn *c, int dir)
{
	return (flow_of((struct conn *)(uintptr_t)c)->stream[dir].flags &
	    REASM_F_DONE) != 0;
}

void
unit_mail(struct conn *c, int dir, const uint8_t *p, size_t n)
{
	if (!unit_done(c, dir))
		unit_mark(c, mail_input(c, dir, p, n));
}

void
unit_mail_gap(struct conn *c, int dir)
{
	if (!unit_done(c, dir))
		unit_mark(c, mail_gap(c, dir));
}

void
unit_tls(struct conn *c, int dir, const uint8_t *p, size_t n)
{
	if (!unit_done(c, dir) && tls_input(c, dir, p, n))
		unit_mark(c, DIR_BIT(dir));
}

void
unit_tls_gap(struct conn *c, int dir)
{
	if (tls_gap(c, dir))
		unit_mark(c, DIR_BIT(dir));
}

struct reasm_stream *
unit_streams(struct conn *c)
{
	return flow_of(c)->stream;
}

struct conn *
unit_flow(uint8_t proto, uint8_t fflags)
{
	struct flow	*fl = calloc(1, sizeof(*fl));
	struct conn	*f;
	bool		 impl = (fflags & FLOW_F_IMPLICIT) != 0;

	ck_assert_ptr_nonnull(fl);
	f = &fl->c;
	if (unit_nflows++ == 0)
		unit_mem_base = budget_used();
	f->family = 4;
	f->proto = proto;
	f->fflags = fflags;
	memcpy(f->cli, (const uint8_t[]){ 192, 168, 1, 10 }, 4);
	memcpy(f->srv, (const uint8_t[]){ 10, 1, 0, 1 }, 4);
	f->cli_port = UNIT_CLI_PORT;
	switch (proto) {
	case PROTO_POP3:
		f->srv_port = impl ? 995 : 110;
		break;
	case PROTO_IMAP:
		f->srv_port = impl ? 993 : 143;
		break;
	case PROTO_SMTP:
		f->srv_port = impl ? 465 : 587;
		break;
	default:
		f->srv_port = 443;
		break;
	}
	f->id = 1;
	return f;
}

void
unit_flow_free(struct conn *f)
{
	struct flow	*fl = flow_of(f);

	flow_release_state(fl);
	free(fl);
	/* Every accounted byte the stages took for these flows came back. */
	if (--unit_nflows == 0)
		ck_assert_uint_eq(budget_used(), unit_mem_base);
}

void
unit_feed(struct conn *f, int dir, const char *s)
{
	unit_mail(f, dir, (const uint8_t *)s, strlen(s));
}

void
unit_feed_ub(struct conn *f, int dir, const struct ub *b)
{
	unit_mail(f, dir, b->p, b->n);
}

void
unit_seg(struct conn *f, int dir, uint32_t seq, uint32_t ack, uint8_t flags,
    const uint8_t *p, size_t n)
{
	struct pkt	pkt;

	memset(&pkt, 0, sizeof(pkt));
	pkt.family = 4;
	pkt.flags = flags;
	pkt.seq = seq;
	pkt.ack = ack;
	pkt.payload = p;
	pkt.caplen = pkt.seglen = (uint32_t)n;
	if (dir == DIR_C2S) {
		pkt.sport = f->cli_port;
		pkt.dport = f->srv_port;
	} else {
		pkt.sport = f->srv_port;
		pkt.dport = f->cli_port;
	}
	f->pkts[dir]++;
	f->bytes[dir] += n;
	reasm_input(f, flow_of(f)->stream, dir, &pkt);
}

/* --- dialogues --------------------------------------------------------------- */

static void
unit_summarise(const struct conn *f, struct unit_sum *s)
{
	memset(s, 0, sizeof(*s));
	s->starttls = f->sess.starttls;
	s->offered = f->sess.starttls_offered;
	s->plaintext_final = f->sess.plaintext_final;
	s->has_ch = f->sess.ch != NULL;
	s->has_sh = f->sess.sh != NULL;
	s->ch_version = s->has_ch ? tls_client_max_version(f->sess.ch) : 0;
	s->sh_version = s->has_sh ? tls_server_version(f->sess.sh) : 0;
	s->mail_lines = f->sess.mail_lines;
	s->inspect_done[0] = unit_done(f, 0);
	s->inspect_done[1] = unit_done(f, 1);
	s->tls[0] = f->sess.tls[0];
	s->tls[1] = f->sess.tls[1];
}

void
unit_dialogue(uint8_t proto, uint8_t fflags, const struct unit_msg *m,
    size_t nmsg, int cut_msg, size_t cut_at, struct unit_sum *sum)
{
	struct conn	*f = unit_flow(proto, fflags);
	size_t		 i;

	for (i = 0; i < nmsg; i++) {
		if ((int)i == cut_msg) {
			unit_mail(f, m[i].dir, m[i].p, cut_at);
			unit_mail(f, m[i].dir, m[i].p + cut_at,
			    m[i].n - cut_at);
		} else
			unit_mail(f, m[i].dir, m[i].p, m[i].n);
	}
	unit_summarise(f, sum);
	unit_flow_free(f);
}

void
unit_dialogue_bytewise(uint8_t proto, uint8_t fflags,
    const struct unit_msg *m, size_t nmsg, struct unit_sum *sum)
{
	struct conn	*f = unit_flow(proto, fflags);
	size_t		 i, j;

	for (i = 0; i < nmsg; i++)
		for (j = 0; j < m[i].n; j++)
			unit_mail(f, m[i].dir, m[i].p + j, 1);
	unit_summarise(f, sum);
	unit_flow_free(f);
}

void
unit_split_sweep(uint8_t proto, uint8_t fflags, const struct unit_msg *m,
    size_t nmsg, struct unit_sum *whole)
{
	struct unit_sum	s;
	size_t		i, k;

	unit_dialogue(proto, fflags, m, nmsg, -1, 0, whole);
	for (i = 0; i < nmsg; i++)
		for (k = 1; k < m[i].n; k++) {
			unit_dialogue(proto, fflags, m, nmsg, (int)i, k, &s);
			if (memcmp(&s, whole, sizeof(s)) != 0)
				ck_abort_msg("message %zu cut at %zu: "
				    "starttls %u/%u ch %d/%d sh %d/%d "
				    "lines %u/%u final %d/%d", i, k,
				    s.starttls, whole->starttls, s.has_ch,
				    whole->has_ch, s.has_sh, whole->has_sh,
				    s.mail_lines, whole->mail_lines,
				    s.plaintext_final, whole->plaintext_final);
		}
	unit_dialogue_bytewise(proto, fflags, m, nmsg, &s);
	ck_assert_msg(memcmp(&s, whole, sizeof(s)) == 0,
	    "byte-at-a-time run differs: starttls %u/%u ch %d/%d lines %u/%u",
	    s.starttls, whole->starttls, s.has_ch, whole->has_ch,
	    s.mail_lines, whole->mail_lines);
}

/* --- events ------------------------------------------------------------------ */

void
unit_out_open(void)
{
	unit_out_open_ev(CONFIG_EV_SESSION);
}

void
unit_out_open_ev(uint32_t events)
{
	int	fd;

	snprintf(unit_out_path, sizeof(unit_out_path),
	    "/tmp/tlsfloor-unit-XXXXXX");
	fd = mkstemp(unit_out_path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	unit_cfg->json_enabled = true;
	unit_cfg->json_events = events;
	unit_cfg->session_events_ok = true;
	unit_cfg->dedup_window = 0;
	ck_assert_int_eq(config_set_string(&unit_cfg->json_path,
	    unit_out_path), 0);
	ck_assert_int_eq(output_open(unit_cfg, NULL, NULL, 0), 0);
}

json_t *
unit_out_events(void)
{
	json_t		*arr = json_array(), *ev;
	json_error_t	 err;
	FILE		*fp;
	char		*line = NULL;
	size_t		 cap = 0;

	flow_flush_all();
	ck_assert_int_eq(output_close(), 0);
	fp = fopen(unit_out_path, "r");
	ck_assert_ptr_nonnull(fp);
	while (getline(&line, &cap, fp) > 0) {
		ev = json_loads(line, 0, &err);
		ck_assert_msg(ev != NULL, "bad JSON event: %s", err.text);
		json_array_append_new(arr, ev);
	}
	free(line);
	fclose(fp);
	unlink(unit_out_path);
	unit_out_path[0] = '\0';
	return arr;
}

json_t *
unit_jget(json_t *o, const char *path)
{
	char		 key[64];
	const char	*dot;
	size_t		 n;

	while (o != NULL && *path != '\0') {
		dot = strchr(path, '.');
		n = dot != NULL ? (size_t)(dot - path) : strlen(path);
		ck_assert_uint_lt(n, sizeof(key));
		memcpy(key, path, n);
		key[n] = '\0';
		o = json_object_get(o, key);
		path += n + (dot != NULL);
	}
	return o;
}

json_int_t
unit_jint(json_t *o, const char *path)
{
	json_t	*v = unit_jget(o, path);

	ck_assert_msg(json_is_integer(v), "%s: not an integer", path);
	return json_integer_value(v);
}

const char *
unit_jstr(json_t *o, const char *path)
{
	json_t	*v = unit_jget(o, path);

	ck_assert_msg(json_is_string(v), "%s: not a string", path);
	return json_string_value(v);
}
