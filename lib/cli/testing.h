/*
 * testing.h: what the parts of `policyc test` share (docs/policies.md,
 * "Policy tests"; docs/cli.md, "policyc test"): the test file read into
 * cases with the place of every member (test_spec.c), the mocks of host
 * functions and of the evaluation date (test_mock.c), the coverage of
 * rules and branches (test_cover.c), and the JUnit report (test_junit.c).
 * The test file is read with the import's JSON tree (import.h), which
 * keeps where every value and member name is, so that every mistake in a
 * test file is reported at its line and column.
 */
#ifndef POLICYC_TESTING_H
#define POLICYC_TESTING_H

#include <stdio.h>

#include "cli.h"
#include "import.h"

typedef struct test_expect {
  const char *rule;
  const char *verdict;    /* PASS, FAIL, UNKNOWN, ERROR, SKIPPED */
  unsigned line, col;     /* of the rule's name */
  size_t index;           /* the rule's index, once the policy is known */
} test_expect;

typedef struct test_case {
  const char *name;       /* its "name", or "case N" */
  const char *label;      /* "case 'NAME'" or "case N", for messages */
  unsigned line, col;
  const jnode *facts;     /* inline facts (an object), or NULL */
  const char *facts_file; /* the path, relative to the test file resolved */
  test_expect *expect;
  size_t nexpect;
  int compliant;          /* -1 not given, else 0 or 1 */
  const jnode *mocks;     /* its own mocks, or NULL */
} test_case;

typedef struct test_file {
  const char *path;
  const char *text;       /* the file, for positions */
  size_t len;
  const char *policy;     /* the policy's path, resolved */
  const jnode *mocks;     /* mocks for every case, or NULL */
  test_case *cases;
  size_t ncases;
} test_file;

/* ==== test_spec.c ==== */

/* Read and check the shape of the test file [path] into [out]: unknown
 * members, values of the wrong type, invalid verdicts and cases that
 * check nothing are each reported at their place. false when the file
 * cannot be read or is malformed (after the messages). */
bool test_read(imp_pool *p, const char *path, test_file *out);
/* Find every expected rule in [pol], reporting the unknown ones at their
 * place (with a suggestion); false if any is unknown. */
bool test_bind_rules(test_file *t, const pol_policy *pol);
/* [node]'s bytes of [t] as a text in which every byte before [node] is
 * a blank (line breaks kept), so that a JSON reader's line:col in it are
 * those of the test file. malloc'd; *[len] its length. With [line] set,
 * the node's bytes alone, and *[line] the line they start at (for
 * pol_facts_load_record: lines right, columns not): the blanks, for
 * every case of a long file, made a test of N cases take N^2, so they
 * are made only for a message. */
char *test_excerpt(const test_file *t, const jnode *node, size_t *len,
                   unsigned *line);
/* A message "file:line:col: ..." about the test file. */
void test_error(const test_file *t, unsigned line, unsigned col,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ==== test_mock.c ==== */

typedef struct mock_set mock_set;

/* Check the mocks of [t] (the file's and each case's) and register a host
 * function in [env] for every function they name, before the policy is
 * compiled. NULL (after located messages) when a mock is malformed or
 * cannot be registered; *[ok] false then. */
mock_set *mock_register(imp_pool *p, pol_env *env, const test_file *t,
                        bool *ok);
/* Use the mocks of case [c] (over the file's) from now on. */
void mock_use(mock_set *m, const test_case *c);
/* The evaluation date the current case mocks ("YYYY-MM-DD"), or NULL. */
const char *mock_date(const mock_set *m);

/* ==== test_cover.c ==== */

typedef struct coverage coverage;

/* Coverage of the rules of [pol] and their branches; NULL when [pol]
 * keeps no source (a saved policy: no coverage, said by the caller). */
coverage *cover_new(imp_pool *p, const pol_policy *pol);
/* Count what checking rule [r] against [facts] exercised. */
void cover_rule(coverage *c, const pol_facts *facts, size_t r);
/* Print what no case exercised, for the test file [name]; add the items
 * to *[covered] and *[total]. */
void cover_report(coverage *c, FILE *out, const char *name,
                  unsigned long *covered, unsigned long *total);
void cover_free(coverage *c);

/* ==== test_junit.c ==== */

typedef struct junit junit;

junit *junit_new(imp_pool *p);
/* One case of the test file [file]: [failure] NULL when it passed. */
void junit_case(junit *j, const char *file, const char *name,
                const char *failure);
/* A test file that could not be run at all. */
void junit_error(junit *j, const char *file, const char *message);
void junit_write(const junit *j, FILE *out);

#endif
