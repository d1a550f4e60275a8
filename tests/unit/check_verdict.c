/*
 * check_verdict.c -- verdict.c: outcome and reason from a session's
 * findings, set by hand as the mail and TLS stages would leave them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "unit.h"

static struct conn	*f;
static struct verdict	 v;

static void
setup(void)
{
	unit_setup();
	f = unit_flow(PROTO_IMAP, FLOW_F_IMPLICIT);
	memset(&v, 0, sizeof(v));
}

static void
teardown(void)
{
	if (f != NULL)
		unit_flow_free(f);
	f = NULL;
	verdict_set_floor(TLS_V_1_2);
	unit_teardown();
}

/* A parsed ClientHello: legacy_version, and sv (0: no extension). */
static void
set_ch(uint16_t legacy, uint16_t sv)
{
	struct tls_client_hello	*ch = budget_alloc(sizeof(*ch));

	ck_assert_ptr_nonnull(ch);
	ch->legacy_version = legacy;
	if (sv != 0) {
		ch->has_versions = true;
		ch->nversions = 2;
		ch->versions[0] = 0x5a5a;	/* GREASE */
		ch->versions[1] = sv;
	}
	f->sess.ch = ch;
	f->sess.tls[DIR_C2S] = true;
}

/* A parsed ServerHello: legacy_version, selected (0: none). */
static void
set_sh(uint16_t legacy, uint16_t selected)
{
	struct tls_server_hello	*sh = budget_alloc(sizeof(*sh));

	ck_assert_ptr_nonnull(sh);
	sh->legacy_version = legacy;
	sh->selected = selected;
	f->sess.sh = sh;
	f->sess.tls[DIR_S2C] = true;
}

static void
set_alert(int dir, uint8_t level, uint8_t desc)
{
	f->sess.alert[dir].seen = true;
	f->sess.alert[dir].level = level;
	f->sess.alert[dir].desc = desc;
	f->sess.alert[dir].after_sh = f->sess.sh != NULL;
}

static void
set_close(int dir, uint8_t how)
{
	f->sess.close_how[dir] = how;
	f->sess.close_order[dir] = ++f->sess.nclosed;
}

/* A STARTTLS-port flow in place of the implicit one. */
static void
plain_flow(void)
{
	unit_flow_free(f);
	f = unit_flow(PROTO_POP3, 0);
}

static void
expect(enum outcome oc, enum reason rs, uint16_t client, uint16_t nego)
{
	verdict_judge(f, &v);
	ck_assert_msg(v.outcome == oc, "outcome %s, expected %s",
	    session_outcome_name(v.outcome), session_outcome_name(oc));
	ck_assert_msg(v.reason == rs, "reason %s, expected %s",
	    session_reason_name(v.reason), session_reason_name(rs));
	ck_assert_uint_eq(v.client_max, client);
	ck_assert_uint_eq(v.negotiated, nego);
}

/* --- established ------------------------------------------------------------------ */

START_TEST(test_ok_tls12)
{
	set_ch(0x0303, 0);
	set_sh(0x0303, 0);
	expect(OC_ESTABLISHED, RS_OK, 0x0303, 0x0303);
}
END_TEST

START_TEST(test_ok_tls13)
{
	set_ch(0x0303, 0x0304);
	set_sh(0x0303, 0x0304);
	expect(OC_ESTABLISHED, RS_OK, 0x0304, 0x0304);
}
END_TEST

START_TEST(test_legacy_client)
{
	set_ch(0x0301, 0);
	set_sh(0x0301, 0);
	expect(OC_ESTABLISHED, RS_LEGACY_CLIENT, 0x0301, 0x0301);
}
END_TEST

START_TEST(test_legacy_client_tls11)
{
	set_ch(0x0302, 0);
	set_sh(0x0302, 0);
	expect(OC_ESTABLISHED, RS_LEGACY_CLIENT, 0x0302, 0x0302);
}
END_TEST

START_TEST(test_legacy_client_ssl)
{
	set_ch(0x0300, 0);			/* SSLv3 */
	set_sh(0x0300, 0);
	expect(OC_ESTABLISHED, RS_LEGACY_CLIENT, 0x0300, 0x0300);
}
END_TEST

