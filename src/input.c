/*
 * input.c -- the bytes of a capture file, decompressed when needed.
 *
 * A file is gzip (1f 8b) or zstd (28 b5 2f fd) by its first bytes, whatever
 * its name; both are decoded with their reference libraries (zlib, libzstd)
 * and handed on as a stdio stream (fopencookie), so libpcap and pcapng.c
 * read them as they read a plain file.  Concatenated gzip members and zstd
 * frames are read one after another, as gzip -d and zstd -d do.
 *
 * A plain regular file is handed on as it is, read through a 256 KiB
 * buffer: the fast path, no copy.  A plain pipe (standard input) goes
 * through the same stream as a compressed file, since its first bytes,
 * read to tell what it is, cannot be put back.  A pipe is read with
 * read(2), never stdio's fread(): fread() waits until its whole request is
 * filled, and `tcpdump -w - | tlsfloor -r -` must see each packet as it
 * comes, not 64 KiB later.  For the same reason the decoding stream hands
 * its reader whatever is decoded and does not wait to fill the request.
 *
 * Memory is bounded: two fixed buffers, and zstd's window is capped at
 * INPUT_ZSTD_WINDOW_LOG (a frame asking for more is an error, not an
 * allocation); gzip's window is 32 KiB by definition.
 */
#define _GNU_SOURCE		/* fopencookie() */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#ifdef __GLIBC__
#include <stdio_ext.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "input.h"

/*
 * The FILE a plain capture is read through.  stdio's buffer would be one
 * page (st_blksize), a read(2) every 4 KiB: a 256 KiB buffer makes that 64
 * times fewer system calls for the same bytes, which on a capture in the
 * page cache is a good part of what reading it costs (make bench: about a
 * tenth of the wall time on 2 GB).  Larger buffers measured no better:
 * libpcap copies each record out of this buffer again, best while it is
 * still in the core's cache.
 */
#define INPUT_FILE_BUFFER	(256u << 10)
/* Compressed bytes read at once, decompressed bytes made at once. */
#define INPUT_IN_BUFFER		(64u << 10)
#define INPUT_OUT_BUFFER	(256u << 10)
/* zstd frames may ask for a window of up to 2^31 bytes; 2^25 (32 MiB)
 * covers every level up to 19 and --long=25, and bounds what one file
 * costs. */
#define INPUT_ZSTD_WINDOW_LOG	25

struct input {
	FILE		*raw;		/* the file itself */
	int		 rawfd;		/* >= 0: raw is a pipe, read with
					 * read(2) on this descriptor */
	char		*rawbuf;	/* its buffer; owned, may be NULL */
	FILE		*fp;		/* what readers read: raw or cookie */
	bool		 cookie;	/* fp is our decoding stream */
	bool		 fp_closed;	/* the reader closes fp */
	enum input_codec codec;
	uint64_t	 size;		/* 0: not a regular file */
	uint64_t	 rawpos;	/* bytes of raw read (cookie mode) */
	uint8_t		 magic[4];
	size_t		 nmagic;

	z_stream	 z;
	bool		 z_init;
	ZSTD_DCtx	*zs;
	size_t		 zs_left;	/* ZSTD hint: 0 at a frame's end */

	uint8_t		*in;		/* raw bytes not yet decoded */
	size_t		 inpos, inlen;
	bool		 raw_eof;
	uint8_t		*out;		/* decoded bytes not yet read */
	size_t		 outpos, outlen;
	bool		 eof;		/* all decoded, cleanly */
	char		 err[160];	/* non-empty: decoding failed */
};

static char	stdin_buffer[INPUT_FILE_BUFFER];
static bool	stdin_buffered;	/* setvbuf() done on stdin */

static const uint8_t	gzip_magic[2] = { 0x1f, 0x8b };
static const uint8_t	zstd_magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };

static void	input_fail(struct input *, const char *, const char *);
static int	read_head(struct input *, uint8_t *, size_t *);
static ssize_t	read_raw(struct input *, uint8_t *, size_t);
static bool	refill_in(struct input *);
static void	decode_more(struct input *);
static ssize_t	cookie_read(void *, char *, size_t);
static int	cookie_close(void *);

