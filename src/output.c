/*
 * output.c -- pipeline stage 8: route events to the configured sinks.
 *
 * Receives judged sessions from verdict.c (output_session), summaries of
 * de-duplicated alerts (output_summary), and the periodic stats and
 * inventory from the run loop; builds each event once and hands it to
 * every sink that wants it:
 *
 *   json    JSON Lines to a file or stdout; event types by outputs.json.events
 *   text    one human line per session (and per alert summary)
 *   syslog  syslog(3): alerts, summaries, stats, sessions under an
 *           exception (notice) and, if asked, ok sessions (info)
 *   remote  the same to SIEM collectors (RFC 5424 or CEF; UDP, TCP, TLS
 *           or RELP), queued and never blocking (output_syslog.c)
 *
 * and keeps the client inventory (inventory.c).  Files are reopened by
 * output_reconfigure() (SIGHUP), so logrotate works.  A write error is
 * reported once and counted; the analysis goes on.
 *
 * With capture workers (capture.workers > 1) the outputs, the alert
 * windows and the inventory are shared: every caller holds output_lock(),
 * taken once per finished session or timer, never per packet.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "fields.h"
#include "config.h"
#include "dns.h"
#include "fingerprint.h"
#include "session.h"
#include "hints.h"
#include "inventory.h"
#include "classify.h"
#include "caps.h"
#include "log.h"
#include "output.h"
#include "output_json.h"
#include "output_text.h"
#include "output_syslog.h"
#include "stats.h"
#include "store.h"
#include "tls.h"

enum sink_kind {
	SINK_JSON,
	SINK_TEXT,
	SINK_SYSLOG,
	SINK_REMOTE,
};

/*
 * A file sink's descriptor and its buffer of whole events.  Events are
 * appended whole and written with write(2) from the buffer, so the file
 * never ends in half an event: when a write stops short (a full disk), the
 * part of an event it wrote is cut off again (ftruncate) and the events
 * not written stay in the buffer until a later write succeeds; events that
 * do not fit meanwhile are lost and counted.  Where nothing can be cut off
 * (a pipe, a terminal), the rest of the event is written first instead.
 * Each such episode is reported when it starts and when writing resumes.
 */
struct ofile {
	int		 fd;
	char		*path;		/* owned; NULL is stdout */
	bool		 owned;		/* ours to close (not stdout) */
	bool		 regular;	/* a regular file: can be cut back */
	char		*buf;		/* owned: whole events, then a tail */
	size_t		 len, cap;	/* bytes waiting, allocated */
	bool		 failing;	/* in a write-error episode */
	uint64_t	 lost;		/* events lost in this episode */
	uint64_t	 lost_all;	/* and in the whole run */
};

#define OFILE_BUF	(64 * 1024)	/* bytes held before a write */

struct sink {
	enum sink_kind	 kind;
	struct ofile	*of;		/* json, text: owned */
	uint32_t	 events;	/* CONFIG_EV_* (json) */
	struct remote	*remote;	/* remote */
	struct config_remote rcfg;	/* remote: what it was opened with */
};

#define MAX_SINKS	(3 + CONFIG_MAX_REMOTES)

static pthread_mutex_t		 out_mtx = PTHREAD_MUTEX_INITIALIZER;
static bool			 out_threaded;

static struct sink		 sinks[MAX_SINKS];
static int			 nsinks;
static const struct config	*ocfg;
static struct inventory		*inv;
static char			*inv_path;	/* owned */
static uint64_t			 inv_next;	/* us: next periodic write */
static bool			 out_flush;
/* Collectors closed at exit, for the last metrics (output_remotes()). */
static struct {
	char		 name[300];
	struct remote_counts c;
}				 closed[CONFIG_MAX_REMOTES];
static size_t			 nclosed;
static uint64_t			 drain_deadline;	/* us, monotonic */

static void	remotestat_fill(struct output_remotestat *, const char *,
		    const struct remote_counts *);
static int	sink_open_file(struct sink *, const char *, char *, size_t);
static bool	sink_keep_old(struct sink *, const char *, struct sink *, int);
static int	sink_close(struct sink *, bool);
static void	sinks_open(const struct config *, struct sink *, int *,
		    struct sink *, int, char *, size_t, int *);
static bool	sink_wants(const struct sink *, enum ev_type,
		    const struct verdict *);
static void	emit(enum ev_type, const struct conn *, const struct verdict *,
		    const struct alert_summary *, const struct fp_set *,
		    json_t *, uint64_t);
static void	inv_add(const struct conn *, const struct verdict *,
		    const struct fp_set *);

/* --- sinks -------------------------------------------------------------- */

