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
#include "fmt.h"
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

/*
 * RFC 3339 in UTC with microseconds: 2026-01-01T00:00:00.000000Z (fmt.c;
 * years past 9999 with more digits).  A buffer too short is cut.
 */
void
field_time(uint64_t us, char *buf, size_t len)
{
	if (fmt_time_us(buf, len, us, FMT_FRAC_US) == 0)
		snprintf(buf, len, "?");
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

