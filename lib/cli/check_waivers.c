/*
 * check_waivers.c: `policyc check --waivers FILE`: the waivers file,
 * read with positions (the import's JSON tree, import.h), checked member
 * by member and handed to the library as a pol_waivers set. The form is
 * docs/cli.md's "Waivers":
 *
 *   {"waivers": [{"rule": "backup_generations", "vendor": "...",
 *                 "owner": "...", "justification": "...",
 *                 "ticket": "SEC-12", "expires": "2026-12-31"}]}
 *
 * Every problem is reported at its place, FILE:LINE:COL, and all of them
 * are reported before the run stops (exit 2); nothing is checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "import.h"

static const char *const members[] = {"rule",   "vendor", "owner",
                                      "justification", "ticket", "expires"};
enum { M_RULE, M_VENDOR, M_OWNER, M_WHY, M_TICKET, M_EXPIRES, NMEMBERS };

static void problem(const char *path, const jnode *at, const char *msg,
                    const char *arg) {
  fprintf(stderr, "%s:%u:%u: %s%s%s\n", path, at->line, at->col, msg,
          arg ? arg : "", arg ? "'" : "");
}

/* The members of waiver [o] into [v] (NULL when absent); false after
 * reporting what is wrong with them. */
static bool members_of(const char *path, const jnode *o,
                       const char *v[NMEMBERS]) {
  bool ok = true;
  memset(v, 0, NMEMBERS * sizeof *v);
  for (size_t k = 0; k < o->n; k++) {
    size_t m = 0;
    while (m < NMEMBERS && strcmp(o->keys[k], members[m]) != 0)
      m++;
    if (m == NMEMBERS) { /* at the member's name: the name is the mistake */
      fprintf(stderr, "%s:%u:%u: unknown member '%s'\n", path,
              o->items[k]->key_line, o->items[k]->key_col, o->keys[k]);
      ok = false;
    } else if (o->items[k]->kind == JN_STR) {
      v[m] = o->items[k]->s;
    } else if (!(m == M_EXPIRES && o->items[k]->kind == JN_NULL)) {
      problem(path, o->items[k], "expected a string for '", members[m]);
      ok = false;
    }
  }
  static const int required[] = {M_RULE, M_VENDOR, M_OWNER, M_WHY};
  for (size_t r = 0; ok && r < sizeof required / sizeof *required; r++)
    if (!v[required[r]] || !*v[required[r]]) {
      problem(path, o, "a waiver needs '", members[required[r]]);
      ok = false;
    }
  return ok;
}

/* Add waiver [o] to wf; false after reporting why it cannot be. */
static bool one(const char *path, const jnode *o, waiver_file *wf) {
  const char *v[NMEMBERS];
  if (o->kind != JN_OBJ) {
    problem(path, o, "a waiver is an object", NULL);
    return false;
  }
  if (!members_of(path, o, v))
    return false;
  pol_waiver w = POL_WAIVER_INIT;
  w.rule = v[M_RULE];
  w.vendor = v[M_VENDOR];
  w.owner = v[M_OWNER];
  w.justification = v[M_WHY];
  w.ticket = v[M_TICKET];
  w.expires = v[M_EXPIRES];
  if (pol_waivers_add(wf->set, &w) != POL_OK) {
    /* The date's fault by the message's start only: the rest quotes the
     * rule's name, which may hold any word ("unknown rule 'cert_expiry'"
     * put the message at an "expires" not there: a NULL member). */
    const char *msg = pol_waivers_errmsg(wf->set);
    const jnode *at = jn_get(o, "rule");
    if (strncmp(msg, "bad expiry date", 15) == 0 && jn_get(o, "expires"))
      at = jn_get(o, "expires");
    problem(path, at ? at : o, msg, NULL);
    return false;
  }
  size_t i = wf->n++;
  wf->vendor[i] = strdup(w.vendor);
  wf->rule[i] = strdup(w.rule);
  wf->line[i] = o->line;
  wf->col[i] = o->col;
  return wf->vendor[i] && wf->rule[i];
}

static bool arrays(waiver_file *wf, size_t n) {
  wf->vendor = calloc(n + 1, sizeof *wf->vendor);
  wf->rule = calloc(n + 1, sizeof *wf->rule);
  wf->line = calloc(n + 1, sizeof *wf->line);
  wf->col = calloc(n + 1, sizeof *wf->col);
  wf->seen = calloc(n + 1, sizeof *wf->seen);
  wf->by_vendor = calloc(n + 1, sizeof *wf->by_vendor);
  return wf->vendor && wf->rule && wf->line && wf->col && wf->seen &&
         wf->by_vendor;
}

