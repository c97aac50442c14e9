/*
 * parse_impl.h: what the two halves of the grammar's actions share:
 * parse.c (the scanner wrapper, the layout, syntax errors, expressions)
 * and parse_policy.c (policy statements). Nothing outside the front end
 * includes it.
 */
#ifndef POL_PARSE_IMPL_H
#define POL_PARSE_IMPL_H

#include "parse.h"
#include "parser.h"

/* The span of the location [l]. */
POL_INTERNAL span parse_span(pol_loc l);
/* A new node of kind [k] at [l]; after out of memory a stand-in that
 * never gets kids (reported once). */
POL_INTERNAL ast *parse_node(pol_parser *p, ast_kind k, pol_loc l);
/* Append [kid] (may be NULL: nothing) to [parent]. */
POL_INTERNAL void parse_push(pol_parser *p, ast *parent, ast *kid);
/* Report out of memory at [sp], once per parse. */
POL_INTERNAL void parse_oom(pol_parser *p, span sp);
/* Report the error [code] at [sp], counted for this parse. */
POL_INTERNAL void parse_report(pol_parser *p, diag_code code, span sp,
                               const char *fmt, ...) POL_PRINTF(4, 5);
/* A hint for the error just reported. */
POL_INTERNAL void parse_hint(pol_parser *p, const char *fmt, ...)
    POL_PRINTF(2, 3);
/* The severity that the Japanese word [s] for one stands for (必須:
 * "must", 推奨: "should", 任意: "may", as an organisation's own
 * standard writes them), or NULL. */
POL_INTERNAL const char *parse_japanese_severity(const char *s);
/* The diagnostic just reported, when it is the lexer's "cannot be a
 * name" (E0010) on the word at byte [off]: a caller that knows what the
 * word was meant to be rewrites it, so that one mistake stays one
 * diagnostic. NULL otherwise. */
POL_INTERNAL diag *parse_foreign_word(pol_parser *p, uint32_t off);

#endif
