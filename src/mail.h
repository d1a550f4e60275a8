/*
 * mail.h -- pipeline stage 5: the mail protocols and their STARTTLS.
 *
 * reasm.c hands each direction's bytes to mail_input().  mail.c splits them
 * into lines for the protocol state machine of the flow (pop3.c, imap.c,
 * smtp.c), holds the client's bytes after a STARTTLS until the server's
 * reply says what they are, and from the positive reply on passes both
 * directions to tls_input().  On implicit-TLS ports everything goes to TLS
 * at once.
 *
 * The second half of this header is the interface between mail.c and the
 * three protocol files; nothing outside the mail stage uses it.
 */
#ifndef TLSFLOOR_MAIL_H
#define TLSFLOOR_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "caps.h"
#include "line.h"

struct conn;

void	mail_input(struct conn *, int dir, const uint8_t *, size_t);
void	mail_gap(struct conn *, int dir);
void	mail_free(struct conn *);
void	mail_replay(struct conn *);
uint8_t	mail_sniff(const struct conn *);

/* --- inside the mail stage ------------------------------------------------- */

/* Commands awaiting a reply, oldest first (pipelining, RFC 2920/2449). */
struct mail_cmdq {
	uint8_t		 v[MAIL_MAX_PENDING_CMDS];
	uint8_t		 head;
	uint8_t		 n;
};

struct pop3_state {
	struct mail_cmdq q;
	bool		 multiline;	/* inside a multi-line +OK body */
	bool		 capa;		/* ...and that body is CAPA's */
	bool		 sasl;		/* AUTH exchange: client lines are data */
};

struct imap_state {
	char		 stls_tag[IMAP_MAX_TAG];	/* STARTTLS's tag */
	char		 auth_tag[IMAP_MAX_TAG];	/* LOGIN/AUTHENTICATE's */
	char		 cmd_tag[IMAP_MAX_TAG];	/* the client command's */
	uint8_t		 stls_len, auth_len, cmd_len;
	bool		 sasl;		/* AUTHENTICATE exchange under way */
	bool		 lit_wait;	/* a synchronizing literal awaits "+" */
	uint32_t	 lit_len;	/* ... of this many bytes */
	bool		 login_lit;	/* ... and it is a LOGIN's */
};

struct smtp_state {
	struct mail_cmdq q;
	bool		 body;		/* client is sending DATA content */
	bool		 sasl;		/* AUTH exchange: client lines are data */
};

struct mail_state {
	struct line_buf	 lb[2];		/* partial line per direction */
	uint64_t	 skip[2];	/* literal / BDAT bytes to pass over */
	size_t		 plain[2];	/* plaintext bytes inspected */
	uint8_t		*held;		/* client bytes after STARTTLS; owned */
	uint32_t	 held_len;
	uint32_t	 held_gap;	/* offset of a hole in held, or ~0 */
	bool		 holding;	/* STARTTLS sent, reply pending */
	bool		 in_tls[2];	/* this direction now carries TLS */
	bool		 cont[2];	/* next line continues after a literal */
	uint8_t		 probe[2];	/* a lone first byte, kept until the
					   next says whether this is TLS */
	bool		 probed[2];	/* probe[dir] holds that byte */
	uint8_t		*replay[2];	/* bytes seen while nDPI decides;
					   owned, MAIL_MAX_REPLAY each */
	uint32_t	 replay_len[2];
	bool		 replay_cut[2];	/* more came than was kept */
	uint8_t		 sasl_ct;	/* CT_SASL_* of an AUTH exchange whose
					   password has not gone by yet */
	uint8_t		 sasl_step;	/* LOGIN: 1 once the user name went */
	union {
		struct pop3_state pop3;
		struct imap_state imap;
		struct smtp_state smtp;
	} u;
};

/* Called by the protocol files. */
void	mail_starttls_sent(struct conn *, struct mail_state *);
void	mail_starttls_reply(struct conn *, struct mail_state *, bool ok);
void	mail_plaintext_final(struct conn *);
void	mail_starttls_offered(struct conn *);
void	mail_line_seen(struct conn *);
struct mail_info *mail_info(struct conn *);
void	mail_info_set(uint8_t *, uint8_t *, size_t, const uint8_t *, size_t);
void	mail_mech(struct conn *, const uint8_t *, size_t);
void	mail_mechs(struct conn *, const uint8_t *, size_t, size_t);
void	mail_cred(struct conn *, uint8_t);
void	mail_user(struct conn *, const uint8_t *, size_t);
void	mail_sasl_start(struct conn *, struct mail_state *, const uint8_t *,
	    size_t, const uint8_t *, size_t);
void	mail_sasl_line(struct conn *, struct mail_state *, const uint8_t *,
	    size_t);
size_t	mail_token(const uint8_t *, size_t, size_t, const uint8_t **,
	    size_t *);
bool	mail_tok_is(const uint8_t *, size_t, const char *);
bool	mail_has_word(const uint8_t *, size_t, const char *);

void	pop3_init(struct conn *, struct pop3_state *);
void	pop3_line(struct conn *, struct mail_state *, int dir,
	    const uint8_t *, size_t);
void	imap_line(struct conn *, struct mail_state *, int dir,
	    const uint8_t *, size_t);
void	smtp_init(struct conn *, struct smtp_state *);
void	smtp_line(struct conn *, struct mail_state *, int dir,
	    const uint8_t *, size_t);

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

#endif /* TLSFLOOR_MAIL_H */
