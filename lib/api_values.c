/*
 * api_values.c: values made by a host (pol.h "building values"): facts
 * without JSON, and the results of escape-hatch host functions. A
 * builder is just the arena the values go to.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "handles.h"
#include "json.h"
#include "time.h"

#define OUT(v) ((const pol_value *)(v))

/* Record why a constructor of [b] failed ([rc], a printf message),
 * returning NULL for its caller to return. */
static const pol_value *fail(pol_builder *b, int rc, const char *fmt, ...)
    POL_PRINTF(3, 4);
static const pol_value *fail(pol_builder *b, int rc, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  b->status = rc;
  vsnprintf(b->msg, sizeof b->msg, fmt, ap);
  va_end(ap);
  return NULL;
}

static const pol_value *no_memory(pol_builder *b, const char *fn) {
  return fail(b, POL_ENOMEM, "%s: out of memory", fn);
}

/* A value in [b]'s arena: scalars are copied there too, so every
 * constructor returns a stable pointer. [fn] names the constructor in
 * messages; a V_ERROR [v] is the arena's out of memory. */
static const pol_value *keep_as(pol_builder *b, val v, const char *fn) {
  if (v.kind == V_ERROR)
    return no_memory(b, fn);
  val *p = arena_alloc(b->a, sizeof *p);
  if (!p)
    return no_memory(b, fn);
  *p = v;
  return OUT(p);
}
#define keep(b, v) keep_as((b), (v), __func__)

/* Start a constructor call on [b]: its status is POL_OK until something
 * fails. false for a NULL builder. */
static bool start(pol_builder *b) {
  if (!b)
    return false;
  b->status = POL_OK;
  return true;
}

/* The offset of the first byte of [s]/[n] that is not valid UTF-8. */
static size_t utf8_bad_at(const char *s, size_t n) {
  size_t i = 0;
  while (i < n && utf8_decode(s, n, &i) >= 0)
    ;
  return i;
}

pol_builder *pol_facts_builder(pol_facts *f) {
  if (!f)
    return NULL;
  f->builder.a = &f->a;
  return &f->builder;
}

const pol_value *pol_new_null(pol_builder *b) {
  return start(b) ? keep(b, val_null()) : NULL;
}

const pol_value *pol_new_bool(pol_builder *b, bool x) {
  return start(b) ? keep(b, val_bool(x)) : NULL;
}

const pol_value *pol_new_int(pol_builder *b, int64_t x) {
  return start(b) ? keep(b, val_int(x)) : NULL;
}

const pol_value *pol_new_uint(pol_builder *b, uint64_t x) {
  return start(b) ? keep(b, val_uint(x)) : NULL;
}

const pol_value *pol_new_double(pol_builder *b, double x) {
  return start(b) ? keep(b, val_double(x)) : NULL;
}

const pol_value *pol_new_string(pol_builder *b, const char *s, size_t len) {
  if (!start(b))
    return NULL;
  if (!s)
    return fail(b, POL_EINVAL, "pol_new_string: NULL text");
  if (!utf8_valid(s, len))
    return fail(b, POL_EFORMAT, "pol_new_string: not valid UTF-8 at byte "
                "%zu of %zu", utf8_bad_at(s, len), len);
  return keep(b, val_string(b->a, s, len));
}

const pol_value *pol_new_bytes(pol_builder *b, const void *p, size_t len) {
  if (!start(b))
    return NULL;
  if (!p && len)
    return fail(b, POL_EINVAL, "pol_new_bytes: NULL data of %zu bytes", len);
  return keep(b, val_bytes(b->a, p, len));
}

const pol_value *pol_new_duration(pol_builder *b, int64_t sec, int32_t ns) {
  if (!start(b))
    return NULL;
  if (!tm_duration_ok(sec, ns))
    return fail(b, POL_EINVAL, "pol_new_duration: %lld s %ld ns is out of "
                "range", (long long)sec, (long)ns);
  return keep(b, val_duration(sec, ns));
}

