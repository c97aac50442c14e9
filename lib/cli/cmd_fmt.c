/*
 * cmd_fmt.c: `policyc fmt [-w | --check] FILES...`: lay policy files out
 * in the canonical layout (pol_format; docs/cli.md, "policyc fmt").
 *
 * Without an option the formatted text of each file goes to standard
 * output. -w writes each file that changes back through cli_write_file
 * (a temporary file renamed over it: whole or not at all); --check
 * changes nothing and lists the files that would change. A file that
 * cannot be read or does not parse is reported and left alone, and the
 * others are still done. Exit status: 3 if a file could not be read or
 * written, else 2 if one does not parse (or a usage error), else 1 if
 * --check found a file to change, else 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "opts.h"

typedef struct fmt_opts {
  bool write, check;
  int excerpt, color; /* 0 auto, 1 always, 2 never */
} fmt_opts;

static const char fmt_usage[] =
    "usage: policyc fmt [-w | --check] FILES...\n"
    "Lay policy files out in the canonical layout (`-` is standard "
    "input).\n";

/* The worse of two statuses, which are ordered: 3 before 2 before 1. */
static int worse(int a, int b) { return a > b ? a : b; }

/* Format the file [path]: print it, write it back or check it. */
static int one_file(pol_env *env, const fmt_opts *o, const char *path) {
  cli_input in;
  if (!cli_read(path, &in))
    return EXIT_INPUT;
  const char *text;
  size_t len;
  int status = EXIT_OK;
  const char *name = strcmp(path, "-") ? path : "<stdin>";
  if (pol_format(env, in.data, in.len, name, &text, &len) != POL_OK) {
    fputs(pol_diag_render(env, cli_diag_choice_flags(o->excerpt, o->color)),
          stderr);
    status = EXIT_USAGE;
  } else if (o->check) {
    if (len != in.len || memcmp(text, in.data, len) != 0) {
      printf("%s\n", name);
      status = EXIT_FAIL;
    }
  } else if (o->write) {
    if (len != in.len || memcmp(text, in.data, len) != 0)
      status = cli_write_file(path, text, len);
  } else {
    fwrite(text, 1, len, stdout);
  }
  free(in.data);
  return status;
}

static int run(const fmt_opts *o, const cli_list *files) {
  pol_env *env;
  if (pol_env_new(NULL, &env) != POL_OK) {
    cli_error("out of memory");
    return EXIT_INPUT;
  }
  int status = EXIT_OK;
  for (int i = 0; i < files->n; i++)
    status = worse(status, one_file(env, o, files->v[i]));
  pol_env_free(env);
  if (!cli_flush_stdout())
    status = EXIT_INPUT;
  return status;
}

int cmd_fmt(int argc, char **argv) {
  fmt_opts o = {false, false, 0, 0};
  cli_list files = {NULL, 0};
  const cli_opt opts[] = {
      {"-w", OPT_FLAG, &o.write, NULL, NULL,
       "write each file that changes back (atomically)"},
      {"--check", OPT_FLAG, &o.check, NULL, NULL,
       "list the files that would change (exit 1)"},
      CLI_DIAG_OPTS(&o.excerpt, &o.color),
  };
  int rc = cli_parse("fmt", fmt_usage, opts, CLI_COUNT(opts),
                     argc, argv, &files);
  if (rc == 0 && o.write && o.check)
    rc = cli_usage_error("fmt", "-w and --check exclude each other", NULL);
  if (rc == 0 && files.n == 0)
    rc = cli_usage_error("fmt", "missing FILES", NULL);
  for (int i = 0; rc == 0 && o.write && i < files.n; i++)
    if (!strcmp(files.v[i], "-"))
      rc = cli_usage_error("fmt", "-w cannot write standard input", NULL);
  if (rc == 0)
    rc = cli_stdin_once("fmt", files.v, files.n);
  if (rc == 0)
    rc = run(&o, &files);
  cli_list_free(&files);
  return rc < 0 ? EXIT_OK : rc;
}
