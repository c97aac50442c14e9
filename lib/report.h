/*
 * report.h: the verdict model. A report holds, for one policy, the
 * results of the vendors checked since it was made or last reset (in the
 * order they were checked): per rule a verdict, the facts it read, the
 * facts it missed, its message and, for ERROR, the reason.
 *
 * A report refers to the fact sets it was made from instead of copying
 * them: a fact is a (container, entry) pair into the fact set (fact_ref),
 * and its path, value, evidence and withheld mark are worked out from the
 * facts when someone reads or renders them (report_path.c). So checking
 * costs no copy and no string formatting, and a fact set must outlive
 * the use of every report made from it (report_detach() ends that).
 * report.c fills a report by evaluating the policy; render*.c write it.
 */
#ifndef POL_REPORT_H
#define POL_REPORT_H

#include "policy.h"
#include "residual.h"
#include "vm.h"

typedef enum { VD_PASS, VD_FAIL, VD_UNKNOWN, VD_ERROR, VD_SKIPPED } verdict;

/* How an UNKNOWN must-rule counts for compliance. */
typedef enum { UNKNOWN_FAIL, UNKNOWN_WARN, UNKNOWN_IGNORE } unknown_mode;

/* A rule shows at most this many facts read; the rest are counted
 * (rule_result.more), except the items that decided a quantifier, which
 * are always shown. docs/report-format.md documents the cap. */
#define REPORT_READS_MAX 8
/* ... and at most this many missing facts. */
#define REPORT_MISSING_MAX 64
/* How many metadata keys ($vendor, its fields, $evidence, ...) report.c
 * looks up in each vendor's facts. */
#define REPORT_META_KEYS 9

typedef enum {
  FR_READ,    /* entry [entry] of [obj] was read: a fact and its value */
  FR_ABSENT,  /* a presence test found no [key] in [obj] */
  FR_SIZE,    /* size() of the container [obj]: its path is size(P) and
                 its value (in [value]) the number of items */
  FR_MISSING  /* [key] (then [suffix]) was not there: the rule needs it */
} fact_ref_kind;

/* One fact a rule read or missed, as a place in the fact set. */
typedef struct fact_ref {
  const void *obj;      /* the fact map or list (as okind says); NULL for
                           a variable missing from an empty fact set */
  val key;              /* ABSENT, MISSING: the key not found (copied) */
  const val *suffix;    /* MISSING: the keys the rule selected below the
                           missing one (a.b.c when a is missing: b, c) */
  uint32_t nsuffix;
  uint32_t entry;       /* READ: the entry of obj */
  uint8_t kind;         /* fact_ref_kind */
  uint8_t okind;        /* V_MAP or V_LIST */
  bool decided;         /* READ: this item decided an all() or exists() */
  /* filled when first asked for (report_path.c), or by report_detach */
  const char *path;     /* CEL path text: a.b["k"][2] */
  const str *evidence;  /* the $evidence citation, or NULL */
  uint32_t ev_off, ev_len; /* it is the citation of path[ev_off,
                           ev_off + ev_len): the whole path, an ancestor's,
                           or for size(P) P's */
  bool withheld;        /* MISSING: listed (or under a path listed) in
                           $withheld */
  bool assumed;         /* READ: the value is an assumption ($assumed) */
  bool resolved;        /* path, evidence and withheld are filled */
  bool detached;        /* READ: [value] holds a copy (report_detach) */
  bool path_plain;      /* path is made of identifiers, indexes and
                           "size()" alone: nothing in it a JSON string
                           escapes (report_resolve_memo; false: unknown) */
  val value;            /* SIZE, and READ once detached */
} fact_ref;

/* A (pointer, number) pair of report.c's scratch sets. */
typedef struct seen_place {
  const void *p;
  uint32_t n;
  uint32_t gen;  /* the set's generation that filled it; else empty */
} seen_place;

/* What an UNKNOWN rule still depends on (residual.h), with the marks of
 * its decisive facts, worked out when first read (report_residual.c). */
