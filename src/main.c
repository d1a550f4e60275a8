/*
 * main.c -- tlsfloor: find the mail clients still negotiating TLS 1.0/1.1.
 *
 * Start-up: command line -> configuration (-c FILE, or the defaults) with
 * the command line laid over it -> outputs -> flow table -> captures, then
 * either read the files (-r) through the pipeline, or, live (-i or
 * capture.interfaces): pidfile, detach (-D), drop privileges, and loop:
 * poll the capture handles, dispatch packets, and between batches act on
 * signals (HUP reload, USR1 inventory, TERM/INT stop) and timers (idle
 * flows, alert windows, stats).  At the end every open flow is flushed, so
 * each session is reported once, and a summary goes to stderr.
 *
 *   capture -> decode -> flow -> reasm -> mail -> tls -> verdict -> output
 */
#define _GNU_SOURCE		/* asprintf() */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "classify.h"
#include "caps.h"
#include "config.h"
#include "daemon.h"
#include "decode.h"
#include "defrag.h"
#include "dns.h"
#include "flow.h"
#include "log.h"
#include "metrics.h"
#include "output.h"
#include "preflight.h"
#include "report_html.h"
#include "sandbox.h"
#include "stats.h"
#include "store.h"
#include "verdict.h"
#include "worker.h"

#define EXIT_INPUT	1	/* an input could not be read (fully) */
#define EXIT_USAGE	2
#define EXIT_CUT	3	/* SIGTERM/INT stopped -r before the end */
#define MAX_POLL	(CONFIG_MAX_IFACES + CONFIG_MAX_REMOTES)

/* What the command line says; laid over every configuration loaded. */
struct overrides {
	const char	 *conf;		/* -c */
	const char	**files;	/* -r, in order */
	int		  nfiles;
	const char	**ifaces;	/* -i */
	int		  nifaces;
	const char	**ports;	/* --port */
	int		  nports;
	const char	 *format, *output, *inventory, *user, *pidfile;
	const char	 *inventory_db, *sensor;
	const char	 *metrics;	/* --metrics */
	const char	 *floor;
	uint64_t	  max_flows, memcap;
	bool		  all_tls, daemonize, check;
	int		  verbose, quiet;
};

static noreturn void usage(FILE *, int);
static struct config *configure(const struct overrides *, char *, size_t);
static int	run_files(const struct overrides *);
static int	run_live(const struct overrides *, struct config **);
static void	reload(const struct overrides *, struct config **);
static int	report_main(int, char **);

static void
overrides_free(struct overrides *o)
{
	free(o->files);
	free(o->ifaces);
	free(o->ports);
	o->files = o->ifaces = o->ports = NULL;
}

static noreturn void
usage(FILE *fp, int status)
{
	/* A usage error has been named on the line before: one more line,
	 * not the whole help over it. */
	if (status != 0) {
		fprintf(fp, "try 'tlsfloor --help' for the options\n");
		exit(status);
	}
	fprintf(fp,
	    "usage: tlsfloor [-DhnqvV] [-c file] [-f json|text] [-o file]\n"
	    "                [-i interface]... [-r file]... [-p pidfile] [-u user]\n"
	    "                [--floor version] [--port proto:port[:implicit]]\n"
	    "                [--all-tls] [--max-flows n] [--memcap bytes]\n"
	    "                [--inventory path] [--inventory-db path]\n"
	    "                [--sensor name] [--metrics file]\n"
	    "       tlsfloor report --db path [--csv file] [--json file]\n"
	    "                [--html file] [--bom]\n"
	    "                [--since time] [--sensor name] [--protocol proto]\n"
	    "                [--window duration] [--at time] [--floor version]\n"
	    "\n"
	    "  -r, --read FILE      read a pcap/pcapng capture, plain, .gz or .zst\n"
	    "                       (\"-\" = stdin; a directory: every file in it,\n"
	    "                       in name order); repeat for several, read in\n"
	    "                       order; arguments after -r are more files\n"
	    "  -i, --interface IF   capture live on IF (repeatable)\n"
	    "  -c, --config FILE    read the YAML configuration FILE\n"
	    "  -n, --check-config   check the configuration and exit\n"
	    "  -D, --daemon         detach into the background (live capture)\n"
	    "  -p, --pidfile FILE   pidfile for live capture\n"
	    "  -u, --user USER      run live capture as USER\n"
	    "  -f, --format FMT     events as json (JSON Lines) or text\n"
	    "  -o, --output FILE    append events to FILE instead of stdout\n"
	    "      --floor VER      lowest acceptable TLS version (default 1.2)\n"
	    "      --port SPEC      also watch a port: pop3|imap|smtp:PORT, add\n"
	    "                       :implicit for TLS from the first byte\n"
	    "      --all-tls        report TLS on every TCP port, not only mail\n"
	    "      --max-flows N    flows tracked at once (default 200000)\n"
	    "      --memcap BYTES   memory for flows and buffers (default 64M)\n"
	    "      --inventory PATH write the client inventory at exit: PATH.csv\n"
	    "                       and PATH.json, or just PATH if it ends .csv/.json\n"
	    "      --inventory-db PATH  keep the inventory in the SQLite database\n"
	    "                       PATH across runs (inventory.db)\n"
	    "      --sensor NAME    this sensor's name in records and events\n"
	    "                       (default: the host name)\n"
	    "      --metrics FILE   write the counters for Prometheus to FILE at\n"
	    "                       every stats interval and at exit\n"
	    "  -q, --quiet          no summary on stderr\n"
	    "  -v, --verbose        more diagnostics; the summary lists every counter\n"
	    "  -V, --version        print version and exit\n"
	    "  -h, --help           this help\n");
	exit(status);
}

