/*
 * check.c: names and static types of a policy's expressions (check.h).
 *
 * One walk, check(), returns the static type of each node as it checks
 * it. A type is a kind (a val_kind) with, for lists and maps, the
 * declared type of their elements, or T_DYN where it is not known
 * statically: a fact with no declaration (or declared `any`), a call of
 * a host function, an element of a list literal. Only a known type is
 * ever reported, so a policy without a schema is checked as far as its
 * literals and builtins go, and no further.
 *
 * A path a.b.c is checked whole, at its outermost SELECT, and its root
 * decides what it is: a macro variable in scope, a let (the policy's
 * own, or the prelude's), else a fact. An unknown fact whose root no
 * declaration has is more likely a mistyped let or variable than a
 * fact: it is called an unknown name, with the nearest let or variable.
 */
#include "check.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "builtins.h"
#include "host.h"
#include "names.h"
#include "schema.h"
#include "suggest.h"

/* A static type: [kind] is a val_kind or T_DYN; [elem] the declared
 * element type of a list or map value type, or NULL when unknown. */
typedef struct ty {
  int kind;
  const fact_type *elem;
} ty;

#define TY(k) ((ty){(k), NULL})
#define DYN TY(T_DYN)

typedef struct local {
  const char *name;
  ty type;
} local;

struct checker {
  mem m;                    /* where the checker's tables come from */
  const policy *p;
  const compile_let *lets;
  size_t nlets;
  name_index let_names;     /* let name -> its last index */
  const char *const *all_names; /* every let's name for "did you mean",
                               or NULL: those of [lets] (chk_let_names) */
  size_t nall_names;
  uint8_t *let_state;       /* per let: 0 new, 1 being typed, 2 typed */
  ty *let_type;
  uint32_t *let_height;     /* per let, once typed: the depth of its
                               expression with its lets written out */
  uint32_t depth;           /* of the node being checked, in its tree */
  uint32_t height;          /* the deepest node of the tree being
                               checked, lets written out */
  uint32_t nested;          /* check()s under way, across the lets typed
                               one inside the other */
  int cur_let;              /* the innermost let being typed */
  bool too_deep;            /* some let was nested too deeply */
  const host_registry *hosts;
  bool lenient;             /* an import failed: unexplained names pass */
  bool partial;             /* statements were left out: all names pass */
  bool names;               /* a schema exists: names are checked */
  diag_list *d;             /* where errors go now */
  local locals[64];         /* macro variables in scope, innermost last */
  int nlocals;
};

static ty check(checker *c, const ast *n);
static ty check_node(checker *c, const ast *n);

/* ==== types ============================================================== */

static ty of_fact(const fact_type *t) {
  return t ? (ty){t->kind, t->elem} : DYN;
}

/* The type of the elements of a list or map of type [t]. */
static ty element(ty t) {
  if (t.kind != V_LIST && t.kind != V_MAP)
    return DYN;
  return of_fact(t.elem);
}

/* A type's name for messages: "int", "list(string)", "duration". */
static const char *type_text(const checker *c, ty t, char *buf,
                             size_t cap) {
  sbuf b;
  sb_init(&b, &c->m);
  fact_type f = {t.kind, t.elem};
  schema_type_name(&f, &b);
  sb_putc(&b, '\0');
  snprintf(buf, cap, "%s", b.p && b.p[0] ? b.p : val_type_name(t.kind));
  sb_free(&b);
  return buf;
}

static bool known(ty t) { return t.kind != T_DYN; }

/* ==== names ============================================================== */

static const local *find_local(const checker *c, const char *name) {
  for (int i = c->nlocals - 1; i >= 0; i--)
    if (strcmp(c->locals[i].name, name) == 0)
      return &c->locals[i];
  return NULL;
}

static void push_local(checker *c, const char *name, ty t) {
  if (c->nlocals < (int)POL_COUNTOF(c->locals))
    c->locals[c->nlocals++] = (local){name, t};
}

/* Names that are never facts: type names and function namespaces. */
static bool reserved_root(const char *name) {
  static const char *const names[] = {
      "bool", "int", "uint", "double", "string", "bytes", "list", "map",
      "null_type", "type", "optional_type", "google", "math", "strings",
      "base64", "optional", "cel", "dyn"};
  for (size_t i = 0; i < POL_COUNTOF(names); i++) /* every path's root */
    if (names[i][0] == name[0] && strcmp(names[i], name) == 0)
      return true;
  return false;
}

/* The dotted path of a chain of plain selections over an identifier
 * (a.b.c) into [buf], and its root identifier in *[root]; false for
 * anything else, or a path too long. */
