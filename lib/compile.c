/*
 * compile.c: turns the AST into the stack bytecode of opcodes.h.
 *
 * One recursive walk, expr(), with one function per node kind. Every
 * emit() records the node's span and source, so a runtime error can say
 * file:line:col. A program may hold many entry points (cg_entry), one per
 * expression of a policy; they share the constants and the source table.
 * The compiler tracks the value-stack depth as it emits, so the program
 * knows its deepest stack and the VM never checks for overflow.
 *
 * Macros are expanded here into loops over ITER_* instructions with the
 * accumulator in a local slot (see comprehension()). Locals are
 * allocated in stack order: a macro takes slots on entry and gives them
 * back on exit.
 */
#include "compile.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "names.h"
#include "opcodes.h"
#include "ops.h"
#include "regex.h"
#include "suggest.h"

/* A macro's range path and the local slot holding its value. */
typedef struct range_alias {
  const ast *path;
  uint32_t slot;
} range_alias;

typedef struct scope_var {
  const char *name;
  uint32_t slot;
} scope_var;

struct compiler {
  diag_list *d;          /* where errors go: the current source's list */
  bool no_jit;           /* constant patterns: interpreted (cg_no_jit) */
  bool no_texts;         /* sources without their texts (cg_no_texts) */
  uint32_t cur_src;      /* index of d in srcs */
  diag_list **srcs;      /* every source code was compiled from */
  uint32_t nsrcs;
  size_t cap_srcs;
  program *p;
  size_t cap_code, cap_consts, cap_fns;
  scope_var scope[POL_MAX_PARSE_DEPTH * 2];
  int nscope;
  uint32_t nlocals;
  int depth;             /* current value-stack depth */
  const compile_opts *o;
  bool *expanding;       /* per let: being inlined now (cycle guard) */
  bool *inlined;         /* per let: inlined at least once */
  name_index let_names;  /* let name -> its last index (a later one shadows) */
  uint32_t *ctab;        /* shared constants by hash: index + 1, 0 empty */
  uint32_t cmask, nindexed;
  uint32_t *chash;       /* per constant: its hash, 0 when not shared */
  uint32_t *stab, smask; /* the index of srcs (src_slot) */
  size_t cap_chash;
  uint32_t entry_start;  /* first instruction of the entry being compiled */
  bool too_big;          /* the entry outgrew POL_MAX_ENTRY_CODE: stop */
  int let_depth;         /* lets being inlined, one inside the other */
  int nest;              /* expr()s under way: the depth of the walk */
  bool nest_said;        /* that it went too deep was said */
  diag_list *outer_d;    /* the source of the outermost use */
  const ast *outer_use;  /* the outermost one's use, named in errors */
  int outer_let;
  struct { uint32_t base, n; } blocks[8]; /* enclosing cel.block()s */
  int nblocks;
  /* the fact paths that enclosing macros iterate over, and the local slot
   * that holds each one's value while the macro runs (see aliased()) */
  range_alias aliases[16];
  int naliases;
  size_t nerrors;        /* errors reported so far */
  bool failed;           /* some entry had an error */
  bool oom;
  /* operators deep in a tree found not to be constant (constant()), in
   * the entry being compiled: slots of (node, entry number) */
  struct nonconst { const ast *n; uint32_t entry; } *nonconst;
  size_t nonconst_cap, nonconst_n;
  uint32_t nentries;
  uint64_t const_steps;  /* nodes constant() looked at (cg_const_steps) */
};

static const struct {
  opcode op;
  int in, out, fmt;
} op_info[] = {
#define X(name, fmt, in, out, doc) {OP_##name, in, out, FMT_##fmt},
    OPCODES(X)
#undef X
};

static void expr(compiler *c, const ast *n);
static void expr_node(compiler *c, const ast *n);
static uint32_t fn_index(compiler *c, const builtin *b, const ast *n);
static bool literal_value(compiler *c, const ast *n, val *out);
static bool constant(compiler *c, const ast *n, val *out, int depth);
static bool constant_at(compiler *c, const ast *n, val *out, int depth);

/* ==== emission =========================================================== */

/* Every error of the compiler goes through here: into the list of the
 * source being compiled, and counted, so that an entry knows it failed
 * even when the list drops the message as a repeat (a let's mistake, met
 * again where the let is used again) or it went to a let's source. */
static void error(compiler *c, diag_code code, span sp, const char *fmt, ...)
    POL_PRINTF(4, 5);
static void error(compiler *c, diag_code code, span sp, const char *fmt,
                  ...) {
  va_list ap;
  va_start(ap, fmt);
  diag_vadd(c->d, code, sp, fmt, ap);
  va_end(ap);
  c->nerrors++;
}

static void fail(compiler *c, diag_code code, const ast *n, const char *msg,
                 const char *arg) {
  error(c, code, n->sp, msg, arg);
}

/* Append one raw word attributed to [n]; returns its index. */
static uint32_t word(compiler *c, uint32_t w, const ast *n) {
  program *p = c->p;
  size_t cap = c->cap_code;
  if (!mem_grow(&p->a.m, (void **)&p->code, &cap, p->ncode + 1,
                sizeof *p->code)) {
    c->oom = true;
    return 0;
  }
  size_t cap2 = c->cap_code;
  if (!mem_grow(&p->a.m, (void **)&p->locs, &cap2, p->ncode + 1,
                sizeof *p->locs)) {
    c->oom = true;
    return 0;
  }
  c->cap_code = cap;
  p->code[p->ncode] = w;
  p->locs[p->ncode] =
      (loc){n->sp.off, n->sp.len, n->sp.line, n->sp.col, c->cur_src};
  return p->ncode++;
}

/* Adjust the tracked stack depth by [delta] and record the maximum. */
static void stack(compiler *c, int delta) {
  c->depth += delta;
  if (c->depth > (int)c->p->maxstack)
    c->p->maxstack = (uint32_t)c->depth;
}

/* Emit [op] with operand [a]; the stack effect comes from the table. */
static uint32_t emit(compiler *c, opcode op, uint32_t a, const ast *n) {
  uint32_t at = word(c, MK_A(op, a), n);
  if (op_info[op].in >= 0)
    stack(c, op_info[op].out - op_info[op].in);
  if (op_info[op].fmt == FMT_AX)
    word(c, 0, n);
  return at;
}

/* Point the jump at [at] to the current end of code. */
static void patch(compiler *c, uint32_t at) {
  program *p = c->p;
  if (c->oom)
    return;
  if (op_info[INS_OP(p->code[at])].fmt == FMT_AX) {
    p->code[at + 1] = p->ncode - (at + 2);
    return;
  }
  int32_t off = (int32_t)(p->ncode - (at + 1));
  if (off > MAXARG_SJ) {
    error(c, DC_LIMIT, diag_span_at(c->d, p->locs[at].off, 1),
             "expression too large: jump exceeds %d instructions",
             MAXARG_SJ);
    return;
  }
  p->code[at] = MK_A(INS_OP(p->code[at]), (uint32_t)off & MAXARG_A);
}

/* A backward jump from here to [target]. */
static void jump_back(compiler *c, opcode op, uint32_t target, const ast *n) {
  int32_t off = (int32_t)target - (int32_t)(c->p->ncode + 1);
  word(c, MK_A(op, (uint32_t)off & MAXARG_A), n);
}

/* A fresh empty list for a builder: LIST 0, which pushes one value
 * (LIST's stack effect depends on its operand, so count it here). */
static void empty_builder(compiler *c, const ast *n) {
  emit(c, OP_LIST, 0, n);
  stack(c, 1);
}

/* Constants that are shared (names and scalar literals) are found again
 * by hash: a policy of 100,000 rules has as many constants, and comparing
 * each new one with all the others was quadratic. Lists, maps and
 * optionals (folded literals) are not shared: val_equal finds [1] ==
 * [1.0] == [1u] and maps equal in any order, so sharing would turn one
 * constant into another (found by tests/oracle). 0 when [v] is not
 * shared. */
static uint32_t const_hash(val v) {
  uint64_t x;
  switch (v.kind) {
  case V_STRING: case V_BYTES: x = v.as.s->hash; break;
  case V_INT: case V_UINT: case V_DOUBLE: x = v.as.u; break;
  case V_BOOL: x = v.as.b; break;
  case V_NULL: x = 0; break;
  case V_DURATION: case V_TIMESTAMP: x = v.as.u ^ (uint64_t)v.aux; break;
  default: return 0;
  }
  x = (x ^ v.kind) * 0x9e3779b97f4a7c15ull;
  return (uint32_t)(x >> 32) | 1u;
}

/* The same constant: doubles by their bits (0.0 and -0.0 differ). */
static bool const_same(val a, val b) {
  return a.kind == b.kind && val_equal(a, b) &&
         (a.kind != V_DOUBLE || a.as.u == b.as.u);
}

/* The slot of [v] (hash [h]) in the constants' index: its entry, or the
 * empty one where it goes. */
static uint32_t *const_slot(const compiler *c, val v, uint32_t h) {
  for (uint32_t i = h & c->cmask;; i = (i + 1) & c->cmask) {
    uint32_t e = c->ctab[i];
    if (!e || (c->chash[e - 1] == h && const_same(c->p->consts[e - 1], v)))
      return &c->ctab[i];
  }
}

/* Index constant [i] (hash [h]), growing the index at half full. */
static bool const_index(compiler *c, uint32_t i, uint32_t h) {
  if (2 * (size_t)(c->nindexed + 1) > (size_t)c->cmask + 1 || !c->ctab) {
    uint32_t cap = c->ctab ? 2 * (c->cmask + 1) : 256;
    uint32_t *t = mem_calloc(&c->p->a.m, cap, sizeof *t), *old = c->ctab;
    if (!t)
      return false;
    uint32_t oldcap = c->ctab ? c->cmask + 1 : 0;
    c->ctab = t;
    c->cmask = cap - 1;
    for (uint32_t k = 0; k < oldcap; k++)
      if (old[k])
        *const_slot(c, c->p->consts[old[k] - 1], c->chash[old[k] - 1]) =
            old[k];
    mem_free(&c->p->a.m, old);
  }
  *const_slot(c, c->p->consts[i], h) = i + 1;
  c->nindexed++;
  return true;
}

