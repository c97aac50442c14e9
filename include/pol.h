/*
 * pol.h: the public API of libpol, the policy-language engine behind
 * policyc. Everything a host program needs is in this one header; every
 * public name starts with pol_ or POL_. docs/embedding.md is the guide
 * and lists every function.
 *
 * Handles, by lifetime (as in SQLite and Lua):
 *   pol_env      configuration, limits, import directories, host
 *                functions; create one per process or per configuration.
 *                The calls on it are not thread-safe: compile, load,
 *                register, add import directories, validate, format, list
 *                (disasm) and render diagnostics from one thread at a time
 *                per env, and read its message and diagnostics on that
 *                thread (each of those calls writes them). Other threads
 *                may meanwhile make and use the handles of the env.
 *                Programs and policies compiled or loaded through it must
 *                be freed before it.
 *   pol_program  a compiled expression. Immutable: evaluate it from any
 *                number of threads at once, each with its own pol_ctx.
 *   pol_policy   a compiled policy. Immutable: check it from any number
 *                of threads at once.
 *   pol_facts    a set of named variables (a vendor's fact set, or the
 *                --bind values). Read-only while evaluations use it, so
 *                it too can be shared by threads once loaded.
 *   pol_ctx      per-thread evaluation state: value stack, temporaries
 *                arena, limits, last error. One thread at a time.
 *   pol_report   the results of checking vendors against one policy. One
 *                thread at a time (reading it fills caches).
 *   pol_writer   a report being written out, vendor by vendor.
 *
 * Ownership, once for all: arguments are borrowed; text and values a
 * function returns belong to the handle it was called on and stay valid
 * until the next call on that handle that says it changes them (or its
 * free); anything the caller must free comes from a *_new function and
 * goes to the matching *_free. Every *_new sets *out to NULL when it
 * fails; every *_free takes NULL. Free every handle before the env it
 * was made from. The exceptions say so where they are declared.
 *
 * A report refers to the fact sets it checked instead of copying them:
 * reading a report's facts, values, evidence or vendor names, and
 * rendering it, read those fact sets. Keep each one alive and unchanged
 * (not freed, reset or reloaded) until the report is reset or freed, or
 * call pol_report_detach() to give the report its own copies first.
 *
 * Errors: every fallible function returns POL_OK (0) or a POL_E* code. A
 * failing call on an env, a fact set, a ctx, a writer or a set of waivers
 * leaves a message about that failure in that handle, read with
 * pol_*_errmsg() (a NULL handle has nowhere to leave one); the calls on
 * handles without a message (reports, explainers, lints) and those that
 * only read a handle (pol_diag_get) say all with the status. A success
 * does not clear the message: read it after a failing status only. The
 * library never prints, never exits and keeps no global mutable state.
 *
 * ABI: structs a host fills (pol_config, pol_diag) begin with their size,
 * set by their init function or macro, so new members can be appended
 * without breaking programs built against an older header. The soname
 * (libpol.so.MAJOR) changes only when a function is removed or changes
 * its signature or meaning; docs/embedding.md says more.
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
  POL_ESYNTAX = 1,    /* the source does not compile: see the diagnostics */
  POL_ERUNTIME = 2,   /* evaluation produced an error value */
  POL_ELIMIT = 3,     /* an evaluation limit was reached */
  POL_ENOMEM = 4,     /* out of memory */
  POL_EIO = 5,        /* a file could not be read */
  POL_EFORMAT = 6,    /* malformed input data (JSON, literal, bytecode) */
  POL_EINVAL = 7,     /* a bad argument (NULL handle, empty name, ...) */
  POL_EINTERRUPT = 8  /* the host's interrupt callback stopped the work */
};

/* Static text for a status code ("syntax error", ...). */
POL_API const char *pol_strerror(int rc);
/* POL_VERSION_NUMBER and POL_VERSION_STRING of the library actually
 * linked (compare with the header's to detect a mismatch). */
POL_API int pol_version_number(void);
POL_API const char *pol_version_string(void);

/* ==== environment ========================================================
 * Configuration is a struct plus an init function: call
 * pol_config_init(&cfg), change a few fields, pass it to pol_env_new,
 * which copies it. New fields are only ever appended. */

/* A realloc-style allocator: free [ptr] when [size] is 0 (returning
 * NULL), else resize it (or allocate, when [ptr] is NULL) to [size] bytes
 * aligned for any type, returning NULL on failure (the library then
 * returns POL_ENOMEM and every handle stays usable, so the same call can
 * be made again; a writer excepted: see pol_writer_finish). It never
 * asks to free NULL, nor for 0 bytes. Every byte the library allocates
 * for an env and the handles made from it goes through it, with [user]
 * as given in pol_config.alloc_user; the heap of PCRE2 and of flex and
 * bison included. What libc, libffi and
 * dlopen keep for themselves does not: docs/embedding.md, "Custom
 * allocator", lists it. The function must be thread-safe when handles of
 * one env are used from several threads. */
typedef void *(*pol_alloc_fn)(void *user, void *ptr, size_t size);

/* pol_config.flags */
enum {
  POL_STRICT_CALLS = 1,   /* in pol_compile_expr, a call of an unknown
                             function or method is a compile error, not
                             an error value at run time (in a policy it
                             always is) */
  POL_NO_FILE_IMPORTS = 2, /* `import` loads only the modules built into the
                             library: no file beside the policy, in an
                             import directory or in the install's module
                             directory is read (pol_env_add_import_dir is
                             then POL_EINVAL). For hosts that compile
                             policies from untrusted users. */
  POL_KEEP_SOURCE = 4,     /* policies compiled through the env keep their
                              syntax trees, for pol_lint, pol_explain_new
                              and coverage (memory, no speed, is the cost;
                              a compile that cannot keep them is
                              POL_ENOMEM) */
  POL_NO_JIT = 8           /* the constant patterns of `matches` in programs
                              and policies compiled or loaded through the
                              env run on PCRE2's interpreter, without the
                              JIT compile (about 0.1 ms each): for a policy
                              evaluated a few times, as `policyc check`
                              of a small input does (docs/embedding.md) */
};

typedef struct pol_config {
  size_t size;          /* sizeof(pol_config), set by pol_config_init */
  uint64_t max_steps;   /* steps per evaluation: loop iterations and
                           the work of each operation, as docs/limits.md
                           prices it (default 1e7; 0: no limit) */
  size_t max_memory;    /* bytes of temporaries per evaluation (default
                           256 MiB; 0: no limit) */
  pol_alloc_fn alloc;   /* NULL: malloc, realloc and free */
  void *alloc_user;
  unsigned flags;       /* POL_STRICT_CALLS, POL_NO_FILE_IMPORTS,
                           POL_KEEP_SOURCE, POL_NO_JIT */
} pol_config;

typedef struct pol_env pol_env;
typedef struct pol_program pol_program;
typedef struct pol_facts pol_facts;
typedef struct pol_ctx pol_ctx;
typedef struct pol_value pol_value;

/* Fill [cfg] with the defaults; [size] is sizeof(*cfg) as the caller
 * knows it (pol_config_init passes it). */
POL_API void pol_config_init_size(pol_config *cfg, size_t size);
#define pol_config_init(cfg) pol_config_init_size((cfg), sizeof *(cfg))
/* A new environment in *[out]; [cfg] may be NULL for the defaults.
 * Returns POL_OK, POL_EINVAL (a cfg whose size member is not set, or a
 * flag this library does not know: a restriction it cannot honour is
 * refused, never ignored) or POL_ENOMEM. */
