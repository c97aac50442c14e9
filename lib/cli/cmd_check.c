/*
 * cmd_check.c: `policyc check [options] POLICY FACTS...`: compile the
 * policy, then stream the vendors: read one record (records.h), load it,
 * check it, write its part of the report (pol_writer), let it go, and
 * read the next. Memory holds one vendor per job plus what the output
 * format keeps for its end (the text matrix: the verdicts), never the
 * whole input. With --jobs N, N - 1 threads load and check while this
 * one reads, writes in input order and checks when it would wait
 * (check_jobs.c), so the output is the same as with one job.
 *
 * A record that is not valid JSON, or not an object, is reported on
 * stderr (and in the json/ndjson output) and skipped; the vendors before
 * and after it are checked as usual, and the exit status is 3. Exit
 * status otherwise: 0 every vendor complies, 1 some vendor does not, 2
 * usage or compile error (docs/cli.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "cli.h"
#include "opts.h"

static const char check_usage[] =
    "usage: policyc check [options] POLICY FACTS...\n"
    "  POLICY                a policy file, or a saved one (policyc compile)\n"
    "  FACTS                 vendor fact sets: JSON files, NDJSON (one\n"
    "                        vendor per line), or - for standard input\n"
    "  --format=FORMAT       text (default), json, ndjson, markdown, html,\n"
    "                        csv, junit, sarif, tap, questions,\n"
    "                        questions-json or questions-csv\n"
    "  -o FILE               write the report to FILE (replaced whole, only\n"
    "                        when the run succeeds) instead of stdout\n"
    "  --lang=ja|en          language of headings, verdict words and\n"
    "                        questions\n"
    "                        (default: from the locale, else en)\n"
    "  --width N             text: columns to fit and wrap at (default:\n"
    "                        COLUMNS, or the terminal's; unlimited and\n"
    "                        unwrapped when piped)\n"
    "  --matrix=VIEW         several vendors: rules (rows are rules),\n"
    "                        vendors (rows are vendors) or auto (text:\n"
    "                        whichever fits the width)\n"
    "  --as-of DATE          evaluation date YYYY-MM-DD for now() and\n"
    "                        waiver expiry (default: today)\n"
    "  --waivers FILE        accept known gaps: JSON waivers (docs/cli.md)\n"
    "  --verify-stamp REPORT.json  re-run the check a JSON report records\n"
    "                        and say whether the result is the same\n"
    "  --questions           same as --format=questions: the questions to\n"
    "                        send each vendor for its UNKNOWN rules\n"
    "  --assume PATH=VALUE   check as if the vendor had stated VALUE (a CEL\n"
    "                        literal) for the fact PATH: a what-if\n"
    "                        (repeatable)\n"
    "  --explain             instead of the report, each verdict\n"
    "                        explained: sub-expressions and their values,\n"
    "                        the deciding item, why a rule fails\n"
    "  --lint                first the warnings of `policyc lint` on\n"
    "                        stderr, and facts no vendor has\n"
    "  --unknown=MODE        how an UNKNOWN must-rule counts: fail\n"
    "                        (default), warn or ignore\n"
    "  --jobs N              check on N threads (default 1; 0: one per\n"
    "                        CPU); the output is the same, in input order\n"
    "  --max-record SIZE     largest vendor record read (default 64M)\n"
    "  -I DIR                look for imported modules in DIR first\n"
    "                        (repeatable; then POLICY_PATH, the installed\n"
    "                        modules, then the standard library)\n"
    "  --plugin FILE.so      load host functions from a shared object\n"
    "                        (repeatable; docs/host-functions.md)\n"
    "  --color=WHEN          colours in the text report and the compile\n"
    "                        errors: auto (on a terminal, unless NO_COLOR\n"
    "                        is set), always, never\n"
    "  --excerpt=WHEN        source line and caret under compile errors\n"
    "  --progress=WHEN       a progress line on stderr: auto (on a\n"
    "                        terminal, for runs over a second), always,\n"
    "                        never\n"
    "  --max-steps N         steps per rule: loop iterations and work\n"
    "                        (docs/limits.md; default 10000000)\n"
    "  --max-memory SIZE     bytes of temporaries per rule (default 256M)\n";

static int usage_error(const char *msg, const char *arg) {
  return cli_usage_error("check", msg, arg);
}

static int *when_slot(const char *name, check_opts *o) {
  if (!strcmp(name, "--color"))
    return &o->color;
  if (!strcmp(name, "--excerpt"))
    return &o->excerpt;
  return !strcmp(name, "--progress") ? &o->progress : NULL;
}

static const char **path_slot(const char *name, check_opts *o) {
  if (!strcmp(name, "--waivers"))
    return &o->waivers;
  if (!strcmp(name, "-o"))
    return &o->output;
  return !strcmp(name, "--verify-stamp") ? &o->verify : NULL;
}

/* --jobs 0: one job per online CPU, as xz -T0 (1 when unknown; at most
 * 256, as for a number given). */