static uint32_t konst(compiler *c, val v, const ast *n) {
  program *p = c->p;
  uint32_t h = const_hash(v);
  if (h && c->ctab) { /* share names and literals */
    uint32_t e = *const_slot(c, v, h);
    if (e)
      return e - 1;
  }
  if (p->nconsts >= MAXARG_A) {
    fail(c, DC_LIMIT, n, "too many constants (limit is 16777215)%s", "");
    return 0;
  }
  if (!mem_grow(&p->a.m, (void **)&p->consts, &c->cap_consts, p->nconsts + 1,
            sizeof *p->consts)) {
    c->oom = true;
    return 0;
  }
  p->consts[p->nconsts] = v;
  if (!mem_grow(&p->a.m, (void **)&c->chash, &c->cap_chash, p->nconsts + 1,
                sizeof *c->chash)) {
    c->oom = true;
    return 0;
  }
  c->chash[p->nconsts] = h;
  if (h && !const_index(c, p->nconsts, h))
    c->oom = true;
  return p->nconsts++;
}

static uint32_t name_const(compiler *c, const char *s, const ast *n) {
  val v = val_cstring(&c->p->a, s);
  if (v.kind == V_ERROR)
    c->oom = true;
  return konst(c, v, n);
}

static void emit_const(compiler *c, val v, const ast *n) {
  if (v.kind == V_ERROR) {
    c->oom = true;
    return;
  }
  emit(c, OP_CONST, konst(c, v, n), n);
}

/* ==== locals and scope =================================================== */

static uint32_t local_alloc(compiler *c, uint32_t n) {
  uint32_t s = c->nlocals;
  c->nlocals += n;
  if (c->nlocals > c->p->nlocals)
    c->p->nlocals = c->nlocals;
  return s;
}

static void scope_push(compiler *c, const char *name, uint32_t slot) {
  if (c->nscope < (int)POL_COUNTOF(c->scope))
    c->scope[c->nscope++] = (scope_var){name, slot};
}

static const scope_var *scope_find(const compiler *c, const char *name) {
  for (int i = c->nscope - 1; i >= 0; i--)
    if (strcmp(c->scope[i].name, name) == 0)
      return &c->scope[i];
  return NULL;
}

static bool declared(const compiler *c, const char *name) {
  for (size_t i = 0; i < c->o->nvars; i++)
    if (strcmp(c->o->vars[i], name) == 0)
      return true;
  return false;
}

/* The index of the let named [name], or -1. */
static int let_find(const compiler *c, const char *name) {
  return names_get(&c->let_names, name);
}

/* The slot of source [d] in the index of sources (index + 1, 0: empty).
 * Every message template is a source of its own, so a policy can have
 * tens of thousands: looking them up one by one was quadratic. */
static uint32_t *src_slot(const compiler *c, const diag_list *d) {
  uintptr_t x = (uintptr_t)d;
  uint32_t h = (uint32_t)((x >> 4) * 0x9e3779b1u);
  for (uint32_t i = h & c->smask;; i = (i + 1) & c->smask) {
    uint32_t e = c->stab[i];
    if (!e || c->srcs[e - 1] == d)
      return &c->stab[i];
  }
}

/* Grow the index of sources to hold [n] at most half full. */
static bool src_reindex(compiler *c, uint32_t n) {
  if (c->stab && 2 * (size_t)n <= (size_t)c->smask + 1)
    return true;
  uint32_t cap = 64;
  while (cap < 2 * n)
    cap *= 2;
  uint32_t *t = mem_calloc(&c->p->a.m, cap, sizeof *t);
  if (!t)
    return false;
  mem_free(&c->p->a.m, c->stab);
  c->stab = t;
  c->smask = cap - 1;
  for (uint32_t i = 0; i < c->nsrcs; i++)
    *src_slot(c, c->srcs[i]) = i + 1;
  return true;
}

/* The index of [d] in the source table, added if new. */
static uint32_t source_index(compiler *c, diag_list *d) {
  if (c->nsrcs && c->srcs[c->cur_src] == d)
    return c->cur_src;
  if (!src_reindex(c, c->nsrcs + 1)) {
    c->oom = true;
    return 0;
  }
  uint32_t *slot = src_slot(c, d);
  if (*slot)
    return *slot - 1;
  if (!mem_grow(&c->p->a.m, (void **)&c->srcs, &c->cap_srcs, c->nsrcs + 1,
                sizeof *c->srcs)) {
    c->oom = true;
    return 0;
  }
  c->srcs[c->nsrcs] = d;
  *slot = c->nsrcs + 1;
  return c->nsrcs++;
}

/* Compile let [i]'s expression in place of a use of its name: in its own
 * source, with no macro variables in scope. */
static void inline_let(compiler *c, int i, const ast *use) {
  const compile_let *l = &c->o->lets[i];
  if (c->expanding[i]) {
    fail(c, DC_RECURSIVE_LET, use, "'%s' is defined in terms of itself",
         l->name);
    return;
  }
  /* Each use is a copy, so lets built from lets can double at every
   * step (a1 = a0 + a0, a2 = a1 + a1, ...): stop at a bound, once. */
  if (c->too_big)
    return;
  if (c->let_depth == 0) {
    c->outer_use = use;
    c->outer_let = i;
  }
  if (c->p->ncode - c->entry_start > POL_MAX_ENTRY_CODE) {
    c->too_big = true; /* reported where the rule uses the outermost let */
    diag_add(c->outer_d, DC_LIMIT, c->outer_use->sp, "inlining '%s' makes "
             "this expression longer than %u instructions (each use of a let "
             "is a copy of it: lets that use other lets several times grow "
             "very fast)", c->o->lets[c->outer_let].name, POL_MAX_ENTRY_CODE);
    c->nerrors++;
    return;
  }
  diag_list *d = c->d;
  uint32_t src = c->cur_src;
  int nscope = c->nscope;
  if (c->let_depth == 0)
    c->outer_d = c->d;
  c->let_depth++;
  c->expanding[i] = true;
  c->inlined[i] = true;
  c->d = l->src;
  c->cur_src = source_index(c, l->src);
  c->nscope = 0;
  expr(c, l->expr);
  c->let_depth--;
  c->expanding[i] = false;
  c->d = d;
  c->cur_src = src;
  c->nscope = nscope;
}

static const builtin *must_find(compiler *c, const char *name, int style,
                                int n, const ast *at);

/* A use of let [i]. A derived fact's let is the vendor's own value at
 * its path when the vendor gives one, else its expression: OPTFACT then
 * o.hasValue() ? o.value() : EXPR, with the expression compiled only in
 * the arm that needs it, so a vendor's value costs no evaluation of it. */
static void use_let(compiler *c, int i, const ast *use) {
  const compile_let *l = &c->o->lets[i];
  const builtin *has = l->derived ? must_find(c, "hasValue", BI_RECEIVER, 1,
                                              use) : NULL,
                *value = l->derived ? must_find(c, "value", BI_RECEIVER, 1,
                                                use) : NULL;
  if (!has || !value) {
    inline_let(c, i, use);
    return;
  }
  uint32_t slot = local_alloc(c, 1);
  emit(c, OP_OPTFACT, name_const(c, l->name, use), use);
  emit(c, OP_STORELOCAL, slot, use);
  emit(c, OP_LOADLOCAL, slot, use);
  word(c, MK_BC(OP_CALL, fn_index(c, has, use), 1), use);
  uint32_t br = emit(c, OP_BRANCH, 0, use);
  emit(c, OP_LOADLOCAL, slot, use);
  word(c, MK_BC(OP_CALL, fn_index(c, value, use), 1), use);
  uint32_t end = emit(c, OP_JMP, 0, use);
  patch(c, br);
  stack(c, -1); /* the arms are alternatives */
  inline_let(c, i, use);
  patch(c, end);
  c->nlocals--;
}

/* ==== literals =========================================================== */

static const opcode binary_ops[] = {
    [AST_OP_ADD] = OP_ADD, [AST_OP_SUB] = OP_SUB, [AST_OP_MUL] = OP_MUL,
    [AST_OP_DIV] = OP_DIV, [AST_OP_MOD] = OP_MOD, [AST_OP_EQ] = OP_EQ,
    [AST_OP_NE] = OP_NE,   [AST_OP_LT] = OP_LT,   [AST_OP_LE] = OP_LE,
    [AST_OP_GT] = OP_GT,   [AST_OP_GE] = OP_GE,   [AST_OP_IN] = OP_IN};

/* The value of an operator applied to constant operands, if it is not
 * an error. */
static bool operator_value(compiler *c, const ast *n, val *out, int depth) {
  val x, y = val_null();
  if (!constant(c, n->kids[0], &x, depth + 1) ||
      (n->kind == AST_BINARY && !constant(c, n->kids[1], &y, depth + 1)))
    return false;
  arena *a = &c->p->a;
  if (n->kind == AST_UNARY)
    *out = n->op == AST_OP_NEG ? ops_neg(a, x) : ops_not(a, x);
  else if (n->op == AST_OP_IN)
    *out = ops_in(a, x, y);
  else if (n->op >= AST_OP_EQ)
    *out = ops_compare(a, binary_ops[n->op], x, y);
  else
    *out = ops_arith(a, binary_ops[n->op], x, y);
  return out->kind != V_ERROR;
}

/* Below this depth of one walk of constant(), an operator, list or map
 * found not to be constant is remembered for the rest of the entry. Each
 * operator of a tree is asked whether it is constant before its operands
 * are compiled, and each asking walked the operands down to their first
 * name: a chain ((x + 1) + 1) + ... N deep (the residual of a chain of
 * lets) cost N^2 / 2 steps. Shallower walks are not remembered: they
 * cost little, and most trees are shallow. */
#define NONCONST_DEPTH 32

static size_t nonconst_slot(const compiler *c, const ast *n) {
  size_t mask = c->nonconst_cap - 1;
  size_t i = (size_t)(((uintptr_t)n >> 3) * 0x9E3779B97F4A7C15u) & mask;
  while (c->nonconst[i].n && c->nonconst[i].entry == c->nentries &&
         c->nonconst[i].n != n)
    i = (i + 1) & mask;
  return i;
}

static bool known_nonconst(const compiler *c, const ast *n) {
  if (!c->nonconst_n)
    return false;
  const struct nonconst *s = &c->nonconst[nonconst_slot(c, n)];
  return s->n == n && s->entry == c->nentries;
}

/* Remember that [n] is not constant; forgetting (out of memory) costs
 * only time. */
