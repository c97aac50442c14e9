/*
 * dump.c: writing a compiled policy in the saved format of
 * docs/bytecode.md: a 16-byte header (magic, format version, byte-order
 * probe), eleven sections each framed by a tag and a byte length, and a
 * CRC-32 of everything before it. Every integer is written byte by byte,
 * little-endian, so the file never depends on the host's layout.
 *
 * Strings (names, titles, messages, string and bytes constants) go into
 * one table, each stored once; the other sections refer to them by
 * index. The table is written first but filled while the later sections
 * are encoded, so those are encoded into a second buffer and copied.
 */
#include "dump.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "opcodes.h"

/* A string reference that stands for NULL. */
#define NO_STRING 0xffffffffu

/* ==== checksum =========================================================== */

/* CRC-32 byte by byte from the usual table: t[i] is the CRC of the
 * byte i alone (polynomial 0xedb88320, reflected). */
static const uint32_t crc_table[256] = {
      0x00000000u, 0x77073096u, 0xee0e612cu, 0x990951bau, 0x076dc419u,
      0x706af48fu, 0xe963a535u, 0x9e6495a3u, 0x0edb8832u, 0x79dcb8a4u,
      0xe0d5e91eu, 0x97d2d988u, 0x09b64c2bu, 0x7eb17cbdu, 0xe7b82d07u,
      0x90bf1d91u, 0x1db71064u, 0x6ab020f2u, 0xf3b97148u, 0x84be41deu,
      0x1adad47du, 0x6ddde4ebu, 0xf4d4b551u, 0x83d385c7u, 0x136c9856u,
      0x646ba8c0u, 0xfd62f97au, 0x8a65c9ecu, 0x14015c4fu, 0x63066cd9u,
      0xfa0f3d63u, 0x8d080df5u, 0x3b6e20c8u, 0x4c69105eu, 0xd56041e4u,
      0xa2677172u, 0x3c03e4d1u, 0x4b04d447u, 0xd20d85fdu, 0xa50ab56bu,
      0x35b5a8fau, 0x42b2986cu, 0xdbbbc9d6u, 0xacbcf940u, 0x32d86ce3u,
      0x45df5c75u, 0xdcd60dcfu, 0xabd13d59u, 0x26d930acu, 0x51de003au,
      0xc8d75180u, 0xbfd06116u, 0x21b4f4b5u, 0x56b3c423u, 0xcfba9599u,
      0xb8bda50fu, 0x2802b89eu, 0x5f058808u, 0xc60cd9b2u, 0xb10be924u,
      0x2f6f7c87u, 0x58684c11u, 0xc1611dabu, 0xb6662d3du, 0x76dc4190u,
      0x01db7106u, 0x98d220bcu, 0xefd5102au, 0x71b18589u, 0x06b6b51fu,
      0x9fbfe4a5u, 0xe8b8d433u, 0x7807c9a2u, 0x0f00f934u, 0x9609a88eu,
      0xe10e9818u, 0x7f6a0dbbu, 0x086d3d2du, 0x91646c97u, 0xe6635c01u,
      0x6b6b51f4u, 0x1c6c6162u, 0x856530d8u, 0xf262004eu, 0x6c0695edu,
      0x1b01a57bu, 0x8208f4c1u, 0xf50fc457u, 0x65b0d9c6u, 0x12b7e950u,
      0x8bbeb8eau, 0xfcb9887cu, 0x62dd1ddfu, 0x15da2d49u, 0x8cd37cf3u,
      0xfbd44c65u, 0x4db26158u, 0x3ab551ceu, 0xa3bc0074u, 0xd4bb30e2u,
      0x4adfa541u, 0x3dd895d7u, 0xa4d1c46du, 0xd3d6f4fbu, 0x4369e96au,
      0x346ed9fcu, 0xad678846u, 0xda60b8d0u, 0x44042d73u, 0x33031de5u,
      0xaa0a4c5fu, 0xdd0d7cc9u, 0x5005713cu, 0x270241aau, 0xbe0b1010u,
      0xc90c2086u, 0x5768b525u, 0x206f85b3u, 0xb966d409u, 0xce61e49fu,
      0x5edef90eu, 0x29d9c998u, 0xb0d09822u, 0xc7d7a8b4u, 0x59b33d17u,
      0x2eb40d81u, 0xb7bd5c3bu, 0xc0ba6cadu, 0xedb88320u, 0x9abfb3b6u,
      0x03b6e20cu, 0x74b1d29au, 0xead54739u, 0x9dd277afu, 0x04db2615u,
      0x73dc1683u, 0xe3630b12u, 0x94643b84u, 0x0d6d6a3eu, 0x7a6a5aa8u,
      0xe40ecf0bu, 0x9309ff9du, 0x0a00ae27u, 0x7d079eb1u, 0xf00f9344u,
      0x8708a3d2u, 0x1e01f268u, 0x6906c2feu, 0xf762575du, 0x806567cbu,
      0x196c3671u, 0x6e6b06e7u, 0xfed41b76u, 0x89d32be0u, 0x10da7a5au,
      0x67dd4accu, 0xf9b9df6fu, 0x8ebeeff9u, 0x17b7be43u, 0x60b08ed5u,
      0xd6d6a3e8u, 0xa1d1937eu, 0x38d8c2c4u, 0x4fdff252u, 0xd1bb67f1u,
      0xa6bc5767u, 0x3fb506ddu, 0x48b2364bu, 0xd80d2bdau, 0xaf0a1b4cu,
      0x36034af6u, 0x41047a60u, 0xdf60efc3u, 0xa867df55u, 0x316e8eefu,
      0x4669be79u, 0xcb61b38cu, 0xbc66831au, 0x256fd2a0u, 0x5268e236u,
      0xcc0c7795u, 0xbb0b4703u, 0x220216b9u, 0x5505262fu, 0xc5ba3bbeu,
      0xb2bd0b28u, 0x2bb45a92u, 0x5cb36a04u, 0xc2d7ffa7u, 0xb5d0cf31u,
      0x2cd99e8bu, 0x5bdeae1du, 0x9b64c2b0u, 0xec63f226u, 0x756aa39cu,
      0x026d930au, 0x9c0906a9u, 0xeb0e363fu, 0x72076785u, 0x05005713u,
      0x95bf4a82u, 0xe2b87a14u, 0x7bb12baeu, 0x0cb61b38u, 0x92d28e9bu,
      0xe5d5be0du, 0x7cdcefb7u, 0x0bdbdf21u, 0x86d3d2d4u, 0xf1d4e242u,
      0x68ddb3f8u, 0x1fda836eu, 0x81be16cdu, 0xf6b9265bu, 0x6fb077e1u,
      0x18b74777u, 0x88085ae6u, 0xff0f6a70u, 0x66063bcau, 0x11010b5cu,
      0x8f659effu, 0xf862ae69u, 0x616bffd3u, 0x166ccf45u, 0xa00ae278u,
      0xd70dd2eeu, 0x4e048354u, 0x3903b3c2u, 0xa7672661u, 0xd06016f7u,
      0x4969474du, 0x3e6e77dbu, 0xaed16a4au, 0xd9d65adcu, 0x40df0b66u,
      0x37d83bf0u, 0xa9bcae53u, 0xdebb9ec5u, 0x47b2cf7fu, 0x30b5ffe9u,
      0xbdbdf21cu, 0xcabac28au, 0x53b39330u, 0x24b4a3a6u, 0xbad03605u,
      0xcdd70693u, 0x54de5729u, 0x23d967bfu, 0xb3667a2eu, 0xc4614ab8u,
      0x5d681b02u, 0x2a6f2b94u, 0xb40bbe37u, 0xc30c8ea1u, 0x5a05df1bu,
      0x2d02ef8du,
};

