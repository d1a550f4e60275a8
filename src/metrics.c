/*
 * metrics.c -- the counters as a Prometheus text file.
 *
 * Receives nothing from the pipeline: at every stats interval and at exit
 * the run loop calls metrics_write(), which reads the counter registry
 * (stats.h), the capture drop counts it is handed, the collectors'
 * counts (output_remotes()) and the exceptions of the configuration, and
 * writes them in the Prometheus text exposition format 0.0.4 to a
 * temporary file beside the target, fsync()s it and rename()s it over the
 * target: node_exporter's textfile collector (and anyone else) sees the
 * old file or the new one, never half of one.
 *
 * Every counter of stats.h appears without anything to add here:
 *
 *   capture.packets        tlsfloor_capture_packets_total
 *   session.reason.ok      tlsfloor_sessions_total{reason="ok"}
 *
 * a counter is named tlsfloor_<its dotted name, dots as _>_total, unless
 * its name starts with a prefix of families[], which folds a group of
 * counters into one metric with a label.  helps[] gives some a better HELP
 * line than the default.  Label values are escaped as the format says
 * (backslash, double quote, newline).
 *
 * It does not serve HTTP, keep history, or reset anything.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "classify.h"
#include "config.h"
#include "log.h"
#include "metrics.h"
#include "output.h"
#include "stats.h"

/* Counters folded into one labelled metric, by the prefix of their name. */
static const struct family {
	const char	*prefix;	/* the counter is prefix + label value */
	const char	*metric;
	const char	*label;
	const char	*help;
} families[] = {
	{ "session.reason.", "tlsfloor_sessions_total", "reason",
	    "Sessions judged, by reason (the end-of-run summary's figures)." },
	{ "session.outcome.", "tlsfloor_session_outcomes_total", "outcome",
	    "Sessions judged, by how the handshake ended." },
	{ "decode.skip.", "tlsfloor_packets_skipped_total", "reason",
	    "Packets not analysed, by reason." },
	{ "decode.link.", "tlsfloor_packets_link_total", "link",
	    "Packets decoded, by link type." },
	{ "decode.encap.", "tlsfloor_packets_encapsulated_total",
	    "encapsulation", "Packets decoded, by encapsulation." },
};

/* HELP lines better than the default "Counter NAME ..." one. */
static const struct {
	enum stat_id	 id;
	const char	*help;
} helps[] = {
	{ STAT_PKTS, "Packets read (live: every interface)." },
	{ STAT_BYTES, "Bytes of the packets read." },
	{ STAT_FLOW_CREATED, "TCP flows tracked." },
	{ STAT_FLOW_EVICTED,
	    "Flows evicted to stay within limits.max_flows or limits.memcap." },
	{ STAT_SESSIONS, "Sessions judged." },
	{ STAT_OUT_REMOTE_DROPPED,
	    "Events dropped by the remote outputs, all collectors." },
	{ STAT_METRICS_WRITES, "Metrics files written before this one." },
};

static int	 mdir = -1;	/* the target's directory */
static char	*mbase;		/* owned: the target's name in it */
static char	*mtmp;		/* owned: ".NAME.tmp" in it */
static char	*mpath;		/* owned: as configured, for messages */
static uint64_t	 mstart;	/* us, wall clock of metrics_open() */
static bool	 mwarned;	/* the last write failed and said so */

static void	put_help(FILE *, const char *, const char *, const char *);
static void	metric_name(char *, size_t, const char *);
static const struct family *family_of(const char *);
static void	put_counters(FILE *);
static void	remote_counter(FILE *, const struct metrics_in *, const char *,
		    const char *, size_t);

