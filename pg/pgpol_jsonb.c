/*
 * pgpol_jsonb.c: jsonb in and out. In: a jsonb iterator drives
 * facts_build.c, so the facts go from jsonb's binary form into libpol
 * values with no JSON text between (numbers pass as their decimal digits:
 * see facts_build.h for what each becomes). Out: an expression's value
 * becomes jsonb through pushJsonbValue, written as the JSON report
 * writes values.
 */
#include "pgpol.h"

#include <math.h>

#include "common/base64.h"
#include "common/shortest_dec.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/numeric.h"

/* ==== jsonb to facts ===================================================== */

static bool feed_string(fb *b, const JsonbValue *v, bool key) {
  int len = v->val.string.len;
  const char *s = pgpol_to_utf8(v->val.string.val, &len);
  return key ? fb_key(b, s, (size_t)len) : fb_string(b, s, (size_t)len);
}

/* A numeric as its digits, which numeric_out writes without exponent and
 * with the scale the jsonb text had ("99.0" stays a fraction). */
static bool feed_number(fb *b, Numeric n) {
  char *s = DatumGetCString(DirectFunctionCall1(numeric_out,
                                                NumericGetDatum(n)));
  bool ok = fb_number(b, s, strlen(s));
  pfree(s);
  return ok;
}

static bool feed_scalar(fb *b, const JsonbValue *v) {
  switch (v->type) {
  case jbvNull: return fb_null(b);
  case jbvBool: return fb_bool(b, v->val.boolean);
  case jbvString: return feed_string(b, v, false);
  case jbvNumeric: return feed_number(b, v->val.numeric);
  default: /* jbvBinary and the rest never come unnested */
    elog(ERROR, "unexpected jsonb value type %d", (int)v->type);
  }
  return false;
}

/* Feed the events of [jb]'s tree to [b]; stops at the first refusal.
 * A cancel or a timeout is let through every 1024 events, from the
 * first: a document of 60 MB takes seconds to convert. Throwing here is
 * safe, as a conversion error half-way is: fb_begin starts the next
 * call's facts afresh, and nothing but PostgreSQL's own code is on the
 * stack (libpol returns before each event). */
static void feed(fb *b, Jsonb *jb) {
  JsonbIterator *it;
  JsonbValue v;
  JsonbIteratorToken tok;
  bool ok = true;
  uint32 events = 0;
  if (JB_ROOT_IS_SCALAR(jb)) { /* stored as a one-item array */
    if (JsonbExtractScalar(&jb->root, &v))
      feed_scalar(b, &v);
    return;
  }
  it = JsonbIteratorInit(&jb->root);
  while (ok && (tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE) {
    if (events++ % 1024 == 0)
      CHECK_FOR_INTERRUPTS();
    switch (tok) {
    case WJB_BEGIN_OBJECT: ok = fb_open(b, true); break;
    case WJB_BEGIN_ARRAY: ok = fb_open(b, false); break;
    case WJB_END_OBJECT:
    case WJB_END_ARRAY: ok = fb_close(b); break;
    case WJB_KEY: ok = feed_string(b, &v, true); break;
    default: ok = feed_scalar(b, &v); break; /* WJB_VALUE, WJB_ELEM */
    }
  }
}

static int fb_sqlstate(fb_status st) {
  switch (st) {
  case FB_ENOMEM: return ERRCODE_OUT_OF_MEMORY;
  case FB_EDEPTH: return ERRCODE_PROGRAM_LIMIT_EXCEEDED;
  default: return ERRCODE_INVALID_PARAMETER_VALUE;
  }
}

void pgpol_load_facts(pgpol_state *st, Jsonb *jb) {
  fb_status status;
  int len;
  if (st->facts_user) { /* it refers to the facts about to go */
    pol_report_reset(st->facts_user);
    st->facts_user = NULL;
  }
  fb_begin(st->build, st->facts);
  feed(st->build, jb);
  status = fb_finish(st->build);
  if (status != FB_OK) {
    /* the path of a refused value first, as policyc validate writes it */
    char *msg = *fb_errpath(st->build)
                    ? psprintf("%s: %s", fb_errpath(st->build),
                               fb_errmsg(st->build))
                    : pstrdup(fb_errmsg(st->build));
    len = (int)strlen(msg);
    ereport(ERROR, (errcode(fb_sqlstate(status)),
                    errmsg("invalid facts: %s", pgpol_from_utf8(msg, &len))));
  }
}

/* ==== values to jsonb ==================================================== */

static void push_value(JsonbParseState **ps, pol_ctx *ctx,
                       const pol_value *v, JsonbIteratorToken as);

static void cannot(const char *what) {
  ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                  errmsg("the result is %s, which has no jsonb form", what)));
}

/* A copy: some text (pol_value_format's) lives only until ctx's next
 * call. */
static void string_value(JsonbValue *j, const char *s, size_t n) {
  int len = (int)n;
  if (memchr(s, '\0', n))
    cannot("a string holding a NUL character");
  s = pgpol_from_utf8(s, &len);
  j->type = jbvString;
  j->val.string.val = pnstrdup(s, len);
  j->val.string.len = len;
}

static Numeric numeric_text(const char *s) {
  return DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(s),
                                             ObjectIdGetDatum(InvalidOid),
                                             Int32GetDatum(-1)));
}

