/*
 * parse_policy.c: the grammar actions of policy statements (parser.y's
 * `stmt`, clauses and fact declarations): they build the AST_POLICY tree
 * of docs/policies.md and check what the grammar cannot say, such as
 * the shape of a fact path or type, a severity, a question's language,
 * with "did you mean" where a name is near a right one. The expression
 * actions, and the helpers both use, are in parse.c (parse_impl.h).
 */
#include "parse_impl.h"

#include <string.h>
#include <strings.h>

#include "suggest.h"

static pol_loc loc_of(span s) {
  return (pol_loc){s.off, s.off + s.len, s.line, s.col};
}

static bool had_error(const pol_parser *p, span sp);

/* Record [file], the whole policy, as the result of the parse, without
 * the statements an error was reported in: the tree of a policy with
 * errors (parse_policy_partial) holds only the statements that are
 * right, whose names and types can still be checked. */
void parse_policy_root(pol_parser *p, ast *file) {
  uint32_t k = 0;
  for (uint32_t i = 0; file && p->nerr && i < file->nkids; i++)
    if (!had_error(p, file->kids[i]->sp))
      file->kids[k++] = file->kids[i];
  if (file && p->nerr)
    file->nkids = k;
  p->root = file;
}

/* Whether this parse reported an error inside [sp] (a statement's
 * span); all of them, when the list stopped recording errors. */
static bool had_error(const pol_parser *p, span sp) {
  const diag_list *d = p->d;
  if (d->dropped)
    return true;
  for (size_t i = p->diag0; i < d->n; i++)
    if (d->items[i].sp.off >= sp.off && d->items[i].sp.off <= sp.off + sp.len)
      return true;
  return false;
}

/* Append [stmt] (NULL for one an error replaced) to [file], which is
 * created, spanning the whole source, when NULL. Returns [file]. */
ast *parse_stmt(pol_parser *p, ast *file, ast *stmt) {
  if (!file) {
    span all = diag_span_at(p->d, 0, (uint32_t)p->d->srclen);
    file = parse_node(p, AST_POLICY, loc_of(all));
  }
  parse_push(p, file, stmt);
  return file;
}

/* The header `policy [name] [block]` spanning [at]: the block's node,
 * an AST_HEADER, gets its name and span. */
ast *parse_header(pol_parser *p, const pol_tok *name, ast *block,
                  pol_loc at) {
  POL_UNUSED(p);
  block->name = name->s;
  block->sp = parse_span(at);
  return block;
}

/* `import [name]` spanning [at]. */
ast *parse_import(pol_parser *p, const pol_tok *name, pol_loc at) {
  ast *n = parse_node(p, AST_IMPORT, at);
  n->lit.s.p = name->s;
  n->lit.s.n = name->n;
  return n;
}

/* The clauses of [block] (an AST_IMPORT holding only CLAUSEs) given to
 * the import [imp], which now spans [at]. */
ast *parse_import_block(pol_parser *p, ast *imp, ast *block, pol_loc at) {
  for (uint32_t i = 0; i < block->nkids; i++)
    parse_push(p, imp, block->kids[i]);
  imp->sp = parse_span(at);
  return imp;
}

/* `override [id] [block]` spanning [at]: the block's clauses replace the
 * imported rule's (policy.c checks which may). */
ast *parse_override(pol_parser *p, const pol_tok *id, ast *block,
                    pol_loc at) {
  POL_UNUSED(p);
  block->kind = AST_OVERRIDE;
  block->name = id->s;
  block->sp = parse_span(at);
  return block;
}

/* `let [name] = [e]` spanning [at]. */
ast *parse_let(pol_parser *p, const pol_tok *name, pexpr e, pol_loc at) {
  ast *n = parse_node(p, AST_LET, at);
  n->name = name->s;
  parse_push(p, n, e.n);
  return n;
}

/* Whether [s] is a plain identifier, [_a-zA-Z][_a-zA-Z0-9]*. */
static bool plain_ident(const char *s) {
  for (const char *c = s; *c; c++) {
    bool alpha = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                 *c == '_';
    if (!alpha && (c == s || *c < '0' || *c > '9'))
      return false;
  }
  return *s != '\0';
}

/* Append the fact path that [n] spells to [b]: a name followed by
 * .names (IDENT and plain SELECTs), a segment that is no plain
 * identifier in backquotes. False when [n] is no such path. The
 * recursion is as deep as the path, which the depth limit bounds. */
static bool path_put(sbuf *b, const ast *n) {
  if (n->kind == AST_IDENT && !(n->flags & AST_F_ROOTED)) {
    sb_puts(b, n->name);
    return true;
  }
  if (n->kind != AST_SELECT || (n->flags & AST_F_OPTIONAL) ||
      n->nkids != 1 || !path_put(b, n->kids[0]))
    return false;
  sb_printf(b, plain_ident(n->name) ? ".%s" : ".`%s`", n->name);
  return true;
}

