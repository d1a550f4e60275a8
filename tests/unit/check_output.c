/*
 * check_output.c -- output.c and the sinks: the shared formatting helpers,
 * and what a JSON / text event says about a hand-built session.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fields.h"
#include "fmt.h"
#include "output.h"
#include "output_text.h"
#include "unit.h"

static struct conn	*f;

static void
setup(void)
{
	unit_setup();
	f = unit_flow(PROTO_IMAP, FLOW_F_IMPLICIT);
	f->first_ts = 1767225600000000ULL;
	f->last_ts = f->first_ts + 2500000;	/* 2.5 s later */
	f->bytes[DIR_C2S] = 300;
	f->bytes[DIR_S2C] = 900;
	f->pkts[DIR_C2S] = 4;
	f->pkts[DIR_S2C] = 3;
	f->origin = "unit.pcap";
	f->first_pktno = 7;
}

static void
teardown(void)
{
	if (f != NULL)
		unit_flow_free(f);
	f = NULL;
	unit_teardown();
}

static struct tls_client_hello *
add_ch(uint16_t legacy)
{
	struct tls_client_hello	*ch = budget_alloc(sizeof(*ch));

	ck_assert_ptr_nonnull(ch);
	ch->legacy_version = legacy;
	ch->nciphers = 2;
	ch->ciphers[0] = 0x0a0a;		/* GREASE: not listed */
	ch->ciphers[1] = 0xc02b;
	ch->nexts = 1;
	ch->exts[0] = 0;
	ch->length = 100;
	f->sess.ch = ch;
	f->sess.tls[DIR_C2S] = true;
	return ch;
}

static struct tls_server_hello *
add_sh(uint16_t legacy)
{
	struct tls_server_hello	*sh = budget_alloc(sizeof(*sh));

	ck_assert_ptr_nonnull(sh);
	sh->legacy_version = legacy;
	sh->cipher = 0xc009;
	f->sess.sh = sh;
	f->sess.tls[DIR_S2C] = true;
	return sh;
}

/* --- helpers -------------------------------------------------------------------------- */

