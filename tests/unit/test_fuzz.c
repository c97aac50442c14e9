/*
 * test_fuzz.c: the fuzz targets of tests/fuzz/ without clang. Each target
 * is run on every input kept under tests/fuzz/regress/<target>/ (inputs
 * that once crashed or broke a property: they must not again), then on a
 * few ordinary inputs from the tree (the examples, the golden expressions,
 * the system's zone files), so that the targets' own checks are known to
 * hold for inputs that are fine. `make asan` runs this under ASan.
 *
 * Run from the repository root, as `make check` does.
 */
#include "harness.h"

#include <dirent.h>
#include <stdlib.h>

#include "fuzz.h"
#include "pol.h"

void fuzz_fail(const char *fmt, ...) {
  char msg[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  fail_msg("%s", msg);
  abort(); /* fail_msg does not return; this tells the compiler */
}

/* The contents of [path] in a malloc'd buffer; NULL if unreadable. */
static uint8_t *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  size_t cap = 1 << 16, n = 0;
  uint8_t *buf = malloc(cap);
  while (buf) {
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap)
      break;
    uint8_t *bigger = realloc(buf, cap *= 2);
    if (!bigger)
      free(buf);
    buf = bigger;
  }
  fclose(f);
  *len = n;
  return buf;
}

/* Run [t] on the file [path]; a missing file is skipped. */
static void run_file(const fuzz_target *t, const char *path) {
  size_t len;
  uint8_t *data = read_file(path, &len);
  if (!data)
    return;
  t->run(data, len);
  free(data);
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run [t] on every file of [dir] whose name ends in [suffix] (""), in
 * name order; returns how many. A missing directory holds none. */
static int run_dir(const fuzz_target *t, const char *dir,
                   const char *suffix) {
  DIR *d = opendir(dir);
  if (!d)
    return 0;
  char *names[4096];
  int n = 0;
  for (struct dirent *e; n < 4096 && (e = readdir(d));) {
    size_t len = strlen(e->d_name), sl = strlen(suffix);
    if (e->d_name[0] != '.' && len >= sl &&
        strcmp(e->d_name + len - sl, suffix) == 0)
      names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, (size_t)n, sizeof *names, by_name);
  for (int i = 0; i < n; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, names[i]);
    run_file(t, path);
    free(names[i]);
  }
  return n;
}

static void run_regress(const fuzz_target *t) {
  char dir[256];
  snprintf(dir, sizeof dir, "tests/fuzz/regress/%s", t->name);
  if (t->init)
    t->init();
  run_dir(t, dir, "");
}

static void json_inputs(void **state) {
  (void)state;
  run_regress(&fuzz_json);
  assert_true(run_dir(&fuzz_json, "examples/vendors", ".json") > 0);
  run_dir(&fuzz_json, "tests/golden/cli", ".json");
}

static void policy_inputs(void **state) {
  (void)state;
  run_regress(&fuzz_policy);
  assert_true(run_dir(&fuzz_policy, "examples/policies", ".pol") > 0);
  run_dir(&fuzz_policy, "tests/policy", ".pol");
  run_dir(&fuzz_policy, "stdlib", ".pol");
}

/* The example policies, compiled and saved: what the load target's
 * corpus starts from. */
static void load_inputs(void **state) {
  (void)state;
  run_regress(&fuzz_load);
  const char *const pols[] = {"examples/policies/minimal.pol",
                              "examples/policies/procurement.pol"};
  pol_env *env;
  assert_int_equal(pol_env_new(NULL, &env), POL_OK);
  for (size_t i = 0; i < sizeof pols / sizeof pols[0]; i++) {
    pol_policy *pol;
    void *buf;
    size_t len;
    assert_int_equal(pol_policy_compile_file(env, pols[i], &pol), POL_OK);
    assert_int_equal(pol_policy_save(pol, &buf, &len), POL_OK);
    fuzz_load.run(buf, len);
    free(buf);
    pol_policy_free(pol);
  }
  pol_env_free(env);
}

/* Where "// =>" starts in the [n] bytes at [s], or NULL. */
static char *find_arrow(char *s, size_t n) {
  for (size_t i = 0; i + 5 <= n; i++)
    if (memcmp(s + i, "// =>", 5) == 0)
      return s + i;
  return NULL;
}

/* Each expression of a golden .cel file (the text before `// =>`). */
static int run_cel_lines(const char *path) {
  size_t len;
  char *text = (char *)read_file(path, &len);
  int n = 0;
  for (char *line = text; text && line < text + len; n++) {
    char *end = memchr(line, '\n', (size_t)(text + len - line));
    end = end ? end : text + len;
    char *arrow = find_arrow(line, (size_t)(end - line));
    fuzz_eval.run((const uint8_t *)line,
                  (size_t)((arrow ? arrow : end) - line));
    line = end + 1;
  }
  free(text);
  return n;
}

static void eval_inputs(void **state) {
  (void)state;
  run_regress(&fuzz_eval);
  assert_true(run_cel_lines("tests/golden/expr/edges.cel") > 0);
}

static void tzif_inputs(void **state) {
  (void)state;
  const char *const zones[] = {"UTC", "Asia/Tokyo", "America/New_York",
                               "Australia/Lord_Howe", "Europe/Dublin",
                               "right/UTC"};
  const char *dir = getenv("TZDIR");
  char base[4096];
  snprintf(base, sizeof base, "%s", dir && *dir ? dir : "/usr/share/zoneinfo");
  run_regress(&fuzz_tzif); /* sets TZDIR to its own directory */
  for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", base, zones[i]);
    run_file(&fuzz_tzif, path);
  }
}

/* The targets over the CLI's readers and the explainer: their kept
 * inputs, then the tree's own files of each kind. */
static void records_inputs(void **state) {
  (void)state;
  run_regress(&fuzz_records);
  assert_true(run_dir(&fuzz_records, "examples/vendors", ".json") > 0);
  run_dir(&fuzz_records, "tests/golden/cli", ".ndjson");
}

static void sheet_inputs(void **state) {
  (void)state;
  run_regress(&fuzz_sheet);
  run_dir(&fuzz_sheet, "tests/golden/cli/sheets", ".tsv");
  run_dir(&fuzz_sheet, "tests/golden/cli/sheets", ".csv");
}

static void waivers_inputs(void **state) {
  (void)state;
  run_regress(&fuzz_waivers);
  run_dir(&fuzz_waivers, "tests/golden/cli", ".json");
}

static void testspec_inputs(void **state) {
  (void)state;
  run_regress(&fuzz_testspec);
  assert_true(run_dir(&fuzz_testspec, "tests/policy", "_test.json") > 0);
}

static void explain_inputs(void **state) {
  (void)state;
  run_regress(&fuzz_explain);
  assert_true(run_dir(&fuzz_explain, "examples/policies", ".pol") > 0);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(json_inputs),   cmocka_unit_test(policy_inputs),
      cmocka_unit_test(load_inputs),   cmocka_unit_test(eval_inputs),
      cmocka_unit_test(tzif_inputs),   cmocka_unit_test(records_inputs),
      cmocka_unit_test(sheet_inputs),  cmocka_unit_test(waivers_inputs),
      cmocka_unit_test(testspec_inputs), cmocka_unit_test(explain_inputs),
  };
  return RUN_TESTS("fuzz regressions", tests, argc, argv);
}