/* The fact path [n] as a string in the arena; "" after an error. */
static const char *fact_path(pol_parser *p, const ast *n) {
  sbuf b;
  sb_init(&b, &p->a->m);
  bool ok = path_put(&b, n);
  const char *s = ok && !b.oom ? arena_strndup(p->a, b.p, b.len) : NULL;
  sb_free(&b);
  if (!ok && n != &p->spare && !p->oom)
    parse_report(p, DC_BAD_FACT_DECL, n->sp,
           "expected a fact path such as backup.generations");
  else if (ok && !s)
    parse_oom(p, n->sp);
  return s ? s : "";
}

/* The fact types, and how many parameters each takes. */
static const struct {
  const char *name;
  uint32_t params;
} fact_types[] = {{"bool", 0},   {"int", 0},      {"uint", 0},
                  {"double", 0}, {"string", 0},   {"bytes", 0},
                  {"duration", 0}, {"timestamp", 0}, {"list", 1},
                  {"map", 2},    {"any", 0}};
#define TYPE_NAMES                                                        \
  "bool, int, uint, double, string, bytes, duration, timestamp, list, "   \
  "map, any"

static int type_index(const char *name) {
  for (size_t i = 0; name && i < POL_COUNTOF(fact_types); i++)
    if (strcmp(fact_types[i].name, name) == 0)
      return (int)i;
  return -1;
}

/* [n] names no fact type: say so, with the nearest type's name. */
static void unknown_type(pol_parser *p, const ast *n) {
  suggest sg;
  suggest_init(&sg, n->name);
  for (size_t i = 0; i < POL_COUNTOF(fact_types); i++)
    suggest_offer(&sg, fact_types[i].name);
  parse_report(p, DC_BAD_FACT_DECL, n->sp,
         "unknown type '%s' (expected one of: " TYPE_NAMES ")", n->name);
  if (suggest_best(&sg))
    parse_hint(p, "did you mean '%s'?", suggest_best(&sg));
}

/* Check the parameters of type [k], written as [n] (a CALL when [call]),
 * reporting a wrong count; true when they are right. */
static bool type_params(pol_parser *p, const ast *n, int k, bool call) {
  uint32_t want = fact_types[k].params, got = call ? n->nkids : 0;
  if (want == 0 && call)
    parse_report(p, DC_BAD_FACT_DECL, n->sp, "type '%s' takes no parameters",
           fact_types[k].name);
  else if (want != got && want == 1)
    parse_report(p, DC_BAD_FACT_DECL, n->sp,
           "type 'list' takes 1 parameter: list(TYPE)");
  else if (want != got)
    parse_report(p, DC_BAD_FACT_DECL, n->sp,
           "type 'map' takes 2 parameters: map(string, TYPE)");
  return want == got && !(want == 0 && call);
}

/* The fact type that the member expression [n] spells (int,
 * list(string), map(string, list(int)), ...) as an AST_TYPE tree, with
 * a message for anything else. Recursion follows the nesting of the
 * parameters, which the depth limit bounds. */
static ast *type_of(pol_parser *p, const ast *n) {
  ast *t = parse_node(p, AST_TYPE, loc_of(n->sp));
  bool call = n->kind == AST_CALL &&
              !(n->flags & (AST_F_RECEIVER | AST_F_ROOTED));
  bool id = n->kind == AST_IDENT && !(n->flags & AST_F_ROOTED);
  int k = call || id ? type_index(n->name) : -1;
  if (n == &p->spare)
    return t;
  t->name = k >= 0 ? fact_types[k].name : n->name;
  if (!call && !id)
    parse_report(p, DC_BAD_FACT_DECL, n->sp,
           "invalid type (expected one of: " TYPE_NAMES ")");
  else if (k < 0)
    unknown_type(p, n);
  bool ok = k >= 0 && type_params(p, n, k, call);
  for (uint32_t i = 0; call && k >= 0 && fact_types[k].params &&
                       i < n->nkids; i++)
    parse_push(p, t, type_of(p, n->kids[i]));
  if (ok && k >= 0 && fact_types[k].params == 2 && t->nkids == 2) {
    const ast *key = t->kids[0];
    if (type_index(key->name) >= 0 && strcmp(key->name, "string") != 0)
      parse_report(p, DC_BAD_FACT_DECL, key->sp,
             "map keys must be string: map(string, TYPE)");
  }
  return t;
}

