/*
 * line.h -- bounded CRLF line splitter shared by the mail parsers.
 */
#ifndef TLSFLOOR_LINE_H
#define TLSFLOOR_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct conn;

struct line_buf {
	uint8_t		*buf;		/* LINE_MAX_LEN bytes; owned, lazy */
	uint16_t	 len;		/* bytes of the partial line held */
	bool		 overflow;	/* this line outgrew LINE_MAX_LEN */
	bool		 resync;	/* a gap came before the line in hand */
	bool		 after_gap;	/* the line returned followed a gap */
};

size_t	line_next(struct line_buf *, const uint8_t *, size_t,
	    const uint8_t **, size_t *);
void	line_resync(struct line_buf *);
void	line_free(struct line_buf *);
bool	line_pending(const struct line_buf *);

#endif /* TLSFLOOR_LINE_H */
