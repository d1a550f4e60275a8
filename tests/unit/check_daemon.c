/*
 * check_daemon.c -- daemon.c's pidfile path checks: every path it cannot
 * use is refused with a message that names the reason (even when the path
 * is longer than the message), and a usable one is created and locked.
 */
#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "daemon.h"
#include "unit.h"

static char	err[512];

static void
setup(void)
{
	unit_setup();
	err[0] = '\0';
}

/* "/" + n bytes of 'a' + tail, in a malloc'ed string. */
static char *
long_path(size_t n, const char *tail)
{
	size_t	 t = strlen(tail);
	char	*p = malloc(1 + n + t + 1);

	ck_assert_ptr_nonnull(p);
	p[0] = '/';
	memset(p + 1, 'a', n);
	memcpy(p + 1 + n, tail, t + 1);
	return p;
}

START_TEST(test_pidfile_refused)
{
	char	*p;

	ck_assert_int_eq(daemon_pidfile("run/tlsfloor.pid", unit_cfg, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "run/tlsfloor.pid: pidfile needs an absolute "
	    "path");
	ck_assert_int_eq(daemon_pidfile("/run/tlsfloor/", unit_cfg, err,
	    sizeof(err)), -1);
	ck_assert_msg(strstr(err, "needs a file name of 1 to") != NULL, "%s",
	    err);
	/* A file name longer than NAME_MAX. */
	p = malloc(NAME_MAX + 8);
	ck_assert_ptr_nonnull(p);
	memcpy(p, "/tmp/", 5);
	memset(p + 5, 'b', NAME_MAX + 1);
	p[5 + NAME_MAX + 1] = '\0';
	ck_assert_int_eq(daemon_pidfile(p, unit_cfg, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "needs a file name of 1 to 255 bytes") !=
	    NULL, "%s", err);
	free(p);
	/* A directory part longer than a path may be: named as such, and the
	 * message is not eaten by the path. */
	p = long_path(PATH_MAX - 1, "/tlsfloor.pid");
	ck_assert_int_eq(daemon_pidfile(p, unit_cfg, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "pidfile directory is 4096 bytes long, "
	    "more than the 4095 a path may have") != NULL, "%s", err);
	ck_assert_uint_lt(strlen(err), 200);
	free(p);
}
END_TEST

/* A directory of exactly PATH_MAX - 1 bytes fits the copy: what refuses it
 * then is the system (ENAMETOOLONG), not an overrun. */
START_TEST(test_pidfile_longest_directory)
{
	char	*p = long_path(PATH_MAX - 2, "/tlsfloor.pid");

	ck_assert_int_eq(daemon_pidfile(p, unit_cfg, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "File name too long") != NULL, "%s", err);
	free(p);
}
END_TEST

START_TEST(test_pidfile_created)
{
	char		dir[] = "/tmp/tlsfloor-unit-pid.XXXXXX";
	char		path[sizeof(dir) + 32];
	struct stat	st;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/run/tlsfloor.pid", dir);
	ck_assert_msg(daemon_pidfile(path, unit_cfg, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(daemon_pidfile_write(), 0);
	daemon_pidfile_remove();
	ck_assert_int_eq(stat(path, &st), -1);
	snprintf(path, sizeof(path), "%s/run", dir);
	ck_assert_int_eq(rmdir(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

Suite *
daemon_suite(void)
{
	Suite	*s = suite_create("daemon");
	TCase	*tc;

	tc = tcase_create("daemon_pidfile");
	tcase_add_checked_fixture(tc, setup, unit_teardown);
	tcase_add_test(tc, test_pidfile_refused);
	tcase_add_test(tc, test_pidfile_longest_directory);
	tcase_add_test(tc, test_pidfile_created);
	suite_add_tcase(s, tc);
	return s;
}
