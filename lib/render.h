/*
 * render.h: report renderers, a family with one small interface and one
 * member per file (render_text.c, render_json.c, ...), listed in one
 * table in render.c. docs/report-format.md describes every format; keep
 * the two in step.
 *
 * A renderer streams: begin() writes what comes before any vendor; each
 * vendor, as soon as it is checked, is written in two steps: chunk()
 * renders the part that depends on that vendor alone (any thread may do
 * this, each for its own vendor: it reads only the renderer's settings),
 * and place() puts it in the output in input order (separators, and
 * whatever the end needs are place()'s); end() writes what comes after
 * the last. A format that needs every vendor at the end (the text
 * matrix) keeps only what it needs (the verdict cells), never the
 * reports. Nothing a renderer writes may depend on a vendor that comes
 * later, except what end() writes.
 */
#ifndef POL_RENDER_H
#define POL_RENDER_H

#include "report.h"

enum { RENDER_COLOR = 1 };

/* How a matrix is laid out: auto, rules as rows, vendors as rows. */
typedef enum { MATRIX_AUTO, MATRIX_RULES, MATRIX_VENDORS } matrix_view;

/* One input the vendors (or the waivers) came from, for the stamp. */
typedef struct stamp_input {
  int kind;            /* POL_INPUT_* */
  const char *name;
  char sha256[65];     /* filled when the next input starts, or at end */
} stamp_input;

/* The reproducibility stamp (docs/report-format.md): what a report was
 * made from, written at the end of every format, when every input has
 * been read and hashed. */
typedef struct stamp {
  const char *as_of;   /* "YYYY-MM-DD", or NULL */
  const char *options; /* the options that change verdicts, or NULL */
  stamp_input *inputs;
  size_t ninputs, cap;
  struct sha256_ctx *hash; /* of the input being read, or NULL */
  mem m;               /* the renderer's allocator */
} stamp;

/* report_resolve, for a renderer: out of memory marks [out], so that a
 * fact left out for want of memory fails the output instead of
 * vanishing from it. */
static inline bool render_resolve(const report *r, const vendor_result *vr,
                                  fact_ref *f, sbuf *out) {
  if (report_resolve(r, vr, f))
    return true;
  out->oom = true;
  return false;
}

typedef struct renderer renderer;

typedef struct render_ops {
  const char *name;    /* the --format name */
  size_t state_size;   /* bytes of the member's own state, zeroed */
  void (*begin)(renderer *w, sbuf *out);
  /* The text of vendor [i] of [r] that depends on it alone. */
  void (*chunk)(const renderer *w, const report *r, uint32_t i, sbuf *out);
  /* Vendor [i] of [r], the w->nvendors'th written (from 0), whose chunk
   * is [text] of [len] bytes: into the output. */
  void (*place)(renderer *w, const report *r, uint32_t i, const char *text,
                size_t len, sbuf *out);
  /* An input that could not be checked ([from]: [message]); may be
   * NULL when the format has no place for it (it goes to stderr). */
  void (*error)(renderer *w, const char *from, const char *message,
                sbuf *out);
  void (*end)(renderer *w, sbuf *out);
  void (*free)(renderer *w); /* may be NULL */
} render_ops;

struct renderer {
  const render_ops *ops;
  const policy *pol;
  unknown_mode unknown;
  int flags;           /* RENDER_* */
  lang lang;           /* of headings and verdict words (render_word) */
  unsigned width;      /* text: the columns to fit; 0: no limit */
  matrix_view matrix;
  stamp stamp;         /* filled by the writer; empty for one-off renders */
  /* Where a long end() hands what it has written so far (the writer's
   * output), so a matrix of many vendors is not held whole; NULL: keep
   * it all (pol_report_render). */
  void (*spill)(void *user, sbuf *out);
  void *spill_user;
  uint64_t nvendors;   /* vendors written before the current one */
  uint64_t nerrors;    /* inputs reported through error() */
  void *state;         /* ops->state_size bytes */
  mem m;               /* the policy's allocator: state and scratch */
};

