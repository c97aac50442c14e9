/*
 * bi_opt.c: CEL's optional values (the cel-go "optional types" library):
 * optional.of, optional.none, optional.ofNonZeroValue and the methods
 * hasValue, value, orValue and or. The syntax half (x.?f, x[?i], [?e],
 * {?k: v}) and the optMap/optFlatMap macros live in compile.c and vm.c.
 */
#include <string.h>

#include "builtins.h"

static val some(arena *a, val x) {
  val *p = arena_alloc(a, sizeof *p);
  if (!p)
    return val_nomem();
  *p = x;
  return (val){.kind = V_OPTIONAL, .as.opt = p};
}

static val f_of(arena *a, const val *args, int n) {
  (void)n;
  return some(a, args[0]);
}

static val f_none(arena *a, const val *args, int n) {
  (void)a, (void)args, (void)n;
  return (val){.kind = V_OPTIONAL};
}

/* The zero value of each kind: what ofNonZeroValue maps to none. */
static bool is_zero(val x) {
  switch (x.kind) {
  case V_NULL: return true;
  case V_BOOL: return !x.as.b;
  case V_INT: case V_UINT: return x.as.u == 0;
  case V_DOUBLE: return x.as.d == 0;
  case V_STRING: case V_BYTES: return x.as.s->len == 0;
  case V_LIST: return x.as.l->n == 0;
  case V_MAP: return x.as.m->n == 0;
  case V_DURATION: case V_TIMESTAMP: return x.as.i == 0 && x.aux == 0;
  case V_OPTIONAL: return x.as.opt == NULL;
  default: return false;
  }
}

static val f_of_non_zero(arena *a, const val *args, int n) {
  return is_zero(args[0]) ? f_none(a, args, n) : some(a, args[0]);
}

static bool check(arena *a, const char *fn, const val *args, int n,
                  val *err_out) {
  if (args[0].kind == V_OPTIONAL)
    return true;
  *err_out = val_no_overload(a, fn, args, n);
  return false;
}

static val f_has_value(arena *a, const val *args, int n) {
  val e;
  if (!check(a, "hasValue", args, n, &e))
    return e;
  return val_bool(args[0].as.opt != NULL);
}

static val f_value(arena *a, const val *args, int n) {
  val e;
  if (!check(a, "value", args, n, &e))
    return e;
  if (!args[0].as.opt)
    return val_err(a, ERR_INVALID, "optional.none() dereference");
  return *args[0].as.opt;
}

static val f_or_value(arena *a, const val *args, int n) {
  val e;
  if (!check(a, "orValue", args, n, &e))
    return e;
  return args[0].as.opt ? *args[0].as.opt : args[1];
}

static val f_or(arena *a, const val *args, int n) {
  val e;
  if (!check(a, "or", args, n, &e))
    return e;
  if (args[0].as.opt)
    return args[0];
  if (args[1].kind != V_OPTIONAL)
    return val_no_overload(a, "or", args, n);
  return args[1];
}

const builtin bi_opt[] = {
    {"optional.of", BI_GLOBAL | BI_COST_NONE, 1, 1, f_of,
     "optional.of(x) -> optional: an optional holding x"},
    {"optional.none", BI_GLOBAL | BI_COST_NONE, 0, 0, f_none,
     "optional.none() -> optional: the empty optional"},
    {"optional.ofNonZeroValue", BI_GLOBAL | BI_COST_NONE, 1, 1,
     f_of_non_zero,
     "optional.ofNonZeroValue(x) -> optional: none if x is its kind's zero"},
    {"hasValue", BI_RECEIVER | BI_COST_NONE, 1, 1, f_has_value,
     "o.hasValue() -> bool: whether o holds a value"},
    {"value", BI_RECEIVER | BI_COST_NONE, 1, 1, f_value,
     "o.value() -> the value o holds; an error for optional.none()"},
    {"orValue", BI_RECEIVER | BI_COST_NONE, 2, 2, f_or_value,
     "o.orValue(x) -> o's value, or x if o is empty"},
    {"or", BI_RECEIVER | BI_COST_NONE, 2, 2, f_or,
     "o.or(p) -> optional: o if it holds a value, else p"},
    {NULL, 0, 0, 0, NULL, NULL},
};
