/*
 * check_output_syslog.c -- output_syslog.c: the RFC 5424 and CEF frames
 * (byte for byte, and parsed back), SD-PARAM and CEF escaping, the size
 * limits and the trimming of optional JSON fields, RFC 6587 octet
 * counting, the bounded queue, the back-off, what survives a collector
 * that closes or resets, UDP's confirmation window, and the accounting
 * events = sent + dropped + failed.
 *
 * Collectors are real sockets on 127.0.0.1 (port 0: the kernel picks), so
 * the bytes checked are the bytes a collector would read.  The module's
 * clock is the test's: remote_poll() gets a made-up now_us, so back-off
 * steps are exact without sleeping.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include <jansson.h>
#include <netdb.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "output_syslog.h"
#include "unit.h"

#define SEC		1000000ULL
#define T0		(1000 * SEC)	/* any start; next_try begins at 0 */

/* 2026-11-28T09:40:29.148779Z */
#define SAMPLE_TS	1795858829148779ULL
static const char	sample_json[] =
    "{\"event\":{\"dataset\":\"tlsfloor.alert\"},"
    "\"source\":{\"ip\":\"10.99.0.2\",\"port\":38786},"
    "\"note\":\"a \\\"quoted\\\" \\\\ back=slash\"}";

static char		hostname[300];
/* max_message_size for mkremote(); 0: the old fixed limits (8000 UDP,
 * 65536 TCP) that the frame tests were written for */
static uint32_t		mk_max;

static void
setup(void)
{
	memset(stats, 0, sizeof(stats));
	mk_max = 0;
	memset(hostname, 0, sizeof(hostname));
	if (gethostname(hostname, sizeof(hostname) - 1) != 0 ||
	    hostname[0] == '\0')
		snprintf(hostname, sizeof(hostname), "-");
}

static void
teardown(void)
{
}

static struct syslog_msg
sample(void)
{
	struct syslog_msg	m;

	memset(&m, 0, sizeof(m));
	m.severity = LOG_WARNING;
	m.msgid = "alert";
	m.ts = SAMPLE_TS;
	m.json = sample_json;
	m.json_len = strlen(sample_json);
	m.client_ip = "10.99.0.2";
	m.client_port = 38786;
	m.server_ip = "10.99.0.3";
	m.server_port = 143;
	m.protocol = "imap";
	m.reason = "legacy_refused";
	m.outcome = "server_close";
	m.client_max = "TLSv1.0";
	m.sni = "mail.example.test";
	m.ja3 = "53652b2730564404986852cde177b6d9";
	m.ja4 = "t10i090500_c491f621fb4c_195413a0cc0f";
	return m;
}

/* --- sockets -------------------------------------------------------------- */

static int
bound(int type, uint16_t *port)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			fd, one = 1;

	fd = socket(AF_INET, type, 0);
	ck_assert_int_ge(fd, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(*port);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

static int
listener(uint16_t *port)
{
	int	fd;

	*port = 0;
	fd = bound(SOCK_STREAM, port);
	ck_assert_int_eq(listen(fd, 4), 0);
	return fd;
}

static bool
readable(int fd, int ms)
{
	struct pollfd	p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

static struct remote *
mkremote(enum config_transport t, enum config_rformat fmt, uint16_t port,
    uint32_t queue, const char *ident, int facility)
{
	struct config_remote	 rc;
	struct remote		*r;
	char			 err[256] = "";

	memset(&rc, 0, sizeof(rc));
	rc.host = (char *)"127.0.0.1";
	rc.port = port;
	rc.transport = t;
	rc.format = fmt;
	rc.queue = queue;
	rc.max_message_size = mk_max != 0 ? mk_max :
	    t == CONFIG_TRANSPORT_UDP ? 8000 : 65536;
	r = remote_open(&rc, ident, facility, err, sizeof(err));
	ck_assert_msg(r != NULL, "remote_open: %s", err);
	return r;
}

/* remote_poll() at now, then again while a connect() is in flight (the
 * kernel answers on loopback at once; real time, not now, passes). */
static void
drive(struct remote *r, uint64_t now)
{
	struct pollfd	p;
	short		ev;
	int		i;

	remote_poll(r, now);
	for (i = 0; i < 100; i++) {
		p.fd = remote_pollfd(r, &ev);
		if (p.fd == -1 || ev != POLLOUT)
			return;
		p.events = ev;
		(void)poll(&p, 1, 20);
		remote_poll(r, now);
	}
}

/* One datagram, NUL-terminated. */
static size_t
recv_dgram(int fd, char *buf, size_t len)
{
	ssize_t	n;

	ck_assert_msg(readable(fd, 2000), "no datagram");
	n = recv(fd, buf, len - 1, 0);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	return (size_t)n;
}

/* Accept the remote's connection (driving it until it comes). */
static int
accept_from(int lfd, struct remote *r, uint64_t now)
{
	int	i, c;

	for (i = 0; i < 100; i++) {
		drive(r, now);
		if (readable(lfd, 20))
			break;
	}
	c = accept(lfd, NULL, NULL);
	ck_assert_int_ge(c, 0);
	drive(r, now);
	return c;
}

/*
 * Read octet-counted frames (RFC 6587 3.4.1: MSG-LEN SP SYSLOG-MSG) from a
 * stream until want frames are complete, pumping the remote meanwhile.
 * Returns each frame's message NUL-terminated in out[] (malloc'd).
 */
static size_t
read_frames(int fd, struct remote *r, uint64_t now, char **out, size_t want)
{
	static char	buf[1 << 22];
	size_t		have = 0, got = 0, pos, len, i;
	ssize_t		n;
	int		idle = 0;

	while (got < want && idle < 100) {
		drive(r, now);
		if (!readable(fd, 20)) {
			idle++;
			continue;
		}
		n = recv(fd, buf + have, sizeof(buf) - have, 0);
		if (n <= 0)
			break;
		have += (size_t)n;
		/* cut every complete frame off the front */
		for (;;) {
			pos = 0;
			len = 0;
			while (pos < have && buf[pos] >= '0' && buf[pos] <= '9')
				len = len * 10 + (size_t)(buf[pos++] - '0');
			if (pos == have || pos + 1 + len > have)
				break;
			ck_assert_msg(pos > 0 && buf[pos] == ' ' &&
			    buf[0] != '0', "bad octet count at frame %zu", got);
			ck_assert_uint_lt(got, want);
			out[got] = malloc(len + 1);
			memcpy(out[got], buf + pos + 1, len);
			out[got][len] = '\0';
			got++;
			i = pos + 1 + len;
			memmove(buf, buf + i, have - i);
			have -= i;
		}
	}
	ck_assert_uint_eq(have, 0);	/* no stray or partial bytes */
	return got;
}

/* --- an RFC 5424 parser, for reading frames back -------------------------- */

struct parsed {
	int		 pri;
	char		 ts[64], host[300], app[64], procid[160], msgid[64];
	bool		 sd;		/* an SD-ELEMENT (else NILVALUE) */
	char		 sdid[40];
	size_t		 nparam;
	char		 name[16][40];
	char		 value[16][1024];	/* unescaped */
	const char	*msg;		/* NULL: none */
};

static bool
token(const char **s, char *dst, size_t len)
{
	size_t	i = 0;

	while (**s != '\0' && **s != ' ') {
		if (**s < 33 || **s > 126 || i + 1 >= len)
			return false;
		dst[i++] = *(*s)++;
	}
	dst[i] = '\0';
	if (**s != ' ' || i == 0)
		return false;
	(*s)++;
	return true;
}

static bool
parse5424(const char *s, struct parsed *p)
{
	char	ver[8], *v;
	size_t	i;

	memset(p, 0, sizeof(*p));
	if (*s++ != '<')
		return false;
	while (*s >= '0' && *s <= '9')
		p->pri = p->pri * 10 + (*s++ - '0');
	if (*s++ != '>' || !token(&s, ver, sizeof(ver)) ||
	    strcmp(ver, "1") != 0 || !token(&s, p->ts, sizeof(p->ts)) ||
	    !token(&s, p->host, sizeof(p->host)) ||
	    !token(&s, p->app, sizeof(p->app)) ||
	    !token(&s, p->procid, sizeof(p->procid)) ||
	    !token(&s, p->msgid, sizeof(p->msgid)))
		return false;
	if (*s == '-') {
		s++;
	} else {
		if (*s++ != '[')
			return false;
		p->sd = true;
		for (i = 0; *s != ' ' && *s != ']' && *s != '\0'; i++) {
			if (i + 1 >= sizeof(p->sdid))
				return false;
			p->sdid[i] = *s++;
		}
		while (*s == ' ') {
			s++;
			if (p->nparam == 16)
				return false;
			for (i = 0; *s != '=' && *s != '\0'; i++) {
				if (i + 1 >= sizeof(p->name[0]))
					return false;
				p->name[p->nparam][i] = *s++;
			}
			if (*s++ != '=' || *s++ != '"')
				return false;
			v = p->value[p->nparam];
			for (i = 0; *s != '"'; i++) {
				if (*s == '\0' || i + 1 >= sizeof(p->value[0]))
					return false;
				/* RFC 5424 6.3.3: \" \\ \] are escapes; any
				 * other backslash is itself; a bare ] is not
				 * allowed */
				if (*s == '\\' && (s[1] == '"' ||
				    s[1] == '\\' || s[1] == ']'))
					s++;
				else if (*s == ']')
					return false;
				v[i] = *s++;
			}
			s++;
			p->nparam++;
		}
		if (*s++ != ']')
			return false;
	}
	if (*s == '\0')
		return true;
	if (*s++ != ' ')
		return false;
	p->msg = s;
	return true;
}

static const char *
param(const struct parsed *p, const char *name)
{
	size_t	i;

	for (i = 0; i < p->nparam; i++)
		if (strcmp(p->name[i], name) == 0)
			return p->value[i];
	return NULL;
}

/* --- RFC 5424 ------------------------------------------------------------- */

START_TEST(test_udp_frame_exact)
{
	struct syslog_msg	 m = sample();
	struct remote		*r;
	uint16_t		 port = 0;
	int			 u = bound(SOCK_DGRAM, &port);
	char			 got[9000], want[4096];

	r = mkremote(CONFIG_TRANSPORT_UDP, CONFIG_RFORMAT_RFC5424, port, 10,
	    "tlsfloor", LOG_DAEMON);
	drive(r, T0);
	remote_send(r, &m);
	drive(r, T0);
	recv_dgram(u, got, sizeof(got));
	/* PRI = daemon (3) * 8 + warning (4) = 28 */
	snprintf(want, sizeof(want), "<28>1 2026-11-28T09:40:29.148779Z %s "
	    "tlsfloor %d alert [tlsfloor@32473 client_ip=\"10.99.0.2\" "
	    "client_port=\"38786\" server_ip=\"10.99.0.3\" server_port=\"143\" "
	    "protocol=\"imap\" reason=\"legacy_refused\" "
	    "outcome=\"server_close\" client_max=\"TLSv1.0\" "
	    "sni=\"mail.example.test\" "
	    "ja3=\"53652b2730564404986852cde177b6d9\" "
	    "ja4=\"t10i090500_c491f621fb4c_195413a0cc0f\"] %s",
	    hostname, (int)getpid(), sample_json);
	ck_assert_str_eq(got, want);
	/* sent once no ICMP error came back for REMOTE_UDP_CONFIRM */
	ck_assert_uint_eq(remote_queued(r), 1);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_SENT], 0);
	drive(r, T0 + REMOTE_UDP_CONFIRM - 1);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_SENT], 0);
	drive(r, T0 + REMOTE_UDP_CONFIRM);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_SENT], 1);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_CONNECTS], 1);
	ck_assert_uint_eq(remote_queued(r), 0);
	remote_close(r, 0);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_DROPPED], 0);
	close(u);
}
END_TEST

