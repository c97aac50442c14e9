/*
 * cmd_eval.c: `policyc eval [--bind NAME=LITERAL | NAME=@FILE]...
 * [--facts FILE] [--plugin FILE.so]... [--max-steps N] [--max-memory SIZE]
 * [--list] -- EXPR`.
 * Prints the value as one CEL literal line. Exit statuses: 0 value,
 * 1 evaluation error (or a limit), 2 usage or compile error, 3 input
 * unreadable/malformed or output unwritable.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "opts.h"

typedef struct eval_opts {
  const char **inputs; /* "--facts" FILE or "--bind" SPEC, in order */
  bool *is_bind;
  int ninputs;
  const char **plugins; /* --plugin FILE.so, in order */
  int nplugins;
  const char *expr;
  bool list;
  cli_diag_opts diag; /* --excerpt, --color */
  pol_config cfg;
} eval_opts;

static const char eval_usage[] =
    "usage: policyc eval [options] [--] EXPR\n"
    "  --bind NAME=LITERAL   bind NAME to a CEL literal (1u, \"s\", [1])\n"
    "  --bind NAME=@FILE     bind NAME to the JSON value in FILE (- stdin)\n"
    "  --facts FILE          bind every top-level key of a JSON object\n"
    "  --plugin FILE.so      load host functions from a shared object\n"
    "                        (repeatable; docs/host-functions.md)\n"
    "  --max-steps N         steps allowed: loop iterations and work\n"
    "                        (docs/limits.md; default 10000000)\n"
    "  --max-memory SIZE     bytes of temporaries allowed, K/M/G suffix\n"
    "                        (default 256M, 0 for no limit)\n"
    "  --list                print the compiled bytecode, do not evaluate\n"
    CLI_DIAG_HELP;

static int usage_error(const char *msg, const char *arg) {
  return cli_usage_error("eval", msg, arg);
}

static int limit_opt(const char *name, const char *v, eval_opts *o) {
  unsigned long long x;
  bool steps = strcmp(name, "--max-steps") == 0;
  if (!(steps ? cli_parse_count(v, &x) : cli_parse_size(v, &x))) {
    char msg[64];
    snprintf(msg, sizeof msg, "bad number for %s: ", name);
    return usage_error(msg, v);
  }
  if (steps)
    o->cfg.max_steps = x;
  else
    o->cfg.max_memory = (size_t)x;
  return EXIT_OK;
}

static int one_opt(int argc, char **argv, int *i, eval_opts *o) {
  const char *v, *a = argv[*i];
  if ((v = cli_opt_value(argc, argv, i, "--bind")) ||
      (v = cli_opt_value(argc, argv, i, "--facts"))) {
    o->is_bind[o->ninputs] = a[2] == 'b';
    o->inputs[o->ninputs++] = v;
    return EXIT_OK;
  }
  if ((v = cli_opt_value(argc, argv, i, "--plugin"))) {
    o->plugins[o->nplugins++] = v;
    return EXIT_OK;
  }
  if ((v = cli_opt_value(argc, argv, i, "--max-steps")))
    return limit_opt("--max-steps", v, o);
  if ((v = cli_opt_value(argc, argv, i, "--max-memory")))
    return limit_opt("--max-memory", v, o);
  if (strcmp(a, "--list") == 0) {
    o->list = true;
    return EXIT_OK;
  }
  int d = cli_diag_opt("eval", argc, argv, i, &o->diag);
  if (d)
    return d == 1 ? EXIT_OK : d;
  return usage_error("unknown option or missing value: ", a);
}

static int eval_opt(int argc, char **argv, int *i, void *o) {
  return one_opt(argc, argv, i, o);
}

/* Options before or after EXPR (cli_scan); an EXPR that starts with '-'
 * comes after "--". */
static int parse_args(int argc, char **argv, eval_opts *o) {
  int n;
  int rc = cli_scan(eval_usage, argc, argv, eval_opt, o, &n);
  if (rc != EXIT_OK)
    return rc;
  if (n != 1)
    return usage_error(n ? "one EXPR expected" : "missing EXPR", NULL);
  o->expr = argv[1];
  /* --facts - and --bind NAME=@- read standard input: at most once */
  int seen = 0;
  for (int i = 0; i < o->ninputs; i++) {
    const char *eq = o->is_bind[i] ? strchr(o->inputs[i], '=') : NULL;
    const char *file = !o->is_bind[i] ? o->inputs[i]
                       : eq && eq[1] == '@' ? eq + 2 : "";
    seen += strcmp(file, "-") == 0;
  }
  return seen > 1 ? cli_stdin_once("eval", (const char *[]){"-", "-"}, 2)
                  : EXIT_OK;
}

