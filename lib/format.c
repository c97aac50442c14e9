/*
 * format.c: the canonical layout of a policy file (format.h).
 *
 * The formatter reads the tokens the parser saw, after the layout
 * (parse_policy_tokens): so it knows which line breaks end a statement or
 * clause (the NEWLINE and ';' separators), which words are keywords, and
 * which '{' opens a block, without a grammar of its own. It prints the
 * same tokens again with canonical blanks and line breaks:
 *
 *   - one statement per line at the left margin; one clause per line in
 *     a block, indented by two, clause values aligned one column after
 *     the block's longest keyword; `}` on a line of its own;
 *   - one space around binary operators, `?`, `:` of a conditional and
 *     `=`, after `,` and keywords; none inside brackets, around `.`,
 *     before `,`, after a prefix operator;
 *   - an expression that does not fit in FORMAT_WIDTH columns is broken
 *     after operators: after every operator of the loosest kind present
 *     (?: then || then && then comparisons ...), outside brackets first,
 *     then after the commas of the brackets that are still too long.
 *     Continuation lines line up with the expression's first column (or
 *     with the column after an open bracket);
 *   - comments stay where they are relative to the tokens: a comment at
 *     the end of a line stays after the same token (and forces a line
 *     break there), consecutive ones aligned; a comment on a line of its
 *     own stays before the same token, indented like it;
 *   - one blank line where the source had one or more between
 *     statements or clauses (never at the start or end of a block or the
 *     file, never inside a statement).
 *
 * Every decision depends on the tokens, their widths and the places of
 * comments and blank lines only, so formatting a formatted file changes
 * nothing. The result is parsed again and compared token by token and
 * comment by comment with the source before it is returned.
 */
#include "format.h"

#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "parser.h"

enum { NO_BREAK = 127, ANY_BREAK = 9 };

/* A token of the source as the layout needs it. Separators (NEWLINE and
 * ';') are kept to end statements and clauses, but never printed. */
typedef struct ftok {
  int tok;
  uint32_t off, end;     /* its text in the source */
  uint32_t line, eline;  /* lines of its first and last byte */
  uint32_t width;        /* columns (of its last line, when it has several) */
  int32_t trail;         /* the comment after it on its line, or -1 */
  uint32_t pre, npre;    /* comments on lines of their own before it */
  bool blank;            /* a blank line between it and what precedes */
  bool space;            /* a space before it, when on the same line */
  bool multiline;        /* its text holds a line break */
  int8_t rank;           /* a line may break after it: lower ranks first */
  uint16_t depth;        /* brackets open before it */
} ftok;

typedef struct fcomment {
  uint32_t off, end;     /* the text, trailing blanks dropped */
  uint32_t line;
  bool blank;            /* a blank line before it */
} fcomment;

/* A line of output: its code, its width and its trailing comment. */
typedef struct fline {
  const char *code;
  size_t len, width;
  int32_t trail;
} fline;

typedef struct fmt {
  const char *src;
  ftok *t;               /* nt tokens, then an end token holding the
                            comments after the last one */
  size_t nt;
  fcomment *c;
  size_t nc;
  fline *lines;
  size_t nlines, cap_lines;
  arena a;               /* the lines' text */
  sbuf line;             /* the line being written */
  size_t col;            /* its width */
  int32_t trail;         /* its trailing comment, or -1 */
  bool open_line;        /* a line is being written */
  bool fresh;            /* nothing but its indent yet */
  bool block_start;      /* the last line opened a block */
  uint32_t open[POL_MAX_PARSE_DEPTH + 2]; /* columns after open brackets */
  size_t nopen;
  bool oom;
  mem m;                 /* every block above */
} fmt;

/* ==== tokens ============================================================= */

static bool is_sep(int t) { return t == TOK_NEWLINE || t == ';'; }
static bool is_opener(int t) { return t == '(' || t == '[' || t == '{'; }
static bool is_closer(int t) { return t == ')' || t == ']' || t == '}'; }
static bool is_name(int t) {
  return t == TOK_IDENT || t == TOK_RESERVED || t == TOK_QIDENT;
}

/* Tokens an operand can end with. */
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

/* The rank of a break after the binary operator [t]: the loosest
 * operators break first. */
