/*
 * write.c: writing an output file whole or not at all: cli_outfile_open
 * and _close stream it (check -o, import -o), cli_write_file writes a
 * buffer through them (compile -o, fmt -w). The bytes go to a temporary
 * file in the same directory, which is synced and renamed over the file,
 * and removed on any failure, so the file is either the old one or the
 * whole new one, never a part.
 */
#define _XOPEN_SOURCE 700 /* realpath, sigaction */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* The permissions of the file written to [path]: those of the file it
 * replaces, so that rewriting a file (fmt -w) keeps them; else what the
 * umask allows. */
static mode_t mode_for(const char *path) {
  struct stat st;
  if (stat(path, &st) == 0)
    return st.st_mode & 07777;
  mode_t mask = umask(0);
  umask(mask);
  return 0666 & ~mask;
}

/* Make the rename durable: sync the directory holding [path]. */
static void sync_dir(const char *path) {
  char *dir = strdup(path);
  char *slash = dir ? strrchr(dir, '/') : NULL;
  if (slash)
    slash[slash == dir ? 1 : 0] = '\0';
  int fd = dir ? open(slash ? dir : ".", O_RDONLY) : -1;
  if (fd >= 0) {
    fsync(fd); /* best effort: some file systems refuse */
    close(fd);
  }
  free(dir);
}

/* Whether [path] exists and is not a regular file (/dev/stdout, a FIFO,
 * a device): such a file is written in place, since a temporary file
 * next to it would be created among the devices and renamed over one
 * (replacing /dev/full with a regular file, when run as root). stat
 * follows symbolic links, so /dev/stdout counts by what it points to. */
static bool is_special(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && !S_ISREG(st.st_mode);
}

/* "DIR/NAME" (malloc'd) for the name [name] of a link that sits in the
 * directory of [link]: a relative link is relative to its directory. */
static char *beside(const char *link, const char *name) {
  const char *slash = strrchr(link, '/');
  size_t dir = name[0] == '/' || !slash ? 0 : (size_t)(slash - link) + 1;
  char *p = malloc(dir + strlen(name) + 1);
  if (p) {
    memcpy(p, link, dir);
    strcpy(p + dir, name);
  }
  return p;
}

/* The file that a chain of symbolic links from [path] ends at, when it
 * does not exist yet (a dangling link): its directory made absolute
 * and its name (malloc'd), as writing through the link would create
 * it. NULL with errno: ELOOP for a loop, ENOENT for a missing
 * directory. */
static char *dangling_target(const char *path) {
  char *cur = strdup(path);
  for (int hops = 0; cur && hops < 40; hops++) {
    struct stat st;
    if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode)) {
      char *slash = strrchr(cur, '/');
      const char *name = slash ? slash + 1 : cur;
      if (slash)
        *slash = '\0';
      char *dir = realpath(slash ? (slash == cur ? "/" : cur) : ".", NULL);
      char *file = dir ? malloc(strlen(dir) + strlen(name) + 2) : NULL;
      if (file)
        sprintf(file, "%s/%s", strcmp(dir, "/") ? dir : "", name);
      free(dir);
      free(cur);
      return file;
    }
    char name[4096];
    ssize_t n = readlink(cur, name, sizeof name - 1);
    if (n < 0) {
      free(cur);
      return NULL;
    }
    name[n] = '\0';
    char *next = beside(cur, name);
    free(cur);
    cur = next;
  }
  int e = cur ? ELOOP : ENOMEM;
  free(cur);
  errno = e;
  return NULL;
}

/* The file a symbolic link [path] points to (malloc'd), so that the
 * link is kept and its file replaced, as writing through the link
 * would; a link to a file not made yet gives that file. *[err] is 0, or
 * errno when the link cannot be followed (a loop, a missing directory):
 * then NULL. NULL too when [path] is no link. */
static char *link_target(const char *path, int *err) {
  struct stat st;
  *err = 0;
  if (lstat(path, &st) != 0 || !S_ISLNK(st.st_mode))
    return NULL;
  char *real = realpath(path, NULL);
  if (!real && errno == ENOENT)
    real = dangling_target(path);
  if (!real)
    *err = errno ? errno : ENOENT;
  return real;
}

/* ==== a signal while a temporary file is open ===========================
 *
 * SIGINT (^C), SIGTERM and SIGHUP end policyc, as they end any filter;
 * without more, the temporary file of a report being streamed would stay
 * behind beside FILE, and so would --verify-stamp's re-run report. So
 * while one is open these signals remove it first, then end the process
 * by the same signal (its status says so). A signal ignored when policyc
 * started (`nohup`, a background job of a script) stays ignored. The
 * handler can see only static storage: the few files open at once (a
 * report's temporary file, inside --verify-stamp's re-run). */

static const int CAUGHT[] = {SIGINT, SIGTERM, SIGHUP};
enum { NCAUGHT = sizeof CAUGHT / sizeof CAUGHT[0], NGUARDED = 2 };
static const char *volatile guarded[NGUARDED];
static int nguarded;
static struct sigaction before[NCAUGHT];

