/*
 * api_assume.c: pol_facts_assume (pol.h), the what-if of `policyc check
 * --assume PATH=VALUE`: the fact set as if the vendor had stated VALUE
 * for PATH.
 *
 * A fact set is immutable once loaded (reports refer into it), so the
 * assumption is not written into it: the containers on the way from the
 * root to PATH are copied with the new value in place, the rest is
 * shared, and the copy becomes the fact set's variables (adopted again,
 * so paths and citations read as before). The old root stays in the
 * arena: it is the *base*, the facts as the vendor gave them, against
 * which a check works out what each verdict was before (report.h
 * vendor_result.was). PATH leaves $withheld (it is answered now) and joins
 * $assumed, which the reports show.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "handles.h"
#include "parse.h"

/* One step of the path: a key of a map, or an index into a list. */
typedef struct step {
  val key;
  bool index;     /* [N] with an integer: a list item (or an int key) */
  uint32_t col;   /* where it starts in the assignment */
} step;

typedef struct assume {
  pol_facts *f;
  const char *text;  /* the whole assignment, for messages */
  step steps[POL_MAX_JSON_DEPTH];
  int n;
  sbuf path;         /* the path as reports write it */
  bool oom;          /* memory ran out making a key */
} assume;

static int fail(assume *a, uint32_t col, int rc, const char *fmt,
                const char *arg) {
  sbuf m;
  sb_init(&m, &a->f->a.m);
  sb_printf(&m, fmt, arg ? arg : "");
  api_msg(&a->f->errmsg, "%s: column %u: %s", a->text, col, api_text(&m));
  sb_free(&m);
  return rc;
}

/* ==== the path =========================================================== */

static bool key_step(assume *a, const ast *n, uint32_t base) {
  if (a->n == (int)POL_COUNTOF(a->steps))
    return false;
  step *s = &a->steps[a->n++];
  s->col = base + n->sp.col - 1;
  s->index = false;
  if (n->kind == AST_IDENT || n->kind == AST_SELECT) {
    size_t len = strlen(n->name);
    if (n->kind == AST_SELECT && n->sp.len >= len) /* at the field */
      s->col += (uint32_t)(n->sp.len - len);
    s->key = val_string(&a->f->a, n->name, len);
    a->oom |= s->key.kind != V_STRING;
    return s->key.kind == V_STRING;
  }
  const ast *k = n->kids[1];
  s->col = base + k->sp.col - 1;
  if (k->kind == AST_STRING_LIT) {
    s->key = val_string(&a->f->a, k->lit.s.p, k->lit.s.n);
    a->oom |= s->key.kind != V_STRING;
    return s->key.kind == V_STRING;
  }
  if (k->kind != AST_INT_LIT || k->lit.i < 0)
    return false;
  s->key = val_int(k->lit.i);
  s->index = true;
  return true;
}

/* The steps of [n], a path: a name, then .field, ["key"] or [N]. */
static bool steps_of(assume *a, const ast *n, uint32_t base, int depth,
                     const ast **bad) {
  if (depth > POL_MAX_JSON_DEPTH) {
    *bad = n;
    return false;
  }
  if (n->kind == AST_IDENT && !(n->flags & AST_F_ROOTED))
    return key_step(a, n, base) || (*bad = n, false);
  if ((n->kind != AST_SELECT && n->kind != AST_INDEX) ||
      (n->flags & AST_F_OPTIONAL)) {
    *bad = n;
    return false;
  }
  if (!steps_of(a, n->kids[0], base, depth + 1, bad))
    return false;
  if (!key_step(a, n, base)) {
    *bad = n->kind == AST_INDEX ? n->kids[1] : n;
    return false;
  }
  return true;
}

/* The column of what is wrong in the path node [n]: the key of an
 * index, the field of a selection, else the node itself. */
static uint32_t where(const ast *n) {
  if (n->kind == AST_INDEX)
    return n->kids[1]->sp.col;
  if (n->kind == AST_SELECT && n->sp.len >= strlen(n->name))
    return n->sp.col + (uint32_t)(n->sp.len - strlen(n->name));
  return n->sp.col;
}

