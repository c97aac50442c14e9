/*
 * test_parse.c: unit tests of the front end (grammar/lexer.l,
 * grammar/parser.y, lib/parse.c, lib/ast.c, lib/diag.c): tokens, every
 * literal form, precedence and associativity (through ast_dump), source
 * spans, the wording and position of every syntax error, recovery with
 * several errors in one run, the nesting limit, and diagnostic rendering.
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

static ast *parse_n(const char *src, size_t n) {
  reset();
  arena_init(&g_arena, 0, NULL);
  diag_init(&g_diags, "<expr>", src, n, NULL);
  g_live = true;
  return parse_expr(&g_arena, &g_diags);
}

static ast *parse(const char *src) { return parse_n(src, strlen(src)); }

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

/* The S-expression of [src], or its diagnostics prefixed "error: ". */
static const char *dump_n(const char *src, size_t n) {
  ast *root = parse_n(src, n);
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

static const char *dump(const char *src) { return dump_n(src, strlen(src)); }

/* The diagnostics of [src], which must fail to parse. */
static const char *errors(const char *src) {
  ast *root = parse(src);
  assert_null(root);
  assert_true(g_diags.n > 0);
  return diags_text();
}

#define AST(src, want) assert_string_equal(dump(src), want)
#define ERR(src, want) assert_string_equal(errors(src), want)

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

/* ==== tokens and literals ==== */

static void test_tokens_operators(void **state) {
  (void)state;
  AST("a||b", "(OR (IDENT a) (IDENT b))");
  AST("a&&b", "(AND (IDENT a) (IDENT b))");
  AST("a==b", "(BINARY == (IDENT a) (IDENT b))");
  AST("a!=b", "(BINARY != (IDENT a) (IDENT b))");
  AST("a<b", "(BINARY < (IDENT a) (IDENT b))");
  AST("a<=b", "(BINARY <= (IDENT a) (IDENT b))");
  AST("a>b", "(BINARY > (IDENT a) (IDENT b))");
  AST("a>=b", "(BINARY >= (IDENT a) (IDENT b))");
  AST("a in b", "(BINARY in (IDENT a) (IDENT b))");
  AST("a+b-c", "(BINARY - (BINARY + (IDENT a) (IDENT b)) (IDENT c))");
  AST("a*b/c%d",
      "(BINARY % (BINARY / (BINARY * (IDENT a) (IDENT b)) (IDENT c)) "
      "(IDENT d))");
  AST("!a", "(UNARY ! (IDENT a))");
  AST("-a", "(UNARY - (IDENT a))");
}

static void test_tokens_identifiers(void **state) {
  (void)state;
  AST("_a1B", "(IDENT _a1B)");
  AST("inx", "(IDENT inx)");      /* a keyword prefix is no keyword */
  AST("iff", "(IDENT iff)");
  AST("nullable", "(IDENT nullable)");
  AST("truex || falsey", "(OR (IDENT truex) (IDENT falsey))");
  AST("null", "(NULL_LIT)");
  AST("true", "(BOOL_LIT true)");
  AST("false", "(BOOL_LIT false)");
  AST(".x", "(IDENT .x)");
  AST("x.in_", "(SELECT (IDENT x) .in_)");
}

static void test_tokens_whitespace_comments(void **state) {
  (void)state;
  AST(" \t\r\n\f1 \f+\r\n 2 ", "(BINARY + (INT_LIT 1) (INT_LIT 2))");
  AST("1 // one\n+ 2 // two", "(BINARY + (INT_LIT 1) (INT_LIT 2))");
  AST("// lead\n\n x", "(IDENT x)");
  AST("a // trailing comment without newline", "(IDENT a)");
  AST("'//' + \"//\"", "(BINARY + (STRING_LIT \"//\") (STRING_LIT \"//\"))");
  AST("1 /* not a comment */", "error: 1:3: '/*' does not start a comment");
}

static void test_literal_int(void **state) {
  (void)state;
  AST("0", "(INT_LIT 0)");
  AST("007", "(INT_LIT 7)");
  AST("42", "(INT_LIT 42)");
  AST("0x2A", "(INT_LIT 42)");
  AST("0XfF", "(INT_LIT 255)");
  AST("9223372036854775807", "(INT_LIT 9223372036854775807)");
  AST("0x7fffffffffffffff", "(INT_LIT 9223372036854775807)");
  AST("-9223372036854775808", "(INT_LIT -9223372036854775808)");
  AST("-0x8000000000000000", "(INT_LIT -9223372036854775808)");
  AST("- 12", "(INT_LIT -12)");
  AST("-0", "(INT_LIT 0)");
}

static void test_literal_int_range(void **state) {
  (void)state;
  ERR("9223372036854775808", "1:1: integer literal out of range");
  ERR("0x8000000000000000", "1:1: integer literal out of range");
  ERR("-9223372036854775809", "1:1: integer literal out of range");
  ERR("1 + 99999999999999999999", "1:5: integer literal out of range");
  ERR("-(9223372036854775808)", "1:3: integer literal out of range");
  ERR("!9223372036854775808", "1:2: integer literal out of range");
  ERR("x - 9223372036854775808", "1:5: integer literal out of range");
  ERR("[9223372036854775808]", "1:2: integer literal out of range");
}

static void test_literal_uint(void **state) {
  (void)state;
  AST("0u", "(UINT_LIT 0u)");
  AST("1u", "(UINT_LIT 1u)");
  AST("1U", "(UINT_LIT 1u)");
  AST("0x1u", "(UINT_LIT 1u)");
  AST("0XAbU", "(UINT_LIT 171u)");
  AST("18446744073709551615u", "(UINT_LIT 18446744073709551615u)");
  AST("0xFFFFFFFFFFFFFFFFu", "(UINT_LIT 18446744073709551615u)");
  AST("-1u", "(UNARY - (UINT_LIT 1u))");
  ERR("18446744073709551616u", "1:1: unsigned integer literal out of range");
  ERR("0x10000000000000000u", "1:1: unsigned integer literal out of range");
}

static void test_literal_double(void **state) {
  (void)state;
  AST("1.5", "(DOUBLE_LIT 1.5)");
  AST(".5", "(DOUBLE_LIT 0.5)");
  AST("0.0", "(DOUBLE_LIT 0.0)");
  AST("1e3", "(DOUBLE_LIT 1000.0)");
  AST("1E+3", "(DOUBLE_LIT 1000.0)");
  AST("1.5e-3", "(DOUBLE_LIT 0.0015)");
  AST(".5e1", "(DOUBLE_LIT 5.0)");
  AST("0e+0", "(DOUBLE_LIT 0.0)");
  AST("0.1", "(DOUBLE_LIT 0.1)");
  AST("1e300", "(DOUBLE_LIT 1e+300)");
  AST("-2.5", "(DOUBLE_LIT -2.5)");
  AST("-0.0", "(DOUBLE_LIT -0.0)");
  AST("-(2.5)", "(UNARY - (DOUBLE_LIT 2.5))");
  AST("1e-400", "(DOUBLE_LIT 0.0)"); /* underflow is fine */
  ERR("1e400", "1:1: double literal out of range");
  /* "1." is not a double in CEL: a member selection is missing. */
  ERR("1.", "1:3: unexpected end of input");
  AST("1.e3", "(SELECT (INT_LIT 1) .e3)");
}

static void test_literal_bad_numbers(void **state) {
  (void)state;
  ERR("1e", "1:1: invalid number literal");
  ERR("12abc", "1:1: invalid number literal");
  ERR("0x", "1:1: invalid number literal");
  ERR("0xg1", "1:1: invalid number literal");
  ERR("1.5x", "1:1: invalid number literal");
  ERR("1uu", "1:1: invalid number literal");
  ERR("1.5u", "1:1: invalid number literal");
  ERR("[1e, 2f]", "1:2: invalid number literal\n1:6: invalid number literal");
}

static void test_literal_string_quotes(void **state) {
  (void)state;
  AST("'abc'", "(STRING_LIT \"abc\")");
  AST("\"abc\"", "(STRING_LIT \"abc\")");
  AST("''", "(STRING_LIT \"\")");
  AST("\"\"", "(STRING_LIT \"\")");
  AST("'\"'", "(STRING_LIT \"\\\"\")");
  AST("\"'\"", "(STRING_LIT \"'\")");
  AST("'''a'b''c'''", "(STRING_LIT \"a'b''c\")");
  AST("\"\"\"a\"b\"\"c\"\"\"", "(STRING_LIT \"a\\\"b\\\"\\\"c\")");
  AST("''''''", "(STRING_LIT \"\")");
  AST("'''line1\nline2'''", "(STRING_LIT \"line1\\nline2\")");
  AST("\"\"\"x\r\ny\"\"\"", "(STRING_LIT \"x\\r\\ny\")");
  AST("'''it\\'s'''", "(STRING_LIT \"it's\")");
  AST("'a' + \"b\"", "(BINARY + (STRING_LIT \"a\") (STRING_LIT \"b\"))");
  AST("'\t'", "(STRING_LIT \"\\t\")"); /* raw control characters are fine */
  AST("\"日本語\"", "(STRING_LIT \"日本語\")");
  AST("'😀'", "(STRING_LIT \"😀\")");
}

static void test_literal_string_escapes(void **state) {
  (void)state;
  AST("'\\a\\b\\f\\n\\r\\t\\v'",
      "(STRING_LIT \"\\x07\\x08\\x0c\\n\\r\\t\\x0b\")");
  AST("'\\\\ \\? \\\" \\' \\`'", "(STRING_LIT \"\\\\ ? \\\" ' `\")");
  AST("'\\x41\\X42\\x7f'", "(STRING_LIT \"AB\\x7f\")");
  AST("'\\101\\000\\177'", "(STRING_LIT \"A\\x00\\x7f\")");
  AST("'\\u00e9\\u3042'", "(STRING_LIT \"éあ\")");
  AST("'\\U0001F600\\U00000041'", "(STRING_LIT \"😀A\")");
  AST("'\\U0010FFFF'", "(STRING_LIT \"\xf4\x8f\xbf\xbf\")");
  /* In strings \x and octal escapes are code points, not bytes. */
  AST("'\\xff'", "(STRING_LIT \"ÿ\")");
  AST("'\\377'", "(STRING_LIT \"ÿ\")");
  AST("'\\303\\277'", "(STRING_LIT \"Ã¿\")");
  AST("'''\\n'''", "(STRING_LIT \"\\n\")");
}

/* A literal's body is copied in runs between escapes (lexer.l, plain()):
 * every run must arrive whole and in order, whatever stands around it. */
static void test_literal_string_runs(void **state) {
  (void)state;
  AST("'データ\\n保管 ab\\u3042c'", "(STRING_LIT \"データ\\n保管 abあc\")");
  AST("'\\t先頭と末尾\\t'", "(STRING_LIT \"\\t先頭と末尾\\t\")");
  AST("'x\\\\y\\\\'", "(STRING_LIT \"x\\\\y\\\\\")");
  AST("r'日本\\n語'", "(STRING_LIT \"日本\\\\n語\")");
  AST("b'日\\x00本'",
      "(BYTES_LIT b\"\\xe6\\x97\\xa5\\x00\\xe6\\x9c\\xac\")");
  AST("'''一行目\n二行目\\n'''", "(STRING_LIT \"一行目\\n二行目\\n\")");
  ERR("'あいう\\qえ'", "1:5: invalid escape sequence '\\q'");
}

static void test_literal_raw_strings(void **state) {
  (void)state;
  AST("r'\\n\\d+'", "(STRING_LIT \"\\\\n\\\\d+\")");
  AST("R\"\\x\"", "(STRING_LIT \"\\\\x\")");
  AST("r'''a\\'''", "(STRING_LIT \"a\\\\\")");
  AST("R\"\"\"\\q\n\"\"\"", "(STRING_LIT \"\\\\q\\n\")");
  AST("r''", "(STRING_LIT \"\")");
  AST("r'\"'", "(STRING_LIT \"\\\"\")");
}

static void test_literal_bytes(void **state) {
  (void)state;
  AST("b'abc'", "(BYTES_LIT b\"abc\")");
  AST("B\"\"", "(BYTES_LIT b\"\")");
  AST("b'\\xff\\x00'", "(BYTES_LIT b\"\\xff\\x00\")");
  AST("b'\\377\\001'", "(BYTES_LIT b\"\\xff\\x01\")");
  AST("b'\\u00ff'", "(BYTES_LIT b\"\\xc3\\xbf\")");
  AST("b'ÿ'", "(BYTES_LIT b\"\\xc3\\xbf\")");
  AST("b'\\n\\t\\\\'", "(BYTES_LIT b\"\\n\\t\\\\\")");
  AST("b'''a\nb'''", "(BYTES_LIT b\"a\\nb\")");
  AST("rb'\\x'", "(BYTES_LIT b\"\\\\x\")");
  AST("bR'\\x'", "(BYTES_LIT b\"\\\\x\")");
  AST("Rb\"a\"", "(BYTES_LIT b\"a\")");
  AST("BR'''\\'''", "(BYTES_LIT b\"\\\\\")");
  ERR("b'\\U00000041'",
      "1:3: '\\U' escapes are not allowed in bytes literals");
}

static void test_literal_nul_bytes(void **state) {
  (void)state;
  static const char src[] = "'a\0b' + b\"\0\"";
  assert_string_equal(dump_n(src, sizeof src - 1),
                      "(BINARY + (STRING_LIT \"a\\x00b\") "
                      "(BYTES_LIT b\"\\x00\"))");
  ast *r = parse_n(src, sizeof src - 1);
  assert_non_null(r);
  assert_int_equal(r->kids[0]->lit.s.n, 3);
  assert_memory_equal(r->kids[0]->lit.s.p, "a\0b", 4);
}

static void test_literal_string_errors(void **state) {
  (void)state;
  ERR("'abc", "1:1: unterminated string literal");
  ERR("x + \"abc\ny", "1:5: unterminated string literal\n"
                      "2:1: unexpected 'y'");
  ERR("\"abc\n\"", "1:1: unterminated string literal\n"
                   "2:1: unterminated string literal");
  ERR("b'''abc''", "1:1: unterminated string literal");
  ERR("r\"abc", "1:1: unterminated string literal");
  ERR("'a\\", "1:1: unterminated string literal");
  ERR("'\\q'", "1:2: invalid escape sequence '\\q'");
  ERR("'ok' + '\\é'", "1:9: invalid escape sequence '\\é'");
  ERR("'\\x4'", "1:2: invalid escape sequence: '\\x' needs 2 hex digits");
  ERR("'\\xg0'", "1:2: invalid escape sequence: '\\x' needs 2 hex digits");
  ERR("'\\u12'", "1:2: invalid escape sequence: '\\u' needs 4 hex digits");
  ERR("'\\U0001F60'", "1:2: invalid escape sequence: '\\U' needs 8 hex digits");
  ERR("'\\8'", "1:2: invalid escape sequence '\\8'");
  ERR("'\\400'",
      "1:2: invalid escape sequence: octal escapes are \\000 to \\377");
  ERR("'\\12'",
      "1:2: invalid escape sequence: octal escapes are \\000 to \\377");
  ERR("'\\uD800'", "1:2: invalid escape: surrogate code point");
  ERR("'\\uDE03'", "1:2: invalid escape: surrogate code point");
  ERR("'\\U0000D83D'", "1:2: invalid escape: surrogate code point");
  ERR("'\\U00110000'", "1:2: invalid escape: code point beyond U+10FFFF");
  ERR("'日本\\z'", "1:4: invalid escape sequence '\\z'");
  ERR("\"\"\"a\n\\q\"\"\"", "2:1: invalid escape sequence '\\q'");
}

static void test_literal_utf8_errors(void **state) {
  (void)state;
  /* the whole source is checked first: one message, at the first bad
   * byte, wherever it is */
  ERR("'\xff'", "1:2: invalid UTF-8 (byte 0xFF)");
  ERR("'a\xc3'", "1:3: invalid UTF-8 (byte 0xC3)");
  ERR("'\xed\xa0\x80'", "1:2: invalid UTF-8 (byte 0xED)"); /* U+D800 */
  ERR("'\xc0\xaf'", "1:2: invalid UTF-8 (byte 0xC0)");     /* overlong */
  ERR("b'\xff'", "1:3: invalid UTF-8 (byte 0xFF)");
  ERR("r'\xf5\x80\x80\x80'", "1:3: invalid UTF-8 (byte 0xF5)");
  ERR("a \xff b", "1:3: invalid UTF-8 (byte 0xFF)");
  ERR("1 // caf\xe9\n", "1:9: invalid UTF-8 (byte 0xE9)");
  ERR("'\xff' +\n'\xff' + '\xfe'\n+ '\xfd'",
      "1:2: invalid UTF-8 (byte 0xFF); 2 more lines hold such bytes");
}

/* ==== precedence and associativity ==== */

static void test_precedence(void **state) {
  (void)state;
  AST("1 + 2 * 3", "(BINARY + (INT_LIT 1) (BINARY * (INT_LIT 2) (INT_LIT 3)))");
  AST("(1 + 2) * 3",
      "(BINARY * (BINARY + (INT_LIT 1) (INT_LIT 2)) (INT_LIT 3))");
  AST("a < b + 1", "(BINARY < (IDENT a) (BINARY + (IDENT b) (INT_LIT 1)))");
  AST("a == b && c", "(AND (BINARY == (IDENT a) (IDENT b)) (IDENT c))");
  AST("a || b && c", "(OR (IDENT a) (AND (IDENT b) (IDENT c)))");
  AST("a && b || c", "(OR (AND (IDENT a) (IDENT b)) (IDENT c))");
  AST("a in b || c in d",
      "(OR (BINARY in (IDENT a) (IDENT b)) (BINARY in (IDENT c) (IDENT d)))");
  AST("a || b ? c : d",
      "(COND (OR (IDENT a) (IDENT b)) (IDENT c) (IDENT d))");
  AST("-a * b", "(BINARY * (UNARY - (IDENT a)) (IDENT b))");
  AST("!a && b", "(AND (UNARY ! (IDENT a)) (IDENT b))");
  AST("-a.b", "(UNARY - (SELECT (IDENT a) .b))");
  AST("!f(x)[0]", "(UNARY ! (INDEX (CALL f (IDENT x)) (INT_LIT 0)))");
  AST("a + -1", "(BINARY + (IDENT a) (INT_LIT -1))");
  AST("a - -1", "(BINARY - (IDENT a) (INT_LIT -1))");
  AST("a-1", "(BINARY - (IDENT a) (INT_LIT 1))");
}

static void test_associativity(void **state) {
  (void)state;
  AST("1 - 2 - 3",
      "(BINARY - (BINARY - (INT_LIT 1) (INT_LIT 2)) (INT_LIT 3))");
  AST("8 / 4 / 2",
      "(BINARY / (BINARY / (INT_LIT 8) (INT_LIT 4)) (INT_LIT 2))");
  AST("a < b == c",
      "(BINARY == (BINARY < (IDENT a) (IDENT b)) (IDENT c))");
  AST("a in b in c",
      "(BINARY in (BINARY in (IDENT a) (IDENT b)) (IDENT c))");
  AST("a && b && c", "(AND (AND (IDENT a) (IDENT b)) (IDENT c))");
  AST("a || b || c", "(OR (OR (IDENT a) (IDENT b)) (IDENT c))");
  AST("a ? b : c ? d : e",
      "(COND (IDENT a) (IDENT b) (COND (IDENT c) (IDENT d) (IDENT e)))");
  AST("a ? (b ? c : d) : e",
      "(COND (IDENT a) (COND (IDENT b) (IDENT c) (IDENT d)) (IDENT e))");
  AST("(a ? b : c) ? d : e",
      "(COND (COND (IDENT a) (IDENT b) (IDENT c)) (IDENT d) (IDENT e))");
  AST("!!x", "(UNARY ! (UNARY ! (IDENT x)))");
  AST("--x", "(UNARY - (UNARY - (IDENT x)))");
  AST("---1", "(UNARY - (UNARY - (INT_LIT -1)))");
  AST("--9223372036854775808",
      "(UNARY - (INT_LIT -9223372036854775808))");
  AST("a.b.c", "(SELECT (SELECT (IDENT a) .b) .c)");
  AST("a[0][1]", "(INDEX (INDEX (IDENT a) (INT_LIT 0)) (INT_LIT 1))");
}

/* ==== members, calls and aggregates ==== */

static void test_members(void **state) {
  (void)state;
  AST("a.b", "(SELECT (IDENT a) .b)");
  AST("a.?b", "(SELECT (IDENT a) .?b)");
  AST("a . ? b", "(SELECT (IDENT a) .?b)");
  AST("a[1]", "(INDEX (IDENT a) (INT_LIT 1))");
  AST("a[?'k']", "(INDEX (IDENT a) ?(STRING_LIT \"k\"))");
  AST("a.`b-c`", "(SELECT (IDENT a) .`b-c`)");
  AST("a.?`x.y/z w`", "(SELECT (IDENT a) .?`x.y/z w`)");
  AST("a.if.package", "(SELECT (SELECT (IDENT a) .if) .package)");
  AST("{}.as", "(SELECT (MAP) .as)");
  AST("(a).b", "(SELECT (IDENT a) .b)");
  AST("'s'.size()", "(CALL (STRING_LIT \"s\") .size)");
  AST("true.x", "(SELECT (BOOL_LIT true) .x)");
}

static void test_calls(void **state) {
  (void)state;
  AST("f()", "(CALL f)");
  AST("f(1)", "(CALL f (INT_LIT 1))");
  AST("f(1, a, 'b')", "(CALL f (INT_LIT 1) (IDENT a) (STRING_LIT \"b\"))");
  AST(".f(x)", "(CALL .f (IDENT x))");
  AST("a.f()", "(CALL (IDENT a) .f)");
  AST("a.f(1, 2)", "(CALL (IDENT a) .f (INT_LIT 1) (INT_LIT 2))");
  AST("a.b.f(c).g()", "(CALL (CALL (SELECT (IDENT a) .b) .f (IDENT c)) .g)");
  AST("x.return()", "(CALL (IDENT x) .return)");
  AST("has(a.b)", "(CALL has (SELECT (IDENT a) .b))");
  AST("l.all(x, x > 0)",
      "(CALL (IDENT l) .all (IDENT x) (BINARY > (IDENT x) (INT_LIT 0)))");
  AST("a.b.c(d)", "(CALL (SELECT (IDENT a) .b) .c (IDENT d))");
  AST("-1.abs()", "(CALL (INT_LIT -1) .abs)");
  AST("-(1).abs()", "(UNARY - (CALL (INT_LIT 1) .abs))");
  AST("-9223372036854775808.x", "(SELECT (INT_LIT -9223372036854775808) .x)");
}

static void test_lists_maps(void **state) {
  (void)state;
  AST("[]", "(LIST)");
  AST("[1]", "(LIST (INT_LIT 1))");
  AST("[1, 2,]", "(LIST (INT_LIT 1) (INT_LIT 2))");
  AST("[?a, b]", "(LIST ?(IDENT a) (IDENT b))");
  AST("[[1], []]", "(LIST (LIST (INT_LIT 1)) (LIST))");
  AST("{}", "(MAP)");
  AST("{'a': 1}", "(MAP (ENTRY (STRING_LIT \"a\") (INT_LIT 1)))");
  AST("{1: 2, 3: 4,}",
      "(MAP (ENTRY (INT_LIT 1) (INT_LIT 2)) (ENTRY (INT_LIT 3) (INT_LIT 4)))");
  AST("{?k: v}", "(MAP (ENTRY ?(IDENT k) (IDENT v)))");
  AST("{a ? b : c : d}",
      "(MAP (ENTRY (COND (IDENT a) (IDENT b) (IDENT c)) (IDENT d)))");
  AST("{true: [null]}", "(MAP (ENTRY (BOOL_LIT true) (LIST (NULL_LIT))))");
}

static void test_messages(void **state) {
  (void)state;
  AST("T{}", "(MESSAGE T)");
  AST("a.b.T{f: 1}", "(MESSAGE a.b.T (FIELD f (INT_LIT 1)))");
  AST("T{f: 1, g: x,}",
      "(MESSAGE T (FIELD f (INT_LIT 1)) (FIELD g (IDENT x)))");
  AST("T{?f: o}", "(MESSAGE T (FIELD ?f (IDENT o)))");
  AST(".a.T{}", "(MESSAGE .a.T)");
  AST("T{`x-y`: 1}", "(MESSAGE T (FIELD `x-y` (INT_LIT 1)))");
  AST("T{f: U{}}.f", "(SELECT (MESSAGE T (FIELD f (MESSAGE U))) .f)");
  ERR("1{}", "1:1: expected a type name before '{'");
  ERR("a.?b{}", "1:1: expected a type name before '{'");
  ERR("f(){}", "1:1: expected a type name before '{'");
  ERR("a.`b-c`{}", "1:1: expected a type name before '{'");
}

static void test_reserved_words(void **state) {
  (void)state;
  ERR("if", "1:1: reserved word 'if' cannot be used as a name");
  ERR("while(x)", "1:1: reserved word 'while' cannot be used as a name");
  ERR(".let", "1:2: reserved word 'let' cannot be used as a name");
  ERR("[var, as]",
      "1:2: reserved word 'var' cannot be used as a name\n"
      "1:7: reserved word 'as' cannot be used as a name");
  static const char *const words[] = {
      "as", "break", "const", "continue", "else", "for", "function", "if",
      "import", "let", "loop", "package", "namespace", "return", "var",
      "void", "while"};
  for (size_t i = 0; i < POL_COUNTOF(words); i++) {
    char src[64], want[128];
    snprintf(src, sizeof src, "x.%s + x.%s()", words[i], words[i]);
    snprintf(want, sizeof want, "(BINARY + (SELECT (IDENT x) .%s) "
             "(CALL (IDENT x) .%s))", words[i], words[i]);
    AST(src, want);
    assert_null(parse(words[i]));
  }
}

/* ==== locations ==== */

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
  const char *src = "f(a, -2)[1] in\n  {?\"日本\": T{x: 1}}";
  ast *r = parse(src);
  assert_non_null(r);
  check_span(r, 0, (uint32_t)strlen(src), 1, 1);            /* in */
  check_span(r->kids[0], 0, 11, 1, 1);                      /* f(..)[1] */
  check_span(r->kids[0]->kids[0], 0, 8, 1, 1);              /* f(a, -2) */
  check_span(r->kids[0]->kids[0]->kids[1], 5, 2, 1, 6);     /* -2 */
  ast *m = r->kids[1];
  check_span(m, 17, (uint32_t)strlen(src) - 17, 2, 3);
  check_span(m->kids[0], 18, m->sp.len - 2, 2, 4);          /* ?"日本": */
  check_span(m->kids[0]->kids[0], 19, 8, 2, 5);             /* "日本" */
  check_span(m->kids[0]->kids[1], 29, 7, 2, 11);            /* T{x: 1} */
}

