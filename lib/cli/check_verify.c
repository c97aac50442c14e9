/*
 * check_verify.c: `policyc check --verify-stamp REPORT.json`: re-run the
 * check a JSON report's stamp records (policy, inputs, as-of date, the
 * options that change verdicts) into a temporary file, and compare the
 * two reports byte for byte. The JSON report holds everything the check
 * decided and nothing of the terminal (no colour, width or language), so
 * equal bytes mean an identical result. When they differ, the stamps say
 * why where they can (another engine, a file changed since); otherwise
 * the first line that differs is shown. docs/cli.md, "Verifying a
 * report".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cli.h"

/* A JSON report, parsed: its bytes and its "stamp" object. */
typedef struct stamped {
  cli_input text;
  pol_facts *facts;
  const pol_value *stamp;
} stamped;

static const char *str_of(const pol_value *v, const char *key) {
  const pol_value *m = key ? pol_value_get(v, key) : v;
  return m && pol_value_type(m) == POL_T_STRING ? pol_value_str(m, NULL)
                                                   : NULL;
}

/* Read and parse the report [path]; false after saying why. */
static bool stamped_read(pol_env *env, const char *path, stamped *s) {
  memset(s, 0, sizeof s[0]);
  if (!cli_read(path, &s->text))
    return false;
  if (pol_facts_new(env, &s->facts) != POL_OK) {
    cli_out_of_memory();
    return false;
  }
  int rc = pol_facts_load_json(s->facts, s->text.data, s->text.len, path);
  if (rc != POL_OK) {
    cli_failed(rc, pol_facts_errmsg(s->facts), EXIT_INPUT);
    return false;
  }
  s->stamp = pol_facts_get(s->facts, "stamp");
  if (!s->stamp || pol_value_type(s->stamp) != POL_T_MAP ||
      !str_of(s->stamp, "as_of") || !str_of(s->stamp, "options") ||
      !str_of(pol_value_get(s->stamp, "policy"), "file")) {
    cli_error("%s: not a JSON report with a stamp (policyc check "
              "--format=json writes one)", path);
    return false;
  }
  return true;
}

static void stamped_free(stamped *s) {
  pol_facts_free(s->facts);
  free(s->text.data);
}

/* ==== the re-run ========================================================= */

/* The next word of the options at *[at], unquoted in place as a POSIX
 * shell would ('...' quotes, \\ escapes one character; what
 * cmd_check.c stamp_word writes); NULL after the last. */
static char *next_word(char **at) {
  char *r = *at, *w;
  while (*r == ' ')
    r++;
  if (!*r)
    return NULL;
  char *word = w = r;
  char quote = 0;
  for (; *r && (quote || *r != ' '); r++) {
    if (quote && *r == '\'')
      quote = 0;
    else if (!quote && *r == '\'')
      quote = '\'';
    else if (!quote && *r == '\\' && r[1])
      *w++ = *++r;
    else
      *w++ = *r;
  }
  *at = *r ? r + 1 : r;
  *w = '\0';
  return word;
}

/* The argv of the check the stamp records, writing JSON to [out]:
 * check --format=json --as-of=D OPTIONS... -o OUT -- POLICY FACTS... ;
 * [words] receives the split copy of the options (free it after). */
static char **rerun_argv(const pol_value *st, const char *out, int *argc,
                         char **words) {
  const pol_value *in = pol_value_get(st, "inputs");
  size_t nin = in ? pol_value_len(in) : 0;
  const char *opts = str_of(st, "options");
  size_t n = 8 + nin + strlen(opts);
  char **av = calloc(n, sizeof *av);
  char *w = *words = malloc(strlen(opts) + strlen(str_of(st, "as_of")) + 16);
  if (!av || !w) {
    free(av);
    return NULL;
  }
  int k = 0;
  av[k++] = "check";
  av[k++] = "--format=json";
  av[k++] = w;
  w += sprintf(w, "--as-of=%s", str_of(st, "as_of")) + 1;
  strcpy(w, opts);
  for (char *t; (t = next_word(&w)) != NULL;) {
    if (!strncmp(t, "-I=", 3)) { /* the stamp writes -I=DIR */
      av[k++] = "-I";
      t += 3;
    }
    av[k++] = t;
  }
  av[k++] = "-o";
  av[k++] = (char *)out;
  av[k++] = "--";
  av[k++] = (char *)str_of(pol_value_get(st, "policy"), "file");
  for (size_t i = 0; i < nin; i++)
    if (!strcmp(str_of(pol_value_at(in, i), "kind"), "facts"))
      av[k++] = (char *)str_of(pol_value_at(in, i), "name");
  *argc = k;
  return av;
}

