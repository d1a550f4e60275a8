/*
 * check_reasm.c -- reasm.c: in-order delivery, the out-of-order queue,
 * overlaps, gaps, wraparound, limits.
 *
 * reasm hands bytes to mail_input(), which is in the same library, so what
 * it delivered is seen through the effects: an implicit-TLS flow (IMAP on
 * 993) whose ClientHello record is sent in pieces parses to the same hello
 * only when every byte arrived once and in order.  The counters and the
 * stream's own fields (delivered, gaps, conflicts, ooo_segs) say the rest.
 */
#include <stdlib.h>

#include "unit.h"

#define ISN_C	1000u		/* client's initial sequence number */
#define ISN_S	5000u		/* server's */
#define PSH_ACK	(TH_PUSH | TH_ACK)

static struct conn	*f;
static struct ub	 rec;		/* ClientHello record: 121 bytes */
static struct ub	 forged;	/* the same with another SNI */
static uint32_t		 isn;		/* client ISN of the running test */

/* Where the SNI host name sits in the record: record and handshake
 * headers, then the body offset. */
#define REC_SNI_OFF	(5 + 4 + UNIT_CH12_SNI_OFF)

static void
setup(void)
{
	unit_setup();
	ub_init(&rec);
	unit_hs_record(&rec, TLS_HS_CLIENT_HELLO, unit_ch12, unit_ch12_len);
	ck_assert_uint_eq(rec.n, 121);
	ub_init(&forged);
	ub_mem(&forged, rec.p, rec.n);
	memcpy(forged.p + REC_SNI_OFF, "evil", 4);	/* evil.example.test */
	f = unit_flow(PROTO_IMAP, FLOW_F_IMPLICIT);
	isn = ISN_C;
}

static void
teardown(void)
{
	if (f != NULL)
		unit_flow_free(f);
	f = NULL;
	ub_free(&rec);
	ub_free(&forged);
	unit_teardown();
}

/* The three-way handshake's SYN and SYN/ACK. */
static void
handshake(uint32_t cisn)
{
	isn = cisn;
	unit_seg(f, DIR_C2S, isn, 0, TH_SYN, NULL, 0);
	unit_seg(f, DIR_S2C, ISN_S, isn + 1, TH_SYN | TH_ACK, NULL, 0);
}

/* Client bytes [off, off+len) of b. */
static void
cseg_of(const struct ub *b, size_t off, size_t len)
{
	ck_assert_uint_le(off + len, b->n);
	unit_seg(f, DIR_C2S, isn + 1 + (uint32_t)off, ISN_S + 1, PSH_ACK,
	    b->p + off, len);
}

static void
cseg(size_t off, size_t len)
{
	cseg_of(&rec, off, len);
}

/* The server acknowledges client bytes up to (not including) off. */
static void
server_ack(size_t off)
{
	unit_seg(f, DIR_S2C, ISN_S + 1, isn + 1 + (uint32_t)off, TH_ACK,
	    NULL, 0);
}

static void
expect_hello(const char *sni)
{
	struct tls_client_hello	ref;

	ck_assert_ptr_nonnull(f->sess.ch);
	ck_assert_int_eq(tls_parse_client_hello(unit_ch12, unit_ch12_len,
	    &ref), TLS_OK);
	if (sni == NULL)
		ck_assert(unit_ch_same(f->sess.ch, &ref));
	else {
		ck_assert_uint_eq(f->sess.ch->sni_len, strlen(sni));
		ck_assert_mem_eq(f->sess.ch->sni, sni, strlen(sni));
	}
	ck_assert(!f->sess.bad_hello[DIR_C2S]);
}

/* --- in order ------------------------------------------------------------------- */

START_TEST(test_in_order)
{
	handshake(ISN_C);
	cseg(0, 40);
	ck_assert_ptr_null(f->sess.ch);
	cseg(40, 40);
	ck_assert_ptr_null(f->sess.ch);
	cseg(80, 41);
	expect_hello(NULL);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].delivered, 121);
	ck_assert_uint_eq(stats[STAT_REASM_SEGS], 3);
	ck_assert_uint_eq(stats[STAT_REASM_OOO], 0);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].gaps, 0);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].ooo_segs, 0);
}
END_TEST

