/*
 * test_policy_parse.c: unit tests of parse_policy (grammar/lexer.l,
 * grammar/parser.y, lib/parse.c, lib/ast.c): the statements of
 * docs/policies.md and their AST shapes (through ast_dump), the layout
 * rules (where a line break ends a statement, ';', CRLF, comments,
 * keywords by position, block braces against map literals), fact types,
 * spans, the wording and position of every policy syntax error, recovery
 * with errors from several statements in one run, the nesting limit, out
 * of memory, and that parse_expr is unchanged by all this.
 */
#include "harness.h"

#include <stdlib.h>

#include "ast.h"
#include "diag.h"
#include "parse.h"

/* ==== helpers ==== */

/* One parse: its arena, diagnostics and result. Tests parse through
 * parse_n(), which frees the previous parse first; teardown frees the
 * last one. */
static arena g_arena;
static diag_list g_diags;
static bool g_live;
static char *g_text; /* malloc'd result of the last dump()/errors() */

static void reset(void) {
  if (g_live) {
    diag_free(&g_diags);
    arena_free(&g_arena);
  }
  free(g_text);
  g_text = NULL;
  g_live = false;
}

static int teardown(void **state) {
  (void)state;
  reset();
  return 0;
}

/* Parse [n] bytes at [src] as a policy, or as an expression when [expr]. */
static ast *parse_as(const char *src, size_t n, bool expr) {
  reset();
  arena_init(&g_arena, 0, NULL);
  diag_init(&g_diags, "p.pol", src, n, NULL);
  g_live = true;
  return expr ? parse_expr(&g_arena, &g_diags)
              : parse_policy(&g_arena, &g_diags);
}

static ast *parse(const char *src) { return parse_as(src, strlen(src), false); }

/* Every diagnostic of the last parse as "line:col: message", one per
 * line (no trailing newline). */
static const char *diags_text(void) {
  sbuf b;
  sb_init(&b, NULL);
  for (size_t i = 0; i < g_diags.n; i++) {
    const diag *g = &g_diags.items[i];
    sb_printf(&b, "%s%u:%u: %s", i ? "\n" : "", (unsigned)g->sp.line,
              (unsigned)g->sp.col, g->msg);
  }
  free(g_text);
  g_text = strdup(b.p ? b.p : "");
  sb_free(&b);
  return g_text;
}

/* The S-expression of the parse of [src] ([expr]: as an expression), or
 * its diagnostics prefixed "error: ". */
static const char *dump_as(const char *src, bool expr) {
  ast *root = parse_as(src, strlen(src), expr);
  if (!root) {
    const char *e = diags_text();
    char *s = malloc(strlen(e) + 8);
    sprintf(s, "error: %s", e);
    free(g_text);
    g_text = s;
    return s;
  }
  assert_int_equal(g_diags.n, 0);
  return ast_dump(&g_arena, root);
}

static const char *dump(const char *src) { return dump_as(src, false); }

/* The diagnostics of [src], which must fail to parse. */
static const char *errors(const char *src) {
  ast *root = parse(src);
  assert_null(root);
  assert_true(g_diags.n > 0);
  return diags_text();
}

#define AST(src, want) assert_string_equal(dump(src), want)
#define ERR(src, want) assert_string_equal(errors(src), want)
#define EXPR(src, want) assert_string_equal(dump_as(src, true), want)

/* The dump of one bare expression statement holding [e]. */
#define BARE(e) "(POLICY (RULE (CLAUSE require " e ")))"

/* [s] repeated [n] times, then [mid], then [e] repeated [n] times. */
static char *nest(const char *s, size_t n, const char *mid, const char *e) {
  size_t ls = strlen(s), lm = strlen(mid), le = strlen(e);
  char *buf = malloc(n * (ls + le) + lm + 1), *o = buf;
  for (size_t i = 0; i < n; i++, o += ls)
    memcpy(o, s, ls);
  memcpy(o, mid, lm);
  o += lm;
  for (size_t i = 0; i < n; i++, o += le)
    memcpy(o, e, le);
  *o = '\0';
  return buf;
}

/* ==== whole files ==== */

static void test_minimal(void **state) {
  (void)state;
  static const char *const want =
      "(POLICY (RULE (CLAUSE require (BINARY >= (IDENT backup_generations) "
      "(INT_LIT 7)))) (RULE (CLAUSE require (BINARY in (IDENT data_region) "
      "(LIST (IDENT JP))))))";
  AST("backup_generations >= 7\ndata_region in [JP]\n", want);
  AST("backup_generations >= 7\ndata_region in [JP]", want);
  AST("\n\n  backup_generations >= 7  \n\n\ndata_region in [JP]\n\n", want);
  ast *r = parse("backup_generations >= 7\ndata_region in [JP]\n");
  assert_int_equal(r->kind, AST_POLICY);
  assert_int_equal(r->nkids, 2);
  assert_int_equal(r->kids[0]->kind, AST_RULE);
  assert_null(r->kids[0]->name);
  assert_int_equal(r->kids[0]->op, 0);
}

static void test_empty(void **state) {
  (void)state;
  AST("", "(POLICY)");
  AST("\n\n\n", "(POLICY)");
  AST("// nothing but a comment", "(POLICY)");
  AST("  // one\n\n// two\n", "(POLICY)");
  AST(";", "(POLICY)");
  AST(";\n;;\n", "(POLICY)");
}

/* The full example of docs/policies.md, byte for byte. */
static const char full_example[] =
    "// procurement.pol\n"
    "policy \"cloud-procurement\" { title \"クラウドサービス調達基準\"  "
    "version \"2026.1\" }\n"
    "\n"
    "import \"regions\"              // JP, US, EU, ... "
    "(stdlib/regions.pol)\n"
    "import \"vendor_schema\"        // declares the fact vocabulary "
    "(docs/facts.md)\n"
    "\n"
    "let allowed = [JP]\n"
    "let has_backup = backup.enabled\n"
    "\n"
    "rule backup_generations {\n"
    "  title    \"バックアップを7世代以上保管すること\"\n"
    "  severity must\n"
    "  refs     [\"METI-2013 12.3\", \"ISO27017 CLD.12.3.1\"]\n"
    "  when     has_backup\n"
    "  require  backup.generations >= 7\n"
    "  message  \"保管世代数は {backup.generations} 世代\"\n"
    "  ask      \"バックアップの保管世代数（最低保証値）をご教示ください。\"\n"
    "}\n"
    "\n"
    "should incident_notice \"セキュリティ事故を72時間以内に通知すること\": "
    "incident.security_notice_hours <= 72\n"
    "must data_region: data.location.countries.all(c, c in allowed)\n"
    "encryption.at_rest.enabled    // a bare expression: a must-rule\n";

static const char full_dump[] =
    "(POLICY"
    " (HEADER \"cloud-procurement\""
    " (CLAUSE title (STRING_LIT \"クラウドサービス調達基準\"))"
    " (CLAUSE version (STRING_LIT \"2026.1\")))"
    " (IMPORT \"regions\")"
    " (IMPORT \"vendor_schema\")"
    " (LET allowed (LIST (IDENT JP)))"
    " (LET has_backup (SELECT (IDENT backup) .enabled))"
    " (RULE backup_generations"
    " (CLAUSE title (STRING_LIT \"バックアップを7世代以上保管すること\"))"
    " (CLAUSE severity (IDENT must))"
    " (CLAUSE refs (LIST (STRING_LIT \"METI-2013 12.3\")"
    " (STRING_LIT \"ISO27017 CLD.12.3.1\")))"
    " (CLAUSE when (IDENT has_backup))"
    " (CLAUSE require (BINARY >= (SELECT (IDENT backup) .generations)"
    " (INT_LIT 7)))"
    " (CLAUSE message (STRING_LIT \"保管世代数は {backup.generations} 世代\"))"
    " (CLAUSE ask (STRING_LIT"
    " \"バックアップの保管世代数（最低保証値）をご教示ください。\")))"
    " (RULE incident_notice"
    " (CLAUSE severity (IDENT should))"
    " (CLAUSE title (STRING_LIT \"セキュリティ事故を72時間以内に通知すること\"))"
    " (CLAUSE require (BINARY <= (SELECT (IDENT incident)"
    " .security_notice_hours) (INT_LIT 72))))"
    " (RULE data_region"
    " (CLAUSE severity (IDENT must))"
    " (CLAUSE require (CALL (SELECT (SELECT (IDENT data) .location)"
    " .countries) .all (IDENT c) (BINARY in (IDENT c) (IDENT allowed)))))"
    " (RULE (CLAUSE require (SELECT (SELECT (IDENT encryption) .at_rest)"
    " .enabled))))";

