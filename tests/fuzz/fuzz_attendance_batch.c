/* libFuzzer target: the offline attendance batch (POST /api/v1/activities/{id}/attendance-batch),
 * what a leader's device uploads after a venue without signal: personal volunteer codes, an
 * action and the scan time of each item.
 *
 * The first input byte shapes the activity (draft or published, its times, walk-ins, a service
 * time cap, a minimum attendance); the rest is the body, given to the real handler through the
 * route table with a signed-in leader and MariaDB unreachable (a node list that names no node,
 * refused at once): validation of the whole batch, every item's code and scan time, up to the
 * first store call. Its reply must be an error of the contract or 503, never 500, never a 2xx
 * (nothing can be stored), never a crash or a leak.
 *
 * When the handler accepted the body (it went on to the store: 503, or 409 for a draft), the
 * batch is replayed against an in-memory store with the same domain rules the handler and
 * store/volunteers.c use (ss_volunteer_token_verify, ss_offline_time_check, the check-in and
 * check-out windows, ss_credit_minutes): any scan time the parser lets through must give
 * minutes between 0 and the activity's cap, a reason exactly when the attendance is short,
 * and no overflow (UBSan). The seeds hold codes signed with this target's key, so mutations
 * reach the authentic-code paths. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "domain/checkin.h"
#include "handlers/handlers.h"
#include "http/errors.h"
#include "http/request.h"
#include "http/router.h"
#include "util/timefmt.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW ((time_t)1795300000)   /* 2026-11-21T22:26:40Z */
#define MODEL_USERS 64

static ss_router *router;
static const ss_route *batch_route;
static ss_arena *arena;
static ss_db *db;
static ss_cache *cache;
static ss_config cfg;
static ss_app app;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    router = ss_router_create();
    if (ss_routes_register(router) != SS_OK) __builtin_trap();
    for (int i = 0; i < ss_router_count(router); i++) {
        const ss_route *r = ss_router_route(router, i);
        if (strcmp(r->method, "POST") == 0 && strcmp(r->pattern, "/api/v1/activities/{id}/attendance-batch") == 0)
            batch_route = r;
    }
    if (!batch_route) __builtin_trap();
    arena = ss_arena_create(16384);
    ss_config_defaults(&cfg);
    ss_db_opts dbo = {.unix_socket = "/nonexistent/mysqld.sock", .user = "x", .password = "x", .database = "x",
                      .timeout_s = 1, .hosts = "unreachable"};
    ss_cache_opts co = {.unix_socket = "/nonexistent/redis.sock", .timeout_ms = 50};
    db = ss_db_create(&dbo);
    cache = ss_cache_create(&co);
    app.cfg = &cfg;
    app.router = router;
    memcpy(app.checkin_key, "fuzz-checkin-key-fuzz-checkin-k!", sizeof app.checkin_key);
    return 0;
}

/* The store, in memory: one check-in row per person. */
typedef struct {
    long long user_id;
    time_t in, out;   /* out 0: not checked out */
} model_row;

static model_row *model_find(model_row *rows, int n, long long user_id)
{
    for (int i = 0; i < n; i++)
        if (rows[i].user_id == user_id) return &rows[i];
    return NULL;
}