static int binary_rank(int t) {
  switch (t) {
  case TOK_OR: return 1;
  case TOK_AND: return 2;
  case TOK_EQ: case TOK_NE: case '<': case TOK_LE: case '>': case TOK_GE:
  case TOK_IN: return 3;
  case '+': case '-': return 4;
  case '*': case '/': case '%': return 5;
  default: return NO_BREAK;
  }
}

/* Whether a space goes between [prev] and [cur] (tokens of the source),
 * given whether [cur] is a conditional's '?' or ':' ([cond]) and whether
 * [prev] binds to what follows ([prev_tight]: a prefix operator, or the
 * '?' of the optional syntax, as in a.?b or {?k: v}). */
static bool spaced(int prev, int cur, bool cond, bool prev_tight) {
  if (is_opener(prev) || is_closer(cur) || cur == ',' || prev == '.' ||
      prev_tight || (prev == TOK_BLOCK_OPEN && cur == TOK_BLOCK_CLOSE))
    return false;
  if (cur == '.')
    return !ends_operand(prev);
  if (cur == '(' || cur == '{')
    return !is_name(prev);
  if (cur == '[')
    return !ends_operand(prev);
  if (cur == ':')
    return cond;
  return true;
}

/* Fill in each token's space, rank and depth, walking the tokens with
 * the open brackets and the conditionals waiting for their ':'. */
static void classify(fmt *F) {
  uint32_t cond[POL_MAX_PARSE_DEPTH + 2] = {0};
  uint16_t depth = 0;
  bool prev_tight = false;
  int prev = 0;
  for (size_t i = 0; i < F->nt; i++) {
    ftok *k = &F->t[i];
    if (is_sep(k->tok))
      continue;
    bool unary = k->tok == '!' || (k->tok == '-' && !ends_operand(prev));
    bool c = false;
    if (k->tok == '?' && ends_operand(prev))
      c = true, cond[depth]++;
    else if (k->tok == ':' && cond[depth] > 0)
      c = true, cond[depth]--;
    if (is_closer(k->tok) && depth > 0)
      depth--;
    k->depth = depth;
    k->space = prev != 0 && spaced(prev, k->tok, c, prev_tight);
    k->rank = c ? 0 : k->tok == ',' ? -1 : unary ? NO_BREAK
                                              : (int8_t)binary_rank(k->tok);
    if (is_opener(k->tok) && depth <= POL_MAX_PARSE_DEPTH)
      cond[++depth] = 0;
    prev = k->tok;
    prev_tight = unary || (k->tok == '?' && !c);
  }
}

/* ==== reading the source ================================================= */

static uint32_t lines_in(const char *s, size_t n) {
  uint32_t k = 0;
  for (size_t i = 0; i < n; i++)
    k += s[i] == '\n';
  return k;
}

/* A token's width: of its last line, when it spans several. */
static void measure(fmt *F, ftok *k) {
  const char *s = F->src + k->off;
  size_t n = k->end - k->off;
  size_t last = n;
  while (last > 0 && s[last - 1] != '\n')
    last--;
  k->multiline = last > 0;
  s += last;
  n -= last;
  k->width = (uint32_t)utf8_width(s, n);
}

/* The comment [r]: trailing (after a token on its line) or on a line of
 * its own, then held for the next token. [last] is the last token seen
 * that is no separator (-1: none yet), [last_line] the last line of
 * whatever came last (0: nothing yet). */
static void add_comment(fmt *F, const parse_token *r, long last,
                        uint32_t *last_line, uint32_t *held) {
  fcomment *c = &F->c[F->nc];
  uint32_t end = r->end;
  while (end > r->off && strchr(" \t\r\f", F->src[end - 1]))
    end--;
  *c = (fcomment){r->off, end, r->line,
                  *last_line > 0 && r->line > *last_line + 1};
  if (last >= 0 && F->t[last].eline == r->line && F->t[last].trail < 0) {
    F->t[last].trail = (int32_t)F->nc;
    c->blank = false;
  } else {
    (*held)++;
  }
  F->nc++;
  *last_line = r->line;
}

