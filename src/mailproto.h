/*
 * mailproto.h -- the three mail protocol parsers (pop3.c, imap.c, smtp.c)
 * and what they share.
 *
 * A parser is handed one line (without its CR LF), the direction it came
 * from and its own protocol state.  It returns what the line did to
 * STARTTLS (enum mail_ev) and fills a struct mail_facts with what else it
 * recognised; the facts' spans point into the line and live as long as
 * it.  A parser knows no flow, configuration or memory budget, and of
 * the session only its names (session.h: enum dir, the CT_* credential
 * kinds, the MI_ID_* fields): it allocates nothing, counts nothing and
 * calls nobody above this header.  mail.c cuts the byte stream into
 * lines, switches on the event and writes the facts into the session.
 *
 * Lines are whole when they get here (line.c gathers them; "need more"
 * is the splitter's business), so a line is either recognised or not:
 * there is no NEED_MORE or BAD event.
 */
#ifndef TLSFLOOR_MAILPROTO_H
#define TLSFLOOR_MAILPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "caps.h"
#include "session.h"

/* What a line did to STARTTLS; mail.c acts on it. */
enum mail_ev {
	MAIL_EV_NONE,
	MAIL_EV_STARTTLS_SENT,		/* the client asked: hold what
					   it sends next */
	MAIL_EV_STARTTLS_ACCEPTED,	/* the server said yes: TLS next */
	MAIL_EV_STARTTLS_REFUSED,	/* no: the held bytes are lines */
	MAIL_EV_PLAINTEXT_FINAL,	/* logged in (or PREAUTH): STARTTLS
					   can no longer come */
};

/* How the mechanisms in mail_facts.mechs are written. */
enum mail_mechs {
	MAIL_MECHS_NONE,
	MAIL_MECHS_LIST,	/* every token: "PLAIN LOGIN" (SMTP, POP3) */
	MAIL_MECHS_AUTH_EQ,	/* tokens "AUTH=PLAIN" among others (IMAP) */
};

/* Bytes of the line; p is NULL (and n 0) when absent. */
struct mail_span {
	const uint8_t	*p;
	size_t		 n;
};

/* What one line said besides its event.  Zeroed by the parser. */
struct mail_facts {
	bool		 line;		/* a command or status line */
	bool		 starttls_offered; /* CAPA, CAPABILITY, EHLO list it */
	bool		 queue_full;	/* a command not tracked: too many
					   awaited a reply */
	uint8_t		 cred;		/* enum cleartext sent on this line */
	struct mail_span user;		/* user name, as sent */
	uint8_t		 user_sasl;	/* MAIL_CRED_SASL_*: user is that
					   mechanism's response, base64
					   (mail_sasl_user() reads it) */
	struct mail_span helo;		/* SMTP EHLO / HELO argument */
	struct mail_span mechs;		/* SASL mechanisms the server offers
					   (mail_mech_next() walks them) */
	uint8_t		 mechs_form;	/* enum mail_mechs */
	bool		 id;		/* an IMAP ID with a field list */
	struct mail_span id_val[MI_ID_MAX];	/* its values (first
						   non-empty of each) */
	bool		 skip_set[2];	/* skip[dir] is new */
	uint64_t	 skip[2];	/* bytes after this line to pass over
					   unread: a literal, a BDAT chunk */
};

/* Commands awaiting a reply, oldest first (pipelining, RFC 2920/2449). */
struct mail_cmdq {
	uint8_t		 v[MAIL_MAX_PENDING_CMDS];
	uint8_t		 head;
	uint8_t		 n;
};

/* An AUTH exchange followed until its password has gone by. */
struct mail_sasl {
	uint8_t		 ct;		/* MAIL_CRED_SASL_*, or NONE */
	uint8_t		 step;		/* LOGIN: 1 once the user name went */
};

struct pop3_state {
	struct mail_cmdq q;
	struct mail_sasl sa;
	bool		 multiline;	/* inside a multi-line +OK body */
	bool		 capa;		/* ...and that body is CAPA's */
	bool		 sasl;		/* AUTH exchange: client lines are data */
};

