/*
 * program.h: compiled code: instructions, constants, builtin references
 * and the instruction -> source table. A program has one or more entry
 * points (an expression compiled alone has one, at 0; a policy has one
 * per rule expression), each ending in RETURN. Immutable once the
 * compiler has finished, so one program is shared by every thread that
 * evaluates it.
 */
#ifndef POL_PROGRAM_H
#define POL_PROGRAM_H

#include "builtins.h"
#include "value.h"

typedef struct loc {
  uint32_t off, len; /* byte span in the source */
  uint32_t line, col;
  uint32_t src;      /* index into program.srcs */
} loc;

/* A source text the code came from (a policy file, a module, an
 * expression), copied into the program. */
typedef struct source {
  char *name;
  char *text;
  uint32_t len;
} source;

typedef struct program {
  uint32_t *code;          /* heap, like every array here: from a.m */
  uint32_t *xcode;         /* code with superinstructions (opcodes.h,
                              program_fuse): what the VM runs; NULL: it
                              runs code */
  loc *locs;               /* one per code word */
  uint32_t ncode;
  val *consts;             /* values live in a */
  uint32_t nconsts;
  const builtin **fns;     /* CALL's B operand indexes this */
  uint32_t nfns;
  uint32_t nlocals;        /* local slots the code uses */
  uint32_t maxstack;       /* deepest value stack the code reaches */
  source *srcs;            /* nsrcs of them */
  uint32_t nsrcs;
  struct rx **rx;          /* MATCH's A indexes this: constant patterns,
                              compiled once */
  uint32_t *rx_const;      /* the constant each was compiled from */
  uint32_t nrx;
  arena a;                 /* constants; a.m is the program's allocator */
} program;

POL_INTERNAL void program_free(program *p);
/* Make p->xcode: p->code with superinstructions (compile.c). Called on a
 * finished program, compiled or loaded and verified; p->code must not
 * change after it. Out of memory leaves xcode NULL (slower, the same). */
POL_INTERNAL void program_fuse(program *p);
/* The walk program_fuse makes, one word at a time: from *[cursor] (0 to
 * start), the next word whose opcode it changes, in *[pc], and the
 * opcode, LOOP or a superinstruction, in *[op]; false at the end. The
 * listing (disasm.c) takes them from here, so that it does not depend on
 * whether p->xcode could be made. */
POL_INTERNAL bool program_fuse_next(const program *p, uint32_t *cursor,
                                    uint32_t *pc, uint32_t *op);
/* A listing of the code, one instruction per line, for tests and
 * `policyc compile --list`. */
POL_INTERNAL void program_disasm(const program *p, sbuf *out);
/* Whether [p] has its superinstructions (program_fuse), or has no code.
 * Without them (memory ran out making them) it runs the same, but its
 * listing would lack them: the listing functions then say out of
 * memory rather than list another program than the one that would
 * have run. */
static inline bool program_fused(const program *p) {
  return !p->ncode || p->xcode;
}

#endif