/*
 * An output file, opened (usually as root, before the privilege drop) so
 * that nothing the daemon user could plant in the directory turns the
 * open against another file: a symbolic link is not followed
 * (O_NOFOLLOW), a FIFO does not block the open (O_NONBLOCK) and, like a
 * socket or a directory, is refused, and so is a regular file with other
 * hard links (it might be /etc/shadow).  A character device (/dev/null)
 * is accepted but never handed over.
 */
static int
sink_open_file(struct sink *s, const char *path, char *err, size_t errlen)
{
	struct ofile	*of;
	struct stat	 st;
	int		 fd, fl;

	if ((of = calloc(1, sizeof(*of))) == NULL ||
	    (of->buf = malloc(OFILE_BUF)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path ? path : "-");
		free(of);
		return -1;
	}
	of->cap = OFILE_BUF;
	if (path == NULL || strcmp(path, "-") == 0) {
		of->fd = STDOUT_FILENO;
		of->regular = fstat(of->fd, &st) == 0 && S_ISREG(st.st_mode);
		s->of = of;
		return 0;
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW |
	    O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0666);
	if (fd == -1 && errno == ENXIO) {	/* a FIFO nobody reads */
		snprintf(err, errlen, "%s: not a regular file; refusing to "
		    "write events to it", path);
		goto fail;
	}
	if (fd == -1) {
		snprintf(err, errlen, "%s: cannot open for appending: %s%s",
		    path, strerror(errno), errno == ELOOP ? " (a symbolic "
		    "link: refusing to follow it)" : "");
		goto fail;
	}
	if (fstat(fd, &st) == -1 || !(S_ISREG(st.st_mode) ||
	    S_ISCHR(st.st_mode))) {
		snprintf(err, errlen, "%s: not a regular file; refusing to "
		    "write events to it", path);
		goto fail;
	}
	if (S_ISREG(st.st_mode) && st.st_nlink != 1) {
		snprintf(err, errlen, "%s: has %lu hard links; refusing to "
		    "write events to it", path, (unsigned long)st.st_nlink);
		goto fail;
	}
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1 ||
	    (of->path = strdup(path)) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	of->fd = fd;
	of->owned = true;
	of->regular = S_ISREG(st.st_mode);
	s->of = of;
	return 0;
fail:
	if (fd != -1)
		close(fd);
	free(of->buf);
	free(of);
	return -1;
}

static const char *
ofile_name(const struct ofile *of)
{
	return of->path != NULL ? of->path : "stdout";
}

/*
 * Write what the buffer holds.  0 when all of it went out; -1 when a
 * write failed: the file is cut back to the end of the last whole event
 * written (or, if it cannot be cut, the tail of the torn event is kept to
 * be written first), and the rest waits in the buffer.
 */
static int
ofile_flush(struct ofile *of)
{
	size_t	off = 0, keep;
	ssize_t	n;
	off_t	end;
	int	e = 0;

	while (off < of->len) {
		n = write(of->fd, of->buf + off, of->len - off);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		e = n == 0 ? EIO : errno;
		break;
	}
	if (off == of->len) {
		of->len = 0;
		if (of->failing) {
			log_warnx("%s: writing again; %llu events were lost",
			    ofile_name(of), (unsigned long long)of->lost);
			of->failing = false;
			of->lost = 0;
		}
		return 0;
	}
	/* The start of the torn event: after the last newline written. */
	keep = off;
	while (keep > 0 && of->buf[keep - 1] != '\n')
		keep--;
	if (keep < off && of->regular &&
	    ((end = lseek(of->fd, 0, SEEK_END)) == -1 ||
	    ftruncate(of->fd, end - (off_t)(off - keep)) == -1))
		keep = off;		/* cannot cut: finish it instead */
	else if (keep < off && !of->regular)
		keep = off;
	memmove(of->buf, of->buf + keep, of->len - keep);
	of->len -= keep;
	if (!of->failing) {
		errno = e;
		log_warn("%s: write (events are held back, and lost once "
		    "%u KiB wait, until writing works again)", ofile_name(of),
		    OFILE_BUF / 1024);
		of->failing = true;
	}
	STAT_INC(OUT_ERRORS);
	return -1;
}

/*
 * One whole event, a line: into the buffer (written when it fills, or now
 * when every event must reach the file at once), or lost and counted when
 * the buffer is full of events a failing write left there.
 */
static void
ofile_put(struct ofile *of, const char *p, size_t n)
{
	char	*nb;

	if (of->len + n + 1 > of->cap)
		(void)ofile_flush(of);
	if (of->len + n + 1 > of->cap && of->len == 0) {
		/* one event larger than the buffer: room for it alone */
		if ((nb = realloc(of->buf, n + 1)) != NULL) {
			of->buf = nb;
			of->cap = n + 1;
		}
	}
	if (of->len + n + 1 > of->cap) {
		of->lost++;
		of->lost_all++;
		STAT_INC(OUT_LOST);
		return;
	}
	memcpy(of->buf + of->len, p, n);
	of->buf[of->len + n] = '\n';
	of->len += n + 1;
	if (out_flush)
		(void)ofile_flush(of);
}

