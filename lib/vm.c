/*
 * vm.c: the dispatch loop, and only that plus its slow-path helpers.
 *
 * vm_run() keeps pc and the stack pointer in locals. Each case is a few
 * lines: fast paths for ints inline, everything else through ops.c. A
 * result that is an error gets the failing instruction's index stamped
 * into it (locate()), so the caller can report line:col.
 *
 * The step budget (cost.h) is charged by each backward jump (a loop
 * iteration, by the length of its body) and by every operation whose
 * work grows with its operands (ops.c, call() below, regex.c). An
 * operation that finds the budget spent returns val_over_budget(), which
 * locate() turns into the run's limit error. The run then goes on only
 * to the next backward jump, which stops it: every charge fails from
 * then on, so no costly work is done, and vm_run() returns the limit
 * error whatever the expression made of it (as for the memory limit).
 *
 * Dispatch is a switch; on GCC and Clang it is computed goto, through the
 * three macros vmdispatch / vmcase / vmbreak, as in Lua's lvm.c.
 */
#include "vm.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cost.h"
#include "host.h"
#include "ops.h"
#include "regex.h"

/* For the few helpers of the hot instructions that are used by several
 * of them (superinstructions too): a call returning a val costs more
 * than the helper. */
#if defined(__GNUC__)
#define VM_INLINE inline __attribute__((always_inline))
#else
#define VM_INLINE inline
#endif

void vm_init(vm *v, uint64_t max_steps, size_t max_memory, const mem *m) {
  memset(v, 0, sizeof *v);
  arena_init(&v->a, max_memory, m);
  v->max_steps = max_steps;
  v->max_memory = max_memory;
}

void vm_free(vm *v) {
  rx_scratch_free(v->rx); /* it points to v->a.m */
  mem_free(&v->a.m, v->trace);
  mem_free(&v->a.m, v->stack);
  mem_free(&v->a.m, v->locals);
  mem_free(&v->a.m, v->hints);
  arena_free(&v->a);
  memset(v, 0, sizeof *v);
}

static POL_NOINLINE bool grow(const mem *m, val **p, size_t *cap,
                              size_t need) {
  val *q = mem_realloc(m, *p, need * sizeof(val));
  if (!q)
    return false;
  /* new slots are null: an ITEM reads a slot its code never wrote (a
   * pair of locals that is no loop), harmlessly, but valgrind minds */
  memset(q + *cap, 0, (need - *cap) * sizeof(val));
  *p = q;
  *cap = need;
  return true;
}

/* Room for [need] values in *[p]. The test stays inline: every run makes
 * it, and it almost always passes. */
static inline bool reserve(const mem *m, val **p, size_t *cap, size_t need) {
  return need <= *cap || grow(m, p, cap, need);
}

/* Room for a hint per code word of a program of [ncode] words; new
 * hints are zero (any value is safe, but valgrind wants them set). */
static bool reserve_hints(vm *v, uint32_t ncode) {
  if (ncode <= v->hints_cap)
    return true;
  uint32_t *h = mem_realloc(&v->a.m, v->hints, ncode * sizeof *h);
  if (!h)
    return false;
  memset(h + v->hints_cap, 0, (ncode - v->hints_cap) * sizeof *h);
  v->hints = h;
  v->hints_cap = ncode;
  return true;
}

/* ==== slow paths ========================================================= */

/* The run's limit error, located at [pc] where a limit was first hit:
 * the step budget when [steps], else the memory limit. */
static val limit_hit(vm *v, uint32_t pc, bool steps) {
  if (v->limit_err.loc < 0) { /* the first place that ran out */
    const char *msg = "evaluation limit exceeded: memory limit reached";
    if (steps) {
      snprintf(v->limit_msg, sizeof v->limit_msg, "evaluation limit "
               "exceeded: more than %llu steps",
               (unsigned long long)v->max_steps);
      msg = v->limit_msg;
    }
    v->limit_err = (err){ERR_LIMIT, 0, (int32_t)pc, -1, msg, NULL};
  }
  return (val){.kind = V_ERROR, .as.e = &v->limit_err};
}

/* Stamp instruction [pc] into a fresh error so it can be located. An
 * absent error keeps its short message: vm_err_describe() completes it
 * from the location, only when someone reads it. A spent step budget,
 * and out of memory in a run with a memory limit, are the run's limit
 * error, located here too (their static errors cannot carry a place). */
static val locate(vm *v, const program *p, val r, uint32_t pc) {
  if (r.kind != V_ERROR || r.as.e->loc >= 0)
    return r;
  if (r.as.e->kind == ERR_LIMIT && val_is_over_budget(r))
    return limit_hit(v, pc, true);
  if (r.as.e->kind == ERR_NOMEM)
    return v->a.over_limit ? limit_hit(v, pc, false) : r;
  r.as.e->loc = (int32_t)pc;
  POL_UNUSED(p);
  return r;
}

/* Whether a limit ended the run: nothing after it may absorb it. */
static inline bool stopped(const vm *v) {
  return v->a.over_steps || v->a.over_limit;
}

/* ==== fact reads ========================================================= */

/* Note one entry in the trace of a traced run, whatever its kind; its
 * index, or -1 when the trace is full (the entry is then only counted). */
static POL_NOINLINE int32_t note_any(vm *v, uint8_t what, const void *obj,
                                     uint8_t okind, uint32_t entry, val key,
                                     bool konst) {
  if (v->ntrace == v->trace_cap &&
      (v->ntrace >= VM_TRACE_MAX ||
       !mem_grow(&v->a.m, (void **)&v->trace, &v->trace_cap, v->ntrace + 1,
                 sizeof *v->trace))) {
    v->trace_oom |= v->ntrace < VM_TRACE_MAX;
    v->trace_dropped++;
    return -1;
  }
  v->read_cap = v->trace_cap < VM_TRACE_READS ? v->trace_cap : VM_TRACE_READS;
  v->trace[v->ntrace] = (vm_trace){obj, key, entry, what, okind, konst};
  v->trace_kinds |= 1u << what;
  return (int32_t)v->ntrace++;
}

/* Whether a record of kind [what] is one of the facts a rule read (an
 * entry, a size, a presence test, a use whole), which stop at
 * VM_TRACE_READS, rather than one that decides the verdict. */
static inline bool is_read(uint8_t what) {
  return what == TR_READ || what == TR_SIZE || what == TR_ABSENT ||
         what == TR_WHOLE;
}

/* A read past VM_TRACE_READS: not noted, counted when the report would
 * have shown it. A read of a map or list is mostly a step on the way to
 * its items (report.c), and sizes and uses whole repeat for the same
 * container where the seen table does not look: only reads of other
 * values count. */
static void drop_read(vm *v, uint8_t what, const void *obj, uint8_t okind,
                      uint32_t entry) {
  if (what != TR_READ)
    return;
  val x = okind == V_MAP ? ((const map *)obj)->vals[entry]
                         : ((const list *)obj)->items[entry];
  v->reads_dropped += x.kind != V_MAP && x.kind != V_LIST;
}

/* Note one entry in the trace of a traced run; its index, or -1 when it
 * is not noted (a read past VM_TRACE_READS, or the trace is full). */
static POL_NOINLINE int32_t note(vm *v, uint8_t what, const void *obj,
                                 uint8_t okind, uint32_t entry, val key,
                                 bool konst) {
  if (v->ntrace >= VM_TRACE_READS && is_read(what)) {
    drop_read(v, what, obj, okind, entry);
    return -1;
  }
  return note_any(v, what, obj, okind, entry, key, konst);
}

