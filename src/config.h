/*
 * config.h -- the run's settings: defaults, command-line overrides, and (with
 * YAML) the configuration file.  Immutable once the pipeline runs.
 */
#ifndef TLSFLOOR_CONFIG_H
#define TLSFLOOR_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

enum out_format {
	OUT_JSON,
	OUT_TEXT,
};

enum scope {
	SCOPE_MAIL,		/* mail ports only (default) */
	SCOPE_ALL_TLS,		/* also every other TCP flow that starts TLS */
};

struct config {
	uint16_t	 floor;		/* lowest acceptable version, 0x0303 */
	enum out_format	 format;
	enum scope	 scope;
	const char	*out_path;	/* events; NULL is stdout */
	bool		 out_flush;	/* flush after every event (live input) */
	/* limits (limits.h has the defaults and the reasons) */
	uint32_t	 max_flows;
	uint32_t	 idle_timeout;	/* s */
	uint32_t	 linger;	/* s */
	size_t		 memcap;	/* bytes, flows + stream buffers */
	size_t		 stream_buf;	/* out-of-order bytes per direction */
	size_t		 plain_depth;	/* plaintext bytes inspected per dir */
	uint8_t		 port_map[65536];	/* server port -> proto|flags */
};

struct config	*config_default(void);
void		 config_free(struct config *);
int		 config_set_port(struct config *, const char *spec);
int		 config_parse_floor(const char *, uint16_t *);
int		 config_parse_size(const char *, uint64_t min, uint64_t max,
		    uint64_t *);

#endif /* TLSFLOOR_CONFIG_H */
