/*
 * session.h -- ground: the session record.
 *
 * struct conn is what every stage below the flow table and every output
 * sees of one TCP connection: who talks to whom, what was counted, each
 * stage's own state, and struct session, the findings the stages write as
 * they see them and verdict.c reads when the connection ends.  flow.c
 * embeds a struct conn in each struct flow and hands the stages a pointer
 * to it; nothing here knows about the flow table, so a stage (or its test)
 * needs only this header.
 *
 * The names of outcomes, reasons and clear-text mechanisms live here too:
 * the outputs, the inventory and the store print them.
 */
#ifndef TLSFLOOR_SESSION_H
#define TLSFLOOR_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "caps.h"

struct config_exception;
struct tls_client_hello;
struct tls_server_hello;
struct tls_cert;
struct mail_state;
struct tls_state;
struct classify_state;

enum dir {
	DIR_C2S = 0,		/* client to server */
	DIR_S2C = 1,		/* server to client */
};

/* Directions as bits: what mail_input() and tls_input() report done. */
#define DIR_BIT(d)	(1u << (d))
#define DIR_BOTH	(DIR_BIT(DIR_C2S) | DIR_BIT(DIR_S2C))

/* What happened to the TLS handshake (or why there was none). */
enum outcome {
	OC_ESTABLISHED,		/* ServerHello seen */
	OC_REFUSED,		/* server sent a fatal alert */
	OC_SERVER_CLOSE,	/* server hung up after the ClientHello */
	OC_CLIENT_ABORT,	/* client gave up before the server answered */
	OC_GAP,			/* a hole in the capture hid a hello */
	OC_INCOMPLETE,		/* capture ended or neither side finished */
	OC_PLAINTEXT,		/* mail session that never tried TLS */
	OC_STARTTLS_REFUSED,	/* server said no to STARTTLS / STLS */
	OC_MAX
};

/* What the admin should make of it, worst first. */
enum reason {
	RS_CLEARTEXT_CREDENTIALS, /* the client sent a password before TLS */
	RS_LEGACY_REFUSED,	/* legacy-only client refused by the server */
	RS_EXCEPTION_EXPIRED,	/* legacy, and its exception has run out */
	RS_LEGACY_CLIENT,	/* client offers nothing at or above floor */
	RS_LEGACY_NEGOTIATED,	/* client could, server chose below floor */
	RS_PLAINTEXT,		/* no TLS at all */
	RS_UNKNOWN,		/* not enough seen to judge */
	RS_OK,
	RS_MAX
};

/* Why the flow ended. */
enum end {
	END_NONE,
	END_FIN,
	END_RST,
	END_TIMEOUT,
	END_EOF,
	END_EVICTED,
};

enum starttls {
	STARTTLS_NONE,		/* never asked */
	STARTTLS_SENT,		/* asked, no reply seen */
	STARTTLS_ACCEPTED,
	STARTTLS_REFUSED,
};

/*
 * How a client sent its credentials before any TLS (mail.c).  APOP sends
 * the user name in clear and an MD5 digest of the password and a server
 * timestamp: not the password itself, but readable and open to an offline
 * guess, so it is reported too.  CRAM-MD5, SCRAM and the like are not.
 */
enum cleartext {
	CT_NONE,
	CT_USER_PASS,		/* POP3 USER, PASS */
	CT_APOP,		/* POP3 APOP */
	CT_LOGIN,		/* IMAP LOGIN */
	CT_SASL_PLAIN,		/* IMAP AUTHENTICATE / POP3, SMTP AUTH PLAIN */
	CT_SASL_LOGIN,		/* ... LOGIN */
	CT_MAX
};

/* What the two sides said of themselves in plaintext (caps.h sizes);
 * allocated by mail.c for a flow with plaintext lines, NULL otherwise. */
enum { MI_ID_NAME, MI_ID_VERSION, MI_ID_VENDOR, MI_ID_OS, MI_ID_MAX };
struct mail_info {
	uint8_t		 banner[MAIL_MAX_BANNER];	/* server's 1st line */
	uint8_t		 helo[MAIL_MAX_HELO];		/* SMTP EHLO/HELO */
	uint8_t		 id[MI_ID_MAX][MAIL_MAX_ID_VALUE]; /* IMAP ID */
	uint8_t		 user[MAIL_MAX_USER];	/* privacy.log_user only */
	char		 mechs[MAIL_MAX_MECHS];	/* "PLAIN LOGIN", NUL-ended */
	uint8_t		 banner_len, helo_len, user_len;
	uint8_t		 id_len[MI_ID_MAX];
	bool		 banner_seen;	/* the first server line went by */
	bool		 helo_seen, id_seen, user_seen;
};

#define CLOSE_FIN	1
#define CLOSE_RST	2

struct tls_alert {
	bool		 seen;
	bool		 after_sh;	/* sent after the ServerHello */
	uint8_t		 level;		/* 1 warning, 2 fatal */
	uint8_t		 desc;		/* RFC 8446 6 AlertDescription */
};

