/*
 * cmd_diff.c: `policyc diff [options] OLD.pol NEW.pol FACTS...`: the
 * impact of a policy change before it lands. Every vendor is checked
 * against both policies; rules are matched by id, so a rule added,
 * removed or changed shows as the vendor x rule verdicts that move, and
 * the vendors that become compliant or non-compliant. Inputs are read
 * as check reads them (records.h: a file or an NDJSON stream), one
 * vendor at a time: the two reports are reset between vendors, so
 * memory does not grow with their number. docs/cli.md ("diff") describes the output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli.h"
#include "opts.h"
#include "records.h"

static const char diff_usage[] =
    "usage: policyc diff [options] OLD.pol NEW.pol FACTS...\n"
    "  --format=text|json    the output (default text)\n"
    "  --unknown=MODE        how an UNKNOWN must-rule counts for\n"
    "                        compliance: fail (default), warn, ignore\n"
    "  --as-of DATE          evaluation date YYYY-MM-DD for now()\n"
    "                        (default today, or SOURCE_DATE_EPOCH's date)\n"
    "  -I DIR                look for imported modules in DIR first\n"
    "  --plugin FILE.so      load host functions the policies call from a\n"
    "                        shared object (repeatable)\n"
    "exit status: 0 nothing changed, 1 a verdict, a vendor's compliance\n"
    "or the set of rules changed, 2 usage or compile error, 3 bad input\n";

typedef struct diff_opts {
  const char *old_path, *new_path;
  char **facts;
  int nfacts;
  const char **dirs;
  int ndirs;
  const char **plugins; /* --plugin FILE.so, in order */
  int nplugins;
  bool json;
  int unknown;
  char as_of[11];
} diff_opts;

/* The run's state: both policies, a report of each, and the counts. */
typedef struct differ {
  const diff_opts *o;
  pol_policy *pol[2];   /* old, new */
  pol_report *rep[2];
  pol_ctx *ctx;
  size_t nvendors, nchanged, became[2]; /* [0] non-compliant, [1] ok */
  size_t nrules_changed; /* rules added, removed or of a new severity */
  char source[4200];     /* the vendor being compared ("file:LINE" in a
                            stream): where a failure stopped the run */
} differ;

/* ==== output helpers ===================================================== */

/* [s] as a JSON string (NULL as null). */
static void put_json(const char *s) {
  if (!s) {
    fputs("null", stdout);
    return;
  }
  putchar('"');
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\')
      printf("\\%c", *p);
    else if (*p < 0x20)
      printf("\\u%04x", *p);
    else
      putchar(*p);
  }
  putchar('"');
}

static const char *yes_no(bool b) { return b ? "yes" : "no"; }

/* ==== rules added and removed ============================================ */

/* The ids of [a]'s rules that [b] does not have, as text or a JSON
 * array; returns how many. */
static size_t put_rules_missing(const pol_policy *a, const pol_policy *b,
                                bool json) {
  size_t n = 0;
  for (size_t i = 0; i < pol_policy_rule_count(a); i++) {
    const char *id = pol_policy_rule_id(a, i);
    if (pol_policy_rule_find(b, id) != POL_NOT_FOUND)
      continue;
    if (json) {
      fputs(n ? "," : "", stdout);
      put_json(id);
    } else {
      printf("%s%s", n ? ", " : "", id);
    }
    n++;
  }
  return n;
}

/* The rules of both policies whose severity differs (a should made a
 * must changes compliance without changing a verdict); returns how
 * many. */
static size_t put_severities(const pol_policy *o, const pol_policy *n,
                             bool json) {
  size_t k = 0;
  for (size_t i = 0; i < pol_policy_rule_count(n); i++) {
    const char *id = pol_policy_rule_id(n, i);
    size_t j = pol_policy_rule_find(o, id);
    if (j == POL_NOT_FOUND ||
        pol_policy_rule_level(o, j) == pol_policy_rule_level(n, i))
      continue;
    const char *s0 = pol_policy_rule_severity(o, j);
    const char *s1 = pol_policy_rule_severity(n, i);
    if (json) {
      fputs(k ? ",{\"rule\":" : "{\"rule\":", stdout);
      put_json(id);
      printf(",\"old\":\"%s\",\"new\":\"%s\"}", s0, s1);
    } else {
      printf("%s%s (%s -> %s)", k ? ", " : "", id, s0, s1);
    }
    k++;
  }
  return k;
}

