/*
 * bi_time.c: the CEL functions on timestamps and durations, as the
 * bi_time[] table of builtins.h: the conversions timestamp() and
 * duration(), and the accessors getFullYear .. getMilliseconds, on
 * timestamps in UTC or in the time zone named by an optional string
 * argument, and getHours .. getMilliseconds on durations. The text
 * formats, zones and calendar are time.c's; arithmetic and comparison of
 * these values are the VM's (time_ops.h).
 *
 * Accessors follow the CEL spec: getMonth, getDayOfMonth, getDayOfYear
 * and getDayOfWeek count from 0 (Sunday = 0), getDate from 1. On a
 * duration, getHours/getMinutes/getSeconds give the whole duration in
 * that unit, truncated toward zero, while getMilliseconds gives only the
 * milliseconds within the second (duration("1.5s") -> 500, "-1.5s" ->
 * -500), as the spec says.
 */
#include "builtins.h"

#include "cost.h"
#include "time_ops.h"

enum { SHOWN_MAX = 64 }; /* bytes of a bad argument quoted in a message */

typedef enum {
  F_YEAR,
  F_MONTH,         /* 0-based */
  F_DATE,          /* 1-based day of month */
  F_DAY_OF_MONTH,  /* 0-based */
  F_DAY_OF_WEEK,   /* 0 = Sunday */
  F_DAY_OF_YEAR,   /* 0-based */
  F_HOURS,         /* from here on: also defined on durations */
  F_MINUTES,
  F_SECONDS,
  F_MILLIS
} field;

/* How many bytes of [s] to quote: at most SHOWN_MAX, never cutting a
 * UTF-8 sequence. */
static int shown_len(const str *s) {
  size_t k = s->len;
  if (k > SHOWN_MAX) {
    k = SHOWN_MAX;
    while (k > 0 && ((unsigned char)s->data[k] & 0xC0) == 0x80)
      k--;
  }
  return (int)k;
}

/* {==================================================================
 * Conversions
 * =================================================================== */

static val timestamp_from_text(arena *a, const str *s) {
  int64_t sec;
  int32_t ns;
  switch (tm_scan_timestamp(s->data, s->len, &sec, &ns)) {
  case TM_OK:
    return val_timestamp(sec, ns);
  case TM_RANGE:
    return val_err(a, ERR_OVERFLOW, "timestamp out of range: '%.*s'",
                   shown_len(s), s->data);
  default:
    return val_err(a, ERR_INVALID, "invalid timestamp '%.*s'",
                   shown_len(s), s->data);
  }
}

static val timestamp_from_unix(arena *a, int64_t sec) {
  if (!tm_timestamp_ok(sec, 0))
    return val_err(a, ERR_OVERFLOW, "timestamp out of range: %lld",
                   (long long)sec);
  return val_timestamp(sec, 0);
}

/* timestamp(string): RFC 3339; timestamp(int): Unix seconds;
 * timestamp(timestamp): identity. */
static val to_timestamp(arena *a, const val *args, int n) {
  switch (args[0].kind) {
  case V_TIMESTAMP:
    return args[0];
  case V_STRING:
    return timestamp_from_text(a, args[0].as.s);
  case V_INT:
    return timestamp_from_unix(a, args[0].as.i);
  default:
    return val_no_overload(a, "timestamp", args, n);
  }
}

static val duration_from_text(arena *a, const str *s) {
  int64_t sec;
  int32_t ns;
  switch (tm_scan_duration(s->data, s->len, &sec, &ns)) {
  case TM_OK:
    return val_duration(sec, ns);
  case TM_RANGE:
    return val_err(a, ERR_OVERFLOW, "duration out of range: '%.*s'",
                   shown_len(s), s->data);
  default:
    return val_err(a, ERR_INVALID, "invalid duration '%.*s'",
                   shown_len(s), s->data);
  }
}

/* duration(string): "1h2m3.5s" etc.; duration(duration): identity. */
static val to_duration(arena *a, const val *args, int n) {
  if (args[0].kind == V_DURATION)
    return args[0];
  if (args[0].kind == V_STRING)
    return duration_from_text(a, args[0].as.s);
  return val_no_overload(a, "duration", args, n);
}

/* {==================================================================
 * Accessors
 * =================================================================== */

static int64_t pick(const tm_fields *f, field k) {
  switch (k) {
  case F_YEAR: return f->year;
  case F_MONTH: return f->month - 1;
  case F_DATE: return f->day;
  case F_DAY_OF_MONTH: return f->day - 1;
  case F_DAY_OF_WEEK: return f->wday;
  case F_DAY_OF_YEAR: return f->yday;
  case F_HOURS: return f->hour;
  case F_MINUTES: return f->minute;
  case F_SECONDS: return f->second;
  case F_MILLIS: return f->ns / 1000000;
  }
  return 0;
}

/* Field [k] of timestamp args[0], in the zone args[1] when n == 2. */
static val timestamp_field(arena *a, const val *args, int n,
                           const char *name, field k) {
  int32_t off = 0;
  if (n == 2) {
    if (args[1].kind != V_STRING)
      return val_no_overload(a, name, args, n);
    const str *z = args[1].as.s;
    if (tm_zone_named(z->data, z->len) && !cost_charge(a, COST_ZONE))
      return val_over_budget(); /* its file is read per call */
    int found = tm_zone_offset(&a->m, z->data, z->len, args[0].as.i, &off);
    if (found < 0)
      return val_nomem();
    if (!found)
      return val_err(a, ERR_INVALID, "unknown time zone '%.*s'",
                     shown_len(z), z->data);
  }
  tm_fields f;
  tm_breakdown(args[0].as.i, args[0].aux, off, &f);
  return val_int(pick(&f, k));
}

