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

/* ---- pieces several members use (render.c) ---- */
POL_INTERNAL void render_place_as_is(renderer *w, const report *r,
                                     uint32_t i, const char *text,
                                     size_t len, sbuf *out);
POL_INTERNAL const char *unknown_mode_name(unknown_mode m);
/* What [m] does to an UNKNOWN must-rule, as a sentence's predicate. */
POL_INTERNAL const char *unknown_mode_effect(unknown_mode m);
/* "document (version V, date)", whichever parts [vr] has. */
POL_INTERNAL void render_document(sbuf *t, const vendor_result *vr);
/* The colour of a verdict ("32" green ...). */
POL_INTERNAL const char *render_verdict_sgr(verdict v);

/* The members, one per file. */
POL_INTERNAL extern const render_ops render_text_ops;
POL_INTERNAL extern const render_ops render_json_ops;
POL_INTERNAL extern const render_ops render_ndjson_ops;
POL_INTERNAL extern const render_ops render_questions_ops;

#endif
