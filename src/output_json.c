/*
 * output_json.c -- the events as JSON objects, written one per line (JSON
 * Lines) by the json sink and carried as the message body to syslog.
 *
 * Field names follow the Elastic Common Schema where it has one (source.*
 * is always the client, destination.* the server; tls.version as "1.2" with
 * tls.version_protocol "tls"); our own fields live under tlsfloor.*.
 * Objects are nested, not dotted keys.  Keys come out in a fixed order.
 *
 * Strings go through jansson, which does the JSON escaping; bytes from the
 * wire (SNI) are first cut to printable ASCII by output_clean(), so an
 * invalid UTF-8 name cannot make jansson drop the field.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>

#include "caps.h"
#include "classify.h"
#include "config.h"
#include "fingerprint.h"
#include "flow.h"
#include "output.h"
#include "stats.h"
#include "tls.h"
#include "verdict.h"


static void
set_str(json_t *o, const char *k, const char *v)
{
	json_object_set_new(o, k, v != NULL ? json_string(v) : json_null());
}

static void
set_int(json_t *o, const char *k, json_int_t v)
{
	json_object_set_new(o, k, json_integer(v));
}

static void
set_hex16(json_t *o, const char *k, uint16_t v)
{
	char	buf[8];

	snprintf(buf, sizeof(buf), "0x%04x", v);
	json_object_set_new(o, k, json_string(buf));
}

static json_t *
hex16(uint16_t v)
{
	char	buf[8];

	snprintf(buf, sizeof(buf), "0x%04x", v);
	return json_string(buf);
}

/* "TLSv1.2", or "0x0305" for a value we have no name for; null for 0. */
static json_t *
version_json(uint16_t v)
{
	const char	*n;

	if (v == 0)
		return json_null();
	if ((n = tls_version_name(v)) != NULL)
		return json_string(n);
	return hex16(v);
}

/* ECS tls.version / tls.version_protocol. */
static void
ecs_version(json_t *tls, uint16_t v)
{
	static const struct { uint16_t v; const char *num, *proto; } ecs[] = {
		{ TLS_V_SSL2, "2.0", "ssl" }, { TLS_V_SSL3, "3.0", "ssl" },
		{ TLS_V_1_0, "1.0", "tls" }, { TLS_V_1_1, "1.1", "tls" },
		{ TLS_V_1_2, "1.2", "tls" }, { TLS_V_1_3, "1.3", "tls" },
	};
	size_t	i;

	v = tls_version_norm(v);
	for (i = 0; i < sizeof(ecs) / sizeof(ecs[0]); i++)
		if (ecs[i].v == v) {
			set_str(tls, "version", ecs[i].num);
			set_str(tls, "version_protocol", ecs[i].proto);
		}
}

static json_t *
json_endpoint(const struct flow *f, int server)
{
	json_t	*o = json_object();
	char	 ip[OUTPUT_ADDR_MAX], name[OUTPUT_NAME_MAX];
	int	 dir = server ? DIR_S2C : DIR_C2S;

	output_ip(f, server, ip, sizeof(ip));
	set_str(o, "ip", ip);
	set_int(o, "port", server ? f->srv_port : f->cli_port);
	if (server && output_server_name(f, name, sizeof(name)) != NULL)
		set_str(o, "domain", name);	/* ECS destination.domain */
	set_int(o, "packets", (json_int_t)f->pkts[dir]);
	set_int(o, "bytes", (json_int_t)f->bytes[dir]);
	return o;
}

/* ECS event.*: kind, category/type, our dataset, times, severity. */
static json_t *
json_event(const char *kind, const char *dataset, int severity,
    uint64_t start, uint64_t end)
{
	json_t	*o = json_object(), *a;
	char	 t[OUTPUT_TIME_MAX];

	set_str(o, "kind", kind);
	a = json_array();
	json_array_append_new(a, json_string("network"));
	json_object_set_new(o, "category", a);
	a = json_array();
	json_array_append_new(a, json_string("connection"));
	json_object_set_new(o, "type", a);
	set_str(o, "dataset", dataset);
	if (severity >= 0)
		set_int(o, "severity", severity);	/* syslog numbering */
	output_time(start, t, sizeof(t));
	set_str(o, "start", t);
	output_time(end, t, sizeof(t));
	set_str(o, "end", t);
	set_int(o, "duration", (json_int_t)(end - start) * 1000);	/* ns */
	return o;
}

