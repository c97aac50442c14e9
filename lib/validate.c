/*
 * validate.c: checking a vendor's fact set against a policy's fact
 * declarations (`policyc validate`).
 *
 * Every value in the fact set must sit at a declared path (or inside an
 * object on the way to one, or under a declared map/any) and have the
 * declared type and, where the declaration lists them, an allowed value.
 * $evidence and $withheld may only name known paths. An absent fact is
 * never a problem: it is how a document's silence is recorded. Each
 * problem is reported as "file:line:col: PATH: what is wrong", the line
 * found by a second, read-only scan of the (already valid) JSON text.
 */
#include "validate.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "schema.h"

typedef struct vctx {
  const policy *p;
  const char *text;
  size_t len;
  const char *name;
  sbuf *out;
  size_t count;
  char path[1024];
} vctx;

/* ==== finding a path in the JSON text ==================================== */

/* A minimal scanner over JSON that is known to be valid: enough to skip
 * values and to match object keys along a path. */
typedef struct scan {
  const char *s;
  size_t n, i;
} scan;

static void skip_ws(scan *sc) {
  while (sc->i < sc->n && strchr(" \t\r\n", sc->s[sc->i]))
    sc->i++;
}

static void skip_string(scan *sc) {
  for (sc->i++; sc->i < sc->n && sc->s[sc->i] != '"'; sc->i++)
    if (sc->s[sc->i] == '\\')
      sc->i++;
  sc->i++;
}

/* Skip one value; nesting is bounded by the reader's depth limit. */
static void skip_value(scan *sc) {
  skip_ws(sc);
  if (sc->i >= sc->n)
    return;
  char c = sc->s[sc->i];
  if (c == '"') {
    skip_string(sc);
    return;
  }
  if (c != '{' && c != '[') {
    while (sc->i < sc->n && !strchr(",]} \t\r\n", sc->s[sc->i]))
      sc->i++;
    return;
  }
  sc->i++;
  for (;;) {
    skip_ws(sc);
    if (sc->i >= sc->n || sc->s[sc->i] == '}' || sc->s[sc->i] == ']') {
      sc->i++;
      return;
    }
    if (c == '{') {
      skip_string(sc); /* the key */
      skip_ws(sc);
      sc->i++; /* ':' */
    }
    skip_value(sc);
    skip_ws(sc);
    if (sc->i < sc->n && sc->s[sc->i] == ',')
      sc->i++;
  }
}

/* Whether the key at sc->i (a string token) equals [k] of [kn] bytes. */
static bool key_is(const scan *sc, const char *k, size_t kn) {
  return sc->i + kn + 1 < sc->n && sc->s[sc->i + kn + 1] == '"' &&
         memcmp(sc->s + sc->i + 1, k, kn) == 0;
}

/* Move into the value of key [k] of the object at sc->i. */
static bool enter_key(scan *sc, const char *k, size_t kn) {
  skip_ws(sc);
  if (sc->i >= sc->n || sc->s[sc->i] != '{')
    return false;
  sc->i++;
  for (;;) {
    skip_ws(sc);
    if (sc->i >= sc->n || sc->s[sc->i] != '"')
      return false;
    bool hit = key_is(sc, k, kn);
    size_t at = sc->i;
    skip_string(sc);
    skip_ws(sc);
    sc->i++; /* ':' */
    if (hit) {
      sc->i = at; /* report the key's position */
      return true;
    }
    skip_value(sc);
    skip_ws(sc);
    if (sc->i >= sc->n || sc->s[sc->i] != ',')
      return false;
    sc->i++;
  }
}

/* Byte offset of the last key of the dotted [path] in the text (the
 * start of the text if it cannot be found). */
static size_t locate_path(const vctx *c, const char *path) {
  scan sc = {c->text, c->len, 0};
  size_t found = 0;
  while (*path) {
    const char *dot = strchr(path, '.');
    size_t kn = dot ? (size_t)(dot - path) : strlen(path);
    if (!enter_key(&sc, path, kn))
      return found;
    found = sc.i;
    skip_string(&sc);
    skip_ws(&sc);
    sc.i++; /* ':' */
    path += kn + (dot ? 1 : 0);
  }
  return found;
}

/* ==== problems =========================================================== */

static void problem(vctx *c, const char *path, const char *fmt, ...)
    POL_PRINTF(3, 4);
static void problem(vctx *c, const char *path, const char *fmt, ...) {
  size_t off = locate_path(c, path);
  unsigned line = 1, col = 1;
  for (size_t i = 0; i < off; i++) {
    if (c->text[i] == '\n') {
      line++;
      col = 1;
    } else if (((unsigned char)c->text[i] & 0xC0) != 0x80) {
      col++;
    }
  }
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  sb_printf(c->out, "%s:%u:%u: %s: %s\n", c->name, line, col, path, msg);
  c->count++;
}

/* ==== types ============================================================== */

static bool kind_fits(int want, int have) {
  if (want == T_DYN || want == have)
    return true;
  /* JSON has one number type: an integral double is fine for a double,
   * and an int is fine where a uint is declared if it is not negative */
  return (want == V_DOUBLE && (have == V_INT || have == V_UINT)) ||
         (want == V_UINT && have == V_INT);
}

static void type_text(const vctx *c, const fact_type *t, char *buf,
                      size_t cap) {
  sbuf b;
  sb_init(&b, &c->out->m);
  schema_type_name(t, &b);
  snprintf(buf, cap, "%.*s", b.p ? (int)b.len : 1, b.p ? b.p : "?");
  sb_free(&b);
}

