/*
 * host.c: the registry of host functions (host.h) and calls into them.
 *
 * A C function is registered with a signature string, parsed once into
 * type codes and an ffi_cif (ffi_prep_cif at registration); a call
 * converts the CEL arguments into C values, makes one ffi_call and turns
 * the C result back into a value. Nothing here is written after
 * registration, and ffi_call only reads the cif, so any number of
 * threads may call the same function at once.
 *
 * Every function is its own heap host_fn whose first member is the
 * builtin entry that compiled programs point to: the entry never moves
 * while the registry lives, whatever is registered after it.
 *
 * Plugins (host_load_plugin) are shared objects exporting a table of
 * pol_plugin_fn and the plugin ABI they were built for; the registry
 * keeps their handles open until host_free, because the programs
 * compiled against it call into their code.
 */
#include "host.h"

#include <dlfcn.h>
#include <ffi.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* struct pol_builder, which escape-hatch functions receive. */
#include "handles.h"
#include "suggest.h"

/* C arguments per signature (a strlen counts once). */
#define HOST_MAX_ARGS 16
/* Longest function name: compile.c builds dotted names in 256 bytes. */
#define HOST_MAX_NAME 200
/* A plugin table without its NULL entry in this many is malformed. */
#define HOST_MAX_PLUGIN_FNS 10000

typedef enum {
  HT_INT64, HT_UINT64, HT_DOUBLE, HT_BOOL, HT_STRING, HT_STRLEN, HT_COUNT
} host_type;

/* The signature spelling of each type, and what a value must be. */
static const char *const type_names[HT_COUNT] = {
    "int64", "uint64", "double", "bool", "string", "strlen"};
static const char *const type_wants[HT_COUNT] = {
    "int64", "uint64", "double", "bool", "string", "string or bytes"};

/* A parsed signature. */
typedef struct host_sig {
  uint8_t ret, nargs;
  uint8_t args[HOST_MAX_ARGS];
} host_sig;

struct host_fn {
  builtin b;            /* first: programs point here (host.h) */
  char *name;           /* b.name */
  char *sig;            /* canonical text; NULL for an escape hatch */
  host_sig s;
  ffi_cif cif;          /* prepared once, read by every call */
  ffi_type *ffi_args[2 * HOST_MAX_ARGS]; /* a strlen takes two */
  void (*fn)(void);     /* the C function */
  pol_value_fn vfn;     /* or the escape hatch, with its pointer */
  void *user;
};

struct host_registry {
  host_fn **fns;        /* in registration order */
  size_t n, cap;
  void **libs;          /* dlopen handles of loaded plugins */
  size_t nlibs, cap_libs;
  mem m;                /* the env's allocator */
};

_Static_assert(sizeof(bool) == 1, "bool is passed to libffi as uint8");

/* Format a message into [msg] (which may be NULL); returns [rc]. */
POL_PRINTF(4, 5)
static int say(int rc, char *msg, size_t msglen, const char *fmt, ...) {
  if (!msg || !msglen)
    return rc;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, msglen, fmt, ap);
  va_end(ap);
  return rc;
}

/* ==== the registry ======================================================= */

host_registry *host_new(const mem *m) {
  host_registry *r = mem_calloc(m, 1, sizeof *r);
  if (r && m)
    r->m = *m;
  return r;
}

static void fn_free(const host_registry *r, host_fn *h) {
  if (!h)
    return;
  mem_free(&r->m, h->name);
  mem_free(&r->m, h->sig);
  mem_free(&r->m, h);
}

void host_free(host_registry *r) {
  if (!r)
    return;
  for (size_t i = 0; i < r->n; i++)
    fn_free(r, r->fns[i]);
  for (size_t i = 0; i < r->nlibs; i++)
    dlclose(r->libs[i]);
  mem m = r->m;
  mem_free(&m, r->fns);
  mem_free(&m, r->libs);
  mem_free(&m, r);
}

static host_fn *find(const host_registry *r, const char *name) {
  for (size_t i = 0; r && i < r->n; i++)
    if (strcmp(r->fns[i]->name, name) == 0)
      return r->fns[i];
  return NULL;
}

const builtin *host_find(const host_registry *r, const char *name) {
  host_fn *h = name ? find(r, name) : NULL;
  return h ? &h->b : NULL;
}

