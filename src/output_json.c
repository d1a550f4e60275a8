/*
 * output_json.c -- the events as JSON objects, written one per line (JSON
 * Lines) by the json sink and carried as the message body to syslog.
 *
 * Field names follow the Elastic Common Schema where it has one (source.*
 * is always the client, destination.* the server, and client.* / server.*
 * say the same; tls.version as "1.2" with tls.version_protocol "tls");
 * our own fields live under tlsfloor.*.  Every event names the ECS
 * version it follows (ecs.version) and the machine that wrote it
 * (observer.hostname); a session carries its Community ID.
 * Objects are nested, not dotted keys.  Keys come out in a fixed order.
 *
 * Session events and alert summaries -- one per session, the only ones
 * that come often -- are written by a small writer straight into a buffer;
 * stats and inventory events are built with jansson and rendered into the
 * same kind of buffer.  Bytes from the wire (SNI) are cut to printable
 * ASCII by field_clean() first.
 */
#include <inttypes.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fields.h"
#include "fmt.h"
#include "caps.h"
#include "cert.h"
#include "classify.h"
#include "config.h"
#include "fingerprint.h"
#include "session.h"
#include "hints.h"
#include "output_json.h"
#include "reader.h"
#include "stats.h"
#include "tls.h"


/* The ECS version the field names follow. */
#define OJ_ECS_VERSION	"8.11.0"

static char	oj_hostname[256];	/* observer.hostname; "" unknown */
/* observer.name: the sensor's name (sensor.name, --sensor), else the host
 * name, as the inventory store names it; NULL: neither is known. */
static char	*oj_observer;
static const struct config *ojcfg;	/* output.c's: community ID seed, labels */
static EVP_MD	*oj_sha1;		/* fetched once: EVP_sha1() would
					   look it up (and lock) per event */
static pthread_once_t oj_sha1_once = PTHREAD_ONCE_INIT;

static void
oj_fetch_sha1(void)
{
	oj_sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
}

/*
 * The host name, looked up once when the outputs open (before any
 * sandbox): every event carries it as observer.hostname.
 */
void
oj_init_host(void)
{
	if (oj_hostname[0] != '\0')
		return;
	if (gethostname(oj_hostname, sizeof(oj_hostname)) != 0)
		oj_hostname[0] = '\0';
	oj_hostname[sizeof(oj_hostname) - 1] = '\0';
}

/* The sensor's name as configured, else the host name (or NULL). */
static const char *
oj_observer_name(void)
{
	if (oj_observer != NULL)
		return oj_observer;
	return oj_hostname[0] != '\0' ? oj_hostname : NULL;
}

/*
 * Community ID v1 of a TCP flow (https://github.com/corelight/community-id-
 * spec): SHA-1 over seed (2 bytes), the lower (address, port) endpoint's
 * address, the other's, protocol 6, a zero byte, the lower's port, the
 * other's (network byte order), base64, after "1:".  The same for both
 * directions of the connection, so a SIEM joins our events with Zeek's or
 * Suricata's.  Writes at most len bytes (OJ_COMMUNITY_ID_MAX is enough);
 * returns the length, 0 if it could not be computed.
 */
size_t
oj_community_id(const struct conn *f, uint16_t seed, char *out, size_t len)
{
	uint8_t		 in[2 + 16 + 16 + 2 + 4], md[EVP_MAX_MD_SIZE];
	const uint8_t	*a = f->cli, *b = f->srv;
	uint16_t	 pa = f->cli_port, pb = f->srv_port;
	size_t		 alen = f->family == 4 ? 4 : 16, n = 0;
	unsigned	 mdlen = 0;
	int		 c;

	if (len < OJ_COMMUNITY_ID_MAX)
		return 0;
	c = memcmp(a, b, alen);
	if (c > 0 || (c == 0 && pa > pb)) {
		a = f->srv, b = f->cli;
		pa = f->srv_port, pb = f->cli_port;
	}
	in[n++] = (uint8_t)(seed >> 8);
	in[n++] = (uint8_t)seed;
	memcpy(in + n, a, alen);
	n += alen;
	memcpy(in + n, b, alen);
	n += alen;
	in[n++] = 6;			/* IPPROTO_TCP */
	in[n++] = 0;
	in[n++] = (uint8_t)(pa >> 8);
	in[n++] = (uint8_t)pa;
	in[n++] = (uint8_t)(pb >> 8);
	in[n++] = (uint8_t)pb;
	pthread_once(&oj_sha1_once, oj_fetch_sha1);
	if (oj_sha1 == NULL || EVP_Digest(in, n, md, &mdlen, oj_sha1,
	    NULL) != 1 || mdlen != 20)
		return 0;
	memcpy(out, "1:", 2);
	/* 20 bytes -> 28 base64 characters and a NUL */
	return 2 + (size_t)EVP_EncodeBlock((unsigned char *)out + 2, md, 20);
}

static void
set_str(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, v != NULL ? json_string(v) : json_null());
}

static void
set_int(json_t *o, const char *k, json_int_t v)
{
	json_object_set_new(o, k, json_integer(v));
}

