/* The process's near copy of sessions and user snapshots, kept true by Redis server-assisted
 * client-side caching (see cache.h, ss_tracker).
 *
 * One connection per process, owned by a background thread, asks Redis to broadcast every
 * change to keys under "sess:", "ucache:" and "ugen:" (CLIENT TRACKING on BCAST, redirected to
 * itself, then SUBSCRIBE __redis__:invalidate: the RESP2 form, which hiredis 0.14 speaks).
 * Each message names changed keys (nil: everything); the thread empties their slots. The same
 * messages carry SS_NEAR_EPOCH_KEY, which a host moves after committing a change to what
 * public views show (ss_near_publish): every host then bumps its near cache's epoch.
 *
 * Why a reader never caches a value older than a change it could have missed: every slot has
 * an epoch, moved by each invalidation of a key in that slot, and the tracker has a generation,
 * moved by each loss of its connection. A reader takes a ticket (the slot's epoch and the
 * generation) before it asks Redis and stores the answer only if neither moved meanwhile. The
 * change that made an answer stale happened in Redis after the answer was read, so its
 * message arrives after the ticket was taken: either before the store (the store is refused)
 * or after it (the entry is emptied). And nothing is served unless the tracker is settled
 * (every message that reached its socket applied: see settled()), so a change committed
 * anywhere before a request arrived is never served stale. While the connection is down
 * nothing is served or stored; when it comes back everything is emptied before serving resumes.
 *
 * Bounded: a fixed table of slots (a key shares its slot with others: the newer replaces the
 * older), each entry living at most SS_TRACKER_MAX_AGE_S whatever happens. */
#include "cache/redis_conn.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/log.h"
#include "util/nearcache.h"
#include "util/status.h"

#define SLOTS 16384                /* a power of two */
#define STRIPES 64
#define KEY_CAP 48
#define VALUE_CAP 1024             /* longer snapshots are not kept here */
#define SS_TRACKER_MAX_AGE_S 30
#define CHECK_EVERY_S 2            /* a silent connection is pinged, a Sentinel asked, this often */

typedef struct slot {
    unsigned epoch;
    char key[KEY_CAP];             /* "" when empty */
    char *value;                   /* malloc'd */
    time_t expires;
} slot;

struct ss_tracker {
    ss_cache_opts opts;
    ss_near *near;                 /* bumped when any host says public views changed */
    slot *slots;
    pthread_mutex_t locks[STRIPES];
    atomic_uint generation;
    atomic_int live;               /* serving: the connection is up and subscribed */
    atomic_int fd;                 /* the connection's socket while live, else -1 */
    atomic_int draining;           /* 1 from reading the socket until every message read is applied */
    atomic_int stop;
    atomic_ulong hits, misses;
    pthread_t tid;
    int started;
};

static int near_gate(void *arg);