static void test_full_example(void **state) {
  (void)state;
  AST(full_example, full_dump);
}

/* ==== statements ==== */

static void test_header(void **state) {
  (void)state;
  AST("policy \"p\" {}", "(POLICY (HEADER \"p\"))");
  AST("policy \"p\" {\n}", "(POLICY (HEADER \"p\"))");
  AST("policy 'a \\\"b\\\"' { description r\"\\d\" }",
      "(POLICY (HEADER \"a \\\"b\\\"\" (CLAUSE description "
      "(STRING_LIT \"\\\\d\"))))");
  AST("policy \"p\" {\n  title \"t\"\n  version \"1\"\n"
      "  description '''many\nlines'''\n}\n",
      "(POLICY (HEADER \"p\" (CLAUSE title (STRING_LIT \"t\")) "
      "(CLAUSE version (STRING_LIT \"1\")) "
      "(CLAUSE description (STRING_LIT \"many\\nlines\"))))");
}

static void test_import_let(void **state) {
  (void)state;
  AST("import \"regions\"", "(POLICY (IMPORT \"regions\"))");
  AST("import 'a/b'\nimport \"c\"",
      "(POLICY (IMPORT \"a/b\") (IMPORT \"c\"))");
  AST("let allowed = [JP, US]",
      "(POLICY (LET allowed (LIST (IDENT JP) (IDENT US))))");
  AST("let x = a ? b : c",
      "(POLICY (LET x (COND (IDENT a) (IDENT b) (IDENT c))))");
  AST("let x =\n  1 +\n  2",
      "(POLICY (LET x (BINARY + (INT_LIT 1) (INT_LIT 2))))");
  AST("let a = 1\nlet b = a == 1",
      "(POLICY (LET a (INT_LIT 1)) (LET b (BINARY == (IDENT a) "
      "(INT_LIT 1))))");
}

static void test_rule_block(void **state) {
  (void)state;
  AST("rule r {}", "(POLICY (RULE r))");
  AST("rule r {\n\n}", "(POLICY (RULE r))");
  AST("rule r { require a }",
      "(POLICY (RULE r (CLAUSE require (IDENT a))))");
  AST("rule r {\n  severity may\n  when a\n  require b\n}",
      "(POLICY (RULE r (CLAUSE severity (IDENT may)) "
      "(CLAUSE when (IDENT a)) (CLAUSE require (IDENT b))))");
  /* Clauses need no separator; refs is any expression. */
  AST("rule r { title 't' refs ['a'] + x severity should require a }",
      "(POLICY (RULE r (CLAUSE title (STRING_LIT \"t\")) (CLAUSE refs "
      "(BINARY + (LIST (STRING_LIT \"a\")) (IDENT x))) "
      "(CLAUSE severity (IDENT should)) (CLAUSE require (IDENT a))))");
  AST("rule r { message \"{x}\" ask \"?\" }",
      "(POLICY (RULE r (CLAUSE message (STRING_LIT \"{x}\")) "
      "(CLAUSE ask (STRING_LIT \"?\"))))");
  ast *r = parse("rule r { require a }");
  assert_int_equal(r->kids[0]->kind, AST_RULE);
  assert_string_equal(r->kids[0]->name, "r");
  assert_int_equal(r->kids[0]->op, 0);
  assert_int_equal(r->kids[0]->kids[0]->kind, AST_CLAUSE);
  assert_string_equal(r->kids[0]->kids[0]->name, "require");
}

static void test_rule_one_line(void **state) {
  (void)state;
  AST("must r: a",
      "(POLICY (RULE r (CLAUSE severity (IDENT must)) "
      "(CLAUSE require (IDENT a))))");
  AST("should r \"t\": a",
      "(POLICY (RULE r (CLAUSE severity (IDENT should)) "
      "(CLAUSE title (STRING_LIT \"t\")) (CLAUSE require (IDENT a))))");
  AST("may r r'\\t': a > 1",
      "(POLICY (RULE r (CLAUSE severity (IDENT may)) "
      "(CLAUSE title (STRING_LIT \"\\\\t\")) "
      "(CLAUSE require (BINARY > (IDENT a) (INT_LIT 1)))))");
  AST("must r:\n  a", "(POLICY (RULE r (CLAUSE severity (IDENT must)) "
                     "(CLAUSE require (IDENT a))))");
  AST("must r: a ? b : c",
      "(POLICY (RULE r (CLAUSE severity (IDENT must)) "
      "(CLAUSE require (COND (IDENT a) (IDENT b) (IDENT c)))))");
}

static void test_japanese(void **state) {
  (void)state;
  /* Ids are ASCII identifiers; titles and messages any UTF-8 text. */
  AST("must 暗号 \"保存データを暗号化すること\": a",
      "error: 1:6: '暗号' cannot be a name: names are ASCII letters, "
      "digits and '_'");
  AST("rule バックアップ {\n  title 「バックアップ」\n  require a ＞＝ ７\n}",
      "error: 1:6: 'バックアップ' cannot be a name: names are ASCII "
      "letters, digits and '_'\n"
      "2:9: Japanese brackets do not make a string\n"
      "3:13: full-width '＞＝ ７' in code");
  AST("must enc \"保存データを暗号化すること\": a",
      "(POLICY (RULE enc (CLAUSE severity (IDENT must)) "
      "(CLAUSE title (STRING_LIT \"保存データを暗号化すること\")) "
      "(CLAUSE require (IDENT a))))");
  AST("rule r {\n  title \"日本語の表題\"\n  message \"値は {x}（単位：世代）\"\n"
      "  require x\n}",
      "(POLICY (RULE r (CLAUSE title (STRING_LIT \"日本語の表題\")) "
      "(CLAUSE message (STRING_LIT \"値は {x}（単位：世代）\")) "
      "(CLAUSE require (IDENT x))))");
  AST("policy \"調達\" { title \"基準\" }",
      "(POLICY (HEADER \"調達\" (CLAUSE title (STRING_LIT \"基準\"))))");
  /* Columns count code points. */
  ERR("must r \"日本語\" x", "1:14: expected ':', found 'x'");
  ERR("rule r {\n  title \"表題\" 5\n}", "2:14: unexpected '5'");
}

