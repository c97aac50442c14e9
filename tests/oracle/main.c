/*
 * main.c: the differential test. For each random expression (gen.c) over
 * random facts, three results must agree:
 *
 *   - the oracle's (eval.c);
 *   - libpol's for the expression with its literals written in, which the
 *     compiler folds wherever a subtree is constant;
 *   - libpol's for the same expression reading every literal from a
 *     variable c<i> (print.c), which nothing can fold: libpol has no
 *     switch to turn folding off, and this is the same comparison.
 *
 * Values must be equal in kind and content (doubles bit for bit, NaN
 * matching NaN); errors must fall in the same category (libpol's message
 * classified by its wording). A disagreement is shrunk (a subtree
 * replaced by one of its children or by its value, an item dropped) as
 * long as some disagreement remains, and printed with its facts as a
 * reproducer for `policyc eval`.
 *
 *   oracle [--seed N] [--count N] [--report N] [--print] [-v]
 *
 * --print writes each expression (literal form) on standard output
 * instead of testing it. Exit status 1 when anything disagreed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle.h"
#include "pol.h"

typedef struct run {
  pol_env *env;
  pol_facts *facts;
  pol_ctx *ctx[2];        /* literal form, variable form */
  const char *facts_json;
  ov facts_ov;
  pool *p;
  char why[4096];         /* the last disagreement */
} run;

/* ==== libpol's side ====================================================== */

/* The error category of libpol's message [msg]. */
static oerr classify(const char *msg) {
  static const struct {
    const char *text;
    oerr e;
  } kinds[] = {{"no such key", E_ABSENT},
               {"no matching overload", E_OVERLOAD},
               {"overflow", E_OVERFLOW},
               {"division by zero", E_DIVZERO},
               {"modulus by zero", E_MODZERO},
               {"index out of range", E_INDEX},
               {"does not support field selection", E_SELECT},
               {"cannot iterate", E_ITER},
               {"repeated key", E_DUPKEY},
               {"key type", E_KEYTYPE}};
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
    if (strstr(msg, kinds[i].text))
      return kinds[i].e;
  return E_OTHER;
}

static const pol_value *build(pol_builder *b, ov v) {
  switch (v.k) {
  case K_NULL: return pol_new_null(b);
  case K_BOOL: return pol_new_bool(b, v.as.b);
  case K_INT: return pol_new_int(b, v.as.i);
  case K_UINT: return pol_new_uint(b, v.as.u);
  case K_DOUBLE: return pol_new_double(b, v.as.d);
  default: return pol_new_string(b, v.as.s.p, v.as.s.n);
  }
}

/* The facts, and the variables c<i> of [c]. */
static void load_facts(run *r, const consts *c) {
  if (pol_facts_load_json(r->facts, r->facts_json, strlen(r->facts_json),
                          "facts.json") != POL_OK) {
    fprintf(stderr, "oracle: facts do not load: %s\n%s\n",
            pol_facts_errmsg(r->facts), r->facts_json);
    exit(2);
  }
  pol_builder *b = pol_facts_builder(r->facts);
  for (size_t i = 0; c && i < c->n; i++) {
    char name[32];
    snprintf(name, sizeof name, "c%zu", i);
    const pol_value *v = build(b, c->vals[i]);
    if (!v || pol_facts_bind_value(r->facts, name, v) != POL_OK)
      exit(2);
  }
}

/* ==== comparing ========================================================== */

static bool same(const pol_value *v, ov o);

static bool same_list(const pol_value *v, ov o) {
  if (pol_value_len(v) != o.as.l.n)
    return false;
  for (size_t i = 0; i < o.as.l.n; i++)
    if (!same(pol_value_at(v, i), o.as.l.items[i]))
      return false;
  return true;
}

/* Maps in the same order (both keep insertion order); libpol's public
 * API shows string keys only, so other keys are compared by position. */