/* Whether the path starts at $vendor: the document's identity, not a
 * statement of it. Assumed, it would rename the vendor in every report
 * and make the waivers of another vendor apply. */
static bool is_vendor(const assume *a) {
  if (a->n == 0 || a->steps[0].key.kind != V_STRING)
    return false;
  const str *k = a->steps[0].key.as.s;
  return k->len == 7 && memcmp(k->data, "$vendor", 7) == 0;
}

static int parse_path(assume *a, const char *s, size_t len) {
  diag_list d;
  diag_init(&d, "path", s, len, &a->f->a.m);
  arena tmp;
  arena_init(&tmp, 0, &a->f->a.m);
  ast *t = parse_expr(&tmp, &d);
  const ast *bad = NULL;
  int rc = POL_OK;
  if (d.oom)
    rc = POL_ENOMEM;
  else if (!t)
    rc = fail(a, d.n ? d.items[0].sp.col : 1, POL_EFORMAT,
              "not a fact path: %s", d.n ? d.items[0].msg : "empty");
  else if (!steps_of(a, t, 1, 0, &bad))
    rc = a->oom ? POL_ENOMEM : fail(a, where(bad), POL_EFORMAT,
              "not a fact path (a name, then .field, [\"key\"] or [N])%s",
              NULL);
  if (rc == POL_OK && is_vendor(a))
    rc = fail(a, a->steps[0].col, POL_EINVAL, "$vendor says which document "
              "the facts come from (its name, which waivers match, its "
              "date): it is no fact, and cannot be assumed%s", NULL);
  for (int i = 0; rc == POL_OK && i < a->n; i++)
    report_key_step(&a->path, a->steps[i].key, i == 0);
  diag_free(&d);
  arena_free(&tmp);
  return rc;
}

/* ==== the value ========================================================== */

static int parse_value(assume *a, const char *s, size_t len, uint32_t base,
                       val *out) {
  diag_list d;
  diag_init(&d, "value", s, len, &a->f->a.m);
  arena tmp;
  arena_init(&tmp, 0, &a->f->a.m);
  ast *t = parse_expr(&tmp, &d);
  program *p = t ? compile_expr(t, &d, NULL, 0) : NULL;
  int rc = POL_OK;
  if (d.oom) {
    rc = POL_ENOMEM;
    program_free(p);
  } else if (!p) {
    rc = fail(a, base + (d.n ? d.items[0].sp.col : 1) - 1, POL_EFORMAT,
              "the value is not a CEL literal: %s",
              d.n ? d.items[0].msg : "empty");
  } else {
    vm v;
    vm_init(&v, a->f->env->cfg.max_steps, a->f->env->cfg.max_memory,
            &a->f->a.m);
    val x = vm_run(&v, p, 0, NULL);
    if (x.kind == V_ERROR && x.as.e->kind == ERR_NOMEM)
      rc = POL_ENOMEM;
    else if (x.kind == V_ERROR && x.as.e->kind == ERR_ABSENT)
      rc = fail(a, base, POL_EFORMAT, "the value must be a literal, not a "
                "name (write a string in quotes: \"JP\")%s", NULL);
    else if (x.kind == V_ERROR)
      rc = fail(a, base, POL_EFORMAT, "the value is an error: %s",
                x.as.e->msg);
    else if ((*out = val_deepcopy(&a->f->a, x)).kind == V_ERROR)
      rc = POL_ENOMEM;
    vm_free(&v);
    program_free(p);
  }
  diag_free(&d);
  arena_free(&tmp);
  return rc;
}

/* ==== setting it ========================================================= */

/* A container on the way to an assumed path, copied once and then
 * changed in place while a batch of assignments is set: each container
 * is copied at most once per batch, however many assignments go through
 * it, and the fact set's values are never written. A map's string keys
 * are found through an index, so that N assignments to new top-level
 * facts cost N lookups, not N scans of the root. */
typedef struct draft draft;
struct draft {
  bool list;
  uint32_t n, cap;
  val *keys;        /* a map's; NULL for a list */
  val *vals;        /* ABSENT_SLOT: made for a path, not yet set */
  draft **kids;     /* kids[i]: vals[i], being rebuilt; else NULL */
  uint32_t *index;  /* a map's string keys: i + 1, open addressing */
  uint32_t nindex;  /* a power of two over twice cap; 0: no index */
};

