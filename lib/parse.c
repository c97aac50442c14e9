/*
 * parse.c: the front end's driver. It runs the flex scanner and the bison
 * parser over a diag_list's source (parse_expr), wraps the scanner as the
 * parser's yylex (reporting malformed tokens, bounding bracket nesting),
 * words syntax errors, and provides the small helpers the grammar actions
 * call: they build AST nodes with ast.c, fold '-' into numeric literals,
 * check the int64 range and count nesting depth against
 * POL_MAX_PARSE_DEPTH, so that no tree walker can overflow the C stack.
 *
 * Depth is counted bottom-up in pexpr.depth (leaf 1; every node and every
 * pair of parentheses adds 1). Bracket nesting is also bounded as tokens
 * arrive, because a million '(' never reduce and would otherwise only
 * grow bison's stack.
 */
#include "parse.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"
#define YYSTYPE POL_YYSTYPE
#define YYLTYPE POL_YYLTYPE
#include "lexer.h"

/* ==== reporting ==== */

static span sp_of(pol_loc l) {
  return (span){l.off, l.end - l.off, l.line, l.col};
}

/* Add an error to the list and count it for this parse. */
static void report(pol_parser *p, span sp, const char *fmt, ...)
    POL_PRINTF(3, 4);
static void report(pol_parser *p, span sp, const char *fmt, ...) {
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  diag_add(p->d, sp, "%s", msg);
  p->nerr++;
}

static void oom(pol_parser *p, span sp) {
  if (!p->oom)
    report(p, sp, "out of memory");
  p->oom = true;
}

static void too_deep(pol_parser *p, span sp) {
  if (!p->deep)
    report(p, sp, "expression nested too deeply (limit is %d)",
           POL_MAX_PARSE_DEPTH);
  p->deep = true;
}

/* The position [len] bytes at [off] inside the token at [l]: line and
 * column are counted forward from the token's start. */
static span span_in(const pol_parser *p, const pol_loc *l, uint32_t off,
                    uint32_t len) {
  span start = {l->off, len, l->line, l->col};
  return diag_span_advance(p->d, start, off);
}

/* ==== the scanner wrapper ==== */

static bool is_open(int t) { return t == '(' || t == '[' || t == '{'; }
static bool is_close(int t) { return t == ')' || t == ']' || t == '}'; }

/* Account for the token the parser consumed since the last call: bracket
 * nesting, and per bracket level the '?' of conditionals still waiting
 * for their ':' (only used to word "expected ':' in conditional"). */
static void commit(pol_parser *p) {
  int t = p->last;
  uint32_t lv = p->nest < POL_MAX_PARSE_DEPTH ? p->nest : POL_MAX_PARSE_DEPTH;
  if (is_open(t)) {
    p->nest++;
    if (p->nest <= POL_MAX_PARSE_DEPTH)
      p->cond[p->nest] = 0;
  } else if (is_close(t) && p->nest > 0) {
    p->nest--;
  } else if (t == '?' && p->prev != '.' && p->prev != ',' &&
             !is_open(p->prev)) {
    p->cond[lv]++;
  } else if (t == ':' && p->cond[lv] > 0) {
    p->cond[lv]--;
  }
  if (t)
    p->prev = t;
  p->last = 0;
}

/* End of input is located just after the last token, where the missing
 * text belongs, rather than after trailing blank lines. */
static pol_loc eof_loc(const pol_parser *p) {
  const pol_loc *l = &p->last_loc;
  span sp = span_in(p, l, l->end, 0);
  return (pol_loc){l->end, l->end, sp.line, sp.col};
}

/* Report the problem the lexer found in token [t] at [l]; running out
 * of memory is reported once per parse, like everywhere else. */
static void token_error(pol_parser *p, const pol_loc *l, const pol_tok *t) {
  span sp = span_in(p, l, t->eoff, t->elen);
  p->bad_tok = l->off;
  if (strcmp(t->err, "out of memory") == 0)
    oom(p, sp);
  else
    report(p, sp, "%s", t->err);
}

