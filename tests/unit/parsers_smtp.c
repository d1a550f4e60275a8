/*
 * parsers_smtp.c -- smtp.c alone: STARTTLS and its 220 / 454 (RFC 3207),
 * EHLO and its extension list, pipelining (RFC 2920), DATA, BDAT
 * (RFC 3030) and AUTH (RFC 4954), one line at a time.
 */
#include "parsers.h"

static struct smtp_state	ss;
static struct mail_facts	mf;

static enum mail_ev
line(int dir, const char *l)
{
	enum mail_ev	ev;

	ev = smtp_line(&ss, dir, (const uint8_t *)l, strlen(l), &mf);
	pt_spans_inside(&mf, (const uint8_t *)l, strlen(l));
	return ev;
}

#define C(l)	line(DIR_C2S, (l))
#define S(l)	line(DIR_S2C, (l))

static void
setup(void)
{
	memset(&ss, 0, sizeof(ss));
	smtp_init(&ss, false);	/* from the SYN: greeting first */
}

START_TEST(test_banner_ehlo)
{
	char	b[64];

	ck_assert_int_eq(S("220 mx.example.org ESMTP Postfix"),
	    MAIL_EV_NONE);
	ck_assert(mf.line);
	ck_assert_int_eq(C("EHLO client.example.net"), MAIL_EV_NONE);
	ck_assert(pt_span_is(mf.helo, "client.example.net"));
	S("250-mx.example.org");
	ck_assert(!mf.line);			/* a continuation */
	S("250-PIPELINING");
	ck_assert(!mf.starttls_offered);
	S("250-STARTTLS");
	ck_assert(mf.starttls_offered);
	S("250-AUTH PLAIN LOGIN");
	ck_assert_str_eq(pt_mechs(&mf, b, sizeof(b)), "PLAIN LOGIN");
	S("250-AUTH=PLAIN LOGIN CRAM-MD5");	/* the pre-RFC form */
	ck_assert_str_eq(pt_mechs(&mf, b, sizeof(b)), "PLAIN LOGIN CRAM-MD5");
	S("250 SIZE 10240000");
	ck_assert(mf.line);
	/* A reply to something else lists no extensions. */
	C("NOOP");
	S("250 STARTTLS");
	ck_assert(!mf.starttls_offered);
}
END_TEST

START_TEST(test_helo)
{
	S("220 hi");
	C("HELO old.example");
	ck_assert(pt_span_is(mf.helo, "old.example"));
	C("EHLO");			/* no name */
	ck_assert_uint_eq(mf.helo.n, 0);
}
END_TEST