void host_offer(const host_registry *r, suggest *s) {
  for (size_t i = 0; r && i < r->n; i++)
    suggest_offer(s, r->fns[i]->b.name);
}

bool host_namespace(const host_registry *r, const char *ns) {
  size_t n = strlen(ns);
  for (size_t i = 0; r && i < r->n; i++) {
    const char *name = r->fns[i]->b.name;
    if (strncmp(name, ns, n) == 0 && name[n] == '.')
      return true;
  }
  return false;
}

const char *host_signature(const builtin *b) {
  return ((const host_fn *)b)->sig;
}

bool host_accepts(const builtin *b, int i, int kind) {
  const host_fn *h = (const host_fn *)b;
  if (!h->sig)
    return true; /* an escape hatch takes any value */
  if (i < 0 || i >= h->s.nargs)
    return false;
  switch ((host_type)h->s.args[i]) {
  case HT_INT64:
  case HT_UINT64: return kind == V_INT || kind == V_UINT;
  case HT_DOUBLE: return kind == V_DOUBLE || kind == V_INT || kind == V_UINT;
  case HT_BOOL: return kind == V_BOOL;
  case HT_STRING: return kind == V_STRING;
  default: return kind == V_STRING || kind == V_BYTES;
  }
}

/* ==== names ============================================================== */

/* CEL's reserved words: never callable, so never a function name. */
static bool reserved(const char *s, size_t n) {
  static const char *const words[] = {
      "true", "false", "null", "in", "as", "break", "const", "continue",
      "else", "for", "function", "if", "import", "let", "loop", "package",
      "namespace", "return", "var", "void", "while"};
  for (size_t i = 0; i < POL_COUNTOF(words); i++)
    if (strlen(words[i]) == n && memcmp(words[i], s, n) == 0)
      return true;
  return false;
}

