/*
 * bench/floor.c -- the physical floor: read a capture with libpcap and do
 * nothing else.
 *
 *   floor FILE...
 *
 * pcap_open_offline() and pcap_next_ex() until the end of each file, the
 * bare libpcap read loop, touching neither headers nor bytes; prints
 * "packets bytes" (bytes: original lengths, as tlsfloor counts them).
 *
 *   floor -t FILE...
 *
 * The same loop reading as tlsfloor does (src/input.c): the FILE opened
 * by the caller with a 256 KiB buffer and glibc's stream lock off, handed
 * to pcap_fopen_offline().  That reads faster than the plain floor; the
 * bench shows both, so that tlsfloor's own work beyond reading is in view
 * (tlsfloor / floor -t), not only its ratio to the plain loop.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#ifdef __GLIBC__
#include <stdio_ext.h>
#endif
#include <stdlib.h>
#include <string.h>

#include <pcap.h>

static pcap_t *
open_tuned(const char *path, char *errbuf)
{
	static char	*buf;
	FILE		*fp;
	pcap_t		*p;

	if (buf == NULL && (buf = malloc(256 << 10)) == NULL) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "out of memory");
		return NULL;
	}
	if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(errbuf, PCAP_ERRBUF_SIZE, "%s", strerror(errno));
		return NULL;
	}
	setvbuf(fp, buf, _IOFBF, 256 << 10);
#ifdef __GLIBC__
	__fsetlocking(fp, FSETLOCKING_BYCALLER);
#endif
	if ((p = pcap_fopen_offline(fp, errbuf)) == NULL)
		fclose(fp);
	return p;
}

int
main(int argc, char **argv)
{
	char			 errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr	*hdr;
	const u_char		*data;
	uint64_t		 pkts = 0, bytes = 0;
	pcap_t			*p;
	int			 i, rc, status = 0, tuned = 0;

	if (argc > 1 && strcmp(argv[1], "-t") == 0) {
		tuned = 1;
		argc--;
		argv++;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: floor [-t] file...\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (tuned)
			p = open_tuned(argv[i], errbuf);
		else
			p = pcap_open_offline(argv[i], errbuf);
		if (p == NULL) {
			fprintf(stderr, "floor: %s: %s\n", argv[i], errbuf);
			status = 1;
			continue;
		}
		while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
			pkts++;
			bytes += hdr->len;
		}
		if (rc == PCAP_ERROR) {
			fprintf(stderr, "floor: %s: %s\n", argv[i],
			    pcap_geterr(p));
			status = 1;
		}
		pcap_close(p);
	}
	printf("%" PRIu64 " packets %" PRIu64 " bytes\n", pkts, bytes);
	return status;
}