/* A label value: \ " and newline escaped, as the format requires. */
void
metrics_label(FILE *fp, const char *v)
{
	for (; *v != '\0'; v++)
		switch (*v) {
		case '\\':
			fputs("\\\\", fp);
			break;
		case '"':
			fputs("\\\"", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		default:
			fputc(*v, fp);
		}
}

/* "# HELP" (\ and newline escaped) and "# TYPE" lines of a metric. */
static void
put_help(FILE *fp, const char *metric, const char *type, const char *help)
{
	fprintf(fp, "# HELP %s ", metric);
	for (; *help != '\0'; help++)
		if (*help == '\\')
			fputs("\\\\", fp);
		else if (*help == '\n')
			fputs("\\n", fp);
		else
			fputc(*help, fp);
	fprintf(fp, "\n# TYPE %s %s\n", metric, type);
}

/* tlsfloor_<name>_total into buf: what is not [a-z0-9_] becomes _. */
static void
metric_name(char *buf, size_t len, const char *name)
{
	size_t	o;

	o = (size_t)snprintf(buf, len, "tlsfloor_");
	for (; *name != '\0' && o + 1 < len; name++)
		buf[o++] = (*name >= 'a' && *name <= 'z') || (*name >= '0' &&
		    *name <= '9') || *name == '_' ? *name : '_';
	buf[o] = '\0';
	/* session.total: tlsfloor_session_total, not ..._total_total */
	if (o < 6 || strcmp(buf + o - 6, "_total") != 0)
		snprintf(buf + o, len - o, "_total");
}

/* One count of the remote outputs (off: its place in struct
 * output_remotestat), a series per output. */
static void
remote_counter(FILE *fp, const struct metrics_in *in, const char *what,
    const char *help, size_t off)
{
	char		metric[64];
	uint64_t	v;
	size_t		i;

	snprintf(metric, sizeof(metric), "tlsfloor_remote_%s_total", what);
	put_help(fp, metric, "counter", help);
	for (i = 0; i < in->nrem; i++) {
		memcpy(&v, (const char *)&in->rem[i] + off, sizeof(v));
		fprintf(fp, "%s{output=\"", metric);
		metrics_label(fp, in->rem[i].name);
		fprintf(fp, "\"} %" PRIu64 "\n", v);
	}
}

static const struct family *
family_of(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		if (strncmp(name, families[i].prefix,
		    strlen(families[i].prefix)) == 0)
			return &families[i];
	return NULL;
}

/* Every counter of the registry, in its order; a family where its first
 * member is. */
static void
put_counters(FILE *fp)
{
	const struct family	*f;
	const char		*name, *help;
	char			 metric[128], dflt[160];
	size_t			 h, plen;
	int			 i, j;

	for (i = 0; i < STAT_MAX; i++) {
		name = stats_name((enum stat_id)i);
		if ((f = family_of(name)) != NULL) {
			for (j = 0; j < i; j++)
				if (family_of(stats_name((enum stat_id)j)) ==
				    f)
					break;
			if (j < i)
				continue;	/* written with its first */
			put_help(fp, f->metric, "counter", f->help);
			plen = strlen(f->prefix);
			for (j = i; j < STAT_MAX; j++) {
				name = stats_name((enum stat_id)j);
				if (family_of(name) != f)
					continue;
				fprintf(fp, "%s{%s=\"", f->metric, f->label);
				metrics_label(fp, name + plen);
				fprintf(fp, "\"} %" PRIu64 "\n", stats[j]);
			}
			continue;
		}
		help = NULL;
		for (h = 0; h < sizeof(helps) / sizeof(helps[0]); h++)
			if (helps[h].id == (enum stat_id)i)
				help = helps[h].help;
		if (help == NULL) {
			snprintf(dflt, sizeof(dflt), "Counter %s of the stats "
			    "event (tlsfloor -v lists them).", name);
			help = dflt;
		}
		metric_name(metric, sizeof(metric), name);
		put_help(fp, metric, "counter", help);
		fprintf(fp, "%s %" PRIu64 "\n", metric, stats[i]);
	}
}

/* The whole file: counters, per interface, per collector, gauges. */
void
metrics_render(FILE *fp, const struct metrics_in *in)
{
	size_t	i, n = 0;
	time_t	t = (time_t)(in->now_us / 1000000u);

	put_counters(fp);
	if (in->ncap > 0) {
		static const struct {
			const char *metric, *help;
			size_t off;
		} capm[] = {
			{ "tlsfloor_capture_received_total",
			    "Packets the kernel passed the filter, by interface.",
			    offsetof(struct output_capstat, received) },
			{ "tlsfloor_capture_dropped_total",
			    "Packets dropped for want of kernel buffer, by "
			    "interface.", offsetof(struct output_capstat,
			    dropped) },
			{ "tlsfloor_capture_interface_dropped_total",
			    "Packets dropped by the interface or its driver.",
			    offsetof(struct output_capstat, if_dropped) },
		};
		size_t	k;

		for (k = 0; k < sizeof(capm) / sizeof(capm[0]); k++) {
			put_help(fp, capm[k].metric, "counter", capm[k].help);
			for (i = 0; i < in->ncap; i++) {
				uint64_t v;

				memcpy(&v, (const char *)&in->cap[i] +
				    capm[k].off, sizeof(v));
				fprintf(fp, "%s{interface=\"", capm[k].metric);
				metrics_label(fp, in->cap[i].name != NULL ?
				    in->cap[i].name : "");
				fprintf(fp, "\"} %" PRIu64 "\n", v);
			}
		}
	}
	if (in->nrem > 0) {
		remote_counter(fp, in, "sent", "Events a remote output "
		    "delivered (UDP: no error came back; TCP/TLS: written; "
		    "RELP: see acknowledged), by output.", offsetof(struct output_remotestat, sent));
		remote_counter(fp, in, "acknowledged", "Events a RELP "
		    "collector acknowledged, by output.", offsetof(struct output_remotestat, acknowledged));
		remote_counter(fp, in, "dropped", "Events a remote output "
		    "dropped before queueing them (queue full, too large), "
		    "by output.", offsetof(struct output_remotestat, dropped));
		remote_counter(fp, in, "failed", "Events a remote output "
		    "queued and then gave up or lost to an error, by "
		    "output.", offsetof(struct output_remotestat, failed));
		put_help(fp, "tlsfloor_remote_queued", "gauge",
		    "Events waiting for a remote output, by output.");
		for (i = 0; i < in->nrem; i++) {
			fputs("tlsfloor_remote_queued{output=\"", fp);
			metrics_label(fp, in->rem[i].name);
			fprintf(fp, "\"} %" PRIu64 "\n", in->rem[i].queued);
		}
	}
	for (i = 0; in->cfg != NULL && i < in->cfg->nexceptions; i++)
		if (config_exception_expiring(&in->cfg->exceptions[i], t))
			n++;
	put_help(fp, "tlsfloor_exceptions_expiring", "gauge",
	    "Live exceptions whose last day is within 14 days.");
	fprintf(fp, "tlsfloor_exceptions_expiring %zu\n", n);
	put_help(fp, "tlsfloor_build_info", "gauge",
	    "The tlsfloor version and the nDPI it runs with; always 1.");
	fputs("tlsfloor_build_info{version=\"", fp);
	metrics_label(fp, TLSFLOOR_VERSION);
	fputs("\",ndpi=\"", fp);
	metrics_label(fp, classify_ndpi_version());
	fputs("\"} 1\n", fp);
	put_help(fp, "tlsfloor_start_time_seconds", "gauge",
	    "When tlsfloor started, in seconds since 1970 (UTC).");
	fprintf(fp, "tlsfloor_start_time_seconds %" PRIu64 "\n",
	    in->start_us / 1000000u);
}

/* The path names a file (tlsfloor -n asks this too). */
int
metrics_check(const char *path, char *err, size_t errlen)
{
	const char	*slash = strrchr(path, '/');

	if ((slash != NULL ? slash[1] : path[0]) == '\0' ||
	    strcmp(slash != NULL ? slash + 1 : path, ".") == 0 ||
	    strcmp(slash != NULL ? slash + 1 : path, "..") == 0) {
		snprintf(err, errlen, "stats.metrics_path %s: names a "
		    "directory, not a file", path);
		return -1;
	}
	return 0;
}

/*
 * Keep the directory open (writes work after a chroot and cannot be sent
 * elsewhere by a symlinked directory later); the file itself is made
 * fresh at each write.
 */
int
metrics_open(const char *path, char *err, size_t errlen)
{
	struct timespec	 ts;
	const char	*slash = strrchr(path, '/');
	char		*dir = NULL;
	size_t		 n;

	metrics_close();
	if (metrics_check(path, err, errlen) != 0)
		return -1;
	n = slash == NULL ? 1 : slash == path ? 1 : (size_t)(slash - path);
	if ((dir = strndup(slash == NULL ? "." : path, n)) == NULL ||
	    (mpath = strdup(path)) == NULL ||
	    (mbase = strdup(slash != NULL ? slash + 1 : path)) == NULL ||
	    (mtmp = malloc(strlen(mbase) + 6)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	snprintf(mtmp, strlen(mbase) + 6, ".%s.tmp", mbase);
	if ((mdir = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "stats.metrics_path %s: %s: %s", path,
		    dir, strerror(errno));
		goto fail;
	}
	free(dir);
	clock_gettime(CLOCK_REALTIME, &ts);
	mstart = (uint64_t)ts.tv_sec * 1000000u +
	    (uint64_t)ts.tv_nsec / 1000u;
	return 0;
fail:
	free(dir);
	metrics_close();
	return -1;
}

bool
metrics_enabled(void)
{
	return mdir != -1;
}

const char *
metrics_path(void)
{
	return mpath;
}

/*
 * Write the file now: a fresh temporary file (whatever was left there is
 * removed first, O_EXCL and O_NOFOLLOW: no symlink is followed), mode 0644
 * whatever the umask (node_exporter runs as another user), fsync, rename.
 * A failure is logged once until a write succeeds again, and counted.
 */
void
metrics_write(const struct config *cfg, uint64_t now,
    const struct output_capstat *cap, size_t ncap)
{
	struct output_remotestat rem[2 * CONFIG_MAX_REMOTES];
	struct metrics_in	 in;
	FILE			*fp = NULL;
	int			 fd, e;

	if (mdir == -1)
		return;
	memset(&in, 0, sizeof(in));
	in.cfg = cfg;
	in.now_us = now;
	in.start_us = mstart;
	in.cap = cap;
	in.ncap = ncap;
	in.rem = rem;
	in.nrem = output_remotes(rem, sizeof(rem) / sizeof(rem[0]));

	(void)unlinkat(mdir, mtmp, 0);
	if ((fd = openat(mdir, mtmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0644)) == -1)
		goto fail;
	if (fchmod(fd, 0644) == -1 || (fp = fdopen(fd, "w")) == NULL) {
		e = errno;
		close(fd);
		errno = e;
		goto fail_unlink;
	}
	metrics_render(fp, &in);
	if (fflush(fp) != 0 || ferror(fp) || fsync(fileno(fp)) == -1) {
		e = errno;
		fclose(fp);
		errno = e;
		goto fail_unlink;
	}
	if (fclose(fp) != 0)
		goto fail_unlink;
	if (renameat(mdir, mtmp, mdir, mbase) == -1)
		goto fail_unlink;
	STAT_INC(METRICS_WRITES);
	if (mwarned)
		log_warnx("%s: written again", mpath);
	mwarned = false;
	return;
fail_unlink:
	e = errno;
	(void)unlinkat(mdir, mtmp, 0);
	errno = e;
fail:
	STAT_INC(METRICS_ERRORS);
	if (!mwarned)
		log_warn("%s: cannot write the metrics (stats.metrics_path)",
		    mpath);
	mwarned = true;
}

void
metrics_close(void)
{
	if (mdir != -1)
		close(mdir);
	mdir = -1;
	free(mbase);
	free(mtmp);
	free(mpath);
	mbase = mtmp = mpath = NULL;
	mwarned = false;
}
