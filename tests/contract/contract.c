/*
 * contract.c: the promises of pol.h, checked by an outside program.
 *
 * Written from include/pol.h and docs/ only, as a C programmer who embeds
 * libpol would write it, and built from a staged `make install` through
 * pkg-config (tests/contract/run.sh), dynamically and statically linked.
 * Each check names the promise it holds the library to; a violation of a
 * lifetime promise is caught by the checks themselves or, when it is a
 * read of freed memory, by ASan or valgrind (`make contract-san`).
 *
 * This file holds the harness, the fixtures, main, and the checks of
 * versions, configuration, *out conventions, values, errors, limits,
 * fact sets and builders; contract_report.c, contract_io.c,
 * contract_threads.c, contract_embed.c and contract_facts.c hold the rest
 * (policies and reports; writers, streaming, saved bytecode, lifetimes;
 * threads, host functions, the allocator; issue 8's promises to
 * embedding hosts; every way a fact set load fails).
 *
 * It prints one line per failed check and ends with "N passed, M failed";
 * the exit status is 1 when a check failed. Usage: contract [SCRATCH_DIR]
 * (a directory for the policy files it writes; default: a new one under
 * $TMPDIR or /tmp, removed at the end).
 */
#define _POSIX_C_SOURCE 200809L
#include "contract.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* {==== harness ============================================================ */

int passed, failed, known;
const char *test_name = "";

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

void check_at(int ok, const char *what, const char *file, int line) {
  if (ok) {
    passed++;
    return;
  }
  failed++;
  fprintf(stderr, "FAIL %s (%s:%d): %s\n", test_name, base_name(file), line,
          what);
}

void check_rc_at(int got, int want, const char *what, const char *file,
                 int line) {
  char buf[512];
  snprintf(buf, sizeof buf, "%s: got %d (%s), want %d (%s)", what, got,
           pol_strerror(got), want, pol_strerror(want));
  check_at(got == want, buf, file, line);
}

void check_str_at(const char *got, const char *want, const char *what,
                  const char *file, int line) {
  char buf[1024];
  int ok = got && want ? strcmp(got, want) == 0 : got == want;
  snprintf(buf, sizeof buf, "%s: got \"%.400s\", want \"%.400s\"", what,
           got ? got : "(null)", want ? want : "(null)");
  check_at(ok, buf, file, line);
}

void check_prefix_at(const char *got, const char *prefix, const char *what,
                     const char *file, int line) {
  char buf[1024];
  snprintf(buf, sizeof buf, "%s: \"%.400s\" does not start with \"%s\"",
           what, got ? got : "(null)", prefix);
  check_at(got && strncmp(got, prefix, strlen(prefix)) == 0, buf, file,
           line);
}

void check_has_at(const char *got, const char *part, const char *what,
                  const char *file, int line) {
  char buf[1024];
  snprintf(buf, sizeof buf, "%s: \"%.400s\" does not contain \"%s\"", what,
           got ? got : "(null)", part);
  check_at(got && strstr(got, part) != NULL, buf, file, line);
}

void check_text_at(const char *got, size_t len, const char *want,
                   const char *what, const char *file, int line) {
  char buf[1024];
  int ok = got && len == strlen(want) && memcmp(got, want, len) == 0;
  snprintf(buf, sizeof buf, "%s: got \"%.*s\" (%zu bytes), want \"%s\"",
           what, got ? (int)(len < 400 ? len : 400) : 6, got ? got : "(null)",
           len, want);
  check_at(ok, buf, file, line);
}

/* When a known failure starts to pass, say so, so that the mark goes. */
void known_at(int ok, const char *what, const char *why, const char *file,
              int line) {
  if (ok) {
    passed++;
    printf("NOTE %s (%s:%d): known failure now passes: %s\n", test_name,
           base_name(file), line, what);
    return;
  }
  known++;
  printf("KNOWN %s (%s:%d): %s (%s)\n", test_name, base_name(file), line,
         what, why);
}

/* }==== */

/* {==== fixtures =========================================================== */

const char *scratch; /* a directory for files the tests write */

/* The main test policy. Line numbers matter: the checks name them. */
const char POLICY[] =
    "policy \"contract\" { title \"契約テスト\"  version \"1.2\"  "
    "description \"d\" }\n"                                    /* 1 */
    "rule backup_generations {\n"                              /* 2 */
    "  title \"バックアップを7世代以上保管すること\"\n"        /* 3 */
    "  severity must\n"                                        /* 4 */
    "  refs [\"METI-2013 12.3\", \"ISO27017 CLD.12.3.1\"]\n"   /* 5 */
    "  require backup.generations >= 7\n"                      /* 6 */
    "  message \"保管世代数は {backup.generations} 世代\"\n"   /* 7 */
    "  ask \"バックアップの保管世代数をご教示ください。\"\n"   /* 8 */
    "}\n"                                                      /* 9 */
    "should notice: incident.hours <= 72\n"                    /* 10 */
    "may region: data.countries.all(c, c == \"JP\")\n"         /* 11 */
    "must typebug: backup.generations + \"x\" == 1\n"          /* 12 */
    "rule skipped {\n"                                         /* 13 */
    "  when false\n"                                           /* 14 */
    "  require true\n"                                         /* 15 */
    "}\n"                                                      /* 16 */
    "must mfa: auth.mfa\n";                                    /* 17 */

/* Vendor A: everything the report can show. */
const char VENDOR_A[] =
    "{\"$vendor\": {\"name\": \"ACME株式会社\", \"service\": \"ACME Cloud\","
    " \"document\": \"WP\", \"version\": \"1.0\", \"date\": \"2025-01-01\"},"
    " \"$evidence\": {\"backup\": \"3.2: 「7世代」\","
    " \"data.countries\": \"4.1: 「JP」\"},"
    " \"$withheld\": [\"incident.hours\"],"
    " \"backup\": {\"generations\": 7},"
    " \"data\": {\"countries\": [\"JP\", \"US\"]}}";
static const int VERDICTS_A[NRULES] = {POL_PASS,  POL_UNKNOWN, POL_FAIL,
                                       POL_ERROR, POL_SKIPPED, POL_UNKNOWN};
/* Vendor B: says yes to MFA, which A does not state. */
const char VENDOR_B[] =
    "{\"$vendor\": {\"name\": \"Beta\", \"version\": null},"
    " \"backup\": {\"generations\": 3}, \"incident\": {\"hours\": 24},"
    " \"auth\": {\"mfa\": true}, \"data\": {\"countries\": [\"JP\"]}}";
const int VERDICTS_B[NRULES] = {POL_FAIL,  POL_PASS,    POL_PASS,
                                       POL_ERROR, POL_SKIPPED, POL_PASS};
/* Vendor C: no metadata at all. */
const char VENDOR_C[] =
    "{\"backup\": {\"generations\": 10}, \"data\": {\"countries\": []}}";
static const int VERDICTS_C[NRULES] = {POL_PASS,  POL_UNKNOWN, POL_PASS,
                                       POL_ERROR, POL_SKIPPED, POL_UNKNOWN};

const char *const VENDORS[] = {VENDOR_A, VENDOR_B, VENDOR_C};
const int *const VERDICTS[] = {VERDICTS_A, VERDICTS_B, VERDICTS_C};
const char *const SOURCES[] = {"in/a.json", "in/b.json",
                                      "in/c.json"};

pol_env *env_with(uint64_t steps, size_t mem, unsigned flags) {
  pol_config cfg;
  pol_env *env = NULL;
  pol_config_init(&cfg);
  cfg.max_steps = steps;
  cfg.max_memory = mem;
  cfg.flags = flags;
  if (pol_env_new(&cfg, &env) != POL_OK) {
    fprintf(stderr, "pol_env_new failed\n");
    exit(2);
  }
  return env;
}

pol_env *env_default(void) {
  pol_env *env = NULL;
  if (pol_env_new(NULL, &env) != POL_OK) {
    fprintf(stderr, "pol_env_new failed\n");
    exit(2);
  }
  return env;
}

