/*
 * test_vm.c: opcode semantics through compile + vm_run: the branch and
 * short-circuit paths with errors, iteration over lists and maps, the
 * list and map builders, the step budget at its exact edge, the
 * instruction index stamped into errors, and superinstructions that
 * change nothing of these.
 */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "json.h"
#include "opcodes.h"
#include "parse.h"
#include "vm.h"

static char out[4096];
/* The variables run_code() binds: a JSON object, or NULL for none. */
static const char *vars_json;

/* [src] parsed into [tree] (diagnostics into [d], which the caller
 * frees with the tree) and compiled: NULL when it does not compile. */
static program *compile_src(arena *tree, diag_list *d, const char *src) {
  arena_init(tree, 0, NULL);
  diag_init(d, "t", src, strlen(src), NULL);
  ast *root = parse_expr(tree, d);
  return root ? compile_expr(root, d, NULL, 0) : NULL;
}

/* Evaluate [src] with a budget of [steps]; print the result
 * (or "error(...)") into out and return it. */
static const char *run_code(const char *src, uint64_t steps,
                            int32_t *err_loc, bool fused) {
  arena tree;
  diag_list d;
  program *p = compile_src(&tree, &d, src);
  if (p && !fused) { /* run the code as compiled, without them */
    mem_free(&p->a.m, p->xcode);
    p->xcode = NULL;
  }
  if (!p) {
    snprintf(out, sizeof out, "compile error: %s", d.n ? d.items[0].msg : "?");
  } else {
    vm v;
    val vars = val_null();
    vm_init(&v, steps, 0, NULL);
    if (vars_json)
      assert_true(json_parse(&tree, vars_json, strlen(vars_json), &vars,
                             NULL));
    val r = vm_run(&v, p, 0, vars.kind == V_MAP ? vars.as.m : NULL);
    sbuf b;
    sb_init(&b, NULL);
    if (r.kind == V_ERROR) { /* its message as a reader sees it */
      sb_puts(&b, "error(\"");
      vm_err_describe(&b, r.as.e, p);
      sb_puts(&b, "\")");
    } else {
      val_print(&b, r);
    }
    sb_putc(&b, '\0');
    snprintf(out, sizeof out, "%s", b.p);
    if (err_loc)
      *err_loc = r.kind == V_ERROR ? r.as.e->loc : -2;
    sb_free(&b);
    vm_free(&v);
  }
  program_free(p);
  diag_free(&d);
  arena_free(&tree);
  return out;
}

static const char *run_limited(const char *src, uint64_t steps,
                               int32_t *err_loc) {
  return run_code(src, steps, err_loc, true);
}

static const char *run(const char *src) {
  return run_limited(src, 1000000, NULL);
}

static void branch_with_error_test_yields_the_error(void **state) {
  (void)state;
  assert_string_equal(run("(1 / 0 > 0) ? 1 : 2"),
                      "error(\"division by zero\")");
  assert_string_equal(run("true ? 1 : 1 / 0"), "1");
  assert_string_equal(run("false ? 1 / 0 : 2"), "2");
  assert_string_equal(run("1 ? 2 : 3"), "error(\"no matching overload for "
                                        "'_?_:_' applied to (int)\")");
}

static void logic_absorbs_errors_both_ways(void **state) {
  (void)state;
  assert_string_equal(run("1 / 0 > 0 || true"), "true");
  assert_string_equal(run("true || 1 / 0 > 0"), "true");
  assert_string_equal(run("1 / 0 > 0 && false"), "false");
  assert_string_equal(run("1 / 0 > 0 || false"), "error(\"division by zero\")");
  assert_string_equal(run("1 && true"), "error(\"no matching overload for "
                                        "'_&&_' applied to (int, bool)\")");
  assert_string_equal(run("!(1 / 0 > 0) || true"), "true");
}

static void iteration_over_maps_visits_keys_in_order(void **state) {
  (void)state;
  assert_string_equal(run("{'b': 1, 'a': 2}.map(k, k)"), "[\"b\", \"a\"]");
  assert_string_equal(run("{'b': 1, 'a': 2}.all(k, v, v > 0)"), "true");
  assert_string_equal(run("[5, 6].transformList(i, v, i * 10 + v)"),
                      "[5, 16]");
  /* has() keeps a hint per instruction, as x.f does: maps of other
   * shapes, where it is wrong, still answer right */
  assert_string_equal(run("[{'a': 1, 'b': 2}, {'b': 3}, {'c': 1}, {}, "
                          "{'c': 1, 'b': 0}].map(m, has(m.b))"),
                      "[true, true, false, false, true]");
  assert_string_equal(run("1.all(x, true)"),
                      "error(\"cannot iterate over a value of type 'int'\")");
}

