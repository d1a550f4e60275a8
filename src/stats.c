/*
 * stats.c -- the counter array and its names.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "stats.h"

uint64_t	stats[STAT_MAX];

static const char *const stat_names[STAT_MAX] = {
#define STAT_NAME(id, name)	[STAT_##id] = name,
	STATS_LIST(STAT_NAME)
#undef STAT_NAME
};

const char *
stats_name(enum stat_id s)
{
	return s < STAT_MAX ? stat_names[s] : "?";
}

/* Every non-zero counter, "name value" per line, in declaration order. */
void
stats_dump(FILE *fp)
{
	int	i;

	for (i = 0; i < STAT_MAX; i++)
		if (stats[i] != 0)
			fprintf(fp, "  %-36s %" PRIu64 "\n", stat_names[i],
			    stats[i]);
}

static uint64_t
sum_prefix(const char *prefix)
{
	uint64_t	n = 0;
	size_t		len = strlen(prefix);
	int		i;

	for (i = 0; i < STAT_MAX; i++)
		if (strncmp(stat_names[i], prefix, len) == 0)
			n += stats[i];
	return n;
}

/* "a 1, b 2" for the non-zero counters under prefix (name after it). */
static void
list_prefix(FILE *fp, const char *prefix)
{
	size_t	len = strlen(prefix);
	int	i, first = 1;

	for (i = 0; i < STAT_MAX; i++)
		if (stats[i] != 0 && strncmp(stat_names[i], prefix, len) == 0) {
			fprintf(fp, "%s%" PRIu64 " %s", first ? "" : ", ",
			    stats[i], stat_names[i] + len);
			first = 0;
		}
}

/*
 * The end-of-run summary: what was read, what became of the sessions, and
 * what could not be analysed and why.
 */
void
stats_summary(FILE *fp, const char *prog)
{
	uint64_t	skipped = sum_prefix("decode.skip.");
	uint64_t	unanalysed;

	fprintf(fp, "%s: %" PRIu64 " packets (%" PRIu64 " bytes) from %"
	    PRIu64 " file(s), %" PRIu64 " mail flows\n", prog,
	    stats[STAT_PKTS], stats[STAT_BYTES], stats[STAT_FILES],
	    stats[STAT_FLOW_CREATED]);
	fprintf(fp, "%s: %" PRIu64 " sessions", prog, stats[STAT_SESSIONS]);
	if (stats[STAT_SESSIONS] > 0) {
		fputs(": ", fp);
		list_prefix(fp, "session.reason.");
	}
	fputc('\n', fp);
	if (skipped > 0) {
		fprintf(fp, "%s: %" PRIu64 " packets skipped: ", prog, skipped);
		list_prefix(fp, "decode.skip.");
		fputc('\n', fp);
	}
	unanalysed = stats[STAT_REASM_GAPS] + stats[STAT_TLS_GAP] +
	    stats[STAT_TLS_BAD_HELLO] + stats[STAT_TLS_BAD_RECORD] +
	    stats[STAT_FLOW_EVICTED] + stats[STAT_REASM_QUEUE_FULL] +
	    stats[STAT_DEC_SNAPLEN] + stats[STAT_FLOW_MIDSTREAM];
	if (unanalysed > 0) {
		fprintf(fp, "%s: not fully analysed:", prog);
		if (stats[STAT_FLOW_MIDSTREAM])
			fprintf(fp, " %" PRIu64 " flows joined mid-session,",
			    stats[STAT_FLOW_MIDSTREAM]);
		if (stats[STAT_REASM_GAPS])
			fprintf(fp, " %" PRIu64 " stream gaps (%" PRIu64
			    " bytes missing),", stats[STAT_REASM_GAPS],
			    stats[STAT_REASM_GAP_BYTES]);
		if (stats[STAT_TLS_GAP])
			fprintf(fp, " %" PRIu64 " hellos lost in gaps,",
			    stats[STAT_TLS_GAP]);
		if (stats[STAT_TLS_BAD_HELLO] + stats[STAT_TLS_BAD_RECORD])
			fprintf(fp, " %" PRIu64 " malformed hellos/records,",
			    stats[STAT_TLS_BAD_HELLO] +
			    stats[STAT_TLS_BAD_RECORD]);
		if (stats[STAT_DEC_SNAPLEN])
			fprintf(fp, " %" PRIu64 " packets cut by snaplen,",
			    stats[STAT_DEC_SNAPLEN]);
		if (stats[STAT_FLOW_EVICTED])
			fprintf(fp, " %" PRIu64 " flows evicted,",
			    stats[STAT_FLOW_EVICTED]);
		if (stats[STAT_REASM_QUEUE_FULL])
			fprintf(fp, " %" PRIu64 " reassembly queue overflows,",
			    stats[STAT_REASM_QUEUE_FULL]);
		fputs(" (see -v)\n", fp);
	}
}
