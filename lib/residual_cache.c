/*
 * residual_cache.c: the residuals of UNKNOWN rules remembered from one
 * vendor to the next (residual.h), in the residual context a report owns
 * (so one per thread, never shared).
 *
 * Why a residual can be reused: residual_rule_work runs pieces of the
 * rule's trees (lets inlined) against the fact set, and a piece reads
 * the fact set only through the names in it (x in x.y, s in
 * subprocessors.all(s, ...), every name taken as a root to be safe). So
 * two fact sets that have the same values under every name of the
 * rule's trees, kind for kind, byte for byte, item for item in the same
 * order, give the same residual. The key is exactly that: the rule and
 * those values, encoded (encode). Not remembered: a rule whose trees
 * call now() (the clock, when no as-of date is set) or a host function
 * (the host's, which need not be a function of its arguments), and a
 * key over RESIDUAL_CACHE_KEY_MAX bytes (a rule over a whole check
 * sheet: encoding it costs about what working it out saves).
 *
 * Vendors of one stream are often alike where they are UNKNOWN (a root
 * absent altogether): 500 generated vendors give about 6 UNKNOWN rules
 * each, and a residual costs some 5,000 instructions to work out.
 * What depends on the vendor beyond those values (its $withheld and
 * $evidence: report_residual.c's mark) is done for each vendor after.
 */
#include "residual.h"

#include <string.h>

#include "host.h"

/* What the cache knows of one rule: the names its trees read. */
typedef struct rc_rule {
  const char **names;
  uint32_t *hashes;  /* val_hash_bytes of each name */
  uint32_t *lens;
  uint32_t n;
  uint32_t tries, hits; /* keys looked up, and found */
  int8_t state;      /* 0: not looked at yet; 1: remembered; -1: never */
} rc_rule;

/* A rule whose keys are found less than once in RC_GIVE_UP_RATIO tries,
 * after RC_GIVE_UP_AFTER, is worked out every time from then on (until
 * the cache starts again): its facts differ from vendor to vendor (a
 * list of subprocessors), and making its key would cost more than the
 * few hits save. */
#define RC_GIVE_UP_AFTER 16
#define RC_GIVE_UP_RATIO 4

/* One residual remembered: rule [rule] over the values [key]. */
typedef struct rc_entry {
  const uint8_t *key; /* NULL: a free slot */
  uint32_t len, hash, rule;
  int status;
  residual r;         /* its strings in the cache's arena */
} rc_entry;

typedef struct residual_cache {
  const policy *pol;  /* whose rules these are */
  arena a;            /* names, keys and texts; reset when full */
  rc_rule *rules;     /* per rule, in [a]; NULL after a reset */
  rc_entry slot[RESIDUAL_CACHE_SLOTS];
  size_t n;
  sbuf key;           /* the key being made */
  uint64_t hits, misses, resets;
} residual_cache;

/* Most names a rule may read and still be remembered. */
#define RC_NAMES_MAX 32
/* The trees are at most this deep (residual_text.c keeps deeper ones
 * whole, and so does this walk: never). */
#define RC_DEPTH_MAX (POL_MAX_PARSE_DEPTH * 2 + 8)

/* ==== the names a rule reads ============================================ */

typedef struct names {
  const char *v[RC_NAMES_MAX];
  uint32_t n;
  bool never;
} names;

static void add_name(names *s, const char *name) {
  for (uint32_t i = 0; i < s->n; i++)
    if (strcmp(s->v[i], name) == 0)
      return;
  if (s->n == RC_NAMES_MAX)
    s->never = true;
  else
    s->v[s->n++] = name;
}

/* Whether the call [n] may answer differently for the same arguments:
 * now() and any host function, by its name or its namespace. */
static bool impure_call(const ast *n, const struct host_registry *h) {
  if (!(n->flags & AST_F_RECEIVER) && strcmp(n->name, "now") == 0)
    return true;
  if (host_find(h, n->name))
    return true;
  return (n->flags & AST_F_RECEIVER) && n->nkids &&
         n->kids[0]->kind == AST_IDENT && host_namespace(h, n->kids[0]->name);
}

