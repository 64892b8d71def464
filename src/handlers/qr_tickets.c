/* Console sign-in by QR code (扫码登录): the web console asks for a ticket and shows its QR
 * code; a signed-in mini-program user scans and confirms it; the console polls and receives a
 * session token for that user, exactly once. Tickets live in Redis (cache/qrtickets.c) for at
 * most qr_ticket_ttl_s (<= 120 s) and are single use. The ticket is 16 random digits: it is
 * the secret, so whoever holds it may poll it. */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "handlers/handlers.h"
#include "handlers/views.h"
#include "http/errors.h"
#include "http/request.h"
#include "store/users.h"
#include "util/crypto.h"
#include "util/qrsvg.h"

static void free_cb(void *p) { free(p); }

static void ticket_of(const ss_req *req, char *out, size_t len)
{
    snprintf(out, len, "%lld", ss_req_param(req, 0));
}

/* -> 201 {ticket, expires_at, svg_url} */
static int ticket_create(ss_req *req)
{
    char ticket[SS_CODE_LEN + 1], url[96];
    int ttl = req->app->cfg->qr_ticket_ttl_s, rc;
    for (int attempt = 0;; attempt++) {
        if (ss_random_code(ticket) != 0) return SS_EINTERNAL;
        rc = ss_qr_ticket_create(req->cache, ticket, ttl);
        if (rc != SS_ECONFLICT || attempt == 2) break;
    }
    if (rc) return rc == SS_ECONFLICT ? SS_EUNAVAIL : rc;
    snprintf(url, sizeof url, "/api/v1/auth/qr-tickets/%s/qr.svg", ticket);
    return ss_reply_json(req, 201, json_pack("{s:s, s:o, s:s}", "ticket", ticket, "expires_at",
                                             ss_json_time(req->now + ttl), "svg_url", url));
}

/* -> 204: the caller (signed in, in the mini-program) lets the console sign in as them.
 * Expired or unknown: 410 ticket_expired; confirmed already: 409 ticket_used. */
static int ticket_confirm(ss_req *req)
{
    char ticket[24];
    ticket_of(req, ticket, sizeof ticket);
    int rc = ss_qr_ticket_confirm(req->cache, ticket, req->caller.user_id);
    if (rc == SS_EGONE) return ss_reply_error(req, "ticket_expired");
    if (rc == SS_ECONFLICT) return ss_reply_error(req, "ticket_used");
    return rc ? rc : ss_reply_empty(req, 204);
}

/* -> 200 {status: "waiting"}; once confirmed, to exactly one poll: 200 {status: "confirmed",
 * token, expires_in, user}; expired, unknown or taken: 410 ticket_expired. */
static int ticket_poll(ss_req *req)
{
    char ticket[24], sid[SS_SID_LEN + 1];
    char *token = NULL;
    long long uid = 0;
    ss_user user;
    ticket_of(req, ticket, sizeof ticket);
    int rc = ss_qr_ticket_take(req->cache, ticket, &uid);
    if (rc == SS_EGONE) return ss_reply_error(req, "ticket_expired");
    if (rc) return rc;
    if (!uid) return ss_reply_json(req, 200, json_pack("{s:s}", "status", "waiting"));
    /* This poll alone took the ticket: the console's session starts here (no WeChat session
     * key behind it). A failure now loses the ticket; the console shows a new one. */
    int ttl = req->app->cfg->session_ttl_s;
    if ((rc = ss_store_user_get(req->db, req->arena, uid, &user))) return rc == SS_ENOTFOUND ? SS_EGONE : rc;
    if ((rc = ss_session_create(req->cache, uid, "console", ttl, sid))) return rc;
    if ((rc = ss_jwt_sign(&req->app->jwt, uid, sid, req->now, ttl, &token))) return rc;
    ss_arena_on_reset(req->arena, free_cb, token);
    req->caller.user_id = uid;   /* for the access log */
    return ss_reply_json(req, 200, json_pack("{s:s, s:s, s:i, s:o}", "status", "confirmed", "token", token,
                                             "expires_in", ttl, "user", ss_view_user(&user)));
}

/* -> image/svg+xml: the QR code of "sanshe:login:<ticket>" for the mini-program's scanner */
static int ticket_svg(ss_req *req)
{
    char ticket[24], text[48];
    ticket_of(req, ticket, sizeof ticket);
    snprintf(text, sizeof text, "sanshe:login:%s", ticket);
    size_t len;
    char *svg = ss_qr_svg(text, &len);
    if (!svg) return SS_EINTERNAL;
    ss_arena_on_reset(req->arena, free_cb, svg);
    return ss_reply_raw(req, 200, "image/svg+xml", svg, len);
}

static const ss_route routes[] = {
    {"POST", "/api/v1/auth/qr-tickets", ticket_create, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"POST", "/api/v1/auth/qr-tickets/{ticket}/confirm", ticket_confirm, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE,
     SS_RULE_VISIBLE},
    {"GET", "/api/v1/auth/qr-tickets/{ticket}", ticket_poll, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"GET", "/api/v1/auth/qr-tickets/{ticket}/qr.svg", ticket_svg, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE,
     SS_RULE_VISIBLE},
};
const ss_route_table ss_qr_ticket_routes = {routes, sizeof routes / sizeof routes[0]};
