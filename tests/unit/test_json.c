/*
 * test_json.c: the JSON reader and writer of lib/json.c: every value
 * kind, exact int64/uint64/double boundaries, escapes, every error with
 * its line:col, the depth limit, duplicate keys, NDJSON streams, the byte
 * order mark, out of memory, and the writer's output.
 */
#include "harness.h"

#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>

#include "json.h"
#include "value.h"

static arena A;

static int setup(void **state) {
  (void)state;
  arena_init(&A, 0, NULL);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  arena_free(&A);
  return 0;
}

/* ---- helpers ---- */

static val parse_n(const char *text, size_t n) {
  val v;
  json_error e;
  if (!json_parse(&A, text, n, &v, &e))
    fail_msg("parse of '%s' failed: %u:%u: %s", text, e.line, e.col, e.msg);
  return v;
}

static val parse(const char *text) { return parse_n(text, strlen(text)); }

static void expect_error_n(const char *text, size_t n, uint32_t line,
                           uint32_t col, const char *msg) {
  val v;
  json_error e;
  if (json_parse(&A, text, n, &v, &e))
    fail_msg("'%s' was accepted", text);
  if (e.line != line || e.col != col || strcmp(e.msg, msg) != 0)
    fail_msg("'%s': got %u:%u: %s; want %u:%u: %s", text, e.line, e.col,
             e.msg, line, col, msg);
}

static void expect_error(const char *text, uint32_t line, uint32_t col,
                         const char *msg) {
  expect_error_n(text, strlen(text), line, col, msg);
}

/* A string value: its hash is computed or 0 ("not yet", value.h). */
static void assert_str(val v, const char *bytes, size_t n) {
  assert_int_equal(v.kind, V_STRING);
  assert_int_equal(v.as.s->len, n);
  assert_memory_equal(v.as.s->data, bytes, n);
  assert_int_equal(v.as.s->data[n], '\0');
  assert_true(v.as.s->hash == 0 ||
              v.as.s->hash == val_hash_bytes(bytes, n));
  assert_int_equal(str_hash(v.as.s), val_hash_bytes(bytes, n));
}

/* A map key: its hash is always there (lookups compare it). */
static void assert_key(val v, const char *bytes, size_t n) {
  assert_str(v, bytes, n);
  assert_int_equal(v.as.s->hash, val_hash_bytes(bytes, n));
}

static void assert_double_bits(val v, double want) {
  assert_int_equal(v.kind, V_DOUBLE);
  assert_memory_equal(&v.as.d, &want, sizeof want);
}

static const val *field(val m, const char *key) {
  assert_int_equal(m.kind, V_MAP);
  size_t n = strlen(key);
  return map_get_str(m.as.m, key, n, val_hash_bytes(key, n));
}

static char *write_json(val v, int indent) {
  static char out[4096];
  sbuf b;
  sb_init(&b, NULL);
  json_write(&b, v, indent);
  assert_false(b.oom);
  assert_true(b.len < sizeof out);
  memcpy(out, b.p, b.len + 1);
  sb_free(&b);
  return out;
}

/* ---- values ---- */

static void scalars(void **state) {
  (void)state;
  assert_int_equal(parse("null").kind, V_NULL);
  val t = parse(" true "), f = parse("\t\r\nfalse\n");
  assert_int_equal(t.kind, V_BOOL);
  assert_true(t.as.b);
  assert_int_equal(f.kind, V_BOOL);
  assert_false(f.as.b);
  assert_str(parse("\"abc\""), "abc", 3);
  assert_str(parse("\"\""), "", 0);
  assert_int_equal(parse("42").as.i, 42);
  assert_int_equal(parse("-7").as.i, -7);
}

static void containers(void **state) {
  (void)state;
  val l = parse("[1, \"two\", [3], {\"four\": 4}, null]");
  assert_int_equal(l.kind, V_LIST);
  assert_int_equal(l.as.l->n, 5);
  assert_int_equal(l.as.l->items[0].as.i, 1);
  assert_str(l.as.l->items[1], "two", 3);
  assert_int_equal(l.as.l->items[2].as.l->items[0].as.i, 3);
  assert_int_equal(field(l.as.l->items[3], "four")->as.i, 4);
  assert_int_equal(l.as.l->items[4].kind, V_NULL);
  assert_int_equal(parse("[]").as.l->n, 0);
  assert_int_equal(parse("{ }").as.m->n, 0);
  assert_int_equal(parse("[[[]]]").as.l->items[0].as.l->items[0].kind,
                   V_LIST);
}

static void objects_keep_order(void **state) {
  (void)state;
  val m = parse("{\"z\": 1, \"a\": {\"y\": [true]}, \"m\": \"x\"}");
  assert_int_equal(m.as.m->n, 3);
  assert_key(m.as.m->keys[0], "z", 1);
  assert_key(m.as.m->keys[1], "a", 1);
  assert_key(m.as.m->keys[2], "m", 1);
  assert_true(field(*field(m, "a"), "y")->as.l->items[0].as.b);
  /* more than MAP_LINEAR_MAX entries: the map gets its index */
  char text[512] = "{";
  for (int i = 0; i < 40; i++)
    sprintf(text + strlen(text), "%s\"k%d\": %d", i ? ", " : "", i, i);
  strcat(text, "}");
  val big = parse(text);
  assert_int_equal(big.as.m->n, 40);
  assert_int_equal(field(big, "k37")->as.i, 37);
  assert_key(big.as.m->keys[39], "k39", 3);
}

