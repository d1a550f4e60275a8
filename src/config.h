/*
 * config.h -- the run's settings: defaults, command-line overrides, and the
 * YAML configuration file (config_load()).  Immutable once the pipeline
 * runs: a reload builds a new struct config and swaps the pointer.
 *
 * Ownership: every char * and array below is owned by the struct config and
 * freed by config_free().
 */
#ifndef TLSFLOOR_CONFIG_H
#define TLSFLOOR_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Application protocol a server port is watched for. */
enum proto {
	PROTO_NONE = 0,
	PROTO_POP3,
	PROTO_IMAP,
	PROTO_SMTP,
	PROTO_TLS,		/* any TLS service (scope all_tls) */
};

/* port_map[] entry: protocol in the low bits, PORT_IMPLICIT when the port
 * speaks TLS from the first byte (993, 995, 465) instead of STARTTLS. */
#define PORT_PROTO_MASK	0x07
#define PORT_IMPLICIT	0x08

enum scope {
	SCOPE_MAIL,		/* mail ports only (default) */
	SCOPE_ALL_TLS,		/* also every other TCP flow that starts TLS */
};

/*
 * Caps on what a configuration file may ask for, so that a hostile or
 * broken file cannot make config_load() allocate without bound.  (The file
 * itself is capped first: nothing past CONFIG_MAX_FILE bytes is parsed.)
 */
#define CONFIG_MAX_FILE		(1u << 20)	/* bytes of YAML read */
#define CONFIG_MAX_DEPTH	8	/* nested mappings/lists (schema: 4) */
#define CONFIG_MAX_STRING	1024	/* bytes of a string value */
#define CONFIG_MAX_BPF		8192	/* bytes of capture.bpf */
#define CONFIG_MAX_PATH		4096	/* bytes of a file or directory name */
#define CONFIG_MAX_IFACES	64	/* capture.interfaces */
#define CONFIG_MAX_PORTS	64	/* ports per protocol and mode */
#define CONFIG_MAX_REMOTES	16	/* outputs.remote */
#define CONFIG_MAX_EXCEPTIONS	10000	/* exceptions */
#define CONFIG_MAX_ENDPOINTS	1000	/* endpoints */

/* outputs.json.events: the event types the JSON sink writes. */
#define CONFIG_EV_SESSION	0x01
#define CONFIG_EV_ALERT		0x02
#define CONFIG_EV_ALERT_SUMMARY	0x04
#define CONFIG_EV_STATS		0x08
#define CONFIG_EV_INVENTORY	0x10
#define CONFIG_EV_ALL		0x1f

/* Second index of config.ports[][]. */
enum config_port_mode {
	CONFIG_PORT_STARTTLS,	/* plaintext, upgraded by STARTTLS/STLS */
	CONFIG_PORT_IMPLICIT,	/* TLS from the first byte */
	CONFIG_PORT_NMODES,
};
#define CONFIG_NPROTO	(PROTO_SMTP + 1)	/* ports[] rows; [0] unused */

/* The ports of one protocol and mode, in the order configured. */
struct config_ports {
	uint16_t	 port[CONFIG_MAX_PORTS];
	size_t		 n;
};

enum config_transport {
	CONFIG_TRANSPORT_UDP,
	CONFIG_TRANSPORT_TCP,	/* RFC 6587 octet counting */
	CONFIG_TRANSPORT_TLS,	/* RFC 5425: octet counting inside TLS */
	CONFIG_TRANSPORT_RELP,	/* rsyslog's RELP: acknowledged */
};

enum config_rformat {
	CONFIG_RFORMAT_RFC5424,
	CONFIG_RFORMAT_CEF,
};

