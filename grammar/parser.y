/*
 * parser.y: the pure bison grammar of CEL expressions and of policy
 * files (docs/policies.md). It owns the grammar: operator precedence and
 * associativity, which constructs exist (selection, indexing, calls,
 * list/map/message literals, the optional syntax .? [?] {?k: v}; the
 * statements and clauses of a policy) and where syntax errors are
 * recovered from. Every action calls an ast_* constructor or a small
 * helper of parse.c; the helpers also count nesting depth. Semantic
 * values are arena-owned, so no %destructor is needed.
 *
 * One grammar serves both parse_expr and parse_policy: the scanner
 * wrapper (parse_lex) hands over START_EXPR or START_POLICY first. In a
 * policy, parse_lex also does the layout: it hands over NEWLINE only
 * where a statement or clause can end, never two separators in a row nor
 * one before the first statement of a file or clause of a block, and it
 * turns words into statement and clause keywords by position.
 *
 * Syntax errors are recovered from at the brackets and separators that
 * end a list element, argument, map entry or field; after the next comma
 * (rule comma) the following error is reported at once. In a policy they
 * are also recovered from at the end of a statement (stmt: error) or of
 * a clause inside a block (rclause, hclause: error); after the next
 * separator (rule sep) the following error is reported at once.
 *
 * Chains that would otherwise grow bison's stack without bound (unary
 * '-'/'!' runs and ?: chains) are written left-recursively and folded by
 * parse.c; brackets are bounded by parse_lex. So the parser stack stays
 * within a few slots per nesting level, far below YYMAXDEPTH.
 */

%require "3.8"
%define api.pure full
%define api.prefix {pol_yy}
%define api.token.prefix {TOK_}
%define api.location.type {pol_loc}
%define parse.error custom
%define parse.lac full /* exact expected-token lists for messages */
%locations
%param {pol_parser *p}

/* The grammar is LALR(1) without conflicts: binary operators are resolved
 * by the precedence declarations below, everything else is unambiguous
 * (statements and clauses start with keywords that no expression can
 * hold, and the layout decides where a statement ends). */
%expect 0

