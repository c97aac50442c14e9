/*
 * common.h: internal-only definitions shared by every file of the library:
 * visibility, assertions, branch hints and the hard limits of the engine.
 * Nothing here is installed.
 */
#ifndef POL_COMMON_H
#define POL_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Internal cross-file functions are hidden from the shared object. */
#define POL_INTERNAL __attribute__((visibility("hidden")))

#if defined(__GNUC__)
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define POL_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define POL_NOINLINE __attribute__((noinline))
#else
#define POL_NOINLINE
#define likely(x) (x)
#define unlikely(x) (x)
#define POL_PRINTF(f, a)
#endif

#define POL_UNUSED(x) ((void)(x))
#define POL_COUNTOF(a) (sizeof(a) / sizeof((a)[0]))

/* Hard limits. Every one of them turns into a plain error message. */
#define POL_MAX_PARSE_DEPTH 250      /* nesting of expressions in source */
#define POL_MAX_ENTRY_CODE (1u << 20) /* instructions of one rule expression
                                         once its lets are inlined */
#define POL_MAX_INLINED_DEPTH 4096   /* nesting of a let's expression
                                        with the lets it uses written out
                                        in place of their names: the
                                        compiler and the residuals inline
                                        them by recursion */
#define POL_MAX_JSON_DEPTH 512       /* nesting of JSON arrays/objects */
#define POL_MAX_SOURCE (64u << 20)   /* bytes of one source or JSON text */
#define POL_REGEX_MATCH_LIMIT 100000 /* PCRE2 match() calls per search */

#endif