static bool path_of(const ast *n, char *buf, size_t cap, const ast **root) {
  if (n->kind == AST_IDENT) {
    if (strlen(n->name) + 1 > cap)
      return false;
    strcpy(buf, n->name);
    *root = n;
    return true;
  }
  if (n->kind != AST_SELECT || (n->flags & AST_F_OPTIONAL) ||
      !path_of(n->kids[0], buf, cap, root))
    return false;
  size_t len = strlen(buf);
  if (len + strlen(n->name) + 2 > cap)
    return false;
  buf[len] = '.';
  strcpy(buf + len + 1, n->name);
  return true;
}

/* Whether some declared fact has the root segment [name]. */
static bool fact_root(const policy *p, const char *name) {
  size_t n = strlen(name);
  for (uint32_t i = 0; i < p->nfacts; i++)
    if (strncmp(p->facts[i].path, name, n) == 0 &&
        (p->facts[i].path[n] == '.' || p->facts[i].path[n] == '\0'))
      return true;
  return false;
}

/* The let or macro variable [name] most likely misspells, or NULL;
 * *[var] says which it is. */
static const char *name_like(const checker *c, const char *name, bool *var) {
  suggest s;
  suggest_init(&s, name);
  for (int i = 0; i < c->nlocals; i++)
    suggest_offer(&s, c->locals[i].name);
  *var = suggest_best(&s) != NULL;
  for (size_t i = 0; !*var && c->all_names && i < c->nall_names; i++)
    suggest_offer(&s, c->all_names[i]);
  for (size_t i = 0; !*var && !c->all_names && i < c->nlets; i++)
    suggest_offer(&s, c->lets[i].name);
  return suggest_best(&s);
}

/* The literal that [name], a name nothing defines, is another
 * language's spelling of (True, FALSE, yes, None, nil), or NULL. */
static const char *literal_like(const char *name) {
  static const char *const words[][2] = {
      {"true", "true"},  {"false", "false"}, {"null", "null"},
      {"yes", "true"},   {"no", "false"},    {"on", "true"},
      {"off", "false"},  {"none", "null"},   {"nil", "null"}};
  for (size_t i = 0; i < POL_COUNTOF(words); i++)
    if (strcasecmp(words[i][0], name) == 0)
      return words[i][1];
  return NULL;
}

/* The path [path] of node [n], whose root [root] is no variable or let,
 * is not declared: an unknown fact when its root is a declared fact's
 * (a typo further in), else an unknown name. */
static void unknown_path(checker *c, const ast *n, const char *path,
                         const char *root) {
  bool var;
  if (c->partial && !fact_root(c->p, root))
    return; /* perhaps defined by a statement with a syntax error */
  const char *lit = n->kind == AST_IDENT ? literal_like(root) : NULL;
  if (lit) {
    diag_add(c->d, DC_UNKNOWN_NAME, n->sp, "unknown name '%s'", root);
    if (strcasecmp(lit, root) == 0)
      diag_hint(c->d, "write %s: CEL's literals are lower case", lit);
    else
      diag_hint(c->d, "write %s: CEL's literals are true, false and null",
                lit);
    return;
  }
  const char *like = fact_root(c->p, root) ? NULL : name_like(c, root, &var);
  if (like) {
    diag_add(c->d, DC_UNKNOWN_NAME, n->sp, "unknown name '%s'", root);
    diag_hint(c->d, "did you mean the %s '%s'?", var ? "variable" : "let",
              like);
    return;
  }
  const char *fact = schema_suggest(c->p, path);
  if (!fact && !fact_root(c->p, root)) {
    if (c->lenient)
      return; /* perhaps defined by the module that was not found */
    diag_add(c->d, DC_UNKNOWN_NAME, n->sp, "unknown name '%s': not a let, "
             "a variable or a declared fact", root);
    return;
  }
  diag_add(c->d, DC_UNKNOWN_FACT, n->sp, "unknown fact '%s'", path);
  if (fact)
    diag_hint(c->d, "did you mean '%s'?", fact);
  else
    diag_hint(c->d, "the schema declares no such fact (docs/facts.md)");
}

/* ==== lets =============================================================== */

/* Let [i]'s expression, with the lets it uses written out in place of
 * their names, is more than POL_MAX_INLINED_DEPTH deep: said at its
 * expression, once. Each use of a let is a copy of it, and the compiler
 * and the residuals of unknown rules inline the copies by recursion: a
 * chain of 30,000 lets overflowed the stack. */
static void too_deep(checker *c, int i) {
  if (c->too_deep)
    return; /* once: the chain goes on beyond it, or another one */
  c->too_deep = true;
  diag_add(c->lets[i].src, DC_LIMIT, c->lets[i].expr->sp,
           "let '%s' is nested more than %d deep with the lets it uses "
           "written out in place (each use of a let is a copy of it)",
           c->lets[i].name, POL_MAX_INLINED_DEPTH);
}

