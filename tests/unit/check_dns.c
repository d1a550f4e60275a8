/*
 * check_dns.c -- dns.c, the passive DNS cache.
 *
 * Two responses are written out byte by byte below (a plain A answer, and a
 * compressed two-link CNAME chain); the rest are built with the ub helpers
 * and put_*() below.  Hostile cases: pointer loops and forward pointers,
 * label types 01/10, names over 255 bytes, lying counts and lengths, every
 * prefix of a valid response, and a flood of answers against a small table.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "caps.h"
#include "dns.h"
#include "unit.h"

#define SMALL	64		/* entries of the table in most tests */


/*
 * imap-legacy.example.test A 192.0.2.10, 58 bytes.
 */
static const uint8_t	resp_a[] = {
	/* 0: header */
	0x12, 0x34,			/* ID */
	0x81, 0x80,			/* QR, opcode 0, RD, RA, RCODE 0 */
	0x00, 0x01,			/* QDCOUNT 1 */
	0x00, 0x01,			/* ANCOUNT 1 */
	0x00, 0x00, 0x00, 0x00,		/* NSCOUNT, ARCOUNT */
	/* 12: question */
	11, 'i', 'm', 'a', 'p', '-', 'l', 'e', 'g', 'a', 'c', 'y',
	7, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
	4, 't', 'e', 's', 't',
	0,
	0x00, 0x01,			/* 38: QTYPE A */
	0x00, 0x01,			/* QCLASS IN */
	/* 42: answer */
	0xc0, 0x0c,			/* NAME -> 12, the question */
	0x00, 0x01,			/* TYPE A */
	0x00, 0x01,			/* CLASS IN */
	0x00, 0x00, 0x0e, 0x10,		/* TTL 3600 */
	0x00, 0x04,			/* RDLENGTH */
	192, 0, 2, 10,			/* 54: RDATA */
};					/* 58 */

/*
 * outlook.office365.com A, answered through two CNAMEs, every later name
 * compressed, 130 bytes:
 *
 *	outlook.office365.com      CNAME outlook.ms-acdc.office.com
 *	outlook.ms-acdc.office.com CNAME ams-efz.ms-acdc.office.com
 *	ams-efz.ms-acdc.office.com A     198.51.100.7
 *	ams-efz.ms-acdc.office.com A     198.51.100.8
 */
static const uint8_t	resp_cname[] = {
	/* 0: header */
	0xab, 0xcd,			/* ID */
	0x81, 0x80,			/* QR, RD, RA, RCODE 0 */
	0x00, 0x01,			/* QDCOUNT 1 */
	0x00, 0x04,			/* ANCOUNT 4 */
	0x00, 0x00, 0x00, 0x00,		/* NSCOUNT, ARCOUNT */
	/* 12: question */
	7, 'o', 'u', 't', 'l', 'o', 'o', 'k',
	9, 'o', 'f', 'f', 'i', 'c', 'e', '3', '6', '5',
	3, 'c', 'o', 'm',		/* 30: "com" */
	0,
	0x00, 0x01, 0x00, 0x01,		/* 35: QTYPE A, QCLASS IN */
	/* 39: answer 1 */
	0xc0, 0x0c,			/* NAME -> 12 */
	0x00, 0x05, 0x00, 0x01,		/* CNAME, IN */
	0x00, 0x00, 0x01, 0x2c,		/* TTL 300 */
	0x00, 0x19,			/* RDLENGTH 25 */
	7, 'o', 'u', 't', 'l', 'o', 'o', 'k',	/* 51 */
	7, 'm', 's', '-', 'a', 'c', 'd', 'c',	/* 59 */
	6, 'o', 'f', 'f', 'i', 'c', 'e',	/* 67 */
	0xc0, 0x1e,			/* 74: -> 30 "com" */
	/* 76: answer 2 */
	0xc0, 0x33,			/* NAME -> 51 */
	0x00, 0x05, 0x00, 0x01,		/* CNAME, IN */
	0x00, 0x00, 0x00, 0x1e,		/* TTL 30 */
	0x00, 0x0a,			/* RDLENGTH 10 */
	7, 'a', 'm', 's', '-', 'e', 'f', 'z',	/* 88 */
	0xc0, 0x3b,			/* 96: -> 59 "ms-acdc..." */
	/* 98: answer 3 */
	0xc0, 0x58,			/* NAME -> 88 */
	0x00, 0x01, 0x00, 0x01,		/* A, IN */
	0x00, 0x00, 0x00, 0x1e,		/* TTL 30 */
	0x00, 0x04,			/* RDLENGTH */
	198, 51, 100, 7,		/* 110 */
	/* 114: answer 4 */
	0xc0, 0x58,			/* NAME -> 88 */
	0x00, 0x01, 0x00, 0x01,		/* A, IN */
	0x00, 0x00, 0x00, 0x1e,		/* TTL 30 */
	0x00, 0x04,			/* RDLENGTH */
	198, 51, 100, 8,		/* 126 */
};					/* 130 */

static void
setup(void)
{
	memset(stats, 0, sizeof(stats));
	ck_assert_int_eq(dns_init(SMALL), 0);
}

static void
teardown(void)
{
	dns_fini();
}

/* --- building messages ---------------------------------------------------- */

/* A dotted name as labels and the root's 0 ("" is the root alone). */
static void
put_name(struct ub *b, const char *dotted)
{
	const char	*dot;
	size_t		 n;

	while (*dotted != '\0') {
		dot = strchr(dotted, '.');
		n = dot != NULL ? (size_t)(dot - dotted) : strlen(dotted);
		ub_u8(b, (uint8_t)n);
		ub_mem(b, dotted, n);
		dotted += n;
		if (*dotted == '.')
			dotted++;
	}
	ub_u8(b, 0);
}

