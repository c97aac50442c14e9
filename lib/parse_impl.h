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

#endif
