/*
 * report.c: evaluating a policy against vendors (report.h).
 *
 * For each rule the VM runs `when` and `require` with tracing on; the
 * trace says which entries of which fact containers the run read, which
 * keys it found missing, and which item decided a quantifier. The
 * verdict follows docs/policies.md: a false `when` is SKIPPED, a result
 * that is a missing fact is UNKNOWN, any other error (or a non-bool) is
 * ERROR.
 *
 * The trace becomes the rule's facts without copying a value or writing
 * a path: a read whose value is a container that the run read further
 * into is a step on the way, not a fact used (`controls` on the way to
 * controls["3.2"].status), so only the leaves stay; a missing key that
 * the run kept selecting from stays as the whole path it tried.
 */
#include "report.h"

#include <stdlib.h>
#include "pol.h"
#include <string.h>

const char *verdict_name(verdict v) {
  static const char *const names[] = {"PASS", "FAIL", "UNKNOWN", "ERROR",
                                      "SKIPPED"};
  return (unsigned)v < 5 ? names[v] : "?";
}

static void meta_hashes(report *r);

void report_init(report *r, const policy *pol, unknown_mode unknown) {
  memset(r, 0, sizeof *r);
  r->pol = pol;
  r->unknown = unknown;
  arena_init(&r->a, 0, &pol->a.m); /* r->a.m: the policy's allocator */
  sb_init(&r->tmp, &pol->a.m);
  meta_hashes(r);
}

void report_reset(report *r) {
  r->nvendors = 0;
  r->nrefs = 0;
  r->oom = false;
  arena_reset(&r->a);
}

void report_free(report *r) {
  if (r->vocab)
    policy_free(r->vocab);
  report_residual_free(r);
  report_sites_free(r);
  mem_free(&r->a.m, r->vendors);
  mem_free(&r->a.m, r->refs);
  sb_free(&r->tmp);
  arena_free(&r->a);
  memset(r, 0, sizeof *r);
}

/* ==== the vendor's metadata ============================================== */

/* The keys metadata() looks up in every vendor's facts, hashed once per
 * report (report_init) rather than once per vendor. */
#define META(s) {s, sizeof s - 1}
static const struct {
  const char *s;
  size_t n;
} meta_names[REPORT_META_KEYS] = {
    META("$vendor"),   META("name"),      META("service"),
    META("document"),  META("version"),   META("date"),
    META("$evidence"), META("$withheld"), META("$assumed")};
#undef META
enum { MK_VENDOR, MK_NAME, MK_SERVICE, MK_DOCUMENT, MK_VERSION, MK_DATE,
       MK_EVIDENCE, MK_WITHHELD, MK_ASSUMED };

static void meta_hashes(report *r) {
  for (int i = 0; i < REPORT_META_KEYS; i++)
    r->meta_hash[i] = val_hash_bytes(meta_names[i].s, meta_names[i].n);
}

static const val *field(const report *r, const map *m, int key) {
  return m ? map_get_str(m, meta_names[key].s, meta_names[key].n,
                         r->meta_hash[key])
           : NULL;
}

/* A string member of [m] (it lives in the fact set), or NULL. */
static const char *text_field(const report *r, const map *m, int key) {
  const val *v = field(r, m, key);
  return v && v->kind == V_STRING ? v->as.s->data : NULL;
}

/* "dir/vendor.json" -> "vendor", copied into [a]. */
static const char *base_name(arena *a, const char *path) {
  const char *b = strrchr(path, '/');
  b = b ? b + 1 : path;
  size_t n = strlen(b);
  if (n > 5 && strcmp(b + n - 5, ".json") == 0)
    n -= 5;
  return arena_strndup(a, b, n);
}

static void metadata(report *r, vendor_result *vr, const map *vars,
                     const char *from) {
  const val *m = field(r, vars, MK_VENDOR);
  const map *vendor = m && m->kind == V_MAP ? m->as.m : NULL;
  vr->vars = vars;
  vr->source = arena_strndup(&r->a, from, strlen(from));
  vr->name = text_field(r, vendor, MK_NAME);
  if (!vr->name && vr->source)
    vr->name = base_name(&r->a, vr->source);
  vr->service = text_field(r, vendor, MK_SERVICE);
  vr->document = text_field(r, vendor, MK_DOCUMENT);
  vr->version = text_field(r, vendor, MK_VERSION);
  vr->date = text_field(r, vendor, MK_DATE);
  const val *e = field(r, vars, MK_EVIDENCE);
  vr->evidence = e && e->kind == V_MAP ? e->as.m : NULL;
  const val *w = field(r, vars, MK_WITHHELD);
  vr->withheld = w && w->kind == V_LIST ? w->as.l : NULL;
  const val *as = r->base ? field(r, vars, MK_ASSUMED) : NULL; /* what-if */
  vr->assumed = as && as->kind == V_LIST ? as->as.l : NULL;
  vr->withheld_ix = report_index_listed(&r->a, vr->withheld);
  vr->assumed_ix = report_index_listed(&r->a, vr->assumed);
}

