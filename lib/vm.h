/*
 * vm.h: the bytecode interpreter. A vm holds everything one evaluation
 * needs that is not in the program: the value stack, the locals, the
 * arena for temporaries and the limits. One vm per thread; programs are
 * shared read-only.
 */
#ifndef POL_VM_H
#define POL_VM_H

#include "program.h"

/* One fact path a traced run read: its value, or that it was absent. */
typedef struct vm_trace {
  const str *path;    /* a constant of the program: "backup.generations" */
  val value;          /* valid until the next run */
  bool missing;
} vm_trace;

typedef struct vm {
  arena a;            /* temporaries; reset at the start of each run */
  bool tracing;       /* record TRACE instructions into trace[] */
  vm_trace *trace;    /* malloc'd; ntrace entries from the last run */
  size_t ntrace, trace_cap;
  val *stack;         /* malloc'd, grown to the program's maxstack */
  val *locals;
  size_t stack_cap, locals_cap;
  uint64_t max_steps; /* loop iterations (backward jumps) per run */
  size_t max_memory;  /* bytes of temporaries per run; 0: unlimited */
} vm;

POL_INTERNAL void vm_init(vm *v, uint64_t max_steps, size_t max_memory);
POL_INTERNAL void vm_free(vm *v);
/* Run [p] from instruction [entry] (0 for a lone expression) with
 * variables from [vars] (a map from names to values; NULL for none). The
 * result lives in v->a until the next run. Errors are returned as V_ERROR
 * values whose loc indexes p->locs. Hitting a limit returns an ERR_LIMIT
 * error at once. With v->tracing set, v->trace lists the fact paths read
 * (programs compiled with compile_opts.trace). */
POL_INTERNAL val vm_run(vm *v, const program *p, uint32_t entry,
                        const map *vars);

#endif
