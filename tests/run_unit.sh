#!/bin/sh
# run_unit.sh BIN...: run each cmocka test binary (under valgrind when
# VALGRIND=1); print every binary's summary and fail if any failed.
fail=0
for t in "$@"; do
  if [ -n "$VALGRIND" ]; then
    valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite "$t" || fail=1
  else
    "$t" || fail=1
  fi
done
exit $fail
