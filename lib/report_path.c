/*
 * report_path.c: naming the facts of a report (report.h), on demand.
 *
 * A fact is a place in a fact set: a container and one of its entries.
 * Its path is found by walking the containers' origins (value.h) up to
 * the fact set's root and printing the steps back down, in CEL syntax so
 * that a user can paste it into `policyc eval`: a field whose name is an
 * identifier as .name, any other key as ["key"], a list item as [i]. The
 * same walk gives the citation: the fact's own $evidence entry, else its
 * nearest ancestor's; and the withheld mark: the path, or one above it,
 * listed in $withheld.
 */
#include "report.h"

#include <string.h>

#include "pol.h"

/* The containers from [obj] up to the root: at most this many. */
#define PATH_DEPTH_MAX (POL_MAX_JSON_DEPTH + 2)

static const origin *origin_of(const void *obj, int okind) {
  return okind == V_MAP ? &((const map *)obj)->o : &((const list *)obj)->o;
}

/* CEL's reserved words cannot follow a dot. */
static bool reserved(const char *s, size_t n) {
  static const char *const by_length[10] = {
      NULL,                       NULL,
      "as if in",                 "for let var",
      "else loop null true void", "break const false while",
      "import return",            "package",
      "continue function",        "namespace"};
  const char *w = n < 10 ? by_length[n] : NULL;
  for (; w && *w; w += n + (w[n] == ' ')) /* words of length n, spaced */
    if (w[0] == s[0] && memcmp(w, s, n) == 0)
      return true;
  return false;
}

/* The bytes of an identifier: 1 a letter or '_', 2 a digit, else 0. */
static const uint8_t ident_byte[256] = {
    ['0'] = 2, ['1'] = 2, ['2'] = 2, ['3'] = 2, ['4'] = 2,
    ['5'] = 2, ['6'] = 2, ['7'] = 2, ['8'] = 2, ['9'] = 2,
    ['_'] = 1,
    ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
    ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
    ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
    ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1,
    ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
    ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1,
    ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
    ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
    ['Y'] = 1, ['Z'] = 1,
};

static bool identifier(const str *s) {
  const unsigned char *u = (const unsigned char *)s->data;
  if (s->len == 0 || ident_byte[u[0]] != 1)
    return false;
  for (uint32_t i = 1; i < s->len; i++)
    if (!ident_byte[u[i]])
      return false;
  return !reserved(s->data, s->len);
}

/* One step down, by the key [k]: .k, ["k"] or [k]; at the root a
 * variable name as it is. */
bool report_key_step(sbuf *b, val k, bool root) {
  if (k.kind == V_STRING && root) {
    sb_put(b, k.as.s->data, k.as.s->len);
    return identifier(k.as.s);
  }
  if (k.kind == V_STRING && identifier(k.as.s)) {
    sb_putc(b, '.');
    sb_put(b, k.as.s->data, k.as.s->len);
    return true;
  }
  sb_putc(b, '[');
  val_print(b, k);
  sb_putc(b, ']');
  return k.kind == V_INT || k.kind == V_UINT; /* 2, 2u: digits */
}

/* The step to entry [entry] of [obj]; true when plain, as
 * report_key_step says. */
static bool entry_step(sbuf *b, const void *obj, int okind, uint32_t entry,
                       bool root) {
  if (okind == V_MAP)
    return report_key_step(b, ((const map *)obj)->keys[entry], root);
  sb_putc(b, '[');
  sb_put_uint(b, entry);
  sb_putc(b, ']');
  return true;
}

/* Whether [obj] is the root of its fact set (or of no fact set). */
static bool is_root(const void *obj, int okind) {
  uint8_t k = origin_of(obj, okind)->kind;
  return k != ORIGIN_MAP && k != ORIGIN_LIST;
}

/* Append the path of [obj] itself (nothing for a root) to [b]; each
 * step's end offset into [ends] (*[nends] of them), for ancestors. */
static void container_path(sbuf *b, const void *obj, int okind,
                           size_t *ends, int *nends) {
  const void *chain[PATH_DEPTH_MAX];
  int kinds[PATH_DEPTH_MAX], n = 0;
  while (obj && !is_root(obj, okind) && n < PATH_DEPTH_MAX) {
    chain[n] = obj;
    kinds[n++] = okind;
    const origin *o = origin_of(obj, okind);
    okind = o->kind == ORIGIN_MAP ? V_MAP : V_LIST;
    obj = o->parent;
  }
  while (n-- > 0) {
    const origin *o = origin_of(chain[n], kinds[n]);
    int pkind = o->kind == ORIGIN_MAP ? V_MAP : V_LIST;
    entry_step(b, o->parent, pkind, o->entry, is_root(o->parent, pkind));
    if (*nends < PATH_DEPTH_MAX)
      ends[(*nends)++] = b->len;
  }
}

