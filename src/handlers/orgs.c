/* Organizations (社会组织): file, list, show, approve or reject (admin or the community's
 * admin), change stage or kind, add members (the leader). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "handlers/handlers.h"
#include "handlers/views.h"
#include "http/audit.h"
#include "http/content.h"
#include "http/errors.h"
#include "http/notify.h"
#include "http/request.h"
#include "http/validate.h"
#include "store/members.h"
#include "store/orgs.h"
#include "util/crypto.h"

static const char *const org_kinds[] = {"association", "private_non_enterprise", "foundation", NULL};
static const char *const org_stages[] = {"startup", "growing", "mature", NULL};
static const char *const member_roles[] = {"social_worker", "member", NULL};

/* {name, community_id, kind, summary?} -> 201 {id, status: "pending", ...} */
static int org_create(ss_req *req)
{
    int rc;
    ss_v v;
    if ((rc = ss_v_body(&v, req, NULL))) return rc;
    ss_org o = {0};
    o.name = ss_v_string(&v, "name", 1, 2, 100);
    o.community_id = ss_v_int(&v, "community_id", 1, 1, INT64_MAX, 0, NULL);
    o.kind = ss_v_enum(&v, "kind", 1, org_kinds);
    o.summary = ss_v_string(&v, "summary", 0, 0, 2000);
    if (!o.summary) o.summary = "";
    if (o.community_id && ss_store_community_exists(req->db, req->arena, o.community_id) == SS_ENOTFOUND)
        ss_v_fail(&v, "community_id", "no such community");
    if ((rc = ss_v_finish(&v))) return rc;
    int review;
    const ss_content_text texts[] = {{"name", o.name}, {"summary", o.summary}};
    if ((rc = ss_content_check(req, SS_CONTENT_FORUM, texts, 2, &review))) return rc;
    o.filed_by = req->caller.user_id;
    o.stage = "startup";
    o.status = "pending";
    o.created_at = req->now;
    rc = ss_store_org_create(req->db, req->arena, &o, &o.id);
    if (rc == SS_ECONFLICT) return ss_reply_error(req, "name_taken");   /* unique within the community */
    if (rc || (rc = ss_content_hold(req, review, "org", o.id, o.community_id))) return rc;
    o.content_status = review ? "review" : "visible";
    return ss_reply_json(req, 201, ss_view_org(&o));
}

static const char *const org_statuses[] = {"pending", "filed", "rejected", NULL};

/* ?status=pending|filed|rejected&community_id&limit&cursor -> the approval queue.
 * filed (the default): anyone. pending, rejected: an admin (every community) or a community's
 * admin (their communities; naming another community is 403). A status the caller may not
 * see is 403, never ignored. */
static int org_list(ss_req *req)
{
    int limit, n, rc;
    long long after, community;
    const char *status;
    ss_org *items;
    if ((rc = ss_req_limit(req, &limit)) || (rc = ss_req_query_int(req, "cursor", 0, INT64_MAX, 0, &after)) ||
        (rc = ss_req_query_int(req, "community_id", 1, INT64_MAX, 0, &community)) ||   /* 0 is no community: 400 */
        (rc = ss_req_query_enum(req, "status", org_statuses, &status)))
        return rc;
    const char *known = status ? status : "filed";
    int scope_all = 1;
    if (strcmp(known, "filed") != 0) {
        const ss_caller *c = &req->caller;
        if (!c->authenticated || (!c->user.is_admin && c->user.ncommunities == 0)) return SS_EFORBIDDEN;
        if (!c->user.is_admin) {
            if (community && !ss_policy_is_community_admin(c, community)) return SS_EFORBIDDEN;
            scope_all = community != 0;   /* one community they administer, or all of theirs */
        }
    }
    if ((rc = ss_store_org_queue(req->db, req->arena, known, community, scope_all, req->caller.user_id, after, limit,
                                 &items, &n)))
        return rc;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(arr, ss_view_org(&items[i]));
    char next[32];
    if (n == limit) snprintf(next, sizeof next, "%lld", items[n - 1].id);
    return ss_reply_list(req, arr, n == limit ? next : NULL);
}

