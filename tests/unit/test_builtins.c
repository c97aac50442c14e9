/*
 * test_builtins.c: the function tables of builtins.c and bi_ext.c and the
 * regular expressions of regex.c, called the way the VM calls them:
 * through bi_lookup and the entry's fn. Each function gets its normal
 * cases, its error paths (wrong kinds, ranges, bad patterns, the regex
 * match limit), and Unicode cases in Japanese, where lengths and indexes
 * count code points and never bytes.
 */
#include "harness.h"

#include <math.h>
#include <stdlib.h>

#include "builtins.h"
#include "regex.h"

/* ==== fixture and helpers ============================================== */

static int setup(void **state) {
  arena *a = malloc(sizeof *a);
  if (!a)
    return -1;
  arena_init(a, 0, NULL);
  *state = a;
  return 0;
}

static int teardown(void **state) {
  arena_free(*state);
  free(*state);
  return 0;
}

/* Look [name] up for [style] and call it on [args]; fails the test when
 * there is no such entry. */
static val call(arena *a, int style, const char *name, const val *args,
                int n) {
  bool found = false;
  const builtin *b = bi_lookup(name, style, n, &found);
  if (!b)
    fail_msg("no builtin %s/%d", name, n);
  return b->fn(a, args, n);
}

#define NARGS(...) ((int)(sizeof((val[]){__VA_ARGS__}) / sizeof(val)))
#define G(name, ...) call(a, BI_GLOBAL, name, (val[]){__VA_ARGS__}, \
                          NARGS(__VA_ARGS__))
#define R(name, ...) call(a, BI_RECEIVER, name, (val[]){__VA_ARGS__}, \
                          NARGS(__VA_ARGS__))
#define S(text) val_cstring(a, text)
#define I(x) val_int(x)
#define U(x) val_uint(x)
#define D(x) val_double(x)
#define LIST(...) val_list(a, (val[]){__VA_ARGS__}, NARGS(__VA_ARGS__))

static const char *kind_of(val v) {
  return v.kind == V_ERROR ? v.as.e->msg : val_kind_name(v.kind);
}

static void is_int(val v, int64_t want) {
  if (v.kind != V_INT)
    fail_msg("expected int %lld, got %s", (long long)want, kind_of(v));
  assert_int_equal(v.as.i, want);
}

static void is_uint(val v, uint64_t want) {
  if (v.kind != V_UINT)
    fail_msg("expected uint, got %s", kind_of(v));
  assert_true(v.as.u == want);
}

static void is_double(val v, double want) {
  if (v.kind != V_DOUBLE)
    fail_msg("expected double %g, got %s", want, kind_of(v));
  if (isnan(want))
    assert_true(isnan(v.as.d));
  else
    assert_true(v.as.d == want && !signbit(v.as.d) == !signbit(want));
}

static void is_bool(val v, bool want) {
  if (v.kind != V_BOOL)
    fail_msg("expected bool, got %s", kind_of(v));
  assert_int_equal(v.as.b, want);
}

static void is_str(val v, const char *want) {
  if (v.kind != V_STRING)
    fail_msg("expected string \"%s\", got %s", want, kind_of(v));
  assert_int_equal(v.as.s->len, strlen(want));
  assert_memory_equal(v.as.s->data, want, strlen(want));
}

static void is_bytes(val v, const char *want, size_t n) {
  if (v.kind != V_BYTES)
    fail_msg("expected bytes, got %s", kind_of(v));
  assert_int_equal(v.as.s->len, n);
  assert_memory_equal(v.as.s->data, want, n);
}

/* An error of kind [k] whose message contains [part] (NULL: any). */
static void is_err(val v, err_kind k, const char *part) {
  if (v.kind != V_ERROR)
    fail_msg("expected an error, got %s", kind_of(v));
  if (v.as.e->kind != k)
    fail_msg("error kind %d, wanted %d: %s", v.as.e->kind, k, v.as.e->msg);
  if (part && !strstr(v.as.e->msg, part))
    fail_msg("message \"%s\" lacks \"%s\"", v.as.e->msg, part);
}

static void no_overload(val v) { is_err(v, ERR_OVERLOAD, NULL); }

/* A list value of strings equal to [want] ([n] items). */
static void is_str_list(val v, const char *const *want, size_t n) {
  if (v.kind != V_LIST)
    fail_msg("expected list, got %s", kind_of(v));
  assert_int_equal(v.as.l->n, n);
  for (size_t i = 0; i < n; i++)
    is_str(v.as.l->items[i], want[i]);
}

/* ==== lookup =========================================================== */

static void test_lookup(void **state) {
  bool found = true;
  POL_UNUSED(state);
  assert_non_null(bi_lookup("size", BI_GLOBAL, 1, &found));
  assert_true(found);
  assert_non_null(bi_lookup("size", BI_RECEIVER, 1, &found));
  assert_null(bi_lookup("size", BI_GLOBAL, 2, &found));
  assert_true(found); /* the name exists, the arity does not */
  assert_null(bi_lookup("contains", BI_GLOBAL, 2, &found));
  assert_false(found); /* receiver only */
  assert_null(bi_lookup("no.such", BI_GLOBAL, 1, &found));
  assert_false(found);
  assert_non_null(bi_lookup("math.greatest", BI_GLOBAL, 9, NULL));
  assert_null(bi_lookup("math.greatest", BI_GLOBAL, 0, NULL));
  assert_non_null(bi_lookup("indexOf", BI_RECEIVER, 3, NULL));
  assert_non_null(bi_lookup("timestamp", BI_GLOBAL, 1, NULL)); /* bi_time */
}

static void check_table(const builtin *t) {
  for (; t->name; t++) {
    assert_non_null(t->fn);
    assert_non_null(t->doc);
    assert_true(strlen(t->doc) > 10);
    assert_true(t->style & (BI_GLOBAL | BI_RECEIVER));
    assert_true(t->min >= 1);
    assert_true(t->max < 0 || t->max >= t->min);
  }
}

static void test_tables(void **state) {
  POL_UNUSED(state);
  check_table(bi_core);
  check_table(bi_ext);
}

/* ==== size and string predicates ======================================= */

