/*
 * test_dump.c: saved policies (lib/dump.c, lib/undump.c, lib/verify.c).
 *
 * A saved policy must behave exactly as the compiled one (every verdict,
 * message and report of examples/policies/procurement.pol over the five
 * example vendors) and save again to the same bytes. Then hostile input:
 * every truncation and every single-byte change of a small policy, both
 * as damaged (the checksum catches them) and re-sealed with a correct
 * checksum (the section reader and the verifier must), and hand-made
 * programs that break one rule of the verifier each. A file that still
 * loads is run against fact sets, so under ASan or valgrind any hole in
 * the verifier shows up as a crash here, not in a user's process.
 *
 * Run from the repository root (as `make check` does): it reads the
 * example policy and vendors and docs/bytecode.md from the tree.
 */
#include "harness.h"

#include <dirent.h>
#include <stdlib.h>

#include "dump.h"
#include "handles.h"
#include "opcodes.h"
#include "pol.h"
#include "verify.h"

/* A small policy that still uses almost every opcode, a header, a fact
 * schema with allowed values and nested types, refs, when, messages and
 * ask: small, so trying every byte of it stays fast. (Not ERROR: a
 * policy that calls an unknown function does not compile.) */
static const char small_src[] =
    "policy \"t\" { title \"テスト\" version \"1\" }\n"
    "fact backup.generations: int in [5, 7] \"世代数\"\n"
    "fact tags: list(map(string, int))\n"
    "let want = 7\n"
    "rule gens {\n"
    "  title \"世代\"\n"
    "  severity should\n"
    "  refs [\"A 1\", \"B 2\"]\n"
    "  when has(backup.generations)\n"
    "  require backup.generations >= want || "
    "[1, 2u, 3.5, b\"x\", {\"k\": null}].size() == 5\n"
    "  message \"have {backup.generations}, want {want}\"\n"
    "  ask \"how many?\"\n"
    "}\n"
    "should loops: tags.all(t, t.exists(k, v, v > 0)) ? "
    "tags.exists_one(t, size(t) == 1) : "
    "tags.map(x, x).filter(y, size(y) > 0).size() == 0\n"
    "may opts: [?optional.none(), 1, {\"a\": tags}.?a.orValue([]).size()]"
    ".size() + {?\"a\": optional.none(), \"b\": 1}.size() >= "
    "cel.bind(z, 2, z * 1) && tags.transformMap(i, m, i > 0, m).size() >= 0\n"
    "must notes: optional.of(tags).optMap(t, size(t)).orValue(0) >= 0 && "
    "!(\"x\" in tags.map(t, string(t)))\n"
    "must misc: -backup.generations - 1 < 0 && tags[0] != null && "
    "tags[?1].hasValue() && 7 / backup.generations % 2 <= 1\n";

static const char *const small_facts[] = {
    "{\"backup\": {\"generations\": 5}, \"tags\": [{\"a\": 1}, "
    "{\"b\": 0, \"c\": 2}]}",
    "{\"tags\": \"nope\"}",
    "{\"backup\": {\"generations\": 0}, \"tags\": []}",
};
#define NSMALL (sizeof small_facts / sizeof small_facts[0])

static const char procurement[] = "examples/policies/procurement.pol";
static const char *const vendors[] = {
    "examples/vendors/chatwork-secure-samba.json",
    "examples/vendors/crise-cloudbot.json",
    "examples/vendors/cybozu-china.json",
    "examples/vendors/rakus-chatdealer.json",
    "examples/vendors/synergy-crm.json",
};
#define NVENDORS (sizeof vendors / sizeof vendors[0])

typedef struct fixture {
  pol_env *env;
  pol_ctx *ctx;
  pol_facts *facts[NVENDORS > NSMALL ? NVENDORS : NSMALL];
  size_t nfacts;
} fixture;

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  pol_config cfg;
  pol_config_init(&cfg);
  cfg.max_steps = 100000; /* a damaged loop ends quickly */
  cfg.max_memory = (size_t)16 << 20;
  if (!f || pol_env_new(&cfg, &f->env) || pol_ctx_new(f->env, &f->ctx))
    return -1;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  for (size_t i = 0; i < f->nfacts; i++)
    pol_facts_free(f->facts[i]);
  pol_ctx_free(f->ctx);
  pol_env_free(f->env);
  free(f);
  return 0;
}

static void load_small_facts(fixture *f) {
  for (size_t i = 0; i < NSMALL; i++) {
    assert_pol_ok(f, pol_facts_new(f->env, &f->facts[i]));
    assert_int_equal(pol_facts_load_json(f->facts[i], small_facts[i],
                                         strlen(small_facts[i]), "v"),
                     POL_OK);
  }
  f->nfacts = NSMALL;
}

static pol_policy *compile_small(fixture *f) {
  pol_policy *pol = NULL;
  assert_pol_ok(f, pol_policy_compile(f->env, small_src, strlen(small_src),
                                      "small.pol", &pol));
  return pol;
}

static void *save(fixture *f, const pol_policy *pol, size_t *len) {
  void *data = NULL;
  assert_pol_ok(f, pol_policy_save(pol, &data, len));
  assert_non_null(data);
  return data;
}

