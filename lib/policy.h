/*
 * policy.h: a compiled policy: its header, rules, fact declarations and
 * the one program holding every rule expression (each an entry point).
 * Built by policy.c from a policy file and the modules it imports;
 * immutable afterwards, so threads share it.
 */
#ifndef POL_POLICY_H
#define POL_POLICY_H

#include "diag.h"
#include "names.h"
#include "program.h"

typedef enum { SEV_MUST, SEV_SHOULD, SEV_MAY } severity;

/* The languages of the questions sent to vendors (`ask ja "..."`,
 * `ask en "..."`). An `ask` without a language tag is Japanese: the
 * vendors' documents are Japanese, and so were untagged asks before
 * tags existed. */
typedef enum { LANG_JA, LANG_EN, NLANGS } lang;

/* A piece of a message template: literal text, or an expression. */
typedef struct tmpl_part {
  const char *text; /* literal text, or the expression's source text */
  int32_t entry;    /* -1 for literal text, else the expression's entry */
} tmpl_part;

/* Where an expression's text is: [len] bytes at [off] of the program's
 * source [src] (program.srcs), starting at [line]:[col]. Residuals
 * (residual.c) parse the text again, so they need no syntax tree kept
 * and work for saved policies too. [src] is EXPR_NO_SRC when there is
 * no text (no `when`). */
typedef struct expr_src {
  uint32_t src, off, len, line, col;
} expr_src;
#define EXPR_NO_SRC UINT32_MAX

/* A `let`, by name and text: what the compiler inlined, parsed again for
 * residuals. A later let of the same name shadows an earlier one. */
typedef struct let_src {
  const char *name;
  expr_src at;
  bool derived; /* a derived fact's (`fact PATH: T = E`): a use is the
                   vendor's own value at PATH when it has one, else E */
} let_src;

typedef struct rule {
  const char *id;      /* "backup_generations", or "rule_3" when anonymous */
  const char *title;   /* the id when no title was given */
  severity sev;
  const char **refs;   /* control ids */
  uint32_t nrefs;
  int32_t when;        /* entry of the `when` expression, or -1 */
  const char *when_text; /* its source text, for reports of SKIPPED; NULL
                          when there is none or the policy was loaded
                          from saved bytecode (which does not keep it) */
  uint32_t require;    /* entry of the `require` expression */
  tmpl_part *message;  /* NULL when there is no message */
  uint32_t nmessage;
  const char *ask;     /* the question for the vendor (Japanese), or NULL */
  const char *ask_en;  /* the same question in English, or NULL */
  bool ask_derived;    /* ask and ask_en are not the rule's own but the
                          question of a derived fact it reads (policy.c
                          derived_asks): they ask only for the facts
                          that derived fact reads (questions.c) */
  const char *file;    /* where the rule is defined */
  uint32_t line, col;
  expr_src when_at, require_at; /* the texts of `when` and `require` */
  const char *over_file; /* where an override changed it, or NULL */
  uint32_t over_line, over_col;
} rule;

/* A declared fact type: kind is a val_kind, or T_DYN for `any`; list and
 * map types have their element type in elem (map keys are strings). */
typedef struct fact_type {
  int kind;
  const struct fact_type *elem;
} fact_type;

typedef struct fact_decl {
  const char *path;        /* "backup.generations" */
  const fact_type *type;
  val allowed;             /* a list of allowed values, or null */
  val labels;              /* allowed value -> how a Japanese message
                              writes it (a map of strings: `in {"detection":
                              "検知"}`), or null */
  const char *desc;        /* for policy authors; may be NULL */
  const char **refs;       /* controls it serves: "ISO27017 12.3.1" */
  uint32_t nrefs;
  const char *ask[NLANGS]; /* the vendor-facing question per lang, or NULL */
  const char *file;
  uint32_t line, col;
  bool derived;            /* computed from other facts (`fact p: T = E`) */
  bool prelude;            /* declared by the prelude (stdlib/derived.pol) */
} fact_decl;

/* The diagnostics of compiling a policy: one diag_list per source file
 * (the policy and each module it loaded), kept for rendering. */
