/*
 * api_facts.c: fact sets (pol.h "facts and variables"). A fact set is an
 * arena and the map of its variables. Loading a JSON object makes that
 * object the map itself (no copy, no rescan: the reader has already
 * merged repeated keys); binding one variable builds a new map around
 * it. Either way val_adopt marks the map as a fact set's root and links
 * every container to its parent, which is how a report names the facts
 * a rule read (report_path.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "handles.h"
#include "json.h"
#include "vm.h"

int pol_facts_new(pol_env *env, pol_facts **out) {
  if (!out)
    return POL_EINVAL;
  *out = NULL;
  if (!env)
    return POL_EINVAL;
  pol_facts *f = mem_calloc(&env->m, 1, sizeof *f);
  if (!f)
    return POL_ENOMEM;
  f->env = env;
  arena_init(&f->a, 0, &env->m); /* f->a.m: the set's allocator */
  sb_init(&f->errmsg, &env->m);
  f->builder.a = &f->a;
  *out = f;
  return POL_OK;
}

void pol_facts_free(pol_facts *f) {
  if (!f)
    return;
  mem m = f->a.m;
  if (f->json) {
    mem_free(&m, f->json->vals);
    mem_free(&m, f->json->keys);
    mem_free(&m, f->json);
  }
  arena_free(&f->a);
  sb_free(&f->errmsg);
  mem_free(&m, f);
}

const char *pol_facts_errmsg(const pol_facts *f) {
  return f ? api_text(&f->errmsg) : "no facts";
}

void pol_facts_reset(pol_facts *f) {
  if (!f)
    return;
  f->vars = NULL;
  f->base = NULL;
  arena_reset(&f->a);
}

/* ==== loading ============================================================ */

static int json_fail(pol_facts *f, const char *name, const json_error *e,
                     unsigned line) {
  api_msg(&f->errmsg, "%s:%u:%u: %s", name ? name : "<json>",
          e->line + line - 1, e->col, e->msg);
  pol_facts_reset(f);
  return e->oom ? POL_ENOMEM : POL_EFORMAT;
}

/* What a JSON text holds, in JSON's words (as the PostgreSQL extension
 * says it), not CEL's: the input is JSON, and "not null_type" or "not
 * list" puzzled its writer. */
static const char *json_kind(int kind) {
  switch (kind) {
  case V_NULL: return "null";
  case V_BOOL: return "a boolean";
  case V_INT: case V_UINT: case V_DOUBLE: return "a number";
  case V_STRING: return "a string";
  case V_LIST: return "an array";
  default: return val_kind_name(kind);
  }
}

/* Make the parsed value [v] the fact set ([linked]: the reader has
 * linked its containers already); [line]:[col] is where it starts. */
static int take_object(pol_facts *f, val v, const char *name,
                       unsigned line, unsigned col, bool linked) {
  if (v.kind != V_MAP) {
    api_msg(&f->errmsg, "%s:%u:%u: a fact set must be a JSON object, not %s",
            name ? name : "<json>", line, col, json_kind(v.kind));
    pol_facts_reset(f);
    return POL_EFORMAT;
  }
  f->vars = v.as.m;
  if (linked)
    val_adopt_root(f->vars);
  else
    val_adopt(f->vars);
  return POL_OK;
}

/* A load refused for its arguments: it too leaves the set empty, as
 * every failing load does, so that a host that misses the status checks
 * an empty set rather than the previous vendor's facts under the next
 * vendor's name. */
static int load_refused(pol_facts *f, const char *why) {
  if (!f)
    return POL_EINVAL;
  api_msg(&f->errmsg, "%s", why);
  pol_facts_reset(f);
  return POL_EINVAL;
}

