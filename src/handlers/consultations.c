/* Community consultation (社区协商 / 网络议事): community staff convene a topic with 2-10
 * options and a closing time; residents whose home community it is comment and cast one ballot
 * each while it deliberates; the convener (or the community's admin) resolves it with a decision
 * (the tally is frozen), publicizes the decision to everyone, and records the feedback: what was
 * done. Anyone sees the topic, its stage, tally and timeline; the decision once publicized (the
 * convener and the community's admin earlier). Every text goes through the content check: a
 * topic whose title, body, options, decision or feedback WeChat sends to review (or could not
 * check) is held, seen by its community's staff only, until a person passes it. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "handlers/handlers.h"
#include "http/audit.h"
#include "http/content.h"
#include "http/errors.h"
#include "http/request.h"
#include "http/validate.h"
#include "store/consultations.h"
#include "store/orgs.h"

#define COMMENTS_SHOWN 50
#define LAST_STORABLE_TIME ((time_t)2145916799)   /* 2037-12-31T23:59:59Z: what the store's times hold */

static int may_convene(const ss_req *req, const ss_consultation *c)
{
    return req->caller.authenticated &&
           (req->caller.user_id == c->convened_by || ss_policy_is_community_admin(&req->caller, c->community_id));
}

/* A consultation held for content review is seen by its convener and community staff only:
 * SS_ENOTFOUND for anyone else. */
static int check_visible(ss_req *req, const ss_consultation *c)
{
    int staff = 0, rc;
    if (!c->content_status || strcmp(c->content_status, "visible") == 0 || may_convene(req, c)) return SS_OK;
    if (req->caller.authenticated && (rc = ss_handler_community_staff(req, c->community_id, &staff))) return rc;
    return staff ? SS_OK : SS_ENOTFOUND;
}

static json_t *stamp(const char *stage, time_t at)
{
    return json_pack("{s:s, s:o}", "stage", stage, "at", ss_json_time(at));
}

static json_t *view_consultation(const ss_req *req, const ss_consultation *c, int full)
{
    json_t *v = json_pack("{s:I, s:I, s:s, s:s, s:s, s:o, s:I, s:I, s:o}", "id", (json_int_t)c->id, "community_id",
                          (json_int_t)c->community_id, "title", c->title, "body", c->body, "stage", c->stage,
                          "closes_at", ss_json_time(c->closes_at), "ballots", (json_int_t)c->ballots, "convened_by",
                          (json_int_t)c->convened_by, "created_at", ss_json_time(c->created_at));
    int deciding = strcmp(c->stage, "deliberating") != 0;
    json_object_set_new(v, "open", json_boolean(!deciding && req->now < c->closes_at));
    json_object_set_new(v, "content_status", json_string(c->content_status ? c->content_status : "visible"));
    json_object_set_new(v, "tally_frozen", json_boolean(deciding));
    if (!full) return v;
    json_t *opts = json_array(), *timeline = json_array();
    for (int i = 0; i < c->noptions; i++)
        json_array_append_new(opts, json_pack("{s:i, s:s, s:I}", "option", i, "label", c->options[i], "votes",
                                              (json_int_t)c->votes[i]));
    json_object_set_new(v, "options", opts);
    json_array_append_new(timeline, stamp("deliberating", c->created_at));
    if (c->resolved_at) json_array_append_new(timeline, stamp("resolved", c->resolved_at));
    if (c->publicized_at) json_array_append_new(timeline, stamp("publicized", c->publicized_at));
    if (c->feedback_at) json_array_append_new(timeline, stamp("feedback", c->feedback_at));
    json_object_set_new(v, "timeline", timeline);
    int shown = c->publicized_at || may_convene(req, c);
    json_object_set_new(v, "decision", c->decision && shown ? json_string(c->decision) : json_null());
    json_object_set_new(v, "feedback", c->feedback ? json_string(c->feedback) : json_null());
    return v;
}