static void put_rule_sets(differ *d) {
  const pol_policy *o = d->pol[0], *n = d->pol[1];
  bool json = d->o->json;
  static const char *const head[2][3] = {
      {"rules added:      ", "\nrules removed:    ", "\nseverity changed: "},
      {",\n  \"rules_added\": [", "],\n  \"rules_removed\": [",
       "],\n  \"severity_changed\": ["}};
  size_t k[3];
  for (int i = 0; i < 3; i++) {
    fputs(head[json][i], stdout);
    k[i] = i == 2   ? put_severities(o, n, json)
           : i == 0 ? put_rules_missing(n, o, json)
                    : put_rules_missing(o, n, json);
    if (!k[i] && !json)
      fputs("(none)", stdout);
    d->nrules_changed += k[i];
  }
  fputs(json ? "],\n  \"vendors\": [" : "\n", stdout);
}

static void put_head(const differ *d) {
  const char *f[2] = {d->o->old_path, d->o->new_path};
  if (d->o->json) {
    fputs("{\n  \"format\": 1", stdout);
    for (int k = 0; k < 2; k++) {
      printf(",\n  \"%s\": {\"file\":", k ? "new" : "old");
      put_json(f[k]);
      printf(",\"rules\":%zu}", pol_policy_rule_count(d->pol[k]));
    }
    fputs(",\n  \"as_of\": ", stdout);
    put_json(d->o->as_of);
    return;
  }
  for (int k = 0; k < 2; k++)
    printf("%s  %s (%zu rules)\n", k ? "new" : "old", f[k],
           pol_policy_rule_count(d->pol[k]));
  printf("as of %s\n", d->o->as_of);
}

/* ==== one vendor ========================================================= */

/* Verdict of rule [id] in report [k] (NULL: the policy has no such
 * rule). */
static const char *verdict_of(const differ *d, int k, const char *id) {
  size_t r = pol_policy_rule_find(d->pol[k], id);
  return r == POL_NOT_FOUND ? NULL : pol_report_verdict(d->rep[k], 0, r);
}

/* One verdict that moved, for rule [id]; [first]: the vendor's first. */
static void put_change(const differ *d, const char *id, const char *v0,
                       const char *v1, bool first) {
  if (d->o->json) {
    fputs(first ? "" : ",", stdout);
    fputs("\n      {\"rule\":", stdout);
    put_json(id);
    fputs(",\"old\":", stdout);
    put_json(v0);
    fputs(",\"new\":", stdout);
    put_json(v1);
    putchar('}');
    return;
  }
  printf("  %-30s %-8s -> %s\n", id, v0 ? v0 : "(none)",
         v1 ? v1 : "(none)");
}

static bool same(const char *a, const char *b) {
  return a && b ? !strcmp(a, b) : a == b;
}

/* Each rule of policy [k] whose verdict moved (for k = 0, only rules
 * the new policy removed: the others were seen from the new side). */
static size_t put_changes_of(differ *d, int k, size_t n,
                             const char *name) {
  const pol_policy *p = d->pol[k];
  for (size_t i = 0; i < pol_policy_rule_count(p); i++) {
    const char *id = pol_policy_rule_id(p, i);
    if (k == 0 && pol_policy_rule_find(d->pol[1], id) != POL_NOT_FOUND)
      continue;
    const char *v0 = verdict_of(d, 0, id), *v1 = verdict_of(d, 1, id);
    if (same(v0, v1))
      continue;
    if (!n && !d->o->json)
      printf("\n%s\n", name);
    put_change(d, id, v0, v1, n == 0);
    n++;
  }
  return n;
}

static void put_vendor_open(const differ *d, const char *name,
                            const char *src, const bool ok[2]) {
  if (!d->o->json)
    return;
  fputs(d->nvendors ? ",\n    " : "\n    ", stdout);
  fputs("{\"vendor\":", stdout);
  put_json(name);
  fputs(",\"source\":", stdout);
  put_json(src);
  printf(",\"compliant\":{\"old\":%s,\"new\":%s},\"changes\":[",
         ok[0] ? "true" : "false", ok[1] ? "true" : "false");
}

/* Compare the vendor just checked into both reports, and write it. */
static void diff_vendor(differ *d) {
  const char *name = pol_report_vendor_name(d->rep[1], 0);
  const char *src = pol_report_vendor(d->rep[1], 0, POL_VENDOR_SOURCE);
  bool ok[2] = {pol_report_compliant(d->rep[0], 0),
                pol_report_compliant(d->rep[1], 0)};
  put_vendor_open(d, name, src, ok);
  size_t n = put_changes_of(d, 1, 0, name);
  n = put_changes_of(d, 0, n, name);
  if (ok[0] != ok[1]) {
    if (!d->o->json && !n)
      printf("\n%s\n", name);
    if (!d->o->json)
      printf("  compliant: %s -> %s\n", yes_no(ok[0]), yes_no(ok[1]));
    d->became[ok[1]]++;
  }
  if (d->o->json)
    fputs(n ? "\n    ]}" : "]}", stdout);
  d->nchanged += n;
  d->nvendors++;
}

