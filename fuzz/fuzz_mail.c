/*
 * fuzz_mail.c -- a mail dialogue through mail_input() on a STARTTLS-port
 * flow: the line splitter, the protocol state machine, the held bytes
 * after STARTTLS, and TLS after the server's yes.
 *
 * Built three times, with -DFUZZ_PROTO=PROTO_POP3, PROTO_IMAP or
 * PROTO_SMTP (fuzz_mail_pop3, fuzz_mail_imap, fuzz_mail_smtp).
 *
 * Input:
 *   sel(1)   bit 0: the flow was picked up mid-session (no SYN seen)
 *   chunks   as in fuzz.h: hdr(1) (bit 0 direction, bit 1 gap before)
 *            len(1) bytes
 *
 * Oracle: the same chunks fed one byte at a time leave the same session
 * behind (a split sweep: TCP may cut a stream anywhere).  FUZZ_NO_SPLIT=1
 * turns it off.  The accounted memory comes back to where it was.  Gaps go
 * through fuzz_mail_gap().
 */
#include <stdlib.h>

#include "config.h"
#include "flow.h"
#include "fuzz.h"
#include "mail.h"

#ifndef FUZZ_PROTO
#error "build with -DFUZZ_PROTO=PROTO_POP3|PROTO_IMAP|PROTO_SMTP"
#endif

static bool	split_oracle;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup_inventory(true);
	split_oracle = !fuzz_env("FUZZ_NO_SPLIT");
	return 0;
}

static void
run(const uint8_t *data, size_t size, uint8_t fflags, bool bytewise,
    struct fuzz_sum *sum)
{
	struct conn	*f = fuzz_flow(FUZZ_PROTO, fflags);

	fuzz_play(f, data, size, bytewise, mail_input, fuzz_mail_gap);
	fuzz_summarise(f, sum);
	fuzz_flow_end(f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_sum	 whole, bytes;
	const char	*diff;
	uint8_t		 fflags;

	if (size < 1)
		return 0;
	fflags = (data[0] & 1) ? FLOW_F_MIDSTREAM : 0;
	run(data + 1, size - 1, fflags, false, &whole);
	fuzz_inventory_tick(1767225600000000ULL);
	if (!split_oracle)
		return 0;
	run(data + 1, size - 1, fflags, true, &bytes);
	if ((diff = fuzz_sum_diff(&whole, &bytes)) != NULL) {
		fuzz_sum_print("whole", &whole);
		fuzz_sum_print("bytes", &bytes);
		fuzz_fail("fed whole and fed byte by byte, the sessions "
		    "differ in %s", diff);
	}
	return 0;
}
