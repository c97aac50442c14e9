/*
 * schema.c: the fact schema of a policy (see schema.h).
 *
 * A path is known when it is declared, when it is a prefix of a declared
 * path (an object on the way: `backup` of `backup.generations`), or when
 * it lies under a declared path of type map or any. Unknown paths get the
 * nearest declared path, by edit distance, as a suggestion.
 */
#include "schema.h"

#include "host.h"
#include "suggest.h"

#include <stdlib.h>
#include <string.h>

/* ==== declarations ======================================================= */

static const struct {
  const char *name;
  int kind;
} type_names[] = {
    {"bool", V_BOOL},       {"int", V_INT},
    {"uint", V_UINT},       {"double", V_DOUBLE},
    {"string", V_STRING},   {"bytes", V_BYTES},
    {"duration", V_DURATION}, {"timestamp", V_TIMESTAMP},
    {"list", V_LIST},       {"map", V_MAP},
    {"any", T_DYN},
};

static const fact_type *type_of(policy *p, const ast *t) {
  fact_type *ft = arena_zalloc(&p->a, sizeof *ft);
  if (!ft)
    return NULL;
  ft->kind = T_DYN;
  for (size_t i = 0; i < POL_COUNTOF(type_names); i++)
    if (strcmp(type_names[i].name, t->name) == 0)
      ft->kind = type_names[i].kind;
  if (t->nkids) /* list(T): kids[0]; map(K, V): kids[1] */
    ft->elem = type_of(p, t->kids[t->nkids - 1]);
  return ft;
}

void schema_type_name(const fact_type *t, sbuf *out) {
  for (size_t i = 0; i < POL_COUNTOF(type_names); i++)
    if (type_names[i].kind == t->kind) {
      sb_puts(out, type_names[i].name);
      break;
    }
  if (t->kind == V_LIST || t->kind == V_MAP) {
    sb_puts(out, t->kind == V_MAP ? "(string, " : "(");
    if (t->elem)
      schema_type_name(t->elem, out);
    sb_putc(out, ')');
  }
}

/* A literal of an `in [...]` list as a value, or false. */
static bool literal(policy *p, const ast *n, val *out) {
  switch (n->kind) {
  case AST_STRING_LIT: *out = val_string(&p->a, n->lit.s.p, n->lit.s.n); break;
  case AST_INT_LIT: *out = val_int(n->lit.i); break;
  case AST_UINT_LIT: *out = val_uint(n->lit.u); break;
  case AST_DOUBLE_LIT: *out = val_double(n->lit.d); break;
  case AST_BOOL_LIT: *out = val_bool(n->lit.b); break;
  default: return false;
  }
  return out->kind != V_ERROR;
}

static val allowed_values(policy *p, const ast *l, diag_list *d) {
  if (l->kind != AST_LIST) {
    diag_add(d, DC_BAD_ALLOWED, l->sp,
             "allowed values must be a list of literals");
    return val_null();
  }
  val r = val_list(&p->a, NULL, l->nkids);
  for (uint32_t i = 0; r.kind == V_LIST && i < l->nkids; i++)
    if (!literal(p, l->kids[i], &r.as.l->items[i])) {
      diag_add(d, DC_BAD_ALLOWED, l->kids[i]->sp,
               "allowed values must be literals");
      return val_null();
    }
  return r;
}

void schema_begin(policy *p, size_t n) {
  p->facts = arena_zalloc(&p->a, (n + 1) * sizeof *p->facts);
}

