/*
 * fingerprint.c -- client and server fingerprints from the parsed hellos.
 *
 * JA3 and JA3S (Salesforce, BSD-3-Clause): decimal fields, list items
 * joined by "-", fields by ",", GREASE values (RFC 8701) left out, in wire
 * order, then MD5:
 *   JA3   version,ciphers,extensions,groups,point_formats
 *   JA3S  version,cipher,extensions
 * where version is the hello's legacy_version, as Wireshark computes them.
 *
 * JA4 (FoxIO, BSD-3-Clause; technical_details/JA4.md):
 *   t  version(2)  d|i  ciphers(2)  extensions(2)  alpn(2)
 *   _ sha256(sorted cipher hex list)[:12]
 *   _ sha256(sorted extension hex list without SNI and ALPN
 *            "_" signature algorithms in wire order)[:12]
 * JA4S and the rest of JA4+ are under a licence that restricts commercial
 * use and are deliberately not implemented.
 *
 * SSLv2 hellos have no fingerprint here (no extensions, and Wireshark
 * computes none).  Hashes come from OpenSSL's libcrypto.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "fingerprint.h"
#include "tls.h"

/* An append-only string buffer that notices when it runs out. */
struct sbuf {
	char	*p;
	size_t	 len, cap;
	bool	 full;
};

static void
sb_put(struct sbuf *b, const char *s)
{
	size_t	n = strlen(s);

	if (b->full || n >= b->cap - b->len) {
		b->full = true;
		return;
	}
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
}

/* v in decimal, or as four lower-case hex digits (no printf: these run
 * a hundred times per hello). */
static void
sb_num(struct sbuf *b, unsigned v, bool hex)
{
	static const char	digits[] = "0123456789abcdef";
	char			tmp[12];
	int			n = 0, i;

	if (hex) {
		for (i = 3; i >= 0; i--)
			tmp[n++] = digits[(v >> (4 * i)) & 15];
	} else {
		char	rev[12];
		int	k = 0;

		do {
			rev[k++] = digits[v % 10];
			v /= 10;
		} while (v != 0);
		while (k > 0)
			tmp[n++] = rev[--k];
	}
	if (b->full || (size_t)n >= b->cap - b->len) {
		b->full = true;
		return;
	}
	memcpy(b->p + b->len, tmp, (size_t)n);
	b->len += (size_t)n;
	b->p[b->len] = '\0';
}

static void
sb_sep(struct sbuf *b, bool *first, char sep)
{
	if (!*first && !b->full) {
		if (b->len + 1 >= b->cap) {
			b->full = true;
			return;
		}
		b->p[b->len++] = sep;
		b->p[b->len] = '\0';
	}
	*first = false;
}

/* Decimal list without GREASE, "-" between items. */
static void
sb_list_dec(struct sbuf *b, const uint16_t *v, size_t n)
{
	bool	first = true;
	size_t	i;

	for (i = 0; i < n; i++) {
		if (tls_is_grease(v[i]))
			continue;
		sb_sep(b, &first, '-');
		sb_num(b, v[i], false);
	}
}

/*
 * MD5 or SHA-256 of s, in lower-case hex.  The digests are fetched from
 * OpenSSL's provider once and the context reused: fetching per call costs
 * more than hashing a hello's strings.
 */
static bool
digest_hex(bool sha256, const char *s, size_t n, char *hex, size_t hn)
{
	static const char	 digits[] = "0123456789abcdef";
	static EVP_MD		*md5_md, *sha_md;
	static EVP_MD_CTX	*ctx;
	unsigned char		 d[EVP_MAX_MD_SIZE];
	unsigned int		 dl, i;
	EVP_MD			*md;

	if (ctx == NULL && (ctx = EVP_MD_CTX_new()) == NULL)
		return false;
	if (md5_md == NULL)
		md5_md = EVP_MD_fetch(NULL, "MD5", NULL);
	if (sha_md == NULL)
		sha_md = EVP_MD_fetch(NULL, "SHA256", NULL);
	md = sha256 ? sha_md : md5_md;
	if (md == NULL || EVP_DigestInit_ex2(ctx, md, NULL) != 1 ||
	    EVP_DigestUpdate(ctx, s, n) != 1 ||
	    EVP_DigestFinal_ex(ctx, d, &dl) != 1)
		return false;
	for (i = 0; i < dl && 2 * i + 2 < hn; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 0xf];
	}
	hex[2 * i] = '\0';
	return true;
}