/* The parser's yylex: scan a token, report what the lexer found wrong
 * with it, and stop the parse when brackets nest deeper than the limit.
 * A stray character reaches the parser as LEXERR, so that it recovers as
 * from a syntax error, but only the lexer's message is shown. */
int parse_lex(POL_YYSTYPE *v, pol_loc *l, pol_parser *p) {
  commit(p);
  v->tok.err = NULL;
  int t = p->abort ? TOK_END : lex_scan(v, l, p->scanner);
  if (t != TOK_END) {
    if (v->tok.err)
      token_error(p, l, &v->tok);
    p->last_loc = *l;
  }
  if (is_open(t) && p->nest >= POL_MAX_PARSE_DEPTH) {
    too_deep(p, sp_of(*l));
    p->abort = true; /* no more tokens, no more messages */
    t = TOK_END;
  }
  if (t == TOK_END)
    *l = eof_loc(p);
  p->last = t;
  return t;
}

/* ==== syntax errors ==== */

/* Describe the token at [l] for a message: 'text', cut at 24 code points
 * or a line end; string and bytes literals say what they are. */
static void describe(const pol_parser *p, const pol_loc *l, int found,
                     char *out, size_t size) {
  const char *s = p->d->src + l->off;
  size_t n = l->end - l->off, k = 0, cps = 0;
  if (found == 0) {
    snprintf(out, size, "end of input");
    return;
  }
  while (k < n && s[k] != '\n' && s[k] != '\r') {
    if (((unsigned char)s[k] & 0xC0) != 0x80 && ++cps > 24)
      break;
    k++;
  }
  const char *more = k < n ? "..." : "";
  if (found == 1 || found == 2)
    snprintf(out, size, "%s literal %.*s%s",
             found == 1 ? "string" : "bytes", (int)k, s, more);
  else
    snprintf(out, size, "'%.*s%s'", (int)k, s, more);
}

/* The closing tokens among [want], in a fixed order, as "',' or ')'";
 * empty when an operand could start here as well. */
static void closers(const pol_parser *p, const char *const *want, int nwant,
                    char *out, size_t size) {
  static const char *const order[] = {"':'", "','", "')'", "']'", "'}'"};
  const char *hit[POL_COUNTOF(order)];
  size_t nhit = 0, len = 0;
  uint32_t lv = p->nest < POL_MAX_PARSE_DEPTH ? p->nest : POL_MAX_PARSE_DEPTH;
  out[0] = '\0';
  for (int j = 0; j < nwant; j++)
    if (strcmp(want[j], "identifier") == 0)
      return; /* an operand could start here: nothing to close yet */
  for (size_t i = 0; i < POL_COUNTOF(order); i++)
    for (int j = 0; j < nwant; j++)
      if (strcmp(order[i], want[j]) == 0)
        hit[nhit++] = order[i];
  for (size_t i = 0; i < nhit && len < size; i++) {
    const char *sep = i == 0 ? "" : i + 1 == nhit ? " or " : ", ";
    len += (size_t)snprintf(out + len, size - len, "%s%s", sep, hit[i]);
  }
  if (nhit == 1 && hit[0][1] == ':' && p->cond[lv] > 0 && len < size)
    snprintf(out + len, size - len, " in conditional");
}

/* Report a syntax error at the token [l], unless the lexer has reported
 * that token. [found] is 0 for the end of input, 1 for a string literal,
 * 2 for bytes, 3 for a stray character, 4 for anything else; [want]
 * names the tokens the parser would have accepted ("')'", "identifier").
 * When a closing token or separator was possible the message says which:
 * "expected ',' or ')', found 'x'"; otherwise "unexpected 'x'". */