static void test_spans_chains(void **state) {
  (void)state;
  const char *src = "a ? b : c ? d : e";
  ast *r = parse(src);
  check_span(r, 0, 17, 1, 1);
  check_span(r->kids[2], 8, 9, 1, 9);
  r = parse("x + --y");
  check_span(r->kids[1], 4, 3, 1, 5);
  check_span(r->kids[1]->kids[0], 5, 2, 1, 6);
  r = parse("-1.abs()");
  check_span(r, 0, 8, 1, 1);
  check_span(r->kids[0], 0, 2, 1, 1);
  r = parse("(a).b");
  check_span(r, 0, 5, 1, 1);
  check_span(r->kids[0], 1, 1, 1, 2);
  r = parse("'''\n\n''' + \tx");
  check_span(r->kids[1], 12, 1, 3, 8); /* a tab is one column */
}

static void test_error_positions_unicode(void **state) {
  (void)state;
  ERR("'日本語' + )", "1:9: unexpected ')'");
  ERR("'😀😀' +\n\t)", "2:2: unexpected ')'");
  ERR("\"\"\"こんにちは\n世界\"\"\" )", "2:7: unexpected ')'");
  ERR("x\r\n  + )", "2:5: unexpected ')'");
  /* tokens of 8 bytes and more on one line are counted 8 bytes at a
   * time (lexer.l, advance): code points, not bytes, at any length */
  ERR("'バックアップ' + )", "1:12: unexpected ')'");
  ERR("'abcdefg' + )", "1:13: unexpected ')'");
  ERR("'保管世代数は 7 世代以上であること' // 注記\n+ )", "2:3: unexpected ')'");
  ERR("x          + )", "1:14: unexpected ')'");
  ERR("abcdefghijk + )", "1:15: unexpected ')'");
}

