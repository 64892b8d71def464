/* A process's copies of ordered lists that are read far more often than they change (an
 * activity's waitlist: its queue numbers in order), so that an item's rank in its list (its
 * place in the queue) is found by binary search instead of counting in the database.
 *
 * A copy is known by a version, two numbers that the caller guarantees identify the list's
 * state (an activity's waitlist: (waitlist_seq, waitlisted_count), see store/activities.c):
 * a rank is given only from a copy of exactly the version asked for, so it is never stale.
 * Thread-safe; bounded: SS_RANK_SLOTS copies (a key shares its slot with others, the newer
 * copy replaces the older) of at most SS_RANK_MAX_ITEMS items each. No I/O: loading a copy
 * is the caller's. */
#ifndef SS_UTIL_RANKCACHE_H
#define SS_UTIL_RANKCACHE_H

#include <stddef.h>

#define SS_RANK_SLOTS 16
#define SS_RANK_MAX_ITEMS 20000
/* A slot whose copy is not of the version wanted is offered for loading at most this often. */
#define SS_RANK_LOAD_EVERY_MS 100

typedef struct ss_rank_version {
    long long a, b;
} ss_rank_version;

/* The version of key's copy: 1 with *v, or 0 when there is none (no slot holds key). */
int ss_rank_version_of(long long key, ss_rank_version *v);
/* item's 1-based rank in key's copy if that copy is of version v and holds item: 1 with
 * *rank; 0 otherwise (the caller counts another way). */
int ss_rank_find(long long key, ss_rank_version v, long long item, long *rank);
/* Whether the caller should load key's list now (its copy is not of version v): 1 at most
 * once per SS_RANK_LOAD_EVERY_MS per slot (now_ms: a monotonic clock), so a list that
 * changes all the time is not loaded on every read; 0 otherwise. */
int ss_rank_want(long long key, ss_rank_version v, long long now_ms);
/* Keeps a copy of items[0..n) (ascending, distinct) as key's list at version v, replacing
 * the slot's older copy. Ignored when n is over SS_RANK_MAX_ITEMS or items are not
 * ascending. Returns 1 if kept. */
int ss_rank_put(long long key, ss_rank_version v, const long long *items, size_t n);
/* Drops every copy (tests). */
void ss_rank_clear(void);

#endif
