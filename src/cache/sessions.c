/* Sessions in Redis (see cache.h). The JWT names the session; deleting the key revokes it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/jwt.h"
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
    const char *argv[] = {"SET", key, val, "EX", ttl, "NX"};
    size_t lens[] = {3, strlen(key), strlen(val), 2, strlen(ttl), 2};
    redisReply *r = ss_redis_command(c, 6, argv, lens, &rc);
    memset(val, 0, sizeof val);
    if (!r) return rc;
    rc = (r->type == REDIS_REPLY_STATUS) ? SS_OK : SS_EUNAVAIL;  /* nil: a 128-bit collision */
    if (r->type == REDIS_REPLY_ERROR) SS_WARN("cache", "msg=\"SET failed\" error=\"%s\"", r->str);
    freeReplyObject(r);
    if (rc == SS_OK) memcpy(sid_out, sid, sizeof sid);
    return rc;
}

int ss_session_get_user(ss_cache *c, ss_arena *a, const char *sid, long long user_id, char **blob)
{
    char key[KEY_MAX], ukey[48];
    int rc;
    session_key_name(key, sid);
    snprintf(ukey, sizeof ukey, "ucache:%lld", user_id);
    const char *argv[] = {"MGET", key, ukey};
    size_t lens[] = {4, strlen(key), strlen(ukey)};
    redisReply *r = ss_redis_command(c, 3, argv, lens, &rc);
    if (!r) return rc;
    *blob = NULL;
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 2) {
        rc = SS_EUNAVAIL;
    } else if (r->element[0]->type != REDIS_REPLY_STRING) {
        rc = SS_EUNAUTH;   /* no such session: logged out or expired */
    } else {
        char *end;
        long long uid = strtoll(r->element[0]->str, &end, 10);
        rc = (uid == user_id && *end == ' ') ? SS_OK : SS_EUNAUTH;
        if (rc == SS_OK && r->element[1]->type == REDIS_REPLY_STRING)
            *blob = ss_arena_strndup(a, r->element[1]->str, r->element[1]->len);
    }
    freeReplyObject(r);
    return rc;
}

int ss_user_cache_put(ss_cache *c, long long user_id, const char *blob, int ttl_s)
{
    char ukey[48], ttl[16];
    int rc;
    snprintf(ukey, sizeof ukey, "ucache:%lld", user_id);
    snprintf(ttl, sizeof ttl, "%d", ttl_s);
    const char *argv[] = {"SET", ukey, blob, "EX", ttl};
    size_t lens[] = {3, strlen(ukey), strlen(blob), 2, strlen(ttl)};
    redisReply *r = ss_redis_command(c, 5, argv, lens, &rc);
    if (!r) return rc;
    rc = r->type == REDIS_REPLY_STATUS ? SS_OK : SS_EUNAVAIL;
    freeReplyObject(r);
    return rc;
}

int ss_user_cache_drop(ss_cache *c, long long user_id)
{
    char ukey[48];
    int rc;
    snprintf(ukey, sizeof ukey, "ucache:%lld", user_id);
    const char *argv[] = {"DEL", ukey};
    size_t lens[] = {3, strlen(ukey)};
    redisReply *r = ss_redis_command(c, 2, argv, lens, &rc);
    if (!r) return rc;
    rc = r->type == REDIS_REPLY_INTEGER ? SS_OK : SS_EUNAVAIL;
    freeReplyObject(r);
    return rc;
}

int ss_session_delete(ss_cache *c, const char *sid)
{
    char key[KEY_MAX];
    int rc;
    session_key_name(key, sid);
    const char *argv[] = {"DEL", key};
    size_t lens[] = {3, strlen(key)};
    redisReply *r = ss_redis_command(c, 2, argv, lens, &rc);
    if (!r) return rc;
    rc = r->type == REDIS_REPLY_INTEGER ? SS_OK : SS_EUNAVAIL;
    freeReplyObject(r);
    return rc;
}
