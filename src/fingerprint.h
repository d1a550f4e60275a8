/*
 * fingerprint.h -- JA3, JA3S and JA4 from parsed hellos.
 */
#ifndef TLSFLOOR_FINGERPRINT_H
#define TLSFLOOR_FINGERPRINT_H

#include <stdbool.h>
#include <stddef.h>

struct tls_client_hello;
struct tls_server_hello;

/* Long enough for any string built from the capped lists in tls.h. */
#define FP_STR_MAX	8192
#define FP_MD5_HEX	33	/* 32 hex digits and NUL */
#define FP_JA4_MAX	48	/* t13d1516h2_8daaf6152771_e5627efa2ab1 */

/* All of a session's fingerprints, computed once for every sink. */
struct fp_set {
	bool	ja3, ja3s, ja4;		/* which are there */
	char	ja3_md5[FP_MD5_HEX];
	char	ja3s_md5[FP_MD5_HEX];
	char	ja4_str[FP_JA4_MAX];
	char	ja3_str[FP_STR_MAX];
	char	ja3s_str[FP_STR_MAX];
	char	ja4_r[FP_STR_MAX];
};

void	fp_compute(const struct tls_client_hello *,
	    const struct tls_server_hello *, struct fp_set *);
bool	fp_ja3(const struct tls_client_hello *, char *str, size_t,
	    char md5[FP_MD5_HEX]);
bool	fp_ja3s(const struct tls_server_hello *, char *str, size_t,
	    char md5[FP_MD5_HEX]);
bool	fp_ja4(const struct tls_client_hello *, char ja4[FP_JA4_MAX],
	    char *raw, size_t);

#endif /* TLSFLOOR_FINGERPRINT_H */
