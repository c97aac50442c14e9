/*
 * explain.h: the account of a verdict behind `check --explain`
 * (docs/cli.md, "Explaining verdicts"). For each rule the explainer
 * compiles, once, every sub-expression of `when` and `require` (lets
 * and derived facts opened up one level at a time) as an entry of a
 * program of its own, from the policy's kept syntax trees. Explaining a
 * rule for a vendor evaluates those entries one by one; a quantifier's
 * items are run through its body until one decides it, and the body's
 * sub-expressions are then evaluated with the macro variable bound to
 * that item. None of this touches the check path: the policy's own
 * program is only run to get the verdict, exactly as check does.
 *
 * explain.c builds and evaluates the tree, explain_say.c words the
 * sentence of a FAIL (Japanese or English), explain_render.c writes text
 * and JSON.
 */
#ifndef POL_EXPLAIN_H
#define POL_EXPLAIN_H

#include "policy.h"
#include "vm.h"

typedef enum {
  XK_AND, XK_OR, XK_NOT, XK_COND, XK_CMP, XK_QUANT, XK_LET, XK_FACT,
  XK_CALL, XK_OTHER
} xkind;

typedef enum {
  XS_VALUE,    /* evaluated to a value */
  XS_MISSING,  /* a fact it needs is missing (UNKNOWN) */
  XS_ERROR,    /* another error */
  XS_SKIPPED   /* not evaluated: inside a quantifier no item decided */
} xstate;

typedef struct xnode {
  const ast *n;
  const diag_list *d;
  const char *text;   /* the sub-expression on one line */
  const char *name;   /* XK_LET: the let's (or derived fact's) name */
  const char *var;    /* XK_QUANT: the macro variable */
  const char *macro;  /* XK_QUANT: "all", "exists", "exists_one", ... */
  uint32_t depth;
  int32_t parent;     /* index in the rule's nodes, or -1 */
  int32_t quant;      /* the quantifier whose body holds it, or -1 */
  uint32_t entry;     /* in the explainer's program */
  uint8_t kind;       /* xkind */
  uint8_t role;       /* 0 when, 1 require */
  uint8_t op;         /* XK_CMP: ast_op */
} xnode;

/* What one node gave for one vendor. */
typedef struct xvalue {
  uint8_t state;      /* xstate */
  val v;              /* XS_VALUE */
  const char *msg;    /* XS_MISSING: the missing path; XS_ERROR: why */
  const char *item;   /* XK_QUANT: the path of the item that decided it */
  val item_v;         /* and its value */
  bool decided;       /* XK_QUANT: an item decided it */
  bool uniform;       /* XK_QUANT: its items ran and none decided it (an
                         all() that holds): the body gave each the same */
  uint32_t nitems;    /* XK_QUANT: how many items ran */
} xvalue;

typedef struct xrule {
  uint32_t first, n;  /* its nodes: explainer.nodes[first, first + n) */
} xrule;

typedef struct explainer {
  const policy *pol;
  program *prog;      /* every node's entry */
  xnode *nodes;
  uint32_t nnodes;
  size_t cap_nodes;
  xrule *rules;       /* per rule of pol */
  arena a;            /* the texts */
  vm vm;
  /* the last explained rule */
  arena run;          /* values, messages, the sentence */
  int32_t rule;       /* -1: none yet */
  xvalue *values;     /* per node of the rule */
  int verdict;        /* report.h's verdict */
  const char *sentence; /* for a FAIL, or NULL */
  const map *vars;    /* the fact set explained */
  bool oom;           /* memory ran out explaining it (besides x->run's
                         own failed mark): the explanation is not given */
  sbuf out;           /* rendered text */
} explainer;

/* A new explainer of [pol], which must have kept its source; NULL when it
 * has none, on out of memory, or when a sub-expression does not compile
 * alone (then nothing can be explained). */
POL_INTERNAL explainer *explain_new(const policy *pol);
POL_INTERNAL void explain_free(explainer *x);
/* Explain rule [r] for the fact set [vars] (NULL: none) in language
 * [l]: the values of its nodes, its verdict and, for a FAIL, the
 * sentence. false on out of memory. */
POL_INTERNAL bool explain_rule(explainer *x, const map *vars, uint32_t r,
                               lang l);
/* The rule's nodes (of the last explained rule). */
POL_INTERNAL const xnode *explain_nodes(const explainer *x, uint32_t *n);

/* explain_say.c: the sentence of a FAIL, in [l], into x->run; NULL when
 * no single sub-expression decides it. */
POL_INTERNAL const char *explain_say(explainer *x, lang l);
/* The citation of [path] or of its nearest ancestor in the fact set's
 * $evidence, or NULL. */
POL_INTERNAL const char *explain_evidence(const explainer *x,
                                          const char *path);
/* The fact path node [i] reads, with a macro variable replaced by the
 * item's path; NULL when it is no fact path. In x->run. */
POL_INTERNAL const char *explain_path(explainer *x, uint32_t i);

/* explain_render.c: the last explained rule as text or JSON (one
 * object), into x->out. */
POL_INTERNAL const char *explain_text(explainer *x);
POL_INTERNAL const char *explain_json(explainer *x);

#endif