const pol_value *pol_new_timestamp(pol_builder *b, int64_t sec, int32_t ns) {
  if (!start(b))
    return NULL;
  if (!tm_timestamp_ok(sec, ns))
    return fail(b, POL_EINVAL, "pol_new_timestamp: %lld s %ld ns is out of "
                "range", (long long)sec, (long)ns);
  return keep(b, val_timestamp(sec, ns));
}

/* How many containers deep [v] nests (0 for a scalar), counted up to
 * [room] + 1 only: enough to tell that it is deeper than [room]. */
static int nesting(val v, int room) {
  const val *items;
  uint32_t n;
  if (v.kind == V_LIST) {
    items = v.as.l->items;
    n = v.as.l->n;
  } else if (v.kind == V_MAP) {
    items = v.as.m->vals;
    n = v.as.m->n;
  } else if (v.kind == V_OPTIONAL && v.as.opt) {
    items = v.as.opt;
    n = 1;
  } else {
    return 0;
  }
  int deepest = 0;
  for (uint32_t i = 0; room > 0 && i < n && deepest < room; i++) {
    int d = nesting(items[i], room - 1);
    deepest = d > deepest ? d : deepest;
  }
  return room > 0 ? deepest + 1 : 1;
}

/* Whether a container of [n] [items] nests no deeper than JSON may
 * (POL_MAX_JSON_DEPTH): every part of the engine that walks a value
 * (JSON and CEL text, copies, equality, reports) recurses, and a value
 * built a million deep would overflow the stack. Else the reason in [b],
 * naming the [part] of the new container that is too deep. */
static bool shallow(pol_builder *b, const char *fn, const char *part,
                    const pol_value *const *items, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (nesting(*VAL(items[i]), POL_MAX_JSON_DEPTH - 1) >=
        POL_MAX_JSON_DEPTH) {
      fail(b, POL_EINVAL, "%s: %s %zu nests more than %d levels deep", fn,
           part, i, POL_MAX_JSON_DEPTH - 1);
      return false;
    }
  return true;
}

/* NULL, with the reason in [b]: [part] [i] of a new container is the
 * error [v]. CEL has no list or map holding an error (a list literal
 * with one evaluates to the error), and the rest of the engine assumes
 * none: equality compared past it, and reports wrote it as a map
 * {"error": ...}, which a fact could be. */
static const pol_value *in_error(pol_builder *b, const char *fn,
                                 const char *part, size_t i,
                                 const pol_value *v) {
  return fail(b, POL_EINVAL, "%s: %s %zu is an error value (%s); return "
              "the error itself to fail", fn, part, i, VAL(v)->as.e->msg);
}

const pol_value *pol_new_list(pol_builder *b, const pol_value *const *items,
                              size_t n) {
  if (!start(b))
    return NULL;
  if (!items && n)
    return fail(b, POL_EINVAL, "pol_new_list: NULL items");
  for (size_t i = 0; i < n; i++)
    if (!items[i])
      return fail(b, POL_EINVAL, "pol_new_list: item %zu is NULL", i);
    else if (VAL(items[i])->kind == V_ERROR)
      return in_error(b, __func__, "item", i, items[i]);
  if (!shallow(b, __func__, "item", items, n))
    return NULL;
  list *l = list_alloc(b->a, n);
  if (!l)
    return no_memory(b, __func__);
  for (size_t i = 0; i < n; i++)
    l->items[i] = *VAL(items[i]);
  return keep(b, ((val){.kind = V_LIST, .as.l = l}));
}

/* false, with the reason in [b], when entry [i] of a new map cannot
 * be. */
static bool good_entry(pol_builder *b, const char *const *keys,
                       const pol_value *const *vals, size_t i) {
  if (!keys[i] || !vals[i]) {
    fail(b, POL_EINVAL, "pol_new_map: %s %zu is NULL",
         keys[i] ? "value" : "key", i);
    return false;
  }
  if (VAL(vals[i])->kind == V_ERROR) {
    in_error(b, "pol_new_map", "value", i, vals[i]);
    return false;
  }
  size_t len = strlen(keys[i]);
  if (!utf8_valid(keys[i], len)) {
    fail(b, POL_EFORMAT, "pol_new_map: key %zu is not valid UTF-8 at byte "
         "%zu", i, utf8_bad_at(keys[i], len));
    return false;
  }
  return true;
}

