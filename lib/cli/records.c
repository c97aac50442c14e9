/*
 * records.c: reading vendors one record at a time (records.h).
 *
 * A buffer holds the record being scanned and whatever was read after
 * it. The scan looks at each byte once, following brackets, strings and
 * line breaks (it counts lines as it goes, so no line is ever counted
 * twice); when a record ends, it is handed out in place, and the next
 * call moves on. The buffer grows only as large as the largest record
 * (at most the limit plus one read), so memory does not depend on how
 * many records a stream holds.
 */
#include "records.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "scan_blocks.h"

enum { READ_SIZE = 1 << 20 };
#define NO_HOLD ((size_t)-1)

struct reader {
  int fd;
  char *name;
  char *buf;
  size_t cap, start, pos, end; /* record start, scan position, bytes */
  size_t hold;                 /* the record handed out, kept while the
                                  reader looks past it; or NO_HOLD */
  size_t max;                  /* largest record kept */
  unsigned line;               /* the line of buf[pos] */
  bool eof, failed, at_start;  /* at_start: nothing read yet */
  bool oom;                    /* failed for lack of memory */
  bool utf16;                  /* it starts with a UTF-16 byte order mark */
  void (*tap)(void *, const void *, size_t); /* sees every byte read */
  void *tap_user;
  char msg[4400]; /* why a record is bad, or the input unreadable
                     ("NAME: reason": NAME is a path) */
  /* the bytes the scan stops at, in a string, outside one, and in a
   * scalar record: every other byte is skipped by a table lookup */
  unsigned char stop_str[256], stop_code[256], stop_scalar[256];
};

static void stop_at(unsigned char *t, const char *bytes) {
  memset(t, 0, 256);
  for (; *bytes; bytes++)
    t[(unsigned char)*bytes] = 1;
}

reader *reader_open(const char *path, size_t max_record) {
  bool in = strcmp(path, "-") == 0;
  int fd = in ? STDIN_FILENO : cli_open(path);
  if (fd < 0)
    return NULL;
  reader *r = calloc(1, sizeof *r);
  if (r)
    r->name = strdup(in ? "<stdin>" : path);
  if (!r || !r->name) {
    cli_error("out of memory");
    if (r)
      free(r);
    if (!in)
      close(fd);
    errno = ENOMEM;
    return NULL;
  }
  r->fd = fd;
  r->max = max_record;
  r->line = 1;
  r->at_start = true;
  r->hold = NO_HOLD;
  stop_at(r->stop_str, "\"\\\n");
  stop_at(r->stop_code, "\"{}[]\n");
  stop_at(r->stop_scalar, "\"{}[] \t\r\n");
  return r;
}

void reader_close(reader *r) {
  if (!r)
    return;
  if (r->fd != STDIN_FILENO)
    close(r->fd);
  free(r->name);
  free(r->buf);
  free(r);
}

const char *reader_name(const reader *r) { return r->name; }

const char *reader_error(const reader *r) {
  return r->failed ? r->msg : NULL;
}

bool reader_oom(const reader *r) { return r->failed && r->oom; }

void reader_tap(reader *r, void (*fn)(void *, const void *, size_t),
                void *user) {
  r->tap = fn;
  r->tap_user = user;
}

/* Read more: keep the bytes from the record start (or the record held),
 * moved to the front; grow the buffer when the record fills it. false at
 * the end or on an error. */
