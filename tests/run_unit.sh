#!/bin/sh
# run_unit.sh BIN...: run each cmocka test binary (under valgrind when
# VALGRIND=1); print every binary's summary and fail if any failed.
fail=0
for t in "$@"; do
  if [ -n "$VALGRIND" ]; then
    # POL_TEST_VALGRIND: tests whose PCRE2 JIT code memcheck misreads
    # (test_cost.c, compile()) leave patterns to the interpreter
    POL_TEST_VALGRIND=1 valgrind -q --error-exitcode=99 --leak-check=full \
      --errors-for-leak-kinds=definite "$t" || fail=1
  else
    "$t" || fail=1
  fi
done
exit $fail
