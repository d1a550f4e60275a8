/*
 * check_decode.c -- decode.c: link, IPv4, IPv6 and TCP headers.
 *
 * decode_frame() hands a struct pkt to flow_input(), so a good frame is
 * seen through its effects: the decode.tcp counter, the flow it creates,
 * and the session event the flow table writes when it is flushed (client
 * and server address and port, payload bytes on the wire, VLAN).  A bad
 * frame is seen through exactly one decode.skip.* counter.
 *
 * The sample IP packets carry an IMAP command ("a1 CAPABILITY") from
 * 192.168.1.10:40000 to 10.1.0.1:143, so a frame decoded right ends as a
 * plaintext IMAP session with the command recognised.
 */
#include <stdlib.h>

#include "unit.h"

#define TS	1767225600000000ULL	/* 2026-01-01T00:00:00Z */

/* --- sample packets ------------------------------------------------------------ */

#define TCP_PAYLOAD	'a', '1', ' ', 'C', 'A', 'P', 'A', 'B', 'I', 'L', \
			'I', 'T', 'Y', '\r', '\n'
#define PAYLOAD_LEN	15

/* RFC 9293 3.1, no options: 40000 -> 143, PSH|ACK. */
#define TCP_HDR								\
	0x9c, 0x40,		/* source port 40000 */			\
	0x00, 0x8f,		/* destination port 143 */		\
	0x00, 0x00, 0x10, 0x00,	/* sequence number */			\
	0x00, 0x00, 0x20, 0x00,	/* acknowledgment number */		\
	0x50,			/* data offset 5 (20 bytes) */		\
	0x18,			/* flags PSH|ACK */			\
	0xff, 0xff,		/* window */				\
	0x00, 0x00,		/* checksum (not checked) */		\
	0x00, 0x00		/* urgent pointer */

#define IP4_SRC		192, 168, 1, 10
#define IP4_DST		10, 1, 0, 1

/* IPv4 (RFC 791 3.1), no options, then TCP and the payload: 55 bytes. */
static const uint8_t ip4[] = {
	0x45,			/* version 4, IHL 5 (20 bytes) */
	0x00,			/* TOS */
	0x00, 0x37,		/* total length 55 */
	0x12, 0x34,		/* identification */
	0x40, 0x00,		/* flags DF, fragment offset 0 */
	0x40,			/* TTL 64 */
	0x06,			/* protocol TCP */
	0x00, 0x00,		/* header checksum (not checked) */
	IP4_SRC,		/* source */
	IP4_DST,		/* destination */
	TCP_HDR,
	TCP_PAYLOAD,
};
#define IP4_TCP_OFF	20	/* where TCP starts in ip4[] */

/* IPv4 with 4 bytes of options and TCP with 12 bytes of options: 71. */
static const uint8_t ip4_opts[] = {
	0x46,			/* version 4, IHL 6 (24 bytes) */
	0x00,			/* TOS */
	0x00, 0x47,		/* total length 71 */
	0x12, 0x35,		/* identification */
	0x40, 0x00,		/* flags DF */
	0x40,			/* TTL */
	0x06,			/* protocol TCP */
	0x00, 0x00,		/* checksum */
	IP4_SRC,
	IP4_DST,
	0x01, 0x01, 0x01, 0x00,	/* options: NOP NOP NOP EOL */
	0x9c, 0x40,		/* TCP source port 40000 */
	0x00, 0x8f,		/* destination port 143 */
	0x00, 0x00, 0x10, 0x00,	/* sequence number */
	0x00, 0x00, 0x20, 0x00,	/* acknowledgment number */
	0x80,			/* data offset 8 (32 bytes) */
	0x18,			/* flags PSH|ACK */
	0xff, 0xff,		/* window */
	0x00, 0x00,		/* checksum */
	0x00, 0x00,		/* urgent pointer */
	0x01, 0x01,		/* options: NOP NOP */
	0x08, 0x0a,		/*   Timestamps, length 10 */
	0x00, 0x00, 0x00, 0x01,	/*   TSval */
	0x00, 0x00, 0x00, 0x02,	/*   TSecr */
	TCP_PAYLOAD,
};

#define IP6_ADDRS							\
	0xfd, 0x00, 0x00, 0x07, 0x00, 0x01, 0x00, 0x00,	/* source */	\
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10,	/* fd00:7:1::10 */ \
	0xfd, 0x00, 0x00, 0x07, 0x00, 0x02, 0x00, 0x00,	/* destination */ \
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01	/* fd00:7:2::1 */

/* IPv6 (RFC 8200 3) with hop-by-hop and destination options: 91 bytes. */
static const uint8_t ip6_ext[] = {
	0x60, 0x00, 0x00, 0x00,	/* version 6, traffic class, flow label */
	0x00, 0x33,		/* payload length 51 */
	0x00,			/* next header: hop-by-hop options */
	0x40,			/* hop limit */
	IP6_ADDRS,
	0x3c,			/* hop-by-hop: next header dest options */
	0x00,			/*   hdr ext len 0 (8 bytes) */
	0x01, 0x04,		/*   PadN, 4 bytes */
	0x00, 0x00, 0x00, 0x00,
	0x06,			/* destination options: next header TCP */
	0x00,			/*   hdr ext len 0 (8 bytes) */
	0x01, 0x04,		/*   PadN, 4 bytes */
	0x00, 0x00, 0x00, 0x00,
	TCP_HDR,
	TCP_PAYLOAD,
};
#define IP6_EXT_TCP_OFF	56

/* IPv6 with an atomic fragment header (RFC 6946): offset 0, M 0. */
static const uint8_t ip6_atomic[] = {
	0x60, 0x00, 0x00, 0x00,	/* version 6 */
	0x00, 0x2b,		/* payload length 43 = 8 + 20 + 15 */
	0x2c,			/* next header: fragment */
	0x40,			/* hop limit */
	IP6_ADDRS,
	0x06,			/* fragment: next header TCP */
	0x00,			/*   reserved */
	0x00, 0x00,		/*   offset 0, M 0: not really a fragment */
	0x00, 0x00, 0xbe, 0xef,	/*   identification */
	TCP_HDR,
	TCP_PAYLOAD,
};

/* IPv6 with an Authentication Header (RFC 4302): 91 bytes. */
static const uint8_t ip6_ah[] = {
	0x60, 0x00, 0x00, 0x00,	/* version 6 */
	0x00, 0x3b,		/* payload length 59 = 24 + 20 + 15 */
	0x33,			/* next header: AH */
	0x40,			/* hop limit */
	IP6_ADDRS,
	0x06,			/* AH: next header TCP */
	0x04,			/*   payload len 4: (4 + 2) * 4 = 24 bytes */
	0x00, 0x00,		/*   reserved */
	0x00, 0x00, 0x01, 0x00,	/*   SPI */
	0x00, 0x00, 0x00, 0x01,	/*   sequence number */
	0x11, 0x22, 0x33, 0x44,	/*   ICV, 12 bytes */
	0x55, 0x66, 0x77, 0x88,
	0x99, 0xaa, 0xbb, 0xcc,
	TCP_HDR,
	TCP_PAYLOAD,
};

/* --- link headers ---------------------------------------------------------------- */

#define ETH_MACS							\
	0x02, 0x00, 0x00, 0x00, 0x02, 0x01,	/* destination MAC */	\
	0x02, 0x00, 0x00, 0x00, 0x01, 0x01	/* source MAC */

static const uint8_t eth4[] = { ETH_MACS, 0x08, 0x00 };	/* IPv4 */
static const uint8_t eth6[] = { ETH_MACS, 0x86, 0xdd };	/* IPv6 */

/* 802.1Q: TPID 0x8100, TCI (PCP 5, VID 101), then the real type. */
static const uint8_t eth_vlan[] = {
	ETH_MACS,
	0x81, 0x00,		/* TPID 802.1Q */
	0xa0, 0x65,		/* TCI: PCP 5, DEI 0, VID 101 */
	0x08, 0x00,		/* IPv4 */
};

/* QinQ: 802.1ad S-tag (VID 200) outside an 802.1Q C-tag (VID 300). */
static const uint8_t eth_qinq[] = {
	ETH_MACS,
	0x88, 0xa8,		/* TPID 802.1ad */
	0x00, 0xc8,		/* TCI: VID 200 */
	0x81, 0x00,		/* TPID 802.1Q */
	0x01, 0x2c,		/* TCI: VID 300 */
	0x08, 0x00,		/* IPv4 */
};

/* The pre-standard QinQ TPID 0x9100. */
static const uint8_t eth_qinq_old[] = {
	ETH_MACS,
	0x91, 0x00,		/* TPID 0x9100 */
	0x00, 0x07,		/* TCI: VID 7 */
	0x81, 0x00,		/* TPID 802.1Q */
	0x00, 0x08,		/* TCI: VID 8 */
	0x08, 0x00,		/* IPv4 */
};

/* Linux cooked v1 (LINKTYPE_LINUX_SLL): 16 bytes. */
static const uint8_t sll[] = {
	0x00, 0x00,		/* packet type: to us */
	0x00, 0x01,		/* ARPHRD_ETHER */
	0x00, 0x06,		/* link-layer address length */
	0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00,	/* address */
	0x08, 0x00,		/* protocol IPv4 */
};

/* Linux cooked v2 (LINKTYPE_LINUX_SLL2): 20 bytes. */
static const uint8_t sll2[] = {
	0x08, 0x00,		/* protocol IPv4 */
	0x00, 0x00,		/* reserved */
	0x00, 0x00, 0x00, 0x02,	/* interface index */
	0x00, 0x01,		/* ARPHRD_ETHER */
	0x00,			/* packet type: to us */
	0x06,			/* link-layer address length */
	0x02, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00,	/* address */
};

/* --- helpers ----------------------------------------------------------------------- */

static void
setup(void)
{
	unit_setup();
	unit_out_open();
}

/* link header + IP packet into b (freshly initialised). */
static void
frame(struct ub *b, const uint8_t *link, size_t ll, const uint8_t *ip,
    size_t il)
{
	ub_init(b);
	ub_mem(b, link, ll);
	ub_mem(b, ip, il);
}

static int
decode(int link, const struct ub *b)
{
	return decode_frame(link, "unit", 1, TS, b->p, b->n);
}

/* The decode counters that say what became of a frame. */
static const enum stat_id	outcome_stats[] = {
	STAT_DEC_TCP, STAT_DEC_UNSUP_LINK, STAT_DEC_TRUNC_LINK,
	STAT_DEC_NOT_IP, STAT_DEC_TRUNC_IP, STAT_DEC_BAD_IP,
	STAT_DEC_FRAG_CUT, STAT_DEC_TRUNC_TCP, STAT_DEC_BAD_TCP,
	STAT_DEC_NOT_TCP, STAT_DEC_UNSUP_ENCAP, STAT_DEC_TOO_DEEP,
	STAT_DEC_TRUNC_ENCAP,
};

