/*
 * tls.c -- pipeline stage 6: TLS records, handshake framing, the hellos.
 *
 * Receives each direction's TLS bytes in order from mail.c (after STARTTLS,
 * or from the first byte on implicit-TLS ports) and records what the
 * verdict needs in the flow's session: the ClientHello, the ServerHello,
 * and plaintext alerts.  It does not decrypt, and it stops looking at a
 * direction once that side's hello is parsed and the side has either
 * switched to encrypted records (ChangeCipherSpec or application data) or
 * sent TLS_MAX_RECORDS_AFTER_HELLO more records.
 *
 * The stream layer is incremental: a record header may arrive a byte at a
 * time, a hello may span several records and several TCP segments.  Only
 * the hello message is gathered (at most TLS_MAX_HELLO bytes, allocated
 * once its length is known); other record bodies are skipped as they pass.
 * On a mail flow whose ServerHello chose TLS 1.2 or less, the server's
 * next handshake message is gathered too if it is the Certificate (at
 * most TLS_MAX_CERT_MSG bytes): cert.c decodes the server's certificate.
 *
 * The first bytes of a direction decide its framing:
 *   20..24, 3, x  TLS record (RFC 8446 5.1)
 *   0x80|hi, lo, 1 (client) / 4 (server)  SSLv2 record with a CLIENT-HELLO /
 *                  SERVER-HELLO (draft-hickman-netscape-ssl-00, RFC 6101 E)
 *   anything else  not TLS (a plaintext banner on 465, say): counted
 */
#include <stdlib.h>
#include <string.h>

#include "budget.h"
#include "config.h"
#include "session.h"
#include "caps.h"
#include "cert.h"
#include "reader.h"
#include "stats.h"
#include "tls.h"

enum tls_phase {
	TD_START,		/* nothing classified yet */
	TD_HDR,			/* reading a 5-byte record header */
	TD_BODY,		/* inside a record body */
	TD_V2,			/* inside an SSLv2 hello */
	TD_SCAN,		/* not TLS yet: look for it at each delivery */
	TD_DONE,		/* no more interest in this direction */
};

struct tls_dir {
	uint8_t		 hdr[5];	/* record header being read */
	uint8_t		 hdr_len;
	uint8_t		 phase;		/* enum tls_phase */
	uint8_t		 type;		/* current record's content type */
	bool		 hello_done;	/* this side's hello is parsed */
	bool		 encrypted;	/* CCS or app data seen: rest opaque */
	bool		 want_cert;	/* the Certificate may come next */
	uint16_t	 rec_len;	/* current record body length */
	uint16_t	 body_left;	/* of it, bytes still to come */
	uint16_t	 after_hello;	/* records since the hello */
	uint8_t		 alert[2];	/* alert record being read */
	uint8_t		 alert_len;
	uint8_t		 hs_hdr[4];	/* handshake header being read */
	uint16_t	 scanned;	/* deliveries looked at in TD_SCAN */
	uint8_t		*hs;		/* whole handshake message; owned */
	uint32_t	 hs_need;	/* its size incl. header, 0 = unknown */
	uint32_t	 hs_len;	/* bytes of it gathered */
};

struct tls_state {
	struct tls_dir	 d[2];
};

/* SHA-256("HelloRetryRequest"), RFC 8446 4.1.3. */
static const uint8_t hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
	0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
	0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
};

static struct tls_state *tls_state(struct conn *);
static void	tls_done(struct tls_dir *);
static void	tls_partial_hello(struct conn *, struct tls_dir *, enum dir);
static long	tls_scan(struct tls_dir *, enum dir, const uint8_t *, size_t);
static const uint8_t *tls_scan_for(struct conn *, struct tls_dir *, enum dir,
		    const uint8_t *, size_t *, uint8_t *, size_t *);
static size_t	tls_start(struct conn *, struct tls_dir *, enum dir,
		    const uint8_t *, size_t);
static size_t	tls_header(struct conn *, struct tls_dir *, enum dir,
		    const uint8_t *, size_t);
static size_t	tls_body(struct conn *, struct tls_dir *, enum dir,
		    const uint8_t *, size_t);
static size_t	tls_v2(struct conn *, struct tls_dir *, enum dir,
		    const uint8_t *, size_t);
static size_t	tls_gather(struct conn *, struct tls_dir *, enum dir,
		    const uint8_t *, size_t);
static void	tls_message(struct conn *, struct tls_dir *, enum dir);
static void	tls_alert(struct conn *, enum dir, uint8_t, uint8_t);
static void	tls_certificate(struct conn *, const uint8_t *, size_t);
static void	tls_client_ext(struct rd *, uint16_t,
		    struct tls_client_hello *);
static bool	tls_keep_u16(uint16_t *, uint8_t *, size_t, uint16_t);

/* --- version helpers --------------------------------------------------- */

/* RFC 8701: 0x0a0a, 0x1a1a, ... 0xfafa. */
bool
tls_is_grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* TLS 1.3 drafts (0x7fNN) and Facebook's fizz (0xfbNN) are TLS 1.3. */
uint16_t
tls_version_norm(uint16_t v)
{
	if ((v & 0xff00) == 0x7f00 || (v & 0xff00) == 0xfb00)
		return TLS_V_1_3;
	return v;
}

/*
 * The client's capability: the highest non-GREASE supported_versions entry
 * when the extension is there (RFC 8446 4.2.1), else legacy_version.
 */
