/* A per-process cache of values that may be served a little old (at most max_age_ms): the
 * public view of an activity, a page of the public list. Whoever uses it documents how old a
 * reply may be. Thread-safe; bounded (a fixed table of slots: a key shares its slot with
 * others and the newer value replaces the older); values are copied in and out, so nothing
 * handed out is shared. Not for anything a decision to write depends on, unless it cannot
 * change through the API once kept (a visible contest: handlers/contests.c). */
#ifndef SS_UTIL_NEARCACHE_H
#define SS_UTIL_NEARCACHE_H

#include <stddef.h>

#include "util/arena.h"

typedef struct ss_near ss_near;

/* How old a public view served from a near cache may be (an activity, a page of the list);
 * openapi.yaml says so where it applies. */
#define SS_PUBLIC_MAX_AGE_MS 1000

/* slots: rounded up to a power of two (at least 16). Aborts on allocation failure. */
ss_near *ss_near_create(int slots);
void ss_near_free(ss_near *n);   /* accepts NULL */
/* The value stored under key at most max_age_ms before now_ms (a monotonic clock): 1 with an
 * arena copy in *value (NUL-terminated after len bytes) and *len; 0 when absent or older.
 * A NULL cache holds nothing. */
int ss_near_get(ss_near *n, ss_arena *a, const char *key, long long now_ms, int max_age_ms, void **value,
                size_t *len);
/* Stores a copy of value under key, stamped now_ms, if the cache's epoch is still `epoch`
 * (ss_near_epoch, taken BEFORE the value was read from its source). Keys longer than SS_NEAR_KEY_MAX - 1 bytes
 * and values over SS_NEAR_VALUE_MAX bytes are not stored. */
#define SS_NEAR_KEY_MAX 160
#define SS_NEAR_VALUE_MAX (256 * 1024)
void ss_near_put(ss_near *n, const char *key, const void *value, size_t len, long long now_ms, unsigned epoch);
/* The epoch moves on with each ss_near_bump: every value stored before is no longer served,
 * and a value read from its source before the bump is not stored after it. A change made
 * through this process bumps it once committed, so the process never serves what it knows
 * to be older than its own writes. */
unsigned ss_near_epoch(ss_near *n);
void ss_near_bump(ss_near *n);
/* A gate (may be NULL): while gate(arg) returns 0, get serves nothing (the values may be older
 * than a change the process has been told of but not yet applied). Set once, before use. */
void ss_near_set_gate(ss_near *n, int (*gate)(void *arg), void *arg);
/* Milliseconds of CLOCK_MONOTONIC. */
long long ss_near_now_ms(void);

#endif