static void test_size(void **state) {
  arena *a = *state;
  is_int(G("size", S("")), 0);
  is_int(G("size", S("four")), 4);
  is_int(G("size", S("日本語テキスト")), 7); /* code points, not 21 bytes */
  is_int(R("size", S("πέντε")), 5);
  is_int(G("size", val_bytes(a, "\x00\xff\x01", 3)), 3);
  is_int(G("size", LIST(I(1), S("two"), D(3))), 3);
  val keys[] = {S("a"), S("b")}, vals[] = {I(1), I(2)};
  is_int(R("size", val_map(a, keys, vals, 2)), 2);
  no_overload(G("size", I(3)));
  no_overload(G("size", val_null()));
}

static void test_contains(void **state) {
  arena *a = *state;
  is_bool(R("contains", S("hello"), S("ell")), true);
  is_bool(R("contains", S("hello"), S("")), true);
  is_bool(R("contains", S(""), S("")), true);
  is_bool(R("contains", S(""), S("x")), false);
  is_bool(R("contains", S("abababc"), S("ababc")), true);
  is_bool(R("contains", S("hello"), S("hello!")), false);
  is_bool(R("contains", S("クラウド事業者"), S("事業")), true);
  is_bool(R("contains", S("クラウド"), S("ウラ")), false);
  no_overload(R("contains", S("1"), I(1)));
  no_overload(R("contains", I(1), S("1")));
}

static void test_starts_ends(void **state) {
  arena *a = *state;
  is_bool(R("startsWith", S("foobar"), S("foo")), true);
  is_bool(R("startsWith", S("foobar"), S("bar")), false);
  is_bool(R("startsWith", S("foo"), S("foobar")), false);
  is_bool(R("startsWith", S("x"), S("")), true);
  is_bool(R("startsWith", S("東京都"), S("東京")), true);
  is_bool(R("endsWith", S("foobar"), S("bar")), true);
  is_bool(R("endsWith", S("foobar"), S("foo")), false);
  is_bool(R("endsWith", S(""), S("foo")), false);
  is_bool(R("endsWith", S("forté"), S("té")), true);
  is_bool(R("endsWith", S("渋谷区"), S("区")), true);
  no_overload(R("startsWith", S("a"), val_bytes(a, "a", 1)));
  no_overload(R("endsWith", val_bytes(a, "a", 1), S("a")));
}

/* ==== matches ========================================================== */

static val match(arena *a, const char *s, const char *re) {
  return R("matches", S(s), S(re));
}

static void test_matches_basic(void **state) {
  arena *a = *state;
  is_bool(match(a, "hubba", "ubb"), true);      /* search, not full match */
  is_bool(match(a, "cows", ""), true);
  is_bool(match(a, "banana", "ba(na)*"), true);
  is_bool(match(a, "banana", "^na"), false);
  is_bool(match(a, "abc\n", "c$"), false);      /* $ is the very end */
  is_bool(match(a, "abc\ndef", "(?m)c$"), true);
  is_bool(match(a, "a\nb", "a.b"), false);
  is_bool(match(a, "a\nb", "(?s)a.b"), true);
  is_bool(match(a, "ABC", "(?i)abc"), true);
  is_bool(match(a, "tab\there", "\\t"), true);
  is_bool(match(a, "x\x0by", "x\\vy"), true);   /* RE2: \v is VT only */
  is_bool(match(a, "x\ny", "x\\vy"), false);
  is_bool(match(a, "x\x0by", "x[\\v]y"), true);
  is_bool(match(a, "a\\vb", "\\Qa\\vb\\E"), true);
  is_bool(match(a, "a{2}", "a\\{2}"), true);
  is_bool(match(a, "aa", "^a{2}$"), true);
  is_bool(match(a, "id-42", "(?P<num>[0-9]+)"), true);
  is_bool(match(a, "x", "[[:alpha:]]"), true);
  is_bool(G("matches", S("hubba"), S("^h.*a$")), true);
  no_overload(R("matches", S("a"), I(1)));
  no_overload(G("matches", I(1), S("1")));
}

static void test_matches_unicode(void **state) {
  arena *a = *state;
  is_bool(match(a, "mañana", "a+ñ+a+"), true);
  is_bool(match(a, "🐱😀😀", "(a|😀){2}"), true);
  is_bool(match(a, "東京都渋谷区", "^東京"), true);
  is_bool(match(a, "東京都", "^.{3}$"), true);  /* . is a code point */
  is_bool(match(a, "データセンター", "セン?ター"), true);
  is_bool(match(a, "ÄRGER", "(?i)ärger"), true); /* Unicode folding */
  is_bool(match(a, "\xd9\xa1\xd9\xa2", "\\d"), false); /* \d is ASCII */
  is_bool(match(a, "日本", "\\w"), false);             /* so is \w */
  is_bool(match(a, "日本", "\\p{Han}+"), true);
  is_bool(match(a, "第3版", "[0-9]版"), true);
}

static void test_matches_refused(void **state) {
  arena *a = *state;
  is_err(match(a, "aa", "(a)\\1"), ERR_INVALID, "backreferences");
  is_err(match(a, "ab", "a(?=b)"), ERR_INVALID, "lookaround");
  is_err(match(a, "ab", "(?<!x)b"), ERR_INVALID, "lookaround");
  is_err(match(a, "ab", "(?>a)b"), ERR_INVALID, "group syntax");
  is_err(match(a, "aa", "a++"), ERR_INVALID, "possessive");
  is_err(match(a, "aa", "a{2}+"), ERR_INVALID, "possessive");
  is_err(match(a, "aa", "a{1001}"), ERR_INVALID, "1000");
  is_err(match(a, "aa", "(*UTF)a"), ERR_INVALID, "VERB");
  is_err(match(a, "a", "a\\Z"), ERR_INVALID, "escape");
  is_err(match(a, "a", "\\K"), ERR_INVALID, "escape");
  is_err(match(a, "a", "(?P=x)"), ERR_INVALID, "backreferences");
  is_err(match(a, "a", "(?x) a"), ERR_INVALID, "group syntax");
  is_err(match(a, "a", "[\\b]"), ERR_INVALID, "escape");
  is_err(match(a, "a", "[a"), ERR_INVALID, "offset 0");
  is_bool(match(a, "a", "a{1000}"), false); /* the limit itself is fine */
}