static void nonconst_add(compiler *c, const ast *n) {
  if ((c->nonconst_n + 1) * 2 > c->nonconst_cap) {
    size_t cap = c->nonconst_cap ? c->nonconst_cap * 2 : 64;
    struct nonconst *old = c->nonconst,
                    *v = mem_calloc(&c->p->a.m, cap, sizeof *v);
    if (!v)
      return;
    size_t oldcap = c->nonconst_cap;
    c->nonconst = v;
    c->nonconst_cap = cap;
    c->nonconst_n = 0;
    for (size_t i = 0; i < oldcap; i++)
      if (old[i].n && old[i].entry == c->nentries) {
        c->nonconst[nonconst_slot(c, old[i].n)] = old[i];
        c->nonconst_n++;
      }
    mem_free(&c->p->a.m, old);
  }
  struct nonconst *s = &c->nonconst[nonconst_slot(c, n)];
  c->nonconst_n += !s->n || s->entry != c->nentries;
  *s = (struct nonconst){n, c->nentries};
}

/* The value of a constant subtree (literals, lists and maps of them, and
 * operators over them), built in the program's arena, or false if [n] is
 * not constant. */
static bool literal_value(compiler *c, const ast *n, val *out) {
  return constant(c, n, out, 0);
}

/* literal_value() of [n], [depth] steps down the tree it was asked of. */
static bool constant(compiler *c, const ast *n, val *out, int depth) {
  bool deep = depth >= NONCONST_DEPTH &&
              (n->kind == AST_LIST || n->kind == AST_MAP ||
               n->kind == AST_UNARY || n->kind == AST_BINARY);
  if (deep && known_nonconst(c, n))
    return false;
  if (constant_at(c, n, out, depth))
    return true;
  if (deep)
    nonconst_add(c, n);
  return false;
}

static bool constant_at(compiler *c, const ast *n, val *out, int depth) {
  arena *a = &c->p->a;
  c->const_steps++;
  switch (n->kind) {
  case AST_NULL_LIT: *out = val_null(); return true;
  case AST_BOOL_LIT: *out = val_bool(n->lit.b); return true;
  case AST_INT_LIT: *out = val_int(n->lit.i); return true;
  case AST_UINT_LIT: *out = val_uint(n->lit.u); return true;
  case AST_DOUBLE_LIT: *out = val_double(n->lit.d); return true;
  case AST_STRING_LIT: *out = val_string(a, n->lit.s.p, n->lit.s.n); break;
  case AST_BYTES_LIT: *out = val_bytes(a, n->lit.s.p, n->lit.s.n); break;
  case AST_LIST: {
    list *l = list_alloc(a, n->nkids);
    if (!l)
      return false;
    for (uint32_t i = 0; i < n->nkids; i++)
      if ((n->kids[i]->flags & AST_F_OPT_ELEM) ||
          !constant(c, n->kids[i], &l->items[i], depth + 1))
        return false;
    *out = (val){.kind = V_LIST, .as.l = l};
    return true;
  }
  case AST_MAP: {
    val *kv = arena_alloc(a, 2 * (size_t)n->nkids * sizeof(val) + 1);
    if (!kv)
      return false;
    for (uint32_t i = 0; i < n->nkids; i++) {
      const ast *e = n->kids[i];
      if ((e->flags & AST_F_OPTIONAL) ||
          !constant(c, e->kids[0], &kv[i], depth + 1) ||
          !constant(c, e->kids[1], &kv[n->nkids + i], depth + 1))
        return false;
    }
    *out = val_map(a, kv, kv + n->nkids, n->nkids);
    break; /* a repeated key stays a runtime error */
  }
  case AST_UNARY:
  case AST_BINARY: return operator_value(c, n, out, depth);
  default: return false;
  }
  return out->kind != V_ERROR;
}

static void literal(compiler *c, const ast *n) {
  switch (n->kind) {
  case AST_NULL_LIT: emit(c, OP_NULL, 0, n); return;
  case AST_BOOL_LIT: emit(c, n->lit.b ? OP_TRUE : OP_FALSE, 0, n); return;
  default: {
    val v;
    if (literal_value(c, n, &v))
      emit_const(c, v, n);
    else
      c->oom = true;
  }
  }
}

/* ==== names and selection ================================================ */


/* The dotted text of a SELECT chain over an IDENT ("a.b.c") in [buf], or
 * false if the chain has other nodes or is too long. Asked of each
 * SELECT of a chain: the text's length is carried up, where a strlen
 * at each step made a chain d deep cost d^3 (a 240-deep path: 16 M
 * instructions). */
static bool qualified_name(const ast *n, char *buf, size_t cap) {
  size_t len;
  return ast_dotted(n, buf, cap, &len);
}

static const ast *chain_root(const ast *n) {
  while (n->kind == AST_SELECT)
    n = n->kids[0];
  return n;
}

/* The type a name denotes (int, list, google.protobuf.Duration, ...),
 * or -1. Types are values in CEL: type(1) == int. */
static int type_denotation(const char *name) {
  /* every identifier the compiler meets comes here: the first byte
   * rules out most names before a strcmp per type does */
  for (int t = 0; t < T_DYN; t++) { /* dyn is a function, not a value */
    const char *tn = val_type_name(t);
    if (t != V_ERROR && tn[0] == name[0] && strcmp(tn, name) == 0)
      return t;
  }
  return -1;
}

/* ==== the range of a macro, read once ===================================
 * In m.filter(k, m[k].answer == "x") the body names m again: the value
 * the macro iterates over, already in its range slot. Such a name is
 * compiled as a load of that slot, so a loop over 80 check-sheet items
 * does not look `m` up 80 more times; it reads no fact the range did not
 * read already, so traces and reports are unchanged. */

/* Whether [n] is a plain path (a.b.c, no optional steps) whose root is
 * not a local in scope here: it denotes the same value wherever in the
 * macro it appears. */
static bool plain_path(const compiler *c, const ast *n) {
  while (n->kind == AST_SELECT) {
    if (n->flags & AST_F_OPTIONAL)
      return false;
    n = n->kids[0];
  }
  return n->kind == AST_IDENT &&
         ((n->flags & AST_F_ROOTED) || !scope_find(c, n->name));
}

static bool same_path(const ast *a, const ast *b) {
  for (;;) {
    if (a->kind != b->kind || a->flags != b->flags ||
        strcmp(a->name, b->name) != 0)
      return false;
    if (a->kind == AST_IDENT)
      return true;
    a = a->kids[0];
    b = b->kids[0];
  }
}

/* Load [n] from the range slot of an enclosing macro that iterates over
 * the same path; false if none does. */
static bool aliased(compiler *c, const ast *n) {
  for (int i = c->naliases - 1; i >= 0; i--)
    if (same_path(n, c->aliases[i].path) && plain_path(c, n)) {
      emit(c, OP_LOADLOCAL, c->aliases[i].slot, n);
      return true;
    }
  return false;
}

static void ident(compiler *c, const ast *n) {
  bool rooted = n->flags & AST_F_ROOTED;
  const scope_var *v = rooted ? NULL : scope_find(c, n->name);
  int t, l = rooted || v ? -1 : let_find(c, n->name);
  if (v) {
    emit(c, OP_LOADLOCAL, v->slot, n);
  } else if (l >= 0) {
    use_let(c, l, n);
  } else if (!declared(c, n->name) && (t = type_denotation(n->name)) >= 0) {
    emit_const(c, val_type(t), n);
  } else {
    emit(c, OP_LOADVAR, name_const(c, n->name, n), n);
  }
}

/* A select chain whose dotted text names a declared variable loads it
 * directly: with a.b.c declared, `a.b.c` is one variable, not fields. */
static bool declared_chain(compiler *c, const ast *n) {
  char buf[512];
  const ast *root = chain_root(n);
  if (root->kind != AST_IDENT || (!(root->flags & AST_F_ROOTED) &&
                                  scope_find(c, root->name)))
    return false;
  if (!c->o->nvars || !qualified_name(n, buf, sizeof buf) ||
      !declared(c, buf))
    return false;
  emit(c, OP_LOADVAR, name_const(c, buf, n), n);
  return true;
}

/* google.protobuf.Duration and friends: a dotted type name. */
static bool type_chain(compiler *c, const ast *n) {
  char buf[128];
  const ast *root = chain_root(n);
  if (root->kind != AST_IDENT || scope_find(c, root->name) ||
      declared(c, root->name) || !qualified_name(n, buf, sizeof buf))
    return false;
  int t = type_denotation(buf);
  if (t < 0)
    return false;
  emit_const(c, val_type(t), n);
  return true;
}

/* A select chain whose dotted text names a let (a derived fact such as
 * data.region: policy.c) is that let, inlined. */
static bool let_chain(compiler *c, const ast *n) {
  char buf[512];
  const ast *root = chain_root(n);
  int l;
  if (root->kind != AST_IDENT || (root->flags & AST_F_ROOTED) ||
      scope_find(c, root->name) || !qualified_name(n, buf, sizeof buf) ||
      (l = let_find(c, buf)) < 0)
    return false;
  use_let(c, l, n);
  return true;
}

static void select_(compiler *c, const ast *n) {
  if (declared_chain(c, n) || type_chain(c, n) || let_chain(c, n))
    return;
  expr(c, n->kids[0]);
  opcode op = (n->flags & AST_F_OPTIONAL) ? OP_OPTSELECT : OP_SELECT;
  emit(c, op, name_const(c, n->name, n), n);
}

/* ==== operators ========================================================== */

/* Fold a constant subtree (an operator over literals, at any depth) into
 * one constant. An operation that fails (1 / 0) is left for run time,
 * where the error gets its location and can be absorbed. */
static bool fold(compiler *c, const ast *n) {
  val r;
  if (!literal_value(c, n, &r))
    return false;
  emit_const(c, r, n);
  return true;
}

static void binary(compiler *c, const ast *n) {
  if (fold(c, n))
    return;
  expr(c, n->kids[0]);
  expr(c, n->kids[1]);
  emit(c, binary_ops[n->op], 0, n);
}

static void unary(compiler *c, const ast *n) {
  if (fold(c, n))
    return;
  expr(c, n->kids[0]);
  emit(c, n->op == AST_OP_NEG ? OP_NEG : OP_NOT, 0, n);
}

