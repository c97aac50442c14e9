/*
 * compile.h: AST -> bytecode. Resolves names (locals of macros and
 * cel.bind, declared variables, builtin functions), checks arity, expands
 * the macros, folds constant lists and maps, and records the source span
 * of every instruction.
 */
#ifndef POL_COMPILE_H
#define POL_COMPILE_H

#include "ast.h"
#include "diag.h"
#include "program.h"

/* Compile [root] (parsed from [d]'s source). [vars] names the variables
 * the host declares (dotted names such as "a.b.c" are allowed and win
 * over field selection); other identifiers are looked up at run time.
 * Every error is added to [d]; returns NULL if there was any. The
 * program copies what it needs of [d]'s source and name. */
POL_INTERNAL program *compile_expr(const ast *root, diag_list *d,
                                   const char *const *vars, size_t nvars);

#endif