uint16_t
tls_client_max_version(const struct tls_client_hello *ch)
{
	uint16_t	max = 0, v;
	int		i;

	if (ch->has_versions)
		for (i = 0; i < ch->nversions; i++) {
			if (tls_is_grease(ch->versions[i]))
				continue;
			v = tls_version_norm(ch->versions[i]);
			if (v > max)
				max = v;
		}
	return max != 0 ? max : tls_version_norm(ch->legacy_version);
}

/* Negotiated: supported_versions' selection if present, else version. */
uint16_t
tls_server_version(const struct tls_server_hello *sh)
{
	return tls_version_norm(sh->selected != 0 ? sh->selected :
	    sh->legacy_version);
}

const char *
tls_version_name(uint16_t v)
{
	static const struct { uint16_t v; const char *name; } names[] = {
		{ TLS_V_SSL2, "SSLv2" }, { TLS_V_SSL3, "SSLv3" },
		{ TLS_V_1_0, "TLSv1.0" }, { TLS_V_1_1, "TLSv1.1" },
		{ TLS_V_1_2, "TLSv1.2" }, { TLS_V_1_3, "TLSv1.3" },
	};
	size_t	i;

	v = tls_version_norm(v);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].v == v)
			return names[i].name;
	return NULL;
}

/* RFC 8446 6 and the IANA TLS Alerts registry. */
const char *
tls_alert_name(uint8_t d)
{
	switch (d) {
	case 0: return "close_notify";
	case 10: return "unexpected_message";
	case 20: return "bad_record_mac";
	case 21: return "decryption_failed";
	case 22: return "record_overflow";
	case 30: return "decompression_failure";
	case 40: return "handshake_failure";
	case 41: return "no_certificate";
	case 42: return "bad_certificate";
	case 43: return "unsupported_certificate";
	case 44: return "certificate_revoked";
	case 45: return "certificate_expired";
	case 46: return "certificate_unknown";
	case 47: return "illegal_parameter";
	case 48: return "unknown_ca";
	case 49: return "access_denied";
	case 50: return "decode_error";
	case 51: return "decrypt_error";
	case 60: return "export_restriction";
	case 70: return "protocol_version";
	case 71: return "insufficient_security";
	case 80: return "internal_error";
	case 86: return "inappropriate_fallback";
	case 90: return "user_canceled";
	case 100: return "no_renegotiation";
	case 109: return "missing_extension";
	case 110: return "unsupported_extension";
	case 111: return "certificate_unobtainable";
	case 112: return "unrecognized_name";
	case 113: return "bad_certificate_status_response";
	case 114: return "bad_certificate_hash_value";
	case 115: return "unknown_psk_identity";
	case 116: return "certificate_required";
	case 120: return "no_application_protocol";
	}
	return NULL;
}

/* --- record framing ---------------------------------------------------- */

/*
 * RFC 8446 B.1 content types: change_cipher_spec(20), alert(21),
 * handshake(22), application_data(23) and heartbeat(24, RFC 6520; TLS 1.3
 * keeps its number).  Anything else is not a TLS record.
 */
bool
tls_content_type_known(uint8_t type)
{
	return type >= TLS_CT_CCS && type <= TLS_CT_HEARTBEAT;
}

/*
 * Whether p starts like a TLS record header (RFC 8446 5.1): a known
 * content type, then legacy_record_version's major byte 3 (SSL 3.0 to
 * TLS 1.3 all write 3.x).  Needs both bytes: false when n < 2.
 */
bool
tls_looks_like_record(const uint8_t *p, size_t n)
{
	return n >= 2 && tls_content_type_known(p[0]) && p[1] == 3;
}

/* --- hello parsers (one complete message each) ------------------------- */

/* The kept-list counters are uint8_t: every list cap must fit in one. */
_Static_assert(TLS_MAX_VERSIONS <= UINT8_MAX && TLS_MAX_EXTS <= UINT8_MAX &&
    TLS_MAX_GROUPS <= UINT8_MAX && TLS_MAX_SIGALGS <= UINT8_MAX,
    "a TLS list cap does not fit its uint8_t counter");

/* Append v to a bounded list; false (the caller sets trunc) when full. */
static bool
tls_keep_u16(uint16_t *list, uint8_t *count, size_t max, uint16_t v)
{
	if (*count >= max)
		return false;
	list[(*count)++] = v;
	return true;
}

/*
 * RFC 6066 3: server_name_list<1..2^16-1> of
 *   name_type(1) HostName<1..2^16-1>; the first host_name (0) is kept.
 */
static void
tls_ext_sni(struct rd *b, struct tls_client_hello *ch)
{
	struct rd	list = rd_sub(b, rd_u16(b));
	struct rd	name;
	uint8_t		type;
	size_t		n;

	while (rd_left(&list) > 0) {
		type = rd_u8(&list);
		name = rd_sub(&list, rd_u16(&list));
		if (list.bad || type != 0 || ch->sni_len > 0)
			continue;
		n = rd_left(&name);
		if (n > TLS_MAX_SNI) {
			n = TLS_MAX_SNI;
			ch->sni_trunc = true;
		}
		rd_copy(&name, ch->sni, n);
		ch->sni_len = (uint8_t)n;
	}
	if (list.bad)
		b->bad = true;
}