/* The path of [f] into [b], with its steps' ends as container_path. The
 * size of a container is size(PATH); its citation is the container's. */
static void ref_path(sbuf *b, const fact_ref *f, size_t *ends, int *nends) {
  bool root = !f->obj || is_root(f->obj, f->okind);
  if (f->kind == FR_SIZE) {
    sb_puts(b, "size(");
    size_t from = b->len;
    container_path(b, f->obj, f->okind, ends, nends);
    sb_putc(b, ')');
    for (int i = 0; i < *nends; i++) /* the citations count from "size(" */
      ends[i] -= from;
    return;
  }
  if (f->obj)
    container_path(b, f->obj, f->okind, ends, nends);
  if (f->kind == FR_READ)
    entry_step(b, f->obj, f->okind, f->entry, root);
  else
    report_key_step(b, f->key, root);
  ends[(*nends)++] = b->len;
  for (uint32_t i = 0; i < f->nsuffix && *nends < PATH_DEPTH_MAX; i++) {
    report_key_step(b, f->suffix[i], false);
    ends[(*nends)++] = b->len;
  }
}

void report_place(sbuf *b, const void *obj, int okind, uint32_t entry) {
  size_t ends[PATH_DEPTH_MAX];
  int n = 0;
  container_path(b, obj, okind, ends, &n);
  entry_step(b, obj, okind, entry, is_root(obj, okind));
}

bool report_cites_other(const fact_ref *f) {
  return f->ev_off != 0 || f->path[f->ev_len] != '\0';
}

val report_value(const fact_ref *f) {
  if (f->kind == FR_SIZE)
    return f->value;
  if (f->kind != FR_READ)
    return val_null();
  if (f->detached || !f->obj)
    return f->value;
  return f->okind == V_MAP ? ((const map *)f->obj)->vals[f->entry]
                           : ((const list *)f->obj)->items[f->entry];
}

/* The $evidence citation of [path] or, failing that, of its nearest
 * ancestor ([ends] holds where each one ends). The hash of every prefix
 * comes from one pass (the map's hash reads bytes left to right, so
 * val_hash_continue extends a prefix's), not one pass per prefix. */
static const str *find_evidence(const map *ev, const char *path,
                                const size_t *ends, int nends,
                                uint32_t *len) {
  uint32_t hashes[PATH_DEPTH_MAX + 64];
  uint32_t h = val_hash_bytes(path, 0);
  size_t at = 0;
  if (!ev)
    return NULL;
  for (int i = 0; i < nends; i++) {
    h = val_hash_continue(h, path + at, ends[i] - at);
    hashes[i] = h;
    at = ends[i];
  }
  for (int i = nends - 1; i >= 0; i--) {
    const val *e = map_get_str(ev, path, ends[i], hashes[i]);
    if (e && e->kind == V_STRING) {
      *len = (uint32_t)ends[i];
      return e->as.s;
    }
  }
  return NULL;
}

/* A long $withheld or $assumed is indexed, so that marking a missing
 * fact costs a lookup per step of its path, not a compare per entry: a
 * vendor withholding N facts that N rules read cost N x N compares.
 * Open addressing; a slot holds 1 + the entry's index, 0 when empty. */
#define LISTED_SCAN_MAX 8 /* up to this many entries: scanned */

struct listed_index {
  uint32_t mask;
  uint32_t slot[];
};

struct listed_index *report_index_listed(arena *a, const list *w) {
  if (!w || w->n <= LISTED_SCAN_MAX || w->n > UINT32_MAX / 4)
    return NULL;
  uint32_t cap = 16;
  while (cap < 2 * w->n)
    cap *= 2;
  struct listed_index *ix =
      arena_zalloc(a, sizeof *ix + cap * sizeof ix->slot[0]);
  if (!ix)
    return NULL;
  ix->mask = cap - 1;
  for (uint32_t i = 0; i < w->n; i++) {
    if (w->items[i].kind != V_STRING)
      continue;
    uint32_t h = str_hash(w->items[i].as.s) & ix->mask;
    while (ix->slot[h])
      h = (h + 1) & ix->mask;
    ix->slot[h] = i + 1;
  }
  return ix;
}

