#!/bin/sh
# embed.sh FILE.pol...: print the C table of built-in modules that
# lib/stdlib.c includes (build/stdlib.inc). Each file becomes one string
# literal; backslashes, quotes and '?' (trigraphs) are escaped.
for f in "$@"; do
  name=$(basename "$f" .pol)
  printf 'static const char mod_%s[] =\n' "$name"
  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/?/\\?/g' \
      -e 's/^/  "/' -e 's/$/\\n"/' "$f"
  printf '  ;\n'
done
printf 'static const stdlib_module modules[] = {\n'
for f in "$@"; do
  name=$(basename "$f" .pol)
  printf '    {"%s", mod_%s},\n' "$name" "$name"
done
printf '    {NULL, NULL},\n};\n'
