/*
 * explain_say.c: the one sentence that says why a rule FAILs
 * (explain.h), in Japanese or English:
 *
 *   保管世代数（backup.generations）は 7 以上であることが必要ですが、
 *   ベンダーの記載は 5 です（§3: 「5世代保管」）
 *
 * From `require` down, the sub-expression that decided the result is
 * followed: the false operand of an && (and every operand of an ||), the
 * operand of a !, with the sense turned, the arm a ?: took, a let's
 * expression, an all()'s body for the item that failed it. Where that
 * ends, a fact compared with a constant, a bool fact, an exists() no item
 * met, or has(), is worded with the fact's description from the schema,
 * the value the vendor states and the citation of its document.
 */
#include "explain.h"

#include <string.h>

#include "format.h"
#include "report.h"

/* ==== following the decision ============================================= */

/* Whether node [i] gave the bool [*b]. */
static bool bool_of(const explainer *x, uint32_t i, bool *b) {
  const xvalue *v = &x->values[i];
  if (v->state != XS_VALUE || v->v.kind != V_BOOL)
    return false;
  *b = v->v.as.b;
  return true;
}

/* The node of the rule for the AST [n], a child of node [parent]. */
static int32_t child(const xnode *nodes, uint32_t count, uint32_t parent,
                     const ast *n) {
  for (uint32_t k = parent + 1; k < count; k++)
    if (nodes[k].parent == (int32_t)parent && nodes[k].n == n)
      return (int32_t)k;
  return -1;
}

/* The first child of [i] that gave [b], or -1. */
static int32_t child_giving(const explainer *x, const xnode *nodes,
                            uint32_t count, uint32_t i, bool b) {
  bool v;
  for (uint32_t k = i + 1; k < count; k++)
    if (nodes[k].parent == (int32_t)i && bool_of(x, k, &v) && v == b)
      return (int32_t)k;
  return -1;
}

/* The node that decided node [i] not to give [want]; *[sense] gets the
 * value that node should have had. The recursion follows the tree. */
static int32_t culprit(const explainer *x, const xnode *nodes,
                       uint32_t count, uint32_t i, bool want, bool *sense) {
  const xnode *n = &nodes[i];
  int32_t c = -1;
  bool b;
  *sense = want;
  switch (n->kind) {
  case XK_AND: case XK_OR:
    c = child_giving(x, nodes, count, i, !want);
    break;
  case XK_NOT: c = child(nodes, count, i, n->n->kids[0]); want = !want; break;
  case XK_COND:
    if (bool_of(x, (uint32_t)child(nodes, count, i, n->n->kids[0]), &b))
      c = child(nodes, count, i, n->n->kids[b ? 1 : 2]);
    break;
  case XK_QUANT:
    if (x->values[i].decided && !strcmp(n->macro, "all") && want)
      c = child(nodes, count, i, n->n->kids[2]);
    break;
  default: break;
  }
  if (n->kind == XK_LET) /* its expression: the node after it */
    c = i + 1 < count && nodes[i + 1].parent == (int32_t)i ? (int32_t)i + 1
                                                           : -1;
  if (c < 0)
    return (int32_t)i;
  return culprit(x, nodes, count, (uint32_t)c, want, sense);
}

/* ==== words ============================================================== */

/* The half of a schema description in language [l] ("JA / EN", the
 * slash after a blank or a full-width bracket), up to its first
 * sentence's end: the rest is notes on recording. */
static const char *desc_in(explainer *x, const char *desc, lang l) {
  const char *sep = desc, *end;
  while ((sep = strstr(sep, "/ ")) && sep > desc && sep[-1] != ' ' &&
         (sep - desc < 3 || memcmp(sep - 3, "\xef\xbc\x89", 3) != 0))
    sep += 2; /* ）/ */
  const char *from = sep && l == LANG_EN ? sep + 2 : desc;
  end = sep && l != LANG_EN ? sep : from + strlen(from);
  const char *stop = strstr(from, l == LANG_EN ? ". " : "\xe3\x80\x82");
  if (stop && stop < end)
    end = stop;
  while (end > from && end[-1] == ' ')
    end--;
  int open = 0; /* brackets the cut left open are closed */
  for (const char *c = from; c < end; c++)
    open += (*c == '(') - (*c == ')') +
            (!strncmp(c, "\xef\xbc\x88", 3)) - (!strncmp(c, "\xef\xbc\x89", 3));
  const char *t = arena_strndup(&x->run, from, (size_t)(end - from));
  for (; t && open > 0; open--)
    t = arena_printf(&x->run, l == LANG_EN ? "%s...)" : "%s…）", t);
  return t;
}

