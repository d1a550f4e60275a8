/*
 * check_config.c -- config.c: defaults, --port specs, --floor values.
 */
#include <stdlib.h>

#include "unit.h"

static struct config	*cfg;

static void
setup(void)
{
	cfg = config_default();
	ck_assert_ptr_nonnull(cfg);
}

static void
teardown(void)
{
	config_free(cfg);
	cfg = NULL;
}

/* --- config_default ---------------------------------------------------------- */

START_TEST(test_default_values)
{
	unsigned	port, n = 0;

	ck_assert_uint_eq(cfg->floor, 0x0303);
	ck_assert(cfg->json_enabled);
	ck_assert_int_eq(cfg->scope, SCOPE_MAIL);
	ck_assert_str_eq(cfg->json_path, "-");
	ck_assert_uint_eq(cfg->max_flows, LIMIT_DEF_MAX_FLOWS);
	ck_assert_uint_eq(cfg->idle_timeout, LIMIT_DEF_IDLE_TIMEOUT);
	ck_assert_uint_eq(cfg->linger, LIMIT_DEF_LINGER);
	ck_assert_uint_eq(cfg->memcap, LIMIT_DEF_MEMCAP);
	ck_assert_uint_eq(cfg->stream_buf, LIMIT_DEF_STREAM_BUF);
	ck_assert_uint_eq(cfg->plain_depth, LIMIT_DEF_PLAIN_DEPTH);
	/* RFC 1939/2595, RFC 3501/8314, RFC 5321/6409/8314. */
	ck_assert_uint_eq(cfg->port_map[110], PROTO_POP3);
	ck_assert_uint_eq(cfg->port_map[995], PROTO_POP3 | PORT_IMPLICIT);
	ck_assert_uint_eq(cfg->port_map[143], PROTO_IMAP);
	ck_assert_uint_eq(cfg->port_map[993], PROTO_IMAP | PORT_IMPLICIT);
	ck_assert_uint_eq(cfg->port_map[25], PROTO_SMTP);
	ck_assert_uint_eq(cfg->port_map[587], PROTO_SMTP);
	ck_assert_uint_eq(cfg->port_map[465], PROTO_SMTP | PORT_IMPLICIT);
	for (port = 0; port < 65536; port++)
		n += cfg->port_map[port] != 0;
	ck_assert_uint_eq(n, 7);		/* and nothing else */
}
END_TEST

/* --- config_set_port ----------------------------------------------------------- */

START_TEST(test_port_valid)
{
	ck_assert_int_eq(config_set_port(cfg, "imap:10143"), 0);
	ck_assert_uint_eq(cfg->port_map[10143], PROTO_IMAP);
	ck_assert_int_eq(config_set_port(cfg, "pop3:10995:implicit"), 0);
	ck_assert_uint_eq(cfg->port_map[10995], PROTO_POP3 | PORT_IMPLICIT);
	ck_assert_int_eq(config_set_port(cfg, "smtp:2525"), 0);
	ck_assert_uint_eq(cfg->port_map[2525], PROTO_SMTP);
	/* Protocol and keyword are case-insensitive. */
	ck_assert_int_eq(config_set_port(cfg, "SMTP:2465:Implicit"), 0);
	ck_assert_uint_eq(cfg->port_map[2465], PROTO_SMTP | PORT_IMPLICIT);
	/* The edges of the port range. */
	ck_assert_int_eq(config_set_port(cfg, "imap:1"), 0);
	ck_assert_uint_eq(cfg->port_map[1], PROTO_IMAP);
	ck_assert_int_eq(config_set_port(cfg, "imap:65535"), 0);
	ck_assert_uint_eq(cfg->port_map[65535], PROTO_IMAP);
}
END_TEST

START_TEST(test_port_redefine)
{
	/* A default port can be re-declared, e.g. 143 as implicit TLS. */
	ck_assert_int_eq(config_set_port(cfg, "imap:143:implicit"), 0);
	ck_assert_uint_eq(cfg->port_map[143], PROTO_IMAP | PORT_IMPLICIT);
	ck_assert_int_eq(config_set_port(cfg, "pop3:143"), 0);
	ck_assert_uint_eq(cfg->port_map[143], PROTO_POP3);
}
END_TEST

START_TEST(test_port_invalid)
{
	static const char *const bad[] = {
		"",			/* nothing */
		"imap",			/* no port */
		"imap:",		/* empty port */
		":143",			/* no protocol */
		"ftp:21",		/* not a mail protocol */
		"ima:143",		/* a prefix of a name */
		"imapx:143",		/* a name plus more */
		"imap:0",		/* port 0 */
		"imap:65536",		/* out of range */
		"imap:99999999999999999999",	/* overflows strtoul */
		"imap:-1",		/* negative wraps to ULONG_MAX */
		"imap:143x",		/* trailing junk */
		"imap:143:",		/* empty keyword */
		"imap:143:starttls",	/* unknown keyword */
		"imap:143:implicitx",
		"imap:143:implicit:1",
		"imap:14 3",
	};
	uint8_t		before[65536];
	size_t		i;

	memcpy(before, cfg->port_map, sizeof(before));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(config_set_port(cfg, bad[i]) == -1,
		    "\"%s\" accepted", bad[i]);
	/* A rejected spec changes nothing. */
	ck_assert_mem_eq(before, cfg->port_map, sizeof(before));
}
END_TEST

