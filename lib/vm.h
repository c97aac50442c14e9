/*
 * vm.h: the bytecode interpreter. A vm holds everything one evaluation
 * needs that is not in the program: the value stack, the locals, the
 * arena for temporaries and the limits. One vm per thread; programs are
 * shared read-only.
 */
#ifndef POL_VM_H
#define POL_VM_H

#include "program.h"

/* What a traced run noted about the facts (vm.tracing). Reads are noted
 * as (container, entry) pairs, never as text: report.c names them later,
 * and only when someone looks (report_path.c). */
typedef enum {
  TR_READ,    /* entry [entry] of the fact container [obj] was read */
  TR_ABSENT,  /* a presence test (has(), .?f, [?k]) found no [key] in obj */
  TR_MISSING, /* [key] is not in obj (NULL: no fact set): a missing fact */
  TR_DEEPER,  /* [key] was selected from the missing fact noted at trace
                 index [entry]: the path the rule tried goes on */
  TR_DECIDED, /* item [entry] of [obj] decided an all() or exists() */
  TR_SIZE,    /* size() read how many items [obj] has */
  TR_WHOLE,   /* an operation used all of [obj] (==, +, a function) */
  TR_TESTED   /* the missing fact noted at trace index [entry] was only
                 tested for presence (has()): it is no missing fact */
} trace_what;

typedef struct vm_trace {
  const void *obj;    /* a fact map or list, as okind says; or NULL */
  val key;            /* ABSENT, MISSING, DEEPER: the key asked for (it
                         may live in the run's arena) */
  uint32_t entry;
  uint8_t what;       /* trace_what */
  uint8_t okind;      /* V_MAP or V_LIST */
  bool const_key;     /* key is a constant of the program (a field name) */
} vm_trace;

/* A run notes at most this many trace entries; the rest are counted in
 * vm.trace_dropped. Reports show far fewer per rule (report.h). */
#define VM_TRACE_MAX 65536
/* Reads, sizes, presence tests and uses whole are noted only while the
 * trace holds fewer records than this: the rest of it stays for what
 * decides a verdict (missing facts, deciding items), which a loop over
 * a long list notes after all its reads. The facts left out are counted
 * in vm.reads_dropped (a report shows 8 a rule and counts the rest). */
#define VM_TRACE_READS 32768
/* Reads already noted in this run are looked up in a small direct-mapped
 * table first, so a loop that reads the same fact on every item (the
 * path to the list it walks) notes it once. */
#define VM_SEEN_SLOTS 256

/* The host's interrupt callback is polled every VM_POLL_ITERS loop
 * iterations, and whenever the loops since the last poll have spent
 * VM_POLL_STEPS steps of the budget (cost.h: about a millisecond), so
 * that a cancel is never left waiting for 1024 heavy iterations. */
#define VM_POLL_ITERS 1024
#define VM_POLL_STEPS 65536

typedef struct vm_seen {
  const void *obj;
  uint32_t entry;
  uint32_t run;       /* the run that noted it: stale when not current */
} vm_seen;

/* The first absent errors of a run (a missing fact: a dozen a check of
 * a vendor that leaves some out) live in the vm, not in the arena, so
 * that a run that makes nothing else needs no arena reset after it. */
#define VM_ABSENT_POOL 16

typedef struct vm {
  arena a;            /* temporaries; reset at the start of each run */
  err absent[VM_ABSENT_POOL]; /* absent errors of this run (missing()) */
  uint32_t nabsent;   /* how many of them are in use */
  bool tracing;       /* note fact reads into trace[] */
  vm_trace *trace;    /* heap (a.m); ntrace entries from the last run */
  size_t ntrace, trace_cap, trace_dropped;
  size_t reads_dropped; /* facts the last run read past VM_TRACE_READS */
  size_t read_cap;    /* trace_cap, at most VM_TRACE_READS: room for a
                         read (note_read's one test) */
  uint32_t trace_kinds; /* 1 << what of every record note() made in the
                         last run (not the reads note_read makes itself):
                         0 tells report.c the trace is reads alone */
  bool trace_oom;     /* the last run dropped entries for want of memory */
  vm_seen seen[VM_SEEN_SLOTS];
  uint32_t run;       /* counts runs: the current one's number */
  val *stack;         /* heap (a.m), grown to the program's maxstack */
  val *locals;
  size_t stack_cap, locals_cap;
  uint32_t *hints;    /* per code word: the entry where that word's map
                         lookup last found its key, tried first next
                         time (vm.c, hinted()); a hint is checked, so a
                         stale one (another program, another map) only
                         costs the normal lookup */
  size_t hints_cap;
  uint64_t max_steps; /* the step budget of a run (cost.h); 0: no
                         limit */
  size_t max_memory;  /* bytes of temporaries per run; 0: unlimited */
  err limit_err;      /* the limit error (steps or memory) of the last
                         run */
  char limit_msg[80]; /* its message, for the step limit */
  uint32_t polls;     /* loop iterations, for polling interrupt */
  uint64_t poll_at;   /* ... and poll once a.steps falls to this, so
                         that loops whose iterations are heavy (x in a
                         long list) poll as often as light ones */
  struct rx_scratch *rx;    /* for MATCH; made on first use */
  bool has_now;       /* now() is now_sec (an as-of date), not the clock */
  int64_t now_sec;
  int (*interrupt)(void *); /* polled on loops: non-zero stops the run */
  void *interrupt_user;
} vm;

/* A vm whose heap blocks and arena come from [m] (copied; NULL: libc). */
POL_INTERNAL void vm_init(vm *v, uint64_t max_steps, size_t max_memory,
                          const mem *m);
POL_INTERNAL void vm_free(vm *v);
/* Run [p] from instruction [entry] (0 for a lone expression) with
 * variables from [vars] (a map from names to values; NULL for none). The
 * result lives in v->a until the next run. Errors are returned as V_ERROR
 * values whose loc indexes p->locs. Hitting a limit returns an ERR_LIMIT
 * error at once. With v->tracing set, v->trace lists what the run read
 * of the facts (see vm_trace). */
POL_INTERNAL val vm_run(vm *v, const program *p, uint32_t entry,
                        const map *vars);

/* Append the message of the error [e] of program [p] to [b]. An absent
 * error of the VM carries a short message; this completes it from where
 * it happened: "no such key or variable: 'x'" for a variable, "no such
 * key: 'a.b'" with the source text of a selection. Formatting only when
 * a message is read keeps missing facts cheap. */
POL_INTERNAL void vm_err_describe(sbuf *b, const err *e, const program *p);

#endif
