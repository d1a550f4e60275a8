/*
 * check_defrag.c -- IP fragment reassembly (defrag.c): overlaps, ends that
 * disagree, timeouts and the caps on what the wire can make it hold.
 */
#include <sys/mman.h>

#include <stdlib.h>
#include <unistd.h>

#include "unit.h"

#define TS	1767225600000000ULL	/* 2026-01-01T00:00:00Z */

/* An IPv4 header for datagram id (20 bytes, protocol TCP). */
static void
v4hdr(uint8_t *h, uint16_t id)
{
	static const uint8_t	base[20] = {
		0x45, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40, 0x06,
		0x00, 0x00, 192, 168, 1, 10, 10, 1, 0, 1,
	};

	memcpy(h, base, sizeof(base));
	h[4] = (uint8_t)(id >> 8);
	h[5] = (uint8_t)id;
}

static int
frag4(uint16_t id, const uint8_t *data, size_t len, uint32_t off, int more,
    uint64_t ts, struct defrag_out *out)
{
	uint8_t	h[20];

	v4hdr(h, id);
	return defrag_ipv4(h, sizeof(h), data, len, off, more, 0, ts, out);
}

static void
setup(void)
{
	memset(stats, 0, sizeof(stats));
}

static void
teardown(void)
{
	defrag_fini();
}

/* Three fragments in any order: one datagram, its header saying whole. */
START_TEST(test_orders)
{
	static const int	orders[][3] = {
		{ 0, 1, 2 }, { 2, 1, 0 }, { 1, 2, 0 }, { 2, 0, 1 },
	};
	uint8_t			data[40];
	struct defrag_out	out;
	size_t			o, k;
	int			done;

	for (k = 0; k < sizeof(data); k++)
		data[k] = (uint8_t)k;
	for (o = 0; o < sizeof(orders) / sizeof(orders[0]); o++) {
		done = 0;
		for (k = 0; k < 3; k++) {
			int	i = orders[o][k];
			int	rc = frag4((uint16_t)o, data + i * 16,
			    i == 2 ? 8 : 16, (uint32_t)i * 16, i != 2, TS, &out);

			ck_assert_int_eq(rc, k == 2);
			done += rc;
		}
		ck_assert_int_eq(done, 1);
		ck_assert_uint_eq(out.len, 20 + 40);
		ck_assert_uint_eq((unsigned)out.data[2] << 8 | out.data[3], 60);
		ck_assert_uint_eq(out.data[6], 0);	/* no MF, offset 0 */
		ck_assert_uint_eq(out.data[7], 0);
		ck_assert_uint_eq((unsigned)out.data[4] << 8 | out.data[5], o);
		ck_assert_mem_eq(out.data + 20, data, 40);
		defrag_release(&out);
	}
	ck_assert_uint_eq(stats[STAT_DEFRAG_DONE], 4);
	ck_assert_uint_eq(stats[STAT_DEFRAG_OVERLAP], 0);
}
END_TEST

/* Overlaps: the first copy wins; a later one that disagrees is counted,
 * one that agrees is not. */
START_TEST(test_overlap)
{
	uint8_t			a[16], b[16], c[8];
	struct defrag_out	out;

	memset(a, 'A', sizeof(a));
	memset(b, 'B', sizeof(b));
	memset(c, 'C', sizeof(c));
	ck_assert_int_eq(frag4(1, a, 16, 0, 1, TS, &out), 0);
	ck_assert_int_eq(frag4(1, a, 16, 0, 1, TS, &out), 0);	/* again */
	ck_assert_uint_eq(stats[STAT_DEFRAG_OVERLAP], 0);
	ck_assert_int_eq(frag4(1, b, 16, 8, 1, TS, &out), 0);	/* 8..24 */
	ck_assert_uint_eq(stats[STAT_DEFRAG_OVERLAP], 1);
	ck_assert_int_eq(frag4(1, c, 8, 24, 0, TS, &out), 1);
	ck_assert_uint_eq(out.len, 20 + 32);
	ck_assert_mem_eq(out.data + 20, "AAAAAAAAAAAAAAAABBBBBBBBCCCCCCCC",
	    32);
	defrag_release(&out);
}
END_TEST

