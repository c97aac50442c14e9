/*
 * residual.c: partial evaluation, the core of residuals (residual.h).
 *
 * pe_eval() compiles a piece of the tree on its own and runs it on the
 * VM against the facts. A piece whose value is known is done. One that
 * ends in a missing fact (an absent error marked ERRF_FACT) is taken
 * apart by its kind: a path is a missing fact itself; && and || put
 * their sides back together with CEL's absorption (a known false side of
 * && is impossible here: it would have made the piece known); ?: keeps
 * the branch its known condition picks; everything else is rebuilt from
 * its parts, known parts as literals. Macros are residual_macro.c's.
 *
 * Pieces are compiled with no lets (the tree has them inlined already)
 * and no declared variables, from an empty source: a residual piece
 * never reports an error message, so its program needs no text.
 */
#include "residual.h"

#include <stdlib.h>
#include <string.h>

#include "builtins.h"
#include "compile.h"
#include "host.h"

/* A printed literal longer than this shows a fact container as its path
 * instead (checksheet.items, not its eighty rows). */
#define LITERAL_MAX 60
/* Trees deeper than this are kept whole: the parser's limit plus the
 * nesting inlined lets can add. */
#define PE_DEPTH_MAX (POL_MAX_PARSE_DEPTH * 2)

void residual_init(residual_ctx *c, uint64_t max_steps, size_t max_memory,
                   const mem *m) {
  memset(c, 0, sizeof *c);
  vm_init(&c->v, max_steps, max_memory, m);
  arena_init(&c->a, 0, m);
  arena_init(&c->trees, 0, m);
  arena_init(&c->made, 0, m);
  sb_init(&c->text, m);
  sb_init(&c->path, m);
  diag_init(&c->d, "<residual>", "", 0, m);
}

/* What is known of a node of the kept trees: it is the same node for
 * every vendor, so what depends on it alone is worked out once. */
struct piece_entry {
  const ast *n;      /* NULL: a free slot */
  uint32_t entry;    /* cg's entry for [n]; NO_ENTRY: [n] does not compile
                        alone; UNSET_ENTRY: not compiled into cg yet */
  int8_t qualified;  /* pe_qualified's answer; -1: not asked yet */
  const char *text;  /* [n] as CEL text (in c->trees); NULL: not yet */
  size_t len;
  pe_path path;      /* a decisive fact's path, as report_path.c's text */
};

#define NO_ENTRY UINT32_MAX
#define UNSET_ENTRY (UINT32_MAX - 1)

/* A piece made for one vendor's residual, kept by its structure. */
struct made_piece {
  const ast *n;   /* a copy in c->made; NULL: a free slot */
  uint32_t hash;
  uint32_t entry; /* cg's entry, or NO_ENTRY */
};

/* Drop the pieces' program (when it has grown, and at the end), and
 * with it the entries of the pieces compiled into it; what else the
 * table knows of the nodes stays. */
static void drop_program(residual_ctx *c) {
  if (c->cg)
    program_free(cg_finish(c->cg));
  c->cg = NULL;
  for (size_t i = 0; i < c->cap_pieces; i++)
    c->pieces[i].entry = UNSET_ENTRY;
  c->nmade = 0;
  if (c->made_v)
    memset(c->made_v, 0, c->cap_made * sizeof *c->made_v);
  arena_reset(&c->made);
}

/* The kept trees are about to go: forget all about their nodes. */
void pe_forget(residual_ctx *c) {
  drop_program(c);
  c->npieces = 0;
  if (c->pieces)
    memset(c->pieces, 0, c->cap_pieces * sizeof *c->pieces);
}

/* ==== what is known of the kept nodes ==================================== */

/* Whether [n] is a node of the kept trees (and so the same node for the
 * next vendor) rather than one made for this rule's residual, whose
 * address the next rule may reuse for another node. */
static bool kept_node(const residual_ctx *c, const ast *n) {
  return c->pol && arena_owns(&c->trees, n);
}

static size_t piece_slot(const residual_ctx *c, const ast *n) {
  size_t mask = c->cap_pieces - 1;
  size_t i = (size_t)(((uintptr_t)n >> 3) * 0x9E3779B97F4A7C15u) & mask;
  while (c->pieces[i].n && c->pieces[i].n != n)
    i = (i + 1) & mask;
  return i;
}

/* The table's room for one more node; false when memory ran out
 * (forgetting then costs only time). */
static bool piece_room(residual_ctx *c) {
  if ((c->npieces + 1) * 2 <= c->cap_pieces)
    return true;
  size_t cap = c->cap_pieces ? c->cap_pieces * 2 : 64;
  struct piece_entry *old = c->pieces, *v = mem_calloc(&c->a.m, cap,
                                                       sizeof *v);
  if (!v)
    return false;
  size_t oldcap = c->cap_pieces;
  c->pieces = v;
  c->cap_pieces = cap;
  for (size_t i = 0; i < oldcap; i++)
    if (old[i].n)
      c->pieces[piece_slot(c, old[i].n)] = old[i];
  mem_free(&c->a.m, old);
  return true;
}

/* What is known of [n], a kept node, made empty the first time; NULL
 * when [n] is no kept node (or memory ran out). */
