/*
 * check_pcapng.c -- pcapng.c, tlsfloor's own pcapng reader: timestamps in
 * every unit and offset, byte orders, sections, and each kind of damage
 * named (the files come from a small builder here, read from memory).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pcapng.h"
#include "unit.h"

/* A file being built: little- or big-endian blocks appended. */
struct png {
	uint8_t	buf[4096];
	size_t	len;
	int	be;
};

static void
put32(struct png *b, uint32_t v)
{
	uint8_t	*p = b->buf + b->len;

	if (b->be) {
		p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16);
		p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
	} else {
		p[3] = (uint8_t)(v >> 24); p[2] = (uint8_t)(v >> 16);
		p[1] = (uint8_t)(v >> 8); p[0] = (uint8_t)v;
	}
	b->len += 4;
}

static void
put16(struct png *b, uint16_t v)
{
	uint8_t	*p = b->buf + b->len;

	if (b->be) {
		p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v;
	} else {
		p[1] = (uint8_t)(v >> 8); p[0] = (uint8_t)v;
	}
	b->len += 2;
}

static void
put_bytes(struct png *b, const void *p, size_t n)
{
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	while (b->len % 4 != 0)
		b->buf[b->len++] = 0;
}

/* Open a block of type t; close_block() writes both lengths. */
static size_t
open_block(struct png *b, uint32_t t)
{
	size_t	at = b->len;

	put32(b, t);
	put32(b, 0);
	return at;
}

static void
close_block(struct png *b, size_t at)
{
	uint32_t	n = (uint32_t)(b->len - at + 4);
	size_t		end = b->len;

	b->len = at + 4;
	put32(b, n);
	b->len = end;
	put32(b, n);
}

static void
shb(struct png *b, int be, uint16_t major)
{
	size_t	at;

	b->be = be;
	at = open_block(b, 0x0A0D0D0A);
	put32(b, 0x1A2B3C4D);
	put16(b, major);
	put16(b, 0);
	put32(b, 0xffffffff);
	put32(b, 0xffffffff);
	close_block(b, at);
}

/* An IDB; tsresol < 0: no option; offset != 0: if_tsoffset. */
static void
idb(struct png *b, uint16_t link, uint32_t snaplen, int tsresol,
    int64_t offset)
{
	size_t	at = open_block(b, 1);
	uint8_t	r;

	put16(b, link);
	put16(b, 0);
	put32(b, snaplen);
	if (tsresol >= 0) {
		put16(b, 9);
		put16(b, 1);
		r = (uint8_t)tsresol;
		put_bytes(b, &r, 1);
	}
	if (offset != 0) {
		put16(b, 14);
		put16(b, 8);
		if (b->be) {
			put32(b, (uint32_t)((uint64_t)offset >> 32));
			put32(b, (uint32_t)offset);
		} else {
			put32(b, (uint32_t)offset);
			put32(b, (uint32_t)((uint64_t)offset >> 32));
		}
	}
	put16(b, 0);
	put16(b, 0);
	close_block(b, at);
}

static void
epb(struct png *b, uint32_t ifid, uint64_t ts, const char *data,
    uint32_t caplen, uint32_t len)
{
	size_t	at = open_block(b, 6);

	put32(b, ifid);
	put32(b, (uint32_t)(ts >> 32));
	put32(b, (uint32_t)ts);
	put32(b, caplen);
	put32(b, len);
	put_bytes(b, data, strlen(data));
	close_block(b, at);
}

static FILE	*fp;
static struct pcapng *pg;
static char	 err[256];

static struct pcapng *
open_png(struct png *b)
{
	fp = fmemopen(b->buf, b->len, "rb");
	ck_assert_ptr_nonnull(fp);
	pg = pcapng_open(fp, err, sizeof(err));
	return pg;
}

static void
teardown(void)
{
	pcapng_close(pg);
	pg = NULL;
	if (fp != NULL)
		fclose(fp);
	fp = NULL;
}

