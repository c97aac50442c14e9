/*
 * format.h: the canonical layout of policy files (`policyc fmt`,
 * pol_format). The formatter works on the token stream the parser sees
 * (parse_policy_tokens) plus the comments, never on the AST, so that
 * every token, every comment and every byte of every literal comes out
 * as written; only blanks, line breaks and `;` separators change.
 * docs/cli.md ("policyc fmt") states the layout rules.
 */
#ifndef POL_FORMAT_H
#define POL_FORMAT_H

#include "diag.h"

/* Columns a formatted line aims to stay within. Tokens are never split,
 * so a long string literal still makes a longer line. */
#define FORMAT_WIDTH 80

/* Append the canonical layout of [d]'s source (a policy file) to [out].
 * Returns false when the source does not parse (the syntax errors are
 * added to [d]) or on out of memory (out->oom, or an error in [d]). The
 * result is checked before it is returned: it must parse into the same
 * tokens and comments, or it is refused with an error in [d]. */
POL_INTERNAL bool format_policy(diag_list *d, sbuf *out);

/* The expression [src] of [len] bytes on one line, as the formatter
 * spaces it and without comments, in [a]: the title of a rule that is a
 * bare expression, so that reformatting its file does not change it.
 * The text as written when it does not parse as an expression; NULL on
 * out of memory. */
POL_INTERNAL const char *format_oneline(arena *a, const char *src,
                                        size_t len);

#endif