static bool ident_start(char ch) {
  return ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static bool ident_char(char ch) {
  return ident_start(ch) || (ch >= '0' && ch <= '9');
}

/* Whether [name] is identifiers joined by single dots, none reserved. */
static bool valid_name(const char *name) {
  const char *p = name;
  for (;;) {
    const char *s = p;
    if (!ident_start(*p))
      return false;
    while (ident_char(*p))
      p++;
    if (reserved(s, (size_t)(p - s)))
      return false;
    if (*p == '\0')
      return true;
    if (*p++ != '.')
      return false;
  }
}

/* Whether the dotted [name] ends in a macro the compiler expands as a
 * method (compile.c, macros[] and macro()): items.all(i, i > 0) on a
 * fact `items` would call a host function `items.all` instead, with the
 * macro's variable `i` as an unknown fact. A global all(x) is no macro. */
static bool macro_method(const char *name) {
  static const char *const words[] = {
      "all", "exists", "exists_one", "existsOne", "map", "filter",
      "transformList", "transformMap", "optMap", "optFlatMap"};
  const char *last = strrchr(name, '.');
  for (size_t i = 0; last && i < POL_COUNTOF(words); i++)
    if (strcmp(last + 1, words[i]) == 0)
      return true;
  return false;
}

/* POL_OK if [name] may be registered in [r]; else a message in [msg].
 * Builtins and the macros the compiler expands first (has, cel.*) keep
 * their names. now() is no builtin (the compiler loads the evaluation
 * date), and a host function `now` replaces it on purpose: policyc test
 * mocks the date so (cli/test_mock.c). */
static int check_name(const host_registry *r, const char *name, char *msg,
                      size_t msglen) {
  bool found = false;
  if (!name || !*name)
    return say(POL_EINVAL, msg, msglen, "missing function name");
  if (strlen(name) > HOST_MAX_NAME)
    return say(POL_EINVAL, msg, msglen,
               "function name '%.40s...' is too long (limit is %d bytes)",
               name, HOST_MAX_NAME);
  if (!valid_name(name))
    return say(POL_EINVAL, msg, msglen,
               "invalid function name '%s': use identifiers joined by "
               "dots, such as 'acme.score', and no reserved word", name);
  bi_lookup(name, BI_GLOBAL | BI_RECEIVER, 0, &found);
  if (found || strcmp(name, "has") == 0 || strncmp(name, "cel.", 4) == 0)
    return say(POL_EINVAL, msg, msglen, "'%s' is a built-in function",
               name);
  if (macro_method(name))
    return say(POL_EINVAL, msg, msglen, "'%s' would hide the macro '%s' "
               "of a fact of that name", name, strrchr(name, '.') + 1);
  if (find(r, name))
    return say(POL_EINVAL, msg, msglen, "'%s' is already registered", name);
  return POL_OK;
}

/* ==== signatures ========================================================= */

static const char *skip_space(const char *p) {
  while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
    p++;
  return p;
}

/* The type named at *[p] (after spaces), moving *p past it; -1 with a
 * message in [msg] if there is none or it is unknown. [where] says what
 * precedes a missing type ("after ','"). */
static int parse_type(const char **p, const char *text, const char *where,
                      char *msg, size_t msglen) {
  const char *s = skip_space(*p), *e = s;
  while (ident_char(*e))
    e++;
  *p = e;
  if (e == s)
    return say(-1, msg, msglen, "missing type %s in signature '%s'", where,
               text);
  for (int t = 0; t < HT_COUNT; t++)
    if (strlen(type_names[t]) == (size_t)(e - s) &&
        memcmp(type_names[t], s, (size_t)(e - s)) == 0)
      return t;
  return say(-1, msg, msglen, "unknown type '%.*s' in signature '%s'",
             (int)(e - s), s, text);
}

/* The argument list after '(' up to and including ')'. */
static int parse_args(const char **p, const char *text, host_sig *s,
                      char *msg, size_t msglen) {
  if (*(*p = skip_space(*p)) == ')') {
    (*p)++;
    return POL_OK;
  }
  for (;;) {
    const char *where = s->nargs ? "after ','" : "after '('";
    int t = parse_type(p, text, where, msg, msglen);
    if (t < 0)
      return POL_EINVAL;
    if (s->nargs == HOST_MAX_ARGS)
      return say(POL_EINVAL, msg, msglen,
                 "more than %d arguments in signature '%s'", HOST_MAX_ARGS,
                 text);
    s->args[s->nargs++] = (uint8_t)t;
    *p = skip_space(*p);
    if (**p == ')') {
      (*p)++;
      return POL_OK;
    }
    if (*(*p)++ != ',')
      return say(POL_EINVAL, msg, msglen,
                 "expected ',' or ')' after '%s' in signature '%s'",
                 type_names[t], text);
  }
}

/* Parse [text] ("RET(ARG, ...)", pol.h) into [s]. */
static int parse_sig(const char *text, host_sig *s, char *msg,
                     size_t msglen) {
  memset(s, 0, sizeof *s);
  if (!text)
    return say(POL_EINVAL, msg, msglen, "missing signature");
  const char *p = text;
  int ret = parse_type(&p, text, "before '('", msg, msglen);
  if (ret < 0)
    return POL_EINVAL;
  if (ret == HT_STRLEN)
    return say(POL_EINVAL, msg, msglen,
               "'strlen' cannot be a return type in signature '%s'", text);
  s->ret = (uint8_t)ret;
  p = skip_space(p);
  if (*p++ != '(')
    return say(POL_EINVAL, msg, msglen,
               "expected '(' after '%s' in signature '%s'", type_names[ret],
               text);
  int rc = parse_args(&p, text, s, msg, msglen);
  if (rc == POL_OK && *skip_space(p) != '\0')
    return say(POL_EINVAL, msg, msglen,
               "unexpected text after ')' in signature '%s'", text);
  return rc;
}

/* The canonical text of [s]: "int64(string, double)". */
static char *sig_text(const mem *m, const host_sig *s) {
  char buf[HOST_MAX_ARGS * 10 + 16];
  size_t n = (size_t)snprintf(buf, sizeof buf, "%s(", type_names[s->ret]);
  for (int i = 0; i < s->nargs; i++)
    n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? ", " : "",
                          type_names[s->args[i]]);
  snprintf(buf + n, sizeof buf - n, ")");
  return mem_strdup(m, buf);
}

