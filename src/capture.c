/*
 * capture.c -- pipeline stage 1: read packets with libpcap.
 *
 * Offline: opens a capture file (pcap or pcapng; "-" is standard input),
 * checks its link type, and hands every frame to decode_frame_len() with its
 * timestamp and its 1-based packet number, which is what every diagnostic
 * about the file names.
 *
 * Live: one handle per configured interface (pcap_create/pcap_activate
 * with the configured snaplen, buffer, promiscuous and immediate modes;
 * libpcap maps the kernel ring, TPACKET_V3 on Linux), non-blocking, its BPF
 * filter compiled in the kernel (by default: the mail ports, tagged or
 * not).  The run loop polls the handles' fds and calls
 * capture_live_dispatch(), CAPTURE_BATCH packets a call.  A handle that
 * fails (the interface went away) is closed, reported once, and reopened
 * every CAPTURE_RETRY s; kernel drop counters survive the reopen.
 *
 * With capture.workers = N > 1 each worker has its own handle on every
 * interface, and the N handles of an interface form one PACKET_FANOUT
 * group (Linux) hashing on the flow: the kernel hands both directions of a
 * connection to the same worker (its hash is symmetric), so each worker's
 * flow table sees whole sessions.  The only includer of pcap.h.
 *
 * A file that cannot be opened, has an unsupported link type or breaks off
 * in the middle is reported as "file: packet N: what" and the function
 * returns -1; every packet before the damage has already gone through the
 * pipeline, so nothing analysed is lost.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#ifdef __linux__
#include <linux/if_packet.h>
#include <sys/socket.h>
#endif
#include <net/if.h>
#include <signal.h>
#include <stdbool.h>
#include <pcap.h>
#include <stdint.h>
#include <stdio.h>
#ifdef __GLIBC__
#include <stdio_ext.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "config.h"
#include "decode.h"
#include "input.h"
#include "pcapng.h"
#include "caps.h"
#include "log.h"
#include "output.h"
#include "stats.h"

struct capsrc {
	char		*name;		/* interface; owned */
	pcap_t		*p;		/* NULL while failed */
	int		 link;
	uint16_t	 fanout;	/* PACKET_FANOUT group; with workers */
	uint64_t	 pktno;
	uint64_t	 retry_at;	/* us */
	unsigned	 ifindex;	/* when opened; 0: not checked ("any") */
	uint64_t	 checked_at;	/* us, last look for it by name */
	uint64_t	 recv, drop, ifdrop;	/* of closed handles */
	struct pcap_stat last;		/* of the open handle */
};

/*
 * One capture worker's handles, one per interface.  The settings are copied
 * at open: a reload frees the configuration they came from, and a lost
 * interface is reopened as it was first opened.
 */
struct capture_live {
	struct capsrc	*srcs;
	size_t		 nsrcs;
	char		*bpf;		/* owned; NULL: none */
	unsigned	 worker, nworkers;
	uint32_t	 snaplen;
	size_t		 buffer_size;
	bool		 promiscuous, immediate;
};

/* Every open worker, for capture_breakloop() (a signal handler). */
static struct capture_live *live_all[CAPTURE_MAX_WORKERS];
static pcap_t		*offline;	/* the file being read */
static volatile sig_atomic_t stop_reading;
static volatile sig_atomic_t tick_now;	/* a signal asks the loop to act */

static int	live_activate(struct capture_live *, struct capsrc *, char *,
		    size_t);
static int	live_bpf(const struct config *, char **, char *, size_t);
static int	live_filter(pcap_t *, const char *, const char *, bool, char *,
		    size_t);
static int	live_exists(const char *);

/*
 * A packet's time in microseconds.  pcapng can say anything: before 1970
 * is 0, after 9999 is the end of 9999 (packet time only orders events and
 * drives timeouts; no arithmetic on it may overflow).
 */
static uint64_t
capture_ts(const struct timeval *tv)
{
	const int64_t	max = 253402300799;	/* 9999-12-31T23:59:59Z */

	if (tv->tv_sec < 0)
		return 0;
	if ((int64_t)tv->tv_sec > max)
		return (uint64_t)max * 1000000u + 999999u;
	return (uint64_t)tv->tv_sec * 1000000u +
	    (uint64_t)(tv->tv_usec < 0 ? 0 : tv->tv_usec % 1000000);
}

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

