/*
 * time.c: timestamps and durations (time.h, time_ops.h). It owns the
 * proleptic Gregorian calendar, computed by hand (the C library's
 * tzset/localtime keep global state, so they are never used); RFC 3339
 * and CEL duration text; range-checked arithmetic; and the UTC offsets of
 * time zones: "UTC", fixed "+05:45", and IANA names read from TZif files
 * (RFC 8536) under $TZDIR or /usr/share/zoneinfo, including the POSIX TZ
 * rule of the file's footer for instants after its last transition.
 * Nothing is cached: a zone file is read and parsed on every call, so no
 * state is shared between threads.
 *
 * Decisions, after CEL (protobuf Timestamp/Duration, Go's parsers):
 * - Timestamps count POSIX seconds, without leap seconds (as protobuf's
 *   Timestamp), so second 60 is rejected, as are hour 24, day 0, Feb 29
 *   of a common year and more than 9 fraction digits. The 'T' and the
 *   zone ('Z' or +HH:MM, HH <= 23) are required; 't' and 'z' are
 *   accepted (RFC 3339 section 5.6, NOTE).
 * - Durations follow Go's time.ParseDuration, which CEL implementations
 *   use: an optional sign, then "0" or one or more <digits>[.<digits>]
 *   <unit> with units h m s ms us ns and µs (U+00B5 or U+03BC); ".5s" and
 *   "1.s" are accepted, "." and a missing unit are not. A fraction is
 *   exact to the nanosecond and truncated beyond. The valid range is
 *   protobuf's Duration: seconds within +-TM_MAX_DUR_SEC, nanoseconds
 *   (|ns| < 1e9) of the same sign.
 * - Zones: "UTC" and "Z" are 0; "+HH:MM", "-HH:MM" and bare "HH:MM"
 *   (HH 00..23, MM 00..59) are fixed; anything else is a file name. An
 *   offset changes exactly at a transition's instant (that instant has
 *   the new offset); mapping instants to local time never meets the
 *   skipped or repeated local hours. Leap-second records of "right/"
 *   files are skipped, not applied.
 */
#include "time_ops.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_SEC 1000000000
#define SEC_PER_DAY 86400
#define DAYS_0000_TO_1970 719468 /* from 0000-03-01 to 1970-01-01 */
#define DAYS_PER_ERA 146097      /* 400 Gregorian years */
#define ZONE_FILE_MAX (1 << 20)  /* real TZif files are a few KiB */
#define ZONE_NAME_MAX 255
#define MAX_UTOFF (26 * 3600)    /* larger offsets mean a bad file */

/* {==================================================================
 * Calendar
 * =================================================================== */

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if (a % b != 0 && (a < 0) != (b < 0))
    q--;
  return q;
}

