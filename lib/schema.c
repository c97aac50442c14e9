/*
 * schema.c: the fact schema of a policy (see schema.h).
 *
 * A path is known when it is declared, when it is a prefix of a declared
 * path (an object on the way: `backup` of `backup.generations`), or when
 * it lies under a declared path of type map or any. Unknown paths get the
 * nearest declared path, by edit distance, as a suggestion. The paths a
 * policy's expressions read are checked by check.c.
 */
#include "schema.h"

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

static val allowed_list(policy *p, const ast *l, diag_list *d) {
  val r = val_list(&p->a, NULL, l->nkids);
  for (uint32_t i = 0; r.kind == V_LIST && i < l->nkids; i++)
    if (!literal(p, l->kids[i], &r.as.l->items[i])) {
      diag_add(d, DC_BAD_ALLOWED, l->kids[i]->sp,
               "allowed values must be literals");
      return val_null();
    }
  return r;
}

/* The label of one entry of `in {value: label, ...}`: a string literal
 * without NUL (a message prints it as a C string). */
static bool label_of(policy *p, const ast *e, val *out, diag_list *d) {
  const ast *v = e->kids[1];
  if (v->kind != AST_STRING_LIT || (e->flags & AST_F_OPTIONAL)) {
    diag_add(d, DC_BAD_ALLOWED, v->sp, "a label must be a string literal");
    return false;
  }
  if (memchr(v->lit.s.p, 0, v->lit.s.n)) {
    diag_add(d, DC_BAD_ALLOWED, v->sp,
             "a label contains a NUL character (\\u0000)");
    return false;
  }
  *out = val_string(&p->a, v->lit.s.p, v->lit.s.n);
  return out->kind == V_STRING;
}

/* `in {value: label, ...}`: the allowed values are the keys, as CEL's
 * `in` reads a map, and each one's label is how a message in Japanese
 * writes it (docs/facts.md); *[labels] gets the map. */
static val allowed_map(policy *p, const ast *m, val *labels, diag_list *d) {
  val keys = val_list(&p->a, NULL, m->nkids);
  val names = val_list(&p->a, NULL, m->nkids);
  if (keys.kind != V_LIST || names.kind != V_LIST)
    return val_null();
  for (uint32_t i = 0; i < m->nkids; i++) {
    const ast *e = m->kids[i];
    if (!literal(p, e->kids[0], &keys.as.l->items[i])) {
      diag_add(d, DC_BAD_ALLOWED, e->kids[0]->sp,
               "allowed values must be literals");
      return val_null();
    }
    if (keys.as.l->items[i].kind != V_STRING) {
      diag_add(d, DC_BAD_ALLOWED, e->kids[0]->sp,
               "only string values take labels: write the allowed values "
               "as a list");
      return val_null();
    }
    if (!label_of(p, e, &names.as.l->items[i], d))
      return val_null();
  }
  *labels = val_map(&p->a, keys.as.l->items, names.as.l->items, m->nkids);
  if (labels->kind != V_MAP) /* a key given twice, or out of memory */
    diag_add(d, DC_BAD_ALLOWED, m->sp, "an allowed value has two labels");
  return labels->kind == V_MAP ? keys : val_null();
}

static val allowed_values(policy *p, const ast *l, val *labels,
                          diag_list *d) {
  *labels = val_null();
  if (l->kind == AST_LIST)
    return allowed_list(p, l, d);
  if (l->kind == AST_MAP)
    return allowed_map(p, l, labels, d);
  diag_add(d, DC_BAD_ALLOWED, l->sp,
           "allowed values must be a list of literals, or a map of "
           "values to their labels");
  return val_null();
}

void schema_begin(policy *p, size_t n) {
  p->facts = arena_zalloc(&p->a, (n + 1) * sizeof *p->facts);
}

void schema_add(policy *p, name_index *seen, const ast *n, diag_list *d) {
  int first = names_get(seen, n->name);
  if (first >= 0) {
    const fact_decl *old = &p->facts[first];
    diag_add(d, DC_DUPLICATE, n->sp,
             "fact '%s' is already declared at %s:%u:%u", n->name,
             old->file, old->line, old->col);
    return;
  }
  if (!p->facts)
    return;
  fact_decl *f = &p->facts[p->nfacts];
  f->path = arena_strndup(&p->a, n->name, strlen(n->name));
  if (!f->path)
    return; /* out of memory: the policy arena says so (build()) */
  names_put(seen, f->path, (int)p->nfacts++);
  f->type = type_of(p, n->kids[0]);
  f->derived = (n->flags & AST_F_DERIVED) != 0;
  bool in = !f->derived && n->nkids > 1 && n->kids[1]->kind != AST_CLAUSE;
  f->labels = val_null();
  f->allowed = in ? allowed_values(p, n->kids[1], &f->labels, d)
                  : val_null();
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

/* [f] against the first [n] bytes of [key] followed by [end]: strcmp's
 * order, except that every path that goes on from there compares equal
 * when [end] is '.', so the declarations under key form one run. */
static int cmp_key(const char *f, const char *key, size_t n, char end) {
  int c = strncmp(f, key, n);
  if (c || end == '\0')
    return c ? c : (unsigned char)f[n];
  return (unsigned char)f[n] - (unsigned char)end;
}

/* The first declaration (p->facts is sorted by path: schema_finish) not
 * below [key]/[n]/[end] in cmp_key's order, or NULL. */
static const fact_decl *lower_bound(const policy *p, const char *key,
                                    size_t n, char end) {
  uint32_t lo = 0, hi = p->nfacts;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (cmp_key(p->facts[mid].path, key, n, end) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < p->nfacts ? &p->facts[lo] : NULL;
}

/* Whether some declaration is [key]/[n]/[end] (equal in cmp_key). */
static const fact_decl *find(const policy *p, const char *key, size_t n,
                             char end) {
  const fact_decl *f = lower_bound(p, key, n, end);
  return f && cmp_key(f->path, key, n, end) == 0 ? f : NULL;
}

/* Whether [path] is declared, on the way to a declaration, or under a
 * declared map/any: a binary search for each, as the compiler asks this
 * of every path a rule reads. */
bool schema_known(const policy *p, const char *path) {
  size_t n = strlen(path);
  if (find(p, path, n, '\0') || find(p, path, n, '.'))
    return true;
  for (const char *dot = strchr(path, '.'); dot; dot = strchr(dot + 1, '.')) {
    const fact_decl *f = find(p, path, (size_t)(dot - path), '\0');
    if (f && (f->type->kind == V_MAP || f->type->kind == T_DYN))
      return true;
  }
  return false;
}

bool schema_above(const policy *p, const char *path) {
  return find(p, path, strlen(path), '.') != NULL;
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
