/*
 * test_prelude.c: unit tests of lib/prelude.c, the split of a module of
 * lets by lines, and of how policy.c uses it for the prelude: that the
 * split of stdlib/regions.pol finds every let a full parse finds, with
 * the same spans, and that each let parsed alone gets the same tree;
 * the texts the split refuses (they are parsed whole); which words mark
 * which lets, transitively; and that a compiled policy cannot tell the
 * difference (a name spelt only by escapes in a message, "did you mean"
 * among lets never parsed, the let texts a saved policy keeps).
 */
#include "harness.h"

#include <stdlib.h>

#include "ast.h"
#include "diag.h"
#include "parse.h"
#include "policy.h"
#include "prelude.h"

/* ==== helpers ==== */

static bool split_text(prelude_mod *x, diag_list *d, const char *src) {
  bool oom = false;
  diag_init(d, "m.pol", src, strlen(src), NULL);
  bool ok = prelude_split(x, d, &d->a.m, &oom);
  assert_false(oom);
  return ok;
}

static bool splits(const char *src) {
  prelude_mod x;
  diag_list d;
  bool ok = split_text(&x, &d, src);
  prelude_free(&x);
  diag_free(&d);
  return ok;
}

static bool same_span(span a, span b) {
  return a.off == b.off && a.len == b.len && a.line == b.line &&
         a.col == b.col;
}

/* The split of [src] and a parse of the whole of it agree: the same
 * lets in the same order, the same expression spans, and each let
 * parsed alone is the tree of the full parse. Returns the lets. */
static size_t agrees_with_parse(const char *src) {
  prelude_mod x;
  diag_list d;
  arena a;
  assert_true(split_text(&x, &d, src));
  arena_init(&a, 0, NULL);
  ast *root = parse_policy(&a, &d);
  assert_non_null(root);
  assert_int_equal(root->nkids, x.n);
  for (size_t i = 0; i < x.n; i++) {
    const ast *let = root->kids[i];
    const prelude_let *l = &x.v[i];
    assert_int_equal(let->kind, AST_LET);
    assert_string_equal(let->name, l->name);
    span e = {l->eoff, l->elen, l->line, l->ecol};
    if (!same_span(let->kids[0]->sp, e))
      fail_msg("let %s: the parse has %u+%u at %u:%u, the split %u+%u at "
               "%u:%u", l->name, let->kids[0]->sp.off, let->kids[0]->sp.len,
               let->kids[0]->sp.line, let->kids[0]->sp.col, e.off, e.len,
               e.line, e.col);
    const ast *alone = prelude_parse(&x, i, &a);
    assert_non_null(alone);
    assert_string_equal(ast_dump(&a, alone), ast_dump(&a, let));
    assert_true(same_span(alone->sp, let->sp));
    assert_true(same_span(alone->kids[0]->sp, let->kids[0]->sp));
  }
  assert_int_equal(d.n, 0);
  size_t n = x.n;
  arena_free(&a);
  prelude_free(&x);
  diag_free(&d);
  return n;
}

/* The names of the lets [src]'s split marks needed after the words of
 * [text] and the closure, space-separated. */
static const char *needed(const char *src, const char *text) {
  static char out[1024];
  prelude_mod x;
  diag_list d;
  assert_true(split_text(&x, &d, src));
  prelude_need_words(&x, text, strlen(text));
  prelude_need_closure(&x, 1);
  out[0] = '\0';
  for (size_t i = 0; i < x.n; i++)
    if (x.v[i].needed)
      snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s",
               out[0] ? " " : "", x.v[i].name);
  prelude_free(&x);
  diag_free(&d);
  return out;
}

