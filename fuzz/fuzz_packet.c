/*
 * fuzz_packet.c -- one input is one captured frame through decode_frame()
 * and on down the whole pipeline (flow -> reasm -> mail -> tls -> verdict
 * -> output).
 *
 * Built twice:
 *   fuzz_packet       the input is an Ethernet frame (LINK_EN10MB)
 *   fuzz_packet_link  (-DFUZZ_LINK_BYTE) the first byte is a selector:
 *                       bits 0-3  link type, an index into links[] (the
 *                                 last entry is one decode does not know)
 *                       bit 4     scope all_tls (every TCP port)
 *                       bit 5     tight limits: few flows, a small memcap,
 *                                 small stream buffers and plaintext depth
 *                                 (eviction and queue-full paths)
 *                       bit 6     end every flow after this frame
 *                       bit 7     a 10-minute jump of the clock (idle
 *                                 timeouts, linger expiry)
 *                     and the frame follows.
 *
 * Flows outlive an input, as they do between packets of a capture, so a
 * corpus of consecutive frames rebuilds sessions.  Every FLUSH_EVERY
 * inputs (after every input when replaying files, see replaying())
 * flow_flush_all() ends them all, which runs the verdict and the JSON
 * output; the accounted memory must then be zero.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "decode.h"
#include "flow.h"
#include "fuzz.h"
#include "defrag.h"
#include "verdict.h"
#include "caps.h"

#define FLUSH_EVERY	64
#define TS_START	1767225600000000ULL	/* 2026-01-01, us */
#define TS_STEP		250000u			/* us between frames */

static struct config	*cfg;
static uint64_t		 ninputs;
static uint64_t		 ts = TS_START;
static bool		 flush_each;

static void
flush(void)
{
	flow_flush_all();
	defrag_fini();
	verdict_flush();		/* alert summaries */
	fuzz_check_events();
	if (budget_used() != 0)
		fuzz_fail("budget_used %zu after flow_flush_all",
		    budget_used());
}

/*
 * Replaying files (crash reproduction: `fuzz_packet FILE...`) or a corpus
 * without fuzzing (-runs=0, what regress.sh does): end every flow after
 * each input, so what a frame does is seen at once and the run ends with
 * no flow open.  (Not from an atexit handler: libcrypto, which the JSON
 * fingerprints use, may have cleaned up by then.)
 */
static bool
replaying(int argc, char **argv)
{
	struct stat	st;
	int		i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-runs=0") == 0)
			return true;
		if (argv[i][0] != '-' && stat(argv[i], &st) == 0 &&
		    S_ISREG(st.st_mode))
			return true;
	}
	return false;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	cfg = fuzz_setup();
	flush_each = replaying(*argc, *argv);
	return 0;
}

#ifdef FUZZ_LINK_BYTE
static const int links[] = {
	LINK_EN10MB, LINK_LINUX_SLL, LINK_LINUX_SLL2, LINK_RAW, LINK_NULL,
	LINK_LOOP, LINK_RAW_BSD, LINK_RAW_ALT, LINK_IPV4, LINK_IPV6,
	105,	/* IEEE 802.11: not supported, must be refused */
};
#define NLINKS	(sizeof(links) / sizeof(links[0]))

static void
tune(uint8_t sel)
{
	cfg->scope = (sel & 0x10) ? SCOPE_ALL_TLS : SCOPE_MAIL;
	if (sel & 0x20) {
		cfg->max_flows = 4;
		cfg->memcap = 48u << 10;
		cfg->stream_buf = 512;
		cfg->plain_depth = 256;
		cfg->idle_timeout = 2;
		cfg->linger = 1;
	} else {
		cfg->max_flows = LIMIT_DEF_MAX_FLOWS;
		cfg->memcap = LIMIT_DEF_MEMCAP;
		cfg->stream_buf = LIMIT_DEF_STREAM_BUF;
		cfg->plain_depth = LIMIT_DEF_PLAIN_DEPTH;
		cfg->idle_timeout = LIMIT_DEF_IDLE_TIMEOUT;
		cfg->linger = LIMIT_DEF_LINGER;
	}
}
#endif

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int	link = LINK_EN10MB;
	bool	flush_now = false;

#ifdef FUZZ_LINK_BYTE
	uint8_t	sel;

	if (size < 1)
		return 0;
	sel = data[0];
	data++;
	size--;
	link = links[(sel & 0x0f) % NLINKS];
	tune(sel);
	flow_set_config(cfg);	/* the limits, as a reload applies them */
	flush_now = (sel & 0x40) != 0;
	if (sel & 0x80)
		ts += 600ULL * 1000000u;
#endif
	ts += TS_STEP;
	/* A copy of exactly size bytes, so ASan sees any read past it. */
	{
		uint8_t	*frame = malloc(size ? size : 1);

		if (frame == NULL)
			return 0;
		memcpy(frame, data, size);
		decode_frame(link, "fuzz", ++ninputs, ts, frame, size);
		free(frame);
	}
	if (flush_now || flush_each || ninputs % FLUSH_EVERY == 0)
		flush();
	return 0;
}