/* --- a JSON writer --------------------------------------------------------- */

/*
 * Session events are written straight into a buffer, in order, with the
 * escaping jansson does (so the bytes are the same as its JSON_COMPACT
 * dump): a tree of objects built and dumped per session cost more than
 * the rest of the pipeline.  A comma goes before every member or element
 * that does not open its object or array.  Out of memory, the writer goes
 * bad and the event is not written.
 */
static bool
jw_room(struct jw *w, size_t n)
{
	char	*p;
	size_t	 cap;

	if (w->bad)
		return false;
	if (w->n + n <= w->cap)
		return true;
	for (cap = w->cap ? w->cap : 4096; cap < w->n + n; cap *= 2)
		;
	if ((p = realloc(w->p, cap)) == NULL) {
		w->bad = true;
		return false;
	}
	w->p = p;
	w->cap = cap;
	return true;
}

static void
jw_raw(struct jw *w, const char *s, size_t n)
{
	if (!jw_room(w, n))
		return;
	memcpy(w->p + w->n, s, n);
	w->n += n;
}

static void
jw_ch(struct jw *w, char c)
{
	if (jw_room(w, 1))
		w->p[w->n++] = c;
}

static void
jw_sep(struct jw *w)
{
	if (w->n > 0 && w->p[w->n - 1] != '{' && w->p[w->n - 1] != '[' &&
	    w->p[w->n - 1] != ':')
		jw_ch(w, ',');
}

/* Length of the UTF-8 sequence at p (at most n bytes), 0 if invalid. */
static size_t
utf8_len(const uint8_t *p, size_t n)
{
	uint32_t	c;
	size_t		len, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, c = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, c = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, c = p[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	return len;
}

/* Bytes a JSON string carries as they are: printable ASCII but " and \. */
static const uint8_t	jw_plain[256] = {
	[0x20] = 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* !"#...  */
	[0x30] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x40] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x50] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,	/* \ */
	[0x60] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[0x70] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/*
 * Whether any of the eight bytes in x is not jw_plain: one at or above
 * 0x80, below 0x20, a quote or a backslash.  (x - 0x01..) & ~x & 0x80..
 * is non-zero exactly when some byte of x is zero; it may also mark a
 * byte above a zero one, which only sends a plain byte the slow way.
 */
#define JW_ONES		0x0101010101010101ull
#define JW_HIGHS	0x8080808080808080ull
#define JW_ZERO_BYTE(x)	(((x) - JW_ONES) & ~(x) & JW_HIGHS)

static bool
jw_any_special(uint64_t x)
{
	return ((x & JW_HIGHS) |
	    ((x - JW_ONES * 0x20) & ~x & JW_HIGHS) |
	    JW_ZERO_BYTE(x ^ (JW_ONES * '"')) |
	    JW_ZERO_BYTE(x ^ (JW_ONES * '\\'))) != 0;
}

/*
 * A JSON string; bytes that are not UTF-8 become U+FFFD.  Room for the
 * worst case (every byte six) is made once, then written without checks.
 */
static void
jw_str(struct jw *w, const char *s)
{
	static const char	hex[] = "0123456789ABCDEF";
	const uint8_t		*p = (const uint8_t *)s;
	size_t			 n = strlen(s), i = 0, k;
	char			*o;

	if (!jw_room(w, 6 * n + 2))
		return;
	o = w->p + w->n;
	*o++ = '"';
	while (i < n) {
		/* eight plain bytes at a time (most strings are all plain) */
		if (n - i >= 8 && !jw_any_special(rd_ne64(p + i))) {
			memcpy(o, p + i, 8);
			o += 8;
			i += 8;
			continue;
		}
		if (jw_plain[p[i]]) {
			*o++ = (char)p[i++];
			continue;
		}
		if (p[i] >= 0x80) {
			if ((k = utf8_len(p + i, n - i)) == 0) {
				memcpy(o, "\\uFFFD", 6);
				o += 6;
				i++;
			} else {
				memcpy(o, p + i, k);
				o += k;
				i += k;
			}
			continue;
		}
		*o++ = '\\';
		switch (p[i]) {
		case '"':  *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\b': *o++ = 'b'; break;
		case '\f': *o++ = 'f'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		default:
			*o++ = 'u';
			*o++ = '0';
			*o++ = '0';
			*o++ = hex[p[i] >> 4];
			*o++ = hex[p[i] & 0xf];
		}
		i++;
	}
	*o++ = '"';
	w->n = (size_t)(o - w->p);
}

static void
jw_u64(struct jw *w, uint64_t v)
{
	char	buf[24];
	size_t	i = sizeof(buf);

	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	jw_raw(w, buf + i, sizeof(buf) - i);
}

static void
jw_key(struct jw *w, const char *k)
{
	jw_sep(w);
	jw_str(w, k);
	jw_ch(w, ':');
}

static void
jw_open(struct jw *w, const char *k, char c)
{
	if (k != NULL)
		jw_key(w, k);
	else
		jw_sep(w);
	jw_ch(w, c);
}