/* The renderer named [name] ("text", "json", ...), or NULL. */
POL_INTERNAL const render_ops *render_find(const char *name);
/* The renderer of the public format number [format] (POL_FORMAT_*). */
POL_INTERNAL const render_ops *render_by_number(int format);
/* Set [w] up; false on out of memory. */
POL_INTERNAL bool render_init(renderer *w, const render_ops *ops,
                              const policy *pol, unknown_mode unknown,
                              int flags);
POL_INTERNAL void render_begin(renderer *w, sbuf *out);
/* chunk() then place(), on one thread; [tmp] is scratch for the chunk. */
POL_INTERNAL void render_vendor(renderer *w, const report *r, uint32_t i,
                                sbuf *tmp, sbuf *out);
POL_INTERNAL void render_chunk(const renderer *w, const report *r,
                               uint32_t i, sbuf *out);
POL_INTERNAL void render_place(renderer *w, const report *r, uint32_t i,
                               const char *text, size_t len, sbuf *out);
POL_INTERNAL void render_error(renderer *w, const char *src,
                               const char *message, sbuf *out);
POL_INTERNAL void render_end(renderer *w, sbuf *out);
POL_INTERNAL void render_free(renderer *w);
/* Hand [out] to w->spill when it holds more than a few dozen KiB: call
 * it between the rows of a long end(). */
POL_INTERNAL void render_spill(const renderer *w, sbuf *out);

/* ---- pieces several members use (render.c) ---- */
POL_INTERNAL void render_place_as_is(renderer *w, const report *r,
                                     uint32_t i, const char *text,
                                     size_t len, sbuf *out);
POL_INTERNAL const char *unknown_mode_name(unknown_mode m);
/* "document (version V, date)" in [l] ("資料（V版、date）"), whichever
 * parts [vr] has; the vendor's words as they are, for the caller to
 * escape. W_VERSION_OF holds one %s. */
POL_INTERNAL void render_document(sbuf *t, lang l, const vendor_result *vr);
/* The colour of a verdict ("32" green ...). */
POL_INTERNAL const char *render_verdict_sgr(verdict v);
/* An input error as one text: its message, after "[source]: " unless
 * the message starts with the source's file (render_error_where), as
 * policyc's messages do ("file:3:25: ..."). */
POL_INTERNAL void render_error_text(sbuf *b, const char *source,
                                    const char *message);

/* ==== words in the report's language (render_lang.c) ==== */
typedef enum {
  W_POLICY, W_POLICY_FILE, W_VENDOR, W_SERVICE, W_DOCUMENT, W_SOURCE,
  W_VERSION, W_RULE, W_SEVERITY, W_TITLE, W_VERDICT, W_VALUE, W_EVIDENCE,
  W_MISSING, W_WITHHELD, W_NOT_DISCLOSED, W_MESSAGE, W_REASON, W_REFS,
  W_SUMMARY, W_TOTAL, W_RESULT, W_COMPLIANT, W_NOT_COMPLIANT, W_YES, W_NO,
  W_VENDORS, W_COMPLIANT_COL, W_MUST_NOT_MET, W_NONE, W_QUESTIONS,
  W_SCORE, W_DISCLOSURE, W_MATRIX, W_DETAILS, W_STAMP, W_ENGINE, W_AS_OF,
  W_OPTIONS, W_INPUTS, W_WAIVED, W_WAIVER, W_OWNER, W_JUSTIFICATION,
  W_TICKET, W_EXPIRES, W_EXPIRED, W_RESIDUAL, W_SKIPPED_WHEN, W_FACTS,
  W_NO_VENDORS, W_FAILED_MUST, W_ERROR_MUST, W_UNKNOWN_MUST_FAIL,
  W_UNKNOWN_MUST_WARN, W_UNCHECKED_MUST, W_SETTLES, W_IS_FALSE,
  /* an input that could not be checked (pol_writer_error) */
  W_NOT_CHECKED, W_NOT_CHECKED_HEAD, W_NOT_CHECKED_WHY, W_NOT_CHECKED_COUNT,
  W_NOT_CHECKED_MORE,
  W_ERROR_TEXT,
  /* the text report's; a "%s" in a word is where the value goes */
  W_OPEN, W_CLOSE, W_COMMA, W_VERSION_OF, W_ASSUMED, W_ASSUMED_NOTE,
  W_NOT_PRESENT, W_ASSUMED_MARK, W_DECIDED_MARK, W_MORE_FACTS,
  W_EVIDENCE_OF, W_APPLIES_IF, W_IF_IT_APPLIES, W_FROM, W_WAS,
  W_WAIVED_WAS, W_EXPIRED_STAYS, W_UNTIL, W_EXPIRED_ON, W_RULES, W_OVERALL,
  W_VENDOR_COL, W_WARNING_MARK, W_WAIVERS, W_WAIVED_CELL, W_EXPIRED_CELL,
  W_UNKNOWN_COUNT_FAIL, W_UNKNOWN_COUNT_WARN, W_UNKNOWN_COUNT_IGNORE,
  /* the questions' (--format questions) */
  W_QUESTION_COUNT, W_NO_QUESTIONS, W_NOTE_MARK,
  NWORDS
} word;
/* The word [wd] in [l]. */
POL_INTERNAL const char *render_word(lang l, word wd);
/* Word [wd], whose "%s" is where a count goes, with [n] there. */
POL_INTERNAL void render_word_count(sbuf *b, lang l, word wd, uint64_t n);
/* A verdict as a word of [l] (English: "PASS"; Japanese: "適合"). */
POL_INTERNAL const char *render_verdict(lang l, verdict v);
/* "must" / "必須" ... */
POL_INTERNAL const char *render_severity(lang l, severity s);