/* ==== syntax errors ==== */

static void test_syntax_error_messages(void **state) {
  (void)state;
  ERR("", "1:1: unexpected end of input");
  ERR("   // nothing\n", "1:1: unexpected end of input");
  ERR("1 +", "1:4: unexpected end of input");
  ERR("1 +\n\n", "1:4: unexpected end of input");
  ERR("1 + )", "1:5: unexpected ')'");
  ERR("1 + * 2", "1:5: unexpected '*'");
  ERR("a b", "1:3: unexpected 'b'");
  ERR("1 2", "1:3: unexpected '2'");
  ERR("a 'str'", "1:3: unexpected string literal 'str'");
  ERR("a b\"xy\"", "1:3: unexpected bytes literal b\"xy\"");
  ERR("a 'a long string literal that goes on and on'",
      "1:3: unexpected string literal 'a long string literal t...");
  ERR("a.", "1:3: unexpected end of input");
  ERR("a.true", "1:3: unexpected 'true'");
  ERR("a.1", "1:2: unexpected '.1'");
  ERR("in x", "1:1: unexpected 'in'");
  ERR("`a`", "1:1: unexpected '`a`'");
  ERR("a.`b`()", "1:6: unexpected '('");
  ERR("!-x", "1:2: unexpected '-'");
  ERR("-!x", "1:2: unexpected '!'");
  ERR("f(,)", "1:3: unexpected ','\n1:4: unexpected ')'");
  ERR("f(a,)", "1:5: unexpected ')'");
  ERR("[,]", "1:2: unexpected ','");
  ERR("a[]", "1:3: unexpected ']'");
}

