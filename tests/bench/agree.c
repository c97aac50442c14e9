/*
 * agree.c: `make bench-agree`. The bench compares three implementations
 * of the same 40 rules (libpol, the C floor, jq), which is only fair if
 * they decide alike. This checks every vendor of an NDJSON stream with
 * libpol (through the public API only: the lead's rewrite of the check
 * path keeps it), with floor.c, and, when jq is installed, with
 * rules40.jq; it prints the first disagreement and exits 1.
 *
 * It also checks the data: across the stream every rule must both PASS
 * and FAIL somewhere, or the generator has stopped exercising it.
 *
 * usage: agree POLICY.pol VENDORS.ndjson [RULES.jq]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "floor.h"
#include "json.h"
#include "pol.h"

/* The whole of [path], NUL-terminated; NULL if it cannot be read. */
static char *slurp(const char *path, size_t *len) {
  FILE *in = fopen(path, "rb");
  if (!in)
    return NULL;
  size_t cap = 1 << 20, n = 0, got;
  char *p = malloc(cap);
  while (p && (got = fread(p + n, 1, cap - n - 1, in)) > 0) {
    n += got;
    if (cap - n - 1 == 0) {
      char *q = realloc(p, cap *= 2);
      if (!q)
        free(p);
      p = q;
    }
  }
  fclose(in);
  if (p) {
    p[n] = '\0';
    *len = n;
  }
  return p;
}

/* libpol's side: the policy, compiled once, and the state to check. */
typedef struct engine {
  pol_env *env;
  pol_ctx *ctx;
  pol_policy *pol;
} engine;

static bool engine_open(engine *e, const char *path) {
  size_t len;
  char *src = slurp(path, &len);
  if (!src) {
    fprintf(stderr, "agree: cannot read %s\n", path);
    return false;
  }
  int rc = pol_env_new(NULL, &e->env);
  if (rc == POL_OK)
    rc = pol_policy_compile(e->env, src, len, path, &e->pol);
  if (rc == POL_OK)
    rc = pol_ctx_new(e->env, &e->ctx);
  free(src);
  if (rc != POL_OK)
    fprintf(stderr, "agree: %s: %s\n", path, pol_env_errmsg(e->env));
  return rc == POL_OK;
}

static void engine_close(engine *e) {
  pol_ctx_free(e->ctx);
  pol_policy_free(e->pol);
  pol_env_free(e->env);
}

/* The floor can only stand in for the policy it was written from. */
static bool same_rules(const engine *e) {
  size_t n = pol_policy_rule_count(e->pol);
  if (n != FLOOR_RULES) {
    fprintf(stderr, "agree: the policy has %zu rules, floor.c %d\n", n,
            FLOOR_RULES);
    return false;
  }
  for (size_t r = 0; r < n; r++)
    if (strcmp(pol_policy_rule_id(e->pol, r), floor_rule_id(r)) != 0) {
      fprintf(stderr, "agree: rule %zu is %s in the policy, %s in floor.c\n",
              r + 1, pol_policy_rule_id(e->pol, r), floor_rule_id(r));
      return false;
    }
  return true;
}

/* libpol's verdict letters for the vendor [json]/[len]. A fresh fact set
 * and report per vendor: this is a correctness check, not a timing. */
static bool engine_check(engine *e, const char *json, size_t len,
                         char out[FLOOR_RULES]) {
  pol_facts *facts = NULL;
  pol_report *rep = NULL;
  int rc = pol_facts_new(e->env, &facts);
  if (rc == POL_OK)
    rc = pol_facts_load_json(facts, json, len, "vendor");
  if (rc == POL_OK)
    rc = pol_report_new(e->pol, POL_UNKNOWN_FAIL, &rep);
  if (rc == POL_OK)
    rc = pol_check(e->ctx, rep, facts, "vendor");
  for (size_t r = 0; rc == POL_OK && r < FLOOR_RULES; r++)
    out[r] = pol_report_verdict(rep, 0, r)[0];
  if (rc != POL_OK)
    fprintf(stderr, "agree: libpol: %s\n",
            facts ? pol_facts_errmsg(facts) : pol_strerror(rc));
  pol_report_free(rep);
  pol_facts_free(facts);
  return rc == POL_OK;
}

/* The floor's verdicts, over the project's own parse of the same text. */
static bool floor_verdicts(const floor *f, arena *a, const char *json,
                           size_t len, char out[FLOOR_RULES]) {
  val facts;
  json_error bad;
  arena_reset(a);
  if (!json_parse(a, json, len, &facts, &bad)) {
    fprintf(stderr, "agree: %u:%u: %s\n", bad.line, bad.col, bad.msg);
    return false;
  }
  floor_check(f, &facts, out);
  return true;
}

/* jq's side: rules40.jq over the whole stream, one line per vendor.
 * NULL (after saying so) when jq is not installed. */