static void duplicate_keys_last_wins(void **state) {
  (void)state;
  val m = parse("{\"a\": 1, \"b\": 2, \"a\": 3}");
  assert_int_equal(m.as.m->n, 2);
  assert_str(m.as.m->keys[0], "a", 1);
  assert_str(m.as.m->keys[1], "b", 1);
  assert_int_equal(field(m, "a")->as.i, 3);
  assert_int_equal(field(m, "b")->as.i, 2);
  m = parse("{\"a\": 1, \"a\": 2, \"a\": 3}");
  assert_int_equal(m.as.m->n, 1);
  assert_int_equal(field(m, "a")->as.i, 3);
  /* big object: 30 keys, every third one repeated at the end */
  char text[1024] = "{";
  for (int i = 0; i < 30; i++)
    sprintf(text + strlen(text), "%s\"k%d\": %d", i ? ", " : "", i, i);
  for (int i = 0; i < 30; i += 3)
    sprintf(text + strlen(text), ", \"k%d\": %d", i, 100 + i);
  strcat(text, "}");
  m = parse(text);
  assert_int_equal(m.as.m->n, 30);
  for (int i = 0; i < 30; i++) {
    char key[16];
    snprintf(key, sizeof key, "k%d", i);
    assert_key(m.as.m->keys[i], key, strlen(key));
    assert_int_equal(m.as.m->vals[i].as.i, i % 3 ? i : 100 + i);
  }
}

/* ---- numbers ---- */

static void integer_boundaries(void **state) {
  (void)state;
  val v = parse("9223372036854775807");
  assert_int_equal(v.kind, V_INT);
  assert_true(v.as.i == INT64_MAX);
  v = parse("-9223372036854775808");
  assert_int_equal(v.kind, V_INT);
  assert_true(v.as.i == INT64_MIN);
  v = parse("9223372036854775808");
  assert_int_equal(v.kind, V_UINT);
  assert_true(v.as.u == 9223372036854775808u);
  v = parse("18446744073709551615");
  assert_int_equal(v.kind, V_UINT);
  assert_true(v.as.u == UINT64_MAX);
  assert_double_bits(parse("18446744073709551616"), 18446744073709551616.0);
  assert_double_bits(parse("-9223372036854775809"), -9223372036854775808.0);
  assert_double_bits(parse("100000000000000000000000000000"), 1e29);
  v = parse("0");
  assert_int_equal(v.kind, V_INT);
  assert_int_equal(v.as.i, 0);
}

static void negative_zero(void **state) {
  (void)state;
  val v = parse("-0");
  assert_int_equal(v.kind, V_INT);
  assert_int_equal(v.as.i, 0);
  v = parse("-0.0");
  assert_int_equal(v.kind, V_DOUBLE);
  assert_true(v.as.d == 0 && signbit(v.as.d));
  v = parse("-0e5");
  assert_true(v.as.d == 0 && signbit(v.as.d));
  assert_double_bits(parse("0.0"), 0.0);
}

static void fractions_and_exponents(void **state) {
  (void)state;
  assert_double_bits(parse("1.5"), 1.5);
  assert_double_bits(parse("1e2"), 100.0);
  assert_double_bits(parse("1E+2"), 100.0);
  assert_double_bits(parse("1e-2"), 0.01);
  assert_double_bits(parse("-12.5e-1"), -1.25);
  assert_double_bits(parse("0.1"), 0.1);
  assert_double_bits(parse("1e22"), 1e22);
  assert_double_bits(parse("1e23"), 1e23);
  assert_double_bits(parse("5e-324"), 5e-324);
  assert_double_bits(parse("2.2250738585072014e-308"), DBL_MIN);
  assert_double_bits(parse("1.7976931348623157e308"), DBL_MAX);
  assert_double_bits(parse("1e-400"), 0.0); /* underflow is fine */
  assert_double_bits(parse("-1e-400"), -0.0);
  assert_double_bits(parse("123456.789e-3"), 123.456789);
}

static void exact_rounding(void **state) {
  (void)state;
  /* ties and long significands that only a correct strtod gets right */
  assert_double_bits(parse("9007199254740993.0"), 9007199254740992.0);
  assert_double_bits(parse("9007199254740995.0"), 9007199254740996.0);
  assert_double_bits(
      parse("0.1000000000000000055511151231257827021181583404541015625"),
      0.1);
  assert_double_bits(parse("2.4703282292062328e-324"), 5e-324);
  assert_double_bits(parse("2.4703282292062327e-324"), 0.0);
  /* exactly halfway between 1 and the next double, then just above */
  assert_double_bits(
      parse("1.00000000000000011102230246251565404236316680908203125"), 1.0);
  assert_double_bits(
      parse("1.00000000000000011102230246251565404236316680908203126"),
      1.0000000000000002);
  /* beyond 2^53 an integer literal stays an exact int */
  val v = parse("9007199254740993");
  assert_int_equal(v.kind, V_INT);
  assert_true(v.as.i == 9007199254740993);
}

static uint64_t next_random(uint64_t *x) {
  *x ^= *x << 13;
  *x ^= *x >> 7;
  *x ^= *x << 17;
  return *x;
}

/* A random JSON number with a fraction: up to 20 significant digits, the
 * point anywhere among them, and maybe an exponent. */
static void random_number(uint64_t *x, char *out) {
  int digits = 1 + (int)(next_random(x) % 20);
  int point = 1 + (int)(next_random(x) % (uint64_t)digits);
  char *p = out;
  if (next_random(x) & 1)
    *p++ = '-';
  for (int i = 0; i < digits; i++) {
    if (i == point)
      *p++ = '.';
    *p++ = (char)('0' + next_random(x) % 10);
  }
  if (point == digits)
    p += sprintf(p, ".%d", (int)(next_random(x) % 10));
  if (next_random(x) & 1)
    p += sprintf(p, "e%d", (int)(next_random(x) % 80) - 40);
  *p = '\0';
  if (out[out[0] == '-'] == '0' && out[1 + (out[0] == '-')] != '.')
    out[out[0] == '-'] = '1'; /* no leading zero */
}

