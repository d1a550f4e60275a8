/*
 * check_flow.c -- flow.c: which side is the client, which segments earn a
 * flow, how flows end (FIN, RST, idle, eviction, reuse of the 4-tuple),
 * and the whole pipeline from flow_input() to the session event.
 *
 * Packets are struct pkt built by hand (decode.c is tested on its own);
 * what the flow table did is read back from the JSON events and counters.
 */
#include <stdlib.h>

#include "classify.h"
#include "unit.h"

#define T0	1767225600000000ULL	/* 2026-01-01T00:00:00Z, in us */

/* One TCP connection as seen by the capture. */
struct conv {
	uint8_t		 family;
	uint8_t		 cli[16], srv[16];
	uint16_t	 cport, sport;
	uint32_t	 seq[2];		/* next sequence number, per dir */
	uint64_t	 ts;
};

static void
setup(void)
{
	unit_setup();
	unit_out_open();
}

static void
conv_init(struct conv *c, uint16_t cport, uint16_t sport)
{
	memset(c, 0, sizeof(*c));
	c->family = 4;
	memcpy(c->cli, (const uint8_t[]){ 192, 168, 1, 10 }, 4);
	memcpy(c->srv, (const uint8_t[]){ 10, 1, 0, 1 }, 4);
	c->cport = cport;
	c->sport = sport;
	c->seq[DIR_C2S] = 1000;
	c->seq[DIR_S2C] = 5000;
	c->ts = T0;
}

/* One segment in direction dir; sequence numbers follow the data. */
static void
send_seg(struct conv *c, int dir, uint8_t flags, const void *p, size_t n)
{
	static uint8_t	ipbuf[2048];
	struct pkt	pkt;

	memset(&pkt, 0, sizeof(pkt));
	c->ts += 1000;
	pkt.ts = c->ts;
	pkt.pktno = 1;
	pkt.origin = "unit";
	pkt.family = c->family;
	pkt.flags = flags;
	if (dir == DIR_C2S) {
		memcpy(pkt.src, c->cli, 16);
		memcpy(pkt.dst, c->srv, 16);
		pkt.sport = c->cport;
		pkt.dport = c->sport;
	} else {
		memcpy(pkt.src, c->srv, 16);
		memcpy(pkt.dst, c->cli, 16);
		pkt.sport = c->sport;
		pkt.dport = c->cport;
	}
	pkt.seq = c->seq[dir];
	pkt.ack = (flags & TH_ACK) ? c->seq[!dir] : 0;
	pkt.payload = p;
	pkt.caplen = pkt.seglen = (uint32_t)n;
	if (c->family == 4 && n <= sizeof(ipbuf) - 40) {
		/* The IP packet as well, for nDPI (which reads from L3):
		 * ver/ihl tos len id frag ttl proto csum src dst, then
		 * sport dport seq ack off/flags win csum urg, payload. */
		memset(ipbuf, 0, 40);
		ipbuf[0] = 0x45;
		ipbuf[2] = (uint8_t)((40 + n) >> 8);
		ipbuf[3] = (uint8_t)(40 + n);
		ipbuf[8] = 64;
		ipbuf[9] = 6;
		memcpy(ipbuf + 12, pkt.src, 4);
		memcpy(ipbuf + 16, pkt.dst, 4);
		ipbuf[20] = (uint8_t)(pkt.sport >> 8);
		ipbuf[21] = (uint8_t)pkt.sport;
		ipbuf[22] = (uint8_t)(pkt.dport >> 8);
		ipbuf[23] = (uint8_t)pkt.dport;
		ipbuf[24] = (uint8_t)(pkt.seq >> 24);
		ipbuf[25] = (uint8_t)(pkt.seq >> 16);
		ipbuf[26] = (uint8_t)(pkt.seq >> 8);
		ipbuf[27] = (uint8_t)pkt.seq;
		ipbuf[28] = (uint8_t)(pkt.ack >> 24);
		ipbuf[29] = (uint8_t)(pkt.ack >> 16);
		ipbuf[30] = (uint8_t)(pkt.ack >> 8);
		ipbuf[31] = (uint8_t)pkt.ack;
		ipbuf[32] = 5 << 4;
		ipbuf[33] = flags;
		ipbuf[34] = 0xff;
		if (n > 0)
			memcpy(ipbuf + 40, p, n);
		pkt.l3 = ipbuf;
		pkt.l3len = (uint32_t)(40 + n);
	}
	c->seq[dir] += (uint32_t)n + ((flags & (TH_SYN | TH_FIN)) ? 1 : 0);
	flow_input(&pkt);
}

