/* The request context handed to every handler, and the helpers that build its reply.
 * Everything request-scoped lives in req->arena and is released when the reply is written.
 * Handlers return 0 after setting a reply, or a negative ss_err (optionally after
 * ss_reply_error picked a specific contract code); http/server.c renders errors. */
#ifndef SS_HTTP_REQUEST_H
#define SS_HTTP_REQUEST_H

#include <jansson.h>
#include <stddef.h>
#include <time.h>

#include "auth/caller.h"
#include "auth/jwt.h"
#include "auth/policy.h"
#include "auth/wechat.h"
#include "cache/cache.h"
#include "http/router.h"
#include "store/db.h"
#include "util/nearcache.h"
#include "util/jsoncheck.h"
#include "util/arena.h"
#include "util/nearcache.h"
#include "util/config.h"
#include "util/crypto.h"

/* Read-only after start: shared by all workers. */
typedef struct ss_app {
    const ss_config *cfg;
    ss_router *router;
    ss_jwt_keys jwt;
    ss_wx_cfg wx;
    ss_field_keys fields;            /* personal-data encryption and hashing */
    unsigned char checkin_key[32];   /* HMAC key of check-in codes */
    ss_tracker *tracker;             /* the near copy of sessions and snapshots (NULL: off); thread-safe */
    ss_near *near;                   /* public views that may be served up to 1 s old (NULL: off); thread-safe */
} ss_app;

/* One per worker thread: its own connections and arena. */
typedef struct ss_worker {
    int id;
    const ss_app *app;
    ss_db *db;
    ss_cache *cache;
    ss_arena *arena;
} ss_worker;

typedef struct ss_req {
    const ss_app *app;
    ss_db *db;
    ss_cache *cache;
    ss_arena *arena;
    char **envp;                 /* FastCGI parameters (for ss_req_header) */
    time_t now;                  /* request start, for every rule that needs "now" */

    const char *method, *path, *query, *request_id, *remote_addr;
    const char *body;
    size_t body_len;
    int zh;                      /* reply messages in Chinese */

    ss_route_match match;
    ss_caller caller;
    ss_policy_subject subject;   /* the route's object, loaded and checked before the handler */
    const char *idem_key;        /* Idempotency-Key of a POST by a signed-in caller (http/idempotency.h) */
    char idem_scope[65], idem_body[65];
    int idem_own;                /* the handler stored the key's reply with its effect (ss_req_commit_own) */
    long long forget_users[8];   /* users whose cached snapshot is dropped after the commit */
    int nforget;
    int touched_public;          /* ss_req_touch_public was called */

    /* reply */
    int status;
    const char *reply_type;
    const char *reply_body;
    size_t reply_len;
    const char *err_code;        /* a specific contract code for the error reply */
    json_t *err_fields;          /* validation_failed details */
    char headers[512];           /* extra "Name: value\r\n" lines */
    size_t headers_len;
} ss_req;

/* Returns the FastCGI parameter (e.g. "HTTP_IDEMPOTENCY_KEY") or NULL. */
const char *ss_req_header(const ss_req *req, const char *param);
/* Parses the body as a JSON object. Returns it (freed with the arena), or NULL with *rc set
 * to SS_EBADREQ (empty, malformed, not an object, duplicate keys, invalid UTF-8). */
json_t *ss_req_json(ss_req *req, int *rc);
/* Returns the decoded value of query parameter name (arena), or NULL if absent or invalid. */
const char *ss_req_query(ss_req *req, const char *name);
/* Reads query parameter name (NULL when absent). Returns 0, or SS_EBADREQ with fields set
 * when it is present but not decodable. */
int ss_req_query_str(ss_req *req, const char *name, const char **out);
/* Reads integer query parameter name into *out (def when absent). Returns 0, or SS_EBADREQ
 * with fields set when it is not an integer in [min, max]. */
