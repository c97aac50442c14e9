/*
 * api_values.c: values made by a host (pol.h "building values"): facts
 * without JSON, and the results of escape-hatch host functions. A
 * builder is just the arena the values go to.
 */
#include <string.h>

#include "handles.h"
#include "time.h"

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

const pol_value *pol_new_duration(pol_builder *b, int64_t sec, int32_t ns) {
  return tm_duration_ok(sec, ns) ? keep(b, val_duration(sec, ns)) : NULL;
}

const pol_value *pol_new_timestamp(pol_builder *b, int64_t sec, int32_t ns) {
  return tm_timestamp_ok(sec, ns) ? keep(b, val_timestamp(sec, ns)) : NULL;
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

/* ==== reading values ===================================================== */

pol_type pol_value_type(const pol_value *v) {
  return v ? (pol_type)VAL(v)->kind : POL_T_ABSENT;
}

bool pol_value_bool(const pol_value *v) {
  return v && VAL(v)->kind == V_BOOL && VAL(v)->as.b;
}

int64_t pol_value_int(const pol_value *v) {
  return v && VAL(v)->kind == V_INT ? VAL(v)->as.i : 0;
}

uint64_t pol_value_uint(const pol_value *v) {
  return v && VAL(v)->kind == V_UINT ? VAL(v)->as.u : 0;
}

double pol_value_double(const pol_value *v) {
  return v && VAL(v)->kind == V_DOUBLE ? VAL(v)->as.d : 0;
}

const char *pol_value_str(const pol_value *v, size_t *len) {
  const val *x = VAL(v);
  if (!x || (x->kind != V_STRING && x->kind != V_BYTES)) {
    if (len)
      *len = 0;
    return NULL;
  }
  if (len)
    *len = x->as.s->len;
  return x->as.s->data;
}

/* The seconds and nanoseconds of [v] if it is of [kind]. */
static bool time_parts(const pol_value *v, int kind, int64_t *sec,
                       int32_t *ns) {
  bool ok = v && VAL(v)->kind == kind;
  if (sec)
    *sec = ok ? VAL(v)->as.i : 0;
  if (ns)
    *ns = ok ? VAL(v)->aux : 0;
  return ok;
}

bool pol_value_duration(const pol_value *v, int64_t *sec, int32_t *ns) {
  return time_parts(v, V_DURATION, sec, ns);
}

bool pol_value_timestamp(const pol_value *v, int64_t *sec, int32_t *ns) {
  return time_parts(v, V_TIMESTAMP, sec, ns);
}

size_t pol_value_len(const pol_value *v) {
  const val *x = VAL(v);
  if (x && x->kind == V_LIST)
    return x->as.l->n;
  return x && x->kind == V_MAP ? x->as.m->n : 0;
}

const pol_value *pol_value_at(const pol_value *v, size_t i) {
  const val *x = VAL(v);
  if (!x || x->kind != V_LIST || i >= x->as.l->n)
    return NULL;
  return OUT(&x->as.l->items[i]);
}

const char *pol_value_key(const pol_value *v, size_t i, size_t *len) {
  const val *x = VAL(v);
  if (!x || x->kind != V_MAP || i >= x->as.m->n ||
      x->as.m->keys[i].kind != V_STRING)
    return NULL;
  if (len)
    *len = x->as.m->keys[i].as.s->len;
  return x->as.m->keys[i].as.s->data;
}

const pol_value *pol_value_entry(const pol_value *v, size_t i) {
  const val *x = VAL(v);
  if (!x || x->kind != V_MAP || i >= x->as.m->n)
    return NULL;
  return OUT(&x->as.m->vals[i]);
}

const pol_value *pol_value_get(const pol_value *v, const char *key) {
  const val *x = VAL(v);
  if (!x || x->kind != V_MAP || !key)
    return NULL;
  size_t n = strlen(key);
  return OUT(map_get_str(x->as.m, key, n, val_hash_bytes(key, n)));
}

const char *pol_value_format(pol_ctx *c, const pol_value *v) {
  if (!c)
    return "";
  sb_reset(&c->text);
  if (v)
    val_print(&c->text, *VAL(v));
  else
    sb_puts(&c->text, "<absent>");
  sb_putc(&c->text, '\0');
  return c->text.oom ? NULL : c->text.p; /* never a value that says so */
}

/* The public type codes are the internal kinds, in the same order. */
_Static_assert((int)POL_T_ERROR == (int)V_ERROR &&
                   (int)POL_T_TIMESTAMP == (int)V_TIMESTAMP &&
                   (int)POL_T_ABSENT == (int)V_KIND_COUNT,
               "pol_type must mirror val_kind");
