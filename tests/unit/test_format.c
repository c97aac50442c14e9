/*
 * test_format.c: unit tests of the formatter (lib/format.c, pol_format):
 * the layout rules of docs/cli.md ("policyc fmt") on small inputs, and
 * on every .pol file of the repository (examples/, stdlib/, tests/) the
 * two promises: formatting is idempotent, and the formatted file
 * compiles to the same program (the disassembly with source positions
 * taken out, and the same rule table) or, for a file that does not
 * compile, to the same diagnostics.
 */
#include "harness.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "env_fixture.h"
#include "pol.h"

typedef env_fixture fixture;

/* The formatted text of [src] (a copy the caller frees). */
static char *fmt(fixture *f, const char *src) {
  const char *out;
  size_t len;
  assert_pol_ok(f, pol_format(f->env, src, strlen(src), "t.pol", &out,
                              &len));
  assert_int_equal(strlen(out), len);
  return strdup(out);
}

/* [src] formats to [want], and [want] to itself. */
static void expect(fixture *f, const char *src, const char *want) {
  char *got = fmt(f, src);
  assert_string_equal(got, want);
  free(got);
  got = fmt(f, want);
  assert_string_equal(got, want);
  free(got);
}

/* ==== layout rules ==== */

static void blocks_align_clause_values(void **state) {
  expect(*state,
         "rule r { title \"t\"; severity should\n"
         "require  a.b >= 1 }\n",
         "rule r {\n"
         "  title    \"t\"\n"
         "  severity should\n"
         "  require  a.b >= 1\n"
         "}\n");
  expect(*state, "policy \"p\" { title \"タイトル\"  version \"1\" }\n",
         "policy \"p\" {\n"
         "  title   \"タイトル\"\n"
         "  version \"1\"\n"
         "}\n");
  expect(*state, "rule r {}\n", "rule r {}\n");
}

static void spacing(void **state) {
  expect(*state, "a.b>=1&&!(c.d in [\"x\",\"y\"])||-x.y<-1\n",
         "a.b >= 1 && !(c.d in [\"x\", \"y\"]) || -x.y < -1\n");
  expect(*state, "let m = { \"a\" : 1 , \"b\":[ 1,2 ] }\n",
         "let m = {\"a\": 1, \"b\": [1, 2]}\n");
  expect(*state, "x ? a.?b : c[?0] ? size( y ) : T{ f : 1 }\n",
         "x ? a.?b : c[?0] ? size(y) : T{f: 1}\n");
  expect(*state, "fact a.`b-c` : list( string ) in [\"x\"] \"d\"\n",
         "fact a.`b-c`: list(string) in [\"x\"] \"d\"\n");
  expect(*state, "must r \"t\" : a.b.exists( x , x == 1 )\n",
         "must r \"t\": a.b.exists(x, x == 1)\n");
}

static void comments_and_blank_lines(void **state) {
  expect(*state,
         "\n\n// head\n\n\nimport \"regions\" // regions\n"
         "let a = 1   // one\nlet bb = 22 // two\n\n\n"
         "rule r { // the rule\n\n  // before require\n"
         "  require a ==  1 // end\n\n  // last\n\n}\n// tail\n\n",
         "// head\n\n"
         "import \"regions\"  // regions\n"
         "let a = 1         // one\n"
         "let bb = 22       // two\n\n"
         "rule r {  // the rule\n"
         "  // before require\n"
         "  require a == 1  // end\n\n"
         "  // last\n"
         "}\n"
         "// tail\n");
  /* a comment inside an expression keeps its line break */
  expect(*state, "let x = a &&  // why a\n  b\n",
         "let x = a &&  // why a\n"
         "        b\n");
  expect(*state, "let x = [1,\n// the second\n2]\n",
         "let x = [1,\n"
         "         // the second\n"
         "         2]\n");
}

static void long_expressions_wrap_after_operators(void **state) {
  expect(*state,
         "rule r { require encryption.at_rest.enabled && "
         "encryption.in_transit.enabled && backup.generations >= 7 }\n",
         "rule r {\n"
         "  require encryption.at_rest.enabled &&\n"
         "          encryption.in_transit.enabled &&\n"
         "          backup.generations >= 7\n"
         "}\n");
  /* the loosest operator breaks first */
  expect(*state,
         "let ok = has(backup.generations) ? backup.generations >= 7 : "
         "backup.generations_target >= 7\n",
         "let ok = has(backup.generations) ?\n"
         "         backup.generations >= 7 :\n"
         "         backup.generations_target >= 7\n");
  /* commas fill lines, continuation after the open bracket */
  expect(*state,
         "rule r { refs [\"METI-2013 12.6.1\", \"METI-2013 18.2.3\", "
         "\"METI-2013 18.2.1\", \"ISO27017 18.2.1\"]\n require x }\n",
         "rule r {\n"
         "  refs    [\"METI-2013 12.6.1\", \"METI-2013 18.2.3\", "
         "\"METI-2013 18.2.1\",\n"
         "           \"ISO27017 18.2.1\"]\n"
         "  require x\n"
         "}\n");
  /* after a long one-line head, the expression gets a line of its own */
  expect(*state,
         "should backup_depth \"7日（7世代）以上遡って復旧できること\": "
         "backup.generations >= 7 || backup.generations_max >= 7\n",
         "should backup_depth \"7日（7世代）以上遡って復旧できること\":\n"
         "    backup.generations >= 7 || backup.generations_max >= 7\n");
}

