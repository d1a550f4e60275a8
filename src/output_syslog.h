/*
 * output_syslog.h -- the syslog sinks: local syslog(3), and remote SIEM
 * collectors (RFC 5424 or CEF, over UDP, TCP with RFC 6587 octet
 * counting, or TLS per RFC 5425) behind a bounded queue that never
 * blocks the capture path.
 *
 * output.c turns each event into a struct syslog_msg and hands it to
 * syslog_local_send() and to remote_send() of every collector; the run loop
 * adds remote_pollfd() to its poll() set and calls remote_poll() after each
 * wake-up, and at least every second on real time whatever the input is
 * (a collector that is down has no fd to wait on, only a back-off
 * deadline; and under -r - packet time says nothing about real time).
 *
 * Wire formats, size limits and delivery guarantees: see output_syslog.c.
 */
#ifndef TLSFLOOR_OUTPUT_SYSLOG_H
#define TLSFLOOR_OUTPUT_SYSLOG_H

#include <stddef.h>
#include <stdint.h>

struct addrinfo;
struct config;
struct config_remote;

/* One event as the syslog sinks see it.  All strings borrowed; NULL =
 * absent. */
struct syslog_msg {
	int		 severity;	/* LOG_ERR, LOG_WARNING, LOG_NOTICE,
					 * LOG_INFO (syslog.h) */
	const char	*msgid;		/* "session" "alert" "alert_summary"
					 * "stats" "inventory" */
	uint64_t	 ts;		/* event time, microseconds since the
					 * epoch (UTC) */
	const char	*json;		/* the whole event as compact,
					 * ASCII-only JSON */
	size_t		 json_len;
	/* key fields, for RFC 5424 structured data and for CEF */
	const char	*client_ip, *server_ip;
	uint16_t	 client_port, server_port;	/* 0 = absent */
	const char	*protocol;	/* pop3 imap smtp tls */
	const char	*reason, *outcome, *client_max, *negotiated;
	const char	*sni, *ja3, *ja4;
	const char	*exception_owner;
	const char	*community_id;	/* network.community_id */
	const char	*cleartext;	/* "true" / "false": credentials sent
					 * before TLS (sessions, alerts) */
	const char	*cleartext_mechanism, *client_software,
			*client_software_source;
	uint64_t	 count;		/* alert_summary: sessions summarised;
					 * 0 = absent */
};

/*
 * Local syslog(3).  syslog_local_open(): openlog(ident, LOG_PID |
 * LOG_NDELAY, facility), the ident copied (openlog() keeps the pointer, and
 * a reload frees the config).  syslog_local_send(): syslog(severity, "%s",
 * body), the body being the JSON event.
 */
int	syslog_local_open(const struct config *);
void	syslog_local_send(const struct syslog_msg *);
void	syslog_local_close(void);

/*
 * A remote collector.  facility is in syslog.h form (LOG_DAEMON, as in
 * struct config); now_us is CLOCK_MONOTONIC in microseconds (real time,
 * never packet time: it paces the reconnect back-off).
 *
 * remote_open()	checks the entry and reads its TLS files; NULL and
 *			err on failure.  Neither resolves nor connects: a
 *			name is looked up (without blocking) at each
 *			connection attempt, so one that does not resolve
 *			now is no error here.
 * remote_refresh()	on a reload that keeps it: the TLS files read again,
 *			queue and connection kept; -1 and err (the old
 *			context kept) if they cannot be.
 * remote_prime()	at start-up only: looks the name up now (blocking),
 *			so that the addresses are known before a chroot;
 *			a failure is no error.
 * remote_send()	formats and enqueues (or drops and counts); writes at
 *			once if connected; never blocks.
 * remote_poll()	resolves, (re)connects with back-off, handshakes,
 *			collects acknowledgements, flushes what the socket
 *			takes; never blocks.
 * remote_pollfd()	the fd and POLLOUT/POLLIN interest for poll(), or -1
 *			(down: call remote_poll() again within a second).
 * remote_drain()	flushes the collectors given until their queues are
 *			empty or the deadline (CLOCK_MONOTONIC us) passes;
 *			what is left is counted failed.  Blocks until then.
 * remote_close()	flushes it alone for flush_ms (0: not at all) and
 *			frees it; what is still queued is counted failed.
 *			Returns its dropped + failed.
 * remote_resolve()	the getaddrinfo() list for the collector (free it
 *			with freeaddrinfo()), or NULL and err; blocks: for
 *			tlsfloor -n, never the running sensor.
 * remote_queued(), remote_dropped()	two of the counts below.
 * remote_counts()	its accounting: events = sent + acknowledged +
 *			dropped + failed + queued, always.
 */
struct remote;

struct remote_counts {
	uint64_t	 events;	/* handed to remote_send() */
	uint64_t	 sent;		/* delivered (see output_syslog.c) */
	uint64_t	 acknowledged;	/* RELP: delivered, the collector said */
	uint64_t	 dropped;	/* not queued: queue full, too large */
	uint64_t	 failed;	/* queued, then given up or lost to an
					 * error */
	uint64_t	 queued;	/* still held */
	uint64_t	 trimmed;	/* optional JSON fields dropped to fit */
	uint64_t	 cut;		/* JSON cut short to fit */
	uint64_t	 connects;
	uint64_t	 errors;	/* connection failures */
	uint64_t	 tls_failures;	/* TLS handshakes that failed */
	uint64_t	 resolve_failures;
};

struct remote	*remote_open(const struct config_remote *, const char *ident,
		    int facility, char *err, size_t errlen);
void		 remote_prime(struct remote *);
int		 remote_refresh(struct remote *, const struct config_remote *,
		    char *err, size_t errlen);
void		 remote_send(struct remote *, const struct syslog_msg *);
void		 remote_poll(struct remote *, uint64_t now_us);
int		 remote_pollfd(const struct remote *, short *events);
void		 remote_drain(struct remote *const *, size_t,
		    uint64_t deadline_us);
uint64_t	 remote_close(struct remote *, unsigned flush_ms);
struct addrinfo	*remote_resolve(const struct config_remote *, char *err,
		    size_t errlen);
uint64_t	 remote_queued(const struct remote *);
uint64_t	 remote_dropped(const struct remote *);
void		 remote_counts(const struct remote *, struct remote_counts *);
const char	*remote_name(const struct remote *);

#endif /* TLSFLOOR_OUTPUT_SYSLOG_H */
