/*
 * pgpol.h: what the files of the PostgreSQL extension share. The
 * extension uses libpol through include/pol.h only, and keeps one set of
 * libpol handles per backend (the state), plus a cache of the policies
 * and expressions it has loaded, keyed by a hash of their bytes.
 *
 * Memory: libpol's handles are malloc'd by libpol and live as long as
 * the backend (pol_compile's env until pol.file_imports changes); they
 * are reset, not freed,
 * between calls, so an error thrown half-way leaves nothing behind that
 * the next call does not reset first. Everything else comes from
 * PostgreSQL memory contexts: per call from the caller's context, the
 * cache's copies of policy bytes from the "policyc cache" context.
 *
 * C names: the SQL functions pol_check etc. are pgpol_check etc. in C,
 * because libpol itself defines pol_check.
 */
#ifndef PGPOL_H
#define PGPOL_H

#include "postgres.h"

#include "fmgr.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

#include "facts_build.h"
#include "pol.h"

/* GUCs (pgpol_state.c). */
extern int pgpol_max_steps;
extern int pgpol_max_memory; /* kB */
extern int pgpol_cache_size;
extern bool pgpol_file_imports;

/* The backend's libpol handles, made on first use. */
typedef struct pgpol_state {
  pol_env *env;     /* the cache's, ctx's and facts' env: it reads no
                       file (POL_NO_FILE_IMPORTS), nothing here imports */
  pol_ctx *ctx;     /* its interrupt callback polls InterruptPending */
  pol_facts *facts; /* the facts of the call under way */
  fb *build;        /* scratch of the jsonb conversion */
  /* The report that last checked [facts]: a report refers to the fact
   * sets it checked, so it is reset before they are. */
  pol_report *facts_user;
  int max_steps, max_memory; /* the limit GUCs [ctx] has */
  /* [ctx]'s evaluation date, what now() is: the transaction's start
   * date in the session's time zone (current_date), so that a statement
   * sees one date and the functions are STABLE; the start and zone it
   * was worked out from. */
  char as_of[16];
  TimestampTz as_of_xact;
  const void *as_of_zone;
} pgpol_state;

/* The state, made now on first use. A changed limit GUC changes the
 * ctx's limits (pol_ctx_set_limits), a new transaction or time zone its
 * date (pol_ctx_set_as_of): the cache stays. */
pgpol_state *pgpol_state_get(void);
/* pol_compile's env: POL_NO_FILE_IMPORTS unless pol.file_imports is on.
 * Made on first use and made anew when the GUC changed since; no cached
 * handle comes from it (pol_compile frees its policy once saved). */
pol_env *pgpol_compile_env(void);
/* [rep] is going away: the state must not reset it later. */
void pgpol_forget_report(pol_report *rep);

/* Replace the state's facts by the jsonb object [jb] (ERROR when it is
 * not one, or holds what libpol refuses). pgpol_jsonb.c */
void pgpol_load_facts(pgpol_state *st, Jsonb *jb);
/* [v] (owned by [ctx]) as jsonb, as the JSON report writes values. */
Jsonb *pgpol_value_jsonb(pol_ctx *ctx, const pol_value *v);

/* A cached policy or expression (pgpol_cache.c). */
typedef struct pgpol_entry {
  uint64 id;         /* unique while it holds these handles; 0: free */
  uint64 hash;       /* of kind and bytes */
  Size len;
  char *bytes;       /* saved policy, or expression text */
  pol_policy *pol;   /* a policy entry ... */
  pol_report *rep[3];/* its report per unknown mode, made when asked */
  pol_program *prog; /* ... or an expression entry */
  uint64 used;       /* when last asked for: the oldest is evicted */
} pgpol_entry;

/* The policy in the bytea argument [argno] / the expression in the text
 * argument [argno], loaded or compiled on a miss. A stable argument (a
 * constant or an external parameter) is looked up once per call site. */
pgpol_entry *pgpol_policy_arg(FunctionCallInfo fcinfo, int argno);
pgpol_entry *pgpol_program_arg(FunctionCallInfo fcinfo, int argno);
/* The entry's report for [mode] (POL_UNKNOWN_*), made when first asked. */
pol_report *pgpol_entry_report(pgpol_entry *e, int mode);
/* Free every entry (before the env that made them goes). */
void pgpol_cache_flush(void);

/* Errors and text (pgpol_state.c). */
int pgpol_sqlstate(int rc);
void pgpol_raise(int rc, const char *msg) pg_attribute_noreturn();
/* The diagnostics of a failed compile of [src] ([len] bytes, UTF-8) on
 * [env] as an ERROR: the first as the message, all in the detail, with
 * their source lines unless [src] has a line longer than
 * PGPOL_EXCERPT_MAX bytes. */
void pgpol_raise_compile(pol_env *env, int rc, const char *src, size_t len)
    pg_attribute_noreturn();
#define PGPOL_EXCERPT_MAX 4096
/* The longest name pol_compile takes: a diagnostic names it, and a detail
 * holds up to 100 of them. */
#define PGPOL_NAME_MAX 4096
/* Run [fn]([arg]) again after each POL_EINTERRUPT, once
 * CHECK_FOR_INTERRUPTS() has let the interrupt through (it throws for a
 * cancel or a timeout; other interrupts are harmless). */
int pgpol_interruptible(int (*fn)(void *), void *arg);
/* Text in the server encoding <-> UTF-8; [s] itself when they are the
 * same, else palloc'd and NUL-terminated; *[len] is updated. */
const char *pgpol_to_utf8(const char *s, int *len);
const char *pgpol_from_utf8(const char *s, int *len);
text *pgpol_text(const char *s);

#endif
