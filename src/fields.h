/*
 * fields.h -- ground for the outputs: the session record's fields as text.
 */
#ifndef TLSFLOOR_FIELDS_H
#define TLSFLOOR_FIELDS_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct conn;

#define FIELD_ADDR_MAX	48	/* "[" IPv6 "]" */
void	field_ip(const struct conn *, int server, char *, size_t);
void	field_addr(int family, const uint8_t *, char *, size_t);
void	field_time(uint64_t us, char *, size_t);
size_t	field_clean(const uint8_t *, size_t, char *, size_t);
const char *field_mode(const struct conn *);
const char *field_proto(const struct conn *);
const char *field_end(const struct conn *);
const char *field_server_name(const struct conn *, char *, size_t);
const char *field_endpoint_label(const struct config *,
	    const struct conn *);
#define FIELD_NAME_MAX	(255 * 4 + 1)	/* a cleaned name */

#endif /* TLSFLOOR_FIELDS_H */