/* Whether [e] is [path]'s first [len] bytes. */
static bool listed_is(const val *e, const char *path, size_t len) {
  return e->kind == V_STRING && e->as.s->len == len &&
         memcmp(e->as.s->data, path, len) == 0;
}

/* Whether [path] ([len] bytes), or a path above it, is in [w] by its
 * index [ix]: each prefix ending before a '.' or a '[', and the whole. */
static bool listed_find(vendor_result *vr, const list *w,
                        const struct listed_index *ix, const char *path,
                        size_t len) {
  uint32_t h = val_hash_bytes(path, 0);
  size_t at = 0;
  for (size_t k = 0; k <= len; k++) {
    if (k < len && path[k] != '.' && path[k] != '[')
      continue;
    h = val_hash_continue(h, path + at, k - at);
    at = k;
    for (uint32_t s = h & ix->mask; ix->slot[s]; s = (s + 1) & ix->mask) {
      vr->listed_compares++;
      if (listed_is(&w->items[ix->slot[s] - 1], path, k))
        return true;
    }
  }
  return false;
}

/* Whether the path in [b] ([len] bytes), or a path above it, is listed
 * in [w] ($withheld, or $assumed: [assumed]) of [vr]. */
static bool is_listed(const vendor_result *vr, bool assumed,
                      const char *path, size_t len) {
  vendor_result *cv = (vendor_result *)vr; /* the count, on a const read */
  const list *w = assumed ? vr->assumed : vr->withheld;
  const struct listed_index *ix = assumed ? vr->assumed_ix : vr->withheld_ix;
  if (ix)
    return listed_find(cv, w, ix, path, len);
  for (uint32_t i = 0; w && i < w->n; i++) {
    const val *x = &w->items[i];
    cv->listed_compares++;
    if (x->kind != V_STRING || x->as.s->len > len ||
        memcmp(x->as.s->data, path, x->as.s->len) != 0)
      continue;
    char next = x->as.s->len == len ? '\0' : path[x->as.s->len];
    if (next == '\0' || next == '.' || next == '[')
      return true;
  }
  return false;
}

void report_mark(const vendor_result *vr, fact_ref *f, const uint32_t *ends,
                 uint32_t nends) {
  size_t e[PATH_DEPTH_MAX];
  int n = 0;
  for (uint32_t i = 0; i < nends && n < PATH_DEPTH_MAX; i++)
    e[n++] = ends[i];
  f->kind = FR_MISSING;
  f->withheld = is_listed(vr, false, f->path, strlen(f->path));
  f->evidence = f->withheld ? find_evidence(vr->evidence, f->path, e, n,
                                            &f->ev_len)
                            : NULL;
  f->resolved = true;
}

uint32_t report_ref_ends(const report *r, const fact_ref *f,
                         uint32_t *ends, uint32_t cap) {
  report *w = (report *)r; /* its scratch buffer */
  size_t e[PATH_DEPTH_MAX + 64];
  int n = 0;
  sb_reset(&w->tmp);
  ref_path(&w->tmp, f, e, &n);
  uint32_t k = 0;
  for (; k < (uint32_t)n && k < cap; k++)
    ends[k] = (uint32_t)e[k];
  return k;
}

bool report_resolve(const report *r, const vendor_result *vr, fact_ref *f) {
  if (f->resolved)
    return true;
  report *w = (report *)r; /* the caches are filled on a const read */
  size_t ends[PATH_DEPTH_MAX + 64];
  int nends = 0;
  sbuf *b = &w->tmp;
  sb_reset(b);
  ref_path(b, f, ends, &nends);
  sb_putc(b, '\0');
  if (b->oom || !(f->path = arena_strndup(&w->a, b->p, b->len - 1)))
    return false;
  f->ev_off = f->kind == FR_SIZE ? 5 : 0; /* past "size(" */
  size_t len = b->len - 1 - (f->kind == FR_SIZE ? 6 : 0);
  if (f->kind == FR_MISSING)
    f->withheld = is_listed(vr, false, b->p, len);
  else /* a value given by an assumption, or inside one */
    f->assumed = is_listed(vr, true, b->p + f->ev_off, len);
  if ((f->kind != FR_MISSING || f->withheld) && !f->assumed)
    f->evidence = find_evidence(vr->evidence, b->p + f->ev_off, ends, nends,
                                &f->ev_len);
  f->resolved = true;
  return true;
}

/* ==== the same, with the containers remembered (path_memo) ========== */

