/*
 * fuzz.h -- what the libFuzzer targets in fuzz/ share.
 *
 * The targets (but fuzz_config and fuzz_dns) start the pipeline the way
 * main.c does once per process (fuzz_setup()), then drive one stage per
 * input.  The helpers here build flows by hand for the targets that skip
 * the flow table, cut an input into chunks, and check what every input
 * must leave behind (accounted memory back to where it was, well-formed
 * JSON events).  Only the fuzz targets include this file.
 */
#ifndef TLSFLOOR_FUZZ_H
#define TLSFLOOR_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "budget.h"
#include "flow.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/*
 * The pipeline as main.c starts it, once per process: config (defaults;
 * JSON sink to a temporary file, text sink to /dev/null, every event type
 * and ok sessions, alert de-duplication, two UDP syslog collectors on the
 * loopback unless FUZZ_NO_REMOTE=1, one live and one expired exception),
 * verdict, output, flow table, DNS table.  Returns the config so a target
 * may retune limits between inputs.  fuzz_setup_inventory(true) also keeps
 * the client inventory (in a temporary directory, removed at exit),
 * written by every 4096th fuzz_inventory_tick(): for targets whose
 * addresses are few, since the inventory keeps a record per client and
 * server.
 */
struct config	*fuzz_setup(void);
struct config	*fuzz_setup_inventory(bool);
void		 fuzz_inventory_tick(uint64_t now_us);

/* The JSON sink writes to a temporary file; every line it added since the
 * last call must parse as one JSON object (jansson, duplicate keys
 * refused).  fuzz_flow_end() calls it; targets that end flows otherwise
 * call it after flow_flush_all(). */
void		 fuzz_check_events(void);

/* Stop the run with a message on stderr: an invariant does not hold.
 * (libFuzzer saves the input as a crash.) */
void		 fuzz_fail(const char *, ...)
		    __attribute__((format(printf, 1, 2), noreturn));

/* A flow outside the flow table, as the unit tests build it: client
 * 192.168.1.10:40000, server 10.1.0.1 on the protocol's usual port. */
struct conn	*fuzz_flow(uint8_t proto, uint8_t fflags);
/* The input as the whole content of fd (a memfd the target reads back). */
void		 fuzz_write_file(int fd, const uint8_t *, size_t);
/* End it as flow.c would at end of input: flush both streams, judge it
 * (the events go to every sink), free every module's state; the accounted
 * memory must be back where it was. */
void		 fuzz_flow_end(struct conn *);

/*
 * The chunk framing of the mail and TLS stream targets:
 *
 *   hdr(1): bit 0 direction (0 client, 1 server)
 *           bit 1 a capture gap before this chunk (mail_gap / tls_gap)
 *           bits 2-7 unused
 *   len(1)  0..255
 *   bytes   len of them (fewer if the input ends first)
 */
struct fuzz_chunk {
	int		 dir;
	bool		 gap;
	const uint8_t	*p;
	size_t		 n;
};

/* The next chunk; false at the end of the input. */
bool		 fuzz_next_chunk(const uint8_t **, size_t *,
		    struct fuzz_chunk *);

/*
 * Play chunks into a flow with input() / gap() (mail_input and mail_gap, or
 * tls_input and tls_gap), counting packets and bytes as flow.c would; a
 * direction they report done gets no more, as reasm.c does.
 * bytewise: each chunk goes in one byte at a time (TCP may cut anywhere).
 */
void		 fuzz_play(struct conn *, const uint8_t *, size_t,
		    bool bytewise,
		    unsigned (*input)(struct conn *, enum dir, const uint8_t *,
		    size_t),
		    unsigned (*gap)(struct conn *, enum dir));

/* mail_gap(), tls_input(), tls_gap() with the signature fuzz_play()
 * takes: the directions now done (DIR_BIT). */
unsigned	 fuzz_mail_gap(struct conn *, enum dir dir);
unsigned	 fuzz_tls_input(struct conn *, enum dir dir, const uint8_t *,
		    size_t);
unsigned	 fuzz_tls_gap(struct conn *, enum dir dir);

/* What a session left behind, for comparing two runs over the same bytes. */
struct fuzz_sum {
	uint8_t		 starttls;
	bool		 offered;
	bool		 plaintext_final;
	bool		 has_ch, has_sh;
	uint16_t	 ch_version, sh_version;
	uint32_t	 mail_lines;
	bool		 tls[2];
	bool		 not_tls[2];
	bool		 bad_hello[2];
	bool		 hello_gap[2];
	uint8_t		 alert[2][2];	/* level, description */
	uint8_t		 cleartext;	/* enum cleartext */
	uint8_t		 info_len[3 + 4]; /* banner, helo, user, ID values */
	uint8_t		 nmechs;	/* strlen of the mechanism list */
};

void		 fuzz_summarise(const struct conn *, struct fuzz_sum *);
/* One line on stderr (the split-sweep failures print both). */
void		 fuzz_sum_print(const char *, const struct fuzz_sum *);
/* Name the first field that differs, or NULL. */
const char	*fuzz_sum_diff(const struct fuzz_sum *,
		    const struct fuzz_sum *);

/* Whether the environment variable is set to something other than "0". */
bool		 fuzz_env(const char *);

#endif /* TLSFLOOR_FUZZ_H */