START_TEST(test_parse_back)
{
	struct syslog_msg	 m = sample();
	struct remote		*r;
	struct parsed		 p;
	uint16_t		 port = 0;
	int			 u = bound(SOCK_DGRAM, &port);
	char			 got[9000], pid[32];
	json_t			*j;
	json_error_t		 je;

	m.severity = LOG_ERR;
	m.msgid = "alert_summary";
	m.negotiated = "TLSv1.0";
	m.exception_owner = "Jane Doe <jane@example.com>";
	m.count = 17;
	r = mkremote(CONFIG_TRANSPORT_UDP, CONFIG_RFORMAT_RFC5424, port, 10,
	    "tlsfloor", LOG_LOCAL7);
	drive(r, T0);
	remote_send(r, &m);
	drive(r, T0);
	recv_dgram(u, got, sizeof(got));
	ck_assert_msg(parse5424(got, &p), "does not parse: %s", got);
	ck_assert_int_eq(p.pri, 23 * 8 + 3);		/* local7.err */
	ck_assert_str_eq(p.ts, "2026-11-28T09:40:29.148779Z");
	ck_assert_str_eq(p.host, hostname);
	ck_assert_str_eq(p.app, "tlsfloor");
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	ck_assert_str_eq(p.procid, pid);
	ck_assert_str_eq(p.msgid, "alert_summary");
	ck_assert(p.sd);
	ck_assert_str_eq(p.sdid, "tlsfloor@32473");
	ck_assert_uint_eq(p.nparam, 14);
	ck_assert_str_eq(param(&p, "client_ip"), "10.99.0.2");
	ck_assert_str_eq(param(&p, "client_port"), "38786");
	ck_assert_str_eq(param(&p, "server_ip"), "10.99.0.3");
	ck_assert_str_eq(param(&p, "server_port"), "143");
	ck_assert_str_eq(param(&p, "protocol"), "imap");
	ck_assert_str_eq(param(&p, "reason"), "legacy_refused");
	ck_assert_str_eq(param(&p, "outcome"), "server_close");
	ck_assert_str_eq(param(&p, "client_max"), "TLSv1.0");
	ck_assert_str_eq(param(&p, "negotiated"), "TLSv1.0");
	ck_assert_str_eq(param(&p, "sni"), "mail.example.test");
	ck_assert_str_eq(param(&p, "ja3"), m.ja3);
	ck_assert_str_eq(param(&p, "ja4"), m.ja4);
	ck_assert_str_eq(param(&p, "exception_owner"),
	    "Jane Doe <jane@example.com>");
	ck_assert_str_eq(param(&p, "count"), "17");
	ck_assert_ptr_nonnull(p.msg);
	ck_assert_str_eq(p.msg, sample_json);	/* no BOM */
	j = json_loads(p.msg, 0, &je);
	ck_assert_msg(j != NULL, "JSON: %s", je.text);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j,
	    "event"), "dataset")), "tlsfloor.alert");
	json_decref(j);
	remote_close(r, 0);
	close(u);
}
END_TEST

/* The issue-17 fields: Community ID, clear-text credentials and their
 * mechanism, the client program and its source; a value is cut at
 * SYSLOG_VALUE_MAX, and at a small max_message_size every parameter is
 * whole or absent, the message within the limit. */