START_TEST(test_midstream_start)
{
	/* No SYN seen: the first data byte starts the stream. */
	f->fflags |= FLOW_F_MIDSTREAM;
	isn = 0x12345678;
	cseg(0, 60);
	cseg(60, 61);
	expect_hello(NULL);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].delivered, 121);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].next_seq, isn + 1 + 121);
}
END_TEST

START_TEST(test_synack_names_client_isn)
{
	/* The client's SYN was not captured, the SYN/ACK was: its ACK
	 * says where the client's stream starts, so a later piece that
	 * arrives first waits instead of starting the stream. */
	isn = ISN_C;
	unit_seg(f, DIR_S2C, ISN_S, isn + 1, TH_SYN | TH_ACK, NULL, 0);
	cseg(40, 81);
	ck_assert_ptr_null(f->sess.ch);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].ooo_segs, 1);
	cseg(0, 40);
	expect_hello(NULL);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].gaps, 0);
}
END_TEST

/* --- out of order ------------------------------------------------------------------ */

START_TEST(test_reverse)
{
	handshake(ISN_C);
	cseg(80, 41);
	cseg(40, 40);
	ck_assert_ptr_null(f->sess.ch);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].ooo_segs, 2);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].ooo_bytes, 81);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].delivered, 0);
	cseg(0, 40);
	expect_hello(NULL);
	ck_assert_uint_eq(stats[STAT_REASM_OOO], 2);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].delivered, 121);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].ooo_segs, 0);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].ooo_bytes, 0);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].conflicts, 0);
}
END_TEST

START_TEST(test_shuffled)
{
	/* Five pieces, delivered 2 4 1 3 0: cuts inside the record header,
	 * the handshake header and the SNI. */
	static const size_t	cut[] = { 0, 3, 7, 70, 100, 121 };
	static const int	order[] = { 2, 4, 1, 3, 0 };
	int			i;

	handshake(ISN_C);
	for (i = 0; i < 5; i++) {
		ck_assert_ptr_null(f->sess.ch);
		cseg(cut[order[i]], cut[order[i] + 1] - cut[order[i]]);
	}
	expect_hello(NULL);
	ck_assert_uint_eq(stats[STAT_REASM_OOO], 4);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].delivered, 121);
}
END_TEST

/* --- retransmission and overlap ------------------------------------------------------ */

START_TEST(test_retransmission)
{
	handshake(ISN_C);
	cseg(0, 40);
	cseg(0, 40);				/* whole segment again */
	cseg(40, 40);
	cseg(40, 40);
	cseg(0, 10);				/* an old piece of it */
	cseg(80, 41);
	expect_hello(NULL);
	ck_assert_uint_eq(stats[STAT_REASM_RETRANS], 3);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].delivered, 121);
}
END_TEST

START_TEST(test_retransmission_with_new_bytes)
{
	handshake(ISN_C);
	cseg(0, 40);
	cseg(20, 60);				/* 20 old bytes, 40 new */
	ck_assert_uint_eq(stats[STAT_REASM_OVERLAP], 1);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].delivered, 80);
	cseg(80, 41);
	expect_hello(NULL);
}
END_TEST

START_TEST(test_overlap_identical)
{
	handshake(ISN_C);
	cseg(80, 41);
	cseg(60, 50);				/* [60,110) overlaps [80,121) */
	ck_assert_uint_ge(stats[STAT_REASM_OVERLAP], 1);
	cseg(50, 30);				/* [50,80) inside the queue */
	cseg(0, 60);
	expect_hello(NULL);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].conflicts, 0);
	ck_assert_uint_eq(stats[STAT_REASM_CONFLICT], 0);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].delivered, 121);
}
END_TEST

