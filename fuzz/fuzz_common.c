/*
 * fuzz_common.c -- setup, hand-built flows, chunk framing and session
 * summaries shared by the fuzz targets (see fuzz.h).
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "decode.h"
#include "dns.h"
#include "flow.h"
#include "fuzz.h"
#include "log.h"
#include "mail.h"
#include "output.h"
#include "reasm.h"
#include "tls.h"
#include "verdict.h"

static struct config	*fuzz_cfg;
static size_t		 fuzz_mem_base;	/* accounted bytes before a flow */

bool
fuzz_env(const char *name)
{
	const char	*v = getenv(name);

	return v != NULL && *v != '\0' && strcmp(v, "0") != 0;
}

void
fuzz_fail(const char *fmt, ...)
{
	va_list	ap;

	fputs("fuzz: invariant failed: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/*
 * One exception that matches (10.0.0.0/8, the clients of fuzz_stream and
 * fuzz_packet's seeds) and one that has run out (192.168.0.0/16, the
 * hand-built flows' client): both paths of verdict_policy().
 */
static void
fuzz_exceptions(struct config *c)
{
	struct config_exception	*e;

	if ((e = calloc(2, sizeof(*e))) == NULL)
		fuzz_fail("calloc");
	e[0].client.family = 4;
	e[0].client.prefix = 8;
	e[0].client.addr[0] = 10;
	e[0].expires_days = 100000;		/* 2243 */
	memcpy(e[0].expires, "2243-10-16", 11);
	e[1].client.family = 4;
	e[1].client.prefix = 16;
	e[1].client.addr[0] = 192;
	e[1].client.addr[1] = 168;
	e[1].proto = PROTO_IMAP;
	e[1].expires_days = 1;			/* 1970-01-02 */
	memcpy(e[1].expires, "1970-01-02", 11);
	if ((e[0].owner = strdup("fuzz <fuzz@example.test>")) == NULL ||
	    (e[1].owner = strdup("expired")) == NULL ||
	    (e[0].ticket = strdup("FUZZ-1")) == NULL)
		fuzz_fail("strdup");
	c->exceptions = e;
	c->nexceptions = 2;
}

/*
 * Two remote collectors, one RFC 5424 and one CEF, so every event also goes
 * through the syslog formatters.  They send to a UDP socket of ours on the
 * loopback that nobody reads: once its buffer is full the kernel drops the
 * datagrams, and no "connection refused" comes back to the sender.
 */
static void
fuzz_remotes(struct config *c)
{
	struct config_remote	*r;
	struct sockaddr_in	 sin;
	socklen_t		 slen = sizeof(sin);
	int			 i, fd;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &slen) == -1)
		fuzz_fail("collector socket");
	/* fd stays open, unread, for the life of the process. */
	if ((r = calloc(2, sizeof(*r))) == NULL)
		fuzz_fail("calloc");
	for (i = 0; i < 2; i++) {
		if ((r[i].host = strdup("127.0.0.1")) == NULL)
			fuzz_fail("strdup");
		r[i].port = ntohs(sin.sin_port);
		r[i].transport = CONFIG_TRANSPORT_UDP;
		r[i].queue = 64;
	}
	r[0].format = CONFIG_RFORMAT_RFC5424;
	r[1].format = CONFIG_RFORMAT_CEF;
	c->remotes = r;
	c->nremotes = 2;
}

static char	fuzz_dir[64];		/* temporary: events, inventory */
static char	fuzz_inv_path[96];	/* "" when no inventory is kept */
static char	fuzz_ev_path[96];	/* the JSON sink's file */
static int	fuzz_ev_fd = -1;	/* ...read back from here */
static off_t	fuzz_ev_off;

static void
fuzz_cleanup(void)
{
	char	p[128];

	snprintf(p, sizeof(p), "%s/inv.json", fuzz_dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/inv.csv", fuzz_dir);
	unlink(p);
	unlink(fuzz_ev_path);
	rmdir(fuzz_dir);
}

/*
 * Every line the JSON sink wrote since the last call must be one JSON
 * object that jansson accepts (valid UTF-8, no raw control characters, no
 * duplicate keys): the events are written by hand (output_json.c), and
 * wire bytes (names, ALPN...) end up in them.  The file is emptied when
 * it grows past 1 MiB (the sink appends, so it carries on at 0).
 */
void
fuzz_check_events(void)
{
	static char	*buf;
	static size_t	 cap;
	json_error_t	 err;
	json_t		*j;
	struct stat	 st;
	size_t		 n, i, start;
	ssize_t		 r;

	if (fuzz_ev_fd < 0 || fstat(fuzz_ev_fd, &st) != 0)
		return;
	if (st.st_size < fuzz_ev_off)
		fuzz_ev_off = 0;
	n = (size_t)(st.st_size - fuzz_ev_off);
	if (n == 0)
		return;
	if (n > cap) {
		free(buf);
		cap = n;
		if ((buf = malloc(cap)) == NULL)
			fuzz_fail("malloc");
	}
	if ((r = pread(fuzz_ev_fd, buf, n, fuzz_ev_off)) != (ssize_t)n)
		fuzz_fail("pread events");
	/* Only whole lines: the sink flushes after each event. */
	for (i = start = 0; i < n; i++) {
		if (buf[i] != '\n')
			continue;
		j = json_loadb(buf + start, i - start, JSON_REJECT_DUPLICATES,
		    &err);
		if (j == NULL || !json_is_object(j)) {
			fprintf(stderr, "event: %.*s\n", (int)(i - start),
			    buf + start);
			fuzz_fail("the JSON sink wrote a line that is not a "
			    "JSON object: %s (column %d)", err.text,
			    err.column);
		}
		json_decref(j);
		start = i + 1;
	}
	fuzz_ev_off += (off_t)start;
	if (fuzz_ev_off > (1 << 20) && ftruncate(fuzz_ev_fd, 0) == 0)
		fuzz_ev_off = 0;
}

void
fuzz_inventory_tick(uint64_t now)
{
	static uint64_t	n;

	if (fuzz_inv_path[0] != '\0' && ++n % 4096 == 0) {
		output_inventory(now);
		fuzz_check_events();
	}
}

struct config *
fuzz_setup(void)
{
	return fuzz_setup_inventory(false);
}

struct config *
fuzz_setup_inventory(bool inventory)
{
	char	err[256];

	if (fuzz_cfg != NULL)
		return fuzz_cfg;
	snprintf(fuzz_dir, sizeof(fuzz_dir), "/tmp/tlsfloor-fuzz-XXXXXX");
	if (mkdtemp(fuzz_dir) == NULL)
		fuzz_fail("mkdtemp");
	atexit(fuzz_cleanup);
	snprintf(fuzz_ev_path, sizeof(fuzz_ev_path), "%s/events.json",
	    fuzz_dir);
	if (inventory)
		snprintf(fuzz_inv_path, sizeof(fuzz_inv_path), "%s/inv",
		    fuzz_dir);
	log_init("tlsfloor-fuzz", 0);
	if ((fuzz_cfg = config_default()) == NULL)
		fuzz_fail("config_default");
	/* Every sink but local syslog, every event type, ok sessions too,
	 * alerts de-duplicated (summaries): all of output/ runs. */
	fuzz_cfg->json_enabled = true;
	fuzz_cfg->text_enabled = true;
	if (config_set_string(&fuzz_cfg->json_path, fuzz_ev_path) != 0 ||
	    config_set_string(&fuzz_cfg->text_path, "/dev/null") != 0)
		fuzz_fail("config_set_string");
	fuzz_cfg->out_flush = true;	/* whole lines for fuzz_check_events */
	fuzz_cfg->json_events = CONFIG_EV_ALL;
	fuzz_cfg->session_events_ok = true;
	fuzz_cfg->log_user = true;	/* the SASL user name decoder runs */
	fuzz_cfg->dedup_window = 60;
	if (!fuzz_env("FUZZ_NO_REMOTE"))
		fuzz_remotes(fuzz_cfg);
	fuzz_exceptions(fuzz_cfg);
	verdict_init(fuzz_cfg);
	if (output_open(fuzz_cfg, fuzz_inv_path[0] != '\0' ? fuzz_inv_path :
	    NULL, err, sizeof(err)) != 0)
		fuzz_fail("output_open: %s", err);
	if (flow_init(fuzz_cfg) != 0)
		fuzz_fail("flow_init");
	if (dns_init(1024) != 0)
		fuzz_fail("dns_init");
	if ((fuzz_ev_fd = open(fuzz_ev_path, O_RDWR)) == -1)
		fuzz_fail("%s", fuzz_ev_path);
	return fuzz_cfg;
}

void
fuzz_write_file(int fd, const uint8_t *data, size_t size)
{
	size_t	off = 0;
	ssize_t	w;

	if (ftruncate(fd, 0) != 0)
		fuzz_fail("ftruncate");
	while (off < size) {
		if ((w = pwrite(fd, data + off, size - off, (off_t)off)) <= 0)
			fuzz_fail("pwrite");
		off += (size_t)w;
	}
}

struct conn *
fuzz_flow(uint8_t proto, uint8_t fflags)
{
	struct flow	*fl = calloc(1, sizeof(*fl));
	struct conn	*f;
	bool		 impl = (fflags & FLOW_F_IMPLICIT) != 0;

	if (fl == NULL)
		fuzz_fail("calloc flow");
	f = &fl->c;
	fuzz_mem_base = budget_used();
	f->family = 4;
	f->proto = proto;
	f->fflags = fflags;
	memcpy(f->cli, (const uint8_t[]){ 192, 168, 1, 10 }, 4);
	memcpy(f->srv, (const uint8_t[]){ 10, 1, 0, 1 }, 4);
	f->cli_port = 40000;
	switch (proto) {
	case PROTO_POP3:
		f->srv_port = impl ? 995 : 110;
		break;
	case PROTO_IMAP:
		f->srv_port = impl ? 993 : 143;
		break;
	case PROTO_SMTP:
		f->srv_port = impl ? 465 : 587;
		break;
	default:
		f->srv_port = 443;
		break;
	}
	f->id = 1;
	f->first_ts = f->last_ts = 1767225600000000ULL;	/* 2026-01-01 */
	f->origin = "fuzz";
	f->first_pktno = 1;
	return f;
}

void
fuzz_flow_end(struct conn *f)
{
	struct flow	*fl = flow_of(f);

	reasm_flush(f, fl->stream, DIR_C2S);
	reasm_flush(f, fl->stream, DIR_S2C);
	f->sess.end = END_EOF;
	/* The event goes to every sink fuzz_setup() opened. */
	verdict_finish(f);
	fuzz_check_events();
	flow_release_state(fl);
	free(fl);
	/* Every accounted byte the stages took for this flow came back. */
	if (budget_used() != fuzz_mem_base)
		fuzz_fail("budget_used %zu after the flow, %zu before",
		    budget_used(), fuzz_mem_base);
}

bool
fuzz_next_chunk(const uint8_t **pp, size_t *np, struct fuzz_chunk *c)
{
	const uint8_t	*p = *pp;
	size_t		 n = *np, len;

	if (n < 2)
		return false;
	c->dir = p[0] & 1;
	c->gap = (p[0] & 2) != 0;
	len = p[1];
	p += 2;
	n -= 2;
	if (len > n)
		len = n;
	c->p = p;
	c->n = len;
	*pp = p + len;
	*np = n - len;
	return true;
}

void
fuzz_summarise(const struct conn *f, struct fuzz_sum *s)
{
	int	d;

	memset(s, 0, sizeof(*s));
	s->starttls = f->sess.starttls;
	s->offered = f->sess.starttls_offered;
	s->plaintext_final = f->sess.plaintext_final;
	s->has_ch = f->sess.ch != NULL;
	s->has_sh = f->sess.sh != NULL;
	s->ch_version = s->has_ch ? tls_client_max_version(f->sess.ch) : 0;
	s->sh_version = s->has_sh ? tls_server_version(f->sess.sh) : 0;
	s->mail_lines = f->sess.mail_lines;
	s->cleartext = f->sess.cleartext;
	if (f->sess.info != NULL) {
		s->info_len[0] = f->sess.info->banner_len;
		s->info_len[1] = f->sess.info->helo_len;
		s->info_len[2] = f->sess.info->user_len;
		for (d = 0; d < MI_ID_MAX; d++)
			s->info_len[3 + d] = f->sess.info->id_len[d];
		s->nmechs = (uint8_t)strnlen(f->sess.info->mechs,
		    sizeof(f->sess.info->mechs));
	}
	for (d = 0; d < 2; d++) {
		s->tls[d] = f->sess.tls[d];
		s->not_tls[d] = f->sess.not_tls[d];
		s->bad_hello[d] = f->sess.bad_hello[d];
		s->hello_gap[d] = f->sess.hello_gap[d];
		if (f->sess.alert[d].seen) {
			s->alert[d][0] = f->sess.alert[d].level;
			s->alert[d][1] = f->sess.alert[d].desc;
		}
	}
}

const char *
fuzz_sum_diff(const struct fuzz_sum *a, const struct fuzz_sum *b)
{
#define CMP(field)	if (memcmp(&a->field, &b->field, sizeof(a->field))) \
			    return #field
	CMP(starttls);
	CMP(offered);
	CMP(plaintext_final);
	CMP(has_ch);
	CMP(has_sh);
	CMP(ch_version);
	CMP(sh_version);
	CMP(mail_lines);
	CMP(tls);
	CMP(not_tls);
	CMP(bad_hello);
	CMP(hello_gap);
	CMP(alert);
	CMP(cleartext);
	CMP(info_len);
	CMP(nmechs);
#undef CMP
	return NULL;
}

void
fuzz_play(struct conn *f, const uint8_t *p, size_t n, bool bytewise,
    unsigned (*input)(struct conn *, enum dir, const uint8_t *, size_t),
    unsigned (*gap)(struct conn *, enum dir))
{
	struct fuzz_chunk	c;
	uint8_t			*copy;
	size_t			 i;
	unsigned		 done = 0;	/* as reasm.c keeps it */

	while (fuzz_next_chunk(&p, &n, &c)) {
		if (c.gap && !(done & DIR_BIT(c.dir)))
			done |= gap(f, c.dir);
		f->pkts[c.dir]++;
		f->bytes[c.dir] += c.n;
		if (c.n == 0)
			continue;
		/* Exactly the chunk's bytes, so ASan sees a read past them. */
		if ((copy = malloc(c.n)) == NULL)
			fuzz_fail("malloc");
		memcpy(copy, c.p, c.n);
		if (!bytewise) {
			if (!(done & DIR_BIT(c.dir)))
				done |= input(f, c.dir, copy, c.n);
		} else
			for (i = 0; i < c.n && !(done & DIR_BIT(c.dir)); i++)
				done |= input(f, c.dir, copy + i, 1);
		free(copy);
	}
}

unsigned
fuzz_mail_gap(struct conn *f, enum dir dir)
{
	return mail_gap(f, dir);
}

unsigned
fuzz_tls_input(struct conn *f, enum dir dir, const uint8_t *p, size_t n)
{
	return tls_input(f, dir, p, n) ? DIR_BIT(dir) : 0;
}

unsigned
fuzz_tls_gap(struct conn *f, enum dir dir)
{
	return tls_gap(f, dir) ? DIR_BIT(dir) : 0;
}

void
fuzz_sum_print(const char *what, const struct fuzz_sum *s)
{
	fprintf(stderr, "%s: starttls %u offered %d plaintext_final %d "
	    "ch %d/%#x sh %d/%#x lines %u tls %d/%d not_tls %d/%d "
	    "bad_hello %d/%d hello_gap %d/%d alert %u.%u/%u.%u "
	    "cleartext %u info %u/%u/%u mechs %u\n", what,
	    s->starttls, s->offered, s->plaintext_final, s->has_ch,
	    s->ch_version, s->has_sh, s->sh_version, s->mail_lines,
	    s->tls[0], s->tls[1], s->not_tls[0], s->not_tls[1],
	    s->bad_hello[0], s->bad_hello[1], s->hello_gap[0],
	    s->hello_gap[1], s->alert[0][0], s->alert[0][1], s->alert[1][0],
	    s->alert[1][1], s->cleartext, s->info_len[0], s->info_len[1],
	    s->info_len[2], s->nmechs);
}
