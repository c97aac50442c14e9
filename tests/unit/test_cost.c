/*
 * test_cost.c: the cost table of cost.h, entry by entry. Each test
 * evaluates an expression through compile + vm_run and reads the steps
 * the run took from the budget (the arena's meter), so the costs are
 * asserted exactly and no test measures time. Then the hostile inputs
 * of issue 13 (a quadratic `in`, a regex that restarts at every byte, a
 * comparison of values that share parts) end with the step-limit error
 * having done no more than the budget's worth of work.
 */
#include "harness.h"

#include <stdlib.h>

#include "compile.h"
#include "cost.h"
#include "parse.h"
#include "vm.h"

/* ==== running expressions ================================================ */

typedef struct run_result {
  uint64_t steps;   /* steps the run took */
  char msg[256];    /* the error's message, if the result is one */
} run_result;

/* The variables of the tests: big values are built here, not in source. */
static arena vars_arena;
static const map *vars;

/* A list of [n] strings "s0", "s1", ... of at least [minlen] bytes. */
static val string_list(size_t n, size_t minlen) {
  val *items = malloc(n * sizeof *items);
  char buf[4096];
  for (size_t i = 0; i < n; i++) {
    int k = snprintf(buf, sizeof buf, "s%zu", i);
    while ((size_t)k < minlen && k < (int)sizeof buf - 1)
      buf[k++] = '.';
    items[i] = val_string(&vars_arena, buf, (size_t)k);
  }
  val l = val_list(&vars_arena, items, n);
  free(items);
  return l;
}

static val repeated(char c, size_t n) {
  char *s = malloc(n);
  memset(s, c, n);
  val v = val_string(&vars_arena, s, n);
  free(s);
  return v;
}

/* 1024 bytes 'k' but the last, [last], with no hash: as the JSON reader
 * leaves a fact set's longer strings (value.h). */
static val unhashed_kilo(char last) {
  str *s = str_alloc(&vars_arena, 1024);
  memset(s->data, 'k', 1023);
  s->data[1023] = last;
  return val_from_str(V_STRING, s);
}

static int setup(void **state) {
  (void)state;
  static const char *const names[] = {"big",  "big2", "long100", "mega",
                                      "kilo", "abc",  "fact_kilo",
                                      "fact_kilx"};
  val keys[8], vals[8];
  arena_init(&vars_arena, 0, NULL);
  vals[0] = string_list(1000, 0);
  vals[1] = string_list(1000, 0);
  vals[2] = string_list(100, 160);
  vals[3] = repeated('a', 1 << 20);
  vals[4] = repeated('k', 1024);
  vals[5] = val_cstring(&vars_arena, "abc");
  vals[6] = unhashed_kilo('k');
  vals[7] = unhashed_kilo('x');
  for (size_t i = 0; i < 8; i++)
    keys[i] = val_cstring(&vars_arena, names[i]);
  val m = val_map_strings(&vars_arena, keys, vals, 8);
  vars = m.as.m;
  return 0;
}

static int teardown(void **state) {
  (void)state;
  arena_free(&vars_arena);
  return 0;
}

/* compile_expr, but with constant patterns left to PCRE2's interpreter
 * under `make valgrind` (tests/run_unit.sh sets POL_TEST_VALGRIND): the
 * JIT's vector search reads a subject's last bytes with the bytes after
 * them, whose bits it then ignores, and memcheck cannot see that they
 * are ignored (mega.matches('b') gets "conditional jump depends on
 * uninitialised value" inside the JIT's code). The cost of a search
 * does not depend on the JIT: the charge is the subject's length and
 * the callouts, which both matchers make alike. */
static program *compile(const ast *root, diag_list *d) {
  compile_opts o = {NULL, 0, NULL, 0, NULL, false};
  compiler *c = cg_new(&o, &d->a.m);
  if (!c)
    return NULL;
  const char *vg = getenv("POL_TEST_VALGRIND");
  if (vg && *vg)
    cg_no_jit(c);
  cg_entry(c, root, d);
  return cg_finish(c);
}

