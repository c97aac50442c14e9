/*
 * verify.c: the bytecode verifier (verify.h). The VM trusts its program
 * completely: it indexes constants, locals and functions without bounds
 * checks and pops without looking. So a loaded program must be proven
 * safe first, in three steps:
 *
 *   1. A linear sweep finds where instructions start (an AX instruction
 *      takes two words) and checks every opcode and operand: constant
 *      indexes and their kinds, local slots, function indexes and
 *      argument counts, unused operand bits, and jump targets (inside
 *      the code, on an instruction start, and forward for everything but
 *      JMP, whose backward jumps are what the step budget counts).
 *   2. The source table: every word's location lies within its source.
 *   3. Abstract interpretation from every entry point, with the stack
 *      effects of opcodes.h: the stack depth at each instruction (never
 *      below what it pops, never above maxstack, the same on every path
 *      into a join point, exactly 1 at RETURN, no falling off the end),
 *      and a class per local slot. The VM does not clear locals between
 *      runs, and APPEND, COUNT and ITER_NEXT write into a slot's value in
 *      place, so a slot must be set before it is read, and hold what the
 *      instruction expects: a list builder for APPEND and PAIR, an int
 *      for COUNT, an ITER_INIT range and position for ITER_NEXT.
 *
 * The analysis keeps a state only at labels (jump targets, BRANCH error
 * landings, entries) and sweeps them in code order until nothing
 * changes; slot classes only ever move up a small lattice, so it ends.
 */
#include "verify.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dump.h"
#include "opcodes.h"

static const struct {
  const char *name;
  int fmt, in, out;
} ops[] = {
#define X(name, fmt, in, out, doc) {#name, FMT_##fmt, in, out},
    OPCODES(X)
#undef X
};

/* What a local slot (or the value on top of the stack) is known to hold.
 * Merging two different classes gives ANY, except INDEX with INT (INT);
 * merging with UNSET gives UNSET. */
enum {
  CL_UNSET, /* not set on some path: must not be read */
  CL_ANY,   /* some value */
  CL_INT,   /* an int, or an error (a COUNT counter) */
  CL_INDEX, /* an int set by ITER_INIT and advanced by ITER_NEXT only */
  CL_LIST,  /* a list or an error (an APPEND/PAIR builder) */
  CL_RANGE  /* a list, a map or an error (set by ITER_INIT) */
};

#define NO_NEXT UINT32_MAX

typedef struct verifier {
  const program *p;
  const mem *m;     /* the program's allocator, for these tables */
  uint8_t *start;   /* per word: 1 where an instruction starts */
  uint32_t *label;  /* per word: label number + 1, or 0 */
  uint32_t nlabels;
  uint32_t *lpc;    /* per label: its instruction */
  int32_t *ldepth;  /* per label: stack depth; -1 until reached */
  uint8_t *ltop;    /* per label: class of the value on top */
  uint8_t *lslots;  /* per label: nlocals slot classes */
  uint8_t *dirty;   /* per label: changed since last walked */
  uint32_t cur;     /* the label being walked */
  bool again;       /* a label at or before cur changed: sweep again */
  int32_t depth;    /* the state being walked: */
  uint8_t top;
  uint8_t *slots;
  uint64_t work;
  char *msg;
  size_t msglen;
} verifier;

static int fail(verifier *v, const char *fmt, ...) POL_PRINTF(2, 3);
static int fail(verifier *v, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(v->msg, v->msglen, fmt, ap);
  va_end(ap);
  return POL_EFORMAT;
}

static const char *opname(uint32_t w) { return ops[INS_OP(w)].name; }

/* ==== step 1: instructions and operands ================================== */

