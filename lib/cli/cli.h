/*
 * cli.h: what the policyc subcommands share: exit statuses, input
 * reading, message helpers. policyc uses only the public include/pol.h.
 */
#ifndef POLICYC_CLI_H
#define POLICYC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "pol.h"

/* Exit statuses (docs/cli.md). */
enum {
  EXIT_OK = 0,      /* success / compliant */
  EXIT_FAIL = 1,    /* eval: an error value; check: not compliant */
  EXIT_USAGE = 2,   /* bad command line, or the source does not compile */
  EXIT_INPUT = 3    /* input unreadable or malformed; output unwritable */
};

/* Largest input policyc reads; /dev/zero hits it instead of hanging. */
#define CLI_MAX_INPUT ((size_t)64 << 20)

typedef struct cli_input {
  char *data; /* malloc'd, NUL-terminated */
  size_t len;
} cli_input;

/* Read the whole of [path] ("-" is standard input). On failure print
 * "policyc: PATH: reason" and return false. */
bool cli_read(const char *path, cli_input *in);
/* Read the fact set in [path] ("-": standard input, named <stdin>) into
 * [f] as cli_read reads (so a FIFO without a writer is empty, not a
 * hang); EXIT_OK, or EXIT_INPUT after "policyc: PATH: reason" or
 * "policyc: PATH:LINE:COL: what is wrong". In io.c. */
int cli_load_facts(pol_facts *f, const char *path);
/* Open [path] for reading without waiting for a FIFO's writer (a FIFO
 * nobody has open for writing reads as empty); a directory is refused.
 * On failure print "policyc: PATH: reason" and return -1. */
int cli_open(const char *path);
/* Print "policyc: " + message to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "policyc: out of memory" on stderr; returns EXIT_INPUT, the status of
 * every command when memory runs out (docs/decisions.md). */
int cli_out_of_memory(void);
/* A library call failed with [rc]: out of memory as above, else
 * "policyc: [msg]" and [status]. */
int cli_failed(int rc, const char *msg, int status);
/* "policyc CMD: MSG ARG" and a pointer to CMD's help, on stderr;
 * returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *msg, const char *arg);
/* Whether the inputs [files] ("-": standard input) are regular files of
 * less than CLI_SMALL_INPUT bytes in all: a few vendors, for whom
 * compiling the policy's patterns to machine code costs more than it
 * saves (POL_NO_JIT). false when a size is unknown (a pipe). */
#define CLI_SMALL_INPUT (1 << 20)
bool cli_small_input(char *const *files, int n);
/* Prepare [env] for compiling policies: the -I [dirs] in order, then
 * each directory of POLICY_PATH, then load the --plugin files. Returns
 * EXIT_OK, or the status to exit with after reporting the problem. */
int cli_env_setup(pol_env *env, const char *const *dirs, int ndirs,
                  const char *const *plugins, int nplugins);
/* Write [len] bytes to [path] atomically: through a temporary file
 * beside it, synced and renamed over it, so [path] is either the old file
 * or the whole new one (an existing file keeps its permissions; one that
 * is not a regular file, such as /dev/stdout, is written in place).
 * Returns EXIT_OK, or EXIT_INPUT after "policyc: PATH: reason". In
 * write.c. */
int cli_write_file(const char *path, const void *data, size_t len);
/* An output file written as a stream, whole or not at all (check -o,
 * and cli_write_file): cli_outfile_open returns a stream into a
 * temporary file beside [path] (with the permissions of the file it
 * will replace, else what the umask allows; beside the file a symbolic
 * link points to, which is replaced and the link kept), or into [path] itself
 * when that exists and is not a regular file (/dev/stdout, a FIFO, a
 * device), or standard output when [path] is "-"; NULL after
 * "policyc: PATH: reason". cli_outfile_close with
 * [keep] flushes, syncs and renames it over [path], and returns EXIT_OK
 * or EXIT_INPUT after "policyc: PATH: reason" (a full disk, /dev/full);
 * without [keep] it removes the temporary file and returns EXIT_OK.
 * In write.c. */
typedef struct cli_outfile {
  const char *path; /* borrowed */
  char *real;       /* malloc'd: the file a symbolic link [path] names,
                       which is replaced instead of the link; else NULL */
  char *tmp;        /* malloc'd; NULL when written in place */
  FILE *f;
} cli_outfile;
FILE *cli_outfile_open(cli_outfile *of, const char *path);
int cli_outfile_close(cli_outfile *of, bool keep);
/* Until cli_keep_on_signal([path]), SIGINT, SIGTERM or SIGHUP removes
 * the file [path] (kept alive by the caller) before ending policyc by
 * that signal: a temporary file is not left behind. Two at a time (a
 * report's temporary file inside --verify-stamp's re-run). In write.c. */