/* ==== the stamp (render_stamp.c) ==== */
POL_INTERNAL void stamp_free(stamp *s);
/* Start input [name] of [kind]: the bytes given next are its. */
POL_INTERNAL bool stamp_input_begin(stamp *s, int kind, const char *name);
POL_INTERNAL void stamp_input_data(stamp *s, const void *data, size_t len);
/* Whether an input is begun and not yet closed (its data is hashed). */
POL_INTERNAL bool stamp_input_open(const stamp *s);
/* Finish the digest of the input being read, if any. */
POL_INTERNAL void stamp_close(stamp *s);
/* The stamp as (key, value) lines, for the formats that list it: calls
 * [put] for each: "engine", "policy" ("FILE sha256:HEX"), "module"
 * ("FILE sha256:HEX") per module imported from a file, "as_of",
 * "options" (both "" when not set), then per input its kind ("facts",
 * "waivers") with "NAME sha256:HEX". */
/* The stamp as one compact JSON object (render_json.c), as the json
 * format's "stamp" member has it. */
POL_INTERNAL void render_json_stamp(const renderer *w, sbuf *b);
typedef void (*stamp_put_fn)(void *user, const char *key,
                             const char *text);
/* [put] gets [out] as its user; out of memory in between is [out]'s. */
POL_INTERNAL void stamp_each(const renderer *w, stamp_put_fn put,
                             sbuf *out);

/* ==== inputs that could not be checked (render_cells.c) ====
 * A format whose end lists vendors (the text matrix's legend, the score
 * tables of Markdown and HTML, SARIF's notifications) keeps each input
 * error for it, in input order: [at] vendors were written before it.
 * Only the first ERRORS_KEPT are kept, the rest counted: an input that
 * is not NDJSON at all (a CSV) is an error a line, and the end of the
 * report lists them and says how many more there were, in memory that
 * does not grow with the input. */
enum { ERRORS_KEPT = 100 };
typedef struct input_error {
  uint64_t at;
  const char *source, *message;
} input_error;
typedef struct error_store {
  arena a;               /* the texts */
  input_error *e;
  size_t n, cap;         /* kept: the first ERRORS_KEPT */
  uint64_t total;        /* kept or not */
  bool oom;
} error_store;
POL_INTERNAL void errors_init(error_store *s, const mem *m);
POL_INTERNAL void errors_free(error_store *s);
/* Count an input error after [at] vendors, and keep it if it is one of
 * the first ERRORS_KEPT; false (and s->oom) on out of memory. */
POL_INTERNAL bool errors_keep(error_store *s, uint64_t at, const char *source,
                              const char *message);
/* Where the message [msg] of an input error from [source] ("FILE" or
 * "FILE:LINE", as pol_writer_error gets it) points: when it starts with
 * FILE and a colon, *[file_len] gets FILE's length in [source], and
 * *[line] and *[col] the numbers after it ("FILE:LINE:COL: ..."), 0 when
 * there are none. false when it names no file. */
