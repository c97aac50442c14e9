/*
 * policy.c: from a policy file to a compiled policy (policy.h).
 *
 * Three passes. load() parses the file and, depth first, every module it
 * imports (cycle and not-found errors at the import), collecting lets,
 * fact declarations and rules in source order. build() turns the rule
 * and fact ASTs into the policy's tables, checking clauses, duplicate
 * names and, when facts are declared, every fact path the rules read
 * (schema.c). Last, every rule expression and message template becomes
 * an entry of one program, with lets inlined and fact tracing on.
 */
#include "policy.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "compile.h"
#include "file.h"
#include "format.h"
#include "names.h"
#include "parse.h"
#include "prelude.h"
#include "schema.h"
#include "sha256.h"
#include "suggest.h"

#define MAX_IMPORT_DEPTH 32

/* A statement and the source it came from (policy.h). */
typedef policy_stmt stmt;

typedef struct stmts {
  stmt *v;
  size_t n, cap;
  mem m;
} stmts;

/* Loaded before every policy, as if imported: the region constants (JP,
 * EU_MEMBERS, ...) and the derived facts (data_region,
 * backup_generations: stdlib/derived.pol), so `data_region in [JP]` is a
 * complete policy. Their lets cost nothing unless used (a module of
 * lets only is not even parsed: prelude.h), and the policy's own names
 * shadow them. */
static const char *const prelude[] = {"regions", "derived"};
#define NPRELUDE POL_COUNTOF(prelude)

typedef struct loader {
  const policy_paths *paths;
  diag_set *diags;
  const char *root_file;      /* the policy's own file, never a module */
  arena ast;                  /* every parsed tree, until compiled */
  const char *stack[MAX_IMPORT_DEPTH]; /* modules being loaded: names */
  const char *stack_key[MAX_IMPORT_DEPTH]; /* and module_key()s */
  int depth;
  name_index done;            /* modules loaded already, by module_key():
                                 by file, not by name (a scan
                                 of them for each import cost imports x
                                 modules) */
  stmts lets, facts, rules, headers;
  compile_let *let_table;     /* the lets, for checker and compiler */
  checker *chk;
  stmts imports, overrides;   /* with exclusions; overrides (adapt.c) */
  bool in_prelude;            /* loading the prelude now */
  bool missing;               /* an import was not found */
  bool partial;               /* the policy had syntax errors: only the
                                 statements without any are loaded */
  bool oom;
  policy *pol;                /* the policy being built */
  policy_module **tail;       /* where its next module goes */
  /* The prelude's modules that were split, not parsed (prelude.h): their
   * names, and where their lets go among [lets]: before lets.v[at] as
   * loaded; after materialize(), the first of the [nparsed] parsed. */
  prelude_mod lazy[NPRELUDE];
  const char *lazy_module[NPRELUDE];
  size_t lazy_at[NPRELUDE], lazy_parsed[NPRELUDE], nlazy;
  const char **let_names;     /* every let's name in definition order, the
                                 split ones' too: for "did you mean" */
  size_t nlet_names;
} loader;

/* ==== diagnostics ======================================================== */

void diag_set_free(diag_set *s) {
  mem m = s->m;
  for (size_t i = 0; i < s->n; i++) {
    mem_free(&m, (char *)s->lists[i]->src);
    mem_free(&m, (char *)s->lists[i]->file);
    diag_free(s->lists[i]);
    mem_free(&m, s->lists[i]);
  }
  mem_free(&m, s->lists);
  memset(s, 0, sizeof *s);
  s->m = m;
}

size_t diag_set_count(const diag_set *s) {
  size_t n = 0;
  for (size_t i = 0; i < s->n; i++)
    n += s->lists[i]->n;
  return n;
}

bool diag_set_oom(const diag_set *s) {
  for (size_t i = 0; i < s->n; i++)
    if (s->lists[i]->oom)
      return true;
  return false;
}

diag_list *diag_set_add(diag_set *s, const char *file, const char *src,
                        size_t len) {
  if (!mem_grow(&s->m, (void **)&s->lists, &s->cap, s->n + 1,
                sizeof *s->lists))
    return NULL;
  diag_list *d = mem_calloc(&s->m, 1, sizeof *d);
  char *f = mem_strdup(&s->m, file), *t = mem_strndup(&s->m, src, len);
  if (!d || !f || !t) {
    mem_free(&s->m, d);
    mem_free(&s->m, f);
    mem_free(&s->m, t);
    return NULL;
  }
  diag_init(d, f, t, len, &s->m);
  s->lists[s->n++] = d;
  return d;
}

/* ==== loading ============================================================ */

static bool push(stmts *s, stmt x) {
  if (!mem_grow(&s->m, (void **)&s->v, &s->cap, s->n + 1, sizeof *s->v))
    return false;
  s->v[s->n++] = x;
  return true;
}

/* The directory of the file [from] names ("a/b.pol": "a"; "b.pol":
 * "."), into [buf]; false for a source that is no file ("<policy>",
 * "<stdlib>/m.pol"). */
static bool dir_of(const char *from, char *buf, size_t cap) {
  if (!from || from[0] == '<')
    return false;
  const char *slash = strrchr(from, '/');
  size_t n = slash ? (size_t)(slash - from) : 1;
  if (n + 1 > cap)
    return false;
  memcpy(buf, slash ? from : ".", n);
  buf[slash && n == 0 ? 1 : n] = '\0';
  if (slash && n == 0) /* "/b.pol" */
    buf[0] = '/';
  return true;
}

static span module_span(const diag_list *d, const ast *n);

/* [dir]/[name].pol into [where], without doubling a slash that ends
 * [dir] (`-I lib/`, `-I /`): the name is what reports and stamps show. */
static bool join(char *where, size_t cap, const char *dir, const char *name) {
  size_t n = strlen(dir);
  while (n > 1 && dir[n - 1] == '/')
    n--;
  const char *sep = n && dir[n - 1] == '/' ? "" : "/";
  return (size_t)snprintf(where, cap, "%.*s%s%s.pol", (int)n, dir, sep,
                          name) < cap;
}

/* Whether the module file [where] is there: a regular file (or a link
 * to one). A directory named m.pol, a FIFO, a missing file are not, and
 * the search goes on; *[st] is the file's identity. */
static bool module_file(const char *where, struct stat *st) {
  return stat(where, st) == 0 && S_ISREG(st->st_mode);
}

/* Find module [name], imported by the file [from]: beside that file
 * first, then the dirs in order, then the built-in stdlib. The prelude
 * (L->in_prelude) and the imports of a built-in module, whose "beside"
 * is the stdlib, are found there only: an organisation's own module
 * named like one of them (`derived.pol`, `schema_backup.pol`) in a
 * search directory would otherwise replace it in every policy, or
 * inside the baselines. *[where] names the file, *[st] is its identity;
 * a built-in module sets *[built_in] instead. Nothing is read yet:
 * read_module() does, once per file. */
static bool find_module(loader *L, const char *from, const char *name,
                        char *where, size_t cap, struct stat *st,
                        bool *built_in) {
  char dir[1024];
  bool stdlib_only = L->paths->no_files || L->in_prelude ||
                     (from && !strncmp(from, "<stdlib>/", 9));
  if (stdlib_only) /* no file is read */
    from = NULL;
  size_t ndirs = stdlib_only ? 0 : L->paths->ndirs;
  /* "m.pol" beside a file of the working directory: no "./" in reports */
  if (dir_of(from, dir, sizeof dir) &&
      (strcmp(dir, ".") ? join(where, cap, dir, name)
                        : (size_t)snprintf(where, cap, "%s.pol", name) < cap) &&
      module_file(where, st))
    return true;
  for (size_t i = 0; i < ndirs; i++)
    if (join(where, cap, L->paths->dirs[i], name) && module_file(where, st))
      return true;
  if (!stdlib_find(name))
    return false;
  snprintf(where, cap, "<stdlib>/%s.pol", name);
  *built_in = true;
  return true;
}

