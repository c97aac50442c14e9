/*
 * file.c: whole-file reads for the library's own file inputs (see
 * file.h). The buffer doubles as it fills; a file larger than
 * POL_MAX_SOURCE is refused rather than read without bound.
 */
#include "file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static int read_stream(const mem *m, FILE *f, char **text, size_t *len) {
  char *buf = NULL;
  size_t cap = 0, n = 0, got;
  do {
    if (n + 1 > POL_MAX_SOURCE)
      return mem_free(m, buf), EFBIG;
    if (!mem_grow(m, (void **)&buf, &cap, n + 4097, 1))
      return mem_free(m, buf), ENOMEM;
    got = fread(buf + n, 1, cap - n - 1, f);
    n += got;
  } while (got > 0);
  if (ferror(f)) /* e.g. EISDIR for a directory */
    return mem_free(m, buf), errno ? errno : EIO;
  buf[n] = '\0';
  *text = buf;
  *len = n;
  return 0;
}

int file_read(const mem *m, const char *path, char **text, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return errno ? errno : ENOENT;
  int rc = read_stream(m, f, text, len);
  fclose(f);
  return rc;
}
