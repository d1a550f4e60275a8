/*
 * output_json.h -- the JSON form of every event (output_json.c).
 *
 * output.c decides which event goes where; this renders one.  Also the
 * event types and the capture counters of the stats event, which the
 * dispatcher's interface (output.h) uses too.
 */
#ifndef TLSFLOOR_OUTPUT_JSON_H
#define TLSFLOOR_OUTPUT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct alert_summary;
struct config;
struct conn;
struct fp_set;
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

#endif /* TLSFLOOR_OUTPUT_JSON_H */