START_TEST(test_overlap_conflict_first_wins)
{
	handshake(ISN_C);
	cseg(50, 71);				/* the real bytes first */
	cseg_of(&forged, 40, 60);		/* [40,100) with "evil" */
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].conflicts, 1);
	ck_assert_uint_eq(stats[STAT_REASM_CONFLICT], 1);
	cseg(0, 40);
	expect_hello("imap.example.test");
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].delivered, 121);
}
END_TEST

START_TEST(test_overlap_conflict_forged_first)
{
	handshake(ISN_C);
	cseg_of(&forged, 50, 71);		/* the forgery first */
	cseg(40, 60);				/* then the real bytes */
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].conflicts, 1);
	cseg(0, 40);
	/* First copy wins, whichever it was; the conflict is on record. */
	expect_hello("evil.example.test");
	ck_assert_uint_eq(stats[STAT_REASM_CONFLICT], 1);
}
END_TEST

/*
 * The forgery waits in the queue; then an in-order segment arrives that
 * covers the same bytes with different content.  Per reasm.c's header,
 * the first copy wins and the disagreement is counted.
 */
START_TEST(test_overlap_conflict_in_order_segment)
{
	handshake(ISN_C);
	cseg_of(&forged, 60, 61);		/* queued: [60,121) "evil" */
	cseg(0, 121);				/* in order: everything */
	ck_assert_ptr_nonnull(f->sess.ch);
	ck_assert_msg(unit_streams(f)[DIR_C2S].conflicts == 1,
	    "in-order segment disagreeing with the queue: %u conflicts",
	    unit_streams(f)[DIR_C2S].conflicts);
	expect_hello("evil.example.test");
}
END_TEST

/* --- gaps ----------------------------------------------------------------------------- */

/* A segment the snaplen cut: seglen bytes on the wire, caplen captured. */
static void
seg_cut(int dir, uint32_t seq, uint32_t ack, const uint8_t *p,
    uint32_t caplen, uint32_t seglen)
{
	struct pkt	pkt;

	memset(&pkt, 0, sizeof(pkt));
	pkt.family = 4;
	pkt.flags = PSH_ACK;
	pkt.seq = seq;
	pkt.ack = ack;
	pkt.payload = p;
	pkt.caplen = caplen;
	pkt.seglen = seglen;
	pkt.sport = dir == DIR_C2S ? f->cli_port : f->srv_port;
	pkt.dport = dir == DIR_C2S ? f->srv_port : f->cli_port;
	f->pkts[dir]++;
	f->bytes[dir] += seglen;
	reasm_input(f, unit_streams(f), dir, &pkt);
}

static void
cseg_cut(uint32_t seq, const uint8_t *p, uint32_t caplen, uint32_t seglen)
{
	seg_cut(DIR_C2S, seq, ISN_S + 1, p, caplen, seglen);
}

/*
 * A queued segment that starts inside the tail a snaplen cut off: once
 * the cut segment closes its hole, only the queued bytes past it are new,
 * and they must be delivered from the right offset (e->data + skip).
 * Plaintext IMAP, where a gap only resynchronises lines: the STARTTLS
 * after it must still be seen, and the server's OK flip the flow.
 *
 *   client stream  "a0 NOOP\r\n" "xxxxxxxxx\r\n" "\r\n" "a1 STARTTLS\r\n"
 *                   0              9               20     22            35
 *   queued first   [15, 35)
 *   then           [0, 20) with only 5 bytes captured: gap [5, 20)
 */
/*
 * A gap in the server's plaintext before its reply to STARTTLS: the end of
 * a capability line is lost (with its CRLF).  The tagged OK that follows
 * must still be seen, the flow flip to TLS and the client's hello, held
 * since STARTTLS, be parsed.
 */
