/*
 * regex.c: `matches` for CEL through PCRE2 (see regex.h). It owns three
 * steps: a scan that refuses what RE2 would refuse, the translation of
 * the one escape whose meaning differs (RE2's \v is a vertical tab, PCRE2's
 * is a class), and a compile + search under hard limits.
 *
 * Semantics kept from RE2: UTF-8 code points; \d \w \s \b and the POSIX
 * classes are ASCII-only (so no PCRE2_UCP, whose Unicode classes RE2 does
 * not have), while (?i) still folds case over all of Unicode; `$` without
 * (?m) matches only at the very end (PCRE2_DOLLAR_ENDONLY); `.` stops only
 * at \n (newline convention LF); repetition counts are at most 1000.
 * Refused: backreferences \1-\9 (so RE2's two-digit octal \12 form is
 * refused too: write \x0a), \k \g, lookaround, atomic and branch-reset
 * groups, recursion, conditionals, callouts, comments, (*VERBS),
 * possessive quantifiers, \C, and escapes RE2 does not define (\Z \G \K
 * \R \X \h \H \V \N \e \c \o ...).
 *
 * Limits: the backtracking matcher gets POL_REGEX_MATCH_LIMIT steps, the
 * same depth, and RX_HEAP_KIB of heap. PCRE2 restarts that step count at
 * each start position, so on its own it bounds a search only by that
 * many steps per byte of the subject: quadratic for some patterns over
 * long text (.{0,1000}[bc] over a megabyte). The evaluation's step budget
 * (cost.h) bounds the whole search instead: patterns are compiled with
 * automatic callouts, so PCRE2 calls charge_item() each time it enters a
 * pattern item, at any start position, and the callout stops the search
 * when the budget is spent. Between two callouts the matcher does at most
 * a counted repetition's worth of work (a{1000} reads 1000 characters),
 * so each callout costs 1 step plus 1 per 16 of the largest count in the
 * pattern. Callouts slow a match of a short string by about 0.2 us.
 */
#include "regex.h"

#include "builtins.h"
#include "cost.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

enum {
  RX_MAX_REPEAT = 1000, /* RE2's limit on {n,m} */
  RX_HEAP_KIB = 16384   /* backtracking memory per search */
};

/* ==== RE2 syntax scan ================================================== */

typedef struct scan {
  const char *p;
  size_t n, i;
  size_t nv;       /* \v escapes seen: translated before compiling */
  long maxrep;     /* the largest {n,m} count: the cost of a callout */
  const char *why; /* set when the pattern is refused */
  size_t at;       /* byte offset of the refused construct */
} scan;