/* Every double the reader makes agrees with strtod: thousands of decimal
 * strings covering Clinger's fast path, its edges and the slow path. */
static void agrees_with_strtod(void **state) {
  (void)state;
  uint64_t x = 0x9E3779B97F4A7C15u;
  for (int i = 0; i < 20000; i++) {
    char text[64];
    random_number(&x, text);
    assert_double_bits(parse(text), strtod(text, NULL));
  }
}

static void number_out_of_range(void **state) {
  (void)state;
  expect_error("1e400", 1, 1, "number out of range");
  expect_error("[1, -1e999]", 1, 5, "number out of range");
  expect_error("1.7976931348623159e308", 1, 1, "number out of range");
  char big[400];
  memset(big, '9', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  expect_error(big, 1, 1, "number out of range");
}

static void decimal_point_ignores_locale(void **state) {
  (void)state;
  const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
                         "de_DE"};
  const char *set = NULL;
  for (size_t i = 0; i < 4 && !set; i++)
    set = setlocale(LC_NUMERIC, names[i]);
  if (!set)
    skip();
  assert_double_bits(parse("1.5e-30"), 1.5e-30); /* strtod path */
  assert_double_bits(parse("1.5"), 1.5);
  assert_string_equal(write_json(val_double(2.5), 0), "2.5");
  setlocale(LC_NUMERIC, "C");
}

/* ---- strings ---- */

static void escapes(void **state) {
  (void)state;
  assert_str(parse("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\""),
             "\" \\ / \b \f \n \r \t", 15);
  assert_str(parse("\"\\u00e9\\u00E9\""), "\xC3\xA9\xC3\xA9", 4);
  assert_str(parse("\"\\u20ac\""), "\xE2\x82\xAC", 3);
  assert_str(parse("\"\\u0000\""), "\0", 1);
  assert_str(parse("\"a\\u0000b\""), "a\0b", 3);
  assert_str(parse("\"\\uD83D\\uDE00\""), "\xF0\x9F\x98\x80", 4);
  assert_str(parse("\"\\udbff\\udfff\""), "\xF4\x8F\xBF\xBF", 4);
  assert_str(parse("\"x\\uD834\\uDD1Ey\""), "x\xF0\x9D\x84\x9Ey", 6);
  assert_str(parse("\"\\uFFFF\""), "\xEF\xBF\xBF", 3);
}

static void raw_utf8(void **state) {
  (void)state;
  assert_str(parse("\"\xE6\x97\xA5\xE6\x9C\xAC\""), "\xE6\x97\xA5\xE6\x9C\xAC",
             6);
  assert_str(parse("\"\xF0\x9F\x98\x80\""), "\xF0\x9F\x98\x80", 4);
  assert_str(parse("\"\x7F\""), "\x7F", 1);
  val m = parse("{\"\xE5\x90\x8D\xE5\x89\x8D\": \"\xE5\x80\xA4\"}");
  assert_str(*field(m, "\xE5\x90\x8D\xE5\x89\x8D"), "\xE5\x80\xA4", 3);
}

/* Keys carry their hash whatever they hold; short strings (keys and
 * values) are read once per text and shared; longer values are left
 * unhashed. */
static void keys_hashed_and_shared(void **state) {
  (void)state;
  val m = parse("{\"short\": \"JP\", \"a longer key\": \"a longer value\", "
                "\"\\u0041b\": \"\xE2\x97\x8B\", \"\xE5\x90\x8D\": "
                "\"x\\ny\"}");
  assert_key(m.as.m->keys[0], "short", 5);
  assert_key(m.as.m->keys[1], "a longer key", 12);
  assert_key(m.as.m->keys[2], "Ab", 2);
  assert_key(m.as.m->keys[3], "\xE5\x90\x8D", 3);
  assert_key(m.as.m->vals[0], "JP", 2);            /* short: hashed */
  assert_key(m.as.m->vals[2], "\xE2\x97\x8B", 3); /* one character */
  assert_str(m.as.m->vals[1], "a longer value", 14);
  assert_int_equal(m.as.m->vals[1].as.s->hash, 0);
  assert_str(m.as.m->vals[3], "x\ny", 3);
  assert_int_equal(field(m, "Ab")->as.s->len, 3);
  val l = parse("[{\"answer\": \"\xE2\x97\x8B\"}, "
                "{\"answer\": \"\xE2\x97\x8B\"}, "
                "{\"answer\": \"JP\", \"JP\": 1}]");
  const map *a = l.as.l->items[0].as.m, *b = l.as.l->items[1].as.m,
            *c = l.as.l->items[2].as.m;
  assert_ptr_equal(a->keys[0].as.s, b->keys[0].as.s);
  assert_ptr_equal(a->vals[0].as.s, b->vals[0].as.s);
  assert_ptr_equal(c->vals[0].as.s, c->keys[1].as.s); /* "JP" both ways */
}

/* The fast scan reads 8 bytes at a time: a byte that ends or breaks a
 * string must be found at every position and alignment, in keys and in
 * values, plain or after multi-byte characters. */
static void scan_finds_every_byte(void **state) {
  (void)state;
  static const char *const lead[] = {"", "\xE3\x81\x82", "\xC2\xA7"};
  for (int key = 0; key < 2; key++)
    for (size_t li = 0; li < 3; li++)
      for (int len = 0; len < 20; len++)
        for (int at = 0; at <= len; at++) {
          char text[96], want[96];
          size_t n = (size_t)sprintf(text, key ? "{\"%s" : "[\"%s", lead[li]);
          size_t body = n, w = 0;
          w = (size_t)sprintf(want, "%s", lead[li]);
          for (int i = 0; i < len; i++)
            text[n++] = want[w++] = i == at ? '\x01' : (char)('a' + i % 26);
          /* the control character at [at] (when at < len) is an error */
          memcpy(text + n, key ? "\": 1}" : "\"]", key ? 5 : 2);
          n += key ? 5 : 2;
          /* '[' or '{', the quote, the lead character if any */
          uint32_t col = (uint32_t)(3 + (li ? 1 : 0) + at);
          if (at < len) {
            expect_error_n(text, n, 1, col,
                           "control character U+0001 in string");
            text[body + (size_t)at] = '\xFF';
            expect_error_n(text, n, 1, col, "invalid UTF-8 byte 0xff");
            continue;
          }
          val v = parse_n(text, n);
          val s = key ? v.as.m->keys[0] : v.as.l->items[0];
          assert_str(s, want, w);
        }
}

