/*
 * classify.c -- the only file that calls nDPI.
 *
 * Flows on no watched port (dpi.enabled) are offered to nDPI for at most
 * dpi.packets packets.  When nDPI recognises POP3, IMAP or SMTP (or their
 * TLS forms), flow.c turns the flow into a mail flow and the rest of the
 * pipeline takes over exactly as on a standard port; the bytes seen so far
 * are replayed from mail.c's buffer.  With scope all_tls a flow nDPI calls
 * TLS is taken too.  Anything else is dropped from inspection and nDPI's
 * state freed: nDPI never sees a flow on a mail port, nor a flow it has
 * given up on.
 *
 * Also here: nDPI's view of a flow it saw (application name, risks such as
 * an obsolete TLS version or clear-text credentials: a second opinion next
 * to our own verdict), and the IANA cipher suite names nDPI keeps.
 */
#include <stdbool.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <ndpi_api.h>

#include "budget.h"
#include "classify.h"
#include "config.h"
#include "pkt.h"
#include "session.h"
#include "stats.h"

struct classify_state {
	struct ndpi_flow_struct	*nf;	/* owned, flow_mem accounted */
	size_t			 nfsize;
	uint16_t		 master, app;	/* nDPI protocol ids */
	uint16_t		 packets;	/* with payload, offered so far */
	ndpi_risk		 risk;
};

/* One nDPI module per thread: each capture worker has its own (nDPI keeps
 * the packet being looked at in the module). */
static _Thread_local struct ndpi_detection_module_struct *ndpi;
static _Thread_local size_t	 nf_size;
static _Thread_local bool	 failed;	/* do not try again per packet */

static bool			 wanted;	/* classify_init() was called */
static pthread_mutex_t		 start_mtx = PTHREAD_MUTEX_INITIALIZER;

/*
 * nDPI is started on first use: building its tables costs ~20 ms, which a
 * run that never meets a flow off the mail ports need not pay.
 */
int
classify_init(void)
{
	wanted = true;
	return 0;
}

static int
classify_start(void)
{
	NDPI_PROTOCOL_BITMASK	all;

	if (ndpi != NULL)
		return 0;
	if (!wanted || failed)
		return -1;
	/* Workers starting together build their modules one at a time. */
	pthread_mutex_lock(&start_mtx);
	ndpi = ndpi_init_detection_module(ndpi_no_prefs);
	if (ndpi != NULL) {
		NDPI_BITMASK_SET_ALL(all);
		ndpi_set_protocol_detection_bitmask2(ndpi, &all);
		ndpi_finalize_initialization(ndpi);
		nf_size = ndpi_detection_get_sizeof_ndpi_flow_struct();
	}
	pthread_mutex_unlock(&start_mtx);
	if (ndpi == NULL) {
		failed = true;
		return -1;
	}
	return 0;
}

/* This thread's module; the main thread's call also ends classify_init(). */
void
classify_fini(void)
{
	if (ndpi != NULL)
		ndpi_exit_detection_module(ndpi);
	ndpi = NULL;
}

/* nDPI's protocol id to ours; *implicit for the TLS-wrapped forms. */
static uint8_t
mail_proto(uint16_t id, bool *implicit)
{
	switch (id) {
	case NDPI_PROTOCOL_MAIL_POP:
		return PROTO_POP3;
	case NDPI_PROTOCOL_MAIL_IMAP:
		return PROTO_IMAP;
	case NDPI_PROTOCOL_MAIL_SMTP:
		return PROTO_SMTP;
	case NDPI_PROTOCOL_MAIL_POPS:
		*implicit = true;
		return PROTO_POP3;
	case NDPI_PROTOCOL_MAIL_IMAPS:
		*implicit = true;
		return PROTO_IMAP;
	case NDPI_PROTOCOL_MAIL_SMTPS:
		*implicit = true;
		return PROTO_SMTP;
	}
	return PROTO_NONE;
}

static void
state_free(struct conn *f)
{
	struct classify_state	*cs = f->dpi;

	if (cs == NULL)
		return;
	if (cs->nf != NULL) {
		ndpi_free_flow_data(cs->nf);
		budget_free(cs->nf, cs->nfsize);
	}
	cs->nf = NULL;
}

/*
 * One packet of a flow on no watched port.  nDPI reads the packet from its
 * IP header; our decode has already bounded it.
 */