static void quantifiers_absorb_errors(void **state) {
  (void)state;
  assert_string_equal(run("[0, 1].all(x, 1 / x > 1)"), "false");
  assert_string_equal(run("[1, 0].exists(x, 1 / x == 1)"), "true");
  assert_string_equal(run("[1, 0].all(x, 1 / x == 1)"),
                      "error(\"division by zero\")");
  assert_string_equal(run("[1, 0].exists_one(x, 1 / x == 1)"),
                      "error(\"division by zero\")");
  assert_string_equal(run("[1, 2, 1].exists_one(x, x == 1)"), "false");
}

static void builders_grow(void **state) {
  (void)state;
  const char *src = "[1,2,3,4,5,6,7,8,9,10].map(a, [1,2,3,4,5,6,7,8,9,10]"
                    ".map(b, a * b)).map(l, l[9]).filter(x, x % 20 == 0)";
  assert_string_equal(run(src), "[20, 40, 60, 80, 100]");
  assert_string_equal(run("{'a': 1, 'b': 2}.transformMap(k, v, v * 2)"),
                      "{\"a\": 2, \"b\": 4}");
  assert_string_equal(run("[?optional.none(), ?optional.of(1), 2]"),
                      "[1, 2]");
  assert_string_equal(run("{?'a': optional.none(), 'b': 1}"), "{\"b\": 1}");
  /* an optional select inside a list is not an optional element */
  assert_string_equal(run("[{'b': 1}.?b]"), "[optional.of(1)]");
  assert_string_equal(run("[?{'b': 1}.?b]"), "[1]");
  assert_string_equal(run("optional.none().value()"),
                      "error(\"optional.none() dereference\")");
  assert_string_equal(run("{'a': 1, 'a': 2}"),
                      "error(\"map literal has a repeated key\")");
}

static void step_budget_edge(void **state) {
  (void)state;
  /* three elements: three backward jumps */
  assert_string_equal(run_limited("[1, 2, 3].all(x, x > 0)", 3, NULL),
                      "true");
  int32_t at;
  run_limited("[1, 2, 3].all(x, x > 0)", 2, &at);
  assert_non_null(strstr(out, "more than 2 steps"));
  assert_true(at >= 0);
}

static void errors_carry_their_instruction(void **state) {
  (void)state;
  int32_t at;
  run_limited("size([1]) + x", 10, &at);
  assert_string_equal(out, "error(\"no such key or variable: 'x'\")");
  assert_int_equal(at, 2); /* CONST CALL LOADVAR */
}

static void int_fast_paths_agree_with_slow_paths(void **state) {
  (void)state;
  assert_string_equal(run("9223372036854775807 + 1"),
                      "error(\"integer overflow\")");
  assert_string_equal(run("-9223372036854775808 + -1"),
                      "error(\"integer overflow\")");
  assert_string_equal(run("5 >= 5 && !(4 >= 5) && 2u >= 1u"), "true");
  /* < <= > >= of two ints (the VM's) against an int and a double
   * (ops_compare's), over every pair of a few ints */
  assert_string_equal(
      run("[-3, -1, 0, 1, 2].all(a, [-3, -1, 0, 1, 2].all(b, "
          "(a < b) == (a < double(b)) && (a <= b) == (a <= double(b)) && "
          "(a > b) == (a > double(b)) && (a >= b) == (a >= double(b))))"),
      "true");
  assert_string_equal(run("1 < 2 && 2 <= 2 && 3 > 2 && !(2 > 2)"), "true");
  assert_string_equal(run("1 < 'a'"), "error(\"no matching overload for "
                                      "'_<_' applied to (int, string)\")");
}

/* The message of the result of running [p] in [v], into out. */
static const char *run_in(vm *v, const program *p) {
  val r = vm_run(v, p, 0, NULL);
  sbuf b;
  sb_init(&b, NULL);
  if (r.kind == V_ERROR) {
    sb_printf(&b, "at %d: ", r.as.e->loc);
    vm_err_describe(&b, r.as.e, p);
  } else {
    val_print(&b, r);
  }
  sb_putc(&b, '\0');
  snprintf(out, sizeof out, "%s", b.p);
  sb_free(&b);
  return out;
}

