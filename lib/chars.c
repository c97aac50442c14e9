/*
 * chars.c: the encoding of a source and the ASCII forms of Japanese
 * input (see chars.h).
 *
 * A text that is not UTF-8 is tested as Shift_JIS the way Windows writes
 * it (CP932): single bytes below 0x80 or half-width katakana 0xA1-0xDF,
 * and pairs of a lead byte 0x81-0x9F / 0xE0-0xFC and a trail byte
 * 0x40-0xFC but 0x7F. A text that reads so, with at least one pair, is
 * called Shift_JIS; the hint names CP932 instead when a lead byte of the
 * Windows extensions (0x87, 0xED and up: ①, ㈱, IBM kanji) shows that
 * plain SHIFT_JIS would not convert it.
 */
#include "chars.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Whether [s] of [n] bytes reads as Shift_JIS with at least one
 * two-byte character; *[cp932] is set when it uses Windows' extensions. */
static bool sjis_like(const unsigned char *s, size_t n, bool *cp932) {
  size_t pairs = 0;
  *cp932 = false;
  for (size_t i = 0; i < n; i++) {
    unsigned c = s[i];
    if (c < 0x80 || (c >= 0xA1 && c <= 0xDF))
      continue;
    bool lead = (c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xFC);
    unsigned t = i + 1 < n ? s[i + 1] : 0;
    if (!lead || t < 0x40 || t == 0x7F || t > 0xFC)
      return false;
    *cp932 |= c == 0x87 || c >= 0xED;
    pairs++;
    i++;
  }
  return pairs > 0;
}

/* The offset of the first byte of [s] that starts no valid UTF-8
 * sequence, or [n]; *[lines] counts the later lines that hold such
 * bytes too. */
static size_t first_invalid(const char *s, size_t n, size_t *lines) {
  size_t first = n, i = 0, last_line = 0, line = 0;
  *lines = 0;
  while (i < n) {
    size_t at = i;
    line += s[at] == '\n';
    if (utf8_decode(s, n, &i) >= 0)
      continue;
    i = at + 1;
    if (first == n)
      first = at;
    else if (line != last_line)
      (*lines)++;
    last_line = line;
  }
  return first;
}

/* The length of the longest prefix of [s] ([n] bytes) that is valid
 * UTF-8 and ends at a character boundary: [n] for a valid text. The
 * same rule as utf8_decode (no overlong forms, surrogates or code points
 * past U+10FFFF), without a call per character: policies are mostly
 * ASCII, read eight bytes at a time. */
static size_t valid_prefix(const char *text, size_t n) {
  const unsigned char *s = (const unsigned char *)text;
  size_t i = 0;
  while (i < n) {
    uint64_t w;
    if (i + 8 <= n && (memcpy(&w, s + i, 8), !(w & 0x8080808080808080u))) {
      i += 8;
      continue;
    }
    unsigned c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
                 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (!len || n - i < len)
      return i;
    /* the second byte's range rules out the overlong forms, the
     * surrogates and what lies past U+10FFFF */
    unsigned lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
    unsigned hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;
    if (s[i + 1] < lo || s[i + 1] > hi)
      return i;
    for (size_t k = 2; k < len; k++)
      if ((s[i + k] & 0xc0) != 0x80)
        return i;
    i += len;
  }
  return n;
}

/* The name to show for the file in a command line: "FILE" for sources
 * that are no file ("<policy>"). */
static const char *shown(const diag_list *d) {
  return d->file && d->file[0] != '<' ? d->file : "FILE";
}

