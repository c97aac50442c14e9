/*
 * out.h: text output shared by the report renderers (render_*.c).
 *
 * Text is laid out by display width (utf8_cp_width: East Asian wide
 * characters take two columns), never by bytes or code points, so
 * Japanese titles line up. Every piece of policy or vendor text goes
 * through one sanitiser (out_glyph), so a fact set cannot put control
 * characters, escape sequences or bidirectional overrides on a reader's
 * terminal; the only escape bytes a renderer writes are its own colours.
 */
#ifndef POL_OUT_H
#define POL_OUT_H

#include "value.h"

#define OUT_ELLIPSIS "\xe2\x80\xa6" /* U+2026, one column */

/* Whether [cp] must not reach a terminal: C0 and C1 controls, DEL, and
 * the bidirectional overrides and isolates. */
POL_INTERNAL bool out_unsafe_cp(int32_t cp);
/* The code point at [s][*i] ([n] bytes in all) as out_span shows it (a
 * tab as a space; an invalid byte or an unsafe code point as U+FFFD),
 * advancing *[i] past it (one byte for an invalid one); *[width] gets
 * its display width. */
POL_INTERNAL int32_t out_next_shown(const char *s, size_t n, size_t *i,
                                    int *width);
/* Display width of [s]/[n] as out_span shows it; of the C string [s]. */
POL_INTERNAL size_t out_span_width(const char *s, size_t n);
POL_INTERNAL size_t out_width(const char *s);
POL_INTERNAL void out_spaces(sbuf *out, size_t n);
/* Put [s]/[n] sanitised in a cell of [width] columns: when wider, cut to
 * width - 1 columns and end with an ellipsis; with [pad], fill with
 * spaces to [width]. Returns the columns written before the padding. */
POL_INTERNAL size_t out_span(sbuf *out, const char *s, size_t n,
                             size_t width, bool pad);
/* out_span of the C string [s] (NULL: empty). */
POL_INTERNAL size_t out_cell(sbuf *out, const char *s, size_t width,
                             bool pad);
/* Put [s] whole, sanitised (a line break shows as U+FFFD). */
POL_INTERNAL void out_text(sbuf *out, const char *s);
/* Put the lines of [s] (ended by LF, CRLF or CR alone); each line
 * after the first starts at column [indent], so a multi-line text
 * stays inside its block. */
POL_INTERNAL void out_para(sbuf *out, const char *s, size_t indent);
/* Put [s] sanitised (as out_text), in lines that end by column [width]
 * (out_wrap.c): the cursor is at column [col], and each line after the
 * first starts with [hang] spaces, a hanging indent. A line breaks at a
 * run of spaces, which it drops, or between two characters one of which
 * is wide (Japanese has no spaces), though never before closing
 * punctuation or small kana (、。）」っ) nor after an opening bracket; a
 * word wider than a line is cut where the width ends, between two code
 * points. When [col] is past [hang], the first line may break before the
 * text. A line break in [s] starts a new line too. [width] 0: no
 * wrapping, only that (out_para). Returns the column the cursor ends
 * at. */
POL_INTERNAL size_t out_wrap(sbuf *out, const char *s, size_t col,
                             size_t hang, size_t width);
/* The display width of the widest piece of [s] that out_wrap never
 * breaks (a word, or a run of characters it may not part), so a caller
 * can choose a hang where the pieces fit. */
POL_INTERNAL size_t out_word_width(const char *s);
/* Put [s] in a [width]-column cell in the ANSI SGR colour [sgr] (e.g.
 * "32") when [color]; the padding stays outside the colour. */
POL_INTERNAL void out_colored(sbuf *out, const char *s, const char *sgr,
                              size_t width, bool pad, bool color);
/* Append [s]/[n] as a JSON string: invalid UTF-8 becomes \ufffd and
 * unsafe code points are escaped, so the text reads back the same but a
 * terminal showing the JSON cannot be driven by it. */
POL_INTERNAL void out_json_span(sbuf *b, const char *s, size_t n);
/* Append [s]/[n], which has nothing to escape (our own names: a verdict,
 * a severity), as a JSON string, without looking. */
POL_INTERNAL void out_json_plain(sbuf *b, const char *s, size_t n);
/* out_json_span of the C string [s]; NULL is written as null. */
POL_INTERNAL void out_json_str(sbuf *b, const char *s);

/* Append [s]/[n] as XML or HTML text, fit for an element or a quoted
 * attribute: & < > " ' as references; invalid UTF-8, the code points XML
 * forbids and the unsafe ones (out_unsafe_cp, except tab and line feed)
 * as U+FFFD. */
POL_INTERNAL void out_xml_span(sbuf *b, const char *s, size_t n);
/* out_xml_span of the C string [s] (NULL: nothing). */
POL_INTERNAL void out_xml(sbuf *b, const char *s);
/* One RFC 4180 field of [n] bytes at [s] (NULL: empty), after a comma
 * unless [first]: quoted when it holds a comma, a quote or a line break
 * (quotes doubled); a field a spreadsheet would run as a formula or
 * read oddly (starting with = + - @, a tab or a carriage return) starts
 * with ' and is quoted; unsafe code points (out_unsafe_cp) but the line
 * feed, and invalid UTF-8, are U+FFFD. The CSV formats share it. */
POL_INTERNAL void out_csv_field(sbuf *b, const char *s, size_t n,
                                bool first);

#endif
