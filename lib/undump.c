/*
 * undump.c: loading a saved policy (docs/bytecode.md). The header is
 * checked first, as Lua's checkHeader does: magic, format version, the
 * byte-order probe, then the CRC-32 trailer, so a damaged file is named
 * as such early. Then every section is decoded with bounds checks on
 * every read: a count is compared with the bytes left before anything is
 * allocated for it, strings must be UTF-8, values nest at most
 * DUMP_MAX_DEPTH deep, and a section must be consumed exactly. Last, the
 * whole policy goes through verify_policy(): a correct checksum proves
 * nothing about a hostile file.
 */
#include "dump.h"
#include "regex.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "time.h"
#include "verify.h"

#define NO_STRING 0xffffffffu

enum { STR_UTF8 = 1, STR_NUL = 2 }; /* string table entry flags */

typedef struct reader {
  const unsigned char *p;
  size_t len;        /* bytes before the trailer */
  size_t pos;        /* next byte to read */
  size_t end;        /* end of the current section */
  const char *sect;  /* tag of the current section */
  char *msg;
  size_t msglen;
  bool failed;
  bool oom;
  bool jit;          /* JIT-compile the constant patterns */
  uint32_t version;  /* the file's format, DUMP_OLDEST..DUMP_VERSION */
  uint32_t nstr;     /* the string table: */
  const unsigned char **str;
  uint32_t *slen;
  uint8_t *sflags;
  const char **cstr; /* entries copied as C strings, made on first use */
  policy *pol;
  program *prog;
  const struct host_registry *hosts;
  struct src_cursor *at; /* per source: where get_expr_src counted to */
  mem m;             /* the env's allocator, for everything */
} reader;

/* How far into a source the lines and columns are counted: expressions
 * come mostly in the order of their text, so each is counted on from
 * the one before, and a whole policy's are counted in one pass over
 * its sources (from the start each time, a policy of 4,000 rules took
 * 0.8 s to load). */
typedef struct src_cursor {
  uint32_t off, line, col;
} src_cursor;

/* Record the first error, located by section and offset. */
static bool bad(reader *r, const char *fmt, ...) POL_PRINTF(2, 3);
static bool bad(reader *r, const char *fmt, ...) {
  if (r->failed)
    return false;
  r->failed = true;
  int n = 0;
  if (r->sect)
    n = snprintf(r->msg, r->msglen, "section %s, offset %zu: ", r->sect,
                 r->pos);
  va_list ap;
  va_start(ap, fmt);
  if (n >= 0 && (size_t)n < r->msglen)
    vsnprintf(r->msg + n, r->msglen - (size_t)n, fmt, ap);
  va_end(ap);
  return false;
}

static bool nomem(reader *r) {
  if (!r->failed)
    snprintf(r->msg, r->msglen, "out of memory while loading");
  r->failed = r->oom = true;
  return false;
}

/* ==== primitive reads ==================================================== */

static bool have(reader *r, size_t n) {
  if (r->failed)
    return false;
  if (n <= r->end - r->pos)
    return true;
  return bad(r, "truncated: %zu bytes needed, %zu left", n,
             r->end - r->pos);
}

static uint32_t get_u8(reader *r) {
  return have(r, 1) ? r->p[r->pos++] : 0;
}

static uint32_t get_u32(reader *r) {
  if (!have(r, 4))
    return 0;
  const unsigned char *b = r->p + r->pos;
  r->pos += 4;
  return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
         (uint32_t)b[3] << 24;
}

static uint64_t get_u64(reader *r) {
  uint64_t lo = get_u32(r);
  return lo | (uint64_t)get_u32(r) << 32;
}

/* A count of items that each take at least [min] bytes: larger than the
 * bytes left could hold is an error, so no hostile count makes us
 * allocate more than the file's size warrants. */
static bool count_ok(reader *r, uint32_t n, size_t min, const char *what) {
  if (!r->failed && n > (r->end - r->pos) / min)
    return bad(r, "%s count %u is more than the %zu bytes left can hold",
               what, n, r->end - r->pos);
  return !r->failed;
}

static uint32_t get_count(reader *r, size_t min, const char *what) {
  uint32_t n = get_u32(r);
  return count_ok(r, n, min, what) ? n : 0;
}