static void test_facts(void **state) {
  (void)state;
  static const char *const scalars[] = {"bool",   "int",      "uint",
                                        "double", "string",   "bytes",
                                        "duration", "timestamp", "any"};
  for (size_t i = 0; i < POL_COUNTOF(scalars); i++) {
    char src[64], want[96];
    snprintf(src, sizeof src, "fact a.b: %s", scalars[i]);
    snprintf(want, sizeof want, "(POLICY (FACT a.b (TYPE %s)))", scalars[i]);
    AST(src, want);
  }
  AST("fact backup.generations: int \"バックアップの保管世代数\"",
      "(POLICY (FACT backup.generations (TYPE int) "
      "\"バックアップの保管世代数\"))");
  AST("fact data.location.countries: list(string) \"データの保管国\"",
      "(POLICY (FACT data.location.countries (TYPE list (TYPE string)) "
      "\"データの保管国\"))");
  AST("fact incident.security_notice_from: string in [\"detection\", "
      "\"occurrence\"] \"通知時間の起算点\"",
      "(POLICY (FACT incident.security_notice_from (TYPE string) "
      "(LIST (STRING_LIT \"detection\") (STRING_LIT \"occurrence\")) "
      "\"通知時間の起算点\"))");
  AST("fact x: int in [1, 2, 3]",
      "(POLICY (FACT x (TYPE int) (LIST (INT_LIT 1) (INT_LIT 2) "
      "(INT_LIT 3))))");
  AST("fact m: map(string, list(map(string, any)))",
      "(POLICY (FACT m (TYPE map (TYPE string) (TYPE list (TYPE map "
      "(TYPE string) (TYPE any))))))");
  AST("fact x:\n  list(\n    int\n  )",
      "(POLICY (FACT x (TYPE list (TYPE int))))");
  /* Paths: reserved words after a dot; `quoted` segments stay quoted
   * only where they are no plain identifier. */
  AST("fact a.`b-c`.`d`.if.`e.f`: bool",
      "(POLICY (FACT a.`b-c`.d.if.`e.f` (TYPE bool)))");
  AST("fact title: string\nfact must.x: bool",
      "(POLICY (FACT title (TYPE string)) (FACT must.x (TYPE bool)))");
  ast *r = parse("fact a: int");
  ast *f = r->kids[0];
  assert_int_equal(f->kind, AST_FACT);
  assert_int_equal(f->nkids, 1);
  assert_null(f->lit.s.p);
  assert_int_equal(f->kids[0]->kind, AST_TYPE);
  assert_string_equal(f->kids[0]->name, "int");
  assert_int_equal(f->kids[0]->nkids, 0);
  r = parse("fact a: map(string, int) in m \"d\"");
  f = r->kids[0];
  assert_int_equal(f->nkids, 2);
  assert_int_equal(f->lit.s.n, 1);
  assert_memory_equal(f->lit.s.p, "d", 2);
  assert_int_equal(f->kids[0]->nkids, 2);
}

/* The block of a fact declaration: refs and the vendor-facing question
 * in each language; a '{' after any operand of a fact statement opens
 * it. */
static void test_fact_blocks(void **state) {
  (void)state;
  AST("fact a: int \"d\" { refs [\"ISO27017 12.3.1\"] ask ja \"質問\" "
      "en \"Q?\" }",
      "(POLICY (FACT a (TYPE int) \"d\" (CLAUSE refs (LIST (STRING_LIT "
      "\"ISO27017 12.3.1\"))) (CLAUSE ask (STRING_LIT ja \"質問\") "
      "(STRING_LIT en \"Q?\"))))");
  AST("fact backup.generations: int \"世代数\" {\n"
      "  refs [\"METI-2013 12.3.1\"]\n"
      "  ask ja \"保管世代数をご教示ください。\"\n"
      "  ask en \"How many generations do you keep?\"\n"
      "}\nfact b: bool",
      "(POLICY (FACT backup.generations (TYPE int) \"世代数\" "
      "(CLAUSE refs (LIST (STRING_LIT \"METI-2013 12.3.1\"))) "
      "(CLAUSE ask (STRING_LIT ja \"保管世代数をご教示ください。\")) "
      "(CLAUSE ask (STRING_LIT en \"How many generations do you keep?\")))"
      " (FACT b (TYPE bool)))");
  /* No description; an untagged ask; allowed values before the block. */
  AST("fact a: int { ask \"q\" }",
      "(POLICY (FACT a (TYPE int) (CLAUSE ask (STRING_LIT \"q\"))))");
  AST("fact t: string in [\"a\", \"other\"] \"d\" {\n  ask ja \"q\"\n}",
      "(POLICY (FACT t (TYPE string) (LIST (STRING_LIT \"a\") (STRING_LIT "
      "\"other\")) \"d\" (CLAUSE ask (STRING_LIT ja \"q\"))))");
  AST("fact l: list(string) {}", "(POLICY (FACT l (TYPE list (TYPE "
                                 "string))))");
  /* After `in` the brace is a map literal (which the checker refuses). */
  AST("fact m: string in {\"a\": 1}",
      "(POLICY (FACT m (TYPE string) (MAP (ENTRY (STRING_LIT \"a\") "
      "(INT_LIT 1)))))");
  /* Clause words are keywords only in the block. */
  AST("fact refs.ask: bool { ask ja \"q\" }\nlet ask = refs.ask",
      "(POLICY (FACT refs.ask (TYPE bool) (CLAUSE ask (STRING_LIT ja "
      "\"q\"))) (LET ask (SELECT (IDENT refs) .ask)))");
  /* Rules take tagged asks too, on one line or several. */
  AST("rule r {\n  require x\n  ask ja \"質問\" en \"Q\"\n}",
      "(POLICY (RULE r (CLAUSE require (IDENT x)) (CLAUSE ask (STRING_LIT "
      "ja \"質問\") (STRING_LIT en \"Q\"))))");
  AST("rule r { require x; ask \"q\"; ask en \"e\" }",
      "(POLICY (RULE r (CLAUSE require (IDENT x)) (CLAUSE ask (STRING_LIT "
      "\"q\")) (CLAUSE ask (STRING_LIT en \"e\"))))");
}

static void test_errors_fact_blocks(void **state) {
  (void)state;
  ERR("fact a: int { title \"t\" }",
      "1:15: unknown clause 'title' (expected one of: refs, ask)");
  ERR("fact a: int { ask fr \"x\" }",
      "1:19: unknown language 'fr' in 'ask' (expected ja or en)");
  ERR("rule r { require x\n ask de \"x\" }",
      "2:6: unknown language 'de' in 'ask' (expected ja or en)");
  ERR("fact a: int { ask ja }", "1:22: expected string literal, found '}'");
  ERR("fact a: int { refs }", "1:20: unexpected '}'");
  ERR("fact a: int \"d\" {\n  ask ja \"q\"\nfact b: bool",
      "3:1: expected '}', found 'fact'");
  /* The block opens on the same line only. */
  ERR("fact a: int \"d\"\n{ ask \"q\" }",
      "2:7: expected ':', found string literal \"q\"");
}

/* ==== layout ==== */

static void test_wrapping(void **state) {
  (void)state;
  /* After a token that cannot end an expression, a line break ends
   * nothing. */
  static const char *const ops[] = {"||", "&&", "==", "!=", "<", "<=", ">",
                                    ">=", "in", "+",  "-",  "*", "/",  "%"};
  for (size_t i = 0; i < POL_COUNTOF(ops); i++) {
    char src[32];
    snprintf(src, sizeof src, "a %s\n\n  // c\n  b", ops[i]);
    ast *r = parse(src);
    assert_non_null(r);
    assert_int_equal(r->nkids, 1);
  }
  AST("a &&\n  b", BARE("(AND (IDENT a) (IDENT b))"));
  AST("a.\n  b", BARE("(SELECT (IDENT a) .b)"));
  AST("f(a,\n  b)", BARE("(CALL f (IDENT a) (IDENT b))"));
  AST("f(\n  a\n)", BARE("(CALL f (IDENT a))"));
  AST("[\n  1,\n  2,\n]", BARE("(LIST (INT_LIT 1) (INT_LIT 2))"));
  AST("(a\n  || b)", BARE("(OR (IDENT a) (IDENT b))"));
  AST("a ?\n b :\n c", BARE("(COND (IDENT a) (IDENT b) (IDENT c))"));
  AST("!\na", BARE("(UNARY ! (IDENT a))"));
  AST("-\n1", BARE("(INT_LIT -1)"));
  AST("x[\n0\n]", BARE("(INDEX (IDENT x) (INT_LIT 0))"));
  AST("a.all(x,\n  x > 0)",
      BARE("(CALL (IDENT a) .all (IDENT x) (BINARY > (IDENT x) "
           "(INT_LIT 0)))"));
  /* Anywhere else it ends the statement. */
  AST("a\nb", "(POLICY (RULE (CLAUSE require (IDENT a))) "
              "(RULE (CLAUSE require (IDENT b))))");
  ERR("a\n&& b", "2:1: a line cannot start with '&&'");
  ERR("a\n\n  // c\n  in b", "4:3: a line cannot start with 'in'");
  ERR("a\nor b", "2:1: a line cannot start with 'or'");
  AST("a\n-b", "(POLICY (RULE (CLAUSE require (IDENT a))) "
              "(RULE (CLAUSE require (UNARY - (IDENT b)))))");
  AST("a\n.b", "(POLICY (RULE (CLAUSE require (IDENT a))) "
              "(RULE (CLAUSE require (IDENT .b))))");
  ERR("rule r {\n  require a\n    || b\n}",
      "3:5: a line cannot start with '||'");
  ERR("rule r {\n  require (a\n    || b\n}", "4:1: expected ')', found '}'");
}

