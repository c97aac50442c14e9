/*
 * floor.c: bench40.pol's 40 rules by hand, the floor of `make bench` (see
 * floor.h). One function per rule, each next to the rule it implements;
 * change them with gen.c's shapes and rules40.jq.
 *
 * A sub-expression's result is a tv: a CEL bool, or the error in its
 * place (ABSENT, which the report calls UNKNOWN, or any other ERROR).
 * Fact lookups return the value, or one of two sentinels standing for
 * those errors, so a path such as backup.generations is a chain of sel()
 * calls that passes the first failure on, as the VM does.
 */
#include <string.h>

#include "floor.h"

/* ==== names and constants ================================================
 * Every field name and string constant the rules use, hashed once. */

#define KEYS(X)                                                           \
  X(company, "company") X(name, "name") X(country, "country")             \
  X(hosting, "hosting") X(provider, "provider") X(region, "region")       \
  X(data, "data") X(location, "location") X(countries, "countries")       \
  X(encryption, "encryption") X(at_rest, "at_rest")                       \
  X(in_transit, "in_transit") X(enabled, "enabled")                       \
  X(tls_versions, "tls_versions") X(backup, "backup")                     \
  X(generations, "generations") X(frequency_hours, "frequency_hours")     \
  X(offsite, "offsite") X(availability, "availability")                   \
  X(sla_percent, "sla_percent") X(incident, "incident")                   \
  X(security_notice_hours, "security_notice_hours")                       \
  X(channels, "channels") X(log, "log") X(retention_days, "retention_days") \
  X(auth, "auth") X(mfa, "mfa") X(password_min_length, "password_min_length") \
  X(support, "support") X(hours, "hours") X(contact, "contact")           \
  X(email, "email") X(url, "url") X(certifications, "certifications")     \
  X(vendor, "vendor") X(subprocessors, "subprocessors")                   \
  X(jurisdiction, "jurisdiction") X(purpose, "purpose")                   \
  X(processing_countries, "processing_countries")                         \
  X(checksheet, "checksheet") X(items, "items") X(answer, "answer")       \
  X(note, "note") X(cs_1_1, "1.1") X(cs_1_2, "1.2") X(cs_3_2, "3.2")      \
  X(cs_5_4, "5.4") X(cs_6_1, "6.1") X(cs_7_3, "7.3") X(JP, "JP")          \
  X(US, "US") X(EU, "EU") X(DE, "DE") X(FR, "FR") X(IE, "IE")             \
  X(https, "https://") X(kk, "株式会社") X(iso27001, "ISO27001")          \
  X(ismap, "ISMAP") X(allday, "24時間") X(weekdays, "平日")               \
  X(infra, "インフラ") X(crypto, "暗号") X(v1_2, "1.2") X(v1_3, "1.3")    \
  X(payment, "決済処理") X(yes, "○") X(no, "×") X(na, "－")               \
  X(aws, "AWS") X(azure, "Azure") X(gcp, "GCP")                           \
  X(ap_northeast_1, "ap-northeast-1") X(ap_northeast_3, "ap-northeast-3") \
  X(japaneast, "japaneast") X(japanwest, "japanwest")                     \
  X(asia_northeast1, "asia-northeast1")                                   \
  X(asia_northeast2, "asia-northeast2") X(dot_jp, ".jp")

#define X(id, text) K_##id,
enum { KEYS(X) K_COUNT };
#undef X
_Static_assert((int)K_COUNT <= (int)FLOOR_MAX_KEYS, "raise FLOOR_MAX_KEYS");

void floor_init(floor *f) {
  static const char *const text[] = {
#define X(id, t) t,
      KEYS(X)
#undef X
  };
  for (int i = 0; i < K_COUNT; i++) {
    f->k[i].s = text[i];
    f->k[i].n = (uint32_t)strlen(text[i]);
    f->k[i].hash = val_hash_bytes(text[i], f->k[i].n);
  }
}

#define K(id) (&f->k[K_##id])
#define G(v, id) sel((v), K(id))

/* ==== values and errors ================================================== */

/* OTHER is a value that is not a bool where a bool is wanted: && and ||
 * prefer a real error on the other side to their own type error. */
typedef enum { F, T, ABSENT, ERROR, OTHER } tv;

/* Stand-ins for the two errors, told apart by their aux field. Facts
 * never hold an error value, so a V_ERROR val is always one of these. */
