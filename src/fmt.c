/*
 * fmt.c -- RFC 3339 timestamps in UTC, written by hand.
 *
 * Receives seconds since 1970-01-01T00:00:00Z (negative: before it) and a
 * microsecond part, and writes YYYY-MM-DDTHH:MM:SS[.fff|.ffffff]Z.  Years
 * 0000..9999 are RFC 3339's; later ones (a crafted pcap timestamp) get as
 * many digits as they need, up to 999999, as ISO 8601's expanded years
 * do, so that nothing a uint64_t of microseconds holds is refused.
 * Callers that must have four digits (RFC 5424 syslog) compare with
 * FMT_Y10K_US first.
 *
 * No gmtime_r(), strftime() or snprintf(): this is on every event's path
 * (three times each), and the calendar arithmetic needs no time zone.
 * It does not parse, and knows nothing of leap seconds (POSIX time has
 * none).
 */
#include <string.h>

#include "fmt.h"

#define FMT_DAY		86400
#define FMT_YEAR_MIN	0
#define FMT_YEAR_MAX	999999

/* v in exactly n decimal digits, leading zeros (v < 10^n). */
static char *
fmt_digits(char *p, uint32_t v, int n)
{
	int	i;

	for (i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

/*
 * Day z since 1970-01-01 to year, month (1..12), day (1..31) of the
 * proleptic Gregorian calendar: the 400-year era has 146097 days, March
 * first in each year so that February's leap day comes last
 * (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").  Only the
 * era is signed and 64-bit; within it 32-bit unsigned arithmetic does.
 */
static void
fmt_civil(int64_t z, int64_t *y, uint32_t *m, uint32_t *d)
{
	int64_t		era;
	uint32_t	doe, yoe, doy, mp;

	z += 719468;			/* from 1970-01-01 to 0000-03-01 */
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (uint32_t)(z - era * 146097);		/* [0, 146096] */
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);	/* [0, 365] */
	mp = (5 * doy + 2) / 153;			/* [0, 11] */
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

/*
 * Write the stamp for secs + usec/10^6 into buf (len bytes).  Like
 * snprintf(): returns the stamp's full length, writes at most len - 1 of
 * it and a NUL (nothing when len is 0).  Returns 0, with buf "", for
 * what it cannot write: usec over 999999, a year outside 0..999999.
 */
size_t
fmt_rfc3339(char *buf, size_t len, int64_t secs, uint32_t usec,
    enum fmt_frac frac)
{
	char		 tmp[FMT_TIME_MAX], *s, *p;
	int64_t		 days, y;
	uint32_t	 m, d, tod;
	size_t		 n;

	if (len > 0)
		buf[0] = '\0';
	/* Straight into buf when any stamp fits, else by way of tmp. */
	s = p = len >= FMT_TIME_MAX ? buf : tmp;
	if (usec > 999999)
		return 0;
	/* floor division: the second before 1970 is day -1, 23:59:59 */
	days = secs / FMT_DAY;
	if (secs % FMT_DAY < 0) {
		tod = (uint32_t)(secs % FMT_DAY + FMT_DAY);
		days--;
	} else
		tod = (uint32_t)(secs % FMT_DAY);
	fmt_civil(days, &y, &m, &d);
	if (y < FMT_YEAR_MIN || y > FMT_YEAR_MAX)
		return 0;
	p = fmt_digits(p, (uint32_t)y, y > 99999 ? 6 : y > 9999 ? 5 : 4);
	*p++ = '-';
	p = fmt_digits(p, m, 2);
	*p++ = '-';
	p = fmt_digits(p, d, 2);
	*p++ = 'T';
	p = fmt_digits(p, tod / 3600, 2);
	*p++ = ':';
	p = fmt_digits(p, tod / 60 % 60, 2);
	*p++ = ':';
	p = fmt_digits(p, tod % 60, 2);
	if (frac == FMT_FRAC_MS) {
		*p++ = '.';
		p = fmt_digits(p, usec / 1000, 3);
	} else if (frac == FMT_FRAC_US) {
		*p++ = '.';
		p = fmt_digits(p, usec, 6);
	}
	*p++ = 'Z';
	n = (size_t)(p - s);
	if (s == buf)
		buf[n] = '\0';			/* n < FMT_TIME_MAX <= len */
	else if (len > 0) {
		memcpy(buf, s, n < len ? n : len - 1);
		buf[n < len ? n : len - 1] = '\0';
	}
	return n;
}

/* The same from microseconds since 1970 (pcap and clock times). */
size_t
fmt_time_us(char *buf, size_t len, uint64_t us, enum fmt_frac frac)
{
	return fmt_rfc3339(buf, len, (int64_t)(us / 1000000u),
	    (uint32_t)(us % 1000000u), frac);
}
