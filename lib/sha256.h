/*
 * sha256.h: SHA-256 for the reproducibility stamp of reports: the
 * digests of the policy, its modules and every input, so a reader can
 * tell whether a report was made from the files at hand. The digest is
 * nettle's (Debian's nettle-dev; docs/decisions.md says why): it keeps
 * its whole state in the context and allocates nothing, so the env's
 * allocator rule holds. This header only adds the hex form the stamp
 * writes.
 */
#ifndef POL_SHA256_H
#define POL_SHA256_H

#include <nettle/sha2.h>

#include "common.h"

typedef struct sha256_ctx sha256;

/* Finish [s] and write the digest as 64 lowercase hex digits and a NUL
 * into [hex]. nettle's digest call starts [s] afresh, as after
 * sha256_init. */
static inline void sha256_hex(sha256 *s, char hex[65]) {
  static const char digits[] = "0123456789abcdef";
  uint8_t d[SHA256_DIGEST_SIZE];
  sha256_digest(s, sizeof d, d);
  for (size_t i = 0; i < sizeof d; i++) {
    hex[2 * i] = digits[d[i] >> 4];
    hex[2 * i + 1] = digits[d[i] & 15];
  }
  hex[2 * sizeof d] = '\0';
}

/* The digest of the [len] bytes at [data], in hex, into [hex]. */
static inline void sha256_of(const void *data, size_t len, char hex[65]) {
  sha256 s;
  sha256_init(&s);
  sha256_update(&s, len, data);
  sha256_hex(&s, hex);
}

#endif
