/*
 * output_syslog.c -- the syslog sinks: local syslog(3) and remote SIEM
 * collectors.
 *
 * Receives one event at a time as a struct syslog_msg (the JSON already
 * encoded by output_json.c, plus the key fields) from output.c.  Hands it
 * to syslog(3), or formats it once for each collector and queues the
 * bytes; remote_poll(), called from the run loop, moves them to the
 * collector's socket.  Does not decide which events go where, nor their
 * severity: output.c does.
 *
 * Local syslog: the body is the JSON event alone (cut to printable ASCII
 * and SYSLOG_LOCAL_MAX bytes); syslog(3) adds its own header.  syslog(3)
 * writes to a local datagram socket and may wait while the local syslog
 * daemon is slow to read it: the one sink here that can block.
 *
 * Remote, RFC 5424 (format rfc5424):
 *
 *   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] JSON
 *
 *   <164>1 2026-11-28T09:40:29.148779Z mx1 tlsfloor 4242 alert
 *       [tlsfloor@32473 client_ip="10.99.0.2" client_port="38786" ...]
 *       {"@timestamp":"2026-11-28T09:40:29.148779Z",...}
 *
 *   PRI        facility (syslog.h form, LOG_DAEMON = 3<<3) | severity
 *   TIMESTAMP  the event time, RFC 3339 UTC with microseconds ("-" if 0)
 *   HOSTNAME   gethostname() at remote_open(), 255 bytes ("-" if none)
 *   APP-NAME   the ident, 48 bytes;  PROCID  getpid() at each message
 *   MSGID      the event type, 32 bytes.  These four are cut to printable
 *              US-ASCII (33..126; anything else becomes '_').
 *   SD         one element with the key fields present (client_ip
 *              client_port server_ip server_port protocol reason outcome
 *              client_max negotiated sni ja3 ja4 exception_owner count
 *              community_id cleartext_credentials cleartext_mechanism
 *              client_software client_software_source);
 *              "-" when there are none.  Its SD-ID is the remote's sd_id,
 *              by default tlsfloor@32473: 32473 is the private enterprise
 *              number RFC 5612 reserves for documentation, a placeholder;
 *              a site with its own PEN configures NAME@PEN.  Values are
 *              UTF-8 (RFC 5424 6.3.3): valid UTF-8 is kept as it is,
 *              each byte of an invalid sequence becomes U+FFFD, a control
 *              character '?'; at most SYSLOG_VALUE_MAX bytes of the value
 *              (never cut inside a character); then '"', '\' and ']' are
 *              escaped with '\', and nothing else.
 *   MSG        the JSON event, no BOM: it is ASCII-only (MSG-ANY that is
 *              also valid UTF-8), and a BOM would only get in the way of
 *              collectors that hand the MSG to a JSON parser.
 *
 * Remote, CEF (format cef), inside the same RFC 5424 frame with SD "-":
 *
 *   <164>1 ... alert - CEF:0|tlsfloor|tlsfloor|0.1.0|alert:legacy_refused|
 *       Mail client refused for legacy TLS|8|rt=1795858829148 src=10.99.0.2
 *       spt=38786 dst=10.99.0.3 dpt=143 proto=TCP app=imap
 *       reason=legacy_refused outcome=server_close cs1Label=clientMaxVersion
 *       cs1=TLSv1.0 ... msg={"@timestamp":...}
 *
 *   SIGNATURE is MSGID[:reason], NAME a phrase for the reason, SEVERITY
 *   0..10 from the syslog severity.  src/dst carry IPv4 addresses; IPv6
 *   ones go to c6a2/c6a3 (the CEF source/destination IPv6 keys).  reason,
 *   outcome and cnt (alert_summary count) are CEF dictionary keys; CEF has
 *   only cs1..cs6, which carry client_max, negotiated, ja3, ja4, sni and
 *   exception_owner, each with its csNLabel.  msg= is the JSON event, last
 *   so that a cut only shortens it.  Escaping: '\' and '|' in the header;
 *   '\', '=', CR and LF in extension values; values are UTF-8 as in SD.
 *
 * Size.  max_message_size (per remote; by default 2048 bytes over UDP,
 * RFC 5426 3.2, and 8192 over TCP and TLS, rsyslog's default) bounds one
 * message without its octet count.  A message that would be longer first
 * loses optional JSON fields, in the order of trim_paths[] (the offered
 * cipher list, the raw fingerprint strings, the hello details, ... and for
 * stats the zero counters first), each removal re-encoded until it fits:
 * counted in output.remote.trimmed, and the JSON still parses.  Only if
 * that is not enough is the JSON cut at the limit (output.remote.cut;
 * header and structured data or the CEF fields always survive whole).
 * Each is logged once per collector.
 *
 * Transports.  UDP: one datagram per message (RFC 5426).  TCP: RFC 6587
 * octet counting, "LEN SP MSG".  TLS: the same framing inside TLS (RFC
 * 5425), OpenSSL, TLS 1.2 and later only; the collector's certificate is
 * verified against ca_file (else the system's CAs) and server_name (else
 * host; an address is matched against the certificate's IP addresses),
 * SNI sent for a name; a client certificate (cert_file, key_file) if
 * configured.  A handshake failure names the collector and the reason
 * (the verification error when there is one), is counted in
 * output.remote.tls_failures and retried with the back-off.  RELP:
 * rsyslog's acknowledged protocol, see "remote: RELP" below.
 *
 * Never blocking: sockets are non-blocking, connect() and the TLS
 * handshake included.  A host name is resolved at each connection attempt
 * (getaddrinfo_a(): a glibc helper thread waits for DNS, never the run
 * loop), so a collector that moves is followed; the addresses are tried in
 * turn, one per attempt.  At start-up it is also looked up once before
 * privileges are dropped (remote_prime()), so that a chroot without the
 * resolver's files still has the addresses.  A name that does not resolve is a warning and a
 * retry with back-off, the last addresses that worked (if any) used
 * meanwhile; never an exit, and a reload keeps the collector.  A failed
 * connection is retried after a back-off that doubles from 1 s to 60 s
 * and returns to 1 s once a message got through.
 *
 * Accounting (per collector, and summed in output.remote.*): every event
 * handed over is one of
 *   sent      delivered: TCP and TLS, acknowledged by the collector's TCP
 *             (SIOCOUTQ); UDP, accepted by the kernel and no error
 *             reported for REMOTE_UDP_CONFIRM afterwards
 *   acknowledged  delivered, RELP: the collector answered "200 OK"
 *   dropped   never queued: the queue was full, or the datagram too large
 *   failed    queued but not delivered: given up at exit (or when a reload
 *             removes the collector) after the flush time, rejected by a
 *             RELP collector, or UDP
 *             datagrams sent while an error came back (an ICMP error does
 *             not say which datagram it was for: every datagram not yet
 *             confirmed is counted failed, though some may have arrived)
 *   queued    still waiting (0 once output_drain() is done)
 * so that events = sent + acknowledged + dropped + failed + queued at
 * every moment.
 * What a UDP network loses without reporting an error no sender can know:
 * use TCP or TLS where that matters.
 *
 * Queue (per collector).  config_remote.queue bounds the messages waiting
 * for the collector (not yet written to its socket); messages written but
 * not yet acknowledged are held too, beyond it, but those are bounded by
 * the socket's send buffer (UDP: at most queue datagrams await their
 * confirmation; RELP: at most REMOTE_RELP_WINDOW their answer).
 * When the queue is full, the NEWEST message is dropped (the one being
 * sent), counted, and a warning is logged once per episode (until the
 * queue drains).  Dropping the newest leaves the frame in flight alone,
 * and keeps the first alerts of an outage.  TCP and TLS messages stay
 * queued until the collector's TCP has acknowledged them (TLS: the bytes
 * of the records that carry them, BIO_number_written()), so that a
 * connection that fails (refused, reset, closed) loses nothing it had not
 * acknowledged: every unacknowledged message, a partly written one
 * included, is sent again from its start on the next connection.  The
 * collector sees a duplicate only when it had received a message whose
 * acknowledgement did not reach us before the failure.  What a collector
 * acknowledged and then lost itself (it crashed before reading its
 * socket) no sender can know about without an application-level
 * acknowledgement (RELP).  UDP sends each datagram once: after an error,
 * the connection waits out the back-off, then one probing datagram goes
 * first and the rest only once it is confirmed.
 */
#define _GNU_SOURCE		/* getaddrinfo_a() */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/sockios.h>	/* SIOCOUTQ: bytes not yet acknowledged */
#endif

#include <jansson.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "caps.h"
#include "config.h"
#include "fmt.h"
#include "log.h"
#include "output_syslog.h"
#include "stats.h"

#ifndef TLSFLOOR_VERSION
#define TLSFLOOR_VERSION	"0"
#endif

/* RFC 5424 field limits (section 6). */
#define SYSLOG_HOST_MAX		255
#define SYSLOG_APP_MAX		48
#define SYSLOG_MSGID_MAX	32

/* Bounded text builder: what does not fit is cut and sets full. */
struct sbuf {
	char		*p;
	size_t		 len;
	size_t		 cap;		/* bytes usable in p */
	bool		 full;
};

/* One queued message, ready for the wire (TCP, TLS: with its LEN SP). */
struct frame {
	uint64_t	 end;		/* TCP, TLS: stream offset past its
					 * last byte, set once written;
					 * UDP: when it was sent (us) */
	bool		 stamped;	/* UDP: end set */
	bool		 acked;		/* RELP: its rsp came (out of order) */
	bool		 rejected;	/* RELP: ... and said no */
	uint8_t		 hlen;		/* RELP: bytes in hdr */
	char		 hdr[32];	/* RELP: "TXNR syslog DATALEN " */
	size_t		 len;
	char		 data[];
};

enum remote_state {
	REMOTE_DOWN,		/* no socket; next attempt at next_try */
	REMOTE_RESOLVING,	/* getaddrinfo_a() in progress */
	REMOTE_CONNECTING,	/* non-blocking connect() in progress */
	REMOTE_HANDSHAKE,	/* TLS handshake in progress */
	REMOTE_RELP_OPEN,	/* RELP "open" sent, its rsp awaited */
	REMOTE_UP,
};

/* An asynchronous lookup: owned by the remote, given to glibc meanwhile. */
struct lookup {
	struct gaicb	 cb;
	struct gaicb	*list[1];
	struct addrinfo	 hints;
	char		 host[256];
	char		 port[8];
};

/*
 * The queue is a ring of frames, oldest first:
 *
 *   head                                                 head + n
 *   | written, awaiting ack | partly written | not written yet |
 *   |<------- nsent ------->|<- off bytes ->|
 */
