/*
 * check_reader.c -- reader.h, the bounds-checked cursor.
 *
 * Every getter is tried with exactly enough bytes, with one byte too few
 * (returns 0, marks the reader bad, does not move), and after an earlier
 * failure (sticky: nothing more is read even where bytes remain).
 */
#include "reader.h"
#include "unit.h"

static const uint8_t	buf[] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
};

/* --- rd_init / rd_left / rd_need ----------------------------------------- */

START_TEST(test_init_left)
{
	struct rd	r = rd_init(buf, sizeof(buf));

	ck_assert_uint_eq(rd_left(&r), 8);
	ck_assert(!r.bad);
	ck_assert_ptr_eq(r.p, buf);
	r = rd_init(buf, 0);
	ck_assert_uint_eq(rd_left(&r), 0);
	ck_assert(!r.bad);
}
END_TEST

START_TEST(test_need)
{
	struct rd	r = rd_init(buf, 3);

	ck_assert(rd_need(&r, 3));
	ck_assert(!r.bad);
	ck_assert(rd_need(&r, 0));
	ck_assert(!rd_need(&r, 4));
	ck_assert(r.bad);
	ck_assert_uint_eq(rd_left(&r), 0);	/* bad reads as empty */
	ck_assert(!rd_need(&r, 1));
	ck_assert(!rd_need(&r, 0));		/* sticky: bad satisfies nothing */
}
END_TEST

/* A child carved from a bad reader is bad, even an empty one. */
START_TEST(test_sub_of_bad)
{
	struct rd	r = rd_init(buf, 2), c;

	rd_skip(&r, 3);
	ck_assert(r.bad);
	c = rd_sub(&r, 0);
	ck_assert(c.bad);
	ck_assert_uint_eq(rd_left(&c), 0);
}
END_TEST

/* --- fixed-size getters ---------------------------------------------------- */

START_TEST(test_u8)
{
	struct rd	r = rd_init(buf, 1);

	ck_assert_uint_eq(rd_u8(&r), 0x01);	/* the exact end */
	ck_assert(!r.bad);
	ck_assert_uint_eq(rd_left(&r), 0);
	ck_assert_uint_eq(rd_u8(&r), 0);	/* one past */
	ck_assert(r.bad);
	ck_assert_ptr_eq(r.p, buf + 1);		/* did not move */
}
END_TEST

START_TEST(test_u16)
{
	struct rd	r = rd_init(buf, 2);

	ck_assert_uint_eq(rd_u16(&r), 0x0102);
	ck_assert(!r.bad);
	ck_assert_uint_eq(rd_left(&r), 0);
	r = rd_init(buf, 1);			/* one short */
	ck_assert_uint_eq(rd_u16(&r), 0);
	ck_assert(r.bad);
	ck_assert_ptr_eq(r.p, buf);
}
END_TEST

START_TEST(test_u24)
{
	struct rd	r = rd_init(buf, 3);

	ck_assert_uint_eq(rd_u24(&r), 0x010203);
	ck_assert(!r.bad);
	ck_assert_uint_eq(rd_left(&r), 0);
	r = rd_init(buf, 2);
	ck_assert_uint_eq(rd_u24(&r), 0);
	ck_assert(r.bad);
	ck_assert_ptr_eq(r.p, buf);
}
END_TEST

START_TEST(test_u32)
{
	static const uint8_t	hi[] = { 0xfe, 0xdc, 0xba, 0x98 };
	struct rd		r = rd_init(buf, 4);

	ck_assert_uint_eq(rd_u32(&r), 0x01020304);
	ck_assert(!r.bad);
	ck_assert_uint_eq(rd_left(&r), 0);
	r = rd_init(hi, 4);			/* no sign extension */
	ck_assert_uint_eq(rd_u32(&r), 0xfedcba98u);
	r = rd_init(buf, 3);
	ck_assert_uint_eq(rd_u32(&r), 0);
	ck_assert(r.bad);
	ck_assert_ptr_eq(r.p, buf);
}
END_TEST

START_TEST(test_u32le)
{
	static const uint8_t	hi[] = { 0x98, 0xba, 0xdc, 0xfe };
	struct rd		r = rd_init(buf, 4);

	ck_assert_uint_eq(rd_u32le(&r), 0x04030201);
	ck_assert(!r.bad);
	ck_assert_uint_eq(rd_left(&r), 0);
	r = rd_init(hi, 4);
	ck_assert_uint_eq(rd_u32le(&r), 0xfedcba98u);
	r = rd_init(buf, 3);
	ck_assert_uint_eq(rd_u32le(&r), 0);
	ck_assert(r.bad);
	ck_assert_ptr_eq(r.p, buf);
}
END_TEST

