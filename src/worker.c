/*
 * worker.c -- capture workers: with capture.workers = N > 1, N threads
 * each own one capture_live (a handle on every interface, member of that
 * interface's PACKET_FANOUT group: capture.c), a flow table with 1/N of
 * the flow and memory limits, and an nDPI module; each runs
 *
 *   capture -> decode -> flow -> reasm -> mail -> tls -> verdict
 *
 * on the connections the kernel hashed to it.  What every worker shares is
 * behind output_lock(), taken once per finished session (verdict_finish())
 * or per timer, never per packet: the outputs, the alert windows, the
 * exceptions' use counts, the inventory -- and the main thread's counters,
 * into which each worker folds its own about once a second (stats.h).  The
 * passive DNS table has its own lock (dns.c).
 *
 * The main thread keeps what a single-threaded run does between packets:
 * signals (workers block them all), the collectors' queues, the alert
 * windows' timer, periodic stats and inventory, reloads.  A reload is
 * handed over by generation: each worker adopts the new configuration at
 * its next loop (within CAPTURE_WORKER_POLL_MS), and the old one is freed
 * only once all of them have.  At SIGTERM every worker drains its handles,
 * ends its flows (their sessions are written) and folds its counters; the
 * main thread joins them and writes the last stats.
 */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "caps.h"
#include "classify.h"
#include "config.h"
#include "daemon.h"
#include "defrag.h"
#include "flow.h"
#include "log.h"
#include "output.h"
#include "stats.h"
#include "worker.h"

#define PUBLISH_EVERY_US	1000000u	/* counters folded this often */

struct worker {
	pthread_t		 tid;
	unsigned		 id;
	unsigned		 share;		/* workers in all */
	struct capture_live	*cap;
	const struct config	*cfg;		/* the configuration it runs */
	atomic_uint		 gen_seen;	/* generation it has adopted */
	atomic_int		 state;		/* W_* */
	uint64_t		 packets;	/* folded so far */
	/* published under output_lock(): */
	struct output_capstat	 cs[CONFIG_MAX_IFACES];
	size_t			 ncs;
};

enum { W_STARTING, W_RUNNING, W_FAILED, W_DONE };

static struct worker		*workers;
static unsigned			 nworkers;
static uint64_t			*main_stats;	/* the main thread's stats[] */
static atomic_bool		 stopping;
static atomic_uint		 gen;		/* configuration generation */
static _Atomic(const struct config *) gen_cfg;

/* Counters into the main thread's, capture counters where it reads them. */
static void
publish(struct worker *w)
{
	output_lock();
	w->packets += stats[STAT_PKTS];
	stats_fold(main_stats);
	memset(w->cs, 0, sizeof(w->cs));
	w->ncs = capture_live_stats(w->cap, w->cs, CONFIG_MAX_IFACES);
	output_unlock();
}

static void *
worker_run(void *arg)
{
	struct worker	*w = arg;
	struct pollfd	 pfd[CONFIG_MAX_IFACES];
	uint64_t	 now, next_publish = 0;
	unsigned	 g;
	int		 n;

	flow_set_share(w->share);
	if (flow_init(w->cfg) != 0) {
		log_warnx("capture worker %u: no memory for its flow table",
		    w->id);
		atomic_store(&w->state, W_FAILED);
		return NULL;
	}
	atomic_store(&w->state, W_RUNNING);
	for (;;) {
		n = capture_live_pollfds(w->cap, pfd, CONFIG_MAX_IFACES);
		if (poll(pfd, (nfds_t)n, CAPTURE_WORKER_POLL_MS) > 0)
			capture_live_dispatch(w->cap, pfd, n);
		now = daemon_now();
		if ((g = atomic_load(&gen)) != atomic_load(&w->gen_seen)) {
			w->cfg = atomic_load(&gen_cfg);
			flow_set_config(w->cfg);
			atomic_store(&w->gen_seen, g);
		}
		flow_tick(now);
		capture_live_retry(w->cap, now);
		if (atomic_load(&stopping)) {
			capture_live_drain(w->cap);
			break;
		}
		if (now >= next_publish) {
			publish(w);
			next_publish = now + PUBLISH_EVERY_US;
		}
	}
	defrag_fini();		/* datagrams still missing fragments */
	flow_fini();		/* every open session is written */
	classify_fini();
	publish(w);
	atomic_store(&w->state, W_DONE);
	return NULL;
}

