/*
 * fuzz_config.c -- one input is a YAML configuration file for
 * config_load().
 *
 * A file is either loaded or refused with a message: never both, never
 * neither.  A loaded config stays within the caps of config.h (lists,
 * strings), its port lists agree with port_map[], and config_free() gives
 * everything back (LeakSanitizer checks).  The bytes go to a memfd that
 * config_load() opens by its /proc path.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"

static int	fd = -1;
static char	path[64];
static bool	debug;		/* FUZZ_DEBUG=1: say what config_load said */

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if ((fd = memfd_create("fuzz.yaml", 0)) < 0)
		fuzz_fail("memfd_create");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	debug = fuzz_env("FUZZ_DEBUG");
	return 0;
}

static void
check_str(const char *name, const char *s, size_t max)
{
	if (s != NULL && strnlen(s, max + 1) > max)
		fuzz_fail("%s longer than %zu bytes", name, max);
}

static void
check(const struct config *c)
{
	size_t	i, m, p;
	uint8_t	want;

	if (c->ninterfaces > CONFIG_MAX_IFACES)
		fuzz_fail("%zu interfaces", c->ninterfaces);
	for (i = 0; i < c->ninterfaces; i++)
		check_str("interface", c->interfaces[i], CONFIG_MAX_STRING);
	check_str("bpf", c->bpf, CONFIG_MAX_BPF);
	check_str("json_path", c->json_path, CONFIG_MAX_PATH);
	check_str("text_path", c->text_path, CONFIG_MAX_PATH);
	check_str("inventory_path", c->inventory_path, CONFIG_MAX_PATH);
	check_str("pidfile", c->pidfile, CONFIG_MAX_PATH);
	check_str("chroot_dir", c->chroot_dir, CONFIG_MAX_PATH);
	check_str("syslog_ident", c->syslog_ident, CONFIG_MAX_STRING);
	check_str("user", c->user, CONFIG_MAX_STRING);
	check_str("group", c->group, CONFIG_MAX_STRING);
	if (c->nremotes > CONFIG_MAX_REMOTES)
		fuzz_fail("%zu remotes", c->nremotes);
	for (i = 0; i < c->nremotes; i++)
		check_str("remote host", c->remotes[i].host,
		    CONFIG_MAX_STRING);
	if (c->nexceptions > CONFIG_MAX_EXCEPTIONS)
		fuzz_fail("%zu exceptions", c->nexceptions);
	for (i = 0; i < c->nexceptions; i++) {
		const struct config_exception *e = &c->exceptions[i];

		if (e->client.prefix > (e->client.family == 4 ? 32 : 128) ||
		    e->server.prefix > (e->server.family == 4 ? 32 : 128))
			fuzz_fail("exception %zu: prefix too long", i);
		if (memchr(e->expires, '\0', sizeof(e->expires)) == NULL)
			fuzz_fail("exception %zu: expires unterminated", i);
		check_str("owner", e->owner, CONFIG_MAX_STRING);
		check_str("ticket", e->ticket, CONFIG_MAX_STRING);
		check_str("note", e->note, CONFIG_MAX_STRING);
	}
	if (c->drop_warn_percent > 100)
		fuzz_fail("drop_warn_percent %u", c->drop_warn_percent);
	/* Every listed port is in port_map[] as that protocol and mode. */
	for (p = 1; p < CONFIG_NPROTO; p++)
		for (m = 0; m < CONFIG_PORT_NMODES; m++) {
			if (c->ports[p][m].n > CONFIG_MAX_PORTS)
				fuzz_fail("%zu ports", c->ports[p][m].n);
			want = (uint8_t)(p | (m == CONFIG_PORT_IMPLICIT ?
			    PORT_IMPLICIT : 0));
			for (i = 0; i < c->ports[p][m].n; i++)
				if (c->port_map[c->ports[p][m].port[i]] != want)
					fuzz_fail("port %u listed as %zu/%zu, "
					    "port_map says %#x",
					    c->ports[p][m].port[i], p, m,
					    c->port_map[c->ports[p][m].port[i]]);
		}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	*c;
	char		 err[512];

	fuzz_write_file(fd, data, size);
	memset(err, 0x55, sizeof(err));
	err[0] = '\0';
	c = config_load(path, err, sizeof(err));
	if (memchr(err, '\0', sizeof(err)) == NULL)
		fuzz_fail("error message not terminated");
	if (debug)
		fprintf(stderr, "config_load: %s%s\n", c != NULL ? "loaded" :
		    "refused: ", c != NULL ? "" : err);
	if (c == NULL) {
		if (err[0] == '\0')
			fuzz_fail("refused without a message");
		return 0;
	}
	check(c);
	config_free(c);
	return 0;
}