/*
 * The configuration: the file (or the defaults), then the command line.
 * Without a file, a run over captures reports every session as JSON (or
 * text) on stdout, as it would with no configuration at all.
 */
static struct config *
configure(const struct overrides *o, char *err, size_t errlen)
{
	struct config	*c;
	uint64_t	 v;
	int		 i;

	c = o->conf != NULL ? config_load(o->conf, err, errlen) :
	    config_default();
	if (c == NULL) {
		if (o->conf == NULL)
			snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (o->conf == NULL) {
		/* No configuration: every session, once, and nothing else. */
		c->json_events = CONFIG_EV_SESSION;
		c->session_events_ok = true;
		c->dedup_window = 0;
	}
	if (o->floor != NULL && config_parse_floor(o->floor, &c->floor) != 0)
		goto bad;
	for (i = 0; i < o->nports; i++)
		if (config_set_port(c, o->ports[i]) != 0)
			goto bad;
	if (o->all_tls)
		c->scope = SCOPE_ALL_TLS;
	if ((o->inventory_db != NULL && config_set_string(&c->inventory_db,
	    o->inventory_db) != 0) || (o->sensor != NULL &&
	    config_set_string(&c->sensor_name, o->sensor) != 0))
		goto bad;
	if (o->max_flows != 0)
		c->max_flows = (uint32_t)o->max_flows;
	if (o->memcap != 0)
		c->memcap = o->memcap;
	if (o->format != NULL || o->output != NULL) {
		bool text = o->format != NULL && strcmp(o->format, "text") == 0;
		const char *path = o->output != NULL ? o->output : "-";

		c->json_enabled = !text;
		c->text_enabled = text;
		if (config_set_string(text ? &c->text_path : &c->json_path,
		    path) != 0)
			goto bad;
	}
	if (o->nifaces > 0) {
		for (v = 0; v < c->ninterfaces; v++)
			free(c->interfaces[v]);
		free(c->interfaces);
		c->ninterfaces = 0;
		if ((c->interfaces = calloc((size_t)o->nifaces,
		    sizeof(char *))) == NULL)
			goto bad;
		for (i = 0; i < o->nifaces; i++)
			if ((c->interfaces[c->ninterfaces++] =
			    strdup(o->ifaces[i])) == NULL)
				goto bad;
	}
	/* -u USER: that user's own group, unless the file names one. */
	if (o->user != NULL && o->conf == NULL) {
		free(c->group);
		c->group = NULL;
	}
	if (o->metrics != NULL &&
	    config_set_string(&c->metrics_path, o->metrics) != 0)
		goto bad;
	if ((o->user != NULL && config_set_string(&c->user, o->user) != 0) ||
	    (o->pidfile != NULL &&
	    config_set_string(&c->pidfile, o->pidfile) != 0))
		goto bad;
	/* Reading stdin live-piped from tcpdump: events as they happen. */
	for (i = 0; i < o->nfiles; i++)
		if (strcmp(o->files[i], "-") == 0)
			c->out_flush = true;
	return c;
bad:
	snprintf(err, errlen, "applying the command line failed");
	config_free(c);
	return NULL;
}

/*
 * The inventory store (inventory.db): the sensor's name is the host's
 * unless one is given; reading files, a full batch waits for the writer.
 */
static int
open_store(const struct overrides *o, const struct config *cfg, bool live,
    char *err, size_t errlen)
{
	struct store_opts	so;
	char			host[256];

	memset(&so, 0, sizeof(so));
	so.db = cfg->inventory_db;
	so.sensor = cfg->sensor_name;
	if (so.sensor == NULL) {
		if (gethostname(host, sizeof(host)) != 0)
			snprintf(host, sizeof(host), "localhost");
		host[sizeof(host) - 1] = '\0';
		so.sensor = host;
	}
	so.commit_interval = cfg->inventory_commit;
	so.window = cfg->inventory_window;
	so.inventory = o->inventory != NULL ? o->inventory :
	    cfg->inventory_path;
	so.offline = !live;
	so.on_record = output_inventory_record;
	return store_open(&so, err, errlen);
}

/* Real time passes while files are read: collectors, inventory timer. */

static const struct config	*files_cfg;	/* -r: the configuration */

/*
 * Real time passes while files are read: collectors, inventory timer, and
 * the metrics file at every stats interval (wall clock, as live); and
 * SIGUSR1 writes the inventory here too.  (SIGHUP has nothing to reload
 * while files are read: it is ignored.)
 */
static void
files_tick(void)
{
	static uint64_t	next_metrics;
	uint64_t	now;

	output_tick();
	daemon_hup = 0;
	if (daemon_usr1) {
		daemon_usr1 = 0;
		output_inventory(daemon_now());
		if (log_verbosity() > 0) {
			log_info("SIGUSR1: counters");
			stats_dump(stderr);
		}
	}
	if (!metrics_enabled() || files_cfg->stats_interval == 0)
		return;
	now = daemon_now();
	if (next_metrics != 0 && now >= next_metrics)
		metrics_write(files_cfg, now, NULL, 0);
	if (next_metrics == 0 || now >= next_metrics)
		next_metrics = now + (uint64_t)files_cfg->stats_interval *
		    1000000u;
}

/* A directory's entries worth reading: not hidden (".", "..", ".x"). */
static int
visible(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/*
 * -r DIR: every regular file in it (symbolic links followed), in name
 * order (bytes, as ls sorts in the C locale), not its subdirectories.
 * 0, or -1 when it could not be listed or held no file.
 */
static int
read_dir(const char *dir)
{
	struct dirent	**ents;
	struct stat	  st;
	char		 *path;
	int		  n, i, files = 0, status = 0;

	if ((n = scandir(dir, &ents, visible, alphasort)) < 0) {
		log_warn("%s", dir);
		STAT_INC(FILE_ERRORS);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (!daemon_term && asprintf(&path, "%s/%s", dir,
		    ents[i]->d_name) >= 0) {
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
				files++;
				if (capture_file(path, files_tick) != 0)
					status = -1;
			} else {
				log_debug("%s: not a regular file, skipped",
				    path);
			}
			free(path);
		}
		free(ents[i]);
	}
	free(ents);
	if (files == 0 && !daemon_term) {
		log_warnx("%s: a directory with no capture file in it", dir);
		STAT_INC(FILE_ERRORS);
		return -1;
	}
	return status;
}

/*
 * Files read and not one session found: say what the capture did hold
 * (the server ports connections were opened to) and how to look there.
 */
static void
no_mail_hint(void)
{
	uint16_t	ports[5];
	uint32_t	counts[5];
	size_t		n, i;

	if (stats[STAT_SESSIONS] != 0 || stats[STAT_PKTS] == 0)
		return;
	n = decode_top_ports(ports, counts, 5);
	if (n == 0) {
		fprintf(stderr, "tlsfloor: no mail session, and no TCP "
		    "connection opened (SYN) in the capture\n");
		return;
	}
	fprintf(stderr, "tlsfloor: no mail session; TCP connections "
	    "opened, by server port:");
	for (i = 0; i < n; i++)
		fprintf(stderr, "%s %u (%lu)", i > 0 ? "," : "",
		    (unsigned)ports[i], (unsigned long)counts[i]);
	fprintf(stderr, "\ntlsfloor: mail on another port: --port "
	    "imap:PORT (or pop3:, smtp:; add :implicit for TLS from the "
	    "first byte); TLS on any port: --all-tls\n");
}

/*
 * -r: every file in order, as one stream.  EXIT_INPUT if one was
 * unreadable, else EXIT_CUT if a signal stopped the reading before the
 * end of the input (a script must not take a partial report for a whole
 * one).
 */
static int
run_files(const struct overrides *o)
{
	struct stat	st;
	int		i, status = 0, rc;
	bool		cut = false;

	/* progress only where a person watches it */
	capture_set_progress(!o->quiet && isatty(STDERR_FILENO));
	if (decode_count_ports(true) != 0)
		log_warnx("no memory to count server ports: no hint if the "
		    "capture holds no mail");
	for (i = 0; i < o->nfiles; i++) {
		if (daemon_term) {
			cut = true;	/* files left unread */
			break;
		}
		if (strcmp(o->files[i], "-") != 0 &&
		    stat(o->files[i], &st) == 0 && S_ISDIR(st.st_mode))
			rc = read_dir(o->files[i]);
		else
			rc = capture_file(o->files[i], files_tick);
		if (rc < 0)
			status = EXIT_INPUT;
		else if (rc > 0)
			cut = true;
	}
	if (cut)
		log_warnx("interrupted before the end of the input: "
		    "reporting what was read");
	return status == 0 && cut ? EXIT_CUT : status;
}

/*
 * systemd's status line (sd_notify STATUS=, shown by systemctl status):
 * "capturing on eth0, 12 sessions, 3 legacy" -- the interfaces opened at
 * start (a reload does not change them), the sessions ended so far and,
 * of them, those with a legacy_* reason.  Sent with state (READY=1,
 * RELOADING=1, STOPPING=1, or NULL for the line alone); words, when given,
 * replace the counts ("reloading").  Takes the output lock: the capture
 * workers fold their counters under it.
 */
static char	notify_ifaces[128];	/* "eth0 eth1", set at start */

static void
notify_start(const struct config *cfg)
{
	size_t	i, o = 0, n;

	notify_ifaces[0] = '\0';
	for (i = 0; i < cfg->ninterfaces; i++) {
		n = strlen(cfg->interfaces[i]);
		/* Names past what the line has room for: say there are more. */
		if (o + n + 5 >= sizeof(notify_ifaces)) {
			memcpy(notify_ifaces + o, "...", 4);
			return;
		}
		memcpy(notify_ifaces + o, cfg->interfaces[i], n);
		o += n;
		notify_ifaces[o++] = i + 1 < cfg->ninterfaces ? ' ' : '\0';
	}
}

static void
notify(const char *state, const char *words)
{
	char		line[256];
	uint64_t	sessions, legacy;

	if (words != NULL) {
		snprintf(line, sizeof(line), "%s%sSTATUS=%s",
		    state != NULL ? state : "", state != NULL ? "\n" : "",
		    words);
		daemon_notify(line);
		return;
	}
	output_lock();
	sessions = stats[STAT_SESSIONS];
	legacy = stats[STAT_RS_LEGACY_REFUSED] + stats[STAT_RS_LEGACY_CLIENT] +
	    stats[STAT_RS_LEGACY_NEGOTIATED];
	output_unlock();
	snprintf(line, sizeof(line), "%s%sSTATUS=capturing on %s, %llu "
	    "session%s, %llu legacy", state != NULL ? state : "",
	    state != NULL ? "\n" : "", notify_ifaces,
	    (unsigned long long)sessions, sessions == 1 ? "" : "s",
	    (unsigned long long)legacy);
	daemon_notify(line);
}

/*
 * SIGHUP: a new configuration, validated before it replaces the old one;
 * a broken file is reported and the old one stays.  Flows are kept.
 */
static void
reload(const struct overrides *o, struct config **cfgp)
{
	struct config	*old = *cfgp, *c;
	char		 err[512];

	if ((c = configure(o, err, sizeof(err))) == NULL) {
		log_warnx("reload: %s; keeping the running configuration",
		    err);
		return;
	}
	if (c->ninterfaces != old->ninterfaces || c->snaplen != old->snaplen ||
	    c->buffer_size != old->buffer_size ||
	    c->max_flows != old->max_flows)
		log_warnx("reload: capture settings and max_flows take effect "
		    "at the next start");
	if ((c->inventory_db == NULL) != (old->inventory_db == NULL) ||
	    (c->inventory_db != NULL && strcmp(c->inventory_db,
	    old->inventory_db) != 0))
		log_warnx("reload: inventory.db takes effect at the next "
		    "start");
	if (c->workers != old->workers)
		log_warnx("reload: capture.workers takes effect at the next "
		    "start");
	if (c->seccomp != old->seccomp)
		log_warnx("reload: daemon.seccomp takes effect at the next "
		    "start");
	if ((c->metrics_path == NULL) != (old->metrics_path == NULL) ||
	    (c->metrics_path != NULL &&
	    strcmp(c->metrics_path, old->metrics_path) != 0))
		log_warnx("reload: stats.metrics_path takes effect at the "
		    "next start");
	notify("RELOADING=1", "reloading");
	umask((mode_t)c->umask);
	flow_set_config(c);
	output_lock();
	verdict_set_config(c);
	if (output_reconfigure(c, err, sizeof(err)) != 0)
		log_warnx("reload: %s", err);
	output_unlock();
	workers_set_config(c);	/* returns once no worker runs the old one */
	*cfgp = c;
	config_free(old);
	log_info("reloaded %s", o->conf != NULL ? o->conf : "defaults");
	notify("READY=1", NULL);
}

/* The capture handles: one set per worker (1: the main thread's). */
static struct capture_live	*caps[CAPTURE_MAX_WORKERS];
static unsigned			 ncaps;

/* Capture counters of every interface, every worker added up. */
static size_t
live_capstats(struct output_capstat *cs)
{
	size_t		n = 0, k;
	unsigned	w;

	if (output_threaded())
		return workers_capstats(cs, CONFIG_MAX_IFACES);
	memset(cs, 0, CONFIG_MAX_IFACES * sizeof(*cs));
	for (w = 0; w < ncaps; w++)
		if ((k = capture_live_stats(caps[w], cs, CONFIG_MAX_IFACES)) > n)
			n = k;
	return n;
}

/* The periodic stats event, and a warning when the kernel drops. */
static void
live_stats(const struct config *cfg, uint64_t now)
{
	struct output_capstat	cs[CONFIG_MAX_IFACES];
	uint64_t		drop = 0, recv = 0;
	size_t			ncs, i;

	ncs = live_capstats(cs);
	output_stats(now, cs, ncs);
	metrics_write(cfg, now, cs, ncs);
	for (i = 0; i < ncs; i++) {
		drop += cs[i].dropped;
		recv += cs[i].received;
	}
	if (recv > 0 && cfg->drop_warn_percent > 0 &&
	    drop * 100 > recv * cfg->drop_warn_percent)
		log_warnx("the kernel dropped %llu of %llu packets: "
		    "raise capture.buffer_size, add capture.workers or narrow "
		    "capture.bpf", (unsigned long long)drop,
		    (unsigned long long)recv);
}

/*
 * Live capture until SIGTERM/SIGINT.  With one worker the main thread
 * captures; with more it polls only the collectors' sockets and the
 * workers capture (worker.c).  Either way, between polls: signals, timers.
 */
static int
run_live(const struct overrides *o, struct config **cfgp)
{
	struct pollfd		pfd[MAX_POLL];
	uint64_t		now, next_stats = 0;
	bool			threaded = output_threaded();
	int			ncap = 0, nout;

	for (;;) {
		if (!threaded)
			ncap = capture_live_pollfds(caps[0], pfd,
			    CONFIG_MAX_IFACES);
		nout = output_pollfds(pfd + ncap, MAX_POLL - ncap);
		if (poll(pfd, (nfds_t)(ncap + nout), threaded ? 200 : 1000) >
		    0 && !threaded)
			capture_live_dispatch(caps[0], pfd, ncap);
		now = daemon_now();
		if (!threaded) {
			flow_tick(now);
			capture_live_retry(caps[0], now);
		}
		output_lock();
		if (threaded) {
			verdict_tick(now);
			output_tick();
		}
		output_flush();
		output_unlock();
		if (daemon_term) {
			if (!threaded)
				capture_live_drain(caps[0]);
			break;
		}
		if (daemon_hup) {
			daemon_hup = 0;
			reload(o, cfgp);
		}
		if (daemon_usr1) {
			daemon_usr1 = 0;
			output_lock();
			output_inventory(now);
			if (log_verbosity() > 0) {
				log_info("SIGUSR1: counters");
				stats_dump(stderr);
			}
			output_unlock();
		}
		if ((*cfgp)->stats_interval == 0 || now < next_stats)
			continue;
		next_stats = now + (uint64_t)(*cfgp)->stats_interval * 1000000u;
		output_lock();
		live_stats(*cfgp, now);
		output_unlock();
		notify(NULL, NULL);
	}
	if (threaded)
		workers_stop();		/* their flows end, their counts fold */
	return 0;
}

/* --- tlsfloor report -------------------------------------------------------
 *
 * The report command: reads the store (store.c writes the CSV and JSON
 * files, report_html.c the page, through store_visit()); nothing else of
 * the sensor runs.  The link goes one way: store.c knows no report_html.
 */

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ" (UTC) -> us; -1 if neither. */
static int
parse_time(const char *s, uint64_t *us)
{
	struct tm	tm;
	int		y, mo, d, h = 0, mi = 0, se = 0, n = 0;
	time_t		t;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
		return -1;
	if (s[n] == 'T') {
		const char	*p = s + n + 1;
		int		 m = 0;

		if (sscanf(p, "%2d:%2d:%2d%n", &h, &mi, &se, &m) != 3 ||
		    strcmp(p + m, "Z") != 0)
			return -1;
	} else if (s[n] != '\0')
		return -1;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || se > 60)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = se;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	*us = (uint64_t)t * 1000000u;
	return 0;
}