static FILE *jq_open(const char *program, const char *ndjson) {
  if (system("command -v jq >/dev/null 2>&1") != 0) {
    puts("jq not installed: skipped");
    return NULL;
  }
  if (strchr(program, '\'') || strchr(ndjson, '\'')) {
    fputs("agree: no quotes in file names, please\n", stderr);
    exit(2);
  }
  char cmd[4096];
  snprintf(cmd, sizeof cmd, "jq -r -f '%s' '%s'", program, ndjson);
  return popen(cmd, "r");
}

static bool jq_next(FILE *jq, char out[FLOOR_RULES]) {
  char line[256];
  if (!fgets(line, sizeof line, jq) || strlen(line) != FLOOR_RULES + 1) {
    fputs("agree: jq: expected a line of 40 verdicts\n", stderr);
    return false;
  }
  memcpy(out, line, FLOOR_RULES);
  return true;
}

/* Verdict counts per rule, to check that the data exercises each one. */
static const char letters[] = "PFUES";
typedef struct tally {
  unsigned n[FLOOR_RULES][5];
} tally;

static void count(tally *t, const char v[FLOOR_RULES]) {
  for (int r = 0; r < FLOOR_RULES; r++)
    t->n[r][strchr(letters, v[r]) - letters]++;
}

/* Print the counts; false if some rule never passed or never failed. */
static bool report(const tally *t) {
  bool ok = true;
  printf("%-28s %5s %5s %5s %5s %5s\n", "rule", "PASS", "FAIL", "UNKN",
         "ERROR", "SKIP");
  for (int r = 0; r < FLOOR_RULES; r++) {
    const unsigned *n = t->n[r];
    bool both = n[0] > 0 && n[1] > 0;
    ok = ok && both;
    printf("%-28s %5u %5u %5u %5u %5u%s\n", floor_rule_id((size_t)r), n[0],
           n[1], n[2], n[3], n[4], both ? "" : "  <- never passes or fails");
  }
  return ok;
}

/* Compare [who]'s verdicts with libpol's for vendor [i] (1-based, the
 * stream's line); print the first difference. */
static bool same(size_t i, const char *who, const char want[FLOOR_RULES],
                 const char got[FLOOR_RULES]) {
  for (int r = 0; r < FLOOR_RULES; r++)
    if (want[r] != got[r]) {
      printf("DISAGREE: vendor %zu, rule %d %s: libpol %c, %s %c\n"
             "  libpol %.40s\n  %-6s %.40s\n",
             i, r + 1, floor_rule_id((size_t)r), want[r], who, got[r], want,
             who, got);
      return false;
    }
  return true;
}

/* Each line of [text] through the three; false at the first problem. */
static bool run(engine *e, const char *text, size_t len, FILE *jq,
                tally *t, size_t *vendors) {
  floor f;
  arena a;
  floor_init(&f);
  arena_init(&a, 0, NULL);
  bool ok = true;
  for (size_t pos = 0; ok && pos < len;) {
    const char *line = text + pos, *nl = memchr(line, '\n', len - pos);
    size_t n = nl ? (size_t)(nl - line) : len - pos;
    pos += n + 1;
    if (n == 0)
      continue;
    char want[FLOOR_RULES], got[FLOOR_RULES], jqv[FLOOR_RULES];
    ++*vendors;
    ok = engine_check(e, line, n, want) &&
         floor_verdicts(&f, &a, line, n, got) &&
         same(*vendors, "floor", want, got) &&
         (!jq || (jq_next(jq, jqv) && same(*vendors, "jq", want, jqv)));
    if (ok)
      count(t, want);
  }
  arena_free(&a);
  return ok;
}

int main(int argc, char **argv) {
  if (argc < 3 || argc > 4) {
    fputs("usage: agree POLICY.pol VENDORS.ndjson [RULES.jq]\n", stderr);
    return 2;
  }
  engine e = {0};
  size_t len, vendors = 0;
  char *text = slurp(argv[2], &len);
  if (!text || !engine_open(&e, argv[1]) || !same_rules(&e)) {
    if (!text)
      fprintf(stderr, "agree: cannot read %s\n", argv[2]);
    return 2;
  }
  FILE *jq = argc > 3 ? jq_open(argv[3], argv[2]) : NULL;
  static tally t;
  bool ok = run(&e, text, len, jq, &t, &vendors);
  if (jq && pclose(jq) != 0 && ok) {
    fputs("agree: jq failed\n", stderr);
    ok = false;
  }
  if (ok)
    ok = report(&t);
  if (ok)
    printf("agree: %zu vendors x %d rules: libpol, floor%s decide alike\n",
           vendors, FLOOR_RULES, jq ? " and jq" : "");
  engine_close(&e);
  free(text);
  return ok ? 0 : 1;
}