/* Exactly one frame was decoded or skipped, and it was counted as want. */
static void
expect_only(enum stat_id want)
{
	size_t		i;
	uint64_t	sum = 0;

	for (i = 0; i < sizeof(outcome_stats) / sizeof(outcome_stats[0]); i++)
		sum += stats[outcome_stats[i]];
	/* STAT_MAX: any one counter will do. */
	ck_assert_msg((want == STAT_MAX || stats[want] == 1) && sum == 1,
	    "expected only %s, got sum %llu", stats_name(want),
	    (unsigned long long)sum);
}

/* No outcome yet: the frame was a fragment, held for its datagram. */
static void
expect_none(void)
{
	size_t		i;
	uint64_t	sum = 0;

	for (i = 0; i < sizeof(outcome_stats) / sizeof(outcome_stats[0]); i++)
		sum += stats[outcome_stats[i]];
	ck_assert_msg(sum == 0, "a held fragment counted as an outcome (%llu)",
	    (unsigned long long)sum);
}

static void
clear_decode_stats(void)
{
	size_t	i;

	for (i = 0; i < sizeof(outcome_stats) / sizeof(outcome_stats[0]); i++)
		stats[outcome_stats[i]] = 0;
	stats[STAT_DEC_SNAPLEN] = 0;
}

/* Decode one frame that must reach the flow table; check its event. */
static void
expect_session(int link, const struct ub *b, const char *type,
    const char *cli, const char *srv, json_int_t bytes, const char *vlan)
{
	json_t	*evs, *ev;

	ck_assert_int_eq(decode(link, b), 0);
	expect_only(STAT_DEC_TCP);
	ck_assert_uint_eq(stats[STAT_FLOW_CREATED], 1);
	evs = unit_out_events();
	ck_assert_uint_eq(json_array_size(evs), 1);
	ev = json_array_get(evs, 0);
	ck_assert_str_eq(unit_jstr(ev, "network.type"), type);
	ck_assert_str_eq(unit_jstr(ev, "source.ip"), cli);
	ck_assert_int_eq(unit_jint(ev, "source.port"), 40000);
	ck_assert_str_eq(unit_jstr(ev, "destination.ip"), srv);
	ck_assert_int_eq(unit_jint(ev, "destination.port"), 143);
	ck_assert_int_eq(unit_jint(ev, "source.bytes"), bytes);
	ck_assert_int_eq(unit_jint(ev, "destination.bytes"), 0);
	ck_assert_str_eq(unit_jstr(ev, "network.protocol"), "imap");
	if (vlan != NULL)
		ck_assert_str_eq(unit_jstr(ev, "network.vlan.id"), vlan);
	else
		ck_assert_ptr_null(unit_jget(ev, "network.vlan"));
	/* The IMAP command arrived whole: a plaintext IMAP session. */
	ck_assert_str_eq(unit_jstr(ev, "tlsfloor.outcome"), "plaintext");
	json_decref(evs);
}

#define V4_CLI	"192.168.1.10"
#define V4_SRV	"10.1.0.1"
#define V6_CLI	"fd00:7:1::10"
#define V6_SRV	"fd00:7:2::1"

/* --- decode_supported_link ---------------------------------------------------------- */

START_TEST(test_supported_link)
{
	static const int	yes[] = {
		LINK_NULL, LINK_EN10MB, LINK_RAW, LINK_RAW_BSD, LINK_LOOP,
		LINK_RAW_ALT, LINK_LINUX_SLL, LINK_IPV4, LINK_IPV6,
		LINK_LINUX_SLL2,
	};
	size_t			i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ck_assert_int_eq(decode_supported_link(yes[i]), 1);
	ck_assert_int_eq(decode_supported_link(105), 0);	/* 802.11 */
	ck_assert_int_eq(decode_supported_link(127), 0);	/* radiotap */
	ck_assert_int_eq(decode_supported_link(-1), 0);
}
END_TEST

START_TEST(test_unsupported_link)
{
	struct ub	b;

	frame(&b, eth4, sizeof(eth4), ip4, sizeof(ip4));
	ck_assert_int_eq(decode(105, &b), -1);
	expect_only(STAT_DEC_UNSUP_LINK);
	ub_free(&b);
}
END_TEST

/* --- Ethernet and VLAN ------------------------------------------------------------ */

START_TEST(test_eth_ipv4_tcp)
{
	struct ub	b;

	frame(&b, eth4, sizeof(eth4), ip4, sizeof(ip4));
	ck_assert_uint_eq(b.n, 14 + 55);
	expect_session(LINK_EN10MB, &b, "ipv4", V4_CLI, V4_SRV, PAYLOAD_LEN,
	    NULL);
	ck_assert_uint_eq(stats[STAT_FLOW_MIDSTREAM], 1);	/* no SYN */
	ck_assert_uint_eq(stats[STAT_DEC_SNAPLEN], 0);
	ub_free(&b);
}
END_TEST

START_TEST(test_eth_truncated_link)
{
	struct ub	b;
	size_t		k;

	frame(&b, eth4, sizeof(eth4), ip4, sizeof(ip4));
	for (k = 0; k < 14; k++) {
		clear_decode_stats();
		ck_assert_int_eq(decode_frame(LINK_EN10MB, "u", 1, TS, b.p, k),
		    -1);
		expect_only(STAT_DEC_TRUNC_LINK);
	}
	ub_free(&b);
}
END_TEST

START_TEST(test_eth_not_ip)
{
	static const uint8_t	arp[] = {
		ETH_MACS,
		0x08, 0x06,		/* ARP */
		0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
	};
	struct ub		b;

	frame(&b, arp, sizeof(arp), NULL, 0);
	ck_assert_int_eq(decode(LINK_EN10MB, &b), -1);
	expect_only(STAT_DEC_NOT_IP);
	ub_free(&b);
}
END_TEST

START_TEST(test_vlan_8021q)
{
	struct ub	b;

	frame(&b, eth_vlan, sizeof(eth_vlan), ip4, sizeof(ip4));
	/* VID 101 without the priority bits of the TCI. */
	expect_session(LINK_EN10MB, &b, "ipv4", V4_CLI, V4_SRV, PAYLOAD_LEN,
	    "101");
	ub_free(&b);
}
END_TEST

START_TEST(test_vlan_qinq)
{
	struct ub	b;

	frame(&b, eth_qinq, sizeof(eth_qinq), ip4, sizeof(ip4));
	/* The outermost (service) tag names the VLAN. */
	expect_session(LINK_EN10MB, &b, "ipv4", V4_CLI, V4_SRV, PAYLOAD_LEN,
	    "200");
	ub_free(&b);
}
END_TEST

START_TEST(test_vlan_qinq_9100)
{
	struct ub	b;

	frame(&b, eth_qinq_old, sizeof(eth_qinq_old), ip4, sizeof(ip4));
	expect_session(LINK_EN10MB, &b, "ipv4", V4_CLI, V4_SRV, PAYLOAD_LEN,
	    "7");
	ub_free(&b);
}
END_TEST

START_TEST(test_vlan_ipv6)
{
	static const uint8_t	link[] = {
		ETH_MACS,
		0x81, 0x00, 0x00, 0x2a,	/* 802.1Q, VID 42 */
		0x86, 0xdd,		/* IPv6 */
	};
	struct ub		b;

	frame(&b, link, sizeof(link), ip6_ext, sizeof(ip6_ext));
	expect_session(LINK_EN10MB, &b, "ipv6", V6_CLI, V6_SRV, PAYLOAD_LEN,
	    "42");
	ub_free(&b);
}
END_TEST

/* DECODE_MAX_ENCAP tags are walked; one more is not a real network. */
START_TEST(test_vlan_tag_limit)
{
	struct ub	b;
	int		i;

	ub_init(&b);
	ub_mem(&b, eth4, 12);			/* MACs */
	for (i = 0; i < DECODE_MAX_ENCAP; i++) {
		ub_u16(&b, 0x8100);		/* TPID */
		ub_u16(&b, (uint16_t)(10 + i));	/* TCI */
	}
	ub_u16(&b, 0x0800);
	ub_mem(&b, ip4, sizeof(ip4));
	expect_session(LINK_EN10MB, &b, "ipv4", V4_CLI, V4_SRV, PAYLOAD_LEN,
	    "10");
	ub_free(&b);

	clear_decode_stats();
	ub_init(&b);
	ub_mem(&b, eth4, 12);
	for (i = 0; i < DECODE_MAX_ENCAP + 1; i++) {
		ub_u16(&b, 0x8100);
		ub_u16(&b, (uint16_t)(10 + i));
	}
	ub_u16(&b, 0x0800);
	ub_mem(&b, ip4, sizeof(ip4));
	ck_assert_int_eq(decode(LINK_EN10MB, &b), -1);
	expect_only(STAT_DEC_TOO_DEEP);
	ub_free(&b);
}
END_TEST

START_TEST(test_vlan_truncated)
{
	size_t	k;

	/* Cut inside the tag: TCI or inner type missing. */
	for (k = 14; k < sizeof(eth_vlan); k++) {
		clear_decode_stats();
		ck_assert_int_eq(decode_frame(LINK_EN10MB, "u", 1, TS,
		    eth_vlan, k), -1);
		expect_only(STAT_DEC_TRUNC_LINK);
	}
}
END_TEST

/* --- Linux cooked ------------------------------------------------------------------- */

START_TEST(test_sll)
{
	struct ub	b;

	frame(&b, sll, sizeof(sll), ip4, sizeof(ip4));
	expect_session(LINK_LINUX_SLL, &b, "ipv4", V4_CLI, V4_SRV,
	    PAYLOAD_LEN, NULL);
	ub_free(&b);
}
END_TEST

START_TEST(test_sll_truncated)
{
	size_t	k;

	for (k = 0; k < sizeof(sll); k++) {
		clear_decode_stats();
		ck_assert_int_eq(decode_frame(LINK_LINUX_SLL, "u", 1, TS, sll,
		    k), -1);
		expect_only(STAT_DEC_TRUNC_LINK);
	}
}
END_TEST

START_TEST(test_sll_not_ip)
{
	uint8_t		link[sizeof(sll)];
	struct ub	b;

	memcpy(link, sll, sizeof(link));
	link[14] = 0x08, link[15] = 0x06;	/* protocol ARP */
	frame(&b, link, sizeof(link), ip4, sizeof(ip4));
	ck_assert_int_eq(decode(LINK_LINUX_SLL, &b), -1);
	expect_only(STAT_DEC_NOT_IP);
	ub_free(&b);
}
END_TEST