static void
put_ptr(struct ub *b, uint16_t off)
{
	ub_u16(b, (uint16_t)(0xc000 | off));
}

static void
put_hdr(struct ub *b, uint16_t flags, uint16_t qdcount, uint16_t ancount)
{
	ub_u16(b, 0x4242);			/* ID */
	ub_u16(b, flags);
	ub_u16(b, qdcount);
	ub_u16(b, ancount);
	ub_u16(b, 0);				/* NSCOUNT */
	ub_u16(b, 0);				/* ARCOUNT */
}

#define RESP	0x8180			/* QR RD RA, NOERROR */

/* Header and question "name" type A, ready for ancount answers. */
static void
put_query(struct ub *b, const char *name, uint16_t ancount)
{
	put_hdr(b, RESP, 1, ancount);
	put_name(b, name);
	ub_u16(b, 1);				/* QTYPE A */
	ub_u16(b, 1);				/* QCLASS IN */
}

/* TYPE CLASS TTL after an owner name; returns the RDLENGTH mark. */
static size_t
put_rr(struct ub *b, uint16_t type)
{
	ub_u16(b, type);
	ub_u16(b, 1);				/* IN */
	ub_u32(b, 300);				/* TTL */
	return ub_begin16(b);
}

static void
rr_a(struct ub *b, const char *owner, const char *ip)
{
	uint8_t	a[4];
	size_t	m;

	ck_assert_int_eq(inet_pton(AF_INET, ip, a), 1);
	put_name(b, owner);
	m = put_rr(b, 1);
	ub_mem(b, a, 4);
	ub_end16(b, m);
}

static void
rr_aaaa(struct ub *b, const char *owner, const char *ip)
{
	uint8_t	a[16];
	size_t	m;

	ck_assert_int_eq(inet_pton(AF_INET6, ip, a), 1);
	put_name(b, owner);
	m = put_rr(b, 28);
	ub_mem(b, a, 16);
	ub_end16(b, m);
}

static void
rr_cname(struct ub *b, const char *owner, const char *target)
{
	size_t	m;

	put_name(b, owner);
	m = put_rr(b, 5);
	put_name(b, target);
	ub_end16(b, m);
}

/* An A record's fields after an owner already written. */
static void
put_a(struct ub *b, uint32_t addr)
{
	size_t	m = put_rr(b, 1);

	ub_u32(b, addr);
	ub_end16(b, m);
}

/* --- asking --------------------------------------------------------------- */

static void
udp(const uint8_t *p, size_t n)
{
	dns_input_udp(p, n, 1767225600000000ULL);
}

static void
udp_ub(const struct ub *b)
{
	udp(b->p, b->n);
}

/* The name cached for an IPv4 or IPv6 address in text; NULL if none. */
static const char *
lookup(const char *ip)
{
	static char	name[DNS_NAME_LEN];
	uint8_t		a[16];
	int		fam = strchr(ip, ':') != NULL ? 6 : 4;

	ck_assert_int_eq(inet_pton(fam == 6 ? AF_INET6 : AF_INET, ip, a), 1);
	memset(name, 'x', sizeof(name));
	if (!dns_lookup(fam, a, name, sizeof(name)))
		return NULL;
	return name;
}

#define ck_name(ip, want) do {						\
	const char *got_ = lookup(ip);					\
	ck_assert_msg(got_ != NULL, "%s: not cached", (ip));		\
	ck_assert_str_eq(got_, (want));					\
} while (0)
#define ck_none(ip)	ck_assert_ptr_null(lookup(ip))

/* --- A, AAAA, CNAME ------------------------------------------------------- */

START_TEST(test_a)
{
	udp(resp_a, sizeof(resp_a));
	ck_name("192.0.2.10", "imap-legacy.example.test");
	ck_none("192.0.2.11");
	ck_assert_uint_eq(dns_count(), 1);
	ck_assert_uint_eq(stats[STAT_DNS_MESSAGES], 1);
	ck_assert_uint_eq(stats[STAT_DNS_ANSWERS], 1);
	ck_assert_uint_eq(stats[STAT_DNS_BAD], 0);
}
END_TEST

/* An IPv4 address is not the IPv6 address with the same first bytes. */
START_TEST(test_families_apart)
{
	uint8_t	a[16] = { 192, 0, 2, 10 };
	char	name[DNS_NAME_LEN];

	udp(resp_a, sizeof(resp_a));
	ck_assert(dns_lookup(4, a, name, sizeof(name)));
	ck_assert(dns_lookup(AF_INET, a, name, sizeof(name)));
	ck_assert(!dns_lookup(6, a, name, sizeof(name)));
	ck_assert(!dns_lookup(AF_INET6, a, name, sizeof(name)));
	ck_assert(!dns_lookup(0, a, name, sizeof(name)));
	ck_assert(!dns_lookup(4, NULL, name, sizeof(name)));
}
END_TEST

START_TEST(test_aaaa)
{
	struct ub	b;

	ub_init(&b);
	put_query(&b, "pop.example.test", 2);
	rr_aaaa(&b, "pop.example.test", "2001:db8:995::1");
	rr_aaaa(&b, "pop.example.test", "2001:db8:995::2");
	udp_ub(&b);
	ck_name("2001:db8:995::1", "pop.example.test");
	ck_name("2001:db8:995::2", "pop.example.test");
	ck_none("2001:db8:995::3");
	ck_assert_uint_eq(dns_count(), 2);
	ck_assert_uint_eq(stats[STAT_DNS_ANSWERS], 2);
	ub_free(&b);
}
END_TEST

/* Both addresses map to the question, not to the CNAME target. */
START_TEST(test_cname_chain_compressed)
{
	udp(resp_cname, sizeof(resp_cname));
	ck_name("198.51.100.7", "outlook.office365.com");
	ck_name("198.51.100.8", "outlook.office365.com");
	ck_assert_uint_eq(dns_count(), 2);
	ck_assert_uint_eq(stats[STAT_DNS_BAD], 0);
}
END_TEST