static void
report_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: tlsfloor report --db PATH [--csv FILE] [--json FILE]\n"
	    "                [--html FILE] [--bom]\n"
	    "                [--since TIME] [--sensor NAME] [--protocol PROTO]\n"
	    "                [--window DURATION] [--at TIME] [--floor VER]\n"
	    "\n"
	    "  --db PATH            the inventory database (inventory.db)\n"
	    "  --csv FILE           write the records as CSV (RFC 4180; - for\n"
	    "                       standard output)\n"
	    "  --json FILE          write the records and the per-host roll-up\n"
	    "  --html FILE          write one self-contained HTML page: headline,\n"
	    "                       trend and version charts, worst clients first\n"
	    "  --bom                start the CSV with a UTF-8 byte order mark\n"
	    "  --since TIME         only records seen since TIME (YYYY-MM-DD or\n"
	    "                       YYYY-MM-DDTHH:MM:SSZ, UTC)\n"
	    "  --sensor NAME        only records of that sensor\n"
	    "  --protocol PROTO     only pop3, imap, smtp or tls records\n"
	    "  --window DURATION    the verdict's window (default 30d)\n"
	    "  --at TIME            report as of TIME (default now)\n"
	    "  --floor VER          the floor the HTML page names (default 1.2;\n"
	    "                       the verdicts are the sensors')\n");
}

