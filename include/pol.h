/*
 * pol.h: the public API of libpol, the policy-language engine behind
 * policyc. Everything a host program needs is in this one header; every
 * public name starts with pol_ or POL_.
 *
 * Handles, by lifetime (as in SQLite and Lua):
 *   pol_env      configuration and limits; create one per process or per
 *                configuration. Compiling through it is not thread-safe:
 *                compile from one thread at a time per env.
 *   pol_program  a compiled expression. Immutable: evaluate it from any
 *                number of threads at once, each with its own pol_ctx.
 *   pol_facts    a set of named variables (a vendor's fact set, or the
 *                --bind values). Read-only while evaluations use it, so
 *                it too can be shared by threads once loaded.
 *   pol_ctx      per-thread evaluation state: value stack, temporaries
 *                arena, limits, last error. Never share one between
 *                threads at the same time.
 *
 * Ownership, once for all: arguments are borrowed; text and values a
 * function returns belong to the handle it was called on and stay valid
 * until the next call on that handle (or its free); anything the caller
 * must free comes from a *_new function and goes to the matching *_free.
 *
 * Errors: every fallible function returns POL_OK (0) or a POL_E* code and
 * leaves a message in its handle, read with pol_*_errmsg(). The library
 * never prints, never exits and keeps no global mutable state.
 */
#ifndef POL_H
#define POL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#include "pol_version.h"

#if defined(__GNUC__)
#define POL_API __attribute__((visibility("default")))
#else
#define POL_API
#endif

/* Status codes. */
enum {
  POL_OK = 0,
  POL_ESYNTAX = 1,  /* the source does not compile: see the diagnostics */
  POL_ERUNTIME = 2, /* evaluation produced an error value */
  POL_ELIMIT = 3,   /* an evaluation limit was reached */
  POL_ENOMEM = 4,   /* out of memory */
  POL_EIO = 5,      /* a file could not be read */
  POL_EFORMAT = 6,  /* malformed input data (JSON, literal) */
  POL_EINVAL = 7    /* a bad argument (NULL handle, empty name, ...) */
};

/* Static text for a status code ("syntax error", ...). */
POL_API const char *pol_strerror(int rc);
/* POL_VERSION_NUMBER of the library actually linked. */
POL_API int pol_version_number(void);

/* ==== environment ========================================================
 * Configuration is a struct plus an init function: call
 * pol_config_init(&cfg), change a few fields, pass it to pol_env_new,
 * which copies it. New fields are only ever appended. */
typedef struct pol_config {
  uint64_t max_steps;  /* loop iterations per evaluation (default 1e7) */
  size_t max_memory;   /* bytes of temporaries per evaluation
                          (default 256 MiB; 0: unlimited) */
} pol_config;

typedef struct pol_env pol_env;
typedef struct pol_program pol_program;
typedef struct pol_facts pol_facts;
typedef struct pol_ctx pol_ctx;
typedef struct pol_value pol_value;

POL_API void pol_config_init(pol_config *cfg);
/* A new environment in *[out]; [cfg] may be NULL for the defaults.
 * Returns POL_OK or POL_ENOMEM (then *out is NULL). */
POL_API int pol_env_new(const pol_config *cfg, pol_env **out);
POL_API void pol_env_free(pol_env *env);
/* The last error of [env] as text: for POL_ESYNTAX, every diagnostic,
 * one "file:line:col: message" line each. */
POL_API const char *pol_env_errmsg(const pol_env *env);

/* ==== diagnostics ======================================================== */
typedef struct pol_diag {
  const char *file;
  unsigned line, col; /* 1-based; col counts code points */
  unsigned len;       /* bytes the span covers */
  const char *message;
} pol_diag;

/* Diagnostics of the last compile on [env]. */
POL_API size_t pol_diag_count(const pol_env *env);
/* Diagnostic [i] into *[out]; its strings belong to [env]. */
POL_API int pol_diag_get(const pol_env *env, size_t i, pol_diag *out);
enum { POL_RENDER_EXCERPT = 1, POL_RENDER_COLOR = 2 };
/* Every diagnostic as text; POL_RENDER_EXCERPT adds the source line and
 * a caret under the span, POL_RENDER_COLOR adds ANSI colours. */
