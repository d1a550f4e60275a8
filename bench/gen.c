/*
 * bench/gen.c -- a deterministic synthetic capture for tlsfloor's benchmark.
 *
 *   gen [-s SEED] [-b BYTES] [-c FLOWS] [-C] -o FILE.pcap
 *
 * Writes a classic pcap (Ethernet, microseconds) of about BYTES bytes (k, M,
 * G suffixes, powers of 1024) of mixed traffic, the same bytes for the same
 * seed and size, and beside it:
 *
 *   FILE.pcap.expected   key=value counts: packets, bytes, flows by kind,
 *                        mail sessions by the reason tlsfloor should give
 *   FILE.pcap.sessions   one line per mail session (tab-separated):
 *                        client ip, port, server ip, port, protocol, mode,
 *                        reason, client max version, negotiated version
 *
 * The traffic: FLOWS (default 4000) concurrent TCP connections, each slot
 * starting a new connection when its last one ends, interleaved in time
 * order through a heap.  A connection is a script of steps (a literal
 * message, TLS records, base64 text or binary body, each in one direction
 * with a think time), sent in MSS-sized segments paced at the flow's rate,
 * acknowledged every second segment (or piggybacked), with a little
 * reordering and spurious retransmission, a 3-way handshake and a FIN (or
 * RST) teardown.  The tap is near the clients: a server's packets follow
 * the client's by one round trip.
 *
 *   HTTPS 443   TLS 1.3 / 1.2, some TLS 1.0 (old clients, old servers):
 *               not mail, must not be reported
 *   HTTP 80     GET and body
 *   DNS 53/udp  before some connections
 *   POP3 110 (STLS) 995, IMAP 143 (STARTTLS) 993, SMTP 25/587 (STARTTLS)
 *   465: greeting, CAPA/CAPABILITY/EHLO, STARTTLS and its reply, byte-exact
 *   ClientHello/ServerHello (SNI, GREASE, supported_versions, key_share,
 *   ...), the rest of the handshake as records of the right sizes, then
 *   heavy-tailed mailbox transfers as application-data records.  A few
 *   percent are legacy: clients that offer only TLS 1.0/1.1 (accepted, or
 *   refused with an alert, a silent close or a reset), and servers that
 *   choose 1.0/1.1 for a modern client.  Some sessions stay plaintext (no
 *   STARTTLS on offer, or STARTTLS refused).
 *
 * About 15% of connections are IPv6 and a quarter of clients sit behind an
 * 802.1Q tag.  When the output reaches BYTES, no new connection starts and
 * every open one finishes quickly (bulk transfers cut at a record
 * boundary), so every mail session in the file is complete and the
 * expected counts are exact.  With the same seed, a larger BYTES writes the
 * same packets up to the smaller size's cut.
 *
 * Plain C11 and stdio (plus libm); no libpcap.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define US		1000ULL
#define MS		1000000ULL
#define SEC		1000000000ULL
#define NONE		UINT64_MAX
/* 2026-03-02 09:00:00 UTC, a Monday morning. */
#define EPOCH_NS	(1772442000ULL * SEC)

#define MAXSTEPS	400
#define ARENA		(20 * 1024)
#define RPOOL		(1u << 20)		/* random bytes, power of two */
#define TLINE		78			/* 76 base64 + CRLF */
#define TLINES		8192
#define TPOOL		(TLINE * TLINES)
#define POOL_TAIL	4096			/* copy of the head: no wrap */
#define OBUF		(8u << 20)

#define P_REORDER	0.001	/* a data segment overtaken by the next */
#define P_RETX		0.002	/* a data segment sent twice */
/* ...in a dialogue or handshake message (a step of at most SMALL_STEP
 * bytes), where tlsfloor reassembles, more often */
#define P_REORDER_SMALL	0.03
#define P_RETX_SMALL	0.02
#define SMALL_STEP	20000

#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_PSH	0x08
#define TH_ACK	0x10

#define C2S	0
#define S2C	1

/* --- random numbers: xoshiro256** seeded by splitmix64 -------------------- */

struct rng {
	uint64_t	s[4];
};