static int
report_main(int argc, char **argv)
{
	struct store_filter	 f;
	const char		*db = NULL, *csv = NULL, *json = NULL,
				*html = NULL;
	char			 err[1024];
	struct timespec		 now;
	uint64_t		 w;
	int			 i;

	memset(&f, 0, sizeof(f));
	clock_gettime(CLOCK_REALTIME, &now);
	f.now_us = (uint64_t)now.tv_sec * 1000000u +
	    (uint64_t)now.tv_nsec / 1000u;
	f.window_s = 30 * 86400u;
	for (i = 1; i < argc; i++) {
		const char	*a = argv[i], *v = i + 1 < argc ? argv[i + 1] :
				    NULL;

		if (strcmp(a, "--bom") == 0) {
			f.bom = true;
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			report_usage(stdout);
			return 0;
		}
		if (v == NULL || strncmp(a, "--", 2) != 0) {
			log_warnx("report: %s: %s", a, strncmp(a, "--", 2) ?
			    "unexpected argument" : "needs a value");
			report_usage(stderr);
			return 2;
		}
		i++;
		if (strcmp(a, "--db") == 0)
			db = v;
		else if (strcmp(a, "--csv") == 0)
			csv = v;
		else if (strcmp(a, "--json") == 0)
			json = v;
		else if (strcmp(a, "--html") == 0)
			html = v;
		else if (strcmp(a, "--sensor") == 0)
			f.sensor = v;
		else if (strcmp(a, "--protocol") == 0) {
			if (strcmp(v, "pop3") && strcmp(v, "imap") &&
			    strcmp(v, "smtp") && strcmp(v, "tls")) {
				log_warnx("report: --protocol: \"%s\": "
				    "expected pop3, imap, smtp or tls", v);
				return 2;
			}
			f.protocol = v;
		} else if (strcmp(a, "--since") == 0 || strcmp(a, "--at") == 0) {
			if (parse_time(v, a[2] == 's' ? &f.since_us :
			    &f.now_us) != 0) {
				log_warnx("report: %s: \"%s\": expected "
				    "YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ", a, v);
				return 2;
			}
		} else if (strcmp(a, "--floor") == 0) {
			if (config_parse_floor(v, &f.floor) != 0) {
				log_warnx("report: --floor: \"%s\": expected "
				    "1.0, 1.1, 1.2 or 1.3", v);
				return 2;
			}
		} else if (strcmp(a, "--window") == 0) {
			if (config_parse_duration(v, 1, 3650 * 86400ull, &w)
			    != 0) {
				log_warnx("report: --window: \"%s\": expected "
				    "a duration (s, m, h, d)", v);
				return 2;
			}
			f.window_s = w;
		} else {
			log_warnx("report: unknown option %s", a);
			report_usage(stderr);
			return 2;
		}
	}
	if (db == NULL || (csv == NULL && json == NULL && html == NULL)) {
		log_warnx("report: give --db and at least one of --csv, "
		    "--json, --html");
		report_usage(stderr);
		return 2;
	}
	if (!store_is_uri(db) && access(db, F_OK) != 0) {
		log_warnx("report: %s: %s", db, strerror(errno));
		return 1;
	}
	if ((csv != NULL || json != NULL) &&
	    store_export(db, &f, csv, json, err, sizeof(err)) != 0) {
		log_warnx("report: %s", err);
		return 1;
	}
	if (html != NULL && report_html_write(db, &f, html, err,
	    sizeof(err)) != 0) {
		log_warnx("report: %s", err);
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "read",	  required_argument, NULL, 'r' },
		{ "interface",	  required_argument, NULL, 'i' },
		{ "config",	  required_argument, NULL, 'c' },
		{ "check-config", no_argument,	     NULL, 'n' },
		{ "daemon",	  no_argument,	     NULL, 'D' },
		{ "pidfile",	  required_argument, NULL, 'p' },
		{ "user",	  required_argument, NULL, 'u' },
		{ "format",	  required_argument, NULL, 'f' },
		{ "output",	  required_argument, NULL, 'o' },
		{ "floor",	  required_argument, NULL, 'F' },
		{ "port",	  required_argument, NULL, 'P' },
		{ "all-tls",	  no_argument,	     NULL, 'A' },
		{ "max-flows",	  required_argument, NULL, 'M' },
		{ "memcap",	  required_argument, NULL, 'm' },
		{ "inventory",	  required_argument, NULL, 'I' },
		{ "inventory-db", required_argument, NULL, 'B' },
		{ "sensor",	  required_argument, NULL, 'S' },
		{ "metrics",	  required_argument, NULL, 'X' },
		{ "quiet",	  no_argument,	     NULL, 'q' },
		{ "verbose",	  no_argument,	     NULL, 'v' },
		{ "version",	  no_argument,	     NULL, 'V' },
		{ "help",	  no_argument,	     NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct overrides	 o;
	struct preflight_args	 pa = { 0 };
	struct output_capstat	 cs[CONFIG_MAX_IFACES];
	size_t			 ncs = 0;
	unsigned		 w;
	struct config		*cfg, *probe;
	char			 err[1024];
	int			 ch, status = 0;
	bool			 live;
	uint16_t		 fl;

	daemon_close_fds();
	log_init("tlsfloor", 0);
	if (argc > 1 && strcmp(argv[1], "report") == 0)
		return report_main(argc - 1, argv + 1);
	memset(&o, 0, sizeof(o));
	if ((o.files = calloc((size_t)argc, sizeof(char *))) == NULL ||
	    (o.ifaces = calloc((size_t)argc, sizeof(char *))) == NULL ||
	    (o.ports = calloc((size_t)argc, sizeof(char *))) == NULL)
		fatal("startup");
	if ((probe = config_default()) == NULL)
		fatal("startup");

	/* "-" first: arguments that are not options come back in their
	 * place (as 1), so -r *.pcap from a shell reads them all, in order */
	while ((ch = getopt_long(argc, argv, "-r:i:c:nDp:u:f:o:qvVh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'r':
			o.files[o.nfiles++] = optarg;
			break;
		case 1:
			if (o.nfiles == 0) {
				log_warnx("unexpected argument \"%s\" (files "
				    "to read follow -r)", optarg);
				usage(stderr, EXIT_USAGE);
			}
			o.files[o.nfiles++] = optarg;
			break;
		case 'i':
			o.ifaces[o.nifaces++] = optarg;
			break;
		case 'c':
			o.conf = optarg;
			break;
		case 'n':
			o.check = true;
			break;
		case 'D':
			o.daemonize = true;
			break;
		case 'p':
			o.pidfile = optarg;
			break;
		case 'u':
			o.user = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "json") != 0 &&
			    strcmp(optarg, "text") != 0) {
				log_warnx("--format: \"%s\": expected json "
				    "or text", optarg);
				usage(stderr, EXIT_USAGE);
			}
			o.format = optarg;
			break;
		case 'o':
			o.output = optarg;
			break;
		case 'F':
			if (config_parse_floor(optarg, &fl) != 0) {
				log_warnx("--floor: \"%s\": expected 1.0, "
				    "1.1, 1.2 or 1.3", optarg);
				usage(stderr, EXIT_USAGE);
			}
			o.floor = optarg;
			break;
		case 'P':
			if (config_set_port(probe, optarg) != 0) {
				log_warnx("--port: \"%s\": expected "
				    "pop3|imap|smtp:PORT[:implicit]", optarg);
				usage(stderr, EXIT_USAGE);
			}
			o.ports[o.nports++] = optarg;
			break;
		case 'A':
			o.all_tls = true;
			break;
		case 'M':
			if (config_parse_size(optarg, 1, UINT32_MAX,
			    &o.max_flows) != 0) {
				log_warnx("--max-flows: \"%s\": expected a "
				    "number of flows", optarg);
				usage(stderr, EXIT_USAGE);
			}
			break;
		case 'm':
			if (config_parse_size(optarg, 1u << 20, SIZE_MAX,
			    &o.memcap) != 0) {
				log_warnx("--memcap: \"%s\": expected bytes "
				    "(k, M, G suffixes), at least 1M", optarg);
				usage(stderr, EXIT_USAGE);
			}
			break;
		case 'I':
			o.inventory = optarg;
			break;
		case 'B':
			o.inventory_db = optarg;
			break;
		case 'S':
			if (*optarg == '\0' || strlen(optarg) > 255) {
				log_warnx("--sensor: expected a name of 1 to "
				    "255 bytes");
				usage(stderr, EXIT_USAGE);
			}
			o.sensor = optarg;
			break;
		case 'X':
			o.metrics = optarg;
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 'v':
			o.verbose++;
			break;
		case 'V':
			printf("tlsfloor %s (%s; nDPI %s)\n", TLSFLOOR_VERSION,
			    "libpcap", classify_ndpi_version());
			exit(0);
		case 'h':
			usage(stdout, 0);
		default:	/* getopt_long has said what was wrong */
			usage(stderr, EXIT_USAGE);
		}
	}
	config_free(probe);
	if (optind < argc) {
		log_warnx("unexpected argument \"%s\"", argv[optind]);
		usage(stderr, EXIT_USAGE);
	}
	log_init("tlsfloor", o.verbose);
	/* A service that cannot start says why in the journal or syslog. */
	if (o.daemonize || getenv("INVOCATION_ID") != NULL)
		log_also_syslog("tlsfloor", LOG_DAEMON, true);
	if (o.nfiles > 0 && o.nifaces > 0) {
		log_warnx("-r and -i cannot be used together");
		usage(stderr, EXIT_USAGE);
	}

	if ((cfg = configure(&o, err, sizeof(err))) == NULL) {
		log_warnx("%s", err);
		overrides_free(&o);
		return 1;
	}
	/* What we create (outputs, inventory, pidfile) is ours alone
	 * unless daemon.umask says otherwise. */
	umask((mode_t)cfg->umask);
	/* -n and the start ask the same questions (preflight.c). */
	pa.nfiles = o.nfiles;
	pa.conf = o.conf;
	pa.inventory = o.inventory;
	if ((status = preflight(cfg, &pa, err, sizeof(err))) !=
	    PREFLIGHT_OK) {
		log_warnx("%s", err);
		config_free(cfg);
		overrides_free(&o);
		return status;
	}
	if (o.check) {
		printf("%s: configuration ok\n", o.conf ? o.conf : "defaults");
		config_free(cfg);
		overrides_free(&o);
		return 0;
	}
	live = o.nfiles == 0 && cfg->ninterfaces > 0;

	if (daemon_signals(capture_breakloop) == -1)
		fatal("sigaction");
	/* Live: a second instance stops here, before it opens anything;
	 * the user to become must exist before we detach. */
	if (live) {
		if (cfg->pidfile != NULL && (o.pidfile != NULL ||
		    o.daemonize || geteuid() == 0) &&
		    daemon_pidfile(cfg->pidfile, cfg, err, sizeof(err)) != 0)
			fatalx("%s", err);
	}
	verdict_init(cfg);
	verdict_expiring_exceptions(time(NULL));
	if (cfg->inventory_db != NULL && open_store(&o, cfg, live, err,
	    sizeof(err)) != 0)
		fatalx("%s", err);
	if (output_open(cfg, o.inventory, err, sizeof(err)) != 0)
		fatalx("%s", err);
	if (cfg->metrics_path != NULL &&
	    metrics_open(cfg->metrics_path, err, sizeof(err)) != 0)
		fatalx("%s", err);
	if (flow_init(cfg) != 0)
		fatal("flow table");
	if (dns_init(0) != 0)
		fatal("dns cache");
	if (cfg->dpi_enabled && classify_init() != 0)
		fatalx("nDPI would not start");

	if (!live) {
		files_cfg = cfg;
		status = run_files(&o);
	} else {
		uid_t	uid;
		gid_t	gid;

		for (ncaps = 0; ncaps < cfg->workers; ncaps++)
			if ((caps[ncaps] = capture_live_open(cfg, ncaps,
			    cfg->workers, err, sizeof(err))) == NULL)
				fatalx("%s", err);
		if (daemon_target(cfg, &uid, &gid) == 0)
			output_handover(uid, gid);
		if (o.daemonize) {
			if (daemon_detach() == -1)
				fatal("detach");
			log_to_syslog(cfg->syslog_ident,
			    cfg->syslog_facility);
		}
		if (daemon_pidfile_write() != 0)
			fatal("pidfile");
		if (daemon_drop(cfg, true, err, sizeof(err)) != 0)
			fatalx("%s", err);
		/* Before the workers start: they inherit the filter. */
		if (cfg->seccomp && sandbox_enter(err, sizeof(err)) != 0)
			fatalx("%s", err);
		if (ncaps > 1 && workers_start(caps, ncaps, cfg, err,
		    sizeof(err)) != 0)
			fatalx("%s", err);
		notify_start(cfg);
		notify("READY=1", NULL);
		log_info("running");
		log_also_syslog(NULL, 0, false);
		status = run_live(&o, &cfg);
		notify("STOPPING=1", "stopping");
	}

	defrag_fini();		/* datagrams still missing fragments */
	flow_fini();
	verdict_flush();
	dns_fini();
	classify_fini();
	/* the collectors' queues flushed (or given up) first, so that the
	 * final stats event accounts for every event sent them */
	output_drain(OUTPUT_DRAIN_MS);
	if (live) {
		ncs = live_capstats(cs);
		output_stats(daemon_now(), cs, ncs);
	} else if (o.conf != NULL && cfg->stats_interval > 0)
		output_stats(daemon_now(), NULL, 0);
	if (output_close() != 0 && status == 0)
		status = EXIT_INPUT;
	/* After output_close(): the collectors' last drops are known. */
	metrics_write(cfg, daemon_now(), cs, ncs);
	metrics_close();
	for (w = 0; w < ncaps; w++)
		capture_live_close(caps[w]);
	verdict_report_exceptions();
	if (!o.quiet) {
		stats_summary(stderr, "tlsfloor");
		if (!live)
			no_mail_hint();
	}
	if (o.verbose) {
		fputs("tlsfloor: counters:\n", stderr);
		stats_dump(stderr);
	}
	daemon_pidfile_remove();
	config_free(cfg);
	overrides_free(&o);
	return status;
}
