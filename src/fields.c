/*
 * fields.c -- ground for the outputs: the session record's fields as text.
 *
 * Every sink (JSON, text, syslog, the inventory) writes addresses, times,
 * names and wire bytes through these, so a value reads the same in each.
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "dns.h"
#include "fields.h"
#include "session.h"
#include "tls.h"

/*
 * The server's name: the SNI the client sent, else what a DNS answer seen
 * on the wire mapped its address to.  NULL (and "") when neither.
 */
const char *
field_server_name(const struct conn *f, char *buf, size_t len)
{
	const struct tls_client_hello	*ch = f->sess.ch;

	buf[0] = '\0';
	if (ch != NULL && ch->sni_len > 0) {
		field_clean(ch->sni, ch->sni_len, buf, len);
		return "sni";
	}
	if (dns_lookup(f->family, f->srv, buf, len))
		return "dns";
	return NULL;
}

/* The watch-list label of the session's server (config endpoints). */
const char *
field_endpoint_label(const struct config *cfg, const struct conn *f)
{
	char	name[FIELD_NAME_MAX];

	if (cfg == NULL || cfg->nendpoints == 0 ||
	    field_server_name(f, name, sizeof(name)) == NULL)
		return NULL;
	return config_endpoint_label(cfg, name);
}

void
field_addr(int family, const uint8_t *a, char *buf, size_t len)
{
	if (inet_ntop(family == 4 ? AF_INET : AF_INET6, a, buf,
	    (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
}

/* The client's (server == 0) or server's address, without the port. */
void
field_ip(const struct conn *f, int server, char *buf, size_t len)
{
	field_addr(f->family, server ? f->srv : f->cli, buf, len);
}

/* v in exactly n decimal digits, leading zeros (v < 10^n). */
static void
put_digits(char *p, unsigned v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* RFC 3339 in UTC with microseconds: 2026-01-01T00:00:00.000000Z. */
void
field_time(uint64_t us, char *buf, size_t len)
{
	time_t		t = (time_t)(us / 1000000u);
	struct tm	tm;
	char		base[24];

	if (gmtime_r(&t, &tm) == NULL) {
		snprintf(buf, len, "?");
		return;
	}
	/* Four-digit years by hand (each event has three times, and
	 * strftime() and snprintf() cost more than the rest of a line). */
	if (tm.tm_year >= -1900 && tm.tm_year <= 9999 - 1900 &&
	    len >= sizeof("2026-01-01T00:00:00.000000Z")) {
		put_digits(buf, (unsigned)tm.tm_year + 1900, 4);
		buf[4] = '-';
		put_digits(buf + 5, (unsigned)tm.tm_mon + 1, 2);
		buf[7] = '-';
		put_digits(buf + 8, (unsigned)tm.tm_mday, 2);
		buf[10] = 'T';
		put_digits(buf + 11, (unsigned)tm.tm_hour, 2);
		buf[13] = ':';
		put_digits(buf + 14, (unsigned)tm.tm_min, 2);
		buf[16] = ':';
		put_digits(buf + 17, (unsigned)tm.tm_sec, 2);
		buf[19] = '.';
		put_digits(buf + 20, (unsigned)(us % 1000000u), 6);
		buf[26] = 'Z';
		buf[27] = '\0';
		return;
	}
	if (strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
		snprintf(buf, len, "?");
		return;
	}
	snprintf(buf, len, "%s.%06uZ", base, (unsigned)(us % 1000000u));
}

/*
 * Wire bytes for humans and logs: printable ASCII stays, anything else
 * becomes \xNN, and a backslash becomes \x5c so the result is unambiguous.
 * Returns the length written (always NUL-terminated, truncated to fit).
 */
size_t
field_clean(const uint8_t *p, size_t n, char *buf, size_t len)
{
	static const char	hex[] = "0123456789abcdef";
	size_t			i, o = 0;

	if (len == 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\') {
			if (o + 1 >= len)
				break;
			buf[o++] = (char)p[i];
		} else {
			if (o + 4 >= len)
				break;
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[p[i] >> 4];
			buf[o++] = hex[p[i] & 15];
		}
	}
	buf[o] = '\0';
	return o;
}

const char *
field_proto(const struct conn *f)
{
	return config_proto_name(f->proto);
}

/* starttls | implicit | plain: how TLS was (or was not) reached. */
const char *
field_mode(const struct conn *f)
{
	if ((f->fflags & FLOW_F_IMPLICIT) || f->sess.tls_first)
		return "implicit";
	if (f->sess.starttls == STARTTLS_ACCEPTED || f->sess.tls[DIR_C2S] ||
	    f->sess.tls[DIR_S2C])
		return "starttls";
	return "plain";
}

const char *
field_end(const struct conn *f)
{
	switch (f->sess.end) {
	case END_FIN:
		return "fin";
	case END_RST:
		return "rst";
	case END_TIMEOUT:
		return "timeout";
	case END_EOF:
		return "end_of_input";
	case END_EVICTED:
		return "evicted";
	}
	return "unknown";
}

