/*
 * stats.c -- the counter array and its names.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "stats.h"

_Thread_local uint64_t	stats[STAT_MAX];

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

/* This thread's array (the main thread's is the process's count). */
uint64_t *
stats_self(void)
{
	return stats;
}

/* Add this thread's counters to into[] and start again from zero. */
void
stats_fold(uint64_t *into)
{
	int	i;

	if (into == stats)
		return;
	for (i = 0; i < STAT_MAX; i++) {
		into[i] += stats[i];
		stats[i] = 0;
	}
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
	static const struct { enum stat_id id; const char *what; } gaps[] = {
		{ STAT_FLOW_MIDSTREAM, "flows joined mid-session" },
		{ STAT_REASM_GAPS, "stream gaps" },
		{ STAT_TLS_GAP, "hellos lost in gaps" },
		{ STAT_TLS_BAD_HELLO, "malformed hellos" },
		{ STAT_TLS_BAD_RECORD, "malformed TLS records" },
		{ STAT_DEC_SNAPLEN, "packets cut short by the snaplen" },
		{ STAT_DEFRAG_INCOMPLETE, "IP datagrams missing fragments" },
		{ STAT_DEFRAG_EVICTED, "IP datagrams given up (limits)" },
		{ STAT_FLOW_EVICTED, "flows evicted (limits)" },
		{ STAT_REASM_QUEUE_FULL, "reassembly queue overflows" },
		{ STAT_MAIL_HELD_FULL, "STARTTLS hold overflows" },
	};
	uint64_t	 skipped = sum_prefix("decode.skip.");
	uint64_t	 unanalysed;
	const char	*sep;
	size_t		 i;

	fprintf(fp, "%s: %" PRIu64 " packets (%" PRIu64 " bytes) from %"
	    PRIu64 " file(s), %" PRIu64 " flows tracked\n", prog,
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
	unanalysed = 0;
	for (i = 0; i < sizeof(gaps) / sizeof(gaps[0]); i++)
		unanalysed += stats[gaps[i].id];
	if (unanalysed == 0)
		return;
	fprintf(fp, "%s: not fully analysed:", prog);
	for (i = 0, sep = " "; i < sizeof(gaps) / sizeof(gaps[0]); i++) {
		if (stats[gaps[i].id] == 0)
			continue;
		fprintf(fp, "%s%" PRIu64 " %s", sep, stats[gaps[i].id],
		    gaps[i].what);
		if (gaps[i].id == STAT_REASM_GAPS)
			fprintf(fp, " (%" PRIu64 " bytes missing)",
			    stats[STAT_REASM_GAP_BYTES]);
		sep = ", ";
	}
	fputs(" (see -v)\n", fp);
}