%code requires {
#include <setjmp.h>

#include "ast.h"
#include "diag.h"

/* A token's or rule's source range: byte offsets [off, end), and the
 * line and column (code points, 1-based) of off. */
typedef struct pol_loc {
  uint32_t off, end;
  uint32_t line, col;
} pol_loc;

/* The value of a token. Malformed tokens keep their kind and carry the
 * problem in err (with its byte range), so parsing goes on undisturbed. */
typedef struct pol_tok {
  const char *s;       /* names; decoded string/bytes (arena, NUL-ended) */
  size_t n;            /* bytes in s */
  uint64_t u;          /* INT: magnitude (a '-' is folded by the parser);
                          UINT: value */
  double d;            /* DOUBLE */
  const char *err;     /* lexical error in this token, or NULL */
  const char *ehint;   /* a hint for it, or NULL */
  uint32_t eoff, elen; /* where it is */
  diag_code ecode;     /* its code */
} pol_tok;

/* An expression under construction and its nesting depth (a leaf is 1,
 * every node and every pair of parentheses adds 1). */
typedef struct pexpr {
  ast *n;
  uint32_t depth;
} pexpr;

/* A run of prefix operators, or a chain of a ? b : c ? d : ... :
 * root is the outermost node, tail the innermost, prev tail's parent. */
typedef struct pchain {
  ast *root, *tail, *prev;
  uint32_t n;     /* operators (or conditionals) in the chain */
  uint32_t depth; /* ?: chains: the deepest branch so far */
  int op;         /* prefix runs: the ast_op */
} pchain;

/* The state of one parse_expr() or parse_policy() call: the %param of
 * parser and scanner. The lay* fields are the policy layout (parse.c):
 * the kinds of the brackets open at this point of the token stream
 * (LAY_PAREN, ...), and where the current statement stands. */
typedef struct pol_parser {
  arena *a;             /* AST nodes and decoded literals */
  diag_list *d;         /* diagnostics; holds the source */
  void *scanner;        /* the flex scanner (yyscan_t) */
  jmp_buf *fatal;       /* where a flex fatal error returns to */
  uint32_t pos, line, col; /* scanner position: next byte */
  ast *root;            /* the result */
  uint32_t nerr;        /* errors this parse reported */
  size_t diag0;         /* the diagnostics this parse added start here */
  bool deep;            /* the depth error was reported */
  bool abort;           /* nesting overflow, or the diagnostics are
                           full: read and report nothing more */
  bool oom;             /* out of memory was reported */
  int last;             /* token handed to the parser, not yet committed */
  int prev;             /* the token before it */
  pol_loc last_loc;     /* location of the last token scanned */
  int64_t bad_tok;      /* offset of the last token with a lexical error */
  bool swallowed;       /* the lexer dropped text with an error ('#') */
  uint32_t quiet_end;   /* a lexical error was reported for the run of
                           characters before this offset: the rest of
                           the run gets no second message */
  uint32_t mute_end;    /* an error already explains the text before
                           this offset: its lexical errors are counted,
                           not shown (parse.c, token_error) */
  uint32_t mq_at;       /* mq: the text at mq_at lost its opening quote */
  bool mq;              /* (lexer.l, missing_open): scan it as a string */
  uint32_t note_end;    /* the end of the last line read as a comment
                           without '//', and whether it was (or came
                           after) a C comment left open: the lines of */
  bool note_open;       /* text right after it are its text too */
  uint32_t nest;        /* open brackets */
  uint32_t cond[POL_MAX_PARSE_DEPTH + 2]; /* open '?' per bracket level */
  ast spare;            /* stand-in node when the arena is exhausted */
  bool policy;          /* parsing a policy file, not one expression */
  bool utf8_ok;         /* the source was checked whole first
                           (chars_check_encoding): strings and comments
                           need no check per character */
  bool started;         /* START_EXPR / START_POLICY handed over */
  /* The policy layout (parse.c), as of the last token handed over: */
  bool at_start;        /* the next token starts a statement or clause */
  bool clause_pos;      /* the last token stood where a clause can start */
  bool resync;          /* syntax error in brackets: close them at EOL */
  bool nl_pending;      /* a line break waits behind forced closers */
  bool held;            /* held_*: a token waits behind synthetic ones */
  int held_t;
  pol_tok held_tok;
  pol_loc held_loc;
  int pend[2];          /* synthetic tokens to hand over first, last first */
  uint32_t npend;
  pol_loc pend_loc;     /* where they are */
  uint32_t forcing;     /* brackets still to close for a resync */
  uint32_t forced;      /* stray closers to drop after a resync */
  uint32_t forced_blocks; /* stray '}' to drop after closing a block */
  uint32_t stray;       /* 1 + the offset of the last closer that closed
                           nothing (0: none) */
  int lay_prev;         /* the last token handed over */
  pol_loc not_word, not_prev; /* the name `not` where an operand starts
                           (.end 0: none), at the last token and the
                           one before: "'not' is not an operator" */
  int clause_kw;        /* the keyword of the clause being read (0:
                           none), and where its value starts */
  uint32_t clause_val;
  uint32_t skip_to;     /* the layout drops raw tokens before this offset
                           (text a repair has read already) */
  bool skip_line;       /* ... and up to the line's end (a comment line) */
  bool block_soft;      /* the innermost block was opened by a repair: it
                           ends without a message where its '}' is missing */
  char block_close;     /* a closer that ends it too (')' after 'rule r (') */
  uint32_t rule_close;  /* 1 + the offset of the '}' that closed the rule
                           just before (0: none), and whether a clause */
  bool rule_close_said; /* after it was reported as its mistake */
  int stmt;             /* first token of the statement (0: expression) */
  int stmt_tok2;        /* its second token */
  const char *stmt_word; /* its first token, when a plain name */
  pol_loc stmt_loc;     /* where that is */
  pol_loc stmt_loc2;    /* where its second token is */
  uint32_t stmt_n;      /* its tokens so far at statement level (max 4) */
  uint32_t nlay;        /* brackets and blocks open */
  uint8_t lay[POL_MAX_PARSE_DEPTH + 1]; /* their kinds, innermost last */
  uint32_t lay_off[POL_MAX_PARSE_DEPTH + 1]; /* where each opened */
  struct parse_tokens *toks; /* the formatter's record of every token
                                and comment (parse.h), or NULL */
  void *lex_mem[8];     /* the scanner's live heap blocks (parse_lex_mem) */
  void *stacks[3];      /* bison's stacks once grown (parse_grow) */
} pol_parser;
}

