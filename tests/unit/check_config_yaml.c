/*
 * check_config_yaml.c -- config.c: config_load() and the YAML file.
 *
 * The shipped conf/tlsfloor.yaml must load and equal config_default();
 * every key is accepted; every kind of error is refused with its exact
 * "FILE:LINE:COLUMN: KEY.PATH: message"; hostile files (alias bombs, a
 * 10 MB line, deep nesting, bytes that are not UTF-8) are refused at once;
 * exceptions match on their CIDR edges, server, protocol and expiry day.
 *
 * Each test writes its YAML to a temporary file, loads it and removes it.
 * The shipped file is read as conf/tlsfloor.yaml from the directory the
 * tests run in (the top of the tree, as make runs them).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"

Suite	*config_yaml_suite(void);

#define SHIPPED_CONF	"conf/tlsfloor.yaml"

static char	tmp_path[64];
static char	err[1024];

/* Write len bytes of YAML to a fresh temporary file; returns its name. */
static const char *
write_yaml(const void *text, size_t len)
{
	const char	*p = text;
	ssize_t		 n;
	int		 fd;

	snprintf(tmp_path, sizeof(tmp_path), "/tmp/tlsfloor-cfg-XXXXXX");
	fd = mkstemp(tmp_path);
	ck_assert_int_ne(fd, -1);
	while (len > 0) {
		n = write(fd, p, len);
		ck_assert_int_gt(n, 0);
		p += n;
		len -= (size_t)n;
	}
	ck_assert_int_eq(close(fd), 0);
	return tmp_path;
}

/* config_load() of these bytes; err holds the message on failure. */
static struct config *
load_bytes(const void *text, size_t len)
{
	struct config	*c;
	const char	*path = write_yaml(text, len);

	err[0] = '\0';
	c = config_load(path, err, sizeof(err));
	unlink(path);
	if (c == NULL)
		ck_assert_msg(err[0] != '\0', "no message for a refused file");
	else
		ck_assert_msg(err[0] == '\0', "message for a loaded file");
	return c;
}

static struct config *
load_ok(const char *yaml)
{
	struct config	*c = load_bytes(yaml, strlen(yaml));

	ck_assert_msg(c != NULL, "refused: %s", err);
	return c;
}

/* The load fails with exactly "TMPFILE:" want. */
static void
expect_err_bytes(const void *yaml, size_t len, const char *want)
{
	char	full[1024];

	ck_assert_ptr_null(load_bytes(yaml, len));
	snprintf(full, sizeof(full), "%s:%s", tmp_path, want);
	ck_assert_str_eq(err, full);
}

static void
expect_err(const char *yaml, const char *want)
{
	expect_err_bytes(yaml, strlen(yaml), want);
}

static void
assert_same_net(const struct config_net *a, const struct config_net *b)
{
	ck_assert_uint_eq(a->family, b->family);
	ck_assert_uint_eq(a->prefix, b->prefix);
	ck_assert_mem_eq(a->addr, b->addr, sizeof(a->addr));
}

static void
assert_same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		ck_assert_ptr_eq(a, b);
	else
		ck_assert_str_eq(a, b);
}

/* Every field of two configs, one assertion each (so a failure names it). */
static void
assert_same_config(const struct config *a, const struct config *b)
{
	size_t	i, p, m;

	ck_assert_uint_eq(a->floor, b->floor);
	ck_assert_int_eq(a->scope, b->scope);
	ck_assert_int_eq(a->out_flush, b->out_flush);
	ck_assert_uint_eq(a->max_flows, b->max_flows);
	ck_assert_uint_eq(a->idle_timeout, b->idle_timeout);
	ck_assert_uint_eq(a->linger, b->linger);
	ck_assert_uint_eq(a->memcap, b->memcap);
	ck_assert_uint_eq(a->stream_buf, b->stream_buf);
	ck_assert_uint_eq(a->plain_depth, b->plain_depth);
	ck_assert_mem_eq(a->port_map, b->port_map, sizeof(a->port_map));
	for (p = 1; p < CONFIG_NPROTO; p++)
		for (m = 0; m < CONFIG_PORT_NMODES; m++) {
			ck_assert_uint_eq(a->ports[p][m].n, b->ports[p][m].n);
			ck_assert_mem_eq(a->ports[p][m].port,
			    b->ports[p][m].port,
			    a->ports[p][m].n * sizeof(uint16_t));
		}
	ck_assert_uint_eq(a->ninterfaces, b->ninterfaces);
	for (i = 0; i < a->ninterfaces; i++)
		ck_assert_str_eq(a->interfaces[i], b->interfaces[i]);
	assert_same_str(a->bpf, b->bpf);
	ck_assert_uint_eq(a->snaplen, b->snaplen);
	ck_assert_int_eq(a->promiscuous, b->promiscuous);
	ck_assert_uint_eq(a->buffer_size, b->buffer_size);
	ck_assert_int_eq(a->immediate, b->immediate);
	ck_assert_uint_eq(a->drop_warn_percent, b->drop_warn_percent);
	ck_assert_uint_eq(a->workers, b->workers);
	ck_assert_int_eq(a->dpi_enabled, b->dpi_enabled);
	ck_assert_uint_eq(a->dpi_packets, b->dpi_packets);
	ck_assert_int_eq(a->json_enabled, b->json_enabled);
	assert_same_str(a->json_path, b->json_path);
	ck_assert_uint_eq(a->json_events, b->json_events);
	ck_assert_int_eq(a->text_enabled, b->text_enabled);
	assert_same_str(a->text_path, b->text_path);
	ck_assert_int_eq(a->syslog_enabled, b->syslog_enabled);
	ck_assert_int_eq(a->syslog_facility, b->syslog_facility);
	assert_same_str(a->syslog_ident, b->syslog_ident);
	ck_assert_int_eq(a->syslog_ok, b->syslog_ok);
	ck_assert_uint_eq(a->nremotes, b->nremotes);
	for (i = 0; i < a->nremotes; i++) {
		ck_assert_str_eq(a->remotes[i].host, b->remotes[i].host);
		ck_assert_uint_eq(a->remotes[i].port, b->remotes[i].port);
		ck_assert_int_eq(a->remotes[i].transport,
		    b->remotes[i].transport);
		ck_assert_int_eq(a->remotes[i].format, b->remotes[i].format);
		ck_assert_uint_eq(a->remotes[i].queue, b->remotes[i].queue);
	}
	ck_assert_uint_eq(a->dedup_window, b->dedup_window);
	ck_assert_int_eq(a->session_events_ok, b->session_events_ok);
	ck_assert_uint_eq(a->stats_interval, b->stats_interval);
	assert_same_str(a->metrics_path, b->metrics_path);
	assert_same_str(a->inventory_path, b->inventory_path);
	ck_assert_uint_eq(a->inventory_interval, b->inventory_interval);
	ck_assert_uint_eq(a->ndpi_skip, b->ndpi_skip);
	ck_assert_mem_eq(a->dpi_skip, b->dpi_skip, a->ndpi_skip * 2);
	ck_assert_uint_eq(a->nendpoints, b->nendpoints);
	for (i = 0; i < a->nendpoints; i++) {
		ck_assert_str_eq(a->endpoints[i].name, b->endpoints[i].name);
		ck_assert_str_eq(a->endpoints[i].label,
		    b->endpoints[i].label);
	}
	ck_assert_uint_eq(a->nexceptions, b->nexceptions);
	for (i = 0; i < a->nexceptions; i++) {
		assert_same_net(&a->exceptions[i].client,
		    &b->exceptions[i].client);
		assert_same_net(&a->exceptions[i].server,
		    &b->exceptions[i].server);
		ck_assert_uint_eq(a->exceptions[i].proto,
		    b->exceptions[i].proto);
		ck_assert_int_eq(a->exceptions[i].expires_days,
		    b->exceptions[i].expires_days);
		ck_assert_str_eq(a->exceptions[i].expires,
		    b->exceptions[i].expires);
		assert_same_str(a->exceptions[i].owner, b->exceptions[i].owner);
		assert_same_str(a->exceptions[i].ticket,
		    b->exceptions[i].ticket);
		assert_same_str(a->exceptions[i].note, b->exceptions[i].note);
	}
	assert_same_str(a->user, b->user);
	assert_same_str(a->group, b->group);
	assert_same_str(a->pidfile, b->pidfile);
	assert_same_str(a->chroot_dir, b->chroot_dir);
	ck_assert_int_eq(a->allow_root, b->allow_root);
}

/* --- the shipped file and the defaults ------------------------------------ */

START_TEST(test_shipped_is_default)
{
	struct config	*def, *c;

	def = config_default();
	ck_assert_ptr_nonnull(def);
	c = config_load(SHIPPED_CONF, err, sizeof(err));
	ck_assert_msg(c != NULL, "%s (run from the top of the tree)", err);
	assert_same_config(c, def);
	config_free(c);
	config_free(def);
}
END_TEST

START_TEST(test_empty_mapping_is_default)
{
	struct config	*def, *c;

	def = config_default();
	c = load_ok("{}\n");
	assert_same_config(c, def);
	config_free(c);
	/* Empty sections keep their defaults; null lists are empty. */
	c = load_ok("capture:\nports:\n  imap:\noutputs:\n  json:\n"
	    "exceptions:\ndaemon: ~\n");
	assert_same_config(c, def);
	config_free(c);
	/* A directive, document markers and a BOM change nothing. */
	c = load_ok("%YAML 1.1\n---\nfloor: \"1.2\"\n...\n");
	assert_same_config(c, def);
	config_free(c);
	c = load_ok("\xef\xbb\xbf" "floor: \"1.2\"\n");
	assert_same_config(c, def);
	config_free(c);
	config_free(def);
}
END_TEST

