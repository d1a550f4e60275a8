/*
 * log.c -- operator diagnostics: "tlsfloor: message" lines on stderr.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"

static const char	*log_prog = "tlsfloor";
static int		 log_level;	/* 0 normal, 1 info (-v), 2 debug (-vv) */
static bool		 log_syslog;	/* detached: stderr is /dev/null */
static bool		 log_both;	/* starting as a service: stderr and
					 * syslog(3) */

static void	log_emit(int, const char *, const char *, va_list)
		    __attribute__((format(printf, 3, 0)));


void
log_init(const char *progname, int verbosity)
{
	if (progname != NULL)
		log_prog = progname;
	log_level = verbosity;
}

static void
log_openlog(const char *ident, int facility)
{
	/* openlog() keeps the pointer: a reload may free the config's. */
	static char	copy[64];

	snprintf(copy, sizeof(copy), "%s", ident != NULL ? ident : log_prog);
	openlog(copy, LOG_PID | LOG_NDELAY, facility);
}

/* After detaching, diagnostics go to syslog(3). */
void
log_to_syslog(const char *ident, int facility)
{
	log_openlog(ident, facility);
	log_syslog = true;
	log_both = false;
}

/*
 * Starting as a service (-D, or under systemd): until the start is done,
 * warnings and errors go to stderr and to syslog(3) too, so that a start
 * that fails says why wherever the operator looks.  on false: stderr only
 * (no closelog(): the syslog sink shares the process's connection).
 */
void
log_also_syslog(const char *ident, int facility, bool on)
{
	if (on)
		log_openlog(ident, facility);
	log_both = on;
}

int
log_verbosity(void)
{
	return log_level;
}

static void
log_emit(int prio, const char *suffix, const char *fmt, va_list ap)
{
	char	msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* Starting: warnings and errors to syslog too (before a detach,
	 * under the parent's pid: nothing routine). */
	if (log_syslog || (log_both && prio <= LOG_WARNING)) {
		if (suffix != NULL)
			syslog(prio, "%s: %s", msg, suffix);
		else
			syslog(prio, "%s", msg);
		if (log_syslog)
			return;
	}
	if (suffix != NULL)
		fprintf(stderr, "%s: %s: %s\n", log_prog, msg, suffix);
	else
		fprintf(stderr, "%s: %s\n", log_prog, msg);
}

void
fatal(const char *fmt, ...)
{
	va_list		 ap;
	const char	*e = strerror(errno);

	va_start(ap, fmt);
	log_emit(LOG_ERR, e, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_emit(LOG_ERR, NULL, fmt, ap);
	va_end(ap);
	exit(1);
}

void
log_warn(const char *fmt, ...)
{
	va_list		 ap;
	const char	*e = strerror(errno);

	va_start(ap, fmt);
	log_emit(LOG_WARNING, e, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_emit(LOG_WARNING, NULL, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	if (log_level < 1)
		return;
	va_start(ap, fmt);
	log_emit(LOG_INFO, NULL, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	if (log_level < 2)
		return;
	va_start(ap, fmt);
	log_emit(LOG_DEBUG, NULL, fmt, ap);
	va_end(ap);
}