START_TEST(test_gap_server_plaintext_before_starttls_reply)
{
	static const char	greet[] = "* OK ready\r\n";
	static const char	caps[] = "* CAPABILITY IMAP4rev1 STARTTLS "
	    "LOGINDISABLED\r\n";
	static const char	stls[] = "a1 STARTTLS\r\n";
	static const char	ok[] = "a1 OK Begin TLS\r\n";
	uint32_t		sseq = ISN_S + 1, cseq;

	unit_flow_free(f);
	f = unit_flow(PROTO_IMAP, 0);
	handshake(ISN_C);
	cseq = isn + 1;
	seg_cut(DIR_S2C, sseq, cseq, (const uint8_t *)greet,
	    sizeof(greet) - 1, sizeof(greet) - 1);
	sseq += sizeof(greet) - 1;
	seg_cut(DIR_C2S, cseq, sseq, (const uint8_t *)stls, sizeof(stls) - 1,
	    sizeof(stls) - 1);
	cseq += sizeof(stls) - 1;
	ck_assert_uint_eq(stats[STAT_MAIL_STARTTLS], 1);
	/* the client's hello right behind it: held until the reply */
	unit_seg(f, DIR_C2S, cseq, sseq, PSH_ACK, rec.p, rec.n);
	/* 12 bytes of the capability line captured, the rest lost */
	seg_cut(DIR_S2C, sseq, cseq, (const uint8_t *)caps, 12,
	    sizeof(caps) - 1);
	sseq += sizeof(caps) - 1;
	ck_assert_uint_eq(unit_streams(f)[DIR_S2C].gaps, 1);
	seg_cut(DIR_S2C, sseq, cseq, (const uint8_t *)ok, sizeof(ok) - 1,
	    sizeof(ok) - 1);
	ck_assert_uint_eq(stats[STAT_MAIL_STARTTLS_OK], 1);
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
	expect_hello(NULL);
}
END_TEST

START_TEST(test_gap_snaplen_cut_then_queued_overlap)
{
	static const char	cli[] = "a0 NOOP\r\nxxxxxxxxx\r\n\r\n"
	    "a1 STARTTLS\r\n";
	static const char	greet[] = "* OK ready\r\n";
	static const char	ok[] = "a1 OK Begin TLS\r\n";
	const uint8_t		*p = (const uint8_t *)cli;

	unit_flow_free(f);
	f = unit_flow(PROTO_IMAP, 0);
	handshake(ISN_C);
	unit_seg(f, DIR_S2C, ISN_S + 1, isn + 1, PSH_ACK,
	    (const uint8_t *)greet, sizeof(greet) - 1);
	cseg_cut(isn + 1 + 15, p + 15, 20, 20);	/* queued: [15, 35) */
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].ooo_segs, 1);
	cseg_cut(isn + 1, p, 5, 20);		/* [0, 20), 5 captured */
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].gaps, 1);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].ooo_segs, 0);
	/* 5 captured, [20, 35) from the queue: nothing twice */
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].delivered, 5 + 15);
	ck_assert_uint_eq(stats[STAT_MAIL_STARTTLS], 1);
	unit_seg(f, DIR_S2C, ISN_S + 1 + sizeof(greet) - 1, isn + 1 + 35,
	    PSH_ACK, (const uint8_t *)ok, sizeof(ok) - 1);
	ck_assert_uint_eq(stats[STAT_MAIL_STARTTLS_OK], 1);
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
	/* a retransmission of the true bytes agrees with what was given */
	unit_seg(f, DIR_C2S, isn + 1 + 20, ISN_S + 1, PSH_ACK, p + 20, 15);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].conflicts, 0);
}
END_TEST

START_TEST(test_gap_acked_hole)
{
	struct verdict	v;

	handshake(ISN_C);
	/* [0,40) never reaches the capture; the server has it. */
	server_ack(121);
	cseg(40, 81);
	ck_assert_uint_eq(stats[STAT_REASM_GAPS], 1);
	ck_assert_uint_eq(stats[STAT_REASM_GAP_BYTES], 40);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].gaps, 1);
	ck_assert(f->sess.hello_gap[DIR_C2S]);
	ck_assert_ptr_null(f->sess.ch);
	ck_assert_uint_eq(stats[STAT_TLS_GAP], 1);
	verdict_judge(f, &v);
	ck_assert_int_eq(v.outcome, OC_GAP);
	ck_assert_int_eq(v.reason, RS_UNKNOWN);
}
END_TEST