static void test_semicolons(void **state) {
  (void)state;
  static const char *const want =
      "(POLICY (LET x (INT_LIT 1)) (RULE (CLAUSE require (IDENT x))))";
  AST("let x = 1; x", want);
  AST("let x = 1;\nx;", want);
  AST(";; let x = 1 ;; x ;;", want);
  AST("let x = 1\n;\nx", want);
  AST("rule r { ; title \"t\"; require a; }",
      "(POLICY (RULE r (CLAUSE title (STRING_LIT \"t\")) "
      "(CLAUSE require (IDENT a))))");
  ERR("(a; b)", "1:3: expected ')', found ';'");
  ERR("a &&; b", "1:5: unexpected ';'");
}

static void test_crlf(void **state) {
  (void)state;
  AST("backup_generations >= 7\r\ndata_region in [JP]\r\n",
      "(POLICY (RULE (CLAUSE require (BINARY >= (IDENT backup_generations) "
      "(INT_LIT 7)))) (RULE (CLAUSE require (BINARY in (IDENT data_region) "
      "(LIST (IDENT JP))))))");
  AST("rule r {\r\n  title \"t\" // c\r\n  require a &&\r\n    b\r\n}\r\n",
      "(POLICY (RULE r (CLAUSE title (STRING_LIT \"t\")) "
      "(CLAUSE require (AND (IDENT a) (IDENT b)))))");
  ERR("let x = 1\r\nlet y\r\n", "2:6: expected '=', found end of line");
  ERR("a +\r\n\r\n", "1:4: unexpected end of input");
}

static void test_comments(void **state) {
  (void)state;
  AST("// head\n"
      "policy \"p\" { // after the brace\n"
      "  // own line\n"
      "  title \"t\" // after a clause\n"
      "} // after the block\n"
      "let x = [ // in a list\n"
      "  1, // after a comma\n"
      "  2  // before the bracket\n"
      "] // after it\n"
      "must r: // after the colon\n"
      "  x.size() > 1 && // after an operator\n"
      "  x[0] == 1 // the end\n"
      "// tail",
      "(POLICY (HEADER \"p\" (CLAUSE title (STRING_LIT \"t\"))) "
      "(LET x (LIST (INT_LIT 1) (INT_LIT 2))) "
      "(RULE r (CLAUSE severity (IDENT must)) "
      "(CLAUSE require (AND (BINARY > (CALL (IDENT x) .size) (INT_LIT 1)) "
      "(BINARY == (INDEX (IDENT x) (INT_LIT 0)) (INT_LIT 1))))))");
  AST("a // '//' \"//\"\n'//' == b",
      "(POLICY (RULE (CLAUSE require (IDENT a))) (RULE (CLAUSE require "
      "(BINARY == (STRING_LIT \"//\") (IDENT b)))))");
  ERR("a // \xff\n", "1:6: invalid UTF-8 (byte 0xFF)");
  ERR("# c\na", "1:1: '#' does not start a comment");
  AST("\xEF\xBB\xBF" "a", "(POLICY (RULE (CLAUSE require (IDENT a))))");
}

static void test_keywords_as_names(void **state) {
  (void)state;
  /* Statement words are names except at the start of a statement. */
  AST("title == \"x\" && message != \"\"",
      BARE("(AND (BINARY == (IDENT title) (STRING_LIT \"x\")) "
           "(BINARY != (IDENT message) (STRING_LIT \"\")))"));
  AST("let m = must || should || may || rule || fact || policy",
      "(POLICY (LET m (OR (OR (OR (OR (OR (IDENT must) (IDENT should)) "
      "(IDENT may)) (IDENT rule)) (IDENT fact)) (IDENT policy))))");
  AST("(must.level > 1)",
      BARE("(BINARY > (SELECT (IDENT must) .level) (INT_LIT 1))"));
  AST(".must", BARE("(IDENT .must)"));
  AST("x.let + x.import", BARE("(BINARY + (SELECT (IDENT x) .let) "
                               "(SELECT (IDENT x) .import))"));
  ERR("must.level > 1", "1:5: expected identifier, found '.'");
  /* Clause words are names outside blocks, ... */
  AST("let title = message.severity",
      "(POLICY (LET title (SELECT (IDENT message) .severity)))");
  AST("require && when", BARE("(AND (IDENT require) (IDENT when))"));
  /* ... inside brackets, after an operator, '.' or a clause keyword,
   * and in the other kind of block. */
  AST("rule r {\n  when title != \"\"\n"
      "  require message.size() > 0 && x.title == [title][0] && .ask\n}",
      "(POLICY (RULE r (CLAUSE when (BINARY != (IDENT title) "
      "(STRING_LIT \"\"))) (CLAUSE require (AND (AND (BINARY > (CALL "
      "(IDENT message) .size) (INT_LIT 0)) (BINARY == (SELECT (IDENT x) "
      ".title) (INDEX (LIST (IDENT title)) (INT_LIT 0)))) (IDENT .ask)))))");
  AST("rule r { require version > 1 && x.?refs }",
      "(POLICY (RULE r (CLAUSE require (AND (BINARY > (IDENT version) "
      "(INT_LIT 1)) (SELECT (IDENT x) .?refs)))))");
  /* After an operand, a clause word starts the next clause. */
  AST("rule r { require x title \"t\" }",
      "(POLICY (RULE r (CLAUSE require (IDENT x)) "
      "(CLAUSE title (STRING_LIT \"t\"))))");
}

static void test_blocks_and_maps(void **state) {
  (void)state;
  AST("let m = {\"a\": 1}",
      "(POLICY (LET m (MAP (ENTRY (STRING_LIT \"a\") (INT_LIT 1)))))");
  AST("let m = {\n  \"a\":\n    1,\n}",
      "(POLICY (LET m (MAP (ENTRY (STRING_LIT \"a\") (INT_LIT 1)))))");
  AST("rule r {\n}", "(POLICY (RULE r))");
  AST("{\"title\": 1}.title == 1",
      BARE("(BINARY == (SELECT (MAP (ENTRY (STRING_LIT \"title\") "
           "(INT_LIT 1))) .title) (INT_LIT 1))"));
  AST("rule r {\n  require {\"a\": [1,\n 2]}.a == x &&\n"
      "    T{title: 1}.title == 1\n}",
      "(POLICY (RULE r (CLAUSE require (AND (BINARY == (SELECT (MAP (ENTRY "
      "(STRING_LIT \"a\") (LIST (INT_LIT 1) (INT_LIT 2)))) .a) (IDENT x)) "
      "(BINARY == (SELECT (MESSAGE T (FIELD title (INT_LIT 1))) .title) "
      "(INT_LIT 1))))))");
  AST("must r: {}.size() == 0",
      "(POLICY (RULE r (CLAUSE severity (IDENT must)) (CLAUSE require "
      "(BINARY == (CALL (MAP) .size) (INT_LIT 0)))))");
  /* Only `policy "NAME" {` and `rule ID {` open blocks, on one line: a
   * rule's '{' on the next line is one error, and the rule reads on. */
  ERR("rule r\n{\n  require x\n}",
      "2:1: the '{' of a rule goes at the end of its first line");
  ERR("let r = 1 {}", "1:9: expected a type name before '{'");
}