/* "保管世代数（backup.generations）" or the path alone. */
static void fact_name(explainer *x, sbuf *b, const char *path, lang l) {
  const fact_decl *f = path ? policy_fact(x->pol, path) : NULL;
  if (!path)
    path = "?";
  if (f && f->desc)
    sb_printf(b, l == LANG_EN ? "%s (%s)" : "%s（%s）",
              desc_in(x, f->desc, l), path);
  else
    sb_printf(b, l == LANG_EN ? "%s" : "%s ", path);
}

/* A value as text, a long one cut (a list of 33 regions says its first
 * items and how many more). */
static void short_value(sbuf *b, val v) {
  if (v.kind == V_LIST && v.as.l->n > 6) {
    sb_putc(b, '[');
    for (uint32_t i = 0; i < 4; i++) {
      val_print(b, v.as.l->items[i]);
      sb_puts(b, ", ");
    }
    sb_printf(b, "… (%u)]", v.as.l->n);
    return;
  }
  val_print(b, v);
}

static void value_text(sbuf *b, const xvalue *v) {
  if (v->state == XS_VALUE)
    short_value(b, v->v);
  else
    sb_puts(b, "?");
}

/* The citation of [path] as " (…)" or "（…）", or nothing. */
static void citation(explainer *x, sbuf *b, const char *path, lang l) {
  const char *ev = path ? explain_evidence(x, path) : NULL;
  if (ev)
    sb_printf(b, l == LANG_EN ? " (%s)" : "（%s）", ev);
}

/* What [op] asks of a value compared with [c], turned when ![sense]. */
static void requirement(sbuf *b, int op, bool sense, const char *c, lang l) {
  static const struct {
    int op;
    const char *ja, *en, *ja_not, *en_not;
  } words[] = {
      {AST_OP_GE, "%s 以上", "at least %s", "%s 未満", "less than %s"},
      {AST_OP_GT, "%s より大きい値", "more than %s", "%s 以下", "at most %s"},
      {AST_OP_LE, "%s 以下", "at most %s", "%s より大きい値", "more than %s"},
      {AST_OP_LT, "%s 未満", "less than %s", "%s 以上", "at least %s"},
      {AST_OP_EQ, "%s", "%s", "%s 以外", "other than %s"},
      {AST_OP_NE, "%s 以外", "other than %s", "%s", "%s"},
      {AST_OP_IN, "%s のいずれか", "one of %s", "%s のいずれでもない値",
       "none of %s"},
  };
  for (size_t i = 0; i < POL_COUNTOF(words); i++)
    if (words[i].op == op) {
      const char *w = l == LANG_EN ? (sense ? words[i].en : words[i].en_not)
                                   : (sense ? words[i].ja : words[i].ja_not);
      sb_printf(b, w, c);
    }
}

/* [name] must be [what], but the vendor states [v] (evidence). */
static void needs(explainer *x, sbuf *b, const char *path, const char *what,
                  const xvalue *v, lang l) {
  fact_name(x, b, path, l);
  sb_puts(b, l == LANG_EN ? " must be " : "は ");
  sb_puts(b, what);
  size_t n = strlen(what); /* no blank between Japanese words */
  bool ascii = n && (unsigned char)what[n - 1] < 0x80;
  sb_puts(b, l == LANG_EN ? ", but the vendor states "
             : ascii ? " であることが必要ですが、ベンダーの記載は "
                     : "であることが必要ですが、ベンダーの記載は ");
  value_text(b, v);
  sb_puts(b, l == LANG_EN ? "" : " です");
  citation(x, b, path, l);
}

static bool is_literal_ast(const ast *n) { return n->kind <= AST_BYTES_LIT; }

/* Whether [n] is `path.?field.orValue(default)`: an optional fact read
 * with a default, which stands for the fact. */
static bool or_value(const xnode *n) {
  const ast *a = n->n;
  return n->kind == XK_CALL && (a->flags & AST_F_RECEIVER) &&
         !strcmp(a->name, "orValue") && a->nkids == 2 &&
         a->kids[0]->kind == AST_SELECT &&
         (a->kids[0]->flags & AST_F_OPTIONAL);
}

/* Whether node [k] reads a fact (a path, or a derived fact). */
static bool is_fact(explainer *x, const xnode *n) {
  if (n->kind == XK_FACT || or_value(n))
    return true;
  return n->kind == XK_LET && policy_fact(x->pol, n->name);
}

