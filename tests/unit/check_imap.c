/*
 * check_imap.c -- imap.c (through mail.c): STARTTLS (RFC 3501 6.2.1,
 * RFC 9051), tagged completions, literals (RFC 3501 4.3, RFC 7888), login,
 * AUTHENTICATE and PREAUTH.
 */
#include <stdlib.h>

#include "unit.h"

static struct conn	*f;
static struct ub	 ch;		/* TLS 1.0 ClientHello record */
static struct ub	 sh;		/* TLS 1.0 ServerHello record */

#define C(s)	unit_feed(f, DIR_C2S, (s))
#define S(s)	unit_feed(f, DIR_S2C, (s))

static const char	greeting[] =
    "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] ready\r\n";

static void
setup(void)
{
	unit_setup();
	ub_init(&ch);
	unit_hs_record(&ch, TLS_HS_CLIENT_HELLO, unit_ch10, unit_ch10_len);
	ub_init(&sh);
	unit_hs_record(&sh, TLS_HS_SERVER_HELLO, unit_sh10, unit_sh10_len);
	f = unit_flow(PROTO_IMAP, 0);
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

/* --- STARTTLS -------------------------------------------------------------------- */

START_TEST(test_starttls_accepted)
{
	S(greeting);
	ck_assert(f->sess.starttls_offered);
	C("a1 CAPABILITY\r\n");
	S("* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\na1 OK done\r\n");
	C("a2 STARTTLS\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("a2 OK Begin TLS negotiation now\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
	unit_feed_ub(f, DIR_C2S, &ch);
	ck_assert_ptr_nonnull(f->sess.ch);
	ck_assert_uint_eq(f->sess.ch->legacy_version, TLS_V_1_0);
	unit_feed_ub(f, DIR_S2C, &sh);
	ck_assert_ptr_nonnull(f->sess.sh);
	ck_assert_uint_eq(stats[STAT_MAIL_STARTTLS_OK], 1);
	judge(OC_ESTABLISHED, RS_LEGACY_CLIENT);
}
END_TEST

START_TEST(test_starttls_refused_no)
{
	S(greeting);
	C("a2 STARTTLS\r\n");
	S("a2 NO [UNAVAILABLE] TLS not available\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_REFUSED);
	ck_assert_ptr_null(f->sess.ch);
	ck_assert(!f->sess.tls[DIR_C2S]);
	judge(OC_STARTTLS_REFUSED, RS_PLAINTEXT);
}
END_TEST

START_TEST(test_starttls_refused_bad)
{
	S(greeting);
	C("a2 STARTTLS\r\n");
	S("a2 BAD command unknown\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_REFUSED);
	ck_assert_uint_eq(stats[STAT_MAIL_STARTTLS_NO], 1);
	judge(OC_STARTTLS_REFUSED, RS_PLAINTEXT);
}
END_TEST

START_TEST(test_only_own_tag_completes)
{
	S(greeting);
	C("a1 NOOP\r\na2 STARTTLS\r\n");
	S("a1 OK NOOP completed\r\n");		/* another command's */
	S("* OK still here\r\n");		/* untagged */
	S("+ go ahead\r\n");			/* continuation request */
	S("a22 OK\r\n");			/* a longer tag */
	S("a OK\r\n");				/* a shorter one */
	S("a2OK\r\n");				/* no space: a tag alone */
	S("a2 MAYBE\r\n");			/* not a completion */
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("a2 OK go\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_case_insensitive)
{
	S(greeting);
	C("A2 staRttLs\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("A2 ok begin\r\n");			/* status is case-insensitive */
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_client_hello_held_until_reply)
{
	struct ub	b;

	S(greeting);
	ub_init(&b);
	ub_str(&b, "a2 STARTTLS\r\n");
	ub_mem(&b, ch.p, ch.n);
	unit_feed_ub(f, DIR_C2S, &b);
	ck_assert_ptr_null(f->sess.ch);
	ck_assert(!f->sess.tls[DIR_C2S]);
	S("a2 OK\r\n");
	ck_assert_ptr_nonnull(f->sess.ch);
	ck_assert_uint_eq(f->sess.ch->legacy_version, TLS_V_1_0);
	ub_free(&b);
}
END_TEST

START_TEST(test_second_starttls_after_refusal)
{
	S(greeting);
	C("a2 STARTTLS\r\n");
	S("a2 NO try later\r\n");
	C("a3 STARTTLS\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("a2 OK\r\n");				/* the old tag: nothing */
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("a3 OK\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

/* --- literals ------------------------------------------------------------------------- */

START_TEST(test_server_literal_hides_completion)
{
	S(greeting);
	C("a2 STARTTLS\r\n");
	/* The 19 bytes of the literal are "line1\r\na2 OK done\r\n":
	 * message content, not a completion. */
	S("* 1 FETCH (BODY[] {19}\r\nline1\r\na2 OK done\r\n)\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("a2 OK begin\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_server_literal_split)
{
	S(greeting);
	C("a2 STARTTLS\r\n");
	S("* 1 FETCH (BODY[] {12}\r\na2 O");
	S("K done\r");
	S("\n)\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("a2 NO\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_REFUSED);
}
END_TEST

START_TEST(test_line_after_literal_is_continuation)
{
	S(greeting);
	C("a2 STARTTLS\r\n");
	/* After the literal the same response goes on; a "tag" that
	 * follows it on that line completes nothing. */
	S("* 1 FETCH (BODY[] {3}\r\nabc a2 OK\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("a2 OK\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_two_literals_in_one_response)
{
	S(greeting);
	C("a2 STARTTLS\r\n");
	S("* 1 FETCH (BODY[1] {12}\r\na2 OK done\r\n BODY[2] {12}\r\n"
	    "a2 NO done\r\n)\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("a2 OK\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_client_literal_hides_command)
{
	S(greeting);
	/* The password is a 16-byte literal that reads like commands. */
	C("a1 LOGIN bob {16}\r\n");
	S("+ ready for literal\r\n");
	C("x\r\na3 STARTTLS\r\n\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_NONE);
	ck_assert_uint_eq(stats[STAT_MAIL_STARTTLS], 0);
	S("a1 NO wrong\r\n");
	ck_assert(!f->sess.plaintext_final);
	C("a4 STARTTLS\r\n");
	S("a4 OK\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_client_literal_refused)
{
	/* RFC 3501 7.5: a synchronizing literal is sent only after "+"; a
	 * tagged NO or BAD ends the command and the literal never comes. */
	S(greeting);
	C("a1 LOGIN {4294967295}\r\n");
	S("a1 BAD literal too big\r\n");
	/* the user name and password never came */
	ck_assert_uint_eq(f->sess.cleartext, CT_NONE);
	C("a2 STARTTLS\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("a2 OK Begin TLS\r\n");
	unit_feed_ub(f, DIR_C2S, &ch);
	unit_feed_ub(f, DIR_S2C, &sh);
	judge(OC_ESTABLISHED, RS_LEGACY_CLIENT);
}
END_TEST

START_TEST(test_client_literal_other_tag)
{
	/* Another command's completion does not cancel the literal: once
	 * "+" comes its bytes are skipped. */
	S(greeting);
	C("a1 LOGIN bob {13}\r\n");
	S("a0 OK earlier command\r\n");
	S("+ go ahead\r\n");
	C("a3 STARTTLS\r\n\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_NONE);
	S("a1 OK logged in\r\n");
	ck_assert(f->sess.plaintext_final);
}
END_TEST

START_TEST(test_client_literal_plus)
{
	S(greeting);
	/* LITERAL+ (RFC 7888): no wait for a continuation request. */
	C("a1 LOGIN bob {13+}\r\na3 STARTTLS\r\n\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_NONE);
	S("a1 OK logged in\r\n");
	ck_assert(f->sess.plaintext_final);
}
END_TEST

START_TEST(test_binary_literal)
{
	/* RFC 3516 ~{N}: 8 bytes holding a NUL. */
	static const char	resp[] =
	    "* 1 FETCH (BINARY[1] ~{8}\r\na2 OK\0\r\n)\r\n";

	S(greeting);
	C("a2 STARTTLS\r\n");
	unit_mail(f, DIR_S2C, (const uint8_t *)resp, sizeof(resp) - 1);
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_SENT);
	S("a2 OK\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_huge_literal_not_believed)
{
	S(greeting);
	C("a2 STARTTLS\r\n");
	/* A size past 2^32 would swallow the rest of the stream. */
	S("* 1 FETCH (BODY[] {99999999999}\r\n");
	S("a2 OK\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_not_a_literal)
{
	S(greeting);
	C("a2 STARTTLS\r\n");
	/* Braces that do not end the line, or hold no number. */
	S("* OK {5} later\r\n* OK {}\r\n* OK {x}\r\n* OK 12}\r\n");
	S("a2 OK\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

/* --- login ------------------------------------------------------------------------------ */

START_TEST(test_login_ok_final)
{
	S("* OK ready\r\n");
	C("a1 LOGIN bob secret\r\n");
	ck_assert(!f->sess.plaintext_final);
	S("a1 OK LOGIN completed\r\n");
	ck_assert(f->sess.plaintext_final);
	ck_assert(unit_done(f, DIR_C2S));
	ck_assert(unit_done(f, DIR_S2C));
	C("a2 STARTTLS\r\n");
	S("a2 OK\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_NONE);
	judge(OC_PLAINTEXT, RS_CLEARTEXT_CREDENTIALS);
}
END_TEST

START_TEST(test_login_no_not_final)
{
	S("* OK ready\r\n");
	C("a1 LOGIN bob wrong\r\n");
	S("a1 NO [AUTHENTICATIONFAILED] invalid\r\n");
	ck_assert(!f->sess.plaintext_final);
	C("a2 STARTTLS\r\n");
	S("a2 OK\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_authenticate_final)
{
	S("* OK ready\r\n");
	C("a1 AUTHENTICATE PLAIN\r\n");
	S("+ \r\n");
	C("a2 STARTTLS\r\n");			/* SASL data, not a command */
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_NONE);
	S("a1 OK authenticated\r\n");
	ck_assert(f->sess.plaintext_final);
}
END_TEST

START_TEST(test_authenticate_failed)
{
	S("* OK ready\r\n");
	C("a1 AUTHENTICATE PLAIN\r\n");
	S("+ \r\n");
	C("AGJvYgBiYWQ=\r\n");
	S("a1 NO failed\r\n");
	ck_assert(!f->sess.plaintext_final);
	C("a2 STARTTLS\r\n");			/* a command again */
	S("a2 OK\r\n");
	ck_assert_uint_eq(f->sess.starttls, STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_preauth_final)
{
	S("* PREAUTH [CAPABILITY IMAP4rev1] logged in as bob\r\n");
	ck_assert(f->sess.plaintext_final);
	judge(OC_PLAINTEXT, RS_PLAINTEXT);
}
END_TEST

/* --- split sweep -------------------------------------------------------------------------- */

START_TEST(test_split_sweep_accepted)
{
	static const char	c1[] = "a1 CAPABILITY\r\n";
	static const char	s1[] =
	    "* CAPABILITY IMAP4rev1 STARTTLS\r\n"
	    "* 1 FETCH (BODY[] {12}\r\na2 OK done\r\n)\r\n"
	    "a1 OK done\r\n";
	static const char	c2[] = "a2 STARTTLS\r\n";
	static const char	s2[] = "a2 OK Begin TLS\r\n";
	struct unit_msg		m[] = {
		{ DIR_S2C, (const uint8_t *)greeting, sizeof(greeting) - 1 },
		{ DIR_C2S, (const uint8_t *)c1, sizeof(c1) - 1 },
		{ DIR_S2C, (const uint8_t *)s1, sizeof(s1) - 1 },
		{ DIR_C2S, (const uint8_t *)c2, sizeof(c2) - 1 },
		{ DIR_S2C, (const uint8_t *)s2, sizeof(s2) - 1 },
		{ DIR_C2S, ch.p, ch.n },
		{ DIR_S2C, sh.p, sh.n },
	};
	struct unit_sum		whole;

	unit_flow_free(f);
	f = NULL;
	unit_split_sweep(PROTO_IMAP, 0, m, sizeof(m) / sizeof(m[0]), &whole);
	ck_assert_uint_eq(whole.starttls, STARTTLS_ACCEPTED);
	ck_assert(whole.offered);
	ck_assert(whole.has_ch);
	ck_assert_uint_eq(whole.ch_version, TLS_V_1_0);
	ck_assert(whole.has_sh);
}
END_TEST

START_TEST(test_split_sweep_literal_login)
{
	static const char	c1[] = "a1 LOGIN bob {13}\r\n";
	static const char	s1[] = "+ ready\r\n";
	static const char	c2[] = "a3 STARTTLS\r\n\r\n";
	static const char	s2[] = "a1 OK welcome\r\n";
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
	unit_split_sweep(PROTO_IMAP, 0, m, sizeof(m) / sizeof(m[0]), &whole);
	ck_assert_uint_eq(whole.starttls, STARTTLS_NONE);
	ck_assert(whole.plaintext_final);
}
END_TEST

/* --- credentials in the clear, ID, capabilities ------------------------------- */

START_TEST(test_cred_login)
{
	unit_cfg->log_user = true;
	S("* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN auth=login] ready\r\n");
	C("a1 LOGIN \"alice\" \"sec ret\"\r\n");
	ck_assert_uint_eq(f->sess.cleartext, CT_LOGIN);
	S("a1 OK done\r\n");
	judge(OC_PLAINTEXT, RS_CLEARTEXT_CREDENTIALS);
	ck_assert_str_eq(session_cleartext_name(f), "LOGIN");
	ck_assert_str_eq(f->sess.info->mechs, "PLAIN LOGIN");
	ck_assert_uint_eq(f->sess.info->user_len, 5);
	ck_assert_mem_eq(f->sess.info->user, "alice", 5);
}
END_TEST

START_TEST(test_cred_login_literal_user_not_read)
{
	unit_cfg->log_user = true;
	S("* OK ready\r\n");
	C("a1 LOGIN {5}\r\n");
	ck_assert_uint_eq(f->sess.cleartext, CT_NONE);	/* waits for "+" */
	S("+ go on\r\n");
	ck_assert_uint_eq(f->sess.cleartext, CT_LOGIN);
	C("alice secret\r\n");
	ck_assert(f->sess.info == NULL || !f->sess.info->user_seen);
}
END_TEST

START_TEST(test_cred_login_huge_literal_not_sent)
{
	/* a synchronizing literal too large to believe is not sent either */
	S("* OK ready\r\n");
	C("a1 LOGIN {99999999999999999999}\r\n");
	S("a1 BAD too large\r\n");
	ck_assert_uint_eq(f->sess.cleartext, CT_NONE);
	C("a2 LOGIN {4+}\r\nbob1 secret\r\n");	/* LITERAL+: sent */
	ck_assert_uint_eq(f->sess.cleartext, CT_LOGIN);
}
END_TEST

START_TEST(test_cred_authenticate_plain_ir)
{
	S("* OK ready\r\n");
	C("a1 AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA==\r\n");
	ck_assert_uint_eq(f->sess.cleartext, CT_SASL_PLAIN);
	ck_assert_str_eq(session_cleartext_name(f), "AUTHENTICATE PLAIN");
}
END_TEST

START_TEST(test_cred_authenticate_login)
{
	S("* OK ready\r\n");
	C("a1 AUTHENTICATE LOGIN\r\n");
	S("+ VXNlcm5hbWU6\r\n");
	C("YWxpY2U=\r\n");
	ck_assert_uint_eq(f->sess.cleartext, CT_NONE);
	S("+ UGFzc3dvcmQ6\r\n");
	C("c2VjcmV0\r\n");
	ck_assert_uint_eq(f->sess.cleartext, CT_SASL_LOGIN);
	ck_assert_str_eq(session_cleartext_name(f), "AUTHENTICATE LOGIN");
}
END_TEST

START_TEST(test_cred_login_after_refused_starttls)
{
	S(greeting);
	C("a1 STARTTLS\r\n");
	S("a1 NO not now\r\n");
	C("a2 LOGIN alice secret\r\n");
	S("a2 OK\r\n");
	judge(OC_STARTTLS_REFUSED, RS_CLEARTEXT_CREDENTIALS);
}
END_TEST

START_TEST(test_cred_not_inside_tls)
{
	S(greeting);
	C("a1 STARTTLS\r\n");
	S("a1 OK go\r\n");
	unit_feed_ub(f, DIR_C2S, &ch);
	unit_feed_ub(f, DIR_S2C, &sh);
	C("a2 LOGIN alice secret\r\n");
	ck_assert_uint_eq(f->sess.cleartext, CT_NONE);
	judge(OC_ESTABLISHED, RS_LEGACY_CLIENT);
}
END_TEST

START_TEST(test_id_fields)
{
	S(greeting);
	C("a1 ID (\"name\" \"Thunderbird\" \"VERSION\" \"115.3\" "
	    "\"vendor\" NIL \"os\" \"Linux\" \"x-extra\" \"y\" \"os\" \"no\")\r\n");
	S("* ID NIL\r\na1 OK\r\n");
	ck_assert(f->sess.info->id_seen);
	ck_assert_uint_eq(f->sess.info->id_len[MI_ID_NAME], 11);
	ck_assert_mem_eq(f->sess.info->id[MI_ID_NAME], "Thunderbird", 11);
	ck_assert_uint_eq(f->sess.info->id_len[MI_ID_VERSION], 5);
	ck_assert_uint_eq(f->sess.info->id_len[MI_ID_VENDOR], 0);
	ck_assert_uint_eq(f->sess.info->id_len[MI_ID_OS], 5);
	ck_assert_mem_eq(f->sess.info->id[MI_ID_OS], "Linux", 5);
}
END_TEST

START_TEST(test_id_hostile)
{
	char	line[1000];
	size_t	i;

	/* unterminated quotes, a literal, NIL, a value past the cap */
	S(greeting);
	C("a1 ID NIL\r\n");
	ck_assert(f->sess.info == NULL || !f->sess.info->id_seen);
	C("a2 ID (\"name\r\n");
	C("a3 ID (\"name\" {5}\r\n");
	i = (size_t)snprintf(line, sizeof(line), "a4 ID (\"name\" \"");
	memset(line + i, 'x', 200);
	memcpy(line + i + 200, "\")\r\n", 5);
	C(line);
	ck_assert_uint_le(f->sess.info->id_len[MI_ID_NAME], MAIL_MAX_ID_VALUE);
}
END_TEST

Suite *
imap_suite(void)
{
	Suite	*s = suite_create("imap");
	TCase	*tc;

	tc = tcase_create("starttls");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_starttls_accepted);
	tcase_add_test(tc, test_starttls_refused_no);
	tcase_add_test(tc, test_starttls_refused_bad);
	tcase_add_test(tc, test_only_own_tag_completes);
	tcase_add_test(tc, test_case_insensitive);
	tcase_add_test(tc, test_client_hello_held_until_reply);
	tcase_add_test(tc, test_second_starttls_after_refusal);
	suite_add_tcase(s, tc);

	tc = tcase_create("literal");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_server_literal_hides_completion);
	tcase_add_test(tc, test_server_literal_split);
	tcase_add_test(tc, test_line_after_literal_is_continuation);
	tcase_add_test(tc, test_two_literals_in_one_response);
	tcase_add_test(tc, test_client_literal_hides_command);
	tcase_add_test(tc, test_client_literal_plus);
	tcase_add_test(tc, test_client_literal_refused);
	tcase_add_test(tc, test_client_literal_other_tag);
	tcase_add_test(tc, test_binary_literal);
	tcase_add_test(tc, test_huge_literal_not_believed);
	tcase_add_test(tc, test_not_a_literal);
	suite_add_tcase(s, tc);

	tc = tcase_create("login");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_login_ok_final);
	tcase_add_test(tc, test_login_no_not_final);
	tcase_add_test(tc, test_authenticate_final);
	tcase_add_test(tc, test_authenticate_failed);
	tcase_add_test(tc, test_preauth_final);
	suite_add_tcase(s, tc);

	tc = tcase_create("split_sweep");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_split_sweep_accepted);
	tcase_add_test(tc, test_split_sweep_literal_login);
	suite_add_tcase(s, tc);

	tc = tcase_create("credentials");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_cred_login);
	tcase_add_test(tc, test_cred_login_literal_user_not_read);
	tcase_add_test(tc, test_cred_login_huge_literal_not_sent);
	tcase_add_test(tc, test_cred_authenticate_plain_ir);
	tcase_add_test(tc, test_cred_authenticate_login);
	tcase_add_test(tc, test_cred_login_after_refused_starttls);
	tcase_add_test(tc, test_cred_not_inside_tls);
	tcase_add_test(tc, test_id_fields);
	tcase_add_test(tc, test_id_hostile);
	suite_add_tcase(s, tc);

	return s;
}
