/*
 * cmd_check.c: `policyc check [options] POLICY FACTS...`: compile the
 * policy, read every vendor (a file holds one JSON object, or several as
 * NDJSON; `-` is standard input), check them all, and print the report.
 * Every input is read and parsed before anything is printed, so a bad
 * file gives its error and no half report. Exit status: 0 every vendor
 * complies, 1 some vendor does not, 2 usage or compile error, 3 an input
 * is unreadable or malformed (or the output unwritable).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

typedef struct check_opts {
  const char *policy;
  char **facts;
  int nfacts;
  const char **dirs; /* -I, in order */
  int ndirs;
  const char **plugins; /* --plugin FILE.so, in order */
  int nplugins;
  int format;        /* POL_FORMAT_* */
  int unknown;       /* POL_UNKNOWN_* */
  int color;         /* -1 auto, 0 never, 1 always */
  int excerpt;       /* -1 auto, 0 never, 1 always */
  pol_config cfg;
} check_opts;

static const char check_usage[] =
    "usage: policyc check [options] POLICY FACTS...\n"
    "  POLICY                a policy file, or a saved one (policyc compile)\n"
    "  FACTS                 vendor fact sets: JSON files, NDJSON (one\n"
    "                        vendor per line), or - for standard input\n"
    "  --format=FORMAT       text (default) or json\n"
    "  --questions           print the questions to send each vendor for\n"
    "                        its UNKNOWN rules, instead of the report\n"
    "  --unknown=MODE        how an UNKNOWN must-rule counts: fail\n"
    "                        (default), warn or ignore\n"
    "  -I DIR                look for imported modules in DIR first\n"
    "                        (repeatable; then POLICY_PATH, then stdlib)\n"
    "  --plugin FILE.so      load host functions from a shared object\n"
    "                        (repeatable; docs/host-functions.md)\n"
    "  --color=WHEN          auto (on a terminal), always, never\n"
    "  --excerpt=WHEN        source line and caret under compile errors\n"
    "  --max-steps N         loop iterations per rule (default 10000000)\n"
    "  --max-memory SIZE     bytes of temporaries per rule (default 256M)\n";

static int usage_error(const char *msg, const char *arg) {
  return cli_usage_error("check", msg, arg);
}

/* auto/always/never as -1/1/0; -2 if none of them. */
static int when_value(const char *v) {
  if (!strcmp(v, "auto"))
    return -1;
  return !strcmp(v, "always") ? 1 : !strcmp(v, "never") ? 0 : -2;
}

static int choice(const char *v, const char *const *names, int n) {
  for (int i = 0; i < n; i++)
    if (!strcmp(v, names[i]))
      return i;
  return -1;
}

static int value_opt(const char *name, const char *v, check_opts *o) {
  static const char *const formats[] = {"text", "json"};
  static const char *const modes[] = {"fail", "warn", "ignore"};
  unsigned long long x;
  int *slot = NULL, val = -2;
  if (!strcmp(name, "--format"))
    slot = &o->format, val = choice(v, formats, 2);
  else if (!strcmp(name, "--unknown"))
    slot = &o->unknown, val = choice(v, modes, 3);
  else if (!strcmp(name, "--color") || !strcmp(name, "--excerpt"))
    slot = name[2] == 'c' ? &o->color : &o->excerpt, val = when_value(v);
  if (slot) {
    if (val < (slot == &o->color || slot == &o->excerpt ? -1 : 0))
      return usage_error("bad value for ", name);
    *slot = val;
    return EXIT_OK;
  }
  if (!cli_parse_size(v, &x))
    return usage_error("bad number for ", name);
  if (!strcmp(name, "--max-steps"))
    o->cfg.max_steps = x;
  else
    o->cfg.max_memory = (size_t)x;
  return EXIT_OK;
}

