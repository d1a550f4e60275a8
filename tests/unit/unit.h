/*
 * unit.h -- what the Check suites in tests/unit/ share.
 *
 * Each check_<module>.c exposes <module>_suite(); unit_main.c runs them all.
 * check_util.c (no suite of its own) holds the sample wire bytes, commented
 * field by field, and the helpers declared here: a growable byte buffer for
 * building frames and records, a per-test fixture (config, flow table,
 * counters), hand-built flows for driving one stage directly, and a reader
 * for the JSON events the pipeline writes.
 *
 * Tests run in Check's fork mode: a crash fails one test, and every test
 * starts from the parent's pristine globals (stats[], the flow table).
 */
#ifndef TLSFLOOR_UNIT_H
#define TLSFLOOR_UNIT_H

#include <check.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "config.h"
#include "decode.h"
#include "defrag.h"
#include "budget.h"
#include "classify.h"
#include "flow.h"
#include "caps.h"
#include "mail.h"
#include "reasm.h"
#include "stats.h"
#include "tls.h"
#include "verdict.h"

/* --- suites ---------------------------------------------------------------- */

Suite	*store_suite(void);
Suite	*report_html_suite(void);		/* check_report_html.c */
Suite	*reader_suite(void);
Suite	*config_suite(void);
Suite	*config_yaml_suite(void);		/* check_config_yaml.c */
Suite	*decode_suite(void);
Suite	*defrag_suite(void);
Suite	*flow_suite(void);
Suite	*reasm_suite(void);
Suite	*line_suite(void);
Suite	*pop3_suite(void);
Suite	*imap_suite(void);
Suite	*smtp_suite(void);
Suite	*tls_suite(void);
Suite	*cert_suite(void);			/* check_cert.c */
Suite	*hints_suite(void);			/* check_hints.c */
Suite	*fingerprint_suite(void);		/* check_fingerprint.c */
Suite	*fingerprint_vectors_suite(void);
Suite	*verdict_suite(void);
Suite	*inventory_suite(void);
Suite	*dns_suite(void);			/* check_dns.c */
Suite	*output_suite(void);
Suite	*output_syslog_suite(void);		/* check_output_syslog.c */
Suite	*pcapng_suite(void);			/* check_pcapng.c */
Suite	*metrics_suite(void);
Suite	*daemon_suite(void);			/* check_daemon.c */
Suite	*fmt_suite(void);			/* check_fmt.c */

/* --- byte buffer ------------------------------------------------------------ */

struct ub {
	uint8_t		*p;
	size_t		 n;
	size_t		 cap;
};

void	ub_init(struct ub *);
void	ub_free(struct ub *);
void	ub_mem(struct ub *, const void *, size_t);
void	ub_str(struct ub *, const char *);
void	ub_fill(struct ub *, uint8_t, size_t);
void	ub_u8(struct ub *, uint8_t);
void	ub_u16(struct ub *, uint16_t);
void	ub_u24(struct ub *, uint32_t);
void	ub_u32(struct ub *, uint32_t);
/* Reserve a 1/2/3-byte length field; ub_end*() fills in what followed. */
size_t	ub_begin8(struct ub *);
size_t	ub_begin16(struct ub *);
size_t	ub_begin24(struct ub *);
void	ub_end8(struct ub *, size_t);
void	ub_end16(struct ub *, size_t);
void	ub_end24(struct ub *, size_t);

/* --- TLS framing ------------------------------------------------------------ */

/* type(1) legacy_record_version(2) length(2) fragment */
void	unit_record(struct ub *, uint8_t type, uint16_t version,
	    const uint8_t *, size_t);
/* One handshake message msg_type(1) length(3) body in one record
 * (record version 0x0301, as OpenSSL sends a ClientHello). */
void	unit_hs_record(struct ub *, uint8_t hstype, const uint8_t *, size_t);

/* Sample handshake bodies (after the 4-byte handshake header). */
extern const uint8_t	unit_ch12[];	/* TLS 1.2 ClientHello, SNI, ALPN */
extern const size_t	unit_ch12_len;
extern const uint8_t	unit_ch10[];	/* TLS 1.0 ClientHello, no exts */
extern const size_t	unit_ch10_len;
extern const uint8_t	unit_ch13[];	/* TLS 1.3 ClientHello, GREASE */
extern const size_t	unit_ch13_len;
extern const uint8_t	unit_sh12[];	/* ServerHello TLS 1.2 */
extern const size_t	unit_sh12_len;
extern const uint8_t	unit_sh10[];	/* ServerHello TLS 1.0, no exts */
extern const size_t	unit_sh10_len;
extern const uint8_t	unit_sh13[];	/* ServerHello TLS 1.3 */
extern const size_t	unit_sh13_len;
extern const uint8_t	unit_hrr[];	/* HelloRetryRequest */
extern const size_t	unit_hrr_len;
/* SSLv2 records, 2-byte header included. */
extern const uint8_t	unit_v2_ch_tls10[];	/* compat hello, 0x0301 */
extern const size_t	unit_v2_ch_tls10_len;
extern const uint8_t	unit_v2_ch_ssl2[];	/* real SSLv2, 0x0002 */
extern const size_t	unit_v2_ch_ssl2_len;
extern const uint8_t	unit_v2_sh[];		/* SERVER-HELLO 0x0002 */
extern const size_t	unit_v2_sh_len;

