/*
 * ast.h: the syntax tree the parser builds and the compiler walks.
 *
 * Every node carries its source span. Nodes live in the parse arena and
 * are never freed one by one. Macros (has, all, exists, exists_one, map,
 * filter, cel.bind, ...) are plain AST_CALL nodes here: the compiler
 * recognises them by name and shape, so the grammar stays small.
 */
#ifndef POL_AST_H
#define POL_AST_H

#include "arena.h"

typedef struct span {
  uint32_t off;  /* byte offset of the first byte */
  uint32_t len;  /* bytes */
  uint32_t line; /* 1-based */
  uint32_t col;  /* 1-based, in code points */
} span;

/* X-macro: kind, one line of meaning. */
#define AST_KINDS(X)                                                      \
  X(NULL_LIT, "null")                                                     \
  X(BOOL_LIT, "true/false: lit.b")                                        \
  X(INT_LIT, "int literal: lit.i")                                        \
  X(UINT_LIT, "uint literal (1u): lit.u")                                 \
  X(DOUBLE_LIT, "double literal: lit.d")                                  \
  X(STRING_LIT, "string literal, decoded UTF-8: lit.s")                   \
  X(BYTES_LIT, "bytes literal, decoded: lit.s")                           \
  X(IDENT, "identifier: name; flags AST_F_ROOTED for a leading dot")      \
  X(SELECT, "kids[0].name; AST_F_OPTIONAL for kids[0].?name")             \
  X(INDEX, "kids[0][kids[1]]; AST_F_OPTIONAL for kids[0][?kids[1]]")      \
  X(CALL, "name(kids...) or, with AST_F_RECEIVER, kids[0].name(kids[1..])")\
  X(UNARY, "op kids[0]: op is AST_OP_NEG or AST_OP_NOT")                  \
  X(BINARY, "kids[0] op kids[1]: arithmetic, comparison, in")             \
  X(AND, "kids[0] && kids[1]")                                            \
  X(OR, "kids[0] || kids[1]")                                             \
  X(COND, "kids[0] ? kids[1] : kids[2]")                                  \
  X(LIST, "[kids...]; an element with AST_F_OPT_ELEM is [?e]")            \
  X(MAP, "{k: v, ...}: kids are AST_ENTRY nodes")                         \
  X(ENTRY, "kids[0]: kids[1] in a map; AST_F_OPTIONAL for {?k: v}")       \
  X(MESSAGE, "name{field: v, ...}: kids are AST_FIELD nodes")             \
  X(FIELD, "name: kids[0] in a message construction")                     \
  X(POLICY, "a policy file: kids are its statements in source order")     \
  X(HEADER, "policy \"NAME\" {...}: name (decoded); kids are CLAUSEs")    \
  X(IMPORT, "import \"MODULE\": lit.s the module; kids: CLAUSEs (exclude)")\
  X(LET, "let name = kids[0]")                                            \
  X(FACT, "fact name: kids[0] TYPE [in kids[1] | = kids[1], derived] "   \
         "CLAUSEs; lit.s: desc")                                          \
  X(TYPE, "a fact type: name (\"int\", \"list\", ...); kids: its TYPEs")   \
  X(RULE, "rule name (NULL for a bare expression); kids are CLAUSEs")     \
  X(OVERRIDE, "override name: kids are the imported rule's new CLAUSEs")  \
  X(CLAUSE, "name kids[0]: the keyword; ask: STRING_LITs named by lang")

typedef enum {
#define X(k, doc) AST_##k,
  AST_KINDS(X)
#undef X
  AST_KIND_COUNT
} ast_kind;

typedef enum {
  AST_OP_NONE,
  AST_OP_NEG, AST_OP_NOT,
  AST_OP_ADD, AST_OP_SUB, AST_OP_MUL, AST_OP_DIV, AST_OP_MOD,
  AST_OP_EQ, AST_OP_NE, AST_OP_LT, AST_OP_LE, AST_OP_GT, AST_OP_GE,
  AST_OP_IN
} ast_op;

enum {
  AST_F_ROOTED = 1,   /* .name: resolved from the root scope */
  AST_F_RECEIVER = 2, /* receiver-style call: kids[0] is the receiver */
  AST_F_OPTIONAL = 4, /* optional syntax: .?f, [?i], {?k: v}, T{?f: v} */
  AST_F_OPT_ELEM = 8, /* [?e]: a list element kept only if e has a value
                         (apart from AST_F_OPTIONAL: [a.?b] is not [?a.b]) */
  AST_F_DERIVED = 16  /* FACT: computed by the expression kids[1]; COND
                         (made by residuals only): a derived fact's use,
                         has(P) ? P : EXPR, printed as P */
};

typedef struct ast ast;
struct ast {
  uint8_t kind;  /* ast_kind */
  uint8_t op;    /* ast_op for UNARY / BINARY */
  uint8_t flags; /* AST_F_* */
  uint32_t nkids;
  ast **kids;
  span sp;
  const char *name; /* IDENT, SELECT, CALL, MESSAGE, FIELD: NUL-terminated */
  union {
    bool b;
    int64_t i;
    uint64_t u;
    double d;
    struct {
      const char *p; /* decoded bytes, NUL-terminated, may hold NULs */
      size_t n;
    } s;
  } lit;
};

POL_INTERNAL ast *ast_new(arena *a, ast_kind k, span sp);
/* Append [kid] to [parent]'s kids; false on out of memory. */
POL_INTERNAL bool ast_push(arena *a, ast *parent, ast *kid);
POL_INTERNAL const char *ast_kind_name(ast_kind k);
POL_INTERNAL const char *ast_op_name(ast_op op); /* "+", "==", "in", "!" */
/* The dotted text of a SELECT chain over an IDENT ("data.region") into
 * [buf] of [cap] bytes, its length in *[len]; false when the chain has
 * other nodes (an index, an optional select) or is too long. The length
 * is carried up the chain, so a path d deep costs d, not d^2. */
POL_INTERNAL bool ast_dotted(const ast *n, char *buf, size_t cap,
                             size_t *len);
/* An S-expression of the tree for tests: (BINARY + (INT_LIT 1) (IDENT x)).
 * Returns a NUL-terminated string in [a]. */
POL_INTERNAL char *ast_dump(arena *a, const ast *n);
/* Append the CEL text of the expression [n] to [b], with the
 * parentheses CEL's precedence needs and no others (unparse.c). */
struct sbuf;
POL_INTERNAL void ast_unparse(struct sbuf *b, const ast *n);

#endif
