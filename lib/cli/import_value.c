/*
 * import_value.c: values in the Japanese text of a check-sheet answer:
 * 「24時間以内」, 「2週間前を目安に」, 「7世代」, 「99.95%以上」, 「1日1回」,
 * 「半年に一度」, 「2026年9月4日」. Numbers may be ASCII or full-width, ranges
 * 「1~2営業日」 give their upper end, and a unit the kind does not know is
 * an error, not a guess. Durations are converted to the unit the fact's
 * name carries (docs/facts.md: a week is 7 days, a month 30, a year 365).
 * Whether a value is a target comes from its clause: 目標, 目安, 原則,
 * 程度, 通常 make it one (docs/facts.md, "Commitment, target, bounds");
 * so does whether it is an upper bound (最大, 上限, まで) or holds with
 * an option only (オプション, 有償, 個別契約).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"

/* ==== characters ========================================================= */

/* Bytes of the UTF-8 character at [s] (1 for anything malformed). */
static size_t clen(const char *s) {
  unsigned char c = (unsigned char)*s;
  return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

static bool starts(const char *s, const char *word) {
  return strncmp(s, word, strlen(word)) == 0;
}

/* The digit at [s] (ASCII, full-width or a kanji numeral 一..九), its
 * value in *[d] and byte length in *[n]; false if none. */
static bool digit(const char *s, int *d, size_t *n) {
  static const char *const kanji[] = {"〇", "一", "二", "三", "四",
                                      "五", "六", "七", "八", "九"};
  if (*s >= '0' && *s <= '9') {
    *d = *s - '0';
    *n = 1;
    return true;
  }
  /* full-width ０..９ are EF BC 90..99 */
  if ((unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBC &&
      (unsigned char)s[2] >= 0x90 && (unsigned char)s[2] <= 0x99) {
    *d = (unsigned char)s[2] - 0x90;
    *n = 3;
    return true;
  }
  for (int k = 1; k < 10; k++)
    if (starts(s, kanji[k])) {
      *d = k;
      *n = strlen(kanji[k]);
      return true;
    }
  return false;
}

/* Whether [s] starts with exactly three ASCII digits. */
static bool isdigit3(const char *s) {
  for (int k = 0; k < 3; k++)
    if (s[k] < '0' || s[k] > '9')
      return false;
  return s[3] < '0' || s[3] > '9';
}

/* An ASCII or full-width digit at [s] (not a kanji numeral). */
static bool figure(const char *s, int *d, size_t *n) {
  return digit(s, d, n) && (*n == 1 || (unsigned char)s[0] == 0xEF);
}

/* The bytes of a decimal point at [s]: '.', or the full-width '．' that
 * an IME in full-width mode types with full-width digits (「９９．９％」);
 * 0 if none. */
static size_t decimal_point(const char *s) {
  return *s == '.' ? 1 : starts(s, "\xEF\xBC\x8E") ? 3 : 0;
}

/* A number at [s]: digits with an optional decimal part; with
 * [kanji_ok], also a kanji numeral alone (一度, 二回), which elsewhere is
 * part of words (一部, 一両日). Returns its byte length (0: none). */
static size_t number_at(const char *s, double *v, bool kanji_ok) {
  int d;
  size_t n, len = 0;
  if (!digit(s, &d, &n))
    return 0;
  if (n == 3 && (unsigned char)s[0] != 0xEF) { /* a kanji numeral */
    *v = d;
    return kanji_ok ? n : 0;
  }
  double x = 0;
  for (;;) {
    if (figure(s + len, &d, &n)) {
      x = x * 10 + d;
      len += n;
    } else if (s[len] == ',' && len && isdigit3(s + len + 1)) {
      len++; /* a thousands separator: 2,561 */
    } else {
      break;
    }
  }
  size_t point = decimal_point(s + len);
  if (point && figure(s + len + point, &d, &n)) {
    double scale = 0.1;
    for (len += point; figure(s + len, &d, &n); len += n, scale /= 10)
      x += d * scale;
  }
  *v = x;
  return len;
}

static const char *skip_blanks(const char *s) {
  for (;;) {
    if (*s == ' ' || *s == '\t')
      s++;
    else if (starts(s, "\xE3\x80\x80"))
      s += 3;
    else
      return s;
  }
}

/* ==== units ============================================================== */

typedef struct time_unit {
  const char *word;
  double seconds; /* 0 for business days */
} time_unit;

#define DAY 86400.0
static const time_unit durations[] = {
    {"営業日", 0},          {"時間", 3600},        {"分", 60},
    {"秒", 1},              {"日", DAY},           {"週間", 7 * DAY},
    {"週", 7 * DAY},        {"ヶ月", 30 * DAY},    {"か月", 30 * DAY},
    {"カ月", 30 * DAY},     {"ヵ月", 30 * DAY},    {"ケ月", 30 * DAY},
    {"箇月", 30 * DAY},     {"年", 365 * DAY},
};

static const time_unit *duration_unit(const char *s) {
  for (size_t i = 0; i < sizeof durations / sizeof *durations; i++)
    if (starts(s, durations[i].word))
      return &durations[i];
  return NULL;
}

/* The seconds in one [fact_unit] ("hours", ...); 0 for business days,
 * -1 for a unit that is not a duration. */
static double fact_seconds(const char *fact_unit) {
  static const struct {
    const char *name;
    double seconds;
  } units[] = {{"seconds", 1},  {"minutes", 60}, {"hours", 3600},
               {"days", DAY},   {"business_days", 0}};
  for (size_t i = 0; fact_unit && i < sizeof units / sizeof *units; i++)
    if (strcmp(units[i].name, fact_unit) == 0)
      return units[i].seconds;
  return -1;
}

const char *value_path_unit(const char *path) {
  static const char *const names[] = {"business_days", "seconds", "minutes",
                                      "hours", "days"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    char key[32];
    snprintf(key, sizeof key, "_%s", names[i]);
    const char *at = strstr(path, key);
    if (at && (at[strlen(key)] == '\0' || at[strlen(key)] == '_'))
      return names[i];
  }
  return NULL;
}

/* Up to three characters of what follows a number, for messages: up to
 * a blank or a punctuation mark. */
static void unit_text(const char *s, char *out, size_t cap) {
  static const char *const stops[] = {" ", "\t", "\n", "。", "、", ",",
                                      ".", "(", ")", "（", "）"};
  size_t n = 0;
  for (int k = 0; k < 3 && s[n]; k++) {
    bool stop = false;
    for (size_t i = 0; i < sizeof stops / sizeof *stops && !stop; i++)
      stop = starts(s + n, stops[i]);
    if (stop)
      break;
    n += clen(s + n);
  }
  snprintf(out, cap, "%.*s", (int)n, s);
}

/* ==== clauses ============================================================ */

static const char *const boundaries[] = {"。", "\n", "■", "▽", "・", "※",
                                         "＜", "<"};

static bool boundary_at(const char *s) {
  for (size_t i = 0; i < sizeof boundaries / sizeof *boundaries; i++)
    if (starts(s, boundaries[i]))
      return true;
  return false;
}

/* The clause of [text] around byte [at]: [*from, *to). */
static void clause(const char *text, size_t at, size_t *from, size_t *to) {
  size_t b = 0;
  for (size_t i = 0; i < at; i += clen(text + i))
    if (boundary_at(text + i))
      b = i + clen(text + i);
  size_t e = at;
  while (text[e] && !boundary_at(text + e))
    e += clen(text + e);
  *from = b;
  *to = e;
}

/* Whether one of the [n] [words] starts in [from, to) of [text]. A
 * word holds no delimiter, so one that starts before [to], a clause's
 * end or its 、, ends before it too. */
static bool word_in(const char *text, size_t from, size_t to,
                    const char *const *words, size_t n) {
  for (size_t i = 0; i < n; i++) {
    const char *w = strstr(text + from, words[i]);
    if (w && (size_t)(w - text) < to)
      return true;
  }
  return false;
}

static bool is_target(const char *text, size_t at) {
  static const char *const words[] = {"目標", "目安", "原則", "程度",
                                      "程の", "通常", "見込"};
  size_t from, to;
  clause(text, at, &from, &to);
  return word_in(text, from, to, words, sizeof words / sizeof *words);
}

bool import_option_words(const char *text, size_t from, size_t to) {
  static const char *const words[] = {"オプション", "有償", "個別契約"};
  return word_in(text, from, to, words, sizeof words / sizeof *words);
}

/* Whether the value at [at] of [text] is offered as an option: its
 * clause, cut at 、 as well, names one. 「有償オプションにて7世代」 and
 * 「7世代（個別契約）」 are options; in 「標準で7世代、オプションで14世代」
 * the 7 is the default service's. */
static bool is_option(const char *text, size_t at) {
  size_t from, to;
  clause(text, at, &from, &to);
  for (size_t i = from; i < at; i += clen(text + i))
    if (starts(text + i, "、") || starts(text + i, "，"))
      from = i + clen(text + i);
  for (size_t i = at; i < to; i += clen(text + i))
    if (starts(text + i, "、") || starts(text + i, "，")) {
      to = i;
      break;
    }
  return import_option_words(text, from, to);
}

/* Whether the value at [at, end) of [text] is an upper bound: 「最大10世代」,
 * 「上限 10 世代」, 「10世代まで」 (not 「3日前までに」, a deadline: までに).
 * Only words before the value in its clause count, so the 最大 of
 * 「7世代、最大30日」 does not make 7 a bound. */
static bool is_bound(const char *text, size_t at, size_t end) {
  static const char *const words[] = {"最大", "上限"};
  size_t from, to;
  clause(text, at, &from, &to);
  return word_in(text, from, at, words, sizeof words / sizeof *words) ||
         (starts(text + end, "まで") && !starts(text + end, "までに"));
}

/* Whether [s] starts a corner bracket: a quote must not hold one, or the
 * citation's own 「」 would no longer pair. */
static bool bracket_at(const char *s) {
  return starts(s, "「") || starts(s, "」");
}

/* Whether [s] is a good place to cut a quote: a blank or a comma. */
static bool cut_at(const char *s) {
  return *s == ' ' || starts(s, "、") || starts(s, "，");
}

char *value_fragment(imp_pool *p, const char *text, size_t start,
                     size_t end) {
  enum { BEFORE = 32, AFTER = 48 };
  size_t from, to;
  clause(text, start, &from, &to);
  if (end > to)
    to = end;
  for (size_t i = from; i < start; i += clen(text + i)) /* no 「」 */
    if (bracket_at(text + i))
      from = i + clen(text + i);
  for (size_t i = end; i < to; i += clen(text + i))
    if (bracket_at(text + i)) {
      to = i;
      break;
    }
  size_t a = start, n = 0;
  while (a > from && n < BEFORE) { /* back up whole characters */
    do
      a--;
    while (a > from && ((unsigned char)text[a] & 0xC0) == 0x80);
    n++;
  }
  size_t z = end;
  for (n = 0; z < to && n < AFTER; n++)
    z += clen(text + z);
  if (z > to)
    z = to;
  /* Where the quote stops inside the clause, it stops at a blank or a
   * comma, so no word is quoted in halves. */
  for (size_t i = a; a > from && i < start; i += clen(text + i))
    if (cut_at(text + i)) {
      a = i + clen(text + i);
      break;
    }
  for (size_t i = z; z < to && i > end; i--)
    if (cut_at(text + i)) {
      z = i;
      break;
    }
  while (a < z && strchr(" \t", text[a]))
    a++;
  while (z > a && strchr(" \t", text[z - 1]))
    z--;
  return imp_strndup(p, text + a, z - a);
}

/* ==== dates ============================================================== */

/* The bytes of a separator of a date's numbers at [s]: / or -, also
 * full-width (／ －, as typed with full-width digits); 0 if none. */
static size_t date_sep(const char *s) {
  if (*s == '/' || *s == '-')
    return 1;
  return starts(s, "\xEF\xBC\x8F") || starts(s, "\xEF\xBC\x8D") ? 3 : 0;
}

/* A date at [s]: Y年M月[D日], Y/M/D or Y-M-D; its length, 0 if none. */
static size_t date_at(const char *s, int *y, int *m, int *d) {
  double a, b, c;
  size_t n = number_at(s, &a, false), k, total;
  if (!n || a < 1900 || a > 2999)
    return 0;
  const char *sep = s + n;
  bool kanji = starts(sep, "年");
  size_t sl = kanji ? strlen("年") : date_sep(sep);
  if (!sl)
    return 0;
  if (!(k = number_at(sep + sl, &b, false)) || b < 1 || b > 12)
    return 0;
  total = n + sl + k;
  *y = (int)a, *m = (int)b, *d = 0;
  const char *rest = s + total;
  if (kanji ? !starts(rest, "月") : strncmp(rest, sep, sl) != 0)
    return kanji ? 0 : total;
  size_t rl = kanji ? strlen("月") : sl;
  total += rl;
  if ((k = number_at(rest + rl, &c, false)) && c >= 1 && c <= 31) {
    *d = (int)c;
    total += k + (kanji && starts(rest + rl + k, "日") ? strlen("日") : 0);
  }
  return total;
}

const char *value_date(imp_pool *p, const char *text) {
  for (const char *s = text; *s; s += clen(s)) {
    int y, m, d;
    if (date_at(s, &y, &m, &d))
      return d ? imp_printf(p, "%04d-%02d-%02d", y, m, d)
               : imp_printf(p, "%04d-%02d", y, m);
  }
  return NULL;
}

/* ==== frequencies ======================================================== */

typedef struct freq_word {
  const char *word;
  double seconds; /* the interval it names */
} freq_word;

static const freq_word every[] = {
    {"毎日", DAY},        {"日次", DAY},       {"毎朝", DAY},
    {"毎晩", DAY},        {"毎週", 7 * DAY},   {"週次", 7 * DAY},
    {"毎月", 30 * DAY},   {"月次", 30 * DAY},  {"毎時", 3600},
    {"毎年", 365 * DAY},  {"年次", 365 * DAY},  {"日単位", DAY},
};

/* "<n><unit>[に]<m>(回|度)" at [s] ("1日1回", "1週間に1回", "1か月に1度"),
 * or "半年に一度", or a word of [every]: the interval in seconds and
 * the length; 0 if none. */
static size_t interval_at(const char *s, double *seconds) {
  for (size_t i = 0; i < sizeof every / sizeof *every; i++)
    if (starts(s, every[i].word)) {
      *seconds = every[i].seconds;
      return strlen(every[i].word);
    }
  double n = 1, m;
  size_t len = 0;
  if (starts(s, "半年")) {
    n = 0.5;
    len = strlen("半");
  } else if (!(len = number_at(s, &n, false)) || n <= 0) {
    return 0;
  }
  const time_unit *u = duration_unit(s + len);
  if (!u || u->seconds == 0)
    return 0;
  len += strlen(u->word);
  if (starts(s + len, "に"))
    len += strlen("に");
  size_t k = number_at(s + len, &m, true);
  if (!k || m <= 0 ||
      !(starts(s + len + k, "回") || starts(s + len + k, "度")))
    return 0;
  *seconds = n * u->seconds / m;
  return len + k + strlen("回");
}

/* "年<m>回", "年に<m>回" or "<m>回/年" at [s]: the count per year; 0 if
 * none. */
static size_t per_year_prefix(const char *s, double *per_year) {
  double m;
  size_t len = strlen("年"), k = number_at(s, &m, false);
  if (k && starts(s + k, "回/年")) {
    *per_year = m;
    return k + strlen("回/年");
  }
  if (!starts(s, "年"))
    return 0;
  if (starts(s + len, "に"))
    len += strlen("に");
  k = number_at(s + len, &m, true);
  if (!k || !(starts(s + len + k, "回") || starts(s + len + k, "度")))
    return 0;
  *per_year = m;
  return len + k + strlen("回");
}

/* ==== finding ============================================================ */

typedef struct finder {
  const char *text;
  vkind kind;
  const char *unit;
  const char *fact_unit;
  bool range_max;
  vfound *out;
  char *msg;
  size_t msgcap;
} finder;

/* A number at [s] (offset [at]) with its range end and unit, for the
 * duration, count and percent kinds: 0 found, 2 unknown unit. */
static int measured(finder *f, const char *s, size_t at, size_t n, double v) {
  const char *after = s + n;
  double hi;
  size_t k;
  if ((*after && strchr("~-", *after)) || starts(after, "～") ||
      starts(after, "〜") || starts(after, "−") || starts(after, "－")) {
    const char *next = after + clen(after);
    if ((k = number_at(next, &hi, false))) {
      if (f->range_max)
        v = hi;
      after = next + k;
    }
  }
  const char *u = skip_blanks(after);
  char seen[32];
  unit_text(u, seen, sizeof seen);
  if (f->kind == VK_PERCENT) {
    if (!starts(u, "%") && !starts(u, "％"))
      return snprintf(f->msg, f->msgcap, "unknown unit '%s' after %g "
                      "(expected %%)", seen, v), 2;
    after = u + clen(u);
  } else if (f->kind == VK_COUNT) {
    if (f->unit && !starts(u, f->unit))
      return snprintf(f->msg, f->msgcap, "unknown unit '%s' after %g "
                      "(expected %s)", seen, v, f->unit), 2;
    after = f->unit ? u + strlen(f->unit) : after;
  } else {
    const time_unit *du = duration_unit(u);
    double want = fact_seconds(f->fact_unit);
    if (!du)
      return snprintf(f->msg, f->msgcap, "unknown unit '%s' after %g "
                      "(expected 分, 時間, 日, 営業日, 週間, か月 or 年)",
                      seen, v), 2;
    if ((du->seconds == 0) != (want == 0))
      return snprintf(f->msg, f->msgcap, "'%s' cannot be converted to "
                      "%s", du->word, f->fact_unit), 2;
    v = want == 0 ? v : v * du->seconds / want;
    after = u + strlen(du->word);
  }
  f->out->num = v;
  f->out->start = at;
  f->out->end = (size_t)(after - f->text);
  f->out->target = is_target(f->text, at);
  f->out->bound = is_bound(f->text, at, f->out->end);
  f->out->option = is_option(f->text, at);
  return 0;
}

/* Try kind [f->kind] at byte [at]: 0 found, 1 nothing here, 2 error. */
static int try_at(finder *f, size_t at) {
  const char *s = f->text + at;
  double v;
  size_t n;
  int y, m, d;
  switch (f->kind) {
  case VK_DATE: /* as YYYYMMDD, DD 0 when the day is not given */
    if (!(n = date_at(s, &y, &m, &d)))
      return 1;
    f->out->num = y * 10000 + m * 100 + d;
    break;
  case VK_INTERVAL:
    if (!(n = interval_at(s, &v)))
      return 1;
    f->out->num = v / fact_seconds(f->fact_unit);
    break;
  case VK_PER_YEAR:
    if ((n = interval_at(s, &v)))
      f->out->num = round(365 * DAY / v); /* a count: 毎月 is 12, not 12.2 */
    else if ((n = per_year_prefix(s, &v)))
      f->out->num = v;
    else
      return 1;
    break;
  default:
    if (!(n = number_at(s, &v, false)))
      return 1;
    return measured(f, s, at, n, v);
  }
  f->out->start = at;
  f->out->end = at + n;
  f->out->target = is_target(f->text, at);
  f->out->bound = false; /* dates, intervals, rates: no "up to" */
  f->out->option = is_option(f->text, at);
  return 0;
}

int value_find(const char *text, const char *const *after, vkind k,
               const char *unit, const char *fact_unit, bool range_max,
               vfound *out, char *msg, size_t msgcap) {
  size_t pos = 0;
  for (size_t i = 0; after && after[i]; i++) {
    const char *hit = strstr(text + pos, after[i]);
    if (!hit)
      return 1;
    pos = (size_t)(hit - text) + strlen(after[i]);
  }
  if ((k == VK_DURATION || k == VK_INTERVAL) && fact_seconds(fact_unit) < 0)
    return snprintf(msg, msgcap, "the fact's name gives no unit of time"),
           2;
  memset(out, 0, sizeof *out);
  finder f = {text, k, unit, fact_unit, range_max, out, msg, msgcap};
  for (size_t at = pos; text[at]; at += clen(text + at)) {
    int rc = try_at(&f, at);
    if (rc != 1)
      return rc;
  }
  return 1;
}
