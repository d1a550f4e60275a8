/*
 * caps.h -- every cap and timeout in one place (not "limits.h": that name
 * belongs to the C library, whose own <limits.h> would find this one).
 *
 * Compile-time caps bound what one parser may keep; the LIMIT_DEF_* values are
 * the defaults of limits an operator can change (struct config).  A hit cap is
 * counted (stats.h), never logged per packet.
 */
#ifndef TLSFLOOR_CAPS_H
#define TLSFLOOR_CAPS_H

/* --- capture --------------------------------------------------------------- */
#define CAPTURE_TIMEOUT_MS	500	/* libpcap read timeout, live */
#define CAPTURE_BATCH		1024	/* packets per pcap_dispatch() */
#define CAPTURE_RETRY		10	/* s between reopening a lost interface */
#define CAPTURE_MAX_WORKERS	16	/* capture.workers */
#define CAPTURE_WORKER_POLL_MS	200	/* a worker looks at its flags this often */

/* --- decode ---------------------------------------------------------------- */
#define DECODE_MAX_VLAN_TAGS	4	/* 802.1Q/QinQ tags walked per frame */
#define DECODE_MAX_IPV6_EXT	8	/* IPv6 extension headers walked */
#define DECODE_MAX_MPLS		8	/* MPLS labels walked */
/* Tunnels inside tunnels (GRE in VXLAN in ...): a real mirror session has
 * one or two; more is a loop built to burn our time. */
#define DECODE_MAX_ENCAP	4
/* IP fragments waiting for the rest of their datagram (defrag.c), per
 * capture thread: the oldest datagram is given up when either cap is hit,
 * and any DEFRAG_TIMEOUT seconds (packet time) after its first fragment.
 * 30 s is Linux's ipfrag_time. */
#define DEFRAG_MAX_DGRAMS	1024
#define DEFRAG_MEMCAP		(4u << 20)	/* bytes, headers included */
#define DEFRAG_TIMEOUT		30
#define DEFRAG_MAX_LEN		65535	/* payload bytes of one datagram */
#define DEFRAG_BUCKETS		1024

/* --- flow table ------------------------------------------------------------ */
#define LIMIT_DEF_MAX_FLOWS	200000	/* tracked TCP flows */
#define LIMIT_DEF_IDLE_TIMEOUT	600	/* s without a packet before a flow ends */
#define LIMIT_DEF_LINGER	5	/* s a closed flow absorbs stray packets */
#define FLOW_EXPIRE_EVERY	1	/* s of packet time between expiry sweeps */
#define FLOW_LRU_GRAIN		1	/* s: a flow moves in the LRU list at most
					 * this often (it idles out that late) */
#define FLOW_MIN_BUCKETS	1024	/* hash buckets at first; doubles */
/* A leap of the packet clock beyond this many seconds waits for a second
 * packet to confirm it. */
#define FLOW_CLOCK_JUMP		60
#define FLOW_EVICT_SCAN		32	/* LRU entries searched for an empty flow */
#define FLOW_EVICTED_SLOTS	4096	/* evicted flows remembered (power of 2) */

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
/* Bytes per direction kept while nDPI decides what a flow on no watched
 * port is; replayed to the parsers if it is mail. */
/*
 * What the two sides said of themselves (verdict.h struct mail_info): the
 * bytes kept of the server's first line, the client's EHLO/HELO name, one
 * IMAP ID value, the user name (privacy.log_user), and the SASL mechanism
 * names the server listed (space-separated).  Longer values are cut.
 */
#define MAIL_MAX_BANNER		240
#define MAIL_MAX_HELO		128
#define MAIL_MAX_ID_VALUE	64
#define MAIL_MAX_USER		64
#define MAIL_MAX_MECHS		128
#define MAIL_MAX_SASL_LINE	512	/* a SASL response decoded for the
					   user name; longer ones are not */
#define MAIL_MAX_REPLAY		(8u << 10)

/* --- verdict --------------------------------------------------------------- */
#define VERDICT_DEDUP_MAX	65536	/* alert keys with an open window */
#define VERDICT_DEDUP_BUCKETS	16381	/* prime */

/* --- outputs ---------------------------------------------------------------- */
#define OUTPUT_INVENTORY_MAX	1000000	/* client inventory records */
#define LIMIT_DEF_INV_WINDOW	(30u * 86400u)	/* s: the inventory verdict's */
#define OUTPUT_EVENT_BUF	(64u << 10)	/* an event's JSON, usually */
#define OUTPUT_DRAIN_MS		5000	/* at exit: remote collectors flushed */

/* --- syslog sinks (output_syslog.c) ---------------------------------------- */
#define SYSLOG_UDP_MAX		8000	/* bytes of one datagram */
#define SYSLOG_TCP_MAX		65536	/* bytes of one message, w/o LEN SP */
#define SYSLOG_LOCAL_MAX	8000	/* bytes of one local syslog body */
/* Bytes of one key field kept (before escaping): 14 fields escaped to
 * twice that, plus the header, still fit SYSLOG_UDP_MAX. */
#define SYSLOG_VALUE_MAX	255

#define REMOTE_BACKOFF_MIN	1000000ULL	/* us */
#define REMOTE_BACKOFF_MAX	60000000ULL	/* us */
#define REMOTE_CONNECT_TIMEOUT	10000000ULL	/* us a connect() may take */
#define REMOTE_RING_MIN		64	/* slots allocated at first */
#define REMOTE_RECV_MAX		16	/* reads of collector chatter a poll */
#define REMOTE_ADDR_MAX		8	/* addresses kept of a collector's name */
/* UDP: a datagram with no ICMP error back within this is counted sent
 * (an error from a collector on any network a sensor uses is back well
 * before; what is lost with no error at all, nobody counts). */
#define REMOTE_UDP_CONFIRM	500000ULL	/* us */
#define REMOTE_DRAIN_MAX	32	/* collectors one remote_drain() takes */
#define REMOTE_RELP_WINDOW	128	/* RELP transactions open at once */
#define REMOTE_RELP_RBUF	4096	/* bytes of RELP answers buffered */

/* --- passive DNS (dns.c) --------------------------------------------------- */
#define DNS_DEF_ENTRIES	65536		/* addresses remembered */
#define DNS_MAX_ENTRIES	(1u << 24)	/* largest table dns_init() accepts */
#define DNS_MAX_ANSWERS	64	/* answer records walked per message */
#define DNS_MAX_PTRS	16	/* compression pointers followed per name */
#define DNS_MAX_CHAIN	16	/* CNAME links followed from the question */
#define DNS_MAX_NAME	255	/* wire bytes of a name, RFC 1035 2.3.4 */

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
/* The Certificate message after a TLS <= 1.2 ServerHello is gathered up
 * to this size (a chain of four 4 KiB certificates fits); a larger one is
 * counted and not read. */
#define TLS_MAX_CERT_MSG	(64u << 10)
#define CERT_MAX_NAME		256	/* bytes of a subject / issuer kept */
#define CERT_MAX_SANS		8	/* subjectAltName entries kept */
#define CERT_MAX_SAN		128	/* bytes of one kept */
/* Certificates decoded lately, per capture thread, by the SHA-256 of
 * their DER: a server sends the same one every session, and d2i_X509
 * (the public key's decoding above all) costs more than the rest of a
 * session.  Direct-mapped; a miss decodes. */
#define CERT_CACHE_SLOTS	64
#define TLS_MAX_ALPN		32	/* bytes of the first ALPN protocol kept */

#endif /* TLSFLOOR_CAPS_H */