/* Evaluate [src] with a budget of [budget] steps (0: none). */
static run_result eval(const char *src, uint64_t budget) {
  run_result r;
  arena tree;
  diag_list d;
  memset(&r, 0, sizeof r);
  arena_init(&tree, 0, NULL);
  diag_init(&d, "t", src, strlen(src), NULL);
  ast *root = parse_expr(&tree, &d);
  program *p = root ? compile(root, &d) : NULL;
  if (!p)
    fail_msg("%s: %s", src, d.n ? d.items[0].msg : "does not compile");
  vm v;
  vm_init(&v, budget ? budget : UINT64_MAX, 0, NULL);
  val x = vm_run(&v, p, 0, vars);
  r.steps = (budget ? budget : UINT64_MAX) - v.a.steps;
  if (x.kind == V_ERROR)
    snprintf(r.msg, sizeof r.msg, "%s", x.as.e->msg);
  vm_free(&v);
  program_free(p);
  diag_free(&d);
  arena_free(&tree);
  return r;
}

/* The steps [src] takes, which must not evaluate to an error. */
static uint64_t cost(const char *src) {
  run_result r = eval(src, 0);
  if (r.msg[0])
    fail_msg("%s: %s", src, r.msg);
  return r.steps;
}

/* ==== the table ========================================================== */

static void a_loop_iteration_costs_one_step(void **state) {
  (void)state;
  assert_int_equal(cost("[1, 2, 3].all(x, x > 0)"), 3);
  /* the backward jump after each item is the charge: exists() leaves
   * the loop on item 2 without one */
  assert_int_equal(cost("[1, 2, 3].exists(x, x == 2)"), 1);
  assert_int_equal(cost("[[1, 2], [3]].all(l, l.all(x, x > 0))"), 2 + 3);
  assert_int_equal(cost("1 + 2 == 3 && 'a' < 'b'"), 0);
}

/* A body of more than 32 instructions costs one more step per 32, so
 * long straight-line code inside a loop is paid for too. */
static void a_long_loop_body_costs_by_its_length(void **state) {
  (void)state;
  char src[2048] = "[1, 2, 3].all(x, x";
  for (int i = 0; i < 40; i++) /* 80 more instructions: CONST, ADD */
    strcat(src, " + 1");
  strcat(src, " > 0)");
  uint64_t c = cost(src);
  assert_true(c >= 3 * (1 + 80 / 32));
  assert_int_equal(c % 3, 0); /* the same for every iteration */
}

static void in_costs_the_items_compared(void **state) {
  (void)state;
  assert_int_equal(cost("'absent' in big"), 1000);
  assert_int_equal(cost("'s9' in big"), 10);
  assert_int_equal(cost("'s0' in big"), 1);
  /* a map finds its key by hash */
  assert_int_equal(cost("'a' in {'a': 1, 'b': 2}"), 0);
  /* text: each item may be compared byte by byte: 1 + 160/16 a item */
  assert_int_equal(cost("long100[99] in long100"), 100 * 11);
  /* a list in a list: every item and every item inside compared
   * (cel.bind: constant operands would be folded when compiling) */
  assert_int_equal(cost("cel.bind(x, [1, 2, 3], x in [[1, 2, 4], x])"),
                   1 + 3 + 1 + 3);
}

