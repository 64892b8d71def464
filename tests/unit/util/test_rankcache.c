/* util/rankcache.c: a rank comes only from a copy of exactly the version asked for; loads are
 * offered at most once per interval per slot; bad copies are refused; colliding keys replace
 * each other. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>

#include "util/rankcache.h"

static int reset(void **state)
{
    (void)state;
    ss_rank_clear();
    return 0;
}

static void test_rank_of_version(void **state)
{
    (void)state;
    const long long seqs[] = {3, 7, 8, 20, 21};
    ss_rank_version v = {21, 5}, other = {21, 4};
    long rank = -1;
    assert_false(ss_rank_find(42, v, 7, &rank));   /* nothing kept yet */
    assert_false(ss_rank_version_of(42, &other));
    assert_true(ss_rank_put(42, v, seqs, 5));
    ss_rank_version got;
    assert_true(ss_rank_version_of(42, &got));
    assert_true(got.a == 21 && got.b == 5);
    for (int i = 0; i < 5; i++) {
        assert_true(ss_rank_find(42, v, seqs[i], &rank));
        assert_int_equal(rank, i + 1);
    }
    assert_false(ss_rank_find(42, v, 4, &rank));       /* not in the list */
    assert_false(ss_rank_find(42, v, 22, &rank));
    assert_false(ss_rank_find(42, v, 1, &rank));
    other = (ss_rank_version){21, 4};
    assert_false(ss_rank_find(42, other, 7, &rank));   /* another version: never */
    other = (ss_rank_version){22, 5};
    assert_false(ss_rank_find(42, other, 7, &rank));
    assert_false(ss_rank_find(42 + SS_RANK_SLOTS, v, 7, &rank));   /* another key of the slot */
}

static void test_empty_and_refused(void **state)
{
    (void)state;
    ss_rank_version v = {0, 0};
    long rank;
    assert_true(ss_rank_put(5, v, NULL, 0));
    assert_false(ss_rank_find(5, v, 1, &rank));
    const long long unsorted[] = {1, 3, 2}, twice[] = {1, 1};
    ss_rank_version w = {3, 3};
    assert_false(ss_rank_put(5, w, unsorted, 3));
    assert_false(ss_rank_put(5, w, twice, 2));
    long long *big = malloc((SS_RANK_MAX_ITEMS + 1) * sizeof *big);
    assert_non_null(big);
    for (long long i = 0; i <= SS_RANK_MAX_ITEMS; i++) big[i] = i + 1;
    assert_false(ss_rank_put(5, w, big, SS_RANK_MAX_ITEMS + 1));
    assert_true(ss_rank_put(5, w, big, SS_RANK_MAX_ITEMS));
    assert_true(ss_rank_find(5, w, SS_RANK_MAX_ITEMS, &rank));
    assert_int_equal(rank, SS_RANK_MAX_ITEMS);
    free(big);
}

static void test_replaced_by_collision(void **state)
{
    (void)state;
    const long long a[] = {1, 2}, b[] = {10, 11, 12};
    ss_rank_version v = {2, 2}, w = {12, 3};
    long rank;
    assert_true(ss_rank_put(1, v, a, 2));
    assert_true(ss_rank_put(1 + SS_RANK_SLOTS, w, b, 3));
    assert_false(ss_rank_find(1, v, 2, &rank));
    assert_true(ss_rank_find(1 + SS_RANK_SLOTS, w, 12, &rank));
    assert_int_equal(rank, 3);
}

static void test_want_throttled(void **state)
{
    (void)state;
    ss_rank_version v = {9, 9}, w = {10, 10};
    const long long seqs[] = {1};
    assert_true(ss_rank_want(7, v, 1000));
    assert_false(ss_rank_want(7, v, 1000 + SS_RANK_LOAD_EVERY_MS - 1));   /* offered just now */
    assert_false(ss_rank_want(7, w, 1050));
    assert_true(ss_rank_want(7, w, 1000 + SS_RANK_LOAD_EVERY_MS));
    assert_true(ss_rank_put(7, w, seqs, 1));
    assert_false(ss_rank_want(7, w, 5000));   /* the copy is of that version: nothing to load */
    assert_true(ss_rank_want(7, v, 5000));
}

/* Readers and writers at once: a rank handed out always belongs to the version asked for. */
enum { ROUNDS = 20000 };

static void *writer(void *arg)
{
    (void)arg;
    long long items[64];
    for (int r = 1; r <= ROUNDS; r++) {
        int n = 1 + r % 64;
        for (int i = 0; i < n; i++) items[i] = (long long)i * r + r;   /* version r: item i*r + r has rank i+1 */
        ss_rank_put(3, (ss_rank_version){r, n}, items, (size_t)n);
    }
    return NULL;
}

static void *reader(void *arg)
{
    long *bad = arg;
    for (int k = 0; k < ROUNDS * 2; k++) {
        ss_rank_version v;
        if (!ss_rank_version_of(3, &v)) continue;
        long rank;
        long long i = k % v.b;
        if (ss_rank_find(3, v, i * v.a + v.a, &rank) && rank != i + 1) (*bad)++;
    }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    pthread_t w, r[3];
    long bad[3] = {0};
    pthread_create(&w, NULL, writer, NULL);
    for (int i = 0; i < 3; i++) pthread_create(&r[i], NULL, reader, &bad[i]);
    pthread_join(w, NULL);
    for (int i = 0; i < 3; i++) pthread_join(r[i], NULL);
    assert_int_equal(bad[0] + bad[1] + bad[2], 0);
    ss_rank_clear();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_rank_of_version, reset),
        cmocka_unit_test_setup(test_empty_and_refused, reset),
        cmocka_unit_test_setup(test_replaced_by_collision, reset),
        cmocka_unit_test_setup(test_want_throttled, reset),
        cmocka_unit_test_setup(test_threads, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