/* --- skip, copy, take ------------------------------------------------------- */

START_TEST(test_skip)
{
	struct rd	r = rd_init(buf, 8);

	rd_skip(&r, 8);				/* to the exact end */
	ck_assert(!r.bad);
	ck_assert_uint_eq(rd_left(&r), 0);
	rd_skip(&r, 0);
	ck_assert(!r.bad);
	r = rd_init(buf, 8);
	rd_skip(&r, 9);				/* one past */
	ck_assert(r.bad);
	ck_assert_ptr_eq(r.p, buf);
	/* A huge count must not wrap the pointer comparison. */
	r = rd_init(buf, 8);
	rd_skip(&r, SIZE_MAX);
	ck_assert(r.bad);
	ck_assert_ptr_eq(r.p, buf);
}
END_TEST

START_TEST(test_copy)
{
	uint8_t		dst[4];
	struct rd	r = rd_init(buf, 4);

	rd_copy(&r, dst, 4);
	ck_assert(!r.bad);
	ck_assert_mem_eq(dst, buf, 4);
	ck_assert_uint_eq(rd_left(&r), 0);
	/* A shortfall zeroes the destination rather than leave garbage. */
	memset(dst, 0xee, sizeof(dst));
	r = rd_init(buf, 3);
	rd_copy(&r, dst, 4);
	ck_assert(r.bad);
	ck_assert_mem_eq(dst, "\0\0\0\0", 4);
	ck_assert_ptr_eq(r.p, buf);
}
END_TEST

START_TEST(test_take)
{
	struct rd	 r = rd_init(buf, 5);
	const uint8_t	*q;

	q = rd_take(&r, 2);
	ck_assert_ptr_eq(q, buf);
	q = rd_take(&r, 3);			/* exact end */
	ck_assert_ptr_eq(q, buf + 2);
	ck_assert(!r.bad);
	q = rd_take(&r, 1);			/* one past */
	ck_assert_ptr_null(q);
	ck_assert(r.bad);
}
END_TEST

START_TEST(test_peek)
{
	struct rd	r = rd_init(buf, 2);

	ck_assert_int_eq(rd_peek(&r, 0), 0x01);
	ck_assert_int_eq(rd_peek(&r, 1), 0x02);	/* last byte */
	ck_assert_int_eq(rd_peek(&r, 2), -1);	/* one past */
	ck_assert(!r.bad);			/* peeking never fails */
	ck_assert_ptr_eq(r.p, buf);
	r.bad = true;
	ck_assert_int_eq(rd_peek(&r, 0), -1);	/* bad reads as empty */
	r = rd_init(buf, 0);
	ck_assert_int_eq(rd_peek(&r, 0), -1);	/* empty: -1, not 0 */
	r = rd_init(buf, 2);
	ck_assert_int_eq(rd_peek(&r, SIZE_MAX), -1);	/* no wrap-around */
	ck_assert(!r.bad);
}
END_TEST

START_TEST(test_peek_last)
{
	struct rd	r = rd_init(buf, 3);

	ck_assert_int_eq(rd_peek_last(&r), 0x03);
	ck_assert_uint_eq(rd_u16(&r), 0x0102);
	ck_assert_int_eq(rd_peek_last(&r), 0x03);	/* did not move */
	ck_assert_uint_eq(rd_left(&r), 1);
	rd_skip(&r, 1);
	ck_assert_int_eq(rd_peek_last(&r), -1);		/* empty */
	r = rd_init(buf, 8);
	r.bad = true;
	ck_assert_int_eq(rd_peek_last(&r), -1);		/* bad reads empty */
}
END_TEST

/* --- sticky failure --------------------------------------------------------- */

START_TEST(test_sticky)
{
	struct rd	r = rd_init(buf, 3);
	uint8_t		dst[1] = { 0xee };

	ck_assert_uint_eq(rd_u32(&r), 0);	/* fails: 3 < 4 */
	ck_assert(r.bad);
	/* Three bytes are still there, but nothing is read any more. */
	ck_assert_uint_eq(rd_u8(&r), 0);
	ck_assert_uint_eq(rd_u16(&r), 0);
	ck_assert_uint_eq(rd_u24(&r), 0);
	ck_assert_ptr_null(rd_take(&r, 1));
	rd_copy(&r, dst, 1);
	ck_assert_uint_eq(dst[0], 0);
	rd_skip(&r, 1);
	ck_assert_uint_eq(rd_left(&r), 0);
	ck_assert_ptr_eq(r.p, buf);
	ck_assert(r.bad);
}
END_TEST