/* Records out of order: the chain is still followed. */
START_TEST(test_cname_out_of_order)
{
	struct ub	b;

	ub_init(&b);
	put_query(&b, "mail.example.test", 4);
	rr_a(&b, "c.example.net", "203.0.113.9");
	rr_cname(&b, "b.example.net", "c.example.net");
	rr_cname(&b, "a.example.net", "b.example.net");
	rr_cname(&b, "mail.example.test", "a.example.net");
	udp_ub(&b);
	ck_name("203.0.113.9", "mail.example.test");
	ub_free(&b);
}
END_TEST

/* An address not reached from the question is not taken. */
START_TEST(test_unrelated_answer_ignored)
{
	struct ub	b;

	ub_init(&b);
	put_query(&b, "imap.example.test", 3);
	rr_a(&b, "imap.example.test", "192.0.2.1");
	rr_a(&b, "outlook.office365.com", "192.0.2.66");	/* not asked */
	rr_cname(&b, "elsewhere.example", "imap.example.test");
	udp_ub(&b);
	ck_name("192.0.2.1", "imap.example.test");
	ck_none("192.0.2.66");
	ck_assert_uint_eq(dns_count(), 1);
	ck_assert_uint_eq(stats[STAT_DNS_BAD], 0);
	ub_free(&b);
}
END_TEST

/* A records of an intermediate name are not the chain's end. */
START_TEST(test_cname_intermediate_a_ignored)
{
	struct ub	b;

	ub_init(&b);
	put_query(&b, "q.example.test", 3);
	rr_cname(&b, "q.example.test", "r.example.test");
	rr_a(&b, "q.example.test", "192.0.2.5");	/* CNAME + A: bogus */
	rr_a(&b, "r.example.test", "192.0.2.6");
	udp_ub(&b);
	ck_none("192.0.2.5");
	ck_name("192.0.2.6", "q.example.test");
	ub_free(&b);
}
END_TEST

/* DNS_MAX_CHAIN links are followed; one more and nothing is named. */
static void
chain(int links, const char *ip)
{
	struct ub	b;
	char		from[32], to[32];
	int		i;

	ub_init(&b);
	put_query(&b, "n0.example.test", (uint16_t)(links + 1));
	for (i = 0; i < links; i++) {
		snprintf(from, sizeof(from), "n%d.example.test", i);
		snprintf(to, sizeof(to), "n%d.example.test", i + 1);
		rr_cname(&b, from, to);
	}
	snprintf(to, sizeof(to), "n%d.example.test", links);
	rr_a(&b, to, ip);
	udp_ub(&b);
	ub_free(&b);
}

START_TEST(test_cname_chain_cap)
{
	chain(DNS_MAX_CHAIN, "192.0.2.20");
	ck_name("192.0.2.20", "n0.example.test");
	chain(DNS_MAX_CHAIN + 1, "192.0.2.21");
	ck_none("192.0.2.21");
}
END_TEST

/* a -> b -> a: ends (each CNAME is taken once), nothing is named. */
START_TEST(test_cname_loop)
{
	struct ub	b;

	ub_init(&b);
	put_query(&b, "a.example.test", 3);
	rr_cname(&b, "a.example.test", "b.example.test");
	rr_cname(&b, "b.example.test", "a.example.test");
	rr_a(&b, "c.example.test", "192.0.2.30");
	udp_ub(&b);
	ck_none("192.0.2.30");
	ub_free(&b);
}
END_TEST

/* RFC 4343: the answer's case need not be the question's. */
START_TEST(test_case_insensitive)
{
	struct ub	b;

	ub_init(&b);
	put_query(&b, "IMAP.Example.TEST", 2);
	rr_cname(&b, "imap.EXAMPLE.test", "Host.Example.Net");
	rr_a(&b, "hOST.eXAMPLE.nET", "192.0.2.40");
	udp_ub(&b);
	ck_name("192.0.2.40", "imap.example.test");
	ub_free(&b);
}
END_TEST

/* A label holding a dot, a space, a NUL or non-ASCII cannot pass for a
 * real name: those bytes print as '?'. */
START_TEST(test_name_cleaned)
{
	static const uint8_t	q[] = {
		9, 'o', 'u', 't', 'l', 'o', 'o', 'k', '.', 'x',
		5, 'a', ' ', 0x00, 0xe9, 0x07,
		4, 'T', 'E', 'S', 'T',
		0,
	};
	struct ub		b;

	ub_init(&b);
	put_hdr(&b, RESP, 1, 1);
	ub_mem(&b, q, sizeof(q));			/* 12: question */
	ub_u16(&b, 1);
	ub_u16(&b, 1);
	put_ptr(&b, 12);
	put_a(&b, 0xc0000232);				/* 192.0.2.50 */
	udp_ub(&b);
	ck_name("192.0.2.50", "outlook?x.a????.test");
	ub_free(&b);
}
END_TEST

/* The newest answer for an address wins; the table does not grow. */
START_TEST(test_newer_answer_replaces)
{
	struct ub	b;

	udp(resp_a, sizeof(resp_a));
	ub_init(&b);
	put_query(&b, "imap.example.test", 1);
	rr_a(&b, "imap.example.test", "192.0.2.10");
	udp_ub(&b);
	ck_name("192.0.2.10", "imap.example.test");
	ck_assert_uint_eq(dns_count(), 1);
	ck_assert_uint_eq(stats[STAT_DNS_EVICTED], 0);
	ub_free(&b);
}
END_TEST