START_TEST(test_clean)
{
	static const uint8_t	raw[] = { 'o', 'k', 0x00, '\\', 0x7f, 0xff,
	    ' ', '~' };
	char			buf[64];

	ck_assert_uint_eq(field_clean(raw, sizeof(raw), buf, sizeof(buf)),
	    20);
	ck_assert_str_eq(buf, "ok\\x00\\x5c\\x7f\\xff ~");
	ck_assert_uint_eq(field_clean(raw, 0, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "");
}
END_TEST

/* The text format: what could end a token or forge key=value is escaped;
 * field_clean()'s escapes stay as they are. */
START_TEST(test_text_escape)
{
	static const uint8_t	raw[] = { 'a', ' ', 'b', '=', '"', '\\', 0x09 };
	char			clean[64], buf[64];

	field_clean(raw, sizeof(raw), clean, sizeof(clean));
	ck_assert_uint_eq(output_text_escape(clean, buf, sizeof(buf)), 22);
	ck_assert_str_eq(buf, "a\\x20b\\x3d\\x22\\x5c\\x09");
	/* an escape is written whole or not at all */
	ck_assert_uint_eq(output_text_escape("a b", buf, 5), 1);
	ck_assert_str_eq(buf, "a");
	ck_assert_uint_eq(output_text_escape("mail.example", buf, 5), 4);
	ck_assert_str_eq(buf, "mail");
}
END_TEST

START_TEST(test_clean_truncates)
{
	static const uint8_t	abc[] = { 'a', 'b', 'c', 'd', 'e', 'f' };
	static const uint8_t	esc[] = { 'a', 0x01 };
	char			buf[8];

	ck_assert_uint_eq(field_clean(abc, sizeof(abc), buf, 5), 4);
	ck_assert_str_eq(buf, "abcd");
	/* An escape is written whole or not at all. */
	ck_assert_uint_eq(field_clean(esc, sizeof(esc), buf, 6), 5);
	ck_assert_str_eq(buf, "a\\x01");
	ck_assert_uint_eq(field_clean(esc, sizeof(esc), buf, 5), 1);
	ck_assert_str_eq(buf, "a");
	ck_assert_uint_eq(field_clean(abc, sizeof(abc), buf, 1), 0);
	ck_assert_str_eq(buf, "");
	buf[0] = 'X';
	ck_assert_uint_eq(field_clean(abc, sizeof(abc), buf, 0), 0);
	ck_assert_int_eq(buf[0], 'X');		/* nothing written */
}
END_TEST

START_TEST(test_time)
{
	char	buf[FMT_TIME_MAX];

	field_time(0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1970-01-01T00:00:00.000000Z");
	field_time(1767225600123456ULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2026-01-01T00:00:00.123456Z");
	field_time(951782400000001ULL, buf, sizeof(buf));	/* leap day */
	ck_assert_str_eq(buf, "2000-02-29T00:00:00.000001Z");
	field_time(1798761599999999ULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2026-12-31T23:59:59.999999Z");
	/* Beyond year 9999 (a crafted pcap timestamp): strftime's way. */
	field_time(253402300800000000ULL, buf, sizeof(buf));
	ck_assert_str_eq(buf, "10000-01-01T00:00:00.000000Z");
	/* A buffer too short is cut, still a string. */
	field_time(0, buf, 11);
	ck_assert_str_eq(buf, "1970-01-01");
}
END_TEST

START_TEST(test_ip)
{
	char	buf[FIELD_ADDR_MAX];

	field_ip(f, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "192.168.1.10");
	field_ip(f, 1, buf, sizeof(buf));
	ck_assert_str_eq(buf, "10.1.0.1");
	f->family = 6;
	memset(f->cli, 0, 16);
	f->cli[0] = 0x20, f->cli[1] = 0x01, f->cli[2] = 0x0d;
	f->cli[3] = 0xb8, f->cli[15] = 0x01;
	field_ip(f, 0, buf, sizeof(buf));
	ck_assert_str_eq(buf, "2001:db8::1");
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(field_proto(f), "imap");
	f->proto = PROTO_POP3;
	ck_assert_str_eq(field_proto(f), "pop3");
	f->proto = PROTO_SMTP;
	ck_assert_str_eq(field_proto(f), "smtp");
	f->proto = PROTO_TLS;
	ck_assert_str_eq(field_proto(f), "tls");
	ck_assert_str_eq(field_mode(f), "implicit");
	f->fflags = 0;
	ck_assert_str_eq(field_mode(f), "plain");
	f->sess.starttls = STARTTLS_ACCEPTED;
	ck_assert_str_eq(field_mode(f), "starttls");
	f->sess.end = END_NONE;
	ck_assert_str_eq(field_end(f), "unknown");
	f->sess.end = END_FIN;
	ck_assert_str_eq(field_end(f), "fin");
	f->sess.end = END_RST;
	ck_assert_str_eq(field_end(f), "rst");
	f->sess.end = END_TIMEOUT;
	ck_assert_str_eq(field_end(f), "timeout");
	f->sess.end = END_EOF;
	ck_assert_str_eq(field_end(f), "end_of_input");
	f->sess.end = END_EVICTED;
	ck_assert_str_eq(field_end(f), "evicted");
}
END_TEST

/* --- JSON sink ---------------------------------------------------------------------------- */

START_TEST(test_json_legacy_session)
{
	struct tls_client_hello	*ch;
	json_t			*evs, *ev, *a;

	unit_out_open();
	ch = add_ch(0x0301);
	/* SNI bytes from the wire: a quote, a backslash, a control byte. */
	memcpy(ch->sni, "a\"b\\c\x01", 6);
	ch->sni_len = 6;
	add_sh(0x0301);
	f->sess.alert[DIR_S2C].seen = true;
	f->sess.alert[DIR_S2C].level = 1;
	f->sess.alert[DIR_S2C].desc = 112;
	f->sess.end = END_FIN;
	verdict_finish(f);
	evs = unit_out_events();
	ck_assert_uint_eq(json_array_size(evs), 1);
	ev = json_array_get(evs, 0);
	ck_assert_str_eq(unit_jstr(ev, "@timestamp"),
	    "2026-01-01T00:00:00.000000Z");
	ck_assert_int_eq(unit_jint(ev, "event.duration"), 2500000000LL);
	ck_assert_str_eq(unit_jstr(ev, "source.ip"), "192.168.1.10");
	ck_assert_int_eq(unit_jint(ev, "source.bytes"), 300);
	ck_assert_int_eq(unit_jint(ev, "destination.packets"), 3);
	ck_assert_str_eq(unit_jstr(ev, "network.protocol"), "imap");
	ck_assert_str_eq(unit_jstr(ev, "tls.version"), "1.0");
	ck_assert_str_eq(unit_jstr(ev, "tls.version_protocol"), "tls");
	ck_assert(json_is_true(unit_jget(ev, "tls.established")));
	ck_assert_str_eq(unit_jstr(ev, "tls.client.server_name"),
	    "a\"b\\x5cc\\x01");
	a = unit_jget(ev, "tls.client.supported_ciphers");
	ck_assert_uint_eq(json_array_size(a), 1);	/* GREASE left out */
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.reason"), "legacy_client");
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.outcome"), "established");
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.client_max_version"),
	    "TLSv1.0");
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.floor"), "TLSv1.2");
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.alert.level"), "warning");
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.alert.description"),
	    "unrecognized_name");
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.server_hello.cipher"),
	    "0xc009");
	ck_assert_int_eq(unit_jint(ev, "tlsfloor.client_hello.length"), 100);
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.end"), "fin");
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.pcap.file"), "unit.pcap");
	ck_assert_int_eq(unit_jint(ev, "tlsfloor.pcap.packet"), 7);
	/* Implicit TLS: no STARTTLS fields. */
	ck_assert_ptr_null(unit_jget(ev, "tlsfloor.starttls_offered"));
	json_decref(evs);
}
END_TEST


/*
 * A collector whose name does not resolve is kept, at start-up and when a
 * reload opens it anew (it used to make the start fail, and a reload drop
 * it silently): the stats event lists it, with its accounting.
 */
START_TEST(test_remote_unresolvable_kept)
{
	struct config	*c2 = config_default();
	char		 path[64], err[256] = "", *line = NULL;
	size_t		 cap = 0;
	json_t		*ev, *rs, *r;
	FILE		*fp;
	int		 fd, i;

	snprintf(path, sizeof(path), "/tmp/tlsfloor-unit-rem-XXXXXX");
	ck_assert_int_ge(fd = mkstemp(path), 0);
	close(fd);
	ck_assert_ptr_nonnull(c2);
	for (i = 0; i < 2; i++) {
		struct config *c = i == 0 ? unit_cfg : c2;

		c->json_enabled = true;
		c->json_events = CONFIG_EV_STATS;
		ck_assert_int_eq(config_set_string(&c->json_path, path), 0);
		c->remotes = calloc(1, sizeof(*c->remotes));
		ck_assert_ptr_nonnull(c->remotes);
		c->remotes[0].host = strdup("no-such-collector.invalid");
		ck_assert_ptr_nonnull(c->remotes[0].host);
		c->remotes[0].port = 514;
		c->remotes[0].transport = CONFIG_TRANSPORT_TCP;
		c->remotes[0].queue = i == 0 ? 10 : 20;	/* reload: anew */
		c->nremotes = 1;
	}
	ck_assert_msg(output_open(unit_cfg, NULL, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_msg(output_reconfigure(c2, err, sizeof(err)) == 0, "%s",
	    err);
	output_drain(100);		/* nothing held; the deadline set */
	output_stats(1795858829000000ULL, NULL, 0);
	ck_assert_int_eq(output_close(), 0);
	config_free(c2);
	ck_assert_ptr_nonnull(fp = fopen(path, "r"));
	ck_assert_int_gt(getline(&line, &cap, fp), 0);
	fclose(fp);
	unlink(path);
	ck_assert_ptr_nonnull(ev = json_loads(line, 0, NULL));
	rs = json_object_get(json_object_get(ev, "tlsfloor"), "remotes");
	ck_assert_uint_eq(json_array_size(rs), 1);
	r = json_array_get(rs, 0);
	ck_assert_str_eq(json_string_value(json_object_get(r, "name")),
	    "no-such-collector.invalid:514/tcp");
	ck_assert_int_eq(json_integer_value(json_object_get(r, "events")), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "queued")), 0);
	json_decref(ev);
	free(line);
}
END_TEST

/*
 * The session event's line as the JSON file sink writes it, for a flow
 * read from a capture named origin (the name travels as it is: the
 * writer's escaping).  *cap: getline()'s size of the returned buffer.
 */
static char *
json_file_line(const char *origin, size_t *cap)
{
	char	*line = NULL;
	FILE	*fp;
	char	 path[64];
	int	 fd;

	*cap = 0;
	f->origin = origin;
	snprintf(path, sizeof(path), "/tmp/tlsfloor-unit-esc-XXXXXX");
	ck_assert_int_ge(fd = mkstemp(path), 0);
	close(fd);
	unit_cfg->json_enabled = true;
	unit_cfg->json_events = CONFIG_EV_SESSION;
	unit_cfg->session_events_ok = true;
	ck_assert_int_eq(config_set_string(&unit_cfg->json_path, path), 0);
	ck_assert_int_eq(output_open(unit_cfg, NULL, NULL, 0), 0);
	f->sess.end = END_FIN;
	f->bytes[DIR_C2S] = 1;
	verdict_finish(f);
	ck_assert_int_eq(output_close(), 0);
	fp = fopen(path, "r");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_gt(getline(&line, cap, fp), 0);
	fclose(fp);
	unlink(path);
	return line;
}

/*
 * The writer escapes as jansson does: every control byte, quote and
 * backslash; UTF-8 as it is (JSON file) or as \uXXXX with surrogate pairs
 * (syslog); bytes that are not UTF-8 as U+FFFD.  Checked byte for byte
 * against jansson's own dump of the same string.
 */
START_TEST(test_json_escaping)
{
	static const char	valid[] =
	    "\x01\x02\x08\x09\x0a\x0c\x0d\x1f \"\\/~\x7f"
	    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 end";
	static const char	invalid[] = "a\xff b\xc3 c\xed\xa0\x80 d";
	json_t		*evs, *ev, *str;
	char		*want, *line, *at;
	size_t		 cap;
	struct jw	 w = { 0 }, a = { 0 };

	line = json_file_line(valid, &cap);
	str = json_string(valid);
	ck_assert_ptr_nonnull(str);
	want = json_dumps(str, JSON_ENCODE_ANY);
	at = strstr(line, "\"file\":");
	ck_assert_ptr_nonnull(at);
	ck_assert_msg(strncmp(at + 7, want, strlen(want)) == 0,
	    "writer: %.80s\njansson: %s", at + 7, want);
	free(want);

	/* The syslog form: ASCII only, as JSON_ENSURE_ASCII says. */
	w.p = line;
	w.n = strlen(line) - 1;		/* no newline */
	w.cap = cap;
	ck_assert(oj_ascii(&a, &w));
	ck_assert(jw_nul(&a));
	want = json_dumps(str, JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
	at = strstr(a.p, "\"file\":");
	ck_assert_ptr_nonnull(at);
	ck_assert_msg(strncmp(at + 7, want, strlen(want)) == 0,
	    "ascii: %.80s\njansson: %s", at + 7, want);
	free(want);
	json_decref(str);
	jw_free(&a);

	/* Not UTF-8: U+FFFD, and the line still parses. */
	unit_out_open();
	f->origin = invalid;
	verdict_finish(f);
	evs = unit_out_events();
	ev = json_array_get(evs, 0);
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.pcap.file"),
	    "a\xef\xbf\xbd b\xef\xbf\xbd c\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd d");
	json_decref(evs);
	free(line);
	f->origin = "unit.pcap";
}
END_TEST

/*
 * The writer takes eight plain bytes at a time: every ASCII byte and a
 * two-, three- and four-byte UTF-8 character at each of the positions in
 * and across an eight-byte step, long runs of plain bytes around them,
 * must still come out as jansson writes them.
 */
START_TEST(test_json_escaping_steps)
{
	static const char	*mb[] = { "\xc3\xa9", "\xe2\x82\xac",
	    "\xf0\x9f\x98\x80" };
	char		*s, *o, *want, *line, *at;
	size_t		 cap, k, b, m, j;
	json_t		*str;

	s = o = malloc(16 * (128 + 3) * 12 + 64);
	ck_assert_ptr_nonnull(s);
	for (k = 0; k < 16; k++) {
		for (b = 1; b < 128; b++) {
			for (j = 0; j < k; j++)
				*o++ = (char)('a' + j);
			*o++ = (char)b;
		}
		for (m = 0; m < 3; m++) {
			for (j = 0; j < k; j++)
				*o++ = (char)('A' + j);
			o = stpcpy(o, mb[m]);
		}
	}
	(void)stpcpy(o, "0123456789abcdefghijklmnopqrstuvwxyz");
	line = json_file_line(s, &cap);
	str = json_string(s);
	ck_assert_ptr_nonnull(str);
	want = json_dumps(str, JSON_ENCODE_ANY);
	at = strstr(line, "\"file\":");
	ck_assert_ptr_nonnull(at);
	for (j = 0; want[j] != '\0' && at[7 + j] == want[j]; j++)
		;
	ck_assert_msg(want[j] == '\0', "differs at %zu: writer %.40s\n"
	    "jansson %.40s", j, at + 7 + j, want + j);
	free(want);
	json_decref(str);
	free(line);
	free(s);
	f->origin = "unit.pcap";
}
END_TEST

START_TEST(test_json_anomalies)
{
	json_t	*evs, *a;

	unit_out_open();
	add_ch(0x0303)->partial = true;
	f->sess.hello_gap[DIR_C2S] = true;
	f->sess.not_tls[DIR_S2C] = true;
	f->sess.stream_gap = true;
	f->sess.stream_conflict = true;
	verdict_finish(f);
	evs = unit_out_events();
	a = unit_jget(json_array_get(evs, 0), "tlsfloor.anomalies");
	ck_assert_uint_eq(json_array_size(a), 5);
	ck_assert_str_eq(json_string_value(json_array_get(a, 0)),
	    "client_hello_lost");
	ck_assert_str_eq(json_string_value(json_array_get(a, 1)),
	    "client_hello_partial");
	ck_assert_str_eq(json_string_value(json_array_get(a, 2)),
	    "server_not_tls");
	ck_assert_str_eq(json_string_value(json_array_get(a, 3)),
	    "stream_gap");
	ck_assert_str_eq(json_string_value(json_array_get(a, 4)),
	    "overlap_conflict");
	ck_assert_str_eq(unit_jstr(json_array_get(evs, 0), "tlsfloor.outcome"),
	    "gap");
	json_decref(evs);
}
END_TEST

START_TEST(test_json_starttls_fields)
{
	json_t	*evs, *ev;

	unit_out_open();
	f->fflags = 0;
	f->proto = PROTO_SMTP;
	f->sess.mail_lines = 5;
	f->sess.starttls = STARTTLS_REFUSED;
	f->sess.starttls_offered = true;
	verdict_finish(f);
	evs = unit_out_events();
	ev = json_array_get(evs, 0);
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.starttls"), "refused");
	ck_assert(json_is_true(unit_jget(ev, "tlsfloor.starttls_offered")));
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.mode"), "plain");
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.outcome"),
	    "starttls_refused");
	ck_assert_ptr_null(unit_jget(ev, "tls"));
	ck_assert(json_is_null(unit_jget(ev, "tlsfloor.client_max_version")));
	json_decref(evs);
}
END_TEST

