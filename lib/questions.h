/*
 * questions.h: the questions to send a vendor, made from its UNKNOWN
 * rules (docs/report-format.md, "Questions"). One question per decisive
 * fact (residual.h), asked once however many rules need it, ordered by
 * the most severe rule that needs it (then by policy order), each naming
 * the requirements it settles. The text is the vendor-facing kind only:
 * the rule's `ask` when the fact is the only thing that rule waits for,
 * else the question the schema declares for the fact, else a rule's
 * `ask`; never a description, a type note or a fact path. A withheld
 * fact is asked as a request to reconsider, quoting the refusal. Facts
 * that would be asked in the same words (a rule's generic sentence for
 * two facts no schema declares) are one question, naming both facts.
 *
 * The three question formats (render_questions*.c) share this list.
 */
#ifndef POL_QUESTIONS_H
#define POL_QUESTIONS_H

#include "report.h"

typedef struct question {
  const char *fact;        /* the decisive fact's path: facts[0] */
  const char **facts;      /* every fact it asks about: more than one when
                              several facts would be asked in the same
                              words (questions_build) */
  uint32_t nfacts;
  bool withheld;
  const str *evidence;     /* withheld: the citation of the refusal */
  const char *text;        /* the question, in the list's language */
  const char *note;        /* withheld: the request to reconsider; else
                              NULL */
  severity sev;            /* of the most severe rule that needs it */
  uint32_t first;          /* that rule's index */
  uint32_t *rules;         /* the rules it settles, by severity, then in
                              policy order */
  uint32_t nrules;
} question;

typedef struct qlist {
  question *q;
  uint32_t n;
  lang l;
  uint64_t compares;       /* paths compared while gathering: tests show
                              it linear in the decisive facts */
} qlist;

/* The questions for vendor [vr] of [r] in language [l], in [a] (text
 * and arrays). false on out of memory. */
POL_INTERNAL bool questions_build(const report *r, const vendor_result *vr,
                                  lang l, arena *a, qlist *out);
/* "必須" / "must", ... */
POL_INTERNAL const char *questions_severity(severity s, lang l);
/* How a rule is named to a vendor in [l]: its title, or in English its
 * id when the title is not ASCII. */
POL_INTERNAL const char *questions_rule_name(const rule *ru, lang l);

#endif