static void test_syntax_error_expected(void **state) {
  (void)state;
  ERR("(a", "1:3: expected ')', found end of input");
  ERR("(a b)", "1:4: expected ')', found 'b'");
  ERR("f(a b)", "1:5: expected ',' or ')', found 'b'");
  ERR("f(a", "1:4: expected ',' or ')', found end of input");
  ERR("[1 2]", "1:4: expected ',' or ']', found '2'");
  ERR("[1, 2", "1:6: expected ',' or ']', found end of input");
  ERR("a[1", "1:4: expected ']', found end of input");
  ERR("{a b}", "1:4: expected ':', found 'b'");
  ERR("{a: 1", "1:6: expected ',' or '}', found end of input");
  ERR("T{f 1}", "1:5: expected ':', found '1'");
  ERR("a ? b", "1:6: expected ':' in conditional, found end of input");
  ERR("a ? b c", "1:7: expected ':' in conditional, found 'c'");
  ERR("(a ? b)", "1:7: expected ':' in conditional, found ')'");
  ERR("{a ? b c: d}", "1:8: expected ':' in conditional, found 'c'");
  ERR("a ? b ? c : d : e", "1:7: expected ':' in conditional, found '?'");
  ERR("x ? {a: b} c", "1:12: expected ':' in conditional, found 'c'");
}