START_TEST(test_starttls_220)
{
	S("220 ready");
	C("EHLO x");
	S("250 STARTTLS");
	ck_assert_int_eq(C("STARTTLS"), MAIL_EV_STARTTLS_SENT);
	ck_assert_int_eq(S("220-more to say"), MAIL_EV_NONE);
	ck_assert_int_eq(S("220 2.0.0 Ready to start TLS"),
	    MAIL_EV_STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_starttls_454)
{
	S("220 ready");
	ck_assert_int_eq(C("starttls"), MAIL_EV_STARTTLS_SENT);
	ck_assert_int_eq(S("454 4.7.0 TLS not available"),
	    MAIL_EV_STARTTLS_REFUSED);
	ck_assert_int_eq(C("STARTTLS"), MAIL_EV_STARTTLS_SENT);
	ck_assert_int_eq(S("502 not implemented"),
	    MAIL_EV_STARTTLS_REFUSED);
}
END_TEST

START_TEST(test_missed_greeting)
{
	/* From the SYN, but the greeting was lost: a 250 cannot be one,
	 * so it answers the EHLO. */
	C("EHLO x");
	S("250 hello");
	C("STARTTLS");
	ck_assert_int_eq(S("220 go"), MAIL_EV_STARTTLS_ACCEPTED);
	/* Mid-session: nothing waits for a greeting. */
	memset(&ss, 0, sizeof(ss));
	smtp_init(&ss, true);
	C("STARTTLS");
	ck_assert_int_eq(S("220 go"), MAIL_EV_STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_pipelining_data)
{
	S("220 ready");
	C("MAIL FROM:<a@example.org>");
	C("RCPT TO:<b@example.org>");
	C("DATA");
	ck_assert_int_eq(S("250 ok"), MAIL_EV_NONE);
	ck_assert_int_eq(S("250 ok"), MAIL_EV_NONE);
	ck_assert_int_eq(S("354 go ahead"), MAIL_EV_NONE);
	/* Message content: a "STARTTLS" line is text. */
	ck_assert_int_eq(C("STARTTLS"), MAIL_EV_NONE);
	ck_assert(!mf.line);
	C(".");
	ck_assert_int_eq(S("250 queued"), MAIL_EV_NONE);
	ck_assert_int_eq(C("STARTTLS"), MAIL_EV_STARTTLS_SENT);
	ck_assert_int_eq(S("220 go"), MAIL_EV_STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_data_refused)
{
	S("220 ready");
	C("DATA");
	S("554 no valid recipients");
	/* No content follows: the next line is a command. */
	ck_assert_int_eq(C("STARTTLS"), MAIL_EV_STARTTLS_SENT);
}
END_TEST

START_TEST(test_bdat)
{
	S("220 ready");
	C("BDAT 1000 LAST");
	ck_assert(mf.skip_set[DIR_C2S]);
	ck_assert_uint_eq(mf.skip[DIR_C2S], 1000);
	C("BDAT 99999999999");		/* past 2^32: not believed */
	ck_assert(!mf.skip_set[DIR_C2S]);
	C("BDAT x");
	ck_assert(!mf.skip_set[DIR_C2S]);
}
END_TEST

START_TEST(test_auth_plain)
{
	char	u[32];

	S("220 ready");
	ck_assert_int_eq(C("AUTH PLAIN AGJvYgBzZWNyZXQ="), MAIL_EV_NONE);
	ck_assert_uint_eq(mf.cred, CT_SASL_PLAIN);
	ck_assert_str_eq(pt_sasl_user(&mf, u, sizeof(u)), "bob");
	ck_assert_int_eq(S("235 2.7.0 Authentication successful"),
	    MAIL_EV_NONE);
}
END_TEST

START_TEST(test_auth_login)
{
	char	u[32];

	S("220 ready");
	C("AUTH LOGIN");
	S("334 VXNlcm5hbWU6");
	ck_assert_int_eq(C("Ym9i"), MAIL_EV_NONE);
	ck_assert(!mf.line);			/* SASL data */
	ck_assert_str_eq(pt_sasl_user(&mf, u, sizeof(u)), "bob");
	ck_assert_uint_eq(mf.cred, CT_NONE);
	S("334 UGFzc3dvcmQ6");
	C("c2VjcmV0");
	ck_assert_uint_eq(mf.cred, CT_SASL_LOGIN);
	S("535 failed");
	/* Over: commands again. */
	ck_assert_int_eq(C("STARTTLS"), MAIL_EV_STARTTLS_SENT);
}
END_TEST

START_TEST(test_not_replies)
{
	ck_assert_int_eq(S("hello"), MAIL_EV_NONE);
	ck_assert(!mf.line);
	ck_assert_int_eq(S("2200 four digits"), MAIL_EV_NONE);
	ck_assert(!mf.line);
	ck_assert_int_eq(S("620 no such class"), MAIL_EV_NONE);
	ck_assert(!mf.line);
	ck_assert_int_eq(S("220"), MAIL_EV_NONE);	/* bare code */
	ck_assert(mf.line);
}
END_TEST

START_TEST(test_queue_full)
{
	int	i;

	for (i = 0; i < MAIL_MAX_PENDING_CMDS - 1; i++)
		C("RSET");
	ck_assert_int_eq(C("STARTTLS"), MAIL_EV_NONE);
	ck_assert(mf.queue_full);
}
END_TEST

#define W(d, l)	smtp_whole((d), (const uint8_t *)(l), strlen(l))

/* After a gap: which lines are whole (their start is this side's). */
START_TEST(test_whole)
{
	ck_assert(W(DIR_S2C, "250-STARTTLS"));
	ck_assert(W(DIR_S2C, "220"));
	ck_assert(W(DIR_S2C, "454 4.7.0 no"));
	ck_assert(!W(DIR_S2C, "2500"));
	ck_assert(!W(DIR_S2C, "50 ok"));		/* a tail */
	ck_assert(!W(DIR_S2C, "650 no"));
	ck_assert(W(DIR_C2S, "EHLO x"));
	ck_assert(W(DIR_C2S, "QUIT"));
	ck_assert(!W(DIR_C2S, "LO x"));
	ck_assert(!W(DIR_C2S, "\x16\x03\x01"));
}
END_TEST

/* Every prefix of every sample line, either way: no crash, spans inside. */
START_TEST(test_prefix_sweep)
{
	static const char *const lines[] = {
		"220 mx ESMTP", "EHLO client.example", "250-STARTTLS",
		"250-AUTH PLAIN LOGIN", "250-AUTH=LOGIN", "STARTTLS",
		"454 no", "BDAT 12 LAST", "AUTH PLAIN AGJvYgBzZWNyZXQ=",
		"334 VXNlcm5hbWU6", ".",
	};
	size_t	i, k;
	int	dir;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		for (k = 0; k <= strlen(lines[i]); k++)
			for (dir = 0; dir < 2; dir++) {
				setup();
				S("220 hi");
				C("EHLO x");	/* its reply lists */
				smtp_line(&ss, dir,
				    (const uint8_t *)lines[i], k, &mf);
				pt_spans_inside(&mf,
				    (const uint8_t *)lines[i], k);
			}
}
END_TEST

Suite *
smtp_line_suite(void)
{
	Suite	*s = suite_create("smtp_line");
	TCase	*tc;

	tc = tcase_create("starttls");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_banner_ehlo);
	tcase_add_test(tc, test_helo);
	tcase_add_test(tc, test_starttls_220);
	tcase_add_test(tc, test_starttls_454);
	tcase_add_test(tc, test_missed_greeting);
	tcase_add_test(tc, test_not_replies);
	tcase_add_test(tc, test_queue_full);
	tcase_add_test(tc, test_whole);
	suite_add_tcase(s, tc);
	tc = tcase_create("pipelining");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_pipelining_data);
	tcase_add_test(tc, test_data_refused);
	tcase_add_test(tc, test_bdat);
	suite_add_tcase(s, tc);
	tc = tcase_create("auth");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_auth_plain);
	tcase_add_test(tc, test_auth_login);
	suite_add_tcase(s, tc);
	tc = tcase_create("sweep");
	tcase_add_test(tc, test_prefix_sweep);
	suite_add_tcase(s, tc);
	return s;
}
