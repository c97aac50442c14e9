/*
 * pgpol_state.c: the extension's start (_PG_init, the GUCs), the
 * backend's libpol handles, and how libpol's outcomes become PostgreSQL
 * errors: status codes to SQLSTATEs, compile diagnostics to one ERROR
 * with file:line:col, and interrupts to CHECK_FOR_INTERRUPTS().
 */
#include "pgpol.h"

#include <limits.h>

#include "access/xact.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/guc.h"
#include "pgtime.h"

PG_MODULE_MAGIC;

void _PG_init(void);

int pgpol_max_steps = 10000000;
int pgpol_max_memory = 256 * 1024;
int pgpol_cache_size = 16;
bool pgpol_file_imports = false;

static pgpol_state state;
/* pol_compile's env, and the pol.file_imports it was made with. */
static pol_env *compile_env;
static bool compile_env_files;

/* ==== GUCs =============================================================== */

void _PG_init(void) {
  DefineCustomIntVariable(
      "pol.max_steps", "Steps one policy evaluation may run (docs/limits.md).",
      "0 means no limit. A rule or expression that needs more fails the "
      "statement with SQLSTATE 54000.",
      &pgpol_max_steps, 10000000, 0, INT_MAX, PGC_USERSET, 0, NULL, NULL,
      NULL);
  DefineCustomIntVariable(
      "pol.max_memory", "Memory for the temporaries of one evaluation.",
      "0 means no limit. An evaluation that needs more fails the statement "
      "with SQLSTATE 54000.",
      &pgpol_max_memory, 256 * 1024, 0, INT_MAX, PGC_USERSET, GUC_UNIT_KB,
      NULL, NULL, NULL);
  DefineCustomIntVariable(
      "pol.cache_size",
      "Compiled policies and expressions each backend keeps loaded.", NULL,
      &pgpol_cache_size, 16, 1, 1024, PGC_USERSET, 0, NULL, NULL, NULL);
  /* SUSET: a policy that imports from files makes the server read them
   * (beside a relative name: the data directory), which a database user
   * must not be able to ask for. */
  DefineCustomBoolVariable(
      "pol.file_imports",
      "Lets pol_compile import modules from the server's files.",
      "Off: only the built-in standard library. On: also .pol files beside "
      "the policy's name and in the install's module directory. Only a "
      "superuser (or a role granted SET on it) can change it.",
      &pgpol_file_imports, false, PGC_SUSET, 0, NULL, NULL, NULL);
  MarkGUCPrefixReserved("pol");
}

/* ==== the backend's handles ============================================== */

/* libpol polls this between rules and often within loops. Only an
 * interrupt that ends the statement stops the work: a cancel (a
 * statement_timeout is one) or a termination, which
 * CHECK_FOR_INTERRUPTS() turns into an ERROR or FATAL. The others
 * (client_connection_check_interval's timer, a barrier, a parallel
 * worker's message) leave the statement running, and a stopped
 * evaluation starts again from the beginning: stopping for them would
 * restart a long one at every tick of a periodic one, for ever. They
 * wait until libpol returns, for the executor's next
 * CHECK_FOR_INTERRUPTS(). */
static int interrupted(void *user) {
  (void)user;
  return InterruptPending && (QueryCancelPending || ProcDiePending) &&
         INTERRUPTS_CAN_BE_PROCESSED();
}

static void state_free(void) {
  pgpol_cache_flush(); /* policies must go before their env */
  fb_free(state.build);
  pol_facts_free(state.facts);
  pol_ctx_free(state.ctx);
  pol_env_free(state.env);
  memset(&state, 0, sizeof state);
}

static void state_new(void) {
  pol_config cfg;
  pol_config_init(&cfg);
  cfg.flags = POL_NO_FILE_IMPORTS;
  if (pol_env_new(&cfg, &state.env) != POL_OK ||
      pol_ctx_new(state.env, &state.ctx) != POL_OK ||
      pol_facts_new(state.env, &state.facts) != POL_OK ||
      !(state.build = fb_new())) {
    state_free();
    ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY),
                    errmsg("out of memory making the policy engine")));
  }
  pol_ctx_set_interrupt(state.ctx, interrupted, NULL);
  state.max_steps = -1; /* pgpol_state_get sets the limits */
}

/* The limits apply from the ctx's next evaluation on; compiled and
 * loaded handles do not depend on them, so the cache stays. */
static void sync_limits(void) {
  if (state.max_steps == pgpol_max_steps &&
      state.max_memory == pgpol_max_memory)
    return;
  /* fails only for a NULL ctx, which a made state does not have */
  (void)pol_ctx_set_limits(state.ctx, (uint64_t)pgpol_max_steps,
                           (size_t)pgpol_max_memory * 1024);
  state.max_steps = pgpol_max_steps;
  state.max_memory = pgpol_max_memory;
}

/* now() in every rule and expression is midnight UTC of current_date,
 * as `policyc check` takes today's date (local time) by default: read
 * from the clock per call, it would change within a statement. In a
 * parallel worker the start and zone are the leader's. */
static void sync_as_of(void) {
  TimestampTz start = GetCurrentTransactionStartTimestamp();
  struct pg_tm tm;
  fsec_t fsec;
  int tz;
  if (state.as_of[0] && state.as_of_xact == start &&
      state.as_of_zone == (const void *)session_timezone)
    return;
  if (timestamp2tm(start, &tz, &tm, &fsec, NULL, NULL) != 0)
    ereport(ERROR, (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
                    errmsg("the transaction's start is out of range")));
  snprintf(state.as_of, sizeof state.as_of, "%04d-%02d-%02d", tm.tm_year,
           tm.tm_mon, tm.tm_mday);
  /* fails only for a date libpol cannot read, which current_date is not */
  if (pol_ctx_set_as_of(state.ctx, state.as_of) != POL_OK)
    elog(ERROR, "policyc: libpol refused the date %s", state.as_of);
  state.as_of_xact = start;
  state.as_of_zone = session_timezone;
}