/* Compile [src]; its first diagnostic into *[msg] ("" for none). */
static policy *compile(const char *src, char *msg, size_t cap) {
  diag_set ds = {0};
  policy_paths paths = {.dirs = NULL};
  policy *p = policy_compile(src, strlen(src), "t.pol", &paths, &ds);
  msg[0] = '\0';
  for (size_t i = 0; i < ds.n && !msg[0]; i++)
    if (ds.lists[i]->n) {
      const diag *g = &ds.lists[i]->items[0];
      snprintf(msg, cap, "%u:%u: %s%s%s", g->sp.line, g->sp.col, g->msg,
               g->hint ? " / " : "", g->hint ? g->hint : "");
    }
  diag_set_free(&ds);
  return p;
}

/* ==== the split ==== */

static void regions_splits_as_it_parses(void **state) {
  (void)state;
  const stdlib_module *m = stdlib_find("regions");
  assert_non_null(m);
  /* parse_policy_part does not check the encoding: the split's text is
   * the built-in one, which is UTF-8 */
  assert_true(utf8_valid(m->text, strlen(m->text)));
  assert_true(agrees_with_parse(m->text) > 250);
}

static void the_other_prelude_module_is_parsed_whole(void **state) {
  (void)state;
  const stdlib_module *m = stdlib_find("derived");
  assert_non_null(m);
  assert_false(splits(m->text)); /* it declares facts */
}

static void comments_brackets_and_strings(void **state) {
  (void)state;
  assert_int_equal(agrees_with_parse(
      "// a module\n"
      "\n"
      "let A = \"a // not a comment\"   // a comment\n"
      "let B = [A, \"]\", '[',\n"
      "         \"\\\"\"]  // closes here\n"
      "   // an indented comment\n"
      "let C = {\"k\": [1, 2],\n"
      "  // inside\n"
      "  \"l\": (3 + 4)} \n"
      "let D = B + [A] // \xe3\x81\x82\n"
      "let E = size(B) > 1 && A.startsWith('a')\n"
      "let F = \"\xe6\x97\xa5\xe6\x9c\xac\"\n"
      "let G = D\n"),
      7);
  assert_int_equal(agrees_with_parse("let A = 1"), 1); /* no final newline */
  assert_int_equal(agrees_with_parse("let A = 1\r\nlet B = 2\r\n"), 2);
}

static void other_forms_are_refused(void **state) {
  (void)state;
  assert_true(splits("let A = 1\n"));
  assert_false(splits(""));
  assert_false(splits("// only a comment\n"));
  assert_false(splits("let A = 1 +\n  2\n"));     /* goes on at depth 0 */
  assert_false(splits("let A =\n  1\n"));          /* starts on the next line */
  assert_false(splits("  let A = 1\n"));           /* not at column 1 */
  assert_false(splits("let A = 1; let B = 2\n"));  /* two on one line */
  assert_false(splits("let A = [1,\n"));           /* not closed */
  assert_false(splits("let A = 1)\n"));
  assert_false(splits("let A = r\"\\\"\n"));       /* raw string */
  assert_false(splits("let A = \"\"\"x\"\"\"\n")); /* triple-quoted */
  assert_false(splits("let A = \"x\n"));           /* not closed */
  assert_false(splits("let A = `x`\n"));
  assert_false(splits("let A = 1 # no comment\n"));
  assert_false(splits("let A = \xef\xbc\xa1\n"));  /* full-width: an error */
  assert_false(splits("let A == 1\n"));
  assert_false(splits("let 1A = 1\n"));
  assert_false(splits("let A = 1\nlet A = 2\n"));  /* defined twice */
  assert_false(splits("let A = 1\nrule r { require true }\n"));
  assert_false(splits("let A = 1\nfact a: int \"a\"\n"));
  assert_false(splits("let A = 1\nimport \"regions\"\n"));
  assert_false(splits("let A = 1\nA > 0\n"));      /* a bare rule */
}

/* ==== which lets are needed ==== */

static const char *const mod =
    "let JP = \"JP\"\n"
    "let US = \"US\"\n"
    "let DE = \"DE\"\n"
    "let FR = \"FR\"\n"
    "let EU_MEMBERS = [DE, FR]\n"
    "let EU_PLUS = EU_MEMBERS + [JP] // US is not\n"
    "let x_1 = 1\n";