typedef struct rule_unknown {
  int status;           /* POL_OK; else why there is no residual */
  residual r;
  fact_ref *facts;      /* the decisive facts, as missing facts (FR_MISSING,
                           resolved: path, withheld, the citation of a
                           refusal), r.nfacts of them */
  const char *false_when; /* SKIPPED (not UNKNOWN): the part of `when`
                           that was false (residual_skipped), or the
                           `when` as written; NULL when there is neither */
} rule_unknown;

/* A waiver (waivers.c): one rule's non-PASS accepted for one vendor,
 * until a date. */
typedef struct waiver {
  uint32_t rule;        /* the rule's index in the policy */
  uint32_t next;        /* the vendor's next waiver + 1, or 0 */
  uint32_t last;        /* in the vendor's first: its last waiver + 1 */
  const char *vendor;   /* the vendor's name (vendor_result.name) */
  const char *owner, *justification, *ticket; /* may be NULL */
  const char *expires;  /* "YYYY-MM-DD", or NULL: no expiry */
  int64_t expires_sec;  /* its midnight UTC: valid through that day */
} waiver;

typedef struct waiver_set {
  const policy *pol;
  waiver *w;
  size_t n, cap;
  name_index by_vendor; /* vendor name -> its first waiver (the others
                           follow by next); empty until the first one */
  uint64_t *pairs;      /* a set of (the vendor's first waiver + 1) << 32
                           | the rule, one per waiver: how a second
                           waiver of a rule is refused; 0 is empty */
  uint32_t pairs_cap;   /* 0 or a power of two, over twice n */
  uint64_t probes;      /* slots of [pairs] read, over the set's life:
                           tests show it linear in the waivers */
  arena a;              /* the strings */
} waiver_set;

typedef struct rule_result {
  verdict v;
  const waiver *waiver; /* a waiver for this rule and vendor, applied to
                           a FAIL, UNKNOWN or ERROR; or NULL */
  bool waiver_expired;  /* ... that had expired at the as-of date, so it
                           did not apply */
  bool unchecked;       /* SKIPPED because report_check_rule checked
                           another rule alone: its `when` was never
                           evaluated, so no report may say it was false */
  bool limit;           /* ERROR: an evaluation limit (ERR_LIMIT), not an
                           error of the policy or the data, so a host can
                           tell them apart without reading [reason] */
  const char *reason;   /* ERROR: "file:line:col: message"; else NULL */
  const val *msg_vals;  /* the values of the message template's {expr}
                           parts, taken when checked (one per part), or
                           NULL: no message; report_message() writes it */
  const char *message;  /* the written message, once asked for */
  uint32_t refs;        /* its facts are report.refs[refs, refs+nrefs): */
  uint32_t nused;       /* first the reads (READ, ABSENT), */
  uint32_t nmissing;    /* then the missing facts (UNKNOWN only) */
  uint32_t more;        /* reads left out over REPORT_READS_MAX */
} rule_result;

typedef struct vendor_result {
  const char *name;     /* $vendor.name, else the source's base name */
  const char *service, *document, *version, *date; /* $vendor.*, or NULL */
  /* (these point into the fact set, or into the report's arena) */
  const char *source;   /* the file (or "file:line" in NDJSON), copied */
  const map *vars;      /* the fact set (NULL after report_detach) */
  const map *evidence;  /* $evidence, or NULL */
  const list *withheld; /* $withheld, or NULL */
  const list *assumed;  /* $assumed (pol_facts_assume), or NULL */
  struct listed_index *withheld_ix, *assumed_ix; /* the two lists by
                           the hash of each entry, when long; else NULL
                           (report_path.c, report_index_listed) */
  uint64_t listed_compares; /* entries of the two lists compared with a
                           path, over the vendor's checks: tests show it
                           linear in the paths, not paths x entries */
  rule_result *rules;   /* one per policy rule, in policy order */
  /* (kept out of rule_result, which checking clears for every rule:) */
  rule_unknown **unknowns; /* per rule, its residual once read; the
                           array is made when the first is read */
  uint8_t *was;         /* checked with assumptions (pol_facts_assume):
                           per rule 1 + its verdict without them; else
                           NULL */
  bool has_now;         /* now() in its checks was now_sec (an as-of
                           date), not the clock: its residuals, worked
                           out later, take the same date */
  int64_t now_sec;
  bool compliant;
  uint32_t count[5][3]; /* [verdict][severity], waived or not */
  uint32_t nwaived;     /* rules whose verdict a waiver accepted */
} vendor_result;

