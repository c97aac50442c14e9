/*
 * cmd_validate.c: `policyc validate [--schema POLICY] [-I DIR] FACTS...`:
 * check vendor fact sets against fact declarations: by default those of
 * the built-in vendor_schema module, else those of the given policy file
 * and its imports. Prints one "file:line:col: PATH: problem" line per
 * problem. Exit status: 0 every file valid, 1 problems found, 2 usage or
 * schema compile error, 3 an input unreadable or not JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "opts.h"
#include "records.h"

static const char validate_usage[] =
    "usage: policyc validate [options] FACTS...\n"
    "  FACTS               vendor fact sets (a JSON object, or NDJSON:\n"
    "                      many; - is standard input)\n"
    "  --schema=POLICY     check against the facts POLICY declares (and\n"
    "                      its imports); default: the built-in\n"
    "                      vendor_schema module\n"
    "  -I DIR              look for imported modules in DIR first\n"
    "  --plugin FILE.so    load host functions the schema policy calls\n"
    "                      from a shared object (repeatable)\n"
    CLI_DIAG_HELP;

static const char default_schema[] = "import \"vendor_schema\"\n";

static int usage_error(const char *msg, const char *arg) {
  return cli_usage_error("validate", msg, arg);
}

static int schema(pol_env *env, const char *path, int flags,
                  pol_policy **out) {
  cli_input in = {(char *)default_schema, sizeof default_schema - 1};
  if (path && !cli_read(path, &in))
    return EXIT_INPUT;
  int rc = pol_policy_compile(env, in.data, in.len, path ? path : "<schema>",
                              out);
  if (path)
    free(in.data);
  if (rc == POL_OK)
    return EXIT_OK;
  if (rc == POL_ENOMEM)
    return cli_out_of_memory();
  fputs(rc == POL_ESYNTAX ? pol_diag_render(env, flags) : pol_env_errmsg(env),
        stderr);
  return EXIT_USAGE;
}

/* Validate one record of the input [name]: its status. */
static int one_record(pol_env *env, const pol_policy *pol, const char *name,
                      const record *rec) {
  if (record_refused(rec, name))
    return EXIT_INPUT;
  size_t n = 0;
  const char *problems = "";
  int rc = pol_validate_record(env, pol, rec->data, rec->len, name,
                               rec->line, &n, &problems);
  if (rc == POL_EINVAL) {
    cli_error("%s", pol_env_errmsg(env));
    return EXIT_USAGE;
  }
  if (rc != POL_OK)
    return cli_failed(rc, pol_env_errmsg(env), EXIT_INPUT);
  fputs(problems, stdout);
  return n ? EXIT_FAIL : EXIT_OK;
}

/* Validate every record of the input [path] (one JSON object, or an
 * NDJSON stream, read one at a time as check reads it), counting them
 * into *[nsets]; the worst status is returned. A bad record is
 * reported and the next one validated. */
static int one_file(pol_env *env, const pol_policy *pol, const char *path,
                    size_t *nsets) {
  reader *rd = reader_open(path, CLI_MAX_INPUT);
  if (!rd) /* it said why */
    return EXIT_INPUT;
  record rec;
  int got, status = EXIT_OK;
  size_t k = 0;
  while ((got = reader_next(rd, &rec)) > 0) {
    int rc = one_record(env, pol, reader_name(rd), &rec);
    k++;
    if (rc == EXIT_USAGE) { /* the schema declares no facts */
      status = rc;
      break;
    }
    if (rc > status)
      status = rc;
  }
  if (got < 0 && status < EXIT_INPUT)
    status = EXIT_INPUT; /* the reader said why */
  if (got == 0 && k == 0) {
    cli_error("%s: no fact set (the input is empty)", reader_name(rd));
    status = EXIT_INPUT;
  }
  *nsets += k;
  reader_close(rd);
  return status;
}

typedef struct validate_opts {
  const char *schema_path;
  const char **dirs;
  int ndirs;
  const char **plugins; /* --plugin FILE.so, in order */
  int nplugins;
  cli_diag_opts diag;
} validate_opts;

static int run(const validate_opts *o, char **files, int nfiles) {
  pol_env *env;
  pol_policy *pol = NULL;
  if (pol_env_new(NULL, &env) != POL_OK)
    return cli_out_of_memory();
  /* the plugins before the schema: a schema policy may call their
   * functions in its rules, and does not compile without them */
  int status = cli_env_setup(env, o->dirs, o->ndirs, o->plugins,
                             o->nplugins);
  if (status == EXIT_OK)
    status = schema(env, o->schema_path, cli_diag_flags(&o->diag), &pol);
  size_t nsets = 0;
  for (int i = 0; status != EXIT_USAGE && pol && i < nfiles; i++) {
    int rc = one_file(env, pol, files[i], &nsets);
    if (rc > status)
      status = rc;
  }
  if (status == EXIT_OK)
    printf("%zu fact set%s valid\n", nsets, nsets == 1 ? "" : "s");
  if (!cli_flush_stdout())
    status = EXIT_INPUT;
  pol_policy_free(pol);
  pol_env_free(env);
  return status;
}

static int validate_opt(int argc, char **argv, int *i, void *opts) {
  validate_opts *o = opts;
  const char *a = argv[*i], *v;
  int d;
  if ((d = cli_diag_opt("validate", argc, argv, i, &o->diag)))
    return d == 1 ? EXIT_OK : d;
  if ((v = cli_opt_value(argc, argv, i, "--schema"))) {
    o->schema_path = v;
    return EXIT_OK;
  }
  if ((v = cli_opt_value(argc, argv, i, "-I"))) {
    o->dirs[o->ndirs++] = v;
    return EXIT_OK;
  }
  if ((v = cli_opt_value(argc, argv, i, "--plugin"))) {
    o->plugins[o->nplugins++] = v;
    return EXIT_OK;
  }
  return usage_error("unknown option or missing value: ", a);
}

int cmd_validate(int argc, char **argv) {
  validate_opts o = {NULL, calloc((size_t)argc, sizeof *o.dirs), 0,
                     calloc((size_t)argc, sizeof *o.plugins), 0,
                     CLI_DIAG_OPTS_INIT};
  int n, status;
  if (!o.dirs || !o.plugins) {
    free(o.dirs);
    free(o.plugins);
    return cli_out_of_memory();
  }
  /* options before or after FACTS (cli_scan) */
  status = cli_scan(validate_usage, argc, argv, validate_opt, &o, &n);
  if (status == EXIT_OK && n == 0)
    status = usage_error("missing FACTS", NULL);
  if (status == EXIT_OK)
    status = run(&o, argv + 1, n);
  free(o.dirs);
  free(o.plugins);
  return status < 0 ? EXIT_OK : status;
}
