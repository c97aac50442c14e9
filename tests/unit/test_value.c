/*
 * test_value.c: equality, ordering, maps and UTF-8 of lib/value.c, and
 * the operators of lib/ops.c (overflow, division, time arithmetic).
 */
#include "harness.h"

#include <math.h>

#include "ops.h"
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

static void numbers_compare_across_kinds(void **state) {
  (void)state;
  assert_true(val_equal(val_int(1), val_uint(1)));
  assert_true(val_equal(val_int(1), val_double(1.0)));
  assert_false(val_equal(val_int(-1), val_uint(UINT64_MAX)));
  assert_false(val_equal(val_double(NAN), val_double(NAN)));
  /* CEL converts an int to double to compare: INT64_MAX becomes 2^63 */
  int c;
  assert_true(val_compare(val_int(INT64_MAX), val_double(9223372036854775808.0), &c));
  assert_int_equal(c, 0);
  assert_true(val_compare(val_uint(UINT64_MAX), val_int(-1), &c));
  assert_int_equal(c, 1);
  assert_true(val_compare(val_int(2), val_double(2.5), &c));
  assert_int_equal(c, -1);
  assert_false(val_compare(val_int(1), val_double(NAN), &c));
  assert_false(val_compare(val_int(1), val_cstring(&A, "1"), &c));
}

static void kinds_never_equal(void **state) {
  (void)state;
  assert_false(val_equal(val_int(1), val_cstring(&A, "1")));
  assert_false(val_equal(val_null(), val_bool(false)));
  assert_true(val_equal(val_null(), val_null()));
}

static void map_keys(void **state) {
  (void)state;
  val k[3] = {val_int(1), val_cstring(&A, "a"), val_bool(true)};
  val v[3] = {val_int(10), val_int(20), val_int(30)};
  val m = val_map(&A, k, v, 3);
  assert_int_equal(m.kind, V_MAP);
  assert_non_null(map_get(m.as.m, val_uint(1)));
  assert_non_null(map_get(m.as.m, val_double(1.0)));
  assert_null(map_get(m.as.m, val_double(1.5)));
  assert_int_equal(map_get(m.as.m, val_cstring(&A, "a"))->as.i, 20);
  assert_null(map_get(m.as.m, val_int(2)));
}

static void map_repeated_key_is_error(void **state) {
  (void)state;
  val k[2] = {val_int(1), val_uint(1)};
  val v[2] = {val_int(1), val_int(2)};
  val m = val_map(&A, k, v, 2);
  assert_int_equal(m.kind, V_ERROR);
  assert_int_equal(m.as.e->kind, ERR_INVALID);
  val bad = val_double(1.0);
  m = val_map(&A, &bad, v, 1);
  assert_int_equal(m.kind, V_ERROR);
}

/* A small map of string keys finds repeats by one bit per key (the low
 * 6 bits of its hash) and compares the pairs only when two keys share
 * a bit: random maps of 2 to 8 keys from a small set, so that repeats
 * and shared bits both happen, must be refused exactly when two keys
 * are equal. */
static void small_string_maps_find_repeats(void **state) {
  (void)state;
  uint64_t x = 0x9E3779B97F4A7C15u;
  int refused = 0, shared = 0;
  for (int round = 0; round < 20000; round++) {
    val k[8], v[8];
    char text[8][4];
    x = x * 6364136223846793005u + 1442695040888963407u;
    size_t n = 2 + (size_t)(x >> 61) % 7; /* 2..8: no index */
    bool repeat = false, share = false;
    for (size_t i = 0; i < n; i++) {
      x = x * 6364136223846793005u + 1442695040888963407u;
      unsigned id = (unsigned)(x >> 40) % 90; /* 90 keys: 2 letters */
      snprintf(text[i], sizeof text[i], "%c%c", 'a' + id / 10, 'a' + id % 10);
      k[i] = val_cstring(&A, text[i]);
      v[i] = val_int((int64_t)i);
      for (size_t j = 0; j < i; j++) {
        repeat |= strcmp(text[i], text[j]) == 0;
        share |= (k[i].as.s->hash & 63) == (k[j].as.s->hash & 63);
      }
    }
    val m = val_map_strings(&A, k, v, n);
    if (repeat != (m.kind == V_ERROR))
      fail_msg("round %d: %zu keys, repeat %d, got kind %d", round, n,
               repeat, m.kind);
    refused += repeat;
    shared += share && !repeat;
    arena_reset(&A);
  }
  /* both paths were taken */
  if (refused < 1000 || shared < 1000)
    fail_msg("refused %d, shared bits without a repeat %d", refused, shared);
}

