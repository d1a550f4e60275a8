/*
 * fuzz_pcapng.c -- the capture readers of our own: src/pcapng.c (every
 * block type, both byte orders, sections, interface options) and the
 * decompressing stream of src/input.c.  The first byte picks:
 *
 *   0  the rest is a pcapng file, read from memory with pcapng_open() and
 *      pcapng_next() to its end or its first damage
 *   1  the rest is a file as it may be on disk (plain, gzip or zstd, by
 *      its magic), opened with input_open() from a memfd and read to its
 *      end; a pcapng inside goes through the reader as in 0
 *   2  the rest is compressed with gzip, 3 with zstd, here; input_open()
 *      must give back exactly the rest (an oracle for the stream's
 *      buffering and the multi-member/frame logic), and say gzip or zstd
 *
 * Every packet must have caplen <= len, a clamped timestamp, and its
 * bytes are all read (ASan: a packet reaching past its block's buffer).
 * pcapng.c's error text must be a terminated, non-empty string.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "fuzz.h"
#include "input.h"
#include "pcapng.h"

static int	fd = -1;
static char	path[64];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if ((fd = memfd_create("fuzz.pcapng", 0)) < 0)
		fuzz_fail("memfd_create");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return 0;
}

/* Read every packet of a pcapng stream; check what each must be. */
static void
read_pcapng(FILE *fp)
{
	char			 err[256];
	struct pcapng		*pg;
	struct pcapng_pkt	 pkt;
	volatile uint8_t	 sink = 0;
	uint32_t		 i;
	int			 rc;

	if ((pg = pcapng_open(fp, err, sizeof(err))) == NULL) {
		if (err[0] == '\0' || strlen(err) >= sizeof(err))
			fuzz_fail("pcapng_open failed without a message");
		return;
	}
	while ((rc = pcapng_next(pg, &pkt)) == 1) {
		if (pkt.caplen > pkt.len)
			fuzz_fail("caplen %u > len %u", pkt.caplen, pkt.len);
		if (pkt.ts_us > 253402300799999999ull)
			fuzz_fail("timestamp %llu not clamped",
			    (unsigned long long)pkt.ts_us);
		if (pkt.link < 0 || pkt.link > 0xffff)
			fuzz_fail("link type %d", pkt.link);
		for (i = 0; i < pkt.caplen; i++)
			sink ^= pkt.data[i];
	}
	if (rc == -1 && pcapng_error(pg)[0] == '\0')
		fuzz_fail("pcapng_next failed without a message");
	(void)sink;
	pcapng_close(pg);
}

/* Open the memfd's file through input.c; read it all, or as pcapng. */
static void
read_input(const uint8_t *want, size_t wantlen, enum input_codec codec)
{
	char		 err[256];
	struct input	*in;
	const uint8_t	*m;
	uint8_t		 buf[4096];
	size_t		 n, got = 0, nm;

	if ((in = input_open(path, err, sizeof(err))) == NULL) {
		if (want != NULL)
			fuzz_fail("input_open: %s", err);
		return;
	}
	m = input_magic(in, &nm);
	if (want == NULL) {
		if (nm == 4 && m[0] == 0x0a && m[1] == 0x0d && m[2] == 0x0d &&
		    m[3] == 0x0a)
			read_pcapng(input_stream(in));
		else
			while (fread(buf, 1, sizeof(buf),
			    input_stream(in)) > 0)
				;
		input_close(in);
		return;
	}
	if (input_codec(in) != codec)
		fuzz_fail("codec %d, not %d", input_codec(in), codec);
	if (nm != (wantlen < 4 ? wantlen : 4) || memcmp(m, want, nm) != 0)
		fuzz_fail("magic is not the first bytes");
	while ((n = fread(buf, 1, sizeof(buf), input_stream(in))) > 0) {
		if (got + n > wantlen || memcmp(buf, want + got, n) != 0)
			fuzz_fail("decompressed bytes differ at %zu", got);
		got += n;
	}
	if (got != wantlen || input_error(in) != NULL)
		fuzz_fail("decompressed %zu of %zu bytes (%s)", got, wantlen,
		    input_error(in) != NULL ? input_error(in) : "no error");
	input_close(in);
}

static void
gzip_to_fd(const uint8_t *data, size_t size)
{
	z_stream	z;
	size_t		cap;
	uint8_t		*out;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		fuzz_fail("deflateInit2");
	cap = deflateBound(&z, (uLong)size) + 64;
	if ((out = malloc(cap)) == NULL)
		fuzz_fail("malloc");
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)size;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		fuzz_fail("deflate");
	fuzz_write_file(fd, out, cap - z.avail_out);
	deflateEnd(&z);
	free(out);
}

static void
zstd_to_fd(const uint8_t *data, size_t size)
{
	size_t	cap = ZSTD_compressBound(size), n;
	uint8_t	*out;

	if ((out = malloc(cap)) == NULL)
		fuzz_fail("malloc");
	n = ZSTD_compress(out, cap, data, size, 1);
	if (ZSTD_isError(n))
		fuzz_fail("ZSTD_compress: %s", ZSTD_getErrorName(n));
	fuzz_write_file(fd, out, n);
	free(out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t	*copy;
	FILE	*fp;

	if (size < 1)
		return 0;
	/* an exactly-sized copy: one byte past it is an ASan report */
	if ((copy = malloc(size - 1 + 1)) == NULL)
		fuzz_fail("malloc");
	memcpy(copy, data + 1, size - 1);
	switch (data[0] & 3) {
	case 0:
		if (size > 1 && (fp = fmemopen(copy, size - 1, "rb")) !=
		    NULL) {
			read_pcapng(fp);
			fclose(fp);
		}
		break;
	case 1:
		fuzz_write_file(fd, copy, size - 1);
		read_input(NULL, 0, INPUT_PLAIN);
		break;
	case 2:
		gzip_to_fd(copy, size - 1);
		read_input(copy, size - 1, INPUT_GZIP);
		break;
	case 3:
		zstd_to_fd(copy, size - 1);
		read_input(copy, size - 1, INPUT_ZSTD);
		break;
	}
	free(copy);
	return 0;
}