static void test_matches_invalid(void **state) {
  arena *a = *state;
  val v = match(a, "a", "(");
  is_err(v, ERR_INVALID, "invalid regular expression at offset 1");
  is_err(match(a, "a", "a)"), ERR_INVALID, "offset");
  is_err(match(a, "a", "*a"), ERR_INVALID, "quantifier");
  is_err(match(a, "a", "\\"), ERR_INVALID, NULL);
  val e;
  assert_false(rx_valid(a, "(?<n>a", 6, &e));
  is_err(e, ERR_INVALID, NULL);
  assert_true(rx_valid(a, "^[a-z]+$", 8, &e));
}

/* `(a+)+$` over "aaa...ab" backtracks exponentially: the match limit
 * turns it into an error value instead of a hang. */
static void test_matches_limit(void **state) {
  arena *a = *state;
  char subject[64];
  memset(subject, 'a', 40);
  strcpy(subject + 40, "b");
  is_err(match(a, subject, "(a+)+$"), ERR_LIMIT, "exceeded its match limit");
  is_err(match(a, subject, "^(a|aa)+$"), ERR_LIMIT, "limit");
  is_bool(match(a, "aaaa", "(a+)+$"), true);
  val e;
  assert_int_equal(rx_match(a, "(x+x+)+y", 8, subject, 41, &e), 0);
}

/* ==== int, uint, double ================================================ */

static void test_int(void **state) {
  arena *a = *state;
  is_int(G("int", I(-5)), -5);
  is_int(G("int", U(42)), 42);
  is_int(G("int", U(INT64_MAX)), INT64_MAX);
  is_err(G("int", U(UINT64_MAX)), ERR_OVERFLOW, "range");
  is_int(G("int", D(-123.456)), -123);
  is_int(G("int", D(-3.5)), -3);
  is_int(G("int", D(3.99)), 3);
  is_int(G("int", D(36028797018963968.0)), 36028797018963968LL);
  is_int(G("int", D(9223372036854774784.0)), 9223372036854774784LL);
  is_err(G("int", D(9223372036854775807.0)), ERR_OVERFLOW, NULL);
  is_err(G("int", D(-9223372036854775808.0)), ERR_OVERFLOW,
         "-9.223372036854776e+18 does not fit in int");
  is_int(G("int", D(-9223372036854774784.0)), -9223372036854774784LL);
  is_err(G("int", D(NAN)), ERR_OVERFLOW, NULL);
  is_err(G("int", D(-INFINITY)), ERR_OVERFLOW, NULL);
  is_int(G("int", val_timestamp(1234567890, 500)), 1234567890);
  no_overload(G("int", val_bool(true)));
  no_overload(G("int", val_duration(1, 0)));
}

static void test_int_from_string(void **state) {
  arena *a = *state;
  is_int(G("int", S("987")), 987);
  is_int(G("int", S("-42")), -42);
  is_int(G("int", S("+7")), 7);
  is_int(G("int", S("007")), 7);
  is_int(G("int", S("9223372036854775807")), INT64_MAX);
  is_int(G("int", S("-9223372036854775808")), INT64_MIN);
  is_err(G("int", S("9223372036854775808")), ERR_OVERFLOW, "range");
  is_err(G("int", S("-9223372036854775809")), ERR_OVERFLOW, NULL);
  is_err(G("int", S("99999999999999999999x")), ERR_INVALID, NULL);
  const char *bad[] = {"", "-", " 1", "1 ", "1.0", "0x10", "1_000", "1e3",
                       "一"};
  for (size_t i = 0; i < POL_COUNTOF(bad); i++)
    is_err(G("int", S(bad[i])), ERR_INVALID, "cannot convert");
  is_err(G("int", val_string(a, "1\0002", 3)), ERR_INVALID, NULL);
}

static void test_uint(void **state) {
  arena *a = *state;
  is_uint(G("uint", U(7)), 7);
  is_uint(G("uint", I(1729)), 1729);
  is_uint(G("uint", I(INT64_MAX)), INT64_MAX);
  is_err(G("uint", I(-1)), ERR_OVERFLOW, "range");
  is_uint(G("uint", D(3.14159)), 3);
  is_uint(G("uint", D(25.5)), 25);
  is_uint(G("uint", D(-0.0)), 0);
  is_uint(G("uint", D(18446744073709549568.0)), 18446744073709549568ULL);
  is_err(G("uint", D(18446744073709551616.0)), ERR_OVERFLOW, NULL);
  is_err(G("uint", D(-0.5)), ERR_OVERFLOW, NULL);
  is_err(G("uint", D(NAN)), ERR_OVERFLOW, NULL);
  is_uint(G("uint", S("18446744073709551615")), UINT64_MAX);
  is_err(G("uint", S("18446744073709551616")), ERR_OVERFLOW, NULL);
  is_err(G("uint", S("-1")), ERR_INVALID, NULL);
  is_err(G("uint", S("+1")), ERR_INVALID, NULL);
  is_err(G("uint", S("1u")), ERR_INVALID, NULL);
  no_overload(G("uint", val_timestamp(0, 0)));
}

static void test_double(void **state) {
  arena *a = *state;
  is_double(G("double", D(5.5)), 5.5);
  is_double(G("double", I(-1000000000000000)), -1e15);
  is_double(G("double", U(UINT64_MAX)), 18446744073709551616.0);
  is_double(G("double", S("0")), 0.0);
  is_double(G("double", S("-0.0")), -0.0);
  is_double(G("double", S("123.456")), 123.456);
  is_double(G("double", S("6.02214e23")), 6.02214e23);
  is_double(G("double", S("-5.43E-21")), -5.43e-21);
  is_double(G("double", S("1e3")), 1000.0);
  is_double(G("double", S(".5")), 0.5);
  is_double(G("double", S("5.")), 5.0);
  is_double(G("double", S("+2")), 2.0);
  is_double(G("double", S("1e-400")), 0.0); /* underflow is not an error */
  is_double(G("double", S("NaN")), NAN);
  is_double(G("double", S("Infinity")), INFINITY);
  is_double(G("double", S("-Infinity")), -INFINITY);
  is_double(G("double", S("+inf")), INFINITY);
  is_err(G("double", S("1e400")), ERR_OVERFLOW, NULL);
  const char *bad[] = {"", ".", "e3", "1e", "1e+", "0x1p3", " 1", "1,5",
                       "-nan", "Inf1", "１"};
  for (size_t i = 0; i < POL_COUNTOF(bad); i++)
    is_err(G("double", S(bad[i])), ERR_INVALID, "cannot convert");
  no_overload(G("double", val_bool(false)));
}