static void words_mark_lets(void **state) {
  (void)state;
  assert_string_equal(needed(mod, ""), "");
  assert_string_equal(needed(mod, "c in [JP]"), "JP");
  assert_string_equal(needed(mod, "\"JP\" in x"), "JP"); /* over-marks */
  assert_string_equal(needed(mod, "xJP JPx JP_ _JP 3JP JP3 jp"), "");
  assert_string_equal(needed(mod, "(US)+x_1.JP"), "JP US x_1");
  assert_string_equal(needed(mod, "\xe6\x97\xa5JP\xe6\x9c\xac"), "JP");
}

static void needed_lets_mark_theirs(void **state) {
  (void)state;
  assert_string_equal(needed(mod, "EU_MEMBERS"), "DE FR EU_MEMBERS");
  /* the comment of EU_PLUS is no part of its expression */
  assert_string_equal(needed(mod, "EU_PLUS"), "JP DE FR EU_MEMBERS EU_PLUS");
}

/* ==== what a policy sees ==== */

static void a_name_spelt_by_escapes_is_found(void **state) {
  (void)state;
  char msg[512];
  /* with a schema, an unknown name is an error: FI must be a let (a
   * name no other source of the prelude holds) */
  policy *p = compile("fact a: int \"a\"\n"
                      "rule r { require a > 0  message \"{\\x46I}\" }\n",
                      msg, sizeof msg);
  assert_string_equal(msg, "");
  assert_non_null(p);
  policy_free(p);
}

static void did_you_mean_offers_unparsed_lets(void **state) {
  (void)state;
  char msg[512];
  policy *p = compile("fact a: list(string) \"a\"\n"
                      "must r: a.all(c, c in EU_MEMBRES)\n",
                      msg, sizeof msg);
  assert_null(p);
  assert_string_equal(msg, "2:23: unknown name 'EU_MEMBRES' / did you mean "
                           "the let 'EU_MEMBERS'?");
}

static void a_program_keeps_every_let_text(void **state) {
  (void)state;
  char msg[512];
  const stdlib_module *m = stdlib_find("regions");
  size_t all = agrees_with_parse(m->text);
  policy *p = compile("let mine = [JP]\nmust r: site in mine\n", msg,
                      sizeof msg);
  assert_non_null(p);
  /* as after a parse of the whole prelude: all of regions.pol's lets
   * (its text is in the program), then the policy's own */
  assert_int_equal(p->nlets, all + 1);
  for (uint32_t i = 0; i < p->nlets; i++) {
    const let_src *l = &p->lets[i];
    const char *text = p->prog->srcs[l->at.src].text + l->at.off;
    if (!strcmp(l->name, "AD"))
      assert_memory_equal(text, "\"AD\"", 4);
    if (!strcmp(l->name, "mine"))
      assert_memory_equal(text, "[JP]", 4);
  }
  assert_string_equal(p->lets[all].name, "mine");
  policy_free(p);
}

static void no_region_used_no_region_kept(void **state) {
  (void)state;
  char msg[512];
  policy *p = compile("must r: site == \"JP\"\n", msg, sizeof msg);
  assert_non_null(p);
  assert_int_equal(p->nlets, 0);
  policy_free(p);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(regions_splits_as_it_parses),
      cmocka_unit_test(the_other_prelude_module_is_parsed_whole),
      cmocka_unit_test(comments_brackets_and_strings),
      cmocka_unit_test(other_forms_are_refused),
      cmocka_unit_test(words_mark_lets),
      cmocka_unit_test(needed_lets_mark_theirs),
      cmocka_unit_test(a_name_spelt_by_escapes_is_found),
      cmocka_unit_test(did_you_mean_offers_unparsed_lets),
      cmocka_unit_test(a_program_keeps_every_let_text),
      cmocka_unit_test(no_region_used_no_region_kept),
  };
  return RUN_TESTS("prelude", tests, argc, argv);
}