void report_memo_init(path_memo *m, const vendor_result *vr) {
  m->vr = vr;
  m->n = m->nfacts = 0;
  for (size_t i = 0; i < PATH_MEMO_SLOTS; i++) /* not memset: 1/5 of it */
    m->slot[i].obj = NULL;
  for (size_t i = 0; i < PATH_MEMO_FACTS; i++)
    m->fact[i].obj = NULL;
}

/* The root of a fact set: no text, no citation. */
static const path_slot memo_root = {.hash = VAL_HASH_SEED, .plain = true};

/* [obj]'s slot in [m]: its own, or the free one where it would go. */
static path_slot *memo_slot(path_memo *m, const void *obj) {
  uint32_t mask = PATH_MEMO_SLOTS - 1;
  uint64_t k = (uint64_t)(uintptr_t)obj * 0x9E3779B97F4A7C15u;
  for (uint32_t i = (uint32_t)(k >> 40) & mask;; i = (i + 1) & mask)
    if (m->slot[i].obj == obj || !m->slot[i].obj)
      return &m->slot[i];
}

/* The entry a fact_slot keys [f] by: a size() has none. */
static uint32_t fact_entry(const fact_ref *f) {
  return f->kind == FR_READ ? f->entry : 0;
}

/* The slot of the READ or SIZE fact [f] in [m]: its own, or the free
 * one where it would go. */
static fact_slot *memo_fact(path_memo *m, const fact_ref *f) {
  uint32_t mask = PATH_MEMO_FACTS - 1, entry = fact_entry(f);
  uint64_t k = ((uint64_t)(uintptr_t)f->obj + entry * 2u + f->kind) *
               0x9E3779B97F4A7C15u;
  for (uint32_t i = (uint32_t)(k >> 40) & mask;; i = (i + 1) & mask) {
    fact_slot *s = &m->fact[i];
    if (!s->obj ||
        (s->obj == f->obj && s->entry == entry && s->kind == f->kind))
      return s;
  }
}

/* Resolve [f] as the fact in [s], named before: true; or, when [s] is
 * free, false, and the fact is to be named. */
static bool memo_fact_get(const fact_slot *s, fact_ref *f) {
  if (!s->obj)
    return false;
  f->path = s->path;
  f->path_plain = s->path_plain;
  f->evidence = s->evidence;
  f->ev_off = s->ev_off;
  if (s->evidence)
    f->ev_len = s->ev_len;
  f->assumed = s->assumed;
  f->resolved = true;
  return true;
}

/* Remember the fact [f], named just now, in the free slot [s]. */
static void memo_fact_put(path_memo *m, fact_slot *s, const fact_ref *f) {
  if (m->nfacts >= PATH_MEMO_FACTS / 4 * 3)
    return;
  m->nfacts++;
  *s = (fact_slot){f->obj,    f->path,   f->evidence, fact_entry(f),
                   f->ev_off, f->ev_len, f->kind,     f->assumed,
                   f->path_plain};
}

/* The $evidence entry of the path [p]/[n] (its hash [h]), or NULL. */
static const str *cited_at(const map *ev, const char *p, size_t n,
                           uint32_t h) {
  const val *e = ev ? map_get_str(ev, p, n, h) : NULL;
  return e && e->kind == V_STRING ? e->as.s : NULL;
}

/* The slot of [up]'s child container [obj], whose path is in [b] from
 * [base]; the step to it from [from]. Its text is set by the caller
 * once the fact's path has its place. */
static path_slot *memo_add(path_memo *m, const vendor_result *vr,
                           const path_slot *up, const void *obj,
                           const sbuf *b, size_t base, size_t from,
                           bool plain) {
  path_slot *s = memo_slot(m, obj);
  m->n++;
  s->obj = obj;
  s->plain = up->plain && plain;
  s->len = (uint32_t)(b->len - base);
  s->hash = val_hash_continue(up->hash, b->p + from, b->len - from);
  s->depth = up->depth + 1;
  s->ev = cited_at(vr->evidence, b->p + base, s->len, s->hash);
  s->ev_len = s->len;
  if (!s->ev) { /* the nearest ancestor's, as find_evidence looks */
    s->ev = up->ev;
    s->ev_len = up->ev_len;
  }
  return s;
}

/* Append the path of [obj] (a container, or NULL) to [b], as
 * container_path does, and return its slot: the nearest remembered
 * ancestor's text, then the steps below it, each container new to [m]
 * added, its slot in *[made] (*[nmade] of them). NULL when [m] has
 * no room or the path is deeper than container_path goes: then
 * report_resolve does it all. */