/* Field [k] (F_HOURS and after) of duration args[0]. */
static val duration_field(field k, val d) {
  switch (k) {
  case F_HOURS: return val_int(d.as.i / 3600);
  case F_MINUTES: return val_int(d.as.i / 60);
  case F_SECONDS: return val_int(d.as.i);
  default: return val_int(d.aux / 1000000);
  }
}

/* Field [k] of the receiver args[0], whichever kind defines it. */
static val time_field(arena *a, const val *args, int n, const char *name,
                      field k) {
  if (args[0].kind == V_TIMESTAMP)
    return timestamp_field(a, args, n, name, k);
  if (args[0].kind == V_DURATION && k >= F_HOURS && n == 1)
    return duration_field(k, args[0]);
  return val_no_overload(a, name, args, n);
}

static val get_full_year(arena *a, const val *args, int n) {
  return time_field(a, args, n, "getFullYear", F_YEAR);
}

static val get_month(arena *a, const val *args, int n) {
  return time_field(a, args, n, "getMonth", F_MONTH);
}

static val get_date(arena *a, const val *args, int n) {
  return time_field(a, args, n, "getDate", F_DATE);
}

static val get_day_of_month(arena *a, const val *args, int n) {
  return time_field(a, args, n, "getDayOfMonth", F_DAY_OF_MONTH);
}

static val get_day_of_week(arena *a, const val *args, int n) {
  return time_field(a, args, n, "getDayOfWeek", F_DAY_OF_WEEK);
}

static val get_day_of_year(arena *a, const val *args, int n) {
  return time_field(a, args, n, "getDayOfYear", F_DAY_OF_YEAR);
}

static val get_hours(arena *a, const val *args, int n) {
  return time_field(a, args, n, "getHours", F_HOURS);
}

static val get_minutes(arena *a, const val *args, int n) {
  return time_field(a, args, n, "getMinutes", F_MINUTES);
}

static val get_seconds(arena *a, const val *args, int n) {
  return time_field(a, args, n, "getSeconds", F_SECONDS);
}

static val get_milliseconds(arena *a, const val *args, int n) {
  return time_field(a, args, n, "getMilliseconds", F_MILLIS);
}

/* {==================================================================
 * The table
 * =================================================================== */

#define TZ_DOC "; in UTC, or in the zone [tz]: \"UTC\", \"+05:30\", " \
               "\"Europe/Paris\""

const builtin bi_time[] = {
    {"timestamp", BI_GLOBAL, 1, 1, to_timestamp,
     "timestamp(string|int|timestamp) -> timestamp: RFC 3339 text, Unix "
     "seconds, or identity"},
    {"duration", BI_GLOBAL, 1, 1, to_duration,
     "duration(string|duration) -> duration: text such as \"1h2m3.5s\", "
     "or identity"},
    {"getFullYear", BI_RECEIVER, 1, 2, get_full_year,
     "timestamp.getFullYear([tz]) -> int: the year" TZ_DOC},
    {"getMonth", BI_RECEIVER, 1, 2, get_month,
     "timestamp.getMonth([tz]) -> int: the month, 0 = January" TZ_DOC},
    {"getDate", BI_RECEIVER, 1, 2, get_date,
     "timestamp.getDate([tz]) -> int: the day of the month, from 1" TZ_DOC},
    {"getDayOfMonth", BI_RECEIVER, 1, 2, get_day_of_month,
     "timestamp.getDayOfMonth([tz]) -> int: the day of the month, from 0"
     TZ_DOC},
    {"getDayOfWeek", BI_RECEIVER, 1, 2, get_day_of_week,
     "timestamp.getDayOfWeek([tz]) -> int: 0 = Sunday .. 6" TZ_DOC},
    {"getDayOfYear", BI_RECEIVER, 1, 2, get_day_of_year,
     "timestamp.getDayOfYear([tz]) -> int: the day of the year, from 0"
     TZ_DOC},
    {"getHours", BI_RECEIVER, 1, 2, get_hours,
     "timestamp.getHours([tz]) -> int: the hour" TZ_DOC
     "; duration.getHours() -> int: whole hours"},
    {"getMinutes", BI_RECEIVER, 1, 2, get_minutes,
     "timestamp.getMinutes([tz]) -> int: the minute" TZ_DOC
     "; duration.getMinutes() -> int: whole minutes"},
    {"getSeconds", BI_RECEIVER, 1, 2, get_seconds,
     "timestamp.getSeconds([tz]) -> int: the second" TZ_DOC
     "; duration.getSeconds() -> int: whole seconds"},
    {"getMilliseconds", BI_RECEIVER, 1, 2, get_milliseconds,
     "timestamp.getMilliseconds([tz]) -> int: milliseconds in the second"
     TZ_DOC "; duration.getMilliseconds() -> int: the same"},
    {NULL, 0, 0, 0, NULL, NULL},
};
