/*
 * lint.h: the analysis of a policy behind `policyc lint` and `check
 * --lint` (docs/lint.md). Each check is a lint_check (a code, a name and
 * a run function) in a file of its own, lint_<name>.c, listed in the
 * table of lint.c; a check reads the policy, its kept source
 * (policy.src) and the analysis of each rule (lint_space), and adds
 * warnings.
 *
 * The analysis of a rule (lint_space.c) is exact within a fragment: each
 * fact compared with constants (and lists of tokens tested for members,
 * sizes and quantifiers over members), combined by && || ! and ?:. For
 * such a rule the values of each fact fall into finitely many classes
 * (intervals between the constants, each enumerated value, present or
 * absent) on which every comparison is constant, so evaluating the
 * compiled rule on one value of each combination of classes decides every
 * question exactly, and every answer comes with a fact set that shows it.
 * Anything outside the fragment is "not analysed", never guessed.
 */
#ifndef POL_LINT_H
#define POL_LINT_H

#include "policy.h"
#include "vm.h"

typedef struct lint_warning {
  const char *code;     /* "L002" */
  const char *name;     /* "never-fail" */
  const char *file;
  uint32_t line, col;
  const char *rule;     /* the rule's id, or NULL */
  const char *message;
  const char *witness;  /* a fact set (JSON) that shows it, or NULL */
  const char *verdict;  /* what the rule gives for the witness, or NULL */
} lint_warning;

/* What an expression of a rule gives for one fact set. */
typedef enum { OUT_TRUE, OUT_FALSE, OUT_UNKNOWN, OUT_ERROR } outcome;

typedef struct lint_space lint_space;

/* A rule's fact paths (lint_rule_paths), made on first use: the
 * pairwise checks ask for each rule's once per other rule. */
typedef struct lint_paths {
  const char **p;
  size_t n;
  bool made;
} lint_paths;

typedef struct lint_run {
  const policy *pol;
  const policy_source *src;
  const map *const *vendors; /* the fact sets of check --lint, or none */
  size_t nvendors;
  bool verbose;              /* also report the rules not analysed */
  arena a;                   /* warnings, witnesses, analyses */
  arena pair;                /* lint_space_pair's analysis: rewound by
                                the next pair, so a policy's pairs take
                                the memory of one */
  lint_warning *w;
  size_t n, cap;
  vm vm;
  lint_space **spaces;       /* per rule, made on first use */
  const char **why;          /* per rule: why it was not analysed */
  lint_paths *paths;         /* per rule, made on first use */
  bool *tried;
  uint64_t compared;         /* pairs of rules the pairwise checks
                                (implied, duplicate) compared: tests show
                                it grows with the rules that share facts,
                                not with every pair */
  struct compile_let *lets;  /* the policy's lets for the compiler, made
                                on first use (lint_space.c) */
  uint64_t let_walks;        /* lets whose expression unused-let walked:
                                each used let once, however long the
                                chains of lets that use each other */
  uint64_t path_compares;    /* fact paths compared while gathering a
                                rule's (lint_rule_paths): about one a
                                path read, not one per pair of them */
  bool oom;
} lint_run;

typedef struct lint_check {
  const char *code;
  const char *name;
  void (*run)(lint_run *L, const struct lint_check *self);
} lint_check;

/* ==== lint.c ==== */

/* Run every check over [L]'s policy (L->pol with its source). The
 * warnings are L->w, in source order. False on out of memory. */
POL_INTERNAL bool lint_policy(lint_run *L);
POL_INTERNAL void lint_free(lint_run *L);
/* Add a warning of check [c] about rule [r] (at its location), with a
 * [witness] fact set and the [verdict] it gives (both may be NULL). */
POL_INTERNAL void lint_rule_warn(lint_run *L, const lint_check *c,
                                 uint32_t r, const char *witness,
                                 const char *verdict, const char *fmt, ...)
    POL_PRINTF(6, 7);
/* Add a warning of check [c] at the start of [n], a node of [d]. */
POL_INTERNAL void lint_node_warn(lint_run *L, const lint_check *c,
                                 const ast *n, const diag_list *d,
                                 const char *fmt, ...) POL_PRINTF(5, 6);

