/*
 * log.h -- operator diagnostics on stderr.
 *
 * fatal()/fatalx() end the program (startup problems); log_warn*() report
 * runtime system problems.  Nothing here is for hostile input: that is a
 * counter (stats.h) and at most a log_debug() line.
 */
#ifndef TLSFLOOR_LOG_H
#define TLSFLOOR_LOG_H

#include <stdbool.h>
#include <stdnoreturn.h>

void	log_init(const char *progname, int verbosity);
void	log_to_syslog(const char *ident, int facility);
void	log_also_syslog(const char *ident, int facility, bool on);
int	log_verbosity(void);
noreturn void fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
noreturn void fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif /* TLSFLOOR_LOG_H */