/* Slicing-by-8 for long inputs: eight bytes a step through eight tables,
 * t[k][i] being the CRC of byte i followed by k zero bytes. The tables
 * (8 KiB) are derived from crc_table on the stack, which costs less than
 * a few KiB of input. Advances *[ps] and *[pn] by whole 8-byte steps. */
static uint32_t crc_sliced(const unsigned char **ps, size_t *pn,
                           uint32_t crc) {
  uint32_t t[8][256];
  memcpy(t[0], crc_table, sizeof t[0]);
  for (int k = 1; k < 8; k++)
    for (int i = 0; i < 256; i++)
      t[k][i] = (t[k - 1][i] >> 8) ^ crc_table[t[k - 1][i] & 0xffu];
  const unsigned char *s = *ps;
  size_t n = *pn;
  for (; n >= 8; s += 8, n -= 8) {
    uint32_t lo = crc ^ ((uint32_t)s[0] | (uint32_t)s[1] << 8 |
                         (uint32_t)s[2] << 16 | (uint32_t)s[3] << 24);
    uint32_t hi = (uint32_t)s[4] | (uint32_t)s[5] << 8 |
                  (uint32_t)s[6] << 16 | (uint32_t)s[7] << 24;
    crc = t[7][lo & 0xffu] ^ t[6][(lo >> 8) & 0xffu] ^
          t[5][(lo >> 16) & 0xffu] ^ t[4][lo >> 24] ^ t[3][hi & 0xffu] ^
          t[2][(hi >> 8) & 0xffu] ^ t[1][(hi >> 16) & 0xffu] ^ t[0][hi >> 24];
  }
  *ps = s;
  *pn = n;
  return crc;
}