/* Add a warning of check [c] at [file]:[line]:[col] (a place in a
 * comment, which has no node). */
POL_INTERNAL void lint_place_warn(lint_run *L, const lint_check *c,
                                  const char *file, uint32_t line,
                                  uint32_t col, const char *fmt, ...)
    POL_PRINTF(6, 7);

/* Check [i] of the table (in code order), or NULL past the end. */
POL_INTERNAL const lint_check *lint_check_at(size_t i);

/* Whether the checks look at rule [r] (the prelude's are not). */
POL_INTERNAL bool lint_analysed_rule(const lint_run *L, uint32_t r);

/* The checks, one per file (lint_<name>.c). */
POL_INTERNAL extern const lint_check lint_never_applies, lint_never_pass,
    lint_never_fail, lint_contradiction, lint_tautology, lint_never_unknown,
    lint_implied, lint_duplicate, lint_unused_let, lint_shadow,
    lint_no_question, lint_unknown_fact, lint_hides_stdlib,
    lint_unknown_allow, lint_not_analysed;

/* ==== lint_space.c ==== */

/* The analysis of rule [r]: NULL when the rule is outside the fragment
 * (lint_space_why says why) or on out of memory. Made once, kept in L. */
POL_INTERNAL const lint_space *lint_space_of(lint_run *L, uint32_t r);
/* Why rule [r] was not analysed ("it calls startsWith()"), or NULL. */
POL_INTERNAL const char *lint_space_why(lint_run *L, uint32_t r);
/* The number of fact sets the analysis evaluated (one per combination
 * of classes), and what `when` (OUT_TRUE when the rule has none) and
 * `require` gave for fact set [k]. */
POL_INTERNAL size_t lint_space_count(const lint_space *s);
POL_INTERNAL outcome lint_space_when(const lint_space *s, size_t k);
POL_INTERNAL outcome lint_space_require(const lint_space *s, size_t k);
/* The verdict of fact set [k] (report.h's verdict, as `check` gives it). */
POL_INTERNAL int lint_space_verdict(const lint_space *s, size_t k);
/* How many facts the rule reads. */
POL_INTERNAL size_t lint_space_facts(const lint_space *s);
/* Fact set [k] as JSON text (in L's arena), the witness of a warning. */
POL_INTERNAL const char *lint_space_witness(lint_run *L, const lint_space *s,
                                            size_t k);
/* The first fact set with [when] (or any, when -1) and [require] (or any)
 * outcomes, or -1. */
POL_INTERNAL long lint_space_find(const lint_space *s, int when, int require);

/* The joint analysis of rules [a] and [b] over the facts of both: for
 * each combination, the verdicts of both. NULL when either is outside
 * the fragment. verdicts[2k] is a's, verdicts[2k+1] b's, valid until
 * the next lint_space_pair. */
typedef struct lint_pair {
  size_t n;
  uint8_t *verdicts;
} lint_pair;
POL_INTERNAL bool lint_space_pair(lint_run *L, uint32_t a, uint32_t b,
                                  lint_pair *out);

/* ==== lint_names.c: names a rule reads, for the checks on names ==== */

/* Call [fn] for every identifier [e] (from [d]) reads that is not bound
 * by a macro inside it: lets, fact roots. */
POL_INTERNAL void lint_idents(const ast *e, const diag_list *d,
                              void (*fn)(void *user, const ast *id,
                                         const diag_list *d),
                              void *user);
/* The let of [src] named [name] that a rule sees (the last one, so a
 * policy's own shadows the prelude's), or NULL. */
POL_INTERNAL const policy_stmt *lint_let(const policy_source *src,
                                         const char *name);
/* A rule under a key (its text, a fact path): sorted by key, then by
 * rule (lint_keyed_cmp), the rules of one key are a run in policy
 * order, so the first that pairs with another is found first. */
typedef struct lint_keyed {
  const char *key;
  uint32_t rule;
} lint_keyed;
POL_INTERNAL int lint_keyed_cmp(const void *a, const void *b);
/* The fact paths rule [r] reads (lets inlined), each once, into [out]
 * (arena strings); their number. */
POL_INTERNAL size_t lint_rule_paths(lint_run *L, uint32_t r,
                                    const char ***out);

#endif
