/* The caller: GET /api/v1/me (who they are, their organizations and communities) and
 * PATCH /api/v1/me (nickname, avatar, home community). */
#include <stdint.h>
#include <string.h>

#include "auth/caller.h"
#include "handlers/handlers.h"
#include "handlers/views.h"
#include "http/content.h"
#include "http/errors.h"
#include "http/request.h"
#include "http/validate.h"
#include "store/content.h"
#include "store/orgs.h"
#include "store/users.h"
#include "store/volunteers.h"

/* -> {id, nickname, nickname_pending, avatar_url, roles, community_admin_of, administers,
 *     home_community_id, orgs: [{id, name, role}], volunteer: null | {status, masked fields,
 *     total_minutes, number}} */
static int me_reply(ss_req *req, int status)
{
    ss_volunteer vol;
    ss_profile prof;
    ss_user user;
    int rc = ss_store_user_get(req->db, req->arena, req->caller.user_id, &user);   /* fresh after a PATCH */
    if (rc == SS_ENOTFOUND) return SS_EUNAUTH;
    if (rc) return rc;
    if ((rc = ss_store_user_profile(req->db, req->arena, req->caller.user_id, &prof))) return rc;
    rc = ss_store_volunteer_get(req->db, req->arena, req->caller.user_id, &vol);
    if (rc && rc != SS_ENOTFOUND) return rc;
    json_t *u = ss_view_user(&user);
    json_t *v = rc ? json_null() : ss_view_volunteer(&req->app->fields, req->arena, &vol);
    /* 志愿者编号: filled by the volunteer registry when it numbers volunteers; null until then */
    if (json_is_object(v) && !json_object_get(v, "number")) json_object_set_new(v, "number", json_null());
    json_object_set_new(u, "volunteer", v);
    json_object_set_new(u, "nickname_pending",
                        prof.nickname_pending ? json_string(prof.nickname_pending) : json_null());
    json_object_set_new(u, "avatar_url", prof.avatar_url ? json_string(prof.avatar_url) : json_null());
    json_object_set_new(u, "home_community_id",
                        prof.home_community_id ? json_integer(prof.home_community_id) : json_null());
    json_t *admin_of = json_object_get(u, "community_admin_of");
    json_object_set(u, "administers", admin_of ? admin_of : json_array());
    json_t *orgs = json_array();
    for (int i = 0; i < prof.norgs; i++)
        json_array_append_new(orgs, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)prof.orgs[i].org_id, "name",
                                              prof.orgs[i].name, "role", prof.orgs[i].role));
    json_object_set_new(u, "orgs", orgs);
    return ss_reply_json(req, status, u);
}

static int me_get(ss_req *req) { return me_reply(req, 200); }

/* Members a client may send back from GET /me but not change here. */
static const char *const read_only[] = {"id", "roles", "community_admin_of", "administers", "orgs", "volunteer", NULL};

/* {nickname?, avatar_url? (https URL or null), home_community_id? (a community or null)} -> 200
 * as GET /me. Any member of GET /me that is not editable: 422 with "not editable". A nickname
 * goes through the content check: risky -> 422 content_risky, nothing changed; review or WeChat
 * unreachable -> it waits (nickname_pending, queued for the home community's admins and the
 * admins) while the old one stays shown to others, until passed. */
static int me_patch(ss_req *req)
{
    int rc;
    ss_v v;
    json_t *body;
    if ((rc = ss_v_body(&v, req, &body))) return rc;
    ss_profile_change c = {0};
    for (const char *const *f = read_only; *f; f++)
        if (json_object_get(body, *f)) ss_v_fail(&v, *f, "not editable here");
    if (json_object_get(body, "nickname")) {
        c.nickname = ss_v_string(&v, "nickname", 1, 1, 32);
        if (c.nickname) {   /* trimmed; empty after trimming is refused */
            while (*c.nickname == ' ') c.nickname++;
            size_t n = strlen(c.nickname);
            while (n && c.nickname[n - 1] == ' ') n--;
            c.nickname = ss_arena_strndup(req->arena, c.nickname, n);
            if (n == 0) ss_v_fail(&v, "nickname", "must not be empty");
        }
    }
    json_t *avatar = json_object_get(body, "avatar_url");
    if (avatar) {
        c.set_avatar = 1;
        if (!json_is_null(avatar)) {
            c.avatar_url = ss_v_string(&v, "avatar_url", 1, 9, 512);
            if (c.avatar_url && strncmp(c.avatar_url, "https://", 8) != 0)
                ss_v_fail(&v, "avatar_url", "must be an https:// URL");
        }
    }
    json_t *home = json_object_get(body, "home_community_id");
    if (home) {
        c.set_home = 1;
        if (!json_is_null(home)) {
            c.home_community_id = ss_v_int(&v, "home_community_id", 1, 1, INT64_MAX, 0, NULL);
            if (c.home_community_id &&
                ss_store_community_exists(req->db, req->arena, c.home_community_id) == SS_ENOTFOUND)
                ss_v_fail(&v, "home_community_id", "no such community");
        }
    }
    if ((rc = ss_v_finish(&v))) return rc;
    int review = SS_CONTENT_OK;
    const ss_content_text texts[] = {{"nickname", c.nickname}};
    if (c.nickname && (rc = ss_content_check(req, SS_CONTENT_PROFILE, texts, 1, &review))) return rc;
    c.nickname_held = review != SS_CONTENT_OK;
    rc = ss_store_user_profile_set(req->db, req->arena, req->caller.user_id, &c);
    if (rc == SS_ENOTFOUND) {   /* the community vanished meanwhile */
        ss_v_fail(&v, "home_community_id", "no such community");
        return ss_v_finish(&v);
    }
    if (rc) return rc;
    if (c.nickname) {
        ss_profile prof;   /* a held nickname is queued for its home community's admins (none: admins) */
        if ((rc = c.nickname_held ? ss_store_user_profile(req->db, req->arena, req->caller.user_id, &prof)
                                  : ss_store_content_nickname_settled(req->db, req->arena, req->caller.user_id)) ||
            (c.nickname_held &&
             (rc = ss_content_hold(req, review, "nickname", req->caller.user_id, prof.home_community_id))))
            return rc;
        ss_req_forget_user(req, req->caller.user_id);   /* the cached snapshot holds it */
    }
    return me_reply(req, 200);
}

static const ss_route routes[] = {
    {"GET", "/api/v1/me", me_get, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"PATCH", "/api/v1/me", me_patch, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
};
const ss_route_table ss_me_routes = {routes, sizeof routes / sizeof routes[0]};