static bool refuse(scan *sc, size_t at, const char *why) {
  sc->why = why;
  sc->at = at;
  return false;
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

static bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Skip "{...}" after \x, \p or \P so that its digits are not read as a
 * repetition count. */
static void skip_braces(scan *sc) {
  if (sc->i < sc->n && sc->p[sc->i] == '{') {
    while (sc->i < sc->n && sc->p[sc->i] != '}')
      sc->i++;
    if (sc->i < sc->n)
      sc->i++;
  }
}

/* \Q...\E: everything up to \E (or the end) is literal. */
static void skip_quoted(scan *sc) {
  while (sc->i < sc->n) {
    if (sc->p[sc->i] == '\\' && sc->i + 1 < sc->n && sc->p[sc->i + 1] == 'E') {
      sc->i += 2;
      return;
    }
    sc->i++;
  }
}

/* The escape at p[i] == '\\'. RE2 knows a fixed set of letters, octal
 * \0.., and any escaped ASCII punctuation. */
static bool scan_escape(scan *sc, bool in_class) {
  size_t at = sc->i;
  if (at + 1 >= sc->n) { /* trailing backslash: PCRE2 reports it */
    sc->i++;
    return true;
  }
  char c = sc->p[at + 1];
  sc->i += 2;
  if (c >= '1' && c <= '9')
    return refuse(sc, at, "backreferences are not supported");
  if ((unsigned char)c >= 0x80)
    return refuse(sc, at, "escaping a non-ASCII character is not allowed");
  if (!is_alpha(c))
    return true;
  const char *ok = in_class ? "afnrtvxdDsSwWpP" : "afnrtvxdDsSwWpPAbBzQE";
  if (!strchr(ok, c))
    return refuse(sc, at, "escape sequence not supported in RE2 syntax");
  if (c == 'v')
    sc->nv++;
  if (c == 'Q')
    skip_quoted(sc);
  if (c == 'x' || c == 'p' || c == 'P')
    skip_braces(sc);
  return true;
}

/* A POSIX class "[:alpha:]" inside a character class: skip to ":]". */
static void skip_posix(scan *sc) {
  size_t i = sc->i + 2;
  while (i + 1 < sc->n && !(sc->p[i] == ':' && sc->p[i + 1] == ']'))
    i++;
  sc->i = i + 1 < sc->n ? i + 2 : sc->n;
}

/* The character class at p[i] == '['. A ']' first is literal. */
static bool scan_class(scan *sc) {
  size_t at = sc->i++;
  if (sc->i < sc->n && sc->p[sc->i] == '^')
    sc->i++;
  if (sc->i < sc->n && sc->p[sc->i] == ']')
    sc->i++;
  while (sc->i < sc->n && sc->p[sc->i] != ']') {
    if (sc->p[sc->i] == '\\') {
      if (!scan_escape(sc, true))
        return false;
    } else if (sc->p[sc->i] == '[' && sc->i + 1 < sc->n &&
               sc->p[sc->i + 1] == ':') {
      skip_posix(sc);
    } else {
      sc->i++;
    }
  }
  if (sc->i >= sc->n)
    return refuse(sc, at, "missing closing ]");
  sc->i++;
  return true;
}

/* "(?" followed by flags from RE2's set (i m s U and -), ending in ')' or
 * ':'. */
static bool flag_group(const char *p, size_t n, size_t i) {
  size_t start = i;
  while (i < n && p[i] != '\0' && strchr("imsU-", p[i]))
    i++;
  return i > start && i < n && (p[i] == ')' || p[i] == ':');
}

/* The group opening at p[i] == '('. */
static bool scan_group(scan *sc) {
  size_t at = sc->i++;
  const char *p = sc->p;
  size_t n = sc->n, i = sc->i;
  if (i < n && p[i] == '*')
    return refuse(sc, at, "(*VERB) items are not supported");
  if (i >= n || p[i] != '?')
    return true;
  char c = i + 1 < n ? p[i + 1] : '\0';
  char d = i + 2 < n ? p[i + 2] : '\0';
  if (c == ':' || (c == 'P' && d == '<') || (c == '<' && (is_alpha(d) ||
                                                          d == '_')))
    return true;
  if (c == '=' || c == '!' || (c == '<' && (d == '=' || d == '!')))
    return refuse(sc, at, "lookaround assertions are not supported");
  if (c == 'P' && (d == '=' || d == '>'))
    return refuse(sc, at, "backreferences are not supported");
  if (flag_group(p, n, i + 1))
    return true;
  return refuse(sc, at, "this group syntax is not supported");
}

/* Read a decimal count at p[*i], capped so that it cannot overflow. */
static bool read_count(const char *p, size_t n, size_t *i, long *out) {
  size_t start = *i;
  long v = 0;
  while (*i < n && is_digit(p[*i])) {
    if (v <= 100000)
      v = v * 10 + (p[*i] - '0');
    (*i)++;
  }
  *out = v;
  return *i > start;
}

/* A '{' at p[i]: a repetition {n}, {n,} or {n,m} (else a literal). */
static bool scan_brace(scan *sc) {
  size_t at = sc->i, i = at + 1;
  long lo, hi = 0;
  if (!read_count(sc->p, sc->n, &i, &lo)) {
    sc->i++;
    return true;
  }
  if (i < sc->n && sc->p[i] == ',') {
    i++;
    read_count(sc->p, sc->n, &i, &hi);
  }
  if (i >= sc->n || sc->p[i] != '}') {
    sc->i++;
    return true;
  }
  if (lo > RX_MAX_REPEAT || hi > RX_MAX_REPEAT)
    return refuse(sc, at, "repetition count exceeds 1000");
  if (lo > sc->maxrep || hi > sc->maxrep)
    sc->maxrep = lo > hi ? lo : hi;
  sc->i = i + 1;
  return true;
}

/* After a quantifier: '+' would make it possessive. */
static bool scan_after_quant(scan *sc) {
  if (sc->i < sc->n && sc->p[sc->i] == '?')
    sc->i++;
  else if (sc->i < sc->n && sc->p[sc->i] == '+')
    return refuse(sc, sc->i, "possessive quantifiers are not supported");
  return true;
}

static bool scan_one(scan *sc) {
  switch (sc->p[sc->i]) {
  case '\\': return scan_escape(sc, false);
  case '[': return scan_class(sc);
  case '(': return scan_group(sc);
  case '{':
    if (!scan_brace(sc))
      return false;
    return sc->p[sc->i - 1] != '}' || scan_after_quant(sc);
  case '*': case '+': case '?':
    sc->i++;
    return scan_after_quant(sc);
  default:
    sc->i++;
    return true;
  }
}

static bool scan_pattern(scan *sc) {
  while (sc->i < sc->n)
    if (!scan_one(sc))
      return false;
  return true;
}

/* A copy of [pat] in [a] with each \v escape (outside \Q...\E) written
 * \x0B, RE2's meaning. NULL on out of memory. */
static char *translate_vt(arena *a, const char *pat, size_t plen,
                          size_t nv, size_t *outlen) {
  char *out = arena_alloc(a, plen + 2 * nv + 1);
  size_t o = 0, i = 0;
  bool quoted = false;
  if (!out)
    return NULL;
  while (i < plen) {
    char d = i + 1 < plen ? pat[i + 1] : '\0';
    size_t take = pat[i] == '\\' && i + 1 < plen ? 2 : 1;
    if (quoted && take == 2 && d != 'E')
      take = 1; /* inside \Q...\E only \E is special */
    if (take == 2 && !quoted && d == 'v') {
      memcpy(out + o, "\\x0B", 4);
      o += 4;
      i += 2;
      continue;
    }
    if (take == 2 && (d == 'Q' || d == 'E'))
      quoted = d == 'Q';
    memcpy(out + o, pat + i, take);
    o += take;
    i += take;
  }
  *outlen = o;
  return out;
}

/* ==== PCRE2 =========================================================== */

static val pcre_error(arena *a, int code, const char *what, size_t off) {
  PCRE2_UCHAR msg[256];
  /* out of memory while matching, or while compiling */
  if (code == PCRE2_ERROR_NOMEMORY || code == PCRE2_ERROR_HEAP_FAILED)
    return val_nomem();
  if (pcre2_get_error_message(code, msg, sizeof msg) < 0)
    strcpy((char *)msg, "unknown error");
  if (!what)
    return val_err(a, ERR_INVALID, "regular expression: %s", (char *)msg);
  return val_err(a, ERR_INVALID, "%s at offset %zu: %s", what, off,
                 (char *)msg);
}

/* PCRE2's memory functions over a mem (pcre2_general_context_create). */
static void *pcre_malloc(PCRE2_SIZE n, void *m) { return mem_alloc(m, n); }
static void pcre_free(void *p, void *m) { mem_free(m, p); }

/* A general context whose blocks come from *[m], or NULL for malloc: with
 * no host allocator PCRE2 gets no context at all, as before there were
 * allocators. Every block PCRE2 makes from it (compiled code, match data,
 * a match's backtracking frames, JIT working memory) keeps [m] to be
 * freed, so *m must stay where it is as long as they live: the mem of a
 * program's arena or of a vm's arena (regex.h). false on out of memory. */
static bool general(const mem *m, pcre2_general_context **gc) {
  *gc = NULL;
  if (!m->fn)
    return true;
  *gc = pcre2_general_context_create(pcre_malloc, pcre_free, (void *)m);
  return *gc != NULL;
}

/* Compile [pat] (already scanned and translated) with memory from *[m].
 * NULL with *ev set. */
static pcre2_code *compile(arena *a, const mem *m, const char *pat,
                           size_t plen, val *ev) {
  const uint32_t opts = PCRE2_UTF | PCRE2_DOLLAR_ENDONLY |
                        PCRE2_NEVER_BACKSLASH_C | PCRE2_NEVER_UCP |
                        PCRE2_AUTO_CALLOUT;
  pcre2_general_context *gc;
  pcre2_compile_context *cc =
      general(m, &gc) ? pcre2_compile_context_create(gc) : NULL;
  pcre2_general_context_free(gc); /* the compile context has copied it */
  int code = 0;
  PCRE2_SIZE off = 0;
  if (!cc) {
    *ev = val_nomem();
    return NULL;
  }
  pcre2_set_newline(cc, PCRE2_NEWLINE_LF);
  pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, plen, opts, &code, &off,
                                 cc);
  pcre2_compile_context_free(cc);
  if (!re)
    *ev = pcre_error(a, code, "invalid regular expression", off);
  return re;
}