START_TEST(test_default_values)
{
	struct config	*c = config_default();

	/* What conf/tlsfloor.yaml says, spelled out once more. */
	ck_assert_uint_eq(c->snaplen, 65535);
	ck_assert(c->promiscuous);
	ck_assert_uint_eq(c->buffer_size, 32u << 20);
	ck_assert(!c->immediate);
	ck_assert_uint_eq(c->drop_warn_percent, 1);
	ck_assert_uint_eq(c->workers, 1);
	ck_assert_ptr_null(c->bpf);
	ck_assert_uint_eq(c->ninterfaces, 0);
	ck_assert(c->dpi_enabled);
	ck_assert_uint_eq(c->dpi_packets, 10);
	ck_assert(c->json_enabled);
	ck_assert_str_eq(c->json_path, "-");
	ck_assert_uint_eq(c->json_events, CONFIG_EV_ALL);
	ck_assert(!c->text_enabled);
	ck_assert(!c->syslog_enabled);
	ck_assert_int_eq(c->syslog_facility, LOG_DAEMON);
	ck_assert_str_eq(c->syslog_ident, "tlsfloor");
	ck_assert_uint_eq(c->nremotes, 0);
	ck_assert_uint_eq(c->dedup_window, 3600);
	ck_assert_uint_eq(c->stats_interval, 300);
	ck_assert_ptr_null(c->inventory_path);
	ck_assert_uint_eq(c->inventory_interval, 900);
	ck_assert_uint_eq(c->nexceptions, 0);
	ck_assert_str_eq(c->user, "tlsfloor");
	ck_assert_str_eq(c->group, "tlsfloor");
	ck_assert_str_eq(c->pidfile, "/run/tlsfloor/tlsfloor.pid");
	ck_assert_ptr_null(c->chroot_dir);
	ck_assert(!c->allow_root);
	ck_assert_uint_eq(c->umask, 077);
	ck_assert(c->seccomp);
	ck_assert_uint_eq(c->ports[PROTO_SMTP][CONFIG_PORT_STARTTLS].n, 2);
	ck_assert_uint_eq(c->ports[PROTO_SMTP][CONFIG_PORT_STARTTLS].port[1],
	    587);
	config_free(c);
}
END_TEST

/* --- every key ------------------------------------------------------------ */

static const char every_key[] =
    "floor: \"1.3\"\n"
    "scope: all_tls\n"
    "capture:\n"
    "  interfaces: [eth1, eth2]\n"
    "  bpf: \"tcp port 143\"\n"
    "  snaplen: 1500\n"
    "  promiscuous: false\n"
    "  buffer_size: 64M\n"
    "  immediate: true\n"
    "  drop_warn_percent: 5\n"
    "  workers: 4\n"
    "ports:\n"
    "  pop3: { starttls: [10110], implicit: [10995] }\n"
    "  imap: { starttls: [143, 10143], implicit: [] }\n"
    "  smtp: { starttls: [25], implicit: [465, 2465] }\n"
    "dpi:\n"
    "  enabled: false\n"
    "  packets: 20\n"
    "  skip_ports: [443, 8443]\n"
    "limits:\n"
    "  max_flows: 1000\n"
    "  idle_timeout: 30s\n"
    "  linger: 0\n"
    "  memcap: 1G\n"
    "  stream_buffer: 4K\n"
    "  plaintext_depth: 1k\n"
    "outputs:\n"
    "  json:\n"
    "    enabled: false\n"
    "    path: /var/log/tlsfloor/events.json\n"
    "    events: [alert, stats]\n"
    "  text:\n"
    "    enabled: true\n"
    "    path: /var/log/tlsfloor/sessions.txt\n"
    "  syslog:\n"
    "    enabled: true\n"
    "    facility: local3\n"
    "    ident: tlsfloor-dmz\n"
    "    ok: true\n"
    "  remote:\n"
    "    - host: 192.0.2.10\n"
    "    - host: siem.example.com\n"
    "      port: 6514\n"
    "      transport: tcp\n"
    "      format: cef\n"
    "      queue: 500\n"
    "    - { host: \"2001:db8::514\", transport: udp, format: rfc5424 }\n"
    "    - host: relay.example.com\n"
    "      transport: tls\n"
    "      ca_file: /etc/tlsfloor/ca.pem\n"
    "      server_name: syslog.example.com\n"
    "      cert_file: /etc/tlsfloor/client.pem\n"
    "      key_file: /etc/tlsfloor/client.key\n"
    "      max_message_size: 16k\n"
    "      sd_id: tlsfloor@64512\n"
    "alerts:\n"
    "  dedup_window: 2d\n"
    "  session_events_ok: true\n"
    "stats:\n"
    "  interval: 0\n"
    "  metrics_path: /var/lib/tlsfloor/metrics/tlsfloor.prom\n"
    "inventory:\n"
    "  path: /var/lib/tlsfloor/inventory\n"
    "  interval: 1h\n"
    "exceptions:\n"
    "  - client: 10.1.4.0/24\n"				/* line 57 */
    "    server: 10.0.0.5\n"
    "    protocol: imap\n"
    "    owner: \"Jane Doe <jane@example.com>\"\n"
    "    expires: 2026-12-31\n"
    "    ticket: CHG-1234\n"
    "    note: \"scanner in room 4, vendor fix due Q1\"\n"
    "  - client: \"2001:db8:4::/48\"\n"			/* line 64 */
    "    owner: ops\n"
    "    expires: \"2027-01-15\"\n"
    "    protocol: null\n"
    "    note: |\n"
    "      two lines\n"
    "      \tand a tab\n"
    "endpoints:\n"
    "  - name: Mail.Example.COM\n"
    "    label: our mail\n"
    "  - { name: \"*.example.net\", label: partner }\n"
    "daemon:\n"
    "  user: _tlsfloor\n"
    "  group: nogroup\n"
    "  pidfile: /var/run/tlsfloor.pid\n"
    "  chroot: /var/empty\n"
    "  allow_root: true\n";

START_TEST(test_every_key)
{
	static const uint8_t	 net10[16] = { 10, 1, 4, 0 };
	static const uint8_t	 srv[16] = { 10, 0, 0, 5 };
	static const uint8_t	 v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 4 };
	struct config		*c = load_ok(every_key);
	const struct config_exception *e;
	unsigned		 port, n = 0;

	ck_assert_uint_eq(c->floor, 0x0304);
	ck_assert_int_eq(c->scope, SCOPE_ALL_TLS);
	ck_assert_uint_eq(c->ninterfaces, 2);
	ck_assert_str_eq(c->interfaces[0], "eth1");
	ck_assert_str_eq(c->interfaces[1], "eth2");
	ck_assert_str_eq(c->bpf, "tcp port 143");
	ck_assert_uint_eq(c->snaplen, 1500);
	ck_assert(!c->promiscuous);
	ck_assert_uint_eq(c->buffer_size, 64u << 20);
	ck_assert(c->immediate);
	ck_assert_uint_eq(c->drop_warn_percent, 5);
	ck_assert_uint_eq(c->workers, 4);

	ck_assert_uint_eq(c->port_map[10110], PROTO_POP3);
	ck_assert_uint_eq(c->port_map[10995], PROTO_POP3 | PORT_IMPLICIT);
	ck_assert_uint_eq(c->port_map[143], PROTO_IMAP);
	ck_assert_uint_eq(c->port_map[10143], PROTO_IMAP);
	ck_assert_uint_eq(c->port_map[25], PROTO_SMTP);
	ck_assert_uint_eq(c->port_map[465], PROTO_SMTP | PORT_IMPLICIT);
	ck_assert_uint_eq(c->port_map[2465], PROTO_SMTP | PORT_IMPLICIT);
	for (port = 0; port < 65536; port++)
		n += c->port_map[port] != 0;
	ck_assert_uint_eq(n, 7);	/* 110, 995, 993, 587 are gone */
	ck_assert_uint_eq(c->ports[PROTO_IMAP][CONFIG_PORT_STARTTLS].n, 2);
	ck_assert_uint_eq(c->ports[PROTO_IMAP][CONFIG_PORT_STARTTLS].port[1],
	    10143);
	ck_assert_uint_eq(c->ports[PROTO_IMAP][CONFIG_PORT_IMPLICIT].n, 0);

	ck_assert(!c->dpi_enabled);
	ck_assert_uint_eq(c->dpi_packets, 20);
	ck_assert_uint_eq(c->ndpi_skip, 2);
	ck_assert_uint_eq(c->dpi_skip[1], 8443);
	ck_assert_uint_eq(c->max_flows, 1000);
	ck_assert_uint_eq(c->idle_timeout, 30);
	ck_assert_uint_eq(c->linger, 0);
	ck_assert_uint_eq(c->memcap, 1u << 30);
	ck_assert_uint_eq(c->stream_buf, 4096);
	ck_assert_uint_eq(c->plain_depth, 1024);

	ck_assert(!c->json_enabled);
	ck_assert_str_eq(c->json_path, "/var/log/tlsfloor/events.json");
	ck_assert_uint_eq(c->json_events, CONFIG_EV_ALERT | CONFIG_EV_STATS);
	ck_assert(c->text_enabled);
	ck_assert_str_eq(c->text_path, "/var/log/tlsfloor/sessions.txt");
	ck_assert(c->syslog_enabled);
	ck_assert_int_eq(c->syslog_facility, LOG_LOCAL3);
	ck_assert_str_eq(c->syslog_ident, "tlsfloor-dmz");
	ck_assert(c->syslog_ok);
	ck_assert_uint_eq(c->nremotes, 4);
	ck_assert_str_eq(c->remotes[0].host, "192.0.2.10");
	ck_assert_uint_eq(c->remotes[0].port, 514);	/* defaults */
	ck_assert_int_eq(c->remotes[0].transport, CONFIG_TRANSPORT_UDP);
	ck_assert_int_eq(c->remotes[0].format, CONFIG_RFORMAT_RFC5424);
	ck_assert_uint_eq(c->remotes[0].queue, 10000);
	ck_assert_uint_eq(c->remotes[0].max_message_size, 2048);
	ck_assert_ptr_null(c->remotes[0].sd_id);
	ck_assert_uint_eq(c->remotes[1].max_message_size, 8192);
	ck_assert_str_eq(c->remotes[3].host, "relay.example.com");
	ck_assert_uint_eq(c->remotes[3].port, 6514);	/* tls default */
	ck_assert_int_eq(c->remotes[3].transport, CONFIG_TRANSPORT_TLS);
	ck_assert_str_eq(c->remotes[3].ca_file, "/etc/tlsfloor/ca.pem");
	ck_assert_str_eq(c->remotes[3].server_name, "syslog.example.com");
	ck_assert_str_eq(c->remotes[3].cert_file, "/etc/tlsfloor/client.pem");
	ck_assert_str_eq(c->remotes[3].key_file, "/etc/tlsfloor/client.key");
	ck_assert_uint_eq(c->remotes[3].max_message_size, 16384);
	ck_assert_str_eq(c->remotes[3].sd_id, "tlsfloor@64512");
	ck_assert_str_eq(c->remotes[1].host, "siem.example.com");
	ck_assert_uint_eq(c->remotes[1].port, 6514);
	ck_assert_int_eq(c->remotes[1].transport, CONFIG_TRANSPORT_TCP);
	ck_assert_int_eq(c->remotes[1].format, CONFIG_RFORMAT_CEF);
	ck_assert_uint_eq(c->remotes[1].queue, 500);
	ck_assert_str_eq(c->remotes[2].host, "2001:db8::514");

	ck_assert_uint_eq(c->dedup_window, 2 * 86400);
	ck_assert(c->session_events_ok);
	ck_assert_uint_eq(c->stats_interval, 0);
	ck_assert_str_eq(c->metrics_path,
	    "/var/lib/tlsfloor/metrics/tlsfloor.prom");
	ck_assert_str_eq(c->inventory_path, "/var/lib/tlsfloor/inventory");
	ck_assert_uint_eq(c->inventory_interval, 3600);

	ck_assert_uint_eq(c->nexceptions, 2);
	e = &c->exceptions[0];
	ck_assert_uint_eq(e->client.family, 4);
	ck_assert_uint_eq(e->client.prefix, 24);
	ck_assert_mem_eq(e->client.addr, net10, 16);
	ck_assert_uint_eq(e->server.family, 4);
	ck_assert_uint_eq(e->server.prefix, 32);
	ck_assert_mem_eq(e->server.addr, srv, 16);
	ck_assert_uint_eq(e->proto, PROTO_IMAP);
	ck_assert_str_eq(e->owner, "Jane Doe <jane@example.com>");
	ck_assert_int_eq(e->expires_days, 20818);	/* 2026-12-31 */
	ck_assert_str_eq(e->expires, "2026-12-31");
	ck_assert_str_eq(e->ticket, "CHG-1234");
	ck_assert_str_eq(e->note, "scanner in room 4, vendor fix due Q1");
	ck_assert_uint_eq(e->line, 66);
	e = &c->exceptions[1];
	ck_assert_uint_eq(e->client.family, 6);
	ck_assert_uint_eq(e->client.prefix, 48);
	ck_assert_mem_eq(e->client.addr, v6, 16);
	ck_assert_uint_eq(e->server.family, 0);
	ck_assert_uint_eq(e->proto, 0);
	ck_assert_str_eq(e->owner, "ops");
	ck_assert_int_eq(e->expires_days, 20833);	/* 2027-01-15 */
	ck_assert_ptr_null(e->ticket);
	ck_assert_str_eq(e->note, "two lines\n\tand a tab\n");
	ck_assert_uint_eq(e->line, 73);

	ck_assert_str_eq(c->user, "_tlsfloor");
	ck_assert_str_eq(c->group, "nogroup");
	ck_assert_str_eq(c->pidfile, "/var/run/tlsfloor.pid");
	ck_assert_str_eq(c->chroot_dir, "/var/empty");
	ck_assert(c->allow_root);
	config_free(c);
}
END_TEST