/* Every report of [pol] over the fact sets of [f], as one text: the
 * text, JSON and questions renderings and every accessor's answer. */
static char *everything(fixture *f, const pol_policy *pol) {
  pol_report *rep;
  assert_pol_ok(f, pol_report_new(pol, POL_UNKNOWN_FAIL, &rep));
  for (size_t i = 0; i < f->nfacts; i++)
    assert_pol_ok(f, pol_check(f->ctx, rep, f->facts[i], "vendor"));
  sbuf b;
  sb_init(&b, NULL);
  for (int fmt = POL_FORMAT_TEXT; fmt <= POL_FORMAT_QUESTIONS; fmt++)
    sb_puts(&b, pol_report_render(rep, fmt, 0));
  for (size_t i = 0; i < f->nfacts; i++)
    for (size_t r = 0; r < pol_policy_rule_count(pol); r++) {
      const char *m = pol_report_message(rep, i, r);
      const char *why = pol_report_reason(rep, i, r);
      sb_printf(&b, "%zu %zu %s %s %s %s %zu %zu\n", i, r,
                pol_report_verdict(rep, i, r), pol_policy_rule_id(pol, r),
                m ? m : "-", why ? why : "-",
                pol_report_fact_count(rep, i, r),
                pol_report_missing_count(rep, i, r));
    }
  pol_report_free(rep);
  sb_putc(&b, '\0');
  assert_false(b.oom);
  return b.p;
}

/* ==== the checksum ======================================================= */

/* The definition, a bit at a time. */
static uint32_t crc_bits(const unsigned char *s, size_t n) {
  uint32_t crc = 0xffffffffu;
  for (size_t i = 0; i < n; i++) {
    crc ^= s[i];
    for (int k = 0; k < 8; k++)
      crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
  }
  return ~crc;
}

static void crc32_matches_the_standard(void **state) {
  (void)state;
  assert_int_equal(dump_crc32("123456789", 9), 0xcbf43926u);
  assert_int_equal(dump_crc32("", 0), 0);
  unsigned char buf[5000];
  uint32_t x = 1;
  for (size_t i = 0; i < sizeof buf; i++) /* any bytes will do */
    buf[i] = (unsigned char)((x = x * 1103515245u + 12345u) >> 16);
  for (size_t n = 2040; n <= sizeof buf; n += 321) /* both code paths */
    assert_int_equal(dump_crc32(buf + 3, n - 3), crc_bits(buf + 3, n - 3));
}

/* ==== round trips ======================================================== */

