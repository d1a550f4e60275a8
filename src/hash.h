/*
 * hash.h -- keyed hashing for every table fed by the wire.
 */
#ifndef TLSFLOOR_HASH_H
#define TLSFLOOR_HASH_H

#include <stddef.h>
#include <stdint.h>

int		hash_key(uint64_t key[2]);
uint64_t	hash_bytes(const uint64_t key[2], const void *, size_t);
uint64_t	hash_words(const uint64_t key[2], const uint64_t *, size_t);

#endif /* TLSFLOOR_HASH_H */
