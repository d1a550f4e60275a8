/*
 * output_text.c -- one aligned, human-readable line per session:
 *
 *   time  proto mode  client -> server  offered/negotiated  outcome  reason
 *   [sni=...] [endpoint="..."] [alert=...] [cleartext="MECH"]
 *   [helo="..."] [client_id="..."] [exception=...] [midstream]
 */
#include <stdio.h>

#include "config.h"
#include "flow.h"
#include "output.h"
#include "tls.h"
#include "verdict.h"


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
output_text_session(FILE *fp, const struct flow *f, const struct verdict *v)
{
	const struct tls_alert	*a = &f->sess.alert[DIR_S2C];
	char			 t[OUTPUT_TIME_MAX], cip[OUTPUT_ADDR_MAX];
	char			 sip[OUTPUT_ADDR_MAX], cli[64], srv[64];
	char			 vb1[8], vb2[8], sni[TLS_MAX_SNI * 4 + 1];
	const char		*an, *src;

	output_time(f->first_ts, t, sizeof(t));
	t[19] = '\0';			/* whole seconds are enough here */
	output_ip(f, 0, cip, sizeof(cip));
	output_ip(f, 1, sip, sizeof(sip));
	snprintf(cli, sizeof(cli), f->family == 6 ? "[%s]:%u" : "%s:%u", cip,
	    f->cli_port);
	snprintf(srv, sizeof(srv), f->family == 6 ? "[%s]:%u" : "%s:%u", sip,
	    f->srv_port);
	fprintf(fp, "%sZ %-4s %-8s %21s -> %-21s %-7s %-7s %-16s %s", t,
	    output_proto(f), output_mode(f), cli, srv,
	    text_version(v->client_max, vb1, sizeof(vb1)),
	    text_version(v->negotiated, vb2, sizeof(vb2)),
	    verdict_outcome_name(v->outcome), verdict_reason_name(v->reason));
	if ((src = output_server_name(f, sni, sizeof(sni))) != NULL)
		fprintf(fp, " %s=%s", src, sni);
	if ((src = output_endpoint_label(f)) != NULL)
		fprintf(fp, " endpoint=\"%s\"", src);
	if (!a->seen)
		a = &f->sess.alert[DIR_C2S];
	if (a->seen) {
		an = tls_alert_name(a->desc);
		fprintf(fp, " alert=%s:%s:%s",
		    a == &f->sess.alert[DIR_S2C] ? "server" : "client",
		    a->level == 2 ? "fatal" : "warning",
		    an != NULL ? an : "unknown");
	}
	if ((src = verdict_cleartext_name(f)) != NULL)
		fprintf(fp, " cleartext=\"%s\"", src);
	if (f->sess.info != NULL && f->sess.info->helo_seen) {
		output_clean(f->sess.info->helo, f->sess.info->helo_len, sni,
		    sizeof(sni));
		fprintf(fp, " helo=\"%s\"", sni);
	}
	if (f->sess.info != NULL && f->sess.info->id_len[MI_ID_NAME] > 0) {
		output_clean(f->sess.info->id[MI_ID_NAME],
		    f->sess.info->id_len[MI_ID_NAME], sni, sizeof(sni));
		fprintf(fp, " client_id=\"%s\"", sni);
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
	char	t[OUTPUT_TIME_MAX], cip[OUTPUT_ADDR_MAX], sip[OUTPUT_ADDR_MAX];
	char	vb[8];

	output_time(as->window_end, t, sizeof(t));
	t[19] = '\0';
	output_addr(as->family, as->cli, cip, sizeof(cip));
	output_addr(as->family, as->srv, sip, sizeof(sip));
	fprintf(fp, "%sZ %-4s summary  %21s -> %s port %u: %llu more %s "
	    "sessions (%s) in the window\n", t, config_proto_name(as->proto),
	    cip, sip, as->srv_port, (unsigned long long)as->count,
	    verdict_reason_name(as->reason),
	    text_version(as->version, vb, sizeof(vb)));
}
