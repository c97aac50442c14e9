/*
 * regex.h: CEL's `matches` over PCRE2, restricted to RE2 syntax.
 *
 * CEL regular expressions are RE2's. PCRE2 is a superset with a
 * backtracking matcher, so rx_ refuses the constructs RE2 lacks
 * (backreferences, lookaround, atomic groups, possessive quantifiers,
 * recursion, conditionals, verbs) and matches under hard limits: a
 * pathological pattern gives an error value, never a hang. Nothing is
 * cached and nothing is global: safe from any number of threads.
 *
 * PCRE2's memory comes from the mem of the arena each function takes
 * (through a general context when the host set an allocator). Compiled
 * patterns and scratch keep a pointer to that mem to free themselves:
 * the arena must not move while they live (a program's or a vm's arena).
 */
#ifndef POL_REGEX_H
#define POL_REGEX_H

#include "value.h"

/* Search [s] of [n] bytes for the RE2 pattern [pat] of [plen] bytes (both
 * UTF-8): true if it matches any substring. Returns 1 (match), 0 (no
 * match) or -1, in which case *[err_out] is an error value allocated in
 * [a]: ERR_INVALID for a pattern that does not compile or uses syntax RE2
 * does not have (the message gives the byte offset), ERR_LIMIT when the
 * match limits were hit, ERR_NOMEM when PCRE2 ran out of memory. */
POL_INTERNAL int rx_match(arena *a, const char *pat, size_t plen,
                          const char *s, size_t n, val *err_out);

/* Check that [pat] compiles, without matching anything (for compile-time
 * checks of constant patterns). true if it does; otherwise false with
 * *[err_out] set as for rx_match. */
POL_INTERNAL bool rx_valid(arena *a, const char *pat, size_t plen,
                           val *err_out);

/* A pattern compiled once (a constant pattern of a program: the compiler
 * makes them, OP_MATCH uses them), JIT-compiled when asked and PCRE2
 * can. */
typedef struct rx rx;
/* What one thread needs to match: match data and the limits. */
typedef struct rx_scratch rx_scratch;

/* Compile [pat] of [plen] bytes, to machine code too when [jit] (it
 * costs about as much as 250 searches of a short string save: worth it
 * for a program that runs many times); NULL with *[err_out] set as for
 * rx_match. Free with rx_free, before [a] (the program's arena, whose
 * mem the pattern's memory comes from). */
POL_INTERNAL rx *rx_compile(arena *a, const char *pat, size_t plen,
                            val *err_out, bool jit);
/* Whether [re] runs as machine code (for tests). */
POL_INTERNAL bool rx_jitted(const rx *re);
POL_INTERNAL void rx_free(rx *re);
/* Search [s] of [n] bytes (valid UTF-8) for [re], with the thread's
 * scratch *[scratch] (made on first use, from [a]'s mem: [a] must
 * outlive it; free with rx_scratch_free).
 * As rx_match: 1, 0, or -1 with *[err_out]. */
POL_INTERNAL int rx_search(const rx *re, rx_scratch **scratch, arena *a,
                           const char *s, size_t n, val *err_out);
POL_INTERNAL void rx_scratch_free(rx_scratch *s);

#endif