START_TEST(test_json_tls13_hrr)
{
	struct tls_client_hello	*ch;
	struct tls_server_hello	*sh;
	json_t			*evs, *ev, *a;

	unit_out_open();
	ch = add_ch(0x0303);
	ch->has_versions = true;
	ch->nversions = 2;
	ch->versions[0] = 0x0a0a;
	ch->versions[1] = 0x0304;
	sh = add_sh(0x0303);
	sh->selected = 0x0304;
	sh->cipher = 0x1301;
	sh->hrr = true;
	verdict_finish(f);
	evs = unit_out_events();
	ev = json_array_get(evs, 0);
	ck_assert_str_eq(unit_jstr(ev, "tls.version"), "1.3");
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.negotiated_version"),
	    "TLSv1.3");
	a = unit_jget(ev, "tlsfloor.client_hello.supported_versions");
	ck_assert_uint_eq(json_array_size(a), 2);
	ck_assert_str_eq(json_string_value(json_array_get(a, 0)), "0x0a0a");
	ck_assert_str_eq(json_string_value(json_array_get(a, 1)), "0x0304");
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.server_hello.selected_version"),
	    "0x0304");
	ck_assert(json_is_true(unit_jget(ev,
	    "tlsfloor.server_hello.hello_retry_request")));
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.reason"), "ok");
	json_decref(evs);
}
END_TEST