static void equality_costs_the_items_compared(void **state) {
  (void)state;
  assert_int_equal(cost("big == big2"), 1000);
  assert_int_equal(cost("big != big2"), 1000);
  assert_int_equal(cost("big != long100"), 0); /* sizes differ */
  assert_int_equal(cost("cel.bind(m, {'a': [1, 2]}, m == {'a': [1, 2]})"),
                   1 + 2);
  assert_int_equal(cost("kilo == kilo + ''"), 1024 / 16 * 2);
  assert_int_equal(cost("kilo < kilo + 'x'"), 1024 / 16 + 1025 / 16);
  /* a fact's string without its hash costs what one with it does: the
   * bytes when equal, nothing when the hashes tell them apart */
  assert_int_equal(cost("fact_kilo == kilo"), 1024 / 16);
  assert_int_equal(cost("fact_kilx == kilo"), 0);
  assert_int_equal(cost("fact_kilx != fact_kilo"), 0);
  assert_true(eval("fact_kilx != fact_kilo && fact_kilo == kilo", 0).msg[0] ==
              '\0');
}

static void calls_cost_the_size_of_their_arguments(void **state) {
  (void)state;
  assert_int_equal(cost("mega.contains('b')"), (1 << 20) / 16);
  assert_int_equal(cost("kilo.startsWith('k')"), 1024 / 16);
  assert_int_equal(cost("size(kilo) == 1024"), 1024 / 16);
  assert_int_equal(cost("size(big) == 1000"), 0); /* a count, no scan */
  /* join: its list; size: the 4889 bytes of "s0,s1,...,s999" */
  assert_int_equal(cost("big.join(',').size() == 4889"), 1000 + 4889 / 16);
  assert_int_equal(cost("math.greatest([1, 2, 3]) == 3"), 3);
  assert_int_equal(cost("optional.of(big).hasValue()"), 0);
  assert_int_equal(cost("size(kilo + kilo) == 2048"), 128 + 128);
  assert_int_equal(cost("size(big + big2) == 2000"), 2000);
}

static void format_costs_what_it_prints(void **state) {
  (void)state;
  /* the argument list (1), then the list printed (1000 items) */
  uint64_t c = cost("'%s'.format([big]).size() > 0");
  assert_true(c >= 1001);
}

static void a_named_time_zone_costs_a_file_read(void **state) {
  (void)state;
  /* timestamp() reads its 20 bytes of text: 1 step */
  const char *t = "timestamp('2024-01-01T00:00:00Z')";
  char src[256];
  snprintf(src, sizeof src, "%s.getHours('Asia/Tokyo') == 9", t);
  assert_int_equal(cost(src), 1 + COST_ZONE);
  snprintf(src, sizeof src, "%s.getHours('+09:00') == 9", t);
  assert_int_equal(cost(src), 1);
  snprintf(src, sizeof src, "%s.getHours('UTC') == 0", t);
  assert_int_equal(cost(src), 1);
}

/* A search costs its subject (1 per 16 bytes) and each pattern item the
 * matcher enters (a callout). */
static void a_regex_costs_its_subject_and_its_work(void **state) {
  (void)state;
  uint64_t small = cost("abc.matches('^a')");
  assert_true(small >= 1 && small <= 4);
  uint64_t scan = cost("mega.matches('b')"); /* one byte sought, memchr */
  assert_true(scan >= (1 << 20) / 16 && scan <= (1 << 20) / 16 + 4);
  /* a pattern made at run time: compiled per call, and charged for it */
  assert_true(cost("abc.matches('^a' + '')") > small);
  /* a counted repetition makes every item dearer */
  assert_true(cost("abc.matches('^a{1,100}')") >
              cost("abc.matches('^a{1,2}')"));
}

/* ==== hostile inputs ===================================================== */

static void assert_limited(run_result r, uint64_t budget) {
  char want[96];
  snprintf(want, sizeof want, "more than %llu steps",
           (unsigned long long)budget);
  assert_non_null(strstr(r.msg, want));
  assert_int_equal(r.steps, budget); /* the budget, and nothing more */
}

/* all(c, c in L) over two lists of 10^5 items: 5 * 10^9 comparisons
 * unbounded (28 s in issue 13); here the budget ends it. */
