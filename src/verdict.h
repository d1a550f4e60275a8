/*
 * verdict.h -- pipeline stage 7: what one mail session tells about its
 * client.
 *
 * The mail and TLS stages record findings in the connection's struct
 * session (session.h) as they see them; when the flow ends verdict_finish()
 * turns the findings into a struct verdict (outcome, reason, severity) and
 * hands the session to the outputs.
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
uint64_t	 verdict_count(enum reason);

#endif /* TLSFLOOR_VERDICT_H */