START_TEST(test_legacy_negotiated)
{
	set_ch(0x0303, 0x0304);			/* could do 1.3 */
	set_sh(0x0301, 0);			/* the server chose 1.0 */
	expect(OC_ESTABLISHED, RS_LEGACY_NEGOTIATED, 0x0304, 0x0301);
}
END_TEST

START_TEST(test_server_hello_only)
{
	/* The ClientHello was lost; the server's choice still counts. */
	set_sh(0x0302, 0);
	expect(OC_ESTABLISHED, RS_LEGACY_NEGOTIATED, 0, 0x0302);
}
END_TEST

START_TEST(test_server_hello_only_ok)
{
	set_sh(0x0303, 0x0304);
	expect(OC_ESTABLISHED, RS_OK, 0, 0x0304);
}
END_TEST

START_TEST(test_client_alert_before_server_hello_kept)
{
	/* A client alert seen before the ServerHello does not turn an
	 * established session into an abort. */
	set_ch(0x0303, 0);
	set_alert(DIR_C2S, 2, 40);
	set_sh(0x0303, 0);
	expect(OC_ESTABLISHED, RS_OK, 0x0303, 0x0303);
}
END_TEST

/* --- refusals --------------------------------------------------------------------- */

START_TEST(test_legacy_refused_alert)
{
	set_ch(0x0301, 0);
	set_alert(DIR_S2C, 2, 70);		/* fatal protocol_version */
	expect(OC_REFUSED, RS_LEGACY_REFUSED, 0x0301, 0);
}
END_TEST

START_TEST(test_refused_modern_client)
{
	set_ch(0x0303, 0x0304);
	set_alert(DIR_S2C, 2, 40);
	expect(OC_REFUSED, RS_OK, 0x0304, 0);
}
END_TEST

START_TEST(test_warning_alert_not_refusal)
{
	set_ch(0x0301, 0);
	set_alert(DIR_S2C, 1, 112);
	expect(OC_INCOMPLETE, RS_LEGACY_CLIENT, 0x0301, 0);
}
END_TEST

START_TEST(test_server_close)
{
	set_ch(0x0301, 0);
	set_close(DIR_S2C, CLOSE_FIN);		/* silent hang-up */
	expect(OC_SERVER_CLOSE, RS_LEGACY_REFUSED, 0x0301, 0);
}
END_TEST

START_TEST(test_server_close_rst_then_client)
{
	set_ch(0x0302, 0);
	set_close(DIR_S2C, CLOSE_RST);
	set_close(DIR_C2S, CLOSE_FIN);
	expect(OC_SERVER_CLOSE, RS_LEGACY_REFUSED, 0x0302, 0);
}
END_TEST

START_TEST(test_server_close_needs_silence)
{
	/* The server sent TLS bytes after the hello (say, a ServerHello
	 * the capture cut): not a silent refusal. */
	set_ch(0x0301, 0);
	f->sess.server_tls_after_ch = 100;
	set_close(DIR_S2C, CLOSE_FIN);
	expect(OC_INCOMPLETE, RS_LEGACY_CLIENT, 0x0301, 0);
}
END_TEST

START_TEST(test_server_close_not_after_plaintext)
{
	set_ch(0x0301, 0);
	f->sess.not_tls[DIR_S2C] = true;	/* a banner, then a close */
	set_close(DIR_S2C, CLOSE_FIN);
	expect(OC_INCOMPLETE, RS_LEGACY_CLIENT, 0x0301, 0);
}
END_TEST

START_TEST(test_server_close_modern_client)
{
	set_ch(0x0303, 0);
	set_close(DIR_S2C, CLOSE_FIN);
	expect(OC_SERVER_CLOSE, RS_OK, 0x0303, 0);
}
END_TEST

/* --- aborts ------------------------------------------------------------------------ */

START_TEST(test_client_closed_first)
{
	set_ch(0x0301, 0);
	set_close(DIR_C2S, CLOSE_FIN);
	set_close(DIR_S2C, CLOSE_FIN);
	expect(OC_CLIENT_ABORT, RS_LEGACY_CLIENT, 0x0301, 0);
}
END_TEST

START_TEST(test_client_fatal_alert_no_server_hello)
{
	set_ch(0x0303, 0);
	set_alert(DIR_C2S, 2, 48);
	expect(OC_CLIENT_ABORT, RS_OK, 0x0303, 0);
}
END_TEST