START_TEST(test_sll2)
{
	struct ub	b;

	frame(&b, sll2, sizeof(sll2), ip4, sizeof(ip4));
	expect_session(LINK_LINUX_SLL2, &b, "ipv4", V4_CLI, V4_SRV,
	    PAYLOAD_LEN, NULL);
	ub_free(&b);
}
END_TEST

START_TEST(test_sll2_ipv6)
{
	uint8_t		link[sizeof(sll2)];
	struct ub	b;

	memcpy(link, sll2, sizeof(link));
	link[0] = 0x86, link[1] = 0xdd;		/* protocol IPv6 */
	frame(&b, link, sizeof(link), ip6_ext, sizeof(ip6_ext));
	expect_session(LINK_LINUX_SLL2, &b, "ipv6", V6_CLI, V6_SRV,
	    PAYLOAD_LEN, NULL);
	ub_free(&b);
}
END_TEST

START_TEST(test_sll2_truncated)
{
	size_t	k;

	for (k = 0; k < sizeof(sll2); k++) {
		clear_decode_stats();
		ck_assert_int_eq(decode_frame(LINK_LINUX_SLL2, "u", 1, TS,
		    sll2, k), -1);
		expect_only(STAT_DEC_TRUNC_LINK);
	}
}
END_TEST

/* --- raw IP ---------------------------------------------------------------------------- */

START_TEST(test_raw_ipv4)
{
	struct ub	b;

	frame(&b, NULL, 0, ip4, sizeof(ip4));
	expect_session(_i == 0 ? LINK_RAW : _i == 1 ? LINK_RAW_BSD :
	    _i == 2 ? LINK_RAW_ALT : LINK_IPV4, &b, "ipv4", V4_CLI, V4_SRV,
	    PAYLOAD_LEN, NULL);
	ub_free(&b);
}
END_TEST

START_TEST(test_raw_ipv6)
{
	struct ub	b;

	frame(&b, NULL, 0, ip6_ext, sizeof(ip6_ext));
	expect_session(_i == 0 ? LINK_RAW : LINK_IPV6, &b, "ipv6", V6_CLI,
	    V6_SRV, PAYLOAD_LEN, NULL);
	ub_free(&b);
}
END_TEST

START_TEST(test_raw_not_ip)
{
	uint8_t	pkt[sizeof(ip4)];

	memcpy(pkt, ip4, sizeof(pkt));
	pkt[0] = 0x55;				/* version 5 */
	ck_assert_int_eq(decode_frame(LINK_RAW, "u", 1, TS, pkt, sizeof(pkt)),
	    -1);
	expect_only(STAT_DEC_NOT_IP);
	clear_decode_stats();
	ck_assert_int_eq(decode_frame(LINK_RAW, "u", 1, TS, pkt, 0), -1);
	expect_only(STAT_DEC_TRUNC_IP);
}
END_TEST

/* --- BSD loopback -------------------------------------------------------------------- */

START_TEST(test_null_ipv4_little_endian)
{
	static const uint8_t	le[] = { 0x02, 0x00, 0x00, 0x00 };
	struct ub		b;

	/* AF_INET written by a little-endian host. */
	frame(&b, le, sizeof(le), ip4, sizeof(ip4));
	expect_session(LINK_NULL, &b, "ipv4", V4_CLI, V4_SRV, PAYLOAD_LEN,
	    NULL);
	ub_free(&b);
}
END_TEST

START_TEST(test_null_ipv4_big_endian)
{
	static const uint8_t	be[] = { 0x00, 0x00, 0x00, 0x02 };
	struct ub		b;

	/* AF_INET written by a big-endian host (or DLT_LOOP). */
	frame(&b, be, sizeof(be), ip4, sizeof(ip4));
	expect_session(_i == 0 ? LINK_NULL : LINK_LOOP, &b, "ipv4", V4_CLI,
	    V4_SRV, PAYLOAD_LEN, NULL);
	ub_free(&b);
}
END_TEST

START_TEST(test_null_ipv6_families)
{
	/* AF_INET6: 10 Linux, 24 NetBSD/OpenBSD, 28 FreeBSD, 30 macOS;
	 * each in both byte orders. */
	static const uint8_t	af[][4] = {
		{ 0x0a, 0x00, 0x00, 0x00 }, { 0x00, 0x00, 0x00, 0x0a },
		{ 0x18, 0x00, 0x00, 0x00 }, { 0x00, 0x00, 0x00, 0x18 },
		{ 0x1c, 0x00, 0x00, 0x00 }, { 0x00, 0x00, 0x00, 0x1c },
		{ 0x1e, 0x00, 0x00, 0x00 }, { 0x00, 0x00, 0x00, 0x1e },
	};
	struct ub		b;

	frame(&b, af[_i], 4, ip6_ext, sizeof(ip6_ext));
	expect_session(LINK_NULL, &b, "ipv6", V6_CLI, V6_SRV, PAYLOAD_LEN,
	    NULL);
	ub_free(&b);
}
END_TEST

START_TEST(test_null_bad)
{
	static const uint8_t	af7[] = { 0x07, 0x00, 0x00, 0x00 };
	struct ub		b;

	frame(&b, af7, sizeof(af7), ip4, sizeof(ip4));
	ck_assert_int_eq(decode(LINK_NULL, &b), -1);
	expect_only(STAT_DEC_NOT_IP);
	clear_decode_stats();
	ck_assert_int_eq(decode_frame(LINK_NULL, "u", 1, TS, af7, 3), -1);
	expect_only(STAT_DEC_TRUNC_LINK);
	ub_free(&b);
}
END_TEST

/* --- IPv4 ------------------------------------------------------------------------------- */

START_TEST(test_ipv4_options)
{
	struct ub	b;

	/* If the 4 option bytes were not skipped, the ports would be read
	 * from the wrong place and no IMAP flow would exist. */
	frame(&b, eth4, sizeof(eth4), ip4_opts, sizeof(ip4_opts));
	expect_session(LINK_EN10MB, &b, "ipv4", V4_CLI, V4_SRV, PAYLOAD_LEN,
	    NULL);
	ub_free(&b);
}
END_TEST

/* Patch one IPv4 header byte of the Ethernet sample and decode it. */
static void
ipv4_patched(size_t off, uint8_t v, enum stat_id want)
{
	uint8_t		pkt[sizeof(ip4)];
	struct ub	b;

	memcpy(pkt, ip4, sizeof(pkt));
	pkt[off] = v;
	frame(&b, eth4, sizeof(eth4), pkt, sizeof(pkt));
	ck_assert_int_eq(decode(LINK_EN10MB, &b), -1);
	expect_only(want);
	ck_assert_uint_eq(stats[STAT_FLOW_CREATED], 0);
	ub_free(&b);
}

START_TEST(test_ipv4_ihl_below_5)
{
	ipv4_patched(0, 0x44, STAT_DEC_BAD_IP);	/* IHL 4: 16 bytes */
}
END_TEST

START_TEST(test_ipv4_ihl_zero)
{
	ipv4_patched(0, 0x40, STAT_DEC_BAD_IP);
}
END_TEST

START_TEST(test_ipv4_wrong_version)
{
	ipv4_patched(0, 0x65, STAT_DEC_BAD_IP);	/* version 6 in an IPv4 type */
}
END_TEST

START_TEST(test_ipv4_totlen_below_ihl)
{
	ipv4_patched(3, 19, STAT_DEC_BAD_IP);	/* total length 19 < 20 */
}
END_TEST

START_TEST(test_ipv4_ihl_beyond_capture)
{
	uint8_t		pkt[sizeof(ip4)];
	struct ub	b;

	memcpy(pkt, ip4, sizeof(pkt));
	pkt[0] = 0x4f;				/* IHL 15: 60 bytes */
	pkt[2] = 0x01, pkt[3] = 0x00;		/* total length 256 */
	frame(&b, eth4, sizeof(eth4), pkt, sizeof(pkt));	/* 55 bytes */
	ck_assert_int_eq(decode(LINK_EN10MB, &b), -1);
	expect_only(STAT_DEC_TRUNC_IP);
	ub_free(&b);
}
END_TEST

START_TEST(test_ipv4_fragments)
{
	/* flags/fragment offset: MF; offset 8 bytes; DF with offset: each
	 * alone waits for the rest of its datagram. */
	static const uint8_t	fo[][2] = {
		{ 0x20, 0x00 }, { 0x00, 0x01 }, { 0x40, 0x01 },
	};
	uint8_t			pkt[sizeof(ip4)];
	struct ub		b;
	size_t			i;

	for (i = 0; i < sizeof(fo) / sizeof(fo[0]); i++) {
		clear_decode_stats();
		stats[STAT_DEFRAG_FRAGMENTS] = 0;
		memcpy(pkt, ip4, sizeof(pkt));
		pkt[5] = (uint8_t)i;		/* a datagram each */
		pkt[6] = fo[i][0];
		pkt[7] = fo[i][1];
		if (fo[i][0] & 0x20)		/* MF: whole 8-byte blocks */
			pkt[3] = 20 + 32;
		frame(&b, eth4, sizeof(eth4), pkt, sizeof(pkt));
		ck_assert_int_eq(decode(LINK_EN10MB, &b), -1);
		expect_none();
		ck_assert_uint_eq(stats[STAT_DEFRAG_FRAGMENTS], 1);
		ub_free(&b);
	}
	/* MF with the largest offset: past what a datagram can hold. */
	memcpy(pkt, ip4, sizeof(pkt));
	pkt[3] = 20 + 32;
	pkt[6] = 0x3f, pkt[7] = 0xff;
	frame(&b, eth4, sizeof(eth4), pkt, sizeof(pkt));
	ck_assert_int_eq(decode(LINK_EN10MB, &b), -1);
	ck_assert_uint_eq(stats[STAT_DEFRAG_BAD], 1);
	ub_free(&b);
	/* A fragment the snaplen cut can complete nothing. */
	clear_decode_stats();
	memcpy(pkt, ip4, sizeof(pkt));
	pkt[6] = 0x20, pkt[7] = 0x00;
	frame(&b, eth4, sizeof(eth4), pkt, sizeof(pkt) - 3);
	ck_assert_int_eq(decode(LINK_EN10MB, &b), -1);
	expect_only(STAT_DEC_FRAG_CUT);
	ub_free(&b);
	/* The reserved bit alone is not a fragment. */
	clear_decode_stats();
	memcpy(pkt, ip4, sizeof(pkt));
	pkt[6] = 0x80;
	frame(&b, eth4, sizeof(eth4), pkt, sizeof(pkt));
	ck_assert_int_eq(decode(LINK_EN10MB, &b), 0);
	expect_only(STAT_DEC_TCP);
	ub_free(&b);
}
END_TEST