/* ==== a set of places ==================================================== */

/* The trace is turned into facts with one small open-addressing set of
 * (pointer, number) pairs, sized for the trace at hand: containers seen
 * (number SEEN_OBJ), reads kept (the entry), missing chains extended
 * (the trace record's address, SEEN_EXT), the items that decided a
 * quantifier (decider_key). Linear in the trace. */
enum {
  SEEN_OBJ = UINT32_MAX,      /* read into (items, entries, size) */
  SEEN_EXT = UINT32_MAX - 1,  /* a missing chain that goes on */
  SEEN_WHOLE = UINT32_MAX - 2, /* used whole (==, +, a function) */
  SEEN_SIZE = UINT32_MAX - 3  /* its size() noted */
};

typedef seen_place place;

typedef struct seen_set {
  place *t;
  size_t mask;
  unsigned shift;  /* 64 - log2(slots): a hash's top bits are its slot */
  uint32_t gen;
} seen_set;

/* An empty set for [items] places. Emptying is a new generation, not a
 * memset: a set is made for every rule, and a rule with a long trace
 * would otherwise clear a large table for every small one after it. */
static bool seen_init(report *r, seen_set *s, size_t items) {
  report_scratch *sc = r->sc;
  size_t nb = 16, old = sc->cap_seen;
  unsigned bits = 4;
  for (; nb < 3 * items; bits++)
    nb *= 2;
  if (nb > old) {
    if (!mem_grow(&sc->m, &sc->seen, &sc->cap_seen, nb, sizeof(place)))
      return false;
    memset((place *)sc->seen + old, 0, (sc->cap_seen - old) * sizeof(place));
  }
  if (++sc->seen_gen == 0) { /* wrapped: stale marks could look current */
    memset(sc->seen, 0, sc->cap_seen * sizeof(place));
    sc->seen_gen = 1;
  }
  s->t = (place *)sc->seen;
  s->mask = nb - 1;
  s->shift = 64 - bits;
  s->gen = sc->seen_gen;
  return true;
}

static inline size_t seen_slot(const seen_set *s, const void *p, uint32_t n) {
  /* multiplicative hashing, top bits: the entries of one container are
   * consecutive numbers, which land far apart; linear probing would pile
   * them into one long run if they did not */
  uint64_t h = (uint64_t)(uintptr_t)p * 0x9e3779b97f4a7c15ull ^
               (uint64_t)n * 0xc2b2ae3d27d4eb4full;
  size_t i = (size_t)(h >> s->shift);
  while (s->t[i].gen == s->gen && (s->t[i].p != p || s->t[i].n != n))
    i = (i + 1) & s->mask;
  return i;
}

/* Add (p, n); false if it was there already. */
static inline bool seen_add(seen_set *s, const void *p, uint32_t n) {
  size_t i = seen_slot(s, p, n);
  if (s->t[i].gen == s->gen)
    return false;
  s->t[i] = (place){p, n, s->gen};
  return true;
}

static inline bool seen_has(const seen_set *s, const void *p, uint32_t n) {
  return s->t[seen_slot(s, p, n)].gen == s->gen;
}

/* ==== collecting the trace =============================================== */

/* Whether r->refs has room for one more fact (grown if need be). */
static bool ref_room(report *r) {
  if (r->nrefs < r->cap_refs ||
      mem_grow(&r->a.m, (void **)&r->refs, &r->cap_refs, r->nrefs + 1,
               sizeof *r->refs))
    return true;
  r->oom = true;
  return false;
}

static fact_ref *new_ref(report *r) {
  if (!ref_room(r))
    return NULL;
  fact_ref *f = &r->refs[r->nrefs++];
  memset(f, 0, sizeof *f);
  return f;
}

/* A container value (of a fact set) as a pointer, or NULL. */
static const void *container(val x) {
  return x.kind == V_MAP ? (const void *)x.as.m
         : x.kind == V_LIST ? (const void *)x.as.l : NULL;
}

/* A key for the report: a computed string key lives in the VM's arena,
 * which the next run reuses, so it is copied; a field name is a constant
 * of the program, which outlives the report. */
static val keep_key(report *r, val k, bool constant) {
  if (constant || (k.kind != V_STRING && k.kind != V_BYTES))
    return k;
  val c = val_deepcopy(&r->a, k);
  if (c.kind == V_ERROR)
    r->oom = true;
  return c;
}

