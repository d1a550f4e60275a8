/*
 * config.c -- defaults and validation of struct config.
 *
 * Default ports: POP3 110 (STLS) and 995 (implicit TLS), IMAP 143 (STARTTLS)
 * and 993 (implicit), SMTP 25 and 587 (STARTTLS) and 465 (implicit, RFC 8314).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "limits.h"

struct config *
config_default(void)
{
	struct config	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->floor = 0x0303;
	c->format = OUT_JSON;
	c->scope = SCOPE_MAIL;
	c->max_flows = LIMIT_DEF_MAX_FLOWS;
	c->idle_timeout = LIMIT_DEF_IDLE_TIMEOUT;
	c->linger = LIMIT_DEF_LINGER;
	c->memcap = LIMIT_DEF_MEMCAP;
	c->stream_buf = LIMIT_DEF_STREAM_BUF;
	c->plain_depth = LIMIT_DEF_PLAIN_DEPTH;
	c->port_map[110] = PROTO_POP3;
	c->port_map[995] = PROTO_POP3 | PORT_IMPLICIT;
	c->port_map[143] = PROTO_IMAP;
	c->port_map[993] = PROTO_IMAP | PORT_IMPLICIT;
	c->port_map[25] = PROTO_SMTP;
	c->port_map[587] = PROTO_SMTP;
	c->port_map[465] = PROTO_SMTP | PORT_IMPLICIT;
	return c;
}

void
config_free(struct config *c)
{
	free(c);
}

/*
 * "PROTO:PORT" or "PROTO:PORT:implicit", e.g. "imap:10143" or
 * "pop3:10995:implicit"; PORT 0 is rejected.  Returns 0 or -1.
 */
int
config_set_port(struct config *c, const char *spec)
{
	static const struct { const char *name; enum proto p; } names[] = {
		{ "pop3", PROTO_POP3 },
		{ "imap", PROTO_IMAP },
		{ "smtp", PROTO_SMTP },
	};
	const char	*colon, *rest;
	char		*end;
	unsigned long	 port;
	size_t		 i, n;
	uint8_t		 v = 0;

	if ((colon = strchr(spec, ':')) == NULL)
		return -1;
	n = (size_t)(colon - spec);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == n &&
		    strncasecmp(spec, names[i].name, n) == 0)
			v = (uint8_t)names[i].p;
	if (v == 0)
		return -1;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno != 0 || end == colon + 1 || port == 0 || port > 65535)
		return -1;
	rest = end;
	if (*rest == ':') {
		if (strcasecmp(rest + 1, "implicit") != 0)
			return -1;
		v |= PORT_IMPLICIT;
	} else if (*rest != '\0')
		return -1;
	c->port_map[port] = v;
	return 0;
}

/* "1.0", "1.1", "1.2", "1.3" (optionally "TLSv" or "tls" in front). */
int
config_parse_floor(const char *s, uint16_t *out)
{
	static const struct { const char *name; uint16_t v; } floors[] = {
		{ "1.0", 0x0301 }, { "1.1", 0x0302 },
		{ "1.2", 0x0303 }, { "1.3", 0x0304 },
	};
	size_t	i;

	if (strncasecmp(s, "tlsv", 4) == 0)
		s += 4;
	else if (strncasecmp(s, "tls", 3) == 0)
		s += 3;
	for (i = 0; i < sizeof(floors) / sizeof(floors[0]); i++)
		if (strcmp(s, floors[i].name) == 0) {
			*out = floors[i].v;
			return 0;
		}
	return -1;
}

/*
 * A count or a size: decimal digits with an optional k, M or G suffix
 * (powers of 1024), within [min, max].  Returns 0 or -1.
 */
int
config_parse_size(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char			*end;
	unsigned long long	 v;
	uint64_t		 mul = 1;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	switch (*end) {
	case 'k': case 'K':
		mul = 1u << 10;
		end++;
		break;
	case 'm': case 'M':
		mul = 1u << 20;
		end++;
		break;
	case 'g': case 'G':
		mul = 1u << 30;
		end++;
		break;
	}
	if (*end != '\0' || v > UINT64_MAX / mul)
		return -1;
	v *= mul;
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}