static struct piece_entry *piece_of(residual_ctx *c, const ast *n) {
  if (!kept_node(c, n))
    return NULL;
  if (c->npieces) {
    struct piece_entry *s = &c->pieces[piece_slot(c, n)];
    if (s->n)
      return s;
  }
  if (!piece_room(c))
    return NULL;
  struct piece_entry *s = &c->pieces[piece_slot(c, n)];
  *s = (struct piece_entry){n, UNSET_ENTRY, -1, NULL, 0, {NULL, 0, NULL, 0}};
  c->npieces++;
  return s;
}

/* ==== pieces made for one vendor ======================================== */

/* Deeper trees are not looked for (their copies would cost more than
 * compiling them again). */
#define MADE_DEPTH_MAX 64

static uint32_t mix(uint32_t h, uint64_t x) {
  return (uint32_t)(((x ^ h) * 0x9E3779B97F4A7C15u) >> 32);
}

/* The hash of [n]'s structure: all that its compiling can depend on
 * (not its span, which only an error message would show). false when
 * [n] is deeper than MADE_DEPTH_MAX. */
static bool shape_hash(const ast *n, uint32_t *h, int depth) {
  if (depth > MADE_DEPTH_MAX)
    return false;
  *h = mix(*h, (uint64_t)n->kind << 48 | (uint64_t)n->op << 40 |
                   (uint64_t)n->flags << 32 | n->nkids);
  for (const char *c = n->name; c && *c; c++)
    *h = (*h ^ (uint8_t)*c) * 0x01000193u; /* FNV-1a */
  if (n->kind == AST_STRING_LIT || n->kind == AST_BYTES_LIT)
    *h = val_hash_continue(*h, n->lit.s.p, n->lit.s.n);
  else if (n->kind == AST_BOOL_LIT)
    *h = mix(*h, n->lit.b);
  else if (n->kind >= AST_INT_LIT && n->kind <= AST_DOUBLE_LIT)
    *h = mix(*h, n->lit.u); /* the bits: -0.0 is not 0.0 */
  for (uint32_t i = 0; i < n->nkids; i++)
    if (!shape_hash(n->kids[i], h, depth + 1))
      return false;
  return true;
}

/* Whether [a] and [b] have the same structure (shape_hash's parts). */
static bool same_shape(const ast *a, const ast *b) {
  if (a == b)
    return true;
  if (a->kind != b->kind || a->op != b->op || a->flags != b->flags ||
      a->nkids != b->nkids || !a->name != !b->name ||
      (a->name && strcmp(a->name, b->name) != 0))
    return false;
  if (a->kind == AST_STRING_LIT || a->kind == AST_BYTES_LIT) {
    if (a->lit.s.n != b->lit.s.n ||
        (a->lit.s.n && memcmp(a->lit.s.p, b->lit.s.p, a->lit.s.n) != 0))
      return false;
  } else if (a->kind == AST_BOOL_LIT) {
    if (a->lit.b != b->lit.b)
      return false;
  } else if (a->kind >= AST_INT_LIT && a->kind <= AST_DOUBLE_LIT &&
             a->lit.u != b->lit.u) { /* the bits: -0.0 is not 0.0 */
    return false;
  }
  for (uint32_t i = 0; i < a->nkids; i++)
    if (!same_shape(a->kids[i], b->kids[i]))
      return false;
  return true;
}

/* A copy of [n] in [a], names and texts too (they may be the facts'). */
static ast *copy_shape(arena *a, const ast *n) {
  ast *c = arena_alloc(a, sizeof *c);
  if (!c)
    return NULL;
  *c = *n;
  if (n->name && !(c->name = arena_strndup(a, n->name, strlen(n->name))))
    return NULL;
  if ((n->kind == AST_STRING_LIT || n->kind == AST_BYTES_LIT) &&
      !(c->lit.s.p = arena_strndup(a, n->lit.s.p, n->lit.s.n)))
    return NULL;
  if (n->nkids && !(c->kids = arena_alloc(a, n->nkids * sizeof *c->kids)))
    return NULL;
  for (uint32_t i = 0; i < n->nkids; i++)
    if (!(c->kids[i] = copy_shape(a, n->kids[i])))
      return NULL;
  return c;
}

static size_t made_slot(const residual_ctx *c, const ast *n, uint32_t h) {
  size_t mask = c->cap_made - 1;
  size_t i = (size_t)(h * 0x9E3779B97F4A7C15u) & mask;
  while (c->made_v[i].n &&
         (c->made_v[i].hash != h || !same_shape(c->made_v[i].n, n)))
    i = (i + 1) & mask;
  return i;
}

/* The entry of a piece of [n]'s structure compiled before, or
 * UNSET_ENTRY. */
static uint32_t made_find(const residual_ctx *c, const ast *n, uint32_t h) {
  if (!c->nmade)
    return UNSET_ENTRY;
  const struct made_piece *s = &c->made_v[made_slot(c, n, h)];
  return s->n ? s->entry : UNSET_ENTRY;
}

/* Remember [n]'s [entry]; forgetting it (out of memory) costs only
 * time. */
