/*
 * time.h: timestamps and durations as (seconds, nanoseconds) pairs:
 * RFC 3339 and CEL duration text, calendar fields in UTC, at a fixed
 * offset ("+05:30") or in an IANA zone read from the system's zoneinfo.
 */
#ifndef POL_TIME_H
#define POL_TIME_H

#include "common.h"
#include "mem.h"

#define TM_MIN_SEC (-62135596800LL)   /* 0001-01-01T00:00:00Z */
#define TM_MAX_SEC 253402300799LL     /* 9999-12-31T23:59:59Z */
#define TM_MAX_DUR_SEC 315576000000LL /* about 10000 years, as in CEL */

/* RFC 3339 ("2009-02-13T23:31:30.5Z", "...+09:00"); false if malformed
 * or outside TM_MIN_SEC..TM_MAX_SEC. */
POL_INTERNAL bool tm_parse_timestamp(const char *s, size_t n, int64_t *sec,
                                     int32_t *ns);
/* A calendar date "YYYY-MM-DD" (exactly that form: as-of dates, waiver
 * expiry) as the seconds of its midnight UTC; false if malformed or not
 * a real date (2026-02-30). */
POL_INTERNAL bool tm_parse_date(const char *s, int64_t *sec);
/* "2009-02-13T23:31:30Z", with 3, 6 or 9 fraction digits when needed.
 * [buf] has room for 40 bytes; returns the length written (NUL added). */
POL_INTERNAL size_t tm_format_timestamp(char *buf, int64_t sec, int32_t ns);
/* CEL/Go duration text: "1.5s", "-2h3m", "100ms", "1us", "1µs", "7ns";
 * false if malformed or beyond +-TM_MAX_DUR_SEC. */
POL_INTERNAL bool tm_parse_duration(const char *s, size_t n, int64_t *sec,
                                    int32_t *ns);
/* Seconds form: "1.5s", "-0.000000001s", "0s". [buf] >= 40 bytes. */
POL_INTERNAL size_t tm_format_duration(char *buf, int64_t sec, int32_t ns);
/* true if (sec, ns) is a valid duration / timestamp. */
POL_INTERNAL bool tm_duration_ok(int64_t sec, int32_t ns);
POL_INTERNAL bool tm_timestamp_ok(int64_t sec, int32_t ns);
/* UTC offset in seconds at instant [sec] for zone [tz] ("UTC",
 * "America/New_York", "+05:30", "-08:00", "02:00"): 1 with *[offset]
 * set, 0 if the zone is unknown, -1 when memory (from [m], for reading
 * a zoneinfo file) ran out. */
POL_INTERNAL int tm_zone_offset(const mem *m, const char *tz, size_t n,
                                int64_t sec, int32_t *offset);
/* Whether tm_zone_offset reads a zoneinfo file for [tz] (neither "UTC",
 * "Z" nor a fixed offset): the costly case (cost.h, COST_ZONE). */
POL_INTERNAL bool tm_zone_named(const char *tz, size_t n);

#endif
