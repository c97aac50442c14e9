/*
 * main.c: the libFuzzer entry points of one target, chosen when compiling
 * with -DFUZZ_TARGET=fuzz_json (or another member of fuzz.h). `make fuzz`
 * builds one binary per target with clang -fsanitize=fuzzer,address,
 * undefined.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

#ifndef FUZZ_TARGET
#error "compile with -DFUZZ_TARGET=<a fuzz_target of fuzz.h>"
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

/* A broken property is a crash to libFuzzer: it saves the input. */
void fuzz_fail(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "fuzz target %s: ", FUZZ_TARGET.name);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  if (FUZZ_TARGET.init)
    FUZZ_TARGET.init();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len) {
  FUZZ_TARGET.run(data, len);
  return 0;
}