/* Check [v] against type [t]; [what] says which part of the fact's
 * value it is ("" for the value itself, "an item: ", "a value: "). */
static void check_type(vctx *c, const char *path, const char *what,
                       const fact_type *t, val v) {
  if (!kind_fits(t->kind, v.kind) ||
      (t->kind == V_UINT && v.kind == V_INT && v.as.i < 0)) {
    char want[128];
    type_text(c, t, want, sizeof want);
    problem(c, path, "%sexpected %s, found %s", what, want,
            val_kind_name(v.kind));
    return;
  }
  if (!t->elem)
    return;
  if (v.kind == V_LIST)
    for (uint32_t i = 0; i < v.as.l->n; i++)
      check_type(c, path, "an item: ", t->elem, v.as.l->items[i]);
  if (v.kind == V_MAP)
    for (uint32_t i = 0; i < v.as.m->n; i++)
      check_type(c, path, "a value: ", t->elem, v.as.m->vals[i]);
}

/* Allowed values listed in full in a message; longer lists are cut. */
#define MAX_LISTED 8

/* Whether [v] is among the declared values of [f]; for a list fact,
 * the declared values are those of its items, each checked alone. */
static void check_allowed(vctx *c, const char *path, const fact_decl *f,
                          val v) {
  if (f->allowed.kind != V_LIST)
    return;
  const fact_type *elem = f->type->elem;
  if (f->type->kind == V_LIST && elem && v.kind == V_LIST) {
    for (uint32_t i = 0; i < v.as.l->n; i++) /* type errors said already */
      if (kind_fits(elem->kind, v.as.l->items[i].kind))
        check_allowed(c, path, &(fact_decl){.type = elem,
                                            .allowed = f->allowed},
                      v.as.l->items[i]);
    return;
  }
  const list *ok = f->allowed.as.l;
  for (uint32_t i = 0; i < ok->n; i++)
    if (val_equal(ok->items[i], v))
      return;
  sbuf b;
  sb_init(&b, &c->out->m);
  val_print(&b, v);
  if (ok->n <= MAX_LISTED) {
    sb_puts(&b, " is not one of ");
    val_print(&b, f->allowed);
  } else { /* an open vocabulary: name a few, the schema has them all */
    sb_printf(&b, " is not one of the %u allowed values (", ok->n);
    for (uint32_t i = 0; i < MAX_LISTED / 2; i++) {
      val_print(&b, ok->items[i]);
      sb_puts(&b, ", ");
    }
    sb_puts(&b, "...)");
  }
  sb_putc(&b, '\0');
  problem(c, path, "%s", b.oom ? "value not allowed" : b.p);
  sb_free(&b);
}

/* ==== the walk =========================================================== */

/* Whether some declaration lies under [path] (an object on the way). */
static bool on_the_way(const policy *p, const char *path) {
  size_t n = strlen(path);
  for (uint32_t i = 0; i < p->nfacts; i++)
    if (strncmp(p->facts[i].path, path, n) == 0 &&
        p->facts[i].path[n] == '.')
      return true;
  return false;
}

static void walk_value(vctx *c, size_t plen, val v);

static void walk_object(vctx *c, size_t plen, const map *m) {
  for (uint32_t i = 0; i < m->n; i++) {
    const str *k = m->keys[i].as.s;
    if (plen == 0 && k->data[0] == '$')
      continue; /* metadata, checked on its own */
    if (plen + k->len + 2 > sizeof c->path)
      continue;
    size_t n = plen;
    if (n)
      c->path[n++] = '.';
    memcpy(c->path + n, k->data, k->len);
    c->path[n + k->len] = '\0';
    walk_value(c, n + k->len, m->vals[i]);
    c->path[plen] = '\0';
  }
}

static void walk_value(vctx *c, size_t plen, val v) {
  const fact_decl *f = policy_fact(c->p, c->path);
  if (f) {
    check_type(c, c->path, "", f->type, v);
    check_allowed(c, c->path, f, v);
  } else if (v.kind == V_MAP && on_the_way(c->p, c->path)) {
    walk_object(c, plen, v.as.m);
  } else if (!schema_known(c->p, c->path)) {
    const char *s = schema_suggest(c->p, c->path);
    if (s)
      problem(c, c->path, "not a declared fact; did you mean '%s'?", s);
    else
      problem(c, c->path, "not a declared fact");
  }
}

/* $evidence keys and $withheld entries must name known paths. */
static void check_meta(vctx *c, const map *facts) {
  static const char *const keys[] = {"$evidence", "$withheld"};
  for (int k = 0; k < 2; k++) {
    const val *m = map_get_str(facts, keys[k], strlen(keys[k]),
                               val_hash_bytes(keys[k], strlen(keys[k])));
    if (!m)
      continue;
    uint32_t n = m->kind == V_MAP ? m->as.m->n
                 : m->kind == V_LIST ? m->as.l->n : 0;
    for (uint32_t i = 0; i < n; i++) {
      val p = m->kind == V_MAP ? m->as.m->keys[i] : m->as.l->items[i];
      if (p.kind != V_STRING || schema_known(c->p, p.as.s->data))
        continue;
      problem(c, keys[k], "names '%s', which is not a declared fact",
              p.as.s->data);
    }
  }
}

size_t validate_facts(const policy *p, const char *text, size_t len,
                      const char *name, val facts, sbuf *out) {
  vctx c = {p, text, len, name, out, 0, {0}};
  if (facts.kind != V_MAP) {
    sb_printf(out, "%s:1:1: a fact set must be a JSON object\n", name);
    return 1;
  }
  walk_object(&c, 0, facts.as.m);
  check_meta(&c, facts.as.m);
  return c.count;
}