/* -> the organization, with the caller's role in it */
static int org_get(ss_req *req)
{
    json_t *v = ss_view_org(&req->subject.org);
    const char *role = ss_org_role_name(req->subject.role);
    json_object_set_new(v, "my_role", role ? json_string(role) : json_null());
    return ss_reply_json(req, 200, v);
}

/* The filer is told of the decision (reason NULL: approved). */
static int notify_decided(ss_req *req, const char *reason)
{
    const ss_org *o = &req->subject.org;
    ss_notice n = {.kind = "org_decided",
                   .event_key = ss_arena_sprintf(req->arena, "org_decided:%lld", o->id),
                   .object_id = o->id,
                   .title = ss_arena_sprintf(req->arena, reason ? "备案未通过：%.60s" : "备案已通过：%.60s", o->name),
                   .body = reason ? ss_arena_sprintf(req->arena, "原因：%.400s", reason) : "您已成为该组织的负责人。"};
    return ss_notify(req, SS_NOTIFY_USER, o->filed_by, &n);
}

/* -> 200 {status: "filed"}; the filer becomes the leader and is told */
static int org_approve(ss_req *req)
{
    int rc = ss_store_org_approve(req->db, req->arena, req->subject.org.id, req->caller.user_id);
    if (rc == SS_ECONFLICT) return ss_reply_error(req, "invalid_state");
    if (rc == SS_OK) rc = notify_decided(req, NULL);
    ss_req_forget_user(req, req->subject.org.filed_by);   /* now a leader: memberships ride in the snapshot */
    if (rc || (rc = ss_audit(req, "org.approve", "org", req->subject.org.id, 0, "pending -> filed"))) return rc;
    return ss_reply_json(req, 200, json_pack("{s:I, s:s}", "id", (json_int_t)req->subject.org.id, "status", "filed"));
}

/* {reason} (required) -> 200 {status: "rejected", reason}; the filer is told why */
static int org_reject(ss_req *req)
{
    int rc;
    ss_v v;
    if ((rc = ss_v_body(&v, req, NULL))) return rc;
    const char *reason = ss_v_string(&v, "reason", 1, 1, 500);
    if ((rc = ss_v_finish(&v))) return rc;
    int review;   /* read by the filer and staff only: a risky reason is refused, nothing is held */
    const ss_content_text texts[] = {{"reason", reason}};
    if ((rc = ss_content_check(req, SS_CONTENT_COMMENT, texts, 1, &review))) return rc;
    rc = ss_store_org_reject(req->db, req->arena, req->subject.org.id, req->caller.user_id, reason);
    if (rc == SS_ECONFLICT) return ss_reply_error(req, "invalid_state");
    if (rc == SS_OK) rc = notify_decided(req, reason);
    if (rc || (rc = ss_audit(req, "org.reject", "org", req->subject.org.id, 0, "pending -> rejected"))) return rc;
    return ss_reply_json(req, 200, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)req->subject.org.id, "status",
                                             "rejected", "reason", reason));
}

/* {stage?, kind?} -> 200 the organization */
static int org_update(ss_req *req)
{
    int rc;
    ss_v v;
    if ((rc = ss_v_body(&v, req, NULL))) return rc;
    const char *stage = ss_v_enum(&v, "stage", 0, org_stages);
    const char *kind = ss_v_enum(&v, "kind", 0, org_kinds);
    if ((rc = ss_v_finish(&v))) return rc;
    if ((stage || kind) && (rc = ss_store_org_update(req->db, req->arena, req->subject.org.id, stage, kind)))
        return rc;
    char summary[96];
    snprintf(summary, sizeof summary, "stage=%s kind=%s", stage ? stage : "-", kind ? kind : "-");
    if ((rc = ss_audit(req, "org.update", "org", req->subject.org.id, 0, summary))) return rc;
    ss_org o = req->subject.org;
    if (stage) o.stage = stage;
    if (kind) o.kind = kind;
    return ss_reply_json(req, 200, ss_view_org(&o));
}

