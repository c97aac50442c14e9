#!/bin/sh
# test.sh BUILD_DIR [EXTRA_CFLAGS]: stage `make install` in a temporary
# directory, build embed.c against it with pkg-config only, run it on the
# example vendors and compare with expected.txt. Used by `make check`
# (embed-test); EXTRA_CFLAGS carries the sanitizer flags of `make asan`,
# whose library needs the sanitizer runtime in the program too.
set -eu
b=$1
extra=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
stage=$(mktemp -d "${TMPDIR:-/tmp}/policyc-stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
make --no-print-directory -s install B="$b" DESTDIR="$stage" PREFIX=/usr/local >/dev/null
export PKG_CONFIG_PATH="$stage/usr/local/lib/pkgconfig"
export PKG_CONFIG_SYSROOT_DIR="$stage"
cc -std=c11 -Wall -Wextra -Werror $extra $(pkg-config --cflags pol) \
  "$here/embed.c" -o "$stage/embed" $(pkg-config --libs pol)
set +e
(cd "$here" && LD_LIBRARY_PATH="$stage/usr/local/lib" "$stage/embed" --today 2026-04-01 \
  screening.pol ../vendors/rakus-chatdealer.json ../vendors/synergy-crm.json \
  ../vendors/cybozu-china.json) > "$stage/out.txt" 2>&1
status=$?
set -e
if ! diff -u "$here/expected.txt" "$stage/out.txt"; then
  echo "embed-test: output differs from examples/embed/expected.txt" >&2
  exit 1
fi
if [ "$status" -ne 1 ]; then
  echo "embed-test: exit status $status, expected 1" >&2
  exit 1
fi
# The shared library was used, not the static one: the soname resolves.
LD_LIBRARY_PATH="$stage/usr/local/lib" ldd "$stage/embed" | grep -q 'libpol.so.1 =>'
make --no-print-directory -s uninstall DESTDIR="$stage" PREFIX=/usr/local
left=$(find "$stage/usr/local" -type f | grep -v '/embed$' || true)
if [ -n "$left" ]; then
  echo "embed-test: uninstall left files: $left" >&2
  exit 1
fi
echo "embed-test: examples/embed built from a staged install and ran: ok"
