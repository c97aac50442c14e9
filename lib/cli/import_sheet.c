/*
 * import_sheet.c: a check sheet exported from a spreadsheet, as a table
 * of located cells. It reads CSV and TSV the way spreadsheets write them
 * (cells may be quoted, with "" for a quote and line breaks inside), in
 * UTF-8 or in Shift_JIS, which Japanese Excel still writes by default:
 * text that is not UTF-8 is converted from CP932 (Microsoft's Shift_JIS,
 * which Excel means by it) with glibc's iconv, and so is UTF-16 that
 * starts with a byte-order mark (Excel's "Unicode Text", tab-separated
 * .txt). Positions are the line and
 * column (in characters) of each cell in the UTF-8 text.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

/* ==== encoding =========================================================== */

/* The length of the UTF-8 sequence at [s] (of [n] bytes left), or 0 if
 * it is not one: overlongs, surrogates and values past U+10FFFF too. */
static size_t utf8_len(const unsigned char *s, size_t n) {
  if (s[0] < 0x80)
    return 1;
  size_t k = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC2 ? 2 : 0;
  if (!k || k > n || s[0] > 0xF4)
    return 0;
  for (size_t i = 1; i < k; i++)
    if ((s[i] & 0xC0) != 0x80)
      return 0;
  if ((k == 3 && s[0] == 0xE0 && s[1] < 0xA0) ||
      (k == 3 && s[0] == 0xED && s[1] >= 0xA0) ||
      (k == 4 && s[0] == 0xF0 && s[1] < 0x90) ||
      (k == 4 && s[0] == 0xF4 && s[1] >= 0x90))
    return 0;
  return k;
}

/* The offset of the first byte of [s] that is not UTF-8 ([n]: none). */
static size_t utf8_prefix(const char *s, size_t n) {
  for (size_t i = 0; i < n;) {
    size_t k = utf8_len((const unsigned char *)s + i, n - i);
    if (!k)
      return i;
    i += k;
  }
  return n;
}

/* The line (1-based) of byte [off] of [s]. */
static unsigned line_of(const char *s, size_t off) {
  unsigned line = 1;
  for (size_t i = 0; i < off; i++)
    line += s[i] == '\n';
  return line;
}

/* The line (1-based) of byte [off] of UTF-16 text [s], little-endian
 * when [le]. */
static unsigned line_of_utf16(const char *s, size_t off, bool le) {
  unsigned line = 1;
  for (size_t i = 0; i + 1 < off; i += 2)
    line += s[i + !le] == '\n' && s[i + le] == '\0';
  return line;
}

/* An encoding policyc converts a sheet from: iconv's name for it, the
 * name errors give it, and the UTF-8 bytes one input byte can become. */
typedef struct encoding {
  const char *iconv, *says;
  size_t grow;
} encoding;

static const encoding sjis = {"CP932", "Shift_JIS", 3};
static const encoding utf16le = {"UTF-16LE", "UTF-16", 2};
static const encoding utf16be = {"UTF-16BE", "UTF-16", 2};

/* Whether [n] bytes of [s] hold a character that is not ASCII. */
static bool has_non_ascii(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] >= 0x80)
      return true;
  return false;
}

/* Convert [in] from [enc] to UTF-8 into the pool. False after printing
 * where the text is not in it. For Shift_JIS, [not_utf8] is where the
 * text stopped being UTF-8: when Japanese UTF-8 text comes before it,
 * the sheet is UTF-8 with a line from elsewhere (pasted from a
 * Shift_JIS sheet), and that line is the one to look at, not the first
 * line Shift_JIS cannot read. */