/* A short string read before in the same text is found again from the
 * 8 bytes at its body (short_seen_at) without scanning it: it must be
 * found only when those bytes are that string and its closing quote.
 * Arrays and objects of strings drawn from a set of near misses
 * (prefixes of each other, the same bytes escaped, one multi-byte
 * character, 8 bytes and more) must read back exactly, keys and values,
 * with the hashes of their bytes. */
static void short_strings_found_again_exactly(void **state) {
  (void)state;
  static const char *const json[] = {
      "", "a", "ab", "abc", "abcdefg", "abcdefgh", "ab\\\\", "a\\u0062",
      "JP", "JPN", "J", "\\u004aP", "\xE2\x97\x8B", "\xE2\x97\x8B" "a",
      "ab\xC2\xA7", "1.1", "1.10", "1.", "answer", "answers", "\\/a"};
  static const char *const bytes[] = {
      "", "a", "ab", "abc", "abcdefg", "abcdefgh", "ab\\", "ab",
      "JP", "JPN", "J", "JP", "\xE2\x97\x8B", "\xE2\x97\x8B" "a",
      "ab\xC2\xA7", "1.1", "1.10", "1.", "answer", "answers", "/a"};
  enum { NS = sizeof json / sizeof *json };
  uint64_t x = 12345;
  for (int round = 0; round < 2000; round++) {
    char text[1024];
    int pick[24], n = 0;
    size_t len = 0;
    bool object = round % 2;
    text[len++] = object ? '{' : '[';
    for (; n < 24; n++) {
      x = x * 6364136223846793005u + 1442695040888963407u;
      pick[n] = (int)((x >> 33) % NS);
      const char *sep = n == 0 ? "" : (x >> 20) % 3 ? "," : ", ";
      len += (size_t)sprintf(text + len, "%s\"%s\"", sep, json[pick[n]]);
      if (object)
        len += (size_t)sprintf(text + len, ":%d", n);
    }
    text[len++] = object ? '}' : ']';
    val v = parse_n(text, len);
    if (object) { /* repeated keys merge: check each key is found */
      for (int i = 0; i < n; i++) {
        const char *b = bytes[pick[i]];
        const val *got = field(v, b);
        if (!got)
          fail_msg("round %d: key %d '%s' missing", round, i, b);
      }
      for (uint32_t i = 0; i < v.as.m->n; i++) {
        const str *k = v.as.m->keys[i].as.s;
        assert_int_equal(k->hash, val_hash_bytes(k->data, k->len));
      }
      continue;
    }
    assert_int_equal(v.as.l->n, n);
    for (int i = 0; i < n; i++)
      assert_str(v.as.l->items[i], bytes[pick[i]], strlen(bytes[pick[i]]));
  }
}

/* Runs of 3-byte sequences are checked two at a time by a word test
 * (common_3byte_pair): it must accept exactly what utf8_valid, the
 * byte-by-byte check, accepts. Every lead byte E0..EF in either place,
 * continuation bytes at and around the edges of their ranges (E0 needs
 * A0..BF, ED 80..9F), after 0 to 7 plain bytes, and a third character
 * after the pair. */
static void utf8_pairs_agree_with_utf8_valid(void **state) {
  (void)state;
  static const unsigned char cont[] = {0x7F, 0x80, 0x9F, 0xA0, 0xBF, 0xC0};
  enum { NC = sizeof cont };
  for (unsigned lead1 = 0xE0; lead1 <= 0xEF; lead1++)
    for (unsigned lead2 = 0xE0; lead2 <= 0xEF; lead2++)
      for (unsigned c = 0; c < NC * NC; c++)
        for (int pre = 0; pre < 8; pre++) {
          char body[32];
          size_t n = 0;
          for (int i = 0; i < pre; i++)
            body[n++] = 'a';
          const unsigned char seq[] = {
              (unsigned char)lead1, cont[c % NC], 0x81,
              (unsigned char)lead2, 0x82, cont[c / NC],
              0xE3, 0x81, 0x82};
          memcpy(body + n, seq, sizeof seq);
          n += sizeof seq;
          char text[40];
          text[0] = '"';
          memcpy(text + 1, body, n);
          text[n + 1] = '"';
          val v;
          json_error e;
          bool ok = json_parse(&A, text, n + 2, &v, &e);
          if (ok != utf8_valid(body, n))
            fail_msg("lead %02X %02X, cont %02X %02X, after %d: parsed %d",
                     lead1, lead2, cont[c % NC], cont[c / NC], pre, ok);
          if (ok)
            assert_str(v, body, n);
          else
            assert_true(strncmp(e.msg, "invalid UTF-8", 13) == 0);
        }
}

/* A fact set's containers are linked to their parents as they are read
 * (json_parse_with's [facts]): the same links val_adopt makes. */