static const path_slot *memo_path(path_memo *m, const vendor_result *vr,
                                  sbuf *b, const void *obj, int okind,
                                  path_slot **made, int *nmade) {
  const void *chain[PATH_DEPTH_MAX];
  int kinds[PATH_DEPTH_MAX], n = 0;
  const path_slot *up = &memo_root;
  while (obj && !is_root(obj, okind)) {
    const path_slot *s = memo_slot(m, obj);
    if (s->obj) {
      up = s;
      break;
    }
    if (n == PATH_DEPTH_MAX)
      return NULL;
    chain[n] = obj;
    kinds[n++] = okind;
    const origin *o = origin_of(obj, okind);
    okind = o->kind == ORIGIN_MAP ? V_MAP : V_LIST;
    obj = o->parent;
  }
  if (up->depth + (uint32_t)n > PATH_DEPTH_MAX ||
      m->n + (uint32_t)n > PATH_MEMO_SLOTS / 4 * 3)
    return NULL;
  size_t base = b->len;
  sb_put(b, up->text, up->len);
  while (n-- > 0) {
    const origin *o = origin_of(chain[n], kinds[n]);
    int pkind = o->kind == ORIGIN_MAP ? V_MAP : V_LIST;
    size_t from = b->len;
    bool plain = entry_step(b, o->parent, pkind, o->entry,
                            is_root(o->parent, pkind));
    path_slot *s = memo_add(m, vr, up, chain[n], b, base, from, plain);
    made[(*nmade)++] = s;
    up = s;
  }
  return up;
}

/* The citation of [f], whose path is [b]'s text ([len] bytes, without
 * "size(" and ")"), in its container [c]: the path's own entry, else the
 * container's (c's), as find_evidence looks from the end. */
static void memo_cite(const vendor_result *vr, fact_ref *f,
                      const path_slot *c, const char *p, size_t len) {
  const str *ev = NULL;
  if (f->kind != FR_SIZE) { /* the last step after c's text */
    uint32_t h = val_hash_continue(c->hash, p + c->len, len - c->len);
    ev = cited_at(vr->evidence, p, len, h);
  }
  f->evidence = ev ? ev : c->ev;
  if (f->evidence)
    f->ev_len = ev ? (uint32_t)len : c->ev_len;
}

bool report_resolve_memo(const report *r, const vendor_result *vr,
                         fact_ref *f, path_memo *m) {
  if (f->resolved)
    return true;
  if (m->vr != vr || (f->kind == FR_MISSING && f->nsuffix))
    return report_resolve(r, vr, f); /* suffixes: rare, not remembered */
  fact_slot *fs = NULL; /* read by an earlier rule? */
  if ((f->kind == FR_READ || f->kind == FR_SIZE) && f->obj &&
      memo_fact_get(fs = memo_fact(m, f), f))
    return true;
  report *w = (report *)r; /* the caches are filled on a const read */
  sbuf *b = &w->tmp;
  path_slot *made[PATH_DEPTH_MAX];
  int nmade = 0;
  sb_reset(b);
  uint32_t off = f->kind == FR_SIZE ? 5 : 0;
  sb_put(b, "size(", off);
  const path_slot *c = !f->obj ? &memo_root
                               : memo_path(m, vr, b, f->obj, f->okind,
                                           made, &nmade);
  if (!c)
    return report_resolve(r, vr, f);
  bool plain = true; /* the last step */
  if (f->kind == FR_SIZE)
    sb_putc(b, ')');
  else if (f->kind == FR_READ)
    plain = entry_step(b, f->obj, f->okind, f->entry, c == &memo_root);
  else
    plain = report_key_step(b, f->key, c == &memo_root);
  if (b->oom || !(f->path = arena_strndup(&w->a, b->p, b->len))) {
    m->vr = NULL; /* the new slots have no text: remember no more */
    return false;
  }
  f->path_plain = c->plain && plain; /* not before: no path, no mark */
  for (int i = 0; i < nmade; i++)
    made[i]->text = f->path + off;
  f->ev_off = off;
  size_t len = b->len - (off ? 6 : 0);
  if (f->kind == FR_MISSING)
    f->withheld = is_listed(vr, false, b->p, len);
  else
    f->assumed = is_listed(vr, true, b->p + off, len);
  if ((f->kind != FR_MISSING || f->withheld) && !f->assumed)
    memo_cite(vr, f, c, b->p + off, len);
  f->resolved = true;
  if (fs)
    memo_fact_put(m, fs, f);
  return true;
}

/* ==== the same place at the same site, from vendor to vendor ========= */

