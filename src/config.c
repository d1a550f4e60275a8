/*
 * config.c -- struct config: defaults, the YAML file, validation, free.
 *
 * Receives a file name (config_load()) or command-line strings
 * (config_set_port(), config_parse_*()); hands on a complete, validated
 * struct config that nobody changes after it is published.  It does not
 * resolve host names, look up users or open any of the files it names:
 * those belong to the stages that use them.
 *
 * The YAML is read with libyaml's event API, one event at a time, against
 * the schema tables below (one table per mapping).  Strict: an unknown key,
 * a duplicate key, a wrong type, an out-of-range value, an anchor, alias or
 * tag, a second document, bytes that are not UTF-8 and a syntax error all
 * stop the load with "FILE:LINE:COLUMN: KEY.PATH: what is wrong".  Aliases
 * are refused outright, so an alias bomb ("billion laughs") never expands;
 * the file, every string and every list are capped (config.h) and nesting
 * can go no deeper than the schema, so a hostile file costs bounded memory.
 *
 * Default ports: POP3 110 (STLS) and 995 (implicit TLS), IMAP 143 (STARTTLS)
 * and 993 (implicit), SMTP 25 and 587 (STARTTLS) and 465 (implicit, RFC 8314).
 * conf/tlsfloor.yaml spells out every default; a unit test keeps the two
 * equal.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <yaml.h>

#include "config.h"
#include "caps.h"

#define KIB	((uint64_t)1 << 10)
#define MIB	((uint64_t)1 << 20)
#define GIB	((uint64_t)1 << 30)
#define MINUTE	60u
#define HOUR	3600u
#define DAY	86400u
/* A size bound that also fits a 32-bit size_t. */
#define SZMAX(x)	((uint64_t)(x) > SIZE_MAX ? (uint64_t)SIZE_MAX : (x))

/* A position in the file, 1-based, as messages print it. */
struct ymark {
	uint32_t	 line;
	uint32_t	 col;
};

/* The parse of one file. */
struct yp {
	yaml_parser_t	 parser;
	yaml_event_t	 ev;		/* the current event */
	bool		 have_ev;	/* ev must be deleted */
	const char	*file;		/* for messages */
	const unsigned char *buf;	/* the file (reader-error positions) */
	size_t		 len;
	char		*err;		/* caller's buffer; may be NULL */
	size_t		 errlen;
	bool		 failed;	/* err holds the first error */
	char		 path[256];	/* dotted key path of the node */
	size_t		 pathlen;
	int		 depth;		/* open mappings and lists */
	char		 qbuf[192];	/* yp_quote()'s result */
	struct config	*c;		/* being built; owned until returned */
	size_t		 exc_cap;	/* allocated c->exceptions entries */
	/* where each configured port was written, for duplicate reports */
	struct ymark	 pmark[CONFIG_NPROTO][CONFIG_PORT_NMODES]
			     [CONFIG_MAX_PORTS];
	bool		 pgiven[CONFIG_NPROTO][CONFIG_PORT_NMODES];
};

/* --- the schema ----------------------------------------------------------- */

struct yk;
typedef int	yk_fn(struct yp *, const struct yk *, void *obj);
typedef int	yp_item_fn(struct yp *, size_t i, void *ctx);

enum yk_type {
	YK_SECTION,	/* a mapping with its own table */
	YK_BOOL,	/* true | false */
	YK_UINT,	/* decimal digits, [min, max] */
	YK_SIZE,	/* bytes, K/M/G suffix, [min, max] */
	YK_DURATION,	/* seconds, s/m/h/d suffix, [min, max] */
	YK_STRING,	/* char *, owned; max is the length cap */
	YK_ENUM,	/* a name from a table, stored as an integer */
	YK_FUNC,	/* anything else: fn consumes the value */
};

#define YK_REQUIRED	0x01	/* must be given (list entries) */
#define YK_NULLABLE	0x02	/* null is a value: NULL / left unset */
#define YK_EMPTY_OK	0x04	/* "" is a value */
#define YK_ABSPATH	0x08	/* an absolute path */
#define YK_NAME		0x10	/* a user or group name */
#define YK_HOST		0x20	/* an IPv4/IPv6 address or a host name */
#define YK_MULTILINE	0x40	/* newlines and tabs allowed */

struct yname {
	const char	*name;
	int		 v;
};

struct ysec {
	const struct yk	*keys;
	size_t		 nkeys;		/* at most 32 */
	/* Checks across keys, run at the end of the mapping; may be NULL. */
	int		(*post)(struct yp *, void *obj, const yaml_mark_t *);
};

struct yk {
	const char	*name;
	enum yk_type	 type;
	size_t		 off;		/* of the field in the object */
	size_t		 width;		/* sizeof the field (integers) */
	uint64_t	 min, max;	/* integers; strings: max length */
	unsigned	 flags;		/* YK_* */
	const struct ysec *sec;		/* YK_SECTION */
	const struct yname *names;	/* YK_ENUM; NULL-terminated */
	yk_fn		*fn;		/* YK_FUNC */
	int		 arg;		/* YK_FUNC */
};

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))
#define SEC(t, post)	{ (t), NITEMS(t), (post) }
/* The field a key fills, in struct config, config_remote, config_exception;
 * NOF for a YK_FUNC that finds its own. */
#define CF(f)	.off = offsetof(struct config, f), \
		    .width = sizeof(((struct config *)0)->f)
#define RF(f)	.off = offsetof(struct config_remote, f), \
		    .width = sizeof(((struct config_remote *)0)->f)
#define EF(f)	.off = offsetof(struct config_endpoint, f), \
		    .width = sizeof(((struct config_endpoint *)0)->f)
#define XF(f)	.off = offsetof(struct config_exception, f), \
		    .width = sizeof(((struct config_exception *)0)->f)
#define NOF	.off = 0
/* Table rows, one macro per kind of value. */
#define K_SEC(n, s)	{ .name = (n), .type = YK_SECTION, .sec = (s) }
#define K_BOOL(n, f)	{ .name = (n), .type = YK_BOOL, f }
#define K_NUM(n, t, f, lo, hi) \
			{ .name = (n), .type = (t), f, .min = (lo), \
			    .max = (hi) }
#define K_STR(n, f, len, fl) \
			{ .name = (n), .type = YK_STRING, f, .max = (len), \
			    .flags = (fl) }
#define K_ENUM(n, f, tbl, fl) \
			{ .name = (n), .type = YK_ENUM, f, .names = (tbl), \
			    .flags = (fl) }
#define K_FUNC(n, f, fn_, fl, a) \
			{ .name = (n), .type = YK_FUNC, f, .fn = (fn_), \
			    .flags = (fl), .arg = (a) }