static int one_opt(int argc, char **argv, int *i, check_opts *o) {
  static const char *const valued[] = {"--format", "--unknown", "--color",
                                       "--excerpt", "--max-steps",
                                       "--max-memory"};
  const char *v, *a = argv[*i];
  if (!strcmp(a, "--questions")) {
    o->format = POL_FORMAT_QUESTIONS;
    return EXIT_OK;
  }
  if (!strncmp(a, "-I", 2)) {
    if (!a[2] && *i + 1 >= argc)
      return usage_error("-I needs a directory", NULL);
    o->dirs[o->ndirs++] = a[2] ? a + 2 : argv[++*i];
    return EXIT_OK;
  }
  if ((v = cli_opt_value(argc, argv, i, "--plugin"))) {
    o->plugins[o->nplugins++] = v;
    return EXIT_OK;
  }
  for (size_t k = 0; k < sizeof valued / sizeof valued[0]; k++)
    if ((v = cli_opt_value(argc, argv, i, valued[k])))
      return value_opt(valued[k], v, o);
  return usage_error("unknown option or missing value: ", a);
}

static int parse_args(int argc, char **argv, check_opts *o) {
  int i = 1;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "--")) {
      i++;
      break;
    }
    if (a[0] != '-' || !a[1])
      break;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      fputs(check_usage, stdout);
      return -1;
    }
    int rc = one_opt(argc, argv, &i, o);
    if (rc != EXIT_OK)
      return rc;
  }
  if (argc - i < 2)
    return usage_error(argc - i < 1 ? "missing POLICY and FACTS"
                                    : "missing FACTS", NULL);
  o->policy = argv[i];
  o->facts = argv + i + 1;
  o->nfacts = argc - i - 1;
  return EXIT_OK;
}

/* ==== inputs ============================================================= */

/* The vendors read so far: each a fact set and its source name. */
typedef struct vendors {
  pol_facts **facts;
  char **names;
  size_t n, cap;
} vendors;

static bool add_vendor(vendors *v, pol_facts *f, const char *name) {
  if (v->n == v->cap) {
    size_t cap = v->cap ? v->cap * 2 : 16;
    pol_facts **nf = realloc(v->facts, cap * sizeof *nf);
    if (nf)
      v->facts = nf;
    char **nn = realloc(v->names, cap * sizeof *nn);
    if (nn)
      v->names = nn;
    if (!nf || !nn)
      return false;
    v->cap = cap;
  }
  v->facts[v->n] = f;
  v->names[v->n] = strdup(name);
  return v->names[v->n++] != NULL;
}

static void free_vendors(vendors *v) {
  for (size_t i = 0; i < v->n; i++) {
    pol_facts_free(v->facts[i]);
    free(v->names[i]);
  }
  free(v->facts);
  free(v->names);
}

static size_t skip_space(const cli_input *in, size_t pos) {
  while (pos < in->len && strchr(" \t\r\n", in->data[pos]))
    pos++;
  return pos;
}

static unsigned line_at(const cli_input *in, size_t pos) {
  unsigned line = 1;
  for (size_t i = 0; i < pos; i++)
    line += in->data[i] == '\n';
  return line;
}

/* Every JSON object of [in] as a vendor: one object, or NDJSON. */
static int load_file(pol_env *env, vendors *v, const char *path,
                     const cli_input *in) {
  const char *name = strcmp(path, "-") ? path : "<stdin>";
  size_t pos = skip_space(in, 0), first = v->n;
  if (pos == in->len) {
    cli_error("%s: no fact set (the input is empty)", name);
    return EXIT_INPUT;
  }
  while (pos < in->len) {
    pol_facts *f;
    char source[4096];
    snprintf(source, sizeof source, "%s:%u", name, line_at(in, pos));
    if (pol_facts_new(env, &f) != POL_OK || !add_vendor(v, f, source)) {
      cli_error("out of memory");
      return EXIT_INPUT;
    }
    if (pol_facts_load_json_next(f, in->data, in->len, &pos, name) !=
        POL_OK) {
      cli_error("%s", pol_facts_errmsg(f));
      return EXIT_INPUT;
    }
    pos = skip_space(in, pos);
  }
  if (v->n == first + 1) { /* one vendor: the file is its name */
    free(v->names[first]);
    v->names[first] = strdup(name);
  }
  return EXIT_OK;
}

