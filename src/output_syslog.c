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
 *   SD         one element, SD-ID tlsfloor@32473, with the key fields
 *              present (client_ip client_port server_ip server_port
 *              protocol reason outcome client_max negotiated sni ja3 ja4
 *              exception_owner count); "-" when there are none.  32473 is
 *              the private enterprise number RFC 5612 reserves for
 *              documentation: a placeholder until tlsfloor has its own.
 *              Values are cut to printable ASCII (anything else becomes
 *              '?') and SYSLOG_VALUE_MAX bytes, then '"', '\' and ']' are
 *              escaped with '\' (RFC 5424 6.3.3).
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
 *   '\', '=', CR and LF in extension values; other non-printable bytes
 *   become '?'.
 *
 * Transports.  UDP: one datagram per message, at most SYSLOG_UDP_MAX
 * bytes (below rsyslog's default 8k maxMessageSize).  TCP: RFC 6587
 * octet counting, "LEN SP MSG", MSG at most SYSLOG_TCP_MAX bytes.  A
 * longer message is cut at the limit: header and structured data (or the
 * CEF fields) always survive whole, the JSON body loses its end (and so
 * no longer parses).  Logged once per collector.
 *
 * Never blocking: sockets are non-blocking, connect() included; the host
 * is resolved once, in remote_open() (start-up), never again.  A failed
 * connection is retried after a back-off that doubles from 1 s to 60 s
 * and returns to 1 s once a message got through.
 *
 * Queue and delivery (per collector).  config_remote.queue bounds the
 * messages waiting for the collector (not yet written to its socket);
 * messages written but not yet acknowledged are held too, beyond it, but
 * those are bounded by the socket's send buffer.  When the queue is full,
 * the NEWEST message is dropped (the one being sent), counted in
 * remote_dropped() and output.remote.dropped, and a warning is logged
 * once per episode (until the queue drains).  Dropping the newest leaves
 * the frame in flight alone, and keeps the first alerts of an outage.
 * TCP messages stay queued until the collector's TCP has acknowledged
 * them (Linux: SIOCOUTQ), so that a connection that fails (refused, reset,
 * closed) loses nothing it had not acknowledged: every unacknowledged
 * message, a partly written one included, is sent again from its start on
 * the next connection.  The collector sees a duplicate only when it had
 * received a message whose acknowledgement did not reach us before the
 * failure.  What a collector acknowledged and then lost itself (it
 * crashed before reading its socket) no sender can know about without an
 * application-level acknowledgement (RELP).  output.remote.sent counts
 * acknowledged messages (UDP: datagrams the kernel accepted).
 * UDP has no acknowledgement: a datagram sent while the collector is down
 * is lost (and counted as sent); the ICMP error that follows puts the
 * collector in back-off, and the queue holds the rest until one probing
 * datagram per back-off step gets through without an error.
 * At exit, remote_close() keeps flushing for flush_ms; what is still
 * queued (or written but unacknowledged) then is counted as dropped.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/sockios.h>	/* SIOCOUTQ: bytes not yet acknowledged */
#endif

#include "caps.h"
#include "config.h"
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
/* SD-ID: 32473 is the example PEN of RFC 5612, a placeholder */
#define SYSLOG_SDID		"tlsfloor@32473"

/* Bounded text builder: what does not fit is cut and sets full. */
struct sbuf {
	char		*p;
	size_t		 len;
	size_t		 cap;		/* bytes usable in p */
	bool		 full;
};

/* One queued message, ready for the wire (TCP: with its LEN SP). */
struct frame {
	uint64_t	 end;		/* TCP: stream offset past its last
					 * byte, set once written */
	size_t		 len;
	char		 data[];
};

enum remote_state {
	REMOTE_DOWN,		/* no socket; next attempt at next_try */
	REMOTE_CONNECTING,	/* non-blocking connect() in progress */
	REMOTE_UP,
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
	struct sockaddr_storage addr;
	socklen_t	 addrlen;
	bool		 tcp;
	bool		 cef;
	int		 facility;	/* syslog.h form */
	char		 host[SYSLOG_HOST_MAX + 1];	/* cleaned */
	char		 app[SYSLOG_APP_MAX + 1];	/* cleaned */
	size_t		 max;		/* bytes of one message */
	char		*scratch;	/* owned; max bytes */

	int		 fd;
	enum remote_state state;
	uint64_t	 now;		/* us, last remote_poll() */
	uint64_t	 since;		/* us, connect started / came up */
	uint64_t	 next_try;	/* us, DOWN: next connect */
	uint64_t	 backoff;	/* us, delay after the next failure */
	bool		 warned;	/* failure logged, no delivery since */
	bool		 full_warned;	/* queue-full logged this episode */
	bool		 cut_warned;

	struct frame	**ring;		/* owned, each owned */
	size_t		 cap;		/* slots in ring */
	size_t		 limit;		/* config_remote.queue: frames not
					 * yet written */
	size_t		 head;
	size_t		 n;		/* frames queued */
	size_t		 nsent;		/* of which written (TCP) */
	size_t		 off;		/* bytes written of the next one */
	uint64_t	 wbytes;	/* bytes written on this connection */
	uint64_t	 dropped;
};

/* A key field, for SD and CEF; a NULL value is absent. */
struct keyfield {
	const char	*sd;		/* PARAM-NAME */
	const char	*value;
};
#define KEYFIELDS_MAX	14

static void	sb_init(struct sbuf *, char *, size_t);
static void	sb_mem(struct sbuf *, const char *, size_t);
static void	sb_str(struct sbuf *, const char *);
static void	sb_u64(struct sbuf *, uint64_t);
static void	sb_token(struct sbuf *, const char *, size_t);
static void	sb_body(struct sbuf *, const char *, size_t);
static size_t	esc_len(const char *, const char *);
static void	esc_put(struct sbuf *, const char *, const char *);
static void	fmt_time(struct sbuf *, uint64_t);
static void	fmt_header(struct sbuf *, const struct remote *,
		    const struct syslog_msg *);
static void	fmt_sd(struct sbuf *, const struct syslog_msg *);
static size_t	key_fields(const struct syslog_msg *, struct keyfield *,
		    char [][24]);
static void	cef_name(struct sbuf *, const struct syslog_msg *);
static void	cef_ext(struct sbuf *, size_t, const char *, const char *);
static void	cef_addr(struct sbuf *, size_t, const char *, const char *,
		    const char *);
static void	cef_num(struct sbuf *, size_t, const char *, uint64_t);
static void	cef_msg(struct sbuf *, size_t, const char *, size_t);
static void	fmt_cef(struct sbuf *, const struct syslog_msg *);
static size_t	fmt_msg(struct remote *, const struct syslog_msg *);
static void	clean_token(char *, size_t, const char *);
static uint64_t	mono_us(void);
static struct frame *ring_at(const struct remote *, size_t);
static int	ring_push(struct remote *, struct frame *);
static void	ring_pop(struct remote *);
static void	remote_connect(struct remote *);
static void	remote_connecting(struct remote *);
static void	remote_up(struct remote *);
static void	remote_fail(struct remote *, int, const char *);
static void	remote_delivered(struct remote *);
static int	remote_peer(struct remote *);
static void	remote_acked(struct remote *, uint64_t);
static int	remote_outq(struct remote *, uint64_t *);
static int	remote_check(struct remote *);
static void	remote_flush(struct remote *);
static void	remote_flush_udp(struct remote *);
static void	remote_flush_tcp(struct remote *);

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
 * Escaped values.  kind names the characters escaped with a backslash:
 * "\"\\]" for an RFC 5424 PARAM-VALUE, "\\|" for a CEF header field,
 * "\\=\n\r" for a CEF extension value (LF and CR written as \n and \r).
 * At most SYSLOG_VALUE_MAX bytes of s; non-printable bytes become '?'
 * (a CEF extension's CR/LF excepted).  esc_len() is what esc_put() writes.
 */
static size_t
esc_len(const char *s, const char *kind)
{
	size_t	i, n = 0;

	for (i = 0; s[i] != '\0' && i < SYSLOG_VALUE_MAX; i++)
		n += strchr(kind, s[i]) != NULL ? 2 : 1;
	return n;
}

static void
esc_put(struct sbuf *b, const char *s, const char *kind)
{
	size_t	i;
	char	c, e[2];

	for (i = 0; s[i] != '\0' && i < SYSLOG_VALUE_MAX; i++) {
		c = s[i];
		if (strchr(kind, c) != NULL) {
			e[0] = '\\';
			e[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : c;
			sb_mem(b, e, 2);
		} else {
			c = c >= 0x20 && c < 0x7f ? c : '?';
			sb_mem(b, &c, 1);
		}
	}
}

/* RFC 3339, UTC, microseconds: 2026-11-28T09:40:29.148779Z; "-" for 0 or
 * a year RFC 5424 cannot write (four digits). */
static void
fmt_time(struct sbuf *b, uint64_t us)
{
	time_t		t = (time_t)(us / 1000000u);
	struct tm	tm;
	char		buf[96];	/* 27 used; room for any int */

	if (us == 0 || gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 > 9999) {
		sb_str(b, "-");
		return;
	}
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (unsigned)(us % 1000000u));
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
#undef KFN
#undef KF
	return n;
}

/* [tlsfloor@32473 name="value" ...] (RFC 5424 6.3), or "-".  A parameter
 * that would not fit whole is left out, so the element stays well formed. */
static void
fmt_sd(struct sbuf *b, const struct syslog_msg *m)
{
	struct keyfield	 kf[KEYFIELDS_MAX];
	char		 num[3][24];
	size_t		 i, n, need;

	n = key_fields(m, kf, num);
	if (n == 0 || b->cap - b->len < sizeof("[" SYSLOG_SDID "]")) {
		sb_str(b, "-");
		return;
	}
	sb_str(b, "[" SYSLOG_SDID);
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
fmt_cef(struct sbuf *b, const struct syslog_msg *m)
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
	cef_msg(b, s, m->json, m->json_len);
}

/* The message (without octet count) into r->scratch; returns its length. */
static size_t
fmt_msg(struct remote *r, const struct syslog_msg *m)
{
	struct sbuf	b;

	sb_init(&b, r->scratch, r->max);
	fmt_header(&b, r, m);
	if (r->cef) {
		sb_str(&b, "- ");
		fmt_cef(&b, m);
	} else {
		fmt_sd(&b, m);
		if (m->json != NULL && m->json_len > 0) {
			sb_str(&b, " ");
			sb_body(&b, m->json, m->json_len);
		}
	}
	if (b.full && !r->cut_warned) {
		log_warnx("remote %s: a %s event longer than %zu bytes was cut "
		    "(the key fields kept, the JSON cut short)", r->name,
		    m->msgid != NULL ? m->msgid : "?", r->max);
		r->cut_warned = true;
	}
	return b.len;
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

struct remote *
remote_open(const struct config_remote *rc, const char *ident, int facility,
    char *err, size_t errlen)
{
	struct addrinfo	 hints, *res = NULL;
	struct remote	*r = NULL;
	char		 port[8], hn[SYSLOG_HOST_MAX + 2];
	int		 rv;

	if (rc == NULL || rc->host == NULL || rc->host[0] == '\0' ||
	    rc->port == 0 || rc->queue == 0) {
		snprintf(err, errlen, "remote: host, port and queue required");
		return NULL;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = rc->transport == CONFIG_TRANSPORT_TCP ?
	    SOCK_STREAM : SOCK_DGRAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%u", rc->port);
	/* the only name lookup: at start-up, never on the capture path */
	if ((rv = getaddrinfo(rc->host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "remote %s: %s", rc->host,
		    rv == EAI_SYSTEM ? strerror(errno) : gai_strerror(rv));
		return NULL;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    res->ai_addrlen > sizeof(r->addr))
		goto fail;
	memcpy(&r->addr, res->ai_addr, res->ai_addrlen);
	r->addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	res = NULL;

	r->tcp = rc->transport == CONFIG_TRANSPORT_TCP;
	r->cef = rc->format == CONFIG_RFORMAT_CEF;
	snprintf(r->name, sizeof(r->name), "%s%s%s:%u/%s",
	    strchr(rc->host, ':') != NULL ? "[" : "", rc->host,
	    strchr(rc->host, ':') != NULL ? "]" : "", rc->port,
	    r->tcp ? "tcp" : "udp");
	r->facility = facility;
	memset(hn, 0, sizeof(hn));
	if (gethostname(hn, sizeof(hn) - 1) != 0)
		hn[0] = '\0';
	clean_token(r->host, sizeof(r->host), hn);
	clean_token(r->app, sizeof(r->app), ident);
	r->max = r->tcp ? SYSLOG_TCP_MAX : SYSLOG_UDP_MAX;
	r->limit = rc->queue;
	r->cap = REMOTE_RING_MIN;
	if ((r->scratch = malloc(r->max)) == NULL ||
	    (r->ring = calloc(r->cap, sizeof(*r->ring))) == NULL)
		goto fail;
	r->fd = -1;
	r->state = REMOTE_DOWN;
	r->backoff = REMOTE_BACKOFF_MIN;
	return r;
fail:
	snprintf(err, errlen, "remote %s: out of memory", rc->host);
	if (res != NULL)
		freeaddrinfo(res);
	if (r != NULL) {
		free(r->scratch);
		free(r->ring);
		free(r);
	}
	return NULL;
}

static void
remote_connect(struct remote *r)
{
	r->fd = socket(r->addr.ss_family, (r->tcp ? SOCK_STREAM : SOCK_DGRAM) |
	    SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (r->fd == -1) {
		remote_fail(r, errno, "socket");
		return;
	}
	/* UDP: connect() only fixes the peer, so that ICMP errors reach us */
	if (connect(r->fd, (struct sockaddr *)&r->addr, r->addrlen) == 0) {
		remote_up(r);
		return;
	}
	if (errno == EINPROGRESS || errno == EINTR) {
		r->state = REMOTE_CONNECTING;
		r->since = r->now;
		return;
	}
	remote_fail(r, errno, "connect");
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
			remote_fail(r, ETIMEDOUT, "connect");
		return;
	}
	if (getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &e, &elen) == -1)
		e = errno;
	if (e != 0) {
		remote_fail(r, e, "connect");
		return;
	}
	remote_up(r);
}

static void
remote_up(struct remote *r)
{
	r->state = REMOTE_UP;
	r->since = r->now;
	r->nsent = 0;
	r->off = 0;
	r->wbytes = 0;
	STAT_INC(OUT_REMOTE_CONNECTS);
	if (r->warned)
		log_info("remote %s: connected", r->name);
}

/*
 * The connection is gone (or never came): close it, put every written but
 * unacknowledged message back in line (a partly written one from its
 * start), and wait out the back-off.  Logged once until a delivery.
 */
static void
remote_fail(struct remote *r, int e, const char *what)
{
	STAT_INC(OUT_REMOTE_ERRORS);
	if (!r->warned)
		log_warnx("remote %s: %s: %s; retrying with back-off, "
		    "holding up to %zu events", r->name, what,
		    e != 0 ? strerror(e) : "closed by the collector", r->limit);
	r->warned = true;
	if (r->fd != -1)
		close(r->fd);
	r->fd = -1;
	r->state = REMOTE_DOWN;
	r->nsent = 0;
	r->off = 0;
	r->wbytes = 0;
	r->next_try = r->now + r->backoff;
	r->backoff = r->backoff * 2 < REMOTE_BACKOFF_MAX ? r->backoff * 2 :
	    REMOTE_BACKOFF_MAX;
}

/* The head message reached the collector. */
static void
remote_delivered(struct remote *r)
{
	ring_pop(r);
	STAT_INC(OUT_REMOTE_SENT);
	r->backoff = REMOTE_BACKOFF_MIN;
	if (r->warned)
		log_info("remote %s: delivering again", r->name);
	r->warned = false;
}

/*
 * A syslog collector never talks back: read and discard whatever it sends,
 * and notice its close or reset before we write into a dead connection.
 * Returns 0 while it is alive, else an errno value (EPIPE for an orderly
 * close).
 */
static int
remote_peer(struct remote *r)
{
	char	buf[512];
	ssize_t	n;
	int	i;

	for (i = 0; i < REMOTE_RECV_MAX; i++) {
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
 * TCP: collect acknowledgements and make sure the collector is still
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

	have = r->nsent > 0 && remote_outq(r, &acked) == 0;
	e = remote_peer(r);
	if (have && (e == 0 || e == EPIPE))
		remote_acked(r, acked);
	if (e != 0) {
		remote_fail(r, e == EPIPE ? 0 : e, "connection");
		return -1;
	}
	return 0;
}

static void
remote_flush(struct remote *r)
{
	if (r->tcp)
		remote_flush_tcp(r);
	else
		remote_flush_udp(r);
}

static void
remote_flush_udp(struct remote *r)
{
	struct frame	*f;
	ssize_t		 n;

	while (r->state == REMOTE_UP && r->n > 0) {
		f = ring_at(r, 0);
		n = send(r->fd, f->data, f->len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n >= 0) {
			remote_delivered(r);
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
			STAT_INC(OUT_REMOTE_ERRORS);
			STAT_INC(OUT_REMOTE_DROPPED);
			r->dropped++;
			if (!r->cut_warned)
				log_warnx("remote %s: %zu-byte datagram too "
				    "large, dropped", r->name, f->len);
			r->cut_warned = true;
			ring_pop(r);
			continue;
		default:		/* ICMP unreachable and the like */
			remote_fail(r, errno, "send");
			return;
		}
	}
}

static void
remote_flush_tcp(struct remote *r)
{
	struct frame	*f;
	ssize_t		 n;

	if (r->state != REMOTE_UP || r->nsent == r->n)
		return;
	/* a collector that has closed would take one more write, then
	 * reset: ask first */
	if (remote_check(r) == -1)
		return;
	while (r->nsent < r->n) {
		f = ring_at(r, r->nsent);
		n = send(r->fd, f->data + r->off, f->len - r->off,
		    MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			remote_fail(r, errno, "send");
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

void
remote_send(struct remote *r, const struct syslog_msg *m)
{
	struct frame	*f;
	size_t		 len;
	char		 pfx[24];
	int		 plen = 0;

	if (r == NULL || m == NULL)
		return;
	/* The limit counts what waits for the collector, not what a healthy
	 * connection has in flight (bounded by the socket's send buffer):
	 * a burst must not be dropped for want of an ACK not yet read. */
	if (r->n - r->nsent >= r->limit) {
		/* full: the newest goes, the frame in flight stays whole */
		r->dropped++;
		STAT_INC(OUT_REMOTE_DROPPED);
		if (!r->full_warned)
			log_warnx("remote %s: queue full (%zu events), "
			    "dropping new events (counted in "
			    "output.remote.dropped)", r->name, r->limit);
		r->full_warned = true;
		return;
	}
	len = fmt_msg(r, m);
	if (r->tcp)		/* RFC 6587 3.4.1: MSG-LEN SP SYSLOG-MSG */
		plen = snprintf(pfx, sizeof(pfx), "%zu ", len);
	if ((f = malloc(sizeof(*f) + (size_t)plen + len)) == NULL) {
		r->dropped++;
		STAT_INC(OUT_REMOTE_DROPPED);
		return;
	}
	f->end = 0;
	f->len = (size_t)plen + len;
	memcpy(f->data, pfx, (size_t)plen);
	memcpy(f->data + plen, r->scratch, len);
	if (ring_push(r, f) == -1) {
		free(f);
		r->dropped++;
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
		remote_connect(r);
		break;
	case REMOTE_CONNECTING:
		remote_connecting(r);
		break;
	case REMOTE_UP:
		break;
	}
	if (r->state != REMOTE_UP)
		return;
	if (r->tcp) {
		if (remote_check(r) == -1)
			return;
		/* a connection that has lasted is no reason for caution */
		if (now_us - r->since >= REMOTE_BACKOFF_MAX)
			r->backoff = REMOTE_BACKOFF_MIN;
	}
	remote_flush(r);
}

int
remote_pollfd(const struct remote *r, short *events)
{
	if (r == NULL || r->fd == -1) {
		*events = 0;
		return -1;
	}
	switch (r->state) {
	case REMOTE_CONNECTING:
		*events = POLLOUT;
		break;
	case REMOTE_UP:
		if (r->tcp)	/* POLLIN: the collector closing */
			*events = POLLIN | (r->nsent < r->n ? POLLOUT : 0);
		else
			*events = r->n > 0 ? POLLOUT : 0;
		break;
	default:
		*events = 0;
		return -1;
	}
	return r->fd;
}

/*
 * At exit: one more connection attempt right away if the collector is in
 * back-off, then flush (and wait for acknowledgements) until the queue is
 * empty or flush_ms is over.  What is left is counted as dropped.
 */
void
remote_close(struct remote *r, unsigned flush_ms)
{
	struct pollfd	p;
	uint64_t	now, deadline, wait;
	short		ev;
	size_t		i;

	if (r == NULL)
		return;
	now = mono_us();
	deadline = now + (uint64_t)flush_ms * 1000u;
	/* the caller's clock may not be ours: restart the timers */
	r->next_try = now;
	r->since = now;
	while (r->n > 0 && now < deadline) {
		remote_poll(r, now);
		if (r->n == 0)
			break;
		now = mono_us();
		if (now >= deadline)
			break;
		wait = deadline - now;
		if (r->state == REMOTE_DOWN) {
			if (r->next_try >= deadline)
				break;		/* no attempt left in time */
			if (r->next_try > now && r->next_try - now < wait)
				wait = r->next_try - now;
		} else if (wait > 10000)
			wait = 10000;		/* acknowledgements: poll */
		p.fd = remote_pollfd(r, &ev);
		p.events = ev;
		p.revents = 0;
		if (r->state == REMOTE_UP && r->nsent == r->n)
			p.fd = -1;		/* only waiting for acks */
		(void)poll(&p, 1, (int)((wait + 999) / 1000));
		now = mono_us();
	}
	if (r->n > 0) {
		log_warnx("remote %s: %zu events not delivered at exit "
		    "(counted in output.remote.dropped)", r->name, r->n);
		r->dropped += r->n;
		STAT_ADD(OUT_REMOTE_DROPPED, r->n);
	}
	for (i = 0; i < r->n; i++)
		free(ring_at(r, i));
	if (r->fd != -1)
		close(r->fd);
	free(r->ring);
	free(r->scratch);
	free(r);
}

uint64_t
remote_queued(const struct remote *r)
{
	return r != NULL ? r->n : 0;
}

uint64_t
remote_dropped(const struct remote *r)
{
	return r != NULL ? r->dropped : 0;
}