/* RFC 8446 4.2.1: versions<2..254>, two bytes each. */
static void
tls_ext_versions(struct rd *b, struct tls_client_hello *ch)
{
	struct rd	list = rd_sub(b, rd_u8(b));
	uint16_t	v;

	ch->has_versions = true;
	/* An odd length cannot hold whole versions. */
	if (rd_left(&list) % 2 != 0)
		b->bad = true;
	while (rd_left(&list) >= 2) {
		v = rd_u16(&list);
		if (!tls_keep_u16(ch->versions, &ch->nversions,
		    TLS_MAX_VERSIONS, v))
			ch->trunc = true;
	}
}

/* A <0..2^16-1> list of 16-bit values (groups, signature algorithms). */
static void
tls_ext_u16_list(struct rd *b, uint16_t *list, uint8_t *n, size_t max,
    struct tls_client_hello *ch)
{
	struct rd	l = rd_sub(b, rd_u16(b));

	if (rd_left(&l) % 2 != 0)
		b->bad = true;
	while (rd_left(&l) >= 2)
		if (!tls_keep_u16(list, n, max, rd_u16(&l)))
			ch->trunc = true;
}

static void
tls_client_ext(struct rd *b, uint16_t type, struct tls_client_hello *ch)
{
	struct rd	l, p;
	size_t		n;

	switch (type) {
	case TLS_EXT_SERVER_NAME:
		if (rd_left(b) > 0)	/* empty in a ServerHello echo only */
			tls_ext_sni(b, ch);
		break;
	case TLS_EXT_SUPPORTED_VERSIONS:
		tls_ext_versions(b, ch);
		break;
	case TLS_EXT_GROUPS:
		tls_ext_u16_list(b, ch->groups, &ch->ngroups, TLS_MAX_GROUPS,
		    ch);
		break;
	case TLS_EXT_SIGALGS:
		tls_ext_u16_list(b, ch->sigalgs, &ch->nsigalgs,
		    TLS_MAX_SIGALGS, ch);
		break;
	case TLS_EXT_POINT_FORMATS:
		l = rd_sub(b, rd_u8(b));
		while (rd_left(&l) > 0) {
			uint8_t f = rd_u8(&l);

			if (ch->npointfmts < sizeof(ch->pointfmts))
				ch->pointfmts[ch->npointfmts++] = f;
			else
				ch->trunc = true;
		}
		break;
	case TLS_EXT_ALPN:
		/* RFC 7301 3.1: protocol_name_list<2..2^16-1> of
		 * ProtocolName<1..2^8-1>; the first is kept. */
		l = rd_sub(b, rd_u16(b));
		p = rd_sub(&l, rd_u8(&l));
		n = rd_left(&p);
		ch->alpn_full = (uint8_t)n;
		if (n > 0)
			ch->alpn_last = (uint8_t)rd_peek_last(&p);
		if (n > TLS_MAX_ALPN)
			n = TLS_MAX_ALPN;
		rd_copy(&p, ch->alpn, n);
		ch->alpn_len = (uint8_t)n;
		if (l.bad)
			b->bad = true;
		break;
	}
	/* Bytes after the list of an extension we read: its length lies. */
	switch (type) {
	case TLS_EXT_SERVER_NAME:
	case TLS_EXT_SUPPORTED_VERSIONS:
	case TLS_EXT_GROUPS:
	case TLS_EXT_SIGALGS:
	case TLS_EXT_POINT_FORMATS:
	case TLS_EXT_ALPN:
		if (rd_left(b) > 0)
			b->bad = true;
		break;
	}
}

/*
 * RFC 8446 4.1.2 (and RFC 5246 7.4.1.2, which allows no extensions):
 *
 *   legacy_version(2) random(32) legacy_session_id<0..32>
 *   cipher_suites<2..2^16-2> legacy_compression_methods<1..2^8-1>
 *   extensions<8..2^16-1>   (absent in old clients)
 *       extension_type(2) extension_data<0..2^16-1>
 *
 * BAD when the fixed part is broken.  A broken extension block still
 * leaves a usable hello: legacy_version and everything parsed before the
 * lie are kept and ext_bad is set.
 */
enum tls_res
tls_parse_client_hello(const uint8_t *p, size_t n, struct tls_client_hello *ch)
{
	struct rd	r = rd_init(p, n), ciphers, exts, body;
	size_t		sid, walked = 0;
	uint16_t	type;

	memset(ch, 0, sizeof(*ch));
	ch->length = (uint32_t)n;
	ch->legacy_version = rd_u16(&r);
	rd_skip(&r, 32);			/* random */
	sid = rd_u8(&r);
	if (sid > 32)				/* RFC: <0..32> */
		return TLS_BAD;
	rd_skip(&r, sid);			/* legacy_session_id */
	ciphers = rd_sub(&r, rd_u16(&r));
	/* Suites are two bytes each and there must be one. */
	if (rd_left(&ciphers) % 2 != 0 || rd_left(&ciphers) == 0)
		return TLS_BAD;
	while (rd_left(&ciphers) > 0) {
		uint16_t c = rd_u16(&ciphers);

		if (ch->nciphers < TLS_MAX_CIPHERS)
			ch->ciphers[ch->nciphers++] = c;
		else
			ch->trunc = true;
	}
	rd_skip(&r, rd_u8(&r));			/* compression_methods */
	if (r.bad)
		return TLS_BAD;
	if (rd_left(&r) == 0)			/* no extensions (old clients) */
		return TLS_OK;
	exts = rd_sub(&r, rd_u16(&r));
	/* Extensions must fill the rest of the message exactly. */
	if (r.bad || rd_left(&r) != 0)
		ch->ext_bad = true;
	while (rd_left(&exts) > 0) {
		/* A list longer than any client sends: stop walking. */
		if (++walked > TLS_MAX_EXTS_WALKED) {
			ch->ext_bad = true;
			break;
		}
		type = rd_u16(&exts);
		body = rd_sub(&exts, rd_u16(&exts));
		if (exts.bad)
			break;
		if (!tls_keep_u16(ch->exts, &ch->nexts, TLS_MAX_EXTS, type))
			ch->trunc = true;
		tls_client_ext(&body, type, ch);
		if (body.bad)
			ch->ext_bad = true;
	}
	if (exts.bad)
		ch->ext_bad = true;
	return TLS_OK;
}