/*
 * The fragment f (after the link header l2) completes a datagram of two:
 * decoded whole, one session with the 15 payload bytes, path == want.
 */
static void
expect_reassembled(const uint8_t *l2, size_t l2len, const uint8_t *f,
    size_t flen, const char *path, const char *want)
{
	struct ub	b;
	json_t		*evs;

	frame(&b, l2, l2len, f, flen);
	ck_assert_int_eq(decode(LINK_EN10MB, &b), 0);
	ub_free(&b);
	ck_assert_uint_eq(stats[STAT_DEFRAG_FRAGMENTS], 2);
	ck_assert_uint_eq(stats[STAT_DEFRAG_DONE], 1);
	ck_assert_uint_eq(stats[STAT_DEC_TCP], 1);
	evs = unit_out_events();
	ck_assert_uint_eq(json_array_size(evs), 1);
	ck_assert_int_eq(unit_jint(json_array_get(evs, 0), "source.bytes"),
	    PAYLOAD_LEN);
	ck_assert_str_eq(unit_jstr(json_array_get(evs, 0), path), want);
	json_decref(evs);
}

/*
 * ip4 in two fragments, the last first: the first completes the datagram,
 * which is decoded as if it had come whole (the session's 15 bytes).
 */
START_TEST(test_ipv4_reassembly)
{
	uint8_t		f1[20 + 16], f2[20 + 19];
	struct ub	b;

	memcpy(f1, ip4, 20);
	memcpy(f1 + 20, ip4 + 20, 16);
	f1[2] = 0, f1[3] = sizeof(f1);
	f1[6] = 0x20, f1[7] = 0x00;		/* MF, offset 0 */
	memcpy(f2, ip4, 20);
	memcpy(f2 + 20, ip4 + 36, 19);
	f2[2] = 0, f2[3] = sizeof(f2);
	f2[6] = 0x00, f2[7] = 0x02;		/* offset 16 */
	frame(&b, eth4, sizeof(eth4), f2, sizeof(f2));
	ck_assert_int_eq(decode(LINK_EN10MB, &b), -1);
	ub_free(&b);
	ck_assert_uint_eq(stats[STAT_DEC_TCP], 0);
	expect_reassembled(eth4, sizeof(eth4), f1, sizeof(f1), "source.ip",
	    V4_CLI);
}
END_TEST

START_TEST(test_ipv4_not_tcp)
{
	ipv4_patched(9, 17, STAT_DEC_NOT_TCP);	/* UDP */
}
END_TEST

START_TEST(test_ipv4_padding_trimmed_bare_ack)
{
	/* A bare ACK (40 bytes of IP) in a minimum-size Ethernet frame: 6
	 * bytes of padding that are not TCP payload. */
	uint8_t		pkt[40];
	struct ub	b;

	memcpy(pkt, ip4, sizeof(pkt));
	pkt[2] = 0x00, pkt[3] = 0x28;		/* total length 40 */
	pkt[IP4_TCP_OFF + 13] = 0x10;		/* flags ACK */
	frame(&b, eth4, sizeof(eth4), pkt, sizeof(pkt));
	ub_fill(&b, 0x00, 6);			/* padding to 60 bytes */
	ck_assert_uint_eq(b.n, 60);
	ck_assert_int_eq(decode(LINK_EN10MB, &b), 0);
	expect_only(STAT_DEC_TCP);
	ck_assert_uint_eq(stats[STAT_DEC_SNAPLEN], 0);
	/* Padding taken for payload would have made a mid-stream flow;
	 * a bare ACK of an unknown flow makes none. */
	ck_assert_uint_eq(stats[STAT_FLOW_CREATED], 0);
	ub_free(&b);
}
END_TEST

START_TEST(test_ipv4_padding_trimmed_payload)
{
	/* "x\r\n" as payload: 43 bytes of IP, 3 bytes of padding. */
	uint8_t		pkt[43];
	struct ub	b;
	json_t		*evs;

	memcpy(pkt, ip4, 40);
	pkt[2] = 0x00, pkt[3] = 0x2b;		/* total length 43 */
	memcpy(pkt + 40, "x\r\n", 3);
	frame(&b, eth4, sizeof(eth4), pkt, sizeof(pkt));
	ub_mem(&b, "\r\n\0", 3);		/* padding that looks like text */
	ck_assert_int_eq(decode(LINK_EN10MB, &b), 0);
	expect_only(STAT_DEC_TCP);
	ck_assert_uint_eq(stats[STAT_DEC_SNAPLEN], 0);
	evs = unit_out_events();
	ck_assert_uint_eq(json_array_size(evs), 1);
	ck_assert_int_eq(unit_jint(json_array_get(evs, 0), "source.bytes"),
	    3);
	json_decref(evs);
	ub_free(&b);
}
END_TEST

START_TEST(test_ipv4_snaplen)
{
	/* Captured up to 5 bytes into the payload: decoded, the cut is
	 * counted, and the flow accounts the bytes on the wire. */
	struct ub	b;
	json_t		*evs;

	frame(&b, eth4, sizeof(eth4), ip4, sizeof(ip4));
	b.n -= PAYLOAD_LEN - 5;
	ck_assert_int_eq(decode(LINK_EN10MB, &b), 0);
	expect_only(STAT_DEC_TCP);
	ck_assert_uint_eq(stats[STAT_DEC_SNAPLEN], 1);
	evs = unit_out_events();
	ck_assert_uint_eq(json_array_size(evs), 1);
	ck_assert_int_eq(unit_jint(json_array_get(evs, 0), "source.bytes"),
	    PAYLOAD_LEN);
	json_decref(evs);
	ub_free(&b);
}
END_TEST

/* --- TCP header ------------------------------------------------------------------------- */

START_TEST(test_tcp_offset_below_5)
{
	ipv4_patched(IP4_TCP_OFF + 12, 0x40, STAT_DEC_BAD_TCP);	/* 16 bytes */
}
END_TEST

START_TEST(test_tcp_offset_zero)
{
	ipv4_patched(IP4_TCP_OFF + 12, 0x00, STAT_DEC_BAD_TCP);
}
END_TEST

START_TEST(test_tcp_offset_beyond_segment)
{
	/* 60-byte header in a 35-byte segment. */
	ipv4_patched(IP4_TCP_OFF + 12, 0xf0, STAT_DEC_BAD_TCP);
}
END_TEST

START_TEST(test_tcp_offset_one_past_segment)
{
	/* 36-byte header (offset 9) in a 35-byte segment: one past. */
	ipv4_patched(IP4_TCP_OFF + 12, 0x90, STAT_DEC_BAD_TCP);
}
END_TEST

START_TEST(test_tcp_offset_whole_segment)
{
	/* A 32-byte header (offset 8) in a 35-byte segment is legal: the
	 * first 12 payload bytes become options, 3 are left. */
	uint8_t		pkt[sizeof(ip4)];
	struct ub	b;
	json_t		*evs;

	memcpy(pkt, ip4, sizeof(pkt));
	pkt[IP4_TCP_OFF + 12] = 0x80;
	frame(&b, eth4, sizeof(eth4), pkt, sizeof(pkt));
	ck_assert_int_eq(decode(LINK_EN10MB, &b), 0);
	expect_only(STAT_DEC_TCP);
	evs = unit_out_events();
	ck_assert_int_eq(unit_jint(json_array_get(evs, 0), "source.bytes"),
	    3);
	json_decref(evs);
	ub_free(&b);
}
END_TEST

/*
 * IPv4 total length 30 leaves 10 bytes for TCP, fully captured: a TCP
 * header cannot fit, which is a malformed packet (decode.skip.bad_*), not
 * one cut by the snaplen (decode.skip.truncated_tcp).
 */
START_TEST(test_tcp_header_beyond_ip_length)
{
	uint8_t		pkt[30];
	struct ub	b;

	memcpy(pkt, ip4, sizeof(pkt));
	pkt[2] = 0x00, pkt[3] = 30;		/* total length 30 */
	frame(&b, eth4, sizeof(eth4), pkt, sizeof(pkt));
	ck_assert_int_eq(decode(LINK_EN10MB, &b), -1);
	ck_assert_msg(stats[STAT_DEC_BAD_TCP] + stats[STAT_DEC_BAD_IP] == 1,
	    "counted as truncated_tcp %llu, not as malformed",
	    (unsigned long long)stats[STAT_DEC_TRUNC_TCP]);
	ub_free(&b);
}
END_TEST

START_TEST(test_tcp_options_truncated)
{
	struct ub	b;

	/* Cut inside the 12 bytes of TCP options: the fixed header still
	 * places the segment; its payload was cut by the snaplen. */
	frame(&b, eth4, sizeof(eth4), ip4_opts, 24 + 20 + 5);
	ck_assert_int_eq(decode(LINK_EN10MB, &b), 0);
	ck_assert_uint_eq(stats[STAT_DEC_TCP], 1);
	ck_assert_uint_eq(stats[STAT_DEC_SNAPLEN], 1);
	ck_assert_uint_eq(stats[STAT_DEC_TRUNC_TCP], 0);
	ub_free(&b);
}
END_TEST

/*
 * The same cuts in a frame the capture says it has whole (wire length ==
 * captured length): not the snaplen but lying lengths.
 */
START_TEST(test_lengths_beyond_whole_frame)
{
	struct ub	b;
	size_t		n = 14 + 24 + 32 + 5;

	/* IP total length 71 but 5 of the 15 payload bytes in the frame:
	 * the segment is what the frame holds, not a cut one. */
	frame(&b, eth4, sizeof(eth4), ip4_opts, 24 + 32 + 5);
	ck_assert_int_eq(decode_frame_len(LINK_EN10MB, "u", 1, TS, b.p, n, n),
	    0);
	expect_only(STAT_DEC_TCP);
	ck_assert_uint_eq(stats[STAT_DEC_LEN_BEYOND], 1);
	ck_assert_uint_eq(stats[STAT_DEC_SNAPLEN], 0);
	/* The same frame from a capture that may have cut it. */
	clear_decode_stats();
	ck_assert_int_eq(decode_frame_len(LINK_EN10MB, "u", 2, TS, b.p, n,
	    n + 10), 0);
	ck_assert_uint_eq(stats[STAT_DEC_SNAPLEN], 1);
	ub_free(&b);

	/* TCP options running past a whole frame: a malformed header. */
	clear_decode_stats();
	frame(&b, eth4, sizeof(eth4), ip4_opts, 24 + 20 + 5);
	n = 14 + 24 + 20 + 5;
	ck_assert_int_eq(decode_frame_len(LINK_EN10MB, "u", 3, TS, b.p, n, n),
	    -1);
	expect_only(STAT_DEC_BAD_TCP);
	ub_free(&b);
}
END_TEST