START_TEST(test_client_rejects_server_choice)
{
	set_ch(0x0303, 0);
	set_sh(0x0301, 0);
	set_alert(DIR_C2S, 2, 70);		/* after the ServerHello */
	expect(OC_CLIENT_ABORT, RS_LEGACY_NEGOTIATED, 0x0303, 0x0301);
}
END_TEST

/* --- gaps and nothing seen ------------------------------------------------------------ */

START_TEST(test_gap_no_hello)
{
	f->sess.hello_gap[DIR_C2S] = true;
	expect(OC_GAP, RS_UNKNOWN, 0, 0);
}
END_TEST

START_TEST(test_gap_server_hello_lost)
{
	set_ch(0x0301, 0);
	f->sess.hello_gap[DIR_S2C] = true;
	expect(OC_GAP, RS_LEGACY_CLIENT, 0x0301, 0);
}
END_TEST

START_TEST(test_gap_on_starttls_port)
{
	/* A hole before TLS could be seen makes it a TLS session. */
	plain_flow();
	f->sess.hello_gap[DIR_C2S] = true;
	expect(OC_GAP, RS_UNKNOWN, 0, 0);
}
END_TEST

START_TEST(test_unknown_nothing_seen)
{
	expect(OC_INCOMPLETE, RS_UNKNOWN, 0, 0);
}
END_TEST

START_TEST(test_unknown_not_tls)
{
	f->sess.not_tls[DIR_S2C] = true;
	f->sess.tls[DIR_S2C] = true;
	expect(OC_INCOMPLETE, RS_UNKNOWN, 0, 0);
}
END_TEST

START_TEST(test_unknown_closed_without_hello)
{
	set_close(DIR_S2C, CLOSE_FIN);
	expect(OC_INCOMPLETE, RS_UNKNOWN, 0, 0);
}
END_TEST

/* --- plaintext --------------------------------------------------------------------------- */

START_TEST(test_plaintext)
{
	plain_flow();
	f->sess.mail_lines = 3;
	expect(OC_PLAINTEXT, RS_PLAINTEXT, 0, 0);
}
END_TEST

START_TEST(test_plaintext_needs_mail_lines)
{
	/* Bytes on a mail port that were not the mail protocol. */
	plain_flow();
	expect(OC_INCOMPLETE, RS_UNKNOWN, 0, 0);
}
END_TEST

START_TEST(test_starttls_refused)
{
	plain_flow();
	f->sess.mail_lines = 4;
	f->sess.starttls = STARTTLS_REFUSED;
	expect(OC_STARTTLS_REFUSED, RS_PLAINTEXT, 0, 0);
}
END_TEST

START_TEST(test_starttls_unanswered)
{
	plain_flow();
	f->sess.mail_lines = 2;
	f->sess.starttls = STARTTLS_SENT;
	expect(OC_INCOMPLETE, RS_UNKNOWN, 0, 0);
}
END_TEST

START_TEST(test_starttls_accepted_no_tls)
{
	/* Accepted, then the capture ended before a TLS byte. */
	plain_flow();
	f->sess.mail_lines = 4;
	f->sess.starttls = STARTTLS_ACCEPTED;
	expect(OC_INCOMPLETE, RS_UNKNOWN, 0, 0);
}
END_TEST

START_TEST(test_starttls_legacy)
{
	plain_flow();
	f->sess.mail_lines = 4;
	f->sess.starttls = STARTTLS_ACCEPTED;
	set_ch(0x0301, 0);
	set_sh(0x0301, 0);
	expect(OC_ESTABLISHED, RS_LEGACY_CLIENT, 0x0301, 0x0301);
}
END_TEST

/* --- the floor ------------------------------------------------------------------------------ */

START_TEST(test_floor_13)
{
	verdict_set_floor(TLS_V_1_3);
	ck_assert_uint_eq(verdict_floor(), TLS_V_1_3);
	set_ch(0x0303, 0);
	set_sh(0x0303, 0);
	expect(OC_ESTABLISHED, RS_LEGACY_CLIENT, 0x0303, 0x0303);
}
END_TEST

START_TEST(test_floor_13_negotiated)
{
	verdict_set_floor(TLS_V_1_3);
	set_ch(0x0303, 0x0304);
	set_sh(0x0303, 0);
	expect(OC_ESTABLISHED, RS_LEGACY_NEGOTIATED, 0x0304, 0x0303);
}
END_TEST

