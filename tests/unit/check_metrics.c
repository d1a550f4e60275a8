/*
 * check_metrics.c -- metrics.c: label escaping, the rendered file, and the
 * atomic write.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "metrics.h"
#include "output.h"
#include "stats.h"
#include "unit.h"

/* What fn writes to a FILE, as a string (caller frees). */
static char *
rendered_label(const char *v)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	metrics_label(fp, v);
	fclose(fp);
	return buf;
}

static char *
rendered(const struct metrics_in *in)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	metrics_render(fp, in);
	fclose(fp);
	return buf;
}

/* The exposition format: \ -> \\, " -> \", newline -> \n; else as is. */
START_TEST(test_label_escape)
{
	static const struct { const char *in, *out; } v[] = {
		{ "", "" },
		{ "eth0", "eth0" },
		{ "a\\b", "a\\\\b" },
		{ "say \"hi\"", "say \\\"hi\\\"" },
		{ "two\nlines", "two\\nlines" },
		{ "\\\"\n", "\\\\\\\"\\n" },
		{ "[2001:db8::1]:514/tcp", "[2001:db8::1]:514/tcp" },
		{ "tab\there", "tab\there" },	/* tabs need no escape */
		{ "caf\xc3\xa9", "caf\xc3\xa9" },	/* UTF-8 passes */
	};
	size_t	i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char *got = rendered_label(v[i].in);

		ck_assert_str_eq(got, v[i].out);
		free(got);
	}
}
END_TEST

/* Counters by name and family, labels escaped, HELP/TYPE once each. */
START_TEST(test_render)
{
	struct output_capstat	cap[2] = {
		{ "eth0", 100, 7, 1 },
		{ "we\"ird\\if", 5, 0, 0 },
	};
	struct output_remotestat rem[1] = { { "192.0.2.1:514/udp", 10, 0, 3, 1,
	    2 } };
	struct config		*cfg = config_default();
	struct metrics_in	 in;
	time_t			 now = 86400 * 20000;	/* day 20000 */
	char			*out;

	ck_assert_ptr_nonnull(cfg);
	memset(stats, 0, sizeof(uint64_t) * STAT_MAX);
	stats[STAT_PKTS] = 42;
	stats[STAT_SESSIONS] = 5;
	stats[STAT_RS_LEGACY_CLIENT] = 3;
	stats[STAT_RS_OK] = 2;
	stats[STAT_FLOW_EVICTED] = 9;
	/* three exceptions: expiring in 3 days, in 30 days, expired */
	cfg->exceptions = calloc(3, sizeof(*cfg->exceptions));
	ck_assert_ptr_nonnull(cfg->exceptions);
	cfg->nexceptions = 3;
	cfg->exceptions[0].expires_days = 20003;
	cfg->exceptions[1].expires_days = 20030;
	cfg->exceptions[2].expires_days = 19999;
	memset(&in, 0, sizeof(in));
	in.cfg = cfg;
	in.now_us = (uint64_t)now * 1000000u;
	in.start_us = 1700000000ull * 1000000u;
	in.cap = cap;
	in.ncap = 2;
	in.rem = rem;
	in.nrem = 1;
	out = rendered(&in);

	ck_assert_ptr_nonnull(strstr(out,
	    "# TYPE tlsfloor_capture_packets_total counter\n"
	    "tlsfloor_capture_packets_total 42\n"));
	ck_assert_ptr_nonnull(strstr(out, "\ntlsfloor_session_total 5\n"));
	ck_assert_ptr_null(strstr(out, "_total_total"));
	ck_assert_ptr_nonnull(strstr(out,
	    "tlsfloor_sessions_total{reason=\"legacy_client\"} 3\n"));
	ck_assert_ptr_nonnull(strstr(out,
	    "tlsfloor_sessions_total{reason=\"ok\"} 2\n"));
	ck_assert_ptr_nonnull(strstr(out,
	    "tlsfloor_sessions_total{reason=\"plaintext\"} 0\n"));
	ck_assert_ptr_nonnull(strstr(out,
	    "tlsfloor_flow_evicted_total 9\n"));
	ck_assert_ptr_nonnull(strstr(out,
	    "tlsfloor_capture_dropped_total{interface=\"eth0\"} 7\n"));
	ck_assert_ptr_nonnull(strstr(out,
	    "tlsfloor_capture_received_total{interface=\"we\\\"ird\\\\if\"} "
	    "5\n"));
	ck_assert_ptr_nonnull(strstr(out,
	    "tlsfloor_remote_dropped_total{output=\"192.0.2.1:514/udp\"} 3\n"));
	ck_assert_ptr_nonnull(strstr(out,
	    "tlsfloor_remote_sent_total{output=\"192.0.2.1:514/udp\"} 10\n"));
	ck_assert_ptr_nonnull(strstr(out,
	    "tlsfloor_remote_failed_total{output=\"192.0.2.1:514/udp\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(out,
	    "tlsfloor_remote_queued{output=\"192.0.2.1:514/udp\"} 2\n"));
	ck_assert_ptr_nonnull(strstr(out, "\ntlsfloor_exceptions_expiring 1\n"));
	ck_assert_ptr_nonnull(strstr(out,
	    "tlsfloor_build_info{version=\"" TLSFLOOR_VERSION "\",ndpi=\""));
	ck_assert_ptr_nonnull(strstr(out,
	    "\ntlsfloor_start_time_seconds 1700000000\n"));
	/* one TYPE line for the whole family */
	{
		const char	*p = out;
		int		 n = 0;

		while ((p = strstr(p, "# TYPE tlsfloor_sessions_total ")) !=
		    NULL) {
			n++;
			p++;
		}
		ck_assert_int_eq(n, 1);
	}
	free(out);
	free(cfg->exceptions);
	cfg->exceptions = NULL;
	cfg->nexceptions = 0;
	config_free(cfg);
}
END_TEST