static void compare_origins(val x, val y) {
  assert_int_equal(x.kind, y.kind);
  if (x.kind != V_MAP && x.kind != V_LIST)
    return;
  const origin *ox = x.kind == V_MAP ? &x.as.m->o : &x.as.l->o;
  const origin *oy = y.kind == V_MAP ? &y.as.m->o : &y.as.l->o;
  assert_int_equal(ox->kind, oy->kind);
  assert_int_equal(ox->entry, oy->entry);
  uint32_t n = x.kind == V_MAP ? x.as.m->n : x.as.l->n;
  for (uint32_t i = 0; i < n; i++) {
    val cx = x.kind == V_MAP ? x.as.m->vals[i] : x.as.l->items[i];
    val cy = y.kind == V_MAP ? y.as.m->vals[i] : y.as.l->items[i];
    if (cx.kind == V_MAP || cx.kind == V_LIST) { /* parent: its container */
      const origin *o = cx.kind == V_MAP ? &cx.as.m->o : &cx.as.l->o;
      assert_ptr_equal(o->parent, x.kind == V_MAP ? (const void *)x.as.m
                                                  : (const void *)x.as.l);
    }
    compare_origins(cx, cy);
  }
}

static void facts_linked_as_read(void **state) {
  (void)state;
  const char *text = "{\"a\": {\"b\": [1, {\"c\": []}, [[{}]]]}, \"d\": [], "
                     "\"a\": {\"e\": {\"f\": [{\"g\": 1}]}}, \"h\": 1}";
  val linked, walked;
  json_error e;
  json_scratch scratch = {0};
  assert_true(json_parse_with(&A, text, strlen(text), &linked, &e, &scratch,
                              true));
  mem_free(&A.m, scratch.vals);
  mem_free(&A.m, scratch.keys);
  val_adopt_root(linked.as.m);
  walked = parse(text);
  val_adopt(walked.as.m);
  compare_origins(linked, walked);
  assert_int_equal(linked.as.m->o.kind, ORIGIN_ROOT);
  /* without [facts] nothing is linked */
  val plain = parse("{\"a\": {\"b\": []}}");
  assert_int_equal(plain.as.m->vals[0].as.m->o.kind, ORIGIN_NONE);
}

/* ---- errors: message and position ---- */

static void structural_errors(void **state) {
  (void)state;
  expect_error("", 1, 1, "unexpected end of input");
  expect_error("   ", 1, 4, "unexpected end of input");
  expect_error("[1, 2", 1, 6, "unexpected end of input");
  expect_error("[1 2]", 1, 4,
               "expected ',' or ']' after array element, found '2'");
  expect_error("{\"a\": 1 \"b\": 2}", 1, 9,
               "expected ',' or '}' after object member, found '\"'");
  expect_error("{\"a\" 1}", 1, 6, "expected ':' after object key, found '1'");
  expect_error("{1: 2}", 1, 2, "expected a string key, found '1'");
  expect_error("{\"a\": 1, }", 1, 8, "trailing comma before '}'");
  expect_error("[1,\n 2,\n]", 2, 3, "trailing comma before ']'");
  expect_error("[,1]", 1, 2, "expected a value, found ','");
  expect_error("]", 1, 1, "expected a value, found ']'");
  expect_error("[1] x", 1, 5, "trailing data after JSON value");
  expect_error("{} {}", 1, 4, "trailing data after JSON value");
  expect_error("[\x01]", 1, 2, "expected a value, found U+0001");
  expect_error("[\xC3\xA9]", 1, 2, "expected a value, found U+00E9");
  expect_error("'a'", 1, 1, "expected a value, found '''");
}

static void literal_errors(void **state) {
  (void)state;
  expect_error("tru", 1, 4, "unexpected end of input");
  expect_error("[trve]", 1, 2, "invalid literal (expected 'true')");
  expect_error("nul", 1, 4, "unexpected end of input");
  expect_error("nulL", 1, 1, "invalid literal (expected 'null')");
  expect_error("fals e", 1, 1, "invalid literal (expected 'false')");
  expect_error("True", 1, 1, "expected a value, found 'T'");
  expect_error("NaN", 1, 1, "expected a value, found 'N'");
}

static void number_errors(void **state) {
  (void)state;
  expect_error("01", 1, 1, "leading zeros are not allowed");
  expect_error("[-012]", 1, 3, "leading zeros are not allowed");
  expect_error("-", 1, 2, "unexpected end of input");
  expect_error("[-]", 1, 3, "expected a digit after '-', found ']'");
  expect_error("- 1", 1, 2, "expected a digit after '-', found U+0020");
  expect_error("1.", 1, 3, "unexpected end of input");
  expect_error("[1.e5]", 1, 4, "expected a digit after '.', found 'e'");
  expect_error("1e", 1, 3, "unexpected end of input");
  expect_error("[1e+]", 1, 5, "expected a digit in the exponent, found ']'");
  expect_error("+1", 1, 1, "expected a value, found '+'");
  expect_error(".5", 1, 1, "expected a value, found '.'");
  expect_error("0x10", 1, 2, "trailing data after JSON value");
  expect_error("1.5.2", 1, 4, "trailing data after JSON value");
}

