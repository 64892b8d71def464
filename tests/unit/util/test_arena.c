/* Unit tests for the per-request arena (util/arena.h): alignment, large allocations,
 * string helpers, cleanup order on reset and free, and memory reuse after reset. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

/* Cleanup order is recorded here: each cleanup appends its tag. */
static int order[16];
static int norder;

static void record(void *data)
{
    if (norder < (int)(sizeof order / sizeof order[0])) order[norder++] = *(int *)data;
}

static void test_alloc_alignment(void **state)
{
    (void)state;
    ss_arena *a = ss_arena_create(4096);
    const size_t sizes[] = {1, 3, 7, 8, 13, 16, 17, 31, 33, 100, 255, 1000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        void *p = ss_arena_alloc(a, sizes[i]);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
        memset(p, 0xab, sizes[i]);
    }
    /* Alignment must hold across chunk boundaries too. */
    for (int i = 0; i < 500; i++) {
        void *p = ss_arena_alloc(a, (size_t)(i % 37) + 1);
        assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
    }
    ss_arena_free(a);
}

static void test_allocations_do_not_overlap(void **state)
{
    (void)state;
    ss_arena *a = ss_arena_create(1024);
    unsigned char *p[200];
    for (int i = 0; i < 200; i++) {
        p[i] = ss_arena_alloc(a, 24);
        memset(p[i], i, 24);
    }
    for (int i = 0; i < 200; i++)
        for (int j = 0; j < 24; j++) assert_int_equal(p[i][j], (unsigned char)i);
    ss_arena_free(a);
}

static void test_large_allocation(void **state)
{
    (void)state;
    ss_arena *a = ss_arena_create(1024);
    char *small1 = ss_arena_alloc(a, 16);
    size_t big_n = 1u << 20;
    unsigned char *big = ss_arena_alloc(a, big_n);
    assert_non_null(big);
    assert_int_equal((uintptr_t)big % alignof(max_align_t), 0);
    memset(big, 0x5a, big_n);
    assert_true(ss_arena_used(a) >= big_n + 16);
    /* Small allocations after a big one still work and stay distinct. */
    char *small2 = ss_arena_alloc(a, 16);
    assert_ptr_not_equal(small1, small2);
    assert_true(small2 < (char *)big || small2 >= (char *)big + big_n);
    memset(small2, 0, 16);
    assert_int_equal(big[0], 0x5a);
    assert_int_equal(big[big_n - 1], 0x5a);
    /* A second big allocation after reset works too (the first was released). */
    ss_arena_reset(a);
    big = ss_arena_alloc(a, 3 * big_n);
    memset(big, 1, 3 * big_n);
    assert_int_equal(big[3 * big_n - 1], 1);
    ss_arena_free(a);
}

static void test_calloc_zeroes_reused_memory(void **state)
{
    (void)state;
    ss_arena *a = ss_arena_create(1024);
    unsigned char *p = ss_arena_alloc(a, 200);
    memset(p, 0xff, 200);
    ss_arena_reset(a);
    unsigned char *q = ss_arena_calloc(a, 200);
    for (int i = 0; i < 200; i++) assert_int_equal(q[i], 0);
    ss_arena_free(a);
}

static void test_strdup_strndup(void **state)
{
    (void)state;
    ss_arena *a = ss_arena_create(0);
    const char *src = "三社 sanshe";
    char *d = ss_arena_strdup(a, src);
    assert_string_equal(d, src);
    assert_ptr_not_equal(d, src);
    assert_null(ss_arena_strdup(a, NULL));
    assert_string_equal(ss_arena_strdup(a, ""), "");
    char *n = ss_arena_strndup(a, "abcdef", 3);
    assert_string_equal(n, "abc");
    /* n = 0 gives an empty string, not a copy of the source. */
    char *z = ss_arena_strndup(a, "xy", 0);
    assert_string_equal(z, "");
    ss_arena_free(a);
}

static void test_sprintf(void **state)
{
    (void)state;
    ss_arena *a = ss_arena_create(1024);
    char *s = ss_arena_sprintf(a, "%s=%d;%05.1f", "n", 42, 3.14159);
    assert_string_equal(s, "n=42;003.1");
    /* Longer than a chunk: must allocate the full size, not truncate. */
    char big[5000];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char *t = ss_arena_sprintf(a, "<%s>", big);
    assert_int_equal(strlen(t), sizeof big - 1 + 2);
    assert_int_equal(t[0], '<');
    assert_int_equal(t[sizeof big], '>');
    assert_string_equal(ss_arena_sprintf(a, "%s", ""), "");
    ss_arena_free(a);
}

static void test_cleanups_newest_first_on_reset(void **state)
{
    (void)state;
    static int tags[] = {1, 2, 3};
    norder = 0;
    ss_arena *a = ss_arena_create(1024);
    for (int i = 0; i < 3; i++) ss_arena_on_reset(a, record, &tags[i]);
    assert_int_equal(norder, 0);
    ss_arena_reset(a);
    assert_int_equal(norder, 3);
    assert_int_equal(order[0], 3);
    assert_int_equal(order[1], 2);
    assert_int_equal(order[2], 1);
    /* Cleanups run once: a second reset and the final free run nothing more. */
    ss_arena_reset(a);
    ss_arena_free(a);
    assert_int_equal(norder, 3);
}

