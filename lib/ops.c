/*
 * ops.c: operators on values with CEL's rules (see ops.h). Integer
 * arithmetic is checked: overflow, division by zero and INT64_MIN / -1
 * are errors, never wrap-around or undefined behaviour. Arithmetic never
 * mixes numeric kinds (1 + 1u is no overload); comparison does.
 */
#include "ops.h"

#include <math.h>
#include <string.h>

#include "cost.h"
#include "time_ops.h"

const char *ops_name(opcode op) {
  switch (op) {
  case OP_ADD: return "_+_";
  case OP_SUB: return "_-_";
  case OP_MUL: return "_*_";
  case OP_DIV: return "_/_";
  case OP_MOD: return "_%_";
  case OP_EQ: return "_==_";
  case OP_NE: return "_!=_";
  case OP_LT: return "_<_";
  case OP_LE: return "_<=_";
  case OP_GT: return "_>_";
  case OP_GE: return "_>=_";
  case OP_IN: return "@in";
  case OP_NEG: return "-_";
  case OP_NOT: return "!_";
  case OP_INDEX: return "_[_]";
  default: return "?";
  }
}

static val overflow(arena *a) {
  return val_err(a, ERR_OVERFLOW, "integer overflow");
}

static val no_overload2(arena *a, opcode op, val x, val y) {
  val args[2] = {x, y};
  return val_no_overload(a, ops_name(op), args, 2);
}

/* ==== integers =========================================================== */

static val int_arith(arena *a, opcode op, int64_t x, int64_t y) {
  int64_t r;
  switch (op) {
  case OP_ADD:
    return __builtin_add_overflow(x, y, &r) ? overflow(a) : val_int(r);
  case OP_SUB:
    return __builtin_sub_overflow(x, y, &r) ? overflow(a) : val_int(r);
  case OP_MUL:
    return __builtin_mul_overflow(x, y, &r) ? overflow(a) : val_int(r);
  case OP_DIV:
  case OP_MOD:
    if (y == 0)
      return val_err(a, ERR_DIVZERO, op == OP_DIV ? "division by zero"
                                                  : "modulus by zero");
    if (x == INT64_MIN && y == -1)
      return overflow(a);
    return val_int(op == OP_DIV ? x / y : x % y);
  default: return val_nomem(); /* unreachable: callers pass arithmetic */
  }
}

static val uint_arith(arena *a, opcode op, uint64_t x, uint64_t y) {
  uint64_t r;
  switch (op) {
  case OP_ADD:
    return __builtin_add_overflow(x, y, &r) ? overflow(a) : val_uint(r);
  case OP_SUB:
    return __builtin_sub_overflow(x, y, &r) ? overflow(a) : val_uint(r);
  case OP_MUL:
    return __builtin_mul_overflow(x, y, &r) ? overflow(a) : val_uint(r);
  case OP_DIV:
  case OP_MOD:
    if (y == 0)
      return val_err(a, ERR_DIVZERO, op == OP_DIV ? "division by zero"
                                                  : "modulus by zero");
    return val_uint(op == OP_DIV ? x / y : x % y);
  default: return val_nomem();
  }
}

static val double_arith(arena *a, opcode op, double x, double y) {
  switch (op) {
  case OP_ADD: return val_double(x + y);
  case OP_SUB: return val_double(x - y);
  case OP_MUL: return val_double(x * y);
  case OP_DIV: return val_double(x / y); /* IEEE: x/0 is +-inf or NaN */
  default: return no_overload2(a, op, val_double(x), val_double(y));
  }
}

/* ==== sequences ========================================================== */

/* + on strings and lists makes a new value: charged by its size. */
static val concat_str(arena *a, val x, val y) {
  size_t n = (size_t)x.as.s->len + y.as.s->len;
  if (!cost_charge(a, cost_bytes(n)))
    return val_over_budget();
  str *s = str_alloc(a, n);
  if (!s)
    return val_nomem();
  memcpy(s->data, x.as.s->data, x.as.s->len);
  memcpy(s->data + x.as.s->len, y.as.s->data, y.as.s->len);
  str_seal(s);
  return val_from_str(x.kind, s);
}

static val concat_list(arena *a, val x, val y) {
  if (y.as.l->n == 0)
    return x;
  if (x.as.l->n == 0)
    return y;
  if (!cost_charge(a, (uint64_t)x.as.l->n + y.as.l->n))
    return val_over_budget();
  val r = val_list(a, NULL, (size_t)x.as.l->n + y.as.l->n);
  if (r.kind != V_LIST)
    return r;
  memcpy(r.as.l->items, x.as.l->items, x.as.l->n * sizeof(val));
  memcpy(r.as.l->items + x.as.l->n, y.as.l->items, y.as.l->n * sizeof(val));
  return r;
}

/* ==== time ============================================================= */

/* timestamp +- duration, timestamp - timestamp, duration +- duration;
 * the arithmetic and its range checks live in time.c. */