START_TEST(test_gap_unacked_hole_waits)
{
	handshake(ISN_C);
	/* The server has acknowledged only what it got: the hole may
	 * still be filled by a retransmission. */
	server_ack(0);
	cseg(40, 81);
	ck_assert_uint_eq(stats[STAT_REASM_GAPS], 0);
	ck_assert(!f->sess.hello_gap[DIR_C2S]);
	cseg(0, 40);				/* and it is */
	expect_hello(NULL);
}
END_TEST

START_TEST(test_gap_partial_legacy_hello)
{
	struct ub	old;
	struct verdict	v;

	ub_init(&old);
	unit_hs_record(&old, TLS_HS_CLIENT_HELLO, unit_ch10, unit_ch10_len);
	ck_assert_uint_eq(old.n, 52);
	handshake(ISN_C);
	cseg_of(&old, 0, 20);		/* headers and legacy_version */
	server_ack(52);
	cseg_of(&old, 30, 22);		/* [20,30) lost */
	ck_assert(f->sess.hello_gap[DIR_C2S]);
	/* The version below TLS 1.2 before the hole proves a legacy
	 * client (tls.c, tls_partial_hello). */
	ck_assert_ptr_nonnull(f->sess.ch);
	ck_assert(f->sess.ch->partial);
	ck_assert_uint_eq(f->sess.ch->legacy_version, TLS_V_1_0);
	verdict_judge(f, &v);
	ck_assert_int_eq(v.outcome, OC_GAP);
	ck_assert_int_eq(v.reason, RS_LEGACY_CLIENT);
	ck_assert_uint_eq(v.client_max, TLS_V_1_0);
	ub_free(&old);
}
END_TEST

START_TEST(test_gap_at_flush)
{
	handshake(ISN_C);
	cseg(40, 81);				/* [0,40) never comes */
	ck_assert_uint_eq(stats[STAT_REASM_GAPS], 0);
	reasm_flush(f, unit_streams(f), DIR_C2S);
	ck_assert_uint_eq(stats[STAT_REASM_GAPS], 1);
	ck_assert(f->sess.hello_gap[DIR_C2S]);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].ooo_segs, 0);
	ck_assert_ptr_null(unit_streams(f)[DIR_C2S].ooo);
}
END_TEST

/* --- sequence space --------------------------------------------------------------------- */

START_TEST(test_wraparound_implicit)
{
	/* Data starts at 0xffffffc1: the hello crosses 2^32 at byte 63. */
	handshake(0xffffffc0u);
	cseg(90, 31);
	cseg(50, 40);				/* [50,90) holds the wrap */
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].ooo_segs, 2);
	cseg(0, 50);
	expect_hello(NULL);
	ck_assert_uint_eq(stats[STAT_REASM_TOO_FAR], 0);
	ck_assert_uint_eq(stats[STAT_REASM_RETRANS], 0);
	/* 0xffffffc1 + 121, modulo 2^32. */
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].next_seq, 58);
}
END_TEST

