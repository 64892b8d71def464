/* Group commit of sign-ins. The sign-ins that worker threads of this process submit while a
 * batch is being written wait in a queue; the next thread to lead takes up to
 * SS_LOGIN_BATCH_MAX of them and writes them on its own connection in ONE statement
 * (ss_store_users_login: each user found or created, the sign-in recorded, the user returned
 * with roles), so a burst of sign-ins costs one round trip and one commit per batch, not per
 * sign-in. Two sign-ins of one openid never share a batch.
 *
 * The statement is all or nothing and safe to repeat: when a batch fails (or its connection
 * is lost, even after the commit), each of its sign-ins is then run alone by its own thread. */
#ifndef SS_STORE_LOGIN_BATCH_H
#define SS_STORE_LOGIN_BATCH_H

#include "store/db.h"
#include "store/users.h"
#include "util/group.h"

#define SS_LOGIN_BATCH_MAX 64

typedef struct ss_login_member {
    ss_group_item item;   /* first: the queue's (util/group.h) */
    ss_user_login l;      /* l.a: this request's arena; l.user set when rc is 0 */
    int rc;               /* as ss_login_batch_submit returns */
} ss_login_member;

/* Submits m and blocks until its batch is run; while this thread leads it writes batches on
 * db (which must be outside any transaction) with scratch memory from a. Returns 0 (m->l.user
 * set), or 1: the batch failed, nothing of it may be stored: run this sign-in alone
 * (ss_store_users_login with n = 1). */
int ss_login_batch_submit(ss_db *db, ss_arena *a, ss_login_member *m);

#endif