static void
send_str(struct conv *c, int dir, const char *s)
{
	send_seg(c, dir, TH_PUSH | TH_ACK, s, strlen(s));
}

static void
handshake(struct conv *c)
{
	send_seg(c, DIR_C2S, TH_SYN, NULL, 0);
	send_seg(c, DIR_S2C, TH_SYN | TH_ACK, NULL, 0);
	send_seg(c, DIR_C2S, TH_ACK, NULL, 0);
}

static void
fin_both(struct conv *c)
{
	send_seg(c, DIR_C2S, TH_FIN | TH_ACK, NULL, 0);
	send_seg(c, DIR_S2C, TH_FIN | TH_ACK, NULL, 0);
}

/* No event at all was written. */
static void
no_events(void)
{
	json_t	*evs = unit_out_events();

	ck_assert_uint_eq(json_array_size(evs), 0);
	json_decref(evs);
}

static json_t *
one_event(json_t *evs)
{
	ck_assert_uint_eq(json_array_size(evs), 1);
	return json_array_get(evs, 0);
}

/* --- who is the client --------------------------------------------------------- */

START_TEST(test_port_filter)
{
	struct conv	c;

	unit_cfg->dpi_enabled = false;		/* nothing looks off-port */
	conv_init(&c, 40000, 8080);
	handshake(&c);
	send_str(&c, DIR_C2S, "GET / HTTP/1.1\r\n");
	ck_assert_uint_eq(stats[STAT_FLOW_CREATED], 0);
	ck_assert_uint_eq(stats[STAT_FLOW_NOT_MAIL], 4);
	no_events();
}
END_TEST