/* Mark instruction starts; reject unknown opcodes and a cut AX. */
static int scan(verifier *v) {
  const program *p = v->p;
  for (uint32_t pc = 0; pc < p->ncode; pc++) {
    uint32_t op = INS_OP(p->code[pc]);
    if (op >= OP__COUNT)
      return fail(v, "instruction %u: unknown opcode %u", pc, op);
    v->start[pc] = 1;
    if (ops[op].fmt == FMT_AX && ++pc >= p->ncode)
      return fail(v, "instruction %u: %s has no extra word (the code "
                  "ends)", pc - 1, ops[op].name);
  }
  return POL_OK;
}

/* Local slots [s] .. [s]+[n]-1 must exist. */
static int slots_ok(verifier *v, uint32_t pc, uint32_t s, uint32_t n) {
  if ((uint64_t)s + n <= v->p->nlocals)
    return POL_OK;
  if (n == 1)
    return fail(v, "instruction %u: %s uses local slot %u, the program has "
                "%u", pc, opname(v->p->code[pc]), s, v->p->nlocals);
  return fail(v, "instruction %u: %s uses local slots %u..%u, the program "
              "has %u", pc, opname(v->p->code[pc]), s, s + n - 1,
              v->p->nlocals);
}

static int const_ok(verifier *v, uint32_t pc, uint32_t k, bool string) {
  const program *p = v->p;
  if (k >= p->nconsts)
    return fail(v, "instruction %u: %s: constant %u does not exist (there "
                "are %u)", pc, opname(p->code[pc]), k, p->nconsts);
  if (string && p->consts[k].kind != V_STRING)
    return fail(v, "instruction %u: %s needs a string constant, constant "
                "%u is %s", pc, opname(p->code[pc]), k,
                val_kind_name(p->consts[k].kind));
  return POL_OK;
}

static int call_ok(verifier *v, uint32_t pc, uint32_t w) {
  const program *p = v->p;
  uint32_t b = INS_B(w), c = INS_C(w);
  if (b >= p->nfns)
    return fail(v, "instruction %u: CALL: function %u does not exist "
                "(there are %u)", pc, b, p->nfns);
  const builtin *f = p->fns[b];
  if ((int)c < f->min || (f->max >= 0 && (int)c > f->max))
    return fail(v, "instruction %u: CALL: '%s' takes %d..%d arguments, "
                "not %u", pc, f->name, f->min, f->max, c);
  return POL_OK;
}

/* The operands of the instruction at [pc], but not its jump target. */
static int operands(verifier *v, uint32_t pc) {
  uint32_t w = v->p->code[pc], a = INS_A(w);
  switch (INS_OP(w)) {
  case OP_CONST: return const_ok(v, pc, a, false);
  case OP_LOADVAR: case OP_SELECT: case OP_OPTSELECT: case OP_HAS:
  case OP_ERROR: case OP_OPTFACT: case OP_HASVAR:
    return const_ok(v, pc, a, true);
  case OP_LOADLOCAL: case OP_STORELOCAL: case OP_COUNT: case OP_APPEND:
  case OP_OPTAPPEND: case OP_PAIR: case OP_OPTPAIR:
    return slots_ok(v, pc, a, 1);
  case OP_BRK_FALSE: case OP_BRK_TRUE: /* the macro's accumulator */
    if (a < ITER_ACC)
      return fail(v, "instruction %u: %s tests local slot %u, which is no "
                  "macro's accumulator", pc, opname(w), a);
    return slots_ok(v, pc, a - ITER_ACC, ITER_ACC + 1);
  case OP_ITER_INIT: case OP_ITER_END: return slots_ok(v, pc, a, 5);
  case OP_ITER_NEXT:
    if (a & ~(ITER_SLOT_MASK | ITER_TWO_VARS))
      return fail(v, "instruction %u: ITER_NEXT has unused operand bits "
                  "set (0x%06x)", pc, a);
    return slots_ok(v, pc, a & ITER_SLOT_MASK, 5);
  case OP_CALL: return call_ok(v, pc, w);
  case OP_MATCH:
    if (a >= v->p->nrx)
      return fail(v, "instruction %u: MATCH: pattern %u does not exist "
                  "(there are %u)", pc, a, v->p->nrx);
    return POL_OK;
  case OP_LIST: case OP_MAP: return POL_OK; /* counts: see step() */
  default:
    if (ops[INS_OP(w)].fmt == FMT_N && a != 0)
      return fail(v, "instruction %u: %s takes no operand, found %u", pc,
                  opname(w), a);
    return POL_OK;
  }
}

