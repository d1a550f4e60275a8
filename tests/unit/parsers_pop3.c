/*
 * parsers_pop3.c -- pop3.c alone: STLS and its +OK / -ERR (RFC 2595 4),
 * CAPA (RFC 2449), pipelined commands, USER / PASS, APOP (RFC 1939) and
 * SASL AUTH (RFC 5034), one line at a time.
 */
#include "parsers.h"

static struct pop3_state	ps;
static struct mail_facts	mf;

/* One client (C) or server (S) line; the event it gave. */
static enum mail_ev
line(int dir, const char *l)
{
	enum mail_ev	ev;

	ev = pop3_line(&ps, dir, (const uint8_t *)l, strlen(l), &mf);
	pt_spans_inside(&mf, (const uint8_t *)l, strlen(l));
	return ev;
}

#define C(l)	line(DIR_C2S, (l))
#define S(l)	line(DIR_S2C, (l))

static void
setup(void)
{
	memset(&ps, 0, sizeof(ps));
	pop3_init(&ps, false);	/* from the SYN: greeting first */
}

START_TEST(test_greeting)
{
	ck_assert_int_eq(S("+OK POP3 server ready <1896.697@x>"),
	    MAIL_EV_NONE);
	ck_assert(mf.line);
	/* Not a status line: no line counted ("+ " is a challenge). */
	ck_assert_int_eq(S("+ VXNlcm5hbWU6"), MAIL_EV_NONE);
	ck_assert(!mf.line);
	ck_assert_int_eq(S("hello there"), MAIL_EV_NONE);
	ck_assert(!mf.line);
}
END_TEST

