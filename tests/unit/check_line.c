/*
 * check_line.c -- line.c, the bounded line splitter of the mail parsers.
 */
#include <stdlib.h>

#include "line.h"
#include "unit.h"

static struct conn	*f;
static struct line_buf	 lb;

static void
setup(void)
{
	unit_setup();
	f = unit_flow(PROTO_IMAP, 0);
	memset(&lb, 0, sizeof(lb));
}

static void
teardown(void)
{
	line_free(&lb);
	unit_flow_free(f);
	unit_teardown();
}

/* One line_next() call on a string; returns bytes used. */
static size_t
next(const char *s, size_t n, const uint8_t **line, size_t *len)
{
	return line_next(&lb, (const uint8_t *)s, n, line, len);
}

static void
expect_line(const uint8_t *line, size_t len, const char *want)
{
	ck_assert_ptr_nonnull(line);
	ck_assert_uint_eq(len, strlen(want));
	ck_assert_mem_eq(line, want, len);
}

/* --- whole lines -------------------------------------------------------------- */

START_TEST(test_crlf_lines)
{
	static const char	in[] = "a1 NOOP\r\na2 LOGOUT\r\n";
	const uint8_t		*l;
	size_t			 len, used;

	used = next(in, sizeof(in) - 1, &l, &len);
	ck_assert_uint_eq(used, 9);		/* the CR LF is consumed */
	expect_line(l, len, "a1 NOOP");
	ck_assert_ptr_eq(l, (const uint8_t *)in);	/* in place, no copy */
	used = next(in + 9, sizeof(in) - 1 - 9, &l, &len);
	ck_assert_uint_eq(used, 11);
	expect_line(l, len, "a2 LOGOUT");
	ck_assert(!line_pending(&lb));
}
END_TEST

START_TEST(test_bare_lf)
{
	const uint8_t	*l;
	size_t		 len, used;

	used = next("CAPA\nSTLS\r\n", 11, &l, &len);
	ck_assert_uint_eq(used, 5);
	expect_line(l, len, "CAPA");
	used = next("STLS\r\n", 6, &l, &len);
	expect_line(l, len, "STLS");
}
END_TEST

START_TEST(test_empty_lines)
{
	const uint8_t	*l;
	size_t		 len, used;

	used = next("\r\n", 2, &l, &len);
	ck_assert_uint_eq(used, 2);
	ck_assert_ptr_nonnull(l);
	ck_assert_uint_eq(len, 0);
	used = next("\n", 1, &l, &len);
	ck_assert_uint_eq(used, 1);
	ck_assert_ptr_nonnull(l);
	ck_assert_uint_eq(len, 0);
}
END_TEST

START_TEST(test_only_one_cr_stripped)
{
	const uint8_t	*l;
	size_t		 len;

	next("x\r\r\n", 4, &l, &len);
	expect_line(l, len, "x\r");
}
END_TEST

/* --- lines split across deliveries -------------------------------------------------- */

START_TEST(test_split_two)
{
	const uint8_t	*l;
	size_t		 len, used;

	used = next("a1 STA", 6, &l, &len);
	ck_assert_uint_eq(used, 6);
	ck_assert_ptr_null(l);
	ck_assert(line_pending(&lb));
	used = next("RTTLS\r\na2", 9, &l, &len);
	ck_assert_uint_eq(used, 7);
	expect_line(l, len, "a1 STARTTLS");
	ck_assert(!line_pending(&lb));
}
END_TEST

START_TEST(test_split_cr_lf)
{
	const uint8_t	*l;
	size_t		 len;

	/* The CR ends one delivery, the LF starts the next. */
	next("+OK\r", 4, &l, &len);
	ck_assert_ptr_null(l);
	ck_assert_uint_eq(next("\n", 1, &l, &len), 1);
	expect_line(l, len, "+OK");
}
END_TEST

