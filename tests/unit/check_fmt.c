/*
 * check_fmt.c -- the one RFC 3339 writer (fmt.c): the calendar (1970, leap
 * days, centuries, 2038 and after, years past 9999), the fractions, the
 * bounds it refuses, buffers too short, and agreement with gmtime_r() over
 * a spread of instants.
 */
#include <stdio.h>
#include <time.h>

#include "fmt.h"
#include "unit.h"

static char	buf[FMT_TIME_MAX];

/* fmt_rfc3339 of secs.usec at frac is want, and says its length. */
static void
is(int64_t secs, uint32_t usec, enum fmt_frac frac, const char *want)
{
	size_t	n = fmt_rfc3339(buf, sizeof(buf), secs, usec, frac);

	ck_assert_msg(strcmp(buf, want) == 0, "%lld.%06u: %s, want %s",
	    (long long)secs, usec, buf, want);
	ck_assert_uint_eq(n, strlen(want));
}

START_TEST(test_epoch)
{
	is(0, 0, FMT_FRAC_NONE, "1970-01-01T00:00:00Z");
	is(0, 0, FMT_FRAC_MS, "1970-01-01T00:00:00.000Z");
	is(0, 0, FMT_FRAC_US, "1970-01-01T00:00:00.000000Z");
	is(-1, 0, FMT_FRAC_NONE, "1969-12-31T23:59:59Z");	/* floor */
	is(-86400, 0, FMT_FRAC_NONE, "1969-12-31T00:00:00Z");
	is(-86401, 0, FMT_FRAC_NONE, "1969-12-30T23:59:59Z");
	is(86399, 0, FMT_FRAC_NONE, "1970-01-01T23:59:59Z");
	is(86400, 0, FMT_FRAC_NONE, "1970-01-02T00:00:00Z");
}
END_TEST

START_TEST(test_leap_years)
{
	is(951782400, 0, FMT_FRAC_NONE, "2000-02-29T00:00:00Z");  /* 400s */
	is(951868800, 0, FMT_FRAC_NONE, "2000-03-01T00:00:00Z");
	is(1709164800, 0, FMT_FRAC_NONE, "2024-02-29T00:00:00Z");
	is(1709251199, 0, FMT_FRAC_NONE, "2024-02-29T23:59:59Z");
	is(1677628800, 0, FMT_FRAC_NONE, "2023-03-01T00:00:00Z"); /* no 29 */
	/* centuries are not leap years unless divisible by 400 */
	is(4107456000LL, 0, FMT_FRAC_NONE, "2100-02-28T00:00:00Z");
	is(4107542400LL, 0, FMT_FRAC_NONE, "2100-03-01T00:00:00Z");
	is(-2203977600LL, 0, FMT_FRAC_NONE, "1900-02-28T00:00:00Z");
	is(-2203891200LL, 0, FMT_FRAC_NONE, "1900-03-01T00:00:00Z");
	is(1735603200, 0, FMT_FRAC_NONE, "2024-12-31T00:00:00Z"); /* day 366 */
	is(1735689600, 0, FMT_FRAC_NONE, "2025-01-01T00:00:00Z");
}
END_TEST

START_TEST(test_fractions)
{
	is(1767225600, 123456, FMT_FRAC_US, "2026-01-01T00:00:00.123456Z");
	is(1767225600, 123456, FMT_FRAC_MS, "2026-01-01T00:00:00.123Z");
	is(1767225600, 123999, FMT_FRAC_MS, "2026-01-01T00:00:00.123Z");
	is(1767225600, 123456, FMT_FRAC_NONE, "2026-01-01T00:00:00Z");
	is(1767225600, 1, FMT_FRAC_US, "2026-01-01T00:00:00.000001Z");
	is(1798761599, 999999, FMT_FRAC_US, "2026-12-31T23:59:59.999999Z");
	/* never rounded up into the next second */
	is(1798761599, 999999, FMT_FRAC_NONE, "2026-12-31T23:59:59Z");
	/* from microseconds */
	ck_assert_uint_eq(fmt_time_us(buf, sizeof(buf), 1767225600123456ULL,
	    FMT_FRAC_US), 27);
	ck_assert_str_eq(buf, "2026-01-01T00:00:00.123456Z");
}
END_TEST

START_TEST(test_2038_and_after)
{
	is(2147483647, 0, FMT_FRAC_NONE, "2038-01-19T03:14:07Z");
	is(2147483648LL, 0, FMT_FRAC_NONE, "2038-01-19T03:14:08Z");
	is(4294967295LL, 0, FMT_FRAC_NONE, "2106-02-07T06:28:15Z");
	is(253402300799LL, 999999, FMT_FRAC_US,
	    "9999-12-31T23:59:59.999999Z");
	/* past 9999: as many digits as the year needs */
	is(253402300800LL, 0, FMT_FRAC_US, "10000-01-01T00:00:00.000000Z");
	ck_assert_uint_eq(fmt_time_us(buf, sizeof(buf), FMT_Y10K_US,
	    FMT_FRAC_NONE), 21);
	ck_assert_str_eq(buf, "10000-01-01T00:00:00Z");
	ck_assert_uint_eq(fmt_time_us(buf, sizeof(buf), FMT_Y10K_US - 1,
	    FMT_FRAC_NONE), 20);
	ck_assert_str_eq(buf, "9999-12-31T23:59:59Z");
	/* the last microsecond a uint64_t holds still fits FMT_TIME_MAX */
	ck_assert_uint_eq(fmt_time_us(buf, sizeof(buf), UINT64_MAX,
	    FMT_FRAC_US), 29);
	ck_assert_str_eq(buf, "586524-01-19T08:01:49.551615Z");
}
END_TEST

