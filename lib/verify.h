/*
 * verify.h: the bytecode verifier. Every saved policy passes through it
 * when loaded (undump.c), so a damaged or hostile file is rejected before
 * the VM, which checks nothing at run time, ever sees it. The checks are
 * listed in docs/bytecode.md; a program the compiler made always passes.
 */
#ifndef POL_VERIFY_H
#define POL_VERIFY_H

#include "pol.h"
#include "policy.h"

/* An entry point to check, and how to name it in a message. */
typedef struct verify_entry {
  uint32_t pc;
  const char *rule; /* the rule's id */
  const char *what; /* "when", "require", "message part" */
  int32_t part;     /* the message part's index, or -1 */
} verify_entry;

/* Hard limits of loadable programs (docs/bytecode.md). */
#define VERIFY_MAX_LOCALS 65536u
/* Bytes of per-branch-target state the stack and slot analysis may use. */
#define VERIFY_MAX_STATE ((size_t)1 << 26)
/* Units of work (instructions walked, slot states merged) it may do. */
#define VERIFY_MAX_WORK ((uint64_t)1 << 28)

/* Check program [p] run from the [n] [entries]: every instruction's
 * opcode and operands, jump targets, the source table, and, by abstract
 * interpretation from every entry, stack depths and local slots (see
 * docs/bytecode.md). Returns POL_OK, POL_EFORMAT with a message in [msg]
 * (of [msglen] bytes) naming the instruction, or POL_ENOMEM. */
POL_INTERNAL int verify_program(const program *p, const verify_entry *entries,
                                size_t n, char *msg, size_t msglen);

/* Check policy [p] whole: header, rules (entries, message parts,
 * severities), fact declarations (sorted paths, well-formed types,
 * allowed values), then its program with every rule expression and
 * message part as an entry. Returns as verify_program does. */
POL_INTERNAL int verify_policy(const policy *p, char *msg, size_t msglen);

#endif
