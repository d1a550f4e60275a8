/*
 * reader.h -- bounds-checked cursor over untrusted bytes.
 *
 * Every parser reads wire data through a struct rd and never through casts or
 * raw pointer arithmetic.  A read past the end does not happen: it marks the
 * reader bad ("sticky failure"), returns 0 and leaves the cursor where it was,
 * so a parser may read a whole unit and check rd->bad once at the end.
 * Length-prefixed fields are carved into child readers with rd_sub() so that
 * a lying inner length cannot reach into sibling fields.
 */
#ifndef TLSFLOOR_READER_H
#define TLSFLOOR_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct rd {
	const uint8_t	*p;	/* next unread byte */
	const uint8_t	*end;	/* one past the last byte */
	bool		 bad;	/* set on the first overrun, never cleared */
};

static inline struct rd
rd_init(const uint8_t *p, size_t n)
{
	struct rd	r = { p, p + n, false };

	return r;
}

/* Bytes left; 0 once the reader is bad. */
static inline size_t
rd_left(const struct rd *r)
{
	return r->bad ? 0 : (size_t)(r->end - r->p);
}

/* Mark bad unless n more bytes are there; true when they are. */
static inline bool
rd_need(struct rd *r, size_t n)
{
	if (r->bad || rd_left(r) < n) {
		r->bad = true;
		return false;
	}
	return true;
}

static inline uint8_t
rd_u8(struct rd *r)
{
	if (!rd_need(r, 1))
		return 0;
	return *r->p++;
}

static inline uint16_t
rd_u16(struct rd *r)
{
	uint16_t	v;

	if (!rd_need(r, 2))
		return 0;
	v = (uint16_t)(r->p[0] << 8 | r->p[1]);
	r->p += 2;
	return v;
}

static inline uint32_t
rd_u24(struct rd *r)
{
	uint32_t	v;

	if (!rd_need(r, 3))
		return 0;
	v = (uint32_t)r->p[0] << 16 | (uint32_t)r->p[1] << 8 | r->p[2];
	r->p += 3;
	return v;
}

static inline uint32_t
rd_u32(struct rd *r)
{
	uint32_t	v;

	if (!rd_need(r, 4))
		return 0;
	v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 |
	    (uint32_t)r->p[2] << 8 | r->p[3];
	r->p += 4;
	return v;
}

/* Little-endian 32-bit (BSD loopback headers written on x86). */
static inline uint32_t
rd_u32le(struct rd *r)
{
	uint32_t	v;

	if (!rd_need(r, 4))
		return 0;
	v = (uint32_t)r->p[3] << 24 | (uint32_t)r->p[2] << 16 |
	    (uint32_t)r->p[1] << 8 | r->p[0];
	r->p += 4;
	return v;
}

static inline void
rd_skip(struct rd *r, size_t n)
{
	if (rd_need(r, n))
		r->p += n;
}

/* Copy n bytes out; on a shortfall the destination is zeroed. */
static inline void
rd_copy(struct rd *r, void *dst, size_t n)
{
	if (!rd_need(r, n)) {
		memset(dst, 0, n);
		return;
	}
	memcpy(dst, r->p, n);
	r->p += n;
}

/* Pointer to the next n bytes, stepped over; NULL (and bad) on a shortfall. */
static inline const uint8_t *
rd_take(struct rd *r, size_t n)
{
	const uint8_t	*q;

	if (!rd_need(r, n))
		return NULL;
	q = r->p;
	r->p += n;
	return q;
}

/* Hand the next n bytes to a child reader; the parent steps over them. */
static inline struct rd
rd_sub(struct rd *r, size_t n)
{
	struct rd	c = { r->p, r->p, true };

	if (!rd_need(r, n))
		return c;
	c.end = r->p + n;
	c.bad = false;
	r->p += n;
	return c;
}

/*
 * Peek at byte i ahead without moving and without marking the reader bad;
 * -1 when there is no such byte (or the reader is already bad): never a
 * byte value, so a missing byte cannot pass for a 0x00 (decode.c relies
 * on it for the MPLS control word and the IP version nibble).
 */
static inline int
rd_peek(const struct rd *r, size_t i)
{
	if (rd_left(r) <= i)
		return -1;
	return r->p[i];
}

/* The last unread byte, without moving; -1 when there is none. */
static inline int
rd_peek_last(const struct rd *r)
{
	return rd_left(r) > 0 ? r->end[-1] : -1;
}

/*
 * Fields of a fixed-size header taken whole with rd_take(): one bounds
 * check for the header, then these read at offsets inside it.  Only for
 * pointers rd_take() returned, at offsets below the length it vouched for.
 */
static inline uint16_t
rd_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
rd_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/*
 * 8 or 4 bytes as one word in the machine's order, for hashing and
 * comparing keys a word at a time (not for reading a field's value).
 */
static inline uint64_t
rd_ne64(const uint8_t *p)
{
	uint64_t	v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t
rd_ne32(const uint8_t *p)
{
	uint32_t	v;

	memcpy(&v, p, sizeof(v));
	return v;
}

#endif /* TLSFLOOR_READER_H */
