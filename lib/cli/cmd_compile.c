/*
 * cmd_compile.c: `policyc compile [options] POLICY -o FILE.polc`: compile
 * a policy (or load and verify a saved one) and write it in the saved
 * format of docs/bytecode.md, which `policyc check` and
 * pol_policy_load() read back. `--list` prints the bytecode with each
 * rule expression labelled. The output file is replaced atomically: the
 * bytes go to a temporary file in the same directory, which is synced
 * and renamed over FILE, and removed on any failure, so FILE is either
 * the old file or the whole new one. Exit status: 0 written, 2 usage or
 * compile error, 3 POLICY unreadable or FILE unwritable.
 *
 * Also home of cli_load_policy(), which `check` shares.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "opts.h"

typedef struct compile_opts {
  const char *policy;
  const char *out;   /* -o */
  bool list;         /* --list */
  const char **dirs; /* -I, in order */
  int ndirs;
  const char **plugins; /* --plugin FILE.so, in order */
  int nplugins;
  cli_diag_opts diag; /* --excerpt, --color */
} compile_opts;

static const char compile_usage[] =
    "usage: policyc compile [options] POLICY -o FILE.polc\n"
    "  -o FILE               write the compiled policy to FILE (replaced\n"
    "                        atomically; `policyc check FILE ...` reads it)\n"
    "  --list                print the bytecode of every rule expression\n"
    "  -I DIR                look for imported modules in DIR first\n"
    "                        (repeatable; then POLICY_PATH, then stdlib)\n"
    "  --plugin FILE.so      load host functions the policy calls from a\n"
    "                        shared object (repeatable)\n"
    CLI_DIAG_HELP;

static int usage_error(const char *msg, const char *arg) {
  return cli_usage_error("compile", msg, arg);
}

/* One option at argv[*i]; EXIT_OK or EXIT_USAGE. */
static int one_opt(int argc, char **argv, int *i, void *opts) {
  compile_opts *o = opts;
  const char *a = argv[*i], *v;
  int d;
  if ((d = cli_diag_opt("compile", argc, argv, i, &o->diag)))
    return d == 1 ? EXIT_OK : d;
  if (!strcmp(a, "--list")) {
    o->list = true;
  } else if ((v = cli_opt_value(argc, argv, i, "-o"))) {
    o->out = v;
    if (cli_output_name("compile", o->out) != EXIT_OK)
      return EXIT_USAGE;
  } else if ((v = cli_opt_value(argc, argv, i, "-I"))) {
    o->dirs[o->ndirs++] = v;
  } else if (!strcmp(a, "-o") || !strcmp(a, "-I")) {
    return usage_error(a[1] == 'o' ? "-o needs a file name"
                                   : "-I needs a directory", NULL);
  } else if ((v = cli_opt_value(argc, argv, i, "--plugin"))) {
    o->plugins[o->nplugins++] = v;
  } else {
    return usage_error("unknown option or missing value: ", a);
  }
  return EXIT_OK;
}

/* Options may come before or after POLICY; `--` ends them (cli_scan). */
static int parse_args(int argc, char **argv, compile_opts *o) {
  int n;
  int rc = cli_scan(compile_usage, argc, argv, one_opt, o, &n);
  if (rc != EXIT_OK)
    return rc;
  if (n > 1)
    return usage_error("more than one POLICY: ", argv[2]);
  if (n == 0)
    return usage_error("missing POLICY", NULL);
  o->policy = argv[1];
  if (!o->out && !o->list)
    return usage_error("missing -o FILE (or --list)", NULL);
  /* both on standard output: the listing would go into the saved
   * policy's bytes, which then no longer load */
  if (o->list && o->out && !strcmp(o->out, "-"))
    return usage_error("--list and -o - both write standard output; "
                       "write the saved policy to a file", NULL);
  return cli_output_not_input("compile", o->out, &o->policy, 1);
}

/* ==== loading ============================================================ */

