/* Content safety (see content.h). */
#include "http/content.h"

#include <string.h>
#include <time.h>

#include "auth/wxmsg.h"
#include "http/errors.h"
#include "store/content.h"
#include "util/crypto.h"
#include "util/log.h"
#include "util/status.h"

#define TOKEN_MARGIN_S 300      /* a token this close to expiry is fetched again */
#define LOCK_TTL_MS 10000       /* longer than a stable_token call may take */
#define WAIT_STEP_MS 50
#define WAIT_STEPS 60           /* how long a worker waits for another's fetch: 3 s */

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* The shared access token into tok: the one kept in Redis while it is fresh (and is not
 * `stale`, the one WeChat just refused); else one worker (holding the lock) fetches a new one
 * from stable_token and keeps it, while the others wait for it. Returns 0 or SS_EUNAVAIL. */
static int shared_token(ss_req *req, const char *stale, char *tok, size_t size)
{
    char owner[33];
    time_t exp;
    if (ss_random_hex(owner, 16) != 0) return SS_EUNAVAIL;
    for (int step = 0; step < WAIT_STEPS; step++) {
        int rc = ss_wx_token_load(req->cache, tok, size, &exp);
        if (rc == SS_OK && exp - time(NULL) > TOKEN_MARGIN_S && (!stale || strcmp(tok, stale) != 0)) return SS_OK;
        if (rc != SS_OK && rc != SS_ENOTFOUND) return SS_EUNAVAIL;
        rc = ss_wx_token_lock(req->cache, owner, LOCK_TTL_MS);
        if (rc == SS_ECONFLICT) {   /* another worker is fetching: wait for its token */
            sleep_ms(WAIT_STEP_MS);
            continue;
        }
        if (rc) return SS_EUNAVAIL;
        /* another worker may have stored a token between our load and our lock */
        rc = ss_wx_token_load(req->cache, tok, size, &exp);
        if (rc == SS_OK && exp - time(NULL) > TOKEN_MARGIN_S && (!stale || strcmp(tok, stale) != 0)) {
            ss_wx_token_unlock(req->cache, owner);
            return SS_OK;
        }
        ss_wx_token t = {0};
        rc = ss_wx_token_refresh(&req->app->wx, &t, time(NULL), stale != NULL);
        if (rc == SS_OK) rc = ss_wx_token_store(req->cache, t.value, t.expires_at, time(NULL));
        ss_wx_token_unlock(req->cache, owner);
        if (rc || strlen(t.value) >= size) return SS_EUNAVAIL;
        memcpy(tok, t.value, strlen(t.value) + 1);
        return SS_OK;
    }
    return SS_EUNAVAIL;
}

/* One msgSecCheck call with the shared token, fetching a new one once when WeChat says the
 * token is invalid or expired. Returns 0 with *suggest, or SS_EUNAVAIL. */
static int sec_check(ss_req *req, const char *openid, int scene, const char *content, ss_wx_sec *suggest)
{
    char tok[SS_WX_TOKEN_MAX + 1], stale[SS_WX_TOKEN_MAX + 1];
    long errcode = 0;
    if (shared_token(req, NULL, tok, sizeof tok)) return SS_EUNAVAIL;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (ss_wx_msg_sec_check(&req->app->wx, tok, openid, scene, content, &errcode, suggest)) return SS_EUNAVAIL;
        if (errcode == 0) return SS_OK;
        if (errcode != 40001 && errcode != 42001 && errcode != 40014) break;
        memcpy(stale, tok, sizeof stale);
        if (shared_token(req, stale, tok, sizeof tok)) return SS_EUNAVAIL;
    }
    SS_WARN("content", "msg=\"msg_sec_check refused\" errcode=%ld", errcode);
    return SS_EUNAVAIL;
}

/* texts[0..n) joined by newlines (NULL and empty ones skipped) in the arena; NULL when none. */
static char *joined(ss_req *req, const ss_content_text *texts, int n)
{
    size_t len = 0, at = 0;
    for (int i = 0; i < n; i++)
        if (texts[i].text) len += strlen(texts[i].text) + 1;
    char *content = ss_arena_calloc(req->arena, len + 1);
    for (int i = 0; i < n; i++) {
        if (!texts[i].text || !*texts[i].text) continue;
        if (at) content[at++] = '\n';
        memcpy(content + at, texts[i].text, strlen(texts[i].text));
        at += strlen(texts[i].text);
    }
    return at ? content : NULL;
}

/* The 422 content_risky naming the refused fields: with several texts, each checked alone
 * (WeChat may call only their combination risky, or fail meanwhile: then all are named). */
static int refuse(ss_req *req, const char *openid, int scene, const ss_content_text *texts, int n)
{
    json_t *fields = json_object();
    int nonempty = 0;
    for (int i = 0; i < n; i++) nonempty += texts[i].text && *texts[i].text;
    for (int i = 0; i < n && nonempty > 1; i++) {
        ss_wx_sec one = SS_WX_SEC_PASS;
        if (!texts[i].text || !*texts[i].text) continue;
        if (sec_check(req, openid, scene, texts[i].text, &one)) {
            json_object_clear(fields);
            break;
        }
        if (one == SS_WX_SEC_RISKY)
            json_object_set_new(fields, texts[i].field, json_string("refused by the content check"));
    }
    if (json_object_size(fields) == 0)
        for (int i = 0; i < n; i++)
            if (texts[i].text && *texts[i].text)
                json_object_set_new(fields, texts[i].field, json_string("refused by the content check"));
    ss_reply_invalid(req, fields);
    return ss_reply_error(req, "content_risky");
}

int ss_content_check(ss_req *req, int scene, const ss_content_text *texts, int n, int *review)
{
    *review = SS_CONTENT_OK;
    char *content = joined(req, texts, n);
    if (!content) return SS_OK;
    const char *openid = "";
    int rc;
    if (req->caller.authenticated &&
        (rc = ss_store_user_openid(req->db, req->arena, req->caller.user_id, &openid)) && rc != SS_ENOTFOUND)
        return rc;
    ss_wx_sec suggest = SS_WX_SEC_REVIEW;
    if (sec_check(req, openid, scene, content, &suggest)) {
        SS_WARN("content", "msg=\"content check unavailable, held for review\"");
        *review = SS_CONTENT_UNCHECKED;
        return SS_OK;
    }
    if (suggest == SS_WX_SEC_RISKY) return refuse(req, openid, scene, texts, n);
    *review = suggest == SS_WX_SEC_REVIEW ? SS_CONTENT_REVIEW : SS_CONTENT_OK;
    return SS_OK;
}

int ss_content_hold(ss_req *req, int review, const char *object_type, long long object_id, long long community_id)
{
    if (review == SS_CONTENT_OK) return SS_OK;
    return ss_store_content_hold(req->db, req->arena, object_type, object_id, community_id,
                                 review == SS_CONTENT_REVIEW ? "review" : "unchecked", req->caller.user_id, NULL);
}
