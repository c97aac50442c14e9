/*
 * report.h: the verdict model. A report holds, for one policy, the
 * results of any number of vendors (in the order they were checked):
 * per rule a verdict, the fact values it read with their evidence, the
 * fact paths it missed, and its message. report.c fills it by
 * evaluating the policy; report_fmt.c renders it (text, matrix, JSON,
 * questions). Everything in a report lives in its arena.
 */
#ifndef POL_REPORT_H
#define POL_REPORT_H

#include "policy.h"
#include "vm.h"

typedef enum { VD_PASS, VD_FAIL, VD_UNKNOWN, VD_ERROR, VD_SKIPPED } verdict;

/* How an UNKNOWN must-rule counts for compliance. */
typedef enum { UNKNOWN_FAIL, UNKNOWN_WARN, UNKNOWN_IGNORE } unknown_mode;

typedef struct fact_use {
  const char *path;      /* "backup.generations" */
  val value;             /* deep-copied into the report */
  const char *evidence;  /* the $evidence citation, or NULL */
} fact_use;

typedef struct fact_miss {
  const char *path;
  bool withheld;         /* listed in the vendor's $withheld */
  const char *evidence;  /* the $evidence entry citing a refusal, or NULL */
} fact_miss;

typedef struct rule_result {
  verdict v;
  const char *reason;    /* ERROR: "file:line:col: message"; else NULL */
  const char *message;   /* the rendered message template, or NULL */
  fact_use *used;        /* facts read, in first-read order, no repeats */
  uint32_t nused;
  fact_miss *missing;    /* UNKNOWN: the absent facts; else 0 of them */
  uint32_t nmissing;
} rule_result;

typedef struct vendor_result {
  const char *name;      /* $vendor.name, else the source's base name */
  const char *service, *document, *version, *date; /* $vendor.*, or NULL */
  const char *source;    /* the file (or "file:line" in NDJSON) */
  rule_result *rules;    /* one per policy rule, in policy order */
  bool compliant;
  uint32_t count[5][3];  /* [verdict][severity] */
} vendor_result;

typedef struct report {
  const policy *pol;
  unknown_mode unknown;
  vendor_result *vendors;
  uint32_t nvendors;
  size_t cap;              /* vendors allocated */
  arena a;
  sbuf tmp;                /* scratch for rendering messages */
} report;

POL_INTERNAL void report_init(report *r, const policy *pol,
                              unknown_mode unknown);
POL_INTERNAL void report_free(report *r);
/* Drop every vendor, keeping the memory for reuse. */
POL_INTERNAL void report_reset(report *r);
/* Evaluate every rule of r->pol against the variables [vars] (a fact set:
 * a map that may hold $vendor, $evidence and $withheld), named [origin]
 * (its file), and append the vendor's results. [v] is a vm of the
 * caller's thread. false on out of memory. */
POL_INTERNAL bool report_check(report *r, vm *v, const map *vars,
                               const char *origin);
POL_INTERNAL const char *verdict_name(verdict v); /* "PASS", ... */

/* ---- rendering (report_fmt.c) ---- */
enum {
  REPORT_TEXT,      /* one vendor: per-rule details; several: a matrix */
  REPORT_JSON,      /* docs/report-format.md */
  REPORT_QUESTIONS  /* per vendor, the questions for UNKNOWN rules */
};
enum { REPORT_COLOR = 1 };
/* Append report [r] to [out] in [format] with [flags]. */
POL_INTERNAL void report_render(const report *r, int format, int flags,
                                sbuf *out);

#endif