void parse_syntax_error(pol_parser *p, const pol_loc *l, int found,
                        const char *const *want, int nwant) {
  char what[128], exp[96];
  if (p->abort || found == 3 || p->bad_tok == (int64_t)l->off)
    return; /* the lexer has already said what is wrong here */
  describe(p, l, found, what, sizeof what);
  closers(p, want, nwant, exp, sizeof exp);
  if (exp[0])
    report(p, sp_of(*l), "expected %s, found %s", exp, what);
  else
    report(p, sp_of(*l), "unexpected %s", what);
}

/* Bison's own failure (its stack is exhausted, or out of memory): one
 * message. The nesting bounds make this unreachable in practice. */
void parse_fatal(pol_parser *p, const pol_loc *l, const char *msg) {
  if (p->abort)
    return;
  if (strcmp(msg, "memory exhausted") == 0)
    report(p, sp_of(*l), "expression too complex (parser stack exhausted)");
  else
    report(p, sp_of(*l), "%s", msg);
}

/* ==== nodes ==== */

/* A new node, or the spare stand-in (which never gets kids) when the
 * arena is exhausted or the tree is already known to be too deep: then
 * the rest of the parse only looks for more syntax errors. */
static ast *node(pol_parser *p, ast_kind k, pol_loc l) {
  ast *n = p->deep ? NULL : ast_new(p->a, k, sp_of(l));
  if (n)
    return n;
  if (!p->deep)
    oom(p, sp_of(l));
  memset(&p->spare, 0, sizeof p->spare);
  p->spare.kind = AST_NULL_LIT;
  return &p->spare;
}

static void push(pol_parser *p, ast *parent, ast *kid) {
  if (parent == &p->spare || !kid)
    return;
  if (!ast_push(p->a, parent, kid))
    oom(p, parent->sp);
}

static uint32_t max2(uint32_t a, uint32_t b) { return a > b ? a : b; }

/* The expression [n] at [depth]: checked against the limit. */
static pexpr mk(pol_parser *p, ast *n, uint32_t depth) {
  if (depth > POL_MAX_PARSE_DEPTH)
    too_deep(p, n->sp);
  return (pexpr){n, depth};
}

/* Record [e], the whole expression, as the result of the parse. */
void parse_root(pol_parser *p, pexpr e) { p->root = e.n; }

/* A NULL_LIT placeholder at [l] for the text an error production
 * skipped; the syntax error itself has already been reported. */
pexpr parse_error_node(pol_parser *p, pol_loc l) {
  return mk(p, node(p, AST_NULL_LIT, l), 1);
}

/* A literal of kind [k] from token [t] (NULL for null/true/false). An int
 * keeps its magnitude in lit.u until parse_member or parse_prefix_end
 * knows whether a '-' belongs to it. */
pexpr parse_literal(pol_parser *p, ast_kind k, const pol_tok *t, pol_loc l) {
  ast *n = node(p, k, l);
  if (k == AST_INT_LIT || k == AST_UINT_LIT)
    n->lit.u = t->u;
  else if (k == AST_DOUBLE_LIT)
    n->lit.d = t->d;
  else if (k == AST_STRING_LIT || k == AST_BYTES_LIT) {
    n->lit.s.p = t->s;
    n->lit.s.n = t->n;
  }
  return mk(p, n, 1);
}

/* The literal true or false ([b]) at [l]. */
pexpr parse_bool(pol_parser *p, bool b, pol_loc l) {
  ast *n = node(p, AST_BOOL_LIT, l);
  n->lit.b = b;
  return mk(p, n, 1);
}

/* The identifier [t] at [l]; [flags] is AST_F_ROOTED for .name. The name
 * stays in the arena where the lexer put it. */
pexpr parse_ident(pol_parser *p, const pol_tok *t, int flags, pol_loc l) {
  ast *n = node(p, AST_IDENT, l);
  n->name = t->s;
  n->flags |= (uint8_t)flags;
  return mk(p, n, 1);
}

