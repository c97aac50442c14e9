/*
 * cmd_import.c: `policyc import --map MAP SHEET... [-o OUT]`: turn check
 * sheets exported as CSV or TSV into one fact set (docs/cli.md). Each
 * MAP says how its SHEET is laid out and which rows give which facts;
 * every row is kept under checksheet.items, every derived fact carries
 * evidence naming its row, and each fact is checked against the schema
 * as it is made. Nothing is written unless the whole import succeeds:
 * standard output only at the end, -o through a temporary file renamed
 * into place. Exit status: 0 done, 2 usage or a bad mapping, 3 a sheet
 * that cannot be read or a row that does not parse.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "import.h"

static const char import_usage[] =
    "usage: policyc import --map MAP SHEET [--map MAP SHEET]... [options]\n"
    "  --map MAP SHEET     read the check sheet SHEET (CSV or TSV, UTF-8\n"
    "                      or Shift_JIS) as the mapping MAP (JSON) says;\n"
    "                      several sheets make one fact set\n"
    "  -o FILE             write the fact set to FILE (default: standard\n"
    "                      output); nothing is written after an error\n"
    "  --schema=POLICY     check facts against the facts POLICY declares;\n"
    "                      default: the built-in vendor_schema module\n"
    "  -I DIR              look for imported modules in DIR first\n";

typedef struct job {
  const char *map, *sheet;
} job;

typedef struct import_opts {
  job *jobs;
  int njobs;
  const char *out, *schema;
  const char **dirs;
  int ndirs;
} import_opts;

typedef struct checker {
  pol_env *env;
  const pol_policy *schema;
  char msg[512];
} checker;

static int usage_error(const char *msg, const char *arg) {
  return cli_usage_error("import", msg, arg);
}

/* ==== the schema ========================================================= */

static int load_schema(pol_env *env, const char *path, pol_policy **out) {
  static const char fallback[] = "import \"vendor_schema\"\n";
  cli_input in = {(char *)fallback, sizeof fallback - 1};
  if (path && !cli_read(path, &in))
    return EXIT_INPUT;
  /* a saved policy (policyc compile) keeps its fact declarations */
  int rc = path && pol_is_saved_policy(in.data, in.len)
               ? pol_policy_load(env, in.data, in.len, path, out)
               : pol_policy_compile(env, in.data, in.len,
                                    path ? path : "<schema>", out);
  if (path)
    free(in.data);
  if (rc == POL_OK)
    return EXIT_OK;
  if (rc == POL_ESYNTAX)
    fputs(pol_diag_render(env, 0), stderr);
  else /* a saved policy that does not load: as check says it */
    cli_error("%s", pol_env_errmsg(env));
  return EXIT_USAGE;
}

/* The schema's verdict on one fact given as JSON text: NULL, or the
 * problem without its "name:line:col: " prefix. */
static const char *check_fact(void *ctx, const char *json) {
  checker *c = ctx;
  size_t n = 0;
  const char *problems = "";
  int rc = pol_validate(c->env, c->schema, json, strlen(json), "<fact>", &n,
                        &problems);
  if (rc != POL_OK)
    return pol_env_errmsg(c->env);
  if (n == 0)
    return NULL;
  const char *p = problems;
  for (int colons = 0; *p && colons < 3; p++)
    colons += *p == ':';
  snprintf(c->msg, sizeof c->msg, "%.*s", (int)strcspn(p + (*p == ' '), "\n"),
           p + (*p == ' '));
  return c->msg;
}

/* ==== output ============================================================= */

/* The fact set: the facts, then checksheet, $evidence and $withheld. */
static jnode *assemble(imp_pool *p, import_out *out) {
  jnode *cs = jn_new(p, JN_OBJ);
  jn_set(p, cs, "sheets", out->sheets);
  jn_set(p, cs, "items", out->items);
  jn_set(p, out->facts, "checksheet", cs);
  jn_set(p, out->facts, "$evidence", out->evidence);
  jn_set(p, out->facts, "$withheld", out->withheld);
  return out->facts;
}

static int emit(imp_pool *p, import_out *out, const import_opts *o) {
  imp_buf b;
  imp_buf_init(&b, p);
  jn_write(&b, assemble(p, out), 0);
  imp_buf_puts(&b, "\n");
  if (o->out)
    return cli_write_file(o->out, b.s, b.len);
  fwrite(b.s, 1, b.len, stdout);
  return cli_flush_stdout() ? EXIT_OK : EXIT_INPUT;
}