static void a_quadratic_in_stops_at_the_budget(void **state) {
  (void)state;
  run_result r = eval("big.all(c, c in big2) && "
                      "[big, big, big, big].all(l, l.all(c, c in l))",
                      100000);
  assert_limited(r, 100000);
}

/* .{0,1000}[bc] over a megabyte: PCRE2's own limit restarts at each of
 * the 10^6 start positions (15 s a call); the callouts stop it. */
static void a_regex_restarting_at_every_byte_stops(void **state) {
  (void)state;
  assert_limited(eval("mega.matches('.{0,1000}[bc]')", 1000000),
                 1000000);
  assert_limited(eval("matches(mega, '.{0,1000}[bc]' + '')", 1000000),
                 1000000);
  assert_limited(eval("mega.matches('a{1000}[bc]')", 1000000), 1000000);
}

/* Nested lists that share their parts: 8^7 leaves from a few bytes of
 * source. Comparing or printing them is metered item by item. */
static void values_that_share_parts_stop(void **state) {
  (void)state;
  const char *dag = "cel.bind(a, [1, 2, 3, 4, 5, 6, 7, 8], "
                    "cel.bind(b, [a, a, a, a, a, a, a, a], "
                    "cel.bind(c, [b, b, b, b, b, b, b, b], "
                    "cel.bind(d, [c, c, c, c, c, c, c, c], "
                    "cel.bind(e, [d, d, d, d, d, d, d, d], "
                    "cel.bind(f, [e, e, e, e, e, e, e, e], "
                    "cel.bind(g, [f, f, f, f, f, f, f, f], %s)))))))";
  char src[1024];
  snprintf(src, sizeof src, dag, "g == g");
  assert_limited(eval(src, 100000), 100000);
  snprintf(src, sizeof src, dag, "g in [1, g]");
  assert_limited(eval(src, 100000), 100000);
  snprintf(src, sizeof src, dag, "'%s'.format([g]).size() > 0");
  assert_limited(eval(src, 100000), 100000);
  /* the result itself: whoever gets it prints or copies it whole */
  snprintf(src, sizeof src, dag, "g");
  assert_limited(eval(src, 100000), 100000);
  snprintf(src, sizeof src, dag, "optional.of(g)");
  assert_limited(eval(src, 100000), 100000);
  assert_int_equal(cost("cel.bind(a, [1, 2], [a, a, 'x'])"), 3 + 2 + 2);
}

/* A limit hit inside an operation cannot be absorbed: || true does not
 * turn it into a value, and the run reports the limit. */
static void a_spent_budget_is_not_absorbed(void **state) {
  (void)state;
  assert_limited(eval("'absent' in big || true", 500), 500);
  assert_limited(eval("true && ('absent' in big) == false", 500), 500);
  run_result r = eval("false && 'absent' in big", 500);
  assert_int_equal(r.msg[0], '\0'); /* short-circuited: never ran */
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(a_loop_iteration_costs_one_step),
      cmocka_unit_test(a_long_loop_body_costs_by_its_length),
      cmocka_unit_test(in_costs_the_items_compared),
      cmocka_unit_test(equality_costs_the_items_compared),
      cmocka_unit_test(calls_cost_the_size_of_their_arguments),
      cmocka_unit_test(format_costs_what_it_prints),
      cmocka_unit_test(a_named_time_zone_costs_a_file_read),
      cmocka_unit_test(a_regex_costs_its_subject_and_its_work),
      cmocka_unit_test(a_quadratic_in_stops_at_the_budget),
      cmocka_unit_test(a_regex_restarting_at_every_byte_stops),
      cmocka_unit_test(values_that_share_parts_stop),
      cmocka_unit_test(a_spent_budget_is_not_absorbed),
  };
  (void)argc;
  (void)argv;
  if (argc > 1)
    cmocka_set_test_filter(argv[1]);
  return cmocka_run_group_tests_name("cost", tests, setup, teardown);
}