static const val absent_v = {.kind = V_ERROR, .aux = ABSENT};
static const val error_v = {.kind = V_ERROR, .aux = ERROR};

/* The error an operation on [v] gives when [v] is not what it takes:
 * the one [v] stands for, or a type error (no matching overload). */
static tv bad(const val *v) {
  return v->kind == V_ERROR ? (tv)v->aux : ERROR;
}

/* Field [k] of the map [m]; selecting from anything else is an error. */
static inline const val *sel(const val *m, const floor_key *k) {
  if (m->kind != V_MAP)
    return m->kind == V_ERROR ? m : &error_v;
  const val *x = map_get_str(m->as.m, k->s, k->n, k->hash);
  return x ? x : &absent_v;
}

/* CEL's && and ||, as cel-go has them: the deciding value wins over
 * anything on the other side; then the left error, then the right one;
 * then a type error for a non-bool operand. */
static bool is_err(tv t) { return t == ABSENT || t == ERROR; }

static tv and_(tv a, tv b) {
  if (a == F || b == F)
    return F;
  if (a == T && b == T)
    return T;
  return is_err(a) ? a : is_err(b) ? b : ERROR;
}

static tv or_(tv a, tv b) {
  if (a == T || b == T)
    return T;
  if (a == F && b == F)
    return F;
  return is_err(a) ? a : is_err(b) ? b : ERROR;
}

static tv bool_(const val *v) {
  if (v->kind == V_BOOL)
    return (tv)v->as.b;
  return v->kind == V_ERROR ? bad(v) : OTHER;
}

/* A fact's string longer than a few bytes has no hash (0: value.h). */
static inline bool is(const val *v, const floor_key *k) {
  return v->kind == V_STRING && (v->as.s->hash == k->hash || !v->as.s->hash) &&
         v->as.s->len == k->n && memcmp(v->as.s->data, k->s, k->n) == 0;
}

/* v == "k": values of different kinds are unequal, never an error. */
static tv eq(const val *v, const floor_key *k) {
  return v->kind == V_ERROR ? bad(v) : (tv)is(v, k);
}

static tv ne(const val *v, const floor_key *k) {
  tv t = eq(v, k);
  return t == T ? F : t == F ? T : t;
}

/* v in [k0, k1, ...]: a constant list of strings. */
static tv in_set(const floor *f, const val *v, const uint8_t *ids, int n) {
  if (v->kind == V_ERROR)
    return bad(v);
  for (int i = 0; i < n; i++)
    if (is(v, &f->k[ids[i]]))
      return T;
  return F;
}

/* "k" in v: an item of a list, or a key of a map. */
static tv has_item(const val *v, const floor_key *k) {
  if (v->kind == V_MAP)
    return map_get_str(v->as.m, k->s, k->n, k->hash) ? T : F;
  if (v->kind != V_LIST)
    return bad(v);
  for (uint32_t i = 0; i < v->as.l->n; i++)
    if (is(&v->as.l->items[i], k))
      return T;
  return F;
}

/* has(m.k) */
/* has(m.k): a presence test on the fact tree, so false, not absent,
 * when m is itself a missing fact (docs/language.md, has()). */
static tv has_field(const val *m, const floor_key *k) {
  if (m->kind == V_ERROR && m->aux == ABSENT)
    return F;
  if (m->kind != V_MAP)
    return bad(m);
  return map_get_str(m->as.m, k->s, k->n, k->hash) ? T : F;
}

/* What a macro iterates: a list's items or a map's keys. */
static bool range(const val *v, const val **items, uint32_t *n) {
  if (v->kind == V_LIST) {
    *items = v->as.l->items;
    *n = v->as.l->n;
    return true;
  }
  if (v->kind == V_MAP) {
    *items = v->as.m->keys;
    *n = v->as.m->n;
    return true;
  }
  return false;
}

/* ==== numbers ============================================================
 * CEL compares int, uint and double by value. JSON gives no NaN, and the
 * facts' numbers are far below 2^53, so doubles compare exactly here. */

static bool number(const val *v, double *d) {
  switch (v->kind) {
  case V_INT: *d = (double)v->as.i; return true;
  case V_UINT: *d = (double)v->as.u; return true;
  case V_DOUBLE: *d = v->as.d; return true;
  default: return false;
  }
}

static tv le(const val *v, double c) {
  double d;
  return number(v, &d) ? (tv)(d <= c) : bad(v);
}