/* qsort has no context argument: the waivers' vendors are compared
 * through a pair of (number, name) instead. */
typedef struct named {
  size_t i;
  const char *name;
} named;

static int by_name(const void *a, const void *b) {
  return strcmp(((const named *)a)->name, ((const named *)b)->name);
}

/* wf->by_vendor: the waivers' numbers in the order of their vendors. */
static bool sort_by_vendor(waiver_file *wf) {
  named *t = malloc((wf->n + 1) * sizeof *t);
  if (!t)
    return false;
  for (size_t i = 0; i < wf->n; i++)
    t[i] = (named){i, wf->vendor[i]};
  qsort(t, wf->n, sizeof *t, by_name);
  for (size_t i = 0; i < wf->n; i++)
    wf->by_vendor[i] = t[i].i;
  free(t);
  return true;
}

static int parse(const char *path, imp_pool *p, const pol_policy *pol,
                 waiver_file *wf) {
  jnode *root = jn_parse(p, wf->text, wf->len, path);
  if (!root)
    return EXIT_USAGE;
  jnode *list = root->kind == JN_OBJ ? jn_get(root, "waivers") : NULL;
  if (!list || list->kind != JN_ARR) { /* at what stands in its place */
    problem(path, list ? list : root, "expected {\"waivers\": [...]}",
            NULL);
    return EXIT_USAGE;
  }
  for (size_t k = 0; k < root->n; k++)
    if (strcmp(root->keys[k], "waivers") != 0) {
      fprintf(stderr, "%s:%u:%u: expected {\"waivers\": [...]} alone, not "
              "the member '%s'\n", path, root->items[k]->key_line,
              root->items[k]->key_col, root->keys[k]);
      return EXIT_USAGE;
    }
  if (pol_waivers_new(pol, &wf->set) != POL_OK || !arrays(wf, list->n)) {
    cli_error("out of memory");
    return EXIT_INPUT;
  }
  bool ok = true;
  for (size_t i = 0; i < list->n; i++)
    ok &= one(path, list->items[i], wf);
  if (ok && !sort_by_vendor(wf)) {
    cli_error("out of memory");
    return EXIT_INPUT;
  }
  return ok ? EXIT_OK : EXIT_USAGE;
}

int waivers_load(const char *path, const pol_policy *pol, waiver_file *wf) {
  cli_input in;
  memset(wf, 0, sizeof *wf);
  if (!cli_read(path, &in))
    return EXIT_INPUT;
  wf->text = in.data;
  wf->len = in.len;
  imp_pool *p = imp_pool_new();
  int status = p ? parse(path, p, pol, wf) : EXIT_INPUT;
  imp_pool_free(p);
  return status;
}

void waivers_unload(waiver_file *wf) {
  for (size_t i = 0; i < wf->n; i++) {
    free(wf->vendor[i]);
    free(wf->rule[i]);
  }
  free(wf->vendor);
  free(wf->rule);
  free(wf->line);
  free(wf->col);
  free(wf->seen);
  free(wf->by_vendor);
  free(wf->text);
  pol_waivers_free(wf->set);
  memset(wf, 0, sizeof *wf);
}

/* Mark the waivers of vendor [name] seen: they are a run of
 * wf->by_vendor, found by a binary search for its first. */
static void note_vendor(waiver_file *wf, const char *name) {
  size_t lo = 0, hi = wf->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (strcmp(wf->vendor[wf->by_vendor[mid]], name) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  for (; lo < wf->n && !strcmp(wf->vendor[wf->by_vendor[lo]], name); lo++)
    wf->seen[wf->by_vendor[lo]] = true;
}

void waivers_note(waiver_file *wf, const pol_report *rep) {
  for (size_t v = 0; wf && v < pol_report_vendor_count(rep); v++)
    note_vendor(wf, pol_report_vendor_name(rep, v));
}

bool waivers_all_seen(const waiver_file *wf, const char *path) {
  bool ok = true;
  for (size_t i = 0; wf && i < wf->n; i++)
    if (!wf->seen[i]) {
      fprintf(stderr,
              "%s:%u:%u: the waiver of rule '%s' names vendor '%s', which "
              "no input has\n",
              path, wf->line[i], wf->col[i], wf->rule[i], wf->vendor[i]);
      ok = false;
    }
  return ok;
}