/* A stream's vendors are read at the same places: rule i's kth fact is
 * checksheet.items["3.2"].answer, subprocessors[1].purpose, for vendor
 * after vendor. So the report keeps, per site (rule, fact), the steps
 * of the place last seen there (a map key's bytes or value, or a list
 * index, from the root down), its path text and where each step ends
 * with the hash of the text up to there. A fact at that site whose
 * place has the same steps has that text; what belongs to the vendor
 * (the $evidence entry of the path or its nearest ancestor, the
 * $assumed mark) is looked up in its own maps, as report_resolve
 * does. Nothing kept points into a fact set. */
#define SITE_STEPS_MAX 16

typedef struct site_step {
  const char *bytes;  /* a string key's, in the sites' arena; else NULL */
  uint64_t value;     /* a scalar key's value, or a list index */
  uint32_t len;       /* a string key's length */
  uint8_t kind;       /* V_STRING, V_INT, V_UINT, V_BOOL; V_LIST: index */
} site_step;

typedef struct site_rec {
  const char *text;   /* the path, "size(...)" included */
  uint32_t len, nsteps, nends;
  uint8_t kind, okind; /* the fact's: FR_READ or FR_SIZE; V_MAP, V_LIST */
  bool plain;
  uint32_t missed;    /* facts at the site elsewhere, in a row */
  uint32_t *ends;     /* of each citable prefix, after the "size(" when
                         there is one; nends of them */
  uint32_t *hashes;   /* val_hash_bytes of those prefixes */
  site_step step[];   /* nsteps, root first */
} site_rec;

typedef struct fact_sites {
  arena a;            /* the records and their texts */
  site_rec **at;      /* per site; NULL: none seen */
  size_t n, known;    /* sites; records made since the last start */
  size_t resets, hits;
} fact_sites;

/* The step from [parent] (a [pkind] container) to its [entry], as a
 * site_step, with its key's bytes borrowed; false for a key printed
 * any other way (never: map keys are strings, ints, uints and bools). */
static bool step_of(const void *parent, int pkind, uint32_t entry,
                    site_step *st) {
  *st = (site_step){NULL, entry, 0, V_LIST};
  if (pkind != V_MAP)
    return true;
  val k = ((const map *)parent)->keys[entry];
  st->kind = k.kind;
  if (k.kind == V_STRING) {
    st->bytes = k.as.s->data;
    st->len = k.as.s->len;
    st->value = 0;
    return true;
  }
  st->value = k.kind == V_BOOL ? (uint64_t)k.as.b : k.as.u;
  return k.kind == V_INT || k.kind == V_UINT || k.kind == V_BOOL;
}

/* The steps from the root to [f] into [st], the last first (*[n] of
 * them); false when there are more than SITE_STEPS_MAX or a key is not
 * one site_step holds. */
static bool steps_up(const fact_ref *f, site_step *st, uint32_t *n) {
  const void *obj = f->obj;
  int okind = f->okind;
  *n = 0;
  if (f->kind == FR_READ && !step_of(obj, okind, f->entry, &st[(*n)++]))
    return false;
  while (!is_root(obj, okind)) {
    const origin *o = origin_of(obj, okind);
    int pkind = o->kind == ORIGIN_MAP ? V_MAP : V_LIST;
    if (*n == SITE_STEPS_MAX || !step_of(o->parent, pkind, o->entry,
                                         &st[(*n)++]))
      return false;
    obj = o->parent;
    okind = pkind;
  }
  return true;
}

/* Whether the step from [parent] (a [pkind] container) to [entry] is
 * [want]. */
static bool step_is(const void *parent, int pkind, uint32_t entry,
                    const site_step *want) {
  if (pkind != V_MAP)
    return want->kind == V_LIST && want->value == entry;
  val k = ((const map *)parent)->keys[entry];
  if (k.kind != V_STRING)
    return want->kind == k.kind &&
           want->value == (k.kind == V_BOOL ? (uint64_t)k.as.b : k.as.u);
  return want->kind == V_STRING && want->len == k.as.s->len &&
         val_bytes_eq(want->bytes, k.as.s->data, want->len);
}

/* Whether [f] is at the place [s] was made for: the same steps, from
 * the fact up to a root. */