uint32_t dump_crc32(const void *p, size_t n) {
  const unsigned char *s = p;
  uint32_t crc = 0xffffffffu;
  if (n >= 2048)
    crc = crc_sliced(&s, &n, crc);
  for (; n > 0; n--, s++)
    crc = (crc >> 8) ^ crc_table[(crc ^ *s) & 0xffu];
  return ~crc;
}

uint32_t dump_isa(void) {
  static const char isa[] =
#define X(name, fmt, in, out, doc) #name " " #fmt " " #in " " #out "\n"
      OPCODES(X)
#undef X
      ;
  return dump_crc32(isa, sizeof isa - 1);
}

/* ==== little-endian output =============================================== */

static void put_u8(sbuf *b, uint32_t v) {
  char c = (char)(v & 0xffu);
  sb_put(b, &c, 1);
}

static void put_u32(sbuf *b, uint32_t v) {
  char c[4];
  for (int i = 0; i < 4; i++)
    c[i] = (char)((v >> (8 * i)) & 0xffu);
  sb_put(b, c, 4);
}

static void put_u64(sbuf *b, uint64_t v) {
  put_u32(b, (uint32_t)v);
  put_u32(b, (uint32_t)(v >> 32));
}

/* Overwrite the u32 at byte [at] of [b] (a section length). */
static void patch_u32(sbuf *b, size_t at, uint32_t v) {
  if (b->oom)
    return;
  for (int i = 0; i < 4; i++)
    b->p[at + (size_t)i] = (char)((v >> (8 * i)) & 0xffu);
}

/* Open a section: its tag, then room for its length. Returns where the
 * length goes, for end_section(). */
static size_t begin_section(sbuf *b, const char tag[4]) {
  sb_put(b, tag, 4);
  put_u32(b, 0);
  return b->len - 4;
}

static void end_section(sbuf *b, size_t at) {
  patch_u32(b, at, (uint32_t)(b->len - at - 4));
}

/* ==== the string table =================================================== */

/* Strings by content, each once; slots[] is an open-addressing index of
 * entry number + 1 (0 = empty), kept at most half full. */
typedef struct strtab {
  const char **s;
  uint32_t *len;
  uint32_t n, cap;
  uint32_t *slots;
  uint32_t nslots;
  bool oom;
  mem m;
} strtab;

static bool strtab_grow(strtab *t) {
  uint32_t cap = t->cap ? t->cap * 2 : 64, nslots = cap * 2;
  const char **s = mem_realloc(&t->m, t->s, cap * sizeof *s);
  if (s)
    t->s = s;
  uint32_t *len = mem_realloc(&t->m, t->len, cap * sizeof *len);
  if (len)
    t->len = len;
  uint32_t *slots = mem_calloc(&t->m, nslots, sizeof *slots);
  if (!s || !len || !slots) {
    mem_free(&t->m, slots);
    return false;
  }
  for (uint32_t i = 0; i < t->n; i++) { /* rehash */
    uint32_t h = val_hash_bytes(t->s[i], t->len[i]) & (nslots - 1);
    while (slots[h])
      h = (h + 1) & (nslots - 1);
    slots[h] = i + 1;
  }
  mem_free(&t->m, t->slots);
  t->slots = slots;
  t->nslots = nslots;
  t->cap = cap;
  return true;
}

/* The index of the [n] bytes at [s] in the table, added if new. */
static uint32_t intern(strtab *t, const char *s, size_t n) {
  if (t->oom || n > UINT32_MAX - 8)
    return t->oom = true, 0;
  if (t->n == t->cap && !strtab_grow(t))
    return t->oom = true, 0;
  uint32_t h = val_hash_bytes(s, n) & (t->nslots - 1);
  for (; t->slots[h]; h = (h + 1) & (t->nslots - 1)) {
    uint32_t i = t->slots[h] - 1;
    if (t->len[i] == n && memcmp(t->s[i], s, n) == 0)
      return i;
  }
  t->slots[h] = t->n + 1;
  t->s[t->n] = s;
  t->len[t->n] = (uint32_t)n;
  return t->n++;
}