%code provides {
#define PEXPR_NONE ((pexpr){NULL, 0})

/* parse.c: the scanner wrapper, error reporting and action helpers. */
POL_INTERNAL int parse_lex(POL_YYSTYPE *v, pol_loc *l, pol_parser *p);
POL_INTERNAL void parse_syntax_error(pol_parser *p, const pol_loc *l,
                                     int found, const char *const *want,
                                     int nwant);
POL_INTERNAL void parse_fatal(pol_parser *p, const pol_loc *l,
                              const char *msg);
POL_INTERNAL void parse_root(pol_parser *p, pexpr e);
POL_INTERNAL pexpr parse_error_node(pol_parser *p, pol_loc l);
POL_INTERNAL pexpr parse_literal(pol_parser *p, ast_kind k, const pol_tok *t,
                                 pol_loc l);
POL_INTERNAL pexpr parse_bool(pol_parser *p, bool b, pol_loc l);
POL_INTERNAL pexpr parse_ident(pol_parser *p, const pol_tok *t, int flags,
                               pol_loc l);
POL_INTERNAL pol_tok parse_reserved(pol_parser *p, pol_tok t, pol_loc l);
POL_INTERNAL pexpr parse_paren(pol_parser *p, pexpr e, pol_loc at);
POL_INTERNAL pexpr parse_optional(pol_parser *p, pexpr e, int flag);
POL_INTERNAL pexpr parse_binary(pol_parser *p, ast_kind k, ast_op op,
                                pexpr l, pexpr r, pol_loc at);
POL_INTERNAL pchain parse_prefix(pol_parser *p, ast_op op, pol_loc l);
POL_INTERNAL void parse_prefix_more(pol_parser *p, pchain *c, pol_loc l);
POL_INTERNAL pexpr parse_prefix_end(pol_parser *p, pchain *c, pexpr m,
                                    pol_loc ml, pol_loc at);
POL_INTERNAL pexpr parse_member(pol_parser *p, pexpr m, pol_loc ml);
POL_INTERNAL pchain parse_cond(pol_parser *p, pexpr c, pexpr t, pol_loc cl);
POL_INTERNAL void parse_cond_more(pol_parser *p, pchain *ch, pexpr c,
                                  pexpr t, pol_loc cl);
POL_INTERNAL pexpr parse_cond_end(pol_parser *p, pchain *ch, pexpr e,
                                  pol_loc at);
POL_INTERNAL pexpr parse_select(pol_parser *p, pexpr m, const pol_tok *name,
                                int flags, pol_loc at);
POL_INTERNAL pexpr parse_index(pol_parser *p, pexpr m, pexpr i, int flags,
                               pol_loc at);
POL_INTERNAL pexpr parse_seq(pol_parser *p, ast_kind k, pexpr item);
POL_INTERNAL pexpr parse_seq_add(pol_parser *p, pexpr seq, pexpr item);
POL_INTERNAL pexpr parse_entry(pol_parser *p, pexpr k, pexpr v, pol_loc at);
POL_INTERNAL pexpr parse_field(pol_parser *p, const pol_tok *name, pexpr v,
                               pol_loc at);
POL_INTERNAL pexpr parse_close(pol_parser *p, ast_kind k, pexpr seq,
                               pol_loc at);
POL_INTERNAL pexpr parse_call(pol_parser *p, const pol_tok *name, int flags,
                              pexpr args, pol_loc at);
POL_INTERNAL pexpr parse_rcall(pol_parser *p, pexpr recv,
                               const pol_tok *name, pexpr args, pol_loc at);
POL_INTERNAL pexpr parse_message(pol_parser *p, pexpr type, pexpr fields,
                                 pol_loc tl, pol_loc at);
POL_INTERNAL void parse_policy_root(pol_parser *p, ast *file);
POL_INTERNAL ast *parse_stmt(pol_parser *p, ast *file, ast *stmt);
POL_INTERNAL ast *parse_header(pol_parser *p, const pol_tok *name,
                               ast *block, pol_loc at);
POL_INTERNAL ast *parse_import(pol_parser *p, const pol_tok *name,
                               pol_loc at);
POL_INTERNAL ast *parse_import_block(pol_parser *p, ast *imp, ast *block,
                                     pol_loc at);
POL_INTERNAL ast *parse_override(pol_parser *p, const pol_tok *id,
                                 ast *block, pol_loc at);
POL_INTERNAL ast *parse_let(pol_parser *p, const pol_tok *name, pexpr e,
                            pol_loc at);
POL_INTERNAL ast *parse_fact(pol_parser *p, pexpr path, pexpr type,
                             pol_loc at);
POL_INTERNAL ast *parse_fact_in(pol_parser *p, ast *fact, pexpr in);
POL_INTERNAL ast *parse_fact_derived(pol_parser *p, ast *fact, pexpr e);
POL_INTERNAL ast *parse_fact_desc(pol_parser *p, ast *fact,
                                  const pol_tok *desc, pol_loc at);
POL_INTERNAL ast *parse_fact_block(pol_parser *p, ast *fact, ast *block,
                                   pol_loc at);
POL_INTERNAL ast *parse_ask(pol_parser *p, ast *ask, const pol_tok *lang,
                            pol_loc ll, const pol_tok *text, pol_loc tl,
                            pol_loc at);
POL_INTERNAL ast *parse_block(pol_parser *p, ast_kind k, ast *clause,
                              pol_loc at);
POL_INTERNAL ast *parse_clause_add(pol_parser *p, ast *block, ast *clause);
POL_INTERNAL ast *parse_clause(pol_parser *p, const pol_tok *kw, pexpr v,
                               pol_loc at);
POL_INTERNAL ast *parse_severity(pol_parser *p, const pol_tok *kw, pexpr v,
                                 pol_loc at);
POL_INTERNAL ast *parse_rule(pol_parser *p, const pol_tok *id, ast *block,
                             pol_loc at);
POL_INTERNAL ast *parse_rule_head(pol_parser *p, const pol_tok *sev,
                                  pol_loc sl, const pol_tok *id);
POL_INTERNAL ast *parse_rule_title(pol_parser *p, ast *rule,
                                   const pol_tok *title, pol_loc tl);
POL_INTERNAL ast *parse_rule_line(pol_parser *p, ast *rule, pexpr e,
                                  pol_loc at);
POL_INTERNAL ast *parse_rule_bare(pol_parser *p, pexpr e);

/* A lexical error [code] at the [len] bytes at [off] that the lexer
 * swallows rather than returning as a token (a '#' comment, a full-width
 * space): reported with [msg] and [hint] (may be NULL). */
POL_INTERNAL void parse_lex_error(pol_parser *p, uint32_t off, uint32_t len,
                                  const pol_loc *l, diag_code code,
                                  const char *msg, const char *hint);
/* flex's memory, realloc-style (size 0 frees), through the parse's mem;
 * NULL on out of memory (parse.c). */
POL_INTERNAL void *parse_lex_mem(pol_parser *p, void *ptr, size_t n);
/* Grow bison's three stacks [b] (elements of [size] bytes each, [depth]
 * of them in use) to twice [depth], through the parse's mem; false when
 * out of memory or past the parse.c bound (reported). */
POL_INTERNAL bool parse_grow(pol_parser *p, void *b[3], const size_t size[3],
                             size_t depth, const pol_loc *at);

/* lexer.l: the flex scanner proper, and its fatal-error exit. */
POL_INTERNAL int lex_scan(POL_YYSTYPE *v, pol_loc *l, void *scanner);
POL_INTERNAL void lex_fatal(pol_parser *p, const char *msg);
/* Scan the [n] bytes [s] (copied) next (lexer.l). */
POL_INTERNAL void lex_scan_source(const char *s, size_t n, void *scanner);
/* Before the first token: look at the first line, which starts at byte
 * [off] of the source, as advance() looks at each line (lexer.l). */
POL_INTERNAL void lex_begin(pol_parser *p, uint32_t off, void *scanner);
}

