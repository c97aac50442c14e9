/*
 * api_assume.c: pol_facts_assume (pol.h), the what-if of `policyc check
 * --assume PATH=VALUE`: the fact set as if the vendor had stated VALUE
 * for PATH.
 *
 * A fact set is immutable once loaded (reports refer into it), so the
 * assumption is not written into it: the containers on the way from the
 * root to PATH are copied with the new value in place, the rest is
 * shared, and the copy becomes the fact set's variables (the copies and
 * the value adopted, so paths and citations read as before; what the copy
 * shares already has the origins val_adopt would give it, and walking the
 * whole fact set for each assumption made N assumptions cost N times the
 * vendor). The old root stays in the
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

/* [m] with [key] set to [v] (added at the end if new). */
static val map_with(arena *ar, const map *m, val key, val v) {
  uint32_t n = m ? m->n : 0;
  val *k = arena_alloc(ar, (n + 1) * sizeof *k);
  val *x = arena_alloc(ar, (n + 1) * sizeof *x);
  if (!k || !x)
    return val_nomem();
  if (n) {
    memcpy(k, m->keys, n * sizeof *k);
    memcpy(x, m->vals, n * sizeof *x);
  }
  const val *old = m ? map_get(m, key) : NULL; /* by the map's index */
  uint32_t at = old ? (uint32_t)(old - m->vals) : n;
  k[at] = key;
  x[at] = v;
  return val_map(ar, k, x, at == n ? n + 1 : n);
}

/* [cur] (NULL: absent) with the steps from [i] on set to [v]. */
static int set(assume *a, const val *cur, int i, val v, val *out) {
  if (i == a->n) {
    *out = v;
    return POL_OK;
  }
  const step *s = &a->steps[i];
  if (cur && cur->kind == V_LIST && s->index) {
    const list *l = cur->as.l;
    if ((uint64_t)s->key.as.i >= l->n) {
      char have[64];
      snprintf(have, sizeof have, "%u item%s", l->n, l->n == 1 ? "" : "s");
      return fail(a, s->col, POL_EINVAL, "no such item: the list has %s",
                  have);
    }
    val item, copy = val_list(&a->f->a, l->items, l->n);
    int rc = set(a, &l->items[s->key.as.i], i + 1, v, &item);
    if (rc != POL_OK || copy.kind == V_ERROR)
      return rc != POL_OK ? rc : POL_ENOMEM;
    copy.as.l->items[s->key.as.i] = item;
    *out = copy;
    return POL_OK;
  }
  if (s->index)
    return fail(a, s->col, POL_EINVAL, "no list to take an item of here: "
                "%s", cur ? "it is a map" : "the fact is absent");
  if (cur && cur->kind != V_MAP)
    return fail(a, s->col, POL_EINVAL, "cannot go into a value of type %s here",
                val_kind_name(cur->kind));
  const map *m = cur ? cur->as.m : NULL;
  val inner;
  int rc = set(a, m ? map_get(m, s->key) : NULL, i + 1, v, &inner);
  if (rc != POL_OK)
    return rc;
  *out = map_with(&a->f->a, m, s->key, inner);
  return out->kind == V_ERROR ? POL_ENOMEM : POL_OK;
}

/* [root], a map this call made (no report has seen it), with [key] set
 * to [v]: in place when it has the key, else a copy with it added. */
static int put(assume *a, val *root, val key, val v) {
  const val *at = map_get(root->as.m, key);
  if (at) {
    root->as.m->vals[at - root->as.m->vals] = v;
    return POL_OK;
  }
  *root = map_with(&a->f->a, root->as.m, key, v);
  return root->kind == V_ERROR ? POL_ENOMEM : POL_OK;
}