#define jw_obj(w, k)	jw_open((w), (k), '{')
#define jw_arr(w, k)	jw_open((w), (k), '[')
#define jw_end_obj(w)	jw_ch((w), '}')
#define jw_end_arr(w)	jw_ch((w), ']')

/* A member; a NULL string is null. */
static void
jw_kstr(struct jw *w, const char *k, const char *v)
{
	jw_key(w, k);
	if (v != NULL)
		jw_str(w, v);
	else
		jw_raw(w, "null", 4);
}

static void
jw_kint(struct jw *w, const char *k, int64_t v)
{
	jw_key(w, k);
	if (v < 0) {
		jw_ch(w, '-');
		jw_u64(w, (uint64_t)-(v + 1) + 1);
	} else
		jw_u64(w, (uint64_t)v);
}

static void
jw_kbool(struct jw *w, const char *k, bool v)
{
	jw_key(w, k);
	jw_raw(w, v ? "true" : "false", v ? 4 : 5);
}

/* An array element. */
static void
jw_estr(struct jw *w, const char *v)
{
	jw_sep(w);
	jw_str(w, v);
}

static void
jw_hex16(struct jw *w, const char *k, uint16_t v)
{
	static const char	hex[] = "0123456789abcdef";
	char			buf[9] = { '"', '0', 'x', 0, 0, 0, 0, '"' };

	buf[3] = hex[v >> 12];
	buf[4] = hex[(v >> 8) & 0xf];
	buf[5] = hex[(v >> 4) & 0xf];
	buf[6] = hex[v & 0xf];
	if (k != NULL)
		jw_key(w, k);
	else
		jw_sep(w);
	jw_raw(w, buf, 8);
}

/* "TLSv1.2", or "0x0305" for a value we have no name for; null for 0. */
static void
jw_version(struct jw *w, const char *k, uint16_t v)
{
	const char	*n;

	if (v == 0)
		jw_kstr(w, k, NULL);
	else if ((n = tls_version_name(v)) != NULL)
		jw_kstr(w, k, n);
	else
		jw_hex16(w, k, v);
}

static void
jw_time(struct jw *w, const char *k, uint64_t us)
{
	char	t[FMT_TIME_MAX];

	field_time(us, t, sizeof(t));
	jw_kstr(w, k, t);
}

/* --- session events --------------------------------------------------------- */

/* ECS tls.version / tls.version_protocol. */
static void
ecs_version(struct jw *w, uint16_t v)
{
	static const struct { uint16_t v; const char *num, *proto; } ecs[] = {
		{ TLS_V_SSL2, "2.0", "ssl" }, { TLS_V_SSL3, "3.0", "ssl" },
		{ TLS_V_1_0, "1.0", "tls" }, { TLS_V_1_1, "1.1", "tls" },
		{ TLS_V_1_2, "1.2", "tls" }, { TLS_V_1_3, "1.3", "tls" },
	};
	size_t	i;

	v = tls_version_norm(v);
	for (i = 0; i < sizeof(ecs) / sizeof(ecs[0]); i++)
		if (ecs[i].v == v) {
			jw_kstr(w, "version", ecs[i].num);
			jw_kstr(w, "version_protocol", ecs[i].proto);
		}
}

static void
jw_endpoint(struct jw *w, const char *k, const struct conn *f, int server)
{
	char	 ip[FIELD_ADDR_MAX], name[FIELD_NAME_MAX];
	int	 dir = server ? DIR_S2C : DIR_C2S;

	jw_obj(w, k);
	field_ip(f, server, ip, sizeof(ip));
	jw_kstr(w, "ip", ip);
	jw_kint(w, "port", server ? f->srv_port : f->cli_port);
	if (server && field_server_name(f, name, sizeof(name)) != NULL)
		jw_kstr(w, "domain", name);	/* ECS destination.domain */
	jw_kint(w, "packets", (int64_t)f->pkts[dir]);
	jw_kint(w, "bytes", (int64_t)f->bytes[dir]);
	jw_end_obj(w);
}

/* ECS ecs.version and observer (name, hostname), at the top of every
 * event. */
static void
jw_ecs(struct jw *w)
{
	const char	*name = oj_observer_name();

	jw_obj(w, "ecs");
	jw_kstr(w, "version", OJ_ECS_VERSION);
	jw_end_obj(w);
	if (name == NULL && oj_hostname[0] == '\0')
		return;
	jw_obj(w, "observer");
	if (name != NULL)
		jw_kstr(w, "name", name);
	if (oj_hostname[0] != '\0')
		jw_kstr(w, "hostname", oj_hostname);
	jw_end_obj(w);
}

static void
set_ecs(json_t *e)
{
	const char	*name = oj_observer_name();
	json_t		*o = json_object();

	set_str(o, "version", OJ_ECS_VERSION);
	json_object_set_new(e, "ecs", o);
	if (name == NULL && oj_hostname[0] == '\0')
		return;
	o = json_object();
	if (name != NULL)
		set_str(o, "name", name);
	if (oj_hostname[0] != '\0')
		set_str(o, "hostname", oj_hostname);
	json_object_set_new(e, "observer", o);
}