/* What cannot be one datagram is dropped, counted, never completed. */
START_TEST(test_bad)
{
	uint8_t			d[64] = { 0 };
	struct defrag_out	out;
	uint8_t			h[64];

	/* not the last, and not whole 8-byte blocks */
	ck_assert_int_eq(frag4(1, d, 12, 0, 1, TS, &out), 0);
	ck_assert_uint_eq(stats[STAT_DEFRAG_BAD], 1);
	/* past 65535 bytes */
	ck_assert_int_eq(frag4(2, d, 16, 65528, 0, TS, &out), 0);
	ck_assert_uint_eq(stats[STAT_DEFRAG_BAD], 2);
	/* two last fragments that end in different places */
	ck_assert_int_eq(frag4(3, d, 8, 16, 0, TS, &out), 0);
	ck_assert_int_eq(frag4(3, d, 8, 24, 0, TS, &out), 0);
	ck_assert_uint_eq(stats[STAT_DEFRAG_BAD], 3);
	/* ... the datagram is gone: its first fragment starts afresh */
	ck_assert_int_eq(frag4(3, d, 16, 0, 1, TS, &out), 0);
	/* a fragment past the end the last one gave */
	ck_assert_int_eq(frag4(4, d, 8, 8, 0, TS, &out), 0);
	ck_assert_int_eq(frag4(4, d, 16, 8, 1, TS, &out), 0);
	ck_assert_uint_eq(stats[STAT_DEFRAG_BAD], 4);
	/* a last fragment ending before bytes already seen */
	ck_assert_int_eq(frag4(5, d, 16, 16, 1, TS, &out), 0);
	ck_assert_int_eq(frag4(5, d, 8, 0, 0, TS, &out), 0);
	ck_assert_uint_eq(stats[STAT_DEFRAG_BAD], 5);
	/* an IPv4 header longer than 60 bytes */
	memset(h, 0, sizeof(h));
	v4hdr(h, 6);
	ck_assert_int_eq(defrag_ipv4(h, 64, d, 8, 0, 1, 0, TS, &out), 0);
	ck_assert_uint_eq(stats[STAT_DEFRAG_BAD], 6);
	ck_assert_uint_eq(stats[STAT_DEFRAG_DONE], 0);
}
END_TEST

/*
 * A header shorter than 20 bytes is refused before any of it is read: the
 * bytes sit at the very end of a page whose next page is PROT_NONE, so a
 * read of hdr[4..5] past a 2-byte header faults (without ASan too).
 */
START_TEST(test_short_header)
{
	long			pg = sysconf(_SC_PAGESIZE);
	uint8_t			*m, *h, d[8] = { 0 };
	struct defrag_out	out;
	size_t			n;

	m = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert(m != MAP_FAILED);
	ck_assert_int_eq(mprotect(m + pg, (size_t)pg, PROT_NONE), 0);
	for (n = 0; n < 20; n++) {
		h = m + pg - n;			/* n bytes, then the guard */
		memset(h, 0x45, n);
		ck_assert_int_eq(defrag_ipv4(h, n, d, sizeof(d), 0, 1, 0, TS,
		    &out), 0);
		ck_assert_uint_eq(stats[STAT_DEFRAG_BAD], n + 1);
	}
	ck_assert_uint_eq(stats[STAT_DEFRAG_DONE], 0);
	munmap(m, (size_t)pg * 2);
}
END_TEST

/* DEFRAG_TIMEOUT seconds after its first fragment a datagram is given up
 * (packet time): the rest no longer completes it. */
START_TEST(test_timeout)
{
	uint8_t			d[16] = { 0 };
	struct defrag_out	out;
	uint64_t		later = TS + DEFRAG_TIMEOUT * 1000000ULL;

	ck_assert_int_eq(frag4(1, d, 16, 0, 1, TS, &out), 0);
	ck_assert_int_eq(frag4(2, d, 16, 0, 1, later - 1, &out), 0);
	ck_assert_int_eq(frag4(1, d, 8, 16, 0, later, &out), 0);
	ck_assert_uint_eq(stats[STAT_DEFRAG_INCOMPLETE], 1);
	/* datagram 2 is younger and still there */
	ck_assert_int_eq(frag4(2, d, 8, 16, 0, later, &out), 1);
	defrag_release(&out);
	defrag_fini();			/* datagram 1's last fragment */
	ck_assert_uint_eq(stats[STAT_DEFRAG_INCOMPLETE], 2);
}
END_TEST