/* ==== string, bytes, bool, dyn, type =================================== */

static void test_string(void **state) {
  arena *a = *state;
  is_str(G("string", S("hello")), "hello");
  is_str(G("string", I(-456)), "-456");
  is_str(G("string", I(INT64_MIN)), "-9223372036854775808");
  is_str(G("string", U(UINT64_MAX)), "18446744073709551615");
  is_str(G("string", val_bool(true)), "true");
  is_str(G("string", val_bool(false)), "false");
  is_str(G("string", val_bytes(a, "\xc3\xbf", 2)), "\xc3\xbf");
  is_str(G("string", val_bytes(a, "日本", 6)), "日本");
  is_err(G("string", val_bytes(a, "\x00\xff", 2)), ERR_INVALID, "UTF-8");
  is_err(G("string", val_bytes(a, "\xed\xa0\x80", 3)), ERR_INVALID, NULL);
  is_str(G("string", val_timestamp(1234567890, 0)), "2009-02-13T23:31:30Z");
  is_str(G("string", val_duration(90, 0)), "90s");
  no_overload(G("string", val_null()));
  no_overload(G("string", LIST(I(1))));
}

static void test_string_double(void **state) {
  arena *a = *state;
  is_str(G("string", D(1.5)), "1.5");
  is_str(G("string", D(123.456)), "123.456");
  is_str(G("string", D(-987.654)), "-987.654");
  is_str(G("string", D(100000.0)), "100000");
  is_str(G("string", D(1e6)), "1e+06");
  is_str(G("string", D(1234567.0)), "1.234567e+06");
  is_str(G("string", D(1e100)), "1e+100");
  is_str(G("string", D(0.0001)), "0.0001");
  is_str(G("string", D(0.00001)), "1e-05");
  is_str(G("string", D(0.1)), "0.1");
  is_str(G("string", D(1.0 / 3)), "0.3333333333333333");
  is_str(G("string", D(0.0)), "0");
  is_str(G("string", D(-0.0)), "-0");
  is_str(G("string", D(5e-324)), "5e-324");
  is_str(G("string", D(NAN)), "NaN");
  is_str(G("string", D(INFINITY)), "+Inf");
  is_str(G("string", D(-INFINITY)), "-Inf");
}

static void test_bytes(void **state) {
  arena *a = *state;
  is_bytes(G("bytes", S("")), "", 0);
  is_bytes(G("bytes", S("ÿ")), "\xc3\xbf", 2);
  is_bytes(G("bytes", S("日本")), "\xe6\x97\xa5\xe6\x9c\xac", 6);
  is_bytes(G("bytes", val_bytes(a, "a\0b", 3)), "a\0b", 3);
  no_overload(G("bytes", I(1)));
}

static void test_bool(void **state) {
  arena *a = *state;
  const char *yes[] = {"1", "t", "true", "TRUE", "True"};
  const char *no[] = {"0", "f", "false", "FALSE", "False"};
  for (size_t i = 0; i < POL_COUNTOF(yes); i++) {
    is_bool(G("bool", S(yes[i])), true);
    is_bool(G("bool", S(no[i])), false);
  }
  const char *bad[] = {"FaLsE", "tRUE", "yes", "", "T", "F", " true", "2"};
  for (size_t i = 0; i < POL_COUNTOF(bad); i++)
    is_err(G("bool", S(bad[i])), ERR_INVALID, "bool");
  is_bool(G("bool", val_bool(true)), true);
  no_overload(G("bool", I(1)));
}

static void test_dyn_type(void **state) {
  arena *a = *state;
  is_int(G("dyn", I(3)), 3);
  is_str(G("dyn", S("x")), "x");
  val t = G("type", I(0));
  assert_int_equal(t.kind, V_TYPE);
  assert_int_equal(t.aux, V_INT);
  assert_int_equal(G("type", U(1)).aux, V_UINT);
  assert_int_equal(G("type", val_null()).aux, V_NULL);
  assert_int_equal(G("type", LIST(I(1), S("one"))).aux, V_LIST);
  assert_int_equal(G("type", val_duration(1, 0)).aux, V_DURATION);
  assert_int_equal(G("type", val_type(V_INT)).aux, T_TYPE);
  assert_int_equal(G("type", val_type(T_TYPE)).aux, T_TYPE);
  assert_int_equal(G("type", G("type", I(1))).aux, T_TYPE);
}

/* ==== strings extension: positions ===================================== */

static void test_char_at(void **state) {
  arena *a = *state;
  is_str(R("charAt", S("tacocat"), I(3)), "o");
  is_str(R("charAt", S("tacocat"), I(7)), "");
  is_str(R("charAt", S("©αT"), I(1)), "α");
  is_str(R("charAt", S("こんにちは"), I(2)), "に");
  is_str(R("charAt", S("こんにちは"), I(5)), "");
  is_err(R("charAt", S("tacocat"), I(8)), ERR_INDEX, "index out of range: 8");
  is_err(R("charAt", S("tacocat"), I(-1)), ERR_INDEX, "-1");
  no_overload(R("charAt", I(42), I(2)));
  no_overload(R("charAt", S("hello"), val_bool(true)));
}

static void test_index_of(void **state) {
  arena *a = *state;
  is_int(R("indexOf", S("tacocat"), S("ac")), 1);
  is_int(R("indexOf", S("tacocat"), S("none")), -1);
  is_int(R("indexOf", S("tacocat"), S("")), 0);
  is_int(R("indexOf", S("tacocat"), S(""), I(3)), 3);
  is_int(R("indexOf", S("tacocat"), S("at"), I(3)), 5);
  is_int(R("indexOf", S("tacocat"), S("t"), I(7)), -1);
  is_int(R("indexOf", S("ta©o©αT"), S("©α"), I(5)), -1);
  is_int(R("indexOf", S("ta©o©αT"), S("©α")), 4);
  is_int(R("indexOf", S("東京都渋谷区"), S("渋谷")), 3);
  is_int(R("indexOf", S("データ、データ"), S("データ"), I(1)), 4);
  is_err(R("indexOf", S("tacocat"), S("a"), I(30)), ERR_INDEX, "30");
  is_err(R("indexOf", S("tacocat"), S("a"), I(-1)), ERR_INDEX, NULL);
  no_overload(R("indexOf", S("hello"), val_bool(true)));
  no_overload(R("indexOf", S("42"), S("4"), S("0")));
  no_overload(R("indexOf", I(42), S("4"), I(0)));
}

