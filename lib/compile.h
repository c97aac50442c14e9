/*
 * compile.h: AST -> bytecode. Resolves names (locals of macros and
 * cel.bind, declared variables, builtin functions, the host functions of
 * compile_opts.hosts), checks arity (and, for host functions, the types
 * of literal arguments), expands the macros, folds constant lists and
 * maps, and records the source span of every instruction.
 */
#ifndef POL_COMPILE_H
#define POL_COMPILE_H

#include "ast.h"
#include "diag.h"
#include "program.h"

/* A named helper expression (a policy's `let`), inlined where used. */
typedef struct compile_let {
  const char *name;
  const ast *expr;
  diag_list *src; /* the source [expr] was parsed from */
  bool derived;   /* a derived fact: the vendor's own value at the path
                     [name] wins over [expr] (OPTFACT) */
  bool prelude;   /* the prelude's: it reads facts that the policy need
                     not declare, so the checker (check.c) does not hold
                     it to the policy's schema */
} compile_let;

typedef struct compile_opts {
  const char *const *vars; /* declared variable names ("a.b.c" allowed) */
  size_t nvars;
  const compile_let *lets;
  size_t nlets;
  const struct host_registry *hosts; /* host functions (host.h), or NULL */
  bool strict;             /* an unknown function is a compile error */
} compile_opts;

typedef struct compiler compiler;

/* A compiler for one program with any number of entry points, its
 * memory and the program's from [m] (copied; NULL: libc). [o] is
 * borrowed until cg_finish. NULL on out of memory. */
POL_INTERNAL compiler *cg_new(const compile_opts *o, const mem *m);
/* Compile [root], parsed from [d]'s source, as a new entry point; every
 * error is added to [d]. Returns the entry's first instruction index. */
POL_INTERNAL uint32_t cg_entry(compiler *c, const ast *root, diag_list *d);
/* Compile let [i] of the options as an entry of its own, as a use of it
 * compiles it (a let found to use itself is reported where it does). */
POL_INTERNAL uint32_t cg_let_entry(compiler *c, size_t i);
/* Whether let [i] of the options has been compiled into an entry. */
POL_INTERNAL bool cg_let_inlined(const compiler *c, size_t i);
/* The constant patterns of `matches` that [c] compiles from now on run
 * on PCRE2's interpreter: not JIT-compiled (POL_NO_JIT; a program made
 * to be thrown away). */
POL_INTERNAL void cg_no_jit(compiler *c);
/* The program [c] makes is run once and thrown away, its errors never
 * shown: it keeps its sources' names but not their texts, which a
 * constant compiled alone would otherwise copy whole (the policy and
 * every module its lets come from), once per constant. */
POL_INTERNAL void cg_no_texts(compiler *c);
/* The nodes [c] has looked at to find whether a subtree is constant, so
 * far: tests show they grow with a tree's size, not with its size times
 * its depth. */
POL_INTERNAL uint64_t cg_const_steps(const compiler *c);
/* The program compiled so far, to run an entry that compiled without
 * error before cg_finish: valid until the next cg_entry (which may move
 * its code) or cg_finish. Residuals (residual.c) compile the pieces of a
 * rule one after another into one program this way. */
POL_INTERNAL const program *cg_program(const compiler *c);
/* The program, or NULL if any entry had an error (or on out of memory,
 * reported in the last entry's list). Frees [c] either way; the program
 * copies the source texts it needs. */
POL_INTERNAL program *cg_finish(compiler *c);

/* One expression as a program with entry 0: cg_new, cg_entry and
 * cg_finish, allocating through [d]'s mem. [vars] declares variable
 * names; other identifiers are looked up at run time. Returns NULL if [d]
 * gained any error. */
POL_INTERNAL program *compile_expr(const ast *root, diag_list *d,
                                   const char *const *vars, size_t nvars);

/* Whether [name] is the namespace of a builtin library (math, strings,
 * base64, optional): math.f() names a function, not a field of a fact. */
POL_INTERNAL bool compile_is_namespace(const char *name);

#endif