/*
 * Progress of a long read on a terminal: one line on stderr, redrawn in
 * place at most PROGRESS_HZ times a second.  The clock is read once every
 * PROGRESS_EVERY packets (no timer signal, nothing between packets), so a
 * read costs one clock_gettime() per thousand packets more.
 */
#define PROGRESS_EVERY	1024	/* packets between looks at the clock */
#define PROGRESS_HZ	4	/* redraws a second at most */

static struct {
	bool		 on;		/* capture_set_progress() */
	bool		 drawn;		/* a line is on the terminal */
	const char	*name;
	uint64_t	 start_ns, last_ns;
} progress;

void
capture_set_progress(bool on)
{
	progress.on = on;
}

static uint64_t
mono_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
progress_start(const struct input *in, const char *name)
{
	(void)in;
	if (!progress.on)
		return;
	progress.name = name;
	progress.start_ns = mono_ns();
	progress.last_ns = 0;		/* the first look draws */
}

/* "12.3 MB": decimal megabytes, as rates are usually given. */
static double
mb(uint64_t bytes)
{
	return (double)bytes / 1e6;
}

static void
progress_draw(const struct input *in, uint64_t now)
{
	uint64_t	pos = input_pos(in), size = input_size(in);
	double		secs = (double)(now - progress.start_ns) / 1e9;
	double		rate = secs > 0 ? mb(pos) / secs : 0;
	unsigned long long sessions = stats[STAT_SESSIONS];

	if (size > 0 && pos <= size) {
		double	left = rate > 0 ? (mb(size) - mb(pos)) / rate : 0;
		unsigned long eta = (unsigned long)(left + 0.5);

		fprintf(stderr, "\r\033[K%s: %.0f%%, %.1f of %.1f MB, "
		    "%.1f MB/s, ETA %lu:%02lu, %llu sessions",
		    progress.name, 100.0 * (double)pos / (double)size,
		    mb(pos), mb(size), rate, eta / 60, eta % 60, sessions);
	} else {
		fprintf(stderr, "\r\033[K%s: %.1f MB, %.1f MB/s, "
		    "%llu sessions", progress.name, mb(pos), rate, sessions);
	}
	fflush(stderr);
	progress.drawn = true;
}

static void
progress_step(const struct input *in, uint64_t pktno)
{
	uint64_t	now;

	if (!progress.on || pktno % PROGRESS_EVERY != 0)
		return;
	now = mono_ns();
	if (progress.last_ns != 0 &&
	    now - progress.last_ns < 1000000000u / PROGRESS_HZ)
		return;
	progress.last_ns = now;
	progress_draw(in, now);
}

/* The line goes once the file is read: the summary follows cleanly. */
static void
progress_end(const struct input *in)
{
	(void)in;
	if (progress.drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	progress.drawn = false;
}

/*
 * The real-time housekeeping of a file read (collectors, timers) at least
 * once a second; the clock is read every 64 packets from a file, every
 * packet from a pipe where they may trickle in; and at the first packet
 * after a signal (SIGUSR1: the inventory).
 */
static void
file_tick(void (*tick)(void), bool piped, uint64_t pktno, uint64_t *last)
{
	if (tick != NULL && (tick_now || ((piped || (pktno & 63) == 0) &&
	    seconds_passed(last)))) {
		tick_now = 0;
		tick();
	}
}

/* Say why a file stopped: the decompressor's word first, it knows. */
static void
file_damage(struct input *in, const char *name, uint64_t pktno,
    const char *what)
{
	const char	*why = input_error(in);

	log_warnx("%s: packet %llu: %s", name, (unsigned long long)pktno + 1,
	    why != NULL ? why : what);
	STAT_INC(FILE_ERRORS);
}

/* A classic pcap file (or a pcapng one libpcap reads) through libpcap. */
static int
read_pcap(struct input *in, const char *name, bool piped,
    void (*tick)(void))
{
	char			 errbuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr	*hdr;
	const uint8_t		*data;
	pcap_t			*p;
	uint64_t		 pktno = 0, ts, last_tick = 0;
	int			 link, rc, ret = 0;

	errbuf[0] = '\0';
	if ((p = pcap_fopen_offline(input_stream(in), errbuf)) == NULL) {
		log_warnx("%s: %s", name, input_error(in) != NULL ?
		    input_error(in) : errbuf);
		STAT_INC(FILE_ERRORS);
		return -1;
	}
	/* pcap_close() closes the stream */
	input_stream_closed(in);
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
		ts = capture_ts(&hdr->ts);
		/* caplen never exceeds what libpcap handed us; it checks the
		 * record against the file's snaplen and its buffer. */
		decode_frame_len(link, name, pktno, ts, data, hdr->caplen,
		    hdr->len);
		file_tick(tick, piped, pktno, &last_tick);
		progress_step(in, pktno);
	}
	/* SIGTERM/INT before the end of the file (a read it cut short
	 * fails with EINTR: that is no corruption to report). */
	if (stop_reading && rc != PCAP_ERROR_BREAK)
		ret = 1;
	else if (rc == PCAP_ERROR) {
		file_damage(in, name, pktno, pcap_geterr(p));
		ret = -1;
	}
	offline = NULL;
	pcap_close(p);
	return ret;
}

