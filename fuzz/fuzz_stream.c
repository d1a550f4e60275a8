/*
 * fuzz_stream.c -- TCP reassembly: one input is a sequence of segments of
 * one connection, built as struct pkt and handed to flow_input() (so the
 * flow table's SYN/FIN/RST handling runs too), then flow_flush_all().
 *
 * Input:
 *   sel(1)      bits 0-2 server port: 110 143 25 587 995 993 465 8443
 *               (8443 with scope all_tls)
 *               bit 3    small stream buffer (512 bytes: queue-full path)
 *               bit 4    small plaintext depth (256 bytes)
 *               bit 5    snaplen cuts: each segment has a cut(1) byte
 *                        after len, and only len - cut of its bytes
 *                        are captured (caplen < seglen; the tail is
 *                        lost for good)
 *   isn_c(4) isn_s(4)   initial sequence numbers, big-endian (the fuzzer
 *                       can put them next to 2^32: wraparound)
 *   segments, each:
 *     f(1)      bit 0 direction (0 client, 1 server)
 *               bits 1-4 SYN ACK FIN RST
 *               bit 5 "far": the offset counts 4 KiB units
 *               bit 6 the length is 2 bytes
 *               bit 7 the clock jumps 700 s first (idle timeout)
 *     off(2)    signed offset from where this direction's stream has got
 *               to (0 = in order; <0 overlap / retransmission; >0 hole)
 *     ackadj(1) signed adjustment of the ACK, in 16-byte units, from
 *               "everything the other side sent so far"
 *     len(1|2)  payload length (on the wire), then, with sel bit 5,
 *     cut(1)    bytes of it the capture lost, then the payload (len bytes,
 *               of which the first len - cut are captured)
 *
 * Oracle (the link wraps mail_input() and mail_gap(), which reasm.c
 * calls): each direction's bytes reach the parser in sequence order, each
 * delivery starting where the last ended unless a gap was reported
 * between; every delivered byte is one the sender put at that sequence
 * number; the out-of-order queue stays within its segment and byte caps;
 * after the flush the accounted memory is back to zero.
 * FUZZ_STREAM_NO_ORACLE=1 turns the delivery checks off; FUZZ_DEBUG=1
 * traces segments, deliveries and gaps on stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "decode.h"
#include "flow.h"
#include "fuzz.h"
#include "caps.h"
#include "mail.h"
#include "reasm.h"
#include "verdict.h"

#define TS_START	1767225600000000ULL
#define MAX_SEGS	512		/* segments remembered for the oracle */
#define CLI_PORT	40000

unsigned __real_mail_input(struct conn *, enum dir, const uint8_t *, size_t);
unsigned __real_mail_gap(struct conn *, enum dir);
unsigned __wrap_mail_input(struct conn *, enum dir, const uint8_t *, size_t);
unsigned __wrap_mail_gap(struct conn *, enum dir);

struct sent {
	int		 dir;
	uint32_t	 seq;
	uint32_t	 len;
	const uint8_t	*p;		/* into the input */
};

static struct config	*cfg;
static bool		 oracle;
static bool		 debug;		/* FUZZ_DEBUG=1: trace on stderr */
/* Each input starts a day after the last one: flow.c's clock never goes
 * back, so inputs must not either, or their timeouts would depend on the
 * inputs run before them. */
static uint64_t		 ts_base = TS_START;
static struct sent	 sent[MAX_SEGS];
static size_t		 nsent;
static bool		 sent_overflow;

/* Delivery tracking per direction of the current flow. */
static struct {
	uint64_t	 flow_id;
	bool		 known;		/* next is meaningful */
	bool		 gap;		/* a gap was reported since */
	uint32_t	 next;		/* where the next delivery must start */
} track[2];

static const uint16_t	ports[8] = { 110, 143, 25, 587, 995, 993, 465, 8443 };

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	cfg = fuzz_setup_inventory(true);
	oracle = !fuzz_env("FUZZ_STREAM_NO_ORACLE");
	debug = fuzz_env("FUZZ_DEBUG");
	return 0;
}