START_TEST(test_wraparound_isn_ffffff00)
{
	/* A POP3 STLS dialogue from ISN 0xffffff00 (client) and 0xfffffff0
	 * (server): the client's stream passes 2^32 at byte 255, inside its
	 * ClientHello, which arrives in two pieces, the later first. */
	const uint32_t	cisn = 0xffffff00u, sisn = 0xfffffff0u;
	struct ub	c, s;
	size_t		hello;

	unit_flow_free(f);
	f = unit_flow(PROTO_POP3, 0);
	ub_init(&c);
	ub_init(&s);
	ub_str(&c, "CAPA\r\n");
	ub_str(&c, "X-PAD ");
	ub_fill(&c, 'x', 180);
	ub_str(&c, "\r\nSTLS\r\n");
	hello = c.n;
	ck_assert_uint_eq(hello, 200);
	ub_mem(&c, rec.p, rec.n);
	ub_str(&s, "+OK ready\r\n+OK\r\nSTLS\r\n.\r\n-ERR\r\n+OK go\r\n");

	unit_seg(f, DIR_C2S, cisn, 0, TH_SYN, NULL, 0);
	unit_seg(f, DIR_S2C, sisn, cisn + 1, TH_SYN | TH_ACK, NULL, 0);
	unit_seg(f, DIR_S2C, sisn + 1, cisn + 1, PSH_ACK, s.p, 11);
	unit_seg(f, DIR_C2S, cisn + 1, sisn + 12, PSH_ACK, c.p, 6);
	unit_seg(f, DIR_S2C, sisn + 12, cisn + 7, PSH_ACK, s.p + 11, 14);
	unit_seg(f, DIR_C2S, cisn + 7, sisn + 26, PSH_ACK, c.p + 6, 188);
	unit_seg(f, DIR_S2C, sisn + 26, cisn + 195, PSH_ACK, s.p + 25, 6);
	unit_seg(f, DIR_C2S, cisn + 195, sisn + 32, PSH_ACK, c.p + 194, 6);
	unit_seg(f, DIR_S2C, sisn + 32, cisn + 201, PSH_ACK, s.p + 31, 8);
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
	/* The hello: [40,121), which straddles the wrap at its byte 55,
	 * first; then [0,40). */
	unit_seg(f, DIR_C2S, cisn + 1 + (uint32_t)hello + 40, sisn + 40,
	    PSH_ACK, c.p + hello + 40, 81);
	ck_assert_ptr_null(f->sess.ch);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].ooo_segs, 1);
	unit_seg(f, DIR_C2S, cisn + 1 + (uint32_t)hello, sisn + 40, PSH_ACK,
	    c.p + hello, 40);
	expect_hello(NULL);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].delivered, c.n);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].gaps, 0);
	ck_assert_uint_eq(unit_streams(f)[DIR_S2C].gaps, 0);
	ck_assert_uint_eq(stats[STAT_REASM_TOO_FAR], 0);
	ub_free(&c);
	ub_free(&s);
}
END_TEST

START_TEST(test_syn_with_data)
{
	/* TCP Fast Open (RFC 7413): the SYN carries the first 50 bytes,
	 * which follow the SYN's own sequence number. */
	isn = ISN_C;
	unit_seg(f, DIR_C2S, isn, 0, TH_SYN, rec.p, 50);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].delivered, 50);
	unit_seg(f, DIR_S2C, ISN_S, isn + 51, TH_SYN | TH_ACK, NULL, 0);
	unit_seg(f, DIR_C2S, isn, 0, TH_SYN, rec.p, 50);	/* again */
	ck_assert_uint_eq(stats[STAT_REASM_RETRANS], 1);
	cseg(50, 71);
	expect_hello(NULL);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].delivered, 121);
}
END_TEST

START_TEST(test_too_far_ahead)
{
	static const uint8_t	x[4] = { 'x', 'x', 'x', 'x' };

	handshake(ISN_C);
	unit_seg(f, DIR_C2S, isn + 1 + REASM_MAX_AHEAD + 1, ISN_S + 1,
	    PSH_ACK, x, sizeof(x));
	ck_assert_uint_eq(stats[STAT_REASM_TOO_FAR], 1);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].ooo_segs, 0);
	/* Just inside the window: kept. */
	unit_seg(f, DIR_C2S, isn + 1 + REASM_MAX_AHEAD, ISN_S + 1, PSH_ACK,
	    x, sizeof(x));
	ck_assert_uint_eq(stats[STAT_REASM_TOO_FAR], 1);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].ooo_segs, 1);
	cseg(0, 121);
	expect_hello(NULL);
}
END_TEST

/* --- limits --------------------------------------------------------------------------- */

