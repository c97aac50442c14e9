/*
 * test_schema.c: the fact schema (lib/schema.c) and the checker of
 * names and types (lib/check.c) through policy_compile: unknown paths
 * and names with suggestions, type mismatches, conditions that are not
 * bool, methods on the wrong receiver, and everything that must NOT be
 * taken for a fact (macro variables, binds, lets, type names, function
 * namespaces); each mistake reported once.
 */
#include "harness.h"

#include <stdlib.h>

#include "policy.h"
#include "schema.h"

static const char decls[] =
    "fact backup.generations: int \"世代数\"\n"
    "fact backup.enabled: bool\n"
    "fact log.time_zone: string in [\"UTC\", \"JST\"]\n"
    "fact certifications.vendor: list(string)\n"
    "fact certifications.vendor_expiry: map(string, string)\n"
    "fact subprocessors: list(map(string, string))\n"
    "fact availability.percent: double\n";

/* Compile [decls] + [rules]; return the first diagnostic's message (and
 * its hint after " / "), or NULL if it compiled. */
static char msg[512];
static const char *compile(const char *rules) {
  char src[4096];
  snprintf(src, sizeof src, "%s%s", decls, rules);
  diag_set ds = {0};
  policy_paths paths = {.dirs = NULL};
  policy *p = policy_compile(src, strlen(src), "t.pol", &paths, &ds);
  const char *r = NULL;
  for (size_t i = 0; i < ds.n && !r; i++)
    if (ds.lists[i]->n) {
      const diag *d = &ds.lists[i]->items[0];
      snprintf(msg, sizeof msg, "%u:%u: %s%s%s", d->sp.line, d->sp.col,
               d->msg, d->hint ? " / " : "", d->hint ? d->hint : "");
      r = msg;
    }
  policy_free(p);
  diag_set_free(&ds);
  return r;
}

static void unknown_fact_gets_a_suggestion(void **state) {
  (void)state;
  assert_string_equal(compile("must r: backup.generation >= 7\n"),
                      "8:9: unknown fact 'backup.generation' / did you mean "
                      "'backup.generations'?");
  assert_string_equal(compile("must r: incident.hours < 3\n"),
                      "8:9: unknown name 'incident': not a let, a variable or "
                      "a declared fact");
}

/* All diagnostics of [decls] + [rules], "line:col: message" each, one
 * per line (hints left out). */
static char all[2048];
static const char *compile_all(const char *rules) {
  char src[4096];
  snprintf(src, sizeof src, "%s%s", decls, rules);
  diag_set ds = {0};
  policy_paths paths = {.dirs = NULL};
  policy *p = policy_compile(src, strlen(src), "t.pol", &paths, &ds);
  size_t len = 0;
  all[0] = '\0';
  for (size_t i = 0; i < ds.n; i++)
    for (size_t j = 0; j < ds.lists[i]->n && len < sizeof all; j++) {
      const diag *d = &ds.lists[i]->items[j];
      len += (size_t)snprintf(all + len, sizeof all - len, "%s%u:%u: %s",
                              len ? "\n" : "", d->sp.line, d->sp.col,
                              d->msg);
    }
  policy_free(p);
  diag_set_free(&ds);
  return all;
}

/* backup.retention-days is a subtraction to CEL: one unknown fact for
 * the whole, with the name meant, not one per part. */
static void a_hyphen_in_a_fact_is_one_mistake(void **state) {
  (void)state;
  assert_string_equal(compile("must r: backup-generations >= 7\n"),
                      "8:9: unknown fact 'backup-generations': a name has "
                      "no '-' / did you mean 'backup_generations'?");
  assert_string_equal(compile("must r: log.time-zone == \"UTC\"\n"),
                      "8:9: unknown fact 'log.time-zone': a name has no "
                      "'-' / did you mean 'log.time_zone'?");
  assert_string_equal(compile_all("must r: availability.per-cent > 1\n"),
                      "8:9: unknown fact 'availability.per-cent': a name "
                      "has no '-'");
  /* arithmetic on known names, or with blanks, is arithmetic */
  assert_null(compile("let a = 3\nmust r: backup.generations-a > 1\n"));
  assert_string_equal(compile("must r: backup.generations - gens > 1\n"),
                      "8:30: unknown name 'gens': not a let, a variable or "
                      "a declared fact");
}