static const val ABSENT_SLOT = {.kind = V_ERROR};

static bool absent_slot(val v) { return v.kind == V_ERROR && !v.as.e; }

/* Room for [need] entries in [d], and an index for them. */
static bool draft_room(arena *t, draft *d, uint32_t need) {
  if (need <= d->cap)
    return true;
  uint32_t cap = d->cap ? d->cap : 4;
  while (cap < need)
    cap *= 2;
  val *k = d->list ? NULL : arena_alloc(t, cap * sizeof *k);
  val *v = arena_alloc(t, cap * sizeof *v);
  draft **c = arena_alloc(t, cap * sizeof *c);
  if ((!d->list && !k) || !v || !c)
    return false;
  if (d->n) {
    if (k)
      memcpy(k, d->keys, d->n * sizeof *k);
    memcpy(v, d->vals, d->n * sizeof *v);
    memcpy(c, d->kids, d->n * sizeof *c);
  }
  memset(c + d->n, 0, (cap - d->n) * sizeof *c);
  d->keys = k;
  d->vals = v;
  d->kids = c;
  d->cap = cap;
  if (d->list)
    return true;
  /* a new index for the new capacity, every string key in it again */
  d->nindex = 1;
  while (d->nindex < 2 * cap)
    d->nindex *= 2;
  d->index = arena_alloc(t, d->nindex * sizeof *d->index);
  if (!d->index)
    return false;
  memset(d->index, 0, d->nindex * sizeof *d->index);
  for (uint32_t i = 0; i < d->n; i++)
    if (d->keys[i].kind == V_STRING) {
      uint32_t h = str_hash(d->keys[i].as.s) & (d->nindex - 1);
      while (d->index[h])
        h = (h + 1) & (d->nindex - 1);
      d->index[h] = i + 1;
    }
  return true;
}

/* Entry [key] of the map draft [d], or -1. */
static int64_t draft_find(const draft *d, val key) {
  if (key.kind == V_STRING) {
    const str *k = key.as.s;
    for (uint32_t h = str_hash(k) & (d->nindex - 1); d->index[h];
         h = (h + 1) & (d->nindex - 1)) {
      uint32_t i = d->index[h] - 1;
      const val *x = &d->keys[i];
      if (x->kind == V_STRING && x->as.s->len == k->len &&
          memcmp(x->as.s->data, k->data, k->len) == 0)
        return i;
    }
    return -1;
  }
  for (uint32_t i = 0; i < d->n; i++) /* an int key: maps from literals */
    if (val_equal(d->keys[i], key))
      return i;
  return -1;
}

/* A new entry [key] (absent for now) at the end of the map draft [d]. */
static int64_t draft_add(arena *t, draft *d, val key) {
  if (!draft_room(t, d, d->n + 1))
    return -1;
  uint32_t i = d->n++;
  d->keys[i] = key;
  d->vals[i] = ABSENT_SLOT;
  d->kids[i] = NULL;
  if (key.kind == V_STRING) {
    uint32_t h = str_hash(key.as.s) & (d->nindex - 1);
    while (d->index[h])
      h = (h + 1) & (d->nindex - 1);
    d->index[h] = i + 1;
  }
  return i;
}

/* A draft of [cur] (a map or list; NULL: a new, empty map). */
static draft *draft_of(arena *t, const val *cur) {
  draft *d = arena_alloc(t, sizeof *d);
  if (!d)
    return NULL;
  memset(d, 0, sizeof *d);
  d->list = cur && cur->kind == V_LIST;
  uint32_t n = !cur ? 0 : d->list ? cur->as.l->n : cur->as.m->n;
  if (!draft_room(t, d, n ? n : 1))
    return NULL;
  for (uint32_t i = 0; i < n; i++)
    if (d->list)
      d->vals[d->n++] = cur->as.l->items[i];
    else if (draft_add(t, d, cur->as.m->keys[i]) >= 0)
      d->vals[i] = cur->as.m->vals[i];
    else
      return NULL;
  return d;
}

