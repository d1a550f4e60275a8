/*
 * capture.h -- pipeline stage 1: packets from libpcap.
 */
#ifndef TLSFLOOR_CAPTURE_H
#define TLSFLOOR_CAPTURE_H

int	capture_file(const char *path);

#endif /* TLSFLOOR_CAPTURE_H */
