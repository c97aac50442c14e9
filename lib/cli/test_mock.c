/*
 * test_mock.c: mocks of a policy test (testing.h). A test file, or a
 * case, may give results for the host functions a policy calls, and the
 * evaluation date:
 *
 *   "mocks": {"functions": {"acme.score": {"result": 5},
 *                           "acme.rating": [{"args": ["x"], "result": 3},
 *                                           {"result": 0}]},
 *             "date": "2026-04-01"}
 *
 * A function's mock is one result for any arguments, or a list tried in
 * order (the first whose "args" equal the call's, or that has none). A
 * case's mocks come before the file's. Each mocked name is registered as
 * a host function (pol_env_register_value_fn) before the policy is
 * compiled, or replaces the function of that name a --plugin registered
 * (pol_env_replace_value_fn), and answers from the mocks of the case
 * being run. The date
 * is what now() returns: midnight UTC of that day.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testing.h"

typedef struct mock_fn {
  const char *name;
  struct mock_set *set;
} mock_fn;

struct mock_set {
  const test_file *t;
  const test_case *current;
  mock_fn *fns;
  size_t n;
  bool date_registered;
};

/* ==== checking =========================================================== */

static bool valid_date(const char *s) {
  int y, m, d;
  char end;
  if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &end) != 3)
    return false;
  static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return y >= 1 && m >= 1 && m <= 12 && d >= 1 &&
         d <= (m == 2 && !leap ? 28 : days[m - 1]);
}

/* One result of a function's mock: {"result": V, "args": [...]}. */
static bool check_result(const test_file *t, const jnode *r) {
  if (r->kind != JN_OBJ || !jn_get(r, "result")) {
    test_error(t, r->line, r->col, "a mocked result must be an object "
               "with \"result\" (and \"args\", a list, to match)");
    return false;
  }
  bool ok = true;
  for (size_t i = 0; i < r->n; i++)
    if (strcmp(r->keys[i], "result") != 0 && strcmp(r->keys[i], "args")) {
      test_error(t, r->items[i]->key_line, r->items[i]->key_col,
                 "unknown member '%s' in a mocked result", r->keys[i]);
      ok = false;
    }
  const jnode *a = jn_get(r, "args");
  if (a && a->kind != JN_ARR) {
    test_error(t, a->line, a->col, "\"args\" must be a list");
    ok = false;
  }
  return ok;
}

static bool check_function(const test_file *t, const jnode *f) {
  if (f->kind != JN_ARR)
    return check_result(t, f);
  bool ok = f->n > 0;
  if (!ok)
    test_error(t, f->line, f->col, "a mocked function needs results");
  for (size_t i = 0; i < f->n; i++)
    ok &= check_result(t, f->items[i]);
  return ok;
}

/* The "mocks" object [m] (of the file or a case). */
static bool check_mocks(const test_file *t, const jnode *m) {
  bool ok = true;
  for (size_t i = 0; i < m->n; i++) {
    const jnode *v = m->items[i];
    if (!strcmp(m->keys[i], "date")) {
      if (v->kind != JN_STR || !valid_date(v->s)) {
        test_error(t, v->line, v->col, "\"date\" must be a date "
                   "\"YYYY-MM-DD\"");
        ok = false;
      }
    } else if (!strcmp(m->keys[i], "functions") && v->kind == JN_OBJ) {
      for (size_t k = 0; k < v->n; k++)
        ok &= check_function(t, v->items[k]);
    } else {
      test_error(t, v->key_line, v->key_col, "unknown member '%s' in mocks "
                 "(expected functions, date)%s", m->keys[i],
                 !strcmp(m->keys[i], "functions") ? ": it must be an object"
                                                  : "");
      ok = false;
    }
  }
  return ok;
}

/* ==== values ============================================================= */

/* [v] (a JSON value of the test file) as an engine value. The recursion
 * follows the JSON, which the reader bounds. */