/* A token the parser saw: it takes the comments held before it. */
static void add_token(fmt *F, const parse_token *r, long *last,
                      uint32_t *last_line, uint32_t *held) {
  ftok *k = &F->t[F->nt];
  memset(k, 0, sizeof *k);
  k->tok = r->tok;
  k->off = r->off;
  k->end = r->end;
  k->line = r->line;
  k->eline = r->line + lines_in(F->src + r->off, r->end - r->off);
  k->trail = -1;
  measure(F, k);
  if (!is_sep(r->tok)) {
    k->pre = (uint32_t)F->nc - *held;
    k->npre = *held;
    k->blank = *last_line > 0 && r->line > *last_line + 1;
    *held = 0;
    *last = (long)F->nt;
    *last_line = k->eline;
  }
  F->nt++;
}

/* Split the parser's record into tokens and comments. */
static bool read_tokens(fmt *F, const parse_tokens *r) {
  F->t = mem_calloc(&F->m, r->n + 1, sizeof *F->t);
  F->c = mem_calloc(&F->m, r->n + 1, sizeof *F->c);
  if (!F->t || !F->c)
    return false;
  long last = -1;
  uint32_t last_line = 0, held = 0;
  for (size_t i = 0; i < r->n; i++) {
    if (r->v[i].tok == TOK_COMMENT)
      add_comment(F, &r->v[i], last, &last_line, &held);
    else
      add_token(F, &r->v[i], &last, &last_line, &held);
  }
  ftok *end = &F->t[F->nt]; /* the end holds the comments after the last */
  memset(end, 0, sizeof *end);
  end->trail = -1;
  end->pre = (uint32_t)(F->nc - held);
  end->npre = held;
  classify(F);
  return true;
}

/* ==== writing lines ====================================================== */

/* End the line being written, if any. */
static void flush(fmt *F) {
  if (!F->open_line)
    return;
  F->open_line = false;
  if (!mem_grow(&F->m, (void **)&F->lines, &F->cap_lines, F->nlines + 1,
                sizeof *F->lines)) {
    F->oom = true;
    return;
  }
  char *code = arena_strndup(&F->a, F->line.p ? F->line.p : "", F->line.len);
  F->oom |= code == NULL || F->line.oom;
  F->lines[F->nlines++] = (fline){code ? code : "", code ? F->line.len : 0,
                                  F->col, F->trail};
  F->block_start = false;
}

/* A blank line, unless at the top of the file, at the start of a block
 * or after another blank line. */
static void blank(fmt *F) {
  flush(F);
  if (F->nlines == 0 || F->block_start || F->lines[F->nlines - 1].len == 0)
    return;
  F->open_line = true;
  F->line.len = 0;
  F->col = 0;
  F->trail = -1;
  flush(F);
}

static void open_line(fmt *F, size_t indent) {
  flush(F);
  F->open_line = true;
  F->fresh = true;
  F->line.len = 0;
  for (size_t i = 0; i < indent; i++)
    sb_putc(&F->line, ' ');
  F->col = indent;
  F->trail = -1;
}

static void put_comment(fmt *F, uint32_t c, size_t indent) {
  open_line(F, indent);
  sb_put(&F->line, F->src + F->c[c].off, F->c[c].end - F->c[c].off);
  flush(F);
}

/* Which blank lines pre_comments keeps: none (inside a statement), those
 * before the comments (before a '}'), or those before the token too. */
enum { BLANKS_NONE, BLANKS_COMMENTS, BLANKS_ALL };

/* The comments on lines of their own before token [i], at [indent],
 * with the blank lines [blanks] says. */
static void pre_comments(fmt *F, size_t i, size_t indent, int blanks) {
  const ftok *k = &F->t[i];
  for (uint32_t j = k->pre; j < k->pre + k->npre; j++) {
    if (blanks != BLANKS_NONE && F->c[j].blank)
      blank(F);
    put_comment(F, j, indent);
  }
  if (blanks == BLANKS_ALL && k->blank)
    blank(F);
}

/* Token [i] on the current line, after a space where it takes one. */
static void put(fmt *F, size_t i) {
  const ftok *k = &F->t[i];
  if (!F->fresh && k->space) {
    sb_putc(&F->line, ' ');
    F->col++;
  }
  sb_put(&F->line, F->src + k->off, k->end - k->off);
  F->col = k->multiline ? k->width : F->col + k->width;
  F->fresh = false;
  if (k->trail >= 0)
    F->trail = k->trail;
  if (is_opener(k->tok) && F->nopen < POL_COUNTOF(F->open))
    F->open[F->nopen++] = (uint32_t)F->col;
  else if (is_closer(k->tok) && F->nopen > 0)
    F->nopen--;
}

