/*
 * daemon.c -- the only file that calls sigaction, setresuid, chroot.
 *
 * Start-up order (main.c): load the config, open captures and outputs as
 * root, then daemon_pidfile() (refuses a second instance), daemon_detach()
 * unless in the foreground, daemon_drop() (chroot, setgroups, setresgid,
 * setresuid, then prove root cannot be regained) and daemon_notify()
 * "READY=1" for systemd.  Signal handlers only set flags (and let the
 * capture break out of its loop); the run loop acts on them.
 *
 * The pidfile is created (and locked with a POSIX record lock) before the
 * drop; its directory is kept open so that it can be removed with
 * unlinkat() from inside a chroot.  Put it in a directory the daemon user
 * owns (systemd's RuntimeDirectory=tlsfloor gives /run/tlsfloor); if the
 * unlink is refused the file is emptied instead.
 *
 * A live sensor keeps CAP_NET_RAW across the drop (and nothing else), so an
 * interface that disappears can be opened again; without live capture no
 * capability is kept.
 */
#define _GNU_SOURCE		/* setresuid(2), setresgid(2) */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "daemon.h"
#include "log.h"

volatile sig_atomic_t	daemon_hup;
volatile sig_atomic_t	daemon_usr1;
volatile sig_atomic_t	daemon_term;

static void		(*sig_cb)(int);
static int		 pid_fd = -1;	/* locked pidfile */
static int		 pid_dirfd = -1;	/* its directory */
static char		 pid_name[NAME_MAX + 1];

static void
on_signal(int sig)
{
	int	saved = errno;

	switch (sig) {
	case SIGHUP:
		daemon_hup = 1;
		break;
	case SIGUSR1:
		daemon_usr1 = 1;
		break;
	default:
		daemon_term = 1;
		break;
	}
	if (sig_cb != NULL)
		sig_cb(sig);		/* pcap_breakloop(): signal-safe */
	errno = saved;
}

/*
 * HUP, USR1, TERM, INT.  HUP and USR1 are installed with SA_RESTART: they
 * ask for something to be done, and must not abort a read in progress
 * (`tcpdump -w - | tlsfloor -r -` blocks in read(2) on the pipe; without
 * SA_RESTART the read fails with EINTR and the rest of the input is lost).
 * The live loop still sees them at once: poll(2) is never restarted (it
 * returns EINTR whatever the flag), and the capture handles are only read
 * after poll says they are ready.  TERM and INT are installed without
 * SA_RESTART: they are meant to cut a blocked read short.  PIPE is ignored
 * (a collector that went away is a write error, not a death).
 */
int
daemon_signals(void (*cb)(int))
{
	static const int	 sigs[] = { SIGHUP, SIGUSR1, SIGTERM, SIGINT };
	struct sigaction	 sa;
	size_t			 i;

	sig_cb = cb;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	sa.sa_handler = on_signal;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sa.sa_flags = sigs[i] == SIGHUP || sigs[i] == SIGUSR1 ?
		    SA_RESTART : 0;
		if (sigaction(sigs[i], &sa, NULL) == -1)
			return -1;
	}
	sa.sa_flags = 0;
	sa.sa_handler = SIG_IGN;
	return sigaction(SIGPIPE, &sa, NULL);
}

/*
 * An existing pidfile: refused if another instance holds its lock, if it
 * is a symbolic link (a daemon user that could write the directory may
 * have planted one pointing at /etc/shadow: root must not follow it) or
 * anything but a regular file; otherwise it is stale and is removed, so
 * that the caller can create a fresh one with O_EXCL.
 */