/* A reserved word [t] at [l] used as a global name: reported, and
 * returned so that parsing goes on as if it were a name. */
pol_tok parse_reserved(pol_parser *p, pol_tok t, pol_loc l) {
  report(p, sp_of(l), "reserved word '%s' cannot be used as an identifier",
         t.s);
  return t;
}

/* ([e]) spanning [at]: no node of its own, but one more level of
 * nesting; a depth error points at the parenthesis. */
pexpr parse_paren(pol_parser *p, pexpr e, pol_loc at) {
  if (e.depth + 1 > POL_MAX_PARSE_DEPTH)
    too_deep(p, sp_of(at));
  return (pexpr){e.n, e.depth + 1};
}

/* [e] marked optional with [flag]: AST_F_OPT_ELEM for the list element
 * of [?e], AST_F_OPTIONAL for the ENTRY of {?k: v} or the FIELD of
 * T{?f: v}. */
pexpr parse_optional(pol_parser *p, pexpr e, int flag) {
  POL_UNUSED(p);
  e.n->flags |= (uint8_t)flag;
  return e;
}

/* [l] op [r] spanning [at], as a node of kind [k]: BINARY with [op], or
 * AND / OR with AST_OP_NONE. */
pexpr parse_binary(pol_parser *p, ast_kind k, ast_op op, pexpr l, pexpr r,
                   pol_loc at) {
  ast *n = node(p, k, at);
  n->op = (uint8_t)op;
  push(p, n, l.n);
  push(p, n, r.n);
  return mk(p, n, max2(l.depth, r.depth) + 1);
}

/* ==== negative literals and the int64 range ==== */

/* The numeric literal that starts member expression [n] at source offset
 * [off] without parentheses (as in -1, -1.5, -1.abs()), or NULL. */
static ast *bare_literal(ast *n, uint32_t off) {
  while (n && n->sp.off == off) {
    if (n->kind == AST_INT_LIT || n->kind == AST_DOUBLE_LIT)
      return n;
    bool recv = n->kind == AST_CALL && (n->flags & AST_F_RECEIVER);
    if (n->nkids == 0 ||
        (n->kind != AST_SELECT && n->kind != AST_INDEX && !recv))
      return NULL;
    n = n->kids[0];
  }
  return NULL;
}

/* Turn an int literal's magnitude into its value, negated or not. */
static void resolve_int(pol_parser *p, ast *n, bool neg) {
  uint64_t m = n->lit.u, min = (uint64_t)1 << 63;
  if (m > (neg ? min : min - 1)) {
    report(p, n->sp, "integer literal out of range");
    n->lit.i = 0;
  } else if (neg) {
    n->lit.i = m == min ? INT64_MIN : -(int64_t)m;
  } else {
    n->lit.i = (int64_t)m;
  }
}

/* Fold the innermost '-' at [at] into the literal [lit] that starts [m]:
 * the literal and every node on the way down to it now start at '-'. */
static void fold_minus(pol_parser *p, ast *m, ast *lit, span at) {
  for (ast *n = m;; n = n->kids[0]) {
    n->sp.len += n->sp.off - at.off;
    n->sp.off = at.off;
    n->sp.line = at.line;
    n->sp.col = at.col;
    if (n == lit)
      break;
  }
  if (lit->kind == AST_INT_LIT)
    resolve_int(p, lit, true);
  else
    lit->lit.d = -lit->lit.d;
}

/* The member expression [m] (at [ml]) used as an operand with no prefix
 * operator: its leading int literal, if any, is checked against the
 * int64 range now. Returns [m]. */
pexpr parse_member(pol_parser *p, pexpr m, pol_loc ml) {
  ast *lit = bare_literal(m.n, ml.off);
  if (lit && lit->kind == AST_INT_LIT)
    resolve_int(p, lit, false);
  return m;
}

/* ==== prefix operator runs: !!x, --x ==== */

