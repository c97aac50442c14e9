#!/bin/sh
# run.sh BUILD_DIR [EXTRA_CFLAGS]: build the contract program as an
# outside host would, from a staged `make install` through pkg-config
# only, once linked against libpol.so and once against libpol.a, and run
# both. EXTRA_CFLAGS carries the sanitizer flags of `make asan` and
# `make contract-san` (the library in BUILD_DIR was built with the same
# ones). VALGRIND=1 runs both programs under valgrind.
#
# The static link: `pkg-config --static --libs pol` gives -lpol plus what
# libpol.a needs (libffi, libpcre2-8, nettle, -lm -ldl -lpthread), but -lpol picks
# libpol.so when both are installed, so -lpol becomes -l:libpol.a, as
# docs/embedding.md ("Building against libpol") tells hosts to do.
set -eu
b=$1
extra=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
stage=$(mktemp -d "${TMPDIR:-/tmp}/pol-contract-stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
make --no-print-directory -s install B="$b" DESTDIR="$stage" PREFIX=/usr/local >/dev/null
export PKG_CONFIG_PATH="$stage/usr/local/lib/pkgconfig"
export PKG_CONFIG_SYSROOT_DIR="$stage"
src="$here/contract.c $here/contract_report.c $here/contract_io.c $here/contract_threads.c $here/contract_embed.c $here/contract_facts.c"
cflags="-std=c11 -Wall -Wextra -Werror -g -pthread $extra $(pkg-config --cflags pol)"
# shellcheck disable=SC2086
cc $cflags $src -o "$stage/contract-dynamic" $(pkg-config --libs pol)
static_libs=$(pkg-config --static --libs pol | sed 's/\(^\| \)-lpol\( \|$\)/\1-l:libpol.a\2/')
# shellcheck disable=SC2086
cc $cflags $src -o "$stage/contract-static" $static_libs

# The dynamic program uses the staged libpol.so.MAJOR, the static one
# no libpol.so at all.
libs="$stage/usr/local/lib"
LD_LIBRARY_PATH="$libs" ldd "$stage/contract-dynamic" | grep -q 'libpol\.so\.1 =>'
if LD_LIBRARY_PATH="$libs" ldd "$stage/contract-static" | grep -q 'libpol\.so'; then
  echo "contract-test: the static program needs libpol.so" >&2
  exit 1
fi

run() {
  if [ -n "${VALGRIND:-}" ]; then
    LD_LIBRARY_PATH="$libs" valgrind -q --error-exitcode=99 --leak-check=full \
      --errors-for-leak-kinds=definite,indirect "$@"
  else
    LD_LIBRARY_PATH="$libs" "$@"
  fi
}
status=0
for kind in dynamic static; do
  out="$stage/$kind.out"
  if run "$stage/contract-$kind" >"$out" 2>&1; then
    echo "contract-test ($kind${extra:+, $extra}${VALGRIND:+, valgrind}): $(tail -n 1 "$out")"
  else
    cat "$out" >&2
    echo "contract-test ($kind${extra:+, $extra}${VALGRIND:+, valgrind}): FAILED" >&2
    status=1
  fi
  # the known failures, once
  [ "$kind" = static ] || grep '^KNOWN\|^NOTE' "$out" | sed 's/^/  /' || true
done
exit $status