POL_API const char *pol_diag_render(pol_env *env, int flags);

/* ==== compiling expressions ============================================== */

/* Compile the CEL expression [src] of [len] bytes, named [name] in
 * messages (NULL: "<expr>"). [decls], if not NULL, declares its variable
 * names: a dotted name such as "a.b" then wins over field selection.
 * Other names are looked up when evaluating. On POL_ESYNTAX read the
 * diagnostics. *[out] is freed with pol_program_free. */
POL_API int pol_compile_expr(pol_env *env, const char *src, size_t len,
                             const char *name, const pol_facts *decls,
                             pol_program **out);
POL_API void pol_program_free(pol_program *prog);
/* A readable listing of the bytecode, owned by [env]. */
POL_API const char *pol_program_disasm(pol_env *env,
                                       const pol_program *prog);

/* ==== facts and variables ================================================ */

POL_API int pol_facts_new(pol_env *env, pol_facts **out);
POL_API void pol_facts_free(pol_facts *facts);
POL_API const char *pol_facts_errmsg(const pol_facts *facts);
/* Parse the JSON object [text] and bind each top-level key as a
 * variable. [name] names the input in messages ("vendor.json"). A
 * malformed text gives POL_EFORMAT with "name:line:col: message"; a JSON
 * value that is not an object gives POL_EFORMAT too. */
POL_API int pol_facts_load_json(pol_facts *facts, const char *text,
                                size_t len, const char *name);
/* pol_facts_load_json on the contents of the file [path]. POL_EIO if it
 * cannot be read (message in pol_facts_errmsg). */
POL_API int pol_facts_load_file(pol_facts *facts, const char *path);
/* Bind [var] to the JSON value [text] (any JSON value). */
POL_API int pol_facts_bind_json(pol_facts *facts, const char *var,
                                const char *text, size_t len,
                                const char *name);
/* Bind [var] to the value of the constant CEL expression [text] (a
 * literal such as 1u, "s", [1, 2], timestamp("...")). POL_EFORMAT if it
 * does not compile or evaluate. */
POL_API int pol_facts_bind_literal(pol_facts *facts, const char *var,
                                   const char *text, size_t len);

/* ==== evaluating ========================================================= */

POL_API int pol_ctx_new(pol_env *env, pol_ctx **out);
POL_API void pol_ctx_free(pol_ctx *ctx);
/* The last evaluation error, "file:line:col: message", owned by [ctx]. */
POL_API const char *pol_ctx_errmsg(const pol_ctx *ctx);
/* Evaluate [prog] with the variables of [facts] (may be NULL). POL_OK:
 * *[out] is the value, valid until the next evaluation on [ctx].
 * POL_ERUNTIME: the expression evaluated to an error (message in
 * pol_ctx_errmsg; *out is that error value). POL_ELIMIT: a limit was
 * reached. */
POL_API int pol_eval(pol_ctx *ctx, const pol_program *prog,
                     const pol_facts *facts, const pol_value **out);

/* ==== values ============================================================= */
typedef enum {
  POL_T_NULL, POL_T_BOOL, POL_T_INT, POL_T_UINT, POL_T_DOUBLE,
  POL_T_STRING, POL_T_BYTES, POL_T_LIST, POL_T_MAP, POL_T_DURATION,
  POL_T_TIMESTAMP, POL_T_TYPE, POL_T_OPTIONAL, POL_T_ERROR
} pol_type;

POL_API pol_type pol_value_type(const pol_value *v);
POL_API bool pol_value_bool(const pol_value *v);     /* false if not bool */
POL_API int64_t pol_value_int(const pol_value *v);   /* 0 if not int */
POL_API uint64_t pol_value_uint(const pol_value *v); /* 0 if not uint */
POL_API double pol_value_double(const pol_value *v); /* 0 if not double */
/* String or bytes contents and length (NULL if neither). */
POL_API const char *pol_value_str(const pol_value *v, size_t *len);
/* Number of list items or map entries (0 otherwise). */
POL_API size_t pol_value_len(const pol_value *v);
/* List item [i] (NULL if out of range or not a list). */
POL_API const pol_value *pol_value_at(const pol_value *v, size_t i);
/* Map entry [i]'s key (a string key's text and length; NULL for other
 * keys, or out of range) and value, in the map's order. */