int pol_facts_load_record(pol_facts *f, const char *text, size_t len,
                          const char *name, unsigned line) {
  if (!f || !text)
    return load_refused(f, "pol_facts_load_json: no text (NULL)");
  if (line == 0)
    return load_refused(f, "pol_facts_load_record: line 0 (lines count "
                           "from 1)");
  pol_facts_reset(f);
  val v;
  json_error e;
  if (!f->json)
    f->json = mem_calloc(&f->a.m, 1, sizeof *f->json); /* NULL: without */
  if (!json_parse_with(&f->a, text, len, &v, &e, f->json, true))
    return json_fail(f, name, &e, line);
  return take_object(f, v, name, line + json_leading_lines(text, len),
                     json_value_col(text, len, 0), true);
}

int pol_facts_load_json(pol_facts *f, const char *text, size_t len,
                        const char *name) {
  return pol_facts_load_record(f, text, len, name, 1);
}

int pol_facts_load_json_next(pol_facts *f, const char *text, size_t len,
                             size_t *pos, const char *name) {
  if (!f || !text || !pos)
    return load_refused(f, "pol_facts_load_json_next: no text or position "
                           "(NULL)");
  if (*pos > len)
    return load_refused(f, "pol_facts_load_json_next: the position is past "
                           "the end of the text");
  pol_facts_reset(f);
  val v;
  json_error e;
  size_t start = *pos;
  if (!json_parse_next(&f->a, text, len, pos, &v, &e)) {
    /* past the line the record starts on, so that a loop goes on with
     * the next record instead of meeting this one for ever */
    size_t i = start;
    while (i < len && (text[i] == ' ' || text[i] == '\t' ||
                       text[i] == '\r' || text[i] == '\n'))
      i++;
    while (i < len && text[i] != '\n')
      i++;
    *pos = i < len ? i + 1 : len;
    return json_fail(f, name, &e, 1);
  }
  if (v.kind == V_MAP) /* lines are counted only for a message */
    return take_object(f, v, name, 0, 0, false);
  unsigned line = 1 + (unsigned)json_newlines(text, start) +
                  json_leading_lines(text + start, len - start);
  return take_object(f, v, name, line, json_value_col(text, len, start),
                     false);
}

/* The map is taken, not copied, so it must live in the set's own arena
 * (pol.h: made by its builder): one from another set's builder would die
 * with that set under this one. The values in it may be borrowed from
 * another fact set, or be one value under two names: those are copied
 * (val_adopt_own), since marking where each container sits must write
 * into this set alone, and give each container one place. On a refusal
 * the set is empty, as after any failing load, but the arena is kept:
 * the values the host built stay valid, so it can load the right map
 * next. */
int pol_facts_load_value(pol_facts *f, const pol_value *obj) {
  const char *why = NULL;
  if (!f)
    return POL_EINVAL;
  if (!obj || VAL(obj)->kind != V_MAP)
    why = "pol_facts_load_value: a fact set must be a map";
  else if (!arena_owns(&f->a, obj) || !arena_owns(&f->a, VAL(obj)->as.m))
    why = "pol_facts_load_value: the map was not made by this fact set's "
          "builder";
  if (why) {
    api_msg(&f->errmsg, "%s", why);
    f->vars = NULL;
    f->base = NULL;
    return POL_EINVAL;
  }
  f->base = NULL;
  if (!val_adopt_own(&f->a, VAL(obj)->as.m)) {
    api_msg(&f->errmsg, "pol_facts_load_value: out of memory");
    f->vars = NULL;
    return POL_ENOMEM;
  }
  f->vars = VAL(obj)->as.m;
  return POL_OK;
}

int pol_facts_load_file(pol_facts *f, const char *path) {
  char *text;
  size_t len;
  if (!f || !path)
    return load_refused(f, "pol_facts_load_file: no path (NULL)");
  int why = file_read(&f->a.m, path, &text, &len);
  if (why) {
    api_msg(&f->errmsg, "%s: %s", path, strerror(why));
    pol_facts_reset(f);
    return why == ENOMEM ? POL_ENOMEM : POL_EIO;
  }
  int rc = pol_facts_load_json(f, text, len, path);
  mem_free(&f->a.m, text);
  return rc;
}