static unsigned hash(const char *s)
{
    unsigned h = 2166136261u;   /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static slot *slot_of(ss_tracker *t, const char *key, pthread_mutex_t **lock)
{
    unsigned i = hash(key) & (SLOTS - 1);
    *lock = &t->locks[i % STRIPES];
    return &t->slots[i];
}

static void slot_clear(slot *s)
{
    s->key[0] = '\0';
    free(s->value);
    s->value = NULL;
}

/* Empties the slot of key and moves its epoch. */
static void invalidate(ss_tracker *t, const char *key)
{
    pthread_mutex_t *lock;
    slot *s = slot_of(t, key, &lock);
    pthread_mutex_lock(lock);
    s->epoch++;
    slot_clear(s);
    pthread_mutex_unlock(lock);
}

static void invalidate_all(ss_tracker *t)
{
    atomic_fetch_add(&t->generation, 1);
    for (int i = 0; i < SLOTS; i++) {
        pthread_mutex_t *lock = &t->locks[i % STRIPES];
        pthread_mutex_lock(lock);
        t->slots[i].epoch++;
        slot_clear(&t->slots[i]);
        pthread_mutex_unlock(lock);
    }
}

/* Redis key -> our key: "sess:<sid>" stays, "ucache:<id>" and "ugen:<id>" are both "u:<id>". */
static int local_key(const char *rkey, size_t len, char *out)
{
    if (len >= KEY_CAP - 2) return -1;
    if (len > 5 && memcmp(rkey, "sess:", 5) == 0) {
        memcpy(out, rkey, len);
        out[len] = '\0';
    } else if (len > 7 && memcmp(rkey, "ucache:", 7) == 0) {
        snprintf(out, KEY_CAP, "u:%.*s", (int)(len - 7), rkey + 7);
    } else if (len > 5 && memcmp(rkey, "ugen:", 5) == 0) {
        snprintf(out, KEY_CAP, "u:%.*s", (int)(len - 5), rkey + 5);
    } else {
        return -1;
    }
    return 0;
}

/* A message from __redis__:invalidate: ["message", channel, [keys] or nil]. Returns 0, or -1
 * when the reply is not one (the connection is then treated as lost). */
static int on_message(ss_tracker *t, const redisReply *r)
{
    if (r->type != REDIS_REPLY_ARRAY || r->elements < 2 || r->element[0]->type != REDIS_REPLY_STRING) return -1;
    const char *kind = r->element[0]->str;
    if (strcmp(kind, "pong") == 0 || strcmp(kind, "subscribe") == 0) return 0;
    if (strcmp(kind, "message") != 0 || r->elements != 3) return -1;
    const redisReply *keys = r->element[2];
    if (keys->type != REDIS_REPLY_ARRAY) {   /* nil: a FLUSHALL or FLUSHDB */
        invalidate_all(t);
        ss_near_bump(t->near);
        return 0;
    }
    char key[KEY_CAP];
    for (size_t i = 0; i < keys->elements; i++) {
        const redisReply *k = keys->element[i];
        if (k->type != REDIS_REPLY_STRING) continue;
        if (k->len == sizeof SS_NEAR_EPOCH_KEY - 1 && memcmp(k->str, SS_NEAR_EPOCH_KEY, k->len) == 0)
            ss_near_bump(t->near);   /* a host committed a change to what public views show */
        else if (local_key(k->str, k->len, key) == 0) invalidate(t, key);
        else if (k->len >= KEY_CAP - 2) invalidate_all(t);   /* cannot happen with our keys: be safe */
    }
    return 0;
}

static int subscribe(redisContext *ctx)
{
    redisReply *r = redisCommand(ctx, "CLIENT ID");
    if (!r || r->type != REDIS_REPLY_INTEGER) goto fail;
    long long id = r->integer;
    freeReplyObject(r);
    r = redisCommand(ctx, "CLIENT TRACKING on REDIRECT %lld BCAST PREFIX sess: PREFIX ucache: PREFIX ugen: PREFIX %s",
                     id, SS_NEAR_EPOCH_KEY);
    if (!r || r->type != REDIS_REPLY_STATUS) goto fail;
    freeReplyObject(r);
    r = redisCommand(ctx, "SUBSCRIBE __redis__:invalidate");
    if (!r || r->type != REDIS_REPLY_ARRAY) goto fail;
    freeReplyObject(r);
    return 0;
fail:
    SS_WARN("cache", "msg=\"tracking refused\" error=\"%s\"",
            r && r->type == REDIS_REPLY_ERROR ? r->str : (ctx->err ? ctx->errstr : "unexpected reply"));
    if (r) freeReplyObject(r);
    return -1;
}

static void *tracker_main(void *arg)
{
    ss_tracker *t = arg;
    char addr[96], now_addr[96];
    int backoff_ms = 100;
    while (!atomic_load(&t->stop)) {
        redisContext *ctx = ss_redis_connect(&t->opts, addr, sizeof addr);
        if (!ctx || subscribe(ctx) != 0) {
            if (ctx) redisFree(ctx);
            usleep((useconds_t)backoff_ms * 1000);
            if (backoff_ms < 2000) backoff_ms *= 2;
            continue;
        }
        backoff_ms = 100;
        invalidate_all(t);   /* whatever changed while no one listened */
        ss_near_bump(t->near);
        atomic_store(&t->fd, ctx->fd);
        atomic_store(&t->live, 1);
        SS_INFO("cache", "msg=\"tracking on\" addr=%s", addr);
        time_t last_check = time(NULL);
        int pinged = 0;
        while (!atomic_load(&t->stop)) {
            void *r = NULL;
            if (redisGetReplyFromReader(ctx, &r) != REDIS_OK) break;
            if (r) {   /* a whole message was in the buffer */
                int bad = on_message(t, r);
                freeReplyObject(r);
                if (bad) break;
                pinged = 0;
                continue;
            }
            atomic_store(&t->draining, 0);   /* everything read is applied */
            struct pollfd p = {.fd = ctx->fd, .events = POLLIN};
            int n = poll(&p, 1, 1000);
            if (n < 0 && errno != EINTR) break;
            if (n > 0) atomic_store(&t->draining, 1);   /* before the bytes leave the socket: see settled() */
            if (n > 0 && redisBufferRead(ctx) != REDIS_OK) break;
            time_t now = time(NULL);
            if (now - last_check < CHECK_EVERY_S) continue;
            last_check = now;
            if (pinged) break;   /* the last ping had no answer for CHECK_EVERY_S: lost */
            if (redisAppendCommand(ctx, "PING") != REDIS_OK) break;
            int done = 0;
            while (!done)
                if (redisBufferWrite(ctx, &done) != REDIS_OK) break;
            if (!done) break;
            pinged = 1;
            /* behind Sentinels, the master may have moved while this connection stayed up */
            if (t->opts.sentinels && *t->opts.sentinels) {
                redisContext *m = ss_redis_connect(&t->opts, now_addr, sizeof now_addr);
                int moved = m && strcmp(now_addr, addr) != 0;
                if (m) redisFree(m);
                if (moved) break;
            }
        }
        atomic_store(&t->live, 0);
        atomic_store(&t->fd, -1);
        invalidate_all(t);
        ss_near_bump(t->near);   /* from now on, no host's publish reaches us: no copy older than this */
        SS_WARN("cache", "msg=\"tracking lost: serving from Redis until it is back\" error=\"%s\"",
                ctx->err ? ctx->errstr : "unexpected message or silence");
        redisFree(ctx);
    }
    return NULL;
}

ss_tracker *ss_tracker_start(const ss_cache_opts *opts, ss_near *near)
{
    ss_tracker *t = ss_xcalloc(1, sizeof *t);
    t->opts = *opts;
    t->near = near;
    atomic_store(&t->fd, -1);
    t->opts.tracker = NULL;
    t->slots = ss_xcalloc(SLOTS, sizeof *t->slots);
    for (int i = 0; i < STRIPES; i++) pthread_mutex_init(&t->locks[i], NULL);
    ss_near_set_gate(near, near_gate, t);   /* public views served only while every message is applied */
    if (pthread_create(&t->tid, NULL, tracker_main, t) != 0) {
        SS_WARN("cache", "msg=\"no tracking thread: every read goes to Redis\"");
        return t;
    }
    t->started = 1;
    return t;
}

void ss_tracker_stop(ss_tracker *t)
{
    if (!t) return;
    atomic_store(&t->stop, 1);
    if (t->started) pthread_join(t->tid, NULL);
    for (int i = 0; i < SLOTS; i++) slot_clear(&t->slots[i]);
    for (int i = 0; i < STRIPES; i++) pthread_mutex_destroy(&t->locks[i]);
    free(t->slots);
    free(t);
}

int ss_tracker_live(const ss_tracker *t) { return t && atomic_load(&t->live); }

/* Whether every message Redis has sent is applied: live, nothing waiting in the socket, and
 * nothing read but not yet applied. A change committed on another host before this request
 * reached us has had its message written to our socket already (Redis sends broadcast
 * invalidations from beforeSleep, in the pass that also writes its reply to the writer), so
 * "settled" means the copy is as new as that change. The socket is looked at first, the flag
 * after: the tracker raises the flag before it takes bytes out of the socket. */
static int settled(ss_tracker *t)
{
    if (!atomic_load(&t->live)) return 0;
    int fd = atomic_load(&t->fd);
    if (fd < 0) return 0;
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, 0) != 0) return 0;
    return !atomic_load(&t->draining);
}

