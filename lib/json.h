/*
 * json.h: the project's own JSON reader and writer.
 *
 * The reader is strict RFC 8259 and builds engine values (value.h) straight
 * into an arena, with no intermediate tree:
 *   - objects become V_MAP with string keys in insertion order; when a key
 *     repeats, the entry keeps the position of its first occurrence and
 *     the value of its last (RFC 8259 leaves this open; JSONTestSuite
 *     accepts duplicates);
 *   - arrays become V_LIST, strings V_STRING (raw bytes must be UTF-8,
 *     \u escapes are decoded, surrogate escapes must pair up; \u0000 is
 *     allowed since strings carry their length);
 *   - a number without fraction or exponent is V_INT if it fits int64,
 *     else V_UINT if it fits uint64, else V_DOUBLE; any other number is
 *     V_DOUBLE, correctly rounded; a number too large for a double is the
 *     error "number out of range" (underflow to zero or a subnormal is
 *     fine). So "-0" is the int 0 and "-0.0" the double -0.0;
 *   - a UTF-8 byte order mark is skipped at the very start of the text
 *     (RFC 8259 section 8.1 allows this; Windows tools write one), and
 *     rejected anywhere else. A BOM alone is still "unexpected end of
 *     input";
 *   - nesting deeper than POL_MAX_JSON_DEPTH is an error, found as soon as
 *     the limit is crossed, with bounded recursion (never a stack
 *     overflow).
 * Errors give the 1-based line and column of the offending byte (columns
 * count code points; only '\n' starts a line; a skipped BOM takes no
 * column) and one specific message.
 *
 * The writer prints any value as JSON; see json_write.
 */
#ifndef POL_JSON_H
#define POL_JSON_H

#include <locale.h>

#include "value.h"

typedef struct json_error {
  uint32_t line, col; /* 1-based; col in code points */
  uint32_t off;       /* byte offset from the start of the text */
  char msg[200];      /* e.g. "expected ',' or '}' after object member" */
  bool oom;           /* the error is out of memory (msg says so too) */
} json_error;

/* Parse exactly one JSON value (surrounded by optional whitespace) from
 * [s]/[n] into *[out], allocating in [a]. false on error with *[error]
 * filled ([error] may be NULL). [s] need not be NUL-terminated. A text of
 * 4 GiB or more is refused (positions are 32-bit); other limits are the
 * caller's. On error, whatever was allocated in [a]
 * stays there until the arena is reset. */
POL_INTERNAL bool json_parse(arena *a, const char *s, size_t n, val *out,
                             json_error *error);

/* The parser's scratch stacks, kept by a caller that parses many texts
 * (a fact set loading one vendor after another), so that parsing
 * allocates nothing once warm. Zero it to start; free its two arrays
 * with the arena's mem (they come from the mem of the arena parsed
 * into). */
typedef struct json_scratch {
  val *vals;
  size_t vcap;
  val *keys;
  size_t kcap;
} json_scratch;

/* json_parse with the scratch stacks [scratch] (may be NULL). With
 * [facts], the text is a fact set's: every container below the top value
 * is linked to its parent as it is made (the origins val_adopt would
 * set, without a second walk); the top value's own origin is the
 * caller's to set (val_adopt_root). */
POL_INTERNAL bool json_parse_with(arena *a, const char *s, size_t n,
                                  val *out, json_error *error,
                                  json_scratch *scratch, bool facts);

/* Like json_parse, but parse one value starting at *[pos] (after optional
 * whitespace) and advance *[pos] past it and the whitespace after it: for
 * NDJSON streams, one value per line. Call it while *[pos] < [n] (it
 * needs *[pos] <= [n]); at the end of the text it fails with "unexpected
 * end of input". Values need no newline between them ("1 2" and "[1][2]"
 * are two values each). Positions in *[error] count from [s], so line
 * numbers are those of the stream. On error *[pos] is unchanged: a
 * caller can skip to the next line and go on. [n] must be below 4 GiB. */
POL_INTERNAL bool json_parse_next(arena *a, const char *s, size_t n,
                                  size_t *pos, val *out, json_error *error);

/* Number of '\n' bytes in [s]/[n]. */
POL_INTERNAL size_t json_newlines(const char *s, size_t n);
/* Number of '\n' bytes in the whitespace that begins [s]/[n]: how many
 * lines below its first a value there starts. */
POL_INTERNAL unsigned json_leading_lines(const char *s, size_t n);
/* The column (code points, from 1, on its line of [s]) of the value
 * that follows the whitespace at [s] + [start]: for a message about the
 * value as a whole. */
POL_INTERNAL unsigned json_value_col(const char *s, size_t n, size_t start);

/* Append [v] to [b] as JSON. Ints and uints are written as integers,
 * doubles in their shortest round-trip form with a '.' or an exponent (so
 * 1.0 reads back as a double; NaN and infinities as the strings "NaN",
 * "Infinity", "-Infinity"), bytes as a base64 string, durations and
 * timestamps as strings of their CEL text ("1.5s",
 * "2009-02-13T23:31:30Z", as protobuf's JSON mapping does), a type as the
 * string of its name, optional.of(x) as x and optional.none() as null,
 * errors as {"error": "message"}. Map keys that are not strings (bool, int,
 * uint) become strings of their JSON text. [indent] 0 writes compact JSON;
 * otherwise one member per line, [indent] spaces per level. */
POL_INTERNAL void json_write(sbuf *b, val v, int indent);

/* The "C" locale for LC_NUMERIC, created once (thread-safe). Wrap strtod
 * and printf of doubles in uselocale(json_c_locale()) so that the host's
 * setlocale() cannot change the decimal point. (locale_t)0 if it could not
 * be created, which uselocale() takes as "leave the locale alone". */
POL_INTERNAL locale_t json_c_locale(void);

#endif