int cli_load_policy(pol_env *env, const char *path, int flags,
                    pol_policy **pol) {
  cli_input in;
  if (!cli_read(path, &in))
    return EXIT_INPUT;
  int rc = pol_is_saved_policy(in.data, in.len)
               ? pol_policy_load(env, in.data, in.len, path, pol)
               : pol_policy_compile(env, in.data, in.len, path, pol);
  free(in.data);
  if (rc == POL_OK)
    return EXIT_OK;
  if (rc == POL_ENOMEM)
    return cli_out_of_memory();
  if (rc == POL_ESYNTAX)
    fputs(pol_diag_render(env, flags), stderr);
  else
    cli_error("%s", pol_env_errmsg(env));
  return EXIT_USAGE;
}

int cli_require_rules(const char *path, const pol_policy *pol) {
  if (pol_policy_rule_count(pol) > 0)
    return EXIT_OK;
  /* zero rules would pass every vendor: an empty or cut-short download
   * must not read as "compliant" (docs/decisions.md) */
  cli_error("%s:1:1: the policy has no rules (an empty or truncated file?)",
            path);
  return EXIT_USAGE;
}

/* Save [pol] to [path]. The bytes are loaded back first, as check
 * will load them: a policy this library could not read again (a limit
 * of docs/bytecode.md, or a bug) is an error now, not later. */
static int save(pol_env *env, const pol_policy *pol, const char *path) {
  void *data;
  size_t len;
  int rc = pol_policy_save(pol, &data, &len);
  if (rc != POL_OK) {
    cli_error("%s: cannot save the policy: %s", path, pol_strerror(rc));
    return rc == POL_ENOMEM ? EXIT_INPUT : EXIT_USAGE;
  }
  pol_policy *back = NULL;
  rc = pol_policy_load(env, data, len, path, &back);
  pol_policy_free(back);
  int status = EXIT_USAGE;
  if (rc == POL_ENOMEM)
    status = cli_out_of_memory();
  else if (rc != POL_OK)
    cli_error("the saved policy does not load again: %s",
              pol_env_errmsg(env));
  else
    status = cli_write_file(path, data, len);
  pol_free(env, data);
  return status;
}

/* ==== the command ======================================================== */

static int run(const compile_opts *o) {
  pol_env *env = NULL;
  pol_policy *pol = NULL;
  int status = EXIT_INPUT;
  if (pol_env_new(NULL, &env) != POL_OK) {
    cli_error("out of memory");
    goto done;
  }
  status = cli_env_setup(env, o->dirs, o->ndirs, o->plugins, o->nplugins);
  if (status == EXIT_OK)
    status = cli_load_policy(env, o->policy, cli_diag_flags(&o->diag), &pol);
  if (status == EXIT_OK && o->out)
    status = save(env, pol, o->out);
  const char *listing = status == EXIT_OK && o->list
                            ? pol_policy_disasm(env, pol) : NULL;
  if (status == EXIT_OK && o->list && !listing) {
    status = cli_out_of_memory(); /* NULL: never a listing that says so */
  } else if (listing) {
    fputs(listing, stdout);
    if (!cli_flush_stdout())
      status = EXIT_INPUT;
  }
done:
  pol_policy_free(pol);
  pol_env_free(env);
  return status;
}

int cmd_compile(int argc, char **argv) {
  compile_opts o;
  memset(&o, 0, sizeof o);
  o.diag = (cli_diag_opts)CLI_DIAG_OPTS_INIT;
  o.dirs = calloc((size_t)argc, sizeof *o.dirs);
  o.plugins = calloc((size_t)argc, sizeof *o.plugins);
  int status = EXIT_INPUT;
  if (!o.dirs || !o.plugins)
    cli_error("out of memory");
  else
    status = parse_args(argc, argv, &o);
  if (status == EXIT_OK)
    status = run(&o);
  free(o.dirs);
  free(o.plugins);
  return status < 0 ? EXIT_OK : status;
}
