/*
 * opcodes.h: THE opcode table. Everything that knows about instructions
 * (compiler, VM dispatch, disassembler, verifier) expands OPCODES below;
 * there is no other list.
 *
 * Instructions are fixed 32-bit words on a value stack:
 *
 *     31                     8 7        0
 *    +------------------------+----------+
 *    |           A            |    op    |      format A  / sJ
 *    +------------------------+----------+
 *    |  B (12 bits) | C (12)  |    op    |      format BC
 *    +------------------------+----------+
 *    followed, for format AX, by one raw word X (a signed jump offset).
 *
 * A is unsigned (constant, local slot, count); sJ is A read as a signed
 * 24-bit offset relative to the next instruction. Jumps are checked
 * against the instruction budget only when they go backwards (loops), as
 * Lua does, so straight-line code pays nothing for the limit.
 *
 * Columns: name, format, values popped, values pushed (-1: depends on the
 * operand, see vm.c), one line of semantics. K[] is the constant pool,
 * L[] the local slots.
 */
#ifndef POL_OPCODES_H
#define POL_OPCODES_H

#include <stdint.h>

#define OPCODES(X)                                                          \
  X(CONST, A, 0, 1, "push K[A]")                                            \
  X(NULL, N, 0, 1, "push null")                                             \
  X(TRUE, N, 0, 1, "push true")                                             \
  X(FALSE, N, 0, 1, "push false")                                           \
  X(LOADVAR, A, 0, 1, "push the variable named K[A]; absent error if unbound")\
  X(LOADLOCAL, A, 0, 1, "push L[A]")                                        \
  X(STORELOCAL, A, 1, 0, "L[A] := pop")                                     \
  X(POP, N, 1, 0, "drop the top value")                                     \
  X(SELECT, A, 1, 1, "x := pop; push x.K[A] (absent error if no such key)") \
  X(OPTSELECT, A, 1, 1, "x := pop; push x.?K[A] (an optional)")             \
  X(HAS, A, 1, 1, "x := pop; push has(x.K[A])")                             \
  X(INDEX, N, 2, 1, "i := pop; x := pop; push x[i]")                        \
  X(OPTINDEX, N, 2, 1, "i := pop; x := pop; push x[?i] (an optional)")      \
  X(NEG, N, 1, 1, "push -pop")                                              \
  X(NOT, N, 1, 1, "push !pop")                                              \
  X(ADD, N, 2, 1, "b := pop; a := pop; push a + b")                         \
  X(SUB, N, 2, 1, "push a - b")                                             \
  X(MUL, N, 2, 1, "push a * b")                                             \
  X(DIV, N, 2, 1, "push a / b")                                             \
  X(MOD, N, 2, 1, "push a % b")                                             \
  X(EQ, N, 2, 1, "push a == b")                                             \
  X(NE, N, 2, 1, "push a != b")                                             \
  X(LT, N, 2, 1, "push a < b")                                              \
  X(LE, N, 2, 1, "push a <= b")                                             \
  X(GT, N, 2, 1, "push a > b")                                              \
  X(GE, N, 2, 1, "push a >= b")                                             \
  X(IN, N, 2, 1, "push a in b")                                             \
  X(MATCH, A, 1, 1, "s := pop; push s.matches(R[A]), R the program's "      \
                    "compiled constant patterns")                           \
  X(LIST, A, -1, 1, "pop A values; push them as a list")                    \
  X(MAP, A, -1, 1, "pop A key/value pairs; push them as a map")             \
  X(CALL, BC, -1, 1, "pop C args; push builtin B(args) (errors propagate)") \
  X(JMP, sJ, 0, 0, "pc += sJ")                                              \
  X(BRANCH, sJ, 1, 0, "?: test: true: go on; false: pc += sJ; else leave "  \
                      "the error and pc += sJ - 1 (the JMP to the end)")    \
  X(ANDSC, sJ, 0, 0, "&& left: if top is false, pc += sJ (keep it)")        \
  X(ORSC, sJ, 0, 0, "|| left: if top is true, pc += sJ (keep it)")          \
  X(AND, N, 2, 1, "CEL &&: false wins, then errors, then true")             \
  X(OR, N, 2, 1, "CEL ||: true wins, then errors, then false")              \
  X(ITER_INIT, A, 1, 0, "L[A] := pop (list or map to iterate), L[A+1] := 0")\
  X(ITER_NEXT, AX, 0, 0, "next item of L[A&0xFFFFF] into L[+2] (and L[+3] "  \
                         "if A has bit 23: two variables); else pc += X")   \
  X(BRK_FALSE, AX, 0, 0, "if L[A] is false, pc += X (all: decided)")        \
  X(BRK_TRUE, AX, 0, 0, "if L[A] is true, pc += X (exists: decided)")       \
  X(COUNT, A, 1, 0, "exists_one step: p := pop; L[A] += (p ? 1 : 0)")       \
  X(APPEND, A, 1, 0, "L[A] := L[A] + [pop] (a list builder)")               \
  X(OPTAPPEND, A, 1, 0, "o := pop; if o has a value, append it to L[A]")    \
  X(PAIR, A, 2, 0, "v := pop; k := pop; append k, v to the builder L[A]")   \
  X(OPTPAIR, A, 2, 0, "like PAIR, but v is an optional: skip it if empty")  \
  X(TOMAP, N, 1, 1, "turn the pair list on top into a map")                 \
  X(ERROR, A, 0, 1, "push a new error with the message K[A]")               \
  X(ITER_END, A, 1, 1, "r := pop; push L[A] if the range was bad, else r")  \
  X(RETURN, N, 1, 0, "finish with the top value")                          \
  X(OPTFACT, A, 0, 1, "push the fact at the dotted path K[A] as an "        \
                      "optional, empty when absent (read, not noted then)") \
  X(HASVAR, A, 0, 1, "push has(K[A]): whether the fact set binds K[A]")

