/*
 * import.h: what the parts of `policyc import` share (docs/cli.md,
 * "import"): a bump allocator, a small JSON tree with source positions,
 * the check sheet as a table of located cells, the parsing of values in
 * Japanese text, and the mapping that turns rows into facts.
 *
 * The import lives in the CLI, not in the library: it reads a file
 * format (a spreadsheet export) and writes a fact set, which the library
 * then reads like any other; no host needs it to evaluate policies. The
 * CLI sees only include/pol.h, so it carries its own JSON tree: the
 * library's reader keeps no position per value, and a bad mapping must
 * be reported at its line and column.
 */
#ifndef POLICYC_IMPORT_H
#define POLICYC_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"

/* ==== memory ============================================================= */

/* Every allocation of one import comes from this pool and goes with it:
 * the tables, trees and strings live exactly as long as the run. */
typedef struct imp_pool imp_pool;
imp_pool *imp_pool_new(void);
void imp_pool_free(imp_pool *p);
/* [n] zeroed bytes from [p]; exits with status 3 on out of memory, since
 * an import has nothing useful to salvage. */
void *imp_alloc(imp_pool *p, size_t n);
char *imp_strndup(imp_pool *p, const char *s, size_t n);
char *imp_strdup(imp_pool *p, const char *s);
char *imp_printf(imp_pool *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append [item] to the growable array *[items] of *[n] (capacity *[cap]). */
void imp_push(imp_pool *p, void ***items, size_t *n, size_t *cap,
              void *item);

/* A growable text buffer in the pool. */
typedef struct imp_buf {
  imp_pool *pool;
  char *s;
  size_t len, cap;
} imp_buf;
void imp_buf_init(imp_buf *b, imp_pool *p);
void imp_buf_put(imp_buf *b, const char *s, size_t n);
void imp_buf_puts(imp_buf *b, const char *s);
void imp_buf_printf(imp_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ==== JSON =============================================================== */

typedef enum { JN_NULL, JN_BOOL, JN_NUM, JN_STR, JN_ARR, JN_OBJ } jn_kind;

/* A JSON value. Numbers keep whether they were written as integers, so
 * an int fact is written back without a fraction. */
typedef struct jnode jnode;
struct jnode {
  jn_kind kind;
  unsigned line, col; /* where it starts in its source (1-based) */
  size_t off, end;    /* its bytes in the source: [off, end) */
  unsigned key_line, key_col; /* an object's member: where its name is */
  bool b;
  bool is_int;
  long long i;
  double num;
  const char *s;  /* JN_STR */
  jnode **items;  /* JN_ARR values, JN_OBJ member values */
  char **keys;    /* JN_OBJ member names */
  size_t n, cap;
  size_t *ix;     /* JN_OBJ of many members: 1 + a member's position, by
                     the hash of its name (open addressing); else NULL */
  size_t ixmask;
  unsigned long long compares; /* JN_OBJ: member names jn_get and jn_set
                     compared in it: tests show it linear in the members
                     set and got, not members x members */
};

/* Parse [text] of [len] bytes named [name]; NULL after printing
 * "name:line:col: message" to stderr. */
jnode *jn_parse(imp_pool *p, const char *text, size_t len, const char *name);
jnode *jn_new(imp_pool *p, jn_kind k);
jnode *jn_str(imp_pool *p, const char *s);
jnode *jn_int(imp_pool *p, long long v);
/* Member [key] of object [o], or NULL. */
jnode *jn_get(const jnode *o, const char *key);
/* Set member [key] of object [o] to [v] (replacing an old value). */
void jn_set(imp_pool *p, jnode *o, const char *key, jnode *v);
void jn_append(imp_pool *p, jnode *arr, jnode *v);
bool jn_equal(const jnode *a, const jnode *b);
/* [v] as JSON text: objects and arrays that hold only scalars on one
 * line, everything else indented by two spaces. */
void jn_write(imp_buf *out, const jnode *v, int indent);

/* ==== the sheet ========================================================== */

typedef struct cell {
  const char *text; /* UTF-8, trimmed of surrounding blanks */
  unsigned line, col;
} cell;

typedef struct sheet_row {
  cell *cells;
  size_t n;
  unsigned line;
} sheet_row;

typedef struct sheet {
  const char *name; /* the file name, for messages */
  sheet_row *rows;
  size_t n;
  const char *encoding; /* "UTF-8" or "SHIFT_JIS" (as read) */
} sheet;

/* Read [path] as CSV or TSV (by its extension; else a tab in the first
 * line means TSV) in UTF-8 or Shift_JIS (detected: text that is not
 * UTF-8 is converted from CP932 with iconv). False after printing a
 * located message. */
bool sheet_read(imp_pool *p, const char *path, sheet *out);

/* ==== values in text ===================================================== */

/* What a rule asks for in a cell's text. */
typedef enum {
  VK_DURATION, /* 24時間以内, 2週間前, 6か月: in the fact's unit */
  VK_COUNT,    /* 7世代, 256bit, 16: with the rule's unit, if any */
  VK_PERCENT,  /* 99.95%以上 */
  VK_DATE,     /* 2026年9月4日, 2024/9/24, 2000年11月 */
  VK_INTERVAL, /* 1日1回, 1週間に1回, 毎朝: time between, in the unit */
  VK_PER_YEAR  /* 年2回, 1年に1回, 半年に一度 */
} vkind;

/* A value found in text: its number (a date as YYYYMMDD, the day 00
 * when not given), where its words start and end in the text (bytes),
 * whether its clause calls it a target (目標, 目安, 原則, 程度,
 * 通常, 程), and whether it is an upper bound ("up to": 最大 or 上限
 * before it in its clause, まで right after it). */
typedef struct vfound {
  double num;
  size_t start, end;
  bool target;
  bool bound;
  bool option;  /* its part of the clause (up to 、) names an option:
                   オプション, 有償, 個別契約 (import_option_words) */
} vfound;

/* Whether [text] (between [from] and [to] bytes) names an option, as
 * docs/facts.md's "Optional and per-contract facts" reads it. */
bool import_option_words(const char *text, size_t from, size_t to);

/* Find a value of kind [k] in [text] after the markers [after] (each
 * searched after the previous; NULL-ended, may be NULL). [unit] is the
 * unit a count must carry (NULL: any or none), [fact_unit] the unit of
 * the fact's path ("hours", "days", ...), [range_max] picks the upper
 * end of "1~2". Returns 0 and fills [out], 1 when nothing of the kind is
 * there, 2 for a number with a unit the kind does not know (the
 * message, in [msg], names it). */
int value_find(const char *text, const char *const *after, vkind k,
               const char *unit, const char *fact_unit, bool range_max,
               vfound *out, char *msg, size_t msgcap);
/* The unit a fact path's name gives: "_hours" -> "hours", ... or NULL. */
const char *value_path_unit(const char *path);
/* The verbatim fragment of [text] to quote for bytes [start, end): the
 * sentence around it, cut to about 60 characters. */
char *value_fragment(imp_pool *p, const char *text, size_t start,
                     size_t end);
/* "2024年8月7日" or "2024/8/7" as "2024-08-07" ("2000年11月": "2000-11");
 * NULL if [text] holds no date. */
const char *value_date(imp_pool *p, const char *text);

/* ==== the mapping ======================================================== */

typedef struct mapping mapping;

/* Where a fact came from ("sla.tsv:33 (row 6-6)"), to report two sheets
 * that disagree. */
typedef struct fact_origin {
  const char *path, *where;
} fact_origin;

typedef struct import_out {
  jnode *facts;    /* the fact set being built (an object) */
  jnode *evidence; /* its $evidence */
  jnode *withheld; /* its $withheld */
  jnode *sheets;   /* checksheet.sheets */
  jnode *items;    /* checksheet.items */
  fact_origin **origins;
  size_t norigins, cap_origins;
} import_out;

/* An empty [out], its objects and arrays made in [p]. */
void import_out_init(imp_pool *p, import_out *out);

/* Load the mapping file [path]. NULL after printing a located message. */
mapping *mapping_load(imp_pool *p, const char *path);
/* Apply [m] to [s]: keep every row under checksheet.items, derive the
 * facts of the rules, list the rows no rule covers on stderr. [check]
 * validates one derived fact (given as a one-fact JSON text) and returns
 * NULL or the problem. Returns EXIT_OK, EXIT_USAGE (a mapping that does
 * not fit the sheet or the schema) or EXIT_INPUT (a row that does not
 * parse, a conflict between sheets), after printing the message. */
int mapping_apply(imp_pool *p, const mapping *m, const sheet *s,
                  import_out *out,
                  const char *(*check)(void *ctx, const char *json),
                  void *ctx);

#endif
