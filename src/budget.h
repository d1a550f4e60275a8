/*
 * budget.h -- ground: the memory budget every per-flow allocation draws on.
 *
 * limits.memcap bounds what the flow table and its stages hold.  The
 * stages allocate through budget_alloc() and free through budget_free()
 * with the size they asked for, so the budget knows what is in use without
 * asking the allocator.  Over the cap, the budget asks the reclaim callback
 * to make room (flow.c registers one: it ends a lingering closed flow, else
 * a never-used or the least recently used one, never the flow in hand);
 * that callback is the one point where another flow can end while a stage
 * is working.  Without a callback a request over the cap fails.  One budget
 * per thread: a capture worker has its own.
 */
#ifndef TLSFLOOR_BUDGET_H
#define TLSFLOOR_BUDGET_H

#include <stddef.h>

enum budget_reclaim {
	BUDGET_FREED,		/* something was freed: try again */
	BUDGET_NONE,		/* nothing can go: the request fails */
	BUDGET_OVER,		/* not now: let this request exceed the cap */
};

typedef enum budget_reclaim (*budget_reclaim_fn)(void);

void	 budget_init(size_t cap, budget_reclaim_fn);
void	 budget_set_cap(size_t);
void	*budget_alloc(size_t);
void	 budget_free(void *, size_t);
size_t	 budget_used(void);

#endif /* TLSFLOOR_BUDGET_H */
