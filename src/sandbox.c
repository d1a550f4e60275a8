/*
 * sandbox.c -- a system-call allowlist (seccomp, through libseccomp) for
 * the running sensor; the only includer of seccomp.h.
 *
 * main.c calls sandbox_enter() once the live capture handles and the
 * outputs are open and privileges are dropped, before the capture workers
 * start (threads made later inherit the filter; threads made earlier get
 * it too, SCMP_FLTATR_CTL_TSYNC).  From then on the process can make only
 * the calls listed below, grouped by what needs them; any other call is
 * trapped: the SIGSYS handler writes one line naming it to standard error
 * and the process exits with status 159 (128 + SIGSYS), as if killed.
 * daemon.seccomp: false leaves the filter out.
 *
 * What it deliberately does not allow: starting programs (execve,
 * execveat), new processes (fork, vfork, clone without CLONE_THREAD),
 * changing identity or privileges (set*id, capset, chroot, prctl, ...),
 * mounting, tracing, loading kernel code (bpf, init_module, kexec),
 * namespaces, keyrings, TIOCSTI.  clone3 fails with ENOSYS instead of
 * being trapped (its flags live in memory a filter cannot read): glibc
 * then creates threads with clone, whose flags are checked.
 *
 * Reading capture files (-r) runs without the filter: valgrind, which the
 * tests run over every capture, cannot run a guest that filters its own
 * system calls.
 */
#define _GNU_SOURCE		/* CLONE_THREAD */
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sandbox.h"

/*
 * The allowlist, by who needs it.  Names a kernel architecture does not
 * have (open on arm64, say) are skipped.  Keep docs/the man page's list in
 * step: tlsfloor(8), SECURITY CONSIDERATIONS.
 */
static const char *const allowed[] = {
	/* process and threads: the C library, pthreads, malloc */
	"brk", "mmap", "mmap2", "munmap", "mremap", "mprotect", "madvise",
	"futex", "futex_waitv", "set_robust_list", "get_robust_list",
	"rseq", "set_tid_address", "sched_yield", "sched_getaffinity",
	"exit", "exit_group", "getpid", "gettid", "getppid", "getuid",
	"geteuid", "getgid", "getegid", "getresuid", "getresgid",
	"getgroups", "tgkill", "tkill", "rt_sigaction", "rt_sigprocmask",
	"rt_sigreturn", "sigaltstack", "restart_syscall", "getrandom",
	"uname", "prlimit64", "getrlimit", "getrusage", "sysinfo",
	"membarrier",
	/* time */
	"clock_gettime", "clock_getres", "gettimeofday", "time",
	"nanosleep", "clock_nanosleep",
	/* waiting: the run loop, workers, collectors, resolver, libpq */
	"poll", "ppoll", "select", "pselect6", "epoll_create1",
	"epoll_ctl", "epoll_wait", "epoll_pwait", "eventfd2",
	/* descriptors and files: outputs reopened on SIGHUP, the
	 * configuration re-read, the inventory, metrics and the store
	 * (temporary file, fsync, rename), SQLite's locks and journal */
	"read", "readv", "pread64", "preadv", "write", "writev",
	"pwrite64", "pwritev", "lseek", "_llseek", "open", "openat",
	"close", "dup", "dup2", "dup3", "fcntl", "fcntl64", "flock",
	"fstat", "fstat64", "stat", "stat64", "lstat", "lstat64",
	"newfstatat", "fstatat64", "statx", "statfs", "fstatfs",
	"access", "faccessat", "faccessat2", "readlink", "readlinkat",
	"getcwd", "getdents64", "fsync", "fdatasync", "msync",
	"ftruncate", "ftruncate64", "fallocate", "fchmod", "umask",
	"rename", "renameat", "renameat2", "unlink", "unlinkat",
	"pipe2",
	/* sockets: pcap (reopening an interface), syslog's unix socket,
	 * collectors over UDP and TCP (reconnects, getaddrinfo), libpq;
	 * socket() itself is limited to these domains below */
	"connect", "bind", "listen", "accept4", "shutdown",
	"sendto", "sendmsg", "sendmmsg", "recvfrom", "recvmsg",
	"recvmmsg", "getsockopt", "setsockopt", "getsockname",
	"getpeername", "socketpair",
	/* and, below with conditions: socket (some domains), clone
	 * (threads), ioctl (not TIOCSTI) */
};

/*
 * Built with AddressSanitizer (--enable-sanitizers): LeakSanitizer's check
 * at exit stops the world from a traced helper process, which cannot run
 * under the filter.  The check is made when the filter is loaded instead
 * (later ones are then skipped): test builds only.
 */
#if defined(__SANITIZE_ADDRESS__)
#define SANDBOX_SANITIZER	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANDBOX_SANITIZER	1
#endif
#endif
#ifdef SANDBOX_SANITIZER
#include <sanitizer/lsan_interface.h>
#endif

