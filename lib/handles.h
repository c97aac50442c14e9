/*
 * handles.h: what the public handles of pol.h are inside. Only the api*.c
 * files include this; everything else works on the internal types.
 */
#ifndef POL_HANDLES_H
#define POL_HANDLES_H

#include "pol.h"
#include "policy.h"
#include "render.h"
#include "report.h"
#include "vm.h"

#define PROG(p) ((const program *)(p))
#define VAL(v) ((const val *)(v))
#define POLICY(p) ((const policy *)(p))

struct pol_env {
  pol_config cfg;
  mem m;              /* cfg.alloc: every handle made from it copies it */
  struct host_registry *hosts; /* registered C functions (host.c) */
  diag_set diags;     /* of the last compile: a list per source file */
  char **dirs;        /* import directories, in search order */
  size_t ndirs;
  /* The texts the env hands out, one buffer per function, so that each
   * lives until the next call of that function (pol.h: a call changes
   * only what it says it changes): */
  sbuf render;        /* pol_diag_render's */
  sbuf disasm;        /* pol_program_disasm's */
  sbuf policy_disasm; /* pol_policy_disasm's */
  sbuf problems;      /* pol_validate's */
  sbuf formatted;     /* pol_format's */
  sbuf errmsg;
};

/* Where constructed values live: a fact set's arena, or an evaluation's
 * (for host functions); and why its last constructor failed. The
 * message is a fixed buffer: a failing constructor must be able to say
 * why even when memory has run out. */
struct pol_builder {
  arena *a;
  int status;     /* of the last constructor call */
  char msg[160];  /* of the last failing one; "" before any */
};

struct pol_report {
  report r;
  sbuf text;          /* pol_report_render's, and pol_report_chunk's */
  sbuf tmp;           /* one vendor's chunk while rendering */
  size_t *chunk_end;  /* pol_report_chunk: where vendor i's text ends */
  size_t cap_chunk;
  const pol_writer *chunk_for; /* and for which writer */
};

struct pol_facts {
  pol_env *env;
  arena a;              /* every value of the set */
  pol_builder builder;  /* builds into a */
  map *vars;            /* the variables (val_adopt'ed); NULL: none */
  map *base;            /* after pol_facts_assume: the variables as
                           loaded, before any assumption; else NULL */
  struct json_scratch *json; /* the parser's stacks, kept for the next */
  sbuf errmsg;
};

struct pol_ctx {
  pol_env *env;
  mem m;                /* the env's allocator */
  vm vm;
  report_scratch scratch; /* lent to each pol_check (report.h) */
  arena results;        /* the copy of the last result */
  val result;
  sbuf text;
  sbuf errmsg;
  bool busy;            /* in pol_eval or pol_check: a host function
                           that calls back into this ctx is refused */
  bool has_as_of;       /* now() in pol_eval, and in checks on a report */
  int64_t as_of;        /* without a date of its own (pol_ctx_set_as_of) */
};

struct pol_writer {
  renderer w;
  mem m;                /* the policy's env's allocator */
  pol_write_fn write;
  void *user;
  sbuf buf;             /* what is rendered, before [write] takes it */
  sbuf tmp;             /* one vendor's chunk */
  bool failed;          /* [write] failed: nothing more is written */
  bool finished;        /* pol_writer_finish was called: nothing more */
  sbuf errmsg;
};

/* Format a handle's message into [b] (its previous text is dropped). */
POL_INTERNAL void api_msg(sbuf *b, const char *fmt, ...) POL_PRINTF(2, 3);
/* POL_EINVAL for a call refused for its arguments, with "[fn]: [why]"
 * as the message of the handle whose [msg] it is: a failing call leaves
 * a message of its own, never the previous error's. */
POL_INTERNAL int api_refused(sbuf *msg, const char *fn, const char *why);
/* POL_EINVAL, saying in [c] that [fn] was called on it mid-evaluation. */
POL_INTERNAL int api_busy(pol_ctx *c, const char *fn);
/* The text of a handle's message (never NULL). */
POL_INTERNAL const char *api_text(const sbuf *b);
/* Compile the expression that is [d]'s source with [env]'s host
 * functions and flags, [decls] declaring variable names (may be NULL),
 * every diagnostic into [d]. Reads [env] and changes nothing of it (its
 * diagnostics, messages and texts stay), so calls on other handles, such
 * as pol_facts_bind_literal, can compile without being a compile on the
 * env. NULL when [d] gained an error or memory ran out (d->oom). */
POL_INTERNAL struct program *api_compile(const pol_env *env,
                                         struct diag_list *d,
                                         const pol_facts *decls);
/* POL_ESYNTAX (diagnostics as [env]'s message) or POL_ENOMEM, after a
 * compile that failed. */
POL_INTERNAL int api_compile_failed(pol_env *env);
/* The status of an evaluation of [p] that gave the error [e], with its
 * message, "file:line:col: message", into [msg]. */
POL_INTERNAL int api_runtime_error(sbuf *msg, const program *p,
                                   const err *e);

#endif