static val time_arith(arena *a, opcode op, val x, val y) {
  val r;
  bool ok, ts = x.kind == V_TIMESTAMP || y.kind == V_TIMESTAMP;
  if (x.kind == V_DURATION && y.kind == V_DURATION)
    ok = op == OP_ADD ? tm_add_durations(x, y, &r)
                      : tm_sub_durations(x, y, &r);
  else if (op == OP_ADD && x.kind != y.kind)
    ok = x.kind == V_TIMESTAMP ? tm_add_duration(x, y, &r)
                               : tm_add_duration(y, x, &r);
  else if (op == OP_SUB && x.kind == V_TIMESTAMP && y.kind == V_DURATION)
    ok = tm_sub_duration(x, y, &r);
  else if (op == OP_SUB && x.kind == V_TIMESTAMP && y.kind == V_TIMESTAMP)
    return tm_sub_timestamps(x, y, &r)
               ? r : val_err(a, ERR_OVERFLOW, "duration out of range");
  else
    return no_overload2(a, op, x, y);
  if (ok)
    return r;
  return val_err(a, ERR_OVERFLOW, ts ? "timestamp out of range"
                                     : "duration out of range");
}

static bool is_time(int k) { return k == V_DURATION || k == V_TIMESTAMP; }

val ops_arith(arena *a, opcode op, val x, val y) {
  if (x.kind == y.kind) {
    switch (x.kind) {
    case V_INT: return int_arith(a, op, x.as.i, y.as.i);
    case V_UINT: return uint_arith(a, op, x.as.u, y.as.u);
    case V_DOUBLE: return double_arith(a, op, x.as.d, y.as.d);
    case V_STRING:
    case V_BYTES:
      if (op == OP_ADD)
        return concat_str(a, x, y);
      break;
    case V_LIST:
      if (op == OP_ADD)
        return concat_list(a, x, y);
      break;
    default: break;
    }
  }
  if (is_time(x.kind) && is_time(y.kind) && (op == OP_ADD || op == OP_SUB))
    return time_arith(a, op, x, y);
  return no_overload2(a, op, x, y);
}

/* ==== comparison ========================================================= */

/* [x] == [y], charged (cost.h): lists and maps by the items compared,
 * text by its bytes; but two strings whose hashes differ are unequal at
 * no charge, as the VM finds them by their cached hashes (a fact's
 * string may have none yet: value.h). */
static val equality(arena *a, opcode op, val x, val y) {
  if (x.kind == V_STRING && y.kind == V_STRING &&
      x.as.s->len == y.as.s->len && str_hash(x.as.s) != str_hash(y.as.s))
    return val_bool(op == OP_NE);
  bool eq = val_equal_metered(a, x, y);
  if (unlikely(a->over_steps))
    return val_over_budget();
  return val_bool(op == OP_EQ ? eq : !eq);
}

/* Ordering reads text up to the first difference: charged as all of
 * the shorter one. */
static bool charge_order(arena *a, val x, val y) {
  if (x.kind != V_STRING && x.kind != V_BYTES)
    return true;
  if (y.kind != x.kind)
    return true;
  uint32_t n = x.as.s->len < y.as.s->len ? x.as.s->len : y.as.s->len;
  return cost_charge(a, cost_bytes(n));
}

val ops_compare(arena *a, opcode op, val x, val y) {
  if (op == OP_EQ || op == OP_NE)
    return equality(a, op, x, y);
  if (!charge_order(a, x, y))
    return val_over_budget();
  int c;
  if (!val_compare(x, y, &c)) {
    /* Only two numbers can be unordered (a NaN): every test is false.
     * Other kinds that cannot be ordered, a double against a string
     * included, have no overload. */
    if (c == 2)
      return val_bool(false);
    return no_overload2(a, op, x, y);
  }
  switch (op) {
  case OP_LT: return val_bool(c < 0);
  case OP_LE: return val_bool(c <= 0);
  case OP_GT: return val_bool(c > 0);
  default: return val_bool(c >= 0);
  }
}

/* A list or map in a list: each comparison may go deep, so each is
 * metered as it goes (cost.h). */
static val in_deep(arena *a, val x, const list *l) {
  for (uint32_t i = 0; i < l->n; i++) {
    if (!cost_charge(a, 1))
      return val_over_budget();
    if (val_equal_metered(a, x, l->items[i]))
      return val_bool(true);
  }
  return a->over_steps ? val_over_budget() : val_bool(false);
}

/* x in list compares x with each item in turn: 1 step per item, and as
 * many more as 16-byte blocks of x when x is text (an item of its length
 * is compared byte by byte). A scalar compares in constant time with any
 * item, so the loop runs unmetered and is charged once, after. A map
 * finds x by its hash, at no charge. */
/* val_equal of the string [s] and [y]: a string equals only a string
 * of the same bytes; unequal cached hashes (0: none yet) settle it
 * without reading them. */