/* a && b: ANDSC skips b when a is false; AND merges with CEL's rules,
 * which absorb an error on either side when the other side is false. */
static void logic(compiler *c, const ast *n) {
  bool and = n->kind == AST_AND;
  expr(c, n->kids[0]);
  uint32_t sc = emit(c, and ? OP_ANDSC : OP_ORSC, 0, n);
  expr(c, n->kids[1]);
  emit(c, and ? OP_AND : OP_OR, 0, n);
  patch(c, sc);
}

/* c ? a : b. BRANCH sends an error (or non-bool) test to the JMP that
 * ends the true arm, so it becomes the result. */
static void cond(compiler *c, const ast *n) {
  expr(c, n->kids[0]);
  uint32_t br = emit(c, OP_BRANCH, 0, n);
  expr(c, n->kids[1]);
  uint32_t end = emit(c, OP_JMP, 0, n);
  patch(c, br);
  stack(c, -1); /* the arms are alternatives */
  expr(c, n->kids[2]);
  patch(c, end);
}

/* ==== lists and maps ===================================================== */

/* [flag] is AST_F_OPT_ELEM for lists, AST_F_OPTIONAL for map entries. */
static bool has_optional_kid(const ast *n, int flag) {
  for (uint32_t i = 0; i < n->nkids; i++)
    if (n->kids[i]->flags & flag)
      return true;
  return false;
}

/* [a, ?b]: build through a local list builder. */
static void optional_list(compiler *c, const ast *n) {
  uint32_t acc = local_alloc(c, 1);
  empty_builder(c, n);
  emit(c, OP_STORELOCAL, acc, n);
  for (uint32_t i = 0; i < n->nkids; i++) {
    expr(c, n->kids[i]);
    bool opt = n->kids[i]->flags & AST_F_OPT_ELEM;
    emit(c, opt ? OP_OPTAPPEND : OP_APPEND, acc, n->kids[i]);
  }
  emit(c, OP_LOADLOCAL, acc, n);
  c->nlocals--;
}

static void list_(compiler *c, const ast *n) {
  val v;
  if (literal_value(c, n, &v)) {
    emit_const(c, v, n);
    return;
  }
  if (has_optional_kid(n, AST_F_OPT_ELEM)) {
    optional_list(c, n);
    return;
  }
  if (n->nkids > MAXARG_A) {
    fail(c, DC_LIMIT, n, "list literal too long%s", "");
    return;
  }
  for (uint32_t i = 0; i < n->nkids; i++)
    expr(c, n->kids[i]);
  emit(c, OP_LIST, n->nkids, n);
  stack(c, 1 - (int)n->nkids);
}

/* {k: v, ?k2: o}: pairs collected in a local builder, then TOMAP. */
static void optional_map(compiler *c, const ast *n) {
  uint32_t acc = local_alloc(c, 1);
  empty_builder(c, n);
  emit(c, OP_STORELOCAL, acc, n);
  for (uint32_t i = 0; i < n->nkids; i++) {
    const ast *e = n->kids[i];
    expr(c, e->kids[0]);
    expr(c, e->kids[1]);
    emit(c, (e->flags & AST_F_OPTIONAL) ? OP_OPTPAIR : OP_PAIR, acc, e);
  }
  emit(c, OP_LOADLOCAL, acc, n);
  emit(c, OP_TOMAP, 0, n);
  c->nlocals--;
}

static void map_(compiler *c, const ast *n) {
  val v;
  if (literal_value(c, n, &v)) {
    emit_const(c, v, n);
    return;
  }
  if (has_optional_kid(n, AST_F_OPTIONAL)) {
    optional_map(c, n);
    return;
  }
  for (uint32_t i = 0; i < n->nkids; i++) {
    expr(c, n->kids[i]->kids[0]);
    expr(c, n->kids[i]->kids[1]);
  }
  emit(c, OP_MAP, n->nkids, n);
  stack(c, 1 - 2 * (int)n->nkids);
}

/* ==== macros ============================================================= */

typedef enum {
  M_ALL, M_EXISTS, M_EXISTS_ONE, M_MAP, M_FILTER, M_TRANSFORM_MAP
} macro_kind;

/* cel.iterVar(i, j) / cel.accuVar(i, j) (cel.block's generated names)
 * as a variable name, or NULL if [n] is not such a call. */
static const char *block_var_name(compiler *c, const ast *n) {
  if (n->kind != AST_CALL || !(n->flags & AST_F_RECEIVER) ||
      n->nkids != 3 || n->kids[0]->kind != AST_IDENT ||
      strcmp(n->kids[0]->name, "cel") != 0 ||
      (strcmp(n->name, "iterVar") && strcmp(n->name, "accuVar")) ||
      n->kids[1]->kind != AST_INT_LIT || n->kids[2]->kind != AST_INT_LIT)
    return NULL;
  return arena_printf(&c->p->a, "@%s:%lld:%lld", n->name,
                      (long long)n->kids[1]->lit.i,
                      (long long)n->kids[2]->lit.i);
}

/* The name an iteration variable argument declares, or NULL. */
static const char *var_name(compiler *c, const ast *n) {
  if (n->kind == AST_IDENT && !(n->flags & AST_F_ROOTED))
    return n->name;
  const char *name = block_var_name(c, n);
  if (!name)
    fail(c, DC_BAD_MACRO, n, "expected a variable name here, as in x%s", "");
  return name;
}

/* The loop body of each macro: consumes nothing, updates L[acc]. */
static void macro_body(compiler *c, macro_kind k, const ast *const *args,
                       int nargs, uint32_t acc, uint32_t var) {
  const ast *p = args[nargs - 1];
  switch (k) {
  case M_ALL:
  case M_EXISTS:
    emit(c, OP_LOADLOCAL, acc, p);
    expr(c, p);
    emit(c, k == M_ALL ? OP_AND : OP_OR, 0, p);
    emit(c, OP_STORELOCAL, acc, p);
    return;
  case M_EXISTS_ONE:
    expr(c, p);
    emit(c, OP_COUNT, acc, p);
    return;
  case M_TRANSFORM_MAP: {
    uint32_t br = 0, skip = 0;
    if (nargs == 4) {
      expr(c, args[2]);
      br = emit(c, OP_BRANCH, 0, args[2]);
    }
    emit(c, OP_LOADLOCAL, var, p);
    expr(c, p);
    emit(c, OP_PAIR, acc, p);
    if (nargs == 4) { /* BRANCH's error lands on a one-value sink */
      skip = emit(c, OP_JMP, 0, p);
      stack(c, 1);
      emit(c, OP_APPEND, acc, args[2]);
      patch(c, skip);
      patch(c, br);
    }
    return;
  }
  case M_MAP:
  case M_FILTER: {
    bool filtered = k == M_FILTER || nargs == 3;
    uint32_t br = 0;
    if (filtered) { /* an error test lands on APPEND: the result errs */
      expr(c, args[1]);
      br = emit(c, OP_BRANCH, 0, args[1]);
    }
    if (k == M_FILTER)
      emit(c, OP_LOADLOCAL, var, p);
    else
      expr(c, p);
    emit(c, OP_APPEND, acc, p);
    if (filtered)
      patch(c, br);
    return;
  }
  }
}

static void macro_init(compiler *c, macro_kind k, uint32_t acc,
                       const ast *n) {
  switch (k) {
  case M_ALL: emit(c, OP_TRUE, 0, n); break;
  case M_EXISTS: emit(c, OP_FALSE, 0, n); break;
  case M_EXISTS_ONE: emit_const(c, val_int(0), n); break;
  default: empty_builder(c, n); break;
  }
  emit(c, OP_STORELOCAL, acc, n);
}

/* range.macro(x, args...): see the file comment. Slots: s range, s+1
 * position, s+2 the variable, s+3 a second variable, s+4 accumulator. */
static void comprehension(compiler *c, const ast *n, macro_kind k,
                          int nvars) {
  const ast *const *args = (const ast *const *)n->kids + 1;
  int nargs = (int)n->nkids - 1;
  const char *v1 = var_name(c, args[0]);
  const char *v2 = nvars == 2 ? var_name(c, args[1]) : "";
  if (!v1 || !v2)
    return;
  expr(c, n->kids[0]);
  uint32_t s = local_alloc(c, 5), acc = s + ITER_ACC;
  emit(c, OP_ITER_INIT, s, n);
  bool alias = plain_path(c, n->kids[0]) &&
               c->naliases < (int)POL_COUNTOF(c->aliases);
  if (alias) /* the range is in L[s]: its path in the body loads it */
    c->aliases[c->naliases++] = (range_alias){n->kids[0], s};
  macro_init(c, k, acc, n);
  uint32_t loop = c->p->ncode;
  uint32_t next = emit(c, OP_ITER_NEXT,
                       s | (nvars == 2 ? ITER_TWO_VARS : 0), n);
  uint32_t brk = UINT32_MAX;
  scope_push(c, v1, s + 2);
  if (nvars == 2)
    scope_push(c, v2, s + 3);
  if (k == M_TRANSFORM_MAP) /* the body sees k, v; the pair is (k, t) */
    macro_body(c, k, args, nargs, acc, s + 2);
  else
    macro_body(c, k, args + nvars - 1, nargs - nvars + 1, acc, s + 2);
  c->nscope -= nvars;
  c->naliases -= alias;
  /* all/exists stop once decided, tested right after the item that
   * decided it, so a traced run can say which item that was */
  if (k == M_ALL || k == M_EXISTS)
    brk = emit(c, k == M_ALL ? OP_BRK_FALSE : OP_BRK_TRUE, acc, n);
  jump_back(c, OP_JMP, loop, n);
  patch(c, next);
  if (brk != UINT32_MAX)
    patch(c, brk);
  emit(c, OP_LOADLOCAL, acc, n);
  if (k == M_TRANSFORM_MAP)
    emit(c, OP_TOMAP, 0, n);
  if (k == M_EXISTS_ONE) {
    emit_const(c, val_int(1), n);
    emit(c, OP_EQ, 0, n);
  }
  emit(c, OP_ITER_END, s, n);
  c->nlocals -= 5;
}

static void bind_macro(compiler *c, const ast *n) {
  const char *var = var_name(c, n->kids[0]);
  if (!var)
    return;
  expr(c, n->kids[1]);
  uint32_t slot = local_alloc(c, 1);
  emit(c, OP_STORELOCAL, slot, n);
  scope_push(c, var, slot);
  expr(c, n->kids[2]);
  c->nscope--;
  c->nlocals--;
}

