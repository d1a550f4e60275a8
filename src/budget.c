/*
 * budget.c -- ground: the memory budget (see budget.h).
 *
 * Counts flow.memcap_hit each time a full budget has to make room for a
 * request (once per flow ended for it, and once more when nothing could
 * go), whoever asked -- reassembly, the mail or TLS parsers, nDPI state or
 * a new flow --, flow.alloc_failed when the allocator itself says no, and
 * keeps the high-water mark in flow.memory_peak, which tests hold against
 * the cap.
 */
#include <stdlib.h>

#include "budget.h"
#include "stats.h"

#define TL	static _Thread_local
TL size_t		 cap = (size_t)-1;
TL size_t		 used;
TL budget_reclaim_fn	 reclaim;	/* NULL: the cap is a hard no */
#undef TL

void
budget_init(size_t c, budget_reclaim_fn fn)
{
	cap = c;
	reclaim = fn;
}

void
budget_set_cap(size_t c)
{
	cap = c;
}

void *
budget_alloc(size_t n)
{
	void	*p;

	while (used + n > cap) {
		enum budget_reclaim	r = reclaim != NULL ? reclaim() :
					    BUDGET_NONE;

		if (r == BUDGET_OVER)
			break;
		STAT_INC(FLOW_MEMCAP);
		if (r == BUDGET_NONE)
			return NULL;
	}
	if ((p = calloc(1, n)) == NULL) {
		STAT_INC(FLOW_NO_MEM);
		return NULL;
	}
	used += n;
	if (used > stats[STAT_FLOW_MEM_PEAK])
		stats[STAT_FLOW_MEM_PEAK] = used;
	return p;
}

void
budget_free(void *p, size_t n)
{
	if (p == NULL)
		return;
	used -= n;
	free(p);
}

size_t
budget_used(void)
{
	return used;
}