/* With nDPI on, an off-port flow is looked at, and HTTP is not mail. */
START_TEST(test_dpi_not_mail)
{
	struct conv	c;

	unit_cfg->dpi_enabled = true;
	ck_assert_int_eq(classify_init(), 0);
	conv_init(&c, 40000, 8081);
	handshake(&c);
	send_str(&c, DIR_C2S, "GET / HTTP/1.1\r\nHost: example\r\n\r\n");
	send_str(&c, DIR_S2C, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	ck_assert_uint_eq(stats[STAT_FLOW_CREATED], 1);
	ck_assert_uint_eq(stats[STAT_DPI_FLOWS], 1);
	ck_assert_uint_eq(stats[STAT_DPI_GIVEUP], 1);
	no_events();
	classify_fini();
}
END_TEST

/* nDPI on, IMAP on 10143: found by nDPI (or its greeting), replayed. */
START_TEST(test_dpi_imap_odd_port)
{
	struct conv	c;
	json_t		*evs, *e;

	unit_cfg->dpi_enabled = true;
	ck_assert_int_eq(classify_init(), 0);
	conv_init(&c, 40000, 10143);
	handshake(&c);
	send_str(&c, DIR_S2C, "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n");
	send_str(&c, DIR_C2S, "a1 CAPABILITY\r\n");
	send_str(&c, DIR_S2C, "* CAPABILITY IMAP4rev1 STARTTLS\r\n"
	    "a1 OK done\r\n");
	send_str(&c, DIR_C2S, "a2 LOGOUT\r\n");
	send_str(&c, DIR_S2C, "* BYE\r\na2 OK bye\r\n");
	evs = unit_out_events();
	e = one_event(evs);
	ck_assert_str_eq(unit_jstr(e, "network.protocol"), "imap");
	ck_assert_str_ne(unit_jstr(e, "tlsfloor.detected_by"), "port");
	ck_assert_str_eq(unit_jstr(e, "tlsfloor.reason"), "plaintext");
	json_decref(evs);
	classify_fini();
}
END_TEST

START_TEST(test_syn_sender_is_client)
{
	struct conv	 c;
	json_t		*evs, *ev;

	conv_init(&c, 40000, 143);
	handshake(&c);
	send_str(&c, DIR_S2C, "* OK ready\r\n");
	send_str(&c, DIR_C2S, "a1 LOGOUT\r\n");
	fin_both(&c);
	ck_assert_uint_eq(stats[STAT_FLOW_CREATED], 1);
	ck_assert_uint_eq(stats[STAT_FLOW_CLOSED], 1);
	ck_assert_uint_eq(stats[STAT_FLOW_MIDSTREAM], 0);
	evs = unit_out_events();
	ev = one_event(evs);
	ck_assert_str_eq(unit_jstr(ev, "source.ip"), "192.168.1.10");
	ck_assert_int_eq(unit_jint(ev, "source.port"), 40000);
	ck_assert_int_eq(unit_jint(ev, "destination.port"), 143);
	ck_assert_int_eq(unit_jint(ev, "source.bytes"), 11);
	ck_assert_int_eq(unit_jint(ev, "destination.bytes"), 12);
	ck_assert_int_eq(unit_jint(ev, "source.packets"), 4);
	ck_assert_int_eq(unit_jint(ev, "destination.packets"), 3);
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.end"), "fin");
	ck_assert(json_is_false(unit_jget(ev, "tlsfloor.midstream")));
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.outcome"), "plaintext");
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.mode"), "plain");
	json_decref(evs);
}
END_TEST

START_TEST(test_synack_sender_is_server)
{
	struct conv	 c;
	json_t		*evs, *ev;

	/* The SYN was not captured: the SYN/ACK's sender is the server,
	 * even on a port that is no mail port for the other side. */
	conv_init(&c, 40000, 110);
	send_seg(&c, DIR_S2C, TH_SYN | TH_ACK, NULL, 0);
	send_str(&c, DIR_S2C, "+OK ready\r\n");
	evs = unit_out_events();
	ev = one_event(evs);
	ck_assert_int_eq(unit_jint(ev, "source.port"), 40000);
	ck_assert_int_eq(unit_jint(ev, "destination.port"), 110);
	ck_assert_int_eq(unit_jint(ev, "destination.bytes"), 11);
	json_decref(evs);
}
END_TEST

START_TEST(test_midstream_server_speaks_first)
{
	struct conv	 c;
	json_t		*evs, *ev;

	conv_init(&c, 40000, 110);
	send_str(&c, DIR_S2C, "+OK\r\n");	/* from the mail port */
	send_str(&c, DIR_C2S, "STAT\r\n");
	ck_assert_uint_eq(stats[STAT_FLOW_MIDSTREAM], 1);
	evs = unit_out_events();
	ev = one_event(evs);
	ck_assert_int_eq(unit_jint(ev, "source.port"), 40000);
	ck_assert_int_eq(unit_jint(ev, "destination.port"), 110);
	ck_assert(json_is_true(unit_jget(ev, "tlsfloor.midstream")));
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.end"), "end_of_input");
	json_decref(evs);
}
END_TEST

START_TEST(test_midstream_low_client_port)
{
	struct conv	 c;
	json_t		*evs, *ev;

	/* No SYN seen, and the client's port is below the server's: the
	 * mail port still names the server. */
	conv_init(&c, 100, 143);
	send_str(&c, DIR_C2S, "a1 NOOP\r\n");
	send_str(&c, DIR_S2C, "a1 OK\r\n");
	evs = unit_out_events();
	ev = one_event(evs);
	ck_assert_int_eq(unit_jint(ev, "source.port"), 100);
	ck_assert_int_eq(unit_jint(ev, "destination.port"), 143);
	ck_assert_int_eq(unit_jint(ev, "source.bytes"), 9);
	json_decref(evs);
}
END_TEST

START_TEST(test_bare_ack_no_flow)
{
	struct conv	c;

	conv_init(&c, 40000, 143);
	send_seg(&c, DIR_C2S, TH_ACK, NULL, 0);
	send_seg(&c, DIR_S2C, TH_RST, NULL, 0);
	send_seg(&c, DIR_C2S, TH_FIN | TH_ACK, NULL, 0);
	ck_assert_uint_eq(stats[STAT_FLOW_CREATED], 0);
	no_events();
}
END_TEST

START_TEST(test_no_payload_no_event)
{
	struct conv	c;

	conv_init(&c, 40000, 143);
	handshake(&c);
	fin_both(&c);
	ck_assert_uint_eq(stats[STAT_FLOW_CREATED], 1);
	ck_assert_uint_eq(stats[STAT_SESS_NO_PAYLOAD], 1);
	no_events();
}
END_TEST

START_TEST(test_ipv6)
{
	struct conv	 c;
	json_t		*evs, *ev;

	conv_init(&c, 40001, 993);
	c.family = 6;
	memset(c.cli, 0, 16);
	memset(c.srv, 0, 16);
	c.cli[0] = c.srv[0] = 0xfd;
	c.cli[15] = 0x10;
	c.srv[15] = 0x01;
	handshake(&c);
	send_str(&c, DIR_C2S, "x");
	send_str(&c, DIR_S2C, "yy");
	evs = unit_out_events();
	ev = one_event(evs);
	ck_assert_str_eq(unit_jstr(ev, "source.ip"), "fd00::10");
	ck_assert_str_eq(unit_jstr(ev, "destination.ip"), "fd00::1");
	ck_assert_str_eq(unit_jstr(ev, "network.type"), "ipv6");
	ck_assert_int_eq(unit_jint(ev, "source.packets"), 3);
	ck_assert_int_eq(unit_jint(ev, "destination.packets"), 2);
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.mode"), "implicit");
	json_decref(evs);
}
END_TEST

/* --- how flows end ------------------------------------------------------------------ */

START_TEST(test_rst_then_linger)
{
	struct conv	 c;
	json_t		*evs, *ev;

	conv_init(&c, 40000, 143);
	handshake(&c);
	send_str(&c, DIR_S2C, "* OK ready\r\n");
	send_seg(&c, DIR_C2S, TH_RST, NULL, 0);
	ck_assert_uint_eq(stats[STAT_FLOW_CLOSED], 1);
	ck_assert_uint_eq(stats[STAT_SESSIONS], 1);
	/* Stragglers of the closed connection open no new flow. */
	send_str(&c, DIR_S2C, "* BYE\r\n");
	ck_assert_uint_eq(stats[STAT_FLOW_LINGER_PKTS], 1);
	ck_assert_uint_eq(stats[STAT_FLOW_CREATED], 1);
	evs = unit_out_events();
	ev = one_event(evs);
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.end"), "rst");
	json_decref(evs);
}
END_TEST

START_TEST(test_idle_timeout)
{
	struct conv	 a, b;
	json_t		*evs;

	conv_init(&a, 40000, 143);
	conv_init(&b, 40002, 143);
	send_str(&a, DIR_C2S, "a1 NOOP\r\n");
	b.ts = a.ts + (uint64_t)(LIMIT_DEF_IDLE_TIMEOUT + 2) * 1000000u;
	send_str(&b, DIR_C2S, "a1 NOOP\r\n");
	/* A leap of the clock waits for a second packet to agree. */
	ck_assert_uint_eq(stats[STAT_FLOW_TIMEOUT], 0);
	ck_assert_uint_eq(stats[STAT_FLOW_CLOCK_HELD], 1);
	send_str(&b, DIR_S2C, "a1 OK\r\n");
	ck_assert_uint_eq(stats[STAT_FLOW_TIMEOUT], 1);
	evs = unit_out_events();
	ck_assert_uint_eq(json_array_size(evs), 2);
	ck_assert_str_eq(unit_jstr(json_array_get(evs, 0), "tlsfloor.end"),
	    "timeout");
	ck_assert_int_eq(unit_jint(json_array_get(evs, 0), "source.port"),
	    40000);
	ck_assert_str_eq(unit_jstr(json_array_get(evs, 1), "tlsfloor.end"),
	    "end_of_input");
	json_decref(evs);
}
END_TEST

START_TEST(test_clock_glitch)
{
	struct conv	 a, g;
	json_t		*evs;

	conv_init(&a, 40000, 143);
	conv_init(&g, 40003, 143);
	send_str(&a, DIR_C2S, "a1 NOOP\r\n");
	/* One packet two hours ahead, then the capture goes on at its own
	 * time: nothing times out, a stays one session. */
	g.ts = a.ts + 7200ull * 1000000u;
	send_str(&g, DIR_C2S, "a1 NOOP\r\n");
	a.ts += 1000000u;
	send_str(&a, DIR_S2C, "a1 OK\r\n");
	ck_assert_uint_eq(stats[STAT_FLOW_CLOCK_HELD], 1);
	ck_assert_uint_eq(stats[STAT_FLOW_TIMEOUT], 0);
	evs = unit_out_events();
	ck_assert_uint_eq(json_array_size(evs), 2);
	ck_assert_str_eq(unit_jstr(json_array_get(evs, 0), "tlsfloor.end"),
	    "end_of_input");
	json_decref(evs);
}
END_TEST

START_TEST(test_evicted_not_taken_back)
{
	struct conv	 a, b;

	unit_cfg->max_flows = 1;
	conv_init(&a, 40000, 143);
	conv_init(&b, 40001, 143);
	send_str(&a, DIR_C2S, "a1 NOOP\r\n");
	send_str(&b, DIR_C2S, "a1 NOOP\r\n");	/* a is evicted */
	ck_assert_uint_eq(stats[STAT_FLOW_EVICTED], 1);
	/* The rest of a does not come back mid-stream to evict b. */
	send_str(&a, DIR_C2S, "a2 NOOP\r\n");
	send_str(&a, DIR_S2C, "a1 OK\r\n");
	ck_assert_uint_eq(stats[STAT_FLOW_EVICTED_PKTS], 2);
	ck_assert_uint_eq(stats[STAT_FLOW_CREATED], 2);
	ck_assert_uint_eq(stats[STAT_FLOW_EVICTED], 1);
	/* A new connection on the same tuple is one. */
	send_seg(&a, DIR_C2S, TH_SYN, NULL, 0);
	ck_assert_uint_eq(stats[STAT_FLOW_CREATED], 3);
}
END_TEST

START_TEST(test_tuple_reuse)
{
	struct conv	 c;
	json_t		*evs;

	conv_init(&c, 40000, 110);
	handshake(&c);
	send_str(&c, DIR_S2C, "+OK\r\n");
	send_str(&c, DIR_C2S, "QUIT\r\n");
	/* No FIN seen; the same client port opens a new connection. */
	c.seq[DIR_C2S] += 100000;
	handshake(&c);
	send_str(&c, DIR_S2C, "+OK again\r\n");
	ck_assert_uint_eq(stats[STAT_FLOW_CREATED], 2);
	evs = unit_out_events();
	ck_assert_uint_eq(json_array_size(evs), 2);
	ck_assert_int_eq(unit_jint(json_array_get(evs, 0), "destination.bytes"),
	    5);
	ck_assert_int_eq(unit_jint(json_array_get(evs, 1), "destination.bytes"),
	    11);
	json_decref(evs);
}
END_TEST

START_TEST(test_max_flows_evicts_oldest)
{
	struct conv	 c[3];
	json_t		*evs;
	int		 i;

	unit_cfg->max_flows = 2;
	for (i = 0; i < 3; i++) {
		conv_init(&c[i], (uint16_t)(40000 + i), 143);
		send_str(&c[i], DIR_C2S, "a1 NOOP\r\n");
	}
	ck_assert_uint_eq(stats[STAT_FLOW_EVICTED], 1);
	evs = unit_out_events();
	ck_assert_uint_eq(json_array_size(evs), 3);
	ck_assert_str_eq(unit_jstr(json_array_get(evs, 0), "tlsfloor.end"),
	    "evicted");
	ck_assert_int_eq(unit_jint(json_array_get(evs, 0), "source.port"),
	    40000);
	json_decref(evs);
}
END_TEST

START_TEST(test_evict_prefers_empty_flow)
{
	struct conv	 a, b, c;
	json_t		*evs;

	/* A half-open connection (a SYN flood's kind) goes before an older
	 * flow that carries a mail session. */
	unit_cfg->max_flows = 2;
	conv_init(&a, 40000, 143);
	conv_init(&b, 40001, 143);
	conv_init(&c, 40002, 143);
	send_str(&a, DIR_C2S, "a1 NOOP\r\n");
	send_seg(&b, DIR_C2S, TH_SYN, NULL, 0);
	send_str(&c, DIR_C2S, "a1 NOOP\r\n");
	ck_assert_uint_eq(stats[STAT_FLOW_EVICTED], 1);
	ck_assert_uint_eq(stats[STAT_SESS_NO_PAYLOAD], 1);
	evs = unit_out_events();
	ck_assert_uint_eq(json_array_size(evs), 2);
	ck_assert_int_eq(unit_jint(json_array_get(evs, 0), "source.port"),
	    40000);
	ck_assert_str_eq(unit_jstr(json_array_get(evs, 0), "tlsfloor.end"),
	    "end_of_input");
	ck_assert_int_eq(unit_jint(json_array_get(evs, 1), "source.port"),
	    40002);
	json_decref(evs);
}
END_TEST

START_TEST(test_capture_times)
{
	struct conv	 c;
	json_t		*evs, *ev;

	/* Times are the packets' own; one from the past (files read out of
	 * order) neither moves the start nor pulls the end back. */
	conv_init(&c, 40000, 110);
	c.ts = T0 + 5000000 - 1000;		/* send_seg adds 1 ms */
	send_str(&c, DIR_S2C, "+OK\r\n");
	c.ts = T0 + 9000000 - 1000;
	send_str(&c, DIR_C2S, "CAPA\r\n");
	c.ts = T0 + 1000000 - 1000;
	send_str(&c, DIR_C2S, "NOOP\r\n");
	evs = unit_out_events();
	ev = one_event(evs);
	ck_assert_str_eq(unit_jstr(ev, "event.start"),
	    "2026-01-01T00:00:05.000000Z");
	ck_assert_str_eq(unit_jstr(ev, "event.end"),
	    "2026-01-01T00:00:09.000000Z");
	ck_assert_int_eq(unit_jint(ev, "event.duration"), 4000000000LL);
	json_decref(evs);
}
END_TEST

START_TEST(test_lru_order)
{
	struct conv	 a, b, c;
	json_t		*evs;

	/* A flow that saw a packet lately is not the least recently used,
	 * however old it is.  (Lately: the list is kept to FLOW_LRU_GRAIN
	 * seconds, flows touched within one grain are in creation order.) */
	unit_cfg->max_flows = 2;
	conv_init(&a, 40000, 143);
	conv_init(&b, 40001, 143);
	conv_init(&c, 40002, 143);
	send_str(&a, DIR_C2S, "a1 NOOP\r\n");
	send_str(&b, DIR_C2S, "a1 NOOP\r\n");
	a.ts += FLOW_LRU_GRAIN * 1000000u;
	send_str(&a, DIR_C2S, "a2 NOOP\r\n");	/* a is fresh again */
	c.ts = a.ts;
	send_str(&c, DIR_C2S, "a1 NOOP\r\n");
	ck_assert_uint_eq(stats[STAT_FLOW_EVICTED], 1);
	evs = unit_out_events();
	ck_assert_uint_eq(json_array_size(evs), 3);
	ck_assert_int_eq(unit_jint(json_array_get(evs, 0), "source.port"),
	    40001);
	ck_assert_str_eq(unit_jstr(json_array_get(evs, 0), "tlsfloor.end"),
	    "evicted");
	json_decref(evs);
}
END_TEST

/*
 * max_flows bounds the live flows (limits.h: "tracked TCP flows").  With
 * the table full and a closed flow lingering, freeing the closed one does
 * not make room among the live ones: a live flow must still be evicted.
 */
START_TEST(test_max_flows_with_lingering_flow)
{
	struct conv	 a, b, c, d;
	json_t		*evs;

	unit_cfg->max_flows = 2;
	conv_init(&a, 40000, 143);
	conv_init(&b, 40001, 143);
	conv_init(&c, 40002, 143);
	conv_init(&d, 40003, 143);
	send_str(&a, DIR_C2S, "a1 NOOP\r\n");
	send_seg(&a, DIR_C2S, TH_RST, NULL, 0);	/* a lingers, closed */
	send_str(&b, DIR_C2S, "a1 NOOP\r\n");
	send_str(&c, DIR_C2S, "a1 NOOP\r\n");	/* full: b and c live */
	send_str(&d, DIR_C2S, "a1 NOOP\r\n");
	ck_assert_msg(stats[STAT_FLOW_EVICTED] == 1,
	    "three live flows with max_flows 2 (%llu evicted)",
	    (unsigned long long)stats[STAT_FLOW_EVICTED]);
	/* a is gone either way: its strays now make a new flow. */
	send_str(&a, DIR_C2S, "a2 NOOP\r\n");
	ck_assert_uint_eq(stats[STAT_FLOW_LINGER_PKTS], 0);
	evs = unit_out_events();
	ck_assert_uint_eq(json_array_size(evs), 5);
	json_decref(evs);
}
END_TEST

START_TEST(test_linger_expires)
{
	struct conv	c;

	conv_init(&c, 40000, 143);
	handshake(&c);
	send_str(&c, DIR_C2S, "a1 NOOP\r\n");
	send_seg(&c, DIR_S2C, TH_RST, NULL, 0);
	send_str(&c, DIR_C2S, "a2 NOOP\r\n");	/* absorbed */
	ck_assert_uint_eq(stats[STAT_FLOW_LINGER_PKTS], 1);
	c.ts += (uint64_t)(LIMIT_DEF_LINGER + 1) * 1000000u;
	send_str(&c, DIR_C2S, "a3 NOOP\r\n");	/* a new flow */
	ck_assert_uint_eq(stats[STAT_FLOW_LINGER_PKTS], 1);
	ck_assert_uint_eq(stats[STAT_FLOW_CREATED], 2);
	ck_assert_uint_eq(stats[STAT_FLOW_MIDSTREAM], 1);
}
END_TEST

START_TEST(test_memcap_evicts)
{
	struct conv	c;
	int		i;

	/* Room for a few flows, not for 50 with their line buffers. */
	unit_cfg->memcap = 16 * 1024;
	flow_set_config(unit_cfg);	/* as a reload would */
	for (i = 0; i < 50; i++) {
		conv_init(&c, (uint16_t)(41000 + i), 143);
		send_str(&c, DIR_C2S, "a1 NOO");	/* a partial line */
		ck_assert_uint_le(budget_used(), unit_cfg->memcap);
	}
	ck_assert_uint_ge(stats[STAT_FLOW_MEMCAP], 1);
	ck_assert_uint_ge(stats[STAT_FLOW_EVICTED], 1);
	ck_assert_uint_eq(stats[STAT_FLOW_CREATED], 50);
}
END_TEST

START_TEST(test_fast_path_after_verdict)
{
	struct conv	c;

	conv_init(&c, 40000, 110);
	handshake(&c);
	send_str(&c, DIR_S2C, "+OK\r\n");
	send_str(&c, DIR_C2S, "USER a\r\n");
	send_str(&c, DIR_S2C, "+OK\r\n");
	send_str(&c, DIR_C2S, "PASS b\r\n");
	send_str(&c, DIR_S2C, "+OK logged in\r\n");	/* plaintext for good */
	send_str(&c, DIR_C2S, "STAT\r\n");
	send_str(&c, DIR_S2C, "+OK 0 0\r\n");
	ck_assert_uint_eq(stats[STAT_FLOW_FAST_PKTS], 2);
}
END_TEST

START_TEST(test_flush_order)
{
	struct conv	 c[4];
	json_t		*evs;
	int		 i;

	/* Events at the end of input come out oldest flow first. */
	for (i = 0; i < 4; i++) {
		conv_init(&c[i], (uint16_t)(40100 + 7 * i), 110);
		send_str(&c[i], DIR_S2C, "+OK\r\n");
	}
	evs = unit_out_events();
	ck_assert_uint_eq(json_array_size(evs), 4);
	for (i = 0; i < 4; i++)
		ck_assert_int_eq(unit_jint(json_array_get(evs, (size_t)i),
		    "source.port"), 40100 + 7 * i);
	json_decref(evs);
}
END_TEST

START_TEST(test_flow_config)
{
	ck_assert_ptr_eq(config_active(), unit_cfg);
}
END_TEST

/* --- scope ------------------------------------------------------------------------------ */

START_TEST(test_all_tls_scope)
{
	struct conv	 c;
	struct ub	 ch;
	json_t		*evs, *ev;

	unit_cfg->scope = SCOPE_ALL_TLS;
	ub_init(&ch);
	unit_hs_record(&ch, TLS_HS_CLIENT_HELLO, unit_ch10, unit_ch10_len);
	conv_init(&c, 40000, 8443);
	handshake(&c);
	send_seg(&c, DIR_C2S, TH_PUSH | TH_ACK, ch.p, ch.n);
	fin_both(&c);
	evs = unit_out_events();
	ev = one_event(evs);
	ck_assert_str_eq(unit_jstr(ev, "network.protocol"), "tls");
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.mode"), "implicit");
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.client_max_version"),
	    "TLSv1.0");
	json_decref(evs);
	ub_free(&ch);
}
END_TEST