static char *read_file(const char *path, size_t *len) {
  FILE *fp = fopen(path, "rb");
  if (!fp)
    fail_msg("%s: cannot open (run from the repository root)", path);
  fseek(fp, 0, SEEK_END);
  long n = ftell(fp);
  fseek(fp, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
  fclose(fp);
  buf[n] = '\0';
  *len = (size_t)n;
  return buf;
}

/* [text] without what a saved policy does not keep, in place: the
 * stamp (whose policy hash is of the source, or of the saved bytes) and
 * the `when` text of SKIPPED rules (not in the bytecode format). */
static char *comparable(char *text) {
  char *tail = strstr(text, "\nStamp\n");
  if (tail)
    *tail = '\0';
  char *w, *out = text;
  for (char *line = text; line && *line; line = w ? w + 1 : NULL) {
    w = strchr(line, '\n');
    size_t n = w ? (size_t)(w - line) + 1 : strlen(line);
    if (!strstr(line, "not applicable: when ") ||
        (w && strstr(line, "not applicable: when ") > w)) {
      memmove(out, line, n);
      out += n;
    }
  }
  *out = '\0';
  return text;
}

/* Save [pol], load it back, and check that the two agree on everything
 * and that the loaded one saves to the same bytes. */
static void round_trip(fixture *f, pol_policy *pol) {
  char msg[512];
  assert_int_equal(verify_policy(POLICY(pol), msg, sizeof msg), POL_OK);
  size_t len, len2;
  void *data = save(f, pol, &len);
  assert_true(pol_is_saved_policy(data, len));
  pol_policy *back;
  assert_pol_ok(f, pol_policy_load(f->env, data, len, "t.polc", &back));
  assert_int_equal(pol_policy_rule_count(back), pol_policy_rule_count(pol));
  char *want = everything(f, pol), *got = everything(f, back);
  assert_string_equal(comparable(got), comparable(want));
  void *again = save(f, back, &len2);
  assert_int_equal(len2, len);
  assert_memory_equal(again, data, len);
  free(want);
  free(got);
  free(again);
  free(data);
  pol_policy_free(back);
}

static void procurement_round_trip(void **state) {
  fixture *f = *state;
  pol_policy *pol;
  assert_pol_ok(f, pol_policy_compile_file(f->env, procurement, &pol));
  for (size_t i = 0; i < NVENDORS; i++) {
    assert_pol_ok(f, pol_facts_new(f->env, &f->facts[i]));
    f->nfacts = i + 1;
    if (pol_facts_load_file(f->facts[i], vendors[i]) != POL_OK)
      fail_msg("%s", pol_facts_errmsg(f->facts[i]));
  }
  round_trip(f, pol);
  pol_policy_free(pol);
}

static void small_round_trip(void **state) {
  fixture *f = *state;
  load_small_facts(f);
  pol_policy *pol = compile_small(f);
  round_trip(f, pol);
  /* no rules at all is a policy too */
  pol_policy *empty;
  assert_pol_ok(f, pol_policy_compile(f->env, "", 0, "empty.pol", &empty));
  round_trip(f, empty);
  pol_policy_free(empty);
  pol_policy_free(pol);
}

/* The line and column of each rule's and let's text, counted again when
 * a saved policy is loaded (undump.c, on from the expression before):
 * the same as the compiler's, for rules over several lines and after
 * kana and kanji on their line, and for the lets, which the file holds
 * after the rules though their text comes before. */
static void expression_places_survive_loading(void **state) {
  fixture *f = *state;
  static const char src[] =
      "let min = 7\n"
      "let region = [\"JP\"]\n"
      "must a \"世代\": backup.generations >= min\n"
      "\n"
      "rule b { title \"国内\" severity should\n"
      "  when backup.enabled\n"
      "  require data.region in region }\n"
      "must c \"あいう\": size(\"かきく\") == 3 && x.y == 1\n"
      "let late = 1\n"
      "must e \"e\": late == 1\n";
  pol_policy *pol, *back;
  assert_pol_ok(f, pol_policy_compile(f->env, src, strlen(src), "p.pol",
                                      &pol));
  size_t len;
  void *data = save(f, pol, &len);
  assert_pol_ok(f, pol_policy_load(f->env, data, len, "p.polc", &back));
  const policy *a = POLICY(pol), *b = POLICY(back);
  assert_int_equal(a->nrules, 4);
  assert_int_equal(b->nrules, a->nrules);
  for (uint32_t i = 0; i < a->nrules; i++) {
    const expr_src *x[2] = {&a->rules[i].when_at, &a->rules[i].require_at};
    const expr_src *y[2] = {&b->rules[i].when_at, &b->rules[i].require_at};
    for (int k = 0; k < 2; k++) {
      if (x[k]->src == EXPR_NO_SRC) /* no `when` */
        continue;
      assert_int_equal(y[k]->line, x[k]->line);
      assert_int_equal(y[k]->col, x[k]->col);
    }
  }
  assert_int_equal(a->rules[2].require_at.line, 8); /* after kana */
  assert_int_equal(a->rules[2].require_at.col, 15);
  assert_true(a->nlets >= 3);
  assert_int_equal(b->nlets, a->nlets);
  for (uint32_t i = 0; i < a->nlets; i++) {
    assert_int_equal(b->lets[i].at.line, a->lets[i].at.line);
    assert_int_equal(b->lets[i].at.col, a->lets[i].at.col);
  }
  free(data);
  pol_policy_free(back);
  pol_policy_free(pol);
}

/* [pol] saved in the older format [version] and loaded again: what a
 * policy saved by an earlier release gives after an upgrade. */
static pol_policy *load_as(fixture *f, const pol_policy *pol,
                           uint32_t version) {
  char msg[256];
  sbuf b;
  sb_init(&b, NULL);
  assert_int_equal(dump_policy_as(POLICY(pol), version, &b, msg, sizeof msg),
                   POL_OK);
  assert_int_equal((unsigned char)b.p[8], version);
  pol_policy *back = NULL;
  assert_pol_ok(f, pol_policy_load(f->env, b.p, b.len, "old.polc", &back));
  sb_free(&b);
  return back;
}

/* Which lets and facts are derived, and which facts the prelude
 * declared, survive loading: a policy that declares no fact of its own
 * (only the prelude's derived facts) declares no schema, loaded or not,
 * so pol_validate (and `policyc test`) check no facts against it; and a
 * derived fact's residual is its expression (residual_text.c). */
static void derived_and_prelude_facts_survive_loading(void **state) {
  fixture *f = *state;
  static const char src[] = "must r: data.region == \"JP\"\n"
                            "fact my.level: int = a.level + 1\n"
                            "must s: my.level > 1\n";
  pol_policy *pol, *back;
  assert_pol_ok(f, pol_policy_compile(f->env, src, strlen(src), "p.pol",
                                      &pol));
  size_t len;
  void *data = save(f, pol, &len);
  assert_pol_ok(f, pol_policy_load(f->env, data, len, "p.polc", &back));
  const policy *a = POLICY(pol), *b = POLICY(back);
  assert_true(a->nfacts >= 4); /* the prelude's three, my.level */
  assert_int_equal(a->nquiet, a->nfacts);
  assert_int_equal(b->nfacts, a->nfacts);
  assert_int_equal(b->nquiet, a->nquiet);
  for (uint32_t i = 0; i < a->nfacts; i++) {
    assert_int_equal(b->facts[i].derived, a->facts[i].derived);
    assert_int_equal(b->facts[i].prelude, a->facts[i].prelude);
  }
  assert_int_equal(b->nlets, a->nlets);
  bool some = false;
  for (uint32_t i = 0; i < a->nlets; i++) {
    assert_int_equal(b->lets[i].derived, a->lets[i].derived);
    some |= a->lets[i].derived;
  }
  assert_true(some);
  static const char facts[] = "{\"x\": 1}";
  size_t n;
  const char *problems;
  assert_int_equal(pol_validate(f->env, pol, facts, strlen(facts), "f",
                                &n, &problems), POL_EINVAL);
  assert_int_equal(pol_validate(f->env, back, facts, strlen(facts), "f",
                                &n, &problems), POL_EINVAL);
  /* format 5 has neither flag: it loads, with both read as 0 */
  pol_policy *v5 = load_as(f, pol, 5);
  assert_int_equal(POLICY(v5)->nquiet, 0);
  for (uint32_t i = 0; i < POLICY(v5)->nlets; i++)
    assert_false(POLICY(v5)->lets[i].derived);
  pol_policy_free(v5);
  free(data);
  pol_policy_free(back);
  pol_policy_free(pol);
}

/* A rule's ask borrowed from a derived fact (policy.c derived_asks)
 * stays marked so when saved: it asks only for the facts that derived
 * fact reads (questions.c), loaded or not. Format 6 has no rule flags:
 * it loads with the ask read as the rule's own. */
static void borrowed_asks_survive_loading(void **state) {
  fixture *f = *state;
  static const char src[] = "must r: data_region == \"JP\" || x\n"
                            "rule own {\n"
                            "  require data_region == \"JP\"\n"
                            "  ask \"mine\"\n"
                            "}\n";
  pol_policy *pol, *back, *v6;
  assert_pol_ok(f, pol_policy_compile(f->env, src, strlen(src), "p.pol",
                                      &pol));
  const policy *a = POLICY(pol);
  assert_true(a->rules[0].ask_derived);
  assert_non_null(a->rules[0].ask);
  assert_false(a->rules[1].ask_derived);
  size_t len;
  void *data = save(f, pol, &len);
  assert_pol_ok(f, pol_policy_load(f->env, data, len, "p.polc", &back));
  assert_true(POLICY(back)->rules[0].ask_derived);
  assert_string_equal(POLICY(back)->rules[0].ask, a->rules[0].ask);
  assert_false(POLICY(back)->rules[1].ask_derived);
  v6 = load_as(f, pol, 6);
  assert_false(POLICY(v6)->rules[0].ask_derived);
  assert_string_equal(POLICY(v6)->rules[0].ask, a->rules[0].ask);
  pol_policy_free(v6);
  free(data);
  pol_policy_free(back);
  pol_policy_free(pol);
}

/* ==== damaged files ====================================================== */

/* Load [data]; a file that loads must work: check every fact set with
 * it, and (when [again]) save it and load that again. Returns the
 * status. */
static int try_load(fixture *f, const void *data, size_t len, bool again) {
  pol_policy *pol = NULL;
  int rc = pol_policy_load(f->env, data, len, "bad.polc", &pol);
  if (rc != POL_OK) {
    assert_int_equal(rc, POL_EFORMAT);
    assert_null(pol);
    assert_true(strlen(pol_env_errmsg(f->env)) > 10);
    return rc;
  }
  free(everything(f, pol));
  if (again) {
    size_t n;
    void *copy = save(f, pol, &n);
    pol_policy *back = NULL;
    assert_pol_ok(f, pol_policy_load(f->env, copy, n, "again.polc", &back));
    pol_policy_free(back);
    free(copy);
  }
  pol_policy_free(pol);
  return rc;
}

static void reseal(unsigned char *p, size_t len) {
  uint32_t crc = dump_crc32(p, len - 4);
  for (int i = 0; i < 4; i++)
    p[len - 4 + (size_t)i] = (unsigned char)(crc >> (8 * i));
}

/* Format 4 (DUMP_OLDEST: no fact labels) still loads, so a policy
 * stored as 4 (a PostgreSQL column) survives an upgrade; a policy
 * with labels cannot be written as 4; 3 is refused. */
static void format_4_still_loads(void **state) {
  fixture *f = *state;
  load_small_facts(f);
  static const char src[] =
      "fact tags: list(string) in [\"a\", \"b\"] \"tags\"\n"
      "fact backup.generations: int \"gens\"\n"
      "must g \"世代\": backup.generations >= 7\n";
  pol_policy *pol = NULL;
  assert_pol_ok(f, pol_policy_compile(f->env, src, strlen(src), "v4.pol",
                                      &pol));
  pol_policy *back = load_as(f, pol, 4);
  char *want = everything(f, pol), *got = everything(f, back);
  assert_string_equal(comparable(got), comparable(want));
  free(want);
  free(got);
  pol_policy_free(back);
  char msg[256];
  sbuf b;
  sb_init(&b, NULL);
  assert_int_equal(dump_policy_as(POLICY(pol), 4, &b, msg, sizeof msg),
                   POL_OK);
  unsigned char *old = (unsigned char *)b.p;
  old[8] = 3; /* a format before the oldest read */
  reseal(old, b.len);
  assert_int_equal(try_load(f, old, b.len, true), POL_EFORMAT);
  assert_non_null(strstr(pol_env_errmsg(f->env), "format version 3"));
  sb_free(&b);
  pol_policy_free(pol);
  static const char labelled[] =
      "fact x: string in {\"a\": \"エー\"} \"x\"\n"
      "must r \"r\": x == \"a\"\n";
  assert_pol_ok(f, pol_policy_compile(f->env, labelled, strlen(labelled),
                                      "l.pol", &pol));
  sb_init(&b, NULL);
  assert_int_equal(dump_policy_as(POLICY(pol), 4, &b, msg, sizeof msg),
                   POL_EINVAL);
  assert_non_null(strstr(msg, "no labels"));
  sb_free(&b);
  pol_policy_free(pol);
}

static void every_truncation_is_rejected(void **state) {
  fixture *f = *state;
  load_small_facts(f);
  pol_policy *pol = compile_small(f);
  size_t len;
  unsigned char *data = save(f, pol, &len);
  size_t tried = 0;
  for (size_t n = 0; n < len; n++, tried++) {
    /* exactly n bytes, so that ASan sees any read past them */
    unsigned char *buf = malloc(n + !n);
    memcpy(buf, data, n);
    assert_int_equal(try_load(f, buf, n, false), POL_EFORMAT);
    if (n >= DUMP_HEADER_LEN + DUMP_TRAILER_LEN) { /* with a valid CRC */
      reseal(buf, n);
      assert_int_equal(try_load(f, buf, n, false), POL_EFORMAT);
      tried++;
    }
    free(buf);
  }
  print_message("  %zu truncated files of a %zu-byte policy rejected\n",
                tried, len);
  free(data);
  pol_policy_free(pol);
}

/* Every byte of the small policy changed to x^1, x^0x80, 0 and 0xff:
 * first as damage (the checksum no longer matches), then re-sealed, so
 * that the sections and the verifier must hold on their own. */
static void every_byte_change_is_safe(void **state) {
  fixture *f = *state;
  load_small_facts(f);
  pol_policy *pol = compile_small(f);
  size_t len, tried = 0, loaded = 0;
  unsigned char *data = save(f, pol, &len);
  unsigned char *buf = malloc(len);
  for (size_t i = 0; i < len; i++) {
    unsigned char x = data[i];
    const unsigned char to[] = {(unsigned char)(x ^ 1),
                                (unsigned char)(x ^ 0x80), 0, 0xff};
    for (size_t k = 0; k < sizeof to; k++) {
      if (to[k] == x)
        continue;
      memcpy(buf, data, len);
      buf[i] = to[k];
      assert_int_equal(try_load(f, buf, len, false), POL_EFORMAT);
      if (i >= len - DUMP_TRAILER_LEN)
        continue; /* the checksum itself: re-sealing undoes the change */
      reseal(buf, len);
      /* one in eight that load are also saved and loaded again */
      loaded += try_load(f, buf, len, loaded % 8 == 0) == POL_OK;
      tried += 2;
    }
  }
  print_message("  %zu changed files of a %zu-byte policy: %zu still "
                "verify (and ran), the rest rejected\n", tried, len, loaded);
  free(buf);
  free(data);
  pol_policy_free(pol);
}

/* ==== hand-made hostile programs ========================================= */

static policy *internal(pol_policy *pol) { return (policy *)pol; }

/* Save [pol] as it is now (the saver checks nothing) and expect the
 * loader to reject it with a message containing [want]. */
static void expect_rejected(fixture *f, pol_policy *pol, const char *want) {
  size_t len;
  void *data = save(f, pol, &len);
  pol_policy *back = NULL;
  int rc = pol_policy_load(f->env, data, len, "bad.polc", &back);
  free(data);
  pol_policy_free(back);
  if (rc != POL_EFORMAT || !strstr(pol_env_errmsg(f->env), want))
    fail_msg("status %d, message '%s'; wanted '%s'", rc,
             pol_env_errmsg(f->env), want);
}

/* The first instruction with opcode [op] (at or after [from]). */
static uint32_t find_op(const program *p, opcode op, uint32_t from) {
  for (uint32_t pc = 0; pc < p->ncode; pc++) {
    opcode o = INS_OP(p->code[pc]);
    if (o == op && pc >= from)
      return pc;
    if (o == OP_ITER_NEXT || o == OP_BRK_FALSE || o == OP_BRK_TRUE)
      pc++;
  }
  fail_msg("no %d in the program", op);
  return 0;
}

/* Compile the small policy, let [edit] break it, expect [want]. */
static void broken(fixture *f, void (*edit)(policy *), const char *want) {
  pol_policy *pol = compile_small(f);
  edit(internal(pol));
  expect_rejected(f, pol, want);
  pol_policy_free(pol);
}

static void jmp_outside(policy *p) {
  uint32_t pc = find_op(p->prog, OP_JMP, 0);
  p->prog->code[pc] = MK_A(OP_JMP, 977u);
}

static void const_outside(policy *p) {
  uint32_t pc = find_op(p->prog, OP_CONST, 0);
  p->prog->code[pc] = MK_A(OP_CONST, p->prog->nconsts);
}

static void name_not_string(policy *p) {
  uint32_t k = 0;
  while (p->prog->consts[k].kind == V_STRING)
    k++;
  p->prog->code[find_op(p->prog, OP_LOADVAR, 0)] = MK_A(OP_LOADVAR, k);
}

static void underflow(policy *p) {
  p->prog->code[p->rules[0].require] = MK_N(OP_ADD);
}

static void entry_in_ax(policy *p) {
  p->rules[1].require = find_op(p->prog, OP_ITER_NEXT, 0) + 1;
}

static void branch_back(policy *p) {
  uint32_t pc = find_op(p->prog, OP_BRANCH, 0);
  p->prog->code[pc] = MK_A(OP_BRANCH, (uint32_t)-2 & MAXARG_A);
}

static void ax_back(policy *p) {
  uint32_t pc = find_op(p->prog, OP_ITER_NEXT, 0);
  p->prog->code[pc + 1] = (uint32_t)-3;
}

static void unset_local(policy *p) {
  /* cel.bind's STORELOCAL becomes a POP: the LOADLOCAL reads nothing */
  uint32_t pc = find_op(p->prog, OP_STORELOCAL, 0);
  p->prog->code[pc] = MK_N(OP_POP);
}

static void not_a_builder(policy *p) {
  /* LIST 0 becomes TRUE: the APPENDs then write into a bool */
  uint32_t pc = find_op(p->prog, OP_LIST, 0);
  while (INS_A(p->prog->code[pc]) != 0)
    pc = find_op(p->prog, OP_LIST, pc + 1);
  p->prog->code[pc] = MK_N(OP_TRUE);
}

static void no_range(policy *p) {
  uint32_t pc = find_op(p->prog, OP_ITER_INIT, 0);
  p->prog->code[pc] = MK_N(OP_POP);
}

static void count_not_int(policy *p) {
  uint32_t pc = find_op(p->prog, OP_COUNT, 0);
  uint32_t acc = INS_A(p->prog->code[pc]);
  /* count into the iteration's range slot */
  p->prog->code[pc] = MK_A(OP_COUNT, acc - 4);
}

static void bad_argc(policy *p) {
  uint32_t pc = find_op(p->prog, OP_CALL, 0), w = p->prog->code[pc];
  p->prog->code[pc] = MK_BC(OP_CALL, INS_B(w), 9);
}

static void bad_fn(policy *p) {
  uint32_t pc = find_op(p->prog, OP_CALL, 0);
  p->prog->code[pc] = MK_BC(OP_CALL, p->prog->nfns, 1);
}

static void bad_opcode(policy *p) { p->prog->code[0] = 0xff; }

static void operand_bits(policy *p) {
  p->prog->code[find_op(p->prog, OP_ADD, 0)] = MK_A(OP_ADD, 5);
}

static void falls_off(policy *p) {
  p->prog->code[p->prog->ncode - 1] = MK_N(OP_NOT);
}

static void two_results(policy *p) {
  uint32_t pc = find_op(p->prog, OP_RETURN, 0);
  p->prog->code[pc - 1] = MK_N(OP_TRUE); /* a GE becomes a push */
}

static void depth_mismatch(policy *p) {
  /* the true arm of the ?: leaves a second value: the join disagrees */
  uint32_t pc = find_op(p->prog, OP_BRANCH, 0);
  uint32_t end = pc + 1 + (uint32_t)INS_SJ(p->prog->code[pc]) - 1;
  p->prog->code[end - 1] = MK_N(OP_TRUE);
}

static void small_maxstack(policy *p) { p->prog->maxstack = 1; }
static void huge_maxstack(policy *p) { p->prog->maxstack = 0x7fffffff; }
static void few_locals(policy *p) { p->prog->nlocals = 2; }
static void many_locals(policy *p) { p->prog->nlocals = 1u << 24; }

static void span_outside(policy *p) { p->prog->locs[3].len = 1u << 30; }
static void src_outside(policy *p) { p->prog->locs[3].src = 7; }

static void bad_severity(policy *p) { p->rules[0].sev = (severity)3; }

static void facts_unsorted(policy *p) {
  fact_decl t = p->facts[0];
  p->facts[0] = p->facts[1];
  p->facts[1] = t;
}

static void hostile_programs_are_rejected(void **state) {
  fixture *f = *state;
  broken(f, jmp_outside, "jump target");
  broken(f, const_outside, "does not exist");
  broken(f, name_not_string, "needs a string constant");
  broken(f, underflow, "stack underflow");
  broken(f, entry_in_ax, "is inside an instruction");
  broken(f, branch_back, "jumps backwards");
  broken(f, ax_back, "jumps backwards");
  broken(f, unset_local, "not set on every path");
  broken(f, not_a_builder, "list builder");
  broken(f, no_range, "ITER_INIT range");
  broken(f, count_not_int, "int counter");
  broken(f, bad_argc, "arguments");
  broken(f, bad_fn, "function");
  broken(f, bad_opcode, "unknown opcode 255");
  broken(f, operand_bits, "takes no operand");
  broken(f, falls_off, "falls off the end");
  broken(f, two_results, "RETURN with 2 values");
  broken(f, depth_mismatch, "on another path");
  broken(f, small_maxstack, "exceeds the program's maxstack");
  broken(f, huge_maxstack, "maxstack");
  broken(f, few_locals, "uses local slot");
  broken(f, many_locals, "local slots");
  broken(f, span_outside, "outside source");
  broken(f, src_outside, "source 7 does not exist");
  broken(f, bad_severity, "severity");
  broken(f, facts_unsorted, "out of order");
}

/* Patch the first u32 of section [tag]'s payload (most sections: the
 * count) and re-seal the file. */
static void set_word(unsigned char *d, size_t len, const char *tag,
                     uint32_t n) {
  size_t pos = DUMP_HEADER_LEN;
  while (pos + 8 <= len && memcmp(d + pos, tag, 4) != 0)
    pos += 8 + (d[pos + 4] | (size_t)d[pos + 5] << 8 |
                (size_t)d[pos + 6] << 16 | (size_t)d[pos + 7] << 24);
  assert_true(pos + 12 <= len);
  for (int i = 0; i < 4; i++)
    d[pos + 8 + (size_t)i] = (unsigned char)(n >> (8 * i));
  reseal(d, len);
}

static void hostile_headers_are_rejected(void **state) {
  fixture *f = *state;
  pol_policy *pol = compile_small(f);
  size_t len;
  unsigned char *data = save(f, pol, &len), *buf = malloc(len);
  static const struct {
    const char *tag;
    uint32_t n;
  } counts[] = {{"STRS", 0xfffffff0u}, {"CNST", 0x7fffffffu},
                {"FUNC", 0x10000000u}, {"CODE", 0xffffffffu},
                {"LOCS", 0x0fffffffu}, {"SRCS", 0xffffffffu},
                {"RULE", 0x40000000u}, {"FACT", 0xffffffffu}};
  for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
    memcpy(buf, data, len);
    set_word(buf, len, counts[i].tag, counts[i].n);
    assert_int_equal(try_load(f, buf, len, true), POL_EFORMAT);
    assert_non_null(strstr(pol_env_errmsg(f->env), "count"));
  }
  memcpy(buf, data, len);
  set_word(buf, len, "PROG", 0x12345678u); /* its first word: the ISA */
  assert_int_equal(try_load(f, buf, len, true), POL_EFORMAT);
  assert_non_null(strstr(pol_env_errmsg(f->env), "instruction set"));
  memcpy(buf, data, len);
  buf[8] = DUMP_VERSION + 1; /* a format from the future */
  reseal(buf, len);
  assert_int_equal(try_load(f, buf, len, true), POL_EFORMAT);
  char want[32];
  snprintf(want, sizeof want, "format version %u", DUMP_VERSION + 1);
  assert_non_null(strstr(pol_env_errmsg(f->env), want));
  memcpy(buf, data, len);
  buf[12] = 1; /* the probe read big-endian */
  reseal(buf, len);
  assert_int_equal(try_load(f, buf, len, true), POL_EFORMAT);
  assert_non_null(strstr(pol_env_errmsg(f->env), "probe"));
  memcpy(buf, data, len);
  buf[len / 2] ^= 0x10;
  assert_int_equal(try_load(f, buf, len, true), POL_EFORMAT);
  assert_non_null(strstr(pol_env_errmsg(f->env), "checksum"));
  assert_false(pol_is_saved_policy(small_src, sizeof small_src));
  assert_false(pol_is_saved_policy(data, 7));
  assert_false(pol_is_saved_policy(NULL, 0));
  assert_int_equal(try_load(f, small_src, sizeof small_src, true), POL_EFORMAT);
  assert_non_null(strstr(pol_env_errmsg(f->env), "not a saved policy"));
  pol_policy *out = (pol_policy *)1;
  assert_int_equal(pol_policy_load(f->env, NULL, 0, "x", &out), POL_EINVAL);
  assert_null(out);
  assert_int_equal(pol_policy_save(NULL, NULL, NULL), POL_EINVAL);
  free(buf);
  free(data);
  pol_policy_free(pol);
}

