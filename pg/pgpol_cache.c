/*
 * pgpol_cache.c: the policies and expressions a backend has loaded,
 * keyed by a 64-bit hash of their bytes and confirmed by comparing the
 * bytes, so two policies never share an entry. Loading a saved policy
 * verifies all of it, which costs far more than a check: the cache makes
 * that once per backend (and per parallel worker) and policy.
 *
 * At most pol.cache_size entries; a miss when full evicts the entry used
 * longest ago. Each miss logs a DEBUG1 line. A changed limit GUC keeps
 * the entries (it changes the ctx's limits only).
 *
 * Each call site remembers its last entry in fn_extra (by slot and id, so
 * an eviction or a flush is noticed), and takes it again without hashing
 * when the argument is that entry's value:
 * - a constant: the same for as long as the call site exists;
 * - the same TOAST pointer as last time: a policy stored in a table is
 *   usually large enough to be toasted, and a join hands every row the
 *   same pointer, which would otherwise be fetched, decompressed and
 *   hashed per row. A TOAST pointer names one immutable value, and no
 *   live value shares its OID (PostGIS caches geometries the same way);
 * - else bytes equal to the entry's (a memcmp, cheaper than the hash).
 * Parameters are not trusted to stay put: PL/pgSQL keeps a call site
 * across statements whose variables change.
 */
#include "pgpol.h"

#include "access/detoast.h"
#include "common/hashfn.h"
#include "nodes/primnodes.h"
#include "utils/memutils.h"

/* What a call site remembers in fn_extra. */
typedef struct pin {
  int slot;   /* its last entry, while slots[slot].id == id */
  uint64 id;
  bool constant;           /* the argument is a Const */
  Oid toastrel, valueid;   /* else the TOAST pointer it was, if one */
} pin;

static MemoryContext cache_cxt; /* the entries and their bytes */
static pgpol_entry *slots;
static int nslots;
static uint64 last_id, tick;

/* ==== entries ============================================================ */

static void entry_free(pgpol_entry *e) {
  int m;
  for (m = 0; m < 3; m++) {
    pgpol_forget_report(e->rep[m]);
    pol_report_free(e->rep[m]); /* before the policy it borrows */
  }
  pol_policy_free(e->pol);
  pol_program_free(e->prog);
  if (e->bytes)
    pfree(e->bytes);
  memset(e, 0, sizeof *e);
}

void pgpol_cache_flush(void) {
  int i;
  for (i = 0; i < nslots; i++)
    entry_free(&slots[i]);
}

/* The slot array, (re)made for the current pol.cache_size. */
static void ensure_slots(void) {
  if (!cache_cxt)
    cache_cxt = AllocSetContextCreate(TopMemoryContext, "policyc cache",
                                      ALLOCSET_DEFAULT_SIZES);
  if (slots && nslots == pgpol_cache_size)
    return;
  pgpol_cache_flush();
  if (slots)
    pfree(slots);
  slots = NULL;
  nslots = 0;
  slots = MemoryContextAllocZero(cache_cxt,
                                 sizeof(pgpol_entry) * pgpol_cache_size);
  nslots = pgpol_cache_size;
}

static uint64 key_hash(bool program, const char *p, Size len) {
  return hash_bytes_extended((const unsigned char *)p, (int)len,
                             program ? 2 : 1);
}

static pgpol_entry *find(bool program, const char *p, Size len, uint64 h) {
  int i;
  for (i = 0; i < nslots; i++) {
    pgpol_entry *e = &slots[i];
    if (e->id && e->hash == h && e->len == len &&
        (e->prog != NULL) == program && memcmp(e->bytes, p, len) == 0)
      return e;
  }
  return NULL;
}

/* A free slot, else the one used longest ago, emptied. */
static pgpol_entry *victim(void) {
  pgpol_entry *v = &slots[0];
  int i;
  for (i = 0; i < nslots && v->id; i++)
    if (!slots[i].id || slots[i].used < v->used)
      v = &slots[i];
  if (v->id)
    entry_free(v);
  return v;
}

/* ==== loading on a miss ================================================== */

/* Load or compile [p] into a new entry. Everything that can throw comes
 * first: once libpol has made a handle, nothing may throw before the
 * entry owns it. */