/*
 * RFC 8446 4.1.3:
 *   legacy_version(2) random(32) legacy_session_id_echo<0..32>
 *   cipher_suite(2) legacy_compression_method(1) extensions<6..2^16-1>
 * supported_versions in a ServerHello is one selected_version(2).
 */
enum tls_res
tls_parse_server_hello(const uint8_t *p, size_t n, struct tls_server_hello *sh)
{
	struct rd	 r = rd_init(p, n), exts, body;
	const uint8_t	*random;
	size_t		 sid, walked = 0;
	uint16_t	 type;
	bool		 draft;

	memset(sh, 0, sizeof(*sh));
	sh->legacy_version = rd_u16(&r);
	random = rd_take(&r, 32);
	/* TLS 1.3 drafts before 22 had neither session id nor compression
	 * in the ServerHello: version(2) random(32) cipher(2) extensions. */
	draft = (sh->legacy_version >> 8) == 0x7f &&
	    (sh->legacy_version & 0xff) < 22;
	sid = draft ? 0 : rd_u8(&r);
	if (sid > 32)
		return TLS_BAD;
	rd_skip(&r, sid);
	sh->cipher = rd_u16(&r);
	sh->compression = draft ? 0 : rd_u8(&r);
	if (r.bad)
		return TLS_BAD;
	sh->hrr = memcmp(random, hrr_random, sizeof(hrr_random)) == 0;
	if (rd_left(&r) == 0)
		return TLS_OK;
	exts = rd_sub(&r, rd_u16(&r));
	if (r.bad || rd_left(&r) != 0)
		sh->ext_bad = true;
	while (rd_left(&exts) > 0) {
		if (++walked > TLS_MAX_EXTS_WALKED) {
			sh->ext_bad = true;
			break;
		}
		type = rd_u16(&exts);
		body = rd_sub(&exts, rd_u16(&exts));
		if (exts.bad)
			break;
		if (!tls_keep_u16(sh->exts, &sh->nexts, TLS_MAX_EXTS, type))
			sh->trunc = true;
		if (type == TLS_EXT_SUPPORTED_VERSIONS) {
			sh->selected = rd_u16(&body);
			/* Exactly one version: anything else is a lie. */
			if (body.bad || rd_left(&body) != 0) {
				sh->ext_bad = true;
				sh->selected = 0;
			}
		}
	}
	if (exts.bad)
		sh->ext_bad = true;
	return TLS_OK;
}

/*
 * SSLv2 CLIENT-HELLO (after the 2-byte record header):
 *   msg_type(1)=1 version(2) cipher_specs_length(2) session_id_length(2)
 *   challenge_length(2) cipher_specs[3 each] session_id challenge
 * A TLS client sends this form with version 0x0300+ for compatibility
 * (RFC 5246 E.2); a real SSLv2 client says 0x0002.
 */
enum tls_res
tls_parse_sslv2_client_hello(const uint8_t *p, size_t n,
    struct tls_client_hello *ch)
{
	struct rd	r = rd_init(p, n), specs;
	uint16_t	cs, sid, chal;
	uint32_t	spec;

	memset(ch, 0, sizeof(*ch));
	ch->length = (uint32_t)n;
	ch->sslv2 = true;
	if (rd_u8(&r) != 1)
		return TLS_BAD;
	ch->legacy_version = rd_u16(&r);
	cs = rd_u16(&r);
	sid = rd_u16(&r);
	chal = rd_u16(&r);
	/* Specs are three bytes; session ids and challenges are short. */
	if (r.bad || cs == 0 || cs % 3 != 0 || sid > 32 || chal > 32 ||
	    chal == 0)
		return TLS_BAD;
	specs = rd_sub(&r, cs);
	rd_skip(&r, (size_t)sid + chal);
	if (r.bad)
		return TLS_BAD;
	while (rd_left(&specs) > 0) {
		spec = rd_u24(&specs);
		/* 0x00XXXX is a TLS suite; others are SSLv2-only kinds. */
		if ((spec >> 16) != 0)
			continue;
		if (ch->nciphers < TLS_MAX_CIPHERS)
			ch->ciphers[ch->nciphers++] = (uint16_t)spec;
		else
			ch->trunc = true;
	}
	return TLS_OK;
}

/*
 * SSLv2 SERVER-HELLO:
 *   msg_type(1)=4 session_id_hit(1) certificate_type(1)
 *   server_version(2) certificate_length(2) cipher_specs_length(2)
 *   connection_id_length(2) ...
 */
enum tls_res
tls_parse_sslv2_server_hello(const uint8_t *p, size_t n,
    struct tls_server_hello *sh)
{
	struct rd	r = rd_init(p, n);

