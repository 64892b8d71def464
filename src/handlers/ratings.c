/* Satisfaction ratings (满意度评价): a person who checked in rates an activity once, after it
 * ended; anyone reads the aggregate of an organization and of a social worker who staffed its
 * activities (its members with role social_worker when the rating was given). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "handlers/handlers.h"
#include "http/content.h"
#include "http/errors.h"
#include "http/request.h"
#include "http/validate.h"
#include "store/ratings.h"

/* {score: 1..5, comment?} -> 201 {id, activity_id, score, content_status}. The comment goes
 * through the content check: risky -> 422 content_risky, nothing stored; review or WeChat
 * unreachable -> the rating counts, its comment is held (content_status review) until passed. */
static int rating_create(ss_req *req)
{
    int rc, yes = 0;
    ss_v v;
    if ((rc = ss_v_body(&v, req, NULL))) return rc;
    int score = (int)ss_v_int(&v, "score", 1, 1, 5, 0, NULL);
    const char *comment = ss_v_string(&v, "comment", 0, 1, 500);
    if ((rc = ss_v_finish(&v))) return rc;
    const ss_activity *a = &req->subject.activity;
    if (req->now < a->ends_at) return ss_reply_error(req, "activity_not_ended");
    if ((rc = ss_store_checked_in(req->db, req->arena, a->id, req->caller.user_id, &yes))) return rc;
    if (!yes) return ss_reply_error_status(req, "not_a_participant", 403);   /* 409 for corrections */
    int review;
    const ss_content_text texts[] = {{"comment", comment}};
    if ((rc = ss_content_check(req, SS_CONTENT_COMMENT, texts, 1, &review))) return rc;
    long long id;
    rc = ss_store_rating_create(req->db, req->arena, a->id, a->org_id, req->caller.user_id, score, comment, &id);
    if (rc == SS_ECONFLICT) return ss_reply_error(req, "already_rated");
    if (rc || (rc = ss_content_hold(req, review, "rating", id, a->community_id))) return rc;
    return ss_reply_json(req, 201, json_pack("{s:I, s:I, s:i, s:s}", "id", (json_int_t)id, "activity_id",
                                             (json_int_t)a->id, "score", score, "content_status",
                                             review ? "review" : "visible"));
}

static int reply_tally(ss_req *req, const char *subject, const char *key, long long id)
{
    long long by[6];
    int rc = ss_store_rating_tally(req->db, req->arena, subject, id, by);
    if (rc) return rc;
    long long count = 0, sum = 0;
    json_t *scores = json_object();
    for (int s = 1; s <= 5; s++) {
        char k[2] = {(char)('0' + s), 0};
        json_object_set_new(scores, k, json_integer(by[s]));
        count += by[s];
        sum += by[s] * s;
    }
    json_t *avg = count ? json_real((double)(sum * 100 / count + ((sum * 100 % count) * 2 >= count)) / 100.0)
                        : json_null();
    return ss_reply_json(req, 200, json_pack("{s:I, s:o, s:I, s:o}", key, (json_int_t)id, "average", avg, "count",
                                             (json_int_t)count, "by_score", scores));
}

/* -> {org_id, average (null without ratings), count, by_score: {"1".."5": n}} */
static int org_ratings(ss_req *req) { return reply_tally(req, "org", "org_id", req->subject.org.id); }

/* -> {user_id, average, count, by_score} over the activities the social worker staffed */
static int social_worker_ratings(ss_req *req)
{
    int rc = ss_store_user_exists(req->db, req->arena, ss_req_param(req, 0));
    return rc ? rc : reply_tally(req, "social_worker", "user_id", ss_req_param(req, 0));
}

static const ss_route routes[] = {
    {"POST", "/api/v1/activities/{id}/ratings", rating_create, SS_ACCESS_SIGNED_IN, SS_SUBJECT_ACTIVITY,
     SS_RULE_VISIBLE},
    {"GET", "/api/v1/orgs/{id}/ratings", org_ratings, SS_ACCESS_PUBLIC, SS_SUBJECT_ORG, SS_RULE_VISIBLE},
    {"GET", "/api/v1/social-workers/{user_id}/ratings", social_worker_ratings, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE,
     SS_RULE_VISIBLE},
};
const ss_route_table ss_rating_routes = {routes, sizeof routes / sizeof routes[0]};