static bool convert(imp_pool *p, const char *name, const encoding *enc,
                    const char *in, size_t n, size_t not_utf8, char **out,
                    size_t *outlen) {
  iconv_t cd = iconv_open("UTF-8", enc->iconv);
  if (cd == (iconv_t)-1) {
    cli_error("%s: cannot convert from %s: %s", name, enc->says,
              strerror(errno));
    return false;
  }
  size_t cap = n * enc->grow + 4, left = cap, inleft = n;
  char *buf = imp_alloc(p, cap + 1), *o = buf, *i = (char *)in;
  size_t r = iconv(cd, &i, &inleft, &o, &left);
  iconv_close(cd);
  if (r == (size_t)-1) {
    size_t at = (size_t)(i - in);
    if (enc == &sjis && has_non_ascii(in, not_utf8))
      fprintf(stderr, "%s:%u:1: not UTF-8, though the text above this line "
              "is (a line from a Shift_JIS sheet?); nor is the sheet "
              "Shift_JIS\n", name, line_of(in, not_utf8));
    else if (enc == &sjis)
      fprintf(stderr, "%s:%u:1: neither UTF-8 nor Shift_JIS text\n", name,
              line_of(in, at));
    else
      fprintf(stderr, "%s:%u:1: not valid UTF-16 text (it starts with a "
              "UTF-16 byte-order mark)\n", name,
              line_of_utf16(in, at, enc == &utf16le));
    return false;
  }
  *o = '\0';
  *out = buf;
  *outlen = (size_t)(o - buf);
  return true;
}

/* ==== cells ============================================================== */

typedef struct reader {
  imp_pool *pool;
  const char *name, *s;
  size_t n, i;
  char sep;
  unsigned line, col;
  imp_buf cellbuf;
} reader;

static void step(reader *r) {
  if (r->s[r->i] == '\n') {
    r->line++;
    r->col = 1;
  } else if (((unsigned char)r->s[r->i] & 0xC0) != 0x80) {
    r->col++;
  }
  r->i++;
}

/* Trim blanks (ASCII and the full-width space) from both ends. */
static const char *trimmed(imp_pool *p, const char *s, size_t n) {
  static const char wide[] = "\xE3\x80\x80";
  for (;;) {
    if (n && strchr(" \t\r\n", s[0])) {
      s++, n--;
    } else if (n >= 3 && memcmp(s, wide, 3) == 0) {
      s += 3, n -= 3;
    } else if (n && strchr(" \t\r\n", s[n - 1])) {
      n--;
    } else if (n >= 3 && memcmp(s + n - 3, wide, 3) == 0) {
      n -= 3;
    } else {
      break;
    }
  }
  return imp_strndup(p, s, n);
}

/* A quoted cell at r->i (on its opening quote). False at a missing
 * closing quote. */
static bool quoted(reader *r) {
  unsigned line = r->line, col = r->col;
  step(r);
  for (;;) {
    if (r->i >= r->n) {
      fprintf(stderr, "%s:%u:%u: unterminated quoted cell\n", r->name, line,
              col);
      return false;
    }
    if (r->s[r->i] == '"' && r->i + 1 < r->n && r->s[r->i + 1] == '"') {
      imp_buf_put(&r->cellbuf, "\"", 1);
      step(r), step(r);
    } else if (r->s[r->i] == '"') {
      step(r);
      break;
    } else {
      imp_buf_put(&r->cellbuf, r->s + r->i, 1);
      step(r);
    }
  }
  while (r->i < r->n && !strchr("\n", r->s[r->i]) && r->s[r->i] != r->sep) {
    imp_buf_put(&r->cellbuf, r->s + r->i, 1); /* text after the quote */
    step(r);
  }
  return true;
}

/* One cell at r->i into [c]; r->i ends on the separator or line end. */
static bool one_cell(reader *r, cell *c) {
  c->line = r->line;
  c->col = r->col;
  r->cellbuf.len = 0;
  imp_buf_put(&r->cellbuf, "", 0);
  if (r->i < r->n && r->s[r->i] == '"') {
    if (!quoted(r))
      return false;
  } else {
    while (r->i < r->n && r->s[r->i] != '\n' && r->s[r->i] != r->sep) {
      imp_buf_put(&r->cellbuf, r->s + r->i, 1);
      step(r);
    }
  }
  c->text = trimmed(r->pool, r->cellbuf.s, r->cellbuf.len);
  return true;
}