/* Start a run of prefix operators with [op] (AST_OP_NEG or AST_OP_NOT)
 * at [l]; parse_prefix_more extends it, parse_prefix_end closes it. */
pchain parse_prefix(pol_parser *p, ast_op op, pol_loc l) {
  ast *n = node(p, AST_UNARY, l);
  n->op = (uint8_t)op;
  return (pchain){.root = n, .tail = n, .n = 1, .op = (int)op};
}

/* One more operator of the run. Past the depth limit only the count
 * grows, so a million '-' cost no memory. */
void parse_prefix_more(pol_parser *p, pchain *c, pol_loc l) {
  if (++c->n > POL_MAX_PARSE_DEPTH)
    return;
  ast *n = node(p, AST_UNARY, l);
  n->op = (uint8_t)c->op;
  push(p, c->tail, n);
  c->prev = c->tail;
  c->tail = n;
}

/* The run [c] applied to member [m] (at [ml]); the whole is [at]. A '-'
 * right before a numeric literal folds into it: -5 is (INT_LIT -5) and
 * -9223372036854775808 is INT64_MIN, but -(5) stays a negation. */
pexpr parse_prefix_end(pol_parser *p, pchain *c, pexpr m, pol_loc ml,
                       pol_loc at) {
  ast *lit = bare_literal(m.n, ml.off);
  uint32_t n = c->n;
  if (lit && c->op == AST_OP_NEG && n <= POL_MAX_PARSE_DEPTH) {
    fold_minus(p, m.n, lit, c->tail->sp);
    if (c->prev && c->prev->nkids)
      c->prev->kids[c->prev->nkids - 1] = m.n;
    else
      c->root = m.n;
    n--;
  } else {
    if (lit && lit->kind == AST_INT_LIT)
      resolve_int(p, lit, false);
    push(p, c->tail, m.n);
  }
  ast *u = c->root;
  for (uint32_t i = 0; i < n && u->kind == AST_UNARY; i++) {
    u->sp.len = at.end - u->sp.off;
    u = u->nkids ? u->kids[0] : u;
  }
  return mk(p, c->root, n + m.depth);
}

/* ==== conditionals: a ? b : c ? d : e ==== */

/* Start a chain of conditionals with [c] ? [t] : ...; [cl] locates c.
 * parse_cond_more extends it, parse_cond_end closes it. */
pchain parse_cond(pol_parser *p, pexpr c, pexpr t, pol_loc cl) {
  ast *n = node(p, AST_COND, cl);
  push(p, n, c.n);
  push(p, n, t.n);
  return (pchain){.root = n, .tail = n, .n = 1,
                  .depth = max2(c.depth, t.depth) + 1};
}

/* One more "c ? t :": it becomes the else branch of the previous one. */
void parse_cond_more(pol_parser *p, pchain *ch, pexpr c, pexpr t,
                     pol_loc cl) {
  ch->n++;
  ch->depth = max2(ch->depth, ch->n + max2(c.depth, t.depth));
  if (ch->n > POL_MAX_PARSE_DEPTH)
    return;
  ast *n = node(p, AST_COND, cl);
  push(p, n, c.n);
  push(p, n, t.n);
  push(p, ch->tail, n);
  ch->tail = n;
}

/* The final else branch [e]; every conditional's span ends with it. */
pexpr parse_cond_end(pol_parser *p, pchain *ch, pexpr e, pol_loc at) {
  push(p, ch->tail, e.n);
  for (ast *n = ch->root; n->kind == AST_COND; n = n->kids[2]) {
    n->sp.len = at.end - n->sp.off;
    if (n->nkids < 3)
      break;
  }
  return mk(p, ch->root, max2(ch->depth, ch->n + e.depth));
}

/* ==== members ==== */