static uint64_t
splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void
rng_seed(struct rng *r, uint64_t seed)
{
	int	i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix(&seed);
}

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
rng_next(struct rng *r)
{
	uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

/* [0, n) */
static uint32_t
rnd(struct rng *r, uint32_t n)
{
	return n == 0 ? 0 : (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* (0, 1) */
static double
unit(struct rng *r)
{
	return ((double)(rng_next(r) >> 11) + 0.5) / 9007199254740992.0;
}

static int
chance(struct rng *r, double p)
{
	return unit(r) < p;
}

static double
rnorm(struct rng *r)
{
	return sqrt(-2.0 * log(unit(r))) * cos(6.283185307179586 * unit(r));
}

static double
lognorm(struct rng *r, double median, double sigma)
{
	return median * exp(sigma * rnorm(r));
}

static double
pareto(struct rng *r, double xm, double alpha)
{
	return xm / pow(unit(r), 1.0 / alpha);
}

static double
clampd(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* 1 + geometric with the given mean excess. */
static uint32_t
geom(struct rng *r, double mean)
{
	return (uint32_t)floor(log(unit(r)) / log(mean / (mean + 1.0)));
}

static void
rnd_bytes(struct rng *r, uint8_t *p, size_t n)
{
	uint64_t	v = 0;
	size_t		i;

	for (i = 0; i < n; i++) {
		if ((i & 7) == 0)
			v = rng_next(r);
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

/* --- pools ---------------------------------------------------------------- */

static uint8_t	rpool[RPOOL + POOL_TAIL];
static uint8_t	tpool[TPOOL + POOL_TAIL];

static void
pools_init(uint64_t seed)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	struct rng	r;
	size_t		i, j;

	rng_seed(&r, seed ^ 0x706f6f6cULL);
	rnd_bytes(&r, rpool, RPOOL);
	memcpy(rpool + RPOOL, rpool, POOL_TAIL);
	for (i = 0; i < TLINES; i++) {
		uint8_t *l = tpool + i * TLINE;

		for (j = 0; j < 76; j++)
			l[j] = (uint8_t)b64[rnd(&r, 64)];
		l[76] = '\r';
		l[77] = '\n';
	}
	memcpy(tpool + TPOOL, tpool, POOL_TAIL);
}

/* --- output --------------------------------------------------------------- */

static FILE	*out;
static uint8_t	*obuf;
static size_t	 opos;
static uint64_t	 file_bytes, n_pkts, wire_bytes;
static int	 do_csum = 1;

static void
out_flush(void)
{
	if (opos > 0 && fwrite(obuf, 1, opos, out) != opos) {
		perror("gen: write");
		exit(1);
	}
	opos = 0;
}

static uint8_t *
out_reserve(size_t n)
{
	if (opos + n > OBUF)
		out_flush();
	return obuf + opos;
}

static void
put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put24(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 16);
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static void
le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Ones' complement sum in native order (RFC 1071 4.1); fold at the end. */
static uint64_t
csum_add(uint64_t sum, const uint8_t *p, size_t n)
{
	uint32_t	w;
	uint16_t	h;

	while (n >= 4) {
		memcpy(&w, p, 4);
		sum += w;
		p += 4;
		n -= 4;
	}
	if (n >= 2) {
		memcpy(&h, p, 2);
		sum += h;
		p += 2;
		n -= 2;
	}
	if (n == 1) {
		uint8_t b[2] = { p[0], 0 };

		memcpy(&h, b, 2);
		sum += h;
	}
	return sum;
}

static uint16_t
csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void
store_csum(uint8_t *p, uint16_t c)
{
	memcpy(p, &c, 2);	/* native: matches the native sum */
}

/* pcap record header + frame of n bytes starting at the returned pointer */
static uint8_t *
pcap_rec(uint64_t t, size_t n)
{
	uint8_t		*rec = out_reserve(16 + n);
	uint64_t	 abs = EPOCH_NS + t;

	le32(rec, (uint32_t)(abs / SEC));
	le32(rec + 4, (uint32_t)((abs % SEC) / US));
	le32(rec + 8, (uint32_t)n);
	le32(rec + 12, (uint32_t)n);
	opos += 16 + n;
	file_bytes += 16 + n;
	n_pkts++;
	wire_bytes += n;
	return rec + 16;
}

/* --- populations ----------------------------------------------------------- */

/* TLS client profiles: what a ClientHello looks like. */
enum prof {
	PR_CHROME,	/* browser, TLS 1.3, GREASE, ALPN h2 */
	PR_FIREFOX,	/* NSS: Firefox, Thunderbird */
	PR_APPLE,	/* Apple Mail / iOS: TLS 1.3 with GREASE */
	PR_OPENSSL,	/* OpenSSL 3: MTAs, fetchmail, Python scripts */
	PR_SCHANNEL12,	/* Outlook on older Windows: TLS 1.2, no 1.3 */
	PR_SCHANNEL10,	/* Outlook 2010 on Windows 7: TLS 1.0 only */
	PR_OPENSSL10,	/* an old scanner: OpenSSL 1.0, TLS 1.0 only */
	PR_JAVA11,	/* an embedded Java 6/7 client: TLS 1.1 */
	PR_MAX
};

struct client {
	uint8_t		 v4[4], v6[16], mac[6];
	uint16_t	 vlan, next_port;
	uint8_t		 has_v6;
	uint8_t		 mua;		/* enum prof for mail */
	uint8_t		 browser;	/* enum prof for HTTPS */
	uint8_t		 mta;		/* a relay: SMTP 25 only */
	uint8_t		 plainmail;	/* never uses TLS for mail */
};

enum policy {
	POL_STRICT,	/* TLS 1.2+ only */
	POL_PERMISSIVE,	/* TLS 1.0 .. max */
	POL_CAP10,	/* TLS 1.0 at most */
	POL_CAP11,	/* TLS 1.1 at most */
	POL_NOTLS,	/* no TLS (STARTTLS ports only) */
};

enum flavor { FL_DOVECOT, FL_EXCHANGE, FL_COURIER };

struct server {
	uint8_t		 v4[4], v6[16];
	uint8_t		 has_v6, policy, flavor, max13;
	uint8_t		 broken_stls;	/* notls SMTP that offers STARTTLS */
	char		 name[48];
};

#define NCLIENTS	3000
#define NMTA		8
#define NWEB		1024
#define NMAIL		64

static struct client	clients[NCLIENTS];
static struct server	web[NWEB], mailsrv[NMAIL];
static const uint8_t	gw_mac[6] = { 0x00, 0x1c, 0x73, 0x5e, 0x10, 0x01 };
static const uint8_t	dns4[4] = { 10, 0, 0, 53 };
static const uint8_t	dns6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0,
			    0, 0, 0, 0, 0, 0, 0, 0x53 };

static void
population_init(uint64_t seed)
{
	struct rng	r;
	int		i;

	rng_seed(&r, seed ^ 0x706f70ULL);
	for (i = 0; i < NCLIENTS; i++) {
		struct client *c = &clients[i];
		uint32_t n = (uint32_t)i + 10;
		double u;

		c->v4[0] = 10;
		c->v4[1] = (uint8_t)(1 + n / 65536);
		c->v4[2] = (uint8_t)(n >> 8);
		c->v4[3] = (uint8_t)n;
		c->v6[0] = 0xfd;
		c->v6[3] = 0x10;
		c->v6[8] = 0x02;
		c->v6[9] = 0x16;
		c->v6[10] = 0x3e;
		rnd_bytes(&r, c->v6 + 11, 5);
		c->mac[0] = 0x02;
		c->mac[1] = 0x00;
		memcpy(c->mac + 2, c->v4, 4);
		c->has_v6 = chance(&r, 0.45);
		c->vlan = chance(&r, 0.25) ? (uint16_t)(10 * (1 + rnd(&r, 4))) : 0;
		c->next_port = (uint16_t)(32768 + rnd(&r, 28000));
		c->mta = i < NMTA;
		u = unit(&r);
		if (c->mta) {
			c->mua = PR_OPENSSL;
			c->browser = PR_OPENSSL;
			/* one old relay that still speaks TLS 1.1 */
			if (i == NMTA - 1)
				c->mua = PR_JAVA11;
			continue;
		}
		/* 3% legacy devices (scanners, old Outlook, appliances). */
		if (u < 0.012)
			c->mua = PR_SCHANNEL10;
		else if (u < 0.022)
			c->mua = PR_OPENSSL10;
		else if (u < 0.030)
			c->mua = PR_JAVA11;
		else if (u < 0.33)
			c->mua = PR_FIREFOX;
		else if (u < 0.55)
			c->mua = PR_APPLE;
		else if (u < 0.80)
			c->mua = PR_SCHANNEL12;
		else
			c->mua = PR_OPENSSL;
		c->browser = c->mua >= PR_SCHANNEL10 ? PR_SCHANNEL10 :
		    chance(&r, 0.7) ? PR_CHROME : PR_FIREFOX;
		c->plainmail = chance(&r, 0.01);
	}
	for (i = 0; i < NWEB; i++) {
		struct server *s = &web[i];

		s->v4[0] = 198;
		s->v4[1] = (uint8_t)(18 + (i >> 8) / 256);
		s->v4[2] = (uint8_t)(i >> 8);
		s->v4[3] = (uint8_t)(i + 1);
		s->v6[0] = 0x20;
		s->v6[1] = 0x01;
		s->v6[2] = 0x0d;
		s->v6[3] = 0xb8;
		s->v6[5] = 0x80;
		s->v6[14] = (uint8_t)(i >> 8);
		s->v6[15] = (uint8_t)(i + 1);
		s->has_v6 = chance(&r, 0.5);
		/* 2% old servers stuck at TLS 1.0 (none of the busiest) */
		s->policy = i % 50 == 17 ? POL_CAP10 : POL_PERMISSIVE;
		s->max13 = chance(&r, 0.8);
		snprintf(s->name, sizeof(s->name), "www.site%d.example", i);
	}
	for (i = 0; i < NMAIL; i++) {
		struct server *s = &mailsrv[i];

		s->v4[0] = 198;
		s->v4[1] = 19;
		s->v4[2] = 25;
		s->v4[3] = (uint8_t)(i + 1);
		s->v6[0] = 0x20;
		s->v6[1] = 0x01;
		s->v6[2] = 0x0d;
		s->v6[3] = 0xb8;
		s->v6[5] = 0x25;
		s->v6[15] = (uint8_t)(i + 1);
		s->has_v6 = chance(&r, 0.5);
		s->flavor = (uint8_t)(i % 3);
		s->max13 = s->flavor != FL_EXCHANGE || chance(&r, 0.3);
		/* 64 servers: 1 capped at 1.0, 1 at 1.1, 2 without TLS,
		 * 23 strict, 37 permissive. */
		if (i == 5)
			s->policy = POL_CAP10;
		else if (i == 23)
			s->policy = POL_CAP11;
		else if (i == 12 || i == 41)
			s->policy = POL_NOTLS;
		else
			s->policy = i % 8 < 3 ? POL_STRICT : POL_PERMISSIVE;
		s->broken_stls = i == 41;
		snprintf(s->name, sizeof(s->name), "mail.provider%d.example", i);
	}
}

/* --- flows ----------------------------------------------------------------- */

enum kind {
	K_HTTPS, K_HTTP, K_POP3, K_POP3S, K_IMAP, K_IMAPS, K_SMTP, K_SUBM,
	K_SMTPS, K_MAX
};

static const char *const kind_name[K_MAX] = {
	"https", "http", "pop3", "pop3s", "imap", "imaps", "smtp", "submission",
	"smtps",
};
static const uint16_t kind_port[K_MAX] = { 443, 80, 110, 995, 143, 993, 25,
	587, 465 };

enum reason {
	R_OK, R_LEGACY_CLIENT, R_LEGACY_NEGOTIATED, R_LEGACY_REFUSED,
	R_PLAINTEXT, R_CLEARTEXT, R_NONE, R_MAX
};

static const char *const reason_name[R_MAX] = {
	"ok", "legacy_client", "legacy_negotiated", "legacy_refused",
	"plaintext", "cleartext_credentials", "none",
};

/* How the bytes of a step are made. */
enum gk { G_LIT, G_TLS, G_TEXT, G_BIN };

/* Record protection after the handshake. */
enum tv { TV13, TV12, TV10, TV11 };

#define ST_SKIP	0x01	/* may be dropped when the output is full */

struct step {
	uint64_t	 plen;		/* G_TLS: plaintext bytes */
	uint64_t	 wlen;		/* bytes on the wire */
	uint64_t	 think;		/* ns before it starts */
	uint32_t	 aoff;		/* arena offset, or pool offset */
	uint8_t		 dir, gk, ct, tv, flags;
};

enum phase {
	PH_DNSQ, PH_DNSR, PH_SYN, PH_SYNACK, PH_ACK3, PH_DATA, PH_FIN1,
	PH_FIN2, PH_FIN3, PH_DONE
};

struct gflow {
	uint64_t	 tmain, tack[2], key;
	uint64_t	 rtt, rate, t0;
	uint64_t	 off, def_off;
	struct rng	 r;
	int		 hidx;
	uint32_t	 isn[2], nxt[2], hw[2], tsbase[2], sbase, def_len;
	uint32_t	 flowlabel, alen;
	uint16_t	 ipid[2], port[2], vlan, mss, nsteps, cur;
	uint16_t	 dns_id, dns_port;
	uint8_t		 ip[2][16], ttl[2];
	uint8_t		 kind, phase, v6, closer, rst, drained, bflags;
	uint8_t		 def_on, def_hole, def_cnt, dns, unacked[2];
	uint8_t		 mode;		/* 0 plain 1 starttls 2 implicit */
	uint8_t		 reason;
	uint16_t	 cmax, neg;
	uint64_t	 close_think;	/* extra idle time before the FIN */
	const uint8_t	*mac[2];
	char		 host[48];
	struct step	 steps[MAXSTEPS];
	uint8_t		 arena[ARENA];
};

/* statistics for .expected */
static uint64_t	st_kind[K_MAX], st_reason[R_MAX], st_mode[3];
static uint64_t	st_https_legacy, st_v6, st_vlan, st_dns, st_retx,
		st_reorder, st_rst, st_segs, st_flows, st_kind_bytes[K_MAX];
static uint64_t	st_maxconc, st_tls13_https, st_mail_bytes;
static FILE	*sessf;
static int	 draining;
static uint64_t	 now_ns;

/* --- steps ----------------------------------------------------------------- */

static struct step *
add_step(struct gflow *f, int dir, int gk, uint64_t think)
{
	struct step	*st;

	if (f->nsteps >= MAXSTEPS)
		return NULL;
	st = &f->steps[f->nsteps++];
	memset(st, 0, sizeof(*st));
	st->dir = (uint8_t)dir;
	st->gk = (uint8_t)gk;
	st->think = think;
	st->flags = f->bflags;
	return st;
}

/* Room for n more steps and b more arena bytes? */
static int
room(const struct gflow *f, int n, uint32_t b)
{
	return f->nsteps + n <= MAXSTEPS - 8 && f->alen + b <= ARENA - 512;
}

static void
lit_step(struct gflow *f, int dir, uint64_t think, uint32_t off, uint32_t n)
{
	struct step	*st = add_step(f, dir, G_LIT, think);

	if (st == NULL)
		return;
	st->aoff = off;
	st->wlen = st->plen = n;
}

static void
litf(struct gflow *f, int dir, uint64_t think, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf((char *)f->arena + f->alen, ARENA - f->alen, fmt, ap);
	va_end(ap);
	if (n < 0 || (uint32_t)n >= ARENA - f->alen) {
		fprintf(stderr, "gen: arena overflow\n");
		exit(1);
	}
	lit_step(f, dir, think, f->alen, (uint32_t)n);
	f->alen += (uint32_t)n;
}

static uint64_t
tls_body(int tv, uint64_t p)
{
	switch (tv) {
	case TV13:
		return p + 1 + 16;		/* inner type, AEAD tag */
	case TV12:
		return p + 8 + 16;		/* explicit nonce, GCM tag */
	case TV10:
		return (p + 20 + 1 + 15) / 16 * 16;	/* SHA-1 MAC, pad */
	default:
		return 16 + (p + 20 + 1 + 15) / 16 * 16; /* explicit IV */
	}
}

static uint64_t
tls_wire(int tv, uint64_t p)
{
	uint64_t	nrec = p == 0 ? 1 : (p + 16383) / 16384;

	return (nrec - 1) * (5 + tls_body(tv, 16384)) +
	    5 + tls_body(tv, p - (nrec - 1) * 16384);
}

/* Protected records carrying p plaintext bytes (application data or a
 * keyed handshake message). */
static void
tls_step(struct gflow *f, int dir, uint64_t think, int ct, int tv, uint64_t p)
{
	struct step	*st = add_step(f, dir, G_TLS, think);

	if (st == NULL)
		return;
	st->ct = (uint8_t)ct;
	st->tv = (uint8_t)tv;
	st->plen = p;
	st->wlen = tls_wire(tv, p);
	st->aoff = (uint32_t)rng_next(&f->r);
}

static void
text_step(struct gflow *f, int dir, uint64_t think, uint64_t lines)
{
	struct step	*st = add_step(f, dir, G_TEXT, think);

	if (st == NULL)
		return;
	st->wlen = st->plen = lines * TLINE;
	st->aoff = rnd(&f->r, TLINES) * TLINE;
}

static void
bin_step(struct gflow *f, int dir, uint64_t think, uint64_t n)
{
	struct step	*st = add_step(f, dir, G_BIN, think);

	if (st == NULL)
		return;
	st->wlen = st->plen = n;
	st->aoff = (uint32_t)rng_next(&f->r);
}

/* Bytes of step st from offset off. */
static void
fill(const struct gflow *f, const struct step *st, uint64_t off, uint32_t len,
    uint8_t *dst)
{
	uint64_t	full, nrec, idx, pos, rl;
	uint32_t	n;

	switch (st->gk) {
	case G_LIT:
		memcpy(dst, f->arena + st->aoff + off, len);
		return;
	case G_BIN:
		memcpy(dst, rpool + ((st->aoff + off) & (RPOOL - 1)), len);
		return;
	case G_TEXT:
		memcpy(dst, tpool + (st->aoff + off) % TPOOL, len);
		return;
	}
	full = 5 + tls_body(st->tv, 16384);
	nrec = st->plen == 0 ? 1 : (st->plen + 16383) / 16384;
	while (len > 0) {
		idx = off / full;
		if (idx >= nrec - 1) {
			idx = nrec - 1;
			pos = off - idx * full;
			rl = 5 + tls_body(st->tv, st->plen - idx * 16384);
		} else {
			pos = off % full;
			rl = full;
		}
		n = (uint32_t)(rl - pos < len ? rl - pos : len);
		if (pos < 5) {
			uint8_t h[5];

			h[0] = st->ct;
			h[1] = 3;
			h[2] = st->tv == TV10 ? 1 : st->tv == TV11 ? 2 : 3;
			put16(h + 3, (uint32_t)(rl - 5));
			if (n > 5 - pos)
				n = (uint32_t)(5 - pos);
			memcpy(dst, h + pos, n);
		} else
			memcpy(dst, rpool + ((st->aoff + off) & (RPOOL - 1)), n);
		dst += n;
		off += n;
		len -= n;
	}
}

/* --- timing ---------------------------------------------------------------- */

static uint64_t
ns_ln(struct gflow *f, double median_ns, double sigma, double lo, double hi)
{
	return (uint64_t)clampd(lognorm(&f->r, median_ns, sigma), lo, hi);
}

/* a server composing a short reply */
static uint64_t
t_srv(struct gflow *f)
{
	return ns_ln(f, 300 * US, 0.8, 30 * US, 50 * MS);
}

/* an automated client reacting */
static uint64_t
t_cli(struct gflow *f)
{
	return ns_ln(f, 150 * US, 1.0, 10 * US, 20 * MS);
}

/* public-key work */
static uint64_t
t_crypto(struct gflow *f)
{
	return ns_ln(f, 1500 * US, 0.5, 200 * US, 30 * MS);
}

/* a user or an application between requests */
static uint64_t
t_user(struct gflow *f)
{
	return ns_ln(f, 150 * MS, 1.6, 100 * US, 30 * SEC);
}

/* an idle keep-alive connection before it is closed */
static uint64_t
t_idle(struct gflow *f)
{
	return ns_ln(f, 3 * SEC, 1.0, 10 * MS, 60 * SEC);
}

/* back-to-back writes in one direction */
static uint64_t
t_same(struct gflow *f)
{
	return 5 * US + rnd(&f->r, 30) * US;
}

/* --- TLS handshakes -------------------------------------------------------- */

static const uint16_t cs_chrome[] = { 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f,
	0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f,
	0x0035 };
static const uint16_t cs_nss[] = { 0x1301, 0x1303, 0x1302, 0xc02b, 0xc02f,
	0xcca9, 0xcca8, 0xc02c, 0xc030, 0xc00a, 0xc009, 0xc013, 0xc014, 0x009c,
	0x009d, 0x002f, 0x0035 };
static const uint16_t cs_apple[] = { 0x1301, 0x1302, 0x1303, 0xc02c, 0xc02b,
	0xcca9, 0xc030, 0xc02f, 0xcca8, 0xc00a, 0xc009, 0xc014, 0xc013, 0x009d,
	0x009c, 0x0035, 0x002f, 0xc008, 0xc012, 0x000a };
static const uint16_t cs_openssl[] = { 0x1302, 0x1303, 0x1301, 0xc02c, 0xc030,
	0x009f, 0xcca9, 0xcca8, 0xccaa, 0xc02b, 0xc02f, 0x009e, 0xc024, 0xc028,
	0x006b, 0xc023, 0xc027, 0x0067, 0xc00a, 0xc014, 0x0039, 0xc009, 0xc013,
	0x0033, 0x009d, 0x009c, 0x003d, 0x003c, 0x0035, 0x002f, 0x00ff };
static const uint16_t cs_schannel12[] = { 0xc02c, 0xc02b, 0xc030, 0xc02f,
	0x009f, 0x009e, 0xc024, 0xc023, 0xc028, 0xc027, 0xc00a, 0xc009, 0xc014,
	0xc013, 0x009d, 0x009c, 0x003d, 0x003c, 0x0035, 0x002f, 0x000a };
static const uint16_t cs_schannel10[] = { 0xc014, 0xc013, 0x0035, 0x002f,
	0xc00a, 0xc009, 0x0038, 0x0032, 0x000a, 0x0013, 0x0005, 0x0004 };
static const uint16_t cs_openssl10[] = { 0xc014, 0xc00a, 0x0039, 0x0038,
	0x0088, 0x0087, 0xc00f, 0xc005, 0x0035, 0x0084, 0xc013, 0xc009, 0x0033,
	0x0032, 0x009a, 0x0099, 0x0045, 0x0044, 0xc00e, 0xc004, 0x002f, 0x0096,
	0x0041, 0xc012, 0xc008, 0x0016, 0x0013, 0xc00d, 0xc003, 0x000a, 0x0005,
	0x0004, 0x00ff };
static const uint16_t cs_java11[] = { 0xc009, 0xc013, 0x002f, 0xc004, 0xc00e,
	0x0033, 0x0032, 0xc007, 0xc011, 0x0005, 0xc003, 0xc00d, 0x000a, 0x0016,
	0x0013, 0x0004, 0x00ff };

static const uint16_t sig_modern[] = { 0x0403, 0x0804, 0x0401, 0x0503, 0x0805,
	0x0501, 0x0806, 0x0601 };
static const uint16_t sig_openssl[] = { 0x0403, 0x0503, 0x0603, 0x0807,
	0x0808, 0x081a, 0x081b, 0x081c, 0x0809, 0x080a, 0x080b, 0x0804, 0x0805,
	0x0806, 0x0401, 0x0501, 0x0601, 0x0303, 0x0301, 0x0302, 0x0402, 0x0502,
	0x0602 };
static const uint16_t sig_schannel[] = { 0x0401, 0x0501, 0x0201, 0x0403,
	0x0503, 0x0203, 0x0402, 0x0202 };

#define E_GREASE	0x0001
#define E_SNI		0x0002
#define E_EMS		0x0004
#define E_RENEG		0x0008
#define E_TICKET	0x0010
#define E_STATUS	0x0020
#define E_SCT		0x0040
#define E_ALPN		0x0080
#define E_SV		0x0100	/* supported_versions, key_share, psk modes */
#define E_COMPCERT	0x0200
#define E_RSL		0x0400
#define E_ETM		0x0800
#define E_HEARTBEAT	0x1000
#define E_PF3		0x2000	/* point formats 0,1,2 */
#define E_PADDING	0x4000
#define E_SIGALGS	0x8000
#define E_P256SHARE	0x10000
#define E_MLKEM		0x20000	/* X25519MLKEM768 key share: a 2-segment hello */

struct profile {
	uint16_t	 legacy, recver, max;
	uint8_t		 sid32;
	uint32_t	 ext;
	const uint16_t	*cs;
	uint8_t		 ncs;
	const uint16_t	*sigs;
	uint8_t		 nsigs;
	uint16_t	 c13, c12, c10;	/* the suite a server picks */
};

#define N(a)	(uint8_t)(sizeof(a) / sizeof((a)[0]))

static const struct profile profiles[PR_MAX] = {
	[PR_CHROME] = { 0x0303, 0x0301, 0x0304, 1,
	    E_GREASE | E_SNI | E_EMS | E_RENEG | E_TICKET | E_STATUS | E_SCT |
	    E_ALPN | E_SV | E_COMPCERT | E_SIGALGS | E_MLKEM,
	    cs_chrome, N(cs_chrome), sig_modern, N(sig_modern),
	    0x1301, 0xc02f, 0xc013 },
	[PR_FIREFOX] = { 0x0303, 0x0301, 0x0304, 1,
	    E_SNI | E_EMS | E_RENEG | E_TICKET | E_STATUS | E_SV | E_RSL |
	    E_SIGALGS | E_P256SHARE | E_MLKEM,
	    cs_nss, N(cs_nss), sig_modern, N(sig_modern),
	    0x1301, 0xc02f, 0xc013 },
	[PR_APPLE] = { 0x0303, 0x0301, 0x0304, 1,
	    E_GREASE | E_SNI | E_EMS | E_RENEG | E_STATUS | E_SCT | E_SV |
	    E_COMPCERT | E_SIGALGS,
	    cs_apple, N(cs_apple), sig_modern, N(sig_modern),
	    0x1301, 0xc030, 0xc014 },
	[PR_OPENSSL] = { 0x0303, 0x0301, 0x0304, 1,
	    E_SNI | E_PF3 | E_TICKET | E_ETM | E_EMS | E_SV | E_SIGALGS |
	    E_PADDING,
	    cs_openssl, N(cs_openssl), sig_openssl, N(sig_openssl),
	    0x1302, 0xc030, 0xc014 },
	[PR_SCHANNEL12] = { 0x0303, 0x0303, 0x0303, 0,
	    E_SNI | E_STATUS | E_TICKET | E_EMS | E_RENEG | E_SIGALGS,
	    cs_schannel12, N(cs_schannel12), sig_schannel, N(sig_schannel),
	    0, 0xc030, 0xc014 },
	[PR_SCHANNEL10] = { 0x0301, 0x0301, 0x0301, 0,
	    E_SNI | E_STATUS | E_RENEG,
	    cs_schannel10, N(cs_schannel10), NULL, 0,
	    0, 0, 0xc014 },
	[PR_OPENSSL10] = { 0x0301, 0x0301, 0x0301, 0,
	    E_PF3 | E_TICKET | E_HEARTBEAT,
	    cs_openssl10, N(cs_openssl10), NULL, 0,
	    0, 0, 0xc014 },
	[PR_JAVA11] = { 0x0302, 0x0302, 0x0302, 0,
	    E_SNI,
	    cs_java11, N(cs_java11), NULL, 0,
	    0, 0, 0x002f },
};

static uint16_t
grease(struct gflow *f)
{
	uint16_t g = (uint16_t)(rnd(&f->r, 16) * 0x1010 + 0x0a0a);

	return g;
}

/* An extension header; returns where its length goes. */
static uint8_t *
ext_open(uint8_t **b, uint16_t type)
{
	uint8_t	*l;

	put16(*b, type);
	l = *b + 2;
	*b += 4;
	return l;
}

static void
ext_close(uint8_t *lenp, uint8_t *b)
{
	put16(lenp, (uint32_t)(b - lenp - 2));
}

/* An extension with no body. */
static void
ext_empty(uint8_t **b, uint16_t type)
{
	put16(*b, type);
	put16(*b + 2, 0);
	*b += 4;
}

/*
 * A ClientHello record (RFC 8446 4.1.2, RFC 5246 7.4.1.2) at the end of
 * the arena; returns its length.
 */
static uint32_t
build_ch(struct gflow *f, int prof, const char *sni, int https)
{
	const struct profile *pr = &profiles[prof];
	uint8_t	*start = f->arena + f->alen, *b = start, *hs, *exts, *l, *l2;
	uint16_t g1 = grease(f), g2 = grease(f), g3 = grease(f);
	size_t	 i, hslen;

	if (g2 == g1)
		g2 ^= 0x1010;
	/* record header and handshake header, lengths later */
	b[0] = 22;
	put16(b + 1, pr->recver);
	b += 5;
	hs = b;
	b[0] = 1;
	b += 4;
	put16(b, pr->legacy);
	b += 2;
	rnd_bytes(&f->r, b, 32);
	b += 32;
	if (pr->sid32) {
		*b++ = 32;
		rnd_bytes(&f->r, b, 32);
		b += 32;
	} else
		*b++ = 0;
	l = b;
	b += 2;
	if (pr->ext & E_GREASE) {
		put16(b, g1);
		b += 2;
	}
	for (i = 0; i < pr->ncs; i++, b += 2)
		put16(b, pr->cs[i]);
	put16(l, (uint32_t)(b - l - 2));
	*b++ = 1;		/* compression methods: null */
	*b++ = 0;
	exts = b;
	b += 2;
	if (pr->ext & E_GREASE)
		ext_empty(&b, g2);
	if ((pr->ext & E_SNI) && sni != NULL) {
		size_t n = strlen(sni);

		l = ext_open(&b, 0x0000);
		put16(b, (uint32_t)(n + 3));
		b[2] = 0;
		put16(b + 3, (uint32_t)n);
		memcpy(b + 5, sni, n);
		b += 5 + n;
		ext_close(l, b);
	}
	if (pr->ext & E_EMS)
		ext_empty(&b, 0x0017);
	if (pr->ext & E_RENEG) {
		l = ext_open(&b, 0xff01);
		*b++ = 0;
		ext_close(l, b);
	}
	/* supported_groups */
	l = ext_open(&b, 0x000a);
	l2 = b;
	b += 2;
	if (pr->ext & E_GREASE) {
		put16(b, g3);
		b += 2;
	}
	if (pr->ext & E_MLKEM) {
		put16(b, 0x11ec);
		b += 2;
	}
	put16(b, 0x001d);
	put16(b + 2, 0x0017);
	put16(b + 4, 0x0018);
	b += 6;
	if (prof == PR_FIREFOX || prof == PR_OPENSSL) {
		put16(b, 0x0019);
		b += 2;
	}
	put16(l2, (uint32_t)(b - l2 - 2));
	ext_close(l, b);
	/* ec_point_formats */
	l = ext_open(&b, 0x000b);
	if (pr->ext & E_PF3) {
		b[0] = 3;
		b[1] = 0;
		b[2] = 1;
		b[3] = 2;
		b += 4;
	} else {
		b[0] = 1;
		b[1] = 0;
		b += 2;
	}
	ext_close(l, b);
	if (pr->ext & E_TICKET)
		ext_empty(&b, 0x0023);
	if ((pr->ext & E_ALPN) && https) {
		static const uint8_t alpn[] = { 0, 12, 2, 'h', '2', 8, 'h', 't',
			't', 'p', '/', '1', '.', '1' };

		l = ext_open(&b, 0x0010);
		memcpy(b, alpn, sizeof(alpn));
		b += sizeof(alpn);
		ext_close(l, b);
	}
	if (pr->ext & E_STATUS) {
		l = ext_open(&b, 0x0005);
		b[0] = 1;
		memset(b + 1, 0, 4);
		b += 5;
		ext_close(l, b);
	}
	if (pr->ext & E_ETM)
		ext_empty(&b, 0x0016);
	if (pr->ext & E_SIGALGS) {
		l = ext_open(&b, 0x000d);
		put16(b, (uint32_t)pr->nsigs * 2);
		b += 2;
		for (i = 0; i < pr->nsigs; i++, b += 2)
			put16(b, pr->sigs[i]);
		ext_close(l, b);
	}
	if (pr->ext & E_SCT)
		ext_empty(&b, 0x0012);
	if (pr->ext & E_SV) {
		/* key_share */
		l = ext_open(&b, 0x0033);
		l2 = b;
		b += 2;
		if (pr->ext & E_GREASE) {
			put16(b, g3);
			put16(b + 2, 1);
			b[4] = 0;
			b += 5;
		}
		if (pr->ext & E_MLKEM) {	/* ML-KEM-768 key + X25519 */
			put16(b, 0x11ec);
			put16(b + 2, 1216);
			rnd_bytes(&f->r, b + 4, 1216);
			b += 4 + 1216;
		}
		put16(b, 0x001d);
		put16(b + 2, 32);
		rnd_bytes(&f->r, b + 4, 32);
		b += 36;
		if (pr->ext & E_P256SHARE) {
			put16(b, 0x0017);
			put16(b + 2, 65);
			b[4] = 4;
			rnd_bytes(&f->r, b + 5, 64);
			b += 69;
		}
		put16(l2, (uint32_t)(b - l2 - 2));
		ext_close(l, b);
		/* psk_key_exchange_modes: psk_dhe_ke */
		l = ext_open(&b, 0x002d);
		b[0] = 1;
		b[1] = 1;
		b += 2;
		ext_close(l, b);
		/* supported_versions */
		l = ext_open(&b, 0x002b);
		l2 = b++;
		if (pr->ext & E_GREASE) {
			put16(b, g1 ^ 0x2020);
			b += 2;
		}
		put16(b, 0x0304);
		put16(b + 2, 0x0303);
		b += 4;
		if (prof == PR_APPLE) {		/* still offers 1.1 and 1.0 */
			put16(b, 0x0302);
			put16(b + 2, 0x0301);
			b += 4;
		}
		*l2 = (uint8_t)(b - l2 - 1);
		ext_close(l, b);
	}
	if (pr->ext & E_COMPCERT) {
		l = ext_open(&b, 0x001b);
		b[0] = 2;
		put16(b + 1, 0x0002);
		b += 3;
		ext_close(l, b);
	}
	if (pr->ext & E_RSL) {
		l = ext_open(&b, 0x001c);
		put16(b, 0x4001);
		b += 2;
		ext_close(l, b);
	}
	if (pr->ext & E_HEARTBEAT) {
		l = ext_open(&b, 0x000f);
		*b++ = 1;
		ext_close(l, b);
	}
	if (pr->ext & E_GREASE) {
		l = ext_open(&b, (uint16_t)(g2 ^ 0x3030));
		*b++ = 0;
		ext_close(l, b);
	}
	/* OpenSSL pads hellos of 256..511 bytes to 512 (RFC 7685). */
	hslen = (size_t)(b - hs);
	if ((pr->ext & E_PADDING) && hslen > 0xff && hslen < 0x200) {
		size_t pad = 0x200 - hslen;

		pad = pad >= 5 ? pad - 4 : 1;
		l = ext_open(&b, 0x0015);
		memset(b, 0, pad);
		b += pad;
		ext_close(l, b);
	}
	put16(exts, (uint32_t)(b - exts - 2));
	put24(hs + 1, (uint32_t)(b - hs - 4));
	put16(start + 3, (uint32_t)(b - hs));
	return (uint32_t)(b - start);
}

/* A plaintext handshake record of one message (type, body of n random or
 * given bytes) at b; returns the record length. */
static uint32_t
hs_record(uint8_t *b, uint16_t recver, uint8_t type, const uint8_t *body,
    uint32_t n)
{
	b[0] = 22;
	put16(b + 1, recver);
	put16(b + 3, n + 4);
	b[5] = type;
	put24(b + 6, n);
	if (body != NULL)
		memmove(b + 9, body, n);
	return n + 9;
}

/* ServerHello body (RFC 8446 4.1.3) into b; returns its length. */
static uint32_t
sh_body(struct gflow *f, uint8_t *b, uint16_t ver, uint16_t cipher,
    int downgrade, int prof, const uint8_t *ch)
{
	uint8_t	*s = b, *exts, *l;

	put16(b, ver >= 0x0303 ? 0x0303 : ver);
	b += 2;
	rnd_bytes(&f->r, b, 32);
	/* RFC 8446 4.1.3: a TLS 1.3 server negotiating less says so */
	if (downgrade) {
		memcpy(b + 24, "DOWNGRD", 7);
		b[31] = ver == 0x0303 ? 1 : 0;
	}
	b += 32;
	/* session id: TLS 1.3 echoes the client's (RFC 8446 4.1.3), older
	 * versions name a new session */
	if (ver == 0x0304) {
		const uint8_t *sid = ch + 5 + 4 + 2 + 32;

		memcpy(b, sid, 1 + (size_t)sid[0]);
		b += 1 + sid[0];
	} else {
		*b++ = 32;
		rnd_bytes(&f->r, b, 32);
		b += 32;
	}
	put16(b, cipher);
	b += 2;
	*b++ = 0;
	exts = b;
	b += 2;
	if (ver == 0x0304) {
		l = ext_open(&b, 0x002b);
		put16(b, 0x0304);
		b += 2;
		ext_close(l, b);
		l = ext_open(&b, 0x0033);
		put16(b, 0x001d);
		put16(b + 2, 32);
		rnd_bytes(&f->r, b + 4, 32);
		b += 36;
		ext_close(l, b);
	} else {
		l = ext_open(&b, 0xff01);
		*b++ = 0;
		ext_close(l, b);
		l = ext_open(&b, 0x000b);
		b[0] = 1;
		b[1] = 0;
		b += 2;
		ext_close(l, b);
		if (ver == 0x0303 && (profiles[prof].ext & E_EMS))
			ext_empty(&b, 0x0017);
		if (profiles[prof].ext & E_TICKET)
			ext_empty(&b, 0x0023);
	}
	put16(exts, (uint32_t)(b - exts - 2));
	return (uint32_t)(b - s);
}

/* --- X.509 certificates (DER, RFC 5280) --------------------------------------- */

/* A DER element: tag, minimal length, content (which may already sit at
 * b + header, see der_wrap). */
static size_t
der_hdr_len(size_t n)
{
	return n < 0x80 ? 2 : n < 0x100 ? 3 : 4;
}

static size_t
der(uint8_t *b, uint8_t tag, const void *content, size_t n)
{
	size_t h = der_hdr_len(n);

	memmove(b + h, content, n);
	b[0] = tag;
	if (n < 0x80)
		b[1] = (uint8_t)n;
	else if (n < 0x100) {
		b[1] = 0x81;
		b[2] = (uint8_t)n;
	} else {
		b[1] = 0x82;
		put16(b + 2, (uint32_t)n);
	}
	return h + n;
}

/* Wrap the n bytes at b in a tag, in place. */
static size_t
der_wrap(uint8_t *b, uint8_t tag, size_t n)
{
	return der(b, tag, b, n);
}

static const uint8_t oid_sha256rsa[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
	0x01, 0x01, 0x0b };
static const uint8_t oid_rsa[] = { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01,
	0x01, 0x01 };

/* AlgorithmIdentifier { oid, NULL } */
static size_t
der_alg(uint8_t *b, const uint8_t *oid, size_t n)
{
	size_t l = der(b, 0x06, oid, n);

	b[l++] = 0x05;
	b[l++] = 0x00;
	return der_wrap(b, 0x30, l);
}

/* Name: C, O, CN (each an RDN of one attribute) */
static size_t
der_name(uint8_t *b, const char *o, const char *cn)
{
	static const uint8_t oid_c[] = { 0x55, 0x04, 0x06 },
	    oid_o[] = { 0x55, 0x04, 0x0a }, oid_cn[] = { 0x55, 0x04, 0x03 };
	size_t l = 0, a;

	a = der(b + l, 0x06, oid_c, 3);
	a += der(b + l + a, 0x13, "US", 2);
	a = der_wrap(b + l, 0x30, a);
	l += der_wrap(b + l, 0x31, a);
	if (o != NULL) {
		a = der(b + l, 0x06, oid_o, 3);
		a += der(b + l + a, 0x0c, o, strlen(o));
		a = der_wrap(b + l, 0x30, a);
		l += der_wrap(b + l, 0x31, a);
	}
	a = der(b + l, 0x06, oid_cn, 3);
	a += der(b + l + a, 0x0c, cn, strlen(cn));
	a = der_wrap(b + l, 0x30, a);
	l += der_wrap(b + l, 0x31, a);
	return der_wrap(b, 0x30, l);
}

/*
 * A v3 certificate with a random 2048-bit RSA key and signature: the
 * server's (SAN = host) or its issuing CA's.  Returns its length.
 */
static size_t
der_cert(struct gflow *f, uint8_t *b, const char *host, int ca)
{
	static const uint8_t v3[] = { 0xa0, 0x03, 0x02, 0x01, 0x02 };
	static const uint8_t oid_san[] = { 0x55, 0x1d, 0x11 };
	static const uint8_t bc_ca[] = { 0x30, 0x12, 0x06, 0x03, 0x55, 0x1d,
		0x13, 0x01, 0x01, 0xff, 0x04, 0x08, 0x30, 0x06, 0x01, 0x01,
		0xff, 0x02, 0x01, 0x00 };
	uint8_t	 tmp[600];
	size_t	 l = 0, a, e;

	memcpy(b, v3, sizeof(v3));
	l = sizeof(v3);
	rnd_bytes(&f->r, tmp, 16);		/* serial */
	tmp[0] &= 0x7f;
	tmp[0] |= 0x10;
	l += der(b + l, 0x02, tmp, 16);
	l += der_alg(b + l, oid_sha256rsa, sizeof(oid_sha256rsa));
	l += der_name(b + l, "Example Trust Services", ca ?
	    "Example Root CA" : "Example TLS Issuing CA 1");
	a = der(b + l, 0x17, "260101000000Z", 13);
	a += der(b + l + a, 0x17, ca ? "310101000000Z" : "270101000000Z", 13);
	l += der_wrap(b + l, 0x30, a);
	if (ca)
		l += der_name(b + l, "Example Trust Services",
		    "Example TLS Issuing CA 1");
	else
		l += der_name(b + l, NULL, host);
	/* SubjectPublicKeyInfo */
	a = der_alg(b + l, oid_rsa, sizeof(oid_rsa));
	tmp[0] = 0;
	rnd_bytes(&f->r, tmp + 1, 256);
	tmp[1] |= 0x80;
	e = der(tmp + 300, 0x02, tmp, 257);
	e += der(tmp + 300 + e, 0x02, "\x01\x00\x01", 3);
	e = der_wrap(tmp + 300, 0x30, e);
	memmove(tmp + 1, tmp + 300, e);
	tmp[0] = 0;				/* unused bits */
	a += der(b + l + a, 0x03, tmp, e + 1);
	l += der_wrap(b + l, 0x30, a);
	/* extensions */
	if (ca) {
		memcpy(b + l, bc_ca, sizeof(bc_ca));
		a = sizeof(bc_ca);
	} else {
		size_t hn = strlen(host);

		a = der(tmp, 0x82, host, hn);	/* dNSName */
		a = der_wrap(tmp, 0x30, a);
		memmove(tmp + 40, tmp, a);
		e = der(b + l, 0x06, oid_san, 3);
		e += der(b + l + e, 0x04, tmp + 40, a);
		a = der_wrap(b + l, 0x30, e);
	}
	a = der_wrap(b + l, 0x30, a);
	l += der_wrap(b + l, 0xa3, a);
	l = der_wrap(b, 0x30, l);		/* TBSCertificate */
	l += der_alg(b + l, oid_sha256rsa, sizeof(oid_sha256rsa));
	tmp[0] = 0;
	rnd_bytes(&f->r, tmp + 1, 256);
	l += der(b + l, 0x03, tmp, 257);
	return der_wrap(b, 0x30, l);
}

/* Certificate message body (RFC 5246 7.4.2): server and CA certificate. */
static uint32_t
cert_body(struct gflow *f, uint8_t *b, const char *host)
{
	uint8_t	*p = b + 3;
	size_t	 n;

	n = der_cert(f, p + 3, host, 0);
	put24(p, (uint32_t)n);
	p += 3 + n;
	n = der_cert(f, p + 3, host, 1);
	put24(p, (uint32_t)n);
	p += 3 + n;
	put24(b, (uint32_t)(p - b - 3));
	return (uint32_t)(p - b);
}

/* Suites with RSA key transport: no ServerKeyExchange. */
static int
rsa_kex(uint16_t c)
{
	return c == 0x002f || c == 0x0035 || c == 0x000a || c == 0x009c ||
	    c == 0x009d || c == 0x003c || c == 0x003d || c == 0x0005 ||
	    c == 0x0004;
}

static int
tv_of(uint16_t v)
{
	return v == 0x0304 ? TV13 : v == 0x0303 ? TV12 : v == 0x0302 ? TV11 :
	    TV10;
}

/*
 * The TLS handshake between the flow's client (profile prof) and server s.
 * Appends its steps; sets f->cmax, f->neg and f->reason; returns the record
 * protection for what follows, or -1 when the handshake does not complete
 * (refused or aborted: the caller adds nothing but the teardown, whose
 * closer is set here).
 */
static int
build_tls(struct gflow *f, int prof, const struct server *s, const char *sni,
    int https, uint64_t ch_think)
{
	const struct profile *pr = &profiles[prof];
	uint16_t	 cmax = pr->max, smax, smin, neg, cipher, rv;
	uint32_t	 n, start, ch_at;
	uint8_t		*b;
	int		 tv, downgrade;

	start = ch_at = f->alen;
	n = build_ch(f, prof, sni, https);
	lit_step(f, C2S, ch_think, start, n);
	f->alen += n;

	switch (s->policy) {
	case POL_CAP10:
		smin = 0x0301, smax = 0x0301;
		break;
	case POL_CAP11:
		smin = 0x0301, smax = 0x0302;
		break;
	case POL_STRICT:
		smin = 0x0303, smax = s->max13 ? 0x0304 : 0x0303;
		break;
	default:
		smin = 0x0301, smax = s->max13 ? 0x0304 : 0x0303;
		break;
	}
	f->cmax = cmax;
	if (cmax < smin) {
		/* Refused: the way each server does it. */
		f->neg = 0;
		f->reason = R_LEGACY_REFUSED;
		f->closer = S2C;
		if (s->flavor == FL_DOVECOT && !(f->kind == K_SMTP ||
		    f->kind == K_SUBM || f->kind == K_SMTPS))
			return -1;	/* dovecot: hangs up without a word */
		if (s->flavor == FL_EXCHANGE) {
			f->rst = 1;	/* SChannel: reset */
			return -1;
		}
		start = f->alen;	/* postfix, exim, courier: an alert */
		b = f->arena + start;
		b[0] = 21;
		put16(b + 1, pr->recver);
		put16(b + 3, 2);
		b[5] = 2;
		b[6] = 70;		/* protocol_version */
		f->alen += 7;
		lit_step(f, S2C, t_srv(f), start, 7);
		return -1;
	}
	neg = cmax < smax ? cmax : smax;
	f->neg = neg;
	if (cmax < 0x0303)
		f->reason = R_LEGACY_CLIENT;
	else if (neg < 0x0303)
		f->reason = R_LEGACY_NEGOTIATED;
	else
		f->reason = R_OK;
	cipher = neg == 0x0304 ? pr->c13 : neg == 0x0303 ? pr->c12 : pr->c10;
	if (cipher == 0)
		cipher = 0xc014;
	downgrade = smax == 0x0304 && neg < 0x0304;
	tv = tv_of(neg);
	rv = neg >= 0x0303 ? 0x0303 : neg;

	/* ServerHello and the rest of the server's first flight */
	start = f->alen;
	b = f->arena + start;
	n = sh_body(f, b + 9, neg, cipher, downgrade, prof, f->arena + ch_at);
	n = hs_record(b, rv, 2, NULL, n);
	if (neg == 0x0304) {
		static const uint8_t ccs[6] = { 20, 3, 3, 0, 1, 1 };

		memcpy(b + n, ccs, 6);
		n += 6;
		f->alen += n;
		lit_step(f, S2C, t_crypto(f), start, n);
		/* EncryptedExtensions, Certificate, CertificateVerify,
		 * Finished under the handshake keys */
		tls_step(f, S2C, t_same(f), 23, TV13,
		    20 + 2400 + rnd(&f->r, 1500) + 264 + 36);
		/* client: CCS, Finished */
		start = f->alen;
		memcpy(f->arena + start, ccs, 6);
		f->alen += 6;
		lit_step(f, C2S, t_crypto(f), start, 6);
		tls_step(f, C2S, t_same(f), 23, TV13, 36);
		/* two NewSessionTickets */
		if (s->flavor != FL_EXCHANGE) {
			tls_step(f, S2C, t_srv(f), 23, TV13, 233);
			tls_step(f, S2C, t_same(f), 23, TV13, 233);
		}
	} else {
		uint8_t	*p = b + n;
		uint32_t cl, k;

		/* Certificate, ServerKeyExchange (not with RSA key
		 * transport), ServerHelloDone: one record each (OpenSSL), or
		 * all in one (SChannel) */
		k = 4 + 32 + (neg == 0x0303 ? 2 : 0) + 2 + 256;
		if (s->flavor == FL_EXCHANGE) {
			uint8_t *r = p;

			p += 5;
			p[0] = 11;
			cl = cert_body(f, p + 4, s->name);
			put24(p + 1, cl);
			p += 4 + cl;
			if (!rsa_kex(cipher)) {
				p[0] = 12;
				put24(p + 1, k);
				p[4] = 3;
				put16(p + 5, 0x001d);
				p[7] = 32;
				rnd_bytes(&f->r, p + 8, k - 4);
				if (neg == 0x0303)
					put16(p + 40, 0x0401);
				put16(p + 40 + (neg == 0x0303 ? 2 : 0), 256);
				p += 4 + k;
			}
			p[0] = 14;
			put24(p + 1, 0);
			p += 4;
			r[0] = 22;
			put16(r + 1, rv);
			put16(r + 3, (uint32_t)(p - r - 5));
		} else {
			cl = cert_body(f, p + 9, s->name);
			p += hs_record(p, rv, 11, NULL, cl);
			if (!rsa_kex(cipher)) {
				p[9] = 3;
				put16(p + 10, 0x001d);
				p[12] = 32;
				rnd_bytes(&f->r, p + 13, k - 4);
				if (neg == 0x0303)
					put16(p + 45, 0x0804);
				put16(p + 45 + (neg == 0x0303 ? 2 : 0), 256);
				p += hs_record(p, rv, 12, NULL, k);
			}
			p += hs_record(p, rv, 14, NULL, 0);
		}
		n = (uint32_t)(p - b);
		f->alen += n;
		lit_step(f, S2C, t_crypto(f), start, n);

		/* A modern client told to use 1.0/1.1 may refuse it. */
		if (f->reason == R_LEGACY_NEGOTIATED && chance(&f->r, 0.25)) {
			start = f->alen;
			b = f->arena + start;
			b[0] = 21;
			put16(b + 1, rv);
			put16(b + 3, 2);
			b[5] = 2;
			b[6] = 70;
			f->alen += 7;
			lit_step(f, C2S, t_cli(f), start, 7);
			f->closer = C2S;
			return -1;
		}
		/* client: ClientKeyExchange, CCS, Finished */
		start = f->alen;
		b = f->arena + start;
		if (rsa_kex(cipher)) {		/* encrypted premaster */
			put16(b + 9, 256);
			rnd_bytes(&f->r, b + 11, 256);
			n = hs_record(b, rv, 16, NULL, 258);
		} else {			/* ECDHE public value */
			b[9] = 32;
			rnd_bytes(&f->r, b + 10, 32);
			n = hs_record(b, rv, 16, NULL, 33);
		}
		b[n] = 20;
		put16(b + n + 1, rv);
		put16(b + n + 3, 1);
		b[n + 5] = 1;
		n += 6;
		f->alen += n;
		lit_step(f, C2S, t_crypto(f), start, n);
		tls_step(f, C2S, t_same(f), 22, tv, 16);
		/* server: NewSessionTicket, CCS, Finished */
		start = f->alen;
		b = f->arena + start;
		n = 0;
		if (profiles[prof].ext & E_TICKET) {
			uint32_t tl = 160 + rnd(&f->r, 64);

			put32(b + 9, 7200);
			put16(b + 13, tl);
			rnd_bytes(&f->r, b + 15, tl);
			n = hs_record(b, rv, 4, NULL, 6 + tl);
		}
		b[n] = 20;
		put16(b + n + 1, rv);
		put16(b + n + 3, 1);
		b[n + 5] = 1;
		n += 6;
		f->alen += n;
		lit_step(f, S2C, t_srv(f), start, n);
		tls_step(f, S2C, t_same(f), 22, tv, 16);
	}
	return tv;
}

/* --- message sizes ---------------------------------------------------------- */

/* One mail message: mostly text, sometimes a big attachment. */
static uint64_t
msg_size(struct gflow *f)
{
	if (chance(&f->r, 0.04))
		return (uint64_t)clampd(lognorm(&f->r, 2.5e6, 0.9), 1e5, 40e6);
	return (uint64_t)clampd(lognorm(&f->r, 24e3, 1.3), 600, 5e6);
}

/* New messages a POP3/IMAP client fetches in one session. */
static uint32_t
msg_count(struct gflow *f)
{
	if (chance(&f->r, 0.5))
		return 0;
	if (chance(&f->r, 0.04))	/* first sync of a mailbox */
		return (uint32_t)clampd(pareto(&f->r, 20, 1.1), 20, 150);
	return 1 + geom(&f->r, 2.0);
}

/* --- mail scripts ------------------------------------------------------------ */

static int
is_smtp(int k)
{
	return k == K_SMTP || k == K_SUBM || k == K_SMTPS;
}

static int
is_implicit(int k)
{
	return k == K_POP3S || k == K_IMAPS || k == K_SMTPS;
}

/* The client's side of a small protected message of about n bytes. */
#define CREQ(n)	tls_step(f, C2S, t_cli(f), 23, tv, (n))
#define SREP(n)	tls_step(f, S2C, t_srv(f), 23, tv, (n))

/* After the handshake: the session over TLS. */
static void
mail_tls_session(struct gflow *f, const struct server *s, int tv)
{
	uint32_t	i, nmsg;

	if (is_implicit(f->kind))	/* greeting inside TLS */
		tls_step(f, S2C, t_srv(f), 23, tv, 40 + rnd(&f->r, 80));
	if (f->kind == K_POP3 || f->kind == K_POP3S) {
		CREQ(16);
		SREP(5);
		CREQ(20);
		SREP(18);
		CREQ(6);
		SREP(14);
		nmsg = msg_count(f);
		CREQ(6);
		SREP(12 + 22 * nmsg);
		f->bflags = ST_SKIP;
		for (i = 0; i < nmsg && room(f, 4, 0); i++) {
			tls_step(f, C2S, t_cli(f), 23, tv, 8);
			tls_step(f, S2C, t_srv(f), 23, tv, 20 + msg_size(f));
			if (chance(&f->r, 0.3)) {
				CREQ(8);
				SREP(18);
			}
		}
		f->bflags = 0;
		CREQ(6);
		SREP(22);
		tls_step(f, S2C, t_same(f), 21, tv, 2);	/* close_notify */
		f->closer = S2C;
		return;
	}
	if (f->kind == K_IMAP || f->kind == K_IMAPS) {
		CREQ(20 + rnd(&f->r, 60));	/* ID / CAPABILITY */
		SREP(150 + rnd(&f->r, 200));
		CREQ(40);			/* LOGIN / AUTHENTICATE */
		SREP(200 + rnd(&f->r, 100));
		CREQ(22);			/* SELECT INBOX */
		SREP(350 + rnd(&f->r, 200));
		nmsg = msg_count(f);
		f->bflags = ST_SKIP;
		if (nmsg > 0) {
			CREQ(60);		/* UID FETCH flags */
			SREP(60 * nmsg);
		}
		for (i = 0; i < nmsg && room(f, 3, 0); i++) {
			tls_step(f, C2S, t_cli(f), 23, tv, 50);
			tls_step(f, S2C, t_srv(f), 23, tv, 80 + msg_size(f));
		}
		/* some clients sit in IDLE before they leave */
		if (chance(&f->r, 0.2)) {
			uint32_t k, nidle = 1 + rnd(&f->r, 3);

			for (k = 0; k < nidle && room(f, 6, 0); k++) {
				CREQ(12);
				SREP(10);
				tls_step(f, S2C, ns_ln(f, 8 * SEC, 0.8,
				    500 * MS, 60 * SEC), 23, tv, 20);
				CREQ(6);
				SREP(30);
				if (chance(&f->r, 0.6)) {
					tls_step(f, C2S, t_cli(f), 23, tv, 50);
					tls_step(f, S2C, t_srv(f), 23, tv,
					    80 + msg_size(f));
				}
			}
		}
		f->bflags = 0;
		CREQ(12);			/* LOGOUT */
		SREP(60);
		if (s->flavor == FL_EXCHANGE) {
			tls_step(f, C2S, t_same(f), 21, tv, 2);
			f->closer = C2S;
		} else {
			tls_step(f, S2C, t_same(f), 21, tv, 2);
			f->closer = S2C;
		}
		return;
	}
	/* SMTP */
	CREQ(28);				/* EHLO */
	SREP(120 + rnd(&f->r, 80));
	if (f->kind != K_SMTP) {
		CREQ(40);			/* AUTH PLAIN */
		SREP(34);
	}
	nmsg = f->kind == K_SMTP && chance(&f->r, 0.15) ? 2 + rnd(&f->r, 6) :
	    1;
	f->bflags = ST_SKIP;
	for (i = 0; i < nmsg && room(f, 9, 0); i++) {
		CREQ(40);			/* MAIL FROM */
		SREP(16);
		CREQ(36);			/* RCPT TO */
		SREP(18);
		CREQ(6);			/* DATA */
		SREP(38);
		tls_step(f, C2S, t_cli(f), 23, tv, msg_size(f));
		SREP(42);
	}
	f->bflags = 0;
	CREQ(6);				/* QUIT */
	SREP(16);
	tls_step(f, S2C, t_same(f), 21, tv, 2);
	f->closer = S2C;
}

/* A plaintext message body: headers, base64 lines, the terminator. */
static void
plain_message(struct gflow *f, int dir, uint64_t size, const char *term)
{
	litf(f, dir, t_same(f),
	    "Return-Path: <sender%u@example.org>\r\n"
	    "Received: from relay.example.org (relay.example.org [192.0.2.%u])\r\n"
	    "\tby %s with ESMTP id %08X\r\n"
	    "From: Sender <sender%u@example.org>\r\n"
	    "To: user%u@%s\r\n"
	    "Subject: Invoice %u\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=\"b%08X\"\r\n\r\n"
	    "--b%08X\r\nContent-Type: application/pdf\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n",
	    rnd(&f->r, 1000), 1 + rnd(&f->r, 250), f->host,
	    (unsigned)rng_next(&f->r), rnd(&f->r, 1000), rnd(&f->r, 1000),
	    f->host, rnd(&f->r, 100000), 7u, 7u);
	text_step(f, dir, t_same(f), 1 + size / TLINE);
	litf(f, dir, t_same(f), "--b%08X--\r\n%s", 7u, term);
}

/*
 * The plaintext part of a mail session on a STARTTLS port, and what
 * follows: TLS when both sides want it, else the whole session in the
 * clear.
 */
static void
mail_starttls(struct gflow *f, const struct server *s, int prof, int want)
{
	int	offered = s->policy != POL_NOTLS || s->broken_stls;
	int	refuse = s->policy == POL_NOTLS;
	int	tries, tv;
	uint32_t i, nmsg;
	char	tag[8];

	/* want: the client uses STARTTLS when offered; tries: also when not */
	tries = want && (offered || chance(&f->r, 0.4));
	f->reason = R_NONE;

	switch (f->kind) {
	case K_POP3:
		if (s->flavor == FL_EXCHANGE)
			litf(f, S2C, t_srv(f), "+OK The Microsoft Exchange POP3 "
			    "service is ready. [UABSADAAMQBDAEEAMAAwADEA]\r\n");
		else if (s->flavor == FL_DOVECOT)
			litf(f, S2C, t_srv(f), "+OK Dovecot (Debian) ready.\r\n");
		else
			litf(f, S2C, t_srv(f), "+OK Hello there.\r\n");
		if (prof != PR_SCHANNEL12 && prof != PR_SCHANNEL10) {
			litf(f, C2S, t_cli(f), "CAPA\r\n");
			litf(f, S2C, t_srv(f), "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\n"
			    "RESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\n%s"
			    "USER\r\nSASL PLAIN LOGIN\r\n.\r\n",
			    offered ? "STLS\r\n" : "");
		}
		if (tries) {
			litf(f, C2S, t_cli(f), "STLS\r\n");
			if (!refuse) {
				litf(f, S2C, t_srv(f), "+OK Begin TLS "
				    "negotiation now.\r\n");
				break;
			}
			litf(f, S2C, t_srv(f), "-ERR Unknown command.\r\n");
		}
		/* plaintext from here */
		/* USER/PASS before TLS: tlsfloor's cleartext_credentials */
		f->reason = R_CLEARTEXT;
		litf(f, C2S, t_cli(f), "USER user%u\r\n", rnd(&f->r, 1000));
		litf(f, S2C, t_srv(f), "+OK\r\n");
		litf(f, C2S, t_cli(f), "PASS s3cret%u\r\n", rnd(&f->r, 1000));
		litf(f, S2C, t_srv(f), "+OK Logged in.\r\n");
		nmsg = msg_count(f);
		litf(f, C2S, t_cli(f), "STAT\r\n");
		litf(f, S2C, t_srv(f), "+OK %u %u\r\n", nmsg, nmsg * 30000);
		f->bflags = ST_SKIP;
		for (i = 0; i < nmsg && i < 40 && room(f, 6, 900); i++) {
			uint64_t sz = msg_size(f);

			if (sz > 2000000)
				sz = 2000000;
			litf(f, C2S, t_cli(f), "RETR %u\r\n", i + 1);
			litf(f, S2C, t_srv(f), "+OK %llu octets\r\n",
			    (unsigned long long)sz);
			plain_message(f, S2C, sz, ".\r\n");
		}
		f->bflags = 0;
		litf(f, C2S, t_cli(f), "QUIT\r\n");
		litf(f, S2C, t_srv(f), "+OK Logging out.\r\n");
		f->closer = S2C;
		return;

	case K_IMAP:
		if (s->flavor == FL_EXCHANGE)
			litf(f, S2C, t_srv(f), "* OK The Microsoft Exchange IMAP4 "
			    "service is ready. [UABSADAAMQBDAEEAMAAwADEA]\r\n");
		else if (s->flavor == FL_DOVECOT)
			litf(f, S2C, t_srv(f), "* OK [CAPABILITY IMAP4rev1 "
			    "SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+%s] "
			    "Dovecot (Debian) ready.\r\n",
			    offered ? " STARTTLS LOGINDISABLED" : " AUTH=PLAIN");
		else
			litf(f, S2C, t_srv(f), "* OK [CAPABILITY IMAP4rev1 "
			    "UIDPLUS CHILDREN NAMESPACE THREAD=ORDEREDSUBJECT "
			    "THREAD=REFERENCES SORT QUOTA IDLE ACL ACL2=UNION%s] "
			    "Courier-IMAP ready. Copyright 1998-2018 Double "
			    "Precision, Inc.  See COPYING for distribution "
			    "information.\r\n", offered ? " STARTTLS" : "");
		snprintf(tag, sizeof(tag), prof == PR_FIREFOX ? "1" :
		    prof == PR_APPLE ? "1.1" : "a001");
		litf(f, C2S, t_cli(f), "%s CAPABILITY\r\n", tag);
		litf(f, S2C, t_srv(f), "* CAPABILITY IMAP4rev1 SASL-IR "
		    "LOGIN-REFERRALS ID ENABLE IDLE LITERAL+%s\r\n"
		    "%s OK Pre-login capabilities listed, post-login "
		    "capabilities have more.\r\n",
		    offered ? " STARTTLS LOGINDISABLED" : " AUTH=PLAIN", tag);
		snprintf(tag, sizeof(tag), prof == PR_FIREFOX ? "2" :
		    prof == PR_APPLE ? "1.2" : "a002");
		if (tries) {
			litf(f, C2S, t_cli(f), "%s STARTTLS\r\n", tag);
			if (!refuse) {
				litf(f, S2C, t_srv(f), "%s OK Begin TLS "
				    "negotiation now.\r\n", tag);
				break;
			}
			litf(f, S2C, t_srv(f), "%s BAD Error in IMAP command "
			    "STARTTLS: TLS support isn't enabled.\r\n", tag);
		}
		f->reason = R_CLEARTEXT;	/* LOGIN before TLS */
		litf(f, C2S, t_cli(f), "a003 LOGIN user%u s3cret\r\n",
		    rnd(&f->r, 1000));
		litf(f, S2C, t_srv(f), "a003 OK [CAPABILITY IMAP4rev1 SASL-IR "
		    "LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY "
		    "THREAD=REFERENCES MULTIAPPEND UNSELECT CHILDREN NAMESPACE "
		    "UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH "
		    "SEARCHRES WITHIN CONTEXT=SEARCH] Logged in\r\n");
		nmsg = msg_count(f);
		litf(f, C2S, t_cli(f), "a004 SELECT INBOX\r\n");
		litf(f, S2C, t_srv(f), "* FLAGS (\\Answered \\Flagged \\Deleted "
		    "\\Seen \\Draft)\r\n* %u EXISTS\r\n* 0 RECENT\r\n"
		    "* OK [UIDVALIDITY 1700000000] UIDs valid\r\n"
		    "a004 OK [READ-WRITE] Select completed.\r\n", nmsg);
		f->bflags = ST_SKIP;
		for (i = 0; i < nmsg && i < 40 && room(f, 6, 200); i++) {
			uint64_t sz = msg_size(f), lines;

			if (sz > 2000000)
				sz = 2000000;
			lines = 1 + sz / TLINE;
			litf(f, C2S, t_cli(f), "a%03u FETCH %u BODY.PEEK[]\r\n",
			    5 + i, i + 1);
			litf(f, S2C, t_srv(f), "* %u FETCH (BODY[] {%llu}\r\n",
			    i + 1, (unsigned long long)(lines * TLINE));
			text_step(f, S2C, t_same(f), lines);
			litf(f, S2C, t_same(f), ")\r\na%03u OK Fetch "
			    "completed.\r\n", 5 + i);
		}
		f->bflags = 0;
		litf(f, C2S, t_cli(f), "a999 LOGOUT\r\n");
		litf(f, S2C, t_srv(f), "* BYE Logging out\r\na999 OK Logout "
		    "completed.\r\n");
		f->closer = S2C;
		return;

	default:	/* SMTP 25, 587 */
		if (s->flavor == FL_EXCHANGE)
			litf(f, S2C, t_srv(f), "220 EXCH%02u.corp.example "
			    "Microsoft ESMTP MAIL Service ready at Mon, 2 Mar "
			    "2026 09:%02u:%02u +0000\r\n", rnd(&f->r, 8),
			    rnd(&f->r, 60), rnd(&f->r, 60));
		else if (s->flavor == FL_DOVECOT)
			litf(f, S2C, t_srv(f), "220 %s ESMTP Postfix "
			    "(Debian/GNU)\r\n", s->name);
		else
			litf(f, S2C, t_srv(f), "220 %s ESMTP Exim 4.96 Mon, 02 "
			    "Mar 2026 09:%02u:%02u +0000\r\n", s->name,
			    rnd(&f->r, 60), rnd(&f->r, 60));
		litf(f, C2S, t_cli(f), "EHLO %s\r\n", f->kind == K_SMTP ?
		    "relay.corp.example" : "[10.1.2.3]");
		litf(f, S2C, t_srv(f), "250-%s\r\n250-PIPELINING\r\n"
		    "250-SIZE 52428800\r\n250-ETRN\r\n%s%s"
		    "250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n"
		    "250-SMTPUTF8\r\n250 CHUNKING\r\n", s->name,
		    offered ? "250-STARTTLS\r\n" : "",
		    f->kind == K_SUBM && !offered ? "250-AUTH PLAIN LOGIN\r\n" :
		    "");
		if (want && offered) {
			litf(f, C2S, t_cli(f), "STARTTLS\r\n");
			if (!refuse) {
				litf(f, S2C, t_srv(f), "220 2.0.0 Ready to "
				    "start TLS\r\n");
				break;
			}
			litf(f, S2C, t_srv(f), "454 4.7.0 TLS not available "
			    "due to local problem\r\n");
		}
		f->reason = R_PLAINTEXT;
		if (f->kind == K_SUBM) {
			f->reason = R_CLEARTEXT;	/* AUTH PLAIN before TLS */
			litf(f, C2S, t_cli(f), "AUTH PLAIN AHVzZXIAczNjcmV0\r\n");
			litf(f, S2C, t_srv(f), "235 2.7.0 Authentication "
			    "successful\r\n");
		}
		nmsg = chance(&f->r, 0.15) ? 2 + rnd(&f->r, 4) : 1;
		f->bflags = ST_SKIP;
		for (i = 0; i < nmsg && room(f, 12, 1000); i++) {
			uint64_t sz = msg_size(f);

			if (sz > 2000000)
				sz = 2000000;
			litf(f, C2S, t_cli(f), "MAIL FROM:<sender%u@corp.example>"
			    " SIZE=%llu\r\n", rnd(&f->r, 1000),
			    (unsigned long long)sz);
			litf(f, S2C, t_srv(f), "250 2.1.0 Ok\r\n");
			litf(f, C2S, t_cli(f), "RCPT TO:<user%u@%s>\r\n",
			    rnd(&f->r, 1000), s->name + 5);
			litf(f, S2C, t_srv(f), "250 2.1.5 Ok\r\n");
			litf(f, C2S, t_cli(f), "DATA\r\n");
			litf(f, S2C, t_srv(f), "354 End data with "
			    "<CR><LF>.<CR><LF>\r\n");
			plain_message(f, C2S, sz, ".\r\n");
			litf(f, S2C, t_srv(f), "250 2.0.0 Ok: queued as "
			    "4Q%07X\r\n", rnd(&f->r, 1u << 28));
		}
		f->bflags = 0;
		litf(f, C2S, t_cli(f), "QUIT\r\n");
		litf(f, S2C, t_srv(f), "221 2.0.0 Bye\r\n");
		f->closer = S2C;
		return;
	}
	/* STARTTLS accepted */
	tv = build_tls(f, prof, s, s->name, 0, t_crypto(f));
	if (tv >= 0)
		mail_tls_session(f, s, tv);
}

static void
build_mail(struct gflow *f, const struct client *c, const struct server *s)
{
	int	prof = c->mua, tv;

	if (is_implicit(f->kind)) {
		f->mode = 2;
		tv = build_tls(f, prof, s, s->name, 0, t_cli(f));
		if (tv >= 0)
			mail_tls_session(f, s, tv);
	} else {
		mail_starttls(f, s, prof, !c->plainmail);
		f->mode = f->reason == R_PLAINTEXT ||
		    f->reason == R_CLEARTEXT ? 0 : 1;
	}
	if (f->reason != R_PLAINTEXT && f->reason != R_CLEARTEXT &&
	    f->reason != R_LEGACY_REFUSED &&
	    f->cmax == 0) {
		fprintf(stderr, "gen: internal error: no verdict\n");
		exit(1);
	}
}

/* --- web scripts ------------------------------------------------------------- */

static uint64_t
web_object(struct gflow *f)
{
	if (chance(&f->r, 0.004))	/* a download */
		return (uint64_t)clampd(lognorm(&f->r, 10e6, 1.0), 1e6, 200e6);
	return (uint64_t)clampd(lognorm(&f->r, 8e3, 1.6), 200, 20e6);
}

static void
build_https(struct gflow *f, const struct client *c, const struct server *s)
{
	uint32_t i, n = 1 + geom(&f->r, 3.0);
	int	 tv;

	tv = build_tls(f, c->browser, s, s->name, 1, t_cli(f));
	if (f->neg != 0 && f->neg < 0x0303)
		st_https_legacy++;
	if (f->neg == 0x0304)
		st_tls13_https++;
	f->reason = R_NONE;
	if (tv < 0)
		return;
	f->bflags = ST_SKIP;
	for (i = 0; i < n && room(f, 3, 0); i++) {
		tls_step(f, C2S, i == 0 ? t_cli(f) : t_user(f), 23, tv,
		    250 + rnd(&f->r, 1200));
		tls_step(f, S2C, ns_ln(f, 5 * MS, 1.2, 100 * US, 2 * SEC), 23,
		    tv, web_object(f));
	}
	f->bflags = 0;
	/* the browser keeps the idle connection a while */
	tls_step(f, C2S, t_idle(f), 21, tv, 2);
	f->closer = C2S;
	f->rst = chance(&f->r, 0.1);
}

static void
build_http(struct gflow *f, const struct server *s)
{
	/* bodies are random bytes: types tshark does not dissect further */
	static const char *const types[] = { "application/octet-stream",
		"font/woff2", "application/x-protobuf",
		"application/octet-stream", "application/vnd.ms-cab-compressed" };
	uint32_t i, n = 1 + geom(&f->r, 2.0);

	f->bflags = ST_SKIP;
	for (i = 0; i < n && room(f, 4, 700); i++) {
		uint64_t sz = web_object(f);

		litf(f, C2S, i == 0 ? t_cli(f) : t_user(f),
		    "GET /static/%08x/%u.%s HTTP/1.1\r\nHost: %s\r\n"
		    "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
		    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 "
		    "Safari/537.36\r\nAccept: */*\r\nAccept-Encoding: gzip, "
		    "deflate\r\nAccept-Language: en-US,en;q=0.9\r\n"
		    "Connection: keep-alive\r\n\r\n",
		    (unsigned)rng_next(&f->r), i, i == 0 ? "html" : "js",
		    s->name);
		litf(f, S2C, ns_ln(f, 3 * MS, 1.2, 100 * US, 2 * SEC),
		    "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n"
		    "Date: Mon, 02 Mar 2026 09:00:00 GMT\r\n"
		    "Content-Type: %s\r\nContent-Length: %llu\r\n"
		    "Connection: keep-alive\r\nCache-Control: max-age=3600\r\n"
		    "\r\n", types[rnd(&f->r, 5)], (unsigned long long)sz);
		bin_step(f, S2C, t_same(f), sz);
	}
	f->bflags = 0;
	f->closer = chance(&f->r, 0.5) ? C2S : S2C;
	f->close_think = t_idle(f);
}

/* --- a new connection ------------------------------------------------------- */

static struct rng	grng;

static int
pick_kind(struct rng *r)
{
	double u = unit(r);

	if (u < 0.56)
		return K_HTTPS;
	if (u < 0.76)
		return K_HTTP;
	u = unit(r);		/* mail */
	if (u < 0.30)
		return K_IMAPS;
	if (u < 0.40)
		return K_IMAP;
	if (u < 0.50)
		return K_POP3S;
	if (u < 0.57)
		return K_POP3;
	if (u < 0.75)
		return K_SUBM;
	if (u < 0.83)
		return K_SMTPS;
	return K_SMTP;
}

static void
fmt_ip(const struct gflow *f, int side, char *buf, size_t n)
{
	inet_ntop(f->v6 ? AF_INET6 : AF_INET, f->ip[side], buf, (socklen_t)n);
}

static const char *
vname(uint16_t v)
{
	switch (v) {
	case 0x0301: return "TLSv1.0";
	case 0x0302: return "TLSv1.1";
	case 0x0303: return "TLSv1.2";
	case 0x0304: return "TLSv1.3";
	}
	return "-";
}

static void
flow_new(struct gflow *f, uint64_t start)
{
	const struct client *c;
	const struct server *s;
	struct client	*cm;
	int		 kind, tries = 0;

	rng_seed(&f->r, rng_next(&grng));
	f->nsteps = f->cur = 0;
	f->alen = 0;
	f->bflags = 0;
	f->closer = C2S;
	f->rst = 0;
	f->drained = 0;
	f->cmax = f->neg = 0;
	f->close_think = 0;
	f->reason = R_NONE;
	f->mode = 0;
	f->off = 0;
	f->def_on = 0;
	f->unacked[0] = f->unacked[1] = 0;
	f->tack[0] = f->tack[1] = NONE;

	kind = pick_kind(&f->r);
	for (;;) {
		if (kind == K_SMTP && chance(&f->r, 0.7))
			cm = &clients[rnd(&f->r, NMTA)];
		else
			cm = &clients[NMTA + rnd(&f->r, NCLIENTS - NMTA)];
		if (kind == K_HTTPS || kind == K_HTTP)
			s = &web[(uint32_t)clampd(pareto(&f->r, 1, 0.9), 1,
			    NWEB) - 1];
		else
			s = &mailsrv[rnd(&f->r, NMAIL)];
		/* no implicit TLS on a server without TLS */
		if (s->policy == POL_NOTLS && is_implicit(kind) && ++tries < 8)
			continue;
		break;
	}
	c = cm;
	f->kind = (uint8_t)kind;
	f->v6 = c->has_v6 && s->has_v6 && chance(&f->r, 0.75);
	f->vlan = c->vlan;
	memset(f->ip, 0, sizeof(f->ip));
	memcpy(f->ip[0], f->v6 ? c->v6 : c->v4, f->v6 ? 16 : 4);
	memcpy(f->ip[1], f->v6 ? s->v6 : s->v4, f->v6 ? 16 : 4);
	f->port[0] = cm->next_port;
	cm->next_port = (uint16_t)(cm->next_port + 1 + rnd(&f->r, 3));
	if (cm->next_port > 60999 || cm->next_port < 32768)
		cm->next_port = (uint16_t)(32768 + (cm->next_port & 0x3ff));
	f->port[1] = kind_port[kind];
	f->mac[0] = c->mac;
	f->mac[1] = gw_mac;
	f->mss = f->v6 ? 1428 : 1448;
	f->ttl[0] = 64;
	f->ttl[1] = (uint8_t)(40 + rnd(&f->r, 20));
	f->isn[0] = (uint32_t)rng_next(&f->r);
	f->isn[1] = (uint32_t)rng_next(&f->r);
	f->nxt[0] = f->hw[0] = f->isn[0];
	f->nxt[1] = f->hw[1] = f->isn[1];
	f->tsbase[0] = (uint32_t)rng_next(&f->r);
	f->tsbase[1] = (uint32_t)rng_next(&f->r);
	f->ipid[0] = (uint16_t)rng_next(&f->r);
	f->ipid[1] = (uint16_t)rng_next(&f->r);
	f->flowlabel = (uint32_t)rng_next(&f->r) & 0xfffff;
	f->rtt = ns_ln(f, 20 * MS, 0.9, 200 * US, 500 * MS);
	if (kind == K_SMTP && cm->mta)
		f->rtt = ns_ln(f, 40 * MS, 0.7, 1 * MS, 300 * MS);
	f->rate = (uint64_t)clampd(lognorm(&f->r, 6e6, 1.0), 0.5e6, 1e9);
	f->t0 = start;
	snprintf(f->host, sizeof(f->host), "%s", s->name);
	f->dns = chance(&f->r, 0.3);
	f->dns_id = (uint16_t)rng_next(&f->r);
	f->dns_port = (uint16_t)(1024 + rnd(&f->r, 60000));
	f->phase = f->dns ? PH_DNSQ : PH_SYN;
	f->tmain = start;

	switch (kind) {
	case K_HTTPS:
		build_https(f, c, s);
		break;
	case K_HTTP:
		build_http(f, s);
		break;
	default:
		build_mail(f, c, s);
		break;
	}

	st_flows++;
	st_kind[kind]++;
	st_v6 += f->v6;
	st_vlan += f->vlan != 0;
	st_dns += f->dns;
	if (f->reason != R_NONE) {
		char a[64], b[64];

		st_reason[f->reason]++;
		st_mode[f->mode]++;
		fmt_ip(f, 0, a, sizeof(a));
		fmt_ip(f, 1, b, sizeof(b));
		fprintf(sessf, "%s\t%u\t%s\t%u\t%s\t%s\t%s\t%s\t%s\n", a,
		    f->port[0], b, f->port[1],
		    is_smtp(kind) ? "smtp" : kind == K_IMAP || kind == K_IMAPS ?
		    "imap" : "pop3",
		    f->mode == 2 ? "implicit" : f->mode == 1 ? "starttls" :
		    "plain", reason_name[f->reason], vname(f->cmax),
		    vname(f->neg));
	}
}

/* --- packets ------------------------------------------------------------------ */

static uint32_t
tsval(const struct gflow *f, int d, uint64_t t)
{
	return f->tsbase[d] + (uint32_t)((t - f->t0) / MS);
}

/* Ethernet (+802.1Q) and the IP header; returns the L4 pointer. */
static uint8_t *
frame_l3(struct gflow *f, int d, uint8_t *p, const uint8_t *src,
    const uint8_t *dst, uint8_t proto, size_t l4len)
{
	uint8_t	*ip;

	memcpy(p, f->mac[!d], 6);
	memcpy(p + 6, f->mac[d], 6);
	if (f->vlan) {
		put16(p + 12, 0x8100);
		put16(p + 14, f->vlan);
		p += 4;
	}
	put16(p + 12, f->v6 ? 0x86dd : 0x0800);
	ip = p + 14;
	if (f->v6) {
		put32(ip, 0x60000000u | f->flowlabel);
		put16(ip + 4, (uint32_t)l4len);
		ip[6] = proto;
		ip[7] = f->ttl[d];
		memcpy(ip + 8, src, 16);
		memcpy(ip + 24, dst, 16);
		return ip + 40;
	}
	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, (uint32_t)(20 + l4len));
	put16(ip + 4, f->ipid[d]++);
	put16(ip + 6, 0x4000);
	ip[8] = f->ttl[d];
	ip[9] = proto;
	ip[10] = ip[11] = 0;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	store_csum(ip + 10, csum_fold(csum_add(0, ip, 20)));
	return ip + 20;
}

static uint64_t
pseudo_sum(const struct gflow *f, const uint8_t *src, const uint8_t *dst,
    uint8_t proto, size_t l4len)
{
	uint8_t	ph[40];
	size_t	al = f->v6 ? 16 : 4;

	memcpy(ph, src, al);
	memcpy(ph + al, dst, al);
	if (f->v6) {
		put32(ph + 32, (uint32_t)l4len);
		ph[36] = ph[37] = ph[38] = 0;
		ph[39] = proto;
		return csum_add(0, ph, 40);
	}
	ph[8] = 0;
	ph[9] = proto;
	put16(ph + 10, (uint32_t)l4len);
	return csum_add(0, ph, 12);
}

static size_t
frame_hdr_len(const struct gflow *f)
{
	return 14 + (f->vlan ? 4 : 0) + (f->v6 ? 40 : 20);
}

static void
emit_tcp(struct gflow *f, int d, uint8_t fl, uint32_t seq,
    const struct step *st, uint64_t off, uint32_t len, uint64_t t)
{
	size_t	 thl = (fl & TH_SYN) ? 40 : 32;
	size_t	 flen = frame_hdr_len(f) + thl + len;
	uint8_t	*p = pcap_rec(t, flen), *th;

	th = frame_l3(f, d, p, f->ip[d], f->ip[!d], 6, thl + len);
	put16(th, f->port[d]);
	put16(th + 2, f->port[!d]);
	put32(th + 4, seq);
	put32(th + 8, (fl & TH_ACK) ? f->hw[!d] : 0);
	th[12] = (uint8_t)((thl / 4) << 4);
	th[13] = fl;
	put16(th + 14, (fl & TH_SYN) ? (d == C2S ? 64240 : 65160) :
	    (d == C2S ? 501 : 509));
	th[16] = th[17] = 0;
	th[18] = th[19] = 0;
	if (fl & TH_SYN) {
		/* MSS, SACK permitted, timestamps, NOP, window scale 7 */
		th[20] = 2;
		th[21] = 4;
		put16(th + 22, f->mss + 12u);
		th[24] = 4;
		th[25] = 2;
		th[26] = 8;
		th[27] = 10;
		put32(th + 28, tsval(f, d, t));
		put32(th + 32, d == S2C ? tsval(f, C2S, t) : 0);
		th[36] = 1;
		th[37] = 3;
		th[38] = 3;
		th[39] = 7;
	} else {
		th[20] = 1;
		th[21] = 1;
		th[22] = 8;
		th[23] = 10;
		put32(th + 24, tsval(f, d, t));
		put32(th + 28, tsval(f, !d, t) - (d == S2C ? 0 :
		    (uint32_t)(f->rtt / MS)));
	}
	if (len > 0)
		fill(f, st, off, len, th + thl);
	if (do_csum)
		store_csum(th + 16, csum_fold(csum_add(pseudo_sum(f, f->ip[d],
		    f->ip[!d], 6, thl + len), th, thl + len)));
	if (fl & TH_ACK) {
		f->tack[d] = NONE;	/* this packet carries the ACK */
		f->unacked[d] = 0;
	}
}

/* qname in DNS wire format */
static size_t
dns_name(uint8_t *p, const char *name)
{
	size_t	n = 0;

	while (*name) {
		const char *dot = strchr(name, '.');
		size_t l = dot ? (size_t)(dot - name) : strlen(name);

		p[n++] = (uint8_t)l;
		memcpy(p + n, name, l);
		n += l;
		name += l + (dot ? 1 : 0);
	}
	p[n++] = 0;
	return n;
}

static void
emit_dns(struct gflow *f, int resp, uint64_t t)
{
	uint8_t		 msg[300], *p, *u;
	const uint8_t	*cli = f->ip[0], *srv = f->v6 ? dns6 : dns4;
	const uint8_t	*src = resp ? srv : cli, *dst = resp ? cli : srv;
	uint16_t	 qtype = f->v6 ? 28 : 1;
	size_t		 n = 12, flen;
	int		 d = resp ? S2C : C2S;

	put16(msg, f->dns_id);
	put16(msg + 2, resp ? 0x8180 : 0x0100);
	put16(msg + 4, 1);
	put16(msg + 6, resp ? 1 : 0);
	put16(msg + 8, 0);
	put16(msg + 10, 0);
	n += dns_name(msg + n, f->host);
	put16(msg + n, qtype);
	put16(msg + n + 2, 1);
	n += 4;
	if (resp) {
		put16(msg + n, 0xc00c);
		put16(msg + n + 2, qtype);
		put16(msg + n + 4, 1);
		put32(msg + n + 6, 300);
		put16(msg + n + 10, f->v6 ? 16 : 4);
		memcpy(msg + n + 12, f->ip[1], f->v6 ? 16 : 4);
		n += 12 + (f->v6 ? 16 : 4);
	}
	flen = frame_hdr_len(f) + 8 + n;
	p = pcap_rec(t, flen);
	u = frame_l3(f, d, p, src, dst, 17, 8 + n);
	put16(u, resp ? 53 : f->dns_port);
	put16(u + 2, resp ? f->dns_port : 53);
	put16(u + 4, (uint32_t)(8 + n));
	u[6] = u[7] = 0;
	memcpy(u + 8, msg, n);
	if (do_csum) {
		uint16_t c = csum_fold(csum_add(pseudo_sum(f, src, dst, 17,
		    8 + n), u, 8 + n));

		if (c == 0)
			c = 0xffff;
		store_csum(u + 6, c);
	}
}

/* --- the flow's clock -------------------------------------------------------- */

static uint64_t
pace(const struct gflow *f, uint32_t len)
{
	uint64_t g = (uint64_t)(len + 66) * 8 * SEC / f->rate;

	return g < 2 * US ? 2 * US : g;
}

static void
sched_ack(struct gflow *f, int r, uint64_t t)
{
	uint64_t at = t + (r == C2S ? 20 * US + rnd(&f->r, 60) * US :
	    f->rtt + 20 * US);

	if (f->tack[r] == NONE)
		f->tack[r] = at;
	f->unacked[r] = 0;
}

static int
next_step(const struct gflow *f, int i)
{
	while (i < f->nsteps && draining && (f->steps[i].flags & ST_SKIP))
		i++;
	return i;
}

static uint64_t
step_delay(struct gflow *f, int prevdir, const struct step *st)
{
	uint64_t d = st->think;

	if (st->dir == S2C && prevdir == C2S)
		d += f->rtt;
	if (draining && d > SEC)
		d = rnd(&f->r, 1000) * MS;
	return d;
}

static void
step_begin(struct gflow *f, int i, uint64_t at)
{
	f->cur = (uint16_t)i;
	f->off = 0;
	f->def_on = 0;
	if (i < f->nsteps)
		f->sbase = f->nxt[f->steps[i].dir];
	f->tmain = at;
}

/* The step in progress when the output filled up: cut it short. */
static void
flow_drain(struct gflow *f, uint64_t now)
{
	struct step	*st;

	f->drained = 1;
	if (f->phase == PH_DATA && f->cur < f->nsteps && f->off == 0 &&
	    !f->def_on && (f->steps[f->cur].flags & ST_SKIP)) {
		int i = next_step(f, f->cur);

		if (i != f->cur)
			step_begin(f, i, f->tmain);
	}
	if (f->phase == PH_DATA && f->cur < f->nsteps && f->off > 0) {
		st = &f->steps[f->cur];
		if (st->gk == G_TLS) {
			uint64_t full = 5 + tls_body(st->tv, 16384);
			uint64_t r = (f->off + full - 1) / full;

			if (r * 16384 < st->plen) {
				st->plen = r * 16384;
				st->wlen = r * full;
			}
		} else if (st->gk == G_BIN && st->wlen > f->off)
			st->wlen = st->plen = f->off;
	}
	if (f->tmain != NONE && f->tmain > now + SEC)
		f->tmain = now + rnd(&f->r, 1000) * MS;
}

/* One packet of a data step. */
static void
data_event(struct gflow *f, uint64_t t)
{
	struct step	*st = &f->steps[f->cur];
	int		 d = st->dir, r = !d, ni;
	uint64_t	 o, gap;
	uint32_t	 len;
	uint8_t		 fl;
	int		 small = st->wlen <= SMALL_STEP;

	if (f->def_on && (f->def_cnt == 0 || f->off >= st->wlen)) {
		/* the held-back or repeated segment */
		o = f->def_off;
		len = f->def_len;
		f->def_on = 0;
	} else {
		o = f->off;
		len = (uint32_t)(st->wlen - o < f->mss ? st->wlen - o : f->mss);
		if (!f->def_on && st->wlen - o > len &&
		    chance(&f->r, small ? P_REORDER_SMALL : P_REORDER)) {
			/* this one arrives after the next */
			f->def_on = 1;
			f->def_hole = 1;
			f->def_cnt = 0;
			f->def_off = o;
			f->def_len = len;
			st_reorder++;
			o += len;
			len = (uint32_t)(st->wlen - o < f->mss ?
			    st->wlen - o : f->mss);
		}
		f->off = o + len;
		if (f->def_on && f->def_cnt > 0)
			f->def_cnt--;
		else if (!f->def_on &&
		    chance(&f->r, small ? P_RETX_SMALL : P_RETX)) {
			f->def_on = 1;
			f->def_hole = 0;
			f->def_cnt = (uint8_t)rnd(&f->r, 3);
			f->def_off = o;
			f->def_len = len;
			st_retx++;
		}
		f->unacked[r]++;
	}
	f->hw[d] = f->sbase + (uint32_t)(f->def_on && f->def_hole ?
	    f->def_off : f->off);
	f->nxt[d] = f->sbase + (uint32_t)f->off;
	fl = TH_ACK;
	if (o + len == st->wlen)
		fl |= TH_PSH;
	emit_tcp(f, d, fl, f->sbase + (uint32_t)o, st, o, len, t);
	st_segs++;
	st_kind_bytes[f->kind] += len;
	if (f->kind >= K_POP3)
		st_mail_bytes += len;
	gap = pace(f, len);

	if (f->off < st->wlen || f->def_on) {
		if (f->unacked[r] >= 2)
			sched_ack(f, r, t);
		f->tmain = t + gap;
		return;
	}
	/* step done */
	f->nxt[d] = f->sbase + (uint32_t)st->wlen;
	ni = next_step(f, f->cur + 1);
	if (ni < f->nsteps) {
		const struct step *nx = &f->steps[ni];
		uint64_t delay = nx->dir == d ? gap + nx->think :
		    step_delay(f, d, nx);

		/* the receiver's ACK: on its own reply if that comes soon */
		if (f->unacked[r] > 0 && !(nx->dir == r && delay < 40 * MS))
			sched_ack(f, r, t);
		step_begin(f, ni, t + delay);
		return;
	}
	if (f->unacked[r] > 0 && f->closer != r)
		sched_ack(f, r, t);
	f->cur = (uint16_t)ni;
	f->phase = PH_FIN1;
	if (f->closer == S2C && d == C2S)
		f->tmain = t + f->rtt + t_srv(f);
	else if (f->closer == d)
		f->tmain = t + t_same(f);
	else
		f->tmain = t + t_cli(f);
	if (draining && f->close_think > SEC)
		f->close_think = rnd(&f->r, 1000) * MS;
	f->tmain += f->close_think;
}

/*
 * The flow's next packet: an ACK due, or the next step of its life.
 * Returns 1 when the connection is over.
 */
static int
flow_event(struct gflow *f, uint64_t t)
{
	int	a = f->closer, b = !a, i;

	if (f->tack[0] <= t || f->tack[1] <= t) {
		int r = f->tack[0] <= t ? 0 : 1;

		f->tack[r] = NONE;
		emit_tcp(f, r, TH_ACK, f->nxt[r], NULL, 0, 0, t);
		goto out;
	}
	switch (f->phase) {
	case PH_DNSQ:
		emit_dns(f, 0, t);
		f->phase = PH_DNSR;
		f->tmain = t + ns_ln(f, 2 * MS, 1.2, 100 * US, 200 * MS);
		break;
	case PH_DNSR:
		emit_dns(f, 1, t);
		f->phase = PH_SYN;
		f->tmain = t + 50 * US + rnd(&f->r, 400) * US;
		break;
	case PH_SYN:
		emit_tcp(f, C2S, TH_SYN, f->isn[0], NULL, 0, 0, t);
		f->hw[0] = f->nxt[0] = f->isn[0] + 1;
		f->phase = PH_SYNACK;
		f->tmain = t + f->rtt;
		break;
	case PH_SYNACK:
		f->hw[1] = f->nxt[1] = f->isn[1] + 1;
		emit_tcp(f, S2C, TH_SYN | TH_ACK, f->isn[1], NULL, 0, 0, t);
		f->phase = PH_ACK3;
		f->tmain = t + 30 * US + rnd(&f->r, 50) * US;
		break;
	case PH_ACK3:
		emit_tcp(f, C2S, TH_ACK, f->nxt[0], NULL, 0, 0, t);
		i = next_step(f, 0);
		if (i >= f->nsteps) {
			f->phase = PH_FIN1;
			f->tmain = t + f->rtt;
			break;
		}
		f->phase = PH_DATA;
		step_begin(f, i, t + step_delay(f, C2S, &f->steps[i]));
		break;
	case PH_DATA:
		if (f->cur >= f->nsteps) {	/* the rest was skipped */
			f->phase = PH_FIN1;
			f->tmain = t;
			return flow_event(f, t);
		}
		data_event(f, t);
		break;
	case PH_FIN1:
		if (f->rst) {
			emit_tcp(f, a, TH_RST | TH_ACK, f->nxt[a], NULL, 0, 0,
			    t);
			st_rst++;
			f->tack[0] = f->tack[1] = NONE;
			f->phase = PH_DONE;
			return 1;
		}
		emit_tcp(f, a, TH_FIN | TH_ACK, f->nxt[a], NULL, 0, 0, t);
		f->hw[a] = f->nxt[a] + 1;
		f->phase = PH_FIN2;
		f->tmain = t + (b == S2C ? f->rtt + 20 * US :
		    20 * US + rnd(&f->r, 200) * US);
		break;
	case PH_FIN2:
		emit_tcp(f, b, TH_FIN | TH_ACK, f->nxt[b], NULL, 0, 0, t);
		f->hw[b] = f->nxt[b] + 1;
		f->phase = PH_FIN3;
		f->tmain = t + (a == S2C ? f->rtt + 20 * US : 20 * US);
		break;
	case PH_FIN3:
		emit_tcp(f, a, TH_ACK, f->nxt[a] + 1, NULL, 0, 0, t);
		f->tack[0] = f->tack[1] = NONE;
		f->phase = PH_DONE;
		return 1;
	}
out:
	return 0;
}

/* --- the heap of flows, by next packet time ---------------------------------- */

static struct gflow	**heap;
static int		  heap_n;

static uint64_t
fkey(const struct gflow *f)
{
	uint64_t k = f->tmain;

	if (f->tack[0] < k)
		k = f->tack[0];
	if (f->tack[1] < k)
		k = f->tack[1];
	return k;
}

static void
heap_down(int i)
{
	struct gflow *x = heap[i];

	for (;;) {
		int c = 2 * i + 1;

		if (c >= heap_n)
			break;
		if (c + 1 < heap_n && heap[c + 1]->key < heap[c]->key)
			c++;
		if (heap[c]->key >= x->key)
			break;
		heap[i] = heap[c];
		i = c;
	}
	heap[i] = x;
}

static void
heap_build(void)
{
	int	i;

	for (i = heap_n / 2 - 1; i >= 0; i--)
		heap_down(i);
}

/* --- main ---------------------------------------------------------------------- */

static uint64_t
parse_size(const char *s)
{
	char		*end;
	double		 v;
	uint64_t	 m = 1;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v <= 0)
		return 0;
	switch (*end) {
	case 'k': case 'K': m = 1ULL << 10; end++; break;
	case 'm': case 'M': m = 1ULL << 20; end++; break;
	case 'g': case 'G': m = 1ULL << 30; end++; break;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end != '\0')
		return 0;
	return (uint64_t)(v * (double)m);
}

static void
usage(void)
{
	fprintf(stderr, "usage: gen [-C] [-s seed] [-b bytes] [-c flows] "
	    "-o file.pcap\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	const char	*path = NULL;
	uint64_t	 seed = 1, target = 2ULL << 30, conc = 4000;
	char		 name[4096];
	FILE		*ef;
	uint8_t		 gh[24];
	struct gflow	*flows;
	uint64_t	 i, tdone;
	int		 k;

	for (k = 1; k < argc; k++) {
		if (strcmp(argv[k], "-C") == 0)
			do_csum = 0;
		else if (k + 1 < argc && strcmp(argv[k], "-s") == 0)
			seed = strtoull(argv[++k], NULL, 0);
		else if (k + 1 < argc && strcmp(argv[k], "-b") == 0) {
			if ((target = parse_size(argv[++k])) == 0)
				usage();
		} else if (k + 1 < argc && strcmp(argv[k], "-c") == 0) {
			conc = strtoull(argv[++k], NULL, 0);
			if (conc < 1 || conc > 1000000)
				usage();
		} else if (k + 1 < argc && strcmp(argv[k], "-o") == 0)
			path = argv[++k];
		else
			usage();
	}
	if (path == NULL)
		usage();
	if ((out = fopen(path, "wb")) == NULL) {
		perror(path);
		return 1;
	}
	setvbuf(out, NULL, _IONBF, 0);
	snprintf(name, sizeof(name), "%s.sessions", path);
	if ((sessf = fopen(name, "w")) == NULL) {
		perror(name);
		return 1;
	}
	fprintf(sessf, "#client_ip\tclient_port\tserver_ip\tserver_port\t"
	    "protocol\tmode\treason\tclient_max\tnegotiated\n");
	if ((obuf = malloc(OBUF)) == NULL ||
	    (flows = calloc(conc, sizeof(*flows))) == NULL ||
	    (heap = calloc(conc, sizeof(*heap))) == NULL) {
		perror("gen");
		return 1;
	}

	/* pcap global header: magic, 2.4, zone, sigfigs, snaplen, Ethernet */
	le32(gh, 0xa1b2c3d4);
	gh[4] = 2; gh[5] = 0; gh[6] = 4; gh[7] = 0;
	le32(gh + 8, 0);
	le32(gh + 12, 0);
	le32(gh + 16, 262144);
	le32(gh + 20, 1);
	memcpy(out_reserve(24), gh, 24);
	opos += 24;
	file_bytes = 24;

	pools_init(seed);
	population_init(seed);
	rng_seed(&grng, seed);

	/* every slot starts its first connection within five seconds */
	for (i = 0; i < conc; i++) {
		flow_new(&flows[i], rnd(&grng, 5000000) * US);
		flows[i].key = fkey(&flows[i]);
		heap[heap_n++] = &flows[i];
	}
	heap_build();
	st_maxconc = conc;
	tdone = 0;

	while (heap_n > 0) {
		struct gflow *f = heap[0];

		now_ns = f->key;
		if (flow_event(f, now_ns)) {
			if (!draining) {
				/* the slot's next connection */
				flow_new(f, now_ns + (uint64_t)clampd(
				    lognorm(&grng, 30 * MS, 1.5), 100 * US,
				    30 * SEC));
			} else {
				heap[0] = heap[--heap_n];
				if (heap_n > 0)
					heap_down(0);
				tdone = now_ns;
				continue;
			}
		}
		f->key = fkey(f);
		heap_down(0);
		tdone = now_ns;
		if (!draining && file_bytes >= target) {
			int j;

			draining = 1;
			for (j = 0; j < heap_n; j++) {
				flow_drain(heap[j], now_ns);
				heap[j]->key = fkey(heap[j]);
			}
			heap_build();
		}
	}
	out_flush();
	if (fclose(out) != 0 || fclose(sessf) != 0) {
		perror(path);
		return 1;
	}

	snprintf(name, sizeof(name), "%s.expected", path);
	if ((ef = fopen(name, "w")) == NULL) {
		perror(name);
		return 1;
	}
	{
		uint64_t mail = 0, legacy;
		double dur = (double)tdone / 1e9;

		for (k = K_POP3; k < K_MAX; k++)
			mail += st_kind[k];
		legacy = st_reason[R_LEGACY_CLIENT] +
		    st_reason[R_LEGACY_NEGOTIATED] +
		    st_reason[R_LEGACY_REFUSED];
		fprintf(ef, "# tlsfloor bench capture: gen -s %llu -b %llu "
		    "-c %llu%s\n", (unsigned long long)seed,
		    (unsigned long long)target, (unsigned long long)conc,
		    do_csum ? "" : " -C");
		fprintf(ef, "seed=%llu\n", (unsigned long long)seed);
		fprintf(ef, "target_bytes=%llu\n", (unsigned long long)target);
		fprintf(ef, "file_bytes=%llu\n", (unsigned long long)file_bytes);
		fprintf(ef, "packets=%llu\n", (unsigned long long)n_pkts);
		fprintf(ef, "wire_bytes=%llu\n", (unsigned long long)wire_bytes);
		fprintf(ef, "duration_s=%.3f\n", dur);
		fprintf(ef, "avg_gbps=%.3f\n", dur > 0 ?
		    (double)wire_bytes * 8 / dur / 1e9 : 0);
		fprintf(ef, "concurrent_flows=%llu\n",
		    (unsigned long long)st_maxconc);
		fprintf(ef, "tcp_flows=%llu\n", (unsigned long long)st_flows);
		fprintf(ef, "dns_lookups=%llu\n", (unsigned long long)st_dns);
		fprintf(ef, "ipv6_flows=%llu\n", (unsigned long long)st_v6);
		fprintf(ef, "vlan_flows=%llu\n", (unsigned long long)st_vlan);
		fprintf(ef, "data_segments=%llu\n", (unsigned long long)st_segs);
		fprintf(ef, "retransmitted_segments=%llu\n",
		    (unsigned long long)st_retx);
		fprintf(ef, "reordered_segments=%llu\n",
		    (unsigned long long)st_reorder);
		fprintf(ef, "rst_teardowns=%llu\n", (unsigned long long)st_rst);
		for (k = 0; k < K_MAX; k++)
			fprintf(ef, "flows_%s=%llu\n", kind_name[k],
			    (unsigned long long)st_kind[k]);
		for (k = 0; k < K_MAX; k++)
			fprintf(ef, "payload_bytes_%s=%llu\n", kind_name[k],
			    (unsigned long long)st_kind_bytes[k]);
		fprintf(ef, "https_tls13=%llu\n",
		    (unsigned long long)st_tls13_https);
		fprintf(ef, "https_legacy=%llu\n",
		    (unsigned long long)st_https_legacy);
		fprintf(ef, "nonmail_flows=%llu\n",
		    (unsigned long long)(st_flows - mail));
		fprintf(ef, "mail_payload_bytes=%llu\n",
		    (unsigned long long)st_mail_bytes);
		fprintf(ef, "mail_sessions=%llu\n", (unsigned long long)mail);
		fprintf(ef, "mode_starttls=%llu\n", (unsigned long long)st_mode[1]);
		fprintf(ef, "mode_implicit=%llu\n", (unsigned long long)st_mode[2]);
		fprintf(ef, "mode_plain=%llu\n", (unsigned long long)st_mode[0]);
		for (k = 0; k < R_NONE; k++)
			fprintf(ef, "reason_%s=%llu\n", reason_name[k],
			    (unsigned long long)st_reason[k]);
		fprintf(ef, "legacy_sessions=%llu\n", (unsigned long long)legacy);
	}
	if (fclose(ef) != 0) {
		perror(name);
		return 1;
	}
	return 0;
}