/* A whole file into a NUL-terminated buffer (free it). */
static char *
slurp(const char *path)
{
	FILE	*fp;
	char	*buf;
	long	 n;

	fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "%s (run from the top of the tree)", path);
	ck_assert_int_eq(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	ck_assert_int_gt(n, 0);
	rewind(fp);
	buf = calloc(1, (size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	return buf;
}

/*
 * Every key every_key sets (a word followed by ": ") is documented: in the
 * manual as "Ic KEY" (a section as ".Ss KEY"), and in the shipped file as
 * "KEY:" (the keys of list entries there are in a commented example).
 */
/* The endpoints list: lower-cased names, wildcards, a bad name refused. */
START_TEST(test_endpoints)
{
	struct config	*c = load_ok(every_key), *d = config_default();
	const char	*bad = "endpoints:\n  - { name: \"bad name\", label: x }\n";
	const char	*nolabel = "endpoints:\n  - { name: a.example }\n";

	ck_assert_uint_eq(c->nendpoints, 2);
	ck_assert_str_eq(c->endpoints[0].name, "mail.example.com");
	ck_assert_str_eq(config_endpoint_label(c, "MAIL.example.com"),
	    "our mail");
	ck_assert_str_eq(config_endpoint_label(c, "imap.example.net"),
	    "partner");
	ck_assert_ptr_null(config_endpoint_label(c, "example.net"));
	ck_assert_ptr_null(config_endpoint_label(c, "xexample.net"));
	ck_assert_ptr_null(config_endpoint_label(c, "outlook.office365.com"));
	/* the shipped list, when the file does not replace it */
	ck_assert_str_eq(config_endpoint_label(d, "imap-legacy.office365.com"),
	    "Exchange Online legacy TLS");
	ck_assert_str_eq(config_endpoint_label(d, "imap.gmail.com"), "Gmail");
	config_free(c);
	config_free(d);
	ck_assert_ptr_null(load_bytes(bad, strlen(bad)));
	ck_assert_msg(strstr(err, "is not a host name") != NULL, "%s", err);
	ck_assert_ptr_null(load_bytes(nolabel, strlen(nolabel)));
	ck_assert_msg(strstr(err, "label") != NULL, "%s", err);
}
END_TEST

START_TEST(test_keys_documented)
{
	char		*man = slurp("man/tlsfloor.yaml.5");
	char		*conf = slurp(SHIPPED_CONF);
	char		 key[64], pat[80];
	const char	*s = every_key, *e;
	size_t		 n, nkeys = 0;

	for (; *s != '\0'; s = e) {
		for (e = s; (*e >= 'a' && *e <= 'z') || (*e >= '0' &&
		    *e <= '9') || *e == '_'; e++)
			;
		n = (size_t)(e - s);
		if (n == 0) {
			e = s + 1;
			continue;
		}
		if (e[0] != ':' || (e[1] != ' ' && e[1] != '\n') ||
		    (s != every_key && s[-1] != ' ' && s[-1] != '\n' &&
		    s[-1] != '{'))
			continue;
		ck_assert_uint_lt(n, sizeof(key));
		memcpy(key, s, n);
		key[n] = '\0';
		nkeys++;
		snprintf(pat, sizeof(pat), "Ic %s ", key);
		if (strstr(man, pat) == NULL) {
			snprintf(pat, sizeof(pat), "Ic %s\n", key);
			if (strstr(man, pat) == NULL)
				snprintf(pat, sizeof(pat), ".Ss %s\n", key);
			ck_assert_msg(strstr(man, pat) != NULL,
			    "key %s not in man/tlsfloor.yaml.5", key);
		}
		snprintf(pat, sizeof(pat), " %s:", key);
		if (strstr(conf, pat) == NULL) {
			pat[0] = '\n';
			ck_assert_msg(strstr(conf, pat) != NULL,
			    "key %s not in %s", key, SHIPPED_CONF);
		}
	}
	ck_assert_uint_ge(nkeys, 60);
	free(man);
	free(conf);
}
END_TEST

/* The example in the manual loads. */
START_TEST(test_man_example)
{
	char		*man = slurp("man/tlsfloor.yaml.5");
	char		*bd, *ed;
	struct config	*c;

	ck_assert_ptr_nonnull(bd = strstr(man, "\n.Sh EXAMPLES\n"));
	ck_assert_ptr_nonnull(bd = strstr(bd, "\n.Bd -literal"));
	ck_assert_ptr_nonnull(bd = strchr(bd + 1, '\n'));
	ck_assert_ptr_nonnull(ed = strstr(bd, "\n.Ed\n"));
	ed[1] = '\0';
	ck_assert_ptr_null(strchr(bd, '\\'));	/* no roff escapes in it */
	c = load_ok(bd + 1);
	ck_assert_uint_eq(c->nexceptions, 1);
	ck_assert_uint_eq(c->nremotes, 1);
	ck_assert_uint_eq(c->port_map[10143], PROTO_IMAP);
	config_free(c);
	free(man);
}
END_TEST

/* Values: durations, sizes, floors, nulls, quoting, flow style (JSON). */
START_TEST(test_values)
{
	struct config	*c;

	c = load_ok("limits: {idle_timeout: 10m, linger: 45, memcap: 1048576,"
	    " stream_buffer: 16M, plaintext_depth: 16384}\n"
	    "alerts: {dedup_window: 7d}\nstats: {interval: 1d}\n"
	    "inventory: {interval: 0s}\nfloor: 1.0\n");
	ck_assert_uint_eq(c->idle_timeout, 600);
	ck_assert_uint_eq(c->linger, 45);
	ck_assert_uint_eq(c->memcap, 1u << 20);
	ck_assert_uint_eq(c->stream_buf, 16u << 20);
	ck_assert_uint_eq(c->plain_depth, 16384);
	ck_assert_uint_eq(c->dedup_window, 7 * 86400);
	ck_assert_uint_eq(c->stats_interval, 86400);
	ck_assert_uint_eq(c->inventory_interval, 0);
	ck_assert_uint_eq(c->floor, 0x0301);	/* unquoted: a YAML float */
	config_free(c);

	c = load_ok("floor: TLSv1.1\ncapture: {bpf: \"\", buffer_size: 2G}\n"
	    "daemon: {pidfile: null, user: \"1000\", group: 1000}\n"
	    "limits: {max_flows: 100000000, memcap: 64G}\n");
	ck_assert_uint_eq(c->floor, 0x0302);
	ck_assert_str_eq(c->bpf, "");		/* no filter at all */
	ck_assert_uint_eq(c->buffer_size, 2ull << 30);
	ck_assert_ptr_null(c->pidfile);
	ck_assert_str_eq(c->user, "1000");
	ck_assert_str_eq(c->group, "1000");
	ck_assert_uint_eq(c->max_flows, 100000000);
	ck_assert_uint_eq(c->memcap, 64ull << 30);
	config_free(c);

	/* YAML is a superset of JSON: a JSON config loads too. */
	c = load_ok("{\"floor\": \"1.3\", \"capture\": {\"snaplen\": 64,"
	    " \"interfaces\": [\"eth0\"], \"promiscuous\": false},"
	    " \"outputs\": {\"json\": {\"events\": []}}}");
	ck_assert_uint_eq(c->floor, 0x0304);
	ck_assert_uint_eq(c->snaplen, 64);
	ck_assert_str_eq(c->interfaces[0], "eth0");
	ck_assert(!c->promiscuous);
	ck_assert_uint_eq(c->json_events, 0);
	config_free(c);

	/* A port moved between protocols: its old list is given too. */
	c = load_ok("ports:\n  imap: {starttls: []}\n"
	    "  pop3: {starttls: [110, 143]}\n");
	ck_assert_uint_eq(c->port_map[143], PROTO_POP3);
	ck_assert_uint_eq(c->ports[PROTO_IMAP][CONFIG_PORT_STARTTLS].n, 0);
	ck_assert_uint_eq(c->port_map[993], PROTO_IMAP | PORT_IMPLICIT);
	config_free(c);

	/* Limits of lists, at the cap. */
	c = load_ok("capture: {interfaces: [a0, a1, a2, a3, a4, a5, a6, a7,"
	    " a8, a9, b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, c0, c1, c2, c3,"
	    " c4, c5, c6, c7, c8, c9, d0, d1, d2, d3, d4, d5, d6, d7, d8, d9,"
	    " e0, e1, e2, e3, e4, e5, e6, e7, e8, e9, f0, f1, f2, f3, f4, f5,"
	    " f6, f7, f8, f9, g0, g1, g2, g3]}\n");
	ck_assert_uint_eq(c->ninterfaces, CONFIG_MAX_IFACES);
	config_free(c);
}
END_TEST

/* --- errors --------------------------------------------------------------- */

/* One file each, and the message after "FILE:". */
static const struct {
	const char	*yaml;
	const char	*want;
} bad[] = {
	/* unknown keys */
	{ "floor: \"1.2\"\nflor: \"1.3\"\n",
	  "2:1: flor: unknown key; expected one of floor, scope, capture, "
	  "ports, dpi, limits, outputs, alerts, stats, inventory, sensor, "
	  "endpoints, exceptions, privacy, daemon" },
	{ "capture:\n  snaplenn: 100\n",
	  "2:3: capture.snaplenn: unknown key; expected one of interfaces, "
	  "bpf, snaplen, promiscuous, buffer_size, immediate, "
	  "drop_warn_percent, workers" },
	{ "exceptions:\n  - client: 10.0.0.1\n    owner: x\n"
	  "    expires: 2030-01-01\n    tickett: 1\n",
	  "5:5: exceptions[0].tickett: unknown key; expected one of client, "
	  "server, protocol, owner, expires, ticket, note" },
	{ "\"a b\\x1b[31m\": 1\n",
	  "1:1: \"a b\\x1b[31m\": unknown key; expected one of floor, scope, "
	  "capture, ports, dpi, limits, outputs, alerts, stats, inventory, "
	  "sensor, endpoints, exceptions, privacy, daemon" },
	{ "outputs: {remote: [{host: a.example, prot: 1}]}\n",
	  "1:38: outputs.remote[0].prot: unknown key; expected one of host, "
	  "port, transport, format, queue, max_message_size, sd_id, ca_file, "
	  "server_name, cert_file, key_file" },
	/* remote entries: keys that need each other, the SD-ID's form */
	{ "outputs: {remote: [{host: a.example, ca_file: /x.pem}]}\n",
	  "1:20: outputs.remote[0]: ca_file, server_name, cert_file and "
	  "key_file are for transport: tls" },
	{ "outputs: {remote: [{host: a.example, transport: tls, "
	  "cert_file: /c.pem}]}\n",
	  "1:20: outputs.remote[0]: cert_file and key_file go together" },
	{ "outputs: {remote: [{host: a.example, sd_id: tlsfloor}]}\n",
	  "1:20: outputs.remote[0]: sd_id \"tlsfloor\": want NAME@NUMBER (RFC "
	  "5424 6.3.2: printable ASCII without '=', ']', '\"' or space, your "
	  "private enterprise number after the '@')" },
	{ "outputs: {remote: [{host: a.example, sd_id: \"a=b@1\"}]}\n",
	  "1:20: outputs.remote[0]: sd_id \"a=b@1\": want NAME@NUMBER (RFC "
	  "5424 6.3.2: printable ASCII without '=', ']', '\"' or space, your "
	  "private enterprise number after the '@')" },
	{ "outputs: {remote: [{host: a.example, max_message_size: 64k}]}\n",
	  "1:20: outputs.remote[0]: max_message_size 65536 is more than one "
	  "UDP datagram carries (at most 65000)" },
	{ "outputs: {remote: [{host: a.example, max_message_size: 100}]}\n",
	  "1:56: outputs.remote[0].max_message_size: \"100\" is out of range "
	  "(480..1M)" },
	/* wrong types */
	{ "floor: [\"1.2\"]\n",
	  "1:8: floor: expected a TLS version, got a list" },
	{ "capture: 5\n", "1:10: capture: expected a mapping, got \"5\"" },
	{ "capture: [snaplen]\n",
	  "1:10: capture: expected a mapping, got a list" },
	{ "capture: {interfaces: eth0}\n",
	  "1:23: capture.interfaces: expected a list, got \"eth0\"" },
	{ "capture: {interfaces: [[eth0]]}\n",
	  "1:24: capture.interfaces[0]: expected an interface name, got a "
	  "list" },
	{ "capture: {snaplen: {a: 1}}\n",
	  "1:20: capture.snaplen: expected a number, got a mapping" },
	{ "capture: {snaplen: ~}\n",
	  "1:20: capture.snaplen: expected a number, got null" },
	{ "capture:\n  snaplen:\n",
	  "2:11: capture.snaplen: expected a number, got null" },
	{ "daemon: {user: true}\n",
	  "1:16: daemon.user: expected a string, got the boolean true (quote "
	  "it if you mean the word)" },
	{ "daemon: {user: null}\n",
	  "1:16: daemon.user: expected a string, got null" },
	{ "{floor: \"1.2\", [a]: b}\n", "1:16: expected a key, got a list" },
	{ "outputs: {remote: [a.example]}\n",
	  "1:20: outputs.remote[0]: expected a mapping, got \"a.example\"" },
	{ "exceptions: {client: 10.0.0.1}\n",
	  "1:13: exceptions: expected a list, got a mapping" },
	/* booleans: YAML 1.2 true/false only, unquoted */
	{ "capture: {promiscuous: yes}\n",
	  "1:24: capture.promiscuous: expected true or false, got \"yes\"" },
	{ "capture: {immediate: 1}\n",
	  "1:22: capture.immediate: expected true or false, got \"1\"" },
	{ "dpi: {enabled: \"true\"}\n",
	  "1:16: dpi.enabled: expected true or false, got the string "
	  "\"true\" (drop the quotes)" },
	/* numbers and their ranges */
	{ "capture: {snaplen: 63}\n",
	  "1:20: capture.snaplen: \"63\" is out of range (64..262144)" },
	{ "capture: {snaplen: 262145}\n",
	  "1:20: capture.snaplen: \"262145\" is out of range (64..262144)" },
	{ "capture: {snaplen: -1}\n",
	  "1:20: capture.snaplen: \"-1\" is not a number" },
	{ "capture: {snaplen: 0x40}\n",
	  "1:20: capture.snaplen: \"0x40\" is not a number" },
	{ "capture: {snaplen: 1e3}\n",
	  "1:20: capture.snaplen: \"1e3\" is not a number" },
	{ "capture: {snaplen: 99999999999999999999999}\n",
	  "1:20: capture.snaplen: \"99999999999999999999999\" is not a "
	  "number" },
	{ "capture: {drop_warn_percent: 101}\n",
	  "1:30: capture.drop_warn_percent: \"101\" is out of range (0..100)" },
	{ "outputs: {json: {community_id_seed: 65536}}\n",
	  "1:37: outputs.json.community_id_seed: \"65536\" is out of range "
	  "(0..65535)" },
	{ "capture: {workers: 0}\n",
	  "1:20: capture.workers: \"0\" is out of range (1..16)" },
	{ "capture: {workers: 17}\n",
	  "1:20: capture.workers: \"17\" is out of range (1..16)" },
	{ "capture: {buffer_size: 3G}\n",
	  "1:24: capture.buffer_size: \"3G\" is out of range (1M..2G)" },
	{ "capture: {buffer_size: 512K}\n",
	  "1:24: capture.buffer_size: \"512K\" is out of range (1M..2G)" },
	{ "dpi: {packets: 0}\n",
	  "1:16: dpi.packets: \"0\" is out of range (1..255)" },
	{ "dpi: {packets: 256}\n",
	  "1:16: dpi.packets: \"256\" is out of range (1..255)" },
	{ "limits: {max_flows: 0}\n",
	  "1:21: limits.max_flows: \"0\" is out of range (1..100000000)" },
	{ "limits: {max_flows: 200k}\n",
	  "1:21: limits.max_flows: \"200k\" is not a number" },
	{ "limits: {idle_timeout: 0}\n",
	  "1:24: limits.idle_timeout: \"0\" is out of range (1s..1d)" },
	{ "limits: {idle_timeout: 2d}\n",
	  "1:24: limits.idle_timeout: \"2d\" is out of range (1s..1d)" },
	{ "limits: {idle_timeout: 10M}\n",
	  "1:24: limits.idle_timeout: \"10M\" is not a duration (seconds, or "
	  "a number with s, m, h or d)" },
	{ "limits: {idle_timeout: 1.5h}\n",
	  "1:24: limits.idle_timeout: \"1.5h\" is not a duration (seconds, "
	  "or a number with s, m, h or d)" },
	{ "limits: {idle_timeout: 1h30m}\n",
	  "1:24: limits.idle_timeout: \"1h30m\" is not a duration (seconds, "
	  "or a number with s, m, h or d)" },
	{ "limits: {linger: 11m}\n",
	  "1:18: limits.linger: \"11m\" is out of range (0..10m)" },
	{ "limits: {memcap: 65G}\n",
	  "1:18: limits.memcap: \"65G\" is out of range (1M..64G)" },
	{ "limits: {memcap: 64KB}\n",
	  "1:18: limits.memcap: \"64KB\" is not a size (bytes, or a number "
	  "with K, M or G)" },
	{ "limits: {stream_buffer: 2K}\n",
	  "1:25: limits.stream_buffer: \"2K\" is out of range (4K..16M)" },
	{ "limits: {plaintext_depth: 17M}\n",
	  "1:27: limits.plaintext_depth: \"17M\" is out of range (1K..16M)" },
	{ "alerts: {dedup_window: 8d}\n",
	  "1:24: alerts.dedup_window: \"8d\" is out of range (0..7d)" },
	{ "stats: {interval: 25h}\n",
	  "1:19: stats.interval: \"25h\" is out of range (0..1d)" },
	/* enumerations */
	{ "floor: 1.4\n",
	  "1:8: floor: \"1.4\" is not a TLS version (1.0, 1.1, 1.2 or 1.3)" },
	{ "floor: 1\n",
	  "1:8: floor: \"1\" is not a TLS version (1.0, 1.1, 1.2 or 1.3)" },
	{ "scope: everything\n",
	  "1:8: scope: \"everything\" is not one of mail, all_tls" },
	{ "scope: Mail\n", "1:8: scope: \"Mail\" is not one of mail, all_tls" },
	{ "outputs: {syslog: {facility: local8}}\n",
	  "1:30: outputs.syslog.facility: \"local8\" is not one of daemon, "
	  "user, mail, auth, authpriv, local0, local1, local2, local3, "
	  "local4, local5, local6, local7" },
	{ "outputs: {json: {events: [session, sessions]}}\n",
	  "1:36: outputs.json.events[1]: \"sessions\" is not one of session, "
	  "alert, alert_summary, stats, inventory" },
	{ "outputs: {json: {events: [alert, stats, alert]}}\n",
	  "1:41: outputs.json.events[2]: \"alert\" is listed twice" },
	{ "outputs: {remote: [{host: a.example, transport: sctp}]}\n",
	  "1:49: outputs.remote[0].transport: \"sctp\" is not one of udp, "
	  "tcp, tls, relp" },
	{ "outputs: {remote: [{host: a.example, format: leef}]}\n",
	  "1:46: outputs.remote[0].format: \"leef\" is not one of rfc5424, "
	  "cef" },
	/* ports */
	{ "outputs: {remote: [{host: a.example, port: 0}]}\n",
	  "1:44: outputs.remote[0].port: \"0\" is out of range (1..65535)" },
	{ "outputs: {remote: [{host: a.example, port: 65536}]}\n",
	  "1:44: outputs.remote[0].port: \"65536\" is out of range "
	  "(1..65535)" },
	{ "outputs: {remote: [{host: a.example, port: 514x}]}\n",
	  "1:44: outputs.remote[0].port: \"514x\" is not a number" },
	{ "ports:\n  imap: {starttls: [143, 0]}\n",
	  "2:26: ports.imap.starttls[1]: \"0\" is out of range (1..65535)" },
	{ "ports:\n  imap: {implicit: [99999]}\n",
	  "2:21: ports.imap.implicit[0]: \"99999\" is out of range "
	  "(1..65535)" },
	{ "ports:\n  smtp: {starttls: [25, 2525, 25]}\n",
	  "2:31: ports.smtp.starttls[2]: port 25 is also in "
	  "ports.smtp.starttls[0] (line 2)" },
	{ "ports:\n  pop3: {starttls: [10110]}\n  imap:\n"
	  "    implicit: [993, 10110]\n",
	  "4:21: ports.imap.implicit[1]: port 10110 is also in "
	  "ports.pop3.starttls[0] (line 2)" },
	{ "ports:\n  pop3: {starttls: [143]}\n",
	  "2:21: ports.pop3.starttls[0]: port 143 is also in the default "
	  "ports.imap.starttls" },
	{ "ports: {imap: {starttls: 143}}\n",
	  "1:26: ports.imap.starttls: expected a list, got \"143\"" },
	/* addresses and CIDRs */
	{ "exceptions:\n  - client: 10.1.4.300\n    owner: x\n"
	  "    expires: 2030-01-01\n",
	  "2:13: exceptions[0].client: \"10.1.4.300\" is not an IPv4 or IPv6 "
	  "address or CIDR" },
	{ "exceptions:\n  - client: 10.1.4.0/33\n    owner: x\n"
	  "    expires: 2030-01-01\n",
	  "2:13: exceptions[0].client: \"10.1.4.0/33\" has a bad prefix "
	  "length (0..32)" },
	{ "exceptions:\n  - client: 10.1.4.0/\n    owner: x\n"
	  "    expires: 2030-01-01\n",
	  "2:13: exceptions[0].client: \"10.1.4.0/\" has a bad prefix "
	  "length (0..32)" },
	{ "exceptions:\n  - client: 10.1.4.0/+8\n    owner: x\n"
	  "    expires: 2030-01-01\n",
	  "2:13: exceptions[0].client: \"10.1.4.0/+8\" has a bad prefix "
	  "length (0..32)" },
	{ "exceptions:\n  - client: 10.1.4.5/24\n    owner: x\n"
	  "    expires: 2030-01-01\n",
	  "2:13: exceptions[0].client: \"10.1.4.5/24\" has host bits set past "
	  "/24; the network is 10.1.4.0/24" },
	{ "exceptions:\n  - client: \"2001:db8::1/32\"\n    owner: x\n"
	  "    expires: 2030-01-01\n",
	  "2:13: exceptions[0].client: \"2001:db8::1/32\" has host bits set "
	  "past /32; the network is 2001:db8::/32" },
	{ "exceptions:\n  - client: \"::/129\"\n    owner: x\n"
	  "    expires: 2030-01-01\n",
	  "2:13: exceptions[0].client: \"::/129\" has a bad prefix length "
	  "(0..128)" },
	{ "exceptions:\n  - client: \"fe80::1%eth0\"\n    owner: x\n"
	  "    expires: 2030-01-01\n",
	  "2:13: exceptions[0].client: \"fe80::1%eth0\" is not an IPv4 or IPv6 "
	  "address or CIDR" },
	{ "exceptions:\n  - client: mail.example.com\n    owner: x\n"
	  "    expires: 2030-01-01\n",
	  "2:13: exceptions[0].client: \"mail.example.com\" is not an IPv4 or "
	  "IPv6 address or CIDR" },
	{ "exceptions:\n  - client: 10.0.0.0/8\n    server: 10.0.0.256\n"
	  "    owner: x\n    expires: 2030-01-01\n",
	  "3:13: exceptions[0].server: \"10.0.0.256\" is not an IPv4 or IPv6 "
	  "address or CIDR" },
	{ "exceptions:\n  - client: 10.0.0.0/8\n    server: \"2001:db8::1\"\n"
	  "    owner: x\n    expires: 2030-01-01\n",
	  "2:5: exceptions[0]: client is IPv4 but server is IPv6: the entry "
	  "can never match" },
	{ "exceptions:\n  - client: 10.0.0.0/8\n    protocol: ftp\n"
	  "    owner: x\n    expires: 2030-01-01\n",
	  "3:15: exceptions[0].protocol: \"ftp\" is not one of pop3, imap, "
	  "smtp" },
	/* host names */
	{ "outputs: {remote: [{host: 192.0.2.300}]}\n",
	  "1:27: outputs.remote[0].host: \"192.0.2.300\" is not an IPv4 or "
	  "IPv6 address or a host name" },
	{ "outputs: {remote: [{host: -siem.example}]}\n",
	  "1:27: outputs.remote[0].host: \"-siem.example\" is not an IPv4 or "
	  "IPv6 address or a host name" },
	{ "outputs: {remote: [{host: siem..example}]}\n",
	  "1:27: outputs.remote[0].host: \"siem..example\" is not an IPv4 or "
	  "IPv6 address or a host name" },
	{ "outputs: {remote: [{host: \"siem example\"}]}\n",
	  "1:27: outputs.remote[0].host: \"siem example\" is not an IPv4 or "
	  "IPv6 address or a host name" },
	{ "outputs: {remote: [{host: \"2001:db8::g\"}]}\n",
	  "1:27: outputs.remote[0].host: \"2001:db8::g\" is not an IPv4 or "
	  "IPv6 address or a host name" },
	/* dates */
	{ "exceptions:\n  - client: 10.0.0.1\n    owner: x\n"
	  "    expires: 2026-13-01\n",
	  "4:14: exceptions[0].expires: \"2026-13-01\" is not a date "
	  "(YYYY-MM-DD)" },
	{ "exceptions:\n  - client: 10.0.0.1\n    owner: x\n"
	  "    expires: 2026-02-29\n",
	  "4:14: exceptions[0].expires: \"2026-02-29\" is not a date "
	  "(YYYY-MM-DD)" },
	{ "exceptions:\n  - client: 10.0.0.1\n    owner: x\n"
	  "    expires: 2028-02-30\n",
	  "4:14: exceptions[0].expires: \"2028-02-30\" is not a date "
	  "(YYYY-MM-DD)" },
	{ "exceptions:\n  - client: 10.0.0.1\n    owner: x\n"
	  "    expires: 2026-04-31\n",
	  "4:14: exceptions[0].expires: \"2026-04-31\" is not a date "
	  "(YYYY-MM-DD)" },
	{ "exceptions:\n  - client: 10.0.0.1\n    owner: x\n"
	  "    expires: 1969-12-31\n",
	  "4:14: exceptions[0].expires: \"1969-12-31\" is not a date "
	  "(YYYY-MM-DD)" },
	{ "exceptions:\n  - client: 10.0.0.1\n    owner: x\n"
	  "    expires: 2026-1-01\n",
	  "4:14: exceptions[0].expires: \"2026-1-01\" is not a date "
	  "(YYYY-MM-DD)" },
	{ "exceptions:\n  - client: 10.0.0.1\n    owner: x\n"
	  "    expires: 2026-12-31T00:00:00Z\n",
	  "4:14: exceptions[0].expires: \"2026-12-31T00:00:00Z\" is not a "
	  "date (YYYY-MM-DD)" },
	{ "exceptions:\n  - client: 10.0.0.1\n    owner: x\n"
	  "    expires: 31.12.2026\n",
	  "4:14: exceptions[0].expires: \"31.12.2026\" is not a date "
	  "(YYYY-MM-DD)" },
	/* required keys of list entries */
	{ "exceptions:\n  - client: 10.0.0.1\n    expires: 2030-01-01\n",
	  "2:5: exceptions[0]: missing required key \"owner\"" },
	{ "exceptions:\n  - {client: 10.0.0.1, owner: x, expires: 2030-01-01}"
	  "\n  - {owner: y, expires: 2030-01-01}\n",
	  "3:5: exceptions[1]: missing required key \"client\"" },
	{ "exceptions:\n  - client: 10.0.0.1\n    owner: x\n",
	  "2:5: exceptions[0]: missing required key \"expires\"" },
	{ "outputs:\n  remote:\n    - port: 514\n",
	  "3:7: outputs.remote[0]: missing required key \"host\"" },
	/* strings */
	{ "exceptions:\n  - client: 10.0.0.1\n    owner: \"\"\n"
	  "    expires: 2030-01-01\n",
	  "3:12: exceptions[0].owner: must not be empty" },
	{ "outputs: {syslog: {ident: \"tls\\e[2Jfloor\"}}\n",
	  "1:27: outputs.syslog.ident: \"tls\\x1b[2Jfloor\" contains a control "
	  "character" },
	{ "outputs: {syslog: {ident: \"two\\nlines\"}}\n",
	  "1:27: outputs.syslog.ident: \"two\\x0alines\" contains a control "
	  "character" },
	{ "outputs: {syslog: {ident: \"tls\\0floor\"}}\n",
	  "1:27: outputs.syslog.ident: \"tls\\x00floor\" contains a NUL "
	  "character" },
	{ "outputs: {syslog: {ident: "
	  "abcdefghijabcdefghijabcdefghijabcdefghij"
	  "abcdefghijabcdefghij12345}}\n",
	  "1:27: outputs.syslog.ident: longer than 64 bytes" },
	{ "outputs: {json: {path: \"\"}}\n",
	  "1:24: outputs.json.path: must not be empty" },
	{ "daemon: {pidfile: run/tlsfloor.pid}\n",
	  "1:19: daemon.pidfile: \"run/tlsfloor.pid\" is not an absolute "
	  "path" },
	{ "daemon: {chroot: \"\"}\n",
	  "1:18: daemon.chroot: must not be empty" },
	{ "daemon: {user: \"tls floor\"}\n",
	  "1:16: daemon.user: \"tls floor\" is not a user or group name" },
	{ "daemon: {group: -wheel}\n",
	  "1:17: daemon.group: \"-wheel\" is not a user or group name" },
	{ "capture: {interfaces: [eth0, \"eth 1\"]}\n",
	  "1:30: capture.interfaces[1]: \"eth 1\" is not an interface name" },
	{ "capture: {interfaces: [eth0, eth1, eth0]}\n",
	  "1:36: capture.interfaces[2]: \"eth0\" is listed twice" },
	/* across keys */
	{ "outputs:\n  text: {enabled: true}\n",
	  "2:3: outputs: json and text both write to standard output; give "
	  "them different paths or disable one" },
	{ "outputs:\n  json: {path: /var/log/t.log}\n"
	  "  text: {enabled: true, path: /var/log/t.log}\n",
	  "2:3: outputs: json and text both write to \"/var/log/t.log\"; give "
	  "them different paths or disable one" },
	/* duplicate keys */
	{ "floor: \"1.2\"\nscope: mail\nfloor: \"1.3\"\n",
	  "3:1: floor: duplicate key (first at line 1)" },
	{ "capture:\n  snaplen: 100\n  bpf: \"\"\n  snaplen: 200\n",
	  "4:3: capture.snaplen: duplicate key (first at line 2)" },
	{ "capture: {snaplen: 100}\ncapture: {bpf: \"\"}\n",
	  "2:1: capture: duplicate key (first at line 1)" },
	{ "exceptions:\n  - client: 10.0.0.1\n    owner: x\n    owner: y\n"
	  "    expires: 2030-01-01\n",
	  "4:5: exceptions[0].owner: duplicate key (first at line 3)" },
	{ "{\"floor\": \"1.2\", floor: \"1.3\"}\n",
	  "1:18: floor: duplicate key (first at line 1)" },
	/* anchors, aliases, tags */
	{ "capture:\n  bpf: &f \"tcp\"\n",
	  "2:8: capture.bpf: anchors and aliases are not supported" },
	{ "capture:\n  bpf: *f\n",
	  "2:8: capture.bpf: aliases are not supported" },
	{ "capture: &c {snaplen: 100}\n",
	  "1:10: capture: anchors and aliases are not supported" },
	{ "floor: !!str 1.2\n", "1:8: floor: tags are not supported" },
	{ "capture: !!map {}\n", "1:10: capture: tags are not supported" },
	/* not one mapping */
	{ "", "1:1: no settings in the file (write {} for all the defaults)" },
	{ "# all commented out\n\n",
	  "3:1: no settings in the file (write {} for all the defaults)" },
	{ "---\n",
	  "2:1: expected a mapping of settings (key: value), got null" },
	{ "- floor: \"1.2\"\n",
	  "1:1: expected a mapping of settings (key: value), got a list" },
	{ "floor\n",
	  "1:1: expected a mapping of settings (key: value), got \"floor\"" },
	{ "floor: \"1.2\"\n---\nfloor: \"1.3\"\n",
	  "2:1: a second document; the file must hold only one" },
	{ "floor: \"1.2\"\n...\n---\n",
	  "3:1: a second document; the file must hold only one" },
	/* syntax */
	{ "floor: \"1.2\"\n  scope: mail\n",
	  "2:3: did not find expected key (while parsing a block mapping at "
	  "line 1, column 1)" },
	{ "capture: {snaplen: 100\n",
	  "2:1: did not find expected ',' or '}' (while parsing a flow "
	  "mapping at line 1, column 10)" },
	{ "floor: \"1.2\n",
	  "2:1: found unexpected end of stream (while scanning a quoted scalar "
	  "at line 1, column 8)" },
	{ "capture:\n\tsnaplen: 100\n",
	  "2:1: found character that cannot start any token (while scanning "
	  "for the next token at line 2, column 1)" },
	{ "floor: \"1.2\": x\n",
	  "1:13: mapping values are not allowed in this context" },
};

START_TEST(test_error)
{
	expect_err(bad[_i].yaml, bad[_i].want);
}
END_TEST

/* Bytes libyaml's reader refuses: positions are counted in characters. */
START_TEST(test_not_utf8)
{
	static const char lead[] = "floor: \"1.2\"\nscope: m\xffil\n";
	static const char cut[] = "floor: \"1.2\"\nscope: \xc3";
	static const char trail[] = "scope: \xc3\xa4\xc3(\n";
	static const char overlong[] = "scope: \xc0\xafmail\n";
	static const char surrogate[] = "scope: \xed\xa0\x80\n";
	static const char utf16[] = "\xff\xfe" "f\0l\0o\0o\0r\0:\0 \0";
	static const char ctl[] = "floor: \"1.2\"\nscope: \"ma\x01il\"\n";
	static const char nul[] = "floor: \"1.2\"\n\0";

	expect_err_bytes(lead, sizeof(lead) - 1,
	    "2:9: invalid leading UTF-8 octet (0xff)");
	expect_err_bytes(cut, sizeof(cut) - 1,
	    "2:8: incomplete UTF-8 octet sequence");
	expect_err_bytes(trail, sizeof(trail) - 1,
	    "1:10: invalid trailing UTF-8 octet (0x28)");
	expect_err_bytes(overlong, sizeof(overlong) - 1,
	    "1:8: invalid length of a UTF-8 sequence");
	expect_err_bytes(surrogate, sizeof(surrogate) - 1,
	    "1:8: invalid Unicode character (0xd800)");
	expect_err_bytes(utf16, sizeof(utf16) - 1,
	    "1:1: invalid leading UTF-8 octet (0xff)");
	expect_err_bytes(ctl, sizeof(ctl) - 1,
	    "2:11: control characters are not allowed (0x01)");
	expect_err_bytes(nul, sizeof(nul) - 1,
	    "2:1: control characters are not allowed (0x00)");
}
END_TEST

START_TEST(test_file_errors)
{
	char	dir[] = "/tmp/tlsfloor-cfgdir-XXXXXX";

	ck_assert_ptr_null(config_load("/nonexistent/tlsfloor.yaml", err,
	    sizeof(err)));
	ck_assert_str_eq(err, "/nonexistent/tlsfloor.yaml: No such file or "
	    "directory");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_ptr_null(config_load(dir, err, sizeof(err)));
	ck_assert(strstr(err, ": Is a directory") != NULL);
	rmdir(dir);
	/* A character device has no end: refused, not read for ever. */
	ck_assert_ptr_null(config_load("/dev/zero", err, sizeof(err)));
	ck_assert_str_eq(err, "/dev/zero: not a regular file (a character "
	    "device); a configuration must be a plain file");
	/* No message buffer: still refused, nothing written. */
	ck_assert_ptr_null(config_load("/nonexistent/x", NULL, 0));
	ck_assert_ptr_null(load_bytes("floor: 2\n", 9));
	/* A short buffer truncates the message, never overruns. */
	write_yaml("floor: 2\n", 9);
	memset(err, 'x', sizeof(err));
	ck_assert_ptr_null(config_load(tmp_path, err, 8));
	ck_assert_uint_eq(strlen(err), 7);
	ck_assert_uint_eq((unsigned char)err[8], 'x');
	unlink(tmp_path);
}
END_TEST

/* daemon.umask: octal digits however YAML types them. */
START_TEST(test_umask)
{
	struct config	*c;

	c = load_ok("daemon:\n  umask: \"027\"\n");
	ck_assert_uint_eq(c->umask, 027);
	config_free(c);
	c = load_ok("daemon:\n  umask: 077\n");
	ck_assert_uint_eq(c->umask, 077);
	config_free(c);
	c = load_ok("daemon:\n  umask: 0o22\n");
	ck_assert_uint_eq(c->umask, 022);
	config_free(c);
	c = load_ok("daemon:\n  umask: 0\n");
	ck_assert_uint_eq(c->umask, 0);
	config_free(c);
	expect_err("daemon:\n  umask: 089\n", "2:10: daemon.umask: \"089\" "
	    "is not a file mode mask (octal, 000 to 777, such as 077)");
	expect_err("daemon:\n  umask: 1777\n", "2:10: daemon.umask: "
	    "\"1777\" is not a file mode mask (octal, 000 to 777, such as "
	    "077)");
	expect_err("daemon:\n  umask: \"\"\n", "2:10: daemon.umask: \"\" "
	    "is not a file mode mask (octal, 000 to 777, such as 077)");
}
END_TEST

/*
 * A FIFO with no writer: refused at once (this test's timeout catches an
 * open() that blocks, as it did).
 */
START_TEST(test_file_fifo)
{
	char	dir[] = "/tmp/tlsfloor-cfgfifo-XXXXXX", path[64];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/tlsfloor.yaml", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_ptr_null(config_load(path, err, sizeof(err)));
	ck_assert(strstr(err, ": not a regular file (a FIFO); a "
	    "configuration must be a plain file") != NULL);
	unlink(path);
	rmdir(dir);
}
END_TEST

/* --- hostile files -------------------------------------------------------- */

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "Billion laughs": ten levels of nine aliases each.  Refused at the
 * first anchor, before anything expands. */
START_TEST(test_alias_bomb)
{
	struct ub	 b;
	double		 t0 = now_s();
	int		 i, j;
	char		 line[32];

	ub_init(&b);
	ub_str(&b, "capture:\n  interfaces: &a [lol,lol,lol,lol,lol,lol,lol,"
	    "lol,lol]\n");
	ub_str(&b, "outputs:\n  remote:\n");
	for (i = 1; i < 10; i++) {
		snprintf(line, sizeof(line), "    - &%c [", 'a' + i);
		ub_str(&b, line);
		for (j = 0; j < 9; j++) {
			snprintf(line, sizeof(line), "%s*%c", j ? "," : "",
			    'a' + i - 1);
			ub_str(&b, line);
		}
		ub_str(&b, "]\n");
	}
	expect_err_bytes(b.p, b.n, "2:15: capture.interfaces: anchors and "
	    "aliases are not supported");
	ub_free(&b);

	/* The classic form, keys and all: refused as fast. */
	ub_init(&b);
	ub_str(&b, "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\","
	    "\"lol\",\"lol\",\"lol\"]\n");
	for (i = 1; i < 10; i++) {
		snprintf(line, sizeof(line), "%c: &%c [", 'a' + i, 'a' + i);
		ub_str(&b, line);
		for (j = 0; j < 9; j++) {
			snprintf(line, sizeof(line), "%s*%c", j ? "," : "",
			    'a' + i - 1);
			ub_str(&b, line);
		}
		ub_str(&b, "]\n");
	}
	ck_assert_ptr_null(load_bytes(b.p, b.n));
	ub_free(&b);
	/* An alias where a value belongs, without its anchor. */
	expect_err("floor: *x\n", "1:8: floor: aliases are not supported");
	ck_assert_msg(now_s() - t0 < 1.0, "took %.2f s", now_s() - t0);
}
END_TEST

START_TEST(test_huge_and_deep)
{
	struct ub	 b;
	double		 t0 = now_s();
	char		 want[128];
	int		 i;

	/* A 10 MB line: refused by size before libyaml sees a byte. */
	ub_init(&b);
	ub_str(&b, "floor: \"");
	ub_fill(&b, 'x', 10u << 20);
	ub_str(&b, "\"\n");
	ck_assert_ptr_null(load_bytes(b.p, b.n));
	snprintf(want, sizeof(want), "%s: larger than %u bytes, too large "
	    "for a configuration file", tmp_path, CONFIG_MAX_FILE);
	ck_assert_str_eq(err, want);
	ub_free(&b);

	/* Just under the file cap, one long string: refused by its cap. */
	ub_init(&b);
	ub_str(&b, "daemon:\n  user: \"");
	ub_fill(&b, 'x', CONFIG_MAX_FILE - 64);
	ub_str(&b, "\"\n");
	expect_err_bytes(b.p, b.n, "2:9: daemon.user: longer than 32 bytes");
	ub_free(&b);

	/* Half a million open brackets where a name belongs. */
	ub_init(&b);
	ub_str(&b, "capture: {interfaces: ");
	ub_fill(&b, '[', 500000);
	expect_err_bytes(b.p, b.n, "1:24: capture.interfaces[0]: expected "
	    "an interface name, got a list");
	ub_free(&b);

	/* ... as the document, and as mappings. */
	ub_init(&b);
	ub_fill(&b, '[', CONFIG_MAX_FILE);
	expect_err_bytes(b.p, b.n, "1:1: expected a mapping of settings "
	    "(key: value), got a list");
	ub_free(&b);
	ub_init(&b);
	ub_str(&b, "capture: ");
	for (i = 0; i < 200000; i++)
		ub_str(&b, "{a: ");
	expect_err_bytes(b.p, b.n, "1:11: capture.a: unknown key; expected "
	    "one of interfaces, bpf, snaplen, promiscuous, buffer_size, "
	    "immediate, drop_warn_percent, workers");
	ub_free(&b);

	/* Block nesting as deep as the file cap allows. */
	ub_init(&b);
	ub_str(&b, "capture:\n");
	for (i = 1; i < 1300; i++) {
		ub_fill(&b, ' ', (size_t)i);
		ub_str(&b, "k:\n");
	}
	expect_err_bytes(b.p, b.n, "2:2: capture.k: unknown key; expected "
	    "one of interfaces, bpf, snaplen, promiscuous, buffer_size, "
	    "immediate, drop_warn_percent, workers");
	ub_free(&b);
	ck_assert_msg(now_s() - t0 < 2.0, "took %.2f s", now_s() - t0);
}
END_TEST

START_TEST(test_list_caps)
{
	struct ub	 b;
	struct config	*c;
	char		 want[128];
	int		 i;

	/* CONFIG_MAX_EXCEPTIONS entries load; one more does not. */
	ub_init(&b);
	ub_str(&b, "exceptions:\n");
	for (i = 0; i < CONFIG_MAX_EXCEPTIONS; i++)
		ub_str(&b, "  - {client: 10.0.0.1, owner: x, expires: "
		    "2030-01-01}\n");
	c = load_bytes(b.p, b.n);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->nexceptions, CONFIG_MAX_EXCEPTIONS);
	ck_assert_uint_eq(c->exceptions[CONFIG_MAX_EXCEPTIONS - 1].line,
	    CONFIG_MAX_EXCEPTIONS + 1);
	config_free(c);
	ub_str(&b, "  - {client: 10.0.0.1, owner: x, expires: 2030-01-01}\n");
	snprintf(want, sizeof(want), "%d:5: exceptions[%d]: more than %d "
	    "entries", CONFIG_MAX_EXCEPTIONS + 2, CONFIG_MAX_EXCEPTIONS,
	    CONFIG_MAX_EXCEPTIONS);
	expect_err_bytes(b.p, b.n, want);
	ub_free(&b);

	ub_init(&b);
	ub_str(&b, "ports: {imap: {starttls: [");
	for (i = 0; i <= CONFIG_MAX_PORTS; i++) {
		snprintf(want, sizeof(want), "%s%d", i ? "," : "", 20000 + i);
		ub_str(&b, want);
	}
	ub_str(&b, "]}}\n");
	expect_err_bytes(b.p, b.n, "1:411: ports.imap.starttls[64]: more "
	    "than 64 entries");
	ub_free(&b);

	ub_init(&b);
	ub_str(&b, "outputs: {remote: [");
	for (i = 0; i <= CONFIG_MAX_REMOTES; i++)
		ub_str(&b, i ? ",{host: a}" : "{host: a}");
	ub_str(&b, "]}\n");
	expect_err_bytes(b.p, b.n, "1:180: outputs.remote[16]: more than 16 "
	    "entries");
	ub_free(&b);
}
END_TEST

/* --- exceptions ----------------------------------------------------------- */

static const char exc_yaml[] =
    "exceptions:\n"
    "  - client: 10.1.4.0/24\n"			/* [0] */
    "    owner: a\n"
    "    expires: 2026-12-31\n"
    "  - client: 10.2.0.128/25\n"			/* [1] */
    "    server: 10.0.0.5\n"
    "    protocol: imap\n"
    "    owner: b\n"
    "    expires: 2030-01-01\n"
    "  - client: \"2001:db8::/32\"\n"		/* [2] */
    "    server: \"2001:db8:ffff::/48\"\n"
    "    owner: c\n"
    "    expires: 2030-01-01\n"
    "  - client: \"2001:db8:1::2/127\"\n"		/* [3] host bits? no */
    "    owner: d\n"
    "    expires: 2030-01-01\n";

static const uint8_t *
a4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	static uint8_t	buf[4][16];
	static int	n;
	uint8_t		*p = buf[n++ % 4];

	memset(p, 0, 16);
	p[0] = a;
	p[1] = b;
	p[2] = c;
	p[3] = d;
	return p;
}