START_TEST(test_sd_issue17)
{
	struct syslog_msg	 m = sample();
	struct remote		*r;
	struct parsed		 p;
	uint16_t		 port = 0;
	int			 u = bound(SOCK_DGRAM, &port);
	static char		 got[9000], sw[400];
	size_t			 n;

	memset(sw, 'p', sizeof(sw) - 1);
	m.community_id = "1:LQU9qZlK+B5F3KDmev6m5PMibrg=";
	m.cleartext = "true";
	m.cleartext_mechanism = "AUTH PLAIN";
	m.client_software = sw;
	m.client_software_source = "ja4+ja3";
	r = mkremote(CONFIG_TRANSPORT_UDP, CONFIG_RFORMAT_RFC5424, port, 10,
	    "tlsfloor", LOG_DAEMON);
	drive(r, T0);
	remote_send(r, &m);
	drive(r, T0);
	recv_dgram(u, got, sizeof(got));
	remote_close(r, 0);
	ck_assert_msg(parse5424(got, &p), "does not parse: %s", got);
	ck_assert_uint_eq(p.nparam, 16);
	ck_assert_str_eq(param(&p, "community_id"),
	    "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
	ck_assert_str_eq(param(&p, "cleartext_credentials"), "true");
	ck_assert_str_eq(param(&p, "cleartext_mechanism"), "AUTH PLAIN");
	ck_assert_uint_eq(strlen(param(&p, "client_software")),
	    SYSLOG_VALUE_MAX);
	ck_assert_str_eq(param(&p, "client_software_source"), "ja4+ja3");

	/* 480 bytes: the SD keeps what fits whole, the JSON is cut. */
	mk_max = 480;
	r = mkremote(CONFIG_TRANSPORT_UDP, CONFIG_RFORMAT_RFC5424, port, 10,
	    "tlsfloor", LOG_DAEMON);
	drive(r, T0);
	remote_send(r, &m);
	drive(r, T0);
	n = recv_dgram(u, got, sizeof(got));
	remote_close(r, 0);
	ck_assert_uint_le(n, 480);
	ck_assert_msg(parse5424(got, &p), "does not parse: %s", got);
	ck_assert_uint_gt(p.nparam, 0);
	ck_assert_uint_lt(p.nparam, 16);
	ck_assert_str_eq(param(&p, "client_ip"), "10.99.0.2");
	close(u);
}
END_TEST

START_TEST(test_sd_escaping)
{
	struct syslog_msg	 m;
	struct remote		*r;
	struct parsed		 p;
	uint16_t		 port = 0;
	int			 u = bound(SOCK_DGRAM, &port);
	char			 got[9000], want[2048];

	memset(&m, 0, sizeof(m));
	m.severity = LOG_NOTICE;
	m.msgid = "session";
	m.ts = SAMPLE_TS;
	/* RFC 5424 6.3.3: '"' '\' ']' escaped; '=' and '[' and a space are
	 * fine inside the quotes; UTF-8 stays, control bytes become '?',
	 * each byte of invalid UTF-8 (Latin-1, a lone continuation byte, an
	 * overlong '/', a surrogate) U+FFFD */
	m.sni = "a\"b\\c]d=e[f g";
	m.exception_owner = "J\xc3\xbcrgen\tX\x01 M\xfcller \x80"
	    "\xc0\xaf \xed\xa0\x80 \xf0\x9f\x94\x92";
	m.reason = "\\]";
	r = mkremote(CONFIG_TRANSPORT_UDP, CONFIG_RFORMAT_RFC5424, port, 10,
	    "tlsfloor", LOG_DAEMON);
	drive(r, T0);
	remote_send(r, &m);
	drive(r, T0);
	recv_dgram(u, got, sizeof(got));
	snprintf(want, sizeof(want), "<29>1 2026-11-28T09:40:29.148779Z %s "
	    "tlsfloor %d session [tlsfloor@32473 reason=\"\\\\\\]\" "
	    "sni=\"a\\\"b\\\\c\\]d=e[f g\" exception_owner=\"J\xc3\xbcrgen?X? "
	    "M\xef\xbf\xbdller \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd "
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xf0\x9f\x94\x92\"]",
	    hostname, (int)getpid());
	ck_assert_str_eq(got, want);	/* and no MSG: json is NULL */
	ck_assert(parse5424(got, &p));
	ck_assert_str_eq(param(&p, "sni"), "a\"b\\c]d=e[f g");
	ck_assert_str_eq(param(&p, "reason"), "\\]");
	ck_assert_ptr_null(p.msg);
	remote_close(r, 0);
	close(u);
}
END_TEST

START_TEST(test_header_limits)
{
	struct syslog_msg	 m;
	struct remote		*r;
	struct parsed		 p;
	uint16_t		 port = 0;
	int			 u = bound(SOCK_DGRAM, &port);
	char			 got[9000], want[512];
	static const char	 ident[] =
	    "an ident of sixty-two bytes, more than APP-NAME's 48 allows...";

	memset(&m, 0, sizeof(m));
	m.severity = LOG_INFO;
	m.msgid = "a msgid longer than the thirty-two bytes RFC 5424 allows";
	m.ts = 0;				/* unknown: NILVALUE */
	r = mkremote(CONFIG_TRANSPORT_UDP, CONFIG_RFORMAT_RFC5424, port, 10,
	    ident, LOG_USER);
	drive(r, T0);
	remote_send(r, &m);
	drive(r, T0);
	recv_dgram(u, got, sizeof(got));
	/* spaces become '_'; APP-NAME 48, MSGID 32; no key fields: SD "-" */
	snprintf(want, sizeof(want), "<14>1 - %s "
	    "an_ident_of_sixty-two_bytes,_more_than_APP-NAME' %d "
	    "a_msgid_longer_than_the_thirty-t -", hostname, (int)getpid());
	ck_assert_str_eq(got, want);
	ck_assert(parse5424(got, &p));
	ck_assert_uint_eq(strlen(p.app), 48);
	ck_assert_uint_eq(strlen(p.msgid), 32);
	ck_assert(!p.sd);
	remote_close(r, 0);

	/* NULL ident and msgid are NILVALUEs too */
	m.msgid = NULL;
	m.ts = 1;			/* 1970-01-01T00:00:00.000001Z */
	r = mkremote(CONFIG_TRANSPORT_UDP, CONFIG_RFORMAT_RFC5424, port, 10,
	    NULL, LOG_USER);
	drive(r, T0);
	remote_send(r, &m);
	drive(r, T0);
	recv_dgram(u, got, sizeof(got));
	snprintf(want, sizeof(want), "<14>1 1970-01-01T00:00:00.000001Z %s - "
	    "%d - -", hostname, (int)getpid());
	ck_assert_str_eq(got, want);
	remote_close(r, 0);
	close(u);
}
END_TEST

/* A body past the UDP limit is cut; header and SD come through whole. */
START_TEST(test_udp_truncation)
{
	struct syslog_msg	 m = sample();
	struct remote		*r;
	struct parsed		 p;
	uint16_t		 port = 0;
	int			 u = bound(SOCK_DGRAM, &port);
	static char		 big[20001], got[30000];
	size_t			 n;

	memset(big, 'x', sizeof(big) - 1);
	big[0] = '"';
	m.json = big;
	m.json_len = sizeof(big) - 1;
	r = mkremote(CONFIG_TRANSPORT_UDP, CONFIG_RFORMAT_RFC5424, port, 10,
	    "tlsfloor", LOG_DAEMON);
	drive(r, T0);
	remote_send(r, &m);
	drive(r, T0);
	n = recv_dgram(u, got, sizeof(got));
	ck_assert_uint_eq(n, 8000);
	ck_assert(parse5424(got, &p));
	ck_assert_uint_eq(p.nparam, 11);
	ck_assert_str_eq(param(&p, "ja4"), m.ja4);
	ck_assert_int_eq(p.msg[0], '"');
	ck_assert_int_eq(p.msg[1], 'x');
	remote_close(r, 0);
	close(u);
}
END_TEST

/* The JSON is ASCII already; a stray control byte still never gets out. */
START_TEST(test_body_cleaned)
{
	struct syslog_msg	 m;
	struct remote		*r;
	uint16_t		 port = 0;
	int			 u = bound(SOCK_DGRAM, &port);
	char			 got[9000], want[512];

	memset(&m, 0, sizeof(m));
	m.severity = LOG_INFO;
	m.msgid = "stats";
	m.ts = SAMPLE_TS;
	m.json = "{\"a\":\"x\ny\x80\"}";
	m.json_len = strlen(m.json);
	r = mkremote(CONFIG_TRANSPORT_UDP, CONFIG_RFORMAT_RFC5424, port, 10,
	    "tlsfloor", LOG_DAEMON);
	drive(r, T0);
	remote_send(r, &m);
	drive(r, T0);
	recv_dgram(u, got, sizeof(got));
	snprintf(want, sizeof(want), "<30>1 2026-11-28T09:40:29.148779Z %s "
	    "tlsfloor %d stats - {\"a\":\"x?y?\"}", hostname, (int)getpid());
	ck_assert_str_eq(got, want);
	remote_close(r, 0);
	close(u);
}
END_TEST

/* --- CEF ------------------------------------------------------------------ */

START_TEST(test_cef_exact)
{
	struct syslog_msg	 m = sample();
	struct remote		*r;
	uint16_t		 port = 0;
	int			 u = bound(SOCK_DGRAM, &port);
	char			 got[9000], want[4096];

	m.severity = LOG_ERR;
	m.exception_owner = "Jane Doe <jane@example.com>";
	r = mkremote(CONFIG_TRANSPORT_UDP, CONFIG_RFORMAT_CEF, port, 10,
	    "tlsfloor", LOG_DAEMON);
	drive(r, T0);
	remote_send(r, &m);
	drive(r, T0);
	recv_dgram(u, got, sizeof(got));
	snprintf(want, sizeof(want), "<27>1 2026-11-28T09:40:29.148779Z %s "
	    "tlsfloor %d alert - CEF:0|tlsfloor|tlsfloor|%s|"
	    "alert:legacy_refused|Mail client refused for legacy TLS|8|"
	    "rt=1795858829148 src=10.99.0.2 spt=38786 dst=10.99.0.3 dpt=143 "
	    "proto=TCP app=imap reason=legacy_refused outcome=server_close "
	    "cs1Label=clientMaxVersion cs1=TLSv1.0 "
	    "cs3Label=ja3 cs3=53652b2730564404986852cde177b6d9 "
	    "cs4Label=ja4 cs4=t10i090500_c491f621fb4c_195413a0cc0f "
	    "cs5Label=serverName cs5=mail.example.test "
	    "cs6Label=exceptionOwner cs6=Jane Doe <jane@example.com> "
	    "msg={\"event\":{\"dataset\":\"tlsfloor.alert\"},"
	    "\"source\":{\"ip\":\"10.99.0.2\",\"port\":38786},"
	    "\"note\":\"a \\\\\"quoted\\\\\" \\\\\\\\ back\\=slash\"}",
	    hostname, (int)getpid(),
#ifdef TLSFLOOR_VERSION
	    TLSFLOOR_VERSION
#else
	    "0"
#endif
	    );
	ck_assert_str_eq(got, want);
	remote_close(r, 0);
	close(u);
}
END_TEST

/* Undo CEF extension escaping (\\ \= \n \r). */
static void
cef_unescape(const char *s, size_t n, char *out)
{
	size_t	i, o = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			i++;
			out[o++] = s[i] == 'n' ? '\n' : s[i] == 'r' ? '\r' :
			    s[i];
		} else
			out[o++] = s[i];
	}
	out[o] = '\0';
}

/* Where the extensions begin: after the 7th unescaped '|' of the header
 * (a '|' in an extension value is not escaped). */
static const char *
cef_extensions(const char *cef)
{
	int	pipes = 0;

	for (; *cef != '\0' && pipes < 7; cef++) {
		if (*cef == '\\' && cef[1] != '\0')
			cef++;
		else if (*cef == '|')
			pipes++;
	}
	return pipes == 7 ? cef : NULL;
}

/* The value of key in a CEF extension string, unescaped; NULL if absent.
 * A key starts at the beginning or after a space, and is followed by an
 * unescaped '='; the value runs to the next " key=". */
static const char *
cef_get(const char *ext, const char *key, char *out)
{
	const char	*p, *v, *end;
	size_t		 kl = strlen(key);

	for (p = ext; (p = strstr(p, key)) != NULL; p++) {
		if ((p != ext && p[-1] != ' ') || p[kl] != '=')
			continue;
		v = p + kl + 1;
		/* the value ends where the next unescaped key= begins */
		for (end = v; *end != '\0'; end++) {
			const char	*k;

			if (*end == '\\' && end[1] != '\0') {
				end++;
				continue;
			}
			if (*end != ' ')
				continue;
			for (k = end + 1; (*k >= 'a' && *k <= 'z') ||
			    (*k >= 'A' && *k <= 'Z') ||
			    (*k >= '0' && *k <= '9'); k++)
				;
			if (k > end + 1 && *k == '=')
				break;
		}
		cef_unescape(v, (size_t)(end - v), out);
		return out;
	}
	return NULL;
}

