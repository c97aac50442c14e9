/*
 * write.c: writing an output file whole or not at all (cli_write_file),
 * for `compile -o` and `fmt -w`: the bytes go to a temporary file in the
 * same directory, which is synced and renamed over the file, and removed
 * on any failure, so the file is either the old one or the whole new
 * one, never a part.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static bool write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return false;
    p += w;
    n -= (size_t)w;
  }
  return true;
}

/* An existing FILE that is not a regular file (/dev/stdout, a FIFO, a
 * device) is written in place: a temporary file next to it would be
 * created among the devices and renamed over one. */
static int write_in_place(const char *path, const void *data, size_t len) {
  int fd = open(path, O_WRONLY | O_TRUNC);
  bool ok = fd >= 0 && write_all(fd, data, len);
  int e = errno;
  if (fd >= 0 && close(fd) != 0 && ok) {
    ok = false;
    e = errno;
  }
  if (ok)
    return EXIT_OK;
  cli_error("%s: %s", path, strerror(e));
  return EXIT_INPUT;
}

/* The permissions of the file written to [path]: those of the file it
 * replaces, so that rewriting a file (fmt -w) keeps them; else what the
 * umask allows. */
static mode_t mode_for(const char *path) {
  struct stat st;
  if (stat(path, &st) == 0)
    return st.st_mode & 07777;
  mode_t mask = umask(0);
  umask(mask);
  return 0666 & ~mask;
}

/* Make the rename durable: sync the directory holding [path]. */
static void sync_dir(const char *path) {
  char *dir = strdup(path);
  char *slash = dir ? strrchr(dir, '/') : NULL;
  if (slash)
    slash[slash == dir ? 1 : 0] = '\0';
  int fd = dir ? open(slash ? dir : ".", O_RDONLY) : -1;
  if (fd >= 0) {
    fsync(fd); /* best effort: some file systems refuse */
    close(fd);
  }
  free(dir);
}

int cli_write_file(const char *path, const void *data, size_t len) {
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    cli_error("%s: is a directory", path);
    return EXIT_INPUT;
  }
  if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
    return write_in_place(path, data, len);
  size_t n = strlen(path);
  char *tmp = malloc(n + sizeof ".tmpXXXXXX");
  if (!tmp) {
    cli_error("out of memory");
    return EXIT_INPUT;
  }
  memcpy(tmp, path, n);
  memcpy(tmp + n, ".tmpXXXXXX", sizeof ".tmpXXXXXX");
  int fd = mkstemp(tmp);
  bool ok = fd >= 0 && write_all(fd, data, len) &&
            fchmod(fd, mode_for(path)) == 0 && fsync(fd) == 0;
  int e = errno;
  if (fd >= 0 && close(fd) != 0 && ok) {
    ok = false;
    e = errno;
  }
  if (ok && rename(tmp, path) != 0) {
    ok = false;
    e = errno;
  }
  if (!ok && fd >= 0)
    unlink(tmp);
  free(tmp);
  if (!ok) {
    cli_error("%s: %s", path, strerror(e));
    return EXIT_INPUT;
  }
  sync_dir(path);
  return EXIT_OK;
}
