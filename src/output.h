/*
 * output.h -- pipeline stage 8: events to their sinks.
 *
 * Event types (what a SIEM filters on, event.dataset tlsfloor.<type>):
 *   session        every judged session (ok ones only if configured)
 *   alert          the first legacy/plaintext session of its kind in a
 *                  de-duplication window
 *   alert_summary  how many repeats the window held back
 *   stats          counters, capture drops, expiring exceptions
 *   inventory      one per client inventory record, when it is written
 */
#ifndef TLSFLOOR_OUTPUT_H
#define TLSFLOOR_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <jansson.h>

#include "output_json.h"

struct alert_summary;
struct config;
struct conn;
struct pollfd;
struct verdict;

/* One remote collector, for the metrics. */
struct output_remotestat {
	const char	*name;		/* "host:port/udp"; output.c's */
	uint64_t	 sent;		/* events, since it was opened */
	uint64_t	 acknowledged;	/* RELP: the collector said so */
	uint64_t	 dropped;	/* never queued: full, too large */
	uint64_t	 failed;	/* queued, then given up or lost */
	uint64_t	 queued;	/* events waiting */
};

int	output_open(const struct config *, const char *inventory_path,
	    char *err, size_t errlen);
int	output_reconfigure(const struct config *, char *err, size_t errlen);
void	output_session(const struct conn *, const struct verdict *);
void	output_summary(const struct alert_summary *);
void	output_stats(uint64_t now_us, const struct output_capstat *, size_t);
int	output_inventory(uint64_t now_us);
void	output_inventory_record(json_t *record, uint64_t now_us);
void	output_tick(void);
void	output_flush(void);
void	output_handover(uid_t, gid_t);
int	output_pollfds(struct pollfd *, int max);
size_t	output_remotes(struct output_remotestat *, size_t max);
void	output_drain(unsigned ms);
int	output_close(void);
/* Capture workers share the outputs: see output.c. */
void	output_lock(void);
void	output_unlock(void);
void	output_set_threaded(bool);
bool	output_threaded(void);

#endif /* TLSFLOOR_OUTPUT_H */