/* The name is cut to the caller's buffer, always NUL-terminated. */
START_TEST(test_lookup_small_buffer)
{
	uint8_t	a[4] = { 192, 0, 2, 10 };
	char	name[8];

	udp(resp_a, sizeof(resp_a));
	ck_assert(dns_lookup(4, a, name, sizeof(name)));
	ck_assert_str_eq(name, "imap-le");
	ck_assert(dns_lookup(4, a, NULL, 0));		/* only: is it known? */
}
END_TEST

/* --- what is not an answer ------------------------------------------------ */

static void
flags_case(uint16_t flags)
{
	uint8_t	m[sizeof(resp_a)];

	memcpy(m, resp_a, sizeof(m));
	m[2] = (uint8_t)(flags >> 8);
	m[3] = (uint8_t)flags;
	udp(m, sizeof(m));
}

START_TEST(test_not_answers)
{
	flags_case(0x0100);		/* a query (QR 0) */
	flags_case(0x8183);		/* NXDOMAIN */
	flags_case(0x8182);		/* SERVFAIL */
	flags_case(0xa980);		/* opcode 5, UPDATE */
	ck_none("192.0.2.10");
	ck_assert_uint_eq(stats[STAT_DNS_MESSAGES], 4);
	ck_assert_uint_eq(stats[STAT_DNS_BAD], 0);
	flags_case(0x8580);		/* AA is fine */
	ck_name("192.0.2.10", "imap-legacy.example.test");
}
END_TEST

START_TEST(test_qdcount_not_one)
{
	uint8_t	m[sizeof(resp_a)];

	memcpy(m, resp_a, sizeof(m));
	m[5] = 0;			/* QDCOUNT 0 */
	udp(m, sizeof(m));
	m[5] = 2;			/* QDCOUNT 2 */
	udp(m, sizeof(m));
	ck_none("192.0.2.10");
}
END_TEST

START_TEST(test_class_not_in)
{
	uint8_t	m[sizeof(resp_a)];

	memcpy(m, resp_a, sizeof(m));
	m[41] = 3;			/* QCLASS CH */
	udp(m, sizeof(m));
	ck_none("192.0.2.10");
	memcpy(m, resp_a, sizeof(m));
	m[47] = 3;			/* the answer's CLASS CH */
	udp(m, sizeof(m));
	ck_none("192.0.2.10");
	ck_assert_uint_eq(stats[STAT_DNS_BAD], 0);
}
END_TEST

/* Other types are stepped over by RDLENGTH. */
START_TEST(test_other_types_skipped)
{
	struct ub	b;
	size_t		m;

	ub_init(&b);
	put_query(&b, "mx.example.test", 3);
	put_name(&b, "mx.example.test");
	m = put_rr(&b, 16);				/* TXT */
	ub_str(&b, "\x05hello");
	ub_end16(&b, m);
	put_name(&b, "mx.example.test");
	m = put_rr(&b, 46);				/* RRSIG, junk */
	ub_fill(&b, 0xc0, 40);
	ub_end16(&b, m);
	rr_a(&b, "mx.example.test", "192.0.2.60");
	udp_ub(&b);
	ck_name("192.0.2.60", "mx.example.test");
	ck_assert_uint_eq(stats[STAT_DNS_BAD], 0);
	ub_free(&b);
}
END_TEST

/* --- compression and hostile names ---------------------------------------- */

/* Question "a.test", then one A record whose owner is the bytes given
 * (at offset 24), 192.0.2.70. */
static void
owner_case(const uint8_t *owner, size_t n)
{
	struct ub	b;

	ub_init(&b);
	put_query(&b, "a.test", 1);			/* 12 .. 24 */
	ub_mem(&b, owner, n);				/* 24 */
	put_a(&b, 0xc0000246);				/* 192.0.2.70 */
	udp_ub(&b);
	ub_free(&b);
}

START_TEST(test_owner_compressed)
{
	static const uint8_t	to_q[] = { 0xc0, 0x0c };

	owner_case(to_q, sizeof(to_q));
	ck_name("192.0.2.70", "a.test");
	ck_assert_uint_eq(stats[STAT_DNS_BAD], 0);
}
END_TEST

/* A pointer at itself. */
START_TEST(test_pointer_self)
{
	static const uint8_t	self[] = { 0xc0, 24 };

	owner_case(self, sizeof(self));
	ck_none("192.0.2.70");
	ck_assert_uint_eq(stats[STAT_DNS_BAD], 1);
}
END_TEST

/* Label "x" then a pointer back to it: backwards, yet a loop. */
START_TEST(test_pointer_loop_via_label)
{
	static const uint8_t	loop[] = { 1, 'x', 0xc0, 24 };

	owner_case(loop, sizeof(loop));
	ck_none("192.0.2.70");
	ck_assert_uint_eq(stats[STAT_DNS_BAD], 1);
}
END_TEST

/* Two pointers at each other: the second jump goes forward. */
START_TEST(test_pointer_pair_loop)
{
	struct ub	b;
	size_t		m;

	ub_init(&b);
	put_query(&b, "a.test", 2);
	put_ptr(&b, 12);				/* 24: TXT owner */
	m = put_rr(&b, 16);
	put_ptr(&b, 38);				/* 36: -> 38 */
	put_ptr(&b, 36);				/* 38: -> 36 */
	ub_end16(&b, m);
	put_ptr(&b, 38);				/* 40: A owner */
	put_a(&b, 0xc0000246);				/* 192.0.2.70 */
	udp_ub(&b);
	ck_none("192.0.2.70");
	ck_assert_uint_eq(stats[STAT_DNS_BAD], 1);
	ub_free(&b);
}
END_TEST

/* A pointer forward to a proper name later on: compressors never write
 * one, and only backward pointers guarantee an end. */
