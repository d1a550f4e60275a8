/*
 * metrics.h -- the counters as a Prometheus text file (--metrics FILE,
 * stats.metrics_path), for node_exporter's textfile collector.
 *
 * metrics_open() at start-up, before the privilege drop and any chroot
 * (it keeps the directory open); metrics_write() at every stats interval
 * and at exit, from the thread that owns the process's counters (the main
 * thread, under output_lock() when workers run).  Nothing is written while
 * metrics_open() has not succeeded.
 */
#ifndef TLSFLOOR_METRICS_H
#define TLSFLOOR_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct config;
struct output_capstat;
struct output_remotestat;

/* What one rendering shows besides the counters in stats.h. */
struct metrics_in {
	const struct config		*cfg;	/* exceptions; may be NULL */
	uint64_t			 now_us;	/* wall clock */
	uint64_t			 start_us;	/* wall clock at start */
	const struct output_capstat	*cap;	/* live interfaces */
	size_t				 ncap;
	const struct output_remotestat	*rem;	/* collectors */
	size_t				 nrem;
};

int	metrics_check(const char *path, char *err, size_t errlen);
int	metrics_open(const char *path, char *err, size_t errlen);
bool	metrics_enabled(void);
const char *metrics_path(void);
void	metrics_write(const struct config *, uint64_t now_us,
	    const struct output_capstat *, size_t);
void	metrics_close(void);
void	metrics_render(FILE *, const struct metrics_in *);
void	metrics_label(FILE *, const char *value);

#endif /* TLSFLOOR_METRICS_H */
