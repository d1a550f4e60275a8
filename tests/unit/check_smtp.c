/*
 * check_smtp.c -- smtp.c (through mail.c): STARTTLS (RFC 3207),
 * pipelining (RFC 2920), DATA, BDAT (RFC 3030), AUTH (RFC 4954).
 */
#include <stdlib.h>

#include "unit.h"

static struct conn	*f;
static struct ub	 ch;		/* TLS 1.0 ClientHello record */
static struct ub	 sh;		/* TLS 1.0 ServerHello record */

#define C(s)	unit_feed(f, DIR_C2S, (s))
#define S(s)	unit_feed(f, DIR_S2C, (s))

static const char	greeting[] = "220 mail.example.test ESMTP Postfix\r\n";
static const char	ehlo_reply[] =
	"250-mail.example.test\r\n"
	"250-PIPELINING\r\n"
	"250-SIZE 10240000\r\n"
	"250-STARTTLS\r\n"
	"250 CHUNKING\r\n";

static void
setup(void)
{
	unit_setup();
	ub_init(&ch);
	unit_hs_record(&ch, TLS_HS_CLIENT_HELLO, unit_ch10, unit_ch10_len);
	ub_init(&sh);
	unit_hs_record(&sh, TLS_HS_SERVER_HELLO, unit_sh10, unit_sh10_len);
	f = unit_flow(PROTO_SMTP, 0);
}

static void
teardown(void)
{
	if (f != NULL)
		unit_flow_free(f);
	f = NULL;
	ub_free(&ch);
	ub_free(&sh);
	unit_teardown();
}

static void
judge(enum outcome oc, enum reason rs)
{
	struct verdict	v;

	verdict_judge(f, &v);
	ck_assert_msg(v.outcome == oc, "outcome %s, expected %s",
	    session_outcome_name(v.outcome), session_outcome_name(oc));
	ck_assert_msg(v.reason == rs, "reason %s, expected %s",
	    session_reason_name(v.reason), session_reason_name(rs));
}

/* Greeting and EHLO exchange. */
static void
hello(void)
{
	S(greeting);
	C("EHLO client.example.test\r\n");
	S(ehlo_reply);
	ck_assert(f->sess.starttls_offered);
}

/* --- STARTTLS ---------------------------------------------------------------------- */

