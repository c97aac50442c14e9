/*
 * tmpfile.c: the CLI's readers take a path, not bytes, so the targets
 * over them (records, import sheets, waivers, test files) write each
 * input to a file of their own in a directory made once per process and
 * removed at exit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

static char dir[3000];
static char paths[16][4096]; /* every name of every target: 10 */
static int npaths;

static void remove_all(void) {
  for (int i = 0; i < npaths; i++)
    unlink(paths[i]);
  if (dir[0])
    rmdir(dir);
}

/* The directory, made on first use. */
static const char *the_dir(void) {
  if (dir[0])
    return dir;
  const char *tmp = getenv("TMPDIR");
  snprintf(dir, sizeof dir, "%s/polfuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(dir))
    fuzz_fail("cannot make a directory for the inputs");
  atexit(remove_all);
  return dir;
}

const char *fuzz_write_file(const char *name, const uint8_t *data,
                            size_t len) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", the_dir(), name);
  int i = 0;
  while (i < npaths && strcmp(paths[i], path) != 0)
    i++;
  if (i == npaths) {
    if (npaths == 16)
      fuzz_fail("too many input file names");
    memcpy(paths[npaths++], path, sizeof path);
  }
  FILE *f = fopen(paths[i], "wb");
  if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
    fuzz_fail("cannot write %s", paths[i]);
  return paths[i];
}