/* ==== reading ============================================================ */

size_t pol_facts_count(const pol_facts *f) {
  return f && f->vars ? f->vars->n : 0;
}

const char *pol_facts_name(const pol_facts *f, size_t i) {
  if (i >= pol_facts_count(f) || f->vars->keys[i].kind != V_STRING)
    return NULL;
  return f->vars->keys[i].as.s->data;
}

const pol_value *pol_facts_value(const pol_facts *f, size_t i) {
  return i < pol_facts_count(f) ? (const pol_value *)&f->vars->vals[i]
                                : NULL;
}

const pol_value *pol_facts_get(const pol_facts *f, const char *name) {
  if (!f || !f->vars || !name)
    return NULL;
  size_t n = strlen(name);
  return (const pol_value *)map_get_str(f->vars, name, n,
                                        val_hash_bytes(name, n));
}

/* ==== binding ============================================================ */

/* The variables [vars] (may be NULL) with [name] bound to [v] (a value
 * in the set's arena, made for this binding): a new map, with [name]
 * replaced or appended, adopted; NULL when out of memory. */
static map *bound(pol_facts *f, const map *vars, const char *name, val v) {
  size_t n = vars ? vars->n : 0, len = strlen(name);
  val key = val_string(&f->a, name, len);
  val *kv = arena_alloc(&f->a, 2 * (n + 1) * sizeof *kv);
  if (key.kind == V_ERROR || !kv)
    return NULL;
  const val *old = vars ? map_get_str(vars, name, len, key.as.s->hash) : NULL;
  if (n)
    memcpy(kv, vars->keys, n * sizeof *kv);
  if (n)
    memcpy(kv + n + 1, vars->vals, n * sizeof *kv);
  size_t at = old ? (size_t)(old - vars->vals) : n;
  kv[at] = key;
  kv[n + 1 + at] = v;
  size_t m = old ? n : n + 1;
  if (old) /* close the gap the copy of the values left */
    memmove(kv + n, kv + n + 1, n * sizeof *kv);
  val r = val_map(&f->a, kv, kv + m, m);
  if (r.kind != V_MAP)
    return NULL;
  /* the new value is a fresh tree: what val_adopt would change is the
   * root's entries and all of it; the values bound before keep their
   * origins (walking them for each binding made N bindings after a big
   * one cost N times its size) */
  val_adopt_root(r.as.m);
  val_adopt_kids(r, 1);
  val_adopt_below(v, 2);
  return r.as.m;
}

/* Whether an assumption of [f] (a path of its $assumed) runs through the
 * variable [name], or [name] is the metadata that lists them: a binding
 * of it would take the assumption's value or its record away. */
static bool assumed_in(const pol_facts *f, const char *name) {
  if (!strcmp(name, "$assumed") || !strcmp(name, "$withheld"))
    return true;
  const val *as = map_get_str(f->vars, "$assumed", 8,
                              val_hash_bytes("$assumed", 8));
  size_t n = strlen(name);
  for (uint32_t i = 0; as && as->kind == V_LIST && i < as->as.l->n; i++) {
    const val *p = &as->as.l->items[i];
    if (p->kind == V_STRING && p->as.s->len >= n &&
        !memcmp(p->as.s->data, name, n) &&
        (p->as.s->len == n || p->as.s->data[n] == '.' ||
         p->as.s->data[n] == '['))
      return true;
  }
  return false;
}

/* Refuse a binding of [name], in the function [fn], that would undo an
 * assumption of [f] (assumed_in); POL_OK when there is none. */
static int bind_assumed(pol_facts *f, const char *fn, const char *name) {
  if (!f->base || !assumed_in(f, name))
    return POL_OK;
  api_msg(&f->errmsg, "%s: '%s' holds an assumption (pol_facts_assume): "
          "bind it before assuming", fn, name);
  return POL_EINVAL;
}