static bool same_map(const pol_value *v, ov o) {
  if (pol_value_len(v) != o.as.m.n)
    return false;
  for (size_t i = 0; i < o.as.m.n; i++) {
    size_t len;
    const char *k = pol_value_key(v, i, &len);
    ov ok = o.as.m.keys[i];
    if ((k != NULL) != (ok.k == K_STRING) ||
        (k && (len != ok.as.s.n || memcmp(k, ok.as.s.p, len) != 0)))
      return false;
    if (!same(pol_value_entry(v, i), o.as.m.vals[i]))
      return false;
  }
  return true;
}

static bool same(const pol_value *v, ov o) {
  static const pol_type kinds[K_COUNT] = {
      POL_T_NULL, POL_T_BOOL, POL_T_INT, POL_T_UINT, POL_T_DOUBLE,
      POL_T_STRING, POL_T_LIST, POL_T_MAP, POL_T_ERROR};
  if (pol_value_type(v) != kinds[o.k])
    return false;
  size_t len;
  const char *s;
  double d;
  switch (o.k) {
  case K_BOOL: return pol_value_bool(v) == o.as.b;
  case K_INT: return pol_value_int(v) == o.as.i;
  case K_UINT: return pol_value_uint(v) == o.as.u;
  case K_DOUBLE:
    d = pol_value_double(v);
    return (isnan(d) && isnan(o.as.d)) || memcmp(&d, &o.as.d, sizeof d) == 0;
  case K_STRING:
    s = pol_value_str(v, &len);
    return len == o.as.s.n && memcmp(s, o.as.s.p, len) == 0;
  case K_LIST: return same_list(v, o);
  case K_MAP: return same_map(v, o);
  default: return true; /* null; errors are compared by category */
  }
}

/* Compile and evaluate [src] on context [i]; whether it agrees with
 * [want]. Appends what libpol gave to r->why. */
static bool agrees(run *r, int i, const char *src, ov want) {
  pol_program *prog;
  size_t n = strlen(r->why);
  char *w = r->why + n, *end = r->why + sizeof r->why;
  const char *form = i ? "variables" : "literals";
  if (pol_compile_expr(r->env, src, strlen(src), "oracle", NULL, &prog)) {
    snprintf(w, (size_t)(end - w), "  libpol (%s): does not compile: %s\n",
             form, pol_env_errmsg(r->env));
    return false;
  }
  const pol_value *v;
  int rc = pol_eval(r->ctx[i], prog, r->facts, &v);
  bool ok;
  if (rc == POL_ERUNTIME) {
    const char *msg = pol_ctx_errmsg(r->ctx[i]);
    ok = want.k == K_ERROR && classify(msg) == want.as.e;
    snprintf(w, (size_t)(end - w), "  libpol (%s): error: %s [%s]\n", form,
             msg, ov_err_name(classify(msg)));
  } else {
    ok = rc == POL_OK && same(v, want);
    snprintf(w, (size_t)(end - w), "  libpol (%s): %s\n", form,
             rc == POL_OK ? pol_value_format(r->ctx[i], v)
                          : pol_ctx_errmsg(r->ctx[i]));
  }
  pol_program_free(prog);
  return ok;
}

/* [v] as CEL text, as policyc prints it (1u, 1.0, "s", [..], {..}). */
static void show(char **buf, size_t *len, ov v) {
  if (v.k == K_ERROR) {
    buf_printf(buf, len, "error [%s]", ov_err_name(v.as.e));
  } else if (v.k == K_LIST || v.k == K_MAP) {
    bool map = v.k == K_MAP;
    size_t n = map ? v.as.m.n : v.as.l.n;
    buf_printf(buf, len, map ? "{" : "[");
    for (size_t i = 0; i < n; i++) {
      buf_printf(buf, len, i ? ", " : "");
      show(buf, len, map ? v.as.m.keys[i] : v.as.l.items[i]);
      if (map) {
        buf_printf(buf, len, ": ");
        show(buf, len, v.as.m.vals[i]);
      }
    }
    buf_printf(buf, len, map ? "}" : "]");
  } else {
    print_literal(buf, len, v);
  }
}