static const uint8_t *
a6(const char *s)
{
	static uint8_t	buf[4][16];
	static int	n;
	uint8_t		*p = buf[n++ % 4];

	ck_assert_int_eq(inet_pton(AF_INET6, s, p), 1);
	return p;
}

#define T2026	((time_t)1767225600)	/* 2026-01-01T00:00:00Z */
#define T2027	((time_t)1798761600)	/* 2027-01-01T00:00:00Z */

START_TEST(test_exception_match)
{
	struct config	*c = load_ok(exc_yaml);
	const struct config_exception *x = c->exceptions;

#define M(fam, cli, srv, proto)	\
	config_exception_match(c, (fam), (cli), (srv), (proto), T2026)

	/* IPv4 /24: both edges in, one past each edge out. */
	ck_assert_ptr_eq(M(4, a4(10, 1, 4, 0), NULL, PROTO_POP3), &x[0]);
	ck_assert_ptr_eq(M(4, a4(10, 1, 4, 255), a4(1, 2, 3, 4), PROTO_SMTP),
	    &x[0]);
	ck_assert_ptr_null(M(4, a4(10, 1, 3, 255), NULL, PROTO_POP3));
	ck_assert_ptr_null(M(4, a4(10, 1, 5, 0), NULL, PROTO_POP3));
	/* The same bytes as IPv6 are another address. */
	ck_assert_ptr_null(M(6, a4(10, 1, 4, 1), NULL, PROTO_POP3));

	/* /25 with a server and a protocol: all three must agree. */
	ck_assert_ptr_eq(M(4, a4(10, 2, 0, 128), a4(10, 0, 0, 5), PROTO_IMAP),
	    &x[1]);
	ck_assert_ptr_eq(M(4, a4(10, 2, 0, 255), a4(10, 0, 0, 5), PROTO_IMAP),
	    &x[1]);
	ck_assert_ptr_null(M(4, a4(10, 2, 0, 127), a4(10, 0, 0, 5),
	    PROTO_IMAP));
	ck_assert_ptr_null(M(4, a4(10, 2, 0, 200), a4(10, 0, 0, 6),
	    PROTO_IMAP));
	ck_assert_ptr_null(M(4, a4(10, 2, 0, 200), a4(10, 0, 0, 5),
	    PROTO_POP3));
	ck_assert_ptr_null(M(4, a4(10, 2, 0, 200), NULL, PROTO_IMAP));

	/* IPv6 /32 client, /48 server. */
	ck_assert_ptr_eq(M(6, a6("2001:db8::"), a6("2001:db8:ffff::1"), 0),
	    &x[2]);
	ck_assert_ptr_eq(M(6, a6("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"),
	    a6("2001:db8:ffff:ffff::"), PROTO_SMTP), &x[2]);
	ck_assert_ptr_null(M(6, a6("2001:db9::"), a6("2001:db8:ffff::1"), 0));
	ck_assert_ptr_null(M(6, a6("2001:db7:ffff::"), a6("2001:db8:ffff::"),
	    0));
	ck_assert_ptr_null(M(6, a6("2001:db8::1"), a6("2001:db8:fffe::1"), 0));
	/* /127: two addresses (the first entry also covers them: [2]
	 * wants a server, so a serverless session falls through to [3]). */
	ck_assert_ptr_eq(M(6, a6("2001:db8:1::2"), NULL, 0), &x[3]);
	ck_assert_ptr_eq(M(6, a6("2001:db8:1::3"), NULL, 0), &x[3]);
	ck_assert_ptr_null(M(6, a6("2001:db8:1::1"), NULL, 0));
	ck_assert_ptr_null(M(6, a6("2001:db8:1::4"), NULL, 0));
#undef M
	config_free(c);
}
END_TEST

