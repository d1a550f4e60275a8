/*
 * log.c -- operator diagnostics: "tlsfloor: message" lines on stderr.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static const char	*log_prog = "tlsfloor";
static int		 log_level;	/* 0 normal, 1 info (-v), 2 debug (-vv) */

static void	log_vout(const char *, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));

void
log_init(const char *progname, int verbosity)
{
	if (progname != NULL)
		log_prog = progname;
	log_level = verbosity;
}

int
log_verbosity(void)
{
	return log_level;
}

static void
log_vout(const char *suffix, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", log_prog);
	vfprintf(stderr, fmt, ap);
	if (suffix != NULL)
		fprintf(stderr, ": %s", suffix);
	fputc('\n', stderr);
}

void
fatal(const char *fmt, ...)
{
	va_list		 ap;
	const char	*e = strerror(errno);

	va_start(ap, fmt);
	log_vout(e, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vout(NULL, fmt, ap);
	va_end(ap);
	exit(1);
}

void
log_warn(const char *fmt, ...)
{
	va_list		 ap;
	const char	*e = strerror(errno);

	va_start(ap, fmt);
	log_vout(e, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vout(NULL, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	if (log_level < 1)
		return;
	va_start(ap, fmt);
	log_vout(NULL, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	if (log_level < 2)
		return;
	va_start(ap, fmt);
	log_vout(NULL, fmt, ap);
	va_end(ap);
}