/* A derived fact (data_region, data.region) is computed wherever a rule
 * reads it, so the fact tree says nothing about whether it is known:
 * has(data.region) was false for a vendor whose countries give "US",
 * and `!has(data.region) || data.region == "JP"` passed it. Testing one
 * is an error that names the facts to test instead. */
static void has_derived(compiler *c, const ast *arg, const char *path) {
  fail(c, DC_BAD_MACRO, arg, "has() tests a fact or a field: '%s' is a "
       "derived fact, computed from other facts: test those", path);
}

/* has(x) of a name: a presence test of the top-level fact x. A macro's
 * variable or a let is no fact, so testing one is an error. */
static void has_var(compiler *c, const ast *n, const ast *arg) {
  bool rooted = arg->flags & AST_F_ROOTED;
  int l = rooted ? -1 : let_find(c, arg->name);
  if (!rooted && scope_find(c, arg->name)) {
    fail(c, DC_BAD_MACRO, arg, "has() tests a fact or a field: '%s' is a "
         "macro's variable", arg->name);
    return;
  }
  if (l >= 0 && c->o->lets[l].derived) {
    has_derived(c, arg, arg->name);
    return;
  }
  if (l >= 0) {
    fail(c, DC_BAD_MACRO, arg, "has() tests a fact or a field: '%s' is a "
         "let", arg->name);
    return;
  }
  emit(c, OP_HASVAR, name_const(c, arg->name, arg), n);
}

/* Whether the select chain [arg] names a derived fact (data.region),
 * as let_chain reads it; its dotted text is then in [buf]. */
static bool derived_chain(const compiler *c, const ast *arg, char *buf,
                          size_t cap) {
  const ast *root = chain_root(arg);
  int l;
  return root->kind == AST_IDENT && !(root->flags & AST_F_ROOTED) &&
         !scope_find(c, root->name) && qualified_name(arg, buf, cap) &&
         (l = let_find(c, buf)) >= 0 && c->o->lets[l].derived;
}

static void has_macro(compiler *c, const ast *n) {
  const ast *arg = n->kids[0];
  if (arg->kind == AST_IDENT) {
    has_var(c, n, arg);
    return;
  }
  if (arg->kind != AST_SELECT || (arg->flags & AST_F_OPTIONAL)) {
    fail(c, DC_BAD_MACRO, arg,
         "has() needs a field selection argument, as in has(a.b)%s", "");
    return;
  }
  char buf[512];
  if (derived_chain(c, arg, buf, sizeof buf)) {
    has_derived(c, arg, buf);
    return;
  }
  expr(c, arg->kids[0]);
  emit(c, OP_HAS, name_const(c, arg->name, arg), n);
}

static const struct {
  const char *name;
  int nargs; /* receiver excluded */
  int nvars;
  macro_kind k;
} macros[] = {
    {"all", 2, 1, M_ALL},           {"exists", 2, 1, M_EXISTS},
    {"exists_one", 2, 1, M_EXISTS_ONE}, {"existsOne", 2, 1, M_EXISTS_ONE},
    {"map", 2, 1, M_MAP},           {"map", 3, 1, M_MAP},
    {"filter", 2, 1, M_FILTER},     {"all", 3, 2, M_ALL},
    {"exists", 3, 2, M_EXISTS},     {"existsOne", 3, 2, M_EXISTS_ONE},
    {"exists_one", 3, 2, M_EXISTS_ONE},
    {"transformList", 3, 2, M_MAP}, {"transformList", 4, 2, M_MAP},
    {"transformMap", 3, 2, M_TRANSFORM_MAP},
    {"transformMap", 4, 2, M_TRANSFORM_MAP},
};

static const builtin *must_find(compiler *c, const char *name, int style,
                                int n, const ast *at) {
  const builtin *b = bi_lookup(name, style, n, NULL);
  if (!b)
    fail(c, DC_INTERNAL, at, "internal error: builtin '%s' is missing", name);
  return b;
}

/* o.optMap(v, e) is o.hasValue() ? optional.of(e[v := o.value()]) :
 * optional.none(); optFlatMap leaves out the optional.of (e is one). */
static void opt_map_macro(compiler *c, const ast *n, bool flat) {
  const char *var = var_name(c, n->kids[1]);
  const builtin *has = must_find(c, "hasValue", BI_RECEIVER, 1, n),
                *value = must_find(c, "value", BI_RECEIVER, 1, n),
                *of = must_find(c, "optional.of", BI_GLOBAL, 1, n),
                *none = must_find(c, "optional.none", BI_GLOBAL, 0, n);
  if (!var || !has || !value || !of || !none)
    return;
  uint32_t slot = local_alloc(c, 1);
  expr(c, n->kids[0]);
  emit(c, OP_STORELOCAL, slot, n);
  emit(c, OP_LOADLOCAL, slot, n);
  word(c, MK_BC(OP_CALL, fn_index(c, has, n), 1), n);
  uint32_t br = emit(c, OP_BRANCH, 0, n);
  emit(c, OP_LOADLOCAL, slot, n);
  word(c, MK_BC(OP_CALL, fn_index(c, value, n), 1), n);
  emit(c, OP_STORELOCAL, slot, n);
  scope_push(c, var, slot);
  expr(c, n->kids[2]);
  c->nscope--;
  if (!flat)
    word(c, MK_BC(OP_CALL, fn_index(c, of, n), 1), n);
  uint32_t end = emit(c, OP_JMP, 0, n);
  patch(c, br);
  stack(c, -1);
  word(c, MK_BC(OP_CALL, fn_index(c, none, n), 0), n);
  stack(c, 1);
  patch(c, end);
  c->nlocals--;
}

/* cel.block([e0, e1, ...], r): ei may use cel.index(j) for j < i; r may
 * use them all. Slots are evaluated eagerly, in order. */
static void block_macro(compiler *c, const ast *n) {
  const ast *l = n->kids[1];
  if (l->kind != AST_LIST || c->nblocks == (int)POL_COUNTOF(c->blocks)) {
    fail(c, DC_BAD_MACRO, l, "cel.block needs a list literal of expressions%s",
         "");
    return;
  }
  uint32_t base = local_alloc(c, l->nkids);
  c->blocks[c->nblocks].base = base;
  c->blocks[c->nblocks++].n = 0;
  for (uint32_t i = 0; i < l->nkids; i++) {
    expr(c, l->kids[i]);
    emit(c, OP_STORELOCAL, base + i, l->kids[i]);
    c->blocks[c->nblocks - 1].n = i + 1;
  }
  expr(c, n->kids[2]);
  c->nblocks--;
  c->nlocals -= l->nkids;
}

static void block_index(compiler *c, const ast *n) {
  const ast *i = n->kids[1];
  if (c->nblocks == 0 || i->kind != AST_INT_LIT || i->lit.i < 0 ||
      (uint64_t)i->lit.i >= c->blocks[c->nblocks - 1].n) {
    fail(c, DC_BAD_MACRO, n,
         "cel.index() outside its cel.block or out of range%s", "");
    return;
  }
  emit(c, OP_LOADLOCAL, c->blocks[c->nblocks - 1].base + (uint32_t)i->lit.i,
       n);
}

static bool is_cel_call(const compiler *c, const ast *n, const char *name,
                        uint32_t nkids) {
  return (n->flags & AST_F_RECEIVER) && n->nkids == nkids &&
         n->kids[0]->kind == AST_IDENT &&
         strcmp(n->kids[0]->name, "cel") == 0 && !scope_find(c, "cel") &&
         strcmp(n->name, name) == 0;
}

/* The cel.* macros: bind, block, index, iterVar/accuVar references. */
static bool cel_macro(compiler *c, const ast *n) {
  if (is_cel_call(c, n, "bind", 4)) {
    ast shifted = *n; /* drop the `cel` receiver */
    shifted.kids = n->kids + 1;
    shifted.nkids = n->nkids - 1;
    bind_macro(c, &shifted);
  } else if (is_cel_call(c, n, "block", 3)) {
    block_macro(c, n);
  } else if (is_cel_call(c, n, "index", 2)) {
    block_index(c, n);
  } else {
    const char *name = block_var_name(c, n);
    const scope_var *v = name ? scope_find(c, name) : NULL;
    if (!name)
      return false;
    if (v)
      emit(c, OP_LOADLOCAL, v->slot, n);
    else
      fail(c, DC_BAD_MACRO, n, "%s is not an iteration variable in scope",
           name);
  }
  return true;
}

/* How each macro is written, for the message when it is not. */
static const struct {
  const char *name, *form;
} macro_forms[] = {
    {"all", "x.all(v, condition) or x.all(i, v, condition)"},
    {"exists", "x.exists(v, condition) or x.exists(i, v, condition)"},
    {"exists_one", "x.exists_one(v, condition)"},
    {"existsOne", "x.existsOne(v, condition)"},
    {"map", "x.map(v, value) or x.map(v, condition, value)"},
    {"filter", "x.filter(v, condition)"},
    {"transformList", "x.transformList(i, v, value)"},
    {"transformMap", "x.transformMap(k, v, value)"},
    {"optMap", "o.optMap(v, value)"},
    {"optFlatMap", "o.optFlatMap(v, optional)"},
};

/* [n] calls a macro by name with arguments the macro does not take. In
 * CEL that is a call of an unknown method, an error at run time; in
 * strict mode, a wrong number of arguments, with the macro's form. False
 * when [n]'s name is no macro or the mode is not strict. */
static bool wrong_macro(compiler *c, const ast *n) {
  for (size_t i = 0; c->o->strict && i < POL_COUNTOF(macro_forms); i++)
    if (strcmp(macro_forms[i].name, n->name) == 0) {
      error(c, DC_ARITY, n->sp, "macro '%s' called with %u argument%s",
            n->name, n->nkids - 1, n->nkids == 2 ? "" : "s");
      diag_hint(c->d, "write %s", macro_forms[i].form);
      return true;
    }
  return false;
}