/* y's error when [n] absent errors come before it, in two runs of one
 * vm: "at PC: message". */
static void absent_after(int n) {
  char src[1024] = "(";
  for (int i = 0; i < n; i++) /* all absorbed by the true */
    snprintf(src + strlen(src), sizeof src - strlen(src), "x%d == 1 || ",
             i);
  strcat(src, "true) && y == 1");
  arena tree;
  diag_list d;
  program *p = compile_src(&tree, &d, src);
  assert_non_null(p);
  uint32_t at = 0; /* the LOADVAR of y */
  while (INS_OP(p->code[at]) != OP_LOADVAR ||
         strcmp(p->consts[INS_A(p->code[at])].as.s->data, "y") != 0)
    at++;
  char want[64];
  snprintf(want, sizeof want, "at %u: no such key or variable: 'y'", at);
  vm v;
  vm_init(&v, 0, 0, NULL);
  for (int run = 0; run < 2; run++)
    assert_string_equal(run_in(&v, p), want);
  vm_free(&v);
  program_free(p);
  diag_free(&d);
  arena_free(&tree);
}

/* Absent errors come from the vm's pool, then from the arena: in the
 * pool, past it, and in a second run of the same vm, each is made
 * afresh and located at its own instruction. */
static void absent_errors_past_the_pool(void **state) {
  (void)state;
  absent_after(0);
  absent_after(3);
  absent_after(VM_ABSENT_POOL - 1);
  absent_after(VM_ABSENT_POOL + 2);
}

/* [src] gives the same result, error message, error location and step
 * limit with superinstructions as without, at every budget up to one
 * that suffices (the budget is charged the same way: opcodes.h). */
static void same_without_fusion(const char *src) {
  static char fused[sizeof out];
  for (uint64_t steps = 1; steps <= 64; steps *= 2) {
    int32_t loc1 = -3, loc2 = -3; /* a compile error sets neither */
    snprintf(fused, sizeof fused, "%s", run_code(src, steps, &loc1, true));
    run_code(src, steps, &loc2, false);
    if (strcmp(fused, out) != 0 || loc1 != loc2)
      fail_msg("%s at %llu steps: %s (at %d) fused, %s (at %d) not", src,
               (unsigned long long)steps, fused, loc1, out, loc2);
  }
}

static bool fused_seen[OP__XCOUNT];

/* How many instructions of [src] run fused (each kind is marked seen). */
static int fused_count(const char *src) {
  arena tree;
  diag_list d;
  program *p = compile_src(&tree, &d, src);
  int n = 0;
  for (uint32_t pc = 0; p && p->xcode && pc < p->ncode; pc++)
    if (INS_OP(p->xcode[pc]) >= OP__COUNT) {
      fused_seen[INS_OP(p->xcode[pc])] = true;
      n++;
    }
  program_free(p);
  diag_free(&d);
  arena_free(&tree);
  return n;
}

