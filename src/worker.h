/*
 * worker.h -- capture workers (capture.workers > 1): threads that each run
 * the pipeline on their share of the traffic.  Plumbing, like daemon.c:
 * the pipeline itself is the same code the main thread runs with one.
 */
#ifndef TLSFLOOR_WORKER_H
#define TLSFLOOR_WORKER_H

#include <stddef.h>

struct capture_live;
struct config;
struct output_capstat;

int	workers_start(struct capture_live **, unsigned n, const struct config *,
	    char *err, size_t errlen);
void	workers_set_config(const struct config *);
size_t	workers_capstats(struct output_capstat *, size_t max);
void	workers_stop(void);

#endif /* TLSFLOOR_WORKER_H */
