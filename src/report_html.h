/*
 * report_html.h -- "tlsfloor report --html FILE": the inventory store as
 * one self-contained HTML page (report_html.c), and its two small tools
 * the unit tests check: the HTML escaper and the chart scales.
 */
#ifndef TLSFLOOR_REPORT_HTML_H
#define TLSFLOOR_REPORT_HTML_H

#include <stdint.h>
#include <stdio.h>

struct store_filter;

/* The page for the records of db under f, written atomically to path
 * ("-": standard output).  0, or -1 with the reason in err. */
int	report_html_write(const char *db, const struct store_filter *f,
	    const char *path, char *err, size_t errlen);

/*
 * Every string from the wire or the database goes to the page through
 * this one function.  HTML_TEXT: element content; & < > " ' become
 * character references.  HTML_ATTR: a double-quoted attribute value; the
 * same, and tab, CR and LF as references too, so the value reads back
 * byte for byte.  In both, control characters and bytes that are not
 * UTF-8 become U+FFFD.  0, or -1 on a write error.
 */
enum html_ctx { HTML_TEXT, HTML_ATTR };
int	html_esc(FILE *, const char *, enum html_ctx);

/* A linear scale: domain [d0, d1] onto range [r0, r1] (pixels). */
struct html_scale {
	double	d0, d1, r0, r1;
};
double	html_scale_map(const struct html_scale *, double);
/* The axis top for values up to max: the least multiple of a step of
 * 1, 2 or 5 x 10^k, at most 5 steps, >= max (1 when max is 0). */
uint64_t html_nice_max(uint64_t max, uint64_t *step);

#endif /* TLSFLOOR_REPORT_HTML_H */