/* What a rule's runs (`when`, `require`) noted, gathered before it is
 * turned into facts at the end of the rule: the trace records of its
 * runs, and the items that decided a quantifier. A run followed by
 * another has its records copied as they are (the computed keys of
 * presence tests copied out of the VM's arena, which the next run
 * reuses; the other records' keys are never read after their run); the
 * rule's last run, when it is the only one that noted anything (most
 * rules have no `when`), is read where the VM left it, which stays
 * until the next run, after the rule is finished. The reads, presence tests and sizes among the
 * records are the candidates (only the few kept become fact_refs).
 * Nothing is looked up while a run's trace is taken: one set at the end
 * of the rule does it all. */
typedef struct places {
  place *p;
  size_t n, cap;
} places;

typedef vm_trace cand;

typedef struct rule_places {
  places deciders;
  cand *c;            /* copies of the records of the rule's runs */
  size_t nc, cap_c;
  const cand *all;    /* the records of all its runs: c, or the VM's */
  size_t nall;
  size_t nwhole;      /* of them TR_WHOLE */
  size_t dropped;     /* facts its runs read past the trace's room for
                         reads (vm.reads_dropped): left out, counted */
} rule_places;

static void add_place(report *r, places *ps, const void *p, uint32_t n) {
  if (ps->n == ps->cap &&
      !mem_grow(&r->sc->m, (void **)&ps->p, &ps->cap, ps->n + 1,
                sizeof *ps->p)) {
    r->oom = true;
    return;
  }
  ps->p[ps->n++] = (place){p, n, 0};
}

static uint32_t items_of(const void *obj, int okind) {
  return okind == V_MAP ? ((const map *)obj)->n : ((const list *)obj)->n;
}

/* The kinds of record the loop of collect_reads acts on: a run that
 * noted none of them (vm.trace_kinds; mostly reads alone) skips it. */
#define LOOKED_AT                                                          \
  (1u << TR_ABSENT | 1u << TR_MISSING | 1u << TR_WHOLE | 1u << TR_DECIDED)

/* Keep the records of the last run (see rule_places); [last]: no other
 * run of the rule follows. Returns whether the run noted a missing fact
 * (then collect_missing has work). */
static bool collect_reads(report *r, const vm *v, rule_places *rp,
                          bool last) {
  bool missing = false;
  rp->dropped += v->reads_dropped;
  if (!v->ntrace)
    return false;
  cand *c = NULL; /* the copies, when the records are copied */
  if (last && !rp->nc) {
    rp->all = v->trace;
    rp->nall = v->ntrace;
  } else {
    if (!mem_grow(&r->sc->m, (void **)&rp->c, &rp->cap_c, rp->nc + v->ntrace,
                  sizeof *rp->c)) {
      r->oom = true;
      return false;
    }
    c = rp->c + rp->nc;
    memcpy(c, v->trace, v->ntrace * sizeof *c);
    rp->nc += v->ntrace;
    rp->all = rp->c;
    rp->nall = rp->nc;
  }
  if (!(v->trace_kinds & LOOKED_AT))
    return false; /* nothing below to do */
  for (size_t i = 0; i < v->ntrace; i++)
    switch (v->trace[i].what) {
    case TR_ABSENT:
      if (c) { /* copied now: it lives as long as the report */
        c[i].key = keep_key(r, c[i].key, c[i].const_key);
        c[i].const_key = true;
      }
      break;
    case TR_MISSING: missing = true; break;
    case TR_WHOLE: rp->nwhole++; break;
    case TR_DECIDED:
      add_place(r, &rp->deciders, v->trace[i].obj, v->trace[i].entry);
      break;
    default: break;
    }
  return missing;
}

/* Whether the record [c] says its container was read into: items,
 * entries, presence, size (not a use whole, nor a decision, nor a step
 * of a missing path, which name no container read). */
static bool reads_into(const cand *c) {
  return c->obj && c->what != TR_WHOLE && c->what != TR_DECIDED &&
         c->what != TR_DEEPER;
}

static val cand_value(const cand *c) {
  return c->okind == V_MAP ? ((const map *)c->obj)->vals[c->entry]
                           : ((const list *)c->obj)->items[c->entry];
}

/* The end of a rule: its records, and the set that answers for them.
 * The containers read into go into the set only when first needed (see
 * on_the_way); the containers used whole at once. */
typedef struct finish {
  seen_set s;
  const rule_places *rp;
  bool into;          /* the containers read into are in s */
  uint64_t steps;     /* places looked up by decided() */
} finish;

/* Note the containers of the rule's records in the set: those used
 * whole, and with [into] those read into. */
static void note_containers(finish *f, bool into) {
  const void *last = NULL; /* a loop reads one container over and over */
  for (size_t k = 0; k < f->rp->nall; k++) {
    const cand *c = &f->rp->all[k];
    if (c->what == TR_WHOLE)
      seen_add(&f->s, c->obj, SEEN_WHOLE);
    else if (into && c->obj != last && reads_into(c)) {
      seen_add(&f->s, c->obj, SEEN_OBJ);
      last = c->obj;
    }
  }
  f->into |= into;
}