static void
track_flow(struct conn *f, int dir)
{
	if (track[dir].flow_id != f->id) {
		track[dir].flow_id = f->id;
		track[dir].known = false;
		track[dir].gap = false;
	}
}

/*
 * Whether some segment put byte b at seq.  dir is the flow's direction;
 * the flow may have taken the input's server for its client (a SYN/ACK
 * from the "client" side makes it the server), so it is mapped back by
 * the client port.
 */
static bool
byte_was_sent(const struct conn *f, int dir, uint32_t seq, uint8_t b)
{
	size_t	i;

	if (f->cli_port != CLI_PORT)
		dir = !dir;
	for (i = 0; i < nsent; i++)
		if (sent[i].dir == dir && seq - sent[i].seq < sent[i].len &&
		    sent[i].p[seq - sent[i].seq] == b)
			return true;
	return false;
}

unsigned
__wrap_mail_input(struct conn *f, enum dir dir, const uint8_t *p, size_t n)
{
	const struct reasm_stream	*s = &flow_of(f)->stream[dir];
	uint32_t			 start = s->next_seq - (uint32_t)n;
	size_t				 i;

	if (dir != DIR_C2S && dir != DIR_S2C)
		fuzz_fail("mail_input dir %d", dir);
	if (debug)
		fprintf(stderr, "  deliver flow %llu dir %d seq %u len %zu\n",
		    (unsigned long long)f->id, dir, start, n);
	if (s->ooo_segs > REASM_MAX_SEGS || s->ooo_bytes > cfg->stream_buf)
		fuzz_fail("ooo queue %u segs %u bytes over its caps",
		    s->ooo_segs, s->ooo_bytes);
	if (oracle) {
		track_flow(f, dir);
		if (track[dir].known && !track[dir].gap &&
		    start != track[dir].next)
			fuzz_fail("dir %d: delivery at %u, expected %u, no gap "
			    "between", dir, start, track[dir].next);
		if (track[dir].known && track[dir].gap &&
		    (int32_t)(start - track[dir].next) < 0)
			fuzz_fail("dir %d: delivery at %u after a gap goes "
			    "back before %u", dir, start, track[dir].next);
		if (!sent_overflow)
			for (i = 0; i < n; i++)
				if (!byte_was_sent(f, dir, start + (uint32_t)i,
				    p[i]))
					fuzz_fail("dir %d: byte %#x at seq %u "
					    "was never sent there", dir, p[i],
					    start + (uint32_t)i);
		track[dir].known = true;
		track[dir].gap = false;
		track[dir].next = start + (uint32_t)n;
	}
	return __real_mail_input(f, dir, p, n);
}

