/* The per-request pipeline (see server.h). */
#include "http/server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "http/errors.h"
#include "http/idempotency.h"
#include "util/crypto.h"
#include "util/log.h"
#include "util/metrics.h"

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
    }
}

/* nginx's $request_id is 32 hex digits; accept any short token of safe characters. */
static int safe_request_id(const char *s)
{
    size_t n = 0;
    if (!s) return 0;
    for (; s[n]; n++)
        if (n >= 64 || !((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'z') ||
                         (s[n] >= 'A' && s[n] <= 'Z') || s[n] == '-' || s[n] == '_'))
            return 0;
    return n > 0;
}

/* The first language tag decides (the mini-program sends one). */
static int wants_chinese(const char *al)
{
    if (!al) return 0;
    while (*al == ' ') al++;
    return (al[0] == 'z' || al[0] == 'Z') && (al[1] == 'h' || al[1] == 'H') &&
           (al[2] == '\0' || al[2] == '-' || al[2] == '_' || al[2] == ',' || al[2] == ';');
}

/* Only plain paths can match a route: no escapes, dot segments or empty segments. */
static int plain_path(const char *p, size_t len)
{
    if (len == 0 || p[0] != '/') return 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c <= 0x20 || c >= 0x7f || c == '%' || c == '\\') return 0;
        if (c == '/' && i + 1 < len && (p[i + 1] == '/' || p[i + 1] == '.')) return 0;
    }
    return 1;
}

static int read_body(ss_req *req, FCGX_Request *fr)
{
    const char *cl = FCGX_GetParam("CONTENT_LENGTH", fr->envp);
    if (!cl || !*cl) return SS_OK;
    char *end;
    long long n = strtoll(cl, &end, 10);
    if (*end || n < 0) return SS_EBADREQ;
    if (n > req->app->cfg->max_body) return SS_ETOOBIG;
    if (n == 0) return SS_OK;
    char *buf = ss_arena_alloc(req->arena, (size_t)n + 1);
    int got = FCGX_GetStr(buf, (int)n, fr->in);
    if (got != (int)n) return SS_EBADREQ;
    buf[n] = '\0';
    req->body = buf;
    req->body_len = (size_t)n;
    return SS_OK;
}