/* True, FALSE, yes: the literal meant, not the nearest let. */
static void other_languages_literals(void **state) {
  (void)state;
  assert_string_equal(compile("let ES = 1\nmust r: backup.enabled == yes\n"),
                      "9:27: unknown name 'yes' / write true: CEL's "
                      "literals are true, false and null");
  assert_string_equal(compile("must r: backup.enabled == True\n"),
                      "8:27: unknown name 'True' / write true: CEL's "
                      "literals are lower case");
}

/* After a syntax error, the statements that are right are still
 * checked: a misspelt fact further down is reported in the same run,
 * and nothing of what the bad statement would have defined. */
static void checked_after_a_syntax_error(void **state) {
  (void)state;
  assert_string_equal(compile_all("let min = ７\n"
                                  "must a: backup.generations >= min\n"
                                  "must b: backup.generation >= 7\n"),
                      "8:11: full-width '７' in code\n"
                      "10:9: unknown fact 'backup.generation'");
  assert_string_equal(compile_all("rule r {\n  require backup.enabled &&\n"
                                  "}\nmust s: backup.enable\n"),
                      "10:1: unexpected '}'\n"
                      "11:9: unknown fact 'backup.enable'");
}

static void comparison_with_the_wrong_type(void **state) {
  (void)state;
  assert_string_equal(compile("must r: backup.generations == \"7\"\n"),
                      "8:9: fact 'backup.generations' is int, but is "
                      "compared with a string / write the number without "
                      "quotes");
  assert_string_equal(compile("must r: true != backup.generations\n"),
                      "8:9: fact 'backup.generations' is int, but is "
                      "compared with a bool");
  /* numbers compare across kinds */
  assert_null(compile("must r: availability.percent >= 99\n"));
  assert_null(compile("must r: backup.generations >= 7.0\n"));
}

static void prefixes_and_maps_are_known(void **state) {
  (void)state;
  assert_null(compile("must r: has(backup.enabled) && backup != {}\n"));
  assert_null(compile("must r: certifications.vendor_expiry.PMARK > "
                      "\"2026\"\n"));
  assert_string_equal(compile("must r: has(backup.enable)\n"),
                      "8:13: unknown fact 'backup.enable' / did you mean "
                      "'backup.enabled'?");
}

static void locals_are_not_facts(void **state) {
  (void)state;
  assert_null(compile("must r: subprocessors.all(s, s.jurisdiction == "
                      "\"JP\")\n"));
  assert_null(compile("must r: certifications.vendor.exists(c, c == "
                      "\"ISO27001\")\n"));
  assert_null(compile("must r: cel.bind(g, backup.generations, g > 3)\n"));
  assert_null(compile("let min = 7\nmust r: backup.generations >= min\n"));
  assert_null(compile("must r: type(backup.generations) == int && "
                      "math.greatest(backup.generations, 1) > 0\n"));
  /* but a path inside a macro body still is checked */
  assert_string_equal(compile("must r: [1].all(x, backup.gens > x)\n"),
                      "8:20: unknown fact 'backup.gens' / did you mean "
                      "'backup.generations'?");
}

/* Every reserved root (check.c, reserved_root: found by its first byte,
 * then the whole name) is no fact, and a name that only starts like one
 * is checked. */
static void reserved_roots_are_not_facts(void **state) {
  (void)state;
  const char *roots[] = {"bool", "int", "uint", "double", "string", "bytes",
                         "list", "map", "null_type", "type", "optional_type",
                         "google", "math", "strings", "base64", "optional",
                         "cel", "dyn"};
  for (size_t i = 0; i < sizeof roots / sizeof *roots; i++) {
    char src[128];
    snprintf(src, sizeof src, "must r: %s.x.y == 1\n", roots[i]);
    const char *e = compile(src);
    if (e)
      assert_null(strstr(e, "unknown"));
  }
  assert_non_null(strstr(compile("must r: mathx.y == 1\n"), "unknown name"));
  assert_non_null(strstr(compile("must r: dy.y == 1\n"), "unknown name"));
}

