/*
 * check.h: the checker of a policy's expressions, run before they are
 * compiled. It resolves names (macro variables, lets, declared facts)
 * and infers static types where they are known (literals, declared
 * facts, operators, the builtins' results), and reports at compile time
 * what would otherwise be an ERROR or a silent UNKNOWN at check time:
 *
 *   - a fact path the schema does not declare (E0201), with the path
 *     most likely meant; a name that is neither a let, a variable nor
 *     the root of a declared fact (E0202), with the let or variable
 *     most likely meant;
 *   - a declared fact compared with a literal of another type (E0302);
 *   - a method called on a receiver whose type it does not take (E0303);
 *   - a `when` or `require` whose type is known and not bool (E0301).
 *
 * Unknown functions and wrong arity are the compiler's (compile.c):
 * it resolves calls. Without a schema (no plain fact declarations: the
 * prelude's and derived facts do not count), names are not checked:
 * every other name is a fact read at run time.
 */
#ifndef POL_CHECK_H
#define POL_CHECK_H

#include "compile.h"
#include "policy.h"

typedef struct checker checker;

/* A checker for the expressions of [p] (its fact declarations) with the
 * [nlets] lets [lets] and the host functions [hosts] (may be NULL); all
 * borrowed. [lenient]: an import was not found, so a name that no
 * declaration explains may be one of that module's and is not reported.
 * Its memory comes from [m] (copied). NULL on out of memory. */
POL_INTERNAL checker *chk_new(const policy *p, const compile_let *lets,
                              size_t nlets, const struct host_registry *hosts,
                              bool lenient, const mem *m);
POL_INTERNAL void chk_free(checker *c);
/* The policy had syntax errors, and the statements that had them are
 * left out: a name that no declaration explains may be one of theirs,
 * so no unknown name is reported, not even one near a known one. */
POL_INTERNAL void chk_partial(checker *c);
/* The [n] names [names] (borrowed) of every let in definition order,
 * for "did you mean", when the lets given to chk_new leave some out:
 * the prelude's that were never parsed (prelude.h). */
POL_INTERNAL void chk_let_names(checker *c, const char *const *names,
                                size_t n);
/* Check the expression [e] parsed from [d] (errors go there); [clause]
 * is "when" or "require" for a condition that must be a bool, else
 * NULL. */
POL_INTERNAL void chk_expr(checker *c, const ast *e, diag_list *d,
                           const char *clause);
/* Check every let's expression, once each. */
POL_INTERNAL void chk_lets(checker *c);
/* Whether chk_lets found a let nested more than POL_MAX_INLINED_DEPTH
 * deep with its lets written out (and said so): the compiler, which
 * inlines them by recursion, must not run. */
POL_INTERNAL bool chk_lets_too_deep(const checker *c);

#endif
