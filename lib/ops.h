/*
 * ops.h: the operators of the language on values: arithmetic with CEL's
 * overflow rules, comparison, membership, indexing and field selection.
 * The VM calls these for everything but its int fast paths; the compiler
 * calls them to fold constants. Operands are never errors here (the VM
 * propagates error operands before calling); results may be.
 */
#ifndef POL_OPS_H
#define POL_OPS_H

#include "opcodes.h"
#include "value.h"

/* ADD SUB MUL DIV MOD on [x] and [y]. */
POL_INTERNAL val ops_arith(arena *a, opcode op, val x, val y);
/* EQ NE LT LE GT GE: a bool, or a no-overload error. */
POL_INTERNAL val ops_compare(arena *a, opcode op, val x, val y);
POL_INTERNAL val ops_in(arena *a, val x, val y);
POL_INTERNAL val ops_neg(arena *a, val x);
POL_INTERNAL val ops_not(arena *a, val x);
/* x[i] for lists and maps; a missing map key is an ERR_ABSENT error. */
POL_INTERNAL val ops_index(arena *a, val x, val i);
/* Whether [i] indexes an item of a list of [n] items (an int, a uint or
 * an integral double in range); its position into *[pos]. */
POL_INTERNAL bool ops_list_pos(val i, uint32_t n, uint32_t *pos);
/* x.f for maps (f a string constant with its hash); ERR_ABSENT if x has
 * no key f. */
POL_INTERNAL val ops_select(arena *a, val x, const str *f);
/* has(x.f): a bool, or an error when x is not a map. */
POL_INTERNAL val ops_has(arena *a, val x, const str *f);
/* The CEL operator text of [op] ("+", "==", "in", "_[_]"...). */
POL_INTERNAL const char *ops_name(opcode op);

#endif
