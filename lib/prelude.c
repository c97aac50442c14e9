/*
 * prelude.c: a module of `let`s split by lines, its lets parsed one by
 * one when needed (see prelude.h).
 */
#include "prelude.h"

#include <string.h>

#include "parse.h"

/* What each byte is to the split and the word scan: part of a name
 * (lexer.l's ID: a letter or '_', or a digit, which starts none), blank,
 * a bracket, a quote, or a byte the split does not take outside
 * comments and strings (non-ASCII, '`', '#', ';': a lexical error or a
 * second statement on the line). Anything else is punctuation. */
enum { PUNCT, LETTER, DIGIT, BLANK, OPEN, CLOSE, QUOTE, SLASH, REFUSE };

#define SAME8(c, k) [c] = k, [c + 1] = k, [c + 2] = k, [c + 3] = k, \
                    [c + 4] = k, [c + 5] = k, [c + 6] = k, [c + 7] = k
#define SAME64(c, k) SAME8(c, k), SAME8(c + 8, k), SAME8(c + 16, k), \
                     SAME8(c + 24, k), SAME8(c + 32, k), SAME8(c + 40, k), \
                     SAME8(c + 48, k), SAME8(c + 56, k)
static const unsigned char cls[256] = {
    SAME8('A', LETTER), SAME8('I', LETTER), SAME8('Q', LETTER),
    ['Y'] = LETTER, ['Z'] = LETTER,
    SAME8('a', LETTER), SAME8('i', LETTER), SAME8('q', LETTER),
    ['y'] = LETTER, ['z'] = LETTER, ['_'] = LETTER,
    SAME8('0', DIGIT), ['8'] = DIGIT, ['9'] = DIGIT,
    [' '] = BLANK, ['\t'] = BLANK, ['\r'] = BLANK,
    ['('] = OPEN, ['['] = OPEN, ['{'] = OPEN,
    [')'] = CLOSE, [']'] = CLOSE, ['}'] = CLOSE,
    ['"'] = QUOTE, ['\''] = QUOTE, ['/'] = SLASH,
    ['`'] = REFUSE, ['#'] = REFUSE, [';'] = REFUSE,
    SAME64(0x80, REFUSE), SAME64(0xc0, REFUSE)};

static bool name_byte(unsigned char c) {
  return cls[c] == LETTER || cls[c] == DIGIT;
}

static bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

static size_t skip_blanks(const char *s, size_t k, size_t eol) {
  while (k < eol && blank(s[k]))
    k++;
  return k;
}

static bool comment_at(const char *s, size_t k, size_t eol) {
  return k + 1 < eol && s[k] == '/' && s[k + 1] == '/';
}

/* The plain string literal opening at s[k]: the offset past its closing
 * quote, or 0 for one the split does not take (prefixed: r"..", b"..";
 * triple-quoted; not closed on its line). */
static size_t string_end(const char *s, size_t k, size_t eol) {
  char q = s[k];
  if ((k > 0 && name_byte((unsigned char)s[k - 1])) ||
      (k + 2 < eol && s[k + 1] == q && s[k + 2] == q))
    return 0;
  for (size_t j = k + 1; j < eol; j++) {
    if (s[j] == '\\')
      j++;
    else if (s[j] == q)
      return j + 1;
  }
  return 0;
}

/* Read the code of s[k, eol) up to a comment: the bracket depth
 * *[depth] and the end of the last byte that is not blank *[sig] move on.
 * false for what the split does not take (see prelude.h). */
static bool scan_code(const char *s, size_t k, size_t eol, int *depth,
                      size_t *sig) {
  for (; k < eol; k++) {
    switch (cls[(unsigned char)s[k]]) {
    case BLANK:
      continue;
    case SLASH:
      if (comment_at(s, k, eol))
        return true;
      break;
    case QUOTE: {
      size_t e = string_end(s, k, eol);
      if (!e)
        return false;
      k = e - 1;
      break;
    }
    case REFUSE:
      return false;
    case OPEN:
      (*depth)++;
      break;
    case CLOSE:
      if (--*depth < 0)
        return false;
      break;
    default:
      break;
    }
    *sig = k + 1;
  }
  return true;
}

/* A let found by split(): offsets into the source until names exist. */
typedef struct raw_let {
  uint32_t noff, nlen;
  prelude_let l;
} raw_let;

typedef struct raws {
  raw_let *v;
  size_t n, cap;
} raws;

/* The `let NAME = ` at the start of the line s[i, eol): the let, its
 * expression starting on this line. false if the line holds no such
 * thing. */
static bool let_head(const char *s, size_t i, size_t eol, uint32_t line,
                     raw_let *r) {
  size_t k = i + 3;
  if (eol - i < 4 || memcmp(s + i, "let", 3) != 0 || !blank(s[k]))
    return false;
  k = skip_blanks(s, k, eol);
  size_t name = k;
  if (k >= eol || (unsigned)(s[k] - '0') < 10)
    return false;
  while (k < eol && name_byte((unsigned char)s[k]))
    k++;
  size_t nlen = k - name;
  k = skip_blanks(s, k, eol);
  if (!nlen || nlen > 63 || k >= eol || s[k] != '=' ||
      (k + 1 < eol && s[k + 1] == '='))
    return false;
  k = skip_blanks(s, k + 1, eol);
  if (k >= eol || comment_at(s, k, eol))
    return false; /* the expression starts on the next line */
  *r = (raw_let){(uint32_t)name, (uint32_t)nlen,
                 {NULL, (uint32_t)i, 0, line, (uint32_t)k, 0,
                  (uint32_t)(k - i + 1), false}};
  return true;
}

