/*
 * input.h -- a capture file's bytes, decompressed when they are gzip or
 * zstd (told by their magic bytes, not by the file's name).
 */
#ifndef TLSFLOOR_INPUT_H
#define TLSFLOOR_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum input_codec {
	INPUT_PLAIN,
	INPUT_GZIP,
	INPUT_ZSTD,
};

struct input;

/* Open path ("-": standard input).  NULL with err filled on failure. */
struct input	*input_open(const char *path, char *err, size_t errlen);
/* The decompressed bytes as a stream, from the first byte. */
FILE		*input_stream(struct input *);
/* The capture's first 4 bytes (decompressed); fewer: *n says how many. */
const uint8_t	*input_magic(const struct input *, size_t *n);
enum input_codec input_codec(const struct input *);
/* Bytes of the file itself read so far (while its stream is open), and
 * its size (0: not known). */
uint64_t	 input_pos(const struct input *);
uint64_t	 input_size(const struct input *);
/* What went wrong decompressing; NULL: nothing did. */
const char	*input_error(const struct input *);
/* The stream's FILE is closed by its reader (libpcap's pcap_close()). */
void		 input_stream_closed(struct input *);
void		 input_close(struct input *);

/* From a signal handler: a read waiting on a pipe returns instead of
 * being retried (async-signal-safe). */
void	 input_stop(void);

#endif /* TLSFLOOR_INPUT_H */