static void declarations_are_checked(void **state) {
  (void)state;
  assert_string_equal(compile("fact backup.enabled: bool\nmust r: true\n"),
                      "8:1: fact 'backup.enabled' is already declared at "
                      "t.pol:2:1");
  assert_string_equal(compile("fact a.b: string in [x]\nmust r: true\n"),
                      "8:22: allowed values must be literals");
}

static void lookup_after_sorting(void **state) {
  (void)state;
  const char *src = "fact z.last: int\nfact a.first: bool \"最初\"\n"
                    "must r: a.first\n";
  diag_set ds = {0};
  policy_paths paths = {.dirs = NULL};
  policy *p = policy_compile(src, strlen(src), "t.pol", &paths, &ds);
  assert_non_null(p);
  assert_int_equal(p->nfacts, 2 + p->nquiet); /* the prelude's own */
  assert_string_equal(p->facts[0].path, "a.first");
  const fact_decl *f = policy_fact(p, "a.first");
  assert_non_null(f);
  assert_string_equal(f->desc, "最初");
  assert_int_equal(f->type->kind, V_BOOL);
  assert_null(policy_fact(p, "a"));
  sbuf t;
  sb_init(&t, NULL);
  schema_type_name(policy_fact(p, "z.last")->type, &t);
  sb_putc(&t, '\0');
  assert_string_equal(t.p, "int");
  sb_free(&t);
  policy_free(p);
  diag_set_free(&ds);
}

/* schema_known() as it was first written, one declaration after another:
 * the reference for the binary searches that replaced it. */
static bool known_by_scan(const policy *p, const char *path) {
  size_t n = strlen(path);
  for (uint32_t i = 0; i < p->nfacts; i++) {
    const fact_decl *f = &p->facts[i];
    size_t fn = strlen(f->path);
    if (strcmp(f->path, path) == 0 ||
        (strncmp(f->path, path, n) == 0 && f->path[n] == '.'))
      return true;
    if ((f->type->kind == V_MAP || f->type->kind == T_DYN) &&
        strncmp(path, f->path, fn) == 0 && path[fn] == '.')
      return true;
  }
  return false;
}

/* Paths that sort around each other ('.' comes before digits, letters
 * and '_'), maps and any at several depths, asked of every prefix and
 * extension: the searches answer as the scan does. */
static void known_paths_are_found_by_search(void **state) {
  (void)state;
  const char *src =
      "fact a.b: int\nfact a.b0: int\nfact a_b.c: bool\nfact ab: string\n"
      "fact a.bc.d: int\nfact m: map(string, int)\nfact m0.x: any\n"
      "fact q.r.s: map(string, string)\nfact q.r_t: int\nfact z: any\n"
      "must r: true\n";
  static const char *const ask[] = {
      "a", "a.b", "a.b0", "a.b1", "a.bc", "a.bc.d", "a.bc.d.e", "a.b.c",
      "a_b", "a_b.c", "a_b.c.d", "ab", "ab.x", "a.", "m", "m.k", "m.k.l",
      "m0", "m0.x", "m0.x.y", "m0.y", "mm", "q", "q.r", "q.r.s", "q.r.s.t",
      "q.r.t", "q.r_t", "q.r_t.u", "z", "z.any.depth", "zz", "b", "", "q.r_"};
  diag_set ds = {0};
  policy_paths paths = {.dirs = NULL};
  policy *p = policy_compile(src, strlen(src), "t.pol", &paths, &ds);
  assert_non_null(p);
  size_t yes = 0, above = 0;
  for (size_t i = 0; i < POL_COUNTOF(ask); i++) {
    bool want = known_by_scan(p, ask[i]);
    if (schema_known(p, ask[i]) != want)
      fail_msg("schema_known(\"%s\") is not %d", ask[i], want);
    yes += want;
    /* validate.c's question, which was a scan of its own */
    want = false;
    size_t n = strlen(ask[i]);
    for (uint32_t k = 0; k < p->nfacts; k++)
      want |= strncmp(p->facts[k].path, ask[i], n) == 0 &&
              p->facts[k].path[n] == '.';
    if (schema_above(p, ask[i]) != want)
      fail_msg("schema_above(\"%s\") is not %d", ask[i], want);
    above += want;
  }
  assert_true(yes > 10 && yes < POL_COUNTOF(ask) - 5); /* both answers */
  assert_true(above > 5 && above < POL_COUNTOF(ask) - 5);
  policy_free(p);
  diag_set_free(&ds);
}