const pol_value *pol_new_map(pol_builder *b, const char *const *keys,
                             const pol_value *const *vals, size_t n) {
  if (!start(b))
    return NULL;
  if ((!keys || !vals) && n)
    return fail(b, POL_EINVAL, "pol_new_map: NULL %s",
                keys ? "values" : "keys");
  for (size_t i = 0; i < n; i++)
    if (!good_entry(b, keys, vals, i))
      return NULL;
  if (!shallow(b, __func__, "value", vals, n))
    return NULL;
  val *kv = arena_alloc(b->a, 2 * n * sizeof(val) + 1);
  if (!kv)
    return no_memory(b, __func__);
  for (size_t i = 0; i < n; i++) {
    kv[i] = val_string(b->a, keys[i], strlen(keys[i]));
    if (kv[i].kind == V_ERROR)
      return no_memory(b, __func__);
    kv[n + i] = *VAL(vals[i]);
  }
  val m = val_map(b->a, kv, kv + n, n);
  if (m.kind == V_ERROR && m.as.e->kind != ERR_NOMEM)
    return fail(b, POL_EINVAL, "pol_new_map: %s", m.as.e->msg);
  return keep(b, m);
}

/* [msg] made UTF-8 in [b]'s arena: each run of bytes that is not
 * becomes one U+FFFD. An error's message is text that reports,
 * pol_report_reason and pol_value_json write as it is, so it must be
 * UTF-8, as every other string of the engine is. NULL on out of memory. */
static const char *utf8_message(pol_builder *b, const char *msg) {
  size_t n = strlen(msg);
  if (utf8_valid(msg, n))
    return msg;
  sbuf t;
  sb_init(&t, &b->a->m);
  bool bad = false;
  for (size_t i = 0, j; i < n; i = j) {
    j = i;
    if (utf8_decode(msg, n, &j) >= 0) {
      sb_put(&t, msg + i, j - i);
      bad = false;
      continue;
    }
    j = i + 1;
    if (!bad)
      sb_puts(&t, "\xef\xbf\xbd");
    bad = true;
  }
  const char *s = t.oom ? NULL : arena_strndup(b->a, t.p, t.len);
  sb_free(&t);
  return s;
}

const pol_value *pol_new_error(pol_builder *b, const char *msg) {
  if (!start(b))
    return NULL;
  msg = utf8_message(b, msg ? msg : "error");
  if (!msg)
    return no_memory(b, __func__);
  val e = val_err(b->a, ERR_GENERIC, "%s", msg);
  val *p = arena_alloc(b->a, sizeof *p);
  if (!p || (e.kind == V_ERROR && e.as.e->kind == ERR_NOMEM))
    return no_memory(b, __func__);
  *p = e;
  return OUT(p);
}

int pol_builder_status(const pol_builder *b) {
  return b ? b->status : POL_EINVAL;
}

const char *pol_builder_errmsg(const pol_builder *b) {
  return b ? b->msg : "no builder";
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

/* json_write's text (json.h says how each kind is written). */
const char *pol_value_json(pol_ctx *c, const pol_value *v, int indent) {
  if (!c || !v)
    return NULL;
  sb_reset(&c->text);
  json_write(&c->text, *VAL(v), indent < 0 ? 0 : indent > 16 ? 16 : indent);
  sb_putc(&c->text, '\0');
  if (c->text.oom) {
    api_msg(&c->errmsg, "pol_value_json: out of memory");
    return NULL;
  }
  return c->text.p;
}

/* The public type codes are the internal kinds, in the same order. */
_Static_assert((int)POL_T_ERROR == (int)V_ERROR &&
                   (int)POL_T_TIMESTAMP == (int)V_TIMESTAMP &&
                   (int)POL_T_ABSENT == (int)V_KIND_COUNT,
               "pol_type must mirror val_kind");