static void made_add(residual_ctx *c, const ast *n, uint32_t h,
                     uint32_t entry) {
  if ((c->nmade + 1) * 2 > c->cap_made) {
    size_t cap = c->cap_made ? c->cap_made * 2 : 64;
    struct made_piece *old = c->made_v, *v = mem_calloc(&c->a.m, cap,
                                                        sizeof *v);
    if (!v)
      return;
    size_t oldcap = c->cap_made;
    c->made_v = v;
    c->cap_made = cap;
    for (size_t i = 0; i < oldcap; i++)
      if (old[i].n)
        c->made_v[made_slot(c, old[i].n, old[i].hash)] = old[i];
    mem_free(&c->a.m, old);
  }
  const ast *copy = copy_shape(&c->made, n);
  if (!copy)
    return;
  c->made_v[made_slot(c, copy, h)] = (struct made_piece){copy, h, entry};
  c->nmade++;
}

void residual_free(residual_ctx *c) {
  drop_program(c);
  mem_free(&c->a.m, c->pieces);
  mem_free(&c->a.m, c->made_v);
  arena_free(&c->made);
  vm_free(&c->v);
  arena_free(&c->a);
  arena_free(&c->trees);
  sb_free(&c->text);
  sb_free(&c->path);
  diag_free(&c->d);
}

/* ==== nodes ============================================================== */

ast *pe_node(pe *e, int kind, span sp, uint32_t nkids) {
  ast *n = ast_new(e->nodes, (ast_kind)kind, sp);
  if (n && nkids && !(n->kids = arena_alloc(e->nodes, nkids * sizeof *n->kids)))
    n = NULL;
  if (!n) {
    e->oom = true;
    return NULL;
  }
  n->nkids = nkids;
  return n;
}

/* Whether [c], a copy of [n] given its kids again, got [n]'s own: then
 * [n] itself stands for it. A residual that is the rule's tree, or a
 * part of it, as written is then a kept node, whose text is printed
 * once for every vendor (pe_unparse). */
static bool same_kids(const ast *c, const ast *n) {
  return !n->nkids ||
         memcmp(c->kids, n->kids, n->nkids * sizeof *n->kids) == 0;
}

/* A shallow copy of [n] (kids array copied), to put other kids in. */
static ast *copy_node(pe *e, const ast *n) {
  ast *c = pe_node(e, n->kind, n->sp, n->nkids);
  if (!c)
    return NULL;
  const ast **kids = (const ast **)c->kids;
  *c = *n;
  c->kids = (ast **)kids;
  if (n->nkids)
    memcpy(c->kids, n->kids, n->nkids * sizeof *c->kids);
  return c;
}

static ast *text_node(pe *e, int kind, span sp, const char *s, size_t len) {
  ast *n = pe_node(e, kind, sp, 0);
  if (n) {
    n->lit.s.p = s;
    n->lit.s.n = len;
  }
  return n;
}

/* ==== values as literals ================================================= */

static bool identifier_key(val k) {
  if (k.kind != V_STRING || !k.as.s->len ||
      (k.as.s->data[0] >= '0' && k.as.s->data[0] <= '9'))
    return false;
  for (uint32_t i = 0; i < k.as.s->len; i++) {
    char c = k.as.s->data[i];
    if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
          (c >= '0' && c <= '9')))
      return false;
  }
  return true;
}

/* The step [key] below [parent]: parent.key or parent[key]. */
static const ast *step(pe *e, const ast *parent, val key, span sp) {
  if (!parent)
    return NULL;
  if (identifier_key(key)) {
    ast *s = pe_node(e, AST_SELECT, sp, 1);
    if (s) {
      s->kids[0] = (ast *)parent;
      s->name = key.as.s->data;
    }
    return s;
  }
  const ast *k = pe_literal(e, key, sp);
  ast *x = k ? pe_node(e, AST_INDEX, sp, 2) : NULL;
  if (x) {
    x->kids[0] = (ast *)parent;
    x->kids[1] = (ast *)k;
  }
  return x;
}

static const origin *origin_of(const void *obj, int okind) {
  return okind == V_MAP ? &((const map *)obj)->o : &((const list *)obj)->o;
}

/* The path of the fact container [obj] (of kind [okind]) from the fact
 * set's root, as a tree: subprocessors[2], certifications.vendor. */
static const ast *container_path(pe *e, const void *obj, int okind,
                                 span sp, int depth) {
  const origin *o = origin_of(obj, okind);
  if (depth > POL_MAX_JSON_DEPTH ||
      (o->kind != ORIGIN_MAP && o->kind != ORIGIN_LIST))
    return NULL;
  int pkind = o->kind == ORIGIN_MAP ? V_MAP : V_LIST;
  if (pkind == V_LIST)
    return step(e, container_path(e, o->parent, pkind, sp, depth + 1),
                val_int(o->entry), sp);
  const map *pm = o->parent;
  val key = pm->keys[o->entry];
  if (pm->o.kind == ORIGIN_ROOT && key.kind == V_STRING) {
    ast *id = pe_node(e, AST_IDENT, sp, 0);
    if (id)
      id->name = key.as.s->data;
    return id;
  }
  return step(e, container_path(e, pm, V_MAP, sp, depth + 1), key, sp);
}

const ast *pe_item(pe *e, val x, span sp) {
  if (x.kind == V_LIST && list_is_adopted(x.as.l))
    return container_path(e, x.as.l, V_LIST, sp, 0);
  if (x.kind == V_MAP && map_is_adopted(x.as.m))
    return container_path(e, x.as.m, V_MAP, sp, 0);
  return pe_literal(e, x, sp);
}

