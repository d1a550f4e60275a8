/*
 * limits.h -- every cap and timeout in one place.
 *
 * Compile-time caps bound what one parser may keep; the LIMIT_DEF_* values are
 * the defaults of limits an operator can change (struct config).  A hit cap is
 * counted (stats.h), never logged per packet.
 */
#ifndef TLSFLOOR_LIMITS_H
#define TLSFLOOR_LIMITS_H

/* --- decode ---------------------------------------------------------------- */
#define DECODE_MAX_VLAN_TAGS	4	/* 802.1Q/QinQ tags walked per frame */
#define DECODE_MAX_IPV6_EXT	8	/* IPv6 extension headers walked */
#define DECODE_MAX_MPLS		8	/* MPLS labels walked */
/* Tunnels inside tunnels (GRE in VXLAN in ...): a real mirror session has
 * one or two; more is a loop built to burn our time. */
#define DECODE_MAX_ENCAP	4

/* --- flow table ------------------------------------------------------------ */
#define LIMIT_DEF_MAX_FLOWS	200000	/* tracked TCP flows */
#define LIMIT_DEF_IDLE_TIMEOUT	600	/* s without a packet before a flow ends */
#define LIMIT_DEF_LINGER	5	/* s a closed flow absorbs stray packets */
#define FLOW_EXPIRE_EVERY	1	/* s of packet time between expiry sweeps */
#define FLOW_EVICT_SCAN		32	/* LRU entries searched for an empty flow */

/* --- reassembly ------------------------------------------------------------ */
#define LIMIT_DEF_MEMCAP	(64u << 20)	/* bytes of flow + stream memory */
#define LIMIT_DEF_STREAM_BUF	(64u << 10)	/* out-of-order bytes per direction */
#define REASM_MAX_SEGS		64	/* queued out-of-order segments per dir */
/* Segments further than this ahead of the next expected byte are not kept:
 * they belong to another connection or a window we will never fill. */
#define REASM_MAX_AHEAD		(1u << 20)
/* Delivered bytes kept per direction while it is inspected, so that a
 * retransmission that disagrees with what the parser already saw is
 * noticed (first copy wins; the conflict is counted). */
#define REASM_RECENT		2048

/* --- mail ------------------------------------------------------------------ */
#define LINE_MAX_LEN		1024	/* bytes kept of one text line */
#define MAIL_MAX_PENDING_CMDS	32	/* pipelined commands awaiting a reply */
/* Bytes the client may send after STARTTLS before the server's reply; they
 * are held until the reply says whether they are TLS or plaintext. */
#define MAIL_MAX_HELD		(16u << 10)
/* Plaintext bytes per direction inspected for a STARTTLS before the session
 * is called plaintext and no longer inspected. */
#define LIMIT_DEF_PLAIN_DEPTH	(64u << 10)
#define IMAP_MAX_TAG		32	/* bytes of an IMAP tag remembered */

/* --- TLS ------------------------------------------------------------------- */
#define TLS_MAX_RECORD		(16384 + 2048)	/* RFC 5246 6.2.3 ciphertext cap */
#define TLS_MAX_HELLO		(64u << 10)	/* buffered hello message bytes */
/* Records a direction may send after its hello before we stop watching it
 * for a plaintext alert. */
#define TLS_MAX_RECORDS_AFTER_HELLO	32
/* Deliveries of a non-mail service searched for a late TLS upgrade. */
#define TLS_MAX_SCAN		16
#define TLS_MAX_CIPHERS		256	/* cipher suites kept from a hello */
#define TLS_MAX_EXTS		64	/* extension types kept */
#define TLS_MAX_EXTS_WALKED	512	/* extensions parsed before giving up */
#define TLS_MAX_GROUPS		64
#define TLS_MAX_SIGALGS		64
#define TLS_MAX_VERSIONS	32
#define TLS_MAX_SNI		255	/* RFC 1035 name length */
#define TLS_MAX_ALPN		32	/* bytes of the first ALPN protocol kept */

#endif /* TLSFLOOR_LIMITS_H */