/* Note a read of entry [entry] of [obj], unless this run noted it
 * already (as far as the seen table remembers). */
static POL_NOINLINE void note_read(vm *v, const void *obj, uint8_t okind,
                                   uint32_t entry) {
  vm_seen *s = &v->seen[(((uintptr_t)obj >> 4) ^ entry) % VM_SEEN_SLOTS];
  if (s->run == v->run && s->obj == obj && s->entry == entry)
    return;
  *s = (vm_seen){obj, entry, v->run};
  if (likely(v->ntrace < v->read_cap)) { /* note's common case, inline:
                                           most records are reads */
    v->trace[v->ntrace++] =
        (vm_trace){obj, val_null(), entry, TR_READ, okind, false};
    return;
  }
  note(v, TR_READ, obj, okind, entry, val_null(), false);
}

/* Whether [k] is of a kind a map key can have (the others are errors). */
static bool key_kind(val k) {
  return k.kind == V_STRING || k.kind == V_INT || k.kind == V_UINT ||
         k.kind == V_BOOL || k.kind == V_DOUBLE;
}


/* A read of the value at [at] in the map [m]: noted when it is a fact
 * (the test inline, the noting out of line: untraced runs pay a load and
 * a branch). */
static inline void read_entry(vm *v, const map *m, const val *at) {
  if (unlikely(v->tracing) && map_is_adopted(m))
    note_read(v, m, V_MAP, (uint32_t)(at - m->vals));
}

static inline void read_item(vm *v, const list *l, uint32_t i) {
  if (unlikely(v->tracing) && list_is_adopted(l))
    note_read(v, l, V_LIST, i);
}

/* A presence test that found no [key] in the map [m]. */
static void read_absent(vm *v, const map *m, val key, bool konst) {
  if (unlikely(v->tracing) && map_is_adopted(m))
    note(v, TR_ABSENT, m, V_MAP, 0, key, konst);
}

/* An operation used the value [x]: when it is a fact container, note
 * how ([what]: TR_SIZE or TR_WHOLE), so the report shows size(x) or all
 * of x rather than taking x for a step on the way to its items. */
static void use_value(vm *v, val x, uint8_t what) {
  if (x.kind == V_LIST && list_is_adopted(x.as.l))
    note(v, what, x.as.l, V_LIST, 0, val_null(), false);
  else if (x.kind == V_MAP && map_is_adopted(x.as.m))
    note(v, what, x.as.m, V_MAP, 0, val_null(), false);
}

/* x in y, traced: an item found in a fact list is a read of that item; a
 * key looked up in a fact map a read of its entry, or a presence test
 * that failed; an item not found means every item was compared. */
static void trace_in(vm *v, val x, val y) {
  use_value(v, x, TR_WHOLE);
  if (y.kind == V_MAP && map_is_adopted(y.as.m) && key_kind(x)) {
    const val *at = map_get(y.as.m, x);
    if (at)
      read_entry(v, y.as.m, at);
    else
      read_absent(v, y.as.m, x, false);
    return;
  }
  if (y.kind != V_LIST || !list_is_adopted(y.as.l))
    return;
  for (uint32_t i = 0; i < y.as.l->n; i++)
    if (val_equal(y.as.l->items[i], x)) {
      read_item(v, y.as.l, i);
      return;
    }
  use_value(v, y, TR_WHOLE);
}

/* A new absent error, as val_absent_key makes it: from the vm's pool
 * while it lasts (it lives as long as the run's arena: until the next
 * run), then from the arena. */
static val absent_err(vm *v) {
  if (v->nabsent == VM_ABSENT_POOL)
    return val_absent_key(&v->a);
  err *e = &v->absent[v->nabsent++];
  *e = (err){ERR_ABSENT, 0, -1, -1, "no such key", NULL};
  return (val){.kind = V_ERROR, .as.e = e};
}

/* [key] is not in the map [m] (NULL: there are no variables at all): an
 * absent error. When [m] belongs to a fact set, a fact is missing: the
 * error says so, and a traced run notes which. */
static val missing(vm *v, const map *m, val key, bool konst) {
  val r = absent_err(v);
  if (r.kind != V_ERROR || r.as.e->kind != ERR_ABSENT)
    return r; /* out of memory */
  if (m && !map_is_adopted(m))
    return r;
  r.as.e->flags |= ERRF_FACT;
  if (unlikely(v->tracing))
    r.as.e->read = note(v, TR_MISSING, m, V_MAP, 0, key, konst);
  return r;
}

/* x.f or x[k] where x is the error [x]. A traced run extends a missing
 * fact by [key], so the report names the path the rule tried to read
 * (availability.sla_percent), not only its first absent part. */
static val deeper(vm *v, val x, val key, bool konst) {
  const err *e = x.as.e;
  if (likely(!v->tracing) || e->kind != ERR_ABSENT || e->read < 0)
    return x;
  err *d = arena_alloc(&v->a, sizeof *d);
  if (!d)
    return x;
  *d = *e;
  d->read = note(v, TR_DEEPER, NULL, 0, (uint32_t)e->read, key, konst);
  return (val){.kind = V_ERROR, .as.e = d};
}

static val str_val(const str *s) { return val_from_str(V_STRING, (str *)s); }

/* A string's length and hash, side by side in struct str, as one
 * word: equal for two strings with equal lengths and hashes. */
_Static_assert(offsetof(str, len) == 0 && offsetof(str, hash) == 4 &&
                   offsetof(str, data) == 8,
               "len_hash() reads len and hash as one word");
static inline uint64_t len_hash(const str *s) {
  uint64_t w;
  memcpy(&w, s, sizeof w);
  return w;
}

/* Whether entry [i] of [m] has the string key [s] (itself, when [s]
 * came from m's keys: m[k] in a loop over m). */
static inline bool key_at(const map *m, uint32_t i, const str *s) {
  const val *k = &m->keys[i];
  const str *t = k->as.s;
  return k->kind == V_STRING &&
         (t == s || (len_hash(t) == len_hash(s) &&
                     val_bytes_eq(t->data, s->data, s->len)));
}

/* The value of the string key [s] in [m], or NULL: map_get_str, but
 * first the entry *[hint] names, where the same instruction found its
 * key last time, then the one after it (m[k] in a loop over the keys of
 * m). Fact maps of one shape (the items of a list, the same section of
 * every vendor) keep their keys at the same places, so a selection
 * mostly checks one key instead of scanning or probing. The entry found
 * is the same either way (keys are unique); a hint is only ever a
 * guess, checked here, so a stale one is harmless. */
static VM_INLINE const val *hinted(const map *m, const str *s,
                                   uint32_t *hint) {
  uint32_t i = *hint;
  if (likely(i < m->n) && likely(key_at(m, i, s)))
    return &m->vals[i];
  if (++i < m->n && key_at(m, i, s)) {
    *hint = i;
    return &m->vals[i];
  }
  const val *at = map_get_str(m, s->data, s->len, s->hash);
  if (at)
    *hint = (uint32_t)(at - m->vals);
  return at;
}

/* has(x) of a top-level fact: whether the fact set binds [name]. */
static POL_NOINLINE val hasvar(vm *v, const map *vars, const str *name) {
  const val *x = vars ? map_get_str(vars, name->data, name->len, name->hash)
                      : NULL;
  if (x)
    read_entry(v, vars, x);
  else if (vars)
    read_absent(v, vars, str_val(name), true);
  return val_bool(x != NULL);
}

/* now(): the evaluation date the host set (the report's as-of date),
 * else the clock. */