static ffi_type *ffi_of(int t) {
  switch ((host_type)t) {
  case HT_INT64: return &ffi_type_sint64;
  case HT_UINT64: return &ffi_type_uint64;
  case HT_DOUBLE: return &ffi_type_double;
  case HT_BOOL: return &ffi_type_uint8;
  default: return &ffi_type_pointer;
  }
}

/* The libffi call interface of [h]: a strlen is a pointer and a size_t. */
static bool prep_cif(host_fn *h) {
  unsigned k = 0;
  for (int i = 0; i < h->s.nargs; i++) {
    h->ffi_args[k++] = ffi_of(h->s.args[i]);
    if (h->s.args[i] == HT_STRLEN)
      h->ffi_args[k++] =
          sizeof(size_t) == 8 ? &ffi_type_uint64 : &ffi_type_uint32;
  }
  return ffi_prep_cif(&h->cif, FFI_DEFAULT_ABI, k, ffi_of(h->s.ret),
                      h->ffi_args) == FFI_OK;
}

/* ==== registering ======================================================== */

/* A new entry named [name] (copied), to be filled in; NULL on OOM. */
static host_fn *fn_new(const host_registry *r, const char *name) {
  host_fn *h = mem_calloc(&r->m, 1, sizeof *h);
  if (!h || !(h->name = mem_strdup(&r->m, name))) {
    mem_free(&r->m, h);
    return NULL;
  }
  h->b.name = h->name;
  h->b.style = BI_GLOBAL;
  return h;
}

static int append(host_registry *r, host_fn *h, char *msg, size_t msglen) {
  if (!mem_grow(&r->m, (void **)&r->fns, &r->cap, r->n + 1,
                sizeof *r->fns)) {
    fn_free(r, h);
    return say(POL_ENOMEM, msg, msglen, "out of memory");
  }
  r->fns[r->n++] = h;
  return POL_OK;
}

int host_add_c(host_registry *r, const char *name, const char *signature,
               void (*fn)(void), char *msg, size_t msglen) {
  host_sig s;
  int rc = check_name(r, name, msg, msglen);
  if (rc == POL_OK)
    rc = parse_sig(signature, &s, msg, msglen);
  if (rc == POL_OK && !fn)
    rc = say(POL_EINVAL, msg, msglen, "the function pointer of '%s' is "
             "NULL", name);
  if (rc != POL_OK)
    return rc;
  host_fn *h = fn_new(r, name);
  if (!h || !(h->sig = sig_text(&r->m, &s))) {
    fn_free(r, h);
    return say(POL_ENOMEM, msg, msglen, "out of memory");
  }
  h->s = s;
  h->fn = fn;
  h->b.min = h->b.max = (int8_t)s.nargs;
  h->b.doc = h->sig;
  if (!prep_cif(h)) {
    fn_free(r, h);
    return say(POL_EINVAL, msg, msglen,
               "libffi cannot call '%s' with signature '%s'", name,
               signature);
  }
  return append(r, h, msg, msglen);
}

/* The argument counts and function of an escape hatch named [name]. */
static int check_value_fn(const char *name, int min, int max,
                          pol_value_fn fn, char *msg, size_t msglen) {
  if (min < 0 || min > 127 || max < -1 || max > 127 ||
      (max >= 0 && max < min))
    return say(POL_EINVAL, msg, msglen,
               "bad argument counts for '%s': min_args %d, max_args %d "
               "(0 <= min <= max <= 127, or max -1 for any number)",
               name, min, max);
  if (!fn)
    return say(POL_EINVAL, msg, msglen, "the function pointer of '%s' is "
               "NULL", name);
  return POL_OK;
}

/* Make [h] the escape hatch [fn]; [h]'s signature, if any, is dropped. */
static void set_value_fn(const host_registry *r, host_fn *h, int min,
                         int max, pol_value_fn fn, void *user) {
  mem_free(&r->m, h->sig);
  h->sig = NULL;
  h->fn = NULL;
  h->vfn = fn;
  h->user = user;
  h->b.min = (int8_t)min;
  h->b.max = (int8_t)max;
  h->b.doc = "host function on engine values";
}