/* Type let [i]'s expression in its own source, and its height. */
static void type_let(checker *c, int i) {
  diag_list *d = c->d;
  int nlocals = c->nlocals, cur = c->cur_let;
  bool names = c->names;
  uint32_t depth = c->depth, height = c->height;
  c->let_state[i] = 1;
  c->d = c->lets[i].src;
  c->nlocals = 0; /* a let sees no macro variables of its uses */
  c->names = names && !c->lets[i].prelude;
  c->depth = c->height = 0;
  c->cur_let = i;
  c->let_type[i] = check(c, c->lets[i].expr);
  if (c->height > POL_MAX_INLINED_DEPTH) {
    too_deep(c, i);
    c->height = POL_MAX_INLINED_DEPTH + 1; /* no sum can overflow */
  }
  c->let_height[i] = c->height;
  c->cur_let = cur;
  c->d = d;
  c->nlocals = nlocals;
  c->names = names;
  c->depth = depth;
  c->height = height;
  c->let_state[i] = 2;
}

/* The type of let [i]'s expression: checked (in its own source) the
 * first time it is asked for; a let defined in terms of itself is dyn
 * here (the compiler reports it). The use of it at c->depth counts with
 * its height in the tree being checked. Lets typed one inside the other
 * (each using the next, declared later) stop once the checks under way
 * are POL_MAX_INLINED_DEPTH deep: this recursion is bounded too. */
static ty let_type(checker *c, int i) {
  if (c->let_state[i] == 1)
    return DYN;
  if (c->let_state[i] == 0 && c->nested >= POL_MAX_INLINED_DEPTH) {
    too_deep(c, c->cur_let);
    c->height = POL_MAX_INLINED_DEPTH + 1; /* whatever it is, too deep */
    return DYN;
  }
  if (c->let_state[i] == 0)
    type_let(c, i);
  uint32_t at = c->depth + c->let_height[i]; /* a level for the name */
  if (at > c->height)
    c->height = at;
  return c->let_type[i];
}

/* ==== paths ============================================================== */

/* The type of the declared path [path], or of what it selects from a
 * declared map (one level down); dyn when nothing is declared. */
static ty declared_type(const policy *p, const char *path) {
  const fact_decl *f = policy_fact(p, path);
  if (f)
    return of_fact(f->type);
  const char *dot = strrchr(path, '.');
  char parent[512];
  size_t n = dot ? (size_t)(dot - path) : 0;
  if (!dot || n >= sizeof parent)
    return DYN;
  memcpy(parent, path, n);
  parent[n] = '\0';
  f = policy_fact(p, parent);
  return f && f->type->kind == V_MAP ? of_fact(f->type->elem) : DYN;
}

/* Select field [name] from a value of type [t]: the element type of a
 * declared map; dyn otherwise. */
static ty select_from(ty t, const char *name) {
  POL_UNUSED(name);
  return t.kind == V_MAP ? element(t) : DYN;
}

/* path() but for a let: true with the type in *[t] for a fact, a
 * variable's value with fields selected, or no path; false for the let
 * *[l] with *[fields] fields selected from it. Apart from path() so that
 * its buffer is not on the stack while that let is typed: a let used
 * before it is declared is typed there, and such lets nest. */
static POL_NOINLINE bool path_known(checker *c, const ast *n, ty *t, int *l,
                                    size_t *fields) {
  char buf[512];
  const ast *root;
  *t = DYN;
  if (!path_of(n, buf, sizeof buf, &root))
    return true;
  bool rooted = root->flags & AST_F_ROOTED;
  const local *v = rooted ? NULL : find_local(c, root->name);
  *l = rooted || v ? -1 : names_get(&c->let_names, root->name);
  if (v || *l >= 0) {
    *fields = 0;
    for (const char *s = strchr(buf, '.'); s; s = strchr(s + 1, '.'))
      ++*fields;
    if (!v)
      return false;
    for (*t = v->type; (*fields)--;)
      *t = select_from(*t, NULL);
    return true;
  }
  if (reserved_root(root->name) || root->name[0] == '$')
    return true; /* $vendor: metadata, the same in every fact set */
  if (c->names && !schema_known(c->p, buf))
    unknown_path(c, n, buf, root->name);
  *t = declared_type(c->p, buf);
  return true;
}

/* A path a.b.c (or an identifier) at [n]: a variable's or a let's
 * value with fields selected, or a fact, checked against the schema. */
static ty path(checker *c, const ast *n) {
  ty t;
  int l = -1;
  size_t fields = 0;
  if (path_known(c, n, &t, &l, &fields))
    return t;
  for (t = let_type(c, l); fields--;)
    t = select_from(t, NULL);
  return t;
}

/* Whether [n] is a path a.b.c (apart from check_node, for its buffer). */
static POL_NOINLINE bool is_path(const ast *n) {
  char buf[512];
  const ast *root;
  return path_of(n, buf, sizeof buf, &root);
}

/* ==== comparisons ======================================================== */

static bool is_number(int k) {
  return k == V_INT || k == V_UINT || k == V_DOUBLE;
}