%code {
/* bison's stacks start in yyparse's frame and grow through the env's
 * allocator (parse_grow), not malloc: yyoverflow is bison's hook for
 * that. parse.c frees the grown stacks after yyparse returns. */
#define yyoverflow(msg, ss, ssz, vs, vsz, ls, lsz, depth)                 \
  do {                                                                    \
    void *b_[3] = {*(ss), *(vs), *(ls)};                                  \
    const size_t e_[3] = {sizeof **(ss), sizeof **(vs), sizeof **(ls)};   \
    (void)(msg), (void)(ssz), (void)(vsz), (void)(lsz);                   \
    if (parse_grow(p, b_, e_, (size_t)*(depth), &yylloc)) {               \
      *(ss) = b_[0], *(vs) = b_[1], *(ls) = b_[2];                        \
      *(depth) *= 2;                                                      \
    }                                                                     \
  } while (0)
/* The other user of the heap is LAC's exploratory stack, which starts as
 * 20 slots in yyparse's frame and grows by one slot per empty rule
 * reduced without a shift: this grammar has one empty rule (stmts), so
 * it never grows. Should it ever try, the parse fails ("parser stack
 * exhausted") instead of calling malloc. */
#define YYMALLOC(n) ((void)(n), (void *)0)
#define YYFREE(ptr) ((void)(ptr))

/* A rule's location runs from its first symbol's start to its last's end.
 * No rule is empty; error recovery passes N = 2. */
#define YYLLOC_DEFAULT(Cur, Rhs, N)                                       \
  do {                                                                    \
    if (N) {                                                              \
      (Cur) = YYRHSLOC(Rhs, 1);                                           \
      (Cur).end = YYRHSLOC(Rhs, N).end;                                   \
    } else {                                                              \
      (Cur) = YYRHSLOC(Rhs, 0);                                           \
      (Cur).off = (Cur).end;                                              \
    }                                                                     \
  } while (0)

static int yylex(POL_YYSTYPE *v, pol_loc *l, pol_parser *p) {
  return parse_lex(v, l, p);
}

/* Bison's own errors ("memory exhausted"); syntax errors go through
 * yyreport_syntax_error below. */
static void yyerror(const pol_loc *l, pol_parser *p, const char *msg) {
  parse_fatal(p, l, msg);
}
}

%union {
  pol_tok tok;
  pexpr e;
  pchain ch;
  ast *n;
}

