/* Group commit of new sign-ups (util/group.h), as votes have (store/vote_batch.h): new sign-ups
 * to one activity that arrive while a batch is written wait, and the next thread to lead
 * writes up to SS_SIGNUP_BATCH_MAX of them under ONE hold of the activity's row lock
 * (ss_store_seats_lock, store/activities.h), in one transaction of a fixed number of
 * statements: the activity locked, the members' rows looked for (a sign-up stored meanwhile
 * sends its member alone), replies kept for Idempotency-Keys looked for, then the sign-ups, the
 * activity's counters and the kept replies, each set-based.
 * Seats then places in the queue are given in order of arrival, exactly as one by one. A
 * batch that fails before its commit leaves nothing stored and its members are stored alone;
 * a lost commit answers SS_EUNAVAIL (a retry with the key, or a repeat, tells the truth). */
#ifndef SS_STORE_SIGNUP_BATCH_H
#define SS_STORE_SIGNUP_BATCH_H

#include <time.h>

#include "store/activities.h"
#include "store/db.h"
#include "store/idempotency.h"
#include "util/group.h"

#define SS_SIGNUP_BATCH_MAX 64
typedef struct ss_signup_member {
    ss_group_item item;   /* first: the queue's */
    long long activity_id, user_id;
    time_t now;
    /* as ss_vote_member's: the reply kept for an Idempotency-Key, made by the leading thread */
    ss_idem_ref idem;
    const char *(*render)(void *ctx, const ss_signup *s, size_t *len);
    void *render_ctx;
    /* out */
    int rc;        /* 0 stored (out), SS_ENOTFOUND, SS_ECONFLICT (closed), SS_EUNAVAIL, 1: alone */
    ss_signup out;
} ss_signup_member;

/* Submits m (its user had no sign-up when looked at: ss_store_signup_mine) and blocks until
 * its batch is written; while this thread leads it writes batches on db (outside any
 * transaction) with a. Returns m->rc; 1: store it with ss_store_signup_join (its batch
 * failed, or a sign-up of its user was stored meanwhile). */
int ss_signup_batch_submit(ss_db *db, ss_arena *a, ss_signup_member *m);


#endif