static int cpus(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

/* "bad value for NAME (CHOICES): V", the choices when there are some. */
static int bad_value(const char *what, const char *name, const char *choices,
                     const char *v) {
  char msg[128];
  snprintf(msg, sizeof msg, "bad %s for %s%s%s%s: ", what, name,
           choices ? " (" : "", choices ? choices : "", choices ? ")" : "");
  return usage_error(msg, v);
}

static int number_opt(const char *name, const char *v, check_opts *o) {
  unsigned long long x;
  bool size = !strcmp(name, "--max-memory") || !strcmp(name, "--max-record");
  if (!(size ? cli_parse_size(v, &x) : cli_parse_count(v, &x)))
    return bad_value("number", name, size ? "bytes, with an optional K, M "
                                            "or G" : NULL, v);
  if (!strcmp(name, "--max-steps"))
    o->cfg.max_steps = x;
  else if (!strcmp(name, "--max-memory"))
    o->cfg.max_memory = (size_t)x;
  else if (!strcmp(name, "--max-record") && x > 0)
    o->max_record = (size_t)x;
  else if (!strcmp(name, "--max-record")) /* no record would fit */
    return usage_error("--max-record is at least 1 byte: ", v);
  else if (!strcmp(name, "--jobs") && x <= 256)
    o->jobs = x ? (int)x : cpus();
  else if (!strcmp(name, "--jobs"))
    return usage_error("--jobs is 1 to 256 threads, or 0 for one per "
                       "CPU: ", v);
  else if (!strcmp(name, "--width") && x > 0 && x < 100000)
    o->width = (long)x;
  else
    return bad_value("value", name, NULL, v);
  return EXIT_OK;
}

/* "unknown format (text, json, ...): ", from the library's table. */
static const char *format_list(char *buf, size_t cap) {
  size_t n = (size_t)snprintf(buf, cap, "unknown format (");
  for (int i = 0; pol_format_name(i) && n < cap; i++)
    n += (size_t)snprintf(buf + n, cap - n, "%s%s", i ? ", " : "",
                          pol_format_name(i));
  if (n < cap)
    snprintf(buf + n, cap - n, "): ");
  return buf;
}

static int value_opt(const char *name, const char *v, check_opts *o) {
  static const char *const modes[] = {"fail", "warn", "ignore"};
  int *slot = when_slot(name, o);
  if (slot) {
    if ((*slot = cli_when(v)) < -1)
      return bad_value("value", name, "auto, always, never", v);
    return EXIT_OK;
  }
  if (!strcmp(name, "--format")) {
    char list[256];
    if ((o->format = pol_format_find(v)) < 0)
      return usage_error(format_list(list, sizeof list), v);
    return EXIT_OK;
  }
  if (!strcmp(name, "--lang")) {
    if (strcmp(v, "ja") && strcmp(v, "en"))
      return usage_error("bad value for --lang (ja, en): ", v);
    o->lang = v;
    return EXIT_OK;
  }
  if (!strcmp(name, "--matrix")) {
    static const char *const views[] = {"auto", "rules", "vendors"};
    for (o->matrix = 2; o->matrix >= 0; o->matrix--)
      if (!strcmp(v, views[o->matrix]))
        return EXIT_OK;
    return usage_error("bad value for --matrix (rules, vendors, auto): ", v);
  }
  if (!strcmp(name, "--as-of")) {
    if (!cli_valid_date(v))
      return usage_error("bad --as-of date (expected YYYY-MM-DD): ", v);
    o->as_of = v;
    return EXIT_OK;
  }
  const char **path = path_slot(name, o);
  if (path && !strcmp(name, "-o") && cli_output_name("check", v) != EXIT_OK)
    return EXIT_USAGE;
  if (path) {
    *path = v;
    return EXIT_OK;
  }
  if (!strcmp(name, "--unknown")) {
    for (o->unknown = 2; o->unknown >= 0; o->unknown--)
      if (!strcmp(v, modes[o->unknown]))
        return EXIT_OK;
    return bad_value("value", name, "fail, warn, ignore", v);
  }
  return number_opt(name, v, o);
}

static int one_opt(int argc, char **argv, int *i, check_opts *o) {
  static const char *const valued[] = {
      "--format", "--unknown", "--color", "--excerpt", "--progress",
      "--max-steps", "--max-memory", "--max-record", "--jobs", "--lang",
      "--width", "--matrix", "--as-of", "--waivers", "-o",
      "--verify-stamp"};
  const char *v, *a = argv[*i];
  if (!strcmp(a, "--questions")) {
    o->format = POL_FORMAT_QUESTIONS;
    return EXIT_OK;
  }
  if (!strcmp(a, "--lint")) {
    o->lint = true;
    o->cfg.flags |= POL_KEEP_SOURCE;
    return EXIT_OK;
  }
  if (!strcmp(a, "--explain")) {
    o->explain = true;
    o->cfg.flags |= POL_KEEP_SOURCE;
    return EXIT_OK;
  }
  if ((v = cli_opt_value(argc, argv, i, "-I"))) {
    o->dirs[o->ndirs++] = v;
    return EXIT_OK;
  }
  if (!strcmp(a, "-I"))
    return usage_error("-I needs a directory", NULL);
  if ((v = cli_opt_value(argc, argv, i, "--plugin"))) {
    o->plugins[o->nplugins++] = v;
    return EXIT_OK;
  }
  if ((v = cli_opt_value(argc, argv, i, "--assume"))) {
    o->assume[o->nassume++] = v;
    return EXIT_OK;
  }
  for (size_t k = 0; k < sizeof valued / sizeof valued[0]; k++)
    if ((v = cli_opt_value(argc, argv, i, valued[k])))
      return value_opt(valued[k], v, o);
  return usage_error("unknown option or missing value: ", a);
}

static int check_opt(int argc, char **argv, int *i, void *o) {
  return one_opt(argc, argv, i, o);
}

/* Whether the regular file [out] (-o) is also the file [in] reads: the
 * report would replace a vendor's facts, or the policy, once checked. */
static bool same_file(const struct stat *out, const char *in) {
  struct stat st;
  return strcmp(in, "-") != 0 && stat(in, &st) == 0 &&
         st.st_dev == out->st_dev && st.st_ino == out->st_ino;
}

/* A usage error when -o names one of the files the check reads. */
static int output_not_input(const check_opts *o) {
  struct stat out;
  if (!o->output || !strcmp(o->output, "-") || stat(o->output, &out) != 0 ||
      !S_ISREG(out.st_mode))
    return EXIT_OK;
  const char *hit = same_file(&out, o->policy) ? o->policy
                    : o->waivers && same_file(&out, o->waivers) ? o->waivers
                                                                : NULL;
  for (int i = 0; !hit && i < o->nfacts; i++)
    if (same_file(&out, o->facts[i]))
      hit = o->facts[i];
  if (!hit)
    return EXIT_OK;
  return usage_error("-o names a file the check reads (the report would "
                     "replace it): ", hit);
}

/* Options before or after POLICY and FACTS (cli_scan). */
static int parse_args(int argc, char **argv, check_opts *o) {
  int n;
  int rc = cli_scan(check_usage, argc, argv, check_opt, o, &n);
  if (rc != EXIT_OK)
    return rc;
  if (o->verify && n == 0)
    return EXIT_OK;
  if (o->verify)
    return usage_error("--verify-stamp takes no POLICY or FACTS", NULL);
  if (n < 2)
    return usage_error(n < 1 ? "missing POLICY and FACTS" : "missing FACTS",
                       NULL);
  o->policy = argv[1];
  o->facts = argv + 2;
  o->nfacts = n - 1;
  /* POLICY, FACTS and the waivers file read standard input at most once */
  int stdin_named = o->waivers && !strcmp(o->waivers, "-");
  for (int i = 1; i <= n; i++)
    stdin_named += strcmp(argv[i], "-") == 0;
  if (stdin_named > 1)
    return cli_stdin_once("check", (const char *[]){"-", "-"}, 2);
  return output_not_input(o);
}

/* ==== output ============================================================= */

/* The report on its way to a FILE, in pieces of 64 KB. A vendor's
 * NDJSON line is some 10 KB, more than stdio's buffer of a file or pipe
 * (4 KB), so written straight through each line went out in two or
 * three write(2)s: 40,000 system calls for 20,000 vendors. (glibc
 * ignores setvbuf's size without a buffer of the caller's, which then
 * outlives every use of the stream: stdout's, the process.) A terminal
 * gets every piece as it comes (cap 0), as does a run without memory
 * for the buffer. */
typedef struct out_buf {
  FILE *f;
  char *p;
  size_t len, cap;
  int err;          /* errno of the first failed write, for the message */
} out_buf;

static int out_put(out_buf *o, const char *data, size_t len) {
  if (len == 0 || fwrite(data, 1, len, o->f) == len)
    return 0;
  if (!o->err)
    o->err = errno;
  return -1;
}

static int out_flush(out_buf *o) {
  int rc = out_put(o, o->p, o->len);
  o->len = 0;
  return rc;
}

static int write_out(void *user, const char *data, size_t len) {
  out_buf *o = user;
  if (o->cap - o->len < len && out_flush(o) != 0)
    return -1;
  if (len >= o->cap)
    return out_put(o, data, len);
  memcpy(o->p + o->len, data, len);
  o->len += len;
  return 0;
}

/* The progress line: "checked N vendors (R/s)", at most once a second,
 * on a terminal only unless asked for. */
static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void check_progress(check_run *cr, bool final) {
  if (!cr->progress)
    return;
  double t = now();
  if (!final && t - cr->last_progress < 1.0)
    return;
  if (!final || cr->progress_shown)
    fprintf(stderr, "\rpolicyc: checked %llu vendors (%.0f/s)%s",
            (unsigned long long)cr->vendors,
            (double)cr->vendors / (t - cr->started > 0 ? t - cr->started
                                                       : 1),
            final ? "\n" : "");
  cr->progress_shown = !final;
  cr->last_progress = t;
}

/* ==== one vendor ========================================================= */

/* "file" for an input of one record, "file:LINE" in a stream. */
void check_source(char *buf, size_t cap, const char *name,
                  const record *rec, bool alone) {
  if (alone)
    snprintf(buf, cap, "%s", name);
  else
    snprintf(buf, cap, "%s:%u", name, rec->line);
}

/* A writer call returned [rc]: a failure ends the report, and out of
 * memory says so rather than blaming standard output. */
static void writer_status(check_run *cr, int rc) {
  cr->write_failed |= rc != POL_OK;
  cr->write_oom |= rc == POL_ENOMEM;
}

/* An input that could not be checked: on stderr (the first ones) and in
 * the report's place for it. */
void check_bad_input(check_run *cr, const char *source, const char *msg) {
  cr->bad++;
  if (cr->bad <= CHECK_MAX_MESSAGES)
    cli_error("%s", msg);
  writer_status(cr, pol_writer_error(cr->w, source, msg));
}

void check_unreadable(check_run *cr, const char *path, const char *why) {
  cr->read_failed = true;
  if (!cr->write_oom) /* else the run fails whole: no smaller report */
    writer_status(cr, pol_writer_error(cr->w, path, why));
}

void check_read_failed(check_run *cr, const reader *r) {
  if (reader_out_of_memory(r))
    writer_status(cr, POL_ENOMEM);
  else
    check_unreadable(cr, reader_name(r), reader_error(r));
}

static void count(check_run *cr, const pol_report *rep) {
  waivers_note(cr->wf, rep);
  for (size_t i = 0; i < pol_report_vendor_count(rep); i++) {
    cr->vendors++;
    cr->noncompliant += !pol_report_compliant(rep, i);
  }
}

/* The results of one checked vendor, now in [rep]: write them. */
void check_write(check_run *cr, pol_report *rep) {
  count(cr, rep);
  writer_status(cr, pol_writer_add(cr->w, rep));
  pol_report_reset(rep);
  check_progress(cr, false);
}

void check_write_chunk(check_run *cr, pol_report *rep, const char *text,
                       size_t len) {
  count(cr, rep);
  writer_status(cr, pol_writer_add_chunk(cr->w, rep, text, len));
  pol_report_reset(rep);
  check_progress(cr, false);
}

void check_rejected(check_run *cr, int rc, const char *source,
                    const char *msg) {
  cr->assume_failed |= rc == POL_EINVAL;
  check_bad_input(cr, source, msg);
}

/* ==== the run ============================================================ */

static int exit_status(const check_run *cr, FILE *out) {
  if (cr->bad > CHECK_MAX_MESSAGES)
    cli_error("%llu more inputs could not be checked",
              (unsigned long long)(cr->bad - CHECK_MAX_MESSAGES));
  if (cr->write_oom)
    return cli_out_of_memory();
  if (cr->write_failed || (out == stdout && !cli_flush_stdout())) {
    if (cr->write_failed)
      cli_error("error writing %s%s%s",
                cr->o->output ? cr->o->output : "standard output",
                cr->write_errno ? ": " : "",
                cr->write_errno ? strerror(cr->write_errno) : "");
    return EXIT_INPUT;
  }
  if (cr->assume_failed) /* the command line's fault, not the data's */
    return EXIT_USAGE;
  if (cr->bad || cr->read_failed)
    return EXIT_INPUT;
  if (cr->vendors == 0) {
    cli_error("no fact set (the input is empty)");
    return EXIT_INPUT;
  }
  return cr->noncompliant ? EXIT_FAIL : EXIT_OK;
}

static void tap(void *user, const void *data, size_t n) {
  pol_writer_input_data(user, data, n);
}

reader *check_open(check_run *cr, const char *path, char *why,
                   size_t cap) {
  reader *r = reader_open(path, cr->o->max_record);
  if (!r) { /* as cli_open said it on stderr */
    int e = errno;
    snprintf(why, cap, "%s: %s", path,
             e == EISDIR ? "is a directory" : strerror(e));
    if (e == ENOMEM) /* not the input's fault: the run fails whole */
      writer_status(cr, POL_ENOMEM);
  }
  int rc = r ? pol_writer_input(cr->w, POL_INPUT_FACTS, path) : POL_OK;
  if (r && rc == POL_OK)
    reader_tap(r, tap, cr->w);
  else /* the stamp would leave this input out: the report fails */
    writer_status(cr, rc);
  return r;
}

bool check_report_setup(check_run *cr, pol_report *rep) {
  return pol_report_set_as_of(rep, cr->as_of) == POL_OK &&
         pol_report_set_waivers(rep, cr->wf ? cr->wf->set : NULL) == POL_OK;
}

/* Append " NAME=VALUE" to [buf] (holding [n] of [cap] bytes) as one
 * shell word: VALUE in single quotes when it holds a space, a quote, a
 * backslash or a control character, a quote inside written '\'' as a
 * POSIX shell does. So the stamp's options paste into a shell, and
 * --verify-stamp splits them back (check_verify.c) whatever the paths
 * and --assume values hold. The new length, or -1 when [buf] is full. */
static int stamp_word(char *buf, size_t cap, int n, const char *name,
                      const char *value) {
  if (n < 0 || (size_t)n >= cap)
    return -1;
  bool plain = *value != '\0';
  for (const char *c = value; *c && plain; c++)
    plain = (unsigned char)*c > ' ' && !strchr("'\"\\", *c);
  int k = snprintf(buf + n, cap - (size_t)n, " %s=%s", name,
                   plain ? "" : "'");
  for (const char *c = value; k >= 0 && *c && n + k + 6 < (int)cap; c++) {
    if (*c == '\'' && !plain)
      k += snprintf(buf + n + k, cap - (size_t)(n + k), "'\\''");
    else
      buf[n + k++] = *c;
  }
  if (k < 0 || n + k + 2 >= (int)cap) { /* full: no half word */
    buf[n] = '\0';
    return -1;
  }
  if (!plain)
    buf[n + k++] = '\'';
  buf[n + k] = '\0';
  return n + k;
}

/* The options that change verdicts, as the stamp records them and
 * --verify-stamp reads them back: --NAME=VALUE words (stamp_word). */
static void stamp_options(const check_run *cr, char *buf, size_t cap) {
  static const char *const modes[] = {"fail", "warn", "ignore"};
  const check_opts *o = cr->o;
  int n = snprintf(buf, cap, "--unknown=%s --max-steps=%llu "
                   "--max-memory=%llu", modes[o->unknown],
                   (unsigned long long)o->cfg.max_steps,
                   (unsigned long long)o->cfg.max_memory);
  for (int i = 0; i < o->ndirs; i++)
    n = stamp_word(buf, cap, n, "-I", o->dirs[i]);
  for (int i = 0; i < o->nplugins; i++)
    n = stamp_word(buf, cap, n, "--plugin", o->plugins[i]);
  for (int i = 0; i < o->nassume; i++)
    n = stamp_word(buf, cap, n, "--assume", o->assume[i]);
  if (o->waivers)
    stamp_word(buf, cap, n, "--waivers", o->waivers);
}

static int open_writer(check_run *cr, FILE *out, out_buf *ob) {
  const check_opts *o = cr->o;
  char opts[8192];
  pol_writer_options wo;
  pol_writer_options_init(&wo);
  wo.format = o->format;
  /* auto colours only a terminal, never a -o file; always colours both */
  bool color = o->color < 0 ? out == stdout && cli_color(-1, STDOUT_FILENO)
                            : cli_color(o->color, STDOUT_FILENO);
  wo.flags = color && o->format == POL_FORMAT_TEXT ? POL_RENDER_COLOR : 0;
  wo.unknown_mode = o->unknown;
  wo.lang = o->lang ? o->lang : cli_default_lang();
  wo.width = o->width >= 0 ? (unsigned)o->width
             : out == stdout ? cli_terminal_width() : 0;
  wo.matrix = o->matrix;
  wo.as_of = cr->as_of;
  stamp_options(cr, opts, sizeof opts);
  wo.options = opts;
  if (pol_writer_open(cr->pol, &wo, write_out, ob, &cr->w) != POL_OK) {
    cli_error("out of memory");
    pol_writer_free(cr->w);
    return EXIT_INPUT;
  }
  if (cr->wf && (pol_writer_input(cr->w, POL_INPUT_WAIVERS, o->waivers) ||
                 pol_writer_input_data(cr->w, cr->wf->text, cr->wf->len)))
    return EXIT_INPUT;
  return EXIT_OK;
}

static int stream(check_run *cr, FILE *out) {
  enum { OUT_BUFFER = 1 << 16 };
  out_buf ob = {out, NULL, 0, 0, 0};
  if (!isatty(fileno(out)) && (ob.p = malloc(OUT_BUFFER)) != NULL)
    ob.cap = OUT_BUFFER;
  int rc = open_writer(cr, out, &ob);
  if (rc != EXIT_OK) {
    free(ob.p);
    return rc;
  }
  cr->started = cr->last_progress = now();
  cr->progress = cr->o->progress < 0 ? isatty(STDERR_FILENO)
                                     : cr->o->progress;
  rc = cr->o->jobs > 1 ? check_parallel(cr) : check_serial(cr);
  if (rc == EXIT_OK)
    writer_status(cr, pol_writer_finish(cr->w));
  check_progress(cr, true);
  pol_writer_free(cr->w);
  cr->write_failed |= out_flush(&ob) != 0;
  cr->write_errno = ob.err;
  cr->whole = rc == EXIT_OK && !cr->write_failed;
  free(ob.p);
  if (rc == EXIT_OK && !waivers_all_seen(cr->wf, cr->o->waivers))
    rc = EXIT_USAGE;
  return rc == EXIT_OK ? exit_status(cr, out) : rc;
}

/* Stream into -o FILE: a temporary file beside it, renamed over it when
 * the report is whole, removed otherwise (write.c; a FILE that is not a
 * regular file is written in place). A whole report of exit 2 or 3 (a
 * bad record, an input not read, an --assume or waiver that does not
 * fit) is kept: it lists what was not checked, as on standard output,
 * and one bad line of a stream does not cost the others' results. */
static int stream_to_file(check_run *cr) {
  cli_outfile of;
  FILE *out = cli_outfile_open(&of, cr->o->output);
  if (!out)
    return EXIT_INPUT;
  int status = stream(cr, out);
  int closed = cli_outfile_close(&of, cr->whole);
  return cr->whole && closed != EXIT_OK ? closed : status;
}

/* Each --assume, tried on an empty fact set first, so that one that does
 * not parse is a usage error before any vendor is read. (Whether its
 * path can be set depends on each vendor's facts: that is found out per
 * vendor.) */
static int assumptions_ok(pol_env *env, const check_opts *o) {
  pol_facts *f = NULL;
  int status = EXIT_OK;
  if (o->nassume && pol_facts_new(env, &f) != POL_OK) {
    cli_error("out of memory");
    return EXIT_INPUT;
  }
  for (int i = 0; i < o->nassume && status == EXIT_OK; i++) {
    pol_facts_reset(f);
    int rc = pol_facts_assume(f, o->assume[i]);
    if (rc == POL_EFORMAT) {
      cli_error("--assume %s", pol_facts_errmsg(f));
      status = EXIT_USAGE;
    } else if (rc == POL_ENOMEM) {
      cli_error("out of memory");
      status = EXIT_INPUT;
    }
  }
  pol_facts_free(f);
  return status;
}

static int run(check_opts *o) {
  pol_env *env = NULL;
  pol_policy *pol = NULL;
  int status = EXIT_INPUT;
  if (cli_small_input(o->facts, o->nfacts))
    o->cfg.flags |= POL_NO_JIT; /* a few vendors: interpret the patterns */
  if (pol_env_new(&o->cfg, &env) != POL_OK) {
    cli_error("out of memory");
    goto done;
  }
  status = cli_env_setup(env, o->dirs, o->ndirs, o->plugins, o->nplugins);
  cli_diag_opts diag = {o->excerpt, o->color};
  if (status == EXIT_OK)
    status = assumptions_ok(env, o);
  if (status == EXIT_OK)
    status = cli_load_policy(env, o->policy, cli_diag_flags(&diag), &pol);
  if (status == EXIT_OK)
    status = cli_require_rules(o->policy, pol);
  if (status == EXIT_OK && o->lint)
    status = check_lint(env, pol, o);
  if (status == EXIT_OK && o->explain) {
    status = check_explain(env, pol, o);
  } else if (status == EXIT_OK) {
    check_run cr;
    waiver_file wf;
    memset(&cr, 0, sizeof cr);
    cr.o = o;
    cr.env = env;
    cr.pol = pol;
    if (o->as_of)
      snprintf(cr.as_of, sizeof cr.as_of, "%s", o->as_of);
    else if (!cli_today(cr.as_of))
      status = EXIT_USAGE;
    if (status == EXIT_OK && o->waivers) {
      status = waivers_load(o->waivers, pol, &wf);
      cr.wf = &wf;
    }
    if (status == EXIT_OK)
      status = o->output ? stream_to_file(&cr) : stream(&cr, stdout);
    if (cr.wf)
      waivers_unload(&wf);
  }
done:
  pol_policy_free(pol);
  pol_env_free(env);
  return status;
}

int cmd_check(int argc, char **argv) {
  check_opts o;
  memset(&o, 0, sizeof o);
  o.color = o.excerpt = o.progress = -1;
  o.jobs = 1;
  o.max_record = CLI_MAX_INPUT;
  pol_config_init(&o.cfg);
  o.dirs = calloc((size_t)argc, sizeof *o.dirs);
  o.plugins = calloc((size_t)argc, sizeof *o.plugins);
  o.assume = calloc((size_t)argc, sizeof *o.assume);
  if (!o.dirs || !o.plugins || !o.assume) {
    free(o.dirs);
    free(o.plugins);
    free(o.assume);
    cli_error("out of memory");
    return EXIT_INPUT;
  }
  o.width = -1;
  int status = parse_args(argc, argv, &o);
  if (status == EXIT_OK)
    status = o.verify ? check_verify(&o) : run(&o);
  free(o.dirs);
  free(o.plugins);
  free(o.assume);
  return status < 0 ? EXIT_OK : status;
}