START_TEST(test_floor_13_ok)
{
	verdict_set_floor(TLS_V_1_3);
	set_ch(0x0303, 0x0304);
	set_sh(0x0303, 0x0304);
	expect(OC_ESTABLISHED, RS_OK, 0x0304, 0x0304);
}
END_TEST

START_TEST(test_floor_10)
{
	verdict_set_floor(TLS_V_1_0);
	set_ch(0x0301, 0);
	set_sh(0x0301, 0);
	expect(OC_ESTABLISHED, RS_OK, 0x0301, 0x0301);
}
END_TEST

START_TEST(test_floor_10_ssl)
{
	verdict_set_floor(TLS_V_1_0);
	set_ch(TLS_V_SSL2, 0);			/* an SSLv2 hello */
	set_alert(DIR_S2C, 2, 40);
	expect(OC_REFUSED, RS_LEGACY_REFUSED, TLS_V_SSL2, 0);
}
END_TEST

START_TEST(test_default_floor)
{
	ck_assert_uint_eq(verdict_floor(), TLS_V_1_2);
}
END_TEST

/* --- verdict_finish, names, free -------------------------------------------------------- */

START_TEST(test_finish_counts)
{
	set_ch(0x0301, 0);
	set_sh(0x0301, 0);
	f->bytes[DIR_C2S] = 100;
	verdict_finish(f);
	ck_assert_uint_eq(stats[STAT_SESSIONS], 1);
	ck_assert_uint_eq(stats[STAT_RS_LEGACY_CLIENT], 1);
	ck_assert_uint_eq(stats[STAT_OC_ESTABLISHED], 1);
	ck_assert_uint_eq(verdict_count(RS_LEGACY_CLIENT), 1);
	ck_assert_uint_eq(verdict_count(RS_OK), 0);
	ck_assert_uint_eq(verdict_count(RS_MAX), 0);
}
END_TEST

START_TEST(test_finish_no_payload)
{
	/* A handshake and nothing else: no session at all. */
	verdict_finish(f);
	ck_assert_uint_eq(stats[STAT_SESS_NO_PAYLOAD], 1);
	ck_assert_uint_eq(stats[STAT_SESSIONS], 0);
	ck_assert_uint_eq(stats[STAT_RS_UNKNOWN], 0);
}
END_TEST

START_TEST(test_names)
{
	static const char *const oc[] = {
		"established", "refused", "server_close", "client_abort",
		"gap", "incomplete", "plaintext", "starttls_refused",
	};
	static const char *const rs[] = {
		"cleartext_credentials", "legacy_refused", "exception_expired", "legacy_client",
		"legacy_negotiated",
		"plaintext", "unknown", "ok",
	};
	int	i;

	for (i = 0; i < OC_MAX; i++)
		ck_assert_str_eq(session_outcome_name((enum outcome)i), oc[i]);
	for (i = 0; i < RS_MAX; i++)
		ck_assert_str_eq(session_reason_name((enum reason)i), rs[i]);
	ck_assert_str_eq(session_outcome_name(OC_MAX), "?");
	ck_assert_str_eq(session_reason_name(RS_MAX), "?");
}
END_TEST

START_TEST(test_free)
{
	size_t	before = budget_used();

	set_ch(0x0301, 0);
	set_sh(0x0301, 0);
	ck_assert_uint_gt(budget_used(), before);
	verdict_free(&f->sess);
	ck_assert_ptr_null(f->sess.ch);
	ck_assert_ptr_null(f->sess.sh);
	ck_assert_uint_eq(budget_used(), before);
	verdict_free(&f->sess);			/* NULLs are fine */
}
END_TEST

/* --- alert de-duplication ------------------------------------------------- */

#define T0	1790000000ull		/* 2026-09-21, seconds */

/*
 * One finished session with a TLS 1.0-only client from 192.168.1.<cli>
 * to 10.1.0.1:993, at T0 + sec; f is reused for it and freed after.
 */
static void
legacy_session(uint8_t cli, uint64_t sec)
{
	unit_flow_free(f);
	f = unit_flow(PROTO_IMAP, FLOW_F_IMPLICIT);
	f->cli[3] = cli;
	f->first_ts = f->last_ts = (T0 + sec) * 1000000u;
	f->bytes[DIR_C2S] = 200;
	f->bytes[DIR_S2C] = 100;
	set_ch(0x0301, 0);
	set_sh(0x0301, 0);
	verdict_finish(f);
}

