/*
 * builtins.h: the table of functions callable from expressions.
 *
 * Each entry names a function, says whether it is called as a global
 * (size(x)) or receiver-style (x.size()), its arity range, and the C
 * function. Overloads are resolved inside the C function from the runtime
 * kinds of its arguments; a kind it does not accept gives
 * val_no_overload(). The compiler resolves a call to an entry once; the
 * VM's OP_CALL just calls ->fn.
 */
#ifndef POL_BUILTINS_H
#define POL_BUILTINS_H

#include "value.h"

/* [args] holds the receiver first (receiver style), then the arguments;
 * [n] counts them all. Errors among the arguments never reach here: the
 * VM returns the first error argument itself. Results are allocated in
 * [a]. */
typedef val (*bi_fn)(arena *a, const val *args, int n);

enum { BI_GLOBAL = 1, BI_RECEIVER = 2 };

typedef struct builtin {
  const char *name;  /* "size", "startsWith", "math.greatest", ... */
  uint8_t style;     /* BI_GLOBAL, BI_RECEIVER, or both */
  int8_t min, max;   /* arity, receiver included; max -1: variadic */
  bi_fn fn;          /* NULL for a host function (host.h) */
  const char *doc;   /* one line: signature(s) and meaning */
} builtin;

/* Whether [b] is size(), which reads how many items a value has, not the
 * items (a traced run notes it so). */
POL_INTERNAL bool bi_counts(const builtin *b);

/* NULL-terminated tables, one per file. */
extern const builtin bi_core[];  /* builtins.c: size, conversions, strings */
extern const builtin bi_time[];  /* bi_time.c: timestamp/duration */
extern const builtin bi_ext[];   /* bi_ext.c: strings/math/base64 ext */
extern const builtin bi_opt[];   /* bi_opt.c: optional values */

/* The entry for [name] called with [style] and [n] arguments (receiver
 * included), or NULL. *[name_found] says whether the name+style exists but
 * with another arity (for a better error message). */
POL_INTERNAL const builtin *bi_lookup(const char *name, int style, int n,
                                      bool *name_found);
/* The arity range of [name] called with [style] over all its entries
 * (receiver included; *[max] -1: variadic) and the doc of the first:
 * false when no entry has that name and style. */
POL_INTERNAL bool bi_arity(const char *name, int style, int *min, int *max,
                           const char **doc);
struct suggest;
/* Offer every function name callable with [style] to [s] (suggest.h),
 * and for receiver style the macros' names too. */
POL_INTERNAL void bi_offer(struct suggest *s, int style);
/* The CEL function a name from another language means ("len", "length"
 * and "count" mean size), or NULL. */
POL_INTERNAL const char *bi_alias(const char *name);

#endif