/*
 * A pcapng file through pcapng.c: each packet with its interface's link
 * type.  An interface of a link type decode.c does not know is named once
 * and its packets are passed over (counted by decode.c); the others are
 * read, and the file counts as not fully read.
 */
static int
read_pcapng(struct input *in, const char *name, bool piped,
    void (*tick)(void))
{
	char			 err[256];
	struct pcapng		*pg;
	struct pcapng_pkt	 pkt;
	uint64_t		 pktno = 0, last_tick = 0;
	int			 rc, ret = 0, warned[8];
	size_t			 nwarned = 0, i;

	if ((pg = pcapng_open(input_stream(in), err, sizeof(err))) == NULL) {
		log_warnx("%s: %s", name, input_error(in) != NULL ?
		    input_error(in) : err);
		STAT_INC(FILE_ERRORS);
		return -1;
	}
	STAT_INC(FILES);
	while (!stop_reading && (rc = pcapng_next(pg, &pkt)) == 1) {
		pktno++;
		STAT_INC(PKTS);
		STAT_ADD(BYTES, pkt.len);
		if (!decode_supported_link(pkt.link)) {
			for (i = 0; i < nwarned && warned[i] != pkt.link; i++)
				;
			/* named once each (the first 8 kinds; a file
			 * with more is not worth a line per packet) */
			ret = -1;
			if (i == nwarned && nwarned < sizeof(warned) /
			    sizeof(warned[0])) {
				const char *ln =
				    pcap_datalink_val_to_name(pkt.link);

				log_warnx("%s: packet %llu: interface %u has "
				    "the unsupported link type %d (%s): its "
				    "packets are skipped", name,
				    (unsigned long long)pktno,
				    (unsigned)pkt.iface, pkt.link,
				    ln != NULL ? ln : "unknown");
				warned[nwarned++] = pkt.link;
			}
		}
		decode_frame_len(pkt.link, name, pktno, pkt.ts_us, pkt.data,
		    pkt.caplen, pkt.len);
		file_tick(tick, piped, pktno, &last_tick);
		progress_step(in, pktno);
	}
	if (stop_reading && rc != 0) {
		if (ret == 0)
			ret = 1;	/* stopped by a signal, not damaged */
	} else if (rc == -1) {
		file_damage(in, name, pktno, pcapng_error(pg));
		ret = -1;
	}
	if (ret == -1 && nwarned > 0 && !(rc == -1 && !stop_reading))
		STAT_INC(FILE_ERRORS);
	pcapng_close(pg);
	return ret;
}

/*
 * One capture file ("-": standard input): pcap or pcapng, plain, gzip or
 * zstd, told by its first bytes.  pcapng goes through our own reader
 * (libpcap refuses files whose interfaces differ), pcap through libpcap.
 */
