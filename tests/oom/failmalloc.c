/*
 * failmalloc.c: an LD_PRELOAD shim that makes allocations fail, for
 * tests/oom_test.py. With POL_FAIL_AT=N, the Nth allocation (malloc,
 * calloc, realloc, posix_memalign, aligned_alloc; counted from the
 * start of the program, after the C library has set itself up) and,
 * with POL_FAIL_MODE=after, every one after it, return NULL with errno
 * ENOMEM. With POL_FAIL_COUNT=FILE, the number of allocations made is
 * written to FILE at exit, so a test knows how many points to try.
 *
 * It forwards to glibc's own __libc_* entry points, which need no
 * dlsym (dlsym itself allocates). Not for sanitizer builds, which bring
 * their own allocator.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t k);
extern void *__libc_realloc(void *p, size_t n);
extern void *__libc_memalign(size_t align, size_t n);
extern void __libc_free(void *p);

static unsigned long count, fail_at;
static int fail_after, armed;
static const char *count_file;

__attribute__((constructor)) static void start(void) {
  const char *at = getenv("POL_FAIL_AT"), *mode = getenv("POL_FAIL_MODE");
  fail_at = at ? strtoul(at, NULL, 10) : 0;
  fail_after = mode && strcmp(mode, "after") == 0;
  count_file = getenv("POL_FAIL_COUNT");
  count = 0;
  armed = 1;
}

__attribute__((destructor)) static void finish(void) {
  if (!count_file)
    return;
  int fd = open(count_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0)
    return;
  char buf[32];
  int k = snprintf(buf, sizeof buf, "%lu\n", count);
  if (write(fd, buf, (size_t)k) < 0)
    k = 0;
  close(fd);
}

/* Whether this allocation is to fail. */
static int fails(void) {
  if (!armed)
    return 0;
  count++;
  if (fail_at && (count == fail_at || (fail_after && count > fail_at))) {
    errno = ENOMEM;
    return 1;
  }
  return 0;
}

void *malloc(size_t n) { return fails() ? NULL : __libc_malloc(n); }

void *calloc(size_t n, size_t k) {
  return fails() ? NULL : __libc_calloc(n, k);
}

void *realloc(void *p, size_t n) {
  if (p && n == 0)
    return __libc_realloc(p, n);
  return fails() ? NULL : __libc_realloc(p, n);
}

void free(void *p) { __libc_free(p); }

int posix_memalign(void **out, size_t align, size_t n) {
  if (fails())
    return ENOMEM;
  *out = __libc_memalign(align, n);
  return *out ? 0 : ENOMEM;
}

void *aligned_alloc(size_t align, size_t n) {
  return fails() ? NULL : __libc_memalign(align, n);
}