/* ==== expressions ======================================================== */

/* Whether the line must break after token [i]: a comment follows it. */
static bool forced(const fmt *F, size_t i) {
  return F->t[i].trail >= 0 || F->t[i + 1].npre > 0;
}

/* Where a line broken at this point goes on: at [cont], or inside
 * brackets after the innermost open one when that is near, else four
 * columns in from [cont]. */
static size_t indent_here(const fmt *F, size_t cont) {
  if (F->nopen == 0)
    return cont;
  size_t at = F->open[F->nopen - 1];
  return at <= cont + 8 ? at : cont + 4;
}

/* Break the line before token [next], which goes on at [indent] after
 * the comments on lines of their own before it. */
static void break_before(fmt *F, size_t next, size_t indent) {
  pre_comments(F, next, indent, BLANKS_NONE);
  open_line(F, indent);
}

/* Tokens [s, e) on one line, as far as comments allow. */
static void flat(fmt *F, size_t s, size_t e, size_t cont) {
  for (size_t i = s; i < e; i++) {
    put(F, i);
    if (i + 1 < e && forced(F, i))
      break_before(F, i + 1, indent_here(F, cont));
  }
}

static bool fits(const fmt *F, size_t s, size_t e) {
  size_t w = F->col + (!F->fresh && F->t[s].space);
  for (size_t i = s; i < e; i++) {
    if (i + 1 < e && forced(F, i))
      return false;
    w += F->t[i].width + (i > s && F->t[i].space);
  }
  return w <= FORMAT_WIDTH;
}

/* The class of a break after token [i]: (depth, rank) as one number,
 * lower first; -1 when no break may go there. */
static long break_class(const fmt *F, size_t i) {
  const ftok *k = &F->t[i];
  int rank = k->rank != NO_BREAK ? k->rank : forced(F, i) ? ANY_BREAK : -2;
  if (rank == -2)
    return -1;
  return (long)k->depth * 32 + rank + 1;
}

/* Tokens [s, e) of an expression, from the current column; continuation
 * lines go at [cont] (or after an open bracket). A line is broken after
 * every break of the loosest class present, except that items separated
 * by commas fill each line as far as they fit. */
static void wrap(fmt *F, size_t s, size_t e, size_t cont) {
  if (fits(F, s, e))
    return flat(F, s, e, cont);
  long best = -1;
  for (size_t i = s; i + 1 < e; i++) {
    long c = break_class(F, i);
    if (c >= 0 && (best < 0 || c < best))
      best = c;
  }
  if (best < 0)
    return flat(F, s, e, cont);
  bool fill = best % 32 == 0; /* commas: rank -1 */
  size_t p = s;
  for (size_t i = s; i <= e - 1; i++) {
    if (i + 1 < e && break_class(F, i) != best)
      continue;
    if (p > s && (!fill || forced(F, p - 1) || !fits(F, p, i + 1)))
      break_before(F, p, indent_here(F, cont));
    wrap(F, p, i + 1, cont);
    p = i + 1;
  }
}

/* Whether a line may break somewhere inside tokens [s, e). */
static bool breakable(const fmt *F, size_t s, size_t e) {
  for (size_t i = s; i + 1 < e; i++)
    if (break_class(F, i) >= 0)
      return true;
  return false;
}

/* Whether the expression [s, e) may start on the current line: the
 * first line it would be broken into fits there, or would not fit from
 * column [at] either (so nothing is won by starting a new line). */
static bool stays_on_head(const fmt *F, size_t s, size_t e, size_t at) {
  long best = -1;
  for (size_t i = s; i + 1 < e; i++) {
    long c = break_class(F, i);
    if (c >= 0 && (best < 0 || c < best))
      best = c;
  }
  size_t end = s + 1;
  while (end < e && break_class(F, end - 1) != best)
    end++;
  size_t w = 0;
  for (size_t i = s; i < end; i++)
    w += F->t[i].width + (i > s && F->t[i].space);
  return fits(F, s, end) || at + w > FORMAT_WIDTH;
}