POL_INTERNAL bool render_error_where(const char *source, const char *msg,
                                     size_t *file_len, unsigned *line,
                                     unsigned *col);

/* ==== what the formats with an end-of-report matrix keep (render_cells.c)
 * Per vendor only its names, counts and one byte per rule: never its
 * facts, so memory grows by the matrix cells alone. */
/* CELL_UNCHECKED: SKIPPED because pol_check_rule checked another rule */
enum { CELL_WAIVED = 0x10, CELL_EXPIRED = 0x20, CELL_UNCHECKED = 0x40,
       CELL_VERDICT = 0x0F };
typedef struct cell_vendor {
  const char *name, *service, *source;
  bool compliant;
  uint32_t count[5];     /* per verdict, every severity */
  uint32_t nwaived;
  uint32_t used, missing; /* facts present and absent, over its rules */
} cell_vendor;
typedef struct cell_store {
  arena a;               /* the names */
  cell_vendor *v;
  size_t nv, cap_v;
  uint8_t *cells;        /* nv rows of nrules bytes: verdict | CELL_* */
  size_t cap_cells;
  error_store errs;      /* the inputs not checked, among the vendors */
  bool oom;
} cell_store;
POL_INTERNAL void cells_init(cell_store *c, const mem *m);
POL_INTERNAL void cells_free(cell_store *c);
/* Keep vendor [vr]'s row; false (and c->oom) on out of memory. */
POL_INTERNAL bool cells_keep(cell_store *c, const report *r,
                             const vendor_result *vr);
/* Keep an input that could not be checked, after the vendors kept so
 * far; false (and c->oom) on out of memory. */
POL_INTERNAL bool cells_error(cell_store *c, const char *source,
                              const char *message);
POL_INTERNAL const uint8_t *cells_row(const cell_store *c, const policy *p,
                                      size_t j);
/* PASS / applicable (not SKIPPED) in per cent, and facts present / facts
 * the rules needed; -1 when there is nothing to divide by. */
POL_INTERNAL int cells_score(const cell_vendor *v);
POL_INTERNAL int cells_disclosure(const cell_vendor *v);

/* report_unknown for a renderer: the residual of UNKNOWN rule [i] of
 * [vr] when it has one (status POL_OK), else NULL; out of memory marks
 * [out], so that a residual left out for want of memory fails the output
 * instead of vanishing from it. */
POL_INTERNAL const rule_unknown *render_unknown(const report *r,
                                                const vendor_result *vr,
                                                uint32_t i, sbuf *out);
/* The residual condition of an UNKNOWN rule, as CEL text over the
 * missing facts ("passes if ..."), its `when` and `require` in one
 * (residual.passes), or NULL when there is none (another verdict, or it
 * cannot pass). Out of memory marks [out]. */
POL_INTERNAL const char *render_residual(const report *r,
                                         const vendor_result *vr,
                                         uint32_t i, sbuf *out);
/* What made SKIPPED rule [i] not apply: the part of its `when` that was
 * false (report_skipped), or NULL (another verdict, no text). Out of
 * memory marks [out]. */
POL_INTERNAL const char *render_skipped(const report *r,
                                        const vendor_result *vr, uint32_t i,
                                        sbuf *out);

/* The members, one per file. */
POL_INTERNAL extern const render_ops render_text_ops;
POL_INTERNAL extern const render_ops render_json_ops;
POL_INTERNAL extern const render_ops render_ndjson_ops;
POL_INTERNAL extern const render_ops render_questions_ops;
POL_INTERNAL extern const render_ops render_markdown_ops;
POL_INTERNAL extern const render_ops render_html_ops;
POL_INTERNAL extern const render_ops render_csv_ops;
POL_INTERNAL extern const render_ops render_junit_ops;
POL_INTERNAL extern const render_ops render_sarif_ops;
POL_INTERNAL extern const render_ops render_tap_ops;
POL_INTERNAL extern const render_ops render_questions_json_ops;
POL_INTERNAL extern const render_ops render_questions_csv_ops;

#endif