/* Scan, translate and compile the user's pattern, its memory from *[m].
 * NULL with *ev set. *[weight] gets the cost of one callout of its
 * searches. */
static pcre2_code *prepare(arena *a, const mem *m, const char *pat,
                           size_t plen, val *ev, uint32_t *weight) {
  scan sc = {pat, plen, 0, 0, 0, NULL, 0};
  if (!scan_pattern(&sc)) {
    *ev = val_err(a, ERR_INVALID,
                   "invalid regular expression at offset %zu: %s "
                   "(CEL uses RE2 syntax)", sc.at, sc.why);
    return NULL;
  }
  *weight = 1 + (uint32_t)(sc.maxrep >> COST_REPEAT_SHIFT);
  if (sc.nv) {
    pat = translate_vt(a, pat, plen, sc.nv, &plen);
    if (!pat) {
      *ev = val_nomem();
      return NULL;
    }
  }
  return compile(a, m, pat, plen, ev);
}

static val limit_error(arena *a, int rc) {
  const char *what = rc == PCRE2_ERROR_MATCHLIMIT ? "match"
                     : rc == PCRE2_ERROR_DEPTHLIMIT ||
                             rc == PCRE2_ERROR_JIT_STACKLIMIT
                         ? "depth"
                         : "memory";
  return val_fixed_limit(val_err(a, ERR_LIMIT, "regular expression "
                                 "exceeded its %s limit", what));
}