POL_API int pol_env_new(const pol_config *cfg, pol_env **out);
POL_API void pol_env_free(pol_env *env);
/* The last error of [env] as text: for POL_ESYNTAX, every diagnostic as
 * "file:line:col: error[E0xxx]: message", each followed by an indented
 * "  hint: ..." line where it has a hint. */
POL_API const char *pol_env_errmsg(const pol_env *env);
/* Free [p], a buffer the library handed over for the caller to free
 * (pol_policy_save's), with [env]'s allocator: free() when it has none
 * (or [env] is NULL). [env] is the env of the handle that made [p]; NULL
 * [p] is fine. */
POL_API void pol_free(const pol_env *env, void *p);

/* ==== diagnostics ======================================================== */
typedef struct pol_diag {
  size_t size;         /* sizeof(pol_diag): set it (POL_DIAG_INIT) */
  const char *file;
  unsigned line, col;  /* 1-based; col counts code points */
  unsigned len;        /* code points the span covers (at least 1) */
  const char *message;
  size_t offset;       /* byte offset of the span in the source */
  size_t bytes;        /* bytes the span covers */
  const char *code;    /* the stable code, "E0201" (docs/errors.md) */
  const char *hint;    /* one line of advice ("did you mean ...?"), or
                          NULL */
} pol_diag;
#define POL_DIAG_INIT {sizeof(pol_diag), NULL, 0, 0, 0, NULL, 0, 0, NULL, \
                       NULL}

/* Diagnostics of the last compile on [env]. */
POL_API size_t pol_diag_count(const pol_env *env);
/* Diagnostic [i] into *[out] (whose size member says how much of it to
 * fill); its strings belong to [env] until its next compile. */
POL_API int pol_diag_get(const pol_env *env, size_t i, pol_diag *out);
enum { POL_RENDER_EXCERPT = 1, POL_RENDER_COLOR = 2 };
/* Every diagnostic as text: "file:line:col: error[E0201]: message", then
 * with POL_RENDER_EXCERPT the source line and a caret under the span,
 * then "  hint: ..." where it has a hint. POL_RENDER_COLOR adds ANSI
 * colours. Owned by [env] until its next pol_diag_render. */
POL_API const char *pol_diag_render(pol_env *env, int flags);
/* The one of the [n] [candidates] that [word] most likely misspells, by
 * the rule of every "did you mean" the library prints (edit distance,
 * letter case ignored; docs/errors.md), or NULL when none is near
 * enough. Returns one of [candidates]; allocates nothing. For hosts and
 * tools that check names of their own. */
POL_API const char *pol_suggest(const char *word,
                                const char *const *candidates, size_t n);

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
/* A readable listing of the bytecode, owned by [env] until its next
 * pol_program_disasm; NULL on out of memory. */
POL_API const char *pol_program_disasm(pol_env *env,
                                       const pol_program *prog);

/* ==== facts and variables ================================================
 * A fact set holds named variables. Loading a JSON object replaces the
 * whole set; binding adds one variable (or replaces one of that name).
 * Values a fact set holds stay valid until it is reset, reloaded or
 * freed, and so does everything that refers to them (see reports). */

POL_API int pol_facts_new(pol_env *env, pol_facts **out);
POL_API void pol_facts_free(pol_facts *facts);
POL_API const char *pol_facts_errmsg(const pol_facts *facts);
/* Forget every variable, keeping the memory for the next vendor: a host
 * that loads one vendor at a time reuses one fact set and allocates
 * nothing per vendor once warm. */
POL_API void pol_facts_reset(pol_facts *facts);
/* Replace the fact set with the JSON object [text]: each top-level key
 * becomes a variable. [name] names the input in messages ("vendor.json").
 * A malformed text gives POL_EFORMAT with "name:line:col: message"; a
 * JSON value that is not an object gives POL_EFORMAT too. On any error
 * the set is empty. */
POL_API int pol_facts_load_json(pol_facts *facts, const char *text,
                                size_t len, const char *name);
/* pol_facts_load_json for a record that starts at line [line] (1-based)
 * of the input [name], such as one line of an NDJSON stream: positions in
 * messages count from there. [line] 0 is POL_EINVAL (the set empty). */
POL_API int pol_facts_load_record(pol_facts *facts, const char *text,
                                  size_t len, const char *name,
                                  unsigned line);
/* pol_facts_load_json on the contents of the file [path]. POL_EIO if it
 * cannot be read (message in pol_facts_errmsg). */
POL_API int pol_facts_load_file(pol_facts *facts, const char *path);
/* Replace the fact set with the next JSON object of the NDJSON text
 * [text] at *[pos], advancing *[pos] past it (and the whitespace after
 * it). Line numbers in errors count from the start of [text]. On a
 * malformed record *[pos] moves past the line it starts on, so a loop
 * `while (pos < len)` goes on with the next line. A *[pos] past [len] is
 * POL_EINVAL (the set empty, *[pos] unchanged). */
POL_API int pol_facts_load_json_next(pol_facts *facts, const char *text,
                                     size_t len, size_t *pos,
                                     const char *name);
/* The variables of [facts]: how many, and variable [i]'s name and value
 * (NULL when out of range); the value of the variable [name] (NULL when
 * unbound). They belong to the fact set. */
POL_API size_t pol_facts_count(const pol_facts *facts);
POL_API const char *pol_facts_name(const pol_facts *facts, size_t i);
POL_API const pol_value *pol_facts_value(const pol_facts *facts, size_t i);
POL_API const pol_value *pol_facts_get(const pol_facts *facts,
                                       const char *name);
/* Bind [var] to the JSON value [text] (any JSON value). A failing bind
 * leaves the set as it was (a failing load empties it). */
POL_API int pol_facts_bind_json(pol_facts *facts, const char *var,
                                const char *text, size_t len,
                                const char *name);
/* Bind [var] to the value of the constant CEL expression [text] (a
 * literal such as 1u, "s", [1, 2], timestamp("...")). POL_EFORMAT if it
 * does not compile or evaluate, its diagnostics in pol_facts_errmsg. A
 * call on the fact set, not a compile on its env: the env's diagnostics
 * and messages stay as they were, and another thread may compile on the
 * env meanwhile. */
POL_API int pol_facts_bind_literal(pol_facts *facts, const char *var,
                                   const char *text, size_t len);

/* What-if (`policyc check --assume`): make [facts] state a value the
 * vendor did not give. [assignment] is "PATH=VALUE": PATH a fact path in
 * CEL syntax, as reports and question lists write them
 * (backup.generations, certifications.vendor_expiry["ISO27001"],
 * subprocessors[1].legal_seat), VALUE a CEL literal (7, true, "JP",
 * ["JP"], duration("24h")). Maps on the way are made as needed; a list
 * item must exist. PATH is then no longer withheld, and $assumed lists
 * it once (a PATH assumed again, or already listed, holds the last value
 * given, in its first place), so reports mark the value as assumed; a
 * check of [facts] also
 * works out each rule's verdict without the assumptions
 * (docs/report-format.md); in an empty set too. Call it after loading
 * (loading forgets every assumption); values read from [facts] before
 * stay valid. A variable bound after it is the host's fact, not an
 * assumption: those verdicts see it too; binding a variable an
 * assumption runs through, or $assumed or $withheld, is POL_EINVAL
 * (bind it before assuming). POL_EFORMAT
 * when the assignment does not parse, POL_EINVAL when PATH cannot be set
 * in these facts (it runs through a value that is not a map or list, or
 * past a list's end) or is under $vendor (which document the facts come
 * from, not a fact); the message in pol_facts_errmsg says "ASSIGNMENT:
 * column N: what is wrong", N counting from 1 in [assignment]. */