static void big_map_uses_index(void **state) {
  (void)state;
  enum { N = 1000 };
  val k[N], v[N];
  for (int i = 0; i < N; i++) {
    char buf[16];
    snprintf(buf, sizeof buf, "k%d", i);
    k[i] = val_cstring(&A, buf);
    v[i] = val_int(i);
  }
  val m = val_map(&A, k, v, N);
  assert_int_equal(m.kind, V_MAP);
  assert_true(m.as.m->nbuckets >= 2 * N);
  for (int i = 0; i < N; i++)
    assert_int_equal(map_get(m.as.m, k[i])->as.i, i);
  const str *s = k[777].as.s;
  assert_int_equal(map_get_str(m.as.m, s->data, s->len, s->hash)->as.i, 777);
  k[999] = k[3];
  assert_int_equal(val_map(&A, k, v, N).kind, V_ERROR);
}

static void int_overflow_is_error(void **state) {
  (void)state;
  val r = ops_arith(&A, OP_ADD, val_int(INT64_MAX), val_int(1));
  assert_int_equal(r.as.e->kind, ERR_OVERFLOW);
  r = ops_arith(&A, OP_DIV, val_int(INT64_MIN), val_int(-1));
  assert_int_equal(r.as.e->kind, ERR_OVERFLOW);
  r = ops_arith(&A, OP_MOD, val_int(5), val_int(0));
  assert_int_equal(r.as.e->kind, ERR_DIVZERO);
  r = ops_arith(&A, OP_SUB, val_uint(0), val_uint(1));
  assert_int_equal(r.as.e->kind, ERR_OVERFLOW);
  r = ops_neg(&A, val_int(INT64_MIN));
  assert_int_equal(r.as.e->kind, ERR_OVERFLOW);
  r = ops_arith(&A, OP_ADD, val_int(1), val_uint(1));
  assert_int_equal(r.as.e->kind, ERR_OVERLOAD);
  r = ops_arith(&A, OP_DIV, val_double(1), val_double(0));
  assert_true(isinf(r.as.d));
}

static void time_arithmetic(void **state) {
  (void)state;
  val r = ops_arith(&A, OP_ADD, val_duration(1, 600000000),
                    val_duration(0, 500000000));
  assert_int_equal(r.kind, V_DURATION);
  assert_int_equal(r.as.i, 2);
  assert_int_equal(r.aux, 100000000);
  r = ops_arith(&A, OP_SUB, val_timestamp(10, 0), val_timestamp(12, 500));
  assert_int_equal(r.kind, V_DURATION);
  assert_int_equal(r.as.i, -2);
  assert_int_equal(r.aux, -500);
  r = ops_arith(&A, OP_SUB, val_timestamp(0, 0), val_duration(0, 1));
  assert_int_equal(r.as.i, -1);
  assert_int_equal(r.aux, 999999999);
  r = ops_arith(&A, OP_ADD, val_timestamp(253402300799LL, 999999999),
                val_duration(0, 1));
  assert_int_equal(r.kind, V_ERROR);
}

static void in_and_index(void **state) {
  (void)state;
  val items[2] = {val_int(1), val_cstring(&A, "x")};
  val l = val_list(&A, items, 2);
  assert_true(ops_in(&A, val_double(1.0), l).as.b);
  assert_false(ops_in(&A, val_cstring(&A, "y"), l).as.b);
  assert_int_equal(ops_index(&A, l, val_int(2)).as.e->kind, ERR_INDEX);
  assert_int_equal(ops_index(&A, l, val_uint(1)).kind, V_STRING);
  val r = ops_in(&A, val_int(1), val_int(1));
  assert_int_equal(r.as.e->kind, ERR_OVERLOAD);
}

static void utf8(void **state) {
  (void)state;
  const char *s = "日本語";
  assert_true(utf8_valid(s, strlen(s)));
  assert_int_equal(utf8_count(s, strlen(s)), 3);
  assert_false(utf8_valid("\xed\xa0\x80", 3)); /* a surrogate */
  assert_false(utf8_valid("\xc0\xaf", 2));     /* overlong */
  assert_false(utf8_valid("\xe6\x97", 2));     /* truncated */
  char out[4];
  assert_int_equal(utf8_encode(0x1F600, out), 4);
  size_t i = 0;
  assert_int_equal(utf8_decode(out, 4, &i), 0x1F600);
}

