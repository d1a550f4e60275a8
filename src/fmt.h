/*
 * fmt.h -- ground for the outputs: the session record's fields as text.
 */
#ifndef TLSFLOOR_FMT_H
#define TLSFLOOR_FMT_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct conn;

#define FMT_ADDR_MAX	48	/* "[" IPv6 "]" */
#define FMT_TIME_MAX	32	/* 2026-01-01T00:00:00.000000Z */
void	fmt_ip(const struct conn *, int server, char *, size_t);
void	fmt_addr(int family, const uint8_t *, char *, size_t);
void	fmt_time(uint64_t us, char *, size_t);
size_t	fmt_clean(const uint8_t *, size_t, char *, size_t);
const char *fmt_mode(const struct conn *);
const char *fmt_proto(const struct conn *);
const char *fmt_end(const struct conn *);
const char *fmt_server_name(const struct conn *, char *, size_t);
const char *fmt_endpoint_label(const struct config *,
	    const struct conn *);
#define FMT_NAME_MAX	(255 * 4 + 1)	/* a cleaned name */

#endif /* TLSFLOOR_FMT_H */
