/*
 * parsers_main.c -- run the protocol parsers' suites (parsers.h).
 *
 * A program of its own, linked without flow.o, mail.o or tls.o: the
 * link shows the parsers stand alone.  Fork mode as in unit_main.c.
 */
#include <stdio.h>
#include <stdlib.h>

#include "parsers.h"

bool
pt_span_is(struct mail_span sp, const char *s)
{
	return sp.n == strlen(s) && (sp.n == 0 || memcmp(sp.p, s, sp.n) == 0);
}

const char *
pt_mechs(const struct mail_facts *mf, char *buf, size_t cap)
{
	const uint8_t	*m;
	size_t		 off, ml, have = 0;

	buf[0] = '\0';
	for (off = mail_mech_next(mf, 0, &m, &ml); ml > 0;
	    off = mail_mech_next(mf, off, &m, &ml)) {
		ck_assert(have + ml + 2 <= cap);
		if (have > 0)
			buf[have++] = ' ';
		memcpy(buf + have, m, ml);
		have += ml;
		buf[have] = '\0';
	}
	return buf;
}

static void
inside(struct mail_span sp, const uint8_t *l, size_t n, const char *what)
{
	if (sp.n == 0)
		return;
	ck_assert_msg(sp.p >= l && sp.p + sp.n <= l + n,
	    "%s span outside the line", what);
}

void
pt_spans_inside(const struct mail_facts *mf, const uint8_t *l, size_t n)
{
	int	i;

	inside(mf->user, l, n, "user");
	inside(mf->helo, l, n, "helo");
	inside(mf->mechs, l, n, "mechs");
	for (i = 0; i < MI_ID_MAX; i++)
		inside(mf->id_val[i], l, n, "id");
}

const char *
pt_sasl_user(const struct mail_facts *mf, char *buf, size_t cap)
{
	uint8_t		 dec[MAIL_MAX_SASL_LINE];
	const uint8_t	*u;
	size_t		 ul;

	buf[0] = '\0';
	if (mf->user_sasl == CT_NONE ||
	    !mail_sasl_user(mf->user_sasl, mf->user.p, mf->user.n, dec,
	    sizeof(dec), &u, &ul))
		return buf;
	ck_assert(ul < cap);
	memcpy(buf, u, ul);
	buf[ul] = '\0';
	return buf;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(mailproto_suite());
	srunner_add_suite(sr, pop3_line_suite());
	srunner_add_suite(sr, imap_line_suite());
	srunner_add_suite(sr, smtp_line_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
