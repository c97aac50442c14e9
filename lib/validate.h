/*
 * validate.h: checking a vendor fact set against fact declarations.
 */
#ifndef POL_VALIDATE_H
#define POL_VALIDATE_H

#include "policy.h"

/* Check [facts], parsed from [text] of [len] bytes named [name], against
 * [p]'s fact declarations. Appends one "name:line:col: PATH: problem"
 * line per problem to [out], lines counted from [line] (the record's
 * first line in its input); returns how many there were. */
POL_INTERNAL size_t validate_facts(const policy *p, const char *text,
                                   size_t len, const char *name,
                                   unsigned line, val facts, sbuf *out);

#endif