/* Whether the three results differ for [n]; r->why says how. */
static bool differs(run *r, const node *n) {
  consts c = {0};
  char *lit = print_expr(n, NULL), *var = print_expr(n, &c);
  ov want = eval(r->p, n, r->facts_ov);
  char *shown = NULL;
  size_t len = 0;
  show(&shown, &len, want);
  snprintf(r->why, sizeof r->why, "  oracle: %s\n", shown);
  load_facts(r, &c);
  bool bad = !agrees(r, 0, lit, want);
  bad |= !agrees(r, 1, var, want);
  free(shown);
  free(lit);
  free(var);
  free(c.vals);
  return bad;
}

/* ==== shrinking ========================================================== */

/* Every place in the tree rooted at *[slot] that holds a node, parents
 * before children. */
static size_t slots(node **slot, node ***out, size_t n, size_t max) {
  if (n < max)
    out[n++] = slot;
  for (int i = 0; i < (*slot)->nkids; i++)
    n = slots(&(*slot)->kids[i], out, n, max);
  return n;
}

/* Try [repl] at [slot]; keep it if some disagreement remains. */
static bool try_replace(run *r, node **root, node **slot, node *repl) {
  node *old = *slot;
  *slot = repl;
  if (differs(r, *root))
    return true;
  *slot = old;
  return false;
}

/* Drop item [i] (a pair, in a map) of the list or map literal [n]. */
static bool try_drop(run *r, node **root, node *n, int i) {
  int w = n->k == N_MAP ? 2 : 1, at = i * w;
  node *saved[2] = {n->kids[at], w == 2 ? n->kids[at + 1] : NULL};
  memmove(&n->kids[at], &n->kids[at + w],
          (size_t)(n->nkids - at - w) * sizeof *n->kids);
  n->nkids -= w;
  if (differs(r, *root))
    return true;
  n->nkids += w;
  memmove(&n->kids[at + w], &n->kids[at],
          (size_t)(n->nkids - at - w) * sizeof *n->kids);
  n->kids[at] = saved[0];
  if (w == 2)
    n->kids[at + 1] = saved[1];
  return false;
}

/* One simplification of the node at [slot]: a child in its place, its
 * value as a literal, or one item fewer. */
static bool simplify(run *r, node **root, node **slot) {
  node *n = *slot;
  for (int i = 0; i < n->nkids; i++)
    if (try_replace(r, root, slot, n->kids[i]))
      return true;
  if (n->k != N_LIT) {
    ov v = eval(r->p, n, r->facts_ov);
    if (v.k != K_ERROR && v.k != K_LIST && v.k != K_MAP) {
      node *l = node_new(r->p, N_LIT, 0, 0);
      l->lit = v;
      if (try_replace(r, root, slot, l))
        return true;
    }
  }
  if (n->k == N_LIST || n->k == N_MAP)
    for (int i = 0; i < n->nkids / (n->k == N_MAP ? 2 : 1); i++)
      if (try_drop(r, root, n, i))
        return true;
  return false;
}

/* Shrink *[root] while it still disagrees; leaves r->why describing it. */
static void shrink(run *r, node **root) {
  node **s[512];
  for (int pass = 0; pass < 1000; pass++) {
    size_t n = slots(root, s, 0, 512);
    size_t i = 0;
    while (i < n && !simplify(r, root, s[i]))
      i++;
    if (i == n)
      break;
  }
  differs(r, *root);
}

/* ==== driver ============================================================= */

typedef struct opts {
  uint64_t seed;
  long count, report;
  bool print, verbose;
} opts;

typedef struct stats {
  long kinds[K_COUNT];  /* oracle results by kind */
  long errs[E_COUNT];   /* and errors by category */
  long nodes[N_MACRO + 1];
  long disagree;
} stats;

static void count_nodes(stats *st, const node *n) {
  st->nodes[n->k]++;
  for (int i = 0; i < n->nkids; i++)
    count_nodes(st, n->kids[i]);
}

static void report(run *r, node **root, long index, const opts *o) {
  shrink(r, root);
  consts c = {0};
  char *lit = print_expr(*root, NULL), *var = print_expr(*root, &c);
  printf("disagreement (seed %llu, expression %ld):\n  facts: %s\n"
         "  expression: %s\n  with variables: %s\n",
         (unsigned long long)o->seed, index, r->facts_json, lit, var);
  for (size_t i = 0; i < c.n; i++) {
    char *t = NULL;
    size_t len = 0;
    print_literal(&t, &len, c.vals[i]);
    printf("    c%zu = %s\n", i, t);
    free(t);
  }
  printf("%s", r->why);
  free(lit);
  free(var);
  free(c.vals);
}