	memset(sh, 0, sizeof(*sh));
	sh->sslv2 = true;
	if (rd_u8(&r) != 4)
		return TLS_BAD;
	rd_skip(&r, 2);
	sh->legacy_version = rd_u16(&r);
	rd_skip(&r, 6);
	return r.bad ? TLS_BAD : TLS_OK;
}

/* --- the stream layer -------------------------------------------------- */

static struct tls_state *
tls_state(struct conn *f)
{
	if (f->tls == NULL)
		f->tls = budget_alloc(sizeof(struct tls_state));
	return f->tls;
}

static void
tls_hs_free(struct tls_dir *td)
{
	budget_free(td->hs, td->hs_need);
	td->hs = NULL;
	td->hs_need = td->hs_len = 0;
}

void
tls_free(struct conn *f)
{
	if (f->tls == NULL)
		return;
	tls_hs_free(&f->tls->d[0]);
	tls_hs_free(&f->tls->d[1]);
	budget_free(f->tls, sizeof(struct tls_state));
	f->tls = NULL;
}

/* This direction is read: tls_input() says so to its caller. */
static void
tls_done(struct tls_dir *td)
{
	td->phase = TD_DONE;
	tls_hs_free(td);
}

/*
 * The capture lost the rest of a ClientHello.  Its legacy_version alone
 * proves a legacy client when it is below TLS 1.2: a client offering 1.2
 * or 1.3 says 0x0303 there (RFC 8446 4.1.2, RFC 5246 E.1).  At 0x0303 the
 * lost supported_versions could have said anything, so nothing is kept.
 */
static void
tls_partial_hello(struct conn *f, struct tls_dir *td, enum dir dir)
{
	struct tls_client_hello	*ch;
	uint16_t		 v;

	if (dir != DIR_C2S || td->phase != TD_BODY || f->sess.ch != NULL ||
	    td->hs == NULL || td->hs_len < 6 ||
	    td->hs[0] != TLS_HS_CLIENT_HELLO)
		return;
	v = (uint16_t)(td->hs[4] << 8 | td->hs[5]);
	if (v >= TLS_V_1_2 || (v >> 8) != 3)
		return;
	if ((ch = budget_alloc(sizeof(*ch))) == NULL)
		return;
	ch->legacy_version = v;
	ch->length = td->hs_need - 4;
	ch->partial = true;
	f->sess.ch = ch;
	STAT_INC(TLS_CLIENT_HELLO);
}

/* A hole in the stream: we cannot know where records begin again.  The
 * direction is done either way. */
bool
tls_gap(struct conn *f, enum dir dir)
{
	struct tls_state	*ts = f->tls;
	struct tls_dir		*td;

	if (ts == NULL) {
		/* Nothing read yet: a hole before the first byte hides the
		 * hello just the same. */
		f->sess.hello_gap[dir] = true;
		STAT_INC(TLS_GAP);
		return true;
	}
	td = &ts->d[dir];
	if (td->phase == TD_DONE)
		return true;
	if (!td->hello_done) {
		f->sess.hello_gap[dir] = true;
		STAT_INC(TLS_GAP);
		tls_partial_hello(f, td, dir);
	}
	tls_done(td);
	return true;
}

/*
 * A direction's bytes.  When TLS turns out to have begun in the last few
 * bytes of the previous delivery (TD_SCAN keeps them), those are read
 * first, then this delivery whole: two passes of the same loop, rest
 * holding the second.  The kept bytes open a record header, which never
 * leads back to TD_SCAN, so there is never a third.
 */
bool
tls_input(struct conn *f, enum dir dir, const uint8_t *p, size_t n)
{
	struct tls_state	*ts;
	struct tls_dir		*td;
	const uint8_t		*q, *rest = NULL;
	uint8_t			 tail[5];
	size_t			 used = 0, tl, rest_n = 0;

	if (n == 0)
		return f->tls != NULL && f->tls->d[dir].phase == TD_DONE;
	if ((ts = tls_state(f)) == NULL)
		return true;		/* no memory: this side cannot be read */
	td = &ts->d[dir];
	while ((n > 0 || rest != NULL) && td->phase != TD_DONE) {
		if (n == 0) {		/* the second pass */
			p = rest;
			n = rest_n;
			rest = NULL;
			continue;
		}
		if (td->phase == TD_SCAN) {
			tl = 0;
			q = tls_scan_for(f, td, dir, p, &n, tail, &tl);
			if (tl > 0 && rest == NULL && td->phase != TD_DONE) {
				rest = p;
				rest_n = n;
				p = tail;
				n = tl;
				continue;
			}
			if (q == NULL)
				return td->phase == TD_DONE;
			p = q;
			continue;
		}
		f->sess.tls[dir] = true;
		switch (td->phase) {
		case TD_START:
			used = tls_start(f, td, dir, p, n);
			break;
		case TD_HDR:
			used = tls_header(f, td, dir, p, n);
			break;
		case TD_BODY:
			used = tls_body(f, td, dir, p, n);
			break;
		case TD_V2:
			used = tls_v2(f, td, dir, p, n);
			break;
		}
		p += used;
		n -= used;
		if (dir == DIR_S2C && f->sess.ch != NULL)
			f->sess.server_tls_after_ch += (uint32_t)used;
	}
	return td->phase == TD_DONE;
}