%token END 0 "end of input"
%token <tok> IDENT "identifier"
%token <tok> RESERVED "reserved word"
%token <tok> QIDENT "quoted identifier"
%token <tok> INT "integer literal"
%token <tok> UINT "unsigned integer literal"
%token <tok> DOUBLE "double literal"
%token <tok> STRING "string literal"
%token <tok> BYTES "bytes literal"
%token TRUE "true" FALSE "false" NULL "null" IN "in"
%token OR "||" AND "&&" EQ "==" NE "!=" LE "<=" GE ">="
%token LEXERR "invalid character" /* no rule accepts it */
%token COMMENT "comment" /* scanned only for the formatter; never parsed */

/* parse_lex hands over a start token first, then the scanner's tokens;
 * in a policy its layout makes NEWLINE (a line break that ends a
 * statement or clause), the block braces of `policy "N" {}` and `rule ID
 * {}`, ASSIGN (the '=' of a let; any other '=' becomes '==' with an
 * error) and the keywords below out of them (see parse.c). */
%token START_EXPR "start of expression" START_POLICY "start of policy"
%token NEWLINE "end of line"
%token ASSIGN "'='"
%token BLOCK_OPEN "'{'" BLOCK_CLOSE "'}'"
%token <tok> POLICY "policy" IMPORT "import" LET "let" RULE "rule"
%token <tok> FACT "fact" MUST "must" SHOULD "should" MAY "may"
%token <tok> OVERRIDE "override" EXCLUDE "exclude"
%token <tok> TITLE "title" VERSION "version" DESCRIPTION "description"
%token <tok> SEVERITY "severity" REFS "refs" WHEN "when"
%token <tok> REQUIRE "require" MESSAGE "message" ASK "ask"

%left OR
%left AND
%left EQ NE '<' LE '>' GE IN
%left '+' '-'
%left '*' '/' '%'

%type <e> expr bin unary member primary literal args arg elems elem
%type <e> entries entry fields field
%type <ch> conds nots negs
%type <tok> gname sel fname sev hkw rkw rskw
%type <n> stmts stmtlist stmt fact rhead hblock hclauses hclause
%type <n> rblock rclauses rclause fblock fclauses fclause asks
%type <n> iblock iclauses iclause

%%

start: START_EXPR expr          { parse_root(p, $2); }
  | START_POLICY stmts          { parse_policy_root(p, $2); }
  ;

/* ==== policies ==== */

stmts: %empty                   { $$ = parse_stmt(p, NULL, NULL); }
  | stmtlist
  | stmtlist sep
  ;

stmtlist: stmt                  { $$ = parse_stmt(p, NULL, $1); }
  | stmtlist sep stmt           { $$ = parse_stmt(p, $1, $3); }
  ;

/* After a separator the bad part is behind, as after a comma. */
sep: NEWLINE                    { yyerrok; }
  | ';'                         { yyerrok; }
  ;

stmt: POLICY STRING hblock      { $$ = parse_header(p, &$2, $3, @$); }
  | IMPORT STRING               { $$ = parse_import(p, &$2, @$); }
  | IMPORT STRING iblock        { $$ = parse_import_block(p,
                                         parse_import(p, &$2, @$), $3, @$); }
  | LET gname ASSIGN expr       { $$ = parse_let(p, &$2, $4, @$); }
  | fact
  | fact STRING                 { $$ = parse_fact_desc(p, $1, &$2, @$); }
  | fact fblock                 { $$ = parse_fact_block(p, $1, $2, @$); }
  | fact STRING fblock          { $$ = parse_fact_block(p,
                                         parse_fact_desc(p, $1, &$2, @$),
                                         $3, @$); }
  | RULE gname rblock           { $$ = parse_rule(p, &$2, $3, @$); }
  | OVERRIDE gname rblock       { $$ = parse_override(p, &$2, $3, @$); }
  | OVERRIDE STRING rblock      { $$ = parse_override(p, &$2, $3, @$); }
  | rhead ':' expr              { $$ = parse_rule_line(p, $1, $3, @$); }
  | expr                        { $$ = parse_rule_bare(p, $1); }
  | error                       { $$ = NULL; }
  ;

/* The path and the type are member expressions (a.b.`c-d`, list(int)):
 * parse.c checks their shape, so the messages can name what is wrong. */
fact: FACT member ':' member    { $$ = parse_fact(p, $2, $4, @$); }
  | FACT member ':' member IN expr {
                                  $$ = parse_fact_in(p, parse_fact(p, $2, $4,
                                                                   @$),
                                                     $6); }
  | FACT member ':' member ASSIGN expr {
                                  $$ = parse_fact_derived(p,
                                         parse_fact(p, $2, $4, @$), $6); }
  ;

rhead: sev gname                { $$ = parse_rule_head(p, &$1, @1, &$2); }
  | sev gname STRING            { $$ = parse_rule_title(p,
                                         parse_rule_head(p, &$1, @1, &$2),
                                         &$3, @3); }
  ;