/* The configuration the session events are written with (output.c's). */
void
oj_set_config(const struct config *c)
{
	ojcfg = c;
}

void
oj_set_observer(const char *name)
{
	free(oj_observer);
	oj_observer = name != NULL ? strdup(name) : NULL;
}

/*
 * ECS event.outcome of a session: did the connection do what it was for?
 * A handshake that finished, or a mail session that needed none, is a
 * success; a refused handshake, a hang-up after the hello, a client that
 * gave up and a refused STARTTLS are failures; what a capture cut short
 * is unknown.
 */
static const char *
ecs_outcome(enum outcome o)
{
	switch (o) {
	case OC_ESTABLISHED:
	case OC_PLAINTEXT:
		return "success";
	case OC_REFUSED:
	case OC_SERVER_CLOSE:
	case OC_CLIENT_ABORT:
	case OC_STARTTLS_REFUSED:
		return "failure";
	default:
		return "unknown";
	}
}

/* ECS event.*: kind, category/type, our dataset, times, severity. */
static void
jw_event(struct jw *w, const char *kind, const char *dataset, int severity,
    const char *outcome, uint64_t start, uint64_t end)
{
	jw_obj(w, "event");
	jw_kstr(w, "kind", kind);
	jw_arr(w, "category");
	jw_estr(w, "network");
	jw_end_arr(w);
	jw_arr(w, "type");
	jw_estr(w, "connection");
	jw_end_arr(w);
	jw_kstr(w, "dataset", dataset);
	if (outcome != NULL)
		jw_kstr(w, "outcome", outcome);
	if (severity >= 0)
		jw_kint(w, "severity", severity);	/* syslog numbering */
	jw_time(w, "start", start);
	jw_time(w, "end", end);
	/* ns; times are clamped to year 9999 (capture.c), so the
	 * microseconds fit: only the nanoseconds may not */
	jw_kint(w, "duration", end - start > INT64_MAX / 1000 ? INT64_MAX :
	    (int64_t)(end - start) * 1000);
	jw_end_obj(w);
}

static void
jw_network(struct jw *w, const struct conn *f)
{
	const struct config	*cfg = ojcfg;
	char			 id[8], cid[OJ_COMMUNITY_ID_MAX];

	jw_obj(w, "network");
	jw_kstr(w, "transport", "tcp");
	jw_kstr(w, "type", f->family == 4 ? "ipv4" : "ipv6");
	jw_kstr(w, "protocol", field_proto(f));
	if (oj_community_id(f, cfg != NULL ? cfg->community_id_seed : 0, cid,
	    sizeof(cid)) > 0)
		jw_kstr(w, "community_id", cid);
	if (f->vlan != 0) {
		jw_obj(w, "vlan");
		snprintf(id, sizeof(id), "%u", f->vlan);
		jw_kstr(w, "id", id);
		jw_end_obj(w);
	}
	jw_end_obj(w);
}

/*
 * A name from a certificate.  OpenSSL's RFC 2253 form is printable ASCII
 * already (control and 8-bit bytes escaped as \XX, specials as \,): it
 * is written as it is, so it reads as openssl x509 -nameopt RFC2253
 * prints it; anything else is cut to printable ASCII.
 */
static void
jw_kcert(struct jw *w, const char *k, const char *v)
{
	char	buf[CERT_MAX_NAME * 4 + 1];
	size_t	i;

	for (i = 0; v[i] != '\0'; i++)
		if (v[i] < 0x20 || v[i] > 0x7e)
			break;
	if (v[i] == '\0') {
		jw_kstr(w, k, v);
		return;
	}
	field_clean((const uint8_t *)v, strlen(v), buf, sizeof(buf));
	jw_kstr(w, k, buf);
}

/* ECS tls.server.*: the server's certificate (TLS <= 1.2). */
static void
jw_cert(struct jw *w, const struct tls_cert *c)
{
	int	i;

	jw_kcert(w, "subject", c->subject);
	jw_kcert(w, "issuer", c->issuer);
	if (c->not_before[0] != '\0')
		jw_kstr(w, "not_before", c->not_before);
	if (c->not_after[0] != '\0')
		jw_kstr(w, "not_after", c->not_after);
	if (c->sha256[0] != '\0') {
		jw_obj(w, "hash");
		jw_kstr(w, "sha256", c->sha256);
		jw_end_obj(w);
	}
	if (c->nsan > 0) {
		jw_obj(w, "x509");
		jw_arr(w, "alternative_names");
		for (i = 0; i < c->nsan; i++) {
			char	buf[CERT_MAX_SAN * 4 + 1];

			field_clean((const uint8_t *)c->san[i],
			    strlen(c->san[i]), buf, sizeof(buf));
			jw_estr(w, buf);
		}
		jw_end_arr(w);
		jw_end_obj(w);
	}
}