/* The kind class a literal compares as: numbers are one class. */
static int kind_class(int kind) {
  return kind == V_UINT || kind == V_DOUBLE ? V_INT : kind;
}

static int literal_kind(const ast *n) {
  switch (n->kind) {
  case AST_STRING_LIT: return V_STRING;
  case AST_INT_LIT: return V_INT;
  case AST_UINT_LIT: return V_UINT;
  case AST_DOUBLE_LIT: return V_DOUBLE;
  case AST_BOOL_LIT: return V_BOOL;
  case AST_BYTES_LIT: return V_BYTES;
  default: return -1;
  }
}

/* fact OP literal (either order) with a declared type of another kind:
 * the comparison can only ever be an error or false. Whether it said
 * so. */
static bool compare_fact(checker *c, const ast *n, const ty t[2]) {
  for (int side = 0; side < 2; side++) {
    const ast *f = n->kids[side], *lit = n->kids[1 - side];
    char buf[512], tt[64];
    const ast *root;
    int lk = literal_kind(lit);
    if (lk < 0 || !known(t[side]) || kind_class(t[side].kind) ==
                                         kind_class(lk) ||
        !path_of(f, buf, sizeof buf, &root) || !policy_fact(c->p, buf))
      continue;
    const char *kind = val_kind_name(lk);
    diag_add(c->d, DC_FACT_TYPE, n->sp,
             "fact '%s' is %s, but is compared with %s %s", buf,
             type_text(c, t[side], tt, sizeof tt),
             strchr("aeiou", kind[0]) ? "an" : "a", kind);
    if (t[side].kind == V_LIST)
      diag_hint(c->d, "to test whether the list holds a value, write "
                "%.*s in %s", (int)lit->sp.len, c->d->src + lit->sp.off, buf);
    else if (is_number(t[side].kind) && lk == V_STRING)
      diag_hint(c->d, "write the number without quotes");
    return true;
  }
  return false;
}

/* The kinds that order against each other (numbers across int, uint
 * and double), or -1 for a kind that has no order. */
static int order_class(int kind) {
  switch (kind) {
  case V_INT: case V_UINT: case V_DOUBLE: return V_INT;
  case V_STRING: case V_BYTES: case V_BOOL: case V_TIMESTAMP:
  case V_DURATION: return kind;
  default: return -1;
  }
}

static const char *op_text(int op) {
  static const char *const text[] = {
      [AST_OP_LT] = "<", [AST_OP_LE] = "<=", [AST_OP_GT] = ">",
      [AST_OP_GE] = ">=", [AST_OP_IN] = "in"};
  return op >= AST_OP_LT && op <= AST_OP_IN ? text[op] : "?";
}

/* [a] < [b] (<=, >, >=) of known types that do not order against each
 * other ("7" >= 7, 3 <= x <= 7), or [a] in [b] where [b] is neither a
 * list nor a map ("JP" in data.region): an error for every vendor, so
 * said at compile time. */
static void operands(checker *c, const ast *n, const ty t[2]) {
  char ta[64], tb[64];
  if (!known(t[0]) || !known(t[1]))
    return;
  if (n->op == AST_OP_IN) {
    if (t[1].kind == V_LIST || t[1].kind == V_MAP)
      return;
    diag_add(c->d, DC_OPERAND_TYPE, n->sp,
             "'in' needs a list or a map on its right, but this is %s",
             type_text(c, t[1], tb, sizeof tb));
    if (t[1].kind == V_STRING)
      diag_hint(c->d, "compare the string (x == \"JP\"), or look "
                "inside it (x.contains(\"JP\"))");
    return;
  }
  int a = order_class(t[0].kind), b = order_class(t[1].kind);
  if (a >= 0 && a == b)
    return;
  diag_add(c->d, DC_OPERAND_TYPE, n->sp,
           "'%s' compares %s with %s, which have no order between them",
           op_text(n->op), type_text(c, t[0], ta, sizeof ta),
           type_text(c, t[1], tb, sizeof tb));
  if (t[0].kind == V_BOOL && n->kids[0]->kind == AST_BINARY)
    diag_hint(c->d, "a range is two comparisons: 3 <= x && x <= 7");
  else if ((t[0].kind == V_STRING) != (t[1].kind == V_STRING))
    diag_hint(c->d, "write a number without quotes");
}

/* Each side of && or || that is known not to be a bool: an error, or
 * a value absorbed, for every vendor (x == "JP" || "US"). */
static POL_NOINLINE ty logic(checker *c, const ast *n) {
  char tt[64];
  for (uint32_t i = 0; i < n->nkids; i++) {
    ty t = check(c, n->kids[i]);
    if (!known(t) || t.kind == V_BOOL)
      continue;
    const char *op = n->kind == AST_AND ? "&&" : "||";
    diag_add(c->d, DC_NOT_BOOL, n->kids[i]->sp,
             "'%s' needs a bool on each side, but this is %s", op,
             type_text(c, t, tt, sizeof tt));
    if (t.kind == V_STRING && n->kids[i]->kind == AST_STRING_LIT)
      diag_hint(c->d, "compare each value (x == \"JP\" %s x == \"US\"), "
                "or write x in [\"JP\", \"US\"]", op);
  }
  return TY(V_BOOL);
}