/* --- IPv6 ---------------------------------------------------------------------------------- */

START_TEST(test_ipv6_hbh_dstopts)
{
	struct ub	b;

	frame(&b, eth6, sizeof(eth6), ip6_ext, sizeof(ip6_ext));
	expect_session(LINK_EN10MB, &b, "ipv6", V6_CLI, V6_SRV, PAYLOAD_LEN,
	    NULL);
	ck_assert_uint_eq(stats[STAT_DEC_SNAPLEN], 0);
	ub_free(&b);
}
END_TEST

START_TEST(test_ipv6_ah)
{
	struct ub	b;

	frame(&b, eth6, sizeof(eth6), ip6_ah, sizeof(ip6_ah));
	expect_session(LINK_EN10MB, &b, "ipv6", V6_CLI, V6_SRV, PAYLOAD_LEN,
	    NULL);
	ck_assert_uint_eq(stats[STAT_DEC_SNAPLEN], 0);
	ub_free(&b);
}
END_TEST

START_TEST(test_ipv6_routing)
{
	uint8_t		pkt[sizeof(ip6_ext)];
	struct ub	b;

	/* The same chain with a routing header (43) in place of the
	 * destination options. */
	memcpy(pkt, ip6_ext, sizeof(pkt));
	pkt[40] = 43;				/* hop-by-hop: next routing */
	pkt[50] = 0x00;				/* routing type 0 */
	pkt[51] = 0x00;				/* segments left 0 */
	frame(&b, eth6, sizeof(eth6), pkt, sizeof(pkt));
	expect_session(LINK_EN10MB, &b, "ipv6", V6_CLI, V6_SRV, PAYLOAD_LEN,
	    NULL);
	ub_free(&b);
}
END_TEST

/*
 * An atomic fragment (offset 0, M 0; RFC 6946) is a whole packet and is
 * decoded.  Its 8 header bytes are not TCP: the payload on the wire is 15
 * bytes, fully captured.
 */
START_TEST(test_ipv6_atomic_fragment)
{
	struct ub	b;
	json_t		*evs;

	frame(&b, eth6, sizeof(eth6), ip6_atomic, sizeof(ip6_atomic));
	ck_assert_int_eq(decode(LINK_EN10MB, &b), 0);
	expect_only(STAT_DEC_TCP);
	ck_assert_msg(stats[STAT_DEC_SNAPLEN] == 0,
	    "a fully captured packet counted as cut by the snaplen");
	evs = unit_out_events();
	ck_assert_uint_eq(json_array_size(evs), 1);
	ck_assert_int_eq(unit_jint(json_array_get(evs, 0), "source.bytes"),
	    PAYLOAD_LEN);
	json_decref(evs);
	ub_free(&b);
}
END_TEST

START_TEST(test_ipv6_fragment)
{
	/* offset/res/M: M set; offset 1 (8 bytes); offset 1 and M: each
	 * alone waits for the rest of its datagram. */
	static const uint8_t	fo[][2] = {
		{ 0x00, 0x01 }, { 0x00, 0x08 }, { 0x00, 0x09 },
	};
	uint8_t			pkt[sizeof(ip6_atomic)];
	struct ub		b;
	size_t			i;

	for (i = 0; i < sizeof(fo) / sizeof(fo[0]); i++) {
		clear_decode_stats();
		stats[STAT_DEFRAG_FRAGMENTS] = 0;
		memcpy(pkt, ip6_atomic, sizeof(pkt));
		pkt[47] = (uint8_t)i;		/* a datagram each */
		pkt[42] = fo[i][0];
		pkt[43] = fo[i][1];
		if (fo[i][1] & 0x01)		/* M: whole 8-byte blocks */
			pkt[5] = 8 + 32;
		frame(&b, eth6, sizeof(eth6), pkt, sizeof(pkt));
		ck_assert_int_eq(decode(LINK_EN10MB, &b), -1);
		expect_none();
		ck_assert_uint_eq(stats[STAT_DEFRAG_FRAGMENTS], 1);
		ub_free(&b);
	}
	/* The largest offset: past what a datagram can hold. */
	memcpy(pkt, ip6_atomic, sizeof(pkt));
	pkt[42] = 0xff, pkt[43] = 0xf8;
	frame(&b, eth6, sizeof(eth6), pkt, sizeof(pkt));
	ck_assert_int_eq(decode(LINK_EN10MB, &b), -1);
	ck_assert_uint_eq(stats[STAT_DEFRAG_BAD], 1);
	ub_free(&b);
	/* Cut by the snaplen: it can complete nothing. */
	clear_decode_stats();
	memcpy(pkt, ip6_atomic, sizeof(pkt));
	pkt[43] = 0x08;				/* offset 8, last */
	frame(&b, eth6, sizeof(eth6), pkt, sizeof(pkt) - 3);
	ck_assert_int_eq(decode(LINK_EN10MB, &b), -1);
	expect_only(STAT_DEC_FRAG_CUT);
	/* The same frame captured whole: payload_length lies. */
	clear_decode_stats();
	ck_assert_int_eq(decode_frame_len(LINK_EN10MB, "unit", 1, TS, b.p,
	    b.n, b.n), -1);
	expect_only(STAT_DEC_BAD_IP);
	ub_free(&b);
}
END_TEST

/*
 * ip6_atomic's TCP segment in two real fragments, the last first, with a
 * hop-by-hop header before the fragment header of the first (the
 * unfragmentable part: not carried into the reassembled packet).
 */
START_TEST(test_ipv6_reassembly)
{
	static const uint8_t	hbh[8] = { 0x2c, 0x00, 0x01, 0x04 };
	uint8_t			f1[40 + 8 + 8 + 16], f2[40 + 8 + 19];
	struct ub		b;

	memcpy(f1, ip6_atomic, 40);
	f1[4] = 0, f1[5] = sizeof(f1) - 40;
	f1[6] = 0x00;				/* hop-by-hop first */
	memcpy(f1 + 40, hbh, 8);
	memcpy(f1 + 48, ip6_atomic + 40, 8);	/* fragment header */
	f1[51] = 0x01;				/* offset 0, M */
	memcpy(f1 + 56, ip6_atomic + 48, 16);
	memcpy(f2, ip6_atomic, 48);
	f2[4] = 0, f2[5] = sizeof(f2) - 40;
	f2[42] = 0x00, f2[43] = 0x10;		/* offset 16, last */
	memcpy(f2 + 48, ip6_atomic + 64, 19);
	frame(&b, eth6, sizeof(eth6), f2, sizeof(f2));
	ck_assert_int_eq(decode(LINK_EN10MB, &b), -1);
	ub_free(&b);
	expect_reassembled(eth6, sizeof(eth6), f1, sizeof(f1), "network.type",
	    "ipv6");
}
END_TEST

START_TEST(test_ipv6_ext_limit)
{
	struct ub	b;
	int		i, n;

	/* DECODE_MAX_IPV6_EXT hop-by-hop headers pass; one more does not. */
	for (n = DECODE_MAX_IPV6_EXT; n <= DECODE_MAX_IPV6_EXT + 1; n++) {
		clear_decode_stats();
		ub_init(&b);
		ub_mem(&b, eth6, sizeof(eth6));
		ub_u32(&b, 0x60000000);		/* version 6 */
		ub_u16(&b, (uint16_t)(8 * n + 20 + PAYLOAD_LEN));
		ub_u8(&b, 0);			/* next: hop-by-hop */
		ub_u8(&b, 64);			/* hop limit */
		ub_mem(&b, ip6_ext + 8, 32);	/* addresses */
		for (i = 0; i < n; i++) {
			ub_u8(&b, i + 1 < n ? 0 : 6);	/* next header */
			ub_u8(&b, 0);		/* 8 bytes */
			ub_u16(&b, 0x0104);	/* PadN 4 */
			ub_u32(&b, 0);
		}
		ub_mem(&b, ip6_ext + IP6_EXT_TCP_OFF, 20 + PAYLOAD_LEN);
		if (n == DECODE_MAX_IPV6_EXT) {
			ck_assert_int_eq(decode(LINK_EN10MB, &b), 0);
			expect_only(STAT_DEC_TCP);
		} else {
			ck_assert_int_eq(decode(LINK_EN10MB, &b), -1);
			expect_only(STAT_DEC_BAD_IP);
		}
		ub_free(&b);
	}
}
END_TEST

static void
ipv6_patched(size_t off, uint8_t v, enum stat_id want)
{
	uint8_t		pkt[sizeof(ip6_ext)];
	struct ub	b;

	memcpy(pkt, ip6_ext, sizeof(pkt));
	pkt[off] = v;
	frame(&b, eth6, sizeof(eth6), pkt, sizeof(pkt));
	ck_assert_int_eq(decode(LINK_EN10MB, &b), -1);
	expect_only(want);
	ub_free(&b);
}

START_TEST(test_ipv6_not_tcp)
{
	ipv6_patched(48, 17, STAT_DEC_NOT_TCP);	/* dest options -> UDP */
}
END_TEST

START_TEST(test_ipv6_no_next_header)
{
	ipv6_patched(48, 59, STAT_DEC_NOT_TCP);	/* No Next Header */
}
END_TEST

START_TEST(test_ipv6_jumbo)
{
	uint8_t		pkt[sizeof(ip6_ext)];
	struct ub	b;

	memcpy(pkt, ip6_ext, sizeof(pkt));
	pkt[4] = pkt[5] = 0;			/* payload length 0 */
	frame(&b, eth6, sizeof(eth6), pkt, sizeof(pkt));
	ck_assert_int_eq(decode(LINK_EN10MB, &b), -1);
	expect_only(STAT_DEC_BAD_IP);
	ub_free(&b);
}
END_TEST

START_TEST(test_ipv6_wrong_version)
{
	ipv6_patched(0, 0x40, STAT_DEC_BAD_IP);
}
END_TEST

/*
 * Destination options claiming 2048 bytes in a fully captured packet whose
 * payload length is 51: the header contradicts the IP length (BAD), the
 * capture did not cut anything (not TRUNC).  STYLE 2.4: two kinds of no.
 */
START_TEST(test_ipv6_ext_len_lies)
{
	ipv6_patched(49, 0xff, STAT_DEC_BAD_IP);
}
END_TEST

/* The same lie in a packet the snaplen did cut is only "truncated". */
START_TEST(test_ipv6_ext_truncated)
{
	struct ub	b;

	frame(&b, eth6, sizeof(eth6), ip6_ext, 40 + 12);
	ck_assert_int_eq(decode(LINK_EN10MB, &b), -1);
	expect_only(STAT_DEC_TRUNC_IP);
	ub_free(&b);
}
END_TEST

