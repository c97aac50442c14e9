/*
 * test_compile.c: the compiler's output, through the disassembler:
 * which opcodes a construct emits, constant folding, name resolution,
 * the stack-depth and local-slot bookkeeping, and compile errors.
 */
#include "harness.h"

#include <stdlib.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "compile.h"
#include "parse.h"
#include "pol.h"
#include "regex.h"
#include "vm.h"

typedef struct built {
  arena ast;
  diag_list d;
  program *p;
  sbuf listing;
} built;

/* Compile [src] with the declared [vars]; the listing goes to b->listing. */
static program *build(built *b, const char *src, const char *const *vars,
                      size_t nvars) {
  memset(b, 0, sizeof *b);
  arena_init(&b->ast, 0, NULL);
  diag_init(&b->d, "t", src, strlen(src), NULL);
  sb_init(&b->listing, NULL);
  ast *root = parse_expr(&b->ast, &b->d);
  b->p = root ? compile_expr(root, &b->d, vars, nvars) : NULL;
  if (b->p) {
    program_disasm(b->p, &b->listing);
    sb_putc(&b->listing, '\0');
  }
  return b->p;
}

static void done(built *b) {
  program_free(b->p);
  diag_free(&b->d);
  arena_free(&b->ast);
  sb_free(&b->listing);
}

static bool lists(const built *b, const char *needle) {
  return b->listing.p && strstr(b->listing.p, needle) != NULL;
}

static void field_path_is_loadvar_then_select(void **state) {
  (void)state;
  built b;
  assert_non_null(build(&b, "backup.generations >= 7", NULL, 0));
  assert_true(lists(&b, "LOADVAR    0\t; \"backup\""));
  assert_true(lists(&b, "SELECT     1\t; \"generations\""));
  assert_true(lists(&b, "GE"));
  assert_int_equal(b.p->maxstack, 2);
  done(&b);
}

static void declared_dotted_name_is_one_variable(void **state) {
  (void)state;
  built b;
  const char *vars[] = {"a.b.c"};
  assert_non_null(build(&b, "a.b.c + 1", vars, 1));
  assert_true(lists(&b, "LOADVAR    0\t; \"a.b.c\""));
  assert_false(lists(&b, "SELECT"));
  done(&b);
}

static void literal_lists_and_maps_fold_to_constants(void **state) {
  (void)state;
  built b;
  assert_non_null(build(&b, "x in ['JP', 'US', {'k': [1, 2u]}]", NULL, 0));
  assert_true(lists(&b, "CONST      1\t; [\"JP\", \"US\", {\"k\": [1, 2u]}]"));
  assert_false(lists(&b, "LIST"));
  done(&b);
}

static void constant_subtrees_fold(void **state) {
  (void)state;
  built b;
  assert_non_null(build(&b, "x == 'a' + 'b' + string(1) && 2 * 3 + 1 > 6", NULL, 0));
  assert_true(lists(&b, "; \"ab\""));
  assert_true(lists(&b, "; true")); /* 2 * 3 + 1 > 6 */
  assert_false(lists(&b, "MUL"));
  done(&b);
  /* a failing operation stays for run time, with its location */
  assert_non_null(build(&b, "1 / 0 > 0 || true", NULL, 0));
  assert_true(lists(&b, "DIV"));
  done(&b);
}

static void constants_are_shared(void **state) {
  (void)state;
  built b;
  assert_non_null(build(&b, "x.a == 'a' && x.a == 'a'", NULL, 0));
  assert_int_equal(b.p->nconsts, 2); /* "x" and "a" once each */
  done(&b);
}

static void and_short_circuit_jumps_to_the_end(void **state) {
  (void)state;
  built b;
  assert_non_null(build(&b, "a && b", NULL, 0));
  assert_true(lists(&b, "ANDSC      2\t; to 4"));
  assert_true(lists(&b, "0003   1:1   AND"));
  done(&b);
}

static void macro_uses_local_slots_and_a_loop(void **state) {
  (void)state;
  built b;
  assert_non_null(build(&b, "[1, 2].all(x, [3].exists(y, y > x))", NULL, 0));
  assert_true(lists(&b, "ITER_INIT  0"));
  assert_true(lists(&b, "ITER_INIT  5")); /* the inner macro's slots */
  assert_true(lists(&b, "BRK_FALSE"));
  assert_true(lists(&b, "BRK_TRUE"));
  assert_int_equal(b.p->nlocals, 10);
  done(&b);
}