static void string_errors(void **state) {
  (void)state;
  expect_error("\"abc", 1, 5, "unexpected end of input");
  expect_error("\"a\nb\"", 1, 3, "control character U+000A in string");
  expect_error("\"\t\"", 1, 2, "control character U+0009 in string");
  expect_error_n("\"a\0\"", 4, 1, 3, "control character U+0000 in string");
  expect_error("\"\\q\"", 1, 2, "invalid escape '\\q'");
  expect_error("\"ab\\x41\"", 1, 4, "invalid escape '\\x'");
  expect_error("\"\\\tx\"", 1, 2, "invalid escape: '\\' followed by byte 0x09");
  expect_error("\"\\", 1, 3, "unexpected end of input");
  expect_error("\"\\u12\"", 1, 6, "invalid \\u escape: expected 4 hex digits");
  expect_error("\"\\u12G4\"", 1, 6,
               "invalid \\u escape: expected 4 hex digits");
  expect_error("\"\\u12", 1, 6, "unexpected end of input");
  expect_error("\"\\uD800\"", 1, 2, "unpaired surrogate '\\uD800'");
  expect_error("\"\\uDC00\\uD800\"", 1, 2, "unpaired surrogate '\\uDC00'");
  expect_error("\"x\\ud800\\u0041\"", 1, 3, "unpaired surrogate '\\ud800'");
  expect_error("\"\\uD800\\n\"", 1, 2, "unpaired surrogate '\\uD800'");
  expect_error("\"\\uD800\\uD800\"", 1, 2, "unpaired surrogate '\\uD800'");
  expect_error("\"\\uD800", 1, 8, "unexpected end of input");
  expect_error("\"\\uD800\\", 1, 9, "unexpected end of input");
  expect_error("\"\\uD800\\uDC0", 1, 13, "unexpected end of input");
  expect_error("\"\\uD800\\uDCxx\"", 1, 12,
               "invalid \\u escape: expected 4 hex digits");
}

static void utf8_errors(void **state) {
  (void)state;
  expect_error("\"\xFF\"", 1, 2, "invalid UTF-8 byte 0xff");
  expect_error("\"ab\x80\"", 1, 4, "invalid UTF-8 byte 0x80");
  expect_error("\"\xC0\xAF\"", 1, 2, "invalid UTF-8 byte 0xc0"); /* overlong */
  expect_error("\"\xE0\x80\xAF\"", 1, 3,
               "invalid UTF-8: byte 0x80 cannot follow 0xe0"); /* overlong */
  expect_error("\"\xED\xA0\x80\"", 1, 3,
               "invalid UTF-8: byte 0xa0 cannot follow 0xed"); /* surrogate */
  expect_error("\"\xF4\x90\x80\x80\"", 1, 3,
               "invalid UTF-8: byte 0x90 cannot follow 0xf4"); /* > 10FFFF */
  expect_error("\"\xE6\x97x\"", 1, 3,
               "invalid UTF-8: byte 0x78 cannot follow 0x97");
  expect_error("\"\xE6\x97", 1, 3, "truncated UTF-8 sequence at end of input");
  expect_error("[\xFF]", 1, 2, "invalid UTF-8 byte 0xff");
  expect_error("\xE6", 1, 2, "truncated UTF-8 sequence at end of input");
}

static void positions_count_lines_and_code_points(void **state) {
  (void)state;
  /* columns count code points: "名前" is two columns, six bytes */
  expect_error("{\n  \"\xE5\x90\x8D\xE5\x89\x8D\": tru\n}", 2, 9,
               "invalid literal (expected 'true')");
  expect_error("[\r\n1,\r\n2 3]", 3, 3,
               "expected ',' or ']' after array element, found '3'");
  expect_error("[\"\xE6\x97\xA5\", \"\xE6\x9C\xAC\", x]", 1, 12,
               "expected a value, found 'x'");
  val v;
  json_error e;
  assert_false(json_parse(&A, "\n\n  [x]", 7, &v, &e));
  assert_int_equal(e.off, 5);
  assert_int_equal(e.line, 3);
  assert_int_equal(e.col, 4);
}

/* ---- limits ---- */

static void depth_limit(void **state) {
  (void)state;
  enum { LIMIT = POL_MAX_JSON_DEPTH };
  char *text = malloc(2 * LIMIT + 3);
  memset(text, '[', LIMIT);
  memset(text + LIMIT, ']', LIMIT);
  val v = parse_n(text, 2 * LIMIT);
  for (int d = 1; d < LIMIT; d++)
    v = v.as.l->items[0];
  assert_int_equal(v.as.l->n, 0);
  memset(text, '[', LIMIT + 1);
  memset(text + LIMIT + 1, ']', LIMIT + 1);
  expect_error_n(text, 2 * LIMIT + 2, 1, LIMIT + 1,
                 "nesting too deep (limit is 512)");
  free(text);
}

static void depth_limit_objects(void **state) {
  (void)state;
  char *text = malloc(6 * 600 + 1), *p = text;
  for (int i = 0; i < 600; i++)
    p += sprintf(p, "{\"a\":");
  expect_error_n(text, (size_t)(p - text), 1, 512 * 5 + 1,
                 "nesting too deep (limit is 512)");
  free(text);
}

static void million_brackets(void **state) {
  (void)state;
  size_t n = 1000000;
  char *text = malloc(n);
  memset(text, '[', n);
  expect_error_n(text, n, 1, 513, "nesting too deep (limit is 512)");
  free(text);
}

static void out_of_memory(void **state) {
  (void)state;
  arena small;
  arena_init(&small, 256, NULL);
  val v;
  json_error e;
  const char *text = "[\"a long enough string to need memory\", "
                     "\"and another one, longer than that one\", "
                     "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]]";
  assert_false(json_parse(&small, text, strlen(text), &v, &e));
  assert_string_equal(e.msg, "out of memory");
  arena_free(&small);
}

static void too_large(void **state) {
  (void)state;
  val v;
  json_error e;
  /* refused before any byte is read: positions are 32-bit */
  assert_false(json_parse(&A, "0", (size_t)UINT32_MAX, &v, &e));
  assert_string_equal(e.msg, "JSON text too large (limit is 4 GiB)");
  assert_int_equal(e.line, 1);
  assert_int_equal(e.col, 1);
}

/* ---- framing ---- */

static void not_nul_terminated(void **state) {
  (void)state;
  assert_int_equal(parse_n("123456", 3).as.i, 123);
  expect_error_n("true", 3, 1, 4, "unexpected end of input");
  expect_error_n("\"ab\"", 3, 1, 4, "unexpected end of input");
  expect_error_n("1.5", 2, 1, 3, "unexpected end of input");
  assert_double_bits(parse_n("1.5e10", 3), 1.5);
}