static void test_cleanups_newest_first_on_free(void **state)
{
    (void)state;
    static int tags[] = {10, 20, 30, 40};
    norder = 0;
    ss_arena *a = ss_arena_create(1024);
    ss_arena_on_reset(a, record, &tags[0]);
    ss_arena_on_reset(a, record, &tags[1]);
    /* Force new chunks between registrations: order must not depend on chunk layout. */
    for (int i = 0; i < 100; i++) ss_arena_alloc(a, 200);
    ss_arena_on_reset(a, record, &tags[2]);
    ss_arena_alloc(a, 100000);
    ss_arena_on_reset(a, record, &tags[3]);
    ss_arena_free(a);
    assert_int_equal(norder, 4);
    assert_int_equal(order[0], 40);
    assert_int_equal(order[1], 30);
    assert_int_equal(order[2], 20);
    assert_int_equal(order[3], 10);
}

static void test_cleanups_registered_after_reset(void **state)
{
    (void)state;
    static int tags[] = {7, 8};
    norder = 0;
    ss_arena *a = ss_arena_create(1024);
    ss_arena_on_reset(a, record, &tags[0]);
    ss_arena_reset(a);
    ss_arena_on_reset(a, record, &tags[1]);
    ss_arena_reset(a);
    assert_int_equal(norder, 2);
    assert_int_equal(order[0], 7);
    assert_int_equal(order[1], 8);
    ss_arena_free(a);
    assert_int_equal(norder, 2);
}

static void test_reset_reuses_memory(void **state)
{
    (void)state;
    ss_arena *a = ss_arena_create(1024);
    void *first = ss_arena_alloc(a, 32);
    /* Spill into several more chunks and a large allocation. */
    for (int i = 0; i < 200; i++) ss_arena_alloc(a, 100);
    ss_arena_alloc(a, 50000);
    ss_arena_reset(a);
    void *again = ss_arena_alloc(a, 32);
    assert_ptr_equal(first, again);
    /* And again after several request-sized cycles. */
    for (int round = 0; round < 10; round++) {
        ss_arena_reset(a);
        void *p = ss_arena_alloc(a, 32);
        assert_ptr_equal(first, p);
        for (int i = 0; i < 50; i++) ss_arena_sprintf(a, "round %d item %d", round, i);
    }
    ss_arena_free(a);
}

static void test_reset_keeps_first_chunk_after_large(void **state)
{
    (void)state;
    /* A large allocation made while the first chunk is still current must not displace
     * it: reset keeps the first chunk, so a big body never stays pinned to the arena. */
    ss_arena *a = ss_arena_create(1024);
    void *first = ss_arena_alloc(a, 32);
    unsigned char *big = ss_arena_alloc(a, 100000);
    memset(big, 7, 100000);
    ss_arena_reset(a);
    assert_int_equal(ss_arena_used(a), 0);
    void *again = ss_arena_alloc(a, 32);
    assert_ptr_equal(first, again);
    ss_arena_free(a);
}

static void test_used(void **state)
{
    (void)state;
    ss_arena *a = ss_arena_create(1024);
    assert_int_equal(ss_arena_used(a), 0);
    ss_arena_alloc(a, 10);
    size_t u1 = ss_arena_used(a);
    assert_true(u1 >= 10);
    assert_true(u1 < 10 + 2 * alignof(max_align_t) + 1);
    ss_arena_alloc(a, 5000);
    size_t u2 = ss_arena_used(a);
    assert_true(u2 >= u1 + 5000);
    for (int i = 0; i < 100; i++) ss_arena_alloc(a, 100);
    assert_true(ss_arena_used(a) >= u2 + 100 * 100);
    ss_arena_reset(a);
    assert_int_equal(ss_arena_used(a), 0);
    ss_arena_strdup(a, "hello");
    assert_true(ss_arena_used(a) >= 6);
    ss_arena_free(a);
}

static void test_free_null(void **state)
{
    (void)state;
    ss_arena_free(NULL);
    ss_arena *a = ss_arena_create(1);  /* tiny chunk sizes still work */
    char *p = ss_arena_alloc(a, 4000);
    memset(p, 1, 4000);
    assert_string_equal(ss_arena_strdup(a, "ok"), "ok");
    ss_arena_free(a);
}

static void test_x_wrappers(void **state)
{
    (void)state;
    char *s = ss_xstrdup("long-lived");
    assert_string_equal(s, "long-lived");
    free(s);
    int *z = ss_xcalloc(16, sizeof(int));
    for (int i = 0; i < 16; i++) assert_int_equal(z[i], 0);
    free(z);
    void *m = ss_xmalloc(0);
    assert_non_null(m);
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alloc_alignment),
        cmocka_unit_test(test_allocations_do_not_overlap),
        cmocka_unit_test(test_large_allocation),
        cmocka_unit_test(test_calloc_zeroes_reused_memory),
        cmocka_unit_test(test_strdup_strndup),
        cmocka_unit_test(test_sprintf),
        cmocka_unit_test(test_cleanups_newest_first_on_reset),
        cmocka_unit_test(test_cleanups_newest_first_on_free),
        cmocka_unit_test(test_cleanups_registered_after_reset),
        cmocka_unit_test(test_reset_reuses_memory),
        cmocka_unit_test(test_reset_keeps_first_chunk_after_large),
        cmocka_unit_test(test_used),
        cmocka_unit_test(test_free_null),
        cmocka_unit_test(test_x_wrappers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