static void type_names_are_constants(void **state) {
  (void)state;
  built b;
  assert_non_null(build(&b, "type(1) == int && google.protobuf.Duration != "
                            "null_type", NULL, 0));
  assert_true(lists(&b, "; int"));
  assert_true(lists(&b, "; google.protobuf.Duration"));
  assert_false(lists(&b, "LOADVAR"));
  done(&b);
}

/* Every type's name denotes it, and a name that only starts like one
 * (compile.c's type_denotation checks the first byte before the whole
 * name) is a fact. */
static void every_type_name_is_a_constant(void **state) {
  (void)state;
  for (int t = 0; t < T_DYN; t++) {
    if (t == V_ERROR)
      continue;
    char want[64];
    snprintf(want, sizeof want, "; %s\n", val_type_name(t));
    built b;
    assert_non_null(build(&b, val_type_name(t), NULL, 0));
    assert_true(lists(&b, want));
    assert_false(lists(&b, "LOADVAR"));
    done(&b);
  }
  const char *facts[] = {"integer", "in_t", "maps", "types", "googl"};
  for (size_t i = 0; i < sizeof facts / sizeof *facts; i++) {
    built b;
    assert_non_null(build(&b, facts[i], NULL, 0));
    assert_true(lists(&b, "LOADVAR"));
    done(&b);
  }
}

static void unknown_function_is_a_runtime_error(void **state) {
  (void)state;
  built b;
  assert_non_null(build(&b, "nosuch(1) || true", NULL, 0));
  assert_true(lists(&b, "ERROR      0\t; \"unknown function 'nosuch'\""));
  done(&b);
}

static void qualified_function_names(void **state) {
  (void)state;
  built b;
  assert_non_null(build(&b, "math.greatest(1, 2)", NULL, 0));
  assert_true(lists(&b, "math.greatest/2"));
  done(&b);
  const char *vars[] = {"math"}; /* a variable named math wins */
  assert_non_null(build(&b, "math.greatest(1, 2)", vars, 1));
  assert_true(lists(&b, "unknown method 'greatest'"));
  done(&b);
  assert_non_null(build(&b, "math.sqrt(4.0)", NULL, 0));
  assert_true(lists(&b, "unknown function 'math.sqrt'"));
  done(&b);
}

static void expect_error(const char *src, const char *msg, unsigned col) {
  built b;
  assert_null(build(&b, src, NULL, 0));
  assert_true(b.d.n >= 1);
  if (!strstr(b.d.items[0].msg, msg))
    fail_msg("%s: got '%s'", src, b.d.items[0].msg);
  assert_int_equal(b.d.items[0].sp.col, col);
  done(&b);
}

static void compile_errors(void **state) {
  (void)state;
  expect_error("size(1, 2)", "function 'size' takes 1 argument, got 2", 1);
  expect_error("1 + has(x[0])", "has() needs a field selection", 9);
  expect_error("[1].all(x, has(x))", "is a macro's variable", 16);
  expect_error("[1].all(1, true)", "expected a variable name here", 9);
  expect_error("a.B{c: 1}", "message construction", 1);
  expect_error("cel.index(0)", "outside its cel.block", 1);
  expect_error("cel.block(1, 2)", "needs a list literal", 11);
  expect_error("x.matches(\"a(b\")", "missing closing parenthesis", 11);
  expect_error("matches(x, \"(a)\\\\1\")", "backreferences are not "
               "supported", 12);
}

static void every_local_is_released(void **state) {
  (void)state;
  built b;
  /* nested binds and macros: slots are reused, not accumulated */
  assert_non_null(build(&b, "cel.bind(a, 1, a) + cel.bind(b, 2, b) + "
                            "[1].map(x, x)[0] + [1].map(y, y)[0]", NULL, 0));
  assert_int_equal(b.p->nlocals, 5);
  done(&b);
}

/* A constant pattern is compiled to machine code where PCRE2 has a JIT,
 * unless cg_no_jit asked for the interpreter (POL_NO_JIT). */
static void no_jit_leaves_patterns_interpreted(void **state) {
  (void)state;
  static const char *const vars[] = {"x"};
  const char *src = "x.matches(\"^a+b$\")";
  uint32_t has_jit = 0;
  pcre2_config(PCRE2_CONFIG_JIT, &has_jit);
  for (int no_jit = 0; no_jit < 2; no_jit++) {
    arena a;
    diag_list d;
    arena_init(&a, 0, NULL);
    diag_init(&d, "t", src, strlen(src), NULL);
    ast *root = parse_expr(&a, &d);
    compile_opts o = {vars, 1, NULL, 0, NULL, false};
    compiler *c = cg_new(&o, NULL);
    assert_non_null(c);
    if (no_jit)
      cg_no_jit(c);
    cg_entry(c, root, &d);
    program *p = cg_finish(c);
    assert_non_null(p);
    assert_int_equal(p->nrx, 1);
    assert_int_equal(rx_jitted(p->rx[0]), has_jit && !no_jit);
    program_free(p);
    diag_free(&d);
    arena_free(&a);
  }
}

