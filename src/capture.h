/*
 * capture.h -- pipeline stage 1: packets from libpcap (files or live).
 */
#ifndef TLSFLOOR_CAPTURE_H
#define TLSFLOOR_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct output_capstat;
struct pollfd;

int	capture_file(const char *path, void (*tick)(void));

int	capture_live_open(const struct config *, char *err, size_t errlen);
int	capture_live_pollfds(struct pollfd *, int max);
void	capture_live_dispatch(const struct pollfd *, int n);
void	capture_live_retry(uint64_t now_us);
void	capture_live_drain(void);
size_t	capture_live_stats(struct output_capstat *, size_t max);
void	capture_live_close(void);
void	capture_breakloop(int sig);
char	*capture_default_bpf(const struct config *);

#endif /* TLSFLOOR_CAPTURE_H */
