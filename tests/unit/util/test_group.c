/* util/group.c: many threads queue items at once; every item is run exactly once, in a batch
 * of at most max items that respects joins, and while one batch runs the others queue up. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "util/group.h"

enum { THREADS = 12, PER_THREAD = 400, MAX = 8, KINDS = 3 };

typedef struct {
    ss_group_item item;   /* first */
    int kind;             /* only items of one kind share a batch */
    atomic_int runs;      /* times it was run */
} item;

static int same_kind(const ss_group_item *first, const ss_group_item *batch, const ss_group_item *it)
{
    (void)batch;
    return ((const item *)first)->kind == ((const item *)it)->kind;
}

static ss_group queue = SS_GROUP_INIT(MAX, same_kind);
static item items[THREADS][PER_THREAD];
static atomic_int running, overlap, batches, largest, mixed, too_big;

static void run(void *ctx, ss_group_item *batch)
{
    (void)ctx;
    if (atomic_fetch_add(&running, 1) != 0) atomic_fetch_add(&overlap, 1);
    int n = 0, kind = ((item *)batch)->kind;
    for (ss_group_item *b = batch; b; b = b->batch_next, n++) {
        item *it = (item *)b;
        if (it->kind != kind) atomic_fetch_add(&mixed, 1);
        atomic_fetch_add(&it->runs, 1);
    }
    if (n > MAX) atomic_fetch_add(&too_big, 1);
    int big = atomic_load(&largest);
    while (n > big && !atomic_compare_exchange_weak(&largest, &big, n))
        ;
    atomic_fetch_add(&batches, 1);
    usleep(200);   /* a commit's wait: the others queue meanwhile */
    atomic_fetch_sub(&running, 1);
}

static void *worker(void *arg)
{
    item *mine = arg;
    for (int i = 0; i < PER_THREAD; i++) {
        mine[i].kind = i % KINDS;
        ss_group_submit(&queue, &mine[i].item, run, NULL);
        if (atomic_load(&mine[i].runs) != 1) atomic_fetch_add(&overlap, 1000);   /* returned before its run */
    }
    return NULL;
}

static void every_item_once_in_bounded_batches(void **state)
{
    (void)state;
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++) assert_int_equal(pthread_create(&t[i], NULL, worker, items[i]), 0);
    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    for (int i = 0; i < THREADS; i++)
        for (int k = 0; k < PER_THREAD; k++) assert_int_equal(atomic_load(&items[i][k].runs), 1);
    assert_int_equal(atomic_load(&overlap), 0);    /* one batch at a time, none returned early */
    assert_int_equal(atomic_load(&mixed), 0);      /* joins held */
    assert_int_equal(atomic_load(&too_big), 0);    /* max held */
    assert_true(atomic_load(&largest) > 1);        /* items shared batches */
    assert_true(atomic_load(&batches) < THREADS * PER_THREAD);
    assert_null(queue.head);
    assert_null(queue.tail);
}

/* Alone, an item is run at once by its own thread, in a batch of one. */
static void alone_runs_at_once(void **state)
{
    (void)state;
    item one = {.kind = 0};
    int before = atomic_load(&batches);
    ss_group_submit(&queue, &one.item, run, NULL);
    assert_int_equal(atomic_load(&one.runs), 1);
    assert_int_equal(atomic_load(&batches), before + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_item_once_in_bounded_batches),
        cmocka_unit_test(alone_runs_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
