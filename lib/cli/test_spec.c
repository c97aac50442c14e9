/*
 * test_spec.c: reading a policy test file (testing.h) and checking its
 * shape before anything runs. A test that checks nothing must not pass
 * silently, so every member must be one the format knows (a misspelt
 * "expected" is an error, with a suggestion), every verdict one of the
 * five, and every case must name verdicts or compliance to check. Each
 * mistake is reported at its line and column; any makes the file
 * malformed (exit 3).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testing.h"

static const char *const file_keys[] = {"policy", "cases", "mocks",
                                        "description", NULL};
static const char *const case_keys[] = {"name",   "description", "facts",
                                        "facts_file", "expect", "compliant",
                                        "mocks",  NULL};
static const char *const verdicts[] = {"PASS", "FAIL", "UNKNOWN", "ERROR",
                                       "SKIPPED", NULL};

void test_error(const test_file *t, unsigned line, unsigned col,
                const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "%s:%u:%u: ", t->path, line, col);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

/* ==== suggestions ======================================================== */

/* The one of the NULL-ended [words] nearest [s], by the library's rule
 * for every "did you mean" (pol_suggest), or NULL. */
static const char *nearest(const char *s, const char *const *words) {
  size_t n = 0;
  while (words[n])
    n++;
  return pol_suggest(s, words, n);
}

/* "; did you mean 'x'?" into [buf], or "". */
static const char *hint(char *buf, size_t cap, const char *s,
                        const char *const *words) {
  const char *m = nearest(s, words);
  if (m)
    snprintf(buf, cap, "; did you mean '%s'?", m);
  else
    buf[0] = '\0';
  return buf;
}

/* ==== members ============================================================ */

static bool is_one_of(const char *s, const char *const *words) {
  for (; *words; words++)
    if (!strcmp(s, *words))
      return true;
  return false;
}

/* Every member of [o] must be one of [keys]. */
static bool known_members(const test_file *t, const jnode *o,
                          const char *const *keys, const char *what) {
  bool ok = true;
  for (size_t i = 0; i < o->n; i++)
    if (!is_one_of(o->keys[i], keys)) {
      char h[96];
      test_error(t, o->items[i]->key_line, o->items[i]->key_col,
                 "unknown member '%s' in %s%s", o->keys[i], what,
                 hint(h, sizeof h, o->keys[i], keys));
      ok = false;
    }
  return ok;
}

/* Member [key] of [o] when it has the kind [k]; NULL when absent; a
 * member of another kind is reported and *[ok] cleared. */
static const jnode *member(const test_file *t, const jnode *o,
                           const char *key, jn_kind k, const char *what,
                           bool *ok) {
  const jnode *v = jn_get(o, key);
  if (v && v->kind != k) {
    test_error(t, v->line, v->col, "'%s' must be %s", key, what);
    *ok = false;
    return NULL;
  }
  return v;
}

/* [base] joined to the directory of the test file. */
static const char *relative(imp_pool *p, const test_file *t,
                            const char *base) {
  const char *slash = strrchr(t->path, '/');
  if (base[0] == '/' || !slash)
    return imp_strdup(p, base);
  return imp_printf(p, "%.*s/%s", (int)(slash - t->path), t->path, base);
}

/* Whether the file [path] ([given] in the test file, at [v]) exists; a
 * missing one is reported there, with where it was looked for (paths
 * are relative to the test file). Other failures to read it are the
 * reader's to report, when it is read. */
static bool exists(const test_file *t, const jnode *v, const char *what,
                   const char *given, const char *path) {
  struct stat st;
  if (stat(path, &st) == 0 || errno != ENOENT)
    return true;
  test_error(t, v->line, v->col, "no such %s '%s' (looked for %s, "
             "relative to the test file)", what, given, path);
  return false;
}

/* ==== cases ============================================================== */