/* The scratch of checking (report.c): the places of a rule's trace and
 * a set of them, grown to the largest rule and kept from check to check.
 * Its owner is the caller (a pol_ctx, one per thread), which lends it to
 * each check: a thread that checks into many reports (policyc check
 * --jobs keeps a report per slot) then keeps one warm copy of it, not
 * one per report, and a report holds only results. */
typedef struct report_scratch {
  mem m;
  struct check_work *work;
  void *seen;           /* the set of places (report.c) */
  size_t cap_seen;
  uint32_t seen_gen;
} report_scratch;

POL_INTERNAL void report_scratch_init(report_scratch *sc, const mem *m);
POL_INTERNAL void report_scratch_free(report_scratch *sc);

typedef struct report {
  const policy *pol;
  unknown_mode unknown;
  const waiver_set *waivers; /* applied to each vendor; NULL: none */
  bool has_as_of;       /* as_of is the evaluation date (now(), waiver
                           expiry); else the clock */
  int64_t as_of;
  vendor_result *vendors;
  uint32_t nvendors;
  size_t cap;           /* vendors allocated */
  fact_ref *refs;       /* every vendor's facts; heap, kept on reset */
  size_t nrefs, cap_refs;
  report_scratch *sc;   /* during one check: the caller's scratch */
  residual_ctx *rctx;   /* for residuals, made when first needed */
  struct fact_sites *sites; /* report_resolve_site's, kept across
                           vendors (report_path.c); NULL until used */
  const map *base;      /* during one check of assumed facts: the facts
                           without the assumptions, for rule_result.was */
  uint64_t max_steps;   /* the limits of the last check, for residuals */
  size_t max_memory;
  uint64_t decider_steps; /* places looked up for deciding items, over
                             the report's life: tests show it linear in
                             the reads (report.c, decided) */
  uint32_t meta_hash[REPORT_META_KEYS]; /* the hashes of the metadata
                           keys report.c looks up ($vendor, ...) */
  arena a;              /* strings, copied keys, detached values */
  sbuf tmp;             /* scratch for rendering messages and paths */
  struct policy *vocab; /* the standard vocabulary, for questions about
                           facts the policy does not declare (questions.c);
                           NULL until needed */
  bool vocab_tried;     /* vocab was compiled (or failed to be) */
  bool oom;             /* something could not be stored */
} report;

POL_INTERNAL void report_init(report *r, const policy *pol,
                              unknown_mode unknown);
POL_INTERNAL void report_free(report *r);
/* Drop every vendor, keeping the memory for reuse. */
POL_INTERNAL void report_reset(report *r);
/* Evaluate every rule of r->pol against the fact set [vars] (its
 * variables map, as val_adopt made it; it may hold $vendor, $evidence and
 * $withheld), named [from], and append the vendor's results. [v] is a
 * vm of the caller's thread, [sc] that thread's scratch. Returns POL_OK,
 * POL_ENOMEM, or POL_EINTERRUPT when v's interrupt callback asked to stop
 * (the vendor is then not added). */
POL_INTERNAL int report_check(report *r, vm *v, report_scratch *sc,
                              const map *vars, const char *from);
/* Check only rule [i]: like report_check, for a vendor of one result. */
POL_INTERNAL int report_check_rule(report *r, vm *v, report_scratch *sc,
                                   const map *vars, const char *from,
                                   uint32_t i);
POL_INTERNAL const char *verdict_name(verdict v); /* "PASS", ... */
/* Whether rule result [rr] was accepted by a waiver that had not expired
 * (a waived result does not count against compliance). */
static inline bool rule_waived(const rule_result *rr) {
  return rr->waiver && !rr->waiver_expired;
}

