/* Group commit of votes. In a burst, the votes that worker threads of this process submit while
 * a batch is being written wait in a queue; the next thread to lead takes up to
 * SS_VOTE_BATCH_MAX of them (one contest, one day), admits them (their rate limits, in one
 * round trip) and writes them on its own connection in ONE transaction of a fixed number of
 * statements, whatever the batch's size: the votable projects (share-locked), the replies
 * already kept for their Idempotency-Keys, the voters' quota rows (locked), then the quotas,
 * the votes (their tally slots by trigger) and the replies kept for keys, each set in one
 * statement.
 * Each vote is still decided on its own (domain/contest.h, ss_vote_batch_decide), and every
 * waiter is answered only after the commit.
 *
 * A batch that fails before its commit (a deadlock past the retries, a key a parallel twin
 * took, anything unexpected) leaves nothing stored, and each of its votes is then stored alone
 * by its own thread (ss_store_vote): one bad vote never fails the others. A batch whose commit
 * was lost with the connection may or may not be stored: each waiter gets SS_EUNAVAIL, as a
 * single vote does, and a retry with the same Idempotency-Key finds the truth. */
#ifndef SS_STORE_VOTE_BATCH_H
#define SS_STORE_VOTE_BATCH_H

#include <stddef.h>

#include "store/contests.h"
#include "store/db.h"
#include "store/idempotency.h"
#include "util/group.h"

#define SS_VOTE_BATCH_MAX 64

typedef struct ss_vote_member {
    ss_group_item item;   /* first: the queue's (util/group.h) */
    ss_vote_request v;
    /* With an Idempotency-Key (idem.key not NULL), the reply kept for it is stored in the
     * batch's transaction: render makes it once the vote's votes_left is known (called by the
     * thread that leads, while this one waits; it may allocate in this request's arena). */
    ss_idem_ref idem;
    const char *(*render)(void *ctx, long votes_left, size_t *len);
    void *render_ctx;
    /* out */
    int rc;             /* as ss_vote_batch_submit returns */
    int alone;          /* 1: the batch failed, nothing of it is stored: store this vote alone */
    int refused;        /* 1: refused by the batch's admit (rc says why); nothing written */
    int unadmitted;     /* with alone: admit could not run (SS_EUNAVAIL); admit it alone too */
    long votes_left;    /* when stored */
} ss_vote_member;

/* Before a batch is written, the thread that leads calls admit with its own admit_ctx on all
 * of the batch's votes (m[0..n)): it sets refused and rc on those that must not be written
 * (a rate limit: checking a whole batch in one round trip spares each vote its own), and
 * returns 0, or an error that refuses them all; SS_EUNAVAIL sends them all alone, unadmitted
 * (one broken connection of the leader's does not fail a whole batch). */
typedef int (*ss_vote_admit)(void *ctx, ss_vote_member **m, int n);

/* Submits m and blocks until its batch is decided; while this thread leads it admits (admit
 * may be NULL) and writes batches on db (which must be outside any transaction) with a,
 * until m's is written. Returns m->rc:
 * 0 stored (m->votes_left), SS_ENOTFOUND, SS_ELIMIT, SS_EUNAVAIL (also when m's Idempotency-Key
 * was stored by a twin meanwhile: the pipeline's recovery replays that reply), admit's rc with
 * m->refused set, or 1 with m->alone set. Two votes of one user with one key never share a
 * batch. */
int ss_vote_batch_submit(ss_db *db, ss_arena *a, ss_vote_member *m, ss_vote_admit admit, void *admit_ctx);

#endif