static tv ge(const val *v, double c) {
  double d;
  return number(v, &d) ? (tv)(d >= c) : bad(v);
}

/* size(v): items, entries, or a string's code points; *[n] gets it. */
static tv size(const val *v, int64_t *n) {
  switch (v->kind) {
  case V_LIST: *n = v->as.l->n; return T;
  case V_MAP: *n = v->as.m->n; return T;
  case V_BYTES: *n = v->as.s->len; return T;
  case V_STRING: *n = (int64_t)utf8_count(v->as.s->data, v->as.s->len);
    return T;
  default: return bad(v);
  }
}

static tv size_ge(const val *v, int64_t c) {
  int64_t n = 0;
  tv t = size(v, &n);
  return t == T ? (tv)(n >= c) : t;
}

/* size(v) > 0, without counting a string's code points. */
static tv nonempty(const val *v) {
  switch (v->kind) {
  case V_STRING:
  case V_BYTES: return (tv)(v->as.s->len > 0);
  case V_LIST: return (tv)(v->as.l->n > 0);
  case V_MAP: return (tv)(v->as.m->n > 0);
  default: return bad(v);
  }
}

static tv size_le(const val *v, int64_t c) {
  int64_t n = 0;
  tv t = size(v, &n);
  return t == T ? (tv)(n <= c) : t;
}

/* ==== strings ============================================================
 * UTF-8 is searched bytewise: for valid UTF-8 a byte match is a code
 * point match, which is what CEL's functions promise. */

static tv starts(const val *v, const floor_key *k) {
  if (v->kind != V_STRING)
    return bad(v);
  return (tv)(v->as.s->len >= k->n && memcmp(v->as.s->data, k->s, k->n) == 0);
}

static tv ends(const val *v, const floor_key *k) {
  if (v->kind != V_STRING)
    return bad(v);
  const str *s = v->as.s;
  return (tv)(s->len >= k->n &&
              memcmp(s->data + s->len - k->n, k->s, k->n) == 0);
}

/* Whether [k] occurs in [s]/[n]: memchr for its first byte, then memcmp
 * (memmem would do, but it is a GNU extension). */
static bool search(const char *s, size_t n, const floor_key *k) {
  const char *end = s + n;
  if (k->n == 0)
    return true;
  while ((size_t)(end - s) >= k->n) {
    const char *p = memchr(s, k->s[0], (size_t)(end - s) - k->n + 1);
    if (!p)
      return false;
    if (memcmp(p, k->s, k->n) == 0)
      return true;
    s = p + 1;
  }
  return false;
}

static tv contains(const val *v, const floor_key *k) {
  if (v->kind != V_STRING)
    return bad(v);
  return (tv)search(v->as.s->data, v->as.s->len, k);
}

/* v >= "k", strings ordered bytewise (code point order in UTF-8). */
static tv str_ge(const val *v, const floor_key *k) {
  if (v->kind != V_STRING)
    return bad(v);
  const str *s = v->as.s;
  int c = memcmp(s->data, k->s, s->len < k->n ? s->len : k->n);
  return (tv)(c > 0 || (c == 0 && s->len >= k->n));
}

/* ==== the constant patterns of `matches`, as a C programmer would
 * write them: a scan, no regex engine. */

static bool lower(char c) { return c >= 'a' && c <= 'z'; }
static bool digit(char c) { return c >= '0' && c <= '9'; }

/* ^[a-z0-9._-]+@[a-z0-9.-]+\.[a-z]{2,}$ : the domain's last dot starts
 * the [a-z]{2,} tail (which holds no dot), and must not be its first
 * character. */
static bool email_ok(const char *s, size_t n) {
  size_t i = 0;
  while (i < n && (lower(s[i]) || digit(s[i]) || s[i] == '.' ||
                   s[i] == '_' || s[i] == '-'))
    i++;
  if (i == 0 || i == n || s[i] != '@')
    return false;
  size_t start = ++i, dot = 0;
  for (; i < n; i++) {
    if (s[i] == '.')
      dot = i;
    else if (!lower(s[i]) && !digit(s[i]) && s[i] != '-')
      return false;
  }
  if (dot <= start || n - dot - 1 < 2)
    return false;
  for (i = dot + 1; i < n; i++)
    if (!lower(s[i]))
      return false;
  return true;
}

/* [count] digits at s[*i], advancing past them. */
static bool digits(const char *s, size_t n, size_t *i, int count) {
  for (int d = 0; d < count; d++, (*i)++)
    if (*i >= n || !digit(s[*i]))
      return false;
  return true;
}