/* Flushed and closed; -1 if an event was lost on the way. */
static int
ofile_close(struct ofile *of)
{
	int	rc = 0;

	if (of == NULL)
		return 0;
	if (of->len > 0 && ofile_flush(of) != 0) {
		log_warnx("%s: %zu bytes of events could not be written",
		    ofile_name(of), of->len);
		rc = -1;
	}
	if (of->lost_all > 0)
		rc = -1;
	if (of->owned)
		close(of->fd);
	free(of->path);
	free(of->buf);
	free(of);
	return rc;
}

static int
sink_close(struct sink *s, bool final)
{
	int	rc = 0;

	switch (s->kind) {
	case SINK_JSON:
	case SINK_TEXT:
		rc = ofile_close(s->of);
		s->of = NULL;
		break;
	case SINK_SYSLOG:
		syslog_local_close();
		break;
	case SINK_REMOTE:
		/* At exit output_drain() has waited for the collector; on
		 * reload a dropped collector must not stall the capture:
		 * what it still holds is counted failed.  At exit its counts
		 * are kept for the last metrics (output_remotes()). */
		if (final && s->remote != NULL && nclosed < CONFIG_MAX_REMOTES) {
			snprintf(closed[nclosed].name, sizeof(closed[0].name),
			    "%s", remote_name(s->remote));
			/* what it still holds is failed once closed */
			remote_counts(s->remote, &closed[nclosed].c);
			closed[nclosed].c.failed += closed[nclosed].c.queued;
			closed[nclosed].c.queued = 0;
			(void)remote_close(s->remote, 0);
			nclosed++;
		} else
			(void)remote_close(s->remote, 0);
		s->remote = NULL;
		config_remote_free(&s->rcfg);
		memset(&s->rcfg, 0, sizeof(s->rcfg));
		break;
	}
	return rc;
}

/*
 * A file could not be reopened on reload (the directory is not writable by
 * the daemon user, say): go on writing to the old one rather than lose
 * every event.  The error is still reported.
 */
static bool
sink_keep_old(struct sink *s, const char *path, struct sink *old, int nold)
{
	int	j;

	for (j = 0; j < nold; j++)
		if (old[j].kind == s->kind && old[j].of != NULL &&
		    old[j].of->path != NULL && path != NULL &&
		    strcmp(old[j].of->path, path) == 0) {
			s->of = old[j].of;
			old[j].of = NULL;
			log_warnx("%s: still writing to the file open before "
			    "the reload", path);
			return true;
		}
	return false;
}

