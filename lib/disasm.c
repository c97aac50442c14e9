/*
 * disasm.c: a readable listing of a program, one instruction a line:
 *
 *     0003  2:5   SELECT      1   ; "generations"
 *
 * (index, source line:col, opcode, operands, and a comment with the
 * constant, function or jump target). The first instruction of a pair
 * the VM runs as one superinstruction (opcodes.h) ends in its name:
 *
 *     0000  8:12  LOADVAR     0   ; "backup"  [LOADVAR_SELECT]
 *
 * Used by tests of the compiler and by `policyc eval --list`.
 */
#include "opcodes.h"
#include "program.h"

static const struct {
  const char *name;
  int fmt;
} info[] = {
#define X(name, fmt, in, out, doc) {#name, FMT_##fmt},
    OPCODES(X)
#undef X
};

static void operands(const program *p, uint32_t pc, sbuf *b) {
  uint32_t w = p->code[pc];
  opcode op = INS_OP(w);
  switch (info[op].fmt) {
  case FMT_A:
    sb_printf(b, " %u", INS_A(w));
    if (op == OP_CONST || op == OP_LOADVAR || op == OP_SELECT ||
        op == OP_HAS || op == OP_OPTSELECT || op == OP_ERROR ||
        op == OP_OPTFACT || op == OP_HASVAR) {
      sb_puts(b, "\t; ");
      val_print(b, p->consts[INS_A(w)]);
    }
    if (op == OP_MATCH && INS_A(w) < p->nrx) {
      sb_puts(b, "\t; ");
      val_print(b, p->consts[p->rx_const[INS_A(w)]]);
    }
    break;
  case FMT_sJ:
    sb_printf(b, " %d\t; to %d", INS_SJ(w), (int)pc + 1 + INS_SJ(w));
    break;
  case FMT_BC:
    sb_printf(b, " %u %u\t; %s/%u", INS_B(w), INS_C(w),
              p->fns[INS_B(w)]->name, INS_C(w));
    break;
  case FMT_AX:
    sb_printf(b, " %u\t; exit to %u", INS_A(w) & ITER_SLOT_MASK,
              pc + 2 + p->code[pc + 1]);
    break;
  default: break;
  }
}

static const char *const fused_names[] = {
#define X(name, first, second, doc) #name,
    FUSED_OPCODES(X)
#undef X
};

/* The superinstructions are shown as program_fuse makes them, worked out
 * again rather than read from p->xcode: a program whose xcode could not
 * be made (out of memory: it runs the plain code, slower, the same) has
 * the same listing. */
void program_disasm(const program *p, sbuf *b) {
  uint32_t cursor = 0, fused_pc = 0, fused = OP__XCOUNT;
  bool more = program_fuse_next(p, &cursor, &fused_pc, &fused);
  for (uint32_t pc = 0; pc < p->ncode; pc++) {
    opcode op = INS_OP(p->code[pc]);
    sb_printf(b, "%04u %3u:%-3u %-10s", pc, p->locs[pc].line, p->locs[pc].col,
              op < OP__COUNT ? info[op].name : "?");
    if (op < OP__COUNT)
      operands(p, pc, b);
    while (more && fused_pc < pc)
      more = program_fuse_next(p, &cursor, &fused_pc, &fused);
    uint32_t x = more && fused_pc == pc ? fused : op;
    if (x >= OP__COUNT && x < OP__XCOUNT)
      sb_printf(b, "\t[%s]", fused_names[x - OP__COUNT]);
    sb_putc(b, '\n');
    if (op < OP__COUNT && info[op].fmt == FMT_AX)
      pc++;
  }
}