static pgpol_entry *load(pgpol_state *st, bool program, const char *p,
                         Size len, uint64 h) {
  int n = (int)len;
  const char *src = program ? pgpol_to_utf8(p, &n) : p;
  char *copy = MemoryContextAlloc(cache_cxt, len);
  pol_policy *pol = NULL;
  pol_program *prog = NULL;
  pgpol_entry *e;
  int rc;
  memcpy(copy, p, len);
  if (program)
    rc = pol_compile_expr(st->env, src, (size_t)n, NULL, NULL, &prog);
  else
    rc = pol_policy_load(st->env, p, len, "policy", &pol);
  if (rc != POL_OK) {
    pfree(copy);
    if (program)
      pgpol_raise_compile(st->env, rc, src, (size_t)n);
    pgpol_raise(rc, pol_env_errmsg(st->env));
  }
  e = victim();
  e->id = ++last_id;
  e->hash = h;
  e->len = len;
  e->bytes = copy;
  e->pol = pol;
  e->prog = prog;
  /* DEBUG1, so that a test (and an operator sizing pol.cache_size) can
   * see which calls load and which find their entry cached. Logged once
   * the entry owns the handles, as it may throw. */
  ereport(DEBUG1, (errmsg_internal("policyc: cache miss: loaded %s",
                                   program ? "an expression" : "a policy")));
  return e;
}

/* Whether [raw] is a TOAST pointer, and which. */
static bool toast_pointer(struct varlena *raw, Oid *rel, Oid *value) {
  struct varatt_external ve;
  if (!VARATT_IS_EXTERNAL_ONDISK(raw))
    return false;
  VARATT_EXTERNAL_GET_POINTER(ve, raw);
  *rel = ve.va_toastrelid;
  *value = ve.va_valueid;
  return true;
}

/* Whether argument [argno] of the call is a Const. */
static bool arg_is_const(FmgrInfo *f, int argno) {
  List *args;
  if (!f->fn_expr || !IsA(f->fn_expr, FuncExpr))
    return false;
  args = ((FuncExpr *)f->fn_expr)->args;
  return argno < list_length(args) && IsA(list_nth(args, argno), Const);
}

/* The call site's last entry, if it is still there. */
static pgpol_entry *last_entry(const pin *pn) {
  if (!pn || pn->slot >= nslots || slots[pn->slot].id != pn->id)
    return NULL;
  return &slots[pn->slot];
}

/* The last entry, if the argument [raw] is surely its value without
 * reading it: a constant, or the same TOAST pointer. */
static pgpol_entry *same_pointer(const pin *pn, struct varlena *raw) {
  pgpol_entry *e = last_entry(pn);
  Oid rel, value;
  if (e && (pn->constant || (toast_pointer(raw, &rel, &value) &&
                             rel == pn->toastrel && value == pn->valueid)))
    return e;
  return NULL;
}

/* The last entry, if it holds the bytes [p] of [len]. */
static pgpol_entry *same_bytes(const pin *pn, const char *p, Size len) {
  pgpol_entry *e = last_entry(pn);
  return e && e->len == len && memcmp(e->bytes, p, len) == 0 ? e : NULL;
}

static void remember(FmgrInfo *f, int argno, pgpol_entry *e,
                     struct varlena *raw) {
  pin *pn = f->fn_extra;
  if (!pn)
    pn = f->fn_extra = MemoryContextAllocZero(f->fn_mcxt, sizeof(pin));
  pn->slot = (int)(e - slots);
  pn->id = e->id;
  pn->constant = arg_is_const(f, argno);
  if (!toast_pointer(raw, &pn->toastrel, &pn->valueid))
    pn->toastrel = pn->valueid = InvalidOid;
}

static pgpol_entry *get(FunctionCallInfo fcinfo, int argno, bool program) {
  struct varlena *raw = (struct varlena *)PG_GETARG_POINTER(argno);
  pin *pn = fcinfo->flinfo->fn_extra;
  struct varlena *arg;
  const char *p;
  Size len;
  pgpol_entry *e;
  uint64 h;
  pgpol_state *st = pgpol_state_get();
  ensure_slots();
  e = same_pointer(pn, raw);
  if (!e) {
    arg = PG_DETOAST_DATUM_PACKED(PointerGetDatum(raw));
    p = VARDATA_ANY(arg);
    len = VARSIZE_ANY_EXHDR(arg);
    e = same_bytes(pn, p, len);
    if (!e) {
      h = key_hash(program, p, len);
      e = find(program, p, len, h);
      if (!e)
        e = load(st, program, p, len, h);
    }
    remember(fcinfo->flinfo, argno, e, raw);
  }
  e->used = ++tick;
  return e;
}

pgpol_entry *pgpol_policy_arg(FunctionCallInfo fcinfo, int argno) {
  return get(fcinfo, argno, false);
}

pgpol_entry *pgpol_program_arg(FunctionCallInfo fcinfo, int argno) {
  return get(fcinfo, argno, true);
}

pol_report *pgpol_entry_report(pgpol_entry *e, int mode) {
  if (!e->rep[mode] &&
      pol_report_new(e->pol, mode, &e->rep[mode]) != POL_OK)
    ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY),
                    errmsg("out of memory making a policy report")));
  return e->rep[mode];
}