static bool site_matches(const site_rec *s, const fact_ref *f) {
  const void *obj = f->obj;
  int okind = f->okind;
  uint32_t n = s->nsteps;
  if (s->kind != f->kind || s->okind != okind ||
      (f->kind == FR_READ &&
       (!n || !step_is(obj, okind, f->entry, &s->step[--n]))))
    return false;
  while (!is_root(obj, okind)) {
    const origin *o = origin_of(obj, okind);
    int pkind = o->kind == ORIGIN_MAP ? V_MAP : V_LIST;
    if (!n || !step_is(o->parent, pkind, o->entry, &s->step[--n]))
      return false;
    obj = o->parent;
    okind = pkind;
  }
  return n == 0;
}

static fact_sites *sites_of(const report *r) {
  report *w = (report *)r; /* a cache filled on a const read */
  fact_sites *fs = w->sites;
  if (fs)
    return fs;
  size_t n = (size_t)r->pol->nrules * REPORT_SITES_PER_RULE;
  fs = mem_calloc(&w->a.m, 1, sizeof *fs);
  site_rec **at = fs ? mem_calloc(&w->a.m, n + 1, sizeof *at) : NULL;
  if (!at) {
    mem_free(&w->a.m, fs);
    return NULL;
  }
  arena_init(&fs->a, 0, &w->a.m);
  fs->at = at;
  fs->n = n;
  return w->sites = fs;
}

/* Keep [f] (named just now) as the place of [site]: its steps, its
 * text and the ends of its citable prefixes as report_resolve finds
 * them (ref_path). Nothing when it does not fit. */
static void site_learn(const report *r, uint32_t site, const fact_ref *f) {
  fact_sites *fs = sites_of(r);
  site_step st[SITE_STEPS_MAX];
  uint32_t n;
  if (!fs || site >= fs->n || !steps_up(f, st, &n))
    return;
  if (fs->a.used > REPORT_SITES_BYTES) { /* nothing else points into it */
    arena_reset(&fs->a);
    memset(fs->at, 0, fs->n * sizeof *fs->at);
    fs->known = 0;
    fs->resets++;
  }
  sbuf *b = &((report *)r)->tmp;
  size_t ends[PATH_DEPTH_MAX + 64];
  int nends = 0;
  sb_reset(b);
  ref_path(b, f, ends, &nends);
  if (b->oom || nends > SITE_STEPS_MAX)
    return;
  site_rec *s = arena_alloc(&fs->a, sizeof *s + n * sizeof *s->step);
  uint32_t *e = arena_alloc(&fs->a, 2 * ((size_t)nends + 1) * sizeof *e);
  if (!s || !e ||
      !(s->text = arena_strndup(&fs->a, f->path, strlen(f->path))))
    return;
  s->ends = e;
  s->hashes = e + nends + 1;
  s->len = (uint32_t)strlen(f->path);
  s->nsteps = n;
  s->kind = f->kind;
  s->okind = f->okind;
  s->plain = f->path_plain;
  s->missed = 0;
  const char *p = f->path + f->ev_off;
  uint32_t h = val_hash_bytes(p, 0);
  size_t at = 0;
  for (int i = 0; i < nends; i++) {
    h = val_hash_continue(h, p + at, ends[i] - at);
    s->ends[i] = (uint32_t)ends[i];
    s->hashes[i] = h;
    at = ends[i];
  }
  s->nends = (uint32_t)nends;
  for (uint32_t i = 0; i < n; i++) {
    site_step *d = &s->step[n - 1 - i];
    *d = st[i];
    if (d->len && !(d->bytes = arena_strndup(&fs->a, st[i].bytes, st[i].len)))
      return;
  }
  fs->known += !fs->at[site];
  fs->at[site] = s;
}

/* Name [f] as the place [s] names: its text, the vendor's marks. */
static bool site_name(const report *r, const vendor_result *vr,
                      const site_rec *s, fact_ref *f) {
  report *w = (report *)r;
  if (!(f->path = arena_strndup(&w->a, s->text, s->len)))
    return false;
  f->path_plain = s->plain;
  f->ev_off = f->kind == FR_SIZE ? 5 : 0; /* past "size(" */
  size_t len = s->len - (f->kind == FR_SIZE ? 6 : 0);
  const char *p = f->path + f->ev_off;
  f->assumed = is_listed(vr, true, p, len);
  f->evidence = NULL;
  for (uint32_t i = s->nends; !f->assumed && vr->evidence && i-- > 0;) {
    const str *e = cited_at(vr->evidence, p, s->ends[i], s->hashes[i]);
    if (e) { /* the path's own, else the nearest ancestor's */
      f->evidence = e;
      f->ev_len = s->ends[i];
      break;
    }
  }
  f->resolved = true;
  return true;
}

