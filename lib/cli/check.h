/*
 * check.h: what `policyc check` (cmd_check.c) shares with its two ways
 * of running the vendors through the policy (check_jobs.c): one after
 * another, or on several threads.
 */
#ifndef POLICYC_CHECK_H
#define POLICYC_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "pol.h"
#include "records.h"

/* Inputs that could not be checked are listed on stderr up to here. */
#define CHECK_MAX_MESSAGES 20

typedef struct check_opts {
  const char *policy;
  char **facts;
  int nfacts;
  const char **dirs; /* -I, in order */
  int ndirs;
  const char **plugins; /* --plugin FILE.so, in order */
  int nplugins;
  int format;        /* POL_FORMAT_* */
  const char **assume; /* --assume PATH=VALUE, in order */
  int nassume;
  int unknown;       /* POL_UNKNOWN_* */
  int color;         /* -1 auto, 0 never, 1 always */
  int excerpt;       /* -1 auto, 0 never, 1 always */
  int progress;      /* -1 auto, 0 never, 1 always */
  int jobs;
  bool lint;         /* --lint: the warnings of `lint` first */
  bool explain;      /* --explain: an account of each verdict instead */
  size_t max_record;
  pol_config cfg;
  const char *lang;    /* --lang, or NULL: from the locale */
  long width;          /* --width, or -1: COLUMNS / the terminal */
  int matrix;          /* --matrix: POL_MATRIX_* */
  const char *as_of;   /* --as-of, or NULL: today */
  const char *waivers; /* --waivers FILE, or NULL */
  const char *output;  /* -o FILE, or NULL: standard output */
  const char *verify;  /* --verify-stamp REPORT.json, or NULL */
} check_opts;

/* The waivers of --waivers: the library's set, and where each waiver
 * is in the file and whether a vendor it names was checked (an unknown
 * vendor is an error at the end). check_waivers.c. */
typedef struct waiver_file {
  pol_waivers *set;
  char **vendor;       /* per waiver: its vendor, rule, line and column */
  char **rule;
  unsigned *line, *col;
  bool *seen;
  size_t *by_vendor;   /* the waivers' numbers, sorted by vendor: each
                          vendor checked finds its own by a search */
  size_t n;
  char *text;          /* the file's bytes, for the stamp */
  size_t len;
} waiver_file;

typedef struct check_run {
  const check_opts *o;
  waiver_file *wf;     /* NULL without --waivers */
  char as_of[11];
  pol_env *env;
  const pol_policy *pol;
  pol_writer *w;
  unsigned long long vendors, noncompliant, bad;
  bool read_failed, write_failed, write_oom;
  int write_errno;     /* why the output could not be written, or 0 */
  bool assume_failed;  /* an --assume could not be set for some vendor */
  bool whole;          /* the report was written to its end: every input
                          in it, checked or listed as not checked */
  bool progress, progress_shown;
  double started, last_progress;
} check_run;

/* Check every input of cr->o, in order, writing as it goes. EXIT_OK, or
 * the status of a failure that stopped the run (it was reported). */
int check_serial(check_run *cr);
int check_parallel(check_run *cr);

/* The source name of a record: "file" when it is the input's only one
 * ([alone]), else "file:LINE". */
void check_source(char *buf, size_t cap, const char *name,
                  const record *rec, bool alone);
/* An input that could not be checked: said on stderr, and in the report
 * where the format has a place for it. */
void check_bad_input(check_run *cr, const char *source, const char *msg);
/* Write the vendors checked into [rep], count them, reset [rep]. */
void check_write(check_run *cr, pol_report *rep);
/* The same for vendors rendered already (pol_report_chunk). */
void check_write_chunk(check_run *cr, pol_report *rep, const char *text,
                       size_t len);
/* The progress line (at most once a second; [final]: the last one). */
void check_progress(check_run *cr, bool final);
/* Open the input [path] for reading records, its bytes going into the
 * stamp; NULL after saying on stderr why it cannot be read, and putting
 * it ("PATH: reason") into [why] for check_unreadable. */
reader *check_open(check_run *cr, const char *path, char *why, size_t cap);
/* An input that could not be opened: in the report, as an input not
 * checked, in input order (its vendors are missing from it). */
void check_unreadable(check_run *cr, const char *path, const char *why);
/* After reader_next of [r] returned -1: check_unreadable, or, when memory
 * ran out, the run fails as a whole (exit 3, `out of memory`), as for
 * any other allocation of the check. */
void check_read_failed(check_run *cr, const reader *r);
/* Give a new report of the run its settings: as-of date, waivers. */
bool check_report_setup(check_run *cr, pol_report *rep);
/* Read the waivers file [path] for [pol] into *[wf]: EXIT_OK, or the
 * status after reporting each problem at its place in the file. */
int waivers_load(const char *path, const pol_policy *pol, waiver_file *wf);
void waivers_unload(waiver_file *wf);
/* Note the vendors of [rep] that waivers name; at the end, report the
 * waivers whose vendor never came (false if there are any). */
void waivers_note(waiver_file *wf, const pol_report *rep);
bool waivers_all_seen(const waiver_file *wf, const char *path);
/* --verify-stamp: re-run the check the JSON report o->verify records and
 * compare (check_verify.c). */
int check_verify(check_opts *o);
/* Load one record, make the assumptions of [o] (--assume), and check it
 * into [rep]: POL_OK (results in [rep]), POL_EFORMAT (the message in
 * [msg], the input is bad), POL_EINVAL (an assumption cannot be set in
 * this vendor's facts: [msg] says why), or another code that stops the
 * run (its message in [msg]). */
int check_record(const check_opts *o, pol_ctx *ctx, pol_facts *f,
                 pol_report *rep, const char *name, const record *rec,
                 const char *source, char *msg, size_t cap);
/* An input that could not be checked, by check_record's status [rc]. */
void check_rejected(check_run *cr, int rc, const char *source,
                    const char *msg);

/* check --lint (check_lint.c): the lint warnings of [pol] on stderr,
 * with the fact sets of o's files. EXIT_OK, or the status to stop with. */
int check_lint(pol_env *env, const pol_policy *pol, const check_opts *o);

/* check --explain (check_explain.c): instead of the report, an account
 * of each verdict of each vendor. Returns the exit status. */
int check_explain(pol_env *env, const pol_policy *pol, const check_opts *o);

#endif