START_TEST(test_starttls_accepted)
{
	hello();
	C("STARTTLS\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("220 2.0.0 Ready to start TLS\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
	unit_feed_ub(f, DIR_C2S, &ch);
	ck_assert_ptr_nonnull(f->sess.ch);
	ck_assert_uint_eq(f->sess.ch->legacy_version, TLS_V_1_0);
	unit_feed_ub(f, DIR_S2C, &sh);
	ck_assert_ptr_nonnull(f->sess.sh);
	/* Greeting, EHLO, its final 250, STARTTLS, 220. */
	ck_assert_uint_eq(f->sess.mail_lines, 5);
	judge(OC_ESTABLISHED, RS_LEGACY_CLIENT);
}
END_TEST

START_TEST(test_starttls_refused_454)
{
	hello();
	C("STARTTLS\r\n");
	S("454 4.7.0 TLS not available due to local problem\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_REFUSED);
	ck_assert_uint_eq(stats[STAT_MAIL_STARTTLS_NO], 1);
	C("MAIL FROM:<a@example.test>\r\n");	/* plaintext goes on */
	ck_assert_ptr_null(f->sess.ch);
	ck_assert(!f->sess.tls[DIR_C2S]);
	judge(OC_STARTTLS_REFUSED, RS_PLAINTEXT);
}
END_TEST

START_TEST(test_starttls_refused_5xx)
{
	hello();
	C("STARTTLS\r\n");
	S("502 5.5.1 command not implemented\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_REFUSED);
}
END_TEST

START_TEST(test_starttls_only_220_accepts)
{
	/* RFC 3207 4: 220 is the only yes; a 250 is no TLS. */
	hello();
	C("STARTTLS\r\n");
	S("250 2.0.0 Ok\r\n");
	ck_assert_uint_ne(f->sess.starttls, STARTTLS_ACCEPTED);
	unit_feed_ub(f, DIR_C2S, &ch);
	ck_assert_ptr_null(f->sess.ch);
}
END_TEST

START_TEST(test_multiline_220)
{
	hello();
	C("STARTTLS\r\n");
	S("220-go ahead\r\n");			/* not final yet */
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("220 go ahead\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_greeting_220_not_the_reply)
{
	/* A client that sends STARTTLS before the greeting: the 220
	 * greeting answers nothing of it. */
	C("STARTTLS\r\n");
	S(greeting);
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("454 4.7.0 not now\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_REFUSED);
}
END_TEST

START_TEST(test_missed_greeting)
{
	/* The capture lost the greeting: the first reply is a 250, which
	 * cannot be one, so it answers EHLO. */
	C("EHLO x\r\nSTARTTLS\r\n");
	S("250 mail.example.test\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("220 Ready\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_midstream)
{
	f->fflags |= FLOW_F_MIDSTREAM;
	C("STARTTLS\r\n");
	S("220 Ready\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_case_insensitive)
{
	S(greeting);
	C("ehlo x\r\n");
	S(ehlo_reply);
	C("staRttLs\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("220 go\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_client_hello_held_until_reply)
{
	struct ub	b;

	hello();
	ub_init(&b);
	ub_str(&b, "STARTTLS\r\n");
	ub_mem(&b, ch.p, ch.n);
	unit_feed_ub(f, DIR_C2S, &b);
	ck_assert_ptr_null(f->sess.ch);
	ck_assert(!f->sess.tls[DIR_C2S]);
	S("220 go\r\n");
	ck_assert_ptr_nonnull(f->sess.ch);
	ck_assert_uint_eq(f->sess.ch->legacy_version, TLS_V_1_0);
	ub_free(&b);
}
END_TEST

START_TEST(test_reply_and_hello_in_one_segment)
{
	struct ub	b;

	/* The server's 220 and its ServerHello in one delivery (a server
	 * that does not wait for the client's hello is broken, but the
	 * bytes after the 220 are TLS all the same). */
	hello();
	C("STARTTLS\r\n");
	unit_feed_ub(f, DIR_C2S, &ch);		/* held */
	ub_init(&b);
	ub_str(&b, "220 go\r\n");
	ub_mem(&b, sh.p, sh.n);
	unit_feed_ub(f, DIR_S2C, &b);
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
	ck_assert_ptr_nonnull(f->sess.ch);
	ck_assert_ptr_nonnull(f->sess.sh);
	ub_free(&b);
}
END_TEST

/* --- pipelining ---------------------------------------------------------------------- */

START_TEST(test_pipelined_rset_starttls)
{
	hello();
	C("RSET\r\nSTARTTLS\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("250 2.0.0 Ok\r\n");			/* answers RSET */
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("220 2.0.0 Ready to start TLS\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_pipelined_replies_in_one_segment)
{
	hello();
	C("RSET\r\nSTARTTLS\r\n");
	S("250 2.0.0 Ok\r\n454 4.7.0 no\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_REFUSED);
}
END_TEST

START_TEST(test_rset_refused_not_starttls)
{
	hello();
	C("RSET\r\nSTARTTLS\r\n");
	S("500 5.5.2 what?\r\n");		/* RSET's reply, not ours */
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("220 go\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_pipeline_full)
{
	int	i;

	S(greeting);
	for (i = 0; i < MAIL_MAX_PENDING_CMDS + 2; i++)
		C("NOOP\r\n");
	ck_assert_uint_eq(stats[STAT_MAIL_QUEUE_FULL], 2);
}
END_TEST

/* --- message content ------------------------------------------------------------------- */

START_TEST(test_data_body_ignored)
{
	hello();
	C("MAIL FROM:<a@example.test>\r\n");
	S("250 2.1.0 Ok\r\n");
	C("RCPT TO:<b@example.test>\r\n");
	S("250 2.1.5 Ok\r\n");
	C("DATA\r\n");
	S("354 End data with <CR><LF>.<CR><LF>\r\n");
	/* Content that reads like commands and replies. */
	C("Subject: test\r\n\r\nSTARTTLS\r\n220 ready\r\n..\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_NONE);
	C(".\r\n");
	S("250 2.0.0 Ok: queued as 12345\r\n");
	ck_assert_uint_eq(stats[STAT_MAIL_STARTTLS], 0);
	/* The dialogue is back in step: a real STARTTLS now. */
	C("STARTTLS\r\n");
	S("220 go\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_data_refused_no_body)
{
	hello();
	C("DATA\r\n");
	S("554 5.5.1 no valid recipients\r\n");
	C("STARTTLS\r\n");			/* a command, not content */
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("220 go\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_bdat_chunk_skipped)
{
	/* 30 bytes of chunk that look like a dialogue. */
	static const char	chunk[] = "STARTTLS\r\n220 ready\r\nQUIT\r\n.\r\n";

	ck_assert_uint_eq(sizeof(chunk) - 1, 30);
	hello();
	C("MAIL FROM:<a@example.test>\r\n");
	C("RCPT TO:<b@example.test>\r\n");
	C("BDAT 30 LAST\r\n");
	C(chunk);
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_NONE);
	ck_assert_uint_eq(stats[STAT_MAIL_STARTTLS], 0);
	S("250 Ok\r\n250 Ok\r\n250 Ok 30 octets\r\n");
	C("STARTTLS\r\n");
	S("220 go\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_bdat_chunk_split)
{
	hello();
	C("BDAT 30 LAST\r\nSTARTTLS\r\n220 ");
	C("ready\r\nQUIT\r\n.\r");
	C("\nSTARTTLS\r\n");			/* the first byte after it */
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("250 Ok 30 octets\r\n");
	S("220 go\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_bdat_bad_size)
{
	hello();
	/* Not a number, or past 2^32: no chunk is skipped. */
	C("BDAT x LAST\r\nBDAT 99999999999\r\nSTARTTLS\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
}
END_TEST

/* --- AUTH ------------------------------------------------------------------------------- */

START_TEST(test_auth_sasl_lines)
{
	hello();
	C("AUTH LOGIN\r\n");
	S("334 VXNlcm5hbWU6\r\n");
	C("STARTTLS\r\n");			/* SASL data, not a command */
	S("334 UGFzc3dvcmQ6\r\n");
	C("c2VjcmV0\r\n");
	S("235 2.7.0 Authentication successful\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_NONE);
	ck_assert_uint_eq(stats[STAT_MAIL_STARTTLS], 0);
	C("STARTTLS\r\n");			/* a command again */
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
}
END_TEST

START_TEST(test_auth_failed)
{
	hello();
	C("AUTH PLAIN AGJvYgBiYWQ=\r\n");
	S("535 5.7.8 Authentication credentials invalid\r\n");
	C("STARTTLS\r\n");
	S("220 go\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_plaintext_session)
{
	hello();
	C("MAIL FROM:<a@example.test>\r\n");
	S("250 Ok\r\n");
	C("QUIT\r\n");
	S("221 Bye\r\n");
	judge(OC_PLAINTEXT, RS_PLAINTEXT);
}
END_TEST

/* --- split sweep ------------------------------------------------------------------------- */

START_TEST(test_split_sweep_accepted)
{
	static const char	c1[] = "EHLO client.example.test\r\n";
	static const char	c2[] = "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n"
	    "DATA\r\n";
	static const char	s2[] = "250 Ok\r\n250 Ok\r\n354 go\r\n";
	static const char	c3[] = "STARTTLS\r\n220 x\r\n.\r\n"
	    "BDAT 10\r\nSTARTTLS\r\nRSET\r\nSTARTTLS\r\n";
	static const char	s3[] = "250 queued\r\n250 10 octets\r\n"
	    "250 Ok\r\n220 Ready\r\n";
	struct unit_msg		m[] = {
		{ DIR_S2C, (const uint8_t *)greeting, sizeof(greeting) - 1 },
		{ DIR_C2S, (const uint8_t *)c1, sizeof(c1) - 1 },
		{ DIR_S2C, (const uint8_t *)ehlo_reply,
		    sizeof(ehlo_reply) - 1 },
		{ DIR_C2S, (const uint8_t *)c2, sizeof(c2) - 1 },
		{ DIR_S2C, (const uint8_t *)s2, sizeof(s2) - 1 },
		{ DIR_C2S, (const uint8_t *)c3, sizeof(c3) - 1 },
		{ DIR_S2C, (const uint8_t *)s3, sizeof(s3) - 1 },
		{ DIR_C2S, ch.p, ch.n },
		{ DIR_S2C, sh.p, sh.n },
	};
	struct unit_sum		whole;

	unit_flow_free(f);
	f = NULL;
	unit_split_sweep(PROTO_SMTP, 0, m, sizeof(m) / sizeof(m[0]), &whole);
	ck_assert_uint_eq(whole.starttls, STARTTLS_ACCEPTED);
	ck_assert(whole.offered);
	ck_assert(whole.has_ch);
	ck_assert_uint_eq(whole.ch_version, TLS_V_1_0);
	ck_assert(whole.has_sh);
}
END_TEST

/* --- credentials in the clear, what each side said ---------------------------- */

/* "\0alice\0secret" and "alice" / "secret" in base64 */
#define B64_PLAIN	"AGFsaWNlAHNlY3JldA=="
#define B64_ALICE	"YWxpY2U="
#define B64_SECRET	"c2VjcmV0"

static const char	ehlo_auth_reply[] =
	"250-mail.example.test\r\n"
	"250-AUTH PLAIN LOGIN CRAM-MD5\r\n"
	"250-AUTH=PLAIN LOGIN\r\n"
	"250 8BITMIME\r\n";

START_TEST(test_cred_auth_plain_initial)
{
	S(greeting);
	C("EHLO client.example.test\r\n");
	S(ehlo_auth_reply);
	C("AUTH PLAIN " B64_PLAIN "\r\n");
	ck_assert_uint_eq(f->sess.cleartext, CT_SASL_PLAIN);
	ck_assert_str_eq(session_cleartext_name(f), "AUTH PLAIN");
	S("235 2.7.0 ok\r\n");
	judge(OC_PLAINTEXT, RS_CLEARTEXT_CREDENTIALS);
	ck_assert_str_eq(f->sess.info->mechs, "PLAIN LOGIN CRAM-MD5");
	ck_assert_uint_eq(f->sess.info->helo_len, 19);
	ck_assert_mem_eq(f->sess.info->helo, "client.example.test", 19);
	ck_assert_uint_eq(f->sess.info->banner_len, sizeof(greeting) - 3);
	ck_assert_mem_eq(f->sess.info->banner, greeting, sizeof(greeting) - 3);
	ck_assert(!f->sess.info->user_seen);	/* privacy.log_user off */
	ck_assert_uint_eq(stats[STAT_MAIL_CLEARTEXT_CREDENTIALS], 1);
}
END_TEST

START_TEST(test_cred_auth_login_steps)
{
	unit_cfg->log_user = true;
	hello();
	C("AUTH LOGIN\r\n");
	S("334 VXNlcm5hbWU6\r\n");
	C(B64_ALICE "\r\n");
	/* the user name alone is no password yet */
	ck_assert_uint_eq(f->sess.cleartext, CT_NONE);
	S("334 UGFzc3dvcmQ6\r\n");
	C(B64_SECRET "\r\n");
	ck_assert_uint_eq(f->sess.cleartext, CT_SASL_LOGIN);
	ck_assert_str_eq(session_cleartext_name(f), "AUTH LOGIN");
	ck_assert(f->sess.info->user_seen);
	ck_assert_uint_eq(f->sess.info->user_len, 5);
	ck_assert_mem_eq(f->sess.info->user, "alice", 5);
}
END_TEST

START_TEST(test_cred_plain_user_logged)
{
	unit_cfg->log_user = true;
	hello();
	C("AUTH PLAIN\r\n");
	S("334 \r\n");
	C(B64_PLAIN "\r\n");
	ck_assert_uint_eq(f->sess.cleartext, CT_SASL_PLAIN);
	ck_assert_uint_eq(f->sess.info->user_len, 5);
	ck_assert_mem_eq(f->sess.info->user, "alice", 5);
}
END_TEST

START_TEST(test_cred_cancelled_and_cram)
{
	hello();
	C("AUTH PLAIN\r\n");
	S("334 \r\n");
	C("*\r\n");				/* cancelled: nothing sent */
	S("501 5.7.0 cancelled\r\n");
	C("AUTH CRAM-MD5\r\n");
	S("334 PDEyMzQ1QGV4YW1wbGU+\r\n");
	C("YWxpY2UgYjkxM2E2MDJjN2VkYTdhNDk1YjRlNmU3MzM0ZDM4OTA=\r\n");
	S("235 ok\r\n");
	ck_assert_uint_eq(f->sess.cleartext, CT_NONE);
	judge(OC_PLAINTEXT, RS_PLAINTEXT);
}
END_TEST

START_TEST(test_cred_after_starttls_not_seen)
{
	hello();
	C("STARTTLS\r\n");
	S("220 go\r\n");
	unit_feed_ub(f, DIR_C2S, &ch);
	unit_feed_ub(f, DIR_S2C, &sh);
	C("AUTH PLAIN " B64_PLAIN "\r\n");	/* inside TLS: not lines */
	ck_assert_uint_eq(f->sess.cleartext, CT_NONE);
}
END_TEST

START_TEST(test_cred_refused_starttls_then_auth)
{
	hello();
	C("STARTTLS\r\n");
	S("454 4.7.0 TLS not available\r\n");
	C("AUTH PLAIN " B64_PLAIN "\r\n");
	S("235 ok\r\n");
	judge(OC_STARTTLS_REFUSED, RS_CLEARTEXT_CREDENTIALS);
}
END_TEST

START_TEST(test_cred_then_tls_still_flagged)
{
	/* Sent before TLS, then TLS 1.2-or-better: still the worst. */
	hello();
	C("AUTH PLAIN " B64_PLAIN "\r\n");
	S("535 5.7.8 no\r\n");
	C("STARTTLS\r\n");
	S("220 go\r\n");
	unit_feed_ub(f, DIR_C2S, &ch);
	unit_feed_ub(f, DIR_S2C, &sh);
	judge(OC_ESTABLISHED, RS_CLEARTEXT_CREDENTIALS);
}
END_TEST

START_TEST(test_helo_first_kept_and_cut)
{
	char	name[300];

	memset(name, 'h', sizeof(name));
	memcpy(name, "HELO ", 5);
	memcpy(name + sizeof(name) - 3, "\r\n", 3);
	S(greeting);
	C(name);
	S("250 ok\r\n");
	C("EHLO second.example.test\r\n");
	ck_assert_uint_eq(f->sess.info->helo_len, MAIL_MAX_HELO);
	ck_assert_uint_eq(f->sess.info->helo[0], 'h');
}
END_TEST

Suite *
smtp_suite(void)
{
	Suite	*s = suite_create("smtp");
	TCase	*tc;

	tc = tcase_create("starttls");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_starttls_accepted);
	tcase_add_test(tc, test_starttls_refused_454);
	tcase_add_test(tc, test_starttls_refused_5xx);
	tcase_add_test(tc, test_starttls_only_220_accepts);
	tcase_add_test(tc, test_multiline_220);
	tcase_add_test(tc, test_greeting_220_not_the_reply);
	tcase_add_test(tc, test_missed_greeting);
	tcase_add_test(tc, test_midstream);
	tcase_add_test(tc, test_case_insensitive);
	tcase_add_test(tc, test_client_hello_held_until_reply);
	tcase_add_test(tc, test_reply_and_hello_in_one_segment);
	suite_add_tcase(s, tc);

	tc = tcase_create("pipelining");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_pipelined_rset_starttls);
	tcase_add_test(tc, test_pipelined_replies_in_one_segment);
	tcase_add_test(tc, test_rset_refused_not_starttls);
	tcase_add_test(tc, test_pipeline_full);
	suite_add_tcase(s, tc);

	tc = tcase_create("content");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_data_body_ignored);
	tcase_add_test(tc, test_data_refused_no_body);
	tcase_add_test(tc, test_bdat_chunk_skipped);
	tcase_add_test(tc, test_bdat_chunk_split);
	tcase_add_test(tc, test_bdat_bad_size);
	suite_add_tcase(s, tc);

	tc = tcase_create("auth");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_auth_sasl_lines);
	tcase_add_test(tc, test_auth_failed);
	tcase_add_test(tc, test_plaintext_session);
	suite_add_tcase(s, tc);

	tc = tcase_create("split_sweep");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_split_sweep_accepted);
	suite_add_tcase(s, tc);

	tc = tcase_create("credentials");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_cred_auth_plain_initial);
	tcase_add_test(tc, test_cred_auth_login_steps);
	tcase_add_test(tc, test_cred_plain_user_logged);
	tcase_add_test(tc, test_cred_cancelled_and_cram);
	tcase_add_test(tc, test_cred_after_starttls_not_seen);
	tcase_add_test(tc, test_cred_refused_starttls_then_auth);
	tcase_add_test(tc, test_cred_then_tls_still_flagged);
	tcase_add_test(tc, test_helo_first_kept_and_cut);
	suite_add_tcase(s, tc);

	return s;
}