POL_API const char *pol_value_key(const pol_value *v, size_t i, size_t *len);
POL_API const pol_value *pol_value_entry(const pol_value *v, size_t i);
/* Map value for the string key [key] (NULL if absent or not a map). */
POL_API const pol_value *pol_value_get(const pol_value *v, const char *key);
/* [v] as CEL literal text (1u, "s", [1, 2], duration("1s")); the text
 * is owned by [ctx] until its next call. */
POL_API const char *pol_value_format(pol_ctx *ctx, const pol_value *v);

/* ==== policies ===========================================================
 * A policy is a file of rules over facts (docs/policies.md). Compiling
 * one also loads the modules it imports: from the directories added with
 * pol_env_add_import_dir (in order), then the built-in standard library.
 * A compiled policy is immutable: check it from any number of threads. */
typedef struct pol_policy pol_policy;
typedef struct pol_report pol_report;

/* Add [dir] to the directories searched by `import` (copied). */
POL_API int pol_env_add_import_dir(pol_env *env, const char *dir);
/* Compile the policy text [src] of [len] bytes named [name]. On
 * POL_ESYNTAX read the diagnostics (they may come from several files).
 * *[out] is freed with pol_policy_free. */
POL_API int pol_policy_compile(pol_env *env, const char *src, size_t len,
                               const char *name, pol_policy **out);
/* Compile the policy in the file [path] (named by its path in messages).
 * POL_EIO if it cannot be read. */
POL_API int pol_policy_compile_file(pol_env *env, const char *path,
                                    pol_policy **out);
POL_API void pol_policy_free(pol_policy *pol);
/* Number of rules, and rule [i]'s id, title and severity ("must",
 * "should", "may"); strings owned by the policy. */
POL_API size_t pol_policy_rule_count(const pol_policy *pol);
POL_API const char *pol_policy_rule_id(const pol_policy *pol, size_t i);
POL_API const char *pol_policy_rule_title(const pol_policy *pol, size_t i);
POL_API const char *pol_policy_rule_severity(const pol_policy *pol,
                                             size_t i);

/* How an UNKNOWN must-rule counts for compliance. */
enum { POL_UNKNOWN_FAIL = 0, POL_UNKNOWN_WARN = 1, POL_UNKNOWN_IGNORE = 2 };

/* A report of [pol] (borrowed: keep it alive as long as the report)
 * for any number of vendors. */
POL_API int pol_report_new(const pol_policy *pol, int unknown_mode,
                           pol_report **out);
POL_API void pol_report_free(pol_report *rep);
/* Check every rule of the report's policy against [facts] (a vendor's
 * fact set, named [source] in the report) and add the vendor's results.
 * Uses [ctx]'s evaluation state; POL_ENOMEM on out of memory. */
POL_API int pol_check(pol_ctx *ctx, pol_report *rep, const pol_facts *facts,
                      const char *source);
POL_API size_t pol_report_vendor_count(const pol_report *rep);
/* Whether vendor [i] complies: no must-rule FAIL or ERROR (or UNKNOWN,
 * as the unknown mode says). */
POL_API bool pol_report_compliant(const pol_report *rep, size_t i);
/* Verdict of rule [r] for vendor [i]: "PASS", "FAIL", "UNKNOWN", "ERROR"
 * or "SKIPPED" (NULL if out of range). */
POL_API const char *pol_report_verdict(const pol_report *rep, size_t i,
                                       size_t r);

enum { POL_FORMAT_TEXT = 0, POL_FORMAT_JSON = 1, POL_FORMAT_QUESTIONS = 2 };
/* The report rendered in [format] (docs/report-format.md); [flags] may
 * hold POL_RENDER_COLOR. The text is owned by [rep] until its next call. */