/* The meter of one search: each pattern item the matcher enters costs
 * [weight] steps of [a]'s budget. */
typedef struct rx_meter {
  arena *a;
  uint32_t weight;
} rx_meter;

/* PCRE2's automatic callout, before each pattern item: a negative
 * result abandons the search, and pcre2_match returns it. */
static int charge_item(pcre2_callout_block *cb, void *user) {
  const rx_meter *m = user;
  POL_UNUSED(cb);
  return cost_charge(m->a, m->weight) ? 0 : PCRE2_ERROR_CALLOUT;
}

/* The result of pcre2_match [rc] as 1, 0, or -1 with *[ev] set. */
static int outcome(arena *a, int rc, val *ev) {
  if (rc >= 0)
    return 1; /* 0 only means the ovector was too small: still a match */
  if (rc == PCRE2_ERROR_NOMATCH)
    return 0;
  if (rc == PCRE2_ERROR_CALLOUT) { /* charge_item() found it spent */
    *ev = val_over_budget();
    return -1;
  }
  if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
      rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT)
    *ev = limit_error(a, rc);
  else
    *ev = pcre_error(a, rc, NULL, 0);
  return -1;
}

/* One unanchored search of [re] over [s] under the limits, its memory
 * from [a]'s mem, each callout charging [weight] steps to [a]. */