/* The residuals ask it of every path's root: the names the compiler
 * gives a value, but not error's, and no fact's. */
static void type_names_known(void **state) {
  (void)state;
  assert_true(val_is_type_name("int"));
  assert_true(val_is_type_name("map"));
  assert_true(val_is_type_name("null_type"));
  assert_true(val_is_type_name("google.protobuf.Duration"));
  assert_false(val_is_type_name("error"));
  assert_false(val_is_type_name("dyn"));
  assert_false(val_is_type_name("integer"));
  assert_false(val_is_type_name("backup"));
  assert_false(val_is_type_name(""));
}

/* utf8_count reads 8 bytes at a time: against a byte-at-a-time count
 * of the bytes that are not 10xxxxxx, over every length and offset of
 * random bytes (valid or not: size() counts what the string holds). */
static void utf8_count_by_words(void **state) {
  (void)state;
  unsigned char buf[64];
  uint64_t r = 0x9e3779b97f4a7c15u;
  for (int round = 0; round < 2000; round++) {
    for (size_t i = 0; i < sizeof buf; i++) {
      r = r * 6364136223846793005u + 1442695040888963407u;
      /* continuation bytes often, so runs of them cross words */
      buf[i] = (r >> 60) < 6 ? (unsigned char)(0x80 | ((r >> 33) & 0x3f))
                             : (unsigned char)(r >> 40);
    }
    size_t from = (size_t)round % 8, n = (size_t)round % (sizeof buf - 8);
    size_t want = 0;
    for (size_t i = 0; i < n; i++)
      want += (buf[from + i] & 0xc0) != 0x80;
    assert_int_equal(utf8_count((const char *)buf + from, n), want);
  }
}

static void deepcopy_is_independent(void **state) {
  (void)state;
  arena b;
  arena_init(&b, 0, NULL);
  val k = val_cstring(&b, "key"), v = val_cstring(&b, "value");
  val m = val_map(&b, &k, &v, 1);
  val c = val_deepcopy(&A, m);
  arena_free(&b);
  assert_string_equal(map_get(c.as.m, val_cstring(&A, "key"))->as.s->data,
                      "value");
}

static void arena_limit(void **state) {
  (void)state;
  arena small;
  arena_init(&small, 1024, NULL);
  assert_non_null(arena_alloc(&small, 512));
  assert_null(arena_alloc(&small, 1024));
  assert_true(small.failed);
  arena_reset(&small);
  assert_false(small.failed);
  assert_non_null(arena_alloc(&small, 1000));
  arena_free(&small);
}

static void arena_reset_keeps_one_big_enough_chunk(void **state) {
  (void)state;
  arena a;
  arena_init(&a, 0, NULL);
  for (int i = 0; i < 100; i++) /* 100 KB: several chunks */
    assert_non_null(arena_alloc(&a, 1000));
  assert_true(a.nchunks > 1);
  arena_reset(&a);
  size_t chunks = a.nchunks;
  for (int round = 0; round < 3; round++) { /* the same work again */
    for (int i = 0; i < 100; i++)
      assert_non_null(arena_alloc(&a, 1000));
    arena_reset(&a);
  }
  assert_int_equal(a.nchunks, chunks); /* no allocation once warm */
  arena_free(&a);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(numbers_compare_across_kinds),
      cmocka_unit_test(kinds_never_equal),
      cmocka_unit_test(map_keys),
      cmocka_unit_test(map_repeated_key_is_error),
      cmocka_unit_test(small_string_maps_find_repeats),
      cmocka_unit_test(big_map_uses_index),
      cmocka_unit_test(int_overflow_is_error),
      cmocka_unit_test(time_arithmetic),
      cmocka_unit_test(in_and_index),
      cmocka_unit_test(utf8),
      cmocka_unit_test(utf8_count_by_words),
      cmocka_unit_test(type_names_known),
      cmocka_unit_test(deepcopy_is_independent),
      cmocka_unit_test(arena_limit),
      cmocka_unit_test(arena_reset_keeps_one_big_enough_chunk),
  };
  if (argc > 1)
    cmocka_set_test_filter(argv[1]);
  return cmocka_run_group_tests_name("value", tests, setup, teardown);
}