struct remote {
	char		 name[300];	/* "host:port/tcp", for messages */
	char		 hostname[256];	/* as configured */
	char		 port[8];
	bool		 numeric;	/* hostname is an address */
	struct sockaddr_storage addr[REMOTE_ADDR_MAX];
	socklen_t	 addrlen[REMOTE_ADDR_MAX];
	size_t		 naddr;		/* known addresses (last lookup) */
	size_t		 ai;		/* the one to try next */
	struct lookup	*lookup;	/* owned; REMOTE_RESOLVING */

	enum config_transport transport;
	bool		 stream;	/* TCP or TLS */
	bool		 cef;
	int		 facility;	/* syslog.h form */
	char		 host[SYSLOG_HOST_MAX + 1];	/* cleaned */
	char		 app[SYSLOG_APP_MAX + 1];	/* cleaned */
	char		 sdid[CONFIG_SD_ID_MAX + 1];
	size_t		 max;		/* bytes of one message */
	char		*scratch;	/* owned; max bytes */

	SSL_CTX		*ctx;		/* owned; TLS */
	SSL		*ssl;		/* owned; TLS, while connected */
	char		 verify[256];	/* TLS: the name (or address) the
					 * certificate must carry */
	bool		 verify_ip;
	bool		 wpending;	/* TLS: SSL_write() to be retried */

	bool		 relp;
	bool		 reject_warned;
	uint32_t	 txnr;		/* RELP: the last one used */
	char		 rbuf[REMOTE_RELP_RBUF];	/* RELP: what the
					 * collector sent, not parsed yet */
	size_t		 rlen;

	int		 fd;
	enum remote_state state;
	uint64_t	 now;		/* us, last remote_poll() */
	uint64_t	 since;		/* us, state entered */
	uint64_t	 next_try;	/* us, DOWN: next connect */
	uint64_t	 backoff;	/* us, delay after the next failure */
	bool		 warned;	/* failure logged, no delivery since */
	bool		 resolve_warned;
	bool		 full_warned;	/* queue-full logged this episode */
	bool		 cut_warned;
	bool		 trim_warned;
	bool		 probing;	/* UDP: one datagram until confirmed */

	struct frame	**ring;		/* owned, each owned */
	size_t		 cap;		/* slots in ring */
	size_t		 limit;		/* config_remote.queue: frames not
					 * yet written */
	size_t		 head;
	size_t		 n;		/* frames queued */
	size_t		 nsent;		/* of which written */
	size_t		 off;		/* bytes written of the next one */
	uint64_t	 wbytes;	/* bytes written on this connection */
	struct remote_counts c;
};

/* A key field, for SD and CEF; a NULL value is absent. */
struct keyfield {
	const char	*sd;		/* PARAM-NAME */
	const char	*value;
};
#define KEYFIELDS_MAX	19

static void	sb_init(struct sbuf *, char *, size_t);
static void	sb_mem(struct sbuf *, const char *, size_t);
static void	sb_str(struct sbuf *, const char *);
static void	sb_u64(struct sbuf *, uint64_t);
static void	sb_token(struct sbuf *, const char *, size_t);
static void	sb_body(struct sbuf *, const char *, size_t);
static size_t	utf8_len(const unsigned char *, size_t);
static size_t	esc_len(const char *, const char *);
static void	esc_put(struct sbuf *, const char *, const char *);
static void	fmt_time(struct sbuf *, uint64_t);
static void	fmt_header(struct sbuf *, const struct remote *,
		    const struct syslog_msg *);
static void	fmt_sd(struct sbuf *, const struct remote *,
		    const struct syslog_msg *);
static size_t	key_fields(const struct syslog_msg *, struct keyfield *,
		    char [][24]);
static void	cef_name(struct sbuf *, const struct syslog_msg *);
static void	cef_ext(struct sbuf *, size_t, const char *, const char *);
static void	cef_addr(struct sbuf *, size_t, const char *, const char *,
		    const char *);
static void	cef_num(struct sbuf *, size_t, const char *, uint64_t);
static void	cef_msg(struct sbuf *, size_t, const char *, size_t);
static void	fmt_cef(struct sbuf *, const struct syslog_msg *,
		    const char *, size_t);
static bool	fmt_once(struct remote *, const struct syslog_msg *,
		    const char *, size_t, size_t *);
static size_t	fmt_msg(struct remote *, const struct syslog_msg *);
static bool	trim_path(json_t *, const char *);
static void	clean_token(char *, size_t, const char *);
static uint64_t	mono_us(void);
static struct frame *ring_at(const struct remote *, size_t);
static int	ring_push(struct remote *, struct frame *);
static void	ring_pop(struct remote *);
static void	remote_start(struct remote *);
static void	remote_resolving(struct remote *);
static void	remote_connect(struct remote *);
static void	remote_connecting(struct remote *);
static void	remote_tls_start(struct remote *);
static void	remote_handshake(struct remote *);
static const char *tls_reason(struct remote *, int, int, char *, size_t);
static void	remote_up(struct remote *);
static void	remote_connected(struct remote *);
static uint32_t	relp_txnr(struct remote *);
static void	relp_open(struct remote *);
static void	relp_opening(struct remote *);
static int	relp_read(struct remote *, char *, size_t);
static int	relp_frame(struct remote *, const char *, size_t, char *,
		    size_t);
static void	relp_acked(struct remote *, uint32_t, bool, const char *,
		    size_t);
static void	remote_disconnect(struct remote *);
static void	remote_fail(struct remote *, const char *, const char *);
static void	remote_delivered(struct remote *);
static int	remote_peer(struct remote *);
static void	remote_acked(struct remote *, uint64_t);
static int	remote_outq(struct remote *, uint64_t *);
static int	remote_check(struct remote *);
static void	remote_udp_confirm(struct remote *);
static void	remote_udp_stamp(struct remote *);
static void	remote_flush(struct remote *);
static void	remote_flush_udp(struct remote *);
static void	remote_flush_stream(struct remote *);
static void	remote_giveup(struct remote *);
static ssize_t	relp_send(struct remote *, const struct frame *);

/* --- text building -------------------------------------------------------- */

static void
sb_init(struct sbuf *b, char *p, size_t cap)
{
	b->p = p;
	b->len = 0;
	b->cap = cap;
	b->full = false;
}

static void
sb_mem(struct sbuf *b, const char *s, size_t n)
{
	if (n > b->cap - b->len) {
		n = b->cap - b->len;
		b->full = true;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void
sb_str(struct sbuf *b, const char *s)
{
	sb_mem(b, s, strlen(s));
}

static void
sb_u64(struct sbuf *b, uint64_t v)
{
	char	num[24];

	snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	sb_str(b, num);
}

/* An RFC 5424 header token: PRINTUSASCII (33..126), at most max bytes;
 * NULL or empty is the NILVALUE "-". */
static void
sb_token(struct sbuf *b, const char *s, size_t max)
{
	char	tok[SYSLOG_HOST_MAX + 1];

	if (max > SYSLOG_HOST_MAX)
		max = SYSLOG_HOST_MAX;
	clean_token(tok, max + 1, s);
	sb_str(b, tok);
}

static void
clean_token(char *dst, size_t len, const char *s)
{
	size_t	i;

	for (i = 0; s != NULL && s[i] != '\0' && i + 1 < len; i++)
		dst[i] = s[i] > 32 && s[i] < 127 ? s[i] : '_';
	if (i == 0 && len >= 2)
		dst[i++] = '-';
	dst[i] = '\0';
}

/* The JSON body: printable ASCII stays (it is all there should be), any
 * other byte becomes '?', so no control byte reaches a log. */
static void
sb_body(struct sbuf *b, const char *s, size_t n)
{
	size_t	i;

	if (n > b->cap - b->len) {
		n = b->cap - b->len;
		b->full = true;
	}
	for (i = 0; i < n; i++)
		b->p[b->len + i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	b->len += n;
}

/*
 * The length of the valid UTF-8 character at p (RFC 3629: no overlong
 * form, no surrogate, at most U+10FFFF), n bytes readable; 0 if invalid.
 */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	uint32_t	cp;
	size_t		len, i;

	if (n == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		cp = p[0] & 0x1fu;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		cp = p[0] & 0x0fu;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		cp = p[0] & 0x07u;
	} else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3fu);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/*
 * Escaped values.  kind names the characters escaped with a backslash:
 * "\"\\]" for an RFC 5424 PARAM-VALUE, "\\|" for a CEF header field,
 * "\\=\n\r" for a CEF extension value (LF and CR written as \n and \r).
 * At most SYSLOG_VALUE_MAX bytes of s, never cut inside a character.
 * Valid UTF-8 stays; each byte of an invalid sequence becomes U+FFFD;
 * another control character (below 0x20, 0x7f) becomes '?'.  esc_walk()
 * writes into b, or with b NULL only counts; it returns the bytes written.
 */
static size_t
esc_walk(struct sbuf *b, const char *s, const char *kind)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, n = 0, len, slen;
	char			 e[2], c;

	slen = strnlen(s, SYSLOG_VALUE_MAX);
	while (i < slen) {
		if (u[i] >= 0x80) {
			len = utf8_len(u + i, strnlen(s + i, 4));
			if (len == 0) {
				/* invalid: U+FFFD REPLACEMENT CHARACTER */
				if (b != NULL)
					sb_mem(b, "\xef\xbf\xbd", 3);
				n += 3;
				i++;
				continue;
			}
			if (i + len > slen)	/* would cut it: stop */
				break;
			if (b != NULL)
				sb_mem(b, s + i, len);
			n += len;
			i += len;
			continue;
		}
		if (s[i] != '\0' && strchr(kind, s[i]) != NULL) {
			e[0] = '\\';
			e[1] = s[i] == '\n' ? 'n' : s[i] == '\r' ? 'r' : s[i];
			if (b != NULL)
				sb_mem(b, e, 2);
			n += 2;
		} else {
			c = u[i] >= 0x20 && u[i] < 0x7f ? s[i] : '?';
			if (b != NULL)
				sb_mem(b, &c, 1);
			n++;
		}
		i++;
	}
	return n;
}

static size_t
esc_len(const char *s, const char *kind)
{
	return esc_walk(NULL, s, kind);
}

static void
esc_put(struct sbuf *b, const char *s, const char *kind)
{
	(void)esc_walk(b, s, kind);
}

/* RFC 3339, UTC, microseconds: 2026-11-28T09:40:29.148779Z; "-" for 0 or
 * a year RFC 5424 cannot write (four digits). */
static void
fmt_time(struct sbuf *b, uint64_t us)
{
	char	buf[FMT_TIME_MAX];

	if (us == 0 || us >= FMT_Y10K_US ||
	    fmt_time_us(buf, sizeof(buf), us, FMT_FRAC_US) == 0) {
		sb_str(b, "-");
		return;
	}
	sb_str(b, buf);
}

/* <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SP (RFC 5424 6.2) */
static void
fmt_header(struct sbuf *b, const struct remote *r, const struct syslog_msg *m)
{
	sb_str(b, "<");
	sb_u64(b, (uint64_t)((r->facility & LOG_FACMASK) |
	    LOG_PRI(m->severity)));
	sb_str(b, ">1 ");
	fmt_time(b, m->ts);
	sb_str(b, " ");
	sb_str(b, r->host);
	sb_str(b, " ");
	sb_str(b, r->app);
	sb_str(b, " ");
	sb_u64(b, (uint64_t)getpid());	/* here: a daemon forks after open */
	sb_str(b, " ");
	sb_token(b, m->msgid, SYSLOG_MSGID_MAX);
	sb_str(b, " ");
}

/* The key fields present, in SD order; numbers are written into num[]. */
static size_t
key_fields(const struct syslog_msg *m, struct keyfield *kf, char num[][24])
{
	size_t	n = 0;

#define KF(name, v)	do { if ((v) != NULL) { kf[n].sd = (name);	\
	kf[n].value = (v); n++; } } while (0)