/*
 * TD_SCAN: the direction began with something other than TLS.  A TLS hello
 * record anywhere in a delivery -- a ClientHello from the client, a
 * handshake or alert record from the server -- switches it to TLS from
 * there (a SOCKS reply and the hello may share a segment; bytes replayed
 * after nDPI are one delivery).  Returns the offset where TLS starts (and
 * sets TD_START), or -1.
 */
static long
tls_scan(struct tls_dir *td, enum dir dir, const uint8_t *p, size_t n)
{
	struct rd	r = rd_init(p, n);
	size_t		i, len;
	int		b0, b1, b2, b3, b4, b5;

	for (i = 0; i + 5 < n; i++) {
		b0 = rd_peek(&r, i);
		if (b0 != TLS_CT_HANDSHAKE && !(dir == DIR_S2C &&
		    b0 == TLS_CT_ALERT))
			continue;
		b1 = rd_peek(&r, i + 1);
		b2 = rd_peek(&r, i + 2);
		b3 = rd_peek(&r, i + 3);
		b4 = rd_peek(&r, i + 4);
		b5 = rd_peek(&r, i + 5);
		len = (size_t)b3 << 8 | (size_t)b4;
		/* A plausible record: version 3.0-3.4, a sane length, and
		 * for a handshake, this side's hello. */
		if (b1 != 3 || b2 > 4 || len == 0 || len > TLS_MAX_RECORD)
			continue;
		if (b0 == TLS_CT_HANDSHAKE && b5 != (dir == DIR_C2S ?
		    TLS_HS_CLIENT_HELLO : TLS_HS_SERVER_HELLO))
			continue;
		td->phase = TD_START;
		return (long)i;
	}
	return -1;
}

/*
 * TD_SCAN over one delivery, also where the last bytes of the previous one
 * (kept in hdr) and the first of this one form the record header.  Returns
 * where TLS starts in p (with *n cut to match); NULL when there is none
 * here.  When it starts in the kept bytes, those are copied to tail
 * (*tl of them, at most 5) for the caller to read before p, whole.
 */
static const uint8_t *
tls_scan_for(struct conn *f, struct tls_dir *td, enum dir dir, const uint8_t *p,
    size_t *n, uint8_t *tail, size_t *tl)
{
	uint8_t	win[10];
	size_t	wl = td->hdr_len, head = *n < 5 ? *n : 5, keep;
	long	at;

	memcpy(win, td->hdr, wl);
	memcpy(win + wl, p, head);
	if ((at = tls_scan(td, dir, win, wl + head)) >= 0 &&
	    (size_t)at < wl) {
		/* It begins in the kept bytes: those, then p whole. */
		*tl = wl - (size_t)at;
		memcpy(tail, td->hdr + at, *tl);
		td->hdr_len = 0;
		return p;
	}
	td->phase = TD_SCAN;
	if ((at = tls_scan(td, dir, p, *n)) >= 0) {
		td->hdr_len = 0;
		*n -= (size_t)at;
		return p + at;
	}
	keep = *n < 5 ? *n : 5;
	if (wl + keep > 5) {		/* keep the newest five bytes */
		memmove(td->hdr, td->hdr + (wl + keep - 5), 5 - keep);
		wl = 5 - keep;
	}
	memcpy(td->hdr + wl, p + (*n - keep), keep);
	td->hdr_len = (uint8_t)(wl + keep);
	if (++td->scanned >= TLS_MAX_SCAN) {
		f->sess.not_tls[dir] = true;
		STAT_INC(TLS_NOT_TLS);
		tls_done(td);
	}
	return NULL;
}

/* Classify the first three bytes of the direction. */
static size_t
tls_start(struct conn *f, struct tls_dir *td, enum dir dir, const uint8_t *p,
    size_t n)
{
	size_t	take = 3 - td->hdr_len;
	uint8_t	want = dir == DIR_C2S ? 1 : 4;
	uint32_t len;

	if (take > n)
		take = n;
	memcpy(td->hdr + td->hdr_len, p, take);
	td->hdr_len += (uint8_t)take;
	if (td->hdr_len < 3)
		return take;
	if (tls_looks_like_record(td->hdr, td->hdr_len)) {
		td->phase = TD_HDR;	/* keep the 3 bytes, read 2 more */
		return take;
	}
	if ((td->hdr[0] & 0x80) && td->hdr[2] == want) {
		/* SSLv2 2-byte header; the message starts at hdr[2]. */
		len = (uint32_t)(td->hdr[0] & 0x7f) << 8 | td->hdr[1];
		if (len < 3 || (td->hs = budget_alloc(len)) == NULL) {
			f->sess.bad_hello[dir] = true;
			STAT_INC(TLS_BAD_HELLO);
			tls_done(td);
			return take;
		}
		td->hs_need = len;
		td->hs[0] = td->hdr[2];
		td->hs_len = 1;
		td->phase = TD_V2;
		f->sess.tls_record[dir] = true;
		return take;
	}
	/* A service on no mail port may speak its own protocol first and
	 * upgrade later (SOCKS, FTP AUTH TLS, IRC, MySQL): watch for TLS. */
	if (f->proto == PROTO_TLS) {
		td->phase = TD_SCAN;	/* hdr keeps the 3 bytes as the tail */
		return take;
	}
	/* Mid-stream we may simply have landed inside a record. */
	if (!(f->fflags & FLOW_F_MIDSTREAM)) {
		f->sess.not_tls[dir] = true;
		STAT_INC(TLS_NOT_TLS);
	}
	tls_done(td);
	return take;
}