static void byte_order_mark(void **state) {
  (void)state;
  assert_int_equal(parse("\xEF\xBB\xBF{}").kind, V_MAP);
  assert_int_equal(parse("\xEF\xBB\xBF 1").as.i, 1);
  expect_error("\xEF\xBB\xBF", 1, 1, "unexpected end of input");
  expect_error("\xEF\xBB\xBF[x]", 1, 2, "expected a value, found 'x'");
  expect_error("[\xEF\xBB\xBF]", 1, 2, "expected a value, found U+FEFF");
  expect_error("1\xEF\xBB\xBF", 1, 2, "trailing data after JSON value");
}

static void null_error_pointer(void **state) {
  (void)state;
  val v;
  assert_false(json_parse(&A, "[", 1, &v, NULL));
  size_t pos = 0;
  assert_false(json_parse_next(&A, "x", 1, &pos, &v, NULL));
  assert_true(json_parse(&A, "[]", 2, &v, NULL));
}

static void ndjson_stream(void **state) {
  (void)state;
  const char *text = "{\"vendor\": \"a\"}\n{\"vendor\": \"b\"}\r\n\n  [3]\n7 8";
  size_t n = strlen(text), pos = 0;
  val v[5];
  int count = 0;
  json_error e;
  while (pos < n) {
    assert_true(json_parse_next(&A, text, n, &pos, &v[count], &e));
    count++;
  }
  assert_int_equal(count, 5);
  assert_int_equal(pos, n);
  assert_str(*field(v[1], "vendor"), "b", 1);
  assert_int_equal(v[2].as.l->items[0].as.i, 3);
  assert_int_equal(v[3].as.i, 7);
  assert_int_equal(v[4].as.i, 8);
}

static void ndjson_errors_point_into_stream(void **state) {
  (void)state;
  const char *text = "{\"a\": 1}\n{\"a\": 2,}\n{\"a\": 3}\n";
  size_t n = strlen(text), pos = 0;
  val v;
  json_error e;
  assert_true(json_parse_next(&A, text, n, &pos, &v, &e));
  assert_int_equal(pos, 9);
  assert_false(json_parse_next(&A, text, n, &pos, &v, &e));
  assert_int_equal(pos, 9); /* unchanged */
  assert_int_equal(e.line, 2);
  assert_int_equal(e.col, 8);
  assert_string_equal(e.msg, "trailing comma before '}'");
  /* a caller skips the bad line and goes on */
  pos = (size_t)(strchr(text + pos, '\n') - text) + 1;
  assert_true(json_parse_next(&A, text, n, &pos, &v, &e));
  assert_int_equal(field(v, "a")->as.i, 3);
  assert_int_equal(pos, n);
  pos = 0;
  assert_false(json_parse_next(&A, "  \n ", 4, &pos, &v, &e));
  assert_string_equal(e.msg, "unexpected end of input");
  assert_int_equal(e.line, 2);
  assert_int_equal(e.col, 2);
}

/* ---- writer ---- */

static void write_compact_and_indented(void **state) {
  (void)state;
  val v = parse("{\"a\": [1, 2.5, \"x\"], \"b\": {}, \"c\": [], "
                "\"d\": {\"e\": null}, \"f\": true}");
  assert_string_equal(write_json(v, 0),
                      "{\"a\":[1,2.5,\"x\"],\"b\":{},\"c\":[],"
                      "\"d\":{\"e\":null},\"f\":true}");
  assert_string_equal(write_json(v, 2), "{\n"
                                        "  \"a\": [\n"
                                        "    1,\n"
                                        "    2.5,\n"
                                        "    \"x\"\n"
                                        "  ],\n"
                                        "  \"b\": {},\n"
                                        "  \"c\": [],\n"
                                        "  \"d\": {\n"
                                        "    \"e\": null\n"
                                        "  },\n"
                                        "  \"f\": true\n"
                                        "}");
}

static void write_numbers(void **state) {
  (void)state;
  assert_string_equal(write_json(val_int(INT64_MIN), 0),
                      "-9223372036854775808");
  assert_string_equal(write_json(val_uint(UINT64_MAX), 0),
                      "18446744073709551615");
  assert_string_equal(write_json(val_double(1.0), 0), "1.0");
  assert_string_equal(write_json(val_double(-0.0), 0), "-0.0");
  assert_string_equal(write_json(val_double(0.1), 0), "0.1");
  assert_string_equal(write_json(val_double(1e100), 0), "1e+100");
  assert_string_equal(write_json(val_double(NAN), 0), "\"NaN\"");
  assert_string_equal(write_json(val_double(INFINITY), 0), "\"Infinity\"");
  assert_string_equal(write_json(val_double(-INFINITY), 0), "\"-Infinity\"");
}

static void write_strings_and_bytes(void **state) {
  (void)state;
  assert_string_equal(write_json(val_cstring(&A, "a\"b\\c\n\t\x01\x7f"), 0),
                      "\"a\\\"b\\\\c\\n\\t\\u0001\x7f\"");
  assert_string_equal(write_json(val_cstring(&A, "\xE6\x97\xA5/"), 0),
                      "\"\xE6\x97\xA5/\"");
  assert_string_equal(write_json(val_string(&A, "a\0b", 3), 0),
                      "\"a\\u0000b\"");
  const char *plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  const char *b64[] = {"\"\"", "\"Zg==\"", "\"Zm8=\"", "\"Zm9v\"",
                       "\"Zm9vYg==\"", "\"Zm9vYmE=\"", "\"Zm9vYmFy\""};
  for (int i = 0; i < 7; i++)
    assert_string_equal(write_json(val_bytes(&A, plain[i], strlen(plain[i])),
                                   0),
                        b64[i]);
  assert_string_equal(write_json(val_bytes(&A, "\xFF\xFE\x00", 3), 0),
                      "\"//4A\"");
}