int host_add_value(host_registry *r, const char *name, int min, int max,
                   pol_value_fn fn, void *user, char *msg, size_t msglen) {
  int rc = check_name(r, name, msg, msglen);
  if (rc == POL_OK)
    rc = check_value_fn(name, min, max, fn, msg, msglen);
  if (rc != POL_OK)
    return rc;
  host_fn *h = fn_new(r, name);
  if (!h)
    return say(POL_ENOMEM, msg, msglen, "out of memory");
  set_value_fn(r, h, min, max, fn, user);
  return append(r, h, msg, msglen);
}

/* In place: the entry keeps its address, so the registry's order and
 * what host_find returns stay as they were; only what a call runs
 * changes. Nothing compiled yet can hold the old signature (host.h:
 * the registry does not change once compiling has started). */
int host_replace_value(host_registry *r, const char *name, int min, int max,
                       pol_value_fn fn, void *user, char *msg,
                       size_t msglen) {
  host_fn *h = name ? find(r, name) : NULL;
  if (!h)
    return say(POL_EINVAL, msg, msglen, "'%s' is not a registered host "
               "function: nothing to replace", name ? name : "(null)");
  int rc = check_value_fn(name, min, max, fn, msg, msglen);
  if (rc == POL_OK)
    set_value_fn(r, h, min, max, fn, user);
  return rc;
}

/* ==== plugins ============================================================ */

/* Register every entry of [table], or none: on a bad entry, the ones
 * added before it are removed again. */
static int add_table(host_registry *r, const pol_plugin_fn *table,
                     const char *path, char *msg, size_t msglen) {
  size_t first = r->n, i;
  int rc = POL_OK;
  char why[512];
  for (i = 0; i < HOST_MAX_PLUGIN_FNS && table[i].name; i++)
    if ((rc = host_add_c(r, table[i].name, table[i].signature, table[i].fn,
                         why, sizeof why)) != POL_OK)
      break;
  if (rc != POL_OK)
    say(rc, msg, msglen, "plugin '%s': %s[%zu] ('%s'): %s", path,
        POL_PLUGIN_SYMBOL, i, table[i].name, why);
  else if (i == HOST_MAX_PLUGIN_FNS)
    rc = say(POL_EINVAL, msg, msglen, "plugin '%s': %s has no NULL entry "
             "in its first %d", path, POL_PLUGIN_SYMBOL, HOST_MAX_PLUGIN_FNS);
  if (rc != POL_OK)
    while (r->n > first)
      fn_free(r, r->fns[--r->n]);
  return rc;
}

/* The plugin ABI of a plugin that states none: it was built before
 * plugins stated theirs, against the contract of that time, which is
 * plugin ABI 1. So it loads while POL_PLUGIN_ABI is 1, and is refused
 * once the ABI moves on. */
#define UNSTATED_PLUGIN_ABI 1

/* Whether the plugin [lib] was built for this library's plugin ABI. A
 * table read with another layout than it was written with would call
 * wrong addresses with wrong arguments, and nothing in the table itself
 * says so: the plugin states its ABI beside it (pol.h). */
static int check_abi(void *lib, const char *path, char *msg, size_t msglen) {
  const int *abi = dlsym(lib, POL_PLUGIN_ABI_SYMBOL);
  int stated = abi ? *abi : UNSTATED_PLUGIN_ABI;
  if (stated == POL_PLUGIN_ABI)
    return POL_OK;
  if (!abi)
    return say(POL_EFORMAT, msg, msglen, "plugin '%s' states no plugin ABI "
               "(it does not export '%s': built for plugin ABI %d, before "
               "plugins stated theirs); this library takes plugin ABI %d: "
               "rebuild it against this pol.h, with POL_PLUGIN_EXPORT_ABI",
               path, POL_PLUGIN_ABI_SYMBOL, UNSTATED_PLUGIN_ABI,
               POL_PLUGIN_ABI);
  return say(POL_EFORMAT, msg, msglen, "plugin '%s' was built for plugin "
             "ABI %d; this library takes plugin ABI %d: rebuild it "
             "against this library's pol.h", path, stated, POL_PLUGIN_ABI);
}

