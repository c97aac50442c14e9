/*
 * residual.h: what an UNKNOWN rule still depends on (docs/unknowns.md).
 *
 * The residual of an expression over a fact set is the expression with
 * every known fact substituted and simplified as CEL evaluates: a CEL
 * expression over the missing facts alone ("backup.generations >= 7").
 * Its decisive facts are the missing facts it names: the ones whose
 * values can still change the verdict. Errors absorb as in CEL, so
 * `a || b` with b false leaves `a`, and with b true is no residual at all
 * (the rule passed).
 *
 * How: the rule's `when` and `require` are parsed again from their text
 * (policy.h expr_src; a saved policy keeps it), with their lets inlined
 * as the compiler inlined them. Then, top down, each piece of the tree is
 * compiled and run on its own against the facts: a piece whose value is
 * known becomes a literal; one that ends in a missing fact is taken
 * apart, and the parts are put back together with CEL's absorption
 * (residual.c), macros item by item (residual_macro.c). So the
 * residual agrees with the VM by construction: every value in it is one
 * the VM computed. This costs a compilation per piece, which only
 * UNKNOWN rules pay, and only when someone reads their residual: checking
 * (report.c) is unchanged.
 */
#ifndef POL_RESIDUAL_H
#define POL_RESIDUAL_H

#include "compile.h"
#include "policy.h"
#include "vm.h"

/* At most this many items of one macro's range are looked at one by
 * one; a longer range keeps the macro whole in the residual. */
#define RESIDUAL_ITEMS_MAX 1000
/* At most this many items over all the macros of one residual: past it
 * the macros stay whole too, so nested macros (three deep over 100
 * items: 10^6 items) make a residual of bounded size. */
#define RESIDUAL_RULE_ITEMS_MAX (16 * RESIDUAL_ITEMS_MAX)

/* A decisive fact: its CEL path (report_path.c's syntax: a.b["c d"][2])
 * and where each step of it ends, for $evidence and $withheld. */
typedef struct residual_fact {
  const char *path;
  const uint32_t *ends;
  uint32_t nends;
  const fact_decl *derived; /* of a rule whose ask is borrowed (policy.h
                               rule.ask_derived): the derived fact with a
                               question that the rule reads and whose
                               expression reads this fact, whose question
                               this fact gets; else NULL */
} residual_fact;

typedef struct residual {
  const char *applies_if; /* `when` undecided: its residual; else NULL */
  const char *passes_if;  /* `require` undecided: its residual; else NULL */
  int if_applies;         /* `require` decided while `when` is not: the
                             verdict it gives (VD_PASS, ...); else -1 */
  const char *passes;     /* the whole condition under which the rule
                             passes, for the one-line forms: applies_if &&
                             passes_if, either alone when the other is
                             not there (or decided PASS); NULL when it
                             cannot pass */
  expr_src at;            /* the text the first of them comes from */
  residual_fact *facts;   /* decisive, in the order the residuals name
                             them, each once */
  uint32_t nfacts;
  uint32_t whole_ranges;  /* macros over a known range of more than
                             RESIDUAL_ITEMS_MAX items (or past
                             RESIDUAL_RULE_ITEMS_MAX), kept whole: the
                             missing facts of their items are not among
                             facts (report_residual.c adds the rule's) */
} residual;

/* What working out residuals needs besides the policy and the facts: a
 * VM of its own (so a report can do it whenever it is read) and scratch
 * memory, reused from one rule to the next. */
