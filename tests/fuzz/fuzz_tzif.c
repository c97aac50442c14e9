/*
 * fuzz_tzif.c: the TZif reader of lib/time.c (RFC 8536 files and their
 * POSIX TZ footers). The library reads a zone's file from $TZDIR on every
 * call and caches nothing, so the target points TZDIR at a directory of
 * its own, writes the input there as the zone "Fuzz" and asks for local
 * times in that zone at instants chosen to reach every path: before the
 * first transition, around 2^31, the last representable years (where
 * the footer's rule applies), and two instants taken from the input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

#define MIN_TS (-62135596800LL) /* 0001-01-01T00:00:00Z */
#define MAX_TS 253402300799LL   /* 9999-12-31T23:59:59Z */

static pol_env *env;
static pol_facts *facts;
static pol_ctx *ctx;
static pol_program *prog;
static char zone_path[4096];

static const char expr[] =
    "ts.map(t, [t.getHours(\"Fuzz\"), t.getMinutes(\"Fuzz\"), "
    "t.getDayOfYear(\"Fuzz\"), t.getFullYear(\"Fuzz\")])";

static char zone_dir[4000];

static void remove_dir(void) {
  unlink(zone_path);
  rmdir(zone_dir);
}

static void make_dir(void) {
  const char *tmp = getenv("TMPDIR");
  snprintf(zone_dir, sizeof zone_dir, "%s/polfuzz-tzif-XXXXXX",
           tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(zone_dir))
    fuzz_fail("cannot make a directory for the zone file");
  snprintf(zone_path, sizeof zone_path, "%s/Fuzz", zone_dir);
  setenv("TZDIR", zone_dir, 1);
  atexit(remove_dir);
}

static void init(void) {
  fuzz_setup(&env, &facts, &ctx);
  make_dir();
  if (pol_compile_expr(env, expr, strlen(expr), "tzif", NULL, &prog))
    fuzz_fail("%s", pol_env_errmsg(env));
}

/* An instant in the timestamp range from 8 bytes of [p]. */
static int64_t instant(const uint8_t *p) {
  uint64_t x = 0;
  for (int i = 0; i < 8; i++)
    x = x << 8 | p[i];
  return MIN_TS + (int64_t)(x % (uint64_t)(MAX_TS - MIN_TS + 1));
}

static void bind_instants(const uint8_t *data, size_t len) {
  static const int64_t fixed[] = {MIN_TS, -2147483649LL, -2147483648LL, 0,
                                  1706659200, 2147483647, 2147483648LL,
                                  4102444800LL, MAX_TS};
  enum { NFIXED = sizeof fixed / sizeof fixed[0] };
  pol_facts_reset(facts);
  pol_builder *b = pol_facts_builder(facts);
  const pol_value *ts[NFIXED + 2];
  for (int i = 0; i < NFIXED; i++)
    ts[i] = pol_new_timestamp(b, fixed[i], 0);
  ts[NFIXED] = pol_new_timestamp(b, len >= 8 ? instant(data + len - 8) : 1, 0);
  ts[NFIXED + 1] = pol_new_timestamp(b, len >= 16 ? instant(data + 8) : -1, 0);
  const char *key = "ts";
  const pol_value *list = pol_new_list(b, ts, NFIXED + 2);
  const pol_value *root = pol_new_map(b, &key, &list, 1);
  if (!root || pol_facts_load_value(facts, root) != POL_OK)
    fuzz_fail("cannot build the facts");
}

static void run(const uint8_t *data, size_t len) {
  FILE *f = fopen(zone_path, "wb");
  if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
    fuzz_fail("cannot write %s", zone_path);
  bind_instants(data, len);
  const pol_value *v;
  int rc = pol_eval(ctx, prog, facts, &v);
  if (rc != POL_OK && rc != POL_ERUNTIME)
    fuzz_fail("status %d: %s", rc, pol_ctx_errmsg(ctx));
  (void)pol_value_format(ctx, v);
}

const fuzz_target fuzz_tzif = {"tzif", init, run};