/* ==== operators ========================================================== */

/* The type of [a] op [b] for the arithmetic operators. */
static ty arith(int op, ty a, ty b) {
  if (!known(a) || !known(b))
    return DYN;
  bool ts = a.kind == V_TIMESTAMP, dur = a.kind == V_DURATION;
  if (op == AST_OP_SUB && ts && b.kind == V_TIMESTAMP)
    return TY(V_DURATION);
  if ((ts || dur) && b.kind == V_DURATION &&
      (op == AST_OP_ADD || op == AST_OP_SUB))
    return a;
  if (a.kind != b.kind)
    return DYN;
  if (is_number(a.kind) || (op == AST_OP_ADD && (a.kind == V_STRING ||
                                                 a.kind == V_BYTES ||
                                                 a.kind == V_LIST)))
    return a;
  return DYN;
}

/* Whether the name or path [n] means something: a variable, a let, a
 * declared fact (or a part of one), a type or namespace. */
static bool known_path(const checker *c, const ast *n) {
  char buf[512];
  const ast *root;
  if (!path_of(n, buf, sizeof buf, &root))
    return true; /* not a name: arithmetic on something else */
  return find_local(c, root->name) ||
         names_get(&c->let_names, root->name) >= 0 ||
         reserved_root(root->name) || root->name[0] == '$' ||
         schema_known(c->p, buf);
}

/* [n], a subtraction written with no blanks between names whose
 * operands are not all known (backup.retention-days,
 * operator.data-access-restricted): one name with '-' in it was meant.
 * One unknown fact for the whole, with the name written with '_'. */
static bool hyphenated(checker *c, const ast *n) {
  const char *s = c->d->src + n->sp.off;
  uint32_t len = n->sp.len;
  if (!c->names || n->op != AST_OP_SUB || len == 0 || len >= 256 ||
      !isalpha((unsigned char)s[0]))
    return false;
  for (uint32_t i = 0; i < len; i++) {
    bool ok = isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '.' ||
              (s[i] == '-' && i + 1 < len &&
               (isalpha((unsigned char)s[i + 1]) || s[i + 1] == '_'));
    if (!ok)
      return false;
  }
  bool all = true;
  for (const ast *m = n; all; m = m->kids[0]) {
    if (m->kind != AST_BINARY || m->op != AST_OP_SUB) {
      all = known_path(c, m);
      break;
    }
    all = known_path(c, m->kids[1]);
  }
  const ast *first = n;
  while (first->kind == AST_BINARY && first->op == AST_OP_SUB)
    first = first->kids[0];
  char buf[512];
  const ast *root;
  if (all || ((c->lenient || c->partial) && path_of(first, buf, sizeof buf,
                                                     &root) &&
              !fact_root(c->p, root->name)))
    return false; /* names nothing explains pass, as unknown_path says */
  char name[256];
  memcpy(name, s, len);
  name[len] = '\0';
  for (char *k = name; *k; k++)
    *k = *k == '-' ? '_' : *k;
  const char *meant = schema_known(c->p, name) ? name
                                               : schema_suggest(c->p, name);
  diag_add(c->d, DC_UNKNOWN_FACT, n->sp,
           "unknown fact '%.*s': a name has no '-'", (int)len, s);
  if (meant)
    diag_hint(c->d, "did you mean '%s'?", meant);
  else
    diag_hint(c->d, "names are written with '_', not '-'");
  return true;
}

static POL_NOINLINE ty binary(checker *c, const ast *n) {
  if (hyphenated(c, n))
    return DYN;
  ty t[2] = {check(c, n->kids[0]), check(c, n->kids[1])};
  bool said = n->op >= AST_OP_EQ && n->op <= AST_OP_GE && c->names &&
              compare_fact(c, n, t);
  if (!said && n->op >= AST_OP_LT)
    operands(c, n, t);
  if (n->op >= AST_OP_EQ)
    return TY(V_BOOL);
  return arith(n->op, t[0], t[1]);
}

static POL_NOINLINE ty cond(checker *c, const ast *n) {
  check(c, n->kids[0]);
  ty a = check(c, n->kids[1]), b = check(c, n->kids[2]);
  return a.kind == b.kind ? a : DYN;
}

/* ==== calls ============================================================== */

/* Bits of val_kinds, for the receivers a method takes. */
#define K(k) (1u << (k))
#define STRINGS K(V_STRING)
#define TIMES (K(V_TIMESTAMP) | K(V_DURATION))

