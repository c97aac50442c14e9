/*
 * test_pg_facts.c: the jsonb conversion of the PostgreSQL extension
 * (pg/facts_build.c), outside the server, so that it runs under ASan and
 * UBSan with `make asan` (a stock server cannot load an instrumented
 * module). The reference is libpol's own JSON reader: random documents
 * are written both as JSON text and as the events the extension's jsonb
 * iterator sends, and the two fact sets must hold the same values, kind
 * for kind and bit for bit. Then the edges: numbers at the int64, uint64
 * and double limits, nesting at the bound, malformed shapes, bad UTF-8,
 * and a builder reused after an error.
 */
#include "harness.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "facts_build.h"
#include "pol.h"

#define POL_COUNTOF_(a) (sizeof(a) / sizeof((a)[0]))

typedef struct fixture {
  pol_env *env;
  pol_facts *ref; /* pol_facts_load_json */
  pol_facts *got; /* facts_build */
  fb *b;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  if (!f || pol_env_new(NULL, &f->env) || pol_facts_new(f->env, &f->ref) ||
      pol_facts_new(f->env, &f->got) || !(f->b = fb_new()))
    return -1;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  fb_free(f->b);
  pol_facts_free(f->ref);
  pol_facts_free(f->got);
  pol_env_free(f->env);
  free(f);
  return 0;
}

/* ==== comparing values through the public accessors ===================== */

static bool same_value(const pol_value *a, const pol_value *b);

static bool same_items(const pol_value *a, const pol_value *b) {
  size_t n = pol_value_len(a);
  if (n != pol_value_len(b))
    return false;
  for (size_t i = 0; i < n; i++) {
    if (pol_value_type(a) == POL_T_MAP) {
      size_t la, lb;
      const char *ka = pol_value_key(a, i, &la), *kb = pol_value_key(b, i, &lb);
      if (!ka || !kb || la != lb || memcmp(ka, kb, la) != 0 ||
          !same_value(pol_value_entry(a, i), pol_value_entry(b, i)))
        return false;
    } else if (!same_value(pol_value_at(a, i), pol_value_at(b, i))) {
      return false;
    }
  }
  return true;
}

static bool same_value(const pol_value *a, const pol_value *b) {
  pol_type t = pol_value_type(a);
  size_t la, lb;
  double da, db;
  if (t != pol_value_type(b))
    return false;
  switch (t) {
  case POL_T_BOOL: return pol_value_bool(a) == pol_value_bool(b);
  case POL_T_INT: return pol_value_int(a) == pol_value_int(b);
  case POL_T_UINT: return pol_value_uint(a) == pol_value_uint(b);
  case POL_T_DOUBLE:
    da = pol_value_double(a), db = pol_value_double(b);
    return memcmp(&da, &db, sizeof da) == 0; /* -0.0 is not 0.0 */
  case POL_T_STRING: {
    const char *sa = pol_value_str(a, &la), *sb = pol_value_str(b, &lb);
    return la == lb && memcmp(sa, sb, la) == 0;
  }
  case POL_T_LIST:
  case POL_T_MAP: return same_items(a, b);
  default: return true; /* null */
  }
}

static void assert_same_facts(const pol_facts *ref, const pol_facts *got) {
  size_t n = pol_facts_count(ref);
  assert_int_equal(n, pol_facts_count(got));
  for (size_t i = 0; i < n; i++) {
    assert_string_equal(pol_facts_name(ref, i), pol_facts_name(got, i));
    if (!same_value(pol_facts_value(ref, i), pol_facts_value(got, i)))
      fail_msg("variable %s differs", pol_facts_name(ref, i));
  }
}

/* ==== random documents: JSON text and events at once ===================== */

typedef struct doc {
  char *text;
  size_t len, cap;
  uint64_t seed;
} doc;