static void new_facts(run *r, gen *g, pool *fp) {
  pool_clear(fp);
  r->facts_ov = gen_facts(g, fp);
  char *json = NULL;
  size_t len = 0;
  ov_json(&json, &len, r->facts_ov);
  free((char *)r->facts_json);
  r->facts_json = json;
}

static void one(run *r, gen *g, long i, const opts *o, stats *st) {
  node *n = gen_expr(g, r->p);
  if (o->print) {
    char *t = print_expr(n, NULL);
    puts(t);
    free(t);
    return;
  }
  count_nodes(st, n);
  ov v = eval(r->p, n, r->facts_ov);
  st->kinds[v.k]++;
  if (v.k == K_ERROR)
    st->errs[v.as.e]++;
  if (!differs(r, n))
    return;
  if (st->disagree++ < o->report)
    report(r, &n, i, o);
}

static void summary(const stats *st, const opts *o) {
  printf("oracle: %ld expressions (seed %llu), %ld disagreements\n",
         o->count, (unsigned long long)o->seed, st->disagree);
  if (!o->verbose)
    return;
  printf("  results:");
  for (int k = 0; k < K_COUNT; k++)
    printf(" %s %ld", ov_kind_name((okind)k), st->kinds[k]);
  printf("\n  errors:");
  for (int e = 0; e < E_COUNT; e++)
    printf(" %s %ld;", ov_err_name((oerr)e), st->errs[e]);
  static const char *const kinds[] = {
      "literal", "ident", "select", "has", "index", "unary", "binary",
      "and", "or", "cond", "list", "map", "size", "macro"};
  printf("\n  nodes:");
  for (int k = 0; k <= N_MACRO; k++)
    printf(" %s %ld", kinds[k], st->nodes[k]);
  printf("\n");
}

static void setup(run *r) {
  if (pol_env_new(NULL, &r->env) || pol_facts_new(r->env, &r->facts) ||
      pol_ctx_new(r->env, &r->ctx[0]) || pol_ctx_new(r->env, &r->ctx[1])) {
    fputs("oracle: cannot set up libpol\n", stderr);
    exit(2);
  }
}

static void parse_args(int argc, char **argv, opts *o) {
  *o = (opts){.seed = 1, .count = 3000, .report = 5};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--seed") == 0 && v)
      o->seed = strtoull(argv[++i], NULL, 0);
    else if (strcmp(a, "--count") == 0 && v)
      o->count = strtol(argv[++i], NULL, 0);
    else if (strcmp(a, "--report") == 0 && v)
      o->report = strtol(argv[++i], NULL, 0);
    else if (strcmp(a, "--print") == 0)
      o->print = true;
    else if (strcmp(a, "-v") == 0)
      o->verbose = true;
    else {
      fprintf(stderr, "usage: oracle [--seed N] [--count N] [--report N] "
                      "[--print] [-v]\n");
      exit(2);
    }
  }
}

int main(int argc, char **argv) {
  opts o;
  parse_args(argc, argv, &o);
  pool facts_pool = {0}, expr_pool = {0};
  run r = {.p = &expr_pool};
  stats st = {0};
  setup(&r);
  gen *g = gen_new(o.seed);
  for (long i = 0; i < o.count; i++) {
    if (i % 20 == 0)
      new_facts(&r, g, &facts_pool);
    one(&r, g, i, &o, &st);
    pool_clear(&expr_pool);
  }
  if (!o.print)
    summary(&st, &o);
  gen_free(g);
  pool_clear(&facts_pool);
  free((char *)r.facts_json);
  pol_ctx_free(r.ctx[0]);
  pol_ctx_free(r.ctx[1]);
  pol_facts_free(r.facts);
  pol_env_free(r.env);
  return st.disagree ? 1 : 0;
}
