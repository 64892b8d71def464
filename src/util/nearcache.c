/* Per-process cache of values allowed to be a little old (see nearcache.h). */
#include "util/nearcache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STRIPES 64

typedef struct near_slot {
    char key[SS_NEAR_KEY_MAX];   /* "" when empty */
    void *value;                 /* malloc'd, len bytes + NUL */
    size_t len;
    long long stamp_ms;
    unsigned epoch;              /* the cache's epoch when the value was read from its source */
} near_slot;

struct ss_near {
    near_slot *slots;
    unsigned mask;
    _Atomic unsigned epoch;
    int (*gate)(void *arg);
    void *gate_arg;
    pthread_mutex_t locks[STRIPES];
};

static unsigned hash(const char *s)
{
    unsigned h = 2166136261u;   /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

ss_near *ss_near_create(int slots)
{
    unsigned n = 16;
    while (n < (unsigned)slots && n < (1u << 24)) n <<= 1;
    ss_near *c = ss_xcalloc(1, sizeof *c);
    c->slots = ss_xcalloc(n, sizeof *c->slots);
    c->mask = n - 1;
    for (int i = 0; i < STRIPES; i++) pthread_mutex_init(&c->locks[i], NULL);
    return c;
}

void ss_near_free(ss_near *c)
{
    if (!c) return;
    for (unsigned i = 0; i <= c->mask; i++) free(c->slots[i].value);
    for (int i = 0; i < STRIPES; i++) pthread_mutex_destroy(&c->locks[i]);
    free(c->slots);
    free(c);
}

static near_slot *slot_of(ss_near *c, const char *key, pthread_mutex_t **lock)
{
    unsigned i = hash(key) & c->mask;
    *lock = &c->locks[i % STRIPES];
    return &c->slots[i];
}

int ss_near_get(ss_near *c, ss_arena *a, const char *key, long long now_ms, int max_age_ms, void **value, size_t *len)
{
    if (!c || (c->gate && !c->gate(c->gate_arg))) return 0;
    pthread_mutex_t *lock;
    near_slot *s = slot_of(c, key, &lock);
    int hit = 0;
    pthread_mutex_lock(lock);
    if (s->value && strcmp(s->key, key) == 0 && now_ms - s->stamp_ms <= max_age_ms && now_ms >= s->stamp_ms &&
        s->epoch == atomic_load(&c->epoch)) {
        char *copy = ss_arena_alloc(a, s->len + 1);
        memcpy(copy, s->value, s->len + 1);
        *value = copy;
        *len = s->len;
        hit = 1;
    }
    pthread_mutex_unlock(lock);
    return hit;
}

void ss_near_put(ss_near *c, const char *key, const void *value, size_t len, long long now_ms, unsigned epoch)
{
    size_t klen = strlen(key);
    if (!c || klen >= SS_NEAR_KEY_MAX || len > SS_NEAR_VALUE_MAX || epoch != atomic_load(&c->epoch)) return;
    char *copy = malloc(len + 1);
    if (!copy) return;   /* a cache: nothing is lost */
    memcpy(copy, value, len);
    copy[len] = '\0';
    pthread_mutex_t *lock;
    near_slot *s = slot_of(c, key, &lock);
    pthread_mutex_lock(lock);
    void *old = s->value;
    memcpy(s->key, key, klen + 1);
    s->value = copy;
    s->len = len;
    s->stamp_ms = now_ms;
    s->epoch = epoch;
    pthread_mutex_unlock(lock);
    free(old);
}

void ss_near_set_gate(ss_near *c, int (*gate)(void *arg), void *arg)
{
    if (!c) return;
    c->gate = gate;
    c->gate_arg = arg;
}

unsigned ss_near_epoch(ss_near *c) { return c ? atomic_load(&c->epoch) : 0; }

void ss_near_bump(ss_near *c)
{
    if (c) atomic_fetch_add(&c->epoch, 1);
}

long long ss_near_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
