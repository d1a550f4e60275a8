/*
 * capture.c -- pipeline stage 1: read packets with libpcap.
 *
 * Opens a capture file (pcap or pcapng; "-" is standard input), checks its
 * link type, and hands every frame to decode_frame() with its timestamp
 * and its 1-based packet number, which is what every diagnostic about the
 * file names.  The only includer of pcap.h.
 *
 * A file that cannot be opened, has an unsupported link type or breaks off
 * in the middle is reported as "file: packet N: what" and the function
 * returns -1; every packet before the damage has already gone through the
 * pipeline, so nothing analysed is lost.
 */
#include <pcap.h>
#include <stdint.h>
#include <string.h>

#include "capture.h"
#include "decode.h"
#include "log.h"
#include "stats.h"

int
capture_file(const char *path)
{
	char			 errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr	*hdr;
	const uint8_t		*data;
	const char		*name = strcmp(path, "-") == 0 ? "stdin" : path;
	pcap_t			*p;
	uint64_t		 pktno = 0, ts;
	int			 link, rc, ret = 0;

	errbuf[0] = '\0';
	if ((p = pcap_open_offline(path, errbuf)) == NULL) {
		log_warnx("%s: %s", name, errbuf);
		STAT_INC(FILE_ERRORS);
		return -1;
	}
	STAT_INC(FILES);
	link = pcap_datalink(p);
	if (!decode_supported_link(link)) {
		const char *ln = pcap_datalink_val_to_name(link);

		log_warnx("%s: unsupported link type %d (%s)", name, link,
		    ln != NULL ? ln : "unknown");
		STAT_INC(FILE_ERRORS);
		pcap_close(p);
		return -1;
	}

	while ((rc = pcap_next_ex(p, &hdr, &data)) == 1) {
		pktno++;
		STAT_INC(PKTS);
		STAT_ADD(BYTES, hdr->len);
		/* pcapng can carry times before 1970; clamp, since packet
		 * time only orders events and drives timeouts. */
		ts = hdr->ts.tv_sec < 0 ? 0 :
		    (uint64_t)hdr->ts.tv_sec * 1000000u +
		    (uint64_t)hdr->ts.tv_usec;
		/* caplen never exceeds what libpcap handed us; it checks the
		 * record against the file's snaplen and its buffer. */
		decode_frame(link, name, pktno, ts, data, hdr->caplen);
	}
	if (rc == PCAP_ERROR) {
		log_warnx("%s: packet %llu: %s", name,
		    (unsigned long long)pktno + 1, pcap_geterr(p));
		STAT_INC(FILE_ERRORS);
		ret = -1;
	}
	pcap_close(p);
	return ret;
}