int host_load_plugin(host_registry *r, const char *path, char *msg,
                     size_t msglen) {
  char local[4096];
  if (!path || !*path)
    return say(POL_EINVAL, msg, msglen, "missing plugin path");
  /* dlopen searches the library path for a bare name; a plugin is the
   * file named, so "x.so" means ./x.so. */
  const char *dir = strchr(path, '/') ? "" : "./";
  int len = snprintf(local, sizeof local, "%s%s", dir, path);
  /* a cut path names another file (its prefix): load none */
  if (len < 0 || (size_t)len >= sizeof local)
    return say(POL_EIO, msg, msglen, "cannot load plugin: %.60s...: file "
               "name too long (%zu bytes; the limit is %zu)", path,
               strlen(path), sizeof local - 1 - strlen(dir));
  /* dlopen opens a FIFO and waits for a writer for ever, and reads a
   * device: only a regular file can be a shared object */
  struct stat st;
  if (stat(local, &st) == 0 && !S_ISREG(st.st_mode))
    return say(POL_EIO, msg, msglen, "cannot load plugin: %s: not a regular "
               "file", local);
  void *lib = dlopen(local, RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char *why = dlerror();
    return say(POL_EIO, msg, msglen, "cannot load plugin: %s",
               why ? why : local);
  }
  const pol_plugin_fn *table = dlsym(lib, POL_PLUGIN_SYMBOL);
  int rc = table ? POL_OK
                 : say(POL_EFORMAT, msg, msglen, "plugin '%s' does not "
                       "export '%s'", path, POL_PLUGIN_SYMBOL);
  /* after the table: a shared object that is no plugin at all is told
   * so, not that its ABI is missing */
  if (rc == POL_OK)
    rc = check_abi(lib, path, msg, msglen);
  if (rc == POL_OK && !mem_grow(&r->m, (void **)&r->libs, &r->cap_libs,
                                r->nlibs + 1, sizeof *r->libs))
    rc = say(POL_ENOMEM, msg, msglen, "out of memory");
  if (rc == POL_OK)
    rc = add_table(r, table, path, msg, msglen);
  if (rc != POL_OK) {
    dlclose(lib);
    return rc;
  }
  r->libs[r->nlibs++] = lib;
  return POL_OK;
}

/* ==== calling ============================================================ */

/* One C argument: its storage, which libffi reads through a pointer. */
typedef union c_arg {
  int64_t i;
  uint64_t u;
  double d;
  bool b;
  const char *s;
  size_t z;
} c_arg;

static val want(arena *a, const host_fn *h, int i, val v) {
  return val_err(a, ERR_OVERLOAD,
                 "host function '%s': argument %d must be %s, got %s",
                 h->name, i + 1, type_wants[h->s.args[i]],
                 val_kind_name(v.kind));
}

static val out_of_range(arena *a, const host_fn *h, int i) {
  return val_err(a, ERR_OVERFLOW,
                 "host function '%s': argument %d is out of range for %s",
                 h->name, i + 1, type_names[h->s.args[i]]);
}

/* Convert argument [i], [v], into c[0] (and c[1] for a strlen's
 * length); pointers to them go to av[]. Returns null, or an error. */
static val convert(arena *a, const host_fn *h, int i, val v, c_arg *c,
                   void **av) {
  int t = h->s.args[i];
  av[0] = c;
  switch ((host_type)t) {
  case HT_INT64:
    if (v.kind == V_INT || (v.kind == V_UINT && v.as.u <= INT64_MAX)) {
      c->i = v.as.i; /* the same bits when the uint fits */
      return val_null();
    }
    return v.kind == V_UINT ? out_of_range(a, h, i) : want(a, h, i, v);
  case HT_UINT64:
    if (v.kind == V_UINT || (v.kind == V_INT && v.as.i >= 0)) {
      c->u = v.as.u;
      return val_null();
    }
    return v.kind == V_INT ? out_of_range(a, h, i) : want(a, h, i, v);
  case HT_DOUBLE:
    if (v.kind == V_DOUBLE)
      c->d = v.as.d;
    else if (v.kind == V_INT)
      c->d = (double)v.as.i;
    else if (v.kind == V_UINT)
      c->d = (double)v.as.u;
    else
      return want(a, h, i, v);
    return val_null();
  case HT_BOOL:
    if (v.kind != V_BOOL)
      return want(a, h, i, v);
    c->b = v.as.b;
    return val_null();
  case HT_STRING:
    if (v.kind != V_STRING)
      return want(a, h, i, v);
    if (memchr(v.as.s->data, '\0', v.as.s->len))
      return val_err(a, ERR_INVALID, "host function '%s': argument %d "
                     "holds a NUL byte, which a C string cannot", h->name,
                     i + 1);
    c->s = v.as.s->data; /* NUL-terminated (value.h) */
    return val_null();
  default:
    if (v.kind != V_STRING && v.kind != V_BYTES)
      return want(a, h, i, v);
    c[0].s = v.as.s->data;
    c[1].z = v.as.s->len;
    av[1] = &c[1];
    return val_null();
  }
}