static void without_declarations_nothing_is_checked(void **state) {
  (void)state;
  diag_set ds = {0};
  policy_paths paths = {.dirs = NULL};
  const char *src = "must r: anything.at.all > 1\n";
  policy *p = policy_compile(src, strlen(src), "t.pol", &paths, &ds);
  assert_non_null(p);
  assert_int_equal(diag_set_count(&ds), 0);
  policy_free(p);
  diag_set_free(&ds);
}

/* Compile [src] alone; the policy, or NULL with the first diagnostic in
 * msg. The caller frees the policy. */
static policy *compile_only(const char *src) {
  diag_set ds = {0};
  policy_paths paths = {.dirs = NULL};
  policy *p = policy_compile(src, strlen(src), "t.pol", &paths, &ds);
  msg[0] = '\0';
  for (size_t i = 0; i < ds.n && !msg[0]; i++)
    if (ds.lists[i]->n) {
      const diag *d = &ds.lists[i]->items[0];
      snprintf(msg, sizeof msg, "%u:%u: %s%s%s", d->sp.line, d->sp.col,
               d->msg, d->hint ? " / " : "", d->hint ? d->hint : "");
    }
  diag_set_free(&ds);
  return p;
}

/* How many diagnostics compiling [decls] + [rules] gives. */
static size_t count(const char *rules) {
  char src[4096];
  snprintf(src, sizeof src, "%s%s", decls, rules);
  diag_set ds = {0};
  policy_paths paths = {.dirs = NULL};
  policy_free(policy_compile(src, strlen(src), "t.pol", &paths, &ds));
  size_t n = diag_set_count(&ds);
  diag_set_free(&ds);
  return n;
}

static void mistyped_lets_and_variables_are_names(void **state) {
  (void)state;
  assert_string_equal(compile("let allowed = [\"JP\"]\n"
                              "must r: log.time_zone in alowed\n"),
                      "9:26: unknown name 'alowed' / did you mean the let "
                      "'allowed'?");
  assert_string_equal(compile("must r: subprocessors.all(s, "
                              "ss.jurisdiction == \"JP\")\n"),
                      "8:30: unknown name 'ss' / did you mean the variable "
                      "'s'?");
  assert_string_equal(compile("must r: nothing_like_it > 1\n"),
                      "8:9: unknown name 'nothing_like_it': not a let, a "
                      "variable or a declared fact");
  /* a let's mistake is reported once, however often it is used */
  assert_int_equal(count("let x = backup.gens\nmust a: x > 1\n"
                         "must b: x > 2\n"), 1);
}

/* A derived fact's expression goes through the same checks as a let's:
 * each mistake in it is one diagnostic at its place, whether or not a
 * rule reads the fact, and the prelude's derived facts (which read
 * facts no policy declares) never turn into errors of the policy. */
static void derived_facts_are_checked(void **state) {
  (void)state;
  assert_string_equal(compile("fact gens: int = sizee(backup.generations)\n"
                              "must r: gens > 1\n"),
                      "8:18: unknown function 'sizee' / did you mean "
                      "'size'?");
  assert_int_equal(count("fact gens: int = sizee(backup.generations)\n"
                         "must r: gens > 1\nmust q: gens < 9\n"), 1);
  assert_int_equal(count("fact gens: int = lenn(backup.generations)\n"), 1);
  assert_string_equal(compile("fact on: bool = backup.enable\n"),
                      "8:17: unknown fact 'backup.enable' / did you mean "
                      "'backup.enabled'?");
  assert_null(compile("must r: data_region == \"JP\" && "
                      "backup_generations >= 7 && data.region == \"JP\"\n"));
}