static void strtab_free(strtab *t) {
  mem_free(&t->m, t->s);
  mem_free(&t->m, t->len);
  mem_free(&t->m, t->slots);
}

/* ==== writer ============================================================= */

typedef struct writer {
  sbuf *b;       /* the sections after the string table */
  strtab st;
  char *msg;
  size_t msglen;
  bool failed;   /* something cannot be written: msg says what */
  uint32_t version; /* the format written */
} writer;

/* A C string (or NULL) as a reference into the string table. */
static void put_str(writer *w, const char *s) {
  put_u32(w->b, s ? intern(&w->st, s, strlen(s)) : NO_STRING);
}

/* The format's codes for value kinds: fixed by docs/bytecode.md, so a
 * reordered val_kind enum cannot silently change the format. */
static int kind_tag(int kind) {
  switch (kind) {
  case V_NULL: return 0;
  case V_BOOL: return 1;
  case V_INT: return 2;
  case V_UINT: return 3;
  case V_DOUBLE: return 4;
  case V_STRING: return 5;
  case V_BYTES: return 6;
  case V_LIST: return 7;
  case V_MAP: return 8;
  case V_DURATION: return 9;
  case V_TIMESTAMP: return 10;
  case V_TYPE: return 11;
  case V_OPTIONAL: return 12; /* only as the type a type value names */
  case T_DYN: return 13;      /* likewise; `any` in fact types */
  default: return -1;
  }
}

static void put_value(writer *w, val v) {
  int tag = kind_tag(v.kind);
  if (tag < 0 || tag > 11) { /* optionals and errors are never constants */
    snprintf(w->msg, w->msglen, "a constant of kind %s cannot be saved",
             val_kind_name(v.kind));
    w->failed = true;
    return;
  }
  put_u8(w->b, (uint32_t)tag);
  switch (v.kind) {
  case V_BOOL: put_u8(w->b, v.as.b ? 1 : 0); break;
  case V_INT:
  case V_UINT:
  case V_DOUBLE: put_u64(w->b, v.as.u); break; /* the same 8 bytes */
  case V_STRING:
  case V_BYTES:
    put_u32(w->b, intern(&w->st, v.as.s->data, v.as.s->len));
    break;
  case V_LIST:
    put_u32(w->b, v.as.l->n);
    for (uint32_t i = 0; i < v.as.l->n; i++)
      put_value(w, v.as.l->items[i]);
    break;
  case V_MAP:
    put_u32(w->b, v.as.m->n);
    for (uint32_t i = 0; i < v.as.m->n; i++) {
      put_value(w, v.as.m->keys[i]);
      put_value(w, v.as.m->vals[i]);
    }
    break;
  case V_DURATION:
  case V_TIMESTAMP:
    put_u64(w->b, v.as.u);
    put_u32(w->b, (uint32_t)v.aux);
    break;
  case V_TYPE:
    if (kind_tag(v.aux) < 0) {
      snprintf(w->msg, w->msglen, "a type constant (%d) cannot be saved",
               v.aux);
      w->failed = true;
    }
    put_u8(w->b, (uint32_t)kind_tag(v.aux));
    break;
  default: break;
  }
}

/* ==== program sections =================================================== */

static void put_consts(writer *w, const program *p) {
  size_t at = begin_section(w->b, "CNST");
  put_u32(w->b, p->nconsts);
  for (uint32_t i = 0; i < p->nconsts; i++)
    put_value(w, p->consts[i]);
  end_section(w->b, at);
}

/* A style bit and an arity under which bi_lookup finds [b] again, or
 * false if there is none (two entries that shadow each other). */
static bool lookup_key(const builtin *b, int *style, int *n) {
  int hi = b->max < 0 ? b->min + 8 : b->max;
  for (int s = BI_GLOBAL; s <= BI_RECEIVER; s <<= 1)
    for (int k = b->min; (b->style & s) && k <= hi && k <= 127; k++)
      if (bi_lookup(b->name, s, k, NULL) == b) {
        *style = s;
        *n = k;
        return true;
      }
  return false;
}

/* One function: kind (0 built-in, 1 host), name, the style and arity
 * that find it, its arity range, and a host function's signature. */
