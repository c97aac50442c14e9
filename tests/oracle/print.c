/*
 * print.c: an expression as CEL text. Every operator is parenthesized, so
 * the text never depends on precedence. In the folding-proof form each
 * literal scalar prints as a variable c<i> instead (c0, c1, ... in order
 * of appearance) whose value the caller binds: the compiler cannot fold
 * what it reads from facts, so comparing the two forms compares constant
 * folding with the VM.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"

typedef struct out {
  char *buf;
  size_t len;
  consts *c;
} out;

static void pr(out *o, const node *n);

static const char *const op_text[] = {
    [OP_ADD] = "+", [OP_SUB] = "-", [OP_MUL] = "*", [OP_DIV] = "/",
    [OP_MOD] = "%", [OP_EQ] = "==", [OP_NE] = "!=", [OP_LT] = "<",
    [OP_LE] = "<=", [OP_GT] = ">", [OP_GE] = ">=", [OP_IN] = "in",
    [OP_NEG] = "-", [OP_NOT] = "!"};

static const char *const macro_name[] = {
    [M_ALL] = "all", [M_EXISTS] = "exists", [M_EXISTS_ONE] = "exists_one",
    [M_MAP] = "map", [M_FILTER] = "filter"};

void print_literal(char **buf, size_t *len, ov v) {
  switch (v.k) {
  case K_INT:
    buf_printf(buf, len, v.as.i < 0 ? "(%lld)" : "%lld", (long long)v.as.i);
    break;
  case K_UINT: buf_printf(buf, len, "%lluu", (unsigned long long)v.as.u); break;
  case K_DOUBLE:
    buf_printf(buf, len, v.as.d < 0 || (v.as.d == 0 && 1 / v.as.d < 0) ? "("
                                                                        : "");
    ov_json(buf, len, v);
    buf_printf(buf, len, v.as.d < 0 || (v.as.d == 0 && 1 / v.as.d < 0) ? ")"
                                                                        : "");
    break;
  default: ov_json(buf, len, v); /* null, bool, string: JSON is CEL */
  }
}

static void literal(out *o, const node *n) {
  if (!o->c) {
    print_literal(&o->buf, &o->len, n->lit);
    return;
  }
  consts *c = o->c;
  if (c->n == c->cap) {
    c->cap = c->cap ? 2 * c->cap : 16;
    c->vals = realloc(c->vals, c->cap * sizeof *c->vals);
    if (!c->vals)
      exit(2);
  }
  c->vals[c->n] = n->lit;
  buf_printf(&o->buf, &o->len, "c%zu", c->n++);
}

/* An operand of a postfix operator (.f, [i], .size(), macros): names and
 * postfix chains need no parentheses, which has() also requires of the
 * selection it tests. */
static void operand(out *o, const node *n) {
  bool bare = n->k == N_IDENT || n->k == N_SELECT || n->k == N_INDEX;
  buf_printf(&o->buf, &o->len, bare ? "" : "(");
  pr(o, n);
  buf_printf(&o->buf, &o->len, bare ? "" : ")");
}

/* Items separated by ", " (pairs by ": " when [map]). */
static void items(out *o, const node *n, bool map) {
  for (int i = 0; i < n->nkids; i++) {
    if (i)
      buf_printf(&o->buf, &o->len, map && i % 2 ? ": " : ", ");
    pr(o, n->kids[i]);
  }
}

static void infix(out *o, const node *n, const char *op) {
  buf_printf(&o->buf, &o->len, "(");
  pr(o, n->kids[0]);
  buf_printf(&o->buf, &o->len, " %s ", op);
  pr(o, n->kids[1]);
  buf_printf(&o->buf, &o->len, ")");
}

static void pr(out *o, const node *n) {
  char **b = &o->buf;
  size_t *l = &o->len;
  switch (n->k) {
  case N_LIT: literal(o, n); break;
  case N_IDENT: buf_printf(b, l, "%s", n->name); break;
  case N_SELECT:
    operand(o, n->kids[0]);
    buf_printf(b, l, ".%s", n->name);
    break;
  case N_HAS:
    buf_printf(b, l, "has(");
    operand(o, n->kids[0]);
    buf_printf(b, l, ".%s)", n->name);
    break;
  case N_INDEX:
    operand(o, n->kids[0]);
    buf_printf(b, l, "[");
    pr(o, n->kids[1]);
    buf_printf(b, l, "]");
    break;
  case N_UNARY:
    buf_printf(b, l, "%s(", op_text[n->op]);
    pr(o, n->kids[0]);
    buf_printf(b, l, ")");
    break;
  case N_BINARY: infix(o, n, op_text[n->op]); break;
  case N_AND: infix(o, n, "&&"); break;
  case N_OR: infix(o, n, "||"); break;
  case N_COND:
    buf_printf(b, l, "(");
    pr(o, n->kids[0]);
    buf_printf(b, l, " ? ");
    pr(o, n->kids[1]);
    buf_printf(b, l, " : ");
    pr(o, n->kids[2]);
    buf_printf(b, l, ")");
    break;
  case N_LIST:
  case N_MAP:
    buf_printf(b, l, n->k == N_LIST ? "[" : "{");
    items(o, n, n->k == N_MAP);
    buf_printf(b, l, n->k == N_LIST ? "]" : "}");
    break;
  case N_SIZE:
    if (n->op) {
      operand(o, n->kids[0]);
      buf_printf(b, l, ".size()");
    } else {
      buf_printf(b, l, "size(");
      pr(o, n->kids[0]);
      buf_printf(b, l, ")");
    }
    break;
  case N_MACRO:
    operand(o, n->kids[0]);
    buf_printf(b, l, ".%s(%s, ", macro_name[n->op], n->name);
    pr(o, n->kids[1]);
    buf_printf(b, l, ")");
    break;
  }
}

char *print_expr(const node *n, consts *c) {
  out o = {NULL, 0, c};
  if (c)
    c->n = 0;
  buf_printf(&o.buf, &o.len, "%s", "");
  pr(&o, n);
  return o.buf;
}