/* What the checker knows of the builtin methods: the kinds of receiver
 * each takes and the kind it returns (T_DYN: depends). Methods not here
 * are not checked. */
static const struct {
  const char *name;
  unsigned recv;
  int result;
} methods[] = {
    {"contains", STRINGS, V_BOOL},
    {"startsWith", STRINGS, V_BOOL},
    {"endsWith", STRINGS, V_BOOL},
    {"matches", STRINGS, V_BOOL},
    {"size", STRINGS | K(V_BYTES) | K(V_LIST) | K(V_MAP), V_INT},
    {"charAt", STRINGS, V_STRING},
    {"indexOf", STRINGS, V_INT},
    {"lastIndexOf", STRINGS, V_INT},
    {"lowerAscii", STRINGS, V_STRING},
    {"upperAscii", STRINGS, V_STRING},
    {"replace", STRINGS, V_STRING},
    {"split", STRINGS, V_LIST},
    {"substring", STRINGS, V_STRING},
    {"trim", STRINGS, V_STRING},
    {"format", STRINGS, V_STRING},
    {"join", K(V_LIST), V_STRING},
    {"reverse", STRINGS | K(V_LIST), T_DYN},
    {"getFullYear", K(V_TIMESTAMP), V_INT},
    {"getMonth", K(V_TIMESTAMP), V_INT},
    {"getDate", K(V_TIMESTAMP), V_INT},
    {"getDayOfMonth", K(V_TIMESTAMP), V_INT},
    {"getDayOfWeek", K(V_TIMESTAMP), V_INT},
    {"getDayOfYear", K(V_TIMESTAMP), V_INT},
    {"getHours", TIMES, V_INT},
    {"getMinutes", TIMES, V_INT},
    {"getSeconds", TIMES, V_INT},
    {"getMilliseconds", TIMES, V_INT},
};

/* The result kinds of global functions (T_DYN: depends). */
static const struct {
  const char *name;
  int result;
} functions[] = {
    {"size", V_INT},       {"int", V_INT},         {"uint", V_UINT},
    {"double", V_DOUBLE},  {"string", V_STRING},   {"bytes", V_BYTES},
    {"bool", V_BOOL},      {"duration", V_DURATION},
    {"timestamp", V_TIMESTAMP}, {"matches", V_BOOL}, {"type", V_TYPE},
};

static int method_index(const char *name) {
  for (size_t i = 0; i < POL_COUNTOF(methods); i++)
    if (strcmp(methods[i].name, name) == 0)
      return (int)i;
  return -1;
}

/* The receivers method [m] takes, as text: "string", "timestamp or
 * duration". */
static const char *receivers(int m) {
  unsigned r = methods[m].recv;
  return r == STRINGS           ? "string"
         : r == K(V_LIST)       ? "list"
         : r == K(V_TIMESTAMP)  ? "timestamp"
         : r == TIMES           ? "timestamp or duration"
         : r == (STRINGS | K(V_LIST)) ? "string or list"
                                      : "string, bytes, list or map";
}

/* recv.name(...) with the receiver of type [t] at [recv]: a method that
 * does not take that type is an error, with the right form where there
 * is one (list.contains(x) is `x in list`). */
static void receiver(checker *c, const ast *n, int m, ty t) {
  char tt[64];
  if (m < 0 || !known(t) || (methods[m].recv & K(t.kind)))
    return;
  diag_add(c->d, DC_RECEIVER_TYPE, n->sp,
           "method '%s' takes a %s, but its receiver is %s", n->name,
           receivers(m), type_text(c, t, tt, sizeof tt));
  if (t.kind == V_LIST && strcmp(n->name, "contains") == 0 && n->nkids == 2)
    diag_hint(c->d, "to test whether a list holds a value, write %.*s in "
              "%.*s", (int)n->kids[1]->sp.len, c->d->src + n->kids[1]->sp.off,
              (int)n->kids[0]->sp.len, c->d->src + n->kids[0]->sp.off);
  else if (is_number(t.kind) && strcmp(n->name, "contains") == 0)
    diag_hint(c->d, "compare numbers with == < <= > >=");
}

/* Whether [n] calls a macro of two variables: all(i, v, p) and its
 * kin over three arguments, transformList and transformMap. */
static bool two_vars(const ast *n) {
  return strncmp(n->name, "transform", 9) == 0 ||
         (n->nkids == 4 && strcmp(n->name, "map") != 0);
}

/* The macros: range.all(x, p) and friends. x is given the type of the
 * range's elements (a map's keys, which are strings), or in the forms
 * of two variables the index or key and the element. */