static val now_val(const vm *v) {
  struct timespec ts;
  if (v->has_now)
    return val_timestamp(v->now_sec, 0);
  clock_gettime(CLOCK_REALTIME, &ts);
  return val_timestamp((int64_t)ts.tv_sec, (int32_t)ts.tv_nsec);
}

static POL_NOINLINE val loadvar_slow(vm *v, const map *vars,
                                     const str *name, uint32_t *hint) {
  /* now() compiles to $now: looked at before the facts, so that a fact
   * set cannot hold its own "$now" and move the date */
  if (unlikely(name->data[0] == '$') && name->len == 4 &&
      memcmp(name->data, "$now", 4) == 0)
    return now_val(v);
  const val *x = vars ? hinted(vars, name, hint) : NULL;
  if (likely(x != NULL)) {
    if (unlikely(v->tracing))
      note_read(v, vars, V_MAP, (uint32_t)(x - vars->vals));
    return *x;
  }
  return missing(v, vars ? vars : NULL, str_val(name), true);
}

/* A variable: in the common case (a fact whose hint is right, a name
 * of at most 16 bytes, a run that does not trace) without saving
 * registers or calling anything; else loadvar_slow. */
static VM_INLINE val loadvar(vm *v, const map *vars, const str *name,
                             uint32_t *hint) {
  uint32_t i = *hint;
  if (likely(vars != NULL && !v->tracing && name->data[0] != '$' &&
             name->len <= 16 && i < vars->n && key_at(vars, i, name)))
    return vars->vals[i];
  return loadvar_slow(v, vars, name, hint);
}

/* == of two strings (by their cached hashes first) or two ints, the
 * common cases, without the general comparison: 1 or 0; -1 for any
 * other pair, which binop() compares. Equal hashes mean comparing the
 * bytes: here when that is free (cost.h), else in binop(), charged. A
 * fact's longer string may have no hash yet (0, value.h): compared with
 * a short one, it is compared here, free either way; with a long one it
 * is hashed here, or in binop() when neither has a hash (both 0), so
 * that a mismatch stays as free as cached hashes make it. (The order of
 * these tests is the one that costs the VM least, measured.) */
static VM_INLINE int quick_eq(val x, val y) {
  if (x.kind == V_STRING && y.kind == V_STRING) {
    const str *s = x.as.s, *t = y.as.s;
    if (s == t || s->len != t->len)
      return s == t;
    bool cheap = cost_bytes(s->len) == 0;
    if (s->hash != t->hash &&
        ((s->hash && t->hash) || (!cheap && str_hash(s) != str_hash(t))))
      return 0;
    if (!cheap)
      return -1;
    return val_bytes_eq(s->data, t->data, s->len);
  }
  if (x.kind == V_INT && y.kind == V_INT)
    return x.as.i == y.as.i;
  return -1;
}

/* CEL &&: false wins over errors, errors over true. */
static val and_(arena *a, val x, val y) {
  if (x.kind == V_BOOL && y.kind == V_BOOL)
    return val_bool(x.as.b && y.as.b);
  if ((x.kind == V_BOOL && !x.as.b) || (y.kind == V_BOOL && !y.as.b))
    return val_bool(false);
  if (x.kind == V_ERROR)
    return x;
  if (y.kind == V_ERROR)
    return y;
  val args[2] = {x, y};
  return val_no_overload(a, "_&&_", args, 2);
}

static val or_(arena *a, val x, val y) {
  if (x.kind == V_BOOL && y.kind == V_BOOL)
    return val_bool(x.as.b || y.as.b);
  if ((x.kind == V_BOOL && x.as.b) || (y.kind == V_BOOL && y.as.b))
    return val_bool(true);
  if (x.kind == V_ERROR)
    return x;
  if (y.kind == V_ERROR)
    return y;
  val args[2] = {x, y};
  return val_no_overload(a, "_||_", args, 2);
}

static val binop(arena *a, opcode op, val x, val y) {
  if (x.kind == V_ERROR)
    return x;
  if (y.kind == V_ERROR)
    return y;
  switch (op) {
  case OP_IN: return ops_in(a, x, y);
  case OP_INDEX: return ops_index(a, x, y);
  case OP_EQ: case OP_NE: case OP_LT: case OP_LE: case OP_GT: case OP_GE:
    return ops_compare(a, op, x, y);
  default: return ops_arith(a, op, x, y);
  }
}

static val call(vm *v, const builtin *b, val *args, int n) {
  arena *a = &v->a;
  for (int i = 0; i < n; i++)
    if (args[i].kind == V_ERROR)
      return args[i];
  if (!cost_charge(a, bi_cost(b, args, n))) /* by its arguments' sizes */
    return val_over_budget();
  for (int i = 0; unlikely(v->tracing) && i < n; i++)
    use_value(v, args[i], bi_counts(b) ? TR_SIZE : TR_WHOLE);
  if (unlikely(!b->fn)) /* a host function: through libffi */
    return host_call(a, b, args, n);
  return b->fn(a, args, n);
}

static val make_list(arena *a, val *items, uint32_t n) {
  for (uint32_t i = 0; i < n; i++)
    if (items[i].kind == V_ERROR)
      return items[i];
  return val_list(a, items, n);
}

static val make_map(arena *a, val *kv, uint32_t n) {
  val *keys = arena_alloc(a, (size_t)n * sizeof(val) + 1);
  val *vals = arena_alloc(a, (size_t)n * sizeof(val) + 1);
  if (!keys || !vals)
    return val_nomem();
  for (uint32_t i = 0; i < n; i++) {
    keys[i] = kv[2 * i];
    vals[i] = kv[2 * i + 1];
    if (keys[i].kind == V_ERROR)
      return keys[i];
    if (vals[i].kind == V_ERROR)
      return vals[i];
  }
  return val_map(a, keys, vals, n);
}

/* ==== optionals ========================================================== */

static val opt_of(arena *a, val x) {
  val *p = arena_alloc(a, sizeof *p);
  if (!p)
    return val_nomem();
  *p = x;
  return (val){.kind = V_OPTIONAL, .as.opt = p};
}

static val opt_none(void) { return (val){.kind = V_OPTIONAL}; }

/* The vendor's own value at the dotted path [path] (a derived fact's,
 * which the rule computes when the vendor has none), as an optional. A
 * value found is a fact read; a missing one is no fact the rule lacks, so
 * a traced run notes nothing of it. */
static val opt_fact(vm *v, const map *vars, const str *path) {
  const map *m = vars;
  const char *s = path->data, *end = s + path->len;
  for (; m;) {
    const char *dot = memchr(s, '.', (size_t)(end - s));
    size_t n = dot ? (size_t)(dot - s) : (size_t)(end - s);
    const val *x = map_get_str(m, s, n, val_hash_bytes(s, n));
    if (!x || (dot && x->kind != V_MAP))
      return opt_none();
    if (!dot) {
      if (unlikely(v->tracing))
        note_read(v, m, V_MAP, (uint32_t)(x - m->vals));
      return opt_of(&v->a, *x);
    }
    m = x->as.m;
    s = dot + 1;
  }
  return opt_none();
}

/* x.?f and x[?i]: an absent key is optional.none(), an optional operand
 * is unwrapped first. A presence test on facts is noted as a read when
 * the key is there and as absent when not. */
