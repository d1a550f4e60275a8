/*
 * inventory.h -- the client inventory: one record per (client IP, server
 * IP, server port, protocol), built from finished sessions and written as
 * JSON and CSV.  inventory.c documents the record fields and CSV columns.
 */
#ifndef TLSFLOOR_INVENTORY_H
#define TLSFLOOR_INVENTORY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

struct config_exception;
struct inventory;

/* Distinct values kept per record and list; more are dropped and the list
 * is named in the record's "truncated" field. */
#define INV_MAX_SNI		8
#define INV_MAX_CIPHERS		8
#define INV_MAX_JA3		4
#define INV_MAX_JA4		4
#define INV_MAX_REASONS		16	/* names; more count as "other" */
#define INV_MAX_STR		1024	/* bytes kept of one string */

/* What one finished session contributes.  Strings borrowed, NULL = none. */
struct inv_session {
	uint8_t		 family;		/* 4 or 6 */
	uint8_t		 cli[16], srv[16];	/* IPv4 in the first 4 bytes */
	uint16_t	 srv_port;
	uint8_t		 proto;			/* enum proto (config.h) */
	const char	*mode;			/* "starttls" | "implicit" |
						 * "plain" */
	uint16_t	 client_max;		/* 0 = unknown */
	uint16_t	 negotiated;		/* 0 = none */
	uint8_t		 reason;		/* enum reason (verdict.h) */
	const char	*reason_name;		/* e.g. "legacy_client" or
						 * "exception_expired" */
	const char	*sni;			/* cleaned printable ASCII */
	uint16_t	 cipher;		/* negotiated suite, 0 = none */
	const char	*cipher_name;		/* IANA name or NULL */
	const char	*ja3;			/* md5 hex or NULL */
	const char	*ja4;			/* or NULL */
	const char	*endpoint_label;	/* watch-list label or NULL */
	bool		 cleartext_credentials;	/* sent before any TLS */
	const char	*cleartext_mechanism;	/* "USER/PASS", "LOGIN",
						 * "AUTH PLAIN"... or NULL */
	const char	*client_software;	/* hints.c, or NULL */
	const char	*client_software_source; /* "ja4+ja3" | "ja3" */
	uint64_t	 ts;			/* session start, us since
						 * epoch */
	const struct config_exception *exception; /* live exception matched,
						 * or NULL */
};

struct inventory *inventory_new(size_t max_records);
/* The verdict's window (inventory.window; 30 days until set). */
void	inventory_set_window(struct inventory *, uint64_t seconds);
void	inventory_add(struct inventory *, const struct inv_session *);
/*
 * Write atomically (temporary file in the same directory, fsync, rename):
 * base "x" -> x.json and x.csv; if base ends in ".csv" or ".json" only that
 * file.  0 on success; -1 with "PATH: strerror" in err on failure, when no
 * half-written file is left behind.
 */
int	inventory_write(struct inventory *, const char *base, uint64_t now_us,
	    char *err, size_t errlen);
/* Records in report order (worst first), for inventory events. */
size_t	inventory_count(const struct inventory *);
json_t	*inventory_record_json(const struct inventory *, size_t i); /* new
								     * ref */
void	inventory_free(struct inventory *);

/*
 * Shared with the store's reports (store.c): one RFC 4180 field with
 * formula defusing (a ',' before it unless first); path written atomically
 * through fill(fp, arg) (0 / -1 with "PATH: strerror" in err); a
 * case-insensitive suffix test; times and versions as the files show them.
 */
int	inventory_csv_field(FILE *, const char *, bool first);
int	inventory_write_atomic(const char *path, int (*fill)(FILE *, void *),
	    void *arg, char *err, size_t errlen);
bool	inventory_ends_with(const char *, const char *suffix);
void	inventory_fmt_time(uint64_t us, char *buf, size_t len);
void	inventory_fmt_version(uint16_t v, char *buf, size_t len);

#endif /* TLSFLOOR_INVENTORY_H */