/* Whether the read [k] of a container is a step on the way: the rule
 * read into the container (or took its size) and never used it whole.
 * Mostly the very next record reads into it (controls, then
 * controls["3.2"]), which says so without the set. */
static bool on_the_way(finish *f, size_t k) {
  const cand *c = &f->rp->all[k];
  const void *v = container(cand_value(c));
  if (!v)
    return false;
  bool next = k + 1 < f->rp->nall && f->rp->all[k + 1].obj == v &&
              reads_into(&f->rp->all[k + 1]);
  if (!next && !f->into)
    note_containers(f, true);
  if (!next && !seen_has(&f->s, v, SEEN_OBJ))
    return false;
  return !(f->rp->nwhole && seen_has(&f->s, v, SEEN_WHOLE));
}

/* Whether [c] repeats a fact noted before (in this run or an earlier one
 * of the rule). Whether a read is on the way depends on its place only,
 * so every repeat of a read on the way is on the way too: only the first
 * of the others is kept. */
static bool repeated(seen_set *s, const cand *c) {
  if (c->what == TR_READ)
    return !seen_add(s, c->obj, c->entry);
  return c->what == TR_SIZE && !seen_add(s, c->obj, SEEN_SIZE);
}

/* A fact of the report made from the candidate [c]. */
static void keep_cand(report *r, const cand *c, bool decided) {
  if (!ref_room(r))
    return;
  r->refs[r->nrefs++] = (fact_ref){
      .kind = c->what == TR_READ   ? FR_READ
              : c->what == TR_SIZE ? FR_SIZE
                                   : FR_ABSENT,
      .obj = c->obj,
      .okind = c->okind,
      .entry = c->entry,
      .key = c->what == TR_ABSENT ? keep_key(r, c->key, c->const_key)
                                  : val_null(), /* (once: collect_reads) */
      .decided = decided,
      .value = c->what == TR_SIZE ? val_int(items_of(c->obj, c->okind))
                                  : val_null()};
}

/* Whether the absent key [c] is one of the [n] the rule kept already
 * (indices into r->refs in [kept]): `has(backup)` tested twice, in one
 * run or in `when` and `require`, is one fact, not a line per test. An
 * absent key never decides, so at most REPORT_READS_MAX are kept and the
 * scan stays short; one left out over the cap is not remembered, so a
 * repeat of it counts again in `more`. */
static bool absent_kept(const report *r, const uint32_t *kept, size_t n,
                        const cand *c) {
  for (size_t i = 0; i < n; i++) {
    const fact_ref *f = &r->refs[kept[i]];
    if (f->obj == c->obj && val_equal(f->key, c->key))
      return true;
  }
  return false;
}

/* The key under which the set holds item [n] of the container [p] that
 * decided a quantifier: the container's address plus one. No container
 * or trace record is at an odd address, so these keys meet no other. */
static inline const void *decider_key(const void *p) {
  return (const char *)p + 1;
}

/* Put the rule's deciding items in the set. */
static void note_deciders(finish *f) {
  for (size_t i = 0; i < f->rp->deciders.n; i++)
    seen_add(&f->s, decider_key(f->rp->deciders.p[i].p),
             f->rp->deciders.p[i].n);
}

/* Whether the read [c] is, or is inside, an item that decided a
 * quantifier: its own place, then each container above it by the
 * origins, looked up in the set (a rule's deciders can be as many as
 * its reads: an exists inside an all over a long list). */
static bool decided(finish *f, const cand *c) {
  if (c->what != TR_READ || !f->rp->deciders.n)
    return false;
  f->steps++;
  if (seen_has(&f->s, decider_key(c->obj), c->entry))
    return true;
  const void *x = c->obj;
  int kind = c->okind;
  for (int depth = 0; x && depth <= POL_MAX_JSON_DEPTH; depth++) {
    const origin *o = kind == V_MAP ? &((const map *)x)->o
                                    : &((const list *)x)->o;
    if (o->kind != ORIGIN_MAP && o->kind != ORIGIN_LIST)
      return false;
    f->steps++;
    if (seen_has(&f->s, decider_key(o->parent), o->entry))
      return true;
    kind = o->kind == ORIGIN_MAP ? V_MAP : V_LIST;
    x = o->parent;
  }
  return false;
}

/* Turn the rule's candidates into its facts: drop the reads whose value
 * the rule read further into (steps on the way to a fact), and repeats
 * (in a run and across its runs); mark the deciding ones; keep those and
 * the first others up to the cap, in order. Returns how many were left
 * out over the cap. */