struct session {
	struct tls_client_hello *ch;	/* owned; NULL until parsed */
	struct tls_server_hello *sh;	/* owned; NULL until parsed */
	struct tls_cert	*cert;		/* owned; the server's, TLS <= 1.2 */
	struct tls_alert alert[2];	/* first alert from each side */
	uint8_t		 starttls;	/* enum starttls */
	bool		 starttls_offered; /* server advertised it */
	uint8_t		 cleartext;	/* enum cleartext: credentials seen
					 * before TLS, CT_NONE if none */
	struct mail_info *info;		/* owned; NULL if nothing was said */
	bool		 tls[2];	/* TLS bytes seen from each side */
	bool		 tls_record[2];	/* a well-formed TLS record (or SSLv2
					 * hello) header from each side */
	bool		 not_tls[2];	/* side sent bytes that are not TLS */
	bool		 bad_hello[2];	/* hello present but malformed */
	bool		 hello_gap[2];	/* a hole swallowed the hello */
	bool		 plaintext_final; /* STARTTLS no longer possible */
	bool		 tls_first;	/* client opened with TLS: implicit */
	uint32_t	 mail_lines;	/* protocol lines recognised */
	uint32_t	 server_tls_after_ch; /* server TLS bytes after CH */
	uint8_t		 close_how[2];	/* CLOSE_FIN / CLOSE_RST */
	uint8_t		 close_order[2]; /* 1 = this side closed first */
	uint8_t		 nclosed;
	uint8_t		 end;		/* enum end */
	bool		 stream_gap;	/* reassembly skipped a hole */
	bool		 stream_conflict; /* overlapping bytes disagreed */
};

/* What verdict.c made of a session (the outputs print it). */
struct verdict {
	enum outcome	 outcome;
	enum reason	 reason;
	enum reason	 base_reason;	/* before exceptions were applied */
	uint16_t	 client_max;	/* 0 when no ClientHello was seen */
	uint16_t	 negotiated;	/* 0 when no ServerHello was seen */
	uint16_t	 floor;		/* the floor it was judged against */
	int		 severity;	/* syslog severity, LOG_ERR..LOG_INFO */
	bool		 alert;		/* raise an alert now */
	bool		 repeat;	/* an alert de-duplication held back */
	const struct config_exception *exception; /* matched, live or not */
	bool		 exception_live;
};

/* A run of repeated alerts that de-duplication held back. */
struct alert_summary {
	uint8_t		 family;	/* 4 or 6 */
	uint8_t		 proto;		/* enum proto */
	uint8_t		 cli[16], srv[16];
	uint16_t	 srv_port;	/* of the last session */
	enum reason	 reason;
	uint16_t	 version;	/* negotiated, else client_max; 0 none */
	int		 severity;
	uint64_t	 window_start;	/* us: the alert that opened it */
	uint64_t	 window_end;	/* us */
	uint64_t	 first_ts, last_ts; /* us: the sessions held back */
	uint64_t	 count;		/* sessions held back (not alerted) */
};

/* struct conn's fflags. */
#define FLOW_F_MIDSTREAM	0x01	/* no SYN seen: picked up mid-session */
#define FLOW_F_IMPLICIT		0x02	/* TLS from the first byte (993...) */
#define FLOW_F_CLOSED		0x04	/* ended; lingering to absorb strays */
#define FLOW_F_KNOWN		0x08	/* both directions judged: fast path */
#define FLOW_F_DPI		0x10	/* no watched port: nDPI is looking */
#define FLOW_F_BY_DPI		0x20	/* nDPI said what it is */
#define FLOW_F_BY_BANNER	0x40	/* ...or, after it gave up, the greeting */

/*
 * One connection as the stages and outputs see it.  The first fields are
 * the ones a flow lookup compares (struct flow puts this record right after
 * its hash chain), then what a packet of a judged flow updates.
 */
struct conn {
	uint16_t	 cli_port, srv_port;
	uint8_t		 family;	/* 4 or 6 */
	uint8_t		 proto;		/* enum proto */
	uint8_t		 fflags;	/* FLOW_F_* */
	uint16_t	 vlan;		/* outermost VLAN id, 0 if none */
	uint8_t		 cli[16], srv[16];	/* IPv4 in the first 4 bytes */
	uint64_t	 last_ts;	/* us, latest capture time seen */
	uint64_t	 pkts[2];	/* per direction, enum dir */
	uint64_t	 bytes[2];	/* payload bytes on the wire, per dir */
	uint64_t	 id;		/* creation order, 1-based */
	uint64_t	 first_ts;	/* us, first packet's capture time */
	const char	*origin;	/* capture file or interface */
	uint64_t	 first_pktno;	/* packet number in origin */
	struct mail_state *mail;	/* owned; mail.c allocates */
	struct tls_state *tls;		/* owned; tls.c allocates */
	struct classify_state *dpi;	/* owned; classify.c allocates */
	struct session	 sess;		/* findings for the verdict */
};

const char	*session_outcome_name(enum outcome);
const char	*session_reason_name(enum reason);
const char	*session_cleartext_name(const struct conn *);

#endif /* TLSFLOOR_SESSION_H */
