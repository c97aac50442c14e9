/*
 * unparse.c: an expression's syntax tree back to CEL text (ast.h
 * ast_unparse). Residuals (residual.c) are trees made from a rule's
 * tree with the known facts replaced by literals; this is how a report
 * shows them, so the text must read back as the same expression: it
 * puts parentheses exactly where the precedence of CEL's grammar needs
 * them, and nowhere else, so `a || b && c` stays as it is and
 * `(a || b) && c` keeps its parentheses.
 *
 * Literals print as val_print prints values (the conformance corpus's
 * "CEL literal text"), so a value the report substituted reads the same
 * as it does in a fact line.
 */
#include "ast.h"

#include <string.h>

#include "value.h"

/* Binding strength, loosest first, as in CEL's grammar: expr ?: ,
 * conditionalOr, conditionalAnd, relation, addition, multiplication,
 * unary, member (selection, index, call) and primary. */
enum { P_COND = 1, P_OR, P_AND, P_REL, P_ADD, P_MUL, P_UNARY, P_MEMBER };

static void unparse(sbuf *b, const ast *n, int ctx, int depth);

static int binary_prec(int op) {
  if (op == AST_OP_ADD || op == AST_OP_SUB)
    return P_ADD;
  if (op == AST_OP_MUL || op == AST_OP_DIV || op == AST_OP_MOD)
    return P_MUL;
  return P_REL;
}

static int prec(const ast *n) {
  switch ((ast_kind)n->kind) {
  case AST_COND: return P_COND;
  case AST_OR: return P_OR;
  case AST_AND: return P_AND;
  case AST_BINARY: return binary_prec(n->op);
  case AST_UNARY: return P_UNARY;
  case AST_INT_LIT: return n->lit.i < 0 ? P_UNARY : P_MEMBER;
  case AST_DOUBLE_LIT: return n->lit.d < 0 ? P_UNARY : P_MEMBER;
  default: return P_MEMBER;
  }
}

/* CEL's reserved words: a field of that name needs backquotes. */
static bool reserved(const char *s) {
  static const char *const words[] = {
      "as",    "break", "const",   "continue", "else",      "false",
      "for",   "function", "if",   "import",   "in",        "let",
      "loop",  "package", "namespace", "null", "return",    "true",
      "var",   "void",  "while"};
  for (size_t i = 0; i < POL_COUNTOF(words); i++)
    if (words[i][0] == s[0] && strcmp(words[i], s) == 0)
      return true;
  return false;
}

static bool plain_name(const char *s) {
  if (!s || !*s || (*s >= '0' && *s <= '9'))
    return false;
  for (const char *c = s; *c; c++)
    if (!(*c == '_' || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
          (*c >= '0' && *c <= '9')))
      return false;
  return !reserved(s);
}

/* A field name after a dot: as is, or `quoted` when it is not a plain
 * identifier. */
static void field_name(sbuf *b, const char *s) {
  if (plain_name(s)) {
    sb_puts(b, s);
    return;
  }
  sb_putc(b, '`');
  sb_puts(b, s ? s : "");
  sb_putc(b, '`');
}

/* A string or bytes literal, escaped as val_print escapes values. */
static void quoted(sbuf *b, const ast *n) {
  val_print_text(b, n->lit.s.p, n->lit.s.n, n->kind == AST_BYTES_LIT);
}

static void literal(sbuf *b, const ast *n) {
  switch ((ast_kind)n->kind) {
  case AST_NULL_LIT: sb_puts(b, "null"); return;
  case AST_BOOL_LIT: sb_puts(b, n->lit.b ? "true" : "false"); return;
  case AST_INT_LIT: sb_put_int(b, n->lit.i); return;
  case AST_UINT_LIT: sb_put_uint(b, n->lit.u); sb_putc(b, 'u'); return;
  case AST_DOUBLE_LIT: val_print(b, val_double(n->lit.d)); return;
  default: quoted(b, n); return;
  }
}

/* kids [from, nkids) of [n], comma-separated; a list element or map
 * entry marked optional gets its '?'. */
static void args(sbuf *b, const ast *n, uint32_t from, int depth) {
  for (uint32_t i = from; i < n->nkids; i++) {
    const ast *k = n->kids[i];
    if (i > from)
      sb_puts(b, ", ");
    if (n->kind == AST_LIST && (k->flags & AST_F_OPT_ELEM))
      sb_putc(b, '?');
    unparse(b, k, 0, depth);
  }
}

