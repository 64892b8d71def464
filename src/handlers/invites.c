/* Invitations into an organization (the leader makes them in orgs.c): the new member scans
 * the leader's QR code in the mini-program and accepts. The code is the secret: 16 random
 * digits, single use, 7 days. */
#include <stdio.h>
#include <stdlib.h>

#include "handlers/handlers.h"
#include "http/errors.h"
#include "http/request.h"
#include "store/members.h"
#include "util/qrsvg.h"

static void free_cb(void *p) { free(p); }

static void code_of(const ss_req *req, char *out, size_t len)
{
    snprintf(out, len, "%lld", ss_req_param(req, 0));
}

/* -> 200 {org_id, role}; used or expired: 410 invite_expired; already in the org: 409
 * already_member (the invitation stays usable); unknown code: 404 */
static int invite_accept(ss_req *req)
{
    char code[24];
    long long org_id;
    const char *role;
    code_of(req, code, sizeof code);
    int rc = ss_store_invite_accept(req->db, req->arena, code, req->caller.user_id, req->now, &org_id, &role);
    if (rc == SS_EGONE) return ss_reply_error(req, "invite_expired");
    if (rc == SS_ECONFLICT) return ss_reply_error(req, "already_member");
    if (rc) return rc;
    ss_req_forget_user(req, req->caller.user_id);   /* a member now: memberships ride in the snapshot */
    return ss_reply_json(req, 200, json_pack("{s:I, s:s}", "org_id", (json_int_t)org_id, "role", role));
}

/* -> image/svg+xml: a QR code of "sanshe:invite:<code>" for the mini-program's scanner. It
 * draws what the path holds and looks nothing up, so it tells nothing about the code. */
static int invite_svg(ss_req *req)
{
    char code[24], text[48];
    code_of(req, code, sizeof code);
    snprintf(text, sizeof text, "sanshe:invite:%s", code);
    size_t len;
    char *svg = ss_qr_svg(text, &len);
    if (!svg) return SS_EINTERNAL;
    ss_arena_on_reset(req->arena, free_cb, svg);
    return ss_reply_raw(req, 200, "image/svg+xml", svg, len);
}

static const ss_route routes[] = {
    {"POST", "/api/v1/invites/{code}/accept", invite_accept, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"GET", "/api/v1/invites/{code}/qr.svg", invite_svg, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
};
const ss_route_table ss_invite_routes = {routes, sizeof routes / sizeof routes[0]};