typedef struct diag_set {
  diag_list **lists;
  size_t n, cap;
  mem m;              /* the env's allocator; kept by diag_set_free */
} diag_set;

/* A statement of the policy's source and the file it came from. */
typedef struct policy_stmt {
  const ast *n;
  diag_list *d;
  const char *module; /* NULL for the main file */
  uint32_t index;     /* anonymous rules: position among its file's rules */
  bool prelude;       /* from the implicit prelude: may be shadowed */
  const ast *over;    /* a rule's override (AST_OVERRIDE), or NULL */
  diag_list *over_d;  /* the file the override is in */
  diag_list *module_d; /* an import's: the module's file, NULL when it
                          was not loaded (not found, unreadable) */
} policy_stmt;

/* The syntax trees of a policy and its modules, kept after compiling
 * when policy_paths.keep_source asks (for lint, explain and coverage).
 * rules[i] is the source of rule i of the policy. */
typedef struct policy_source {
  arena ast;               /* every tree */
  diag_set diags;          /* the source texts (no diagnostics) */
  policy_stmt *lets, *rules, *facts;
  size_t nlets, nrules, nfacts;
  name_index let_ids;      /* let name -> its last index in lets; empty
                              when it could not be made */
} policy_source;

/* A module the policy imported from a file, for the reports' stamp (the
 * built-in ones are the engine's: its version covers them). */
typedef struct policy_module {
  const char *file;        /* where it was read, as the loader found it */
  char sha256[65];         /* of its bytes */
  struct policy_module *next; /* in load order */
} policy_module;

typedef struct policy {
  const char *name;        /* from the header, or the file's base name */
  const char *title, *version, *description; /* may be NULL */
  const char *file;
  rule *rules;
  uint32_t nrules;
  fact_decl *facts;        /* sorted by path */
  uint32_t nfacts;
  let_src *lets;           /* the lets whose source is in prog, in order */
  uint32_t nlets;
  uint32_t nquiet;         /* of them derived or from the prelude: these
                              turn no schema check on */
  program *prog;
  policy_source *src;      /* the syntax trees, or NULL (keep_source) */
  const struct host_registry *hosts; /* the env's host functions (borrowed:
                              the env outlives the policy), or NULL */
  uint64_t max_steps;      /* the env's limits, which a check on a ctx of */
  size_t max_memory;       /* it has: explanations run under them too */
  arena a;                 /* every string and array above */
  char sha256[65];         /* of the source, or of the saved bytecode it
                              was loaded from (the report's stamp) */
  const char *saved_file;  /* the saved policy it was loaded from, as
                              pol_policy_load was told (the stamp's
                              policy file, which a re-run reads), or
                              NULL; [file] stays the source's name */
  policy_module *modules;  /* imported from files; none for a saved
                              policy, whose bytecode hash covers them */
  name_index rule_ids;     /* rule id -> its index (policy_index);
                              empty when it could not be made */
  name_index let_ids;      /* let name -> its last index in lets, the
                              same way */
} policy;

/* Where imports are looked for, in order: beside the importing file,
 * the dirs, then the modules built into the library (stdlib/); with
 * [no_files], only the last. */
typedef struct policy_paths {
  const char *const *dirs;
  size_t ndirs;
  const struct host_registry *hosts; /* host functions, or NULL */
  bool keep_source;                  /* keep the trees: policy.src */
  bool no_files;                     /* only the built-in modules: no file
                                        is read for an import */
  bool no_jit;                       /* POL_NO_JIT */
} policy_paths;

/* Free every list (the set stays usable, with its mem). */
POL_INTERNAL void diag_set_free(diag_set *s);
/* A new list for the source [src] of [len] bytes named [file]; the set
 * owns copies of both. NULL on out of memory. */
POL_INTERNAL diag_list *diag_set_add(diag_set *s, const char *file,
                                     const char *src, size_t len);
POL_INTERNAL size_t diag_set_count(const diag_set *s);
/* Whether memory ran out while compiling any source of [s]. */
POL_INTERNAL bool diag_set_oom(const diag_set *s);

/* Compile the policy [src] of [len] bytes named [file]. Every error goes
 * into [diags] (which owns copies of the sources); the policy allocates
 * through [diags]' mem. Returns NULL if there was any error. */
