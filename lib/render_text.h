/*
 * render_text.h: what the two files of the text report share:
 * render_text.c (the member: one vendor's per-rule report, the head and
 * the stamp) and render_text_matrix.c (the matrix of several vendors,
 * rules as rows or vendors as rows). Every word a reader sees comes from
 * render_lang.c in the renderer's language, and every column is sized
 * from the words of that language, by display width (Japanese words are
 * two columns a character).
 */
#ifndef POL_RENDER_TEXT_H
#define POL_RENDER_TEXT_H

#include "out.h"
#include "render.h"

#define TEXT_GAP 2       /* columns between table cells */
#define TEXT_WRAP_W 100  /* lists wrap before this column, given no width */

/* One text report's language and the widths that follow from it. */
typedef struct text_style {
  lang l;
  int flags;          /* RENDER_COLOR */
  size_t width;       /* the columns to fit; 0: no limit, nothing wraps */
  size_t verdict_w;   /* the widest verdict word, WAIVED's included */
  size_t sev_w;       /* the widest severity word or "sev" heading */
} text_style;

POL_INTERNAL void text_style_init(text_style *t, const renderer *w);

/* Put the word [wd] with [arg] (sanitised) where it says "%s" (nothing
 * there when [arg] is NULL). Returns the columns written. */
POL_INTERNAL size_t text_say(sbuf *out, const text_style *t, word wd,
                             const char *arg);
/* Put [s] as one line (a line break in it shows as U+FFFD, as with
 * out_text: a vendor's name cannot start a line of the report), wrapped
 * to the width from column [col], lines after the first indented by
 * [hang]. */
POL_INTERNAL void text_wrap_line(sbuf *out, const text_style *t,
                                 const char *s, size_t col, size_t hang);
/* Verdict [v] as a word, coloured when colour is on, in a cell of
 * [width] (padded when [pad]). */
POL_INTERNAL void text_verdict(sbuf *out, const text_style *t, verdict v,
                               size_t width, bool pad);
/* The word WAIVED, the same way. */
POL_INTERNAL void text_waived(sbuf *out, const text_style *t, size_t width,
                              bool pad);
/* [yes] in green or [no] in red as [ok] says, padded to [width] (0:
 * not padded). */
POL_INTERNAL void text_compliant(sbuf *out, const text_style *t, bool ok,
                                 word yes, word no, size_t width);
/* The policy's head lines ("Policy", "Policy file") in a column of
 * [labelw]. */
POL_INTERNAL void text_policy_head(sbuf *out, const text_style *t,
                                   const policy *p, size_t labelw);
/* The width of the head's label column: its widest label and a gap. */
POL_INTERNAL size_t text_label_width(const text_style *t);
/* The width of the id column: the widest id, at least [min], at most
 * 28 columns. */
POL_INTERNAL size_t text_id_width(const policy *p, size_t min);

/* A vendor's verdicts, one byte per rule (cells_row). */
typedef const uint8_t *text_row;
/* How many must-rules of [vs] ended in [v]: a verdict, or
 * VD_SKIPPED | CELL_UNCHECKED for the rules pol_check_rule left. */
POL_INTERNAL uint32_t text_must_count(const policy *p, text_row vs,
                                      unsigned v);
/* Put the ids of the must-rules that ended in [v], separated by ", ",
 * the cursor being at column [col]; a line that would pass the width
 * (or column 100 when there is none) goes on at column 4. Returns the
 * column the cursor ends at. */
POL_INTERNAL size_t text_must_ids(sbuf *out, const text_style *t,
                                  const policy *p, text_row vs, unsigned v,
                                  size_t col);

/* Input error [e] as one text (render_error_text), sanitised, from
 * column [col], wrapped with lines after the first at [hang]. */
POL_INTERNAL void text_not_checked(sbuf *out, const text_style *t,
                                   const input_error *e, size_t col,
                                   size_t hang);
/* "Inputs not checked: N. ..." as a line of its own, wrapped; before
 * it, how many [e] counted but did not keep (ERRORS_KEPT). */
POL_INTERNAL void text_not_checked_count(sbuf *out, const text_style *t,
                                         const error_store *e);

/* The matrix of the vendors kept in [c] (render_text_matrix.c): rules
 * as rows or vendors as rows, as w->matrix and the width say. */
POL_INTERNAL void text_matrix(const renderer *w, const cell_store *c,
                              sbuf *out);

#endif