static const ast *list_literal(pe *e, const list *l, span sp) {
  ast *n = pe_node(e, AST_LIST, sp, l->n);
  for (uint32_t i = 0; n && i < l->n; i++)
    if (!(n->kids[i] = (ast *)pe_literal(e, l->items[i], sp)))
      return NULL;
  return n;
}

static const ast *map_literal(pe *e, const map *m, span sp) {
  ast *n = pe_node(e, AST_MAP, sp, m->n);
  for (uint32_t i = 0; n && i < m->n; i++) {
    ast *en = pe_node(e, AST_ENTRY, sp, 2);
    if (!en || !(en->kids[0] = (ast *)pe_literal(e, m->keys[i], sp)) ||
        !(en->kids[1] = (ast *)pe_literal(e, m->vals[i], sp)))
      return NULL;
    n->kids[i] = en;
  }
  return n;
}

/* Whether the literal [n] prints in at most LITERAL_MAX bytes. */
static bool short_text(pe *e, const ast *n) {
  sbuf *t = &e->c->text;
  sb_reset(t); /* the context's buffer: an earlier shortage is not this one */
  ast_unparse(t, n);
  return !t->oom && t->len <= LITERAL_MAX;
}

static const ast *container_literal(pe *e, val v, span sp) {
  bool adopted = v.kind == V_LIST ? list_is_adopted(v.as.l)
                                  : map_is_adopted(v.as.m);
  const ast *lit = v.kind == V_LIST ? list_literal(e, v.as.l, sp)
                                    : map_literal(e, v.as.m, sp);
  if (adopted && (!lit || !short_text(e, lit))) {
    const ast *path = container_path(e, v.kind == V_LIST ? (void *)v.as.l
                                                         : (void *)v.as.m,
                                     v.kind, sp, 0);
    if (path)
      return path;
  }
  return lit;
}

const ast *pe_literal(pe *e, val v, span sp) {
  ast *n = NULL;
  switch (v.kind) {
  case V_NULL: return pe_node(e, AST_NULL_LIT, sp, 0);
  case V_BOOL:
    if ((n = pe_node(e, AST_BOOL_LIT, sp, 0)))
      n->lit.b = v.as.b;
    return n;
  case V_INT:
    if ((n = pe_node(e, AST_INT_LIT, sp, 0)))
      n->lit.i = v.as.i;
    return n;
  case V_UINT:
    if ((n = pe_node(e, AST_UINT_LIT, sp, 0)))
      n->lit.u = v.as.u;
    return n;
  case V_DOUBLE:
    if (v.as.d != v.as.d || v.as.d - v.as.d != 0) /* NaN, infinities */
      return NULL;
    if ((n = pe_node(e, AST_DOUBLE_LIT, sp, 0)))
      n->lit.d = v.as.d;
    return n;
  case V_STRING:
  case V_BYTES:
    return text_node(e, v.kind == V_STRING ? AST_STRING_LIT : AST_BYTES_LIT,
                     sp, v.as.s->data, v.as.s->len);
  case V_LIST:
  case V_MAP: return container_literal(e, v, sp);
  default: return NULL; /* durations, types, ...: the piece as written */
  }
}

/* ==== running a piece ==================================================== */

/* [x], a result in the VM's arena, made to outlive the next run: a fact
 * container stays where it is, anything else is copied into the
 * context's arena. */
static val keep(pe *e, val x) {
  if ((x.kind == V_MAP && map_is_adopted(x.as.m)) ||
      (x.kind == V_LIST && list_is_adopted(x.as.l)) ||
      (x.kind != V_STRING && x.kind != V_BYTES && x.kind != V_LIST &&
       x.kind != V_MAP && x.kind != V_OPTIONAL))
    return x;
  val c = val_deepcopy(&e->c->a, x);
  e->oom |= c.kind == V_ERROR;
  return c;
}

static bool missing_fact(val x) {
  return x.kind == V_ERROR && x.as.e && x.as.e->kind == ERR_ABSENT &&
         (x.as.e->flags & ERRF_FACT);
}

/* Run [n] alone: compiled as the next entry of the rule's program. false
 * when it does not compile alone (a cel.index outside its block, say):
 * the piece is then kept whole. */