/* Events of this dataset ("tlsfloor.alert", ...), in order. */
static json_t *
only(json_t *events, const char *dataset)
{
	json_t	*a = json_array(), *ev;
	size_t	 i;

	json_array_foreach(events, i, ev)
		if (strcmp(unit_jstr(ev, "event.dataset"), dataset) == 0)
			json_array_append(a, ev);
	return a;
}

static void
dedup_open(uint32_t window)
{
	unit_out_open_ev(CONFIG_EV_SESSION | CONFIG_EV_ALERT |
	    CONFIG_EV_ALERT_SUMMARY);
	unit_cfg->dedup_window = window;
	verdict_set_config(unit_cfg);
}

START_TEST(test_dedup_window)
{
	json_t	*ev, *al, *su, *x;

	dedup_open(60);
	legacy_session(10, 0);		/* alerts, opens the window */
	legacy_session(11, 5);		/* another client: its own alert */
	legacy_session(10, 10);		/* held back */
	legacy_session(10, 20);		/* held back */
	legacy_session(10, 100);	/* window over: summary, new alert */
	ck_assert_uint_eq(stats[STAT_OUT_ALERTS_DEDUP], 2);
	ck_assert_uint_eq(stats[STAT_OUT_SUMMARIES], 1);
	verdict_flush();		/* the last windows held nothing */
	ck_assert_uint_eq(stats[STAT_OUT_SUMMARIES], 1);
	ck_assert_uint_eq(stats[STAT_SESSIONS], 5);

	ev = unit_out_events();
	ck_assert_uint_eq(json_array_size(ev), 5 + 3 + 1);
	al = only(ev, "tlsfloor.alert");
	su = only(ev, "tlsfloor.alert_summary");
	ck_assert_uint_eq(json_array_size(al), 3);
	ck_assert_str_eq(unit_jstr(json_array_get(al, 0), "source.ip"),
	    "192.168.1.10");
	ck_assert_str_eq(unit_jstr(json_array_get(al, 1), "source.ip"),
	    "192.168.1.11");
	ck_assert_str_eq(unit_jstr(json_array_get(al, 2), "source.ip"),
	    "192.168.1.10");
	ck_assert_str_eq(unit_jstr(json_array_get(al, 2), "@timestamp"),
	    "2026-09-21T14:15:00.000000Z");

	ck_assert_uint_eq(json_array_size(su), 1);
	x = json_array_get(su, 0);
	ck_assert_int_eq(unit_jint(x, "tlsfloor.count"), 2);
	ck_assert_str_eq(unit_jstr(x, "tlsfloor.reason"), "legacy_client");
	ck_assert_str_eq(unit_jstr(x, "tlsfloor.version"), "TLSv1.0");
	ck_assert_str_eq(unit_jstr(x, "source.ip"), "192.168.1.10");
	ck_assert_str_eq(unit_jstr(x, "destination.ip"), "10.1.0.1");
	ck_assert_int_eq(unit_jint(x, "destination.port"), 993);
	ck_assert_str_eq(unit_jstr(x, "network.protocol"), "imap");
	/* the sessions it held back, and the window they fell in */
	ck_assert_str_eq(unit_jstr(x, "event.start"),
	    "2026-09-21T14:13:30.000000Z");
	ck_assert_str_eq(unit_jstr(x, "event.end"),
	    "2026-09-21T14:13:40.000000Z");
	ck_assert_str_eq(unit_jstr(x, "tlsfloor.window.start"),
	    "2026-09-21T14:13:20.000000Z");
	ck_assert_str_eq(unit_jstr(x, "tlsfloor.window.end"),
	    "2026-09-21T14:14:20.000000Z");
	/* ... written before the alert that opened the next window */
	{
		size_t	i, at_sum = 0, at_last = 0;
		json_t	*e;

		json_array_foreach(ev, i, e) {
			if (strcmp(unit_jstr(e, "event.dataset"),
			    "tlsfloor.alert_summary") == 0)
				at_sum = i;
			if (json_equal(e, json_array_get(al, 2)))
				at_last = i;
		}
		ck_assert_uint_lt(at_sum, at_last);
	}
	json_decref(al);
	json_decref(su);
	json_decref(ev);
}
END_TEST