static int
pidfile_stale(const char *path, char *err, size_t errlen)
{
	struct stat	st, now;
	int		fd;

	/* O_NONBLOCK: a FIFO planted here must not block the open. */
	fd = openat(pid_dirfd, pid_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_NOCTTY | O_CLOEXEC);
	if (fd == -1 && errno == ENOENT)
		return 0;		/* gone meanwhile: try again */
	if (fd == -1 && errno == ELOOP) {
		snprintf(err, errlen, "%s: is a symbolic link; refusing to "
		    "follow it (remove it if it is not yours)", path);
		return -1;
	}
	if (fd == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file; refusing to "
		    "use it as the pidfile", path);
		close(fd);
		return -1;
	}
	if (flock(fd, LOCK_SH | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			snprintf(err, errlen, "%s: another tlsfloor is "
			    "running (the pidfile is locked)", path);
		else
			snprintf(err, errlen, "%s: lock: %s", path,
			    strerror(errno));
		close(fd);
		return -1;
	}
	/* Remove the name only while it is still the file just checked. */
	if (fstatat(pid_dirfd, pid_name, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
	    now.st_dev == st.st_dev && now.st_ino == st.st_ino &&
	    unlinkat(pid_dirfd, pid_name, 0) == -1) {
		snprintf(err, errlen, "%s: removing the stale pidfile: %s",
		    path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * Create and lock the pidfile; another running instance holding the lock
 * is an error.  The directory is created if missing and handed to the
 * daemon user, so the file can be removed after the privilege drop.
 * Neither the directory nor the file is followed through a symbolic link,
 * the file is always created afresh (O_EXCL) and handed over by its
 * descriptor: nothing the daemon user planted can make root write or
 * chown another file.
 */
int
daemon_pidfile(const char *path, const struct config *cfg, char *err,
    size_t errlen)
{
	char		 dir[PATH_MAX];
	const char	*slash = strrchr(path, '/');
	size_t		 dlen;
	uid_t		 uid;
	gid_t		 gid;
	bool		 made, handover;
	int		 tries;

	/* Messages quote at most 100 bytes of the path: the reason must
	 * not be cut off by a long one. */
	if (path[0] != '/') {
		snprintf(err, errlen, "%.100s%s: pidfile needs an absolute "
		    "path", path, strlen(path) > 100 ? "..." : "");
		return -1;
	}
	if (slash[1] == '\0' || strlen(slash + 1) > NAME_MAX) {
		snprintf(err, errlen, "%.100s%s: pidfile needs a file name of "
		    "1 to %d bytes after its last '/'", path,
		    strlen(path) > 100 ? "..." : "", NAME_MAX);
		return -1;
	}
	dlen = slash == path ? 1 : (size_t)(slash - path);	/* "/x.pid" */
	if (dlen >= sizeof(dir)) {
		snprintf(err, errlen, "%.100s...: pidfile directory is %zu "
		    "bytes long, more than the %zu a path may have", path,
		    dlen, sizeof(dir) - 1);
		return -1;
	}
	memcpy(dir, path, dlen);
	dir[dlen] = '\0';
	snprintf(pid_name, sizeof(pid_name), "%s", slash + 1);
	handover = daemon_target(cfg, &uid, &gid) == 0;
	made = mkdir(dir, 0755) == 0;
	if ((pid_dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%.100s%s: %s%s", dir,
		    dlen > 100 ? "..." : "", strerror(errno),
		    errno == ENOTDIR ? " (or a symbolic link)" : "");
		return -1;
	}
	if (made && handover && fchown(pid_dirfd, uid, gid) == -1)
		log_warn("%s: chown", dir);
	for (tries = 0; ; tries++) {
		pid_fd = openat(pid_dirfd, pid_name, O_RDWR | O_CREAT |
		    O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (pid_fd != -1)
			break;
		if (errno != EEXIST || tries == 3) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (pidfile_stale(path, err, errlen) != 0)
			goto fail;
	}
	/* flock(), not fcntl(): the lock must belong to the open file, so
	 * that the daemon keeps it across daemon_detach()'s forks. */
	if (flock(pid_fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			snprintf(err, errlen, "%s: another tlsfloor is "
			    "running (the pidfile is locked)", path);
		else
			snprintf(err, errlen, "%s: lock: %s", path,
			    strerror(errno));
		close(pid_fd);
		pid_fd = -1;
		goto fail;
	}
	if (handover && fchown(pid_fd, uid, gid) == -1)
		log_warn("%s: chown", path);
	/* A start-up that fails after this (fatal() exits) leaves none. */
	atexit(daemon_pidfile_remove);
	return 0;
fail:
	close(pid_dirfd);
	pid_dirfd = -1;
	return -1;
}

/* Our pid into the locked file (after detaching: the final pid). */
int
daemon_pidfile_write(void)
{
	char	buf[32];
	int	n;

	if (pid_fd == -1)
		return 0;
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(pid_fd, 0) == -1 || pwrite(pid_fd, buf, (size_t)n, 0)
	    != n)
		return -1;
	return 0;
}

void
daemon_pidfile_remove(void)
{
	if (pid_fd == -1)
		return;
	if (unlinkat(pid_dirfd, pid_name, 0) == -1 &&
	    ftruncate(pid_fd, 0) == -1)
		log_warn("pidfile %s", pid_name);
	close(pid_fd);
	close(pid_dirfd);
	pid_fd = pid_dirfd = -1;
}

/* The classic double fork: no controlling terminal, not a group leader. */
int
daemon_detach(void)
{
	pid_t	pid;
	int	fd;

	if ((pid = fork()) == -1)
		return -1;
	if (pid != 0)
		_exit(0);
	if (setsid() == -1)
		return -1;
	if ((pid = fork()) == -1)
		return -1;
	if (pid != 0)
		_exit(0);
	if (chdir("/") == -1)
		return -1;
	if ((fd = open("/dev/null", O_RDWR)) == -1)
		return -1;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
	return 0;
}

/*
 * What daemon_drop() will need, checked while errors can still reach the
 * terminal (before daemon_detach()): the user and group exist.
 */
int
daemon_check(const struct config *cfg, char *err, size_t errlen)
{
	if (geteuid() != 0 || cfg->user == NULL || cfg->user[0] == '\0' ||
	    cfg->allow_root)
		return 0;
	if (getpwnam(cfg->user) == NULL) {
		snprintf(err, errlen, "user \"%s\" does not exist (create it: "
		    "useradd --system --no-create-home %s)", cfg->user,
		    cfg->user);
		return -1;
	}
	if (cfg->group != NULL && cfg->group[0] != '\0' &&
	    getgrnam(cfg->group) == NULL) {
		snprintf(err, errlen, "group \"%s\" does not exist",
		    cfg->group);
		return -1;
	}
	return 0;
}

/*
 * The uid and gid the drop will take (for handing files over first);
 * -1 when there is no drop (not root, or allowed to stay).
 */
int
daemon_target(const struct config *cfg, uid_t *uid, gid_t *gid)
{
	struct passwd	*pw;
	struct group	*gr;

	if (geteuid() != 0 || cfg->user == NULL || cfg->user[0] == '\0' ||
	    (pw = getpwnam(cfg->user)) == NULL || pw->pw_uid == 0)
		return -1;
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	if (cfg->group != NULL && cfg->group[0] != '\0' &&
	    (gr = getgrnam(cfg->group)) != NULL)
		*gid = gr->gr_gid;
	return 0;
}

/* Keep exactly CAP_NET_RAW in the permitted and effective sets. */
static int
keep_net_raw(void)
{
	struct __user_cap_header_struct	hdr;
	struct __user_cap_data_struct	data[2];

	memset(&hdr, 0, sizeof(hdr));
	memset(data, 0, sizeof(data));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	data[0].permitted = data[0].effective = 1u << CAP_NET_RAW;
	return (int)syscall(SYS_capset, &hdr, data);
}

/*
 * Become the configured user for good.  Already unprivileged (systemd
 * User= with ambient capabilities, or a plain user reading files): nothing
 * to do.  As root: refuse to stay root unless allow_root says so.
 */
int
daemon_drop(const struct config *cfg, bool keep_capture, char *err,
    size_t errlen)
{
	struct passwd	*pw;
	struct group	*gr;
	uid_t		 uid;
	gid_t		 gid;

	if (geteuid() != 0)
		return 0;
	if (cfg->user == NULL || cfg->user[0] == '\0') {
		if (cfg->allow_root)
			return 0;
		snprintf(err, errlen, "refusing to run as root: set "
		    "daemon.user, or daemon.allow_root: true");
		return -1;
	}
	if ((pw = getpwnam(cfg->user)) == NULL) {
		if (cfg->allow_root) {
			log_warnx("user \"%s\" does not exist: staying root "
			    "(daemon.allow_root)", cfg->user);
			return 0;
		}
		snprintf(err, errlen, "user \"%s\" does not exist (create it: "
		    "useradd --system --no-create-home %s)", cfg->user,
		    cfg->user);
		return -1;
	}
	uid = pw->pw_uid;
	gid = pw->pw_gid;
	if (cfg->group != NULL && cfg->group[0] != '\0') {
		if ((gr = getgrnam(cfg->group)) == NULL) {
			snprintf(err, errlen, "group \"%s\" does not exist",
			    cfg->group);
			return -1;
		}
		gid = gr->gr_gid;
	}
	if (uid == 0) {
		if (cfg->allow_root)
			return 0;
		snprintf(err, errlen, "daemon.user \"%s\" is root", cfg->user);
		return -1;
	}
	if (cfg->chroot_dir != NULL &&
	    (chroot(cfg->chroot_dir) == -1 || chdir("/") == -1)) {
		snprintf(err, errlen, "chroot %s: %s", cfg->chroot_dir,
		    strerror(errno));
		return -1;
	}
	if (keep_capture && prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) == -1) {
		snprintf(err, errlen, "prctl: %s", strerror(errno));
		return -1;
	}
	if (setgroups(1, &gid) == -1 || setresgid(gid, gid, gid) == -1 ||
	    setresuid(uid, uid, uid) == -1) {
		snprintf(err, errlen, "dropping privileges to %s: %s",
		    cfg->user, strerror(errno));
		return -1;
	}
	if (keep_capture && keep_net_raw() == -1)
		log_warn("capset (an interface that disappears will not be "
		    "reopened)");
	/* Prove it: root must not come back. */
	if (setuid(0) != -1 || seteuid(0) != -1 || getuid() != uid ||
	    geteuid() != uid || getgid() != gid) {
		snprintf(err, errlen, "privileges could be regained after "
		    "dropping them");
		return -1;
	}
	return 0;
}

/*
 * sd_notify(3) without libsystemd: one datagram to $NOTIFY_SOCKET (a path,
 * or an abstract socket when it starts with '@').  Silent when not under
 * systemd.
 */
void
daemon_notify(const char *state)
{
	const char		*path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un	 sun;
	size_t			 len;
	int			 fd;

	if (path == NULL || (len = strlen(path)) == 0 ||
	    len >= sizeof(sun.sun_path))
		return;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, len);
	if (sun.sun_path[0] == '@')
		sun.sun_path[0] = '\0';
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return;
	if (sendto(fd, state, strlen(state), 0, (struct sockaddr *)&sun,
	    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) == -1)
		log_debug("sd_notify: %s", strerror(errno));
	close(fd);
}

/*
 * Close every descriptor above stderr that whoever started us left open
 * (a shell's redirections, a parent's sockets): they would stay open in
 * the daemon for its whole life, past the privilege drop.  close_range(2)
 * where the kernel has it (5.9), else each one listed in /proc/self/fd.
 */
void
daemon_close_fds(void)
{
	char		 path[64];
	long		 fd;
	int		 dfd;
	ssize_t		 n;
	size_t		 i;
	char		 buf[4096], *end;

#ifdef SYS_close_range
	if (syscall(SYS_close_range, 3u, ~0u, 0u) == 0)
		return;
#endif
	/* getdents64 by hand: opendir() would allocate, and the listing
	 * changes as we close. */
	if ((dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return;
	while ((n = syscall(SYS_getdents64, dfd, buf, sizeof(buf))) > 0) {
		for (i = 0; i < (size_t)n; ) {
			/* struct linux_dirent64: ino 8, off 8, reclen 2,
			 * type 1, then the name */
			unsigned short	reclen;

			memcpy(&reclen, buf + i + 16, sizeof(reclen));
			snprintf(path, sizeof(path), "%s", buf + i + 19);
			i += reclen;
			errno = 0;
			fd = strtol(path, &end, 10);
			if (errno == 0 && *end == '\0' && end != path &&
			    fd > STDERR_FILENO && fd != dfd && fd <= INT_MAX)
				close((int)fd);
		}
	}
	close(dfd);
}

/* Real time, microseconds since the epoch: the run loops' clock. */
uint64_t
daemon_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}