START_TEST(test_exception_expiry)
{
	struct config	*c;
	const uint8_t	*cli = a4(10, 1, 4, 7);

	c = load_ok("exceptions:\n"
	    "  - {client: 10.1.4.0/24, owner: a, expires: 2026-12-31}\n"
	    "  - {client: 10.1.4.7, owner: b, expires: 2027-01-01}\n"
	    "  - {client: 10.9.0.0/16, owner: c, expires: 1970-01-01}\n");
	ck_assert_int_eq(c->exceptions[0].expires_days, 20818);
	ck_assert_int_eq(c->exceptions[2].expires_days, 0);
	/* The whole expires day (UTC) is covered, the next second not. */
	ck_assert(config_exception_live(&c->exceptions[0], T2027 - 1));
	ck_assert(!config_exception_live(&c->exceptions[0], T2027));
	ck_assert_ptr_eq(config_exception_match(c, 4, cli, NULL, 0,
	    T2027 - 1), &c->exceptions[0]);
	/* Expired: the next live entry in file order takes over ... */
	ck_assert_ptr_eq(config_exception_match(c, 4, cli, NULL, 0, T2027),
	    &c->exceptions[1]);
	ck_assert_ptr_null(config_exception_match(c, 4, cli, NULL, 0,
	    T2027 + 86400));
	/* ... and when none is left, match_any still names the expired
	 * one (reason exception_expired). */
	ck_assert_ptr_eq(config_exception_match_any(c, 4, cli, NULL, 0),
	    &c->exceptions[0]);
	ck_assert_ptr_eq(config_exception_match(c, 4, a4(10, 9, 1, 1),
	    NULL, 0, 86399), &c->exceptions[2]);
	ck_assert_ptr_null(config_exception_match(c, 4, a4(10, 9, 1, 1),
	    NULL, 0, 86400));
	ck_assert_ptr_null(config_exception_match_any(c, 4, a4(10, 8, 0, 1),
	    NULL, 0));
	config_free(c);

	/* No exceptions at all. */
	c = config_default();
	ck_assert_ptr_null(config_exception_match(c, 4, cli, cli, 0, 0));
	ck_assert_ptr_null(config_exception_match_any(c, 4, cli, cli, 0));
	config_free(c);
}
END_TEST

