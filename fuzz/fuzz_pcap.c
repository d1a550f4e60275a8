/*
 * fuzz_pcap.c -- one input is a whole capture file (pcap or pcapng), read
 * by capture_file() through libpcap and on down the pipeline; then every
 * flow ends (flow_flush_all(), as at the end of a run), which runs the
 * verdict and the JSON output.  The accounted memory must then be zero.
 *
 * The bytes go to a memfd that capture_file() opens by its /proc path.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture.h"
#include "flow.h"
#include "fuzz.h"
#include "defrag.h"
#include "verdict.h"

static int	fd = -1;
static char	path[64];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup();
	if ((fd = memfd_create("fuzz.pcap", 0)) < 0)
		fuzz_fail("memfd_create");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_write_file(fd, data, size);
	capture_file(path, NULL);
	flow_flush_all();
	defrag_fini();
	verdict_flush();
	fuzz_check_events();
	if (budget_used() != 0)
		fuzz_fail("budget_used %zu after flow_flush_all",
		    budget_used());
	return 0;
}
