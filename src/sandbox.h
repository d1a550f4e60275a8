/*
 * sandbox.h -- the system-call allowlist of the running sensor (seccomp).
 */
#ifndef TLSFLOOR_SANDBOX_H
#define TLSFLOOR_SANDBOX_H

#include <stddef.h>

/* Load the filter for every thread of the process; -1 and err if not. */
int	sandbox_enter(char *err, size_t errlen);

#endif /* TLSFLOOR_SANDBOX_H */
