/*
 * fuzz_load.c: loading saved bytecode (pol_policy_load: header,
 * sections, the verifier). The input is a saved policy, usually a mutated
 * one; its CRC-32 trailer is recomputed first, because a wrong checksum
 * stops the loader before anything interesting (a hostile file has a
 * right one anyway). A file that loads is run: checked against the fixed
 * vendor, rendered, disassembled, saved and loaded again. Whatever the
 * verifier lets through must not crash the VM.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define TRAILER 4

static pol_env *env;
static pol_facts *facts;
static pol_ctx *ctx;

static void init(void) { fuzz_setup(&env, &facts, &ctx); }

/* CRC-32 as zlib computes it (docs/bytecode.md), bit by bit: inputs are
 * small and this is not the code under test. */
static uint32_t crc32(const uint8_t *p, size_t n) {
  uint32_t crc = 0xffffffffu;
  for (size_t i = 0; i < n; i++) {
    crc ^= p[i];
    for (int k = 0; k < 8; k++)
      crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
  }
  return ~crc;
}

/* A copy of [data] whose last four bytes are the checksum of the rest. */
static uint8_t *reseal(const uint8_t *data, size_t len) {
  uint8_t *p = malloc(len ? len : 1);
  if (!p)
    fuzz_fail("out of memory");
  memcpy(p, data, len);
  if (len >= TRAILER) {
    uint32_t crc = crc32(p, len - TRAILER);
    for (int i = 0; i < TRAILER; i++)
      p[len - TRAILER + (size_t)i] = (uint8_t)(crc >> (8 * i));
  }
  return p;
}

/* A loaded policy saves again, and that loads too. */
static void save_again(const pol_policy *pol) {
  void *buf;
  size_t len;
  if (pol_policy_save(pol, &buf, &len) != POL_OK)
    return;
  pol_policy *back;
  if (pol_policy_load(env, buf, len, "again.polc", &back) != POL_OK)
    fuzz_fail("a loaded policy, saved again, does not load: %s",
              pol_env_errmsg(env));
  pol_policy_free(back);
  free(buf);
}

static void run(const uint8_t *data, size_t len) {
  uint8_t *p = reseal(data, len);
  pol_policy *pol;
  if (pol_policy_load(env, p, len, "fuzz.polc", &pol) == POL_OK) {
    int verdicts[64];
    (void)pol_policy_disasm(env, pol);
    fuzz_check(ctx, pol, facts, verdicts, 64);
    save_again(pol);
    pol_policy_free(pol);
  } else if (!pol_env_errmsg(env)[0]) {
    fuzz_fail("a refused file has no message");
  }
  free(p);
}

const fuzz_target fuzz_load = {"load", init, run};
