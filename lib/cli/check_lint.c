/*
 * check_lint.c: `policyc check --lint`: the warnings of `policyc lint`
 * on standard error before the report, with one more check that needs
 * the vendors (L104: a fact path that no schema declares and no vendor
 * being checked has). For that the fact files are read once before the
 * check, so --lint does not stream. Only regular files are read here:
 * standard input, a FIFO (`<(cmd)`) or a device can be read only once,
 * and that read is the check's. Inputs that cannot be opened and records
 * that do not load are skipped in silence: the check reports them, once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "cli.h"

typedef struct vendors {
  pol_facts **v;
  size_t n, cap;
} vendors;

static bool add(vendors *vs, pol_facts *f) {
  if (vs->n == vs->cap) {
    size_t cap = vs->cap * 2 + 8;
    pol_facts **v = realloc(vs->v, cap * sizeof *v);
    if (!v)
      return false;
    vs->v = v;
    vs->cap = cap;
  }
  vs->v[vs->n++] = f;
  return true;
}

/* Whether [path] names a regular file, which can be read twice ("-"
 * never does: it is standard input). */
static bool regular_file(const char *path) {
  struct stat st;
  return strcmp(path, "-") != 0 && stat(path, &st) == 0 &&
         S_ISREG(st.st_mode) && access(path, R_OK) == 0;
}

/* Every record of the file [path] that loads, into [vs]. */
static bool read_file(pol_env *env, const check_opts *o, const char *path,
                      vendors *vs) {
  reader *r = reader_open(path, o->max_record);
  record rec;
  bool ok = true;
  while (r && ok && reader_next(r, &rec) > 0) {
    pol_facts *f;
    if (rec.error || pol_facts_new(env, &f) != POL_OK)
      continue;
    if (pol_facts_load_record(f, rec.data, rec.len, reader_name(r),
                              rec.line) == POL_OK)
      ok = add(vs, f);
    else
      pol_facts_free(f);
  }
  reader_close(r);
  return ok;
}

int check_lint(pol_env *env, const pol_policy *pol, const check_opts *o) {
  vendors vs = {NULL, 0, 0};
  bool ok = true;
  for (int i = 0; ok && i < o->nfacts; i++)
    if (regular_file(o->facts[i]))
      ok = read_file(env, o, o->facts[i], &vs);
  pol_lints *l = NULL;
  int rc = ok ? pol_lint(pol, (const pol_facts *const *)vs.v, vs.n, 0, &l)
              : POL_ENOMEM;
  int status = EXIT_OK;
  if (rc == POL_EINVAL) {
    cli_error("%s: --lint needs the policy's source, not a saved policy",
              o->policy);
    status = EXIT_USAGE;
  } else if (rc != POL_OK) {
    cli_error("out of memory");
    status = EXIT_INPUT;
  } else {
    cli_print_lints(stderr, l, false, NULL, 0);
  }
  pol_lints_free(l);
  for (size_t i = 0; i < vs.n; i++)
    pol_facts_free(vs.v[i]);
  free(vs.v);
  return status;
}