/* $withheld without [path] and the paths under it; $assumed with it. */
static int metadata(assume *a, val *root) {
  const char *p = a->path.p;
  size_t n = a->path.len;
  val k = val_cstring(&a->f->a, "$withheld");
  if (k.kind == V_ERROR)
    return POL_ENOMEM;
  const val *w = map_get(root->as.m, k);
  if (w && w->kind == V_LIST) {
    val kept = val_list(&a->f->a, NULL, w->as.l->n);
    if (kept.kind == V_ERROR)
      return POL_ENOMEM;
    kept.as.l->n = 0;
    for (uint32_t i = 0; i < w->as.l->n; i++) {
      val x = w->as.l->items[i];
      bool gone = x.kind == V_STRING && x.as.s->len >= n &&
                  memcmp(x.as.s->data, p, n) == 0 &&
                  strchr(".[", x.as.s->data[n]); /* NUL matches too */
      if (!gone)
        kept.as.l->items[kept.as.l->n++] = x;
    }
    if (put(a, root, k, kept) != POL_OK)
      return POL_ENOMEM;
  }
  val ak = val_cstring(&a->f->a, "$assumed");
  if (ak.kind == V_ERROR)
    return POL_ENOMEM;
  const val *old = map_get(root->as.m, ak);
  uint32_t m = old && old->kind == V_LIST ? old->as.l->n : 0;
  val all = val_list(&a->f->a, m ? old->as.l->items : NULL, m + 1);
  if (all.kind == V_ERROR)
    return POL_ENOMEM;
  all.as.l->items[m] = val_string(&a->f->a, p, n);
  if (all.as.l->items[m].kind == V_ERROR)
    return POL_ENOMEM;
  return put(a, root, ak, all);
}

/* What val_adopt would change in the new [root]: its own entries, the
 * entries of each container copied on the way to the path and of the
 * new $withheld and $assumed, and all of the value at the path's end
 * (its own entry set by its parent's). */
static void adopt_path(const assume *a, map *root) {
  val_adopt_root(root);
  val cur = {.kind = V_MAP, .as.m = root};
  static const char *const meta[] = {"$withheld", "$assumed"};
  for (int i = 0; i < 2; i++) {
    const val *l = map_get_str(root, meta[i], strlen(meta[i]),
                               val_hash_bytes(meta[i], strlen(meta[i])));
    if (l)
      val_adopt_kids(*l, 2);
  }
  for (int i = 0; i < a->n; i++) {
    val_adopt_kids(cur, i + 1);
    const step *s = &a->steps[i];
    const val *next = cur.kind == V_MAP ? map_get(cur.as.m, s->key)
                      : cur.kind == V_LIST && s->index
                          ? &cur.as.l->items[s->key.as.i] : NULL;
    if (!next)
      return;
    cur = *next;
  }
  val_adopt_below(cur, a->n + 1);
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

int pol_facts_assume(pol_facts *f, const char *assignment) {
  if (!f || !assignment)
    return POL_EINVAL;
  assume a = {.f = f, .text = assignment};
  sb_init(&a.path, &f->a.m);
  const char *eq = equals(assignment);
  val v, root = {.kind = V_MAP};
  int rc = POL_OK;
  if (!eq)
    rc = fail(&a, (uint32_t)strlen(assignment) + 1, POL_EFORMAT,
              "expected PATH=VALUE%s", NULL);
  if (rc == POL_OK)
    rc = parse_path(&a, assignment, (size_t)(eq - assignment));
  if (rc == POL_OK)
    rc = parse_value(&a, eq + 1, strlen(eq + 1),
                     (uint32_t)(eq - assignment) + 2, &v);
  val vars = {.kind = V_MAP, .as.m = f->vars};
  if (rc == POL_OK)
    rc = set(&a, f->vars ? &vars : NULL, 0, v, &root);
  if (rc == POL_OK)
    rc = a.path.oom ? POL_ENOMEM : metadata(&a, &root);
  if (rc == POL_OK) {
    if (!f->base)
      f->base = f->vars;
    f->vars = root.as.m;
    adopt_path(&a, f->vars);
  }
  if (rc == POL_ENOMEM)
    api_msg(&f->errmsg, "out of memory");
  sb_free(&a.path);
  return rc;
}