/* --- tunnels and label stacks ------------------------------------------------------- */

/* An outer IPv4 header (RFC 791) for protocol proto carrying n bytes,
 * 172.16.0.1 -> 172.16.0.2; the inner packet's addresses must win. */
static void
outer_ipv4(struct ub *b, uint8_t proto, size_t n)
{
	ub_u8(b, 0x45);				/* version 4, IHL 5 */
	ub_u8(b, 0x00);				/* TOS */
	ub_u16(b, (uint16_t)(20 + n));		/* total length */
	ub_u16(b, 0x0001);			/* identification */
	ub_u16(b, 0x4000);			/* DF */
	ub_u8(b, 64);				/* TTL */
	ub_u8(b, proto);			/* protocol */
	ub_u16(b, 0x0000);			/* checksum */
	ub_mem(b, (const uint8_t[]){ 172, 16, 0, 1 }, 4);	/* source */
	ub_mem(b, (const uint8_t[]){ 172, 16, 0, 2 }, 4);	/* dest */
}

/* UDP (RFC 768) carrying n bytes. */
static void
outer_udp(struct ub *b, uint16_t sport, uint16_t dport, size_t n)
{
	ub_u16(b, sport);			/* source port */
	ub_u16(b, dport);			/* destination port */
	ub_u16(b, (uint16_t)(8 + n));		/* length */
	ub_u16(b, 0x0000);			/* checksum */
}

/* Ethernet, outer IPv4 (proto), hdr, then the inner frame or packet. */
static void
tunnel(struct ub *b, uint8_t proto, const uint8_t *hdr, size_t hl,
    const uint8_t *in1, size_t l1, const uint8_t *in2, size_t l2)
{
	ub_init(b);
	ub_mem(b, eth4, sizeof(eth4));
	outer_ipv4(b, proto, hl + l1 + l2);
	ub_mem(b, hdr, hl);
	ub_mem(b, in1, l1);
	ub_mem(b, in2, l2);
}

static const uint8_t	eth_mpls[] = { ETH_MACS, 0x88, 0x47 };	/* MPLS */
/* RFC 3032 label stack entries: label(20) TC(3) S(1) TTL(8). */
static const uint8_t	lse_top[] = { 0x00, 0x0c, 0x80, 0x40 };	/* 200 */
static const uint8_t	lse_bottom[] = { 0x00, 0x06, 0x41, 0x40 };	/* 100, S */

START_TEST(test_mpls_one_label)
{
	struct ub	b;

	ub_init(&b);
	ub_mem(&b, eth_mpls, sizeof(eth_mpls));
	ub_mem(&b, lse_bottom, sizeof(lse_bottom));
	ub_mem(&b, ip4, sizeof(ip4));
	expect_session(LINK_EN10MB, &b, "ipv4", V4_CLI, V4_SRV, PAYLOAD_LEN,
	    NULL);
	ck_assert_uint_eq(stats[STAT_ENC_MPLS], 1);
	ub_free(&b);
}
END_TEST

START_TEST(test_mpls_stack_ipv6)
{
	struct ub	b;

	ub_init(&b);
	ub_mem(&b, eth_mpls, sizeof(eth_mpls));
	ub_mem(&b, lse_top, sizeof(lse_top));
	ub_mem(&b, lse_top, sizeof(lse_top));
	ub_mem(&b, lse_bottom, sizeof(lse_bottom));
	ub_mem(&b, ip6_ext, sizeof(ip6_ext));
	expect_session(LINK_EN10MB, &b, "ipv6", V6_CLI, V6_SRV, PAYLOAD_LEN,
	    NULL);
	ub_free(&b);
}
END_TEST

START_TEST(test_mpls_pseudowire)
{
	static const uint8_t	cw[] = { 0x00, 0x00, 0x00, 0x00 };
	struct ub		b;

	/* Ethernet pseudowire (RFC 4448) with a control word (RFC 4385). */
	ub_init(&b);
	ub_mem(&b, eth_mpls, sizeof(eth_mpls));
	ub_mem(&b, lse_top, sizeof(lse_top));
	ub_mem(&b, lse_bottom, sizeof(lse_bottom));
	ub_mem(&b, cw, sizeof(cw));
	ub_mem(&b, eth_vlan, sizeof(eth_vlan));	/* inner frame, VLAN 101 */
	ub_mem(&b, ip4, sizeof(ip4));
	expect_session(LINK_EN10MB, &b, "ipv4", V4_CLI, V4_SRV, PAYLOAD_LEN,
	    "101");
	ub_free(&b);
}
END_TEST

START_TEST(test_mpls_limits)
{
	struct ub	b;
	int		i;

	/* DECODE_MAX_MPLS labels are walked, one more is a crafted loop. */
	ub_init(&b);
	ub_mem(&b, eth_mpls, sizeof(eth_mpls));
	for (i = 0; i < DECODE_MAX_MPLS - 1; i++)
		ub_mem(&b, lse_top, sizeof(lse_top));
	ub_mem(&b, lse_bottom, sizeof(lse_bottom));
	ub_mem(&b, ip4, sizeof(ip4));
	ck_assert_int_eq(decode(LINK_EN10MB, &b), 0);
	expect_only(STAT_DEC_TCP);
	ub_free(&b);

	clear_decode_stats();
	ub_init(&b);
	ub_mem(&b, eth_mpls, sizeof(eth_mpls));
	for (i = 0; i < DECODE_MAX_MPLS + 1; i++)
		ub_mem(&b, lse_top, sizeof(lse_top));
	ub_mem(&b, ip4, sizeof(ip4));
	ck_assert_int_eq(decode(LINK_EN10MB, &b), -1);
	expect_only(STAT_DEC_TOO_DEEP);
	ub_free(&b);

	/* A stack cut inside a label entry. */
	clear_decode_stats();
	ub_init(&b);
	ub_mem(&b, eth_mpls, sizeof(eth_mpls));
	ub_mem(&b, lse_top, 2);
	ck_assert_int_eq(decode(LINK_EN10MB, &b), -1);
	expect_only(STAT_DEC_TRUNC_ENCAP);
	ub_free(&b);

	/* After the stack, neither IP nor a control word. */
	clear_decode_stats();
	ub_init(&b);
	ub_mem(&b, eth_mpls, sizeof(eth_mpls));
	ub_mem(&b, lse_bottom, sizeof(lse_bottom));
	ub_fill(&b, 0x55, 40);
	ck_assert_int_eq(decode(LINK_EN10MB, &b), -1);
	expect_only(STAT_DEC_UNSUP_ENCAP);
	ub_free(&b);
}
END_TEST

/* GRE (RFC 2784): flags/version(2) protocol(2). */
static const uint8_t	gre_ip4[] = {
	0x00, 0x00,		/* no C K S bits, version 0 */
	0x08, 0x00,		/* protocol IPv4 */
};
/* GRE with checksum, key and sequence (RFC 2890). */
static const uint8_t	gre_all[] = {
	0xb0, 0x00,		/* C, K, S; version 0 */
	0x86, 0xdd,		/* protocol IPv6 */
	0x00, 0x00, 0x00, 0x00,	/* checksum, reserved1 */
	0x00, 0x00, 0x00, 0x2a,	/* key */
	0x00, 0x00, 0x00, 0x01,	/* sequence number */
};
static const uint8_t	gre_teb[] = {
	0x00, 0x00,		/* version 0 */
	0x65, 0x58,		/* transparent Ethernet bridging */
};
/* ERSPAN type I: GRE without sequence number, Ethernet right after. */
static const uint8_t	gre_erspan1[] = {
	0x00, 0x00,		/* version 0 */
	0x88, 0xbe,		/* ERSPAN */
};
/* ERSPAN type II: GRE with a sequence number and an 8-byte header. */
static const uint8_t	gre_erspan2[] = {
	0x10, 0x00,		/* S */
	0x88, 0xbe,		/* ERSPAN */
	0x00, 0x00, 0x00, 0x07,	/* GRE sequence number */
	0x10, 0x64,		/* ERSPAN version 1, VLAN 100 */
	0x00, 0x01,		/* COS, En, T, session id 1 */
	0x00, 0x00, 0x00, 0x00,	/* reserved, index */
};
/* ERSPAN type III with the optional platform-specific subheader. */
static const uint8_t	gre_erspan3[] = {
	0x10, 0x00,		/* S */
	0x22, 0xeb,		/* ERSPAN type III */
	0x00, 0x00, 0x00, 0x08,	/* GRE sequence number */
	0x20, 0x00,		/* ERSPAN version 2, VLAN 0 */
	0x00, 0x01,		/* COS, BSO, T, session id 1 */
	0x00, 0x00, 0x00, 0x00,	/* timestamp */
	0x00, 0x00,		/* SGT */
	0x00, 0x01,		/* P, FT, HW ID, D, Gra; O set */
	0x00, 0x00, 0x00, 0x00,	/* platform specific subheader */
	0x00, 0x00, 0x00, 0x00,
};
/* Enhanced GRE (RFC 2637, PPTP): version 1, carries PPP. */
static const uint8_t	gre_pptp[] = {
	0x30, 0x01,		/* K, S; version 1 */
	0x88, 0x0b,		/* PPP */
	0x00, 0x10, 0x00, 0x01,	/* payload length, call id */
	0x00, 0x00, 0x00, 0x01,	/* sequence number */
};

START_TEST(test_gre_ipv4)
{
	struct ub	b;

	tunnel(&b, 47, gre_ip4, sizeof(gre_ip4), ip4, sizeof(ip4), NULL, 0);
	expect_session(LINK_EN10MB, &b, "ipv4", V4_CLI, V4_SRV, PAYLOAD_LEN,
	    NULL);
	ck_assert_uint_eq(stats[STAT_ENC_GRE], 1);
	ub_free(&b);
}
END_TEST

START_TEST(test_gre_options_ipv6)
{
	struct ub	b;

	tunnel(&b, 47, gre_all, sizeof(gre_all), ip6_ext, sizeof(ip6_ext),
	    NULL, 0);
	expect_session(LINK_EN10MB, &b, "ipv6", V6_CLI, V6_SRV, PAYLOAD_LEN,
	    NULL);
	ub_free(&b);
}
END_TEST

START_TEST(test_gre_ethernet)
{
	struct ub	b;

	tunnel(&b, 47, gre_teb, sizeof(gre_teb), eth_qinq, sizeof(eth_qinq),
	    ip4, sizeof(ip4));
	expect_session(LINK_EN10MB, &b, "ipv4", V4_CLI, V4_SRV, PAYLOAD_LEN,
	    "200");
	ub_free(&b);
}
END_TEST