void schema_add(policy *p, const ast *n, diag_list *d) {
  const fact_decl *old = NULL;
  for (uint32_t i = 0; i < p->nfacts && !old; i++)
    if (strcmp(p->facts[i].path, n->name) == 0)
      old = &p->facts[i];
  if (old) {
    diag_add(d, DC_DUPLICATE, n->sp,
             "fact '%s' is already declared at %s:%u:%u", n->name,
             old->file, old->line, old->col);
    return;
  }
  if (!p->facts)
    return;
  fact_decl *f = &p->facts[p->nfacts++];
  f->path = arena_strndup(&p->a, n->name, strlen(n->name));
  f->type = type_of(p, n->kids[0]);
  bool in = n->nkids > 1 && n->kids[1]->kind != AST_CLAUSE;
  f->allowed = in ? allowed_values(p, n->kids[1], d) : val_null();
  f->desc = n->lit.s.p ? arena_strndup(&p->a, n->lit.s.p, n->lit.s.n) : NULL;
  policy_check_clauses(n, d);
  const ast *refs = NULL;
  for (uint32_t i = 1; i < n->nkids; i++)
    if (n->kids[i]->kind == AST_CLAUSE &&
        strcmp(n->kids[i]->name, "refs") == 0 && !refs)
      refs = n->kids[i]->kids[0];
  policy_refs(p, refs, &f->refs, &f->nrefs, d);
  policy_asks(p, n, f->ask, d);
  f->file = arena_strndup(&p->a, d->file, strlen(d->file));
  f->line = n->sp.line;
  f->col = n->sp.col;
}

void schema_finish(policy *p) {
  if (p->nfacts)
    qsort(p->facts, p->nfacts, sizeof *p->facts, policy_fact_cmp);
}

/* ==== path lookup ======================================================== */

static bool has_prefix(const char *s, const char *prefix, size_t n) {
  return strncmp(s, prefix, n) == 0 && s[n] == '.';
}

/* Whether [path] is declared, on the way to a declaration, or under a
 * declared map/any. */
bool schema_known(const policy *p, const char *path) {
  size_t n = strlen(path);
  for (uint32_t i = 0; i < p->nfacts; i++) {
    const fact_decl *f = &p->facts[i];
    size_t fn = strlen(f->path);
    if (strcmp(f->path, path) == 0 || has_prefix(f->path, path, n))
      return true;
    if ((f->type->kind == V_MAP || f->type->kind == T_DYN) &&
        has_prefix(path, f->path, fn))
      return true;
  }
  return false;
}

/* A declared path with the same parent as [path] whose last segment
 * shares at least 3 leading characters with [path]'s: an abbreviation
 * (backup.gens -> backup.generations). */
static const char *same_parent(const policy *p, const char *path) {
  const char *dot = strrchr(path, '.');
  size_t parent = dot ? (size_t)(dot - path) + 1 : 0;
  if (strlen(path + parent) < 3)
    return NULL;
  for (uint32_t i = 0; i < p->nfacts; i++) {
    const char *f = p->facts[i].path;
    if (strncmp(f, path, parent + 3) == 0 && !strchr(f + parent, '.'))
      return f;
  }
  return NULL;
}

/* A declared path with the same first and last segments as [path]: a
 * missed level (data.countries -> data.location.countries). */
static const char *same_leaf(const policy *p, const char *path) {
  const char *first = strchr(path, '.'), *last = strrchr(path, '.');
  if (!first)
    return NULL;
  size_t fn = (size_t)(first - path) + 1, ln = strlen(last);
  for (uint32_t i = 0; i < p->nfacts; i++) {
    const char *f = p->facts[i].path;
    size_t n = strlen(f);
    if (n > ln && strncmp(f, path, fn) == 0 && strcmp(f + n - ln, last) == 0)
      return f;
  }
  return NULL;
}

/* The declared path [path] most likely meant: the nearest by edit
 * distance if it is near enough to be a typo (suggest.c), else an
 * abbreviation, else a missed level. */
const char *schema_suggest(const policy *p, const char *path) {
  suggest s;
  suggest_init(&s, path);
  for (uint32_t i = 0; i < p->nfacts; i++)
    suggest_offer(&s, p->facts[i].path);
  const char *best = suggest_best(&s);
  if (!best)
    best = same_parent(p, path);
  return best ? best : same_leaf(p, path);
}