/* --- the pipeline end to end ----------------------------------------------------------- */

START_TEST(test_imap_starttls_tls10_refused)
{
	static const uint8_t	alert[] = {
		0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46,
	};
	struct conv		 c;
	struct ub		 ch;
	json_t			*evs, *ev;

	ub_init(&ch);
	unit_hs_record(&ch, TLS_HS_CLIENT_HELLO, unit_ch10, unit_ch10_len);
	conv_init(&c, 40000, 143);
	handshake(&c);
	send_str(&c, DIR_S2C, "* OK [CAPABILITY IMAP4rev1 STARTTLS] hi\r\n");
	send_str(&c, DIR_C2S, "a1 STARTTLS\r\n");
	send_str(&c, DIR_S2C, "a1 OK go\r\n");
	send_seg(&c, DIR_C2S, TH_PUSH | TH_ACK, ch.p, 7);	/* pieces */
	send_seg(&c, DIR_C2S, TH_PUSH | TH_ACK, ch.p + 7, ch.n - 7);
	send_seg(&c, DIR_S2C, TH_PUSH | TH_ACK, alert, sizeof(alert));
	send_seg(&c, DIR_S2C, TH_FIN | TH_ACK, NULL, 0);
	send_seg(&c, DIR_C2S, TH_FIN | TH_ACK, NULL, 0);
	evs = unit_out_events();
	ev = one_event(evs);
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.mode"), "starttls");
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.starttls"), "accepted");
	ck_assert(json_is_true(unit_jget(ev, "tlsfloor.starttls_offered")));
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.outcome"), "refused");
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.reason"), "legacy_refused");
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.client_max_version"),
	    "TLSv1.0");
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.alert.description"),
	    "protocol_version");
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.alert.from"), "server");
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.client_hello.legacy_version"),
	    "0x0301");
	json_decref(evs);
	ub_free(&ch);
}
END_TEST