struct imap_state {
	char		 stls_tag[IMAP_MAX_TAG];	/* STARTTLS's tag */
	char		 auth_tag[IMAP_MAX_TAG];	/* LOGIN/AUTHENTICATE's */
	char		 cmd_tag[IMAP_MAX_TAG];	/* the client command's */
	uint8_t		 stls_len, auth_len, cmd_len;
	struct mail_sasl sa;
	bool		 sasl;		/* AUTHENTICATE exchange under way */
	bool		 lit_wait;	/* a synchronizing literal awaits "+" */
	uint32_t	 lit_len;	/* ... of this many bytes */
	bool		 login_lit;	/* ... and it is a LOGIN's */
	bool		 cont[2];	/* next line continues after a literal */
};

struct smtp_state {
	struct mail_cmdq q;
	struct mail_sasl sa;
	bool		 body;		/* client is sending DATA content */
	bool		 sasl;		/* AUTH exchange: client lines are data */
};

/*
 * The parsers.  A state starts zeroed; pop3_init() and smtp_init() say
 * whether the session was seen from its start (then the first status
 * line is the greeting).  imap_gap() forgets a literal the gap cut.
 */
void		pop3_init(struct pop3_state *, bool midstream);
enum mail_ev	pop3_line(struct pop3_state *, enum dir dir, const uint8_t *,
		    size_t, struct mail_facts *);
enum mail_ev	imap_line(struct imap_state *, enum dir dir, const uint8_t *,
		    size_t, struct mail_facts *);
void		imap_gap(struct imap_state *, enum dir dir);
/*
 * After a gap: whether a line starts the way this side of the protocol
 * starts its lines (then it is whole; else the tail of a cut one).
 */
bool		pop3_whole(enum dir dir, const uint8_t *, size_t);
bool		imap_whole(enum dir dir, const uint8_t *, size_t);
bool		smtp_whole(enum dir dir, const uint8_t *, size_t);
void		smtp_init(struct smtp_state *, bool midstream);
enum mail_ev	smtp_line(struct smtp_state *, enum dir dir, const uint8_t *,
		    size_t, struct mail_facts *);

/* Shared by the parsers (mailproto.c). */
size_t	mail_token(const uint8_t *, size_t, size_t, const uint8_t **,
	    size_t *);
bool	mail_tok_is(const uint8_t *, size_t, const char *);
bool	mail_has_word(const uint8_t *, size_t, const char *);
bool	mail_cmd_at(const uint8_t *, size_t, size_t);
void	mail_sasl_start(struct mail_sasl *, const uint8_t *, size_t,
	    const uint8_t *, size_t, struct mail_facts *);
void	mail_sasl_line(struct mail_sasl *, const uint8_t *, size_t,
	    struct mail_facts *);

/* For mail.c, reading the facts. */
size_t	mail_mech_next(const struct mail_facts *, size_t,
	    const uint8_t **, size_t *);
bool	mail_sasl_user(uint8_t, const uint8_t *, size_t, uint8_t *, size_t,
	    const uint8_t **, size_t *);

static inline bool
mail_cmdq_push(struct mail_cmdq *q, uint8_t v)
{
	if (q->n >= MAIL_MAX_PENDING_CMDS)
		return false;
	q->v[(q->head + q->n) % MAIL_MAX_PENDING_CMDS] = v;
	q->n++;
	return true;
}

/* The oldest pending command, or -1. */
static inline int
mail_cmdq_peek(const struct mail_cmdq *q)
{
	return q->n > 0 ? q->v[q->head] : -1;
}

static inline int
mail_cmdq_pop(struct mail_cmdq *q)
{
	int	v;

	if (q->n == 0)
		return -1;
	v = q->v[q->head];
	q->head = (uint8_t)((q->head + 1) % MAIL_MAX_PENDING_CMDS);
	q->n--;
	return v;
}

#endif /* TLSFLOOR_MAILPROTO_H */