bool report_resolve_site(const report *r, const vendor_result *vr,
                         fact_ref *f, path_memo *m, uint32_t site) {
  if (f->resolved)
    return true;
  if (site == REPORT_NO_SITE || m->vr != vr || !f->obj ||
      (f->kind != FR_READ && f->kind != FR_SIZE))
    return report_resolve_memo(r, vr, f, m);
  fact_slot *slot = memo_fact(m, f); /* read by an earlier rule? */
  if (memo_fact_get(slot, f))
    return true;
  const fact_sites *fs = r->sites;
  site_rec *s = fs && site < fs->n ? fs->at[site] : NULL;
  if (s && site_matches(s, f)) {
    s->missed = 0;
    ((fact_sites *)fs)->hits++;
    if (!site_name(r, vr, s, f))
      return false;
    memo_fact_put(m, slot, f);
    return true;
  }
  if (!report_resolve_memo(r, vr, f, m))
    return false;
  if (!s || ++s->missed >= 2) /* not one vendor's odd place: a new one */
    site_learn(r, site, f);
  return true;
}

void report_sites_free(report *r) {
  fact_sites *fs = r->sites;
  if (!fs)
    return;
  arena_free(&fs->a);
  mem_free(&r->a.m, fs->at);
  mem_free(&r->a.m, fs);
  r->sites = NULL;
}

void report_sites_info(const report *r, size_t *known, size_t *bytes,
                       size_t *resets, size_t *hits) {
  const fact_sites *fs = r->sites;
  *hits = fs ? fs->hits : 0;
  *known = fs ? fs->known : 0;
  *bytes = fs ? fs->a.used : 0;
  *resets = fs ? fs->resets : 0;
}

/* Copy the strings of [vr] that point into its fact set. */
static bool detach_vendor(report *r, vendor_result *vr) {
  const char **s[] = {&vr->name, &vr->service, &vr->document, &vr->version,
                      &vr->date};
  for (size_t i = 0; i < POL_COUNTOF(s); i++)
    if (*s[i] && !(*s[i] = arena_strndup(&r->a, *s[i], strlen(*s[i]))))
      return false;
  if (vr->assumed) { /* the reports show it */
    val a = val_deepcopy(&r->a, (val){.kind = V_LIST, .as.l = (list *)
                                                          vr->assumed});
    if (a.kind == V_ERROR)
      return false;
    vr->assumed = a.as.l;
  }
  vr->vars = NULL;
  vr->evidence = NULL;
  vr->withheld = NULL;
  vr->withheld_ix = NULL; /* (assumed_ix holds indices: it fits the copy) */
  return true;
}

static bool detach_ref(report *r, const vendor_result *vr, fact_ref *f) {
  if (!report_resolve(r, vr, f))
    return false;
  if (f->evidence) {
    val e = val_deepcopy(&r->a, val_from_str(V_STRING, (str *)f->evidence));
    if (e.kind == V_ERROR)
      return false;
    f->evidence = e.as.s;
  }
  if (f->kind == FR_READ && !f->detached) {
    f->value = val_deepcopy(&r->a, report_value(f));
    f->detached = true;
    f->obj = NULL;
    if (f->value.kind == V_ERROR)
      return false;
  }
  f->obj = NULL;
  return true;
}

/* The residuals of [vr]'s UNKNOWN rules, worked out now, with their
 * citations copied. */
static bool detach_unknowns(report *r, vendor_result *vr) {
  if (!report_unknowns(r, vr))
    return false;
  for (uint32_t i = 0; i < r->pol->nrules; i++) {
    rule_unknown *u = vr->unknowns ? vr->unknowns[i] : NULL;
    for (uint32_t k = 0; u && u->status == POL_OK && k < u->r.nfacts; k++)
      if (!detach_ref(r, vr, &u->facts[k]))
        return false;
  }
  return true;
}

bool report_detach(report *r) {
  for (uint32_t j = 0; j < r->nvendors; j++) {
    vendor_result *vr = &r->vendors[j];
    if (!vr->vars)
      continue; /* detached before */
    if (!detach_unknowns(r, vr))
      return false;
    for (uint32_t i = 0; i < r->pol->nrules; i++) {
      rule_result *rr = &vr->rules[i];
      for (uint32_t k = 0; k < rr->nused + rr->nmissing; k++)
        if (!detach_ref(r, vr, &r->refs[rr->refs + k]))
          return false;
      if (rr->msg_vals && !report_message(r, vr, i))
        return false; /* the text now; its values may be facts */
      rr->msg_vals = NULL;
    }
    if (!detach_vendor(r, vr))
      return false;
  }
  return true;
}