/* End the let [r] (if any) before the line starting at [at]. */
static void close_let(raw_let *r, size_t at, size_t sig) {
  if (!r)
    return;
  r->l.end = (uint32_t)at;
  r->l.elen = (uint32_t)(sig - r->l.eoff);
}

/* The lets of [s] ([n] bytes) into [out]; false for a text of another
 * form. Statements start at depth 0 with `let` at column 1; other
 * lines there are blank or comments. */
static bool split(const char *s, size_t n, raws *out, const mem *m,
                  bool *oom) {
  int depth = 0;
  size_t sig = 0;
  uint32_t line = 1;
  raw_let *open = NULL; /* the let being read, out->v[out->n - 1] */
  for (size_t i = 0; i < n; line++) {
    const char *nl = memchr(s + i, '\n', n - i);
    size_t eol = nl ? (size_t)(nl - s) : n, k = i;
    if (depth == 0) {
      k = skip_blanks(s, i, eol);
      if (k == eol || comment_at(s, k, eol)) {
        i = eol + 1;
        continue;
      }
      raw_let r;
      if (k != i || !let_head(s, i, eol, line, &r))
        return false;
      close_let(open, i, sig);
      if (!mem_grow(m, (void **)&out->v, &out->cap, out->n + 1,
                    sizeof *out->v)) {
        *oom = true;
        return false;
      }
      open = &out->v[out->n++];
      *open = r;
      k = r.l.eoff;
    }
    if (!scan_code(s, k, eol, &depth, &sig))
      return false;
    i = eol + 1;
  }
  close_let(open, n, sig);
  return depth == 0 && out->n > 0;
}

/* The names of [r] copied into x->names, each indexed. false on out of
 * memory or for a name defined twice (parsed whole, both are kept). */
static bool index_names(prelude_mod *x, const raws *r, const char *s,
                        bool *oom) {
  size_t total = 0;
  for (size_t i = 0; i < r->n; i++)
    total += r->v[i].nlen + 1;
  x->names = mem_alloc(&x->m, total);
  x->v = mem_calloc(&x->m, r->n, sizeof *x->v);
  x->work = mem_calloc(&x->m, r->n, sizeof *x->work);
  if (!x->names || !x->v || !x->work || !names_init(&x->by_name, r->n, &x->m)) {
    *oom = true;
    return false;
  }
  char *p = x->names;
  for (size_t i = 0; i < r->n; i++) {
    const raw_let *w = &r->v[i];
    memcpy(p, s + w->noff, w->nlen);
    p[w->nlen] = '\0';
    x->v[i] = w->l;
    x->v[i].name = p;
    if (names_put(&x->by_name, p, (int)i) >= 0)
      return false;
    x->lens |= (uint64_t)1 << w->nlen;
    x->first[(unsigned char)p[0] >> 3] |= (uint8_t)(1u << (p[0] & 7));
    p += w->nlen + 1;
  }
  x->n = r->n;
  return true;
}

bool prelude_split(prelude_mod *x, diag_list *d, const mem *m, bool *oom) {
  memset(x, 0, sizeof *x);
  x->d = d;
  x->m = *m;
  raws r = {NULL, 0, 0};
  bool ok = d->srclen < UINT32_MAX && split(d->src, d->srclen, &r, m, oom) &&
            index_names(x, &r, d->src, oom);
  mem_free(m, r.v);
  if (!ok)
    prelude_free(x);
  return ok;
}

void prelude_need_words(prelude_mod *x, const char *s, size_t n) {
  const unsigned char *u = (const unsigned char *)s;
  char buf[64];
  for (size_t i = 0; i < n;) {
    if (cls[u[i]] != LETTER && cls[u[i]] != DIGIT) {
      i++;
      continue;
    }
    size_t j = i + 1;
    while (j < n && (cls[u[j]] == LETTER || cls[u[j]] == DIGIT))
      j++;
    size_t len = j - i;
    if (len < 64 && (x->lens >> len & 1) &&
        (x->first[u[i] >> 3] >> (u[i] & 7) & 1)) {
      memcpy(buf, s + i, len);
      buf[len] = '\0';
      int k = names_get(&x->by_name, buf);
      if (k >= 0 && !x->v[k].needed) {
        x->v[k].needed = true;
        x->work[x->nwork++] = (size_t)k;
      }
    }
    i = j;
  }
}

void prelude_need_closure(prelude_mod *mods, size_t n) {
  for (bool more = true; more;) {
    more = false;
    for (size_t k = 0; k < n; k++)
      while (mods[k].nwork) {
        const prelude_let *l = &mods[k].v[mods[k].work[--mods[k].nwork]];
        for (size_t j = 0; j < n; j++)
          prelude_need_words(&mods[j], mods[k].d->src + l->eoff, l->elen);
        more = true;
      }
  }
}

ast *prelude_parse(const prelude_mod *x, size_t i, arena *a) {
  const prelude_let *l = &x->v[i];
  ast *root = parse_policy_part(a, x->d, l->off, l->end, l->line);
  if (!root)
    return NULL;
  if (root->nkids != 1 || root->kids[0]->kind != AST_LET) {
    diag_add(x->d, DC_INTERNAL, root->sp, "the prelude's split of '%s' "
             "is no let", l->name);
    return NULL;
  }
  return root->kids[0];
}

void prelude_free(prelude_mod *x) {
  mem_free(&x->m, x->v);
  mem_free(&x->m, x->names);
  mem_free(&x->m, x->work);
  names_free(&x->by_name);
  memset(x, 0, sizeof *x);
}