/* {community_id, title, body, options: [2..10 labels], closes_at} by community staff -> 201 */
static int consultation_create(ss_req *req)
{
    int rc, staff;
    ss_v v;
    json_t *body;
    if ((rc = ss_v_body(&v, req, &body))) return rc;
    ss_consultation c = {.stage = "deliberating", .convened_by = req->caller.user_id, .created_at = req->now};
    c.community_id = ss_v_int(&v, "community_id", 1, 1, INT64_MAX, 0, NULL);
    c.title = ss_v_string(&v, "title", 1, 2, 100);
    c.body = ss_v_string(&v, "body", 1, 1, 4000);
    c.closes_at = ss_v_time(&v, "closes_at", 1, NULL);
    if (c.closes_at && c.closes_at <= req->now) ss_v_fail(&v, "closes_at", "must be in the future");
    if (c.closes_at > LAST_STORABLE_TIME) ss_v_fail(&v, "closes_at", "must be before 2038");
    json_t *opts = json_object_get(body, "options"), *x;
    size_t i;
    if (!json_is_array(opts)) {
        if (!opts || json_is_null(opts)) ss_v_fail(&v, "options", "required");
        else v.bad_type = 1, ss_v_fail(&v, "options", "must be an array of strings");
    } else if (json_array_size(opts) < 2 || json_array_size(opts) > SS_CONSULT_OPTIONS_MAX) {
        ss_v_fail(&v, "options", "2 to 10 options");
    } else {
        json_array_foreach(opts, i, x) {
            ss_v item;
            json_t *wrap = ss_req_own(req, json_pack("{s:O}", "option", x));
            ss_v_init(&item, req, wrap);
            const char *label = ss_v_string(&item, "option", 1, 1, 100);
            if (json_object_size(item.fields)) {
                if (item.bad_type) v.bad_type = 1;
                ss_v_fail(&v, "options", item.bad_type ? "must be an array of strings" : "each 1 to 100 characters");
                break;
            }
            for (int k = 0; k < c.noptions; k++)
                if (strcmp(c.options[k], label) == 0) ss_v_fail(&v, "options", "must differ");
            c.options[c.noptions++] = label;
        }
    }
    if (c.community_id && ss_store_community_exists(req->db, req->arena, c.community_id) == SS_ENOTFOUND)
        ss_v_fail(&v, "community_id", "no such community");
    if ((rc = ss_v_finish(&v))) return rc;
    if ((rc = ss_handler_community_staff(req, c.community_id, &staff))) return rc;
    if (!staff) return SS_EFORBIDDEN;
    int review;
    char *labels = ss_arena_calloc(req->arena, (size_t)c.noptions * 401 + 1);
    for (int k = 0; k < c.noptions; k++) {
        if (k) strcat(labels, "\n");
        strcat(labels, c.options[k]);
    }
    const ss_content_text texts[] = {{"title", c.title}, {"body", c.body}, {"options", labels}};
    if ((rc = ss_content_check(req, SS_CONTENT_FORUM, texts, 3, &review))) return rc;
    if ((rc = ss_store_consultation_create(req->db, req->arena, &c, &c.id)) ||
        (rc = ss_content_hold(req, review, "consultation", c.id, c.community_id)) ||
        (rc = ss_audit(req, "consultation.create", "consultation", c.id, c.community_id, "deliberating")))
        return rc;
    c.content_status = review ? "review" : "visible";
    return ss_reply_json(req, 201, view_consultation(req, &c, 1));
}

/* ?community_id&limit&cursor -> consultations, newest first */
static int consultation_list(ss_req *req)
{
    int limit, n, rc;
    long long community, before;
    ss_consultation *items;
    if ((rc = ss_req_limit(req, &limit)) || (rc = ss_req_query_int(req, "cursor", 1, INT64_MAX, INT64_MAX, &before)) ||
        (rc = ss_req_query_int(req, "community_id", 0, INT64_MAX, 0, &community)))
        return rc;
    if ((rc = ss_store_consultation_list(req->db, req->arena, community, before, limit, &items, &n))) return rc;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(arr, view_consultation(req, &items[i], 0));
    char next[32];
    if (n == limit) snprintf(next, sizeof next, "%lld", items[n - 1].id);
    return ss_reply_list(req, arr, n == limit ? next : NULL);
}

/* -> stage, options with the tally, timeline, decision (when visible), latest comments */
static int consultation_get(ss_req *req)
{
    ss_consultation c;
    ss_consult_comment *cm;
    int n, staff = 0, rc = ss_store_consultation_get(req->db, req->arena, ss_req_param(req, 0), &c);
    if (rc || (rc = check_visible(req, &c))) return rc;
    /* comments held for content review: their authors and the community's staff see them */
    if (req->caller.authenticated && (rc = ss_handler_community_staff(req, c.community_id, &staff))) return rc;
    if ((rc = ss_store_comment_list(req->db, req->arena, c.id, req->caller.authenticated ? req->caller.user_id : 0,
                                    staff, COMMENTS_SHOWN, &cm, &n)))
        return rc;
    json_t *v = view_consultation(req, &c, 1), *arr = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:I, s:I, s:s, s:s, s:o, s:s}", "id", (json_int_t)cm[i].id, "user_id",
                                             (json_int_t)cm[i].user_id, "nickname", cm[i].nickname, "body",
                                             cm[i].body, "created_at", ss_json_time(cm[i].created_at),
                                             "content_status", cm[i].content_status));
    json_object_set_new(v, "comments", arr);
    return ss_reply_json(req, 200, v);
}

/* Loads the consultation and checks the caller lives in its community. */
static int load_as_resident(ss_req *req, ss_consultation *c)
{
    long long home;
    int rc = ss_store_consultation_get(req->db, req->arena, ss_req_param(req, 0), c);
    if (rc || (rc = check_visible(req, c)) ||
        (rc = ss_store_user_home_community(req->db, req->arena, req->caller.user_id, &home)))
        return rc;
    return home == c->community_id ? SS_OK : ss_reply_error(req, "not_a_resident_here");
}

