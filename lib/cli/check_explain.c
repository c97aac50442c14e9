/*
 * check_explain.c: `policyc check --explain`: instead of the report, for
 * each vendor and rule an account of the verdict (pol_explain_*): every
 * sub-expression with its value, the item that decided a quantifier, and
 * for a FAIL one sentence saying why, as text or (--format=json) one JSON
 * document. The sentence is in --lang's language, by default Japanese
 * (docs/cli.md). Vendors are read and explained one at a time;
 * the exit status is the check's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli.h"

typedef struct explain_run {
  const check_opts *o;
  pol_env *env;
  const pol_policy *pol;
  pol_explain *x;
  pol_report *rep;
  pol_ctx *ctx;
  bool json;
  FILE *out; /* standard output, or the -o file being written */
  unsigned long long vendors, noncompliant, bad;
  unsigned long long entries; /* of the JSON "vendors" array */
  bool assume_failed; /* an --assume could not be set: exit 2 */
  waiver_file *wf;    /* --waivers, or NULL */
} explain_run;

/* The language of the sentences: --lang when given, else Japanese, the
 * language of the vendors' documents and of the example policies (not
 * the locale, as the report's headings: the sentences quote the
 * documents, and an English sentence around a Japanese quote helps no
 * one by default). */
static const char *explain_lang(const check_opts *o) {
  return o->lang ? o->lang : "ja";
}

static void vendor_head(explain_run *er, const char *source) {
  const char *name = pol_report_vendor_name(er->rep, 0);
  if (er->json) {
    fprintf(er->out, "%s\n  {\"vendor\": ", er->entries++ ? "," : "");
    cli_json_str(er->out, name);
    fprintf(er->out, ", \"source\": ");
    cli_json_str(er->out, source);
    fprintf(er->out, ", \"compliant\": %s, \"rules\": [",
           pol_report_compliant(er->rep, 0) ? "true" : "false");
  } else {
    fprintf(er->out, "%s== %s (%s)\n", er->vendors ? "\n" : "", name,
            source);
  }
}

/* An input or record not explained, [why] already said on stderr: in
 * JSON also an entry of "vendors" as check's JSON report has one, so
 * that a reader of the document alone sees that something is missing. */
static void not_explained(explain_run *er, const char *source,
                          const char *why) {
  er->bad++;
  if (!er->json)
    return;
  fprintf(er->out, "%s\n  {\"source\": ", er->entries++ ? "," : "");
  cli_json_str(er->out, source);
  fprintf(er->out, ", \"error\": ");
  cli_json_str(er->out, why);
  fprintf(er->out, "}");
}

/* Explain every rule for the fact set [f], checked into er->rep. */
static int explain_vendor(explain_run *er, const pol_facts *f,
                          const char *source) {
  vendor_head(er, source);
  size_t n = pol_policy_rule_count(er->pol);
  for (size_t r = 0; r < n; r++) {
    const char *t = NULL;
    if (pol_explain_rule(er->x, f, r, explain_lang(er->o)) == POL_OK)
      t = pol_explain_render(er->x, er->json ? POL_FORMAT_JSON
                                             : POL_FORMAT_TEXT);
    if (!t) {
      cli_error("out of memory");
      return EXIT_INPUT;
    }
    if (er->json)
      fprintf(er->out, "%s\n  %s", r ? "," : "", t);
    else
      fprintf(er->out, "\n%s", t);
  }
  if (er->json)
    fprintf(er->out, n ? "\n  ]}" : "]}");
  er->vendors++;
  er->noncompliant += !pol_report_compliant(er->rep, 0);
  waivers_note(er->wf, er->rep);
  return EXIT_OK;
}

/* Every record of the input [path]. An input that cannot be read or
 * holds no record is reported and counted, and the next one explained,
 * as check does. */
static int explain_input(explain_run *er, const char *path) {
  reader *rd = reader_open(path, er->o->max_record);
  if (!rd) { /* reader_open said why on stderr */
    char why[4400];
    int e = errno;
    snprintf(why, sizeof why, "%s: %s", path,
             e == EISDIR ? "is a directory" : strerror(e));
    not_explained(er, path, why);
    return EXIT_OK;
  }
  record rec;
  int got = 1, k = 0, status = EXIT_OK;
  pol_facts *f = NULL;
  /* ferror: an output that can no longer be written ends the reading
   * (an endless standard input would be read for ever), as for check */
  while (status == EXIT_OK && !ferror(er->out) &&
         (got = reader_next(rd, &rec)) > 0) {
    char source[4200], msg[4400];
    check_source(source, sizeof source, reader_name(rd), &rec,
                 k++ == 0 && rec.last);
    pol_report_reset(er->rep);
    pol_facts_free(f);
    if (pol_facts_new(er->env, &f) != POL_OK)
      return EXIT_INPUT;
    int rc = check_record(er->o, er->ctx, f, er->rep, reader_name(rd), &rec,
                          source, msg, sizeof msg);
    if (rc == POL_EFORMAT || rc == POL_EINVAL) { /* EINVAL: an --assume */
      cli_error("%s", msg);
      not_explained(er, source, msg);
      er->assume_failed |= rc == POL_EINVAL;
    } else if (rc != POL_OK) {
      cli_error("%s", msg);
      status = EXIT_INPUT;
    } else {
      status = explain_vendor(er, f, source);
    }
  }
  pol_facts_free(f);
  if (got == 0 && k == 0 && status == EXIT_OK) {
    char why[4200];
    snprintf(why, sizeof why, "%s: no fact set (the input is empty)",
             reader_name(rd));
    cli_error("%s", why);
    not_explained(er, reader_name(rd), why);
  }
  if (got < 0 && reader_oom(rd)) /* said: the run stops */
    status = EXIT_INPUT;
  else if (got < 0) /* a read error (said): the next input goes on */
    not_explained(er, reader_name(rd), reader_error(rd) ? reader_error(rd)
                                                        : "read error");
  reader_close(rd);
  return status;
}