/* One outputs.remote entry: a SIEM collector. */
struct config_remote {
	char		*host;		/* owned; address or name, unresolved */
	uint16_t	 port;
	enum config_transport transport;
	enum config_rformat format;
	uint32_t	 queue;		/* events held while it is away */
	uint32_t	 max_message_size;	/* bytes of one message (without
					 * the octet count) */
	char		*sd_id;		/* owned; NULL: CONFIG_SD_ID */
	char		*ca_file;	/* owned; tls: NULL = system CAs */
	char		*server_name;	/* owned; tls: NULL = host */
	char		*cert_file;	/* owned; tls client certificate */
	char		*key_file;	/* owned; its private key */
};

/* The default SD-ID: 32473 is the private enterprise number RFC 5612
 * reserves for documentation, a placeholder until one is registered. */
#define CONFIG_SD_ID		"tlsfloor@32473"
#define CONFIG_SD_ID_MAX	32	/* RFC 5424 SD-NAME */
/* max_message_size defaults: RFC 5426 3.2 (UDP), rsyslog's default 8k */
#define CONFIG_MSG_UDP_DEFAULT	2048
#define CONFIG_MSG_TCP_DEFAULT	8192
#define CONFIG_MSG_MIN		480	/* RFC 5424 6.1: every receiver */
#define CONFIG_MSG_UDP_MAX	65000	/* one IPv6 UDP datagram, w/ room */
#define CONFIG_MSG_TCP_MAX	1048576

void		 config_remote_free(struct config_remote *);

/* An address or CIDR block. */
struct config_net {
	uint8_t		 family;	/* 4 or 6; 0: none given (any) */
	uint8_t		 prefix;	/* bits: 0..32 or 0..128 */
	uint8_t		 addr[16];	/* host bits 0; IPv4 in the first 4 */
};

/* One exceptions entry: a client that may stay legacy until it expires. */
struct config_exception {
	struct config_net client;
	struct config_net server;	/* family 0: any server */
	uint8_t		 proto;		/* PROTO_POP3/IMAP/SMTP; 0: any */
	int32_t		 expires_days;	/* last day it applies (UTC), in days
					 * since 1970-01-01 */
	char		 expires[11];	/* the same day, "YYYY-MM-DD" */
	char		*owner;		/* owned */
	char		*ticket;	/* owned; NULL if none */
	char		*note;		/* owned; NULL if none */
	uint32_t	 line;		/* of the entry in the file; 0: none */
};

/* One endpoints entry: a server name worth a label in every event. */
struct config_endpoint {
	char		*name;		/* owned; lower case, or "*.domain" */
	char		*label;		/* owned */
};

struct config {
	uint16_t	 floor;		/* lowest acceptable version, 0x0303 */
	enum scope	 scope;
	bool		 out_flush;	/* flush after every event (live input) */
	/* limits (caps.h has the defaults and the reasons) */
	uint32_t	 max_flows;
	uint32_t	 idle_timeout;	/* s */
	uint32_t	 linger;	/* s */
	size_t		 memcap;	/* bytes, flows + stream buffers */
	size_t		 stream_buf;	/* out-of-order bytes per direction */
	size_t		 plain_depth;	/* plaintext bytes inspected per dir */
	uint8_t		 port_map[65536];	/* server port -> proto|flags */

	/* ports: the lists port_map[] is built from, kept in step with it
	 * (config_set_port() updates both); [proto][enum config_port_mode] */
	struct config_ports ports[CONFIG_NPROTO][CONFIG_PORT_NMODES];

	/* capture */
	char		**interfaces;	/* owned, each owned; live capture */
	size_t		 ninterfaces;
	char		*bpf;		/* owned; NULL: derive from the mail
					 * ports, "": no filter */
	uint32_t	 snaplen;	/* bytes */
	bool		 promiscuous;
	size_t		 buffer_size;	/* bytes, kernel capture buffer */
	bool		 immediate;	/* pcap_set_immediate_mode() */
	uint8_t		 drop_warn_percent;	/* 0..100 */
	uint32_t	 workers;	/* capture threads, PACKET_FANOUT */