START_TEST(test_cef_escaping)
{
	struct syslog_msg	 m;
	struct remote		*r;
	struct parsed		 p;
	uint16_t		 port = 0;
	int			 u = bound(SOCK_DGRAM, &port);
	char			 got[9000], want[4096], v[1024];
	const char		*ext;

	memset(&m, 0, sizeof(m));
	m.severity = LOG_WARNING;
	m.msgid = "alert";
	m.ts = SAMPLE_TS;
	m.client_ip = "fd00:7:1::10";
	m.client_port = 40701;
	m.server_ip = "fd00:7:2::1";
	m.server_port = 465;
	m.protocol = "smtp";
	/* header: '|' and '\' escaped (signature and name) */
	m.reason = "odd|re\\ason";
	/* extension: '\' '=' CR LF escaped, '|' not */
	m.sni = "a=b\\c\nd\re|f";
	m.exception_owner = "x y=z";
	m.count = 3;
	r = mkremote(CONFIG_TRANSPORT_UDP, CONFIG_RFORMAT_CEF, port, 10,
	    "tlsfloor", LOG_DAEMON);
	drive(r, T0);
	remote_send(r, &m);
	drive(r, T0);
	recv_dgram(u, got, sizeof(got));
	snprintf(want, sizeof(want), "<28>1 2026-11-28T09:40:29.148779Z %s "
	    "tlsfloor %d alert - CEF:0|tlsfloor|tlsfloor|%s|"
	    "alert:odd\\|re\\\\ason|Mail session: odd\\|re\\\\ason|6|"
	    "rt=1795858829148 c6a2=fd00:7:1::10 spt=40701 c6a3=fd00:7:2::1 "
	    "dpt=465 c6a2Label=Source IPv6 Address "
	    "c6a3Label=Destination IPv6 Address proto=TCP app=smtp "
	    "reason=odd|re\\\\ason cnt=3 "
	    "cs5Label=serverName cs5=a\\=b\\\\c\\nd\\re|f "
	    "cs6Label=exceptionOwner cs6=x y\\=z",
	    hostname, (int)getpid(),
#ifdef TLSFLOOR_VERSION
	    TLSFLOOR_VERSION
#else
	    "0"
#endif
	    );
	ck_assert_str_eq(got, want);

	/* and back */
	ck_assert(parse5424(got, &p));
	ck_assert(!p.sd);
	ck_assert_ptr_nonnull(p.msg);
	ext = cef_extensions(p.msg);
	ck_assert_ptr_nonnull(ext);
	ck_assert_str_eq(cef_get(ext, "cs5", v), "a=b\\c\nd\re|f");
	ck_assert_str_eq(cef_get(ext, "cs6", v), "x y=z");
	ck_assert_str_eq(cef_get(ext, "reason", v), "odd|re\\ason");
	ck_assert_str_eq(cef_get(ext, "c6a2", v), "fd00:7:1::10");
	ck_assert_str_eq(cef_get(ext, "c6a2Label", v), "Source IPv6 Address");
	ck_assert_str_eq(cef_get(ext, "cnt", v), "3");
	ck_assert_ptr_null(cef_get(ext, "src", v));
	remote_close(r, 0);
	close(u);
}
END_TEST

/* Past the limit, msg= is cut, never in the middle of an escape, and the
 * fields before it come through. */
START_TEST(test_cef_truncation)
{
	struct syslog_msg	 m = sample();
	struct remote		*r;
	uint16_t		 port = 0;
	int			 u = bound(SOCK_DGRAM, &port);
	static char		 big[20001], got[30000];
	size_t			 n;

	memset(big, '=', sizeof(big) - 1);	/* each one escaped */
	m.json = big;
	m.json_len = sizeof(big) - 1;
	r = mkremote(CONFIG_TRANSPORT_UDP, CONFIG_RFORMAT_CEF, port, 10,
	    "tlsfloor", LOG_DAEMON);
	drive(r, T0);
	remote_send(r, &m);
	drive(r, T0);
	n = recv_dgram(u, got, sizeof(got));
	ck_assert_uint_ge(n, 7999);		/* 8000, or 1 short of it */
	ck_assert_uint_le(n, 8000);
	ck_assert_ptr_nonnull(strstr(got, " cs5=mail.example.test msg=\\=\\="));
	/* it ends on a whole escape */
	ck_assert_int_eq(got[n - 1], '=');
	ck_assert_int_eq(got[n - 2], '\\');
	ck_assert_int_eq((int)(n - (size_t)(strstr(got, "msg=") + 4 - got)) % 2,
	    0);
	remote_close(r, 0);
	close(u);
}
END_TEST

/* --- TCP ------------------------------------------------------------------ */

START_TEST(test_octet_counting)
{
	struct syslog_msg	 m = sample();
	struct remote		*r;
	struct parsed		 p;
	uint16_t		 port;
	int			 l = listener(&port), c;
	char			*fr[4];
	static char		 big[70001];
	size_t			 i;

	r = mkremote(CONFIG_TRANSPORT_TCP, CONFIG_RFORMAT_RFC5424, port, 10,
	    "tlsfloor", LOG_DAEMON);
	c = accept_from(l, r, T0);
	remote_send(r, &m);
	m.msgid = "session";
	remote_send(r, &m);
	/* 30000 bytes: more than UDP may carry, less than TCP */
	memset(big, 'y', sizeof(big) - 1);
	m.json = big;
	m.json_len = 30000;
	remote_send(r, &m);
	/* 70000: cut to SYSLOG_TCP_MAX (65536) */
	m.json_len = 70000;
	remote_send(r, &m);
	ck_assert_uint_eq(read_frames(c, r, T0, fr, 4), 4);
	for (i = 0; i < 4; i++)
		ck_assert_msg(parse5424(fr[i], &p), "frame %zu", i);
	ck_assert(parse5424(fr[0], &p));
	ck_assert_str_eq(p.msgid, "alert");
	ck_assert_str_eq(p.msg, sample_json);
	ck_assert(parse5424(fr[1], &p));
	ck_assert_str_eq(p.msgid, "session");
	ck_assert(parse5424(fr[2], &p));
	ck_assert_uint_eq(strlen(p.msg), 30000);
	ck_assert_uint_eq(strlen(fr[3]), 65536);
	for (i = 0; i < 4; i++)
		free(fr[i]);
	/* delivered = acknowledged */
	for (i = 0; i < 100 && remote_queued(r) > 0; i++)
		drive(r, T0);
	ck_assert_uint_eq(remote_queued(r), 0);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_SENT], 4);
	remote_close(r, 1000);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_DROPPED], 0);
	close(c);
	close(l);
}
END_TEST

/* The collector closes (FIN) or resets (RST) between two events: the
 * second waits out the back-off and arrives on the next connection. */
static void
reconnect(bool reset)
{
	struct syslog_msg	 m = sample();
	struct remote		*r;
	struct parsed		 p;
	struct linger		 lg = { 1, 0 };
	struct pollfd		 pf;
	uint16_t		 port;
	int			 l = listener(&port), c;
	char			*fr[2];
	short			 ev;

	r = mkremote(CONFIG_TRANSPORT_TCP, CONFIG_RFORMAT_RFC5424, port, 10,
	    "tlsfloor", LOG_DAEMON);
	c = accept_from(l, r, T0);
	remote_send(r, &m);
	ck_assert_uint_eq(read_frames(c, r, T0, fr, 1), 1);
	free(fr[0]);
	drive(r, T0);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_SENT], 1);

	if (reset)
		setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(c);
	/* let the FIN or RST arrive (remote_pollfd asks for POLLIN) */
	pf.fd = remote_pollfd(r, &ev);
	ck_assert_int_ge(pf.fd, 0);
	ck_assert(ev & POLLIN);
	pf.events = ev;
	ck_assert_int_eq(poll(&pf, 1, 2000), 1);

	m.msgid = "session";
	remote_send(r, &m);		/* finds the connection gone */
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_ERRORS], 1);
	ck_assert_uint_eq(remote_queued(r), 1);
	ck_assert_int_eq(remote_pollfd(r, &ev), -1);

	/* back-off: nothing before T0 + 1 s */
	drive(r, T0 + SEC - 1);
	ck_assert(!readable(l, 50));
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_CONNECTS], 1);

	c = accept_from(l, r, T0 + SEC);
	ck_assert_uint_eq(read_frames(c, r, T0 + SEC, fr, 1), 1);
	ck_assert(parse5424(fr[0], &p));
	ck_assert_str_eq(p.msgid, "session");	/* once, and only it */
	free(fr[0]);
	ck_assert(!readable(c, 50));
	drive(r, T0 + SEC);
	ck_assert_uint_eq(remote_queued(r), 0);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_SENT], 2);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_CONNECTS], 2);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_DROPPED], 0);
	remote_close(r, 1000);
	close(c);
	close(l);
}

START_TEST(test_reconnect_after_close)
{
	reconnect(false);
}
END_TEST

START_TEST(test_reconnect_after_reset)
{
	reconnect(true);
}
END_TEST

/*
 * The collector stops reading, the socket fills (a frame is left half
 * written), then it resets.  Everything it had not acknowledged -- the
 * half-written frame from its start -- comes again on the next
 * connection, in order; nothing is dropped or counted twice.  (The few
 * frames its kernel acknowledged into the receive buffer it never read
 * are lost with it, counted as sent: only an application-level
 * acknowledgement could tell.)
 */