START_TEST(test_exception_prefix_edges)
{
	struct config	*c;

	/* /0 matches every address of its family; /32 one address. */
	c = load_ok("exceptions:\n"
	    "  - {client: 0.0.0.0/0, server: 192.0.2.1/32, owner: a,"
	    " expires: 2030-01-01}\n"
	    "  - {client: \"::/0\", protocol: pop3, owner: b,"
	    " expires: 2030-01-01}\n");
	ck_assert_ptr_eq(config_exception_match(c, 4, a4(255, 255, 255, 255),
	    a4(192, 0, 2, 1), 0, T2026), &c->exceptions[0]);
	ck_assert_ptr_null(config_exception_match(c, 4, a4(1, 1, 1, 1),
	    a4(192, 0, 2, 2), 0, T2026));
	ck_assert_ptr_eq(config_exception_match(c, 6, a6("::1"), NULL,
	    PROTO_POP3, T2026), &c->exceptions[1]);
	ck_assert_ptr_null(config_exception_match(c, 6, a6("::1"), NULL,
	    PROTO_IMAP, T2026));
	config_free(c);
}
END_TEST

/* --- config_set_port keeps the lists in step ------------------------------ */

START_TEST(test_set_port_lists)
{
	struct config	*c = config_default();
	char		 spec[32];
	int		 i;

	ck_assert_int_eq(config_set_port(c, "pop3:143"), 0);
	ck_assert_uint_eq(c->port_map[143], PROTO_POP3);
	ck_assert_uint_eq(c->ports[PROTO_IMAP][CONFIG_PORT_STARTTLS].n, 0);
	ck_assert_uint_eq(c->ports[PROTO_POP3][CONFIG_PORT_STARTTLS].n, 2);
	ck_assert_uint_eq(c->ports[PROTO_POP3][CONFIG_PORT_STARTTLS].port[1],
	    143);
	/* Given twice: listed once. */
	ck_assert_int_eq(config_set_port(c, "pop3:143"), 0);
	ck_assert_uint_eq(c->ports[PROTO_POP3][CONFIG_PORT_STARTTLS].n, 2);
	ck_assert_int_eq(config_set_port(c, "smtp:587:implicit"), 0);
	ck_assert_uint_eq(c->port_map[587], PROTO_SMTP | PORT_IMPLICIT);
	ck_assert_uint_eq(c->ports[PROTO_SMTP][CONFIG_PORT_STARTTLS].n, 1);
	ck_assert_uint_eq(c->ports[PROTO_SMTP][CONFIG_PORT_IMPLICIT].n, 2);
	/* A full list refuses more and changes nothing. */
	for (i = 0; i < CONFIG_MAX_PORTS - 1; i++) {
		snprintf(spec, sizeof(spec), "imap:%d:implicit", 30000 + i);
		ck_assert_int_eq(config_set_port(c, spec), 0);
	}
	ck_assert_int_eq(config_set_port(c, "imap:25:implicit"), -1);
	ck_assert_uint_eq(c->port_map[25], PROTO_SMTP);
	ck_assert_uint_eq(c->ports[PROTO_SMTP][CONFIG_PORT_STARTTLS].n, 1);
	/* ... but takes a port it already holds. */
	ck_assert_int_eq(config_set_port(c, "imap:993:implicit"), 0);
	config_free(c);
}
END_TEST

