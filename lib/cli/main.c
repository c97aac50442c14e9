/*
 * main.c: policyc's entry point: global options and the subcommand
 * table. Each subcommand lives in its own cmd_*.c and returns an exit
 * status (cli.h).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const struct {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
} commands[] = {
    {"check", cmd_check, "check vendors' fact sets against a policy"},
    {"eval", cmd_eval, "evaluate a CEL expression, print its value"},
    {"validate", cmd_validate, "check fact sets against the fact schema"},
};

static void usage(FILE *out) {
  fputs("usage: policyc COMMAND [options] ...\n\ncommands:\n", out);
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
  fputs("\n`policyc COMMAND --help` describes each; see policyc(1).\n", out);
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
    usage(stdout);
    return cli_flush_stdout() ? EXIT_OK : EXIT_INPUT;
  }
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
    printf("policyc %s\n", POL_VERSION_STRING);
    return cli_flush_stdout() ? EXIT_OK : EXIT_INPUT;
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp(cmd, commands[i].name) == 0)
      return commands[i].run(argc - 1, argv + 1);
  cli_error("unknown command '%s'", cmd);
  fputs("Try 'policyc --help'.\n", stderr);
  return EXIT_USAGE;
}