/* The jump target of the instruction at [pc] into *[t], computed as the
 * VM does; false if it does not jump. */
static bool target_of(const program *p, uint32_t pc, int64_t *t) {
  uint32_t w = p->code[pc];
  switch (ops[INS_OP(w)].fmt) {
  case FMT_sJ: *t = (int64_t)pc + 1 + INS_SJ(w); return true;
  case FMT_AX: *t = (uint32_t)(pc + 2 + p->code[pc + 1]); return true;
  default: return false;
  }
}

/* [t] must be an instruction of the code; [what] names it. */
static int at_instruction(verifier *v, uint32_t pc, int64_t t,
                          const char *what) {
  if (t < 0 || t >= (int64_t)v->p->ncode)
    return fail(v, "instruction %u: %s %lld outside the code", pc, what,
                (long long)t);
  if (!v->start[t])
    return fail(v, "instruction %u: %s %lld is inside an instruction", pc,
                what, (long long)t);
  v->label[t] = 1; /* numbered by number_labels() */
  return POL_OK;
}

/* Check the jump target (and a BRANCH's error landing) of [pc]. Only JMP
 * may go backwards: the VM counts loop iterations on JMP alone, so any
 * other backward jump could loop forever. */
static int jump_ok(verifier *v, uint32_t pc) {
  int64_t t;
  uint32_t w = v->p->code[pc];
  if (!target_of(v->p, pc, &t))
    return POL_OK;
  int64_t first = pc + (ops[INS_OP(w)].fmt == FMT_AX ? 2 : 1);
  if (INS_OP(w) == OP_BRANCH)
    first++; /* the error landing, t - 1, must lie ahead too */
  if (INS_OP(w) != OP_JMP && t < first)
    return fail(v, "instruction %u: %s jumps backwards to %lld (only JMP "
                "may)", pc, opname(w), (long long)t);
  int rc = at_instruction(v, pc, t, "jump target");
  if (rc == POL_OK && INS_OP(w) == OP_BRANCH)
    rc = at_instruction(v, pc, t - 1, "error landing (jump target - 1)");
  return rc;
}

/* ==== step 2: the source table =========================================== */

static int sources_ok(verifier *v) {
  const program *p = v->p;
  for (uint32_t i = 0; i < p->nsrcs; i++)
    if (!p->srcs[i].name || !p->srcs[i].text)
      return fail(v, "source %u has no name or text", i);
  for (uint32_t pc = 0; pc < p->ncode; pc++) {
    const loc *l = &p->locs[pc];
    if (l->src >= p->nsrcs)
      return fail(v, "instruction %u: source %u does not exist (there are "
                  "%u)", pc, l->src, p->nsrcs);
    if ((uint64_t)l->off + l->len > p->srcs[l->src].len)
      return fail(v, "instruction %u: span %u+%u outside source %u (%u "
                  "bytes)", pc, l->off, l->len, l->src, p->srcs[l->src].len);
  }
  return POL_OK;
}

/* ==== step 3: stack depths and slots ===================================== */

static uint8_t join(uint8_t a, uint8_t b) {
  if (a == b)
    return a;
  if (a == CL_UNSET || b == CL_UNSET)
    return CL_UNSET;
  if ((a == CL_INT || a == CL_INDEX) && (b == CL_INT || b == CL_INDEX))
    return CL_INT;
  return CL_ANY;
}