/* Check the record [rec] of the input [name] against both policies,
 * then compare. */
static int diff_record(differ *d, pol_facts *f, const char *name,
                       const record *rec) {
  if (record_refused(rec, name))
    return EXIT_INPUT;
  int rc = pol_facts_load_record(f, rec->data, rec->len, name, rec->line);
  if (rc != POL_OK)
    return cli_failed(rc, pol_facts_errmsg(f), EXIT_INPUT);
  for (int k = 0; k < 2; k++) {
    pol_report_reset(d->rep[k]);
    if ((rc = pol_check(d->ctx, d->rep[k], f, d->source)) != POL_OK)
      return cli_failed(rc, pol_ctx_errmsg(d->ctx), EXIT_INPUT);
  }
  diff_vendor(d);
  return EXIT_OK;
}

/* Every vendor of the input [path]: one JSON object, or a stream of
 * them (NDJSON), read one at a time as check reads them. */
static int diff_input(differ *d, pol_env *env, const char *path) {
  snprintf(d->source, sizeof d->source, "%s", path);
  reader *rd = reader_open(path, CLI_MAX_INPUT);
  if (!rd) /* it said why */
    return EXIT_INPUT;
  pol_facts *f;
  if (pol_facts_new(env, &f) != POL_OK) {
    reader_close(rd);
    return cli_out_of_memory();
  }
  record rec;
  int got, k = 0, status = EXIT_OK;
  while (status == EXIT_OK && (got = reader_next(rd, &rec)) > 0) {
    check_source(d->source, sizeof d->source, reader_name(rd), &rec,
                 k++ == 0 && rec.last);
    status = diff_record(d, f, reader_name(rd), &rec);
  }
  if (status == EXIT_OK && got < 0)
    status = EXIT_INPUT; /* the reader said why */
  if (status == EXIT_OK && k == 0) {
    cli_error("%s: no fact set (the input is empty)", reader_name(rd));
    status = EXIT_INPUT;
  }
  pol_facts_free(f);
  reader_close(rd);
  return status;
}

/* ==== the run ============================================================ */

/* The end: the counts. [stopped] is the fact set the run stopped at
 * (unreadable or malformed), or NULL: JSON still closes its document,
 * and names it, and text says so before its counts, so a reader of the
 * output alone sees it is cut short. */
static void put_summary(const differ *d, const char *stopped) {
  if (d->o->json) {
    fputs(d->nvendors ? "\n  ]," : "],", stdout);
    if (stopped) {
      fputs("\n  \"stopped_at\": ", stdout);
      put_json(stopped);
      putchar(',');
    }
    printf("\n  \"summary\": {\"vendors\":%zu,\"verdicts_changed\":%zu,"
           "\"became_compliant\":%zu,\"became_noncompliant\":%zu}\n}\n",
           d->nvendors, d->nchanged,
           d->became[1], d->became[0]);
    return;
  }
  if (stopped)
    printf("\nstopped at %s: it and the fact sets after it were not "
           "compared", stopped);
  printf("\n%zu vendor%s: %zu verdict%s changed, %zu became compliant, "
         "%zu became non-compliant\n",
         d->nvendors, d->nvendors == 1 ? "" : "s", d->nchanged,
         d->nchanged == 1 ? "" : "s", d->became[1], d->became[0]);
}

static int prepare(differ *d, pol_env *env) {
  const char *path[2] = {d->o->old_path, d->o->new_path};
  /* compile errors shown as by the other commands' defaults (auto) */
  const cli_diag_opts shown = CLI_DIAG_OPTS_INIT;
  int status = cli_env_setup(env, d->o->dirs, d->o->ndirs, d->o->plugins,
                             d->o->nplugins);
  for (int k = 0; k < 2 && status == EXIT_OK; k++)
    status = cli_load_policy(env, path[k], cli_diag_flags(&shown),
                             &d->pol[k]);
  for (int k = 0; k < 2 && status == EXIT_OK; k++)
    if (pol_report_new(d->pol[k], d->o->unknown, &d->rep[k]) != POL_OK ||
        pol_report_set_as_of(d->rep[k], d->o->as_of) != POL_OK)
      status = cli_out_of_memory(); /* the date was checked already */
  if (status == EXIT_OK && pol_ctx_new(env, &d->ctx) != POL_OK)
    status = cli_out_of_memory();
  return status;
}