#define KFN(name, v, i)	do { if ((v) != 0) { snprintf(num[i], 24,	\
	"%llu", (unsigned long long)(v)); KF(name, num[i]); } } while (0)
	KF("client_ip", m->client_ip);
	KFN("client_port", m->client_port, 0);
	KF("server_ip", m->server_ip);
	KFN("server_port", m->server_port, 1);
	KF("protocol", m->protocol);
	KF("reason", m->reason);
	KF("outcome", m->outcome);
	KF("client_max", m->client_max);
	KF("negotiated", m->negotiated);
	KF("sni", m->sni);
	KF("ja3", m->ja3);
	KF("ja4", m->ja4);
	KF("exception_owner", m->exception_owner);
	KFN("count", m->count, 2);
	KF("community_id", m->community_id);
	KF("cleartext_credentials", m->cleartext);
	KF("cleartext_mechanism", m->cleartext_mechanism);
	KF("client_software", m->client_software);
	KF("client_software_source", m->client_software_source);
#undef KFN
#undef KF
	return n;
}

/* [SD-ID name="value" ...] (RFC 5424 6.3), or "-".  A parameter that
 * would not fit whole is left out, so the element stays well formed. */
static void
fmt_sd(struct sbuf *b, const struct remote *r, const struct syslog_msg *m)
{
	struct keyfield	 kf[KEYFIELDS_MAX];
	char		 num[3][24];
	size_t		 i, n, need;

	n = key_fields(m, kf, num);
	if (n == 0 || b->cap - b->len < strlen(r->sdid) + 2) {
		sb_str(b, "-");
		return;
	}
	sb_str(b, "[");
	sb_str(b, r->sdid);
	for (i = 0; i < n; i++) {
		/* SP name="value" and room for the closing ] */
		need = 1 + strlen(kf[i].sd) + 2 + esc_len(kf[i].value,
		    "\"\\]") + 1 + 1;
		if (need > b->cap - b->len) {
			b->full = true;
			continue;
		}
		sb_str(b, " ");
		sb_str(b, kf[i].sd);
		sb_str(b, "=\"");
		esc_put(b, kf[i].value, "\"\\]");
		sb_str(b, "\"");
	}
	sb_str(b, "]");
}

/* What a SIEM should call the event, by reason. */
static const struct {
	const char	*reason;
	const char	*name;
} cef_names[] = {
	{ "cleartext_credentials", "Mail client sent credentials in clear" },
	{ "legacy_refused",	"Mail client refused for legacy TLS" },
	{ "legacy_client",	"Mail client limited to legacy TLS" },
	{ "legacy_negotiated",	"Mail session negotiated legacy TLS" },
	{ "exception_expired",	"Legacy TLS exception expired" },
	{ "plaintext",		"Mail session without TLS" },
	{ "unknown",		"Mail session TLS version unknown" },
	{ "ok",			"Mail session TLS ok" },
};

/* syslog severity (0 emerg .. 7 debug) to CEF (10 very high .. 0 low) */
static const int	cef_severity[8] = { 10, 10, 9, 8, 6, 4, 2, 0 };

static void
cef_name(struct sbuf *b, const struct syslog_msg *m)
{
	size_t	i;

	if (m->msgid != NULL && strcmp(m->msgid, "alert_summary") == 0)
		sb_str(b, "Repeated: ");
	if (m->reason != NULL) {
		for (i = 0; i < sizeof(cef_names) / sizeof(cef_names[0]); i++)
			if (strcmp(m->reason, cef_names[i].reason) == 0) {
				sb_str(b, cef_names[i].name);
				return;
			}
		sb_str(b, "Mail session: ");
		esc_put(b, m->reason, "\\|");
		return;
	}
	if (m->msgid != NULL && strcmp(m->msgid, "stats") == 0)
		sb_str(b, "tlsfloor statistics");
	else if (m->msgid != NULL && strcmp(m->msgid, "inventory") == 0)
		sb_str(b, "tlsfloor client inventory");
	else {
		sb_str(b, "tlsfloor ");
		esc_put(b, m->msgid != NULL ? m->msgid : "event", "\\|");
	}
}

/*
 * " key=value", whole or not at all (an extension cut in two would hand
 * the next key to the value); a NULL value is absent.  The first one
 * follows the header's last '|' without the space.
 */
static void
cef_ext(struct sbuf *b, size_t start, const char *key, const char *value)
{
	size_t	sp = b->len > start ? 1 : 0;

	if (value == NULL)
		return;
	if (sp + strlen(key) + 1 + esc_len(value, "\\=\n\r") >
	    b->cap - b->len) {
		b->full = true;
		return;
	}
	if (sp)
		sb_str(b, " ");
	sb_str(b, key);
	sb_str(b, "=");
	esc_put(b, value, "\\=\n\r");
}

/* An address: IPv4 to v4key, IPv6 (it has a ':') to v6key. */
static void
cef_addr(struct sbuf *b, size_t start, const char *v4key, const char *v6key,
    const char *ip)
{
	if (ip != NULL)
		cef_ext(b, start, strchr(ip, ':') != NULL ? v6key : v4key, ip);
}

static void
cef_num(struct sbuf *b, size_t start, const char *key, uint64_t v)
{
	char	num[24];

	if (v == 0)
		return;
	snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	cef_ext(b, start, key, num);
}

/* msg=JSON, last: cut to the room left, never inside an escape. */
static void
cef_msg(struct sbuf *b, size_t start, const char *json, size_t n)
{
	size_t	i, need;
	char	c, e[2] = { '\\', 0 };

	if (json == NULL || n == 0)
		return;
	need = (b->len > start ? 1 : 0) + 4;
	if (need > b->cap - b->len) {
		b->full = true;
		return;
	}
	sb_str(b, b->len > start ? " msg=" : "msg=");
	for (i = 0; i < n; i++) {
		c = json[i];
		if (c == '\\' || c == '=') {
			if (b->cap - b->len < 2)
				break;
			e[1] = c;
			sb_mem(b, e, 2);
		} else {
			if (b->cap - b->len < 1)
				break;
			c = c >= 0x20 && c < 0x7f ? c : '?';
			sb_mem(b, &c, 1);
		}
	}
	if (i < n)
		b->full = true;
}

/*
 * CEF:0|tlsfloor|tlsfloor|VERSION|SIGNATURE|NAME|SEVERITY|extensions
 * (ArcSight "Implementing ArcSight CEF"); the extension keys are CEF
 * dictionary names.
 */
static void
fmt_cef(struct sbuf *b, const struct syslog_msg *m, const char *json,
    size_t json_len)
{
	size_t	s;
	bool	v6c, v6s;

	sb_str(b, "CEF:0|tlsfloor|tlsfloor|");
	esc_put(b, TLSFLOOR_VERSION, "\\|");
	sb_str(b, "|");
	esc_put(b, m->msgid != NULL ? m->msgid : "event", "\\|");
	if (m->reason != NULL) {
		sb_str(b, ":");
		esc_put(b, m->reason, "\\|");
	}
	sb_str(b, "|");
	cef_name(b, m);
	sb_str(b, "|");
	sb_u64(b, (uint64_t)cef_severity[LOG_PRI(m->severity)]);
	sb_str(b, "|");

	s = b->len;
	v6c = m->client_ip != NULL && strchr(m->client_ip, ':') != NULL;
	v6s = m->server_ip != NULL && strchr(m->server_ip, ':') != NULL;
	cef_num(b, s, "rt", m->ts / 1000);		/* ms since the epoch */
	cef_addr(b, s, "src", "c6a2", m->client_ip);
	cef_num(b, s, "spt", m->client_port);
	cef_addr(b, s, "dst", "c6a3", m->server_ip);
	cef_num(b, s, "dpt", m->server_port);
	if (v6c)
		cef_ext(b, s, "c6a2Label", "Source IPv6 Address");
	if (v6s)
		cef_ext(b, s, "c6a3Label", "Destination IPv6 Address");
	if (m->client_port != 0 || m->server_port != 0)
		cef_ext(b, s, "proto", "TCP");
	cef_ext(b, s, "app", m->protocol);
	cef_ext(b, s, "reason", m->reason);
	cef_ext(b, s, "outcome", m->outcome);
	cef_num(b, s, "cnt", m->count);
	if (m->client_max != NULL)
		cef_ext(b, s, "cs1Label", "clientMaxVersion");
	cef_ext(b, s, "cs1", m->client_max);
	if (m->negotiated != NULL)
		cef_ext(b, s, "cs2Label", "negotiatedVersion");
	cef_ext(b, s, "cs2", m->negotiated);
	if (m->ja3 != NULL)
		cef_ext(b, s, "cs3Label", "ja3");
	cef_ext(b, s, "cs3", m->ja3);
	if (m->ja4 != NULL)
		cef_ext(b, s, "cs4Label", "ja4");
	cef_ext(b, s, "cs4", m->ja4);
	if (m->sni != NULL)
		cef_ext(b, s, "cs5Label", "serverName");
	cef_ext(b, s, "cs5", m->sni);
	if (m->exception_owner != NULL)
		cef_ext(b, s, "cs6Label", "exceptionOwner");
	cef_ext(b, s, "cs6", m->exception_owner);
	cef_msg(b, s, json, json_len);
}