static bool fill(reader *r) {
  if (r->eof || r->failed)
    return false;
  size_t from = r->hold < r->start ? r->hold : r->start;
  if (from > 0) {
    memmove(r->buf, r->buf + from, r->end - from);
    r->pos -= from;
    r->end -= from;
    r->start -= from;
    if (r->hold != NO_HOLD)
      r->hold -= from;
  }
  if (r->cap - r->end < READ_SIZE / 2) {
    size_t cap = r->cap ? r->cap * 2 : READ_SIZE;
    while (cap - r->end < READ_SIZE / 2)
      cap *= 2;
    char *b = realloc(r->buf, cap);
    if (!b) {
      snprintf(r->msg, sizeof r->msg, "%s: out of memory", r->name);
      cli_error("%s", r->msg);
      r->failed = r->oom = true;
      return false;
    }
    r->buf = b;
    r->cap = cap;
  }
  for (;;) {
    ssize_t n = read(r->fd, r->buf + r->end, r->cap - r->end);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      snprintf(r->msg, sizeof r->msg, "%s: %s", r->name, strerror(errno));
      cli_error("%s", r->msg);
      r->failed = true;
      return false;
    }
    r->eof = n == 0;
    if (r->tap && n > 0)
      r->tap(r->tap_user, r->buf + r->end, (size_t)n);
    r->end += (size_t)n;
    return n > 0;
  }
}

/* The byte at the scan position, reading more when needed; -1 at the
 * end of the input. */
static int peek(reader *r) {
  if (r->pos == r->end && !fill(r))
    return -1;
  return (unsigned char)r->buf[r->pos];
}

static bool blank(int c) { return c == ' ' || c == '\t' || c == '\r'; }

/* Whether a UTF-8 byte order mark starts at the scan position. */
static bool at_bom(reader *r) {
  while (r->end - r->pos < 3 && fill(r)) {
  }
  return r->end - r->pos >= 3 &&
         memcmp(r->buf + r->pos, "\xEF\xBB\xBF", 3) == 0;
}

/* Skip whitespace between records, letting go of it. A byte order mark
 * at a line's start is skipped too: `cat a.json b.json` of files saved
 * on Windows puts one at the start of each file's first line. It stays
 * in the record (which starts at its line's start), and the parser
 * skips it there as at the start of an input. */
static void skip_space(reader *r) {
  int c;
  while ((c = peek(r)) >= 0) {
    if (c == 0xEF && r->pos == r->start && at_bom(r)) {
      r->pos += 3;
      continue;
    }
    if (!blank(c) && c != '\n')
      break;
    r->line += c == '\n';
    r->pos++;
    if (c == '\n')
      r->start = r->pos; /* a record starts at its line's start */
  }
}

/* ==== the scan =========================================================== */

typedef struct scan {
  int depth;
  bool in_str;
  bool scalar;     /* the record is no object, array or string */
  bool line_start; /* just after a line break inside the record */
  bool done;       /* the value ended */
  bool broken;     /* it ended at a line break, unclosed */
} scan;

/* One byte outside strings that the scan stopped at ([p] points at it,
 * a line break excepted); returns where to go on. */
static const unsigned char *code_byte(reader *r, scan *s,
                                      const unsigned char *p) {
  switch (*p) {
  case '"': s->in_str = true; break;
  case '{': case '[': s->depth++; break;
  case '}': case ']':
    s->depth--;
    s->done = s->depth <= 0;
    break;
  case '\n':
    if (s->scalar) { /* a scalar ends here; the line break stays */
      s->done = true;
      return p;
    }
    r->line++;
    s->line_start = true;
    break;
  default: /* a blank after a scalar */
    s->done = true;
    return p;
  }
  return p + 1;
}

/* One byte of a string that the scan stopped at: its end, a line break
 * (a string cannot hold one: the record is broken there), or a
 * backslash, whose escaped byte is stepped over. NULL when the escaped
 * byte is not buffered yet. */
