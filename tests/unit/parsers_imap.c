/*
 * parsers_imap.c -- imap.c alone: tag STARTTLS and its tagged OK / NO /
 * BAD (RFC 3501 6.2.1), CAPABILITY, PREAUTH, LOGIN, AUTHENTICATE
 * (RFC 4959), ID (RFC 2971) and literals (RFC 3501 4.3, RFC 7888).
 */
#include "parsers.h"

static struct imap_state	is;
static struct mail_facts	mf;

static enum mail_ev
line(int dir, const char *l)
{
	enum mail_ev	ev;

	ev = imap_line(&is, dir, (const uint8_t *)l, strlen(l), &mf);
	pt_spans_inside(&mf, (const uint8_t *)l, strlen(l));
	return ev;
}

#define C(l)	line(DIR_C2S, (l))
#define S(l)	line(DIR_S2C, (l))

static void
setup(void)
{
	memset(&is, 0, sizeof(is));
}

START_TEST(test_greeting_caps)
{
	char	b[64];

	ck_assert_int_eq(S("* OK [CAPABILITY IMAP4rev1 STARTTLS "
	    "AUTH=PLAIN AUTH=LOGIN LOGINDISABLED] Dovecot ready."),
	    MAIL_EV_NONE);
	ck_assert(mf.line);
	ck_assert(mf.starttls_offered);
	ck_assert_str_eq(pt_mechs(&mf, b, sizeof(b)), "PLAIN LOGIN");
	ck_assert_int_eq(S("* CAPABILITY IMAP4rev1 AUTH=GSSAPI"),
	    MAIL_EV_NONE);
	ck_assert(!mf.starttls_offered);
	ck_assert_str_eq(pt_mechs(&mf, b, sizeof(b)), "GSSAPI");
}
END_TEST