START_TEST(test_timestamps_every_unit)
{
	static struct png	b;
	struct pcapng_pkt	p;

	memset(&b, 0, sizeof(b));
	shb(&b, 0, 1);
	idb(&b, 1, 0, -1, 0);			/* default: microseconds */
	idb(&b, 1, 0, 9, 0);			/* nanoseconds */
	idb(&b, 113, 0, 0x80 | 20, 1000);	/* 2^-20 s, +1000 s */
	idb(&b, 1, 0, 3, -2000000000000ll);	/* before 1970: 0 */
	idb(&b, 1, 0, 0, 0);			/* whole seconds */
	epb(&b, 0, 1800000000123456ull, "abcd", 4, 4);
	epb(&b, 1, 1800000000123456789ull, "abcd", 4, 60);
	epb(&b, 2, (uint64_t)3 << 19, "ab", 2, 2);	/* 1.5 s */
	epb(&b, 3, 5, "ab", 2, 2);
	epb(&b, 4, UINT64_MAX, "ab", 2, 2);	/* beyond 9999: clamped */
	ck_assert_ptr_nonnull(open_png(&b));
	ck_assert_int_eq(pcapng_next(pg, &p), 1);
	ck_assert_uint_eq(p.ts_us, 1800000000123456ull);
	ck_assert_int_eq(p.link, 1);
	ck_assert_int_eq(pcapng_next(pg, &p), 1);
	ck_assert_uint_eq(p.ts_us, 1800000000123456ull);
	ck_assert_uint_eq(p.caplen, 4);
	ck_assert_uint_eq(p.len, 60);
	ck_assert_mem_eq(p.data, "abcd", 4);
	ck_assert_int_eq(pcapng_next(pg, &p), 1);
	ck_assert_uint_eq(p.ts_us, 1001500000ull);
	ck_assert_int_eq(p.link, 113);
	ck_assert_uint_eq(p.iface, 2);
	ck_assert_int_eq(pcapng_next(pg, &p), 1);
	ck_assert_uint_eq(p.ts_us, 0);
	ck_assert_int_eq(pcapng_next(pg, &p), 1);
	ck_assert_uint_eq(p.ts_us, 253402300799999999ull);
	ck_assert_int_eq(pcapng_next(pg, &p), 0);
}
END_TEST

START_TEST(test_big_endian_then_little_endian_section)
{
	static struct png	b;
	struct pcapng_pkt	p;

	memset(&b, 0, sizeof(b));
	shb(&b, 1, 1);
	idb(&b, 1, 65535, -1, 0);
	idb(&b, 113, 65535, -1, 0);
	epb(&b, 1, 7, "xyz", 3, 3);
	shb(&b, 0, 1);				/* its interfaces start again */
	idb(&b, 101, 0, -1, 0);
	epb(&b, 0, 8, "q", 1, 1);
	epb(&b, 1, 9, "q", 1, 1);		/* not in this section */
	ck_assert_ptr_nonnull(open_png(&b));
	ck_assert_int_eq(pcapng_next(pg, &p), 1);
	ck_assert_int_eq(p.link, 113);
	ck_assert_uint_eq(p.ts_us, 7);
	ck_assert_int_eq(pcapng_next(pg, &p), 1);
	ck_assert_int_eq(p.link, 101);
	ck_assert_uint_eq(pcapng_sections(pg), 2);
	ck_assert_int_eq(pcapng_next(pg, &p), -1);
	ck_assert_str_eq(pcapng_error(pg),
	    "packet on interface 1; the section describes 1");
}
END_TEST