typedef struct residual_ctx {
  vm v;
  arena a;      /* trees and values of the rule at hand */
  sbuf text;
  sbuf path;    /* residual_text.c's scratch for a decisive fact's path,
                   kept across rules: a warm check allocates nothing */
  /* The trees of a policy's texts, lets inlined: they depend on no
   * facts, so they are made once and kept for the next vendors. */
  const policy *pol;  /* whose trees these are */
  arena trees;
  const ast **when_t, **req_t; /* per rule, NULL until made */
  const ast **lets_t; /* per let */
  bool *busy;         /* per let: being inlined (a cycle guard) */
  /* The pieces, compiled as entries of one program, kept across rules
   * and vendors (a compiler costs more to make than a piece to compile)
   * and made again once it has grown past RESIDUAL_CODE_MAX words: the
   * program with its tables costs some 80 bytes a word, so at 65,536
   * words a stream of vendors peaked 5 MB higher; at 4,096 it stays
   * flat, for the same instruction count (callgrind, 2,000 vendors of
   * tests/bench/bench40.pol as JSON: 2,562.2M against 2,561.6M). */
  struct compiler *cg;
  compile_opts opts;  /* cg's options */
  uint64_t words;     /* words of code compiled for pieces, ever: tests
                         show they grow with a rule's size, not with its
                         size times its depth */
  uint64_t fact_probes; /* paths compared while sorting out decisive
                           facts, ever (residual_text.c): tests show they
                           grow with the paths a residual names, not with
                           their square */
  /* What is known of each node of the kept trees that depends on the
   * node alone: cg's entry for it (a piece compiles the same for every
   * vendor: only running it depends on the facts), its text, whether a
   * call's receiver is part of its name; so the next vendor does not
   * work them out again. Open addressing on the node's address; the
   * entries are forgotten with cg, the rest with the trees. */
  struct piece_entry *pieces;
  size_t npieces, cap_pieces;
  /* The pieces made for one vendor's residual (an item's body with the
   * item's path in it), found again by their structure when the next
   * vendor makes the same: each a copy in [made] with its entry in cg.
   * Emptied with cg. */
  arena made;
  struct made_piece *made_v;
  size_t nmade, cap_made;
  diag_list d;        /* the (empty) source the pieces come from */
} residual_ctx;

#define RESIDUAL_CODE_MAX (1u << 12)

/* [m]: the allocator of everything [c] holds (the report's). */
POL_INTERNAL void residual_init(residual_ctx *c, uint64_t max_steps,
                                size_t max_memory, const mem *m);
POL_INTERNAL void residual_free(residual_ctx *c);

/* The residual of rule [i] of [p] over the fact set [vars] into [out];
 * its strings live in [keep]. POL_OK; POL_EINVAL when the rule is not
 * undecided over these facts (nothing in it is missing); POL_ENOMEM;
 * POL_ESYNTAX when its text no longer parses (a damaged saved policy). */
POL_INTERNAL int residual_rule(residual_ctx *c, const policy *p, uint32_t i,
                               const map *vars, arena *keep, residual *out);

/* What made SKIPPED rule [i] of [p] not apply over [vars]: the part of
 * its `when` that was false, as CEL text into *[out], in [keep] (the
 * whole `when` as written, from the program's texts, so a saved policy
 * says the same). Through && only: of
 * `a && b`, the first side that is false (then its own first false
 * conjunct); anything else is false as a whole. Lets are inlined in a
 * part (the part is of the tree the residuals use). POL_OK; POL_EINVAL when the rule has no `when`;
 * POL_ENOMEM; POL_ESYNTAX when its text no longer parses. */
POL_INTERNAL int residual_skipped(residual_ctx *c, const policy *p,
                                  uint32_t i, const map *vars, arena *keep,
                                  const char **out);

/* The residual of the expression [src] ([len] bytes, named [name]) over
 * [vars], as residual_rule with no lets: out->passes_if and the facts.
 * POL_ESYNTAX when it does not parse or compile ([c]->text then holds
 * the message). Used by `policyc eval --residual` and the tests. */
POL_INTERNAL int residual_expr(residual_ctx *c, const char *src, size_t len,
                               const char *name,
                               const struct host_registry *hosts,
                               const map *vars, arena *keep, residual *out);

/* ==== shared by residual.c, residual_macro.c and residual_text.c ==== */

/* How a piece of the tree came out. */
typedef enum {
  R_KNOWN, /* its value is known (a value, or an error that is no missing
              fact): v, and n the piece that gave it */
  R_LEAF,  /* it is a missing fact: n, a path (a.b[2].c) */
  R_RES    /* it depends on missing facts: n, the residual */
} rkind;

typedef struct rv {
  rkind kind;
  val v;         /* R_KNOWN; V_ERROR for any error (not kept) */
  const ast *n;
} rv;