START_TEST(test_bounds)
{
	is(-62167219200LL, 0, FMT_FRAC_NONE, "0000-01-01T00:00:00Z");
	is(-62135596800LL, 0, FMT_FRAC_NONE, "0001-01-01T00:00:00Z");
	is(31494784780799LL, 0, FMT_FRAC_NONE,
	    "999999-12-31T23:59:59Z");
	/* refused, buffer left "" */
	buf[0] = 'X';
	ck_assert_uint_eq(fmt_rfc3339(buf, sizeof(buf), -62167219201LL, 0,
	    FMT_FRAC_NONE), 0);				/* year -1 */
	ck_assert_str_eq(buf, "");
	buf[0] = 'X';
	ck_assert_uint_eq(fmt_rfc3339(buf, sizeof(buf), 31494784780800LL,
	    0, FMT_FRAC_NONE), 0);			/* year 1000000 */
	ck_assert_str_eq(buf, "");
	ck_assert_uint_eq(fmt_rfc3339(buf, sizeof(buf), INT64_MAX, 0,
	    FMT_FRAC_US), 0);
	ck_assert_uint_eq(fmt_rfc3339(buf, sizeof(buf), INT64_MIN, 0,
	    FMT_FRAC_US), 0);
	ck_assert_uint_eq(fmt_rfc3339(buf, sizeof(buf), 0, 1000000,
	    FMT_FRAC_US), 0);				/* usec too big */
	ck_assert_str_eq(buf, "");
}
END_TEST

/* A buffer too short: cut, still a string, the full length returned. */
START_TEST(test_short_buffer)
{
	char	small[11];

	ck_assert_uint_eq(fmt_rfc3339(small, sizeof(small), 0, 0,
	    FMT_FRAC_US), 27);
	ck_assert_str_eq(small, "1970-01-01");
	ck_assert_uint_eq(fmt_rfc3339(small, 1, 0, 0, FMT_FRAC_US), 27);
	ck_assert_str_eq(small, "");
	small[0] = 'X';
	ck_assert_uint_eq(fmt_rfc3339(small, 0, 0, 0, FMT_FRAC_US), 27);
	ck_assert_int_eq(small[0], 'X');		/* nothing written */
	ck_assert_uint_eq(fmt_rfc3339(buf, 21, 0, 0, FMT_FRAC_NONE), 20);
	ck_assert_str_eq(buf, "1970-01-01T00:00:00Z");	/* exactly fits */
	ck_assert_uint_eq(fmt_rfc3339(buf, 20, 0, 0, FMT_FRAC_NONE), 20);
	ck_assert_str_eq(buf, "1970-01-01T00:00:00");	/* one short */
}
END_TEST

/* The same as gmtime_r() + strftime() over years 0..9999 and beyond. */
START_TEST(test_against_gmtime)
{
	uint64_t	x = 0x9e3779b97f4a7c15ULL;
	char		want[64];
	struct tm	tm;
	time_t		t;
	int64_t		s;
	int		i;

	for (i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		/* 0000-01-01 .. about year 30000 */
		s = (int64_t)(x % 1008000000000ULL) - 62167219200LL;
		if (i < 1000)
			s = (int64_t)(x % 200000000ULL) - 100000000;
		t = (time_t)s;
		ck_assert_ptr_nonnull(gmtime_r(&t, &tm));
		snprintf(want, sizeof(want), "%04lld-%02d-%02dT%02d:%02d:%02dZ",
		    (long long)tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		    tm.tm_hour, tm.tm_min, tm.tm_sec);
		fmt_rfc3339(buf, sizeof(buf), s, 0, FMT_FRAC_NONE);
		ck_assert_msg(strcmp(buf, want) == 0, "%lld: %s, want %s",
		    (long long)s, buf, want);
	}
}
END_TEST

Suite *
fmt_suite(void)
{
	Suite	*s = suite_create("fmt");
	TCase	*tc;

	tc = tcase_create("fmt_rfc3339");
	tcase_add_test(tc, test_epoch);
	tcase_add_test(tc, test_leap_years);
	tcase_add_test(tc, test_fractions);
	tcase_add_test(tc, test_2038_and_after);
	tcase_add_test(tc, test_bounds);
	tcase_add_test(tc, test_short_buffer);
	tcase_add_test(tc, test_against_gmtime);
	suite_add_tcase(s, tc);
	return s;
}