/* At most DEFRAG_MAX_DGRAMS wait: the oldest makes room. */
START_TEST(test_max_datagrams)
{
	uint8_t			d[16] = { 0 };
	struct defrag_out	out;
	uint32_t		i;

	for (i = 0; i <= DEFRAG_MAX_DGRAMS; i++)
		ck_assert_int_eq(frag4((uint16_t)i, d, 16, 0, 1, TS, &out), 0);
	ck_assert_uint_eq(stats[STAT_DEFRAG_EVICTED], 1);
	/* datagram 0 went first; the newest is there */
	ck_assert_int_eq(frag4(0, d, 8, 16, 0, TS, &out), 0);
	ck_assert_int_eq(frag4((uint16_t)DEFRAG_MAX_DGRAMS, d, 8, 16, 0, TS,
	    &out), 1);
	defrag_release(&out);
}
END_TEST

/* DEFRAG_MEMCAP: fragments far into their datagrams make big buffers; the
 * oldest datagrams are given up so that the newest still completes. */
START_TEST(test_memcap)
{
	uint8_t			d[16] = { 0 };
	struct defrag_out	out;
	uint32_t		i, n = 2 * (DEFRAG_MEMCAP / 65536);

	for (i = 0; i < n; i++)
		ck_assert_int_eq(frag4((uint16_t)i, d, 8, 65000, 1, TS, &out),
		    0);
	ck_assert_uint_gt(stats[STAT_DEFRAG_EVICTED], n / 2);
	ck_assert_uint_lt(stats[STAT_DEFRAG_EVICTED], n);
	ck_assert_uint_eq(stats[STAT_DEFRAG_NO_MEM], 0);
}
END_TEST

/* IPv6: the key has no protocol; the reassembled packet carries the first
 * fragment's next header and no fragment header. */
START_TEST(test_ipv6)
{
	uint8_t			h[40] = { 0x60 }, d[24];
	struct defrag_out	out;
	size_t			k;

	for (k = 0; k < sizeof(d); k++)
		d[k] = (uint8_t)(0x80 + k);
	memset(h + 8, 0xfd, 32);
	h[6] = 44;
	ck_assert_int_eq(defrag_ipv6(h, 6, 0xbeef, d + 16, 8, 16, 0, 0, TS,
	    &out), 0);
	ck_assert_int_eq(defrag_ipv6(h, 6, 0xbeef, d, 16, 0, 1, 0, TS, &out),
	    1);
	ck_assert_uint_eq(out.len, 40 + 24);
	ck_assert_uint_eq((unsigned)out.data[4] << 8 | out.data[5], 24);
	ck_assert_uint_eq(out.data[6], 6);
	ck_assert_mem_eq(out.data + 40, d, 24);
	defrag_release(&out);
	/* another VLAN is another datagram */
	ck_assert_int_eq(defrag_ipv6(h, 6, 7, d, 16, 0, 1, 100, TS, &out), 0);
	ck_assert_int_eq(defrag_ipv6(h, 6, 7, d + 16, 8, 16, 0, 200, TS,
	    &out), 0);
	ck_assert_uint_eq(stats[STAT_DEFRAG_DONE], 1);
}
END_TEST

Suite *
defrag_suite(void)
{
	Suite	*s = suite_create("defrag");
	TCase	*tc = tcase_create("defrag");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_orders);
	tcase_add_test(tc, test_overlap);
	tcase_add_test(tc, test_bad);
	tcase_add_test(tc, test_short_header);
	tcase_add_test(tc, test_timeout);
	tcase_add_test(tc, test_max_datagrams);
	tcase_add_test(tc, test_memcap);
	tcase_add_test(tc, test_ipv6);
	suite_add_tcase(s, tc);
	return s;
}
