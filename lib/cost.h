/*
 * cost.h: THE cost table. What every operation charges the step budget
 * of an evaluation (pol_config.max_steps, --max-steps), so that the
 * budget bounds the time an evaluation takes, not only its loops.
 * docs/limits.md publishes this table; keep the two in step.
 *
 * A step is about the work of one loop iteration of a small macro body
 * (tens of nanoseconds). Each operation is charged in proportion to the
 * work it does with its inputs:
 *
 *   loop iteration (a backward jump)   1 + body instructions / 32
 *   x in list                          1 per item compared (plus ==)
 *   == and != on lists and maps        1 per item or entry compared,
 *                                      at every depth
 *   == != < <= > >= on strings, bytes  1 per 16 bytes compared
 *   + on strings, bytes, lists         1 per 16 bytes or 1 per item made
 *   a function call                    1 per 16 bytes of each string or
 *                                      bytes argument, 1 per item of each
 *                                      list or map argument (size() and
 *                                      the optional functions: strings
 *                                      only, or nothing: cost_kind)
 *   format() of lists and maps         1 per item printed, at every depth
 *   matches(): the subject             1 per 16 bytes
 *   matches(): the matcher             (1 + largest {n,m} count / 16) per
 *                                      pattern item it enters (PCRE2
 *                                      callouts count them)
 *   matches(): a pattern made at run   1 per byte of the pattern, then 1
 *     time, compiled per call          per 16 bytes of its compiled form
 *   a named time zone (getHours("Asia/Tokyo"))  COST_ZONE: its file is
 *                                      read and parsed per call
 *
 * Everything else (an instruction, a field selection, a map lookup by
 * key, an int comparison) costs nothing beyond the loop iteration it is
 * part of: there are at most 2^20 instructions between two backward
 * jumps, and the loop charge pays for them. Work that only builds values
 * is bounded by the memory limit as well.
 *
 * The budget lives in the arena of the evaluation (arena.h), because
 * every operator and builtin already receives that arena: a charge needs
 * no new parameter anywhere. Other arenas (a program's constants, a fact
 * set) have an unlimited budget, so constant folding is never charged.
 * An operation whose charge fails returns val_over_budget(); the VM
 * stops the run there (vm.c, SETTOP) and reports the step limit.
 */
#ifndef POL_COST_H
#define POL_COST_H

#include "arena.h"

enum {
  COST_LOOP_SHIFT = 5,  /* loop iteration: +1 per 32 body instructions */
  COST_BYTES_SHIFT = 4, /* 1 step per 16 bytes scanned or made */
  COST_REPEAT_SHIFT = 4,/* regex item: +1 per 16 of the largest count */
  COST_ZONE = 1000      /* a zoneinfo file read and parsed (~20 us) */
};

/* The steps for [n] bytes of text scanned. */
static inline uint64_t cost_bytes(size_t n) {
  return (uint64_t)n >> COST_BYTES_SHIFT;
}

/* A loop iteration whose body is [body] instructions long. */
static inline uint64_t cost_loop(uint32_t body) {
  return 1 + (body >> COST_LOOP_SHIFT);
}

/* Take [n] steps from the budget of [a]: true if there were enough.
 * Otherwise the budget is spent (a->steps 0, a->over_steps set: every
 * later charge fails too) and the caller returns val_over_budget(). */
static inline bool cost_charge(arena *a, uint64_t n) {
  if (likely(n <= a->steps)) {
    a->steps -= n;
    return true;
  }
  a->steps = 0;
  a->over_steps = true;
  return false;
}

/* Give [a] a budget of [steps] (0: unlimited) for the next run. */
static inline void cost_start(arena *a, uint64_t steps) {
  a->steps = steps ? steps : UINT64_MAX;
  a->over_steps = false;
}

#endif
