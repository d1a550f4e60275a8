/*
 * check_hints.c -- hints.c: client program hints.  A hello matches only
 * with its JA4 and its JA3 string both; a hello with SNI matches the entry
 * its IP-literal twin made; anything else stays unknown.
 */
#include "hints.h"
#include "unit.h"

/* Java 17 JSSE, TLSv1 only (pcaps/clients/loopback-java-legacy.pcap) */
#define J_JA4	"t10i220700_8f3dcbce23eb_ddcc4a856434"
#define J_JA3	"769,49162-49172-49161-49171-57-56-51-50-49157-49167-" \
		"49156-49166-53-47-49160-49170-22-19-49155-49165-10-255," \
		"5-10-11-17-23-35-43,29-23-24-25-30-256-257-258-259-260,0"
/* the same client naming its server: SNI (0) first, one more extension */
#define J_JA4_SNI	"t10d220800_8f3dcbce23eb_ddcc4a856434"
#define J_JA3_SNI	"769,49162-49172-49161-49171-57-56-51-50-49157-" \
		"49167-49156-49166-53-47-49160-49170-22-19-49155-49165-10-" \
		"255,0-5-10-11-17-23-35-43,29-23-24-25-30-256-257-258-259-" \
		"260,0"
#define J_NAME	"Java 17 JSSE, TLS 1.0 only (re-enabled in java.security)"

START_TEST(test_match_both)
{
	const char	*src;

	ck_assert_str_eq(hints_lookup(J_JA4, J_JA3, &src), J_NAME);
	ck_assert_str_eq(src, "ja4+ja3");
	ck_assert_str_eq(hints_lookup(J_JA4_SNI, J_JA3_SNI, &src), J_NAME);
	ck_assert_str_eq(hints_lookup(NULL, J_JA3_SNI, &src), J_NAME);
	ck_assert_str_eq(src, "ja3");
}
END_TEST

START_TEST(test_unknown_stays_unknown)
{
	const char	*src;

	/* the JA4 of an entry, another JA3 (groups differ): not a match */
	ck_assert_ptr_null(hints_lookup(J_JA4, "769,49162-49172-49161-"
	    "49171-57-56-51-50-49157-49167-49156-49166-53-47-49160-49170-22-"
	    "19-49155-49165-10-255,5-10-11-17-23-35-43,29-23-24,0", &src));
	ck_assert_ptr_null(src);
	/* the JA3 of an entry, another JA4 */
	ck_assert_ptr_null(hints_lookup("t10i220700_000000000000_ddcc4a856434",
	    J_JA3, &src));
	/* SNI flag set but no extension to take away, and broken forms */
	ck_assert_ptr_null(hints_lookup("t10d220000_8f3dcbce23eb_ddcc4a856434",
	    J_JA3, &src));
	ck_assert_ptr_null(hints_lookup("t10", J_JA3, &src));
	ck_assert_ptr_null(hints_lookup(J_JA4, "769", &src));
	ck_assert_ptr_null(hints_lookup(J_JA4, "", &src));
	ck_assert_ptr_null(hints_lookup(J_JA4, NULL, &src));
	ck_assert_uint_ge(hints_count(), 14);
}
END_TEST

Suite *
hints_suite(void)
{
	Suite	*s = suite_create("hints");
	TCase	*tc = tcase_create("lookup");

	tcase_add_test(tc, test_match_both);
	tcase_add_test(tc, test_unknown_stays_unknown);
	suite_add_tcase(s, tc);
	return s;
}