START_TEST(test_split_every_byte)
{
	static const char	in[] = "250-STARTTLS\r\n250 SIZE\r\n";
	const char		*want[] = { "250-STARTTLS", "250 SIZE" };
	const uint8_t		*l;
	size_t			 len, i, got = 0;

	for (i = 0; i < sizeof(in) - 1; i++) {
		ck_assert_uint_eq(next(in + i, 1, &l, &len), 1);
		if (l != NULL) {
			ck_assert_uint_lt(got, 2);
			expect_line(l, len, want[got]);
			got++;
		}
	}
	ck_assert_uint_eq(got, 2);
}
END_TEST

START_TEST(test_split_at_every_offset)
{
	static const char	in[] = "* OK [CAPABILITY IMAP4rev1 STARTTLS]\r\n";
	const size_t		 n = sizeof(in) - 1;
	const uint8_t		*l;
	size_t			 len, k, used;

	for (k = 1; k < n; k++) {
		used = next(in, k, &l, &len);
		ck_assert_uint_eq(used, k);
		ck_assert_ptr_null(l);
		used = next(in + k, n - k, &l, &len);
		ck_assert_uint_eq(used, n - k);
		expect_line(l, len, "* OK [CAPABILITY IMAP4rev1 STARTTLS]");
	}
}
END_TEST

/* --- long lines ------------------------------------------------------------------------ */

START_TEST(test_long_line_in_place)
{
	struct ub	 b;
	const uint8_t	*l;
	size_t		 len, used;

	ub_init(&b);
	ub_fill(&b, 'x', 2000);
	ub_str(&b, "\r\nNEXT\r\n");
	used = line_next(&lb, b.p, b.n, &l, &len);
	ck_assert_uint_eq(used, 2002);
	ck_assert_ptr_nonnull(l);
	ck_assert_uint_eq(len, LINE_MAX_LEN);
	ck_assert_uint_eq(stats[STAT_MAIL_LINE_LONG], 1);
	used = line_next(&lb, b.p + used, b.n - used, &l, &len);
	expect_line(l, len, "NEXT");
	ub_free(&b);
}
END_TEST

START_TEST(test_long_line_split)
{
	struct ub	 b;
	const uint8_t	*l;
	size_t		 len;

	ub_init(&b);
	ub_fill(&b, 'y', 1500);
	ck_assert_uint_eq(line_next(&lb, b.p, b.n, &l, &len), 1500);
	ck_assert_ptr_null(l);
	ck_assert_uint_eq(line_next(&lb, b.p, 600, &l, &len), 600);
	ck_assert_ptr_null(l);
	ck_assert_uint_eq(line_next(&lb, (const uint8_t *)"yy\r\n", 4, &l,
	    &len), 4);
	ck_assert_ptr_nonnull(l);
	ck_assert_uint_eq(len, LINE_MAX_LEN);	/* cut, the rest unseen */
	ck_assert_uint_eq(l[0], 'y');
	ck_assert_uint_eq(l[LINE_MAX_LEN - 1], 'y');
	ck_assert_uint_eq(stats[STAT_MAIL_LINE_LONG], 1);	/* counted once */
	/* The next line is whole again. */
	line_next(&lb, (const uint8_t *)"a1 OK\r\n", 7, &l, &len);
	expect_line(l, len, "a1 OK");
	ub_free(&b);
}
END_TEST

START_TEST(test_max_length_line_split)
{
	struct ub	 b;
	const uint8_t	*l;
	size_t		 len;

	/* Exactly LINE_MAX_LEN bytes, split before the CR LF: kept whole. */
	ub_init(&b);
	ub_fill(&b, 'z', LINE_MAX_LEN);
	line_next(&lb, b.p, b.n, &l, &len);
	ck_assert_ptr_null(l);
	line_next(&lb, (const uint8_t *)"\n", 1, &l, &len);
	ck_assert_uint_eq(len, LINE_MAX_LEN);
	ck_assert_uint_eq(stats[STAT_MAIL_LINE_LONG], 0);
	ub_free(&b);
}
END_TEST