POL_API const char *pol_report_render(pol_report *rep, int format,
                                      int flags);

/* Check the fact set [text] (one JSON object) named [name] against the
 * fact declarations of [schema] (a policy or module that declares facts).
 * *[count] gets the number of problems and *[problems] one line per
 * problem, "name:line:col: PATH: what is wrong", owned by [env] until its
 * next call. POL_EFORMAT if [text] is not valid JSON (message in
 * pol_env_errmsg); POL_EINVAL if [schema] declares no facts. */
POL_API int pol_validate(pol_env *env, const pol_policy *schema,
                         const char *text, size_t len, const char *name,
                         size_t *count, const char **problems);

/* Load the next JSON object of the NDJSON text [text] at *[pos] into
 * [facts] (see pol_facts_load_json), advancing *[pos] past it. Line
 * numbers in errors count from the start of [text]. */
POL_API int pol_facts_load_json_next(pol_facts *facts, const char *text,
                                     size_t len, size_t *pos,
                                     const char *name);

/* ==== building values ====================================================
 * Values a host makes: facts built without JSON, and the results of host
 * functions. A pol_builder says where new values live: in a fact set
 * (valid as long as it) or in an evaluation (valid until it returns).
 * Constructors return NULL on out of memory. */
typedef struct pol_builder pol_builder;

/* The builder of [facts]: its values live as long as the fact set. */
POL_API pol_builder *pol_facts_builder(pol_facts *facts);
POL_API const pol_value *pol_new_null(pol_builder *b);
POL_API const pol_value *pol_new_bool(pol_builder *b, bool x);
POL_API const pol_value *pol_new_int(pol_builder *b, int64_t x);
POL_API const pol_value *pol_new_uint(pol_builder *b, uint64_t x);
POL_API const pol_value *pol_new_double(pol_builder *b, double x);
/* A string of [len] bytes of UTF-8 (NULL if it is not valid UTF-8). */
POL_API const pol_value *pol_new_string(pol_builder *b, const char *s,
                                        size_t len);
POL_API const pol_value *pol_new_bytes(pol_builder *b, const void *p,
                                       size_t len);
/* A list of [n] items (each made by the same builder, or borrowed from
 * values that outlive it). */
POL_API const pol_value *pol_new_list(pol_builder *b,
                                      const pol_value *const *items,
                                      size_t n);
/* A map from [n] string keys to values; a repeated key gives NULL. */
POL_API const pol_value *pol_new_map(pol_builder *b, const char *const *keys,
                                     const pol_value *const *vals, size_t n);
/* An error value with [msg]: what a host function returns to fail. */
POL_API const pol_value *pol_new_error(pol_builder *b, const char *msg);
/* Bind [name] to [v] (made by this fact set's builder, or copied). */
POL_API int pol_facts_bind_value(pol_facts *facts, const char *name,
                                 const pol_value *v);

/* ==== reading reports ==================================================== */

/* Forget every vendor of [rep], keeping its memory for the next ones: a
 * host that checks one vendor at a time reuses one report, with no heap
 * allocation per check once warm. Everything read from it dies. */
POL_API void pol_report_reset(pol_report *rep);

/* The rule results of vendor [i], rule [r] (indexes as in
 * pol_report_verdict). Strings belong to the report; NULL when absent or
 * out of range. */
POL_API const char *pol_report_vendor_name(const pol_report *rep, size_t i);
POL_API const char *pol_report_message(const pol_report *rep, size_t i,
                                       size_t r);
/* ERROR: "file:line:col: reason". */
POL_API const char *pol_report_reason(const pol_report *rep, size_t i,
                                      size_t r);
/* The fact values rule [r] read for vendor [i]: [k] from 0. */
POL_API size_t pol_report_fact_count(const pol_report *rep, size_t i,
                                     size_t r);
POL_API const char *pol_report_fact_path(const pol_report *rep, size_t i,
                                         size_t r, size_t k);