/* Expand [n] if it is a macro call; false if it is an ordinary call. */
static bool macro(compiler *c, const ast *n) {
  bool recv = n->flags & AST_F_RECEIVER;
  int nargs = (int)n->nkids - (recv ? 1 : 0);
  if (!recv && strcmp(n->name, "has") == 0 && nargs == 1) {
    has_macro(c, n);
    return true;
  }
  if (recv && cel_macro(c, n))
    return true;
  if (!recv)
    return false;
  if (nargs == 2 && (!strcmp(n->name, "optMap") ||
                     !strcmp(n->name, "optFlatMap"))) {
    opt_map_macro(c, n, n->name[3] == 'F');
    return true;
  }
  for (size_t i = 0; i < POL_COUNTOF(macros); i++)
    if (macros[i].nargs == nargs && strcmp(macros[i].name, n->name) == 0) {
      comprehension(c, n, macros[i].k, macros[i].nvars);
      return true;
    }
  return false;
}

/* ==== calls ============================================================== */

static uint32_t fn_index(compiler *c, const builtin *b, const ast *n) {
  program *p = c->p;
  for (uint32_t i = 0; i < p->nfns; i++)
    if (p->fns[i] == b)
      return i;
  if (p->nfns >= MAXARG_BC) {
    fail(c, DC_LIMIT, n, "too many distinct functions (limit is 4095)%s", "");
    return 0;
  }
  if (!mem_grow(&p->a.m, (void **)&p->fns, &c->cap_fns, p->nfns + 1,
                sizeof *p->fns)) {
    c->oom = true;
    return 0;
  }
  p->fns[p->nfns] = b;
  return p->nfns++;
}

/* matches() with a constant pattern, compiled now, once: a pattern
 * that does not compile is an error at its place in the source, not a
 * surprise per vendor; one that does becomes a MATCH of the program's
 * table of compiled patterns. False if [b] and [args] are no such call. */
static bool constant_match(compiler *c, const builtin *b,
                           const ast *const *args, uint32_t nargs,
                           const ast *n) {
  if (strcmp(b->name, "matches") != 0 || nargs != 2 ||
      args[1]->kind != AST_STRING_LIT)
    return false;
  program *p = c->p;
  val e, pat = val_string(&p->a, args[1]->lit.s.p, args[1]->lit.s.n);
  rx *re = pat.kind == V_STRING
               ? rx_compile(&p->a, pat.as.s->data, pat.as.s->len, &e,
                            !c->no_jit)
               : NULL;
  if (!re) {
    if (pat.kind == V_ERROR || e.as.e->kind == ERR_NOMEM)
      c->oom = true;
    else
      error(c, DC_BAD_REGEX, args[1]->sp, "%s", e.as.e->msg);
    return true;
  }
  uint32_t k = konst(c, pat, n), cap = p->nrx;
  size_t c1 = cap, c2 = cap;
  if (!mem_grow(&p->a.m, (void **)&p->rx, &c1, p->nrx + 1, sizeof *p->rx) ||
      !mem_grow(&p->a.m, (void **)&p->rx_const, &c2, p->nrx + 1,
                sizeof *p->rx_const)) {
    rx_free(re);
    c->oom = true;
    return true;
  }
  p->rx[p->nrx] = re;
  p->rx_const[p->nrx] = k;
  expr(c, args[0]);
  emit(c, OP_MATCH, p->nrx++, n);
  return true;
}

static void emit_call(compiler *c, const builtin *b, const ast *const *args,
                      uint32_t nargs, const ast *n) {
  if (nargs > MAXARG_BC) {
    fail(c, DC_LIMIT, n, "too many arguments%s", "");
    return;
  }
  if (constant_match(c, b, args, nargs, n))
    return;
  for (uint32_t i = 0; i < nargs; i++)
    expr(c, args[i]);
  word(c, MK_BC(OP_CALL, fn_index(c, b, n), nargs), n);
  stack(c, 1 - (int)nargs);
}

/* A known function called by [n] with the wrong number [got] of
 * arguments (the receiver not counted): what it takes, and its signature
 * as a hint. */
static void wrong_arity(compiler *c, const ast *n, const char *name,
                        int style, int got) {
  int min = 0, max = 0, recv = style == BI_RECEIVER;
  const char *doc = NULL;
  if (!bi_arity(name, style, &min, &max, &doc)) {
    error(c, DC_ARITY, n->sp, "wrong number of arguments to '%s'",
             name);
    return;
  }
  min -= recv;
  max -= max < 0 ? 0 : recv;
  const char *what = recv ? "method" : "function";
  if (max < 0)
    error(c, DC_ARITY, n->sp, "%s '%s' takes at least %d argument%s, "
             "got %d", what, name, min, min == 1 ? "" : "s", got);
  else if (min == max)
    error(c, DC_ARITY, n->sp, "%s '%s' takes %d argument%s, got %d",
             what, name, min, min == 1 ? "" : "s", got);
  else
    error(c, DC_ARITY, n->sp, "%s '%s' takes %d to %d arguments, "
             "got %d", what, name, min, max, got);
  size_t sig = strcspn(doc, ":");
  diag_hint(c->d, "%.*s", (int)sig, doc);
}

/* The function [name] (of [style]) most likely meant: a builtin, a host
 * function or a macro near it by spelling, or the CEL name of a name
 * from another language (len: size). NULL if none. */
static const char *function_like(const compiler *c, const char *name,
                                 int style) {
  const char *alias = bi_alias(name);
  if (alias)
    return alias;
  suggest s;
  suggest_init(&s, name);
  bi_offer(&s, style);
  if (style == BI_GLOBAL) {
    host_offer(c->o->hosts, &s);
    suggest_offer(&s, "now"); /* no builtin: call() compiles it */
  }
  return suggest_best(&s);
}

/* A call of a function nobody defines. In CEL it is an error value at
 * run time, which && and || can absorb: `f_unknown(1) || true` is true.
 * In strict mode (always in policies) it is a compile error, with the
 * function most likely meant. */
static void unknown_function(compiler *c, const ast *n, const char *name,
                             int style) {
  const char *what = style == BI_RECEIVER ? "method" : "function";
  if (c->o->strict) {
    error(c, style == BI_RECEIVER ? DC_UNKNOWN_METHOD
                                        : DC_UNKNOWN_FUNCTION,
             n->sp, "unknown %s '%s'", what, name);
    const char *like = function_like(c, name, style);
    if (like)
      diag_hint(c->d, "did you mean '%s'?", like);
    return;
  }
  const char *msg = arena_printf(&c->p->a, "unknown %s '%s'", what, name);
  emit(c, OP_ERROR, name_const(c, msg ? msg : name, n), n);
}

bool compile_is_namespace(const char *name) {
  static const char *const names[] = {"math", "strings", "base64",
                                      "optional"};
  for (size_t i = 0; i < POL_COUNTOF(names); i++)
    if (strcmp(names[i], name) == 0)
      return true;
  return false;
}

/* The dotted name of the receiver-style call [n] ("math.greatest") in
 * [buf] of 256 bytes, or false if its receiver chain names a variable
 * (then it is a method call). */
static bool qualified_fn_name(compiler *c, const ast *n, char *buf) {
  const ast *recv = n->kids[0];
  const ast *root = chain_root(recv);
  if (root->kind != AST_IDENT || scope_find(c, root->name) ||
      declared(c, root->name) || !qualified_name(recv, buf, 256))
    return false;
  size_t len = strlen(buf);
  if (len + strlen(n->name) + 2 > 256)
    return false;
  buf[len] = '.';
  strcpy(buf + len + 1, n->name);
  return true;
}

/* ns.f(args) where ns.f is a qualified global (math.greatest): true if
 * the receiver chain names no variable and the function exists. */
static bool qualified_call(compiler *c, const ast *n) {
  char buf[256];
  if (!qualified_fn_name(c, n, buf))
    return false;
  bool found;
  const builtin *b = bi_lookup(buf, BI_GLOBAL, (int)n->nkids - 1, &found);
  const char *ns = chain_root(n->kids[0])->name;
  if (!b && !found && !compile_is_namespace(ns) &&
      !host_namespace(c->o->hosts, ns))
    return false;
  if (!b && !found) { /* math.sqrt, sample.shuot: a function we lack */
    unknown_function(c, n, buf, BI_GLOBAL);
    return true;
  }
  if (!b)
    wrong_arity(c, n, buf, BI_GLOBAL, (int)n->nkids - 1);
  else
    emit_call(c, b, (const ast *const *)n->kids + 1, n->nkids - 1, n);
  return true;
}

/* The type of argument [i] as the canonical signature [sig] spells it
 * ("int64(string, double)", 1: "double"), for messages. */
static const char *sig_arg(const char *sig, int i, char *buf, size_t cap) {
  const char *p = strchr(sig, '(') + 1;
  while (i-- > 0)
    p = strchr(p, ',') + 2;
  size_t len = strcspn(p, ",)");
  if (len + 1 > cap)
    len = cap - 1;
  memcpy(buf, p, len);
  buf[len] = '\0';
  return strcmp(buf, "strlen") == 0 ? "string or bytes" : buf;
}

/* Whether host function [b] takes [n] arguments; if not, the error. */
static bool host_arity(compiler *c, const builtin *b, uint32_t n,
                       const ast *at) {
  if ((int)n >= b->min && (b->max < 0 || (int)n <= b->max))
    return true;
  const char *sig = host_signature(b), *s = b->min == 1 ? "" : "s";
  if (sig)
    error(c, DC_ARITY, at->sp, "'%s' takes %d argument%s (%s), got %u",
             b->name, b->min, s, sig, n);
  else if (b->max < 0)
    error(c, DC_ARITY, at->sp,
             "'%s' takes at least %d argument%s, got %u", b->name, b->min, s,
             n);
  else if (b->min == b->max)
    error(c, DC_ARITY, at->sp, "'%s' takes %d argument%s, got %u",
             b->name, b->min, s, n);
  else
    error(c, DC_ARITY, at->sp, "'%s' takes %d to %d arguments, got %u",
             b->name, b->min, b->max, n);
  return false;
}

/* Whether every constant argument has a type host function [b] takes;
 * each one that does not is an error. Other arguments are converted,
 * or rejected, at run time. */
static bool host_literals(compiler *c, const builtin *b,
                          const ast *const *args, uint32_t n) {
  bool ok = true;
  for (uint32_t i = 0; i < n; i++) {
    val v;
    char want[32];
    if (!literal_value(c, args[i], &v) || host_accepts(b, (int)i, v.kind))
      continue;
    error(c, DC_ARG_TYPE, args[i]->sp,
             "host function '%s': argument %u must be %s, got %s (%s)",
             b->name, i + 1, sig_arg(host_signature(b), (int)i, want,
                                     sizeof want),
             val_kind_name(v.kind), host_signature(b));
    ok = false;
  }
  return ok;
}

