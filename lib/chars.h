/*
 * chars.h: what a source's characters say before any token is read. A
 * policy file must be UTF-8; one written in Shift_JIS, or with a stray
 * byte of another encoding, gets one diagnostic naming the encoding and
 * the command that converts it, not one per line. A UTF-8 byte-order
 * mark is accepted; lines end with LF or CRLF, never a CR alone. And
 * the characters a Japanese input method types in
 * place of ASCII ones (full-width ＜＝ （ ： ７, the ideographic space,
 * ≧ 、) are mapped to their ASCII form, for the lexer's hints.
 */
#ifndef POL_CHARS_H
#define POL_CHARS_H

#include "diag.h"

/* Check that [d]'s source is UTF-8. On success, *[start] is where its
 * text starts (3, past a byte-order mark, else 0). Otherwise add one
 * diagnostic to [d] (E0002 for Shift_JIS, E0001 for anything else) and
 * return false. */
POL_INTERNAL bool chars_check_encoding(diag_list *d, uint32_t *start);
/* Check that no carriage return of [d]'s policy source, from [start],
 * stands alone (old Mac OS line ends): otherwise add one diagnostic,
 * E0013 at the first, and return false. */
POL_INTERNAL bool chars_check_line_ends(diag_list *d, uint32_t start);
/* The ASCII text that the code point [cp] stands in for, written to
 * [out] (at most 2 characters and a NUL), and its length; 0 when [cp]
 * is no such character. */
POL_INTERNAL int chars_ascii_form(uint32_t cp, char out[3]);

#endif