/* A string reference: NULL for none (or after an error). The entry must
 * be UTF-8 text without NUL bytes. */
static const char *get_str(reader *r, const char *what) {
  uint32_t i = get_u32(r);
  if (r->failed || i == NO_STRING)
    return NULL;
  if (i >= r->nstr)
    return bad(r, "%s: string %u does not exist (there are %u)", what, i,
               r->nstr), NULL;
  if (r->sflags[i] & STR_NUL)
    return bad(r, "%s: string %u holds a NUL byte", what, i), NULL;
  if (!(r->sflags[i] & STR_UTF8))
    return bad(r, "%s: string %u is not UTF-8 text", what, i), NULL;
  if (!r->cstr[i]) {
    r->cstr[i] = arena_strndup(&r->pol->a, (const char *)r->str[i],
                               r->slen[i]);
    if (!r->cstr[i])
      return nomem(r), NULL;
  }
  return r->cstr[i];
}

/* A string reference that must not be none. */
static const char *need_str(reader *r, const char *what) {
  const char *s = get_str(r, what);
  if (!s && !r->failed)
    bad(r, "%s is missing", what);
  return s;
}

/* A u32 that is an entry point, or NO_STRING's value for none (-1). */
static int32_t get_entry(reader *r, const char *what) {
  uint32_t e = get_u32(r);
  if (e == NO_STRING)
    return -1;
  if (e > INT32_MAX)
    return bad(r, "%s: entry %u out of range", what, e), -1;
  return (int32_t)e;
}

/* Room for [n] zeroed items of [size] bytes (and one more, so n = 0
 * still gives a pointer) in the policy's arena; NULL after an earlier
 * error or on out of memory. */
static void *table(reader *r, uint32_t n, size_t size) {
  if (r->failed)
    return NULL;
  void *t = arena_zalloc(&r->pol->a, ((size_t)n + 1) * size);
  if (!t)
    nomem(r);
  return t;
}

/* ==== sections =========================================================== */

/* Enter the section [tag]: its tag and length must be there. */
static bool begin(reader *r, const char *tag) {
  r->end = r->len;
  if (!have(r, 8))
    return false;
  if (memcmp(r->p + r->pos, tag, 4) != 0)
    return bad(r, "expected section %s, found %02x %02x %02x %02x", tag,
               r->p[r->pos], r->p[r->pos + 1], r->p[r->pos + 2],
               r->p[r->pos + 3]);
  r->pos += 4;
  uint32_t n = get_u32(r);
  r->sect = tag;
  if (!r->failed && n > r->len - r->pos)
    return bad(r, "length %u runs past the end of the file (%zu bytes "
               "left)", n, r->len - r->pos);
  r->end = r->pos + n;
  return !r->failed;
}

/* Leave the current section, which must have been read exactly. */
static bool finish(reader *r) {
  if (!r->failed && r->pos != r->end)
    return bad(r, "%zu bytes left over at the end of the section",
               r->end - r->pos);
  r->end = r->len;
  return !r->failed;
}

static bool read_strings(reader *r) {
  if (!begin(r, "STRS"))
    return false;
  uint32_t n = get_count(r, 4, "string");
  r->str = mem_calloc(&r->m, (size_t)n + 1, sizeof *r->str);
  r->slen = mem_calloc(&r->m, (size_t)n + 1, sizeof *r->slen);
  r->sflags = mem_alloc(&r->m, (size_t)n + 1);
  r->cstr = mem_calloc(&r->m, (size_t)n + 1, sizeof *r->cstr);
  if (!r->str || !r->slen || !r->sflags || !r->cstr)
    return nomem(r);
  for (uint32_t i = 0; i < n && !r->failed; i++) {
    uint32_t len = get_u32(r);
    if (!have(r, len))
      break;
    const char *s = (const char *)r->p + r->pos;
    r->str[i] = r->p + r->pos;
    r->slen[i] = len;
    r->sflags[i] = (utf8_valid(s, len) ? STR_UTF8 : 0) |
                   (memchr(s, 0, len) ? STR_NUL : 0);
    r->pos += len;
    r->nstr = i + 1;
  }
  return finish(r);
}