/* The node of the fact [i] stands for: itself, or the fact a let (or a
 * chain of lets) names; -1 when none. */
static int32_t fact_node(explainer *x, const xnode *nodes, uint32_t count,
                         int32_t i) {
  while (i >= 0 && nodes[i].kind == XK_LET && !policy_fact(x->pol,
                                                           nodes[i].name))
    i = (uint32_t)i + 1 < count && nodes[i + 1].parent == i ? i + 1 : -1;
  return i >= 0 && (nodes[i].kind == XK_FACT || nodes[i].kind == XK_LET) ? i
                                                                          : -1;
}

/* "C" in list_fact: the list must (not) hold C. */
static bool membership(explainer *x, const xnode *nodes, uint32_t count,
                       uint32_t i, bool sense, sbuf *b, lang l) {
  const ast *n = nodes[i].n;
  int32_t f = fact_node(x, nodes, count, child(nodes, count, i, n->kids[1]));
  if (f < 0 || !is_literal_ast(n->kids[0]))
    return false;
  const char *path = explain_path(x, (uint32_t)f);
  const char *c = format_oneline(&x->run, nodes[i].d->src + n->kids[0]->sp.off,
                                 n->kids[0]->sp.len);
  if (!c) { /* out of memory: no explanation (explain_rule) */
    x->oom = true;
    return false;
  }
  fact_name(x, b, path, l);
  if (l == LANG_EN)
    sb_printf(b, " must %sinclude %s, but the vendor states ",
              sense ? "" : "not ", c);
  else
    sb_printf(b, "は %s を含%sことが必要ですが、ベンダーの記載は ", c,
              sense ? "む" : "まない");
  value_text(b, &x->values[f]);
  sb_puts(b, l == LANG_EN ? "" : " です");
  citation(x, b, path, l);
  return true;
}

/* The quantifier around node [i] whose bare variable [a] is, when an
 * item decided it (`c in allowed` in countries.all(c, ...): the item is
 * the fact compared, data.location.countries[1]); -1 otherwise. */
static int32_t item_var(const explainer *x, const xnode *nodes, uint32_t i,
                        const ast *a) {
  if (a->kind != AST_IDENT || (a->flags & AST_F_ROOTED))
    return -1;
  for (int32_t q = nodes[i].quant; q >= 0; q = nodes[q].quant)
    if (!strcmp(nodes[q].var, a->name))
      return x->values[q].item ? q : -1;
  return -1;
}

/* A comparison: the fact side against the constant side. */
static bool comparison(explainer *x, const xnode *nodes, uint32_t count,
                       uint32_t i, bool sense, sbuf *b, lang l) {
  const ast *n = nodes[i].n;
  int32_t s[2] = {child(nodes, count, i, n->kids[0]),
                  child(nodes, count, i, n->kids[1])};
  for (int k = 0; k < 2; k++) /* a let naming a fact: that fact */
    if (s[k] >= 0 && fact_node(x, nodes, count, s[k]) >= 0 &&
        nodes[s[k]].kind == XK_LET && !policy_fact(x->pol, nodes[s[k]].name))
      s[k] = fact_node(x, nodes, count, s[k]);
  int f = s[0] >= 0 && is_fact(x, &nodes[s[0]]) ? 0
          : s[1] >= 0 && is_fact(x, &nodes[s[1]]) ? 1 : -1;
  int32_t q = -1; /* the item itself compared: no node of its own */
  for (int k = 0; f < 0 && k < 2; k++)
    if ((q = item_var(x, nodes, i, n->kids[k])) >= 0)
      f = k;
  if (f < 0 || (s[1 - f] >= 0 && is_fact(x, &nodes[s[1 - f]])) ||
      (f == 1 && n->op == AST_OP_IN))
    return false;
  sbuf c;
  sb_init(&c, &x->a.m);
  const xnode *k = s[1 - f] >= 0 ? &nodes[s[1 - f]] : NULL;
  if (k && k->kind == XK_LET) { /* a named constant: its name, value */
    sb_printf(&c, "%s (", k->name);
    value_text(&c, &x->values[s[1 - f]]);
    sb_putc(&c, ')');
  } else if (k) {
    value_text(&c, &x->values[s[1 - f]]);
  } else {
    const char *t = format_oneline(&x->run, nodes[i].d->src +
                                                n->kids[1 - f]->sp.off,
                                   n->kids[1 - f]->sp.len);
    x->oom |= !t; /* out of memory: no explanation (explain_rule) */
    sb_puts(&c, t ? t : "?");
  }
  static const int turned[] = {[AST_OP_LT] = AST_OP_GT, [AST_OP_LE] =
                                   AST_OP_GE, [AST_OP_GT] = AST_OP_LT,
                               [AST_OP_GE] = AST_OP_LE};
  int op = f == 1 && n->op >= AST_OP_LT && n->op <= AST_OP_GE ? turned[n->op]
                                                              : n->op;
  sbuf what;
  sb_init(&what, &x->a.m);
  requirement(&what, op, sense, c.p ? c.p : "", l);
  xvalue item = {.state = XS_VALUE};
  if (q >= 0)
    item.v = x->values[q].item_v;
  needs(x, b, q >= 0 ? x->values[q].item : explain_path(x, (uint32_t)s[f]),
        what.p ? what.p : "", q >= 0 ? &item : &x->values[s[f]], l);
  x->oom |= c.oom || what.oom; /* a sentence with a hole is no sentence */
  sb_free(&what);
  sb_free(&c);
  return true;
}