/* The options a stamp records (cmd_check.c stamp_options): the only
 * ones a re-run takes from a report. Anything else (an -o, a --format)
 * would let a report file choose what the re-run writes. */
static const char *const stamp_forms[] = {
    "--unknown=", "--max-steps=", "--max-memory=", "-I=",
    "--plugin=",  "--assume=",    "--waivers=",    NULL};

static bool stamp_form(const char *word) {
  for (int i = 0; stamp_forms[i]; i++)
    if (!strncmp(word, stamp_forms[i], strlen(stamp_forms[i])))
      return true;
  return false;
}

static bool plugin_given(const check_opts *o, const char *path) {
  for (int i = 0; i < o->nplugins; i++)
    if (!strcmp(o->plugins[i], path))
      return true;
  return false;
}

/* Whether every word of the stamp's options is one a stamp records,
 * and every plugin it loaded is one the command line names too: a
 * report may come from anyone, and loading a shared object it names
 * would run that object's code. After saying why, false. */
static bool options_safe(const check_opts *o, const char *path,
                         const pol_value *st) {
  const char *opts = str_of(st, "options");
  char *copy = malloc(strlen(opts) + 1), *at = copy;
  if (!copy) {
    cli_out_of_memory();
    return false;
  }
  strcpy(copy, opts);
  bool ok = true;
  for (char *t; ok && (t = next_word(&at)) != NULL;) {
    if (!stamp_form(t)) {
      cli_error("%s: the stamp's options hold '%s', which is none of "
                "those a stamp records (--unknown, --max-steps, "
                "--max-memory, -I, --plugin, --assume, --waivers)",
                path, t);
      ok = false;
    } else if (!strncmp(t, "--plugin=", 9) && !plugin_given(o, t + 9)) {
      cli_error("%s: the check loaded the plugin %s; --verify-stamp "
                "loads only the plugins its own command line names: add "
                "--plugin %s if you trust it", path, t + 9, t + 9);
      ok = false;
    }
  }
  free(copy);
  return ok;
}

/* An input the stamp records that cannot be read again: standard
 * input, or a record without a name. NULL when all can. */
static const char *unrepeatable(const pol_value *st) {
  const pol_value *in = pol_value_get(st, "inputs");
  for (size_t i = 0; in && i < pol_value_len(in); i++) {
    const char *name = str_of(pol_value_at(in, i), "name");
    const char *kind = str_of(pol_value_at(in, i), "kind");
    if (!name || !kind || !strcmp(name, "-"))
      return name ? name : "(an input without a name)";
  }
  return NULL;
}

/* Run the recorded check into [out]: EXIT_OK when it ran (compliant or
 * not), else the status it stopped with (it said why). */
static int rerun(const pol_value *st, const char *out) {
  int argc;
  char *words;
  char **argv = rerun_argv(st, out, &argc, &words);
  if (!argv)
    return cli_out_of_memory();
  int status = cmd_check(argc, argv);
  free(argv);
  free(words);
  return status == EXIT_FAIL ? EXIT_OK : status;
}

/* ==== comparing ========================================================== */

/* Say which entries of the stamp's list [la] (the report's) have
 * another sha256 in [lb] (the re-run's), each [what] named by [key];
 * true if any. */
static bool list_differs(const char *path, const pol_value *la,
                         const pol_value *lb, const char *what,
                         const char *key) {
  bool differ = false;
  for (size_t i = 0; la && lb && i < pol_value_len(la); i++) {
    const char *ha = str_of(pol_value_at(la, i), "sha256");
    const char *hb = str_of(pol_value_at(lb, i), "sha256");
    if (ha && hb && !strcmp(ha, hb))
      continue;
    cli_error("%s: the %s %s has changed since the report", path, what,
              str_of(pol_value_at(la, i), key));
    differ = true;
  }
  return differ;
}