POL_API int pol_facts_assume(pol_facts *facts, const char *assignment);
/* The [n] assignments of [assignments] at once, as n calls of
 * pol_facts_assume in that order would make them, but in time and memory
 * that grow with the assignments and the containers they go through, not
 * with n times the fact set (each call copies the way from the root to
 * its path, so n calls copy the root n times). All or nothing: on an
 * error [facts] is as it was, *[failed] (when not NULL) is the index of
 * the assignment that failed, and pol_facts_errmsg says why as for
 * pol_facts_assume. POL_EINVAL for a NULL assignment too. On success
 * *[failed] is set to 0, which is also an index: test the status. */
POL_API int pol_facts_assume_all(pol_facts *facts,
                                 const char *const *assignments, size_t n,
                                 size_t *failed);

/* ==== evaluating ========================================================= */

POL_API int pol_ctx_new(pol_env *env, pol_ctx **out);
POL_API void pol_ctx_free(pol_ctx *ctx);
/* The last evaluation error, "file:line:col: message", owned by [ctx]. */
POL_API const char *pol_ctx_errmsg(const pol_ctx *ctx);
/* Evaluate [prog] with the variables of [facts] (may be NULL). POL_OK:
 * *[out] is the value. POL_ERUNTIME: the expression evaluated to an error
 * (message in pol_ctx_errmsg; *out is that error value). POL_ELIMIT: a
 * limit was reached. POL_EINTERRUPT: the interrupt callback stopped it.
 * On every status but POL_EINVAL, *[out] is set (to the error value when
 * there is an error); it belongs to [ctx] until its next evaluation and
 * stays valid when [prog] or [facts] is freed. POL_EINVAL, too, when a
 * host function calls it (or pol_check) on the ctx that is running it:
 * a host function evaluates on a ctx of its own. */
POL_API int pol_eval(pol_ctx *ctx, const pol_program *prog,
                     const pol_facts *facts, const pol_value **out);
/* Have evaluations and checks on [ctx] call [fn]([user]) now and then
 * (between the rules of a check, and in loops every 1024 iterations or
 * 65,536 steps of work, whichever comes first); when it returns non-zero
 * they stop with POL_EINTERRUPT. [fn] may be NULL. A
 * host sets a flag from another thread or a signal handler and returns
 * it here. */
POL_API void pol_ctx_set_interrupt(pol_ctx *ctx, int (*fn)(void *user),
                                   void *user);
/* The limits of evaluations and checks on [ctx] from its next one on:
 * [max_steps] and [max_memory] mean what pol_config's do (0: no limit).
 * A ctx starts with its env's; this changes [ctx] alone, so a host can
 * change limits (per request, per user) without a new env or
 * recompiling anything. POL_EINVAL for a NULL [ctx]. */
POL_API int pol_ctx_set_limits(pol_ctx *ctx, uint64_t max_steps,
                               size_t max_memory);
/* The evaluation date of [ctx] from its next evaluation or check on:
 * [date] "YYYY-MM-DD" is what now() returns (midnight UTC) in pol_eval,
 * and in checks into a report that has no date of its own
 * (pol_report_set_as_of wins), where it is the date waivers expire by
 * too; NULL: the clock again, the default.
 * POL_EFORMAT for a bad date (the ctx keeps its previous one),
 * POL_EINVAL for a NULL [ctx]. */
POL_API int pol_ctx_set_as_of(pol_ctx *ctx, const char *date);

/* ==== values =============================================================
 * Accessors take NULL (a missing map key, an index out of range) and then
 * answer POL_T_ABSENT, 0, false, NULL. */
typedef enum {
  POL_T_NULL, POL_T_BOOL, POL_T_INT, POL_T_UINT, POL_T_DOUBLE,
  POL_T_STRING, POL_T_BYTES, POL_T_LIST, POL_T_MAP, POL_T_DURATION,
  POL_T_TIMESTAMP, POL_T_TYPE, POL_T_OPTIONAL, POL_T_ERROR,
  POL_T_ABSENT /* no value: what the accessors say of NULL */
} pol_type;

POL_API pol_type pol_value_type(const pol_value *v);
POL_API bool pol_value_bool(const pol_value *v);     /* false if not bool */
POL_API int64_t pol_value_int(const pol_value *v);   /* 0 if not int */
POL_API uint64_t pol_value_uint(const pol_value *v); /* 0 if not uint */
POL_API double pol_value_double(const pol_value *v); /* 0 if not double */
/* String or bytes contents and length (NULL if neither). */
POL_API const char *pol_value_str(const pol_value *v, size_t *len);
/* A duration or timestamp as seconds (since the Unix epoch, UTC, for a
 * timestamp) and nanoseconds (same sign as the seconds for a duration,
 * 0..999999999 for a timestamp); false, with both 0, for other kinds. */
POL_API bool pol_value_duration(const pol_value *v, int64_t *seconds,
                                int32_t *nanos);
POL_API bool pol_value_timestamp(const pol_value *v, int64_t *seconds,
                                 int32_t *nanos);
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
 * is owned by [ctx] until its next call. NULL on out of memory. */
POL_API const char *pol_value_format(pol_ctx *ctx, const pol_value *v);
/* [v] as JSON text (RFC 8259, UTF-8), owned by [ctx] until its next
 * call: [indent] 0 writes one line, 1 to 16 that many spaces per level,
 * one member per line. Ints and uints are exact integers; a double has
 * a '.' or an exponent (NaN and the infinities are the strings "NaN",
 * "Infinity", "-Infinity"); bytes are base64 strings; durations and
 * timestamps the strings of protobuf's JSON mapping ("1.5s",
 * "2025-01-01T00:00:00Z"); a type is its name as a string;
 * optional.of(x) is x and optional.none() null; an error is
 * {"error": "message"}; map keys that are not strings are the strings
 * of their JSON text. NULL for a NULL [v] or [ctx], or out of memory
 * (then POL_ENOMEM's message is in pol_ctx_errmsg). */
POL_API const char *pol_value_json(pol_ctx *ctx, const pol_value *v,
                                   int indent);

/* ==== policies ===========================================================
 * A policy is a file of rules over facts (docs/policies.md). Compiling
 * one also loads the modules it imports: from beside the importing file,
 * the directories added with pol_env_add_import_dir (in order), the
 * install's module directory, then the built-in standard library. A
 * compiled policy is immutable: check it from any number of threads. Its
 * strings are its own: they stay valid as long as it, whatever happens
 * to its env's diagnostics. */
typedef struct pol_policy pol_policy;
typedef struct pol_report pol_report;

typedef enum { POL_MUST = 0, POL_SHOULD = 1, POL_MAY = 2 } pol_severity;
typedef enum {
  POL_PASS = 0, POL_FAIL = 1, POL_UNKNOWN = 2, POL_ERROR = 3,
  POL_SKIPPED = 4
} pol_verdict;
/* "must", "PASS", ... (NULL when out of range). */
POL_API const char *pol_severity_name(pol_severity s);
POL_API const char *pol_verdict_name(pol_verdict v);

