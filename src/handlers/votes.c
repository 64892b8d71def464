/* Voting in a contest: POST /api/v1/contests/{id}/votes. A 201 is sent only after the vote
 * is committed; the daily limit holds under any concurrency (store/contests.c); an
 * Idempotency-Key replays the first reply (the pipeline's, for every POST); rate limits per user and per client address
 * stop scripted voting while letting a whole community behind one NAT address vote. Votes that
 * arrive together are stored by group commit (store/vote_batch.h). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "domain/contest.h"
#include "handlers/handlers.h"
#include "http/errors.h"
#include "http/idempotency.h"
#include "http/request.h"
#include "http/validate.h"
#include "store/contests.h"
#include "store/vote_batch.h"
#include "util/metrics.h"

/* Sets Retry-After on a rate-limited vote: the current window ends in this many seconds. */
static void retry_after(ss_req *req)
{
    int window = req->app->cfg->vote_rate_window_s;
    char retry[16];
    snprintf(retry, sizeof retry, "%d", window - (int)(req->now % window));
    ss_reply_header(req, "Retry-After", retry);
}

/* The rate limits of one vote counted on their own (group commit off). */
static int rate_limit(ss_req *req)
{
    char who[32];
    snprintf(who, sizeof who, "%lld", req->caller.user_id);
    const ss_rate_check checks[] = {{"vote-user", who, req->app->cfg->vote_rate_user_per_s},
                                    {"vote-addr", req->remote_addr, req->app->cfg->vote_rate_addr_per_s}};
    int rc = ss_rate_allow_all(req->cache, checks, req->remote_addr ? 2 : 1, req->app->cfg->vote_rate_window_s,
                               req->now);
    if (rc == SS_EUNAVAIL) ss_metrics_dep_error(SS_DEP_REDIS);
    if (rc == SS_ELIMIT) retry_after(req);
    return rc;
}

/* The rate limits of a batch's votes in one round trip (ss_vote_admit): ctx is the request of
 * the thread that leads (its Redis connection); the limits are the same for every vote. */
static int rate_limit_batch(void *ctx, ss_vote_member **m, int n)
{
    ss_req *req = ctx;
    const ss_config *cfg = req->app->cfg;
    ss_rate_check checks[2 * SS_VOTE_BATCH_MAX];
    int event_of[2 * SS_VOTE_BATCH_MAX], limited[SS_VOTE_BATCH_MAX], k = 0;
    char who[SS_VOTE_BATCH_MAX][24];
    if (n > SS_VOTE_BATCH_MAX) return SS_EINTERNAL;
    for (int i = 0; i < n; i++) {
        snprintf(who[i], sizeof who[i], "%lld", m[i]->v.user_id);
        checks[k] = (ss_rate_check){"vote-user", who[i], cfg->vote_rate_user_per_s};
        event_of[k++] = i;
        if (!m[i]->v.client_addr) continue;
        checks[k] = (ss_rate_check){"vote-addr", m[i]->v.client_addr, cfg->vote_rate_addr_per_s};
        event_of[k++] = i;
    }
    int rc = ss_rate_allow_events(req->cache, checks, event_of, k, n, cfg->vote_rate_window_s, m[0]->v.now, limited);
    if (rc == SS_EUNAVAIL) ss_metrics_dep_error(SS_DEP_REDIS);
    if (rc) return rc;
    for (int i = 0; i < n; i++)
        if (limited[i]) m[i]->refused = 1, m[i]->rc = SS_ELIMIT;
    return SS_OK;
}

typedef struct {
    ss_req *req;
    long long project_id;
} vote_reply;

/* The 201 reply's text (also what an Idempotency-Key keeps): made by whichever thread writes the
 * vote's batch (store/vote_batch.h). */
static const char *vote_body(void *ctx, long left, size_t *len)
{
    vote_reply *r = ctx;
    return ss_json_text(r->req,
                        json_pack("{s:I, s:I}", "votes_left_today", (json_int_t)left, "project_id",
                                  (json_int_t)r->project_id),
                        len);
}

/* The vote by group commit, its rate limits counted with its batch's. Returns 0 with *left
 * (stored, its key's reply with it), 1 to store it alone in the request's transaction (its
 * batch failed and nothing of it was stored; its rate limits were counted), or an error
 * (SS_ELIMIT: a rate limit when *rate_limited, with Retry-After set, else the daily limit). */
static int vote_grouped(ss_req *req, const ss_vote_request *vr, vote_reply *reply, long *left, int *rate_limited)
{
    ss_vote_member m = {.v = *vr, .render = vote_body, .render_ctx = reply};
    ss_idem_ref_of(req, &m.idem);
    int rc = ss_vote_batch_submit(req->db, req->arena, &m, rate_limit_batch, req);
    if ((*rate_limited = m.refused && rc == SS_ELIMIT)) retry_after(req);
    if (rc == 1 && m.unadmitted) {   /* its batch's rate limits could not be counted: its own */
        rc = rate_limit(req);
        *rate_limited = rc == SS_ELIMIT;
        if (rc == SS_OK) rc = 1;
    }
    if (rc == 1) ss_req_commit_at_end(req);
    *left = m.votes_left;
    return rc;
}

/* {project_id} -> 201 {votes_left_today, project_id}. An Idempotency-Key is the pipeline's
 * (http/idempotency.h), but for a vote taken by group commit its reply is kept by the batch. */
static int vote(ss_req *req)
{
    int rc;
    ss_v v;
    if ((rc = ss_v_body(&v, req, NULL))) return rc;
    long long project_id = ss_v_int(&v, "project_id", 1, 1, INT64_MAX, 0, NULL);
    if ((rc = ss_v_finish(&v))) return rc;

    ss_contest c;
    if ((rc = ss_handler_contest_load(req, ss_req_param(req, 0), &c))) return rc;
    if (!ss_voting_open(req->now, c.vote_from, c.vote_until)) return ss_reply_error(req, "voting_closed");
    /* (an unknown project is 404, also when the daily limit is used up: store/contests.h) */

    char day[11];
    ss_vote_day(req->now, day);
    ss_vote_request vr = {c.id, project_id, req->caller.user_id, c.votes_per_user_per_day, day, req->remote_addr,
                          req->now};
    long left = 0;
    vote_reply reply = {req, project_id};
    int rate_limited = 0;
    if (req->app->cfg->vote_group_commit && ss_req_commit_own(req) == SS_OK) {
        rc = vote_grouped(req, &vr, &reply, &left, &rate_limited);
    } else {
        rc = rate_limit(req);
        rate_limited = rc == SS_ELIMIT;
        if (rc == SS_OK) rc = 1;
    }
    if (rate_limited) return rc;   /* 429 rate_limited, with Retry-After */
    if (rc == 1) rc = ss_store_vote(req->db, req->arena, &vr, &left);
    if (rc == SS_ELIMIT) return ss_reply_error(req, "vote_limit_reached");
    if (rc) return rc;
    size_t len = 0;
    const char *body = vote_body(&reply, left, &len);
    return body ? ss_reply_raw(req, 201, SS_JSON_TYPE, body, len) : SS_EINTERNAL;
}

static const ss_route routes[] = {
    {"POST", "/api/v1/contests/{id}/votes", vote, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
};
const ss_route_table ss_vote_routes = {routes, sizeof routes / sizeof routes[0]};