/* A policy the tests need: failing to compile it ends the run. */
pol_policy *policy_of(pol_env *env, const char *src,
                             const char *name) {
  pol_policy *pol = NULL;
  if (pol_policy_compile(env, src, strlen(src), name, &pol) != POL_OK) {
    fprintf(stderr, "%s: cannot compile the test policy:\n%s\n", test_name,
            pol_env_errmsg(env));
    exit(2);
  }
  return pol;
}

pol_facts *facts_of(pol_env *env, const char *json, const char *name) {
  pol_facts *f = NULL;
  if (pol_facts_new(env, &f) != POL_OK ||
      pol_facts_load_json(f, json, strlen(json), name) != POL_OK) {
    fprintf(stderr, "%s: cannot load test facts %s: %s\n", test_name, name,
            f ? pol_facts_errmsg(f) : "no fact set");
    exit(2);
  }
  return f;
}

pol_ctx *ctx_of(pol_env *env) {
  pol_ctx *ctx = NULL;
  if (pol_ctx_new(env, &ctx) != POL_OK) {
    fprintf(stderr, "pol_ctx_new failed\n");
    exit(2);
  }
  return ctx;
}

pol_report *report_of(const pol_policy *pol, int mode) {
  pol_report *rep = NULL;
  if (pol_report_new(pol, mode, &rep) != POL_OK) {
    fprintf(stderr, "pol_report_new failed\n");
    exit(2);
  }
  return rep;
}

char *dup_str(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (!d)
    exit(2);
  return memcpy(d, s, n);
}

int sbuf_write(void *user, const char *data, size_t len) {
  sbuf *b = user;
  b->calls++;
  if (b->fail)
    return 1;
  if (b->n + len + 1 > b->cap) {
    size_t cap = (b->n + len + 1) * 2;
    char *p = realloc(b->p, cap);
    if (!p)
      return 1;
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->n, data, len);
  b->n += len;
  b->p[b->n] = '\0';
  return 0;
}

const char *sbuf_text(const sbuf *b) { return b->p ? b->p : ""; }

/* Whether [s] is UTF-8 (RFC 3629: no overlongs, surrogates or code
 * points past U+10FFFF). */