/* ==== spans ==== */

static void check_span(const ast *n, uint32_t off, uint32_t len,
                       uint32_t line, uint32_t col) {
  assert_non_null(n);
  assert_int_equal(n->sp.off, off);
  assert_int_equal(n->sp.len, len);
  assert_int_equal(n->sp.line, line);
  assert_int_equal(n->sp.col, col);
}

static void test_spans(void **state) {
  (void)state;
  const char *src = "policy \"p\" { title \"表\" }\n" /* 0..26 */
                    "import \"m\"\n"                  /* 27..37 */
                    "let x = 1\n"                     /* 38..47 */
                    "fact a.b: list(int) \"d\"\n"     /* 48..71 */
                    "rule r {\n  when a\n}\n"         /* 72..91 */
                    "  must s \"t\": b\n"               /* 94..107 */
                    "c + 1";                           /* 108..113 */
  ast *r = parse(src);
  assert_non_null(r);
  check_span(r, 0, (uint32_t)strlen(src), 1, 1);
  check_span(r->kids[0], 0, 26, 1, 1);                 /* header */
  check_span(r->kids[0]->kids[0], 13, 11, 1, 14);      /* title "表" */
  check_span(r->kids[0]->kids[0]->kids[0], 19, 5, 1, 20);
  check_span(r->kids[1], 27, 10, 2, 1);                /* import */
  check_span(r->kids[2], 38, 9, 3, 1);                 /* let */
  check_span(r->kids[2]->kids[0], 46, 1, 3, 9);
  check_span(r->kids[3], 48, 23, 4, 1);                /* fact */
  check_span(r->kids[3]->kids[0], 58, 9, 4, 11);       /* list(int) */
  check_span(r->kids[3]->kids[0]->kids[0], 63, 3, 4, 16);
  check_span(r->kids[4], 72, 19, 5, 1);                /* rule r {...} */
  check_span(r->kids[4]->kids[0], 83, 6, 6, 3);        /* when a */
  ast *s = r->kids[5];                                 /* must s "t": b */
  check_span(s, 94, 13, 8, 3);
  check_span(s->kids[0], 94, 4, 8, 3);                 /* severity */
  check_span(s->kids[0]->kids[0], 94, 4, 8, 3);
  check_span(s->kids[1], 101, 3, 8, 10);               /* title */
  check_span(s->kids[1]->kids[0], 101, 3, 8, 10);
  check_span(s->kids[2], 106, 1, 8, 15);               /* require */
  ast *c = r->kids[6];                                 /* c + 1 */
  check_span(c, 108, 5, 9, 1);
  check_span(c->kids[0], 108, 5, 9, 1);
  check_span(c->kids[0]->kids[0], 108, 5, 9, 1);
}

/* ==== syntax errors ==== */

static void test_errors_statements(void **state) {
  (void)state;
  ERR("rulee r { require a }", "1:1: unknown statement 'rulee'");
  ERR("mustt r: a\nok\nimprot \"x\"", "1:1: unknown statement 'mustt'\n"
                                      "3:1: unknown statement 'improt'");
  ERR("musty the: a", "1:1: unknown statement 'musty'");
  ERR("backup generations", "1:8: unexpected 'generations'");
  ERR("policy", "1:7: expected string literal, found end of input");
  ERR("policy p {}", "1:8: expected string literal, found 'p'");
  ERR("policy \"p\"", "1:11: expected '{', found end of input");
  ERR("policy \"p\" title", "1:12: expected '{', found 'title'");
  ERR("import", "1:7: expected string literal, found end of input");
  ERR("import regions", "1:8: expected string literal, found 'regions'");
  ERR("import b\"x\"", "1:8: expected string literal, found bytes "
                       "literal b\"x\"");
  ERR("import \"a\" \"b\"", "1:12: expected '{', found string literal \"b\"");
  ERR("let", "1:4: expected identifier, found end of input");
  ERR("let = 1", "1:5: expected identifier, found '='");
  ERR("let 5 = 1", "1:5: expected identifier, found '5'");
  ERR("let if = 1",
      "1:5: reserved word 'if' cannot be used as a name");
  ERR("let x", "1:6: expected '=', found end of input");
  ERR("let x y", "1:7: expected '=', found 'y'");
  ERR("let x == 1", "1:7: expected '=', found '=='");
  ERR("let x =", "1:8: unexpected end of input");
  ERR("let x = 1 = 2",
      "1:11: '=' is not a comparison");
  ERR("a = b", "1:3: '=' is not a comparison");
  ERR("rule", "1:5: expected identifier, found end of input");
  ERR("rule 5 {}", "1:6: expected identifier, found '5'");
  ERR("rule r", "1:7: expected '{', found end of input");
  ERR("rule r: x", "1:7: expected '{', found ':'");
  ERR("rule r {", "1:8: the block of 'rule r' is not closed");
  ERR("rule r {\n  require a\n", "1:8: the block of 'rule r' is not closed");
  ERR("must", "1:5: expected identifier, found end of input");
  ERR("must \"t\": a", "1:6: expected identifier, found string literal "
                       "\"t\"");
  ERR("must r", "1:7: expected ':', found end of input");
  ERR("must r a", "1:8: expected ':', found 'a'");
  ERR("must r \"t\" a", "1:12: expected ':', found 'a'");
  ERR("should r\n: a", "1:9: expected ':', found end of line\n"
                        "2:1: unexpected ':'");
  ERR("may r:", "1:7: unexpected end of input");
  ERR("must r: a b", "1:11: unexpected 'b'");
  ERR("a +", "1:4: unexpected end of input");
  ERR("a }", "1:3: '}' closes nothing: no '{' is open");
  ERR("rule r {}\n}", "2:1: '}' closes nothing: no '{' is open");
}

static void test_errors_clauses(void **state) {
  (void)state;
  ERR("rule r { titel \"x\" }",
      "1:10: unknown clause 'titel' (expected one of: title, severity, "
      "refs, when, require, message, ask)");
  ERR("rule r {\n  title \"x\" foo \"y\"\n}",
      "2:13: unknown clause 'foo' (expected one of: title, severity, "
      "refs, when, require, message, ask)");
  ERR("rule r {\n  version \"1\"\n}",
      "2:3: unknown clause 'version' (expected one of: title, severity, "
      "refs, when, require, message, ask)");
  ERR("rule r { must }",
      "1:10: unknown clause 'must' (expected one of: title, severity, "
      "refs, when, require, message, ask)");
  ERR("rule r {\n  require a\nmust s: b", "3:1: expected '}', found 'must'");
  ERR("policy \"p\" { severity must }",
      "1:14: unknown clause 'severity' (expected one of: title, version, "
      "description)");
  ERR("rule r { title }", "1:16: expected string literal, found '}'");
  ERR("rule r { title 5 }", "1:16: expected string literal, found '5'");
  ERR("rule r { message x }", "1:18: expected string literal, found 'x'");
  ERR("rule r { ask b'?' }",
      "1:14: expected string literal or identifier, found bytes literal "
      "b'?'");
  /* the value on the next line: one error, and the clause reads whole */
  ERR("rule r {\n  title\n  \"t\"\n}",
      "3:3: the value of 'title' goes on its line");
  ERR("rule r {\n  title\n  require x\n}",
      "2:8: expected string literal, found end of line");
  ERR("policy \"p\" { version 2 }",
      "1:22: expected string literal, found '2'");
  ERR("rule r { severity high }", "1:19: severity must be must, should or "
                                  "may");
  ERR("rule r { severity \"must\" }", "1:19: severity must be must, should "
                                    "or may");
  ERR("rule r { severity .must }", "1:19: severity must be must, should "
                                   "or may");
  ERR("rule r { severity must.x }", "1:19: severity must be must, should "
                                    "or may");
  ERR("rule r { severity }", "1:19: unexpected '}'");
  ERR("rule r { when }", "1:15: unexpected '}'");
  ERR("rule r { require a b }", "1:20: unexpected 'b'");
}