static bool run(pe *e, const ast *n, val *out) {
  static const compile_opts none = {NULL, 0, NULL, 0, NULL, false};
  residual_ctx *c = e->c;
  if (c->cg && (cg_program(c->cg)->ncode > RESIDUAL_CODE_MAX ||
                c->opts.hosts != e->hosts))
    drop_program(c);
  if (!c->cg) {
    c->opts = none;
    c->opts.hosts = e->hosts;
    if (!(c->cg = cg_new(&c->opts, &c->a.m))) {
      e->oom = true;
      return false;
    }
  }
  struct piece_entry *known = piece_of(c, n);
  uint32_t h = 0;
  bool made = !known && shape_hash(n, &h, 0);
  uint32_t entry = known ? known->entry
                   : made ? made_find(c, n, h) : UNSET_ENTRY;
  if (entry == UNSET_ENTRY) {
    size_t errors = c->d.n;
    uint32_t at = cg_program(c->cg)->ncode;
    entry = cg_entry(c->cg, n, &c->d);
    c->words += cg_program(c->cg)->ncode - at;
    if (c->d.oom) { /* the program may be half made: start another */
      c->d.oom = false;
      c->d.n = errors;
      drop_program(c);
      e->oom = true;
      return false;
    }
    if (c->d.n > errors) {
      c->d.n = errors;
      entry = NO_ENTRY;
    }
    if (known)
      known->entry = entry;
    else if (made)
      made_add(c, n, h, entry);
  }
  if (entry == NO_ENTRY)
    return false;
  const program *p = cg_program(c->cg);
  val x = vm_run(&c->v, p, entry, e->vars);
  if (x.kind == V_ERROR && (x.as.e->kind == ERR_NOMEM ||
                            x.as.e->kind == ERR_LIMIT))
    e->oom |= x.as.e->kind == ERR_NOMEM;
  *out = x.kind == V_ERROR ? x : keep(e, x);
  if (x.kind == V_ERROR && !missing_fact(x)) /* only its kind matters */
    *out = (val){.kind = V_ERROR, .as.e = NULL};
  return true;
}

/* ==== text ============================================================== */

const char *pe_unparse(pe *e, const ast *n, size_t *len) {
  residual_ctx *c = e->c;
  struct piece_entry *s = piece_of(c, n);
  if (s && s->text) {
    *len = s->len;
    return s->text;
  }
  sbuf *t = &c->text;
  sb_reset(t); /* else one shortage fails every later residual */
  ast_unparse(t, n);
  if (t->oom)
    return NULL;
  *len = t->len;
  if (s && (s->text = arena_strndup(&c->trees, t->p, t->len)))
    s->len = t->len;
  return t->p;
}

pe_path *pe_path_of(pe *e, const ast *n) {
  struct piece_entry *s = piece_of(e->c, n);
  return s ? &s->path : NULL;
}

/* ==== taking pieces apart ================================================ */

static rv known(const ast *n, val v) { return (rv){R_KNOWN, v, n}; }
static rv leaf(const ast *n) { return (rv){R_LEAF, val_null(), n}; }
static rv res(const ast *n) { return (rv){R_RES, val_null(), n}; }

static bool is_bool(rv r, bool b) {
  return r.kind == R_KNOWN && r.v.kind == V_BOOL && r.v.as.b == b;
}

/* Note that [n], a piece as written, is known: the decisive facts are
 * not looked for inside it (its error, say, does not depend on them). */
static const ast *known_piece(pe *e, const ast *n) {
  if (e->nknown == e->cap_known) {
    size_t cap = e->cap_known ? e->cap_known * 2 : 16;
    const ast **v = arena_alloc(&e->c->a, cap * sizeof *v);
    if (!v) {
      e->oom = true;
      return n;
    }
    if (e->nknown)
      memcpy(v, e->known, e->nknown * sizeof *v);
    e->known = v;
    e->cap_known = cap;
  }
  e->known[e->nknown++] = n;
  return n;
}

bool pe_is_known(const pe *e, const ast *n) {
  for (size_t i = 0; i < e->nknown; i++)
    if (e->known[i] == n)
      return true;
  return false;
}

/* Whether the literal [n] is the literal of its own value (a scalar, a
 * finite double, a list of them): pe_literal would make it again. */
static bool own_literal(const ast *n, bool in_list) {
  if (in_list && (n->flags & AST_F_OPT_ELEM))
    return false;
  switch (n->kind) {
  case AST_NULL_LIT:
  case AST_BOOL_LIT:
  case AST_INT_LIT:
  case AST_UINT_LIT:
  case AST_STRING_LIT:
  case AST_BYTES_LIT: return true;
  case AST_DOUBLE_LIT: return n->lit.d - n->lit.d == 0; /* not NaN, inf */
  case AST_LIST:
    if (in_list)
      return false;
    for (uint32_t i = 0; i < n->nkids; i++)
      if (!own_literal(n->kids[i], true))
        return false;
    return true;
  default: return false;
  }
}

const ast *pe_embed(pe *e, rv r) {
  if (r.kind != R_KNOWN)
    return r.n;
  if (r.v.kind != V_ERROR && own_literal(r.n, false))
    return r.n;
  if (r.v.kind == V_ERROR) /* an error: the piece as written gives it */
    return known_piece(e, r.n);
  const ast *lit = pe_literal(e, r.v, r.n->sp);
  return lit ? lit : known_piece(e, r.n);
}

/* [a] OP [b] as a new node like [n] (AND, OR). */
static const ast *pair(pe *e, const ast *n, const ast *a, const ast *b) {
  ast *c = copy_node(e, n);
  if (c) {
    c->kids[0] = (ast *)a;
    c->kids[1] = (ast *)b;
  }
  return c;
}

/* && and || ending in a missing fact, from its sides [l] and [r]: a
 * known side that is the other's identity (true for &&, false for ||)
 * drops out; a known error stays, as the piece that gives it; a known
 * absorbing side cannot be, or the whole would be known. */
