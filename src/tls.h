/*
 * tls.h -- pipeline stage 6: TLS records and the hellos.
 */
#ifndef TLSFLOOR_TLS_H
#define TLSFLOOR_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "caps.h"
#include "session.h"

struct conn;

/*
 * What a hello parser says of one whole handshake message.  There is no
 * "need more": the stream layer (tls_input) gathers the message to the
 * length its handshake header gives before a parser sees it, so a message
 * shorter than its own fields contradicts that length and is TLS_BAD.
 */
enum tls_res {
	TLS_OK,
	TLS_BAD,		/* contradicts the grammar */
};

#define TLS_V_SSL2	0x0002
#define TLS_V_SSL3	0x0300
#define TLS_V_1_0	0x0301
#define TLS_V_1_1	0x0302
#define TLS_V_1_2	0x0303
#define TLS_V_1_3	0x0304

/* Content types, RFC 8446 B.1 (heartbeat: RFC 6520). */
#define TLS_CT_CCS		20
#define TLS_CT_ALERT		21
#define TLS_CT_HANDSHAKE	22
#define TLS_CT_APPDATA		23
#define TLS_CT_HEARTBEAT	24

#define TLS_HS_HELLO_REQUEST	0
#define TLS_HS_CLIENT_HELLO	1
#define TLS_HS_SERVER_HELLO	2
#define TLS_HS_CERTIFICATE	11

#define TLS_EXT_SERVER_NAME	0
#define TLS_EXT_GROUPS		10
#define TLS_EXT_POINT_FORMATS	11
#define TLS_EXT_SIGALGS		13
#define TLS_EXT_ALPN		16
#define TLS_EXT_SUPPORTED_VERSIONS 43

/*
 * What a ClientHello offers: fixed-size, filled by the parser, owned by the
 * session once complete.  Lists keep wire order; *_trunc says a list was
 * longer than kept.
 */
struct tls_client_hello {
	uint32_t	 length;	/* handshake body bytes */
	uint16_t	 legacy_version; /* or the SSLv2 hello's version */
	bool		 sslv2;		/* SSLv2-compatible CLIENT-HELLO */
	bool		 has_versions;	/* supported_versions present */
	bool		 ext_bad;	/* extensions malformed; parsed part kept */
	bool		 malformed;	/* fixed part broken; legacy_version kept */
	bool		 partial;	/* cut by a capture gap; legacy_version kept */
	bool		 trunc;		/* some list exceeded what we keep */
	uint8_t		 nversions;
	uint8_t		 nexts;
	uint8_t		 ngroups;
	uint8_t		 npointfmts;
	uint8_t		 nsigalgs;
	uint8_t		 sni_len;
	uint8_t		 alpn_len;	/* bytes kept of the first ALPN protocol */
	uint8_t		 alpn_full;	/* its real length (<= 255) */
	uint8_t		 alpn_last;	/* its last byte (JA4 needs it) */
	bool		 sni_trunc;
	uint16_t	 nciphers;
	uint16_t	 versions[TLS_MAX_VERSIONS];
	uint16_t	 ciphers[TLS_MAX_CIPHERS];
	uint16_t	 exts[TLS_MAX_EXTS];
	uint16_t	 groups[TLS_MAX_GROUPS];
	uint16_t	 sigalgs[TLS_MAX_SIGALGS];
	uint8_t		 pointfmts[16];
	uint8_t		 sni[TLS_MAX_SNI];	/* raw bytes, not terminated */
	uint8_t		 alpn[TLS_MAX_ALPN];
};

struct tls_server_hello {
	uint16_t	 legacy_version; /* or the SSLv2 hello's version */
	uint16_t	 selected;	/* supported_versions, 0 if absent */
	uint16_t	 cipher;
	uint8_t		 compression;
	bool		 sslv2;
	bool		 hrr;		/* HelloRetryRequest (RFC 8446 4.1.3) */
	bool		 ext_bad;
	bool		 trunc;
	uint8_t		 nexts;
	uint16_t	 exts[TLS_MAX_EXTS];
};

/* Both return true once TLS needs no more bytes of this direction (its
 * hellos are read, or a hole or no memory ended the search). */
bool		tls_input(struct conn *, enum dir dir, const uint8_t *, size_t);
bool		tls_gap(struct conn *, enum dir dir);
void		tls_free(struct conn *);

enum tls_res	tls_parse_client_hello(const uint8_t *, size_t,
		    struct tls_client_hello *);
enum tls_res	tls_parse_server_hello(const uint8_t *, size_t,
		    struct tls_server_hello *);
enum tls_res	tls_parse_sslv2_client_hello(const uint8_t *, size_t,
		    struct tls_client_hello *);
enum tls_res	tls_parse_sslv2_server_hello(const uint8_t *, size_t,
		    struct tls_server_hello *);

/* The one test of "is this a TLS record": content types 20..24, major
 * version 3.  tls.c's framing and mail.c's first-bytes check use it. */
bool		tls_content_type_known(uint8_t);
bool		tls_looks_like_record(const uint8_t *, size_t);

bool		tls_is_grease(uint16_t);
uint16_t	tls_version_norm(uint16_t);
uint16_t	tls_client_max_version(const struct tls_client_hello *);
uint16_t	tls_server_version(const struct tls_server_hello *);
const char	*tls_version_name(uint16_t);
const char	*tls_alert_name(uint8_t);

#endif /* TLSFLOOR_TLS_H */