static void put(doc *d, const char *s, size_t n) {
  if (d->len + n + 1 > d->cap) {
    d->cap = (d->len + n + 1) * 2;
    d->text = realloc(d->text, d->cap);
    assert_non_null(d->text);
  }
  memcpy(d->text + d->len, s, n);
  d->len += n;
  d->text[d->len] = '\0';
}
static void puts_(doc *d, const char *s) { put(d, s, strlen(s)); }

static uint64_t next(doc *d) { /* splitmix64 */
  uint64_t z = (d->seed += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}
static unsigned pick(doc *d, unsigned n) { return (unsigned)(next(d) % n); }

/* Numbers as PostgreSQL's numeric_out writes them (no exponent), and a
 * few JSON forms it never writes, which the builder must take too. */
static const char *const numbers[] = {
    "0", "-0", "7", "-12", "99.95", "99.0", "0.1", "1.5", "-2.25",
    "9223372036854775807", "9223372036854775808", "-9223372036854775808",
    "-9223372036854775809", "18446744073709551615", "18446744073709551616",
    "123456789012345678901234567890", "0.30000000000000004",
    "2.2250738585072011e-308", "4.9e-324", "1e-400", "1E2", "-1.5e+3",
    "0.000000000000000000000000000001", "1.7976931348623157e308"};

/* Strings: ASCII, Japanese, and what JSON must escape. */
static const char *const strings[] = {
    "", "JP", "https://example.com", "株式会社テストクラウド", "○", "－",
    "q\"uote", "back\\slash", "tab\there", "nl\nx", "\x01\x1f", "é", "😀",
    "平日 9:00-18:00"};

static void json_string(doc *d, const char *s) {
  put(d, "\"", 1);
  for (; *s; s++) {
    char esc[8];
    if (*s == '"' || *s == '\\') {
      esc[0] = '\\', esc[1] = *s;
      put(d, esc, 2);
    } else if ((unsigned char)*s < 0x20) {
      snprintf(esc, sizeof esc, "\\u%04x", (unsigned)*s);
      puts_(d, esc);
    } else {
      put(d, s, 1);
    }
  }
  put(d, "\"", 1);
}

static void gen_value(doc *d, fb *b, int depth);

static void gen_object(doc *d, fb *b, int depth) {
  unsigned n = pick(d, 6);
  fb_open(b, true);
  puts_(d, "{");
  for (unsigned i = 0; i < n; i++) {
    char key[64];
    /* unique within the object, as jsonb keys always are */
    snprintf(key, sizeof key, "%s%u", pick(d, 2) ? "k" : "項目", i);
    if (i)
      puts_(d, ",");
    json_string(d, key);
    puts_(d, ":");
    fb_key(b, key, strlen(key));
    gen_value(d, b, depth + 1);
  }
  puts_(d, "}");
  fb_close(b);
}

static void gen_array(doc *d, fb *b, int depth) {
  unsigned n = pick(d, 5);
  fb_open(b, false);
  puts_(d, "[");
  for (unsigned i = 0; i < n; i++) {
    if (i)
      puts_(d, ",");
    gen_value(d, b, depth + 1);
  }
  puts_(d, "]");
  fb_close(b);
}

static void gen_value(doc *d, fb *b, int depth) {
  unsigned k = pick(d, depth > 5 ? 5 : 7);
  char num[32];
  const char *s;
  switch (k) {
  case 0: puts_(d, "null"); fb_null(b); break;
  case 1: {
    bool x = pick(d, 2);
    puts_(d, x ? "true" : "false");
    fb_bool(b, x);
    break;
  }
  case 2:
    s = strings[pick(d, POL_COUNTOF_(strings))];
    json_string(d, s);
    fb_string(b, s, strlen(s));
    break;
  case 3:
    s = numbers[pick(d, POL_COUNTOF_(numbers))];
    if (strcmp(s, "1e-400") == 0 && pick(d, 2))
      s = "3"; /* keep some documents free of underflow */
    puts_(d, s);
    fb_number(b, s, strlen(s));
    break;
  case 4:
    snprintf(num, sizeof num, "%lld.%02u", (long long)pick(d, 100000) - 500,
             pick(d, 100));
    puts_(d, num);
    fb_number(b, num, strlen(num));
    break;
  case 5: gen_object(d, b, depth); break;
  default: gen_array(d, b, depth); break;
  }
}

/* ==== tests ============================================================== */

/* 2,000 random documents: the builder and the JSON reader agree on each,
 * on one builder and one fact set reused throughout (the server's way). */
static void random_documents_agree(void **state) {
  fixture *f = *state;
  doc d = {NULL, 0, 0, 7};
  for (int i = 0; i < 2000; i++) {
    d.len = 0;
    fb_begin(f->b, f->got);
    gen_object(&d, f->b, 0);
    int rc = pol_facts_load_json(f->ref, d.text, d.len, "doc.json");
    fb_status st = fb_finish(f->b);
    if (rc != POL_OK) { /* 1e400: both refuse */
      assert_int_equal(st, FB_EVALUE);
      continue;
    }
    if (st != FB_OK)
      fail_msg("document %d: %s\n%s", i, fb_errmsg(f->b), d.text);
    assert_same_facts(f->ref, f->got);
  }
  free(d.text);
}

/* Build {"x": NUMBER} and return x. */
static const pol_value *number(fixture *f, const char *text) {
  fb_begin(f->b, f->got);
  fb_open(f->b, true);
  fb_key(f->b, "x", 1);
  fb_number(f->b, text, strlen(text));
  fb_close(f->b);
  if (fb_finish(f->b) != FB_OK)
    return NULL;
  return pol_facts_get(f->got, "x");
}

static void numbers_keep_their_kind(void **state) {
  fixture *f = *state;
  const pol_value *v = number(f, "9223372036854775807");
  assert_int_equal(pol_value_type(v), POL_T_INT);
  assert_true(pol_value_int(v) == INT64_MAX);
  v = number(f, "-9223372036854775808");
  assert_true(pol_value_int(v) == INT64_MIN);
  v = number(f, "9223372036854775808");
  assert_int_equal(pol_value_type(v), POL_T_UINT);
  v = number(f, "18446744073709551615");
  assert_true(pol_value_uint(v) == UINT64_MAX);
  v = number(f, "18446744073709551616");
  assert_int_equal(pol_value_type(v), POL_T_DOUBLE);
  assert_true(pol_value_double(v) == 18446744073709551616.0);
  v = number(f, "99.0"); /* a fraction, even .0, is a double */
  assert_int_equal(pol_value_type(v), POL_T_DOUBLE);
  v = number(f, "0.30000000000000004");
  assert_true(pol_value_double(v) == 0.1 + 0.2);
  assert_null(number(f, "1e400"));
  assert_int_equal(fb_error(f->b), FB_EVALUE);
  assert_string_equal(fb_errmsg(f->b), "number out of range");
  assert_null(number(f, "NaN")); /* numeric's NaN is no JSON number */
  assert_int_equal(fb_error(f->b), FB_EVALUE);
  assert_null(number(f, "01"));
  assert_null(number(f, "1."));
  assert_null(number(f, "-"));
  assert_int_equal(pol_facts_count(f->got), 0); /* emptied on error */
}

/* [levels] arrays inside the root object. */
static fb_status nest(fixture *f, int levels) {
  fb_begin(f->b, f->got);
  fb_open(f->b, true);
  fb_key(f->b, "a", 1);
  for (int i = 0; i < levels; i++)
    fb_open(f->b, false);
  for (int i = 0; i < levels; i++)
    fb_close(f->b);
  fb_close(f->b);
  return fb_finish(f->b);
}

static void nesting_bound_matches_the_reader(void **state) {
  fixture *f = *state;
  char text[2 * FB_MAX_DEPTH + 16];
  for (int levels = FB_MAX_DEPTH - 1; levels <= FB_MAX_DEPTH; levels++) {
    size_t n = (size_t)snprintf(text, sizeof text, "{\"a\":");
    for (int i = 0; i < levels; i++)
      text[n++] = '[';
    for (int i = 0; i < levels; i++)
      text[n++] = ']';
    text[n++] = '}';
    int rc = pol_facts_load_json(f->ref, text, n, "deep.json");
    fb_status st = nest(f, levels);
    assert_int_equal(rc == POL_OK, st == FB_OK);
    if (st != FB_OK) {
      assert_int_equal(st, FB_EDEPTH);
      assert_string_equal(fb_errmsg(f->b), "nesting too deep (limit is 512)");
    }
  }
}

static void top_level_must_be_an_object(void **state) {
  fixture *f = *state;
  fb_begin(f->b, f->got);
  assert_false(fb_open(f->b, false));
  assert_int_equal(fb_finish(f->b), FB_ESHAPE);
  assert_string_equal(fb_errmsg(f->b),
                      "facts must be a JSON object, not an array");
  fb_begin(f->b, f->got);
  assert_false(fb_string(f->b, "x", 1));
  assert_int_equal(fb_finish(f->b), FB_ESHAPE);
  assert_string_equal(fb_errmsg(f->b),
                      "facts must be a JSON object, not a string");
  fb_begin(f->b, f->got);
  assert_int_equal(fb_finish(f->b), FB_ESHAPE); /* nothing at all */
}

static void malformed_event_streams(void **state) {
  fixture *f = *state;
  fb_begin(f->b, f->got); /* a member without its key */
  fb_open(f->b, true);
  assert_false(fb_null(f->b));
  assert_int_equal(fb_finish(f->b), FB_ESHAPE);
  fb_begin(f->b, f->got); /* a key in an array */
  fb_open(f->b, true);
  fb_key(f->b, "a", 1);
  fb_open(f->b, false);
  assert_false(fb_key(f->b, "b", 1));
  assert_int_equal(fb_finish(f->b), FB_ESHAPE);
  fb_begin(f->b, f->got); /* a key without a value */
  fb_open(f->b, true);
  fb_key(f->b, "a", 1);
  assert_false(fb_close(f->b));
  assert_int_equal(fb_finish(f->b), FB_ESHAPE);
  fb_begin(f->b, f->got); /* unclosed */
  fb_open(f->b, true);
  assert_int_equal(fb_finish(f->b), FB_ESHAPE);
  fb_begin(f->b, f->got); /* two documents */
  fb_open(f->b, true);
  fb_close(f->b);
  assert_false(fb_open(f->b, true));
  assert_int_equal(fb_finish(f->b), FB_ESHAPE);
  fb_begin(f->b, f->got); /* too many closes */
  assert_false(fb_close(f->b));
}

static void bad_values(void **state) {
  fixture *f = *state;
  fb_begin(f->b, f->got);
  fb_open(f->b, true);
  fb_key(f->b, "s", 1);
  assert_false(fb_string(f->b, "\xff\xfe", 2));
  assert_int_equal(fb_finish(f->b), FB_EVALUE);
  assert_string_equal(fb_errmsg(f->b), "a string is not valid UTF-8");
  fb_begin(f->b, f->got);
  fb_open(f->b, true);
  assert_false(fb_key(f->b, "a\0b", 3));
  assert_int_equal(fb_finish(f->b), FB_EVALUE);
  fb_begin(f->b, f->got);
  fb_open(f->b, true);
  fb_key(f->b, "k", 1);
  fb_null(f->b);
  fb_key(f->b, "k", 1);
  fb_null(f->b);
  assert_false(fb_close(f->b));
  assert_int_equal(fb_finish(f->b), FB_EVALUE);
  assert_string_equal(fb_errmsg(f->b), "repeated key \"k\"");
}

/* A refused value is located by its path from the root, keys and array
 * items ("xs[2].k"), for the extension's "invalid facts: PATH: ..."; a
 * long path is cut to whole characters, and other errors have none. */
static void refused_values_have_a_path(void **state) {
  fixture *f = *state;
  char json[256];
  int i;
  assert_null(number(f, "1e400"));
  assert_string_equal(fb_errpath(f->b), "x");
  fb_begin(f->b, f->got);
  fb_open(f->b, true);
  fb_key(f->b, "ok", 2);
  fb_number(f->b, "1", 1);
  fb_key(f->b, "xs", 2);
  fb_open(f->b, false);
  fb_number(f->b, "1", 1);
  fb_open(f->b, true);
  fb_close(f->b);
  fb_open(f->b, true);
  fb_key(f->b, "k", 1);
  assert_false(fb_number(f->b, "-1e999", 6));
  assert_int_equal(fb_finish(f->b), FB_EVALUE);
  assert_string_equal(fb_errmsg(f->b), "number out of range");
  assert_string_equal(fb_errpath(f->b), "xs[2].k");
  /* 20 levels of a 10-byte key do not fit in 160 bytes: the buffer ends
   * in the middle of an "i" (bytes 157-159), which the cut drops */
  fb_begin(f->b, f->got);
  for (i = 0; i < 20; i++) {
    fb_open(f->b, true);
    fb_key(f->b, "\xe3\x81\x82\xe3\x81\x84\xe3\x81\x86x", 10);
  }
  assert_false(fb_number(f->b, "1e400", 5));
  assert_int_equal(fb_finish(f->b), FB_EVALUE);
  assert_int_equal(strlen(fb_errpath(f->b)), 157);
  /* valid UTF-8: libpol's reader takes it as a string */
  snprintf(json, sizeof json, "{\"p\": \"%s\"}", fb_errpath(f->b));
  assert_int_equal(pol_facts_load_json(f->ref, json, strlen(json), "v"),
                   POL_OK);
  /* not a value's fault: no path */
  fb_begin(f->b, f->got);
  fb_open(f->b, false);
  assert_int_equal(fb_finish(f->b), FB_ESHAPE);
  assert_string_equal(fb_errpath(f->b), "");
}

/* After a failed document the same builder and fact set work again, and
 * the metadata keys ($vendor, $withheld) are facts' business, not ours. */
static void reuse_after_an_error(void **state) {
  fixture *f = *state;
  static const char json[] =
      "{\"$vendor\":{\"name\":\"V\"},\"backup\":{\"generations\":7},"
      "\"$withheld\":[\"a.b\"]}";
  fb_begin(f->b, f->got);
  fb_open(f->b, false);
  assert_int_equal(fb_finish(f->b), FB_ESHAPE);
  fb_begin(f->b, f->got);
  fb_open(f->b, true);
  fb_key(f->b, "$vendor", 7);
  fb_open(f->b, true);
  fb_key(f->b, "name", 4);
  fb_string(f->b, "V", 1);
  fb_close(f->b);
  fb_key(f->b, "backup", 6);
  fb_open(f->b, true);
  fb_key(f->b, "generations", 11);
  fb_number(f->b, "7", 1);
  fb_close(f->b);
  fb_key(f->b, "$withheld", 9);
  fb_open(f->b, false);
  fb_string(f->b, "a.b", 3);
  fb_close(f->b);
  fb_close(f->b);
  assert_int_equal(fb_finish(f->b), FB_OK);
  assert_string_equal(fb_errmsg(f->b), "");
  assert_int_equal(pol_facts_load_json(f->ref, json, sizeof json - 1, "v"),
                   POL_OK);
  assert_same_facts(f->ref, f->got);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(random_documents_agree, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(numbers_keep_their_kind, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(nesting_bound_matches_the_reader,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(top_level_must_be_an_object, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(malformed_event_streams, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(bad_values, setup, teardown),
      cmocka_unit_test_setup_teardown(refused_values_have_a_path, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(reuse_after_an_error, setup, teardown),
  };
  return RUN_TESTS("pg_facts", tests, argc, argv);
}
