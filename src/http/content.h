/* Content safety: the one check every handler runs on text people typed before storing it
 * (WeChat msgSecCheck v2, with the access token shared by every worker through Redis).
 * docs/API.md ("Content safety") lists which texts hold which object.
 *   risky           -> 422 content_risky, nothing is stored;
 *   review          -> stored, but hidden from everyone but staff until a person passes it
 *                      (ss_content_hold after the insert puts it in the staff queue);
 *   WeChat down, slow or answering garbage -> the same as review (reason "unchecked"): never a
 *                      5xx, never published unchecked. */
#ifndef SS_HTTP_CONTENT_H
#define SS_HTTP_CONTENT_H

#include "http/request.h"

/* msgSecCheck scenes */
enum { SS_CONTENT_PROFILE = 1, SS_CONTENT_COMMENT = 2, SS_CONTENT_FORUM = 3, SS_CONTENT_SOCIAL_LOG = 4 };

/* What a check decided for the stored text. */
enum { SS_CONTENT_OK = 0, SS_CONTENT_REVIEW = 1, SS_CONTENT_UNCHECKED = 2 };

/* A text to check and the request body's field it came from (named in the 422). */
typedef struct ss_content_text {
    const char *field, *text;
} ss_content_text;

/* Checks texts[0..n) (NULL and empty texts skipped) as written by the caller, in one call to
 * WeChat. Returns 0 with *review one of SS_CONTENT_*, or SS_EINVALID after choosing the reply
 * 422 content_risky with error.fields naming the refused fields (the handler returns it as is;
 * with several texts each is checked alone to find which, all named when that fails), or a db
 * error. */
int ss_content_check(ss_req *req, int scene, const ss_content_text *texts, int n, int *review);

/* After storing an object whose check gave review != SS_CONTENT_OK: hides it (object_type
 * "activity", "org", "need", "consultation_comment", "rating", "contest_project",
 * "service_project", "resource", "consultation", "community", "contest"; "nickname" for a user's
 * waiting nickname) and queues it for staff of community_id (0: admins only). review
 * SS_CONTENT_OK does nothing. Returns 0 or a db error. */
int ss_content_hold(ss_req *req, int review, const char *object_type, long long object_id, long long community_id);

#endif