sev: MUST | SHOULD | MAY ;

/* Clauses need no separator between them: `{ title "a" version "b" }`. */
hblock: BLOCK_OPEN BLOCK_CLOSE  { $$ = parse_block(p, AST_HEADER, NULL, @$); }
  | BLOCK_OPEN hclauses BLOCK_CLOSE { $$ = $2; }
  | BLOCK_OPEN hclauses sep BLOCK_CLOSE { $$ = $2; }
  ;
hclauses: hclause               { $$ = parse_block(p, AST_HEADER, $1, @$); }
  | hclauses hclause            { $$ = parse_clause_add(p, $1, $2); }
  | hclauses sep hclause        { $$ = parse_clause_add(p, $1, $3); }
  ;
hclause: hkw STRING             { $$ = parse_clause(p, &$1,
                                         parse_literal(p, AST_STRING_LIT,
                                                       &$2, @2), @$); }
  | error                       { $$ = NULL; }
  ;
hkw: TITLE | VERSION | DESCRIPTION ;

rblock: BLOCK_OPEN BLOCK_CLOSE  { $$ = parse_block(p, AST_RULE, NULL, @$); }
  | BLOCK_OPEN rclauses BLOCK_CLOSE { $$ = $2; }
  | BLOCK_OPEN rclauses sep BLOCK_CLOSE { $$ = $2; }
  ;
rclauses: rclause               { $$ = parse_block(p, AST_RULE, $1, @$); }
  | rclauses rclause            { $$ = parse_clause_add(p, $1, $2); }
  | rclauses sep rclause        { $$ = parse_clause_add(p, $1, $3); }
  ;
rclause: rskw STRING            { $$ = parse_clause(p, &$1,
                                         parse_literal(p, AST_STRING_LIT,
                                                       &$2, @2), @$); }
  | SEVERITY expr               { $$ = parse_severity(p, &$1, $2, @$); }
  | rkw expr                    { $$ = parse_clause(p, &$1, $2, @$); }
  | asks
  | error                       { $$ = NULL; }
  ;
rskw: TITLE | MESSAGE | ASK ;
rkw: REFS | WHEN | REQUIRE ;

/* `import "m" { exclude [ids] }`: the module without some of its rules. */
iblock: BLOCK_OPEN BLOCK_CLOSE  { $$ = parse_block(p, AST_IMPORT, NULL, @$); }
  | BLOCK_OPEN iclauses BLOCK_CLOSE { $$ = $2; }
  | BLOCK_OPEN iclauses sep BLOCK_CLOSE { $$ = $2; }
  ;
iclauses: iclause               { $$ = parse_block(p, AST_IMPORT, $1, @$); }
  | iclauses iclause            { $$ = parse_clause_add(p, $1, $2); }
  | iclauses sep iclause        { $$ = parse_clause_add(p, $1, $3); }
  ;
iclause: EXCLUDE expr           { $$ = parse_clause(p, &$1, $2, @$); }
  | error                       { $$ = NULL; }
  ;

/* `ask ja "..." en "...": the question in several languages; the block
 * of a fact declaration (`fact x: int "d" { refs [...] ask ja "..." }`)
 * has only refs and ask. */
asks: ASK IDENT STRING          { $$ = parse_ask(p, NULL, &$2, @2, &$3, @3,
                                                 @$); }
  | asks IDENT STRING           { $$ = parse_ask(p, $1, &$2, @2, &$3, @3,
                                                 @$); }
  ;

fblock: BLOCK_OPEN BLOCK_CLOSE  { $$ = parse_block(p, AST_FACT, NULL, @$); }
  | BLOCK_OPEN fclauses BLOCK_CLOSE { $$ = $2; }
  | BLOCK_OPEN fclauses sep BLOCK_CLOSE { $$ = $2; }
  ;
fclauses: fclause               { $$ = parse_block(p, AST_FACT, $1, @$); }
  | fclauses fclause            { $$ = parse_clause_add(p, $1, $2); }
  | fclauses sep fclause        { $$ = parse_clause_add(p, $1, $3); }
  ;
fclause: ASK STRING             { $$ = parse_clause(p, &$1,
                                         parse_literal(p, AST_STRING_LIT,
                                                       &$2, @2), @$); }
  | REFS expr                   { $$ = parse_clause(p, &$1, $2, @$); }
  | asks
  | error                       { $$ = NULL; }
  ;

/* ==== expressions ==== */

expr: bin
  | conds bin                   { $$ = parse_cond_end(p, &$1, $2, @$); }
  ;

/* a ? b : c ? d : e is collected left to right and nested to the right
 * by parse_cond_end. The middle operand is a bin (ConditionalOr). */