/* --- resync ------------------------------------------------------------------------- */

START_TEST(test_resync)
{
	const uint8_t	*l;
	size_t		 len, used;

	next("a1 STA", 6, &l, &len);		/* a partial line... */
	line_resync(&lb);			/* ...then a gap */
	ck_assert(line_pending(&lb));
	/* The bytes up to the next LF come back flagged: the tail of some
	 * lost line, or a whole one -- the parser judges by its shape. */
	used = next("RTTLS\r\na2 NOOP\r\n", 16, &l, &len);
	ck_assert_uint_eq(used, 7);
	expect_line(l, len, "RTTLS");
	ck_assert(lb.after_gap);
	ck_assert(!line_pending(&lb));
	used = next("a2 NOOP\r\n", 9, &l, &len);
	expect_line(l, len, "a2 NOOP");
	ck_assert(!lb.after_gap);
}
END_TEST

START_TEST(test_resync_without_lf)
{
	const uint8_t	*l;
	size_t		 len;

	line_resync(&lb);
	ck_assert_uint_eq(next("garbage", 7, &l, &len), 7);
	ck_assert_ptr_null(l);
	ck_assert(line_pending(&lb));		/* still looking for the LF */
	ck_assert_uint_eq(next("more\nok\n", 8, &l, &len), 5);
	expect_line(l, len, "garbagemore");
	ck_assert(lb.after_gap);
	next("ok\n", 3, &l, &len);
	expect_line(l, len, "ok");
	ck_assert(!lb.after_gap);
}
END_TEST

START_TEST(test_resync_drops_overflow)
{
	struct ub	 b;
	const uint8_t	*l;
	size_t		 len;

	ub_init(&b);
	ub_fill(&b, 'q', 1100);			/* overflowing partial line */
	line_next(&lb, b.p, b.n, &l, &len);
	line_resync(&lb);
	ck_assert(!lb.overflow);
	ck_assert_uint_eq(lb.len, 0);
	next("tail\r\nnew\r\n", 11, &l, &len);
	expect_line(l, len, "tail");		/* none of the q's */
	ck_assert(lb.after_gap);
	next("new\r\n", 5, &l, &len);
	expect_line(l, len, "new");
	ub_free(&b);
}
END_TEST

START_TEST(test_free)
{
	const uint8_t	*l;
	size_t		 len, before = budget_used();

	next("partial", 7, &l, &len);
	ck_assert_ptr_nonnull(lb.buf);
	ck_assert_uint_eq(budget_used(), before + LINE_MAX_LEN);
	line_free(&lb);
	ck_assert_ptr_null(lb.buf);
	ck_assert_uint_eq(lb.len, 0);
	ck_assert_uint_eq(budget_used(), before);
	ck_assert(!line_pending(&lb));
	line_free(&lb);				/* twice is harmless */
}
END_TEST

Suite *
line_suite(void)
{
	Suite	*s = suite_create("line");
	TCase	*tc;

	tc = tcase_create("line_next");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_crlf_lines);
	tcase_add_test(tc, test_bare_lf);
	tcase_add_test(tc, test_empty_lines);
	tcase_add_test(tc, test_only_one_cr_stripped);
	tcase_add_test(tc, test_split_two);
	tcase_add_test(tc, test_split_cr_lf);
	tcase_add_test(tc, test_split_every_byte);
	tcase_add_test(tc, test_split_at_every_offset);
	tcase_add_test(tc, test_long_line_in_place);
	tcase_add_test(tc, test_long_line_split);
	tcase_add_test(tc, test_max_length_line_split);
	suite_add_tcase(s, tc);

	tc = tcase_create("line_resync");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_resync);
	tcase_add_test(tc, test_resync_without_lf);
	tcase_add_test(tc, test_resync_drops_overflow);
	suite_add_tcase(s, tc);

	tc = tcase_create("line_free");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_free);
	suite_add_tcase(s, tc);
	return s;
}