START_TEST(test_parse_duration)
{
	static const struct { const char *s; uint64_t v; } ok[] = {
		{ "0", 0 }, { "45", 45 }, { "30s", 30 }, { "10m", 600 },
		{ "1h", 3600 }, { "2d", 172800 },
	};
	static const char *const no[] = {
		"", "s", "-1", "+1", "1.5h", "1 h", "10M", "1h30m", "1w",
		"99999999999999999999d", "1d ", " 1d",
	};
	uint64_t	v;
	size_t		i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ck_assert_int_eq(config_parse_duration(ok[i].s, 0, UINT64_MAX,
		    &v), 0);
		ck_assert_uint_eq(v, ok[i].v);
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ck_assert_msg(config_parse_duration(no[i], 0, UINT64_MAX, &v)
		    == -1, "\"%s\" accepted", no[i]);
	ck_assert_int_eq(config_parse_duration("1d", 0, 86399, &v), -1);
	ck_assert_int_eq(config_parse_duration("213503982334601d", 0,
	    UINT64_MAX, &v), 0);
	ck_assert_int_eq(config_parse_duration("213503982334602d", 0,
	    UINT64_MAX, &v), -1);		/* overflows 64 bits */
}
END_TEST

START_TEST(test_set_string)
{
	struct config	*c = config_default();

	ck_assert_int_eq(config_set_string(&c->user, "mailwatch"), 0);
	ck_assert_str_eq(c->user, "mailwatch");
	ck_assert_int_eq(config_set_string(&c->chroot_dir, "/var/empty"), 0);
	ck_assert_int_eq(config_set_string(&c->pidfile, NULL), 0);
	ck_assert_ptr_null(c->pidfile);
	config_free(c);
}
END_TEST