START_TEST(test_imaps_tls12_reordered)
{
	struct conv	 c;
	struct ub	 ch, sh;
	json_t		*evs, *ev;
	uint32_t	 base;

	ub_init(&ch);
	unit_hs_record(&ch, TLS_HS_CLIENT_HELLO, unit_ch12, unit_ch12_len);
	ub_init(&sh);
	unit_hs_record(&sh, TLS_HS_SERVER_HELLO, unit_sh12, unit_sh12_len);
	conv_init(&c, 40000, 993);
	handshake(&c);
	base = c.seq[DIR_C2S];
	c.seq[DIR_C2S] = base + 60;		/* the second half first */
	send_seg(&c, DIR_C2S, TH_PUSH | TH_ACK, ch.p + 60, ch.n - 60);
	c.seq[DIR_C2S] = base;
	send_seg(&c, DIR_C2S, TH_PUSH | TH_ACK, ch.p, 60);
	c.seq[DIR_C2S] = base + (uint32_t)ch.n;
	send_seg(&c, DIR_S2C, TH_PUSH | TH_ACK, sh.p, sh.n);
	fin_both(&c);
	evs = unit_out_events();
	ev = one_event(evs);
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.outcome"), "established");
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.reason"), "ok");
	ck_assert_str_eq(unit_jstr(ev, "tls.version"), "1.2");
	ck_assert_str_eq(unit_jstr(ev, "tls.client.server_name"),
	    "imap.example.test");
	ck_assert_ptr_null(unit_jget(ev, "tlsfloor.anomalies"));
	json_decref(evs);
	ub_free(&ch);
	ub_free(&sh);
}
END_TEST