static void walk(names *s, const ast *n, const struct host_registry *h,
                 int depth) {
  if (!n || s->never)
    return;
  if (depth > RC_DEPTH_MAX) {
    s->never = true;
    return;
  }
  if (n->kind == AST_IDENT)
    add_name(s, n->name);
  else if (n->kind == AST_CALL && impure_call(n, h))
    s->never = true;
  for (uint32_t i = 0; i < n->nkids; i++)
    walk(s, n->kids[i], h, depth + 1);
}

/* Look rule [i] over, once its trees are made (both, when it has a
 * `when`): its names, or never. */
static void look(residual_cache *rc, const residual_ctx *c, const policy *p,
                 uint32_t i) {
  rc_rule *r = &rc->rules[i];
  names s = {.n = 0};
  if (!c->req_t[i] || (p->rules[i].when >= 0 && !c->when_t[i]))
    return; /* not yet */
  walk(&s, c->when_t[i], p->hosts, 0);
  walk(&s, c->req_t[i], p->hosts, 0);
  r->state = -1;
  if (s.never)
    return;
  r->names = arena_alloc(&rc->a, (s.n + 1) * sizeof *r->names);
  r->hashes = arena_alloc(&rc->a, (s.n + 1) * sizeof *r->hashes);
  r->lens = arena_alloc(&rc->a, (s.n + 1) * sizeof *r->lens);
  if (!r->names || !r->hashes || !r->lens)
    return;
  for (uint32_t k = 0; k < s.n; k++) {
    r->names[k] = s.v[k]; /* in the kept trees, which outlive this */
    r->lens[k] = (uint32_t)strlen(s.v[k]);
    r->hashes[k] = val_hash_bytes(s.v[k], r->lens[k]);
  }
  r->n = s.n;
  r->state = 1;
}

/* ==== the key ============================================================ */

/* Room for [n] more bytes of key at the end of [k]: where they go, or
 * NULL (out of memory, or past the key's limit). One check per value,
 * not one per byte. */
static inline char *room(sbuf *k, size_t n) {
  if (k->len + n > RESIDUAL_CACHE_KEY_MAX ||
      ((k->oom || n >= k->cap - k->len) && !sb_reserve(k, n)))
    return NULL;
  char *d = k->p + k->len;
  k->len += n;
  return d;
}

/* A scalar's kind and bytes into [k]: 13 bytes. */
static inline bool scalar(sbuf *k, val v) {
  char *d = room(k, 13);
  if (!d)
    return false;
  uint32_t aux = (uint32_t)v.aux;
  d[0] = (char)v.kind;
  memcpy(d + 1, &v.as.u, 8);
  memcpy(d + 9, &aux, 4);
  return true;
}

/* A string's kind, length and bytes into [k]. */
static inline bool text_bytes(sbuf *k, val v) {
  uint32_t n = v.as.s->len;
  char *d = room(k, 5 + (size_t)n);
  if (!d)
    return false;
  d[0] = (char)v.kind;
  memcpy(d + 1, &n, 4);
  memcpy(d + 5, v.as.s->data, n);
  return true;
}

/* A container's kind, size and fact-set origin kind into [k]. */
static bool head(sbuf *k, val v, uint32_t n, uint8_t okind) {
  char *d = room(k, 6);
  if (!d)
    return false;
  d[0] = (char)v.kind;
  memcpy(d + 1, &n, 4);
  d[5] = (char)okind;
  return true;
}

/* [v] into the key [k], exactly: its kind, then its bytes (a double's
 * bits: 0.0 and -0.0 differ), a container's fact-set origin kind, its
 * items in order. false for what a fact set does not hold (an error, an
 * optional) and past the key's limit. */
