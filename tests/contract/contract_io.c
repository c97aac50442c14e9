/*
 * contract_io.c: the promises of pol.h about writing reports (pol_writer,
 * pol_report_chunk), streaming vendors through one fact set and one
 * report, saved bytecode, and the lifetimes of what handles return.
 */
#define _POSIX_C_SOURCE 200809L
#include "contract.h"

#include <stdlib.h>
#include <string.h>

/* {==== writers ============================================================ */

/* Write VENDORS through a writer of [format], one report per vendor,
 * either with pol_writer_add or with pol_report_chunk +
 * pol_writer_add_chunk. The output, or NULL after a failed check. */
static char *write_all(pol_env *env, const pol_policy *pol, int format,
                       int chunked) {
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  pol_writer *w = NULL;
  sbuf out = {0};
  int ok = pol_writer_new(pol, format, 0, POL_UNKNOWN_FAIL, sbuf_write,
                          &out, &w) == POL_OK;
  for (int i = 0; ok && i < 3; i++) {
    pol_facts *f = facts_of(env, VENDORS[i], SOURCES[i]);
    const char *text;
    size_t len;
    ok = pol_check(ctx, rep, f, SOURCES[i]) == POL_OK;
    if (ok && chunked)
      ok = pol_report_chunk(rep, w, &text, &len) == POL_OK &&
           pol_writer_add_chunk(w, rep, text, len) == POL_OK;
    else if (ok)
      ok = pol_writer_add(w, rep) == POL_OK;
    pol_report_reset(rep);
    pol_facts_free(f);
  }
  ok = ok && pol_writer_error(w, "in/d.json", "in/d.json:1:1: bad") == POL_OK;
  ok = ok && pol_writer_finish(w) == POL_OK;
  /* a finished writer refuses more: its document is closed */
  ok = ok && pol_writer_finish(w) == POL_EINVAL;
  pol_writer_free(w);
  pol_report_free(rep);
  pol_ctx_free(ctx);
  if (!ok) {
    free(out.p);
    return NULL;
  }
  return out.p ? out.p : dup_str("");
}

static void test_writer_chunk_equal(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  test_name = "writer: chunks = add";
  for (int fmt = POL_FORMAT_TEXT; fmt <= POL_FORMAT_QUESTIONS_CSV; fmt++) {
    char *a = write_all(env, pol, fmt, 0), *b = write_all(env, pol, fmt, 1);
    CHECK(a != NULL && b != NULL && a[0] != '\0');
    CHECK_STR(b, a);
    if (a && fmt == POL_FORMAT_JSON) {
      CHECK_HAS(a, "\"source\": \"in/d.json\"");
      CHECK_HAS(a, "\"vendor\": \"Beta\"");
    }
    /* pol_writer_error: every format says the input was not checked,
     * and why (a reader of any one of them must learn it) */
    if (a)
      CHECK_HAS(a, "in/d.json:1:1: bad");
    free(a);
    free(b);
  }
  pol_policy_free(pol);
  pol_env_free(env);
}

