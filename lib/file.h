/*
 * file.h: reading a whole text file (a policy, a module, a fact set) into
 * memory, with the engine's input size bound.
 */
#ifndef POL_FILE_H
#define POL_FILE_H

#include "common.h"
#include "mem.h"

/* Read all of [path] into a NUL-terminated *[text] of *[len] bytes,
 * allocated through [m] (free it with mem_free). Returns 0, or an errno
 * value: the open/read error, EFBIG beyond POL_MAX_SOURCE bytes, ENOMEM.
 * stdio's own buffers (fopen's FILE) come from libc. */
POL_INTERNAL int file_read(const mem *m, const char *path, char **text,
                           size_t *len);

#endif