/*
 * A fingerprint of a hello we did not read whole would be a wrong one:
 * SSLv2 form, lying lengths, a capture gap, or lists beyond our caps.
 */
static bool
fp_usable(const struct tls_client_hello *ch)
{
	return !ch->sslv2 && !ch->malformed && !ch->partial && !ch->ext_bad &&
	    !ch->trunc;
}

bool
fp_ja3(const struct tls_client_hello *ch, char *str, size_t len,
    char md5[FP_MD5_HEX])
{
	struct sbuf	b = { str, 0, len, len == 0 };
	bool		first = true;
	int		i;

	if (!fp_usable(ch) || len == 0)
		return false;
	str[0] = '\0';
	sb_num(&b, ch->legacy_version, false);
	sb_put(&b, ",");
	sb_list_dec(&b, ch->ciphers, ch->nciphers);
	sb_put(&b, ",");
	sb_list_dec(&b, ch->exts, ch->nexts);
	sb_put(&b, ",");
	sb_list_dec(&b, ch->groups, ch->ngroups);
	sb_put(&b, ",");
	for (i = 0; i < ch->npointfmts; i++) {
		sb_sep(&b, &first, '-');
		sb_num(&b, ch->pointfmts[i], false);
	}
	if (b.full)
		return false;
	return digest_hex(false, str, b.len, md5, FP_MD5_HEX);
}

bool
fp_ja3s(const struct tls_server_hello *sh, char *str, size_t len,
    char md5[FP_MD5_HEX])
{
	struct sbuf	b = { str, 0, len, len == 0 };

	if (sh->sslv2 || sh->ext_bad || sh->trunc || len == 0)
		return false;
	str[0] = '\0';
	sb_num(&b, sh->legacy_version, false);
	sb_put(&b, ",");
	sb_num(&b, sh->cipher, false);
	sb_put(&b, ",");
	sb_list_dec(&b, sh->exts, sh->nexts);
	if (b.full)
		return false;
	return digest_hex(false, str, b.len, md5, FP_MD5_HEX);
}

/* --- JA4 ------------------------------------------------------------------ */

