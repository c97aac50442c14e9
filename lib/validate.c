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
 * found by a second, read-only scan of the (already valid) JSON text,
 * made once when the first problem is found.
 */
#include "validate.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "names.h"
#include "out.h"
#include "schema.h"
#include "time.h"

typedef struct locs locs;

typedef struct vctx {
  const policy *p;
  const char *text;
  size_t len;
  const char *name;
  unsigned line;    /* of text's first byte in its input */
  sbuf *out;
  size_t count;
  size_t suggested; /* undeclared paths given a "did you mean" so far */
  locs *locs;
  char path[1024];
} vctx;

/* A suggestion compares the path with every declared one (about 120 us
 * against the vendor schema): only the first this many undeclared paths
 * get one, so a fact set of a million stray keys is a million lookups,
 * not a million searches (docs/limits.md). A person reads the first
 * few; past that, the same mistake repeats. */
#define VALIDATE_SUGGEST_MAX 100

/* ==== finding a path in the JSON text ==================================== */

/* Where each object key of the text is: its dotted path (as the walk
 * below builds it) and its line and column. Built by one scan of the
 * text, the first time a problem is reported, so a fact set with 100,000
 * problems is read once, not once per problem. */
typedef struct locs {
  name_index idx;   /* path -> index into pos */
  sbuf paths;       /* the paths, NUL-terminated, one after another */
  struct key_at {
    size_t off;     /* where its path starts in paths */
    unsigned line, col;
  } *v;
  size_t n, cap;
  bool built, failed;
  mem m;            /* the output's allocator */
} locs;

/* A scanner over JSON that is known to be valid, tracking line and
 * column (in code points) as it moves forward. */
typedef struct scan {
  const char *s;
  size_t n, i;
  size_t at;          /* line and col are those of s[at] */
  unsigned line, col;
  sbuf path;          /* the path of the object being scanned */
  locs *out;
} scan;

static void pos_to(scan *sc, size_t i) {
  for (; sc->at < i && sc->at < sc->n; sc->at++) {
    unsigned char c = (unsigned char)sc->s[sc->at];
    if (c == '\n') {
      sc->line++;
      sc->col = 1;
    } else if ((c & 0xC0) != 0x80) {
      sc->col++;
    }
  }
}

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

/* Record the key at sc->i (its raw text: a key with escapes is recorded
 * as written, and problems under it fall back to its parent). */
static void record_key(scan *sc, size_t plen) {
  locs *L = sc->out;
  size_t from = sc->i + 1, to = from;
  while (to < sc->n && sc->s[to] != '"')
    to += sc->s[to] == '\\' ? 2 : 1;
  if (plen)
    sb_putc(&sc->path, '.');
  sb_put(&sc->path, sc->s + from, to - from);
  if (!mem_grow(&L->m, (void **)&L->v, &L->cap, L->n + 1, sizeof *L->v)) {
    L->failed = true;
    return;
  }
  pos_to(sc, sc->i);
  L->v[L->n] = (struct key_at){L->paths.len, sc->line, sc->col};
  sb_put(&L->paths, sc->path.p, sc->path.len);
  sb_putc(&L->paths, '\0');
  L->n++;
}

/* Scan one value; [plen] is the length of its path, [keyed]: whether
 * object keys under it have paths (not inside lists). Nesting is bounded
 * by the reader's depth limit. */
static void scan_value(scan *sc, size_t plen, bool keyed) {
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
    if (c == '{' && keyed) {
      record_key(sc, plen);
      skip_string(sc);
      skip_ws(sc);
      sc->i++; /* ':' */
      scan_value(sc, sc->path.len, true);
      sc->path.len = plen;
    } else {
      if (c == '{') {
        skip_string(sc);
        skip_ws(sc);
        sc->i++;
      }
      scan_value(sc, plen, false);
    }
    skip_ws(sc);
    if (sc->i < sc->n && sc->s[sc->i] == ',')
      sc->i++;
  }
}

static void locs_build(locs *L, const char *text, size_t len,
                       unsigned line) {
  /* a byte order mark, which the reader skips, takes no column */
  size_t bom = len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0;
  scan sc = {text, len, bom, bom, line, 1, {0}, L};
  L->built = true;
  sb_init(&sc.path, &L->m);
  sb_init(&L->paths, &L->m);
  scan_value(&sc, 0, true);
  L->failed |= sc.path.oom;
  sb_free(&sc.path);
  if (L->failed || L->paths.oom || !names_init(&L->idx, L->n, &L->m)) {
    L->failed = true;
    return;
  }
  for (size_t i = L->n; i-- > 0;) /* the first of equal paths wins */
    names_put(&L->idx, L->paths.p + L->v[i].off, (int)i);
}