/* ^平日 ?[0-9]{1,2}:[0-9]{2}-(1[89]|2[0-3]):[0-9]{2}$ ; [wd] is 平日. */
static bool until_evening(const char *s, size_t n, const floor_key *wd) {
  if (n < wd->n || memcmp(s, wd->s, wd->n) != 0)
    return false;
  size_t i = wd->n;
  i += i < n && s[i] == ' ';
  if (!digits(s, n, &i, 1))
    return false;
  i += i < n && digit(s[i]);
  if (i >= n || s[i++] != ':' || !digits(s, n, &i, 2) || i >= n ||
      s[i++] != '-' || n - i != 5)
    return false;
  bool hour = (s[i] == '1' && (s[i + 1] == '8' || s[i + 1] == '9')) ||
              (s[i] == '2' && s[i + 1] >= '0' && s[i + 1] <= '3');
  i += 2;
  return hour && s[i++] == ':' && digits(s, n, &i, 2);
}

/* ==== the rules ==========================================================
 * Each function computes a rule's `require` ([x] is the fact set), with
 * the rule's text above it. Where the left side of && or || decides, the
 * right side is not computed, as in the VM. */

typedef tv rule_fn(const floor *f, const val *x);

/* backup.generations >= 7 */
static tv backup_generations(const floor *f, const val *x) {
  return ge(G(G(x, backup), generations), 7);
}

/* "JP" in data.location.countries */
static tv data_in_japan(const floor *f, const val *x) {
  return has_item(G(G(G(x, data), location), countries), K(JP));
}

/* contact.url.startsWith("https://") */
static tv contact_url_https(const floor *f, const val *x) {
  return starts(G(G(x, contact), url), K(https));
}

/* subprocessors.all(s, s.jurisdiction in ["JP", "EU"]) */
static tv subprocessor_jurisdiction(const floor *f, const val *x) {
  static const uint8_t allowed[] = {K_JP, K_EU};
  const val *l = G(x, subprocessors), *s;
  uint32_t n;
  if (!range(l, &s, &n))
    return bad(l);
  tv all = T; /* false wins; else the first error */
  for (uint32_t i = 0; i < n; i++) {
    tv t = in_set(f, G(&s[i], jurisdiction), allowed, 2);
    if (t == F)
      return F;
    if (all == T)
      all = t;
  }
  return all;
}

/* checksheet.items["3.2"].answer == "○" */
static tv cs_access_control(const floor *f, const val *x) {
  return eq(G(G(G(G(x, checksheet), items), cs_3_2), answer), K(yes));
}

/* availability.sla_percent >= 99.9 */
static tv sla(const floor *f, const val *x) {
  return ge(G(G(x, availability), sla_percent), 99.9);
}

/* encryption.at_rest.enabled */
static tv rule_7(const floor *f, const val *x) {
  return bool_(G(G(G(x, encryption), at_rest), enabled));
}

/* company.country in ["JP", "US"] */
static tv company_country(const floor *f, const val *x) {
  static const uint8_t allowed[] = {K_JP, K_US};
  return in_set(f, G(G(x, company), country), allowed, 2);
}

/* company.name.matches("株式会社"): an unanchored literal is a search. */
static tv company_kk(const floor *f, const val *x) {
  return contains(G(G(x, company), name), K(kk));
}

/* size(subprocessors) <= 5 */
static tv subprocessor_count(const floor *f, const val *x) {
  return size_le(G(x, subprocessors), 5);
}

/* backup.frequency_hours <= 24 */
static tv backup_frequency(const floor *f, const val *x) {
  return le(G(G(x, backup), frequency_hours), 24);
}

/* "ISO27001" in certifications.vendor */
static tv iso27001(const floor *f, const val *x) {
  return has_item(G(G(x, certifications), vendor), K(iso27001));
}

/* support.hours.startsWith("24時間") || support.hours.matches(
 *   "^平日 ?[0-9]{1,2}:[0-9]{2}-(1[89]|2[0-3]):[0-9]{2}$") */
static tv support_hours(const floor *f, const val *x) {
  const val *h = G(G(x, support), hours);
  tv a = starts(h, K(allday));
  if (a == T)
    return T;
  tv b = h->kind == V_STRING
             ? (tv)until_evening(h->as.s->data, h->as.s->len, K(weekdays))
             : bad(h);
  return or_(a, b);
}

