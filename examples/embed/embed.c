/*
 * embed.c: a minimal vendor-screening service on libpol, in the style of
 * a procurement portal's back end. It compiles a policy once, registers
 * a C function the policy calls (days_until), and then streams the
 * vendors through one fact set and one report: load, check, print every
 * field the report holds, reset, next. Nothing is allocated per vendor
 * once warm, and the report never outlives the facts it refers to.
 * Built against the installed library:
 *
 *     cc embed.c $(pkg-config --cflags --libs pol) -o embed
 *     ./embed --today 2026-04-01 screening.pol vendor.json...
 *
 * Exit status: 0 every vendor complies, 1 some does not, 2 bad usage or
 * policy, 3 bad input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pol.h>

/* Days from 1970-01-01 to the civil date y-m-d (proleptic Gregorian). */
static long days_from_civil(long y, long m, long d) {
  y -= m <= 2;
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static long today; /* the screening date, set once from --today */

static long parse_date(const char *s) {
  long y, m, d;
  if (!s || sscanf(s, "%4ld-%2ld-%2ld", &y, &m, &d) != 3)
    return -1;
  return days_from_civil(y, m, d);
}

/* The host function: days from the screening date to [date]
 * ("YYYY-MM-DD"); a malformed date counts as already passed. */
static int64_t days_until(const char *date) {
  long d = parse_date(date);
  return d < 0 ? -1 : d - today;
}

static void print_rule(const pol_report *rep, const pol_policy *pol,
                       size_t v, size_t r) {
  printf("  %-7s %-6s %s\n", pol_report_verdict(rep, v, r),
         pol_policy_rule_severity(pol, r), pol_policy_rule_id(pol, r));
  for (size_t k = 0; k < pol_report_fact_count(rep, v, r); k++) {
    const char *ev = pol_report_fact_evidence(rep, v, r, k);
    const pol_value *val = pol_report_fact_value(rep, v, r, k);
    printf("      %s%s%s%s%s\n", pol_report_fact_path(rep, v, r, k),
           val ? "" : " (not present)", /* a has() that found nothing */
           pol_report_fact_decided(rep, v, r, k) ? " (decided)" : "",
           ev ? "  <- " : "", ev ? ev : "");
  }
  for (size_t k = 0; k < pol_report_missing_count(rep, v, r); k++)
    printf("      missing %s%s\n", pol_report_missing_path(rep, v, r, k),
           pol_report_missing_withheld(rep, v, r, k) ? " (withheld)" : "");
  if (pol_report_message(rep, v, r))
    printf("      message: %s\n", pol_report_message(rep, v, r));
  if (pol_report_reason(rep, v, r))
    printf("      reason: %s\n", pol_report_reason(rep, v, r));
}

/* The vendor just checked (the report's only one). */
static bool print_vendor(const pol_report *rep, const pol_policy *pol) {
  bool ok = pol_report_compliant(rep, 0);
  printf("%s: %s (%zu PASS, %zu FAIL, %zu UNKNOWN)\n",
         pol_report_vendor_name(rep, 0), ok ? "compliant" : "NOT compliant",
         pol_report_count(rep, 0, POL_PASS), pol_report_count(rep, 0, POL_FAIL),
         pol_report_count(rep, 0, POL_UNKNOWN));
  for (size_t r = 0; r < pol_policy_rule_count(pol); r++)
    print_rule(rep, pol, 0, r);
  return ok;
}

static int screen(pol_env *env, const pol_policy *pol, char **files,
                  int n) {
  pol_report *rep = NULL;
  pol_ctx *ctx = NULL;
  pol_facts *facts = NULL;
  int status = 0;
  bool all_ok = true;
  if (pol_report_new(pol, POL_UNKNOWN_WARN, &rep) != POL_OK ||
      pol_ctx_new(env, &ctx) != POL_OK || pol_facts_new(env, &facts) != POL_OK)
    status = 3;
  for (int i = 0; i < n && status == 0; i++) {
    /* loading replaces the fact set: nothing of the last vendor stays */
    if (pol_facts_load_file(facts, files[i]) != POL_OK) {
      fprintf(stderr, "embed: %s\n", pol_facts_errmsg(facts));
      status = 3;
    } else if (pol_check(ctx, rep, facts, files[i]) != POL_OK) {
      fprintf(stderr, "embed: %s\n", pol_ctx_errmsg(ctx));
      status = 3;
    } else {
      all_ok = print_vendor(rep, pol) && all_ok;
      pol_report_reset(rep); /* before the facts it refers to change */
    }
  }
  if (status == 0 && !all_ok)
    status = 1;
  pol_facts_free(facts);
  pol_ctx_free(ctx);
  pol_report_free(rep);
  return status;
}

int main(int argc, char **argv) {
  if (argc < 5 || strcmp(argv[1], "--today") != 0 ||
      (today = parse_date(argv[2])) < 0) {
    fprintf(stderr, "usage: embed --today YYYY-MM-DD POLICY VENDOR.json...\n");
    return 2;
  }
  pol_env *env;
  pol_policy *pol;
  if (pol_env_new(NULL, &env) != POL_OK)
    return 3;
  if (pol_env_register(env, "days_until", "int64(string)",
                       (void (*)(void))days_until) != POL_OK) {
    fprintf(stderr, "embed: %s\n", pol_env_errmsg(env));
    return 2;
  }
  if (pol_policy_compile_file(env, argv[3], &pol) != POL_OK) {
    fputs(pol_diag_count(env) ? pol_diag_render(env, POL_RENDER_EXCERPT)
                              : pol_env_errmsg(env), stderr);
    pol_env_free(env);
    return 2;
  }
  int status = screen(env, pol, argv + 4, argc - 4);
  pol_policy_free(pol);
  pol_env_free(env);
  return status;
}