int
capture_file(const char *path, void (*tick)(void))
{
	char		 err[256];
	const char	*name = strcmp(path, "-") == 0 ? "stdin" : path;
	const uint8_t	*m;
	struct input	*in;
	size_t		 n;
	int		 ret;

	if ((in = input_open(path, err, sizeof(err))) == NULL) {
		log_warnx("%s: %s", name, err);
		STAT_INC(FILE_ERRORS);
		return -1;
	}
	if (input_codec(in) != INPUT_PLAIN)
		STAT_INC(FILES_COMPRESSED);
	m = input_magic(in, &n);
	progress_start(in, name);
	if (n == 4 && ((uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 |
	    (uint32_t)m[2] << 8 | m[3]) == PCAPNG_MAGIC)
		ret = read_pcapng(in, name, strcmp(path, "-") == 0, tick);
	else
		ret = read_pcap(in, name, strcmp(path, "-") == 0, tick);
	progress_end(in);
	input_close(in);
	return ret;
}

/*
 * From a signal handler: get every loop back to the run loop; TERM and
 * INT also end the reading of files.
 */
void
capture_breakloop(int sig)
{
	struct capture_live	*cl;
	size_t			 i, w;

	if (sig == SIGTERM || sig == SIGINT) {
		stop_reading = 1;
		input_stop();
	}
	tick_now = 1;
	for (w = 0; w < CAPTURE_MAX_WORKERS; w++)
		if ((cl = live_all[w]) != NULL)
			for (i = 0; i < cl->nsrcs; i++)
				if (cl->srcs[i].p != NULL)
					pcap_breakloop(cl->srcs[i].p);
}

/*
 * The default filter: TCP to or from a watched mail port, or an IP
 * fragment (a fragment after the first carries no ports: the filter cannot
 * tell, defrag.c will), untagged, with one 802.1Q tag, or two (QinQ).
 * ("vlan" shifts the offsets for the rest of the expression, hence the
 * order.)  Tunnelled mirror traffic (GRE, ERSPAN, VXLAN) does not match:
 * set capture.bpf to "" for those.
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
	fputs("(tcp and (", fp);
	for (port = 1; port < 65536; port++)
		if (cfg->port_map[port] != 0) {
			fprintf(fp, "%sport %d", first ? "" : " or ", port);
			first = 0;
		}
	/* IPv4: MF or an offset; IPv6: a fragment header first */
	fputs(")) or (ip[6:2] & 0x3fff != 0) or (ip6[6] = 44)", fp);
	if (fclose(fp) != 0 || first) {
		free(ports);
		return NULL;
	}
	if ((fp = open_memstream(&out, &len)) == NULL) {
		free(ports);
		return NULL;
	}
	fprintf(fp, "(%s) or (vlan and (%s)) or (vlan and vlan and (%s))", ports,
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
	ts = capture_ts(&hdr->ts);
	decode_frame_len(cs->link, cs->name, cs->pktno, ts, data,
	    hdr->caplen, hdr->len);
}

/*
 * Join the handle to its interface's fanout group.  The first worker asks
 * the kernel for an id no other socket uses (so two tlsfloor processes on
 * one host never share a group) and the others join it; a reopened handle
 * rejoins the id it had.
 */
static int
live_fanout(struct capture_live *cl, struct capsrc *cs, pcap_t *p, char *err,
    size_t errlen)
{
#if defined(PACKET_FANOUT) && defined(PACKET_FANOUT_FLAG_UNIQUEID)
	int		fd = pcap_fileno(p), arg;
	unsigned	mode;
	socklen_t	len = sizeof(arg);

	if (cl->nworkers <= 1)
		return 0;
	/* FLAG_DEFRAG: the kernel puts IPv4 fragments together before it
	 * hashes, so that a datagram reaches one worker whole (the later
	 * fragments carry no ports to hash on). */
	/* (unsigned: the flags reach the sign bit of the int) */
	mode = PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG;
	if (cs->fanout == 0 && cl->worker == 0)
		arg = (int)((mode | PACKET_FANOUT_FLAG_UNIQUEID) << 16);
	else
		arg = (int)(mode << 16 | cs->fanout);
	if (setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof(arg))
	    == -1) {
		snprintf(err, errlen, "%s: PACKET_FANOUT: %s", cs->name,
		    strerror(errno));
		return -1;
	}
	if (cs->fanout == 0) {
		if (getsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, &len) ==
		    -1) {
			snprintf(err, errlen, "%s: PACKET_FANOUT: %s",
			    cs->name, strerror(errno));
			return -1;
		}
		cs->fanout = (uint16_t)(arg & 0xffff);
	}
	return 0;