static void
nap(void)
{
	struct timespec	ts = { 0, 2 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

/*
 * Start n workers on caps[0..n-1] (opened by capture_live_open(), in the
 * main thread, before privileges were dropped).  Returns once each has its
 * flow table, or -1 if one could not start (the others are stopped).
 */
int
workers_start(struct capture_live **caps, unsigned n,
    const struct config *cfg, char *err, size_t errlen)
{
	sigset_t	all, old;
	unsigned	i;
	int		rc, st;
	bool		waiting;

	if ((workers = calloc(n, sizeof(*workers))) == NULL) {
		snprintf(err, errlen, "capture workers: out of memory");
		return -1;
	}
	main_stats = stats_self();
	atomic_store(&gen_cfg, cfg);
	output_set_threaded(true);
	/* Signals are the main thread's: the workers block every one. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (i = 0; i < n; i++) {
		workers[i].id = i;
		workers[i].share = n;
		workers[i].cap = caps[i];
		workers[i].cfg = cfg;
		atomic_init(&workers[i].gen_seen, atomic_load(&gen));
		atomic_init(&workers[i].state, W_STARTING);
		if ((rc = pthread_create(&workers[i].tid, NULL, worker_run,
		    &workers[i])) != 0) {
			snprintf(err, errlen, "capture worker %u: %s", i,
			    strerror(rc));
			break;
		}
		nworkers = i + 1;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (nworkers < n) {
		workers_stop();
		return -1;
	}
	do {
		waiting = false;
		for (i = 0; i < n; i++) {
			st = atomic_load(&workers[i].state);
			if (st == W_STARTING)
				waiting = true;
			else if (st == W_FAILED) {
				snprintf(err, errlen, "capture worker %u "
				    "could not start", i);
				workers_stop();
				return -1;
			}
		}
		if (waiting)
			nap();
	} while (waiting);
	log_info("%u capture workers running", n);
	return 0;
}

/*
 * A reloaded configuration: every worker adopts it within
 * CAPTURE_WORKER_POLL_MS; returns once all have, so the caller may free
 * the one they ran before.
 */
void
workers_set_config(const struct config *cfg)
{
	unsigned	g, i;
	bool		waiting;

	if (nworkers == 0)
		return;
	atomic_store(&gen_cfg, cfg);
	g = atomic_fetch_add(&gen, 1) + 1;
	do {
		waiting = false;
		for (i = 0; i < nworkers; i++)
			if (atomic_load(&workers[i].state) == W_RUNNING &&
			    atomic_load(&workers[i].gen_seen) != g)
				waiting = true;
		if (waiting)
			nap();
	} while (waiting);
}

/* Capture counters per interface, all workers added up, as last folded.
 * The caller holds output_lock(). */
size_t
workers_capstats(struct output_capstat *out, size_t max)
{
	size_t		i, k, n = 0;

	memset(out, 0, max * sizeof(*out));
	for (i = 0; i < nworkers; i++)
		for (k = 0; k < workers[i].ncs && k < max; k++) {
			out[k].name = workers[i].cs[k].name;
			out[k].received += workers[i].cs[k].received;
			out[k].dropped += workers[i].cs[k].dropped;
			out[k].if_dropped += workers[i].cs[k].if_dropped;
			if (k + 1 > n)
				n = k + 1;
		}
	return n;
}

/* Stop every worker and wait: each ends its flows and folds its counters. */
void
workers_stop(void)
{
	unsigned	i;

	atomic_store(&stopping, true);
	for (i = 0; i < nworkers; i++)
		pthread_join(workers[i].tid, NULL);
	for (i = 0; i < nworkers; i++)
		log_info("capture worker %u: %llu packets", i,
		    (unsigned long long)workers[i].packets);
	nworkers = 0;
	free(workers);
	workers = NULL;
	output_set_threaded(false);
}
