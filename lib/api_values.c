/*
 * api_values.c: values made by a host (pol.h "building values"): facts
 * without JSON, and the results of escape-hatch host functions. A
 * builder is just the arena the values go to.
 */
#include <string.h>

#include "handles.h"

#define OUT(v) ((const pol_value *)(v))

/* A value in [b]'s arena: scalars are copied there too, so every
 * constructor returns a stable pointer. */
static const pol_value *keep(pol_builder *b, val v) {
  if (!b || v.kind == V_ERROR)
    return NULL;
  val *p = arena_alloc(b->a, sizeof *p);
  if (p)
    *p = v;
  return OUT(p);
}

pol_builder *pol_facts_builder(pol_facts *f) {
  if (!f)
    return NULL;
  f->builder.a = &f->a;
  return &f->builder;
}

const pol_value *pol_new_null(pol_builder *b) { return keep(b, val_null()); }

const pol_value *pol_new_bool(pol_builder *b, bool x) {
  return keep(b, val_bool(x));
}

const pol_value *pol_new_int(pol_builder *b, int64_t x) {
  return keep(b, val_int(x));
}

const pol_value *pol_new_uint(pol_builder *b, uint64_t x) {
  return keep(b, val_uint(x));
}

const pol_value *pol_new_double(pol_builder *b, double x) {
  return keep(b, val_double(x));
}

const pol_value *pol_new_string(pol_builder *b, const char *s, size_t len) {
  if (!b || !s || !utf8_valid(s, len))
    return NULL;
  return keep(b, val_string(b->a, s, len));
}

const pol_value *pol_new_bytes(pol_builder *b, const void *p, size_t len) {
  if (!b || (!p && len))
    return NULL;
  return keep(b, val_bytes(b->a, p, len));
}

const pol_value *pol_new_list(pol_builder *b, const pol_value *const *items,
                              size_t n) {
  if (!b || (!items && n))
    return NULL;
  list *l = list_alloc(b->a, n);
  for (size_t i = 0; l && i < n; i++) {
    if (!items[i])
      return NULL;
    l->items[i] = *VAL(items[i]);
  }
  return l ? keep(b, (val){.kind = V_LIST, .as.l = l}) : NULL;
}

const pol_value *pol_new_map(pol_builder *b, const char *const *keys,
                             const pol_value *const *vals, size_t n) {
  if (!b || ((!keys || !vals) && n))
    return NULL;
  val *kv = arena_alloc(b->a, 2 * n * sizeof(val) + 1);
  for (size_t i = 0; kv && i < n; i++) {
    if (!keys[i] || !vals[i] || !utf8_valid(keys[i], strlen(keys[i])))
      return NULL;
    kv[i] = val_string(b->a, keys[i], strlen(keys[i]));
    kv[n + i] = *VAL(vals[i]);
  }
  return kv ? keep(b, val_map(b->a, kv, kv + n, n)) : NULL;
}

const pol_value *pol_new_error(pol_builder *b, const char *msg) {
  if (!b)
    return NULL;
  val e = val_err(b->a, ERR_GENERIC, "%s", msg ? msg : "error");
  val *p = arena_alloc(b->a, sizeof *p);
  if (p)
    *p = e;
  return OUT(p);
}
