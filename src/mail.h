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
 * The protocol parsers themselves are pure (mailproto.h): mail.c hands
 * them lines and applies what they return to the session.
 */
#ifndef TLSFLOOR_MAIL_H
#define TLSFLOOR_MAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "caps.h"
#include "line.h"
#include "mailproto.h"

struct conn;

/*
 * mail_input(), mail_gap() and mail_replay() return the directions
 * (DIR_BIT) the mail and TLS parsers need no more bytes of: reassembly
 * stops delivering those, and a flow with both done costs a lookup per
 * packet from then on.
 */
unsigned mail_input(struct conn *, enum dir dir, const uint8_t *, size_t);
unsigned mail_gap(struct conn *, enum dir dir);
void	mail_free(struct conn *);
unsigned mail_replay(struct conn *);
uint8_t	mail_sniff(const struct conn *);

/* A STARTTLS-port flow's mail state (struct flow's mail; mail.c's own). */
struct mail_state {
	struct line_buf	 lb[2];		/* partial line per direction */
	uint64_t	 skip[2];	/* literal / BDAT bytes to pass over */
	size_t		 plain[2];	/* plaintext bytes inspected */
	uint8_t		*held;		/* client bytes after STARTTLS; owned */
	uint32_t	 held_len;
	uint32_t	 held_gap;	/* offset of a hole in held, or ~0 */
	bool		 holding;	/* STARTTLS sent, reply pending */
	bool		 in_tls[2];	/* this direction now carries TLS */
	uint8_t		 probe[2];	/* a lone first byte, kept until the
					   next says whether this is TLS */
	bool		 probed[2];	/* probe[dir] holds that byte */
	uint8_t		*replay[2];	/* bytes seen while nDPI decides;
					   owned, MAIL_MAX_REPLAY each */
	uint32_t	 replay_len[2];
	bool		 replay_cut[2];	/* more came than was kept */
	bool		 done[2];	/* nothing more to read in it */
	union {
		struct pop3_state pop3;
		struct imap_state imap;
		struct smtp_state smtp;
	} u;
};

#endif /* TLSFLOOR_MAIL_H */