static int too_complex(verifier *v) {
  return fail(v, "program too complex to verify (more than %llu steps)",
              (unsigned long long)VERIFY_MAX_WORK);
}

/* Flow the current state, with [depth] and [top], into the label at
 * [t], coming from instruction [pc]. */
static int merge(verifier *v, uint32_t pc, uint32_t t, int32_t depth,
                 uint8_t top) {
  uint32_t l = v->label[t] - 1, n = v->p->nlocals;
  uint8_t *s = v->lslots + (size_t)l * n;
  bool changed = false;
  if ((v->work += n + 1) > VERIFY_MAX_WORK)
    return too_complex(v);
  if (v->ldepth[l] < 0) {
    v->ldepth[l] = depth;
    v->ltop[l] = top;
    memcpy(s, v->slots, n);
    changed = true;
  } else if (v->ldepth[l] != depth) {
    return fail(v, "instruction %u: stack depth %d on the way to "
                "instruction %u, but %d on another path to it", pc, depth,
                t, v->ldepth[l]);
  } else {
    uint8_t j = join(v->ltop[l], top);
    changed = j != v->ltop[l];
    v->ltop[l] = j;
    for (uint32_t i = 0; i < n; i++) {
      j = join(s[i], v->slots[i]);
      changed |= j != s[i];
      s[i] = j;
    }
  }
  if (changed) {
    v->dirty[l] = 1;
    v->again |= l <= v->cur;
  }
  return POL_OK;
}

/* Slot [s] must hold class [want] (CL_ANY: anything that is set). */
static int need(verifier *v, uint32_t pc, uint32_t s, uint8_t want) {
  uint8_t c = v->slots[s];
  bool ok = want == CL_ANY ? c != CL_UNSET
            : want == CL_INT ? c == CL_INT || c == CL_INDEX
                             : c == want;
  if (ok)
    return POL_OK;
  static const char *const what[] = {
      "", "a value", "an int counter (CONST int; STORELOCAL)",
      "an ITER_INIT position", "a list builder (LIST 0; STORELOCAL)",
      "an ITER_INIT range"};
  return fail(v, "instruction %u: %s needs %s in local slot %u%s", pc,
              opname(v->p->code[pc]), what[want], s,
              c == CL_UNSET ? ", which is not set on every path here" : "");
}

/* The local-slot effects of the instruction [w] at [pc] (ITER_NEXT's
 * variables are set in step(), after its jump). */
static int slot_effects(verifier *v, uint32_t pc, uint32_t w) {
  uint32_t a = INS_A(w);
  int rc = POL_OK;
  switch (INS_OP(w)) {
  case OP_LOADLOCAL: case OP_ITER_END: return need(v, pc, a, CL_ANY);
  case OP_BRK_FALSE: case OP_BRK_TRUE: /* a traced run reads the range */
    if ((rc = need(v, pc, a, CL_ANY)) == POL_OK &&
        (rc = need(v, pc, a - ITER_ACC, CL_RANGE)) == POL_OK)
      rc = need(v, pc, a - ITER_ACC + 1, CL_INDEX);
    return rc;
  case OP_STORELOCAL: v->slots[a] = v->top; return POL_OK;
  case OP_ITER_INIT:
    v->slots[a] = CL_RANGE;
    v->slots[a + 1] = CL_INDEX;
    return POL_OK;
  case OP_ITER_NEXT:
    a &= ITER_SLOT_MASK;
    if ((rc = need(v, pc, a, CL_RANGE)) == POL_OK)
      rc = need(v, pc, a + 1, CL_INDEX);
    return rc;
  case OP_COUNT:
    rc = need(v, pc, a, CL_INT);
    v->slots[a] = CL_INT;
    return rc;
  case OP_APPEND: case OP_OPTAPPEND: case OP_PAIR: case OP_OPTPAIR:
    return need(v, pc, a, CL_LIST);
  default: return POL_OK;
  }
}