START_TEST(test_erspan)
{
	static const struct { const uint8_t *h; size_t n; } types[] = {
		{ gre_erspan1, sizeof(gre_erspan1) },
		{ gre_erspan2, sizeof(gre_erspan2) },
		{ gre_erspan3, sizeof(gre_erspan3) },
	};
	struct ub	b;

	tunnel(&b, 47, types[_i].h, types[_i].n, eth4, sizeof(eth4), ip4,
	    sizeof(ip4));
	expect_session(LINK_EN10MB, &b, "ipv4", V4_CLI, V4_SRV, PAYLOAD_LEN,
	    NULL);
	ck_assert_uint_eq(stats[STAT_ENC_ERSPAN], 1);
	ub_free(&b);
}
END_TEST

START_TEST(test_gre_unsupported)
{
	uint8_t		e3[sizeof(gre_erspan3)];
	struct ub	b;

	tunnel(&b, 47, gre_pptp, sizeof(gre_pptp), ip4, sizeof(ip4), NULL, 0);
	ck_assert_int_eq(decode(LINK_EN10MB, &b), -1);
	expect_only(STAT_DEC_UNSUP_ENCAP);
	ub_free(&b);
	/* ERSPAN type III that does not say version 2. */
	clear_decode_stats();
	memcpy(e3, gre_erspan3, sizeof(e3));
	e3[8] = 0x10;
	tunnel(&b, 47, e3, sizeof(e3), eth4, sizeof(eth4), ip4, sizeof(ip4));
	ck_assert_int_eq(decode(LINK_EN10MB, &b), -1);
	expect_only(STAT_DEC_UNSUP_ENCAP);
	ub_free(&b);
	/* Cut inside the GRE options. */
	clear_decode_stats();
	tunnel(&b, 47, gre_all, 10, NULL, 0, NULL, 0);
	ck_assert_int_eq(decode(LINK_EN10MB, &b), -1);
	expect_only(STAT_DEC_TRUNC_ENCAP);
	ub_free(&b);
}
END_TEST

/* VXLAN (RFC 7348 5). */
static const uint8_t	vxlan_hdr[] = {
	0x08,			/* flags: I (VNI valid) */
	0x00, 0x00, 0x00,	/* reserved */
	0x00, 0x00, 0x2a,	/* VNI 42 */
	0x00,			/* reserved */
};

static void
vxlan_frame(struct ub *b, const uint8_t *vx, uint16_t dport)
{
	ub_init(b);
	ub_mem(b, eth4, sizeof(eth4));
	outer_ipv4(b, 17, 8 + 8 + sizeof(eth_vlan) + sizeof(ip4));
	outer_udp(b, 50000, dport, 8 + sizeof(eth_vlan) + sizeof(ip4));
	ub_mem(b, vx, 8);
	ub_mem(b, eth_vlan, sizeof(eth_vlan));
	ub_mem(b, ip4, sizeof(ip4));
}

START_TEST(test_vxlan)
{
	struct ub	b;

	vxlan_frame(&b, vxlan_hdr, 4789);
	expect_session(LINK_EN10MB, &b, "ipv4", V4_CLI, V4_SRV, PAYLOAD_LEN,
	    "101");
	ck_assert_uint_eq(stats[STAT_ENC_VXLAN], 1);
	ub_free(&b);
}
END_TEST

START_TEST(test_vxlan_not)
{
	uint8_t		vx[sizeof(vxlan_hdr)];
	struct ub	b;

	memcpy(vx, vxlan_hdr, sizeof(vx));
	vx[0] = 0x00;				/* no I flag */
	vxlan_frame(&b, vx, 4789);
	ck_assert_int_eq(decode(LINK_EN10MB, &b), -1);
	expect_only(STAT_DEC_UNSUP_ENCAP);
	ub_free(&b);
	clear_decode_stats();
	vxlan_frame(&b, vxlan_hdr, 53);		/* other UDP: not followed */
	ck_assert_int_eq(decode(LINK_EN10MB, &b), -1);
	expect_only(STAT_DEC_NOT_TCP);
	ub_free(&b);
}
END_TEST

/* GTP-U (3GPP TS 29.281 5.1), G-PDU without optional fields. */
static const uint8_t	gtpu_hdr[] = {
	0x30,			/* version 1, PT 1, E S PN clear */
	0xff,			/* message type: G-PDU */
	0x00, 0x37,		/* length 55 */
	0x00, 0x00, 0x00, 0x01,	/* TEID */
};
/* ... and with one extension header (PDU session container). */
static const uint8_t	gtpu_ext_hdr[] = {
	0x34,			/* version 1, PT 1, E */
	0xff,			/* G-PDU */
	0x00, 0x3f,		/* length 63 */
	0x00, 0x00, 0x00, 0x01,	/* TEID */
	0x00, 0x00,		/* sequence number */
	0x00,			/* N-PDU number */
	0x85,			/* next extension: PDU session container */
	0x01,			/*   length 1 (4 bytes) */
	0x00, 0x09,		/*   content */
	0x00,			/*   next extension: none */
};

static void
gtpu_frame(struct ub *b, const uint8_t *g, size_t gl, uint16_t sport,
    uint16_t dport)
{
	ub_init(b);
	ub_mem(b, eth4, sizeof(eth4));
	outer_ipv4(b, 17, 8 + gl + sizeof(ip4));
	outer_udp(b, sport, dport, gl + sizeof(ip4));
	ub_mem(b, g, gl);
	ub_mem(b, ip4, sizeof(ip4));
}

START_TEST(test_gtpu)
{
	struct ub	b;

	gtpu_frame(&b, gtpu_hdr, sizeof(gtpu_hdr), 2152, 2152);
	expect_session(LINK_EN10MB, &b, "ipv4", V4_CLI, V4_SRV, PAYLOAD_LEN,
	    NULL);
	ck_assert_uint_eq(stats[STAT_ENC_GTP], 1);
	ub_free(&b);
}
END_TEST

START_TEST(test_gtpu_extension)
{
	struct ub	b;

	gtpu_frame(&b, gtpu_ext_hdr, sizeof(gtpu_ext_hdr), 40000, 2152);
	expect_session(LINK_EN10MB, &b, "ipv4", V4_CLI, V4_SRV, PAYLOAD_LEN,
	    NULL);
	ub_free(&b);
}
END_TEST

START_TEST(test_gtpu_unsupported)
{
	uint8_t		g[sizeof(gtpu_ext_hdr)];
	struct ub	b;

	memcpy(g, gtpu_hdr, sizeof(gtpu_hdr));
	g[1] = 0x01;				/* echo request */
	gtpu_frame(&b, g, sizeof(gtpu_hdr), 2152, 2152);
	ck_assert_int_eq(decode(LINK_EN10MB, &b), -1);
	expect_only(STAT_DEC_UNSUP_ENCAP);
	ub_free(&b);
	clear_decode_stats();
	memcpy(g, gtpu_ext_hdr, sizeof(gtpu_ext_hdr));
	g[12] = 0x00;				/* extension length 0 */
	gtpu_frame(&b, g, sizeof(gtpu_ext_hdr), 2152, 2152);
	ck_assert_int_eq(decode(LINK_EN10MB, &b), -1);
	expect_only(STAT_DEC_UNSUP_ENCAP);
	ub_free(&b);
}
END_TEST

START_TEST(test_ip_in_ip)
{
	struct ub	b;

	tunnel(&b, 4, NULL, 0, ip4, sizeof(ip4), NULL, 0);
	expect_session(LINK_EN10MB, &b, "ipv4", V4_CLI, V4_SRV, PAYLOAD_LEN,
	    NULL);
	ck_assert_uint_eq(stats[STAT_ENC_IPIP], 1);
	ub_free(&b);
}
END_TEST

START_TEST(test_6in4)
{
	struct ub	b;

	tunnel(&b, 41, NULL, 0, ip6_ext, sizeof(ip6_ext), NULL, 0);
	expect_session(LINK_EN10MB, &b, "ipv6", V6_CLI, V6_SRV, PAYLOAD_LEN,
	    NULL);
	ub_free(&b);
}
END_TEST

START_TEST(test_encap_depth)
{
	struct ub	b, in;
	int		i, depth;

	/* IP in IP in IP ...: DECODE_MAX_ENCAP layers pass, one more is
	 * a loop built to burn our time. */
	for (depth = DECODE_MAX_ENCAP; depth <= DECODE_MAX_ENCAP + 1;
	    depth++) {
		clear_decode_stats();
		ub_init(&in);
		ub_mem(&in, ip4, sizeof(ip4));
		for (i = 0; i < depth; i++) {
			ub_init(&b);
			outer_ipv4(&b, 4, in.n);
			ub_mem(&b, in.p, in.n);
			ub_free(&in);
			in = b;
		}
		ub_init(&b);
		ub_mem(&b, eth4, sizeof(eth4));
		ub_mem(&b, in.p, in.n);
		ub_free(&in);
		if (depth == DECODE_MAX_ENCAP) {
			ck_assert_int_eq(decode(LINK_EN10MB, &b), 0);
			expect_only(STAT_DEC_TCP);
		} else {
			ck_assert_int_eq(decode(LINK_EN10MB, &b), -1);
			expect_only(STAT_DEC_TOO_DEEP);
		}
		ub_free(&b);
	}
}
END_TEST

/* Every prefix of a tunnelled frame: exactly one counter, TCP only once
 * the inner TCP header is whole. */
static void
tunnel_sweep(int link, const struct ub *b, size_t tcp_end)
{
	size_t	k;

	for (k = 0; k <= b->n; k++) {
		clear_decode_stats();
		(void)decode_frame(link, "u", 1, TS, b->p, k);
		if (k < tcp_end)
			ck_assert_msg(stats[STAT_DEC_TCP] == 0, "cut at %zu", k);
		else
			ck_assert_msg(stats[STAT_DEC_TCP] == 1, "cut at %zu", k);
		expect_only(k < tcp_end ? STAT_MAX : STAT_DEC_TCP);
		flow_flush_all();
	}
}