static void test_last_index_of(void **state) {
  arena *a = *state;
  is_int(R("lastIndexOf", S(""), S("@@")), -1);
  is_int(R("lastIndexOf", S("tacocat"), S("at")), 5);
  is_int(R("lastIndexOf", S("tacocat"), S("")), 7);
  is_int(R("lastIndexOf", S("tacocat"), S(""), I(2)), 2);
  is_int(R("lastIndexOf", S("ta©o©αT"), S("©")), 4);
  is_int(R("lastIndexOf", S("ta©o©αT"), S("©"), I(3)), 2);
  is_int(R("lastIndexOf", S("ta©o©αT"), S("©α"), I(4)), 4);
  is_int(R("lastIndexOf", S("bananananana"), S("nana"), I(7)), 6);
  is_int(R("lastIndexOf", S("hello wello"), S("hello wello")), 0);
  is_int(R("lastIndexOf", S("東京都の東京"), S("東京")), 4);
  is_int(R("lastIndexOf", S("東京都の東京"), S("東京"), I(3)), 0);
  is_int(R("lastIndexOf", S("ab"), S("abc")), -1);
  is_err(R("lastIndexOf", S("tacocat"), S("a"), I(30)), ERR_INDEX, "30");
  is_err(R("lastIndexOf", S("tacocat"), S("a"), I(-1)), ERR_INDEX, NULL);
  no_overload(R("lastIndexOf", S("a"), I(1)));
}

static void test_substring(void **state) {
  arena *a = *state;
  is_str(R("substring", S("tacocat"), I(4)), "cat");
  is_str(R("substring", S("tacocat"), I(0), I(4)), "taco");
  is_str(R("substring", S("tacocat"), I(4), I(4)), "");
  is_str(R("substring", S("tacocat"), I(7)), "");
  is_str(R("substring", S("ta©o©αT"), I(2), I(6)), "©o©α");
  is_str(R("substring", S("東京都渋谷区"), I(3)), "渋谷区");
  is_str(R("substring", S("東京都渋谷区"), I(1), I(3)), "京都");
  is_err(R("substring", S("tacocat"), I(40)), ERR_INDEX, "40");
  is_err(R("substring", S("tacocat"), I(-1)), ERR_INDEX, "-1");
  is_err(R("substring", S("tacocat"), I(1), I(50)), ERR_INDEX, "50");
  is_err(R("substring", S("tacocat"), I(49), I(50)), ERR_INDEX, "49");
  is_err(R("substring", S("tacocat"), I(4), I(3)), ERR_INVALID,
         "start: 4, end: 3");
  no_overload(R("substring", I(30), val_bool(true), I(3)));
}

/* ==== strings extension: transformations =============================== */

static void test_case(void **state) {
  arena *a = *state;
  is_str(R("lowerAscii", S("TacoCat")), "tacocat");
  is_str(R("lowerAscii", S("TacoCÆt")), "tacocÆt");
  is_str(R("upperAscii", S("tacoCαt")), "TACOCαT");
  is_str(R("upperAscii", S("ｆｕｌｌ width ａ")), "ｆｕｌｌ WIDTH ａ");
  is_str(R("upperAscii", S("")), "");
  no_overload(R("lowerAscii", I(1)));
}

static void test_trim(void **state) {
  arena *a = *state;
  is_str(R("trim", S(" \f\n\r\t\vtext  ")), "text");
  is_str(R("trim", S("\u3000データ\u3000")), "データ"); /* ideographic sp */
  is_str(R("trim", S("\u2000\u2009x y\u00a0\xc2\x85")), "x y");
  is_str(R("trim", S("\u200bx\u200b")), "\u200bx\u200b"); /* zero width */
  is_str(R("trim", S("   ")), "");
  is_str(R("trim", S("")), "");
  is_str(R("trim", S("日本")), "日本");
  no_overload(R("trim", val_bytes(a, " ", 1)));
}

static void test_reverse(void **state) {
  arena *a = *state;
  is_str(R("reverse", S("gums")), "smug");
  is_str(R("reverse", S("日本語")), "語本日");
  is_str(R("reverse", S("a©🐱")), "🐱©a");
  is_str(R("reverse", S("")), "");
  val l = R("reverse", LIST(I(1), I(2), I(3)));
  assert_int_equal(l.kind, V_LIST);
  is_int(l.as.l->items[0], 3);
  is_int(l.as.l->items[2], 1);
  no_overload(R("reverse", I(12)));
}

static void test_replace(void **state) {
  arena *a = *state;
  is_str(R("replace", S("hello hello"), S("he"), S("we")), "wello wello");
  is_str(R("replace", S("hello hello"), S("he"), S("we"), I(-1)),
         "wello wello");
  is_str(R("replace", S("hello hello"), S("he"), S("we"), I(1)),
         "wello hello");
  is_str(R("replace", S("hello hello"), S("he"), S("we"), I(0)),
         "hello hello");
  is_str(R("replace", S("12 days"), S("{0}"), S("2")), "12 days");
  is_str(R("replace", S("ab"), S(""), S("-")), "-a-b-");
  is_str(R("replace", S("日本"), S(""), S("|"), I(2)), "|日|本");
  is_str(R("replace", S("東京都と東京"), S("東京"), S("大阪")),
         "大阪都と大阪");
  is_str(R("replace", S("aaa"), S("a"), S("")), "");
  no_overload(R("replace", S("42"), S("2"), I(1)));
  no_overload(R("replace", S("42"), S("2"), S("1"), val_bool(false)));
}