static void remove_guarded_and_die(int sig) {
  for (int i = 0; i < NGUARDED; i++) {
    const char *tmp = guarded[i];
    if (tmp)
      unlink(tmp); /* async-signal-safe, as are the calls below */
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

static void catch_signals(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = remove_guarded_and_die;
  sigemptyset(&sa.sa_mask);
  for (int i = 0; i < NCAUGHT; i++)
    sigaddset(&sa.sa_mask, CAUGHT[i]);
  for (int i = 0; i < NCAUGHT; i++) {
    sigaction(CAUGHT[i], NULL, &before[i]);
    if (before[i].sa_handler != SIG_IGN)
      sigaction(CAUGHT[i], &sa, NULL);
  }
}

void cli_remove_on_signal(const char *path) {
  for (int i = 0; i < NGUARDED; i++)
    if (!guarded[i]) {
      if (nguarded++ == 0)
        catch_signals();
      guarded[i] = path;
      return;
    }
}

void cli_keep_on_signal(const char *path) {
  for (int i = 0; i < NGUARDED; i++)
    if (guarded[i] == path) {
      guarded[i] = NULL;
      if (--nguarded == 0)
        for (int k = 0; k < NCAUGHT; k++)
          sigaction(CAUGHT[k], &before[k], NULL);
      return;
    }
}

/* Release what cli_outfile_open allocated. */
static void outfile_free(cli_outfile *of) {
  free(of->tmp);
  free(of->real);
  of->tmp = of->real = NULL;
}

FILE *cli_outfile_open(cli_outfile *of, const char *path) {
  struct stat st;
  of->path = path;
  of->real = NULL;
  of->tmp = NULL;
  of->f = NULL;
  if (!strcmp(path, "-")) /* -o -: standard output, as without -o */
    return of->f = stdout;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    cli_error("%s: is a directory", path);
    return NULL;
  }
  if (is_special(path)) {
    of->f = fopen(path, "w");
    if (!of->f)
      cli_error("%s: %s", path, strerror(errno));
    return of->f;
  }
  int err;
  of->real = link_target(path, &err);
  if (err) {
    cli_error("%s: %s", path, strerror(err));
    return NULL;
  }
  const char *file = of->real ? of->real : path;
  size_t n = strlen(file);
  of->tmp = malloc(n + sizeof ".tmpXXXXXX");
  if (!of->tmp) {
    outfile_free(of);
    cli_out_of_memory();
    return NULL;
  }
  memcpy(of->tmp, file, n);
  memcpy(of->tmp + n, ".tmpXXXXXX", sizeof ".tmpXXXXXX");
  int fd = mkstemp(of->tmp);
  of->f = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (!of->f || fchmod(fd, mode_for(file)) != 0) {
    cli_error("%s: %s", path, strerror(errno));
    if (of->f)
      fclose(of->f);
    else if (fd >= 0)
      close(fd);
    if (fd >= 0)
      unlink(of->tmp);
    outfile_free(of);
    of->f = NULL;
  }
  if (of->f && of->tmp)
    cli_remove_on_signal(of->tmp);
  return of->f;
}

/* errno after a failed stream call, EIO when the call did not set it
 * (ferror from an earlier write whose errno is gone). */
static int failure(void) {
  return errno ? errno : EIO;
}

int cli_outfile_close(cli_outfile *of, bool keep) {
  int e = 0;
  if (fflush(of->f) != 0 || ferror(of->f) ||
      (of->tmp && fsync(fileno(of->f)) != 0))
    e = failure();
  if (of->f != stdout && fclose(of->f) != 0 && !e)
    e = failure();
  of->f = NULL;
  const char *file = of->real ? of->real : of->path;
  if (keep && !e && of->tmp && rename(of->tmp, file) != 0)
    e = failure();
  if (of->tmp && !(keep && !e))
    unlink(of->tmp);
  else if (of->tmp)
    sync_dir(file);
  if (of->tmp) /* before the name the handler sees is freed */
    cli_keep_on_signal(of->tmp);
  outfile_free(of);
  if (keep && e) {
    if (!strcmp(of->path, "-"))
      cli_error("error writing standard output: %s", strerror(e));
    else
      cli_error("%s: %s", of->path, strerror(e));
    return EXIT_INPUT;
  }
  return EXIT_OK;
}

int cli_write_file(const char *path, const void *data, size_t len) {
  cli_outfile of;
  FILE *f = cli_outfile_open(&of, path);
  if (!f)
    return EXIT_INPUT;
  if (len)
    fwrite(data, 1, len, f);
  return cli_outfile_close(&of, true);
}

int cli_output_name(const char *cmd, const char *v) {
  if (v[0] != '-' || v[1] == '\0')
    return EXIT_OK;
  return cli_usage_error(cmd, "-o needs a file name (./NAME for one that "
                              "starts with '-'), not ", v);
}
