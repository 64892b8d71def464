/* The notification mechanism (see notify.h). */
#include "http/notify.h"

#include "http/errors.h"
#include "util/log.h"

int ss_notify(ss_req *req, ss_notify_to to, long long id, const ss_notice *n)
{
    int rc = to == SS_NOTIFY_SIGNED_UP ? ss_store_notify_signed_up(req->db, req->arena, id, n)
                                       : ss_store_notify_user(req->db, req->arena, id, n);
    if (rc) SS_WARN("notify", "msg=\"notice not stored\" kind=%s error=%s", n->kind, ss_strerror(rc));
    return rc;
}