pgpol_state *pgpol_state_get(void) {
  if (!state.env)
    state_new();
  sync_limits();
  sync_as_of();
  return &state;
}

pol_env *pgpol_compile_env(void) {
  pol_config cfg;
  if (compile_env && compile_env_files == pgpol_file_imports)
    return compile_env;
  pol_env_free(compile_env);
  compile_env = NULL;
  pol_config_init(&cfg);
  cfg.flags = pgpol_file_imports ? 0 : POL_NO_FILE_IMPORTS;
  if (pol_env_new(&cfg, &compile_env) != POL_OK)
    ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY),
                    errmsg("out of memory making the policy compiler")));
  compile_env_files = pgpol_file_imports;
  return compile_env;
}

void pgpol_forget_report(pol_report *rep) {
  if (rep && state.facts_user == rep)
    state.facts_user = NULL;
}

/* ==== errors ============================================================= */

int pgpol_sqlstate(int rc) {
  switch (rc) {
  case POL_ESYNTAX: return ERRCODE_SYNTAX_ERROR;
  case POL_ERUNTIME: return ERRCODE_DATA_EXCEPTION;
  case POL_ELIMIT: return ERRCODE_PROGRAM_LIMIT_EXCEEDED;
  case POL_ENOMEM: return ERRCODE_OUT_OF_MEMORY;
  case POL_EIO: return ERRCODE_UNDEFINED_FILE;
  case POL_EFORMAT: return ERRCODE_INVALID_BINARY_REPRESENTATION;
  case POL_EINTERRUPT: return ERRCODE_QUERY_CANCELED;
  default: return ERRCODE_INVALID_PARAMETER_VALUE;
  }
}

void pgpol_raise(int rc, const char *msg) {
  int len = (int)strlen(msg);
  ereport(ERROR, (errcode(pgpol_sqlstate(rc)),
                  errmsg("%s", pgpol_from_utf8(msg, &len))));
  pg_unreachable();
}

/* Whether no line of [src] is longer than PGPOL_EXCERPT_MAX bytes. */
static bool short_lines(const char *src, size_t len) {
  const char *end = src + len, *nl;
  for (; src < end; src = nl + 1) {
    nl = memchr(src, '\n', (size_t)(end - src));
    if (!nl)
      nl = end;
    if (nl - src > PGPOL_EXCERPT_MAX)
      return false;
  }
  return true;
}

/* Every diagnostic, without the last newline, in the server encoding:
 * with its source line and a caret when [excerpts]. */
static const char *diag_detail(pol_env *env, bool excerpts) {
  const char *all = pol_diag_render(env, excerpts ? POL_RENDER_EXCERPT : 0);
  int len = all ? (int)strlen(all) : 0;
  while (len > 0 && all[len - 1] == '\n')
    len--;
  return len ? pgpol_from_utf8(pnstrdup(all, len), &len) : NULL;
}

void pgpol_raise_compile(pol_env *env, int rc, const char *src,
                         size_t srclen) {
  pol_diag d = POL_DIAG_INIT;
  size_t n = pol_diag_count(env);
  const char *detail;
  char *first;
  int len;
  if (rc != POL_ESYNTAX || n == 0 || pol_diag_get(env, 0, &d) != POL_OK)
    pgpol_raise(rc, pol_env_errmsg(env));
  first = psprintf("%s:%u:%u: %s", d.file, d.line, d.col, d.message);
  len = (int)strlen(first);
  /* an excerpt is its whole line: 100 of a one-line expression of
   * megabytes would make a detail 200 times its size */
  detail = diag_detail(env, short_lines(src, srclen));
  ereport(ERROR,
          (errcode(ERRCODE_SYNTAX_ERROR),
           errmsg("%s", pgpol_from_utf8(first, &len)),
           detail ? errdetail("%s", detail) : 0,
           n == 2 ? errhint("1 more error follows the first.") : 0,
           n > 2 ? errhint("%zu more errors follow the first.", n - 1) : 0));
  pg_unreachable();
}

int pgpol_interruptible(int (*fn)(void *), void *arg) {
  int rc;
  while ((rc = fn(arg)) == POL_EINTERRUPT)
    CHECK_FOR_INTERRUPTS();
  return rc;
}

/* ==== text =============================================================== */

/* In a UTF-8 database (the usual case) both are the identity: libpol's
 * text is valid UTF-8, and so is the database's. */
const char *pgpol_to_utf8(const char *s, int *len) {
  const char *u;
  if (GetDatabaseEncoding() == PG_UTF8)
    return s;
  u = pg_server_to_any(s, *len, PG_UTF8);
  if (u != s)
    *len = (int)strlen(u);
  return u;
}

const char *pgpol_from_utf8(const char *s, int *len) {
  const char *u;
  if (GetDatabaseEncoding() == PG_UTF8)
    return s;
  u = pg_any_to_server(s, *len, PG_UTF8);
  if (u != s)
    *len = (int)strlen(u);
  return u;
}

text *pgpol_text(const char *s) {
  int len = (int)strlen(s);
  s = pgpol_from_utf8(s, &len);
  return cstring_to_text_with_len(s, len);
}