static void test_errors_facts(void **state) {
  (void)state;
  static const char *const names =
      "(expected one of: bool, int, uint, double, string, bytes, duration, "
      "timestamp, list, map, any)";
  char want[256];
  ERR("fact", "1:5: unexpected end of input");
  ERR("fact x", "1:7: expected ':', found end of input");
  ERR("fact x int", "1:8: expected ':', found 'int'");
  ERR("fact x:", "1:8: unexpected end of input");
  ERR("fact x[0]: int", "1:6: expected a fact path such as "
                        "backup.generations");
  ERR("fact .x: int", "1:6: expected a fact path such as "
                      "backup.generations");
  ERR("fact x.?y: int", "1:6: expected a fact path such as "
                        "backup.generations");
  ERR("fact f(): int", "1:6: expected a fact path such as "
                       "backup.generations");
  snprintf(want, sizeof want, "1:9: unknown type 'integer' %s", names);
  ERR("fact x: integer", want);
  snprintf(want, sizeof want, "1:14: unknown type 'set' %s", names);
  ERR("fact x: list(set(int))", want);
  snprintf(want, sizeof want, "1:9: invalid type %s", names);
  ERR("fact x: a.b", want);
  ERR("fact x: .int", want);
  ERR("fact x: \"int\"", want);
  ERR("fact x: x.list(int)", want);
  ERR("fact x: list", "1:9: type 'list' takes 1 parameter: list(TYPE)");
  ERR("fact x: list()", "1:9: type 'list' takes 1 parameter: list(TYPE)");
  ERR("fact x: list(int, int)",
      "1:9: type 'list' takes 1 parameter: list(TYPE)");
  ERR("fact x: map", "1:9: type 'map' takes 2 parameters: "
                     "map(string, TYPE)");
  ERR("fact x: map(string)", "1:9: type 'map' takes 2 parameters: "
                             "map(string, TYPE)");
  ERR("fact x: int()", "1:9: type 'int' takes no parameters");
  ERR("fact x: any(5)", "1:9: type 'any' takes no parameters");
  ERR("fact x: map(int, string)",
      "1:13: map keys must be string: map(string, TYPE)");
  ERR("fact x: int 5", "1:13: unexpected '5'");
  ERR("fact x: int in", "1:15: unexpected end of input");
  ERR("fact x: int \"d\" \"e\"",
      "1:17: expected '{', found string literal \"e\"");
}

static void test_errors_lexical(void **state) {
  (void)state;
  ERR("a @ b", "1:3: unexpected character '@'");
  ERR("must r \"\\q\": a", "1:9: invalid escape sequence '\\q'");
  /* the string took the '}': no second error for it */
  ERR("rule r { title 'x }", "1:16: unterminated string literal");
  ERR("let x = 99999999999999999999",
      "1:9: integer literal out of range");
}

static void test_render(void **state) {
  (void)state;
  parse("rule r {\n\ttitle \"表題\"\n\tseverity high\n}");
  sbuf b;
  sb_init(&b, NULL);
  diag_render(&g_diags, 0, DIAG_EXCERPT, &b);
  assert_string_equal(b.p, "p.pol:3:11: error[E0107]: severity must be "
                           "must, should or may\n"
                           " 3 | \tseverity high\n"
                           "   | \t         ^~~~\n");
  sb_free(&b);
}

/* ==== recovery ==== */

static void test_recovery(void **state) {
  (void)state;
  /* Three bad statements, three errors; the good ones between them are
   * parsed too. */
  ERR("let = 1\n"
      "ok\n"
      "must x 5\n"
      "fact y: integer\n"
      "rule r { titel \"x\" }\n"
      "let z = (1 +)\n"
      "a +\n",
      "1:5: expected identifier, found '='\n"
      "3:8: expected ':', found '5'\n"
      "4:9: unknown type 'integer' (expected one of: bool, int, uint, "
      "double, string, bytes, duration, timestamp, list, map, any)\n"
      "5:10: unknown clause 'titel' (expected one of: title, severity, "
      "refs, when, require, message, ask)\n"
      "6:13: unexpected ')'\n"
      "7:4: unexpected end of input");
  /* Several bad clauses of one block. */
  ERR("rule r {\n"
      "  title 5\n"
      "  foo \"x\"\n"
      "  severity high\n"
      "  require\n"
      "}\n"
      "let = 2\n",
      "2:9: expected string literal, found '5'\n"
      "3:3: unknown clause 'foo' (expected one of: title, severity, refs, "
      "when, require, message, ask)\n"
      "4:12: severity must be must, should or may\n"
      "5:10: unexpected end of line\n"
      "7:5: expected identifier, found '='");
  ERR("import x; let 1 = 2; must r: (a b); c d",
      "1:8: expected string literal, found 'x'\n"
      "1:15: expected identifier, found '1'\n"
      "1:33: expected ')', found 'b'\n"
      "1:39: unexpected 'd'");
}

static void test_recovery_brackets(void **state) {
  (void)state;
  /* An unclosed bracket is closed at the end of the line with the error. */
  ERR("must a: f(b c\n"
      "let x = [1 2\n"
      "must b: 1 1\n",
      "1:13: expected ',' or ')', found 'c'\n"
      "2:12: expected ',' or ']', found '2'\n"
      "3:11: unexpected '1'");
  /* The error may only show on the next line, which then goes too; when
   * that line starts a statement, the bracket left open is the mistake. */
  ERR("let y = {1: 2\n"
      "must b: 1\n"
      "must c: 1 1\n",
      "1:9: '{' is not closed\n"
      "3:11: unexpected '1'");
  ERR("let y = {1: 2\n"
      "3: 4}\n",
      "2:1: expected ',' or '}', found '3'");
  /* An error inside well-closed brackets over several lines: the stray
   * closer after the line that was closed is dropped. */
  ERR("must x: f(\n"
      "  a b,\n"
      "  c\n"
      ")\n"
      "let y = = 2\n",
      "2:5: expected ',' or ')', found 'b'\n"
      "5:9: '=' is not a comparison");
  ERR("rule r {\n"
      "  refs [\n"
      "    \"A\"\n"
      "    \"B\",\n"
      "  ]\n"
      "  require x +\n"
      "}\n"
      "let z =\n",
      "4:5: expected ',' or ']', found string literal \"B\"\n"
      "7:1: unexpected '}'\n"
      "8:8: unexpected end of input");
  /* Brackets closed by the recovery itself are left alone. */
  ERR("let y = (a b) + [\n1]\nlet z = 1 1",
      "1:12: expected ')', found 'b'\n"
      "3:11: unexpected '1'");
  /* A statement after a resync may close brackets of its own. */
  ERR("let x = f(a b\nlet y = g(c))\n",
      "1:13: expected ',' or ')', found 'b'\n"
      "2:13: ')' closes nothing: no '(' is open");
}

static void test_recovery_unclosed_block(void **state) {
  (void)state;
  /* A statement keyword at the start of a line in a block: the block's
   * '}' is missing. */
  ERR("rule r {\n"
      "  require a\n"
      "\n"
      "rule s {\n"
      "  require b\n"
      "}\n"
      "let = 1\n",
      "4:1: expected '}', found 'rule'\n"
      "7:5: expected identifier, found '='");
  ERR("policy \"p\" {\n  title \"t\"\nimport \"x\"\nlet y\n",
      "3:1: expected '}', found 'import'\n"
      "4:6: expected '=', found end of line");
  /* A statement written inside a block: the '}' after it is dropped. */
  ERR("rule r {\n  let x = 1\n}\nlet = 2",
      "2:3: expected '}', found 'let'\n"
      "4:5: expected identifier, found '='");
  ERR("rule r {\n  fact a: int\n}\n}",
      "2:3: expected '}', found 'fact'\n"
      "4:1: '}' closes nothing: no '{' is open");
}

