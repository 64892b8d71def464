/* Group commit's queue: threads that each have one write to make queue it; one of them at a
 * time (the leader) takes a batch of queued writes and runs it, the others sleep until theirs
 * has been run. Under load many writes share one run (one transaction: store/vote_batch.c,
 * store/signup_batch.c); alone, a write is run at once by its own thread. No I/O here: what a
 * run does is the caller's. */
#ifndef SS_UTIL_GROUP_H
#define SS_UTIL_GROUP_H

#include <pthread.h>

/* One queued write; embed it as the first member of the write's own struct. */
typedef struct ss_group_item {
    pthread_cond_t wake;                          /* its thread sleeps here */
    int done;                                     /* its batch has been run */
    struct ss_group_item *next, *batch_next;      /* in the queue; in its batch */
} ss_group_item;

/* A queue: static, set up with SS_GROUP_INIT. */
typedef struct ss_group {
    pthread_mutex_t mu;
    ss_group_item *head, *tail;
    int leading;   /* threads running a batch now */
    int max;       /* items per batch */
    /* 1 if item may join a batch whose first item is first and whose items so far are
     * batch (linked by batch_next, first among them); NULL: any may */
    int (*joins)(const ss_group_item *first, const ss_group_item *batch, const ss_group_item *item);
} ss_group;
#define SS_GROUP_INIT(max_, joins_) {PTHREAD_MUTEX_INITIALIZER, NULL, NULL, 0, (max_), (joins_)}

/* Queues item and returns once a batch holding it has been run. While no batch is running,
 * this thread leads: it takes the oldest queued item and, in order of arrival, up to max - 1
 * more that join it, calls run(ctx, batch) without the queue's lock (batch linked by
 * batch_next), and leads again until its own item has been run. ctx is the leading thread's. */
void ss_group_submit(ss_group *g, ss_group_item *item, void (*run)(void *ctx, ss_group_item *batch), void *ctx);

#endif