static bool
same_str(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

static bool
same_remote(const struct config_remote *a, const struct config_remote *b)
{
	return strcmp(a->host, b->host) == 0 && a->port == b->port &&
	    a->transport == b->transport && a->format == b->format &&
	    a->queue == b->queue &&
	    a->max_message_size == b->max_message_size &&
	    same_str(a->sd_id, b->sd_id) && same_str(a->ca_file, b->ca_file) &&
	    same_str(a->server_name, b->server_name) &&
	    same_str(a->cert_file, b->cert_file) &&
	    same_str(a->key_file, b->key_file);
}

/* A copy of a remote entry that outlives its configuration. */
static int
rcfg_copy(struct config_remote *to, const struct config_remote *from)
{
	*to = *from;
	to->host = to->sd_id = to->ca_file = to->server_name =
	    to->cert_file = to->key_file = NULL;
#define DUP(f)	if (from->f != NULL && (to->f = strdup(from->f)) == NULL) \
		goto fail
	DUP(host);
	DUP(sd_id);
	DUP(ca_file);
	DUP(server_name);
	DUP(cert_file);
	DUP(key_file);
#undef DUP
	return 0;
fail:
	config_remote_free(to);
	return -1;
}

/*
 * The sinks cfg asks for, into out[].  A remote that old[] already has
 * with the same settings is taken over with its queue and connection
 * (reload must not drop what is waiting); *taken marks those.
 */
static void
sinks_open(const struct config *cfg, struct sink *out, int *nout,
    struct sink *old, int nold, char *err, size_t errlen, int *rc)
{
	struct sink	*s;
	size_t		 i;
	int		 j;

	*nout = 0;
	if (cfg->json_enabled) {
		s = &out[(*nout)++];
		memset(s, 0, sizeof(*s));
		s->kind = SINK_JSON;
		s->events = cfg->json_events;
		if (sink_open_file(s, cfg->json_path, err, errlen) != 0 &&
		    !sink_keep_old(s, cfg->json_path, old, nold)) {
			(*nout)--;
			*rc = -1;
		}
	}
	if (cfg->text_enabled) {
		s = &out[(*nout)++];
		memset(s, 0, sizeof(*s));
		s->kind = SINK_TEXT;
		if (sink_open_file(s, cfg->text_path, err, errlen) != 0 &&
		    !sink_keep_old(s, cfg->text_path, old, nold)) {
			(*nout)--;
			*rc = -1;
		}
	}
	if (cfg->syslog_enabled) {
		s = &out[(*nout)++];
		memset(s, 0, sizeof(*s));
		s->kind = SINK_SYSLOG;
		syslog_local_open(cfg);
	}
	for (i = 0; i < cfg->nremotes; i++) {
		s = &out[(*nout)++];
		memset(s, 0, sizeof(*s));
		s->kind = SINK_REMOTE;
		for (j = 0; j < nold; j++)
			if (old[j].kind == SINK_REMOTE && old[j].remote &&
			    same_remote(&old[j].rcfg, &cfg->remotes[i])) {
				s->remote = old[j].remote;
				s->rcfg = old[j].rcfg;
				old[j].remote = NULL;
				memset(&old[j].rcfg, 0, sizeof(old[j].rcfg));
				break;
			}
		if (s->remote != NULL) {
			/* TLS files renewed on disk are taken now */
			if (remote_refresh(s->remote, &cfg->remotes[i], err,
			    errlen) != 0)
				*rc = -1;
			continue;
		}
		if (rcfg_copy(&s->rcfg, &cfg->remotes[i]) != 0) {
			snprintf(err, errlen, "remote %s: out of memory",
			    cfg->remotes[i].host);
			(*nout)--;
			*rc = -1;
		} else if ((s->remote = remote_open(&cfg->remotes[i],
		    cfg->syslog_ident, cfg->syslog_facility, err,
		    errlen)) == NULL) {
			config_remote_free(&s->rcfg);
			(*nout)--;
			*rc = -1;
		}
	}
}

int
output_open(const struct config *cfg, const char *inventory_path, char *err,
    size_t errlen)
{
	int	rc = 0, i;

	ocfg = cfg;
	out_flush = cfg->out_flush;
	oj_set_observer(cfg->sensor_name);
	oj_set_config(cfg);
	oj_init_host();		/* once, before any sandbox */
	sinks_open(cfg, sinks, &nsinks, NULL, 0, err, errlen, &rc);
	/* start-up, before a chroot: collectors' names looked up once */
	for (i = 0; i < nsinks; i++)
		if (sinks[i].kind == SINK_REMOTE)
			remote_prime(sinks[i].remote);
	if (inventory_path == NULL)
		inventory_path = cfg->inventory_path;
	/* With a store (inventory.db) the inventory lives there. */
	if (inventory_path != NULL && !store_active()) {
		if ((inv_path = strdup(inventory_path)) == NULL ||
		    (inv = inventory_new(OUTPUT_INVENTORY_MAX)) == NULL) {
			snprintf(err, errlen, "inventory: out of memory");
			return -1;
		}
		inventory_set_window(inv, cfg->inventory_window);
	}
	return rc;
}

/*
 * SIGHUP: files reopened (logrotate moved them), the new configuration's
 * sinks opened; remotes that did not change keep their queues.  On an
 * error the sinks that could be opened are used and the error reported.
 */
int
output_reconfigure(const struct config *cfg, char *err, size_t errlen)
{
	struct sink	 next[MAX_SINKS];
	int		 nnext = 0, i, rc = 0;

	sinks_open(cfg, next, &nnext, sinks, nsinks, err, errlen, &rc);
	for (i = 0; i < nsinks; i++)
		if (sinks[i].kind != SINK_REMOTE || sinks[i].remote != NULL)
			(void)sink_close(&sinks[i], false);
	memcpy(sinks, next, sizeof(next));
	nsinks = nnext;
	ocfg = cfg;
	out_flush = cfg->out_flush;
	oj_set_observer(cfg->sensor_name);
	oj_set_config(cfg);
	if (inv != NULL)
		inventory_set_window(inv, cfg->inventory_window);
	return rc;
}

/* --- events ------------------------------------------------------------- */

static bool
sink_wants(const struct sink *s, enum ev_type t, const struct verdict *v)
{
	static const uint32_t bit[] = {
		[EV_SESSION] = CONFIG_EV_SESSION,
		[EV_ALERT] = CONFIG_EV_ALERT,
		[EV_ALERT_SUMMARY] = CONFIG_EV_ALERT_SUMMARY,
		[EV_STATS] = CONFIG_EV_STATS,
		[EV_INVENTORY] = CONFIG_EV_INVENTORY,
	};

	switch (s->kind) {
	case SINK_JSON:
		return (s->events & bit[t]) != 0;
	case SINK_TEXT:
		return t == EV_SESSION || t == EV_ALERT_SUMMARY;
	case SINK_SYSLOG:
	case SINK_REMOTE:
		if (t == EV_ALERT || t == EV_ALERT_SUMMARY || t == EV_STATS)
			return true;
		/* Sessions only when they do not alert: those under an
		 * exception (a notice instead) and, if asked, ok ones. */
		return t == EV_SESSION && v != NULL && (v->exception_live ||
		    (v->reason == RS_OK && ocfg->syslog_ok));
	}
	return false;
}

static const char *const msgids[] = {
	[EV_SESSION] = "session", [EV_ALERT] = "alert",
	[EV_ALERT_SUMMARY] = "alert_summary", [EV_STATS] = "stats",
	[EV_INVENTORY] = "inventory",
};

/*
 * The key fields of an event, for syslog structured data and CEF: the
 * JSON event's values (tests/syslog compares them).  The Community ID is
 * written into a static buffer: one event is formatted at a time, under
 * the output lock, and sent before the next.
 */
static void
syslog_fields(struct syslog_msg *m, const struct conn *f,
    const struct verdict *v, const struct alert_summary *as,
    const struct fp_set *fs, char *cip, char *sip, char *sni)
{
	static char	 cid[OJ_COMMUNITY_ID_MAX];
	const char	*src;

	if (f != NULL) {
		field_ip(f, 0, cip, FIELD_ADDR_MAX);
		field_ip(f, 1, sip, FIELD_ADDR_MAX);
		m->client_port = f->cli_port;
		m->server_port = f->srv_port;
		m->protocol = field_proto(f);
		if (field_server_name(f, sni, TLS_MAX_SNI * 4 + 1) != NULL)
			m->sni = sni;
		if (fs != NULL && fs->ja3)
			m->ja3 = fs->ja3_md5;
		if (fs != NULL && fs->ja4)
			m->ja4 = fs->ja4_str;
		if (oj_community_id(f, ocfg != NULL ?
		    ocfg->community_id_seed : 0, cid, sizeof(cid)) > 0)
			m->community_id = cid;
		m->cleartext = f->sess.cleartext != CT_NONE ? "true" : "false";
		m->cleartext_mechanism = session_cleartext_name(f);
		if (fs != NULL && (m->client_software = hints_lookup(fs->ja4 ?
		    fs->ja4_str : NULL, fs->ja3 ? fs->ja3_str : NULL, &src)) !=
		    NULL)
			m->client_software_source = src;
	} else if (as != NULL) {
		field_addr(as->family, as->cli, cip, FIELD_ADDR_MAX);
		field_addr(as->family, as->srv, sip, FIELD_ADDR_MAX);
		m->server_port = as->srv_port;
		m->protocol = config_proto_name(as->proto);
		m->reason = session_reason_name(as->reason);
		m->count = as->count;
	}
	if (f != NULL || as != NULL) {
		m->client_ip = cip;
		m->server_ip = sip;
	}
	if (v != NULL) {
		m->reason = session_reason_name(v->reason);
		m->outcome = session_outcome_name(v->outcome);
		m->client_max = v->client_max ?
		    tls_version_name(v->client_max) : NULL;
		m->negotiated = v->negotiated ?
		    tls_version_name(v->negotiated) : NULL;
		m->exception_owner = v->exception ? v->exception->owner : NULL;
	}
}

/* The event's JSON as syslog carries it: ASCII only, made once. */
static struct jw	ev_json, ev_ascii;
static bool		ev_ascii_done;

static void
emit_syslog(struct sink *s, enum ev_type t, const struct conn *f,
    const struct verdict *v, const struct alert_summary *as,
    const struct fp_set *fs, uint64_t ts)
{
	struct syslog_msg	 m;
	char			 cip[FIELD_ADDR_MAX], sip[FIELD_ADDR_MAX];
	char			 sni[TLS_MAX_SNI * 4 + 1];

	if (!ev_ascii_done) {
		if (!oj_ascii(&ev_ascii, &ev_json) || !jw_nul(&ev_ascii))
			return;
		ev_ascii_done = true;
	}
	memset(&m, 0, sizeof(m));
	m.msgid = msgids[t];
	m.ts = ts;
	m.json = ev_ascii.p;
	m.json_len = ev_ascii.n;
	m.severity = v != NULL ? v->severity :
	    as != NULL ? as->severity : LOG_INFO;
	syslog_fields(&m, f, v, as, fs, cip, sip, sni);
	if (s->kind == SINK_SYSLOG)
		syslog_local_send(&m);
	else
		remote_send(s->remote, &m);
}

/* The event's JSON into ev_json; j: a tree already built (stats). */
static bool
build(enum ev_type t, const struct conn *f, const struct verdict *v,
    const struct alert_summary *as, const struct fp_set *fs, json_t *j)
{
	ev_ascii_done = false;
	if (j != NULL)
		return oj_render(&ev_json, j);
	switch (t) {
	case EV_SESSION:
	case EV_ALERT:
		return oj_session(&ev_json, f, v, fs, t);
	case EV_ALERT_SUMMARY:
		return oj_summary(&ev_json, as);
	default:
		return false;
	}
}

/* The text sink's line, made in memory so that it is written whole. */
static char	 text_buf[16 * 1024];
static FILE	*text_fp;

static void
put_text(struct sink *s, enum ev_type t, const struct conn *f,
    const struct verdict *v, const struct alert_summary *as)
{
	long	n;

	if (text_fp == NULL &&
	    (text_fp = fmemopen(text_buf, sizeof(text_buf), "w")) == NULL) {
		STAT_INC(OUT_ERRORS);
		return;
	}
	rewind(text_fp);
	if (t == EV_SESSION)
		output_text_session(text_fp, ocfg, f, v);
	else
		output_text_summary(text_fp, as);
	fflush(text_fp);
	if ((n = ftell(text_fp)) <= 0 || text_buf[n - 1] != '\n') {
		STAT_INC(OUT_ERRORS);	/* cannot happen: 16 KiB a line */
		return;
	}
	ofile_put(s->of, text_buf, (size_t)n - 1);
}

/* One event to every sink that wants it; its JSON is made on first need. */
static void
emit(enum ev_type t, const struct conn *f, const struct verdict *v,
    const struct alert_summary *as, const struct fp_set *fs, json_t *j,
    uint64_t ts)
{
	int	i;
	int	built = 0;		/* 1 made, -1 could not be */

	for (i = 0; i < nsinks; i++) {
		struct sink *s = &sinks[i];

		if (!sink_wants(s, t, v))
			continue;
		if (s->kind != SINK_TEXT && built == 0)
			built = build(t, f, v, as, fs, j) ? 1 : -1;
		if (s->kind != SINK_TEXT && built < 0) {
			STAT_INC(OUT_ERRORS);
			continue;
		}
		switch (s->kind) {
		case SINK_JSON:
			ofile_put(s->of, ev_json.p, ev_json.n);
			break;
		case SINK_TEXT:
			put_text(s, t, f, v, as);
			break;
		case SINK_SYSLOG:
		case SINK_REMOTE:
			emit_syslog(s, t, f, v, as, fs, ts);
			break;
		}
	}
	STAT_INC(OUT_EVENTS);
	json_decref(j);
}

void
output_session(const struct conn *f, const struct verdict *v)
{
	static struct fp_set	fs;	/* 24 KiB: not on the stack */
	bool			session, alert = v->alert;

	session = nsinks > 0 && (v->reason != RS_OK ||
	    ocfg->session_events_ok);
	if (inv == NULL && !store_active() && !session && !alert)
		return;
	fp_compute(f->sess.ch, f->sess.sh, &fs);
	if (inv != NULL || store_active())
		inv_add(f, v, &fs);
	if (session)
		emit(EV_SESSION, f, v, NULL, &fs, NULL, f->first_ts);
	if (alert) {
		STAT_INC(OUT_ALERTS);
		emit(EV_ALERT, f, v, NULL, &fs, NULL, f->first_ts);
	}
}

void
output_summary(const struct alert_summary *as)
{
	emit(EV_ALERT_SUMMARY, NULL, NULL, as, NULL, NULL, as->window_end);
}

/* Each collector's accounting, under tlsfloor.remotes of a stats event. */
static void
stats_remotes(json_t *e)
{
	struct remote_counts	 c;
	json_t			*a, *x, *t;
	int			 i;

	if ((t = json_object_get(e, "tlsfloor")) == NULL ||
	    (a = json_array()) == NULL)
		return;
	for (i = 0; i < nsinks; i++) {
		if (sinks[i].kind != SINK_REMOTE || sinks[i].remote == NULL)
			continue;
		remote_counts(sinks[i].remote, &c);
		x = json_object();
		json_object_set_new(x, "name",
		    json_string(remote_name(sinks[i].remote)));
#define C(f)	json_object_set_new(x, #f, json_integer((json_int_t)c.f))
		C(events);
		C(sent);
		C(acknowledged);
		C(dropped);
		C(failed);
		C(queued);
		C(trimmed);
		C(cut);
		C(connects);
		C(errors);
		C(tls_failures);
		C(resolve_failures);
#undef C
		json_array_append_new(a, x);
	}
	json_object_set_new(t, "remotes", a);
}

void
output_stats(uint64_t now, const struct output_capstat *cs, size_t n)
{
	json_t	*e = oj_stats(now, cs, n, ocfg);

	if (e != NULL)
		stats_remotes(e);
	emit(EV_STATS, NULL, NULL, NULL, NULL, e, now);
}

/* --- inventory ------------------------------------------------------------ */

static void
inv_add(const struct conn *f, const struct verdict *v,
    const struct fp_set *fs)
{
	struct inv_session	 is;
	char			 sni[TLS_MAX_SNI * 4 + 1];
	const char		*hsrc;

	memset(&is, 0, sizeof(is));
	is.family = f->family;
	memcpy(is.cli, f->cli, 16);
	memcpy(is.srv, f->srv, 16);
	is.srv_port = f->srv_port;
	is.proto = f->proto;
	is.mode = field_mode(f);
	is.client_max = v->client_max;
	is.negotiated = v->negotiated;
	is.reason = (uint8_t)v->reason;
	is.reason_name = session_reason_name(v->reason);
	if (field_server_name(f, sni, sizeof(sni)) != NULL)
		is.sni = sni;
	if (f->sess.sh != NULL && !f->sess.sh->sslv2) {
		is.cipher = f->sess.sh->cipher;
		is.cipher_name = classify_cipher_name(f->sess.sh->cipher);
	}
	if (fs->ja3)
		is.ja3 = fs->ja3_md5;
	if (fs->ja4)
		is.ja4 = fs->ja4_str;
	is.endpoint_label = field_endpoint_label(ocfg, f);
	is.cleartext_credentials = f->sess.cleartext != CT_NONE;
	is.cleartext_mechanism = session_cleartext_name(f);
	is.client_software = hints_lookup(fs->ja4 ? fs->ja4_str : NULL,
	    fs->ja3 ? fs->ja3_str : NULL, &hsrc);
	is.client_software_source = is.client_software != NULL ? hsrc : NULL;
	is.ts = f->first_ts;
	is.exception = v->exception_live ? v->exception : NULL;
	if (store_active())
		store_add(&is);
	else
		inventory_add(inv, &is);
}

/*
 * One record of the store's inventory file as an inventory event, for the
 * JSON sinks that take them.  Called by the store's writer thread (record:
 * a reference it hands over).
 */
void
output_inventory_record(json_t *record, uint64_t now)
{
	json_t	*j;
	int	 k;

	output_lock();
	for (k = 0; k < nsinks; k++)
		if (sinks[k].kind == SINK_JSON &&
		    sink_wants(&sinks[k], EV_INVENTORY, NULL)) {
			j = oj_inventory(now, json_incref(record));
			if (j != NULL && oj_render(&ev_json, j))
				ofile_put(sinks[k].of, ev_json.p, ev_json.n);
			json_decref(j);
		}
	output_unlock();
	json_decref(record);
}

/*
 * Write the inventory files now (SIGUSR1, interval, exit) and, if the JSON
 * sink takes them, one inventory event per record.
 */
int
output_inventory(uint64_t now)
{
	char	err[256];
	size_t	i, n;

	if (store_active()) {
		/* The store's thread writes the files (and says so). */
		store_report(now);
		return 0;
	}
	if (inv == NULL)
		return 0;
	if (inventory_write(inv, inv_path, now, err, sizeof(err)) != 0) {
		log_warnx("inventory: %s", err);
		return -1;
	}
	log_info("inventory written: %s", inv_path);
	n = inventory_count(inv);
	for (i = 0; i < n; i++) {
		int	k;

		for (k = 0; k < nsinks; k++)
			if (sinks[k].kind == SINK_JSON &&
			    sink_wants(&sinks[k], EV_INVENTORY, NULL)) {
				json_t *j = oj_inventory(now,
				    inventory_record_json(inv, i));

				if (j != NULL && oj_render(&ev_json, j))
					ofile_put(sinks[k].of, ev_json.p,
					    ev_json.n);
				json_decref(j);
			}
	}
	return 0;
}

/*
 * Housekeeping in real time, whatever the packets' clock says: collectors'
 * queues and back-off (monotonic), the periodic inventory (wall clock).
 */
void
output_tick(void)
{
	struct timespec	mono, wall;
	uint64_t	now;
	int		i;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	for (i = 0; i < nsinks; i++)
		if (sinks[i].kind == SINK_REMOTE)
			remote_poll(sinks[i].remote, (uint64_t)mono.tv_sec *
			    1000000u + (uint64_t)mono.tv_nsec / 1000u);
	store_fold(stats_self());
	if ((inv == NULL && !store_active()) || ocfg->inventory_interval == 0)
		return;
	clock_gettime(CLOCK_REALTIME, &wall);
	now = (uint64_t)wall.tv_sec * 1000000u +
	    (uint64_t)wall.tv_nsec / 1000u;
	if (inv_next == 0)
		inv_next = now + (uint64_t)ocfg->inventory_interval * 1000000u;
	else if (now >= inv_next) {
		output_inventory(now);
		inv_next = now + (uint64_t)ocfg->inventory_interval * 1000000u;
	}
}

/* Live: what the batch just read reaches the files now. */
void
output_flush(void)
{
	int	i;

	for (i = 0; i < nsinks; i++)
		if (sinks[i].of != NULL)
			(void)ofile_flush(sinks[i].of);
}

/*
 * Before the privilege drop: the files opened as root become the daemon
 * user's, so it can reopen them on SIGHUP (the directory must let it
 * create them again after a rotation).
 */
void
output_handover(uid_t uid, gid_t gid)
{
	int	i;

	for (i = 0; i < nsinks; i++)
		if (sinks[i].of != NULL && sinks[i].of->owned &&
		    sinks[i].of->regular &&
		    fchown(sinks[i].of->fd, uid, gid) == -1)
			log_warn("%s: chown", sinks[i].of->path);
	store_handover(uid, gid);
}

/*
 * Each collector's name and counts, for the metrics: the open ones, then
 * those output_close() closed (their last figures).  Returns how many.
 */
size_t
output_remotes(struct output_remotestat *rs, size_t max)
{
	struct remote_counts	c;
	size_t			n = 0, i;
	int			k;

	for (k = 0; k < nsinks && n < max; k++)
		if (sinks[k].kind == SINK_REMOTE && sinks[k].remote != NULL) {
			remote_counts(sinks[k].remote, &c);
			remotestat_fill(&rs[n++], remote_name(sinks[k].remote),
			    &c);
		}
	for (i = 0; i < nclosed && n < max; i++)
		remotestat_fill(&rs[n++], closed[i].name, &closed[i].c);
	return n;
}

static void
remotestat_fill(struct output_remotestat *r, const char *name,
    const struct remote_counts *c)
{
	r->name = name;
	r->sent = c->sent;
	r->acknowledged = c->acknowledged;
	r->dropped = c->dropped;
	r->failed = c->failed;
	r->queued = c->queued;
}

/* The remote collectors' sockets, for the run loop's poll(). */
int
output_pollfds(struct pollfd *pfd, int max)
{
	int	i, n = 0;
	short	ev;

	for (i = 0; i < nsinks && n < max; i++) {
		if (sinks[i].kind != SINK_REMOTE)
			continue;
		if ((pfd[n].fd = remote_pollfd(sinks[i].remote, &ev)) < 0)
			continue;
		pfd[n].events = ev;
		pfd[n].revents = 0;
		n++;
	}
	return n;
}

/*
 * At exit, before the final stats event: the collectors' queues flushed,
 * for ms at most (counted from the first call: output_close() calls it
 * again for the stats event itself), what is left counted failed.  The
 * final stats event then says events = sent + dropped + failed.
 */
void
output_drain(unsigned ms)
{
	struct remote	*rs[MAX_SINKS];
	struct timespec	 mono;
	uint64_t	 now;
	size_t		 n = 0;
	int		 i;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	now = (uint64_t)mono.tv_sec * 1000000u +
	    (uint64_t)mono.tv_nsec / 1000u;
	if (drain_deadline == 0)
		drain_deadline = now + (uint64_t)ms * 1000u;
	for (i = 0; i < nsinks; i++)
		if (sinks[i].kind == SINK_REMOTE && sinks[i].remote != NULL)
			rs[n++] = sinks[i].remote;
	if (n > 0)
		remote_drain(rs, n, drain_deadline);
}

/* End of the run: inventory, then every sink flushed and closed. */
int
output_close(void)
{
	struct timespec	ts;
	int		i, rc = 0;

	if (store_active()) {
		clock_gettime(CLOCK_REALTIME, &ts);
		if (store_close((uint64_t)ts.tv_sec * 1000000u +
		    (uint64_t)ts.tv_nsec / 1000u) != 0)
			rc = -1;
		store_fold(stats_self());
	}
	if (inv != NULL) {

		clock_gettime(CLOCK_REALTIME, &ts);
		if (output_inventory((uint64_t)ts.tv_sec * 1000000u +
		    (uint64_t)ts.tv_nsec / 1000u) != 0)
			rc = -1;
		inventory_free(inv);
		inv = NULL;
	}
	output_drain(OUTPUT_DRAIN_MS);
	for (i = 0; i < nsinks; i++)
		if (sink_close(&sinks[i], true) != 0)
			rc = -1;
	drain_deadline = 0;		/* a later output_open() starts over */
	nsinks = 0;
	free(inv_path);
	inv_path = NULL;
	jw_free(&ev_json);
	jw_free(&ev_ascii);
	if (text_fp != NULL)
		fclose(text_fp);
	text_fp = NULL;
	oj_set_observer(NULL);
	oj_set_config(NULL);
	return rc;
}

/* --- sharing between capture workers --------------------------------------- */

void
output_lock(void)
{
	pthread_mutex_lock(&out_mtx);
}

void
output_unlock(void)
{
	pthread_mutex_unlock(&out_mtx);
}

/* Workers run: the main thread alone drives the collectors' queues. */
void
output_set_threaded(bool on)
{
	out_threaded = on;
}

bool
output_threaded(void)
{
	return out_threaded;
}
