/*
 * opts.c: cli_parse, the one option parser of the commands that declare
 * their options as a table (opts.h), and cli_scan, the same order of
 * options and operands for the commands that parse each option
 * themselves.
 */
#include "opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void cli_list_free(cli_list *l) {
  free(l->v);
  l->v = NULL;
  l->n = 0;
}

/* Append [s] to [l], which has room for [cap] entries. */
static bool list_add(cli_list *l, const char *s, int cap) {
  if (!l->v && !(l->v = calloc((size_t)cap + 1, sizeof *l->v))) {
    cli_out_of_memory();
    return false;
  }
  l->v[l->n++] = s;
  return true;
}

/* The option of [opts] that [arg] names: "--name", "--name=V", or for a
 * two-letter name "-xV". *[value] gets the value written in [arg], or
 * NULL. */
static const cli_opt *find(const cli_opt *opts, int nopts, const char *arg,
                           const char **value) {
  for (int k = 0; k < nopts; k++) {
    size_t n = strlen(opts[k].name);
    if (strncmp(arg, opts[k].name, n) != 0)
      continue;
    bool is_short = n == 2 && opts[k].name[1] != '-';
    if (arg[n] == '\0' || (arg[n] == '=' && !is_short) ||
        (is_short && opts[k].kind != OPT_FLAG)) {
      *value = arg[n] == '\0' ? NULL : arg + n + (arg[n] == '=');
      return &opts[k];
    }
  }
  return NULL;
}

/* The index of [v] among the "|"-separated [choices], or -1. */
static int choice(const char *choices, const char *v) {
  int k = 0;
  size_t n = strlen(v);
  for (const char *c = choices; c; k++) {
    const char *bar = strchr(c, '|');
    size_t len = bar ? (size_t)(bar - c) : strlen(c);
    if (len == n && strncmp(c, v, n) == 0)
      return k;
    c = bar ? bar + 1 : NULL;
  }
  return -1;
}

/* Store [value] for option [o]. */
static int store(const char *cmd, const cli_opt *o, const char *value,
                 int argc) {
  char *end;
  switch (o->kind) {
  case OPT_FLAG: *(bool *)o->dest = true; return 0;
  case OPT_STRING: *(const char **)o->dest = value; return 0;
  case OPT_LIST:
    return list_add(o->dest, value, argc) ? 0 : EXIT_INPUT;
  case OPT_CHOICE:
    if ((*(int *)o->dest = choice(o->choices, value)) >= 0)
      return 0;
    cli_error("%s: %s must be one of %s, not '%s'", cmd, o->name,
              o->choices, value);
    fprintf(stderr, "Try 'policyc %s --help'.\n", cmd);
    return EXIT_USAGE;
  case OPT_NUMBER:
    /* Digits and a point only: strtod alone would also take "-1" (the
     * "not given" of --threshold), "nan", "inf", "0x10" and " 5". */
    *(double *)o->dest = strtod(value, &end);
    if (*value >= '0' && *value <= '9' && !*end &&
        strspn(value, "0123456789.") == strlen(value))
      return 0;
    cli_error("%s: bad number for %s: %s", cmd, o->name, value);
    fprintf(stderr, "Try 'policyc %s --help'.\n", cmd);
    return EXIT_USAGE;
  }
  return 0;
}

static void help(const char *usage, const cli_opt *opts, int nopts) {
  fputs(usage, stdout);
  for (int k = 0; k < nopts; k++) {
    char left[64];
    const cli_opt *o = &opts[k];
    const char *arg = o->arg ? o->arg : o->choices;
    bool is_short = strlen(o->name) == 2;
    snprintf(left, sizeof left, "%s%s%s", o->name,
             !arg ? "" : is_short ? " " : "=", arg ? arg : "");
    if (strlen(left) > 22) /* a long one: the help on the next line */
      printf("  %s\n  %-22s %s\n", left, "", o->help);
    else
      printf("  %-22s %s\n", left, o->help);
  }
  fputs("  -h, --help             print this help\n", stdout);
}

/* One option at argv[*i]: its value from the same word or the next. */
static int option(const char *cmd, const cli_opt *opts, int nopts,
                  int argc, char **argv, int *i) {
  const char *value;
  const cli_opt *o = find(opts, nopts, argv[*i], &value);
  if (!o)
    return cli_usage_error(cmd, "unknown option ", argv[*i]);
  if (o->kind == OPT_FLAG && value)
    return cli_usage_error(cmd, "takes no value: ", o->name);
  if (o->kind != OPT_FLAG && !value) {
    if (*i + 1 >= argc)
      return cli_usage_error(cmd, "needs a value: ", o->name);
    value = argv[++*i];
  }
  return store(cmd, o, value, argc);
}

int cli_parse(const char *cmd, const char *usage, const cli_opt *opts,
              int nopts, int argc, char **argv, cli_list *rest) {
  bool options = true;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    int rc = 0;
    if (options && (!strcmp(a, "-h") || !strcmp(a, "--help"))) {
      help(usage, opts, nopts);
      return -1;
    }
    if (options && !strcmp(a, "--"))
      options = false;
    else if (options && a[0] == '-' && a[1])
      rc = option(cmd, opts, nopts, argc, argv, &i);
    else
      rc = list_add(rest, a, argc) ? 0 : EXIT_INPUT;
    if (rc)
      return rc;
  }
  return 0;
}

int cli_scan(const char *usage, int argc, char **argv, cli_one_opt one,
             void *o, int *nops) {
  bool options = true;
  *nops = 0;
  for (int i = 1; i < argc; i++) {
    char *a = argv[i];
    if (options && !strcmp(a, "--")) {
      options = false;
    } else if (options && (!strcmp(a, "-h") || !strcmp(a, "--help"))) {
      fputs(usage, stdout);
      return cli_flush_stdout() ? -1 : EXIT_INPUT;
    } else if (options && a[0] == '-' && a[1]) {
      int rc = one(argc, argv, &i, o);
      if (rc != EXIT_OK)
        return rc;
    } else { /* never past i: the words still to read stay where they are */
      argv[1 + (*nops)++] = a;
    }
  }
  return EXIT_OK;
}