/* --- config_parse_floor ---------------------------------------------------------- */

START_TEST(test_floor_valid)
{
	static const struct { const char *s; uint16_t v; } ok[] = {
		{ "1.0", 0x0301 }, { "1.1", 0x0302 },
		{ "1.2", 0x0303 }, { "1.3", 0x0304 },
		{ "TLSv1.0", 0x0301 }, { "tlsv1.3", 0x0304 },
		{ "TLS1.1", 0x0302 }, { "tls1.2", 0x0303 },
		{ "TlSv1.2", 0x0303 },
	};
	size_t		i;
	uint16_t	v;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		v = 0;
		ck_assert_msg(config_parse_floor(ok[i].s, &v) == 0,
		    "\"%s\" rejected", ok[i].s);
		ck_assert_uint_eq(v, ok[i].v);
	}
}
END_TEST

START_TEST(test_floor_invalid)
{
	static const char *const bad[] = {
		"", "1", "1.4", "1.", "2.0", "0.9", "1.2 ", " 1.2", "1.2.0",
		"v1.2", "TLSv", "TLS", "TLS 1.2", "TLSv 1.2", "SSLv3", "3.0",
		"tlsvv1.2", "1,2",
	};
	size_t		i;
	uint16_t	v;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 0xbeef;
		ck_assert_msg(config_parse_floor(bad[i], &v) == -1,
		    "\"%s\" accepted", bad[i]);
		ck_assert_uint_eq(v, 0xbeef);	/* untouched */
	}
}
END_TEST

/* --- config_parse_size -------------------------------------------------------------- */

START_TEST(test_size_valid)
{
	static const struct { const char *s; uint64_t v; } ok[] = {
		{ "0", 0 }, { "1", 1 }, { "4096", 4096 },
		{ "64k", 64u << 10 }, { "64K", 64u << 10 },
		{ "512m", 512ull << 20 }, { "2G", 2ull << 30 },
		{ "007", 7 },
	};
	size_t		i;
	uint64_t	v;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		v = 12345;
		ck_assert_msg(config_parse_size(ok[i].s, 0, UINT64_MAX, &v) == 0,
		    "\"%s\" rejected", ok[i].s);
		ck_assert_uint_eq(v, ok[i].v);
	}
	/* The bounds are inclusive. */
	ck_assert_int_eq(config_parse_size("1k", 1024, 1024, &v), 0);
	ck_assert_uint_eq(v, 1024);
	ck_assert_int_eq(config_parse_size("18446744073709551615", 0,
	    UINT64_MAX, &v), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
}
END_TEST

START_TEST(test_size_invalid)
{
	static const char *const bad[] = {
		"", "k", "-1", "+1", " 1", "1 ", "1kb", "1.5M", "1T", "0x10",
		"1kk", "18446744073709551616",		/* 2^64 */
		"17179869184G",				/* 2^64 after * 2^30 */
		"18014398509481984k",			/* 2^64 after * 2^10 */
	};
	size_t		i;
	uint64_t	v;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 12345;
		ck_assert_msg(config_parse_size(bad[i], 0, UINT64_MAX, &v) == -1,
		    "\"%s\" accepted", bad[i]);
		ck_assert_uint_eq(v, 12345);
	}
	/* Out of [min, max]. */
	ck_assert_int_eq(config_parse_size("1023", 1024, 4096, &v), -1);
	ck_assert_int_eq(config_parse_size("5k", 1024, 4096, &v), -1);
	ck_assert_int_eq(config_parse_size("0", 1, 10, &v), -1);
	ck_assert_uint_eq(v, 12345);
}
END_TEST

Suite *
config_suite(void)
{
	Suite	*s = suite_create("config");
	TCase	*tc;

	tc = tcase_create("config_default");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_default_values);
	suite_add_tcase(s, tc);

	tc = tcase_create("config_set_port");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_port_valid);
	tcase_add_test(tc, test_port_redefine);
	tcase_add_test(tc, test_port_invalid);
	suite_add_tcase(s, tc);

	tc = tcase_create("config_parse_size");
	tcase_add_test(tc, test_size_valid);
	tcase_add_test(tc, test_size_invalid);
	suite_add_tcase(s, tc);

	tc = tcase_create("config_parse_floor");
	tcase_add_test(tc, test_floor_valid);
	tcase_add_test(tc, test_floor_invalid);
	suite_add_tcase(s, tc);
	return s;
}