/* ==== values ============================================================= */

/* The val_kind of format code [tag] (docs/bytecode.md), or -1. */
static int tag_kind(uint32_t tag) {
  static const int kinds[] = {V_NULL, V_BOOL, V_INT, V_UINT, V_DOUBLE,
                              V_STRING, V_BYTES, V_LIST, V_MAP, V_DURATION,
                              V_TIMESTAMP, V_TYPE, V_OPTIONAL, T_DYN};
  return tag < POL_COUNTOF(kinds) ? kinds[tag] : -1;
}

static bool get_value(reader *r, arena *a, int depth, val *out);

/* String or bytes value [kind] from a string table reference. */
static bool get_text(reader *r, arena *a, int kind, val *out) {
  uint32_t i = get_u32(r);
  if (r->failed)
    return false;
  if (i >= r->nstr)
    return bad(r, "string %u does not exist (there are %u)", i, r->nstr);
  if (kind == V_STRING && !(r->sflags[i] & STR_UTF8))
    return bad(r, "string constant %u is not UTF-8", i);
  *out = kind == V_STRING ? val_string(a, (const char *)r->str[i], r->slen[i])
                          : val_bytes(a, r->str[i], r->slen[i]);
  return out->kind == V_ERROR ? nomem(r) : true;
}

static bool get_list(reader *r, arena *a, int depth, val *out) {
  uint32_t n = get_count(r, 1, "list item");
  list *l = r->failed ? NULL : list_alloc(a, n);
  if (!l)
    return r->failed ? false : nomem(r);
  for (uint32_t i = 0; i < n; i++)
    if (!get_value(r, a, depth + 1, &l->items[i]))
      return false;
  *out = (val){.kind = V_LIST, .as.l = l};
  return true;
}

static bool get_map(reader *r, arena *a, int depth, val *out) {
  uint32_t n = get_count(r, 2, "map entry");
  val *k = r->failed ? NULL : mem_calloc(&r->m, (size_t)n + 1, sizeof *k);
  val *v = r->failed ? NULL : mem_calloc(&r->m, (size_t)n + 1, sizeof *v);
  bool ok = k && v;
  if (!ok && !r->failed)
    nomem(r);
  for (uint32_t i = 0; ok && i < n; i++)
    ok = get_value(r, a, depth + 1, &k[i]) &&
         get_value(r, a, depth + 1, &v[i]);
  if (ok) {
    *out = val_map(a, k, v, n);
    if (out->kind == V_ERROR && out->as.e->kind == ERR_NOMEM)
      ok = nomem(r);
    else if (out->kind == V_ERROR)
      ok = bad(r, "map constant: %s", out->as.e->msg);
  }
  mem_free(&r->m, k);
  mem_free(&r->m, v);
  return ok;
}

/* Seconds and nanoseconds of a duration or timestamp, range-checked. */
static bool get_time(reader *r, int kind, val *out) {
  int64_t s = (int64_t)get_u64(r);
  int32_t ns = (int32_t)get_u32(r);
  if (r->failed)
    return false;
  bool ok = kind == V_DURATION ? tm_duration_ok(s, ns)
                               : tm_timestamp_ok(s, ns);
  if (!ok)
    return bad(r, "%s out of range", val_kind_name(kind));
  *out = kind == V_DURATION ? val_duration(s, ns) : val_timestamp(s, ns);
  return true;
}

static bool get_type_value(reader *r, val *out) {
  int t = tag_kind(get_u8(r));
  if (r->failed)
    return false;
  if (t < 0 || t == V_ERROR)
    return bad(r, "unknown type code");
  *out = val_type(t);
  return true;
}