/* `fact [path]: [type]` spanning [at]. */
ast *parse_fact(pol_parser *p, pexpr path, pexpr type, pol_loc at) {
  ast *n = parse_node(p, AST_FACT, at);
  n->name = fact_path(p, path.n);
  parse_push(p, n, type_of(p, type.n));
  return n;
}

/* The allowed values `in [in]` of [fact]. */
ast *parse_fact_in(pol_parser *p, ast *fact, pexpr in) {
  parse_push(p, fact, in.n);
  return fact;
}

/* The expression [e] a derived [fact] is computed by. */
ast *parse_fact_derived(pol_parser *p, ast *fact, pexpr e) {
  fact->flags |= AST_F_DERIVED;
  parse_push(p, fact, e.n);
  return fact;
}

/* The description [desc] of [fact], which now spans [at]. */
ast *parse_fact_desc(pol_parser *p, ast *fact, const pol_tok *desc,
                     pol_loc at) {
  POL_UNUSED(p);
  fact->lit.s.p = desc->s;
  fact->lit.s.n = desc->n;
  fact->sp = parse_span(at);
  return fact;
}

/* The clauses of [block] (an AST_FACT holding only CLAUSEs) appended
 * to [fact], which now spans [at]. */
ast *parse_fact_block(pol_parser *p, ast *fact, ast *block, pol_loc at) {
  for (uint32_t i = 0; i < block->nkids; i++)
    parse_push(p, fact, block->kids[i]);
  fact->sp = parse_span(at);
  return fact;
}

/* The tag (ja, en) that another name of a language stands for: a
 * country code, the ISO 639-2 code, the language's name. */
static const char *language_alias(const char *s) {
  static const char *const alias[][2] = {
      {"jp", "ja"},       {"jpn", "ja"}, {"japanese", "ja"},
      {"nihongo", "ja"},  {"eng", "en"}, {"english", "en"},
      {"us", "en"},       {"uk", "en"},  {"gb", "en"}};
  for (size_t i = 0; i < POL_COUNTOF(alias); i++)
    if (strcasecmp(alias[i][0], s) == 0)
      return alias[i][1];
  if (strcasecmp(s, "ja") == 0)
    return "ja";
  if (strcasecmp(s, "en") == 0)
    return "en";
  return NULL;
}

/* One `LANG "text"` pair of an ask clause: [text] (at [tl]) in the
 * language named [lang] (at [ll]), appended to [ask] (a new clause when
 * NULL), which now spans [at]. The text's node carries the language tag
 * as its name; an unknown tag is reported. */
ast *parse_ask(pol_parser *p, ast *ask, const pol_tok *lang, pol_loc ll,
               const pol_tok *text, pol_loc tl, pol_loc at) {
  static const char *const langs[] = {"ja", "en"};
  const char *tag = NULL;
  for (size_t i = 0; i < POL_COUNTOF(langs); i++)
    if (strcmp(langs[i], lang->s) == 0)
      tag = langs[i];
  if (!tag) {
    parse_report(p, DC_BAD_LANGUAGE, parse_span(ll), "unknown language '%s' in 'ask' "
           "(expected ja or en)", lang->s);
    const char *meant = language_alias(lang->s);
    if (meant)
      parse_hint(p, "did you mean '%s'?", meant);
  }
  if (!ask) {
    ask = parse_node(p, AST_CLAUSE, at);
    ask->name = "ask";
  }
  pexpr s = parse_literal(p, AST_STRING_LIT, text, tl);
  s.n->name = tag;
  parse_push(p, ask, s.n);
  ask->sp = parse_span(at);
  return ask;
}

/* A block's node of kind [k] (AST_HEADER or AST_RULE) at [at] holding
 * [clause] (NULL: none, or one an error replaced). */
ast *parse_block(pol_parser *p, ast_kind k, ast *clause, pol_loc at) {
  ast *n = parse_node(p, k, at);
  parse_push(p, n, clause);
  return n;
}

/* Append [clause] (NULL after an error) to [block]; returns [block]. */
ast *parse_clause_add(pol_parser *p, ast *block, ast *clause) {
  parse_push(p, block, clause);
  return block;
}

/* The clause [kw] [v] spanning [at]; its name is the keyword's text. */
ast *parse_clause(pol_parser *p, const pol_tok *kw, pexpr v, pol_loc at) {
  ast *n = parse_node(p, AST_CLAUSE, at);
  n->name = kw->s;
  parse_push(p, n, v.n);
  return n;
}

/* Whether [n] is one of the names must, should and may. */
static bool severity_name(const ast *n) {
  return n->kind == AST_IDENT && !(n->flags & AST_F_ROOTED) &&
         (strcmp(n->name, "must") == 0 || strcmp(n->name, "should") == 0 ||
          strcmp(n->name, "may") == 0);
}