POL_API const pol_value *pol_report_fact_value(const pol_report *rep,
                                               size_t i, size_t r,
                                               size_t k);
POL_API const char *pol_report_fact_evidence(const pol_report *rep, size_t i,
                                             size_t r, size_t k);
/* UNKNOWN: the fact paths rule [r] missed for vendor [i]. */
POL_API size_t pol_report_missing_count(const pol_report *rep, size_t i,
                                        size_t r);
POL_API const char *pol_report_missing_path(const pol_report *rep, size_t i,
                                            size_t r, size_t k);
POL_API bool pol_report_missing_withheld(const pol_report *rep, size_t i,
                                         size_t r, size_t k);

/* ==== host functions (libffi) ============================================
 * A host makes its own C functions callable from expressions, by name and
 * C signature, without wrapper code: the VM converts the arguments and
 * calls through libffi. Register before compiling: the compiler checks
 * every call against the signature (arity and argument types).
 *
 * A signature is "RET(ARG, ARG, ...)" with these C types:
 *   int64     int64_t            uint64    uint64_t
 *   double    double             bool      bool
 *   string    const char * (NUL-terminated UTF-8; a returned one is
 *             copied, and the host keeps ownership)
 *   strlen    const char *, size_t (a string with its length; as a
 *             return type, not allowed)
 * e.g. "int64(string, double)" for int64_t f(const char *, double).
 * A string argument holding a NUL byte is an error for `string`, fine
 * for `strlen`. Functions are called with no lock held: a function
 * called from several threads at once must be thread-safe itself. */
POL_API int pol_env_register(pol_env *env, const char *name,
                             const char *signature, void (*fn)(void));

/* The escape hatch: a function that takes and returns engine values.
 * [args] are borrowed; build the result with [b] (or return one of the
 * args); return pol_new_error(b, msg) to fail. [user] is the pointer
 * given at registration. */
typedef const pol_value *(*pol_value_fn)(pol_builder *b,
                                         const pol_value *const *args,
                                         size_t nargs, void *user);
/* Register [fn] as [name] taking [min_args]..[max_args] arguments of any
 * type (max_args -1: any number). */
POL_API int pol_env_register_value_fn(pol_env *env, const char *name,
                                      int min_args, int max_args,
                                      pol_value_fn fn, void *user);

/* A plugin (a shared object named with `policyc --plugin FILE.so`)
 * exports this table under the symbol name POL_PLUGIN_SYMBOL, ending
 * with an entry whose name is NULL. */
typedef struct pol_plugin_fn {
  const char *name;
  const char *signature;
  void (*fn)(void);
} pol_plugin_fn;
#define POL_PLUGIN_SYMBOL "pol_plugin_functions"
/* dlopen [path] and register every function of its table. Loading is
 * never implicit: only the files a host names are loaded. */
POL_API int pol_env_load_plugin(pol_env *env, const char *path);

/* ==== saved bytecode =====================================================
 * A compiled policy can be saved and loaded again, so a host need not
 * ship or compile sources. The format is versioned; loading verifies the
 * whole file (header, sections, every instruction and operand, jump
 * targets, stack depth, constant types), so a damaged or hostile file
 * gives POL_EFORMAT, never a crash. */

/* Serialise [pol] into a buffer the caller frees with free(). */
POL_API int pol_policy_save(const pol_policy *pol, void **out, size_t *len);
/* Load a saved policy; host functions it calls must be registered in
 * [env] with the same signatures. [name] names the input in messages.
 * Like a compiled one, a loaded policy must not outlive [env]. */
POL_API int pol_policy_load(pol_env *env, const void *data, size_t len,
                            const char *name, pol_policy **out);
/* A readable listing of [pol]'s bytecode, every entry under its rule's
 * id; owned by [env] until its next call. */
POL_API const char *pol_policy_disasm(pol_env *env, const pol_policy *pol);
/* Whether [data] starts like a saved policy (the magic bytes). */
POL_API bool pol_is_saved_policy(const void *data, size_t len);

#ifdef __cplusplus
}
#endif

#endif