/* {body} by a resident while deliberating -> 201 {id} */
static int comment_create(ss_req *req)
{
    ss_consultation c;
    ss_v v;
    long long id;
    int rc = load_as_resident(req, &c);
    if (rc || (rc = ss_v_body(&v, req, NULL))) return rc;
    const char *body = ss_v_string(&v, "body", 1, 1, 2000);
    if ((rc = ss_v_finish(&v))) return rc;
    int review;
    const ss_content_text texts[] = {{"body", body}};
    if ((rc = ss_content_check(req, SS_CONTENT_COMMENT, texts, 1, &review))) return rc;
    rc = ss_store_comment_add(req->db, req->arena, c.id, req->caller.user_id, body, &id);
    if (rc == SS_ECONFLICT) return ss_reply_error(req, "invalid_state");
    if (rc || (rc = ss_content_hold(req, review, "consultation_comment", id, c.community_id))) return rc;
    return ss_reply_json(req, 201, json_pack("{s:I, s:I, s:s, s:o, s:s}", "id", (json_int_t)id, "consultation_id",
                                             (json_int_t)c.id, "body", body, "created_at", ss_json_time(req->now),
                                             "content_status", review ? "review" : "visible"));
}

/* {option: index} by a resident, once, while deliberating and open -> 201 {option, ballots} */
static int ballot_create(ss_req *req)
{
    ss_consultation c;
    ss_v v;
    int closed, rc = load_as_resident(req, &c);
    if (rc || (rc = ss_v_body(&v, req, NULL))) return rc;
    int idx = (int)ss_v_int(&v, "option", 1, 0, c.noptions - 1, 0, NULL);
    if ((rc = ss_v_finish(&v))) return rc;
    rc = ss_store_ballot_cast(req->db, req->arena, c.id, req->caller.user_id, idx, req->now, &closed);
    if (rc == SS_ECONFLICT) return ss_reply_error(req, closed ? "invalid_state" : "already_voted");
    if (rc) return rc;
    return ss_reply_json(req, 201, json_pack("{s:I, s:i}", "consultation_id", (json_int_t)c.id, "option", idx));
}

/* One stage step by the convener or the community's admin; text_field names the body's text. */
static int advance(ss_req *req, const char *from, const char *to, const char *text_field)
{
    ss_consultation c;
    int rc = ss_store_consultation_get(req->db, req->arena, ss_req_param(req, 0), &c);
    if (rc) return rc;
    if (!may_convene(req, &c)) return SS_EFORBIDDEN;
    const char *text = NULL;
    int review = SS_CONTENT_OK;
    if (text_field) {
        ss_v v;
        if ((rc = ss_v_body(&v, req, NULL))) return rc;
        text = ss_v_string(&v, text_field, 1, 1, 4000);
        if ((rc = ss_v_finish(&v))) return rc;
        const ss_content_text texts[] = {{text_field, text}};
        if ((rc = ss_content_check(req, SS_CONTENT_FORUM, texts, 1, &review))) return rc;
    }
    rc = ss_store_consultation_advance(req->db, req->arena, c.id, from, to, text);
    if (rc == SS_ECONFLICT) return ss_reply_error(req, "invalid_state");
    if (rc == SS_OK) rc = ss_content_hold(req, review, "consultation", c.id, c.community_id);
    char action[48], summary[64];
    snprintf(action, sizeof action, "consultation.%s", to);
    snprintf(summary, sizeof summary, "%s -> %s", from, to);
    if (rc || (rc = ss_audit(req, action, "consultation", c.id, c.community_id, summary))) return rc;
    if ((rc = ss_store_consultation_get(req->db, req->arena, c.id, &c))) return rc;
    return ss_reply_json(req, 200, view_consultation(req, &c, 1));
}

static int consultation_resolve(ss_req *req) { return advance(req, "deliberating", "resolved", "decision"); }
static int consultation_publicize(ss_req *req) { return advance(req, "resolved", "publicized", NULL); }
static int consultation_feedback(ss_req *req) { return advance(req, "publicized", "feedback", "body"); }

static const ss_route routes[] = {
    {"POST", "/api/v1/consultations", consultation_create, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"GET", "/api/v1/consultations", consultation_list, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"GET", "/api/v1/consultations/{id}", consultation_get, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"POST", "/api/v1/consultations/{id}/comments", comment_create, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE,
     SS_RULE_VISIBLE},
    {"POST", "/api/v1/consultations/{id}/ballots", ballot_create, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE,
     SS_RULE_VISIBLE},
    {"POST", "/api/v1/consultations/{id}/resolve", consultation_resolve, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE,
     SS_RULE_VISIBLE},
    {"POST", "/api/v1/consultations/{id}/publicize", consultation_publicize, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE,
     SS_RULE_VISIBLE},
    {"POST", "/api/v1/consultations/{id}/feedback", consultation_feedback, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE,
     SS_RULE_VISIBLE},
};
const ss_route_table ss_consultation_routes = {routes, sizeof routes / sizeof routes[0]};
