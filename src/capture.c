/*
 * capture.c -- pipeline stage 1: read packets with libpcap.
 *
 * Offline: opens a capture file (pcap or pcapng; "-" is standard input),
 * checks its link type, and hands every frame to decode_frame() with its
 * timestamp and its 1-based packet number, which is what every diagnostic
 * about the file names.
 *
 * Live: one handle per configured interface (pcap_create/pcap_activate
 * with the configured snaplen, buffer, promiscuous and immediate modes),
 * non-blocking, its BPF filter compiled in the kernel (by default: the
 * mail ports, tagged or not).  The run loop polls the handles' fds and
 * calls capture_live_dispatch().  A handle that fails (the interface went
 * away) is closed, reported once, and reopened every CAPTURE_RETRY s;
 * kernel drop counters survive the reopen.  The only includer of pcap.h.
 *
 * A file that cannot be opened, has an unsupported link type or breaks off
 * in the middle is reported as "file: packet N: what" and the function
 * returns -1; every packet before the damage has already gone through the
 * pipeline, so nothing analysed is lost.
 */
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "config.h"
#include "decode.h"
#include "caps.h"
#include "log.h"
#include "output.h"
#include "stats.h"

struct capsrc {
	char		*name;		/* interface; owned */
	pcap_t		*p;		/* NULL while failed */
	int		 link;
	uint64_t	 pktno;
	uint64_t	 retry_at;	/* us */
	uint64_t	 recv, drop, ifdrop;	/* of closed handles */
	struct pcap_stat last;		/* of the open handle */
};

static struct capsrc	*srcs;
static size_t		 nsrcs;
static const struct config *capcfg;
static char		*bpf_expr;	/* owned; NULL: none */
static pcap_t		*offline;	/* the file being read */
static volatile sig_atomic_t stop_reading;

static int	live_activate(struct capsrc *, char *, size_t);

/* Whether a second of real time has passed since *last (and note now). */
static bool
seconds_passed(uint64_t *last)
{
	struct timespec	ts;
	uint64_t	now;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	now = (uint64_t)ts.tv_sec;
	if (now == *last)
		return false;
	*last = now;
	return true;
}

int
capture_file(const char *path, void (*tick)(void))
{
	char			 errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr	*hdr;
	const uint8_t		*data;
	const char		*name = strcmp(path, "-") == 0 ? "stdin" : path;
	pcap_t			*p;
	uint64_t		 pktno = 0, ts, last_tick = 0;
	int			 link, rc, ret = 0;
	bool			 piped = strcmp(path, "-") == 0;

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

	offline = p;
	while (!stop_reading && (rc = pcap_next_ex(p, &hdr, &data)) == 1) {
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
		/* Real-time housekeeping (collectors, timers) at least once
		 * a second; the clock is read every 64 packets from a file,
		 * every packet from a pipe where they may trickle in. */
		if (tick != NULL && (piped || (pktno & 63) == 0) &&
		    seconds_passed(&last_tick))
			tick();
	}
	if (!stop_reading && rc == PCAP_ERROR) {
		log_warnx("%s: packet %llu: %s", name,
		    (unsigned long long)pktno + 1, pcap_geterr(p));
		STAT_INC(FILE_ERRORS);
		ret = -1;
	}
	offline = NULL;
	pcap_close(p);
	return ret;
}

/*
 * From a signal handler: get every loop back to the run loop; TERM and
 * INT also end the reading of files.
 */
void
capture_breakloop(int sig)
{
	size_t	i;

	if (sig == SIGTERM || sig == SIGINT)
		stop_reading = 1;
	for (i = 0; i < nsrcs; i++)
		if (srcs[i].p != NULL)
			pcap_breakloop(srcs[i].p);
}

/*
 * The default filter: TCP to or from a watched mail port, untagged, with
 * one 802.1Q tag, or two (QinQ).  ("vlan" shifts the offsets for the rest
 * of the expression, hence the order.)  Tunnelled mirror traffic (GRE,
 * ERSPAN, VXLAN) does not match: set capture.bpf to "" for those.
 */