/* How many values the instruction [w] pops. */
static int64_t pops(uint32_t w) {
  switch (INS_OP(w)) {
  case OP_LIST: return INS_A(w);
  case OP_MAP: return 2 * (int64_t)INS_A(w);
  case OP_CALL: return INS_C(w);
  default: return ops[INS_OP(w)].in;
  }
}

/* The stack effect of [w] on the current state. */
static int stack_effect(verifier *v, uint32_t pc, uint32_t w) {
  opcode op = INS_OP(w);
  int64_t in = pops(w), reads = in;
  if (op == OP_ANDSC || op == OP_ORSC)
    reads = 1; /* they look at the top without popping it */
  if (v->depth < reads)
    return fail(v, "instruction %u: stack underflow: %s needs %lld "
                "value%s, the stack holds %d", pc, opname(w),
                (long long)reads, reads == 1 ? "" : "s", v->depth);
  if (op == OP_RETURN && v->depth != 1)
    return fail(v, "instruction %u: RETURN with %d values on the stack "
                "(must be 1)", pc, v->depth);
  v->depth = (int32_t)(v->depth - in + ops[op].out);
  if ((uint32_t)v->depth > v->p->maxstack)
    return fail(v, "instruction %u: stack depth %d exceeds the program's "
                "maxstack %u", pc, v->depth, v->p->maxstack);
  return POL_OK;
}

/* Run the instruction at [pc] on the current state: check it, flow into
 * its jump targets, and set *[next] to the next instruction, or NO_NEXT
 * after JMP and RETURN. */
static int step(verifier *v, uint32_t pc, uint32_t *next) {
  const program *p = v->p;
  uint32_t w = p->code[pc];
  opcode op = INS_OP(w);
  int64_t t;
  int rc = stack_effect(v, pc, w);
  if (rc == POL_OK)
    rc = slot_effects(v, pc, w);
  if (rc != POL_OK)
    return rc;
  bool list0 = op == OP_LIST && INS_A(w) == 0;
  bool int0 = op == OP_CONST && p->consts[INS_A(w)].kind == V_INT;
  v->top = list0 ? CL_LIST : int0 ? CL_INT : CL_ANY;
  *next = pc + (ops[op].fmt == FMT_AX ? 2 : 1);
  if (target_of(p, pc, &t))
    rc = merge(v, pc, (uint32_t)t, v->depth, v->top);
  if (rc == POL_OK && op == OP_BRANCH) /* the test's error stays pushed */
    rc = merge(v, pc, (uint32_t)t - 1, v->depth + 1, CL_ANY);
  if (op == OP_ITER_NEXT) {
    uint32_t s = INS_A(w) & ITER_SLOT_MASK;
    v->slots[s + 2] = CL_ANY;
    if (INS_A(w) & ITER_TWO_VARS)
      v->slots[s + 3] = CL_ANY;
  }
  if (op == OP_JMP || op == OP_RETURN)
    *next = NO_NEXT;
  return rc;
}

/* Walk from label [l] until a JMP or RETURN, or into the next label. */
static int walk(verifier *v, uint32_t l) {
  const program *p = v->p;
  uint32_t n = p->nlocals, pc = v->lpc[l], next;
  v->cur = l;
  v->depth = v->ldepth[l];
  v->top = v->ltop[l];
  memcpy(v->slots, v->lslots + (size_t)l * n, n);
  v->work += n;
  for (;;) {
    if (++v->work > VERIFY_MAX_WORK)
      return too_complex(v);
    int rc = step(v, pc, &next);
    if (rc != POL_OK || next == NO_NEXT)
      return rc;
    if (next >= p->ncode)
      return fail(v, "instruction %u: %s falls off the end of the code", pc,
                  opname(p->code[pc]));
    if (v->label[next])
      return merge(v, pc, next, v->depth, v->top);
    pc = next;
  }
}

/* Number the labels in code order and make room for their states;
 * POL_EFORMAT if those would not fit in VERIFY_MAX_STATE. */