static int	yp_next(struct yp *);
static int	yp_err(struct yp *, const yaml_mark_t *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static int	yp_parser_err(struct yp *);
static const char *yp_quote(struct yp *, const char *, size_t);
static const char *yp_got(struct yp *);
static bool	yp_is_null(const struct yp *);
static bool	yp_is_bool(const struct yp *, bool *);
static const char *yp_scalar(struct yp *, const char *, size_t *);
static void	yp_push(struct yp *, const char *);
static void	yp_push_index(struct yp *, size_t);
static int	yp_enter(struct yp *);
static int	yp_document(struct yp *);
static int	yp_section(struct yp *, const struct ysec *, void *, bool);
static int	yp_key(struct yp *, const struct ysec *, void *, uint32_t *,
		    uint32_t *);
static int	yp_value(struct yp *, const struct yk *, void *);
static int	yp_list(struct yp *, size_t, yp_item_fn *, void *);
static int	yp_bool(struct yp *, bool *);
static int	yp_number(struct yp *, const struct yk *, void *);
static int	yp_string(struct yp *, const struct yk *, char **);
static int	yp_enum(struct yp *, const struct yk *, void *);
static void	store_uint(void *, const struct yk *, uint64_t);
static void	fmt_bound(char *, size_t, enum yk_type, uint64_t);
static int	parse_uint(const char *, uint64_t *);
static bool	valid_name(const char *);
static bool	valid_host(const char *);
static bool	valid_iface(const char *);
static int	parse_net(const char *, struct config_net *, char *, size_t);
static int	parse_date(const char *, int32_t *);
static int32_t	days_from_civil(int, unsigned, unsigned);
static bool	net_match(const struct config_net *, int, const uint8_t *);
static int	ports_put(struct config *, uint16_t, uint8_t, int);
static void	ports_remove(struct config *, uint16_t);
static void	ports_rebuild(struct config *);
static char	*read_file(const char *, size_t *, char *, size_t);

static yk_fn	y_floor, y_umask, y_interfaces, y_ports, y_events, y_remotes,
		    y_exceptions, y_net, y_expires;
static yp_item_fn item_iface, item_port, item_event, item_remote,
		    item_exception;
static int	post_ports(struct yp *, void *, const yaml_mark_t *);
static int	post_outputs(struct yp *, void *, const yaml_mark_t *);
static int	post_remote(struct yp *, void *, const yaml_mark_t *);
static bool	valid_sd_id(const char *);
static int	post_exception(struct yp *, void *, const yaml_mark_t *);
static int	post_endpoint(struct yp *, void *, const yaml_mark_t *);
static yk_fn	y_endpoints, y_skip_ports;
static yp_item_fn item_skip_port;
static yp_item_fn item_endpoint;
static void	endpoints_free(struct config *);
static int	endpoints_default(struct config *);

static const struct yname scope_names[] = {
	{ "mail", SCOPE_MAIL }, { "all_tls", SCOPE_ALL_TLS }, { NULL, 0 },
};
static const struct yname proto_names[] = {
	{ "pop3", PROTO_POP3 }, { "imap", PROTO_IMAP }, { "smtp", PROTO_SMTP },
	{ NULL, 0 },
};
static const struct yname event_names[] = {
	{ "session", CONFIG_EV_SESSION }, { "alert", CONFIG_EV_ALERT },
	{ "alert_summary", CONFIG_EV_ALERT_SUMMARY },
	{ "stats", CONFIG_EV_STATS }, { "inventory", CONFIG_EV_INVENTORY },
	{ NULL, 0 },
};
static const struct yname facility_names[] = {
	{ "daemon", LOG_DAEMON }, { "user", LOG_USER }, { "mail", LOG_MAIL },
	{ "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
	{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
	{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 }, { NULL, 0 },
};
static const struct yname transport_names[] = {
	{ "udp", CONFIG_TRANSPORT_UDP }, { "tcp", CONFIG_TRANSPORT_TCP },
	{ "tls", CONFIG_TRANSPORT_TLS }, { "relp", CONFIG_TRANSPORT_RELP },
	{ NULL, 0 },
};
static const struct yname rformat_names[] = {
	{ "rfc5424", CONFIG_RFORMAT_RFC5424 }, { "cef", CONFIG_RFORMAT_CEF },
	{ NULL, 0 },
};

static const struct yk capture_keys[] = {
	K_FUNC("interfaces", NOF, y_interfaces, 0, 0),
	K_STR("bpf", CF(bpf), CONFIG_MAX_BPF, YK_NULLABLE | YK_EMPTY_OK),
	K_NUM("snaplen", YK_UINT, CF(snaplen), 64, 262144),
	K_BOOL("promiscuous", CF(promiscuous)),
	K_NUM("buffer_size", YK_SIZE, CF(buffer_size), MIB, SZMAX(2 * GIB)),
	K_BOOL("immediate", CF(immediate)),
	K_NUM("drop_warn_percent", YK_UINT, CF(drop_warn_percent), 0, 100),
	K_NUM("workers", YK_UINT, CF(workers), 1, CAPTURE_MAX_WORKERS),
};
static const struct ysec capture_sec = SEC(capture_keys, NULL);

/* arg: row of config.ports[][] as proto * CONFIG_PORT_NMODES + mode */
#define PORT_KEYS(proto) {						\
	K_FUNC("starttls", NOF, y_ports, 0,				\
	    (proto) * CONFIG_PORT_NMODES + CONFIG_PORT_STARTTLS),	\
	K_FUNC("implicit", NOF, y_ports, 0,				\
	    (proto) * CONFIG_PORT_NMODES + CONFIG_PORT_IMPLICIT),	\
}
static const struct yk pop3_keys[] = PORT_KEYS(PROTO_POP3);
static const struct yk imap_keys[] = PORT_KEYS(PROTO_IMAP);
static const struct yk smtp_keys[] = PORT_KEYS(PROTO_SMTP);
static const struct ysec pop3_sec = SEC(pop3_keys, NULL);
static const struct ysec imap_sec = SEC(imap_keys, NULL);
static const struct ysec smtp_sec = SEC(smtp_keys, NULL);
static const struct yk ports_keys[] = {
	K_SEC("pop3", &pop3_sec),
	K_SEC("imap", &imap_sec),
	K_SEC("smtp", &smtp_sec),
};
static const struct ysec ports_sec = SEC(ports_keys, post_ports);

static const struct yk dpi_keys[] = {
	K_BOOL("enabled", CF(dpi_enabled)),
	K_NUM("packets", YK_UINT, CF(dpi_packets), 1, 255),
	K_FUNC("skip_ports", NOF, y_skip_ports, 0, 0),
};
static const struct ysec dpi_sec = SEC(dpi_keys, NULL);

static const struct yk limits_keys[] = {
	K_NUM("max_flows", YK_UINT, CF(max_flows), 1, 100000000),
	K_NUM("idle_timeout", YK_DURATION, CF(idle_timeout), 1, DAY),
	K_NUM("linger", YK_DURATION, CF(linger), 0, 10 * MINUTE),
	K_NUM("memcap", YK_SIZE, CF(memcap), MIB, SZMAX(64 * GIB)),
	K_NUM("stream_buffer", YK_SIZE, CF(stream_buf), 4 * KIB, 16 * MIB),
	K_NUM("plaintext_depth", YK_SIZE, CF(plain_depth), KIB, 16 * MIB),
};
static const struct ysec limits_sec = SEC(limits_keys, NULL);

static const struct yk json_keys[] = {
	K_BOOL("enabled", CF(json_enabled)),
	K_STR("path", CF(json_path), CONFIG_MAX_PATH, 0),
	K_FUNC("events", NOF, y_events, 0, 0),
	K_NUM("community_id_seed", YK_UINT, CF(community_id_seed), 0, 65535),
};
static const struct ysec json_sec = SEC(json_keys, NULL);
static const struct yk text_keys[] = {
	K_BOOL("enabled", CF(text_enabled)),
	K_STR("path", CF(text_path), CONFIG_MAX_PATH, 0),
};
static const struct ysec text_sec = SEC(text_keys, NULL);
static const struct yk syslog_keys[] = {
	K_BOOL("enabled", CF(syslog_enabled)),
	K_ENUM("facility", CF(syslog_facility), facility_names, 0),
	K_STR("ident", CF(syslog_ident), 64, 0),
	K_BOOL("ok", CF(syslog_ok)),
};
static const struct ysec syslog_sec = SEC(syslog_keys, NULL);
static const struct yk remote_keys[] = {
	K_STR("host", RF(host), 253, YK_REQUIRED | YK_HOST),
	K_NUM("port", YK_UINT, RF(port), 1, 65535),
	K_ENUM("transport", RF(transport), transport_names, 0),
	K_ENUM("format", RF(format), rformat_names, 0),
	K_NUM("queue", YK_UINT, RF(queue), 1, 1000000),
	K_NUM("max_message_size", YK_SIZE, RF(max_message_size),
	    CONFIG_MSG_MIN, CONFIG_MSG_TCP_MAX),
	K_STR("sd_id", RF(sd_id), CONFIG_SD_ID_MAX, 0),
	K_STR("ca_file", RF(ca_file), CONFIG_MAX_PATH, YK_ABSPATH),
	K_STR("server_name", RF(server_name), 253, YK_HOST),
	K_STR("cert_file", RF(cert_file), CONFIG_MAX_PATH, YK_ABSPATH),
	K_STR("key_file", RF(key_file), CONFIG_MAX_PATH, YK_ABSPATH),
};
static const struct ysec remote_sec = SEC(remote_keys, post_remote);
static const struct yk outputs_keys[] = {
	K_SEC("json", &json_sec),
	K_SEC("text", &text_sec),
	K_SEC("syslog", &syslog_sec),
	K_FUNC("remote", NOF, y_remotes, 0, 0),
};
static const struct ysec outputs_sec = SEC(outputs_keys, post_outputs);

static const struct yk alerts_keys[] = {
	K_NUM("dedup_window", YK_DURATION, CF(dedup_window), 0, 7 * DAY),
	K_BOOL("session_events_ok", CF(session_events_ok)),
};
static const struct ysec alerts_sec = SEC(alerts_keys, NULL);
static const struct yk stats_keys[] = {
	K_NUM("interval", YK_DURATION, CF(stats_interval), 0, DAY),
	K_STR("metrics_path", CF(metrics_path), CONFIG_MAX_PATH, YK_NULLABLE),
};
static const struct ysec stats_sec = SEC(stats_keys, NULL);
static const struct yk inventory_keys[] = {
	K_STR("path", CF(inventory_path), CONFIG_MAX_PATH, YK_NULLABLE),
	K_NUM("interval", YK_DURATION, CF(inventory_interval), 0, 7 * DAY),
	K_STR("db", CF(inventory_db), CONFIG_MAX_PATH, YK_NULLABLE),
	K_NUM("commit_interval", YK_DURATION, CF(inventory_commit), 1, HOUR),
	K_NUM("window", YK_DURATION, CF(inventory_window), 1, 3650 * DAY),
};
static const struct ysec inventory_sec = SEC(inventory_keys, NULL);
static const struct yk sensor_keys[] = {
	K_STR("name", CF(sensor_name), 255, YK_NULLABLE),
};
static const struct ysec sensor_sec = SEC(sensor_keys, NULL);

static const struct yk endpoint_keys[] = {
	K_STR("name", EF(name), 255, YK_REQUIRED),
	K_STR("label", EF(label), 128, YK_REQUIRED),
};
static const struct ysec endpoint_sec = SEC(endpoint_keys, post_endpoint);

static const struct yk exception_keys[] = {
	K_FUNC("client", XF(client), y_net, YK_REQUIRED, 0),
	K_FUNC("server", XF(server), y_net, YK_NULLABLE, 0),
	K_ENUM("protocol", XF(proto), proto_names, YK_NULLABLE),
	K_STR("owner", XF(owner), 256, YK_REQUIRED),
	K_FUNC("expires", NOF, y_expires, YK_REQUIRED, 0),
	K_STR("ticket", XF(ticket), 128, YK_NULLABLE),
	K_STR("note", XF(note), CONFIG_MAX_STRING, YK_NULLABLE | YK_MULTILINE),
};
static const struct ysec exception_sec = SEC(exception_keys, post_exception);

static const struct yk privacy_keys[] = {
	K_BOOL("log_user", CF(log_user)),
};
static const struct ysec privacy_sec = SEC(privacy_keys, NULL);

static const struct yk daemon_keys[] = {
	K_STR("user", CF(user), 32, YK_NAME),
	K_STR("group", CF(group), 32, YK_NAME),
	K_STR("pidfile", CF(pidfile), CONFIG_MAX_PATH,
	    YK_NULLABLE | YK_ABSPATH),
	K_STR("chroot", CF(chroot_dir), CONFIG_MAX_PATH,
	    YK_NULLABLE | YK_ABSPATH),
	K_BOOL("allow_root", CF(allow_root)),
	K_FUNC("umask", NOF, y_umask, 0, 0),
	K_BOOL("seccomp", CF(seccomp)),
};
static const struct ysec daemon_sec = SEC(daemon_keys, NULL);

static const struct yk root_keys[] = {
	K_FUNC("floor", NOF, y_floor, 0, 0),
	K_ENUM("scope", CF(scope), scope_names, 0),
	K_SEC("capture", &capture_sec),
	K_SEC("ports", &ports_sec),
	K_SEC("dpi", &dpi_sec),
	K_SEC("limits", &limits_sec),
	K_SEC("outputs", &outputs_sec),
	K_SEC("alerts", &alerts_sec),
	K_SEC("stats", &stats_sec),
	K_SEC("inventory", &inventory_sec),
	K_SEC("sensor", &sensor_sec),
	K_FUNC("endpoints", NOF, y_endpoints, 0, 0),
	K_FUNC("exceptions", NOF, y_exceptions, 0, 0),
	K_SEC("privacy", &privacy_sec),
	K_SEC("daemon", &daemon_sec),
};
static const struct ysec root_sec = SEC(root_keys, NULL);

/* --- defaults, command-line setters, free --------------------------------- */

/*
 * Well-known services that are not mail: nDPI need not look at them (the
 * bulk of most traffic), so they cost a port check, not a flow each.
 */
static const uint16_t dpi_skip_def[] = {
	20, 21, 22, 23, 53, 80, 88, 123, 135, 139, 389, 443, 445, 636, 853,
	1433, 1521, 3306, 3389, 5060, 5061, 5222, 5432, 5900, 6379, 8080,
	8443, 9200, 27017,
};

struct config *
config_default(void)
{
	size_t		 i;
	struct config	*c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->floor = 0x0303;
	c->scope = SCOPE_MAIL;
	c->max_flows = LIMIT_DEF_MAX_FLOWS;
	c->idle_timeout = LIMIT_DEF_IDLE_TIMEOUT;
	c->linger = LIMIT_DEF_LINGER;
	c->memcap = LIMIT_DEF_MEMCAP;
	c->stream_buf = LIMIT_DEF_STREAM_BUF;
	c->plain_depth = LIMIT_DEF_PLAIN_DEPTH;
	ports_put(c, 110, PROTO_POP3, CONFIG_PORT_STARTTLS);
	ports_put(c, 995, PROTO_POP3, CONFIG_PORT_IMPLICIT);
	ports_put(c, 143, PROTO_IMAP, CONFIG_PORT_STARTTLS);
	ports_put(c, 993, PROTO_IMAP, CONFIG_PORT_IMPLICIT);
	ports_put(c, 25, PROTO_SMTP, CONFIG_PORT_STARTTLS);
	ports_put(c, 587, PROTO_SMTP, CONFIG_PORT_STARTTLS);
	ports_put(c, 465, PROTO_SMTP, CONFIG_PORT_IMPLICIT);

	c->snaplen = 65535;
	c->promiscuous = true;
	c->buffer_size = 32u << 20;
	c->immediate = false;
	c->drop_warn_percent = 1;
	c->workers = 1;
	c->dpi_enabled = true;
	c->dpi_packets = 10;
	for (i = 0; i < sizeof(dpi_skip_def) / sizeof(dpi_skip_def[0]); i++)
		c->dpi_skip[c->ndpi_skip++] = dpi_skip_def[i];
	c->json_enabled = true;
	c->json_events = CONFIG_EV_ALL;
	c->syslog_facility = LOG_DAEMON;
	c->dedup_window = HOUR;
	c->stats_interval = 5 * MINUTE;
	c->inventory_interval = 15 * MINUTE;
	c->umask = 077;
	c->seccomp = true;
	c->inventory_commit = 5;
	c->inventory_window = LIMIT_DEF_INV_WINDOW;
	if ((c->json_path = strdup("-")) == NULL ||
	    (c->text_path = strdup("-")) == NULL ||
	    (c->syslog_ident = strdup("tlsfloor")) == NULL ||
	    (c->user = strdup("tlsfloor")) == NULL ||
	    (c->group = strdup("tlsfloor")) == NULL ||
	    (c->pidfile = strdup("/run/tlsfloor/tlsfloor.pid")) == NULL ||
	    endpoints_default(c) != 0) {
		config_free(c);
		return NULL;
	}
	return c;
}

/*
 * The mail endpoints an admin asks about first.  The office365 "-legacy"
 * hosts take TLS 1.0/1.1 only while a tenant allows AllowLegacyTLSClients;
 * the July 2026 enforcement retires them.
 */
static int
endpoints_default(struct config *c)
{
	static const struct { const char *name, *label; } def[] = {
		{ "outlook.office365.com", "Exchange Online" },
		{ "smtp.office365.com", "Exchange Online" },
		{ "pop-legacy.office365.com", "Exchange Online legacy TLS" },
		{ "imap-legacy.office365.com", "Exchange Online legacy TLS" },
		{ "smtp-legacy.office365.com", "Exchange Online legacy TLS" },
		{ "imap.gmail.com", "Gmail" },
		{ "pop.gmail.com", "Gmail" },
		{ "smtp.gmail.com", "Gmail" },
	};
	size_t	i, n = sizeof(def) / sizeof(def[0]);

	if ((c->endpoints = calloc(n, sizeof(*c->endpoints))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		c->nendpoints = i + 1;
		if ((c->endpoints[i].name = strdup(def[i].name)) == NULL ||
		    (c->endpoints[i].label = strdup(def[i].label)) == NULL)
			return -1;
	}
	return 0;
}

void
config_free(struct config *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < c->ninterfaces; i++)
		free(c->interfaces[i]);
	free(c->interfaces);
	free(c->bpf);
	free(c->json_path);
	free(c->text_path);
	free(c->syslog_ident);
	for (i = 0; i < c->nremotes; i++)
		config_remote_free(&c->remotes[i]);
	free(c->remotes);
	free(c->inventory_path);
	free(c->inventory_db);
	free(c->sensor_name);
	free(c->metrics_path);
	endpoints_free(c);
	for (i = 0; i < c->nexceptions; i++) {
		free(c->exceptions[i].owner);
		free(c->exceptions[i].ticket);
		free(c->exceptions[i].note);
	}
	free(c->exceptions);
	free(c->user);
	free(c->group);
	free(c->pidfile);
	free(c->chroot_dir);
	free(c);
}

/* Replace an owned string of a config (command-line overrides); NULL
 * clears it.  Returns 0, or -1 when out of memory (*field unchanged). */
int
config_set_string(char **field, const char *s)
{
	char	*dup = NULL;

	if (s != NULL && (dup = strdup(s)) == NULL)
		return -1;
	free(*field);
	*field = dup;
	return 0;
}

/*
 * "PROTO:PORT" or "PROTO:PORT:implicit", e.g. "imap:10143" or
 * "pop3:10995:implicit"; PORT 0 is rejected.  A port already watched moves
 * to the new protocol and mode.  Returns 0 or -1.
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
	int		 mode = CONFIG_PORT_STARTTLS;

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
		mode = CONFIG_PORT_IMPLICIT;
	} else if (*rest != '\0')
		return -1;
	return ports_put(c, (uint16_t)port, v, mode);
}

/* Watch port for proto in mode, in the lists and in port_map[]; a port is
 * in one list at most.  Returns -1 (nothing changed) when the list is full. */
static int
ports_put(struct config *c, uint16_t port, uint8_t proto, int mode)
{
	struct config_ports	*l = &c->ports[proto][mode];
	size_t			 i;

	for (i = 0; i < l->n; i++)
		if (l->port[i] == port)
			break;
	if (i == l->n && l->n == CONFIG_MAX_PORTS)
		return -1;
	ports_remove(c, port);
	l->port[l->n++] = port;
	c->port_map[port] = (uint8_t)(proto |
	    (mode == CONFIG_PORT_IMPLICIT ? PORT_IMPLICIT : 0));
	return 0;
}

static void
ports_remove(struct config *c, uint16_t port)
{
	struct config_ports	*l;
	size_t			 i, j, p, m;

	for (p = 1; p < CONFIG_NPROTO; p++)
		for (m = 0; m < CONFIG_PORT_NMODES; m++) {
			l = &c->ports[p][m];
			for (i = j = 0; i < l->n; i++)
				if (l->port[i] != port)
					l->port[j++] = l->port[i];
			l->n = j;
		}
	c->port_map[port] = 0;
}

/* port_map[] from the lists (after a file replaced some of them). */
static void
ports_rebuild(struct config *c)
{
	const struct config_ports	*l;
	size_t				 i, p, m;

	memset(c->port_map, 0, sizeof(c->port_map));
	for (p = 1; p < CONFIG_NPROTO; p++)
		for (m = 0; m < CONFIG_PORT_NMODES; m++) {
			l = &c->ports[p][m];
			for (i = 0; i < l->n; i++)
				c->port_map[l->port[i]] = (uint8_t)(p |
				    (m == CONFIG_PORT_IMPLICIT ?
				    PORT_IMPLICIT : 0));
		}
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

/* One suffix a scaled number may carry, and its multiplier. */
struct scale {
	char		 c;
	uint64_t	 mul;
};

/*
 * Decimal digits with at most one suffix from scales[], within [min, max]
 * after scaling.  Returns 0 or -1.
 */
static int
parse_scaled(const char *s, const struct scale *scales, uint64_t min,
    uint64_t max, uint64_t *out)
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
	for (; *end != '\0' && scales->c != '\0'; scales++)
		if (*end == scales->c) {
			mul = scales->mul;
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

/*
 * A count or a size: decimal digits with an optional k, M or G suffix
 * (powers of 1024), within [min, max].  Returns 0 or -1.
 */
int
config_parse_size(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	static const struct scale	sizes[] = {
		{ 'k', 1u << 10 }, { 'K', 1u << 10 }, { 'm', 1u << 20 },
		{ 'M', 1u << 20 }, { 'g', 1u << 30 }, { 'G', 1u << 30 },
		{ '\0', 0 },
	};

	return parse_scaled(s, sizes, min, max, out);
}

/*
 * A duration in seconds: decimal digits with an optional s, m, h or d
 * suffix (lower case: "10M" looks too much like a size), within [min, max]
 * seconds.  Returns 0 or -1.
 */
int
config_parse_duration(const char *s, uint64_t min, uint64_t max,
    uint64_t *out)
{
	static const struct scale	times[] = {
		{ 's', 1 }, { 'm', MINUTE }, { 'h', HOUR }, { 'd', DAY },
		{ '\0', 0 },
	};

	return parse_scaled(s, times, min, max, out);
}

/* The protocol's name as events and the inventory write it. */
const char *
config_proto_name(uint8_t proto)
{
	switch (proto) {
	case PROTO_POP3:
		return "pop3";
	case PROTO_IMAP:
		return "imap";
	case PROTO_SMTP:
		return "smtp";
	}
	return "tls";
}

/* --- exceptions ----------------------------------------------------------- */

/* Live through the last second of its expires day (UTC). */
bool
config_exception_live(const struct config_exception *e, time_t now)
{
	return (int64_t)now < ((int64_t)e->expires_days + 1) * DAY;
}

/* Live, with its last day within CONFIG_EXPIRING_DAYS: time to act. */
bool
config_exception_expiring(const struct config_exception *e, time_t now)
{
	int64_t	today = (int64_t)now / DAY;

	return e->expires_days >= today &&
	    e->expires_days <= today + CONFIG_EXPIRING_DAYS;
}

static bool
net_match(const struct config_net *n, int family, const uint8_t *a)
{
	size_t	full = n->prefix / 8;
	unsigned rest = n->prefix % 8;
	uint8_t	mask;

	if (n->family != family || a == NULL)
		return false;
	if (memcmp(n->addr, a, full) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == n->addr[full];
}

/*
 * The first exception, in file order, for this client (and server and
 * protocol, where the exception names them) that has not expired at now;
 * NULL if none.  family is 4 or 6; srv may be NULL (only exceptions without
 * a server match then); proto is enum proto.
 */
const struct config_exception *
config_exception_match(const struct config *c, int family,
    const uint8_t *cli, const uint8_t *srv, uint8_t proto, time_t now)
{
	const struct config_exception	*e;
	size_t				 i;

	for (i = 0; i < c->nexceptions; i++) {
		e = &c->exceptions[i];
		if (!net_match(&e->client, family, cli))
			continue;
		if (e->server.family != 0 &&
		    !net_match(&e->server, family, srv))
			continue;
		if (e->proto != 0 && e->proto != proto)
			continue;
		if (config_exception_live(e, now))
			return e;
	}
	return NULL;
}

/* The same, expired or not: when config_exception_match() finds nothing
 * and this finds one, the session's exception has expired. */
const struct config_exception *
config_exception_match_any(const struct config *c, int family,
    const uint8_t *cli, const uint8_t *srv, uint8_t proto)
{
	const struct config_exception	*e;
	size_t				 i;

	for (i = 0; i < c->nexceptions; i++) {
		e = &c->exceptions[i];
		if (net_match(&e->client, family, cli) &&
		    (e->server.family == 0 ||
		    net_match(&e->server, family, srv)) &&
		    (e->proto == 0 || e->proto == proto))
			return e;
	}
	return NULL;
}

/* --- loading a file ------------------------------------------------------- */

struct config *
config_load(const char *path, char *err, size_t errlen)
{
	struct yp	*p;
	struct config	*c = NULL;
	char		*buf;
	size_t		 len;
	int		 rc;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if ((buf = read_file(path, &len, err, errlen)) == NULL)
		return NULL;
	/* Large (the port marks): on the heap, not the stack. */
	if ((p = calloc(1, sizeof(*p))) == NULL ||
	    (p->c = config_default()) == NULL ||
	    !yaml_parser_initialize(&p->parser)) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s: out of memory", path);
		if (p != NULL)
			config_free(p->c);
		free(p);
		free(buf);
		return NULL;
	}
	p->file = path;
	p->buf = (const unsigned char *)buf;
	p->len = len;
	p->err = err;
	p->errlen = errlen;
	/* UTF-8 only: a UTF-16 file is a mistake, not a feature. */
	yaml_parser_set_encoding(&p->parser, YAML_UTF8_ENCODING);
	yaml_parser_set_input_string(&p->parser, p->buf, len);

	rc = yp_document(p);
	if (p->have_ev)
		yaml_event_delete(&p->ev);
	yaml_parser_delete(&p->parser);
	free(buf);
	if (rc == 0) {
		c = p->c;
	} else
		config_free(p->c);
	free(p);
	return c;
}

/* The whole file, at most CONFIG_MAX_FILE bytes, NUL-terminated. */
static char *
read_file(const char *path, size_t *lenp, char *err, size_t errlen)
{
	struct stat	 st;
	char		*buf = NULL, *nbuf;
	size_t		 len = 0, cap = 0;
	ssize_t		 n;
	int		 fd;

	/* O_NONBLOCK: opening a FIFO with no writer would block start-up
	 * (and a reload, with the capture stalled) for ever. */
	if ((fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC |
	    O_NOCTTY)) == -1)
		goto fail;
	if (fstat(fd, &st) == -1)
		goto fail;
	if (S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		goto fail;
	}
	/* A FIFO, a device or a socket: it has no end to read to. */
	if (!S_ISREG(st.st_mode)) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "%s: not a regular file (a %s); "
			    "a configuration must be a plain file", path,
			    S_ISFIFO(st.st_mode) ? "FIFO" : S_ISCHR(st.st_mode) ?
			    "character device" : S_ISBLK(st.st_mode) ?
			    "block device" : "socket");
		close(fd);
		return NULL;
	}
	for (;;) {
		if (len == cap) {
			/* One byte past the cap tells "too large" apart. */
			cap = cap == 0 ? 4096 : cap * 2;
			if (cap > CONFIG_MAX_FILE + 1)
				cap = CONFIG_MAX_FILE + 1;
			if ((nbuf = realloc(buf, cap + 1)) == NULL)
				goto fail;
			buf = nbuf;
		}
		n = read(fd, buf + len, cap - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > CONFIG_MAX_FILE) {
			if (err != NULL && errlen > 0)
				snprintf(err, errlen, "%s: larger than %u "
				    "bytes, too large for a configuration file",
				    path, CONFIG_MAX_FILE);
			close(fd);
			free(buf);
			return NULL;
		}
	}
	close(fd);
	if (buf == NULL && (buf = malloc(1)) == NULL)
		goto fail;
	buf[len] = '\0';
	*lenp = len;
	return buf;
fail:
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	if (fd != -1)
		close(fd);
	free(buf);
	return NULL;
}

/* --- the event stream ----------------------------------------------------- */

/*
 * Step to the next event.  Anchors, aliases and tags are refused here,
 * wherever they appear: an alias is how a small file expands into a huge
 * tree, and nothing in this schema needs any of the three.
 */
static int
yp_next(struct yp *p)
{
	yaml_char_t	*anchor = NULL, *tag = NULL;

	if (p->have_ev)
		yaml_event_delete(&p->ev);
	p->have_ev = false;
	if (!yaml_parser_parse(&p->parser, &p->ev))
		return yp_parser_err(p);
	p->have_ev = true;
	switch (p->ev.type) {
	case YAML_ALIAS_EVENT:
		return yp_err(p, &p->ev.start_mark,
		    "aliases are not supported");
	case YAML_SCALAR_EVENT:
		anchor = p->ev.data.scalar.anchor;
		tag = p->ev.data.scalar.tag;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = p->ev.data.sequence_start.anchor;
		tag = p->ev.data.sequence_start.tag;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = p->ev.data.mapping_start.anchor;
		tag = p->ev.data.mapping_start.tag;
		break;
	default:
		break;
	}
	if (anchor != NULL)
		return yp_err(p, &p->ev.start_mark,
		    "anchors and aliases are not supported");
	if (tag != NULL)
		return yp_err(p, &p->ev.start_mark, "tags are not supported");
	return 0;
}

/* Exactly one document, a mapping. */
static int
yp_document(struct yp *p)
{
	if (yp_next(p) != 0)				/* STREAM-START */
		return -1;
	if (yp_next(p) != 0)
		return -1;
	if (p->ev.type == YAML_STREAM_END_EVENT)
		return yp_err(p, &p->ev.start_mark, "no settings in the file "
		    "(write {} for all the defaults)");
	if (yp_next(p) != 0)			/* past DOCUMENT-START */
		return -1;
	if (p->ev.type != YAML_MAPPING_START_EVENT)
		return yp_err(p, &p->ev.start_mark, "expected a mapping of "
		    "settings (key: value), got %s", yp_got(p));
	if (yp_section(p, &root_sec, p->c, false) != 0)
		return -1;
	if (yp_next(p) != 0)				/* DOCUMENT-END */
		return -1;
	if (yp_next(p) != 0)
		return -1;
	if (p->ev.type != YAML_STREAM_END_EVENT)
		return yp_err(p, &p->ev.start_mark,
		    "a second document; the file must hold only one");
	return 0;
}

/*
 * The mapping at the current event (a null value too, when nullable: an
 * empty section keeps its defaults), keys from sec.  Returns with the
 * current event at its MAPPING-END.
 */
static int
yp_section(struct yp *p, const struct ysec *sec, void *obj, bool nullable)
{
	yaml_mark_t	 start;
	uint32_t	 seen = 0, line[32];
	size_t		 i;

	if (nullable && yp_is_null(p))
		return 0;
	if (p->ev.type != YAML_MAPPING_START_EVENT)
		return yp_err(p, &p->ev.start_mark,
		    "expected a mapping, got %s", yp_got(p));
	start = p->ev.start_mark;
	if (yp_enter(p) != 0)
		return -1;
	for (;;) {
		if (yp_next(p) != 0)
			return -1;
		if (p->ev.type == YAML_MAPPING_END_EVENT)
			break;
		if (yp_key(p, sec, obj, &seen, line) != 0)
			return -1;
	}
	for (i = 0; i < sec->nkeys; i++)
		if ((sec->keys[i].flags & YK_REQUIRED) &&
		    !(seen & (1u << i)))
			return yp_err(p, &start, "missing required key \"%s\"",
			    sec->keys[i].name);
	if (sec->post != NULL && sec->post(p, obj, &start) != 0)
		return -1;
	p->depth--;
	return 0;
}

/* One key at the current event and its value. */
static int
yp_key(struct yp *p, const struct ysec *sec, void *obj, uint32_t *seen,
    uint32_t *line)
{
	const struct yk	*k = NULL;
	const char	*name;
	char		 list[512];
	size_t		 len, i, save = p->pathlen, o;

	if (p->ev.type != YAML_SCALAR_EVENT)
		return yp_err(p, &p->ev.start_mark, "expected a key, got %s",
		    yp_got(p));
	name = (const char *)p->ev.data.scalar.value;
	len = p->ev.data.scalar.length;
	for (i = 0; i < sec->nkeys && k == NULL; i++)
		if (strlen(sec->keys[i].name) == len &&
		    memcmp(sec->keys[i].name, name, len) == 0)
			k = &sec->keys[i];
	if (k == NULL) {
		/* The key as written when it is a plain word, else quoted
		 * and cut: the path is printed. */
		for (i = 0; i < len && i < 40 && (name[i] == '_' ||
		    name[i] == '-' || (name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9')); i++)
			;
		yp_push(p, i == len && len > 0 ? name :
		    yp_quote(p, name, len));
		for (i = o = 0; i < sec->nkeys && o < sizeof(list); i++)
			o += (size_t)snprintf(list + o, sizeof(list) - o,
			    "%s%s", i == 0 ? "" : ", ", sec->keys[i].name);
		return yp_err(p, &p->ev.start_mark,
		    "unknown key; expected one of %s", list);
	}
	i = (size_t)(k - sec->keys);
	yp_push(p, k->name);
	if (*seen & (1u << i))
		return yp_err(p, &p->ev.start_mark,
		    "duplicate key (first at line %u)", line[i]);
	*seen |= 1u << i;
	line[i] = (uint32_t)p->ev.start_mark.line + 1;
	if (yp_next(p) != 0 || yp_value(p, k, obj) != 0)
		return -1;
	p->pathlen = save;
	p->path[save] = '\0';
	return 0;
}

static int
yp_value(struct yp *p, const struct yk *k, void *obj)
{
	switch (k->type) {
	case YK_SECTION:
		return yp_section(p, k->sec, obj, true);
	case YK_BOOL:
		return yp_bool(p, (bool *)(void *)((char *)obj + k->off));
	case YK_UINT:
	case YK_SIZE:
	case YK_DURATION:
		return yp_number(p, k, obj);
	case YK_STRING:
		return yp_string(p, k, (char **)(void *)((char *)obj + k->off));
	case YK_ENUM:
		return yp_enum(p, k, obj);
	case YK_FUNC:
		return k->fn(p, k, obj);
	}
	return -1;
}

/*
 * The list at the current event (null is an empty list), at most max
 * entries, fn called for each with the entry's first event current.
 * Returns with the current event at its SEQUENCE-END.
 */
static int
yp_list(struct yp *p, size_t max, yp_item_fn *fn, void *ctx)
{
	size_t	i, save = p->pathlen;

	if (yp_is_null(p))
		return 0;
	if (p->ev.type != YAML_SEQUENCE_START_EVENT)
		return yp_err(p, &p->ev.start_mark, "expected a list, got %s",
		    yp_got(p));
	if (yp_enter(p) != 0)
		return -1;
	for (i = 0;; i++) {
		if (yp_next(p) != 0)
			return -1;
		if (p->ev.type == YAML_SEQUENCE_END_EVENT)
			break;
		yp_push_index(p, i);
		if (i >= max)
			return yp_err(p, &p->ev.start_mark,
			    "more than %zu entries", max);
		if (fn(p, i, ctx) != 0)
			return -1;
		p->pathlen = save;
		p->path[save] = '\0';
	}
	p->depth--;
	return 0;
}

/* One more level of nesting; the schema needs 4. */
static int
yp_enter(struct yp *p)
{
	if (++p->depth > CONFIG_MAX_DEPTH)
		return yp_err(p, &p->ev.start_mark, "nested too deeply");
	return 0;
}

/* --- scalars -------------------------------------------------------------- */

/* A plain null: "", "~", "null" (YAML 1.2 core schema). */
static bool
yp_is_null(const struct yp *p)
{
	const char	*v;

	if (p->ev.type != YAML_SCALAR_EVENT ||
	    p->ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	v = (const char *)p->ev.data.scalar.value;
	return strcmp(v, "") == 0 || strcmp(v, "~") == 0 ||
	    strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
	    strcmp(v, "NULL") == 0;
}

/* A boolean word (YAML 1.2 core schema; not 1.1's yes/no/on/off). */
static bool
yp_is_bool(const struct yp *p, bool *v)
{
	static const char *const t[] = { "true", "True", "TRUE" };
	static const char *const f[] = { "false", "False", "FALSE" };
	const char	*s;
	size_t		 i;

	if (p->ev.type != YAML_SCALAR_EVENT)
		return false;
	s = (const char *)p->ev.data.scalar.value;
	for (i = 0; i < NITEMS(t); i++) {
		if (strcmp(s, t[i]) == 0) {
			*v = true;
			return true;
		}
		if (strcmp(s, f[i]) == 0) {
			*v = false;
			return true;
		}
	}
	return false;
}

/* What the current event is, for "expected X, got Y". */
static const char *
yp_got(struct yp *p)
{
	switch (p->ev.type) {
	case YAML_SEQUENCE_START_EVENT:
		return "a list";
	case YAML_MAPPING_START_EVENT:
		return "a mapping";
	case YAML_SCALAR_EVENT:
		if (yp_is_null(p))
			return "null";
		return yp_quote(p, (const char *)p->ev.data.scalar.value,
		    p->ev.data.scalar.length);
	default:
		return "nothing";
	}
}

/* The current event's text for a value of the kind `what`, or NULL after
 * an error when it is not a scalar, is null, or holds a NUL. */
static const char *
yp_scalar(struct yp *p, const char *what, size_t *len)
{
	const char	*v;

	if (p->ev.type != YAML_SCALAR_EVENT || yp_is_null(p)) {
		yp_err(p, &p->ev.start_mark, "expected %s, got %s", what,
		    yp_got(p));
		return NULL;
	}
	v = (const char *)p->ev.data.scalar.value;
	*len = p->ev.data.scalar.length;
	/* "\0" in a quoted string would cut the text C code sees short. */
	if (memchr(v, '\0', *len) != NULL) {
		yp_err(p, &p->ev.start_mark, "%s contains a NUL character",
		    yp_quote(p, v, *len));
		return NULL;
	}
	return v;
}

static int
yp_bool(struct yp *p, bool *out)
{
	bool	v;

	if (p->ev.type == YAML_SCALAR_EVENT && yp_is_bool(p, &v)) {
		if (p->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
			*out = v;
			return 0;
		}
		return yp_err(p, &p->ev.start_mark, "expected true or false, "
		    "got the string %s (drop the quotes)",
		    yp_quote(p, (const char *)p->ev.data.scalar.value,
		    p->ev.data.scalar.length));
	}
	return yp_err(p, &p->ev.start_mark, "expected true or false, got %s",
	    yp_got(p));
}

/* YK_UINT, YK_SIZE, YK_DURATION. */
static int
yp_number(struct yp *p, const struct yk *k, void *obj)
{
	static const char *const what[] = {
		[YK_UINT] = "a number",
		[YK_SIZE] = "a size (bytes, or a number with K, M or G)",
		[YK_DURATION] = "a duration (seconds, or a number with s, m, "
		    "h or d)",
	};
	const char	*s;
	char		 lo[32], hi[32];
	size_t		 len;
	uint64_t	 v;
	int		 rc;

	if ((s = yp_scalar(p, what[k->type], &len)) == NULL)
		return -1;
	if (k->type == YK_SIZE)
		rc = config_parse_size(s, 0, UINT64_MAX, &v);
	else if (k->type == YK_DURATION)
		rc = config_parse_duration(s, 0, UINT64_MAX, &v);
	else
		rc = parse_uint(s, &v);
	if (rc != 0)
		return yp_err(p, &p->ev.start_mark, "%s is not %s",
		    yp_quote(p, s, len), what[k->type]);
	if (v < k->min || v > k->max) {
		fmt_bound(lo, sizeof(lo), k->type, k->min);
		fmt_bound(hi, sizeof(hi), k->type, k->max);
		return yp_err(p, &p->ev.start_mark,
		    "%s is out of range (%s..%s)", yp_quote(p, s, len), lo, hi);
	}
	store_uint(obj, k, v);
	return 0;
}

static int
yp_string(struct yp *p, const struct yk *k, char **dst)
{
	const char	*s;
	char		*dup;
	size_t		 len, i;
	bool		 b;
	unsigned char	 ch;

	if ((k->flags & YK_NULLABLE) && yp_is_null(p)) {
		free(*dst);
		*dst = NULL;
		return 0;
	}
	if (p->ev.type == YAML_SCALAR_EVENT &&
	    p->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    yp_is_bool(p, &b))
		return yp_err(p, &p->ev.start_mark, "expected a string, got "
		    "the boolean %s (quote it if you mean the word)",
		    b ? "true" : "false");
	if ((s = yp_scalar(p, "a string", &len)) == NULL)
		return -1;
	if (len > k->max)
		return yp_err(p, &p->ev.start_mark,
		    "longer than %" PRIu64 " bytes", k->max);
	if (len == 0 && !(k->flags & YK_EMPTY_OK))
		return yp_err(p, &p->ev.start_mark, "must not be empty");
	for (i = 0; i < len; i++) {
		ch = (unsigned char)s[i];
		if ((k->flags & YK_MULTILINE) && (ch == '\n' || ch == '\t'))
			continue;
		/* Terminal escapes and line breaks in a name end up in
		 * logs and file names: not ours to pass on. */
		if (ch < 0x20 || ch == 0x7f)
			return yp_err(p, &p->ev.start_mark,
			    "%s contains a control character",
			    yp_quote(p, s, len));
	}
	if ((k->flags & YK_ABSPATH) && s[0] != '/')
		return yp_err(p, &p->ev.start_mark,
		    "%s is not an absolute path", yp_quote(p, s, len));
	if ((k->flags & YK_NAME) && !valid_name(s))
		return yp_err(p, &p->ev.start_mark, "%s is not a user or "
		    "group name", yp_quote(p, s, len));
	if ((k->flags & YK_HOST) && !valid_host(s))
		return yp_err(p, &p->ev.start_mark, "%s is not an IPv4 or "
		    "IPv6 address or a host name", yp_quote(p, s, len));
	if ((dup = strdup(s)) == NULL)
		return yp_err(p, &p->ev.start_mark, "out of memory");
	free(*dst);
	*dst = dup;
	return 0;
}

static int
yp_enum(struct yp *p, const struct yk *k, void *obj)
{
	const struct yname	*n;
	const char		*s;
	char			 list[256];
	size_t			 len, o = 0;

	if ((k->flags & YK_NULLABLE) && yp_is_null(p))
		return 0;
	for (n = k->names; n->name != NULL && o < sizeof(list); n++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s",
		    n == k->names ? "" : ", ", n->name);
	if ((s = yp_scalar(p, "one of these", &len)) == NULL)
		return -1;
	for (n = k->names; n->name != NULL; n++)
		if (strcmp(n->name, s) == 0) {
			store_uint(obj, k, (uint64_t)n->v);
			return 0;
		}
	return yp_err(p, &p->ev.start_mark, "%s is not one of %s",
	    yp_quote(p, s, len), list);
}

/* Store v in the integer field k names (v is within the field's range). */
static void
store_uint(void *obj, const struct yk *k, uint64_t v)
{
	char		*f = (char *)obj + k->off;
	uint8_t		 u8 = (uint8_t)v;
	uint16_t	 u16 = (uint16_t)v;
	uint32_t	 u32 = (uint32_t)v;

	switch (k->width) {
	case 1:
		memcpy(f, &u8, 1);
		break;
	case 2:
		memcpy(f, &u16, 2);
		break;
	case 4:
		memcpy(f, &u32, 4);
		break;
	case 8:
		memcpy(f, &v, 8);
		break;
	}
}

/* A bound as the file would write it: "64K", "1d", "65535". */
static void
fmt_bound(char *buf, size_t len, enum yk_type t, uint64_t v)
{
	static const struct { uint64_t mul; char c; } sz[] = {
		{ GIB, 'G' }, { MIB, 'M' }, { KIB, 'K' },
	}, du[] = {
		{ DAY, 'd' }, { HOUR, 'h' }, { MINUTE, 'm' }, { 1, 's' },
	};
	size_t	i;

	if (v != 0 && t == YK_SIZE)
		for (i = 0; i < NITEMS(sz); i++)
			if (v % sz[i].mul == 0) {
				snprintf(buf, len, "%" PRIu64 "%c",
				    v / sz[i].mul, sz[i].c);
				return;
			}
	if (v != 0 && t == YK_DURATION)
		for (i = 0; i < NITEMS(du); i++)
			if (v % du[i].mul == 0) {
				snprintf(buf, len, "%" PRIu64 "%c",
				    v / du[i].mul, du[i].c);
				return;
			}
	snprintf(buf, len, "%" PRIu64, v);
}

/* Decimal digits only: no sign, no base prefix, no suffix. */
static int
parse_uint(const char *s, uint64_t *out)
{
	char			*end;
	unsigned long long	 v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

/* --- the keys that are not one plain value -------------------------------- */

static int
y_floor(struct yp *p, const struct yk *k, void *obj)
{
	struct config	*c = obj;
	const char	*s;
	size_t		 len;

	(void)k;
	/* Unquoted 1.2 is a YAML float; its text is what we want. */
	if ((s = yp_scalar(p, "a TLS version", &len)) == NULL)
		return -1;
	if (config_parse_floor(s, &c->floor) != 0)
		return yp_err(p, &p->ev.start_mark, "%s is not a TLS version "
		    "(1.0, 1.1, 1.2 or 1.3)", yp_quote(p, s, len));
	return 0;
}

/* An octal mode mask, "077" or 077 (YAML 1.2 reads that as 77: the
 * digits are taken as octal either way). */
static int
y_umask(struct yp *p, const struct yk *k, void *obj)
{
	struct config	*c = obj;
	const char	*s;
	size_t		 len, i;
	unsigned	 v = 0;

	(void)k;
	if ((s = yp_scalar(p, "an octal file mode mask", &len)) == NULL)
		return -1;
	if (len > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) {
		s += 2;			/* YAML 1.2's 0o077 */
		len -= 2;
	}
	for (i = 0; i < len && s[i] >= '0' && s[i] <= '7' && v <= 0777; i++)
		v = v * 8 + (unsigned)(s[i] - '0');
	if (len == 0 || i < len || v > 0777)
		return yp_err(p, &p->ev.start_mark, "%s is not a file mode "
		    "mask (octal, 000 to 777, such as 077)",
		    yp_quote(p, s, len));
	c->umask = v;
	return 0;
}

static int
y_interfaces(struct yp *p, const struct yk *k, void *obj)
{
	struct config	*c = obj;
	size_t		 i;

	(void)k;
	for (i = 0; i < c->ninterfaces; i++)
		free(c->interfaces[i]);
	free(c->interfaces);
	c->interfaces = NULL;
	c->ninterfaces = 0;
	return yp_list(p, CONFIG_MAX_IFACES, item_iface, c);
}

static int
item_iface(struct yp *p, size_t idx, void *ctx)
{
	struct config	*c = ctx;
	const char	*s;
	char		**n;
	size_t		 len, i;

	(void)idx;
	if ((s = yp_scalar(p, "an interface name", &len)) == NULL)
		return -1;
	if (!valid_iface(s))
		return yp_err(p, &p->ev.start_mark,
		    "%s is not an interface name", yp_quote(p, s, len));
	for (i = 0; i < c->ninterfaces; i++)
		if (strcmp(c->interfaces[i], s) == 0)
			return yp_err(p, &p->ev.start_mark,
			    "%s is listed twice", yp_quote(p, s, len));
	if ((n = realloc(c->interfaces, (c->ninterfaces + 1) *
	    sizeof(*n))) == NULL)
		return yp_err(p, &p->ev.start_mark, "out of memory");
	c->interfaces = n;
	if ((n[c->ninterfaces] = strdup(s)) == NULL)
		return yp_err(p, &p->ev.start_mark, "out of memory");
	c->ninterfaces++;
	return 0;
}

/* ports.PROTO.MODE: replaces that one list; post_ports() checks across. */
static int
y_ports(struct yp *p, const struct yk *k, void *obj)
{
	struct config	*c = obj;
	int		 proto = k->arg / CONFIG_PORT_NMODES;
	int		 mode = k->arg % CONFIG_PORT_NMODES;

	c->ports[proto][mode].n = 0;
	p->pgiven[proto][mode] = true;
	return yp_list(p, CONFIG_MAX_PORTS, item_port,
	    (void *)&c->ports[proto][mode]);
}

static int
item_port(struct yp *p, size_t i, void *ctx)
{
	static const struct yk	 portk = K_NUM("port", YK_UINT,
				    .width = 2, 1, 65535);
	struct config_ports	*l = ctx;
	struct ymark		*m;
	size_t			 row;

	if (yp_number(p, &portk, &l->port[i]) != 0)
		return -1;
	row = (size_t)(l - &p->c->ports[0][0]);
	m = &p->pmark[row / CONFIG_PORT_NMODES][row % CONFIG_PORT_NMODES][i];
	m->line = (uint32_t)p->ev.start_mark.line + 1;
	m->col = (uint32_t)p->ev.start_mark.column + 1;
	l->n = i + 1;
	return 0;
}

/*
 * No port twice, across all the lists.  The entry reported is the later
 * one in the file; a list the file did not give keeps its defaults, which
 * count as earlier than anything in the file.
 */
static int
post_ports(struct yp *p, void *obj, const yaml_mark_t *start)
{
	static const char *const pname[] = { "", "pop3", "imap", "smtp" };
	static const char *const mname[] = { "starttls", "implicit" };
	struct config		*c = obj;
	const struct ymark	*ma, *mb, *best = NULL;
	size_t			 pa, a, ia, pb, b, ib;
	char			 other[64];
	uint16_t		 port = 0;
	yaml_mark_t		 ym;

	(void)start;
	for (pa = 1; pa < CONFIG_NPROTO; pa++)
	    for (a = 0; a < CONFIG_PORT_NMODES; a++)
		for (ia = 0; p->pgiven[pa][a] && ia < c->ports[pa][a].n; ia++)
		    for (pb = 1; pb < CONFIG_NPROTO; pb++)
			for (b = 0; b < CONFIG_PORT_NMODES; b++)
			    for (ib = 0; ib < c->ports[pb][b].n; ib++) {
				if ((pa == pb && a == b && ia == ib) ||
				    c->ports[pa][a].port[ia] !=
				    c->ports[pb][b].port[ib])
					continue;
				ma = &p->pmark[pa][a][ia];
				mb = &p->pmark[pb][b][ib];
				if (p->pgiven[pb][b] && (mb->line > ma->line ||
				    (mb->line == ma->line &&
				    mb->col > ma->col)))
					continue;	/* b is the later */
				if (best != NULL && (best->line < ma->line ||
				    (best->line == ma->line &&
				    best->col < ma->col)))
					continue;	/* found earlier */
				best = ma;
				port = c->ports[pa][a].port[ia];
				snprintf(p->path, sizeof(p->path),
				    "ports.%s.%s[%zu]", pname[pa], mname[a],
				    ia);
				if (p->pgiven[pb][b])
					snprintf(other, sizeof(other),
					    "ports.%s.%s[%zu] (line %u)",
					    pname[pb], mname[b], ib, mb->line);
				else
					snprintf(other, sizeof(other),
					    "the default ports.%s.%s",
					    pname[pb], mname[b]);
			    }
	if (best != NULL) {
		memset(&ym, 0, sizeof(ym));
		ym.line = best->line - 1;
		ym.column = best->col - 1;
		p->pathlen = strlen(p->path);
		return yp_err(p, &ym, "port %u is also in %s", port, other);
	}
	ports_rebuild(c);
	return 0;
}

static int
y_events(struct yp *p, const struct yk *k, void *obj)
{
	struct config	*c = obj;

	(void)k;
	c->json_events = 0;
	return yp_list(p, NITEMS(event_names) - 1, item_event, c);
}

static int
item_event(struct yp *p, size_t i, void *ctx)
{
	static const struct yk	 evk = K_ENUM("event", .width = 4,
				    event_names, 0);
	struct config		*c = ctx;
	uint32_t		 bit = 0;

	(void)i;
	if (yp_enum(p, &evk, &bit) != 0)
		return -1;
	if (c->json_events & bit)
		return yp_err(p, &p->ev.start_mark, "%s is listed twice",
		    yp_quote(p, (const char *)p->ev.data.scalar.value,
		    p->ev.data.scalar.length));
	c->json_events |= bit;
	return 0;
}

static int
post_outputs(struct yp *p, void *obj, const yaml_mark_t *start)
{
	struct config	*c = obj;

	/* Two sinks appending to one file interleave into garbage. */
	if (c->json_enabled && c->text_enabled &&
	    strcmp(c->json_path, c->text_path) == 0)
		return yp_err(p, start, "json and text both write to %s; "
		    "give them different paths or disable one",
		    strcmp(c->json_path, "-") == 0 ? "standard output" :
		    yp_quote(p, c->json_path, strlen(c->json_path)));
	return 0;
}

static int
y_remotes(struct yp *p, const struct yk *k, void *obj)
{
	struct config	*c = obj;
	size_t		 i;

	(void)k;
	for (i = 0; i < c->nremotes; i++)
		config_remote_free(&c->remotes[i]);
	free(c->remotes);
	c->remotes = NULL;
	c->nremotes = 0;
	return yp_list(p, CONFIG_MAX_REMOTES, item_remote, c);
}

static int
item_remote(struct yp *p, size_t i, void *ctx)
{
	struct config		*c = ctx;
	struct config_remote	*r;

	if ((r = realloc(c->remotes, (i + 1) * sizeof(*r))) == NULL)
		return yp_err(p, &p->ev.start_mark, "out of memory");
	c->remotes = r;
	r = &c->remotes[i];
	memset(r, 0, sizeof(*r));
	c->nremotes = i + 1;		/* config_free() frees what is set */
	r->port = 0;			/* post_remote(): by transport */
	r->transport = CONFIG_TRANSPORT_UDP;
	r->format = CONFIG_RFORMAT_RFC5424;
	r->queue = 10000;
	return yp_section(p, &remote_sec, r, false);
}

/* Defaults that depend on the transport, and keys that need another. */
static int
post_remote(struct yp *p, void *obj, const yaml_mark_t *start)
{
	struct config_remote	*r = obj;
	bool			 tls = r->transport == CONFIG_TRANSPORT_TLS;

	if (r->port == 0)	/* RFC 5426, 6587 and 5425 ports; RELP has
				 * none assigned, 2514 is rsyslog's usage */
		r->port = tls ? 6514 : r->transport ==
		    CONFIG_TRANSPORT_RELP ? 2514 : 514;
	if (r->max_message_size == 0)
		r->max_message_size = r->transport == CONFIG_TRANSPORT_UDP ?
		    CONFIG_MSG_UDP_DEFAULT : CONFIG_MSG_TCP_DEFAULT;
	if (r->transport == CONFIG_TRANSPORT_UDP &&
	    r->max_message_size > CONFIG_MSG_UDP_MAX)
		return yp_err(p, start, "max_message_size %u is more than "
		    "one UDP datagram carries (at most %u)",
		    r->max_message_size, CONFIG_MSG_UDP_MAX);
	if (r->sd_id != NULL && !valid_sd_id(r->sd_id))
		return yp_err(p, start, "sd_id %s: want NAME@NUMBER (RFC 5424 "
		    "6.3.2: printable ASCII without '=', ']', '\"' or space, "
		    "your private enterprise number after the '@')",
		    yp_quote(p, r->sd_id, strlen(r->sd_id)));
	if (!tls && (r->ca_file != NULL || r->server_name != NULL ||
	    r->cert_file != NULL || r->key_file != NULL))
		return yp_err(p, start, "ca_file, server_name, cert_file and "
		    "key_file are for transport: tls");
	if ((r->cert_file == NULL) != (r->key_file == NULL))
		return yp_err(p, start, "cert_file and key_file go together");
	return 0;
}

/* NAME@DIGITS, RFC 5424 6.3.2 SD-NAME characters, at most 32. */
static bool
valid_sd_id(const char *s)
{
	const char	*at = strchr(s, '@');
	size_t		 i;

	if (at == NULL || at == s || at[1] == '\0' ||
	    strlen(s) > CONFIG_SD_ID_MAX)
		return false;
	for (i = 0; s[i] != '\0'; i++)
		if (s[i] <= 32 || s[i] >= 127 || s[i] == '=' || s[i] == ']' ||
		    s[i] == '"' || (s[i] == '@' && s + i != at))
			return false;
	for (i = 1; at[i] != '\0'; i++)
		if (at[i] < '0' || at[i] > '9')
			return false;
	return true;
}

void
config_remote_free(struct config_remote *r)
{
	free(r->host);
	free(r->sd_id);
	free(r->ca_file);
	free(r->server_name);
	free(r->cert_file);
	free(r->key_file);
}

/* dpi.skip_ports: in the file replaces the shipped list. */
static int
y_skip_ports(struct yp *p, const struct yk *k, void *obj)
{
	struct config	*c = obj;

	(void)k;
	c->ndpi_skip = 0;
	return yp_list(p, CONFIG_MAX_PORTS, item_skip_port, c);
}

static int
item_skip_port(struct yp *p, size_t i, void *ctx)
{
	static const struct yk	 portk = K_NUM("port", YK_UINT,
				    .width = 2, 1, 65535);
	struct config		*c = ctx;

	if (yp_number(p, &portk, &c->dpi_skip[i]) != 0)
		return -1;
	c->ndpi_skip = i + 1;
	return 0;
}

static void
endpoints_free(struct config *c)
{
	size_t	i;

	for (i = 0; i < c->nendpoints; i++) {
		free(c->endpoints[i].name);
		free(c->endpoints[i].label);
	}
	free(c->endpoints);
	c->endpoints = NULL;
	c->nendpoints = 0;
}

/* endpoints: in the file replaces the shipped list. */
static int
y_endpoints(struct yp *p, const struct yk *k, void *obj)
{
	struct config	*c = obj;

	(void)k;
	endpoints_free(c);
	return yp_list(p, CONFIG_MAX_ENDPOINTS, item_endpoint, c);
}

static int
item_endpoint(struct yp *p, size_t i, void *ctx)
{
	struct config		*c = ctx;
	struct config_endpoint	*e;

	if ((e = realloc(c->endpoints, (i + 1) * sizeof(*e))) == NULL)
		return yp_err(p, &p->ev.start_mark, "out of memory");
	c->endpoints = e;
	e = &c->endpoints[i];
	memset(e, 0, sizeof(*e));
	c->nendpoints = i + 1;		/* config_free() frees what is set */
	return yp_section(p, &endpoint_sec, e, false);
}

/* A host name, or "*." and a domain; stored in lower case. */
static int
post_endpoint(struct yp *p, void *obj, const yaml_mark_t *start)
{
	struct config_endpoint	*e = obj;
	char			*n = e->name;
	size_t			 i;

	for (i = 0; n[i] != '\0'; i++)
		if (n[i] >= 'A' && n[i] <= 'Z')
			n[i] = (char)(n[i] - 'A' + 'a');
	if (!valid_host(strncmp(n, "*.", 2) == 0 ? n + 2 : n))
		return yp_err(p, start, "name: %s is not a host name (or "
		    "*.domain)", yp_quote(p, n, strlen(n)));
	return 0;
}

/*
 * The label of the first endpoints entry naming this server: the exact
 * name, or "*.domain" for any name under domain.  NULL when none.
 */
const char *
config_endpoint_label(const struct config *c, const char *name)
{
	size_t	i, nl = strlen(name), dl;

	for (i = 0; i < c->nendpoints; i++) {
		const char *en = c->endpoints[i].name;

		if (strncmp(en, "*.", 2) == 0) {
			dl = strlen(en + 1);		/* ".domain" */
			if (nl > dl && strcasecmp(name + nl - dl, en + 1) == 0)
				return c->endpoints[i].label;
		} else if (strcasecmp(name, en) == 0)
			return c->endpoints[i].label;
	}
	return NULL;
}

static int
y_exceptions(struct yp *p, const struct yk *k, void *obj)
{
	struct config	*c = obj;
	size_t		 i;

	(void)k;
	for (i = 0; i < c->nexceptions; i++) {
		free(c->exceptions[i].owner);
		free(c->exceptions[i].ticket);
		free(c->exceptions[i].note);
	}
	free(c->exceptions);
	c->exceptions = NULL;
	c->nexceptions = 0;
	p->exc_cap = 0;
	return yp_list(p, CONFIG_MAX_EXCEPTIONS, item_exception, c);
}

static int
item_exception(struct yp *p, size_t i, void *ctx)
{
	struct config		*c = ctx;
	struct config_exception	*e;
	size_t			 cap;

	if (i == p->exc_cap) {
		cap = p->exc_cap == 0 ? 8 : p->exc_cap * 2;
		if ((e = realloc(c->exceptions, cap * sizeof(*e))) == NULL)
			return yp_err(p, &p->ev.start_mark, "out of memory");
		c->exceptions = e;
		p->exc_cap = cap;
	}
	e = &c->exceptions[i];
	memset(e, 0, sizeof(*e));
	c->nexceptions = i + 1;		/* config_free() frees what is set */
	e->line = (uint32_t)p->ev.start_mark.line + 1;
	return yp_section(p, &exception_sec, e, false);
}

static int
post_exception(struct yp *p, void *obj, const yaml_mark_t *start)
{
	struct config_exception	*e = obj;

	if (e->server.family != 0 && e->server.family != e->client.family)
		return yp_err(p, start, "client is IPv%u but server is IPv%u: "
		    "the entry can never match", e->client.family,
		    e->server.family);
	return 0;
}

/* exceptions[].client / .server: an address or a CIDR block. */
static int
y_net(struct yp *p, const struct yk *k, void *obj)
{
	struct config_net	*n = (void *)((char *)obj + k->off);
	const char		*s;
	char			 why[128];
	size_t			 len;

	if ((k->flags & YK_NULLABLE) && yp_is_null(p)) {
		memset(n, 0, sizeof(*n));
		return 0;
	}
	if ((s = yp_scalar(p, "an address or CIDR", &len)) == NULL)
		return -1;
	if (parse_net(s, n, why, sizeof(why)) != 0)
		return yp_err(p, &p->ev.start_mark, "%s %s",
		    yp_quote(p, s, len), why);
	return 0;
}

static int
y_expires(struct yp *p, const struct yk *k, void *obj)
{
	struct config_exception	*e = obj;
	const char		*s;
	size_t			 len;

	(void)k;
	if ((s = yp_scalar(p, "a date (YYYY-MM-DD)", &len)) == NULL)
		return -1;
	if (parse_date(s, &e->expires_days) != 0)
		return yp_err(p, &p->ev.start_mark,
		    "%s is not a date (YYYY-MM-DD)", yp_quote(p, s, len));
	memcpy(e->expires, s, 10);
	e->expires[10] = '\0';
	return 0;
}

/* --- value syntax --------------------------------------------------------- */

/*
 * "192.0.2.1", "10.1.4.0/24", "2001:db8::/32".  Host bits past the prefix
 * are refused: "10.1.4.5/24" is a typo for either a host or a network, and
 * guessing which would silence the wrong clients.  On error, why says what
 * is wrong (the text follows the quoted value).
 */
static int
parse_net(const char *s, struct config_net *n, char *why, size_t whylen)
{
	char		 a[INET6_ADDRSTRLEN + 8], net[INET6_ADDRSTRLEN];
	const char	*slash;
	uint64_t	 prefix;
	size_t		 alen, i, max;
	uint8_t		 addr[16] = { 0 }, mask;
	int		 family;

	slash = strchr(s, '/');
	alen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	if (alen >= sizeof(a))
		goto bad;
	memcpy(a, s, alen);
	a[alen] = '\0';
	if (inet_pton(AF_INET, a, addr) == 1) {
		family = 4;
		max = 32;
	} else if (inet_pton(AF_INET6, a, addr) == 1) {
		family = 6;
		max = 128;
	} else
		goto bad;
	prefix = max;
	if (slash != NULL && (parse_uint(slash + 1, &prefix) != 0 ||
	    (slash[1] == '0' && slash[2] != '\0') || prefix > max)) {
		snprintf(why, whylen, "has a bad prefix length (0..%zu)", max);
		return -1;
	}
	memset(n, 0, sizeof(*n));
	n->family = (uint8_t)family;
	n->prefix = (uint8_t)prefix;
	memcpy(n->addr, addr, sizeof(addr));
	for (i = prefix / 8; i < 16; i++) {
		mask = i == prefix / 8 && prefix % 8 != 0 ?
		    (uint8_t)(0xff << (8 - prefix % 8)) : 0;
		n->addr[i] &= mask;
	}
	if (memcmp(n->addr, addr, sizeof(addr)) != 0) {
		inet_ntop(family == 4 ? AF_INET : AF_INET6, n->addr, net,
		    sizeof(net));
		snprintf(why, whylen, "has host bits set past /%u; "
		    "the network is %s/%u", n->prefix, net, n->prefix);
		return -1;
	}
	return 0;
bad:
	snprintf(why, whylen, "is not an IPv4 or IPv6 address or CIDR");
	return -1;
}

/* "YYYY-MM-DD", a real calendar day from 1970 on, to days since epoch. */
static int
parse_date(const char *s, int32_t *days)
{
	static const unsigned mdays[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};
	unsigned	 y, m, d, i, dim;

	for (i = 0; i < 10; i++)
		if ((i == 4 || i == 7) ? s[i] != '-' :
		    (s[i] < '0' || s[i] > '9'))
			return -1;
	if (s[10] != '\0')
		return -1;
	y = (unsigned)((s[0] - '0') * 1000 + (s[1] - '0') * 100 +
	    (s[2] - '0') * 10 + (s[3] - '0'));
	m = (unsigned)((s[5] - '0') * 10 + (s[6] - '0'));
	d = (unsigned)((s[8] - '0') * 10 + (s[9] - '0'));
	if (y < 1970 || m < 1 || m > 12 || d < 1)
		return -1;
	dim = mdays[m - 1];
	if (m == 2 && (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		dim = 29;
	if (d > dim)
		return -1;
	*days = days_from_civil((int)y, m, d);
	return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil); y >= 1970 here. */
static int32_t
days_from_civil(int y, unsigned m, unsigned d)
{
	int		 era;
	unsigned	 yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + (int)doe - 719468);
}

/* A user or group name as useradd(8) takes it, or a numeric id. */
static bool
valid_name(const char *s)
{
	size_t	i;

	if (s[0] == '-')
		return false;
	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return false;
	return true;
}

/*
 * An IPv4 or IPv6 address, or a host name (RFC 1123 labels, underscores
 * tolerated).  A name whose last label is all digits is a mistyped IPv4
 * address ("192.0.2.300"), not a name.
 */
static bool
valid_host(const char *s)
{
	uint8_t		 addr[16];
	size_t		 i, label = 0, len = strlen(s);
	bool		 digits = true;

	if (strchr(s, ':') != NULL)
		return inet_pton(AF_INET6, s, addr) == 1;
	if (inet_pton(AF_INET, s, addr) == 1)
		return true;
	if (len > 0 && s[len - 1] == '.')
		len--;			/* a fully qualified name */
	if (len == 0 || len > 253)
		return false;
	for (i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			if (label == 0 || label > 63 || s[i - 1] == '-')
				return false;
			if (i == len && digits)
				return false;
			label = 0;
			digits = true;
			continue;
		}
		if (label == 0 && s[i] == '-')
			return false;
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
		    s[i] == '_'))
			return false;
		if (s[i] < '0' || s[i] > '9')
			digits = false;
		label++;
	}
	return true;
}

/* What libpcap takes as a device name: printable, no blank or slash. */
static bool
valid_iface(const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++)
		if (s[i] <= ' ' || s[i] >= 0x7f || s[i] == '/')
			return false;
	return i > 0 && i < 64;
}

/* --- messages ------------------------------------------------------------- */

static void
yp_push(struct yp *p, const char *name)
{
	int	n;

	n = snprintf(p->path + p->pathlen, sizeof(p->path) - p->pathlen,
	    "%s%s", p->pathlen > 0 ? "." : "", name);
	if (n > 0)
		p->pathlen += (size_t)n;
	if (p->pathlen >= sizeof(p->path))
		p->pathlen = sizeof(p->path) - 1;
}

static void
yp_push_index(struct yp *p, size_t i)
{
	int	n;

	n = snprintf(p->path + p->pathlen, sizeof(p->path) - p->pathlen,
	    "[%zu]", i);
	if (n > 0)
		p->pathlen += (size_t)n;
	if (p->pathlen >= sizeof(p->path))
		p->pathlen = sizeof(p->path) - 1;
}

/*
 * s for a message: in double quotes, bytes outside printable ASCII as
 * \xNN (a file's bytes never reach a terminal raw), cut after 40 bytes.
 * The result lives in p->qbuf until the next call.
 */
static const char *
yp_quote(struct yp *p, const char *s, size_t len)
{
	char		*q = p->qbuf;
	size_t		 o = 0, i;
	unsigned char	 ch;

	q[o++] = '"';
	for (i = 0; i < len && i < 40; i++) {
		ch = (unsigned char)s[i];
		if (ch == '"' || ch == '\\') {
			q[o++] = '\\';
			q[o++] = (char)ch;
		} else if (ch < 0x20 || ch >= 0x7f)
			o += (size_t)snprintf(q + o, sizeof(p->qbuf) - o,
			    "\\x%02x", ch);
		else
			q[o++] = (char)ch;
	}
	if (len > 40) {
		memcpy(q + o, "...", 3);
		o += 3;
	}
	q[o++] = '"';
	q[o] = '\0';
	return q;
}

/* "FILE:LINE:COLUMN: KEY.PATH: message" into the caller's buffer; only the
 * first error of a load is kept.  Returns -1. */
static int
yp_err(struct yp *p, const yaml_mark_t *m, const char *fmt, ...)
{
	va_list	ap;
	char	msg[768];

	if (p->failed || p->err == NULL || p->errlen == 0) {
		p->failed = true;
		return -1;
	}
	p->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%zu:%zu: %s%s%s", p->file,
	    m->line + 1, m->column + 1, p->path, p->pathlen > 0 ? ": " : "",
	    msg);
	return -1;
}

/*
 * libyaml's own complaint.  A reader error (bytes that are not UTF-8, a
 * control character) comes with a byte offset only: the line and column
 * are counted here, columns in characters as libyaml counts them.
 */
static int
yp_parser_err(struct yp *p)
{
	const yaml_parser_t	*y = &p->parser;
	yaml_mark_t		 m;
	char			 ctx[160] = "";
	size_t			 i;

	/* Where the parse stopped is no key of ours. */
	p->pathlen = 0;
	p->path[0] = '\0';
	switch (y->error) {
	case YAML_READER_ERROR:
		memset(&m, 0, sizeof(m));
		for (i = 0; i < y->problem_offset && i < p->len; i++) {
			if (p->buf[i] == '\n') {
				m.line++;
				m.column = 0;
			} else if ((p->buf[i] & 0xc0) != 0x80)
				m.column++;
		}
		if (y->problem_value != -1)
			return yp_err(p, &m, "%s (0x%02x)", y->problem,
			    (unsigned)y->problem_value);
		return yp_err(p, &m, "%s", y->problem);
	case YAML_SCANNER_ERROR:
	case YAML_PARSER_ERROR:
		if (y->context != NULL)
			snprintf(ctx, sizeof(ctx), " (%s at line %zu, "
			    "column %zu)", y->context, y->context_mark.line + 1,
			    y->context_mark.column + 1);
		return yp_err(p, &y->problem_mark, "%s%s",
		    y->problem != NULL ? y->problem : "syntax error", ctx);
	default:
		memset(&m, 0, sizeof(m));
		if (p->err != NULL && p->errlen > 0 && !p->failed)
			snprintf(p->err, p->errlen, "%s: %s", p->file,
			    y->problem != NULL ? y->problem : "out of memory");
		p->failed = true;
		return -1;
	}
}

static _Thread_local const struct config *active_cfg;

const struct config *
config_active(void)
{
	return active_cfg;
}

void
config_set_active(const struct config *c)
{
	active_cfg = c;
}
