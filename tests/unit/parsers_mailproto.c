/*
 * parsers_mailproto.c -- mailproto.c: tokens, capability words, the SASL
 * follower and the two readers of a parser's facts.
 */
#include "parsers.h"

#define L(s)	(const uint8_t *)(s), strlen(s)

START_TEST(test_token)
{
	static const char	line[] = "  a1 \tLOGIN  bob";
	const uint8_t		*t;
	size_t			 tl, off;

	off = mail_token(L(line), 0, &t, &tl);
	ck_assert_uint_eq(tl, 2);
	ck_assert(memcmp(t, "a1", 2) == 0);
	off = mail_token(L(line), off, &t, &tl);
	ck_assert(mail_tok_is(t, tl, "login"));	/* any case */
	ck_assert(!mail_tok_is(t, tl, "LOGI"));
	off = mail_token(L(line), off, &t, &tl);
	ck_assert(mail_tok_is(t, tl, "bob"));
	off = mail_token(L(line), off, &t, &tl);
	ck_assert_uint_eq(tl, 0);		/* the end: empty */
	ck_assert_uint_eq(off, strlen(line));
}
END_TEST

START_TEST(test_has_word)
{
	/* Capability lists wrap words in [] and (); a word inside another
	 * (STARTTLSX, LOGINDISABLED) is not it. */
	ck_assert(mail_has_word(L("* OK [CAPABILITY IMAP4rev1 STARTTLS]"),
	    "STARTTLS"));
	ck_assert(mail_has_word(L("(STARTTLS)"), "starttls"));
	ck_assert(!mail_has_word(L("* CAPABILITY STARTTLSX"), "STARTTLS"));
	ck_assert(!mail_has_word(L(""), "STARTTLS"));
}
END_TEST

START_TEST(test_sasl_plain_ir)
{
	struct mail_sasl	sa = { 0, 0 };
	struct mail_facts	mf;
	char			u[64];

	/* "AGJvYgBzZWNyZXQ=" is base64 of NUL "bob" NUL "secret" */
	memset(&mf, 0, sizeof(mf));
	mail_sasl_start(&sa, L("PLAIN"), L("AGJvYgBzZWNyZXQ="), &mf);
	ck_assert_uint_eq(mf.cred, CT_SASL_PLAIN);
	ck_assert_uint_eq(mf.user_sasl, CT_SASL_PLAIN);
	ck_assert_str_eq(pt_sasl_user(&mf, u, sizeof(u)), "bob");
	ck_assert_uint_eq(sa.ct, CT_NONE);	/* done with it */
}
END_TEST

START_TEST(test_sasl_login_steps)
{
	struct mail_sasl	sa = { 0, 0 };
	struct mail_facts	mf;
	char			u[64];

	memset(&mf, 0, sizeof(mf));
	mail_sasl_start(&sa, L("login"), L(""), &mf);
	ck_assert_uint_eq(mf.cred, CT_NONE);
	mail_sasl_line(&sa, L("Ym9i"), &mf);		/* "bob" */
	ck_assert_uint_eq(mf.cred, CT_NONE);	/* a name only */
	ck_assert_str_eq(pt_sasl_user(&mf, u, sizeof(u)), "bob");
	memset(&mf, 0, sizeof(mf));
	mail_sasl_line(&sa, L("c2VjcmV0"), &mf);	/* "secret" */
	ck_assert_uint_eq(mf.cred, CT_SASL_LOGIN);
	ck_assert_uint_eq(mf.user_sasl, CT_NONE);
}
END_TEST

