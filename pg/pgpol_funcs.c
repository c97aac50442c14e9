/*
 * pgpol_funcs.c: the SQL functions (policyc--1.0.sql declares them,
 * policyc--1.0--1.1.sql marks those that evaluate STABLE).
 *
 *   pol_compile(source, name)        -> bytea, a saved policy
 *   pol_check(policy, facts, unknown)-> jsonb, the JSON report
 *   pol_verdicts(policy, facts)      -> one row per rule
 *   pol_compliant(policy, facts, unknown) -> boolean
 *   pol_eval(expr, facts)            -> jsonb, the expression's value
 *
 * Each is a function of its arguments and of the date: a result never
 * depends on a limit setting, because an evaluation that reaches
 * pol.max_steps or pol.max_memory fails the statement (SQLSTATE 54000)
 * instead of turning into a verdict. now() in a rule or an expression is
 * midnight UTC of current_date (pgpol_state_get), so pol_check,
 * pol_compliant, pol_verdicts and pol_eval are STABLE, like current_date
 * itself, and PARALLEL SAFE (workers share the leader's transaction
 * start); pol_compile evaluates nothing and is IMMUTABLE
 * (docs/postgresql.md). pol_compile reads no file either, unless a
 * superuser turns pol.file_imports on: then its result depends on the
 * modules it imports from the server's files as well.
 */
#include "pgpol.h"

#include "catalog/pg_type_d.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"

PG_FUNCTION_INFO_V1(pgpol_compile);
PG_FUNCTION_INFO_V1(pgpol_check);
PG_FUNCTION_INFO_V1(pgpol_verdicts);
PG_FUNCTION_INFO_V1(pgpol_compliant);
PG_FUNCTION_INFO_V1(pgpol_eval);

/* ==== compiling ========================================================== */

/* The saved bytes of [pol] as a bytea. The buffer is libpol's (from
 * [env]'s allocator), so it is freed whatever palloc does. */
static bytea *saved(pol_env *env, pol_policy *pol) {
  void *buf = NULL;
  size_t len = 0;
  int rc = pol_policy_save(pol, &buf, &len);
  bytea *out = NULL;
  pol_policy_free(pol);
  if (rc != POL_OK)
    pgpol_raise(rc, "saving the compiled policy failed");
  PG_TRY();
  {
    out = palloc(VARHDRSZ + len);
    SET_VARSIZE(out, VARHDRSZ + len);
    memcpy(VARDATA(out), buf, len);
  }
  PG_FINALLY();
  {
    pol_free(env, buf);
  }
  PG_END_TRY();
  return out;
}

Datum pgpol_compile(PG_FUNCTION_ARGS) {
  text *src = PG_GETARG_TEXT_PP(0);
  char *name = text_to_cstring(PG_GETARG_TEXT_PP(1));
  int len = VARSIZE_ANY_EXHDR(src), nlen = (int)strlen(name);
  const char *s = pgpol_to_utf8(VARDATA_ANY(src), &len);
  pol_env *env = pgpol_compile_env(); /* pol.file_imports decides */
  pol_policy *pol = NULL;
  int rc;
  if (nlen > PGPOL_NAME_MAX)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("the name of a policy is at most %d bytes, not %d",
                           PGPOL_NAME_MAX, nlen)));
  name = (char *)pgpol_to_utf8(name, &nlen);
  rc = pol_policy_compile(env, s, (size_t)len, name, &pol);
  if (rc != POL_OK)
    pgpol_raise_compile(env, rc, s, (size_t)len);
  PG_RETURN_BYTEA_P(saved(env, pol));
}

/* ==== checking =========================================================== */

static int unknown_mode(text *t) {
  char *s = text_to_cstring(t);
  if (strcmp(s, "fail") == 0)
    return POL_UNKNOWN_FAIL;
  if (strcmp(s, "warn") == 0)
    return POL_UNKNOWN_WARN;
  if (strcmp(s, "ignore") == 0)
    return POL_UNKNOWN_IGNORE;
  ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                  errmsg("unknown must be 'fail', 'warn' or 'ignore', not "
                         "'%s'", s)));
  return POL_UNKNOWN_FAIL;
}