/* ECS tls.*: what the connection used, as far as it got. */
static void
jw_tls(struct jw *w, const struct conn *f, const struct verdict *v,
    const struct fp_set *fs)
{
	const struct tls_client_hello	*ch = f->sess.ch;
	const struct tls_server_hello	*sh = f->sess.sh;
	char				 sni[TLS_MAX_SNI * 4 + 1];
	int				 i;

	jw_obj(w, "tls");
	if (v->negotiated != 0)
		ecs_version(w, v->negotiated);
	if (sh != NULL && !sh->sslv2)
		jw_kstr(w, "cipher", classify_cipher_name(sh->cipher));
	jw_kbool(w, "established", v->outcome == OC_ESTABLISHED);
	if (ch != NULL) {
		jw_obj(w, "client");
		if (ch->sni_len > 0) {
			field_clean(ch->sni, ch->sni_len, sni, sizeof(sni));
			jw_kstr(w, "server_name", sni);
		}
		jw_arr(w, "supported_ciphers");
		for (i = 0; i < ch->nciphers; i++)
			if (!tls_is_grease(ch->ciphers[i]))
				jw_estr(w,
				    classify_cipher_name(ch->ciphers[i]));
		jw_end_arr(w);
		if (fs->ja3)
			jw_kstr(w, "ja3", fs->ja3_md5);
		if (fs->ja4)
			jw_kstr(w, "ja4", fs->ja4_str);
		jw_end_obj(w);
	}
	if (fs->ja3s || f->sess.cert != NULL) {
		jw_obj(w, "server");
		if (fs->ja3s)
			jw_kstr(w, "ja3s", fs->ja3s_md5);
		if (f->sess.cert != NULL)
			jw_cert(w, f->sess.cert);
		jw_end_obj(w);
	}
	jw_end_obj(w);
}

static void
jw_client_hello(struct jw *w, const struct tls_client_hello *ch,
    const struct fp_set *fs)
{
	int	i;

	jw_obj(w, "client_hello");
	jw_hex16(w, "legacy_version", ch->legacy_version);
	if (ch->has_versions) {
		jw_arr(w, "supported_versions");
		for (i = 0; i < ch->nversions; i++)
			jw_hex16(w, NULL, ch->versions[i]);
		jw_end_arr(w);
	}
	if (ch->sslv2)
		jw_kbool(w, "sslv2", true);
	jw_arr(w, "extensions");
	for (i = 0; i < ch->nexts; i++) {
		jw_sep(w);
		jw_u64(w, ch->exts[i]);
	}
	jw_end_arr(w);
	jw_kint(w, "length", ch->length);
	if (fs->ja3)
		jw_kstr(w, "ja3_string", fs->ja3_str);
	if (fs->ja4)
		jw_kstr(w, "ja4_r", fs->ja4_r);
	jw_end_obj(w);
}

static void
jw_server_hello(struct jw *w, const struct tls_server_hello *sh,
    const struct fp_set *fs)
{
	jw_obj(w, "server_hello");
	jw_hex16(w, "legacy_version", sh->legacy_version);
	if (sh->selected != 0)
		jw_hex16(w, "selected_version", sh->selected);
	if (sh->sslv2)
		jw_kbool(w, "sslv2", true);
	else
		jw_hex16(w, "cipher", sh->cipher);
	if (sh->hrr)
		jw_kbool(w, "hello_retry_request", true);
	if (fs->ja3s)
		jw_kstr(w, "ja3s_string", fs->ja3s_str);
	jw_end_obj(w);
}

/* The alert that tells the story: the server's if it sent one. */
static void
jw_alert(struct jw *w, const struct conn *f)
{
	const struct tls_alert	*a = &f->sess.alert[DIR_S2C];
	const char		*side = "server", *name;

	if (!a->seen) {
		a = &f->sess.alert[DIR_C2S];
		side = "client";
	}
	if (!a->seen)
		return;
	jw_obj(w, "alert");
	jw_kstr(w, "from", side);
	jw_kstr(w, "level", a->level == 2 ? "fatal" :
	    a->level == 1 ? "warning" : "unknown");
	jw_kint(w, "code", a->desc);
	name = tls_alert_name(a->desc);
	jw_kstr(w, "description", name != NULL ? name : "unknown");
	jw_end_obj(w);
}

static void
jw_anomalies(struct jw *w, const struct conn *f)
{
	const struct session	*s = &f->sess;
	const char		*a[10];
	size_t			 n = 0, i;

	if (s->hello_gap[DIR_C2S])
		a[n++] = "client_hello_lost";
	if (s->hello_gap[DIR_S2C])
		a[n++] = "server_hello_lost";
	if (s->bad_hello[DIR_C2S])
		a[n++] = "bad_client_hello";
	if (s->bad_hello[DIR_S2C])
		a[n++] = "bad_server_hello";
	if (s->ch != NULL && s->ch->partial)
		a[n++] = "client_hello_partial";
	if (s->ch != NULL && s->ch->ext_bad)
		a[n++] = "bad_client_hello_extensions";
	if (s->not_tls[DIR_C2S])
		a[n++] = "client_not_tls";
	if (s->not_tls[DIR_S2C])
		a[n++] = "server_not_tls";
	if (s->stream_gap)
		a[n++] = "stream_gap";
	if (s->stream_conflict)
		a[n++] = "overlap_conflict";
	if (n == 0)
		return;
	jw_arr(w, "anomalies");
	for (i = 0; i < n; i++)
		jw_estr(w, a[i]);
	jw_end_arr(w);
}

