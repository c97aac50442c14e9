/*
 * fuzz.h: the one interface every fuzz target implements (one target per
 * file, tests/fuzz/fuzz_*.c), so the same code runs in two harnesses:
 *
 *   - libFuzzer (tests/fuzz/main.c, one binary per target, built by
 *     `make fuzz` with clang and ASan/UBSan);
 *   - the regression replay of `make check` (tests/unit/test_fuzz.c, plain
 *     cc, no clang needed), which feeds every file under
 *     tests/fuzz/regress/<name>/ to each target's run().
 *
 * A target reports a broken property (not a crash: the sanitizers or the
 * signal report those) through fuzz_fail, which each harness implements:
 * abort() under libFuzzer, a cmocka failure in the replay.
 */
#ifndef POL_FUZZ_H
#define POL_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "pol.h"

typedef struct fuzz_target {
  const char *name;  /* the directory of its corpus and regression inputs */
  void (*init)(void);                             /* once; may be NULL */
  void (*run)(const uint8_t *data, size_t len);   /* one input */
} fuzz_target;

extern const fuzz_target fuzz_json, fuzz_policy, fuzz_load, fuzz_eval,
    fuzz_tzif;
/* The targets over the CLI's readers (lib/cli, linked into them) and
 * the explainer (docs/limits.md). */
extern const fuzz_target fuzz_records, fuzz_sheet, fuzz_waivers,
    fuzz_testspec, fuzz_explain;

/* Report a broken property of the input being run; does not return. */
_Noreturn void fuzz_fail(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Evaluation limits every target sets, so that one input costs at most
 * milliseconds: libFuzzer reports a slow input as a timeout, and the
 * engine's own limits are what is being tested, not the machine's. */
#define FUZZ_MAX_STEPS 100000
#define FUZZ_MAX_MEMORY (16u << 20)

/* The JSON text of one small vendor (common.c) with the kinds of facts
 * rules read, so that every verdict is reachable. */
extern const char fuzz_vendor[];
/* An env with the limits above, a fact set holding fuzz_vendor, and a
 * context; fails the run if any cannot be made. */
void fuzz_setup(pol_env **env, pol_facts **facts, pol_ctx **ctx);
/* Check [pol] against [facts] and render the report in every format;
 * the verdict of each rule into [verdicts] (up to [max] of them, -1 when
 * the check stopped). Returns the number of rules. */
size_t fuzz_check(pol_ctx *ctx, const pol_policy *pol,
                  const pol_facts *facts, int *verdicts, size_t max);

/* Write [len] bytes at [data] to the file [name] of a directory the
 * process owns (tmpfile.c), for the readers that take a path; returns
 * its path. The directory goes at exit. */
const char *fuzz_write_file(const char *name, const uint8_t *data,
                            size_t len);

#endif
