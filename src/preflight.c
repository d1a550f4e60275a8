/*
 * preflight.c -- what a start needs, checked before anything is opened.
 *
 * Receives the loaded configuration and what the command line adds; says
 * whether a start would get going, and if not, why, in the words the
 * operator needs (the key or option to set).  `tlsfloor -n` calls it and
 * exits; a start calls it first, so the two cannot disagree.  In order:
 *
 *   input        a live interface (capture.interfaces or -i) or -r FILE
 *   user         the user to drop to exists (as root, live)
 *   interfaces   each exists, opens (a user who may not capture fails
 *                here, as the start would), has a link type we decode,
 *                and the filter compiles for it (capture.c)
 *   files        each output file can be written: json, text (appended
 *                to), inventory and metrics (written beside and renamed:
 *                the directory must take new files)
 *   collectors   each outputs.remote host resolves (output_syslog.c)
 *
 * It opens nothing that stays open and changes nothing on disk.  Writable
 * is asked of the calling user; the inventory and metrics, written after a
 * root start has dropped to daemon.user, are asked of that user too (by
 * owner and mode bits).
 */
#include <sys/stat.h>

#include <errno.h>
#include <grp.h>
#include <netdb.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "config.h"
#include "daemon.h"
#include "metrics.h"
#include "output_syslog.h"
#include "preflight.h"

enum pf_write {
	PF_APPEND,	/* opened at start for appending: the file, or its
			 * directory */
	PF_REPLACE,	/* a temporary file beside it, renamed over it, while
			 * running: after the privilege drop */
};

/* The user a live start as root becomes (daemon.user), or none. */
struct pf_user {
	bool		 drop;
	const char	*name;
	uid_t		 uid;
	gid_t		 gid;
};

static int	pf_input(const struct config *, const struct preflight_args *,
		    char *, size_t);
static int	pf_path(const char *, const char *, enum pf_write,
		    const struct pf_user *, char *, size_t);
static bool	pf_user_writes(const struct pf_user *, const struct stat *);
static int	pf_files(const struct config *, const struct preflight_args *,
		    char *, size_t);
static int	pf_remotes(const struct config *, char *, size_t);

/* Something to read: -r FILE, or an interface to capture on. */
static int
pf_input(const struct config *cfg, const struct preflight_args *a,
    char *err, size_t errlen)
{
	if (a->nfiles > 0 || cfg->ninterfaces > 0)
		return 0;
	if (a->conf != NULL)
		snprintf(err, errlen, "nothing to read: set capture.interfaces "
		    "in %s (e.g. [eth1]) or give -i INTERFACE to capture "
		    "live, or -r FILE to read a capture", a->conf);
	else
		snprintf(err, errlen, "nothing to read: give -i INTERFACE to "
		    "capture live (or capture.interfaces in a -c "
		    "configuration file), or -r FILE to read a capture "
		    "(-r - reads stdin)");
	return -1;
}

/*
 * Whether u may create files in a directory with these owner and mode
 * bits: the owner's, the group's (its primary or a supplementary group)
 * or the others' w and x.  ACLs are not read.
 */
static bool
pf_user_writes(const struct pf_user *u, const struct stat *st)
{
	gid_t	groups[256];
	int	ng = (int)(sizeof(groups) / sizeof(groups[0])), i;
	bool	member = u->gid == st->st_gid;

	if (u->uid == st->st_uid)
		return (st->st_mode & (S_IWUSR | S_IXUSR)) ==
		    (S_IWUSR | S_IXUSR);
	if (!member && getgrouplist(u->name, u->gid, groups, &ng) != -1)
		for (i = 0; i < ng && !member; i++)
			member = groups[i] == st->st_gid;
	if (member)
		return (st->st_mode & (S_IWGRP | S_IXGRP)) ==
		    (S_IWGRP | S_IXGRP);
	return (st->st_mode & (S_IWOTH | S_IXOTH)) == (S_IWOTH | S_IXOTH);
}