static bool encode(sbuf *k, val v, int depth) {
  if (depth > POL_MAX_JSON_DEPTH + 8)
    return false;
  switch (v.kind) {
  case V_NULL: case V_BOOL: case V_INT: case V_UINT: case V_DOUBLE:
  case V_DURATION: case V_TIMESTAMP: case V_TYPE:
    if (v.kind <= V_BOOL || v.kind == V_TYPE) /* the rest is not set */
      v.as.u = v.kind == V_BOOL ? v.as.b : 0;
    if (v.kind != V_DURATION && v.kind != V_TIMESTAMP && v.kind != V_TYPE)
      v.aux = 0;
    return scalar(k, v);
  case V_STRING: case V_BYTES: return text_bytes(k, v);
  case V_LIST:
    if (!head(k, v, v.as.l->n, v.as.l->o.kind))
      return false;
    for (uint32_t i = 0; i < v.as.l->n; i++)
      if (!encode(k, v.as.l->items[i], depth + 1))
        return false;
    return true;
  case V_MAP:
    if (!head(k, v, v.as.m->n, v.as.m->o.kind))
      return false;
    for (uint32_t i = 0; i < v.as.m->n; i++)
      if (!encode(k, v.as.m->keys[i], depth + 1) ||
          !encode(k, v.as.m->vals[i], depth + 1))
        return false;
    return true;
  default: return false;
  }
}

/* The hash of a key: eight bytes a step (FNV's byte a step cost a third
 * of what the cache saved). */
static uint32_t key_hash(const char *p, size_t n) {
  const uint64_t mul = 0x9E3779B97F4A7C15u;
  uint64_t h = n * mul, x;
  for (; n >= 8; p += 8, n -= 8) {
    memcpy(&x, p, 8);
    h = (h ^ x) * mul;
    h ^= h >> 29;
  }
  x = 0;
  memcpy(&x, p, n);
  h = (h ^ x) * mul;
  return (uint32_t)(h >> 32);
}

/* The key of rule [i] ([r]) over [vars] into rc->key: the values under
 * its names, 0xFF for a name [vars] does not have. */
static bool make_key(residual_cache *rc, const rc_rule *r, uint32_t i,
                     const map *vars) {
  sbuf *k = &rc->key;
  char *d;
  sb_reset(k);
  if (!(d = room(k, 4)))
    return false;
  memcpy(d, &i, 4);
  for (uint32_t j = 0; j < r->n; j++) {
    const val *v = vars ? map_get_str(vars, r->names[j], r->lens[j],
                                      r->hashes[j])
                        : NULL;
    if (!v && (d = room(k, 1)) != NULL)
      *d = (char)0xFF;
    else if (!v || !encode(k, *v, 0))
      return false;
  }
  return !k->oom;
}

/* ==== the table ========================================================== */

/* The slot of the key in rc->key ([h] its hash): its own, or the free
 * one where it would go. */
static rc_entry *find(residual_cache *rc, uint32_t i, uint32_t h) {
  const sbuf *k = &rc->key;
  uint32_t mask = RESIDUAL_CACHE_SLOTS - 1;
  for (uint32_t s = h & mask;; s = (s + 1) & mask) {
    rc_entry *e = &rc->slot[s];
    if (!e->key || (e->hash == h && e->rule == i && e->len == k->len &&
                    memcmp(e->key, k->p, k->len) == 0))
      return e;
  }
}

/* Empty the cache for [p]: past its bounds, or a policy of its own. */
static bool start_again(residual_cache *rc, const policy *p) {
  if (rc->pol || rc->n)
    rc->resets++;
  arena_reset(&rc->a);
  memset(rc->slot, 0, sizeof rc->slot);
  rc->n = 0;
  rc->pol = p;
  rc->rules = arena_zalloc(&rc->a, (p->nrules + 1) * sizeof *rc->rules);
  return rc->rules != NULL;
}

static residual_cache *cache_of(residual_ctx *c, const policy *p) {
  residual_cache *rc = c->cache;
  if (!rc) {
    rc = c->cache = mem_calloc(&c->a.m, 1, sizeof *rc);
    if (!rc)
      return NULL;
    arena_init(&rc->a, 0, &c->a.m);
    sb_init(&rc->key, &c->a.m);
  }
  if ((rc->pol != p || !rc->rules) && !start_again(rc, p))
    return NULL;
  return rc;
}

/* ==== copying residuals in and out ======================================= */

static const char *dup(arena *a, const char *s, bool *ok) {
  if (!s)
    return NULL;
  const char *d = arena_strndup(a, s, strlen(s));
  *ok &= d != NULL;
  return d;
}

