/*
 * prelude.h: the prelude's constants, parsed only when a policy can
 * name them.
 *
 * Every policy is compiled as if it imported the prelude (policy.c),
 * whose `regions` module is 25 KB of `let`s (JP, EU_MEMBERS, ...): a
 * policy uses a handful of them, and parsing and checking them all was
 * half the cost of a one-vendor `policyc check` (docs/performance.md).
 * A built-in module that holds nothing but `let`s is instead split into
 * its statements by a scan of its lines (no tokens, no tree), and a let
 * is parsed only when a word of some other source of the policy (its
 * files, its message templates), or of a let already needed, is its
 * name: any let the compiler could inline is parsed, with the tree and
 * spans a parse of the whole file gives it. The others could never be
 * used; what the compiler reports about them (their texts in a saved
 * policy, "did you mean" among let names) comes from the split.
 *
 * The split accepts a narrow form, which stdlib/regions.pol keeps (and
 * tests/unit/test_prelude.c checks against a full parse): each statement
 * starts a line with `let NAME = ` and the expression on that line; it
 * goes on over lines only inside brackets; comments are `//` ones;
 * strings are plain one-line '...' or "..."; and outside comments and
 * strings the text is ASCII. Anything else, and the module is parsed
 * whole as before.
 */
#ifndef POL_PRELUDE_H
#define POL_PRELUDE_H

#include "diag.h"
#include "names.h"

/* One `let` of the module, as the split found it. */
typedef struct prelude_let {
  const char *name;          /* NUL-terminated, in prelude_mod.names */
  uint32_t off, end, line;   /* the statement: from the start of its line
                                [line] to the start of the next one's */
  uint32_t eoff, elen, ecol; /* its expression, which starts on [line] */
  bool needed;               /* some text names it: parse it */
} prelude_let;

typedef struct prelude_mod {
  diag_list *d;              /* the module's source (borrowed) */
  prelude_let *v;            /* the lets in source order */
  size_t n;
  char *names;               /* every name, NUL-terminated */
  name_index by_name;        /* name -> index in v (the last one) */
  uint64_t lens;             /* bit k: some name is k bytes long (k < 64) */
  uint8_t first[32];         /* bit set of the names' first bytes */
  size_t *work, nwork;       /* needed lets whose text is not read yet */
  mem m;
} prelude_mod;

/* Split the source of [d] into its lets, into *[x] (memory from [m]).
 * false when the text is not of the form above, or on out of memory
 * (*[oom] set): then *[x] holds nothing and the caller parses it whole. */
POL_INTERNAL bool prelude_split(prelude_mod *x, diag_list *d, const mem *m,
                                bool *oom);
/* Mark as needed every let of [x] whose name is a word of [s] ([n]
 * bytes): a run of ASCII letters, digits and '_' that starts with no
 * digit. Over-marking costs a parse, never a wrong result. */
POL_INTERNAL void prelude_need_words(prelude_mod *x, const char *s, size_t n);
/* Mark, until nothing changes, the lets that the needed lets of any of
 * the [n] modules [mods] name. */
POL_INTERNAL void prelude_need_closure(prelude_mod *mods, size_t n);
/* Parse let [i] of [x] into [a]: its AST_LET, or NULL when it reported
 * an error (into [x]'s source) or is no let. */
POL_INTERNAL ast *prelude_parse(const prelude_mod *x, size_t i, arena *a);
POL_INTERNAL void prelude_free(prelude_mod *x);

#endif