/* One tagged value, at nesting [depth], allocated in [a]. */
static bool get_value(reader *r, arena *a, int depth, val *out) {
  if (depth > DUMP_MAX_DEPTH)
    return bad(r, "values nested more than %d deep", DUMP_MAX_DEPTH);
  uint32_t tag = get_u8(r), b;
  int kind = tag <= 11 ? tag_kind(tag) : -1;
  if (r->failed)
    return false;
  switch (kind) {
  case V_NULL: *out = val_null(); return true;
  case V_BOOL:
    b = get_u8(r);
    if (b > 1 && !r->failed)
      return bad(r, "bool byte %u is neither 0 nor 1", b);
    *out = val_bool(b == 1);
    return !r->failed;
  case V_INT: *out = val_int((int64_t)get_u64(r)); return !r->failed;
  case V_UINT: *out = val_uint(get_u64(r)); return !r->failed;
  case V_DOUBLE: /* the bits as written: NaNs and -0.0 survive */
    *out = val_uint(get_u64(r));
    out->kind = V_DOUBLE;
    return !r->failed;
  case V_STRING: case V_BYTES: return get_text(r, a, kind, out);
  case V_LIST: return get_list(r, a, depth, out);
  case V_MAP: return get_map(r, a, depth, out);
  case V_DURATION: case V_TIMESTAMP: return get_time(r, kind, out);
  case V_TYPE: return get_type_value(r, out);
  default: return bad(r, "unknown value tag %u", tag);
  }
}

/* ==== program sections =================================================== */

static bool read_consts(reader *r) {
  program *p = r->prog;
  if (!begin(r, "CNST"))
    return false;
  uint32_t n = get_count(r, 1, "constant");
  if (r->failed)
    return false;
  p->consts = mem_calloc(&r->m, (size_t)n + 1, sizeof *p->consts);
  if (!p->consts)
    return nomem(r);
  for (uint32_t i = 0; i < n; i++) {
    if (!get_value(r, &p->a, 0, &p->consts[i]))
      return false;
    p->nconsts = i + 1;
  }
  return finish(r);
}

/* A built-in function: found again by name, style and arity, and taking
 * the argument counts the file expects. */
static const builtin *builtin_entry(reader *r, uint32_t i, const char *name,
                                 uint32_t style, uint32_t n, int min,
                                 int max) {
  if (style != BI_GLOBAL && style != BI_RECEIVER)
    return bad(r, "function %u ('%s'): style %u is neither global (1) nor "
               "receiver (2)", i, name, style), NULL;
  const builtin *b = bi_lookup(name, (int)style, (int)n, NULL);
  if (!b)
    return bad(r, "function %u: this library has no built-in '%s' taking "
               "%u arguments", i, name, n), NULL;
  if (b->min != min || b->max != max)
    return bad(r, "function %u: '%s' takes %d..%d arguments here, the file "
               "expects %d..%d", i, name, b->min, b->max, min, max), NULL;
  return b;
}

/* A host function: registered in the env with the same signature (or,
 * for an escape-hatch function, the same arity range). */
static const builtin *host_entry(reader *r, uint32_t i, const char *name,
                              const char *sig, int min, int max) {
  const builtin *b = host_find(r->hosts, name);
  if (!b || b->fn)
    return bad(r, "function %u: host function '%s' is not registered in "
               "this environment", i, name), NULL;
  const char *have_sig = host_signature(b);
  if ((sig == NULL) != (have_sig == NULL) ||
      (sig && strcmp(sig, have_sig) != 0) || b->min != min || b->max != max)
    return bad(r, "function %u: host function '%s' is registered as %s, "
               "the file needs %s", i, name,
               have_sig ? have_sig : "a value function",
               sig ? sig : "a value function"), NULL;
  return b;
}

static bool read_fn(reader *r, uint32_t i) {
  uint32_t kind = get_u8(r);
  const char *name = need_str(r, "function name");
  uint32_t style = get_u8(r), n = get_u8(r);
  int min = (int8_t)get_u8(r), max = (int8_t)get_u8(r);
  const char *sig = get_str(r, "function signature");
  if (r->failed)
    return false;
  const builtin *b = NULL;
  if (kind == 0 && !sig)
    b = builtin_entry(r, i, name, style, n, min, max);
  else if (kind == 1 && style == 0 && n == 0)
    b = host_entry(r, i, name, sig, min, max);
  else
    bad(r, "function %u ('%s'): malformed entry", i, name);
  r->prog->fns[i] = b;
  return b != NULL;
}

