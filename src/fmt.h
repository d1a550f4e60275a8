/*
 * fmt.h -- the one RFC 3339 time writer.  Ground floor: libc only, called
 * by every output (JSON, text, syslog, inventory, certificate dates).
 */
#ifndef TLSFLOOR_FMT_H
#define TLSFLOOR_FMT_H

#include <stddef.h>
#include <stdint.h>

/* Room for the longest stamp, "586524-01-19T08:01:49.551615Z" (the last
 * microsecond a uint64_t holds), and its NUL. */
#define FMT_TIME_MAX	32

/* 10000-01-01T00:00:00Z in microseconds: the first with a 5-digit year. */
#define FMT_Y10K_US	253402300800000000ULL

enum fmt_frac {
	FMT_FRAC_NONE,		/* 2026-01-01T00:00:00Z */
	FMT_FRAC_MS,		/* 2026-01-01T00:00:00.000Z */
	FMT_FRAC_US,		/* 2026-01-01T00:00:00.000000Z */
};

size_t	fmt_rfc3339(char *buf, size_t len, int64_t secs, uint32_t usec,
	    enum fmt_frac);
size_t	fmt_time_us(char *buf, size_t len, uint64_t us, enum fmt_frac);

#endif /* TLSFLOOR_FMT_H */