/* The message (without octet count) into r->scratch, with json as its
 * body; *len its length.  False if it had to be cut. */
static bool
fmt_once(struct remote *r, const struct syslog_msg *m, const char *json,
    size_t json_len, size_t *len)
{
	struct sbuf	b;

	sb_init(&b, r->scratch, r->max);
	fmt_header(&b, r, m);
	if (r->cef) {
		sb_str(&b, "- ");
		fmt_cef(&b, m, json, json_len);
	} else {
		fmt_sd(&b, r, m);
		if (json != NULL && json_len > 0) {
			sb_str(&b, " ");
			sb_body(&b, json, json_len);
		}
	}
	*len = b.len;
	return !b.full;
}

/*
 * Optional parts of an event, in the order they go when a message is too
 * long: bulky detail first, what a SIEM rule keys on (addresses, reason,
 * versions, exception owner, counts) never.  "*0" drops the members of an
 * object that are 0 (the stats event's counters).
 */
static const char *const trim_paths[] = {
	"tls.client.supported_ciphers",
	"tlsfloor.client_hello.ja4_r",
	"tlsfloor.client_hello.ja3_string",
	"tlsfloor.server_hello.ja3s_string",
	"tlsfloor.client_hello.extensions",
	"tlsfloor.client_hello.supported_versions",
	"tlsfloor.counters*0",
	"tlsfloor.exceptions_expiring",
	"tlsfloor.capture",
	"tlsfloor.client_hello",
	"tlsfloor.server_hello",
	"tlsfloor.pcap",
	"tls.server",
	"tls.client",
	"event.category",
	"event.type",
	"tlsfloor.counters",
};

/* Remove the member at a dotted path (or, "*0", its zero members). */
static bool
trim_path(json_t *o, const char *path)
{
	const char	*dot, *key;
	char		 part[64];
	size_t		 len;
	json_t		*v;
	void		*it;
	bool		 done = false;

	while ((dot = strchr(path, '.')) != NULL) {
		len = (size_t)(dot - path);
		if (len >= sizeof(part))
			return false;
		memcpy(part, path, len);
		part[len] = '\0';
		if ((o = json_object_get(o, part)) == NULL ||
		    !json_is_object(o))
			return false;
		path = dot + 1;
	}
	len = strlen(path);
	if (len > 2 && strcmp(path + len - 2, "*0") == 0) {
		if (len - 2 >= sizeof(part))
			return false;
		memcpy(part, path, len - 2);
		part[len - 2] = '\0';
		if ((o = json_object_get(o, part)) == NULL ||
		    !json_is_object(o))
			return false;
		it = json_object_iter(o);
		while (it != NULL) {
			key = json_object_iter_key(it);
			v = json_object_iter_value(it);
			if (json_is_integer(v) && json_integer_value(v) == 0) {
				it = json_object_iter_next(o, it);
				json_object_del(o, key);
				done = true;
			} else
				it = json_object_iter_next(o, it);
		}
		return done;
	}
	return json_object_del(o, path) == 0;
}

/*
 * The message into r->scratch; returns its length.  Too long: optional
 * JSON fields dropped (trim_paths[]) until it fits, and only then cut.
 */
static size_t
fmt_msg(struct remote *r, const struct syslog_msg *m)
{
	json_t		*j;
	char		*s = NULL;
	size_t		 len, i;
	bool		 fits;

	if (fmt_once(r, m, m->json, m->json_len, &len))
		return len;
	fits = false;
	j = m->json != NULL ? json_loadb(m->json, m->json_len, 0, NULL) : NULL;
	for (i = 0; j != NULL && !fits && i < sizeof(trim_paths) /
	    sizeof(trim_paths[0]); i++) {
		if (!trim_path(j, trim_paths[i]))
			continue;
		free(s);
		/* ASCII only, as output.c made the original */
		if ((s = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII |
		    JSON_PRESERVE_ORDER)) == NULL)
			break;
		fits = fmt_once(r, m, s, strlen(s), &len);
	}
	json_decref(j);
	if (fits) {
		r->c.trimmed++;
		STAT_INC(OUT_REMOTE_TRIMMED);
		if (!r->trim_warned)
			log_info("remote %s: a %s event longer than %zu bytes "
			    "lost optional JSON fields to fit (counted in "
			    "output.remote.trimmed)", r->name, m->msgid != NULL ?
			    m->msgid : "?", r->max);
		r->trim_warned = true;
	} else {
		/* the key fields whole, the JSON cut short */
		(void)fmt_once(r, m, s != NULL ? s : m->json,
		    s != NULL ? strlen(s) : m->json_len, &len);
		r->c.cut++;
		STAT_INC(OUT_REMOTE_CUT);
		if (!r->cut_warned)
			log_warnx("remote %s: a %s event longer than %zu bytes "
			    "was cut (the key fields kept, the JSON cut short; "
			    "counted in output.remote.cut)", r->name,
			    m->msgid != NULL ? m->msgid : "?", r->max);
		r->cut_warned = true;
	}
	free(s);
	return len;
}

/* --- local syslog(3) ------------------------------------------------------ */

static char	local_ident[CONFIG_MAX_STRING + 1];	/* openlog keeps it */
static bool	local_opened;

int
syslog_local_open(const struct config *cfg)
{
	snprintf(local_ident, sizeof(local_ident), "%s",
	    cfg->syslog_ident != NULL ? cfg->syslog_ident : "tlsfloor");
	openlog(local_ident, LOG_PID | LOG_NDELAY, cfg->syslog_facility);
	local_opened = true;
	return 0;
}

void
syslog_local_send(const struct syslog_msg *m)
{
	char		body[SYSLOG_LOCAL_MAX + 1];
	struct sbuf	b;

	if (!local_opened)
		return;
	sb_init(&b, body, SYSLOG_LOCAL_MAX);
	if (m->json != NULL && m->json_len > 0)
		sb_body(&b, m->json, m->json_len);
	else
		sb_token(&b, m->msgid, SYSLOG_MSGID_MAX);
	body[b.len] = '\0';
	syslog(LOG_PRI(m->severity), "%s", body);
	STAT_INC(OUT_SYSLOG);
}

/*
 * Stop sending.  No closelog(): the connection to /dev/log is the
 * process's one, log.c's diagnostics share it once the daemon detaches,
 * and after a chroot it could not be opened again.  A later
 * syslog_local_open() (a reload) just sets the new ident and facility.
 */
void
syslog_local_close(void)
{
	local_opened = false;
}

/* --- remote: queue -------------------------------------------------------- */

static struct frame *
ring_at(const struct remote *r, size_t i)
{
	return r->ring[(r->head + i) % r->cap];
}

/* Append.  The ring grows by doubling, so an idle collector with a large
 * queue costs little; it holds at most limit unwritten frames plus what
 * the socket's send buffer had taken unacknowledged (see remote_send()). */
static int
ring_push(struct remote *r, struct frame *f)
{
	struct frame	**nr;
	size_t		  ncap, i;

	if (r->n == r->cap) {
		ncap = r->cap * 2;
		if (ncap < r->cap || (nr = calloc(ncap, sizeof(*nr))) == NULL)
			return -1;
		for (i = 0; i < r->n; i++)
			nr[i] = ring_at(r, i);
		free(r->ring);
		r->ring = nr;
		r->cap = ncap;
		r->head = 0;
	}
	r->ring[(r->head + r->n) % r->cap] = f;
	r->n++;
	return 0;
}

static void
ring_pop(struct remote *r)
{
	free(r->ring[r->head]);
	r->ring[r->head] = NULL;
	r->head = (r->head + 1) % r->cap;
	r->n--;
	if (r->nsent > 0)
		r->nsent--;
	if (r->n == 0)
		r->full_warned = false;
}

/* --- remote: connection --------------------------------------------------- */

static uint64_t
mono_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static const char *
transport_name(enum config_transport t)
{
	switch (t) {
	case CONFIG_TRANSPORT_UDP:
		return "udp";
	case CONFIG_TRANSPORT_TCP:
		return "tcp";
	case CONFIG_TRANSPORT_TLS:
		return "tls";
	case CONFIG_TRANSPORT_RELP:
		return "relp";
	}
	return "?";
}

/* An OpenSSL error queue as one line (the first error), then emptied. */
static const char *
ssl_err(char *buf, size_t len)
{
	unsigned long	e = ERR_get_error();

	if (e == 0)
		snprintf(buf, len, "unknown error");
	else
		ERR_error_string_n(e, buf, len);
	ERR_clear_error();
	return buf;
}