/* socket(2) domains allowed; anything else is trapped. */
static const int domains[] = {
	AF_UNIX, AF_INET, AF_INET6, AF_NETLINK, AF_PACKET,
};

/*
 * Names of the numbers, resolved before the filter is loaded: the SIGSYS
 * handler may only look them up (libseccomp's resolver allocates).
 */
#define SANDBOX_MAX_NR	1024
static char	*nr_name[SANDBOX_MAX_NR];

/* Async-signal-safe: decimal into buf, returns its length. */
static size_t
fmt_uint(char *buf, unsigned v)
{
	char	tmp[12];
	size_t	n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

static void
on_sigsys(int sig, siginfo_t *si, void *uc)
{
	static const char	pre[] = "tlsfloor: seccomp: forbidden system "
	    "call ";
	char			line[160];
	const char		*name = NULL;
	size_t			n = 0, l;
	int			nr = si->si_syscall;

	(void)sig;
	(void)uc;
	memcpy(line, pre, sizeof(pre) - 1);
	n = sizeof(pre) - 1;
	n += fmt_uint(line + n, (unsigned)nr);
	if (nr >= 0 && nr < SANDBOX_MAX_NR)
		name = nr_name[nr];
	if (name != NULL && (l = strlen(name)) < sizeof(line) - n - 32) {
		line[n++] = ' ';
		line[n++] = '(';
		memcpy(line + n, name, l);
		n += l;
		line[n++] = ')';
	}
	memcpy(line + n, "; exiting\n", 10);
	n += 10;
	(void)!write(STDERR_FILENO, line, n);
	_exit(128 + SIGSYS);
}

static void
names_fill(void)
{
	uint32_t	arch = seccomp_arch_native();
	int		nr;

	for (nr = 0; nr < SANDBOX_MAX_NR; nr++)
		if (nr_name[nr] == NULL)
			nr_name[nr] = seccomp_syscall_resolve_num_arch(arch, nr);
}

/* A rule, or nothing when this architecture has no such call. */
static int
allow(scmp_filter_ctx ctx, const char *name)
{
	int	nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR || nr < 0)	/* not on this arch */
		return 0;
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0);
}

/* A rule on one argument (without SCMP_A0(), whose partial struct
 * initialiser clang's -Wmissing-field-initializers refuses). */
static int
allow_if(scmp_filter_ctx ctx, int nr, unsigned arg, enum scmp_compare op,
    scmp_datum_t a, scmp_datum_t b)
{
	struct scmp_arg_cmp	c;

	memset(&c, 0, sizeof(c));
	c.arg = arg;
	c.op = op;
	c.datum_a = a;
	c.datum_b = b;
	return seccomp_rule_add_array(ctx, SCMP_ACT_ALLOW, nr, 1, &c);
}

static int
rules(scmp_filter_ctx ctx)
{
	size_t	i;
	int	rc;

	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if ((rc = allow(ctx, allowed[i])) != 0)
			return rc;

	for (i = 0; i < sizeof(domains) / sizeof(domains[0]); i++)
		if ((rc = allow_if(ctx, SCMP_SYS(socket), 0, SCMP_CMP_EQ,
		    (scmp_datum_t)domains[i], 0)) != 0)
			return rc;
	/* threads, never processes */
	if ((rc = allow_if(ctx, SCMP_SYS(clone), 0, SCMP_CMP_MASKED_EQ,
	    CLONE_THREAD, CLONE_THREAD)) != 0)
		return rc;
	if ((rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
	    SCMP_SYS(clone3), 0)) != 0)
		return rc;
	/* ioctl: SIOCGIF* and ethtool for capture, FIONREAD, TCGETS; not
	 * TIOCSTI (typing input into a terminal) */
	return allow_if(ctx, SCMP_SYS(ioctl), 1, SCMP_CMP_NE,
	    (scmp_datum_t)TIOCSTI, 0);
}

int
sandbox_enter(char *err, size_t errlen)
{
	struct sigaction	sa;
	scmp_filter_ctx		ctx;
	int			rc;

#ifdef SANDBOX_SANITIZER
	__lsan_do_leak_check();
#endif
	names_fill();
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	if (sigaction(SIGSYS, &sa, NULL) == -1) {
		snprintf(err, errlen, "seccomp: sigaction: %s",
		    strerror(errno));
		return -1;
	}
	if ((ctx = seccomp_init(SCMP_ACT_TRAP)) == NULL) {
		snprintf(err, errlen, "seccomp: cannot set up a filter");
		return -1;
	}
	if ((rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1)) != 0 ||
	    (rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1)) != 0 ||
	    (rc = rules(ctx)) != 0 || (rc = seccomp_load(ctx)) != 0) {
		snprintf(err, errlen, "seccomp: %s (set daemon.seccomp: false "
		    "to run without the allowlist)", strerror(-rc));
		seccomp_release(ctx);
		return -1;
	}
	seccomp_release(ctx);
	return 0;
}