/* --waivers into [wf] and onto the report, as check applies them: the
 * vendor's compliance and the exit status are the check's, and without
 * them an explanation said "compliant": false (exit 1) of a vendor whose
 * every gap is waived. The rules' verdicts stay: a waiver keeps them. */
static int explain_waivers(explain_run *er, waiver_file *wf) {
  if (!er->o->waivers)
    return EXIT_OK;
  er->wf = wf;
  int status = waivers_load(er->o->waivers, er->pol, wf);
  if (status == EXIT_OK && pol_report_set_waivers(er->rep, wf->set) != POL_OK)
    status = EXIT_INPUT;
  return status;
}

/* Explain every input into [out]; the check's exit status. *[whole]:
 * every input was explained or said not to be (a failure did not stop
 * the run). */
static int explain_all(const check_opts *o, pol_env *env,
                       const pol_policy *pol, FILE *out, bool *whole) {
  explain_run er = {o, env, pol, NULL, NULL, NULL,
                    o->format == POL_FORMAT_JSON, out, 0, 0, 0, 0, false,
                    NULL};
  waiver_file wf;
  char today[11];
  if (!o->as_of && !cli_today(today))
    return EXIT_USAGE;
  const char *as_of = o->as_of ? o->as_of : today;
  int rc = pol_explain_new(pol, &er.x);
  if (rc != POL_OK) {
    cli_error(rc == POL_EINVAL ? "%s: --explain needs the policy's source, "
                                 "not a saved policy"
                               : "%s: out of memory", o->policy);
    return rc == POL_EINVAL ? EXIT_USAGE : EXIT_INPUT;
  }
  int status = EXIT_OK;
  if (pol_report_new(pol, o->unknown, &er.rep) != POL_OK ||
      pol_ctx_new(env, &er.ctx) != POL_OK ||
      pol_report_set_as_of(er.rep, as_of) != POL_OK ||
      pol_explain_set_as_of(er.x, as_of) != POL_OK)
    status = EXIT_INPUT;
  if (status == EXIT_OK)
    status = explain_waivers(&er, &wf);
  if (status != EXIT_OK)
    goto done;
  if (er.json)
    fprintf(out, "{\"format\": \"policyc-explain\", \"version\": 1, "
            "\"vendors\": [");
  for (int i = 0; status == EXIT_OK && !ferror(out) && i < o->nfacts; i++)
    status = explain_input(&er, o->facts[i]);
  if (er.json)
    fprintf(out, er.entries ? "\n]}\n" : "]}\n");
  if (status == EXIT_OK && !waivers_all_seen(er.wf, o->waivers))
    status = EXIT_USAGE;
done:
  *whole = status == EXIT_OK;
  pol_ctx_free(er.ctx);
  pol_report_free(er.rep); /* before the waivers it refers to */
  pol_explain_free(er.x);
  if (er.wf)
    waivers_unload(er.wf);
  if (out == stdout && !cli_flush_stdout())
    return EXIT_INPUT;
  if (status == EXIT_OK && er.assume_failed)
    return EXIT_USAGE; /* the command line's fault, as for check */
  if (status != EXIT_OK || er.bad)
    return status != EXIT_OK ? status : EXIT_INPUT;
  if (er.vendors == 0) {
    cli_error("no fact set (the input is empty)");
    return EXIT_INPUT;
  }
  return er.noncompliant ? EXIT_FAIL : EXIT_OK;
}

int check_explain(pol_env *env, const pol_policy *pol, const check_opts *o) {
  bool whole = false;
  if (!o->output)
    return explain_all(o, env, pol, stdout, &whole);
  cli_outfile of; /* kept when whole, as check's report (write.c) */
  FILE *out = cli_outfile_open(&of, o->output);
  if (!out)
    return EXIT_INPUT;
  int status = explain_all(o, env, pol, out, &whole);
  int closed = cli_outfile_close(&of, whole);
  return whole && closed != EXIT_OK ? closed : status;
}