/* A statement or clause: tokens [s, e), the expression from [w] (e for
 * none) wrapped, the rest on one line. [indent] is the line's. After a
 * long head the expression may start a line of its own only where a
 * line break there ends nothing ([own_line]: after a let's `=` or a
 * one-line rule's `:`, never after a clause keyword, which a line
 * break would leave without a value). */
static void unit(fmt *F, size_t s, size_t e, size_t w, size_t indent,
                 bool own_line) {
  size_t i = s;
  for (; i < w && i < e; i++) {
    put(F, i);
    if (i + 1 < e && forced(F, i))
      break_before(F, i + 1, indent + 4);
  }
  if (w >= e)
    return;
  size_t c0 = F->col + (!F->fresh && F->t[w].space);
  size_t cont = c0 > indent && c0 <= FORMAT_WIDTH / 2 ? c0 : indent + 4;
  if (own_line && c0 > indent + 4 && !fits(F, w, e) && breakable(F, w, e) &&
      (c0 > cont || !stays_on_head(F, w, e, indent + 4))) {
    cont = indent + 4; /* after a long head: a line of its own */
    break_before(F, w, cont);
  }
  wrap(F, w, e, cont);
}

/* ==== statements and blocks ============================================== */

/* The end of the statement or clause starting at [s]: its separator, the
 * BLOCK_OPEN after its head (included), the next clause keyword (in a
 * block), or the block's BLOCK_CLOSE. */
static size_t unit_end(const fmt *F, size_t s, bool in_block) {
  int depth = 0;
  for (size_t i = s; i < F->nt; i++) {
    int t = F->t[i].tok;
    if (depth == 0 && (is_sep(t) || t == TOK_BLOCK_CLOSE ||
                       (in_block && i > s && parse_clause_kw(t))))
      return i;
    if (depth == 0 && t == TOK_BLOCK_OPEN)
      return i + 1;
    depth += is_opener(t) - is_closer(t);
  }
  return F->nt;
}

/* Where the expression of the statement [s, e) starts (e: it has none
 * to wrap): after the '=' of a let or a derived fact, after the ':' of a
 * one-line rule, at the start of a bare expression. */
static size_t stmt_expr(const fmt *F, size_t s, size_t e) {
  int t = F->t[s].tok;
  if (t == TOK_POLICY || t == TOK_IMPORT || t == TOK_RULE ||
      t == TOK_OVERRIDE)
    return e;
  bool head = t == TOK_MUST || t == TOK_SHOULD || t == TOK_MAY;
  if (!head && t != TOK_LET && t != TOK_FACT)
    return s;
  for (size_t i = s; i < e; i++)
    if (F->t[i].depth == 0 && F->t[i].tok == (head ? ':' : TOK_ASSIGN))
      return i + 1;
  return e;
}

/* Clauses whose value is an expression, which may be wrapped. */
static bool expr_clause(int t) {
  return t == TOK_WHEN || t == TOK_REQUIRE || t == TOK_REFS ||
         t == TOK_SEVERITY || t == TOK_EXCLUDE;
}

static size_t skip_seps(const fmt *F, size_t i) {
  while (i < F->nt && is_sep(F->t[i].tok))
    i++;
  return i;
}

/* How many tokens the keyword of the clause at [i] takes: two for a
 * language-tagged `ask ja "..."`, whose values line up after the tag,
 * else one. */
static size_t keyword_len(const fmt *F, size_t i) {
  return F->t[i].tok == TOK_ASK && F->t[i + 1].tok == TOK_IDENT ? 2 : 1;
}

/* The width of the keyword of the clause at [i]. */
static size_t keyword_width(const fmt *F, size_t i) {
  size_t w = F->t[i].width;
  if (keyword_len(F, i) == 2)
    w += 1 + F->t[i + 1].width;
  return w;
}

/* The value column of the block whose first token is [i]: one more than
 * its longest clause keyword (`ask ja` counting as one). */
static size_t keyword_pad(const fmt *F, size_t i) {
  size_t pad = 0;
  for (int depth = 0; i < F->nt && F->t[i].tok != TOK_BLOCK_CLOSE; i++) {
    int t = F->t[i].tok;
    if (depth == 0 && parse_clause_kw(t) && keyword_width(F, i) > pad)
      pad = keyword_width(F, i);
    depth += is_opener(t) - is_closer(t);
  }
  return pad + 1;
}