static int is_json_type(const char *ct)
{
    if (!ct) return 0;
    size_t n = strlen("application/json");
    return strncasecmp(ct, "application/json", n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

#define WRITE_ATTEMPTS 3

static int is_write(const char *method)
{
    return strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 || strcmp(method, "PATCH") == 0 ||
           strcmp(method, "DELETE") == 0;
}

/* Forgets a reply the handler set, before an error is rendered in its place. */
static void clear_reply(ss_req *req)
{
    req->status = 0;
    req->reply_type = NULL;
    req->reply_body = NULL;
    req->reply_len = 0;
    req->headers_len = 0;
}

/* A write request is one transaction (store/db.h, request scope): the handler's writes, its
 * audit rows and notifications, and the Idempotency-Key record are committed together, and
 * only when the handler replied 2xx; anything else rolls all of it back. A commit whose answer
 * was lost is 503, unless the key shows it did commit (then its reply is the truth). A handler
 * may leave the transaction before its first write (ss_req_commit_each: wx-login). */
static int run_write(ss_req *req, const ss_route *route)
{
    int rc = ss_idem_begin(req);
    if (rc == 1) return SS_OK;              /* replayed */
    if (rc) return rc;
    int ok = 0, wrote = 0;
    /* A deadlock or a Galera certification failure (also at COMMIT) undid the whole
     * transaction and nothing is stored: the request runs again from the start, a few times,
     * as the client's retry would. */
    for (int attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
        if (attempt) {
            clear_reply(req);
            req->err_code = NULL;
            req->err_fields = NULL;
            req->nforget = 0;
            usleep((useconds_t)(2000 * attempt + rand() % 2000));
        }
        req->idem_own = 0;
        ss_db_scope_begin(req->db);
        rc = route->handler(req);
        ok = rc == SS_OK && req->status >= 200 && req->status < 300;
        if (ok) rc = ss_idem_store(req);
        if (ok && rc == SS_OK) {
            wrote = ss_db_scope_dirty(req->db);
            rc = ss_db_scope_end(req->db, 1);
        } else {
            ss_db_scope_end(req->db, 0);
            if (ok && rc == SS_ECONFLICT) rc = SS_EUNAVAIL;   /* a twin holds the key: replayed below */
        }
        if (rc != SS_EDEADLOCK) break;
    }
    if (rc == SS_EDEADLOCK || rc == SS_ELOCKWAIT) rc = SS_EUNAVAIL;
    if (rc == SS_OK) ss_req_forget_flush(req);
    else req->nforget = 0;
    /* a change to an activity or an organization shows at once in what this process serves
     * from its near copies, and on the other hosts as soon as Redis tells them (should Redis
     * be unreachable: within SS_PUBLIC_MAX_AGE_MS); a request that wrote nothing (a repeated
     * sign-up or check-in, answered by a read) changed nothing to show */
    if (rc == SS_OK && req->app->near &&
        (req->touched_public || (wrote && (route->subject == SS_SUBJECT_ACTIVITY ||
                                           route->subject == SS_SUBJECT_ACTIVITY_VIEW ||
                                           route->subject == SS_SUBJECT_ORG)))) {
        ss_near_bump(req->app->near);
        ss_near_publish(req->cache);
    }
    if (rc != SS_OK) {
        if (ok) clear_reply(req);
        rc = ss_idem_recover(req, rc);
    }
    return rc;
}

static int dispatch(ss_req *req, FCGX_Request *fr)
{
    int rc = read_body(req, fr);
    if (rc) return rc;

    const char *uri = FCGX_GetParam("REQUEST_URI", fr->envp);
    if (!uri) uri = "";
    const char *q = strchr(uri, '?');
    size_t plen = q ? (size_t)(q - uri) : strlen(uri);
    req->path = ss_arena_strndup(req->arena, uri, plen);
    req->query = q ? q + 1 : "";
    if (!plain_path(req->path, plen)) return SS_ENOTFOUND;

    rc = ss_router_match(req->app->router, req->method, req->path, &req->match);
    if (rc == SS_EMETHOD) ss_reply_header(req, "Allow", req->match.allow);
    if (rc) return rc;

    if (req->body_len > 0 && !is_json_type(FCGX_GetParam("CONTENT_TYPE", fr->envp)))
        return ss_reply_error(req, "unsupported_media_type");

    const ss_route *route = req->match.route;
    const char *authz = FCGX_GetParam("HTTP_AUTHORIZATION", fr->envp);
    if (route->access != SS_ACCESS_PUBLIC || authz) {
        rc = ss_caller_authenticate(&req->app->jwt, req->db, req->cache, req->arena, authz, req->now, &req->caller);
        if (rc == SS_EUNAUTH && route->access == SS_ACCESS_PUBLIC) rc = SS_OK;   /* anonymous then */
        if (rc == SS_EUNAUTH) ss_reply_header(req, "WWW-Authenticate", "Bearer realm=\"sanshe\"");
        if (rc) return rc;
    }
    if (route->access == SS_ACCESS_ADMIN && !req->caller.user.is_admin) return SS_EFORBIDDEN;
    if (route->access == SS_ACCESS_APPROVER && !req->caller.user.is_admin && req->caller.user.ncommunities == 0)
        return SS_EFORBIDDEN;
    if (route->access == SS_ACCESS_VOLUNTEER && !req->caller.user.is_volunteer)
        return ss_reply_error(req, "volunteer_required");
    if (route->subject != SS_SUBJECT_NONE) {
        rc = ss_policy_load_check(req->db, req->app->near, req->arena, &req->caller, route->subject, ss_req_param(req, 0),
                                  route->rule, &req->subject);
        if (rc == SS_ECONFLICT) return ss_reply_error(req, "org_not_filed");
        if (rc) return rc;
    }
    if (!is_write(req->method)) {
        rc = route->handler(req);
        ss_req_forget_flush(req);
        return rc;
    }
    return run_write(req, route);
}

static void write_reply(ss_req *req, FCGX_Request *fr)
{
    FCGX_FPrintF(fr->out, "Status: %d %s\r\nX-Request-Id: %s\r\nCache-Control: no-store\r\n", req->status,
                 reason(req->status), req->request_id);
    if (req->reply_type) FCGX_FPrintF(fr->out, "Content-Type: %s\r\n", req->reply_type);
    if (req->headers_len) FCGX_PutStr(req->headers, (int)req->headers_len, fr->out);
    FCGX_PutStr("\r\n", 2, fr->out);
    if (req->reply_len && strcmp(req->method, "HEAD") != 0)
        FCGX_PutStr(req->reply_body, (int)req->reply_len, fr->out);
}

void ss_http_serve(ss_worker *w, FCGX_Request *fr)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ss_metrics_busy(1);

    ss_req req;
    memset(&req, 0, sizeof req);
    req.app = w->app;
    req.db = w->db;
    req.cache = w->cache;
    req.arena = w->arena;
    req.envp = fr->envp;
    req.now = time(NULL);
    req.method = FCGX_GetParam("REQUEST_METHOD", fr->envp);
    if (!req.method) req.method = "GET";
    req.remote_addr = FCGX_GetParam("REMOTE_ADDR", fr->envp);
    req.zh = wants_chinese(FCGX_GetParam("HTTP_ACCEPT_LANGUAGE", fr->envp));
    const char *rid = FCGX_GetParam("REQUEST_ID", fr->envp);
    if (safe_request_id(rid)) {
        req.request_id = rid;
    } else {
        char *gen = ss_arena_alloc(req.arena, 33);
        if (ss_random_hex(gen, 16) != 0) strcpy(gen, "0");
        req.request_id = gen;
    }
    ss_log_set_request_id(req.request_id);

    int rc = dispatch(&req, fr);
    if (rc != SS_OK) ss_reply_render_error(&req, rc);
    if (rc == SS_EINTERNAL) SS_ERROR("http", "msg=\"internal error\" path=\"%s\"", req.path ? req.path : "");
    write_reply(&req, fr);

    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    ss_metrics_request(req.match.route ? req.match.index : -1, req.status, secs);
    ss_metrics_busy(-1);
    SS_INFO("http", "method=%s path=\"%.200s\" route=\"%s\" status=%d dur_ms=%.2f uid=%lld bytes=%zu", req.method,
            req.path ? req.path : "", req.match.route ? req.match.route->pattern : "-", req.status, secs * 1e3,
            req.caller.user_id, req.reply_len);
    ss_log_set_request_id(NULL);
    ss_arena_reset(w->arena);
}