/* Set the steps from [i] on, below the slot *[slot] (its draft *[kid]),
 * to [v]. The messages are those of a single assignment. */
static int set(assume *a, arena *t, val *slot, draft **kid, int i, val v) {
  if (i == a->n) {
    *slot = v;
    *kid = NULL;
    return POL_OK;
  }
  const step *s = &a->steps[i];
  const val *cur = absent_slot(*slot) ? NULL : slot;
  bool is_list = *kid ? (*kid)->list : cur && cur->kind == V_LIST;
  bool is_map = *kid ? !(*kid)->list : !cur || cur->kind == V_MAP;
  const char *kind = is_list ? "list" : is_map ? "map"
                                      : val_kind_name(cur->kind);
  if (is_list && s->index) {
    if (!*kid && !(*kid = draft_of(t, cur)))
      return POL_ENOMEM;
    draft *d = *kid;
    if ((uint64_t)s->key.as.i >= d->n) {
      char have[64];
      snprintf(have, sizeof have, "%u item%s", d->n, d->n == 1 ? "" : "s");
      return fail(a, s->col, POL_EINVAL, "no such item: the list has %s",
                  have);
    }
    return set(a, t, &d->vals[s->key.as.i], &d->kids[s->key.as.i], i + 1, v);
  }
  if (s->index && !cur && !*kid)
    return fail(a, s->col, POL_EINVAL, "no list to take an item of here: "
                "the fact is absent%s", NULL);
  if (s->index)
    return fail(a, s->col, POL_EINVAL, "no list to take an item of here: "
                "it is a %s", kind);
  if (!is_map)
    return fail(a, s->col, POL_EINVAL, "cannot go into a value of type %s here",
                kind);
  if (!*kid && !(*kid = draft_of(t, cur)))
    return POL_ENOMEM;
  draft *d = *kid;
  int64_t at = draft_find(d, s->key);
  if (at < 0 && (at = draft_add(t, d, s->key)) < 0)
    return POL_ENOMEM;
  return set(a, t, &d->vals[at], &d->kids[at], i + 1, v);
}

/* The value of the draft [d], in the fact set's arena [out]. */
static val draft_value(arena *out, draft *d, int depth) {
  for (uint32_t i = 0; i < d->n; i++)
    if (d->kids[i]) {
      d->vals[i] = draft_value(out, d->kids[i], depth + 1);
      if (d->vals[i].kind == V_ERROR)
        return d->vals[i];
    }
  return d->list ? val_list(out, d->vals, d->n)
                 : val_map(out, d->keys, d->vals, d->n);
}

/* ==== $withheld and $assumed ============================================= */

