/*
 * classify.h -- what nDPI knows that we use (the only nDPI caller).
 */
#ifndef TLSFLOOR_CLASSIFY_H
#define TLSFLOOR_CLASSIFY_H

#include <stdint.h>

const char	*classify_cipher_name(uint16_t);
const char	*classify_ndpi_version(void);

#endif /* TLSFLOOR_CLASSIFY_H */
