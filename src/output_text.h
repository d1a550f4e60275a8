/*
 * output_text.h -- the one-line text form of sessions (output_text.c).
 */
#ifndef TLSFLOOR_OUTPUT_TEXT_H
#define TLSFLOOR_OUTPUT_TEXT_H

#include <stddef.h>
#include <stdio.h>

struct alert_summary;
struct config;
struct conn;
struct verdict;

void	output_text_session(FILE *, const struct config *, const struct conn *,
	    const struct verdict *);
void	output_text_summary(FILE *, const struct alert_summary *);
size_t	output_text_escape(const char *, char *, size_t);

#endif /* TLSFLOOR_OUTPUT_TEXT_H */