START_TEST(test_reset_mid_frame)
{
	enum { N = 200, LEN = 30000 };
	struct syslog_msg	 m = sample();
	struct remote		*r;
	struct parsed		 p;
	struct linger		 lg = { 1, 0 };
	uint16_t		 port;
	int			 l = listener(&port), c, rcv = 100000, i;
	static char		 body[LEN + 64];
	char			**fr;
	uint64_t		 q, before, first;
	size_t			 got, k;
	short			 ev;

	/* a receive window of a few frames, inherited by the accepted
	 * socket */
	setsockopt(l, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	r = mkremote(CONFIG_TRANSPORT_TCP, CONFIG_RFORMAT_RFC5424, port, N,
	    "tlsfloor", LOG_DAEMON);
	c = accept_from(l, r, T0);
	for (i = 0; i < N; i++) {
		snprintf(body, sizeof(body), "{\"seq\":%05d,\"pad\":\"", i);
		memset(body + strlen(body), 'p', LEN - strlen(body) - 2);
		memcpy(body + LEN - 2, "\"}", 3);
		m.json = body;
		m.json_len = LEN;
		remote_send(r, &m);
	}
	/* until the socket takes no more */
	for (q = 0, i = 0; i < 50 && q != remote_queued(r); i++) {
		q = remote_queued(r);
		drive(r, T0);
		usleep(10000);
		drive(r, T0);
	}
	ck_assert_uint_gt(remote_queued(r), 0);
	ck_assert_int_ge(remote_pollfd(r, &ev), 0);
	ck_assert(ev & POLLOUT);		/* it has more to write */
	before = stats[STAT_OUT_REMOTE_SENT];
	ck_assert_uint_eq(before + remote_queued(r), N);

	setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(c);
	usleep(50000);
	drive(r, T0);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_ERRORS], 1);
	ck_assert_uint_eq(remote_queued(r), N - before);

	c = accept_from(l, r, T0 + SEC);
	fr = calloc(N, sizeof(*fr));
	got = read_frames(c, r, T0 + SEC, fr, N - before);
	ck_assert_uint_eq(got, N - before);
	for (k = 0; k < got; k++) {
		ck_assert_msg(parse5424(fr[k], &p), "frame %zu", k);
		ck_assert_uint_eq(strlen(p.msg), LEN);
		first = strtoull(p.msg + 7, NULL, 10);
		ck_assert_uint_eq(first, before + k);	/* in order, no gap */
		free(fr[k]);
	}
	free(fr);
	for (i = 0; i < 100 && remote_queued(r) > 0; i++)
		drive(r, T0 + SEC);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_SENT], N);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_DROPPED], 0);
	remote_close(r, 1000);
	close(c);
	close(l);
}
END_TEST

/* Refused: 1 s, 2 s, 4 s ... 60 s, 60 s between attempts. */
START_TEST(test_backoff)
{
	static const unsigned	 steps[] = { 1, 2, 4, 8, 16, 32, 60, 60 };
	struct remote		*r;
	uint16_t		 port = 0;
	int			 closed = bound(SOCK_STREAM, &port);
	uint64_t		 t = T0;
	size_t			 i;
	short			 ev;

	/* bound, not listening: connection refused */
	r = mkremote(CONFIG_TRANSPORT_TCP, CONFIG_RFORMAT_RFC5424, port, 10,
	    "tlsfloor", LOG_DAEMON);
	drive(r, t);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_ERRORS], 1);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		drive(r, t + steps[i] * SEC - 1);
		ck_assert_uint_eq(stats[STAT_OUT_REMOTE_ERRORS], i + 1);
		ck_assert_int_eq(remote_pollfd(r, &ev), -1);
		t += steps[i] * SEC;
		drive(r, t);
		ck_assert_uint_eq(stats[STAT_OUT_REMOTE_ERRORS], i + 2);
	}
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_CONNECTS], 0);
	remote_close(r, 0);
	close(closed);
}
END_TEST

/* --- UDP ------------------------------------------------------------------ */

START_TEST(test_udp_send)
{
	struct syslog_msg	 m = sample();
	struct remote		*r;
	struct parsed		 p;
	uint16_t		 port = 0;
	int			 u = bound(SOCK_DGRAM, &port), i;
	char			 got[9000];
	short			 ev;

	r = mkremote(CONFIG_TRANSPORT_UDP, CONFIG_RFORMAT_RFC5424, port, 10,
	    "tlsfloor", LOG_DAEMON);
	ck_assert_int_eq(remote_pollfd(r, &ev), -1);	/* not yet */
	drive(r, T0);
	ck_assert_int_ge(remote_pollfd(r, &ev), 0);
	ck_assert_int_eq(ev, 0);			/* nothing to write */
	for (i = 0; i < 3; i++)
		remote_send(r, &m);
	for (i = 0; i < 3; i++) {			/* one datagram each */
		recv_dgram(u, got, sizeof(got));
		ck_assert(parse5424(got, &p));
		ck_assert_str_eq(p.msg, sample_json);
	}
	ck_assert(!readable(u, 50));
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_SENT], 0);
	drive(r, T0 + SEC);		/* stamped now, no error */
	drive(r, T0 + SEC + REMOTE_UDP_CONFIRM);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_SENT], 3);
	remote_close(r, 0);
	close(u);
}
END_TEST

/* Nobody on the port: the ICMP error puts the collector in back-off and
 * the queue holds what follows until it is back. */
START_TEST(test_udp_collector_away)
{
	struct syslog_msg	 m = sample();
	struct remote		*r;
	struct parsed		 p;
	uint16_t		 port = 0;
	int			 u = bound(SOCK_DGRAM, &port);
	char			 got[9000];

	close(u);
	r = mkremote(CONFIG_TRANSPORT_UDP, CONFIG_RFORMAT_RFC5424, port, 10,
	    "tlsfloor", LOG_DAEMON);
	drive(r, T0);
	remote_send(r, &m);		/* gone into the void */
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_SENT], 0);
	usleep(50000);			/* the port unreachable comes back */
	m.msgid = "session";
	remote_send(r, &m);
	/* the first is lost and counted so, not as sent */
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_ERRORS], 1);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_FAILED], 1);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_SENT], 0);
	ck_assert_uint_eq(remote_queued(r), 1);
	m.msgid = "alert_summary";
	remote_send(r, &m);
	m.msgid = "stats";
	remote_send(r, &m);
	ck_assert_uint_eq(remote_queued(r), 3);

	u = bound(SOCK_DGRAM, &port);	/* the collector is back */
	drive(r, T0 + SEC / 2);
	ck_assert(!readable(u, 50));	/* still in back-off */
	/* after the back-off: one probe only, not the whole queue */
	drive(r, T0 + SEC);
	recv_dgram(u, got, sizeof(got));
	ck_assert(parse5424(got, &p));
	ck_assert_str_eq(p.msgid, "session");
	ck_assert(!readable(u, 50));
	ck_assert_uint_eq(remote_queued(r), 3);
	drive(r, T0 + SEC + REMOTE_UDP_CONFIRM / 2);
	ck_assert(!readable(u, 50));
	/* confirmed: the rest follows */
	drive(r, T0 + SEC + REMOTE_UDP_CONFIRM);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_SENT], 1);
	recv_dgram(u, got, sizeof(got));
	ck_assert(parse5424(got, &p));
	ck_assert_str_eq(p.msgid, "alert_summary");
	recv_dgram(u, got, sizeof(got));
	ck_assert(parse5424(got, &p));
	ck_assert_str_eq(p.msgid, "stats");
	drive(r, T0 + SEC + 2 * REMOTE_UDP_CONFIRM);
	ck_assert_uint_eq(remote_queued(r), 0);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_SENT], 3);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_EVENTS],
	    stats[STAT_OUT_REMOTE_SENT] + stats[STAT_OUT_REMOTE_DROPPED] +
	    stats[STAT_OUT_REMOTE_FAILED]);
	remote_close(r, 0);
	close(u);
}
END_TEST


/* Datagrams awaiting confirmation are bounded by the queue too: a fast
 * producer and a slow poll cannot grow the ring. */
START_TEST(test_udp_inflight_bounded)
{
	struct syslog_msg	 m = sample();
	struct remote_counts	 c;
	struct remote		*r;
	uint16_t		 port = 0;
	int			 u = bound(SOCK_DGRAM, &port), i;
	char			 got[9000];

	r = mkremote(CONFIG_TRANSPORT_UDP, CONFIG_RFORMAT_RFC5424, port, 3,
	    "tlsfloor", LOG_DAEMON);
	drive(r, T0);
	for (i = 0; i < 10; i++)
		remote_send(r, &m);
	remote_counts(r, &c);
	ck_assert_uint_eq(c.queued, 6);		/* 3 in flight, 3 waiting */
	ck_assert_uint_eq(c.dropped, 4);
	for (i = 0; i < 3; i++)
		recv_dgram(u, got, sizeof(got));
	ck_assert(!readable(u, 50));
	drive(r, T0);			/* stamped: sent at T0 */
	ck_assert(!readable(u, 50));
	drive(r, T0 + REMOTE_UDP_CONFIRM);	/* confirmed: 3 more go */
	remote_counts(r, &c);
	ck_assert_uint_eq(c.sent, 3);
	for (i = 0; i < 3; i++)
		recv_dgram(u, got, sizeof(got));
	drive(r, T0 + 2 * REMOTE_UDP_CONFIRM);
	remote_counts(r, &c);
	ck_assert_uint_eq(c.sent, 6);
	ck_assert_uint_eq(c.queued, 0);
	ck_assert_uint_eq(c.events, c.sent + c.dropped + c.failed);
	remote_close(r, 0);
	close(u);
}
END_TEST

/* --- queue ---------------------------------------------------------------- */