/* ==== running ============================================================ */

static int import_all(imp_pool *p, checker *c, const import_opts *o) {
  import_out out;
  import_out_init(p, &out);
  for (int i = 0; i < o->njobs; i++) {
    mapping *m = mapping_load(p, o->jobs[i].map);
    if (!m)
      return EXIT_USAGE;
    sheet s;
    if (!sheet_read(p, o->jobs[i].sheet, &s))
      return EXIT_INPUT;
    int rc = mapping_apply(p, m, &s, &out, check_fact, c);
    if (rc != EXIT_OK)
      return rc;
  }
  return emit(p, &out, o);
}

static int run(const import_opts *o) {
  pol_env *env;
  pol_policy *schema = NULL;
  if (pol_env_new(NULL, &env) != POL_OK)
    return EXIT_INPUT;
  int status = cli_env_setup(env, o->dirs, o->ndirs, NULL, 0);
  if (status == EXIT_OK)
    status = load_schema(env, o->schema, &schema);
  if (status == EXIT_OK) {
    checker c = {env, schema, {0}};
    imp_pool *p = imp_pool_new();
    status = import_all(p, &c, o);
    imp_pool_free(p);
  }
  pol_policy_free(schema);
  pol_env_free(env);
  return status;
}

/* One option at argv[*i]; returns EXIT_OK or a usage error. */
static int option(int argc, char **argv, int *i, import_opts *o) {
  const char *a = argv[*i], *v;
  if (!strcmp(a, "--map")) {
    if (*i + 2 >= argc)
      return usage_error("--map needs MAP and SHEET", NULL);
    o->jobs[o->njobs++] = (job){argv[*i + 1], argv[*i + 2]};
    *i += 2;
  } else if ((v = cli_opt_value(argc, argv, i, "-o"))) {
    o->out = v;
    if (cli_output_name("import", o->out) != EXIT_OK)
      return EXIT_USAGE;
  } else if ((v = cli_opt_value(argc, argv, i, "--schema"))) {
    o->schema = v;
  } else if ((v = cli_opt_value(argc, argv, i, "-I"))) {
    o->dirs[o->ndirs++] = v;
  } else {
    return usage_error("unknown option, missing value or stray "
                       "argument: ", a);
  }
  return EXIT_OK;
}

/* A usage error when -o names a sheet, a mapping or the schema: the fact
 * set would replace the vendor's sheet it was read from. */
static int stdin_once(const import_opts *o) {
  int seen = o->schema && !strcmp(o->schema, "-");
  for (int k = 0; k < o->njobs; k++)
    seen += !strcmp(o->jobs[k].map, "-") + !strcmp(o->jobs[k].sheet, "-");
  return seen > 1 ? cli_stdin_once("import", (const char *[]){"-", "-"}, 2)
                  : EXIT_OK;
}

static int output_not_input(const import_opts *o) {
  int status = cli_output_not_input("import", o->out, &o->schema, 1);
  for (int k = 0; status == EXIT_OK && k < o->njobs; k++) {
    const char *in[2] = {o->jobs[k].map, o->jobs[k].sheet};
    status = cli_output_not_input("import", o->out, in, 2);
  }
  return status;
}

int cmd_import(int argc, char **argv) {
  import_opts o = {calloc((size_t)argc, sizeof(job)), 0, NULL, NULL,
                   calloc((size_t)argc, sizeof(char *)), 0};
  int status = o.jobs && o.dirs ? EXIT_OK : EXIT_INPUT;
  for (int i = 1; status == EXIT_OK && i < argc; i++) {
    if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      fputs(import_usage, stdout);
      free(o.jobs);
      free((void *)o.dirs);
      return cli_flush_stdout() ? EXIT_OK : EXIT_INPUT;
    }
    status = option(argc, argv, &i, &o);
  }
  if (status == EXIT_OK && o.njobs == 0)
    status = usage_error("missing --map MAP SHEET", NULL);
  if (status == EXIT_OK)
    status = stdin_once(&o);
  if (status == EXIT_OK)
    status = output_not_input(&o);
  if (status == EXIT_OK)
    status = run(&o);
  free(o.jobs);
  free((void *)o.dirs);
  return status;
}
