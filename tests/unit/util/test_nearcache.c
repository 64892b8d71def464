/* Unit tests for the per-process near cache (util/nearcache.h): age limit, copies in and out,
 * replacement within a slot, epochs, bounds, and many threads at once. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/nearcache.h"

static void test_age_limit(void **state)
{
    (void)state;
    ss_near *n = ss_near_create(64);
    ss_arena *a = ss_arena_create(4096);
    void *v;
    size_t len;
    assert_int_equal(ss_near_get(n, a, "k", 1000, 1000, &v, &len), 0);
    ss_near_put(n, "k", "hello", 5, 1000, ss_near_epoch(n));
    assert_int_equal(ss_near_get(n, a, "k", 1000, 1000, &v, &len), 1);
    assert_int_equal(len, 5);
    assert_string_equal(v, "hello");
    assert_int_equal(ss_near_get(n, a, "k", 2000, 1000, &v, &len), 1);   /* exactly the age: still served */
    assert_int_equal(ss_near_get(n, a, "k", 2001, 1000, &v, &len), 0);   /* older: not */
    assert_int_equal(ss_near_get(n, a, "k", 999, 1000, &v, &len), 0);    /* a clock that went back: not */
    assert_int_equal(ss_near_get(n, a, "other", 1000, 1000, &v, &len), 0);
    assert_int_equal(ss_near_get(NULL, a, "k", 1000, 1000, &v, &len), 0);
    ss_arena_free(a);
    ss_near_free(n);
}

static void test_copies(void **state)
{
    (void)state;
    ss_near *n = ss_near_create(16);
    ss_arena *a = ss_arena_create(4096);
    char buf[8] = "abc";
    ss_near_put(n, "k", buf, 3, 10, ss_near_epoch(n));
    buf[0] = 'X';   /* the cache kept its own copy */
    void *v;
    size_t len;
    assert_int_equal(ss_near_get(n, a, "k", 10, 5, &v, &len), 1);
    assert_memory_equal(v, "abc", 3);
    ((char *)v)[0] = 'Y';   /* and hands out copies */
    assert_int_equal(ss_near_get(n, a, "k", 10, 5, &v, &len), 1);
    assert_memory_equal(v, "abc", 3);
    ss_near_put(n, "k", "newer", 5, 11, ss_near_epoch(n));   /* replaced */
    assert_int_equal(ss_near_get(n, a, "k", 11, 5, &v, &len), 1);
    assert_string_equal(v, "newer");
    ss_arena_free(a);
    ss_near_free(n);
}

/* A bump hides what was stored before it, and refuses what was read before it. */
static void test_epoch(void **state)
{
    (void)state;
    ss_near *n = ss_near_create(16);
    ss_arena *a = ss_arena_create(4096);
    void *v;
    size_t len;
    unsigned e0 = ss_near_epoch(n);
    ss_near_put(n, "k", "old", 3, 10, e0);
    assert_int_equal(ss_near_get(n, a, "k", 10, 5, &v, &len), 1);
    ss_near_bump(n);   /* a change committed */
    assert_int_equal(ss_near_get(n, a, "k", 10, 5, &v, &len), 0);
    ss_near_put(n, "k", "read before the change", 22, 10, e0);   /* a slow reader comes back */
    assert_int_equal(ss_near_get(n, a, "k", 10, 5, &v, &len), 0);
    ss_near_put(n, "k", "new", 3, 10, ss_near_epoch(n));
    assert_int_equal(ss_near_get(n, a, "k", 10, 5, &v, &len), 1);
    assert_string_equal(v, "new");
    ss_near_bump(NULL);   /* no cache: nothing to do */
    assert_int_equal(ss_near_epoch(NULL), 0);
    ss_arena_free(a);
    ss_near_free(n);
}

static void test_bounds(void **state)
{
    (void)state;
    ss_near *n = ss_near_create(16);
    ss_arena *a = ss_arena_create(4096);
    char key[SS_NEAR_KEY_MAX + 1];
    memset(key, 'k', sizeof key - 1);
    key[sizeof key - 1] = '\0';
    void *v;
    size_t len;
    ss_near_put(n, key, "x", 1, 1, ss_near_epoch(n));   /* too long a key: not stored */
    assert_int_equal(ss_near_get(n, a, key, 1, 5, &v, &len), 0);
    char *big = calloc(1, SS_NEAR_VALUE_MAX + 2);
    ss_near_put(n, "big", big, SS_NEAR_VALUE_MAX + 1, 1, ss_near_epoch(n));
    assert_int_equal(ss_near_get(n, a, "big", 1, 5, &v, &len), 0);
    free(big);
    /* more keys than slots: each one found is its own value, never another key's */
    char k[32], want[32];
    for (int i = 0; i < 200; i++) {
        snprintf(k, sizeof k, "key-%d", i);
        ss_near_put(n, k, k, strlen(k), 1, ss_near_epoch(n));
    }
    int found = 0;
    for (int i = 0; i < 200; i++) {
        snprintf(k, sizeof k, "key-%d", i);
        snprintf(want, sizeof want, "key-%d", i);
        if (ss_near_get(n, a, k, 1, 5, &v, &len)) {
            assert_string_equal(v, want);
            found++;
        }
    }
    assert_true(found > 0 && found <= 16);
    ss_arena_free(a);
    ss_near_free(n);
}

static int gate_open;
static int gate(void *arg) { return *(int *)arg; }

/* While the gate is shut (the process was told of a change it has not applied yet), nothing
 * is served; storing still works. */
static void test_gate(void **state)
{
    (void)state;
    ss_near *n = ss_near_create(16);
    ss_arena *a = ss_arena_create(4096);
    void *v;
    size_t len;
    ss_near_set_gate(n, gate, &gate_open);
    gate_open = 1;
    ss_near_put(n, "k", "v", 1, 10, ss_near_epoch(n));
    assert_int_equal(ss_near_get(n, a, "k", 10, 5, &v, &len), 1);
    gate_open = 0;
    assert_int_equal(ss_near_get(n, a, "k", 10, 5, &v, &len), 0);
    gate_open = 1;
    assert_int_equal(ss_near_get(n, a, "k", 10, 5, &v, &len), 1);
    ss_arena_free(a);
    ss_near_free(n);
}

typedef struct {
    ss_near *n;
    int id;
    int bad;
} worker;

static void *hammer(void *arg)
{
    worker *w = arg;
    ss_arena *a = ss_arena_create(4096);
    char k[16], val[32];
    for (int i = 0; i < 20000; i++) {
        snprintf(k, sizeof k, "k%d", i % 37);
        snprintf(val, sizeof val, "%s=%d", k, w->id);
        ss_near_put(w->n, k, val, strlen(val), 1, ss_near_epoch(w->n));
        void *v;
        size_t len;
        if (ss_near_get(w->n, a, k, 1, 10, &v, &len) && (strncmp(v, k, strlen(k)) != 0 || ((char *)v)[strlen(k)] != '='))
            w->bad++;   /* a torn or foreign value */
        if (i % 100 == 0) ss_arena_reset(a);
    }
    ss_arena_free(a);
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    ss_near *n = ss_near_create(32);
    pthread_t t[8];
    worker w[8];
    for (int i = 0; i < 8; i++) {
        w[i] = (worker){n, i, 0};
        assert_int_equal(pthread_create(&t[i], NULL, hammer, &w[i]), 0);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].bad, 0);
    }
    ss_near_free(n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_age_limit),
        cmocka_unit_test(test_copies),
        cmocka_unit_test(test_epoch),
        cmocka_unit_test(test_gate),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