static void call(sbuf *b, const ast *n, int depth) {
  uint32_t from = 0;
  if (n->flags & AST_F_RECEIVER) {
    unparse(b, n->kids[0], P_MEMBER, depth);
    sb_putc(b, '.');
    from = 1;
  } else if (n->flags & AST_F_ROOTED) {
    sb_putc(b, '.');
  }
  sb_puts(b, n->name);
  sb_putc(b, '(');
  args(b, n, from, depth);
  sb_putc(b, ')');
}

/* {k: v, ...} and Name{f: v, ...}. */
static void entries(sbuf *b, const ast *n, int depth) {
  if (n->kind == AST_MESSAGE) {
    if (n->flags & AST_F_ROOTED)
      sb_putc(b, '.');
    sb_puts(b, n->name);
  }
  sb_putc(b, '{');
  for (uint32_t i = 0; i < n->nkids; i++) {
    const ast *e = n->kids[i];
    sb_puts(b, i ? ", " : "");
    if (e->flags & AST_F_OPTIONAL)
      sb_putc(b, '?');
    if (e->kind == AST_FIELD)
      field_name(b, e->name);
    else
      unparse(b, e->kids[0], 0, depth);
    sb_puts(b, ": ");
    unparse(b, e->kids[e->kind == AST_FIELD ? 0 : 1], 0, depth);
  }
  sb_putc(b, '}');
}

static void operators(sbuf *b, const ast *n, int depth) {
  int p = prec(n);
  switch ((ast_kind)n->kind) {
  case AST_COND:
    unparse(b, n->kids[0], P_OR, depth);
    sb_puts(b, " ? ");
    unparse(b, n->kids[1], P_OR, depth);
    sb_puts(b, " : ");
    unparse(b, n->kids[2], P_COND, depth);
    return;
  case AST_UNARY:
    sb_puts(b, ast_op_name((ast_op)n->op));
    unparse(b, n->kids[0], P_UNARY, depth);
    return;
  default: /* AND, OR, BINARY: left-associative */
    unparse(b, n->kids[0], p, depth);
    sb_putc(b, ' ');
    sb_puts(b, n->kind == AST_AND   ? "&&"
               : n->kind == AST_OR  ? "||"
                                    : ast_op_name((ast_op)n->op));
    sb_putc(b, ' ');
    unparse(b, n->kids[1], p + 1, depth);
  }
}

static void member(sbuf *b, const ast *n, int depth) {
  bool opt = n->flags & AST_F_OPTIONAL;
  switch ((ast_kind)n->kind) {
  case AST_IDENT:
    if (n->flags & AST_F_ROOTED)
      sb_putc(b, '.');
    sb_puts(b, n->name);
    return;
  case AST_SELECT:
    unparse(b, n->kids[0], P_MEMBER, depth);
    sb_puts(b, opt ? ".?" : ".");
    field_name(b, n->name);
    return;
  case AST_INDEX:
    unparse(b, n->kids[0], P_MEMBER, depth);
    sb_puts(b, opt ? "[?" : "[");
    unparse(b, n->kids[1], 0, depth);
    sb_putc(b, ']');
    return;
  case AST_CALL: call(b, n, depth); return;
  case AST_LIST:
    sb_putc(b, '[');
    args(b, n, 0, depth);
    sb_putc(b, ']');
    return;
  case AST_MAP:
  case AST_MESSAGE: entries(b, n, depth); return;
  default: literal(b, n); return;
  }
}

/* [n] in a place that binds as tightly as [ctx]: parenthesised when its
 * own operator binds more loosely. */
static void unparse(sbuf *b, const ast *n, int ctx, int depth) {
  if (!n || depth > POL_MAX_PARSE_DEPTH * 4) {
    sb_puts(b, "...");
    return;
  }
  if (n->kind == AST_COND && (n->flags & AST_F_DERIVED))
    n = n->kids[1]; /* a derived fact's use (residual_text.c): its path */
  bool paren = prec(n) < ctx;
  if (paren)
    sb_putc(b, '(');
  if (prec(n) == P_MEMBER)
    member(b, n, depth + 1);
  else if (n->kind == AST_INT_LIT || n->kind == AST_DOUBLE_LIT)
    literal(b, n); /* a negative number */
  else
    operators(b, n, depth + 1);
  if (paren)
    sb_putc(b, ')');
}

void ast_unparse(sbuf *b, const ast *n) { unparse(b, n, 0, 0); }
