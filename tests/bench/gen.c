/*
 * gen.c: the benchmark's data generator (issue 7). It writes synthetic
 * vendor fact sets shaped like a Japanese cloud vendor's check sheet, and
 * the bench policies over them. Plain C11 with no dependencies and its own
 * PRNG, so the same arguments give byte-identical output on any machine:
 * benchmark inputs are regenerated, never committed (bench40.pol aside).
 *
 * usage: gen vendors N [--seed S] [--size BYTES]   N vendors as NDJSON
 *        gen vendor [--seed S] [--size BYTES]      one, pretty-printed
 *        gen policy N                              a policy of N rules
 *
 * Vendor i of seed S is the same whatever N is (`gen vendor` is vendor 0),
 * so a run over 1,000 vendors checks a prefix of the 100,000 run. Without
 * --size a vendor is 4-6 KB; --size BYTES scales its lists and check-sheet
 * map to about BYTES (never below the ~1 KB of fixed facts).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT(a) (sizeof(a) / sizeof *(a))

/* ==== random numbers =====================================================
 * splitmix64: tiny, fast, and fully specified by its constants, which is
 * what byte-identical output needs (rand() differs between libcs). */

typedef struct rng {
  uint64_t s;
} rng;

static uint64_t next(rng *r) {
  uint64_t z = (r->s += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

/* A number below [n], by multiply-shift (no modulo bias worth naming). */
static uint32_t below(rng *r, uint32_t n) {
  return (uint32_t)(((next(r) >> 32) * n) >> 32);
}

static bool chance(rng *r, unsigned percent) {
  return below(r, 100) < percent;
}

/* Draw at most once per full expression: the order in which a call's
 * arguments are evaluated is unspecified (gcc and clang differ), and
 * byte-identical output depends on the order of the draws. */
#define PICK(r, a) ((a)[below((r), (uint32_t)COUNT(a))])

/* ==== a JSON writer ======================================================
 * Compact for NDJSON, or pretty (2-space indent) for one vendor. Values
 * after a key or inside an array get their separators here, so the
 * generator reads as a list of facts. Lists of scalars and small records
 * stay on one line when pretty, as in examples/vendors/. */

enum { MAX_DEPTH = 8 };

typedef struct jw {
  char *p;
  size_t len, cap;
  bool pretty;
  int depth;
  bool after_key;
  bool first[MAX_DEPTH];
  bool oneline[MAX_DEPTH];
} jw;

static void put(jw *w, const char *s, size_t n) {
  if (w->len + n > w->cap) {
    size_t cap = w->cap ? w->cap : 1 << 16;
    while (cap < w->len + n)
      cap *= 2;
    char *p = realloc(w->p, cap);
    if (!p) {
      fputs("gen: out of memory\n", stderr);
      exit(1);
    }
    w->p = p;
    w->cap = cap;
  }
  memcpy(w->p + w->len, s, n);
  w->len += n;
}

static void puts_(jw *w, const char *s) { put(w, s, strlen(s)); }

static void newline(jw *w, int depth) {
  put(w, "\n", 1);
  for (int i = 0; i < depth; i++)
    put(w, "  ", 2);
}

/* Before a key or an array item: the comma, then a line break or space. */
static void sep(jw *w) {
  if (w->after_key) {
    w->after_key = false;
    return;
  }
  if (w->depth == 0)
    return;
  bool first = w->first[w->depth];
  w->first[w->depth] = false;
  if (!first)
    put(w, ",", 1);
  if (!w->pretty)
    return;
  if (!w->oneline[w->depth])
    newline(w, w->depth);
  else if (!first)
    put(w, " ", 1);
}

static void open_(jw *w, char c, bool oneline) {
  sep(w);
  put(w, &c, 1);
  w->depth++;
  w->first[w->depth] = true;
  w->oneline[w->depth] = oneline || w->oneline[w->depth - 1];
}

static void close_(jw *w, char c) {
  bool empty = w->first[w->depth], oneline = w->oneline[w->depth];
  w->depth--;
  if (w->pretty && !empty && !oneline)
    newline(w, w->depth);
  put(w, &c, 1);
}

/* Facts hold no control characters, but quote and backslash stay legal. */
static void quoted(jw *w, const char *s) {
  put(w, "\"", 1);
  for (const char *q = s; *q; q++) {
    if (*q == '"' || *q == '\\')
      put(w, "\\", 1);
    put(w, q, 1);
  }
  put(w, "\"", 1);
}

static void key(jw *w, const char *k) {
  sep(w);
  quoted(w, k);
  put(w, w->pretty ? ": " : ":", w->pretty ? 2 : 1);
  w->after_key = true;
}

static void str(jw *w, const char *s) {
  sep(w);
  quoted(w, s);
}

/* Integers by hand: no locale, no printf differences. */
static void uint_text(char *buf, uint64_t x) {
  char tmp[24];
  int n = 0;
  do
    tmp[n++] = (char)('0' + x % 10);
  while ((x /= 10) > 0);
  for (int i = 0; i < n; i++)
    buf[i] = tmp[n - 1 - i];
  buf[n] = '\0';
}

static void num(jw *w, uint64_t x) {
  char buf[24];
  uint_text(buf, x);
  sep(w);
  puts_(w, buf);
}

/* A double given in hundredths (9995 -> 99.95, 9900 -> 99.0), printed
 * from integers so that no floating-point formatting is involved. */
static void hundredths(jw *w, uint64_t x) {
  char buf[32];
  uint_text(buf, x / 100);
  size_t n = strlen(buf);
  buf[n++] = '.';
  buf[n++] = (char)('0' + x / 10 % 10);
  if (x % 10)
    buf[n++] = (char)('0' + x % 10);
  buf[n] = '\0';
  sep(w);
  puts_(w, buf);
}

static void boolean(jw *w, bool b) {
  sep(w);
  puts_(w, b ? "true" : "false");
}

static void kstr(jw *w, const char *k, const char *s) { key(w, k); str(w, s); }
static void knum(jw *w, const char *k, uint64_t x) { key(w, k); num(w, x); }
static void kbool(jw *w, const char *k, bool b) { key(w, k); boolean(w, b); }
static void kobj(jw *w, const char *k) { key(w, k); open_(w, '{', false); }
static void klist(jw *w, const char *k) { key(w, k); open_(w, '[', true); }

/* A list of strings from a NULL-terminated array. */
static void kstrs(jw *w, const char *k, const char *const *v) {
  klist(w, k);
  for (; *v; v++)
    str(w, *v);
  close_(w, ']');
}

/* ==== fact paths =========================================================
 * Every fact the generator may write, with the phrase its $evidence entry
 * cites. A bit per path records what the vendor disclosed, so $evidence
 * cites only facts that are there. Some entries are parents (encryption,
 * backup, subprocessors, checksheet.items): documents often cite a whole
 * section, and the report must then fall back to the nearest ancestor. */

#define PATHS(X)                                                          \
  X(COMPANY_NAME, "company.name", "「商号」")                     \
  X(COMPANY_COUNTRY, "company.country", "「本社所在地」")         \
  X(PROVIDER, "hosting.provider", "「クラウド基盤で運用」")   \
  X(REGION, "hosting.region", "「リージョン」")               \
  X(COUNTRIES, "data.location.countries", "「データの保管場所」")   \
  X(ENCRYPTION, "encryption", "「暗号化について」")                       \
  X(REST_ENABLED, "encryption.at_rest.enabled", "「保存データの暗号化」") \
  X(REST_METHOD, "encryption.at_rest.method", "「暗号化方式」")           \
  X(TRANSIT_ENABLED, "encryption.in_transit.enabled",                     \
    "「通信の暗号化」")                                      \
  X(TLS, "encryption.in_transit.tls_versions", "「TLSのバージョン」")   \
  X(BACKUP, "backup", "「バックアップについて」")                         \
  X(BACKUP_ENABLED, "backup.enabled", "「バックアップ取得」")   \
  X(GENERATIONS, "backup.generations", "「保管世代数」")          \
  X(FREQUENCY, "backup.frequency_hours", "「取得頻度」")                  \
  X(OFFSITE, "backup.offsite", "「遠隔地に保管」")                        \
  X(SLA, "availability.sla_percent", "「稼働率（SLA）」")                 \
  X(RTO, "availability.rto_hours", "「目標復旧時間」")                    \
  X(NOTICE, "incident.security_notice_hours", "「事故時の通知」")   \
  X(NOTICE_CHANNELS, "incident.channels", "「通知手段」")                 \
  X(RETENTION, "log.retention_days", "「ログの保存期間」")                \
  X(TIME_ZONE, "log.time_zone", "「ログのタイムゾーン」")                 \
  X(MFA, "auth.mfa", "「多要素認証に対応」")                              \
  X(PASSWORD, "auth.password_min_length", "「パスワードポリシー」")       \
  X(SUPPORT_HOURS, "support.hours", "「サポート受付時間」")               \
  X(SUPPORT_CHANNELS, "support.channels", "「お問い合わせ窓口」")         \
  X(EMAIL, "contact.email", "「セキュリティ窓口」")                       \
  X(URL, "contact.url", "「セキュリティポリシー」")                       \
  X(DEPARTMENT, "contact.department", "「担当部署」")                     \
  X(CERTS, "certifications.vendor", "「第三者認証」")         \
  X(SUBPROCESSORS, "subprocessors", "「再委託先一覧」")                   \
  X(CHECKSHEET, "checksheet.items", "「チェックシート回答」")

#define X(e, p, c) P_##e,
enum { PATHS(X) P_COUNT };
#undef X
#define X(e, p, c) p,
static const char *const path_name[] = {PATHS(X)};
#undef X
#define X(e, p, c) c,
static const char *const path_cite[] = {PATHS(X)};
#undef X

/* What a vendor may decline to disclose (非開示): such a fact is left
 * out and listed in $withheld, so its rules are UNKNOWN, "they refused". */
static const int withholdable[] = {
    P_PROVIDER, P_REGION,  P_COUNTRIES, P_GENERATIONS,  P_SLA,
    P_NOTICE,   P_PASSWORD, P_RETENTION, P_SUBPROCESSORS};

/* ==== one vendor ========================================================= */

typedef struct gen {
  jw *w;
  rng r;
  uint64_t withheld; /* bit per path */
  uint64_t present;  /* bit per path: written, so citable */
  char domain[64];   /* the vendor's web domain, for contact facts */
  unsigned crosses;  /* percent of check-sheet answers that are × */
} gen;

/* Whether to write fact [p]: not withheld, and disclosed with
 * probability [percent] (absent facts make rules UNKNOWN). */
static bool want(gen *g, int p, unsigned percent) {
  if (g->withheld >> p & 1 || !chance(&g->r, percent))
    return false;
  g->present |= 1ull << p;
  return true;
}

static void withhold(gen *g) {
  unsigned n = below(&g->r, 10); /* 0: 60 %, 1: 30 %, 2: 10 % */
  n = n < 6 ? 0 : n < 9 ? 1 : 2;
  for (unsigned i = 0; i < n; i++)
    g->withheld |= 1ull << PICK(&g->r, withholdable);
}

/* Company names: a kanji/kana part, a katakana part, and their romaji,
 * which also make the vendor's domain. */
static const char *const name_a[][3] = {
    {"日本", "nihon", "Nihon"},     {"東京", "tokyo", "Tokyo"},
    {"大和", "yamato", "Yamato"},   {"みらい", "mirai", "Mirai"},
    {"さくら", "sakura", "Sakura"}, {"富士", "fuji", "Fuji"},
    {"青葉", "aoba", "Aoba"},       {"北斗", "hokuto", "Hokuto"},
    {"ひかり", "hikari", "Hikari"}, {"ネクスト", "next", "Next"},
    {"アーク", "arc", "Arc"},       {"クレア", "crea", "Crea"}};
static const char *const name_b[][3] = {
    {"データ", "data", "Data"},
    {"クラウド", "cloud", "Cloud"},
    {"システムズ", "systems", "Systems"},
    {"ソリューションズ", "solutions", "Solutions"},
    {"ネットワークス", "networks", "Networks"},
    {"テクノロジーズ", "tech", "Technologies"},
    {"情報サービス", "joho", "Joho Service"},
    {"デジタル", "digital", "Digital"}};
static const char *const tlds[] = {".co.jp", ".co.jp", ".jp", ".com",
                                   ".net"};

/* The company's name (most are 株式会社, before or after) and domain. */
static void company_name(gen *g, char *out, size_t n) {
  const char *const *a = PICK(&g->r, name_a);
  const char *const *b = PICK(&g->r, name_b);
  snprintf(g->domain, sizeof g->domain, "%s-%s%s", a[1], b[1],
           PICK(&g->r, tlds));
  unsigned form = below(&g->r, 100);
  if (form < 60)
    snprintf(out, n, "株式会社%s%s", a[0], b[0]);
  else if (form < 85)
    snprintf(out, n, "%s%s株式会社", a[0], b[0]);
  else if (form < 93)
    snprintf(out, n, "合同会社%s%s", a[0], b[0]);
  else
    snprintf(out, n, "%s %s Inc.", a[2], b[2]);
}

static const char *const brands[] = {"スマート", "ラク", "ミライ", "ワン",
                                     "ネオ",     "ゼロ", "サクッと"};
static const char *const products[] = {"クラウド", "ワークス", "チャット",
                                       "ドライブ", "CRM",      "BOT",
                                       "フォーム", "ポータル"};
static const char *const doc_kinds[] = {
    "セキュリティホワイトペーパー", "サービスレベルチェックシート",
    "情報セキュリティに関する説明書"};

static void meta(gen *g, const char *company) {
  jw *w = g->w;
  char service[96], doc[192], text[32];
  const char *brand = PICK(&g->r, brands);
  const char *product = PICK(&g->r, products);
  snprintf(service, sizeof service, "%s%s", brand, product);
  snprintf(doc, sizeof doc, "%s %s", service, PICK(&g->r, doc_kinds));
  kobj(w, "$vendor");
  kstr(w, "name", company);
  kstr(w, "service", service);
  kstr(w, "document", doc);
  unsigned major = 1 + below(&g->r, 5), minor = below(&g->r, 10);
  snprintf(text, sizeof text, "%u.%u", major, minor);
  kstr(w, "version", text);
  unsigned year = 2021 + below(&g->r, 5), month = 1 + below(&g->r, 12);
  unsigned day = 1 + below(&g->r, 28);
  snprintf(text, sizeof text, "%u-%02u-%02u", year, month, day);
  kstr(w, "date", text);
  close_(w, '}');
}

static const char *const countries[] = {"JP", "JP", "JP", "JP", "JP",
                                        "JP", "US", "SG", "CN"};

static void company(gen *g, const char *name) {
  bool n = want(g, P_COMPANY_NAME, 95), c = want(g, P_COMPANY_COUNTRY, 95);
  if (!n && !c)
    return;
  kobj(g->w, "company");
  if (n)
    kstr(g->w, "name", name);
  if (c)
    kstr(g->w, "country", PICK(&g->r, countries));
  close_(g->w, '}');
}

/* Providers with their regions: most regions are in Japan, some are not,
 * and some are written the provider's own way (a regex rule fails them). */
static const char *const providers[][4] = {
    {"AWS", "ap-northeast-1", "ap-northeast-3", "us-east-1"},
    {"AWS", "ap-northeast-1", "ap-northeast-1", "ap-northeast-3"},
    {"Azure", "japaneast", "japanwest", "eastus"},
    {"GCP", "asia-northeast1", "asia-northeast2", "us-central1"},
    {"さくらのクラウド", "is1b", "tk1a", "is1a"},
    {"IIJ GIO", "東日本", "西日本", "東日本"},
    {"自社データセンター", "東京", "大阪", "東京"},
    {"Alibaba Cloud", "ap-southeast-1", "ap-northeast-1", "cn-hangzhou"}};

static void hosting(gen *g) {
  const char *const *p = PICK(&g->r, providers);
  bool prov = want(g, P_PROVIDER, 90), reg = want(g, P_REGION, 85);
  if (!prov && !reg)
    return;
  kobj(g->w, "hosting");
  if (prov)
    kstr(g->w, "provider", p[0]);
  if (reg)
    kstr(g->w, "region", p[1 + below(&g->r, 3)]);
  close_(g->w, '}');
}

static const char *const locations[][3] = {
    {"JP", NULL}, {"JP", NULL}, {"JP", NULL},       {"JP", NULL},
    {"JP", NULL}, {"JP", "US"}, {"JP", "US"},       {"US", NULL},
    {"JP", "SG"}, {"SG", NULL}, {"JP", "DE", NULL}, {"JP", "CN"}};

static void data(gen *g) {
  if (!want(g, P_COUNTRIES, 90))
    return;
  kobj(g->w, "data");
  kobj(g->w, "location");
  kstrs(g->w, "countries", PICK(&g->r, locations));
  close_(g->w, '}');
  close_(g->w, '}');
}

static const char *const tls_sets[][4] = {
    {"1.2", "1.3"}, {"1.2", "1.3"}, {"1.2", "1.3"}, {"1.2", "1.3"},
    {"1.2"},        {"1.2"},        {"1.0", "1.1", "1.2"},
    {"1.3"},        {"1.1"}};
static const char *const methods[] = {"AES-256", "AES-256", "TDE",
                                      "AES-128"};

static void at_rest(gen *g) {
  bool en = want(g, P_REST_ENABLED, 90), me = want(g, P_REST_METHOD, 70);
  if (!en && !me)
    return;
  kobj(g->w, "at_rest");
  if (en)
    kbool(g->w, "enabled", chance(&g->r, 82));
  if (me)
    kstr(g->w, "method", PICK(&g->r, methods));
  close_(g->w, '}');
}

static void in_transit(gen *g) {
  bool en = want(g, P_TRANSIT_ENABLED, 92), tls = want(g, P_TLS, 75);
  if (!en && !tls)
    return;
  kobj(g->w, "in_transit");
  if (en)
    kbool(g->w, "enabled", chance(&g->r, 90));
  if (tls)
    kstrs(g->w, "tls_versions", PICK(&g->r, tls_sets));
  close_(g->w, '}');
}

static void encryption(gen *g) {
  g->present |= 1ull << P_ENCRYPTION;
  kobj(g->w, "encryption");
  at_rest(g);
  in_transit(g);
  close_(g->w, '}');
}

static const unsigned generations[] = {1, 3, 5, 7, 7, 10, 14, 30};
static const unsigned frequencies[] = {1, 6, 12, 24, 24, 24, 48, 168};

/* A vendor without backups states only that (the `when` of the backup
 * rules is false: SKIPPED); one with backups gives some details. */
static void backup(gen *g) {
  if (!want(g, P_BACKUP_ENABLED, 95))
    return;
  g->present |= 1ull << P_BACKUP;
  bool on = chance(&g->r, 88);
  kobj(g->w, "backup");
  kbool(g->w, "enabled", on);
  if (on && want(g, P_GENERATIONS, 80))
    knum(g->w, "generations", PICK(&g->r, generations));
  if (on && want(g, P_FREQUENCY, 85))
    knum(g->w, "frequency_hours", PICK(&g->r, frequencies));
  if (on && want(g, P_OFFSITE, 70))
    kbool(g->w, "offsite", chance(&g->r, 60));
  close_(g->w, '}');
}

static const unsigned slas[] = {9900, 9950, 9990, 9995, 9999}; /* 1/100 % */
static const unsigned rtos[] = {1, 4, 8, 24, 72};

static void availability(gen *g) {
  bool sla = want(g, P_SLA, 75), rto = want(g, P_RTO, 55);
  if (!sla && !rto)
    return;
  kobj(g->w, "availability");
  if (sla) {
    key(g->w, "sla_percent");
    hundredths(g->w, PICK(&g->r, slas));
  }
  if (rto)
    knum(g->w, "rto_hours", PICK(&g->r, rtos));
  close_(g->w, '}');
}

static const unsigned notices[] = {1, 24, 24, 48, 72, 72, 96, 168};
static const char *const notice_channels[][3] = {
    {"email"}, {"email"}, {"email", "web"}, {"email", "web"},
    {"電話", "email"}, {"web"}};

static void incident(gen *g) {
  bool h = want(g, P_NOTICE, 72), c = want(g, P_NOTICE_CHANNELS, 70);
  if (!h && !c)
    return;
  kobj(g->w, "incident");
  if (h)
    knum(g->w, "security_notice_hours", PICK(&g->r, notices));
  if (c)
    kstrs(g->w, "channels", PICK(&g->r, notice_channels));
  close_(g->w, '}');
}

static const unsigned retentions[] = {90, 180, 365, 365, 400, 730, 1825};
static const char *const time_zones[] = {"JST", "UTC", "Asia/Tokyo"};

static void log_(gen *g) {
  bool r = want(g, P_RETENTION, 78), t = want(g, P_TIME_ZONE, 60);
  if (!r && !t)
    return;
  kobj(g->w, "log");
  if (r)
    knum(g->w, "retention_days", PICK(&g->r, retentions));
  if (t)
    kstr(g->w, "time_zone", PICK(&g->r, time_zones));
  close_(g->w, '}');
}

static const unsigned pw_lengths[] = {6, 8, 8, 10, 12, 14};

static void auth(gen *g) {
  bool m = want(g, P_MFA, 85), p = want(g, P_PASSWORD, 75);
  if (!m && !p)
    return;
  kobj(g->w, "auth");
  if (m)
    kbool(g->w, "mfa", chance(&g->r, 70));
  if (p)
    knum(g->w, "password_min_length", PICK(&g->r, pw_lengths));
  close_(g->w, '}');
}

static const char *const support_hours[] = {
    "平日 9:00-18:00", "平日 9:00-18:00", "平日 10:00-19:00",
    "平日 9:00-17:30", "平日9:30-17:00",  "24時間365日",
    "土日祝を除く 9:00-18:00"};
static const char *const support_channels[][4] = {
    {"email", "phone"}, {"email"}, {"form", "chat"}, {"email", "phone",
                                                      "chat"}};

static void support(gen *g) {
  bool h = want(g, P_SUPPORT_HOURS, 85), c = want(g, P_SUPPORT_CHANNELS, 80);
  if (!h && !c)
    return;
  kobj(g->w, "support");
  if (h)
    kstr(g->w, "hours", PICK(&g->r, support_hours));
  if (c)
    kstrs(g->w, "channels", PICK(&g->r, support_channels));
  close_(g->w, '}');
}

/* Addresses as vendors write them, including a capital and a fullwidth
 * ＠ that an e-mail pattern must reject. */
static const char *const mailboxes[] = {
    "security@", "security@", "security@", "support@", "sec_team@",
    "Security@", "info＠"};
static const char *const url_forms[][2] = {
    {"https://www.", "/security/"}, {"https://www.", "/security/"},
    {"https://www.", "/security/"}, {"https://", "/trust"},
    {"http://", "/"}};

static const char *const departments[] = {
    "情報セキュリティ室", "情報システム部", "カスタマーサポート"};

static void contact(gen *g) {
  bool e = want(g, P_EMAIL, 85), u = want(g, P_URL, 80);
  bool d = want(g, P_DEPARTMENT, 60);
  if (!e && !u && !d)
    return;
  char text[128];
  kobj(g->w, "contact");
  if (d)
    kstr(g->w, "department", PICK(&g->r, departments));
  if (e) {
    snprintf(text, sizeof text, "%s%s", PICK(&g->r, mailboxes), g->domain);
    kstr(g->w, "email", text);
  }
  if (u) {
    const char *const *f = PICK(&g->r, url_forms);
    snprintf(text, sizeof text, "%s%s%s", f[0], g->domain, f[1]);
    kstr(g->w, "url", text);
  }
  close_(g->w, '}');
}

/* Each certification independently, with its own frequency. */
static const char *const certs[] = {"ISO27001", "ISO27017", "ISO27018",
                                    "ISMAP",    "SOC2",     "PrivacyMark"};
static const unsigned cert_odds[] = {70, 45, 20, 15, 20, 35};

static void certifications(gen *g) {
  if (!want(g, P_CERTS, 85))
    return;
  kobj(g->w, "certifications");
  klist(g->w, "vendor");
  for (size_t i = 0; i < COUNT(certs); i++)
    if (chance(&g->r, cert_odds[i]))
      str(g->w, certs[i]);
  close_(g->w, ']');
  close_(g->w, '}');
}

/* ==== subprocessors ======================================================
 * Real services with their usual jurisdiction and processing countries,
 * so that the quantifier rules both pass and fail across vendors. */

typedef struct subproc {
  const char *name, *company, *purpose, *jurisdiction;
  const char *countries[3];
} subproc;

static const subproc catalogue[] = {
    {"AWS", "Amazon Web Services, Inc.", "インフラ基盤の提供", "JP", {"JP"}},
    {"Google Cloud", "Google LLC", "インフラ基盤の提供", "US", {"JP", "US"}},
    {"Azure", "日本マイクロソフト株式会社", "インフラ基盤の提供", "JP",
     {"JP"}},
    {"さくらのクラウド", "さくらインターネット株式会社", "インフラ基盤の提供",
     "JP", {"JP"}},
    {"Stripe", "Stripe, Inc.", "決済処理", "US", {"US", "JP"}},
    {"GMO-PG", "GMOペイメントゲートウェイ株式会社", "決済処理", "JP", {"JP"}},
    {"SendGrid", "Twilio Inc.", "メール配信", "US", {"US"}},
    {"Zendesk", "Zendesk, Inc.", "問い合わせ管理", "US", {"US", "JP"}},
    {"Datadog", "Datadog, Inc.", "ログ監視", "US", {"US"}},
    {"Sentry", "Functional Software, Inc.", "エラー監視", "US", {"US"}},
    {"Salesforce", "株式会社セールスフォース・ジャパン", "顧客管理", "JP",
     {"JP", "US"}},
    {"kintone", "サイボウズ株式会社", "業務記録の管理", "JP", {"JP"}},
    {"Celonis", "Celonis SE", "業務自動化", "EU", {"DE"}},
    {"Intercom", "Intercom R&D Unlimited Company", "チャットサポート", "EU",
     {"IE", "US"}},
    {"KDDI", "KDDI株式会社", "通信回線の提供", "JP", {"JP"}},
    {"Alibaba Cloud", "Alibaba Cloud (Singapore) Private Limited",
     "インフラ基盤の提供", "SG", {"SG"}}};

/* One record on one line; any field but the name may be missing. */
static void subprocessor(gen *g, const subproc *s, unsigned copy) {
  jw *w = g->w;
  char name[96];
  if (copy)
    snprintf(name, sizeof name, "%s-%u", s->name, copy);
  open_(w, '{', true);
  kstr(w, "name", copy ? name : s->name);
  if (chance(&g->r, 95))
    kstr(w, "company", s->company);
  if (chance(&g->r, 95))
    kstr(w, "purpose", s->purpose);
  if (chance(&g->r, 95))
    kstr(w, "jurisdiction", s->jurisdiction);
  if (chance(&g->r, 95))
    kstrs(w, "processing_countries", s->countries);
  close_(w, '}');
}

/* [n] records: distinct services first (a partial shuffle), then, for
 * the large sizes, numbered copies. */
static void subprocessors(gen *g, unsigned n) {
  if (!want(g, P_SUBPROCESSORS, 92))
    return;
  uint8_t order[COUNT(catalogue)];
  for (unsigned i = 0; i < COUNT(catalogue); i++)
    order[i] = (uint8_t)i;
  key(g->w, "subprocessors");
  open_(g->w, '[', false);
  for (unsigned i = 0; i < n; i++) {
    unsigned k = below(&g->r, (uint32_t)COUNT(catalogue));
    if (i < COUNT(catalogue)) {
      unsigned j = i + below(&g->r, (uint32_t)(COUNT(catalogue) - i));
      uint8_t t = order[i];
      order[i] = order[j];
      order[j] = t;
      k = order[i];
    }
    subprocessor(g, &catalogue[k], i < COUNT(catalogue) ? 0 : i);
  }
  close_(g->w, ']');
}

/* ==== the check sheet ====================================================
 * Items "1.1" .. "8.10" (then "9.1" ... when --size asks for more), each
 * {"answer": ○ × or －, "note": why}. Notes explain the × and － answers
 * and a few ○ ones, as vendors' sheets do: per section, two notes that go
 * with a ○ and two with the others. */

static const char *const notes[][4] = {
    {"情報セキュリティ委員会を設置しています。", "規程を年1回見直しています。",
     "対応予定です。", "責任者は兼任です。"},
    {"全従業員に年1回教育を実施しています。", "秘密保持契約を締結しています。",
     "一部の委託先では未実施です。", "該当しません。"},
    {"管理者権限は申請制です。", "アクセスログを取得しています。",
     "多要素認証は一部のみ対応です。", "該当しません。"},
    {"変更管理手順を定めています。", "脆弱性診断を年1回実施しています。",
     "パッチ適用の周期は定めていません。", "個別契約により対応します。"},
    {"日次でバックアップを取得しています。", "別リージョンに複製しています。",
     "復旧手順は非公開です。", "オプションで対応します。"},
    {"保存データはAES-256で暗号化しています。", "暗号鍵はKMSで管理しています。",
     "一部のデータは暗号化していません。", "個別契約により対応します。"},
    {"24時間以内に通知します。", "一次報告は電話で行います。",
     "通知は個別契約によります。", "該当しません。"},
    {"準拠法は日本法です。", "監査報告書を提供できます。",
     "データ削除の証明書は発行していません。", "個別にご相談ください。"}};

/* Item [j] (0-based), unless this vendor skipped it. */
static void item(gen *g, unsigned j) {
  if (chance(&g->r, 3))
    return;
  char k[24];
  snprintf(k, sizeof k, "%u.%u", j / 10 + 1, j % 10 + 1);
  unsigned a = below(&g->r, 100);
  bool yes = a >= g->crosses + 6;
  key(g->w, k);
  open_(g->w, '{', true);
  kstr(g->w, "answer", yes ? "○" : a < g->crosses ? "×" : "－");
  if (!yes || chance(&g->r, 5))
    kstr(g->w, "note", notes[j / 10 % 8][(yes ? 0 : 2) + below(&g->r, 2)]);
  close_(g->w, '}');
}

/* 80 items, or as many as keep the vendor within [target] bytes after
 * [tail] more: an item that would cross it is taken back. */
static void items(gen *g, size_t start, size_t target, size_t tail) {
  jw *w = g->w;
  for (unsigned j = 0; j < (1u << 22); j++) {
    if (!target && j == 80)
      break;
    size_t len = w->len;
    bool first = w->first[w->depth];
    item(g, j);
    if (target && w->len - start + tail > target) {
      w->len = len;
      w->first[w->depth] = first;
      break;
    }
  }
}

static void checksheet(gen *g, size_t start, size_t target, size_t tail) {
  kobj(g->w, "checksheet");
  kstr(g->w, "name", "SaaS向けSLAチェックシート");
  kobj(g->w, "items");
  items(g, start, target, tail + (g->w->pretty ? 10 : 2));
  close_(g->w, '}');
  close_(g->w, '}');
}

/* ==== metadata ===========================================================
 * $evidence cites [n] of the disclosed facts (a random subset, in path
 * order) and every withheld one; $withheld lists the withheld ones. */

static void cite(gen *g, jw *w, int p, const char *phrase) {
  char text[256];
  unsigned chapter = 1 + below(&g->r, 9), section = 1 + below(&g->r, 9);
  snprintf(text, sizeof text, "§%u.%u %s", chapter, section, phrase);
  kstr(w, path_name[p], text);
}

static void evidence(gen *g, jw *w, unsigned n) {
  unsigned have = 0;
  for (int p = 0; p < P_COUNT; p++)
    have += (unsigned)(g->present >> p & 1);
  kobj(w, "$evidence");
  for (int p = 0; p < P_COUNT; p++) {
    if (g->withheld >> p & 1)
      cite(g, w, p, "「非公開とさせていただきます」");
    if (!(g->present >> p & 1))
      continue;
    if (below(&g->r, have--) < n) { /* selection sampling: n of have */
      cite(g, w, p, path_cite[p]);
      n--;
    }
  }
  close_(w, '}');
  klist(w, "$withheld");
  for (int p = 0; p < P_COUNT; p++)
    if (g->withheld >> p & 1)
      str(w, path_name[p]);
  close_(w, ']');
}

/* ==== a whole vendor ===================================================== */

/* Vendor [index] of [seed] appended to [w]: about [target] bytes, or the
 * default 4-6 KB when [target] is 0. [tail] is scratch space. */
static void vendor(jw *w, jw *tail, uint64_t seed, uint64_t index,
                   size_t target) {
  gen g = {.w = w, .r = {seed}};
  g.r.s = next(&g.r) ^ index;
  size_t start = w->len;
  withhold(&g);
  unsigned nsub = chance(&g.r, 5) ? 0 : 3 + below(&g.r, 6);
  unsigned nev = 15 + below(&g.r, 16);
  g.crosses = 2 + below(&g.r, 14);
  if (target) { /* lists grow with the size; citations only shrink */
    nsub = (unsigned)((uint64_t)nsub * target / 5120);
    nev = (unsigned)((uint64_t)nev * (target < 5120 ? target : 5120) / 5120);
  }
  char name[128];
  company_name(&g, name, sizeof name);
  open_(w, '{', false);
  meta(&g, name);
  company(&g, name);
  hosting(&g);
  data(&g);
  encryption(&g);
  backup(&g);
  availability(&g);
  incident(&g);
  log_(&g);
  auth(&g);
  support(&g);
  contact(&g);
  certifications(&g);
  subprocessors(&g, nsub);
  g.present |= 1ull << P_CHECKSHEET; /* what --size grows: always there */
  /* The metadata goes after the check sheet but is written first, into
   * [tail], so that the check sheet can be cut to fit the size. */
  *tail = (jw){.p = tail->p, .cap = tail->cap, .pretty = w->pretty,
               .depth = 1};
  evidence(&g, tail, nev);
  close_(tail, '}');
  put(tail, "\n", 1);
  checksheet(&g, start, target, tail->len);
  put(w, tail->p, tail->len);
  w->depth = 0; /* [tail] closed the object */
}

/* ==== policies ===========================================================
 * The 40 rule shapes of the bench policy, ordered so that every prefix
 * mixes the kinds of rule (`gen policy 10` takes the first ten). Larger
 * policies repeat the shapes with other constants: '~' in a title or a
 * requirement stands for one of the ';'-separated [alts], the first being
 * bench40's. tests/bench/floor.c and rules40.jq write the same 40 rules
 * by hand: change the three together (`make bench-agree` compares them). */

typedef struct shape {
  const char *id; /* NULL: a bare expression, the must-rule rule_N */
  const char *severity, *title;
  const char *when; /* NULL: none */
  const char *require;
  const char *message; /* NULL: none */
  const char *alts;    /* NULL: the rule has no '~' */
} shape;

static const shape shapes[] = {
    {"backup_generations", "must", "バックアップを~世代以上保管すること",
     "backup.enabled", "backup.generations >= ~",
     "保管世代数は {backup.generations} 世代", "7;5;10;3;14"},
    {"data_in_japan", "must", "データを国内で保管すること", NULL,
     "~ in data.location.countries", NULL, "\"JP\";\"US\";\"SG\""},
    {"contact_url_https", "must", "窓口の URL が HTTPS であること", NULL,
     "contact.url.startsWith(~)", NULL,
     "\"https://\";\"https://www.\";\"http\""},
    {"subprocessor_jurisdiction", "must",
     "再委託先を日本または EU の法域に限ること", "size(subprocessors) > 0",
     "subprocessors.all(s, s.jurisdiction in ~)",
     "再委託先は {size(subprocessors)} 社",
     "[\"JP\", \"EU\"];[\"JP\"];[\"JP\", \"US\", \"EU\"]"},
    {"cs_access_control", "must",
     "チェックシートのアクセス制御項目が○であること",
     NULL, "checksheet.items[~].answer == \"○\"", NULL,
     "\"3.2\";\"2.4\";\"4.7\";\"8.10\";\"5.1\""},
    {"sla", "should", "SLA の稼働率が ~% 以上であること", NULL,
     "availability.sla_percent >= ~", "稼働率は {availability.sla_percent}%",
     "99.9;99.5;99.95;99.0"},
    {NULL, "must", NULL, NULL, "encryption.at_rest.enabled", NULL, NULL},
    {"company_country", "must", "事業者の所在国が許可国であること", NULL,
     "company.country in ~", NULL,
     "[\"JP\", \"US\"];[\"JP\"];[\"JP\", \"US\", \"SG\"]"},
    {"company_kk", "may", "事業者が株式会社であること", NULL,
     "company.name.matches(~)", NULL,
     "\"株式会社\";\"^株式会社\";\"株式会社$\""},
    {"subprocessor_count", "should", "再委託先が ~ 社以下であること", NULL,
     "size(subprocessors) <= ~", NULL, "5;3;8;10"},
    {"backup_frequency", "must",
     "バックアップを ~ 時間以内の間隔で取得すること",
     "backup.enabled", "backup.frequency_hours <= ~", NULL, "24;12;48;6"},
    {"iso27001", "should", "第三者認証 ISO/IEC 27001 を取得していること", NULL,
     "~ in certifications.vendor", NULL,
     "\"ISO27001\";\"ISO27017\";\"ISO27018\";\"SOC2\""},
    {"support_hours", "may", "サポート窓口が18時以降または終日対応であること",
     NULL,
     "support.hours.startsWith(~) || support.hours.matches("
     "\"^平日 ?[0-9]{1,2}:[0-9]{2}-(1[89]|2[0-3]):[0-9]{2}$\")",
     NULL, "\"24時間\";\"365日\""},
    {"infra_subprocessor", "should",
     "インフラ事業者を再委託先として開示すること",
     NULL, "subprocessors.exists(s, s.purpose.contains(~))", NULL,
     "\"インフラ\";\"決済\";\"メール\";\"監視\""},
    {"cs_encryption", "may",
     "チェックシートの暗号化項目が○、または備考で暗号化を説明していること",
     NULL,
     "checksheet.items[~].answer == \"○\" || "
     "checksheet.items[~].note.contains(\"暗号\")",
     NULL, "\"6.1\";\"6.2\";\"6.3\""},
    {"incident_notice", "must", "セキュリティ事故を ~ 時間以内に通知すること",
     NULL, "incident.security_notice_hours <= ~",
     "通知期限は {incident.security_notice_hours} 時間", "72;24;48"},
    {NULL, "must", NULL, NULL, "auth.mfa", NULL, NULL},
    {"tls_modern", "must", "TLS 1.2 以上に対応していること",
     "encryption.in_transit.enabled",
     "\"1.3\" in encryption.in_transit.tls_versions || "
     "~ in encryption.in_transit.tls_versions",
     NULL, "\"1.2\";\"1.3\""},
    {"contact_email", "should", "連絡先のメールアドレスが正しい形式であること",
     NULL, "contact.email.matches(r\"^[a-z0-9._-]+@[a-z0-9.-]+\\.[a-z]{~,}$\")",
     NULL, "2;3"},
    {"payment_single", "may", "決済処理の再委託先が1社であること", NULL,
     "subprocessors.exists_one(s, s.purpose == ~)", NULL,
     "\"決済処理\";\"メール配信\";\"インフラ基盤の提供\""},
    {"log_retention", "should", "ログを ~ 日以上保存すること", NULL,
     "log.retention_days >= ~", "ログ保存期間は {log.retention_days} 日",
     "365;180;730;90"},
    {"cs_incident", "must", "チェックシートの組織体制項目がいずれも○であること",
     NULL,
     "checksheet.items[~].answer == \"○\" && "
     "checksheet.items[\"1.2\"].answer == \"○\"",
     NULL, "\"1.1\";\"2.1\";\"3.1\";\"4.1\""},
    {"cert_count", "should", "第三者認証を ~ 件以上取得していること", NULL,
     "certifications.vendor.size() >= ~", NULL, "2;1;3"},
    {"hosting_region", "should", "国内リージョンで運用していること", NULL,
     "hosting.region.matches(~)", NULL,
     "\"^(ap-northeast-[13]|japaneast|japanwest|asia-northeast[12])$\";"
     "\"^ap-northeast-\";\"east\""},
    {"foreign_processing", "should",
     "国外で処理する再委託先が ~ 社以下であること",
     NULL,
     "subprocessors.filter(s, s.processing_countries.exists(c, c != \"JP\"))"
     ".size() <= ~",
     NULL, "2;1;3;0"},
    {"encryption_both", "must",
     "保存時と通信時の双方で暗号化していること", NULL,
     "encryption.at_rest.enabled && encryption.in_transit.enabled", NULL, NULL},
    {"password_length", "should",
     "パスワードの最小文字数が ~ 文字以上であること",
     NULL, "auth.password_min_length >= ~",
     "最小文字数は {auth.password_min_length} 文字", "8;10;12"},
    {"data_countries", "must", "データの保管国がすべて許可国であること", NULL,
     "data.location.countries.all(c, c in ~)", NULL,
     "[\"JP\", \"US\", \"DE\", \"FR\", \"IE\"];[\"JP\"];[\"JP\", \"US\"]"},
    {"cs_crosses", "should", "チェックシートの×が ~ 項目以下であること", NULL,
     "checksheet.items.filter(k, checksheet.items[k].answer == \"×\")"
     ".size() <= ~",
     NULL, "5;3;8;10"},
    {"ismap", "should",
     "ISMAP 登録済み、または主要クラウド上で運用していること",
     NULL, "\"ISMAP\" in certifications.vendor || hosting.provider in ~", NULL,
     "[\"AWS\", \"Azure\", \"GCP\"];[\"AWS\"];[\"さくらのクラウド\"]"},
    {"sla_disclosed", "may", "稼働率を開示していること", NULL,
     "has(availability.sla_percent)", NULL, NULL},
    {"subprocessor_companies", "must",
     "再委託先の法人名をすべて開示していること",
     NULL, "subprocessors.all(s, has(s.company) && s.company.size() > ~)",
     NULL, "0;5;10"},
    {"tls_no_legacy", "should", "TLS 1.1 以下を無効化していること",
     "encryption.in_transit.enabled",
     "encryption.in_transit.tls_versions.all(v, v >= ~)", NULL,
     "\"1.2\";\"1.3\";\"1.1\""},
    {"cs_optional", "may",
     "チェックシートの任意項目が○または－であること", NULL,
     "~ in checksheet.items && checksheet.items[~].answer in [\"○\", \"－\"]",
     NULL, "\"7.3\";\"7.4\";\"8.1\""},
    {"backup_offsite", "should", "バックアップを遠隔地に保管すること",
     "backup.enabled", "backup.offsite", NULL, NULL},
    {"contact_disclosed", "should",
     "セキュリティ窓口の連絡先を開示していること",
     NULL, "has(contact.email) || has(contact.url)", NULL, NULL},
    {"email_domain_jp", "may", "連絡先が国内ドメインであること", NULL,
     "contact.email.endsWith(~)", NULL, "\".jp\";\".co.jp\";\".com\""},
    {"processing_in_japan", "should",
     "すべての再委託先が国内でデータを処理すること",
     NULL, "subprocessors.all(s, ~ in s.processing_countries)", NULL,
     "\"JP\";\"US\""},
    {"cs_backup", "should",
     "チェックシートのバックアップ項目が×でないこと", NULL,
     "checksheet.items[~].answer != \"×\"", NULL, "\"5.4\";\"5.5\";\"6.6\""},
    {"notice_channels", "may", "事故の通知手段が複数あり、メールを含むこと",
     NULL, "size(incident.channels) >= ~ && \"email\" in incident.channels",
     NULL, "2;3;1"}};

/* Alternative [v] (modulo their number) of [alts]. */
static void alt(const char *alts, unsigned v, const char **p, size_t *n) {
  unsigned count = 1;
  for (const char *s = alts; *s; s++)
    count += *s == ';';
  for (v %= count; v > 0; v--)
    alts = strchr(alts, ';') + 1;
  *p = alts;
  *n = strcspn(alts, ";");
}

/* [text] with each '~' replaced by the [n] bytes at [a]. */
static void subst(const char *text, const char *a, size_t n) {
  for (; *text; text++)
    if (*text == '~')
      fwrite(a, 1, n, stdout);
    else
      putchar(*text);
}

static bool is_block(const shape *s) {
  return s->id && (s->when || s->message);
}

static void rule(const shape *s, unsigned v) {
  const char *a = "";
  size_t n = 0;
  if (s->alts)
    alt(s->alts, v, &a, &n);
  char suffix[16] = "";
  if (v)
    snprintf(suffix, sizeof suffix, "_%u", v + 1);
  if (!s->id) { /* bare: a must-rule named by its position */
    subst(s->require, a, n);
    putchar('\n');
  } else if (is_block(s)) {
    printf("rule %s%s {\n  title    \"", s->id, suffix);
    subst(s->title, a, n);
    printf("\"\n  severity %s\n", s->severity);
    if (s->when)
      printf("  when     %s\n", s->when);
    fputs("  require  ", stdout);
    subst(s->require, a, n);
    if (s->message)
      printf("\n  message  \"%s\"", s->message);
    fputs("\n}\n", stdout);
  } else {
    printf("%s %s%s \"", s->severity, s->id, suffix);
    subst(s->title, a, n);
    fputs("\": ", stdout);
    subst(s->require, a, n);
    putchar('\n');
  }
}

static void policy(unsigned long n) {
  printf("// Generated by tests/bench/gen.c (gen policy %lu): do not edit.\n"
         "// floor.c and rules40.jq hand-write the first 40 rules.\n"
         "policy \"bench%lu\" { title \"ベンチマーク用調達基準（%lu ルール）\""
         "  version \"1\" }\n\n",
         n, n, n);
  bool block = false; /* blank lines around the rule blocks */
  for (unsigned long i = 0; i < n; i++) {
    const shape *s = &shapes[i % COUNT(shapes)];
    if (i > 0 && (block || is_block(s)))
      putchar('\n');
    block = is_block(s);
    rule(s, (unsigned)(i / COUNT(shapes)));
  }
}

/* ==== command line ======================================================= */

static int usage(void) {
  fputs("usage: gen vendors N [--seed S] [--size BYTES]\n"
        "       gen vendor [--seed S] [--size BYTES]\n"
        "       gen policy N\n",
        stderr);
  return 2;
}

/* A decimal number into *[out]; false if [s] is not one. */
static bool number(const char *s, uint64_t *out) {
  if (!s || *s < '0' || *s > '9')
    return false;
  char *end;
  unsigned long long x = strtoull(s, &end, 10);
  *out = x;
  return *end == '\0';
}

/* --seed and --size from argv[from..]; false on anything else. */
static bool options(int argc, char **argv, int from, uint64_t *seed,
                    uint64_t *size) {
  for (int i = from; i < argc; i += 2) {
    uint64_t *dst = !strcmp(argv[i], "--seed")   ? seed
                    : !strcmp(argv[i], "--size") ? size
                                                 : NULL;
    if (!dst || i + 1 >= argc || !number(argv[i + 1], dst))
      return false;
  }
  return true;
}

/* [n] vendors, flushed in large writes (a 100,000-vendor stream is
 * half a gigabyte). */
static void vendors(uint64_t n, uint64_t seed, size_t size, bool pretty) {
  jw w = {.pretty = pretty}, tail = {0};
  for (uint64_t i = 0; i < n; i++) {
    vendor(&w, &tail, seed, i, size);
    if (w.len >= 1 << 20 || i + 1 == n) {
      fwrite(w.p, 1, w.len, stdout);
      w.len = 0;
    }
  }
  free(w.p);
  free(tail.p);
}

/* The default seed is the first whose vendor 0, `gen vendor`, gets every
 * kind of verdict from bench40.pol (P 16, F 11, U 10, S 3): the file one
 * reaches for first should show them all. */
enum { DEFAULT_SEED = 7 };

int main(int argc, char **argv) {
  uint64_t n = 1, seed = DEFAULT_SEED, size = 0;
  const char *mode = argc > 1 ? argv[1] : "";
  bool counted = !strcmp(mode, "vendors") || !strcmp(mode, "policy");
  if (counted && (argc < 3 || !number(argv[2], &n)))
    return usage();
  if (!counted && strcmp(mode, "vendor"))
    return usage();
  if (!options(argc, argv, counted ? 3 : 2, &seed, &size))
    return usage();
  if (!strcmp(mode, "policy")) {
    if (argc > 3)
      return usage();
    policy((unsigned long)n);
  } else {
    vendors(n, seed, (size_t)size, !strcmp(mode, "vendor"));
  }
  return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
}