/*
 * Superinstructions: a pair of instructions done by one dispatch. They
 * exist only in a program's executed copy of its code (program.xcode,
 * made by program_fuse() in compile.c): the first word of the pair gets
 * the fused opcode and keeps its operand, the second word stays as it
 * was, and the fused instruction reads the second word's operand, does
 * both, and steps over it. So the code keeps its length, every jump
 * target and location stays, a jump to the second word still finds it
 * whole, and the step budget (cost.h) counts the same. The saved format,
 * the verifier and the ISA fingerprint know only OPCODES above: a saved
 * policy holds no superinstruction, and a loaded one is fused again.
 *
 * Columns: name, the first and the second opcode, one line of semantics
 * (A: the first word's operand, A2: the second's). Seven are no pair
 * of neighbours: LOOP is a JMP fused with the ITER_NEXT it jumps back
 * to; CONST_EQ_BRANCH, ITEM and COUNT_END run three words (first and
 * last named), ITEM_SELECT four; NEXT_ITEM and COUNT_EQ run an
 * ITER_NEXT and the loop body after it (the LOADLOCAL named), whose
 * words keep their own. ITEM's first two are LOADLOCAL A, LOADLOCAL A+2:
 * m[k] inside m.all(k, ...) and its kin, where the loop's slots
 * (ITER_INIT) say which entry k is, checked, so any other pair of slots
 * just takes the slow way. NEXT_ITEM is the loop's ITER_NEXT when an
 * ITEM or ITEM_SELECT of the same slots begins the body: the entry it
 * takes is the one ITEM reads, unchecked; the ITEM's word stays fused
 * too, for a range that is no map (ITER_NEXT then runs alone).
 *
 * COUNT_EQ is a whole loop in one dispatch: the ITER_NEXT of a counted
 * loop (below) whose body is ITEM_SELECT, CONST_EQ_BRANCH, COUNT_ADD,
 * and LOOP back: the check-sheet count m.filter(k, m[k].answer ==
 * "x").size(). vm.c's count_eq() runs the iterations, each with the
 * effects of those words in their order (the entry taken and read, the
 * field read, the count, the back edge's charge and poll); an iteration they
 * would do another way (no map, no such field, a comparison of other
 * kinds) is left to them, from NEXT_ITEM on: the body's words stay
 * fused.
 *
 * The three COUNT_ ones are the words of a counted loop: the loop of
 * x.filter(v, test).size() (or size(...) of it), whose list only
 * size() reads (compile.c, counted_loop). They keep its length in the
 * accumulator slot instead of the list: a counter, an int only
 * COUNT_INIT makes (vm.c). Each checks for the counter and, on
 * anything else (an error from the test, or code that is no counted
 * loop jumping in), does what the unfused words do. A counted loop
 * reads the same facts and takes the same steps (size() charges
 * nothing for a list); it only makes no list, so it needs no memory.
 */