START_TEST(test_json_sslv2_and_unknown_version)
{
	struct tls_client_hello	*ch;
	struct tls_server_hello	*sh;
	json_t			*evs, *ev;

	unit_out_open();
	ch = add_ch(0x0002);
	ch->sslv2 = true;
	sh = add_sh(0x0305);			/* a version with no name */
	(void)sh;
	f->sess.bad_hello[DIR_S2C] = true;
	verdict_finish(f);
	evs = unit_out_events();
	ev = json_array_get(evs, 0);
	ck_assert(json_is_true(unit_jget(ev, "tlsfloor.client_hello.sslv2")));
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.client_max_version"),
	    "SSLv2");
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.negotiated_version"),
	    "0x0305");
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.reason"), "legacy_client");
	ck_assert_str_eq(json_string_value(json_array_get(unit_jget(ev,
	    "tlsfloor.anomalies"), 0)), "bad_server_hello");
	json_decref(evs);
}
END_TEST

/* --- text sink ------------------------------------------------------------------------------ */

START_TEST(test_text_line)
{
	char	 path[] = "/tmp/tlsfloor-unit-text-XXXXXX";
	char	 line[512];
	FILE	*fp;
	int	 fd;
	struct tls_client_hello	*ch;

	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	unit_cfg->json_enabled = false;
	unit_cfg->text_enabled = true;
	ck_assert_int_eq(config_set_string(&unit_cfg->text_path, path), 0);
	ck_assert_int_eq(output_open(unit_cfg, NULL, NULL, 0), 0);
	ch = add_ch(0x0302);
	memcpy(ch->sni, "mail\nx", 6);
	ch->sni_len = 6;
	f->sess.alert[DIR_S2C].seen = true;
	f->sess.alert[DIR_S2C].level = 2;
	f->sess.alert[DIR_S2C].desc = 70;
	verdict_finish(f);
	ck_assert_int_eq(output_close(), 0);
	fp = fopen(path, "r");
	ck_assert_ptr_nonnull(fp);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), fp));
	ck_assert_ptr_null(fgets(line + strlen(line), 2, fp)); /* one line */
	fclose(fp);
	unlink(path);
	unit_cfg->text_enabled = false;
	unit_cfg->json_enabled = true;
	ck_assert_msg(strncmp(line, "2026-01-01T00:00:00Z imap implicit ",
	    35) == 0, "%s", line);
	ck_assert_ptr_nonnull(strstr(line, "192.168.1.10:40000 -> 10.1.0.1:993"));
	ck_assert_ptr_nonnull(strstr(line, " TLSv1.1 "));
	ck_assert_ptr_nonnull(strstr(line, " refused "));
	ck_assert_ptr_nonnull(strstr(line, " legacy_refused"));
	ck_assert_ptr_nonnull(strstr(line, " sni=mail\\x0ax"));
	ck_assert_ptr_nonnull(strstr(line,
	    " alert=server:fatal:protocol_version\n"));
}
END_TEST