/* A call of a host function (host.h): f(x), or a.b.f(x) when a is no
 * variable, checked against its signature. False if [n] calls none. */
static bool host_fn_call(compiler *c, const ast *n) {
  char buf[256];
  bool recv = n->flags & AST_F_RECEIVER;
  if (!c->o->hosts || (recv && !qualified_fn_name(c, n, buf)))
    return false;
  const builtin *b = host_find(c->o->hosts, recv ? buf : n->name);
  if (!b)
    return false;
  const ast *const *args = (const ast *const *)n->kids + recv;
  uint32_t nargs = n->nkids - recv;
  if (host_arity(c, b, nargs, n) && host_literals(c, b, args, nargs))
    emit_call(c, b, args, nargs, n);
  return true;
}

static void call(compiler *c, const ast *n) {
  if (host_fn_call(c, n) || macro(c, n))
    return;
  bool recv = n->flags & AST_F_RECEIVER;
  if (!recv && n->nkids == 0 && strcmp(n->name, "now") == 0) {
    /* the evaluation date: a variable the VM supplies (vm.c loadvar) */
    emit(c, OP_LOADVAR, name_const(c, "$now", n), n);
    return;
  }
  if (recv && qualified_call(c, n))
    return;
  int style = recv ? BI_RECEIVER : BI_GLOBAL;
  bool found;
  const builtin *b = bi_lookup(n->name, style, (int)n->nkids, &found);
  if (b)
    emit_call(c, b, (const ast *const *)n->kids, n->nkids, n);
  else if (found)
    wrong_arity(c, n, n->name, style, (int)n->nkids - (recv ? 1 : 0));
  else if (!recv || !wrong_macro(c, n))
    unknown_function(c, n, n->name, style);
}

/* ==== the walk =========================================================== */

/* The recursion of the walk, through the lets it inlines, is bounded:
 * the checker refuses a let nested deeper than POL_MAX_INLINED_DEPTH
 * with its lets written out (check.c), residual.c makes no tree much
 * deeper, and this bound, twice that (some 2 MB of stack), holds
 * whoever calls the compiler. */
#define WALK_MAX (2 * POL_MAX_INLINED_DEPTH)

static void expr(compiler *c, const ast *n) {
  if (c->nest >= WALK_MAX) {
    if (!c->nest_said)
      error(c, DC_LIMIT, n->sp, "expression nested more than %d deep "
            "with its lets written out in place", WALK_MAX);
    c->nest_said = true;
    c->nerrors++;
    return;
  }
  c->nest++;
  expr_node(c, n);
  c->nest--;
}

static void expr_node(compiler *c, const ast *n) {
  if (c->naliases && (n->kind == AST_IDENT || n->kind == AST_SELECT) &&
      aliased(c, n))
    return;
  switch ((ast_kind)n->kind) {
  case AST_NULL_LIT:
  case AST_BOOL_LIT:
  case AST_INT_LIT:
  case AST_UINT_LIT:
  case AST_DOUBLE_LIT:
  case AST_STRING_LIT:
  case AST_BYTES_LIT: literal(c, n); return;
  case AST_IDENT: ident(c, n); return;
  case AST_SELECT: select_(c, n); return;
  case AST_INDEX:
    expr(c, n->kids[0]);
    expr(c, n->kids[1]);
    emit(c, (n->flags & AST_F_OPTIONAL) ? OP_OPTINDEX : OP_INDEX, 0, n);
    return;
  case AST_CALL: call(c, n); return;
  case AST_UNARY: unary(c, n); return;
  case AST_BINARY: binary(c, n); return;
  case AST_AND:
  case AST_OR: logic(c, n); return;
  case AST_COND: cond(c, n); return;
  case AST_LIST: list_(c, n); return;
  case AST_MAP: map_(c, n); return;
  case AST_MESSAGE:
    fail(c, DC_UNSUPPORTED, n, "message construction '%s{...}' is not supported",
         n->name);
    return;
  default:
    fail(c, DC_INTERNAL, n, "unexpected %s in expression",
         ast_kind_name(n->kind));
    return;
  }
}

compiler *cg_new(const compile_opts *o, const mem *m) {
  compiler *c = mem_calloc(m, 1, sizeof *c);
  if (!c)
    return NULL;
  c->o = o;
  c->p = mem_calloc(m, 1, sizeof *c->p);
  c->expanding = mem_calloc(m, o->nlets + 1, sizeof *c->expanding);
  c->inlined = mem_calloc(m, o->nlets + 1, sizeof *c->inlined);
  if (!c->p || !c->expanding || !c->inlined ||
      !names_init(&c->let_names, o->nlets, m)) {
    mem_free(m, c->p);
    mem_free(m, c->expanding);
    mem_free(m, c->inlined);
    mem_free(m, c);
    return NULL;
  }
  for (size_t i = 0; i < o->nlets; i++) /* in order: a later let shadows */
    names_put(&c->let_names, o->lets[i].name, (int)i);
  /* the program's arena holds its mem: everything of the program, and
   * the compiler's own tables, come from it */
  arena_init(&c->p->a, 0, m);
  return c;
}

/* A new entry computing [root], parsed from [d]; when [let] >= 0, root
 * is that let's expression, compiled as a use of the let is. */
static uint32_t entry(compiler *c, const ast *root, diag_list *d, int let) {
  size_t errors = c->nerrors;
  uint32_t at = c->p->ncode;
  c->entry_start = at;
  c->nentries++; /* forgets the trees of the entries before */
  c->too_big = false;
  c->d = d;
  c->cur_src = source_index(c, d);
  c->depth = 0;
  c->nlocals = 0;
  c->nscope = 0;
  if (let >= 0)
    inline_let(c, let, root);
  else
    expr(c, root);
  emit(c, OP_RETURN, 0, root);
  if (c->oom)
    diag_oom(d, root->sp);
  else if (c->depth != 0 && c->nerrors == errors) /* RETURN popped it */
    diag_add(d, DC_INTERNAL, root->sp,
             "internal error: stack depth %d at the end", c->depth);
  if (c->nerrors > errors || c->oom)
    c->failed = true;
  return at;
}

uint32_t cg_entry(compiler *c, const ast *root, diag_list *d) {
  return entry(c, root, d, -1);
}

uint32_t cg_let_entry(compiler *c, size_t i) {
  const compile_let *l = &c->o->lets[i];
  return entry(c, l->expr, l->src, (int)i);
}

void cg_no_jit(compiler *c) { c->no_jit = true; }

void cg_no_texts(compiler *c) { c->no_texts = true; }

uint64_t cg_const_steps(const compiler *c) { return c->const_steps; }

bool cg_let_inlined(const compiler *c, size_t i) {
  return i < c->o->nlets && c->inlined[i];
}

/* Copy every source text into the program, for runtime messages. */
static bool copy_sources(compiler *c) {
  program *p = c->p;
  p->srcs = mem_calloc(&p->a.m, c->nsrcs + 1, sizeof *p->srcs);
  if (!p->srcs)
    return false;
  for (uint32_t i = 0; i < c->nsrcs; i++) {
    const diag_list *d = c->srcs[i];
    p->nsrcs = i + 1; /* so program_free frees a partial copy */
    source *s = &p->srcs[i];
    s->name = mem_strdup(&p->a.m, d->file ? d->file : "<expr>");
    size_t len = c->no_texts ? 0 : d->srclen;
    s->text = mem_strndup(&p->a.m, d->src, len);
    if (!s->name || !s->text)
      return false;
    s->len = (uint32_t)len;
  }
  return true;
}

const program *cg_program(const compiler *c) { return c->p; }

/* ==== superinstructions ================================================== */

/* THE peephole step: the one place superinstructions are made. It
 * copies the finished code to p->xcode and gives the first word of each
 * pair listed in FUSED_OPCODES (opcodes.h) the fused opcode; the second
 * word stays, and the VM steps over it. Pairs are taken left to right
 * and never overlap, so every second word is still its own opcode; a
 * jump into one runs it alone, as before; and every loop's back edge
 * becomes LOOP. The pairs are the commonest ones in the profile of
 * `bench prof eval` (docs/performance.md). */
static const struct {
  uint8_t first, second, fused;
} fusions[] = {
#define X(name, a, b, doc) {OP_##a, OP_##b, OP_##name},
    FUSED_OPCODES(X)
#undef X
};

static uint32_t fused_op(uint32_t first, uint32_t second) {
  for (size_t i = 0; i < sizeof fusions / sizeof fusions[0]; i++)
    if (fusions[i].first == first && fusions[i].second == second &&
        fusions[i].fused != OP_LOOP && /* a jump's target, not its next */
        fusions[i].fused < OP_ITEM) /* and from ITEM on: longer runs */
      return fusions[i].fused;
  return OP__XCOUNT;
}

/* The opcode of word [pc] of p->code, or OP__COUNT past the end. */
static uint32_t op_at(const program *p, uint32_t pc) {
  return pc < p->ncode ? INS_OP(p->code[pc]) : OP__COUNT;
}

/* Whether word [pc] is [op] with the operand [a]. */
static bool is_ins(const program *p, uint32_t pc, opcode op, uint32_t a) {
  return op_at(p, pc) == op && INS_A(p->code[pc]) == a;
}

/* Whether the ITER_NEXT at [t] runs a loop whose list only size()
 * reads: x.filter(v, test).size() or size(x.filter(v, test)), as
 * comprehension() emits it (s: the macro's slots, e: the loop's exit):
 *
 *   t-3 ITER_INIT s       t-2 LIST 0            t-1 STORELOCAL s+4
 *   t   ITER_NEXT s (exit e)   ... the test ...   e-4 BRANCH to e-1
 *   e-3 LOADLOCAL s+2     e-2 APPEND s+4        e-1 JMP to t
 *   e   LOADLOCAL s+4     e+1 ITER_END s        e+2 CALL size/1
 *
 * Then the list need not be made: its length is counted instead
 * (COUNT_INIT, COUNT_ADD, COUNT_END in opcodes.h). Its exit into *[e]. */
