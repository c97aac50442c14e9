/*
 * parse.c: the front end's driver. It runs the flex scanner and the bison
 * parser over a diag_list's source (parse_expr, parse_policy), wraps the
 * scanner as the parser's yylex (reporting malformed tokens, bounding
 * bracket nesting, and in policies doing the layout: which line breaks
 * end a statement, which words are keywords, which braces open a block),
 * words syntax errors, and provides the small helpers the grammar actions
 * call (those of policy statements are in parse_policy.c): they build AST
 * nodes with ast.c, fold '-' into numeric literals,
 * check the int64 range and count nesting depth against
 * POL_MAX_PARSE_DEPTH, so that no tree walker can overflow the C stack.
 *
 * Depth is counted bottom-up in pexpr.depth (leaf 1; every node and every
 * pair of parentheses adds 1). Bracket nesting is also bounded as tokens
 * arrive, because a million '(' never reduce and would otherwise only
 * grow bison's stack. A policy's statement and clause nodes do not count:
 * they add at most three levels above an expression.
 */
#include "parse_impl.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "chars.h"
#include "suggest.h"

#include "parser.h"
#define YYSTYPE POL_YYSTYPE
#define YYLTYPE POL_YYLTYPE
#include "lexer.h"

/* ==== reporting ==== */

static span sp_of(pol_loc l) {
  return (span){l.off, l.end - l.off, l.line, l.col};
}

/* Add an error to the list and count it for this parse. After out of
 * memory nothing more is said: names may have been lost (a keyword read
 * as ""), so later messages could be wrong. */
static void report(pol_parser *p, diag_code code, span sp, const char *fmt,
                   ...) POL_PRINTF(4, 5);
static void report(pol_parser *p, diag_code code, span sp, const char *fmt,
                   ...) {
  char msg[256];
  if (p->oom)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  diag_add(p->d, code, sp, "%s", msg);
  p->nerr++;
  /* The list is full: read no further. Each syntax error's analysis
   * looks at the rest of its line, so errors that would all be dropped
   * made a long line with many of them take time quadratic in its
   * length (50,000 on one line: 17 s). */
  if (diag_full(p->d))
    p->abort = true;
}

/* A hint for the diagnostic just reported. */
static void hint(pol_parser *p, const char *fmt, ...) POL_PRINTF(2, 3);
static void hint(pol_parser *p, const char *fmt, ...) {
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  diag_hint(p->d, "%s", msg);
}

static void oom(pol_parser *p, span sp) {
  if (!p->oom)
    report(p, DC_NO_MEMORY, sp, "out of memory");
  p->oom = p->d->oom = true; /* the compile says POL_ENOMEM */
}

