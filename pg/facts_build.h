/*
 * facts_build.h: a libpol fact set built from a stream of JSON-shaped
 * events (open an object or array, a key, a scalar, close), through the
 * public builder API of pol.h: pol_facts_reset, pol_new_*, then
 * pol_facts_load_value. The PostgreSQL extension drives it from a jsonb
 * iterator (pgpol_jsonb.c), so a vendor's facts never become JSON text;
 * tests/unit/test_pg_facts.c drives it directly under ASan and UBSan and
 * compares every result with pol_facts_load_json on the same document.
 *
 * Plain C over pol.h, no PostgreSQL header, declarations first in each
 * block so that it compiles under both the project's and PGXS's flags.
 *
 * Numbers arrive as their decimal text, and become what libpol's own JSON
 * reader makes of that text: an integer literal is an int when it fits
 * int64, a uint when it fits uint64 only, else a double; a literal with a
 * fraction or an exponent is the correctly rounded double (strtod, so
 * the "C" numeric locale, which a PostgreSQL backend always has).
 */
#ifndef PGPOL_FACTS_BUILD_H
#define PGPOL_FACTS_BUILD_H

#include <stdbool.h>
#include <stddef.h>

#include "pol.h"

/* The nesting bound of libpol's JSON reader: the same documents pass. */
#define FB_MAX_DEPTH 512

/* What went wrong (fb_error). */
typedef enum {
  FB_OK = 0,
  FB_ENOMEM,  /* out of memory */
  FB_ESHAPE,  /* the document is not an object, or the events are not
                 a well-formed document */
  FB_EDEPTH,  /* nested deeper than FB_MAX_DEPTH */
  FB_EVALUE   /* a value libpol refuses: bad UTF-8, a NUL in a key, a
                 repeated key, a number out of range */
} fb_status;

/* A builder keeps its scratch (value and key stacks) from one document
 * to the next: once warm it allocates nothing of its own. */
typedef struct fb fb;

/* A new builder, or NULL when out of memory. Free it with fb_free. */
fb *fb_new(void);
void fb_free(fb *b);

/* Start a document that will replace the contents of [facts]: resets the
 * fact set (so nothing may still refer to its values: reset any report
 * that checked it first). Forgets any earlier error. */
void fb_begin(fb *b, pol_facts *facts);

/* The events of one document, in document order; a key (in an object)
 * comes before each value. Each returns false once the document has
 * failed (the first error sticks: see fb_error); the later events are
 * then ignored. [s] need not be NUL-terminated. */
bool fb_open(fb *b, bool object);
bool fb_close(fb *b);
bool fb_key(fb *b, const char *s, size_t len);
bool fb_null(fb *b);
bool fb_bool(fb *b, bool x);
bool fb_string(fb *b, const char *s, size_t len);
/* A JSON number given as its text, such as "-12", "99.95" or "1e400". */
bool fb_number(fb *b, const char *s, size_t len);

/* End the document: its root object becomes the fact set. FB_OK, or the
 * first error (the fact set is then empty). */
fb_status fb_finish(fb *b);

/* The first error of the document and its message (static or owned by
 * [b] until its next fb_begin); "" when there is none. */
fb_status fb_error(const fb *b);
const char *fb_errmsg(const fb *b);
/* For a refused value (FB_EVALUE), the path of its member from the root,
 * keys joined by "." and array items as "[i]" ("xs[3].k"), cut to whole
 * characters when long; else "". Owned by [b] like the message. */
const char *fb_errpath(const fb *b);

#endif