/* {user_id, role: social_worker|member} -> 201 (added) or 200 (role changed) */
static int org_member_put(ss_req *req)
{
    int rc, created = 0;
    ss_v v;
    if ((rc = ss_v_body(&v, req, NULL))) return rc;
    long long user_id = ss_v_int(&v, "user_id", 1, 1, INT64_MAX, 0, NULL);
    const char *role = ss_v_enum(&v, "role", 1, member_roles);
    if ((rc = ss_v_finish(&v))) return rc;
    long long org_id = req->subject.org.id;
    rc = ss_store_org_member_put(req->db, req->arena, org_id, user_id, role, req->caller.user_id, &created);
    if (rc == SS_ENOTFOUND) {
        ss_v_fail(&v, "user_id", "no such user");
        return ss_v_finish(&v);
    }
    if (rc == SS_ECONFLICT) return ss_reply_error(req, "invalid_state");   /* the leader stays leader */
    if (rc) return rc;
    ss_req_forget_user(req, user_id);
    char summary[96];
    snprintf(summary, sizeof summary, "user %lld as %s", user_id, role);
    if ((rc = ss_audit(req, created ? "org.member_add" : "org.member_role", "org", org_id, 0, summary))) return rc;
    return ss_reply_json(req, created ? 201 : 200,
                         json_pack("{s:I, s:I, s:s}", "org_id", (json_int_t)org_id, "user_id", (json_int_t)user_id,
                                   "role", role));
}

/* -> [{user_id, nickname, role, joined_at}], the leader first */
static int member_list(ss_req *req)
{
    ss_member *m;
    int n, rc = ss_store_members_list(req->db, req->arena, req->subject.org.id, &m, &n);
    if (rc) return rc;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:o}", "user_id", (json_int_t)m[i].user_id, "nickname",
                                             m[i].nickname ? m[i].nickname : "", "role", m[i].role, "joined_at",
                                             ss_json_time(m[i].joined_at)));
    return ss_reply_list(req, arr, NULL);
}

/* -> 204; the leader removes anyone but themself (409 cannot_remove_self: transfer first).
 * Someone who is not a member: 204 too (nothing to remove). */
static int member_remove(ss_req *req)
{
    long long user_id = ss_req_param(req, 1);
    if (user_id == req->caller.user_id) return ss_reply_error(req, "cannot_remove_self");
    int rc = ss_store_member_remove(req->db, req->arena, req->subject.org.id, user_id);
    if (rc == SS_ECONFLICT) return ss_reply_error(req, "cannot_remove_self");   /* another leader: not possible today */
    if (rc == SS_OK) ss_req_forget_user(req, user_id);
    if (rc || (rc = ss_audit(req, "org.member_remove", "org", req->subject.org.id, 0,
                             ss_arena_sprintf(req->arena, "user %lld", user_id))))
        return rc;
    return ss_reply_empty(req, 204);
}

#define INVITE_TTL_S (7 * 86400)

/* {role: social_worker|member} -> 201 {code, role, expires_at, svg_url}: single use, 7 days */
static int invite_create(ss_req *req)
{
    int rc;
    ss_v v;
    if ((rc = ss_v_body(&v, req, NULL))) return rc;
    const char *role = ss_v_enum(&v, "role", 1, member_roles);
    if ((rc = ss_v_finish(&v))) return rc;
    char code[SS_CODE_LEN + 1];
    time_t expires = req->now + INVITE_TTL_S;
    for (int attempt = 0;; attempt++) {   /* a collision of 60 random bits: try another */
        if (ss_random_code(code) != 0) return SS_EINTERNAL;
        rc = ss_store_invite_create(req->db, req->arena, req->subject.org.id, code, role, req->caller.user_id, expires);
        if (rc != SS_ECONFLICT || attempt == 2) break;
    }
    if (rc || (rc = ss_audit(req, "org.invite", "org", req->subject.org.id, 0, role))) return rc;
    char url[96];
    snprintf(url, sizeof url, "/api/v1/invites/%s/qr.svg", code);
    return ss_reply_json(req, 201, json_pack("{s:s, s:I, s:s, s:o, s:s}", "code", code, "org_id",
                                             (json_int_t)req->subject.org.id, "role", role, "expires_at",
                                             ss_json_time(expires), "svg_url", url));
}

