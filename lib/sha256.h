/*
 * sha256.h: SHA-256 (FIPS 180-4), incremental, for the reproducibility
 * stamp of reports: the digests of the policy and of every input, so a
 * reader can tell whether a report was made from the files at hand.
 */
#ifndef POL_SHA256_H
#define POL_SHA256_H

#include "common.h"

typedef struct sha256 {
  uint32_t h[8];
  uint64_t bytes;      /* message length so far */
  uint8_t block[64];   /* the partial block */
  size_t nblock;
} sha256;

POL_INTERNAL void sha256_init(sha256 *s);
POL_INTERNAL void sha256_update(sha256 *s, const void *data, size_t len);
/* Finish [s] and write the digest as 64 lowercase hex digits and a NUL
 * into [hex]; [s] must be initialised again before reuse. */
POL_INTERNAL void sha256_hex(sha256 *s, char hex[65]);

#endif