START_TEST(test_queue_overflow)
{
	struct syslog_msg	 m = sample();
	struct remote		*r;
	uint16_t		 port = 0;
	int			 closed = bound(SOCK_STREAM, &port), i;

	/* never polled: nothing leaves; the 4th and 5th are dropped */
	r = mkremote(CONFIG_TRANSPORT_TCP, CONFIG_RFORMAT_RFC5424, port, 3,
	    "tlsfloor", LOG_DAEMON);
	for (i = 0; i < 5; i++)
		remote_send(r, &m);
	ck_assert_uint_eq(remote_queued(r), 3);
	ck_assert_uint_eq(remote_dropped(r), 2);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_DROPPED], 2);
	/* at exit, against a refusing port, the held three fail */
	remote_close(r, 300);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_DROPPED], 2);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_FAILED], 3);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_SENT], 0);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_EVENTS], 5);
	close(closed);
}
END_TEST

/* Dropping the newest keeps the order of what is held; the ring grows
 * past its first allocation. */
START_TEST(test_queue_order)
{
	struct syslog_msg	 m = sample();
	struct remote		*r;
	struct parsed		 p;
	uint16_t		 port;
	int			 l = listener(&port), c, i;
	char			*fr[100], id[16];

	r = mkremote(CONFIG_TRANSPORT_TCP, CONFIG_RFORMAT_RFC5424, port, 100,
	    "tlsfloor", LOG_DAEMON);
	for (i = 0; i < 150; i++) {
		snprintf(id, sizeof(id), "m%03d", i);
		m.msgid = id;
		remote_send(r, &m);
	}
	ck_assert_uint_eq(remote_queued(r), 100);
	ck_assert_uint_eq(remote_dropped(r), 50);
	c = accept_from(l, r, T0);
	ck_assert_uint_eq(read_frames(c, r, T0, fr, 100), 100);
	for (i = 0; i < 100; i++) {
		ck_assert(parse5424(fr[i], &p));
		snprintf(id, sizeof(id), "m%03d", i);
		ck_assert_str_eq(p.msgid, id);
		free(fr[i]);
	}
	remote_close(r, 1000);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_DROPPED], 50);
	close(c);
	close(l);
}
END_TEST

/* The queue bounds what waits for an absent collector, not what a healthy
 * connection has in flight: a burst of 50 into a queue of 3, with no
 * remote_poll() (so no ACK read) in between, loses nothing. */
START_TEST(test_burst_not_dropped)
{
	struct syslog_msg	 m = sample();
	struct remote		*r;
	uint16_t		 port;
	int			 l = listener(&port), c, i;
	char			*fr[50];

	r = mkremote(CONFIG_TRANSPORT_TCP, CONFIG_RFORMAT_RFC5424, port, 3,
	    "tlsfloor", LOG_DAEMON);
	c = accept_from(l, r, T0);
	for (i = 0; i < 50; i++)
		remote_send(r, &m);
	ck_assert_uint_eq(remote_dropped(r), 0);
	ck_assert_uint_eq(read_frames(c, r, T0, fr, 50), 50);
	for (i = 0; i < 50; i++)
		free(fr[i]);
	remote_close(r, 1000);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_SENT], 50);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_DROPPED], 0);
	close(c);
	close(l);
}
END_TEST

/* remote_close() connects and delivers what was held. */
START_TEST(test_close_flushes)
{
	struct syslog_msg	 m = sample();
	struct remote		*r;
	uint16_t		 port;
	int			 l = listener(&port), c, i;
	static char		 buf[65536];
	size_t			 have = 0;
	ssize_t			 n;

	r = mkremote(CONFIG_TRANSPORT_TCP, CONFIG_RFORMAT_RFC5424, port, 10,
	    "tlsfloor", LOG_DAEMON);
	for (i = 0; i < 5; i++)
		remote_send(r, &m);
	remote_close(r, 2000);	/* the listener's backlog accepts for us */
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_SENT], 5);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_DROPPED], 0);
	c = accept(l, NULL, NULL);
	ck_assert_int_ge(c, 0);
	while ((n = recv(c, buf + have, sizeof(buf) - 1 - have, 0)) > 0)
		have += (size_t)n;
	buf[have] = '\0';
	ck_assert_uint_gt(have, 0);
	for (i = 0, n = 0; (size_t)n < have; i++)	/* five frames */
		n += (ssize_t)strtoul(buf + n, NULL, 10) +
		    (ssize_t)(strchr(buf + n, ' ') - (buf + n)) + 1;
	ck_assert_int_eq(i, 5);
	ck_assert_uint_eq((size_t)n, have);
	close(c);
	close(l);
}
END_TEST

START_TEST(test_pollfd)
{
	struct remote		*r;
	uint16_t		 port;
	int			 l = listener(&port), c;
	short			 ev = 99;

	r = mkremote(CONFIG_TRANSPORT_TCP, CONFIG_RFORMAT_RFC5424, port, 10,
	    "tlsfloor", LOG_DAEMON);
	ck_assert_int_eq(remote_pollfd(r, &ev), -1);
	ck_assert_int_eq(ev, 0);
	remote_poll(r, T0);
	ck_assert_int_ge(remote_pollfd(r, &ev), 0);
	ck_assert(ev == POLLOUT || ev == POLLIN);  /* connecting, or up */
	c = accept_from(l, r, T0);
	ck_assert_int_ge(remote_pollfd(r, &ev), 0);
	ck_assert_int_eq(ev, POLLIN);		/* up, nothing to write */
	ck_assert_int_eq(remote_pollfd(NULL, &ev), -1);
	remote_close(r, 0);
	remote_close(NULL, 0);
	ck_assert_uint_eq(remote_queued(NULL), 0);
	ck_assert_uint_eq(remote_dropped(NULL), 0);
	close(c);
	close(l);
}
END_TEST


/* --- size: optional JSON fields go first ------------------------------- */

/* A session event of about 3.2 KB over UDP (default 2048): the cipher list
 * and raw strings go, the JSON still parses, what rules key on stays. */
START_TEST(test_trim_optional)
{
	struct syslog_msg	 m = sample();
	struct remote		*r;
	struct parsed		 p;
	uint16_t		 port = 0;
	int			 u = bound(SOCK_DGRAM, &port), i;
	static char		 js[8192], got[9000];
	json_t			*j;
	size_t			 n, o;

	o = (size_t)snprintf(js, sizeof(js), "{\"@timestamp\":\"x\","
	    "\"source\":{\"ip\":\"10.99.0.2\"},\"tls\":{\"client\":{"
	    "\"supported_ciphers\":[");
	for (i = 0; i < 80; i++)
		o += (size_t)snprintf(js + o, sizeof(js) - o, "%s\"TLS_"
		    "ECDHE_RSA_WITH_AES_%03d\"", i ? "," : "", i);
	o += (size_t)snprintf(js + o, sizeof(js) - o, "],\"ja3\":\"abc\"}},"
	    "\"tlsfloor\":{\"reason\":\"legacy_refused\",\"exception\":"
	    "{\"owner\":\"M\\u00fcller-IT\"},\"client_hello\":{\"ja4_r\":\"r\"}}}");
	ck_assert_uint_gt(o, 2048);
	m.json = js;
	m.json_len = o;
	mk_max = 2048;
	r = mkremote(CONFIG_TRANSPORT_UDP, CONFIG_RFORMAT_RFC5424, port, 10,
	    "tlsfloor", LOG_DAEMON);
	drive(r, T0);
	remote_send(r, &m);
	drive(r, T0);
	n = recv_dgram(u, got, sizeof(got));
	ck_assert_uint_le(n, 2048);
	ck_assert(parse5424(got, &p));
	ck_assert_str_eq(param(&p, "ja4"), m.ja4);	/* SD whole */
	j = json_loads(p.msg, 0, NULL);
	ck_assert_msg(j != NULL, "the trimmed JSON parses: %s", p.msg);
	ck_assert_ptr_null(json_object_get(json_object_get(json_object_get(j,
	    "tls"), "client"), "supported_ciphers"));
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j,
	    "tlsfloor"), "reason")), "legacy_refused");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(
	    json_object_get(j, "tlsfloor"), "exception"), "owner")),
	    "M\xc3\xbcller-IT");
	/* only as much as needed: ja3 and ja4_r are short, they stay */
	ck_assert_ptr_nonnull(json_object_get(json_object_get(json_object_get(
	    j, "tls"), "client"), "ja3"));
	json_decref(j);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_TRIMMED], 1);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_CUT], 0);
	remote_close(r, 0);
	close(u);
}
END_TEST

/* A stats event loses its zero counters first. */
START_TEST(test_trim_zero_counters)
{
	struct syslog_msg	 m;
	struct remote		*r;
	struct parsed		 p;
	uint16_t		 port = 0;
	int			 u = bound(SOCK_DGRAM, &port), i;
	static char		 js[16384], got[9000];
	json_t			*j, *c;
	size_t			 o;

	memset(&m, 0, sizeof(m));
	m.severity = LOG_INFO;
	m.msgid = "stats";
	o = (size_t)snprintf(js, sizeof(js), "{\"tlsfloor\":{\"counters\":{");
	for (i = 0; i < 200; i++)
		o += (size_t)snprintf(js + o, sizeof(js) - o,
		    "%s\"some.counter.number_%03d\":%d", i ? "," : "", i,
		    i % 50 == 7 ? i : 0);
	o += (size_t)snprintf(js + o, sizeof(js) - o, "}}}");
	m.json = js;
	m.json_len = o;
	mk_max = 2048;
	r = mkremote(CONFIG_TRANSPORT_UDP, CONFIG_RFORMAT_RFC5424, port, 10,
	    "tlsfloor", LOG_DAEMON);
	drive(r, T0);
	remote_send(r, &m);
	drive(r, T0);
	recv_dgram(u, got, sizeof(got));
	ck_assert(parse5424(got, &p));
	j = json_loads(p.msg, 0, NULL);
	ck_assert_ptr_nonnull(j);
	c = json_object_get(json_object_get(j, "tlsfloor"), "counters");
	ck_assert_uint_eq(json_object_size(c), 4);	/* 7 57 107 157 */
	ck_assert_int_eq(json_integer_value(json_object_get(c,
	    "some.counter.number_157")), 157);
	json_decref(j);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_TRIMMED], 1);
	remote_close(r, 0);
	close(u);
}
END_TEST