/* The C result [r] as a value. */
static val result(arena *a, const host_fn *h, const void *r) {
  switch ((host_type)h->s.ret) {
  case HT_INT64: return val_int(*(const int64_t *)r);
  case HT_UINT64: return val_uint(*(const uint64_t *)r);
  case HT_DOUBLE: return val_double(*(const double *)r);
  case HT_BOOL: /* widened to ffi_arg by libffi */
    return val_bool((uint8_t)*(const ffi_arg *)r != 0);
  default: break;
  }
  const char *s = *(const char *const *)r;
  if (!s)
    return val_err(a, ERR_GENERIC, "host function '%s' returned NULL",
                   h->name);
  size_t n = strlen(s);
  if (n > UINT32_MAX || !utf8_valid(s, n))
    return val_err(a, ERR_INVALID, "host function '%s' returned %s",
                   h->name, n > UINT32_MAX ? "too long a string"
                                           : "invalid UTF-8");
  return val_string(a, s, n);
}

static val call_c(arena *a, const host_fn *h, const val *args, int n) {
  c_arg c[2 * HOST_MAX_ARGS];
  void *av[2 * HOST_MAX_ARGS];
  union {
    ffi_arg word; /* small integer results are widened to this */
    int64_t i;
    uint64_t u;
    double d;
    const char *s;
  } r;
  int k = 0;
  for (int i = 0; i < n; i++) {
    val e = convert(a, h, i, args[i], &c[k], &av[k]);
    if (e.kind == V_ERROR)
      return e;
    k += h->s.args[i] == HT_STRLEN ? 2 : 1;
  }
  ffi_call((ffi_cif *)&h->cif, h->fn, &r, av);
  return result(a, h, &r);
}

/* The error when the escape-hatch function [h] returned no value: out
 * of memory, or what its builder [b] says of the constructor that
 * failed (a host that passes a constructor's NULL straight on). */
static val nothing(arena *a, const host_fn *h, const pol_builder *b) {
  if (a->failed || b->status == POL_ENOMEM)
    return val_nomem();
  if (b->status != POL_OK)
    return val_err(a, ERR_GENERIC, "host function '%s' returned nothing: %s",
                   h->name, b->msg);
  return val_err(a, ERR_GENERIC, "host function '%s' returned nothing",
                 h->name);
}

/* The escape hatch: the arguments as pol_values, a builder over the
 * evaluation's arena. An error it returns is copied there, since the
 * VM stamps its location into the error object. */
static val call_value(arena *a, const host_fn *h, const val *args, int n) {
  const pol_value **pv = arena_alloc(a, (size_t)n * sizeof *pv + 1);
  if (!pv)
    return val_nomem();
  for (int i = 0; i < n; i++)
    pv[i] = (const pol_value *)&args[i];
  pol_builder b = {.a = a, .status = POL_OK};
  const pol_value *r = h->vfn(&b, pv, (size_t)n, h->user);
  if (!r)
    return nothing(a, h, &b);
  val v = *(const val *)r;
  if (v.kind != V_ERROR || v.as.e->kind == ERR_NOMEM)
    return v;
  return val_err(a, (err_kind)v.as.e->kind, "%s", v.as.e->msg);
}

val host_call(arena *a, const builtin *b, const val *args, int n) {
  const host_fn *h = (const host_fn *)b;
  if (n < b->min || (b->max >= 0 && n > b->max)) /* a foreign program */
    return val_err(a, ERR_INVALID, "host function '%s' called with %d "
                   "arguments", h->name, n);
  return h->sig ? call_c(a, h, args, n) : call_value(a, h, args, n);
}