int ss_req_query_int(ss_req *req, const char *name, long long min, long long max, long long def, long long *out);
/* Reads query parameter name, one of the NULL-terminated allowed values, into *out (a pointer
 * into allowed; NULL when absent). Returns 0, or SS_EBADREQ with fields set for another value. */
int ss_req_query_enum(ss_req *req, const char *name, const char *const *allowed, const char **out);
/* Reads ?limit= (default 20, 1..100). Same returns. */
int ss_req_limit(ss_req *req, int *limit);
/* Replies 200 {"items": items, "next_cursor": next or null} (steals items). */
int ss_reply_list(ss_req *req, json_t *items, const char *next_cursor);
/* The i-th `{param}` of the matched route. */
long long ss_req_param(const ss_req *req, int i);

/* Drops user_id's cached roles snapshot once the request's changes are committed (at once for
 * a request that is not a write). Call it after changing a user's roles or volunteer status. */
void ss_req_forget_user(ss_req *req, long long user_id);
/* Says the request changes what the public views of activities show (their near copies,
 * see ss_app.near) outside the routes whose subject is an activity or an organization (the
 * pipeline counts those itself): once committed, this process serves the change at once. */
void ss_req_touch_public(ss_req *req);
/* For a public write whose one statement stands alone (wx-login's upsert of the user): its
 * statements commit one by one instead of in the request's transaction, which saves that
 * transaction's two round trips. Only where the write is harmless when the reply is not 2xx
 * and safe to run twice; such a handler has no audit row, notice or Idempotency-Key record.
 * Call it before the first write. Returns 0 or SS_EINVALID (a bug: logged). */
int ss_req_commit_each(ss_req *req);
/* For a write that commits itself, with its Idempotency-Key record, on its own (a vote taken by
 * group commit: store/vote_batch.h): leaves the request's transaction before the first write,
 * as ss_req_commit_each, and the pipeline stores no record for the key. Returns 0 or
 * SS_EINVALID (a bug: logged). ss_req_commit_at_end undoes it, still before any write: the
 * request's writes are the pipeline's transaction again. */
int ss_req_commit_own(ss_req *req);
void ss_req_commit_at_end(ss_req *req);
/* Runs the drops queued by ss_req_forget_user (the pipeline calls it after the commit). */
void ss_req_forget_flush(ss_req *req);

/* Hands json's reference to the request: released when the reply is written. Returns json. */
json_t *ss_req_own(ss_req *req, json_t *json);
/* Replies with body as JSON (steals the reference). Returns 0. */
int ss_reply_json(ss_req *req, int status, json_t *body);
/* The text ss_reply_json replies for body (steals the reference), owned by the request, with
 * its length in *len; NULL for a misuse (logged). May run on another thread while req's own
 * waits (group commit). */
const char *ss_json_text(ss_req *req, json_t *body, size_t *len);
/* The content type of ss_reply_json's replies. */
#define SS_JSON_TYPE "application/json; charset=utf-8"
/* Replies with no body (204). Returns 0. */
int ss_reply_empty(ss_req *req, int status);
/* Replies with a body owned by the arena or static. Returns 0. */
int ss_reply_raw(ss_req *req, int status, const char *content_type, const char *body, size_t len);
/* Chooses a specific contract code for the error reply; returns the matching ss_err. */
int ss_reply_error(ss_req *req, const char *code);
/* The same for a code on a route where the contract gives it another status than its default
 * (http/errors.c "variants"); returns the ss_err of status. */
int ss_reply_error_status(ss_req *req, const char *code, int status);
/* 422 validation_failed with fields {"name": "why"} (steals fields). Returns SS_EINVALID. */
int ss_reply_invalid(ss_req *req, json_t *fields);
/* Adds a reply header (name and value must be safe: no CR/LF). */
void ss_reply_header(ss_req *req, const char *name, const char *value);
/* Renders the error reply for rc into req (used by the server). */
void ss_reply_render_error(ss_req *req, int rc);
/* Formats t (RFC 3339, configured zone) into a JSON string. */
json_t *ss_json_time(time_t t);

#endif