/* sd_id replaces the documentation-only default. */
START_TEST(test_sd_id)
{
	struct config_remote	 rc;
	struct syslog_msg	 m = sample();
	struct remote		*r;
	struct parsed		 p;
	uint16_t		 port = 0;
	int			 u = bound(SOCK_DGRAM, &port);
	char			 got[9000], err[256];

	memset(&rc, 0, sizeof(rc));
	rc.host = (char *)"127.0.0.1";
	rc.port = port;
	rc.queue = 10;
	rc.sd_id = (char *)"tlsfloor@64512";
	r = remote_open(&rc, "tlsfloor", LOG_DAEMON, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	drive(r, T0);
	remote_send(r, &m);
	drive(r, T0);
	recv_dgram(u, got, sizeof(got));
	ck_assert(parse5424(got, &p));
	ck_assert_str_eq(p.sdid, "tlsfloor@64512");
	remote_close(r, 0);
	close(u);
}
END_TEST

/* --- names ---------------------------------------------------------------- */

/* Drive until state settles while glibc's lookup thread answers. */
static void
drive_for(struct remote *r, uint64_t now, int ms)
{
	int	i;

	for (i = 0; i < ms / 10; i++) {
		drive(r, now);
		usleep(10000);
	}
	drive(r, now);
}

/* A name is looked up when it connects, not at remote_open(). */
START_TEST(test_name_connects)
{
	struct config_remote	 rc;
	struct remote_counts	 c;
	struct syslog_msg	 m = sample();
	struct remote		*r;
	uint16_t		 port;
	int			 l = listener(&port), fd = -1, i;
	char			 err[256], *fr[1];
	uint64_t		 now = T0;

	memset(&rc, 0, sizeof(rc));
	rc.host = (char *)"localhost";
	rc.port = port;
	rc.transport = CONFIG_TRANSPORT_TCP;
	rc.queue = 10;
	r = remote_open(&rc, "tlsfloor", LOG_DAEMON, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	remote_send(r, &m);
	/* localhost may be ::1 first (nobody there): the next try takes
	 * the next address */
	for (i = 0; i < 8 && fd == -1; i++) {
		drive_for(r, now, 200);
		if (readable(l, 0))
			fd = accept(l, NULL, NULL);
		now += REMOTE_BACKOFF_MAX;
	}
	ck_assert_int_ge(fd, 0);
	ck_assert_uint_eq(read_frames(fd, r, now, fr, 1), 1);
	free(fr[0]);
	for (i = 0; i < 100 && remote_queued(r) > 0; i++)
		drive_for(r, now, 10);
	remote_counts(r, &c);
	ck_assert_uint_eq(c.events, 1);
	ck_assert_uint_eq(c.sent, 1);
	ck_assert_uint_eq(c.resolve_failures, 0);
	remote_close(r, 0);
	close(fd);
	close(l);
}
END_TEST

/* A name that does not resolve: remote_open() succeeds, each attempt is
 * a counted failure with back-off, events are held, then given up and
 * counted failed. */
START_TEST(test_name_unresolvable)
{
	struct config_remote	 rc;
	struct remote_counts	 c;
	struct syslog_msg	 m = sample();
	struct remote		*r;
	char			 err[256];
	int			 i;
	short			 ev;

	memset(&rc, 0, sizeof(rc));
	rc.host = (char *)"no-such-collector.invalid";	/* RFC 6761 */
	rc.port = 514;
	rc.transport = CONFIG_TRANSPORT_TCP;
	rc.queue = 10;
	r = remote_open(&rc, "tlsfloor", LOG_DAEMON, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	remote_send(r, &m);
	remote_send(r, &m);
	for (i = 0; i < 1500; i++) {	/* the resolver answers "no" */
		drive(r, T0);
		remote_counts(r, &c);
		if (c.resolve_failures > 0)
			break;
		usleep(10000);
	}
	ck_assert_uint_eq(c.resolve_failures, 1);
	ck_assert_uint_eq(c.errors, 1);
	ck_assert_uint_eq(c.queued, 2);
	ck_assert_int_eq(remote_pollfd(r, &ev), -1);
	/* in back-off: no new lookup before it is over */
	drive_for(r, T0 + SEC / 2, 50);
	remote_counts(r, &c);
	ck_assert_uint_eq(c.resolve_failures, 1);
	ck_assert_uint_eq(remote_close(r, 0), 2);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_FAILED], 2);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_EVENTS], 2);
}
END_TEST

/* remote_resolve(), for tlsfloor -n: the same question, asked now. */
START_TEST(test_resolve)
{
	struct config_remote	 rc;
	struct addrinfo		*a;
	char			 err[256] = "";
	const char		*want = "outputs.remote: collector "
				    "\"no-such-collector.invalid\" does not "
				    "resolve: ";

	memset(&rc, 0, sizeof(rc));
	rc.host = (char *)"localhost";
	rc.port = 6514;
	rc.transport = CONFIG_TRANSPORT_TLS;
	a = remote_resolve(&rc, err, sizeof(err));
	ck_assert_msg(a != NULL, "%s", err);
	ck_assert_int_eq(a->ai_socktype, SOCK_STREAM);
	freeaddrinfo(a);
	rc.host = (char *)"no-such-collector.invalid";
	ck_assert_ptr_null(remote_resolve(&rc, err, sizeof(err)));
	ck_assert_msg(strncmp(err, want, strlen(want)) == 0, "%s", err);
}
END_TEST

/* --- RELP ----------------------------------------------------------------- */

/* One LF-terminated line from fd (the remote pumped meanwhile). */
static void
read_line(int fd, struct remote *r, uint64_t now, char *buf, size_t len)
{
	size_t	n = 0;
	int	i;

	for (i = 0; i < 200 && n + 1 < len; i++) {
		drive(r, now);
		if (!readable(fd, 10))
			continue;
		ck_assert_int_eq(recv(fd, buf + n, 1, 0), 1);
		if (buf[n++] == '\n')
			break;
		i = 0;
	}
	buf[n] = '\0';
	ck_assert_msg(n > 0 && buf[n - 1] == '\n', "no line: \"%s\"", buf);
}

static void
say(int fd, const char *s)
{
	ck_assert_int_eq(send(fd, s, strlen(s), 0), (ssize_t)strlen(s));
}

/* Acknowledged one by one; a rejected one is failed; what was written
 * but not answered when the connection died is sent again, in a new
 * session with new transaction numbers. */
START_TEST(test_relp)
{
	struct syslog_msg	 m = sample();
	struct remote_counts	 c;
	struct remote		*r;
	struct parsed		 p;
	uint16_t		 port;
	int			 l = listener(&port), fd, i;
	char			 line[9000], want[64];
	unsigned		 len;

	r = mkremote(CONFIG_TRANSPORT_RELP, CONFIG_RFORMAT_RFC5424, port, 10,
	    "tlsfloor", LOG_DAEMON);
	m.msgid = "alert";
	remote_send(r, &m);
	m.msgid = "alert_summary";
	remote_send(r, &m);
	m.msgid = "stats";
	remote_send(r, &m);
	fd = accept_from(l, r, T0);
	read_line(fd, r, T0, line, sizeof(line));
	ck_assert_msg(strncmp(line, "1 open ", 7) == 0 &&
	    strstr(line, "relp_version=0\n") != NULL, "%s", line);
	/* the open's data has LFs: read up to "commands=syslog\n" */
	while (strstr(line, "commands=syslog") == NULL)
		read_line(fd, r, T0, line, sizeof(line));
	say(fd, "1 rsp 21 200 OK\nrelp_version=0\n");
	for (i = 2; i <= 4; i++) {
		read_line(fd, r, T0, line, sizeof(line));
		snprintf(want, sizeof(want), "%d syslog ", i);
		ck_assert_msg(strncmp(line, want, strlen(want)) == 0, "%s",
		    line);
		len = (unsigned)strtoul(line + strlen(want), NULL, 10);
		/* DATALEN counts the message alone, LF excluded */
		ck_assert_uint_eq(strlen(strchr(line + strlen(want), ' ') + 1),
		    len + 1);
		line[strlen(line) - 1] = '\0';
		ck_assert(parse5424(strchr(line + strlen(want), ' ') + 1, &p));
		ck_assert_str_eq(p.msgid, i == 2 ? "alert" : i == 3 ?
		    "alert_summary" : "stats");
	}
	/* the second is rejected, answered before the first */
	say(fd, "3 rsp 8 500 full\n2 rsp 6 200 OK\n");
	for (i = 0; i < 20; i++)
		drive(r, T0);
	remote_counts(r, &c);
	ck_assert_uint_eq(c.acknowledged, 1);
	ck_assert_uint_eq(c.failed, 1);
	ck_assert_uint_eq(c.sent, 0);
	ck_assert_uint_eq(c.queued, 1);		/* "stats": no answer yet */
	close(fd);				/* the relay dies */
	for (i = 0; i < 20 && c.errors == 0; i++) {
		usleep(10000);
		drive(r, T0);
		remote_counts(r, &c);
	}
	ck_assert_uint_eq(c.errors, 1);
	ck_assert_uint_eq(c.queued, 1);
	/* it comes back: a new session, the unanswered one again */
	fd = accept_from(l, r, T0 + SEC);
	do
		read_line(fd, r, T0 + SEC, line, sizeof(line));
	while (strstr(line, "commands=syslog") == NULL);
	say(fd, "1 rsp 6 200 OK\n");
	read_line(fd, r, T0 + SEC, line, sizeof(line));
	ck_assert_msg(strncmp(line, "2 syslog ", 9) == 0, "%s", line);
	ck_assert_ptr_nonnull(strstr(line, " stats "));
	say(fd, "2 rsp 6 200 OK\n");
	for (i = 0; i < 20; i++)
		drive(r, T0 + SEC);
	remote_counts(r, &c);
	ck_assert_uint_eq(c.acknowledged, 2);
	ck_assert_uint_eq(c.queued, 0);
	ck_assert_uint_eq(c.events, c.sent + c.acknowledged + c.dropped +
	    c.failed);
	ck_assert_uint_eq(stats[STAT_OUT_REMOTE_ACKNOWLEDGED], 2);
	/* not RELP: the connection is dropped */
	say(fd, "hello\n");
	for (i = 0; i < 20 && c.errors == 1; i++) {
		usleep(10000);
		drive(r, T0 + SEC);
		remote_counts(r, &c);
	}
	ck_assert_uint_eq(c.errors, 2);
	remote_close(r, 0);
	close(fd);
	close(l);
}
END_TEST