/* subprocessors.exists(s, s.purpose.contains("インフラ")) */
static tv infra_subprocessor(const floor *f, const val *x) {
  const val *l = G(x, subprocessors), *s;
  uint32_t n;
  if (!range(l, &s, &n))
    return bad(l);
  tv any = F; /* true wins; else the first error */
  for (uint32_t i = 0; i < n; i++) {
    tv t = contains(G(&s[i], purpose), K(infra));
    if (t == T)
      return T;
    if (any == F)
      any = t;
  }
  return any;
}

/* checksheet.items["6.1"].answer == "○" ||
 * checksheet.items["6.1"].note.contains("暗号") */
static tv cs_encryption(const floor *f, const val *x) {
  const val *item = G(G(G(x, checksheet), items), cs_6_1);
  tv a = eq(G(item, answer), K(yes));
  return a == T ? T : or_(a, contains(G(item, note), K(crypto)));
}

/* incident.security_notice_hours <= 72 */
static tv incident_notice(const floor *f, const val *x) {
  return le(G(G(x, incident), security_notice_hours), 72);
}

/* auth.mfa */
static tv rule_17(const floor *f, const val *x) {
  return bool_(G(G(x, auth), mfa));
}

/* "1.3" in encryption.in_transit.tls_versions ||
 * "1.2" in encryption.in_transit.tls_versions */
static tv tls_modern(const floor *f, const val *x) {
  const val *v = G(G(G(x, encryption), in_transit), tls_versions);
  tv a = has_item(v, K(v1_3));
  return a == T ? T : or_(a, has_item(v, K(v1_2)));
}

/* contact.email.matches(r"^[a-z0-9._-]+@[a-z0-9.-]+\.[a-z]{2,}$") */
static tv contact_email(const floor *f, const val *x) {
  const val *e = G(G(x, contact), email);
  if (e->kind != V_STRING)
    return bad(e);
  return (tv)email_ok(e->as.s->data, e->as.s->len);
}

/* subprocessors.exists_one(s, s.purpose == "決済処理"): every item is
 * evaluated, and any error is the result. */
static tv payment_single(const floor *f, const val *x) {
  const val *l = G(x, subprocessors), *s;
  uint32_t n, count = 0;
  if (!range(l, &s, &n))
    return bad(l);
  for (uint32_t i = 0; i < n; i++) {
    tv t = eq(G(&s[i], purpose), K(payment));
    if (t > T)
      return t;
    count += t;
  }
  return (tv)(count == 1);
}

/* log.retention_days >= 365 */
static tv log_retention(const floor *f, const val *x) {
  return ge(G(G(x, log), retention_days), 365);
}

/* checksheet.items["1.1"].answer == "○" &&
 * checksheet.items["1.2"].answer == "○" */
static tv cs_incident(const floor *f, const val *x) {
  const val *items = G(G(x, checksheet), items);
  tv a = eq(G(G(items, cs_1_1), answer), K(yes));
  return a == F ? F : and_(a, eq(G(G(items, cs_1_2), answer), K(yes)));
}

/* certifications.vendor.size() >= 2 */
static tv cert_count(const floor *f, const val *x) {
  return size_ge(G(G(x, certifications), vendor), 2);
}

/* hosting.region.matches(
 *   "^(ap-northeast-[13]|japaneast|japanwest|asia-northeast[12])$"):
 * six whole strings. */
static tv hosting_region(const floor *f, const val *x) {
  static const uint8_t regions[] = {K_ap_northeast_1, K_ap_northeast_3,
                                    K_japaneast,      K_japanwest,
                                    K_asia_northeast1, K_asia_northeast2};
  const val *r = G(G(x, hosting), region);
  return r->kind == V_STRING ? in_set(f, r, regions, 6) : bad(r);
}

/* Whether any item of the list [pc] differs from "JP" (an exists()
 * whose predicate, !=, never fails). */
static tv any_not_jp(const floor *f, const val *pc) {
  const val *c;
  uint32_t n;
  if (!range(pc, &c, &n))
    return bad(pc);
  for (uint32_t i = 0; i < n; i++)
    if (!is(&c[i], K(JP)))
      return T;
  return F;
}

/* subprocessors.filter(s, s.processing_countries.exists(c, c != "JP"))
 *   .size() <= 2 */