int ss_tracker_settled(ss_tracker *t) { return t && settled(t); }

static int near_gate(void *arg) { return settled(arg); }

void ss_tracker_counts(const ss_tracker *t, unsigned long *hits, unsigned long *misses)
{
    *hits = t ? atomic_load(&t->hits) : 0;
    *misses = t ? atomic_load(&t->misses) : 0;
}

int ss_near_publish(ss_cache *c)
{
    const char *argv[] = {"INCR", SS_NEAR_EPOCH_KEY};
    size_t lens[] = {4, sizeof SS_NEAR_EPOCH_KEY - 1};
    int rc;
    /* a second run only bumps once more: harmless, so repeatable */
    redisReply *r = ss_redis_command(c, SS_REDIS_REPEATABLE, 2, argv, lens, &rc);
    if (!r) return rc;
    rc = r->type == REDIS_REPLY_INTEGER ? SS_OK : SS_EUNAVAIL;
    freeReplyObject(r);
    return rc;
}

void ss_tracker_forget(ss_tracker *t, const char *key)
{
    if (t) invalidate(t, key);
}

ss_tracker_ticket ss_tracker_ticket_for(ss_tracker *t, const char *key)
{
    pthread_mutex_t *lock;
    slot *s = slot_of(t, key, &lock);
    ss_tracker_ticket k;
    k.generation = atomic_load(&t->generation);
    pthread_mutex_lock(lock);
    k.epoch = s->epoch;
    pthread_mutex_unlock(lock);
    k.live = atomic_load(&t->live);
    return k;
}

char *ss_tracker_get(ss_tracker *t, ss_arena *a, const char *key, time_t now)
{
    char *out = NULL;
    pthread_mutex_t *lock;
    slot *s = slot_of(t, key, &lock);
    pthread_mutex_lock(lock);
    if (s->value && strcmp(s->key, key) == 0) {
        if (s->expires > now) out = ss_arena_strdup(a, s->value);
        else slot_clear(s);
    }
    pthread_mutex_unlock(lock);
    atomic_fetch_add(out ? &t->hits : &t->misses, 1);
    return out;
}

void ss_tracker_put(ss_tracker *t, const char *key, const char *value, ss_tracker_ticket k, time_t now)
{
    size_t klen = strlen(key), vlen = strlen(value);
    if (!k.live || klen >= KEY_CAP || vlen >= VALUE_CAP) return;
    char *copy = malloc(vlen + 1);
    if (!copy) return;
    memcpy(copy, value, vlen + 1);
    pthread_mutex_t *lock;
    slot *s = slot_of(t, key, &lock);
    pthread_mutex_lock(lock);
    if (s->epoch == k.epoch && atomic_load(&t->generation) == k.generation && atomic_load(&t->live)) {
        slot_clear(s);
        memcpy(s->key, key, klen + 1);
        s->value = copy;
        s->expires = now + SS_TRACKER_MAX_AGE_S;
        copy = NULL;
    }
    pthread_mutex_unlock(lock);
    free(copy);
}