static int search(arena *a, const pcre2_code *re, uint32_t weight,
                  const char *s, size_t n, val *ev) {
  pcre2_general_context *gc;
  bool ok = general(&a->m, &gc);
  pcre2_match_context *mc = ok ? pcre2_match_context_create(gc) : NULL;
  pcre2_match_data *md = ok ? pcre2_match_data_create(1, gc) : NULL;
  pcre2_general_context_free(gc);
  rx_meter m = {a, weight};
  int rc = PCRE2_ERROR_NOMEMORY;
  if (mc && md) {
    pcre2_set_match_limit(mc, POL_REGEX_MATCH_LIMIT);
    pcre2_set_depth_limit(mc, POL_REGEX_MATCH_LIMIT);
    pcre2_set_heap_limit(mc, RX_HEAP_KIB);
    pcre2_set_callout(mc, charge_item, &m);
    rc = pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, md, mc);
  }
  pcre2_match_data_free(md);
  pcre2_match_context_free(mc);
  return outcome(a, rc, ev);
}

/* ==== compiled once ===================================================== */

struct rx {
  pcre2_code *code;
  char *text;      /* a pattern that is plain text: that text, which
                      rx_search looks for as contains does; else NULL */
  size_t ntext;
  uint32_t weight; /* steps per callout */
  bool jitted;     /* compiled to machine code: matched without
                      pcre2_match's checks (rx_search) */
  const mem *m;   /* the program's: code and this struct come from it */
};

struct rx_scratch {
  pcre2_match_context *mc;
  pcre2_match_data *md;
  const mem *m;   /* the vm's */
};

/* Whether [pat] is plain text: no operator, and `\` only before a
 * character that would be one. *[n] gets the length of its text, the
 * escapes taken out. `x.matches("株式会社")` is a common way to write
 * contains: such a pattern matches where its text occurs. */
static bool is_plain(const char *pat, size_t plen, size_t *n) {
  static const char ops[] = "\\.+*?()|[]{}^$";
  *n = 0;
  for (size_t i = 0; i < plen; i++, ++*n)
    if (pat[i] == '\\') {
      if (++i == plen || !pat[i] || !strchr(ops, pat[i]))
        return false;
    } else if (!pat[i] || strchr(ops, pat[i])) {
      return false;
    }
  return true;
}

/* [pat]'s text, the escapes taken out, from [m]; NULL on out of memory. */
static char *plain_text(const mem *m, const char *pat, size_t plen,
                        size_t n) {
  char *t = mem_alloc(m, n + 1), *o = t;
  if (!t)
    return NULL;
  for (size_t i = 0; i < plen; i++)
    *o++ = pat[i] == '\\' ? pat[++i] : pat[i];
  *o = '\0';
  return t;
}

rx *rx_compile(arena *a, const char *pat, size_t plen, val *err_out,
               bool jit) {
  uint32_t weight;
  pcre2_code *code = prepare(a, &a->m, pat, plen, err_out, &weight);
  rx *re = code ? mem_alloc(&a->m, sizeof *re) : NULL;
  if (!re) {
    if (code)
      *err_out = val_nomem();
    pcre2_code_free(code);
    return NULL;
  }
  re->code = code;
  re->text = NULL;
  re->ntext = 0;
  if (is_plain(pat, plen, &re->ntext) &&
      !(re->text = plain_text(&a->m, pat, plen, re->ntext))) {
    *err_out = val_nomem();
    pcre2_code_free(code);
    mem_free(&a->m, re);
    return NULL;
  }
  re->weight = weight;
  re->m = &a->m;
  /* machine code for the pattern, when asked and the platform has it;
   * else the interpreter, with the same limits */
  re->jitted = jit && pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
  return re;
}

bool rx_jitted(const rx *re) {
  size_t size = 0;
  return pcre2_pattern_info(re->code, PCRE2_INFO_JITSIZE, &size) == 0 &&
         size > 0;
}

void rx_free(rx *re) {
  if (!re)
    return;
  pcre2_code_free(re->code);
  mem_free(re->m, re->text);
  mem_free(re->m, re);
}