conds: bin '?' bin ':'          { $$ = parse_cond(p, $1, $3, @1); }
  | conds bin '?' bin ':'       { parse_cond_more(p, &$1, $2, $4, @2);
                                  $$ = $1; }
  ;

bin: unary
  | bin OR bin   { $$ = parse_binary(p, AST_OR, AST_OP_NONE, $1, $3, @$); }
  | bin AND bin  { $$ = parse_binary(p, AST_AND, AST_OP_NONE, $1, $3, @$); }
  | bin EQ bin   { $$ = parse_binary(p, AST_BINARY, AST_OP_EQ, $1, $3, @$); }
  | bin NE bin   { $$ = parse_binary(p, AST_BINARY, AST_OP_NE, $1, $3, @$); }
  | bin '<' bin  { $$ = parse_binary(p, AST_BINARY, AST_OP_LT, $1, $3, @$); }
  | bin LE bin   { $$ = parse_binary(p, AST_BINARY, AST_OP_LE, $1, $3, @$); }
  | bin '>' bin  { $$ = parse_binary(p, AST_BINARY, AST_OP_GT, $1, $3, @$); }
  | bin GE bin   { $$ = parse_binary(p, AST_BINARY, AST_OP_GE, $1, $3, @$); }
  | bin IN bin   { $$ = parse_binary(p, AST_BINARY, AST_OP_IN, $1, $3, @$); }
  | bin '+' bin  { $$ = parse_binary(p, AST_BINARY, AST_OP_ADD, $1, $3, @$); }
  | bin '-' bin  { $$ = parse_binary(p, AST_BINARY, AST_OP_SUB, $1, $3, @$); }
  | bin '*' bin  { $$ = parse_binary(p, AST_BINARY, AST_OP_MUL, $1, $3, @$); }
  | bin '/' bin  { $$ = parse_binary(p, AST_BINARY, AST_OP_DIV, $1, $3, @$); }
  | bin '%' bin  { $$ = parse_binary(p, AST_BINARY, AST_OP_MOD, $1, $3, @$); }
  ;

/* CEL allows a run of one operator only: !!x and --x, not -!x. */
unary: member                   { $$ = parse_member(p, $1, @1); }
  | nots member                 { $$ = parse_prefix_end(p, &$1, $2, @2, @$); }
  | negs member                 { $$ = parse_prefix_end(p, &$1, $2, @2, @$); }
  ;

nots: '!'                       { $$ = parse_prefix(p, AST_OP_NOT, @1); }
  | nots '!'                    { parse_prefix_more(p, &$1, @2); $$ = $1; }
  ;

negs: '-'                       { $$ = parse_prefix(p, AST_OP_NEG, @1); }
  | negs '-'                    { parse_prefix_more(p, &$1, @2); $$ = $1; }
  ;

member: primary
  | member '.' sel              { $$ = parse_select(p, $1, &$3, 0, @$); }
  | member '.' '?' sel          { $$ = parse_select(p, $1, &$4,
                                                    AST_F_OPTIONAL, @$); }
  | member '.' fname '(' ')'    { $$ = parse_rcall(p, $1, &$3, PEXPR_NONE,
                                                   @$); }
  | member '.' fname '(' args ')' { $$ = parse_rcall(p, $1, &$3, $5, @$); }
  | member '[' expr ']'         { $$ = parse_index(p, $1, $3, 0, @$); }
  | member '[' '?' expr ']'     { $$ = parse_index(p, $1, $4,
                                                   AST_F_OPTIONAL, @$); }
  | member '[' error ']'        { yyerrok; $$ = parse_error_node(p, @$); }
  | member '{' '}'              { $$ = parse_message(p, $1, PEXPR_NONE,
                                                     @1, @$); }
  | member '{' fields '}'       { $$ = parse_message(p, $1, $3, @1, @$); }
  | member '{' fields comma '}' { $$ = parse_message(p, $1, $3, @1, @$); }
  ;

primary: gname                  { $$ = parse_ident(p, &$1, 0, @$); }
  | '.' gname                   { $$ = parse_ident(p, &$2, AST_F_ROOTED,
                                                   @$); }
  | gname '(' ')'               { $$ = parse_call(p, &$1, 0, PEXPR_NONE,
                                                  @$); }
  | gname '(' args ')'          { $$ = parse_call(p, &$1, 0, $3, @$); }
  | '.' gname '(' ')'           { $$ = parse_call(p, &$2, AST_F_ROOTED,
                                                  PEXPR_NONE, @$); }
  | '.' gname '(' args ')'      { $$ = parse_call(p, &$2, AST_F_ROOTED,
                                                  $4, @$); }
  | '(' expr ')'                { $$ = parse_paren(p, $2, @$); }
  | '(' error ')'               { yyerrok; $$ = parse_error_node(p, @$); }
  | '[' ']'                     { $$ = parse_close(p, AST_LIST, PEXPR_NONE,
                                                   @$); }
  | '[' elems ']'               { $$ = parse_close(p, AST_LIST, $2, @$); }
  | '[' elems comma ']'         { $$ = parse_close(p, AST_LIST, $2, @$); }
  | '{' '}'                     { $$ = parse_close(p, AST_MAP, PEXPR_NONE,
                                                   @$); }
  | '{' entries '}'             { $$ = parse_close(p, AST_MAP, $2, @$); }
  | '{' entries comma '}'       { $$ = parse_close(p, AST_MAP, $2, @$); }
  | literal
  ;