/* {user_id} (a member) -> 200 {org_id, leader_id, previous_leader: {user_id, role: social_worker}} */
static int org_transfer(ss_req *req)
{
    int rc;
    ss_v v;
    if ((rc = ss_v_body(&v, req, NULL))) return rc;
    long long to = ss_v_int(&v, "user_id", 1, 1, INT64_MAX, 0, NULL);
    if (to && to == req->caller.user_id) ss_v_fail(&v, "user_id", "you already lead this organization");
    if ((rc = ss_v_finish(&v))) return rc;
    rc = ss_store_org_transfer(req->db, req->arena, req->subject.org.id, req->caller.user_id, to);
    if (rc == SS_EINVALID) {
        ss_v_fail(&v, "user_id", "must be a member of this organization");
        return ss_v_finish(&v);
    }
    if (rc == SS_ECONFLICT) return SS_EFORBIDDEN;   /* lost the leadership meanwhile */
    if (rc == SS_OK) {
        ss_req_forget_user(req, req->caller.user_id);
        ss_req_forget_user(req, to);
    }
    if (rc || (rc = ss_audit(req, "org.transfer", "org", req->subject.org.id, 0,
                             ss_arena_sprintf(req->arena, "leader %lld -> %lld", req->caller.user_id, to))))
        return rc;
    return ss_reply_json(req, 200,
                         json_pack("{s:I, s:I, s:{s:I, s:s}}", "org_id", (json_int_t)req->subject.org.id, "leader_id",
                                   (json_int_t)to, "previous_leader", "user_id", (json_int_t)req->caller.user_id,
                                   "role", "social_worker"));
}

static const ss_route routes[] = {
    {"POST", "/api/v1/orgs", org_create, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"GET", "/api/v1/orgs", org_list, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"GET", "/api/v1/orgs/{id}", org_get, SS_ACCESS_PUBLIC, SS_SUBJECT_ORG, SS_RULE_VISIBLE},
    {"PATCH", "/api/v1/orgs/{id}", org_update, SS_ACCESS_SIGNED_IN, SS_SUBJECT_ORG, SS_RULE_COMMUNITY_ADMIN},
    {"POST", "/api/v1/orgs/{id}/approve", org_approve, SS_ACCESS_SIGNED_IN, SS_SUBJECT_ORG, SS_RULE_COMMUNITY_ADMIN},
    {"POST", "/api/v1/orgs/{id}/reject", org_reject, SS_ACCESS_SIGNED_IN, SS_SUBJECT_ORG, SS_RULE_COMMUNITY_ADMIN},
    {"POST", "/api/v1/orgs/{id}/members", org_member_put, SS_ACCESS_SIGNED_IN, SS_SUBJECT_ORG, SS_RULE_ORG_LEADER},
    {"GET", "/api/v1/orgs/{id}/members", member_list, SS_ACCESS_SIGNED_IN, SS_SUBJECT_ORG, SS_RULE_ORG_STAFF},
    {"DELETE", "/api/v1/orgs/{id}/members/{user_id}", member_remove, SS_ACCESS_SIGNED_IN, SS_SUBJECT_ORG,
     SS_RULE_ORG_LEADER},
    {"POST", "/api/v1/orgs/{id}/invites", invite_create, SS_ACCESS_SIGNED_IN, SS_SUBJECT_ORG, SS_RULE_ORG_LEADER},
    {"POST", "/api/v1/orgs/{id}/transfer", org_transfer, SS_ACCESS_SIGNED_IN, SS_SUBJECT_ORG, SS_RULE_ORG_LEADER},
};
const ss_route_table ss_org_routes = {routes, sizeof routes / sizeof routes[0]};
