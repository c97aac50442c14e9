/*
 * main.c: policyc's entry point: global options and the subcommand
 * table. Each subcommand lives in its own cmd_*.c and returns an exit
 * status (cli.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const struct {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
} commands[] = {
    {"bench", cmd_bench, "time compiling a policy and checking vendors"},
    {"check", cmd_check, "check vendors' fact sets against a policy"},
    {"compile", cmd_compile, "compile a policy to a saved bytecode file"},
    {"diff", cmd_diff, "which verdicts a policy change flips, per vendor"},
    {"eval", cmd_eval, "evaluate a CEL expression, print its value"},
    {"fmt", cmd_fmt, "lay policy files out in the canonical layout"},
    {"import", cmd_import, "turn check sheets (CSV, TSV) into a fact set"},
    {"lint", cmd_lint, "analyse policies: rules that never pass or fail, ..."},
    {"test", cmd_test, "run policy unit tests (facts and expected verdicts)"},
    {"validate", cmd_validate, "check fact sets against the fact schema"},
};

static void usage(FILE *out) {
  fputs("usage: policyc [--plugin FILE.so]... COMMAND [options] ...\n\n"
        "commands:\n", out);
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
  fputs("\n`policyc help COMMAND` (or `policyc COMMAND --help`) describes "
        "each;\nsee policyc(1).\n", out);
}

/* The global options before the command (--plugin FILE, or
 * --plugin=FILE) become the command's own, so that each command loads
 * its plugins into the env it creates: the result holds the command,
 * then those options, then the command's arguments. *[argc] is updated;
 * NULL on out of memory. */
static char **hoist_plugins(int *argc, char **argv) {
  int g = 1;
  for (;;) {
    if (g < *argc && strncmp(argv[g], "--plugin=", 9) == 0)
      g += 1;
    else if (g + 1 < *argc && strcmp(argv[g], "--plugin") == 0)
      g += 2;
    else
      break;
  }
  char **out = calloc((size_t)*argc + 1, sizeof *out);
  if (!out)
    return NULL;
  int n = 0;
  out[n++] = g < *argc ? argv[g] : NULL;
  for (int i = 1; i < g; i++)
    out[n++] = argv[i];
  for (int i = g + 1; i < *argc; i++)
    out[n++] = argv[i];
  *argc = g < *argc ? n : 0;
  return out;
}

/* The command named [name], or -1. */
static int command_index(const char *name) {
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(name, commands[i].name) == 0)
      return (int)i;
  return -1;
}

/* An unknown command [cmd]: said, with the nearest command name when it
 * looks like a typo of one (chek: check). */
static int unknown_command(const char *cmd) {
  enum { NCOMMANDS = sizeof commands / sizeof commands[0] };
  const char *names[NCOMMANDS];
  for (size_t i = 0; i < NCOMMANDS; i++)
    names[i] = commands[i].name;
  const char *best = pol_suggest(cmd, names, NCOMMANDS);
  if (best)
    cli_error("unknown command '%s'; did you mean '%s'?", cmd, best);
  else
    cli_error("unknown command '%s'", cmd);
  fputs("Try 'policyc --help'.\n", stderr);
  return EXIT_USAGE;
}

/* `policyc help [COMMAND]`: the overview, or COMMAND's own --help; `help
 * help` (and `help --help`) is the overview too, help being no command
 * of the table. */
static int help(int argc, char **argv) {
  if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
      !strcmp(argv[1], "-h")) {
    usage(stdout);
    return cli_flush_stdout() ? EXIT_OK : EXIT_INPUT;
  }
  int i = command_index(argv[1]);
  if (i < 0)
    return unknown_command(argv[1]);
  char *args[] = {argv[1], "--help", NULL};
  return commands[i].run(2, args);
}

static int run(int argc, char **argv) {
  if (argc < 1) {
    usage(stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[0];
  if (strcmp(cmd, "--plugin") == 0) {
    cli_error("--plugin needs a FILE");
    return EXIT_USAGE;
  }
  if (!strcmp(cmd, "help"))
    return help(argc, argv);
  if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) {
    usage(stdout);
    return cli_flush_stdout() ? EXIT_OK : EXIT_INPUT;
  }
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
    printf("policyc %s\n", POL_VERSION_STRING);
    return cli_flush_stdout() ? EXIT_OK : EXIT_INPUT;
  }
  int i = command_index(cmd);
  return i >= 0 ? commands[i].run(argc, argv) : unknown_command(cmd);
}

/* Fill standard streams that were closed (`2>&-`) with /dev/null, the
 * wrong way round. Left closed, their numbers went to the next files
 * opened: with stderr closed, the messages about bad records went into
 * the -o report's temporary file. Opened for the other direction, using
 * them still fails with EBADF, as on the closed descriptor: a closed
 * standard input or output is an error (exit 3), a closed standard
 * error loses only the messages. */
static void fill_closed_streams(void) {
  for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
    if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
      continue;
    /* the lowest free number: this one, as the lower ones are open */
    int nul = open("/dev/null", fd == STDIN_FILENO ? O_WRONLY : O_RDONLY);
    if (nul >= 0 && nul != fd) {
      dup2(nul, fd);
      close(nul);
    }
  }
}

int main(int argc, char **argv) {
  fill_closed_streams();
  char **args = hoist_plugins(&argc, argv);
  if (!args) {
    cli_error("out of memory");
    return EXIT_INPUT;
  }
  int status = run(argc, args);
  free(args);
  /* the last word on standard output for every command, --help included:
   * output that did not reach its file is never success. A command that
   * saw the error said so and returned EXIT_INPUT already. */
  if (status < EXIT_INPUT && !cli_flush_stdout())
    status = EXIT_INPUT;
  return status;
}