/* One clause of a block, [s, e), at [indent] with values at [pad]. */
static void clause(fmt *F, size_t s, size_t e, size_t indent, size_t pad) {
  pre_comments(F, s, indent, BLANKS_ALL);
  open_line(F, indent);
  F->nopen = 0;
  size_t kw = keyword_len(F, s);
  for (size_t i = s; i < s + kw; i++)
    put(F, i);
  if (s + kw >= e)
    return;
  if (forced(F, s + kw - 1)) {
    break_before(F, s + kw, indent + pad);
  } else {
    while (F->col < indent + pad) {
      sb_putc(&F->line, ' ');
      F->col++;
    }
    F->fresh = true;
  }
  unit(F, s + kw, e, expr_clause(F->t[s].tok) ? s + kw : e, indent, false);
}

/* The clauses of the block after the BLOCK_OPEN at [open], at [indent],
 * and its '}'. Returns the index after the BLOCK_CLOSE. */
static size_t block(fmt *F, size_t open, size_t indent) {
  size_t i = open + 1;
  if (F->t[i].tok == TOK_BLOCK_CLOSE && F->t[i].npre == 0 &&
      F->t[open].trail < 0) {
    put(F, i);
    return i + 1;
  }
  flush(F);
  F->block_start = true;
  size_t pad = keyword_pad(F, i);
  for (i = skip_seps(F, i); i < F->nt && F->t[i].tok != TOK_BLOCK_CLOSE;
       i = skip_seps(F, i)) {
    size_t e = unit_end(F, i, true);
    clause(F, i, e, indent + 2, pad);
    i = e;
  }
  if (i >= F->nt)
    return i;
  pre_comments(F, i, indent + 2, BLANKS_COMMENTS);
  open_line(F, indent);
  put(F, i);
  return i + 1;
}

/* The statement starting at [s]; returns the index after it. */
static size_t statement(fmt *F, size_t s) {
  size_t e = unit_end(F, s, false);
  pre_comments(F, s, 0, BLANKS_ALL);
  open_line(F, 0);
  F->nopen = 0;
  unit(F, s, e, stmt_expr(F, s, e), 0, true);
  if (e > s && F->t[e - 1].tok == TOK_BLOCK_OPEN)
    e = block(F, e - 1, 0);
  return e;
}

/* ==== output ============================================================= */

/* The lines, each run of consecutive lines with trailing comments
 * aligned two columns after the longest of them. */
static void join(const fmt *F, sbuf *out) {
  for (size_t i = 0; i < F->nlines;) {
    size_t j = i, col = 0;
    while (j < F->nlines && F->lines[j].trail >= 0)
      col = F->lines[j].width > col ? F->lines[j].width : col, j++;
    if (j == i)
      j = i + 1;
    for (; i < j; i++) {
      const fline *l = &F->lines[i];
      sb_put(out, l->code, l->len);
      if (l->trail >= 0) {
        const fcomment *c = &F->c[l->trail];
        for (size_t k = l->width; k < col + 2; k++)
          sb_putc(out, ' ');
        sb_put(out, F->src + c->off, c->end - c->off);
      }
      sb_putc(out, '\n');
    }
  }
}

static void layout(fmt *F) {
  size_t i = skip_seps(F, 0);
  while (i < F->nt) {
    i = statement(F, i);
    i = skip_seps(F, i);
  }
  pre_comments(F, F->nt, 0, BLANKS_COMMENTS);
  flush(F);
  while (F->nlines && F->lines[F->nlines - 1].len == 0)
    F->nlines--;
}

/* ==== checking the result ================================================ */

/* Whether [a] (from [sa]) and [b] (from [sb]) hold the same tokens and
 * comments, separators aside. */
static bool same(const fmt *a, const fmt *b) {
  size_t i = 0, j = 0;
  for (;; i++, j++) {
    i = skip_seps(a, i);
    j = skip_seps(b, j);
    if (i >= a->nt || j >= b->nt)
      break;
    const ftok *x = &a->t[i], *y = &b->t[j];
    if (x->tok != y->tok || x->end - x->off != y->end - y->off ||
        memcmp(a->src + x->off, b->src + y->off, x->end - x->off) != 0)
      return false;
  }
  if (i < a->nt || j < b->nt || a->nc != b->nc)
    return false;
  for (size_t k = 0; k < a->nc; k++) {
    const fcomment *x = &a->c[k], *y = &b->c[k];
    if (x->end - x->off != y->end - y->off ||
        memcmp(a->src + x->off, b->src + y->off, x->end - x->off) != 0)
      return false;
  }
  return true;
}