/* A constant nested deeper than DUMP_MAX_DEPTH. */
static void deep_constant_is_rejected(void **state) {
  fixture *f = *state;
  pol_policy *pol = compile_small(f);
  program *p = internal(pol)->prog;
  val v = val_int(1);
  for (int i = 0; i <= DUMP_MAX_DEPTH + 1; i++)
    v = val_list(&p->a, &v, 1);
  p->consts[0] = v;
  expect_rejected(f, pol, "nested more than");
  pol_policy_free(pol);
}

/* Host functions are saved by name and signature and must be
 * registered the same way where the file is loaded. */
static int64_t twice(int64_t x) { return 2 * x; }
static double half(double x) { return x / 2; }

static void host_functions_must_match(void **state) {
  fixture *f = *state;
  assert_pol_ok(f, pol_env_register(f->env, "twice", "int64(int64)",
                                    (void (*)(void))twice));
  const char *src = "must t: twice(2) == 4\n";
  pol_policy *pol;
  assert_pol_ok(f, pol_policy_compile(f->env, src, strlen(src), "h.pol",
                                      &pol));
  size_t len;
  void *data = save(f, pol, &len);
  pol_policy *back = NULL;
  assert_pol_ok(f, pol_policy_load(f->env, data, len, "h.polc", &back));
  pol_policy_free(back);
  pol_env *other;
  assert_int_equal(pol_env_new(NULL, &other), POL_OK);
  assert_int_equal(pol_policy_load(other, data, len, "h.polc", &back),
                   POL_EFORMAT);
  assert_non_null(strstr(pol_env_errmsg(other), "not registered"));
  assert_int_equal(pol_env_register(other, "twice", "double(double)",
                                    (void (*)(void))half),
                   POL_OK);
  assert_int_equal(pol_policy_load(other, data, len, "h.polc", &back),
                   POL_EFORMAT);
  assert_non_null(strstr(pol_env_errmsg(other), "int64(int64)"));
  pol_env_free(other);
  free(data);
  pol_policy_free(pol);
}