static bool read_fns(reader *r) {
  program *p = r->prog;
  if (!begin(r, "FUNC"))
    return false;
  uint32_t n = get_count(r, 13, "function");
  if (r->failed)
    return false;
  p->fns = mem_calloc(&r->m, (size_t)n + 1, sizeof *p->fns);
  if (!p->fns)
    return nomem(r);
  p->nfns = n;
  for (uint32_t i = 0; i < n; i++)
    if (!read_fn(r, i))
      return false;
  return finish(r);
}

static bool read_code(reader *r) {
  program *p = r->prog;
  if (!begin(r, "CODE"))
    return false;
  uint32_t n = get_count(r, 4, "instruction word");
  if (r->failed)
    return false;
  p->code = mem_calloc(&r->m, (size_t)n + 1, sizeof *p->code);
  p->locs = mem_calloc(&r->m, (size_t)n + 1, sizeof *p->locs);
  if (!p->code || !p->locs)
    return nomem(r);
  for (uint32_t i = 0; i < n; i++)
    p->code[i] = get_u32(r);
  p->ncode = n;
  if (!finish(r) || !begin(r, "LOCS"))
    return false;
  uint32_t nl = get_count(r, 20, "location");
  if (!r->failed && nl != n)
    return bad(r, "%u locations for %u instruction words", nl, n);
  for (uint32_t i = 0; i < n && !r->failed; i++) {
    loc *l = &p->locs[i];
    l->off = get_u32(r);
    l->len = get_u32(r);
    l->line = get_u32(r);
    l->col = get_u32(r);
    l->src = get_u32(r);
  }
  return finish(r);
}

/* The constant patterns of MATCH: each a string constant, compiled
 * again here (a pattern that does not compile is a damaged file). */
static bool read_patterns(reader *r, program *p) {
  uint32_t n = get_count(r, 4, "pattern");
  if (r->failed)
    return false;
  p->rx = mem_calloc(&r->m, (size_t)n + 1, sizeof *p->rx);
  p->rx_const = mem_calloc(&r->m, (size_t)n + 1, sizeof *p->rx_const);
  if (!p->rx || !p->rx_const)
    return nomem(r);
  for (uint32_t i = 0; i < n; i++) {
    uint32_t k = get_u32(r);
    if (r->failed)
      return false;
    if (k >= p->nconsts || p->consts[k].kind != V_STRING)
      return bad(r, "pattern %u: constant %u is not a string", i, k);
    val e;
    const str *pat = p->consts[k].as.s;
    if (!(p->rx[i] = rx_compile(&p->a, pat->data, pat->len, &e, r->jit)))
      return e.as.e->kind == ERR_NOMEM
                 ? nomem(r)
                 : bad(r, "pattern %u: %s", i, e.as.e->msg);
    p->rx_const[i] = k;
    p->nrx = i + 1; /* so program_free frees a partial table */
  }
  return true;
}

static bool read_sources(reader *r) {
  program *p = r->prog;
  if (!begin(r, "SRCS"))
    return false;
  uint32_t n = get_count(r, 8, "source");
  if (r->failed)
    return false;
  p->srcs = mem_calloc(&r->m, (size_t)n + 1, sizeof *p->srcs);
  if (!p->srcs)
    return nomem(r);
  for (uint32_t i = 0; i < n; i++) {
    const char *name = need_str(r, "source name");
    uint32_t len = get_u32(r);
    if (!have(r, len))
      return false;
    source *s = &p->srcs[i];
    p->nsrcs = i + 1; /* so program_free frees a partial table */
    s->name = mem_strdup(&r->m, name);
    s->text = mem_strndup(&r->m, (const char *)r->p + r->pos, len);
    if (!s->name || !s->text)
      return nomem(r);
    s->len = len;
    if (!utf8_valid(s->text, len))
      return bad(r, "source %u ('%s') is not UTF-8 text", i, name);
    r->pos += len;
  }
  if (!finish(r) || !begin(r, "PROG"))
    return false;
  uint32_t isa = get_u32(r);
  if (!r->failed && isa != dump_isa())
    return bad(r, "made for another instruction set (fingerprint 0x%08x, "
               "this library's is 0x%08x): compile the policy again", isa,
               dump_isa());
  p->nlocals = get_u32(r);
  p->maxstack = get_u32(r);
  return read_patterns(r, p) && finish(r);
}

/* ==== policy sections ==================================================== */

