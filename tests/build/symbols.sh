#!/bin/sh
# symbols.sh STATIC SHARED: every global symbol libpol.a defines, and every
# symbol libpol.so exports, starts with pol_ (the internals are hidden, and
# local in the archive). Prints the offenders and fails otherwise. Run by
# `make build-test`.
set -u
static=$1
shared=$2
fail=0

# check WHAT NAMES: fail if any of the NAMES does not start with pol_.
check() {
  bad=$(printf '%s\n' "$2" | grep -v '^pol_' | grep -v '^$')
  if [ -n "$bad" ]; then
    echo "build-test: $1 defines global names outside pol_:" >&2
    printf '%s\n' "$bad" | sed 's/^/  /' >&2
    fail=1
  fi
}

# `nm` prints "VALUE TYPE NAME" for defined symbols (and "FILE:" headers,
# and blank lines, for an archive): keep the names.
names=$(nm -g --defined-only "$static") || exit 1
check "$static" "$(printf '%s\n' "$names" | awk 'NF == 3 { print $3 }')"
names=$(nm -D --defined-only "$shared") || exit 1
check "$shared" "$(printf '%s\n' "$names" | awk 'NF == 3 { print $3 }')"
npol=$(printf '%s\n' "$names" | awk 'NF == 3' | grep -c ' pol_')
if [ "$npol" -eq 0 ]; then
  echo "build-test: $shared exports no pol_ function" >&2
  fail=1
fi
[ "$fail" = 0 ] &&
  echo "build-test: libpol.a and libpol.so define pol_* names only: ok"
exit $fail