START_TEST(test_pointer_forward)
{
	struct ub	b;
	size_t		m;

	ub_init(&b);
	put_query(&b, "a.test", 2);			/* 12 .. 24 */
	put_ptr(&b, 52);				/* 24: -> 52 */
	put_a(&b, 0xc0000246);				/* 192.0.2.70 */
	put_ptr(&b, 12);				/* 40: TXT owner */
	m = put_rr(&b, 16);
	ck_assert_uint_eq(b.n, 52);
	put_name(&b, "a.test");				/* 52 */
	ub_end16(&b, m);
	udp_ub(&b);
	ck_none("192.0.2.70");
	ck_assert_uint_eq(stats[STAT_DNS_BAD], 1);
	ub_free(&b);
}
END_TEST

/* Into the header, and past the end of the message. */
START_TEST(test_pointer_out_of_range)
{
	static const uint8_t	hdr[] = { 0xc0, 4 };
	static const uint8_t	far[] = { 0xff, 0xff };

	owner_case(hdr, sizeof(hdr));
	owner_case(far, sizeof(far));
	ck_none("192.0.2.70");
	ck_assert_uint_eq(stats[STAT_DNS_BAD], 2);
}
END_TEST

/*
 * A chain of k pointers inside a TXT record's RDATA, each pointing at the
 * one before, the first at the question; the A record's owner points at the
 * last: k + 1 jumps in all.
 */
static void
jumps_case(unsigned jumps, const char *ip)
{
	struct ub	b;
	uint8_t		a[4];
	size_t		m, prev = 12, here;
	unsigned	i;

	ub_init(&b);
	put_query(&b, "a.test", 2);
	put_ptr(&b, 12);
	m = put_rr(&b, 16);
	for (i = 0; i + 1 < jumps; i++) {
		here = b.n;
		put_ptr(&b, (uint16_t)prev);
		prev = here;
	}
	ub_end16(&b, m);
	put_ptr(&b, (uint16_t)prev);
	m = put_rr(&b, 1);
	ck_assert_int_eq(inet_pton(AF_INET, ip, a), 1);
	ub_mem(&b, a, 4);
	ub_end16(&b, m);
	udp_ub(&b);
	ub_free(&b);
}

START_TEST(test_pointer_jump_cap)
{
	jumps_case(DNS_MAX_PTRS, "192.0.2.71");
	ck_name("192.0.2.71", "a.test");
	ck_assert_uint_eq(stats[STAT_DNS_BAD], 0);
	jumps_case(DNS_MAX_PTRS + 1, "192.0.2.72");
	ck_none("192.0.2.72");
	ck_assert_uint_eq(stats[STAT_DNS_BAD], 1);
}
END_TEST

/* Length bytes 0x40-0xbf: extended (01) and reserved (10) label types,
 * i.e. a "label" longer than 63. */
START_TEST(test_label_too_long)
{
	uint8_t		owner[1 + 64 + 1];
	struct ub	b;

	memset(owner, 'a', sizeof(owner));
	owner[0] = 64;
	owner[65] = 0;
	owner_case(owner, sizeof(owner));
	owner[0] = 0x80;
	owner_case(owner, sizeof(owner));
	ck_none("192.0.2.70");
	ck_assert_uint_eq(stats[STAT_DNS_BAD], 2);

	/* The same in the question. */
	ub_init(&b);
	put_hdr(&b, RESP, 1, 0);
	owner[0] = 0x41;
	ub_mem(&b, owner, sizeof(owner));
	ub_u16(&b, 1);
	ub_u16(&b, 1);
	udp_ub(&b);
	ck_assert_uint_eq(stats[STAT_DNS_BAD], 3);
	ub_free(&b);
}
END_TEST

/* 255 bytes of name is the most (RFC 1035 2.3.4); 256 is too long, also
 * when a pointer assembles it from two halves. */
START_TEST(test_name_length_cap)
{
	struct ub	b;
	char		name[300];

	/* Labels of 63, 63, 63, 61: 64 + 64 + 64 + 62 + 1 = 255 bytes. */
	memset(name, 'q', 253);
	name[63] = name[127] = name[191] = '.';
	name[253] = '\0';
	ub_init(&b);
	put_query(&b, name, 1);
	rr_a(&b, name, "192.0.2.80");
	udp_ub(&b);
	ck_name("192.0.2.80", name);
	ub_free(&b);

	/* Labels of 63, 63, 63, 62: 256 bytes. */
	name[253] = 'q';
	name[254] = '\0';
	ub_init(&b);
	put_query(&b, name, 1);
	rr_a(&b, name, "192.0.2.81");
	ck_assert_uint_eq(b.n, 12 + 256 + 4 + 256 + 14);
	udp_ub(&b);
	ck_none("192.0.2.81");
	ck_assert_uint_eq(stats[STAT_DNS_BAD], 1);
	ub_free(&b);

	/* 3 labels of 63 in the question (193 bytes), then a label of 62
	 * and a pointer to it in the answer: each part fine, the whole 256
	 * bytes. */
	name[191] = '\0';
	ub_init(&b);
	put_query(&b, name, 1);
	ub_u8(&b, 62);
	ub_fill(&b, 'r', 62);
	put_ptr(&b, 12);
	put_a(&b, 0xc0000252);				/* 192.0.2.82 */
	udp_ub(&b);
	ck_assert_uint_eq(stats[STAT_DNS_BAD], 2);
	ck_none("192.0.2.82");
	ub_free(&b);
}
END_TEST

/* --- lengths and counts that lie ------------------------------------------ */

START_TEST(test_ancount_lies)
{
	uint8_t	m[sizeof(resp_a)];

	memcpy(m, resp_a, sizeof(m));
	m[7] = 5;				/* ANCOUNT 5, one there */
	udp(m, sizeof(m));
	ck_name("192.0.2.10", "imap-legacy.example.test");	/* complete */
	ck_assert_uint_eq(stats[STAT_DNS_BAD], 1);
}
END_TEST