static val opt_access(vm *v, val x, val key, const str *field) {
  arena *a = &v->a;
  if (x.kind == V_OPTIONAL) {
    if (!x.as.opt)
      return x;
    x = *x.as.opt;
  }
  if (x.kind == V_ERROR)
    return x;
  if (key.kind == V_ERROR)
    return key;
  if (x.kind == V_MAP && (field || key_kind(key))) {
    const map *m = x.as.m;
    const val *at = field ? map_get_str(m, field->data, field->len,
                                        field->hash)
                          : map_get(m, key);
    if (!at) {
      read_absent(v, m, field ? str_val(field) : key, field != NULL);
      return opt_none();
    }
    read_entry(v, m, at);
    return opt_of(a, *at);
  }
  val r = field ? ops_select(a, x, field) : ops_index(a, x, key);
  if (r.kind == V_ERROR &&
      (r.as.e->kind == ERR_ABSENT || r.as.e->kind == ERR_INDEX))
    return opt_none();
  return r.kind == V_ERROR ? r : opt_of(a, r);
}

/* x.f: on a map a lookup by the field's cached hash; on a missing fact
 * the error goes deeper; on an optional the chain stays optional. */
static VM_INLINE val select_(vm *v, val x, const str *f,
                              uint32_t *hint) {
  if (likely(x.kind == V_MAP)) {
    const map *m = x.as.m;
    const val *at = hinted(m, f, hint);
    if (likely(at != NULL)) {
      read_entry(v, m, at);
      return *at;
    }
    return missing(v, m, str_val(f), true);
  }
  if (x.kind == V_ERROR)
    return deeper(v, x, str_val(f), true);
  if (x.kind == V_OPTIONAL)
    return opt_access(v, x, val_null(), f);
  return ops_select(&v->a, x, f);
}

/* has() of a path through a missing fact: the presence test answers
 * false (docs/decisions.md). A traced run notes the test as a presence
 * test that found nothing, where the path's first missing key is, and
 * marks the missing chain [e] as tested, so it is no missing fact of the
 * rule. */
static POL_NOINLINE val absent_tested(vm *v, const err *e) {
  if (unlikely(v->tracing) && e->read >= 0) {
    size_t j = (size_t)e->read;
    for (int depth = 0; v->trace[j].what == TR_DEEPER && depth < 64; depth++)
      j = v->trace[j].entry;
    vm_trace root = v->trace[j];
    if (root.what == TR_MISSING && root.obj)
      note(v, TR_ABSENT, root.obj, root.okind, 0, root.key, root.const_key);
    note(v, TR_TESTED, NULL, 0, (uint32_t)e->read, val_null(), false);
  }
  return val_bool(false);
}

/* has(x.f), where x may be an optional (none: false) or a missing fact
 * (false: a presence test on the fact tree); a map looked up with the
 * instruction's [hint], as x.f is. */
static val has(vm *v, val x, const str *f, uint32_t *hint) {
  if (x.kind == V_ERROR && x.as.e->kind == ERR_ABSENT &&
      (x.as.e->flags & ERRF_FACT))
    return absent_tested(v, x.as.e);
  if (x.kind == V_OPTIONAL) {
    if (!x.as.opt)
      return val_bool(false);
    x = *x.as.opt;
  }
  if (x.kind == V_MAP) {
    const val *at = hinted(x.as.m, f, hint);
    if (at)
      read_entry(v, x.as.m, at);
    else
      read_absent(v, x.as.m, str_val(f), true);
    return val_bool(at != NULL);
  }
  return x.kind == V_ERROR ? x : ops_has(&v->a, x, f);
}

/* m[key] for a string [key] of a fact set that has no hash yet
 * (value.h): the lookup by its cached hash (0) found nothing but, maybe,
 * a key whose hash is 0; this one looks again by its hash. */
static POL_NOINLINE val index_unhashed(vm *v, const map *m, val key) {
  const val *at = map_get_str(m, key.as.s->data, key.as.s->len,
                              str_hash(key.as.s));
  if (!at)
    return missing(v, m, key, false);
  read_entry(v, m, at);
  return *at;
}

/* x[i]; on an optional x the result stays optional, as with x[?i]. */
static POL_NOINLINE val index_(vm *v, val x, val i, uint32_t *hint) {
  if (x.kind == V_OPTIONAL)
    return opt_access(v, x, i, NULL);
  if (x.kind == V_ERROR)
    return deeper(v, x, i, false);
  if (i.kind == V_ERROR)
    return i;
  uint32_t pos;
  if (x.kind == V_MAP && key_kind(i)) { /* string keys by their hash */
    const val *at = i.kind == V_STRING ? hinted(x.as.m, i.as.s, hint)
                                       : map_get(x.as.m, i);
    if (at) {
      read_entry(v, x.as.m, at);
      return *at;
    }
    if (i.kind == V_STRING && !i.as.s->hash)
      return index_unhashed(v, x.as.m, i);
    return missing(v, x.as.m, i, false); /* 3.0 as 3: no type error */
  } else if (x.kind == V_LIST && ops_list_pos(i, x.as.l->n, &pos)) {
    read_item(v, x.as.l, pos);
    return x.as.l->items[pos];
  }
  return ops_index(&v->a, x, i);
}

/* index_, with its common case inline: a string key found in a map. */
static VM_INLINE val index_fast(vm *v, val x, val i, uint32_t *hint) {
  if (likely(x.kind == V_MAP && i.kind == V_STRING)) {
    const val *at = hinted(x.as.m, i.as.s, hint);
    if (likely(at != NULL)) {
      read_entry(v, x.as.m, at);
      return *at;
    }
  }
  return index_(v, x, i, hint);
}

/* m[k] where [slot] holds a loop over the map m (ITER_INIT's slots: the
 * range, the items taken, the variable) and k is the key it took last:
 * that entry's value, without a lookup; NULL when the slots hold
 * anything else, for the lookup to answer. The key is checked by
 * identity, so the entry is the one a lookup of k would find (keys are
 * unique). */
static VM_INLINE const val *loop_item(vm *v, const val *slot) {
  const map *m = slot[0].as.m;
  uint64_t i = (uint64_t)slot[1].as.i - 1;
  if (slot[0].kind != V_MAP || slot[1].kind != V_INT || i >= m->n ||
      slot[2].kind != V_STRING || m->keys[i].kind != V_STRING ||
      m->keys[i].as.s != slot[2].as.s)
    return NULL;
  read_entry(v, m, &m->vals[i]);
  return &m->vals[i];
}

/* ITER_NEXT of the one-variable loop in [slot] when its range is a map
 * and the next key a string, as NEXT_ITEM needs: the entry taken (its
 * key into slot[2], read as iter_next reads it), whose value is the one
 * ITEM finds for that key. NULL, with nothing done, for anything else:
 * a list, the end, a key of another kind. */
static VM_INLINE const val *next_entry(vm *v, val *slot) {
  const map *m = slot[0].as.m;
  uint64_t i = (uint64_t)slot[1].as.i;
  if (slot[0].kind != V_MAP || i >= m->n || m->keys[i].kind != V_STRING)
    return NULL;
  slot[2] = m->keys[i];
  slot[1].as.i++;
  read_entry(v, m, &m->vals[i]);
  return &m->vals[i];
}

/* ==== comprehensions ===================================================== */

static void iter_init(arena *a, val *slot, val range) {
  if (range.kind != V_LIST && range.kind != V_MAP && range.kind != V_ERROR)
    range = val_err(a, ERR_OVERLOAD, "cannot iterate over a value of type "
                    "'%s'", val_kind_name(range.kind));
  slot[0] = range;
  slot[1] = val_int(0);
}

/* Next item into slot[2] (and slot[3]); false when done or bad range.
 * Iterating over facts reads each item (of a map: each entry). */