/* Offsets into unit_ch12 (asserted in the tls suite). */
#define UNIT_CH12_SNI_OFF	56	/* first byte of "imap.example.test" */
#define UNIT_CH12_SNI_LEN	17

/* Field-by-field equality of two parsed ClientHellos. */
bool	unit_ch_same(const struct tls_client_hello *,
	    const struct tls_client_hello *);

/* --- fixture and hand-built flows ----------------------------------------- */

extern struct config	*unit_cfg;

/* stats[] zeroed, default config, flow table, floor TLS 1.2. */
void	unit_setup(void);
void	unit_teardown(void);

#define UNIT_CLI_PORT	40000

/*
 * A flow not in the flow table, for driving reasm/mail/tls directly.  The
 * server port is the protocol's usual one (implicit or STARTTLS).
 */
struct conn *unit_flow(uint8_t proto, uint8_t fflags);
/* Frees every module's state and the flow; once the last live one is
 * gone, asserts that the accounted memory is back where it started. */
void	unit_flow_free(struct conn *);
/* Its two reassembly streams (the flow entry around it holds them). */
struct reasm_stream *unit_streams(struct conn *);
/* Feed a stage as reasm.c does: what it reports done is kept in the
 * stream flags (unit_done), and a done direction gets no more bytes. */
void	unit_mark(struct conn *, unsigned dirs);
bool	unit_done(const struct conn *, int dir);
void	unit_mail(struct conn *, int dir, const uint8_t *, size_t);
void	unit_mail_gap(struct conn *, int dir);
void	unit_tls(struct conn *, int dir, const uint8_t *, size_t);
void	unit_tls_gap(struct conn *, int dir);

void	unit_feed(struct conn *, int dir, const char *);
void	unit_feed_ub(struct conn *, int dir, const struct ub *);

/* One TCP segment into reasm_input(). */
void	unit_seg(struct conn *, int dir, uint32_t seq, uint32_t ack,
	    uint8_t flags, const uint8_t *, size_t);

/* --- dialogues (mail split sweeps) ----------------------------------------- */

struct unit_msg {
	int		 dir;
	const uint8_t	*p;
	size_t		 n;
};

/* What a dialogue left in the session, for comparing runs. */
struct unit_sum {
	uint8_t		 starttls;
	bool		 offered;
	bool		 plaintext_final;
	bool		 has_ch, has_sh;
	uint16_t	 ch_version, sh_version;
	uint32_t	 mail_lines;
	bool		 inspect_done[2];
	bool		 tls[2];
};

/*
 * Play msgs[] into a fresh flow, cutting message cut_msg in two at byte
 * cut_at (cut_msg < 0: no cut), and summarise the session.
 */
void	unit_dialogue(uint8_t proto, uint8_t fflags, const struct unit_msg *,
	    size_t nmsg, int cut_msg, size_t cut_at, struct unit_sum *);
/* The same, fed one byte at a time. */
void	unit_dialogue_bytewise(uint8_t proto, uint8_t fflags,
	    const struct unit_msg *, size_t nmsg, struct unit_sum *);
/* Every cut of every message gives the one-piece result. */
void	unit_split_sweep(uint8_t proto, uint8_t fflags,
	    const struct unit_msg *, size_t nmsg, struct unit_sum *whole);

/* --- events -------------------------------------------------------------- */

/* Send events to a temporary JSON file (call after unit_setup()). */
void	unit_out_open(void);
/* The same with these CONFIG_EV_* event types (unit_out_open: sessions). */
void	unit_out_open_ev(uint32_t events);
/* End every flow, close the file and return its events as a JSON array
 * (one element per line).  json_decref() it. */
json_t	*unit_out_events(void);
/* Dotted path into an object ("source.port"); NULL when absent. */
json_t	*unit_jget(json_t *, const char *path);
json_int_t unit_jint(json_t *, const char *path);
const char *unit_jstr(json_t *, const char *path);

#endif /* TLSFLOOR_UNIT_H */
