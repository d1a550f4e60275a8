/*
 * bench/floor.c -- the physical floor: read a capture with libpcap and do
 * nothing else.
 *
 *   floor FILE...
 *
 * pcap_open_offline() and pcap_next_ex() until the end of each file, the
 * way tlsfloor's capture stage reads, touching neither headers nor bytes;
 * prints "packets bytes" (bytes: original lengths, as tlsfloor counts
 * them).  Whatever tlsfloor spends beyond this is its own work.
 */
#include <inttypes.h>
#include <stdio.h>

#include <pcap.h>

int
main(int argc, char **argv)
{
	char			 errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr	*hdr;
	const u_char		*data;
	uint64_t		 pkts = 0, bytes = 0;
	pcap_t			*p;
	int			 i, rc, status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: floor file...\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if ((p = pcap_open_offline(argv[i], errbuf)) == NULL) {
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