static void unknown_calls_are_compile_errors(void **state) {
  (void)state;
  assert_string_equal(compile("must r: len(log.time_zone) > 1\n"),
                      "8:9: unknown function 'len' / did you mean 'size'?");
  /* SQL writes them in capitals */
  assert_string_equal(compile("must r: NOT(backup.enabled)\n"),
                      "8:9: unknown function 'NOT' / did you mean '!'?");
  assert_string_equal(compile("must r: LEN(log.time_zone) > 1\n"),
                      "8:9: unknown function 'LEN' / did you mean 'size'?");
  assert_string_equal(compile("must r: log.time_zone.startswith(\"U\")\n"),
                      "8:9: unknown method 'startswith' / did you mean "
                      "'startsWith'?");
  assert_string_equal(compile("must r: log.time_zone.includes(\"U\")\n"),
                      "8:9: unknown method 'includes' / did you mean "
                      "'contains'?");
  assert_string_equal(compile("must r: size(log.time_zone, 1) > 1\n"),
                      "8:9: function 'size' takes 1 argument, got 2 / "
                      "size(string|bytes|list|map) -> int");
  /* in a let no rule uses, and in one that two rules use: once */
  assert_int_equal(count("let x = lenn(1)\nmust r: true\n"), 1);
  assert_int_equal(count("let x = lenn(1)\nmust a: x\nmust b: x\n"), 1);
}

static void methods_need_their_receiver(void **state) {
  (void)state;
  assert_string_equal(compile("must r: certifications.vendor.contains("
                              "\"ISO27001\")\n"),
                      "8:9: method 'contains' takes a string, but its "
                      "receiver is list(string) / to test whether a list "
                      "holds a value, write \"ISO27001\" in "
                      "certifications.vendor");
  assert_string_equal(compile("must r: backup.generations.startsWith(\"7\")"
                              "\n"),
                      "8:9: method 'startsWith' takes a string, but its "
                      "receiver is int");
  assert_null(compile("must r: subprocessors.all(s, s.name.contains(\"x\"))"
                      "\n"));
  assert_null(compile("must r: certifications.vendor_expiry.PMARK"
                      ".startsWith(\"2026\")\n"));
}

static void conditions_must_be_bool(void **state) {
  (void)state;
  assert_string_equal(compile("must r: backup.generations\n"),
                      "8:9: 'require' must be a bool, but this is int / "
                      "compare it, as in backup.generations >= 7");
  assert_string_equal(compile("rule r { when log.time_zone\n require true }"
                              "\n"),
                      "8:15: 'when' must be a bool, but this is string / "
                      "compare it, as in data.region == \"JP\"");
  assert_string_equal(compile("let n = size(subprocessors)\nmust r: n\n"),
                      "9:9: 'require' must be a bool, but this is int / "
                      "compare it, as in backup.generations >= 7");
  assert_null(compile("must r: backup.enabled && size(subprocessors) > 0\n"));
  assert_string_equal(compile("must r: subprocessors[0].ok\n"),
                      "8:9: 'require' must be a bool, but this is string / "
                      "compare it, as in data.region == \"JP\"");
  assert_null(compile("must r: [true, 1][0]\n")); /* not known */
}

static void message_templates_are_checked(void **state) {
  (void)state;
  assert_string_equal(compile("rule r { require true\n"
                              " message \"{backup.generation} 世代\" }\n"),
                      "9:12: in message: unknown fact 'backup.generation' / "
                      "did you mean 'backup.generations'?");
}

static void missing_module_does_not_cascade(void **state) {
  (void)state;
  assert_int_equal(count("import \"no_such_consts\"\n"
                         "must a: backup.generations >= MIN_GENS\n"
                         "must b: log.time_zone in ZONES\n"), 1);
  /* a typo in a declared fact is still one */
  assert_int_equal(count("import \"no_such_consts\"\n"
                         "must a: backup.generation >= MIN_GENS\n"), 2);
}