static int run(const diff_opts *o) {
  pol_env *env;
  differ d;
  memset(&d, 0, sizeof d);
  d.o = o;
  if (pol_env_new(NULL, &env) != POL_OK)
    return cli_out_of_memory();
  int status = prepare(&d, env);
  if (status == EXIT_OK) {
    put_head(&d);
    put_rule_sets(&d);
  }
  int i = 0;
  for (; status == EXIT_OK && i < o->nfacts; i++)
    status = diff_input(&d, env, o->facts[i]);
  if (status == EXIT_OK)
    put_summary(&d, NULL);
  else if (d.ctx) /* stopped at a fact set, after the head */
    put_summary(&d, d.source);
  if (!cli_flush_stdout() && status == EXIT_OK)
    status = EXIT_INPUT;
  if (status == EXIT_OK &&
      (d.nchanged || d.nrules_changed || d.became[0] || d.became[1]))
    status = EXIT_FAIL;
  pol_ctx_free(d.ctx);
  for (int k = 0; k < 2; k++) {
    pol_report_free(d.rep[k]);
    pol_policy_free(d.pol[k]);
  }
  pol_env_free(env);
  return status;
}

/* ==== arguments ========================================================== */

static int value_opt(const char *name, const char *v, diff_opts *o) {
  static const char *const modes[] = {"fail", "warn", "ignore"};
  if (!strcmp(name, "--format")) {
    if (strcmp(v, "text") && strcmp(v, "json"))
      return cli_usage_error("diff", "unknown format (text, json): ", v);
    o->json = !strcmp(v, "json");
    return EXIT_OK;
  }
  if (!strcmp(name, "--as-of")) {
    if (!cli_valid_date(v))
      return cli_usage_error("diff",
                             "bad --as-of date (expected YYYY-MM-DD): ", v);
    snprintf(o->as_of, sizeof o->as_of, "%s", v);
    return EXIT_OK;
  }
  for (o->unknown = 2; o->unknown >= 0; o->unknown--)
    if (!strcmp(v, modes[o->unknown]))
      return EXIT_OK;
  return cli_usage_error("diff", "bad value for --unknown (fail, warn, "
                                 "ignore): ", v);
}

static int one_opt(int argc, char **argv, int *i, diff_opts *o) {
  static const char *const names[] = {"--format", "--as-of", "--unknown"};
  const char *a = argv[*i], *v;
  for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
    if ((v = cli_opt_value(argc, argv, i, names[k])))
      return value_opt(names[k], v, o);
  if ((v = cli_opt_value(argc, argv, i, "-I"))) {
    o->dirs[o->ndirs++] = v;
    return EXIT_OK;
  }
  if ((v = cli_opt_value(argc, argv, i, "--plugin"))) {
    o->plugins[o->nplugins++] = v;
    return EXIT_OK;
  }
  return cli_usage_error("diff", "unknown option or missing value: ", a);
}

static int diff_opt(int argc, char **argv, int *i, void *o) {
  return one_opt(argc, argv, i, o);
}

/* Options before or after the operands (cli_scan). */
static int parse_args(int argc, char **argv, diff_opts *o) {
  int n;
  int rc = cli_scan(diff_usage, argc, argv, diff_opt, o, &n);
  if (rc != EXIT_OK)
    return rc;
  if (n < 3)
    return cli_usage_error("diff", "missing OLD.pol, NEW.pol or FACTS",
                           NULL);
  o->old_path = argv[1];
  o->new_path = argv[2];
  o->facts = argv + 3;
  o->nfacts = n - 2;
  return cli_stdin_once("diff", (const char *const *)argv + 1, n);
}

int cmd_diff(int argc, char **argv) {
  diff_opts o;
  memset(&o, 0, sizeof o);
  o.unknown = POL_UNKNOWN_FAIL;
  o.dirs = calloc((size_t)argc, sizeof *o.dirs);
  o.plugins = calloc((size_t)argc, sizeof *o.plugins);
  if (!o.dirs || !o.plugins) {
    free(o.dirs);
    free(o.plugins);
    return cli_out_of_memory();
  }
  int status = parse_args(argc, argv, &o);
  if (status == EXIT_OK && !o.as_of[0] && !cli_today(o.as_of))
    status = EXIT_USAGE;
  if (status == EXIT_OK)
    status = run(&o);
  free(o.dirs);
  free(o.plugins);
  return status < 0 ? EXIT_OK : status;
}