static int number_labels(verifier *v) {
  const program *p = v->p;
  for (uint32_t pc = 0; pc < p->ncode; pc++)
    if (v->label[pc])
      v->label[pc] = ++v->nlabels;
  if (p->nlocals && v->nlabels > VERIFY_MAX_STATE / p->nlocals)
    return fail(v, "program too large to verify (%u branch targets and "
                "entries, %u local slots)", v->nlabels, p->nlocals);
  size_t nl = v->nlabels + 1;
  v->lpc = mem_alloc(v->m, nl * sizeof *v->lpc);
  v->ldepth = mem_alloc(v->m, nl * sizeof *v->ldepth);
  v->ltop = mem_calloc(v->m, nl, 1);
  v->dirty = mem_calloc(v->m, nl, 1);
  v->lslots = mem_calloc(v->m, (size_t)v->nlabels * p->nlocals + 1, 1);
  v->slots = mem_calloc(v->m, (size_t)p->nlocals + 1, 1);
  if (!v->lpc || !v->ldepth || !v->ltop || !v->dirty || !v->lslots ||
      !v->slots)
    return POL_ENOMEM;
  for (uint32_t pc = 0; pc < p->ncode; pc++)
    if (v->label[pc])
      v->lpc[v->label[pc] - 1] = pc;
  for (uint32_t l = 0; l < v->nlabels; l++)
    v->ldepth[l] = -1;
  return POL_OK;
}

static int entry_ok(verifier *v, const verify_entry *e) {
  char what[64];
  if (e->part >= 0)
    snprintf(what, sizeof what, "%s %d", e->what, e->part);
  else
    snprintf(what, sizeof what, "%s", e->what ? e->what : "entry");
  if (e->pc >= v->p->ncode)
    return fail(v, "rule '%s' %s: entry %u outside the code (%u words)",
                e->rule ? e->rule : "?", what, e->pc, v->p->ncode);
  if (!v->start[e->pc])
    return fail(v, "rule '%s' %s: entry %u is inside an instruction",
                e->rule ? e->rule : "?", what, e->pc);
  v->label[e->pc] = 1;
  return POL_OK;
}

/* Sweep the labels in code order until no state changes. */
static int flow(verifier *v, const verify_entry *entries, size_t n) {
  memset(v->slots, CL_UNSET, v->p->nlocals);
  v->depth = 0;
  v->top = CL_ANY;
  v->cur = 0;
  for (size_t i = 0; i < n; i++) {
    int rc = merge(v, entries[i].pc, entries[i].pc, 0, CL_ANY);
    if (rc != POL_OK)
      return rc;
  }
  do {
    v->again = false;
    for (uint32_t l = 0; l < v->nlabels; l++) {
      if (!v->dirty[l])
        continue;
      v->dirty[l] = 0;
      int rc = walk(v, l);
      if (rc != POL_OK)
        return rc;
    }
  } while (v->again);
  return POL_OK;
}

/* Step 1 over the whole code, then the limits on nlocals and maxstack. */
static int instructions_ok(verifier *v) {
  const program *p = v->p;
  int rc = scan(v);
  for (uint32_t pc = 0; rc == POL_OK && pc < p->ncode; pc++) {
    if (!v->start[pc])
      continue;
    rc = operands(v, pc);
    if (rc == POL_OK)
      rc = jump_ok(v, pc);
  }
  if (rc != POL_OK)
    return rc;
  if (p->nlocals > VERIFY_MAX_LOCALS)
    return fail(v, "the program has %u local slots (the limit is %u)",
                p->nlocals, VERIFY_MAX_LOCALS);
  if (p->maxstack > p->ncode) /* each push is an instruction */
    return fail(v, "maxstack %u is larger than the code (%u words)",
                p->maxstack, p->ncode);
  return POL_OK;
}