static bool counted_loop(const program *p, uint32_t t, uint32_t *e) {
  if (t < 3 || t + 1 >= p->ncode || op_at(p, t) != OP_ITER_NEXT)
    return false;
  uint32_t s = INS_A(p->code[t]), x = t + 2 + p->code[t + 1];
  if ((s & ITER_TWO_VARS) || x < t + 6 || x >= p->ncode ||
      p->ncode - x < 3) /* (x may have wrapped: a loaded exit word) */
    return false;
  uint32_t call = p->code[x + 2];
  *e = x;
  return is_ins(p, t - 3, OP_ITER_INIT, s) && is_ins(p, t - 2, OP_LIST, 0) &&
         is_ins(p, t - 1, OP_STORELOCAL, s + ITER_ACC) &&
         op_at(p, x - 4) == OP_BRANCH && INS_SJ(p->code[x - 4]) == 2 &&
         is_ins(p, x - 3, OP_LOADLOCAL, s + 2) &&
         is_ins(p, x - 2, OP_APPEND, s + ITER_ACC) &&
         op_at(p, x - 1) == OP_JMP &&
         INS_SJ(p->code[x - 1]) == -(int32_t)(x - t) &&
         is_ins(p, x, OP_LOADLOCAL, s + ITER_ACC) &&
         is_ins(p, x + 1, OP_ITER_END, s) && INS_OP(call) == OP_CALL &&
         INS_C(call) == 1 && INS_B(call) < p->nfns &&
         bi_counts(p->fns[INS_B(call)]);
}

/* Where the jump at [pc] goes (past the end when it goes nowhere). */
static uint32_t jump_to(const program *p, uint32_t pc) {
  return pc + 1 + (uint32_t)INS_SJ(p->code[pc]);
}

/* The counting superinstruction that starts at [pc], or OP__XCOUNT:
 * the words of a counted_loop() that make, grow and measure its list. */
static uint32_t count_op(const program *p, uint32_t pc) {
  uint32_t e;
  opcode op = op_at(p, pc);
  if (op == OP_LIST)
    return counted_loop(p, pc + 2, &e) ? OP_COUNT_INIT : OP__XCOUNT;
  if (op != OP_LOADLOCAL)
    return OP__XCOUNT;
  if (op_at(p, pc + 2) == OP_JMP && counted_loop(p, jump_to(p, pc + 2), &e)
      && e == pc + 3)
    return OP_COUNT_ADD; /* LOADLOCAL v, APPEND */
  if (pc >= 1 && op_at(p, pc - 1) == OP_JMP &&
      counted_loop(p, jump_to(p, pc - 1), &e) && e == pc)
    return OP_COUNT_END; /* LOADLOCAL acc, ITER_END, CALL size */
  return OP__XCOUNT;
}

static uint32_t item_op(const program *p, uint32_t pc);

/* Whether the ITER_NEXT at [t] is a counted loop whose body is m[k].f ==
 * c of its own slots, c a string or an int: COUNT_EQ (opcodes.h). Its
 * words, from t: ITER_NEXT s (2), LOADLOCAL s, LOADLOCAL s+2, INDEX,
 * SELECT f, CONST c, EQ, then counted_loop's BRANCH, LOADLOCAL, APPEND
 * and JMP back; its exit at t+12. */
static bool count_eq_loop(const program *p, uint32_t t) {
  uint32_t e;
  if (!counted_loop(p, t, &e) || e != t + 12 ||
      item_op(p, t + 2) != OP_ITEM_SELECT ||
      INS_A(p->code[t + 2]) != INS_A(p->code[t]) ||
      op_at(p, t + 6) != OP_CONST || op_at(p, t + 7) != OP_EQ ||
      INS_A(p->code[t + 6]) >= p->nconsts)
    return false;
  uint8_t k = p->consts[INS_A(p->code[t + 6])].kind;
  return k == V_STRING || k == V_INT;
}

/* A superinstruction of more than a pair at [pc], or OP__XCOUNT:
 * CONST, EQ, BRANCH (a filter's test x == "c"); or an ITEM, LOADLOCAL
 * A, LOADLOCAL A+2, INDEX, which is m[k] in a loop over m (the loop's
 * range in L[A], its variable in L[A+2]); ITEM_SELECT when a SELECT
 * follows; NEXT_ITEM or COUNT_EQ at the ITER_NEXT of such a loop; or one
 * of a counted loop's (count_op). */
static uint32_t long_op(const program *p, uint32_t pc) {
  uint32_t f = count_op(p, pc);
  if (f != OP__XCOUNT)
    return f;
  if (op_at(p, pc) == OP_CONST && op_at(p, pc + 1) == OP_EQ &&
      op_at(p, pc + 2) == OP_BRANCH)
    return OP_CONST_EQ_BRANCH;
  if (count_eq_loop(p, pc))
    return OP_COUNT_EQ;
  if (op_at(p, pc) == OP_ITER_NEXT && !(INS_A(p->code[pc]) & ITER_TWO_VARS)
      && item_op(p, pc + 2) != OP__XCOUNT &&
      INS_A(p->code[pc + 2]) == INS_A(p->code[pc]))
    return OP_NEXT_ITEM; /* the loop's own ITEM: the entry just taken */
  return item_op(p, pc);
}

/* ITEM or ITEM_SELECT at [pc] (see long_op), or OP__XCOUNT. */
static uint32_t item_op(const program *p, uint32_t pc) {
  if (op_at(p, pc) != OP_LOADLOCAL || op_at(p, pc + 1) != OP_LOADLOCAL ||
      op_at(p, pc + 2) != OP_INDEX ||
      INS_A(p->code[pc + 1]) != INS_A(p->code[pc]) + 2)
    return OP__XCOUNT;
  return op_at(p, pc + 3) == OP_SELECT ? OP_ITEM_SELECT : OP_ITEM;
}

/* The words the superinstruction [f] of long_op() takes. */
static uint32_t long_words(uint32_t f) {
  switch (f) {
  case OP_ITEM_SELECT: return 4;
  case OP_COUNT_INIT: case OP_COUNT_ADD: return 2;
  case OP_NEXT_ITEM: case OP_COUNT_EQ:
    return 2; /* the ITER_NEXT: the body's words are fused too */
  default: return 3;
  }
}

/* A loop's back edge: a JMP back to an ITER_NEXT (every macro's loop;
 * the verifier lets only JMP go backwards) becomes LOOP. */
static bool loop_edge(const program *p, uint32_t pc) {
  uint32_t w = p->code[pc];
  int64_t to = (int64_t)pc + 1 + INS_SJ(w);
  return INS_OP(w) == OP_JMP && INS_SJ(w) < 0 && to >= 0 &&
         to < p->ncode && INS_OP(p->code[to]) == OP_ITER_NEXT;
}

/* The words of the instruction at [pc] (an AX takes two). */
static uint32_t ins_words(const program *p, uint32_t pc) {
  return op_info[INS_OP(p->code[pc])].fmt == FMT_AX ? 2 : 1;
}

bool program_fuse_next(const program *p, uint32_t *cursor, uint32_t *pc,
                       uint32_t *op) {
  while (*cursor < p->ncode) {
    uint32_t at = *cursor, next = at + ins_words(p, at);
    uint32_t f = loop_edge(p, at) ? OP_LOOP : OP__XCOUNT, g;
    if (next >= p->ncode) {
      *cursor = p->ncode;
    } else if ((g = long_op(p, at)) != OP__XCOUNT) {
      f = g; /* it takes all its words (long_words) */
      *cursor = at + long_words(g);
    } else if (long_op(p, next) != OP__XCOUNT) {
      *cursor = next; /* leave next to start one */
    } else {
      g = fused_op(INS_OP(p->code[at]), INS_OP(p->code[next]));
      if (g != OP__XCOUNT) {
        f = g;
        next += ins_words(p, next); /* the pair's second: not a first */
      }
      *cursor = next;
    }
    if (f != OP__XCOUNT) {
      *pc = at;
      *op = f;
      return true;
    }
  }
  return false;
}

void program_fuse(program *p) {
  uint32_t *x = p->ncode ? mem_alloc(&p->a.m, p->ncode * sizeof *x) : NULL;
  if (!x)
    return;
  memcpy(x, p->code, p->ncode * sizeof *x);
  uint32_t cursor = 0, pc, op;
  while (program_fuse_next(p, &cursor, &pc, &op))
    x[pc] = (x[pc] & ~0xffu) | op;
  p->xcode = x;
}

program *cg_finish(compiler *c) {
  program *p = c->p;
  mem m = p->a.m;
  bool ok = !c->failed && !c->oom;
  /* an arena that failed once goes on with a new chunk: a constant may be
   * missing */
  if (ok && (p->a.failed || !copy_sources(c))) {
    ok = false;
    if (c->d) /* no diagnostic to show: the status says it */
      c->d->oom = true;
  }
  if (!ok) {
    program_free(p);
    p = NULL;
  } else {
    program_fuse(p);
  }
  mem_free(&m, c->srcs);
  mem_free(&m, c->expanding);
  mem_free(&m, c->inlined);
  names_free(&c->let_names);
  mem_free(&m, c->ctab);
  mem_free(&m, c->chash);
  mem_free(&m, c->stab);
  mem_free(&m, c->nonconst);
  mem_free(&m, c);
  return p;
}

program *compile_expr(const ast *root, diag_list *d, const char *const *vars,
                      size_t nvars) {
  compile_opts o = {vars, nvars, NULL, 0, NULL, false};
  compiler *c = cg_new(&o, &d->a.m);
  if (!c) {
    diag_oom(d, root->sp);
    return NULL;
  }
  cg_entry(c, root, d);
  return cg_finish(c);
}

void program_free(program *p) {
  if (!p)
    return;
  mem m = p->a.m;
  mem_free(&m, p->code);
  mem_free(&m, p->xcode);
  mem_free(&m, p->locs);
  mem_free(&m, p->consts);
  mem_free(&m, p->fns);
  for (uint32_t i = 0; i < p->nsrcs; i++) {
    mem_free(&m, p->srcs[i].name);
    mem_free(&m, p->srcs[i].text);
  }
  mem_free(&m, p->srcs);
  for (uint32_t i = 0; i < p->nrx; i++)
    rx_free(p->rx[i]); /* before the arena: they point to its mem */
  mem_free(&m, p->rx);
  mem_free(&m, p->rx_const);
  arena_free(&p->a);
  mem_free(&m, p);
}