static void test_split(void **state) {
  arena *a = *state;
  const char *hw[] = {"hello", "world"};
  is_str_list(R("split", S("hello world"), S(" ")), hw, 2);
  const char *h3[] = {"hello", "hello", "hello"};
  is_str_list(R("split", S("hello hello hello"), S(" "), I(-1)), h3, 3);
  is_str_list(R("split", S("hello hello hello"), S(" "), I(0)), NULL, 0);
  const char *one[] = {"hello hello hello"};
  is_str_list(R("split", S("hello hello hello"), S(" "), I(1)), one, 1);
  const char *two[] = {"hello", "hello hello"};
  is_str_list(R("split", S("hello hello hello"), S(" "), I(2)), two, 2);
  const char *oo[] = {"o", "o", "o", "o"};
  is_str_list(R("split", S("o©o©o©o"), S("©"), I(-1)), oo, 4);
  const char *ja[] = {"東京", "大阪", ""};
  is_str_list(R("split", S("東京、大阪、"), S("、")), ja, 3);
  const char *cps[] = {"日", "本", "語"};
  is_str_list(R("split", S("日本語"), S("")), cps, 3);
  const char *cps2[] = {"日", "本語"};
  is_str_list(R("split", S("日本語"), S(""), I(2)), cps2, 2);
  const char *empty[] = {""};
  is_str_list(R("split", S(""), S(",")), empty, 1);
  is_str_list(R("split", S(""), S("")), NULL, 0);
  no_overload(R("split", I(42), S("")));
  no_overload(R("split", S("42"), S("2"), S("1")));
}

static void test_join(void **state) {
  arena *a = *state;
  is_str(R("join", LIST(S("x"), S("y"))), "xy");
  is_str(R("join", LIST(S("hello"), S("mellow")), S(" ")), "hello mellow");
  is_str(R("join", val_list(a, NULL, 0)), "");
  is_str(R("join", val_list(a, NULL, 0), S("/")), "");
  is_str(R("join", LIST(S("東京"), S("大阪")), S("・")), "東京・大阪");
  is_err(R("join", LIST(S("a"), I(1))), ERR_OVERLOAD, "item 1 is int");
  no_overload(R("join", S("ab")));
  no_overload(R("join", LIST(S("a")), I(1)));
}

static void test_quote(void **state) {
  arena *a = *state;
  is_str(G("strings.quote", S("verbatim")), "\"verbatim\"");
  is_str(G("strings.quote", S("")), "\"\"");
  is_str(G("strings.quote", S("\bbackspace")), "\"\\bbackspace\"");
  is_str(G("strings.quote", S("a\a\f\n\r\t\vz")),
         "\"a\\a\\f\\n\\r\\t\\vz\"");
  is_str(G("strings.quote", S("mid \" quote \\")),
         "\"mid \\\" quote \\\\\"");
  is_str(G("strings.quote", S("завтра 日本")), "\"завтра 日本\"");
  no_overload(G("strings.quote", I(1)));
}

/* ==== strings extension: format ======================================== */

static val fmt(arena *a, const char *f, val args) {
  return R("format", S(f), args);
}

static void test_format_basic(void **state) {
  arena *a = *state;
  val none = val_list(a, NULL, 0);
  is_str(fmt(a, "%% and also %%", none), "% and also %");
  is_str(fmt(a, "no clauses", none), "no clauses");
  is_str(fmt(a, "str is %s and more", LIST(S("filler"))),
         "str is filler and more");
  is_str(fmt(a, "%s%%", LIST(S("x"))), "x%");
  is_str(fmt(a, "%d %d, %s %s", LIST(I(1), U(2), S("A"), S("B"))),
         "1 2, A B");
  is_str(fmt(a, "%sと%s", LIST(S("東京"), S("大阪"))), "東京と大阪");
  is_str(fmt(a, "%b %b %b", LIST(U(64), val_bool(true), I(-5))),
         "1000000 1 -101");
  is_str(fmt(a, "%o %o", LIST(I(11), I(-8))), "13 -10");
  is_str(fmt(a, "%x %X %x", LIST(I(30), U(6000), I(-255))), "1e 1770 -ff");
  is_str(fmt(a, "%X", LIST(S("Hello world!"))), "48656C6C6F20776F726C6421");
  is_str(fmt(a, "%x", LIST(val_bytes(a, "\x00\xff", 2))), "00ff");
  is_str(fmt(a, "%b", LIST(I(INT64_MIN))),
         "-1000000000000000000000000000000000000000000000000000000000000000");
}

static void test_format_doubles(void **state) {
  arena *a = *state;
  is_str(fmt(a, "%f", LIST(D(2.71828))), "2.718280");
  is_str(fmt(a, "%.3f", LIST(D(1.2345))), "1.234");
  is_str(fmt(a, "%.0f", LIST(D(2.5))), "2");
  is_str(fmt(a, "%.0f", LIST(D(3.5001))), "4");
  is_str(fmt(a, "%.3f", LIST(D(-123.4999))), "-123.500");
  is_str(fmt(a, "%f %f", LIST(I(1), U(2))), "1.000000 2.000000");
  is_str(fmt(a, "%e", LIST(D(2.71828))), "2.718280e+00");
  is_str(fmt(a, "%.6e", LIST(D(1052.032911275))), "1.052033e+03");
  is_str(fmt(a, "%.1e", LIST(I(-3))), "-3.0e+00");
  is_str(fmt(a, "%f %e %d", LIST(D(INFINITY), D(-INFINITY), D(NAN))),
         "Infinity -Infinity NaN");
  is_str(fmt(a, "%d", LIST(D(3.14))), "3.14");
  is_str(fmt(a, "%s %s", LIST(D(56.8), D(1e100))),
         "56.8 1000000000000000000000000000000000000000000000000000000000"
         "0000000000000000000000000000000000000000000");
  is_str(fmt(a, "%s %s %s", LIST(D(0.000001), D(-0.0), D(100.0))),
         "0.000001 -0 100");
}

static void test_format_values(void **state) {
  arena *a = *state;
  is_str(fmt(a, "%s", LIST(val_null())), "null");
  is_str(fmt(a, "%s, %s", LIST(val_bool(true), val_bool(false))),
         "true, false");
  is_str(fmt(a, "%s", LIST(val_bytes(a, "xyz", 3))), "xyz");
  is_str(fmt(a, "%s", LIST(val_bytes(a, "a\xff\xfe" "b\xc3", 5))),
         "a\xef\xbf\xbd" "b\xef\xbf\xbd");
  is_str(fmt(a, "%s", LIST(val_type(V_STRING))), "string");
  is_str(fmt(a, "%s", LIST(val_duration(6347, 0))), "6347s");
  is_str(fmt(a, "%s", LIST(val_timestamp(1675467080, 0))),
         "2023-02-03T23:31:20Z");
  is_str(fmt(a, "%s", LIST(val_timestamp(1675467080, 500000000))),
         "2023-02-03T23:31:20.5Z");
  is_str(fmt(a, "%s", LIST(LIST(S("abc"), D(3.14), val_null(),
                                LIST(I(9), I(8))))),
         "[abc, 3.14, null, [9, 8]]");
  val keys[] = {S("strKey"), I(6), val_bool(true)};
  val vals[] = {S("x"), val_duration(422, 0), I(42)};
  is_str(fmt(a, "%s", LIST(val_map(a, keys, vals, 3))),
         "{6: 422s, strKey: x, true: 42}");
  val k2[] = {I(1), S("1")};
  val v2[] = {S("int"), S("string")};
  is_str(fmt(a, "%s", LIST(val_map(a, k2, v2, 2))), "{1: int, 1: string}");
}