/*
 * path can be written the way `how` says.  key names the setting in the
 * message.  access(2) asks with the real user, which is who runs us; a
 * file replaced while running is written by the user a root start drops
 * to, so its directory is asked about that user too.
 */
static int
pf_path(const char *key, const char *path, enum pf_write how,
    const struct pf_user *u, char *err, size_t errlen)
{
	char		 dir[CONFIG_MAX_PATH + 1];
	const char	*slash;
	struct stat	 st;
	size_t		 n;

	if (path == NULL || strcmp(path, "-") == 0)
		return 0;
	if (how == PF_APPEND && access(path, F_OK) == 0) {
		if (access(path, W_OK) == 0)
			return 0;
		snprintf(err, errlen, "%s %s: cannot write to it: %s", key,
		    path, strerror(errno));
		return -1;
	}
	if ((slash = strrchr(path, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else {
		n = slash == path ? 1 : (size_t)(slash - path);
		if (n >= sizeof(dir))
			n = sizeof(dir) - 1;
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	if (access(dir, W_OK | X_OK) != 0) {
		snprintf(err, errlen, "%s %s: cannot create files in %s: %s",
		    key, path, dir, strerror(errno));
		return -1;
	}
	if (how != PF_REPLACE || !u->drop || stat(dir, &st) != 0 ||
	    pf_user_writes(u, &st))
		return 0;
	snprintf(err, errlen, "%s %s: daemon.user %s cannot create files in "
	    "%s (owner %u:%u, mode %04o)", key, path, u->name, dir,
	    (unsigned)st.st_uid, (unsigned)st.st_gid,
	    (unsigned)(st.st_mode & 07777));
	return -1;
}

/* Every file the outputs write. */
static int
pf_files(const struct config *cfg, const struct preflight_args *a,
    char *err, size_t errlen)
{
	const char	*inv = a->inventory != NULL ? a->inventory :
			    cfg->inventory_path;
	struct pf_user	 u;

	memset(&u, 0, sizeof(u));
	u.name = cfg->user;
	u.drop = a->nfiles == 0 && daemon_target(cfg, &u.uid, &u.gid) == 0;

	if (cfg->json_enabled && pf_path("outputs.json.path", cfg->json_path,
	    PF_APPEND, &u, err, errlen) != 0)
		return -1;
	if (cfg->text_enabled && pf_path("outputs.text.path", cfg->text_path,
	    PF_APPEND, &u, err, errlen) != 0)
		return -1;
	if (pf_path("inventory.path", inv, PF_REPLACE, &u, err, errlen) != 0)
		return -1;
	if (cfg->metrics_path != NULL && (metrics_check(cfg->metrics_path,
	    err, errlen) != 0 || pf_path("stats.metrics_path",
	    cfg->metrics_path, PF_REPLACE, &u, err, errlen) != 0))
		return -1;
	return 0;
}

/* Each collector's name resolves (the lookup the start makes). */
static int
pf_remotes(const struct config *cfg, char *err, size_t errlen)
{
	struct addrinfo	*res;
	size_t		 i;

	for (i = 0; i < cfg->nremotes; i++) {
		if ((res = remote_resolve(&cfg->remotes[i], err, errlen)) ==
		    NULL)
			return -1;
		freeaddrinfo(res);
	}
	return 0;
}

/* PREFLIGHT_OK, or the exit status and err. */
int
preflight(const struct config *cfg, const struct preflight_args *a,
    char *err, size_t errlen)
{
	if (pf_input(cfg, a, err, errlen) != 0)
		return PREFLIGHT_NOTHING;
	if (a->nfiles == 0) {
		if (daemon_check(cfg, err, errlen) != 0 ||
		    capture_live_check(cfg, err, errlen) != 0)
			return PREFLIGHT_FAIL;
	}
	if (pf_files(cfg, a, err, errlen) != 0 ||
	    pf_remotes(cfg, err, errlen) != 0)
		return PREFLIGHT_FAIL;
	return PREFLIGHT_OK;
}
