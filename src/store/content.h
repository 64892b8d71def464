/* Content safety in MariaDB: objects whose text waits for a person's review (content_status
 * 'review', hidden from everyone but staff) and the staff queue of those texts. */
#ifndef SS_STORE_CONTENT_H
#define SS_STORE_CONTENT_H

#include <time.h>

#include "store/db.h"

typedef struct ss_content_review {
    long long id, object_id, community_id, created_by, decided_by;
    const char *object_type, *reason, *status;   /* arena */
    const char *title;                           /* the object's title (arena) */
    time_t created_at, decided_at;               /* decided_at 0: not yet */
} ss_content_review;

/* The openid of user_id (for WeChat's check), arena; SS_ENOTFOUND. */
int ss_store_user_openid(ss_db *db, ss_arena *a, long long user_id, const char **openid);
/* Hides object (object_type "activity", "org", "need", "consultation_comment", "rating",
 * "contest_project", "service_project", "resource", "consultation", "community" or "contest")
 * until a person passes it and queues it with reason. "nickname" (object_id the user) queues the
 * nickname waiting in users.nickname_pending instead, superseding the user's earlier pending one.
 * Returns 0, SS_EINVALID for an unknown object_type, or a db error. */
int ss_store_content_hold(ss_db *db, ss_arena *a, const char *object_type, long long object_id,
                          long long community_id, const char *reason, long long created_by, long long *review_id);
/* A user's nickname was set directly (it passed the check): pending items of an earlier one go. */
int ss_store_content_nickname_settled(ss_db *db, ss_arena *a, long long user_id);
/* Queue items with status, oldest first, after after_id; community_ids (n, 0 for an admin:
 * every community) limit it to those communities. */
int ss_store_content_reviews(ss_db *db, ss_arena *a, const char *status, const long long *community_ids, int ncommunities,
                             long long after_id, int limit, ss_content_review **out, int *n);
/* Loads one queue item. SS_ENOTFOUND. */
int ss_store_content_review_get(ss_db *db, ss_arena *a, long long id, ss_content_review *out);
/* Decides a pending item (pass: the object becomes visible, a nickname becomes the user's; else
 * the object stays hidden as 'rejected', a nickname is dropped). Returns 0; SS_ECONFLICT when it
 * was already decided; SS_ENOTFOUND. */
int ss_store_content_decide(ss_db *db, ss_arena *a, long long id, int pass, long long decided_by);

#endif