void cli_remove_on_signal(const char *path);
void cli_keep_on_signal(const char *path);
/* EXIT_OK when [v], the value of -o of command [cmd], names a file ("-":
 * standard output); a usage error when it looks like an option (`check
 * -o --format=json ...` would write the report to a file of that name):
 * a file whose name starts with '-' is written as ./-name. In write.c. */
int cli_output_name(const char *cmd, const char *v);
/* Flush stdout; on a write error report it and return false. */
bool cli_flush_stdout(void);
/* Parse a non-negative integer option value with an optional K/M/G
 * suffix; false if malformed. */
bool cli_parse_size(const char *s, unsigned long long *out);

/* The value of option [name] at argv[*i], given as "--name=V" or
 * "--name V" (then *i moves past V), and for a two-letter [name] such as
 * "-I" also as "-IV" (the forms cli_parse takes, so that every command
 * reads `-I=DIR`, `-IDIR` and `-I DIR` alike, and the stamp's `-I=DIR`
 * pastes back); NULL if argv[*i] is not [name]. */
const char *cli_opt_value(int argc, char **argv, int *i, const char *name);

/* How compile diagnostics are shown, the same for every command that
 * prints them (--excerpt=WHEN, --color=WHEN): -1 auto (on a terminal;
 * colour only when NO_COLOR is unset or empty), 0 never, 1 always. */
typedef struct cli_diag_opts {
  int excerpt, color;
} cli_diag_opts;
#define CLI_DIAG_OPTS_INIT {-1, -1}
#define CLI_DIAG_HELP                                                      \
  "  --excerpt=WHEN        source line and caret under compile errors:\n"  \
  "                        auto (on a terminal), always, never\n"          \
  "  --color=WHEN          colours: auto (on a terminal, unless NO_COLOR\n" \
  "                        is set), always, never\n"
/* auto, always, never as -1, 1, 0; -2 for anything else. */
int cli_when(const char *v);
/* Whether to colour what goes to [fd]: [when] as above. */
bool cli_color(int when, int fd);
/* argv[*i] when it is --excerpt or --color (=WHEN, or WHEN next, then
 * *i moves past it): 1 and [o] set, or EXIT_USAGE reported for [cmd]
 * when the value is bad; 0 for any other argument. */
int cli_diag_opt(const char *cmd, int argc, char **argv, int *i,
                 cli_diag_opts *o);
/* The pol_diag_render flags for diagnostics on stderr. */
int cli_diag_flags(const cli_diag_opts *o);
/* The same flags from the two options declared in a cli_opt table
 * (opts.h, CLI_DIAG_OPTS): OPT_CHOICE indexes of CLI_WHEN_CHOICES. */
int cli_diag_choice_flags(int excerpt, int color);

/* Compile the policy file [path] into *[pol], or load it if it is a
 * saved policy (`policyc compile` output). On failure print the
 * diagnostics (rendered with [flags], from cli_diag_flags) or the
 * loader's message and return EXIT_USAGE (EXIT_INPUT if [path] is
 * unreadable). In cmd_compile.c. */
int cli_load_policy(pol_env *env, const char *path, int flags,
                    pol_policy **pol);

/* EXIT_OK when [pol] has a rule, else "policyc: PATH:1:1: the policy has no
 * rules" and EXIT_USAGE: for the commands that give verdicts (check,
 * test, bench). In cmd_compile.c. */
int cli_require_rules(const char *path, const pol_policy *pol);

/* Write [s] to [out] as a JSON string (NULL as null). In cmd_lint.c. */
void cli_json_str(FILE *out, const char *s);
/* Print the warnings of [l] to [out], as text or ([json]) as one JSON
 * document, but those whose code or name is one of the [nallow] of
 * [allow]; returns how many are warnings (not notes). In cmd_lint.c. */
int cli_print_lints(FILE *out, const pol_lints *l, bool json,
                    const char *const *allow, int nallow);

/* ---- the environment of reports (env.c) ---- */
/* "ja" when the locale (LC_ALL, LC_MESSAGES, LANG) is Japanese, else
 * "en". */
const char *cli_default_lang(void);
/* COLUMNS when set, else the terminal's width when standard output is
 * one, else 0 (no limit). */
unsigned cli_terminal_width(void);
/* Whether [s] is a real date written YYYY-MM-DD. */
bool cli_valid_date(const char *s);
/* Today as YYYY-MM-DD in local time, or the UTC date of
 * SOURCE_DATE_EPOCH when that is set and not empty (for reproducible
 * runs). false after "policyc: SOURCE_DATE_EPOCH=...: ..." when it is
 * not a number of seconds up to 9999-12-31: a usage error. */
bool cli_today(char buf[11]);

int cmd_eval(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_compile(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_test(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_fmt(int argc, char **argv);
int cmd_lint(int argc, char **argv);

#endif