/* Written by rename: no temporary file left, mode 0644 under umask 077. */
START_TEST(test_write_atomic)
{
	char		 dir[] = "/tmp/tlsfloor-metrics.XXXXXX";
	char		 path[64], tmp[64], err[256], line[256];
	struct stat	 st;
	FILE		*fp;
	bool		 seen = false;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/tlsfloor.prom", dir);
	snprintf(tmp, sizeof(tmp), "%s/.tlsfloor.prom.tmp", dir);
	umask(077);
	/* a stale temporary file, and a symlink would not be followed */
	fp = fopen(tmp, "w");
	ck_assert_ptr_nonnull(fp);
	fclose(fp);
	ck_assert_int_eq(metrics_open(path, err, sizeof(err)), 0);
	memset(stats, 0, sizeof(uint64_t) * STAT_MAX);
	stats[STAT_PKTS] = 7;
	metrics_write(NULL, 0, NULL, 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0644);
	ck_assert_int_eq(access(tmp, F_OK), -1);
	ck_assert_uint_eq(stats[STAT_METRICS_WRITES], 1);
	fp = fopen(path, "r");
	ck_assert_ptr_nonnull(fp);
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strcmp(line, "tlsfloor_capture_packets_total 7\n") == 0)
			seen = true;
	fclose(fp);
	ck_assert(seen);
	metrics_close();
	unlink(path);
	rmdir(dir);
}
END_TEST

/* A path naming a directory is refused, by -n and by the start. */
START_TEST(test_check_path)
{
	char	err[256];

	ck_assert_int_eq(metrics_check("/var/lib/tlsfloor/", err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "names a directory"));
	ck_assert_int_eq(metrics_check("/var/lib/tlsfloor/..", err,
	    sizeof(err)), -1);
	ck_assert_int_eq(metrics_check("tlsfloor.prom", err, sizeof(err)),
	    0);
	ck_assert_int_eq(metrics_check("/x/tlsfloor.prom", err, sizeof(err)),
	    0);
}
END_TEST

Suite *
metrics_suite(void)
{
	Suite	*s = suite_create("metrics");
	TCase	*tc;

	tc = tcase_create("metrics_label");
	tcase_add_test(tc, test_label_escape);
	suite_add_tcase(s, tc);
	tc = tcase_create("metrics_render");
	tcase_add_test(tc, test_render);
	suite_add_tcase(s, tc);
	tc = tcase_create("metrics_write");
	tcase_add_test(tc, test_write_atomic);
	suite_add_tcase(s, tc);
	tc = tcase_create("metrics_check");
	tcase_add_test(tc, test_check_path);
	suite_add_tcase(s, tc);
	return s;
}
