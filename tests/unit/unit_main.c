/*
 * unit_main.c -- run every unit suite (tests/unit/check_<module>.c).
 *
 * Check's fork mode stays on (the default; CK_FORK=no in the environment
 * turns it off for a debugger), so a crash fails one test and each test
 * starts from the same pristine globals.  Exit status 0 only when every
 * test passed.
 */
#include <stdlib.h>

#include "unit.h"

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(reader_suite());
	srunner_add_suite(sr, config_suite());
	srunner_add_suite(sr, config_yaml_suite());
	srunner_add_suite(sr, decode_suite());
	srunner_add_suite(sr, defrag_suite());
	srunner_add_suite(sr, flow_suite());
	srunner_add_suite(sr, reasm_suite());
	srunner_add_suite(sr, line_suite());
	srunner_add_suite(sr, pop3_suite());
	srunner_add_suite(sr, imap_suite());
	srunner_add_suite(sr, smtp_suite());
	srunner_add_suite(sr, tls_suite());
	srunner_add_suite(sr, cert_suite());
	srunner_add_suite(sr, hints_suite());
	srunner_add_suite(sr, fingerprint_suite());
	srunner_add_suite(sr, fingerprint_vectors_suite());
	srunner_add_suite(sr, verdict_suite());
	srunner_add_suite(sr, inventory_suite());
	srunner_add_suite(sr, store_suite());
	srunner_add_suite(sr, report_html_suite());
	srunner_add_suite(sr, dns_suite());
	srunner_add_suite(sr, output_suite());
	srunner_add_suite(sr, output_syslog_suite());
	srunner_add_suite(sr, pcapng_suite());
	srunner_add_suite(sr, metrics_suite());
	srunner_add_suite(sr, daemon_suite());
	srunner_add_suite(sr, fmt_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