static int cmp_text(const void *x, const void *y) {
  const sbuf *a = x, *b = y;
  size_t n = a->len < b->len ? a->len : b->len;
  int c = memcmp(a->p, b->p, n);
  return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* Whether [w], a withheld path, is one of the sorted [paths] or under
 * one: a path is cut only where a step starts ('.' or '['). */
static bool answered(const char *w, size_t n, const sbuf *paths,
                     size_t npaths) {
  for (size_t k = 1; k <= n; k++) {
    if (k < n && w[k] != '.' && w[k] != '[')
      continue;
    sbuf key = {.p = (char *)w, .len = k};
    if (bsearch(&key, paths, npaths, sizeof *paths, cmp_text))
      return true;
  }
  return false;
}

/* A path of this call and where it was given, to find repeats. */
typedef struct given {
  sbuf path; /* first: cmp_text reads a given as its path */
  size_t k;
} given;

static int cmp_given(const void *x, const void *y) {
  const given *a = x, *b = y;
  int c = cmp_text(&a->path, &b->path);
  return c ? c : (a->k > b->k) - (a->k < b->k);
}

/* Mark in [dup] each of the [n] [paths] that $assumed already lists
 * ([old], [m] items: a path assumed by an earlier call, or one the fact
 * file lists) or that an earlier assignment of this call names: a path
 * assumed twice holds the last value given, and is listed once, where
 * it was first. Sorting keeps this n log n for a host's long list. */
static bool repeats(arena *t, const sbuf *paths, size_t n, const val *old,
                    uint32_t m, bool *dup) {
  given *g = arena_alloc(t, (n ? n : 1) * sizeof *g);
  if (!g)
    return false;
  for (size_t k = 0; k < n; k++)
    g[k] = (given){paths[k], k};
  qsort(g, n, sizeof *g, cmp_given);
  for (size_t i = 1; i < n; i++)
    if (!cmp_text(&g[i - 1].path, &g[i].path))
      dup[g[i].k] = true; /* a later one of the same path */
  for (uint32_t i = 0; i < m; i++) {
    if (old[i].kind != V_STRING)
      continue;
    sbuf key = {.p = old[i].as.s->data, .len = old[i].as.s->len};
    const given *hit = bsearch(&key, g, n, sizeof *g, cmp_text);
    if (!hit)
      continue;
    /* bsearch finds one of a run of equal paths: mark them all */
    size_t at = (size_t)(hit - g), lo = at, hi = at;
    while (lo > 0 && !cmp_text(&g[lo - 1].path, &key))
      lo--;
    while (hi + 1 < n && !cmp_text(&g[hi + 1].path, &key))
      hi++;
    for (size_t e = lo; e <= hi; e++)
      dup[g[e].k] = true;
  }
  return true;
}

/* $withheld without the assumed [paths] and what is under them; $assumed
 * with them, in order, after the ones of earlier calls, each path once. */
static int metadata(arena *t, arena *out, draft *root, const sbuf *paths,
                    size_t n) {
  sbuf *sorted = arena_alloc(t, (n ? n : 1) * sizeof *sorted);
  val wk = val_cstring(out, "$withheld"), ak = val_cstring(out, "$assumed");
  if (!sorted || wk.kind == V_ERROR || ak.kind == V_ERROR)
    return POL_ENOMEM;
  memcpy(sorted, paths, n * sizeof *sorted);
  qsort(sorted, n, sizeof *sorted, cmp_text);
  int64_t w = draft_find(root, wk);
  if (w >= 0 && !root->kids[w] && root->vals[w].kind == V_LIST) {
    const list *l = root->vals[w].as.l;
    val kept = val_list(out, NULL, l->n);
    if (kept.kind == V_ERROR)
      return POL_ENOMEM;
    kept.as.l->n = 0;
    for (uint32_t i = 0; i < l->n; i++) {
      val x = l->items[i];
      if (x.kind != V_STRING ||
          !answered(x.as.s->data, x.as.s->len, sorted, n))
        kept.as.l->items[kept.as.l->n++] = x;
    }
    root->vals[w] = kept;
  }
  int64_t at = draft_find(root, ak);
  const val *old = at >= 0 && !root->kids[at] ? &root->vals[at] : NULL;
  uint32_t m = old && old->kind == V_LIST ? old->as.l->n : 0;
  bool *dup = arena_alloc(t, n ? n : 1);
  if (!dup)
    return POL_ENOMEM;
  memset(dup, 0, n ? n : 1);
  if (!repeats(t, paths, n, m ? old->as.l->items : NULL, m, dup))
    return POL_ENOMEM;
  val all = val_list(out, m ? old->as.l->items : NULL, m + n);
  if (all.kind == V_ERROR || (at < 0 && (at = draft_add(t, root, ak)) < 0))
    return POL_ENOMEM;
  all.as.l->n = m;
  for (size_t k = 0; k < n; k++) {
    if (dup[k])
      continue;
    val p = val_string(out, paths[k].p, paths[k].len);
    if (p.kind == V_ERROR)
      return POL_ENOMEM;
    all.as.l->items[all.as.l->n++] = p;
  }
  root->vals[at] = all;
  root->kids[at] = NULL;
  return POL_OK;
}

/* Where the value starts: after the first '=' outside brackets and
 * quotes, so a key may hold one (["a=b"]). */
static const char *equals(const char *s) {
  int depth = 0;
  char quote = 0;
  for (; *s; s++) {
    if (quote) {
      if (*s == '\\' && s[1])
        s++;
      else if (*s == quote)
        quote = 0;
    } else if (*s == '"' || *s == '\'' || *s == '`') {
      quote = *s;
    } else if (*s == '[') {
      depth++;
    } else if (*s == ']') {
      depth--;
    } else if (*s == '=' && depth == 0) {
      return s;
    }
  }
  return NULL;
}

/* Parse [text] into [a] and its value *[v]. */
static int parse_one(assume *a, val *v) {
  const char *eq = equals(a->text);
  if (!eq)
    return fail(a, (uint32_t)strlen(a->text) + 1, POL_EFORMAT,
                "expected PATH=VALUE%s", NULL);
  int rc = parse_path(a, a->text, (size_t)(eq - a->text));
  if (rc == POL_OK)
    rc = parse_value(a, eq + 1, strlen(eq + 1),
                     (uint32_t)(eq - a->text) + 2, v);
  if (rc == POL_OK && a->path.oom)
    rc = POL_ENOMEM;
  return rc;
}

/* The assignments [list] set in the draft of the root [root] (its slot
 * *[slot]), their paths kept in [paths]; *[failed] the index of the one
 * that failed. */
static int set_all(pol_facts *f, arena *t, const char *const *items, size_t n,
                   val *slot, draft **root, sbuf *paths, size_t *failed) {
  assume *a = arena_alloc(t, sizeof *a); /* its steps are 12 KB: one */
  if (!a)
    return POL_ENOMEM;
  for (size_t k = 0; k < n; k++) {
    *failed = k;
    if (!items[k])
      return POL_EINVAL;
    memset(a, 0, sizeof *a);
    a->f = f;
    a->text = items[k];
    sb_init(&a->path, &f->a.m);
    val v;
    int rc = parse_one(a, &v);
    if (rc == POL_OK)
      rc = set(a, t, slot, root, 0, v);
    paths[k] = a->path; /* freed by the caller, whatever happened */
    if (rc != POL_OK)
      return rc;
  }
  return POL_OK;
}

int pol_facts_assume_all(pol_facts *f, const char *const *items, size_t n,
                         size_t *failed) {
  size_t bad = 0;
  if (failed)
    *failed = 0;
  if (!f || (!items && n))
    return POL_EINVAL;
  if (n == 0)
    return POL_OK;
  arena t;
  arena_init(&t, 0, &f->a.m);
  sbuf *paths = arena_alloc(&t, n * sizeof *paths);
  val slot = ABSENT_SLOT;
  if (f->vars)
    slot = (val){.kind = V_MAP, .as.m = f->vars};
  draft *root = NULL;
  int rc = POL_ENOMEM;
  if (paths) {
    memset(paths, 0, n * sizeof *paths); /* sb_free of a zero one: nothing */
    rc = set_all(f, &t, items, n, &slot, &root, paths, &bad);
  }
  /* a fact set is a map: its root was made a draft by the first step */
  if (rc == POL_OK)
    rc = metadata(&t, &f->a, root, paths, n);
  val top = rc == POL_OK ? draft_value(&f->a, root, 0) : val_nomem();
  if (rc == POL_OK && top.kind == V_ERROR)
    rc = POL_ENOMEM;
  /* The base of an empty set is an empty map, not none: without a base
   * a check takes the set for one without assumptions, and shows the
   * assumed values as the vendor's. */
  if (rc == POL_OK && !f->base && !f->vars) {
    val empty = val_map_strings(&f->a, NULL, NULL, 0);
    if (empty.kind == V_MAP) {
      f->base = empty.as.m;
      val_adopt_root(f->base);
    } else {
      rc = POL_ENOMEM;
    }
  }
  if (rc == POL_OK) {
    if (!f->base)
      f->base = f->vars;
    f->vars = top.as.m;
    val_adopt(f->vars);
  }
  if (rc == POL_ENOMEM)
    api_msg(&f->errmsg, "out of memory");
  else if (rc == POL_EINVAL && !items[bad])
    api_msg(&f->errmsg, "assignment %zu is NULL", bad + 1);
  for (size_t k = 0; paths && k < n; k++)
    sb_free(&paths[k]);
  arena_free(&t);
  if (failed && rc != POL_OK)
    *failed = bad;
  return rc;
}

int pol_facts_assume(pol_facts *f, const char *assignment) {
  if (!f || !assignment)
    return POL_EINVAL;
  return pol_facts_assume_all(f, &assignment, 1, NULL);
}