static void fmt_free(fmt *F) {
  mem_free(&F->m, F->t);
  mem_free(&F->m, F->c);
  mem_free(&F->m, F->lines);
  sb_free(&F->line);
  arena_free(&F->a);
}

/* Parse [d]'s source into [F]'s tokens; false on a syntax error (in [d])
 * or out of memory (*[oom]). */
static bool load(fmt *F, diag_list *d, bool *oom) {
  arena tree;
  parse_tokens r = {NULL, 0, 0, false};
  memset(F, 0, sizeof *F);
  F->src = d->src;
  F->m = d->a.m;
  arena_init(&F->a, 0, &F->m);
  arena_init(&tree, 0, &F->m);
  sb_init(&F->line, &F->m);
  bool ok = parse_policy_tokens(&tree, d, &r) != NULL;
  *oom = r.oom;
  ok = ok && !r.oom && read_tokens(F, &r);
  *oom |= !ok && d->n == 0;
  mem_free(&F->m, r.v);
  arena_free(&tree);
  return ok;
}

/* Whether [text] parses into the tokens and comments of [F]; *[oom]
 * when memory ran out finding out (then the answer is no answer). */
static bool check(const fmt *F, const diag_list *d, const char *text,
                  size_t len, bool *oom) {
  diag_list d2;
  fmt G;
  diag_init(&d2, d->file, text, len, &d->a.m);
  bool ok = load(&G, &d2, oom);
  *oom |= d2.oom || G.oom;
  ok = ok && !*oom && same(F, &G);
  fmt_free(&G);
  diag_free(&d2);
  return ok;
}

bool format_policy(diag_list *d, sbuf *out) {
  fmt F;
  bool oom;
  size_t start = out->len;
  if (!load(&F, d, &oom)) {
    fmt_free(&F);
    if (oom)
      diag_oom(d, diag_span_at(d, 0, 0));
    return false;
  }
  layout(&F);
  join(&F, out);
  bool ok = !F.oom && !out->oom, check_oom = false;
  if (ok && !check(&F, d, out->p + start, out->len - start, &check_oom)) {
    if (check_oom) /* POL_ENOMEM, never an internal error it is not */
      F.oom = true;
    else
      diag_add(d, DC_INTERNAL, diag_span_at(d, 0, 0), "the formatter "
               "could not lay this file out without changing it (a bug: "
               "please report it)");
    ok = false;
  }
  if (!ok && (F.oom || out->oom))
    diag_oom(d, diag_span_at(d, 0, 0));
  fmt_free(&F);
  return ok;
}

const char *format_oneline(arena *a, const char *src, size_t len) {
  diag_list d;
  arena tree;
  parse_tokens r = {NULL, 0, 0, false};
  fmt F;
  memset(&F, 0, sizeof F);
  F.src = src;
  F.m = a->m;
  diag_init(&d, "", src, len, &F.m);
  arena_init(&tree, 0, &F.m);
  bool parsed = parse_expr_tokens(&tree, &d, &r);
  bool ok = parsed && !r.oom && read_tokens(&F, &r);
  sbuf b;
  sb_init(&b, &F.m);
  for (size_t i = 0; ok && i < F.nt; i++) {
    if (i > 0 && F.t[i].space)
      sb_putc(&b, ' ');
    sb_put(&b, src + F.t[i].off, F.t[i].end - F.t[i].off);
  }
  /* out of memory on the way is NULL, never the text as it stands (a
   * title or an explanation on several lines, unlike the one asked for);
   * a text that does not parse alone is kept as it stands */
  bool oom = r.oom || d.oom || tree.failed || b.oom ||
             (parsed && !r.oom && !ok);
  const char *out = oom ? NULL
                    : ok ? arena_strndup(a, b.p ? b.p : "", b.len)
                         : arena_strndup(a, src, len);
  sb_free(&b);
  mem_free(&F.m, r.v);
  mem_free(&F.m, F.t);
  mem_free(&F.m, F.c);
  arena_free(&tree);
  diag_free(&d);
  return out;
}