/* What identifies the module found at [where]: the file itself (device
 * and inode, so "org/security/base" and "base" from beside it, a
 * symlinked directory or "lib/" and "lib" are one module), or the
 * built-in module's name. NULL when out of memory. */
static const char *module_key(loader *L, const char *where,
                              const struct stat *st, bool built_in) {
  if (built_in)
    return arena_strndup(&L->ast, where, strlen(where));
  return arena_printf(&L->ast, "%llu:%llu", (unsigned long long)st->st_dev,
                      (unsigned long long)st->st_ino);
}

/* The text of module [name] found at [where] into *[text] (the
 * loader's to free unless [built_in]): false, reported at the import
 * [n] of [d], when the file is there but cannot be read, for it is
 * that module that was meant, not one further down the search. */
static bool read_module(loader *L, const ast *n, diag_list *d,
                        const char *name, const char *where, bool built_in,
                        char **text, size_t *len) {
  if (built_in) { /* no copy: diag_set_add makes the one the loader keeps */
    *text = (char *)stdlib_find(name)->text;
    *len = strlen(*text);
    return true;
  }
  int rc = file_read(&L->diags->m, where, text, len);
  if (rc == ENOMEM)
    L->oom = true;
  else if (rc == EFBIG)
    diag_add(d, DC_LIMIT, module_span(d, n), "module '%s': %s is larger "
             "than %u MiB", name, where, POL_MAX_SOURCE >> 20);
  else if (rc)
    diag_add(d, DC_MODULE_NOT_FOUND, module_span(d, n),
             "module '%s': cannot read %s: %s", name, where, strerror(rc));
  L->missing |= rc != 0;
  return rc == 0;
}

/* Record the module read from the file [where] ([len] bytes of [text])
 * with its SHA-256, for the stamp; built-in modules are not recorded. */
static void note_module(loader *L, const char *where, const char *text,
                        size_t len) {
  if (!strncmp(where, "<stdlib>/", 9))
    return;
  policy_module *pm = arena_alloc(&L->pol->a, sizeof *pm);
  const char *file = arena_strndup(&L->pol->a, where, strlen(where));
  if (!pm || !file) {
    L->oom = true;
    return;
  }
  pm->file = file;
  sha256_of(text, len, pm->sha256);
  pm->next = NULL;
  *L->tail = pm;
  L->tail = &pm->next;
}

/* The place of the module name of the import [n] in [d]'s source: its
 * string literal (what a message about the module is about), else the
 * whole statement. */
static span module_span(const diag_list *d, const ast *n) {
  const char *s = d->src;
  uint32_t i = n->sp.off, end = n->sp.off + n->sp.len;
  while (i < end && s[i] != '"' && s[i] != '\'')
    i++;
  if (i >= end)
    return n->sp;
  uint32_t j = i + 1;
  while (j < end && s[j] != s[i] && s[j] != '\n')
    j++;
  if (j >= end || s[j] != s[i])
    return n->sp;
  return diag_span_at(d, i, j + 1 - i);
}