/* Replays the accepted batch items (array) for activity a at NOW. */
static void replay_batch(json_t *items, const ss_activity *a)
{
    model_row rows[MODEL_USERS];
    int nrows = 0;
    long cap = ss_activity_cap_minutes(a->starts_at, a->ends_at, a->service_minutes);
    for (int pass = 0; pass < 2; pass++) {
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it) {
            const char *token = json_string_value(json_object_get(it, "token"));
            const char *action = json_string_value(json_object_get(it, "action"));
            const char *at_text = json_string_value(json_object_get(it, "at"));
            time_t at;
            /* accepted by the handler's validation: these hold for every item */
            if (!token || !action || !at_text || ss_time_parse(at_text, &at) != 0 || !ss_time_storable(at))
                __builtin_trap();
            int checkin = strcmp(action, "checkin") == 0;
            if (!checkin && strcmp(action, "checkout") != 0) __builtin_trap();
            if (checkin != (pass == 0)) continue;
            long long uid;
            long nonce;
            if (!ss_volunteer_token_verify(app.checkin_key, sizeof app.checkin_key, token, &uid, &nonce)) continue;
            if (uid <= 0 || nonce < 0) __builtin_trap();
            int age = ss_offline_time_check(at, NOW);
            if (age < 0 || age > 2) __builtin_trap();
            if (age != 0) continue;
            if (at < NOW - SS_OFFLINE_MAX_AGE_S || at > NOW + SS_OFFLINE_SKEW_S) __builtin_trap();
            model_row *r = model_find(rows, nrows, uid);
            if (checkin) {
                if (!ss_checkin_window_open(at, a->starts_at, a->ends_at)) continue;
                if (r || nrows == MODEL_USERS) continue;   /* a duplicate keeps the first */
                rows[nrows++] = (model_row){uid, at, 0};
            } else {
                if (!ss_checkout_window_open(at, a->starts_at, a->ends_at)) continue;
                if (!r || r->out || at < r->in) continue;   /* not checked in, a repeat, before its check-in */
                const char *reason;
                long minutes = ss_credit_minutes(r->in, at, a->starts_at, a->ends_at, a->service_minutes,
                                                 a->min_attendance_pct, &reason);
                int enough = ss_attendance_enough(r->in, at, a->starts_at, a->ends_at, a->min_attendance_pct);
                if (minutes < 0 || minutes > cap || (reason != NULL) == enough || (reason && minutes != 0))
                    __builtin_trap();
                if (minutes > (long)((at - r->in) / 60)) __builtin_trap();   /* more than was attended */
                r->out = at;
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536) return 0;
    uint8_t shape = data[0];
    ss_activity act = {.id = 1, .org_id = 1, .community_id = 1, .org_name = "o", .org_status = "filed",
                       .title = "t", .description = "", .category = "other", .location_name = "l", .capacity = 10,
                       .radius_m = 100};
    act.status = shape & 0x80 ? "draft" : "published";
    act.starts_at = NOW - (time_t)(shape & 3) * 24 * 3600 - (time_t)((shape >> 2) & 1) * 1800;
    act.ends_at = act.starts_at + (time_t)(((shape >> 3) & 3) + 1) * 3600;
    act.service_minutes = shape & 0x20 ? 45 : 0;
    act.min_attendance_pct = shape & 0x40 ? SS_MIN_ATTENDANCE_DEFAULT : 0;
    act.walk_in = (shape >> 4) & 1;

    ss_req req;
    memset(&req, 0, sizeof req);
    req.app = &app;
    req.db = db;
    req.cache = cache;
    req.arena = arena;
    req.now = NOW;
    req.method = batch_route->method;
    req.path = batch_route->pattern;
    req.query = "";
    req.body = (const char *)data + 1;
    req.body_len = size - 1;
    req.match.route = batch_route;
    req.match.nparams = 1;
    req.match.params[0] = 1;
    req.caller.authenticated = 1;
    req.caller.user_id = 1;
    req.caller.user = (ss_user){.id = 1, .nickname = "f"};
    req.subject.role = SS_ORG_ROLE_LEADER;
    req.subject.activity = act;
    int rc = batch_route->handler(&req);
    if (rc == SS_EINTERNAL) __builtin_trap();   /* bad input must never look like our bug */
    if (rc != SS_OK) ss_reply_render_error(&req, rc);
    if (req.status < 400 || req.status == 500 || req.status > 503) __builtin_trap();
    if (req.status == 503 || req.status == 409) {   /* the body was accepted */
        json_t *body = json_loadb((const char *)data + 1, size - 1, JSON_REJECT_DUPLICATES, NULL);
        json_t *items = json_object_get(body, "items");
        if (!json_is_array(items) || json_array_size(items) == 0 || json_array_size(items) > 500) __builtin_trap();
        if (req.status == 409 && strcmp(act.status, "draft") != 0) __builtin_trap();
        replay_batch(items, &act);
        json_decref(body);
    }
    ss_arena_reset(arena);
    return 0;
}