static json_t *
json_network(const struct flow *f)
{
	json_t	*o = json_object(), *vlan;
	char	 id[8];

	set_str(o, "transport", "tcp");
	set_str(o, "type", f->family == 4 ? "ipv4" : "ipv6");
	set_str(o, "protocol", output_proto(f));
	if (f->vlan != 0) {
		vlan = json_object();
		snprintf(id, sizeof(id), "%u", f->vlan);
		set_str(vlan, "id", id);
		json_object_set_new(o, "vlan", vlan);
	}
	return o;
}

/* ECS tls.*: what the connection used, as far as it got. */
static json_t *
json_tls(const struct flow *f, const struct verdict *v,
    const struct fp_set *fs)
{
	const struct tls_client_hello	*ch = f->sess.ch;
	const struct tls_server_hello	*sh = f->sess.sh;
	json_t				*o = json_object(), *c, *a;
	char				 sni[TLS_MAX_SNI * 4 + 1];
	int				 i;

	if (v->negotiated != 0)
		ecs_version(o, v->negotiated);
	if (sh != NULL && !sh->sslv2)
		set_str(o, "cipher", classify_cipher_name(sh->cipher));
	json_object_set_new(o, "established",
	    json_boolean(v->outcome == OC_ESTABLISHED));
	if (ch != NULL) {
		c = json_object();
		if (ch->sni_len > 0) {
			output_clean(ch->sni, ch->sni_len, sni, sizeof(sni));
			set_str(c, "server_name", sni);
		}
		a = json_array();
		for (i = 0; i < ch->nciphers; i++)
			if (!tls_is_grease(ch->ciphers[i]))
				json_array_append_new(a, json_string(
				    classify_cipher_name(ch->ciphers[i])));
		json_object_set_new(c, "supported_ciphers", a);
		if (fs->ja3)
			set_str(c, "ja3", fs->ja3_md5);
		if (fs->ja4)
			set_str(c, "ja4", fs->ja4_str);
		json_object_set_new(o, "client", c);
	}
	if (fs->ja3s) {
		c = json_object();
		set_str(c, "ja3s", fs->ja3s_md5);
		json_object_set_new(o, "server", c);
	}
	return o;
}

static json_t *
json_client_hello(const struct tls_client_hello *ch, const struct fp_set *fs)
{
	json_t	*o = json_object(), *a;
	int	 i;

	set_hex16(o, "legacy_version", ch->legacy_version);
	if (ch->has_versions) {
		a = json_array();
		for (i = 0; i < ch->nversions; i++)
			json_array_append_new(a, hex16(ch->versions[i]));
		json_object_set_new(o, "supported_versions", a);
	}
	if (ch->sslv2)
		json_object_set_new(o, "sslv2", json_true());
	a = json_array();
	for (i = 0; i < ch->nexts; i++)
		json_array_append_new(a, json_integer(ch->exts[i]));
	json_object_set_new(o, "extensions", a);
	set_int(o, "length", ch->length);
	if (fs->ja3)
		set_str(o, "ja3_string", fs->ja3_str);
	if (fs->ja4)
		set_str(o, "ja4_r", fs->ja4_r);
	return o;
}

static json_t *
json_server_hello(const struct tls_server_hello *sh, const struct fp_set *fs)
{
	json_t	*o = json_object();

	set_hex16(o, "legacy_version", sh->legacy_version);
	if (sh->selected != 0)
		set_hex16(o, "selected_version", sh->selected);
	if (sh->sslv2)
		json_object_set_new(o, "sslv2", json_true());
	else
		set_hex16(o, "cipher", sh->cipher);
	if (sh->hrr)
		json_object_set_new(o, "hello_retry_request", json_true());
	if (fs->ja3s)
		set_str(o, "ja3s_string", fs->ja3s_str);
	return o;
}

