/*
 * line.c -- bounded line splitter for the text mail protocols.
 *
 * Hands out one line at a time from a direction's byte stream, without its
 * CR LF (a bare LF also ends a line: some clients send one).  A line that
 * lies wholly inside the bytes given is returned in place, without a copy;
 * only a line split across deliveries is gathered into a LINE_MAX_LEN
 * buffer.  A longer line is cut to LINE_MAX_LEN (counted) and the rest of it
 * is consumed unseen: no command or reply we act on comes close.
 */
#include <string.h>

#include "budget.h"
#include "session.h"
#include "caps.h"
#include "line.h"
#include "stats.h"

static void	line_keep(struct line_buf *, const uint8_t *,
		    size_t);

static void
line_keep(struct line_buf *lb, const uint8_t *p, size_t n)
{
	size_t	room;

	if (lb->buf == NULL &&
	    (lb->buf = budget_alloc(LINE_MAX_LEN)) == NULL) {
		lb->overflow = true;	/* no memory: behave as if cut */
		return;
	}
	room = LINE_MAX_LEN - lb->len;
	if (n > room) {
		if (!lb->overflow)
			STAT_INC(MAIL_LINE_LONG);
		lb->overflow = true;
		n = room;
	}
	memcpy(lb->buf + lb->len, p, n);
	lb->len += (uint16_t)n;
}

/*
 * Consume bytes up to and including the next LF.  Returns how many bytes
 * were used; *line is the complete line (valid until the next call) or
 * NULL when the bytes ran out first and were kept for later.
 */
size_t
line_next(struct line_buf *lb, const uint8_t *p, size_t n,
    const uint8_t **line, size_t *len)
{
	const uint8_t	*lf = memchr(p, '\n', n);
	size_t		 used = lf != NULL ? (size_t)(lf - p) + 1 : n;

	*line = NULL;
	*len = 0;
	lb->after_gap = false;
	if (lf == NULL) {
		line_keep(lb, p, n);
		return n;
	}
	if (lb->len == 0 && !lb->overflow) {
		*line = p;
		*len = used - 1;
	} else {
		line_keep(lb, p, used - 1);
		*line = lb->buf != NULL ? lb->buf : p;
		*len = lb->buf != NULL ? lb->len : 0;
		lb->len = 0;
		lb->overflow = false;
	}
	if (*len > 0 && (*line)[*len - 1] == '\r')
		(*len)--;
	if (*len > LINE_MAX_LEN) {	/* an in-place line, far too long */
		STAT_INC(MAIL_LINE_LONG);
		*len = LINE_MAX_LEN;
	}
	lb->after_gap = lb->resync;
	lb->resync = false;
	return used;
}

/*
 * After a gap the partial line is garbage: drop it.  The next line may be
 * the tail of a lost one or a whole line (the gap ended where a line did);
 * it is returned with after_gap set, for the parser to judge by its shape.
 */
void
line_resync(struct line_buf *lb)
{
	lb->len = 0;
	lb->overflow = false;
	lb->resync = true;
}

bool
line_pending(const struct line_buf *lb)
{
	return lb->len > 0 || lb->resync;
}

void
line_free(struct line_buf *lb)
{
	budget_free(lb->buf, LINE_MAX_LEN);
	lb->buf = NULL;
	lb->len = 0;
}