/*
 * Only this thread reads the stream: glibc need not lock it.  Its lock is
 * an atomic exchange on each of libpcap's two fread() calls a packet,
 * which make bench measured at a tenth of tlsfloor's time on 2 GB.
 */
static void
no_stream_lock(FILE *fp)
{
#ifdef __GLIBC__
	(void)__fsetlocking(fp, FSETLOCKING_BYCALLER);
#else
	(void)fp;
#endif
}

static FILE *
open_raw(const char *path, char **bufp)
{
	FILE	*fp;

	*bufp = NULL;
	if (strcmp(path, "-") == 0) {
		/* setvbuf() only before the first read of a stream: a
		 * second "-" keeps what the first one set */
		if (!stdin_buffered) {
			(void)setvbuf(stdin, stdin_buffer, _IOFBF,
			    sizeof(stdin_buffer));
			no_stream_lock(stdin);
		}
		stdin_buffered = true;
		return stdin;
	}
	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	/* The kernel is told the file is read once, start to end. */
	(void)posix_fadvise(fileno(fp), 0, 0, POSIX_FADV_SEQUENTIAL);
	no_stream_lock(fp);
	if ((*bufp = malloc(INPUT_FILE_BUFFER)) != NULL &&
	    setvbuf(fp, *bufp, _IOFBF, INPUT_FILE_BUFFER) != 0) {
		free(*bufp);
		*bufp = NULL;
	}
	return fp;
}