/* ==== the compiler's output always verifies ============================= */

/* Verify the program of the expression [src] (if it compiles). */
static bool expr_verifies(fixture *f, const char *src, size_t len) {
  pol_program *prog;
  if (pol_compile_expr(f->env, src, len, "t", NULL, &prog) != POL_OK)
    return false;
  char msg[512];
  verify_entry e = {0, "expr", "require", -1};
  int rc = verify_program(PROG(prog), &e, 1, msg, sizeof msg);
  if (rc != POL_OK)
    fail_msg("%.*s: %s", (int)len, src, msg);
  pol_program_free(prog);
  return true;
}

/* Every expression example of [path] (the lines with `// =>` of a .cel
 * file, or of the ```cel blocks of a .md file, as run_golden.py reads
 * them); returns how many compiled. */
static size_t verify_examples(fixture *f, const char *path) {
  size_t len, n = 0;
  char *text = read_file(path, &len);
  bool md = strstr(path, ".md") != NULL, in = !md;
  for (char *line = text, *next; line && *line; line = next) {
    next = strchr(line, '\n');
    if (next)
      *next++ = '\0';
    if (md && strncmp(line, "```", 3) == 0) {
      in = strcmp(line, "```cel") == 0;
      continue;
    }
    char *mark = in ? strstr(line, "// =>") : NULL;
    if (mark && mark > line)
      n += expr_verifies(f, line, (size_t)(mark - line));
  }
  free(text);
  return n;
}