/* Community ID v1: the spec's example (corelight/community-id-spec),
 * either way round, and a seed that changes it. */
START_TEST(test_community_id)
{
	struct conn	fl;
	char		id[OJ_COMMUNITY_ID_MAX];
	static const uint8_t a[4] = { 128, 232, 110, 120 };
	static const uint8_t b[4] = { 66, 35, 250, 204 };

	memset(&fl, 0, sizeof(fl));
	fl.family = 4;
	memcpy(fl.cli, a, 4);
	memcpy(fl.srv, b, 4);
	fl.cli_port = 34855;
	fl.srv_port = 80;
	ck_assert_uint_eq(oj_community_id(&fl, 0, id, sizeof(id)), 30);
	ck_assert_str_eq(id, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
	memcpy(fl.cli, b, 4);
	memcpy(fl.srv, a, 4);
	fl.cli_port = 80;
	fl.srv_port = 34855;
	oj_community_id(&fl, 0, id, sizeof(id));
	ck_assert_str_eq(id, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
	oj_community_id(&fl, 1, id, sizeof(id));
	ck_assert_str_ne(id, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=");
	ck_assert_uint_eq(oj_community_id(&fl, 0, id, 10), 0);	/* no room */
}
END_TEST

Suite *
output_suite(void)
{
	Suite	*s = suite_create("output");
	TCase	*tc;

	tc = tcase_create("helpers");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_community_id);
	tcase_add_test(tc, test_clean);
	tcase_add_test(tc, test_clean_truncates);
	tcase_add_test(tc, test_text_escape);
	tcase_add_test(tc, test_time);
	tcase_add_test(tc, test_ip);
	tcase_add_test(tc, test_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("sinks");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_json_legacy_session);
	tcase_add_test(tc, test_json_escaping);
	tcase_add_test(tc, test_remote_unresolvable_kept);
	tcase_add_test(tc, test_json_escaping_steps);
	tcase_add_test(tc, test_json_anomalies);
	tcase_add_test(tc, test_json_starttls_fields);
	tcase_add_test(tc, test_json_tls13_hrr);
	tcase_add_test(tc, test_json_sslv2_and_unknown_version);
	tcase_add_test(tc, test_text_line);
	suite_add_tcase(s, tc);
	return s;
}