/* The shortest digits that read back as [d], whatever
 * extra_float_digits says; NaN and the infinities as the report writes
 * them, strings. */
static void double_value(JsonbValue *j, double d) {
  char buf[DOUBLE_SHORTEST_DECIMAL_LEN];
  if (isnan(d) || isinf(d)) {
    string_value(j, isnan(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity",
                 isnan(d) ? 3 : d > 0 ? 8 : 9);
    return;
  }
  double_to_shortest_decimal_buf(d, buf);
  j->type = jbvNumeric;
  j->val.numeric = numeric_text(buf);
}

static void bytes_value(JsonbValue *j, const char *p, size_t n) {
  int cap = pg_b64_enc_len((int)n) + 1;
  char *out = palloc(cap);
  int len = pg_b64_encode(p, (int)n, out, cap);
  if (len < 0)
    elog(ERROR, "base64 encoding failed");
  j->type = jbvString;
  j->val.string.val = out;
  j->val.string.len = len;
}

/* Durations and timestamps as the string of their CEL text ("1.5s",
 * "2009-02-13T23:31:30Z"): pol_value_format writes duration("1.5s"). */
static void time_value(JsonbValue *j, pol_ctx *ctx, const pol_value *v) {
  const char *t = pol_value_format(ctx, v);
  const char *open = t ? strchr(t, '"') : NULL;
  const char *close = t ? strrchr(t, '"') : NULL;
  if (!open || close <= open)
    cannot("a time value libpol could not format");
  string_value(j, open + 1, (size_t)(close - open - 1));
}

static bool scalar_value(JsonbValue *j, pol_ctx *ctx, const pol_value *v) {
  char buf[32];
  size_t n;
  const char *s;
  switch (pol_value_type(v)) {
  case POL_T_NULL: j->type = jbvNull; return true;
  case POL_T_BOOL:
    j->type = jbvBool;
    j->val.boolean = pol_value_bool(v);
    return true;
  case POL_T_INT:
    j->type = jbvNumeric;
    j->val.numeric = int64_to_numeric(pol_value_int(v));
    return true;
  case POL_T_UINT:
    snprintf(buf, sizeof buf, UINT64_FORMAT, (uint64)pol_value_uint(v));
    j->type = jbvNumeric;
    j->val.numeric = numeric_text(buf);
    return true;
  case POL_T_DOUBLE: double_value(j, pol_value_double(v)); return true;
  case POL_T_STRING:
    s = pol_value_str(v, &n);
    string_value(j, s, n);
    return true;
  case POL_T_BYTES:
    s = pol_value_str(v, &n);
    bytes_value(j, s, n);
    return true;
  case POL_T_DURATION:
  case POL_T_TIMESTAMP: time_value(j, ctx, v); return true;
  case POL_T_TYPE:
    s = pol_value_format(ctx, v);
    if (!s) /* NULL: out of memory, never a text that says so */
      cannot("a type libpol could not format");
    string_value(j, s, strlen(s));
    return true;
  case POL_T_OPTIONAL: cannot("an optional"); break;
  case POL_T_LIST:
  case POL_T_MAP: return false;
  default: cannot("an error"); break;
  }
  return false;
}

/* Containers return what pushJsonbValue returns at their end: the whole
 * value when they are the outermost. */
static JsonbValue *push_list(JsonbParseState **ps, pol_ctx *ctx,
                             const pol_value *v) {
  size_t i, n = pol_value_len(v);
  pushJsonbValue(ps, WJB_BEGIN_ARRAY, NULL);
  for (i = 0; i < n; i++)
    push_value(ps, ctx, pol_value_at(v, i), WJB_ELEM);
  return pushJsonbValue(ps, WJB_END_ARRAY, NULL);
}

static JsonbValue *push_map(JsonbParseState **ps, pol_ctx *ctx,
                            const pol_value *v) {
  size_t i, n = pol_value_len(v), len;
  JsonbValue k;
  const char *key;
  pushJsonbValue(ps, WJB_BEGIN_OBJECT, NULL);
  for (i = 0; i < n; i++) {
    key = pol_value_key(v, i, &len);
    if (!key) /* pol.h gives no access to other keys */
      cannot("a map with a key that is not a string");
    string_value(&k, key, len);
    pushJsonbValue(ps, WJB_KEY, &k);
    push_value(ps, ctx, pol_value_entry(v, i), WJB_VALUE);
  }
  return pushJsonbValue(ps, WJB_END_OBJECT, NULL);
}

static void push_value(JsonbParseState **ps, pol_ctx *ctx,
                       const pol_value *v, JsonbIteratorToken as) {
  JsonbValue j;
  check_stack_depth();
  if (scalar_value(&j, ctx, v))
    pushJsonbValue(ps, as, &j);
  else if (pol_value_type(v) == POL_T_LIST)
    push_list(ps, ctx, v);
  else
    push_map(ps, ctx, v);
}

Jsonb *pgpol_value_jsonb(pol_ctx *ctx, const pol_value *v) {
  JsonbParseState *ps = NULL;
  JsonbValue j;
  if (scalar_value(&j, ctx, v))
    return JsonbValueToJsonb(&j);
  return JsonbValueToJsonb(pol_value_type(v) == POL_T_LIST
                               ? push_list(&ps, ctx, v)
                               : push_map(&ps, ctx, v));
}