int is_utf8(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  if (!p)
    return 0;
  while (*p) {
    int n = *p < 0x80 ? 0 : *p >= 0xc2 && *p <= 0xdf ? 1
          : *p >= 0xe0 && *p <= 0xef ? 2 : *p >= 0xf0 && *p <= 0xf4 ? 3 : -1;
    unsigned cp = n == 0 ? *p : n == 1 ? *p & 0x1fu : n == 2 ? *p & 0xfu
                                                             : *p & 7u;
    if (n < 0)
      return 0;
    for (int k = 1; k <= n; k++) {
      if ((p[k] & 0xc0) != 0x80)
        return 0;
      cp = cp << 6 | (p[k] & 0x3fu);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
      return 0;
    p += n + 1;
  }
  return 1;
}

void write_file(const char *path, const char *text) {
  FILE *fp = fopen(path, "w");
  if (!fp || fputs(text, fp) == EOF || fclose(fp) != 0) {
    fprintf(stderr, "cannot write %s\n", path);
    exit(2);
  }
}

char *scratch_path(const char *name) {
  static char buf[4][1024];
  static int next;
  char *p = buf[next++ % 4];
  snprintf(p, sizeof buf[0], "%s/%s", scratch, name);
  return p;
}

/* }==== */

/* {==== version, status codes, names ======================================= */

static void test_version(void) {
  char want[64];
  test_name = "version";
  CHECK(pol_version_number() == POL_VERSION_NUMBER);
  CHECK_STR(pol_version_string(), POL_VERSION_STRING);
  CHECK(POL_VERSION_NUMBER == POL_VERSION_MAJOR * 10000 +
                                  POL_VERSION_MINOR * 100 +
                                  POL_VERSION_PATCH);
  snprintf(want, sizeof want, "%d.%d.%d", POL_VERSION_MAJOR,
           POL_VERSION_MINOR, POL_VERSION_PATCH);
  CHECK_STR(POL_VERSION_STRING, want);
}

static void test_strerror(void) {
  int distinct = 1;
  test_name = "strerror";
  for (int rc = POL_OK; rc <= POL_EINTERRUPT; rc++) {
    const char *s = pol_strerror(rc);
    CHECK(s != NULL && s[0] != '\0');
    for (int j = POL_OK; j < rc; j++)
      if (s && pol_strerror(j) && strcmp(s, pol_strerror(j)) == 0)
        distinct = 0;
  }
  CHECK(distinct);
  CHECK(pol_strerror(999) != NULL);  /* docs: "unknown status" */
  CHECK(pol_strerror(-1) != NULL);
}

static void test_names(void) {
  test_name = "names";
  CHECK_STR(pol_severity_name(POL_MUST), "must");
  CHECK_STR(pol_severity_name(POL_SHOULD), "should");
  CHECK_STR(pol_severity_name(POL_MAY), "may");
  CHECK_STR(pol_severity_name((pol_severity)7), NULL);
  CHECK_STR(pol_verdict_name(POL_PASS), "PASS");
  CHECK_STR(pol_verdict_name(POL_FAIL), "FAIL");
  CHECK_STR(pol_verdict_name(POL_UNKNOWN), "UNKNOWN");
  CHECK_STR(pol_verdict_name(POL_ERROR), "ERROR");
  CHECK_STR(pol_verdict_name(POL_SKIPPED), "SKIPPED");
  CHECK_STR(pol_verdict_name((pol_verdict)9), NULL);
  CHECK(pol_format_find("text") == POL_FORMAT_TEXT);
  CHECK(pol_format_find("json") == POL_FORMAT_JSON);
  CHECK(pol_format_find("questions") == POL_FORMAT_QUESTIONS);
  CHECK(pol_format_find("ndjson") == POL_FORMAT_NDJSON);
  CHECK(pol_format_find("no-such-format") == -1);
  CHECK_STR(pol_format_name(POL_FORMAT_JSON), "json");
  CHECK_STR(pol_format_name(-1), NULL);
  CHECK_STR(pol_format_name(1000), NULL);
}

/* }==== */

/* {==== configuration and the size members ================================= */

static void test_config_defaults(void) {
  pol_config cfg;
  test_name = "config defaults";
  memset(&cfg, 0xab, sizeof cfg);
  pol_config_init(&cfg);
  CHECK(cfg.size == sizeof(pol_config));
  CHECK(cfg.max_steps == 10000000u);
  CHECK(cfg.max_memory == (size_t)256 << 20);
  CHECK(cfg.alloc == NULL);
  CHECK(cfg.alloc_user == NULL);
  CHECK(cfg.flags == 0);
}

/* A host built against an older pol.h knows a shorter pol_config:
 * pol_config_init_size must not write past it. */
static void test_config_older_init(void) {
  union {
    pol_config cfg;
    unsigned char bytes[sizeof(pol_config) + 16];
  } u;
  size_t old = offsetof(pol_config, alloc);
  int untouched = 1;
  test_name = "config size: older struct";
  memset(&u, 0xab, sizeof u);
  pol_config_init_size(&u.cfg, old);
  for (size_t i = old; i < sizeof u.bytes; i++)
    if (u.bytes[i] != 0xab)
      untouched = 0;
  CHECK(untouched);
  CHECK(u.cfg.size == old);
  CHECK(u.cfg.max_steps == 10000000u);
}

static int alloc_calls_seen;
static void *never_alloc(void *user, void *ptr, size_t size) {
  (void)user;
  alloc_calls_seen++;
  if (size == 0) {
    free(ptr);
    return NULL;
  }
  return realloc(ptr, size);
}

/* pol_env_new reads only the members [size] covers. */
static void test_config_size_member(void) {
  pol_config cfg;
  pol_env *env;
  pol_program *prog;
  const char *call = "nosuchfn(1) || true";
  test_name = "config size member";

  pol_config_init(&cfg);
  cfg.size = 0;
  env = (pol_env *)&cfg;
  CHECK_RC(pol_env_new(&cfg, &env), POL_EINVAL);
  CHECK(env == NULL);

  /* flags beyond the size: the strict flag must be ignored */
  pol_config_init(&cfg);
  cfg.flags = POL_STRICT_CALLS;
  cfg.size = offsetof(pol_config, flags);
  CHECK_RC(pol_env_new(&cfg, &env), POL_OK);
  CHECK_RC(pol_compile_expr(env, call, strlen(call), NULL, NULL, &prog),
           POL_OK);
  pol_program_free(prog);
  pol_env_free(env);

  /* an allocator beyond the size must never be called */
  pol_config_init(&cfg);
  cfg.alloc = never_alloc;
  cfg.size = offsetof(pol_config, alloc);
  alloc_calls_seen = 0;
  CHECK_RC(pol_env_new(&cfg, &env), POL_OK);
  CHECK_RC(pol_compile_expr(env, "1 + 1", 5, NULL, NULL, &prog), POL_OK);
  pol_program_free(prog);
  pol_env_free(env);
  CHECK(alloc_calls_seen == 0);

  CHECK_RC(pol_env_new(NULL, NULL), POL_EINVAL);
}

/* pol_env_new copies the config: changing it afterwards changes
 * nothing. */
static void test_config_copied(void) {
  pol_config cfg;
  pol_env *env = NULL;
  pol_facts *f;
  pol_ctx *ctx;
  pol_program *prog = NULL;
  const pol_value *v;
  const char *loop = "xs.all(x, x >= 0)";
  test_name = "config is copied";
  pol_config_init(&cfg);
  cfg.max_steps = 100;
  CHECK_RC(pol_env_new(&cfg, &env), POL_OK);
  cfg.max_steps = 0;
  cfg.size = 0;
  f = list_facts(env, 1000);
  ctx = ctx_of(env);
  CHECK_RC(pol_compile_expr(env, loop, strlen(loop), NULL, f, &prog),
           POL_OK);
  CHECK_RC(pol_eval(ctx, prog, f, &v), POL_ELIMIT);
  pol_program_free(prog);
  pol_ctx_free(ctx);
  pol_facts_free(f);
  pol_env_free(env);
}

/* pol_diag_get fills only what the caller's size member covers. */
static void test_diag_size_member(void) {
  struct {
    pol_diag d;
    unsigned char pad[32];
  } big;
  pol_env *env = env_default();
  pol_program *prog = NULL;
  size_t old = offsetof(pol_diag, offset);
  test_name = "diag size member";
  CHECK_RC(pol_compile_expr(env, "1 +", 3, "d.cel", NULL, &prog),
           POL_ESYNTAX);

  memset(&big, 0x5a, sizeof big);
  big.d.size = old;
  CHECK_RC(pol_diag_get(env, 0, &big.d), POL_OK);
  CHECK(big.d.line == 1 && big.d.col == 4);
  CHECK_STR(big.d.file, "d.cel");
  CHECK(big.d.offset == (size_t)0x5a5a5a5a5a5a5a5aull); /* untouched */
  CHECK(big.d.bytes == (size_t)0x5a5a5a5a5a5a5a5aull);

  /* a newer, larger struct: what this library knows is filled */
  memset(&big, 0x5a, sizeof big);
  big.d.size = sizeof big;
  CHECK_RC(pol_diag_get(env, 0, &big.d), POL_OK);
  CHECK(big.d.offset == 3);
  CHECK(big.pad[0] == 0x5a);

  memset(&big, 0x5a, sizeof big);
  big.d.size = 0;
  CHECK_RC(pol_diag_get(env, 0, &big.d), POL_EINVAL);
  pol_env_free(env);
}

/* }==== */

/* {==== every failing *_new sets *out to NULL ============================== */

static void test_new_out_null(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_facts *f = (pol_facts *)env;
  pol_ctx *ctx = (pol_ctx *)env;
  pol_program *prog = (pol_program *)env;
  pol_policy *p2 = (pol_policy *)env;
  pol_report *rep = (pol_report *)env;
  pol_writer *w = (pol_writer *)env;
  sbuf out = {0};
  test_name = "*out is NULL on failure";

  CHECK_RC(pol_facts_new(NULL, &f), POL_EINVAL);
  CHECK(f == NULL);
  CHECK_RC(pol_ctx_new(NULL, &ctx), POL_EINVAL);
  CHECK(ctx == NULL);
  CHECK_RC(pol_compile_expr(env, "1 +", 3, NULL, NULL, &prog), POL_ESYNTAX);
  CHECK(prog == NULL);
  prog = (pol_program *)env;
  CHECK_RC(pol_compile_expr(NULL, "1", 1, NULL, NULL, &prog), POL_EINVAL);
  CHECK(prog == NULL);
  CHECK_RC(pol_policy_compile(env, "must a: 1 +", 11, "x.pol", &p2),
           POL_ESYNTAX);
  CHECK(p2 == NULL);
  p2 = (pol_policy *)env;
  CHECK_RC(pol_policy_compile_file(env, "/nonexistent/dir/p.pol", &p2),
           POL_EIO);
  CHECK(p2 == NULL);
  p2 = (pol_policy *)env;
  CHECK_RC(pol_policy_load(env, "POLC", 4, "x.polc", &p2), POL_EFORMAT);
  CHECK(p2 == NULL);
  CHECK_RC(pol_report_new(NULL, POL_UNKNOWN_FAIL, &rep), POL_EINVAL);
  CHECK(rep == NULL);
  rep = (pol_report *)env;
  CHECK_RC(pol_report_new(pol, 99, &rep), POL_EINVAL);
  CHECK(rep == NULL);
  CHECK_RC(pol_writer_new(pol, 99, 0, 0, sbuf_write, &out, &w), POL_EINVAL);
  CHECK(w == NULL);
  w = (pol_writer *)env;
  CHECK_RC(pol_writer_new(pol, 0, 0, 0, NULL, &out, &w), POL_EINVAL);
  CHECK(w == NULL);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* Freeing NULL does nothing, as free(NULL) does (not in pol.h, but every
 * cleanup path of a host relies on it). */
static void test_free_null(void) {
  test_name = "free(NULL)";
  pol_env_free(NULL);
  pol_facts_free(NULL);
  pol_ctx_free(NULL);
  pol_program_free(NULL);
  pol_policy_free(NULL);
  pol_report_free(NULL);
  pol_writer_free(NULL);
  CHECK(1);
}

/* }==== */

/* {==== values: NULL-safe accessors ======================================== */

static void test_value_null(void) {
  size_t len = 99;
  int64_t s = 5;
  int32_t ns = 5;
  test_name = "accessors take NULL";
  CHECK(pol_value_type(NULL) == POL_T_ABSENT);
  CHECK(pol_value_bool(NULL) == false);
  CHECK(pol_value_int(NULL) == 0);
  CHECK(pol_value_uint(NULL) == 0);
  CHECK(pol_value_double(NULL) == 0.0);
  CHECK(pol_value_str(NULL, &len) == NULL);
  CHECK(!pol_value_duration(NULL, &s, &ns) && s == 0 && ns == 0);
  s = ns = 5;
  CHECK(!pol_value_timestamp(NULL, &s, &ns) && s == 0 && ns == 0);
  CHECK(pol_value_len(NULL) == 0);
  CHECK(pol_value_at(NULL, 0) == NULL);
  CHECK(pol_value_key(NULL, 0, &len) == NULL);
  CHECK(pol_value_entry(NULL, 0) == NULL);
  CHECK(pol_value_get(NULL, "x") == NULL);
}

static void test_value_access(void) {
  pol_env *env = env_default();
  pol_facts *f = facts_of(env,
                          "{\"m\": {\"a\": [1, 2.5, \"s\", true, null]},"
                          " \"big\": 18446744073709551615}",
                          "v.json");
  const pol_value *m = pol_facts_get(f, "m");
  const pol_value *a = pol_value_get(m, "a");
  size_t len = 0;
  test_name = "value accessors";
  CHECK(pol_value_type(m) == POL_T_MAP);
  CHECK(pol_value_len(m) == 1);
  CHECK_TEXT(pol_value_key(m, 0, &len), len, "a");
  CHECK(len == 1);
  CHECK(pol_value_entry(m, 0) == a);
  CHECK(pol_value_key(m, 1, &len) == NULL);
  CHECK(pol_value_entry(m, 1) == NULL);
  CHECK(pol_value_type(pol_value_get(m, "missing")) == POL_T_ABSENT);
  CHECK(pol_value_type(a) == POL_T_LIST && pol_value_len(a) == 5);
  CHECK(pol_value_int(pol_value_at(a, 0)) == 1);
  CHECK(pol_value_double(pol_value_at(a, 1)) == 2.5);
  CHECK_TEXT(pol_value_str(pol_value_at(a, 2), &len), len, "s");
  CHECK(pol_value_bool(pol_value_at(a, 3)) == true);
  CHECK(pol_value_type(pol_value_at(a, 4)) == POL_T_NULL);
  CHECK(pol_value_at(a, 5) == NULL);
  CHECK(pol_value_uint(pol_facts_get(f, "big")) == UINT64_MAX);
  /* the wrong kind answers 0, false, NULL */
  CHECK(pol_value_int(pol_value_at(a, 2)) == 0);
  CHECK(pol_value_str(pol_value_at(a, 0), &len) == NULL);
  CHECK(pol_value_len(pol_value_at(a, 0)) == 0);
  CHECK(pol_value_get(a, "a") == NULL);
  CHECK(pol_value_at(m, 0) == NULL);
  pol_facts_free(f);
  pol_env_free(env);
}

/* }==== */

/* {==== errors: codes, messages, locations ================================= */

static void test_compile_errors(void) {
  pol_env *env = env_default();
  pol_program *prog;
  pol_diag d = POL_DIAG_INIT;
  const char *cp = "'日本' + )";
  const char *ml = "1 +\n\n  )";
  const char *r;
  test_name = "compile errors";
  CHECK_RC(pol_compile_expr(env, "1 +", 3, "x.cel", NULL, &prog),
           POL_ESYNTAX);
  CHECK(pol_diag_count(env) == 1);
  CHECK_PREFIX(pol_env_errmsg(env), "x.cel:1:4: ");
  CHECK_RC(pol_compile_expr(env, "1 +", 3, NULL, NULL, &prog), POL_ESYNTAX);
  CHECK_PREFIX(pol_env_errmsg(env), "<expr>:1:4: ");
  /* columns count code points, offsets bytes */
  CHECK_RC(pol_compile_expr(env, cp, strlen(cp), "cp.cel", NULL, &prog),
           POL_ESYNTAX);
  CHECK_RC(pol_diag_get(env, 0, &d), POL_OK);
  CHECK(d.line == 1 && d.col == 8 && d.len == 1);
  CHECK(d.offset == 11 && d.bytes == 1);
  CHECK_STR(d.file, "cp.cel");
  CHECK_HAS(d.message, ")");
  CHECK_RC(pol_diag_get(env, 1, &d), POL_EINVAL);
  CHECK_RC(pol_compile_expr(env, ml, strlen(ml), "ml.cel", NULL, &prog),
           POL_ESYNTAX);
  CHECK_PREFIX(pol_env_errmsg(env), "ml.cel:3:3: ");
  r = pol_diag_render(env, POL_RENDER_EXCERPT);
  CHECK_HAS(r, "ml.cel:3:3: ");
  CHECK_HAS(r, "error[E0101]: ");
  CHECK_HAS(r, "\n 3 |   )\n   |   ^");
  CHECK(strchr(pol_diag_render(env, 0), '^') == NULL);
  CHECK(strstr(pol_diag_render(env, POL_RENDER_EXCERPT | POL_RENDER_COLOR),
               "\x1b[") != NULL);
  CHECK(strstr(pol_diag_render(env, POL_RENDER_EXCERPT), "\x1b[") == NULL);
  CHECK_RC(pol_diag_get(env, 0, &d), POL_OK);
  CHECK_STR(d.code, "E0101");
  /* a good compile clears the diagnostics */
  CHECK_RC(pol_compile_expr(env, "1", 1, NULL, NULL, &prog), POL_OK);
  CHECK(pol_diag_count(env) == 0);
  pol_program_free(prog);
  pol_env_free(env);
}

/* Every diagnostic is in pol_env_errmsg, however many (issue 8, defect 5:
 * the message was cut at 1,023 bytes). */
static void test_many_diagnostics(void) {
  pol_env *env = env_default();
  pol_policy *pol;
  char src[4096], want[64];
  size_t n = 0;
  int all = 1;
  test_name = "many diagnostics";
  for (int i = 0; i < 40; i++)
    n += (size_t)snprintf(src + n, sizeof src - n, "must r%d: 1 + )\n", i);
  CHECK_RC(pol_policy_compile(env, src, n, "many.pol", &pol), POL_ESYNTAX);
  CHECK(pol_diag_count(env) == 40);
  for (int i = 0; i < 40; i++) {
    snprintf(want, sizeof want, "many.pol:%d:%d: ", i + 1, i < 10 ? 14 : 15);
    if (!strstr(pol_env_errmsg(env), want))
      all = 0;
  }
  CHECK(all);
  pol_env_free(env);
}

static void test_eval_errors(void) {
  pol_env *env = env_default();
  pol_ctx *ctx = ctx_of(env);
  pol_program *prog;
  const pol_value *v = NULL;
  const char *nested = "1 + (2 / 0)";
  test_name = "evaluation errors";
  CHECK_RC(pol_compile_expr(env, "1/0", 3, "r.cel", NULL, &prog), POL_OK);
  CHECK_RC(pol_eval(ctx, prog, NULL, &v), POL_ERUNTIME);
  CHECK(pol_value_type(v) == POL_T_ERROR);
  CHECK_PREFIX(pol_ctx_errmsg(ctx), "r.cel:1:1: ");
  CHECK_HAS(pol_ctx_errmsg(ctx), "division by zero");
  pol_program_free(prog);
  CHECK_RC(pol_compile_expr(env, nested, strlen(nested), "n.cel", NULL,
                            &prog), POL_OK);
  CHECK_RC(pol_eval(ctx, prog, NULL, &v), POL_ERUNTIME);
  CHECK_PREFIX(pol_ctx_errmsg(ctx), "n.cel:1:6: ");
  pol_program_free(prog);
  CHECK_RC(pol_compile_expr(env, "nosuch", 6, "u.cel", NULL, &prog),
           POL_OK);
  CHECK_RC(pol_eval(ctx, prog, NULL, &v), POL_ERUNTIME);
  CHECK_HAS(pol_ctx_errmsg(ctx), "no such key or variable: 'nosuch'");
  pol_program_free(prog);
  CHECK_RC(pol_eval(NULL, NULL, NULL, &v), POL_EINVAL);
  /* facts may be NULL: then every variable is unbound */
  CHECK_RC(pol_compile_expr(env, "x + 1", 5, "x.cel", NULL, &prog), POL_OK);
  CHECK_RC(pol_eval(ctx, prog, NULL, &v), POL_ERUNTIME);
  CHECK_HAS(pol_ctx_errmsg(ctx), "'x'");
  pol_program_free(prog);
  pol_ctx_free(ctx);
  pol_env_free(env);
}

static void test_facts_errors(void) {
  pol_env *env = env_default();
  pol_facts *f = facts_of(env, "{\"a\": 1}", "ok.json");
  const char *bad = "{\n  \"a\": ,\n}";
  test_name = "fact set errors";
  CHECK_RC(pol_facts_load_json(f, bad, strlen(bad), "bad.json"),
           POL_EFORMAT);
  CHECK_PREFIX(pol_facts_errmsg(f), "bad.json:2:8: ");
  CHECK(pol_facts_count(f) == 0); /* on any error the set is empty */
  CHECK(pol_facts_get(f, "a") == NULL);
  CHECK_RC(pol_facts_load_json(f, "[1]", 3, "arr.json"), POL_EFORMAT);
  CHECK_PREFIX(pol_facts_errmsg(f), "arr.json:1:1: ");
  CHECK_RC(pol_facts_load_record(f, "{\n\"a\": ,}", 9, "s.ndjson", 10),
           POL_EFORMAT);
  CHECK_PREFIX(pol_facts_errmsg(f), "s.ndjson:11:6: ");
  CHECK_RC(pol_facts_load_file(f, "/nonexistent/v.json"), POL_EIO);
  CHECK_HAS(pol_facts_errmsg(f), "/nonexistent/v.json");
  CHECK_RC(pol_facts_bind_json(f, "b", "[1,", 3, "b.json"), POL_EFORMAT);
  CHECK_PREFIX(pol_facts_errmsg(f), "b.json:1:4: ");
  CHECK_RC(pol_facts_bind_literal(f, "c", "1 +", 3), POL_EFORMAT);
  CHECK_RC(pol_facts_bind_literal(f, "c", "a", 1), POL_EFORMAT);
  CHECK_RC(pol_facts_bind_literal(f, "", "1", 1), POL_EINVAL);
  CHECK(pol_facts_count(f) == 0);
  pol_facts_free(f);
  pol_env_free(env);
}

/* "Every fallible function ... leaves a message in its handle": a call
 * refused for its arguments too, and a bad date, each leave their own
 * (naming the function), not the previous error's, which a host that
 * logs the message would report as the cause. Each check starts after a
 * failure with another message. */
static void test_refusals_leave_messages(void) {
  pol_env *env = env_default();
  pol_facts *f = facts_of(env, "{\"a\": 1}", "ok.json");
  pol_ctx *ctx = ctx_of(env);
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  pol_program *prog = NULL;
  pol_policy *none = NULL;
  pol_waivers *wv = NULL;
  pol_writer *w = NULL;
  sbuf out = {0};
  const pol_value *v;
  const char *text;
  size_t n;
  test_name = "refused calls leave a message of their own";
#define BAD_JSON(f) pol_facts_bind_json((f), "x", "[", 1, "earlier.json")
  CHECK_RC(BAD_JSON(f), POL_EFORMAT);
  CHECK_RC(pol_facts_bind_json(f, "", "1", 1, "v.json"), POL_EINVAL);
  CHECK_HAS(pol_facts_errmsg(f), "pol_facts_bind_json");
  CHECK_RC(BAD_JSON(f), POL_EFORMAT);
  CHECK_RC(pol_facts_bind_value(f, "y", NULL), POL_EINVAL);
  CHECK_HAS(pol_facts_errmsg(f), "pol_facts_bind_value");
  CHECK_RC(BAD_JSON(f), POL_EFORMAT);
  CHECK_RC(pol_facts_bind_literal(f, "", "1", 1), POL_EINVAL);
  CHECK_HAS(pol_facts_errmsg(f), "pol_facts_bind_literal");
#undef BAD_JSON
  CHECK_RC(pol_compile_expr(env, "1 +", 3, "earlier.cel", NULL, &prog),
           POL_ESYNTAX);
  CHECK_RC(pol_compile_expr(env, NULL, 1, "e.cel", NULL, &prog), POL_EINVAL);
  CHECK_HAS(pol_env_errmsg(env), "pol_compile_expr");
  CHECK_RC(pol_policy_compile(env, "must a: true", 12, "p.pol", NULL),
           POL_EINVAL);
  CHECK_HAS(pol_env_errmsg(env), "pol_policy_compile");
  CHECK_RC(pol_policy_load(env, NULL, 0, "p.polc", &none), POL_EINVAL);
  CHECK_HAS(pol_env_errmsg(env), "pol_policy_load");
  CHECK_RC(pol_format(env, NULL, 0, "f.pol", &text, &n), POL_EINVAL);
  CHECK_HAS(pol_env_errmsg(env), "pol_format");
  CHECK_RC(pol_validate(env, pol, "{}", 2, "v.json", &n, NULL), POL_EINVAL);
  CHECK_HAS(pol_env_errmsg(env), "pol_validate:");
  CHECK_RC(pol_validate_record(env, pol, "{}", 2, "v.json", 0, &n, &text),
           POL_EINVAL);
  CHECK_HAS(pol_env_errmsg(env), "pol_validate_record: line 0");
  CHECK_RC(pol_eval(ctx, NULL, f, &v), POL_EINVAL);
  CHECK_HAS(pol_ctx_errmsg(ctx), "pol_eval");
  CHECK_RC(pol_check(ctx, rep, NULL, "v.json"), POL_EINVAL);
  CHECK_HAS(pol_ctx_errmsg(ctx), "pol_check");
  CHECK_RC(pol_ctx_set_as_of(ctx, "2026-02-30"), POL_EFORMAT);
  CHECK_HAS(pol_ctx_errmsg(ctx), "2026-02-30");
  CHECK_RC(pol_waivers_new(pol, &wv), POL_OK);
  CHECK_RC(pol_waivers_add(wv, &(pol_waiver)POL_WAIVER_INIT), POL_EINVAL);
  CHECK_RC(pol_waivers_add(wv, NULL), POL_EINVAL);
  CHECK_HAS(pol_waivers_errmsg(wv), "pol_waivers_add");
  CHECK_RC(pol_writer_new(pol, POL_FORMAT_JSON, 0, POL_UNKNOWN_FAIL,
                          sbuf_write, &out, &w), POL_OK);
  CHECK_RC(pol_writer_input(w, 99, "in.json"), POL_EINVAL);
  CHECK_HAS(pol_writer_errmsg(w), "pol_writer_input");
  CHECK_RC(pol_check(ctx, rep, f, "v.json"), POL_OK);
  CHECK_RC(pol_report_chunk(rep, w, &text, &n), POL_OK);
  CHECK_RC(pol_writer_add_chunk(w, rep, text, n + 1), POL_EINVAL);
  CHECK_HAS(pol_writer_errmsg(w), "pol_writer_add_chunk");
  CHECK_RC(pol_writer_error(w, "in.json", NULL), POL_EINVAL);
  CHECK_HAS(pol_writer_errmsg(w), "pol_writer_error");
  pol_writer_free(w);
  free(out.p);
  pol_waivers_free(wv);
  pol_report_free(rep);
  pol_policy_free(pol);
  pol_ctx_free(ctx);
  pol_facts_free(f);
  pol_env_free(env);
}

static void test_policy_errors(void) {
  pol_env *env = env_default();
  pol_policy *pol;
  const char *imp = "import \"no_such_module_x\"\nmust a: true\n";
  char want[1100];
  test_name = "policy errors";
  CHECK_RC(pol_policy_compile_file(env, "/nonexistent/p.pol", &pol),
           POL_EIO);
  CHECK_HAS(pol_env_errmsg(env), "/nonexistent/p.pol");
  write_file(scratch_path("bad.pol"), "must ok: true\nmust bad: 1 +\n");
  CHECK_RC(pol_policy_compile_file(env, scratch_path("bad.pol"), &pol),
           POL_ESYNTAX);
  snprintf(want, sizeof want, "%s:2:", scratch_path("bad.pol"));
  CHECK_PREFIX(pol_env_errmsg(env), want);
  CHECK_RC(pol_policy_compile(env, imp, strlen(imp), "im.pol", &pol),
           POL_ESYNTAX);
  CHECK_PREFIX(pol_env_errmsg(env), "im.pol:1:");
  CHECK_HAS(pol_env_errmsg(env), "no_such_module_x");
  /* issue 8, defect 8: only the CLI reads POLICY_PATH */
  CHECK(strstr(pol_env_errmsg(env), "POLICY_PATH") == NULL);
  pol_env_free(env);
}

/* The library never prints: failing calls of every kind write nothing
 * to standard output or standard error. */
static int failing_calls(void) {
  pol_env *env = env_default();
  pol_program *prog = NULL;
  pol_policy *pol = NULL;
  pol_facts *f = NULL;
  pol_ctx *ctx = ctx_of(env);
  const pol_value *v;
  int bad = 0;
  bad += pol_compile_expr(env, "1 +", 3, NULL, NULL, &prog) != POL_ESYNTAX;
  bad += pol_policy_compile(env, "must a: (", 9, "a.pol", &pol) !=
         POL_ESYNTAX;
  bad += pol_policy_load(env, "POLC\0\r\n\x1a", 8, "x.polc", &pol) !=
         POL_EFORMAT;
  bad += pol_facts_new(env, &f) != POL_OK;
  bad += pol_facts_load_json(f, "{", 1, "x.json") != POL_EFORMAT;
  bad += pol_compile_expr(env, "1 / 0", 5, NULL, NULL, &prog) != POL_OK;
  bad += pol_eval(ctx, prog, NULL, &v) != POL_ERUNTIME;
  bad += pol_env_register(env, "f", "float()", NULL) != POL_EINVAL;
  bad += pol_env_load_plugin(env, "/nonexistent.so") != POL_EIO;
  pol_program_free(prog);
  pol_facts_free(f);
  pol_ctx_free(ctx);
  pol_env_free(env);
  return bad;
}

static void test_never_prints(void) {
  FILE *tmp = tmpfile();
  int out, err, bad;
  long size;
  test_name = "never prints";
  if (!tmp)
    exit(2);
  fflush(stdout);
  fflush(stderr);
  out = dup(1);
  err = dup(2);
  dup2(fileno(tmp), 1);
  dup2(fileno(tmp), 2);
  bad = failing_calls();
  fflush(stdout);
  fflush(stderr);
  dup2(out, 1);
  dup2(err, 2);
  close(out);
  close(err);
  fseek(tmp, 0, SEEK_END);
  size = ftell(tmp);
  fclose(tmp);
  CHECK(bad == 0);
  CHECK(size == 0);
}

/* }==== */

/* {==== limits, interrupt, strict calls ==================================== */

/* A fact set with a list of [n] ints and a string. */
pol_facts *list_facts(pol_env *env, int n) {
  size_t cap = (size_t)n * 8 + 64, len = 0;
  char *json = malloc(cap);
  pol_facts *f;
  if (!json)
    exit(2);
  len += (size_t)snprintf(json, cap, "{\"s\": \"abc\", \"xs\": [");
  for (int i = 0; i < n; i++)
    len += (size_t)snprintf(json + len, cap - len, "%s%d", i ? "," : "", i);
  snprintf(json + len, cap - len, "]}");
  f = facts_of(env, json, "list.json");
  free(json);
  return f;
}

/* Evaluate [src] in a fresh env with these limits; the status. */
static int eval_limited(uint64_t steps, size_t mem, const char *src,
                        char *msg, size_t msgsize) {
  pol_env *env = env_with(steps, mem, 0);
  pol_facts *f = list_facts(env, 1000);
  pol_ctx *ctx = ctx_of(env);
  pol_program *prog;
  const pol_value *v;
  int rc = pol_compile_expr(env, src, strlen(src), "lim.cel", f, &prog);
  if (rc == POL_OK) {
    rc = pol_eval(ctx, prog, f, &v);
    snprintf(msg, msgsize, "%s", rc ? pol_ctx_errmsg(ctx) : "");
    pol_program_free(prog);
  }
  pol_ctx_free(ctx);
  pol_facts_free(f);
  pol_env_free(env);
  return rc;
}

static void test_limits(void) {
  char msg[512];
  const char *loop = "xs.all(x, x >= 0)";
  const char *mem = "xs.map(x, s + s + s + s + s + s + s).size() == 1000";
  test_name = "limits";
  CHECK_RC(eval_limited(100, 0, loop, msg, sizeof msg), POL_ELIMIT);
  CHECK_PREFIX(msg, "lim.cel:1:1: ");
  CHECK_HAS(msg, "more than 100 steps");
  CHECK_RC(eval_limited(5000, 0, loop, msg, sizeof msg), POL_OK);
  /* 0 means no limit, for both (issue 8, defect 6) */
  CHECK_RC(eval_limited(0, 0, loop, msg, sizeof msg), POL_OK);
  CHECK_RC(eval_limited(0, 4096, mem, msg, sizeof msg), POL_ELIMIT);
  CHECK_HAS(msg, "memory limit");
  CHECK_PREFIX(msg, "lim.cel:1:"); /* with a location, as the step limit */
  CHECK_RC(eval_limited(0, 0, mem, msg, sizeof msg), POL_OK);
}

/* A rule that hits a limit is ERROR, with a located reason. */
static void test_limits_in_report(void) {
  pol_env *env = env_with(100, 4096, 0);
  const char *src = "must steps: xs.all(x, x >= 0)\n"
                    "must mem: xs.map(x, s + s + s + s).size() > 0\n"
                    "must fine: s == \"abc\"\n";
  pol_policy *pol = policy_of(env, src, "lim.pol");
  pol_facts *f = list_facts(env, 1000);
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  test_name = "limits in a report";
  CHECK_RC(pol_check(ctx, rep, f, "list.json"), POL_OK);
  CHECK_STR(pol_report_verdict(rep, 0, 0), "ERROR");
  CHECK_PREFIX(pol_report_reason(rep, 0, 0), "lim.pol:1:13: ");
  CHECK_STR(pol_report_verdict(rep, 0, 1), "ERROR");
  CHECK_PREFIX(pol_report_reason(rep, 0, 1), "lim.pol:2:");
  CHECK_HAS(pol_report_reason(rep, 0, 1), "memory limit");
  CHECK_STR(pol_report_verdict(rep, 0, 2), "PASS");
  pol_report_free(rep);
  pol_ctx_free(ctx);
  pol_facts_free(f);
  pol_policy_free(pol);
  pol_env_free(env);
}

typedef struct {
  int calls;
  int stop_at; /* return non-zero from this call on (0: never) */
} interrupt_state;

static int on_interrupt(void *user) {
  interrupt_state *st = user;
  st->calls++;
  return st->stop_at && st->calls >= st->stop_at;
}

static void test_interrupt(void) {
  pol_env *env = env_with(0, 0, 0);
  pol_facts *f = list_facts(env, 5000);
  pol_ctx *ctx = ctx_of(env);
  pol_program *prog;
  const pol_value *v;
  const char *loop = "xs.all(x, x >= 0)";
  interrupt_state st = {0, 2};
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  test_name = "interrupt callback";
  CHECK_RC(pol_compile_expr(env, loop, strlen(loop), "i.cel", f, &prog),
           POL_OK);
  pol_ctx_set_interrupt(ctx, on_interrupt, &st);
  CHECK_RC(pol_eval(ctx, prog, f, &v), POL_EINTERRUPT);
  CHECK(st.calls == 2);
  /* a callback that never stops: called every 1024 iterations */
  st.calls = 0;
  st.stop_at = 0;
  CHECK_RC(pol_eval(ctx, prog, f, &v), POL_OK);
  CHECK(st.calls >= 4 && st.calls <= 5);
  /* and between the rules of a check */
  st.calls = 0;
  CHECK_RC(pol_check(ctx, rep, f, "v.json"), POL_OK);
  CHECK(st.calls >= NRULES - 1);
  /* stopped: the vendor is not added */
  st.calls = 0;
  st.stop_at = 1;
  CHECK_RC(pol_check(ctx, rep, f, "w.json"), POL_EINTERRUPT);
  CHECK(pol_report_vendor_count(rep) == 1);
  /* NULL removes it */
  pol_ctx_set_interrupt(ctx, NULL, NULL);
  CHECK_RC(pol_eval(ctx, prog, f, &v), POL_OK);
  CHECK(pol_value_bool(v));
  pol_report_free(rep);
  pol_policy_free(pol);
  pol_program_free(prog);
  pol_ctx_free(ctx);
  pol_facts_free(f);
  pol_env_free(env);
}

int compile_status(pol_env *env, const char *src) {
  pol_program *prog = NULL;
  int rc = pol_compile_expr(env, src, strlen(src), "s.cel", NULL, &prog);
  pol_program_free(prog);
  return rc;
}

static void test_strict_calls(void) {
  pol_env *lax = env_default();
  pol_env *strict = env_with(10000000, 0, POL_STRICT_CALLS);
  pol_ctx *ctx = ctx_of(lax);
  pol_program *prog;
  const pol_value *v;
  const char *fn = "nosuchfn(1) || true";
  const char *method = "\"a\".nosuchmethod() || true";
  test_name = "strict calls";
  CHECK_RC(pol_compile_expr(lax, fn, strlen(fn), NULL, NULL, &prog), POL_OK);
  CHECK_RC(pol_eval(ctx, prog, NULL, &v), POL_OK);
  CHECK(pol_value_bool(v)); /* an error value, absorbed by || */
  pol_program_free(prog);
  CHECK_RC(compile_status(lax, method), POL_OK);
  CHECK_RC(compile_status(strict, fn), POL_ESYNTAX);
  CHECK_HAS(pol_env_errmsg(strict), "nosuchfn");
  CHECK_RC(compile_status(strict, method), POL_ESYNTAX);
  CHECK_HAS(pol_env_errmsg(strict), "nosuchmethod");
  CHECK_RC(compile_status(strict, "size([1]) == 1"), POL_OK);
  pol_ctx_free(ctx);
  pol_env_free(strict);
  pol_env_free(lax);
}

/* }==== */

/* {==== fact sets: reset, reload, bind, NDJSON ============================= */

static void test_facts_reset_reload(void) {
  pol_env *env = env_default();
  pol_facts *f = facts_of(env, "{\"a\": 1, \"b\": {\"c\": [1, 2]}}", "1.json");
  const pol_value *b;
  test_name = "facts reset and reload";
  CHECK(pol_facts_count(f) == 2);
  CHECK_STR(pol_facts_name(f, 0), "a");
  CHECK(pol_value_int(pol_facts_value(f, 0)) == 1);
  CHECK_STR(pol_facts_name(f, 2), NULL);
  CHECK(pol_facts_value(f, 2) == NULL);
  /* binding adds a variable and keeps the values already read */
  b = pol_facts_get(f, "b");
  CHECK_RC(pol_facts_bind_json(f, "d", "\"x\"", 3, "d.json"), POL_OK);
  CHECK_RC(pol_facts_bind_literal(f, "e", "[1u, 2u]", 8), POL_OK);
  CHECK(pol_facts_count(f) == 4);
  CHECK(pol_value_len(pol_value_get(b, "c")) == 2);
  CHECK(pol_value_uint(pol_value_at(pol_facts_get(f, "e"), 1)) == 2);
  /* binding a name again replaces it */
  CHECK_RC(pol_facts_bind_json(f, "a", "5", 1, "a.json"), POL_OK);
  CHECK(pol_facts_count(f) == 4);
  CHECK(pol_value_int(pol_facts_get(f, "a")) == 5);
  /* loading replaces the whole set */
  CHECK_RC(pol_facts_load_json(f, "{\"z\": true}", 11, "2.json"), POL_OK);
  CHECK(pol_facts_count(f) == 1);
  CHECK(pol_facts_get(f, "a") == NULL && pol_facts_get(f, "d") == NULL);
  /* reset forgets everything */
  pol_facts_reset(f);
  CHECK(pol_facts_count(f) == 0);
  CHECK(pol_facts_get(f, "z") == NULL);
  pol_facts_free(f);
  pol_env_free(env);
}

/* Vendor 2 must not inherit vendor 1's facts (issue 8, defect 3: a reused
 * fact set merged vendors, giving a false PASS). */
static void test_facts_no_merge(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, "must mfa: auth.mfa\n", "m.pol");
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  pol_facts *f = facts_of(env, "{\"auth\": {\"mfa\": true}}", "1.json");
  const char *nd = "{\"auth\": {\"mfa\": true}}\n{\"name\": \"two\"}\n";
  size_t pos = 0;
  test_name = "reused fact set";
  CHECK_RC(pol_facts_load_json(f, "{\"name\": \"two\"}", 15, "2.json"),
           POL_OK);
  CHECK_RC(pol_check(ctx, rep, f, "2.json"), POL_OK);
  CHECK_STR(pol_report_verdict(rep, 0, 0), "UNKNOWN");
  pol_report_reset(rep);
  CHECK_RC(pol_facts_load_json_next(f, nd, strlen(nd), &pos, "s.ndjson"),
           POL_OK);
  CHECK_RC(pol_facts_load_json_next(f, nd, strlen(nd), &pos, "s.ndjson"),
           POL_OK);
  CHECK(pos == strlen(nd));
  CHECK(pol_facts_count(f) == 1);
  CHECK_RC(pol_check(ctx, rep, f, "s.ndjson:2"), POL_OK);
  CHECK_STR(pol_report_verdict(rep, 0, 0), "UNKNOWN");
  pol_report_free(rep);
  pol_ctx_free(ctx);
  pol_facts_free(f);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* The offset after the line that holds [pos]: where a host goes on after
 * a record that does not load. */
size_t skip_line(const char *text, size_t len, size_t pos) {
  const char *nl = memchr(text + pos, '\n', len - pos);
  return nl ? (size_t)(nl - text) + 1 : len;
}

/* NDJSON: blank lines and CRLF are skipped; an error names the line
 * counted from the start of the text. */
static void test_ndjson(void) {
  pol_env *env = env_default();
  pol_facts *f = NULL;
  const char *nd = "\n{\"a\": 1}\r\n  \n{\"a\": ,}\n{\"b\": 2}\n\n";
  size_t len = strlen(nd), pos = 0, before;
  test_name = "NDJSON";
  CHECK_RC(pol_facts_new(env, &f), POL_OK);
  CHECK_RC(pol_facts_load_json_next(f, nd, len, &pos, "s.ndjson"), POL_OK);
  CHECK(pol_value_int(pol_facts_get(f, "a")) == 1);
  before = pos;
  CHECK_RC(pol_facts_load_json_next(f, nd, len, &pos, "s.ndjson"),
           POL_EFORMAT);
  CHECK_PREFIX(pol_facts_errmsg(f), "s.ndjson:4:7: ");
  CHECK(pol_facts_count(f) == 0);
  /* pol.h: a bad record moves pos past the line it starts on */
  CHECK(pos == skip_line(nd, len, before + 1));
  CHECK_RC(pol_facts_load_json_next(f, nd, len, &pos, "s.ndjson"), POL_OK);
  CHECK(pol_value_int(pol_facts_get(f, "b")) == 2);
  CHECK(pos == len); /* trailing blank lines consumed */
  pos = 0;
  CHECK_RC(pol_facts_load_json_next(f, "\n\n", 2, &pos, "e.ndjson"),
           POL_EFORMAT);
  pol_facts_free(f);
  pol_env_free(env);
}

/* }==== */

/* {==== building values ==================================================== */

static void test_builders(void) {
  pol_env *env = env_default();
  pol_facts *f = NULL;
  pol_builder *b;
  int64_t s = 5;
  int32_t ns = 5;
  const char *keys[] = {"a", "a"};
  const pol_value *vals[2], *map;
  const char *keys2[1];
  char text[4];
  size_t len = 0;
  test_name = "builders";
  CHECK_RC(pol_facts_new(env, &f), POL_OK);
  b = pol_facts_builder(f);
  CHECK(b != NULL);
  CHECK(pol_facts_builder(NULL) == NULL);
  /* durations: same sign, |nanos| < 1e9, +-315,576,000,000 s */
  CHECK(pol_new_duration(b, 315576000000, 0) != NULL);
  CHECK(pol_new_duration(b, -315576000000, 0) != NULL);
  CHECK(pol_new_duration(b, 315576000001, 0) == NULL);
  CHECK(pol_new_duration(b, -315576000001, 0) == NULL);
  CHECK(pol_new_duration(b, 1, -1) == NULL);
  CHECK(pol_new_duration(b, -1, 1) == NULL);
  CHECK(pol_new_duration(b, 0, 1000000000) == NULL);
  CHECK(pol_value_duration(pol_new_duration(b, -1, -500000000), &s, &ns));
  CHECK(s == -1 && ns == -500000000);
  /* timestamps: years 1 to 9999, nanos 0..999999999 */
  CHECK(pol_new_timestamp(b, -62135596800, 0) != NULL);
  CHECK(pol_new_timestamp(b, -62135596801, 0) == NULL);
  CHECK(pol_new_timestamp(b, 253402300799, 999999999) != NULL);
  CHECK(pol_new_timestamp(b, 253402300800, 0) == NULL);
  CHECK(pol_new_timestamp(b, 0, -1) == NULL);
  CHECK(pol_new_timestamp(b, 0, 1000000000) == NULL);
  CHECK(pol_value_timestamp(pol_new_timestamp(b, 1735689600, 7), &s, &ns));
  CHECK(s == 1735689600 && ns == 7);
  s = ns = 5;
  CHECK(!pol_value_duration(pol_new_int(b, 1), &s, &ns) && s == 0 &&
        ns == 0);
  /* strings must be UTF-8; a map's keys unique */
  CHECK(pol_new_string(b, "\xff", 1) == NULL);
  CHECK(pol_value_type(pol_new_string(b, "日本", 6)) == POL_T_STRING);
  vals[0] = vals[1] = pol_new_int(b, 1);
  CHECK(pol_new_map(b, keys, vals, 2) == NULL);
  CHECK(pol_value_type(pol_new_error(b, "boom")) == POL_T_ERROR);
  /* texts and keys are copied */
  memcpy(text, "abc", 4);
  vals[0] = pol_new_string(b, text, 3);
  keys2[0] = text;
  map = pol_new_map(b, keys2, vals, 1);
  memset(text, 'X', 3);
  CHECK_TEXT(pol_value_str(vals[0], &len), len, "abc");
  CHECK_TEXT(pol_value_key(map, 0, &len), len, "abc");
  CHECK(pol_value_get(map, "abc") != NULL);
  CHECK(pol_value_type(pol_new_null(b)) == POL_T_NULL);
  pol_facts_free(f);
  pol_env_free(env);
}

/* A fact set made of built values, evaluated; bind_value copies. */
static void test_load_value(void) {
  pol_env *env = env_default();
  pol_facts *f = NULL, *g = NULL;
  pol_builder *b;
  pol_ctx *ctx = ctx_of(env);
  pol_program *prog;
  const pol_value *v, *items[3], *top;
  const char *keys[] = {"backup", "name"};
  const char *gk[] = {"generations"};
  const char *src = "backup.generations >= 7 && name == \"x\"";
  test_name = "facts from values";
  CHECK_RC(pol_facts_new(env, &f), POL_OK);
  CHECK_RC(pol_facts_new(env, &g), POL_OK);
  b = pol_facts_builder(f);
  items[0] = pol_new_int(b, 7);
  items[1] = pol_new_map(b, gk, items, 1);
  items[2] = pol_new_string(b, "x", 1);
  top = pol_new_map(b, keys, items + 1, 2);
  CHECK(top != NULL);
  CHECK_RC(pol_facts_load_value(f, items[0]), POL_EINVAL);
  CHECK_RC(pol_facts_load_value(f, top), POL_OK);
  CHECK(pol_facts_count(f) == 2);
  CHECK_RC(pol_compile_expr(env, src, strlen(src), NULL, NULL, &prog),
           POL_OK);
  CHECK_RC(pol_eval(ctx, prog, f, &v), POL_OK);
  CHECK(pol_value_bool(v));
  /* bound into g, then f dies: g keeps its copy */
  CHECK_RC(pol_facts_bind_value(g, "backup", pol_facts_get(f, "backup")),
           POL_OK);
  CHECK_RC(pol_facts_bind_value(g, "name", pol_facts_get(f, "name")), POL_OK);
  pol_facts_free(f);
  CHECK_RC(pol_eval(ctx, prog, g, &v), POL_OK);
  CHECK(pol_value_bool(v));
  pol_program_free(prog);
  pol_facts_free(g);
  pol_ctx_free(ctx);
  pol_env_free(env);
}

static void test_value_format(void) {
  pol_env *env = env_default();
  pol_facts *f = NULL;
  pol_ctx *ctx = ctx_of(env);
  pol_builder *b;
  test_name = "pol_value_format";
  CHECK_RC(pol_facts_new(env, &f), POL_OK);
  b = pol_facts_builder(f);
  CHECK_STR(pol_value_format(ctx, pol_new_uint(b, 7)), "7u");
  CHECK_STR(pol_value_format(ctx, pol_new_duration(b, 1, 0)),
            "duration(\"1s\")");
  CHECK_STR(pol_value_format(ctx, pol_new_timestamp(b, 0, 0)),
            "timestamp(\"1970-01-01T00:00:00Z\")");
  CHECK_STR(pol_value_format(ctx, pol_new_bytes(b, "\x00\xff", 2)),
            "b\"\\x00\\xff\"");
  CHECK_STR(pol_value_format(ctx, pol_new_string(b, "s", 1)), "\"s\"");
  pol_facts_free(f);
  pol_ctx_free(ctx);
  pol_env_free(env);
}

/* }==== */

/* {==== main =============================================================== */

/* The files the tests write under the scratch directory. */
static const char *const SCRATCH_FILES[] = {
    "plain.pol", "mods/cmod.pol", "sibling.pol", "main.pol", "mods",
    "v.json",    "bad.json",      "bad.pol",     "cmod.pol", "main2.pol",
    "nfmain.pol", "nfmod.pol", NULL};

static int make_scratch(int argc, char **argv, char *buf, size_t size) {
  const char *tmp = getenv("TMPDIR");
  if (argc > 1) {
    scratch = argv[1];
    return 0;
  }
  snprintf(buf, size, "%s/pol-contract.XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(buf)) {
    perror("mkdtemp");
    exit(2);
  }
  scratch = buf;
  return 1;
}

static void remove_scratch(void) {
  for (int i = 0; SCRATCH_FILES[i]; i++)
    remove(scratch_path(SCRATCH_FILES[i]));
  rmdir(scratch);
}

int main(int argc, char **argv) {
  char dir[512];
  int own = make_scratch(argc, argv, dir, sizeof dir);
  test_version();
  test_strerror();
  test_names();
  test_config_defaults();
  test_config_older_init();
  test_config_size_member();
  test_config_copied();
  test_diag_size_member();
  test_new_out_null();
  test_free_null();
  test_value_null();
  test_value_access();
  test_compile_errors();
  test_many_diagnostics();
  test_eval_errors();
  test_facts_errors();
  test_refusals_leave_messages();
  test_policy_errors();
  test_never_prints();
  test_limits();
  test_limits_in_report();
  test_interrupt();
  test_strict_calls();
  test_facts_reset_reload();
  test_facts_no_merge();
  test_ndjson();
  test_builders();
  test_load_value();
  test_value_format();
  contract_report_tests();
  contract_io_tests();
  contract_thread_tests();
  contract_embed_tests();
  contract_facts_tests();
  if (own)
    remove_scratch();
  if (known)
    printf("%d known failures (see KNOWN above)\n", known);
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}

/* }==== */