static uint32_t finish_reads(report *r, rule_places *rp) {
  finish f = {.rp = rp};
  size_t others = 0, more = 0, nabsent = 0;
  uint32_t absent[REPORT_READS_MAX];
  if (!seen_init(r, &f.s, 3 * rp->nall)) {
    r->oom = true;
    return 0;
  }
  if (rp->nwhole)
    note_containers(&f, false);
  note_deciders(&f);
  for (size_t k = 0; k < rp->nall; k++) {
    const cand *c = &rp->all[k];
    if ((c->what != TR_READ && c->what != TR_SIZE && c->what != TR_ABSENT) ||
        (c->what == TR_READ && on_the_way(&f, k)) || repeated(&f.s, c) ||
        (c->what == TR_ABSENT && absent_kept(r, absent, nabsent, c)))
      continue;
    bool d = decided(&f, c);
    if (!d && others++ >= REPORT_READS_MAX) {
      more++;
      continue;
    }
    size_t at = r->nrefs;
    keep_cand(r, c, d);
    if (c->what == TR_ABSENT && r->nrefs > at && nabsent < REPORT_READS_MAX)
      absent[nabsent++] = (uint32_t)at;
  }
  r->decider_steps += f.steps;
  more += rp->dropped;
  return more > UINT32_MAX ? UINT32_MAX : (uint32_t)more;
}

/* ==== missing facts ====================================================== */

/* The scratch list of a rule's missing facts, before they join r->refs
 * after its reads. */
typedef struct misses {
  fact_ref *f;
  size_t n, cap;
} misses;

/* The missing chain that ends at trace record [i] into [m]: the first
 * missing key and the keys selected below it. */
static void add_chain(report *r, const vm *v, size_t i, misses *m) {
  uint32_t depth = 0;
  size_t j = i;
  while (v->trace[j].what == TR_DEEPER && depth < 64) {
    j = v->trace[j].entry;
    depth++;
  }
  if (v->trace[j].what != TR_MISSING || m->n >= REPORT_MISSING_MAX)
    return;
  if (!mem_grow(&r->sc->m, (void **)&m->f, &m->cap, m->n + 1,
                sizeof *m->f)) {
    r->oom = true;
    return;
  }
  val *suffix = depth ? arena_alloc(&r->a, depth * sizeof *suffix) : NULL;
  if (depth && !suffix) {
    r->oom = true;
    return;
  }
  fact_ref *f = &m->f[m->n++];
  memset(f, 0, sizeof *f);
  f->kind = FR_MISSING;
  f->obj = v->trace[j].obj;
  f->okind = v->trace[j].okind;
  f->key = keep_key(r, v->trace[j].key, v->trace[j].const_key);
  f->suffix = suffix;
  f->nsuffix = depth;
  for (j = i; depth > 0; j = v->trace[j].entry)
    suffix[--depth] = keep_key(r, v->trace[j].key, v->trace[j].const_key);
}

/* The missing facts of the last run into [m]: each chain that the run
 * did not extend further. */
static void collect_missing(report *r, const vm *v, seen_set *s,
                            misses *m) {
  for (size_t i = 0; i < v->ntrace; i++) /* went deeper, or was only
                                             tested for presence */
    if (v->trace[i].what == TR_DEEPER || v->trace[i].what == TR_TESTED)
      seen_add(s, &v->trace[v->trace[i].entry], SEEN_EXT);
  for (size_t i = 0; i < v->ntrace; i++) {
    uint8_t w = v->trace[i].what;
    if ((w == TR_MISSING || w == TR_DEEPER) &&
        !seen_has(s, &v->trace[i], SEEN_EXT))
      add_chain(r, v, i, m);
  }
}

/* Whether the chain of [a] equals, or begins, the chain of [b]. */
static bool chain_prefix(const fact_ref *a, const fact_ref *b) {
  if (a->obj != b->obj || a->nsuffix > b->nsuffix ||
      !val_equal(a->key, b->key))
    return false;
  for (uint32_t i = 0; i < a->nsuffix; i++)
    if (!val_equal(a->suffix[i], b->suffix[i]))
      return false;
  return true;
}

/* Append the missing facts of [m] to r->refs, leaving out any that is
 * the same as another or on the way to it ("company" adds nothing to
 * "company.country"). Returns how many. */
static uint32_t add_missing(report *r, const misses *m) {
  uint32_t n = 0;
  for (size_t i = 0; i < m->n; i++) {
    bool dup = false;
    for (size_t j = 0; j < m->n && !dup; j++)
      dup = j != i && chain_prefix(&m->f[i], &m->f[j]) &&
            (m->f[i].nsuffix < m->f[j].nsuffix || j < i);
    fact_ref *f = dup ? NULL : new_ref(r);
    if (f) {
      *f = m->f[i];
      n++;
    }
  }
  return n;
}

