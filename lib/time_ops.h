/*
 * time_ops.h: what the VM and the builtins need from time.c beyond
 * time.h: range-checked arithmetic on timestamp and duration values,
 * parsing that says why text was rejected, and the calendar fields of an
 * instant at a UTC offset. Everything is pure: no allocation, no state.
 */
#ifndef POL_TIME_OPS_H
#define POL_TIME_OPS_H

#include "time.h"
#include "value.h"

/* Why a text did not parse: bad syntax, or a valid text out of range. */
typedef enum { TM_OK, TM_SYNTAX, TM_RANGE } tm_status;

/* tm_parse_timestamp() with a reason: TM_SYNTAX for malformed text or an
 * impossible field (month 13, Feb 30, second 60), TM_RANGE for a valid
 * date outside TM_MIN_SEC..TM_MAX_SEC. [sec] and [ns] are only set on
 * TM_OK. */
POL_INTERNAL tm_status tm_scan_timestamp(const char *s, size_t n,
                                         int64_t *sec, int32_t *ns);
/* tm_parse_duration() with a reason: TM_RANGE when the text is well
 * formed but beyond +-TM_MAX_DUR_SEC. [sec] and [ns] only set on TM_OK. */
POL_INTERNAL tm_status tm_scan_duration(const char *s, size_t n,
                                        int64_t *sec, int32_t *ns);

/* Arithmetic. The caller checks the kinds (V_TIMESTAMP / V_DURATION);
 * each function stores the result in *[out] and returns true, or returns
 * false, leaving *[out] alone, when an operand is not a valid value of
 * its kind or the result is out of range (the VM's ERR_OVERFLOW). */
/* [ts] + [dur] -> timestamp (also dur + ts). */
POL_INTERNAL bool tm_add_duration(val ts, val dur, val *out);
/* [ts] - [dur] -> timestamp. */
POL_INTERNAL bool tm_sub_duration(val ts, val dur, val *out);
/* [a] - [b] -> duration, both timestamps. */
POL_INTERNAL bool tm_sub_timestamps(val a, val b, val *out);
/* [a] + [b] -> duration. */
POL_INTERNAL bool tm_add_durations(val a, val b, val *out);
/* [a] - [b] -> duration. */
POL_INTERNAL bool tm_sub_durations(val a, val b, val *out);
/* -[d] -> duration. */
POL_INTERNAL bool tm_neg_duration(val d, val *out);

/* Calendar fields of an instant as seen at a UTC offset. */
typedef struct tm_fields {
  int64_t year;    /* 1..9999 for valid timestamps at offset 0; an
                      offset can reach year 0 or 10000 */
  int month;       /* 1..12 */
  int day;         /* 1..31 */
  int hour;        /* 0..23 */
  int minute;      /* 0..59 */
  int second;      /* 0..59 */
  int32_t ns;      /* 0..999999999 */
  int wday;        /* 0 = Sunday .. 6 */
  int yday;        /* 0 = January 1st .. 365 */
} tm_fields;

/* Fill *[f] with the proleptic Gregorian fields of instant ([sec], [ns])
 * shifted by [offset] seconds east of UTC (tm_zone_offset()'s result).
 * Any input is safe; for instants far outside the timestamp range the
 * fields are those of a clamped instant. */
POL_INTERNAL void tm_breakdown(int64_t sec, int32_t ns, int32_t offset,
                               tm_fields *f);

#endif
