/*
 * cmd_lint.c: `policyc lint [options] POLICY...`: the analysis of each
 * policy (pol_lint; docs/lint.md), printed as located warnings with
 * their witnesses. Also home of cli_print_lints(), which `check --lint`
 * shares.
 *
 * Exit status: 0 no warning, 1 warnings, 2 usage error or a policy that
 * does not compile (or is a saved policy, which keeps no source), 3 a
 * policy that cannot be read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "opts.h"

typedef struct lint_opts {
  cli_list dirs;
  cli_list plugins; /* --plugin FILE.so: host functions, in order */
  cli_list allow;   /* --allow CODE: codes or names not to report */
  bool verbose;
  int format;       /* 0 text, 1 json */
  int excerpt, color; /* 0 auto, 1 always, 2 never */
} lint_opts;

static const char lint_usage[] =
    "usage: policyc lint [options] POLICY...\n"
    "Analyse policies: rules that can never pass or fail, contradictions,\n"
    "duplicates, unused lets, ... (docs/lint.md).\n";

/* One warning as text: "file:line:col: warning: message [CODE name]",
 * then its witness. L000 is a note. */
static void print_text(FILE *out, const pol_warning *w) {
  bool note = !strcmp(w->code, "L000");
  fprintf(out, "%s:%u:%u: %s: %s [%s %s]\n", w->file, w->line, w->col,
          note ? "note" : "warning", w->message, w->code, w->name);
  if (w->witness)
    fprintf(out, "  witness: %s gives %s\n", w->witness,
            w->verdict ? w->verdict : "?");
}

void cli_json_str(FILE *out, const char *s) {
  if (!s) {
    fputs("null", out);
    return;
  }
  fputc('"', out);
  for (; s && *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      fprintf(out, "\\%c", c);
    else if (c < 0x20)
      fprintf(out, "\\u%04x", c);
    else
      fputc(c, out);
  }
  fputc('"', out);
}

static void print_json(FILE *out, const pol_warning *w, bool first) {
  fputs(first ? "\n    {" : ",\n    {", out);
  fputs("\"code\": ", out), cli_json_str(out, w->code);
  fputs(", \"name\": ", out), cli_json_str(out, w->name);
  fputs(", \"file\": ", out), cli_json_str(out, w->file);
  fprintf(out, ", \"line\": %u, \"col\": %u, \"rule\": ", w->line, w->col);
  cli_json_str(out, w->rule);
  fputs(", \"message\": ", out), cli_json_str(out, w->message);
  fprintf(out, ", \"witness\": %s, \"verdict\": ",
          w->witness ? w->witness : "null");
  cli_json_str(out, w->verdict);
  fputc('}', out);
}

/* Whether [w] is one that --allow names, by code or by name. */
static bool allowed(const pol_warning *w, const char *const *allow,
                    int nallow) {
  for (int i = 0; i < nallow; i++)
    if (!strcmp(allow[i], w->code) || !strcmp(allow[i], w->name))
      return true;
  return false;
}

int cli_print_lints(FILE *out, const pol_lints *l, bool json,
                    const char *const *allow, int nallow) {
  int warnings = 0;
  bool first = true;
  if (json)
    fputs("{\"format\": \"policyc-lint\", \"version\": 1, \"warnings\": [",
          out);
  for (size_t i = 0; i < pol_lints_count(l); i++) {
    pol_warning w = POL_WARNING_INIT;
    pol_lints_get(l, i, &w);
    if (allowed(&w, allow, nallow))
      continue;
    warnings += strcmp(w.code, "L000") != 0;
    if (json)
      print_json(out, &w, first);
    else
      print_text(out, &w);
    first = false;
  }
  if (json)
    fputs(first ? "]}\n" : "\n]}\n", out);
  return warnings;
}

/* Whether every --allow value is a lint check's code or name; else a
 * usage error naming it. */
