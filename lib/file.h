/*
 * file.h: reading a whole text file (a policy, a module, a fact set) into
 * memory, with the engine's input size bound.
 */
#ifndef POL_FILE_H
#define POL_FILE_H

#include "common.h"

/* Read all of [path] into a malloc'd, NUL-terminated *[text] of *[len]
 * bytes. Returns 0, or an errno value: the open/read error, EFBIG beyond
 * POL_MAX_SOURCE bytes, ENOMEM. */
POL_INTERNAL int file_read(const char *path, char **text, size_t *len);

#endif
