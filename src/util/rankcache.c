/* Copies of ordered lists for ranks without counting (see rankcache.h). */
#include "util/rankcache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int used;
    long long key;
    ss_rank_version v;
    long long *items;   /* malloc'd, ascending */
    size_t n;
    long long offered_ms;   /* the last time ss_rank_want said 1; 0: never */
} slot;

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static slot slots[SS_RANK_SLOTS];

static slot *slot_of(long long key)
{
    return &slots[(unsigned long long)key % SS_RANK_SLOTS];
}

static int same(ss_rank_version x, ss_rank_version y)
{
    return x.a == y.a && x.b == y.b;
}

int ss_rank_version_of(long long key, ss_rank_version *v)
{
    pthread_mutex_lock(&mu);
    slot *s = slot_of(key);
    int found = s->used && s->key == key;
    if (found) *v = s->v;
    pthread_mutex_unlock(&mu);
    return found;
}

int ss_rank_find(long long key, ss_rank_version v, long long item, long *rank)
{
    int found = 0;
    pthread_mutex_lock(&mu);
    slot *s = slot_of(key);
    if (s->used && s->key == key && same(s->v, v)) {
        size_t lo = 0, hi = s->n;   /* the first index whose item is >= item */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (s->items[mid] < item) lo = mid + 1;
            else hi = mid;
        }
        if (lo < s->n && s->items[lo] == item) {
            *rank = (long)lo + 1;
            found = 1;
        }
    }
    pthread_mutex_unlock(&mu);
    return found;
}

int ss_rank_want(long long key, ss_rank_version v, long long now_ms)
{
    int want = 0;
    pthread_mutex_lock(&mu);
    slot *s = slot_of(key);
    if (!(s->used && s->key == key && same(s->v, v)) &&
        (s->offered_ms == 0 || now_ms - s->offered_ms >= SS_RANK_LOAD_EVERY_MS || now_ms < s->offered_ms)) {
        s->offered_ms = now_ms ? now_ms : 1;
        want = 1;
    }
    pthread_mutex_unlock(&mu);
    return want;
}

int ss_rank_put(long long key, ss_rank_version v, const long long *items, size_t n)
{
    if (n > SS_RANK_MAX_ITEMS) return 0;
    for (size_t i = 1; i < n; i++)
        if (items[i] <= items[i - 1]) return 0;
    long long *copy = malloc((n ? n : 1) * sizeof *copy);
    if (!copy) return 0;
    if (n) memcpy(copy, items, n * sizeof *copy);
    pthread_mutex_lock(&mu);
    slot *s = slot_of(key);
    long long *old = s->items;
    long long offered = s->used && s->key == key ? s->offered_ms : 0;
    *s = (slot){.used = 1, .key = key, .v = v, .items = copy, .n = n, .offered_ms = offered};
    pthread_mutex_unlock(&mu);
    free(old);
    return 1;
}

void ss_rank_clear(void)
{
    pthread_mutex_lock(&mu);
    for (int i = 0; i < SS_RANK_SLOTS; i++) {
        free(slots[i].items);
        memset(&slots[i], 0, sizeof slots[i]);
    }
    pthread_mutex_unlock(&mu);
}
