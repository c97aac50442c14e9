/*
 * env.c: what policyc takes from its environment for reports: the
 * language of the locale, the terminal's width, today's date. The
 * library reads none of these (it has no global state): policyc decides
 * and passes them on as settings (pol_writer_options,
 * pol_report_set_as_of). docs/cli.md, "Reports for people", says how.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* The first of LC_ALL, LC_MESSAGES, LANG that is set and not empty, as
 * POSIX orders them for messages. */
static const char *locale_name(void) {
  static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
  for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
    const char *v = getenv(vars[i]);
    if (v && *v)
      return v;
  }
  return "";
}

const char *cli_default_lang(void) {
  return strncmp(locale_name(), "ja", 2) == 0 ? "ja" : "en";
}

unsigned cli_terminal_width(void) {
  const char *c = getenv("COLUMNS");
  char *end;
  if (c && *c) {
    long n = strtol(c, &end, 10);
    if (!*end && n > 0 && n < 100000)
      return (unsigned)n;
  }
  struct winsize ws;
  if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
      ws.ws_col > 0)
    return ws.ws_col;
  return 0; /* a pipe or a file: nothing is wrapped */
}

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool cli_valid_date(const char *s) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int y, m, d, n = 0;
  if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 ||
      n != 10 || s[4] != '-' || s[7] != '-')
    return false;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
      return false;
  if (y < 1 || m < 1 || m > 12 || d < 1)
    return false;
  return d <= days[m - 1] + (m == 2 && leap(y));
}

/* The last second of 9999-12-31 UTC: later dates have five-digit years,
 * which YYYY-MM-DD cannot write. */
#define CLI_MAX_EPOCH 253402300799LL

bool cli_today(char buf[11]) {
  const char *sde = getenv("SOURCE_DATE_EPOCH");
  struct tm tm;
  time_t t = time(NULL);
  if (sde && *sde) { /* reproducible runs: the date of that instant, UTC */
    char *end;
    errno = 0;
    long long x = strtoll(sde, &end, 10);
    /* reproducible-builds.org: a malformed value is an error, not a
     * silent fall-back to the clock that makes the run irreproducible */
    if (strspn(sde, "0123456789") != strlen(sde) || *end || errno ||
        x > CLI_MAX_EPOCH) {
      cli_error("SOURCE_DATE_EPOCH=%s: not a number of seconds from 0 to "
                "%lld (1970-01-01 to 9999-12-31)", sde, CLI_MAX_EPOCH);
      return false;
    }
    t = (time_t)x;
    gmtime_r(&t, &tm);
  } else {
    localtime_r(&t, &tm);
  }
  strftime(buf, 11, "%Y-%m-%d", &tm);
  return true;
}