static tv foreign_processing(const floor *f, const val *x) {
  const val *l = G(x, subprocessors), *s;
  uint32_t n, count = 0;
  if (!range(l, &s, &n))
    return bad(l);
  for (uint32_t i = 0; i < n; i++) {
    tv t = any_not_jp(f, G(&s[i], processing_countries));
    if (t > T) /* filter: any error is the result */
      return t;
    count += t;
  }
  return (tv)(count <= 2);
}

/* encryption.at_rest.enabled && encryption.in_transit.enabled */
static tv encryption_both(const floor *f, const val *x) {
  const val *e = G(x, encryption);
  tv a = bool_(G(G(e, at_rest), enabled));
  return a == F ? F : and_(a, bool_(G(G(e, in_transit), enabled)));
}

/* auth.password_min_length >= 8 */
static tv password_length(const floor *f, const val *x) {
  return ge(G(G(x, auth), password_min_length), 8);
}

/* data.location.countries.all(c, c in ["JP", "US", "DE", "FR", "IE"]) */
static tv data_countries(const floor *f, const val *x) {
  static const uint8_t allowed[] = {K_JP, K_US, K_DE, K_FR, K_IE};
  const val *l = G(G(G(x, data), location), countries), *c;
  uint32_t n;
  if (!range(l, &c, &n))
    return bad(l);
  for (uint32_t i = 0; i < n; i++) /* `in` never fails: no error to keep */
    if (in_set(f, &c[i], allowed, 5) == F)
      return F;
  return T;
}

/* checksheet.items.filter(k, checksheet.items[k].answer == "×")
 *   .size() <= 5 : over a map, items[k] is entry k's value. */
static tv cs_crosses(const floor *f, const val *x) {
  const val *items = G(G(x, checksheet), items);
  if (items->kind == V_LIST) /* items[k] of a list by a list item */
    return items->as.l->n ? ERROR : T;
  if (items->kind != V_MAP)
    return bad(items);
  uint32_t count = 0;
  for (uint32_t i = 0; i < items->as.m->n; i++) {
    tv t = eq(G(&items->as.m->vals[i], answer), K(no));
    if (t > T)
      return t;
    count += t;
  }
  return (tv)(count <= 5);
}

/* "ISMAP" in certifications.vendor ||
 * hosting.provider in ["AWS", "Azure", "GCP"] */
static tv ismap(const floor *f, const val *x) {
  static const uint8_t clouds[] = {K_aws, K_azure, K_gcp};
  tv a = has_item(G(G(x, certifications), vendor), K(ismap));
  return a == T ? T : or_(a, in_set(f, G(G(x, hosting), provider), clouds, 3));
}

/* has(availability.sla_percent) */
static tv sla_disclosed(const floor *f, const val *x) {
  return has_field(G(x, availability), K(sla_percent));
}

/* subprocessors.all(s, has(s.company) && s.company.size() > 0) */
static tv subprocessor_companies(const floor *f, const val *x) {
  const val *l = G(x, subprocessors), *s;
  uint32_t n;
  if (!range(l, &s, &n))
    return bad(l);
  tv all = T;
  for (uint32_t i = 0; i < n; i++) {
    tv t = has_field(&s[i], K(company));
    if (t != F)
      t = and_(t, nonempty(G(&s[i], company)));
    if (t == F)
      return F;
    if (all == T)
      all = t;
  }
  return all;
}

/* encryption.in_transit.tls_versions.all(v, v >= "1.2") */
static tv tls_no_legacy(const floor *f, const val *x) {
  const val *l = G(G(G(x, encryption), in_transit), tls_versions), *v;
  uint32_t n;
  if (!range(l, &v, &n))
    return bad(l);
  tv all = T;
  for (uint32_t i = 0; i < n; i++) {
    tv t = str_ge(&v[i], K(v1_2));
    if (t == F)
      return F;
    if (all == T)
      all = t;
  }
  return all;
}

/* "7.3" in checksheet.items &&
 * checksheet.items["7.3"].answer in ["○", "－"] */
static tv cs_optional(const floor *f, const val *x) {
  static const uint8_t answers[] = {K_yes, K_na};
  const val *items = G(G(x, checksheet), items);
  tv a = has_item(items, K(cs_7_3));
  if (a == F)
    return F;
  return and_(a, in_set(f, G(G(items, cs_7_3), answer), answers, 2));
}

/* backup.offsite */
static tv backup_offsite(const floor *f, const val *x) {
  return bool_(G(G(x, backup), offsite));
}

