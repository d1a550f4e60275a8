/*
 * output_text.c -- one aligned, human-readable line per session:
 *
 *   time  proto mode  client -> server  offered/negotiated  outcome  reason
 *   [sni=...] [endpoint="..."] [alert=...] [cleartext="MECH"]
 *   [helo="..."] [client_id="..."] [exception=...] [midstream]
 *
 * Fields are separated by spaces and the optional ones are key=value, so a
 * value taken from the wire (the SNI, a name from a DNS answer) or from the
 * configuration (an endpoint label) must not contain a space, '=' or '"':
 * a client sending the SNI "x alert=server:fatal:... midstream" would
 * otherwise forge fields of its own line.  output_text_escape() writes
 * those three bytes, like the backslash, control and non-ASCII bytes that
 * field_clean() already escaped, as \xNN.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "fields.h"
#include "fmt.h"
#include "config.h"
#include "session.h"
#include "output_text.h"
#include "tls.h"


/*
 * in (a string field_clean() made, or configuration text) with ' ', '='
 * and '"' escaped as \xNN too; control, non-ASCII and backslash bytes that
 * are still there are escaped the same way.  Truncated to fit, always
 * NUL-terminated.
 */
size_t
output_text_escape(const char *in, char *buf, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)in;
	size_t			 o = 0;
	bool			 cleaned;

	if (len == 0)
		return 0;
	for (; *p != '\0'; p++) {
		/* "\x" from field_clean() is already an escape: keep it */
		cleaned = p[0] == '\\' && p[1] == 'x' &&
		    isxdigit(p[2]) && isxdigit(p[3]);
		if (cleaned || (*p > 0x20 && *p < 0x7f && *p != '=' &&
		    *p != '"' && *p != '\\')) {
			if (o + 1 >= len)
				break;
			buf[o++] = (char)*p;
			continue;
		}
		if (o + 4 >= len)
			break;
		buf[o++] = '\\';
		buf[o++] = 'x';
		buf[o++] = hex[*p >> 4];
		buf[o++] = hex[*p & 15];
	}
	buf[o] = '\0';
	return o;
}

static const char *
text_version(uint16_t v, char *buf, size_t len)
{
	const char	*n;

	if (v == 0)
		return "-";
	if ((n = tls_version_name(v)) != NULL)
		return n;
	snprintf(buf, len, "0x%04x", v);
	return buf;
}

void
output_text_session(FILE *fp, const struct config *cfg, const struct conn *f,
    const struct verdict *v)
{
	const struct tls_alert	*a = &f->sess.alert[DIR_S2C];
	char			 t[FMT_TIME_MAX], cip[FIELD_ADDR_MAX];
	char			 sip[FIELD_ADDR_MAX], cli[64], srv[64];
	char			 vb1[8], vb2[8], sni[TLS_MAX_SNI * 4 + 1];
	char			 esc[TLS_MAX_SNI * 4 * 4 + 1];
	const char		*an, *src;

	field_time(f->first_ts, t, sizeof(t));
	t[19] = '\0';			/* whole seconds are enough here */
	field_ip(f, 0, cip, sizeof(cip));
	field_ip(f, 1, sip, sizeof(sip));
	snprintf(cli, sizeof(cli), f->family == 6 ? "[%s]:%u" : "%s:%u", cip,
	    f->cli_port);
	snprintf(srv, sizeof(srv), f->family == 6 ? "[%s]:%u" : "%s:%u", sip,
	    f->srv_port);
	fprintf(fp, "%sZ %-4s %-8s %21s -> %-21s %-7s %-7s %-16s %s", t,
	    field_proto(f), field_mode(f), cli, srv,
	    text_version(v->client_max, vb1, sizeof(vb1)),
	    text_version(v->negotiated, vb2, sizeof(vb2)),
	    session_outcome_name(v->outcome), session_reason_name(v->reason));
	if ((src = field_server_name(f, sni, sizeof(sni))) != NULL) {
		output_text_escape(sni, esc, sizeof(esc));
		fprintf(fp, " %s=%s", src, esc);
	}
	if ((src = field_endpoint_label(cfg, f)) != NULL) {
		/* configuration text: cleaned like wire bytes first */
		field_clean((const uint8_t *)src, strlen(src), sni,
		    sizeof(sni));
		output_text_escape(sni, esc, sizeof(esc));
		fprintf(fp, " endpoint=\"%s\"", esc);
	}
	if (!a->seen)
		a = &f->sess.alert[DIR_C2S];
	if (a->seen) {
		an = tls_alert_name(a->desc);
		fprintf(fp, " alert=%s:%s:%s",
		    a == &f->sess.alert[DIR_S2C] ? "server" : "client",
		    a->level == 2 ? "fatal" : "warning",
		    an != NULL ? an : "unknown");
	}
	if ((src = session_cleartext_name(f)) != NULL)
		fprintf(fp, " cleartext=\"%s\"", src);
	if (f->sess.info != NULL && f->sess.info->helo_seen) {
		field_clean(f->sess.info->helo, f->sess.info->helo_len, sni,
		    sizeof(sni));
		output_text_escape(sni, esc, sizeof(esc));
		fprintf(fp, " helo=\"%s\"", esc);
	}
	if (f->sess.info != NULL && f->sess.info->id_len[MI_ID_NAME] > 0) {
		field_clean(f->sess.info->id[MI_ID_NAME],
		    f->sess.info->id_len[MI_ID_NAME], sni, sizeof(sni));
		output_text_escape(sni, esc, sizeof(esc));
		fprintf(fp, " client_id=\"%s\"", esc);
	}
	if (v->exception != NULL)
		fprintf(fp, " exception=%s", v->exception_live ? "live" :
		    "expired");
	if (f->fflags & FLOW_F_MIDSTREAM)
		fputs(" midstream", fp);
	fputc('\n', fp);
}

/* One line for a de-duplication summary. */
void
output_text_summary(FILE *fp, const struct alert_summary *as)
{
	char	t[FMT_TIME_MAX], cip[FIELD_ADDR_MAX], sip[FIELD_ADDR_MAX];
	char	vb[8];

	field_time(as->window_end, t, sizeof(t));
	t[19] = '\0';
	field_addr(as->family, as->cli, cip, sizeof(cip));
	field_addr(as->family, as->srv, sip, sizeof(sip));
	fprintf(fp, "%sZ %-4s summary  %21s -> %s port %u: %llu more %s "
	    "sessions (%s) in the window\n", t, config_proto_name(as->proto),
	    cip, sip, as->srv_port, (unsigned long long)as->count,
	    session_reason_name(as->reason),
	    text_version(as->version, vb, sizeof(vb)));
}
