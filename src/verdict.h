/*
 * verdict.h -- pipeline stage 7: what one mail session tells about its
 * client.
 *
 * The mail and TLS stages record findings in the flow's struct session as
 * they see them; when the flow ends verdict_finish() turns the findings into
 * an outcome and a reason and hands the session to the outputs.
 */
#ifndef TLSFLOOR_VERDICT_H
#define TLSFLOOR_VERDICT_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "caps.h"

struct config;
struct config_exception;
struct flow;
struct tls_client_hello;
struct tls_server_hello;
struct tls_cert;

enum dir {
	DIR_C2S = 0,		/* client to server */
	DIR_S2C = 1,		/* server to client */
};

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
	bool		 inspect_done[2]; /* parsers need no more bytes */
	bool		 plaintext_final; /* STARTTLS no longer possible */
	bool		 tls_first;	/* client opened with TLS: implicit */
	uint32_t	 mail_lines;	/* protocol lines recognised */
	uint32_t	 server_tls_after_ch; /* server TLS bytes after CH */
	uint8_t		 close_how[2];	/* CLOSE_FIN / CLOSE_RST */
	uint8_t		 close_order[2]; /* 1 = this side closed first */
	uint8_t		 nclosed;
	uint8_t		 end;		/* enum end */
};

struct verdict {
	enum outcome	 outcome;
	enum reason	 reason;
	enum reason	 base_reason;	/* before exceptions were applied */
	uint16_t	 client_max;	/* 0 when no ClientHello was seen */
	uint16_t	 negotiated;	/* 0 when no ServerHello was seen */
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

void		 verdict_init(const struct config *);
void		 verdict_tick(uint64_t now_us);
void		 verdict_flush(void);
void		 verdict_set_config(const struct config *);
void		 verdict_set_floor(uint16_t);
uint16_t	 verdict_floor(void);
void		 verdict_policy(const struct flow *, struct verdict *);
size_t		 verdict_exception_uses(size_t i);
void		 verdict_report_exceptions(void);
void		 verdict_expiring_exceptions(time_t now);
void		 verdict_judge(const struct flow *, struct verdict *);
void		 verdict_finish(struct flow *);
void		 verdict_free(struct session *);
const char	*verdict_outcome_name(enum outcome);
const char	*verdict_reason_name(enum reason);
const char	*verdict_cleartext_name(const struct flow *);
uint64_t	 verdict_count(enum reason);

#endif /* TLSFLOOR_VERDICT_H */