static void test_format_errors(void **state) {
  arena *a = *state;
  is_err(fmt(a, "%d %d %d", LIST(I(0), I(1))), ERR_INDEX,
         "index 2 out of range");
  is_err(fmt(a, "%s", val_list(a, NULL, 0)), ERR_INDEX, "index 0");
  is_err(fmt(a, "string is %b", LIST(S("abc"))), ERR_INVALID,
         "binary, was given string");
  is_err(fmt(a, "%x", LIST(D(0.5))), ERR_INVALID, "hex, was given double");
  is_err(fmt(a, "%E", LIST(D(0.5))), ERR_INVALID,
         "unrecognized formatting clause \"E\"");
  is_err(fmt(a, "%日", LIST(I(1))), ERR_INVALID, "clause \"日\"");
  is_err(fmt(a, "%d", LIST(val_null())), ERR_INVALID, "null_type");
  is_err(fmt(a, "%e", LIST(S("1"))), ERR_INVALID, "scientific");
  is_err(fmt(a, "%f", LIST(val_bool(true))), ERR_INVALID, "fixed-point");
  is_err(fmt(a, "%o", LIST(D(1))), ERR_INVALID, "octal");
  is_err(fmt(a, "100%", LIST(I(1))), ERR_INVALID, "unexpected end");
  is_err(fmt(a, "%.f", LIST(D(1))), ERR_INVALID, "precision");
  is_err(fmt(a, "%.101f", LIST(D(1))), ERR_INVALID, "maximum");
  is_err(fmt(a, "%.99999999999999999999f", LIST(D(1))), ERR_INVALID,
         "maximum");
  is_err(fmt(a, "%.2", LIST(D(1))), ERR_INVALID, "unexpected end");
  val opt = {0};
  opt.kind = V_OPTIONAL;
  is_err(fmt(a, "%s", LIST(LIST(opt))), ERR_INVALID, "optional_type");
  no_overload(R("format", S("%s"), S("x")));
  no_overload(R("format", I(1), LIST(I(1))));
}

/* ==== math extension =================================================== */

static void test_greatest_least(void **state) {
  arena *a = *state;
  is_int(G("math.greatest", I(-5)), -5);
  is_int(G("math.greatest", I(3), I(-3)), 3);
  is_int(G("math.greatest", I(INT64_MIN), I(1)), 1);
  is_uint(G("math.greatest", I(-3), U(3)), 3);
  is_double(G("math.greatest", I(1), D(1.797693e308)), 1.797693e308);
  is_int(G("math.greatest", D(5.4), I(10), U(3), D(-5.0), I(INT64_MAX)),
         INT64_MAX);
  is_int(G("math.greatest", LIST(D(5.4), I(10), U(3), D(-5.0))), 10);
  is_int(G("math.greatest", I(1), D(1.0)), 1); /* ties keep the first */
  is_uint(G("math.least", U(5), U(2)), 2);
  is_int(G("math.least", I(1), I(INT64_MIN)), INT64_MIN);
  is_double(G("math.least", LIST(D(5.4), D(10.5), U(3), D(-5.0))), -5.0);
  is_double(G("math.least", D(NAN)), NAN);
  is_err(G("math.greatest", val_list(a, NULL, 0)), ERR_INVALID, "empty");
  is_err(G("math.least", LIST(I(1), S("x"))), ERR_OVERLOAD, "string");
  is_err(G("math.greatest", S("x")), ERR_OVERLOAD, NULL);
  is_err(G("math.greatest", I(1), D(NAN)), ERR_INVALID, "NaN");
  is_err(G("math.least", LIST(D(NAN), I(1))), ERR_INVALID, "NaN");
}

static void test_rounding(void **state) {
  arena *a = *state;
  is_double(G("math.ceil", D(1.2)), 2.0);
  is_double(G("math.ceil", D(-1.2)), -1.0);
  is_double(G("math.floor", D(-1.2)), -2.0);
  is_double(G("math.floor", D(1.2)), 1.0);
  is_double(G("math.round", D(1.5)), 2.0);
  is_double(G("math.round", D(-1.5)), -2.0);
  is_double(G("math.round", D(2.5)), 3.0); /* half away from zero */
  is_double(G("math.round", D(1.2)), 1.0);
  is_double(G("math.round", D(NAN)), NAN);
  is_double(G("math.trunc", D(-1.7)), -1.0);
  is_double(G("math.trunc", D(1.7)), 1.0);
  no_overload(G("math.ceil", I(1)));
  no_overload(G("math.floor", U(1)));
  no_overload(G("math.round", I(1)));
  no_overload(G("math.trunc", S("1")));
}

static void test_abs_sign(void **state) {
  arena *a = *state;
  is_int(G("math.abs", I(-11)), 11);
  is_int(G("math.abs", I(INT64_MAX)), INT64_MAX);
  is_err(G("math.abs", I(INT64_MIN)), ERR_OVERFLOW, "overflow");
  is_uint(G("math.abs", U(5)), 5);
  is_double(G("math.abs", D(-1.5)), 1.5);
  is_double(G("math.abs", D(-0.0)), 0.0);
  is_int(G("math.sign", I(-11)), -1);
  is_int(G("math.sign", I(0)), 0);
  is_int(G("math.sign", I(100)), 1);
  is_uint(G("math.sign", U(0)), 0);
  is_uint(G("math.sign", U(100)), 1);
  is_double(G("math.sign", D(-0.5)), -1.0);
  is_double(G("math.sign", D(-0.0)), 0.0);
  is_double(G("math.sign", D(100.5)), 1.0);
  is_double(G("math.sign", D(NAN)), NAN);
  no_overload(G("math.abs", S("1")));
  no_overload(G("math.sign", val_bool(true)));
}