literal: INT                    { $$ = parse_literal(p, AST_INT_LIT, &$1,
                                                     @1); }
  | UINT                        { $$ = parse_literal(p, AST_UINT_LIT, &$1,
                                                     @1); }
  | DOUBLE                      { $$ = parse_literal(p, AST_DOUBLE_LIT, &$1,
                                                     @1); }
  | STRING                      { $$ = parse_literal(p, AST_STRING_LIT, &$1,
                                                     @1); }
  | BYTES                       { $$ = parse_literal(p, AST_BYTES_LIT, &$1,
                                                     @1); }
  | TRUE                        { $$ = parse_bool(p, true, @1); }
  | FALSE                       { $$ = parse_bool(p, false, @1); }
  | NULL                        { $$ = parse_literal(p, AST_NULL_LIT, NULL,
                                                     @1); }
  ;

/* A global name: reserved words are reported, then parsed as names. */
gname: IDENT
  | RESERVED                    { $$ = parse_reserved(p, $1, @1); }
  ;

/* After a dot: reserved words are fine, and so are `quoted names`. */
sel: IDENT | RESERVED | QIDENT ;
fname: IDENT | RESERVED ;

/* Once a separator is shifted after an error, the bad part is behind:
 * yyerrok lets the next error be reported at once. (Only here: yyerrok in
 * a rule ending in error would loop on the same lookahead.) */
comma: ',' { yyerrok; } ;

args: arg                       { $$ = parse_seq(p, AST_CALL, $1); }
  | args comma arg              { $$ = parse_seq_add(p, $1, $3); }
  ;
arg: expr
  | error                       { $$ = parse_error_node(p, @$); }
  ;

elems: elem                     { $$ = parse_seq(p, AST_LIST, $1); }
  | elems comma elem            { $$ = parse_seq_add(p, $1, $3); }
  ;
elem: expr
  | '?' expr                    { $$ = parse_optional(p, $2,
                                                      AST_F_OPT_ELEM); }
  | error                       { $$ = parse_error_node(p, @$); }
  ;

entries: entry                  { $$ = parse_seq(p, AST_MAP, $1); }
  | entries comma entry         { $$ = parse_seq_add(p, $1, $3); }
  ;
entry: expr ':' expr            { $$ = parse_entry(p, $1, $3, @$); }
  | '?' expr ':' expr           { $$ = parse_optional(p,
                                         parse_entry(p, $2, $4, @$),
                                         AST_F_OPTIONAL); }
  | error                       { $$ = parse_error_node(p, @$); }
  ;

fields: field                   { $$ = parse_seq(p, AST_MESSAGE, $1); }
  | fields comma field          { $$ = parse_seq_add(p, $1, $3); }
  ;
field: sel ':' expr             { $$ = parse_field(p, &$1, $3, @$); }
  | '?' sel ':' expr            { $$ = parse_optional(p,
                                         parse_field(p, &$2, $4, @$),
                                         AST_F_OPTIONAL); }
  | error                       { $$ = parse_error_node(p, @$); }
  ;

%%

/* What kind of token a syntax error found: parse.c words its message. */
static int found_class(yysymbol_kind_t k) {
  switch (k) {
  case YYSYMBOL_YYEOF: return 0;
  case YYSYMBOL_STRING: return 1;
  case YYSYMBOL_BYTES: return 2;
  case YYSYMBOL_LEXERR: return 3;
  case YYSYMBOL_IDENT:
  case YYSYMBOL_RESERVED: return 5;
  default: return 4;
  }
}

/* Hand a syntax error to parse.c: where, what was found, and the names
 * of the tokens that would have been accepted (exact, thanks to LAC). */
static int yyreport_syntax_error(const yypcontext_t *ctx, pol_parser *p) {
  yysymbol_kind_t want[YYNTOKENS];
  const char *names[YYNTOKENS];
  int n = yypcontext_expected_tokens(ctx, want, YYNTOKENS);
  for (int i = 0; i < n; i++)
    names[i] = yysymbol_name(want[i]);
  parse_syntax_error(p, yypcontext_location(ctx),
                     found_class(yypcontext_token(ctx)), names, n);
  return 0;
}