/* A writer whose output fails: POL_EIO at the end, with a message. */
static void test_writer_failure(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  pol_facts *f = facts_of(env, VENDOR_A, "a.json");
  pol_writer *w = NULL;
  sbuf out = {0};
  test_name = "writer: write fails";
  out.fail = 1;
  CHECK_RC(pol_writer_new(pol, POL_FORMAT_JSON, 0, POL_UNKNOWN_FAIL,
                          sbuf_write, &out, &w), POL_OK);
  CHECK_RC(pol_check(ctx, rep, f, "a.json"), POL_OK);
  pol_writer_add(w, rep);
  CHECK_RC(pol_writer_finish(w), POL_EIO);
  CHECK(out.calls > 0);
  CHECK(pol_writer_errmsg(w) != NULL && pol_writer_errmsg(w)[0] != '\0');
  pol_writer_free(w);
  pol_report_free(rep);
  pol_facts_free(f);
  pol_ctx_free(ctx);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* A writer records its unknown mode in the output ("unknown": "fail")
 * and pol_writer_options says it must match the reports'; each vendor's
 * compliance was worked out in the report's mode, so a report of another
 * mode would be written as compliant under a mode in which it is not (a
 * vendor with an UNKNOWN must-rule came out "compliant": true beside
 * "unknown": "fail"). Refused, as a report of another policy is, and
 * the writer goes on. */
static void test_writer_mode_mismatch(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_ctx *ctx = ctx_of(env);
  pol_report *lax = report_of(pol, POL_UNKNOWN_IGNORE);
  pol_report *strict = report_of(pol, POL_UNKNOWN_FAIL);
  pol_facts *f = facts_of(env, VENDOR_C, "c.json");
  const char *text;
  size_t len;
  test_name = "writer: a report of another unknown mode";
  CHECK_RC(pol_check(ctx, lax, f, "c.json"), POL_OK);
  CHECK_RC(pol_check(ctx, strict, f, "c.json"), POL_OK);
  for (int fmt = POL_FORMAT_TEXT; fmt <= POL_FORMAT_QUESTIONS_CSV; fmt++) {
    pol_writer *w = NULL;
    sbuf out = {0};
    CHECK_RC(pol_writer_new(pol, fmt, 0, POL_UNKNOWN_FAIL, sbuf_write, &out,
                            &w), POL_OK);
    CHECK_RC(pol_writer_add(w, lax), POL_EINVAL);
    CHECK_HAS(pol_writer_errmsg(w), "unknown mode");
    CHECK_RC(pol_report_chunk(lax, w, &text, &len), POL_EINVAL);
    CHECK_RC(pol_writer_add(w, strict), POL_OK);
    CHECK_RC(pol_writer_finish(w), POL_OK);
    pol_writer_free(w);
    free(out.p);
  }
  pol_facts_free(f);
  pol_report_free(strict);
  pol_report_free(lax);
  pol_ctx_free(ctx);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* }==== */

/* "Once finished, a writer refuses more (POL_EINVAL)": the inputs of
 * the stamp too, which is written by then (they returned POL_OK and went
 * nowhere); and data with no input begun has no digest to go to. */
static void test_writer_finished_inputs(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_writer *w = NULL;
  sbuf out = {0};
  test_name = "writer: a finished writer refuses inputs";
  CHECK_RC(pol_writer_new(pol, POL_FORMAT_JSON, 0, POL_UNKNOWN_FAIL,
                          sbuf_write, &out, &w), POL_OK);
  CHECK_RC(pol_writer_input_data(w, "{}", 2), POL_EINVAL);
  CHECK_HAS(pol_writer_errmsg(w), "pol_writer_input");
  CHECK_RC(pol_writer_input(w, POL_INPUT_FACTS, "in/a.json"), POL_OK);
  CHECK_RC(pol_writer_input_data(w, "{}", 2), POL_OK);
  CHECK_RC(pol_writer_finish(w), POL_OK);
  CHECK_RC(pol_writer_input(w, POL_INPUT_FACTS, "in/b.json"), POL_EINVAL);
  CHECK_RC(pol_writer_input_data(w, "{}", 2), POL_EINVAL);
  CHECK_HAS(pol_writer_errmsg(w), "finished");
  CHECK_HAS(sbuf_text(&out), "in/a.json");
  CHECK(strstr(sbuf_text(&out), "in/b.json") == NULL);
  pol_writer_free(w);
  free(out.p);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* {==== streaming vendors ================================================== */

/* The loop docs/embedding.md shows: one pol_facts and one pol_report
 * reused for every vendor of an NDJSON text, a bad line recorded with
 * pol_writer_error. Its output equals a run with a fresh fact set and
 * report per vendor. */
static char *stream(pol_env *env, const pol_policy *pol, const char *nd,
                    int fresh) {
  pol_ctx *ctx = ctx_of(env);
  pol_facts *f = NULL;
  pol_report *rep = NULL;
  pol_writer *w = NULL;
  sbuf out = {0};
  size_t len = strlen(nd), pos = 0;
  char src[64];
  pol_writer_new(pol, POL_FORMAT_NDJSON, 0, POL_UNKNOWN_FAIL, sbuf_write,
                 &out, &w);
  for (unsigned n = 1; pos < len; n++) {
    if (fresh || !f) {
      pol_facts_free(f);
      pol_report_free(rep);
      pol_facts_new(env, &f);
      rep = report_of(pol, POL_UNKNOWN_FAIL);
    }
    snprintf(src, sizeof src, "s.ndjson:%u", n);
    if (pol_facts_load_json_next(f, nd, len, &pos, "s.ndjson") != POL_OK) {
      pol_writer_error(w, src, pol_facts_errmsg(f)); /* pos moved on */
      continue;
    }
    pol_check(ctx, rep, f, src);
    pol_writer_add(w, rep);
    pol_report_reset(rep);
  }
  pol_writer_finish(w);
  pol_writer_free(w);
  pol_report_free(rep);
  pol_facts_free(f);
  pol_ctx_free(ctx);
  return out.p ? out.p : dup_str("");
}

#define MFA_VERDICT "\"id\":\"mfa\",\"verdict\":\""
static void test_streaming(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  char nd[4096];
  char *reused, *fresh, *second, *end, *mfa;
  size_t lines = 0;
  test_name = "streaming vendors";
  snprintf(nd, sizeof nd, "%s\n%s\n{\"bad\": }\n%s\n%s\n", VENDOR_B,
           VENDOR_A, VENDOR_C, VENDOR_B);
  reused = stream(env, pol, nd, 0);
  fresh = stream(env, pol, nd, 1);
  CHECK_STR(reused, fresh);
  for (const char *p = reused; *p; p++)
    lines += *p == '\n';
  CHECK(lines == 6); /* NDJSON: one line per input, then the stamp */
  CHECK_HAS(reused, "s.ndjson:3:");
  /* vendor 2 (A) does not state MFA, vendor 1 (B) did: no merge */
  second = strchr(reused, '\n');
  end = second ? strchr(second + 1, '\n') : NULL;
  mfa = second ? strstr(second, MFA_VERDICT) : NULL;
  CHECK(mfa != NULL && mfa < end);
  CHECK_PREFIX(mfa ? mfa + strlen(MFA_VERDICT) : NULL, "UNKNOWN\"");
  free(reused);
  free(fresh);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* }==== */

/* {==== saved bytecode ===================================================== */

/* CRC-32 as docs/bytecode.md defines the checksum (IEEE 802.3,
 * reflected, polynomial 0xEDB88320), bit by bit. */
static uint32_t crc32_of(const unsigned char *p, size_t n) {
  uint32_t crc = 0xffffffffu;
  for (size_t i = 0; i < n; i++) {
    crc ^= p[i];
    for (int k = 0; k < 8; k++)
      crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

static void put_u32(unsigned char *p, uint32_t x) {
  for (int i = 0; i < 4; i++)
    p[i] = (unsigned char)(x >> (8 * i));
}

static uint32_t get_u32(const unsigned char *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

/* The verdicts of VENDOR_A under [pol] as one string ("PUF..."). */
static void verdict_string(pol_env *env, const pol_policy *pol, char *out) {
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  pol_facts *f = facts_of(env, VENDOR_A, "a.json");
  size_t n = pol_policy_rule_count(pol), r;
  pol_check(ctx, rep, f, "a.json");
  for (r = 0; r < n && r < 31; r++) {
    const char *v = pol_report_verdict(rep, 0, r);
    out[r] = v ? v[0] : '?';
  }
  out[r] = '\0';
  pol_report_free(rep);
  pol_facts_free(f);
  pol_ctx_free(ctx);
}

/* A loaded policy reports as the compiled one does ("a host need not
 * ship or compile sources"): the TAP and JUnit lines of a SKIPPED rule
 * quote its `when`. A loaded policy had no `when` texts, and said
 * "(when)". */
static char *render_of(pol_env *env, const pol_policy *pol, int format) {
  pol_facts *f = facts_of(env, VENDOR_A, "in/a.json");
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  char *text = NULL;
  if (pol_check(ctx, rep, f, "in/a.json") == POL_OK)
    text = dup_str(pol_report_render(rep, format, 0));
  pol_report_free(rep);
  pol_ctx_free(ctx);
  pol_facts_free(f);
  return text ? text : dup_str("");
}

static void test_saved_when_texts(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol"), *back = NULL;
  void *buf = NULL;
  size_t len = 0;
  const int formats[] = {POL_FORMAT_JUNIT, POL_FORMAT_TAP};
  test_name = "saved bytecode: SKIPPED rules quote their when";
  CHECK_RC(pol_policy_save(pol, &buf, &len), POL_OK);
  CHECK_RC(pol_policy_load(env, buf, len, "c.polc", &back), POL_OK);
  for (int i = 0; i < 2; i++) {
    char *compiled = render_of(env, pol, formats[i]);
    char *loaded = render_of(env, back, formats[i]);
    CHECK_HAS(compiled, "when is false: false");
    CHECK_HAS(loaded, "when is false: false");
    CHECK(strstr(loaded, "(when)") == NULL);
    free(compiled);
    free(loaded);
  }
  pol_free(env, buf);
  pol_policy_free(back);
  pol_policy_free(pol);
  pol_env_free(env);
}

static void test_saved_round_trip(void) {
  pol_env *env = env_default(), *env2 = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol"), *back = NULL;
  void *buf = NULL, *buf2 = NULL;
  size_t len = 0, len2 = 0;
  char v1[32], v2[32];
  unsigned line = 0, col = 0;
  test_name = "saved bytecode round trip";
  CHECK_RC(pol_policy_save(pol, &buf, &len), POL_OK);
  CHECK(buf != NULL && len > 20);
  CHECK(pol_is_saved_policy(buf, len));
  CHECK(!pol_is_saved_policy(POLICY, strlen(POLICY)));
  CHECK(!pol_is_saved_policy(buf, 3));
  CHECK(get_u32((unsigned char *)buf + len - 4) == crc32_of(buf, len - 4));
  CHECK_RC(pol_policy_load(env2, buf, len, "c.polc", &back), POL_OK);
  CHECK(pol_policy_rule_count(back) == NRULES);
  CHECK_STR(pol_policy_rule_id(back, R_MFA), "mfa");
  CHECK_STR(pol_policy_info(back, POL_POLICY_TITLE), "契約テスト");
  CHECK_STR(pol_policy_rule_file(back, R_MFA, &line, &col), "c.pol");
  CHECK(line == 17 && col == 1);
  verdict_string(env, pol, v1);
  verdict_string(env2, back, v2);
  CHECK_STR(v2, v1);
  CHECK_STR(v1, "PUFESU");
  /* saving it again gives the same bytes (docs/bytecode.md) */
  CHECK_RC(pol_policy_save(back, &buf2, &len2), POL_OK);
  CHECK(len2 == len && memcmp(buf, buf2, len) == 0);
  free(buf);
  free(buf2);
  pol_policy_free(back);
  pol_policy_free(pol);
  pol_env_free(env2);
  pol_env_free(env);
}

/* Load [data]; a loaded policy is checked under a step limit. Returns
 * the status, and sets *[bad] when a failed load left *out set. */
static int load_damaged(pol_env *env, pol_ctx *ctx, pol_facts *f,
                        const void *data, size_t len, int *bad) {
  pol_policy *pol = (pol_policy *)env;
  int rc = pol_policy_load(env, data, len, "d.polc", &pol);
  if (rc != POL_OK) {
    if (pol != NULL)
      *bad = 1;
    return rc;
  }
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  pol_check(ctx, rep, f, "a.json");
  (void)pol_report_render(rep, POL_FORMAT_JSON, 0);
  pol_report_free(rep);
  pol_policy_free(pol);
  return rc;
}

/* Every truncation and every single-byte change (the checksum catches
 * those) gives POL_EFORMAT; changes with the checksum made right again
 * load or give POL_EFORMAT, and never crash (run under ASan). */
static void test_saved_damaged(void) {
  pol_env *env = env_with(100000, 0, 0);
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_ctx *ctx = ctx_of(env);
  pol_facts *f = facts_of(env, VENDOR_A, "a.json");
  unsigned char *buf = NULL, *copy;
  size_t len = 0, first_bad = 0;
  int all = 1, bad_out = 0, crc_fixed_ok = 1, loaded = 0;
  static const unsigned char masks[] = {0x01, 0x80, 0xff};
  test_name = "saved bytecode damaged";
  CHECK_RC(pol_policy_save(pol, (void **)&buf, &len), POL_OK);
  copy = malloc(len);
  for (size_t n = 0; buf && n < len; n++) {
    unsigned char *cut = malloc(n + 1); /* exactly n bytes to read: ASan */
    if (!cut)
      exit(2);
    memcpy(cut, buf, n);
    if (load_damaged(env, ctx, f, cut, n, &bad_out) != POL_EFORMAT && all) {
      all = 0;
      first_bad = n;
    }
    free(cut);
  }
  CHECK(all);
  if (!all)
    fprintf(stderr, "  truncation to %zu bytes loaded\n", first_bad);
  all = 1;
  for (size_t i = 0; buf && copy && i < len; i++) {
    memcpy(copy, buf, len);
    copy[i] ^= 0x10;
    if (load_damaged(env, ctx, f, copy, len, &bad_out) != POL_EFORMAT)
      all = 0;
  }
  CHECK(all);
  for (size_t i = 16; buf && copy && i + 4 < len; i++)
    for (size_t m = 0; m < sizeof masks; m++) {
      int rc;
      memcpy(copy, buf, len);
      copy[i] ^= masks[m];
      put_u32(copy + len - 4, crc32_of(copy, len - 4));
      rc = load_damaged(env, ctx, f, copy, len, &bad_out);
      loaded += rc == POL_OK;
      if (rc != POL_OK && rc != POL_EFORMAT)
        crc_fixed_ok = 0;
    }
  CHECK(crc_fixed_ok);
  CHECK(loaded < (int)len); /* most changes are caught */
  CHECK(!bad_out);
  free(copy);
  free(buf);
  pol_facts_free(f);
  pol_ctx_free(ctx);
  pol_policy_free(pol);
  pol_env_free(env);
}

static int64_t twice(int64_t x) { return 2 * x; }

/* A saved policy that calls a host function loads only where that
 * function is registered with the same signature. */
static void test_saved_host_function(void) {
  pol_env *env = env_default(), *bare = env_default(), *other = env_default();
  pol_policy *pol, *back = (pol_policy *)env;
  void *buf = NULL;
  size_t len = 0;
  test_name = "saved bytecode and host functions";
  CHECK_RC(pol_env_register(env, "t.twice", "int64(int64)",
                            (void (*)(void))twice), POL_OK);
  pol = policy_of(env, "must h: t.twice(2) == 4\n", "h.pol");
  CHECK_RC(pol_policy_save(pol, &buf, &len), POL_OK);
  CHECK_RC(pol_policy_load(bare, buf, len, "h.polc", &back), POL_EFORMAT);
  CHECK(back == NULL);
  CHECK_HAS(pol_env_errmsg(bare), "t.twice");
  CHECK_RC(pol_env_register(other, "t.twice", "int64(int64, int64)",
                            (void (*)(void))twice), POL_OK);
  CHECK_RC(pol_policy_load(other, buf, len, "h.polc", &back), POL_EFORMAT);
  free(buf);
  pol_policy_free(pol);
  pol_env_free(other);
  pol_env_free(bare);
  pol_env_free(env);
}

/* }==== */

/* {==== lifetimes ========================================================== */

/* A value from pol_eval belongs to the ctx: it outlives the program and
 * the fact set (issue 8, defect 2: a constant died with its program). */
static void test_eval_value_lifetime(void) {
  pol_env *env = env_default();
  pol_ctx *ctx = ctx_of(env);
  pol_facts *f = facts_of(env, "{\"x\": {\"a\": [1, 2]}, \"s\": \"text\"}",
                         "v.json");
  pol_program *prog;
  const pol_value *v = NULL;
  size_t len = 0;
  test_name = "eval value lifetime";
  CHECK_RC(pol_compile_expr(env, "[1, 2, 3]", 9, NULL, NULL, &prog), POL_OK);
  CHECK_RC(pol_eval(ctx, prog, NULL, &v), POL_OK);
  pol_program_free(prog);
  CHECK(pol_value_len(v) == 3);
  CHECK(pol_value_int(pol_value_at(v, 2)) == 3);
  CHECK_RC(pol_compile_expr(env, "{'k': 'constant'}", 17, NULL, NULL, &prog),
           POL_OK);
  CHECK_RC(pol_eval(ctx, prog, NULL, &v), POL_OK);
  pol_program_free(prog);
  CHECK_TEXT(pol_value_str(pol_value_get(v, "k"), &len), len, "constant");
  CHECK_RC(pol_compile_expr(env, "x", 1, NULL, NULL, &prog), POL_OK);
  CHECK_RC(pol_eval(ctx, prog, f, &v), POL_OK);
  pol_program_free(prog);
  pol_facts_free(f);
  CHECK(pol_value_len(pol_value_get(v, "a")) == 2);
  CHECK(pol_value_int(pol_value_at(pol_value_get(v, "a"), 1)) == 2);
  pol_ctx_free(ctx);
  pol_env_free(env);
}

/* A policy's strings are its own: later compiles on its env (which
 * replace the env's diagnostics) change nothing (issue 8, defect 1). */
static void test_policy_strings_lifetime(void) {
  pol_env *env = env_default(), *env2 = env_default();
  const char *decl = "fact backup.generations: int \"世代数\"\n"
                     "must g: backup.generations >= 7\n";
  pol_policy *pol = policy_of(env, decl, "first.pol"), *back = NULL, *p2;
  pol_policy *p3 = NULL;
  pol_program *prog = NULL;
  void *buf = NULL;
  size_t len = 0;
  unsigned line = 0, col = 0;
  test_name = "policy strings lifetime";
  CHECK_RC(pol_compile_expr(env, "1 +", 3, "bad.cel", NULL, &prog),
           POL_ESYNTAX);
  p2 = policy_of(env, "must other: true\n", "second.pol");
  CHECK_RC(pol_policy_compile(env, "must x: (", 9, "third.pol", &p3),
           POL_ESYNTAX);
  CHECK_STR(pol_policy_rule_file(pol, 0, &line, &col), "first.pol");
  CHECK_STR(pol_policy_info(pol, POL_POLICY_FILE), "first.pol");
  CHECK_RC(pol_policy_save(pol, &buf, &len), POL_OK);
  CHECK_RC(pol_policy_load(env2, buf, len, "first.polc", &back), POL_OK);
  CHECK_STR(pol_policy_rule_file(back, 0, &line, &col), "first.pol");
  free(buf);
  pol_policy_free(back);
  pol_policy_free(p2);
  pol_policy_free(pol);
  pol_env_free(env2);
  pol_env_free(env);
}

/* Arguments are borrowed: the library copies what it keeps of sources,
 * names and JSON texts, so the caller may overwrite and free them. */
static void test_arguments_borrowed(void) {
  pol_env *env = env_default();
  char *src = dup_str(POLICY), *name = dup_str("c.pol");
  char *json = dup_str(VENDOR_A), *fname = dup_str("in/a.json");
  char *expr = dup_str("s + 'x'");
  pol_policy *pol = NULL;
  pol_facts *f = NULL;
  pol_program *prog = NULL;
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep;
  const pol_value *v;
  size_t len;
  test_name = "arguments are borrowed";
  CHECK_RC(pol_policy_compile(env, src, strlen(src), name, &pol), POL_OK);
  CHECK_RC(pol_facts_new(env, &f), POL_OK);
  CHECK_RC(pol_facts_load_json(f, json, strlen(json), fname), POL_OK);
  CHECK_RC(pol_facts_bind_json(f, "s", "\"s\"", 3, "s.json"), POL_OK);
  CHECK_RC(pol_compile_expr(env, expr, strlen(expr), name, f, &prog), POL_OK);
  memset(src, 'X', strlen(src));
  memset(json, 'X', strlen(json));
  memset(expr, 'X', strlen(expr));
  free(src);
  free(json);
  free(expr);
  rep = report_of(pol, POL_UNKNOWN_FAIL);
  CHECK_RC(pol_check(ctx, rep, f, fname), POL_OK);
  memset(fname, 'X', strlen(fname));
  free(fname);
  CHECK_STR(pol_report_message(rep, 0, R_BACKUP), "保管世代数は 7 世代");
  CHECK_PREFIX(pol_report_reason(rep, 0, R_TYPEBUG), "c.pol:12:15: ");
  CHECK_STR(pol_report_vendor(rep, 0, POL_VENDOR_SOURCE), "in/a.json");
  CHECK_STR(pol_policy_rule_title(pol, R_BACKUP),
            "バックアップを7世代以上保管すること");
  CHECK_RC(pol_eval(ctx, prog, f, &v), POL_OK);
  CHECK_TEXT(pol_value_str(v, &len), len, "sx");
  memset(name, 'X', strlen(name));
  free(name);
  CHECK_STR(pol_policy_info(pol, POL_POLICY_FILE), "c.pol");
  pol_report_free(rep);
  pol_program_free(prog);
  pol_facts_free(f);
  pol_ctx_free(ctx);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* A report refers to the fact sets it checked; after pol_report_detach
 * they may be freed or reused, and the report reads the same. */
static void test_report_detach(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  pol_facts *a = facts_of(env, VENDOR_A, "in/a.json");
  pol_facts *b = facts_of(env, VENDOR_B, "in/b.json");
  char *before, *text_before;
  test_name = "report detach";
  CHECK_RC(pol_check(ctx, rep, a, "in/a.json"), POL_OK);
  CHECK_RC(pol_check(ctx, rep, b, "in/b.json"), POL_OK);
  before = dup_str(pol_report_render(rep, POL_FORMAT_JSON, 0));
  text_before = dup_str(pol_report_render(rep, POL_FORMAT_TEXT, 0));
  CHECK_RC(pol_report_detach(rep), POL_OK);
  pol_facts_free(a);
  pol_facts_reset(b);
  CHECK_RC(pol_facts_load_json(b, VENDOR_C, strlen(VENDOR_C), "c.json"),
           POL_OK);
  CHECK_STR(pol_report_vendor_name(rep, 0), "ACME株式会社");
  CHECK_STR(pol_report_vendor(rep, 1, POL_VENDOR_NAME), "Beta");
  CHECK_STR(pol_report_fact_evidence(rep, 0, R_BACKUP, 0), "3.2: 「7世代」");
  CHECK(pol_value_int(pol_report_fact_value(rep, 1, R_BACKUP, 0)) == 3);
  CHECK(strcmp(pol_report_render(rep, POL_FORMAT_JSON, 0), before) == 0);
  CHECK_STR(pol_report_render(rep, POL_FORMAT_TEXT, 0), text_before);
  /* detached, then more vendors checked in: still fine */
  CHECK_RC(pol_check(ctx, rep, b, "c.json"), POL_OK);
  CHECK(pol_report_vendor_count(rep) == 3);
  CHECK_RC(pol_report_detach(rep), POL_OK);
  pol_facts_free(b);
  CHECK_STR(pol_report_vendor_name(rep, 2), "c");
  CHECK(pol_report_render(rep, POL_FORMAT_TEXT, 0) != NULL);
  free(before);
  free(text_before);
  pol_report_free(rep);
  pol_ctx_free(ctx);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* pol_report_reset forgets the vendors and the report is reused. */
static void test_report_reset(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  pol_facts *f = facts_of(env, VENDOR_A, "in/a.json");
  test_name = "report reset";
  CHECK_RC(pol_check(ctx, rep, f, "in/a.json"), POL_OK);
  CHECK(pol_report_vendor_count(rep) == 1);
  pol_report_reset(rep);
  CHECK(pol_report_vendor_count(rep) == 0);
  CHECK_STR(pol_report_verdict(rep, 0, 0), NULL);
  pol_facts_reset(f);
  CHECK_RC(pol_facts_load_json(f, VENDOR_B, strlen(VENDOR_B), "b.json"),
           POL_OK);
  CHECK_RC(pol_check(ctx, rep, f, "in/b.json"), POL_OK);
  CHECK(pol_report_vendor_count(rep) == 1);
  CHECK_STR(pol_report_vendor_name(rep, 0), "Beta");
  CHECK_STR(pol_report_verdict(rep, 0, R_MFA), "PASS");
  pol_report_free(rep);
  pol_facts_free(f);
  pol_ctx_free(ctx);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* A program compiled with [decls] does not keep them. */
static void test_decls_borrowed(void) {
  pol_env *env = env_default();
  pol_facts *decls = facts_of(env, "{\"a.b\": 1}", "d.json");
  pol_facts *f = facts_of(env, "{\"a.b\": 5, \"a\": {\"b\": 6}}", "f.json");
  pol_ctx *ctx = ctx_of(env);
  pol_program *prog = NULL;
  const pol_value *v;
  test_name = "decls";
  CHECK_RC(pol_compile_expr(env, "a.b", 3, NULL, decls, &prog), POL_OK);
  pol_facts_free(decls);
  CHECK_RC(pol_eval(ctx, prog, f, &v), POL_OK);
  CHECK(pol_value_int(v) == 5); /* the dotted name wins */
  pol_program_free(prog);
  CHECK_RC(pol_compile_expr(env, "a.b", 3, NULL, NULL, &prog), POL_OK);
  CHECK_RC(pol_eval(ctx, prog, f, &v), POL_OK);
  CHECK(pol_value_int(v) == 6); /* field selection */
  pol_program_free(prog);
  pol_facts_free(f);
  pol_ctx_free(ctx);
  pol_env_free(env);
}

/* Diagnostic strings belong to the env until its next compile: other
 * calls on it (messages, rendering) leave them alone. */
static void test_diag_strings_lifetime(void) {
  pol_env *env = env_default();
  pol_program *prog = NULL;
  pol_diag d = POL_DIAG_INIT;
  char *msg;
  test_name = "diagnostic strings lifetime";
  CHECK_RC(pol_compile_expr(env, "1 +", 3, "d.cel", NULL, &prog),
           POL_ESYNTAX);
  CHECK_RC(pol_diag_get(env, 0, &d), POL_OK);
  msg = dup_str(d.message ? d.message : "");
  (void)pol_env_errmsg(env);
  (void)pol_diag_render(env, POL_RENDER_EXCERPT);
  (void)pol_diag_render(env, 0);
  CHECK(pol_diag_count(env) == 1);
  CHECK_STR(d.file, "d.cel");
  CHECK_STR(d.message, msg);
  free(msg);
  pol_env_free(env);
}

/* Each text an env hands out stays valid until the next call of the same
 * function (pol.h: "until the next call on that handle that says it
 * changes them"): rendering the diagnostics, listing a program or a
 * policy, validating, formatting and a compile that fails leave each
 * other's texts alone. They shared one buffer, so a host that rendered
 * the diagnostics and then listed a program read freed memory. */
static void test_env_texts_apart(void) {
  pol_env *env = env_default();
  const char *schema_src = "fact size: int \"the size\"\nmust r: size > 1\n";
  pol_policy *schema = policy_of(env, schema_src, "s.pol");
  pol_program *prog = NULL, *none = NULL;
  const char *vendor = "{\"size\": \"big\"}";
  const char *render, *listing, *pol_listing, *problems, *formatted;
  char *want[5];
  size_t count = 0, len = 0;
  test_name = "env texts: each until the next call of its own function";
  CHECK_RC(pol_compile_expr(env, "size * 2 + 1", 12, "e.cel", NULL, &prog),
           POL_OK);
  CHECK_RC(pol_compile_expr(env, "1 +", 3, "d.cel", NULL, &none),
           POL_ESYNTAX);
  render = pol_diag_render(env, POL_RENDER_EXCERPT);
  want[0] = dup_str(render);
  listing = pol_program_disasm(env, prog);
  want[1] = dup_str(listing ? listing : "");
  pol_listing = pol_policy_disasm(env, schema);
  want[2] = dup_str(pol_listing ? pol_listing : "");
  CHECK_RC(pol_validate(env, schema, vendor, strlen(vendor), "v.json",
                        &count, &problems), POL_OK);
  want[3] = dup_str(problems);
  CHECK_RC(pol_format(env, "rule a{require size>1}", 22, "f.pol", &formatted,
                      &len), POL_OK);
  want[4] = dup_str(formatted);
  /* a compile that fails replaces the diagnostics, not the texts */
  CHECK_RC(pol_compile_expr(env, "2 *", 3, "e2.cel", NULL, &none),
           POL_ESYNTAX);
  CHECK_HAS(want[0], "d.cel:1:");
  CHECK_HAS(want[3], "size");
  CHECK_HAS(want[4], "require size > 1");
  CHECK_STR(render, want[0]);
  CHECK_STR(listing, want[1]);
  CHECK_STR(pol_listing, want[2]);
  CHECK_STR(problems, want[3]);
  CHECK_STR(formatted, want[4]);
  CHECK_HAS(pol_env_errmsg(env), "e2.cel:1:");
  for (int i = 0; i < 5; i++)
    free(want[i]);
  pol_program_free(prog);
  pol_policy_free(schema);
  pol_env_free(env);
}

/* Once its report is reset, a fact set may be freed: the report no
 * longer refers to it (ASan would see a read of freed memory). */
static void test_report_reset_releases_facts(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, POLICY, "c.pol");
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  pol_facts *a = facts_of(env, VENDOR_A, "in/a.json");
  pol_facts *b = facts_of(env, VENDOR_B, "in/b.json");
  const char *json;
  test_name = "report reset releases facts";
  CHECK_RC(pol_check(ctx, rep, a, "in/a.json"), POL_OK);
  pol_report_reset(rep);
  pol_facts_free(a);
  CHECK_RC(pol_check(ctx, rep, b, "in/b.json"), POL_OK);
  json = pol_report_render(rep, POL_FORMAT_JSON, 0);
  CHECK_HAS(json, "\"vendor\": \"Beta\"");
  CHECK(json && strstr(json, "ACME") == NULL);
  pol_report_free(rep);
  pol_facts_free(b);
  pol_ctx_free(ctx);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* Facts from a file: errors name the file by its path. */
static void test_facts_file(void) {
  pol_env *env = env_default();
  pol_facts *f = NULL;
  char *good = scratch_path("v.json"), *bad = scratch_path("bad.json");
  char want[1100];
  test_name = "facts from a file";
  write_file(good, VENDOR_B);
  write_file(bad, "{\n\n  \"a\": tru\n}\n");
  CHECK_RC(pol_facts_new(env, &f), POL_OK);
  CHECK_RC(pol_facts_load_file(f, good), POL_OK);
  CHECK(pol_value_bool(pol_value_get(pol_facts_get(f, "auth"), "mfa")));
  CHECK_RC(pol_facts_load_file(f, bad), POL_EFORMAT);
  snprintf(want, sizeof want, "%s:3:", bad);
  CHECK_PREFIX(pol_facts_errmsg(f), want);
  CHECK(pol_facts_count(f) == 0);
  pol_facts_free(f);
  pol_env_free(env);
}

/* A presence test that finds nothing is a fact read with a NULL value;
 * a fact's own $evidence wins over its ancestor's. */
static void test_presence_and_evidence(void) {
  pol_env *env = env_default();
  pol_policy *pol = policy_of(env, "must p: has(backup.offsite)\n"
                                   "must q: backup.generations >= 1\n",
                              "p.pol");
  pol_facts *f = facts_of(env, "{\"$evidence\": {\"backup\": \"whole\","
                               " \"backup.generations\": \"own\"},"
                               " \"backup\": {\"generations\": 2}}",
                          "e.json");
  pol_ctx *ctx = ctx_of(env);
  pol_report *rep = report_of(pol, POL_UNKNOWN_FAIL);
  test_name = "presence tests and evidence";
  CHECK_RC(pol_check(ctx, rep, f, "e.json"), POL_OK);
  CHECK_STR(pol_report_verdict(rep, 0, 0), "FAIL");
  CHECK(pol_report_fact_count(rep, 0, 0) == 1);
  CHECK_STR(pol_report_fact_path(rep, 0, 0, 0), "backup.offsite");
  CHECK(pol_report_fact_value(rep, 0, 0, 0) == NULL);
  CHECK_STR(pol_report_fact_evidence(rep, 0, 1, 0), "own");
  CHECK_STR(pol_report_fact_evidence_of(rep, 0, 1, 0), "backup.generations");
  pol_report_free(rep);
  pol_ctx_free(ctx);
  pol_facts_free(f);
  pol_policy_free(pol);
  pol_env_free(env);
}

/* }==== */

void contract_io_tests(void) {
  test_writer_chunk_equal();
  test_writer_failure();
  test_writer_mode_mismatch();
  test_writer_finished_inputs();
  test_streaming();
  test_saved_round_trip();
  test_saved_when_texts();
  test_saved_damaged();
  test_saved_host_function();
  test_eval_value_lifetime();
  test_policy_strings_lifetime();
  test_arguments_borrowed();
  test_report_detach();
  test_report_reset();
  test_decls_borrowed();
  test_diag_strings_lifetime();
  test_env_texts_apart();
  test_report_reset_releases_facts();
  test_facts_file();
  test_presence_and_evidence();
}