unsigned
__wrap_mail_gap(struct conn *f, enum dir dir)
{
	if (debug)
		fprintf(stderr, "  gap flow %llu dir %d at %u\n",
		    (unsigned long long)f->id, dir, flow_of(f)->stream[dir].next_seq);
	if (oracle) {
		track_flow(f, dir);
		track[dir].gap = true;
	}
	return __real_mail_gap(f, dir);
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pkt	 pkt;
	uint8_t		*copy;
	uint64_t	 ts;
	uint32_t	 isn[2], cursor[2] = { 0, 0 }, len, cut;
	int32_t		 off;
	int8_t		 ackadj;
	uint16_t	 sport;
	uint8_t		 sel, fl;
	int		 dir;

	if (size < 9)
		return 0;
	sel = data[0];
	isn[0] = be32(data + 1);
	isn[1] = be32(data + 5);
	data += 9;
	size -= 9;
	sport = ports[sel & 7];
	cfg->scope = sport == 8443 ? SCOPE_ALL_TLS : SCOPE_MAIL;
	cfg->stream_buf = (sel & 0x08) ? 512 : LIMIT_DEF_STREAM_BUF;
	cfg->plain_depth = (sel & 0x10) ? 256 : LIMIT_DEF_PLAIN_DEPTH;
	nsent = 0;
	sent_overflow = false;
	memset(track, 0, sizeof(track));
	ts_base += 86400ULL * 1000000u;
	ts = ts_base;

	while (size >= 5) {
		fl = data[0];
		off = (int16_t)(data[1] << 8 | data[2]);
		ackadj = (int8_t)data[3];
		data += 4;
		size -= 4;
		if (fl & 0x40) {
			if (size < 2)
				break;
			len = (uint32_t)data[0] << 8 | data[1];
			data += 2;
			size -= 2;
		} else {
			len = data[0];
			data++;
			size--;
		}
		cut = 0;
		if (sel & 0x20) {
			if (size < 1)
				break;
			cut = data[0];
			data++;
			size--;
		}
		if (len > size)
			len = (uint32_t)size;
		if (cut > len)
			cut = len;
		dir = fl & 1;
		if (fl & 0x20)
			off *= 4096;
		if (fl & 0x80)
			ts += 700ULL * 1000000u;
		ts += 10000;

		memset(&pkt, 0, sizeof(pkt));
		pkt.ts = ts;
		pkt.pktno = nsent + 1;
		pkt.origin = "fuzz";
		pkt.family = 4;
		pkt.flags = (uint8_t)((fl & 0x02 ? TH_SYN : 0) |
		    (fl & 0x04 ? TH_ACK : 0) | (fl & 0x08 ? TH_FIN : 0) |
		    (fl & 0x10 ? TH_RST : 0));
		memcpy(pkt.src, dir == 0 ? (const uint8_t[]){ 10, 0, 0, 2 } :
		    (const uint8_t[]){ 10, 0, 0, 1 }, 4);
		memcpy(pkt.dst, dir == 0 ? (const uint8_t[]){ 10, 0, 0, 1 } :
		    (const uint8_t[]){ 10, 0, 0, 2 }, 4);
		pkt.sport = dir == 0 ? CLI_PORT : sport;
		pkt.dport = dir == 0 ? sport : CLI_PORT;
		/* A SYN's own number is the ISN; data starts one later. */
		pkt.seq = isn[dir] + cursor[dir] + (uint32_t)off +
		    ((pkt.flags & TH_SYN) ? 0 : 1);
		pkt.ack = isn[!dir] + 1 + cursor[!dir] +
		    (uint32_t)((int32_t)ackadj * 16);
		/* Exactly the captured bytes, so ASan sees a read past
		 * them (past caplen, not just past seglen). */
		if ((copy = malloc(len - cut ? len - cut : 1)) == NULL)
			return 0;
		memcpy(copy, data, len - cut);
		pkt.payload = copy;
		pkt.seglen = len;
		pkt.caplen = len - cut;

		if (nsent < MAX_SEGS) {
			/* only captured bytes can ever be delivered */
			sent[nsent].dir = dir;
			sent[nsent].seq = pkt.seq +
			    ((pkt.flags & TH_SYN) ? 1 : 0);
			sent[nsent].len = len - cut;
			sent[nsent].p = data;
			nsent++;
		} else
			sent_overflow = true;

		if (debug)
			fprintf(stderr, "seg %zu: dir %d flags %#x seq %u ack %u "
			    "len %u cut %u ts +%llus\n", nsent, dir, pkt.flags,
			    pkt.seq, pkt.ack, len, cut,
			    (unsigned long long)((ts - ts_base) / 1000000u));
		flow_input(&pkt);
		free(copy);
		/* The stream has got to the highest byte sent so far. */
		if ((int64_t)off + len > 0 && !(pkt.flags & TH_SYN))
			cursor[dir] += (uint32_t)((int64_t)off + len);
		data += len;
		size -= len;
	}
	flow_flush_all();
	verdict_tick(ts);
	fuzz_check_events();
	fuzz_inventory_tick(ts);
	if (budget_used() != 0)
		fuzz_fail("budget_used %zu after flow_flush_all",
		    budget_used());
	return 0;
}