static rv logic_parts(pe *e, const ast *n, rv l, rv r) {
  bool and = n->kind == AST_AND;
  if (is_bool(l, and))
    return r.kind == R_KNOWN ? res(n) : res(r.n);
  if (is_bool(r, and))
    return l.kind == R_KNOWN ? res(n) : res(l.n);
  const ast *a = pe_embed(e, l), *b = pe_embed(e, r);
  if (a == n->kids[0] && b == n->kids[1])
    return res(n);
  return res(pair(e, n, a, b));
}

static rv logic(pe *e, const ast *n) {
  rv l = pe_eval(e, n->kids[0]);
  return logic_parts(e, n, l, pe_eval(e, n->kids[1]));
}

static bool run(pe *e, const ast *n, val *out);

/* An error that is no missing fact: only its kind is kept (run). */
static rv known_error(const ast *n) {
  return known(n, (val){.kind = V_ERROR, .as.e = NULL});
}

/* The outcome of && or || [n] from its sides, combined as the VM's AND
 * and OR combine them (vm.c and_, or_: an absorbing side wins, then an
 * error, the left first; a missing fact is an error), with the right
 * side not evaluated when the left absorbs, as ANDSC and ORSC skip it.
 * Running [n] whole first, and each side whole again when it ended in a
 * missing fact, ran a chain of N conjuncts at each of its N levels: N^2
 * / 2 pieces compiled and run (a 200-term chain: 85.6 M instructions
 * for one vendor, and the pieces outgrew RESIDUAL_CODE_MAX, so each
 * vendor compiled them again). When a side could not be evaluated alone
 * (it is opaque), [n] is run whole, as before. */
static rv logic_eval(pe *e, const ast *n) {
  bool and = n->kind == AST_AND, was_opaque = e->opaque;
  size_t nknown = e->nknown;
  e->opaque = false;
  e->depth++;
  rv l = pe_eval(e, n->kids[0]), r = l;
  bool absorbed = is_bool(l, !and);
  if (!absorbed)
    r = pe_eval(e, n->kids[1]);
  e->depth--;
  bool opaque = e->opaque;
  e->opaque = was_opaque;
  rv out = {R_RES, val_null(), NULL};
  val x;
  if (absorbed || is_bool(r, !and))
    out = known(n, val_bool(!and));
  else if (opaque && !run(e, n, &x))
    out = res(n);
  else if (opaque && !missing_fact(x))
    out = known(n, x);
  else if (!opaque && l.kind == R_KNOWN && r.kind == R_KNOWN)
    out = l.v.kind == V_BOOL && r.v.kind == V_BOOL
              ? known(n, val_bool(and)) /* both the identity */
              : known_error(n);
  else if (!opaque && l.kind == R_KNOWN && l.v.kind == V_ERROR)
    out = known_error(n);
  if (out.n) { /* known, or not to be taken apart: as if never opened */
    e->nknown = nknown;
    e->opaque |= opaque && out.kind != R_KNOWN;
    return out;
  }
  e->opaque |= opaque;
  return logic_parts(e, n, l, r);
}

/* c ? a : b: a known condition picks its branch. */
static rv cond(pe *e, const ast *n) {
  rv c = pe_eval(e, n->kids[0]);
  if (is_bool(c, true))
    return pe_eval(e, n->kids[1]);
  if (is_bool(c, false))
    return pe_eval(e, n->kids[2]);
  if (c.kind == R_KNOWN) /* an error or not a bool: cannot end absent */
    return res(n);
  ast *x = copy_node(e, n);
  if (!x)
    return res(n);
  x->kids[0] = (ast *)c.n;
  x->kids[1] = (ast *)pe_embed(e, pe_eval(e, n->kids[1]));
  x->kids[2] = (ast *)pe_embed(e, pe_eval(e, n->kids[2]));
  return res(same_kids(x, n) ? n : x);
}

/* Whether the paths [a] and [b] read the same (a container's path as
 * container_path makes it, and the path as written). */
static bool same_path(const ast *a, const ast *b, int depth) {
  if (depth > POL_MAX_JSON_DEPTH || a->kind != b->kind ||
      a->flags != b->flags || a->nkids != b->nkids)
    return false;
  switch (a->kind) {
  case AST_IDENT: return strcmp(a->name, b->name) == 0;
  case AST_SELECT:
    return strcmp(a->name, b->name) == 0 &&
           same_path(a->kids[0], b->kids[0], depth + 1);
  case AST_INDEX:
    return same_path(a->kids[1], b->kids[1], depth + 1) &&
           same_path(a->kids[0], b->kids[0], depth + 1);
  case AST_STRING_LIT:
    return a->lit.s.n == b->lit.s.n &&
           memcmp(a->lit.s.p, b->lit.s.p, a->lit.s.n) == 0;
  case AST_INT_LIT: return a->lit.i == b->lit.i;
  case AST_UINT_LIT: return a->lit.u == b->lit.u;
  case AST_BOOL_LIT: return a->lit.b == b->lit.b;
  default: return false;
  }
}

/* x.f, x.?f, x[k], x[?k]: a missing fact when x is known (the step is
 * what is missing) or is a missing fact itself (the path goes on); else
 * rebuilt over x's residual. */