START_TEST(test_queue_segment_limit_tls)
{
	struct ub	junk;
	int		i;

	ub_init(&junk);
	ub_fill(&junk, 0x16, 400);
	handshake(ISN_C);
	/* One-byte segments at offsets 2, 4, ...: each leaves a hole. */
	for (i = 1; i <= REASM_MAX_SEGS + 10; i++) {
		cseg_of(&junk, (size_t)(2 * i), 1);
		ck_assert_uint_le(unit_streams(f)[DIR_C2S].ooo_segs, REASM_MAX_SEGS);
	}
	ck_assert_uint_ge(stats[STAT_REASM_QUEUE_FULL], 1);
	ck_assert_uint_ge(stats[STAT_REASM_GAPS], 1);
	/* The hole before the hello: it is lost, and TLS stops looking. */
	ck_assert(f->sess.hello_gap[DIR_C2S]);
	ck_assert(unit_done(f, DIR_C2S));
	ck_assert_ptr_null(f->sess.ch);
	ub_free(&junk);
}
END_TEST

START_TEST(test_queue_segment_limit_plain)
{
	static const uint8_t	x = 'x';
	int			i;

	/* A plaintext stream keeps going across the gaps the full queue
	 * forces: the queue never exceeds its limit and nothing leaks. */
	unit_flow_free(f);
	f = unit_flow(PROTO_POP3, FLOW_F_MIDSTREAM);
	isn = ISN_C;
	unit_seg(f, DIR_C2S, isn + 1, ISN_S + 1, PSH_ACK, &x, 1);
	for (i = 1; i <= 5 * REASM_MAX_SEGS; i++) {
		unit_seg(f, DIR_C2S, isn + 1 + 2 * (uint32_t)i, ISN_S + 1,
		    PSH_ACK, &x, 1);
		ck_assert_uint_le(unit_streams(f)[DIR_C2S].ooo_segs, REASM_MAX_SEGS);
	}
	ck_assert_uint_ge(stats[STAT_REASM_QUEUE_FULL], 4);
	ck_assert_uint_ge(unit_streams(f)[DIR_C2S].gaps, 4);
	ck_assert_uint_eq(stats[STAT_REASM_GAPS], unit_streams(f)[DIR_C2S].gaps);
	ck_assert(!unit_done(f, DIR_C2S));
}
END_TEST

START_TEST(test_queue_byte_limit)
{
	struct ub	big;

	/* A segment larger than the whole out-of-order budget: the hole
	 * before it is given up at once and the segment delivered. */
	unit_cfg->stream_buf = 1000;
	unit_flow_free(f);
	f = unit_flow(PROTO_POP3, FLOW_F_MIDSTREAM);
	ub_init(&big);
	ub_fill(&big, 'x', 2010);
	memcpy(big.p + 2008, "\r\n", 2);
	isn = ISN_C;
	cseg_of(&big, 0, 10);
	cseg_of(&big, 20, 1990);		/* [10,20) missing */
	ck_assert_uint_eq(stats[STAT_REASM_QUEUE_FULL], 1);
	ck_assert_uint_eq(stats[STAT_REASM_GAPS], 1);
	ck_assert_uint_eq(stats[STAT_REASM_GAP_BYTES], 10);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].delivered, 2000);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].ooo_segs, 0);
	ub_free(&big);
}
END_TEST

START_TEST(test_inspect_done_frees_queue)
{
	handshake(ISN_C);
	cseg(40, 81);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].ooo_segs, 1);
	unit_mark(f, DIR_BIT(DIR_C2S));	/* the parsers are done */
	cseg(0, 40);
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].ooo_segs, 0);
	ck_assert_ptr_null(unit_streams(f)[DIR_C2S].ooo);
	ck_assert(unit_streams(f)[DIR_C2S].flags & REASM_F_STOP);
	ck_assert_ptr_null(f->sess.ch);
}
END_TEST

/*
 * The parsers finish with a direction while segments beyond a hole are
 * still queued (here: the client's CCS ends TLS inspection).  reasm.c's
 * header: "Once the parsers need no more bytes from a direction
 * (REASM_F_DONE), its queue is freed and its segments cost nothing
 * further."
 */