static bool allow_valid(const cli_list *allow) {
  for (int i = 0; i < allow->n; i++) {
    const char *name, *code;
    size_t k = 0;
    while ((code = pol_lint_check(k++, &name)) != NULL &&
           strcmp(code, allow->v[i]) && strcmp(name, allow->v[i]))
      ;
    if (!code) {
      cli_usage_error("lint", "bad value for --allow (a check's code "
                      "such as L002, or its name such as never-fail): ",
                      allow->v[i]);
      return false;
    }
  }
  return true;
}

/* Lint one policy file; its warnings go to stdout. */
static int one_policy(pol_env *env, const lint_opts *o, const char *path,
                      int *warnings) {
  pol_policy *pol = NULL;
  int status = cli_load_policy(
      env, path, cli_diag_choice_flags(o->excerpt, o->color), &pol);
  pol_lints *l = NULL;
  if (status == EXIT_OK) {
    int rc = pol_lint(pol, NULL, 0, o->verbose ? POL_LINT_VERBOSE : 0, &l);
    if (rc == POL_EINVAL) {
      cli_error("%s: a saved policy keeps no source to analyse", path);
      status = EXIT_USAGE;
    } else if (rc != POL_OK) {
      cli_error("out of memory");
      status = EXIT_INPUT;
    } else {
      *warnings += cli_print_lints(stdout, l, o->format == 1, o->allow.v,
                                   o->allow.n);
    }
  }
  pol_lints_free(l);
  pol_policy_free(pol);
  return status;
}

static int run(const lint_opts *o, const cli_list *files) {
  pol_config cfg;
  pol_config_init(&cfg);
  cfg.flags |= POL_KEEP_SOURCE;
  int status = EXIT_OK, warnings = 0;
  for (int i = 0; i < files->n; i++) {
    pol_env *env;
    if (pol_env_new(&cfg, &env) != POL_OK) {
      cli_error("out of memory");
      return EXIT_INPUT;
    }
    int s = cli_env_setup(env, o->dirs.v, o->dirs.n, o->plugins.v,
                          o->plugins.n);
    if (s == EXIT_OK)
      s = one_policy(env, o, files->v[i], &warnings);
    status = s > status ? s : status;
    pol_env_free(env);
  }
  if (!cli_flush_stdout())
    return EXIT_INPUT;
  return status != EXIT_OK ? status : warnings ? EXIT_FAIL : EXIT_OK;
}

int cmd_lint(int argc, char **argv) {
  lint_opts o;
  memset(&o, 0, sizeof o);
  cli_list files = {NULL, 0};
  const cli_opt opts[] = {
      {"-I", OPT_LIST, &o.dirs, "DIR", NULL,
       "look for imported modules in DIR first (repeatable)"},
      {"--plugin", OPT_LIST, &o.plugins, "FILE.so", NULL,
       "load host functions the policy calls from a shared object "
       "(repeatable)"},
      {"--allow", OPT_LIST, &o.allow, "CODE", NULL,
       "do not report check CODE (L002 or never-fail; repeatable)"},
      {"--verbose", OPT_FLAG, &o.verbose, NULL, NULL,
       "also a note for each rule outside the analysed fragment"},
      {"--format", OPT_CHOICE, &o.format, NULL, "text|json",
       "the warnings as text (default) or JSON"},
      CLI_DIAG_OPTS(&o.excerpt, &o.color),
  };
  int rc = cli_parse("lint", lint_usage, opts, CLI_COUNT(opts), argc, argv,
                     &files);
  if (rc == 0 && files.n == 0)
    rc = cli_usage_error("lint", "missing POLICY", NULL);
  if (rc == 0)
    rc = cli_stdin_once("lint", files.v, files.n);
  if (rc == 0 && !allow_valid(&o.allow))
    rc = EXIT_USAGE;
  if (rc == 0)
    rc = cli_env_check(o.dirs.v, o.dirs.n, o.plugins.v, o.plugins.n);
  if (rc == 0)
    rc = run(&o, &files);
  cli_list_free(&files);
  cli_list_free(&o.dirs);
  cli_list_free(&o.allow);
  cli_list_free(&o.plugins);
  return rc < 0 ? EXIT_OK : rc;
}