/* A line break after a clause keyword would end the clause, so its
 * value stays on the keyword's line even where a one-line rule's would
 * move to a line of its own: a first line of 71 to 74 columns, or a
 * comment inside it (both were refused as E0903, "a bug"). */
static void clause_values_stay_after_their_keyword(void **state) {
  expect(*state,
         "rule r {\n  require aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
         "bbbbbbbbbbbbbbbbbb >= 1 || c.d || e.f\n}\n",
         "rule r {\n"
         "  require aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa."
         "bbbbbbbbbbbbbbbbbb >=\n"
         "          1 ||\n"
         "          c.d ||\n"
         "          e.f\n"
         "}\n");
  expect(*state, "rule r {\n require (a // c\n    + 7) > 3 }\n",
         "rule r {\n"
         "  require (a  // c\n"
         "           +\n"
         "           7) >\n"
         "          3\n"
         "}\n");
  expect(*state, "rule r {\n when [a // c\n  ] == []\n require x }\n",
         "rule r {\n"
         "  when    [a  // c\n"
         "           ] ==\n"
         "          []\n"
         "  require x\n"
         "}\n");
}

static void multiline_input_is_joined(void **state) {
  expect(*state, "must r: a &&\n   b\n", "must r: a && b\n");
  expect(*state, "let a = 1; let b = 2;;\n", "let a = 1\nlet b = 2\n");
  expect(*state, "", "");
  expect(*state, "// only a comment", "// only a comment\n");
  expect(*state, "x // c\r\n", "x  // c\n");
}

static void syntax_errors_are_refused(void **state) {
  fixture *f = *state;
  const char *out = "x";
  size_t len = 1;
  assert_int_equal(pol_format(f->env, "rule r {\n require (a\n}\n", 20,
                              "bad.pol", &out, &len),
                   POL_ESYNTAX);
  assert_null(out);
  assert_true(pol_diag_count(f->env) > 0);
  assert_int_equal(pol_format(f->env, "x", 1, "t", NULL, &len), POL_EINVAL);
}

static void bare_rule_titles_survive_formatting(void **state) {
  fixture *f = *state;
  const char *src = "a.b>=1 &&   // c\n  c  in [\"x\"]\n";
  pol_policy *pol;
  assert_pol_ok(f, pol_policy_compile(f->env, src, strlen(src), "t.pol",
                                      &pol));
  assert_string_equal(pol_policy_rule_title(pol, 0),
                      "a.b >= 1 && c in [\"x\"]");
  pol_policy_free(pol);
}

/* ==== every policy of the repository ==== */

typedef struct paths {
  char **v;
  size_t n, cap;
} paths;

static void walk(paths *ps, const char *dir) {
  DIR *d = opendir(dir);
  struct dirent *e;
  while (d && (e = readdir(d))) {
    if (e->d_name[0] == '.')
      continue;
    char path[1024];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    size_t n = strlen(path);
    if (stat(path, &st) != 0)
      continue;
    if (S_ISDIR(st.st_mode)) {
      walk(ps, path);
    } else if (n > 4 && strcmp(path + n - 4, ".pol") == 0) {
      if (ps->n == ps->cap)
        ps->v = realloc(ps->v, (ps->cap = ps->cap * 2 + 16) * sizeof *ps->v);
      ps->v[ps->n++] = strdup(path);
    }
  }
  if (d)
    closedir(d);
}

static char *slurp(const char *path, size_t *len) {
  FILE *fp = fopen(path, "rb");
  assert_non_null(fp);
  char *buf = malloc(1 << 20);
  *len = fread(buf, 1, (1 << 20) - 1, fp);
  buf[*len] = '\0';
  fclose(fp);
  return buf;
}

/* The disassembly without source positions ("0012  3:14  LOADVAR ..."
 * becomes "0012 LOADVAR ..."). */
static void strip_positions(const char *s, char *out) {
  while (*s) {
    const char *nl = strchr(s, '\n');
    size_t n = nl ? (size_t)(nl - s) + 1 : strlen(s);
    const char *colon = memchr(s, ':', n);
    const char *sp = memchr(s, ' ', n);
    if (s[0] >= '0' && s[0] <= '9' && colon && sp && sp < colon) {
      const char *after = colon;
      while (*after != ' ' && after < s + n)
        after++;
      while (*after == ' ' && after < s + n)
        after++;
      memcpy(out, s, (size_t)(sp - s));
      out += sp - s;
      *out++ = ' ';
      n -= (size_t)(after - s);
      s = after;
    }
    memcpy(out, s, n);
    out += n;
    s += n;
  }
  *out = '\0';
}