/* nDPI's view of a flow it saw: its name, and the risks it flagged. */
static void
jw_dpi(struct jw *w, const struct conn *f)
{
	const char	*risks[16], *app = classify_app(f);
	size_t		 n = classify_risks(f, risks, 16), i;

	if (app != NULL)
		jw_kstr(w, "dpi_app", app);
	if (n == 0)
		return;
	jw_arr(w, "dpi_risks");
	for (i = 0; i < n; i++)
		jw_estr(w, risks[i]);
	jw_end_arr(w);
}

/* The exception that covers (or covered) this client. */
static void
jw_exception(struct jw *w, const struct verdict *v)
{
	const struct config_exception	*e = v->exception;

	jw_obj(w, "exception");
	jw_kstr(w, "state", v->exception_live ? "live" : "expired");
	jw_kstr(w, "owner", e->owner);
	jw_kstr(w, "expires", e->expires);
	if (e->ticket != NULL)
		jw_kstr(w, "ticket", e->ticket);
	if (e->note != NULL)
		jw_kstr(w, "note", e->note);
	if (!v->exception_live)		/* what it would say without one */
		jw_kstr(w, "reason", session_reason_name(v->base_reason));
	jw_end_obj(w);
}

/* A value from the wire, cut to printable ASCII (\xNN for the rest). */
static void
jw_kwire(struct jw *w, const char *k, const uint8_t *p, size_t n)
{
	char	buf[MAIL_MAX_BANNER * 4 + 1];

	field_clean(p, n, buf, sizeof(buf));
	jw_kstr(w, k, buf);
}

/* What the client and the server said of themselves in plaintext. */
static void
jw_mail_info(struct jw *w, const struct mail_info *mi)
{
	static const char *const id_keys[MI_ID_MAX] = {
		[MI_ID_NAME] = "name", [MI_ID_VERSION] = "version",
		[MI_ID_VENDOR] = "vendor", [MI_ID_OS] = "os",
	};
	const char	*p, *e;
	char		 mech[MAIL_MAX_MECHS];
	int		 i;

	if (mi->banner_seen)
		jw_kwire(w, "server_banner", mi->banner, mi->banner_len);
	if (mi->mechs[0] != '\0') {
		jw_arr(w, "server_auth_mechanisms");
		for (p = mi->mechs; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
			e = p + strcspn(p, " ");
			memcpy(mech, p, (size_t)(e - p));
			mech[e - p] = '\0';
			jw_estr(w, mech);
		}
		jw_end_arr(w);
	}
	if (mi->helo_seen)
		jw_kwire(w, "smtp_helo", mi->helo, mi->helo_len);
	if (mi->id_seen) {
		jw_obj(w, "client_id");
		for (i = 0; i < MI_ID_MAX; i++)
			if (mi->id_len[i] > 0)
				jw_kwire(w, id_keys[i], mi->id[i],
				    mi->id_len[i]);
		jw_end_obj(w);
	}
}

static void
jw_tlsfloor(struct jw *w, const struct conn *f, const struct verdict *v,
    const struct fp_set *fs)
{
	static const char *const starttls[] = {
		[STARTTLS_NONE] = NULL, [STARTTLS_SENT] = "requested",
		[STARTTLS_ACCEPTED] = "accepted", [STARTTLS_REFUSED] = "refused",
	};
	char		 name[FIELD_NAME_MAX];
	const char	*src, *sw;

	jw_obj(w, "tlsfloor");
	jw_kstr(w, "reason", session_reason_name(v->reason));
	jw_kstr(w, "outcome", session_outcome_name(v->outcome));
	jw_kstr(w, "mode", field_mode(f));
	jw_version(w, "client_max_version", v->client_max);
	jw_version(w, "negotiated_version", v->negotiated);
	jw_version(w, "floor", v->floor);
	if ((src = field_server_name(f, name, sizeof(name))) != NULL)
		jw_kstr(w, "server_name_source", src);
	if ((src = field_endpoint_label(ojcfg, f)) != NULL)
		jw_kstr(w, "endpoint_label", src);
	if ((sw = hints_lookup(fs->ja4 ? fs->ja4_str : NULL,
	    fs->ja3 ? fs->ja3_str : NULL, &src)) != NULL) {
		jw_kstr(w, "client_software", sw);
		jw_kstr(w, "client_software_source", src);
	}
	if (!(f->fflags & FLOW_F_IMPLICIT)) {
		if (f->sess.starttls < 4 && starttls[f->sess.starttls] != NULL)
			jw_kstr(w, "starttls", starttls[f->sess.starttls]);
		jw_kbool(w, "starttls_offered", f->sess.starttls_offered);
	}
	jw_kbool(w, "cleartext_credentials", f->sess.cleartext != CT_NONE);
	if ((src = session_cleartext_name(f)) != NULL)
		jw_kstr(w, "cleartext_mechanism", src);
	if (f->sess.info != NULL)
		jw_mail_info(w, f->sess.info);
	jw_alert(w, f);
	if (f->sess.cert != NULL) {	/* what to make of it */
		jw_obj(w, "server_certificate");
		jw_kbool(w, "expired", f->sess.cert->expired);
		jw_kbool(w, "not_yet_valid", f->sess.cert->not_yet_valid);
		jw_kbool(w, "self_signed", f->sess.cert->self_signed);
		if (f->sess.cert->san_trunc)
			jw_kbool(w, "names_truncated", true);
		jw_end_obj(w);
	}
	if (v->exception != NULL)
		jw_exception(w, v);
	if (f->sess.ch != NULL)
		jw_client_hello(w, f->sess.ch, fs);
	if (f->sess.sh != NULL)
		jw_server_hello(w, f->sess.sh, fs);
	jw_kstr(w, "detected_by", f->fflags & FLOW_F_BY_DPI ? "dpi" :
	    f->fflags & FLOW_F_BY_BANNER ? "greeting" : "port");
	jw_dpi(w, f);
	jw_kbool(w, "midstream", f->fflags & FLOW_F_MIDSTREAM);
	jw_kstr(w, "end", field_end(f));
	jw_anomalies(w, f);
	if (f->origin != NULL) {
		jw_obj(w, "pcap");
		jw_kstr(w, "file", f->origin);
		jw_kint(w, "packet", (int64_t)f->first_pktno);
		jw_end_obj(w);
	}
	jw_end_obj(w);
}