static const unsigned char *string_byte(reader *r, scan *s,
                                        const unsigned char *p,
                                        const unsigned char *e) {
  if (*p == '"') {
    s->in_str = false;
    s->done = s->depth == 0;
  } else if (*p == '\n') {
    r->line++;
    s->done = s->broken = true;
  } else if (p + 1 == e) {
    return NULL;
  } else if (p[1] != '\n') {
    p++;
  }
  return p + 1;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && \
    defined(__GNUC__)
/* The high bit of each byte of [x] (8 bytes, the first in the low byte)
 * that equals [c]; exact for the lowest such byte, which is all the
 * caller uses (a borrow can mark only bytes after it). */
static inline uint64_t bytes_eq(uint64_t x, unsigned char c) {
  const uint64_t ones = 0x0101010101010101u;
  uint64_t y = x ^ (ones * c);
  return (y - ones) & ~y & (ones << 7);
}

/* Past the bytes of a string that the scan does not stop at, 8 at a
 * time: a record is mostly string bodies (Japanese text), and this scan
 * runs over every byte of a stream before the parser does. */
static const unsigned char *skip_in_string(const unsigned char *p,
                                           const unsigned char *e) {
  while (e - p >= 8) {
    uint64_t x, stop;
    memcpy(&x, p, 8);
    stop = bytes_eq(x, '"') | bytes_eq(x, '\\') | bytes_eq(x, '\n');
    if (stop)
      return p + (__builtin_ctzll(stop) >> 3);
    p += 8;
  }
  return p;
}
#else
static const unsigned char *skip_in_string(const unsigned char *p,
                                           const unsigned char *e) {
  (void)e;
  return p;
}
#endif

/* Scan the buffered bytes of the record from the scan position; false
 * when more must be read to go on. */
static bool scan_buffered(reader *r, scan *s) {
  const unsigned char *b = (const unsigned char *)r->buf, *p = b + r->pos,
                      *e = b + r->end, *bytewise = p;
  while (p < e && !s->done) {
    if (s->line_start) { /* unclosed, and a line starts a new object */
      s->line_start = false;
      if (s->depth > 0 && *p == '{') {
        s->done = s->broken = true;
        break;
      }
    }
    if (p >= bytewise && s->depth > 0) { /* inside brackets: whole
                                            blocks first */
      p = skip_blocks(p, e, &s->depth, &s->in_str);
      bytewise = p + 16; /* the block it stopped at: byte by byte */
    }
    const unsigned char *stop = s->in_str   ? r->stop_str
                                : s->scalar ? r->stop_scalar
                                            : r->stop_code;
    if (s->in_str)
      p = skip_in_string(p, e);
    while (p < e && !stop[*p])
      p++;
    if (p == e)
      break;
    const unsigned char *next = s->in_str ? string_byte(r, s, p, e)
                                          : code_byte(r, s, p);
    if (!next)
      break;
    p = next;
  }
  r->pos = (size_t)(p - b);
  return s->done;
}

/* Scan the record that starts at the scan position to its end. A scalar
 * (not a fact set, but the parser says so) ends at whitespace. */
static void scan_value(reader *r, scan *s, size_t *dropped) {
  int c = peek(r);
  s->scalar = c != '{' && c != '[' && c != '"';
  while (!scan_buffered(r, s)) {
    if (r->pos - r->start > r->max) { /* too large: count, do not keep */
      *dropped += r->pos - r->start;
      r->start = r->pos;
    }
    size_t before = r->end;
    if (!fill(r) && r->end == before)
      return; /* the end of the input */
  }
  if (r->pos - r->start > r->max)
    *dropped += r->pos - r->start;
}

/* The column (in code points, from 1) of buffer position [at] of the
 * record being read: its line starts after the last line break since
 * the record's start, which is a line's start. */
static unsigned col_at(const reader *r, size_t at) {
  size_t from = at;
  while (from > r->start && r->buf[from - 1] != '\n')
    from--;
  unsigned col = 1;
  if (at - from >= 3 && !memcmp(r->buf + from, "\xEF\xBB\xBF", 3))
    from += 3; /* a byte order mark takes no column, as in the parser */
  for (size_t i = from; i < at; i++)
    col += ((unsigned char)r->buf[i] & 0xC0) != 0x80;
  return col;
}

/* After the value: the rest of its line must be blank. false (with the
 * reason in r->msg and its column in *[col]) if it is not; the line is
 * then skipped. */
static bool rest_of_line(reader *r, unsigned *col) {
  int c;
  while ((c = peek(r)) >= 0 && blank(c))
    r->pos++;
  if (c < 0 || c == '\n')
    return true;
  *col = col_at(r, r->pos);
  snprintf(r->msg, sizeof r->msg, "text after the fact set on the same line "
           "(one JSON object per line)");
  while ((c = peek(r)) >= 0 && c != '\n')
    r->pos++;
  return false;
}

/* Skip a UTF-8 byte order mark at the very start of the input (the
 * parser skips it too: it stays in the record); note a UTF-16 one. */
static void skip_bom(reader *r) {
  if (!r->at_start)
    return;
  r->at_start = false;
  while (r->end < 3 && fill(r)) {
  }
  if (r->end >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0)
    r->pos = 3;
  r->utf16 = r->end >= 2 && (!memcmp(r->buf, "\xFF\xFE", 2) ||
                             !memcmp(r->buf, "\xFE\xFF", 2));
}

/* An input in UTF-16 (a file Windows saved as "Unicode") is one bad
 * record, the whole input: its lines are no JSON, and a message for
 * each would bury the one that says why. */
static int utf16_input(reader *r, record *rec) {
  r->utf16 = false;
  do
    r->start = r->pos = r->end;
  while (fill(r));
  if (r->failed)
    return -1;
  rec->line = rec->err_line = 1;
  rec->err_col = 1;
  snprintf(r->msg, sizeof r->msg, "the input is UTF-16 (it starts with a "
           "UTF-16 byte order mark); fact sets are read as UTF-8: save it "
           "as UTF-8");
  rec->error = r->msg;
  rec->last = true;
  return 1;
}

/* The record's brackets were still open when a line starting with '{'
 * began the next one: say so at the end of the record's last line (the
 * parser would only see the input end there, on the next line). */
static void unclosed(reader *r, record *rec, size_t *len) {
  size_t end = r->pos; /* at the '{'; the line break is just before it */
  while (end > r->start && (r->buf[end - 1] == '\n' ||
                            blank((unsigned char)r->buf[end - 1])))
    end--;
  rec->err_line = r->line - 1;
  rec->err_col = col_at(r, end);
  snprintf(r->msg, sizeof r->msg, "the fact set is not closed at the end "
           "of its line (the next line starts a new one)");
  rec->error = r->msg;
  *len = end - r->start;
}

int reader_next(reader *r, record *rec) {
  memset(rec, 0, sizeof *rec);
  r->hold = NO_HOLD; /* the record handed out before is let go */
  skip_bom(r);
  if (r->utf16)
    return utf16_input(r, rec);
  skip_space(r);
  if (peek(r) < 0)
    return r->failed ? -1 : 0;
  scan s = {0, false, false, false, false, false};
  size_t dropped = 0;
  rec->line = rec->err_line = r->line;
  scan_value(r, &s, &dropped);
  size_t len = r->pos - r->start;
  unsigned end_line = r->line, col = 0;
  if (s.broken && !s.in_str) /* a line starting with '{' came first */
    unclosed(r, rec, &len);
  bool whole = s.broken || rest_of_line(r, &col);
  if (r->failed)
    return -1;
  if (dropped) {
    snprintf(r->msg, sizeof r->msg, "the record is larger than %zu bytes "
             "(see --max-record)", r->max);
    rec->error = r->msg;
    rec->err_line = rec->line;
    rec->err_col = 0;
  } else if (!whole) {
    rec->error = r->msg;
    rec->err_line = end_line;
    rec->err_col = col;
  }
  r->hold = r->start;
  r->start = r->pos;
  skip_space(r); /* to know whether another record follows */
  rec->last = peek(r) < 0;
  if (r->failed)
    return -1;
  rec->data = rec->error ? NULL : r->buf + r->hold;
  rec->len = len;
  return 1;
}

void record_error(const record *rec, const char *name, char *msg,
                  size_t cap) {
  if (rec->err_col)
    snprintf(msg, cap, "%s:%u:%u: %s", name, rec->err_line, rec->err_col,
             rec->error);
  else
    snprintf(msg, cap, "%s:%u: %s", name, rec->err_line, rec->error);
}

bool record_refused(const record *rec, const char *name) {
  if (!rec->error)
    return false;
  char msg[4400];
  record_error(rec, name, msg, sizeof msg);
  cli_error("%s", msg);
  return true;
}
