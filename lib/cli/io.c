/*
 * io.c: reading inputs whole, with a size bound, and reporting errors the
 * same way everywhere: "policyc: PATH: reason"; the options every command
 * shares (how diagnostics are shown).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

void cli_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("policyc: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

int cli_out_of_memory(void) {
  cli_error("out of memory");
  return EXIT_INPUT;
}

int cli_failed(int rc, const char *msg, int status) {
  if (rc == POL_ENOMEM)
    return cli_out_of_memory();
  cli_error("%s", msg);
  return status;
}

/* The next capacity of a buffer of [cap] bytes: doubled, but never past
 * one byte more than CLI_MAX_INPUT, so that an input of exactly the limit
 * is read whole and one byte more is what proves an input too large. */
static size_t grow(size_t cap) {
  return cap * 2 > CLI_MAX_INPUT ? CLI_MAX_INPUT + 1 : cap * 2;
}

static bool read_fd(int fd, const char *path, cli_input *in) {
  size_t cap = 65536, len = 0;
  char *buf = malloc(cap + 1);
  for (;;) {
    if (!buf) {
      cli_error("%s: out of memory", path);
      return false;
    }
    if (len == cap) {
      if (len > CLI_MAX_INPUT) {
        cli_error("%s: input larger than %zu MiB", path, CLI_MAX_INPUT >> 20);
        free(buf);
        return false;
      }
      cap = grow(cap);
      char *nb = realloc(buf, cap + 1);
      if (!nb)
        free(buf);
      buf = nb;
      continue;
    }
    ssize_t r = read(fd, buf + len, cap - len);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      cli_error("%s: %s", path, strerror(errno));
      free(buf);
      return false;
    }
    if (r == 0)
      break;
    len += (size_t)r;
  }
  buf[len] = '\0';
  in->data = buf;
  in->len = len;
  return true;
}

int cli_open(const char *path) {
  /* O_NONBLOCK: opening a FIFO waits for a writer, for ever if none
   * comes; without the wait, a FIFO nobody writes reads as empty */
  int fd = open(path, O_RDONLY | O_NONBLOCK), e;
  if (fd < 0) {
    e = errno;
    cli_error("%s: %s", path, strerror(e));
    errno = e; /* for a caller that reports it too (check_open) */
    return -1;
  }
  struct stat st;
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    cli_error("%s: is a directory", path);
    close(fd);
    errno = EISDIR;
    return -1;
  }
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
    e = errno;
    cli_error("%s: %s", path, strerror(e));
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

bool cli_read(const char *path, cli_input *in) {
  if (strcmp(path, "-") == 0)
    return read_fd(STDIN_FILENO, "<stdin>", in);
  int fd = cli_open(path);
  if (fd < 0)
    return false;
  bool ok = read_fd(fd, path, in);
  close(fd);
  return ok;
}

int cli_load_facts(pol_facts *f, const char *path) {
  cli_input in;
  if (!cli_read(path, &in))
    return EXIT_INPUT;
  int rc = pol_facts_load_json(f, in.data, in.len,
                               strcmp(path, "-") ? path : "<stdin>");
  free(in.data);
  return rc == POL_OK ? EXIT_OK
                      : cli_failed(rc, pol_facts_errmsg(f), EXIT_INPUT);
}

bool cli_flush_stdout(void) {
  if (fflush(stdout) == 0 && !ferror(stdout))
    return true;
  cli_error("error writing standard output: %s", strerror(errno));
  return false;
}

bool cli_parse_size(const char *s, unsigned long long *out) {
  char *end;
  errno = 0;
  if (*s < '0' || *s > '9')
    return false;
  unsigned long long v = strtoull(s, &end, 10);
  unsigned shift = 0;
  switch (*end) {
  case 'K': case 'k': shift = 10; end++; break;
  case 'M': case 'm': shift = 20; end++; break;
  case 'G': case 'g': shift = 30; end++; break;
  default: break;
  }
  if (errno || *end || (shift && v > (~0ull >> shift)))
    return false;
  *out = v << shift;
  return true;
}

bool cli_parse_count(const char *s, unsigned long long *out) {
  return s[strspn(s, "0123456789")] == '\0' && cli_parse_size(s, out);
}

const char *cli_opt_value(int argc, char **argv, int *i, const char *name) {
  size_t n = strlen(name);
  const char *a = argv[*i];
  if (strncmp(a, name, n) != 0)
    return NULL;
  if (a[n] == '=')
    return a + n + 1;
  if (n == 2 && a[n] != '\0') /* "-IDIR", as cli_parse reads it */
    return a + n;
  if (a[n] == '\0' && *i + 1 < argc)
    return argv[++*i];
  return NULL;
}

