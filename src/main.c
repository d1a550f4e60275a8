/*
 * main.c -- tlsfloor: find the mail clients still negotiating TLS 1.0/1.1.
 *
 * Startup order: parse the command line into a struct config, open the
 * outputs, set up the flow table, then read each capture in turn through
 * the pipeline (capture -> decode -> flow -> reasm -> mail -> tls ->
 * verdict -> output).  At the end every open flow is flushed, so each
 * session is reported once, and a summary goes to stderr.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "classify.h"
#include "config.h"
#include "flow.h"
#include "log.h"
#include "output.h"
#include "stats.h"
#include "verdict.h"

#define EXIT_INPUT	1	/* an input could not be read (fully) */
#define EXIT_USAGE	2

static noreturn void usage(FILE *, int);

static noreturn void
usage(FILE *fp, int status)
{
	fprintf(fp,
	    "usage: tlsfloor [-hqvV] [-f json|text] [-o file] [--floor 1.0-1.3]\n"
	    "                [--port proto:port[:implicit]] [--all-tls]\n"
	    "                [--max-flows n] [--memcap bytes]\n"
	    "                -r file [-r file ...]\n"
	    "\n"
	    "  -r, --read FILE     read a pcap/pcapng capture (\"-\" = stdin);\n"
	    "                      repeat for several files, read in order\n"
	    "  -f, --format FMT    json (JSON Lines, default) or text\n"
	    "  -o, --output FILE   append events to FILE instead of stdout\n"
	    "      --floor VER     lowest acceptable TLS version (default 1.2)\n"
	    "      --port SPEC     also watch a port: pop3|imap|smtp:PORT, add\n"
	    "                      :implicit for TLS from the first byte\n"
	    "      --all-tls       report TLS on every TCP port, not only mail\n"
	    "      --max-flows N   flows tracked at once (default 200000)\n"
	    "      --memcap BYTES  memory for flows and buffers (default 64M)\n"
	    "  -q, --quiet         no summary on stderr\n"
	    "  -v, --verbose       summary with every counter\n"
	    "  -V, --version       print version and exit\n"
	    "  -h, --help          this help\n");
	exit(status);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "read",	required_argument, NULL, 'r' },
		{ "format",	required_argument, NULL, 'f' },
		{ "output",	required_argument, NULL, 'o' },
		{ "floor",	required_argument, NULL, 'F' },
		{ "port",	required_argument, NULL, 'P' },
		{ "all-tls",	no_argument,	   NULL, 'A' },
		{ "max-flows",	required_argument, NULL, 'M' },
		{ "memcap",	required_argument, NULL, 'm' },
		{ "quiet",	no_argument,	   NULL, 'q' },
		{ "verbose",	no_argument,	   NULL, 'v' },
		{ "version",	no_argument,	   NULL, 'V' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct config	 *cfg;
	const char	**files;
	int		  nfiles = 0, ch, i, quiet = 0, verbose = 0;
	int		  status = 0;
	uint64_t	  n;

	log_init("tlsfloor", 0);
	if ((cfg = config_default()) == NULL ||
	    (files = calloc((size_t)argc, sizeof(*files))) == NULL)
		fatal("startup");

	while ((ch = getopt_long(argc, argv, "r:f:o:qvVh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'r':
			files[nfiles++] = optarg;
			/* A pipe from tcpdump is live: events as they happen. */
			if (strcmp(optarg, "-") == 0)
				cfg->out_flush = true;
			break;
		case 'f':
			if (strcmp(optarg, "json") == 0)
				cfg->format = OUT_JSON;
			else if (strcmp(optarg, "text") == 0)
				cfg->format = OUT_TEXT;
			else {
				log_warnx("--format: \"%s\": expected json "
				    "or text", optarg);
				usage(stderr, EXIT_USAGE);
			}
			break;
		case 'o':
			cfg->out_path = optarg;
			break;
		case 'F':
			if (config_parse_floor(optarg, &cfg->floor) != 0) {
				log_warnx("--floor: \"%s\": expected 1.0, "
				    "1.1, 1.2 or 1.3", optarg);
				usage(stderr, EXIT_USAGE);
			}
			break;
		case 'P':
			if (config_set_port(cfg, optarg) != 0) {
				log_warnx("--port: \"%s\": expected "
				    "pop3|imap|smtp:PORT[:implicit]", optarg);
				usage(stderr, EXIT_USAGE);
			}
			break;
		case 'A':
			cfg->scope = SCOPE_ALL_TLS;
			break;
		case 'M':
			if (config_parse_size(optarg, 1, UINT32_MAX, &n) != 0) {
				log_warnx("--max-flows: \"%s\": expected a "
				    "number of flows", optarg);
				usage(stderr, EXIT_USAGE);
			}
			cfg->max_flows = (uint32_t)n;
			break;
		case 'm':
			if (config_parse_size(optarg, 1u << 20, SIZE_MAX, &n)
			    != 0) {
				log_warnx("--memcap: \"%s\": expected bytes "
				    "(k, M, G suffixes), at least 1M", optarg);
				usage(stderr, EXIT_USAGE);
			}
			cfg->memcap = n;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'V':
			printf("tlsfloor %s (%s; nDPI %s)\n", TLSFLOOR_VERSION,
			    "libpcap", classify_ndpi_version());
			exit(0);
		case 'h':
			usage(stdout, 0);
		default:	/* getopt_long has said what was wrong */
			usage(stderr, EXIT_USAGE);
		}
	}
	if (optind < argc) {
		log_warnx("unexpected argument \"%s\"", argv[optind]);
		usage(stderr, EXIT_USAGE);
	}
	if (nfiles == 0) {
		log_warnx("nothing to read: give -r FILE (or -r - for stdin)");
		usage(stderr, EXIT_USAGE);
	}
	log_init("tlsfloor", verbose);
	verdict_init(cfg->floor);
	if (output_open(cfg) != 0)
		fatal("%s", cfg->out_path);
	if (flow_init(cfg) != 0)
		fatal("flow table");

	for (i = 0; i < nfiles; i++)
		if (capture_file(files[i]) != 0)
			status = EXIT_INPUT;

	flow_fini();
	if (output_close() != 0 && status == 0)
		status = EXIT_INPUT;
	if (!quiet)
		stats_summary(stderr, "tlsfloor");
	if (verbose) {
		fputs("tlsfloor: counters:\n", stderr);
		stats_dump(stderr);
	}
	config_free(cfg);
	free(files);
	return status;
}
