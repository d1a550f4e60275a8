/*
 * verdict.h -- pipeline stage 7: what one mail session tells about its
 * client.
 *
 * The mail and TLS stages record findings in the flow's struct session as
 * they see them; when the flow ends verdict_finish() turns the findings into
 * an outcome and a reason and hands the session to the outputs.
 */
#ifndef TLSFLOOR_VERDICT_H
#define TLSFLOOR_VERDICT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "caps.h"
#include "session.h"

struct config;
struct config_exception;
struct conn;

struct verdict {
	enum outcome	 outcome;
	enum reason	 reason;
	enum reason	 base_reason;	/* before exceptions were applied */
	uint16_t	 client_max;	/* 0 when no ClientHello was seen */
	uint16_t	 negotiated;	/* 0 when no ServerHello was seen */
	uint16_t	 floor;		/* the floor it was judged against */
	int		 severity;	/* syslog severity, LOG_ERR..LOG_INFO */
	bool		 alert;		/* raise an alert now */
	bool		 repeat;	/* an alert de-duplication held back */
	const struct config_exception *exception; /* matched, live or not */
	bool		 exception_live;
};

/* A run of repeated alerts that de-duplication held back. */
struct alert_summary {
	uint8_t		 family;	/* 4 or 6 */
	uint8_t		 proto;		/* enum proto */
	uint8_t		 cli[16], srv[16];
	uint16_t	 srv_port;	/* of the last session */
	enum reason	 reason;
	uint16_t	 version;	/* negotiated, else client_max; 0 none */
	int		 severity;
	uint64_t	 window_start;	/* us: the alert that opened it */
	uint64_t	 window_end;	/* us */
	uint64_t	 first_ts, last_ts; /* us: the sessions held back */
	uint64_t	 count;		/* sessions held back (not alerted) */
};

void		 verdict_init(const struct config *);
void		 verdict_tick(uint64_t now_us);
void		 verdict_flush(void);
void		 verdict_set_config(const struct config *);
void		 verdict_set_floor(uint16_t);
uint16_t	 verdict_floor(void);
void		 verdict_policy(const struct conn *, struct verdict *);
size_t		 verdict_exception_uses(size_t i);
void		 verdict_report_exceptions(void);
void		 verdict_expiring_exceptions(time_t now);
void		 verdict_judge(const struct conn *, struct verdict *);
void		 verdict_finish(struct conn *);
void		 verdict_free(struct session *);
const char	*session_outcome_name(enum outcome);
const char	*session_reason_name(enum reason);
const char	*session_cleartext_name(const struct conn *);
uint64_t	 verdict_count(enum reason);

#endif /* TLSFLOOR_VERDICT_H */