Suite *
flow_suite(void)
{
	Suite	*s = suite_create("flow");
	TCase	*tc;

	tc = tcase_create("flow_create");
	tcase_add_checked_fixture(tc, setup, unit_teardown);
	tcase_add_test(tc, test_port_filter);
	tcase_add_test(tc, test_dpi_not_mail);
	tcase_add_test(tc, test_dpi_imap_odd_port);
	tcase_add_test(tc, test_syn_sender_is_client);
	tcase_add_test(tc, test_synack_sender_is_server);
	tcase_add_test(tc, test_midstream_server_speaks_first);
	tcase_add_test(tc, test_midstream_low_client_port);
	tcase_add_test(tc, test_bare_ack_no_flow);
	tcase_add_test(tc, test_no_payload_no_event);
	tcase_add_test(tc, test_ipv6);
	tcase_add_test(tc, test_all_tls_scope);
	tcase_add_test(tc, test_flow_config);
	suite_add_tcase(s, tc);

	tc = tcase_create("flow_end");
	tcase_add_checked_fixture(tc, setup, unit_teardown);
	tcase_add_test(tc, test_rst_then_linger);
	tcase_add_test(tc, test_idle_timeout);
	tcase_add_test(tc, test_clock_glitch);
	tcase_add_test(tc, test_evicted_not_taken_back);
	tcase_add_test(tc, test_tuple_reuse);
	tcase_add_test(tc, test_max_flows_evicts_oldest);
	tcase_add_test(tc, test_evict_prefers_empty_flow);
	tcase_add_test(tc, test_capture_times);
	tcase_add_test(tc, test_lru_order);
	tcase_add_test(tc, test_max_flows_with_lingering_flow);
	tcase_add_test(tc, test_linger_expires);
	tcase_add_test(tc, test_memcap_evicts);
	tcase_add_test(tc, test_fast_path_after_verdict);
	tcase_add_test(tc, test_flush_order);
	suite_add_tcase(s, tc);

	tc = tcase_create("pipeline");
	tcase_add_checked_fixture(tc, setup, unit_teardown);
	tcase_add_test(tc, test_imap_starttls_tls10_refused);
	tcase_add_test(tc, test_imaps_tls12_reordered);
	suite_add_tcase(s, tc);
	return s;
}