/* The alert that tells the story: the server's if it sent one. */
static json_t *
json_alert(const struct flow *f)
{
	const struct tls_alert	*a = &f->sess.alert[DIR_S2C];
	const char		*side = "server", *name;
	json_t			*o;

	if (!a->seen) {
		a = &f->sess.alert[DIR_C2S];
		side = "client";
	}
	if (!a->seen)
		return NULL;
	o = json_object();
	set_str(o, "from", side);
	set_str(o, "level", a->level == 2 ? "fatal" :
	    a->level == 1 ? "warning" : "unknown");
	set_int(o, "code", a->desc);
	name = tls_alert_name(a->desc);
	set_str(o, "description", name != NULL ? name : "unknown");
	return o;
}

static json_t *
json_anomalies(const struct flow *f)
{
	const struct session	*s = &f->sess;
	json_t			*a = json_array();

	if (s->hello_gap[DIR_C2S])
		json_array_append_new(a, json_string("client_hello_lost"));
	if (s->hello_gap[DIR_S2C])
		json_array_append_new(a, json_string("server_hello_lost"));
	if (s->bad_hello[DIR_C2S])
		json_array_append_new(a, json_string("bad_client_hello"));
	if (s->bad_hello[DIR_S2C])
		json_array_append_new(a, json_string("bad_server_hello"));
	if (s->ch != NULL && s->ch->partial)
		json_array_append_new(a, json_string("client_hello_partial"));
	if (s->ch != NULL && s->ch->ext_bad)
		json_array_append_new(a,
		    json_string("bad_client_hello_extensions"));
	if (s->not_tls[DIR_C2S])
		json_array_append_new(a, json_string("client_not_tls"));
	if (s->not_tls[DIR_S2C])
		json_array_append_new(a, json_string("server_not_tls"));
	if (f->stream[DIR_C2S].gaps + f->stream[DIR_S2C].gaps > 0)
		json_array_append_new(a, json_string("stream_gap"));
	if (f->stream[DIR_C2S].conflicts + f->stream[DIR_S2C].conflicts > 0)
		json_array_append_new(a, json_string("overlap_conflict"));
	if (json_array_size(a) == 0) {
		json_decref(a);
		return NULL;
	}
	return a;
}

/* nDPI's view of a flow it saw: its name, and the risks it flagged. */
static void
json_dpi(json_t *o, const struct flow *f)
{
	const char	*risks[16], *app = classify_app(f);
	size_t		 n = classify_risks(f, risks, 16), i;
	json_t		*a;

	if (app != NULL)
		set_str(o, "dpi_app", app);
	if (n == 0)
		return;
	a = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(risks[i]));
	json_object_set_new(o, "dpi_risks", a);
}

/* The exception that covers (or covered) this client. */
static json_t *
json_exception(const struct verdict *v)
{
	const struct config_exception	*e = v->exception;
	json_t				*o = json_object();

	set_str(o, "state", v->exception_live ? "live" : "expired");
	set_str(o, "owner", e->owner);
	set_str(o, "expires", e->expires);
	if (e->ticket != NULL)
		set_str(o, "ticket", e->ticket);
	if (e->note != NULL)
		set_str(o, "note", e->note);
	if (!v->exception_live)		/* what it would say without one */
		set_str(o, "reason", verdict_reason_name(v->base_reason));
	return o;
}