static void verifier_free(verifier *v) {
  mem_free(v->m, v->start);
  mem_free(v->m, v->label);
  mem_free(v->m, v->lpc);
  mem_free(v->m, v->ldepth);
  mem_free(v->m, v->ltop);
  mem_free(v->m, v->lslots);
  mem_free(v->m, v->dirty);
  mem_free(v->m, v->slots);
}

int verify_program(const program *p, const verify_entry *entries, size_t n,
                   char *msg, size_t msglen) {
  verifier v;
  memset(&v, 0, sizeof v);
  v.p = p;
  v.m = &p->a.m;
  v.msg = msg;
  v.msglen = msglen;
  v.start = mem_calloc(v.m, (size_t)p->ncode + 1, 1);
  v.label = mem_calloc(v.m, (size_t)p->ncode + 1, sizeof *v.label);
  int rc = v.start && v.label ? POL_OK : POL_ENOMEM;
  if (rc == POL_OK)
    rc = instructions_ok(&v);
  if (rc == POL_OK)
    rc = sources_ok(&v);
  for (size_t i = 0; rc == POL_OK && i < n; i++)
    rc = entry_ok(&v, &entries[i]);
  if (rc == POL_OK)
    rc = number_labels(&v);
  if (rc == POL_OK)
    rc = flow(&v, entries, n);
  if (rc == POL_ENOMEM)
    snprintf(msg, msglen, "out of memory while verifying");
  verifier_free(&v);
  return rc;
}

/* ==== policies =========================================================== */

static int pfail(char *msg, size_t msglen, const char *fmt, ...)
    POL_PRINTF(3, 4);
static int pfail(char *msg, size_t msglen, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, msglen, fmt, ap);
  va_end(ap);
  return POL_EFORMAT;
}

/* A type tree: a known kind; list and map with an element type, the
 * others without; at most DUMP_MAX_DEPTH deep. */
static bool type_ok(const fact_type *t, int depth) {
  if (!t || depth > DUMP_MAX_DEPTH)
    return false;
  switch (t->kind) {
  case V_LIST: case V_MAP: return type_ok(t->elem, depth + 1);
  case V_BOOL: case V_INT: case V_UINT: case V_DOUBLE: case V_STRING:
  case V_BYTES: case V_DURATION: case V_TIMESTAMP: case T_DYN:
    return t->elem == NULL;
  default: return false;
  }
}

static int facts_ok(const policy *p, char *msg, size_t msglen) {
  for (uint32_t i = 0; i < p->nfacts; i++) {
    const fact_decl *f = &p->facts[i];
    if (!f->path || !f->file)
      return pfail(msg, msglen, "fact %u has no path or file", i);
    if (i > 0 && strcmp(p->facts[i - 1].path, f->path) >= 0)
      return pfail(msg, msglen, "fact %u: '%s' is out of order or "
                   "repeated (declarations are sorted by path)", i,
                   f->path);
    if (!type_ok(f->type, 0))
      return pfail(msg, msglen, "fact '%s': malformed type", f->path);
    if (f->allowed.kind != V_NULL && f->allowed.kind != V_LIST)
      return pfail(msg, msglen, "fact '%s': allowed values must be a list",
                   f->path);
    if (!policy_labels_ok(f->labels))
      return pfail(msg, msglen, "fact '%s': labels must be a map of strings",
                   f->path);
  }
  return POL_OK;
}

static int rule_ok(const rule *r, uint32_t i, char *msg, size_t msglen) {
  if (!r->id || !r->title || !r->file)
    return pfail(msg, msglen, "rule %u has no id, title or file", i);
  if ((unsigned)r->sev > SEV_MAY)
    return pfail(msg, msglen, "rule '%s': severity %d is not must, should "
                 "or may", r->id, (int)r->sev);
  for (uint32_t k = 0; k < r->nrefs; k++)
    if (!r->refs[k])
      return pfail(msg, msglen, "rule '%s': ref %u is missing", r->id, k);
  if (r->when < -1)
    return pfail(msg, msglen, "rule '%s': bad when entry %d", r->id,
                 r->when);
  for (uint32_t k = 0; r->message && k < r->nmessage; k++)
    if (!r->message[k].text || r->message[k].entry < -1)
      return pfail(msg, msglen, "rule '%s': message part %u is malformed",
                   r->id, k);
  return POL_OK;
}

