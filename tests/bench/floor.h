/*
 * floor.h: the 40 rules of tests/bench/bench40.pol written by hand in C
 * over the engine's own parsed values (json_parse into an arena, value.h).
 * This is the floor `make bench` compares the VM with: what a careful C
 * programmer writes for these rules, with no allocation, no formatting,
 * and every field name hashed once, before any vendor is checked. The
 * verdicts are the engine's (docs/policies.md): an absent fact gives
 * UNKNOWN, a false `when` SKIPPED, and && || and the macros absorb errors
 * as CEL does. `make bench-agree` checks this against libpol.
 */
#ifndef POL_BENCH_FLOOR_H
#define POL_BENCH_FLOOR_H

#include "value.h"

enum { FLOOR_RULES = 40, FLOOR_MAX_KEYS = 96 };

/* A field name or string constant with its length and hash. */
typedef struct floor_key {
  const char *s;
  uint32_t n, hash;
} floor_key;

/* Every name and constant the rules use. Filled by floor_init and only
 * read after, so one floor serves any number of threads. */
typedef struct floor {
  floor_key k[FLOOR_MAX_KEYS];
} floor;

void floor_init(floor *f);

/* Check the fact set [facts] (a vendor's parsed JSON object) against the
 * 40 rules: out[r] gets rule r's verdict as a letter, 'P' PASS, 'F' FAIL,
 * 'U' UNKNOWN, 'E' ERROR, 'S' SKIPPED, rules in bench40.pol's order. */
void floor_check(const floor *f, const val *facts, char out[FLOOR_RULES]);

/* Rule [r] alone: its letter, as floor_check would give it. */
char floor_check_rule(const floor *f, const val *facts, size_t r);

/* Rule [r]'s id in bench40.pol (NULL past the last). */
const char *floor_rule_id(size_t r);

#endif
