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

#include "cost.h"
#include "value.h"

/* [args] holds the receiver first (receiver style), then the arguments;
 * [n] counts them all. Errors among the arguments never reach here: the
 * VM returns the first error argument itself. Results are allocated in
 * [a]. */
typedef val (*bi_fn)(arena *a, const val *args, int n);

/* How a function is called, and how a call is charged (cost.h): by
 * default 1 step per 16 bytes of each string or bytes argument and 1 per
 * item of each list or map argument; BI_COST_TEXT charges text only
 * (size() counts the code points of a string, not the items of a list);
 * BI_COST_NONE nothing (the work does not grow with the arguments). */
enum {
  BI_GLOBAL = 1,
  BI_RECEIVER = 2,
  BI_COST_TEXT = 4,
  BI_COST_NONE = 8
};

typedef struct builtin {
  const char *name;  /* "size", "startsWith", "math.greatest", ... */
  uint8_t style;     /* BI_GLOBAL, BI_RECEIVER, or both; a BI_COST_* */
  int8_t min, max;   /* arity, receiver included; max -1: variadic */
  bi_fn fn;          /* NULL for a host function (host.h) */
  const char *doc;   /* one line: signature(s) and meaning */
} builtin;


/* The first occurrence of [t] ([tn] bytes) in [s] ([n] bytes), or NULL;
 * an empty [t] is found at [s]. Linear time, whatever the texts. */
POL_INTERNAL const char *bi_find(const char *s, size_t n, const char *t,
                                 size_t tn);
/* The last occurrence of a non-empty [t] in [s]: 1 with its offset in
 * *[at], 0 if there is none, -1 when out of memory. Linear time. */
POL_INTERNAL int bi_find_last(const char *s, size_t n, const char *t,
                              size_t tn, size_t *at);

/* Whether [b] is size(), which reads how many items a value has, not the
 * items (a traced run notes it so). */
POL_INTERNAL bool bi_counts(const builtin *b);

/* The steps a call of [b] with [args] is charged before it runs
 * (cost.h): the sizes of its arguments, as b->style says. Inline: the
 * VM calls it on every call. */
static inline uint64_t bi_cost(const builtin *b, const val *args, int n) {
  uint64_t c = 0;
  if (b->style & BI_COST_NONE)
    return 0;
  for (int i = 0; i < n; i++) {
    if (args[i].kind == V_STRING || args[i].kind == V_BYTES)
      c += args[i].as.s->len >> COST_BYTES_SHIFT;
    else if (b->style & BI_COST_TEXT)
      continue;
    else if (args[i].kind == V_LIST)
      c += args[i].as.l->n;
    else if (args[i].kind == V_MAP)
      c += args[i].as.m->n;
  }
  return c;
}

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