START_TEST(test_stls_ok)
{
	S("+OK ready");
	ck_assert_int_eq(C("STLS"), MAIL_EV_STARTTLS_SENT);
	ck_assert(mf.line);
	ck_assert_int_eq(S("+OK Begin TLS negotiation"),
	    MAIL_EV_STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_stls_err)
{
	S("+OK ready");
	ck_assert_int_eq(C("stls"), MAIL_EV_STARTTLS_SENT); /* any case */
	ck_assert_int_eq(S("-ERR TLS not available"),
	    MAIL_EV_STARTTLS_REFUSED);
	/* still AUTHORIZATION: a second try may succeed */
	ck_assert_int_eq(C("STLS"), MAIL_EV_STARTTLS_SENT);
	ck_assert_int_eq(S("+ok"), MAIL_EV_STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_capa_offers)
{
	char	b[64];

	S("+OK ready");
	ck_assert_int_eq(C("CAPA"), MAIL_EV_NONE);
	ck_assert_int_eq(S("+OK Capability list follows"), MAIL_EV_NONE);
	S("USER");
	ck_assert(!mf.starttls_offered);
	S("STLS");
	ck_assert(mf.starttls_offered);
	S("SASL PLAIN LOGIN");
	ck_assert_str_eq(pt_mechs(&mf, b, sizeof(b)), "PLAIN LOGIN");
	S(".");
	/* The body is over: a line "STLS" now is no capability. */
	S("STLS");
	ck_assert(!mf.starttls_offered);
}
END_TEST

START_TEST(test_multiline_not_capa)
{
	/* RETR's body may hold "STLS" and "+OK" lines: content, not
	 * capabilities or replies. */
	S("+OK ready");
	C("RETR 1");
	C("STLS");			/* pipelined behind it */
	S("+OK message follows");
	ck_assert_int_eq(S("+OK this is message text"), MAIL_EV_NONE);
	S("STLS");
	ck_assert(!mf.starttls_offered);
	S(".");
	ck_assert_int_eq(S("+OK go ahead"), MAIL_EV_STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_pipelining)
{
	/* RFC 2449 6.6: replies come in command order. */
	S("+OK ready");
	ck_assert_int_eq(C("STAT"), MAIL_EV_NONE);
	ck_assert_int_eq(C("LIST 1"), MAIL_EV_NONE);	/* one line */
	ck_assert_int_eq(C("STLS"), MAIL_EV_STARTTLS_SENT);
	ck_assert_int_eq(S("+OK 2 320"), MAIL_EV_NONE);
	ck_assert_int_eq(S("+OK 1 120"), MAIL_EV_NONE);
	ck_assert_int_eq(S("-ERR not now"), MAIL_EV_STARTTLS_REFUSED);
}
END_TEST

START_TEST(test_midstream)
{
	/* Picked up mid-session: no greeting is waited for. */
	memset(&ps, 0, sizeof(ps));
	pop3_init(&ps, true);
	C("STLS");
	ck_assert_int_eq(S("+OK"), MAIL_EV_STARTTLS_ACCEPTED);
	/* From the SYN, the first +OK is the greeting, not STLS's reply. */
	setup();
	C("STLS");
	ck_assert_int_eq(S("+OK ready"), MAIL_EV_NONE);
	ck_assert_int_eq(S("+OK"), MAIL_EV_STARTTLS_ACCEPTED);
}
END_TEST

START_TEST(test_user_pass)
{
	S("+OK ready");
	ck_assert_int_eq(C("USER bob"), MAIL_EV_NONE);
	ck_assert(pt_span_is(mf.user, "bob"));
	ck_assert_uint_eq(mf.cred, CT_NONE);
	ck_assert_int_eq(S("+OK"), MAIL_EV_NONE);
	ck_assert_int_eq(C("PASS secret"), MAIL_EV_NONE);
	ck_assert_uint_eq(mf.cred, CT_USER_PASS);
	ck_assert_uint_eq(mf.user.n, 0);	/* the password is no user */
	ck_assert_int_eq(S("+OK logged in"), MAIL_EV_PLAINTEXT_FINAL);
}
END_TEST

START_TEST(test_pass_refused)
{
	S("+OK ready");
	C("USER bob");
	S("+OK");
	C("PASS wrong");
	ck_assert_uint_eq(mf.cred, CT_USER_PASS); /* it went by */
	ck_assert_int_eq(S("-ERR invalid"), MAIL_EV_NONE);
	ck_assert_int_eq(C("STLS"), MAIL_EV_STARTTLS_SENT);
}
END_TEST

START_TEST(test_apop)
{
	S("+OK POP3 server ready <1896.697170952@dbc.mtview.ca.us>");
	ck_assert_int_eq(C("APOP mrose c4c9334bac560ecc979e58001b3e22fb"),
	    MAIL_EV_NONE);
	ck_assert_uint_eq(mf.cred, CT_APOP);
	ck_assert(pt_span_is(mf.user, "mrose"));
	ck_assert_int_eq(S("+OK maildrop has 1 message"),
	    MAIL_EV_PLAINTEXT_FINAL);
}
END_TEST

START_TEST(test_auth_plain)
{
	char	u[32];

	S("+OK ready");
	ck_assert_int_eq(C("AUTH PLAIN"), MAIL_EV_NONE);
	ck_assert_int_eq(S("+ "), MAIL_EV_NONE);
	ck_assert_int_eq(C("AGJvYgBzZWNyZXQ="), MAIL_EV_NONE);
	ck_assert(!mf.line);			/* SASL data, no command */
	ck_assert_uint_eq(mf.cred, CT_SASL_PLAIN);
	ck_assert_str_eq(pt_sasl_user(&mf, u, sizeof(u)), "bob");
	ck_assert_int_eq(S("+OK"), MAIL_EV_PLAINTEXT_FINAL);
}
END_TEST

START_TEST(test_auth_login)
{
	char	u[32];

	S("+OK ready");
	C("AUTH LOGIN");
	S("+ VXNlcm5hbWU6");
	C("Ym9i");
	ck_assert_uint_eq(mf.cred, CT_NONE);
	ck_assert_str_eq(pt_sasl_user(&mf, u, sizeof(u)), "bob");
	S("+ UGFzc3dvcmQ6");
	C("c2VjcmV0");
	ck_assert_uint_eq(mf.cred, CT_SASL_LOGIN);
	ck_assert_int_eq(S("-ERR authentication failed"), MAIL_EV_NONE);
	/* The exchange is over: the client's lines are commands again. */
	ck_assert_int_eq(C("STLS"), MAIL_EV_STARTTLS_SENT);
}
END_TEST

START_TEST(test_auth_list)
{
	/* AUTH alone lists the mechanisms (multi-line), no exchange. */
	S("+OK ready");
	C("AUTH");
	S("+OK");
	S("PLAIN");
	S(".");
	ck_assert_int_eq(C("STLS"), MAIL_EV_STARTTLS_SENT);
}
END_TEST

START_TEST(test_queue_full)
{
	int	i;

	/* The greeting holds one slot; 31 commands fill the rest. */
	for (i = 0; i < MAIL_MAX_PENDING_CMDS - 1; i++) {
		C("NOOP");
		ck_assert(!mf.queue_full);
	}
	ck_assert_int_eq(C("STLS"), MAIL_EV_NONE);	/* not tracked */
	ck_assert(mf.queue_full);
	ck_assert(mf.line);
}
END_TEST

#define W(d, l)	pop3_whole((d), (const uint8_t *)(l), strlen(l))

/* After a gap: which lines are whole (their start is this side's). */
START_TEST(test_whole)
{
	ck_assert(W(DIR_S2C, "+OK done"));
	ck_assert(W(DIR_S2C, "-ERR no"));
	ck_assert(W(DIR_S2C, "+ VXNlcm5hbWU6"));
	ck_assert(!W(DIR_S2C, "OK then"));	/* a tail */
	ck_assert(!W(DIR_S2C, "+Ok"));
	ck_assert(W(DIR_C2S, "STLS"));
	ck_assert(W(DIR_C2S, "RETR 1"));
	ck_assert(!W(DIR_C2S, "LS"));		/* too short for a word */
	ck_assert(!W(DIR_C2S, "US3R bob"));
	ck_assert(!W(DIR_C2S, "TLS\x16"));
}
END_TEST

/* Every prefix of every sample line, either way: no crash, spans inside. */
START_TEST(test_prefix_sweep)
{
	static const char *const lines[] = {
		"+OK ready", "-ERR no", "STLS", "CAPA", "USER bob",
		"PASS pw", "APOP mrose c4c9", "AUTH PLAIN AGJvYgBzZWNyZXQ=",
		"AUTH LOGIN", "SASL PLAIN LOGIN", "LIST", ".",
	};
	size_t	i, k;
	int	dir;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		for (k = 0; k <= strlen(lines[i]); k++)
			for (dir = 0; dir < 2; dir++) {
				setup();
				S("+OK");
				C("CAPA");
				S("+OK");	/* inside CAPA's body */
				pop3_line(&ps, dir,
				    (const uint8_t *)lines[i], k, &mf);
				pt_spans_inside(&mf,
				    (const uint8_t *)lines[i], k);
			}
}
END_TEST

Suite *
pop3_line_suite(void)
{
	Suite	*s = suite_create("pop3_line");
	TCase	*tc;

	tc = tcase_create("stls");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_greeting);
	tcase_add_test(tc, test_stls_ok);
	tcase_add_test(tc, test_stls_err);
	tcase_add_test(tc, test_capa_offers);
	tcase_add_test(tc, test_multiline_not_capa);
	tcase_add_test(tc, test_pipelining);
	tcase_add_test(tc, test_midstream);
	tcase_add_test(tc, test_queue_full);
	tcase_add_test(tc, test_whole);
	suite_add_tcase(s, tc);
	tc = tcase_create("login");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_user_pass);
	tcase_add_test(tc, test_pass_refused);
	tcase_add_test(tc, test_apop);
	tcase_add_test(tc, test_auth_plain);
	tcase_add_test(tc, test_auth_login);
	tcase_add_test(tc, test_auth_list);
	suite_add_tcase(s, tc);
	tc = tcase_create("sweep");
	tcase_add_test(tc, test_prefix_sweep);
	suite_add_tcase(s, tc);
	return s;
}