static bool macro(checker *c, const ast *n, ty *out) {
  static const struct {
    const char *name;
    int result;
  } macros[] = {{"all", V_BOOL},        {"exists", V_BOOL},
                {"exists_one", V_BOOL}, {"existsOne", V_BOOL},
                {"map", V_LIST},        {"filter", V_LIST},
                {"transformList", V_LIST}, {"transformMap", V_MAP}};
  int kind = -1;
  for (size_t i = 0; i < POL_COUNTOF(macros); i++)
    if (strcmp(n->name, macros[i].name) == 0)
      kind = macros[i].result;
  if (kind < 0 || !(n->flags & AST_F_RECEIVER) || n->nkids < 3)
    return false;
  ty r = check(c, n->kids[0]);
  ty key = r.kind == V_LIST ? TY(V_INT) : r.kind == V_MAP ? TY(V_STRING)
                                                         : DYN;
  bool two = two_vars(n);
  int saved = c->nlocals;
  uint32_t body = two ? 3 : 2;
  if (n->kids[1]->kind == AST_IDENT)
    push_local(c, n->kids[1]->name,
               two || r.kind == V_MAP ? key : element(r));
  if (two && n->kids[2]->kind == AST_IDENT)
    push_local(c, n->kids[2]->name, element(r));
  for (uint32_t i = body; i < n->nkids; i++)
    check(c, n->kids[i]);
  c->nlocals = saved;
  *out = TY(kind);
  return true;
}

/* o.optMap(x, e), o.optFlatMap(x, e): x holds o's value in e. */
static bool opt_map(checker *c, const ast *n, ty *out) {
  if (!(n->flags & AST_F_RECEIVER) || n->nkids != 3 ||
      (strcmp(n->name, "optMap") && strcmp(n->name, "optFlatMap")) ||
      n->kids[1]->kind != AST_IDENT)
    return false;
  check(c, n->kids[0]);
  int saved = c->nlocals;
  push_local(c, n->kids[1]->name, DYN);
  check(c, n->kids[2]);
  c->nlocals = saved;
  *out = DYN;
  return true;
}

/* cel.bind(x, init, body): x holds init's value in body. */
static bool bind(checker *c, const ast *n, ty *out) {
  if (!(n->flags & AST_F_RECEIVER) || n->nkids != 4 ||
      strcmp(n->name, "bind") != 0 || n->kids[1]->kind != AST_IDENT ||
      n->kids[0]->kind != AST_IDENT || strcmp(n->kids[0]->name, "cel"))
    return false;
  ty init = check(c, n->kids[2]);
  int saved = c->nlocals;
  push_local(c, n->kids[1]->name, init);
  *out = check(c, n->kids[3]);
  c->nlocals = saved;
  return true;
}

/* recv.f(args) where recv.f names a host function (acme.score): the
 * receiver chain is part of the name, not a fact. */
static bool host_named(const checker *c, const ast *n) {
  char buf[512];
  const ast *root;
  if (!c->hosts || !(n->flags & AST_F_RECEIVER) ||
      !path_of(n->kids[0], buf, sizeof buf, &root) ||
      strlen(buf) + strlen(n->name) + 2 > sizeof buf)
    return false;
  strcat(strcat(buf, "."), n->name);
  return host_find(c->hosts, buf) != NULL;
}

/* ns.f(args) where ns is a builtin namespace (math.greatest). */
static bool namespaced(const ast *n) {
  return (n->flags & AST_F_RECEIVER) && n->kids[0]->kind == AST_IDENT &&
         reserved_root(n->kids[0]->name);
}

/* Whether [n] calls a function or method that exists (by name and
 * style; the compiler checks the arity): else it reports the call, and
 * what the arguments are is not known (any(c, c > 1) binds no c). */
static bool known_function(const checker *c, const ast *n) {
  bool recv = n->flags & AST_F_RECEIVER;
  int min, max;
  const char *doc;
  return bi_arity(n->name, recv ? BI_RECEIVER : BI_GLOBAL, &min, &max,
                  &doc) ||
         (!recv && host_find(c->hosts, n->name));
}

static POL_NOINLINE ty call(checker *c, const ast *n) {
  ty t;
  if (bind(c, n, &t) || macro(c, n, &t) || opt_map(c, n, &t))
    return t;
  bool recv = n->flags & AST_F_RECEIVER;
  if (!recv && strcmp(n->name, "has") == 0 && n->nkids == 1) {
    check(c, n->kids[0]); /* has(a.b) still names a fact path */
    return TY(V_BOOL);
  }
  bool skip = host_named(c, n) || namespaced(n);
  ty r = recv && !skip ? check(c, n->kids[0]) : DYN;
  if (!skip && !known_function(c, n))
    return DYN; /* the compiler reports it; its arguments may be anything */
  for (uint32_t i = recv ? 1 : 0; i < n->nkids; i++)
    check(c, n->kids[i]);
  if (skip)
    return DYN;
  if (recv) {
    int m = method_index(n->name);
    receiver(c, n, m, r);
    return m >= 0 ? TY(methods[m].result) : DYN;
  }
  for (size_t i = 0; i < POL_COUNTOF(functions); i++)
    if (strcmp(functions[i].name, n->name) == 0)
      return TY(functions[i].result);
  return DYN;
}