char *
capture_default_bpf(const struct config *cfg)
{
	char	*ports = NULL, *out = NULL;
	size_t	 len = 0;
	FILE	*fp;
	int	 port, first = 1;

	if ((fp = open_memstream(&ports, &len)) == NULL)
		return NULL;
	fputs("tcp and (", fp);
	for (port = 1; port < 65536; port++)
		if (cfg->port_map[port] != 0) {
			fprintf(fp, "%sport %d", first ? "" : " or ", port);
			first = 0;
		}
	fputs(")", fp);
	if (fclose(fp) != 0 || first) {
		free(ports);
		return NULL;
	}
	if ((fp = open_memstream(&out, &len)) == NULL) {
		free(ports);
		return NULL;
	}
	fprintf(fp, "(%s) or (vlan and %s) or (vlan and vlan and %s)", ports,
	    ports, ports);
	fclose(fp);
	free(ports);
	return out;
}

static void
live_packet(u_char *arg, const struct pcap_pkthdr *hdr, const u_char *data)
{
	struct capsrc	*cs = (struct capsrc *)arg;
	uint64_t	 ts;

	cs->pktno++;
	STAT_INC(PKTS);
	STAT_ADD(BYTES, hdr->len);
	ts = hdr->ts.tv_sec < 0 ? 0 : (uint64_t)hdr->ts.tv_sec * 1000000u +
	    (uint64_t)hdr->ts.tv_usec;
	decode_frame(cs->link, cs->name, cs->pktno, ts, data, hdr->caplen);
}

static int
live_activate(struct capsrc *cs, char *err, size_t errlen)
{
	char			 ebuf[PCAP_ERRBUF_SIZE];
	struct bpf_program	 prog;
	pcap_t			*p;
	int			 rc;

	ebuf[0] = '\0';
	if ((p = pcap_create(cs->name, ebuf)) == NULL) {
		snprintf(err, errlen, "%s: %s", cs->name, ebuf);
		return -1;
	}
	pcap_set_snaplen(p, (int)capcfg->snaplen);
	pcap_set_promisc(p, capcfg->promiscuous);
	pcap_set_buffer_size(p, (int)capcfg->buffer_size);
	pcap_set_immediate_mode(p, capcfg->immediate);
	pcap_set_timeout(p, CAPTURE_TIMEOUT_MS);
	if ((rc = pcap_activate(p)) < 0) {
		snprintf(err, errlen, "%s: %s", cs->name,
		    rc == PCAP_ERROR ? pcap_geterr(p) : pcap_statustostr(rc));
		pcap_close(p);
		return -1;
	}
	if (rc > 0)
		log_warnx("%s: %s", cs->name, pcap_statustostr(rc));
	cs->link = pcap_datalink(p);
	if (!decode_supported_link(cs->link)) {
		snprintf(err, errlen, "%s: unsupported link type %d", cs->name,
		    cs->link);
		pcap_close(p);
		return -1;
	}
	if (bpf_expr != NULL) {
		if (pcap_compile(p, &prog, bpf_expr, 1,
		    PCAP_NETMASK_UNKNOWN) == -1 || pcap_setfilter(p, &prog)
		    == -1) {
			snprintf(err, errlen, "%s: filter \"%s\": %s",
			    cs->name, bpf_expr, pcap_geterr(p));
			pcap_close(p);
			return -1;
		}
		pcap_freecode(&prog);
	}
	if (pcap_setnonblock(p, 1, ebuf) == -1) {
		snprintf(err, errlen, "%s: %s", cs->name, ebuf);
		pcap_close(p);
		return -1;
	}
	memset(&cs->last, 0, sizeof(cs->last));
	cs->p = p;
	return 0;
}