/*
 * RFC 8446 5.1 TLSPlaintext header:
 *   type(1) legacy_record_version(2) length(2)
 */
static size_t
tls_header(struct conn *f, struct tls_dir *td, enum dir dir, const uint8_t *p,
    size_t n)
{
	size_t		take = 5 - td->hdr_len;
	uint16_t	len;

	if (take > n)
		take = n;
	memcpy(td->hdr + td->hdr_len, p, take);
	td->hdr_len += (uint8_t)take;
	if (td->hdr_len < 5)
		return take;
	td->hdr_len = 0;
	td->type = td->hdr[0];
	len = (uint16_t)(td->hdr[3] << 8 | td->hdr[4]);
	/* Unknown type, wrong major version or an oversized record: the
	 * stream is not (or no longer) TLS we can follow. */
	if (!tls_looks_like_record(td->hdr, 5) || len > TLS_MAX_RECORD) {
		STAT_INC(TLS_BAD_RECORD);
		if (!td->hello_done) {
			f->sess.bad_hello[dir] = true;
			STAT_INC(TLS_BAD_HELLO);
		}
		tls_done(td);
		return take;
	}
	STAT_INC(TLS_RECORDS);
	f->sess.tls_record[dir] = true;
	td->rec_len = td->body_left = len;
	td->alert_len = 0;
	td->phase = TD_BODY;
	if (td->type == TLS_CT_CCS || td->type == TLS_CT_APPDATA)
		td->encrypted = true;
	if (len == 0)
		return take + tls_body(f, td, dir, p + take, 0);
	return take;
}

static size_t
tls_body(struct conn *f, struct tls_dir *td, enum dir dir, const uint8_t *p,
    size_t n)
{
	size_t	take = td->body_left < n ? td->body_left : n;
	size_t	i;

	switch (td->type) {
	case TLS_CT_HANDSHAKE:
		if ((!td->hello_done || td->want_cert) && !td->encrypted)
			tls_gather(f, td, dir, p, take);
		break;
	case TLS_CT_ALERT:
		/* A plaintext alert is exactly level(1) description(1);
		 * after CCS alerts are encrypted and longer. */
		for (i = 0; i < take && td->alert_len < 2; i++)
			td->alert[td->alert_len++] = p[i];
		break;
	}
	td->body_left -= (uint16_t)take;
	if (td->phase == TD_DONE || td->body_left > 0)
		return take;

	/* End of the record. */
	if (td->type == TLS_CT_ALERT && td->rec_len == 2 && !td->encrypted)
		tls_alert(f, dir, td->alert[0], td->alert[1]);
	td->phase = TD_HDR;
	if (!td->hello_done) {
		/* Keyed records before this side's hello: the hello is not
		 * coming (or we joined mid-session). */
		if (td->encrypted) {
			if (!(f->fflags & FLOW_F_MIDSTREAM)) {
				f->sess.bad_hello[dir] = true;
				STAT_INC(TLS_BAD_HELLO);
			}
			tls_done(td);
		}
		return take;
	}
	/* Keyed from here on, or enough seen after the hello: the rest of
	 * this direction holds nothing the verdict needs. */
	if (td->encrypted || ++td->after_hello > TLS_MAX_RECORDS_AFTER_HELLO)
		tls_done(td);
	return take;
}

/*
 * Gather handshake bytes until the first message is whole (RFC 8446 4:
 * msg_type(1) length(3) body), then parse it.  A HelloRequest (server,
 * empty) is passed over.
 */
static size_t
tls_gather(struct conn *f, struct tls_dir *td, enum dir dir, const uint8_t *p,
    size_t n)
{
	size_t		used = 0, take;
	uint32_t	len;

	while (used < n && td->phase != TD_DONE &&
	    (!td->hello_done || td->want_cert)) {
		if (td->hs_need == 0) {
			take = 4 - td->hs_len;
			if (take > n - used)
				take = n - used;
			memcpy(td->hs_hdr + td->hs_len, p + used, take);
			td->hs_len += (uint32_t)take;
			used += take;
			if (td->hs_len < 4)
				break;
			len = (uint32_t)td->hs_hdr[1] << 16 |
			    (uint32_t)td->hs_hdr[2] << 8 | td->hs_hdr[3];
			if (dir == DIR_S2C &&
			    td->hs_hdr[0] == TLS_HS_HELLO_REQUEST && len == 0) {
				td->hs_len = 0;
				continue;
			}
			if (td->hello_done) {
				/* After the ServerHello: only a Certificate,
				 * and only one we are willing to hold. */
				td->hs_len = 0;
				if (td->hs_hdr[0] != TLS_HS_CERTIFICATE) {
					td->want_cert = false;
					break;
				}
				if (len > TLS_MAX_CERT_MSG) {
					STAT_INC(TLS_CERT_TOO_BIG);
					td->want_cert = false;
					break;
				}
				td->hs_len = 4;
			}
			/* A hello this large is an attack on our memory. */
			if (len > TLS_MAX_HELLO) {
				STAT_INC(TLS_HELLO_TOO_BIG);
				STAT_INC(TLS_BAD_HELLO);
				f->sess.bad_hello[dir] = true;
				tls_done(td);
				break;
			}
			if ((td->hs = budget_alloc(4 + len)) == NULL) {
				tls_done(td);
				break;
			}
			td->hs_need = 4 + len;
			memcpy(td->hs, td->hs_hdr, 4);
		}
		take = td->hs_need - td->hs_len;
		if (take > n - used)
			take = n - used;
		memcpy(td->hs + td->hs_len, p + used, take);
		td->hs_len += (uint32_t)take;
		used += take;
		if (td->hs_len == td->hs_need)
			tls_message(f, td, dir);
	}
	return used;
}

