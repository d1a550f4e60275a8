/*
 * session.c -- ground: names of what a session record holds.
 */
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "session.h"

static const char *const outcome_names[OC_MAX] = {
	[OC_ESTABLISHED] = "established",
	[OC_REFUSED] = "refused",
	[OC_SERVER_CLOSE] = "server_close",
	[OC_CLIENT_ABORT] = "client_abort",
	[OC_GAP] = "gap",
	[OC_INCOMPLETE] = "incomplete",
	[OC_PLAINTEXT] = "plaintext",
	[OC_STARTTLS_REFUSED] = "starttls_refused",
};

static const char *const reason_names[RS_MAX] = {
	[RS_CLEARTEXT_CREDENTIALS] = "cleartext_credentials",
	[RS_LEGACY_REFUSED] = "legacy_refused",
	[RS_EXCEPTION_EXPIRED] = "exception_expired",
	[RS_LEGACY_CLIENT] = "legacy_client",
	[RS_LEGACY_NEGOTIATED] = "legacy_negotiated",
	[RS_PLAINTEXT] = "plaintext",
	[RS_UNKNOWN] = "unknown",
	[RS_OK] = "ok",
};

const char *
session_outcome_name(enum outcome o)
{
	return o < OC_MAX ? outcome_names[o] : "?";
}

const char *
session_reason_name(enum reason r)
{
	return r < RS_MAX ? reason_names[r] : "?";
}

/* The clear-text mechanism as the protocol calls it, NULL if none. */
const char *
session_cleartext_name(const struct conn *f)
{
	bool	imap = f->proto == PROTO_IMAP;

	switch (f->sess.cleartext) {
	case CT_USER_PASS:
		return "USER/PASS";
	case CT_APOP:
		return "APOP";
	case CT_LOGIN:
		return "LOGIN";
	case CT_SASL_PLAIN:
		return imap ? "AUTHENTICATE PLAIN" : "AUTH PLAIN";
	case CT_SASL_LOGIN:
		return imap ? "AUTHENTICATE LOGIN" : "AUTH LOGIN";
	}
	return NULL;
}