/* The hint of a limit error. pol_eval's POL_ELIMIT cannot tell a step
 * or memory limit from PCRE2's match limit, so it names both: raising
 * the GUCs does nothing for a pattern that backtracks too much. */
#define LIMIT_HINT                                                        \
  "The limits are pol.max_steps and pol.max_memory; a regular "           \
  "expression's match limit is fixed (docs/limits.md)."

/* A rule that reached a limit fails the statement: its verdict would
 * depend on the GUCs, not on the policy and the facts. A fixed limit of
 * the engine (PCRE2's match limit) is no such limit: pol_report_status
 * says POL_ERUNTIME, and the rule is ERROR, as in policyc check. */
static void raise_limits(pol_report *rep, const pol_policy *pol) {
  size_t r, n = pol_policy_rule_count(pol);
  const char *reason, *id;
  int len, idlen;
  if (pol_report_count(rep, 0, POL_ERROR) == 0)
    return;
  for (r = 0; r < n; r++) {
    if (pol_report_status(rep, 0, r) != POL_ELIMIT)
      continue;
    /* in the server's encoding, as every text we raise: the reason
     * starts with the name pol_compile was given (方針.pol) */
    reason = pol_report_reason(rep, 0, r);
    id = pol_policy_rule_id(pol, r);
    len = (int)strlen(reason);
    idlen = (int)strlen(id);
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                    errmsg("%s", pgpol_from_utf8(reason, &len)),
                    errdetail("In rule %s.", pgpol_from_utf8(id, &idlen)),
                    errhint(LIMIT_HINT)));
  }
}

typedef struct check_call {
  pgpol_state *st;
  pol_report *rep;
} check_call;

static int check_once(void *arg) {
  check_call *c = arg;
  return pol_check(c->st->ctx, c->rep, c->st->facts, "jsonb");
}

/* Check the facts [jb] against the policy argument 0; the report holds
 * them as its vendor 0 until the next call. */
static pol_report *check(FunctionCallInfo fcinfo, Jsonb *jb, int mode,
                         pgpol_entry **entry) {
  pgpol_state *st = pgpol_state_get();
  pgpol_entry *e = pgpol_policy_arg(fcinfo, 0);
  check_call c;
  int rc;
  c.st = st;
  c.rep = pgpol_entry_report(e, mode);
  pgpol_load_facts(st, jb);
  pol_report_reset(c.rep);
  st->facts_user = c.rep;
  rc = pgpol_interruptible(check_once, &c);
  if (rc != POL_OK)
    pgpol_raise(rc, pol_ctx_errmsg(st->ctx));
  raise_limits(c.rep, e->pol);
  if (entry)
    *entry = e;
  return c.rep;
}

/* The report [rep] with the evaluation date its now() was in its stamp,
 * as `policyc check` records its --as-of date, so that the report says
 * what decided a rule over now() (and --verify-stamp can re-run it). */
static Datum with_as_of(Datum rep, const char *as_of) {
  Datum path[2];
  ArrayType *keys;
  Datum date = DirectFunctionCall1(
      jsonb_in, CStringGetDatum(psprintf("\"%s\"", as_of)));
  path[0] = CStringGetTextDatum("stamp");
  path[1] = CStringGetTextDatum("as_of");
  keys = construct_array(path, 2, TEXTOID, -1, false, TYPALIGN_INT);
  return DirectFunctionCall4(jsonb_set, rep, PointerGetDatum(keys), date,
                             BoolGetDatum(true));
}