static json_t *
json_tlsfloor(const struct flow *f, const struct verdict *v,
    const struct fp_set *fs)
{
	static const char *const starttls[] = {
		[STARTTLS_NONE] = NULL, [STARTTLS_SENT] = "requested",
		[STARTTLS_ACCEPTED] = "accepted", [STARTTLS_REFUSED] = "refused",
	};
	json_t		*o = json_object(), *x, *pcap;
	char		 name[OUTPUT_NAME_MAX];
	const char	*src;

	set_str(o, "reason", verdict_reason_name(v->reason));
	set_str(o, "outcome", verdict_outcome_name(v->outcome));
	set_str(o, "mode", output_mode(f));
	json_object_set_new(o, "client_max_version",
	    version_json(v->client_max));
	json_object_set_new(o, "negotiated_version",
	    version_json(v->negotiated));
	json_object_set_new(o, "floor", version_json(verdict_floor()));
	if ((src = output_server_name(f, name, sizeof(name))) != NULL)
		set_str(o, "server_name_source", src);
	if ((src = output_endpoint_label(f)) != NULL)
		set_str(o, "endpoint_label", src);
	if (!(f->fflags & FLOW_F_IMPLICIT)) {
		if (f->sess.starttls < 4 && starttls[f->sess.starttls] != NULL)
			set_str(o, "starttls", starttls[f->sess.starttls]);
		json_object_set_new(o, "starttls_offered",
		    json_boolean(f->sess.starttls_offered));
	}
	if ((x = json_alert(f)) != NULL)
		json_object_set_new(o, "alert", x);
	if (v->exception != NULL)
		json_object_set_new(o, "exception", json_exception(v));
	if (f->sess.ch != NULL)
		json_object_set_new(o, "client_hello",
		    json_client_hello(f->sess.ch, fs));
	if (f->sess.sh != NULL)
		json_object_set_new(o, "server_hello",
		    json_server_hello(f->sess.sh, fs));
	set_str(o, "detected_by", f->fflags & FLOW_F_BY_DPI ? "dpi" :
	    f->fflags & FLOW_F_BY_BANNER ? "greeting" : "port");
	json_dpi(o, f);
	json_object_set_new(o, "midstream",
	    json_boolean(f->fflags & FLOW_F_MIDSTREAM));
	set_str(o, "end", output_end(f));
	if ((x = json_anomalies(f)) != NULL)
		json_object_set_new(o, "anomalies", x);
	if (f->origin != NULL) {
		pcap = json_object();
		set_str(pcap, "file", f->origin);
		set_int(pcap, "packet", (json_int_t)f->first_pktno);
		json_object_set_new(o, "pcap", pcap);
	}
	return o;
}

/*
 * A session (EV_SESSION) or the alert it raised (EV_ALERT): the same
 * fields; the alert says kind "alert" and carries its severity.
 */
json_t *
oj_session(const struct flow *f, const struct verdict *v,
    const struct fp_set *fs, enum ev_type t)
{
	json_t	*e = json_object();
	char	 ts[OUTPUT_TIME_MAX];

	output_time(f->first_ts, ts, sizeof(ts));
	set_str(e, "@timestamp", ts);
	json_object_set_new(e, "event", t == EV_ALERT ?
	    json_event("alert", "tlsfloor.alert", v->severity, f->first_ts,
	    f->last_ts) :
	    json_event("event", "tlsfloor.session", -1, f->first_ts,
	    f->last_ts));
	json_object_set_new(e, "source", json_endpoint(f, 0));
	json_object_set_new(e, "destination", json_endpoint(f, 1));
	json_object_set_new(e, "network", json_network(f));
	if (f->sess.ch != NULL || f->sess.sh != NULL)
		json_object_set_new(e, "tls", json_tls(f, v, fs));
	json_object_set_new(e, "tlsfloor", json_tlsfloor(f, v, fs));
	return e;
}

/* How many alerts of one kind a de-duplication window held back. */
json_t *
oj_summary(const struct alert_summary *as)
{
	json_t	*e = json_object(), *o, *x;
	char	 ip[OUTPUT_ADDR_MAX], ts[OUTPUT_TIME_MAX];

	output_time(as->window_end, ts, sizeof(ts));
	set_str(e, "@timestamp", ts);
	json_object_set_new(e, "event", json_event("alert",
	    "tlsfloor.alert_summary", as->severity, as->first_ts,
	    as->last_ts));
	o = json_object();
	output_addr(as->family, as->cli, ip, sizeof(ip));
	set_str(o, "ip", ip);
	json_object_set_new(e, "source", o);
	o = json_object();
	output_addr(as->family, as->srv, ip, sizeof(ip));
	set_str(o, "ip", ip);
	set_int(o, "port", as->srv_port);
	json_object_set_new(e, "destination", o);
	o = json_object();
	set_str(o, "transport", "tcp");
	set_str(o, "type", as->family == 4 ? "ipv4" : "ipv6");
	set_str(o, "protocol", config_proto_name(as->proto));
	json_object_set_new(e, "network", o);
	o = json_object();
	set_str(o, "reason", verdict_reason_name(as->reason));
	json_object_set_new(o, "version", version_json(as->version));
	set_int(o, "count", (json_int_t)as->count);
	x = json_object();
	output_time(as->window_start, ts, sizeof(ts));
	set_str(x, "start", ts);
	output_time(as->window_end, ts, sizeof(ts));
	set_str(x, "end", ts);
	json_object_set_new(o, "window", x);
	json_object_set_new(e, "tlsfloor", o);
	return e;
}

