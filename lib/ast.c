/*
 * ast.c: AST node construction (ast_new, ast_push), the names of kinds and
 * operators, and ast_dump, the S-expression form tests compare against.
 *
 * ast_dump writes one parenthesised form per node, kind name first, the
 * payload next, then the kids; a '?' marks the optional syntax where it
 * stands in the source:
 *
 *   (NULL_LIT)  (BOOL_LIT true)  (INT_LIT -5)  (UINT_LIT 5u)
 *   (DOUBLE_LIT 1.5)  (STRING_LIT "a\n")  (BYTES_LIT b"\xff")
 *   (IDENT x)  (IDENT .x)                    x, .x (rooted)
 *   (SELECT (IDENT a) .b)  (SELECT (IDENT a) .?b)  (SELECT a .`b-c`)
 *   (INDEX (IDENT a) (INT_LIT 0))  (INDEX (IDENT a) ?(INT_LIT 0))
 *   (CALL f (IDENT x))  (CALL .f)            f(x), .f()
 *   (CALL (IDENT a) .f (INT_LIT 1))          a.f(1): receiver first
 *   (UNARY - (IDENT x))  (BINARY + (INT_LIT 1) (IDENT x))  (BINARY in a b)
 *   (AND a b)  (OR a b)  (COND c t e)
 *   (LIST (INT_LIT 1) ?(IDENT x))            [1, ?x]
 *   (MAP (ENTRY (STRING_LIT "k") (INT_LIT 1)) (ENTRY ?(IDENT k) (IDENT v)))
 *   (MESSAGE a.b.C (FIELD f (INT_LIT 1)) (FIELD ?g (IDENT v)))
 *
 * and for policies (parse_policy), the file first, then its statements:
 *
 *   (POLICY stmt...)
 *   (HEADER "cloud" (CLAUSE title (STRING_LIT "t")))   policy "cloud" {...}
 *   (IMPORT "regions")  (LET allowed (LIST (IDENT JP)))
 *   (FACT a.`b-c` (TYPE list (TYPE string)) (LIST ...) "description")
 *   (RULE r (CLAUSE severity (IDENT must)) (CLAUSE require (IDENT x)))
 *   (RULE (CLAUSE require (IDENT x)))        a bare expression: no name
 *
 * A policy's name, an import's module and a fact's description print as
 * strings; a fact's path prints as it is stored (backquotes and all).
 *
 * Strings print UTF-8 as is and escape quotes, backslashes and control
 * bytes; bytes escape everything outside printable ASCII as \xHH.
 * Doubles print in the shortest form that reads back exactly.
 *
 * Besides IDENT, the parser sets AST_F_ROOTED on a CALL (.f(x)) and on a
 * MESSAGE (.a.B{}). [?e] sets AST_F_OPT_ELEM on the element, apart from
 * a SELECT's own AST_F_OPTIONAL, so [a.?b] prints as (SELECT ... .?b)
 * and [?a.?b] as ?(SELECT ... .?b).
 */
#include "ast.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "value.h"

/* A new node of kind [k] at [sp] with no kids, zeroed payload; NULL when
 * the arena [a] is out of memory. */
ast *ast_new(arena *a, ast_kind k, span sp) {
  ast *n = arena_zalloc(a, sizeof *n);
  if (!n)
    return NULL;
  n->kind = (uint8_t)k;
  n->sp = sp;
  return n;
}

/* Append [kid] to [parent]'s kids; false (and nothing changed) on out of
 * memory. The kids array has no capacity field: it is grown to the next
 * power of two whenever nkids reaches 0, 2, 4, 8, ..., so it must only be
 * grown through ast_push (an array set by hand is fine when its length is
 * nkids and nkids is 0, 1 or a power of two; otherwise copy it first). */
bool ast_push(arena *a, ast *parent, ast *kid) {
  uint32_t n = parent->nkids;
  if (n == 0 || (n >= 2 && (n & (n - 1)) == 0)) {
    size_t cap = n < 2 ? 2 : (size_t)n * 2;
    ast **k = arena_alloc(a, cap * sizeof *k);
    if (!k)
      return false;
    if (n)
      memcpy(k, parent->kids, n * sizeof *k);
    parent->kids = k;
  }
  parent->kids[parent->nkids++] = kid;
  return true;
}