/* ==== one rule =========================================================== */

/* The scratch of checking: what a rule's runs gathered. It belongs to
 * the report and is kept across vendors, so a warm check allocates
 * nothing. */
struct check_work {
  misses miss;
  rule_places places;
};

typedef struct rule_ctx {
  report *r;
  vm *v;
  const map *vars;
  misses *miss;
  rule_places *places;
  bool interrupted;
} rule_ctx;

static struct check_work *work(report_scratch *sc) {
  if (!sc->work)
    sc->work = mem_calloc(&sc->m, 1, sizeof *sc->work);
  return sc->work;
}

void report_scratch_init(report_scratch *sc, const mem *m) {
  memset(sc, 0, sizeof *sc);
  sc->m = *m;
}

void report_scratch_free(report_scratch *sc) {
  struct check_work *w = sc->work;
  if (w) {
    mem_free(&sc->m, w->miss.f);
    mem_free(&sc->m, w->places.deciders.p);
    mem_free(&sc->m, w->places.c);
    mem_free(&sc->m, w);
  }
  mem_free(&sc->m, sc->seen);
  memset(sc, 0, sizeof *sc);
}

/* Collect the trace of the run that just ended. */
static void take_trace(rule_ctx *c, bool last) {
  seen_set s;
  if (!collect_reads(c->r, c->v, c->places, last))
    return; /* noted no missing fact: no chain to follow */
  if (!seen_init(c->r, &s, c->v->ntrace)) {
    c->r->oom = true;
    return;
  }
  collect_missing(c->r, c->v, &s, c->miss);
}

/* "file:line:col: message" for an error value of the policy program. */
static const char *reason(report *r, const err *e) {
  const program *p = r->pol->prog;
  sbuf *b = &r->tmp;
  sb_reset(b);
  if (e->loc >= 0 && (uint32_t)e->loc < p->ncode) {
    const loc *l = &p->locs[e->loc];
    sb_printf(b, "%s:%u:%u: ", p->srcs[l->src].name, l->line, l->col);
  }
  vm_err_describe(b, e, p);
  const char *s = b->oom ? NULL : arena_strndup(&r->a, b->p, b->len);
  r->oom |= !s; /* the check fails: never an ERROR without its reason */
  return s;
}

/* "'when' gave a string, not a bool", at the expression's start. */
static const char *not_bool(report *r, uint32_t entry, val x,
                            const char *what) {
  const program *p = r->pol->prog;
  const loc *l = &p->locs[entry];
  const char *kind = val_kind_name(x.kind);
  return arena_printf(&r->a, "%s:%u:%u: '%s' gave %s %s, not a bool",
                      p->srcs[l->src].name, l->line, l->col, what,
                      strchr("aeiou", kind[0]) ? "an" : "a", kind);
}

/* Run one entry; a bool is returned, anything else sets the verdict. */
static bool run_entry(rule_ctx *c, uint32_t entry, rule_result *rr,
                      const char *what, bool last) {
  report *r = c->r;
  val x = vm_run(c->v, r->pol->prog, entry, c->vars);
  take_trace(c, last);
  if (x.kind == V_BOOL)
    return x.as.b;
  if (x.kind == V_ERROR && x.as.e->kind == ERR_NOMEM) /* no verdict: the */
    r->oom = true;                 /* check fails (the limit is ERR_LIMIT) */
  if (x.kind != V_ERROR) {
    rr->v = VD_ERROR;
    rr->reason = not_bool(r, entry, x, what);
  } else if (x.as.e->kind == ERR_ABSENT && (x.as.e->flags & ERRF_FACT)) {
    rr->v = VD_UNKNOWN;
  } else {
    c->interrupted |= x.as.e->kind == ERR_INTERRUPTED;
    /* the host's memory ran out (not the evaluation's limit, which is
     * ERR_LIMIT): the check fails, it is no verdict of the rule */
    r->oom |= x.as.e->kind == ERR_NOMEM;
    rr->v = VD_ERROR;
    rr->limit = x.as.e->kind == ERR_LIMIT && !(x.as.e->flags & ERRF_FIXED);
    rr->reason = reason(r, x.as.e);
  }
  return false;
}

/* A value of the run that just ended, kept for later: one in the VM's
 * arena must be copied; a fact container stays where it is (the report
 * refers to its fact set anyway); an error only needs its kind. */
static val keep_value(report *r, val x) {
  if (x.kind == V_ERROR)
    return val_null(); /* printed as "{expr: ?}": never a value */
  if ((x.kind == V_MAP && map_is_adopted(x.as.m)) ||
      (x.kind == V_LIST && list_is_adopted(x.as.l)) ||
      (x.kind != V_STRING && x.kind != V_BYTES && x.kind != V_LIST &&
       x.kind != V_MAP && x.kind != V_OPTIONAL))
    return x;
  val c = val_deepcopy(&r->a, x);
  if (c.kind == V_ERROR)
    r->oom = true;
  return c;
}