/* Bind [name] to [v] (a value in the set's arena, made for this binding
 * and shared with nothing). A set with assumptions gets the binding in
 * its base too: it is the host's fact, not a what-if, so the verdicts
 * without the assumptions see it (vars last, so that the origins of
 * what the two share are the variables'). */
static int bind(pol_facts *f, const char *name, val v) {
  map *base = f->base ? bound(f, f->base, name, v) : NULL;
  map *vars = !f->base || base ? bound(f, f->vars, name, v) : NULL;
  if (!vars) {
    api_msg(&f->errmsg, "out of memory");
    return POL_ENOMEM;
  }
  if (base)
    f->base = base;
  f->vars = vars;
  return POL_OK;
}

/* POL_OK when a bind may go on with the name [var] and [what] (text or
 * value); else POL_EINVAL, with the message of [fn] in [f] (if any). */
static int bind_args(pol_facts *f, const char *fn, const char *var,
                     const void *what) {
  if (!f)
    return POL_EINVAL;
  if (!var || !*var)
    return api_refused(&f->errmsg, fn, "no variable name");
  if (!what)
    return api_refused(&f->errmsg, fn, "nothing to bind (NULL)");
  return bind_assumed(f, fn, var);
}

int pol_facts_bind_json(pol_facts *f, const char *var, const char *text,
                        size_t len, const char *name) {
  int rc = bind_args(f, __func__, var, text);
  if (rc != POL_OK)
    return rc;
  val v;
  json_error e;
  if (!json_parse(&f->a, text, len, &v, &e)) {
    api_msg(&f->errmsg, "%s:%u:%u: %s", name ? name : "<json>", e.line,
            e.col, e.msg);
    return e.oom ? POL_ENOMEM : POL_EFORMAT;
  }
  return bind(f, var, v);
}

int pol_facts_bind_value(pol_facts *f, const char *name, const pol_value *v) {
  int rc = bind_args(f, __func__, name, v);
  if (rc != POL_OK)
    return rc;
  /* a value from another builder may die first: keep a copy */
  val x = val_deepcopy(&f->a, *VAL(v));
  if (x.kind == V_ERROR && VAL(v)->kind != V_ERROR) {
    api_msg(&f->errmsg, "out of memory");
    return POL_ENOMEM;
  }
  return bind(f, name, x);
}

/* [vars] (may be NULL) with the [m] variables [keys]/[vals] (copies in
 * the set's arena) bound in that order, as bound() of each would: one
 * new map, adopted; NULL when out of memory. */
static map *all_bound(pol_facts *f, const map *vars, const val *keys,
                      const val *vals, size_t m) {
  size_t n = vars ? vars->n : 0, k = n;
  val *nk = arena_alloc(&f->a, 2 * (n + m + 1) * sizeof *nk);
  val *nv = nk ? nk + n + m + 1 : NULL;
  if (!nk)
    return NULL;
  if (n) {
    memcpy(nk, vars->keys, n * sizeof *nk);
    memcpy(nv, vars->vals, n * sizeof *nv);
  }
  for (size_t i = 0; i < m; i++) {
    const val *old = vars ? map_get(vars, keys[i]) : NULL;
    if (old) {
      nv[old - vars->vals] = vals[i];
      continue;
    }
    nk[k] = keys[i];
    nv[k++] = vals[i];
  }
  val r = val_map(&f->a, nk, nv, k);
  if (r.kind != V_MAP)
    return NULL;
  val_adopt_root(r.as.m); /* the values bound before keep their origins */
  val_adopt_kids(r, 1);
  return r.as.m;
}

