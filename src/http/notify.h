/* Notifications: the one mechanism every handler calls to tell people what happened to them
 * (waitlist promotion, an activity changed or cancelled, a filing, project or correction
 * decided). ss_notify stores the notice in the request's database transaction (a
 * transactional outbox): it exists exactly when the change it reports was committed. The
 * in-app inbox reads these rows; the sender program (cgi-bin/sanshe-sender) pushes them to
 * WeChat for people who granted a subscription, once per person and event. A handler calls it
 * after its change and before its reply; an error reply rolls both back. */
#ifndef SS_HTTP_NOTIFY_H
#define SS_HTTP_NOTIFY_H

#include "http/request.h"
#include "store/notifications.h"

typedef enum {
    SS_NOTIFY_USER = 0,      /* id is a user */
    SS_NOTIFY_SIGNED_UP,     /* id is an activity: everyone with a live sign-up (confirmed or waitlisted) */
} ss_notify_to;

/* Stores notice n for the recipients. n->event_key must name the event so that the same event
 * told twice (a retry) is stored once per person. Returns 0 or a db error (the handler fails,
 * and with it the change). Example, a correction decided:
 *   ss_notice n = {.kind = "correction_decided",
 *                  .event_key = ss_arena_sprintf(req->arena, "correction_decided:%lld", id),
 *                  .activity_id = activity_id, .object_id = id, .title = "服务时长更正已处理", .body = status};
 *   rc = ss_notify(req, SS_NOTIFY_USER, proposer_id, &n); */
int ss_notify(ss_req *req, ss_notify_to to, long long id, const ss_notice *n);

#endif