/* ==== the walk =========================================================== */

static ty check_kids(checker *c, const ast *n, ty result) {
  for (uint32_t i = 0; i < n->nkids; i++)
    check(c, n->kids[i]);
  return result;
}

/* The type of [n]: check_node's, with the depths counted. */
static ty check(checker *c, const ast *n) {
  if (++c->depth > c->height)
    c->height = c->depth;
  c->nested++;
  ty t = check_node(c, n);
  c->nested--;
  c->depth--;
  return t;
}

static ty check_node(checker *c, const ast *n) {
  switch ((ast_kind)n->kind) {
  case AST_NULL_LIT: return TY(V_NULL);
  case AST_BOOL_LIT: return TY(V_BOOL);
  case AST_INT_LIT: return TY(V_INT);
  case AST_UINT_LIT: return TY(V_UINT);
  case AST_DOUBLE_LIT: return TY(V_DOUBLE);
  case AST_STRING_LIT: return TY(V_STRING);
  case AST_BYTES_LIT: return TY(V_BYTES);
  case AST_IDENT: return path(c, n);
  case AST_SELECT:
    if (is_path(n))
      return path(c, n);
    return select_from(check(c, n->kids[0]), n->name);
  case AST_INDEX: {
    ty t = check(c, n->kids[0]);
    check(c, n->kids[1]);
    return element(t);
  }
  case AST_CALL: return call(c, n);
  case AST_UNARY: {
    ty t = check(c, n->kids[0]);
    return n->op == AST_OP_NOT ? TY(V_BOOL) : is_number(t.kind) ? t : DYN;
  }
  case AST_BINARY: return binary(c, n);
  case AST_AND:
  case AST_OR: return logic(c, n);
  case AST_COND: return cond(c, n);
  case AST_LIST: return check_kids(c, n, TY(V_LIST));
  case AST_MAP: return check_kids(c, n, TY(V_MAP));
  case AST_ENTRY: return check_kids(c, n, DYN);
  default: return DYN;
  }
}

/* What to write instead of a condition of type [t]. */
static const char *condition_hint(ty t) {
  switch (t.kind) {
  case V_INT: case V_UINT: case V_DOUBLE:
    return "compare it, as in backup.generations >= 7";
  case V_STRING:
    return "compare it, as in data.region == \"JP\"";
  case V_LIST:
    return "test it, as in \"JP\" in data.location.countries, or "
           "size(x) > 0";
  case V_MAP:
    return "test a field, as in has(x.field)";
  default:
    return NULL;
  }
}

void chk_expr(checker *c, const ast *e, diag_list *d, const char *clause) {
  char tt[64];
  c->d = d;
  c->nlocals = 0;
  ty t = check(c, e);
  if (!clause || !known(t) || t.kind == V_BOOL)
    return;
  diag_add(d, DC_NOT_BOOL, e->sp, "'%s' must be a bool, but this is %s",
           clause, type_text(c, t, tt, sizeof tt));
  const char *hint = condition_hint(t);
  if (hint)
    diag_hint(d, "%s", hint);
}

void chk_lets(checker *c) {
  for (size_t i = 0; i < c->nlets; i++)
    let_type(c, (int)i);
}

bool chk_lets_too_deep(const checker *c) { return c->too_deep; }

checker *chk_new(const policy *p, const compile_let *lets, size_t nlets,
                 const host_registry *hosts, bool lenient, const mem *m) {
  checker *c = mem_calloc(m, 1, sizeof *c);
  if (!c)
    return NULL;
  c->m = *m;
  c->let_state = mem_calloc(m, nlets + 1, sizeof *c->let_state);
  c->let_type = mem_calloc(m, nlets + 1, sizeof *c->let_type);
  c->let_height = mem_calloc(m, nlets + 1, sizeof *c->let_height);
  if (!c->let_state || !c->let_type || !c->let_height ||
      !names_init(&c->let_names, nlets, m)) {
    chk_free(c);
    return NULL;
  }
  for (size_t i = 0; i < nlets; i++) /* in order: a later let shadows */
    names_put(&c->let_names, lets[i].name, (int)i);
  c->p = p;
  c->lets = lets;
  c->nlets = nlets;
  c->hosts = hosts;
  c->lenient = lenient;
  c->names = p->nfacts > p->nquiet; /* derived and prelude facts: none */
  return c;
}

void chk_let_names(checker *c, const char *const *names, size_t n) {
  c->all_names = names;
  c->nall_names = n;
}

void chk_partial(checker *c) { c->partial = true; }

void chk_free(checker *c) {
  if (!c)
    return;
  mem m = c->m;
  names_free(&c->let_names);
  mem_free(&m, c->let_state);
  mem_free(&m, c->let_type);
  mem_free(&m, c->let_height);
  mem_free(&m, c);
}
