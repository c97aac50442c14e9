/*
 * parser.y: the pure bison grammar of CEL expressions. It owns the
 * grammar: operator precedence and associativity, which constructs exist
 * (selection, indexing, calls, list/map/message literals, the optional
 * syntax .? [?] {?k: v}) and where syntax errors are recovered from.
 * Every action calls an ast_* constructor or a small helper of parse.c;
 * the helpers also count nesting depth. Semantic values are arena-owned,
 * so no %destructor is needed.
 *
 * Syntax errors are recovered from at the brackets and separators that
 * end a list element, argument, map entry or field; after the next comma
 * (rule comma) the following error is reported at once.
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
 * by the precedence declarations below, everything else is unambiguous. */
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
  uint32_t eoff, elen; /* where it is */
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

/* The state of one parse_expr() call: the %param of parser and scanner. */
typedef struct pol_parser {
  arena *a;             /* AST nodes and decoded literals */
  diag_list *d;         /* diagnostics; holds the source */
  void *scanner;        /* the flex scanner (yyscan_t) */
  jmp_buf *fatal;       /* where a flex fatal error returns to */
  uint32_t pos, line, col; /* scanner position: next byte */
  ast *root;            /* the result */
  uint32_t nerr;        /* errors this parse reported */
  bool deep;            /* the depth error was reported */
  bool abort;           /* nesting overflow: report nothing more */
  bool oom;             /* out of memory was reported */
  int last;             /* token handed to the parser, not yet committed */
  int prev;             /* the token before it */
  pol_loc last_loc;     /* location of the last token scanned */
  int64_t bad_tok;      /* offset of the last token with a lexical error */
  uint32_t nest;        /* open brackets */
  uint32_t cond[POL_MAX_PARSE_DEPTH + 2]; /* open '?' per bracket level */
  ast spare;            /* stand-in node when the arena is exhausted */
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

/* lexer.l: the flex scanner proper, and its fatal-error exit. */
POL_INTERNAL int lex_scan(POL_YYSTYPE *v, pol_loc *l, void *scanner);
POL_INTERNAL void lex_fatal(pol_parser *p, const char *msg);
}

%code {
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

%left OR
%left AND
%left EQ NE '<' LE '>' GE IN
%left '+' '-'
%left '*' '/' '%'

%type <e> expr bin unary member primary literal args arg elems elem
%type <e> entries entry fields field
%type <ch> conds nots negs
%type <tok> gname sel fname

%%

start: expr                     { parse_root(p, $1); }
  ;

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
