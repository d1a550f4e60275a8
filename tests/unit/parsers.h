/*
 * parsers.h -- the protocol parsers' own unit tests (tests/unit/parsers_*.c).
 *
 * These link only src/pop3.o, imap.o, smtp.o and mailproto.o with Check:
 * no flow, reassembly, TLS, verdict or output.  The Makefile builds them
 * into tests/unit/parsers, apart from unit_tests, so that a parser that
 * reaches for anything above mailproto.h fails to link.  Each test feeds
 * lines (without CR LF) to a parser state it owns and checks the event and
 * the facts returned.
 */
#ifndef TLSFLOOR_PARSERS_H
#define TLSFLOOR_PARSERS_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mailproto.h"

Suite	*mailproto_suite(void);
Suite	*pop3_line_suite(void);
Suite	*imap_line_suite(void);
Suite	*smtp_line_suite(void);

/* The span holds exactly s. */
bool	pt_span_is(struct mail_span, const char *);
/* The mechanisms of mf, space-separated, into buf (cap bytes). */
const char *pt_mechs(const struct mail_facts *, char *, size_t);
/* Every span of mf lies inside the n bytes at l (fails the test if not). */
void	pt_spans_inside(const struct mail_facts *, const uint8_t *, size_t);
/* The user name of a SASL response in mf, decoded ("" if none). */
const char *pt_sasl_user(const struct mail_facts *, char *, size_t);

#endif /* TLSFLOOR_PARSERS_H */