enum classify_res
classify_packet(struct conn *f, const struct pkt *p, unsigned budget,
    bool want_tls, uint8_t *proto, bool *implicit)
{
	struct classify_state	*cs = f->dpi;
	ndpi_protocol		 np;
	uint8_t			 mp;

	if (classify_start() != 0 || p->l3 == NULL || p->l3len > 0xffff)
		return CLASSIFY_NONE;
	if (cs == NULL) {
		if ((cs = budget_alloc(sizeof(*cs))) == NULL)
			return CLASSIFY_NONE;
		f->dpi = cs;
		if ((cs->nf = budget_alloc(nf_size)) == NULL)
			return CLASSIFY_NONE;
		cs->nfsize = nf_size;
		STAT_INC(DPI_FLOWS);
	}
	if (cs->nf == NULL)
		return CLASSIFY_NONE;
	STAT_INC(DPI_PACKETS);
	np = ndpi_detection_process_packet(ndpi, cs->nf, p->l3,
	    (unsigned short)p->l3len, p->ts / 1000);
	cs->master = np.master_protocol;
	cs->app = np.app_protocol;
	cs->risk = cs->nf->risk;
	*implicit = false;
	if ((mp = mail_proto(np.app_protocol, implicit)) == PROTO_NONE)
		mp = mail_proto(np.master_protocol, implicit);
	if (mp != PROTO_NONE) {
		/* Whether TLS came first or after STARTTLS, the mail stage
		 * sees for itself from the first bytes (nDPI says IMAPS
		 * for both). */
		*implicit = false;
		*proto = mp;
		STAT_INC(DPI_MAIL);
		state_free(f);
		return CLASSIFY_FOUND;
	}
	if (want_tls && (np.master_protocol == NDPI_PROTOCOL_TLS ||
	    np.app_protocol == NDPI_PROTOCOL_TLS)) {
		*proto = PROTO_TLS;
		*implicit = true;
		state_free(f);
		return CLASSIFY_FOUND;
	}
	/* Detected as something else, or out of budget: not ours. */
	if (np.app_protocol != NDPI_PROTOCOL_UNKNOWN ||
	    (p->caplen > 0 && ++cs->packets >= budget)) {
		STAT_INC(DPI_GIVEUP);
		state_free(f);
		return CLASSIFY_NONE;
	}
	return CLASSIFY_MORE;
}

void
classify_free(struct conn *f)
{
	if (f->dpi == NULL)
		return;
	state_free(f);
	budget_free(f->dpi, sizeof(struct classify_state));
	f->dpi = NULL;
}

/* nDPI's name for what it found ("IMAP", "TLS.Google"), or NULL. */
const char *
classify_app(const struct conn *f)
{
	static char	buf[64];
	ndpi_protocol	np;

	if (f->dpi == NULL || ndpi == NULL)
		return NULL;
	memset(&np, 0, sizeof(np));
	np.master_protocol = f->dpi->master;
	np.app_protocol = f->dpi->app;
	if (np.master_protocol == 0 && np.app_protocol == 0)
		return NULL;
	return ndpi_protocol2name(ndpi, np, buf, sizeof(buf));
}

/*
 * The risks nDPI flagged that matter here: obsolete TLS, weak cipher,
 * clear-text credentials, self-signed or expired certificates.
 */
size_t
classify_risks(const struct conn *f, const char **out, size_t max)
{
	static const ndpi_risk_enum of_interest[] = {
		NDPI_TLS_OBSOLETE_VERSION, NDPI_TLS_WEAK_CIPHER,
		NDPI_CLEAR_TEXT_CREDENTIALS, NDPI_TLS_SELFSIGNED_CERTIFICATE,
		NDPI_TLS_CERTIFICATE_EXPIRED, NDPI_TLS_MISSING_SNI,
		NDPI_TLS_FATAL_ALERT,
	};
	size_t	i, n = 0;

	if (f->dpi == NULL)
		return 0;
	for (i = 0; i < sizeof(of_interest) / sizeof(of_interest[0]) &&
	    n < max; i++)
		if (f->dpi->risk & ((ndpi_risk)1 << of_interest[i]))
			out[n++] = ndpi_risk2str(of_interest[i]);
	return n;
}

/*
 * "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"; a suite nDPI does not know (and
 * GREASE) comes out as "0x1a1a".  The result is valid until the next call.
 */
const char *
classify_cipher_name(uint16_t c)
{
	static char	buf[8];
	const char	*n = ndpi_cipher2str(c);

	if (n != NULL && strncmp(n, "0X", 2) != 0 && strncmp(n, "0x", 2) != 0)
		return n;
	snprintf(buf, sizeof(buf), "0x%04x", c);
	return buf;
}

const char *
classify_ndpi_version(void)
{
	return ndpi_revision();
}
