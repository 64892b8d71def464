/* Sign-in: POST /api/v1/auth/wx-login exchanges a wx.login code for our session token;
 * POST /api/v1/auth/logout revokes it. */
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "handlers/handlers.h"
#include "handlers/views.h"
#include "http/errors.h"
#include "http/request.h"
#include "store/users.h"
#include "util/log.h"
#include "util/metrics.h"

#define WX_CODE_MAX 128

static void free_cb(void *p) { free(p); }

static int note_dep(int rc, ss_dep dep)
{
    if (rc == SS_EUNAVAIL) ss_metrics_dep_error(dep);
    return rc;
}

/* {code} -> 200 {token, expires_in, user} */
static int wx_login(ss_req *req)
{
    int rc;
    json_t *body = ss_req_json(req, &rc);
    if (!body) return rc;
    json_t *jcode = json_object_get(body, "code");
    if (jcode && !json_is_string(jcode)) return SS_EBADREQ;
    const char *code = jcode ? json_string_value(jcode) : NULL;
    size_t len = jcode ? json_string_length(jcode) : 0;
    if (!code || len == 0 || len > WX_CODE_MAX || strlen(code) != len)
        return ss_reply_invalid(req, json_pack("{s:s}", "code", "required: the code from wx.login, 1 to 128 characters"));

    /* the user's upsert stands alone: a failure after it leaves a user who may sign in again */
    if ((rc = ss_req_commit_each(req))) return rc;
    ss_wx_session wx;
    const char *wx_err = NULL;
    rc = ss_wx_code2session(&req->app->wx, code, &wx, &wx_err);
    if (rc) {
        note_dep(rc, SS_DEP_WECHAT);
        return wx_err ? ss_reply_error(req, wx_err) : rc;
    }

    char sid[SS_SID_LEN + 1];
    char *token = NULL;
    int ttl = req->app->cfg->session_ttl_s;
    ss_user_login l = {.openid = wx.openid, .unionid = wx.unionid, .a = req->arena};
    rc = note_dep(ss_store_users_login(req->db, req->arena, &l, 1), SS_DEP_MYSQL);
    if (rc) goto out;
    ss_user *user = &l.user;
    long long uid = user->id;
    rc = note_dep(ss_session_create(req->cache, uid, wx.session_key, ttl, sid), SS_DEP_REDIS);
    if (rc) goto out;
    rc = ss_jwt_sign(&req->app->jwt, uid, sid, req->now, ttl, &token);
    if (rc) goto out;
    ss_arena_on_reset(req->arena, free_cb, token);
    req->caller.user_id = uid;   /* for the access log */
    rc = ss_reply_json(req, 200, json_pack("{s:s, s:i, s:o}", "token", token, "expires_in", ttl, "user",
                                           ss_view_user(user)));
out:
    OPENSSL_cleanse(&wx, sizeof wx);
    return rc;
}

/* -> 204; the token's session is gone from then on */
static int logout(ss_req *req)
{
    int rc = note_dep(ss_session_delete(req->cache, req->caller.sid), SS_DEP_REDIS);
    return rc ? rc : ss_reply_empty(req, 204);
}

static const ss_route routes[] = {
    {"POST", "/api/v1/auth/wx-login", wx_login, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"POST", "/api/v1/auth/logout", logout, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
};
const ss_route_table ss_auth_routes = {routes, sizeof routes / sizeof routes[0]};