static bool read_expect(imp_pool *p, const test_file *t, const jnode *e,
                        test_case *c) {
  bool ok = true;
  c->expect = imp_alloc(p, (e->n + 1) * sizeof *c->expect);
  for (size_t i = 0; i < e->n; i++) {
    const jnode *v = e->items[i];
    char h[96];
    if (v->kind != JN_STR || !is_one_of(v->s, verdicts)) {
      test_error(t, v->line, v->col, "invalid verdict %s%s%s for rule '%s' "
                 "(expected PASS, FAIL, UNKNOWN, ERROR or SKIPPED)%s",
                 v->kind == JN_STR ? "'" : "", v->kind == JN_STR ? v->s
                 : "(not a string)", v->kind == JN_STR ? "'" : "",
                 e->keys[i], v->kind == JN_STR
                                 ? hint(h, sizeof h, v->s, verdicts) : "");
      ok = false;
      continue;
    }
    c->expect[c->nexpect++] = (test_expect){e->keys[i], v->s, v->key_line,
                                            v->key_col, 0};
  }
  return ok;
}

/* The facts of a case: exactly one of "facts" and "facts_file". */
static bool read_facts(imp_pool *p, const test_file *t, const jnode *o,
                       test_case *c) {
  bool ok = true;
  c->facts = member(t, o, "facts", JN_OBJ, "an object of facts", &ok);
  const jnode *ff = member(t, o, "facts_file", JN_STR, "a file name", &ok);
  if (ok && !c->facts == !ff) {
    test_error(t, o->line, o->col, "%s needs exactly one of \"facts\" (an "
               "object) and \"facts_file\"", c->label);
    return false;
  }
  c->facts_file = ff ? relative(p, t, ff->s) : NULL;
  return ok && (!ff || exists(t, ff, "facts_file", ff->s, c->facts_file));
}

static bool read_case(imp_pool *p, const test_file *t, const jnode *o,
                      size_t k, test_case *c) {
  if (o->kind != JN_OBJ) {
    test_error(t, o->line, o->col, "a case must be an object");
    return false;
  }
  bool ok = known_members(t, o, case_keys, "a case");
  const jnode *n = member(t, o, "name", JN_STR, "a string", &ok);
  member(t, o, "description", JN_STR, "a string", &ok);
  c->name = n ? n->s : imp_printf(p, "case %zu", k + 1);
  c->label = n ? imp_printf(p, "case '%s'", n->s) : c->name;
  c->line = o->line;
  c->col = o->col;
  ok &= read_facts(p, t, o, c);
  const jnode *e = member(t, o, "expect", JN_OBJ, "an object of rule ids "
                          "and verdicts", &ok);
  const jnode *comp = member(t, o, "compliant", JN_BOOL, "true or false",
                             &ok);
  c->compliant = comp ? comp->b : -1;
  c->mocks = member(t, o, "mocks", JN_OBJ, "an object", &ok);
  if (e)
    ok &= read_expect(p, t, e, c);
  if (ok && c->nexpect == 0 && c->compliant < 0) {
    test_error(t, o->line, o->col, "%s checks nothing: it needs \"expect\" "
               "(rule ids and verdicts) or \"compliant\"", c->label);
    ok = false;
  }
  return ok;
}

/* ==== the file =========================================================== */