/* One row (one record, which quoted cells may spread over lines). */
static bool one_row(reader *r, sheet_row *row) {
  void **cells = NULL;
  size_t n = 0, cap = 0;
  row->line = r->line;
  for (;;) {
    cell *c = imp_alloc(r->pool, sizeof *c);
    if (!one_cell(r, c))
      return false;
    imp_push(r->pool, &cells, &n, &cap, c);
    if (r->i < r->n && r->s[r->i] == r->sep) {
      step(r);
      continue;
    }
    if (r->i < r->n)
      step(r); /* the line end */
    break;
  }
  row->cells = imp_alloc(r->pool, n * sizeof *row->cells);
  for (size_t k = 0; k < n; k++)
    row->cells[k] = *(cell *)cells[k];
  row->n = n;
  return true;
}

/* ==== the file =========================================================== */

static char separator(const char *path, const char *text) {
  const char *dot = strrchr(path, '.');
  if (dot && (strcmp(dot, ".tsv") == 0 || strcmp(dot, ".TSV") == 0 ||
              strcmp(dot, ".txt") == 0))
    return '\t';
  if (dot && (strcmp(dot, ".csv") == 0 || strcmp(dot, ".CSV") == 0))
    return ',';
  const char *nl = strchr(text, '\n');
  const char *tab = strchr(text, '\t');
  return tab && (!nl || tab < nl) ? '\t' : ',';
}

/* The text of [in] as UTF-8, without a byte-order mark: UTF-16 with
 * one (what Excel writes as "Unicode Text"), UTF-8, else Shift_JIS. */
static bool decode(imp_pool *p, sheet *out, const cli_input *in,
                   char **text, size_t *len) {
  const char *t = in->data;
  size_t n = in->len;
  bool le = n >= 2 && memcmp(t, "\xFF\xFE", 2) == 0;
  if (le || (n >= 2 && memcmp(t, "\xFE\xFF", 2) == 0)) {
    out->encoding = "UTF-16";
    return convert(p, out->name, le ? &utf16le : &utf16be, t + 2, n - 2, 0,
                   text, len);
  }
  if (n >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0)
    t += 3, n -= 3;
  out->encoding = "UTF-8";
  size_t bad = utf8_prefix(t, n);
  if (memchr(t, '\0', n) || bad == n) { /* NUL: refused below */
    *text = imp_strndup(p, t, n);
    *len = n;
    return true;
  }
  out->encoding = "SHIFT_JIS";
  return convert(p, out->name, &sjis, t, n, bad, text, len);
}

/* The text of [path] as UTF-8 without a byte-order mark and with CRLF
 * line ends made LF. */
static bool utf8_text(imp_pool *p, const char *path, sheet *out,
                      char **text, size_t *len) {
  cli_input in;
  if (!cli_read(path, &in))
    return false;
  bool ok = decode(p, out, &in, text, len);
  free(in.data);
  if (!ok)
    return false;
  const char *nul = memchr(*text, '\0', *len);
  if (nul) {
    fprintf(stderr, "%s:%u:1: NUL byte in text\n", out->name,
            line_of(*text, (size_t)(nul - *text)));
    return false;
  }
  size_t w = 0; /* CRLF and lone CR become LF */
  for (size_t i = 0; i < *len; i++) {
    if ((*text)[i] == '\r' && i + 1 < *len && (*text)[i + 1] == '\n')
      continue;
    (*text)[w++] = (*text)[i] == '\r' ? '\n' : (*text)[i];
  }
  (*text)[w] = '\0';
  *len = w;
  return true;
}

bool sheet_read(imp_pool *p, const char *path, sheet *out) {
  char *text;
  size_t len;
  memset(out, 0, sizeof *out);
  out->name = strcmp(path, "-") ? path : "<stdin>";
  if (!utf8_text(p, path, out, &text, &len))
    return false;
  reader r = {p, out->name, text, len, 0, separator(path, text), 1, 1, {0}};
  imp_buf_init(&r.cellbuf, p);
  void **rows = NULL;
  size_t n = 0, cap = 0;
  while (r.i < r.n) {
    sheet_row *row = imp_alloc(p, sizeof *row);
    if (!one_row(&r, row))
      return false;
    imp_push(p, &rows, &n, &cap, row);
  }
  out->rows = imp_alloc(p, (n + 1) * sizeof *out->rows);
  for (size_t k = 0; k < n; k++)
    out->rows[k] = *(sheet_row *)rows[k];
  out->n = n;
  return true;
}
