/*
 * handles.h: what the public handles of pol.h are inside. Only the api*.c
 * files include this; everything else works on the internal types.
 */
#ifndef POL_HANDLES_H
#define POL_HANDLES_H

#include "pol.h"
#include "policy.h"
#include "report.h"
#include "vm.h"

#define PROG(p) ((const program *)(p))
#define VAL(v) ((const val *)(v))
#define POLICY(p) ((const policy *)(p))

struct pol_env {
  pol_config cfg;
  struct host_registry *hosts; /* registered C functions (host.c) */
  diag_set diags;     /* of the last compile: a list per source file */
  char **dirs;        /* import directories, in search order */
  size_t ndirs;
  sbuf text;          /* rendered diagnostics, disassembly */
  char errmsg[1024];
};

/* Where constructed values live: a fact set's arena, or an evaluation's
 * (for host functions). */
struct pol_builder {
  arena *a;
};

struct pol_report {
  report r;
  sbuf text;
};

struct pol_facts {
  pol_env *env;
  arena a;              /* every bound value */
  pol_builder builder;  /* builds into a */
  val *keys, *vals;     /* bindings in order; later ones win */
  size_t n, cap_keys, cap_vals, cap_names;
  map *vars;            /* the bindings as a map, for the VM */
  const char **names;   /* the bound names, for pol_compile_expr decls */
  char errmsg[1024];
};

struct pol_ctx {
  pol_env *env;
  vm vm;
  val result;
  sbuf text;
  char errmsg[1024];
};

/* Format a handle's message into its 1024-byte buffer [buf]. */
POL_INTERNAL void api_msg(char *buf, const char *fmt, ...) POL_PRINTF(2, 3);

#endif
