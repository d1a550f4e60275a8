/*
 * sandbox_probe.c -- the sensor's own sandbox_enter() (libtlsfloor.a), then
 * a system call: proof that the allowlist refuses what it must and lets
 * through what it must (tests/sec/run.sh, check seccomp-refuses).
 *
 *   sandbox_probe CALL DIR
 *
 * CALL is one of
 *   allowed   a file created, written, fsync'ed, renamed and removed, a
 *             UDP socket, a thread joined: exit 0
 *   execve    execve("/bin/true")
 *   fork      fork() (clone without CLONE_THREAD)
 *   setuid    setuid(0)
 *   bluetooth socket(AF_BLUETOOTH) (a domain not on the list)
 * A refused call ends the process with status 159 and one line on stderr
 * naming the call; a call that returns makes the probe exit 1.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sandbox.h"

#ifndef AF_BLUETOOTH
#define AF_BLUETOOTH	31
#endif

static void *
thread_main(void *arg)
{
	return arg;
}

static int
allowed(const char *dir)
{
	char		tmp[512], dst[512];
	static int	token;
	pthread_t	t;
	void		*r;
	int		fd, s;

	snprintf(tmp, sizeof(tmp), "%s/probe.tmp", dir);
	snprintf(dst, sizeof(dst), "%s/probe", dir);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600))
	    == -1 || write(fd, "x\n", 2) != 2 || fsync(fd) == -1 ||
	    close(fd) == -1 || rename(tmp, dst) == -1 || unlink(dst) == -1) {
		perror("file");
		return 1;
	}
	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1) {
		perror("socket");
		return 1;
	}
	close(s);
	if (pthread_create(&t, NULL, thread_main, &token) != 0 ||
	    pthread_join(t, &r) != 0 || r != &token) {
		fprintf(stderr, "thread\n");
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static char *const	targv[] = { "/bin/true", NULL };
	char			err[256];

	if (argc != 3) {
		fprintf(stderr, "usage: sandbox_probe CALL DIR\n");
		return 2;
	}
	if (sandbox_enter(err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	if (strcmp(argv[1], "allowed") == 0)
		return allowed(argv[2]);
	if (strcmp(argv[1], "execve") == 0)
		execve("/bin/true", targv, NULL);
	else if (strcmp(argv[1], "fork") == 0)
		(void)fork();
	else if (strcmp(argv[1], "setuid") == 0)
		(void)!setuid(0);
	else if (strcmp(argv[1], "bluetooth") == 0)
		(void)socket(AF_BLUETOOTH, SOCK_STREAM, 0);
	else {
		fprintf(stderr, "sandbox_probe: %s: unknown call\n", argv[1]);
		return 2;
	}
	fprintf(stderr, "sandbox_probe: %s returned\n", argv[1]);
	return 1;
}
