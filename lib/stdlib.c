/*
 * stdlib.c: the policy modules of stdlib/, built into the library.
 * stdlib/embed.sh turns each stdlib/NAME.pol into a string in
 * build/stdlib.inc at build time, so `import "NAME"` works wherever the
 * library runs, with no files to install or find.
 */
#include <string.h>

#include "policy.h"
#include "suggest.h"

#include "stdlib.inc"

const stdlib_module *stdlib_find(const char *name) {
  for (const stdlib_module *m = modules; m->name; m++)
    if (strcmp(m->name, name) == 0)
      return m;
  return NULL;
}

void stdlib_offer(suggest *s) {
  for (const stdlib_module *m = modules; m->name; m++)
    suggest_offer(s, m->name);
}