static bool iter_next(vm *v, val *slot, bool two) {
  val r = slot[0];
  uint64_t i = (uint64_t)slot[1].as.i;
  if (r.kind == V_LIST && i < r.as.l->n) {
    slot[2] = two ? val_int((int64_t)i) : r.as.l->items[i];
    if (two)
      slot[3] = r.as.l->items[i];
    read_item(v, r.as.l, (uint32_t)i);
  } else if (r.kind == V_MAP && i < r.as.m->n) {
    slot[2] = r.as.m->keys[i];
    if (two)
      slot[3] = r.as.m->vals[i];
    read_entry(v, r.as.m, &r.as.m->vals[i]);
  } else {
    return false;
  }
  slot[1].as.i++;
  return true;
}

/* BRK_FALSE/BRK_TRUE left the loop of the macro whose accumulator is
 * [acc]: the item just taken decided it. Noted when it is a fact. */
static void decided(vm *v, const val *acc) {
  const val *range = acc - ITER_ACC, *count = acc - ITER_ACC + 1;
  uint64_t i = (uint64_t)count->as.i - 1; /* bounds: a loaded program's
                                             loop need not have begun */
  const void *obj = NULL;
  uint8_t okind = range->kind;
  if (range->kind == V_LIST && list_is_adopted(range->as.l) &&
      i < range->as.l->n)
    obj = range->as.l;
  else if (range->kind == V_MAP && map_is_adopted(range->as.m) &&
           i < range->as.m->n)
    obj = range->as.m;
  if (!obj)
    return;
  if (v->ntrace >= VM_TRACE_READS) /* the item's own reads may have gone
                                      unnoted: the item is the fact */
    note_any(v, TR_READ, obj, okind, (uint32_t)i, val_null(), false);
  note(v, TR_DECIDED, obj, okind, (uint32_t)i, val_null(), false);
}

/* The accumulator of a counted loop (COUNT_INIT, opcodes.h): an int
 * with a mark in aux that no other int has (val_int's aux is 0), so
 * that COUNT_ADD and COUNT_END know it from anything else code may have
 * left in the slot. It never leaves the slot: COUNT_END pushes a plain
 * int. */
enum { VM_COUNTER = 0x636e74 };

static inline val counter(int64_t n) {
  val c = val_int(n);
  c.aux = VM_COUNTER;
  return c;
}

static inline bool is_counter(val x) {
  return x.kind == V_INT && x.aux == VM_COUNTER;
}

/* Append [x] to the list builder in [acc] (aux holds its capacity); to
 * a counter, count it (an APPEND run alone in a counted loop). */
static void append(arena *a, val *acc, val x) {
  if (acc->kind == V_ERROR)
    return;
  if (x.kind == V_ERROR) {
    *acc = x;
    return;
  }
  if (unlikely(is_counter(*acc))) {
    acc->as.i++;
    return;
  }
  list *l = acc->as.l;
  if (l->n < (uint32_t)acc->aux) {
    l->items[l->n++] = x;
    return;
  }
  size_t cap = l->n ? (size_t)l->n * 2 : 4;
  list *nl = list_alloc(a, cap);
  if (!nl) {
    *acc = val_nomem();
    return;
  }
  memcpy(nl->items, l->items, l->n * sizeof(val));
  nl->n = l->n + 1;
  nl->items[l->n] = x;
  acc->as.l = nl;
  acc->aux = (int32_t)(cap > INT32_MAX ? INT32_MAX : cap);
}

static void opt_append(arena *a, val *acc, val o) {
  if (o.kind == V_OPTIONAL) {
    if (o.as.opt)
      append(a, acc, *o.as.opt);
    return;
  }
  if (o.kind != V_ERROR)
    o = val_err(a, ERR_OVERLOAD, "[?e] needs an optional value, got '%s'",
                val_kind_name(o.kind));
  append(a, acc, o);
}

/* Append the pair (k, v) to the builder [acc] (TOMAP makes the map). */
static void pair(arena *a, val *acc, val k, val v) {
  append(a, acc, k);
  append(a, acc, v);
}

static void opt_pair(arena *a, val *acc, val k, val o) {
  if (o.kind == V_OPTIONAL) {
    if (o.as.opt)
      pair(a, acc, k, *o.as.opt);
    return;
  }
  if (o.kind != V_ERROR)
    o = val_err(a, ERR_OVERLOAD, "{?k: v} needs an optional value, got '%s'",
                val_kind_name(o.kind));
  pair(a, acc, k, o);
}

/* A builder list [k0, v0, k1, v1, ...] as a map. */
static val to_map(arena *a, val l) {
  if (l.kind != V_LIST)
    return l;
  return make_map(a, l.as.l->items, l.as.l->n / 2);
}

static void count(arena *a, val *acc, val p) {
  if (acc->kind == V_ERROR)
    return;
  if (p.kind == V_BOOL)
    acc->as.i += p.as.b;
  else
    *acc = p.kind == V_ERROR ? p : val_no_overload(a, "exists_one", &p, 1);
}

/* s.matches(R[i]): a constant pattern, compiled with the program. */
static val match(vm *v, const program *p, uint32_t i, val s) {
  if (s.kind == V_ERROR)
    return s;
  if (s.kind != V_STRING)
    return val_no_overload(&v->a, "matches", &s, 1);
  val e;
  int rc = rx_search(p->rx[i], &v->rx, &v->a, s.as.s->data, s.as.s->len, &e);
  return rc < 0 ? e : val_bool(rc == 1);
}

/* A ?: test that is neither true nor false becomes the result. */
static val branch_error(arena *a, val c) {
  return c.kind == V_ERROR ? c : val_no_overload(a, "_?_:_", &c, 1);
}

/* The step count at which the next poll is due: VM_POLL_STEPS on from
 * now (the budget counts down; unlimited is UINT64_MAX). */
static inline void poll_next(vm *v) {
  v->poll_at = v->a.steps > VM_POLL_STEPS ? v->a.steps - VM_POLL_STEPS : 0;
}

/* Ask the host whether to stop. */
static POL_NOINLINE bool poll_host(vm *v) {
  poll_next(v);
  return v->interrupt(v->interrupt_user) != 0;
}

/* A backward jump over [body] instructions (one more loop iteration):
 * charge the budget by the body's length (cost.h), and every
 * VM_POLL_ITERS iterations or VM_POLL_STEPS steps ask the host whether
 * to stop. A non-error value: go on. */
static inline val back_edge(vm *v, uint32_t body) {
  if (unlikely(!cost_charge(&v->a, cost_loop(body))))
    return val_over_budget();
  if (unlikely(v->interrupt != NULL) &&
      ((++v->polls & (VM_POLL_ITERS - 1)) == 0 ||
       v->a.steps <= v->poll_at) &&
      poll_host(v))
    return val_err(&v->a, ERR_INTERRUPTED, "evaluation interrupted");
  return val_null();
}

/* Whether the result [r] is a list or map the run made: it may hold
 * one part many times over (cel.bind(a, [b, b, b, b], ...), nested), so
 * that printing or copying it, as a caller will, takes time exponential
 * in the size of the expression. vm_run charges reading it whole to the
 * run's budget first. A fact container is a tree: no charge. */
static inline bool shared_parts(val r) {
  return (r.kind == V_LIST && !list_is_adopted(r.as.l)) ||
         (r.kind == V_MAP && !map_is_adopted(r.as.m)) ||
         r.kind == V_OPTIONAL;
}

/* Make [v] ready to run [p]: the arena rewound, the budget and the trace
 * reset, room for [p]'s stack, locals and hints; false when out of
 * memory. */
