/*
 * test_junit.c: the results of `policyc test --format=junit` as JUnit
 * XML, the format CI servers read: one <testsuite> per test file, one
 * <testcase> per case, a <failure> with the mismatches, an <error> for a
 * file that could not be run.
 */
#include <string.h>

#include "testing.h"

typedef struct jcase {
  const char *file, *name, *failure; /* failure NULL: passed */
  bool error;                        /* the whole file failed to run */
} jcase;

struct junit {
  imp_pool *p;
  jcase **cases;
  size_t n, cap;
};

junit *junit_new(imp_pool *p) {
  junit *j = imp_alloc(p, sizeof *j);
  j->p = p;
  return j;
}

static void add(junit *j, const char *file, const char *name,
                const char *failure, bool error) {
  jcase *c = imp_alloc(j->p, sizeof *c);
  *c = (jcase){imp_strdup(j->p, file), imp_strdup(j->p, name),
               failure ? imp_strdup(j->p, failure) : NULL, error};
  imp_push(j->p, (void ***)&j->cases, &j->n, &j->cap, c);
}

void junit_case(junit *j, const char *file, const char *name,
                const char *failure) {
  add(j, file, name, failure, false);
}

void junit_error(junit *j, const char *file, const char *message) {
  add(j, file, "(the test file)", message, true);
}

/* [s] with XML's five special characters escaped. */
static void xml(FILE *out, const char *s) {
  for (; *s; s++)
    switch (*s) {
    case '&': fputs("&amp;", out); break;
    case '<': fputs("&lt;", out); break;
    case '>': fputs("&gt;", out); break;
    case '"': fputs("&quot;", out); break;
    case '\'': fputs("&apos;", out); break;
    default:
      if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
        fputc(*s, out);
    }
}

/* The counts of the cases of [file]. */
static void counts(const junit *j, const char *file, size_t *n,
                   size_t *failures, size_t *errors) {
  *n = *failures = *errors = 0;
  for (size_t i = 0; i < j->n; i++)
    if (!strcmp(j->cases[i]->file, file)) {
      (*n)++;
      *failures += j->cases[i]->failure && !j->cases[i]->error;
      *errors += j->cases[i]->error;
    }
}

static void write_case(FILE *out, const jcase *c) {
  fputs("    <testcase classname=\"", out);
  xml(out, c->file);
  fputs("\" name=\"", out);
  xml(out, c->name);
  if (!c->failure) {
    fputs("\"/>\n", out);
    return;
  }
  fprintf(out, "\">\n      <%s message=\"", c->error ? "error" : "failure");
  xml(out, c->failure);
  fputs("\">", out);
  xml(out, c->failure);
  fprintf(out, "</%s>\n    </testcase>\n", c->error ? "error" : "failure");
}

void junit_write(const junit *j, FILE *out) {
  size_t all = 0, fail = 0, err = 0;
  for (size_t i = 0; i < j->n; i++) {
    all++;
    fail += j->cases[i]->failure && !j->cases[i]->error;
    err += j->cases[i]->error;
  }
  fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<testsuites name=\"policyc test\" tests=\"%zu\" "
               "failures=\"%zu\" errors=\"%zu\">\n", all, fail, err);
  for (size_t i = 0; i < j->n; i++) {
    const char *file = j->cases[i]->file;
    bool first = true;
    for (size_t k = 0; k < i && first; k++)
      first = strcmp(j->cases[k]->file, file) != 0;
    if (!first)
      continue;
    size_t n, f, e;
    counts(j, file, &n, &f, &e);
    fputs("  <testsuite name=\"", out);
    xml(out, file);
    fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\">\n", n, f,
            e);
    for (size_t k = i; k < j->n; k++)
      if (!strcmp(j->cases[k]->file, file))
        write_case(out, j->cases[k]);
    fputs("  </testsuite>\n", out);
  }
  fputs("</testsuites>\n", out);
}