/* The values of the message template's {expr} parts; the text is made
 * only when someone reads it (report_message). */
static const val *message_values(rule_ctx *c, const rule *ru) {
  report *r = c->r;
  val *vals = arena_alloc(&r->a, (ru->nmessage + 1) * sizeof *vals);
  if (!vals) {
    r->oom = true;
    return NULL;
  }
  bool tracing = c->v->tracing;
  c->v->tracing = false; /* the rule's facts are taken: nothing to note */
  for (uint32_t i = 0; i < ru->nmessage; i++) {
    const tmpl_part *t = &ru->message[i];
    vals[i] = val_null();
    if (t->entry < 0)
      continue;
    val x = vm_run(c->v, r->pol->prog, (uint32_t)t->entry, c->vars);
    r->oom |= x.kind == V_ERROR && x.as.e->kind == ERR_NOMEM;
    /* an error keeps only whether it was a fact not given (aux 1): the
     * message says so in words; any other error is the policy's */
    vals[i] = x.kind == V_ERROR
                  ? (val){.kind = V_ERROR,
                          .aux = x.as.e->kind == ERR_ABSENT &&
                                 (x.as.e->flags & ERRF_FACT)}
                  : keep_value(r, x);
  }
  c->v->tracing = tracing;
  return vals;
}

static void check_rule(rule_ctx *c, const rule *ru, rule_result *rr) {
  report *r = c->r;
  memset(rr, 0, sizeof *rr);
  rr->refs = (uint32_t)r->nrefs;
  c->miss->n = 0;
  c->places->deciders.n = 0;
  c->places->nwhole = 0;
  c->places->nc = 0;
  c->places->nall = 0;
  c->places->dropped = 0;
  rr->v = VD_PASS;
  bool applies = true;
  if (ru->when >= 0) {
    applies = run_entry(c, (uint32_t)ru->when, rr, "when", false);
    if (!applies && rr->v == VD_PASS)
      rr->v = VD_SKIPPED;
  }
  if (applies)
    rr->v = run_entry(c, ru->require, rr, "require", true)
                ? VD_PASS
                : (rr->v == VD_PASS ? VD_FAIL : rr->v);
  rr->more = finish_reads(r, c->places);
  rr->nused = (uint32_t)(r->nrefs - rr->refs);
  if (rr->v == VD_UNKNOWN)
    rr->nmissing = add_missing(r, c->miss);
  if (ru->message && (rr->v == VD_PASS || rr->v == VD_FAIL))
    rr->msg_vals = message_values(c, ru);
}

/* The verdict of [x], the result of `when` or `require`. */
static verdict verdict_of(val x, bool when) {
  if (x.kind == V_BOOL)
    return x.as.b ? VD_PASS : when ? VD_SKIPPED : VD_FAIL;
  if (x.kind == V_ERROR && x.as.e->kind == ERR_ABSENT &&
      (x.as.e->flags & ERRF_FACT))
    return VD_UNKNOWN;
  return VD_ERROR;
}

/* Rule [ru]'s verdict over [vars], untraced: what it was before the
 * assumptions (vendor_result.was). */
static verdict plain_verdict(report *r, vm *v, const rule *ru,
                             const map *vars) {
  verdict w = VD_PASS;
  bool tracing = v->tracing;
  v->tracing = false;
  if (ru->when >= 0)
    w = verdict_of(vm_run(v, r->pol->prog, (uint32_t)ru->when, vars), true);
  if (w == VD_PASS)
    w = verdict_of(vm_run(v, r->pol->prog, ru->require, vars), false);
  v->tracing = tracing;
  return w;
}

/* With assumptions: rules [first, to)'s verdicts over the facts without
 * them, into vr->was. */
static bool was_verdicts(report *r, vm *v, vendor_result *vr,
                         uint32_t first, uint32_t to) {
  if (!(vr->was = arena_zalloc(&r->a, r->pol->nrules + 1)))
    return false;
  for (uint32_t i = first; i < to; i++)
    vr->was[i] =
        (uint8_t)(1 + plain_verdict(r, v, &r->pol->rules[i], r->base));
  return true;
}

/* ==== one vendor ========================================================= */