static inline bool begin(vm *v, const program *p) {
  if (v->a.used || v->a.failed) /* else the last run made nothing: the
                                   arena is rewound already */
    arena_reset(&v->a);
  v->ntrace = v->trace_dropped = v->reads_dropped = 0;
  v->trace_kinds = 0;
  v->trace_oom = false;
  if (++v->run == 0) { /* wrapped: forget every run's reads */
    memset(v->seen, 0, sizeof v->seen);
    v->run = 1;
  }
  v->limit_err.loc = -1;
  v->nabsent = 0;
  cost_start(&v->a, v->max_steps);
  poll_next(v);
  return reserve(&v->a.m, &v->stack, &v->stack_cap, p->maxstack + 1) &&
         reserve(&v->a.m, &v->locals, &v->locals_cap, p->nlocals + 1) &&
         reserve_hints(v, p->ncode);
}

/* What a run that began at [entry] and ended with [r] returns: [r], or
 * the limit error or out of memory that ended it. */
static inline val finish(vm *v, val r, uint32_t entry) {
  if (unlikely(shared_parts(r)) && !val_charge_whole(&v->a, r))
    return limit_hit(v, entry, true);
  if (!stopped(v)) /* an absorbed out of memory still fails, and so does
                      a trace cut short by one */
    return v->a.failed || v->trace_oom ? val_nomem() : r;
  return limit_hit(v, entry, v->a.over_steps); /* located already, or
                                                  at the entry */
}

/* ==== a counted loop at once ============================================= */

enum { CW_DONE, CW_BAIL, CW_STOP };

/* COUNT_EQ (opcodes.h): the loop of m.filter(k, m[k].f == c).size()
 * whose ITER_NEXT is at [t] of [code], the loop's slots at [slot] (a map
 * range and a counter, checked by the caller), [hint] the SELECT's. Its
 * iterations run here, each with the effects of its words in their
 * order: NEXT_ITEM takes entry i and reads it, the SELECT reads f of its
 * value, CONST_EQ_BRANCH compares with c (quick_eq: no effect), COUNT_ADD
 * counts, LOOP charges the back edge. An iteration they would do another
 * way (a key that is no string, a value that is no map, f missing, a
 * comparison quick_eq leaves to binop) is left untouched to them:
 * CW_BAIL. CW_DONE at the end of the map; CW_STOP, with the back edge's
 * error in *[stop], when it stops the run. */
static POL_NOINLINE int count_eq(vm *v, const program *p,
                                 const uint32_t *code, uint32_t t,
                                 val *slot, uint32_t *hint, val *stop) {
  const map *m = slot[0].as.m;
  const str *f = p->consts[INS_A(code[t + 5])].as.s;
  val c = p->consts[INS_A(code[t + 6])];
  uint32_t body = (uint32_t)-INS_SJ(code[t + 11]);
  /* what no iteration changes, out of the loop: the charge of the back
   * edge, and whether it polls the host or notes reads */
  uint64_t charge = cost_loop(body);
  bool polled = v->interrupt != NULL, traced = v->tracing;
  for (;;) {
    uint64_t i = (uint64_t)slot[1].as.i;
    if (i >= m->n)
      return CW_DONE;
    const val *item = &m->vals[i];
    if (m->keys[i].kind != V_STRING || item->kind != V_MAP)
      return CW_BAIL;
    const val *at = hinted(item->as.m, f, hint);
    int eq = at ? quick_eq(*at, c) : -1;
    if (eq < 0)
      return CW_BAIL;
    slot[2] = m->keys[i]; /* NEXT_ITEM */
    slot[1].as.i++;
    if (unlikely(traced)) {
      read_entry(v, m, item);
      read_entry(v, item->as.m, at); /* the SELECT */
    }
    slot[ITER_ACC].as.i += eq; /* COUNT_ADD when equal */
    if (unlikely(polled)) {    /* LOOP */
      *stop = back_edge(v, body);
      if (stop->kind == V_ERROR)
        return CW_STOP;
    } else if (unlikely(!cost_charge(&v->a, charge))) {
      *stop = val_over_budget();
      return CW_STOP;
    }
  }
}

/* ==== the loop =========================================================== */

#if defined(__GNUC__)
#define vmdispatch(w) goto *jump[INS_OP(w)];
#define vmcase(name) L_##name:
#define vmbreak                                                             \
  do {                                                                      \
    w = code[pc++];                                                         \
    goto *jump[INS_OP(w)];                                                  \
  } while (0)
#else
#define vmdispatch(w) switch (INS_OP(w))
#define vmcase(name) case OP_##name:
#define vmbreak continue
#endif

#define PUSH(x) (*sp++ = (x))
#define POP() (*--sp)
#define TOP() (sp[-1])
#define K(i) (p->consts[i])
/* Store a result that may be an error into the top slot. */
#define SETTOP(r)                                                           \
  do {                                                                      \
    val r_ = (r);                                                           \
    TOP() = likely(r_.kind != V_ERROR) ? r_ : locate(v, p, r_, pc - 1);     \
  } while (0)
/* Statements only a traced run executes (vm_trace). */
#define TRACED(stmts)                                                       \
  do {                                                                      \
    if (unlikely(v->tracing)) {                                             \
      stmts;                                                                \
    }                                                                       \
  } while (0)

/* < <= > >= ([op]): two ints compared here (free, as in ops_compare:
 * cost.h), the rest by binop. */
static VM_INLINE val order(arena *a, opcode op, val x, val y) {
  if (x.kind == V_INT && y.kind == V_INT)
    switch (op) {
    case OP_LT: return val_bool(x.as.i < y.as.i);
    case OP_LE: return val_bool(x.as.i <= y.as.i);
    case OP_GT: return val_bool(x.as.i > y.as.i);
    default: return val_bool(x.as.i >= y.as.i);
    }
  return binop(a, op, x, y);
}

/* == and != (ne): strings and ints compared here, the rest by binop. */
static VM_INLINE val equality(vm *v, val x, val y, bool ne) {
  int eq = quick_eq(x, y);
  if (likely(eq >= 0))
    return val_bool(eq != ne);
  TRACED(use_value(v, x, TR_WHOLE); use_value(v, y, TR_WHOLE));
  return binop(&v->a, ne ? OP_NE : OP_EQ, x, y);
}

/* The one function that runs code: begin(), the dispatch loop, and
 * finish() at RETURN or a limit (one function, so that a run, 43 of
 * them a check of 40 rules, costs one call). */
