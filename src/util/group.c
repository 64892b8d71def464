/* Group commit's queue (see group.h). */
#include "util/group.h"

#include <stddef.h>

/* Unlinks the next batch from the queue (mu held). */
static ss_group_item *take(ss_group *g)
{
    ss_group_item *first = g->head, *out = NULL, **end = &out, **link = &g->head, *prev = NULL;
    int n = 0;
    while (*link && n < g->max) {
        ss_group_item *it = *link;
        if (it == first || !g->joins || g->joins(first, out, it)) {
            *link = it->next;
            if (g->tail == it) g->tail = prev;
            it->next = NULL;
            *end = it;
            end = &it->batch_next;
            n++;
        } else {
            prev = it;
            link = &it->next;
        }
    }
    return out;
}

void ss_group_submit(ss_group *g, ss_group_item *item, void (*run)(void *ctx, ss_group_item *batch), void *ctx)
{
    item->done = 0;
    item->next = item->batch_next = NULL;
    /* each waiter sleeps on its own condition: a batch's end wakes its items' threads and, if
     * items are queued, the first of them to lead the next; nobody else (no herd of wake-ups) */
    pthread_cond_init(&item->wake, NULL);
    pthread_mutex_lock(&g->mu);
    if (g->tail) g->tail->next = item;
    else g->head = item;
    g->tail = item;
    while (!item->done) {
        if (g->leading || !g->head) {   /* (no head: item is in a batch being run) */
            pthread_cond_wait(&item->wake, &g->mu);
            continue;
        }
        g->leading = 1;
        ss_group_item *batch = take(g);
        pthread_mutex_unlock(&g->mu);
        run(ctx, batch);
        pthread_mutex_lock(&g->mu);
        for (ss_group_item *b = batch, *next; b; b = next) {
            next = b->batch_next;   /* (b's thread may return as soon as the lock is free) */
            b->done = 1;
            if (b != item) pthread_cond_signal(&b->wake);
        }
        g->leading = 0;
        if (g->head) pthread_cond_signal(&g->head->wake);
    }
    pthread_mutex_unlock(&g->mu);
    pthread_cond_destroy(&item->wake);
}