static rv member(pe *e, const ast *n) {
  rv x = pe_eval(e, n->kids[0]);
  ast *c = copy_node(e, n);
  if (!c)
    return res(n);
  if (n->kind == AST_INDEX) {
    rv k = pe_eval(e, n->kids[1]);
    c->kids[1] = (ast *)pe_embed(e, k);
    if (k.kind != R_KNOWN) {
      c->kids[0] = (ast *)pe_embed(e, x);
      return res(c);
    }
  }
  if (x.kind == R_KNOWN) {
    const void *obj = x.v.kind == V_MAP ? (const void *)x.v.as.m
                      : x.v.kind == V_LIST ? (const void *)x.v.as.l : NULL;
    const ast *path = obj ? container_path(e, obj, x.v.kind, n->sp, 0) : NULL;
    c->kids[0] = (ast *)(path && !same_path(path, x.n, 0) ? path : x.n);
    return leaf(same_kids(c, n) ? n : c);
  }
  c->kids[0] = (ast *)x.n;
  const ast *m = same_kids(c, n) ? n : c;
  return x.kind == R_LEAF ? leaf(m) : res(m);
}

/* recv.f(args) where recv.f names a function (math.greatest, a host's
 * acme.score): the receiver is part of the name, not a value. */
static bool qualified(const pe *e, const ast *n) {
  char buf[256];
  size_t len = 0;
  const ast *r = n->kids[0];
  const char *parts[16];
  int np = 0;
  for (; r->kind == AST_SELECT && np < 15; r = r->kids[0])
    parts[np++] = r->name;
  if (r->kind != AST_IDENT || np >= 15)
    return false;
  parts[np++] = r->name;
  while (np-- > 0) {
    size_t k = strlen(parts[np]);
    if (len + k + 2 >= sizeof buf)
      return false;
    memcpy(buf + len, parts[np], k);
    len += k;
    buf[len++] = '.';
  }
  size_t k = strlen(n->name);
  if (len + k + 1 >= sizeof buf)
    return false;
  memcpy(buf + len, n->name, k + 1);
  bool found = false;
  bi_lookup(buf, BI_GLOBAL, (int)n->nkids - 1, &found);
  return found || host_find(e->hosts, buf) != NULL;
}

/* Asked of every call with a receiver, each time a residual is taken
 * apart and again when its facts are looked for: a kept node's answer
 * is kept (it depends on the names and the policy's hosts alone). */
bool pe_qualified(const pe *e, const ast *n) {
  struct piece_entry *s = piece_of(e->c, n);
  if (!s || e->hosts != e->c->pol->hosts)
    return qualified(e, n);
  if (s->qualified < 0)
    s->qualified = qualified(e, n);
  return s->qualified;
}

static rv take_apart(pe *e, const ast *n, bool ran);
static int quick(pe *e, const ast *n, val *out, int depth);

/* Whether [n] is certainly a value, no error: a literal, a list of
 * literals, a fact that is there. */
static bool a_value(pe *e, const ast *n) {
  val x;
  return quick(e, n, &x, 0) == 1 || own_literal(n, false);
}

/* Which operand of the operator [n], whose run ended in a missing fact,
 * is certainly the one that did, or -1. Its error is its first operand's
 * that is an error (vm.c binop, NEG, NOT: an operator itself makes type
 * errors, never a missing fact), so with the other operand a value, this
 * one is it. */
static int missing_operand(pe *e, const ast *n) {
  if (n->kind == AST_UNARY)
    return 0;
  if (n->kind != AST_BINARY)
    return -1;
  return a_value(e, n->kids[1]) ? 0 : a_value(e, n->kids[0]) ? 1 : -1;
}

/* pe_eval of [n], known to end in a missing fact: taken apart without
 * running it again. Running each operand whole after its operator had
 * run cost, down a chain (lets inlined into ((x + 1) + 1) + ...), the
 * chain's length at each of its levels. */
static rv eval_missing(pe *e, const ast *n) {
  if (n->kind == AST_AND || n->kind == AST_OR)
    return pe_eval(e, n); /* not run whole anyway */
  if (e->oom || e->depth > PE_DEPTH_MAX) {
    e->opaque = true;
    return res(n);
  }
  e->depth++;
  rv r = take_apart(e, n, true);
  e->depth--;
  return r;
}

/* Any other node: its parts, known ones as literals. A node all of whose
 * parts are known and that still ends absent is kept as written. [ran]:
 * [n] itself ran and ended in a missing fact. */
static rv rebuild(pe *e, const ast *n, bool ran) {
  ast *c = copy_node(e, n);
  bool any = false;
  uint32_t from = n->kind == AST_CALL && (n->flags & AST_F_RECEIVER) &&
                          pe_qualified(e, n)
                      ? 1 : 0;
  int sure = ran ? missing_operand(e, n) : -1;
  for (uint32_t i = from; c && i < n->nkids; i++) {
    const ast *k = n->kids[i];
    if (k->kind == AST_ENTRY || k->kind == AST_FIELD) {
      rv r = rebuild(e, k, false);
      any |= r.n != k;
      c->kids[i] = (ast *)r.n;
      continue;
    }
    rv r = (int)i == sure ? eval_missing(e, k) : pe_eval(e, k);
    any |= r.kind != R_KNOWN;
    c->kids[i] = (ast *)pe_embed(e, r);
  }
  return res(any && c && !same_kids(c, n) ? c : n);
}

/* [n], which ends in a missing fact, by its parts; [ran]: as its own run
 * showed (rebuild). */