int pol_facts_bind_all(pol_facts *f, const pol_facts *from) {
  if (!f)
    return POL_EINVAL;
  if (!from)
    return api_refused(&f->errmsg, __func__, "no fact set to bind (NULL)");
  /* its assumptions would come over as plain facts (no base, no marks):
   * a what-if shown as the vendor's word */
  if (from->base)
    return api_refused(&f->errmsg, __func__,
                       "the set to bind holds assumptions "
                       "(pol_facts_assume): bind before assuming");
  const map *src = from->vars; /* read before f->vars changes, if same */
  size_t m = src ? src->n : 0;
  for (size_t i = 0; i < m; i++) {
    const val *key = &src->keys[i];
    int rc = key->kind == V_STRING
                 ? bind_assumed(f, __func__, key->as.s->data)
                 : POL_OK;
    if (rc != POL_OK)
      return rc;
  }
  val *keys = arena_alloc(&f->a, 2 * (m + 1) * sizeof *keys);
  val *vals = keys ? keys + m + 1 : NULL;
  if (!keys)
    goto nomem;
  for (size_t i = 0; i < m; i++) {
    vals[i] = val_deepcopy(&f->a, src->vals[i]);
    if (vals[i].kind == V_ERROR && src->vals[i].kind != V_ERROR)
      goto nomem;
    val_adopt_below(vals[i], 2); /* a fresh copy: all of it, as bind() */
    keys[i] = val_deepcopy(&f->a, src->keys[i]); /* [from] may go first */
    if (keys[i].kind == V_ERROR)
      goto nomem;
  }
  /* with assumptions, into the base too, the variables last (bind()) */
  map *base = f->base ? all_bound(f, f->base, keys, vals, m) : NULL;
  map *vars = !f->base || base ? all_bound(f, f->vars, keys, vals, m) : NULL;
  if (!vars)
    goto nomem;
  if (base)
    f->base = base;
  f->vars = vars;
  return POL_OK;
nomem:
  api_msg(&f->errmsg, "out of memory");
  return POL_ENOMEM;
}

/* The message and status of a literal that does not compile: its
 * diagnostics, one line each, as pol_env_errmsg would give them. */
static int literal_failed(pol_facts *f, const char *var, const diag_list *d) {
  if (d->oom || d->n == 0) {
    api_msg(&f->errmsg, "--bind %s: out of memory", var);
    return POL_ENOMEM;
  }
  api_msg(&f->errmsg, "--bind %s: ", var);
  for (size_t i = 0; i < d->n; i++)
    diag_render(d, i, 0, &f->errmsg);
  if (f->errmsg.len && f->errmsg.p[f->errmsg.len - 1] == '\n')
    f->errmsg.p[--f->errmsg.len] = '\0';
  return POL_EFORMAT;
}

/* The literal is compiled apart from the env: a bind is a call on the
 * fact set, so it must leave the env's diagnostics, messages and texts
 * alone, and may run while another thread compiles on the env. */
int pol_facts_bind_literal(pol_facts *f, const char *var, const char *text,
                           size_t len) {
  int rc = bind_args(f, __func__, var, text);
  if (rc != POL_OK)
    return rc;
  diag_list d;
  diag_init(&d, var, text, len, &f->a.m);
  program *p = api_compile(f->env, &d, NULL);
  if (!p) {
    rc = literal_failed(f, var, &d);
    diag_free(&d);
    return rc;
  }
  vm v;
  vm_init(&v, f->env->cfg.max_steps, f->env->cfg.max_memory, &f->a.m);
  val r = vm_run(&v, p, 0, NULL);
  if (r.kind == V_ERROR) {
    sbuf m;
    sb_init(&m, &f->a.m);
    vm_err_describe(&m, r.as.e, p);
    api_msg(&f->errmsg, "--bind %s: %s", var, api_text(&m));
    sb_free(&m);
    rc = r.as.e->kind == ERR_NOMEM ? POL_ENOMEM : POL_EFORMAT;
  } else {
    r = val_deepcopy(&f->a, r);
    rc = r.kind == V_ERROR ? POL_ENOMEM : bind(f, var, r);
  }
  vm_free(&v);
  program_free(p);
  diag_free(&d);
  return rc;
}
