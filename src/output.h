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

struct alert_summary;
struct config;
struct conn;
struct fp_set;
struct pollfd;
struct verdict;

enum ev_type {
	EV_SESSION,
	EV_ALERT,
	EV_ALERT_SUMMARY,
	EV_STATS,
	EV_INVENTORY,
};

/* Drop counters of one live capture, for the stats event. */
struct output_capstat {
	const char	*name;		/* interface */
	uint64_t	 received;
	uint64_t	 dropped;	/* by the kernel buffer */
	uint64_t	 if_dropped;	/* by the interface */
};

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

/* A rendered event: compact JSON, UTF-8, no newline (output_json.c). */
struct jw {
	char		*p;
	size_t		 n, cap;
	bool		 bad;		/* out of memory: not written */
};

bool	 oj_session(struct jw *, const struct conn *, const struct verdict *,
	    const struct fp_set *, enum ev_type);
bool	 oj_summary(struct jw *, const struct alert_summary *);
bool	 oj_render(struct jw *, const json_t *);
bool	 oj_ascii(struct jw *, const struct jw *);
bool	 jw_nul(struct jw *);
void	 jw_free(struct jw *);
/* Rare events are built as trees; each returns a new reference. */
json_t	*oj_stats(uint64_t now_us, const struct output_capstat *, size_t,
	    const struct config *);
json_t	*oj_inventory(uint64_t now_us, json_t *record);
void	 oj_set_observer(const char *sensor_name);
void	 oj_set_config(const struct config *);
void	 oj_init_host(void);
size_t	 oj_community_id(const struct conn *, uint16_t seed, char *, size_t);
#define OJ_COMMUNITY_ID_MAX	31	/* "1:" + base64 of 20 bytes + NUL */

/* The text sink (output_text.c). */
void	output_text_session(FILE *, const struct config *, const struct conn *,
	    const struct verdict *);
void	output_text_summary(FILE *, const struct alert_summary *);
size_t	output_text_escape(const char *, char *, size_t);

#endif /* TLSFLOOR_OUTPUT_H */
