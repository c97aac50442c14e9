/*
 * test_suggest.c: the nearness rule of every "did you mean" (suggest.c)
 * and its public face, pol_suggest().
 */
#include "harness.h"

#include <stdint.h>

#include "pol.h"
#include "suggest.h"

static void distance_counts_edits(void **state) {
  (void)state;
  assert_int_equal(suggest_distance("", ""), 0);
  assert_int_equal(suggest_distance("abc", ""), 3);
  assert_int_equal(suggest_distance("kitten", "sitting"), 3);
  assert_int_equal(suggest_distance("generation", "generations"), 1);
  assert_int_equal(suggest_distance("genreations", "generations"), 1);
  assert_int_equal(suggest_distance("startswith", "startsWith"), 0);
  char longer[SUGGEST_MAX_LEN + 2];
  memset(longer, 'a', sizeof longer - 1);
  longer[sizeof longer - 1] = '\0';
  assert_true(suggest_distance(longer, "a") == SIZE_MAX);
}

static const char *best_of(const char *word, const char *const *c,
                           size_t n) {
  suggest s;
  suggest_init(&s, word);
  for (size_t i = 0; i < n; i++)
    suggest_offer(&s, c[i]);
  return suggest_best(&s);
}

static void nearest_near_enough_wins(void **state) {
  (void)state;
  static const char *const lets[] = {"allowed_data_countries",
                                     "min_backup_generations", "has_backup"};
  assert_string_equal(best_of("allowed_data_country", lets, 3),
                      "allowed_data_countries");
  assert_string_equal(best_of("has_bakup", lets, 3), "has_backup");
  assert_null(best_of("review_date", lets, 3));
  static const char *const sev[] = {"must", "should", "may"};
  assert_string_equal(best_of("mustt", sev, 3), "must");
  assert_string_equal(best_of("shuld", sev, 3), "should");
  assert_null(best_of("x", sev, 3));
  /* the word itself is not a suggestion; ties keep the first */
  static const char *const same[] = {"abcd", "abce", "abcf"};
  assert_string_equal(best_of("abcd", same, 3), "abce");
}

static void public_wrapper(void **state) {
  (void)state;
  static const char *const keys[] = {"name", "facts", "expect"};
  assert_string_equal(pol_suggest("expected", keys, 3), "expect");
  assert_null(pol_suggest("zzz", keys, 3));
  assert_null(pol_suggest(NULL, keys, 3));
  assert_null(pol_suggest("x", NULL, 0));
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(distance_counts_edits),
      cmocka_unit_test(nearest_near_enough_wins),
      cmocka_unit_test(public_wrapper),
  };
  return RUN_TESTS("suggest", tests, argc, argv);
}
