#!/bin/sh
# install_twice.sh BUILD_DIR: `make install PREFIX=A`, then PREFIX=B with
# the same build directory. B's pol.pc must name B, and B's policyc must
# find a module that exists only in B's module directory (so the library
# was rebuilt with B's compiled-in module directory, not left with A's).
# Then uninstalls both and checks nothing is left. Run by `make build-test`;
# rebuilds BUILD_DIR with the default locations on the way out.
set -eu
b=$1
top=$(mktemp -d "${TMPDIR:-/tmp}/policyc-prefix.XXXXXX")
trap 'rm -rf "$top"' EXIT
fail() {
  echo "build-test: $*" >&2
  exit 1
}
unset POLICY_PATH
inst() { make --no-print-directory -s B="$b" PREFIX="$1" "$2" >/dev/null; }

inst "$top/a" install
inst "$top/b" install
pc="$top/b/lib/pkgconfig/pol.pc"
grep -qx "prefix=$top/b" "$pc" || fail "$pc does not say prefix=$top/b"
grep -q "$top/a" "$pc" && fail "$pc still names $top/a"

mods="$top/b/share/policyc/modules"
printf 'let answer = 42\n' > "$mods/mymod.pol"
printf 'import "mymod"\nanswer == 42\n' > "$top/p.pol"
printf '{}\n' > "$top/facts.json"
"$top/b/bin/policyc" check "$top/p.pol" "$top/facts.json" > "$top/out" 2>&1 ||
  { cat "$top/out" >&2; fail "PREFIX=$top/b: policyc does not find $mods/mymod.pol"; }
# A's policyc searches A's directory only, so the same policy must fail.
"$top/a/bin/policyc" check "$top/p.pol" "$top/facts.json" >/dev/null 2>&1 &&
  fail "PREFIX=$top/a: policyc found a module of $top/b"
# The installed libraries carry B's directory too.
for lib in libpol.a $(cd "$top/b/lib" && ls libpol.so.*.*.*); do
  grep -qF "$mods" "$top/b/lib/$lib" ||
    fail "$top/b/lib/$lib does not search $mods"
done
rm "$mods/mymod.pol"

inst "$top/a" uninstall
inst "$top/b" uninstall
left=$(find "$top/a" "$top/b" ! -type d)
[ -z "$left" ] || fail "uninstall left: $left"
# Put BUILD_DIR back to the default locations the rest of `make check` uses.
make --no-print-directory -s B="$b" all >/dev/null
echo "build-test: install into two prefixes, each with its own pol.pc and modules: ok"