Suite *
config_yaml_suite(void)
{
	Suite	*s = suite_create("config_yaml");
	TCase	*tc;

	tc = tcase_create("shipped");
	tcase_add_test(tc, test_shipped_is_default);
	tcase_add_test(tc, test_empty_mapping_is_default);
	tcase_add_test(tc, test_default_values);
	tcase_add_test(tc, test_keys_documented);
	tcase_add_test(tc, test_endpoints);
	tcase_add_test(tc, test_man_example);
	suite_add_tcase(s, tc);

	tc = tcase_create("config_load");
	tcase_add_test(tc, test_every_key);
	tcase_add_test(tc, test_values);
	tcase_add_loop_test(tc, test_error, 0, (int)(sizeof(bad) /
	    sizeof(bad[0])));
	tcase_add_test(tc, test_not_utf8);
	tcase_add_test(tc, test_file_errors);
	tcase_add_test(tc, test_file_fifo);
	tcase_add_test(tc, test_umask);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 30);	/* ASan; the tests time themselves */
	tcase_add_test(tc, test_alias_bomb);
	tcase_add_test(tc, test_huge_and_deep);
	tcase_add_test(tc, test_list_caps);
	suite_add_tcase(s, tc);

	tc = tcase_create("config_exception_match");
	tcase_add_test(tc, test_exception_match);
	tcase_add_test(tc, test_exception_expiry);
	tcase_add_test(tc, test_exception_prefix_edges);
	suite_add_tcase(s, tc);

	tc = tcase_create("setters");
	tcase_add_test(tc, test_set_port_lists);
	tcase_add_test(tc, test_parse_duration);
	tcase_add_test(tc, test_set_string);
	suite_add_tcase(s, tc);
	return s;
}