/* A program to be thrown away (cg_no_texts: lint's constants) keeps its
 * sources' names, not their texts: lint compiled each constant of each
 * rule alone, and copied the whole policy (and every module its lets
 * came from) into each (2,000 rules with a list constant each: 4.7 G
 * instructions of memcpy). The value is the same either way. */
static void throwaway_programs_keep_no_texts(void **state) {
  (void)state;
  const char *src = "// a policy's worth of text before the constant\n"
                    "[\"a\", \"b\"] + [\"c\"]";
  for (int no_texts = 0; no_texts < 2; no_texts++) {
    arena a;
    diag_list d;
    arena_init(&a, 0, NULL);
    diag_init(&d, "t.pol", src, strlen(src), NULL);
    ast *root = parse_expr(&a, &d);
    compile_opts o = {NULL, 0, NULL, 0, NULL, false};
    compiler *c = cg_new(&o, NULL);
    assert_non_null(c);
    if (no_texts)
      cg_no_texts(c);
    cg_entry(c, root, &d);
    program *p = cg_finish(c);
    assert_non_null(p);
    assert_int_equal(p->nsrcs, 1);
    assert_string_equal(p->srcs[0].name, "t.pol");
    assert_int_equal(p->srcs[0].len, no_texts ? 0 : strlen(src));
    assert_int_equal(strlen(p->srcs[0].text), no_texts ? 0 : strlen(src));
    vm v;
    vm_init(&v, 1000, 1 << 20, NULL);
    val x = vm_run(&v, p, 0, NULL);
    assert_int_equal(x.kind, V_LIST);
    assert_int_equal(x.as.l->n, 3);
    vm_free(&v);
    program_free(p);
    diag_free(&d);
    arena_free(&a);
  }
}

/* Whether a subtree is constant is asked of each operator before its
 * operands are compiled; each asking walked the operands down to their
 * first name, so ((x + 1) + 1) + ... N deep (what a residual makes of a
 * chain of N lets) cost N^2 / 2 steps: 8,000 lets, 0.29 G instructions.
 * Deep answers are remembered for the entry: about 33 steps a level. */
static void deep_trees_are_not_folded_again_per_level(void **state) {
  (void)state;
  enum { DEPTH = 5000 };
  static const char *const vars[] = {"x"};
  arena a;
  diag_list d;
  arena_init(&a, 0, NULL);
  diag_init(&d, "t", "x", 1, NULL);
  span sp = {0};
  ast *t = ast_new(&a, AST_IDENT, sp);
  t->name = "x";
  for (int i = 0; i < DEPTH; i++) {
    ast *one = ast_new(&a, AST_INT_LIT, sp), *add = ast_new(&a, AST_BINARY, sp);
    one->lit.i = 1;
    add->op = AST_OP_ADD;
    assert_true(ast_push(&a, add, t) && ast_push(&a, add, one));
    t = add;
  }
  compile_opts o = {vars, 1, NULL, 0, NULL, false};
  compiler *c = cg_new(&o, NULL);
  assert_non_null(c);
  cg_entry(c, t, &d);
  assert_true(cg_const_steps(c) < 40 * (uint64_t)DEPTH); /* not 12.5 M */
  program *p = cg_finish(c);
  assert_non_null(p);
  val k = val_cstring(&a, "x"), v = val_int(2);
  const map *m = val_map(&a, &k, &v, 1).as.m;
  vm run;
  vm_init(&run, 1000000, 1 << 20, NULL);
  val x = vm_run(&run, p, 0, m);
  assert_int_equal(x.kind, V_INT);
  assert_int_equal(x.as.i, DEPTH + 2);
  vm_free(&run);
  program_free(p);
  diag_free(&d);
  arena_free(&a);
}

/* POL_NO_JIT through the API: an env takes the flag, and matches()
 * gives what it gives with the JIT (which rx_search calls directly). */