static bool read_header(reader *r) {
  policy *p = r->pol;
  if (!begin(r, "HEAD"))
    return false;
  p->name = need_str(r, "policy name");
  p->title = get_str(r, "policy title");
  p->version = get_str(r, "policy version");
  p->description = get_str(r, "policy description");
  p->file = need_str(r, "policy file");
  return finish(r);
}

static bool read_message(reader *r, rule *ru) {
  uint32_t n = get_u32(r);
  if (r->failed || n == NO_STRING)
    return !r->failed; /* no message */
  if (!count_ok(r, n, 8, "message part") ||
      !(ru->message = table(r, n, sizeof *ru->message)))
    return false;
  for (uint32_t k = 0; k < n && !r->failed; k++) {
    ru->message[k].text = need_str(r, "message part");
    ru->message[k].entry = get_entry(r, "message part");
  }
  ru->nmessage = n;
  return !r->failed;
}

/* Where an expression's text is: its line and column are counted in
 * the source (read before), on from the last expression's when it came
 * before (src_cursor), and verify.c checks the span lies in it. */
static void get_expr_src(reader *r, expr_src *e) {
  e->src = get_u32(r);
  e->off = get_u32(r);
  e->len = get_u32(r);
  e->line = e->col = 1;
  if (e->src >= r->prog->nsrcs || e->off > r->prog->srcs[e->src].len)
    return;
  if (!r->at && !(r->at = table(r, r->prog->nsrcs, sizeof *r->at)))
    return;
  src_cursor *c = &r->at[e->src];
  if (c->line == 0 || c->off > e->off) /* not counted yet, or behind */
    *c = (src_cursor){0, 1, 1};
  const char *t = r->prog->srcs[e->src].text;
  for (uint32_t i = c->off; i < e->off; i++) {
    if (t[i] == '\n') {
      c->line++;
      c->col = 1;
    } else if (((unsigned char)t[i] & 0xc0) != 0x80) { /* code points */
      c->col++;
    }
  }
  c->off = e->off;
  e->line = c->line;
  e->col = c->col;
}

static bool read_rule(reader *r, rule *ru) {
  ru->id = need_str(r, "rule id");
  ru->title = need_str(r, "rule title");
  uint32_t sev = get_u8(r);
  if (!r->failed && sev > SEV_MAY)
    return bad(r, "rule '%s': severity %u is not must (0), should (1) or "
               "may (2)", ru->id, sev);
  ru->sev = (severity)sev;
  ru->nrefs = get_count(r, 4, "ref");
  if (!(ru->refs = table(r, ru->nrefs, sizeof *ru->refs)))
    return false;
  for (uint32_t k = 0; k < ru->nrefs; k++)
    ru->refs[k] = need_str(r, "rule ref");
  ru->when = get_entry(r, "when");
  int32_t req = get_entry(r, "require");
  if (!r->failed && req < 0)
    return bad(r, "rule '%s' has no require entry", ru->id);
  ru->require = (uint32_t)req;
  if (!read_message(r, ru))
    return false;
  ru->ask = get_str(r, "rule ask");
  ru->ask_en = get_str(r, "rule ask (en)");
  uint32_t flags = r->version >= 7 ? get_u8(r) : 0; /* 4 to 6: none */
  if (flags > 1 && !r->failed)
    return bad(r, "rule '%s': flags byte %u is neither 0 nor 1", ru->id,
               flags);
  ru->ask_derived = flags == 1;
  ru->file = need_str(r, "rule file");
  ru->line = get_u32(r);
  ru->col = get_u32(r);
  get_expr_src(r, &ru->when_at);
  get_expr_src(r, &ru->require_at);
  return !r->failed;
}

static bool read_rules(reader *r) {
  policy *p = r->pol;
  if (!begin(r, "RULE"))
    return false;
  uint32_t n = get_count(r, r->version >= 7 ? 42 : 41, "rule");
  if (!(p->rules = table(r, n, sizeof *p->rules)))
    return false;
  for (uint32_t i = 0; i < n; i++) {
    if (!read_rule(r, &p->rules[i]))
      return false;
    p->nrules = i + 1;
  }
  return finish(r);
}