/* --- TLS files ------------------------------------------------------------ */

/* A self-signed certificate and its key, as PEM files. */
static void
self_signed(const char *cert, const char *key)
{
	EVP_PKEY	*pk = EVP_EC_gen("P-256");
	X509		*x = X509_new();
	X509_NAME	*n;
	FILE		*fp;

	ck_assert_ptr_nonnull(pk);
	ck_assert_ptr_nonnull(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, pk);
	n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)"tlsfloor-unit", -1, -1, 0);
	X509_set_issuer_name(x, n);
	ck_assert_int_gt(X509_sign(x, pk, EVP_sha256()), 0);
	ck_assert_ptr_nonnull(fp = fopen(cert, "w"));
	ck_assert_int_eq(PEM_write_X509(fp, x), 1);
	fclose(fp);
	ck_assert_ptr_nonnull(fp = fopen(key, "w"));
	ck_assert_int_eq(PEM_write_PrivateKey(fp, pk, NULL, NULL, 0, NULL,
	    NULL), 1);
	fclose(fp);
	X509_free(x);
	EVP_PKEY_free(pk);
}

/* The files are checked at open, and a reload reads them again; one that
 * cannot be read then leaves the old context in place. */
START_TEST(test_tls_files)
{
	struct config_remote	 rc;
	struct remote		*r;
	char			 err[512] = "";
	char			 dir[] = "/tmp/tlsfloor-unit-tls-XXXXXX";
	char			 cert[64], key[64], key2[64], cert2[64];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(cert, sizeof(cert), "%s/c.pem", dir);
	snprintf(key, sizeof(key), "%s/c.key", dir);
	snprintf(cert2, sizeof(cert2), "%s/d.pem", dir);
	snprintf(key2, sizeof(key2), "%s/d.key", dir);
	self_signed(cert, key);
	self_signed(cert2, key2);
	memset(&rc, 0, sizeof(rc));
	rc.host = (char *)"127.0.0.1";
	rc.port = 6514;
	rc.transport = CONFIG_TRANSPORT_TLS;
	rc.queue = 10;
	rc.ca_file = cert;
	rc.cert_file = cert;
	rc.key_file = key;
	r = remote_open(&rc, "tlsfloor", LOG_DAEMON, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	/* a renewed file is read again */
	self_signed(cert, key);
	ck_assert_msg(remote_refresh(r, &rc, err, sizeof(err)) == 0, "%s",
	    err);
	/* gone, or a key that is not the certificate's: the old stays */
	rc.ca_file = (char *)"/nonexistent/ca.pem";
	ck_assert_int_eq(remote_refresh(r, &rc, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "remote 127.0.0.1:6514/tls: ca_file "
	    "/nonexistent/ca.pem: ") == err, "%s", err);
	rc.ca_file = cert;
	rc.key_file = key2;
	ck_assert_int_eq(remote_refresh(r, &rc, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, ": key_file ") != NULL, "%s", err);
	ck_assert_ptr_null(remote_open(&rc, "tlsfloor", LOG_DAEMON, err,
	    sizeof(err)));
	remote_close(r, 0);
	/* not TLS: nothing to read */
	rc.transport = CONFIG_TRANSPORT_TCP;
	r = remote_open(&rc, "tlsfloor", LOG_DAEMON, err, sizeof(err));
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(remote_refresh(r, &rc, err, sizeof(err)), 0);
	remote_close(r, 0);
	unlink(cert);
	unlink(key);
	unlink(cert2);
	unlink(key2);
	rmdir(dir);
}
END_TEST

/* --- remote_open ---------------------------------------------------------- */

START_TEST(test_open)
{
	struct config_remote	 rc;
	struct remote		*r;
	char			 err[256];

	memset(&rc, 0, sizeof(rc));
	rc.port = 514;
	rc.queue = 10;
	err[0] = '\0';
	ck_assert_ptr_null(remote_open(&rc, "tlsfloor", LOG_DAEMON, err,
	    sizeof(err)));
	ck_assert_uint_gt(strlen(err), 0);
	rc.host = (char *)"";
	ck_assert_ptr_null(remote_open(&rc, "tlsfloor", LOG_DAEMON, err,
	    sizeof(err)));
	ck_assert_ptr_null(remote_open(NULL, "tlsfloor", LOG_DAEMON, err,
	    sizeof(err)));
	/* a name, not resolved here (see test_name_*) */
	rc.host = (char *)"localhost";
	r = remote_open(&rc, "tlsfloor", LOG_DAEMON, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	remote_close(r, 0);
	/* an IPv6 literal */
	rc.host = (char *)"::1";
	rc.transport = CONFIG_TRANSPORT_TCP;
	r = remote_open(&rc, "tlsfloor", LOG_DAEMON, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	remote_close(r, 0);
}
END_TEST

/* --- local syslog --------------------------------------------------------- */

/* openlog() keeps the ident pointer: it must outlive the config (run under
 * ASan, a borrowed ident is a use after free here). */
START_TEST(test_local)
{
	struct config		*cfg = config_default();
	struct syslog_msg	 m;

	ck_assert_ptr_nonnull(cfg);
	cfg->syslog_facility = LOG_LOCAL7;
	ck_assert_int_eq(config_set_string(&cfg->syslog_ident,
	    "tlsfloor-unit-test"), 0);
	ck_assert_int_eq(syslog_local_open(cfg), 0);
	config_free(cfg);
	memset(&m, 0, sizeof(m));
	m.severity = LOG_DEBUG;
	m.msgid = "stats";
	m.json = "{\"unit\":\"check_output_syslog\"}";
	m.json_len = strlen(m.json);
	syslog_local_send(&m);
	ck_assert_uint_eq(stats[STAT_OUT_SYSLOG], 1);
	syslog_local_close();
	syslog_local_send(&m);			/* closed: not sent */
	ck_assert_uint_eq(stats[STAT_OUT_SYSLOG], 1);
	syslog_local_close();
}
END_TEST

Suite *
output_syslog_suite(void)
{
	Suite	*s = suite_create("output_syslog");
	TCase	*tc;

	tc = tcase_create("rfc5424");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_udp_frame_exact);
	tcase_add_test(tc, test_parse_back);
	tcase_add_test(tc, test_sd_issue17);
	tcase_add_test(tc, test_sd_escaping);
	tcase_add_test(tc, test_header_limits);
	tcase_add_test(tc, test_udp_truncation);
	tcase_add_test(tc, test_body_cleaned);
	tcase_add_test(tc, test_trim_optional);
	tcase_add_test(tc, test_trim_zero_counters);
	tcase_add_test(tc, test_sd_id);
	suite_add_tcase(s, tc);

	tc = tcase_create("relp");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_relp);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_name_connects);
	tcase_add_test(tc, test_name_unresolvable);
	tcase_add_test(tc, test_resolve);
	suite_add_tcase(s, tc);

	tc = tcase_create("cef");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_cef_exact);
	tcase_add_test(tc, test_cef_escaping);
	tcase_add_test(tc, test_cef_truncation);
	suite_add_tcase(s, tc);

	tc = tcase_create("tcp");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_octet_counting);
	tcase_add_test(tc, test_reconnect_after_close);
	tcase_add_test(tc, test_reconnect_after_reset);
	tcase_add_test(tc, test_reset_mid_frame);
	tcase_add_test(tc, test_backoff);
	suite_add_tcase(s, tc);

	tc = tcase_create("udp");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_udp_send);
	tcase_add_test(tc, test_udp_collector_away);
	tcase_add_test(tc, test_udp_inflight_bounded);
	suite_add_tcase(s, tc);

	tc = tcase_create("queue");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_queue_overflow);
	tcase_add_test(tc, test_queue_order);
	tcase_add_test(tc, test_burst_not_dropped);
	tcase_add_test(tc, test_close_flushes);
	tcase_add_test(tc, test_pollfd);
	suite_add_tcase(s, tc);

	tc = tcase_create("open");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_open);
	tcase_add_test(tc, test_tls_files);
	suite_add_tcase(s, tc);

	tc = tcase_create("local");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_local);
	suite_add_tcase(s, tc);
	return s;
}