static const pol_value *to_value(pol_builder *b, const jnode *v) {
  switch (v->kind) {
  case JN_NULL: return pol_new_null(b);
  case JN_BOOL: return pol_new_bool(b, v->b);
  case JN_NUM: return v->is_int ? pol_new_int(b, v->i) : pol_new_double(b,
                                                                  v->num);
  case JN_STR: return pol_new_string(b, v->s, strlen(v->s));
  default: break;
  }
  const pol_value **items = calloc(v->n + 1, sizeof *items);
  const pol_value *r = NULL;
  for (size_t i = 0; items && i < v->n; i++)
    items[i] = to_value(b, v->items[i]);
  if (items && v->kind == JN_ARR)
    r = pol_new_list(b, items, v->n);
  else if (items)
    r = pol_new_map(b, (const char *const *)v->keys, items, v->n);
  free(items);
  return r;
}

/* Whether the call's argument [a] equals the mock's [j]. */
static bool same(const pol_value *a, const jnode *j) {
  switch (j->kind) {
  case JN_NULL: return pol_value_type(a) == POL_T_NULL;
  case JN_BOOL:
    return pol_value_type(a) == POL_T_BOOL && pol_value_bool(a) == j->b;
  case JN_NUM:
    switch (pol_value_type(a)) {
    case POL_T_INT: return (double)pol_value_int(a) == j->num;
    case POL_T_UINT: return (double)pol_value_uint(a) == j->num;
    case POL_T_DOUBLE: return pol_value_double(a) == j->num;
    default: return false;
    }
  case JN_STR: {
    const char *s = pol_value_str(a, NULL);
    return pol_value_type(a) == POL_T_STRING && !strcmp(s, j->s);
  }
  case JN_ARR:
    if (pol_value_type(a) != POL_T_LIST || pol_value_len(a) != j->n)
      return false;
    for (size_t i = 0; i < j->n; i++)
      if (!same(pol_value_at(a, i), j->items[i]))
        return false;
    return true;
  case JN_OBJ:
    if (pol_value_type(a) != POL_T_MAP || pol_value_len(a) != j->n)
      return false;
    for (size_t i = 0; i < j->n; i++)
      if (!same(pol_value_get(a, j->keys[i]), j->items[i]))
        return false;
    return true;
  }
  return false;
}

/* The result of [spec] (one result, or a list) for [args], or NULL. */
static const jnode *answer(const jnode *spec, const pol_value *const *args,
                           size_t n) {
  size_t count = spec->kind == JN_ARR ? spec->n : 1;
  for (size_t i = 0; i < count; i++) {
    const jnode *r = spec->kind == JN_ARR ? spec->items[i] : spec;
    const jnode *want = jn_get(r, "args");
    bool match = !want || want->n == n;
    for (size_t k = 0; match && want && k < n; k++)
      match = same(args[k], want->items[k]);
    if (match)
      return jn_get(r, "result");
  }
  return NULL;
}

/* The mock of [name]: the current case's, else the file's. */
static const jnode *spec_of(const mock_set *m, const char *name) {
  const jnode *sources[2] = {m->current ? m->current->mocks : NULL,
                             m->t->mocks};
  for (int i = 0; i < 2; i++) {
    const jnode *f = sources[i] ? jn_get(sources[i], "functions") : NULL;
    const jnode *s = f ? jn_get(f, name) : NULL;
    if (s)
      return s;
  }
  return NULL;
}

static const pol_value *call(pol_builder *b, const pol_value *const *args,
                             size_t nargs, void *user) {
  const mock_fn *f = user;
  const jnode *spec = spec_of(f->set, f->name);
  const jnode *r = spec ? answer(spec, args, nargs) : NULL;
  if (!r)
    return pol_new_error(b, "no mocked result for this call");
  return to_value(b, r);
}

/* Days from 1970-01-01 to the date [y]-[m]-[d] (proleptic Gregorian):
 * the days before year y counted from 0001-01-01, the days of the months
 * before m, less the 719162 days from 0001-01-01 to 1970-01-01. */
static int64_t days_since_epoch(int y, int m, int d) {
  static const int before[] = {0,   31,  59,  90,  120, 151,
                               181, 212, 243, 273, 304, 334};
  int64_t p = y - 1;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  int64_t days = p * 365 + p / 4 - p / 100 + p / 400;
  return days + before[m - 1] + (m > 2 && leap) + d - 1 - 719162;
}