/* Add [dir] to the directories searched by `import` (copied).
 * POL_EINVAL, with a message, in an env with POL_NO_FILE_IMPORTS, and
 * for "" (which would search the root directory; "." is the working
 * directory). */
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

/* The policy header: name (from `policy "name"`, else the file's base
 * name), title, version, description and file; NULL when not given. */
enum {
  POL_POLICY_NAME, POL_POLICY_TITLE, POL_POLICY_VERSION,
  POL_POLICY_DESCRIPTION, POL_POLICY_FILE
};
POL_API const char *pol_policy_info(const pol_policy *pol, int what);

/* Number of rules, and rule [i]'s id, title and severity ("must",
 * "should", "may"); strings owned by the policy. */
POL_API size_t pol_policy_rule_count(const pol_policy *pol);
POL_API const char *pol_policy_rule_id(const pol_policy *pol, size_t i);
POL_API const char *pol_policy_rule_title(const pol_policy *pol, size_t i);
POL_API const char *pol_policy_rule_severity(const pol_policy *pol,
                                             size_t i);
/* ((pol_severity)-1 when [i] is out of range) */
POL_API pol_severity pol_policy_rule_level(const pol_policy *pol, size_t i);
/* The index of the rule with id [id], or POL_NOT_FOUND. */
#define POL_NOT_FOUND ((size_t)-1)
POL_API size_t pol_policy_rule_find(const pol_policy *pol, const char *id);
/* Rule [i]'s `refs` (control ids: [k] from 0), its `ask` text (NULL when
 * it has none), and where it is defined. */
POL_API size_t pol_policy_rule_ref_count(const pol_policy *pol, size_t i);
POL_API const char *pol_policy_rule_ref(const pol_policy *pol, size_t i,
                                        size_t k);
POL_API const char *pol_policy_rule_ask(const pol_policy *pol, size_t i);
POL_API const char *pol_policy_rule_file(const pol_policy *pol, size_t i,
                                         unsigned *line, unsigned *col);

/* How an UNKNOWN must-rule counts for compliance. */
enum { POL_UNKNOWN_FAIL = 0, POL_UNKNOWN_WARN = 1, POL_UNKNOWN_IGNORE = 2 };

/* A report of [pol] (borrowed: keep it alive as long as the report)
 * for any number of vendors. */
POL_API int pol_report_new(const pol_policy *pol, int unknown_mode,
                           pol_report **out);
POL_API void pol_report_free(pol_report *rep);
/* Check every rule of the report's policy against [facts] (a vendor's
 * fact set, named [source] in the report) and add the vendor's results.
 * The report refers to [facts] from now on (see the top of this file).
 * Uses [ctx]'s evaluation state. POL_ENOMEM, or POL_EINTERRUPT from the
 * interrupt callback: the vendor is then not added. Allocates nothing
 * once warm (same policy, similar facts, report reset between vendors). */
POL_API int pol_check(pol_ctx *ctx, pol_report *rep, const pol_facts *facts,
                      const char *source);
/* Check only rule [r] (an index, see pol_policy_rule_find): a vendor is
 * added whose other rules read SKIPPED, not checked: no report says their
 * `when` was false (TAP and JUnit say "not checked"). */
POL_API int pol_check_rule(pol_ctx *ctx, pol_report *rep,
                           const pol_facts *facts, const char *source,
                           size_t r);
/* The evaluation date of the checks on [rep] from now on: [date]
 * "YYYY-MM-DD" is what now() returns in its rules (midnight UTC) and the
 * date waivers expire by. Without one, both read the ctx's date
 * (pol_ctx_set_as_of), else the clock; NULL takes the report's away, as
 * for a ctx. POL_EFORMAT for a date that is not of that form or does not
 * exist (the report keeps its previous one). */
POL_API int pol_report_set_as_of(pol_report *rep, const char *date);

/* Waivers: each accepts one rule's FAIL, UNKNOWN or ERROR for one vendor
 * (by its name, pol_report_vendor_name) until an expiry date, with who
 * accepted it, why, and the ticket. A waived result keeps its verdict,
 * shows as WAIVED beside it in every format, and does not count against
 * compliance; a waiver whose expiry is before the as-of date does not
 * apply, and reports say that it expired. A set of waivers is made for
 * one policy and is read-only once filled: any number of reports (on any
 * number of threads) may use it. */
typedef struct pol_waivers pol_waivers;
typedef struct pol_waiver {
  size_t size;               /* sizeof(pol_waiver): POL_WAIVER_INIT */
  const char *rule;          /* the rule's id (required) */
  const char *vendor;        /* the vendor's name (required) */
  const char *owner;         /* who accepted the risk (may be NULL) */
  const char *justification; /* why (may be NULL) */
  const char *ticket;        /* where it was decided (may be NULL) */
  const char *expires;       /* "YYYY-MM-DD", valid through that day;
                                NULL: never expires */
} pol_waiver;
#define POL_WAIVER_INIT {sizeof(pol_waiver), NULL, NULL, NULL, NULL, NULL, NULL}
POL_API int pol_waivers_new(const pol_policy *pol, pol_waivers **out);
POL_API void pol_waivers_free(pol_waivers *wv);
POL_API const char *pol_waivers_errmsg(const pol_waivers *wv);
/* Add a waiver (its strings are copied). POL_EINVAL, with the reason in
 * pol_waivers_errmsg, for a rule the policy does not have ("unknown rule
 * 'x'; did you mean 'y'?"), a bad expiry date, a missing rule or vendor,
 * or a second waiver of the same rule for the same vendor. */
POL_API int pol_waivers_add(pol_waivers *wv, const pol_waiver *w);
POL_API size_t pol_waivers_count(const pol_waivers *wv);
/* Apply [wv] (NULL: none) to the vendors checked into [rep] from now on;
 * [wv] must be of the report's policy and outlive the report's use. */
POL_API int pol_report_set_waivers(pol_report *rep, const pol_waivers *wv);
/* The waiver of rule [r] for vendor [i]: POL_WAIVER_NONE, ACTIVE (the
 * result is waived) or EXPIRED (a waiver matched but had expired). */
enum { POL_WAIVER_NONE = 0, POL_WAIVER_ACTIVE = 1, POL_WAIVER_EXPIRED = 2 };
POL_API int pol_report_waiver(const pol_report *rep, size_t i, size_t r);

/* Forget every vendor of [rep], keeping its memory for the next ones: a
 * host that checks one vendor at a time reuses one report, with no heap
 * allocation per check once warm. Everything read from it dies. */
POL_API void pol_report_reset(pol_report *rep);
/* Copy into [rep] everything it refers to in the fact sets it checked
 * (values, evidence, vendor names), so those may be freed or reused.
 * Costs a copy of each value used; POL_ENOMEM on out of memory. */
POL_API int pol_report_detach(pol_report *rep);

POL_API size_t pol_report_vendor_count(const pol_report *rep);
/* Whether vendor [i] complies: no must-rule FAIL or ERROR (or UNKNOWN,
 * as the unknown mode says). */
POL_API bool pol_report_compliant(const pol_report *rep, size_t i);
/* How many rules of vendor [i] ended in [v]. */
POL_API size_t pol_report_count(const pol_report *rep, size_t i,
                                pol_verdict v);
/* Verdict of rule [r] for vendor [i]: "PASS", "FAIL", "UNKNOWN", "ERROR"
 * or "SKIPPED" (NULL if out of range); as a number (-1 if out of range). */
