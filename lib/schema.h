/*
 * schema.h: fact declarations (`fact PATH: TYPE "DESCRIPTION"`) and the
 * checks they enable: every fact path a policy reads must be declared
 * (with a "did you mean" suggestion when it is not), and a fact compared
 * with a literal must be compared with one of its type.
 */
#ifndef POL_SCHEMA_H
#define POL_SCHEMA_H

#include "names.h"
#include "policy.h"

/* Room for [n] declarations in [p]. */
POL_INTERNAL void schema_begin(policy *p, size_t n);
/* Add the AST_FACT [fact] parsed from [d]; errors (duplicate path, bad
 * allowed values) go to [d]. [seen] indexes the paths added so far (by
 * number), so that duplicates are found without comparing every pair. */
POL_INTERNAL void schema_add(policy *p, name_index *seen, const ast *fact,
                             diag_list *d);
/* Sort the declarations for lookup. */
POL_INTERNAL void schema_finish(policy *p);
/* Whether [path] is declared, lies on the way to a declaration (an
 * object), or lies under a declared map or any. */
POL_INTERNAL bool schema_known(const policy *p, const char *path);
/* Whether [path] lies on the way to a declaration (some declared path
 * goes on from it with a '.'): a binary search. */
POL_INTERNAL bool schema_above(const policy *p, const char *path);
/* The declared path [path] most likely meant, or NULL. */
POL_INTERNAL const char *schema_suggest(const policy *p, const char *path);
/* The type as text: "int", "list(string)", "map(string, any)". */
POL_INTERNAL void schema_type_name(const fact_type *t, sbuf *out);

#endif