/* An SSLv2 hello: gather the record, parse it, stop. */
static size_t
tls_v2(struct conn *f, struct tls_dir *td, enum dir dir, const uint8_t *p,
    size_t n)
{
	size_t	take = td->hs_need - td->hs_len;

	if (take > n)
		take = n;
	memcpy(td->hs + td->hs_len, p, take);
	td->hs_len += (uint32_t)take;
	if (td->hs_len == td->hs_need) {
		tls_message(f, td, dir);
		/* What follows an SSLv2 hello is keyed; nothing to see. */
		tls_done(td);
	}
	return take;
}

static void
tls_message(struct conn *f, struct tls_dir *td, enum dir dir)
{
	struct tls_client_hello	*ch;
	struct tls_server_hello	*sh;
	const uint8_t		*body = td->hs + 4;
	size_t			 blen = td->hs_need - 4;
	enum tls_res		 res;
	uint8_t			 type = td->hs[0];

	if (td->hello_done) {		/* the Certificate (tls_gather) */
		td->want_cert = false;
		tls_certificate(f, body, blen);
		tls_hs_free(td);
		return;
	}
	if (td->phase == TD_V2) {
		body = td->hs;
		blen = td->hs_need;
		type = dir == DIR_C2S ? TLS_HS_CLIENT_HELLO :
		    TLS_HS_SERVER_HELLO;
	}
	td->hello_done = true;
	if (dir == DIR_C2S && type == TLS_HS_CLIENT_HELLO) {
		if (f->sess.ch != NULL ||
		    (ch = budget_alloc(sizeof(*ch))) == NULL)
			goto out;
		res = td->phase == TD_V2 ?
		    tls_parse_sslv2_client_hello(body, blen, ch) :
		    tls_parse_client_hello(body, blen, ch);
		if (res != TLS_OK) {
			f->sess.bad_hello[dir] = true;
			STAT_INC(TLS_BAD_HELLO);
			/* A TLS hello whose lists lie still said which version
			 * it speaks (as a dissector would show it); an SSLv2
			 * hello that is not one says nothing. */
			if (td->phase == TD_V2 || blen < 2) {
				budget_free(ch, sizeof(*ch));
				goto out;
			}
			ch->malformed = true;
		} else if (ch->ext_bad)
			STAT_INC(TLS_BAD_HELLO);
		f->sess.ch = ch;
		STAT_INC(TLS_CLIENT_HELLO);
		if (ch->sslv2)
			STAT_INC(TLS_SSLV2_HELLO);
	} else if (dir == DIR_S2C && type == TLS_HS_SERVER_HELLO) {
		if (f->sess.sh != NULL ||
		    (sh = budget_alloc(sizeof(*sh))) == NULL)
			goto out;
		res = td->phase == TD_V2 ?
		    tls_parse_sslv2_server_hello(body, blen, sh) :
		    tls_parse_server_hello(body, blen, sh);
		if (res != TLS_OK) {
			budget_free(sh, sizeof(*sh));
			f->sess.bad_hello[dir] = true;
			STAT_INC(TLS_BAD_HELLO);
			goto out;
		}
		f->sess.sh = sh;
		STAT_INC(TLS_SERVER_HELLO);
		/* TLS 1.2 and below show the certificate next, in the
		 * clear; only mail flows are worth decoding it for. */
		td->want_cert = !sh->sslv2 && !sh->hrr &&
		    tls_server_version(sh) <= TLS_V_1_2 &&
		    (f->proto == PROTO_POP3 || f->proto == PROTO_IMAP ||
		    f->proto == PROTO_SMTP);
	} else {
		/* The first handshake message is not this side's hello:
		 * not a handshake we can follow. */
		f->sess.bad_hello[dir] = true;
		STAT_INC(TLS_BAD_HELLO);
		tls_done(td);
		return;
	}
out:
	tls_hs_free(td);
}

/* The server's Certificate message: its first certificate, decoded. */
static void
tls_certificate(struct conn *f, const uint8_t *body, size_t n)
{
	struct tls_cert	*c;

	if (f->sess.cert != NULL ||
	    (c = budget_alloc(sizeof(*c))) == NULL)
		return;
	switch (cert_parse(body, n, (int64_t)(f->first_ts / 1000000u), c)) {
	case CERT_OK:
		f->sess.cert = c;
		STAT_INC(TLS_CERTIFICATES);
		return;
	case CERT_BAD:
		STAT_INC(TLS_BAD_CERT);
		break;
	case CERT_EMPTY:
		break;
	}
	budget_free(c, sizeof(*c));
}

static void
tls_alert(struct conn *f, enum dir dir, uint8_t level, uint8_t desc)
{
	struct tls_alert	*a = &f->sess.alert[dir];

	STAT_INC(TLS_ALERTS);
	/* Keep the first alert, unless a fatal one follows a warning. */
	if (a->seen && !(a->level != 2 && level == 2))
		return;
	a->seen = true;
	a->level = level;
	a->desc = desc;
	a->after_sh = f->sess.sh != NULL;
}
