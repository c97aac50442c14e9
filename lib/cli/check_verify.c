/*
 * check_verify.c: `policyc check --verify-stamp REPORT.json`: stub until
 * the re-run lands.
 */
#include "check.h"
#include "cli.h"

int check_verify(check_opts *o) {
  (void)o;
  cli_error("--verify-stamp: not written yet");
  return EXIT_USAGE;
}
