/*
 * hash.c -- SipHash-1-3 (Aumasson & Bernstein, "SipHash: a fast short-input
 * PRF") with a random key per table, for the flow table, the passive DNS
 * cache and the inventory: tables whose keys come from the wire, where a
 * guessable hash would let anyone choose collisions and turn every lookup
 * into a list walk.
 */
#include <string.h>
#include <sys/random.h>

#include "hash.h"

#define ROTL(x, b)	(uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND do {							\
	v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);	\
	v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;				\
	v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;				\
	v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);	\
} while (0)

/* A fresh random key; -1 when the kernel has no randomness to give. */
int
hash_key(uint64_t key[2])
{
	return getrandom(key, 2 * sizeof(*key), 0) ==
	    (ssize_t)(2 * sizeof(*key)) ? 0 : -1;
}

struct sip {
	uint64_t	v0, v1, v2, v3;
};

static void
sip_init(struct sip *s, const uint64_t k[2])
{
	s->v0 = k[0] ^ 0x736f6d6570736575ULL;
	s->v1 = k[1] ^ 0x646f72616e646f6dULL;
	s->v2 = k[0] ^ 0x6c7967656e657261ULL;
	s->v3 = k[1] ^ 0x7465646279746573ULL;
}

/* One compression round per message word (the "1" of SipHash-1-3). */
static void
sip_word(struct sip *s, uint64_t m)
{
	uint64_t	v0 = s->v0, v1 = s->v1, v2 = s->v2, v3 = s->v3 ^ m;

	SIPROUND;
	s->v0 = v0 ^ m;
	s->v1 = v1;
	s->v2 = v2;
	s->v3 = v3;
}

/* The last word (length and tail bytes), then three finalization rounds. */
static uint64_t
sip_final(struct sip *s, uint64_t last)
{
	uint64_t	v0, v1, v2, v3;

	sip_word(s, last);
	v0 = s->v0;
	v1 = s->v1;
	v2 = s->v2 ^ 0xff;
	v3 = s->v3;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

/* n whole words in host order (fixed-size keys: flows, addresses). */
uint64_t
hash_words(const uint64_t key[2], const uint64_t *w, size_t n)
{
	struct sip	s;
	size_t		i;

	sip_init(&s, key);
	for (i = 0; i < n; i++)
		sip_word(&s, w[i]);
	return sip_final(&s, (uint64_t)(n * 8) << 56);
}

/* Any bytes, loaded little-endian as the reference does. */
uint64_t
hash_bytes(const uint64_t key[2], const void *data, size_t n)
{
	const uint8_t	*p = data;
	struct sip	 s;
	uint64_t	 m, last = (uint64_t)n << 56;
	size_t		 i, j;

	sip_init(&s, key);
	for (i = 0; i + 8 <= n; i += 8) {
		for (m = 0, j = 0; j < 8; j++)
			m |= (uint64_t)p[i + j] << (8 * j);
		sip_word(&s, m);
	}
	for (j = 0; i + j < n; j++)
		last |= (uint64_t)p[i + j] << (8 * j);
	return sip_final(&s, last);
}