/*
 * A session (EV_SESSION) or the alert it raised (EV_ALERT), into w
 * (emptied first): the same fields; the alert says kind "alert" and
 * carries its severity.  False when out of memory.
 */

bool
oj_session(struct jw *w, const struct conn *f, const struct verdict *v,
    const struct fp_set *fs, enum ev_type t)
{
	w->n = 0;
	w->bad = false;
	jw_obj(w, NULL);
	jw_time(w, "@timestamp", f->first_ts);
	jw_ecs(w);
	if (t == EV_ALERT)
		jw_event(w, "alert", "tlsfloor.alert", v->severity,
		    ecs_outcome(v->outcome), f->first_ts, f->last_ts);
	else
		jw_event(w, "event", "tlsfloor.session", -1,
		    ecs_outcome(v->outcome), f->first_ts, f->last_ts);
	jw_endpoint(w, "source", f, 0);
	jw_endpoint(w, "destination", f, 1);
	jw_endpoint(w, "client", f, 0);		/* ECS client/server: the */
	jw_endpoint(w, "server", f, 1);		/* same as source/destination */
	/* ECS user.name: a clear-text login's, with privacy.log_user */
	if (f->sess.info != NULL && f->sess.info->user_seen) {
		jw_obj(w, "user");
		jw_kwire(w, "name", f->sess.info->user, f->sess.info->user_len);
		jw_end_obj(w);
	}
	jw_network(w, f);
	if (f->sess.ch != NULL || f->sess.sh != NULL)
		jw_tls(w, f, v, fs);
	jw_tlsfloor(w, f, v, fs);
	jw_end_obj(w);
	return !w->bad;
}

/* How many alerts of one kind a de-duplication window held back. */
bool
oj_summary(struct jw *w, const struct alert_summary *as)
{
	char	 ip[FIELD_ADDR_MAX];
	int	 i;

	w->n = 0;
	w->bad = false;
	jw_obj(w, NULL);
	jw_time(w, "@timestamp", as->window_end);
	jw_ecs(w);
	jw_event(w, "alert", "tlsfloor.alert_summary", as->severity, NULL,
	    as->first_ts, as->last_ts);
	for (i = 0; i < 2; i++) {
		jw_obj(w, i == 0 ? "source" : "client");
		field_addr(as->family, as->cli, ip, sizeof(ip));
		jw_kstr(w, "ip", ip);
		jw_end_obj(w);
	}
	for (i = 0; i < 2; i++) {
		jw_obj(w, i == 0 ? "destination" : "server");
		field_addr(as->family, as->srv, ip, sizeof(ip));
		jw_kstr(w, "ip", ip);
		jw_kint(w, "port", as->srv_port);
		jw_end_obj(w);
	}
	jw_obj(w, "network");
	jw_kstr(w, "transport", "tcp");
	jw_kstr(w, "type", as->family == 4 ? "ipv4" : "ipv6");
	jw_kstr(w, "protocol", config_proto_name(as->proto));
	jw_end_obj(w);
	jw_obj(w, "tlsfloor");
	jw_kstr(w, "reason", session_reason_name(as->reason));
	jw_version(w, "version", as->version);
	jw_kint(w, "count", (int64_t)as->count);
	jw_obj(w, "window");
	jw_time(w, "start", as->window_start);
	jw_time(w, "end", as->window_end);
	jw_end_obj(w);
	jw_end_obj(w);
	jw_end_obj(w);
	return !w->bad;
}