static void questions_and_refs(void **state) {
  (void)state;
  policy *p = compile_only(
      "fact backup.generations: int \"世代数（確約値）\" {\n"
      "  refs [\"METI-2013 12.3.1\", \"ISO27017 12.3.1\"]\n"
      "  ask ja \"保管世代数をご教示ください。\"\n"
      "  ask en \"How many generations do you keep?\"\n"
      "}\n"
      "fact backup.enabled: bool { ask \"取得していますか。\" }\n"
      "fact log.ntp: bool\n"
      "rule r { require backup.enabled\n ask ja \"質問\" en \"Q\" }\n");
  assert_non_null(p);
  const fact_decl *f = policy_fact(p, "backup.generations");
  assert_string_equal(f->desc, "世代数（確約値）");
  assert_int_equal(f->nrefs, 2);
  assert_string_equal(f->refs[1], "ISO27017 12.3.1");
  assert_string_equal(policy_fact_question(p, "backup.generations",
                                           LANG_JA),
                      "保管世代数をご教示ください。");
  assert_string_equal(policy_fact_question(p, "backup.generations",
                                           LANG_EN),
                      "How many generations do you keep?");
  /* untagged is Japanese */
  assert_string_equal(policy_fact_question(p, "backup.enabled", LANG_JA),
                      "取得していますか。");
  assert_null(policy_fact_question(p, "backup.enabled", LANG_EN));
  assert_null(policy_fact_question(p, "log.ntp", LANG_JA));
  assert_int_equal(policy_fact(p, "log.ntp")->nrefs, 0);
  assert_null(policy_fact_question(p, "no.such", LANG_JA));
  assert_null(policy_fact_question(p, "backup", LANG_JA));
  assert_string_equal(policy_rule_question(&p->rules[0], LANG_JA), "質問");
  assert_string_equal(policy_rule_question(&p->rules[0], LANG_EN), "Q");
  assert_int_equal(policy_lang("en"), LANG_EN);
  assert_int_equal(policy_lang("fr"), -1);
  policy_free(p);
}

static void fact_clauses_are_checked(void **state) {
  (void)state;
  assert_null(compile_only("fact a: int { ask ja \"x\"\n ask \"y\" }\n"));
  assert_string_equal(msg, "2:6: duplicate 'ask' in language 'ja' (first "
                           "at line 1)");
  assert_null(compile_only("fact a: int { refs [\"a\"]; refs [\"b\"] }\n"));
  assert_string_equal(msg, "1:27: duplicate 'refs' clause (first at line "
                           "1)");
  assert_null(compile_only("fact a: int { refs \"a\" }\n"));
  assert_string_equal(msg, "1:20: 'refs' must be a list of strings");
  assert_null(compile_only("rule r { require true; ask en \"a\" en "
                           "\"b\" }\n"));
  assert_string_equal(msg, "1:38: duplicate 'ask' in language 'en' (first "
                           "at line 1)");
  /* allowed values and a block together */
  policy *p = compile_only("fact t: string in [\"a\", \"other\"] { ask "
                           "\"q\" }\nmust r: t == \"a\"\n");
  assert_non_null(p);
  assert_int_equal(policy_fact(p, "t")->allowed.kind, V_LIST);
  policy_free(p);
}

/* Whether [s] holds an ASCII identifier with a dot or an underscore in it
 * (backup.generations, retention_days): a fact path or a schema note. */
static bool has_dotted_identifier(const char *s) {
  for (const char *c = s; *c;) {
    bool alpha = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z');
    if (!alpha && *c != '_') {
      c++;
      continue;
    }
    const char *start = c;
    bool joined = false;
    for (; *c && ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                  (*c >= '0' && *c <= '9') || *c == '_' || *c == '.');
         c++)
      if ((*c == '.' || *c == '_') && c > start && c[1] &&
          ((c[1] >= 'a' && c[1] <= 'z') || (c[1] >= 'A' && c[1] <= 'Z') ||
           c[1] == '_'))
        joined = true;
    if (joined || *start == '_')
      return true;
  }
  return false;
}

/* Every fact of the built-in vocabulary has a question in both
 * languages and the controls it serves; the Japanese question is for a
 * vendor, so it names no fact path and carries no schema note. */