static void tally(const report *r, vendor_result *vr) {
  vr->compliant = true;
  memset(vr->count, 0, sizeof vr->count);
  vr->nwaived = 0;
  for (uint32_t i = 0; i < r->pol->nrules; i++) {
    verdict v = vr->rules[i].v;
    severity s = r->pol->rules[i].sev;
    vr->count[v][s]++;
    if (rule_waived(&vr->rules[i])) {
      vr->nwaived++;
      continue;
    }
    if (s != SEV_MUST)
      continue;
    /* a must-rule pol_check_rule did not check may fail: a report of
     * one rule passed said COMPLIANT of a vendor the others fail */
    if (v == VD_FAIL || v == VD_ERROR || vr->rules[i].unchecked ||
        (v == VD_UNKNOWN && r->unknown == UNKNOWN_FAIL))
      vr->compliant = false;
  }
}

static vendor_result *new_vendor(report *r) {
  if (!mem_grow(&r->a.m, (void **)&r->vendors, &r->cap, (size_t)r->nvendors + 1,
                sizeof *r->vendors))
    return NULL;
  vendor_result *vr = &r->vendors[r->nvendors];
  memset(vr, 0, sizeof *vr);
  /* not zeroed: check_rule clears each rule it checks, check_rules fills
   * the others, and a vendor cut short is not added */
  vr->rules = arena_alloc(&r->a, (r->pol->nrules + 1) * sizeof *vr->rules);
  return vr->rules ? vr : NULL;
}

/* Check rules [from, to) of the policy for a new vendor, r->sc lent. */
static int check_vendor(report *r, vm *v, const map *vars, const char *name,
                        uint32_t first, uint32_t to) {
  vendor_result *vr = new_vendor(r);
  if (!vr)
    return POL_ENOMEM;
  size_t nrefs = r->nrefs;
  struct check_work *wk = work(r->sc);
  if (!wk)
    return POL_ENOMEM;
  rule_ctx c = {r, v, vars, &wk->miss, &wk->places, false};
  r->max_steps = v->max_steps; /* for residuals, worked out later */
  r->max_memory = v->max_memory;
  vr->has_now = v->has_now;     /* and the date they are worked out at */
  vr->now_sec = v->now_sec;
  metadata(r, vr, vars, name);
  bool tracing = v->tracing;
  v->tracing = true;
  for (uint32_t i = first; i < to && !c.interrupted; i++) {
    check_rule(&c, &r->pol->rules[i], &vr->rules[i]);
    c.interrupted |= v->interrupt && v->interrupt(v->interrupt_user);
  }
  if (r->base && !was_verdicts(r, v, vr, first, to))
    r->oom = true; /* below: the vendor is not added, tracing restored */
  v->tracing = tracing;
  if (c.interrupted || r->oom || r->a.failed) {
    r->nrefs = nrefs; /* the vendor is not added */
    return c.interrupted ? POL_EINTERRUPT : POL_ENOMEM;
  }
  if (to - first == 1) /* one rule: the others read as SKIPPED */
    for (uint32_t i = 0; i < r->pol->nrules; i++)
      if (i != first)
        vr->rules[i] = (rule_result){.v = VD_SKIPPED, .unchecked = true,
                                     .refs = (uint32_t)r->nrefs};
  waivers_apply(r, vr);
  tally(r, vr);
  r->nvendors++;
  return POL_OK;
}

/* check_vendor with this check's own out-of-memory marks: a check that
 * failed for want of memory adds no vendor, and must not fail every
 * later one until a reset (pol.h: the same call can be tried again).
 * r->oom as a read left it (a part it could not make) stays for the
 * renderers. */
static int check_lent(report *r, vm *v, const map *vars, const char *name,
                      uint32_t first, uint32_t to) {
  bool read_oom = r->oom;
  r->oom = false;
  r->a.failed = false;
  int rc = check_vendor(r, v, vars, name, first, to);
  r->oom = read_oom;
  return rc;
}

static int check_rules(report *r, vm *v, report_scratch *sc,
                       const map *vars, const char *name, uint32_t first,
                       uint32_t to) {
  r->sc = sc; /* for this check only */
  int rc = check_lent(r, v, vars, name, first, to);
  r->sc = NULL;
  return rc;
}

int report_check(report *r, vm *v, report_scratch *sc, const map *vars,
                 const char *from) {
  return check_rules(r, v, sc, vars, from, 0, r->pol->nrules);
}

int report_check_rule(report *r, vm *v, report_scratch *sc, const map *vars,
                      const char *from, uint32_t i) {
  if (i >= r->pol->nrules)
    return POL_EINVAL;
  return check_rules(r, v, sc, vars, from, i, i + 1);
}

fact_ref *report_refs(const report *r, const vendor_result *vr, uint32_t i,
                      bool missing, uint32_t *n) {
  const rule_result *rr = &vr->rules[i];
  *n = missing ? rr->nmissing : rr->nused;
  if (*n == 0)
    return NULL; /* r->refs is NULL before the first ref: no NULL + 0 */
  return r->refs + rr->refs + (missing ? rr->nused : 0);
}
