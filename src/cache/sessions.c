/* Sessions in Redis (see cache.h). The JWT names the session; deleting the key revokes it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache/redis_conn.h"
#include "util/status.h"
#include "util/arena.h"
#include "util/crypto.h"
#include "util/log.h"

#define KEY_MAX (5 + SS_SID_LEN + 1)

static void session_key_name(char *key, const char *sid) { snprintf(key, KEY_MAX, "sess:%s", sid); }

int ss_session_create(ss_cache *c, long long user_id, const char *session_key, int ttl_s, char *sid_out)
{
    char sid[SS_SID_LEN + 1], key[KEY_MAX], val[256], ttl[16];
    int rc;
    if (ss_random_hex(sid, SS_SID_LEN / 2) != 0) return SS_EINTERNAL;
    session_key_name(key, sid);
    snprintf(val, sizeof val, "%lld %s", user_id, session_key);
    snprintf(ttl, sizeof ttl, "%d", ttl_s);
    /* a plain SET of a fresh 128-bit random name: repeating it after a lost reply stores the same
     * value again (SET NX would answer nil to its own first run and leave an orphan session) */
    const char *argv[] = {"SET", key, val, "EX", ttl};
    size_t lens[] = {3, strlen(key), strlen(val), 2, strlen(ttl)};
    redisReply *r = ss_redis_command(c, SS_REDIS_REPEATABLE, 5, argv, lens, &rc);
    memset(val, 0, sizeof val);
    if (!r) return rc;
    rc = (r->type == REDIS_REPLY_STATUS) ? SS_OK : SS_EUNAVAIL;
    if (r->type == REDIS_REPLY_ERROR) SS_WARN("cache", "msg=\"SET failed\" error=\"%s\"", r->str);
    freeReplyObject(r);
    if (rc == SS_OK) memcpy(sid_out, sid, sizeof sid);
    return rc;
}

int ss_session_get_user(ss_cache *c, ss_arena *a, const char *sid, long long user_id, char **blob,
                        long long *generation)
{
    char key[KEY_MAX], ukey[48], gkey[48], lkey[48];
    int rc;
    ss_tracker *t = ss_cache_tracker(c);
    ss_tracker_ticket ks = {0}, ku = {0};
    time_t now = time(NULL);
    session_key_name(key, sid);
    snprintf(lkey, sizeof lkey, "u:%lld", user_id);
    if (t && ss_tracker_settled(t)) {   /* nothing changed since they were read: no round trip */
        char *owner = ss_tracker_get(t, a, key, now);
        char *snap = owner ? ss_tracker_get(t, a, lkey, now) : NULL;
        if (owner && snap) {
            *blob = snap;
            *generation = 0;   /* only a snapshot loaded from the database needs it */
            return strtoll(owner, NULL, 10) == user_id ? SS_OK : SS_EUNAUTH;
        }
        ks = ss_tracker_ticket_for(t, key);   /* before asking Redis: see ss_tracker_put */
        ku = ss_tracker_ticket_for(t, lkey);
    }
    snprintf(ukey, sizeof ukey, "ucache:%lld", user_id);
    snprintf(gkey, sizeof gkey, "ugen:%lld", user_id);
    const char *argv[] = {"MGET", key, ukey, gkey};
    size_t lens[] = {4, strlen(key), strlen(ukey), strlen(gkey)};
    redisReply *r = ss_redis_command(c, SS_REDIS_REPEATABLE, 4, argv, lens, &rc);
    if (!r) return rc;
    *blob = NULL;
    *generation = 0;
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 3) {
        rc = SS_EUNAVAIL;
    } else if (r->element[0]->type != REDIS_REPLY_STRING) {
        rc = SS_EUNAUTH;   /* no such session: logged out or expired */
    } else {
        char *end;
        long long uid = strtoll(r->element[0]->str, &end, 10);
        rc = (uid == user_id && *end == ' ') ? SS_OK : SS_EUNAUTH;
        if (rc == SS_OK && r->element[1]->type == REDIS_REPLY_STRING)
            *blob = ss_arena_strndup(a, r->element[1]->str, r->element[1]->len);
        if (rc == SS_OK && r->element[2]->type == REDIS_REPLY_STRING)
            *generation = strtoll(r->element[2]->str, NULL, 10);
        if (rc == SS_OK && t) {
            char owner[24];
            snprintf(owner, sizeof owner, "%lld", uid);
            ss_tracker_put(t, key, owner, ks, now);
            if (*blob) ss_tracker_put(t, lkey, *blob, ku, now);
        }
    }
    freeReplyObject(r);
    return rc;
}