/* 65535 answers claimed, 100 there: DNS_MAX_ANSWERS are walked. */
START_TEST(test_ancount_65535)
{
	struct ub	b;
	char		ip[32];
	int		i;

	dns_fini();
	ck_assert_int_eq(dns_init(1000), 0);
	ub_init(&b);
	put_query(&b, "big.example.test", 0xffff);
	for (i = 0; i < 100; i++) {
		put_ptr(&b, 12);
		put_a(&b, 0x0a000000 | (uint32_t)i);	/* 10.0.0.i */
	}
	udp_ub(&b);
	ck_assert_uint_eq(dns_count(), DNS_MAX_ANSWERS);
	snprintf(ip, sizeof(ip), "10.0.0.%d", DNS_MAX_ANSWERS - 1);
	ck_name(ip, "big.example.test");
	snprintf(ip, sizeof(ip), "10.0.0.%d", DNS_MAX_ANSWERS);
	ck_none(ip);
	ck_assert_uint_eq(stats[STAT_DNS_BAD], 0);	/* a cap, not a lie */
	ub_free(&b);
}
END_TEST

START_TEST(test_rdlength_lies)
{
	uint8_t	m[sizeof(resp_a)];

	memcpy(m, resp_a, sizeof(m));
	m[53] = 5;				/* RDLENGTH 5 > 4 there */
	udp(m, sizeof(m));
	m[53] = 3;				/* an A of 3 bytes */
	udp(m, sizeof(m));
	ck_none("192.0.2.10");
	ck_assert_uint_eq(stats[STAT_DNS_BAD], 2);
}
END_TEST

START_TEST(test_address_size_wrong)
{
	struct ub	b;
	size_t		m;

	ub_init(&b);
	put_query(&b, "a.test", 1);
	put_ptr(&b, 12);
	m = put_rr(&b, 28);			/* AAAA of 4 bytes */
	ub_mem(&b, "\xc0\x00\x02\x5a", 4);
	ub_end16(&b, m);
	udp_ub(&b);
	ck_none("192.0.2.90");
	ck_assert_uint_eq(stats[STAT_DNS_BAD], 1);
	ub_free(&b);
}
END_TEST

/* A CNAME's RDATA is exactly one name. */
START_TEST(test_cname_rdata_mismatch)
{
	struct ub	b;
	size_t		m;

	ub_init(&b);			/* a byte after the name */
	put_query(&b, "a.test", 2);
	put_ptr(&b, 12);
	m = put_rr(&b, 5);
	put_name(&b, "b.test");
	ub_u8(&b, 0);
	ub_end16(&b, m);
	rr_a(&b, "b.test", "192.0.2.91");
	udp_ub(&b);
	ub_free(&b);

	ub_init(&b);			/* the name runs past RDLENGTH */
	put_query(&b, "a.test", 2);
	put_ptr(&b, 12);
	m = put_rr(&b, 5);
	put_name(&b, "b.test");
	ub_end16(&b, m);
	b.p[b.n - 9] = 7;			/* RDLENGTH 8 -> 7 */
	rr_a(&b, "b.test", "192.0.2.92");
	udp_ub(&b);
	ub_free(&b);

	ck_none("192.0.2.91");
	ck_none("192.0.2.92");
	ck_assert_uint_eq(stats[STAT_DNS_BAD], 2);
}
END_TEST

/*
 * Every prefix of the two samples: no crash, nothing from a record cut
 * short, every record wholly inside the prefix used.  With TC set, a
 * prefix is a truncated response and not malformed.
 */
static void
prefix_sweep(const uint8_t *msg, size_t len, const size_t *a_end,
    const char *const *ip, size_t na, const char *want, bool tc)
{
	uint8_t	*m = malloc(len);
	size_t	 n, i;

	ck_assert_ptr_nonnull(m);
	memcpy(m, msg, len);
	if (tc)
		m[2] |= 0x02;
	for (n = 0; n < len; n++) {
		dns_fini();
		memset(stats, 0, sizeof(stats));
		ck_assert_int_eq(dns_init(SMALL), 0);
		udp(m, n);
		for (i = 0; i < na; i++) {
			if (n >= a_end[i])
				ck_name(ip[i], want);
			else
				ck_assert_msg(lookup(ip[i]) == NULL,
				    "prefix %zu: %s cached", n, ip[i]);
		}
		ck_assert_uint_eq(stats[STAT_DNS_BAD],
		    n < 12 || !tc ? 1 : 0);
	}
	free(m);
}

START_TEST(test_truncation_sweep_a)
{
	static const size_t	end[] = { 58 };
	static const char *const ip[] = { "192.0.2.10" };

	prefix_sweep(resp_a, sizeof(resp_a), end, ip, 1,
	    "imap-legacy.example.test", false);
	prefix_sweep(resp_a, sizeof(resp_a), end, ip, 1,
	    "imap-legacy.example.test", true);
}
END_TEST

START_TEST(test_truncation_sweep_cname)
{
	static const size_t	end[] = { 114, 130 };
	static const char *const ip[] = { "198.51.100.7", "198.51.100.8" };

	ck_assert_uint_eq(sizeof(resp_cname), 130);
	prefix_sweep(resp_cname, sizeof(resp_cname), end, ip, 2,
	    "outlook.office365.com", false);
	prefix_sweep(resp_cname, sizeof(resp_cname), end, ip, 2,
	    "outlook.office365.com", true);
}
END_TEST

/* Every single byte of the CNAME sample flipped to every value: bounded,
 * never a crash (ASan/UBSan watch the reads). */