static void superinstructions_change_nothing(void **state) {
  (void)state;
  /* each superinstruction, on its good and its error paths */
  static const char *const srcs[] = {
      "[1, 2, 3].filter(x, x == 2)",
      "[1, 2, 3].exists(x, x != 2)",
      "['a', 'b'].map(x, x == 'b')",
      "[1, 'a'].map(x, x == 1)",
      "[{'a': 1}].map(m, [m, m][0].a)",
      "[{'a': 1}, {'b': 2}].map(m, m.a == 1)",
      "[{'a': 1}].all(m, m.a != 2 && [m, m][1].a == 1)",
      "cel.bind(m, {'k': {'j': 5}}, m.k.j == 5)",
      "x.y == 1",
      "x.y.z",
      "[[1], [2, 3]].map(l, [l, l][1][0] == 1)",
      "{'a': {'b': 1}, 'c': {}}.map(k, {'a': {'b': 1}, 'c': {}}[k].b)",
      "{'a': {'b': 1}}.all(k, {'a': {'b': 1}}[k].b == 1)",
      "[1.0, 2.0].filter(d, d == 2)",
      "[[1], [1]].all(l, l == [1])",
      "range.size() == 0",
      "[1, 2, 3].filter(x, x >= 2).size()",
      "size([1, 'a', 3].filter(x, x == 1 || x > 2))",
  };
  int fused = 0;
  for (size_t i = 0; i < sizeof srcs / sizeof srcs[0]; i++) {
    same_without_fusion(srcs[i]);
    fused += fused_count(srcs[i]);
  }
  assert_true(fused >= 10); /* the cases above do run fused, */
  assert_true(fused_count("x.y == 1") == 2); /* LOADVAR_SELECT, CONST_EQ */
  /* ITEM and ITEM_SELECT: m[k] in a loop over the variable m, on its
   * fast path and on each way off it (a list's index or item, a key
   * missing, a selection that fails, an empty map) */
  static const char *const items[] = {
      "m.filter(k, m[k].b == 1)",
      "m.map(k, m[k].b)",
      "m.all(k, m[k] != 0)",
      "m.exists(k, m[k].c == 1 || has(m[k].c))",
      "l.map(x, l[x])",
      "l.all(i, x, l[i] == x)",
      "n.map(k, n[k] + 1)",
      "n.map(k, n[k].b)",
      "m.map(k, m[k]).size() + m.filter(k, k == 'a').map(k, m[k].b)[0]",
      "o.map(k, o[k])",
      "m.filter(k, m[k].b == 1).size()",
      "n.filter(k, n[k].b == 1).size()",
  };
  vars_json = "{\"m\": {\"a\": {\"b\": 1}, \"c\": {\"b\": 2}, "
              "\"d\": {}}, \"l\": [1, 0, 2], \"n\": {\"1\": 5, "
              "\"2\": 6}, \"o\": {}}";
  for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
    same_without_fusion(items[i]);
    (void)fused_count(items[i]);
  }
  for (int op = OP__COUNT; op < OP__XCOUNT; op++) /* every kind */
    if (!fused_seen[op])
      fail_msg("no superinstruction %d in the cases", op);
  assert_string_equal(
      run_code("m.filter(k, k != 'd' && m[k].b == 2)", 1000, NULL, true),
      "[\"c\"]");
  vars_json = NULL;
  /* and every example of the expression goldens */
  static const char *const files[] = {"tests/golden/expr/edges.cel",
                                      "tests/golden/expr/limits.cel",
                                      "tests/golden/expr/oracle.cel"};
  size_t n = 0;
  for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
    FILE *in = fopen(files[f], "r");
    assert_non_null(in);
    char line[4096];
    while (fgets(line, sizeof line, in)) {
      char *mark = strstr(line, "// =>");
      if (!mark || mark == line)
        continue;
      *mark = '\0';
      same_without_fusion(line);
      n++;
    }
    fclose(in);
  }
  assert_true(n > 50);
}

/* An interrupt callback that stops the run at its [*user]-th poll. */
static int stop_at_poll(void *user) {
  int *n = user;
  return --*n == 0;
}

/* The host's interrupt for traced_run(): 0, none; else the poll that
 * stops the run. */
static int interrupt_at;

/* One traced run of [p] over [vars] with [steps]: "result @loc; trace"
 * into [buf], the trace as (what, kind, container, entry) per entry. */
static void traced_run(const program *p, const map *vars, uint64_t steps,
                       char *buf, size_t cap) {
  vm v;
  int polls = interrupt_at;
  vm_init(&v, steps, 0, NULL);
  v.tracing = true;
  if (interrupt_at) {
    v.interrupt = stop_at_poll;
    v.interrupt_user = &polls;
  }
  val r = vm_run(&v, p, 0, vars);
  sbuf b;
  sb_init(&b, NULL);
  if (r.kind == V_ERROR) {
    sb_printf(&b, "error @%d: ", r.as.e->loc);
    vm_err_describe(&b, r.as.e, p);
  } else {
    val_print(&b, r);
  }
  sb_printf(&b, "; %llu steps left, %u polls, %zu noted",
            (unsigned long long)v.a.steps, v.polls, v.ntrace);
  for (size_t i = 0; i < v.ntrace && i < 200; i++)
    sb_printf(&b, "; %d %d %p %u", v.trace[i].what, v.trace[i].okind,
              v.trace[i].obj, v.trace[i].entry);
  sb_putc(&b, '\0');
  snprintf(buf, cap, "%s", b.p);
  sb_free(&b);
  vm_free(&v);
}