/* What compiling [src] as [path] gives, positions aside: the program and
 * rule table, or the diagnostics' messages without their digits (which
 * hold the lines and columns of other definitions). */
static char *compiled(fixture *f, const char *path, const char *src,
                      size_t len) {
  pol_policy *pol;
  size_t cap = 4 * len + (1 << 16);
  char *out = malloc(cap), *o = out;
  *o = '\0';
  if (pol_policy_compile(f->env, src, len, path, &pol) != POL_OK) {
    for (size_t i = 0; i < pol_diag_count(f->env); i++) {
      pol_diag d = POL_DIAG_INIT;
      pol_diag_get(f->env, i, &d);
      for (const char *m = d.message; *m && o + 2 < out + cap; m++)
        if (*m < '0' || *m > '9') /* no line or column numbers */
          *o++ = *m;
      *o++ = '\n';
    }
    *o = '\0';
    return out;
  }
  for (size_t r = 0; r < pol_policy_rule_count(pol); r++) {
    o += snprintf(o, cap - (size_t)(o - out), "%s|%s|%s|%s|",
                  pol_policy_rule_id(pol, r), pol_policy_rule_title(pol, r),
                  pol_policy_rule_severity(pol, r),
                  pol_policy_rule_ask(pol, r) ? pol_policy_rule_ask(pol, r)
                                              : "");
    for (size_t k = 0; k < pol_policy_rule_ref_count(pol, r); k++)
      o += snprintf(o, cap - (size_t)(o - out), "%s,",
                    pol_policy_rule_ref(pol, r, k));
    *o++ = '\n';
  }
  const char *dis = pol_policy_disasm(f->env, pol);
  size_t used = (size_t)(o - out);
  out = realloc(out, used + strlen(dis) + 1);
  strip_positions(dis, out + used);
  pol_policy_free(pol);
  return out;
}

/* One file: idempotent, and compiles alike before and after. */
static void check_file(fixture *f, const char *path) {
  size_t len, n1, n2;
  char *src = slurp(path, &len);
  const char *out;
  if (pol_format(f->env, src, len, path, &out, &n1) != POL_OK) {
    /* a deliberately broken file: the compiler refuses it too */
    pol_policy *pol = NULL;
    assert_int_not_equal(pol_policy_compile(f->env, src, len, path, &pol),
                         POL_OK);
    free(src);
    return;
  }
  char *once = strdup(out);
  assert_pol_ok(f, pol_format(f->env, once, n1, path, &out, &n2));
  if (strcmp(out, once) != 0)
    fail_msg("%s: formatting is not idempotent", path);
  char *before = compiled(f, path, src, len);
  char *after = compiled(f, path, once, n1);
  if (strcmp(before, after) != 0) {
    size_t k = 0, line = 1;
    for (; before[k] == after[k]; k++)
      line += before[k] == '\n';
    fail_msg("%s: formatting changed the program at line %zu:\n%.200s\n"
             "---\n%.200s", path, line, before + k, after + k);
  }
  free(before);
  free(after);
  free(once);
  free(src);
}

static void every_policy_of_the_repository(void **state) {
  paths ps = {NULL, 0, 0};
  walk(&ps, "examples");
  walk(&ps, "stdlib");
  walk(&ps, "tests");
  assert_true(ps.n >= 50);
  for (size_t i = 0; i < ps.n; i++) {
    check_file(*state, ps.v[i]);
    free(ps.v[i]);
  }
  free(ps.v);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(blocks_align_clause_values, env_setup,
                                      env_teardown),
      cmocka_unit_test_setup_teardown(spacing, env_setup, env_teardown),
      cmocka_unit_test_setup_teardown(comments_and_blank_lines, env_setup,
                                      env_teardown),
      cmocka_unit_test_setup_teardown(long_expressions_wrap_after_operators,
                                      env_setup, env_teardown),
      cmocka_unit_test_setup_teardown(clause_values_stay_after_their_keyword,
                                      env_setup, env_teardown),
      cmocka_unit_test_setup_teardown(multiline_input_is_joined, env_setup,
                                      env_teardown),
      cmocka_unit_test_setup_teardown(syntax_errors_are_refused, env_setup,
                                      env_teardown),
      cmocka_unit_test_setup_teardown(bare_rule_titles_survive_formatting,
                                      env_setup, env_teardown),
      cmocka_unit_test_setup_teardown(every_policy_of_the_repository, env_setup,
                                      env_teardown),
  };
  return RUN_TESTS("format", tests, argc, argv);
}