/* One mistake, one diagnostic, at its place; and the text after it is
 * read as what was meant, so nothing else is said about it. */
static void test_one_per_mistake_quotes(void **state) {
  (void)state;
  /* a string that lost its opening quote */
  ERR("must r: data.region in [JP\"]",
      "1:25: missing opening quote before 'JP'");
  ERR("let a = [JP\", \"US\"]", "1:10: missing opening quote before 'JP'");
  ERR("rule r {\n  title Backup policy\"\n  require x\n}",
      "2:9: missing opening quote before 'Backup policy'");
  ERR("must r \u30d0\u30c3\u30af\u30a2\u30c3\u30d7\": x",
      "1:8: missing opening quote before '\u30d0\u30c3\u30af\u30a2\u30c3\u30d7'");
  ERR("rule r {\n  title: Backup\"\n  require x\n}",
      "2:8: no ':' after the clause name 'title'");
  /* raw and bytes strings, apostrophes: no quote is missing */
  AST("must r: x == r\"a\" || y == b\"\"",
      "(POLICY (RULE r (CLAUSE severity (IDENT must)) (CLAUSE require "
      "(OR (BINARY == (IDENT x) (STRING_LIT \"a\")) (BINARY == (IDENT y) "
      "(BYTES_LIT b\"\"))))))");
  /* a string over two lines; a quote inside one */
  ERR("rule r {\n  title \"abc\ndef\"\n  require x\n}",
      "2:9: a string must end on the line where it starts");
  ERR("must r \"\u5229\u7528\u8005\"\u30c7\u30fc\u30bf\"\u306e\u5206\u96e2\": x",
      "1:12: a '\"' inside a string ends it");
}

static void test_one_per_mistake_characters(void **state) {
  (void)state;
  ERR("must r: x in \uff3b\"a\", \"b\"\uff3d",
      "1:14: full-width '\uff3b' and '\uff3d' in code");
  ERR("must r: x\u3002\nmust s: y", "1:10: '\u3002' at the end of a line");
  ERR("must r:\u00a0x", "1:8: non-breaking space in code (copied from a "
                       "web page or a document)");
  ERR("must r: a.\u200bb", "1:11: invisible character U+200B in code");
  ERR("must r: a\u200b_b", "1:10: invisible character U+200B in code");
  ERR("let d = 2026-04-01", "1:9: a date is written in quotes");
  ERR("must r: x >= 90days", "1:14: 'days' after a number: a number has no "
                             "unit");
  ERR("must r: x >= 90 days", "1:17: 'days' after a number: a number has no "
                              "unit");
  ERR("must r: x >= 99.9%\nmust s: y", "1:18: '%' after a number: a number "
                                       "has no unit");
  ERR("must r: x === 1", "1:11: '===' is not an operator");
  ERR("must r: x > = 1", "1:11: '>' and '=' apart are no operator");
  ERR("must r: x =! 1", "1:11: '=!' is not an operator");
}

static void test_one_per_mistake_comments(void **state) {
  (void)state;
  ERR("-- note\nmust r: x", "1:1: '--' does not start a comment");
  ERR("must r: x\n/ \u6ce8\u610f\nmust s: y",
      "2:1: '/' does not start a comment");
  ERR("must r: x\n\u9867\u5ba2\u30c7\u30fc\u30bf\u306f\u56fd\u5185\u306e\u307f\n"
      "must s: y", "2:1: a comment must start with '//'");
  ERR("- \u30d0\u30c3\u30af\u30a2\u30c3\u30d7\nmust r: x",
      "1:1: '-' does not start a comment");
  /* the text of a C comment left open, said with it */
  ERR("/* \u6ce8\u610f\n   \u56fd\u5185\u306e\u307f\n\n   \u203b \u59d4\u8a17\u5148\nmust r: x",
      "1:1: '/*' does not start a comment");
  /* a Japanese id is no comment */
  ERR("\u30d0\u30c3\u30af\u30a2\u30c3\u30d7 >= 7",
      "1:1: '\u30d0\u30c3\u30af\u30a2\u30c3\u30d7' cannot be a name: names "
      "are ASCII letters, digits and '_'");
}

static void test_one_per_mistake_blocks(void **state) {
  (void)state;
  /* the '{' forgotten, or written '(' */
  ERR("rule r\n  title \"t\"\n  require x\n\nmust s: y",
      "1:7: expected '{', found end of line");
  ERR("rule r (\n  require x\n)\nmust s: y", "1:8: expected '{', found '('");
  ERR("policy \"p\"\n{\n  title \"t\"\n}\nmust s: y",
      "2:1: the '{' of the policy header goes at the end of its first line");
  /* the last '}' missing at the end of the file */
  ERR("must s: y\nrule r {\n  require x\n",
      "2:8: the block of 'rule r' is not closed");
  /* a '}' too early, a clause outside a rule */
  ERR("rule r {\n  title \"t\"\n}\n  require x\n}\nmust s: y",
      "3:1: this '}' ends the rule before its clauses below");
  ERR("require x", "1:1: 'require' is a clause of a rule, not a statement");
  /* closers that close nothing */
  ERR("must r: (a))", "1:12: ')' closes nothing: no '(' is open");
  ERR("must r: [a, b)", "1:14: expected ',' or ']', found ')'");
  /* a value on the line after its clause */
  ERR("rule r {\n  require\n    x && y\n}",
      "3:5: the value of 'require' goes on its line");
}

static void test_one_per_mistake_names(void **state) {
  (void)state;
  ERR("rule tenant-isolation {\n  require x\n}",
      "1:6: 'tenant-isolation' cannot be an id: ids are ASCII letters, "
      "digits and '_'");
  ERR("rule tenant isolation {\n  require x\n}",
      "1:6: 'tenant isolation' cannot be an id: an id is one word");
  ERR("must password-hashed \"t\": x",
      "1:6: 'password-hashed' cannot be an id: ids are ASCII letters, "
      "digits and '_'");
  ERR("let min backup = 7\nmust r: x >= min_backup",
      "1:5: 'min backup' cannot be a name: a name is one word");
  ERR("const x = 7\nmust r: y >= x", "1:1: unknown statement 'const'");
  ERR("include \"regions\"", "1:1: unknown statement 'include'");
  ERR("must r: a OR b", "1:11: 'OR' is not an operator in CEL");
  ERR("must r: \"a\" not in b", "1:13: 'not in' is not an operator in CEL");
  ERR("rule r {\n  if x\n  require y\n}",
      "2:3: unknown clause 'if' (expected one of: title, severity, refs, "
      "when, require, message, ask)");
  ERR("rule r {\n  refs \"A\", \"B\"\n  require y\n}",
      "2:8: several values need a list: '[' missing");
  ERR("rule r {\n  refs [METI-2013 12.3.1]\n  require y\n}",
      "2:9: expected string literal, found 'METI-2013 12.3.1'");
  ERR("rule r {\n  title Tenant data is isolated\n  require y\n}",
      "2:9: expected string literal, found 'Tenant'");
}

/* The tree of a policy with errors holds the statements without any
 * (parse_policy_partial), for the checks that still make sense. */
static void test_partial(void **state) {
  (void)state;
  reset();
  const char *src = "let a = 1\nmust r: (a +\nlet b = \uff12\nmust s: a == 1\n";
  arena_init(&g_arena, 0, NULL);
  diag_init(&g_diags, "p.pol", src, strlen(src), NULL);
  g_live = true;
  bool failed = false;
  ast *root = parse_policy_partial(&g_arena, &g_diags, &failed);
  assert_true(failed);
  assert_non_null(root);
  assert_string_equal(ast_dump(&g_arena, root),
                      "(POLICY (LET a (INT_LIT 1)) (RULE s (CLAUSE severity "
                      "(IDENT must)) (CLAUSE require (BINARY == (IDENT a) "
                      "(INT_LIT 1)))))");
  assert_string_equal(diags_text(), "2:9: '(' is not closed\n"
                                    "3:9: full-width '\uff12' in code");
}

