/*
 * capture.h -- pipeline stage 1: packets from libpcap (files or live).
 */
#ifndef TLSFLOOR_CAPTURE_H
#define TLSFLOOR_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct output_capstat;
struct pollfd;

/* 0 read to the end, -1 unreadable or corrupt, 1 stopped by a signal */
int	capture_file(const char *path, void (*tick)(void));
/* A progress line on stderr while files are read (a terminal's). */
void	capture_set_progress(bool on);

/* One capture worker's handles (capture.workers; 1: the main thread). */
struct capture_live;

struct capture_live *capture_live_open(const struct config *, unsigned worker,
	    unsigned nworkers, char *err, size_t errlen);
int	capture_live_pollfds(struct capture_live *, struct pollfd *, int max);
void	capture_live_dispatch(struct capture_live *, const struct pollfd *,
	    int n);
void	capture_live_retry(struct capture_live *, uint64_t now_us);
void	capture_live_drain(struct capture_live *);
size_t	capture_live_stats(struct capture_live *, struct output_capstat *,
	    size_t max);
void	capture_live_close(struct capture_live *);
int	capture_live_check(const struct config *, char *err, size_t errlen);
void	capture_breakloop(int sig);
char	*capture_default_bpf(const struct config *);

#endif /* TLSFLOOR_CAPTURE_H */