/* One partial evaluation: a rule (or an expression) over a fact set. */
typedef struct pe {
  residual_ctx *c;
  arena *nodes;  /* where new nodes go: c->a, or c->trees while the
                    texts are parsed and their lets inlined */

  const struct host_registry *hosts;
  const map *vars;
  int depth;
  bool oom;
  bool opaque;   /* a piece could not be compiled alone */
  uint32_t whole_ranges; /* residual.whole_ranges, so far */
  uint32_t items;        /* items looked at one by one, so far */
  const ast **known; /* pieces kept as written whose value is known */
  size_t nknown, cap_known;
  /* The paths quick() has read from the facts, by node: a rule's pieces
   * are read again at each level they are taken apart at (residual.c,
   * quick_path). */
  struct pe_path_read {
    const ast *n; /* NULL: free */
    val v;
    int q;        /* quick()'s answer for n */
    int depth;    /* the depth it was asked at */
  } reads[16];
} pe;

/* Forget every compiled piece: the kept trees they were compiled from
 * are about to go (residual.c). */
POL_INTERNAL void pe_forget(residual_ctx *c);
/* The outcome of [n] (residual.c). */
POL_INTERNAL rv pe_eval(pe *e, const ast *n);
/* The outcome of [n], known to end in a missing fact (an UNKNOWN rule's
 * `require` under a `when` that holds): taken apart at once, which saves
 * running the whole rule again. */
POL_INTERNAL rv pe_apart(pe *e, const ast *n);
/* Whether [n] is a piece of a residual kept as written although its
 * value is known (an error, a value with no literal form). */
POL_INTERNAL bool pe_is_known(const pe *e, const ast *n);
/* Whether the CALL [n] is recv.f(args) where recv.f names a function
 * (math.greatest): its receiver is part of the name, not a value. */
POL_INTERNAL bool pe_qualified(const pe *e, const ast *n);
/* [n] as CEL text (ast_unparse), [*len] bytes: in [e]'s scratch text,
 * valid until the next call, or kept with [n] when it is a node of the
 * kept trees (printed once for every vendor); NULL when memory ran
 * out. */
POL_INTERNAL const char *pe_unparse(pe *e, const ast *n, size_t *len);
/* The text of a decisive fact's path and where its steps end, as
 * residual_text.c writes them. */
typedef struct pe_path {
  const char *p; /* NULL: not made yet */
  size_t len;
  const uint32_t *ends;
  uint32_t nends;
} pe_path;
/* Where the path [n]'s text is kept when [n] is a node of the kept trees
 * (the same for every vendor; its storage: the context's trees), else
 * NULL. */
POL_INTERNAL pe_path *pe_path_of(pe *e, const ast *n);
/* Whether [n] alone ends in a missing fact (residual.c). */
POL_INTERNAL bool pe_missing(pe *e, const ast *n);
/* [r] as a piece of a residual: its residual, or its value as a literal
 * (a fact container too large to show as its path). */
POL_INTERNAL const ast *pe_embed(pe *e, rv r);
/* A new node of [kind] at [sp] with [nkids] kids (uninitialised). */
POL_INTERNAL ast *pe_node(pe *e, int kind, span sp, uint32_t nkids);
/* [v] as a literal node at [sp], or the CEL path of a fact container;
 * NULL for a value with no literal form here. */
POL_INTERNAL const ast *pe_literal(pe *e, val v, span sp);
/* An item of a macro's range, to put in place of its variable: the path
 * of a fact container (subprocessors[2]), else [x] as a literal; NULL
 * when it has no literal form. */
POL_INTERNAL const ast *pe_item(pe *e, val x, span sp);
/* Whether the CALL [n] is a macro residual_macro.c takes apart, and if so
 * its outcome into [out]. */
POL_INTERNAL bool pe_macro(pe *e, const ast *n, rv *out);
/* How many iteration variables the macro CALL [n] binds (0: none),
 * and which kid is its first (residual_macro.c). */
POL_INTERNAL int pe_binds(const ast *n, uint32_t *first_var);
/* A copy of [n] with each free use of the variable [name] replaced by
 * [with] (residual_macro.c); [n] itself where there is none. */
POL_INTERNAL const ast *pe_subst(pe *e, const ast *n, const char *name,
                                 const ast *with);

#endif