START_TEST(test_queue_freed_when_parser_done)
{
	static const uint8_t	ccs[] = { 0x14, 0x03, 0x03, 0x00, 0x01, 0x01 };
	static const uint8_t	app[] = { 0x17, 0x03, 0x03, 0x00, 0x02, 0, 0 };
	struct ub		c;

	ub_init(&c);
	ub_mem(&c, rec.p, rec.n);		/* [0,121) ClientHello */
	ub_mem(&c, ccs, sizeof(ccs));		/* [121,127) CCS */
	ub_fill(&c, 0xee, 50);			/* [127,177) lost */
	ub_mem(&c, app, sizeof(app));		/* [177,184) app data */
	handshake(ISN_C);
	cseg_of(&c, 177, 7);			/* waits behind the hole */
	ck_assert_uint_eq(unit_streams(f)[DIR_C2S].ooo_segs, 1);
	cseg_of(&c, 0, 127);
	ck_assert_ptr_nonnull(f->sess.ch);
	ck_assert(unit_done(f, DIR_C2S));
	cseg_of(&c, 177, 7);			/* any later segment */
	ck_assert_msg(unit_streams(f)[DIR_C2S].ooo_segs == 0,
	    "%u segments still queued for a finished direction",
	    unit_streams(f)[DIR_C2S].ooo_segs);
	ck_assert_ptr_null(unit_streams(f)[DIR_C2S].ooo);
	ub_free(&c);
}
END_TEST

START_TEST(test_seg_overhead)
{
	/* Queued segments cost their header too (memcap accounting). */
	ck_assert_uint_ge(reasm_seg_overhead(), 2 * sizeof(uint32_t));
	handshake(ISN_C);
	cseg(40, 81);
	ck_assert_uint_ge(budget_used(), 81 + reasm_seg_overhead());
}
END_TEST

Suite *
reasm_suite(void)
{
	Suite	*s = suite_create("reasm");
	TCase	*tc;

	tc = tcase_create("in_order");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_in_order);
	tcase_add_test(tc, test_midstream_start);
	tcase_add_test(tc, test_synack_names_client_isn);
	suite_add_tcase(s, tc);

	tc = tcase_create("out_of_order");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_reverse);
	tcase_add_test(tc, test_shuffled);
	suite_add_tcase(s, tc);

	tc = tcase_create("overlap");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_retransmission);
	tcase_add_test(tc, test_retransmission_with_new_bytes);
	tcase_add_test(tc, test_overlap_identical);
	tcase_add_test(tc, test_overlap_conflict_first_wins);
	tcase_add_test(tc, test_overlap_conflict_forged_first);
	tcase_add_test(tc, test_overlap_conflict_in_order_segment);
	suite_add_tcase(s, tc);

	tc = tcase_create("gaps");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_gap_acked_hole);
	tcase_add_test(tc, test_gap_unacked_hole_waits);
	tcase_add_test(tc, test_gap_partial_legacy_hello);
	tcase_add_test(tc, test_gap_at_flush);
	tcase_add_test(tc, test_gap_snaplen_cut_then_queued_overlap);
	tcase_add_test(tc, test_gap_server_plaintext_before_starttls_reply);
	suite_add_tcase(s, tc);

	tc = tcase_create("sequence_space");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_wraparound_implicit);
	tcase_add_test(tc, test_wraparound_isn_ffffff00);
	tcase_add_test(tc, test_syn_with_data);
	tcase_add_test(tc, test_too_far_ahead);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_queue_segment_limit_tls);
	tcase_add_test(tc, test_queue_segment_limit_plain);
	tcase_add_test(tc, test_queue_byte_limit);
	tcase_add_test(tc, test_inspect_done_frees_queue);
	tcase_add_test(tc, test_queue_freed_when_parser_done);
	tcase_add_test(tc, test_seg_overhead);
	suite_add_tcase(s, tc);
	return s;
}