START_TEST(test_dedup_flush)
{
	json_t	*ev, *su;

	dedup_open(3600);
	legacy_session(10, 0);
	legacy_session(10, 1);
	legacy_session(10, 2);
	legacy_session(10, 3);
	ck_assert_uint_eq(stats[STAT_OUT_SUMMARIES], 0);
	verdict_tick((T0 + 3599) * 1000000u);	/* still open */
	ck_assert_uint_eq(stats[STAT_OUT_SUMMARIES], 0);
	verdict_flush();			/* end of run closes it */
	ck_assert_uint_eq(stats[STAT_OUT_SUMMARIES], 1);
	ev = unit_out_events();
	su = only(ev, "tlsfloor.alert_summary");
	ck_assert_uint_eq(json_array_size(su), 1);
	ck_assert_int_eq(unit_jint(json_array_get(su, 0), "tlsfloor.count"),
	    3);
	json_decref(su);
	json_decref(ev);
}
END_TEST

START_TEST(test_dedup_tick)
{
	dedup_open(60);
	legacy_session(10, 0);
	legacy_session(10, 30);
	verdict_tick((T0 + 59) * 1000000u);
	ck_assert_uint_eq(stats[STAT_OUT_SUMMARIES], 0);
	verdict_tick((T0 + 60) * 1000000u);	/* a quiet network still
						 * hears the summary */
	ck_assert_uint_eq(stats[STAT_OUT_SUMMARIES], 1);
	verdict_flush();
	ck_assert_uint_eq(stats[STAT_OUT_SUMMARIES], 1);
}
END_TEST

START_TEST(test_dedup_key)
{
	json_t	*ev, *al;

	dedup_open(60);
	legacy_session(10, 0);
	/* the same client refused: another reason, another alert */
	unit_flow_free(f);
	f = unit_flow(PROTO_IMAP, FLOW_F_IMPLICIT);
	f->first_ts = f->last_ts = (T0 + 1) * 1000000u;
	f->bytes[DIR_C2S] = 200;
	f->bytes[DIR_S2C] = 7;
	set_ch(0x0301, 0);
	set_alert(DIR_S2C, 2, 70);
	verdict_finish(f);
	/* ... and over POP3: another protocol */
	unit_flow_free(f);
	f = unit_flow(PROTO_POP3, FLOW_F_IMPLICIT);
	f->first_ts = f->last_ts = (T0 + 2) * 1000000u;
	f->bytes[DIR_C2S] = 200;
	set_ch(0x0301, 0);
	set_sh(0x0301, 0);
	verdict_finish(f);
	ck_assert_uint_eq(stats[STAT_OUT_ALERTS_DEDUP], 0);
	ev = unit_out_events();
	al = only(ev, "tlsfloor.alert");
	ck_assert_uint_eq(json_array_size(al), 3);
	ck_assert_str_eq(unit_jstr(json_array_get(al, 1), "tlsfloor.reason"),
	    "legacy_refused");
	json_decref(al);
	json_decref(ev);
}
END_TEST

START_TEST(test_dedup_off)
{
	json_t	*ev, *al;

	dedup_open(0);
	legacy_session(10, 0);
	legacy_session(10, 1);
	legacy_session(10, 2);
	verdict_flush();
	ck_assert_uint_eq(stats[STAT_OUT_ALERTS_DEDUP], 0);
	ck_assert_uint_eq(stats[STAT_OUT_SUMMARIES], 0);
	ev = unit_out_events();
	al = only(ev, "tlsfloor.alert");
	ck_assert_uint_eq(json_array_size(al), 3);
	json_decref(al);
	json_decref(ev);
}
END_TEST

/* --- exceptions ------------------------------------------------------------- */

