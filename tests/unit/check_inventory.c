/*
 * check_inventory.c -- inventory.c: sessions folded into records, report
 * order, the JSON and CSV files, and writing them atomically.
 *
 * Each test gets a fresh temporary directory (removed in teardown) and
 * builds sessions by hand with sess().
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "inventory.h"
#include "unit.h"

Suite	*inventory_suite(void);

#define SEC	1000000ULL	/* us */
#define T0	(1767225600ULL * SEC)	/* 2026-01-01T00:00:00Z */

static char		 dir[64];
static struct inventory	*inv;

/* --- helpers ------------------------------------------------------------- */

static void
rmtree(const char *path)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 st;
	char		 p[512];

	if (lstat(path, &st) == -1)
		return;
	if (S_ISDIR(st.st_mode)) {
		chmod(path, 0700);
		if ((d = opendir(path)) != NULL) {
			while ((e = readdir(d)) != NULL) {
				if (strcmp(e->d_name, ".") == 0 ||
				    strcmp(e->d_name, "..") == 0)
					continue;
				snprintf(p, sizeof(p), "%s/%s", path,
				    e->d_name);
				rmtree(p);
			}
			closedir(d);
		}
		rmdir(path);
	} else
		unlink(path);
}

static void
setup(void)
{
	memset(stats, 0, sizeof(stats));
	snprintf(dir, sizeof(dir), "/tmp/check_inventory.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	inv = inventory_new(1000);
	ck_assert_ptr_nonnull(inv);
}

static void
teardown(void)
{
	inventory_free(inv);
	inv = NULL;
	rmtree(dir);
}

/* A session: addresses as text (the family follows), ts in seconds after
 * T0, reason by name. */
static struct inv_session
sess(const char *cli, const char *srv, uint16_t port, uint8_t proto,
    const char *mode, uint16_t cmax, uint16_t neg, const char *reason,
    uint64_t ts)
{
	struct inv_session	s;

	memset(&s, 0, sizeof(s));
	s.family = strchr(cli, ':') != NULL ? 6 : 4;
	ck_assert_int_eq(inet_pton(s.family == 4 ? AF_INET : AF_INET6, cli,
	    s.cli), 1);
	ck_assert_int_eq(inet_pton(s.family == 4 ? AF_INET : AF_INET6, srv,
	    s.srv), 1);
	s.srv_port = port;
	s.proto = proto;
	s.mode = mode;
	s.client_max = cmax;
	s.negotiated = neg;
	s.reason_name = reason;
	s.ts = T0 + ts * SEC;
	return s;
}

static void
add(const char *cli, const char *srv, uint16_t port, const char *reason,
    uint64_t ts)
{
	struct inv_session	s = sess(cli, srv, port, PROTO_IMAP,
				    "starttls", TLS_V_1_2, TLS_V_1_2, reason,
				    ts);

	inventory_add(inv, &s);
}

/* Record i in report order; the caller decrefs. */
static json_t *
rec(size_t i)
{
	json_t	*r = inventory_record_json(inv, i);

	ck_assert_ptr_nonnull(r);
	return r;
}

static char *
slurp(const char *path)
{
	FILE	*fp;
	char	*buf;
	long	 n;

	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	ck_assert_int_eq(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

static void
write_ok(const char *name)
{
	char	path[128], err[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_msg(inventory_write(inv, path, T0 + 3600 * SEC, err,
	    sizeof(err)) == 0, "%s", err);
}

/* The file's text, or NULL when it does not exist.  free() it. */
static char *
file(const char *name)
{
	char	path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return slurp(path);
}

/* The n-th line (0: header) of a CSV text, CRLF dropped. */
static char *
csv_line(const char *csv, int n)
{
	const char	*p = csv, *e;
	char		*l;

	while (n-- > 0) {
		ck_assert_ptr_nonnull(p = strstr(p, "\r\n"));
		p += 2;
	}
	ck_assert_ptr_nonnull(e = strstr(p, "\r\n"));
	l = strndup(p, (size_t)(e - p));
	ck_assert_ptr_nonnull(l);
	return l;
}

/* Entries in dir whose name contains s. */
static int
count_entries(const char *s)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	ck_assert_ptr_nonnull(d = opendir(dir));
	while ((e = readdir(d)) != NULL)
		if (strstr(e->d_name, s) != NULL)
			n++;
	closedir(d);
	return n;
}

static json_t *
load_json(const char *name)
{
	char		 path[128];
	json_error_t	 je;
	json_t		*j;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	j = json_load_file(path, 0, &je);
	ck_assert_msg(j != NULL, "%s:%d: %s", name, je.line, je.text);
	return j;
}

/* --- aggregation --------------------------------------------------------- */

START_TEST(test_aggregate)
{
	struct inv_session	s;
	json_t			*r;

	/* Three sessions of one client, added out of time order. */
	s = sess("10.0.0.5", "10.0.0.1", 143, PROTO_IMAP, "starttls",
	    TLS_V_1_0, TLS_V_1_0, "legacy_client", 100);
	s.sni = "imap.example.test";
	s.cipher = 0xc014;
	s.cipher_name = "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA";
	s.ja3 = "aaaa";
	s.ja4 = "t10d0000_000000000000_000000000000";
	inventory_add(inv, &s);
	s = sess("10.0.0.5", "10.0.0.1", 143, PROTO_IMAP, "starttls",
	    TLS_V_1_2, TLS_V_1_2, "ok", 300);
	s.sni = "imap.example.test";	/* again: kept once */
	s.cipher = 0xc02f;
	s.cipher_name = "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
	inventory_add(inv, &s);
	/* Earliest start, but ended (and so added) last. */
	s = sess("10.0.0.5", "10.0.0.1", 143, PROTO_IMAP, "plain",
	    0, 0, "plaintext", 50);
	s.sni = "alt.example.test";
	inventory_add(inv, &s);

	ck_assert_uint_eq(inventory_count(inv), 1);
	ck_assert_uint_eq(stats[STAT_INV_RECORDS], 1);
	r = rec(0);
	ck_assert_str_eq(unit_jstr(r, "client"), "10.0.0.5");
	ck_assert_str_eq(unit_jstr(r, "server"), "10.0.0.1");
	ck_assert_int_eq(unit_jint(r, "server_port"), 143);
	ck_assert_str_eq(unit_jstr(r, "protocol"), "imap");
	ck_assert_int_eq(unit_jint(r, "sessions"), 3);
	ck_assert_str_eq(unit_jstr(r, "negotiated_min_version"), "TLSv1.0");
	ck_assert_str_eq(unit_jstr(r, "negotiated_max_version"), "TLSv1.2");
	ck_assert_str_eq(unit_jstr(r, "client_max_version"), "TLSv1.2");
	ck_assert_str_eq(unit_jstr(r, "first_seen"), "2026-01-01T00:00:50Z");
	ck_assert_str_eq(unit_jstr(r, "last_seen"), "2026-01-01T00:05:00Z");
	/* The verdict: the worst within the window (the legacy session at
	 * 50 s, though an ok one came later); the mode: the latest start
	 * (300 s), not the last added (50 s). */
	ck_assert_str_eq(unit_jstr(r, "verdict"), "legacy_client");
	ck_assert_str_eq(unit_jstr(r, "mode"), "starttls");
	ck_assert_int_eq(json_array_size(unit_jget(r, "modes")), 2);
	ck_assert_str_eq(json_string_value(json_array_get(unit_jget(r,
	    "modes"), 0)), "starttls");
	ck_assert_str_eq(json_string_value(json_array_get(unit_jget(r,
	    "modes"), 1)), "plain");
	/* Reasons worst first. */
	{
		json_t		*rs = unit_jget(r, "reasons");
		void		*it = json_object_iter(rs);

		ck_assert_str_eq(json_object_iter_key(it), "legacy_client");
		it = json_object_iter_next(rs, it);
		ck_assert_str_eq(json_object_iter_key(it), "plaintext");
		it = json_object_iter_next(rs, it);
		ck_assert_str_eq(json_object_iter_key(it), "ok");
		ck_assert_ptr_null(json_object_iter_next(rs, it));
		ck_assert_int_eq(unit_jint(rs, "legacy_client"), 1);
		ck_assert_int_eq(unit_jint(rs, "ok"), 1);
	}
	/* Sets sorted, duplicates once. */
	ck_assert_int_eq(json_array_size(unit_jget(r, "sni")), 2);
	ck_assert_str_eq(json_string_value(json_array_get(unit_jget(r,
	    "sni"), 0)), "alt.example.test");
	ck_assert_int_eq(json_array_size(unit_jget(r, "ciphers")), 2);
	ck_assert_str_eq(json_string_value(json_array_get(unit_jget(r,
	    "ciphers"), 0)), "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
	ck_assert_int_eq(json_array_size(unit_jget(r, "ja3")), 1);
	ck_assert_int_eq(json_array_size(unit_jget(r, "ja4")), 1);
	ck_assert(json_is_null(unit_jget(r, "endpoint_label")));
	ck_assert(json_is_null(unit_jget(r, "exception")));
	ck_assert_int_eq(json_array_size(unit_jget(r, "truncated")), 0);
	json_decref(r);
}
END_TEST

/*
 * Never better than the worst of the window: a refused legacy client
 * stays legacy_refused after ok sessions, until the window has passed
 * over it; a shorter window (a reload) judges every record again; among
 * reasons of one rank the later wins.
 */
START_TEST(test_worst_in_window)
{
	json_t	*r;

	add("10.0.0.5", "10.0.0.1", 143, "legacy_refused", 0);
	add("10.0.0.5", "10.0.0.1", 143, "ok", 86400);
	add("10.0.0.5", "10.0.0.1", 143, "ok", 2 * 86400);
	r = rec(0);
	ck_assert_str_eq(unit_jstr(r, "verdict"), "legacy_refused");
	json_decref(r);
	add("10.0.0.5", "10.0.0.1", 143, "ok", 30 * 86400);	/* the edge */
	r = rec(0);
	ck_assert_str_eq(unit_jstr(r, "verdict"), "legacy_refused");
	json_decref(r);
	add("10.0.0.5", "10.0.0.1", 143, "ok", 30 * 86400 + 1);
	r = rec(0);
	ck_assert_str_eq(unit_jstr(r, "verdict"), "ok");
	ck_assert_int_eq(unit_jint(unit_jget(r, "reasons"), "legacy_refused"),
	    1);
	json_decref(r);

	/* Sessions added out of order: the window still ends at the
	 * latest; one before it does not count, one inside it does. */
	add("10.0.0.5", "10.0.0.1", 143, "plaintext", 0);
	r = rec(0);
	ck_assert_str_eq(unit_jstr(r, "verdict"), "ok");
	json_decref(r);
	add("10.0.0.5", "10.0.0.1", 143, "plaintext", 5);
	r = rec(0);
	ck_assert_str_eq(unit_jstr(r, "verdict"), "plaintext");
	json_decref(r);

	/* Another client: legacy at day 0, ok at day 2; 1-day window. */
	add("10.0.0.6", "10.0.0.1", 143, "legacy_client", 0);
	add("10.0.0.6", "10.0.0.1", 143, "ok", 2 * 86400);
	r = rec(0);
	ck_assert_str_eq(unit_jstr(r, "client"), "10.0.0.6");
	ck_assert_str_eq(unit_jstr(r, "verdict"), "legacy_client");
	json_decref(r);
	inventory_set_window(inv, 86400);
	r = rec(0);
	ck_assert_str_eq(unit_jstr(r, "verdict"), "ok");
	json_decref(r);
	inventory_set_window(inv, 3 * 86400);
	r = rec(0);
	ck_assert_str_eq(unit_jstr(r, "client"), "10.0.0.6");
	ck_assert_str_eq(unit_jstr(r, "verdict"), "legacy_client");
	json_decref(r);

	/* unknown and a name we do not know rank alike: the later wins */
	add("10.0.0.7", "10.0.0.1", 143, "brand_new", 10);
	add("10.0.0.7", "10.0.0.1", 143, "unknown", 20);
	add("10.0.0.7", "10.0.0.1", 143, "ok", 30);
	r = rec(1);	/* after 10.0.0.6; 10.0.0.5 is ok in a 3-day window */
	ck_assert_str_eq(unit_jstr(r, "client"), "10.0.0.7");
	ck_assert_str_eq(unit_jstr(r, "verdict"), "unknown");
	json_decref(r);
}
END_TEST

/* The latest session decides even when sessions tie on start time: the
 * one added last wins. */
START_TEST(test_current_tie)
{
	json_t	*r;

	add("10.0.0.5", "10.0.0.1", 143, "ok", 10);
	add("10.0.0.5", "10.0.0.1", 143, "legacy_client", 10);
	r = rec(0);
	ck_assert_str_eq(unit_jstr(r, "verdict"), "legacy_client");
	json_decref(r);
}
END_TEST

START_TEST(test_versions)
{
	struct inv_session	s;
	json_t			*r;

	/* A TLS 1.3 draft counts as TLS 1.3; an unnamed value prints as
	 * hex; SSLv3 is below TLS 1.0. */
	s = sess("10.0.0.5", "10.0.0.1", 993, PROTO_IMAP, "implicit",
	    0x7f1c, 0x7f1c, "ok", 1);
	inventory_add(inv, &s);
	s = sess("10.0.0.5", "10.0.0.1", 993, PROTO_IMAP, "implicit",
	    0x0305, TLS_V_SSL3, "legacy_client", 2);
	inventory_add(inv, &s);
	r = rec(0);
	ck_assert_str_eq(unit_jstr(r, "client_max_version"), "0x0305");
	ck_assert_str_eq(unit_jstr(r, "negotiated_min_version"), "SSLv3");
	ck_assert_str_eq(unit_jstr(r, "negotiated_max_version"), "TLSv1.3");
	json_decref(r);

	/* Nothing known: nulls. */
	s = sess("10.0.0.6", "10.0.0.1", 110, PROTO_POP3, "plain", 0, 0,
	    "plaintext", 1);
	inventory_add(inv, &s);
	r = rec(1);
	ck_assert_str_eq(unit_jstr(r, "client"), "10.0.0.6");
	ck_assert(json_is_null(unit_jget(r, "client_max_version")));
	ck_assert(json_is_null(unit_jget(r, "negotiated_min_version")));
	ck_assert(json_is_null(unit_jget(r, "negotiated_max_version")));
	ck_assert_int_eq(json_array_size(unit_jget(r, "ciphers")), 0);
	json_decref(r);
}
END_TEST

/* The reason enum stands in when no name is given. */
START_TEST(test_reason_enum)
{
	struct inv_session	s = sess("10.0.0.5", "10.0.0.1", 143,
				    PROTO_IMAP, "starttls", TLS_V_1_0, 0,
				    NULL, 1);
	json_t			*r;

	s.reason = RS_LEGACY_REFUSED;
	inventory_add(inv, &s);
	r = rec(0);
	ck_assert_str_eq(unit_jstr(r, "verdict"), "legacy_refused");
	json_decref(r);
}
END_TEST

START_TEST(test_distinct_keys)
{
	struct inv_session	s;

	add("10.0.0.5", "10.0.0.1", 143, "ok", 1);
	add("10.0.0.5", "10.0.0.1", 993, "ok", 1);	/* port */
	add("10.0.0.5", "10.0.0.2", 143, "ok", 1);	/* server */
	add("10.0.0.6", "10.0.0.1", 143, "ok", 1);	/* client */
	s = sess("10.0.0.5", "10.0.0.1", 143, PROTO_POP3, "starttls",
	    TLS_V_1_2, TLS_V_1_2, "ok", 1);		/* protocol */
	inventory_add(inv, &s);
	ck_assert_uint_eq(inventory_count(inv), 5);

	/* IPv4 keys use the first 4 bytes only. */
	s = sess("10.0.0.5", "10.0.0.1", 143, PROTO_IMAP, "starttls",
	    TLS_V_1_2, TLS_V_1_2, "ok", 2);
	memset(s.cli + 4, 0xee, 12);
	memset(s.srv + 4, 0x55, 12);
	inventory_add(inv, &s);
	ck_assert_uint_eq(inventory_count(inv), 5);
	ck_assert_uint_eq(stats[STAT_INV_RECORDS], 5);

	/* Not IPv4 or IPv6: ignored. */
	s.family = 0;
	inventory_add(inv, &s);
	inventory_add(inv, NULL);
	inventory_add(NULL, &s);
	ck_assert_uint_eq(inventory_count(inv), 5);
}
END_TEST

START_TEST(test_ipv6)
{
	struct inv_session	s;
	json_t			*r;

	add("fd00:7:1::10", "fd00:7:2::1", 993, "legacy_client", 1);
	add("fd00:7:1::10", "fd00:7:2::1", 993, "legacy_client", 2);
	add("fd00:7:1::9", "fd00:7:2::1", 993, "legacy_client", 1);
	/* Same first 4 bytes as an IPv4 key must not meet it. */
	s = sess("10.0.0.5", "10.0.0.1", 993, PROTO_IMAP, "implicit",
	    TLS_V_1_0, TLS_V_1_0, "legacy_client", 1);
	inventory_add(inv, &s);
	s.family = 6;
	inventory_add(inv, &s);
	ck_assert_uint_eq(inventory_count(inv), 4);

	/* IPv4 first, then IPv6 by address. */
	r = rec(0);
	ck_assert_str_eq(unit_jstr(r, "client"), "10.0.0.5");
	json_decref(r);
	r = rec(1);
	ck_assert_str_eq(unit_jstr(r, "client"), "a00:5::");
	ck_assert_str_eq(unit_jstr(r, "server"), "a00:1::");
	json_decref(r);
	r = rec(2);
	ck_assert_str_eq(unit_jstr(r, "client"), "fd00:7:1::9");
	json_decref(r);
	r = rec(3);
	ck_assert_str_eq(unit_jstr(r, "client"), "fd00:7:1::10");
	ck_assert_str_eq(unit_jstr(r, "server"), "fd00:7:2::1");
	ck_assert_int_eq(unit_jint(r, "sessions"), 2);
	json_decref(r);
}
END_TEST

/* Many keys: the table grows and every key still finds its record. */
START_TEST(test_many)
{
	struct inv_session	s;
	size_t			i;
	json_t			*r;

	inventory_free(inv);
	inv = inventory_new(100000);
	ck_assert_ptr_nonnull(inv);
	s = sess("10.0.0.0", "10.1.0.1", 143, PROTO_IMAP, "starttls",
	    TLS_V_1_2, TLS_V_1_2, "ok", 1);
	for (i = 0; i < 2 * 20000; i++) {
		s.cli[2] = (uint8_t)((i % 20000) >> 8);
		s.cli[3] = (uint8_t)(i % 20000);
		inventory_add(inv, &s);
	}
	ck_assert_uint_eq(inventory_count(inv), 20000);
	ck_assert_uint_eq(stats[STAT_INV_RECORDS], 20000);
	r = rec(19999);
	ck_assert_str_eq(unit_jstr(r, "client"), "10.0.78.31");
	ck_assert_int_eq(unit_jint(r, "sessions"), 2);
	json_decref(r);
}
END_TEST

/* --- order --------------------------------------------------------------- */

START_TEST(test_order)
{
	static const char *const want[][3] = {
		/* verdict, client, server:port */
		{ "legacy_refused", "10.0.0.9", "10.0.0.1:143" },
		{ "exception_expired", "10.0.0.3", "10.0.0.1:143" },
		{ "legacy_client", "10.0.0.2", "10.0.0.1:143" },
		{ "legacy_client", "10.0.0.10", "10.0.0.1:110" },
		{ "legacy_client", "10.0.0.10", "10.0.0.1:143" },
		{ "legacy_client", "10.0.0.10", "10.0.0.2:25" },
		{ "legacy_negotiated", "10.0.0.1", "10.0.0.1:143" },
		{ "plaintext", "10.0.0.1", "10.0.0.1:110" },
		{ "unknown", "10.0.0.4", "10.0.0.1:143" },
		{ "brand_new", "10.0.0.5", "10.0.0.1:143" },
		{ "unknown", "10.0.0.6", "10.0.0.1:143" },
		{ "ok", "1.2.3.4", "10.0.0.1:143" },
	};
	json_t	*r;
	char	 sp[64];
	size_t	 i;

	/* Added in no useful order. */
	add("1.2.3.4", "10.0.0.1", 143, "ok", 1);
	add("10.0.0.10", "10.0.0.2", 25, "legacy_client", 1);
	add("10.0.0.6", "10.0.0.1", 143, "unknown", 1);
	add("10.0.0.1", "10.0.0.1", 110, "plaintext", 1);
	add("10.0.0.10", "10.0.0.1", 143, "legacy_client", 1);
	add("10.0.0.5", "10.0.0.1", 143, "brand_new", 1); /* ranks as unknown */
	add("10.0.0.1", "10.0.0.1", 143, "legacy_negotiated", 1);
	add("10.0.0.2", "10.0.0.1", 143, "legacy_client", 1);
	add("10.0.0.4", "10.0.0.1", 143, "unknown", 1);
	add("10.0.0.10", "10.0.0.1", 110, "legacy_client", 1);
	add("10.0.0.3", "10.0.0.1", 143, "exception_expired", 1);
	/* Was ok, now refused: the current verdict moves it up. */
	add("10.0.0.9", "10.0.0.1", 143, "ok", 1);
	add("10.0.0.9", "10.0.0.1", 143, "legacy_refused", 2);

	ck_assert_uint_eq(inventory_count(inv), 12);
	for (i = 0; i < 12; i++) {
		r = rec(i);
		snprintf(sp, sizeof(sp), "%s:%d", unit_jstr(r, "server"),
		    (int)unit_jint(r, "server_port"));
		ck_assert_msg(strcmp(unit_jstr(r, "verdict"), want[i][0]) ==
		    0 && strcmp(unit_jstr(r, "client"), want[i][1]) == 0 &&
		    strcmp(sp, want[i][2]) == 0, "record %zu: %s %s %s", i,
		    unit_jstr(r, "verdict"), unit_jstr(r, "client"), sp);
		json_decref(r);
	}
	ck_assert_ptr_null(inventory_record_json(inv, 12));
}
END_TEST

#define SRV(c)	(strchr((c), ':') != NULL ? "fd00::9" : "10.9.9.9")

/* Two inventories fed the same sessions in different orders write the
 * same bytes. */
START_TEST(test_deterministic)
{
	static const char *const c[] = { "10.0.0.3", "10.0.0.1", "10.0.0.2",
	    "fd00::1", "10.0.0.20" };
	char	*a, *b;
	size_t	 i;

	for (i = 0; i < 5; i++) {
		add(c[i], SRV(c[i]), 143, "legacy_client", i);
		add(c[i], SRV(c[i]), 993, "ok", i);
	}
	write_ok("a");
	inventory_free(inv);
	inv = inventory_new(1000);
	for (i = 5; i-- > 0;) {
		add(c[i], SRV(c[i]), 993, "ok", i);
		add(c[i], SRV(c[i]), 143, "legacy_client", i);
	}
	write_ok("b");
	a = file("a.json");
	b = file("b.json");
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	a = file("a.csv");
	b = file("b.csv");
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
}
END_TEST

/* --- CSV ----------------------------------------------------------------- */

#define CSV_HEADER "client,server,server_port,protocol,verdict," \
	"client_max_version,negotiated_min_version,negotiated_max_version," \
	"mode,modes,sessions,reasons,first_seen,last_seen,sni,ciphers,ja3," \
	"ja4,endpoint_label,exception_owner,exception_expires," \
	"exception_ticket,truncated"

START_TEST(test_csv_plain)
{
	struct inv_session	s;
	char			*csv, *l;

	s = sess("192.168.18.10", "10.18.0.1", 993, PROTO_IMAP, "implicit",
	    TLS_V_1_1, TLS_V_1_1, "legacy_client", 0);
	s.sni = "mail.example.test";
	s.cipher = 0xc014;
	s.cipher_name = "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA";
	s.ja3 = "d1e2";
	s.ja4 = "t11d1200_aaaaaaaaaaaa_bbbbbbbbbbbb";
	s.endpoint_label = "scanner 3rd floor";
	inventory_add(inv, &s);
	s.ts += 60 * SEC;
	s.cipher = 0x0035;
	s.cipher_name = NULL;
	s.mode = "plain";
	s.reason_name = "plaintext";
	inventory_add(inv, &s);
	write_ok("inv.csv");
	/* Only the CSV was asked for. */
	ck_assert_ptr_null(file("inv.csv.json"));
	ck_assert_ptr_null(file("inv.json"));
	csv = file("inv.csv");
	ck_assert_ptr_nonnull(csv);
	l = csv_line(csv, 0);
	ck_assert_str_eq(l, CSV_HEADER);
	free(l);
	l = csv_line(csv, 1);
	ck_assert_str_eq(l, "192.168.18.10,10.18.0.1,993,imap,legacy_client,"
	    "TLSv1.1,TLSv1.1,TLSv1.1,plain,implicit;plain,2,"
	    "legacy_client=1;plaintext=1,2026-01-01T00:00:00Z,"
	    "2026-01-01T00:01:00Z,mail.example.test,"
	    "0x0035;TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,d1e2,"
	    "t11d1200_aaaaaaaaaaaa_bbbbbbbbbbbb,scanner 3rd floor,,,,");
	free(l);
	/* Two lines, each CRLF-terminated, nothing after. */
	l = strstr(strstr(csv, "\r\n") + 2, "\r\n");
	ck_assert_str_eq(l, "\r\n");
	free(csv);
}
END_TEST

START_TEST(test_csv_quoting)
{
	struct inv_session	s;
	struct config_exception	e;
	char			*csv, *l;

	memset(&e, 0, sizeof(e));
	e.owner = (char *)"-Ops, \"Mail\" team";	/* '-': defused */
	e.ticket = (char *)"@SUM(1)";			/* '@': defused */
	memcpy(e.expires, "2026-07-01", 11);
	s = sess("10.0.0.5", "10.0.0.1", 143, PROTO_IMAP, "starttls",
	    TLS_V_1_0, TLS_V_1_0, "legacy_client", 0);
	s.sni = "=HYPERLINK(\"http://x\",\"y\")";	/* injection */
	s.endpoint_label = "+line\nbreak";	/* LF cleaned to \x0a */
	s.exception = &e;
	inventory_add(inv, &s);
	s.sni = "a;b,c";		/* ';' inside a list value */
	inventory_add(inv, &s);
	write_ok("q.csv");
	csv = file("q.csv");
	l = csv_line(csv, 1);
	ck_assert_str_eq(l, "10.0.0.5,10.0.0.1,143,imap,legacy_client,"
	    "TLSv1.0,TLSv1.0,TLSv1.0,starttls,starttls,2,legacy_client=2,"
	    "2026-01-01T00:00:00Z,2026-01-01T00:00:00Z,"
	    /* sorted: '=' (0x3d) before 'a' (0x61) */
	    "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\");a\\x3bb,c\","
	    ",,,"
	    "'+line\\x0abreak,"
	    "\"'-Ops, \"\"Mail\"\" team\",2026-07-01,'@SUM(1),");
	free(l);
	free(csv);
}
END_TEST

/* Every value leading with a formula character gets the quote; others
 * do not. */
START_TEST(test_csv_injection)
{
	static const char *const sni[] = { "=1+2", "+1", "-1", "@x",
	    "plain", "a=b" };
	struct inv_session	s;
	char			*csv, *l, want[64];
	size_t			i;

	for (i = 0; i < 6; i++) {
		s = sess("10.0.0.5", "10.0.0.1", (uint16_t)(100 + i),
		    PROTO_IMAP, "starttls", TLS_V_1_2, TLS_V_1_2, "ok", 0);
		s.sni = sni[i];
		inventory_add(inv, &s);
	}
	write_ok("i.csv");
	csv = file("i.csv");
	for (i = 0; i < 6; i++) {
		l = csv_line(csv, (int)i + 1);
		snprintf(want, sizeof(want), ",%s%s,,,,,,,,",
		    i < 4 ? "'" : "", sni[i]);
		ck_assert_msg(strstr(l, want) != NULL, "%s lacks %s", l,
		    want);
		free(l);
	}
	free(csv);
}
END_TEST

/* --- strings ------------------------------------------------------------- */

START_TEST(test_strings_cleaned)
{
	struct inv_session	s;
	struct config_exception	e;
	json_t			*r;

	memset(&e, 0, sizeof(e));
	e.owner = (char *)"J\xc3\xb6rg M\xc3\xbcller";	/* valid UTF-8 */
	memcpy(e.expires, "2026-07-01XYZ", sizeof(e.expires)); /* no NUL */
	s = sess("10.0.0.5", "10.0.0.1", 143, PROTO_IMAP, "starttls",
	    TLS_V_1_0, TLS_V_1_0, "legacy_client", 0);
	s.sni = "bad\x01\xff";			/* control, invalid UTF-8 */
	s.endpoint_label = "caf\xc3";		/* cut UTF-8 */
	s.exception = &e;
	inventory_add(inv, &s);
	r = rec(0);
	ck_assert_str_eq(json_string_value(json_array_get(unit_jget(r,
	    "sni"), 0)), "bad\\x01\\xff");
	ck_assert_str_eq(unit_jstr(r, "endpoint_label"), "caf\\xc3");
	ck_assert_str_eq(unit_jstr(r, "exception.owner"),
	    "J\xc3\xb6rg M\xc3\xbcller");
	ck_assert_str_eq(unit_jstr(r, "exception.expires"), "2026-07-01");
	json_decref(r);
}
END_TEST

START_TEST(test_sets_bounded)
{
	struct inv_session	s;
	json_t			*r, *a;
	char			 name[32], ja[8];
	int			 i;

	s = sess("10.0.0.5", "10.0.0.1", 143, PROTO_IMAP, "starttls",
	    TLS_V_1_2, TLS_V_1_2, "ok", 0);
	for (i = 0; i < 12; i++) {
		snprintf(name, sizeof(name), "h%02d.example.test", 11 - i);
		snprintf(ja, sizeof(ja), "j%02d", 11 - i);
		s.sni = name;
		s.ja3 = ja;
		s.ja4 = ja;
		s.cipher = (uint16_t)(0x1300 + i);
		inventory_add(inv, &s);
	}
	r = rec(0);
	a = unit_jget(r, "sni");
	/* The first 8 seen (h11..h04), sorted. */
	ck_assert_int_eq(json_array_size(a), INV_MAX_SNI);
	ck_assert_str_eq(json_string_value(json_array_get(a, 0)),
	    "h04.example.test");
	ck_assert_str_eq(json_string_value(json_array_get(a, 7)),
	    "h11.example.test");
	ck_assert_int_eq(json_array_size(unit_jget(r, "ciphers")),
	    INV_MAX_CIPHERS);
	ck_assert_str_eq(json_string_value(json_array_get(unit_jget(r,
	    "ciphers"), 0)), "0x1300");
	ck_assert_int_eq(json_array_size(unit_jget(r, "ja3")), INV_MAX_JA3);
	ck_assert_int_eq(json_array_size(unit_jget(r, "ja4")), INV_MAX_JA4);
	a = unit_jget(r, "truncated");
	ck_assert_int_eq(json_array_size(a), 4);
	ck_assert_str_eq(json_string_value(json_array_get(a, 0)), "sni");
	ck_assert_str_eq(json_string_value(json_array_get(a, 3)), "ja4");
	ck_assert_int_eq(unit_jint(r, "sessions"), 12);
	json_decref(r);
}
END_TEST

/* --- exceptions ---------------------------------------------------------- */

START_TEST(test_exception)
{
	struct inv_session	s;
	struct config_exception	e, e2;
	json_t			*r;
	char			*csv, *l;

	memset(&e, 0, sizeof(e));
	e.owner = (char *)"ops@example.test";
	e.ticket = (char *)"CHG-1234";
	e.note = (char *)"old scanner";
	memcpy(e.expires, "2026-07-01", 11);
	e2 = e;
	e2.owner = (char *)"helpdesk";
	e2.ticket = NULL;
	memcpy(e2.expires, "2026-09-30", 11);

	s = sess("10.0.0.5", "10.0.0.1", 995, PROTO_POP3, "implicit",
	    TLS_V_1_0, TLS_V_1_0, "legacy_client", 10);
	s.exception = &e;
	inventory_add(inv, &s);
	/* Later, the exception has expired (no live one matched): the
	 * record keeps naming it. */
	s.exception = NULL;
	s.reason_name = "exception_expired";
	s.ts = T0 + 20 * SEC;
	inventory_add(inv, &s);
	r = rec(0);
	ck_assert_str_eq(unit_jstr(r, "verdict"), "exception_expired");
	ck_assert_str_eq(unit_jstr(r, "exception.owner"), "ops@example.test");
	ck_assert_str_eq(unit_jstr(r, "exception.expires"), "2026-07-01");
	ck_assert_str_eq(unit_jstr(r, "exception.ticket"), "CHG-1234");
	ck_assert_ptr_null(unit_jget(r, "exception.note"));
	json_decref(r);

	/* An older session with another exception does not win... */
	s.exception = &e2;
	s.reason_name = "legacy_client";
	s.ts = T0 + 5 * SEC;
	inventory_add(inv, &s);
	r = rec(0);
	ck_assert_str_eq(unit_jstr(r, "exception.owner"), "ops@example.test");
	ck_assert_str_eq(unit_jstr(r, "verdict"), "exception_expired");
	json_decref(r);
	/* ...a newer one does. */
	s.ts = T0 + 30 * SEC;
	inventory_add(inv, &s);
	r = rec(0);
	ck_assert_str_eq(unit_jstr(r, "exception.owner"), "helpdesk");
	ck_assert(json_is_null(unit_jget(r, "exception.ticket")));
	/* the expired exception's session is still in the window */
	ck_assert_str_eq(unit_jstr(r, "verdict"), "exception_expired");
	json_decref(r);

	write_ok("e.csv");
	csv = file("e.csv");
	l = csv_line(csv, 1);
	ck_assert_msg(strstr(l, ",helpdesk,2026-09-30,,") != NULL, "%s", l);
	ck_assert_msg(strstr(l, ",exception_expired=1;legacy_client=3,") !=
	    NULL, "%s", l);
	free(l);
	free(csv);
}
END_TEST

/* --- JSON file and JA4 groups --------------------------------------------- */

static void
add_ja4(const char *cli, const char *srv, const char *ja4)
{
	struct inv_session	s = sess(cli, srv, 143, PROTO_IMAP,
				    "starttls", TLS_V_1_0, TLS_V_1_0,
				    "legacy_client", 0);

	s.ja4 = ja4;
	inventory_add(inv, &s);
}

START_TEST(test_json_file)
{
	json_t	*j, *g, *recs, *r;
	size_t	 i;

	add_ja4("10.0.0.3", "10.0.0.1", "t10d_old");
	add_ja4("10.0.0.1", "10.0.0.1", "t10d_old");
	add_ja4("10.0.0.1", "10.0.0.2", "t10d_old");	/* same client */
	add_ja4("10.0.0.2", "10.0.0.1", "t10d_old");
	add_ja4("10.0.0.2", "10.0.0.1", "t13d_new");	/* 2 JA4s */
	add_ja4("10.0.0.9", "10.0.0.1", "t12d_mid");
	add_ja4("fd00::9", "fd00::1", "t12d_mid");
	add_ja4("10.0.0.7", "10.0.0.1", "t11d_one");
	add("10.0.0.8", "10.0.0.1", 143, "ok", 0);	/* no JA4 */
	write_ok("inv");

	j = load_json("inv.json");
	ck_assert_str_eq(unit_jstr(j, "generated"), "2026-01-01T01:00:00Z");
	ck_assert_int_eq(unit_jint(j, "sessions_dropped"), 0);
	recs = unit_jget(j, "records");
	ck_assert_uint_eq(json_array_size(recs), inventory_count(inv));
	/* The file's records are inventory_record_json()'s. */
	for (i = 0; i < json_array_size(recs); i++) {
		r = rec(i);
		ck_assert(json_equal(r, json_array_get(recs, i)));
		json_decref(r);
	}
	/* Most clients first, then by JA4; clients in address order,
	 * each once. */
	g = unit_jget(j, "ja4_groups");
	ck_assert_uint_eq(json_array_size(g), 4);
	r = json_array_get(g, 0);
	ck_assert_str_eq(unit_jstr(r, "ja4"), "t10d_old");
	ck_assert_int_eq(unit_jint(r, "count"), 3);
	ck_assert_uint_eq(json_array_size(unit_jget(r, "clients")), 3);
	ck_assert_str_eq(json_string_value(json_array_get(unit_jget(r,
	    "clients"), 0)), "10.0.0.1");
	ck_assert_str_eq(json_string_value(json_array_get(unit_jget(r,
	    "clients"), 2)), "10.0.0.3");
	r = json_array_get(g, 1);
	ck_assert_str_eq(unit_jstr(r, "ja4"), "t12d_mid");
	ck_assert_int_eq(unit_jint(r, "count"), 2);
	ck_assert_str_eq(json_string_value(json_array_get(unit_jget(r,
	    "clients"), 1)), "fd00::9");
	r = json_array_get(g, 2);
	ck_assert_str_eq(unit_jstr(r, "ja4"), "t11d_one");
	r = json_array_get(g, 3);
	ck_assert_str_eq(unit_jstr(r, "ja4"), "t13d_new");
	ck_assert_int_eq(unit_jint(r, "count"), 1);
	json_decref(j);

	/* The CSV came too, one row per record. */
	{
		char	*csv = file("inv.csv");
		int	 n = 0;
		char	*p;

		ck_assert_ptr_nonnull(csv);
		for (p = csv; (p = strstr(p, "\r\n")) != NULL; p += 2)
			n++;
		ck_assert_int_eq(n, 1 + (int)inventory_count(inv));
		free(csv);
	}
	ck_assert_uint_eq(stats[STAT_INV_WRITES], 1);
	ck_assert_uint_eq(stats[STAT_INV_WRITE_ERRORS], 0);
}
END_TEST

START_TEST(test_empty)
{
	json_t	*j;
	char	*csv;

	write_ok("empty");
	j = load_json("empty.json");
	ck_assert_uint_eq(json_array_size(unit_jget(j, "records")), 0);
	ck_assert_uint_eq(json_array_size(unit_jget(j, "ja4_groups")), 0);
	json_decref(j);
	csv = file("empty.csv");
	ck_assert_str_eq(csv, CSV_HEADER "\r\n");
	free(csv);
	ck_assert_uint_eq(inventory_count(inv), 0);
	ck_assert_ptr_null(inventory_record_json(inv, 0));
}
END_TEST

/* --- the record limit ---------------------------------------------------- */

START_TEST(test_limit)
{
	json_t	*j, *r;

	inventory_free(inv);
	inv = inventory_new(2);
	ck_assert_ptr_nonnull(inv);
	add("10.0.0.1", "10.0.0.9", 143, "ok", 1);
	add("10.0.0.2", "10.0.0.9", 143, "ok", 1);
	add("10.0.0.3", "10.0.0.9", 143, "legacy_client", 1);	/* dropped */
	add("10.0.0.3", "10.0.0.9", 143, "legacy_client", 2);	/* again */
	/* Existing records still update. */
	add("10.0.0.1", "10.0.0.9", 143, "legacy_refused", 3);
	ck_assert_uint_eq(inventory_count(inv), 2);
	ck_assert_uint_eq(stats[STAT_INV_RECORDS], 2);
	ck_assert_uint_eq(stats[STAT_INV_FULL], 2);
	r = rec(0);
	ck_assert_str_eq(unit_jstr(r, "client"), "10.0.0.1");
	ck_assert_int_eq(unit_jint(r, "sessions"), 2);
	ck_assert_str_eq(unit_jstr(r, "verdict"), "legacy_refused");
	json_decref(r);
	write_ok("lim");
	j = load_json("lim.json");
	ck_assert_int_eq(unit_jint(j, "sessions_dropped"), 2);
	json_decref(j);

	/* No records at all. */
	inventory_free(inv);
	inv = inventory_new(0);
	ck_assert_ptr_nonnull(inv);
	add("10.0.0.1", "10.0.0.9", 143, "ok", 1);
	ck_assert_uint_eq(inventory_count(inv), 0);
	ck_assert_uint_eq(stats[STAT_INV_FULL], 3);
}
END_TEST

/* --- writing atomically --------------------------------------------------- */

/* An existing file is replaced whole: the new content, nothing of the old
 * (a longer) file, and a new inode (renamed over, not rewritten). */
START_TEST(test_replace)
{
	char		 path[128], *csv, *junk;
	struct stat	 before, after;
	FILE		*fp;
	mode_t		 um = umask(022);

	umask(um);
	snprintf(path, sizeof(path), "%s/r.csv", dir);
	ck_assert_ptr_nonnull(fp = fopen(path, "w"));
	junk = malloc(100000);
	memset(junk, 'x', 100000);
	fwrite(junk, 1, 100000, fp);
	fclose(fp);
	free(junk);
	ck_assert_int_eq(stat(path, &before), 0);
	add("10.0.0.1", "10.0.0.9", 143, "ok", 1);
	write_ok("r.csv");
	ck_assert_int_eq(stat(path, &after), 0);
	ck_assert(before.st_ino != after.st_ino);
	csv = file("r.csv");
	ck_assert_ptr_null(strstr(csv, "xxx"));
	ck_assert_uint_eq((size_t)after.st_size, strlen(csv));
	ck_assert_ptr_nonnull(strstr(csv, "10.0.0.1,10.0.0.9,143,"));
	free(csv);
	ck_assert_int_eq(count_entries(".tmp."), 0);
	/* The mode fopen() would give, not mkstemp()'s 0600. */
	ck_assert_int_eq(after.st_mode & 0777, 0666 & ~um);
}
END_TEST

START_TEST(test_write_no_dir)
{
	char	path[128], err[256], want[256];

	add("10.0.0.1", "10.0.0.9", 143, "ok", 1);
	snprintf(path, sizeof(path), "%s/nope/inv", dir);
	ck_assert_int_eq(inventory_write(inv, path, T0, err, sizeof(err)),
	    -1);
	snprintf(want, sizeof(want), "%s/nope/inv.json: %s", dir,
	    strerror(ENOENT));
	ck_assert_str_eq(err, want);
	ck_assert_uint_eq(stats[STAT_INV_WRITE_ERRORS], 1);
	ck_assert_uint_eq(stats[STAT_INV_WRITES], 0);
	/* A NULL err is fine. */
	ck_assert_int_eq(inventory_write(inv, path, T0, NULL, 0), -1);
	ck_assert_int_eq(inventory_write(inv, "", T0, err, sizeof(err)), -1);
}
END_TEST

/* The rename fails (a directory sits where the file goes): the temporary
 * file, complete by then, must go. */
START_TEST(test_write_rename_fails)
{
	char	path[128], err[256];

	add("10.0.0.1", "10.0.0.9", 143, "ok", 1);
	snprintf(path, sizeof(path), "%s/d.csv", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_eq(inventory_write(inv, path, T0, err, sizeof(err)),
	    -1);
	ck_assert_msg(strstr(err, "/d.csv: ") != NULL, "%s", err);
	ck_assert_int_eq(count_entries(".tmp."), 0);
	ck_assert_int_eq(count_entries("d.csv"), 1);
}
END_TEST

/* The write itself fails half way (file size limit): old file intact,
 * no temporary file. */
START_TEST(test_write_midway_fails)
{
	struct rlimit	 old, lim;
	char		 path[128], err[256], *csv;
	FILE		*fp;
	int		 i, rc;

	snprintf(path, sizeof(path), "%s/m.csv", dir);
	ck_assert_ptr_nonnull(fp = fopen(path, "w"));
	fputs("old\r\n", fp);
	fclose(fp);
	for (i = 0; i < 500; i++) {
		char	cli[32];

		snprintf(cli, sizeof(cli), "10.0.%d.%d", i / 250, i % 250);
		add(cli, "10.0.0.9", 143, "ok", 1);
	}
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 4096;
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	rc = inventory_write(inv, path, T0, err, sizeof(err));
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	ck_assert_int_eq(rc, -1);
	ck_assert_msg(strstr(err, strerror(EFBIG)) != NULL, "%s", err);
	csv = file("m.csv");
	ck_assert_str_eq(csv, "old\r\n");
	free(csv);
	ck_assert_int_eq(count_entries(".tmp."), 0);
}
END_TEST

/*
 * A directory we may not write to.  Root writes anywhere, so as root the
 * write runs in a child that has dropped to nobody first.
 */
START_TEST(test_write_readonly_dir)
{
	char	 path[128], err[256] = "", want[256];
	int	 fds[2], status;
	pid_t	 pid;
	ssize_t	 n;

	add("10.0.0.1", "10.0.0.9", 143, "ok", 1);
	snprintf(path, sizeof(path), "%s/old.csv", dir);
	{
		FILE	*fp = fopen(path, "w");

		ck_assert_ptr_nonnull(fp);
		fputs("old\r\n", fp);
		fclose(fp);
	}
	ck_assert_int_eq(chmod(dir, 0555), 0);
	ck_assert_int_eq(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		close(fds[0]);
		if (geteuid() == 0 && (setgroups(0, NULL) == -1 ||
		    setgid(65534) == -1 || setuid(65534) == -1))
			_exit(2);
		if (inventory_write(inv, path, T0, err, sizeof(err)) != -1)
			_exit(3);
		if (write(fds[1], err, strlen(err)) < 0)
			_exit(4);
		_exit(0);
	}
	ck_assert_int_ge(pid, 0);
	close(fds[1]);
	n = read(fds[0], err, sizeof(err) - 1);
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "child status %d", status);
	ck_assert_int_gt(n, 0);
	err[n] = '\0';
	snprintf(want, sizeof(want), "%s: %s", path, strerror(EACCES));
	ck_assert_str_eq(err, want);
	ck_assert_int_eq(chmod(dir, 0700), 0);
	ck_assert_int_eq(count_entries(".tmp."), 0);
	{
		char	*csv = file("old.csv");

		ck_assert_str_eq(csv, "old\r\n");
		free(csv);
	}
}
END_TEST

Suite *
inventory_suite(void)
{
	Suite	*s = suite_create("inventory");
	TCase	*tc;

	tc = tcase_create("add");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_aggregate);
	tcase_add_test(tc, test_current_tie);
	tcase_add_test(tc, test_worst_in_window);
	tcase_add_test(tc, test_versions);
	tcase_add_test(tc, test_reason_enum);
	tcase_add_test(tc, test_distinct_keys);
	tcase_add_test(tc, test_ipv6);
	tcase_add_test(tc, test_many);
	tcase_add_test(tc, test_strings_cleaned);
	tcase_add_test(tc, test_sets_bounded);
	tcase_add_test(tc, test_exception);
	tcase_add_test(tc, test_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("order");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_order);
	tcase_add_test(tc, test_deterministic);
	suite_add_tcase(s, tc);

	tc = tcase_create("files");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_csv_plain);
	tcase_add_test(tc, test_csv_quoting);
	tcase_add_test(tc, test_csv_injection);
	tcase_add_test(tc, test_json_file);
	tcase_add_test(tc, test_empty);
	suite_add_tcase(s, tc);

	tc = tcase_create("write");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_replace);
	tcase_add_test(tc, test_write_no_dir);
	tcase_add_test(tc, test_write_rename_fails);
	tcase_add_test(tc, test_write_midway_fails);
	tcase_add_test(tc, test_write_readonly_dir);
	suite_add_tcase(s, tc);
	return s;
}
