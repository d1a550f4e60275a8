/*
 * output.h -- pipeline stage 8: session events to their sinks.
 */
#ifndef TLSFLOOR_OUTPUT_H
#define TLSFLOOR_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct config;
struct flow;
struct verdict;

/* A sink: one way of writing events (JSON Lines, text, later syslog). */
struct sink {
	const char	*name;
	void		(*session)(FILE *, const struct flow *,
			    const struct verdict *);
};

extern const struct sink	output_json_sink;
extern const struct sink	output_text_sink;

int	output_open(const struct config *);
void	output_session(const struct flow *, const struct verdict *);
int	output_close(void);

/* Formatting shared by the sinks. */
#define OUTPUT_ADDR_MAX	48	/* "[" IPv6 "]" */
#define OUTPUT_TIME_MAX	32	/* 2026-01-01T00:00:00.000000Z */
void	output_ip(const struct flow *, int server, char *, size_t);
void	output_time(uint64_t us, char *, size_t);
size_t	output_clean(const uint8_t *, size_t, char *, size_t);
const char *output_mode(const struct flow *);
const char *output_proto(const struct flow *);
const char *output_end(const struct flow *);

#endif /* TLSFLOOR_OUTPUT_H */