	/* dpi */
	bool		 dpi_enabled;	/* nDPI on flows not on a mail port */
	uint8_t		 dpi_packets;	/* packets per flow offered to nDPI */
	uint16_t	 dpi_skip[CONFIG_MAX_PORTS]; /* ports nDPI never sees */
	size_t		 ndpi_skip;

	/* outputs */
	bool		 json_enabled;
	char		*json_path;	/* owned; "-" is stdout */
	uint32_t	 json_events;	/* CONFIG_EV_* */
	uint16_t	 community_id_seed; /* network.community_id, v1 */
	bool		 text_enabled;
	char		*text_path;	/* owned; "-" is stdout */
	bool		 syslog_enabled;
	int		 syslog_facility;	/* LOG_DAEMON... (syslog.h) */
	char		*syslog_ident;	/* owned */
	bool		 syslog_ok;	/* also log sessions with reason ok */
	struct config_remote *remotes;	/* owned array */
	size_t		 nremotes;

	/* alerts, stats, inventory */
	uint32_t	 dedup_window;	/* s; 0: no de-duplication */
	bool		 session_events_ok;	/* session events for ok too */
	uint32_t	 stats_interval;	/* s; 0: only at exit */
	char		*metrics_path;	/* owned; NULL: none; Prometheus
					 * text file (metrics.c) */
	char		*inventory_path;	/* owned; NULL: none; writes
						 * PATH.json and PATH.csv */
	uint32_t	 inventory_interval;	/* s; 0: SIGUSR1, exit only */
	char		*inventory_db;	/* owned; NULL: no store (store.c) */
	uint32_t	 inventory_commit;	/* s between store commits */
	uint32_t	 inventory_window;	/* s: the store's verdict window */
	char		*sensor_name;	/* owned; NULL: the host name */

	struct config_endpoint *endpoints;	/* owned array, file order */
	size_t		 nendpoints;
	struct config_exception *exceptions;	/* owned array, file order */
	size_t		 nexceptions;

	/* privacy */
	bool		 log_user;	/* user names of clear-text logins */

	/* daemon */
	char		*user;		/* owned */
	char		*group;		/* owned */
	char		*pidfile;	/* owned, absolute; NULL: none */
	char		*chroot_dir;	/* owned, absolute; NULL: none */
	bool		 allow_root;	/* may keep running as root */
	unsigned	 umask;		/* file mode creation mask, <= 0777 */
	bool		 seccomp;	/* system-call allowlist when live */
};

struct config	*config_default(void);
struct config	*config_load(const char *path, char *err, size_t errlen);
void		 config_free(struct config *);
int		 config_set_port(struct config *, const char *spec);
int		 config_set_string(char **, const char *);
int		 config_parse_floor(const char *, uint16_t *);
int		 config_parse_size(const char *, uint64_t min, uint64_t max,
		    uint64_t *);
const char	*config_proto_name(uint8_t);
int		 config_parse_duration(const char *, uint64_t min,
		    uint64_t max, uint64_t *);

bool		 config_exception_live(const struct config_exception *,
		    time_t now);
/* Days before its end an exception is reported as expiring. */
#define CONFIG_EXPIRING_DAYS	14
bool		 config_exception_expiring(const struct config_exception *,
		    time_t now);
const struct config_exception *config_exception_match(const struct config *,
		    int family, const uint8_t *cli, const uint8_t *srv,
		    uint8_t proto, time_t now);
const char	*config_endpoint_label(const struct config *, const char *name);
const struct config_exception *config_exception_match_any(
		    const struct config *, int family, const uint8_t *cli,
		    const uint8_t *srv, uint8_t proto);
/* The configuration this thread's pipeline runs with (flow.c sets it at
 * start and on reload); the stages read it instead of asking flow.c. */
const struct config *config_active(void);
void		 config_set_active(const struct config *);

#endif /* TLSFLOOR_CONFIG_H */