static bool is_leap(int64_t y) {
  return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int days_in_month(int64_t y, int m) {
  static const unsigned char dim[12] = {31, 28, 31, 30, 31, 30,
                                        31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* Days from 1970-01-01 to [y]-[m]-[d]. The year is taken to start on
 * March 1st, so that the leap day ends it; then a date is its 400-year
 * era, its year in the era and its day in that year, where the months
 * March..February have lengths 31 30 31 30 31 31 30 31 30 31 31 (28|29),
 * whose running totals (153 * mp + 2) / 5 gives. */
static int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = floor_div(y, 400);
  int64_t yoe = y - era * 400;                           /* 0..399 */
  int64_t mp = (m + 9) % 12;                             /* March = 0 */
  int64_t doy = (153 * mp + 2) / 5 + d - 1;              /* 0..365 */
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;   /* 0..146096 */
  return era * DAYS_PER_ERA + doe - DAYS_0000_TO_1970;
}

/* The inverse of days_from_civil(): the civil date of day [z]. The
 * year of the era is found by removing the era's leap days (one every
 * 1460 days, less one per 36524, plus one at day 146096) first. */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d) {
  z += DAYS_0000_TO_1970;
  int64_t era = floor_div(z, DAYS_PER_ERA);
  int64_t doe = z - era * DAYS_PER_ERA;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

/* 0 = Sunday; 1970-01-01 was a Thursday. */
static int weekday(int64_t days) {
  int64_t x = days + 4;
  return (int)(x - floor_div(x, 7) * 7);
}

/* Keeps instants far outside the timestamp range from overflowing the
 * calendar arithmetic: about 40 years of margin on either side. */
static int64_t clamp_instant(int64_t sec) {
  const int64_t margin = (int64_t)1 << 30;
  if (sec < TM_MIN_SEC - margin)
    return TM_MIN_SEC - margin;
  if (sec > TM_MAX_SEC + margin)
    return TM_MAX_SEC + margin;
  return sec;
}

/* Calendar fields of ([sec], [ns]) at [offset]; see time_ops.h. */
void tm_breakdown(int64_t sec, int32_t ns, int32_t offset, tm_fields *f) {
  int64_t t = clamp_instant(sec) + offset;
  int64_t days = floor_div(t, SEC_PER_DAY);
  int rem = (int)(t - days * SEC_PER_DAY);
  civil_from_days(days, &f->year, &f->month, &f->day);
  f->hour = rem / 3600;
  f->minute = rem / 60 % 60;
  f->second = rem % 60;
  f->ns = ns;
  f->wday = weekday(days);
  f->yday = (int)(days - days_from_civil(f->year, 1, 1));
}

/* {==================================================================
 * Shared text helpers
 * =================================================================== */

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Exactly [w] decimal digits at s[*i] into *[v]. */
static bool fixed_digits(const char *s, size_t n, size_t *i, int w, int *v) {
  if (n - *i < (size_t)w)
    return false;
  int x = 0;
  for (int k = 0; k < w; k++) {
    if (!is_digit(s[*i + k]))
      return false;
    x = x * 10 + (s[*i + k] - '0');
  }
  *i += (size_t)w;
  *v = x;
  return true;
}

/* Consume [c] at s[*i] if it is there. */
static bool eat(const char *s, size_t n, size_t *i, char c) {
  if (*i >= n || s[*i] != c)
    return false;
  (*i)++;
  return true;
}

/* An optional '+' or '-' at s[*i]: -1 for '-', else 1. */
static int opt_sign(const char *s, size_t n, size_t *i) {
  if (eat(s, n, i, '-'))
    return -1;
  eat(s, n, i, '+');
  return 1;
}

/* "HH:MM" at s[*i] (HH 00..23, MM 00..59) as seconds. */
static bool hh_mm(const char *s, size_t n, size_t *i, int *sec) {
  int h, m;
  if (!fixed_digits(s, n, i, 2, &h) || !eat(s, n, i, ':') ||
      !fixed_digits(s, n, i, 2, &m) || h > 23 || m > 59)
    return false;
  *sec = h * 3600 + m * 60;
  return true;
}

/* Write "." and the first [w] of the 9 digits of [ns] (nothing for
 * w == 0) at [p]; returns the number of bytes written. */
static size_t put_fraction(char *p, uint32_t ns, int w) {
  char d[9];
  for (int k = 8; k >= 0; k--, ns /= 10)
    d[k] = (char)('0' + ns % 10);
  if (w == 0)
    return 0;
  p[0] = '.';
  memcpy(p + 1, d, (size_t)w);
  return (size_t)w + 1;
}

/* {==================================================================
 * Timestamps
 * =================================================================== */

typedef struct civil {
  int y, mo, d, h, mi, s;
} civil;

/* "YYYY-MM-DDTHH:MM:SS", fields unchecked. */
static bool scan_civil(const char *s, size_t n, size_t *i, civil *c) {
  return fixed_digits(s, n, i, 4, &c->y) && eat(s, n, i, '-') &&
         fixed_digits(s, n, i, 2, &c->mo) && eat(s, n, i, '-') &&
         fixed_digits(s, n, i, 2, &c->d) &&
         (eat(s, n, i, 'T') || eat(s, n, i, 't')) &&
         fixed_digits(s, n, i, 2, &c->h) && eat(s, n, i, ':') &&
         fixed_digits(s, n, i, 2, &c->mi) && eat(s, n, i, ':') &&
         fixed_digits(s, n, i, 2, &c->s);
}

/* No leap second: ":60" is not a POSIX instant. */
static bool civil_ok(const civil *c) {
  return c->mo >= 1 && c->mo <= 12 && c->d >= 1 &&
         c->d <= days_in_month(c->y, c->mo) && c->h <= 23 && c->mi <= 59 &&
         c->s <= 59;
}

/* An optional ".d{1,9}" at s[*i] as nanoseconds. */
static bool scan_fraction(const char *s, size_t n, size_t *i, int32_t *ns) {
  *ns = 0;
  if (!eat(s, n, i, '.'))
    return true;
  int k = 0;
  for (; *i < n && is_digit(s[*i]); (*i)++) {
    if (++k > 9)
      return false;
    *ns = *ns * 10 + (s[*i] - '0');
  }
  for (int j = k; j < 9; j++)
    *ns *= 10;
  return k > 0;
}

/* "Z", "z" or "+HH:MM" / "-HH:MM": seconds east of UTC. */
static bool scan_zone(const char *s, size_t n, size_t *i, int *off) {
  *off = 0;
  if (eat(s, n, i, 'Z') || eat(s, n, i, 'z'))
    return true;
  int sign = eat(s, n, i, '-') ? -1 : (eat(s, n, i, '+') ? 1 : 0);
  if (sign == 0 || !hh_mm(s, n, i, off))
    return false;
  *off *= sign;
  return true;
}

/* Parse RFC 3339 text [s] of [n] bytes; *[sec], *[ns] set on TM_OK only
 * (time_ops.h). */
tm_status tm_scan_timestamp(const char *s, size_t n, int64_t *sec,
                            int32_t *ns) {
  size_t i = 0;
  civil c;
  int32_t frac;
  int off;
  if (!scan_civil(s, n, &i, &c) || !civil_ok(&c) ||
      !scan_fraction(s, n, &i, &frac) || !scan_zone(s, n, &i, &off) ||
      i != n)
    return TM_SYNTAX;
  int64_t t = days_from_civil(c.y, c.mo, c.d) * SEC_PER_DAY +
              c.h * 3600 + c.mi * 60 + c.s - off;
  if (!tm_timestamp_ok(t, frac))
    return TM_RANGE;
  *sec = t;
  *ns = frac;
  return TM_OK;
}

/* tm_scan_timestamp() as a yes/no (time.h). */
bool tm_parse_timestamp(const char *s, size_t n, int64_t *sec,
                        int32_t *ns) {
  return tm_scan_timestamp(s, n, sec, ns) == TM_OK;
}

/* 0, 3, 6 or 9 digits: as few as show [ns] exactly. */
static int millis_width(uint32_t ns) {
  if (ns == 0)
    return 0;
  return ns % 1000000 == 0 ? 3 : (ns % 1000 == 0 ? 6 : 9);
}

/* "YYYY-MM-DDTHH:MM:SS[.fff[fff[fff]]]Z" into [buf] (40 bytes); returns
 * the length. An invalid [ns] prints no fraction (time.h). */
size_t tm_format_timestamp(char *buf, int64_t sec, int32_t ns) {
  tm_fields f;
  uint32_t frac = ns >= 0 && ns < NS_PER_SEC ? (uint32_t)ns : 0;
  char fs[11];
  tm_breakdown(sec, 0, 0, &f);
  fs[put_fraction(fs, frac, millis_width(frac))] = '\0';
  int k = snprintf(buf, 40, "%04lld-%02d-%02dT%02d:%02d:%02d%sZ",
                   (long long)f.year, f.month, f.day, f.hour, f.minute,
                   f.second, fs);
  return k < 0 ? 0 : ((size_t)k < 40 ? (size_t)k : 39);
}

/* [sec] within TM_MIN_SEC..TM_MAX_SEC and [ns] within 0..999999999. */
bool tm_timestamp_ok(int64_t sec, int32_t ns) {
  return ns >= 0 && ns < NS_PER_SEC && sec >= TM_MIN_SEC &&
         sec <= TM_MAX_SEC;
}

/* {==================================================================
 * Durations
 * =================================================================== */

typedef struct unit {
  const char *name;
  size_t len;
  int64_t ns;
} unit;

static const unit units[] = {
    {"h", 1, 3600LL * NS_PER_SEC}, {"m", 1, 60LL * NS_PER_SEC},
    {"s", 1, NS_PER_SEC},          {"ms", 2, 1000000},
    {"us", 2, 1000},               {"\xc2\xb5s", 3, 1000}, /* U+00B5 */
    {"\xce\xbcs", 3, 1000},        /* U+03BC */
    {"ns", 2, 1},
};

static const unit *find_unit(const char *s, size_t n) {
  for (size_t k = 0; k < POL_COUNTOF(units); k++)
    if (units[k].len == n && memcmp(units[k].name, s, n) == 0)
      return &units[k];
  return NULL;
}

/* A non-negative amount being summed: seconds plus nanoseconds below
 * 1e9. Once past TM_MAX_DUR_SEC it is [over] and stops changing, so
 * that no digit string, however long, can overflow it. */
typedef struct dacc {
  int64_t sec, ns;
  bool over;
} dacc;

/* Add [sec] seconds and [ns] (0 <= ns < 1e10) nanoseconds. */
static void acc_add(dacc *a, int64_t sec, int64_t ns) {
  if (a->over)
    return;
  a->ns += ns;
  a->sec += sec + a->ns / NS_PER_SEC;
  a->ns %= NS_PER_SEC;
  if (a->sec > TM_MAX_DUR_SEC)
    a->over = true;
}

/* a = 10 * a + [ns]: one more integer digit of a count of some unit. */
static void acc_digit(dacc *a, int64_t ns) {
  if (a->over)
    return;
  a->sec *= 10;
  a->ns *= 10;
  acc_add(a, ns / NS_PER_SEC, ns % NS_PER_SEC);
}

/* floor(0.<the [n] digits at s> * [unit_ns]) exactly, by Horner's rule from
 * the last digit, flooring at each step: for an integer k,
 * floor((k + x) / 10) == floor((k + floor(x)) / 10). */
static int64_t fraction_ns(const char *s, size_t n, int64_t unit_ns) {
  int64_t v = 0;
  for (size_t k = n; k-- > 0;)
    v = ((s[k] - '0') * unit_ns + v) / 10;
  return v;
}

/* One "<digits>[.<digits>]<unit>" at s[*i], added to [total]. */
static bool scan_component(const char *s, size_t n, size_t *i,
                           dacc *total) {
  size_t p = *i, i0 = p, f0, f1;
  while (p < n && is_digit(s[p]))
    p++;
  size_t i1 = p;
  f0 = f1 = p;
  if (eat(s, n, &p, '.')) {
    f0 = p;
    while (p < n && is_digit(s[p]))
      p++;
    f1 = p;
  }
  if (i1 == i0 && f1 == f0)
    return false;
  size_t u0 = p;
  while (p < n && s[p] != '.' && !is_digit(s[p]))
    p++;
  const unit *u = find_unit(s + u0, p - u0);
  if (!u)
    return false;
  dacc c = {0, 0, false};
  for (size_t k = i0; k < i1; k++)
    acc_digit(&c, (s[k] - '0') * u->ns);
  int64_t f = fraction_ns(s + f0, f1 - f0, u->ns);
  acc_add(&c, f / NS_PER_SEC, f % NS_PER_SEC);
  total->over |= c.over;
  acc_add(total, c.sec, c.ns);
  *i = p;
  return true;
}

/* Parse duration text [s] of [n] bytes; *[sec], *[ns] (same sign) set
 * on TM_OK only (time_ops.h). */
tm_status tm_scan_duration(const char *s, size_t n, int64_t *sec,
                           int32_t *ns) {
  size_t i = 0;
  bool neg = opt_sign(s, n, &i) < 0;
  dacc t = {0, 0, false};
  if (n - i == 1 && s[i] == '0')
    i = n; /* "0" is the only number without a unit */
  else if (i == n)
    return TM_SYNTAX;
  while (i < n)
    if (!scan_component(s, n, &i, &t))
      return TM_SYNTAX;
  if (t.over)
    return TM_RANGE;
  *sec = neg ? -t.sec : t.sec;
  *ns = (int32_t)(neg ? -t.ns : t.ns);
  return TM_OK;
}

/* tm_scan_duration() as a yes/no (time.h). */
bool tm_parse_duration(const char *s, size_t n, int64_t *sec, int32_t *ns) {
  return tm_scan_duration(s, n, sec, ns) == TM_OK;
}

/* As many fraction digits as [ns] needs, up to 9. */
static int minimal_width(uint32_t ns) {
  int w = ns == 0 ? 0 : 9;
  for (; w > 0 && ns % 10 == 0; w--)
    ns /= 10;
  return w;
}

/* Seconds with the fewest fraction digits, "-1.5s", into [buf] (40
 * bytes); returns the length (time.h). */
size_t tm_format_duration(char *buf, int64_t sec, int32_t ns) {
  bool neg = sec < 0 || (sec == 0 && ns < 0);
  uint64_t s = neg ? 0 - (uint64_t)sec : (uint64_t)sec;
  int64_t ans = ns < 0 ? -(int64_t)ns : ns;
  uint32_t frac = ans < NS_PER_SEC ? (uint32_t)ans : 0;
  char fs[11];
  fs[put_fraction(fs, frac, minimal_width(frac))] = '\0';
  int k = snprintf(buf, 40, "%s%llu%ss", neg ? "-" : "",
                   (unsigned long long)s, fs);
  return k < 0 ? 0 : ((size_t)k < 40 ? (size_t)k : 39);
}

/* Protobuf's Duration rule: |[sec]| <= TM_MAX_DUR_SEC, |[ns]| < 1e9,
 * and [ns] is 0 or has the sign of a non-zero [sec]. */
bool tm_duration_ok(int64_t sec, int32_t ns) {
  if (ns <= -NS_PER_SEC || ns >= NS_PER_SEC)
    return false;
  if ((sec > 0 && ns < 0) || (sec < 0 && ns > 0))
    return false;
  return sec >= -TM_MAX_DUR_SEC && sec <= TM_MAX_DUR_SEC;
}

/* {==================================================================
 * Arithmetic
 * =================================================================== */

/* With |*ns| < 2e9: bring *ns into 0..999999999. */
static void carry_floor(int64_t *sec, int64_t *ns) {
  if (*ns < 0) {
    *ns += NS_PER_SEC;
    (*sec)--;
  } else if (*ns >= NS_PER_SEC) {
    *ns -= NS_PER_SEC;
    (*sec)++;
  }
}

/* A duration from any (sec, ns) with |ns| < 2e9: ns takes sec's sign. */
static bool make_duration(int64_t sec, int64_t ns, val *out) {
  carry_floor(&sec, &ns);
  if (sec < 0 && ns > 0) {
    sec++;
    ns -= NS_PER_SEC;
  }
  if (!tm_duration_ok(sec, (int32_t)ns))
    return false;
  *out = val_duration(sec, (int32_t)ns);
  return true;
}

static bool make_timestamp(int64_t sec, int64_t ns, val *out) {
  carry_floor(&sec, &ns);
  if (!tm_timestamp_ok(sec, (int32_t)ns))
    return false;
  *out = val_timestamp(sec, (int32_t)ns);
  return true;
}

static bool dur_ok(val d) { return tm_duration_ok(d.as.i, d.aux); }
static bool ts_ok(val t) { return tm_timestamp_ok(t.as.i, t.aux); }

/* The arithmetic of time_ops.h: false on an invalid operand or an
 * out-of-range result, *[out] untouched then. [ts] + [dur]. */
bool tm_add_duration(val ts, val dur, val *out) {
  if (!ts_ok(ts) || !dur_ok(dur))
    return false;
  return make_timestamp(ts.as.i + dur.as.i, (int64_t)ts.aux + dur.aux, out);
}

/* [ts] - [dur] -> timestamp. */
bool tm_sub_duration(val ts, val dur, val *out) {
  if (!ts_ok(ts) || !dur_ok(dur))
    return false;
  return make_timestamp(ts.as.i - dur.as.i, (int64_t)ts.aux - dur.aux, out);
}

/* [a] - [b] -> duration; always in range for valid timestamps. */
bool tm_sub_timestamps(val a, val b, val *out) {
  if (!ts_ok(a) || !ts_ok(b))
    return false;
  return make_duration(a.as.i - b.as.i, (int64_t)a.aux - b.aux, out);
}

/* [a] + [b] -> duration. */
bool tm_add_durations(val a, val b, val *out) {
  if (!dur_ok(a) || !dur_ok(b))
    return false;
  return make_duration(a.as.i + b.as.i, (int64_t)a.aux + b.aux, out);
}

/* [a] - [b] -> duration. */
bool tm_sub_durations(val a, val b, val *out) {
  if (!dur_ok(a) || !dur_ok(b))
    return false;
  return make_duration(a.as.i - b.as.i, (int64_t)a.aux - b.aux, out);
}

/* -[d] -> duration. */
bool tm_neg_duration(val d, val *out) {
  if (!dur_ok(d))
    return false;
  return make_duration(-d.as.i, -(int64_t)d.aux, out);
}

/* {==================================================================
 * POSIX TZ strings (the TZif footer), e.g. "PST8PDT,M3.2.0,M11.1.0"
 * =================================================================== */

/* When a change happens: day [kind] 'J' (Julian [a] = 1..365, Feb 29
 * never counted), 'N' (zero-based day [a] = 0..365) or 'M' (month [a],
 * week [b] = 1..5 where 5 is the last, weekday [c]); at [time] seconds
 * of local time (which may be negative or past 24h). */
typedef struct prule {
  char kind;
  int a, b, c;
  int32_t time;
} prule;

typedef struct ptz {
  int32_t std, dst;   /* UTC offsets, seconds east */
  bool has_dst;
  prule start, end;   /* start in standard time, end in DST */
} ptz;

/* A decimal number of 1..3 digits, at most [max]. */
static bool p_num(const char *s, size_t n, size_t *i, int max, int *v) {
  int x = 0, k = 0;
  for (; k < 3 && *i < n && is_digit(s[*i]); k++, (*i)++)
    x = x * 10 + (s[*i] - '0');
  *v = x;
  return k > 0 && x <= max;
}

/* [+-]hh[:mm[:ss]] with hh <= [maxh], as signed seconds. */
static bool p_hms(const char *s, size_t n, size_t *i, int maxh,
                  int32_t *v) {
  int sign = opt_sign(s, n, i);
  int h, m = 0, sec = 0;
  if (!p_num(s, n, i, maxh, &h))
    return false;
  if (eat(s, n, i, ':') && !p_num(s, n, i, 59, &m))
    return false;
  if (eat(s, n, i, ':') && !p_num(s, n, i, 59, &sec))
    return false;
  *v = sign * (h * 3600 + m * 60 + sec);
  return true;
}

static bool is_alpha(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* A zone abbreviation: 3+ letters, or <...> of letters, digits, + -. */
static bool p_name(const char *s, size_t n, size_t *i) {
  size_t start = *i;
  if (eat(s, n, i, '<')) {
    for (start = *i; *i < n && s[*i] != '>'; (*i)++)
      if (!is_alpha(s[*i]) && !is_digit(s[*i]) && s[*i] != '+' &&
          s[*i] != '-')
        return false;
    return *i > start && eat(s, n, i, '>');
  }
  while (*i < n && is_alpha(s[*i]))
    (*i)++;
  return *i - start >= 3;
}

static bool p_rule(const char *s, size_t n, size_t *i, prule *r) {
  bool ok;
  r->b = r->c = 0;
  r->time = 2 * 3600;
  if (eat(s, n, i, 'M')) {
    r->kind = 'M';
    ok = p_num(s, n, i, 12, &r->a) && r->a >= 1 && eat(s, n, i, '.') &&
         p_num(s, n, i, 5, &r->b) && r->b >= 1 && eat(s, n, i, '.') &&
         p_num(s, n, i, 6, &r->c);
  } else if (eat(s, n, i, 'J')) {
    r->kind = 'J';
    ok = p_num(s, n, i, 365, &r->a) && r->a >= 1;
  } else {
    r->kind = 'N';
    ok = p_num(s, n, i, 365, &r->a);
  }
  return ok && (!eat(s, n, i, '/') || p_hms(s, n, i, 167, &r->time));
}

/* The whole TZ string [s] of [n] bytes. A DST name without rules is
 * rejected: its default rules are implementation-defined. */
static bool p_tz(const char *s, size_t n, ptz *z) {
  size_t i = 0;
  int32_t v;
  if (!p_name(s, n, &i) || !p_hms(s, n, &i, 24, &v))
    return false;
  z->std = -v; /* POSIX offsets count west */
  z->has_dst = false;
  if (i == n)
    return true;
  if (!p_name(s, n, &i))
    return false;
  z->has_dst = true;
  z->dst = z->std + 3600;
  if (i < n && s[i] != ',') {
    if (!p_hms(s, n, &i, 24, &v))
      return false;
    z->dst = -v;
  }
  return eat(s, n, &i, ',') && p_rule(s, n, &i, &z->start) &&
         eat(s, n, &i, ',') && p_rule(s, n, &i, &z->end) && i == n;
}

/* Day number (from 1970-01-01) on which [r] falls in year [y]. */
static int64_t rule_day(const prule *r, int64_t y) {
  int64_t jan1 = days_from_civil(y, 1, 1);
  if (r->kind == 'J')
    return jan1 + r->a - 1 + (is_leap(y) && r->a >= 60);
  if (r->kind == 'N')
    return jan1 + r->a;
  int64_t first = days_from_civil(y, r->a, 1);
  int64_t day = first + (r->c - weekday(first) + 7) % 7 + 7 * (r->b - 1);
  if (day >= first + days_in_month(y, r->a))
    day -= 7; /* week 5: the last such weekday */
  return day;
}

/* The instant of [r] in year [y], its time being local at [off]. */
static int64_t rule_instant(const prule *r, int64_t y, int32_t off) {
  return rule_day(r, y) * SEC_PER_DAY + r->time - off;
}

/* UTC offset of [z] at instant [t] (clamped by the caller). The rules
 * are taken in the year of t in standard time; when the change to DST
 * comes after the change back (southern hemisphere), DST spans the new
 * year. */
static int32_t ptz_offset(const ptz *z, int64_t t) {
  if (!z->has_dst)
    return z->std;
  int64_t y;
  int m, d;
  civil_from_days(floor_div(t + z->std, SEC_PER_DAY), &y, &m, &d);
  int64_t on = rule_instant(&z->start, y, z->std);
  int64_t off = rule_instant(&z->end, y, z->dst);
  bool dst = on < off ? (t >= on && t < off) : (t < off || t >= on);
  return dst ? z->dst : z->std;
}

/* {==================================================================
 * TZif files (RFC 8536)
 * =================================================================== */

/* The counts of a TZif header, in file order. */
typedef struct tzhead {
  uint32_t isut, isstd, leap, time, type, chars;
} tzhead;

/* The data block in use, all pointers within the file buffer. */
typedef struct tzif {
  const uint8_t *times; /* [timecnt] big-endian times of [tsize] bytes */
  const uint8_t *idx;   /* [timecnt] type indices */
  const uint8_t *types; /* [typecnt] ttinfo of 6 bytes */
  uint32_t timecnt, typecnt;
  int tsize;            /* 4 (v1 block) or 8 (v2+ block) */
  const char *footer;   /* TZ string, not NUL-terminated; may be empty */
  size_t footer_len;
} tzif;

enum { TZHEAD_SIZE = 44 };

static uint32_t be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}

static int64_t trans_time(const tzif *z, uint32_t k) {
  const uint8_t *p = z->times + (size_t)k * (size_t)z->tsize;
  if (z->tsize == 4)
    return (int32_t)be32(p);
  return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* The header at [off] of the [len]-byte file [p]. */
static bool read_head(const uint8_t *p, size_t len, size_t off,
                      tzhead *h) {
  if (len < TZHEAD_SIZE || off > len - TZHEAD_SIZE ||
      memcmp(p + off, "TZif", 4) != 0)
    return false;
  const uint8_t *c = p + off + 20;
  h->isut = be32(c);
  h->isstd = be32(c + 4);
  h->leap = be32(c + 8);
  h->time = be32(c + 12);
  h->type = be32(c + 16);
  h->chars = be32(c + 20);
  return h->type >= 1 && h->type <= 256;
}

/* Bytes of the data block after header [h] with [tsize]-byte times. */
static uint64_t block_size(const tzhead *h, int tsize) {
  return (uint64_t)h->time * (uint64_t)(tsize + 1) + (uint64_t)h->type * 6 +
         h->chars + (uint64_t)h->leap * (uint64_t)(tsize + 4) + h->isstd +
         h->isut;
}

/* The footer "\nTZ\n" at [off]; required in version 2+ files. */
static bool read_footer(const uint8_t *p, size_t len, size_t off,
                        tzif *z) {
  if (off >= len || p[off] != '\n')
    return false;
  const uint8_t *nl = memchr(p + off + 1, '\n', len - off - 1);
  if (!nl)
    return false;
  z->footer = (const char *)p + off + 1;
  z->footer_len = (size_t)(nl - (p + off + 1));
  return true;
}

/* Point [z] at the data block of header [h] starting at [off]. */
static void set_block(tzif *z, const uint8_t *p, size_t off,
                      const tzhead *h, int tsize) {
  z->tsize = tsize;
  z->timecnt = h->time;
  z->typecnt = h->type;
  z->times = p + off;
  z->idx = z->times + (size_t)h->time * (size_t)tsize;
  z->types = z->idx + h->time;
}

/* Check the [len]-byte file [p] and locate its best data block: the
 * 64-bit one of version 2+ files, else the version 1 block. */
static bool tzif_open(const uint8_t *p, size_t len, tzif *z) {
  tzhead h;
  if (!read_head(p, len, 0, &h))
    return false;
  uint64_t size = block_size(&h, 4);
  if (size > len - TZHEAD_SIZE)
    return false;
  z->footer = NULL;
  z->footer_len = 0;
  if (p[4] < '2') {
    set_block(z, p, TZHEAD_SIZE, &h, 4);
    return true;
  }
  size_t off = TZHEAD_SIZE + (size_t)size;
  if (!read_head(p, len, off, &h))
    return false;
  size = block_size(&h, 8);
  if (size > len - off - TZHEAD_SIZE)
    return false;
  set_block(z, p, off + TZHEAD_SIZE, &h, 8);
  return read_footer(p, len, off + TZHEAD_SIZE + (size_t)size, z);
}

/* The UTC offset of local time type [type]. */
static bool type_offset(const tzif *z, uint32_t type, int32_t *off) {
  if (type >= z->typecnt)
    return false;
  int32_t v = (int32_t)be32(z->types + (size_t)type * 6);
  if (v < -MAX_UTOFF || v > MAX_UTOFF)
    return false;
  *off = v;
  return true;
}

/* The number of transitions at or before [t] (binary search). */
static uint32_t count_at_or_before(const tzif *z, int64_t t) {
  uint32_t lo = 0, hi = z->timecnt;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (trans_time(z, mid) <= t)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Before the first transition, type 0 holds; from the last one on (or
 * always, without transitions), the footer's rule when it has one. */
static bool tzif_offset(const tzif *z, int64_t t, int32_t *off) {
  uint32_t k = count_at_or_before(z, t);
  if (k == z->timecnt && z->footer_len > 0) {
    ptz rule;
    if (!p_tz(z->footer, z->footer_len, &rule))
      return false;
    *off = ptz_offset(&rule, t);
    return true;
  }
  return type_offset(z, k == 0 ? 0 : z->idx[k - 1], off);
}

/* {==================================================================
 * Zone names and files
 * =================================================================== */

/* Only [A-Za-z0-9_+-/], not absolute, no "..": the name cannot leave
 * the zoneinfo directory. */
static bool zone_name_ok(const char *tz, size_t n) {
  if (n == 0 || n > ZONE_NAME_MAX || tz[0] == '/')
    return false;
  for (size_t i = 0; i < n; i++) {
    char c = tz[i];
    if (!is_alpha(c) && !is_digit(c) && c != '_' && c != '+' && c != '-' &&
        c != '/')
      return false;
  }
  return true; /* '.' is refused above, so ".." cannot occur */
}

/* All of [f] into a buffer from [m], at most ZONE_FILE_MAX bytes; NULL
 * (with *[oom] set when memory ran out) if not. */
static uint8_t *read_all(const mem *m, FILE *f, size_t *len, bool *oom) {
  size_t cap = 4096, n = 0;
  uint8_t *buf = mem_alloc(m, cap);
  *oom = !buf;
  while (buf) {
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap)
      break;
    uint8_t *bigger =
        cap < ZONE_FILE_MAX ? mem_realloc(m, buf, cap * 2) : NULL;
    *oom = cap < ZONE_FILE_MAX && !bigger;
    if (!bigger)
      mem_free(m, buf);
    buf = bigger;
    cap *= 2;
  }
  if (buf && ferror(f)) {
    mem_free(m, buf);
    buf = NULL;
  }
  *len = n;
  return buf;
}

/* The file of zone [tz] (a checked name) read into a buffer from [m] of
 * *[len] bytes, or NULL (*[oom] set when memory ran out). */
static uint8_t *read_zone_file(const mem *m, const char *tz, size_t n,
                               size_t *len, bool *oom) {
  const char *dir = getenv("TZDIR");
  char path[4096];
  if (!dir || !*dir)
    dir = "/usr/share/zoneinfo";
  int k = snprintf(path, sizeof path, "%s/%.*s", dir, (int)n, tz);
  if (k < 0 || (size_t)k >= sizeof path)
    return NULL;
  FILE *f = fopen(path, "rb");
  *oom = false;
  if (!f)
    return NULL;
  uint8_t *buf = read_all(m, f, len, oom);
  fclose(f);
  return buf;
}

static int named_offset(const mem *m, const char *tz, size_t n, int64_t t,
                        int32_t *off) {
  size_t len;
  tzif z;
  bool oom;
  if (!zone_name_ok(tz, n))
    return 0;
  uint8_t *buf = read_zone_file(m, tz, n, &len, &oom);
  if (!buf)
    return oom ? -1 : 0;
  bool ok = tzif_open(buf, len, &z) && tzif_offset(&z, t, off);
  mem_free(m, buf);
  return ok;
}

/* "+HH:MM", "-HH:MM" or "HH:MM". */
static bool fixed_offset(const char *tz, size_t n, int32_t *off) {
  size_t i = 0;
  int sign = opt_sign(tz, n, &i);
  int v;
  if (!hh_mm(tz, n, &i, &v) || i != n)
    return false;
  *off = sign * v;
  return true;
}

/* Seconds east of UTC in zone [tz] ([n] bytes) at instant [sec]: "UTC",
 * "Z", a fixed offset, or a zoneinfo file read into memory from [m]; 0
 * when the zone is unknown, its name unsafe, or its file malformed, -1
 * when memory ran out (time.h). */
int tm_zone_offset(const mem *m, const char *tz, size_t n, int64_t sec,
                   int32_t *offset) {
  if ((n == 3 && memcmp(tz, "UTC", 3) == 0) || (n == 1 && tz[0] == 'Z')) {
    *offset = 0;
    return 1;
  }
  if (memchr(tz, ':', n))
    return fixed_offset(tz, n, offset);
  return named_offset(m, tz, n, clamp_instant(sec), offset);
}

bool tm_parse_date(const char *s, int64_t *sec) {
  char buf[32];
  int32_t ns;
  size_t n = s ? strlen(s) : 0;
  if (n != 10 || s[4] != '-' || s[7] != '-')
    return false;
  for (size_t i = 0; i < n; i++)
    if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
      return false;
  memcpy(buf, s, 10);
  memcpy(buf + 10, "T00:00:00Z", 11);
  return tm_parse_timestamp(buf, 20, sec, &ns);
}

bool tm_zone_named(const char *tz, size_t n) {
  if ((n == 3 && memcmp(tz, "UTC", 3) == 0) || (n == 1 && tz[0] == 'Z'))
    return false;
  return memchr(tz, ':', n) == NULL;
}