START_TEST(test_mutation_sweep)
{
	uint8_t	m[sizeof(resp_cname)];
	size_t	i;
	int	v;

	for (i = 0; i < sizeof(m); i++)
		for (v = 0; v < 256; v++) {
			memcpy(m, resp_cname, sizeof(m));
			m[i] = (uint8_t)v;
			udp(m, sizeof(m));
		}
	ck_assert_uint_le(dns_count(), SMALL);
	ck_assert_uint_eq(stats[STAT_DNS_MESSAGES], sizeof(m) * 256);
}
END_TEST

START_TEST(test_short_header)
{
	udp(resp_a, 0);
	udp(resp_a, 11);
	dns_input_udp(NULL, 0, 0);
	ck_assert_uint_eq(stats[STAT_DNS_MESSAGES], 2);
	ck_assert_uint_eq(stats[STAT_DNS_BAD], 2);
	ck_assert_uint_eq(dns_count(), 0);
}
END_TEST

/* --- TCP framing ---------------------------------------------------------- */

/* Two whole messages and the first 20 bytes of a third, one segment. */
START_TEST(test_tcp_two_and_partial)
{
	struct ub	b, m3;

	ub_init(&m3);
	put_query(&m3, "third.example.test", 1);
	rr_a(&m3, "third.example.test", "192.0.2.103");

	ub_init(&b);
	ub_u16(&b, sizeof(resp_a));
	ub_mem(&b, resp_a, sizeof(resp_a));
	ub_u16(&b, sizeof(resp_cname));
	ub_mem(&b, resp_cname, sizeof(resp_cname));
	ub_u16(&b, (uint16_t)m3.n);
	ub_mem(&b, m3.p, 20);
	dns_input_tcp(b.p, b.n, 0);
	ck_name("192.0.2.10", "imap-legacy.example.test");
	ck_name("198.51.100.7", "outlook.office365.com");
	ck_name("198.51.100.8", "outlook.office365.com");
	ck_none("192.0.2.103");
	ck_assert_uint_eq(stats[STAT_DNS_MESSAGES], 2);
	ck_assert_uint_eq(stats[STAT_DNS_BAD], 0);

	/* The third alone, whole: taken.  A lone length byte: nothing. */
	b.n = 0;
	ub_u16(&b, (uint16_t)m3.n);
	ub_mem(&b, m3.p, m3.n);
	ub_u8(&b, 0);
	dns_input_tcp(b.p, b.n, 0);
	ck_name("192.0.2.103", "third.example.test");
	ck_assert_uint_eq(stats[STAT_DNS_MESSAGES], 3);
	ck_assert_uint_eq(stats[STAT_DNS_BAD], 0);
	ub_free(&b);
	ub_free(&m3);
}
END_TEST

/* A message given to the UDP entry with a TCP prefix is garbage, and the
 * framing of a bad message does not stop the next one. */
START_TEST(test_tcp_bad_then_good)
{
	struct ub	b;

	ub_init(&b);
	ub_u16(&b, 0);				/* empty message */
	ub_u16(&b, 5);				/* shorter than a header */
	ub_fill(&b, 0, 5);
	ub_u16(&b, sizeof(resp_a));
	ub_mem(&b, resp_a, sizeof(resp_a));
	dns_input_tcp(b.p, b.n, 0);
	ck_name("192.0.2.10", "imap-legacy.example.test");
	ck_assert_uint_eq(stats[STAT_DNS_MESSAGES], 3);
	ck_assert_uint_eq(stats[STAT_DNS_BAD], 2);
	dns_input_tcp(b.p, 1, 0);		/* half a length */
	dns_input_tcp(NULL, 0, 0);
	ck_assert_uint_eq(stats[STAT_DNS_MESSAGES], 3);
	ub_free(&b);
}
END_TEST

/* Every cut of the two-message segment: each message is taken exactly
 * when the segment holds all of it. */
START_TEST(test_tcp_prefix_sweep)
{
	struct ub	b;
	size_t		n, end1, end2;

	ub_init(&b);
	ub_u16(&b, sizeof(resp_a));
	ub_mem(&b, resp_a, sizeof(resp_a));
	end1 = b.n;
	ub_u16(&b, sizeof(resp_cname));
	ub_mem(&b, resp_cname, sizeof(resp_cname));
	end2 = b.n;
	for (n = 0; n <= b.n; n++) {
		dns_fini();
		memset(stats, 0, sizeof(stats));
		ck_assert_int_eq(dns_init(SMALL), 0);
		dns_input_tcp(b.p, n, 0);
		ck_assert_uint_eq(lookup("192.0.2.10") != NULL, n >= end1);
		ck_assert_uint_eq(lookup("198.51.100.8") != NULL, n >= end2);
		ck_assert_uint_eq(stats[STAT_DNS_BAD], 0);
	}
	ub_free(&b);
}
END_TEST

/* --- the table ------------------------------------------------------------ */

/* One response with `count` A records 10.x.y.z for "flood.test". */
static void
flood(uint32_t first, unsigned count)
{
	struct ub	b;
	unsigned	i;

	ub_init(&b);
	put_query(&b, "flood.test", (uint16_t)count);
	for (i = 0; i < count; i++) {
		put_ptr(&b, 12);
		put_a(&b, 0x0a000000 | (first + i));
	}
	udp_ub(&b);
	ub_free(&b);
}

/* 10 x max_entries answers: the table never grows past its bound. */
START_TEST(test_eviction_flood)
{
	unsigned	i;

	for (i = 0; i < 10 * SMALL / DNS_MAX_ANSWERS; i++) {
		flood(i * DNS_MAX_ANSWERS, DNS_MAX_ANSWERS);
		ck_assert_uint_le(dns_count(), SMALL);
	}
	ck_assert_uint_eq(dns_count(), SMALL);
	ck_assert_uint_eq(stats[STAT_DNS_ANSWERS], 10 * SMALL);
	ck_assert_uint_eq(stats[STAT_DNS_EVICTED], 9 * SMALL);
	ck_none("10.0.0.0");				/* the oldest: gone */
	ck_name("10.0.2.127", "flood.test");		/* the newest: kept */
	ck_name("10.0.2.64", "flood.test");
	ck_none("10.0.2.63");
}
END_TEST