void rx_scratch_free(rx_scratch *s) {
  if (!s)
    return;
  pcre2_match_data_free(s->md);
  pcre2_match_context_free(s->mc);
  mem_free(s->m, s);
}

static rx_scratch *scratch_new(const mem *m) {
  rx_scratch *s = mem_calloc(m, 1, sizeof *s);
  pcre2_general_context *gc;
  if (!s)
    return NULL;
  s->m = m;
  if (general(m, &gc)) {
    s->mc = pcre2_match_context_create(gc);
    s->md = pcre2_match_data_create(1, gc);
    pcre2_general_context_free(gc);
  }
  if (!s->mc || !s->md) {
    rx_scratch_free(s);
    return NULL;
  }
  pcre2_set_match_limit(s->mc, POL_REGEX_MATCH_LIMIT);
  pcre2_set_depth_limit(s->mc, POL_REGEX_MATCH_LIMIT);
  pcre2_set_heap_limit(s->mc, RX_HEAP_KIB);
  return s;
}

int rx_search(const rx *re, rx_scratch **scratch, arena *a, const char *s,
              size_t n, val *err_out) {
  if (!cost_charge(a, cost_bytes(n))) { /* the scans between callouts */
    *err_out = val_over_budget();
    return -1;
  }
  if (re->text) /* a linear search (bi_find), paid for by the charge */
    return bi_find(s, n, re->text, re->ntext) != NULL;
  if (!*scratch && !(*scratch = scratch_new(&a->m))) {
    *err_out = val_nomem();
    return -1;
  }
  rx_meter m = {a, re->weight};
  pcre2_set_callout((*scratch)->mc, charge_item, &m);
  /* the engine's strings are valid UTF-8 by construction: no recheck;
   * machine code is called directly, as pcre2_match would after its
   * checks of the arguments (a fifth of a short search) */
  int rc = re->jitted
               ? pcre2_jit_match(re->code, (PCRE2_SPTR)s, n, 0, 0,
                                 (*scratch)->md, (*scratch)->mc)
               : pcre2_match(re->code, (PCRE2_SPTR)s, n, 0,
                             PCRE2_NO_UTF_CHECK, (*scratch)->md,
                             (*scratch)->mc);
  return outcome(a, rc, err_out);
}

/* The steps for compiling a pattern of [plen] bytes per call: 1 per
 * byte before (PCRE2 may take ~50 ns a byte to refuse a huge one), then
 * 1 per 16 bytes of what it made (~3 ns a byte of it). */
static bool charge_compile(arena *a, size_t plen, const pcre2_code *re) {
  size_t size = 0;
  if (!re)
    return cost_charge(a, plen);
  pcre2_pattern_info(re, PCRE2_INFO_SIZE, &size);
  return cost_charge(a, cost_bytes(size));
}

/* Search [s] for [pat] (contract in regex.h): 1, 0, or -1 with
 * *[err_out] set. The compiled pattern and match data come from [a]'s
 * mem and are freed before returning; only error values use [a]. The
 * subject was charged with the call's arguments (builtins.c). */
int rx_match(arena *a, const char *pat, size_t plen, const char *s,
             size_t n, val *err_out) {
  uint32_t weight;
  pcre2_code *re = NULL;
  if (!charge_compile(a, plen, NULL) ||
      ((re = prepare(a, &a->m, pat, plen, err_out, &weight)) &&
       !charge_compile(a, plen, re))) {
    pcre2_code_free(re);
    *err_out = val_over_budget();
    return -1;
  }
  if (!re)
    return -1;
  int rc = search(a, re, weight, s, n, err_out);
  pcre2_code_free(re);
  return rc;
}

/* Compile [pat] and throw it away: true if it is a valid RE2 pattern,
 * else false with *[err_out] set (contract in regex.h). */
bool rx_valid(arena *a, const char *pat, size_t plen, val *err_out) {
  uint32_t weight;
  pcre2_code *re = prepare(a, &a->m, pat, plen, err_out, &weight);
  pcre2_code_free(re);
  return re != NULL;
}