static void put_fn(writer *w, const builtin *b) {
  int style = 0, n = 0;
  bool host = b->fn == NULL;
  if (!host && !lookup_key(b, &style, &n)) {
    snprintf(w->msg, w->msglen, "function '%s' cannot be named in a saved "
             "policy", b->name);
    w->failed = true;
  }
  put_u8(w->b, host ? 1 : 0);
  put_str(w, b->name);
  put_u8(w->b, (uint32_t)style);
  put_u8(w->b, (uint32_t)n);
  put_u8(w->b, (uint32_t)(uint8_t)b->min);
  put_u8(w->b, (uint32_t)(uint8_t)b->max);
  put_str(w, host ? host_signature(b) : NULL);
}

static void put_fns(writer *w, const program *p) {
  size_t at = begin_section(w->b, "FUNC");
  put_u32(w->b, p->nfns);
  for (uint32_t i = 0; i < p->nfns; i++)
    put_fn(w, p->fns[i]);
  end_section(w->b, at);
}

static void put_code(writer *w, const program *p) {
  size_t at = begin_section(w->b, "CODE");
  put_u32(w->b, p->ncode);
  for (uint32_t i = 0; i < p->ncode; i++)
    put_u32(w->b, p->code[i]);
  end_section(w->b, at);
  at = begin_section(w->b, "LOCS");
  put_u32(w->b, p->ncode);
  for (uint32_t i = 0; i < p->ncode; i++) {
    const loc *l = &p->locs[i];
    put_u32(w->b, l->off);
    put_u32(w->b, l->len);
    put_u32(w->b, l->line);
    put_u32(w->b, l->col);
    put_u32(w->b, l->src);
  }
  end_section(w->b, at);
}

static void put_sources(writer *w, const program *p) {
  size_t at = begin_section(w->b, "SRCS");
  put_u32(w->b, p->nsrcs);
  for (uint32_t i = 0; i < p->nsrcs; i++) {
    put_str(w, p->srcs[i].name);
    put_u32(w->b, p->srcs[i].len);
    sb_put(w->b, p->srcs[i].text, p->srcs[i].len);
  }
  end_section(w->b, at);
  at = begin_section(w->b, "PROG");
  put_u32(w->b, dump_isa());
  put_u32(w->b, p->nlocals);
  put_u32(w->b, p->maxstack);
  put_u32(w->b, p->nrx); /* the constant patterns MATCH uses */
  for (uint32_t i = 0; i < p->nrx; i++)
    put_u32(w->b, p->rx_const[i]);
  end_section(w->b, at);
}

/* ==== policy sections ==================================================== */

static void put_header(writer *w, const policy *p) {
  size_t at = begin_section(w->b, "HEAD");
  put_str(w, p->name);
  put_str(w, p->title);
  put_str(w, p->version);
  put_str(w, p->description);
  put_str(w, p->file);
  end_section(w->b, at);
}

/* Where an expression's text is (policy.h expr_src); its line and
 * column follow from the source, so loading works them out. */
static void put_text(writer *w, const expr_src *e) {
  put_u32(w->b, e->src);
  put_u32(w->b, e->off);
  put_u32(w->b, e->len);
}

static void put_rule(writer *w, const rule *r) {
  put_str(w, r->id);
  put_str(w, r->title);
  put_u8(w->b, (uint32_t)r->sev);
  put_u32(w->b, r->nrefs);
  for (uint32_t i = 0; i < r->nrefs; i++)
    put_str(w, r->refs[i]);
  put_u32(w->b, (uint32_t)r->when); /* -1 reads back as "none" */
  put_u32(w->b, r->require);
  put_u32(w->b, r->message ? r->nmessage : NO_STRING);
  for (uint32_t i = 0; r->message && i < r->nmessage; i++) {
    put_str(w, r->message[i].text);
    put_u32(w->b, (uint32_t)r->message[i].entry);
  }
  put_str(w, r->ask);
  put_str(w, r->ask_en);
  if (w->version >= 7) /* which facts the ask is for (questions.c) */
    put_u8(w->b, r->ask_derived ? 1u : 0u);
  put_str(w, r->file);
  put_u32(w->b, r->line);
  put_u32(w->b, r->col);
  put_text(w, &r->when_at);
  put_text(w, &r->require_at);
}

static void put_type(writer *w, const fact_type *t) {
  put_u8(w->b, (uint32_t)kind_tag(t->kind));
  if (t->kind == V_LIST || t->kind == V_MAP) {
    if (t->elem) {
      put_type(w, t->elem);
    } else { /* the parser always gives one; a dyn stands in */
      fact_type any = {T_DYN, NULL};
      put_type(w, &any);
    }
  }
}