static inline bool same_str(const str *s, val y) {
  if (y.kind != V_STRING)
    return false;
  const str *t = y.as.s;
  if (s == t)
    return true;
  if (s->len != t->len || (s->hash && t->hash && s->hash != t->hash))
    return false;
  return memcmp(s->data, t->data, s->len) == 0;
}

val ops_in(arena *a, val x, val y) {
  if (y.kind == V_LIST && (x.kind == V_LIST || x.kind == V_MAP))
    return in_deep(a, x, y.as.l);
  if (y.kind == V_LIST) {
    const list *l = y.as.l;
    uint32_t i = 0;
    if (x.kind == V_STRING) /* the common case, without val_equal */
      while (i < l->n && !same_str(x.as.s, l->items[i]))
        i++;
    else
      while (i < l->n && !val_equal(x, l->items[i]))
        i++;
    uint64_t per = 1;
    if (x.kind == V_STRING || x.kind == V_BYTES)
      per += cost_bytes(x.as.s->len);
    if (!cost_charge(a, (uint64_t)(i < l->n ? i + 1 : l->n) * per))
      return val_over_budget();
    return val_bool(i < l->n);
  }
  if (y.kind == V_MAP)
    return val_bool(map_get(y.as.m, x) != NULL);
  return no_overload2(a, OP_IN, x, y);
}

val ops_neg(arena *a, val x) {
  switch (x.kind) {
  case V_INT:
    if (x.as.i == INT64_MIN)
      return overflow(a);
    return val_int(-x.as.i);
  case V_DOUBLE: return val_double(-x.as.d);
  case V_DURATION: {
    val r;
    return tm_neg_duration(x, &r) ? r : overflow(a);
  }
  default: return val_no_overload(a, "-_", &x, 1);
  }
}

val ops_not(arena *a, val x) {
  if (x.kind == V_BOOL)
    return val_bool(!x.as.b);
  return val_no_overload(a, "!_", &x, 1);
}

/* ==== access ============================================================= */

/* An index value as a position: int, uint, or an integral double. */
static bool index_pos(val i, int64_t *pos) {
  switch (i.kind) {
  case V_INT: *pos = i.as.i; return true;
  case V_UINT: *pos = i.as.u > INT64_MAX ? INT64_MAX : (int64_t)i.as.u; return true;
  case V_DOUBLE:
    if (i.as.d != trunc(i.as.d) || fabs(i.as.d) > 9e18)
      return false;
    *pos = (int64_t)i.as.d;
    return true;
  default: return false;
  }
}

bool ops_list_pos(val i, uint32_t n, uint32_t *pos) {
  int64_t p;
  if (!index_pos(i, &p) || p < 0 || p >= (int64_t)n ||
      (i.kind == V_UINT && i.as.u >= n))
    return false;
  *pos = (uint32_t)p;
  return true;
}

static val key_text_absent(arena *a, val key) {
  sbuf b;
  sb_init(&b, &a->m);
  val_print(&b, key);
  val r = b.oom ? val_nomem() : val_absent(a, b.p ? b.p : "");
  if (r.kind == V_ERROR && r.as.e->kind == ERR_ABSENT)
    r.as.e->msg = arena_printf(a, "no such key: %s", b.p ? b.p : "");
  sb_free(&b);
  return r;
}

val ops_index(arena *a, val x, val i) {
  if (x.kind == V_LIST) {
    int64_t pos;
    if (!index_pos(i, &pos))
      return no_overload2(a, OP_INDEX, x, i);
    if (i.kind == V_UINT && i.as.u >= x.as.l->n)
      return val_err(a, ERR_INDEX, "index out of range: %llu",
                     (unsigned long long)i.as.u);
    if (pos < 0 || pos >= (int64_t)x.as.l->n)
      return val_err(a, ERR_INDEX, "index out of range: %lld",
                     (long long)pos);
    return x.as.l->items[pos];
  }
  if (x.kind == V_MAP) {
    const val *v = map_get(x.as.m, i);
    if (v)
      return *v;
    if (i.kind == V_LIST || i.kind == V_MAP || i.kind == V_NULL)
      return no_overload2(a, OP_INDEX, x, i);
    return key_text_absent(a, i);
  }
  return no_overload2(a, OP_INDEX, x, i);
}

val ops_select(arena *a, val x, const str *f) {
  if (x.kind == V_MAP) {
    const val *v = map_get_str(x.as.m, f->data, f->len, f->hash);
    return v ? *v : val_absent_field(a, f->data);
  }
  return val_err(a, ERR_OVERLOAD,
                 "type '%s' does not support field selection (.%s)",
                 val_kind_name(x.kind), f->data);
}

val ops_has(arena *a, val x, const str *f) {
  if (x.kind == V_MAP)
    return val_bool(map_get_str(x.as.m, f->data, f->len, f->hash) != NULL);
  return val_err(a, ERR_OVERLOAD,
                 "type '%s' does not support field selection (has(.%s))",
                 val_kind_name(x.kind), f->data);
}
