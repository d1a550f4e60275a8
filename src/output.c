/*
 * output.c -- pipeline stage 8: hand finished sessions to the sink.
 *
 * Receives each judged session from verdict.c and writes it with the sink
 * the run was configured for (JSON Lines by default, or one text line) to
 * standard output or the configured file.  Also holds the formatting the
 * sinks share: addresses, UTC timestamps, and cleaning wire bytes to
 * printable ASCII before they reach any text.
 *
 * A write error is reported once (log_warn) and counted; the analysis
 * goes on.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "config.h"
#include "flow.h"
#include "log.h"
#include "output.h"
#include "stats.h"
#include "verdict.h"

static FILE		*out_fp;
static bool		 out_owned;	/* we opened it, we close it */
static bool		 out_warned;
static const struct sink *out_sink;
static const char	*out_name;
static bool		 out_flush;

int
output_open(const struct config *cfg)
{
	out_sink = cfg->format == OUT_TEXT ? &output_text_sink :
	    &output_json_sink;
	out_flush = cfg->out_flush;
	if (cfg->out_path == NULL || strcmp(cfg->out_path, "-") == 0) {
		out_fp = stdout;
		out_name = "stdout";
		return 0;
	}
	if ((out_fp = fopen(cfg->out_path, "a")) == NULL)
		return -1;
	out_owned = true;
	out_name = cfg->out_path;
	return 0;
}

void
output_session(const struct flow *f, const struct verdict *v)
{
	if (out_fp == NULL)
		return;
	out_sink->session(out_fp, f, v);
	if (out_flush)
		fflush(out_fp);
	if (ferror(out_fp)) {
		STAT_INC(OUT_ERRORS);
		if (!out_warned)
			log_warn("%s: write", out_name);
		out_warned = true;
		clearerr(out_fp);
	}
}

int
output_close(void)
{
	int	rc = 0;

	if (out_fp == NULL)
		return 0;
	if (fflush(out_fp) != 0) {
		log_warn("%s: write", out_name);
		rc = -1;
	}
	if (out_owned && fclose(out_fp) != 0)
		rc = -1;
	out_fp = NULL;
	return rc;
}

/* The client's (server == 0) or server's address, without the port. */
void
output_ip(const struct flow *f, int server, char *buf, size_t len)
{
	const uint8_t	*a = server ? f->srv : f->cli;

	if (inet_ntop(f->family == 4 ? AF_INET : AF_INET6, a, buf,
	    (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
}

/* RFC 3339 in UTC with microseconds: 2026-01-01T00:00:00.000000Z. */
void
output_time(uint64_t us, char *buf, size_t len)
{
	time_t		t = (time_t)(us / 1000000u);
	struct tm	tm;
	char		base[24];

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm) == 0) {
		snprintf(buf, len, "?");
		return;
	}
	snprintf(buf, len, "%s.%06uZ", base, (unsigned)(us % 1000000u));
}

/*
 * Wire bytes for humans and logs: printable ASCII stays, anything else
 * becomes \xNN, and a backslash becomes \x5c so the result is unambiguous.
 * Returns the length written (always NUL-terminated, truncated to fit).
 */
size_t
output_clean(const uint8_t *p, size_t n, char *buf, size_t len)
{
	static const char	hex[] = "0123456789abcdef";
	size_t			i, o = 0;

	if (len == 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\') {
			if (o + 1 >= len)
				break;
			buf[o++] = (char)p[i];
		} else {
			if (o + 4 >= len)
				break;
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[p[i] >> 4];
			buf[o++] = hex[p[i] & 15];
		}
	}
	buf[o] = '\0';
	return o;
}

const char *
output_proto(const struct flow *f)
{
	switch (f->proto) {
	case PROTO_POP3:
		return "pop3";
	case PROTO_IMAP:
		return "imap";
	case PROTO_SMTP:
		return "smtp";
	}
	return "tls";
}

/* starttls | implicit | plain: how TLS was (or was not) reached. */
const char *
output_mode(const struct flow *f)
{
	if (f->fflags & FLOW_F_IMPLICIT)
		return "implicit";
	if (f->sess.starttls == STARTTLS_ACCEPTED || f->sess.tls[DIR_C2S] ||
	    f->sess.tls[DIR_S2C])
		return "starttls";
	return "plain";
}

const char *
output_end(const struct flow *f)
{
	switch (f->sess.end) {
	case END_FIN:
		return "fin";
	case END_RST:
		return "rst";
	case END_TIMEOUT:
		return "timeout";
	case END_EOF:
		return "end_of_input";
	case END_EVICTED:
		return "evicted";
	}
	return "unknown";
}