static bool ident_start(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Whether the [n]-byte name at [s] is identifiers joined by single dots
 * (language.md, "Identifiers and reserved words"). Any other name (`x `,
 * `1x`, `a..b`) would be bound and never read: a typo that surfaced only
 * as "no such key or variable" for the name meant. A keyword or reserved
 * word is bound as CEL's conformance tests bind `false`: the expression
 * still reads the constant. */
static bool readable_name(const char *s, size_t n) {
  const char *end = s + n, *p = s;
  for (;;) {
    if (p == end || !ident_start(*p))
      return false;
    while (p < end && (ident_start(*p) || (*p >= '0' && *p <= '9')))
      p++;
    if (p == end)
      return true;
    if (*p++ != '.')
      return false;
  }
}

/* --bind NAME=@FILE or NAME=LITERAL. */
static int bind_one(pol_facts *f, const char *spec) {
  const char *eq = strchr(spec, '=');
  if (!eq || eq == spec)
    return usage_error("--bind needs NAME=VALUE, got ", spec);
  if (!readable_name(spec, (size_t)(eq - spec)))
    return usage_error("--bind needs a NAME an expression can read "
                       "(identifiers joined by dots), got ",
                       spec);
  char *name = strndup(spec, (size_t)(eq - spec));
  int rc, status = EXIT_OK;
  if (!name)
    return cli_out_of_memory();
  if (eq[1] == '@') {
    cli_input in;
    if (!cli_read(eq + 2, &in)) {
      free(name);
      return EXIT_INPUT;
    }
    rc = pol_facts_bind_json(f, name, in.data, in.len, eq + 2);
    free(in.data);
    status = EXIT_INPUT;
  } else {
    rc = pol_facts_bind_literal(f, name, eq + 1, strlen(eq + 1));
    status = EXIT_USAGE;
  }
  free(name);
  if (rc == POL_OK)
    return EXIT_OK;
  return cli_failed(rc, pol_facts_errmsg(f), status);
}

/* Read the fact file [path] into [f]: as the whole set when [first],
 * else on top of what [f] holds (loading replaces a set, so the file is
 * loaded apart and its variables bound all at once: one by one, each
 * copied the set's map of variables, a file of N keys N times). */
static int load_facts(pol_env *env, pol_facts *f, const char *path,
                      bool first) {
  cli_input in;
  pol_facts *t = NULL;
  if (!cli_read(path, &in))
    return EXIT_INPUT;
  if (!first && pol_facts_new(env, &t) != POL_OK) {
    free(in.data);
    return cli_out_of_memory();
  }
  pol_facts *into = first ? f : t;
  int rc = pol_facts_load_json(into, in.data, in.len,
                               strcmp(path, "-") ? path : "<stdin>");
  free(in.data);
  int status = EXIT_OK;
  if (rc != POL_OK)
    status = cli_failed(rc, pol_facts_errmsg(into), EXIT_INPUT);
  if (t && rc == POL_OK && (rc = pol_facts_bind_all(f, t)) != POL_OK)
    status = cli_failed(rc, pol_facts_errmsg(f), EXIT_INPUT);
  pol_facts_free(t);
  return status;
}

static int evaluate(pol_env *env, pol_program *p, pol_facts *f) {
  pol_ctx *ctx;
  if (pol_ctx_new(env, &ctx) != POL_OK)
    return cli_out_of_memory();
  const pol_value *v;
  int rc = pol_eval(ctx, p, f, &v), status = EXIT_OK;
  const char *text = rc == POL_OK ? pol_value_format(ctx, v) : NULL;
  if (text) {
    printf("%s\n", text);
    status = cli_flush_stdout() ? EXIT_OK : EXIT_INPUT;
  } else {
    status = cli_failed(rc == POL_OK ? POL_ENOMEM : rc, pol_ctx_errmsg(ctx),
                        EXIT_FAIL);
  }
  pol_ctx_free(ctx);
  return status;
}

static int compile_and_run(pol_env *env, pol_facts *f, const eval_opts *o) {
  pol_program *p;
  int rc = pol_compile_expr(env, o->expr, strlen(o->expr), "<expr>", f, &p);
  if (rc == POL_ENOMEM)
    return cli_out_of_memory();
  if (rc != POL_OK) {
    fputs(rc == POL_ESYNTAX ? pol_diag_render(env, cli_diag_flags(&o->diag))
                            : pol_env_errmsg(env), stderr);
    return EXIT_USAGE;
  }
  int status;
  const char *listing = o->list ? pol_program_disasm(env, p) : NULL;
  if (o->list && !listing) {
    status = cli_out_of_memory();
  } else if (o->list) {
    fputs(listing, stdout);
    status = cli_flush_stdout() ? EXIT_OK : EXIT_INPUT;
  } else {
    status = evaluate(env, p, f);
  }
  pol_program_free(p);
  return status;
}

static int run(eval_opts *o) {
  pol_env *env = NULL;
  pol_facts *f = NULL;
  int status = EXIT_INPUT;
  if (pol_env_new(&o->cfg, &env) != POL_OK ||
      pol_facts_new(env, &f) != POL_OK) {
    cli_out_of_memory();
    goto done;
  }
  status = cli_env_setup(env, NULL, 0, o->plugins, o->nplugins);
  for (int i = 0; i < o->ninputs && status == EXIT_OK; i++)
    status = o->is_bind[i] ? bind_one(f, o->inputs[i])
                           : load_facts(env, f, o->inputs[i], i == 0);
  if (status == EXIT_OK)
    status = compile_and_run(env, f, o);
done:
  pol_facts_free(f);
  pol_env_free(env);
  return status;
}

int cmd_eval(int argc, char **argv) {
  eval_opts o;
  memset(&o, 0, sizeof o);
  o.diag = (cli_diag_opts)CLI_DIAG_OPTS_INIT;
  pol_config_init(&o.cfg);
  o.inputs = calloc((size_t)argc, sizeof *o.inputs);
  o.is_bind = calloc((size_t)argc, sizeof *o.is_bind);
  o.plugins = calloc((size_t)argc, sizeof *o.plugins);
  if (!o.inputs || !o.is_bind || !o.plugins) {
    free(o.inputs);
    free(o.is_bind);
    free(o.plugins);
    return cli_out_of_memory();
  }
  int status = parse_args(argc, argv, &o);
  if (status == EXIT_OK)
    status = run(&o);
  free(o.inputs);
  free(o.is_bind);
  free(o.plugins);
  return status < 0 ? EXIT_OK : status;
}
