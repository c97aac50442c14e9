/*
 * scan_blocks.h: the record scanner's fast path (records.c), 16 bytes a
 * step. Header-only so that tests/unit/test_records.c can compare it
 * with a byte-at-a-time scan.
 *
 * The scanner follows brackets and strings to find where a record ends.
 * Most of an NDJSON record is short keys and values: a byte loop stops at
 * every quote and bracket, some 2,000 times for a 5 KB vendor. Here a
 * block's quotes, brackets, line breaks and backslashes become bit masks
 * (SSE2, which every x86-64 has); which bytes lie inside strings follows
 * from the quotes by a prefix XOR, and the block's brackets outside
 * strings move the depth. A block is skipped whole only
 * when nothing in it needs the byte loop's judgement: no line break (the
 * byte loop counts lines and ends broken records there), no backslash
 * (an escaped quote), and no point where the depth falls to 0 (the
 * record's end). Otherwise the byte loop takes over at the block's start
 * with the state the blocks before it left, which is the state it would
 * have reached itself.
 */
#ifndef POLICYC_SCAN_BLOCKS_H
#define POLICYC_SCAN_BLOCKS_H

#include <stdbool.h>
#include <stdint.h>

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>

/* Bytes of [x] equal to [c]: 0xFF, others 0. */
static inline __m128i block_is(__m128i x, char c) {
  return _mm_cmpeq_epi8(x, _mm_set1_epi8(c));
}

/* Bit i set when byte i of [m] is set. */
static inline unsigned block_bits(__m128i m) {
  return (unsigned)_mm_movemask_epi8(m);
}

/* The depth [*d] after a block's brackets outside strings, [open] and
 * [close], taken in order (a block holds few: no popcount, which needs a
 * libgcc call without -mpopcnt); false, with [*d] as it was, when it
 * falls to 0 on the way: the record ends in this block. */
static inline bool block_depth(int *d, unsigned open, unsigned close) {
  int n = *d;
  for (unsigned all = open | close; all; all &= all - 1) {
    n += (open & all & -all) ? 1 : -1;
    if (n <= 0)
      return false;
  }
  *d = n;
  return true;
}

/* Past the whole blocks from [p] (before [e]) that the byte loop would
 * only step through, updating *[depth] and *[in_str] as it would. Stops
 * at the first block it cannot skip, or with fewer than 16 bytes left. */
static inline const unsigned char *skip_blocks(const unsigned char *p,
                                               const unsigned char *e,
                                               int *depth, bool *in_str) {
  int d = *depth;
  unsigned in = *in_str ? 0xFFFFu : 0;
  while (e - p >= 16) {
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
    if (block_bits(_mm_or_si128(block_is(x, '\n'), block_is(x, '\\'))))
      break;
    unsigned q = block_bits(block_is(x, '"'));
    unsigned s = q; /* bit i: the quotes up to byte i are odd */
    s ^= s << 1;
    s ^= s << 2;
    s ^= s << 4;
    s ^= s << 8;
    s = (s ^ in) & 0xFFFFu; /* bit i: byte i is in a string (a closing
                               quote is not, an opening one is) */
    /* '[' and '{' differ only in bit 0x20, as do ']' and '}' */
    __m128i folded = _mm_or_si128(x, _mm_set1_epi8(0x20));
    unsigned open = block_bits(block_is(folded, '{')) & ~s;
    unsigned close = block_bits(block_is(folded, '}')) & ~s;
    if (!block_depth(&d, open, close))
      break;
    in = (s & 0x8000u) ? 0xFFFFu : 0;
    p += 16;
  }
  *depth = d;
  *in_str = in != 0;
  return p;
}
#else
static inline const unsigned char *skip_blocks(const unsigned char *p,
                                               const unsigned char *e,
                                               int *depth, bool *in_str) {
  (void)e, (void)depth, (void)in_str;
  return p;
}
#endif

#endif