/* ---- waivers (waivers.c) ---- */
POL_INTERNAL void waivers_init(waiver_set *s, const policy *pol);
POL_INTERNAL void waivers_free(waiver_set *s);
/* Add a waiver of rule [rule_id] for [vendor]; the strings are copied.
 * Returns NULL, or what is wrong (in [msg] of [cap] bytes): an unknown
 * rule (with a suggestion), a bad date, a second waiver of the same
 * rule for the same vendor. */
POL_INTERNAL const char *waivers_add(waiver_set *s, const char *rule_id,
                                     const char *vendor, const char *owner,
                                     const char *justification,
                                     const char *ticket, const char *expires,
                                     char *msg, size_t cap);
/* Apply the waivers of r->waivers to vendor [vr] (checked just now). */
POL_INTERNAL void waivers_apply(const report *r, vendor_result *vr);

/* ---- facts, named on demand (report_path.c) ---- */

/* Fill [f]'s path, evidence and withheld mark from vendor [vr]'s facts,
 * once. false on out of memory. */
POL_INTERNAL bool report_resolve(const report *r, const vendor_result *vr,
                                 fact_ref *f);
/* What report_resolve_memo remembers of the containers it named while
 * one vendor is rendered: a fact set's facts sit in few containers
 * (checksheet.items, subprocessors[2]), so each container's path, the
 * hash of that text and its nearest $evidence citation are worked out
 * once, not once per fact. A caller's own scratch, for one vendor: it
 * points into that vendor's fact set and into the report's arena. */
#define PATH_MEMO_SLOTS 256 /* a power of 2; 3/4 of them are used */
typedef struct path_slot {
  const void *obj;      /* the container; NULL: a free slot */
  const char *text;     /* its path: a prefix of a fact's path */
  const str *ev;        /* the citation of it or its nearest ancestor */
  uint32_t len, hash;   /* the path's length and val_hash_bytes */
  uint32_t ev_len;      /* ev cites text[0, ev_len) */
  uint32_t depth;       /* steps from the root */
  bool plain;           /* text as fact_ref's path_plain */
} path_slot;
/* ... and the facts it named that several rules read (a READ or a
 * SIZE): the same place, the same path, citation and marks. */
#define PATH_MEMO_FACTS 128 /* a power of 2; 3/4 of them are used */
typedef struct fact_slot {
  const void *obj;      /* the fact's container; NULL: a free slot */
  const char *path;
  const str *evidence;
  uint32_t entry, ev_off, ev_len;
  uint8_t kind;         /* FR_READ or FR_SIZE (entry 0) */
  bool assumed, path_plain;
} fact_slot;
typedef struct path_memo {
  const vendor_result *vr; /* the vendor whose containers these are */
  uint32_t n, nfacts;   /* slots used */
  path_slot slot[PATH_MEMO_SLOTS];
  fact_slot fact[PATH_MEMO_FACTS];
} path_memo;

/* Start [m] empty, for vendor [vr]. */
POL_INTERNAL void report_memo_init(path_memo *m, const vendor_result *vr);
/* report_resolve, with the containers' paths and citations taken from
 * [m] (and added to it): the same path, evidence and marks. */
POL_INTERNAL bool report_resolve_memo(const report *r,
                                      const vendor_result *vr, fact_ref *f,
                                      path_memo *m);
/* A fact's place in the report's rules: rule [i]'s [k]th fact read, as
 * jfacts lists them; facts past the REPORT_SITES_PER_RULE'th of a rule
 * have none (REPORT_NO_SITE). */
#define REPORT_SITES_PER_RULE 8
#define REPORT_NO_SITE UINT32_MAX
/* report_resolve_memo, with what the fact read at [site] was for an
 * earlier vendor: when it is the same place (the same keys and indexes
 * from the root down), its path text and the ends of its steps are
 * reused, and only the vendor's own marks ($evidence, $assumed) are
 * looked up. The same path, evidence and marks as report_resolve. At
 * most REPORT_SITES_BYTES of texts are kept; past that they start
 * again. */
#define REPORT_SITES_BYTES (48u << 10)
POL_INTERNAL bool report_resolve_site(const report *r,
                                      const vendor_result *vr, fact_ref *f,
                                      path_memo *m, uint32_t site);
