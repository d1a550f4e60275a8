/*
 * preflight.h -- what a start needs, checked before anything is opened.
 *
 * One function for both `tlsfloor -n` and the start itself, so that the
 * check and the start cannot disagree: whatever would stop the start stops
 * -n with the same message.
 */
#ifndef TLSFLOOR_PREFLIGHT_H
#define TLSFLOOR_PREFLIGHT_H

#include <stddef.h>

struct config;

/* What the command line adds to the configuration. */
struct preflight_args {
	int		 nfiles;	/* -r FILE given: no live capture */
	const char	*conf;		/* -c FILE, or NULL */
	const char	*inventory;	/* --inventory, or NULL */
};

#define PREFLIGHT_OK		0
#define PREFLIGHT_FAIL		1	/* exit status: cannot start */
#define PREFLIGHT_NOTHING	2	/* exit status: nothing to read */

int	preflight(const struct config *, const struct preflight_args *,
	    char *err, size_t errlen);

#endif /* TLSFLOOR_PREFLIGHT_H */
