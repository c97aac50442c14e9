/*
 * parse.h: the front end's entry point. Runs the reentrant flex scanner
 * (grammar/lexer.l) and the pure bison parser (grammar/parser.y) over the
 * source held by a diag_list and returns the AST.
 */
#ifndef POL_PARSE_H
#define POL_PARSE_H

#include "ast.h"
#include "diag.h"

/* Parse the whole of [d]'s source as one CEL expression. AST nodes are
 * allocated in [a]. Every syntax error is added to [d] (several per run
 * where recovery allows). Returns the root, or NULL when [d] gained any
 * error. Nesting deeper than POL_MAX_PARSE_DEPTH is an error, never a
 * stack overflow. */
POL_INTERNAL ast *parse_expr(arena *a, diag_list *d);
/* Whether the token [t] is a clause keyword of a block (title, version,
 * description, severity, refs, when, require, message, ask, exclude): a
 * clause starts at one. The parser's layout and fmt share it. */
POL_INTERNAL bool parse_clause_kw(int t);

/* Parse the whole of [d]'s source as a policy file (docs/policies.md):
 * statements separated by line breaks or ';'. AST nodes are allocated
 * in [a]; the root is an AST_POLICY whose kids are the statements in
 * source order (see ast.h for each kind's shape). Every syntax error is
 * added to [d]; the parse recovers at the end of each statement and of
 * each clause of a block, so one bad statement does not hide the errors
 * of the next. Returns the root, or NULL when [d] gained any error. The
 * nesting limit is as for parse_expr. */
POL_INTERNAL ast *parse_policy(arena *a, diag_list *d);

/* parse_policy, but after errors too the root, holding the statements
 * that had none (NULL only when nothing could be kept: out of memory,
 * nesting too deep); *[failed] says whether [d] gained any error. For
 * the checks of names and types that still make sense after a syntax
 * error elsewhere in the file. */
POL_INTERNAL ast *parse_policy_partial(arena *a, diag_list *d, bool *failed);

/* parse_policy over the bytes [off, end) of [d]'s source alone, which
 * start a line, line [line]: the statements there get the spans a parse
 * of the whole source gives them. For a source known to be valid UTF-8
 * and within size (the prelude's lets, prelude.c): neither is checked. */
POL_INTERNAL ast *parse_policy_part(arena *a, diag_list *d, uint32_t off,
                                    uint32_t end, uint32_t line);

/* One token of a policy as the parser saw it, after the layout (so
 * NEWLINE and ';' are the separators that end a statement or clause,
 * keywords have their own kinds, and the '{' of a block is BLOCK_OPEN),
 * or a comment (TOK_COMMENT). [tok] is a token kind of parser.h; the
 * text is the source's [off, end), which is empty for a NEWLINE. */
typedef struct parse_token {
  int tok;
  uint32_t off, end;
  uint32_t line, col;
} parse_token;

typedef struct parse_tokens {
  parse_token *v; /* malloc'd; the caller frees it */
  size_t n, cap;
  bool oom;
} parse_tokens;

/* parse_policy, recording into [out] every token handed to the parser
 * and every comment, in source order: what the formatter lays out
 * (format.c). Returns the root, or NULL when [d] gained any error. */
POL_INTERNAL ast *parse_policy_tokens(arena *a, diag_list *d,
                                      parse_tokens *out);
/* parse_expr with the same record (no separators or keywords there). */
POL_INTERNAL ast *parse_expr_tokens(arena *a, diag_list *d,
                                    parse_tokens *out);

#endif
