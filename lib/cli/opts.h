/*
 * opts.h: command-line options as data. A command declares its options
 * as a table of cli_opt entries (name, kind, where the value goes, help
 * text) and hands argv to cli_parse, so the forms (`--name=V`, `--name
 * V`, `-IV`, `-I V`), the errors ("unknown option", "needs a value",
 * the list of valid choices) and the help text are the same for every
 * command that uses it (as git's parse-options).
 */
#ifndef POLICYC_OPTS_H
#define POLICYC_OPTS_H

#include <stdbool.h>

typedef enum {
  OPT_FLAG,   /* no value: *(bool *)dest = true */
  OPT_STRING, /* *(const char **)dest = the value (the last one given) */
  OPT_LIST,   /* appended to *(cli_list *)dest (repeatable) */
  OPT_CHOICE, /* *(int *)dest = the index of the value in choices */
  OPT_NUMBER  /* *(double *)dest = the value: digits, an optional point */
} cli_opt_kind;

typedef struct cli_list {
  const char **v; /* malloc'd by cli_parse; free with cli_list_free */
  int n;
} cli_list;

typedef struct cli_opt {
  const char *name;    /* "--check", "-w", "-I" */
  cli_opt_kind kind;
  void *dest;
  const char *arg;     /* the value's name in the help ("DIR"), or NULL */
  const char *choices; /* OPT_CHOICE: the values, "|"-separated */
  const char *help;    /* one line */
} cli_opt;

/* Parse argv[1..argc) of command [cmd] (argv[0]) against the [nopts]
 * options [opts]; every other argument (and each one after "--") is
 * appended to [rest]. `-h` and `--help` print [usage] and the options.
 * Returns 0 to go on, EXIT_USAGE after a message (as cli_usage_error),
 * or -1 when the help was printed. */
int cli_parse(const char *cmd, const char *usage, const cli_opt *opts,
              int nopts, int argc, char **argv, cli_list *rest);
void cli_list_free(cli_list *l);

/* One option at argv[*i] of a command that parses its own (check, diff,
 * eval, ...): takes its value from argv[*i] or argv[++*i], returns
 * EXIT_OK or a status after its message. */
typedef int (*cli_one_opt)(int argc, char **argv, int *i, void *o);

/* The order of cli_parse for the commands that parse each option with
 * their own [one]: options may come before or after the operands, until
 * "--"; "-" alone is an operand (standard input). The operands are moved,
 * in order, to argv[1..*nops]. `-h` and `--help` print [usage]. Returns
 * EXIT_OK, [one]'s status, or -1 when the help was printed. */
int cli_scan(const char *usage, int argc, char **argv, cli_one_opt one,
             void *o, int *nops);

/* --excerpt and --color (cli.h, cli_diag_choice_flags) as entries of an
 * option table, the same in every command that prints compile errors;
 * [ex] and [co] point to ints (0 auto, 1 always, 2 never). */
#define CLI_WHEN_CHOICES "auto|always|never"
#define CLI_DIAG_OPTS(ex, co)                                              \
  {"--excerpt", OPT_CHOICE, (ex), NULL, CLI_WHEN_CHOICES,                  \
   "source line and caret under compile errors (auto: on a terminal)"},    \
  {"--color", OPT_CHOICE, (co), NULL, CLI_WHEN_CHOICES,                    \
   "colours in compile errors (auto: on a terminal, unless NO_COLOR is "   \
   "set)"}

/* The number of entries of the array [a] (an option table). */
#define CLI_COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

#endif