int cli_usage_error(const char *cmd, const char *msg, const char *arg) {
  cli_error("%s: %s%s", cmd, msg, arg ? arg : "");
  fprintf(stderr, "Try 'policyc %s --help'.\n", cmd);
  return EXIT_USAGE;
}

bool cli_small_input(char *const *files, int n) {
  off_t total = 0;
  for (int i = 0; i < n; i++) {
    struct stat st;
    int rc = strcmp(files[i], "-") ? stat(files[i], &st)
                                   : fstat(STDIN_FILENO, &st);
    if (rc != 0 || !S_ISREG(st.st_mode))
      return false;
    total += st.st_size;
  }
  return total < CLI_SMALL_INPUT;
}

int cli_env_setup(pol_env *env, const char *const *dirs, int ndirs,
                  const char *const *plugins, int nplugins) {
  int rc = POL_OK;
  for (int i = 0; i < ndirs && rc == POL_OK; i++)
    rc = pol_env_add_import_dir(env, dirs[i]);
  if (rc == POL_EINVAL) { /* -I '' */
    cli_error("-I: %s", pol_env_errmsg(env));
    return EXIT_USAGE;
  }
  const char *path = getenv("POLICY_PATH");
  char *copy = path ? strdup(path) : NULL, *save = NULL;
  for (char *d = copy ? strtok_r(copy, ":", &save) : NULL; d && rc == POL_OK;
       d = strtok_r(NULL, ":", &save))
    rc = pol_env_add_import_dir(env, d);
  free(copy);
  if (rc != POL_OK) {
    cli_error("out of memory");
    return EXIT_INPUT;
  }
  for (int i = 0; i < nplugins; i++)
    if (pol_env_load_plugin(env, plugins[i]) != POL_OK) {
      cli_error("%s", pol_env_errmsg(env));
      return EXIT_USAGE;
    }
  return EXIT_OK;
}

int cli_stdin_once(const char *cmd, const char *const *names, int n) {
  int seen = 0;
  for (int i = 0; i < n; i++)
    seen += strcmp(names[i], "-") == 0;
  if (seen < 2)
    return EXIT_OK;
  return cli_usage_error(cmd, "standard input (-) is named more than "
                              "once; it can be read only once", NULL);
}

int cli_env_check(const char *const *dirs, int ndirs,
                  const char *const *plugins, int nplugins) {
  pol_config cfg;
  pol_env *env;
  pol_config_init(&cfg);
  if (pol_env_new(&cfg, &env) != POL_OK)
    return cli_out_of_memory();
  int status = cli_env_setup(env, dirs, ndirs, plugins, nplugins);
  pol_env_free(env);
  return status;
}

int cli_when(const char *v) {
  if (!strcmp(v, "auto"))
    return -1;
  return !strcmp(v, "always") ? 1 : !strcmp(v, "never") ? 0 : -2;
}

/* NO_COLOR (no-color.org): set and not empty means no colour, unless
 * the command line asks for it. */
bool cli_color(int when, int fd) {
  const char *no = getenv("NO_COLOR");
  return when < 0 ? isatty(fd) && !(no && *no) : when == 1;
}

int cli_diag_opt(const char *cmd, int argc, char **argv, int *i,
                 cli_diag_opts *o) {
  const char *v;
  int *slot = NULL;
  if ((v = cli_opt_value(argc, argv, i, "--excerpt")))
    slot = &o->excerpt;
  else if ((v = cli_opt_value(argc, argv, i, "--color")))
    slot = &o->color;
  if (!slot)
    return 0;
  if ((*slot = cli_when(v)) < -1)
    return cli_usage_error(cmd, slot == &o->color
                                    ? "bad value for --color (auto, always, "
                                      "never): "
                                    : "bad value for --excerpt (auto, "
                                      "always, never): ", v);
  return 1;
}

/* auto|always|never, as cli_parse numbers them, to -1, 1, 0 */
static int when_of_choice(int choice) {
  return choice == 0 ? -1 : choice == 1 ? 1 : 0;
}

int cli_diag_choice_flags(int excerpt, int color) {
  cli_diag_opts o = {when_of_choice(excerpt), when_of_choice(color)};
  return cli_diag_flags(&o);
}

int cli_diag_flags(const cli_diag_opts *o) {
  bool excerpt = o->excerpt < 0 ? isatty(STDERR_FILENO) : o->excerpt == 1;
  return (excerpt ? POL_RENDER_EXCERPT : 0) |
         (cli_color(o->color, STDERR_FILENO) ? POL_RENDER_COLOR : 0);
}