static const fact_type *get_type(reader *r, int depth) {
  if (depth > DUMP_MAX_DEPTH)
    return bad(r, "fact types nested more than %d deep", DUMP_MAX_DEPTH),
           NULL;
  int kind = tag_kind(get_u8(r));
  if (r->failed)
    return NULL;
  if (kind < 0 || kind == V_NULL || kind == V_TYPE || kind == V_OPTIONAL)
    return bad(r, "unknown fact type code"), NULL;
  fact_type *t = arena_zalloc(&r->pol->a, sizeof *t);
  if (!t)
    return nomem(r), NULL;
  t->kind = kind;
  if ((kind == V_LIST || kind == V_MAP) && !(t->elem = get_type(r, depth + 1)))
    return NULL;
  return t;
}

static bool read_fact(reader *r, fact_decl *f) {
  f->path = need_str(r, "fact path");
  f->type = get_type(r, 0);
  if (!f->type || !get_value(r, &r->pol->a, 0, &f->allowed))
    return false;
  if (f->allowed.kind != V_NULL && f->allowed.kind != V_LIST)
    return bad(r, "fact '%s': allowed values must be a list", f->path);
  f->labels = val_null(); /* format 4 has none */
  if (r->version >= 5 && !get_value(r, &r->pol->a, 0, &f->labels))
    return false;
  if (!policy_labels_ok(f->labels))
    return bad(r, "fact '%s': labels must be a map of strings", f->path);
  f->desc = get_str(r, "fact description");
  f->nrefs = get_count(r, 4, "fact ref");
  if (!(f->refs = table(r, f->nrefs, sizeof *f->refs)))
    return false;
  for (uint32_t k = 0; k < f->nrefs; k++)
    f->refs[k] = need_str(r, "fact ref");
  for (int l = 0; l < NLANGS; l++)
    f->ask[l] = get_str(r, "fact question");
  f->file = need_str(r, "fact file");
  f->line = get_u32(r);
  f->col = get_u32(r);
  uint32_t flags = r->version >= 6 ? get_u8(r) : 0; /* 4, 5: none */
  if (flags > 3 && !r->failed)
    return bad(r, "fact '%s': flags byte %u is not one of 0 to 3", f->path,
               flags);
  f->derived = flags & 1;
  f->prelude = flags & 2;
  r->pol->nquiet += f->derived || f->prelude;
  return !r->failed;
}

static bool read_facts(reader *r) {
  policy *p = r->pol;
  if (!begin(r, "FACT"))
    return false;
  uint32_t n = get_count(r, r->version >= 6 ? 24 : r->version >= 5 ? 23 : 22,
                         "fact");
  if (!(p->facts = table(r, n, sizeof *p->facts)))
    return false;
  for (uint32_t i = 0; i < n; i++) {
    if (!read_fact(r, &p->facts[i]))
      return false;
    p->nfacts = i + 1;
  }
  return finish(r);
}

static bool read_lets(reader *r) {
  policy *p = r->pol;
  if (!begin(r, "LETS"))
    return false;
  uint32_t n = get_count(r, r->version >= 6 ? 17 : 16, "let");
  if (!(p->lets = table(r, n, sizeof *p->lets)))
    return false;
  for (uint32_t i = 0; i < n && !r->failed; i++) {
    p->lets[i].name = need_str(r, "let name");
    get_expr_src(r, &p->lets[i].at);
    uint32_t derived = r->version >= 6 ? get_u8(r) : 0; /* 4, 5: none */
    if (derived > 1 && !r->failed)
      return bad(r, "let %u: derived byte %u is neither 0 nor 1", i, derived);
    p->lets[i].derived = derived == 1;
    p->nlets = i + 1;
  }
  return !r->failed && finish(r);
}

/* ==== the file =========================================================== */

static uint32_t le32(const unsigned char *b) {
  return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
         (uint32_t)b[3] << 24;
}