/* "INT_LIT", "CALL", ...; "?" for a value out of range. */
const char *ast_kind_name(ast_kind k) {
  static const char *const names[] = {
#define X(k, doc) #k,
      AST_KINDS(X)
#undef X
  };
  return (unsigned)k < POL_COUNTOF(names) ? names[k] : "?";
}

/* The operator as written in CEL: "-", "!", "+", "==", "in"; "" for
 * AST_OP_NONE or a value out of range. */
bool ast_dotted(const ast *n, char *buf, size_t cap, size_t *len) {
  if (n->kind == AST_IDENT) {
    *len = strlen(n->name);
    if (*len + 1 > cap)
      return false;
    memcpy(buf, n->name, *len + 1);
    return true;
  }
  if (n->kind != AST_SELECT || (n->flags & AST_F_OPTIONAL) ||
      !ast_dotted(n->kids[0], buf, cap, len))
    return false;
  size_t fl = strlen(n->name);
  if (*len + 1 + fl + 1 > cap)
    return false;
  buf[*len] = '.';
  memcpy(buf + *len + 1, n->name, fl + 1);
  *len += 1 + fl;
  return true;
}

const char *ast_op_name(ast_op op) {
  static const char *const names[] = {
      [AST_OP_NONE] = "", [AST_OP_NEG] = "-", [AST_OP_NOT] = "!",
      [AST_OP_ADD] = "+", [AST_OP_SUB] = "-", [AST_OP_MUL] = "*",
      [AST_OP_DIV] = "/", [AST_OP_MOD] = "%", [AST_OP_EQ] = "==",
      [AST_OP_NE] = "!=", [AST_OP_LT] = "<",  [AST_OP_LE] = "<=",
      [AST_OP_GT] = ">",  [AST_OP_GE] = ">=", [AST_OP_IN] = "in"};
  return (unsigned)op < POL_COUNTOF(names) ? names[op] : "";
}

/* ==== ast_dump ==== */

/* The [n] bytes at [s] quoted, as a bytes literal when [bytes]. */
static void dump_quoted(sbuf *b, const char *s, size_t n, bool bytes) {
  sb_puts(b, bytes ? "b\"" : "\"");
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\')
      sb_printf(b, "\\%c", c);
    else if (c == '\n')
      sb_puts(b, "\\n");
    else if (c == '\t')
      sb_puts(b, "\\t");
    else if (c == '\r')
      sb_puts(b, "\\r");
    else if (c < 0x20 || c == 0x7F || (bytes && c >= 0x80))
      sb_printf(b, "\\x%02x", c);
    else
      sb_putc(b, (char)c);
  }
  sb_putc(b, '"');
}

/* Quoted string or bytes literal text. */
static void dump_str(sbuf *b, const ast *n) {
  dump_quoted(b, n->lit.s.p, n->lit.s.n, n->kind == AST_BYTES_LIT);
}

/* The shortest %g form of [d] that reads back exactly, in the "C" locale
 * whatever the host set, and always looking like a double. */
static void dump_double(sbuf *b, double d) {
  char buf[40];
  locale_t old = uselocale(json_c_locale());
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, d);
    if (strtod(buf, NULL) == d)
      break;
  }
  uselocale(old);
  sb_puts(b, buf);
  if (!strpbrk(buf, ".eni"))
    sb_puts(b, ".0");
}

/* A name: as is when it is made of identifier characters and dots,
 * else in backquotes. */