struct input *
input_open(const char *path, char *err, size_t errlen)
{
	cookie_io_functions_t	 io = { cookie_read, NULL, NULL,
				    cookie_close };
	struct input		*in;
	struct stat		 st;
	uint8_t			 head[4];
	size_t			 n;
	bool			 rewound = false;

	if ((in = calloc(1, sizeof(*in))) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	if ((in->raw = open_raw(path, &in->rawbuf)) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		free(in);
		return NULL;
	}
	in->rawfd = -1;
	if (fstat(fileno(in->raw), &st) == 0 && S_ISREG(st.st_mode))
		in->size = (uint64_t)st.st_size;
	else	/* a pipe, a FIFO by name (mkfifo), a socket: read(2) */
		in->rawfd = fileno(in->raw);
	if (read_head(in, head, &n) != 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		input_close(in);
		return NULL;
	}
	if (n >= 2 && memcmp(head, gzip_magic, 2) == 0)
		in->codec = INPUT_GZIP;
	else if (n == 4 && memcmp(head, zstd_magic, 4) == 0)
		in->codec = INPUT_ZSTD;
	if (in->raw != stdin || in->size > 0)
		rewound = fseeko(in->raw, 0, SEEK_SET) == 0;

	if (in->codec == INPUT_PLAIN && rewound) {
		/* the fast path: the file as it is */
		memcpy(in->magic, head, n);
		in->nmagic = n;
		in->fp = in->raw;
		return in;
	}

	if ((in->in = malloc(INPUT_IN_BUFFER)) == NULL ||
	    (in->out = malloc(INPUT_OUT_BUFFER)) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		input_close(in);
		return NULL;
	}
	if (!rewound) {
		/* what was read to tell the format is the first input */
		memcpy(in->in, head, n);
		in->inlen = n;
		in->rawpos = n;
	}
	if (in->codec == INPUT_GZIP) {
		/* 15 + 16: a gzip wrapper, the largest window */
		if (inflateInit2(&in->z, 15 + 16) != Z_OK) {
			snprintf(err, errlen, "zlib: out of memory");
			input_close(in);
			return NULL;
		}
		in->z_init = true;
	} else if (in->codec == INPUT_ZSTD) {
		if ((in->zs = ZSTD_createDCtx()) == NULL ||
		    ZSTD_isError(ZSTD_DCtx_setParameter(in->zs,
		    ZSTD_d_windowLogMax, INPUT_ZSTD_WINDOW_LOG))) {
			snprintf(err, errlen, "zstd: out of memory");
			input_close(in);
			return NULL;
		}
	}
	/* The first decoded bytes: what the capture format is. */
	while (in->outlen < sizeof(in->magic) && !in->eof && in->err[0] == 0)
		decode_more(in);
	if (in->err[0] != 0) {
		snprintf(err, errlen, "%s", in->err);
		input_close(in);
		return NULL;
	}
	in->nmagic = in->outlen < 4 ? in->outlen : 4;
	memcpy(in->magic, in->out, in->nmagic);
	if ((in->fp = fopencookie(in, "rb", io)) == NULL) {
		snprintf(err, errlen, "%s", strerror(errno));
		input_close(in);
		return NULL;
	}
	in->cookie = true;
	no_stream_lock(in->fp);
	return in;
}

FILE *
input_stream(struct input *in)
{
	return in->fp;
}

const uint8_t *
input_magic(const struct input *in, size_t *n)
{
	*n = in->nmagic;
	return in->magic;
}

enum input_codec
input_codec(const struct input *in)
{
	return in->codec;
}

uint64_t
input_pos(const struct input *in)
{
	off_t	o;

	if (in->cookie)
		return in->rawpos;
	/* the reader's stream; valid until the reader closes it */
	if ((o = ftello(in->raw)) < 0)
		return 0;
	return (uint64_t)o;
}

uint64_t
input_size(const struct input *in)
{
	return in->size;
}

const char *
input_error(const struct input *in)
{
	return in->err[0] != 0 ? in->err : NULL;
}

void
input_stream_closed(struct input *in)
{
	in->fp_closed = true;
}

void
input_close(struct input *in)
{
	if (in == NULL)
		return;
	if (in->fp != NULL && !in->fp_closed && in->fp != stdin)
		fclose(in->fp);
	/* the raw file is the reader's stream on the fast path */
	if (in->raw != NULL && in->raw != stdin && in->raw != in->fp)
		fclose(in->raw);
	if (in->z_init)
		inflateEnd(&in->z);
	ZSTD_freeDCtx(in->zs);
	free(in->rawbuf);
	free(in->in);
	free(in->out);
	free(in);
}

static void
input_fail(struct input *in, const char *codec, const char *what)
{
	if (in->err[0] == 0)
		snprintf(in->err, sizeof(in->err), "%s data: %s", codec, what);
}

/* Set from a signal handler (SIGTERM/INT): reading stops. */
static volatile sig_atomic_t	stopping;

void
input_stop(void)
{
	stopping = 1;
}

/*
 * At most n bytes of raw: on a pipe what one read(2) returns (retried when a
 * signal interrupts it, unless it asked to stop: SIGTERM must cut a read
 * that waits on an idle pipe short), from a file what fread() gives.  -1 on
 * an error.
 */
static ssize_t
read_raw(struct input *in, uint8_t *buf, size_t n)
{
	ssize_t	r;
	size_t	got;

	if (in->rawfd >= 0) {
		do
			r = read(in->rawfd, buf, n);
		while (r < 0 && errno == EINTR && !stopping);
		return r;
	}
	got = fread(buf, 1, n, in->raw);
	if (got == 0 && ferror(in->raw))
		return -1;
	return (ssize_t)got;
}

/* The first bytes (up to sizeof magic), which tell the format; n the count. */
static int
read_head(struct input *in, uint8_t *head, size_t *n)
{
	ssize_t	r;

	*n = 0;
	while (*n < sizeof(in->magic)) {
		if ((r = read_raw(in, head + *n, sizeof(in->magic) - *n)) < 0)
			return -1;
		if (r == 0)
			break;
		*n += (size_t)r;
	}
	return 0;
}

/* More raw bytes when all are used; false at the end of the file. */
static bool
refill_in(struct input *in)
{
	ssize_t	r;
	size_t	n;

	if (in->inpos < in->inlen)
		return true;
	if (in->raw_eof)
		return false;
	r = read_raw(in, in->in, INPUT_IN_BUFFER);
	n = r > 0 ? (size_t)r : 0;
	in->rawpos += n;
	in->inpos = 0;
	in->inlen = n;
	if (n == 0) {
		if (r < 0)
			input_fail(in, in->codec == INPUT_PLAIN ? "input" :
			    in->codec == INPUT_GZIP ? "gzip" : "zstd",
			    strerror(errno != 0 ? errno : EIO));
		in->raw_eof = true;
		return false;
	}
	return true;
}

/* Decode what fits after out[outlen]; sets eof or err when it cannot. */
static void
decode_more(struct input *in)
{
	size_t		room = INPUT_OUT_BUFFER - in->outlen, n;
	int		rc;

	if (room == 0)
		return;
	if (!refill_in(in)) {
		if (in->err[0] != 0)
			return;
		/* The end of the file: clean only at a stream's end. */
		if (in->codec == INPUT_GZIP && in->z_init &&
		    in->z.total_in != 0)
			input_fail(in, "gzip", "cut short (unexpected end of "
			    "file)");
		else if (in->codec == INPUT_ZSTD && in->zs_left != 0)
			input_fail(in, "zstd", "cut short (unexpected end of "
			    "file)");
		in->eof = true;
		return;
	}
	switch (in->codec) {
	case INPUT_PLAIN:
		n = in->inlen - in->inpos < room ? in->inlen - in->inpos : room;
		memcpy(in->out + in->outlen, in->in + in->inpos, n);
		in->inpos += n;
		in->outlen += n;
		break;
	case INPUT_GZIP:
		in->z.next_in = in->in + in->inpos;
		in->z.avail_in = (uInt)(in->inlen - in->inpos);
		in->z.next_out = in->out + in->outlen;
		in->z.avail_out = (uInt)room;
		rc = inflate(&in->z, Z_NO_FLUSH);
		in->inpos = in->inlen - in->z.avail_in;
		in->outlen += room - in->z.avail_out;
		if (rc == Z_STREAM_END) {
			/* another member may follow (cat a.gz b.gz):
			 * total_in 0 says none has begun */
			if (inflateReset(&in->z) != Z_OK)
				input_fail(in, "gzip", "cannot reset");
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			input_fail(in, "gzip", in->z.msg != NULL ? in->z.msg :
			    "corrupt");
		}
		break;
	case INPUT_ZSTD: {
		ZSTD_inBuffer	zi = { in->in, in->inlen, in->inpos };
		ZSTD_outBuffer	zo = { in->out, INPUT_OUT_BUFFER, in->outlen };
		size_t		r;

		r = ZSTD_decompressStream(in->zs, &zo, &zi);
		in->inpos = zi.pos;
		in->outlen = zo.pos;
		if (ZSTD_isError(r)) {
			if (ZSTD_getErrorCode(r) ==
			    ZSTD_error_frameParameter_windowTooLarge)
				input_fail(in, "zstd", "its window is larger "
				    "than the 32 MiB read here");
			else
				input_fail(in, "zstd", ZSTD_getErrorName(r));
		} else {
			in->zs_left = r;
		}
		break;
	}
	}
}

static ssize_t
cookie_read(void *cookie, char *buf, size_t size)
{
	struct input	*in = cookie;
	size_t		 done = 0, n;

	while (done < size) {
		if (in->outpos == in->outlen) {
			/* what is decoded goes to the reader now: more
			 * may be a packet away on a pipe */
			if (done > 0)
				break;
			in->outpos = in->outlen = 0;
			while (in->outlen == 0 && !in->eof &&
			    in->err[0] == 0)
				decode_more(in);
			if (in->outlen == 0)
				break;
		}
		n = in->outlen - in->outpos;
		if (n > size - done)
			n = size - done;
		memcpy(buf + done, in->out + in->outpos, n);
		in->outpos += n;
		done += n;
	}
	if (done == 0 && in->err[0] != 0) {
		errno = EIO;
		return -1;
	}
	return (ssize_t)done;
}

/* The FILE is closed by its reader; what it read is freed by input_close. */
static int
cookie_close(void *cookie)
{
	struct input	*in = cookie;

	in->fp_closed = true;
	return 0;
}