START_TEST(test_starttls_ok)
{
	S("* OK ready");
	ck_assert_int_eq(C("a1 STARTTLS"), MAIL_EV_STARTTLS_SENT);
	ck_assert(mf.line);
	ck_assert_int_eq(S("a1 OK Begin TLS negotiation now"),
	    MAIL_EV_STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_starttls_no_bad)
{
	C("a1 STARTTLS");
	ck_assert_int_eq(S("a1 NO TLS unavailable"),
	    MAIL_EV_STARTTLS_REFUSED);
	C("a2 starttls");
	ck_assert_int_eq(S("a2 BAD unknown command"),
	    MAIL_EV_STARTTLS_REFUSED);
	/* A reply with no STARTTLS waiting is nothing. */
	ck_assert_int_eq(S("a2 OK"), MAIL_EV_NONE);
}
END_TEST

START_TEST(test_tag_must_match)
{
	/* Pipelined: only the STARTTLS's own tag answers it. */
	C("a1 NOOP");
	C("a2 STARTTLS");
	ck_assert_int_eq(S("* 3 EXISTS"), MAIL_EV_NONE);
	ck_assert_int_eq(S("a1 OK NOOP done"), MAIL_EV_NONE);
	ck_assert_int_eq(S("a22 OK"), MAIL_EV_NONE);
	ck_assert_int_eq(S("a2 OK go"), MAIL_EV_STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_preauth)
{
	ck_assert_int_eq(S("* PREAUTH IMAP4rev1 server logged in as bob"),
	    MAIL_EV_PLAINTEXT_FINAL);
	ck_assert(mf.line);
}
END_TEST

START_TEST(test_login)
{
	ck_assert_int_eq(C("a2 LOGIN bob secret"), MAIL_EV_NONE);
	ck_assert_uint_eq(mf.cred, CT_LOGIN);
	ck_assert(pt_span_is(mf.user, "bob"));
	ck_assert_int_eq(S("a2 OK LOGIN completed"), MAIL_EV_PLAINTEXT_FINAL);
	/* quoted, with a space */
	setup();
	C("a3 LOGIN \"bob smith\" \"pw\"");
	ck_assert(pt_span_is(mf.user, "bob smith"));
	ck_assert_int_eq(S("a3 NO wrong"), MAIL_EV_NONE);	/* refused */
}
END_TEST

START_TEST(test_login_literal)
{
	/* The password as a synchronizing literal: sent only after "+". */
	ck_assert_int_eq(C("a2 LOGIN bob {6}"), MAIL_EV_NONE);
	ck_assert_uint_eq(mf.cred, CT_NONE);
	ck_assert(pt_span_is(mf.user, "bob"));
	ck_assert(!mf.skip_set[DIR_C2S]);
	ck_assert_int_eq(S("+ Ready for literal"), MAIL_EV_NONE);
	ck_assert_uint_eq(mf.cred, CT_LOGIN);
	ck_assert(mf.skip_set[DIR_C2S]);
	ck_assert_uint_eq(mf.skip[DIR_C2S], 6);
	/* After the 6 bytes, the rest of the LOGIN line: no new command. */
	ck_assert_int_eq(C(" a9 STARTTLS"), MAIL_EV_NONE);
	ck_assert(!mf.line);
	ck_assert_int_eq(S("a2 OK"), MAIL_EV_PLAINTEXT_FINAL);
}
END_TEST

START_TEST(test_login_literal_refused)
{
	/* Refused before "+": the literal never comes, the client's next
	 * line is a new command (RFC 3501 7.5). */
	C("a2 LOGIN bob {6}");
	ck_assert_int_eq(S("a2 NO too long"), MAIL_EV_NONE);
	ck_assert_uint_eq(mf.cred, CT_NONE);
	ck_assert_int_eq(C("a3 STARTTLS"), MAIL_EV_STARTTLS_SENT);
}
END_TEST

START_TEST(test_server_literal)
{
	/* A FETCH body saying "a1 OK" completes nothing. */
	C("a1 STARTTLS");
	ck_assert_int_eq(S("* 1 FETCH (BODY[] {12}"), MAIL_EV_NONE);
	ck_assert(mf.skip_set[DIR_S2C]);
	ck_assert_uint_eq(mf.skip[DIR_S2C], 12);
	ck_assert_int_eq(S("a1 OK fake)"), MAIL_EV_NONE);
	ck_assert_int_eq(S("a1 OK real"), MAIL_EV_STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_client_literal_plus)
{
	/* LITERAL+ {N+}: no "+" waited for, the bytes follow at once. */
	ck_assert_int_eq(C("a4 APPEND INBOX {310+}"), MAIL_EV_NONE);
	ck_assert(mf.skip_set[DIR_C2S]);
	ck_assert_uint_eq(mf.skip[DIR_C2S], 310);
	/* One too large to believe is no literal. */
	C("a5 APPEND INBOX {99999999999+}");
	ck_assert(!mf.skip_set[DIR_C2S]);
}
END_TEST

START_TEST(test_gap_ends_literal)
{
	S("* 1 FETCH (BODY[] {12}");
	imap_gap(&is, DIR_S2C);
	C("a1 STARTTLS");
	ck_assert_int_eq(S("a1 OK"), MAIL_EV_STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_authenticate_plain)
{
	char	u[32];

	ck_assert_int_eq(C("a5 AUTHENTICATE PLAIN"), MAIL_EV_NONE);
	ck_assert_uint_eq(mf.cred, CT_NONE);
	S("+ ");
	ck_assert_int_eq(C("AGJvYgBzZWNyZXQ="), MAIL_EV_NONE);
	ck_assert_uint_eq(mf.cred, CT_SASL_PLAIN);
	ck_assert_str_eq(pt_sasl_user(&mf, u, sizeof(u)), "bob");
	ck_assert_int_eq(S("a5 OK Success"), MAIL_EV_PLAINTEXT_FINAL);
	/* SASL-IR (RFC 4959): the response on the command line */
	setup();
	C("a6 AUTHENTICATE PLAIN AGJvYgBzZWNyZXQ=");
	ck_assert_uint_eq(mf.cred, CT_SASL_PLAIN);
	ck_assert_int_eq(S("a6 NO failed"), MAIL_EV_NONE);
	ck_assert_int_eq(C("a7 STARTTLS"), MAIL_EV_STARTTLS_SENT);
}
END_TEST

START_TEST(test_authenticate_login)
{
	C("a5 AUTHENTICATE LOGIN");
	S("+ VXNlcm5hbWU6");
	C("Ym9i");
	ck_assert_uint_eq(mf.cred, CT_NONE);
	ck_assert_uint_eq(mf.user_sasl, CT_SASL_LOGIN);
	S("+ UGFzc3dvcmQ6");
	C("c2VjcmV0");
	ck_assert_uint_eq(mf.cred, CT_SASL_LOGIN);
}
END_TEST

START_TEST(test_id)
{
	C("a1 ID (\"name\" \"Thunderbird\" \"version\" \"115.3\" "
	    "\"os\" NIL \"vendor\" \"Mozilla\" \"name\" \"again\")");
	ck_assert(mf.id);
	ck_assert(mf.line);
	ck_assert(pt_span_is(mf.id_val[MI_ID_NAME], "Thunderbird"));
	ck_assert(pt_span_is(mf.id_val[MI_ID_VERSION], "115.3"));
	ck_assert(pt_span_is(mf.id_val[MI_ID_VENDOR], "Mozilla"));
	ck_assert_uint_eq(mf.id_val[MI_ID_OS].n, 0);	/* NIL */
	C("a2 ID NIL");
	ck_assert(!mf.id);
}
END_TEST

#define W(d, l)	imap_whole((d), (const uint8_t *)(l), strlen(l))

/* After a gap: which lines are whole (their start is this side's). */
START_TEST(test_whole)
{
	ck_assert(W(DIR_S2C, "* 3 EXISTS"));
	ck_assert(W(DIR_S2C, "+ go ahead"));
	ck_assert(W(DIR_S2C, "a1 OK done"));
	ck_assert(W(DIR_S2C, "a1 NO"));
	ck_assert(W(DIR_S2C, "a1 BAD x"));
	ck_assert(!W(DIR_S2C, "a1 FETCH"));
	ck_assert(!W(DIR_S2C, "OK"));			/* no tag */
	ck_assert(W(DIR_C2S, "a1 STARTTLS"));
	ck_assert(!W(DIR_C2S, "a1 x1"));
	ck_assert(!W(DIR_C2S, "STARTTLS"));		/* no tag */
	ck_assert(!W(DIR_C2S, "* OK"));	/* "*" tags no command */
}
END_TEST

/* Every prefix of every sample line, either way: no crash, spans inside. */
START_TEST(test_prefix_sweep)
{
	static const char *const lines[] = {
		"* OK [CAPABILITY STARTTLS AUTH=PLAIN] hi", "a1 STARTTLS",
		"a1 OK done", "a2 LOGIN \"bob\" {6}", "* 1 FETCH {12}",
		"a3 ID (\"name\" \"x\\\"y\" \"os\" NIL)", "+ go",
		"a4 AUTHENTICATE PLAIN AGJvYgBzZWNyZXQ=", "~{5}",
		"{4294967296}",
	};
	size_t	i, k;
	int	dir;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		for (k = 0; k <= strlen(lines[i]); k++)
			for (dir = 0; dir < 2; dir++) {
				setup();
				if (dir == DIR_S2C)	/* "+" awaited */
					C("a2 LOGIN bob {3}");
				imap_line(&is, dir,
				    (const uint8_t *)lines[i], k, &mf);
				pt_spans_inside(&mf,
				    (const uint8_t *)lines[i], k);
			}
}
END_TEST

Suite *
imap_line_suite(void)
{
	Suite	*s = suite_create("imap_line");
	TCase	*tc;

	tc = tcase_create("starttls");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_greeting_caps);
	tcase_add_test(tc, test_starttls_ok);
	tcase_add_test(tc, test_starttls_no_bad);
	tcase_add_test(tc, test_tag_must_match);
	tcase_add_test(tc, test_preauth);
	suite_add_tcase(s, tc);
	tc = tcase_create("login");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_login);
	tcase_add_test(tc, test_login_literal);
	tcase_add_test(tc, test_login_literal_refused);
	tcase_add_test(tc, test_authenticate_plain);
	tcase_add_test(tc, test_authenticate_login);
	tcase_add_test(tc, test_id);
	suite_add_tcase(s, tc);
	tc = tcase_create("literals");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_server_literal);
	tcase_add_test(tc, test_client_literal_plus);
	tcase_add_test(tc, test_gap_ends_literal);
	tcase_add_test(tc, test_whole);
	suite_add_tcase(s, tc);
	tc = tcase_create("sweep");
	tcase_add_test(tc, test_prefix_sweep);
	suite_add_tcase(s, tc);
	return s;
}