static int load_vendors(pol_env *env, vendors *v, const check_opts *o) {
  for (int i = 0; i < o->nfacts; i++) {
    cli_input in;
    if (!cli_read(o->facts[i], &in))
      return EXIT_INPUT;
    int rc = load_file(env, v, o->facts[i], &in);
    free(in.data);
    if (rc != EXIT_OK)
      return rc;
  }
  return EXIT_OK;
}

/* ==== running ============================================================ */

/* POLICY as source, or as a saved policy (`policyc compile` output),
 * which is loaded and verified instead. */
static int compile_policy(pol_env *env, const check_opts *o,
                          pol_policy **pol) {
  int excerpt = o->excerpt < 0 ? isatty(STDERR_FILENO) : o->excerpt;
  return cli_load_policy(env, o->policy, excerpt, pol);
}

static int report(pol_env *env, const pol_policy *pol, const vendors *v,
                  const check_opts *o) {
  pol_report *rep = NULL;
  pol_ctx *ctx = NULL;
  int status = EXIT_OK;
  if (pol_report_new(pol, o->unknown, &rep) != POL_OK ||
      pol_ctx_new(env, &ctx) != POL_OK)
    status = EXIT_INPUT;
  for (size_t i = 0; status == EXIT_OK && i < v->n; i++)
    if (pol_check(ctx, rep, v->facts[i], v->names[i]) != POL_OK)
      status = EXIT_INPUT;
  if (status != EXIT_OK) {
    cli_error("out of memory");
  } else {
    bool color = o->color < 0 ? isatty(STDOUT_FILENO) && !getenv("NO_COLOR")
                              : o->color;
    fputs(pol_report_render(rep, o->format, color ? POL_RENDER_COLOR : 0),
          stdout);
    for (size_t i = 0; i < v->n; i++)
      if (!pol_report_compliant(rep, i))
        status = EXIT_FAIL;
    if (!cli_flush_stdout())
      status = EXIT_INPUT;
  }
  pol_ctx_free(ctx);
  pol_report_free(rep);
  return status;
}

static int run(check_opts *o) {
  pol_env *env = NULL;
  pol_policy *pol = NULL;
  vendors v = {0};
  int status = EXIT_INPUT;
  if (pol_env_new(&o->cfg, &env) != POL_OK) {
    cli_error("out of memory");
    goto done;
  }
  status = cli_env_setup(env, o->dirs, o->ndirs, o->plugins, o->nplugins);
  if (status == EXIT_OK)
    status = compile_policy(env, o, &pol);
  if (status == EXIT_OK)
    status = load_vendors(env, &v, o);
  if (status == EXIT_OK)
    status = report(env, pol, &v, o);
done:
  free_vendors(&v);
  pol_policy_free(pol);
  pol_env_free(env);
  return status;
}

int cmd_check(int argc, char **argv) {
  check_opts o;
  memset(&o, 0, sizeof o);
  o.color = o.excerpt = -1;
  pol_config_init(&o.cfg);
  o.dirs = calloc((size_t)argc, sizeof *o.dirs);
  o.plugins = calloc((size_t)argc, sizeof *o.plugins);
  if (!o.dirs || !o.plugins) {
    free(o.dirs);
    free(o.plugins);
    cli_error("out of memory");
    return EXIT_INPUT;
  }
  int status = parse_args(argc, argv, &o);
  if (status == EXIT_OK)
    status = run(&o);
  free(o.dirs);
  free(o.plugins);
  return status < 0 ? EXIT_OK : status;
}