/*
 * Counters (every one, so a SIEM can graph them), live capture drops, and
 * exceptions about to run out (within 14 days).
 */
json_t *
oj_stats(uint64_t now, const struct output_capstat *cs, size_t n,
    const struct config *cfg)
{
	json_t	*e = json_object(), *o, *x, *a;
	char	 ts[OUTPUT_TIME_MAX];
	size_t	 i;
	int	 k;
	time_t	 t = (time_t)(now / 1000000u);

	output_time(now, ts, sizeof(ts));
	set_str(e, "@timestamp", ts);
	o = json_object();
	set_str(o, "kind", "metric");
	set_str(o, "dataset", "tlsfloor.stats");
	json_object_set_new(e, "event", o);
	o = json_object();
	x = json_object();
	for (k = 0; k < STAT_MAX; k++)
		set_int(x, stats_name((enum stat_id)k), (json_int_t)stats[k]);
	json_object_set_new(o, "counters", x);
	a = json_array();
	for (i = 0; i < n; i++) {
		x = json_object();
		set_str(x, "interface", cs[i].name);
		set_int(x, "received", (json_int_t)cs[i].received);
		set_int(x, "dropped", (json_int_t)cs[i].dropped);
		set_int(x, "if_dropped", (json_int_t)cs[i].if_dropped);
		json_array_append_new(a, x);
	}
	json_object_set_new(o, "capture", a);
	a = json_array();
	for (i = 0; cfg != NULL && i < cfg->nexceptions; i++) {
		const struct config_exception *ex = &cfg->exceptions[i];
		int32_t	today = (int32_t)(t / 86400);

		if (ex->expires_days < today || ex->expires_days > today + 14)
			continue;
		x = json_object();
		set_str(x, "owner", ex->owner);
		set_str(x, "expires", ex->expires);
		if (ex->ticket != NULL)
			set_str(x, "ticket", ex->ticket);
		set_int(x, "line", ex->line);
		json_array_append_new(a, x);
	}
	json_object_set_new(o, "exceptions_expiring", a);
	json_object_set_new(e, "tlsfloor", o);
	return e;
}

/* One inventory record as an event (record: a reference it takes). */
json_t *
oj_inventory(uint64_t now, json_t *record)
{
	json_t	*e, *o;
	char	 ts[OUTPUT_TIME_MAX];

	if (record == NULL)
		return NULL;
	e = json_object();
	output_time(now, ts, sizeof(ts));
	set_str(e, "@timestamp", ts);
	o = json_object();
	set_str(o, "kind", "state");
	set_str(o, "dataset", "tlsfloor.inventory");
	json_object_set_new(e, "event", o);
	o = json_object();
	json_object_set_new(o, "inventory", record);
	json_object_set_new(e, "tlsfloor", o);
	return e;
}

/* One line: dumped into a buffer first, so stdio sees a single write. */
void
oj_write(FILE *fp, const json_t *e)
{
	static char	buf[OUTPUT_EVENT_BUF];
	size_t		n;

	n = json_dumpb(e, buf, sizeof(buf) - 1,
	    JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (n == 0 || n >= sizeof(buf) - 1) {	/* too big: the slow way */
		json_dumpf(e, fp, JSON_COMPACT | JSON_PRESERVE_ORDER);
		fputc('\n', fp);
		return;
	}
	buf[n++] = '\n';
	fwrite(buf, 1, n, fp);
}