static void test_lexical_errors(void **state) {
  (void)state;
  ERR("a = b", "1:3: '=' is not a comparison");
  ERR("a & b", "1:3: '&' is not an operator");
  ERR("a | b", "1:3: '|' is not an operator");
  ERR("a # b", "1:3: '#' does not start a comment");
  ERR("a => b", "1:3: '=>' is not an operator");
  ERR("a =< b", "1:3: '=<' is not an operator");
  ERR("a <> b", "1:3: '<>' is not an operator");
  ERR("a or b", "1:3: 'or' is not an operator in CEL");
  ERR("a and b", "1:3: 'and' is not an operator in CEL");
  ERR("@", "1:1: unexpected character '@'");
  /* a run of them is one mistake; the next run is another */
  ERR("[a @@@, b ~~]", "1:4: unexpected characters '@@@'\n"
                       "1:11: unexpected characters '~~'");
  ERR("a + \x01", "1:5: unexpected character U+0001");
  ERR("x + あ", "1:5: 'あ' cannot be a name: names are ASCII letters, "
                "digits and '_'");
  ERR("x ＞＝ ７", "1:3: full-width '＞＝ ７' in code");
  ERR("（ｘ） ＞ 1 ＆＆ ｙ", "1:1: full-width '（ｘ） ＞ 1 ＆＆ ｙ' in code");
  ERR("x ＞＝ 7 && y == \"７\"", "1:3: full-width '＞＝' in code");
  ERR("x　>= 7", "1:2: full-width space in code");
  ERR("x ≧ 7", "1:3: non-ASCII '≧' in code");
  ERR("“a” + ‘b’", "1:1: curly quotes do not make a string\n"
                   "1:7: curly quotes do not make a string");
  ERR("「a」", "1:1: Japanese brackets do not make a string");
  ERR("a.`b!`", "1:3: invalid character in quoted identifier");
  ERR("a.``", "1:3: invalid character in quoted identifier");
  ERR("a.`b", "1:3: unterminated quoted identifier");
}