static int by_name(const void *a, const void *b) {
  const test_case *x = *(const test_case *const *)a,
                  *y = *(const test_case *const *)b;
  int c = strcmp(x->name, y->name);
  return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Whether no two cases have one "name": a report naming a failing case
 * must say which one (unnamed cases are "case N" by position). Sorted,
 * so linear after the sort. */
static bool names_once(imp_pool *p, const test_file *t) {
  const test_case **v = imp_alloc(p, (t->ncases + 1) * sizeof *v);
  for (size_t k = 0; k < t->ncases; k++)
    v[k] = &t->cases[k];
  qsort(v, t->ncases, sizeof *v, by_name);
  bool ok = true;
  for (size_t k = 1; k < t->ncases; k++)
    if (v[k]->label != v[k]->name && v[k - 1]->label != v[k - 1]->name &&
        !strcmp(v[k]->name, v[k - 1]->name)) { /* both named */
      test_error(t, v[k]->line, v[k]->col, "%s is named twice: the other "
                 "is at %u:%u", v[k]->label, v[k - 1]->line, v[k - 1]->col);
      ok = false;
    }
  return ok;
}

static bool read_top(imp_pool *p, test_file *t, const jnode *doc) {
  if (doc->kind != JN_OBJ) {
    test_error(t, doc->line, doc->col, "a test file must be a JSON object");
    return false;
  }
  bool ok = known_members(t, doc, file_keys, "a test file");
  const jnode *pol = member(t, doc, "policy", JN_STR, "a file name", &ok);
  const jnode *cases = member(t, doc, "cases", JN_ARR, "a list of cases",
                              &ok);
  member(t, doc, "description", JN_STR, "a string", &ok);
  t->mocks = member(t, doc, "mocks", JN_OBJ, "an object", &ok);
  if (!pol || !cases) { /* the rest can still be checked? no: say so */
    if (ok)
      test_error(t, doc->line, doc->col, "a test file needs \"policy\" (a "
                 "file name) and \"cases\" (a list)");
    return false;
  }
  if (cases->n == 0) { /* a file of no cases would pass, checking nothing */
    test_error(t, cases->line, cases->col, "\"cases\" is empty: a test file "
               "needs at least one case");
    return false;
  }
  t->policy = relative(p, t, pol->s);
  ok &= exists(t, pol, "policy", pol->s, t->policy);
  t->cases = imp_alloc(p, (cases->n + 1) * sizeof *t->cases);
  t->ncases = cases->n;
  for (size_t k = 0; k < cases->n; k++)
    ok &= read_case(p, t, cases->items[k], k, &t->cases[k]);
  return ok && names_once(p, t);
}

bool test_read(imp_pool *p, const char *path, test_file *out) {
  cli_input in;
  memset(out, 0, sizeof *out);
  out->path = path;
  if (!cli_read(path, &in))
    return false;
  out->text = imp_strndup(p, in.data, in.len);
  out->len = in.len;
  free(in.data);
  const jnode *doc = jn_parse(p, out->text, out->len, path);
  return doc && read_top(p, out, doc);
}

bool test_bind_rules(test_file *t, const pol_policy *pol) {
  size_t n = pol_policy_rule_count(pol);
  const char **ids = calloc(n + 1, sizeof *ids);
  bool ok = ids != NULL;
  if (!ids)
    cli_out_of_memory();
  for (size_t r = 0; ids && r < n; r++)
    ids[r] = pol_policy_rule_id(pol, r);
  for (size_t k = 0; ids && k < t->ncases; k++)
    for (size_t i = 0; i < t->cases[k].nexpect; i++) {
      test_expect *e = &t->cases[k].expect[i];
      char h[160];
      e->index = pol_policy_rule_find(pol, e->rule);
      if (e->index != POL_NOT_FOUND)
        continue;
      test_error(t, e->line, e->col, "unknown rule '%s' in %s%s", e->rule,
                 t->policy, hint(h, sizeof h, e->rule, ids));
      ok = false;
    }
  free(ids);
  return ok;
}

char *test_excerpt(const test_file *t, const jnode *node, size_t *len,
                   unsigned *line) {
  size_t from = line ? node->off : 0; /* the blanks before it, or none */
  if (line)
    *line = node->line;
  char *out = malloc(node->end - from + 1);
  size_t n = 0;
  if (!out)
    return NULL;
  for (size_t i = from; i < node->off; i++) { /* a blank per code point */
    unsigned char c = (unsigned char)t->text[i];
    if (c == '\n')
      out[n++] = '\n';
    else if ((c & 0xC0) != 0x80)
      out[n++] = ' ';
  }
  memcpy(out + n, t->text + node->off, node->end - node->off);
  n += node->end - node->off;
  out[n] = '\0';
  *len = n;
  return out;
}