/* m.name, or m.?name with [flags] AST_F_OPTIONAL. */
pexpr parse_select(pol_parser *p, pexpr m, const pol_tok *name, int flags,
                   pol_loc at) {
  ast *n = node(p, AST_SELECT, at);
  n->name = name->s;
  n->flags |= (uint8_t)flags;
  push(p, n, m.n);
  return mk(p, n, m.depth + 1);
}

/* m[i], or m[?i] with [flags] AST_F_OPTIONAL. */
pexpr parse_index(pol_parser *p, pexpr m, pexpr i, int flags, pol_loc at) {
  ast *n = node(p, AST_INDEX, at);
  n->flags |= (uint8_t)flags;
  push(p, n, m.n);
  push(p, n, i.n);
  return mk(p, n, max2(m.depth, i.depth) + 1);
}

/* ==== sequences: arguments, list elements, map entries, fields ==== */

/* Start a sequence holding [item]: a node of kind [k] (CALL, LIST, MAP or
 * MESSAGE) that collects the kids until parse_close and friends give it
 * its span and name. Its depth is its deepest kid's. */
pexpr parse_seq(pol_parser *p, ast_kind k, pexpr item) {
  pol_loc l = {item.n->sp.off, item.n->sp.off + item.n->sp.len,
               item.n->sp.line, item.n->sp.col};
  ast *n = node(p, k, l);
  push(p, n, item.n);
  return (pexpr){n, item.depth};
}

/* Append [item] to the sequence [seq]; returns [seq]. */
pexpr parse_seq_add(pol_parser *p, pexpr seq, pexpr item) {
  push(p, seq.n, item.n);
  return (pexpr){seq.n, max2(seq.depth, item.depth)};
}

/* The map entry [k]: [v] spanning [at]. */
pexpr parse_entry(pol_parser *p, pexpr k, pexpr v, pol_loc at) {
  ast *n = node(p, AST_ENTRY, at);
  push(p, n, k.n);
  push(p, n, v.n);
  return mk(p, n, max2(k.depth, v.depth) + 1);
}

/* The field [name]: [v] of a message construction, spanning [at]. */
pexpr parse_field(pol_parser *p, const pol_tok *name, pexpr v, pol_loc at) {
  ast *n = node(p, AST_FIELD, at);
  n->name = name->s;
  push(p, n, v.n);
  return mk(p, n, v.depth + 1);
}

/* The sequence [seq] (or an empty one) closed as a node of kind [k]
 * spanning the brackets [at]. */
pexpr parse_close(pol_parser *p, ast_kind k, pexpr seq, pol_loc at) {
  ast *n = seq.n ? seq.n : node(p, k, at);
  n->sp = sp_of(at);
  return mk(p, n, seq.depth + 1);
}

/* The global call [name]([args]) spanning [at] (args may be PEXPR_NONE);
 * [flags] is AST_F_ROOTED for .name(...). */
pexpr parse_call(pol_parser *p, const pol_tok *name, int flags, pexpr args,
                 pol_loc at) {
  pexpr c = parse_close(p, AST_CALL, args, at);
  c.n->name = name->s;
  c.n->flags |= (uint8_t)flags;
  return c;
}

/* The receiver call [recv].[name]([args]) spanning [at]: a CALL with
 * AST_F_RECEIVER whose kids[0] is the receiver. */
pexpr parse_rcall(pol_parser *p, pexpr recv, const pol_tok *name,
                  pexpr args, pol_loc at) {
  pexpr c = parse_close(p, AST_CALL, args, at);
  ast *n = c.n;
  push(p, n, recv.n);
  if (n->nkids > 1 && n->kids[n->nkids - 1] == recv.n) {
    memmove(n->kids + 1, n->kids, (n->nkids - 1) * sizeof *n->kids);
    n->kids[0] = recv.n;
  }
  n->name = name->s;
  n->flags |= AST_F_RECEIVER;
  return mk(p, n, max2(c.depth, recv.depth + 1));
}