/* Free r->sites. */
POL_INTERNAL void report_sites_free(report *r);
/* How many sites r->sites knows, its bytes, its fresh starts and the
 * facts named from it, for the tests. */
POL_INTERNAL void report_sites_info(const report *r, size_t *known,
                                    size_t *bytes, size_t *resets,
                                    size_t *hits);
/* The value a READ [f] refers to. */
POL_INTERNAL val report_value(const fact_ref *f);
/* Append one step of a fact path, by the key [k], to [b]: .k for an
 * identifier, else ["k"] or [k]; at the [root] a variable name as is.
 * True when the step is an identifier (or an int): nothing in it that a
 * JSON string escapes. */
POL_INTERNAL bool report_key_step(sbuf *b, val k, bool root);
/* Append the CEL path of the place [obj]/[entry] (a container of kind
 * [okind] and one of its entries) to [b]: a.b["c d"][2]. */
POL_INTERNAL void report_place(sbuf *b, const void *obj, int okind,
                               uint32_t entry);
/* The message of rule [i] of vendor [vr], written from its template and
 * the values taken when checking, once (then cached); NULL when the rule
 * has none (or on out of memory). The values read as a person writes
 * them, in the words of the template's language (report_message.c). */
POL_INTERNAL const char *report_message(const report *r,
                                        const vendor_result *vr, uint32_t i);
/* Whether [f]'s citation is of another path than its own (an ancestor's,
 * or the container's of a size()). */
POL_INTERNAL bool report_cites_other(const fact_ref *f);
/* Resolve every fact of every vendor and copy every value the report
 * refers to into its own arena, so the fact sets may go. false on out of
 * memory. */
POL_INTERNAL bool report_detach(report *r);
/* ---- residuals, worked out on demand (report_residual.c) ---- */

/* The residual of rule [i] of vendor [vr] when it is UNKNOWN, worked out
 * once (then cached); NULL for another verdict, or on out of memory. Its
 * status says whether there is one. */
POL_INTERNAL const rule_unknown *report_unknown(const report *r,
                                                const vendor_result *vr,
                                                uint32_t i);
/* What made SKIPPED rule [i] of vendor [vr] not apply, into *[out]: the
 * part of its `when` that was false, worked out once (then cached), else
 * the `when` as written, else NULL (saved bytecode keeps no text, and
 * its tree did not parse). false only on out of memory. */
POL_INTERNAL bool report_skipped(const report *r, const vendor_result *vr,
                                 uint32_t i, const char **out);
/* Free the VM and scratch of residuals (report_free). */
POL_INTERNAL void report_residual_free(report *r);
/* Work out the residual of every UNKNOWN rule of [vr], and what made
 * each SKIPPED one not apply (before its fact set goes: report_detach).
 * false on out of memory. */
POL_INTERNAL bool report_unknowns(report *r, vendor_result *vr);
/* [w] ($withheld or $assumed) indexed by the hash of each entry, in
 * [a], when it is long enough for a scan per missing fact to matter;
 * NULL when short, or out of memory (the lists are then scanned). */
POL_INTERNAL struct listed_index *report_index_listed(arena *a,
                                                      const list *w);

/* Mark the missing fact [f] of vendor [vr], whose path is set (its
 * steps ending at [ends]): withheld or not, and the citation of a
 * refusal; [f] is resolved then (report_path.c). */
POL_INTERNAL void report_mark(const vendor_result *vr, fact_ref *f,
                              const uint32_t *ends, uint32_t nends);

/* The ends of the steps of [f]'s path, as report_mark takes them, into
 * [ends] (at most [cap]); their number. */
POL_INTERNAL uint32_t report_ref_ends(const report *r, const fact_ref *f,
                                      uint32_t *ends, uint32_t cap);

/* The facts of rule [i] of vendor [vr]: used ([missing] false) or
 * missing; *[n] gets their number. */
POL_INTERNAL fact_ref *report_refs(const report *r, const vendor_result *vr,
                                   uint32_t i, bool missing, uint32_t *n);

#endif