POL_API const char *pol_report_verdict(const pol_report *rep, size_t i,
                                       size_t r);
POL_API int pol_report_verdict_code(const pol_report *rep, size_t i,
                                     size_t r);

/* Vendor [i]'s metadata: its $vendor members, and its source (the name
 * given to pol_check). NULL when absent, except POL_VENDOR_NAME, which
 * falls back to the source's base name without its extension
 * ("in/c.json" gives "c"), as pol_report_vendor_name does. */
enum {
  POL_VENDOR_NAME, POL_VENDOR_SERVICE, POL_VENDOR_DOCUMENT,
  POL_VENDOR_VERSION, POL_VENDOR_DATE, POL_VENDOR_SOURCE
};
POL_API const char *pol_report_vendor(const pol_report *rep, size_t i,
                                      int what);
/* pol_report_vendor(rep, i, POL_VENDOR_NAME): $vendor.name, else the
 * base name of its source. */
POL_API const char *pol_report_vendor_name(const pol_report *rep, size_t i);

/* The rule results of vendor [i], rule [r] (indexes as in
 * pol_report_verdict). Strings belong to the report; NULL when absent or
 * out of range. */
POL_API const char *pol_report_message(const pol_report *rep, size_t i,
                                       size_t r);
/* ERROR: "file:line:col: reason". */
POL_API const char *pol_report_reason(const pol_report *rep, size_t i,
                                      size_t r);
/* Why rule [r] of vendor [i] has its verdict, as a status code, so that
 * a host need not read [reason]'s text: POL_OK for a decided verdict
 * (PASS, FAIL, UNKNOWN, SKIPPED); for ERROR, POL_ELIMIT when an
 * evaluation limit stopped the rule (pol_config's max_steps or
 * max_memory, or pol_ctx_set_limits'), else POL_ERUNTIME (a type error,
 * a division by zero, a `when` that is not a bool, or a fixed limit of
 * the engine that no setting moves, such as a regular expression's
 * match limit: the policy or the data). POL_EINVAL when [i] or [r] is
 * out of range. Never POL_EINTERRUPT: an interrupted check adds no
 * vendor. */
POL_API int pol_report_status(const pol_report *rep, size_t i, size_t r);
/* The facts rule [r] read for vendor [i], [k] from 0: each a leaf as a
 * path in CEL syntax (controls["3.2"].status, subprocessors[1].name),
 * its value (NULL for a presence test that found nothing), the citation
 * of the vendor's document ($evidence: the fact's own, else its nearest
 * ancestor's, whose path pol_report_fact_evidence_of gives), and whether
 * it was the item that decided an all() or exists(). A rule shows at most
 * 8 facts read, plus the deciding ones; pol_report_fact_omitted says
 * how many more it read. */
POL_API size_t pol_report_fact_count(const pol_report *rep, size_t i,
                                     size_t r);
POL_API const char *pol_report_fact_path(const pol_report *rep, size_t i,
                                         size_t r, size_t k);
POL_API const pol_value *pol_report_fact_value(const pol_report *rep,
                                               size_t i, size_t r,
                                               size_t k);
POL_API const char *pol_report_fact_evidence(const pol_report *rep, size_t i,
                                             size_t r, size_t k);
POL_API const char *pol_report_fact_evidence_of(const pol_report *rep,
                                                size_t i, size_t r,
                                                size_t k);
POL_API bool pol_report_fact_decided(const pol_report *rep, size_t i,
                                     size_t r, size_t k);
POL_API size_t pol_report_fact_omitted(const pol_report *rep, size_t i,
                                       size_t r);
/* UNKNOWN: the facts rule [r] needed and vendor [i] does not have, each
 * the whole path the rule tried to read (availability.sla_percent, not
 * availability), and whether the vendor withheld it ($withheld). */
POL_API size_t pol_report_missing_count(const pol_report *rep, size_t i,
                                        size_t r);
POL_API const char *pol_report_missing_path(const pol_report *rep, size_t i,
                                            size_t r, size_t k);
POL_API bool pol_report_missing_withheld(const pol_report *rep, size_t i,
                                         size_t r, size_t k);

/* UNKNOWN: what rule [r] of vendor [i] still depends on
 * (docs/unknowns.md). pol_report_residual is its *residual*: the CEL
 * condition, over the missing facts only, under which the rule passes
 * ("backup.generations >= 7"), with every known fact substituted; never
 * just true or false. When the rule's `when` is undecided too,
 * pol_report_residual_when is the condition under which it applies; and
 * when `require` is decided while `when` is not, pol_report_residual is
 * NULL and pol_report_residual_then the verdict it gives if it applies
 * (a pol_verdict; else -1). The decisive facts are the missing facts the
 * residuals name: the ones whose values can change the verdict, each
 * once, in the order the residuals name them; a missing fact that no
 * value could make matter is not among them. Each is a path in the
 * syntax of pol_report_missing_path, whether the vendor withheld it, and
 * the citation of its refusal (NULL when not withheld or not cited).
 * All are worked out from the vendor's facts when first read, so read
 * them before the fact set goes, or pol_report_detach first (which works
 * them out); now() in them is the date the vendor was checked at (the
 * report's or the ctx's as-of date; without one, the clock's). NULL / 0
 * / false for any other verdict, out of range, or on out of memory. */
POL_API const char *pol_report_residual(const pol_report *rep, size_t i,
                                        size_t r);
POL_API const char *pol_report_residual_when(const pol_report *rep,
                                             size_t i, size_t r);
POL_API int pol_report_residual_then(const pol_report *rep, size_t i,
                                     size_t r);
POL_API size_t pol_report_decisive_count(const pol_report *rep, size_t i,
                                         size_t r);
POL_API const char *pol_report_decisive_path(const pol_report *rep,
                                             size_t i, size_t r, size_t k);
POL_API bool pol_report_decisive_withheld(const pol_report *rep, size_t i,
                                          size_t r, size_t k);
POL_API const char *pol_report_decisive_evidence(const pol_report *rep,
                                                 size_t i, size_t r,
                                                 size_t k);

/* ==== writing reports ====================================================
 * Formats: docs/report-format.md. */
enum {
  POL_FORMAT_TEXT = 0, POL_FORMAT_JSON = 1, POL_FORMAT_QUESTIONS = 2,
  POL_FORMAT_NDJSON = 3, POL_FORMAT_MARKDOWN = 4, POL_FORMAT_HTML = 5,
  POL_FORMAT_CSV = 6, POL_FORMAT_JUNIT = 7, POL_FORMAT_SARIF = 8,
  POL_FORMAT_TAP = 9, POL_FORMAT_QUESTIONS_JSON = 10,
  POL_FORMAT_QUESTIONS_CSV = 11
};
/* The number of the format named [name] ("text", "json", ...), or -1;
 * and the name of format [format] (NULL if there is none). */
POL_API int pol_format_find(const char *name);
POL_API const char *pol_format_name(int format);

/* The report rendered in [format]; [flags] may hold POL_RENDER_COLOR. The
 * text is owned by [rep] until its next call; NULL (and nothing else) on
 * out of memory or a bad format. */
POL_API const char *pol_report_render(pol_report *rep, int format,
                                      int flags);

/* A writer streams a report of any number of vendors: add each report
 * (one vendor or a few) as soon as it is checked, and the writer writes
 * those vendors through [write] at once, keeping only what the format
 * needs at the end (the text matrix keeps the verdicts). [write] returns
 * 0 on success, anything else to fail the writer. */