START_TEST(test_sasl_empty_ir_and_cancel)
{
	struct mail_sasl	sa = { 0, 0 };
	struct mail_facts	mf;

	/* LOGIN with "=" (an empty initial response): the user name step
	 * is over, the next response is the password. */
	memset(&mf, 0, sizeof(mf));
	mail_sasl_start(&sa, L("LOGIN"), L("="), &mf);
	mail_sasl_line(&sa, L("c2VjcmV0"), &mf);
	ck_assert_uint_eq(mf.cred, CT_SASL_LOGIN);
	/* "*" cancels: what follows is no password. */
	memset(&mf, 0, sizeof(mf));
	mail_sasl_start(&sa, L("PLAIN"), L(""), &mf);
	mail_sasl_line(&sa, L("*"), &mf);
	mail_sasl_line(&sa, L("AGJvYgBzZWNyZXQ="), &mf);
	ck_assert_uint_eq(mf.cred, CT_NONE);
	/* CRAM-MD5 and the like carry no password. */
	mail_sasl_start(&sa, L("CRAM-MD5"), L(""), &mf);
	mail_sasl_line(&sa, L("Ym9iIGY0ZjQ="), &mf);
	ck_assert_uint_eq(mf.cred, CT_NONE);
}
END_TEST

START_TEST(test_sasl_user_shapes)
{
	uint8_t		 buf[MAIL_MAX_SASL_LINE], small[4];
	const uint8_t	*u;
	size_t		 ul;

	/* authzid "admin", authcid "bob": the authcid is the user */
	ck_assert(mail_sasl_user(CT_SASL_PLAIN,
	    L("YWRtaW4AYm9iAHB3"), buf, sizeof(buf), &u, &ul));
	ck_assert_uint_eq(ul, 3);
	ck_assert(memcmp(u, "bob", 3) == 0);
	/* no second NUL: not PLAIN's shape */
	ck_assert(!mail_sasl_user(CT_SASL_PLAIN, L("AGJvYg=="), buf,
	    sizeof(buf), &u, &ul));
	/* not base64 */
	ck_assert(!mail_sasl_user(CT_SASL_LOGIN, L("Ym9i!"), buf,
	    sizeof(buf), &u, &ul));
	/* longer than the buffer: refused, never overrun */
	ck_assert(!mail_sasl_user(CT_SASL_LOGIN, L("c2VjcmV0"), small,
	    sizeof(small), &u, &ul));
}
END_TEST

START_TEST(test_mech_next)
{
	struct mail_facts	mf;
	char			b[128];

	memset(&mf, 0, sizeof(mf));
	ck_assert_str_eq(pt_mechs(&mf, b, sizeof(b)), "");
	mf.mechs.p = (const uint8_t *)"PLAIN  LOGIN XOAUTH2 ";
	mf.mechs.n = strlen((const char *)mf.mechs.p);
	mf.mechs_form = MAIL_MECHS_LIST;
	ck_assert_str_eq(pt_mechs(&mf, b, sizeof(b)), "PLAIN LOGIN XOAUTH2");
	mf.mechs.p = (const uint8_t *)"* CAPABILITY IMAP4rev1 AUTH=PLAIN "
	    "AUTH= auth=login AUTHX=NO";
	mf.mechs.n = strlen((const char *)mf.mechs.p);
	mf.mechs_form = MAIL_MECHS_AUTH_EQ;
	ck_assert_str_eq(pt_mechs(&mf, b, sizeof(b)), "PLAIN login");
}
END_TEST

Suite *
mailproto_suite(void)
{
	Suite	*s = suite_create("mailproto");
	TCase	*tc;

	tc = tcase_create("tokens");
	tcase_add_test(tc, test_token);
	tcase_add_test(tc, test_has_word);
	suite_add_tcase(s, tc);
	tc = tcase_create("sasl");
	tcase_add_test(tc, test_sasl_plain_ir);
	tcase_add_test(tc, test_sasl_login_steps);
	tcase_add_test(tc, test_sasl_empty_ir_and_cancel);
	tcase_add_test(tc, test_sasl_user_shapes);
	suite_add_tcase(s, tc);
	tc = tcase_create("mech_next");
	tcase_add_test(tc, test_mech_next);
	suite_add_tcase(s, tc);
	return s;
}