static void test_recovery(void **state) {
  (void)state;
  ERR("[1 +, 2 *]", "1:5: unexpected ','\n1:10: unexpected ']'");
  ERR("f(1 +, x y, 2 *)",
      "1:6: unexpected ','\n1:10: expected ',' or ')', found 'y'\n"
      "1:16: unexpected ')'");
  ERR("(1 +) + (2 *)", "1:5: unexpected ')'\n1:13: unexpected ')'");
  ERR("a[1 +] + b[)", "1:6: unexpected ']'\n1:12: unexpected ')'");
  ERR("{1: +, 2: 3, 4 5, 6: 7}",
      "1:5: unexpected '+'\n1:16: expected ':', found '5'");
  ERR("T{a: +, b: 1, c 2, d: 3}",
      "1:6: unexpected '+'\n1:17: expected ':', found '2'");
  ERR("[a # b, c @]", "1:4: '#' does not start a comment");
  ERR("[a, c @]", "1:7: unexpected character '@'");
  ERR("[if, '\\q', 99999999999999999999, 1 +]",
      "1:2: reserved word 'if' cannot be used as a name\n"
      "1:7: invalid escape sequence '\\q'\n"
      "1:12: integer literal out of range\n"
      "1:37: unexpected ']'");
  ERR("f(\n  a b,\n  c d\n)",
      "2:5: expected ',' or ')', found 'b'\n"
      "3:5: expected ',' or ')', found 'd'");
}

/* ==== the nesting limit ==== */

static void deep_error(const char *open, const char *mid, const char *close,
                       size_t n) {
  char *src = nest(open, n, mid, close);
  ast *r = parse(src);
  assert_null(r);
  assert_int_equal(g_diags.n, 1);
  assert_string_equal(g_diags.items[0].msg,
                      "expression nested too deeply (limit is 250)");
  free(src);
}

static void deep_ok(const char *open, const char *mid, const char *close,
                    size_t n) {
  char *src = nest(open, n, mid, close);
  assert_non_null(parse(src));
  free(src);
}

static void test_depth_million(void **state) {
  (void)state;
  static const char *const opens[] = {"(", "[", "-", "!", "{", "f(", "a[",
                                      "{a:", "T{f:", "x.f(", "[?", "a ? b :",
                                      "x + ", "a.b("};
  for (size_t i = 0; i < POL_COUNTOF(opens); i++)
    deep_error(opens[i], "x", "", 1000000);
  deep_error("(", "x", ")", 1000000);
  deep_error("[", "1", "]", 1000000);
  deep_error("-", "1", "", 1000000);
  deep_error("", "x", ".y", 1000000);
  deep_error("", "x", "[0]", 1000000);
  deep_error("", "1", " + 1", 1000000);
  deep_error("", "a", " && a", 1000000);
  deep_error("", "x", ".f()", 1000000);
}

static void test_depth_limit(void **state) {
  (void)state;
  /* A leaf counts 1 and every node or pair of parentheses 1 more. */
  deep_ok("(", "x", ")", 249);
  deep_error("(", "x", ")", 250);
  deep_ok("[", "1", "]", 249);
  deep_error("[", "1", "]", 250);
  deep_ok("-", "x", "", 249);
  deep_error("-", "x", "", 250);
  deep_ok("-", "1", "", 250); /* the innermost '-' folds into the literal */
  deep_error("-", "1", "", 251);
  deep_ok("!", "x", "", 249);
  deep_ok("", "x", "[0]", 249);
  deep_error("", "x", "[0]", 250);
  deep_ok("", "1", "+1", 249);
  deep_error("", "1", "+1", 250);
  deep_ok("a ? b : ", "c", "", 249);
  deep_error("a ? b : ", "c", "", 250);
  deep_ok("{1: ", "1", "}", 124);
  deep_error("{1: ", "1", "}", 125);
}

static void test_depth_error_position(void **state) {
  (void)state;
  char *src = nest("(", 300, "x", ")");
  ERR(src, "1:251: expression nested too deeply (limit is 250)");
  free(src);
  src = nest("[", 251, "1", "]");
  ERR(src, "1:251: expression nested too deeply (limit is 250)");
  free(src);
}

