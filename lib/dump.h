/*
 * dump.h: saved policies (docs/bytecode.md). dump.c writes a compiled
 * policy as bytes; undump.c reads them back, checking the header, the
 * checksum and every section, then hands the result to verify.c. The
 * format is explicit little-endian throughout, so a file written on one
 * machine loads on any other.
 */
#ifndef POL_DUMP_H
#define POL_DUMP_H

#include "pol.h"
#include "policy.h"

struct host_registry;

/* The first 8 bytes of every saved policy: "POLC", NUL, CR, LF, ^Z (a
 * text-mode transfer or a C string copy damages them visibly). */
#define DUMP_MAGIC "POLC\0\r\n\x1a"
#define DUMP_MAGIC_LEN 8
/* Bumped whenever the layout or the instruction set changes; the one
 * written. */
#define DUMP_VERSION 7u /* 5: fact labels; 6: derived lets, fact flags;
                           7: rule flags (an ask borrowed from a
                           derived fact) */
/* The oldest version still read: 4, the same but for fact labels (a
 * policy stored as 4, in a PostgreSQL column, loads after an upgrade),
 * and for 4 and 5 the derived and prelude flags, for 4 to 6 the rule
 * flags, read as 0 (a borrowed ask then asks as the rule's own). */
#define DUMP_OLDEST 4u
/* Written as a u32: reads back as 0x01020304 only if the reader decodes
 * little-endian words the way the writer encoded them. */
#define DUMP_PROBE 0x01020304u
/* Magic, version, probe. */
#define DUMP_HEADER_LEN 16u
/* The CRC-32 trailer. */
#define DUMP_TRAILER_LEN 4u
/* Nesting bound of constant values and fact types in a file. */
#define DUMP_MAX_DEPTH 512

/* Append [p] in the saved format to [out] (its scratch memory comes from
 * [out]'s mem). Returns POL_OK, POL_ENOMEM,
 * or POL_EINVAL if something in [p] has no saved form (a function that
 * bi_lookup cannot find again, a constant of an unsaveable kind); [msg],
 * of [msglen] bytes, then says what. */
POL_INTERNAL int dump_policy(const policy *p, sbuf *out, char *msg,
                             size_t msglen);
/* dump_policy in the format [version], DUMP_OLDEST..DUMP_VERSION (the
 * tests of reading an older one); POL_EINVAL when [p] holds what that
 * version has no place for (labels, in 4). */
POL_INTERNAL int dump_policy_as(const policy *p, uint32_t version,
                                sbuf *out, char *msg, size_t msglen);

/* Load the saved policy [data] of [len] bytes, allocating through [m]
 * (the policy keeps a copy of it). Host functions the file
 * calls are looked up in [hosts] (may be NULL: then a file calling one
 * does not load); constant patterns are JIT-compiled when [jit]. Returns POL_OK with *[out] (free with policy_free), or
 * POL_EFORMAT / POL_ENOMEM with a message in [msg] naming what is wrong
 * and where ("instruction 42: jump target 977 outside the code"). The
 * result has passed verify_policy(). */
POL_INTERNAL int undump_policy(const mem *m, const void *data, size_t len,
                               const struct host_registry *hosts, bool jit,
                               policy **out, char *msg, size_t msglen);

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32) of [n] bytes at [p]. */
POL_INTERNAL uint32_t dump_crc32(const void *p, size_t n);

/* A fingerprint of the instruction set: the CRC-32 of every opcodes.h
 * entry's name, format and stack effects, in order. Saved in the PROG
 * section, so that a file from a build whose opcode table differs is
 * refused even if someone forgot to bump DUMP_VERSION. */
POL_INTERNAL uint32_t dump_isa(void);

#endif