static int
cmp_u16(const void *a, const void *b)
{
	uint16_t	x = *(const uint16_t *)a, y = *(const uint16_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * A hello's lists are a few dozen values: insertion sort does them in a
 * fraction of what glibc's qsort() spends (it allocates and merges).  A
 * crafted hello may carry thousands: qsort() then, never n squared.
 */
#define JA4_INSERTION_MAX	128

static void
sort_small(uint16_t *v, size_t n)
{
	size_t		i, j;
	uint16_t	x;

	for (i = 1; i < n; i++) {
		x = v[i];
		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* Copy v without GREASE (and without the values in skip), sorted. */
static size_t
ja4_sorted(const uint16_t *v, size_t n, uint16_t *out, bool drop_sni_alpn)
{
	size_t	i, k = 0;

	for (i = 0; i < n; i++) {
		if (tls_is_grease(v[i]))
			continue;
		if (drop_sni_alpn && (v[i] == TLS_EXT_SERVER_NAME ||
		    v[i] == TLS_EXT_ALPN))
			continue;
		out[k++] = v[i];
	}
	if (k <= JA4_INSERTION_MAX)
		sort_small(out, k);
	else
		qsort(out, k, sizeof(*out), cmp_u16);
	return k;
}

static void
sb_list_hex(struct sbuf *b, const uint16_t *v, size_t n)
{
	bool	first = true;
	size_t	i;

	for (i = 0; i < n; i++) {
		if (tls_is_grease(v[i]))
			continue;
		sb_sep(b, &first, ',');
		sb_num(b, v[i], true);
	}
}

static bool
alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z');
}

/* First and last character of the first ALPN value (JA4.md, "ALPN"). */
static void
ja4_alpn(const struct tls_client_hello *ch, char out[3])
{
	static const char	hex[] = "0123456789abcdef";
	uint8_t			first, last;

	if (ch->alpn_full == 0) {
		memcpy(out, "00", 3);
		return;
	}
	first = ch->alpn[0];
	last = ch->alpn_last;
	if (alnum(first) && alnum(last)) {
		out[0] = (char)first;
		out[1] = (char)last;
	} else {
		out[0] = hex[first >> 4];
		out[1] = hex[last & 15];
	}
	out[2] = '\0';
}

static const char *
ja4_version(uint16_t v)
{
	switch (v) {
	case TLS_V_1_3: return "13";
	case TLS_V_1_2: return "12";
	case TLS_V_1_1: return "11";
	case TLS_V_1_0: return "10";
	case TLS_V_SSL3: return "s3";
	case TLS_V_SSL2: return "s2";
	}
	return "00";
}

/* The highest non-GREASE supported_versions entry, else legacy_version. */
static uint16_t
ja4_max_version(const struct tls_client_hello *ch)
{
	uint16_t	max = 0;
	int		i;

	for (i = 0; i < ch->nversions; i++)
		if (!tls_is_grease(ch->versions[i]) && ch->versions[i] > max)
			max = ch->versions[i];
	return ch->has_versions && max != 0 ? max : ch->legacy_version;
}

static bool
has_ext(const struct tls_client_hello *ch, uint16_t type)
{
	int	i;

	for (i = 0; i < ch->nexts; i++)
		if (ch->exts[i] == type)
			return true;
	return false;
}

static size_t
count_nongrease(const uint16_t *v, size_t n)
{
	size_t	i, k = 0;

	for (i = 0; i < n; i++)
		if (!tls_is_grease(v[i]))
			k++;
	return k > 99 ? 99 : k;
}

/*
 * ja4: the fingerprint; raw (when not NULL): JA4_r, the sorted lists the
 * two hashes are made of.
 */
bool
fp_ja4(const struct tls_client_hello *ch, char ja4[FP_JA4_MAX], char *raw,
    size_t rawlen)
{
	uint16_t	ciphers[TLS_MAX_CIPHERS], exts[TLS_MAX_EXTS];
	size_t		nc, ne;
	char		a[16], alpn[3], bhash[65] = "", chash[65] = "";
	char		lists[FP_STR_MAX];
	struct sbuf	b;
	size_t		cstart;

	if (!fp_usable(ch))
		return false;
	ja4_alpn(ch, alpn);
	snprintf(a, sizeof(a), "t%s%c%02zu%02zu%s",
	    ja4_version(tls_version_norm(ja4_max_version(ch))),
	    has_ext(ch, TLS_EXT_SERVER_NAME) ? 'd' : 'i',
	    count_nongrease(ch->ciphers, ch->nciphers),
	    count_nongrease(ch->exts, ch->nexts), alpn);

	nc = ja4_sorted(ch->ciphers, ch->nciphers, ciphers, false);
	ne = ja4_sorted(ch->exts, ch->nexts, exts, true);

	b = (struct sbuf){ lists, 0, sizeof(lists), false };
	lists[0] = '\0';
	sb_list_hex(&b, ciphers, nc);
	cstart = b.len;
	if (b.full)
		return false;
	if (nc > 0 && !digest_hex(true, lists, cstart, bhash,
	    sizeof(bhash)))
		return false;

	sb_put(&b, "_");
	sb_list_hex(&b, exts, ne);
	if (ch->nsigalgs > 0) {
		sb_put(&b, "_");
		sb_list_hex(&b, ch->sigalgs, ch->nsigalgs);
	}
	if (b.full)
		return false;
	if (ne > 0 && !digest_hex(true, lists + cstart + 1,
	    b.len - cstart - 1, chash, sizeof(chash)))
		return false;

	snprintf(ja4, FP_JA4_MAX, "%s_%.12s_%.12s", a,
	    nc > 0 ? bhash : "000000000000", ne > 0 ? chash : "000000000000");
	if (raw != NULL && rawlen > 0)
		snprintf(raw, rawlen, "%s_%s", a, lists);
	return true;
}

/* Every fingerprint the hellos allow (either may be NULL). */
void
fp_compute(const struct tls_client_hello *ch, const struct tls_server_hello *sh,
    struct fp_set *fs)
{
	fs->ja3 = ch != NULL && fp_ja3(ch, fs->ja3_str, sizeof(fs->ja3_str),
	    fs->ja3_md5);
	fs->ja4 = ch != NULL && fp_ja4(ch, fs->ja4_str, fs->ja4_r,
	    sizeof(fs->ja4_r));
	fs->ja3s = sh != NULL && fp_ja3s(sh, fs->ja3s_str,
	    sizeof(fs->ja3s_str), fs->ja3s_md5);
}