/* has(contact.email) || has(contact.url) */
static tv contact_disclosed(const floor *f, const val *x) {
  const val *c = G(x, contact);
  tv a = has_field(c, K(email));
  return a == T ? T : or_(a, has_field(c, K(url)));
}

/* contact.email.endsWith(".jp") */
static tv email_domain_jp(const floor *f, const val *x) {
  return ends(G(G(x, contact), email), K(dot_jp));
}

/* subprocessors.all(s, "JP" in s.processing_countries) */
static tv processing_in_japan(const floor *f, const val *x) {
  const val *l = G(x, subprocessors), *s;
  uint32_t n;
  if (!range(l, &s, &n))
    return bad(l);
  tv all = T;
  for (uint32_t i = 0; i < n; i++) {
    tv t = has_item(G(&s[i], processing_countries), K(JP));
    if (t == F)
      return F;
    if (all == T)
      all = t;
  }
  return all;
}

/* checksheet.items["5.4"].answer != "×" */
static tv cs_backup(const floor *f, const val *x) {
  return ne(G(G(G(G(x, checksheet), items), cs_5_4), answer), K(no));
}

/* size(incident.channels) >= 2 && "email" in incident.channels */
static tv notice_channels(const floor *f, const val *x) {
  const val *c = G(G(x, incident), channels);
  tv a = size_ge(c, 2);
  return a == F ? F : and_(a, has_item(c, K(email)));
}

/* ==== `when` clauses ===================================================== */

/* backup.enabled */
static tv backup_enabled(const floor *f, const val *x) {
  return bool_(G(G(x, backup), enabled));
}

/* size(subprocessors) > 0 */
static tv has_subprocessors(const floor *f, const val *x) {
  return nonempty(G(x, subprocessors));
}

/* encryption.in_transit.enabled */
static tv transit_enabled(const floor *f, const val *x) {
  return bool_(G(G(G(x, encryption), in_transit), enabled));
}

/* ==== the policy ========================================================= */

static const struct {
  const char *id;
  rule_fn *when; /* NULL: always applies */
  rule_fn *require;
} rules[FLOOR_RULES] = {
#define R(id) {#id, NULL, id}
#define W(id, when) {#id, when, id}
    W(backup_generations, backup_enabled),
    R(data_in_japan),
    R(contact_url_https),
    W(subprocessor_jurisdiction, has_subprocessors),
    R(cs_access_control),
    R(sla),
    R(rule_7),
    R(company_country),
    R(company_kk),
    R(subprocessor_count),
    W(backup_frequency, backup_enabled),
    R(iso27001),
    R(support_hours),
    R(infra_subprocessor),
    R(cs_encryption),
    R(incident_notice),
    R(rule_17),
    W(tls_modern, transit_enabled),
    R(contact_email),
    R(payment_single),
    R(log_retention),
    R(cs_incident),
    R(cert_count),
    R(hosting_region),
    R(foreign_processing),
    R(encryption_both),
    R(password_length),
    R(data_countries),
    R(cs_crosses),
    R(ismap),
    R(sla_disclosed),
    R(subprocessor_companies),
    W(tls_no_legacy, transit_enabled),
    R(cs_optional),
    W(backup_offsite, backup_enabled),
    R(contact_disclosed),
    R(email_domain_jp),
    R(processing_in_japan),
    R(cs_backup),
    R(notice_channels),
#undef R
#undef W
};

/* A rule's letter from its `when` and `require` results. */
static char verdict(tv when, tv require) {
  static const char letter[] = {'F', 'P', 'U', 'E', 'E'};
  return when == F ? 'S' : when != T ? letter[when] : letter[require];
}

char floor_check_rule(const floor *f, const val *facts, size_t r) {
  tv w = rules[r].when ? rules[r].when(f, facts) : T;
  return verdict(w, w == T ? rules[r].require(f, facts) : w);
}

/* The loop of floor_check_rule's body, as it was before that function
 * existed: the floor's figure must not move with the harness. */
void floor_check(const floor *f, const val *facts, char out[FLOOR_RULES]) {
  for (int r = 0; r < FLOOR_RULES; r++) {
    tv w = rules[r].when ? rules[r].when(f, facts) : T;
    out[r] = verdict(w, w == T ? rules[r].require(f, facts) : w);
  }
}

const char *floor_rule_id(size_t r) {
  return r < FLOOR_RULES ? rules[r].id : NULL;
}