static void no_jit_env_matches_alike(void **state) {
  (void)state;
  for (int no_jit = 0; no_jit < 2; no_jit++) {
    pol_config cfg;
    pol_config_init(&cfg);
    cfg.flags = no_jit ? POL_NO_JIT : 0;
    pol_env *env = NULL;
    assert_int_equal(pol_env_new(&cfg, &env), POL_OK);
    pol_program *prog = NULL;
    const char *e = "'aab'.matches('^a+b$') && !'aabx'.matches('^a+b$') && "
                    "!'b'.matches('^a+b$')";
    assert_int_equal(pol_compile_expr(env, e, strlen(e), NULL, NULL, &prog),
                     POL_OK);
    pol_ctx *ctx = NULL;
    assert_int_equal(pol_ctx_new(env, &ctx), POL_OK);
    const pol_value *v = NULL;
    assert_int_equal(pol_eval(ctx, prog, NULL, &v), POL_OK);
    assert_int_equal(pol_value_type(v), POL_T_BOOL);
    assert_true(pol_value_bool(v));
    pol_ctx_free(ctx);
    pol_program_free(prog);
    pol_env_free(env);
  }
}

/* A constant pattern that is plain text is searched as contains does
 * (regex.c, is_plain); each gives what PCRE2 gives for the same pattern
 * made at run time (`+ ''`, compiled per call), and what it should. */
static void plain_patterns_match_as_pcre2_does(void **state) {
  (void)state;
  static const struct {
    const char *subject, *pattern;
    bool want;
  } cases[] = {
      {"'日本マイクロソフト株式会社'", "'株式会社'", true},
      {"'Stripe, Inc.'", "'株式会社'", false},
      {"'a.c'", "r'\\.'", true},
      {"'abc'", "r'\\.'", false},
      {"'abc'", "'.'", true},           /* an operator: PCRE2 */
      {"'x(y)'", "r'\\(y\\)'", true},
      {"'a+b'", "r'a\\+b'", true},
      {"'aab'", "r'a\\+b'", false},
      {"''", "''", true},
      {"'abc'", "''", true},
      {"''", "'a'", false},
      {"'ab'", "'abc'", false},
      {"'c:\\\\x'", "r'\\\\x'", true}, /* an escaped backslash */
      {"'AbC'", "'abc'", false},        /* case counts */
      {"'tab\there'", "'\there'", true},
  };
  pol_env *env = NULL;
  assert_int_equal(pol_env_new(NULL, &env), POL_OK);
  pol_ctx *ctx = NULL;
  assert_int_equal(pol_ctx_new(env, &ctx), POL_OK);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    for (int runtime = 0; runtime < 2; runtime++) {
      char e[160];
      snprintf(e, sizeof e, "%s.matches(%s%s)", cases[i].subject,
               cases[i].pattern, runtime ? " + ''" : "");
      pol_program *prog = NULL;
      assert_int_equal(pol_compile_expr(env, e, strlen(e), NULL, NULL, &prog),
                       POL_OK);
      const pol_value *v = NULL;
      assert_int_equal(pol_eval(ctx, prog, NULL, &v), POL_OK);
      assert_int_equal(pol_value_type(v), POL_T_BOOL);
      if (pol_value_bool(v) != cases[i].want)
        fail_msg("%s gave %d", e, !cases[i].want);
      pol_program_free(prog);
    }
  pol_ctx_free(ctx);
  pol_env_free(env);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(field_path_is_loadvar_then_select),
      cmocka_unit_test(declared_dotted_name_is_one_variable),
      cmocka_unit_test(literal_lists_and_maps_fold_to_constants),
      cmocka_unit_test(constant_subtrees_fold),
      cmocka_unit_test(constants_are_shared),
      cmocka_unit_test(and_short_circuit_jumps_to_the_end),
      cmocka_unit_test(macro_uses_local_slots_and_a_loop),
      cmocka_unit_test(type_names_are_constants),
      cmocka_unit_test(every_type_name_is_a_constant),
      cmocka_unit_test(unknown_function_is_a_runtime_error),
      cmocka_unit_test(qualified_function_names),
      cmocka_unit_test(compile_errors),
      cmocka_unit_test(every_local_is_released),
      cmocka_unit_test(no_jit_leaves_patterns_interpreted),
      cmocka_unit_test(no_jit_env_matches_alike),
      cmocka_unit_test(throwaway_programs_keep_no_texts),
      cmocka_unit_test(deep_trees_are_not_folded_again_per_level),
      cmocka_unit_test(plain_patterns_match_as_pcre2_does),
  };
  return RUN_TESTS("compile", tests, argc, argv);
}