/* [src] over the facts [json] counts its filter (COUNT_INIT, COUNT_ADD,
 * COUNT_END, and COUNT_EQ: [want] of them) and gives the same result,
 * error location and trace (facts read, missing; the steps left and the
 * host's polls) with the counters as with the list, at every step
 * budget from 1 to [max_steps]: the step limit is hit at the same
 * place. */
static void counts_as_listed(const char *src, const char *json, int want,
                             uint64_t max_steps) {
  arena tree;
  diag_list d;
  program *p = compile_src(&tree, &d, src);
  assert_non_null(p);
  int n = 0;
  for (uint32_t pc = 0; pc < p->ncode; pc++)
    n += INS_OP(p->xcode[pc]) >= OP_COUNT_EQ &&
         INS_OP(p->xcode[pc]) <= OP_COUNT_END;
  if (n != want)
    fail_msg("%s: %d counting superinstructions, not %d", src, n, want);
  val facts;
  assert_true(json_parse(&tree, json, strlen(json), &facts, NULL));
  val_adopt(facts.as.m);
  static char fused[8192], plain[8192];
  uint32_t *x = p->xcode;
  for (uint64_t steps = 1; steps <= max_steps; steps++) {
    p->xcode = x;
    traced_run(p, facts.as.m, steps, fused, sizeof fused);
    p->xcode = NULL;
    traced_run(p, facts.as.m, steps, plain, sizeof plain);
    if (strcmp(fused, plain) != 0)
      fail_msg("%s at %llu steps:\n  %s counted,\n  %s listed", src,
               (unsigned long long)steps, fused, plain);
  }
  p->xcode = x;
  program_free(p);
  diag_free(&d);
  arena_free(&tree);
}

/* x.filter(v, t).size() counts instead of making the list: the same
 * results on the fast path and off it (a test that errs, that is no
 * bool, a range that is no list or map, or missing), nested, and as
 * size(x.filter(...)); a filter whose list is used is left alone. */
static void counted_filters_change_nothing(void **state) {
  (void)state;
  const char *facts =
      "{\"m\": {\"a\": {\"b\": \"x\"}, \"c\": {\"b\": \"y\"}, "
      "\"d\": {\"b\": \"x\"}, \"e\": {}}, \"l\": [1, 2, 3, 4, 5, 6, "
      "7, 8, 9, 10, 11, 12], \"s\": \"str\", \"ll\": [[1, 2], [3], "
      "[]]}";
  counts_as_listed("m.filter(k, m[k].b == 'x').size()", facts, 4, 300);
  counts_as_listed("size(m.filter(k, m[k].b == 'x'))", facts, 4, 300);
  counts_as_listed("m.filter(k, k != 'e').filter(k, m[k].b == 'x').size()",
                   facts, 3, 300); /* the first list is used: only the second */
  counts_as_listed("m.filter(k, m[k].b == 'y').size() == 1", facts, 4, 300);
  counts_as_listed("m.filter(k, m[k].nosuch == 1).size()", facts, 4, 300);
  counts_as_listed("m.filter(k, m[k].b + 1 == 2).size()", facts, 3, 300);
  counts_as_listed("m.filter(k, m[k]).size()", facts, 3, 300); /* no bool */
  counts_as_listed("m.filter(k, has(m[k].b)).size()", facts, 3, 300);
  counts_as_listed("l.filter(i, i % 2 == 0).size() + l.filter(i, i > 3)"
                   ".size()", facts, 6, 300);
  counts_as_listed("l.filter(i, i > 3).size() > l.filter(i, i < 2)"
                   ".size() || l.filter(i, 1 / (i - 5) > 0).size() == 0",
                   facts, 9, 300);
  counts_as_listed("ll.filter(x, x.filter(y, y > 1).size() > 0).size()",
                   facts, 6, 300);
  counts_as_listed("l.map(i, i, i).size()", facts, 3, 300);
  counts_as_listed("s.filter(c, true).size()", facts, 3, 300); /* no range */
  counts_as_listed("nosuch.filter(c, true).size()", facts, 3, 300);
  counts_as_listed("nosuch.x.filter(c, c.y == 1).size() + 1", facts, 3, 300);
  counts_as_listed("l.filter(i, i > 3)", facts, 0, 300);
  counts_as_listed("l.filter(i, i > 3).size() + l.filter(i, i > 3)[0]",
                   facts, 3, 300);
  counts_as_listed("l.map(i, i * 2).size()", facts, 0, 300);
  counts_as_listed("l.exists_one(i, i == 3)", facts, 0, 300);
  /* NEXT_ITEM: the loop's own entry, traced the same, as ITEM and as
   * ITEM_SELECT, over a map and (the slow way) a list */
  counts_as_listed("m.all(k, m[k].b == 'x')", facts, 0, 300);
  counts_as_listed("m.exists(k, m[k].b == 'y' && k == 'c')", facts, 0, 300);
  counts_as_listed("m.map(k, m[k])", facts, 0, 300);
  counts_as_listed("m.map(k, m[k].b)", facts, 0, 300);
  counts_as_listed("l.map(i, l[i % 12])", facts, 0, 300);
}