/* Open every configured interface; at start-up any failure is fatal. */
int
capture_live_open(const struct config *cfg, char *err, size_t errlen)
{
	size_t	i;

	capcfg = cfg;
	if (cfg->bpf == NULL) {
		if ((bpf_expr = capture_default_bpf(cfg)) == NULL) {
			snprintf(err, errlen, "no mail port to filter on");
			return -1;
		}
	} else if (cfg->bpf[0] != '\0' &&
	    (bpf_expr = strdup(cfg->bpf)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((srcs = calloc(cfg->ninterfaces, sizeof(*srcs))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0; i < cfg->ninterfaces; i++) {
		if ((srcs[i].name = strdup(cfg->interfaces[i])) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		nsrcs = i + 1;
		if (live_activate(&srcs[i], err, errlen) != 0)
			return -1;
		log_info("%s: capturing (filter: %s)", srcs[i].name,
		    bpf_expr != NULL ? bpf_expr : "none");
	}
	return 0;
}

int
capture_live_pollfds(struct pollfd *pfd, int max)
{
	size_t	i;
	int	n = 0;

	for (i = 0; i < nsrcs && n < max; i++) {
		pfd[n].fd = srcs[i].p != NULL ?
		    pcap_get_selectable_fd(srcs[i].p) : -1;
		pfd[n].events = POLLIN;
		pfd[n].revents = 0;
		n++;
	}
	return n;
}

/* Close a handle that failed, keeping its counters; retry later. */
static void
live_fail(struct capsrc *cs, const char *why)
{
	struct pcap_stat	ps;

	log_warnx("%s: %s; retrying every %d s", cs->name, why,
	    CAPTURE_RETRY);
	if (pcap_stats(cs->p, &ps) == 0) {
		cs->recv += ps.ps_recv;
		cs->drop += ps.ps_drop;
		cs->ifdrop += ps.ps_ifdrop;
	}
	pcap_close(cs->p);
	cs->p = NULL;
	cs->retry_at = 0;
}

/* Read what the ready handles hold (the first n entries of pfd). */
void
capture_live_dispatch(const struct pollfd *pfd, int n)
{
	size_t	i;
	int	rc;

	for (i = 0; i < nsrcs && (int)i < n; i++) {
		struct capsrc *cs = &srcs[i];

		if (cs->p == NULL || !(pfd[i].revents & (POLLIN | POLLERR)))
			continue;
		rc = pcap_dispatch(cs->p, CAPTURE_BATCH, live_packet,
		    (u_char *)cs);
		if (rc == PCAP_ERROR)
			live_fail(cs, pcap_geterr(cs->p));
	}
}

/* At SIGTERM: what the kernel still holds for us, before we stop. */
void
capture_live_drain(void)
{
	size_t	i;
	int	rounds;

	for (i = 0; i < nsrcs; i++)
		for (rounds = 0; srcs[i].p != NULL && rounds < 64; rounds++)
			if (pcap_dispatch(srcs[i].p, CAPTURE_BATCH, live_packet,
			    (u_char *)&srcs[i]) <= 0)
				break;
}

/* Reopen interfaces that failed, at most every CAPTURE_RETRY s. */
void
capture_live_retry(uint64_t now)
{
	char	err[PCAP_ERRBUF_SIZE + 64];
	size_t	i;

	for (i = 0; i < nsrcs; i++) {
		struct capsrc *cs = &srcs[i];

		if (cs->p != NULL)
			continue;
		if (cs->retry_at == 0)
			cs->retry_at = now + CAPTURE_RETRY * 1000000ull;
		if (now < cs->retry_at)
			continue;
		cs->retry_at = now + CAPTURE_RETRY * 1000000ull;
		if (live_activate(cs, err, sizeof(err)) == 0)
			log_warnx("%s: capturing again", cs->name);
		else
			log_debug("%s", err);
	}
}

/* Received and dropped per interface, whole run. */
size_t
capture_live_stats(struct output_capstat *out, size_t max)
{
	struct pcap_stat	ps;
	size_t			i;

	for (i = 0; i < nsrcs && i < max; i++) {
		struct capsrc *cs = &srcs[i];

		if (cs->p != NULL && pcap_stats(cs->p, &ps) == 0)
			cs->last = ps;
		out[i].name = cs->name;
		out[i].received = cs->recv + (cs->p ? cs->last.ps_recv : 0);
		out[i].dropped = cs->drop + (cs->p ? cs->last.ps_drop : 0);
		out[i].if_dropped = cs->ifdrop +
		    (cs->p ? cs->last.ps_ifdrop : 0);
	}
	return i;
}

void
capture_live_close(void)
{
	size_t	i;

	for (i = 0; i < nsrcs; i++) {
		if (srcs[i].p != NULL)
			pcap_close(srcs[i].p);
		free(srcs[i].name);
	}
	free(srcs);
	srcs = NULL;
	nsrcs = 0;
	free(bpf_expr);
	bpf_expr = NULL;
}
