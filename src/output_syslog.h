/*
 * output_syslog.h -- the syslog sinks: local syslog(3), and remote SIEM
 * collectors (RFC 5424 or CEF, over UDP or TCP with RFC 6587 octet
 * counting) behind a bounded queue that never blocks the capture path.
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
 * remote_resolve()	the getaddrinfo() list for the collector (free it
 *			with freeaddrinfo()), or NULL and err; tlsfloor -n
 *			asks it too.
 * remote_open()	resolves the host (remote_resolve()) once, here;
 *			NULL and err on failure.  Does not connect yet.
 * remote_send()	formats and enqueues (or drops and counts); writes at
 *			once if connected; never blocks.
 * remote_poll()	(re)connects with back-off, collects acknowledgements,
 *			flushes what the socket takes; never blocks.
 * remote_pollfd()	the fd and POLLOUT/POLLIN interest for poll(), or -1
 *			(down: call remote_poll() again within a second).
 * remote_close()	at exit or when a reload drops it: keeps flushing up to
 *			flush_ms, then closes; counts what is left as dropped;
 *			returns all it dropped.
 * remote_queued()	messages held: not yet written, or written and not yet
 *			acknowledged by the collector's TCP.
 * remote_dropped()	messages dropped since remote_open().
 * remote_name()	"host:port/udp" (IPv6 in brackets), for messages and
 *			metrics labels.
 */
struct remote;
struct addrinfo;
struct addrinfo	*remote_resolve(const struct config_remote *, char *err,
		    size_t errlen);
struct remote	*remote_open(const struct config_remote *, const char *ident,
		    int facility, char *err, size_t errlen);
void		 remote_send(struct remote *, const struct syslog_msg *);
void		 remote_poll(struct remote *, uint64_t now_us);
int		 remote_pollfd(const struct remote *, short *events);
uint64_t	 remote_close(struct remote *, unsigned flush_ms);
uint64_t	 remote_queued(const struct remote *);
uint64_t	 remote_dropped(const struct remote *);
const char	*remote_name(const struct remote *);

#endif /* TLSFLOOR_OUTPUT_SYSLOG_H */