/* The severity a Japanese word [s] stands for (parse_impl.h). */
const char *parse_japanese_severity(const char *s) {
  static const char *const words[][2] = {
      {"必須", "must"},   {"必要", "must"}, {"推奨", "should"},
      {"望ましい", "should"}, {"任意", "may"},  {"参考", "may"}};
  for (size_t i = 0; i < POL_COUNTOF(words); i++)
    if (strcmp(s, words[i][0]) == 0)
      return words[i][1];
  return NULL;
}

/* The lexer's "cannot be a name" error on the word at byte [off], when
 * it is the diagnostic just reported (parse_impl.h). */
diag *parse_foreign_word(pol_parser *p, uint32_t off) {
  diag *last = p->d->n ? &p->d->items[p->d->n - 1] : NULL;
  return last && last->code == DC_NON_ASCII_NAME && last->sp.off == off
             ? last
             : NULL;
}

/* [v], the value of a severity clause, is no severity: say so, with
 * the nearest one (a Japanese word, severity 必須, once, not also as a
 * name that is not ASCII). */
static void bad_severity(pol_parser *p, const ast *v) {
  static const char *const names[] = {"must", "should", "may"};
  static const char msg[] = "severity must be must, should or may";
  suggest sg;
  suggest_init(&sg, v->kind == AST_IDENT ? v->name : "");
  for (size_t i = 0; i < POL_COUNTOF(names); i++)
    suggest_offer(&sg, names[i]);
  diag *same = v->kind == AST_IDENT ? parse_foreign_word(p, v->sp.off) : NULL;
  if (same) {
    same->code = DC_BAD_SEVERITY;
    same->msg = msg;
    same->hint = NULL;
  } else {
    parse_report(p, DC_BAD_SEVERITY, v->sp, msg);
  }
  const char *ja =
      v->kind == AST_IDENT ? parse_japanese_severity(v->name) : NULL;
  if (ja)
    parse_hint(p, "write '%s': severities are the English words must "
               "(必須), should (推奨) and may (任意)", ja);
  else if (same)
    parse_hint(p, "severities are the English words must (必須), should "
               "(推奨) and may (任意)");
  else if (suggest_best(&sg))
    parse_hint(p, "did you mean '%s'?", suggest_best(&sg));
}

/* The clause `severity [v]` spanning [at]: [v] must be must, should or
 * may. */
ast *parse_severity(pol_parser *p, const pol_tok *kw, pexpr v, pol_loc at) {
  if (!severity_name(v.n) && v.n != &p->spare)
    bad_severity(p, v.n);
  return parse_clause(p, kw, v, at);
}

/* `rule [id] [block]` spanning [at]: the block's AST_RULE gets its name
 * and span. */
ast *parse_rule(pol_parser *p, const pol_tok *id, ast *block, pol_loc at) {
  POL_UNUSED(p);
  block->name = id->s;
  block->sp = parse_span(at);
  return block;
}

/* A clause named [name] at [at] holding [v] (a synthesized one). */
static ast *clause_of(pol_parser *p, const char *name, ast *v, pol_loc at) {
  ast *c = parse_node(p, AST_CLAUSE, at);
  c->name = name;
  parse_push(p, c, v);
  return c;
}

/* The head `[sev] [id]` (at [sl]) of a one-line rule: an AST_RULE with
 * the clause `severity [sev]`. */
ast *parse_rule_head(pol_parser *p, const pol_tok *sev, pol_loc sl,
                     const pol_tok *id) {
  ast *r = parse_node(p, AST_RULE, sl);
  r->name = id->s;
  pexpr s = parse_ident(p, sev, 0, sl);
  parse_push(p, r, clause_of(p, "severity", s.n, sl));
  return r;
}

/* The title [title] (at [tl]) of the one-line rule [rule]. */
ast *parse_rule_title(pol_parser *p, ast *rule, const pol_tok *title,
                      pol_loc tl) {
  pexpr t = parse_literal(p, AST_STRING_LIT, title, tl);
  parse_push(p, rule, clause_of(p, "title", t.n, tl));
  return rule;
}

/* The requirement [e] of the one-line rule [rule], which spans [at]. */
ast *parse_rule_line(pol_parser *p, ast *rule, pexpr e, pol_loc at) {
  parse_push(p, rule, clause_of(p, "require", e.n, loc_of(e.n->sp)));
  rule->sp = parse_span(at);
  return rule;
}

/* A bare expression [e]: a rule with no name and the one clause
 * `require [e]`. */
ast *parse_rule_bare(pol_parser *p, pexpr e) {
  pol_loc at = loc_of(e.n->sp);
  ast *r = parse_node(p, AST_RULE, at);
  parse_push(p, r, clause_of(p, "require", e.n, at));
  return r;
}
