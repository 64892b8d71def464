/* The audit mechanism every handler calls when staff, approvers or admins change something:
 * one call appends {at, actor_id, actor_role, action, object_type, object_id, summary,
 * request_id} to the append-only audit log inside the request's transaction (a write request
 * is one transaction: see store/db.h "request scope"), so the change and its audit row are
 * stored together or not at all. Never put personal data (names, phones, ID numbers) in a
 * summary: ids and states only. */
#ifndef SS_HTTP_AUDIT_H
#define SS_HTTP_AUDIT_H

#include "http/request.h"

/* Appends the row for the caller. community_id names whose community admins may read it
 * (0: taken from the request's subject, if any). action is "<object>.<verb>" such as
 * "org.approve". Returns 0 or a db error (the handler returns it: the change is then undone). */
int ss_audit(ss_req *req, const char *action, const char *object_type, long long object_id, long long community_id,
             const char *summary);

#endif