/* COUNT_EQ, the whole loop of m.filter(k, m[k].f == c).size() in one
 * dispatch: the same as its words at every budget, when an item makes
 * it leave an iteration to them (a double, a long string without a
 * hash, no map, the field missing) and take the next one back, with a
 * host interrupt, and over a loop of 3,000 items. */
static void count_eq_changes_nothing(void **state) {
  (void)state;
  const char *facts =
      "{\"m\": {\"a\": {\"b\": \"x\"}, \"h\": {\"b\": 1.5}, "
      "\"c\": {\"b\": \"x\"}, \"i\": {\"b\": \"a string longer than "
      "sixteen bytes\"}, \"j\": {\"b\": \"y\"}, \"d\": {\"b\": \"x\"}}, "
      "\"n\": {\"a\": {\"v\": 2}, \"b\": {\"v\": 3}, \"c\": {\"v\": 2}, "
      "\"d\": {\"v\": 2.0}}, \"o\": {\"a\": {\"b\": \"x\"}, \"e\": {}, "
      "\"c\": {\"b\": \"x\"}}, \"p\": {\"a\": {\"b\": \"x\"}, \"s\": "
      "\"str\", \"c\": {\"b\": \"x\"}}, \"q\": {}}";
  counts_as_listed("m.filter(k, m[k].b == 'x').size()", facts, 4, 300);
  counts_as_listed("m.filter(k, m[k].b == 'a string longer than sixteen "
                   "bytes').size()", facts, 4, 300);
  counts_as_listed("n.filter(k, n[k].v == 2).size()", facts, 4, 300);
  counts_as_listed("o.filter(k, o[k].b == 'x').size()", facts, 4, 300);
  counts_as_listed("p.filter(k, p[k].b == 'x').size()", facts, 4, 300);
  counts_as_listed("q.filter(k, q[k].b == 'x').size()", facts, 4, 300);
  counts_as_listed("size(m.filter(k, m[k].b == 'x')) + n.filter(k, "
                   "n[k].v == 2).size()", facts, 8, 300);
  counts_as_listed("m.filter(k, m[k].b == 1.5).size()", facts, 3, 300);
  /* 3,000 items: the host is polled every 1,024 iterations */
  sbuf big;
  sb_init(&big, NULL);
  sb_puts(&big, "{\"m\": {");
  for (int i = 0; i < 3000; i++)
    sb_printf(&big, "%s\"k%d\": {\"b\": \"%s\"}", i ? ", " : "", i,
              i % 7 ? "x" : "y");
  sb_puts(&big, "}}");
  sb_putc(&big, '\0');
  counts_as_listed("m.filter(k, m[k].b == 'y').size()", big.p, 4, 40);
  for (interrupt_at = 1; interrupt_at <= 3; interrupt_at++)
    counts_as_listed("m.filter(k, m[k].b == 'y').size()", big.p, 4, 40);
  interrupt_at = 0;
  sb_free(&big);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(branch_with_error_test_yields_the_error),
      cmocka_unit_test(logic_absorbs_errors_both_ways),
      cmocka_unit_test(iteration_over_maps_visits_keys_in_order),
      cmocka_unit_test(quantifiers_absorb_errors),
      cmocka_unit_test(builders_grow),
      cmocka_unit_test(step_budget_edge),
      cmocka_unit_test(errors_carry_their_instruction),
      cmocka_unit_test(int_fast_paths_agree_with_slow_paths),
      cmocka_unit_test(superinstructions_change_nothing),
      cmocka_unit_test(counted_filters_change_nothing),
      cmocka_unit_test(count_eq_changes_nothing),
      cmocka_unit_test(absent_errors_past_the_pool),
  };
  return RUN_TESTS("vm", tests, argc, argv);
}
