/*
 * json_write.c: the JSON writer, any value as JSON text (contract in
 * json.h, json_write). Split from the reader, json.c.
 */
#include "json.h"

#include <math.h>
#include <string.h>

#include "time.h"

static void write_value(sbuf *b, val v, int indent, int level);

static void newline(sbuf *b, int indent, int level) {
  if (indent <= 0)
    return;
  sb_putc(b, '\n');
  for (long i = (long)indent * level; i > 0; i--)
    sb_putc(b, ' ');
}

static void write_escape(sbuf *b, unsigned char c) {
  switch (c) {
  case '"': sb_puts(b, "\\\""); break;
  case '\\': sb_puts(b, "\\\\"); break;
  case '\n': sb_puts(b, "\\n"); break;
  case '\r': sb_puts(b, "\\r"); break;
  case '\t': sb_puts(b, "\\t"); break;
  case '\b': sb_puts(b, "\\b"); break;
  case '\f': sb_puts(b, "\\f"); break;
  default: sb_printf(b, "\\u%04x", c); break;
  }
}

/* Whether write_string escapes the byte [c]. */
static inline bool escaped(unsigned char c) {
  return c < 0x20 || c == '"' || c == '\\';
}

/* The bytes at the start of [s] ([n] of them) that write_string copies
 * as they are. Eight at a time where the machine allows (as out.c's
 * json_plain): the high bit of each byte below 0x20, or equal to '"' or
 * '\\', is set; a borrow may mark bytes after the first such byte, never
 * before, so the lowest bit set is the first stop. */
static size_t plain_run(const char *s, size_t n) {
  size_t i = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && \
    defined(__GNUC__)
  const uint64_t ones = 0x0101010101010101u, high = ones << 7;
  for (; n - i >= 8; i += 8) {
    uint64_t x, q, bs;
    memcpy(&x, s + i, 8);
    q = x ^ ones * '"';
    bs = x ^ ones * '\\';
    uint64_t stop = ((x - ones * 0x20) & ~x) | ((q - ones) & ~q) |
                    ((bs - ones) & ~bs);
    if ((stop &= high) != 0)
      return i + (size_t)(__builtin_ctzll(stop) >> 3);
  }
#endif
  while (i < n && !escaped((unsigned char)s[i]))
    i++;
  return i;
}

/* [s]/[n] (UTF-8) as a JSON string: the quote, the backslash and control
 * characters escaped, runs of anything else copied as they are. */
static void write_string(sbuf *b, const char *s, size_t n) {
  size_t run = 0, i = plain_run(s, n);
  sb_putc(b, '"');
  while (i < n) {
    sb_put(b, s + run, i - run);
    write_escape(b, (unsigned char)s[i]);
    run = ++i;
    i += plain_run(s + i, n - i);
  }
  sb_put(b, s + run, n - run);
  sb_putc(b, '"');
}

/* [p]/[n] as a string in standard base64 with padding (RFC 4648). */
static void write_base64(sbuf *b, const unsigned char *p, size_t n) {
  static const char digit[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  sb_putc(b, '"');
  for (size_t i = 0; i < n; i += 3) {
    uint32_t w = (uint32_t)p[i] << 16;
    if (i + 1 < n)
      w |= (uint32_t)p[i + 1] << 8;
    if (i + 2 < n)
      w |= p[i + 2];
    char q[4] = {digit[w >> 18], digit[w >> 12 & 63],
                 i + 1 < n ? digit[w >> 6 & 63] : '=',
                 i + 2 < n ? digit[w & 63] : '='};
    sb_put(b, q, 4);
  }
  sb_putc(b, '"');
}

/* A finite double in val_print's shortest round-trip form, which is also
 * valid JSON ("1.0", "-0.0", "1e+100"); others as strings. */
static void write_double(sbuf *b, double d) {
  if (isnan(d))
    sb_puts(b, "\"NaN\"");
  else if (isinf(d))
    sb_puts(b, d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  else
    val_print(b, val_double(d));
}

static void write_list(sbuf *b, const list *l, int indent, int level) {
  sb_putc(b, '[');
  for (uint32_t i = 0; i < l->n; i++) {
    if (i)
      sb_putc(b, ',');
    newline(b, indent, level + 1);
    write_value(b, l->items[i], indent, level + 1);
  }
  if (l->n)
    newline(b, indent, level);
  sb_putc(b, ']');
}

/* A map key: strings as they are, other kinds as the string of their
 * JSON text (JSON object keys are always strings). */
static void write_key(sbuf *b, val k) {
  if (k.kind == V_STRING) {
    write_string(b, k.as.s->data, k.as.s->len);
    return;
  }
  sbuf text;
  sb_init(&text, &b->m);
  write_value(&text, k, 0, 0);
  write_string(b, text.p, text.len);
  b->oom |= text.oom;
  sb_free(&text);
}

static void write_map(sbuf *b, const map *m, int indent, int level) {
  sb_putc(b, '{');
  for (uint32_t i = 0; i < m->n; i++) {
    if (i)
      sb_putc(b, ',');
    newline(b, indent, level + 1);
    write_key(b, m->keys[i]);
    sb_puts(b, indent > 0 ? ": " : ":");
    write_value(b, m->vals[i], indent, level + 1);
  }
  if (m->n)
    newline(b, indent, level);
  sb_putc(b, '}');
}

static void write_time(sbuf *b, val v) {
  char buf[48];
  size_t n = v.kind == V_DURATION ? tm_format_duration(buf, v.as.i, v.aux)
                                  : tm_format_timestamp(buf, v.as.i, v.aux);
  write_string(b, buf, n);
}

static void write_error(sbuf *b, const err *e, int indent) {
  sb_puts(b, indent > 0 ? "{\"error\": " : "{\"error\":");
  write_string(b, e->msg, strlen(e->msg));
  sb_putc(b, '}');
}

static void write_value(sbuf *b, val v, int indent, int level) {
  switch (v.kind) {
  case V_NULL: sb_puts(b, "null"); break;
  case V_BOOL: sb_puts(b, v.as.b ? "true" : "false"); break;
  case V_INT: sb_put_int(b, v.as.i); break;
  case V_UINT: sb_put_uint(b, v.as.u); break;
  case V_DOUBLE: write_double(b, v.as.d); break;
  case V_STRING: write_string(b, v.as.s->data, v.as.s->len); break;
  case V_BYTES:
    write_base64(b, (const unsigned char *)v.as.s->data, v.as.s->len);
    break;
  case V_LIST: write_list(b, v.as.l, indent, level); break;
  case V_MAP: write_map(b, v.as.m, indent, level); break;
  case V_DURATION:
  case V_TIMESTAMP: write_time(b, v); break;
  case V_TYPE: sb_printf(b, "\"%s\"", val_type_name(v.aux)); break;
  case V_OPTIONAL:
    if (v.as.opt)
      write_value(b, *v.as.opt, indent, level);
    else
      sb_puts(b, "null");
    break;
  case V_ERROR: write_error(b, v.as.e, indent); break;
  default: sb_puts(b, "null"); break;
  }
}

/* Append [v] as JSON to [b] (contract in json.h). */
void json_write(sbuf *b, val v, int indent) { write_value(b, v, indent, 0); }