static void test_float_tests(void **state) {
  arena *a = *state;
  is_bool(G("math.isNaN", D(NAN)), true);
  is_bool(G("math.isNaN", D(INFINITY)), false);
  is_bool(G("math.isInf", D(-INFINITY)), true);
  is_bool(G("math.isInf", D(NAN)), false);
  is_bool(G("math.isFinite", D(1.0 / 1.5)), true);
  is_bool(G("math.isFinite", D(-INFINITY)), false);
  is_bool(G("math.isFinite", D(NAN)), false);
  no_overload(G("math.isNaN", I(1)));
  no_overload(G("math.isInf", val_bool(true)));
  no_overload(G("math.isFinite", U(1)));
}

static void test_bits(void **state) {
  arena *a = *state;
  is_int(G("math.bitAnd", I(1), I(3)), 1);
  is_int(G("math.bitAnd", I(-3), I(-5)), -7);
  is_uint(G("math.bitAnd", U(3), U(2)), 2);
  is_int(G("math.bitOr", I(4), I(-2)), -2);
  is_uint(G("math.bitOr", U(1), U(2)), 3);
  is_int(G("math.bitXor", I(4), I(-2)), -6);
  is_uint(G("math.bitXor", U(1), U(3)), 2);
  is_int(G("math.bitNot", I(1)), -2);
  is_int(G("math.bitNot", I(-1)), 0);
  is_uint(G("math.bitNot", U(1)), 18446744073709551614ULL);
  no_overload(G("math.bitAnd", U(2), I(1)));
  no_overload(G("math.bitOr", D(1.2), I(1)));
  no_overload(G("math.bitXor", LIST(I(1)), LIST(I(1))));
  no_overload(G("math.bitNot", D(1)));
}

static void test_shifts(void **state) {
  arena *a = *state;
  is_int(G("math.bitShiftLeft", I(1), I(2)), 4);
  is_int(G("math.bitShiftLeft", I(-1), I(2)), -4);
  is_int(G("math.bitShiftLeft", I(1), I(63)), INT64_MIN);
  is_int(G("math.bitShiftLeft", I(1), I(64)), 0);
  is_int(G("math.bitShiftLeft", I(-1), I(200)), 0);
  is_uint(G("math.bitShiftLeft", U(1), I(2)), 4);
  is_uint(G("math.bitShiftLeft", U(1), I(200)), 0);
  is_int(G("math.bitShiftRight", I(1024), I(2)), 256);
  is_int(G("math.bitShiftRight", I(1024), I(64)), 0);
  is_int(G("math.bitShiftRight", I(-1), I(60)), 15); /* zero fill */
  is_uint(G("math.bitShiftRight", U(1024), I(200)), 0);
  is_err(G("math.bitShiftLeft", U(1), I(-1)), ERR_INVALID, "negative");
  is_err(G("math.bitShiftRight", I(1), I(-1)), ERR_INVALID, "negative");
  no_overload(G("math.bitShiftRight", val_bytes(a, "1", 1), I(1)));
  no_overload(G("math.bitShiftLeft", I(1), U(1)));
}

/* ==== base64 =========================================================== */

static void test_base64(void **state) {
  arena *a = *state;
  is_str(G("base64.encode", val_bytes(a, "hello", 5)), "aGVsbG8=");
  is_str(G("base64.encode", val_bytes(a, "", 0)), "");
  is_str(G("base64.encode", val_bytes(a, "h", 1)), "aA==");
  is_str(G("base64.encode", val_bytes(a, "\xff\xfe\x00", 3)), "//4A");
  is_str(G("base64.encode", val_bytes(a, "日本", 6)), "5pel5pys");
  is_bytes(G("base64.decode", S("aGVsbG8=")), "hello", 5);
  is_bytes(G("base64.decode", S("aGVsbG8")), "hello", 5);
  is_bytes(G("base64.decode", S("aA")), "h", 1);
  is_bytes(G("base64.decode", S("aA==")), "h", 1);
  is_bytes(G("base64.decode", S("")), "", 0);
  is_bytes(G("base64.decode", S("//4A")), "\xff\xfe\x00", 3);
  is_bytes(G("base64.decode", S("aGVs\r\nbG8=")), "hello", 5);
  const char *bad[] = {"a", "aGVsbG8==", "aA=", "=", "aA==aA==", "a*bc",
                       "aGVsbG8=\xe3\x81\x82", "aGVs bG8="};
  for (size_t i = 0; i < POL_COUNTOF(bad); i++)
    is_err(G("base64.decode", S(bad[i])), ERR_INVALID, "base64");
  no_overload(G("base64.encode", S("hello")));
  no_overload(G("base64.decode", val_bytes(a, "aA==", 4)));
}

/* ==== memory limits ==================================================== */

/* Every constructor fails cleanly when the arena is full. */
static void test_out_of_memory(void **state) {
  arena *a = *state;
  arena small;
  arena_init(&small, 64, NULL);
  val big = val_cstring(a, "abcdefghijklmnopqrstuvwxyz0123456789");
  val r = call(&small, BI_RECEIVER, "replace",
               (val[]){big, S(""), S("0123456789")}, 3);
  is_err(r, ERR_NOMEM, NULL);
  r = call(&small, BI_RECEIVER, "split", (val[]){big, S("")}, 2);
  is_err(r, ERR_NOMEM, NULL);
  arena_free(&small);
}

int main(int argc, char **argv) {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(test_lookup),          T(test_tables),
      T(test_size),            T(test_contains),
      T(test_starts_ends),     T(test_matches_basic),
      T(test_matches_unicode), T(test_matches_refused),
      T(test_matches_invalid), T(test_matches_limit),
      T(test_int),             T(test_int_from_string),
      T(test_uint),            T(test_double),
      T(test_string),          T(test_string_double),
      T(test_bytes),           T(test_bool),
      T(test_dyn_type),        T(test_char_at),
      T(test_index_of),        T(test_last_index_of),
      T(test_substring),       T(test_case),
      T(test_trim),            T(test_reverse),
      T(test_replace),         T(test_split),
      T(test_join),            T(test_quote),
      T(test_format_basic),    T(test_format_doubles),
      T(test_format_values),   T(test_format_errors),
      T(test_greatest_least),  T(test_rounding),
      T(test_abs_sign),        T(test_float_tests),
      T(test_bits),            T(test_shifts),
      T(test_base64),          T(test_out_of_memory),
  };
  return RUN_TESTS("builtins", tests, argc, argv);
}