static void test_wide_is_fine(void **state) {
  (void)state;
  /* Long flat lists and calls are not deep. */
  char *src = nest("1, ", 100000, "1", "");
  size_t n = strlen(src);
  char *text = malloc(n + 3);
  sprintf(text, "[%s]", src);
  ast *r = parse(text);
  assert_non_null(r);
  assert_int_equal(r->nkids, 100001);
  free(text);
  free(src);
}

static void test_source_too_large(void **state) {
  (void)state;
  /* The size is checked before a byte is read. */
  static const char tiny[] = "x";
  arena a;
  diag_list d;
  arena_init(&a, 0, NULL);
  diag_init(&d, "<expr>", tiny, (size_t)POL_MAX_SOURCE + 1, NULL);
  assert_null(parse_expr(&a, &d));
  assert_int_equal(d.n, 1);
  assert_non_null(strstr(d.items[0].msg, "source too large"));
  diag_free(&d);
  arena_free(&a);
}

static void test_parse_adds_to_existing_list(void **state) {
  (void)state;
  arena a;
  diag_list d;
  arena_init(&a, 0, NULL);
  diag_init(&d, "<expr>", "1 + 2", 5, NULL);
  diag_add(&d, DC_SYNTAX, (span){0, 1, 1, 1}, "an earlier error");
  /* Only errors of this parse make it fail. */
  assert_non_null(parse_expr(&a, &d));
  assert_int_equal(d.n, 1);
  diag_free(&d);
  arena_free(&a);
}

/* ==== ast.c ==== */

static void test_ast_names(void **state) {
  (void)state;
  assert_string_equal(ast_kind_name(AST_NULL_LIT), "NULL_LIT");
  assert_string_equal(ast_kind_name(AST_FIELD), "FIELD");
  assert_string_equal(ast_kind_name(AST_KIND_COUNT), "?");
  assert_string_equal(ast_op_name(AST_OP_NEG), "-");
  assert_string_equal(ast_op_name(AST_OP_SUB), "-");
  assert_string_equal(ast_op_name(AST_OP_NOT), "!");
  assert_string_equal(ast_op_name(AST_OP_NE), "!=");
  assert_string_equal(ast_op_name(AST_OP_IN), "in");
  assert_string_equal(ast_op_name(AST_OP_NONE), "");
}

static void test_ast_push(void **state) {
  (void)state;
  arena a;
  arena_init(&a, 0, NULL);
  ast *p = ast_new(&a, AST_LIST, (span){0, 0, 1, 1});
  assert_int_equal(p->nkids, 0);
  assert_null(p->kids);
  for (int i = 0; i < 1000; i++) {
    ast *k = ast_new(&a, AST_INT_LIT, (span){0, 0, 1, 1});
    k->lit.i = i;
    assert_true(ast_push(&a, p, k));
  }
  assert_int_equal(p->nkids, 1000);
  for (int i = 0; i < 1000; i++)
    assert_int_equal(p->kids[i]->lit.i, i);
  arena_free(&a);
}

static void test_ast_push_oom(void **state) {
  (void)state;
  arena a;
  arena_init(&a, 64 * 1024, NULL);
  ast *p = ast_new(&a, AST_LIST, (span){0, 0, 1, 1});
  bool ok = true;
  int pushed = 0;
  while (ok && pushed < 100000) {
    ok = ast_push(&a, p, p);
    pushed += ok;
  }
  assert_false(ok);
  assert_int_equal(p->nkids, pushed); /* the failed push changed nothing */
  arena_free(&a);
}

static void test_ast_dump_handmade(void **state) {
  (void)state;
  arena a;
  arena_init(&a, 0, NULL);
  span s = {0, 0, 1, 1};
  ast *c = ast_new(&a, AST_CALL, s);
  c->name = "f";
  ast_push(&a, c, NULL);
  ast *d = ast_new(&a, AST_DOUBLE_LIT, s);
  d->lit.d = 1.0 / 3.0;
  ast_push(&a, c, d);
  assert_string_equal(ast_dump(&a, c),
                      "(CALL f () (DOUBLE_LIT 0.3333333333333333))");
  assert_string_equal(ast_dump(&a, NULL), "()");
  arena_free(&a);
}

static void test_parse_out_of_memory(void **state) {
  (void)state;
  /* Every arena limit either parses or reports out of memory; nothing
   * crashes and nothing leaks. */
  const char *src = "[a.b(1, 'x'), {?k: -1}, T{f: !x ? 1 : 2}, r'z' + b'y']";
  for (size_t limit = 8; limit < 4096; limit += 8) {
    arena a;
    diag_list d;
    arena_init(&a, limit, NULL);
    diag_init(&d, "<expr>", src, strlen(src), NULL);
    ast *r = parse_expr(&a, &d);
    if (!r) {
      assert_int_equal(d.n, 1);
      assert_string_equal(d.items[0].msg, "out of memory");
    }
    diag_free(&d);
    arena_free(&a);
  }
}

/* ==== diag.c ==== */

static const char *render(const diag_list *d, bool excerpt) {
  sbuf b;
  sb_init(&b, NULL);
  for (size_t i = 0; i < d->n; i++)
    diag_render(d, i, excerpt ? DIAG_EXCERPT : 0, &b);
  free(g_text);
  g_text = strdup(b.p);
  sb_free(&b);
  return g_text;
}

static void test_diag_render(void **state) {
  (void)state;
  parse("1 + foo(\n  a b\n)");
  assert_string_equal(render(&g_diags, false),
                      "<expr>:2:5: error[E0101]: expected ',' or ')', "
                      "found 'b'\n"
                      "  hint: separate the items with ','\n");
  assert_string_equal(render(&g_diags, true),
                      "<expr>:2:5: error[E0101]: expected ',' or ')', "
                      "found 'b'\n"
                      " 2 |   a b\n"
                      "   |     ^\n"
                      "  hint: separate the items with ','\n");
}

static void test_diag_render_span(void **state) {
  (void)state;
  parse("x + 99999999999999999999 + y");
  assert_string_equal(render(&g_diags, true),
                      "<expr>:1:5: error[E0009]: integer literal out of "
                      "range\n"
                      " 1 | x + 99999999999999999999 + y\n"
                      "   |     ^~~~~~~~~~~~~~~~~~~~\n");
}