/* Say what differs between the stamps [a] (the report) and [b] (the
 * re-run); false when they agree. */
static bool stamps_differ(const char *path, const pol_value *a,
                          const pol_value *b) {
  bool differ = false;
  if (strcmp(str_of(a, "engine") ? str_of(a, "engine") : "",
             str_of(b, "engine") ? str_of(b, "engine") : "")) {
    cli_error("%s: made by %s, re-run by %s", path, str_of(a, "engine"),
              str_of(b, "engine"));
    differ = true;
  }
  const pol_value *pa = pol_value_get(a, "policy"),
                  *pb = pol_value_get(b, "policy");
  const char *ha = str_of(pa, "sha256"), *hb = str_of(pb, "sha256");
  if (!ha || !hb || strcmp(ha, hb)) {
    cli_error("%s: the policy %s has changed since the report", path,
              str_of(pa, "file"));
    differ = true;
  }
  differ |= list_differs(path, pol_value_get(a, "inputs"),
                         pol_value_get(b, "inputs"), "input", "name");
  differ |= list_differs(path, pol_value_get(a, "modules"),
                         pol_value_get(b, "modules"), "module", "file");
  return differ;
}

/* The first line where [a] and [b] differ, on stderr. */
static void first_difference(const char *path, const cli_input *a,
                             const cli_input *b) {
  size_t i = 0, line = 1, start = 0;
  for (; i < a->len && i < b->len && a->data[i] == b->data[i]; i++)
    if (a->data[i] == '\n') {
      line++;
      start = i + 1;
    }
  int la = (int)strcspn(a->data + start, "\n");
  int lb = (int)strcspn(b->data + start, "\n");
  cli_error("%s:%zu: the re-run differs from here:\n  report: %.*s\n"
            "  re-run: %.*s", path, line, la, a->data + start, lb,
            b->data + start);
}

static int compare(pol_env *env, const char *path, const stamped *old,
                   const char *out) {
  stamped now;
  if (!stamped_read(env, out, &now)) {
    stamped_free(&now);
    return EXIT_INPUT;
  }
  int status = EXIT_OK;
  if (old->text.len != now.text.len ||
      memcmp(old->text.data, now.text.data, old->text.len)) {
    if (!stamps_differ(path, old->stamp, now.stamp))
      first_difference(path, &old->text, &now.text);
    status = EXIT_FAIL;
  }
  stamped_free(&now);
  return status;
}

/* ==== the command ======================================================== */

static int verify(const check_opts *o, pol_env *env, const char *path,
                  const stamped *old) {
  const char *bad = unrepeatable(old->stamp);
  if (bad) {
    cli_error("%s: the report read %s, which cannot be read again",
              path, bad);
    return EXIT_INPUT;
  }
  if (!options_safe(o, path, old->stamp))
    return EXIT_INPUT;
  const char *dir = getenv("TMPDIR");
  char out[4096];
  snprintf(out, sizeof out, "%s/policyc-verify-XXXXXX",
           dir && *dir ? dir : "/tmp");
  int fd = mkstemp(out);
  if (fd < 0) {
    cli_error("%s: cannot make a temporary file", out);
    return EXIT_INPUT;
  }
  close(fd);
  cli_remove_on_signal(out); /* ^C during the re-run or the comparison */
  int status = rerun(old->stamp, out);
  if (status == EXIT_OK)
    status = compare(env, path, old, out);
  remove(out);
  cli_keep_on_signal(out);
  if (status == EXIT_OK)
    printf("%s: identical: the check it records gives the same report\n",
           path);
  return status;
}

int check_verify(check_opts *o) {
  pol_env *env;
  if (pol_env_new(NULL, &env) != POL_OK)
    return cli_out_of_memory();
  stamped old;
  int status = stamped_read(env, o->verify, &old)
                   ? verify(o, env, o->verify, &old)
                   : EXIT_INPUT;
  if (status == EXIT_FAIL)
    printf("%s: differs: the check it records gives another report\n",
           o->verify);
  stamped_free(&old);
  pol_env_free(env);
  return status;
}