#define FUSED_OPCODES(X)                                                    \
  X(CONST_EQ, CONST, EQ, "x := pop; push x == K[A]")                         \
  X(CONST_NE, CONST, NE, "x := pop; push x != K[A]")                         \
  X(LOADLOCAL2, LOADLOCAL, LOADLOCAL, "push L[A]; push L[A2]")               \
  X(LOADVAR_SELECT, LOADVAR, SELECT, "push the variable K[A], then .K[A2]")  \
  X(LOADLOCAL_SELECT, LOADLOCAL, SELECT, "push L[A].K[A2]")                 \
  X(INDEX_SELECT, INDEX, SELECT, "i := pop; x := pop; push x[i].K[A2]")   \
  X(LOOP, JMP, ITER_NEXT, "a backward JMP whose target is an ITER_NEXT (a "  \
                          "macro's loop): the jump, then that ITER_NEXT")   \
  X(ITEM, LOADLOCAL, INDEX, "LOADLOCAL A, LOADLOCAL A+2, INDEX: push "       \
                            "L[A][L[A+2]], in a loop over the map L[A] "    \
                            "the value of the key it took, unlooked-up")    \
  X(ITEM_SELECT, LOADLOCAL, SELECT, "ITEM, then the SELECT after it: push " \
                                    "L[A][L[A+2]].K[A4]")                   \
  X(CONST_EQ_BRANCH, CONST, BRANCH, "CONST A, EQ, BRANCH: x := pop; if x " \
                                    "== K[A] is false, pc += the BRANCH's " \
                                    "sJ (a filter's test, a ?:)")          \
  X(NEXT_ITEM, ITER_NEXT, LOADLOCAL, "ITER_NEXT A, then the ITEM or "       \
                                      "ITEM_SELECT of its loop after it: "  \
                                      "the next entry of the map L[A] and " \
                                      "its value, taken in one step")       \
  X(COUNT_EQ, ITER_NEXT, LOADLOCAL, "the ITER_NEXT A of a counted loop "  \
                                    "m.filter(k, m[k].f == c).size(): "    \
                                    "all its iterations, as its words do " \
                                    "them, else NEXT_ITEM")                \
  X(COUNT_INIT, LIST, STORELOCAL, "of a counted loop: L[A2] := a counter "  \
                                  "at 0, not an empty list")               \
  X(COUNT_ADD, LOADLOCAL, APPEND, "of a counted loop: the counter L[A2] "   \
                                  "+= 1 (a list builder: as unfused)")     \
  X(COUNT_END, LOADLOCAL, CALL, "LOADLOCAL A, ITER_END, CALL size/1 of a " \
                                "counted loop: push the counter L[A] as " \
                                "an int (else: as unfused)")

typedef enum {
#define X(name, fmt, in, out, doc) OP_##name,
  OPCODES(X)
#undef X
  OP__COUNT, /* the instruction set: what a saved policy may hold */
  OP__FUSED_BEFORE = OP__COUNT - 1, /* so the first fused is OP__COUNT */
#define X(name, first, second, doc) OP_##name,
  FUSED_OPCODES(X)
#undef X
  OP__XCOUNT /* and the superinstructions, only ever in program.xcode */
} opcode;

/* Operand formats: N none, A unsigned 24, sJ signed 24, BC 12+12, AX A
 * plus an extra word. */
enum { FMT_N, FMT_A, FMT_sJ, FMT_BC, FMT_AX };

#define INS_OP(w) ((opcode)((w) & 0xffu))
#define INS_A(w) ((uint32_t)(w) >> 8)
#define INS_SJ(w) ((int32_t)(w) >> 8) /* arithmetic shift keeps the sign */
#define INS_B(w) (((uint32_t)(w) >> 20) & 0xfffu)
#define INS_C(w) (((uint32_t)(w) >> 8) & 0xfffu)

#define MAXARG_A ((1u << 24) - 1)
#define MAXARG_SJ ((1 << 23) - 1)
#define MAXARG_BC ((1u << 12) - 1)
#define ITER_TWO_VARS (1u << 23)
/* A macro's five local slots, from ITER_INIT's A: the range, the items
 * taken so far, the variable(s) (two), and the accumulator, which
 * BRK_FALSE/BRK_TRUE test; so the range is ITER_ACC slots below it. */
#define ITER_ACC 4
#define ITER_SLOT_MASK ((1u << 20) - 1)

#define MK_N(op) ((uint32_t)(op))
#define MK_A(op, a) ((uint32_t)(op) | ((uint32_t)(a) << 8))
#define MK_BC(op, b, c) \
  ((uint32_t)(op) | ((uint32_t)(b) << 20) | ((uint32_t)(c) << 8))

#endif