/* Stores the snapshot only if the user's generation is still the one read before the snapshot
 * was loaded from the database: a change committed meanwhile bumped it, and its stale
 * snapshot must not be cached. */
static const char put_script[] =
    "if tonumber(redis.call('GET', KEYS[2]) or '0') ~= tonumber(ARGV[2]) then return 0 end "
    "redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3]) return 1";

int ss_user_cache_put(ss_cache *c, long long user_id, const char *blob, long long generation, int ttl_s)
{
    char ukey[48], gkey[48], ttl[16], gen[24];
    int rc;
    snprintf(ukey, sizeof ukey, "ucache:%lld", user_id);
    snprintf(gkey, sizeof gkey, "ugen:%lld", user_id);
    snprintf(ttl, sizeof ttl, "%d", ttl_s);
    snprintf(gen, sizeof gen, "%lld", generation);
    const char *argv[] = {"EVAL", put_script, "2", ukey, gkey, blob, gen, ttl};
    size_t lens[] = {4, sizeof put_script - 1, 1, strlen(ukey), strlen(gkey), strlen(blob), strlen(gen), strlen(ttl)};
    redisReply *r = ss_redis_command(c, SS_REDIS_REPEATABLE, 8, argv, lens, &rc);   /* same value: repeatable */
    if (!r) return rc;
    rc = r->type == REDIS_REPLY_INTEGER ? SS_OK : SS_EUNAVAIL;
    freeReplyObject(r);
    return rc;
}

/* A new generation (kept a day, far longer than a snapshot lives) and no snapshot. */
static const char drop_script[] =
    "redis.call('INCR', KEYS[2]) redis.call('EXPIRE', KEYS[2], 86400) return redis.call('DEL', KEYS[1])";

int ss_user_cache_drop(ss_cache *c, long long user_id)
{
    char ukey[48], gkey[48];
    int rc;
    snprintf(ukey, sizeof ukey, "ucache:%lld", user_id);
    snprintf(gkey, sizeof gkey, "ugen:%lld", user_id);
    const char *argv[] = {"EVAL", drop_script, "2", ukey, gkey};
    size_t lens[] = {4, sizeof drop_script - 1, 1, strlen(ukey), strlen(gkey)};
    /* a second run only bumps the generation again: harmless, so repeatable */
    redisReply *r = ss_redis_command(c, SS_REDIS_REPEATABLE, 5, argv, lens, &rc);
    if (!r) return rc;
    rc = r->type == REDIS_REPLY_INTEGER ? SS_OK : SS_EUNAVAIL;
    freeReplyObject(r);
    if (rc == SS_OK) {   /* this process knows at once; the others when Redis tells them */
        char lkey[48];
        snprintf(lkey, sizeof lkey, "u:%lld", user_id);
        ss_tracker_forget(ss_cache_tracker(c), lkey);
    }
    return rc;
}

int ss_session_delete(ss_cache *c, const char *sid)
{
    char key[KEY_MAX];
    int rc;
    session_key_name(key, sid);
    const char *argv[] = {"DEL", key};
    size_t lens[] = {3, strlen(key)};
    redisReply *r = ss_redis_command(c, SS_REDIS_REPEATABLE, 2, argv, lens, &rc);
    if (!r) return rc;
    rc = r->type == REDIS_REPLY_INTEGER ? SS_OK : SS_EUNAVAIL;
    freeReplyObject(r);
    if (rc == SS_OK) ss_tracker_forget(ss_cache_tracker(c), key);   /* a logout here: refused here at once */
    return rc;
}