START_TEST(test_sweep_tunnels)
{
	struct ub	b;

	tunnel(&b, 47, gre_erspan3, sizeof(gre_erspan3), eth4, sizeof(eth4),
	    ip4, sizeof(ip4));
	tunnel_sweep(LINK_EN10MB, &b, b.n - PAYLOAD_LEN);
	ub_free(&b);
	vxlan_frame(&b, vxlan_hdr, 4789);
	tunnel_sweep(LINK_EN10MB, &b, b.n - PAYLOAD_LEN);
	ub_free(&b);
	gtpu_frame(&b, gtpu_ext_hdr, sizeof(gtpu_ext_hdr), 2152, 2152);
	tunnel_sweep(LINK_EN10MB, &b, b.n - PAYLOAD_LEN);
	ub_free(&b);
	ub_init(&b);
	ub_mem(&b, eth_mpls, sizeof(eth_mpls));
	ub_mem(&b, lse_top, sizeof(lse_top));
	ub_mem(&b, lse_bottom, sizeof(lse_bottom));
	ub_mem(&b, (const uint8_t[]){ 0, 0, 0, 0 }, 4);
	ub_mem(&b, eth6, sizeof(eth6));
	ub_mem(&b, ip6_ext, sizeof(ip6_ext));
	tunnel_sweep(LINK_EN10MB, &b, b.n - PAYLOAD_LEN);
	ub_free(&b);
}
END_TEST

/* --- truncation sweeps ------------------------------------------------------------------- */

/*
 * Every prefix of a valid frame: never a crash, exactly one outcome
 * counter, and the right one for where the cut falls.
 */
static void
sweep(const struct ub *b, const size_t *bounds, const enum stat_id *why,
    size_t nb)
{
	size_t		k, j;

	for (k = 0; k <= b->n; k++) {
		clear_decode_stats();
		(void)decode_frame(LINK_EN10MB, "u", 1, TS, b->p, k);
		for (j = 0; j < nb && k >= bounds[j]; j++)
			;
		if (j < nb)
			ck_assert_msg(stats[why[j]] == 1,
			    "cut at %zu: expected %s", k, stats_name(why[j]));
		else {
			ck_assert_msg(stats[STAT_DEC_TCP] == 1,
			    "cut at %zu: expected decode.tcp", k);
			ck_assert_uint_eq(stats[STAT_DEC_SNAPLEN],
			    k < b->n ? 1 : 0);
		}
		expect_only(j < nb ? why[j] : STAT_DEC_TCP);
		flow_flush_all();
	}
}

START_TEST(test_sweep_ipv4)
{
	/* Ethernet 14, IPv4 24 (options), TCP 32 (options), payload 15.
	 * A cut inside the TCP options leaves a segment whose payload the
	 * snaplen took: decoded, counted as cut. */
	static const size_t	bounds[] = { 14, 14 + 24, 14 + 24 + 20 };
	static const enum stat_id why[] = {
		STAT_DEC_TRUNC_LINK, STAT_DEC_TRUNC_IP, STAT_DEC_TRUNC_TCP,
	};
	struct ub		b;

	frame(&b, eth4, sizeof(eth4), ip4_opts, sizeof(ip4_opts));
	sweep(&b, bounds, why, 3);
	ub_free(&b);
}
END_TEST

START_TEST(test_sweep_ipv6)
{
	/* Ethernet 14, IPv6 40 + 16 of extensions, TCP 20, payload 15. */
	static const size_t	bounds[] = { 14, 14 + 56, 14 + 56 + 20 };
	static const enum stat_id why[] = {
		STAT_DEC_TRUNC_LINK, STAT_DEC_TRUNC_IP, STAT_DEC_TRUNC_TCP,
	};
	struct ub		b;

	frame(&b, eth6, sizeof(eth6), ip6_ext, sizeof(ip6_ext));
	sweep(&b, bounds, why, 3);
	ub_free(&b);
}
END_TEST

START_TEST(test_sweep_vlan_sll)
{
	/* Prefixes of the QinQ and SLL2 frames: never a crash, always
	 * exactly one counter. */
	struct ub	b;
	size_t		k;

	frame(&b, eth_qinq, sizeof(eth_qinq), ip4, sizeof(ip4));
	for (k = 0; k <= b.n; k++) {
		clear_decode_stats();
		(void)decode_frame(LINK_EN10MB, "u", 1, TS, b.p, k);
		expect_only(k < sizeof(eth_qinq) ? STAT_DEC_TRUNC_LINK :
		    k < sizeof(eth_qinq) + 20 ? STAT_DEC_TRUNC_IP :
		    k < sizeof(eth_qinq) + 40 ? STAT_DEC_TRUNC_TCP :
		    STAT_DEC_TCP);
		flow_flush_all();
	}
	ub_free(&b);
	frame(&b, sll2, sizeof(sll2), ip6_ext, sizeof(ip6_ext));
	b.p[0] = 0x86, b.p[1] = 0xdd;
	for (k = 0; k <= b.n; k++) {
		clear_decode_stats();
		(void)decode_frame(LINK_LINUX_SLL2, "u", 1, TS, b.p, k);
		expect_only(k < sizeof(sll2) ? STAT_DEC_TRUNC_LINK :
		    k < sizeof(sll2) + 56 ? STAT_DEC_TRUNC_IP :
		    k < sizeof(sll2) + 76 ? STAT_DEC_TRUNC_TCP :
		    STAT_DEC_TCP);
		flow_flush_all();
	}
	ub_free(&b);
}
END_TEST

Suite *
decode_suite(void)
{
	Suite	*s = suite_create("decode");
	TCase	*tc;

	tc = tcase_create("link");
	tcase_add_checked_fixture(tc, setup, unit_teardown);
	tcase_add_test(tc, test_supported_link);
	tcase_add_test(tc, test_unsupported_link);
	tcase_add_test(tc, test_eth_ipv4_tcp);
	tcase_add_test(tc, test_eth_truncated_link);
	tcase_add_test(tc, test_eth_not_ip);
	tcase_add_test(tc, test_vlan_8021q);
	tcase_add_test(tc, test_vlan_qinq);
	tcase_add_test(tc, test_vlan_qinq_9100);
	tcase_add_test(tc, test_vlan_ipv6);
	tcase_add_test(tc, test_vlan_tag_limit);
	tcase_add_test(tc, test_vlan_truncated);
	tcase_add_test(tc, test_sll);
	tcase_add_test(tc, test_sll_truncated);
	tcase_add_test(tc, test_sll_not_ip);
	tcase_add_test(tc, test_sll2);
	tcase_add_test(tc, test_sll2_ipv6);
	tcase_add_test(tc, test_sll2_truncated);
	tcase_add_loop_test(tc, test_raw_ipv4, 0, 4);
	tcase_add_loop_test(tc, test_raw_ipv6, 0, 2);
	tcase_add_test(tc, test_raw_not_ip);
	tcase_add_test(tc, test_null_ipv4_little_endian);
	tcase_add_loop_test(tc, test_null_ipv4_big_endian, 0, 2);
	tcase_add_loop_test(tc, test_null_ipv6_families, 0, 8);
	tcase_add_test(tc, test_null_bad);
	suite_add_tcase(s, tc);

	tc = tcase_create("ipv4");
	tcase_add_checked_fixture(tc, setup, unit_teardown);
	tcase_add_test(tc, test_ipv4_options);
	tcase_add_test(tc, test_ipv4_ihl_below_5);
	tcase_add_test(tc, test_ipv4_ihl_zero);
	tcase_add_test(tc, test_ipv4_wrong_version);
	tcase_add_test(tc, test_ipv4_totlen_below_ihl);
	tcase_add_test(tc, test_ipv4_ihl_beyond_capture);
	tcase_add_test(tc, test_ipv4_fragments);
	tcase_add_test(tc, test_ipv4_reassembly);
	tcase_add_test(tc, test_ipv4_not_tcp);
	tcase_add_test(tc, test_ipv4_padding_trimmed_bare_ack);
	tcase_add_test(tc, test_ipv4_padding_trimmed_payload);
	tcase_add_test(tc, test_ipv4_snaplen);
	suite_add_tcase(s, tc);

	tc = tcase_create("tcp");
	tcase_add_checked_fixture(tc, setup, unit_teardown);
	tcase_add_test(tc, test_tcp_offset_below_5);
	tcase_add_test(tc, test_tcp_offset_zero);
	tcase_add_test(tc, test_tcp_offset_beyond_segment);
	tcase_add_test(tc, test_tcp_offset_one_past_segment);
	tcase_add_test(tc, test_tcp_offset_whole_segment);
	tcase_add_test(tc, test_tcp_header_beyond_ip_length);
	tcase_add_test(tc, test_tcp_options_truncated);
	tcase_add_test(tc, test_lengths_beyond_whole_frame);
	suite_add_tcase(s, tc);

	tc = tcase_create("ipv6");
	tcase_add_checked_fixture(tc, setup, unit_teardown);
	tcase_add_test(tc, test_ipv6_hbh_dstopts);
	tcase_add_test(tc, test_ipv6_ah);
	tcase_add_test(tc, test_ipv6_routing);
	tcase_add_test(tc, test_ipv6_atomic_fragment);
	tcase_add_test(tc, test_ipv6_fragment);
	tcase_add_test(tc, test_ipv6_reassembly);
	tcase_add_test(tc, test_ipv6_ext_limit);
	tcase_add_test(tc, test_ipv6_not_tcp);
	tcase_add_test(tc, test_ipv6_no_next_header);
	tcase_add_test(tc, test_ipv6_jumbo);
	tcase_add_test(tc, test_ipv6_wrong_version);
	tcase_add_test(tc, test_ipv6_ext_len_lies);
	tcase_add_test(tc, test_ipv6_ext_truncated);
	suite_add_tcase(s, tc);

	tc = tcase_create("tunnels");
	tcase_add_checked_fixture(tc, setup, unit_teardown);
	tcase_add_test(tc, test_mpls_one_label);
	tcase_add_test(tc, test_mpls_stack_ipv6);
	tcase_add_test(tc, test_mpls_pseudowire);
	tcase_add_test(tc, test_mpls_limits);
	tcase_add_test(tc, test_gre_ipv4);
	tcase_add_test(tc, test_gre_options_ipv6);
	tcase_add_test(tc, test_gre_ethernet);
	tcase_add_loop_test(tc, test_erspan, 0, 3);
	tcase_add_test(tc, test_gre_unsupported);
	tcase_add_test(tc, test_vxlan);
	tcase_add_test(tc, test_vxlan_not);
	tcase_add_test(tc, test_gtpu);
	tcase_add_test(tc, test_gtpu_extension);
	tcase_add_test(tc, test_gtpu_unsupported);
	tcase_add_test(tc, test_ip_in_ip);
	tcase_add_test(tc, test_6in4);
	tcase_add_test(tc, test_encap_depth);
	suite_add_tcase(s, tc);

	tc = tcase_create("truncation_sweep");
	tcase_add_checked_fixture(tc, setup, unit_teardown);
	tcase_add_test(tc, test_sweep_ipv4);
	tcase_add_test(tc, test_sweep_ipv6);
	tcase_add_test(tc, test_sweep_vlan_sll);
	tcase_add_test(tc, test_sweep_tunnels);
	suite_add_tcase(s, tc);
	return s;
}