/* ==== the walk =========================================================== */

typedef struct walk {
  const policy *p;
  diag_list *d;
  const char *const *lets;
  size_t nlets;
  const host_registry *hosts;
  const char *locals[64]; /* macro variables in scope */
  int nlocals;
} walk;

/* Names that are never facts: type names and function namespaces. */
static bool reserved_root(const char *name) {
  static const char *const names[] = {
      "bool", "int", "uint", "double", "string", "bytes", "list", "map",
      "null_type", "type", "optional_type", "google", "math", "strings",
      "base64", "optional", "cel"};
  for (size_t i = 0; i < POL_COUNTOF(names); i++)
    if (strcmp(names[i], name) == 0)
      return true;
  return false;
}

static bool is_local(const walk *w, const char *name) {
  if (reserved_root(name))
    return true;
  for (int i = 0; i < w->nlocals; i++)
    if (strcmp(w->locals[i], name) == 0)
      return true;
  for (size_t i = 0; i < w->nlets; i++)
    if (strcmp(w->lets[i], name) == 0)
      return true;
  return false;
}

/* The dotted path of a select chain over a non-local identifier, into
 * [buf]; false if [n] is not such a chain. */
static bool fact_path(const walk *w, const ast *n, char *buf, size_t cap) {
  if (n->kind == AST_IDENT) {
    if (is_local(w, n->name) || strlen(n->name) + 1 > cap)
      return false;
    strcpy(buf, n->name);
    return true;
  }
  if (n->kind != AST_SELECT || !fact_path(w, n->kids[0], buf, cap))
    return false;
  size_t len = strlen(buf);
  if (len + strlen(n->name) + 2 > cap)
    return false;
  buf[len] = '.';
  strcpy(buf + len + 1, n->name);
  return true;
}

static void check_path(walk *w, const ast *n) {
  char path[512];
  if (!fact_path(w, n, path, sizeof path) || schema_known(w->p, path))
    return;
  const char *s = schema_suggest(w->p, path);
  if (s)
    diag_add(w->d, DC_UNKNOWN_FACT, n->sp,
             "unknown fact '%s', did you mean '%s'?", path, s);
  else
    diag_add(w->d, DC_UNKNOWN_FACT, n->sp,
             "unknown fact '%s' (not declared in the schema)",
             path);
}

/* The kind class a literal compares as: numbers are one class. */
static int kind_class(int kind) {
  return kind == V_UINT || kind == V_DOUBLE ? V_INT : kind;
}

static int literal_kind(const ast *n) {
  switch (n->kind) {
  case AST_STRING_LIT: return V_STRING;
  case AST_INT_LIT: return V_INT;
  case AST_UINT_LIT: return V_UINT;
  case AST_DOUBLE_LIT: return V_DOUBLE;
  case AST_BOOL_LIT: return V_BOOL;
  case AST_BYTES_LIT: return V_BYTES;
  default: return -1;
  }
}

/* fact OP literal (either order) with a declared type of another kind. */
static void check_comparison(walk *w, const ast *n) {
  char path[512];
  for (int side = 0; side < 2; side++) {
    const ast *f = n->kids[side], *lit = n->kids[1 - side];
    int lk = literal_kind(lit);
    if (lk < 0 || !fact_path(w, f, path, sizeof path))
      continue;
    const fact_decl *decl = policy_fact(w->p, path);
    if (!decl || decl->type->kind == T_DYN ||
        kind_class(decl->type->kind) == kind_class(lk))
      continue;
    sbuf t;
    sb_init(&t);
    schema_type_name(decl->type, &t);
    sb_putc(&t, '\0');
    const char *kind = val_kind_name(lk);
    diag_add(w->d, DC_FACT_TYPE, n->sp,
             "fact '%s' is %s, but is compared with %s %s",
             path, t.p ? t.p : "?", strchr("aeiou", kind[0]) ? "an" : "a",
             kind);
    sb_free(&t);
  }
}