static void vocabulary_questions_are_fit_to_send(void **state) {
  (void)state;
  policy *p = compile_only("import \"vendor_schema\"\n");
  assert_non_null(p);
  assert_true(p->nfacts > 400);
  for (uint32_t i = 0; i < p->nfacts; i++) {
    const fact_decl *f = &p->facts[i];
    const char *ja = policy_fact_question(p, f->path, LANG_JA);
    const char *en = policy_fact_question(p, f->path, LANG_EN);
    if (!ja || !en || f->nrefs == 0 || !f->desc)
      fail_msg("%s: missing %s", f->path, !ja ? "ask ja" : !en ? "ask en"
                                          : f->nrefs == 0 ? "refs" : "desc");
    if (has_dotted_identifier(ja) || strstr(ja, f->path))
      fail_msg("%s: the Japanese question names an identifier: %s",
               f->path, ja);
    if (strstr(ja, "true") || strstr(ja, "false") || strstr(ja, "[]") ||
        strstr(ja, "double") || strstr(ja, "ISO コード"))
      fail_msg("%s: the Japanese question carries a schema note: %s",
               f->path, ja);
    assert_true(strncmp(f->path, "options.", 8) != 0 ||
                policy_fact(p, f->path + 8) != NULL);
  }
  assert_false(has_dotted_identifier("TLS 1.2 の ISO/IEC 27001 認証"));
  assert_true(has_dotted_identifier("backup.generations をご教示"));
  assert_true(has_dotted_identifier("retention_days は"));
  policy_free(p);
}

/* The rules of a baseline module name controls of their own standard
 * ([prefix]), and ask the vendor in both languages, fit to send. */
static void check_baseline(const char *module, const char *prefix,
                           uint32_t at_least) {
  char src[64];
  snprintf(src, sizeof src, "import \"%s\"\n", module);
  policy *p = compile_only(src);
  assert_non_null(p);
  assert_true(p->nrules >= at_least);
  for (uint32_t i = 0; i < p->nrules; i++) {
    const rule *r = &p->rules[i];
    const char *ja = policy_rule_question(r, LANG_JA);
    const char *en = policy_rule_question(r, LANG_EN);
    if (!ja || !en || r->nrefs == 0)
      fail_msg("%s: missing %s", r->id, !ja ? "ask ja" : !en ? "ask en"
                                                         : "refs");
    for (uint32_t k = 0; k < r->nrefs; k++)
      if (strncmp(r->refs[k], prefix, strlen(prefix)) != 0)
        fail_msg("%s: ref '%s' is not in %s numbering", r->id, r->refs[k],
                 prefix);
    if (has_dotted_identifier(ja))
      fail_msg("%s: the Japanese question names an identifier: %s", r->id,
               ja);
  }
  policy_free(p);
}

static void baselines_are_traceable_and_ask(void **state) {
  (void)state;
  check_baseline("iso27017_baseline", "ISO27017 ", 30);
  check_baseline("ismap_baseline", "ISMAP ", 40);
  check_baseline("meti_baseline", "METI-2013 ", 30);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(unknown_fact_gets_a_suggestion),
      cmocka_unit_test(a_hyphen_in_a_fact_is_one_mistake),
      cmocka_unit_test(other_languages_literals),
      cmocka_unit_test(checked_after_a_syntax_error),
      cmocka_unit_test(comparison_with_the_wrong_type),
      cmocka_unit_test(prefixes_and_maps_are_known),
      cmocka_unit_test(locals_are_not_facts),
      cmocka_unit_test(reserved_roots_are_not_facts),
      cmocka_unit_test(declarations_are_checked),
      cmocka_unit_test(lookup_after_sorting),
      cmocka_unit_test(known_paths_are_found_by_search),
      cmocka_unit_test(without_declarations_nothing_is_checked),
      cmocka_unit_test(mistyped_lets_and_variables_are_names),
      cmocka_unit_test(unknown_calls_are_compile_errors),
      cmocka_unit_test(methods_need_their_receiver),
      cmocka_unit_test(conditions_must_be_bool),
      cmocka_unit_test(message_templates_are_checked),
      cmocka_unit_test(missing_module_does_not_cascade),
      cmocka_unit_test(derived_facts_are_checked),
      cmocka_unit_test(questions_and_refs),
      cmocka_unit_test(fact_clauses_are_checked),
      cmocka_unit_test(vocabulary_questions_are_fit_to_send),
      cmocka_unit_test(baselines_are_traceable_and_ask),
  };
  return RUN_TESTS("schema", tests, argc, argv);
}