bool chars_check_encoding(diag_list *d, uint32_t *start) {
  const char *s = d->src;
  size_t n = d->srclen, more;
  *start = n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
  if (valid_prefix(s, n) == n)
    return true;
  size_t bad = first_invalid(s, n, &more);
  if (bad == n)
    return true;
  bool cp932;
  if (sjis_like((const unsigned char *)s, n, &cp932)) {
    const char *enc = cp932 ? "CP932" : "SHIFT_JIS";
    diag_add(d, DC_SHIFT_JIS, diag_span_at(d, (uint32_t)bad, 2),
             "this file looks like Shift_JIS; policy files are UTF-8");
    diag_hint(d, "convert it with iconv -f %s -t UTF-8 %s > NEW.pol", enc,
              shown(d));
    return false;
  }
  if (more)
    diag_add(d, DC_BAD_UTF8, diag_span_at(d, (uint32_t)bad, 1),
             "invalid UTF-8 (byte 0x%02X); %zu more line%s hold such bytes",
             (unsigned char)s[bad], more, more == 1 ? "" : "s");
  else
    diag_add(d, DC_BAD_UTF8, diag_span_at(d, (uint32_t)bad, 1),
             "invalid UTF-8 (byte 0x%02X)", (unsigned char)s[bad]);
  diag_hint(d, "policy files are UTF-8: save %s as UTF-8", shown(d));
  return false;
}

/* A CR alone is whitespace to the lexer, so a file of old Mac OS line
 * ends read as one line: a `//` comment ran to the end of the file and
 * hid every rule after it, and every location said line 1. One
 * diagnostic at the first such CR, as for an encoding, since every
 * later line shares the cause. */
bool chars_check_line_ends(diag_list *d, uint32_t start) {
  const char *s = d->src, *end = s + d->srclen;
  const char *cr = memchr(s + start, '\r', d->srclen - start);
  while (cr && cr + 1 < end && cr[1] == '\n')
    cr = memchr(cr + 2, '\r', (size_t)(end - cr - 2));
  if (!cr)
    return true;
  /* the file's first line ends so: its lines are Mac OS's (a stray CR
   * in a file of LF lines is told apart, as it needs another remedy) */
  bool no_lf = !memchr(s + start, '\n', (size_t)(cr - s) - start);
  diag_add(d, DC_CR_LINE_ENDS, diag_span_at(d, (uint32_t)(cr - s), 1),
           no_lf ? "this file ends its lines with a carriage return alone "
                   "(old Mac OS line ends); policy lines end with LF or "
                   "CRLF"
                 : "a carriage return without a line feed; policy lines "
                   "end with LF or CRLF");
  if (no_lf)
    diag_hint(d, "convert it with tr '\\r' '\\n' < %s > NEW.pol",
              shown(d));
  else
    diag_hint(d, "delete the carriage return, or put a line feed after it");
  return false;
}

/* Characters an input method types for ASCII ones. The full-width forms
 * U+FF01-U+FF5E are ASCII 0x21-0x7E shifted; the rest are listed. */
static const struct {
  uint32_t cp;
  const char *ascii;
} look_alikes[] = {
    {0x3000, " "},  /* ideographic space */
    {0x00A0, " "},  /* no-break space (web pages, word processors) */
    {0x2002, " "},  /* en space */
    {0x2003, " "},  /* em space */
    {0x2009, " "},  /* thin space */
    {0x202F, " "},  /* narrow no-break space */
    {0x3001, ","},  /* 、 */
    {0x3002, "."},  /* 。 */
    {0x2212, "-"},  /* − minus sign */
    {0x00D7, "*"},  /* × */
    {0x00F7, "/"},  /* ÷ */
    {0x2260, "!="}, /* ≠ */
    {0x2264, "<="}, /* ≤ */
    {0x2265, ">="}, /* ≥ */
    {0x2266, "<="}, /* ≦ */
    {0x2267, ">="}, /* ≧ */
    {0x2018, "'"},  /* ‘ */
    {0x2019, "'"},  /* ’ */
    {0x201C, "\""}, /* “ */
    {0x201D, "\""}, /* ” */
};

int chars_ascii_form(uint32_t cp, char out[3]) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) {
    out[0] = (char)(cp - 0xFEE0);
    out[1] = '\0';
    return 1;
  }
  for (size_t i = 0; i < POL_COUNTOF(look_alikes); i++)
    if (look_alikes[i].cp == cp) {
      size_t n = strlen(look_alikes[i].ascii);
      memcpy(out, look_alikes[i].ascii, n + 1);
      return (int)n;
    }
  return 0;
}