static void locs_free(locs *L) {
  names_free(&L->idx);
  sb_free(&L->paths);
  mem_free(&L->m, L->v);
}

/* The line and column of [path]'s key, else of its nearest ancestor's
 * (1:1 when none is found). */
static void locate(vctx *c, const char *path, unsigned *line,
                   unsigned *col) {
  locs *L = c->locs;
  if (!L->built)
    locs_build(L, c->text, c->len, c->line);
  *line = c->line;
  *col = 1;
  if (L->failed) { /* out of memory: the positions would be wrong */
    c->out->oom = true;
    return;
  }
  char buf[sizeof c->path];
  snprintf(buf, sizeof buf, "%s", path);
  for (;;) {
    int i = names_get(&L->idx, buf);
    if (i >= 0) {
      *line = L->v[i].line;
      *col = L->v[i].col;
      return;
    }
    char *dot = strrchr(buf, '.');
    if (!dot)
      return;
    *dot = '\0';
  }
}

/* ==== problems =========================================================== */

/* A problem of [path], at the key of [at] (else of its nearest
 * ancestor). */
static void vproblem(vctx *c, const char *at, const char *path,
                     const char *fmt, va_list ap) {
  unsigned line, col;
  locate(c, at, &line, &col);
  char msg[512];
  vsnprintf(msg, sizeof msg, fmt, ap);
  /* path and message hold vendor keys and $withheld entries: sanitised,
   * so a fact set cannot drive the terminal the lines are shown on */
  sb_printf(c->out, "%s:%u:%u: ", c->name, line, col);
  out_text(c->out, path);
  sb_puts(c->out, ": ");
  out_text(c->out, msg);
  sb_putc(c->out, '\n');
  c->count++;
}

static void problem(vctx *c, const char *path, const char *fmt, ...)
    POL_PRINTF(3, 4);
static void problem(vctx *c, const char *path, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vproblem(c, path, path, fmt, ap);
  va_end(ap);
}

/* A problem of the $evidence entry [key], located at that key. */
static void evidence_problem(vctx *c, const char *key, const char *fmt, ...)
    POL_PRINTF(3, 4);
static void evidence_problem(vctx *c, const char *key, const char *fmt,
                             ...) {
  char at[sizeof c->path];
  snprintf(at, sizeof at, "$evidence.%s", key);
  va_list ap;
  va_start(ap, fmt);
  vproblem(c, at, "$evidence", fmt, ap);
  va_end(ap);
}