static void visit(walk *w, const ast *n);

static bool is_macro(const ast *n) {
  static const char *const names[] = {
      "all", "exists", "exists_one", "existsOne", "map", "filter",
      "transformList", "transformMap", "optMap", "optFlatMap"};
  if (!(n->flags & AST_F_RECEIVER) || n->nkids < 3)
    return false;
  for (size_t i = 0; i < POL_COUNTOF(names); i++)
    if (strcmp(n->name, names[i]) == 0)
      return true;
  return false;
}

/* range.macro(x, [y,] body...): the leading identifiers are locals. */
static void visit_macro(walk *w, const ast *n) {
  visit(w, n->kids[0]);
  int saved = w->nlocals;
  uint32_t i = 1;
  for (; i + 1 < n->nkids && n->kids[i]->kind == AST_IDENT &&
         w->nlocals < (int)POL_COUNTOF(w->locals) && i <= 2;
       i++)
    w->locals[w->nlocals++] = n->kids[i]->name;
  for (; i < n->nkids; i++)
    visit(w, n->kids[i]);
  w->nlocals = saved;
}

/* cel.bind(x, init, body): x is a local of body. */
static bool visit_bind(walk *w, const ast *n) {
  if (!(n->flags & AST_F_RECEIVER) || n->nkids != 4 ||
      strcmp(n->name, "bind") != 0 || n->kids[1]->kind != AST_IDENT ||
      w->nlocals == (int)POL_COUNTOF(w->locals))
    return false;
  visit(w, n->kids[2]);
  w->locals[w->nlocals++] = n->kids[1]->name;
  visit(w, n->kids[3]);
  w->nlocals--;
  return true;
}

/* recv.f(args) where recv.f names a host function (acme.score): the
 * receiver chain is part of the name, not a fact. */
static bool host_call_name(const walk *w, const ast *n) {
  char buf[512];
  if (!w->hosts || !(n->flags & AST_F_RECEIVER) ||
      !fact_path(w, n->kids[0], buf, sizeof buf) ||
      strlen(buf) + strlen(n->name) + 2 > sizeof buf)
    return false;
  strcat(strcat(buf, "."), n->name);
  return host_find(w->hosts, buf) != NULL;
}

static void visit(walk *w, const ast *n) {
  if (n->kind == AST_CALL && visit_bind(w, n))
    return;
  if (n->kind == AST_CALL && host_call_name(w, n)) {
    for (uint32_t i = 1; i < n->nkids; i++)
      visit(w, n->kids[i]);
    return;
  }
  if (n->kind == AST_IDENT || n->kind == AST_SELECT) {
    check_path(w, n);
    if (n->kind == AST_SELECT && !(n->kids[0]->kind == AST_IDENT ||
                                   n->kids[0]->kind == AST_SELECT))
      visit(w, n->kids[0]);
    return;
  }
  if (n->kind == AST_CALL && is_macro(n)) {
    visit_macro(w, n);
    return;
  }
  if (n->kind == AST_CALL && strcmp(n->name, "has") == 0 && n->nkids == 1 &&
      !(n->flags & AST_F_RECEIVER)) {
    visit(w, n->kids[0]); /* has(a.b) still names a fact path */
    return;
  }
  if (n->kind == AST_BINARY && n->op >= AST_OP_EQ && n->op <= AST_OP_GE)
    check_comparison(w, n);
  for (uint32_t i = 0; i < n->nkids; i++)
    visit(w, n->kids[i]);
}

void schema_check_expr(const policy *p, const ast *e, diag_list *d,
                       const char *const *lets, size_t nlets,
                       const struct host_registry *hosts) {
  walk w = {p, d, lets, nlets, hosts, {0}, 0};
  visit(&w, e);
}