/* A jansson tree (stats, inventory: rare events) into w, emptied first. */
bool
oj_render(struct jw *w, const json_t *e)
{
	size_t	n;

	w->n = 0;
	w->bad = false;
	n = json_dumpb(e, NULL, 0, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (n == 0 || !jw_room(w, n))
		return false;
	w->n = json_dumpb(e, w->p, n, JSON_COMPACT | JSON_PRESERVE_ORDER);
	return w->n == n;
}

/*
 * The same JSON with every character beyond ASCII as \uXXXX (a surrogate
 * pair past U+FFFF), as syslog wants it, into a (emptied first).  Bytes
 * beyond ASCII only occur inside strings, and are valid UTF-8.
 */
bool
oj_ascii(struct jw *a, const struct jw *w)
{
	static const char	hex[] = "0123456789ABCDEF";
	const uint8_t		*p = (const uint8_t *)w->p;
	size_t			 i = 0, run, k, j;
	uint32_t		 c, u[2];
	char			 esc[6] = { '\\', 'u' };

	a->n = 0;
	a->bad = false;
	while (i < w->n) {
		for (run = i; run < w->n && p[run] < 0x80; run++)
			;
		jw_raw(a, w->p + i, run - i);
		if ((i = run) >= w->n)
			break;
		if ((k = utf8_len(p + i, w->n - i)) <= 1) {
			jw_raw(a, "\\uFFFD", 6);
			i++;
			continue;
		}
		c = p[i] & (0xff >> (k + 1));
		for (j = 1; j < k; j++)
			c = c << 6 | (p[i + j] & 0x3f);
		i += k;
		if (c >= 0x10000) {
			c -= 0x10000;
			u[0] = 0xd800 | (c >> 10);
			u[1] = 0xdc00 | (c & 0x3ff);
		} else
			u[0] = c, u[1] = 0;
		for (j = 0; j < 2 && u[j] != 0; j++) {
			esc[2] = hex[u[j] >> 12];
			esc[3] = hex[(u[j] >> 8) & 0xf];
			esc[4] = hex[(u[j] >> 4) & 0xf];
			esc[5] = hex[u[j] & 0xf];
			jw_raw(a, esc, 6);
		}
	}
	return !a->bad;
}

/* NUL after the JSON (not counted in n), for C-string consumers. */
bool
jw_nul(struct jw *w)
{
	if (!jw_room(w, 1))
		return false;
	w->p[w->n] = '\0';
	return true;
}

void
jw_free(struct jw *w)
{
	free(w->p);
	w->p = NULL;
	w->n = w->cap = 0;
}

/*
 * Counters (every one, so a SIEM can graph them), live capture drops, and
 * exceptions about to run out (within 14 days).
 */
json_t *
oj_stats(uint64_t now, const struct output_capstat *cs, size_t n,
    const struct config *cfg)
{
	json_t	*e = json_object(), *o, *x, *a;
	char	 ts[FMT_TIME_MAX];
	size_t	 i;
	int	 k;
	time_t	 t = (time_t)(now / 1000000u);

	field_time(now, ts, sizeof(ts));
	set_str(e, "@timestamp", ts);
	set_ecs(e);
	o = json_object();
	set_str(o, "kind", "metric");
	set_str(o, "dataset", "tlsfloor.stats");
	json_object_set_new(e, "event", o);
	o = json_object();
	x = json_object();
	for (k = 0; k < STAT_MAX; k++)
		set_int(x, stats_name((enum stat_id)k), (json_int_t)stats[k]);
	json_object_set_new(o, "counters", x);
	a = json_array();
	for (i = 0; i < n; i++) {
		x = json_object();
		set_str(x, "interface", cs[i].name);
		set_int(x, "received", (json_int_t)cs[i].received);
		set_int(x, "dropped", (json_int_t)cs[i].dropped);
		set_int(x, "if_dropped", (json_int_t)cs[i].if_dropped);
		json_array_append_new(a, x);
	}
	json_object_set_new(o, "capture", a);
	a = json_array();
	for (i = 0; cfg != NULL && i < cfg->nexceptions; i++) {
		const struct config_exception *ex = &cfg->exceptions[i];

		if (!config_exception_expiring(ex, t))
			continue;
		x = json_object();
		set_str(x, "owner", ex->owner);
		set_str(x, "expires", ex->expires);
		if (ex->ticket != NULL)
			set_str(x, "ticket", ex->ticket);
		set_int(x, "line", ex->line);
		json_array_append_new(a, x);
	}
	json_object_set_new(o, "exceptions_expiring", a);
	json_object_set_new(e, "tlsfloor", o);
	return e;
}

/* One inventory record as an event (record: a reference it takes). */
json_t *
oj_inventory(uint64_t now, json_t *record)
{
	json_t	*e, *o;
	char	 ts[FMT_TIME_MAX];

	if (record == NULL)
		return NULL;
	e = json_object();
	field_time(now, ts, sizeof(ts));
	set_str(e, "@timestamp", ts);
	set_ecs(e);
	o = json_object();
	set_str(o, "kind", "state");
	set_str(o, "dataset", "tlsfloor.inventory");
	json_object_set_new(e, "event", o);
	o = json_object();
	json_object_set_new(o, "inventory", record);
	json_object_set_new(e, "tlsfloor", o);
	return e;
}