/* Magic, version, probe and checksum. */
static bool header_ok(reader *r, size_t len) {
  if (len < DUMP_MAGIC_LEN || memcmp(r->p, DUMP_MAGIC, DUMP_MAGIC_LEN) != 0)
    return bad(r, "not a saved policy (no POLC magic)");
  if (len < DUMP_HEADER_LEN + DUMP_TRAILER_LEN)
    return bad(r, "truncated: %zu bytes, a saved policy has at least %u",
               len, DUMP_HEADER_LEN + DUMP_TRAILER_LEN);
  uint32_t version = le32(r->p + 8), probe = le32(r->p + 12);
  if (version < DUMP_OLDEST || version > DUMP_VERSION)
    return bad(r, "format version %u; this library reads versions %u to "
               "%u (compile the policy again)", version, DUMP_OLDEST,
               DUMP_VERSION);
  r->version = version;
  if (probe != DUMP_PROBE)
    return bad(r, "byte-order probe reads 0x%08x, not 0x%08x", probe,
               DUMP_PROBE);
  uint32_t want = le32(r->p + len - 4), got = dump_crc32(r->p, len - 4);
  if (want != got)
    return bad(r, "checksum mismatch (stored 0x%08x, computed 0x%08x): the "
               "file is damaged or truncated", want, got);
  r->pos = DUMP_HEADER_LEN;
  return true;
}

static bool read_all(reader *r) {
  return read_strings(r) && read_consts(r) && read_fns(r) && read_code(r) &&
         read_sources(r) && read_header(r) && read_rules(r) &&
         read_facts(r) && read_lets(r);
}

/* Each rule's `when` as written, taken from its text in SRCS (which the
 * verifier has checked lies inside its source): what reports quote for a
 * SKIPPED rule (TAP, JUnit), as they do for a compiled policy, never
 * "(when)". false on out of memory. */
static bool when_texts(policy *p) {
  for (uint32_t i = 0; i < p->nrules; i++) {
    rule *ru = &p->rules[i];
    const expr_src *at = &ru->when_at;
    if (ru->when < 0 || at->src >= p->prog->nsrcs)
      continue;
    ru->when_text = arena_strndup(&p->a, p->prog->srcs[at->src].text + at->off,
                                  at->len);
    if (!ru->when_text)
      return false;
  }
  return true;
}

static policy *new_policy(const mem *m) {
  policy *p = mem_calloc(m, 1, sizeof *p);
  program *prog = mem_calloc(m, 1, sizeof *prog);
  if (!p || !prog) {
    mem_free(m, p);
    mem_free(m, prog);
    return NULL;
  }
  arena_init(&p->a, 0, m);
  arena_init(&prog->a, 0, m);
  p->prog = prog;
  return p;
}

int undump_policy(const mem *m, const void *data, size_t len,
                  const struct host_registry *hosts, bool jit, policy **out,
                  char *msg, size_t msglen) {
  reader r;
  memset(&r, 0, sizeof r);
  r.jit = jit;
  r.m = m ? *m : mem_of(NULL, NULL);
  r.p = data;
  r.msg = msg;
  r.msglen = msglen;
  r.hosts = hosts;
  *out = NULL;
  if (!header_ok(&r, len))
    return POL_EFORMAT;
  r.len = r.end = len - DUMP_TRAILER_LEN;
  r.pol = new_policy(&r.m);
  if (!r.pol)
    return nomem(&r), POL_ENOMEM;
  r.prog = r.pol->prog;
  r.pol->hosts = hosts;
  bool ok = read_all(&r);
  if (ok && (r.pol->a.failed || r.prog->a.failed))
    ok = nomem(&r); /* a string or table of the policy may be missing */
  if (ok && r.pos != r.len) {
    r.sect = NULL;
    ok = bad(&r, "%zu bytes after the last section", r.len - r.pos);
  }
  int rc = r.oom ? POL_ENOMEM : POL_EFORMAT;
  if (ok)
    rc = verify_policy(r.pol, msg, msglen);
  if (rc == POL_OK) { /* its superinstructions (opcodes.h), never saved */
    program_fuse(r.prog);
    policy_index(r.pol);
    if (!when_texts(r.pol)) {
      nomem(&r);
      rc = POL_ENOMEM;
    }
  }
  mem_free(&r.m, r.str);
  mem_free(&r.m, r.slen);
  mem_free(&r.m, r.sflags);
  mem_free(&r.m, r.cstr);
  if (rc != POL_OK) {
    policy_free(r.pol);
    return rc;
  }
  *out = r.pol;
  return POL_OK;
}