static void test_diag_render_unicode_tabs(void **state) {
  (void)state;
  parse("\t'日本語' + '\\q'");
  assert_string_equal(render(&g_diags, true),
                      "<expr>:1:11: error[E0008]: invalid escape sequence "
                      "'\\q'\n"
                      " 1 | \t'日本語' + '\\q'\n"
                      "   | \t            ^~\n" /* wide: 2 cells */
                      "  hint: a backslash starts an escape (\\n, \\t, "
                      "\\u3042): write \\\\ for a backslash, or a raw "
                      "string r\"...\"\n");
  parse("\"é\" + 9223372036854775808\r\n");
  assert_string_equal(render(&g_diags, true),
                      "<expr>:1:7: error[E0009]: integer literal out of "
                      "range\n"
                      " 1 | \"é\" + 9223372036854775808\n"
                      "   |       ^~~~~~~~~~~~~~~~~~~\n");
}

static void test_diag_render_multiline_span(void **state) {
  (void)state;
  parse("a + '''abc\ndef");
  assert_string_equal(render(&g_diags, true),
                      "<expr>:1:5: error[E0007]: unterminated string "
                      "literal\n"
                      " 1 | a + '''abc\n"
                      "   |     ^~~\n"
                      "  hint: close it with the same quote on the same "
                      "line; a text over several lines goes in triple "
                      "quotes \"\"\"...\"\"\"\n");
  parse("a +\n");
  assert_string_equal(render(&g_diags, true),
                      "<expr>:1:4: error[E0101]: unexpected end of input\n"
                      " 1 | a +\n"
                      "   |    ^\n");
  parse("");
  assert_string_equal(render(&g_diags, true),
                      "<expr>:1:1: error[E0101]: unexpected end of input\n"
                      " 1 | \n"
                      "   | ^\n");
}

static void test_diag_list(void **state) {
  (void)state;
  diag_list d;
  const char *src = "ab\ncd\xc3\xa9\nf"; /* é is 2 bytes: 'f' is at 8 */
  diag_init(&d, "f.pol", src, strlen(src), NULL);
  span s = diag_span_at(&d, 8, 1);
  assert_int_equal(s.off, 8);
  assert_int_equal(s.len, 1);
  assert_int_equal(s.line, 3);
  assert_int_equal(s.col, 1);
  s = diag_span_at(&d, 7, 0); /* the '\n' after é */
  assert_int_equal(s.line, 2);
  assert_int_equal(s.col, 4);
  s = diag_span_at(&d, 1000, 0); /* clamped to the end */
  assert_int_equal(s.off, strlen(src));
  assert_int_equal(s.col, 2);
  for (int i = 0; i < 150; i++)
    diag_add(&d, DC_SYNTAX, s, "error %d of %s", i, "many");
  assert_int_equal(d.n, 100); /* later ones are dropped */
  assert_string_equal(d.items[99].msg, "error 99 of many");
  diag_hint(&d, "dropped with it"); /* the 150th was not recorded */
  assert_null(d.items[99].hint);
  sbuf b;
  sb_init(&b, NULL);
  diag_render(&d, 1000, DIAG_EXCERPT, &b); /* out of range: nothing */
  assert_int_equal(b.len, 0);
  diag_render(&d, 7, DIAG_EXCERPT, &b);
  assert_string_equal(b.p, "f.pol:3:2: error[E0101]: error 7 of many\n"
                           " 3 | f\n"
                           "   |  ^\n");
  sb_free(&b);
  diag_free(&d);
  diag_free(&d); /* twice is harmless */
}

/* ==== realistic expressions ==== */

static void test_realistic(void **state) {
  (void)state;
  static const char *const ok[] = {
      "backup.generations >= 7",
      "data.region in ['JP', 'EU'] && !has(data.exported)",
      "vendor.certs.exists(c, c.name == 'ISO/IEC 27017' && c.valid)",
      "size(x.filter(y, y > 0u).map(z, z * 2.0)) < 10",
      "timestamp('2024-01-01T00:00:00Z') - duration('1h') > now",
      "{'a': [1, 2u, 3.0], \"b\": {1: b'\\x00', 2: r'\\d+'}}['a'][0]",
      "m.?k.orValue(optional.none()).hasValue() ? 1 : -1",
      "cel.bind(x, [?a.?b, ?c[?0]], x.size() > 0)",
      ".google.protobuf.Duration{seconds: 1}",
      "incident.notify_within_hours <= 72 || `x-y` in y",
  };
  for (size_t i = 0; i < POL_COUNTOF(ok); i++) {
    if (strchr(ok[i], '`')) {
      assert_null(parse(ok[i])); /* quoted names only after a dot */
      continue;
    }
    ast *r = parse(ok[i]);
    if (!r)
      fail_msg("%s: %s", ok[i], diags_text());
  }
  AST("title == \"クラウドサービス調達基準\"",
      "(BINARY == (IDENT title) (STRING_LIT \"クラウドサービス調達基準\"))");
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_teardown(f, teardown)
      T(test_tokens_operators),
      T(test_tokens_identifiers),
      T(test_tokens_whitespace_comments),
      T(test_literal_int),
      T(test_literal_int_range),
      T(test_literal_uint),
      T(test_literal_double),
      T(test_literal_bad_numbers),
      T(test_literal_string_quotes),
      T(test_literal_string_escapes),
      T(test_literal_string_runs),
      T(test_literal_raw_strings),
      T(test_literal_bytes),
      T(test_literal_nul_bytes),
      T(test_literal_string_errors),
      T(test_literal_utf8_errors),
      T(test_precedence),
      T(test_associativity),
      T(test_members),
      T(test_calls),
      T(test_lists_maps),
      T(test_messages),
      T(test_reserved_words),
      T(test_spans),
      T(test_spans_chains),
      T(test_error_positions_unicode),
      T(test_syntax_error_messages),
      T(test_syntax_error_expected),
      T(test_lexical_errors),
      T(test_recovery),
      T(test_depth_million),
      T(test_depth_limit),
      T(test_depth_error_position),
      T(test_wide_is_fine),
      T(test_source_too_large),
      T(test_parse_adds_to_existing_list),
      T(test_ast_names),
      T(test_ast_push),
      T(test_ast_push_oom),
      T(test_ast_dump_handmade),
      T(test_parse_out_of_memory),
      T(test_diag_render),
      T(test_diag_render_span),
      T(test_diag_render_unicode_tabs),
      T(test_diag_render_multiline_span),
      T(test_diag_list),
      T(test_realistic),
#undef T
  };
  return RUN_TESTS("parse", tests, argc, argv);
}
