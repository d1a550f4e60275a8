/*
 * fuzz_tls.c -- the TLS stage.
 *
 * Input: sel(1), then
 *   sel < 0x40   the rest is one handshake body handed to all four hello
 *                parsers (tls_parse_client_hello, tls_parse_server_hello
 *                and the SSLv2 pair); what they fill must stay within its
 *                fixed-size fields, and the version helpers run over it.
 *                When fingerprint.h is there, JA3, JA3S and JA4 are made
 *                of every hello parsed, into buffers of exactly FP_STR_MAX
 *                bytes (sel 0) or of sel bytes (the too-short path).
 *   sel >= 0x40  the stream layer: chunks as in fuzz.h (hdr(1): bit 0
 *                direction, bit 1 gap before; len(1); bytes) through
 *                tls_input() / tls_gap() on an implicit-TLS flow;
 *                sel bit 0: picked up mid-session; bit 1: a flow on no
 *                mail port (scope all_tls: the late-TLS scan), else IMAP
 *                993.  Oracle (implicit mail ports only, where framing
 *                does not depend on delivery boundaries): the same chunks
 *                fed one byte at a time leave the same session behind
 *                (FUZZ_NO_SPLIT=1 turns it off).
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "flow.h"
#include "fuzz.h"
#include "caps.h"
#include "tls.h"
#if defined(__has_include)
#if __has_include("fingerprint.h")
#include "fingerprint.h"
#define HAVE_FINGERPRINT 1
#endif
#endif

static bool	split_oracle;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setup_inventory(true);
	split_oracle = !fuzz_env("FUZZ_NO_SPLIT");
	return 0;
}

#ifdef HAVE_FINGERPRINT
static size_t	fp_len;		/* fingerprint string buffer size */

/* A buffer of exactly n bytes, so ASan sees a write past it. */
static void
fingerprints(const struct tls_client_hello *ch,
    const struct tls_server_hello *sh)
{
	char	*str = malloc(fp_len), md5[FP_MD5_HEX], ja4[FP_JA4_MAX];

	if (str == NULL)
		fuzz_fail("malloc");
	if (ch != NULL) {
		if (fp_ja3(ch, str, fp_len, md5) &&
		    (strnlen(str, fp_len) == fp_len || strlen(md5) != 32))
			fuzz_fail("JA3 string or hash not terminated");
		if (fp_ja4(ch, ja4, str, fp_len) &&
		    (strnlen(str, fp_len) == fp_len ||
		    strnlen(ja4, FP_JA4_MAX) == FP_JA4_MAX))
			fuzz_fail("JA4 string not terminated");
	}
	if (sh != NULL && fp_ja3s(sh, str, fp_len, md5) &&
	    (strnlen(str, fp_len) == fp_len || strlen(md5) != 32))
		fuzz_fail("JA3S string or hash not terminated");
	free(str);
}
#else
static void
fingerprints(const struct tls_client_hello *ch,
    const struct tls_server_hello *sh)
{
	(void)ch;
	(void)sh;
}
#endif

static void
check_ch(const struct tls_client_hello *ch)
{
	const char	*n;

	if (ch->nversions > TLS_MAX_VERSIONS || ch->nexts > TLS_MAX_EXTS ||
	    ch->ngroups > TLS_MAX_GROUPS || ch->nsigalgs > TLS_MAX_SIGALGS ||
	    ch->npointfmts > sizeof(ch->pointfmts) ||
	    ch->nciphers > TLS_MAX_CIPHERS || ch->sni_len > TLS_MAX_SNI ||
	    ch->alpn_len > TLS_MAX_ALPN)
		fuzz_fail("a ClientHello list count is over its cap");
	n = tls_version_name(tls_client_max_version(ch));
	(void)n;
	fingerprints(ch, NULL);
}

static void
check_sh(const struct tls_server_hello *sh)
{
	if (sh->nexts > TLS_MAX_EXTS)
		fuzz_fail("a ServerHello list count is over its cap");
	(void)tls_version_name(tls_server_version(sh));
	fingerprints(NULL, sh);
}

static void
parsers(const uint8_t *data, size_t size)
{
	struct tls_client_hello	*ch = malloc(sizeof(*ch));
	struct tls_server_hello	*sh = malloc(sizeof(*sh));
	uint8_t			*copy = malloc(size ? size : 1);

	if (ch == NULL || sh == NULL || copy == NULL)
		fuzz_fail("malloc");
	/* Exactly size bytes, so ASan sees a read past them. */
	memcpy(copy, data, size);
	if (tls_parse_client_hello(copy, size, ch) == TLS_OK)
		check_ch(ch);
	if (tls_parse_server_hello(copy, size, sh) == TLS_OK)
		check_sh(sh);
	if (tls_parse_sslv2_client_hello(copy, size, ch) == TLS_OK)
		check_ch(ch);
	if (tls_parse_sslv2_server_hello(copy, size, sh) == TLS_OK)
		check_sh(sh);
	if (size >= 2) {
		uint16_t v = (uint16_t)(copy[0] << 8 | copy[1]);

		(void)tls_is_grease(v);
		(void)tls_version_name(v);
		(void)tls_alert_name(copy[0]);
	}
	free(copy);
	free(ch);
	free(sh);
}

static void
run(const uint8_t *data, size_t size, uint8_t sel, bool bytewise,
    struct fuzz_sum *sum)
{
	struct conn	*f;
	uint8_t		 fflags = FLOW_F_IMPLICIT;

	if (sel & 1)
		fflags |= FLOW_F_MIDSTREAM;
	f = fuzz_flow((sel & 2) ? PROTO_TLS : PROTO_IMAP, fflags);
	fuzz_play(f, data, size, bytewise, fuzz_tls_input, fuzz_tls_gap);
	fuzz_summarise(f, sum);
	fuzz_flow_end(f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_sum	 whole, bytes;
	const char	*diff;
	uint8_t		 sel;

	if (size < 1)
		return 0;
	sel = data[0];
	if (sel < 0x40) {
#ifdef HAVE_FINGERPRINT
		fp_len = sel == 0 ? FP_STR_MAX : sel;
#endif
		parsers(data + 1, size - 1);
		return 0;
	}
	run(data + 1, size - 1, sel, false, &whole);
	fuzz_inventory_tick(1767225600000000ULL);
	if (!split_oracle || (sel & 2))
		return 0;
	run(data + 1, size - 1, sel, true, &bytes);
	if ((diff = fuzz_sum_diff(&whole, &bytes)) != NULL) {
		fuzz_sum_print("whole", &whole);
		fuzz_sum_print("bytes", &bytes);
		fuzz_fail("fed whole and fed byte by byte, the sessions "
		    "differ in %s", diff);
	}
	return 0;
}