#else
	(void)p;
	if (cl->nworkers <= 1)
		return 0;
	snprintf(err, errlen, "%s: capture.workers needs PACKET_FANOUT "
	    "(Linux)", cs->name);
	return -1;
#endif
}

/* The filter a live capture uses: *out NULL for none ("" configured). */
static int
live_bpf(const struct config *cfg, char **out, char *err, size_t errlen)
{
	*out = NULL;
	if (cfg->bpf == NULL) {
		if ((*out = capture_default_bpf(cfg)) == NULL) {
			snprintf(err, errlen, "no mail port to filter on");
			return -1;
		}
	} else if (cfg->bpf[0] != '\0' && (*out = strdup(cfg->bpf)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

/* Compile bpf for p's link type and, if set, install it. */
static int
live_filter(pcap_t *p, const char *name, const char *bpf, bool set,
    char *err, size_t errlen)
{
	struct bpf_program	prog;

	if (pcap_compile(p, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) == -1) {
		snprintf(err, errlen, "%s: capture.bpf \"%s\" does not "
		    "compile: %s", name, bpf, pcap_geterr(p));
		return -1;
	}
	if (set && pcap_setfilter(p, &prog) == -1) {
		snprintf(err, errlen, "%s: capture.bpf \"%s\": %s", name, bpf,
		    pcap_geterr(p));
		pcap_freecode(&prog);
		return -1;
	}
	pcap_freecode(&prog);
	return 0;
}

/* An interface by that name: one the kernel has, or a libpcap pseudo
 * device ("any" on Linux).  1 yes, 0 no. */
static int
live_exists(const char *name)
{
	char		 ebuf[PCAP_ERRBUF_SIZE];
	pcap_if_t	*all, *d;
	int		 found = 0;

	if (if_nametoindex(name) != 0)
		return 1;
	if (pcap_findalldevs(&all, ebuf) != 0)
		return 0;
	for (d = all; d != NULL && !found; d = d->next)
		found = strcmp(d->name, name) == 0;
	pcap_freealldevs(all);
	return found;
}

/*
 * What capture_live_open() needs, checked without capturing (tlsfloor -n,
 * and the start before anything is opened): each interface exists, opens
 * (promiscuous mode off, nothing read), has a link type we decode, and
 * the filter compiles for that link type.
 *
 * Where opening is not permitted, a start by this user would fail, so the
 * check fails too, and says what to do; but first the filter is compiled
 * for Ethernet (the link type of nearly every capture interface), so that
 * a broken filter is reported as such even to an ordinary user.
 */
int
capture_live_check(const struct config *cfg, char *err, size_t errlen)
{
	char	 ebuf[PCAP_ERRBUF_SIZE];
	char	*bpf = NULL;
	pcap_t	*p;
	size_t	 i;
	int	 rc, link;
	bool	 denied;

	if (live_bpf(cfg, &bpf, err, errlen) != 0)
		return -1;
	for (i = 0; i < cfg->ninterfaces; i++) {
		const char *name = cfg->interfaces[i];

		if (!live_exists(name)) {
			snprintf(err, errlen, "%s: no such interface (set "
			    "capture.interfaces or -i to one that "
			    "\"ip link\" lists)", name);
			goto fail;
		}
		ebuf[0] = '\0';
		if ((p = pcap_create(name, ebuf)) == NULL) {
			snprintf(err, errlen, "%s: %s", name, ebuf);
			goto fail;
		}
		pcap_set_snaplen(p, (int)cfg->snaplen);
		pcap_set_timeout(p, CAPTURE_TIMEOUT_MS);
		rc = pcap_activate(p);
		if ((denied = rc == PCAP_ERROR_PERM_DENIED)) {
			pcap_close(p);
			if ((p = pcap_open_dead(DLT_EN10MB,
			    (int)cfg->snaplen)) == NULL) {
				snprintf(err, errlen, "out of memory");
				goto fail;
			}
		} else if (rc < 0) {
			snprintf(err, errlen, "%s: %s", name,
			    rc == PCAP_ERROR ? pcap_geterr(p) :
			    pcap_statustostr(rc));
			pcap_close(p);
			goto fail;
		}
		link = pcap_datalink(p);
		if (!decode_supported_link(link)) {
			snprintf(err, errlen, "%s: unsupported link type %d",
			    name, link);
			pcap_close(p);
			goto fail;
		}
		if (bpf != NULL && live_filter(p, name, bpf, false, err,
		    errlen) != 0) {
			pcap_close(p);
			goto fail;
		}
		pcap_close(p);
		if (denied) {
			snprintf(err, errlen, "%s: no permission to capture: "
			    "start (and check with -n) as root, or as a user "
			    "with CAP_NET_RAW (the systemd unit gives it)",
			    name);
			goto fail;
		}
	}
	free(bpf);
	return 0;
fail:
	free(bpf);
	return -1;
}

static int
live_activate(struct capture_live *cl, struct capsrc *cs, char *err,
    size_t errlen)
{
	char			 ebuf[PCAP_ERRBUF_SIZE];
	pcap_t			*p;
	int			 rc;

	ebuf[0] = '\0';
	if ((p = pcap_create(cs->name, ebuf)) == NULL) {
		snprintf(err, errlen, "%s: %s", cs->name, ebuf);
		return -1;
	}
	pcap_set_snaplen(p, (int)cl->snaplen);
	pcap_set_promisc(p, cl->promiscuous);
	pcap_set_buffer_size(p, (int)cl->buffer_size);
	pcap_set_immediate_mode(p, cl->immediate);
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
	if (cl->bpf != NULL && live_filter(p, cs->name, cl->bpf, true, err,
	    errlen) != 0) {
		pcap_close(p);
		return -1;
	}
	if (pcap_setnonblock(p, 1, ebuf) == -1) {
		snprintf(err, errlen, "%s: %s", cs->name, ebuf);
		pcap_close(p);
		return -1;
	}
	if (live_fanout(cl, cs, p, err, errlen) != 0) {
		pcap_close(p);
		return -1;
	}
	memset(&cs->last, 0, sizeof(cs->last));
	cs->p = p;
	cs->ifindex = if_nametoindex(cs->name);
	return 0;
}

/*
 * Worker `worker` of `nworkers`: a handle on every configured interface.
 * Workers are opened in order, 0 first (it makes the fanout groups the
 * others join).  At start-up any failure is fatal.
 */
struct capture_live *
capture_live_open(const struct config *cfg, unsigned worker,
    unsigned nworkers, char *err, size_t errlen)
{
	struct capture_live	*cl;
	size_t			 i;

	if (worker >= CAPTURE_MAX_WORKERS || worker >= nworkers) {
		snprintf(err, errlen, "capture worker %u of %u", worker,
		    nworkers);
		return NULL;
	}
	if ((cl = calloc(1, sizeof(*cl))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	cl->worker = worker;
	cl->nworkers = nworkers;
	cl->snaplen = cfg->snaplen;
	cl->buffer_size = cfg->buffer_size;
	cl->promiscuous = cfg->promiscuous;
	cl->immediate = cfg->immediate;
	if (live_bpf(cfg, &cl->bpf, err, errlen) != 0)
		goto fail;
	if ((cl->srcs = calloc(cfg->ninterfaces, sizeof(*cl->srcs))) ==
	    NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (i = 0; i < cfg->ninterfaces; i++) {
		struct capsrc *cs = &cl->srcs[i];

		if ((cs->name = strdup(cfg->interfaces[i])) == NULL) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		cl->nsrcs = i + 1;
		if (worker > 0)
			cs->fanout = live_all[0] != NULL &&
			    i < live_all[0]->nsrcs ?
			    live_all[0]->srcs[i].fanout : 0;
		if (live_activate(cl, cs, err, errlen) != 0)
			goto fail;
		if (worker == 0)
			log_info("%s: capturing (filter: %s)%s", cs->name,
			    cl->bpf != NULL ? cl->bpf : "none",
			    nworkers > 1 ? ", fanout to the workers" : "");
	}
	live_all[worker] = cl;
	return cl;
fail:
	capture_live_close(cl);
	return NULL;
}

int
capture_live_pollfds(struct capture_live *cl, struct pollfd *pfd, int max)
{
	size_t	i;
	int	n = 0;

	for (i = 0; i < cl->nsrcs && n < max; i++) {
		pfd[n].fd = cl->srcs[i].p != NULL ?
		    pcap_get_selectable_fd(cl->srcs[i].p) : -1;
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
capture_live_dispatch(struct capture_live *cl, const struct pollfd *pfd,
    int n)
{
	size_t	i;
	int	rc;

	for (i = 0; i < cl->nsrcs && (int)i < n; i++) {
		struct capsrc *cs = &cl->srcs[i];

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
capture_live_drain(struct capture_live *cl)
{
	size_t	i;
	int	rounds;

	for (i = 0; i < cl->nsrcs; i++)
		for (rounds = 0; cl->srcs[i].p != NULL && rounds < 64;
		    rounds++)
			if (pcap_dispatch(cl->srcs[i].p, CAPTURE_BATCH,
			    live_packet, (u_char *)&cl->srcs[i]) <= 0)
				break;
}

/*
 * Reopen interfaces that failed, at most every CAPTURE_RETRY s; and once a
 * second, see that each open one still exists by its name and index.
 * libpcap reports a vanished interface when a read fails, but the live
 * test saw a handle go on waiting (one run in about a dozen) after its
 * veth was deleted; an interface deleted and made again under the same
 * name has a new index.
 */
void
capture_live_retry(struct capture_live *cl, uint64_t now)
{
	char	err[PCAP_ERRBUF_SIZE + 64];
	size_t	i;

	for (i = 0; i < cl->nsrcs; i++) {
		struct capsrc *cs = &cl->srcs[i];

		if (cs->p != NULL) {
			if (cs->ifindex != 0 &&
			    now >= cs->checked_at + 1000000u) {
				cs->checked_at = now;
				if (if_nametoindex(cs->name) != cs->ifindex)
					live_fail(cs, "the interface is gone");
			}
			continue;
		}
		if (cs->retry_at == 0)
			cs->retry_at = now + CAPTURE_RETRY * 1000000ull;
		if (now < cs->retry_at)
			continue;
		cs->retry_at = now + CAPTURE_RETRY * 1000000ull;
		if (live_activate(cl, cs, err, sizeof(err)) == 0)
			log_warnx("%s: capturing again", cs->name);
		else
			log_debug("%s", err);
	}
}

/*
 * Received and dropped per interface, whole run, added into out[] (zero it
 * first; the workers' figures add up).  Returns the number of interfaces.
 */
size_t
capture_live_stats(struct capture_live *cl, struct output_capstat *out,
    size_t max)
{
	struct pcap_stat	ps;
	size_t			i;

	for (i = 0; i < cl->nsrcs && i < max; i++) {
		struct capsrc *cs = &cl->srcs[i];

		if (cs->p != NULL && pcap_stats(cs->p, &ps) == 0)
			cs->last = ps;
		out[i].name = cs->name;
		out[i].received += cs->recv + (cs->p ? cs->last.ps_recv : 0);
		out[i].dropped += cs->drop + (cs->p ? cs->last.ps_drop : 0);
		out[i].if_dropped += cs->ifdrop +
		    (cs->p ? cs->last.ps_ifdrop : 0);
	}
	return i;
}

void
capture_live_close(struct capture_live *cl)
{
	size_t	i;

	if (cl == NULL)
		return;
	if (cl->worker < CAPTURE_MAX_WORKERS && live_all[cl->worker] == cl)
		live_all[cl->worker] = NULL;
	for (i = 0; i < cl->nsrcs; i++) {
		if (cl->srcs[i].p != NULL)
			pcap_close(cl->srcs[i].p);
		free(cl->srcs[i].name);
	}
	free(cl->srcs);
	free(cl->bpf);
	free(cl);
}