/* [from] into [to], its strings and facts copied into [a]; false when
 * memory ran out. */
static bool copy_residual(arena *a, const residual *from, residual *to) {
  bool ok = true;
  *to = *from;
  to->applies_if = dup(a, from->applies_if, &ok);
  to->passes_if = dup(a, from->passes_if, &ok);
  if (from->passes == from->applies_if) /* the one text, as made */
    to->passes = to->applies_if;
  else if (from->passes == from->passes_if)
    to->passes = to->passes_if;
  else
    to->passes = dup(a, from->passes, &ok);
  if (!from->nfacts)
    return ok;
  residual_fact *f = arena_alloc(a, (from->nfacts + 1) * sizeof *f);
  if (!f)
    return false;
  for (uint32_t k = 0; k < from->nfacts; k++) {
    const residual_fact *g = &from->facts[k];
    uint32_t *ends = arena_alloc(a, (g->nends + 1) * sizeof *ends);
    if (!ends)
      return false;
    if (g->nends)
      memcpy(ends, g->ends, g->nends * sizeof *ends);
    f[k] = (residual_fact){dup(a, g->path, &ok), ends, g->nends};
  }
  to->facts = f;
  return ok;
}

/* Remember [out] (status [rc]) in the free slot [e] for the key in
 * rc->key; nothing when it does not fit the bounds (the next call
 * starts again). */
static void remember(residual_cache *rc, rc_entry *e, uint32_t i,
                     uint32_t h, int status, const residual *out) {
  if (rc->n >= RESIDUAL_CACHE_ENTRIES || rc->a.used > RESIDUAL_CACHE_BYTES) {
    rc->rules = NULL; /* start again at the next call */
    return;
  }
  uint8_t *key = arena_alloc(&rc->a, rc->key.len);
  residual r;
  if (!key || !copy_residual(&rc->a, out, &r))
    return; /* the arena's bytes are lost until it starts again */
  memcpy(key, rc->key.p, rc->key.len);
  *e = (rc_entry){key, (uint32_t)rc->key.len, h, i, status, r};
  rc->n++;
}

int residual_rule(residual_ctx *c, const policy *p, uint32_t i,
                  const map *vars, arena *keep, residual *out) {
  residual_cache *rc = cache_of(c, p);
  rc_rule *r = rc ? &rc->rules[i] : NULL;
  if (r && r->state == 0 && c->pol == p)
    look(rc, c, p, i); /* the trees are made: what do they read? */
  if (!r || r->state != 1 || c->pol != p)
    return residual_rule_work(c, p, i, vars, keep, out);
  if (!make_key(rc, r, i, vars)) {
    r->state = rc->key.oom ? 1 : -1; /* too long: so will the next be */
    return residual_rule_work(c, p, i, vars, keep, out);
  }
  uint32_t h = key_hash(rc->key.p, rc->key.len);
  rc_entry *e = find(rc, i, h);
  r->tries++;
  if (e->key) {
    r->hits++;
    rc->hits++;
    memset(out, 0, sizeof *out);
    return copy_residual(keep, &e->r, out) ? e->status : POL_ENOMEM;
  }
  rc->misses++;
  if (r->tries >= RC_GIVE_UP_AFTER && r->hits * RC_GIVE_UP_RATIO < r->tries)
    r->state = -1;
  int status = residual_rule_work(c, p, i, vars, keep, out);
  if (status != POL_ENOMEM)
    remember(rc, e, i, h, status, out);
  return status;
}

residual_cache_stats residual_cache_info(const residual_ctx *c) {
  residual_cache_stats s = {0, 0, 0, 0, 0};
  const residual_cache *rc = c->cache;
  if (rc)
    s = (residual_cache_stats){rc->n, rc->a.used, rc->hits, rc->misses,
                               rc->resets};
  return s;
}

void residual_cache_free(residual_ctx *c) {
  residual_cache *rc = c->cache;
  if (!rc)
    return;
  arena_free(&rc->a);
  sb_free(&rc->key);
  mem_free(&c->a.m, rc);
  c->cache = NULL;
}
