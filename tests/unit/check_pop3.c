/*
 * check_pop3.c -- pop3.c (through mail.c): STLS (RFC 2595 4), CAPA and
 * other multi-line replies (RFC 1939, RFC 2449), login, SASL (RFC 5034).
 *
 * A POP3 flow on port 110, seen from its SYN, is fed dialogue lines with
 * mail_input(); after a positive STLS reply the client's ClientHello (a TLS
 * 1.0 one, so the verdict has something to say) must reach tls.c.
 */
#include <stdlib.h>

#include "unit.h"

static struct conn	*f;
static struct ub	 ch;		/* TLS 1.0 ClientHello record */
static struct ub	 sh;		/* TLS 1.0 ServerHello record */

#define C(s)	unit_feed(f, DIR_C2S, (s))
#define S(s)	unit_feed(f, DIR_S2C, (s))

static const char	greeting[] = "+OK POP3 server ready <1896.697@x>\r\n";
static const char	capa_reply[] =
	"+OK Capability list follows\r\n"
	"USER\r\n"
	"STLS\r\n"
	"SASL PLAIN\r\n"
	".\r\n";

static void
setup(void)
{
	unit_setup();
	ub_init(&ch);
	unit_hs_record(&ch, TLS_HS_CLIENT_HELLO, unit_ch10, unit_ch10_len);
	ub_init(&sh);
	unit_hs_record(&sh, TLS_HS_SERVER_HELLO, unit_sh10, unit_sh10_len);
	f = unit_flow(PROTO_POP3, 0);
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

/* --- STLS ---------------------------------------------------------------------- */

START_TEST(test_stls_accepted)
{
	S(greeting);
	C("CAPA\r\n");
	S(capa_reply);
	ck_assert(f->sess.starttls_offered);
	C("STLS\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("+OK Begin TLS negotiation now\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
	unit_feed_ub(f, DIR_C2S, &ch);
	ck_assert_ptr_nonnull(f->sess.ch);
	ck_assert_uint_eq(f->sess.ch->legacy_version, TLS_V_1_0);
	unit_feed_ub(f, DIR_S2C, &sh);
	ck_assert_ptr_nonnull(f->sess.sh);
	ck_assert(f->sess.tls[DIR_C2S] && f->sess.tls[DIR_S2C]);
	ck_assert_uint_eq(stats[STAT_MAIL_STARTTLS], 1);
	ck_assert_uint_eq(stats[STAT_MAIL_STARTTLS_OK], 1);
	/* Greeting, CAPA, its +OK (not the body), STLS, its +OK. */
	ck_assert_uint_eq(f->sess.mail_lines, 5);
	judge(OC_ESTABLISHED, RS_LEGACY_CLIENT);
}
END_TEST

START_TEST(test_stls_refused)
{
	S(greeting);
	C("STLS\r\n");
	S("-ERR TLS not available\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_REFUSED);
	ck_assert_uint_eq(stats[STAT_MAIL_STARTTLS_NO], 1);
	C("USER bob\r\n");			/* plaintext goes on */
	ck_assert_uint_eq(f->sess.mail_lines, 4);
	ck_assert_ptr_null(f->sess.ch);
	ck_assert(!f->sess.tls[DIR_C2S] && !f->sess.tls[DIR_S2C]);
	judge(OC_STARTTLS_REFUSED, RS_PLAINTEXT);
}
END_TEST

START_TEST(test_stls_refused_replays_held)
{
	S(greeting);
	/* USER was sent with STLS, before the answer: held, then (the
	 * answer being no) parsed as the plaintext it is. */
	C("STLS\r\nUSER bob\r\n");
	S("-ERR not now\r\n");
	C("PASS secret\r\n");
	S("+OK\r\n");				/* answers USER */
	ck_assert(!f->sess.plaintext_final);
	S("+OK logged in\r\n");			/* answers PASS */
	ck_assert(f->sess.plaintext_final);
}
END_TEST

START_TEST(test_client_hello_held_until_reply)
{
	struct ub	b;

	S(greeting);
	ub_init(&b);
	ub_str(&b, "STLS\r\n");
	ub_mem(&b, ch.p, ch.n);			/* hello without waiting */
	unit_feed_ub(f, DIR_C2S, &b);
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	ck_assert_ptr_null(f->sess.ch);
	ck_assert(!f->sess.tls[DIR_C2S]);
	S("+OK\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
	ck_assert_ptr_nonnull(f->sess.ch);
	ck_assert_uint_eq(f->sess.ch->legacy_version, TLS_V_1_0);
	ub_free(&b);
}
END_TEST

START_TEST(test_client_hello_held_then_refused)
{
	struct ub	b;

	S(greeting);
	ub_init(&b);
	ub_str(&b, "STLS\r\n");
	ub_mem(&b, ch.p, ch.n);
	unit_feed_ub(f, DIR_C2S, &b);
	S("-ERR\r\n");
	/* Refused: the held bytes were never TLS for this session. */
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_REFUSED);
	ck_assert_ptr_null(f->sess.ch);
	ck_assert(!f->sess.tls[DIR_C2S]);
	judge(OC_STARTTLS_REFUSED, RS_PLAINTEXT);
	ub_free(&b);
}
END_TEST

START_TEST(test_gap_in_held_hello)
{
	struct ub	b;

	S(greeting);
	ub_init(&b);
	ub_str(&b, "STLS\r\n");
	ub_mem(&b, ch.p, 20);			/* headers + legacy_version */
	unit_feed_ub(f, DIR_C2S, &b);
	unit_mail_gap(f, DIR_C2S);			/* capture lost some bytes */
	unit_mail(f, DIR_C2S, ch.p + 30, ch.n - 30);
	S("+OK\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
	ck_assert(f->sess.hello_gap[DIR_C2S]);
	/* What came before the hole still names a TLS 1.0 client. */
	ck_assert_ptr_nonnull(f->sess.ch);
	ck_assert(f->sess.ch->partial);
	ck_assert_uint_eq(f->sess.ch->legacy_version, TLS_V_1_0);
	judge(OC_GAP, RS_LEGACY_CLIENT);
	ub_free(&b);
}
END_TEST

/* --- multi-line replies ------------------------------------------------------------- */

START_TEST(test_capa_body_not_a_reply)
{
	S(greeting);
	C("CAPA\r\nSTLS\r\n");			/* pipelined (RFC 2449 6.6) */
	/* Body lines that look like status lines answer nothing. */
	S("+OK Capability list follows\r\n+OK\r\nSTLS\r\n-ERR\r\n.\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	ck_assert(f->sess.starttls_offered);
	S("+OK begin TLS\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_capa_refused_no_body)
{
	S(greeting);
	C("CAPA\r\nSTLS\r\n");
	S("-ERR unknown command\r\n");		/* no body follows */
	S("+OK\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
	ck_assert(!f->sess.starttls_offered);
}
END_TEST

START_TEST(test_list_body)
{
	S(greeting);
	C("LIST\r\nSTLS\r\n");
	S("+OK 2 messages\r\n1 120\r\n+OK\r\n2 200\r\n.\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("+OK\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_list_with_argument_single_line)
{
	S(greeting);
	C("LIST 1\r\nSTLS\r\n");
	S("+OK 1 120\r\n");			/* one line, no body */
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("+OK go\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_retr_body)
{
	S(greeting);
	C("RETR 1\r\nSTLS\r\n");
	S("+OK 30 octets\r\nSubject: hi\r\n\r\n+OK\r\n-ERR\r\n..\r\n.\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("-ERR no\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_REFUSED);
}
END_TEST

START_TEST(test_auth_mechanism_list)
{
	S(greeting);
	C("AUTH\r\nSTLS\r\n");			/* AUTH alone lists them */
	S("+OK\r\nPLAIN\r\n+OK\r\n.\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("+OK\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

/* --- commands ----------------------------------------------------------------------- */

START_TEST(test_case_insensitive)
{
	S(greeting);
	C("capa\r\n");
	S(capa_reply);
	C("sTlS\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("+OK\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_not_stls)
{
	S(greeting);
	C("STLSX\r\nXSTLS\r\n STLS x\r\n");	/* the last one is STLS */
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("-ERR\r\n-ERR\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("+OK\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_midstream_no_greeting)
{
	f->fflags |= FLOW_F_MIDSTREAM;
	C("STLS\r\n");
	S("+OK\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_greeting_not_the_reply)
{
	/* A client that does not wait for the greeting. */
	C("STLS\r\n");
	S(greeting);
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("-ERR\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_REFUSED);
}
END_TEST

START_TEST(test_pipeline_full)
{
	int	i;

	S(greeting);
	for (i = 0; i < MAIL_MAX_PENDING_CMDS + 3; i++)
		C("NOOP\r\n");
	ck_assert_uint_eq(stats[STAT_MAIL_QUEUE_FULL], 3);
}
END_TEST

/* --- login ends the inspection ----------------------------------------------------------- */

START_TEST(test_pass_ok_final)
{
	S(greeting);
	C("USER bob\r\n");
	S("+OK\r\n");
	C("PASS secret\r\n");
	ck_assert(!f->sess.plaintext_final);
	S("+OK maildrop locked and ready\r\n");
	ck_assert(f->sess.plaintext_final);
	ck_assert(unit_done(f, DIR_C2S));
	ck_assert(unit_done(f, DIR_S2C));
	/* Nothing is looked at any more. */
	C("STLS\r\n");
	S("+OK\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_NONE);
	ck_assert_uint_eq(stats[STAT_MAIL_STARTTLS], 0);
	/* USER/PASS before any TLS: the password went in the clear */
	judge(OC_PLAINTEXT, RS_CLEARTEXT_CREDENTIALS);
}
END_TEST

START_TEST(test_pass_err_not_final)
{
	S(greeting);
	C("USER bob\r\n");
	S("+OK\r\n");
	C("PASS wrong\r\n");
	S("-ERR invalid password\r\n");
	ck_assert(!f->sess.plaintext_final);
	C("STLS\r\n");
	S("+OK\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_apop_ok_final)
{
	S(greeting);
	C("APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n");
	S("+OK maildrop has 1 message\r\n");
	ck_assert(f->sess.plaintext_final);
}
END_TEST

START_TEST(test_auth_sasl_final)
{
	S(greeting);
	C("AUTH PLAIN\r\n");
	S("+ \r\n");				/* challenge, not a status */
	ck_assert(!f->sess.plaintext_final);
	C("STLS\r\n");				/* SASL data, not a command */
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_NONE);
	S("+OK authenticated\r\n");
	ck_assert(f->sess.plaintext_final);
	ck_assert_uint_eq(stats[STAT_MAIL_STARTTLS], 0);
}
END_TEST

START_TEST(test_auth_sasl_failed)
{
	S(greeting);
	C("AUTH PLAIN\r\n");
	S("+ \r\n");
	C("AGJvYgBiYWQ=\r\n");
	S("-ERR authentication failed\r\n");
	ck_assert(!f->sess.plaintext_final);
	C("STLS\r\n");				/* a command again */
	S("+OK\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_plain_depth)
{
	int	i;

	unit_cfg->plain_depth = 100;
	S(greeting);
	for (i = 0; i < 20 && !f->sess.plaintext_final; i++)
		C("NOOP\r\n");
	ck_assert(f->sess.plaintext_final);
	ck_assert_uint_eq(stats[STAT_MAIL_PLAIN_DEPTH], 1);
	ck_assert_int_eq(i, 17);		/* 17 * 6 > 100 */
}
END_TEST

START_TEST(test_gap_resyncs_lines)
{
	S(greeting);
	C("US");
	unit_mail_gap(f, DIR_C2S);
	/* "ER bob" is the tail of a line whose start was lost. */
	C("ER bob\r\nSTLS\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("+OK\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

/*
 * A client that opens with a ClientHello on the STARTTLS port is speaking
 * implicit TLS there (mail.c's header); how TCP cut its first bytes must
 * not matter.
 */
START_TEST(test_hello_on_stls_port)
{
	unit_feed_ub(f, DIR_C2S, &ch);
	ck_assert_ptr_nonnull(f->sess.ch);
	ck_assert_uint_eq(f->sess.ch->legacy_version, TLS_V_1_0);
}
END_TEST

START_TEST(test_hello_on_stls_port_first_byte_alone)
{
	unit_mail(f, DIR_C2S, ch.p, 1);
	unit_mail(f, DIR_C2S, ch.p + 1, ch.n - 1);
	ck_assert_msg(f->sess.ch != NULL,
	    "ClientHello whose first byte came alone was not seen");
}
END_TEST

/* --- split sweeps ----------------------------------------------------------------------- */

START_TEST(test_split_sweep_accepted)
{
	struct unit_msg	m[] = {
		{ DIR_S2C, (const uint8_t *)greeting, sizeof(greeting) - 1 },
		{ DIR_C2S, (const uint8_t *)"CAPA\r\n", 6 },
		{ DIR_S2C, (const uint8_t *)capa_reply, sizeof(capa_reply) - 1 },
		{ DIR_C2S, (const uint8_t *)"STLS\r\n", 6 },
		{ DIR_S2C, (const uint8_t *)"+OK Begin TLS\r\n", 15 },
		{ DIR_C2S, ch.p, ch.n },
		{ DIR_S2C, sh.p, sh.n },
	};
	struct unit_sum	whole;

	unit_flow_free(f);
	f = NULL;
	unit_split_sweep(PROTO_POP3, 0, m, sizeof(m) / sizeof(m[0]), &whole);
	ck_assert_uint_eq(whole.starttls, STARTTLS_ACCEPTED);
	ck_assert(whole.offered);
	ck_assert(whole.has_ch);
	ck_assert_uint_eq(whole.ch_version, TLS_V_1_0);
	ck_assert(whole.has_sh);
	ck_assert_uint_eq(whole.sh_version, TLS_V_1_0);
	ck_assert_uint_eq(whole.mail_lines, 5);
}
END_TEST

START_TEST(test_split_sweep_refused_login)
{
	static const char	c1[] = "CAPA\r\nSTLS\r\n";
	static const char	s1[] = "+OK\r\n+OK\r\nSTLS\r\n.\r\n-ERR no\r\n";
	static const char	c2[] = "USER bob\r\nPASS x\r\n";
	static const char	s2[] = "+OK\r\n+OK logged in\r\n";
	struct unit_msg		m[] = {
		{ DIR_S2C, (const uint8_t *)greeting, sizeof(greeting) - 1 },
		{ DIR_C2S, (const uint8_t *)c1, sizeof(c1) - 1 },
		{ DIR_S2C, (const uint8_t *)s1, sizeof(s1) - 1 },
		{ DIR_C2S, (const uint8_t *)c2, sizeof(c2) - 1 },
		{ DIR_S2C, (const uint8_t *)s2, sizeof(s2) - 1 },
	};
	struct unit_sum		whole;

	unit_flow_free(f);
	f = NULL;
	unit_split_sweep(PROTO_POP3, 0, m, sizeof(m) / sizeof(m[0]), &whole);
	ck_assert_uint_eq(whole.starttls, STARTTLS_REFUSED);
	ck_assert(whole.offered);
	ck_assert(whole.plaintext_final);
	ck_assert(!whole.has_ch);
}
END_TEST

/* --- credentials in the clear ------------------------------------------------ */

START_TEST(test_cred_user_pass)
{
	S(greeting);
	C("CAPA\r\n");
	S(capa_reply);
	ck_assert_str_eq(f->sess.info->mechs, "PLAIN");
	C("USER alice\r\n");
	S("+OK\r\n");
	ck_assert_uint_eq(f->sess.cleartext, CT_NONE);
	C("PASS secret\r\n");
	ck_assert_uint_eq(f->sess.cleartext, CT_USER_PASS);
	S("+OK logged in\r\n");
	judge(OC_PLAINTEXT, RS_CLEARTEXT_CREDENTIALS);
	ck_assert_str_eq(session_cleartext_name(f), "USER/PASS");
	ck_assert(!f->sess.info->user_seen);
	ck_assert_uint_eq(f->sess.info->banner_len, sizeof(greeting) - 3);
}
END_TEST

START_TEST(test_cred_user_logged)
{
	unit_cfg->log_user = true;
	S(greeting);
	C("USER alice\r\n");
	S("+OK\r\n");
	C("PASS secret\r\n");
	ck_assert_uint_eq(f->sess.info->user_len, 5);
	ck_assert_mem_eq(f->sess.info->user, "alice", 5);
}
END_TEST

START_TEST(test_cred_apop)
{
	S(greeting);
	C("APOP alice c4c9334bac560ecc979e58001b3e22fb\r\n");
	S("+OK\r\n");
	ck_assert_uint_eq(f->sess.cleartext, CT_APOP);
	ck_assert_str_eq(session_cleartext_name(f), "APOP");
}
END_TEST

START_TEST(test_cred_sasl_plain_and_stls_refused)
{
	S(greeting);
	C("STLS\r\n");
	S("-ERR not now\r\n");
	C("AUTH PLAIN\r\n");
	S("+ \r\n");
	C("AGFsaWNlAHNlY3JldA==\r\n");
	S("+OK\r\n");
	judge(OC_STARTTLS_REFUSED, RS_CLEARTEXT_CREDENTIALS);
	ck_assert_str_eq(session_cleartext_name(f), "AUTH PLAIN");
}
END_TEST

START_TEST(test_cred_not_after_stls)
{
	S(greeting);
	C("STLS\r\n");
	S("+OK Begin TLS\r\n");
	unit_feed_ub(f, DIR_C2S, &ch);
	unit_feed_ub(f, DIR_S2C, &sh);
	C("PASS secret\r\n");
	ck_assert_uint_eq(f->sess.cleartext, CT_NONE);
	judge(OC_ESTABLISHED, RS_LEGACY_CLIENT);
}
END_TEST

Suite *
pop3_suite(void)
{
	Suite	*s = suite_create("pop3");
	TCase	*tc;

	tc = tcase_create("stls");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_stls_accepted);
	tcase_add_test(tc, test_stls_refused);
	tcase_add_test(tc, test_stls_refused_replays_held);
	tcase_add_test(tc, test_client_hello_held_until_reply);
	tcase_add_test(tc, test_client_hello_held_then_refused);
	tcase_add_test(tc, test_gap_in_held_hello);
	tcase_add_test(tc, test_hello_on_stls_port);
	tcase_add_test(tc, test_hello_on_stls_port_first_byte_alone);
	suite_add_tcase(s, tc);

	tc = tcase_create("multiline");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_capa_body_not_a_reply);
	tcase_add_test(tc, test_capa_refused_no_body);
	tcase_add_test(tc, test_list_body);
	tcase_add_test(tc, test_list_with_argument_single_line);
	tcase_add_test(tc, test_retr_body);
	tcase_add_test(tc, test_auth_mechanism_list);
	suite_add_tcase(s, tc);

	tc = tcase_create("commands");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_case_insensitive);
	tcase_add_test(tc, test_not_stls);
	tcase_add_test(tc, test_midstream_no_greeting);
	tcase_add_test(tc, test_greeting_not_the_reply);
	tcase_add_test(tc, test_pipeline_full);
	tcase_add_test(tc, test_gap_resyncs_lines);
	tcase_add_test(tc, test_plain_depth);
	suite_add_tcase(s, tc);

	tc = tcase_create("login");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_pass_ok_final);
	tcase_add_test(tc, test_pass_err_not_final);
	tcase_add_test(tc, test_apop_ok_final);
	tcase_add_test(tc, test_auth_sasl_final);
	tcase_add_test(tc, test_auth_sasl_failed);
	suite_add_tcase(s, tc);

	tc = tcase_create("split_sweep");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_split_sweep_accepted);
	tcase_add_test(tc, test_split_sweep_refused_login);
	suite_add_tcase(s, tc);

	tc = tcase_create("credentials");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_cred_user_pass);
	tcase_add_test(tc, test_cred_user_logged);
	tcase_add_test(tc, test_cred_apop);
	tcase_add_test(tc, test_cred_sasl_plain_and_stls_refused);
	tcase_add_test(tc, test_cred_not_after_stls);
	suite_add_tcase(s, tc);

	return s;
}