/* [s]/[n] as json_write writes a string, one byte at a time: the
 * reference its eight-at-a-time scan must agree with. */
static void escape_bytewise(sbuf *b, const unsigned char *s, size_t n) {
  sb_putc(b, '"');
  for (size_t i = 0; i < n; i++) {
    unsigned char c = s[i];
    if (c == '"' || c == '\\')
      sb_printf(b, "\\%c", c);
    else if (c == '\n')
      sb_puts(b, "\\n");
    else if (c == '\r')
      sb_puts(b, "\\r");
    else if (c == '\t')
      sb_puts(b, "\\t");
    else if (c == '\b')
      sb_puts(b, "\\b");
    else if (c == '\f')
      sb_puts(b, "\\f");
    else if (c < 0x20)
      sb_printf(b, "\\u%04x", c);
    else
      sb_putc(b, (char)c);
  }
  sb_putc(b, '"');
}

/* Every byte that stops the scan, and its neighbours that do not (0x20,
 * 0x21, 0x7F, 0x80, 0xFF, '"' + 1, '\\' - 1), at every place of strings
 * of 1 to 24 bytes, with and without a second one after it. */
static void write_string_scan_agrees(void **state) {
  (void)state;
  static const unsigned char special[] = {0x00, 0x01, 0x0A, 0x1F, 0x20,
                                          0x21, '"',  '#',  '[',  '\\',
                                          ']',  0x7F, 0x80, 0xE3, 0xFF};
  unsigned char text[24];
  sbuf want;
  sb_init(&want, NULL);
  for (size_t n = 1; n <= sizeof text; n++)
    for (size_t at = 0; at < n; at++)
      for (size_t k = 0; k < sizeof special; k++)
        for (size_t k2 = 0; k2 < sizeof special; k2 += 4) {
          memset(text, 'a' + (int)(n % 26), n);
          text[at] = special[k];
          text[(at * 7 + 3) % n] = special[k2];
          sb_reset(&want);
          escape_bytewise(&want, text, n);
          assert_string_equal(write_json(val_string(&A, (const char *)text,
                                                    n),
                                         0),
                              want.p);
        }
  sb_free(&want);
}

static void write_other_kinds(void **state) {
  (void)state;
  assert_string_equal(write_json(val_duration(1, 500000000), 0), "\"1.5s\"");
  assert_string_equal(write_json(val_timestamp(1234567890, 0), 0),
                      "\"2009-02-13T23:31:30Z\"");
  assert_string_equal(write_json(val_type(V_INT), 0), "\"int\"");
  val inner = val_int(5), opt = {0};
  opt.kind = V_OPTIONAL;
  opt.as.opt = &inner;
  assert_string_equal(write_json(opt, 0), "5");
  opt.as.opt = NULL;
  assert_string_equal(write_json(opt, 0), "null");
  val e = val_err(&A, ERR_DIVZERO, "division by zero");
  assert_string_equal(write_json(e, 0), "{\"error\":\"division by zero\"}");
  assert_string_equal(write_json(e, 2), "{\"error\": \"division by zero\"}");
  val k[3] = {val_int(-1), val_uint(2), val_bool(true)};
  val vs[3] = {val_int(1), val_int(2), val_int(3)};
  assert_string_equal(write_json(val_map(&A, k, vs, 3), 0),
                      "{\"-1\":1,\"2\":2,\"true\":3}");
}

static void write_then_read_round_trip(void **state) {
  (void)state;
  const char *text =
      "{\"int\": -5, \"uint\": 18446744073709551615, \"dbl\": 1.0, "
      "\"tiny\": 5e-324, \"neg0\": -0.0, \"s\": \"\\u0000\\n\xE6\x97\xA5\", "
      "\"l\": [[], {}, [null, false]], \"big\": 1.7976931348623157e308}";
  val a = parse(text);
  for (int indent = 0; indent <= 4; indent += 4) {
    const char *out = write_json(a, indent);
    val b = parse(out);
    assert_true(val_equal(a, b));
    assert_int_equal(field(b, "dbl")->kind, V_DOUBLE);
    assert_int_equal(field(b, "uint")->kind, V_UINT);
    assert_true(signbit(field(b, "neg0")->as.d));
  }
}

int main(int argc, char **argv) {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
  const struct CMUnitTest tests[] = {
      T(scalars),
      T(containers),
      T(objects_keep_order),
      T(duplicate_keys_last_wins),
      T(integer_boundaries),
      T(negative_zero),
      T(fractions_and_exponents),
      T(exact_rounding),
      T(agrees_with_strtod),
      T(number_out_of_range),
      T(decimal_point_ignores_locale),
      T(escapes),
      T(raw_utf8),
      T(keys_hashed_and_shared),
      T(scan_finds_every_byte),
      T(utf8_pairs_agree_with_utf8_valid),
      T(short_strings_found_again_exactly),
      T(facts_linked_as_read),
      T(structural_errors),
      T(literal_errors),
      T(number_errors),
      T(string_errors),
      T(utf8_errors),
      T(positions_count_lines_and_code_points),
      T(depth_limit),
      T(depth_limit_objects),
      T(million_brackets),
      T(out_of_memory),
      T(too_large),
      T(not_nul_terminated),
      T(byte_order_mark),
      T(null_error_pointer),
      T(ndjson_stream),
      T(ndjson_errors_point_into_stream),
      T(write_compact_and_indented),
      T(write_numbers),
      T(write_strings_and_bytes),
      T(write_string_scan_agrees),
      T(write_other_kinds),
      T(write_then_read_round_trip),
  };
#undef T
  return RUN_TESTS("json", tests, argc, argv);
}