/* ==== limits ==== */

static void test_depth(void **state) {
  (void)state;
  static const char *const heads[] = {"let x = ", "must r: ",
                                      "rule r { require ", "fact x: ",
                                      "fact ", ""};
  for (size_t i = 0; i < POL_COUNTOF(heads); i++) {
    char *deep = nest("(", 1000000, "x", ")");
    char *src = malloc(strlen(deep) + 64);
    sprintf(src, "%s%s\nlet y = 1 1\n", heads[i], deep);
    assert_null(parse(src));
    assert_int_equal(g_diags.n, 1);
    assert_string_equal(g_diags.items[0].msg,
                        "expression nested too deeply (limit is 250)");
    free(src);
    free(deep);
  }
  char *src = nest("[", 249, "1", "]");
  char *text = malloc(strlen(src) + 32);
  sprintf(text, "rule r {\n  require %s\n}", src);
  assert_non_null(parse(text));
  free(text);
  free(src);
  src = nest("list(", 248, "int", ")");
  text = malloc(strlen(src) + 32);
  sprintf(text, "fact x: %s", src);
  assert_non_null(parse(text));
  free(text);
  free(src);
  src = nest("list(", 250, "int", ")");
  text = malloc(strlen(src) + 32);
  sprintf(text, "fact x: %s", src);
  ERR(text, "1:9: expression nested too deeply (limit is 250)");
  free(text);
  free(src);
  src = nest("{", 1000000, "", "");
  assert_null(parse(src));
  assert_int_equal(g_diags.n, 1);
  free(src);
}

static void test_many_statements(void **state) {
  (void)state;
  /* Statements and clauses are collected left-recursively: a long file
   * does not grow the parser's stack. */
  size_t n = 100000;
  char *src = malloc(n * 16 + 64), *o = src;
  o += sprintf(o, "rule r {\n");
  for (size_t i = 0; i < n; i++)
    o += sprintf(o, "  when a\n");
  o += sprintf(o, "}\n");
  for (size_t i = 0; i < n; i++)
    o += sprintf(o, "x%zu;", i % 10);
  ast *r = parse(src);
  assert_non_null(r);
  assert_int_equal(r->nkids, n + 1);
  assert_int_equal(r->kids[0]->nkids, n);
  free(src);
}

static void test_out_of_memory(void **state) {
  (void)state;
  /* Every arena limit either parses or reports out of memory once;
   * nothing crashes and nothing leaks. */
  for (size_t limit = 8; limit < 16384; limit += 64) {
    arena a;
    diag_list d;
    arena_init(&a, limit, NULL);
    diag_init(&d, "p.pol", full_example, strlen(full_example), NULL);
    ast *r = parse_policy(&a, &d);
    if (!r) {
      assert_int_equal(d.n, 1);
      assert_string_equal(d.items[0].msg, "out of memory");
    }
    diag_free(&d);
    arena_free(&a);
  }
  const char *facts = "fact a.`b c`.d: map(string, list(int)) in [1] \"x\"";
  for (size_t limit = 8; limit < 4096; limit += 8) {
    arena a;
    diag_list d;
    arena_init(&a, limit, NULL);
    diag_init(&d, "p.pol", facts, strlen(facts), NULL);
    if (!parse_policy(&a, &d)) {
      assert_int_equal(d.n, 1);
      assert_string_equal(d.items[0].msg, "out of memory");
    }
    diag_free(&d);
    arena_free(&a);
  }
}

static void test_source_too_large(void **state) {
  (void)state;
  static const char tiny[] = "x";
  arena a;
  diag_list d;
  arena_init(&a, 0, NULL);
  diag_init(&d, "p.pol", tiny, (size_t)POL_MAX_SOURCE + 1, NULL);
  assert_null(parse_policy(&a, &d));
  assert_int_equal(d.n, 1);
  assert_non_null(strstr(d.items[0].msg, "source too large"));
  diag_free(&d);
  arena_free(&a);
}

/* ==== expressions are unchanged ==== */

static void test_expression_mode(void **state) {
  (void)state;
  /* No statements: a line break is blank, ';' is a stray character,
   * statement and clause words are names or reserved words. */
  EXPR("a\n&& b", "(AND (IDENT a) (IDENT b))");
  EXPR("a &&\nb", "(AND (IDENT a) (IDENT b))");
  EXPR("must && rule || title",
       "(OR (AND (IDENT must) (IDENT rule)) (IDENT title))");
  EXPR("{'a': 1}", "(MAP (ENTRY (STRING_LIT \"a\") (INT_LIT 1)))");
  assert_string_equal(dump_as("a\nb", true), "error: 2:1: unexpected 'b'");
  assert_string_equal(dump_as("a; b", true),
                      "error: 1:2: unexpected character ';'");
  assert_string_equal(
      dump_as("let x = 1", true),
      "error: 1:1: reserved word 'let' cannot be used as a name\n"
      "1:5: unexpected 'x'");
  assert_string_equal(dump_as("x = 1", true),
                      "error: 1:3: '=' is not a comparison");
  assert_string_equal(dump_as("", true),
                      "error: 1:1: unexpected end of input");
}

static void test_ast_kinds(void **state) {
  (void)state;
  static const struct {
    ast_kind k;
    const char *name;
  } kinds[] = {{AST_POLICY, "POLICY"}, {AST_HEADER, "HEADER"},
               {AST_IMPORT, "IMPORT"}, {AST_LET, "LET"},
               {AST_FACT, "FACT"},     {AST_TYPE, "TYPE"},
               {AST_RULE, "RULE"},     {AST_CLAUSE, "CLAUSE"}};
  for (size_t i = 0; i < POL_COUNTOF(kinds); i++)
    assert_string_equal(ast_kind_name(kinds[i].k), kinds[i].name);
  assert_int_equal(AST_CLAUSE + 1, AST_KIND_COUNT);
  /* Hand-made trees print too, with or without names. */
  arena a;
  arena_init(&a, 0, NULL);
  span s = {0, 0, 1, 1};
  ast *f = ast_new(&a, AST_FACT, s);
  ast_push(&a, f, ast_new(&a, AST_TYPE, s));
  ast *h = ast_new(&a, AST_HEADER, s);
  assert_string_equal(ast_dump(&a, f), "(FACT  (TYPE))");
  assert_string_equal(ast_dump(&a, h), "(HEADER \"\")");
  arena_free(&a);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_teardown(f, teardown)
      T(test_minimal),
      T(test_empty),
      T(test_full_example),
      T(test_header),
      T(test_import_let),
      T(test_rule_block),
      T(test_rule_one_line),
      T(test_japanese),
      T(test_facts),
      T(test_fact_blocks),
      T(test_wrapping),
      T(test_semicolons),
      T(test_crlf),
      T(test_comments),
      T(test_keywords_as_names),
      T(test_blocks_and_maps),
      T(test_spans),
      T(test_errors_statements),
      T(test_errors_clauses),
      T(test_errors_facts),
      T(test_errors_fact_blocks),
      T(test_errors_lexical),
      T(test_render),
      T(test_recovery),
      T(test_recovery_brackets),
      T(test_recovery_unclosed_block),
      T(test_one_per_mistake_quotes),
      T(test_one_per_mistake_characters),
      T(test_one_per_mistake_comments),
      T(test_one_per_mistake_blocks),
      T(test_one_per_mistake_names),
      T(test_partial),
      T(test_depth),
      T(test_many_statements),
      T(test_out_of_memory),
      T(test_source_too_large),
      T(test_expression_mode),
      T(test_ast_kinds),
#undef T
  };
  return RUN_TESTS("policy_parse", tests, argc, argv);
}