START_TEST(test_damage_named)
{
	static struct png	b;
	struct pcapng_pkt	p;
	size_t			at;

	/* trailing length disagrees */
	memset(&b, 0, sizeof(b));
	shb(&b, 0, 1);
	idb(&b, 1, 0, -1, 0);
	epb(&b, 0, 1, "abcd", 4, 4);
	b.buf[b.len - 4] ^= 4;
	ck_assert_ptr_nonnull(open_png(&b));
	ck_assert_int_eq(pcapng_next(pg, &p), -1);
	ck_assert_ptr_nonnull(strstr(pcapng_error(pg), "trailing"));
	teardown();

	/* a packet claiming more than its block */
	memset(&b, 0, sizeof(b));
	shb(&b, 0, 1);
	idb(&b, 1, 0, -1, 0);
	epb(&b, 0, 1, "abcd", 400, 400);
	ck_assert_ptr_nonnull(open_png(&b));
	ck_assert_int_eq(pcapng_next(pg, &p), -1);
	ck_assert_str_eq(pcapng_error(pg), "packet of 400 captured bytes in "
	    "a block with room for 4");
	teardown();

	/* a simple packet before any interface */
	memset(&b, 0, sizeof(b));
	shb(&b, 0, 1);
	at = open_block(&b, 3);
	put32(&b, 2);
	put_bytes(&b, "ab", 2);
	close_block(&b, at);
	ck_assert_ptr_nonnull(open_png(&b));
	ck_assert_int_eq(pcapng_next(pg, &p), -1);
	ck_assert_str_eq(pcapng_error(pg),
	    "packet on interface 0; the section describes 0");
	teardown();

	/* a block over 16 MiB is refused before any allocation */
	memset(&b, 0, sizeof(b));
	shb(&b, 0, 1);
	put32(&b, 0x0000F00D);
	put32(&b, 64u << 20);
	ck_assert_ptr_nonnull(open_png(&b));
	ck_assert_int_eq(pcapng_next(pg, &p), -1);
	ck_assert_ptr_nonnull(strstr(pcapng_error(pg), "more than the"));
	teardown();

	/* pcapng 2.0 is not guessed at */
	memset(&b, 0, sizeof(b));
	shb(&b, 0, 2);
	ck_assert_ptr_null(open_png(&b));
	ck_assert_str_eq(err, "pcapng version 2 is not read here (only 1.x)");
	teardown();

	/* an interface option longer than its block */
	memset(&b, 0, sizeof(b));
	shb(&b, 0, 1);
	at = open_block(&b, 1);
	put16(&b, 1);
	put16(&b, 0);
	put32(&b, 0);
	put16(&b, 2);
	put16(&b, 200);
	close_block(&b, at);
	ck_assert_ptr_nonnull(open_png(&b));
	ck_assert_int_eq(pcapng_next(pg, &p), -1);
	ck_assert_str_eq(pcapng_error(pg),
	    "interface option runs past its block");
}
END_TEST

START_TEST(test_simple_packet_cut_at_snaplen)
{
	static struct png	b;
	struct pcapng_pkt	p;
	size_t			at;

	memset(&b, 0, sizeof(b));
	shb(&b, 1, 1);
	idb(&b, 1, 3, -1, 0);
	epb(&b, 0, 42, "ab", 2, 2);
	at = open_block(&b, 3);
	put32(&b, 1500);			/* on the wire */
	put_bytes(&b, "abcdef", 6);
	close_block(&b, at);
	ck_assert_ptr_nonnull(open_png(&b));
	ck_assert_int_eq(pcapng_next(pg, &p), 1);
	ck_assert_int_eq(pcapng_next(pg, &p), 1);
	ck_assert_uint_eq(p.caplen, 3);		/* the snaplen */
	ck_assert_uint_eq(p.len, 1500);
	ck_assert_uint_eq(p.ts_us, 42);		/* the packet before's */
	ck_assert_int_eq(pcapng_next(pg, &p), 0);
}
END_TEST

Suite *
pcapng_suite(void)
{
	Suite	*s = suite_create("pcapng");
	TCase	*tc = tcase_create("pcapng_read");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_timestamps_every_unit);
	tcase_add_test(tc, test_big_endian_then_little_endian_section);
	tcase_add_test(tc, test_damage_named);
	tcase_add_test(tc, test_simple_packet_cut_at_snaplen);
	suite_add_tcase(s, tc);
	return s;
}
