/*
 * bench/sizes.c -- what tlsfloor keeps per flow, from its own headers.
 *
 * Built by bench/run.sh with -Isrc.  struct tls_state is private to
 * src/tls.c; run.sh copies its definition (struct tls_dir, struct
 * tls_state) out of tls.c into a header and defines TLS_STATE_H, so the
 * size follows the source.  Without it that line says "unknown".
 *
 * A flow on no watched port is never looked up or stored: 0 bytes.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "flow.h"
#include "mail.h"
#include "tls.h"
#include "verdict.h"

#ifdef TLS_STATE_H
#include TLS_STATE_H
#endif

/* glibc malloc: 8 bytes of header, 16-byte granules, 32 at least */
static size_t
chunk(size_t n)
{
	size_t c = (n + 8 + 15) & ~(size_t)15;

	return c < 32 ? 32 : c;
}

int
main(void)
{
	size_t	fl = sizeof(struct flow), ms = sizeof(struct mail_state);
	size_t	ch = sizeof(struct tls_client_hello);
	size_t	sh = sizeof(struct tls_server_hello);
	size_t	ts = 0, total, nb;

#ifdef TLS_STATE_H
	ts = sizeof(struct tls_state);
#endif
	printf("struct flow                %6zu bytes\n", fl);
	printf("struct mail_state          %6zu bytes (STARTTLS ports)\n", ms);
	if (ts)
		printf("struct tls_state           %6zu bytes (copied from "
		    "src/tls.c)\n", ts);
	else
		printf("struct tls_state          unknown (private to "
		    "src/tls.c)\n");
	printf("struct tls_client_hello    %6zu bytes (kept to the end)\n",
	    ch);
	printf("struct tls_server_hello    %6zu bytes (kept to the end)\n",
	    sh);
	total = chunk(fl) + chunk(ms) + (ts ? chunk(ts) : 0) + chunk(ch) +
	    chunk(sh);
	printf("per tracked flow, after its handshake: %zu bytes in %d "
	    "allocations%s\n", total, ts ? 5 : 4,
	    ts ? "" : " (+ tls_state)");
	printf("  (meanwhile also: the hello being gathered, its own size "
	    "up to %u;\n   a %u-byte hold buffer after STARTTLS; %u-byte "
	    "line buffers; out-of-order segments)\n",
	    (unsigned)TLS_MAX_HELLO, (unsigned)MAIL_MAX_HELD,
	    (unsigned)LINE_MAX_LEN);
	printf("per untracked (non-mail) flow: 0 bytes\n");
	for (nb = FLOW_MIN_BUCKETS; nb < LIMIT_DEF_MAX_FLOWS; nb <<= 1)
		;
	printf("hash table: %zu bytes at first (%u buckets), doubling with "
	    "the flows\n  to at most %zu bytes (%zu buckets for --max-flows "
	    "%u)\n", (size_t)FLOW_MIN_BUCKETS * sizeof(struct flow *),
	    (unsigned)FLOW_MIN_BUCKETS, nb * sizeof(struct flow *), nb,
	    (unsigned)LIMIT_DEF_MAX_FLOWS);
	return 0;
}