static void dump_name(sbuf *b, const char *s) {
  bool plain = s && *s;
  for (const char *c = s; plain && *c; c++)
    plain = *c == '_' || *c == '.' || (*c >= 'a' && *c <= 'z') ||
            (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9');
  if (plain)
    sb_puts(b, s);
  else
    sb_printf(b, "`%s`", s ? s : "");
}

static void dump(sbuf *b, const ast *n, int depth);

/* " kid" for kid [i] of [n], with '?' first when [opt]. */
static void dump_kid(sbuf *b, const ast *n, uint32_t i, bool opt, int depth) {
  sb_puts(b, opt ? " ?" : " ");
  dump(b, i < n->nkids ? n->kids[i] : NULL, depth);
}

/* The payload of [n]: value, operator or name, before the kids. Returns
 * the index of the first kid still to print. */
static uint32_t dump_head(sbuf *b, const ast *n, int depth) {
  bool opt = n->flags & AST_F_OPTIONAL;
  const char *dot = (n->flags & AST_F_ROOTED) ? "." : "";
  switch ((ast_kind)n->kind) {
  case AST_NULL_LIT: return 0;
  case AST_BOOL_LIT: sb_puts(b, n->lit.b ? " true" : " false"); return 0;
  case AST_INT_LIT: sb_printf(b, " %lld", (long long)n->lit.i); return 0;
  case AST_UINT_LIT:
    sb_printf(b, " %lluu", (unsigned long long)n->lit.u);
    return 0;
  case AST_DOUBLE_LIT: sb_putc(b, ' '); dump_double(b, n->lit.d); return 0;
  case AST_STRING_LIT:
    if (n->name) /* an ask's text: its language tag first */
      sb_printf(b, " %s", n->name);
    sb_putc(b, ' ');
    dump_str(b, n);
    return 0;
  case AST_BYTES_LIT: sb_putc(b, ' '); dump_str(b, n); return 0;
  case AST_UNARY:
  case AST_BINARY: sb_printf(b, " %s", ast_op_name(n->op)); return 0;
  case AST_SELECT:
    dump_kid(b, n, 0, false, depth);
    sb_puts(b, opt ? " .?" : " .");
    dump_name(b, n->name);
    return n->nkids;
  case AST_INDEX:
    dump_kid(b, n, 0, false, depth);
    dump_kid(b, n, 1, opt, depth);
    return n->nkids;
  case AST_CALL:
    if (!(n->flags & AST_F_RECEIVER))
      break;
    dump_kid(b, n, 0, false, depth);
    sb_puts(b, " .");
    dump_name(b, n->name);
    return 1;
  case AST_ENTRY: dump_kid(b, n, 0, opt, depth); return 1;
  case AST_FIELD: sb_puts(b, opt ? " ?" : " "); dump_name(b, n->name);
    return 0;
  case AST_HEADER:
    sb_putc(b, ' ');
    dump_quoted(b, n->name ? n->name : "", n->name ? strlen(n->name) : 0,
                false);
    return 0;
  case AST_IMPORT: sb_putc(b, ' '); dump_str(b, n); return 0;
  case AST_FACT: sb_printf(b, " %s", n->name ? n->name : ""); return 0;
  default: break;
  }
  if (n->name) {
    sb_printf(b, " %s", dot);
    dump_name(b, n->name);
  }
  return 0;
}

/* One node and its subtree. Recursion is bounded by the tree's depth,
 * which the parser keeps within POL_MAX_PARSE_DEPTH; deeper trees built
 * by hand are cut off with "...". */
static void dump(sbuf *b, const ast *n, int depth) {
  if (!n) {
    sb_puts(b, "()");
    return;
  }
  if (depth > 10000) {
    sb_puts(b, "...");
    return;
  }
  sb_putc(b, '(');
  sb_puts(b, ast_kind_name((ast_kind)n->kind));
  uint32_t i = dump_head(b, n, depth + 1);
  bool is_list = n->kind == AST_LIST, desc = n->kind == AST_FACT &&
                                            n->lit.s.p;
  for (; i < n->nkids; i++) {
    const ast *k = n->kids[i];
    if (desc && k && k->kind == AST_CLAUSE) { /* type, values, desc, rest */
      sb_putc(b, ' ');
      dump_str(b, n);
      desc = false;
    }
    dump_kid(b, n, i, is_list && k && (k->flags & AST_F_OPT_ELEM),
             depth + 1);
  }
  if (desc) {
    sb_putc(b, ' ');
    dump_str(b, n);
  }
  sb_putc(b, ')');
}

/* The S-expression of the tree at [n] (see the top of this file), as a
 * NUL-terminated string in [a]; NULL on out of memory. */
char *ast_dump(arena *a, const ast *n) {
  sbuf b;
  sb_init(&b, &a->m);
  dump(&b, n, 0);
  char *s = b.oom || !b.p ? NULL : arena_strndup(a, b.p, b.len);
  sb_free(&b);
  return s;
}