typedef struct pol_writer pol_writer;
typedef int (*pol_write_fn)(void *user, const char *data, size_t len);
/* [pol] is borrowed: keep it alive as long as the writer. */
POL_API int pol_writer_new(const pol_policy *pol, int format, int flags,
                           int unknown_mode, pol_write_fn write, void *user,
                           pol_writer **out);
POL_API void pol_writer_free(pol_writer *w);
POL_API const char *pol_writer_errmsg(const pol_writer *w);
/* Write every vendor of [rep] (then reset it or check more into it).
 * POL_EINVAL, with a message, for a report of another policy or of
 * another unknown mode than the writer's (the output records the
 * writer's mode beside compliance the report worked out in its own);
 * the writer goes on. pol_report_chunk and pol_writer_add_chunk refuse
 * such a report too. */
POL_API int pol_writer_add(pol_writer *w, const pol_report *rep);
/* For a host that checks vendors on several threads, writing splits in
 * two. pol_report_chunk renders the vendors of [rep] for [w]'s format
 * into text owned by [rep] (valid until its next call or reset): call it
 * on the thread that checked [rep]; it reads [w]'s settings only, so any
 * number of threads may do so at once. Then, on [w]'s thread and in
 * input order, pol_writer_add_chunk puts that text in the output, with
 * what comes between vendors; [rep] must still hold those vendors, and
 * [text] and [len] be what pol_report_chunk gave for [w] (that pointer,
 * not a copy of the text: anything else is POL_EINVAL). The output is
 * the same as pol_writer_add's. */
POL_API int pol_report_chunk(pol_report *rep, const pol_writer *w,
                             const char **text, size_t *len);
POL_API int pol_writer_add_chunk(pol_writer *w, const pol_report *rep,
                                 const char *text, size_t len);
/* The settings of a writer, for pol_writer_open: pol_writer_options_init
 * fills the defaults (those of pol_writer_new: text, no flags,
 * POL_UNKNOWN_FAIL, English, no width limit, automatic matrix, no as-of
 * date). New fields are only ever appended. The strings are copied. */
enum { POL_MATRIX_AUTO = 0, POL_MATRIX_RULES = 1, POL_MATRIX_VENDORS = 2 };
typedef struct pol_writer_options {
  size_t size;         /* sizeof(pol_writer_options), set by the init */
  int format;          /* POL_FORMAT_* */
  int flags;           /* POL_RENDER_COLOR */
  int unknown_mode;    /* POL_UNKNOWN_*: must match the reports' */
  const char *lang;    /* "en" or "ja": the language of headings, labels
                          and verdict words of the formats for people
                          (text, markdown, html, csv, questions); NULL:
                          "en". Programs' formats keep English codes. */
  unsigned width;      /* text: the columns to fit and wrap long texts at
                          (a terminal's width); 0: no limit, nothing
                          wrapped (output to a pipe) */
  int matrix;          /* POL_MATRIX_*: the several-vendor table with rules
                          as rows, vendors as rows, or whichever fits
                          (text: by width; markdown, html: by count) */
  const char *as_of;   /* "YYYY-MM-DD": the evaluation date the reports
                          were checked at (pol_report_set_as_of), recorded
                          in the stamp; NULL: none recorded */
  const char *options; /* the options that change verdicts, as the host
                          wants them recorded ("--unknown=warn ..."); NULL:
                          none */
} pol_writer_options;
POL_API void pol_writer_options_init_size(pol_writer_options *o,
                                          size_t size);
#define pol_writer_options_init(o) \
  pol_writer_options_init_size((o), sizeof *(o))
/* pol_writer_new with every setting of [opt]. POL_EINVAL for a bad
 * format, unknown mode, language ("en", "ja") or as-of date (message in
 * *out's absence: see pol_strerror), or an [opt] without its size. */
POL_API int pol_writer_open(const pol_policy *pol,
                            const pol_writer_options *opt,
                            pol_write_fn write, void *user,
                            pol_writer **out);
/* The stamp every report ends with names the inputs the vendors came
 * from, each with its SHA-256: a host that reads inputs calls
 * pol_writer_input when it starts one ([kind] POL_INPUT_FACTS, or
 * POL_INPUT_WAIVERS for a waivers file), then pol_writer_input_data with
 * each piece of its bytes, in order, as it reads them (nothing is kept
 * but the digest). Data before the first pol_writer_input has no input
 * to go to: POL_EINVAL. */
enum { POL_INPUT_FACTS = 0, POL_INPUT_WAIVERS = 1 };
POL_API int pol_writer_input(pol_writer *w, int kind, const char *name);
POL_API int pol_writer_input_data(pol_writer *w, const void *data,
                                  size_t len);
/* Record an input that could not be checked ([source] as a result's,
 * [message] "file:line:col: what"), in input order among the vendors:
 * every format shows it in its own terms, so that no report looks
 * complete without it (docs/report-format.md, "Inputs not checked"). */
POL_API int pol_writer_error(pol_writer *w, const char *source,
                             const char *message);
/* Write the end. POL_EIO when [write] failed (now or before). Once
 * finished, a writer refuses more (POL_EINVAL): free it. A writer that
 * ran out of memory has lost output it cannot write again: it stays
 * failed, the calls after the shortage may say POL_ENOMEM already, and
 * pol_writer_finish says it; free it and write the output again. */
POL_API int pol_writer_finish(pol_writer *w);

/* Check the fact set [text] (one JSON object) named [name] against the
 * fact declarations of [schema] (a policy or module that declares facts).
 * *[count] gets the number of problems and *[problems] one line per
 * problem, "name:line:col: PATH: what is wrong", owned by [env] until its
 * next pol_validate. POL_EFORMAT if [text] is not valid JSON (message in
 * pol_env_errmsg); POL_EINVAL if [schema] declares no facts; on these
 * errors *[count] is 0 and *[problems] "". */
POL_API int pol_validate(pol_env *env, const pol_policy *schema,
                         const char *text, size_t len, const char *name,
                         size_t *count, const char **problems);
/* pol_validate for a record that starts at line [line] (1-based) of the
 * input [name], such as one line of an NDJSON stream: the positions of
 * problems and of a JSON error count from there (pol_facts_load_record's
 * rule). [line] 0 is POL_EINVAL. */
POL_API int pol_validate_record(pol_env *env, const pol_policy *schema,
                                const char *text, size_t len,
                                const char *name, unsigned line,
                                size_t *count, const char **problems);

/* ==== building values ====================================================
 * Values a host makes: facts built without JSON, and the results of host
 * functions. A pol_builder says where new values live: in a fact set
 * (valid as long as it) or in an evaluation (valid until it returns).
 * Constructors return NULL on out of memory or a bad argument, and
 * then pol_builder_status and pol_builder_errmsg say why. A builder is
 * used by one thread at a time. */
typedef struct pol_builder pol_builder;

/* The status of [b]'s last constructor call: POL_OK when it returned a
 * value; POL_EFORMAT for text that is not UTF-8 (pol_new_string, a
 * pol_new_map key); POL_EINVAL for another bad argument (a NULL pointer,
 * a duration or timestamp out of range, a repeated map key);
 * POL_ENOMEM. POL_EINVAL for a NULL [b]. */
POL_API int pol_builder_status(const pol_builder *b);
/* Why [b]'s last failing constructor failed, naming it:
 * "pol_new_string: not valid UTF-8 at byte 3 of 5". Owned by [b]; it
 * changes when another constructor fails; "" if none has. A host
 * function that returns NULL after a constructor failed gets this text
 * in its evaluation's error. */