static size_t verify_dir(fixture *f, const char *dir, const char *ext) {
  DIR *d = opendir(dir);
  size_t n = 0;
  assert_non_null(d);
  for (struct dirent *e; (e = readdir(d));) {
    size_t l = strlen(e->d_name), x = strlen(ext);
    char path[512];
    if (l <= x || strcmp(e->d_name + l - x, ext) != 0)
      continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    n += verify_examples(f, path);
  }
  closedir(d);
  return n;
}

static void compiled_programs_verify(void **state) {
  fixture *f = *state;
  size_t n = verify_dir(f, "tests/golden/expr", ".cel") +
             verify_dir(f, "docs", ".md");
  assert_true(n > 500);
  static const char *const policies[] = {
      "examples/policies/meti-baseline.pol", "examples/policies/minimal.pol",
      "examples/policies/minimal-vocab.pol", procurement};
  for (size_t i = 0; i < sizeof policies / sizeof policies[0]; i++) {
    pol_policy *pol;
    char msg[512];
    assert_pol_ok(f, pol_policy_compile_file(f->env, policies[i], &pol));
    if (verify_policy(POLICY(pol), msg, sizeof msg) != POL_OK)
      fail_msg("%s: %s", policies[i], msg);
    pol_policy_free(pol);
  }
  print_message("  %zu example expressions and %zu example policies "
                "verify\n", n, sizeof policies / sizeof policies[0]);
}

