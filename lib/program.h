/*
 * program.h: a compiled expression: code, constants, builtin references
 * and the instruction -> source table. Immutable once the compiler has
 * finished, so one program is shared by every thread that evaluates it.
 */
#ifndef POL_PROGRAM_H
#define POL_PROGRAM_H

#include "builtins.h"
#include "value.h"

typedef struct loc {
  uint32_t off, len; /* byte span in src */
  uint32_t line, col;
} loc;

typedef struct program {
  uint32_t *code;          /* malloc'd */
  loc *locs;               /* one per code word */
  uint32_t ncode;
  val *consts;             /* values live in a */
  uint32_t nconsts;
  const builtin **fns;     /* CALL's B operand indexes this */
  uint32_t nfns;
  uint32_t nlocals;        /* local slots the code uses */
  uint32_t maxstack;       /* deepest value stack the code reaches */
  char *file;              /* source name for messages */
  char *src;               /* copy of the source text */
  uint32_t srclen;
  arena a;                 /* constants */
} program;

POL_INTERNAL void program_free(program *p);
/* A listing of the code, one instruction per line, for tests and
 * `policyc compile --list`. */
POL_INTERNAL void program_disasm(const program *p, sbuf *out);

#endif