Datum pgpol_check(PG_FUNCTION_ARGS) {
  Jsonb *jb = PG_GETARG_JSONB_P(1);
  int mode = unknown_mode(PG_GETARG_TEXT_PP(2));
  pol_report *rep = check(fcinfo, jb, mode, NULL);
  const char *json = pol_report_render(rep, POL_FORMAT_JSON, 0);
  int len;
  if (!json)
    ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY),
                    errmsg("out of memory rendering a report")));
  len = (int)strlen(json);
  json = pgpol_from_utf8(json, &len);
  PG_RETURN_DATUM(with_as_of(
      DirectFunctionCall1(jsonb_in, CStringGetDatum(json)),
      pgpol_state_get()->as_of));
}

Datum pgpol_compliant(PG_FUNCTION_ARGS) {
  Jsonb *jb = PG_GETARG_JSONB_P(1);
  int mode = unknown_mode(PG_GETARG_TEXT_PP(2));
  PG_RETURN_BOOL(pol_report_compliant(check(fcinfo, jb, mode, NULL), 0));
}

/* ==== one row per rule =================================================== */

static Datum missing_array(pol_report *rep, size_t r) {
  size_t k, n = pol_report_missing_count(rep, 0, r);
  Datum *items;
  if (n == 0)
    return PointerGetDatum(construct_empty_array(TEXTOID));
  items = palloc(n * sizeof(Datum));
  for (k = 0; k < n; k++)
    items[k] = PointerGetDatum(
        pgpol_text(pol_report_missing_path(rep, 0, r, k)));
  return PointerGetDatum(construct_array(items, (int)n, TEXTOID, -1, false,
                                         TYPALIGN_INT));
}

Datum pgpol_verdicts(PG_FUNCTION_ARGS) {
  ReturnSetInfo *rsinfo = (ReturnSetInfo *)fcinfo->resultinfo;
  Jsonb *jb = PG_GETARG_JSONB_P(1);
  pgpol_entry *e;
  pol_report *rep;
  size_t r, n;
  Datum values[5];
  bool nulls[5] = {false, false, false, false, false};
  const char *message;
  InitMaterializedSRF(fcinfo, 0);
  rep = check(fcinfo, jb, POL_UNKNOWN_FAIL, &e);
  n = pol_policy_rule_count(e->pol);
  for (r = 0; r < n; r++) {
    values[0] = PointerGetDatum(pgpol_text(pol_policy_rule_id(e->pol, r)));
    values[1] =
        PointerGetDatum(pgpol_text(pol_policy_rule_severity(e->pol, r)));
    values[2] = PointerGetDatum(pgpol_text(pol_report_verdict(rep, 0, r)));
    message = pol_report_message(rep, 0, r);
    nulls[3] = message == NULL;
    values[3] = message ? PointerGetDatum(pgpol_text(message)) : (Datum)0;
    values[4] = missing_array(rep, r);
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
  }
  return (Datum)0;
}

/* ==== expressions ======================================================== */

typedef struct eval_call {
  pgpol_state *st;
  const pol_program *prog;
  const pol_value *out;
} eval_call;

static int eval_once(void *arg) {
  eval_call *c = arg;
  return pol_eval(c->st->ctx, c->prog, c->st->facts, &c->out);
}

Datum pgpol_eval(PG_FUNCTION_ARGS) {
  pgpol_state *st = pgpol_state_get();
  pgpol_entry *e = pgpol_program_arg(fcinfo, 0);
  Jsonb *jb = PG_GETARG_JSONB_P(1);
  eval_call c;
  int rc;
  c.st = st;
  c.prog = e->prog;
  c.out = NULL;
  pgpol_load_facts(st, jb);
  rc = pgpol_interruptible(eval_once, &c);
  if (rc == POL_ELIMIT) {
    const char *msg = pol_ctx_errmsg(st->ctx);
    int len = (int)strlen(msg);
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                    errmsg("%s", pgpol_from_utf8(msg, &len)),
                    errhint(LIMIT_HINT)));
  }
  if (rc != POL_OK)
    pgpol_raise(rc, pol_ctx_errmsg(st->ctx));
  PG_RETURN_JSONB_P(pgpol_value_jsonb(st->ctx, c.out));
}