/* A bool fact (or derived fact) that is not what it must be. */
static void flag(explainer *x, uint32_t i, bool sense, sbuf *b, lang l) {
  needs(x, b, explain_path(x, i), sense ? "true" : "false", &x->values[i],
        l);
}

/* An exists() that no item met. */
static void none_met(explainer *x, const xnode *nodes, uint32_t count,
                     uint32_t i, sbuf *b, lang l) {
  int32_t r = child(nodes, count, i, nodes[i].n->kids[0]);
  int32_t body = child(nodes, count, i, nodes[i].n->kids[2]);
  const char *range = r >= 0 ? nodes[r].text : "?";
  if (r >= 0 && nodes[r].kind == XK_LET && (uint32_t)r + 1 < count &&
      nodes[r + 1].parent == r && nodes[r + 1].kind == XK_FACT)
    r++; /* a let that names a fact: that fact, with its citation */
  const char *cond = body >= 0 ? nodes[body].text : "?";
  if (l == LANG_EN)
    sb_printf(b, "some item of %s must meet %s, but none does (", range,
              cond);
  else
    sb_printf(b, "%s のいずれかの要素が %s を満たすことが必要ですが、満たす"
                 "要素はありません（", range, cond);
  if (r >= 0)
    value_text(b, &x->values[r]);
  sb_puts(b, l == LANG_EN ? ")" : "）");
  if (r >= 0)
    citation(x, b, explain_path(x, (uint32_t)r), l);
}

/* Anything else: the sub-expression and what it gave. */
/* After a sentence about an expression that is no plain comparison of a
 * fact (`timestamp($vendor.date) + d >= now()`): the first fact under
 * node [i] with a value, so the reader still sees what the vendor
 * states. Descendants follow their node in preorder, deeper. */
static void stated_below(explainer *x, uint32_t i, sbuf *b, lang l) {
  uint32_t count;
  const xnode *nodes = explain_nodes(x, &count);
  for (uint32_t j = i + 1; j < count && nodes[j].depth > nodes[i].depth;
       j++) {
    if (!is_fact(x, &nodes[j]) || x->values[j].state != XS_VALUE)
      continue;
    const char *path = explain_path(x, j);
    sb_printf(b, l == LANG_EN ? " (the vendor states %s = " :
                                "（ベンダーの記載は %s = ",
              path ? path : nodes[j].text);
    value_text(b, &x->values[j]);
    sb_puts(b, l == LANG_EN ? ")" : "）");
    citation(x, b, path, l);
    return;
  }
}

static void generic(explainer *x, uint32_t i, bool sense, sbuf *b, lang l) {
  const xnode *n = &x->nodes[x->rules[x->rule].first + i];
  if (l == LANG_EN)
    sb_printf(b, "%s must be %s, but it is ", n->text,
              sense ? "true" : "false");
  else
    sb_printf(b, "%s が %s であることが必要ですが、結果は ", n->text,
              sense ? "true" : "false");
  value_text(b, &x->values[i]);
  sb_puts(b, l == LANG_EN ? "" : " です");
  stated_below(x, i, b, l);
}