/* docs/bytecode.md lists every opcode, in the order of opcodes.h. */
static void bytecode_doc_lists_every_opcode(void **state) {
  (void)state;
  static const char *const names[] = {
#define X(name, fmt, in, out, doc) "| `" #name "` |",
      OPCODES(X)
#undef X
  };
  size_t len;
  char *doc = read_file("docs/bytecode.md", &len);
  const char *at = doc;
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    const char *hit = strstr(at, names[i]);
    if (!hit)
      fail_msg("docs/bytecode.md: no line %s after the previous opcode",
               names[i]);
    at = hit + 1;
  }
  free(doc);
}

int main(int argc, char **argv) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(crc32_matches_the_standard),
      cmocka_unit_test_setup_teardown(procurement_round_trip, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(expression_places_survive_loading,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(small_round_trip, setup, teardown),
      cmocka_unit_test_setup_teardown(
          derived_and_prelude_facts_survive_loading, setup, teardown),
      cmocka_unit_test_setup_teardown(borrowed_asks_survive_loading, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(format_4_still_loads, setup, teardown),
      cmocka_unit_test_setup_teardown(every_truncation_is_rejected, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(every_byte_change_is_safe, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(hostile_programs_are_rejected, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(hostile_headers_are_rejected, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(deep_constant_is_rejected, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(host_functions_must_match, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(compiled_programs_verify, setup,
                                      teardown),
      cmocka_unit_test(bytecode_doc_lists_every_opcode),
  };
  return RUN_TESTS("dump", tests, argc, argv);
}