/* The TLS client context: TLS 1.2+, the collector verified. */
static int
tls_setup(struct remote *r, const struct config_remote *rc, char *err,
    size_t errlen)
{
	unsigned char	a[16];
	char		e[256];

	snprintf(r->verify, sizeof(r->verify), "%s", rc->server_name != NULL ?
	    rc->server_name : rc->host);
	r->verify_ip = inet_pton(AF_INET, r->verify, a) == 1 ||
	    inet_pton(AF_INET6, r->verify, a) == 1;
	if ((r->ctx = SSL_CTX_new(TLS_client_method())) == NULL ||
	    SSL_CTX_set_min_proto_version(r->ctx, TLS1_2_VERSION) != 1) {
		snprintf(err, errlen, "remote %s: TLS: %s", r->name,
		    ssl_err(e, sizeof(e)));
		return -1;
	}
	SSL_CTX_set_verify(r->ctx, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_options(r->ctx, SSL_OP_NO_RENEGOTIATION);
	SSL_CTX_set_mode(r->ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (rc->ca_file != NULL) {
		if (SSL_CTX_load_verify_locations(r->ctx, rc->ca_file,
		    NULL) != 1) {
			snprintf(err, errlen, "remote %s: ca_file %s: %s",
			    r->name, rc->ca_file, ssl_err(e, sizeof(e)));
			return -1;
		}
	} else if (SSL_CTX_set_default_verify_paths(r->ctx) != 1) {
		snprintf(err, errlen, "remote %s: the system's CA "
		    "certificates: %s", r->name, ssl_err(e, sizeof(e)));
		return -1;
	}
	if (rc->cert_file != NULL) {
		if (SSL_CTX_use_certificate_chain_file(r->ctx,
		    rc->cert_file) != 1) {
			snprintf(err, errlen, "remote %s: cert_file %s: %s",
			    r->name, rc->cert_file, ssl_err(e, sizeof(e)));
			return -1;
		}
		if (SSL_CTX_use_PrivateKey_file(r->ctx, rc->key_file,
		    SSL_FILETYPE_PEM) != 1 ||
		    SSL_CTX_check_private_key(r->ctx) != 1) {
			snprintf(err, errlen, "remote %s: key_file %s: %s",
			    r->name, rc->key_file, ssl_err(e, sizeof(e)));
			return -1;
		}
	}
	return 0;
}

/*
 * A collector: checked, its TLS context made (the files read now), no name
 * looked up and no connection made yet (remote_poll() does both), so a
 * name that does not resolve today is no reason to fail.
 */
struct remote *
remote_open(const struct config_remote *rc, const char *ident, int facility,
    char *err, size_t errlen)
{
	struct addrinfo	 hints, *res = NULL;
	struct remote	*r = NULL;
	char		 hn[SYSLOG_HOST_MAX + 2];
	bool		 v6;

	if (rc == NULL || rc->host == NULL || rc->host[0] == '\0' ||
	    rc->port == 0 || rc->queue == 0 ||
	    strlen(rc->host) >= sizeof(r->hostname)) {
		snprintf(err, errlen, "remote: host, port and queue required");
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		snprintf(err, errlen, "remote %s: out of memory", rc->host);
		return NULL;
	}
	r->fd = -1;
	r->transport = rc->transport;
	r->stream = rc->transport != CONFIG_TRANSPORT_UDP;
	r->relp = rc->transport == CONFIG_TRANSPORT_RELP;
	r->cef = rc->format == CONFIG_RFORMAT_CEF;
	v6 = strchr(rc->host, ':') != NULL;
	snprintf(r->name, sizeof(r->name), "%s%s%s:%u/%s", v6 ? "[" : "",
	    rc->host, v6 ? "]" : "", rc->port, transport_name(rc->transport));
	snprintf(r->hostname, sizeof(r->hostname), "%s", rc->host);
	snprintf(r->port, sizeof(r->port), "%u", rc->port);
	snprintf(r->sdid, sizeof(r->sdid), "%s", rc->sd_id != NULL ?
	    rc->sd_id : CONFIG_SD_ID);

	/* an address needs no lookup: take it now (never blocks) */
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = r->stream ? SOCK_STREAM : SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if (getaddrinfo(rc->host, r->port, &hints, &res) == 0 &&
	    res->ai_addrlen <= sizeof(r->addr[0])) {
		memcpy(&r->addr[0], res->ai_addr, res->ai_addrlen);
		r->addrlen[0] = res->ai_addrlen;
		r->naddr = 1;
		r->numeric = true;
	}
	if (res != NULL)
		freeaddrinfo(res);

	r->facility = facility;
	memset(hn, 0, sizeof(hn));
	if (gethostname(hn, sizeof(hn) - 1) != 0)
		hn[0] = '\0';
	clean_token(r->host, sizeof(r->host), hn);
	clean_token(r->app, sizeof(r->app), ident);
	r->max = rc->max_message_size != 0 ? rc->max_message_size :
	    r->stream ? CONFIG_MSG_TCP_DEFAULT : CONFIG_MSG_UDP_DEFAULT;
	r->limit = rc->queue;
	r->cap = REMOTE_RING_MIN;
	if ((r->scratch = malloc(r->max)) == NULL ||
	    (r->ring = calloc(r->cap, sizeof(*r->ring))) == NULL) {
		snprintf(err, errlen, "remote %s: out of memory", r->name);
		goto fail;
	}
	if (rc->transport == CONFIG_TRANSPORT_TLS &&
	    tls_setup(r, rc, err, errlen) != 0)
		goto fail;
	r->state = REMOTE_DOWN;
	r->backoff = REMOTE_BACKOFF_MIN;
	return r;
fail:
	SSL_CTX_free(r->ctx);
	free(r->scratch);
	free(r->ring);
	free(r);
	return NULL;
}

/*
 * The collector's addresses, looked up now (blocking), or NULL and why;
 * free the list with freeaddrinfo().  For tlsfloor -n, which wants to
 * know before a start; the running sensor never calls it (remote_start()
 * looks names up without waiting).
 */
struct addrinfo *
remote_resolve(const struct config_remote *rc, char *err, size_t errlen)
{
	struct addrinfo	 hints, *res = NULL;
	char		 port[8];
	int		 rv;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = rc->transport == CONFIG_TRANSPORT_UDP ?
	    SOCK_DGRAM : SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%u", rc->port);
	if ((rv = getaddrinfo(rc->host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "outputs.remote: collector \"%s\" does "
		    "not resolve: %s", rc->host,
		    rv == EAI_SYSTEM ? strerror(errno) : gai_strerror(rv));
		return NULL;
	}
	return res;
}

/*
 * A reload that keeps this collector: its TLS files read again (a renewed
 * certificate or CA is taken without a restart), the queue and the
 * connection kept (the connection goes on with the context it began
 * with; the next one uses the new).  On an error the old context stays,
 * and err says why.
 */
int
remote_refresh(struct remote *r, const struct config_remote *rc, char *err,
    size_t errlen)
{
	SSL_CTX	*old;

	if (r == NULL || r->ctx == NULL)
		return 0;
	old = r->ctx;
	r->ctx = NULL;
	if (tls_setup(r, rc, err, errlen) != 0) {
		SSL_CTX_free(r->ctx);
		r->ctx = old;
		return -1;
	}
	SSL_CTX_free(old);	/* a live SSL holds its own reference */
	return 0;
}

/*
 * At start-up, before privileges are dropped: look the name up once now
 * (blocking, like any start-up step), so that the addresses are known
 * even if a chroot later hides the resolver's files, and the resolver's
 * libraries are loaded.  A failure is no error: remote_start() tries
 * again, and says so.
 */
void
remote_prime(struct remote *r)
{
	struct addrinfo	 hints, *res = NULL, *a;

	if (r == NULL || r->numeric)
		return;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = r->stream ? SOCK_STREAM : SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG;
	if (getaddrinfo(r->hostname, r->port, &hints, &res) != 0)
		return;
	for (a = res, r->naddr = 0; a != NULL && r->naddr < REMOTE_ADDR_MAX;
	    a = a->ai_next) {
		if (a->ai_addrlen > sizeof(r->addr[0]))
			continue;
		memcpy(&r->addr[r->naddr], a->ai_addr, a->ai_addrlen);
		r->addrlen[r->naddr++] = a->ai_addrlen;
	}
	freeaddrinfo(res);
}

/* Time for an attempt: a name is looked up first, an address used. */
static void
remote_start(struct remote *r)
{
	struct lookup	*l;
	int		 rv;

	if (r->numeric) {
		remote_connect(r);
		return;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		remote_fail(r, "resolve", "out of memory");
		return;
	}
	snprintf(l->host, sizeof(l->host), "%s", r->hostname);
	snprintf(l->port, sizeof(l->port), "%s", r->port);
	l->hints.ai_family = AF_UNSPEC;
	l->hints.ai_socktype = r->stream ? SOCK_STREAM : SOCK_DGRAM;
	l->hints.ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG;
	l->cb.ar_name = l->host;
	l->cb.ar_service = l->port;
	l->cb.ar_request = &l->hints;
	l->list[0] = &l->cb;
	if ((rv = getaddrinfo_a(GAI_NOWAIT, l->list, 1, NULL)) != 0) {
		free(l);
		remote_fail(r, "resolve", gai_strerror(rv));
		return;
	}
	r->lookup = l;
	r->state = REMOTE_RESOLVING;
	r->since = r->now;
}

/* Has the lookup finished?  (gai_error() never waits.) */
static void
remote_resolving(struct remote *r)
{
	struct lookup	*l = r->lookup;
	struct addrinfo	*a;
	int		 rv;

	if ((rv = gai_error(&l->cb)) == EAI_INPROGRESS)
		return;
	r->lookup = NULL;
	if (rv == 0) {
		r->naddr = 0;
		for (a = l->cb.ar_result; a != NULL &&
		    r->naddr < REMOTE_ADDR_MAX; a = a->ai_next) {
			if (a->ai_addrlen > sizeof(r->addr[0]))
				continue;
			memcpy(&r->addr[r->naddr], a->ai_addr, a->ai_addrlen);
			r->addrlen[r->naddr++] = a->ai_addrlen;
		}
		/* r->ai is not reset: each attempt looks the name up again,
		 * and starting over at the first address would never reach
		 * the second when the first is dead ("localhost" as ::1
		 * first, the collector on 127.0.0.1 only) */
		if (r->resolve_warned)
			log_info("remote %s: the name resolves again",
			    r->name);
		r->resolve_warned = false;
	}
	if (l->cb.ar_result != NULL)
		freeaddrinfo(l->cb.ar_result);
	free(l);
	if (rv != 0 || r->naddr == 0) {
		r->c.resolve_failures++;
		STAT_INC(OUT_REMOTE_RESOLVE_FAILED);
		if (r->naddr == 0) {
			remote_fail(r, "resolve", rv != 0 ? gai_strerror(rv) :
			    "no usable address");
			return;
		}
		if (!r->resolve_warned)
			log_warnx("remote %s: resolve: %s; using the address "
			    "it had before", r->name, gai_strerror(rv));
		r->resolve_warned = true;
	}
	remote_connect(r);
}

static void
remote_connect(struct remote *r)
{
	const struct sockaddr_storage	*sa = &r->addr[r->ai % r->naddr];

	r->fd = socket(sa->ss_family, (r->stream ? SOCK_STREAM : SOCK_DGRAM) |
	    SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (r->fd == -1) {
		remote_fail(r, "socket", strerror(errno));
		return;
	}
	/* UDP: connect() only fixes the peer, so that ICMP errors reach us */
	if (connect(r->fd, (const struct sockaddr *)sa,
	    r->addrlen[r->ai % r->naddr]) == 0) {
		remote_connected(r);
		return;
	}
	if (errno == EINPROGRESS || errno == EINTR) {
		r->state = REMOTE_CONNECTING;
		r->since = r->now;
		return;
	}
	remote_fail(r, "connect", strerror(errno));
}

/* Has the non-blocking connect() finished?  (poll with timeout 0: never
 * waits.)  A SYN into a black hole is given up after a while. */
static void
remote_connecting(struct remote *r)
{
	struct pollfd	p = { .fd = r->fd, .events = POLLOUT };
	int		e = 0;
	socklen_t	elen = sizeof(e);

	if (poll(&p, 1, 0) <= 0) {
		if (r->now - r->since >= REMOTE_CONNECT_TIMEOUT)
			remote_fail(r, "connect", strerror(ETIMEDOUT));
		return;
	}
	if (getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &e, &elen) == -1)
		e = errno;
	if (e != 0) {
		remote_fail(r, "connect", strerror(e));
		return;
	}
	remote_connected(r);
}

/* TCP is up: TLS handshakes, RELP opens a session, the others are up. */
static void
remote_connected(struct remote *r)
{
	if (r->transport == CONFIG_TRANSPORT_TLS)
		remote_tls_start(r);
	else if (r->relp)
		relp_open(r);
	else
		remote_up(r);
}

/* TCP is up: begin the TLS handshake, the name to verify set. */
static void
remote_tls_start(struct remote *r)
{
	X509_VERIFY_PARAM	*vp;
	char			 e[256];

	if ((r->ssl = SSL_new(r->ctx)) == NULL ||
	    SSL_set_fd(r->ssl, r->fd) != 1) {
		remote_fail(r, "TLS", ssl_err(e, sizeof(e)));
		return;
	}
	vp = SSL_get0_param(r->ssl);
	X509_VERIFY_PARAM_set_hostflags(vp,
	    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if (r->verify_ip ? X509_VERIFY_PARAM_set1_ip_asc(vp, r->verify) != 1 :
	    X509_VERIFY_PARAM_set1_host(vp, r->verify, 0) != 1 ||
	    SSL_set_tlsext_host_name(r->ssl, r->verify) != 1) {
		remote_fail(r, "TLS", ssl_err(e, sizeof(e)));
		return;
	}
	SSL_set_connect_state(r->ssl);
	r->state = REMOTE_HANDSHAKE;
	r->since = r->now;
	remote_handshake(r);
}

/* Why a TLS call failed, for the log: the verification result first. */
static const char *
tls_reason(struct remote *r, int rv, int err, char *buf, size_t len)
{
	long	v;

	if (r->state == REMOTE_HANDSHAKE &&
	    (v = SSL_get_verify_result(r->ssl)) != X509_V_OK) {
		snprintf(buf, len, "certificate verify failed: %s (wanted "
		    "%s)", X509_verify_cert_error_string(v), r->verify);
		ERR_clear_error();
		return buf;
	}
	switch (err) {
	case SSL_ERROR_ZERO_RETURN:
		snprintf(buf, len, "closed by the collector");
		break;
	case SSL_ERROR_SYSCALL:
		if (ERR_peek_error() != 0)
			return ssl_err(buf, len);
		snprintf(buf, len, "%s", rv == 0 || errno == 0 ?
		    "connection closed by the collector" : strerror(errno));
		break;
	default:
		return ssl_err(buf, len);
	}
	ERR_clear_error();
	return buf;
}

/* One handshake step; WANT_READ / WANT_WRITE: poll() says when again. */
static void
remote_handshake(struct remote *r)
{
	char	buf[512];
	int	rv, err;

	ERR_clear_error();
	if ((rv = SSL_do_handshake(r->ssl)) == 1) {
		remote_up(r);
		return;
	}
	err = SSL_get_error(r->ssl, rv);
	if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
		if (r->now - r->since >= REMOTE_CONNECT_TIMEOUT)
			remote_fail(r, "TLS handshake", "timed out");
		return;
	}
	r->c.tls_failures++;
	STAT_INC(OUT_REMOTE_TLS_FAILED);
	remote_fail(r, "TLS handshake", tls_reason(r, rv, err, buf,
	    sizeof(buf)));
}

static void
remote_up(struct remote *r)
{
	r->state = REMOTE_UP;
	r->since = r->now;
	r->nsent = 0;
	r->off = 0;
	r->wpending = false;
	r->wbytes = r->ssl != NULL ?
	    BIO_number_written(SSL_get_wbio(r->ssl)) : 0;
	/* UDP after a failure: one datagram must get through first */
	r->probing = !r->stream && r->warned;
	r->c.connects++;
	STAT_INC(OUT_REMOTE_CONNECTS);
	if (r->warned)
		log_info("remote %s: connected", r->name);
}

/* Close the connection (TLS: a close_notify attempted, never waited for). */
static void
remote_disconnect(struct remote *r)
{
	char	buf[32];
	int	len;

	/* RELP: say goodbye if nothing is half written (not waited for) */
	if (r->relp && r->state == REMOTE_UP && r->off == 0) {
		len = snprintf(buf, sizeof(buf), "%u close 0\n",
		    (unsigned)relp_txnr(r));
		(void)send(r->fd, buf, (size_t)len, MSG_DONTWAIT |
		    MSG_NOSIGNAL);
	}
	r->rlen = 0;
	if (r->ssl != NULL) {
		if (r->state == REMOTE_UP)
			(void)SSL_shutdown(r->ssl);
		SSL_free(r->ssl);
		ERR_clear_error();
		r->ssl = NULL;
	}
	if (r->fd != -1)
		close(r->fd);
	r->fd = -1;
	r->state = REMOTE_DOWN;
	r->nsent = 0;
	r->off = 0;
	r->wbytes = 0;
	r->wpending = false;
}

/*
 * The connection is gone (or never came): close it, put every written but
 * unacknowledged TCP/TLS message back in line (a partly written one from
 * its start), count the unconfirmed UDP datagrams as failed, and wait out
 * the back-off.  Logged once until a delivery.
 */
static void
remote_fail(struct remote *r, const char *what, const char *reason)
{
	size_t	lost;

	r->c.errors++;
	STAT_INC(OUT_REMOTE_ERRORS);
	if (!r->warned)
		log_warnx("remote %s: %s: %s; retrying with back-off, "
		    "holding up to %zu events", r->name, what, reason,
		    r->limit);
	r->warned = true;
	if (!r->stream) {
		/* which of them the error was for, nobody can say */
		for (lost = r->nsent; lost > 0; lost--) {
			ring_pop(r);
			r->c.failed++;
			STAT_INC(OUT_REMOTE_FAILED);
		}
	}
	remote_disconnect(r);
	if (r->naddr > 1)
		r->ai = (r->ai + 1) % r->naddr;
	r->next_try = r->now + r->backoff;
	r->backoff = r->backoff * 2 < REMOTE_BACKOFF_MAX ? r->backoff * 2 :
	    REMOTE_BACKOFF_MAX;
}

/* The head message reached the collector. */
static void
remote_delivered(struct remote *r)
{
	ring_pop(r);
	if (r->relp) {
		r->c.acknowledged++;
		STAT_INC(OUT_REMOTE_ACKNOWLEDGED);
	} else {
		r->c.sent++;
		STAT_INC(OUT_REMOTE_SENT);
	}
	r->backoff = REMOTE_BACKOFF_MIN;
	if (r->warned)
		log_info("remote %s: delivering again", r->name);
	r->warned = false;
}

/*
 * A syslog collector never talks back (TLS: but for session tickets and
 * alerts): read and discard whatever it sends, and notice its close or
 * reset before we write into a dead connection.  Returns 0 while it is
 * alive, else an errno value (EPIPE for an orderly close); *why says it
 * for TLS.
 */
static int
remote_peer(struct remote *r)
{
	char	buf[512];
	ssize_t	n;
	int	i, rv, err;

	for (i = 0; i < REMOTE_RECV_MAX; i++) {
		if (r->ssl != NULL) {
			ERR_clear_error();
			if ((rv = SSL_read(r->ssl, buf, sizeof(buf))) > 0)
				continue;
			err = SSL_get_error(r->ssl, rv);
			if (err == SSL_ERROR_WANT_READ ||
			    err == SSL_ERROR_WANT_WRITE)
				return 0;
			/* a close without close_notify is a close too
			 * (OpenSSL 3 reports it as an error) */
			if (err == SSL_ERROR_ZERO_RETURN ||
			    (err == SSL_ERROR_SYSCALL && rv == 0) ||
			    (err == SSL_ERROR_SSL &&
			    ERR_GET_REASON(ERR_peek_error()) ==
			    SSL_R_UNEXPECTED_EOF_WHILE_READING)) {
				ERR_clear_error();
				return EPIPE;
			}
			ERR_clear_error();
			return err == SSL_ERROR_SYSCALL && errno != 0 ?
			    errno : EPROTO;
		}
		n = recv(r->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n > 0)
			continue;
		if (n == 0)
			return EPIPE;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return 0;
		return errno;
	}
	return 0;
}

/* Bytes written on this connection that the collector has acknowledged.
 * Without SIOCOUTQ, what the kernel took counts as acknowledged. */
static int
remote_outq(struct remote *r, uint64_t *acked)
{
#ifdef SIOCOUTQ
	int	q;

	if (ioctl(r->fd, SIOCOUTQ, &q) == -1 || q < 0 ||
	    (uint64_t)q > r->wbytes)
		return -1;
	*acked = r->wbytes - (uint64_t)q;
#else
	*acked = r->wbytes;
#endif
	return 0;
}

static void
remote_acked(struct remote *r, uint64_t acked)
{
	while (r->nsent > 0 && ring_at(r, 0)->end <= acked)
		remote_delivered(r);
}

/*
 * TCP, TLS: collect acknowledgements and make sure the collector is still
 * there.  SIOCOUTQ is read first, liveness second: a reset empties the
 * send queue (SIOCOUTQ then says 0, "all acknowledged") but also leaves an
 * error that remote_peer() reports, and then the count is not believed.
 * After an orderly close (FIN) the count is still true, and what the
 * collector acknowledged before closing is not sent again.  Returns 0
 * while the connection is usable, -1 once it has been failed.
 */
static int
remote_check(struct remote *r)
{
	uint64_t	acked = 0;
	bool		have;
	int		e;
	char		why[160];

	if (r->relp) {		/* acknowledgements are rsp frames */
		if ((e = relp_read(r, why, sizeof(why))) != 0) {
			remote_fail(r, "connection", why);
			return -1;
		}
		return 0;
	}
	if (r->ssl != NULL)	/* TLS may have written too (alerts) */
		r->wbytes = BIO_number_written(SSL_get_wbio(r->ssl));
	have = r->nsent > 0 && remote_outq(r, &acked) == 0;
	e = remote_peer(r);
	if (have && (e == 0 || e == EPIPE))
		remote_acked(r, acked);
	if (e != 0) {
		remote_fail(r, "connection", e == EPIPE ?
		    "closed by the collector" : strerror(e));
		return -1;
	}
	return 0;
}

/*
 * UDP: a connected socket reports an ICMP error (port or host
 * unreachable) as a pending socket error.  None for REMOTE_UDP_CONFIRM
 * after a datagram went: it is counted as sent.  One: every datagram not
 * yet confirmed is counted failed (remote_fail()).
 */
static void
remote_udp_confirm(struct remote *r)
{
	int		e = 0;
	socklen_t	elen = sizeof(e);
	bool		any = false;

	if (getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &e, &elen) == -1)
		e = errno;
	if (e != 0) {
		remote_fail(r, "send", strerror(e));
		return;
	}
	while (r->nsent > 0 && ring_at(r, 0)->stamped &&
	    ring_at(r, 0)->end + REMOTE_UDP_CONFIRM <= r->now) {
		remote_delivered(r);
		any = true;
	}
	if (any)
		r->probing = false;
}

/* UDP: datagrams sent since the last remote_poll() get its time. */
static void
remote_udp_stamp(struct remote *r)
{
	struct frame	*f;
	size_t		 i;

	for (i = r->nsent; i > 0; i--) {
		f = ring_at(r, i - 1);
		if (f->stamped)
			break;
		f->end = r->now;
		f->stamped = true;
	}
}

static void
remote_flush(struct remote *r)
{
	if (r->stream)
		remote_flush_stream(r);
	else
		remote_flush_udp(r);
}

static void
remote_flush_udp(struct remote *r)
{
	struct frame	*f;
	ssize_t		 n;

	/* unconfirmed datagrams are held too: at most limit of them, so
	 * that a fast producer and a slow poll cannot grow the ring */
	while (r->state == REMOTE_UP && r->nsent < r->n &&
	    r->nsent < r->limit && !(r->probing && r->nsent > 0)) {
		f = ring_at(r, r->nsent);
		n = send(r->fd, f->data, f->len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n >= 0) {
			/* remote_send() has no clock: the next
			 * remote_poll() stamps it (remote_udp_stamp()) */
			f->stamped = false;
			r->nsent++;
			continue;
		}
		switch (errno) {
		case EINTR:
			continue;
		case EAGAIN:
#if EWOULDBLOCK != EAGAIN
		case EWOULDBLOCK:
#endif
		case ENOBUFS:		/* the interface queue: try later */
			return;
		case EMSGSIZE:		/* this one can never go: drop it */
			if (r->nsent > 0)
				return;	/* once it is at the head */
			r->c.dropped++;
			STAT_INC(OUT_REMOTE_DROPPED);
			if (!r->cut_warned)
				log_warnx("remote %s: %zu-byte datagram too "
				    "large, dropped", r->name, f->len);
			r->cut_warned = true;
			ring_pop(r);
			continue;
		default:		/* an earlier datagram's ICMP error */
			remote_fail(r, "send", strerror(errno));
			return;
		}
	}
}

static void
remote_flush_stream(struct remote *r)
{
	struct frame	*f;
	ssize_t		 n;
	char		 buf[512];
	int		 rv, err;

	if (r->state != REMOTE_UP || r->nsent == r->n)
		return;
	/* a collector that has closed would take one more write, then
	 * reset: ask first */
	if (remote_check(r) == -1)
		return;
	while (r->nsent < r->n) {
		f = ring_at(r, r->nsent);
		if (r->relp) {
			if (r->nsent >= REMOTE_RELP_WINDOW)
				break;		/* wait for rsp frames */
			if (r->off == 0) {	/* a new transaction */
				f->end = relp_txnr(r);
				f->acked = f->rejected = false;
				f->hlen = (uint8_t)snprintf(f->hdr,
				    sizeof(f->hdr), "%u syslog %zu ",
				    (unsigned)f->end, f->len);
			}
			n = relp_send(r, f);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				if (errno == EAGAIN || errno == EWOULDBLOCK)
					break;
				remote_fail(r, "send", strerror(errno));
				return;
			}
			r->off += (size_t)n;
			if (r->off == f->hlen + f->len + 1) {
				r->nsent++;
				r->off = 0;
			}
			continue;
		}
		if (r->ssl != NULL) {
			/* no partial writes: all of the frame, or retry it */
			ERR_clear_error();
			rv = SSL_write(r->ssl, f->data, (int)f->len);
			if (rv <= 0) {
				err = SSL_get_error(r->ssl, rv);
				if (err == SSL_ERROR_WANT_WRITE ||
				    err == SSL_ERROR_WANT_READ) {
					r->wpending = true;
					break;
				}
				remote_fail(r, "send", tls_reason(r, rv, err,
				    buf, sizeof(buf)));
				return;
			}
			r->wpending = false;
			r->wbytes = BIO_number_written(SSL_get_wbio(r->ssl));
			f->end = r->wbytes;
			r->nsent++;
			continue;
		}
		n = send(r->fd, f->data + r->off, f->len - r->off,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			remote_fail(r, "send", strerror(errno));
			return;
		}
		r->off += (size_t)n;
		r->wbytes += (uint64_t)n;
		if (r->off == f->len) {
			f->end = r->wbytes;
			r->nsent++;
			r->off = 0;
		}
	}
#ifndef SIOCOUTQ
	remote_acked(r, r->wbytes);
#endif
}


/* --- remote: RELP ---------------------------------------------------------- */

/*
 * RELP (rsyslog's Reliable Event Logging Protocol), the client side, on
 * the same non-blocking socket and queue as TCP.  Frames are
 *
 *   TXNR SP COMMAND SP DATALEN [SP DATA] LF
 *
 * A session opens with "1 open" (relp_version=0, commands=syslog) and its
 * "1 rsp 200"; then each message is "TXNR syslog LEN MSG", and the
 * collector answers each with "TXNR rsp LEN 200 OK" once it has taken the
 * message.  A message is delivered (output.remote.acknowledged) only
 * then: whatever was written but not answered when the connection fails
 * is sent again, with a new TXNR, on the next session, so a relay that
 * restarts loses nothing it had not acknowledged (a duplicate is possible
 * when it took a message and died before its rsp left).  A rsp other than
 * 200 rejects that one message: counted failed.  At most
 * REMOTE_RELP_WINDOW transactions are open at once (rsyslog's default
 * window).  A "serverclose" is a close.
 *
 * librelp is not used: its client calls block (connect, the open
 * handshake, and every send once the window is full) and it does not say
 * which messages were acknowledged, and the capture loop must neither
 * wait nor lose count.
 */

/* The next transaction number: 1 to 999999999, then around again. */
static uint32_t
relp_txnr(struct remote *r)
{
	r->txnr = r->txnr >= 999999999u ? 1 : r->txnr + 1;
	return r->txnr;
}

/* The rest of frame f from byte r->off: header, message, LF. */
static ssize_t
relp_send(struct remote *r, const struct frame *f)
{
	struct iovec	 iov[3];
	struct msghdr	 mh;
	const char	*part[3] = { f->hdr, f->data, "\n" };
	size_t		 plen[3] = { f->hlen, f->len, 1 };
	size_t		 off = r->off, i, k = 0;

	for (i = 0; i < 3; i++) {
		if (off >= plen[i]) {
			off -= plen[i];
			continue;
		}
		iov[k].iov_base = (void *)(uintptr_t)(part[i] + off);
		iov[k].iov_len = plen[i] - off;
		off = 0;
		k++;
	}
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = iov;
	mh.msg_iovlen = k;
	return sendmsg(r->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* TCP is up: open the session.  A fresh socket takes these few bytes. */
static void
relp_open(struct remote *r)
{
	static const char	offers[] = "relp_version=0\nrelp_software="
				    "tlsfloor," TLSFLOOR_VERSION "\ncommands=syslog";
	char			buf[160];
	int			len;
	ssize_t			n;

	r->txnr = 1;
	r->rlen = 0;
	len = snprintf(buf, sizeof(buf), "1 open %zu %s\n",
	    sizeof(offers) - 1, offers);
	n = send(r->fd, buf, (size_t)len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n != len) {
		remote_fail(r, "RELP open", n < 0 ? strerror(errno) :
		    "the socket took part of it");
		return;
	}
	r->state = REMOTE_RELP_OPEN;
	r->since = r->now;
}

static void
relp_opening(struct remote *r)
{
	char	why[160];

	if (relp_read(r, why, sizeof(why)) != 0) {
		remote_fail(r, "RELP open", why);
		return;
	}
	if (r->state == REMOTE_RELP_OPEN &&
	    r->now - r->since >= REMOTE_CONNECT_TIMEOUT)
		remote_fail(r, "RELP open", "no answer");
}

/* A rsp: the transaction txnr is over, ok or not. */
static void
relp_acked(struct remote *r, uint32_t txnr, bool ok, const char *data,
    size_t dlen)
{
	struct frame	*f;
	char		 text[64];
	size_t		 i;

	for (i = 0; i < r->nsent; i++) {
		f = ring_at(r, i);
		if (f->end == txnr && !f->acked)
			break;
	}
	if (i == r->nsent)
		return;			/* none open: a late rsp, ignored */
	f->acked = true;
	f->rejected = !ok;
	/* delivered in order: the head first */
	while (r->nsent > 0 && (f = ring_at(r, 0))->acked) {
		if (!f->rejected) {
			remote_delivered(r);
			continue;
		}
		if (!r->reject_warned) {
			clean_token(text, sizeof(text) < dlen + 1 ?
			    sizeof(text) : dlen + 1, data);
			log_warnx("remote %s: the collector rejected an event "
			    "(%s), counted in output.remote.failed", r->name,
			    text);
		}
		r->reject_warned = true;
		ring_pop(r);
		r->c.failed++;
		STAT_INC(OUT_REMOTE_FAILED);
	}
}

/*
 * One frame at p (n bytes): its length, 0 if it is not complete yet, -1
 * if it breaks the grammar (why says how).  Acts on it.
 */
static int
relp_frame(struct remote *r, const char *p, size_t n, char *why,
    size_t whylen)
{
	size_t		 i = 0, dlen = 0, clen;
	uint32_t	 txnr = 0;
	const char	*cmd, *data;
	bool		 ok;

	/* TXNR: 1 to 9 digits */
	while (i < n && i < 9 && p[i] >= '0' && p[i] <= '9')
		txnr = txnr * 10 + (uint32_t)(p[i++] - '0');
	if (i == n)
		return 0;
	if (i == 0 || p[i] != ' ')
		goto bad;
	cmd = p + ++i;
	while (i < n && p[i] >= 'a' && p[i] <= 'z' && p + i - cmd < 32)
		i++;
	if (i == n)
		return 0;
	clen = (size_t)(p + i - cmd);
	if (clen == 0 || p[i] != ' ')
		goto bad;
	data = p + ++i;
	while (i < n && p[i] >= '0' && p[i] <= '9' && p + i - data < 9)
		dlen = dlen * 10 + (size_t)(p[i++] - '0');
	if (i == n)
		return 0;
	if (p + i == data)
		goto bad;
	if (dlen > 0) {		/* SP DATA */
		if (p[i] != ' ')
			goto bad;
		i++;
	}
	data = p + i;
	if (dlen + 1 > n - i) {
		if (dlen + 1 <= sizeof(r->rbuf) - i)
			return 0;
		snprintf(why, whylen, "a RELP frame longer than %zu bytes",
		    sizeof(r->rbuf));
		return -1;
	}
	if (data[dlen] != '\n')
		goto bad;
	i += dlen + 1;
	if (clen == 3 && memcmp(cmd, "rsp", 3) == 0) {
		ok = dlen >= 3 && memcmp(data, "200", 3) == 0;
		if (r->state == REMOTE_RELP_OPEN && txnr == 1) {
			if (!ok) {
				snprintf(why, whylen, "the collector refused "
				    "the session: %.*s", (int)(dlen < 60 ?
				    dlen : 60), data);
				return -1;
			}
			remote_up(r);
		} else
			relp_acked(r, txnr, ok, data, dlen);
	} else if (clen == 11 && memcmp(cmd, "serverclose", 11) == 0) {
		snprintf(why, whylen, "the collector closed the session");
		return -1;
	}
	return (int)i;
bad:
	snprintf(why, whylen, "not RELP from the collector");
	return -1;
}

/* Read and act on what the collector sent.  0 while alive, else an
 * errno value and why says what. */
static int
relp_read(struct remote *r, char *why, size_t whylen)
{
	ssize_t	n;
	int	i, k;
	size_t	at;

	for (i = 0; i < REMOTE_RECV_MAX; i++) {
		if (r->rlen == sizeof(r->rbuf)) {
			snprintf(why, whylen, "a RELP frame longer than %zu "
			    "bytes", sizeof(r->rbuf));
			return EPROTO;
		}
		n = recv(r->fd, r->rbuf + r->rlen, sizeof(r->rbuf) - r->rlen,
		    MSG_DONTWAIT);
		if (n == 0) {
			snprintf(why, whylen, "closed by the collector");
			return EPIPE;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			snprintf(why, whylen, "%s", strerror(errno));
			return errno;
		}
		r->rlen += (size_t)n;
		for (at = 0; at < r->rlen; at += (size_t)k) {
			k = relp_frame(r, r->rbuf + at, r->rlen - at, why,
			    whylen);
			if (k < 0)
				return EPROTO;
			if (k == 0)
				break;
		}
		memmove(r->rbuf, r->rbuf + at, r->rlen - at);
		r->rlen -= at;
	}
	return 0;
}

void
remote_send(struct remote *r, const struct syslog_msg *m)
{
	struct frame	*f;
	size_t		 len;
	char		 pfx[24];
	int		 plen = 0;

	if (r == NULL || m == NULL)
		return;
	r->c.events++;
	STAT_INC(OUT_REMOTE_EVENTS);
	/* The limit counts what waits for the collector, not what a healthy
	 * connection has in flight (bounded by the socket's send buffer):
	 * a burst must not be dropped for want of an ACK not yet read. */
	if (r->n - r->nsent >= r->limit) {
		/* full: the newest goes, the frame in flight stays whole */
		r->c.dropped++;
		STAT_INC(OUT_REMOTE_DROPPED);
		if (!r->full_warned)
			log_warnx("remote %s: queue full (%zu events), "
			    "dropping new events (counted in "
			    "output.remote.dropped)", r->name, r->limit);
		r->full_warned = true;
		return;
	}
	len = fmt_msg(r, m);
	if (r->stream && !r->relp)	/* RFC 6587 3.4.1, RFC 5425 4.3 */
		plen = snprintf(pfx, sizeof(pfx), "%zu ", len);
	if ((f = malloc(sizeof(*f) + (size_t)plen + len)) == NULL) {
		r->c.dropped++;
		STAT_INC(OUT_REMOTE_DROPPED);
		return;
	}
	f->end = 0;
	f->stamped = false;
	f->len = (size_t)plen + len;
	memcpy(f->data, pfx, (size_t)plen);
	memcpy(f->data + plen, r->scratch, len);
	if (ring_push(r, f) == -1) {
		free(f);
		r->c.dropped++;
		STAT_INC(OUT_REMOTE_DROPPED);
		return;
	}
	remote_flush(r);
}

void
remote_poll(struct remote *r, uint64_t now_us)
{
	if (r == NULL)
		return;
	r->now = now_us;
	switch (r->state) {
	case REMOTE_DOWN:
		if (now_us < r->next_try)
			return;
		remote_start(r);
		break;
	case REMOTE_RESOLVING:
		remote_resolving(r);
		break;
	case REMOTE_CONNECTING:
		remote_connecting(r);
		break;
	case REMOTE_HANDSHAKE:
		remote_handshake(r);
		break;
	case REMOTE_RELP_OPEN:
		relp_opening(r);
		break;
	case REMOTE_UP:
		break;
	}
	if (r->state != REMOTE_UP)
		return;
	if (r->stream) {
		if (remote_check(r) == -1)
			return;
		/* a connection that has lasted is no reason for caution */
		if (now_us - r->since >= REMOTE_BACKOFF_MAX)
			r->backoff = REMOTE_BACKOFF_MIN;
	} else {
		remote_udp_stamp(r);
		remote_udp_confirm(r);
		if (r->state != REMOTE_UP)
			return;
	}
	remote_flush(r);
	if (!r->stream)
		remote_udp_stamp(r);
}

int
remote_pollfd(const struct remote *r, short *events)
{
	int	want;

	*events = 0;
	if (r == NULL || r->fd == -1)
		return -1;
	switch (r->state) {
	case REMOTE_CONNECTING:
		*events = POLLOUT;
		break;
	case REMOTE_HANDSHAKE:
		want = SSL_want(r->ssl);
		*events = want == SSL_WRITING ? POLLOUT : POLLIN;
		break;
	case REMOTE_RELP_OPEN:
		*events = POLLIN;
		break;
	case REMOTE_UP:
		if (r->relp)	/* POLLIN: rsp frames */
			*events = POLLIN | (r->nsent < r->n &&
			    r->nsent < REMOTE_RELP_WINDOW ? POLLOUT : 0);
		else if (r->stream)	/* POLLIN: the collector closing */
			*events = POLLIN | (r->nsent < r->n ? POLLOUT : 0);
		else		/* POLLERR (always on): an ICMP error */
			*events = r->nsent < r->n && r->nsent < r->limit &&
			    !(r->probing && r->nsent > 0) ? POLLOUT : 0;
		break;
	default:
		return -1;
	}
	return r->fd;
}

/*
 * What is still queued is given up: counted failed, freed.  A connection
 * in the middle of a frame (partly written, or a TLS write to be retried)
 * is closed, or the next frame would go out inside it.
 */
static void
remote_giveup(struct remote *r)
{
	if (r->n == 0)
		return;
	log_warnx("remote %s: %zu events not delivered (counted in "
	    "output.remote.failed)", r->name, r->n);
	if (r->off > 0 || r->wpending)
		remote_disconnect(r);
	while (r->n > 0) {
		ring_pop(r);
		r->c.failed++;
		STAT_INC(OUT_REMOTE_FAILED);
	}
	r->nsent = 0;
}

/*
 * At exit (or before a final stats event): every collector in rs[] gets
 * one more connection attempt right away if it is in back-off, then all
 * flush (and wait for acknowledgements) together until their queues are
 * empty or deadline (CLOCK_MONOTONIC, us) has passed.  What is left is
 * given up: counted failed.  Afterwards events = sent + dropped + failed.
 */
void
remote_drain(struct remote *const *rs, size_t nr, uint64_t deadline)
{
	struct pollfd	p[REMOTE_DRAIN_MAX];
	uint64_t	now, wait;
	size_t		i, np, busy;
	short		ev;

	if (nr > REMOTE_DRAIN_MAX)
		nr = REMOTE_DRAIN_MAX;
	now = mono_us();
	/* the caller's clock may not be ours: restart the timers */
	for (i = 0; i < nr; i++) {
		struct remote *r = rs[i];
		size_t j;

		if (r == NULL)
			continue;
		if (r->state == REMOTE_DOWN && r->n > 0)
			r->next_try = now;
		r->since = now;
		for (j = 0; !r->stream && j < r->nsent; j++)
			ring_at(r, j)->stamped = false;
	}
	while (now < deadline) {
		busy = np = 0;
		wait = deadline - now;
		for (i = 0; i < nr; i++) {
			struct remote *r = rs[i];

			if (r == NULL)
				continue;
			remote_poll(r, now);
			if (r->n == 0)
				continue;
			if (r->state == REMOTE_DOWN) {
				if (r->next_try >= deadline)
					continue;	/* no attempt left */
				if (r->next_try - now < wait)
					wait = r->next_try - now;
			} else if (wait > 10000)
				wait = 10000;	/* acknowledgements: poll */
			busy++;
			if ((p[np].fd = remote_pollfd(r, &ev)) >= 0) {
				p[np].events = ev;
				p[np].revents = 0;
				np++;
			}
		}
		if (busy == 0)
			break;
		(void)poll(p, np, (int)((wait + 999) / 1000));
		now = mono_us();
	}
	for (i = 0; i < nr; i++)
		if (rs[i] != NULL)
			remote_giveup(rs[i]);
}

/* Closed at exit or when a reload drops it: flushed for flush_ms (0: not
 * at all), the rest given up.  Returns the events it did not deliver
 * (dropped + failed), its last figure. */
uint64_t
remote_close(struct remote *r, unsigned flush_ms)
{
	uint64_t	lost;

	if (r == NULL)
		return 0;
	if (flush_ms > 0)
		remote_drain(&r, 1, mono_us() + (uint64_t)flush_ms * 1000u);
	remote_giveup(r);
	lost = r->c.dropped + r->c.failed;
	remote_disconnect(r);
	if (r->lookup != NULL) {
		/* glibc's helper thread still holds it: wait for it */
		if (gai_cancel(&r->lookup->cb) != EAI_CANCELED) {
			const struct gaicb *l[1] = { &r->lookup->cb };

			while (gai_error(&r->lookup->cb) == EAI_INPROGRESS)
				(void)gai_suspend(l, 1, NULL);
		}
		if (r->lookup->cb.ar_result != NULL)
			freeaddrinfo(r->lookup->cb.ar_result);
		free(r->lookup);
	}
	SSL_CTX_free(r->ctx);
	free(r->ring);
	free(r->scratch);
	free(r);
	return lost;
}

uint64_t
remote_queued(const struct remote *r)
{
	return r != NULL ? r->n : 0;
}

uint64_t
remote_dropped(const struct remote *r)
{
	return r != NULL ? r->c.dropped : 0;
}

void
remote_counts(const struct remote *r, struct remote_counts *c)
{
	*c = r->c;
	c->queued = r->n;
}

const char *
remote_name(const struct remote *r)
{
	return r != NULL ? r->name : "";
}
