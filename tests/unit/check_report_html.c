/*
 * check_report_html.c -- the HTML report's escaper and chart scales
 * (report_html.c); the page itself is tested in a browser by
 * tests/report/run.sh.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_html.h"
#include "unit.h"

/* html_esc(s, ctx) into a string (static: one at a time). */
static const char *
esc(const char *s, enum html_ctx ctx)
{
	static char	*buf;
	size_t		 len;
	FILE		*fp;

	free(buf);
	buf = NULL;
	fp = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(html_esc(fp, s, ctx), 0);
	fclose(fp);
	return buf;
}

START_TEST(esc_markup)
{
	ck_assert_str_eq(esc("<script>alert(1)</script>", HTML_TEXT),
	    "&lt;script&gt;alert(1)&lt;/script&gt;");
	/* Breaking out of a double- or single-quoted attribute. */
	ck_assert_str_eq(esc("\"><img src=x onerror=alert(2)>", HTML_ATTR),
	    "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;");
	ck_assert_str_eq(esc("a' onmouseover='x", HTML_ATTR),
	    "a&#39; onmouseover=&#39;x");
	/* An entity in the data stays text, not a character. */
	ck_assert_str_eq(esc("&lt;&amp;", HTML_TEXT), "&amp;lt;&amp;amp;");
	ck_assert_str_eq(esc("", HTML_TEXT), "");
	ck_assert_str_eq(esc(NULL, HTML_TEXT), "");
	ck_assert_str_eq(esc("mail.example.test", HTML_ATTR),
	    "mail.example.test");
}
END_TEST

START_TEST(esc_contexts)
{
	/* Attributes keep whitespace as references (read back exactly);
	 * text keeps tab and newline, and CR becomes U+FFFD. */
	ck_assert_str_eq(esc("a\tb\nc\rd", HTML_ATTR),
	    "a&#9;b&#10;c&#13;d");
	ck_assert_str_eq(esc("a\tb\nc\rd", HTML_TEXT),
	    "a\tb\nc\xef\xbf\xbd" "d");
}
END_TEST

START_TEST(esc_bytes)
{
	/* Controls and DEL: U+FFFD each. */
	ck_assert_str_eq(esc("a\x01\x1b[31m\x7f", HTML_TEXT),
	    "a\xef\xbf\xbd\xef\xbf\xbd[31m\xef\xbf\xbd");
	/* Valid UTF-8 passes: e-acute, euro sign, an emoji. */
	ck_assert_str_eq(esc("\xc3\xa9\xe2\x82\xac\xf0\x9f\x93\xa7",
	    HTML_TEXT), "\xc3\xa9\xe2\x82\xac\xf0\x9f\x93\xa7");
	/* Not UTF-8: a lone continuation byte, a cut sequence, an
	 * overlong '<' (0xc0 0xbc), a surrogate, beyond U+10FFFF. */
	ck_assert_str_eq(esc("\x80", HTML_TEXT), "\xef\xbf\xbd");
	ck_assert_str_eq(esc("\xe2\x82", HTML_TEXT),
	    "\xef\xbf\xbd\xef\xbf\xbd");
	ck_assert_str_eq(esc("\xc0\xbc", HTML_TEXT),
	    "\xef\xbf\xbd\xef\xbf\xbd");
	ck_assert_str_eq(esc("\xed\xa0\x80", HTML_TEXT),
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	ck_assert_str_eq(esc("\xf4\x90\x80\x80", HTML_TEXT),
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	/* A cut sequence before markup: the '<' is still escaped. */
	ck_assert_str_eq(esc("\xe2<b>", HTML_TEXT),
	    "\xef\xbf\xbd&lt;b&gt;");
}
END_TEST

START_TEST(scale_map)
{
	struct html_scale	x = { 0, 10, 40, 240 };
	struct html_scale	y = { 0, 100, 200, 0 };	/* SVG y grows down */
	struct html_scale	flat = { 5, 5, 7, 9 };

	ck_assert(html_scale_map(&x, 0) == 40);
	ck_assert(html_scale_map(&x, 10) == 240);
	ck_assert(html_scale_map(&x, 5) == 140);
	ck_assert(html_scale_map(&y, 0) == 200);
	ck_assert(html_scale_map(&y, 100) == 0);
	ck_assert(html_scale_map(&y, 25) == 150);
	/* An empty domain (every value the same) maps to the start, not a
	 * division by zero. */
	ck_assert(html_scale_map(&flat, 5) == 7);
}
END_TEST

START_TEST(nice_max)
{
	uint64_t	step;

	ck_assert_uint_eq(html_nice_max(0, &step), 1);
	ck_assert_uint_eq(step, 1);
	ck_assert_uint_eq(html_nice_max(1, &step), 1);
	ck_assert_uint_eq(step, 1);
	ck_assert_uint_eq(html_nice_max(5, &step), 5);
	ck_assert_uint_eq(step, 1);
	ck_assert_uint_eq(html_nice_max(7, &step), 8);
	ck_assert_uint_eq(step, 2);
	ck_assert_uint_eq(html_nice_max(63, &step), 80);
	ck_assert_uint_eq(step, 20);
	ck_assert_uint_eq(html_nice_max(100, &step), 100);
	ck_assert_uint_eq(step, 20);
	ck_assert_uint_eq(html_nice_max(101, &step), 150);
	ck_assert_uint_eq(step, 50);
	ck_assert_uint_eq(html_nice_max(1234567, &step), 1500000);
	ck_assert_uint_eq(step, 500000);
	/* Never fewer than the value, never more than 5 steps. */
	for (uint64_t v = 1; v < 5000; v += 7) {
		uint64_t top = html_nice_max(v, &step);

		ck_assert_uint_ge(top, v);
		ck_assert_uint_le(top / step, 5);
		ck_assert_uint_eq(top % step, 0);
	}
	ck_assert_uint_ge(html_nice_max(UINT64_MAX, &step), UINT64_MAX);
}
END_TEST

Suite *
report_html_suite(void)
{
	Suite	*s = suite_create("report_html");
	TCase	*tc;

	tc = tcase_create("html_esc");
	tcase_add_test(tc, esc_markup);
	tcase_add_test(tc, esc_contexts);
	tcase_add_test(tc, esc_bytes);
	suite_add_tcase(s, tc);
	tc = tcase_create("html_scale_map");
	tcase_add_test(tc, scale_map);
	suite_add_tcase(s, tc);
	tc = tcase_create("html_nice_max");
	tcase_add_test(tc, nice_max);
	suite_add_tcase(s, tc);
	return s;
}