/* The dotted name a.b.C that [n] (IDENT and plain SELECTs) spells, in the
 * arena; NULL when [n] is not such a name. */
static const char *type_name(pol_parser *p, const ast *n) {
  size_t len = 0;
  const ast *m = n;
  for (; m->kind == AST_SELECT && !(m->flags & AST_F_OPTIONAL) &&
         m->nkids == 1; m = m->kids[0])
    len += strlen(m->name) + 1;
  if (m->kind != AST_IDENT)
    return NULL;
  len += strlen(m->name);
  char *s = arena_alloc(p->a, len + 1);
  if (!s) {
    oom(p, n->sp);
    return NULL;
  }
  s[len] = '\0';
  for (m = n; m->kind == AST_SELECT; m = m->kids[0]) {
    size_t k = strlen(m->name);
    memcpy(s + len - k, m->name, k);
    len -= k + 1;
    s[len] = '.';
  }
  memcpy(s, m->name, len);
  return s;
}

/* true if [s] is a dotted name of plain identifiers (no `quoted` ones). */
static bool plain_name(const char *s) {
  bool start = true;
  for (; *s; s++) {
    bool alpha = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
                 *s == '_';
    bool digit = *s >= '0' && *s <= '9';
    if (*s == '.' && !start)
      start = true;
    else if (alpha || (digit && !start))
      start = false;
    else
      return false;
  }
  return !start;
}

/* The message construction [type]{[fields]} spanning [at]. [type] (at
 * [tl]) must spell a name such as a.b.C (or .a.b.C, which sets
 * AST_F_ROOTED); anything else is reported. */
pexpr parse_message(pol_parser *p, pexpr type, pexpr fields, pol_loc tl,
                    pol_loc at) {
  const char *name = type_name(p, type.n);
  pexpr m = parse_close(p, AST_MESSAGE, fields, at);
  /* After out of memory the type may lack parts: say nothing more. */
  if ((!name || !plain_name(name)) && !p->oom && type.n != &p->spare) {
    report(p, sp_of(tl), "expected a type name before '{'");
    name = "";
  }
  m.n->name = name;
  if (type.n->kind == AST_IDENT || type.n->kind == AST_SELECT) {
    const ast *r = type.n;
    while (r->kind == AST_SELECT && r->nkids)
      r = r->kids[0];
    m.n->flags |= r->flags & AST_F_ROOTED;
  }
  return m;
}

/* ==== entry point ==== */

/* Hand the source to flex. Its only fatal error, out of memory while
 * copying the buffer, longjmps back here (see lex_fatal). */
static bool start_scan(pol_parser *p) {
  jmp_buf jb;
  p->fatal = &jb;
  if (setjmp(jb)) {
    p->fatal = NULL;
    return false;
  }
  pol_yy_scan_bytes(p->d->src, (int)p->d->srclen, p->scanner);
  p->fatal = NULL;
  return true;
}

/* Parse the whole of [d]'s source as one CEL expression into arena [a].
 * Returns the root, or NULL when this parse reported any error. */
ast *parse_expr(arena *a, diag_list *d) {
  pol_parser p;
  memset(&p, 0, sizeof p);
  p.a = a;
  p.d = d;
  p.pos = 0;
  p.line = p.col = 1;
  p.last_loc = (pol_loc){0, 0, 1, 1};
  p.bad_tok = -1;
  span start = {0, 0, 1, 1};
  if (d->srclen > POL_MAX_SOURCE) {
    report(&p, start, "source too large (limit is %u bytes)",
           (unsigned)POL_MAX_SOURCE);
    return NULL;
  }
  if (pol_yylex_init_extra(&p, (yyscan_t *)&p.scanner) != 0) {
    oom(&p, start);
    return NULL;
  }
  if (start_scan(&p))
    pol_yyparse(&p);
  else
    oom(&p, start);
  pol_yylex_destroy(p.scanner);
  return p.nerr ? NULL : p.root;
}