const char *explain_say(explainer *x, lang l) {
  uint32_t count;
  const xnode *nodes = explain_nodes(x, &count);
  uint32_t root = 0;
  while (root < count && (nodes[root].role != 1 || nodes[root].depth != 0))
    root++;
  if (root == count)
    return NULL;
  bool sense;
  uint32_t c = (uint32_t)culprit(x, nodes, count, root, true, &sense);
  sbuf b;
  sb_init(&b, &x->a.m);
  const xnode *n = &nodes[c];
  bool said = false;
  if (n->kind == XK_CMP && n->op == AST_OP_IN)
    said = membership(x, nodes, count, c, sense, &b, l);
  if (n->kind == XK_CMP && !said)
    said = comparison(x, nodes, count, c, sense, &b, l);
  else if (is_fact(x, n) && x->values[c].state == XS_VALUE &&
           x->values[c].v.kind == V_BOOL)
    flag(x, c, sense, &b, l), said = true;
  else if (n->kind == XK_QUANT && strcmp(n->macro, "all") != 0 && sense)
    none_met(x, nodes, count, c, &b, l), said = true;
  if (!said)
    generic(x, c, sense, &b, l);
  sb_puts(&b, l == LANG_EN ? "." : "。");
  x->oom |= b.oom;
  const char *t = b.oom ? NULL : arena_strndup(&x->run, b.p, b.len);
  sb_free(&b);
  x->oom |= !t;
  return t;
}

/* ==== paths and citations ================================================ */

/* Whether [s] is an identifier: a key the path writes as .key. */
static bool plain_name(const char *s) {
  if (!*s || (*s >= '0' && *s <= '9'))
    return false;
  for (; *s; s++)
    if (!(*s == '_' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
          (*s >= '0' && *s <= '9')))
      return false;
  return true;
}

const char *explain_path(explainer *x, uint32_t i) {
  uint32_t count;
  const xnode *nodes = explain_nodes(x, &count);
  const xnode *n = &nodes[i];
  if (n->kind == XK_LET)
    return n->name;
  if (or_value(n)) { /* a.?b.orValue(d): the fact a.b */
    const ast *r = n->n->kids[0];
    const char *t = format_oneline(&x->run, n->d->src + r->sp.off,
                                   r->sp.len);
    char *p = t ? arena_strndup(&x->run, t, strlen(t)) : NULL;
    x->oom |= !p; /* out of memory: no explanation (explain_rule) */
    for (char *q = p ? strstr(p, ".?") : NULL; q; q = strstr(q, ".?"))
      memmove(q + 1, q + 2, strlen(q + 2) + 1);
    return p;
  }
  if (n->kind != XK_FACT)
    return NULL;
  /* a path from a macro variable: the item's path instead; an index by
   * one: the item's value */
  for (int32_t q = n->quant; q >= 0; q = nodes[q].quant) {
    const char *v = nodes[q].var, *t = n->text;
    size_t k = strlen(v);
    if (!x->values[q].item)
      continue;
    if (!strncmp(t, v, k) && (t[k] == '\0' || t[k] == '.' || t[k] == '['))
      return arena_printf(&x->run, "%s%s", x->values[q].item, t + k);
    const char *at = strstr(t, arena_printf(&x->run, "[%s]", v));
    if (at) {
      sbuf b;
      sb_init(&b, &x->a.m);
      val iv = x->values[q].item_v;
      sb_printf(&b, "%.*s", (int)(at - t), t);
      if (iv.kind == V_STRING && plain_name(iv.as.s->data)) {
        sb_printf(&b, ".%s", iv.as.s->data); /* as the fact set says it */
      } else {
        sb_putc(&b, '[');
        val_print(&b, iv);
        sb_putc(&b, ']');
      }
      sb_puts(&b, at + k + 2);
      x->oom |= b.oom; /* the render fails: not the text unsubstituted */
      const char *p = b.oom ? t : arena_strndup(&x->run, b.p, b.len);
      sb_free(&b);
      return p;
    }
  }
  return n->text;
}

const char *explain_evidence(const explainer *x, const char *path) {
  const val *ev = x->vars ? map_get_str(x->vars, "$evidence", 9,
                                        val_hash_bytes("$evidence", 9))
                          : NULL;
  if (!ev || ev->kind != V_MAP)
    return NULL;
  size_t n = strlen(path);
  while (n > 0) {
    const val *c = map_get_str(ev->as.m, path, n, val_hash_bytes(path, n));
    if (c && c->kind == V_STRING)
      return c->as.s->data;
    while (n > 0 && path[n - 1] != '.' && path[n - 1] != '[')
      n--;
    if (n > 0)
      n--; /* the '.' or '[' itself */
  }
  return NULL;
}