/* now(): midnight UTC of the current case's date. */
static const pol_value *now(pol_builder *b, const pol_value *const *args,
                            size_t nargs, void *user) {
  const char *d = mock_date(user);
  (void)args;
  (void)nargs;
  if (!d)
    return pol_new_error(b, "now(): no date is mocked for this case");
  int y = 1970, m = 1, day = 1;
  sscanf(d, "%4d-%2d-%2d", &y, &m, &day);
  return pol_new_timestamp(b, days_since_epoch(y, m, day) * 86400, 0);
}

/* ==== registering ======================================================== */

/* Register the mock [fn]: a new host function, or in place of a
 * plugin's of that name (registered before the mocks), as `date`
 * replaces now(): a test of a policy stands in for what it calls. On
 * failure, [why] says why the name cannot be registered (it is no
 * plugin's function either). */
static bool mock_fn_register(pol_env *env, mock_fn *fn, char *why,
                             size_t n) {
  if (pol_env_register_value_fn(env, fn->name, 0, -1, call, fn) == POL_OK)
    return true;
  snprintf(why, n, "%s", pol_env_errmsg(env));
  return pol_env_replace_value_fn(env, fn->name, 0, -1, call, fn) == POL_OK;
}

/* Register every function [m] mocks that is not registered yet. */
static bool register_from(imp_pool *p, pol_env *env, mock_set *s,
                          const jnode *m) {
  const jnode *f = m ? jn_get(m, "functions") : NULL;
  bool ok = true;
  for (size_t i = 0; f && i < f->n; i++) {
    bool seen = false;
    for (size_t k = 0; k < s->n && !seen; k++)
      seen = !strcmp(s->fns[k].name, f->keys[i]);
    if (seen)
      continue;
    mock_fn *fn = &s->fns[s->n];
    *fn = (mock_fn){f->keys[i], s};
    char why[512];
    if (!mock_fn_register(env, fn, why, sizeof why)) {
      test_error(s->t, f->items[i]->key_line, f->items[i]->key_col,
                 "cannot mock '%s': %s", fn->name, why);
      ok = false;
      continue;
    }
    s->n++;
  }
  if (m && jn_get(m, "date") && !s->date_registered) {
    s->date_registered = true;
    if (pol_env_register_value_fn(env, "now", 0, 0, now, s) != POL_OK) {
      test_error(s->t, m->line, m->col, "cannot mock the date: %s",
                 pol_env_errmsg(env));
      ok = false;
    }
  }
  (void)p;
  return ok;
}

/* How many functions the mocks of [t] name at most. */
static size_t count_fns(const test_file *t) {
  const jnode *f = t->mocks ? jn_get(t->mocks, "functions") : NULL;
  size_t n = f ? f->n : 0;
  for (size_t k = 0; k < t->ncases; k++) {
    f = t->cases[k].mocks ? jn_get(t->cases[k].mocks, "functions") : NULL;
    n += f ? f->n : 0;
  }
  return n;
}

mock_set *mock_register(imp_pool *p, pol_env *env, const test_file *t,
                        bool *ok) {
  mock_set *s = imp_alloc(p, sizeof *s);
  s->t = t;
  s->fns = imp_alloc(p, (count_fns(t) + 1) * sizeof *s->fns);
  *ok = !t->mocks || check_mocks(t, t->mocks);
  for (size_t k = 0; k < t->ncases; k++)
    if (t->cases[k].mocks)
      *ok &= check_mocks(t, t->cases[k].mocks);
  if (!*ok)
    return NULL;
  *ok = register_from(p, env, s, t->mocks);
  for (size_t k = 0; *ok && k < t->ncases; k++)
    *ok = register_from(p, env, s, t->cases[k].mocks);
  return *ok ? s : NULL;
}

void mock_use(mock_set *m, const test_case *c) {
  if (m)
    m->current = c;
}

const char *mock_date(const mock_set *m) {
  const jnode *sources[2] = {m && m->current ? m->current->mocks : NULL,
                             m ? m->t->mocks : NULL};
  for (int i = 0; i < 2; i++) {
    const jnode *d = sources[i] ? jn_get(sources[i], "date") : NULL;
    if (d)
      return d->s;
  }
  return NULL;
}
