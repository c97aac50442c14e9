/*
 * contract.h: the harness and fixtures shared by the files of the
 * contract program (tests/contract/contract.c says what it is).
 */
#ifndef CONTRACT_H
#define CONTRACT_H

#include <pol.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* {==== harness ============================================================
 * CHECK(c) counts a pass, or a failure printed with its line. The _RC,
 * _STR, _PREFIX and _HAS forms print what they got. KNOWN(c, why) marks
 * a check that fails today because of a library defect the lead has to
 * decide on: it is printed, counted apart, and does not fail the run. */
extern int passed, failed, known;
extern const char *test_name;

/* Where a check is: "contract_io.c:42". */
#define CHECK_WHERE __FILE__, __LINE__

void check_at(int ok, const char *what, const char *file, int line);
void check_rc_at(int got, int want, const char *what, const char *file,
                 int line);
void check_str_at(const char *got, const char *want, const char *what,
                  const char *file, int line);
void check_prefix_at(const char *got, const char *prefix, const char *what,
                     const char *file, int line);
void check_has_at(const char *got, const char *part, const char *what,
                  const char *file, int line);
void check_text_at(const char *got, size_t len, const char *want,
                   const char *what, const char *file, int line);
void known_at(int ok, const char *what, const char *why, const char *file,
              int line);

#define CHECK(c) check_at((c) != 0, #c, CHECK_WHERE)
#define CHECK_RC(got, want) check_rc_at((got), (want), #got, CHECK_WHERE)
#define CHECK_STR(got, want) check_str_at((got), (want), #got, CHECK_WHERE)
#define CHECK_PREFIX(got, p) check_prefix_at((got), (p), #got, CHECK_WHERE)
#define CHECK_HAS(got, part) check_has_at((got), (part), #got, CHECK_WHERE)
/* Text with a length (pol_value_str, pol_value_key: not promised to end
 * in a NUL): CHECK_TEXT(pol_value_str(v, &len), len, "want"). The call
 * runs before the length is read. */
#define CHECK_TEXT(got, len, want)                                         \
  do {                                                                     \
    const char *text_ = (got);                                             \
    check_text_at(text_, (len), (want), #got, CHECK_WHERE);                \
  } while (0)
#define KNOWN(c, why) known_at((c) != 0, #c, (why), CHECK_WHERE)

/* }==== */

/* {==== fixtures =========================================================== */

/* The main test policy and its rules, in order. */
extern const char POLICY[];
enum { R_BACKUP, R_NOTICE, R_REGION, R_TYPEBUG, R_SKIPPED, R_MFA, NRULES };

/* Three vendors, their sources, and their verdicts under POLICY. */
extern const char VENDOR_A[], VENDOR_B[], VENDOR_C[];
extern const int VERDICTS_B[NRULES];
extern const char *const VENDORS[3];
extern const int *const VERDICTS[3];
extern const char *const SOURCES[3];

/* Handles the tests need: each ends the run (status 2) if it cannot be
 * made, since nothing after it would mean anything. */
pol_env *env_with(uint64_t steps, size_t mem, unsigned flags);
pol_env *env_default(void);
pol_policy *policy_of(pol_env *env, const char *src, const char *name);
pol_facts *facts_of(pol_env *env, const char *json, const char *name);
pol_ctx *ctx_of(pol_env *env);
pol_report *report_of(const pol_policy *pol, int mode);
/* A fact set {"s": "abc", "xs": [0, 1, ..., n-1]}. */
pol_facts *list_facts(pol_env *env, int n);
/* The status of compiling the expression [src] on [env]. */
int compile_status(pol_env *env, const char *src);

char *dup_str(const char *s);
/* [name] under the scratch directory (one of four rotating buffers), and
 * writing a file there; the files are listed in contract.c's main. */
extern const char *scratch;
char *scratch_path(const char *name);
void write_file(const char *path, const char *text);
/* Whether the C string [s] is UTF-8 (RFC 3629); false for NULL. */
int is_utf8(const char *s);
/* The offset after the line that holds [pos]. */
size_t skip_line(const char *text, size_t len, size_t pos);

/* A growable output buffer: the [user] of sbuf_write, a pol_write_fn. */
typedef struct {
  char *p;
  size_t n, cap;
  int fail; /* non-zero: every write fails */
  int calls;
} sbuf;
int sbuf_write(void *user, const char *data, size_t len);
const char *sbuf_text(const sbuf *b);

/* }==== */

void contract_report_tests(void);
void contract_io_tests(void);
void contract_thread_tests(void);
void contract_embed_tests(void);
void contract_facts_tests(void);

#endif