START_TEST(test_sticky_after_good_reads)
{
	struct rd	r = rd_init(buf, 8);

	ck_assert_uint_eq(rd_u16(&r), 0x0102);
	ck_assert_uint_eq(rd_u24(&r), 0x030405);
	ck_assert_uint_eq(rd_u32(&r), 0);	/* 3 left */
	ck_assert_uint_eq(rd_u8(&r), 0);	/* would fit, stays failed */
	ck_assert_ptr_eq(r.p, buf + 5);
}
END_TEST

/* --- rd_sub ----------------------------------------------------------------- */

START_TEST(test_sub_exact)
{
	struct rd	r = rd_init(buf, 8), c;

	rd_skip(&r, 1);
	c = rd_sub(&r, 7);			/* the whole rest */
	ck_assert(!c.bad);
	ck_assert(!r.bad);
	ck_assert_uint_eq(rd_left(&c), 7);
	ck_assert_uint_eq(rd_left(&r), 0);
	ck_assert_uint_eq(rd_u16(&c), 0x0203);
	/* Over-reading the child marks only the child. */
	ck_assert_uint_eq(rd_u32(&c), 0x04050607);
	ck_assert_uint_eq(rd_u16(&c), 0);
	ck_assert(c.bad);
	ck_assert(!r.bad);
}
END_TEST

START_TEST(test_sub_bounds_child)
{
	struct rd	r = rd_init(buf, 8), c;

	c = rd_sub(&r, 2);
	ck_assert_uint_eq(rd_u16(&c), 0x0102);
	/* The child cannot see its sibling's bytes. */
	ck_assert_uint_eq(rd_u8(&c), 0);
	ck_assert(c.bad);
	/* The parent goes on after the child's bytes. */
	ck_assert_uint_eq(rd_u8(&r), 0x03);
	ck_assert(!r.bad);
}
END_TEST

START_TEST(test_sub_lying_length)
{
	struct rd	r = rd_init(buf, 5), c;

	rd_skip(&r, 1);
	c = rd_sub(&r, 5);			/* 4 left: a lie by one */
	ck_assert(c.bad);
	ck_assert_uint_eq(rd_left(&c), 0);
	ck_assert_uint_eq(rd_u8(&c), 0);
	ck_assert(r.bad);
	ck_assert_ptr_eq(r.p, buf + 1);		/* parent did not move */
	/* A child of a bad parent holds nothing, and reading it fails. */
	c = rd_sub(&r, 0);
	ck_assert_uint_eq(rd_left(&c), 0);
	ck_assert_uint_eq(rd_u8(&c), 0);
	ck_assert(c.bad);
	ck_assert(r.bad);
	/* A length far past the end. */
	r = rd_init(buf, 8);
	c = rd_sub(&r, SIZE_MAX);
	ck_assert(c.bad);
	ck_assert(r.bad);
	ck_assert_uint_eq(rd_left(&c), 0);
}
END_TEST

START_TEST(test_sub_empty)
{
	struct rd	r = rd_init(buf, 2), c;

	c = rd_sub(&r, 0);
	ck_assert(!c.bad);
	ck_assert_uint_eq(rd_left(&c), 0);
	ck_assert_uint_eq(rd_left(&r), 2);
	ck_assert_uint_eq(rd_u8(&c), 0);
	ck_assert(c.bad);
	ck_assert(!r.bad);
}
END_TEST

Suite *
reader_suite(void)
{
	Suite	*s = suite_create("reader");
	TCase	*tc;

	tc = tcase_create("rd_init");
	tcase_add_test(tc, test_init_left);
	tcase_add_test(tc, test_need);
	tcase_add_test(tc, test_sub_of_bad);
	suite_add_tcase(s, tc);

	tc = tcase_create("rd_getters");
	tcase_add_test(tc, test_u8);
	tcase_add_test(tc, test_u16);
	tcase_add_test(tc, test_u24);
	tcase_add_test(tc, test_u32);
	tcase_add_test(tc, test_u32le);
	suite_add_tcase(s, tc);

	tc = tcase_create("rd_skip_copy_take_peek");
	tcase_add_test(tc, test_skip);
	tcase_add_test(tc, test_copy);
	tcase_add_test(tc, test_take);
	tcase_add_test(tc, test_peek);
	tcase_add_test(tc, test_peek_last);
	suite_add_tcase(s, tc);

	tc = tcase_create("sticky");
	tcase_add_test(tc, test_sticky);
	tcase_add_test(tc, test_sticky_after_good_reads);
	suite_add_tcase(s, tc);

	tc = tcase_create("rd_sub");
	tcase_add_test(tc, test_sub_exact);
	tcase_add_test(tc, test_sub_bounds_child);
	tcase_add_test(tc, test_sub_lying_length);
	tcase_add_test(tc, test_sub_empty);
	suite_add_tcase(s, tc);
	return s;
}
