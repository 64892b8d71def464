/* Times: stored in UTC, replied in RFC 3339 with the configured zone's offset. The zone
 * is set once at start (ss_time_set_zone, before any thread starts). */
#ifndef SS_UTIL_TIMEFMT_H
#define SS_UTIL_TIMEFMT_H

#include <stddef.h>
#include <time.h>

#define SS_TIME_RFC3339_LEN 32

/* Sets the process time zone (IANA name). Returns 0, or -1 if the zone is unknown. */
int ss_time_set_zone(const char *zone);
/* Writes t as "2026-11-21T09:00:00+08:00" in the configured zone. out holds SS_TIME_RFC3339_LEN. */
void ss_time_format(time_t t, char *out);
/* Parses an RFC 3339 date-time with 'Z' or a ±hh:mm offset (fractions ignored).
 * Returns 0 and sets *out, or -1 for anything else (a date-time without offset included). */
int ss_time_parse(const char *s, time_t *out);
/* What the store can hold: MariaDB's FROM_UNIXTIME/TIMESTAMP end in January 2038, and the
 * contract allows 1970-01-01T00:00:00Z to 2037-12-31T23:59:59Z (API "Times"). */
#define SS_TIME_MIN ((time_t)0)
#define SS_TIME_MAX ((time_t)2145916799)
/* 1 if t is within SS_TIME_MIN..SS_TIME_MAX. */
static inline int ss_time_storable(time_t t) { return t >= SS_TIME_MIN && t <= SS_TIME_MAX; }
/* Parses MariaDB's "YYYY-MM-DD HH:MM:SS" as UTC. Returns 0, or -1. */
int ss_time_parse_db(const char *s, time_t *out);
/* Writes t as UTC "YYYY-MM-DD HH:MM:SS" (for DATETIME parameters). out holds 20 bytes. */
void ss_time_format_db(time_t t, char *out);

#endif