POL_INTERNAL policy *policy_compile(const char *src, size_t len,
                                    const char *file,
                                    const policy_paths *paths,
                                    diag_set *diags);
POL_INTERNAL void policy_free(policy *p);
/* Index [p]'s rules by id and its lets by name, for policy_rule_find
 * and policy_let_find (out of memory leaves an index empty: the finding
 * is then a scan). Each is asked once per rule, or per name a residual
 * or an analysis meets: a scan each time costs rules x rules. */
POL_INTERNAL void policy_index(policy *p);
/* The index of the first rule of [p] with id [id], or -1. */
POL_INTERNAL int64_t policy_rule_find(const policy *p, const char *id);
/* The index of the let of [p] named [name] that rules see (the last of
 * that name), or -1. */
POL_INTERNAL int64_t policy_let_find(const policy *p, const char *name);
/* The same in the syntax trees kept with [src] (policy_paths.keep_source). */
POL_INTERNAL const policy_stmt *policy_source_let(const policy_source *src,
                                                  const char *name);
/* Clauses shared by rules, headers and fact declarations (policy.c):
 * each clause of [n] at most once (`ask` once per language); the
 * `refs` list [v] into *[out] and *[n]; the `ask` texts of [n] by
 * language into [out]. Errors go to [d]. */
POL_INTERNAL void policy_check_clauses(const ast *n, diag_list *d);
POL_INTERNAL void policy_refs(policy *p, const ast *v, const char ***out,
                              uint32_t *n, diag_list *d);
POL_INTERNAL void policy_asks(policy *p, const ast *n,
                              const char *out[NLANGS], diag_list *d);
/* policy_adapt.c: drop from [rules] (*[n] of them) the rules the
 * import [imp] excludes; attach the override [ov] to its rule. Errors
 * go to the statements' diag lists. The rules excluded go to [gone]
 * (room for all of them), so that excluding one again (a module and the
 * policy that imports it both exclude it) is no error. When a module is
 * [missing], an
 * override of a rule no module has is not one (it may be that
 * module's), nor are the exclusions of the import that failed. */
POL_INTERNAL void policy_exclude(policy_stmt *rules, size_t *n,
                                 const policy_stmt *imp,
                                 policy_stmt *gone, size_t *ngone);
POL_INTERNAL void policy_override(policy_stmt *rules, size_t n,
                                  const policy_stmt *ov, bool missing);
/* The declaration of fact [path], or NULL (policy_query.c). */
POL_INTERNAL const fact_decl *policy_fact(const policy *p, const char *path);
/* Whether [labels] is a fact's labels: null, or a map of strings. */
POL_INTERNAL bool policy_labels_ok(val labels);
/* The label `in {...}` gives the string [value] of the fact [f] (NULL
 * for none): how a message in Japanese writes it (docs/facts.md). */
POL_INTERNAL const str *policy_label(const fact_decl *f, const str *value);
/* The question to send a vendor about fact [path] in language [l]: the
 * `ask` of its declaration, or NULL when [path] is not declared or has
 * no question in [l]. Owned by [p] (policy_query.c). */
POL_INTERNAL const char *policy_fact_question(const policy *p,
                                              const char *path, lang l);
/* The `ask` of rule [r] in language [l], or NULL (policy_query.c). */
POL_INTERNAL const char *policy_rule_question(const rule *r, lang l);
/* The language named [code] ("ja", "en"), or -1 (policy_query.c). */
POL_INTERNAL int policy_lang(const char *code);
/* Order of fact declarations: by path (qsort/bsearch comparator). */
POL_INTERNAL int policy_fact_cmp(const void *a, const void *b);
POL_INTERNAL const char *severity_name(severity s);

/* The modules built into the library: name -> source text. */
typedef struct stdlib_module {
  const char *name;
  const char *text;
} stdlib_module;
POL_INTERNAL const stdlib_module *stdlib_find(const char *name);
struct suggest;
/* Offer the name of every built-in module to [s] (suggest.h). */
POL_INTERNAL void stdlib_offer(struct suggest *s);

#endif