POL_API const char *pol_builder_errmsg(const pol_builder *b);

/* The builder of [facts]: its values live as long as the fact set. */
POL_API pol_builder *pol_facts_builder(pol_facts *facts);
POL_API const pol_value *pol_new_null(pol_builder *b);
POL_API const pol_value *pol_new_bool(pol_builder *b, bool x);
POL_API const pol_value *pol_new_int(pol_builder *b, int64_t x);
POL_API const pol_value *pol_new_uint(pol_builder *b, uint64_t x);
POL_API const pol_value *pol_new_double(pol_builder *b, double x);
/* A string of [len] bytes of UTF-8 (NULL, POL_EFORMAT, if it is not
 * valid UTF-8). */
POL_API const pol_value *pol_new_string(pol_builder *b, const char *s,
                                        size_t len);
POL_API const pol_value *pol_new_bytes(pol_builder *b, const void *p,
                                       size_t len);
/* A duration of [seconds] and [nanos] (same sign, |nanos| < 1e9, within
 * CEL's range of +-315,576,000,000 s), and a timestamp of [seconds] since
 * the Unix epoch and [nanos] in 0..999999999 (years 1 to 9999): NULL when
 * out of range. */
POL_API const pol_value *pol_new_duration(pol_builder *b, int64_t seconds,
                                          int32_t nanos);
POL_API const pol_value *pol_new_timestamp(pol_builder *b, int64_t seconds,
                                           int32_t nanos);
/* A list of [n] items (each made by the same builder, or borrowed from
 * values that outlive it). Lists and maps nest at most 512 deep, as JSON
 * does: an item (or a map's value) nested 512 deep gives NULL
 * (POL_EINVAL). An item (or a map's value) that is an error value
 * (pol_new_error) gives NULL (POL_EINVAL): a CEL list or map never holds
 * an error, so a host function that fails returns the error itself. */
POL_API const pol_value *pol_new_list(pol_builder *b,
                                      const pol_value *const *items,
                                      size_t n);
/* A map from [n] string keys to values; a repeated key gives NULL. */
POL_API const pol_value *pol_new_map(pol_builder *b, const char *const *keys,
                                     const pol_value *const *vals, size_t n);
/* An error value with [msg]: what a host function returns to fail. Its
 * message is text reports write as it is, so bytes of [msg] that are not
 * UTF-8 become U+FFFD (one per run of them). */
POL_API const pol_value *pol_new_error(pol_builder *b, const char *msg);
/* Make the map [obj] the whole fact set: each key a variable. [obj] must
 * have been made by this fact set's builder since its last reset or load
 * (so it is not copied): reset, build, then load. What it holds that
 * another builder made (values borrowed from another fact set) is copied
 * into the set, and a value it holds under two names gets a copy for the
 * second, so that a report names the fact a rule read. POL_EINVAL if [obj]
 * is not a map or was made by another builder; the set is then empty,
 * and the values its builder made stay valid. For hosts that hold facts in
 * another form (a database row): no JSON text in between. */
POL_API int pol_facts_load_value(pol_facts *facts, const pol_value *obj);
/* Bind [name] to [v] (copied into the fact set). */
POL_API int pol_facts_bind_value(pol_facts *facts, const char *name,
                                 const pol_value *v);
/* Bind every variable of [from] in [facts] (copied), in [from]'s order,
 * as pol_facts_bind_value of each would: a variable [facts] has keeps
 * its place with the new value, the others follow. One new map of the
 * variables, where binding N variables one by one makes N. [from] may be
 * [facts] itself. POL_EINVAL when [from] holds assumptions
 * (pol_facts_assume: they would come over as the vendor's facts) or a
 * variable binds as pol_facts_assume says it cannot; POL_ENOMEM; on any
 * error the set is as it was. */
POL_API int pol_facts_bind_all(pol_facts *facts, const pol_facts *from);

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
 * called from several threads at once must be thread-safe itself. It
 * should be pure: calls are not cached, and how often a function is
 * called is no part of this contract (an UNKNOWN rule is evaluated again
 * for its residual). A call is charged to max_steps by its arguments'
 * sizes, not its time, and is never interrupted
 * (docs/host-functions.md, "What the engine assumes of a function"). */
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

/* Make the host function [name], registered before (by the host or a
 * plugin), the escape hatch [fn] instead, taking [min_args]..[max_args]
 * arguments of any type: a test double, as `policyc test` mocks a
 * plugin's function with. Like registering, do it before compiling
 * anything with [env]. POL_EINVAL when no host function [name] is
 * registered (a built-in is not replaced so). */
