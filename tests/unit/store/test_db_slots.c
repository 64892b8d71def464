/* Unit tests for the statement cache's slot assignment (store/db.h ss_db_slot): many threads
 * meeting the same statements for the first time at once, as every worker does right after
 * start, take exactly one slot per statement, so the cache does not run out. No server needed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"

#define THREADS 4
#define STATEMENTS 400   /* most of the cache (512): a few wasted slots per statement overflow it */

static ss_sql sqls[STATEMENTS];
static int seen[THREADS][STATEMENTS];
static pthread_barrier_t barrier;

/* All threads meet statement i for the first time together (a barrier per statement), as
 * workers do right after start. A stress check of the invariant: on a machine with few cores
 * the old compare-and-set rarely lost a race here, so this guards more than it reproduces. */
static void *racer(void *arg)
{
    int t = (int)(intptr_t)arg;
    for (int i = 0; i < STATEMENTS; i++) {
        pthread_barrier_wait(&barrier);
        seen[t][i] = ss_db_slot(&sqls[i]);
    }
    return NULL;
}

static void test_slots_race_at_start(void **state)
{
    (void)state;
    for (int i = 0; i < STATEMENTS; i++) sqls[i] = (ss_sql)SS_SQL("SELECT 1");
    pthread_barrier_init(&barrier, NULL, THREADS);
    pthread_t th[THREADS];
    for (int t = 0; t < THREADS; t++) assert_int_equal(pthread_create(&th[t], NULL, racer, (void *)(intptr_t)t), 0);
    for (int t = 0; t < THREADS; t++) pthread_join(th[t], NULL);
    pthread_barrier_destroy(&barrier);

    /* every statement has a slot, the same for every thread, and the slots are exactly 1..N */
    static int used[STATEMENTS + 1];
    for (int i = 0; i < STATEMENTS; i++) {
        int s = sqls[i].slot;
        if (s < 1 || s > STATEMENTS) fail_msg("statement %d got slot %d: outside 1..%d (slots wasted)", i, s, STATEMENTS);
        if (used[s]++) fail_msg("slot %d given to two statements", s);
    }
    for (int t = 0; t < THREADS; t++)
        for (int i = 0; i < STATEMENTS; i++)
            if (seen[t][i] != sqls[i].slot)
                fail_msg("thread %d saw slot %d for statement %d, which has %d", t, seen[t][i], i, sqls[i].slot);
}

/* Past the cache's size a statement gets 0 (the caller answers 500), and a known one keeps its slot. */
static void test_slots_full(void **state)
{
    (void)state;
    static ss_sql more[600];
    int zero = 0;
    for (int i = 0; i < 600; i++) {
        more[i] = (ss_sql)SS_SQL("SELECT 2");
        zero += ss_db_slot(&more[i]) == 0;
    }
    assert_true(zero > 0);
    assert_int_equal(ss_db_slot(&sqls[0]), sqls[0].slot);
    assert_true(sqls[0].slot > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slots_race_at_start),
        cmocka_unit_test(test_slots_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