/* An expression's text ([what] of [whose]) lies inside its source. */
static int text_ok(const policy *p, const expr_src *e, const char *whose,
                   const char *what, bool optional, char *msg,
                   size_t msglen) {
  if (e->src == EXPR_NO_SRC && optional)
    return POL_OK;
  if (e->src >= p->prog->nsrcs ||
      e->off > p->prog->srcs[e->src].len ||
      e->len > p->prog->srcs[e->src].len - e->off)
    return pfail(msg, msglen, "%s: the text of its %s is outside the "
                 "sources", whose, what);
  return POL_OK;
}

/* The texts of the rules' expressions and of the lets. */
static int texts_ok(const policy *p, char *msg, size_t msglen) {
  for (uint32_t i = 0; i < p->nrules; i++) {
    const rule *r = &p->rules[i];
    int rc = text_ok(p, &r->when_at, r->id, "when", r->when < 0, msg,
                     msglen);
    if (rc == POL_OK)
      rc = text_ok(p, &r->require_at, r->id, "require", false, msg, msglen);
    if (rc != POL_OK)
      return rc;
  }
  for (uint32_t i = 0; i < p->nlets; i++) {
    if (!p->lets[i].name || !p->lets[i].name[0])
      return pfail(msg, msglen, "let %u has no name", i);
    int rc = text_ok(p, &p->lets[i].at, p->lets[i].name, "definition",
                     false, msg, msglen);
    if (rc != POL_OK)
      return rc;
  }
  return POL_OK;
}

/* Every rule expression and message expression, as entries. */
static verify_entry *entries_of(const policy *p, size_t *n) {
  size_t cap = 1;
  for (uint32_t i = 0; i < p->nrules; i++)
    cap += 2 + (p->rules[i].message ? p->rules[i].nmessage : 0);
  verify_entry *e = mem_alloc(&p->a.m, cap * sizeof *e);
  *n = 0;
  for (uint32_t i = 0; e && i < p->nrules; i++) {
    const rule *r = &p->rules[i];
    if (r->when >= 0)
      e[(*n)++] = (verify_entry){(uint32_t)r->when, r->id, "when", -1};
    e[(*n)++] = (verify_entry){r->require, r->id, "require", -1};
    for (uint32_t k = 0; r->message && k < r->nmessage; k++)
      if (r->message[k].entry >= 0)
        e[(*n)++] = (verify_entry){(uint32_t)r->message[k].entry, r->id,
                                   "message part", (int32_t)k};
  }
  return e;
}

int verify_policy(const policy *p, char *msg, size_t msglen) {
  if (!p->prog)
    return pfail(msg, msglen, "the policy has no program");
  if (!p->name || !p->file)
    return pfail(msg, msglen, "the policy has no name or file");
  for (uint32_t i = 0; i < p->nrules; i++) {
    int rc = rule_ok(&p->rules[i], i, msg, msglen);
    if (rc != POL_OK)
      return rc;
  }
  int rc = facts_ok(p, msg, msglen);
  if (rc == POL_OK)
    rc = texts_ok(p, msg, msglen);
  if (rc != POL_OK)
    return rc;
  size_t n;
  verify_entry *e = entries_of(p, &n);
  if (!e) {
    snprintf(msg, msglen, "out of memory while verifying");
    return POL_ENOMEM;
  }
  rc = verify_program(p->prog, e, n, msg, msglen);
  mem_free(&p->a.m, e);
  return rc;
}