POL_API int pol_env_replace_value_fn(pol_env *env, const char *name,
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
/* The plugin ABI: the version of this contract (pol_plugin_fn's layout,
 * the signature syntax, what the engine assumes of a function), raised
 * whenever a plugin built against an older pol.h would be misread. A
 * plugin states the one its pol.h describes by writing, once, at file
 * scope:  POL_PLUGIN_EXPORT_ABI;  and pol_env_load_plugin refuses one
 * that states another with POL_EFORMAT naming the file and both
 * versions (docs/host-functions.md, "Plugin ABI"). One that states none
 * was built before plugins stated theirs, against plugin ABI 1, and is
 * taken as such: it loads while POL_PLUGIN_ABI is 1. */
#define POL_PLUGIN_ABI 1
#define POL_PLUGIN_ABI_SYMBOL "pol_plugin_abi"
#ifdef __cplusplus
#define POL_PLUGIN_EXPORT_ABI \
  extern "C" POL_API const int pol_plugin_abi = POL_PLUGIN_ABI
#else
#define POL_PLUGIN_EXPORT_ABI \
  POL_API const int pol_plugin_abi = POL_PLUGIN_ABI
#endif
/* dlopen [path], check its POL_PLUGIN_ABI_SYMBOL and register every
 * function of its table. Loading is never implicit: only the files a
 * host names are loaded. A [path] that is not a regular file (a FIFO, a
 * device) is POL_EIO, never opened; a plugin of another plugin ABI is
 * POL_EFORMAT and registers nothing. */
POL_API int pol_env_load_plugin(pol_env *env, const char *path);

/* ==== authoring tools ====================================================
 * What `policyc fmt` is made of, for editors and other hosts. */

/* Lay the policy source [src] of [len] bytes, named [name] in messages,
 * out in the canonical layout (docs/cli.md, "policyc fmt"): only blanks,
 * line breaks and `;` separators change; every token, comment and
 * literal comes out as written. POL_OK: *[out] is the text (*[outlen]
 * bytes, NUL-terminated), owned by [env] until its next pol_format.
 * POL_ESYNTAX: the source does not parse (read the diagnostics).
 * POL_ENOMEM. */
POL_API int pol_format(pol_env *env, const char *src, size_t len,
                       const char *name, const char **out, size_t *outlen);

/* The analysis of `policyc lint` (docs/lint.md) of a policy compiled
 * through an env with POL_KEEP_SOURCE: rules that can never pass or
 * never fail, `when` and `require` that contradict or imply each other,
 * should-rules implied by must-rules, duplicates, rules that are never
 * UNKNOWN, unused lets, hidden names, rules without questions, and, given
 * the fact sets of the vendors being checked ([vendors], [nvendors]; may
 * be 0), fact paths that no schema declares and no vendor has. Each
 * warning has a code, a place and, where one exists, a witness: a fact
 * set on which the rule does what the warning says. */
typedef struct pol_lints pol_lints;
typedef struct pol_warning {
  size_t size;          /* sizeof(pol_warning): set it (POL_WARNING_INIT) */
  const char *code;     /* "L002"; "L000" is a note (POL_LINT_VERBOSE) */
  const char *name;     /* "never-fail" */
  const char *file;
  unsigned line, col;
  const char *rule;     /* the rule's id, or NULL (a let, a name) */
  const char *message;
  const char *witness;  /* a fact set (JSON object text), or NULL */
  const char *verdict;  /* what the rule gives on it ("PASS"), or NULL */
} pol_warning;
#define POL_WARNING_INIT                                                  \
  {sizeof(pol_warning), NULL, NULL, NULL, 0, 0, NULL, NULL, NULL, NULL}
enum {
  POL_LINT_VERBOSE = 1 /* also a note (L000) per rule not analysed */
};
/* Analyse [pol] into *[out]. POL_EINVAL when [pol] was not compiled with
 * POL_KEEP_SOURCE (or was loaded from saved bytecode); POL_ENOMEM. */
POL_API int pol_lint(const pol_policy *pol, const pol_facts *const *vendors,
                     size_t nvendors, int flags, pol_lints **out);
POL_API void pol_lints_free(pol_lints *lints);
POL_API size_t pol_lints_count(const pol_lints *lints);
/* Warning [i] into *[out] (whose size member says how much to fill);
 * its strings belong to [lints]. POL_EINVAL when out of range. */
POL_API int pol_lints_get(const pol_lints *lints, size_t i,
                          pol_warning *out);
/* The code of lint check [i] ("L001"), from 0 until NULL, with its name
 * ("never-pass") in *[name] when [name] is not NULL: to list the checks
 * or validate a code a user gives. Static strings. A warning the policy
 * source allows (`// policyc:allow CODE` on its line or in the comment
 * lines right above it, docs/lint.md) is not among pol_lint's. */
POL_API const char *pol_lint_check(size_t i, const char **name);

/* The account of a verdict behind `check --explain`: for one rule and
 * one vendor, every sub-expression of `when` and `require` with its
 * value (lets and derived facts opened up), for a quantifier the item
 * that decided it, and for a FAIL one sentence saying why, in Japanese
 * ("ja") or English ("en"). An explainer is made once per policy (it
 * compiles every sub-expression on its own) from a policy compiled with
 * POL_KEEP_SOURCE; one thread at a time. Nothing of this runs when
 * checking. */
typedef struct pol_explain pol_explain;
typedef struct pol_explain_node {
  size_t size;          /* sizeof(pol_explain_node): POL_EXPLAIN_NODE_INIT */
  unsigned depth;       /* 0 for `when` and `require` themselves */
  long parent;          /* the index of its parent, or -1 */
  const char *role;     /* "when" or "require" */
  const char *kind;     /* "and", "or", "not", "cond", "compare",
                           "quantifier", "let", "fact", "call", "other" */
  const char *text;     /* the sub-expression, on one line */
  const char *state;    /* "value", "missing" (a fact it needs is not
                           there), "error", "skipped" (not shown for one
                           item: an arm not taken, or the body of a
                           quantifier no item decided) */
  const pol_value *value;  /* state "value": what it gave */
  const char *detail;   /* "missing": the path; "error": the message;
                           "skipped": why, when known ("not taken",
                           "true for each of its 3 items", "evaluated
                           for each item", "no items"), else NULL */
  const char *item;     /* "quantifier": the path of the item that decided
                           it (the first failing all(), the first passing
                           exists()), or NULL */
  const pol_value *item_value;
  int arm;              /* "cond": 1 the condition was true, 2 false, 0 */
} pol_explain_node;
#define POL_EXPLAIN_NODE_INIT                                             \
  {sizeof(pol_explain_node), 0, -1, NULL, NULL, NULL, NULL, NULL, NULL,  \
   NULL, NULL, 0}
/* An explainer of [pol]. POL_EINVAL when [pol] keeps no source. */
POL_API int pol_explain_new(const pol_policy *pol, pol_explain **out);
POL_API void pol_explain_free(pol_explain *x);
/* Explain rule [r] for the fact set [facts] (NULL: none), the sentence
 * in [lang] ("ja", "en"; NULL: "ja"). What the accessors below return
 * belongs to [x] until its next pol_explain_rule; the values may point
 * into [facts], which must outlive that use. POL_EINVAL (a bad rule or
 * language), POL_ENOMEM: [x] then holds no explanation (the accessors
 * answer NULL, 0, POL_EINVAL), not the previous rule's. */
POL_API int pol_explain_rule(pol_explain *x, const pol_facts *facts,
                             size_t r, const char *lang);
/* The evaluation date of the explanations from now on, as
 * pol_report_set_as_of sets a report's: now() in rules is midnight UTC
 * of [date] "YYYY-MM-DD". Without one, now() reads the clock. POL_EFORMAT
 * for a bad date. Give both the same date, and the verdicts agree. */
POL_API int pol_explain_set_as_of(pol_explain *x, const char *date);
/* The rule's verdict, exactly as pol_check gives it on a ctx of the
 * policy's env (under the env's limits: a rule that runs out of them is
 * ERROR here too; a ctx whose limits pol_ctx_set_limits changed may
 * differ), and for a FAIL the sentence (else NULL). */
POL_API const char *pol_explain_verdict(const pol_explain *x);
POL_API const char *pol_explain_sentence(const pol_explain *x);
/* The explanation as POL_FORMAT_TEXT (a tree) or POL_FORMAT_JSON (one
 * object); NULL on out of memory or another format. */
POL_API const char *pol_explain_render(pol_explain *x, int format);
POL_API size_t pol_explain_node_count(const pol_explain *x);
POL_API int pol_explain_get(const pol_explain *x, size_t i,
                            pol_explain_node *out);

/* ==== saved bytecode =====================================================
 * A compiled policy can be saved and loaded again, so a host need not
 * ship or compile sources. The format is versioned; loading verifies the
 * whole file (header, sections, every instruction and operand, jump
 * targets, stack depth, constant types), so a damaged or hostile file
 * gives POL_EFORMAT, never a crash. */

/* Serialise [pol] into *[out], *[len] bytes, a buffer allocated with
 * the allocator of [pol]'s env: free it with pol_free(env, *out) (or, on
 * the default allocator, free()). *[out] is NULL on failure. */
POL_API int pol_policy_save(const pol_policy *pol, void **out, size_t *len);
/* Load a saved policy; host functions it calls must be registered in
 * [env] with the same signatures. [name] names the input in messages
 * and is the policy file of the reports' stamp (POL_POLICY_FILE stays
 * the source the policy was compiled from). Like a compiled one, a loaded policy must not outlive [env]. */
POL_API int pol_policy_load(pol_env *env, const void *data, size_t len,
                            const char *name, pol_policy **out);
/* A readable listing of [pol]'s bytecode, every entry under its rule's
 * id; owned by [env] until its next pol_policy_disasm. NULL on out of
 * memory. */
POL_API const char *pol_policy_disasm(pol_env *env, const pol_policy *pol);
/* Whether [data] starts like a saved policy (the magic bytes). */
POL_API bool pol_is_saved_policy(const void *data, size_t len);

#ifdef __cplusplus
}
#endif

#endif