/* The kind of [v] as a message names it: "null", not CEL's "null_type". */
static const char *kind_text(val v) {
  return v.kind == V_NULL ? "null" : val_kind_name(v.kind);
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
 * value it is ("" for the value itself, "an item: ", "a value: ").
 * False when [v] itself is not of the type (its allowed values are then
 * not worth a second problem). */
static bool check_type(vctx *c, const char *path, const char *what,
                       const fact_type *t, val v) {
  if (!kind_fits(t->kind, v.kind) ||
      (t->kind == V_UINT && v.kind == V_INT && v.as.i < 0)) {
    char want[128];
    type_text(c, t, want, sizeof want);
    problem(c, path, "%sexpected %s, found %s", what, want, kind_text(v));
    return false;
  }
  if (!t->elem)
    return true;
  if (v.kind == V_LIST)
    for (uint32_t i = 0; i < v.as.l->n; i++)
      check_type(c, path, "an item: ", t->elem, v.as.l->items[i]);
  if (v.kind == V_MAP)
    for (uint32_t i = 0; i < v.as.m->n; i++)
      check_type(c, path, "a value: ", t->elem, v.as.m->vals[i]);
  return true;
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

static void walk_value(vctx *c, size_t plen, val v);

static void walk_object(vctx *c, size_t plen, const map *m) {
  for (uint32_t i = 0; i < m->n; i++) {
    const str *k = m->keys[i].as.s;
    if (plen == 0 && k->data[0] == '$')
      continue; /* metadata, checked on its own */
    if (plen + k->len + 2 > sizeof c->path) { /* said, not skipped */
      problem(c, plen ? c->path : "(top level)", "a key of %u bytes: fact "
              "paths are at most %zu bytes", k->len, sizeof c->path - 2);
      continue;
    }
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
    if (check_type(c, c->path, "", f->type, v))
      check_allowed(c, c->path, f, v);
  } else if (schema_above(c->p, c->path)) { /* an object on the way */
    if (v.kind == V_MAP)
      walk_object(c, plen, v.as.m);
    else /* the facts declared under it cannot be there */
      problem(c, c->path, "expected an object (facts are declared under "
              "it), found %s", kind_text(v));
  } else if (!schema_known(c->p, c->path)) {
    const char *s = NULL;
    if (c->suggested < VALIDATE_SUGGEST_MAX) {
      c->suggested++;
      s = schema_suggest(c->p, c->path);
    }
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
    if (m->kind != (k == 0 ? V_MAP : V_LIST)) {
      problem(c, keys[k], "expected %s, found %s",
              k == 0 ? "an object of citations" : "a list of fact paths",
              kind_text(*m));
      continue;
    }
    uint32_t n = m->kind == V_MAP ? m->as.m->n
                 : m->kind == V_LIST ? m->as.l->n : 0;
    for (uint32_t i = 0; i < n; i++) {
      val p = m->kind == V_MAP ? m->as.m->keys[i] : m->as.l->items[i];
      val e = m->kind == V_MAP ? m->as.m->vals[i] : p;
      if (e.kind != V_STRING && k == 0) {
        evidence_problem(c, p.as.s->data, "citation %u is %s, not a string",
                         i + 1, kind_text(e));
        continue;
      }
      if (e.kind != V_STRING) {
        problem(c, keys[k], "entry %u is %s, not a string", i + 1,
                kind_text(e));
        continue;
      }
      if (schema_known(c->p, p.as.s->data))
        continue;
      if (k == 0)
        evidence_problem(c, p.as.s->data, "names '%s', which is not a "
                         "declared fact", p.as.s->data);
      else
        problem(c, keys[k], "names '%s', which is not a declared fact",
                p.as.s->data);
    }
  }
}

/* The members of $vendor (docs/facts.md, "Metadata keys"). */
static const char *const vendor_members[] = {"name", "service", "document",
                                             "version", "date"};
enum { VM_VERSION = 3, VM_DATE = 4 };

static int vendor_member(const str *k) {
  for (int j = 0; j < (int)POL_COUNTOF(vendor_members); j++)
    if (strlen(vendor_members[j]) == k->len &&
        !memcmp(vendor_members[j], k->data, k->len))
      return j;
  return -1;
}

/* $vendor: an object of those members, each a string (version also
 * null), date a real YYYY-MM-DD date. Not checked, a misspelt member
 * (`nmae`) passed, and the report then named the vendor by its file. */
static void check_vendor(vctx *c, const map *facts) {
  const val *v = map_get_str(facts, "$vendor", 7,
                             val_hash_bytes("$vendor", 7));
  if (!v)
    return;
  if (v->kind != V_MAP) {
    problem(c, "$vendor", "expected an object (name, service, document, "
            "version, date), found %s", kind_text(*v));
    return;
  }
  for (uint32_t i = 0; i < v->as.m->n; i++) {
    const str *k = v->as.m->keys[i].as.s;
    val e = v->as.m->vals[i];
    int which = vendor_member(k);
    int64_t sec;
    char at[sizeof c->path];
    snprintf(at, sizeof at, "$vendor.%s", k->data);
    if (which < 0)
      problem(c, at, "not a member of $vendor (name, service, document, "
              "version, date)");
    else if (e.kind == V_NULL && which == VM_VERSION)
      continue;
    else if (e.kind != V_STRING)
      problem(c, at, "expected string%s, found %s",
              which == VM_VERSION ? " or null" : "", kind_text(e));
    else if (which == VM_DATE && !tm_parse_date(e.as.s->data, &sec))
      problem(c, at, "\"%s\" is not a date YYYY-MM-DD", e.as.s->data);
  }
}

size_t validate_facts(const policy *p, const char *text, size_t len,
                      const char *name, unsigned line, val facts,
                      sbuf *out) {
  locs L;
  memset(&L, 0, sizeof L);
  L.m = out->m;
  vctx c = {p, text, len, name, line, out, 0, 0, &L, {0}};
  if (facts.kind != V_MAP) {
    sb_printf(out, "%s:%u:1: a fact set must be a JSON object\n", name,
              line);
    return 1;
  }
  walk_object(&c, 0, facts.as.m);
  check_meta(&c, facts.as.m);
  check_vendor(&c, facts.as.m);
  locs_free(&L);
  return c.count;
}