static bool valid_module_name(const char *s) {
  if (!*s || *s == '.' || *s == '/')
    return false;
  for (; *s; s++)
    if (!(*s == '_' || *s == '-' || *s == '/' ||
          (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
          (*s >= '0' && *s <= '9')))
      return false;
  return true;
}

static void collect(loader *L, const ast *root, diag_list *d,
                    const char *module);

/* "import cycle: b -> a -> b", from the stack of modules being loaded
 * and the import of [name] that leads back to the one at [from]. */
static void cycle_error(const loader *L, int from, const ast *n,
                        diag_list *d, const char *name) {
  sbuf b;
  sb_init(&b, &L->diags->m);
  for (int i = from; i < L->depth; i++)
    sb_printf(&b, "%s -> ", L->stack[i]);
  sb_puts(&b, name);
  sb_putc(&b, '\0');
  diag_add(d, DC_IMPORT_CYCLE, module_span(d, n), "import cycle: %s",
           b.oom ? "?" : b.p);
  sb_free(&b);
}

/* Whether [where], a module file found for an import, is the file
 * [root] of the policy being compiled: a policy named like a module
 * (vendor_schema.pol importing "vendor_schema") finds itself beside it
 * first. Compared by identity, so "./p.pol" and "p.pol" are one. */
static bool is_root(const char *where, const char *root) {
  struct stat a, b;
  return root && root[0] != '<' && strcmp(root, "-") != 0 &&
         stat(where, &a) == 0 && stat(root, &b) == 0 &&
         a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* The policy's own file reached again through [name]: one cycle error
 * "import cycle: p -> a -> p", instead of every name of the policy
 * defined a second time. */
static void root_cycle(const loader *L, const ast *n, diag_list *d,
                       const char *name) {
  sbuf b;
  sb_init(&b, &L->diags->m);
  sb_puts(&b, name);
  for (int i = 0; i < L->depth; i++)
    sb_printf(&b, " -> %s", L->stack[i]);
  sb_printf(&b, " -> %s", name);
  sb_putc(&b, '\0');
  diag_add(d, DC_IMPORT_CYCLE, module_span(d, n), "import cycle: %s",
           b.oom ? "?" : b.p);
  sb_free(&b);
  if (L->depth == 0 && stdlib_find(name))
    diag_hint(d, "'%s.pol' is this policy itself, found before the standard "
              "library's module '%s': rename the policy file", name, name);
  else if (L->depth == 0)
    diag_hint(d, "a policy cannot import itself");
}

/* Offer every NAME.pol in the directory [dir] but the file [self] (the
 * importing one, which cannot import itself) to [s]; the names are
 * kept in [a]. */
static void offer_dir(arena *a, const char *dir, const char *self,
                      suggest *s) {
  DIR *d = opendir(dir);
  struct dirent *e;
  while (d && (e = readdir(d))) {
    size_t n = strlen(e->d_name);
    if (n > 4 && strcmp(e->d_name + n - 4, ".pol") == 0 &&
        (!self || strcmp(e->d_name, self) != 0))
      suggest_offer(s, arena_strndup(a, e->d_name, n - 4));
  }
  if (d)
    closedir(d);
}

/* The hint for a module [name] not found: the module most likely
 * meant, among those beside the importing file of [d], in the search
 * directories and in the standard library. */
static void module_hint(loader *L, diag_list *d, const char *name) {
  char dir[1024];
  suggest s;
  suggest_init(&s, name);
  stdlib_offer(&s);
  const char *slash = strrchr(d->file, '/');
  const char *self = slash ? slash + 1 : d->file;
  if (!L->paths->no_files && dir_of(d->file, dir, sizeof dir))
    offer_dir(&L->ast, dir, self, &s); /* no_files: not even a listing */
  for (size_t i = 0; !L->paths->no_files && i < L->paths->ndirs; i++)
    offer_dir(&L->ast, L->paths->dirs[i], NULL, &s);
  if (suggest_best(&s))
    diag_hint(d, "did you mean '%s'?", suggest_best(&s));
}

/* "module 'm' not found (searched: beside a.pol, dir1, dir2, the
 * standard library)": every place find_module looked, and the module
 * most likely meant. */
static void not_found(loader *L, diag_list *d, const ast *n,
                      const char *name) {
  sbuf b;
  char dir[1024];
  if (L->paths->no_files) {
    diag_add(d, DC_MODULE_NOT_FOUND, module_span(d, n), "module '%s' not "
             "found (file "
             "imports are disabled: only the standard library is searched)",
             name);
    module_hint(L, d, name);
    L->missing = true;
    return;
  }
  sb_init(&b, &L->diags->m);
  if (dir_of(d->file, dir, sizeof dir))
    sb_printf(&b, "%s, ", dir);
  for (size_t i = 0; i < L->paths->ndirs; i++)
    sb_printf(&b, "%s, ", L->paths->dirs[i]);
  sb_puts(&b, "the standard library");
  sb_putc(&b, '\0');
  diag_add(d, DC_MODULE_NOT_FOUND, module_span(d, n),
           "module '%s' not found (searched: %s)", name, b.oom ? "?" : b.p);
  sb_free(&b);
  module_hint(L, d, name);
  L->missing = true;
}

/* The value of L->done for a module whose syntax errors were reported:
 * imported again, it is neither parsed nor reported again. */
#define BROKEN_MODULE INT_MAX

/* Note the module [key] as loaded from the last file of L->diags (or
 * as BROKEN_MODULE when [ok] is false): importing it again does
 * nothing. */
static bool done(loader *L, const char *key, bool ok) {
  int v = ok ? (int)L->diags->n - 1 : BROKEN_MODULE;
  if ((!L->done.slots && !names_init(&L->done, 16, &L->diags->m)) ||
      names_put(&L->done, key, v) == -2) {
    L->oom = true;
    return false;
  }
  return true;
}

/* A built-in module of the prelude that holds only lets, [md]: split
 * into them, each parsed later if the policy names it (materialize()).
 * false for any other module, which is parsed now. */
static bool split_lazily(loader *L, diag_list *md, const char *where,
                         const char *name) {
  bool oom = false;
  if (strncmp(where, "<stdlib>/", 9) != 0 || L->nlazy == NPRELUDE)
    return false;
  if (!prelude_split(&L->lazy[L->nlazy], md, &L->diags->m, &oom)) {
    L->oom |= oom;
    return false;
  }
  L->lazy_module[L->nlazy] = name;
  L->lazy_at[L->nlazy++] = L->lets.n;
  return true;
}

/* An import statement: load the module unless already loaded. Which
 * module it is depends on where the import is (beside the importing
 * file first), so modules are told apart by the file found, not by
 * name: two modules "common" in two directories are two modules, and
 * one file reached by two names is one. */
static diag_list *import(loader *L, const ast *n, diag_list *d) {
  const char *name = n->lit.s.p;
  if (memchr(name, 0, n->lit.s.n)) { /* "regions\u0000x" is not regions */
    diag_add(d, DC_BAD_MODULE_NAME, module_span(d, n),
             "invalid module name: it contains a NUL character (\\u0000)");
    return NULL;
  }
  if (!valid_module_name(name)) {
    diag_add(d, DC_BAD_MODULE_NAME, module_span(d, n),
             "invalid module name '%s'", name);
    size_t len = strlen(name);
    if (len > 4 && strcmp(name + len - 4, ".pol") == 0)
      diag_hint(d, "a module is named without '.pol': import \"%.*s\"",
                (int)(len - 4), name);
    else
      diag_hint(d, "a module is found by its name, not a path: put its "
                "directory in -I DIR or POLICY_PATH");
    return NULL;
  }
  char where[4096], *text;
  size_t len;
  struct stat st;
  bool built_in = false;
  if (!find_module(L, d->file, name, where, sizeof where, &st, &built_in)) {
    not_found(L, d, n, name);
    return NULL;
  }
  const char *key = module_key(L, where, &st, built_in);
  if (!key) {
    L->oom = true;
    return NULL;
  }
  for (int i = 0; i < L->depth; i++)
    if (strcmp(L->stack_key[i], key) == 0) {
      cycle_error(L, i, n, d, name);
      return NULL;
    }
  if (!built_in && is_root(where, L->root_file)) {
    root_cycle(L, n, d, name);
    return NULL;
  }
  int seen = names_get(&L->done, key);
  if (seen >= 0) /* imported twice: once is enough */
    return seen == BROKEN_MODULE ? NULL : L->diags->lists[seen];
  if (L->depth == MAX_IMPORT_DEPTH) {
    diag_add(d, DC_LIMIT, module_span(d, n), "imports nested too deeply "
             "(limit is %d)", MAX_IMPORT_DEPTH);
    return NULL;
  }
  if (!read_module(L, n, d, name, where, built_in, &text, &len))
    return NULL;
  diag_list *md = diag_set_add(L->diags, where, text, len);
  note_module(L, where, text, len);
  if (!built_in)
    mem_free(&L->diags->m, text);
  if (!md) {
    L->oom = true;
    return NULL;
  }
  if (L->in_prelude && split_lazily(L, md, where, name)) {
    done(L, key, true);
    return md;
  }
  ast *root = parse_policy(&L->ast, md);
  L->missing |= !root; /* its errors are the ones: not its names' */
  if (!done(L, key, root != NULL) || !root)
    return NULL;
  L->stack_key[L->depth] = key;
  L->stack[L->depth++] = name;
  collect(L, root, md, name);
  L->depth--;
  return md;
}

/* A derived fact (`fact PATH: TYPE = EXPR`) is also a let named PATH,
 * marked derived, which the compiler inlines where the path is read
 * (even a dotted one) after the vendor's own value at PATH, if any
 * (compile.c, use_let): so rules read it like any fact. */
static bool derived_let(loader *L, const ast *fact, stmt s) {
  if (!(fact->flags & AST_F_DERIVED) || fact->nkids < 2)
    return true;
  ast *let = ast_new(&L->ast, AST_LET, fact->sp);
  if (!let || !ast_push(&L->ast, let, fact->kids[1]))
    return false;
  let->name = fact->name;
  let->flags |= AST_F_DERIVED;
  s.n = let;
  return push(&L->lets, s);
}

/* Sort the statements of one file into the loader's lists. */
static void collect(loader *L, const ast *root, diag_list *d,
                    const char *module) {
  uint32_t nrules = 0;
  for (uint32_t i = 0; i < root->nkids; i++) {
    const ast *n = root->kids[i];
    stmt s = {n, d, module, 0, L->in_prelude, NULL, NULL, NULL};
    bool ok = true;
    switch (n->kind) {
    case AST_IMPORT:
      s.module_d = import(L, n, d);
      ok = n->nkids == 0 || push(&L->imports, s);
      break;
    case AST_OVERRIDE: ok = push(&L->overrides, s); break;
    case AST_LET: ok = push(&L->lets, s); break;
    case AST_FACT:
      ok = push(&L->facts, s) && derived_let(L, n, s);
      break;
    case AST_RULE:
      s.index = ++nrules;
      ok = push(&L->rules, s);
      break;
    case AST_HEADER:
      if (module)
        diag_add(d, DC_HEADER, n->sp, "a module cannot have a policy header");
      else
        ok = push(&L->headers, s);
      break;
    default:
      diag_add(d, DC_INTERNAL, n->sp, "unexpected %s",
               ast_kind_name(n->kind));
    }
    L->oom |= !ok;
  }
}

/* Load the prelude's modules as if the policy imported them first. */
static void load_prelude(loader *L, diag_list *d) {
  ast imp;
  L->in_prelude = true;
  for (size_t i = 0; i < POL_COUNTOF(prelude); i++) {
    memset(&imp, 0, sizeof imp);
    imp.kind = AST_IMPORT;
    imp.lit.s.p = prelude[i];
    imp.lit.s.n = strlen(prelude[i]);
    if (stdlib_find(prelude[i]))
      import(L, &imp, d);
  }
  L->in_prelude = false;
}

/* ==== the prelude's split lets =========================================== */

static bool split_source(const loader *L, const diag_list *d) {
  for (size_t k = 0; k < L->nlazy; k++)
    if (L->lazy[k].d == d)
      return true;
  return false;
}

/* Mark the split lets that [s] ([n] bytes) could name. */
static void need_words(loader *L, const char *s, size_t n) {
  for (size_t k = 0; k < L->nlazy; k++)
    prelude_need_words(&L->lazy[k], s, n);
}

/* Every text the compiler reads names from: the sources (the policy
 * and every parsed module; a message template is part of its file,
 * but escapes in the string may spell a name, so the decoded messages
 * too), then the needed lets' own expressions. */
static void need_lets(loader *L) {
  for (size_t i = 0; i < L->diags->n; i++) {
    const diag_list *d = L->diags->lists[i];
    if (!split_source(L, d))
      need_words(L, d->src, d->srclen);
  }
  for (size_t i = 0; i < L->rules.n; i++) {
    const ast *r = L->rules.v[i].n;
    for (uint32_t k = 0; k < r->nkids; k++) {
      const ast *c = r->kids[k];
      if (c->kind == AST_CLAUSE && !strcmp(c->name, "message") &&
          c->nkids && c->kids[0]->kind == AST_STRING_LIT)
        need_words(L, c->kids[0]->lit.s.p, c->kids[0]->lit.s.n);
    }
  }
  prelude_need_closure(L->lazy, L->nlazy);
}

/* The needed lets of split module [k], parsed, onto [out]. */
static void parse_needed(loader *L, size_t k, stmts *out) {
  const prelude_mod *x = &L->lazy[k];
  for (size_t i = 0; i < x->n; i++) {
    if (!x->v[i].needed)
      continue;
    const ast *let = prelude_parse(x, i, &L->ast);
    stmt s = {let, x->d, L->lazy_module[k], 0, true, NULL, NULL, NULL};
    if (let && !push(out, s))
      L->oom = true;
  }
}

/* Every let's name in definition order, as if the split modules had
 * been parsed whole: the candidates of "did you mean" (check.c). */
static void all_let_names(loader *L) {
  size_t n = L->lets.n;
  for (size_t k = 0; k < L->nlazy; k++)
    n += L->lazy[k].n - L->lazy_parsed[k];
  L->let_names = arena_alloc(&L->ast, (n + 1) * sizeof *L->let_names);
  if (!L->let_names) {
    L->oom = true;
    return;
  }
  for (size_t i = 0, k = 0;; i++) {
    for (; k < L->nlazy && L->lazy_at[k] == i; k++) {
      for (size_t j = 0; j < L->lazy[k].n; j++)
        L->let_names[L->nlet_names++] = L->lazy[k].v[j].name;
      i += L->lazy_parsed[k];
    }
    if (i >= L->lets.n)
      break;
    L->let_names[L->nlet_names++] = L->lets.v[i].n->name;
  }
}

/* Once every module is loaded: parse the split lets that some text
 * could name, and put them where the module's lets would have been. */
static void materialize(loader *L) {
  if (!L->nlazy)
    return;
  need_lets(L);
  stmts out = {NULL, 0, 0, L->lets.m};
  size_t j = 0;
  for (size_t k = 0; k < L->nlazy; k++) {
    for (; j < L->lazy_at[k]; j++)
      L->oom |= !push(&out, L->lets.v[j]);
    L->lazy_at[k] = out.n;
    parse_needed(L, k, &out);
    L->lazy_parsed[k] = out.n - L->lazy_at[k];
  }
  for (; j < L->lets.n; j++)
    L->oom |= !push(&out, L->lets.v[j]);
  mem_free(&L->lets.m, L->lets.v);
  L->lets = out;
  if (!L->oom)
    all_let_names(L);
}

/* ==== clauses ============================================================ */

static const ast *clause(const ast *n, const char *name) {
  for (uint32_t i = 0; i < n->nkids; i++) {
    const ast *k = n->kids[i]; /* the first byte tells most names apart */
    if (k->kind == AST_CLAUSE && k->name[0] == name[0] &&
        strcmp(k->name, name) == 0)
      return k->kids[0];
  }
  return NULL;
}

/* Each clause at most once; `ask` once per language (policy_asks). */
void policy_check_clauses(const ast *n, diag_list *d) {
  for (uint32_t i = 0; i < n->nkids; i++) {
    const ast *c = n->kids[i];
    if (c->kind != AST_CLAUSE || strcmp(c->name, "ask") == 0)
      continue;
    for (uint32_t j = 0; j < i; j++)
      if (n->kids[j]->kind == AST_CLAUSE &&
          strcmp(c->name, n->kids[j]->name) == 0) {
        diag_add(d, DC_DUPLICATE_CLAUSE, c->sp,
                 "duplicate '%s' clause (first at line %u)",
                 c->name, n->kids[j]->sp.line);
        break;
      }
  }
}

/* Whether the string literal [v], the value of the clause [name], holds
 * a NUL ("\u0000"), reported: titles, messages and questions are C
 * strings in pol.h and in every report, where a NUL would silently cut
 * them short. */
static bool has_nul(const ast *v, const char *name, diag_list *d) {
  if (!memchr(v->lit.s.p, 0, v->lit.s.n))
    return false;
  diag_add(d, DC_CLAUSE_VALUE, v->sp,
           "'%s' contains a NUL character (\\u0000)", name);
  diag_hint(d, "reports print texts as C strings: remove the \\u0000");
  return true;
}

/* The text of the clause [name], [v], copied into the policy; NULL when
 * it holds a NUL (reported). */
static const char *clause_text(policy *p, const ast *v, const char *name,
                               diag_list *d) {
  if (has_nul(v, name, d))
    return NULL;
  return arena_strndup(&p->a, v->lit.s.p, v->lit.s.n);
}

/* The texts of the `ask` clauses of [n] by language into [out] (NULL
 * where none); a language asked twice is reported. */
void policy_asks(policy *p, const ast *n, const char *out[NLANGS],
                 diag_list *d) {
  uint32_t line[NLANGS] = {0};
  for (int l = 0; l < NLANGS; l++)
    out[l] = NULL;
  for (uint32_t i = 0; i < n->nkids; i++) {
    const ast *c = n->kids[i];
    if (c->kind != AST_CLAUSE || strcmp(c->name, "ask") != 0)
      continue;
    for (uint32_t k = 0; k < c->nkids; k++) {
      const ast *t = c->kids[k];
      int l = t->name ? policy_lang(t->name) : LANG_JA;
      if (l < 0 || t->kind != AST_STRING_LIT)
        continue; /* the parser has reported it */
      if (out[l]) {
        diag_add(d, DC_DUPLICATE_CLAUSE, t->sp,
                 "duplicate 'ask' in language '%s' (first at "
                 "line %u)", l == LANG_JA ? "ja" : "en", line[l]);
        continue;
      }
      out[l] = clause_text(p, t, "ask", d);
      line[l] = t->sp.line;
    }
  }
}

static const char *string_clause(policy *p, const ast *n, const char *name,
                                 diag_list *d) {
  const ast *v = clause(n, name);
  if (!v)
    return NULL;
  if (v->kind != AST_STRING_LIT) {
    diag_add(d, DC_CLAUSE_VALUE, v->sp, "'%s' must be a string literal",
             name);
    return NULL;
  }
  return clause_text(p, v, name, d);
}

static void header(policy *p, const loader *L) {
  if (L->headers.n > 1)
    diag_add(L->headers.v[1].d, DC_HEADER, L->headers.v[1].n->sp,
             "a policy has one header; the first is at line %u",
             L->headers.v[0].n->sp.line);
  if (L->headers.n == 0)
    return;
  const ast *h = L->headers.v[0].n;
  diag_list *d = L->headers.v[0].d;
  policy_check_clauses(h, d);
  p->name = arena_strndup(&p->a, h->name, strlen(h->name));
  p->title = string_clause(p, h, "title", d);
  p->version = string_clause(p, h, "version", d);
  p->description = string_clause(p, h, "description", d);
}

/* The file's base name without ".pol": the policy's default name. */
static const char *base_name(arena *a, const char *file) {
  const char *b = strrchr(file, '/');
  b = b ? b + 1 : file;
  size_t n = strlen(b);
  if (n > 4 && strcmp(b + n - 4, ".pol") == 0)
    n -= 4;
  return arena_strndup(a, b, n);
}

static severity severity_of(const ast *v) {
  if (v && strcmp(v->name, "should") == 0)
    return SEV_SHOULD;
  if (v && strcmp(v->name, "may") == 0)
    return SEV_MAY;
  return SEV_MUST;
}

/* The `refs` list [v] (NULL: none) as strings into *[out], *[n]. */
void policy_refs(policy *p, const ast *v, const char ***out, uint32_t *n,
                 diag_list *d) {
  *out = NULL;
  *n = 0;
  if (!v)
    return;
  if (v->kind != AST_LIST) {
    diag_add(d, DC_CLAUSE_VALUE, v->sp, "'refs' must be a list of strings");
    return;
  }
  const char **r = arena_alloc(&p->a, (v->nkids + 1) * sizeof *r);
  for (uint32_t i = 0; r && i < v->nkids; i++) {
    const ast *s = v->kids[i];
    if (s->kind != AST_STRING_LIT) {
      diag_add(d, DC_CLAUSE_VALUE, s->sp, "'refs' must be a list of strings");
      return;
    }
    r[i] = clause_text(p, s, "refs", d);
    if (!r[i])
      return;
    *out = r;
    *n = i + 1;
  }
}

static const char *rule_id(policy *p, const stmt *s) {
  if (s->n->name)
    return arena_strndup(&p->a, s->n->name, strlen(s->n->name));
  if (s->module)
    return arena_printf(&p->a, "%s.rule_%u", s->module, s->index);
  return arena_printf(&p->a, "rule_%u", s->index);
}

/* Where clause [name] of rule [s] comes from: its override when that
 * has it, else the rule; *[d] gets the source. */
static const ast *holder(const stmt *s, const char *name, diag_list **d) {
  *d = s->over && clause(s->over, name) ? s->over_d : s->d;
  return *d == s->over_d && s->over ? s->over : s->n;
}

/* The presentation of a rule (title, severity, refs, ask), from its
 * override first (policy_adapt.c). */
static void presentation(policy *p, rule *r, const stmt *s) {
  diag_list *d;
  const ast *h = holder(s, "title", &d);
  r->title = string_clause(p, h, "title", d);
  const ast *req = clause(s->n, "require");
  if (!r->title && !s->n->name && req) { /* a bare expression: show it */
    r->title = format_oneline(&p->a, s->d->src + req->sp.off, req->sp.len);
    if (!r->title)
      return; /* out of memory: rules() finds no title */
  }
  if (!r->title)
    r->title = r->id;
  r->sev = severity_of(clause(holder(s, "severity", &d), "severity"));
  h = holder(s, "refs", &d);
  policy_refs(p, clause(h, "refs"), &r->refs, &r->nrefs, d);
  /* `ask` is a clause per language: an override's `ask en` leaves the
   * module's Japanese question as it is */
  const char *asks[NLANGS], *over[NLANGS];
  policy_asks(p, s->n, asks, s->d);
  if (s->over) {
    policy_asks(p, s->over, over, s->over_d);
    for (int l = 0; l < NLANGS; l++)
      asks[l] = over[l] ? over[l] : asks[l];
  }
  r->ask = asks[LANG_JA];
  r->ask_en = asks[LANG_EN];
  if (s->over) {
    policy_check_clauses(s->over, s->over_d);
    r->over_file = arena_strndup(&p->a, s->over_d->file,
                                 strlen(s->over_d->file));
    r->over_line = s->over->sp.line;
    r->over_col = s->over->sp.col;
  }
}

/* The table entry of one rule; expressions are compiled later. */
static void rule_entry(policy *p, rule *r, const stmt *s) {
  const ast *n = s->n;
  policy_check_clauses(n, s->d);
  r->id = rule_id(p, s);
  presentation(p, r, s);
  r->file = arena_strndup(&p->a, s->d->file, strlen(s->d->file));
  r->line = n->sp.line;
  r->col = n->sp.col;
  r->when = -1;
  const ast *when = clause(n, "when");
  if (when)
    r->when_text = arena_strndup(&p->a, s->d->src + when->sp.off,
                                 when->sp.len);
  if (!clause(n, "require"))
    diag_add(s->d, DC_NO_REQUIRE, n->sp, "rule '%s' has no 'require' clause",
             r->id);
}

/* Report a name defined twice; [what] is "rule", "let" or "fact". */
static void duplicate(const char *what, const char *name, const stmt *s,
                      const stmt *first) {
  diag_add(s->d, DC_DUPLICATE, s->n->sp,
           "%s '%s' is already defined at %s:%u:%u", what,
           name, first->d->file, first->n->sp.line, first->n->sp.col);
}

static void rules(policy *p, loader *L) {
  name_index seen;
  p->rules = arena_zalloc(&p->a, (L->rules.n + 1) * sizeof *p->rules);
  if (!p->rules || !names_init(&seen, L->rules.n, &p->a.m)) {
    L->oom = true;
    return;
  }
  for (size_t i = 0; i < L->rules.n; i++) {
    rule *r = &p->rules[p->nrules++];
    rule_entry(p, r, &L->rules.v[i]);
    if (!r->id || !r->title) { /* out of memory: no id to look up, or a
                                  title lost (never the id instead) */
      L->oom = true;
      break;
    }
    int first = names_get(&seen, r->id);
    if (first >= 0)
      duplicate("rule", r->id, &L->rules.v[i], &L->rules.v[first]);
    else
      names_put(&seen, r->id, (int)i);
  }
  names_free(&seen);
}

/* A let defined twice is an error, except that the policy's own names
 * shadow the prelude's (a later let wins when inlined). */
static void lets_unique(loader *L) {
  name_index own; /* the first definition of each non-prelude let */
  if (!names_init(&own, L->lets.n, &L->diags->m)) {
    L->oom = true;
    return;
  }
  for (size_t i = 0; i < L->lets.n; i++) {
    const char *name = L->lets.v[i].n->name;
    int first = names_get(&own, name);
    if (first >= 0)
      duplicate("let", name, &L->lets.v[i], &L->lets.v[first]);
    else if (!L->lets.v[i].prelude)
      names_put(&own, name, (int)i);
  }
  names_free(&own);
}

/* ==== message templates ================================================== */

/* Report the diagnostics of the template expression source [md] at
 * their place in the policy file [d]: inside the message string [v],
 * [base] bytes after its opening quote (exact unless escapes come
 * before). [md] is left empty. */
static void move_diags(diag_list *md, diag_list *d, const ast *v,
                       uint32_t base) {
  for (size_t i = 0; i < md->n; i++) {
    const diag *g = &md->items[i];
    span sp = diag_span_advance(d, v->sp, v->sp.off + 1 + base + g->sp.off);
    sp.len = g->sp.len;
    diag_add(d, g->code, sp, "in message: %s", g->msg);
    if (g->hint)
      diag_hint(d, "%s", g->hint);
  }
  md->n = 0;
}

/* Parse, check and compile the template expression [e] of [n] bytes
 * found in the message string [v] of rule [r]. It gets a source of its
 * own, for the program's runtime messages; its diagnostics are reported
 * at their place in the policy file [d]. */
static void parse_part(policy *p, rule *r, const ast *v, diag_list *d,
                       const char *e, size_t n, compiler *cg, loader *L) {
  char *name = arena_printf(&p->a, "%s (message of rule %s)", d->file,
                            r->id);
  diag_list *md = diag_set_add(L->diags, name ? name : "message", e, n);
  if (!md) {
    L->oom = true;
    return;
  }
  ast *x = parse_expr(&L->ast, md);
  if (x && L->chk)
    chk_expr(L->chk, x, md, NULL);
  if (x) {
    int32_t entry = (int32_t)cg_entry(cg, x, md);
    r->message[r->nmessage++] = (tmpl_part){arena_strndup(&p->a, e, n), entry};
  }
  move_diags(md, d, v, (uint32_t)(e - v->lit.s.p));
}

/* The '}' that closes the placeholder whose '{' is at [s], or NULL.
 * Braces inside it nest, so a map literal works ("{ {'a': 1}.a }"), and
 * braces inside its string literals do not count ("{x == '}'}"). */
static const char *placeholder_end(const char *s, const char *end) {
  int depth = 0;
  char quote = 0;
  for (; s < end; s++) {
    if (quote) {
      if (*s == '\\' && s + 1 < end)
        s++;
      else if (*s == quote)
        quote = 0;
    } else if (*s == '"' || *s == '\'') {
      quote = *s;
    } else if (*s == '{') {
      depth++;
    } else if (*s == '}' && --depth == 0) {
      return s;
    }
  }
  return NULL;
}

/* Split "text {expr} text" into parts; each {expr} is parsed in a source
 * of its own (named after the rule) and compiled as an entry. "{{" and
 * "}}" stand for braces outside a placeholder. */
static void message(policy *p, rule *r, const ast *v, diag_list *d,
                    compiler *cg, loader *L) {
  if (v->kind != AST_STRING_LIT) {
    diag_add(d, DC_CLAUSE_VALUE, v->sp, "'message' must be a string literal");
    return;
  }
  if (has_nul(v, "message", d))
    return;
  const char *s = v->lit.s.p, *end = s + v->lit.s.n;
  r->message = arena_alloc(&p->a, (v->lit.s.n + 1) * sizeof *r->message);
  sbuf lit;
  sb_init(&lit, &p->a.m);
  while (r->message && s < end) {
    if ((s[0] == '{' || s[0] == '}') && s + 1 < end && s[1] == s[0]) {
      sb_putc(&lit, *s);
      s += 2;
      continue;
    }
    if (*s != '{') {
      sb_putc(&lit, *s++);
      continue;
    }
    const char *close = placeholder_end(s, end);
    if (!close) {
      diag_add(d, DC_BAD_TEMPLATE, v->sp, "message: '{' without a closing '}'");
      break;
    }
    if (lit.len)
      r->message[r->nmessage++] =
          (tmpl_part){arena_strndup(&p->a, lit.p, lit.len), -1};
    lit.len = 0;
    parse_part(p, r, v, d, s + 1, (size_t)(close - s - 1), cg, L);
    s = close + 1;
  }
  if (lit.len && r->message)
    r->message[r->nmessage++] =
        (tmpl_part){arena_strndup(&p->a, lit.p, lit.len), -1};
  L->oom |= lit.oom; /* literal text would be missing */
  sb_free(&lit);
}

/* ==== compiling ========================================================== */

static compile_let *let_table(const loader *L) {
  compile_let *t = mem_calloc(&L->diags->m, L->lets.n + 1, sizeof *t);
  for (size_t i = 0; t && i < L->lets.n; i++)
    t[i] = (compile_let){L->lets.v[i].n->name, L->lets.v[i].n->kids[0],
                         L->lets.v[i].d,
                         (L->lets.v[i].n->flags & AST_F_DERIVED) != 0,
                         L->lets.v[i].prelude};
  return t;
}

/* Where the text of [e] (NULL: none) is in its file; the index of the
 * program's copy of that file is filled in once the program exists. */
static expr_src text_of(const ast *e) {
  if (!e)
    return (expr_src){EXPR_NO_SRC, 0, 0, 0, 0};
  return (expr_src){EXPR_NO_SRC, e->sp.off, e->sp.len, e->sp.line,
                    e->sp.col};
}

static void compile_rules(policy *p, loader *L, compiler *cg) {
  for (uint32_t i = 0; i < p->nrules; i++) {
    const stmt *s = &L->rules.v[i];
    rule *r = &p->rules[i];
    const ast *when = clause(s->n, "when"), *req = clause(s->n, "require");
    const ast *msg = clause(s->n, "message");
    r->when_at = text_of(when);
    r->require_at = text_of(req);
    if (when)
      r->when = (int32_t)cg_entry(cg, when, s->d);
    if (req)
      r->require = cg_entry(cg, req, s->d);
    if (msg)
      message(p, r, msg, s->d, cg, L);
  }
}

/* The index of the program source named [file] ([by_name]: the sources'
 * names, the first of a name), or EXPR_NO_SRC. Asked for every rule and
 * let: a scan of the sources each time cost rules x modules. */
static uint32_t source_named(const name_index *by_name, const char *file) {
  int i = names_get(by_name, file);
  return i < 0 ? EXPR_NO_SRC : (uint32_t)i;
}

/* Record let [name] with its text [at] in [p], unless the program does
 * not hold that text. */
static bool record_let(policy *p, const char *name, expr_src at,
                       bool derived) {
  if (at.src == EXPR_NO_SRC)
    return true;
  const char *copy = arena_strndup(&p->a, name, strlen(name));
  if (!copy)
    return false;
  p->lets[p->nlets++] = (let_src){copy, at, derived};
  return true;
}

/* Record every let of the split module [x], parsed or not, from the
 * split's spans (the same as a parse's: prelude.h). */
static bool record_split(policy *p, const name_index *by_name,
                         const prelude_mod *x) {
  uint32_t src = source_named(by_name, x->d->file);
  for (size_t i = 0; src != EXPR_NO_SRC && i < x->n; i++) {
    const prelude_let *l = &x->v[i];
    if (!record_let(p, l->name,
                    (expr_src){src, l->eoff, l->elen, l->line, l->ecol},
                    false)) /* split modules hold plain lets */
      return false;
  }
  return true;
}

/* Point each rule's texts at the program's copy of their source, and
 * record the lets whose source the program holds (the others were never
 * inlined, so no residual needs them). */
static bool record_texts_by(policy *p, const loader *L,
                            const name_index *by_name) {
  for (uint32_t i = 0; i < p->nrules; i++) {
    rule *r = &p->rules[i];
    uint32_t src = source_named(by_name, L->rules.v[i].d->file);
    if (r->when >= 0)
      r->when_at.src = src;
    r->require_at.src = src;
  }
  p->lets = arena_alloc(&p->a, (L->nlet_names + L->lets.n + 1) *
                                   sizeof *p->lets);
  if (!p->lets)
    return false;
  for (size_t i = 0, k = 0;; i++) {
    for (; k < L->nlazy && L->lazy_at[k] == i; k++) {
      if (!record_split(p, by_name, &L->lazy[k]))
        return false;
      i += L->lazy_parsed[k];
    }
    if (i >= L->lets.n)
      break;
    const stmt *s = &L->lets.v[i];
    expr_src at = text_of(s->n->kids[0]);
    at.src = source_named(by_name, s->d->file);
    if (!record_let(p, s->n->name, at,
                    (s->n->flags & AST_F_DERIVED) != 0))
      return false;
  }
  return true;
}

/* record_texts_by, with the index of the program's sources by name. */
static bool record_texts(policy *p, const loader *L) {
  name_index by_name;
  if (!names_init(&by_name, p->prog->nsrcs, &p->a.m))
    return false;
  for (uint32_t i = p->prog->nsrcs; i-- > 0;) /* the first of a name */
    names_put(&by_name, p->prog->srcs[i].name, (int)i);
  bool ok = record_texts_by(p, L, &by_name);
  names_free(&by_name);
  return ok;
}

/* Lets are compiled where rules use them. Those that no rule uses (as
 * far as [rules], the rules' compiler, saw) are compiled here once, on
 * their own and thrown away, so that their mistakes (an unknown
 * function) are reported all the same. Latest first: a let that uses
 * another compiles that one too, and it is not compiled again. The
 * prelude's are known to compile. */
static void compile_unused_lets(loader *L, const compile_opts *o,
                                const compiler *rules) {
  compiler *cg = cg_new(o, &L->diags->m);
  if (cg)
    cg_no_jit(cg); /* the program is thrown away */
  for (size_t i = L->lets.n; cg && i-- > 0;)
    if (!L->lets.v[i].prelude && !cg_let_inlined(rules, i) &&
        !cg_let_inlined(cg, i))
      cg_let_entry(cg, i);
  if (cg)
    program_free(cg_finish(cg));
  else
    L->oom = true;
}

/* Unknown functions and methods are compile errors in a policy
 * (docs/decisions.md): a rule that calls one can never pass. */
static bool compile_program(policy *p, loader *L) {
  compile_opts o = {NULL, 0, L->let_table, L->lets.n, L->paths->hosts, true};
  compiler *cg = cg_new(&o, &p->a.m);
  if (!cg) {
    L->oom = true;
    return false;
  }
  if (L->paths->no_jit)
    cg_no_jit(cg);
  compile_rules(p, L, cg);
  compile_unused_lets(L, &o, cg);
  p->prog = cg_finish(cg);
  return p->prog != NULL && record_texts(p, L);
}

/* ==== entry point ======================================================== */

/* Hand the trees, the statements and the sources over to [p] (after a
 * compile without errors, when keep_source asks), so that the analyses
 * can walk them while [p] lives. The env's diagnostics are left empty,
 * as a compile without errors leaves them. */
static bool keep_source(policy *p, loader *L) {
  const mem m = L->diags->m;
  policy_source *src = mem_calloc(&m, 1, sizeof *src);
  if (!src) /* out of memory: the compile fails, rather than give a
               policy the analyses (explain, lint) would find no source
               of though it was asked for */
    return false;
  src->ast = L->ast;
  arena_init(&L->ast, 0, &m);
  src->diags = *L->diags;
  memset(L->diags, 0, sizeof *L->diags);
  L->diags->m = m;
  src->lets = L->lets.v, src->nlets = L->lets.n;
  src->rules = L->rules.v, src->nrules = L->rules.n;
  src->facts = L->facts.v, src->nfacts = L->facts.n;
  L->lets.v = L->rules.v = L->facts.v = NULL;
  if (names_init(&src->let_ids, src->nlets, &m)) /* the last name wins */
    for (size_t i = 0; i < src->nlets; i++)
      names_put(&src->let_ids, src->lets[i].n->name, (int)i);
  p->src = src;
  return true;
}

static void source_free(policy_source *src) {
  if (!src)
    return;
  const mem m = src->diags.m;
  arena_free(&src->ast);
  diag_set_free(&src->diags);
  names_free(&src->let_ids);
  mem_free(&m, src->lets);
  mem_free(&m, src->rules);
  mem_free(&m, src->facts);
  mem_free(&m, src);
}

/* Exclusions first (an excluded rule cannot be overridden), then
 * overrides: policy_adapt.c. */
static void adapt(loader *L) {
  size_t ngone = 0;
  stmt *gone = mem_calloc(&L->diags->m, L->rules.n + 1, sizeof *gone);
  if (!gone) {
    L->oom = true;
    return;
  }
  for (size_t i = 0; i < L->imports.n; i++)
    policy_exclude(L->rules.v, &L->rules.n, &L->imports.v[i], gone, &ngone);
  mem_free(&L->diags->m, gone);
  for (size_t i = 0; i < L->overrides.n; i++)
    policy_override(L->rules.v, L->rules.n, &L->overrides.v[i],
                    L->missing);
}

static void loader_free(loader *L) {
  const mem *m = &L->diags->m;
  chk_free(L->chk);
  mem_free(m, L->let_table);
  mem_free(m, L->imports.v);
  mem_free(m, L->overrides.v);
  arena_free(&L->ast);
  names_free(&L->done);
  mem_free(m, L->lets.v);
  mem_free(m, L->facts.v);
  mem_free(m, L->rules.v);
  mem_free(m, L->headers.v);
  for (size_t k = 0; k < L->nlazy; k++)
    prelude_free(&L->lazy[k]);
}

/* Check names and types of every let and of each rule's when and
 * require (check.c); message templates are checked as they are
 * compiled. The checker stays, for those. */
static void check_rules(const policy *p, loader *L) {
  L->chk = chk_new(p, L->let_table, L->lets.n, L->paths->hosts, L->missing,
                   &L->diags->m);
  if (!L->chk) {
    L->oom = true;
    return;
  }
  if (L->nlazy)
    chk_let_names(L->chk, L->let_names, L->nlet_names);
  if (L->partial)
    chk_partial(L->chk);
  chk_lets(L->chk);
  for (size_t i = 0; i < L->rules.n; i++) {
    const stmt *s = &L->rules.v[i];
    const ast *when = clause(s->n, "when"), *req = clause(s->n, "require");
    if (when)
      chk_expr(L->chk, when, s->d, "when");
    if (req)
      chk_expr(L->chk, req, s->d, "require");
  }
}

/* Whether a fact of [path] is declared outside the prelude too. */
static bool declared_too(const loader *L, const char *path) {
  for (size_t i = 0; i < L->facts.n; i++)
    if (!L->facts.v[i].prelude && !strcmp(L->facts.v[i].n->name, path))
      return true;
  return false;
}

/* The derived fact (policy.h) that [n] names, a name or a dotted path,
 * or NULL. */
static const fact_decl *derived_at(const policy *p, const ast *n) {
  char buf[256];
  size_t len = 0;
  const ast *m = n;
  for (; m->kind == AST_SELECT && !(m->flags & AST_F_OPTIONAL); m = m->kids[0])
    len += strlen(m->name) + 1;
  if (m->kind != AST_IDENT || (len += strlen(m->name)) >= sizeof buf)
    return NULL;
  buf[len] = '\0';
  for (m = n; m->kind == AST_SELECT; m = m->kids[0]) {
    size_t k = strlen(m->name);
    len -= k;
    memcpy(buf + len, m->name, k);
    buf[--len] = '.';
  }
  memcpy(buf, m->name, strlen(m->name));
  const fact_decl *f = policy_fact(p, buf);
  return f && f->derived ? f : NULL;
}

/* The first derived fact with a question that [n] reads, or NULL. The
 * recursion follows the tree, whose depth the parser bounds. */
static const fact_decl *derived_read(const policy *p, const ast *n) {
  const fact_decl *f = n->kind == AST_IDENT || n->kind == AST_SELECT
                           ? derived_at(p, n) : NULL;
  if (f && (f->ask[LANG_JA] || f->ask[LANG_EN]))
    return f;
  for (uint32_t i = 0; i < n->nkids; i++)
    if ((f = derived_read(p, n->kids[i])))
      return f;
  return NULL;
}

/* A rule without `ask` that reads a derived fact (data_region) asks the
 * vendor that fact's question: the facts it is computed from may be
 * declared nowhere in the policy. Marked as borrowed: it is asked only
 * for the facts a derived fact of the rule reads, not for the rule's
 * other facts (`data_region == "JP" || x` waiting for x). */
static void derived_asks(policy *p, const loader *L) {
  for (uint32_t i = 0; p->nquiet && i < p->nrules; i++) {
    rule *r = &p->rules[i];
    const ast *e[2] = {clause(L->rules.v[i].n, "when"),
                       clause(L->rules.v[i].n, "require")};
    const fact_decl *f = NULL;
    for (int k = 0; k < 2 && !f && !r->ask && !r->ask_en; k++)
      f = e[k] ? derived_read(p, e[k]) : NULL;
    if (f) {
      r->ask = f->ask[LANG_JA];
      r->ask_en = f->ask[LANG_EN];
      r->ask_derived = true;
    }
  }
}

static bool build(policy *p, loader *L, const char *file) {
  p->file = arena_strndup(&p->a, file, strlen(file));
  header(p, L);
  if (!p->name)
    p->name = base_name(&p->a, file);
  rules(p, L);
  if (L->oom)
    return false; /* the rules' table is not whole */
  lets_unique(L);
  name_index seen;
  schema_begin(p, L->facts.n);
  if (!names_init(&seen, L->facts.n, &p->a.m))
    L->oom = true;
  for (size_t i = 0; i < L->facts.n && !L->oom; i++) {
    if (L->facts.v[i].prelude && declared_too(L, L->facts.v[i].n->name))
      continue; /* the policy's own declaration wins, as lets do */
    uint32_t before = p->nfacts;
    schema_add(p, &seen, L->facts.v[i].n, L->facts.v[i].d);
    if (p->nfacts == before)
      continue; /* a duplicate, reported */
    fact_decl *f = &p->facts[before];
    f->prelude = L->facts.v[i].prelude;
    p->nquiet += f->prelude || f->derived;
  }
  names_free(&seen);
  schema_finish(p);
  derived_asks(p, L);
  L->let_table = let_table(L);
  if (L->let_table)
    check_rules(p, L);
  else
    L->oom = true;
  /* lets nested too deeply are not compiled: the checker said so, and
   * the compiler would say it again */
  return !L->oom && !(L->chk && chk_lets_too_deep(L->chk));
}

policy *policy_compile(const char *src, size_t len, const char *file,
                       const policy_paths *paths, diag_set *diags) {
  const mem *m = &diags->m;
  policy *p = mem_calloc(m, 1, sizeof *p);
  loader L;
  memset(&L, 0, sizeof L);
  L.paths = paths;
  L.diags = diags;
  L.root_file = file;
  L.lets.m = L.facts.m = L.rules.m = L.headers.m = *m;
  L.imports.m = L.overrides.m = *m;
  arena_init(&L.ast, 0, m);
  diag_list *d = p ? diag_set_add(diags, file, src, len) : NULL;
  if (!d) {
    mem_free(m, p);
    loader_free(&L);
    return NULL;
  }
  arena_init(&p->a, 0, m);
  p->hosts = paths->hosts;
  L.pol = p;
  L.tail = &p->modules;
  /* After a syntax error the statements that are right are still
   * loaded and checked, so a misspelt fact further down is reported in
   * the same run; what the bad statements would have defined is not
   * known, so names nothing explains pass (as after a missing import),
   * and the adaptations of modules wait for a file that parses. */
  bool failed;
  ast *root = parse_policy_partial(&L.ast, d, &failed);
  L.missing |= failed;
  L.partial = failed;
  if (root)
    load_prelude(&L, d);
  if (root)
    collect(&L, root, d, NULL);
  if (root && !failed)
    adapt(&L);
  if (root)
    materialize(&L);
  /* compiled even after errors, for the compiler's own diagnostics */
  bool ok = root && build(p, &L, file) && compile_program(p, &L) &&
            !failed; /* even when memory ran out for its diagnostics */
  /* an arena that failed once goes on with a new chunk: a string of the
   * policy may be missing */
  L.oom |= p->a.failed;
  ok = ok && !L.oom;
  d->oom |= L.oom; /* the diagnostics may be its consequences */
  if (ok && !diag_set_count(diags) && paths->keep_source &&
      !keep_source(p, &L)) {
    ok = false;
    d->oom = true;
  }
  loader_free(&L);
  for (size_t i = 0; i < diags->n; i++)
    diag_sort(diags->lists[i]);
  if (!ok || diag_set_count(diags)) {
    policy_free(p);
    return NULL;
  }
  policy_index(p);
  return p;
}

void policy_index(policy *p) {
  if (names_init(&p->rule_ids, p->nrules, &p->a.m))
    for (uint32_t i = p->nrules; i-- > 0;) /* the first of an id wins */
      names_put(&p->rule_ids, p->rules[i].id, (int)i);
  if (names_init(&p->let_ids, p->nlets, &p->a.m))
    for (uint32_t i = 0; i < p->nlets; i++) /* the last of a name wins */
      names_put(&p->let_ids, p->lets[i].name, (int)i);
}

int64_t policy_rule_find(const policy *p, const char *id) {
  if (p->rule_ids.slots) /* hosts and `policyc diff` ask once per rule */
    return names_get(&p->rule_ids, id);
  for (uint32_t i = 0; i < p->nrules; i++)
    if (strcmp(p->rules[i].id, id) == 0)
      return i;
  return -1;
}

int64_t policy_let_find(const policy *p, const char *name) {
  if (p->let_ids.slots)
    return names_get(&p->let_ids, name);
  for (uint32_t i = p->nlets; i-- > 0;)
    if (strcmp(p->lets[i].name, name) == 0)
      return i;
  return -1;
}

const policy_stmt *policy_source_let(const policy_source *src,
                                     const char *name) {
  if (src->let_ids.slots) {
    int i = names_get(&src->let_ids, name);
    return i < 0 ? NULL : &src->lets[i];
  }
  for (size_t i = src->nlets; i-- > 0;)
    if (!strcmp(src->lets[i].n->name, name))
      return &src->lets[i];
  return NULL;
}

void policy_free(policy *p) {
  if (!p)
    return;
  mem m = p->a.m;
  names_free(&p->rule_ids);
  names_free(&p->let_ids);
  program_free(p->prog);
  source_free(p->src);
  arena_free(&p->a);
  mem_free(&m, p);
}