static void too_deep(pol_parser *p, span sp) {
  if (!p->deep)
    report(p, DC_LIMIT, sp, "expression nested too deeply (limit is %d)",
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

/* ==== the source around a token ==== */

/* The end of the line holding byte [off]: its '\n' (or '\r\n'), or the
 * end of the source. */
static uint32_t line_end_at(const pol_parser *p, uint32_t off) {
  const char *s = p->d->src;
  size_t n = p->d->srclen, i = off;
  while (i < n && s[i] != '\n')
    i++;
  if (i > off && s[i - 1] == '\r')
    i--;
  return (uint32_t)i;
}

/* Step the quote state *[q] over s[*i]: true when that byte belongs to
 * quoted text (or opens or closes it), which the line scans below pass
 * over; an escape inside quotes takes the byte after it too. */
static bool quoted(const char *s, uint32_t *i, char *q) {
  if (*q) {
    if (s[*i] == '\\')
      ++*i;
    else if (s[*i] == *q)
      *q = 0;
    return true;
  }
  if (s[*i] != '"' && s[*i] != '\'')
    return false;
  *q = s[*i];
  return true;
}

/* An error just reported explains the rest of the statement or clause
 * at [off], to the line's end or a ';' outside quotes and brackets: the
 * lexical errors there are not shown, nor syntax errors. */
static void mute_line(pol_parser *p, uint32_t off) {
  const char *s = p->d->src;
  uint32_t e = line_end_at(p, off), i;
  int depth = 0;
  char q = 0;
  for (i = off; i < e; i++) {
    if (quoted(s, &i, &q))
      continue;
    if (strchr("([{", s[i]))
      depth++;
    else if (strchr(")]}", s[i]))
      depth--;
    else if (s[i] == ';' && depth <= 0)
      break;
  }
  if (i > e)
    i = e;
  if (p->mute_end < i)
    p->mute_end = i;
}

/* The text of the line from [off] to its end or its '//' comment (not
 * inside quotes), without the blanks around it: [*len] bytes at the
 * returned offset. */
static uint32_t rest_of_line(const pol_parser *p, uint32_t off,
                             uint32_t *len) {
  const char *s = p->d->src;
  uint32_t e = line_end_at(p, off), i = off;
  char q = 0;
  while (off < e && (s[off] == ' ' || s[off] == '\t'))
    off++;
  for (i = off; i < e; i++) {
    if (quoted(s, &i, &q))
      continue;
    if (s[i] == '/' && i + 1 < e && s[i + 1] == '/')
      break;
    if (s[i] == '{' && p->nlay == 0) /* policy p {, import x { */
      break;
  }
  if (i > e)
    i = e;
  while (i > off && (s[i - 1] == ' ' || s[i - 1] == '\t'))
    i--;
  *len = i - off;
  return off;
}

/* [n] bytes of [s] cut to at most [max] code points: the byte count. */
static int cut(const char *s, uint32_t n, uint32_t max) {
  uint32_t k = 0, cps = 0;
  while (k < n) {
    if (((unsigned char)s[k] & 0xC0) != 0x80 && ++cps > max)
      break;
    k++;
  }
  return (int)k;
}

/* The word at [off] and its length: letters, digits and '_'. */
static uint32_t word_at(const char *s, size_t n, uint32_t off) {
  uint32_t k = off;
  while (k < n && (isalnum((unsigned char)s[k]) || s[k] == '_'))
    k++;
  return k - off;
}

/* Whether the byte [c] starts a word or a number (or text beyond
 * ASCII). */
static bool word_start(unsigned char c) {
  return isalnum(c) || c == '_' || c >= 0x80;
}

/* ==== the scanner wrapper ==== */

static bool is_open(int t) {
  return t == '(' || t == '[' || t == '{' || t == TOK_BLOCK_OPEN;
}
static bool is_close(int t) {
  return t == ')' || t == ']' || t == '}' || t == TOK_BLOCK_CLOSE;
}

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

/* End of input, and in policies the end of a line, is located just after
 * the last token, where the missing text belongs, rather than after
 * trailing blanks and comments. The location is empty: describe() calls
 * an empty token other than the end of input "end of line". */
static pol_loc after_last(const pol_parser *p) {
  const pol_loc *l = &p->last_loc;
  span sp = span_in(p, l, l->end, 0);
  return (pol_loc){l->end, l->end, sp.line, sp.col};
}

/* Report the problem the lexer found in token [t] at [l]; running out
 * of memory is reported once per parse, like everywhere else. */
static void token_error(pol_parser *p, const pol_loc *l, const pol_tok *t) {
  span sp = span_in(p, l, t->eoff, t->elen);
  p->bad_tok = l->off;
  if (t->ecode == DC_NO_MEMORY) {
    oom(p, sp);
    return;
  }
  if (!t->err[0] || sp.off < p->mute_end) { /* already said: the rest */
    p->nerr++;               /* of a run, or text an error explains */
    return;
  }
  report(p, t->ecode, sp, "%s", t->err);
  if (t->ehint)
    hint(p, "%s", t->ehint);
}

void parse_lex_error(pol_parser *p, uint32_t off, uint32_t len,
                     const pol_loc *l, diag_code code, const char *msg,
                     const char *hnt) {
  pol_tok t;
  memset(&t, 0, sizeof t);
  t.err = msg;
  t.ehint = hnt;
  t.ecode = code;
  t.eoff = off;
  t.elen = len;
  token_error(p, l, &t);
  p->swallowed = true;
}

static int layout(pol_parser *p, int t, pol_tok *v, pol_loc *l);
static int force_close(pol_parser *p, pol_tok *v, pol_loc *l);
static int synthetic(pol_parser *p, int t, pol_tok *v, pol_loc *l,
                     pol_loc at);
static int assign(pol_parser *p, pol_tok *v, const pol_loc *l);
static bool ends_operand(int t);
static int word_operator(pol_parser *p, int t, pol_tok *v, const pol_loc *l,
                         int prev);
static bool percent_sign(pol_parser *p, int t, const pol_loc *l);
static bool prose_after(const pol_parser *p, uint32_t off);

/* The next raw token: a line break or a word the layout held back, or
 * the scanner's next one. */
static int raw_token(pol_parser *p, POL_YYSTYPE *v, pol_loc *l) {
  if (p->nl_pending) {
    p->nl_pending = false;
    return TOK_NEWLINE;
  }
  if (p->held) {
    p->held = false;
    v->tok = p->held_tok;
    *l = p->held_loc;
    return p->held_t;
  }
  return p->abort ? TOK_END : lex_scan(v, l, p->scanner);
}

/* Note token [t] at [l] in the formatter's record, when one is kept. */
static void record(pol_parser *p, int t, const pol_loc *l) {
  parse_tokens *r = p->toks;
  if (!r || r->oom)
    return;
  if (!mem_grow(&p->a->m, (void **)&r->v, &r->cap, r->n + 1,
                sizeof *r->v)) {
    r->oom = true;
    return;
  }
  r->v[r->n++] = (parse_token){t, l->off, l->end, l->line, l->col};
}

/* Note whether the token [t] (value [v] at [l]), after [prev], is the
 * name `not` where an operand starts, for not_word(). */
static void track_not(pol_parser *p, int t, const pol_tok *v,
                      const pol_loc *l, int prev) {
  p->not_prev = p->not_word;
  p->not_word.end = 0;
  if (t == TOK_IDENT && !v->err && !ends_operand(prev) &&
      strcasecmp(v->s, "not") == 0)
    p->not_word = *l;
}

/* The next token for the parser: from the scanner, or in a policy from
 * the layout, which drops line breaks and separators that end nothing,
 * turns words into keywords and may add closing brackets. */
static int next_token(pol_parser *p, POL_YYSTYPE *v, pol_loc *l) {
  for (;;) {
    v->tok.err = NULL;
    if (p->forcing)
      return force_close(p, &v->tok, l);
    if (p->npend)
      return synthetic(p, p->pend[--p->npend], &v->tok, l, p->pend_loc);
    int t = raw_token(p, v, l);
    if (t == TOK_COMMENT) {
      record(p, t, l);
      continue;
    }
    if (percent_sign(p, t, l))
      continue;
    if (!p->policy) {
      track_not(p, t, &v->tok, l, p->prev);
      return t == TOK_ASSIGN ? assign(p, &v->tok, l)
                             : word_operator(p, t, &v->tok, l, p->prev);
    }
    t = layout(p, t, &v->tok, l);
    if (t >= 0)
      return t;
  }
}

/* The parser's yylex: START_EXPR or START_POLICY first, then scan a
 * token, report what the lexer found wrong with it, and stop the parse
 * when brackets nest deeper than the limit. A stray character reaches
 * the parser as LEXERR, so that it recovers as from a syntax error, but
 * only the lexer's message is shown. */
int parse_lex(POL_YYSTYPE *v, pol_loc *l, pol_parser *p) {
  commit(p);
  if (!p->started) {
    p->started = true;
    memset(&v->tok, 0, sizeof v->tok);
    *l = p->last_loc;
    return p->last = p->policy ? TOK_START_POLICY : TOK_START_EXPR;
  }
  int t = next_token(p, v, l);
  if (t != TOK_END && l->end > l->off) { /* not one the layout made */
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
    *l = after_last(p);
  else
    record(p, t, l);
  if (p->swallowed) { /* the lexer dropped text with an error: what it */
    p->bad_tok = l->off; /* left unfinished is no mistake of its own */
    p->swallowed = false;
  }
  p->last = t;
  return t;
}

/* ==== the policy layout ==== */

/* The layout turns the scanner's raw tokens into a policy's statements
 * (docs/policies.md, "Lexical structure"). It keeps a stack of what is
 * open: brackets that hold an expression (PAREN, BRACKET, BRACE: a map
 * literal or message) and blocks (HEADER: `policy "NAME" {`, RULE:
 * `rule ID {`). Directly at statement level or in a block:
 *
 *   - a line break becomes NEWLINE unless the last token cannot end an
 *     expression (continues()), or a statement or clause is just starting
 *     (after the file's start, a block's '{' or another separator); a
 *     ';' is dropped in the same places;
 *   - a word is a statement keyword when it starts a statement, and a
 *     clause keyword of the block it stands in when a clause can start
 *     there: at the start, or after a token that ends an operand;
 *   - a '{' opens a block (BLOCK_OPEN, closed by BLOCK_CLOSE) when the
 *     statement so far is `policy STRING` or `rule ID`, or when it is a
 *     `fact` statement and the '{' follows an operand (the type, the
 *     allowed values or the description): no expression of a fact
 *     declaration can go on with a map literal or message there.
 *
 * Inside expression brackets line breaks are blank and every word is a
 * name. The stack holds at most POL_MAX_PARSE_DEPTH + 1 entries: deeper
 * nesting stops the parse (parse_lex).
 *
 * Two repairs keep one bad statement from swallowing the next ones; the
 * tokens they add are empty and never the subject of a message:
 *
 *   - resync: after a syntax error inside expression brackets, the next
 *     line break closes them (the grammar's error productions accept the
 *     closers); as many stray closers as were added are dropped later,
 *     until the next keyword;
 *   - a line inside a block that starts with policy, import, let, rule,
 *     fact or override is reported as a missing '}': the block is closed there,
 *     and one stray '}' at statement level is dropped later, until the
 *     next block opens. */

enum {
  LAY_PAREN = 1, LAY_BRACKET, LAY_BRACE, LAY_HEADER, LAY_RULE, LAY_FACT,
  LAY_IMPORT
};

typedef struct keyword {
  const char *s;
  int tok;
} keyword;

/* Statement keywords: each one at the start of a line in a block ends
 * the block left open (no clause has their names). */
static const keyword stmt_words[] = {
    {"policy", TOK_POLICY}, {"import", TOK_IMPORT}, {"let", TOK_LET},
    {"rule", TOK_RULE},     {"fact", TOK_FACT},     {"override", TOK_OVERRIDE},
    {"must", TOK_MUST},     {"should", TOK_SHOULD}, {"may", TOK_MAY}};
static const keyword header_words[] = {
    {"title", TOK_TITLE}, {"version", TOK_VERSION},
    {"description", TOK_DESCRIPTION}};
static const keyword rule_words[] = {
    {"title", TOK_TITLE},       {"severity", TOK_SEVERITY},
    {"refs", TOK_REFS},         {"when", TOK_WHEN},
    {"require", TOK_REQUIRE},   {"message", TOK_MESSAGE},
    {"ask", TOK_ASK}};
static const keyword fact_words[] = {{"refs", TOK_REFS}, {"ask", TOK_ASK}};
static const keyword import_words[] = {{"exclude", TOK_EXCLUDE}};

/* The clause keywords of the block kind [top] (LAY_HEADER, ...), and
 * how many there are in *[n]; NULL outside blocks. */
static const keyword *block_words(int top, size_t *n) {
  switch (top) {
  case LAY_HEADER: *n = POL_COUNTOF(header_words); return header_words;
  case LAY_RULE: *n = POL_COUNTOF(rule_words); return rule_words;
  case LAY_FACT: *n = POL_COUNTOF(fact_words); return fact_words;
  case LAY_IMPORT: *n = POL_COUNTOF(import_words); return import_words;
  default: *n = 0; return NULL;
  }
}

/* The keyword token of [s] in [k] (of [n] entries), or 0. */
static int lookup(const keyword *k, size_t n, const char *s) {
  for (size_t i = 0; i < n; i++) /* asked for most words of a policy */
    if (k[i].s[0] == s[0] && strcmp(k[i].s, s) == 0)
      return k[i].tok;
  return 0;
}

static int lay_top(const pol_parser *p) {
  return p->nlay ? p->lay[p->nlay - 1] : 0;
}

/* Statement level (nothing open) or directly inside a block. */
static bool lay_level(const pol_parser *p) {
  int top = lay_top(p);
  return top == 0 || top >= LAY_HEADER;
}

/* Expression brackets open above the innermost block. */
static uint32_t expr_open(const pol_parser *p) {
  uint32_t n = 0;
  while (n < p->nlay && p->lay[p->nlay - 1 - n] < LAY_HEADER)
    n++;
  return n;
}

static bool is_sep(int t) { return t == TOK_NEWLINE || t == ';'; }

/* Tokens an expression cannot end with: a line break after them ends
 * nothing. */
static bool continues(int t) {
  static const int toks[] = {
      TOK_OR, TOK_AND, TOK_EQ, TOK_NE, '<', TOK_LE, '>', TOK_GE, TOK_IN,
      '+',    '-',     '*',    '/',    '%', ',',    '.', '(',    '[',
      '{',    '?',     ':',    '!',    TOK_ASSIGN, TOK_BLOCK_OPEN};
  for (size_t i = 0; i < POL_COUNTOF(toks); i++)
    if (toks[i] == t)
      return true;
  return false;
}

/* Tokens an operand can end with: a clause can start after them. */
static bool ends_operand(int t) {
  switch (t) {
  case TOK_IDENT: case TOK_RESERVED: case TOK_QIDENT: case TOK_INT:
  case TOK_UINT: case TOK_DOUBLE: case TOK_STRING: case TOK_BYTES:
  case TOK_TRUE: case TOK_FALSE: case TOK_NULL: case ')': case ']':
  case '}':
    return true;
  default:
    return false;
  }
}

/* Words of other languages for a statement keyword: const x = 1 is a
 * let, include "m" an import. */
static const struct {
  const char *word, *kw;
  int tok;
} stmt_aliases[] = {
    {"const", "let", TOK_LET},      {"var", "let", TOK_LET},
    {"val", "let", TOK_LET},        {"set", "let", TOK_LET},
    {"define", "let", TOK_LET},     {"def", "let", TOK_LET},
    {"include", "import", TOK_IMPORT}, {"use", "import", TOK_IMPORT},
    {"using", "import", TOK_IMPORT}, {"require", "import", TOK_IMPORT},
    {"from", "import", TOK_IMPORT}};

/* The word [v] at [l], first of a statement, when it is another
 * language's word for let or import and the text after it reads as
 * one (NAME =, or a string): reported once, as the keyword it stands
 * for, so the statement is read as that. 0 otherwise. */
static int stmt_alias(pol_parser *p, const pol_tok *v, const pol_loc *l) {
  const char *s = p->d->src;
  size_t n = p->d->srclen;
  uint32_t i = l->end;
  while (i < n && (s[i] == ' ' || s[i] == '\t'))
    i++;
  for (size_t k = 0; k < POL_COUNTOF(stmt_aliases); k++) {
    if (strcmp(v->s, stmt_aliases[k].word) != 0 || i == l->end)
      continue;
    uint32_t j = i + word_at(s, n, i);
    while (j < n && (s[j] == ' ' || s[j] == '\t'))
      j++;
    bool fits = stmt_aliases[k].tok == TOK_LET
                    ? j > i && isalpha((unsigned char)s[i]) && j < n &&
                          s[j] == '=' && (j + 1 >= n || s[j + 1] != '=')
                    : s[i] == '"' || s[i] == '\'';
    if (!fits)
      return 0;
    report(p, DC_UNKNOWN_STATEMENT, sp_of(*l), "unknown statement '%s'",
           v->s);
    hint(p, "did you mean '%s'?", stmt_aliases[k].kw);
    p->bad_tok = l->off;
    return stmt_aliases[k].tok;
  }
  return 0;
}

/* The word [t] (IDENT or RESERVED) with text [v] at [l], as a keyword
 * where its position makes it one; a statement keyword ends the
 * dropping of stray closers after a resync. */
static int classify(pol_parser *p, int t, const pol_tok *v,
                    const pol_loc *l) {
  int top = lay_top(p), kw = 0;
  bool clause = p->at_start || ends_operand(p->lay_prev);
  size_t n;
  const keyword *words = block_words(top, &n);
  if (top == 0 && p->at_start) {
    kw = lookup(stmt_words, POL_COUNTOF(stmt_words), v->s);
    if (!kw)
      kw = stmt_alias(p, v, l);
    if (kw)
      p->forced = 0;
  } else if (words && clause) {
    kw = lookup(words, n, v->s);
  }
  return kw ? kw : t;
}

/* '=' at [l]: ASSIGN as the second or third token of a `let` statement
 * (`let x = 1`, and `let = 1`, which the parser reports), or at statement
 * level in a `fact` statement (a derived fact: `fact x: int = EXPR`, the
 * parser says where it may go); anywhere else,
 * and always in an expression, '==' marked as a lexical error, so that
 * the parse goes on as if '==' had been written. */
static int assign(pol_parser *p, pol_tok *v, const pol_loc *l) {
  if (p->policy && p->nlay == 0 && !p->at_start &&
      ((p->stmt == TOK_LET && p->stmt_n <= 2) || p->stmt == TOK_FACT))
    return TOK_ASSIGN;
  bool bang = l->end < p->d->srclen && p->d->src[l->end] == '!' &&
              (l->end + 1 >= p->d->srclen || p->d->src[l->end + 1] != '=');
  memset(v, 0, sizeof *v);
  v->s = "";
  v->err = bang ? "'=!' is not an operator" : "'=' is not a comparison";
  v->ehint = bang ? "write '!=' for \"not equal\""
                  : "write '==' to compare; '=' only names a let (let x = ...)";
  v->ecode = DC_BAD_OPERATOR;
  v->eoff = l->off;
  v->elen = l->end - l->off + bang;
  return TOK_EQ;
}

/* A closer [t]: pops its opener when that is innermost, as BLOCK_CLOSE
 * when it is a block. Returns -1 when the closer is to be dropped (a
 * stray one after a repair), else the token to hand over. */
static int lay_close(pol_parser *p, int t, uint32_t off) {
  int top = lay_top(p);
  bool match = t == ')' ? top == LAY_PAREN
               : t == ']' ? top == LAY_BRACKET
                          : top >= LAY_BRACE;
  if (top >= LAY_HEADER && p->block_close && t == p->block_close)
    match = true; /* rule r ( ... ): the block opened by a '(' */
  if (match) {
    p->nlay--;
    if (p->resync && expr_open(p) == 0)
      p->resync = false; /* recovery closed what the error left open */
    if (top >= LAY_HEADER)
      p->block_soft = false, p->block_close = 0;
    if (top == LAY_RULE && p->nlay == 0) /* for stray_clause */
      p->rule_close = off + 1, p->rule_close_said = false;
    return top >= LAY_HEADER ? TOK_BLOCK_CLOSE : t;
  }
  if (p->forced) {
    p->forced--;
    return -1;
  }
  if (t == '}' && top == 0 && p->forced_blocks) {
    p->forced_blocks--;
    return -1;
  }
  p->stray = off + 1; /* closes nothing: stray_closer says so */
  return t;
}

/* Count token [t] (value [v] at [l]) into the statement it belongs to
 * (at statement level only): its first token, its second, and how many
 * (up to 4); a first token that is a plain name is kept too, for
 * "did you mean 'rule'?". */
static void track(pol_parser *p, int t, const pol_tok *v, const pol_loc *l) {
  if (p->nlay != 0 || is_sep(t))
    return;
  if (p->at_start) {
    p->stmt_word = t == TOK_IDENT && (!v->err || parse_japanese_severity(v->s))
                       ? v->s
                       : NULL;
    p->stmt_loc = *l;
    p->stmt = 0;
    for (size_t i = 0; i < POL_COUNTOF(stmt_words); i++)
      if (stmt_words[i].tok == t)
        p->stmt = t;
    p->stmt_n = 1;
    p->stmt_tok2 = 0;
  } else if (p->stmt_n < 4 && ++p->stmt_n == 2) {
    p->stmt_tok2 = t;
    p->stmt_loc2 = *l;
  }
}

/* A '(' or '[' [t] at [off] ending the line of `rule ID` (or override):
 * meant as its '{'. Reported; the block it opens ends at '}' or at the
 * closer of [t]. */
static bool block_paren(pol_parser *p, int t, uint32_t off) {
  uint32_t n;
  if (p->stmt_n != 3 || (p->stmt != TOK_RULE && p->stmt != TOK_OVERRIDE) ||
      (p->stmt_tok2 != TOK_IDENT && p->stmt_tok2 != TOK_RESERVED))
    return false;
  rest_of_line(p, off + 1, &n);
  if (n)
    return false;
  const char *s = p->d->src;
  report(p, DC_SYNTAX, diag_span_at(p->d, off, 1), "expected '{', found '%c'",
         (char)t);
  hint(p, "a rule's clauses go in braces: %.*s {",
       (int)(p->stmt_loc2.end - p->stmt_loc.off), s + p->stmt_loc.off);
  p->bad_tok = off;
  p->block_close = t == '(' ? ')' : ']';
  return true;
}

/* An opener [t] at [off], with [level0] telling whether it stands at
 * statement level: push its kind. Returns the token to hand over:
 * BLOCK_OPEN for the '{' of `policy STRING {`, `rule ID {` and
 * `fact ... OPERAND {`. */
static int lay_open(pol_parser *p, int t, bool level0, uint32_t off) {
  int k = t == '(' ? LAY_PAREN : t == '[' ? LAY_BRACKET : LAY_BRACE;
  if (t == '{' && level0 && p->stmt_n == 3) {
    int t2 = p->stmt_tok2;
    if (p->stmt == TOK_POLICY && t2 == TOK_STRING)
      k = LAY_HEADER;
    else if (p->stmt == TOK_IMPORT && t2 == TOK_STRING)
      k = LAY_IMPORT;
    else if ((p->stmt == TOK_RULE || p->stmt == TOK_OVERRIDE) &&
             (t2 == TOK_IDENT || t2 == TOK_RESERVED))
      k = LAY_RULE;
    else if (p->stmt == TOK_OVERRIDE && t2 == TOK_STRING) /* "m.rule_2" */
      k = LAY_RULE;
  }
  if (t == '{' && level0 && p->stmt == TOK_FACT && ends_operand(p->lay_prev))
    k = LAY_FACT;
  if ((t == '(' || t == '[') && level0 && block_paren(p, t, off))
    k = LAY_RULE;
  if (p->nlay < POL_COUNTOF(p->lay)) {
    p->lay_off[p->nlay] = off;
    p->lay[p->nlay++] = (uint8_t)k;
  }
  if (k < LAY_HEADER)
    return t;
  p->forced_blocks = 0;
  if (k != LAY_RULE || t == '{')
    p->block_close = 0;
  return TOK_BLOCK_OPEN;
}

/* The operator words of other languages, at [v], as the CEL operator
 * token (TOK_OR, TOK_AND), or 0; SQL's OR and AND too. */
static int operator_word(const pol_tok *v) {
  return !v->err && strcasecmp(v->s, "or") == 0    ? TOK_OR
         : !v->err && strcasecmp(v->s, "and") == 0 ? TOK_AND
                                                    : 0;
}

/* The identifier [t] (value [v]) right after [prev]: when it is `or` or
 * `and` after an operand, where no name can stand, the operator it
 * means, marked with the error that says so; parsing goes on as if
 * `||` or `&&` had been written. Else [t]. */
static int word_operator(pol_parser *p, int t, pol_tok *v, const pol_loc *l,
                         int prev) {
  int op = t == TOK_IDENT && ends_operand(prev) ? operator_word(v) : 0;
  if (!op)
    return t;
  v->eoff = l->off;
  v->elen = l->end - l->off;
  v->ecode = DC_WORD_OPERATOR;
  v->err = arena_printf(p->a, "'%s' is not an operator in CEL", v->s);
  if (!v->err)
    v->err = "not an operator in CEL";
  v->ehint = op == TOK_OR ? "write '||' for or" : "write '&&' for and";
  return op;
}

/* Whether an operand can start at [off] (after blanks, and in a policy
 * after line breaks and comments, unless the next line starts a
 * statement or clause of its own). */
static bool operand_at(const pol_parser *p, uint32_t off) {
  const char *s = p->d->src;
  size_t n = p->d->srclen;
  bool nl = false;
  for (;;) {
    while (off < n && (s[off] == ' ' || s[off] == '\t' || s[off] == '\r' ||
                       (p->policy && s[off] == '\n')))
      nl |= s[off++] == '\n';
    if (!p->policy || off + 1 >= n || s[off] != '/' || s[off + 1] != '/')
      break;
    while (off < n && s[off] != '\n')
      off++;
  }
  if (off >= n)
    return false;
  unsigned char c = (unsigned char)s[off];
  char word[16];
  uint32_t w = word_at(s, n, off);
  snprintf(word, sizeof word, "%.*s", (int)(w < sizeof word ? w : 0),
           s + off);
  if (nl && (lookup(stmt_words, POL_COUNTOF(stmt_words), word) ||
             lookup(rule_words, POL_COUNTOF(rule_words), word) ||
             lookup(header_words, POL_COUNTOF(header_words), word) ||
             c == '}'))
    return false; /* 99.9% at the end of a rule's line */
  return isalnum(c) || c >= 0x80 || strchr("_([-!\"'.{", c);
}

/* A '%' [t] at [l] right after a number and before no operand (99.9%):
 * a percent sign, which numbers do not take. Reported, and dropped. */
static bool percent_sign(pol_parser *p, int t, const pol_loc *l) {
  if (t != '%' || (p->prev != TOK_INT && p->prev != TOK_DOUBLE &&
                   p->prev != TOK_UINT) ||
      operand_at(p, l->end))
    return false;
  const char *s = p->d->src;
  uint32_t e = l->off, b;
  while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == '\t'))
    e--;
  for (b = e; b > 0 && (isdigit((unsigned char)s[b - 1]) || s[b - 1] == '.');)
    b--;
  char *h = arena_printf(p->a, "write %.*s: the number is in percent "
                         "already", (int)(e - b), s + b);
  parse_lex_error(p, l->off, 1, l, DC_BAD_NUMBER,
                  "'%' after a number: a number has no unit", h);
  p->swallowed = false;
  return true;
}

/* Binary operators, which no expression can start with. */
static bool binary_only(int t) {
  static const int toks[] = {TOK_OR, TOK_AND, TOK_EQ, TOK_NE, TOK_LE,
                             TOK_GE, '<',     '>',     '*',    '/',
                             '%',    '+',     TOK_IN};
  for (size_t i = 0; i < POL_COUNTOF(toks); i++)
    if (toks[i] == t)
      return true;
  return false;
}

/* After an operand and a line break: whether the next line starts with
 * a binary operator (or `or`, `and`), continuing the expression. Then
 * that token is marked with the error that says where the operator goes
 * and the line break ends nothing, so the expression parses whole; the
 * token waits in held_* either way. */
static bool continued_below(pol_parser *p) {
  POL_YYSTYPE v;
  pol_loc l;
  int t;
  do {
    v.tok.err = NULL;
    t = p->abort ? TOK_END : lex_scan(&v, &l, p->scanner);
  } while (t == TOK_NEWLINE);
  int word = t == TOK_IDENT ? operator_word(&v.tok) : 0;
  bool cont = (binary_only(t) || word) && !v.tok.err;
  if ((t == '/' || t == '*') && prose_after(p, l.end))
    cont = false; /* a comment without '//': comment_line says so */
  if (cont) {
    size_t n = l.end - l.off;
    const char *op = p->d->src + l.off;
    v.tok.ecode = word ? DC_WORD_OPERATOR : DC_LEADING_OPERATOR;
    v.tok.err = arena_printf(p->a, "a line cannot start with '%.*s'",
                             (int)n, op);
    if (word)
      v.tok.ehint = arena_printf(p->a, "write '%s' at the end of the line "
                                 "above", word == TOK_OR ? "||" : "&&");
    else
      v.tok.ehint = arena_printf(p->a, "continue the line after the "
                                 "operator: end the line above with "
                                 "'%.*s'", (int)n, op);
    v.tok.eoff = l.off;
    v.tok.elen = (uint32_t)n;
    if (!v.tok.err || !v.tok.ehint)
      v.tok.err = "a line cannot start with a binary operator";
    t = word ? word : t;
  }
  p->held = true;
  p->held_t = t;
  p->held_tok = v.tok;
  p->held_loc = l;
  return cont;
}


/* A line break right after a clause's name: when the next line starts
 * with its value (a string, a name, a number, a bracket) rather than
 * another clause or the block's end, the value went to the next line.
 * One error at it, and the line break is dropped so the clause reads
 * whole. The next line's first token is held either way. */
static bool value_below(pol_parser *p) {
  continued_below(p);
  int t = p->held_t;
  size_t n;
  const keyword *k = block_words(lay_top(p), &n);
  bool word = t == TOK_IDENT || t == TOK_RESERVED;
  bool value = t == TOK_STRING || t == TOK_BYTES || t == TOK_INT ||
               t == TOK_DOUBLE || t == TOK_UINT || t == '[' || t == '(' ||
               t == '!' || t == '-' || t == TOK_TRUE || t == TOK_FALSE ||
               (word && !(k && lookup(k, n, p->held_tok.s)) &&
                !lookup(stmt_words, POL_COUNTOF(stmt_words),
                        p->held_tok.s));
  if (!value || p->held_tok.err)
    return false;
  const char *s = p->d->src;
  uint32_t len, kw = p->last_loc.off;
  const char *v = s + rest_of_line(p, p->held_loc.off, &len);
  int c = cut(v, len, 40);
  report(p, DC_SYNTAX, sp_of(p->held_loc), "the value of '%.*s' goes on "
         "its line", (int)(p->last_loc.end - kw), s + kw);
  hint(p, "move it up: %.*s %.*s%s", (int)(p->last_loc.end - kw), s + kw, c,
       v, (uint32_t)c < len ? "..." : "");
  return true;
}

/* A line break right after `rule ID` (or override ID), the next line's
 * first token held: when that is the rule's '{', or a clause of it (the
 * '{' forgotten), the rule reads on as if the '{' ended the line, after
 * one error. Returns -1 to drop the line break, '{' for one made up at
 * [l], or 0 when it is no such case. */
static int rule_brace(pol_parser *p, pol_loc *l) {
  const char *s = p->d->src;
  bool rule = ((p->stmt == TOK_RULE || p->stmt == TOK_OVERRIDE) &&
               (p->stmt_tok2 == TOK_IDENT || p->stmt_tok2 == TOK_RESERVED)) ||
              (p->stmt == TOK_OVERRIDE && p->stmt_tok2 == TOK_STRING);
  bool named = (p->stmt == TOK_POLICY || p->stmt == TOK_IMPORT) &&
               p->stmt_tok2 == TOK_STRING;
  if (p->nlay != 0 || p->stmt_n != 2 || !p->held || !(rule || named))
    return 0;
  int head = (int)(p->stmt_loc2.end - p->stmt_loc.off);
  const char *what = rule ? "a rule" : p->stmt == TOK_POLICY
                                           ? "the policy header"
                                           : "an import";
  if (p->held_t == '{') {
    report(p, DC_SYNTAX, sp_of(p->held_loc), "the '{' of %s goes at the "
           "end of its first line", what);
    hint(p, "move it up: %.*s {", head, s + p->stmt_loc.off);
    return -1;
  }
  size_t nk;
  const keyword *k = block_words(rule ? LAY_RULE : LAY_HEADER, &nk);
  bool word = p->held_t == TOK_IDENT || p->held_t == TOK_RESERVED;
  if (!word || !p->held_tok.s || !lookup(k, nk, p->held_tok.s) ||
      p->stmt == TOK_IMPORT) /* its block is optional: exclude[x] reads */
    return 0;
  *l = after_last(p);
  report(p, DC_SYNTAX, sp_of(*l), "expected '{', found end of line");
  hint(p, "the clauses of %s go in braces: %.*s {", what, head,
       s + p->stmt_loc.off);
  p->bad_tok = l->off;
  p->block_soft = true;
  return '{';
}

/* A line break: NEWLINE (located after the last token) where it ends a
 * statement or clause, else -1. After a syntax error inside expression
 * brackets it first has them closed (see force_close). */
static int lay_newline(pol_parser *p, pol_loc *l) {
  if (p->resync) {
    p->resync = false;
    p->forcing = expr_open(p);
    if (p->forcing) {
      p->nl_pending = true;
      return -1;
    }
  }
  if (!lay_level(p) || p->at_start || continues(p->lay_prev))
    return -1;
  if (parse_clause_kw(p->lay_prev) && value_below(p))
    return -1;
  if (ends_operand(p->lay_prev) && continued_below(p))
    return -1;
  int b = rule_brace(p, l);
  if (b)
    return b;
  *l = after_last(p);
  return TOK_NEWLINE;
}

/* Hand over a synthetic token [t] at the empty location [at]: no message
 * is ever about it (bad_tok). */
static int synthetic(pol_parser *p, int t, pol_tok *v, pol_loc *l,
                     pol_loc at) {
  memset(v, 0, sizeof *v);
  v->s = "";
  *l = at;
  p->bad_tok = at.off;
  if (t == TOK_NEWLINE) { /* what follows starts a statement or clause */
    p->at_start = lay_level(p);
    p->lay_prev = TOK_NEWLINE;
  }
  return t;
}

/* The synthetic closer of the innermost expression bracket, after the
 * last token. */
static int force_close(pol_parser *p, pol_tok *v, pol_loc *l) {
  int k = lay_top(p);
  int t = k == LAY_PAREN ? ')' : k == LAY_BRACKET ? ']' : '}';
  p->nlay--;
  p->forcing--;
  p->forced++;
  p->at_start = false;
  p->lay_prev = t;
  return synthetic(p, t, v, l, after_last(p));
}

/* The word [v] at [l] starts a line in a block and would start a
 * statement: report the missing '}', and have the block closed by a
 * synthetic BLOCK_CLOSE and NEWLINE before the word [t] is handed over
 * again, now at the start of a statement. */
static void close_block(pol_parser *p, int t, const pol_tok *v,
                        const pol_loc *l) {
  if (!p->block_soft) { /* else the repair that opened it said all */
    report(p, DC_MISSING_BRACE, sp_of(*l), "expected '}', found '%s'", v->s);
    hint(p, "close the block above with '}' before the next statement");
  }
  p->block_soft = false;
  p->block_close = 0;
  p->nlay--;
  p->forced_blocks++;
  p->pend[0] = TOK_NEWLINE;
  p->pend[1] = TOK_BLOCK_CLOSE;
  p->npend = 2;
  p->pend_loc = (pol_loc){l->off, l->off, l->line, l->col};
  p->held = true;
  p->held_t = t;
  p->held_tok = *v;
  p->held_loc = *l;
  p->lay_prev = TOK_NEWLINE;
}

/* Whether only blanks come before the token at [l] on its line. */
static bool first_on_line(const pol_parser *p, const pol_loc *l) {
  const char *src = p->d->src;
  for (uint32_t i = l->off; i > 0 && src[i - 1] != '\n'; i--)
    if (src[i - 1] != ' ' && src[i - 1] != '\t' && src[i - 1] != '\r')
      return false;
  return true;
}

bool parse_clause_kw(int t) {
  switch (t) {
  case TOK_TITLE: case TOK_VERSION: case TOK_DESCRIPTION: case TOK_SEVERITY:
  case TOK_REFS: case TOK_WHEN: case TOK_REQUIRE: case TOK_MESSAGE:
  case TOK_ASK: case TOK_EXCLUDE:
    return true;
  default:
    return false;
  }
}

/* Note the clause (or let) that the token [t] at [l] starts or is the
 * value of: its keyword, and where its value starts, for the messages
 * about its value (bare_list, unquoted_item). */
static void track_clause(pol_parser *p, int t, const pol_loc *l) {
  if (parse_clause_kw(t)) {
    p->clause_kw = t;
    p->clause_val = UINT32_MAX;
  } else if (parse_clause_kw(p->lay_prev) && p->clause_kw == p->lay_prev) {
    p->clause_val = l->off;
  } else if (p->lay_prev == TOK_ASSIGN && p->stmt == TOK_LET &&
             p->nlay == 0) {
    p->clause_kw = TOK_LET;
    p->clause_val = l->off;
  } else if ((p->at_start && !is_sep(t)) || t == TOK_BLOCK_OPEN ||
             t == TOK_BLOCK_CLOSE) {
    p->clause_kw = 0; /* the next statement or clause: not a value */
  }
}

/* ==== repairs: text the layout reads as what it was meant to be ==== */

/* Whether the raw token [t] at [l] is text a repair has read already
 * (skip_to), or on a line read as a comment (skip_line). */
static bool skipped(pol_parser *p, int t, const pol_loc *l) {
  if (p->skip_line) {
    if (t != TOK_NEWLINE && t != TOK_END)
      return true;
    p->skip_line = false;
  }
  return t != TOK_END && l->off < p->skip_to;
}

/* Whether the line from [off] holds text beyond ASCII outside quotes
 * (Japanese prose), or nothing. */
static bool prose_after(const pol_parser *p, uint32_t off) {
  uint32_t n;
  const char *s = p->d->src + rest_of_line(p, off, &n);
  char q = 0;
  for (uint32_t i = 0; i < n; i++) {
    if (q && s[i] == q)
      q = 0;
    else if (!q && (s[i] == '"' || s[i] == '\''))
      q = s[i];
    else if (!q && (unsigned char)s[i] >= 0x80)
      return true;
  }
  return n == 0;
}

/* Whether the word at [l] (text beyond ASCII that is no name, [v]) starts
 * a line of prose: what follows it is no operator, bracket or ': CODE',
 * and it is no severity in Japanese (必須 r: ...). */
static bool prose_word(const pol_parser *p, const pol_tok *v,
                       const pol_loc *l) {
  const char *s = p->d->src;
  size_t n = p->d->srclen;
  uint32_t i = l->end;
  if (v->ecode != DC_NON_ASCII_NAME || parse_japanese_severity(v->s))
    return false;
  while (i < n && (s[i] == ' ' || s[i] == '\t'))
    i++;
  if (i >= n || s[i] == '\n' || s[i] == '\r')
    return true;
  if (strchr("=<>!&|+*/%.([{?,", s[i]))
    return false;
  if (s[i] == ':') {
    for (i++; i < n && (s[i] == ' ' || s[i] == '\t');)
      i++;
    return i < n && (unsigned char)s[i] >= 0x80;
  }
  return true;
}

/* Whether only blanks and line breaks lie between [a] and [b]. */
static bool blank_between(const pol_parser *p, uint32_t a, uint32_t b) {
  for (uint32_t i = a; i < b; i++)
    if (!strchr(" \t\r\n", p->d->src[i]))
      return false;
  return a <= b;
}

/* A line at the start of a statement or clause that is a comment
 * without '//': one starting with '/', '--' or '*', or prose (Japanese
 * text that is no name). One error for it, and the line is skipped; the
 * lines after a C comment '/' '*' left open are its text, said with it. */
static bool comment_line(pol_parser *p, int t, const pol_tok *v,
                         const pol_loc *l) {
  const char *s = p->d->src;
  size_t n = p->d->srclen;
  bool dashes = t == '-' && l->end < n && s[l->end] == '-' &&
                (l->end + 1 >= n || !word_start((unsigned char)s[l->end + 1]) ||
                 (unsigned char)s[l->end + 1] >= 0x80);
  bool prose = t == TOK_IDENT && prose_word(p, v, l);
  bool bullet = t == '-' && !dashes && l->end < n &&
                (s[l->end] == ' ' || s[l->end] == '\t') &&
                prose_after(p, l->end); /* - バックアップは... */
  if (!first_on_line(p, l) ||
      (t != '/' && t != '*' && !dashes && !prose && !bullet))
    return false;
  bool chained = p->note_open && blank_between(p, p->note_end, l->off);
  if (!chained && prose) {
    uint32_t len;
    const char *text = s + rest_of_line(p, l->off, &len);
    int k = cut(text, len, 30);
    report(p, DC_HASH_COMMENT, sp_of(*l), "a comment must start with '//'");
    hint(p, "write '//' before it: // %.*s%s", k, text,
         (uint32_t)k < len ? "..." : "");
  } else if (!chained) {
    report(p, DC_HASH_COMMENT, diag_span_at(p->d, l->off, dashes ? 2 : 1),
           "'%s' does not start a comment",
           dashes ? "--" : t == '/' ? "/" : t == '-' ? "-" : "*");
    hint(p, "comments start with '//'");
  } else {
    p->nerr++; /* the rest of the C comment, reported at its start */
  }
  p->note_end = line_end_at(p, l->off);
  p->skip_line = true;
  mute_line(p, l->off);
  return true;
}

/* A line at statement level that starts with a clause of a rule and
 * its value (require x, title "t"): a '}' too early closed the rule
 * above (said at it, once, and the rule's own '}' further down is
 * dropped), or a clause was written outside any rule. The line is
 * skipped. */
static bool stray_clause(pol_parser *p, const pol_tok *v, const pol_loc *l) {
  const char *s = p->d->src;
  size_t n = p->d->srclen;
  uint32_t i = l->end;
  if (!v->s || !lookup(rule_words, POL_COUNTOF(rule_words), v->s) ||
      !first_on_line(p, l) || i >= n || (s[i] != ' ' && s[i] != '\t'))
    return false;
  while (i < n && (s[i] == ' ' || s[i] == '\t'))
    i++;
  if (i >= n || !(word_start((unsigned char)s[i]) || s[i] == '"' ||
                  s[i] == '\'' || s[i] == '!'))
    return false; /* title == "x", refs[0]: a name in an expression */
  if (p->rule_close && !p->rule_close_said) {
    report(p, DC_SYNTAX, diag_span_at(p->d, p->rule_close - 1, 1),
           "this '}' ends the rule before its clauses below");
    hint(p, "delete it: the '%s' clause after it belongs to the rule", v->s);
    p->rule_close_said = true;
    p->forced_blocks = 1;
  } else if (p->rule_close) {
    p->nerr++;
  } else {
    report(p, DC_UNKNOWN_STATEMENT, sp_of(*l), "'%s' is a clause of a rule, "
           "not a statement", v->s);
    if (!strcmp(v->s, "require"))
      hint(p, "write the expression alone (a line of its own is a must-rule), "
           "or inside a rule: rule ID { require ... }");
    else
      hint(p, "write it inside a rule: rule ID { %s ... }", v->s);
  }
  p->skip_line = true;
  mute_line(p, l->off);
  return true;
}

/* A statement keyword starting a line, followed by what that statement
 * takes (let NAME, import "m", rule ID), while expression brackets are
 * open: a bracket above was not closed. Said at it; the brackets are
 * closed at the end of the line above and the word [t] ([v] at [l])
 * starts a statement, as it was meant to. */
static bool stmt_below(pol_parser *p, int t, const pol_tok *v,
                       const pol_loc *l) {
  const char *s = p->d->src;
  size_t n = p->d->srclen;
  uint32_t i = l->end;
  if (!v->s || !first_on_line(p, l) ||
      !lookup(stmt_words, POL_COUNTOF(stmt_words), v->s) || i >= n ||
      (s[i] != ' ' && s[i] != '\t'))
    return false;
  while (i < n && (s[i] == ' ' || s[i] == '\t'))
    i++;
  if (i >= n || !(isalpha((unsigned char)s[i]) || s[i] == '_' ||
                  s[i] == '"' || s[i] == '\''))
    return false;
  if (p->mute_end <= p->lay_off[p->nlay - 1]) {
    int k = lay_top(p);
    char close = k == LAY_PAREN ? ')' : k == LAY_BRACKET ? ']' : '}';
    report(p, DC_SYNTAX, diag_span_at(p->d, p->lay_off[p->nlay - 1], 1),
           "'%c' is not closed", s[p->lay_off[p->nlay - 1]]);
    hint(p, "close it with '%c' before line %u", close, (unsigned)l->line);
  }
  p->resync = false;
  p->forcing = expr_open(p);
  p->pend[0] = TOK_NEWLINE;
  p->npend = 1;
  p->pend_loc = (pol_loc){l->off, l->off, l->line, l->col};
  p->held = true;
  p->held_t = t;
  p->held_tok = *v;
  p->held_loc = *l;
  return true;
}

/* At the end of the input, the block of the last statement is still
 * open: its '}' is missing at the end of the file. One error at its
 * '{' (none when a repair opened it), and a '}' made up to end it. */
static bool unclosed_at_end(pol_parser *p, pol_tok *v, pol_loc *l) {
  if (p->nlay != 1 || lay_top(p) < LAY_HEADER || p->npend)
    return false;
  const char *s = p->d->src;
  uint32_t o = p->lay_off[0], e = o;
  while (e > p->stmt_loc.off && (s[e - 1] == ' ' || s[e - 1] == '\t'))
    e--;
  bool said = p->block_soft; /* a string left open may hold its '}' */
  for (size_t i = p->diag0; i < p->d->n; i++)
    said |= p->d->items[i].code == DC_UNTERMINATED &&
            p->d->items[i].sp.off > o;
  if (!said) {
    int k = cut(s + p->stmt_loc.off, e - p->stmt_loc.off, 40);
    report(p, DC_MISSING_BRACE, diag_span_at(p->d, o, 1),
           "the block of '%.*s' is not closed", k, s + p->stmt_loc.off);
    hint(p, "end it with '}' after its last line");
  }
  p->block_soft = false;
  p->block_close = 0;
  p->nlay--;
  p->pend[0] = TOK_BLOCK_CLOSE;
  p->npend = 1;
  p->pend_loc = after_last(p);
  p->held = true;
  p->held_t = TOK_END;
  memset(&p->held_tok, 0, sizeof p->held_tok);
  p->held_tok.s = "";
  p->held_loc = *l;
  POL_UNUSED(v);
  return true;
}

/* The id of a rule, a one-line rule or a let, the word [v] at [l], goes
 * on with '-' and more words (tenant-isolation) or with blanks and more
 * words (tenant isolation) up to where the statement goes on ('{', '=',
 * '"' or ':'): one error, and the whole read as the id meant, with '_'. */
static void long_id(pol_parser *p, pol_tok *v, pol_loc *l) {
  const char *s = p->d->src;
  size_t n = p->d->srclen;
  int st = p->stmt;
  if (st != TOK_RULE && st != TOK_OVERRIDE && st != TOK_LET &&
      st != TOK_MUST && st != TOK_SHOULD && st != TOK_MAY)
    return;
  uint32_t e = l->end, parts = 0;
  bool dash = false;
  for (;;) {
    uint32_t i = e;
    bool d = i < n && s[i] == '-';
    if (d)
      i++;
    else
      while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    uint32_t w = word_at(s, n, i);
    if (i == e || w == 0 || !isalpha((unsigned char)s[i]))
      break;
    char word[32];
    snprintf(word, sizeof word, "%.*s", (int)w, s + i);
    if (!d && (lookup(stmt_words, POL_COUNTOF(stmt_words), word) ||
               !strcmp(word, "in")))
      break;
    dash |= d;
    e = i + w;
    parts++;
  }
  uint32_t k = e;
  while (k < n && (s[k] == ' ' || s[k] == '\t'))
    k++;
  bool fits = k < n && (st == TOK_LET ? s[k] == '=' && (k + 1 >= n ||
                                                        s[k + 1] != '=')
                        : st == TOK_RULE || st == TOK_OVERRIDE
                            ? s[k] == '{' || s[k] == '(' || s[k] == '['
                            : s[k] == '"' || s[k] == ':');
  if (!parts || !fits)
    return;
  char *id = arena_alloc(p->a, e - l->off + 1), *o = id;
  if (!id)
    return;
  for (uint32_t i = l->off; i < e; i++) {
    bool blank = s[i] == ' ' || s[i] == '\t';
    if (blank && o > id && o[-1] == '_' && (s[i - 1] == ' ' ||
                                            s[i - 1] == '\t'))
      continue; /* blanks in a row: one '_' */
    *o++ = blank || s[i] == '-' ? '_' : s[i];
  }
  *o = '\0';
  bool let = st == TOK_LET;
  if (dash)
    v->err = arena_printf(p->a, "'%.*s' cannot be %s: %s are ASCII "
                          "letters, digits and '_'", (int)(e - l->off),
                          s + l->off, let ? "a name" : "an id",
                          let ? "names" : "ids");
  else
    v->err = arena_printf(p->a, "'%.*s' cannot be %s: %s is one word",
                          (int)(e - l->off), s + l->off,
                          let ? "a name" : "an id", let ? "a name" : "an id");
  v->ehint = arena_printf(p->a, "write %s", id);
  v->ecode = DC_SYNTAX;
  v->eoff = l->off;
  v->elen = e - l->off;
  if (!v->err)
    v->err = "an id is one word";
  v->s = id;
  v->n = strlen(id);
  l->end = e;
  p->skip_to = e;
}

/* The layout proper: the raw token [t] (value [v], location [l]) as the
 * parser is to see it, or -1 to drop it. */
static int layout(pol_parser *p, int t, pol_tok *v, pol_loc *l) {
  bool level = lay_level(p), word = t == TOK_IDENT || t == TOK_RESERVED;
  if (skipped(p, t, l))
    return -1;
  if (t == TOK_END)
    return unclosed_at_end(p, v, l) ? -1 : t;
  if (t == TOK_NEWLINE && (t = lay_newline(p, l)) < 0)
    return -1;
  if (p->at_start && level && comment_line(p, t, v, l))
    return -1;
  if (word && p->at_start && lay_top(p) == 0 && stray_clause(p, v, l))
    return -1;
  if (p->at_start && lay_top(p) == 0 && !is_sep(t))
    p->rule_close = 0; /* a statement: the rule before is over */
  if (word && !v->err && p->nlay == 0 && p->stmt_n == 1)
    long_id(p, v, l);
  if (word && expr_open(p) > 0 && stmt_below(p, t, v, l))
    return -1;
  if (t == ';' && level && p->at_start)
    return -1; /* an empty statement */
  if (word && p->at_start && lay_top(p) >= LAY_HEADER &&
      first_on_line(p, l) &&
      lookup(stmt_words, POL_COUNTOF(stmt_words), v->s)) {
    close_block(p, t, v, l);
    return -1;
  }
  p->clause_pos = p->at_start || p->lay_prev == TOK_STRING;
  track_not(p, t, v, l, p->lay_prev);
  if (word)
    t = word_operator(p, classify(p, t, v, l), v, l, p->lay_prev);
  else if (t == TOK_ASSIGN)
    t = assign(p, v, l);
  track_clause(p, t, l);
  if (is_close(t) && (t = lay_close(p, t, l->off)) < 0)
    return -1;
  bool level0 = p->nlay == 0;
  track(p, t, v, l);
  if (is_open(t))
    t = lay_open(p, t, level0, l->off);
  p->at_start = t == TOK_BLOCK_OPEN || (is_sep(t) && level);
  p->lay_prev = t;
  return t;
}

/* ==== syntax errors ==== */

/* Describe the token at [l] for a message: 'text', cut at 24 code points
 * or a line end; string and bytes literals say what they are, and an
 * empty token (NEWLINE, or a closer added by a resync) is the end of a
 * line. */
static void describe(const pol_parser *p, const pol_loc *l, int found,
                     char *out, size_t size) {
  const char *s = p->d->src + l->off;
  size_t n = l->end - l->off, k = 0, cps = 0;
  if (found == 0 || n == 0) {
    snprintf(out, size, found == 0 ? "end of input" : "end of line");
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

static bool wanted(const char *name, const char *const *want, int nwant) {
  for (int j = 0; j < nwant; j++)
    if (strcmp(want[j], name) == 0)
      return true;
  return false;
}

/* The tokens of [order] that are among [want], in that order, as "','
 * or ')'" into [out]; returns how many. */
static size_t list_tokens(const char *const *order, size_t norder,
                          const char *const *want, int nwant, char *out,
                          size_t size) {
  size_t nhit = 0, len = 0;
  out[0] = '\0';
  for (size_t i = 0; i < norder; i++)
    nhit += wanted(order[i], want, nwant);
  for (size_t i = 0, k = 0; i < norder && len < size; i++) {
    if (!wanted(order[i], want, nwant))
      continue;
    const char *sep = k == 0 ? "" : k + 1 == nhit ? " or " : ", ";
    len += (size_t)snprintf(out + len, size - len, "%s%s", sep, order[i]);
    k++;
  }
  return nhit;
}

/* The closing tokens among [want], in a fixed order, as "',' or ')'";
 * empty when an operand could start here as well. */
static void closers(const pol_parser *p, const char *const *want, int nwant,
                    char *out, size_t size) {
  static const char *const order[] = {"':'", "','", "')'", "']'", "'}'"};
  uint32_t lv = p->nest < POL_MAX_PARSE_DEPTH ? p->nest : POL_MAX_PARSE_DEPTH;
  out[0] = '\0';
  if (wanted("identifier", want, nwant))
    return; /* an operand could start here: nothing to close yet */
  size_t nhit = list_tokens(order, POL_COUNTOF(order), want, nwant, out,
                            size);
  size_t len = strlen(out);
  if (nhit == 1 && out[1] == ':' && p->cond[lv] > 0 && len < size)
    snprintf(out + len, size - len, " in conditional");
}

/* In a policy, where the parser wants one of a few statement tokens and
 * nothing that continues or starts an expression ("'='", "'{'", "string
 * literal", or a name): those, as for closers(); else empty. */
static void policy_wants(const char *const *want, int nwant, char *out,
                         size_t size) {
  static const char *const order[] = {"'='", "'{'", "string literal",
                                      "identifier"};
  static const char *const quiet[] = {"reserved word", "end of line", "';'",
                                      "end of input"};
  out[0] = '\0';
  for (int j = 0; j < nwant; j++) {
    bool known = false;
    for (size_t i = 0; i < POL_COUNTOF(order); i++)
      known |= strcmp(order[i], want[j]) == 0;
    for (size_t i = 0; i < POL_COUNTOF(quiet); i++)
      known |= strcmp(quiet[i], want[j]) == 0;
    if (!known)
      return;
  }
  list_tokens(order, POL_COUNTOF(order), want, nwant, out, size);
}

/* A word at [l] where a clause of a block could start (the parser wants
 * the block's first clause keyword): "unknown clause 'X' (expected one
 * of: ...)", with the clause names of the block at hand. Returns false
 * when no clause was wanted. */
static const char *clause_alias(const char *word, const keyword *k,
                                size_t n);
static bool expression_line(const pol_parser *p, const pol_loc *l);
static const char *expression_text(pol_parser *p, const pol_loc *l);

static bool unknown_clause(pol_parser *p, const pol_loc *l,
                           const char *const *want, int nwant) {
  size_t n;
  const keyword *k = block_words(lay_top(p), &n);
  if (!k || !wanted(k[0].s, want, nwant))
    return false;
  char names[128];
  size_t len = 0;
  for (size_t i = 0; i < n && len < sizeof names; i++)
    len += (size_t)snprintf(names + len, sizeof names - len, "%s%s",
                            i ? ", " : "", k[i].s);
  char word[64];
  snprintf(word, sizeof word, "%.*s", (int)(l->end - l->off),
           p->d->src + l->off);
  suggest s;
  suggest_init(&s, word);
  for (size_t i = 0; i < n; i++)
    suggest_offer(&s, k[i].s);
  report(p, DC_UNKNOWN_CLAUSE, sp_of(*l),
         "unknown clause '%s' (expected one of: %s)", word, names);
  const char *alias = clause_alias(word, k, n);
  if (alias || suggest_best(&s))
    hint(p, "did you mean '%s'?", alias ? alias : suggest_best(&s));
  else if (lay_top(p) == LAY_RULE && expression_line(p, l))
    hint(p, "a rule states what it requires with 'require': require %s",
         expression_text(p, l));
  if (lay_top(p) == LAY_RULE)
    mute_line(p, l->off);
  return true;
}

/* Other words for the clauses of a rule: if for when, check for require,
 * name for title, ... The one among the block's [k] ([n] of them) that
 * [word] stands for, or NULL. */
static const char *clause_alias(const char *word, const keyword *k,
                                size_t n) {
  static const char *const alias[][2] = {
      {"if", "when"},          {"where", "when"},
      {"condition", "when"},   {"applies", "when"},
      {"check", "require"},    {"assert", "require"},
      {"expect", "require"},   {"requirement", "require"},
      {"requires", "require"}, {"must", "require"},
      {"name", "title"},       {"label", "title"},
      {"level", "severity"},   {"priority", "severity"},
      {"reference", "refs"},   {"references", "refs"},
      {"controls", "refs"},    {"question", "ask"},
      {"msg", "message"},      {"description", "message"}};
  for (size_t i = 0; i < POL_COUNTOF(alias); i++)
    if (strcasecmp(alias[i][0], word) == 0 && lookup(k, n, alias[i][1]))
      return alias[i][1];
  return NULL;
}

/* Whether the line of the word at [l] reads as an expression: the word
 * goes on with '.', '(' or '[', an operator, or nothing. */
static bool expression_line(const pol_parser *p, const pol_loc *l) {
  const char *s = p->d->src;
  uint32_t i = l->end;
  if (i < p->d->srclen && strchr(".([", s[i]))
    return true;
  while (i < p->d->srclen && (s[i] == ' ' || s[i] == '\t'))
    i++;
  return i >= p->d->srclen || strchr("\r\n=<>!&|+-*/%", s[i]);
}

/* The text of the line from [l], up to 40 characters (arena). */
static const char *expression_text(pol_parser *p, const pol_loc *l) {
  uint32_t n;
  const char *v = p->d->src + rest_of_line(p, l->off, &n);
  int k = cut(v, n, 40);
  const char *r = arena_printf(p->a, "%.*s%s", k, v,
                               (uint32_t)k < n ? "..." : "");
  return r ? r : "EXPR";
}

/* A syntax error at the second token of a statement whose first is a
 * name near a statement keyword (rulee, mustt, improt): reported as
 * that word, with the keyword meant. False when it is no such case. */
static bool unknown_statement(pol_parser *p) {
  if (!p->policy || p->nlay != 0 || p->stmt != 0 || p->stmt_n != 2 ||
      !p->stmt_word)
    return false;
  const char *ja = parse_japanese_severity(p->stmt_word);
  diag *same = ja ? parse_foreign_word(p, p->stmt_loc.off) : NULL;
  if (same) { /* 必須 r: ..., said once, as the statement it stands for */
    same->code = DC_UNKNOWN_STATEMENT;
    same->msg = "a severity is one of the English words must, should, may";
    hint(p, "write '%s': severities are the English words must (必須), "
         "should (推奨) and may (任意)", ja);
    return true;
  }
  suggest s;
  suggest_init(&s, p->stmt_word);
  for (size_t i = 0; i < POL_COUNTOF(stmt_words); i++)
    suggest_offer(&s, stmt_words[i].s);
  if (!suggest_best(&s))
    return false;
  report(p, DC_UNKNOWN_STATEMENT, sp_of(p->stmt_loc),
         "unknown statement '%s'", p->stmt_word);
  hint(p, "did you mean '%s'?", suggest_best(&s));
  return true;
}

/* Whether the name at [l] starts its line and is a statement keyword or
 * a clause name of the innermost block: text that cannot be inside
 * brackets, so a bracket is left open above it. */
static bool starts_statement(const pol_parser *p, const pol_loc *l) {
  const char *src = p->d->src;
  if (!first_on_line(p, l))
    return false;
  char word[32];
  size_t n = l->end - l->off, nw;
  if (n >= sizeof word)
    return false;
  memcpy(word, src + l->off, n);
  word[n] = '\0';
  const keyword *k = NULL;
  for (uint32_t i = p->nlay; i > 0 && !k; i--)
    k = block_words(p->lay[i - 1], &nw);
  return lookup(stmt_words, POL_COUNTOF(stmt_words), word) ||
         (k && lookup(k, nw, word));
}

/* A syntax error at [l], a statement or clause word at the start of a
 * line, while an expression bracket opened on an earlier line is still
 * open: the bracket is the mistake. Reported at it; false when it is no
 * such case. */
static bool unclosed(pol_parser *p, const pol_loc *l, int found) {
  if (!p->policy || found != 5 || !p->nlay || lay_top(p) >= LAY_HEADER ||
      !starts_statement(p, l))
    return false;
  uint32_t off = p->lay_off[p->nlay - 1];
  span at = diag_span_at(p->d, off, 1);
  if (at.line >= l->line)
    return false;
  int k = lay_top(p);
  char open = k == LAY_PAREN ? '(' : k == LAY_BRACKET ? '[' : '{';
  char close = k == LAY_PAREN ? ')' : k == LAY_BRACKET ? ']' : '}';
  report(p, DC_SYNTAX, at, "'%c' is not closed", open);
  hint(p, "close it with '%c' before line %u", close, (unsigned)l->line);
  return true;
}

/* Whether the clause [word] takes a string. */
static bool string_clause(const char *word) {
  static const char *const w[] = {"title", "message", "ask", "version",
                                  "description"};
  for (size_t i = 0; i < POL_COUNTOF(w); i++)
    if (strcmp(w[i], word) == 0)
      return true;
  return false;
}

/* The hint for the clause [word] whose value is the text of its line
 * from [off]: the clause as it should read, with that value (in quotes
 * for a string clause whose value has none, or only a closing one). */
static void clause_hint(pol_parser *p, const char *word, uint32_t off) {
  uint32_t n;
  const char *v = p->d->src + rest_of_line(p, off, &n);
  if (n == 0) {
    hint(p, "write the value right after the name: %s %s", word,
         !strcmp(word, "severity") ? "must" : !strcmp(word, "refs")
             ? "[\"...\"]" : string_clause(word) ? "\"...\"" : "EXPR");
    return;
  }
  bool quote = string_clause(word) && v[0] != '"' && v[0] != '\'';
  if (quote && v[n - 1] == '"') /* title: Backup" */
    n--;
  int k = cut(v, n, 40);
  static const char *const sev[] = {"must", "should", "may"};
  for (size_t i = 0; i < POL_COUNTOF(sev); i++) /* severity: Must */
    if (!strcmp(word, "severity") && strlen(sev[i]) == n &&
        !strncasecmp(v, sev[i], n))
      v = sev[i];
  hint(p, "write the value right after the name: %s %s%.*s%s%s", word,
       quote ? "\"" : "", k, v, (uint32_t)k < n ? "..." : "",
       quote ? "\"" : "");
}

/* A syntax error at the ':' [l] (or its full-width form ：) right after
 * a clause keyword of the block at hand (`title: "..."`, `severity:
 * must`, as YAML and the one-line rules write a colon): the colon is the
 * mistake, and the hint shows the clause without it. The rest of the
 * line is explained by it. When the lexer has reported a full-width
 * colon ([said]), its hint is replaced instead. */
static bool clause_colon(pol_parser *p, const pol_loc *l, bool said) {
  const char *src = p->d->src;
  size_t n;
  const keyword *k = block_words(lay_top(p), &n);
  bool ascii = l->end == l->off + 1 && src[l->off] == ':';
  bool wide = l->end == l->off + 3 && !memcmp(src + l->off, "\xEF\xBC\x9A", 3);
  diag *last = p->d->n ? &p->d->items[p->d->n - 1] : NULL;
  if (!p->policy || !k || !(ascii || wide) ||
      (said && (!wide || !last || last->sp.off != l->off)))
    return false;
  uint32_t e = l->off, b;
  while (e > 0 && (src[e - 1] == ' ' || src[e - 1] == '\t'))
    e--;
  for (b = e; b > 0 && (isalnum((unsigned char)src[b - 1]) ||
                        src[b - 1] == '_');)
    b--;
  char word[16];
  if (e == b || e - b >= sizeof word)
    return false;
  memcpy(word, src + b, e - b);
  word[e - b] = '\0';
  if (!lookup(k, n, word))
    return false;
  if (!said)
    report(p, DC_SYNTAX, sp_of(*l), "no ':' after the clause name '%s'",
           word);
  clause_hint(p, word, l->end);
  mute_line(p, l->off);
  return true;
}

/* A syntax error at an operand right after the name `not` where an
 * operand starts (`not backup.enabled`): the word is the mistake, for
 * '!'. False when it is no such case. */
static bool not_word(pol_parser *p, int found) {
  if (!p->not_prev.end || found == 0)
    return false;
  report(p, DC_WORD_OPERATOR, sp_of(p->not_prev),
         "'not' is not an operator in CEL");
  hint(p, "write '!' for not, as in !backup.enabled");
  return true;
}

/* A word or number at [l] where the parser wants a string (title
 * Backup policy, import vendor_schema, or Japanese text, which the lexer
 * has called no name: [said]): one error, whose hint quotes the rest of
 * the line. */
static bool unquoted(pol_parser *p, const pol_loc *at, int found,
                     const char *exp, bool said) {
  const char *src = p->d->src;
  diag *last = p->d->n ? &p->d->items[p->d->n - 1] : NULL;
  char what[128];
  pol_loc w; /* ask 保管世代数を...: the text was taken for a language */
  if (!said && p->clause_kw == TOK_ASK && last &&
      last->code == DC_NON_ASCII_NAME && last->sp.off == p->clause_val) {
    w = (pol_loc){last->sp.off, last->sp.off + last->sp.len, last->sp.line,
                  last->sp.col};
    at = &w;
    said = true;
  }
  const pol_loc *l = at;
  if (strcmp(exp, "string literal") != 0 || (found != 5 && found != 4) ||
      !word_start((unsigned char)src[l->off]))
    return false;
  if (said && (!last || last->code != DC_NON_ASCII_NAME ||
               last->sp.off != l->off))
    return false;
  if (said)
    p->d->n--; /* this error says it better */
  describe(p, l, 5, what, sizeof what);
  report(p, DC_SYNTAX, sp_of(*l), "expected string literal, found %s", what);
  uint32_t n;
  const char *v = src + rest_of_line(p, l->off, &n);
  if (n > 0 && v[n - 1] == '"')
    n--;
  int k = cut(v, n, 40);
  hint(p, "write it in double quotes: \"%.*s%s\"", k, v,
       (uint32_t)k < n ? "..." : "");
  mute_line(p, l->off);
  return true;
}

/* `x not in y` at the name `not` [l]: E0102, with the CEL form. */
static bool not_in(pol_parser *p, const pol_loc *l, int found) {
  const char *s = p->d->src;
  size_t n = p->d->srclen;
  uint32_t w = l->end, a, b;
  if (found != 5 || l->end - l->off != 3 || strncasecmp(s + l->off, "not", 3))
    return false;
  while (w < n && (s[w] == ' ' || s[w] == '\t'))
    w++;
  if (word_at(s, n, w) != 2 || strncasecmp(s + w, "in", 2))
    return false;
  report(p, DC_WORD_OPERATOR, diag_span_at(p->d, l->off, w + 2 - l->off),
         "'%.*s' is not an operator in CEL", (int)(w + 2 - l->off),
         s + l->off);
  /* the operands: the string or path before, the path after */
  for (a = l->off; a > 0 && (s[a - 1] == ' ' || s[a - 1] == '\t');)
    a--;
  b = a;
  if (a > 0 && (s[a - 1] == '"' || s[a - 1] == '\'')) {
    char q = s[--b];
    while (b > 0 && s[b - 1] != q && s[b - 1] != '\n')
      b--;
    b = b > 0 ? b - 1 : b;
  } else {
    while (b > 0 && (isalnum((unsigned char)s[b - 1]) || s[b - 1] == '_' ||
                     s[b - 1] == '.'))
      b--;
  }
  uint32_t c = w + 2, e;
  while (c < n && (s[c] == ' ' || s[c] == '\t'))
    c++;
  for (e = c; e < n && (isalnum((unsigned char)s[e]) || s[e] == '_' ||
                        s[e] == '.');)
    e++;
  if (a > b && e > c && a - b < 80 && e - c < 80)
    hint(p, "write !(%.*s in %.*s)", (int)(a - b), s + b, (int)(e - c),
         s + c);
  else
    hint(p, "write !(A in B), as in !(\"JP\" in data.location.countries)");
  mute_line(p, l->off);
  return true;
}

/* A name right after a number (90 days, 7 generations): a unit, which
 * numbers in CEL do not have. */
static bool unit_word(pol_parser *p, const pol_loc *l, int found) {
  const char *s = p->d->src;
  if (found != 5 || (p->prev != TOK_INT && p->prev != TOK_DOUBLE &&
                     p->prev != TOK_UINT) ||
      !isalpha((unsigned char)s[l->off]))
    return false;
  uint32_t b = l->off, e;
  while (b > 0 && (s[b - 1] == ' ' || s[b - 1] == '\t'))
    b--;
  for (e = b; e > 0 && (isdigit((unsigned char)s[e - 1]) || s[e - 1] == '.');)
    e--;
  report(p, DC_BAD_NUMBER, sp_of(*l), "'%.*s' after a number: a number has "
         "no unit", (int)(l->end - l->off), s + l->off);
  hint(p, "write %.*s, and say '%.*s' in the rule's title or message",
       (int)(b - e), s + e, (int)(l->end - l->off), s + l->off);
  mute_line(p, l->off);
  return true;
}

/* A closer at [l] that closes nothing: no bracket of its kind is open
 * (a ')' too many, a '}' after a rule's own). */
static bool stray_closer(pol_parser *p, const pol_loc *l) {
  char c = p->d->src[l->off];
  if (!p->policy || l->end != l->off + 1 || !strchr(")]}", c) ||
      p->stray != l->off + 1 || expr_open(p) > 0)
    return false; /* it closed something, or a bracket of another kind
                     is open: that one is the mistake */
  char o = c == ')' ? '(' : c == ']' ? '[' : '{';
  report(p, DC_SYNTAX, sp_of(*l), "'%c' closes nothing: no '%c' is open",
         c, o);
  hint(p, "delete it, or add the '%c' it was meant to close", o);
  return true;
}

/* A ',' at the level of a clause or a let (refs "A", "B"): values meant
 * as a list, without its brackets. Said at the value. */
static bool bare_list(pol_parser *p, const pol_loc *l) {
  const char *s = p->d->src;
  bool lists = p->clause_kw == TOK_REFS || p->clause_kw == TOK_EXCLUDE ||
               p->clause_kw == TOK_LET;
  if (!p->policy || !lists || expr_open(p) != 0 ||
      l->end != l->off + 1 || s[l->off] != ',' || p->clause_val >= l->off)
    return false;
  uint32_t n, k = p->clause_val;
  const char *v = s + rest_of_line(p, k, &n);
  bool closed = n > 0 && v[n - 1] == ']' && !memchr(v, '[', n);
  n -= closed;
  int c = cut(v, n, 40);
  uint32_t b = k;
  while (b > 0 && s[b - 1] != '\n' && (s[b - 1] == ' ' || s[b - 1] == '\t'))
    b--;
  uint32_t kw = b;
  while (kw > 0 && (isalnum((unsigned char)s[kw - 1]) || s[kw - 1] == '_'))
    kw--;
  report(p, DC_SYNTAX, diag_span_at(p->d, k, 1),
         "several values need a list: '[' missing");
  hint(p, "write the list in brackets: %.*s%s[%.*s%s]", (int)(b - kw),
       s + kw, b > kw ? " " : "", c, v, (uint32_t)c < n ? "..." : "");
  mute_line(p, l->off);
  return true;
}

/* An item of a refs list that is not in quotes ([METI-2013 16.1.2]):
 * said at the item, with it quoted. */
static bool unquoted_item(pol_parser *p, const pol_loc *l) {
  const char *s = p->d->src;
  if (!p->policy || p->clause_kw != TOK_REFS || expr_open(p) != 1 ||
      lay_top(p) != LAY_BRACKET)
    return false;
  uint32_t b = l->off, e;
  while (b > 0 && s[b - 1] != '[' && s[b - 1] != ',' && s[b - 1] != '\n' &&
         s[b - 1] != '"' && s[b - 1] != '\'')
    b--;
  if (b == 0 || (s[b - 1] != '[' && s[b - 1] != ','))
    return false;
  while (s[b] == ' ' || s[b] == '\t')
    b++;
  for (e = b; e < p->d->srclen && !strchr(",]\n\r\"'", s[e]);)
    e++;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
    e--;
  if (e == b || !word_start((unsigned char)s[b]) || e - b > 80)
    return false;
  report(p, DC_SYNTAX, diag_span_at(p->d, b, e - b),
         "expected string literal, found '%.*s'", (int)(e - b), s + b);
  hint(p, "write it in double quotes: \"%.*s\"", (int)(e - b), s + b);
  mute_line(p, l->off);
  return true;
}

/* The '(' innermost at [l] holds no call's arguments: a list written
 * in parentheses, as SQL does. Its hint, with the brackets. */
static bool paren_list(pol_parser *p, const pol_loc *l) {
  const char *s = p->d->src;
  if (!p->policy || lay_top(p) != LAY_PAREN || s[l->off] != ',')
    return false;
  uint32_t o = p->lay_off[p->nlay - 1], b = o, e = l->off;
  while (b > 0 && (s[b - 1] == ' ' || s[b - 1] == '\t'))
    b--;
  uint32_t w = b;
  while (w > 0 && (isalnum((unsigned char)s[w - 1]) || s[w - 1] == '_'))
    w--;
  bool in = b - w == 2 && !memcmp(s + w, "in", 2) &&
            (w == 0 || !(s[w - 1] == '.' || s[w - 1] == '_'));
  if (!in && b > 0 && (isalnum((unsigned char)s[b - 1]) ||
                       s[b - 1] == '_' || s[b - 1] == ')' || s[b - 1] == ']'))
    return false; /* f(a, b): a call */
  while (e < p->d->srclen && s[e] != ')' && s[e] != '\n')
    e++;
  if (e < p->d->srclen && s[e] == ')' && e - o < 80)
    hint(p, "a list is written in brackets: [%.*s]", (int)(e - o - 1),
         s + o + 1);
  else
    hint(p, "a list is written in brackets: [\"a\", \"b\"]");
  return true;
}

/* Hints for the error just reported at [l] ([found], wanting [exp]):
 * a ',' missing between items, a bracket closed with the wrong closer,
 * a list in parentheses, the shape of a one-line rule. */
static void more_hints(pol_parser *p, const pol_loc *l, int found,
                       const char *exp) {
  const char *s = p->d->src;
  char c = s[l->off];
  bool closer = l->end == l->off + 1 && strchr(")]}", c);
  bool sev = p->stmt == TOK_MUST || p->stmt == TOK_SHOULD ||
             p->stmt == TOK_MAY;
  uint32_t rest;
  rest_of_line(p, l->end, &rest);
  if (c == ',' && p->prev == ',') {
    hint(p, "delete the second ','");
  } else if (c == ',' && rest == 0 && expr_open(p) == 0) {
    hint(p, "delete it: a clause or statement ends at the end of its "
         "line");
  } else if (strstr(exp, "','") && (found == 1 || found == 2 || found == 5 ||
                             word_start((unsigned char)c) || c == '(' ||
                             c == '[')) {
    hint(p, "separate the items with ','");
  } else if (closer && p->policy && p->nlay && lay_top(p) < LAY_HEADER) {
    int k = lay_top(p);
    span at = diag_span_at(p->d, p->lay_off[p->nlay - 1], 1);
    char o = k == LAY_PAREN ? '(' : k == LAY_BRACKET ? '[' : '{';
    char want = k == LAY_PAREN ? ')' : k == LAY_BRACKET ? ']' : '}';
    if (want != c)
      hint(p, "close the '%c' of line %u, column %u with '%c'", o,
           (unsigned)at.line, (unsigned)at.col, want);
  } else if (paren_list(p, l)) {
  } else if (sev && p->nlay == 0 && p->stmt_n == 2 &&
             !strcmp(exp, "identifier")) {
    hint(p, "a one-line rule reads: %.*s ID \"TITLE\": EXPR, its id "
         "being ASCII letters, digits and '_'",
         (int)(p->stmt_loc.end - p->stmt_loc.off), s + p->stmt_loc.off);
  } else if (sev && p->nlay == 0 && !strcmp(exp, "':'")) {
    hint(p, "a one-line rule reads: %.*s ID \"TITLE\": EXPR, with ':' "
         "before the requirement",
         (int)(p->stmt_loc.end - p->stmt_loc.off), s + p->stmt_loc.off);
  } else if (p->stmt == TOK_RULE && p->nlay == 0 && p->stmt_n == 2 &&
             !strcmp(exp, "identifier")) {
    hint(p, "a rule reads: rule ID { ... }, its id being ASCII letters, "
         "digits and '_'");
  }
}

/* Report a syntax error at the token [l], unless the lexer has reported
 * that token. [found] is 0 for the end of input, 1 for a string literal,
 * 2 for bytes, 3 for a stray character, 5 for a name (identifier or
 * reserved word), 4 for anything else; [want] names the tokens the
 * parser would have accepted ("')'", "identifier"). When a closing token
 * or separator was possible the message says which: "expected ',' or
 * ')', found 'x'"; otherwise "unexpected 'x'". In a policy, a name where
 * a clause could start is an unknown clause, and a statement's own
 * tokens are named too: "expected '=', found 'x'". Mistakes of a known
 * shape (a ':' after a clause name, text without quotes, `not in`, a
 * unit after a number, a closer too many, a list without brackets) get
 * their own message, and the rest of their line is taken as explained.
 * An error inside expression brackets has the layout close them at the
 * line's end. */
void parse_syntax_error(pol_parser *p, const pol_loc *l, int found,
                        const char *const *want, int nwant) {
  char what[128], exp[96];
  if (p->policy && expr_open(p) > 0)
    p->resync = true;
  if (p->abort || l->off < p->mute_end)
    return; /* an error has already explained this */
  closers(p, want, nwant, exp, sizeof exp);
  if (!exp[0] && p->policy)
    policy_wants(want, nwant, exp, sizeof exp);
  if (p->policy && expr_open(p) == 0 && lay_top(p) >= LAY_HEADER &&
      !strcmp(exp, "'}'"))
    exp[0] = '\0'; /* a separator or another clause would do as well */
  if (p->bad_tok == (int64_t)l->off) {
    if (!clause_colon(p, l, true))
      unquoted(p, l, found, exp, true);
    return; /* the lexer has already said what is wrong here */
  }
  if (found == 3)
    return;
  if (p->policy && found == 5 && p->clause_pos &&
      unknown_clause(p, l, want, nwant))
    return;
  if (unknown_statement(p) || unclosed(p, l, found) || not_word(p, found) ||
      clause_colon(p, l, false) || not_in(p, l, found) ||
      unit_word(p, l, found) || stray_closer(p, l) || bare_list(p, l) ||
      unquoted_item(p, l) || unquoted(p, l, found, exp, false))
    return;
  describe(p, l, found, what, sizeof what);
  if (exp[0])
    report(p, DC_SYNTAX, sp_of(*l), "expected %s, found %s", exp, what);
  else
    report(p, DC_SYNTAX, sp_of(*l), "unexpected %s", what);
  more_hints(p, l, found, exp);
}

/* Bison's own failure (its stack is exhausted, or out of memory): one
 * message. The nesting bounds keep the stack far below bison's limit,
 * so "memory exhausted" means its malloc failed. */
void parse_fatal(pol_parser *p, const pol_loc *l, const char *msg) {
  if (p->abort)
    return;
  if (strcmp(msg, "memory exhausted") == 0)
    oom(p, sp_of(*l));
  else
    report(p, DC_INTERNAL, sp_of(*l), "%s", msg);
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

/* What the actions of policy statements (parse_policy.c) share with
 * the expression actions here: see parse_impl.h. */
span parse_span(pol_loc l) { return sp_of(l); }
ast *parse_node(pol_parser *p, ast_kind k, pol_loc l) { return node(p, k, l); }
void parse_push(pol_parser *p, ast *parent, ast *kid) { push(p, parent, kid); }
void parse_oom(pol_parser *p, span sp) { oom(p, sp); }

void parse_report(pol_parser *p, diag_code code, span sp, const char *fmt,
                  ...) {
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  report(p, code, sp, "%s", msg);
}

void parse_hint(pol_parser *p, const char *fmt, ...) {
  char msg[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  hint(p, "%s", msg);
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
  report(p, DC_RESERVED_WORD, sp_of(l),
         "reserved word '%s' cannot be used as a name", t.s);
  hint(p, "CEL reserves it for the future: choose another name");
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
    report(p, DC_BAD_NUMBER, n->sp, "integer literal out of range");
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
    report(p, DC_SYNTAX, sp_of(tl), "expected a type name before '{'");
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

/* ==== memory of flex and bison ==== */

/* The deepest bison's stacks may grow (bison's own YYMAXDEPTH default,
 * which yyoverflow replaces): far beyond what the nesting limits let a
 * source reach. */
enum { PARSE_STACK_MAX = 10000 };

/* flex's yyalloc, yyrealloc and yyfree (lexer.l), realloc-style: [n] 0
 * frees [ptr]. Each live block is noted in p->lex_mem, so that when flex
 * gives up halfway through setting up its buffer (lex_fatal), run()
 * frees what it had made. NULL when out of memory, or when more blocks
 * than the few flex makes would be live. */
void *parse_lex_mem(pol_parser *p, void *ptr, size_t n) {
  const mem *m = &p->a->m;
  size_t i = 0, cap = POL_COUNTOF(p->lex_mem);
  while (i < cap && p->lex_mem[i] != ptr) /* ptr NULL: a free slot */
    i++;
  if (n == 0) {
    mem_free(m, ptr);
    if (i < cap)
      p->lex_mem[i] = NULL;
    return NULL;
  }
  if (i == cap)
    return NULL;
  void *q = mem_realloc(m, ptr, n);
  if (q)
    p->lex_mem[i] = q;
  return q;
}

/* yyoverflow (parser.y): twice the room for bison's stacks [b], from the
 * parse's mem. The first stacks are yyparse's locals; the later ones are
 * p->stacks, freed here when replaced and by run() at the end. */
bool parse_grow(pol_parser *p, void *b[3], const size_t size[3],
                size_t depth, const pol_loc *at) {
  void *nb[3] = {NULL, NULL, NULL};
  bool ok = depth <= PARSE_STACK_MAX / 2;
  for (int i = 0; ok && i < 3; i++)
    ok = (nb[i] = mem_alloc(&p->a->m, 2 * depth * size[i])) != NULL;
  for (int i = 0; i < 3; i++) {
    if (!ok) {
      mem_free(&p->a->m, nb[i]);
      continue;
    }
    memcpy(nb[i], b[i], depth * size[i]);
    if (b[i] == p->stacks[i])
      mem_free(&p->a->m, b[i]);
    b[i] = p->stacks[i] = nb[i];
  }
  if (!ok && depth > PARSE_STACK_MAX / 2)
    parse_fatal(p, at, "memory exhausted");
  else if (!ok)
    oom(p, sp_of(*at));
  return ok;
}

/* After a parse: free bison's grown stacks, and flex's blocks that a
 * fatal error left behind (yylex_destroy has freed the others). */
static void free_parse_mem(pol_parser *p) {
  for (size_t i = 0; i < POL_COUNTOF(p->stacks); i++)
    mem_free(&p->a->m, p->stacks[i]);
  for (size_t i = 0; i < POL_COUNTOF(p->lex_mem); i++)
    mem_free(&p->a->m, p->lex_mem[i]);
}

/* ==== entry point ==== */

/* Hand the bytes [start, end) of the source to flex. Its only fatal
 * error, out of memory while copying the buffer, longjmps back here (see
 * lex_fatal). */
static bool start_scan(pol_parser *p, uint32_t start, uint32_t end) {
  jmp_buf jb;
  p->fatal = &jb;
  if (setjmp(jb)) {
    p->fatal = NULL;
    return false;
  }
  lex_scan_source(p->d->src + start, end - start, p->scanner);
  p->fatal = NULL;
  return true;
}

/* What run() parses: the bytes [off, end) of the source, the first of
 * them at the start of line [line]; [whole]: the whole source, whose
 * size and encoding are checked first. */
typedef struct range {
  uint32_t off, end, line;
  bool whole;
} range;

/* Parse [r] of [d]'s source into arena [a], as a policy when [policy],
 * else as one CEL expression. Returns the root, or NULL when this parse
 * reported any error. */
static ast *run(arena *a, diag_list *d, bool policy, parse_tokens *toks,
                range r, bool *failed) {
  pol_parser p;
  if (failed)
    *failed = true; /* until the parse says otherwise */
  memset(&p, 0, sizeof p);
  p.toks = toks;
  p.a = a;
  p.d = d;
  p.diag0 = d->n;
  p.line = r.line;
  p.col = 1;
  p.last_loc = (pol_loc){r.off, r.off, r.line, 1};
  p.bad_tok = -1;
  p.policy = policy;
  p.at_start = true;
  span start = {r.off, 0, r.line, 1};
  if (r.whole && d->srclen > POL_MAX_SOURCE) {
    report(&p, DC_LIMIT, start, "source too large (limit is %u bytes)",
           (unsigned)POL_MAX_SOURCE);
    return NULL;
  }
  if (r.whole && !chars_check_encoding(d, &r.off))
    return NULL; /* one diagnostic for the file, none per line */
  if (r.whole && policy && !chars_check_line_ends(d, r.off))
    return NULL; /* the same: every line would be line 1 */
  p.utf8_ok = r.whole;
  p.pos = r.off;
  if (pol_yylex_init_extra(&p, (yyscan_t *)&p.scanner) != 0) {
    oom(&p, start);
    return NULL;
  }
  if (start_scan(&p, r.off, r.end)) {
    lex_begin(&p, r.off, p.scanner);
    pol_yyparse(&p);
  }
  else
    oom(&p, start);
  pol_yylex_destroy(p.scanner);
  free_parse_mem(&p);
  if (failed) {
    *failed = p.nerr > 0;
    return p.oom || p.deep ? NULL : p.root;
  }
  return p.nerr ? NULL : p.root;
}

static range whole(const diag_list *d) {
  return (range){0, (uint32_t)d->srclen, 1, true};
}

/* Parse the whole of [d]'s source as one CEL expression into arena [a].
 * Returns the root, or NULL when this parse reported any error. */
ast *parse_expr(arena *a, diag_list *d) {
  return run(a, d, false, NULL, whole(d), NULL);
}

/* Parse the whole of [d]'s source as a policy file into arena [a].
 * Returns the AST_POLICY root, or NULL when this parse reported any
 * error. */
ast *parse_policy(arena *a, diag_list *d) {
  return run(a, d, true, NULL, whole(d), NULL);
}

ast *parse_policy_partial(arena *a, diag_list *d, bool *failed) {
  return run(a, d, true, NULL, whole(d), failed);
}

ast *parse_policy_part(arena *a, diag_list *d, uint32_t off, uint32_t end,
                       uint32_t line) {
  return run(a, d, true, NULL, (range){off, end, line, false}, NULL);
}

/* parse_expr with the formatter's record of tokens and comments. */
ast *parse_expr_tokens(arena *a, diag_list *d, parse_tokens *out) {
  return run(a, d, false, out, whole(d), NULL);
}

/* parse_policy with the formatter's record of tokens and comments. */
ast *parse_policy_tokens(arena *a, diag_list *d, parse_tokens *out) {
  return run(a, d, true, out, whole(d), NULL);
}