static void put_facts(writer *w, const policy *p) {
  size_t at = begin_section(w->b, "FACT");
  put_u32(w->b, p->nfacts);
  for (uint32_t i = 0; i < p->nfacts; i++) {
    const fact_decl *f = &p->facts[i];
    put_str(w, f->path);
    put_type(w, f->type);
    put_value(w, f->allowed);
    if (w->version >= 5)
      put_value(w, f->labels);
    else if (f->labels.kind != V_NULL && !w->failed) {
      snprintf(w->msg, w->msglen, "fact '%s': format %u has no labels",
               f->path, w->version);
      w->failed = true;
    }
    put_str(w, f->desc);
    put_u32(w->b, f->nrefs);
    for (uint32_t k = 0; k < f->nrefs; k++)
      put_str(w, f->refs[k]);
    for (int l = 0; l < NLANGS; l++)
      put_str(w, f->ask[l]);
    put_str(w, f->file);
    put_u32(w->b, f->line);
    put_u32(w->b, f->col);
    /* which facts turn no schema check on (policy.nquiet) */
    if (w->version >= 6)
      put_u8(w->b, (f->derived ? 1u : 0u) | (f->prelude ? 2u : 0u));
  }
  end_section(w->b, at);
}

static void put_rules(writer *w, const policy *p) {
  size_t at = begin_section(w->b, "RULE");
  put_u32(w->b, p->nrules);
  for (uint32_t i = 0; i < p->nrules; i++)
    put_rule(w, &p->rules[i]);
  end_section(w->b, at);
}

/* The lets, by name, text and whether each is a derived fact's, for
 * residuals (residual_text.c). */
static void put_lets(writer *w, const policy *p) {
  size_t at = begin_section(w->b, "LETS");
  put_u32(w->b, p->nlets);
  for (uint32_t i = 0; i < p->nlets; i++) {
    put_str(w, p->lets[i].name);
    put_text(w, &p->lets[i].at);
    if (w->version >= 6) /* residuals of derived facts (residual_text.c) */
      put_u8(w->b, p->lets[i].derived ? 1 : 0);
  }
  end_section(w->b, at);
}

/* ==== the file =========================================================== */

static void put_strings(sbuf *out, const strtab *t) {
  size_t at = begin_section(out, "STRS");
  put_u32(out, t->n);
  for (uint32_t i = 0; i < t->n; i++) {
    put_u32(out, t->len[i]);
    sb_put(out, t->s[i], t->len[i]);
  }
  end_section(out, at);
}

int dump_policy(const policy *p, sbuf *out, char *msg, size_t msglen) {
  return dump_policy_as(p, DUMP_VERSION, out, msg, msglen);
}

int dump_policy_as(const policy *p, uint32_t version, sbuf *out, char *msg,
                   size_t msglen) {
  if (version < DUMP_OLDEST || version > DUMP_VERSION) {
    snprintf(msg, msglen, "format version %u is not written", version);
    return POL_EINVAL;
  }
  sbuf body;
  sb_init(&body, &out->m); /* everything from [out]'s allocator */
  writer w = {&body, {0}, msg, msglen, false, version};
  w.st.m = out->m;
  const program *prog = p->prog;
  put_consts(&w, prog);
  put_fns(&w, prog);
  put_code(&w, prog);
  put_sources(&w, prog);
  put_header(&w, p);
  put_rules(&w, p);
  put_facts(&w, p);
  put_lets(&w, p);
  size_t start = out->len;
  sb_put(out, DUMP_MAGIC, DUMP_MAGIC_LEN);
  put_u32(out, version);
  put_u32(out, DUMP_PROBE);
  put_strings(out, &w.st);
  sb_put(out, body.p, body.len);
  int rc = POL_OK;
  if (w.failed) {
    rc = POL_EINVAL;
  } else if (w.st.oom || body.oom || out->oom) {
    snprintf(msg, msglen, "out of memory");
    rc = POL_ENOMEM;
  } else if (out->len - start > UINT32_MAX - 4) {
    snprintf(msg, msglen, "policy too large to save (over 4 GiB)");
    rc = POL_EINVAL;
  } else {
    put_u32(out, dump_crc32(out->p + start, out->len - start));
    rc = out->oom ? POL_ENOMEM : POL_OK;
  }
  sb_free(&body);
  strtab_free(&w.st);
  return rc;
}
