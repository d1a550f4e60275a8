/*
 * daemon.h -- process plumbing for the long-running sensor: signals,
 * pidfile, detaching, privilege drop, systemd readiness.
 */
#ifndef TLSFLOOR_DAEMON_H
#define TLSFLOOR_DAEMON_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct config;

extern volatile sig_atomic_t	daemon_hup;	/* reload */
extern volatile sig_atomic_t	daemon_usr1;	/* write the inventory */
extern volatile sig_atomic_t	daemon_term;	/* flush and exit */

int	daemon_signals(void (*on_signal)(int));
int	daemon_pidfile(const char *path, const struct config *, char *err,
	    size_t errlen);
int	daemon_pidfile_write(void);
void	daemon_pidfile_remove(void);
int	daemon_detach(void);
int	daemon_check(const struct config *, char *err, size_t errlen);
int	daemon_target(const struct config *, uid_t *, gid_t *);
int	daemon_drop(const struct config *, bool keep_capture, char *err,
	    size_t errlen);
void	daemon_notify(const char *state);
void	daemon_close_fds(void);
uint64_t daemon_now(void);

#endif /* TLSFLOOR_DAEMON_H */
