#!/bin/sh
# fmt_write.sh POLICYC: `policyc fmt -w` rewrites the files that change,
# whole (same permissions, no temporary file left), leaves formatted
# files alone (same inode), leaves a file that does not parse untouched
# (exit 2), rewrites the file a symbolic link points to (keeping the
# link), and when a file cannot be written (exit 3) leaves it as it
# was. Run by `make check` (policy-tests), from the top directory.
p=$1
d=$(mktemp -d) || exit 1
trap 'chmod -R u+w "$d"; rm -rf "$d"' EXIT
fail() { echo "fmt_write.sh: $*"; exit 1; }
g=tests/golden/cli
cp $g/fmt_messy.pol "$d/a.pol" && chmod 640 "$d/a.pol"
cp $g/fmt_clean.pol "$d/b.pol"
printf 'rule r {\n  require (a\n}\n' > "$d/bad.pol"
cp "$d/bad.pol" "$d/bad.orig"
inode=$(stat -c %i "$d/b.pol")
"$p" fmt -w "$d/a.pol" "$d/b.pol" "$d/bad.pol" 2>/dev/null
[ $? = 2 ] || fail "a file that does not parse should give exit 2"
cmp -s "$d/a.pol" $g/fmt_clean.pol || fail "a.pol not formatted"
[ "$(stat -c %a "$d/a.pol")" = 640 ] || fail "a.pol lost its permissions"
[ "$(stat -c %i "$d/b.pol")" = "$inode" ] || fail "b.pol rewritten"
cmp -s "$d/bad.pol" "$d/bad.orig" || fail "bad.pol changed"
[ "$(ls "$d" | wc -l)" = 4 ] || fail "files left behind: $(ls "$d")"
"$p" fmt -w "$d/a.pol" || fail "formatting a formatted file failed"
# A symbolic link: the file it points to is rewritten, the link stays.
mkdir "$d/real" && cp $g/fmt_messy.pol "$d/real/c.pol" && chmod 604 "$d/real/c.pol"
ln -s real/c.pol "$d/link.pol"
"$p" fmt -w "$d/link.pol" || fail "fmt -w through a symbolic link failed"
[ -L "$d/link.pol" ] || fail "link.pol replaced by a regular file"
cmp -s "$d/real/c.pol" $g/fmt_clean.pol || fail "real/c.pol not formatted"
[ "$(stat -c %a "$d/real/c.pol")" = 604 ] || fail "real/c.pol lost its permissions"
[ "$(ls "$d/real" | wc -l)" = 1 ] || fail "files left in real: $(ls "$d/real")"
rm -r "$d/real" "$d/link.pol"
# A directory that cannot be written: exit 3, the file as it was (root
# writes anywhere, so this part is skipped for root).
if [ "$(id -u)" != 0 ]; then
  mkdir "$d/ro" && cp $g/fmt_messy.pol "$d/ro/a.pol" && chmod 555 "$d/ro"
  "$p" fmt -w "$d/ro/a.pol" 2>/dev/null
  [ $? = 3 ] || fail "an unwritable directory should give exit 3"
  cmp -s "$d/ro/a.pol" $g/fmt_messy.pol || fail "ro/a.pol changed"
  [ "$(ls "$d/ro" | wc -l)" = 1 ] || fail "files left in ro: $(ls "$d/ro")"
fi
echo "fmt -w: ok"