/* Take the exceptions of this YAML into unit_cfg. */
static void
exceptions(const char *yaml)
{
	char		 path[64], err[512];
	struct config	*c;
	FILE		*fp;
	int		 fd;

	snprintf(path, sizeof(path), "/tmp/tlsfloor-exc-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(yaml, fp);
	ck_assert_int_eq(fclose(fp), 0);
	c = config_load(path, err, sizeof(err));
	unlink(path);
	ck_assert_msg(c != NULL, "%s", err);
	unit_cfg->exceptions = c->exceptions;
	unit_cfg->nexceptions = c->nexceptions;
	c->exceptions = NULL;
	c->nexceptions = 0;
	config_free(c);
	dedup_open(0);
}

START_TEST(test_exception_live)
{
	json_t	*ev, *x;

	exceptions("exceptions:\n"
	    "  - client: 192.168.1.0/24\n"
	    "    protocol: imap\n"
	    "    owner: ops\n"
	    "    expires: 2026-12-31\n"
	    "    ticket: CHG-7\n");
	legacy_session(10, 0);
	ck_assert_uint_eq(stats[STAT_SESS_EXCEPTION], 1);
	ck_assert_uint_eq(verdict_exception_uses(0), 1);
	ck_assert_uint_eq(verdict_count(RS_LEGACY_CLIENT), 1);
	ev = unit_out_events();
	ck_assert_uint_eq(json_array_size(ev), 1);	/* no alert */
	x = json_array_get(ev, 0);
	ck_assert_str_eq(unit_jstr(x, "tlsfloor.reason"), "legacy_client");
	ck_assert_str_eq(unit_jstr(x, "tlsfloor.exception.state"), "live");
	ck_assert_str_eq(unit_jstr(x, "tlsfloor.exception.owner"), "ops");
	ck_assert_str_eq(unit_jstr(x, "tlsfloor.exception.ticket"), "CHG-7");
	ck_assert_ptr_null(unit_jget(x, "tlsfloor.exception.reason"));
	json_decref(ev);
}
END_TEST

START_TEST(test_exception_expired)
{
	json_t	*ev, *al, *x;

	/* T0 is 2026-09-21: a day after this one ran out */
	exceptions("exceptions:\n"
	    "  - client: 192.168.1.10\n"
	    "    owner: ops\n"
	    "    expires: 2026-09-20\n");
	legacy_session(10, 0);
	ck_assert_uint_eq(stats[STAT_SESS_EXCEPTION], 0);
	ck_assert_uint_eq(verdict_exception_uses(0), 1);
	ck_assert_uint_eq(verdict_count(RS_EXCEPTION_EXPIRED), 1);
	ck_assert_uint_eq(verdict_count(RS_LEGACY_CLIENT), 0);
	ev = unit_out_events();
	al = only(ev, "tlsfloor.alert");
	ck_assert_uint_eq(json_array_size(al), 1);
	x = json_array_get(al, 0);
	ck_assert_str_eq(unit_jstr(x, "tlsfloor.reason"), "exception_expired");
	ck_assert_str_eq(unit_jstr(x, "tlsfloor.exception.state"), "expired");
	ck_assert_str_eq(unit_jstr(x, "tlsfloor.exception.reason"),
	    "legacy_client");
	ck_assert_int_eq(unit_jint(x, "event.severity"), 4);
	json_decref(al);
	json_decref(ev);
}
END_TEST

START_TEST(test_exception_capture_time)
{
	/* The expiry day itself is covered, and an old capture is judged
	 * by its own date, not today's. */
	exceptions("exceptions:\n"
	    "  - client: 192.168.1.10\n"
	    "    owner: ops\n"
	    "    expires: 2026-09-21\n");
	legacy_session(10, 0);
	ck_assert_uint_eq(stats[STAT_SESS_EXCEPTION], 1);
	legacy_session(10, 86400);		/* the next day */
	ck_assert_uint_eq(verdict_count(RS_EXCEPTION_EXPIRED), 1);
	ck_assert_uint_eq(verdict_exception_uses(0), 2);
}
END_TEST

START_TEST(test_exception_no_match)
{
	json_t	*ev, *al;

	exceptions("exceptions:\n"
	    "  - { client: 192.168.1.10, protocol: pop3, owner: a,"
	    " expires: 2099-01-01 }\n"
	    "  - { client: 192.168.1.10, server: 10.9.9.9, owner: b,"
	    " expires: 2099-01-01 }\n"
	    "  - { client: 192.168.2.0/24, owner: c, expires: 2099-01-01 }\n");
	legacy_session(10, 0);
	ck_assert_uint_eq(stats[STAT_SESS_EXCEPTION], 0);
	ck_assert_uint_eq(verdict_exception_uses(0) +
	    verdict_exception_uses(1) + verdict_exception_uses(2), 0);
	/* a client that needs no exception does not use one */
	unit_flow_free(f);
	f = unit_flow(PROTO_POP3, FLOW_F_IMPLICIT);
	f->first_ts = f->last_ts = T0 * 1000000u;
	f->bytes[DIR_C2S] = 200;
	set_ch(0x0303, 0);
	set_sh(0x0303, 0);
	verdict_finish(f);
	ck_assert_uint_eq(verdict_exception_uses(0), 0);
	ev = unit_out_events();
	al = only(ev, "tlsfloor.alert");
	ck_assert_uint_eq(json_array_size(al), 1);
	ck_assert_str_eq(unit_jstr(json_array_get(al, 0), "tlsfloor.reason"),
	    "legacy_client");
	ck_assert_ptr_null(unit_jget(json_array_get(ev, 1),
	    "tlsfloor.exception"));
	json_decref(al);
	json_decref(ev);
}
END_TEST

Suite *
verdict_suite(void)
{
	Suite	*s = suite_create("verdict");
	TCase	*tc;

	tc = tcase_create("established");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ok_tls12);
	tcase_add_test(tc, test_ok_tls13);
	tcase_add_test(tc, test_legacy_client);
	tcase_add_test(tc, test_legacy_client_tls11);
	tcase_add_test(tc, test_legacy_client_ssl);
	tcase_add_test(tc, test_legacy_negotiated);
	tcase_add_test(tc, test_server_hello_only);
	tcase_add_test(tc, test_server_hello_only_ok);
	tcase_add_test(tc, test_client_alert_before_server_hello_kept);
	suite_add_tcase(s, tc);

	tc = tcase_create("refused");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_legacy_refused_alert);
	tcase_add_test(tc, test_refused_modern_client);
	tcase_add_test(tc, test_warning_alert_not_refusal);
	tcase_add_test(tc, test_server_close);
	tcase_add_test(tc, test_server_close_rst_then_client);
	tcase_add_test(tc, test_server_close_needs_silence);
	tcase_add_test(tc, test_server_close_not_after_plaintext);
	tcase_add_test(tc, test_server_close_modern_client);
	suite_add_tcase(s, tc);

	tc = tcase_create("abort");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_client_closed_first);
	tcase_add_test(tc, test_client_fatal_alert_no_server_hello);
	tcase_add_test(tc, test_client_rejects_server_choice);
	suite_add_tcase(s, tc);

	tc = tcase_create("incomplete");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_gap_no_hello);
	tcase_add_test(tc, test_gap_server_hello_lost);
	tcase_add_test(tc, test_gap_on_starttls_port);
	tcase_add_test(tc, test_unknown_nothing_seen);
	tcase_add_test(tc, test_unknown_not_tls);
	tcase_add_test(tc, test_unknown_closed_without_hello);
	suite_add_tcase(s, tc);

	tc = tcase_create("plaintext");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_plaintext);
	tcase_add_test(tc, test_plaintext_needs_mail_lines);
	tcase_add_test(tc, test_starttls_refused);
	tcase_add_test(tc, test_starttls_unanswered);
	tcase_add_test(tc, test_starttls_accepted_no_tls);
	tcase_add_test(tc, test_starttls_legacy);
	suite_add_tcase(s, tc);

	tc = tcase_create("floor");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_floor_13);
	tcase_add_test(tc, test_floor_13_negotiated);
	tcase_add_test(tc, test_floor_13_ok);
	tcase_add_test(tc, test_floor_10);
	tcase_add_test(tc, test_floor_10_ssl);
	tcase_add_test(tc, test_default_floor);
	suite_add_tcase(s, tc);

	tc = tcase_create("finish");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_finish_counts);
	tcase_add_test(tc, test_finish_no_payload);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_free);
	suite_add_tcase(s, tc);

	tc = tcase_create("dedup");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_dedup_window);
	tcase_add_test(tc, test_dedup_flush);
	tcase_add_test(tc, test_dedup_tick);
	tcase_add_test(tc, test_dedup_key);
	tcase_add_test(tc, test_dedup_off);
	suite_add_tcase(s, tc);

	tc = tcase_create("exceptions");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_exception_live);
	tcase_add_test(tc, test_exception_expired);
	tcase_add_test(tc, test_exception_capture_time);
	tcase_add_test(tc, test_exception_no_match);
	suite_add_tcase(s, tc);
	return s;
}