val vm_run(vm *v, const program *p, uint32_t entry, const map *vars) {
  if (!begin(v, p))
    return val_nomem();
  const uint32_t *code = p->xcode ? p->xcode : p->code;
  uint32_t pc = entry;
  arena *a = &v->a;
  val *sp = v->stack, *L = v->locals;
  uint32_t *H = v->hints, w;
  val rhs; /* the right operand of == and != (their cases share code
              with superinstructions: the labels in them) */
#if defined(__GNUC__)
  static const void *const jump[] = {
#define X(name, fmt, in, out, doc) &&L_##name,
      OPCODES(X)
#undef X
#define X(name, first, second, doc) &&L_##name,
      FUSED_OPCODES(X)
#undef X
  };
#endif
  for (;;) {
    w = code[pc++];
    vmdispatch(w) {
      vmcase(CONST) { PUSH(K(INS_A(w))); vmbreak; }
      vmcase(NULL) { PUSH(val_null()); vmbreak; }
      vmcase(TRUE) { PUSH(val_bool(true)); vmbreak; }
      vmcase(FALSE) { PUSH(val_bool(false)); vmbreak; }
      vmcase(LOADVAR) {
        PUSH(loadvar(v, vars, K(INS_A(w)).as.s, &H[pc - 1]));
        SETTOP(TOP());
        vmbreak;
      }
      vmcase(LOADLOCAL) { PUSH(L[INS_A(w)]); vmbreak; }
      vmcase(STORELOCAL) { L[INS_A(w)] = POP(); vmbreak; }
      vmcase(POP) { sp--; vmbreak; }
      vmcase(SELECT) {
      select: /* the second half of LOADVAR_SELECT, LOADLOCAL_SELECT */
        SETTOP(select_(v, TOP(), K(INS_A(w)).as.s, &H[pc - 1]));
        vmbreak;
      }
      vmcase(OPTSELECT) {
        SETTOP(opt_access(v, TOP(), val_null(), K(INS_A(w)).as.s));
        vmbreak;
      }
      vmcase(HAS) {
        SETTOP(has(v, TOP(), K(INS_A(w)).as.s, &H[pc - 1]));
        vmbreak;
      }
      vmcase(HASVAR) { PUSH(hasvar(v, vars, K(INS_A(w)).as.s)); vmbreak; }
      vmcase(INDEX) {
        val i = POP();
        SETTOP(index_fast(v, TOP(), i, &H[pc - 1]));
        vmbreak;
      }
      vmcase(OPTINDEX) {
        val i = POP();
        SETTOP(opt_access(v, TOP(), i, NULL));
        vmbreak;
      }
      vmcase(NEG) {
        val x = TOP();
        SETTOP(x.kind == V_ERROR ? x : ops_neg(a, x));
        vmbreak;
      }
      vmcase(NOT) {
        val x = TOP();
        SETTOP(x.kind == V_ERROR ? x : ops_not(a, x));
        vmbreak;
      }
      vmcase(ADD) {
        val y = POP();
        int64_t r;
        if (TOP().kind == V_INT && y.kind == V_INT &&
            !__builtin_add_overflow(TOP().as.i, y.as.i, &r)) {
          TOP().as.i = r;
          vmbreak;
        }
        TRACED(use_value(v, TOP(), TR_WHOLE); use_value(v, y, TR_WHOLE));
        SETTOP(binop(a, OP_ADD, TOP(), y));
        vmbreak;
      }
      vmcase(SUB) { val y = POP(); SETTOP(binop(a, OP_SUB, TOP(), y)); vmbreak; }
      vmcase(MUL) { val y = POP(); SETTOP(binop(a, OP_MUL, TOP(), y)); vmbreak; }
      vmcase(DIV) { val y = POP(); SETTOP(binop(a, OP_DIV, TOP(), y)); vmbreak; }
      vmcase(MOD) { val y = POP(); SETTOP(binop(a, OP_MOD, TOP(), y)); vmbreak; }
      vmcase(EQ) {
        rhs = POP();
      eq: /* the second half of CONST_EQ */
        SETTOP(equality(v, TOP(), rhs, false));
        vmbreak;
      }
      vmcase(NE) {
        rhs = POP();
      ne:
        SETTOP(equality(v, TOP(), rhs, true));
        vmbreak;
      }
      vmcase(LT) { val y = POP(); SETTOP(order(a, OP_LT, TOP(), y)); vmbreak; }
      vmcase(LE) { val y = POP(); SETTOP(order(a, OP_LE, TOP(), y)); vmbreak; }
      vmcase(GT) { val y = POP(); SETTOP(order(a, OP_GT, TOP(), y)); vmbreak; }
      vmcase(GE) { val y = POP(); SETTOP(order(a, OP_GE, TOP(), y)); vmbreak; }
      vmcase(IN) {
        val y = POP(), x = TOP();
        SETTOP(binop(a, OP_IN, x, y));
        TRACED(if (!stopped(v)) trace_in(v, x, y)); /* charged: rescan */
        vmbreak;
      }
      vmcase(MATCH) { SETTOP(match(v, p, INS_A(w), TOP())); vmbreak; }
      vmcase(LIST) {
        uint32_t n = INS_A(w);
        sp -= n;
        val r = make_list(a, sp, n);
        PUSH(r);
        vmbreak;
      }
      vmcase(MAP) {
        uint32_t n = INS_A(w);
        sp -= 2 * n;
        val r = make_map(a, sp, n);
        PUSH(r);
        SETTOP(r);
        vmbreak;
      }
      vmcase(CALL) {
        int n = (int)INS_C(w);
        sp -= n;
        val r = call(v, p->fns[INS_B(w)], sp, n);
        PUSH(r);
        SETTOP(r);
        vmbreak;
      }
      vmcase(JMP) {
        int32_t off = INS_SJ(w);
        if (off < 0) {
          val stop = back_edge(v, (uint32_t)-off);
          if (unlikely(stop.kind == V_ERROR))
            return finish(v, locate(v, p, stop, pc - 1), entry);
        }
        pc = (uint32_t)((int32_t)pc + off);
        vmbreak;
      }
      vmcase(BRANCH) {
        val c = POP();
        if (likely(c.kind == V_BOOL)) {
          if (!c.as.b)
            pc = (uint32_t)((int32_t)pc + INS_SJ(w));
          vmbreak;
        }
        PUSH(branch_error(a, c));
        SETTOP(TOP());
        pc = (uint32_t)((int32_t)pc + INS_SJ(w) - 1);
        vmbreak;
      }
      vmcase(ANDSC) {
        if (TOP().kind == V_BOOL && !TOP().as.b)
          pc = (uint32_t)((int32_t)pc + INS_SJ(w));
        vmbreak;
      }
      vmcase(ORSC) {
        if (TOP().kind == V_BOOL && TOP().as.b)
          pc = (uint32_t)((int32_t)pc + INS_SJ(w));
        vmbreak;
      }
      vmcase(AND) { val y = POP(); SETTOP(and_(a, TOP(), y)); vmbreak; }
      vmcase(OR) { val y = POP(); SETTOP(or_(a, TOP(), y)); vmbreak; }
      vmcase(ITER_INIT) { iter_init(a, &L[INS_A(w)], POP()); vmbreak; }
      vmcase(ITER_NEXT) {
      iter_next: /* the second half of LOOP */;
        uint32_t s = INS_A(w) & ITER_SLOT_MASK;
        if (!iter_next(v, &L[s], INS_A(w) & ITER_TWO_VARS))
          pc += 1 + code[pc];
        else
          pc++;
        vmbreak;
      }
      vmcase(BRK_FALSE) {
        val x = L[INS_A(w)];
        bool out = x.kind == V_BOOL && !x.as.b;
        if (out && unlikely(v->tracing))
          decided(v, &L[INS_A(w)]);
        pc += out ? 1 + code[pc] : 1;
        vmbreak;
      }
      vmcase(BRK_TRUE) {
        val x = L[INS_A(w)];
        bool out = x.kind == V_BOOL && x.as.b;
        if (out && unlikely(v->tracing))
          decided(v, &L[INS_A(w)]);
        pc += out ? 1 + code[pc] : 1;
        vmbreak;
      }
      vmcase(COUNT) { count(a, &L[INS_A(w)], POP()); vmbreak; }
      vmcase(APPEND) {
        append(a, &L[INS_A(w)], POP());
        L[INS_A(w)] = locate(v, p, L[INS_A(w)], pc - 1);
        vmbreak;
      }
      vmcase(OPTAPPEND) {
        opt_append(a, &L[INS_A(w)], POP());
        L[INS_A(w)] = locate(v, p, L[INS_A(w)], pc - 1);
        vmbreak;
      }
      vmcase(PAIR) {
        sp -= 2;
        pair(a, &L[INS_A(w)], sp[0], sp[1]);
        vmbreak;
      }
      vmcase(OPTPAIR) {
        sp -= 2;
        opt_pair(a, &L[INS_A(w)], sp[0], sp[1]);
        L[INS_A(w)] = locate(v, p, L[INS_A(w)], pc - 1);
        vmbreak;
      }
      vmcase(TOMAP) { SETTOP(to_map(a, TOP())); vmbreak; }
      vmcase(ERROR) {
        PUSH(val_err(a, ERR_GENERIC, "%s", K(INS_A(w)).as.s->data));
        SETTOP(TOP());
        vmbreak;
      }
      vmcase(ITER_END) {
        val r = L[INS_A(w)];
        if (r.kind == V_ERROR)
          SETTOP(r);
        vmbreak;
      }
      vmcase(RETURN) { return finish(v, TOP(), entry); }
      vmcase(OPTFACT) { PUSH(opt_fact(v, vars, K(INS_A(w)).as.s)); vmbreak; }
      /* superinstructions (opcodes.h): the first word's work, then
       * pc++ onto the second word (so that an error is located there,
       * as without them) and its work, mostly by a jump into the second
       * word's own case (one copy of its code keeps vm_run() small) */
      vmcase(CONST_EQ) {
        rhs = K(INS_A(w));
        pc++;
        goto eq;
      }
      vmcase(CONST_NE) {
        rhs = K(INS_A(w));
        pc++;
        goto ne;
      }
      vmcase(LOADLOCAL2) {
        PUSH(L[INS_A(w)]);
        PUSH(L[INS_A(code[pc++])]);
        vmbreak;
      }
      vmcase(LOADVAR_SELECT) {
        PUSH(loadvar(v, vars, K(INS_A(w)).as.s, &H[pc - 1]));
        SETTOP(TOP());
        w = code[pc++];
        goto select;
      }
      vmcase(LOADLOCAL_SELECT) {
        PUSH(L[INS_A(w)]);
        w = code[pc++];
        goto select;
      }
      vmcase(LOOP) { /* a JMP back to an ITER_NEXT, then that (or the
                        NEXT_ITEM or COUNT_EQ it is fused into) */
        int32_t off = INS_SJ(w);
        val stop = back_edge(v, (uint32_t)-off);
        if (unlikely(stop.kind == V_ERROR))
          return finish(v, locate(v, p, stop, pc - 1), entry);
        pc = (uint32_t)((int32_t)pc + off);
        vmbreak;
      }
      vmcase(COUNT_EQ) { /* a counted loop of m[k].f == c at once */
        val *slot = &L[INS_A(w)], stop;
        if (slot[0].kind == V_MAP && is_counter(slot[ITER_ACC])) {
          int r = count_eq(v, p, code, pc - 1, slot, &H[pc + 4], &stop);
          if (r == CW_DONE) {
            pc += 1 + code[pc]; /* the ITER_NEXT's exit */
            vmbreak;
          }
          if (r == CW_STOP) /* located at the JMP, as LOOP's */
            return finish(v, locate(v, p, stop, pc + 10), entry);
        }
        goto next_item; /* this iteration by the loop's words */
      }
      vmcase(NEXT_ITEM) { /* ITER_NEXT s, then its ITEM(_SELECT) */
      next_item:;
        const val *at = next_entry(v, &L[INS_A(w)]);
        if (unlikely(at == NULL))
          goto iter_next; /* alone; then the ITEM(_SELECT), fused */
        PUSH(*at);
        if (INS_OP(code[pc + 1]) == OP_ITEM) {
          pc += 4; /* over the exit word and the ITEM's three */
          vmbreak;
        }
        pc += 5;
        w = code[pc - 1]; /* the ITEM_SELECT's SELECT */
        goto select;
      }
      vmcase(CONST_EQ_BRANCH) { /* CONST A, EQ, BRANCH */
        int eq = quick_eq(TOP(), K(INS_A(w)));
        if (unlikely(eq < 0)) { /* as CONST_EQ; the BRANCH runs alone */
          rhs = K(INS_A(w));
          pc++;
          goto eq;
        }
        sp--;
        w = code[pc + 1]; /* the BRANCH, of a bool: no error to leave */
        pc += 2;
        if (!eq)
          pc = (uint32_t)((int32_t)pc + INS_SJ(w));
        vmbreak;
      }
      vmcase(ITEM) { /* LOADLOCAL A, LOADLOCAL A+2, INDEX */
        const val *at = loop_item(v, &L[INS_A(w)]);
        if (unlikely(at == NULL))
          goto item_slow;
        pc += 2; /* onto the INDEX, where an error is located */
        PUSH(*at);
        SETTOP(TOP());
        vmbreak;
      }
      vmcase(ITEM_SELECT) { /* and a SELECT */
        const val *at = loop_item(v, &L[INS_A(w)]);
        if (unlikely(at == NULL))
          goto item_slow;
        pc += 2;
        PUSH(*at);
        SETTOP(TOP());
        w = code[pc++];
        goto select;
      item_slow: /* the two LOADLOCALs; then the INDEX runs alone */
        PUSH(L[INS_A(w)]);
        PUSH(L[INS_A(code[pc++])]);
        vmbreak;
      }
      vmcase(COUNT_INIT) { /* LIST 0, STORELOCAL: no list, a counter */
        L[INS_A(code[pc++])] = counter(0);
        vmbreak;
      }
      vmcase(COUNT_ADD) { /* LOADLOCAL v, APPEND acc: count v */
        val *acc = &L[INS_A(code[pc])];
        if (likely(is_counter(*acc))) {
          acc->as.i++;
          pc++;
          vmbreak;
        }
        PUSH(L[INS_A(w)]); /* an error or a list: the APPEND runs alone */
        vmbreak;
      }
      vmcase(COUNT_END) { /* LOADLOCAL acc, ITER_END s, CALL size/1 */
        val acc = L[INS_A(w)];
        PUSH(acc);
        if (likely(is_counter(acc)) && L[INS_A(code[pc])].kind != V_ERROR) {
          TOP() = val_int(acc.as.i); /* size() of a list: free (cost.h) */
          pc += 2;
        } /* else ITER_END puts the range's error over it, or the list
             builder's goes on, alone */
        vmbreak;
      }
      vmcase(INDEX_SELECT) {
        val i = POP();
        SETTOP(index_fast(v, TOP(), i, &H[pc - 1]));
        w = code[pc++];
        goto select;
      }
    }

  }
}


void vm_err_describe(sbuf *b, const err *e, const program *p) {
  bool located = p && e->loc >= 0 && (uint32_t)e->loc < p->ncode;
  if (e->kind != ERR_ABSENT || e->path || !located) {
    sb_puts(b, e->msg);
    return;
  }
  uint32_t w = p->code[e->loc];
  const loc *l = &p->locs[e->loc];
  if (INS_OP(w) == OP_LOADVAR && INS_A(w) < p->nconsts &&
      p->consts[INS_A(w)].kind == V_STRING)
    sb_printf(b, "no such key or variable: '%s'",
              p->consts[INS_A(w)].as.s->data);
  else if (l->src < p->nsrcs && (uint64_t)l->off + l->len <=
                                    p->srcs[l->src].len)
    sb_printf(b, "no such key: '%.*s'", (int)l->len,
              p->srcs[l->src].text + l->off);
  else
    sb_puts(b, e->msg);
}