static rv take_apart(pe *e, const ast *n, bool ran) {
  rv r;
  switch (n->kind) {
  case AST_IDENT: return leaf(n);
  case AST_SELECT:
  case AST_INDEX: return member(e, n);
  case AST_AND:
  case AST_OR: return logic(e, n);
  case AST_COND: return cond(e, n);
  case AST_CALL: /* (has() never ends absent: docs/language.md) */
    if (pe_macro(e, n, &r))
      return r;
    return rebuild(e, n, ran);
  default: return rebuild(e, n, ran);
  }
}

/* ==== pieces that need no compiling ====================================== */

/* The value of a literal or a fact path read straight from the facts,
 * as the VM would give it: 1 known (in *[out]), 0 a missing fact, -1
 * when it is not so simple (compile and run it). Most pieces of a
 * residual are these, and compiling each alone costs far more. */
static int quick(pe *e, const ast *n, val *out, int depth);

static int quick_root(const pe *e, const ast *n, val *out) {
  if (val_is_type_name(n->name)) /* the compiler gives it a value */
    return -1;
  size_t len = strlen(n->name);
  const val *x = e->vars ? map_get_str(e->vars, n->name, len,
                                       val_hash_bytes(n->name, len))
                         : NULL;
  if (!x)
    return 0;
  *out = *x;
  return 1;
}

static int quick_step(pe *e, const ast *n, val *out, int depth) {
  val x;
  int r = quick(e, n->kids[0], &x, depth + 1);
  if (r != 1 || (n->flags & AST_F_OPTIONAL))
    return r == 1 ? -1 : r; /* a step below a missing fact is missing */
  const ast *k = n->kind == AST_INDEX ? n->kids[1] : NULL;
  const val *at = NULL;
  if (x.kind == V_MAP && !k)
    at = map_get_str(x.as.m, n->name, strlen(n->name),
                     val_hash_bytes(n->name, strlen(n->name)));
  else if (x.kind == V_MAP && k->kind == AST_STRING_LIT)
    at = map_get_str(x.as.m, k->lit.s.p, k->lit.s.n,
                     val_hash_bytes(k->lit.s.p, k->lit.s.n));
  else if (x.kind == V_LIST && k && k->kind == AST_INT_LIT && k->lit.i >= 0 &&
           (uint64_t)k->lit.i < x.as.l->n)
    at = &x.as.l->items[k->lit.i];
  else
    return -1;
  if (at) {
    *out = *at;
    return 1;
  }
  return map_is_adopted(x.as.m) ? 0 : -1; /* a key of a fact map */
}

/* quick() of the path [n] (IDENT, SELECT, INDEX), remembered in
 * e->reads: the facts do not change during one partial evaluation, and
 * its nodes are not freed before it ends, so neither does the answer
 * for a node; but for the depth guard, which may stop a long path asked
 * deeper: an answer is taken again at its own depth, or at a smaller one
 * when the guard did not stop it (a stopped path answers -1). */
static int quick_path(pe *e, const ast *n, val *out, int depth) {
  struct pe_path_read *r =
      &e->reads[((uintptr_t)n >> 4) % POL_COUNTOF(e->reads)];
  if (r->n != n || depth > r->depth || (depth < r->depth && r->q < 0)) {
    val v = val_null();
    int q = n->kind == AST_IDENT ? quick_root(e, n, &v)
                                 : quick_step(e, n, &v, depth);
    *r = (struct pe_path_read){n, v, q, depth};
  }
  if (r->q == 1)
    *out = r->v;
  return r->q;
}

static int quick(pe *e, const ast *n, val *out, int depth) {
  if (depth > POL_MAX_JSON_DEPTH)
    return -1;
  switch (n->kind) {
  case AST_NULL_LIT: *out = val_null(); return 1;
  case AST_BOOL_LIT: *out = val_bool(n->lit.b); return 1;
  case AST_INT_LIT: *out = val_int(n->lit.i); return 1;
  case AST_UINT_LIT: *out = val_uint(n->lit.u); return 1;
  case AST_DOUBLE_LIT: *out = val_double(n->lit.d); return 1;
  case AST_IDENT:
  case AST_SELECT:
  case AST_INDEX: return quick_path(e, n, out, depth);
  default: return -1;
  }
}

bool pe_missing(pe *e, const ast *n) {
  val x;
  int q = quick(e, n, &x, 0);
  if (q >= 0)
    return q == 0;
  return !e->oom && run(e, n, &x) && missing_fact(x);
}

rv pe_apart(pe *e, const ast *n) {
  e->depth++;
  rv r = take_apart(e, n, false);
  e->depth--;
  return r;
}

rv pe_eval(pe *e, const ast *n) {
  val x;
  int q = quick(e, n, &x, 0);
  if (q == 1)
    return known(n, x);
  if ((n->kind == AST_AND || n->kind == AST_OR) && !e->oom &&
      e->depth <= PE_DEPTH_MAX)
    return logic_eval(e, n);
  if (q < 0 && (e->oom || e->depth > PE_DEPTH_MAX || !run(e, n, &x))) {
    e->opaque = true;
    return res(n);
  }
  if (q < 0 && !missing_fact(x))
    return known(n, x);
  e->depth++;
  rv r = take_apart(e, n, q < 0);
  e->depth--;
  return r;
}