/* A lookup is a use: the looked-up address outlives the others. */
START_TEST(test_lru_lookup_keeps)
{
	udp(resp_a, sizeof(resp_a));			/* the first entry */
	flood(0, SMALL - 1);				/* table now full */
	ck_assert_uint_eq(dns_count(), SMALL);
	ck_name("192.0.2.10", "imap-legacy.example.test");
	flood(1000, 1);					/* evicts 10.0.0.0 */
	ck_name("192.0.2.10", "imap-legacy.example.test");
	ck_none("10.0.0.0");
	ck_name("10.0.0.1", "flood.test");
	ck_assert_uint_eq(stats[STAT_DNS_EVICTED], 1);
}
END_TEST

/* Big enough to see the hash chains work: 50 000 distinct addresses of
 * both families in a 4096-entry table, then every survivor found. */
START_TEST(test_eviction_large)
{
	struct ub	b;
	char		ip[64];
	unsigned	i, j, found = 0;

	dns_fini();
	ck_assert_int_eq(dns_init(4096), 0);
	for (i = 0; i < 50000; i += 50) {
		ub_init(&b);
		put_query(&b, "v6.test", 50);
		for (j = 0; j < 50; j++) {
			snprintf(ip, sizeof(ip), "2001:db8::%x:%x",
			    (i + j) >> 16, (i + j) & 0xffff);
			rr_aaaa(&b, "v6.test", ip);
		}
		udp_ub(&b);
		ub_free(&b);
		ck_assert_uint_le(dns_count(), 4096);
	}
	ck_assert_uint_eq(dns_count(), 4096);
	for (i = 0; i < 50000; i++) {
		snprintf(ip, sizeof(ip), "2001:db8::%x:%x", i >> 16,
		    i & 0xffff);
		if (lookup(ip) != NULL)
			found++;
	}
	ck_assert_uint_eq(found, 4096);
	ck_assert_uint_eq(stats[STAT_DNS_EVICTED], 50000 - 4096);
}
END_TEST

START_TEST(test_init_limits)
{
	ck_assert_int_eq(dns_init(0), 0);		/* 0: the default */
	flood(0, 3);
	ck_assert_uint_eq(dns_count(), 3);
	ck_assert_int_eq(dns_init(DNS_MAX_ENTRIES + 1), -1);
	ck_assert_uint_eq(dns_count(), 0);
	dns_input_udp(resp_a, sizeof(resp_a), 0);	/* no table: ignored */
	ck_none("192.0.2.10");
	dns_fini();
	dns_fini();
	ck_assert_int_eq(dns_init(1), 0);
	udp(resp_a, sizeof(resp_a));
	flood(0, 2);
	ck_assert_uint_eq(dns_count(), 1);
	ck_name("10.0.0.1", "flood.test");
}
END_TEST

Suite *
dns_suite(void)
{
	Suite	*s = suite_create("dns");
	TCase	*tc;

	tc = tcase_create("answers");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_a);
	tcase_add_test(tc, test_families_apart);
	tcase_add_test(tc, test_aaaa);
	tcase_add_test(tc, test_cname_chain_compressed);
	tcase_add_test(tc, test_cname_out_of_order);
	tcase_add_test(tc, test_unrelated_answer_ignored);
	tcase_add_test(tc, test_cname_intermediate_a_ignored);
	tcase_add_test(tc, test_cname_chain_cap);
	tcase_add_test(tc, test_cname_loop);
	tcase_add_test(tc, test_case_insensitive);
	tcase_add_test(tc, test_name_cleaned);
	tcase_add_test(tc, test_newer_answer_replaces);
	tcase_add_test(tc, test_lookup_small_buffer);
	tcase_add_test(tc, test_not_answers);
	tcase_add_test(tc, test_qdcount_not_one);
	tcase_add_test(tc, test_class_not_in);
	tcase_add_test(tc, test_other_types_skipped);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_owner_compressed);
	tcase_add_test(tc, test_pointer_self);
	tcase_add_test(tc, test_pointer_loop_via_label);
	tcase_add_test(tc, test_pointer_pair_loop);
	tcase_add_test(tc, test_pointer_forward);
	tcase_add_test(tc, test_pointer_out_of_range);
	tcase_add_test(tc, test_pointer_jump_cap);
	tcase_add_test(tc, test_label_too_long);
	tcase_add_test(tc, test_name_length_cap);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_ancount_lies);
	tcase_add_test(tc, test_ancount_65535);
	tcase_add_test(tc, test_rdlength_lies);
	tcase_add_test(tc, test_address_size_wrong);
	tcase_add_test(tc, test_cname_rdata_mismatch);
	tcase_add_test(tc, test_truncation_sweep_a);
	tcase_add_test(tc, test_truncation_sweep_cname);
	tcase_add_test(tc, test_mutation_sweep);
	tcase_add_test(tc, test_short_header);
	suite_add_tcase(s, tc);

	tc = tcase_create("tcp");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_tcp_two_and_partial);
	tcase_add_test(tc, test_tcp_bad_then_good);
	tcase_add_test(tc, test_tcp_prefix_sweep);
	suite_add_tcase(s, tc);

	tc = tcase_create("table");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_eviction_flood);
	tcase_add_test(tc, test_lru_lookup_keeps);
	tcase_add_test(tc, test_eviction_large);
	tcase_add_test(tc, test_init_limits);
	suite_add_tcase(s, tc);
	return s;
}
