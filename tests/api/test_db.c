/* The store's MariaDB layer (src/store/db.c, built here with every column buffer capped at
 * 8 bytes) against the test stack's MariaDB (SANSHE_TEST_STATE: its socket and secrets): a
 * value longer than its buffer (MYSQL_DATA_TRUNCATED) is an error, never a silently cut
 * value; values that fit read back whole. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db.h"
#include "util/arena.h"
#include "util/status.h"

static char sock[PATH_MAX], password[128];
static ss_db *db;
static ss_arena *arena;

static int setup(void **state)
{
    (void)state;
    const char *st = getenv("SANSHE_TEST_STATE");
    if (!st || !*st) {
        print_error("SANSHE_TEST_STATE is not set\n");
        return -1;
    }
    snprintf(sock, sizeof sock, "%s/mysql/run/mysqld.sock", st);
    char path[PATH_MAX], line[256];
    snprintf(path, sizeof path, "%s/secrets.conf", st);
    FILE *f = fopen(path, "r");
    if (!f) {
        print_error("cannot read %s\n", path);
        return -1;
    }
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "mysql_password = %127s", password) == 1) break;
    fclose(f);
    ss_db_opts o = {sock, "sanshe", password, "sanshe", 3};
    db = ss_db_create(&o);
    arena = ss_arena_create(4096);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ss_db_free(db);
    ss_arena_free(arena);
    return 0;
}

static void test_value_that_fits(void **state)
{
    (void)state;
    static ss_sql q = SS_SQL("SELECT 'short', NULL");
    ss_db_result r;
    assert_int_equal(ss_db_exec(db, &q, NULL, 0, &r, arena), SS_OK);
    assert_int_equal(r.nrows, 1);
    assert_string_equal(r.rows[0][0], "short");
    assert_null(r.rows[0][1]);
}

static void test_truncated_value_is_an_error(void **state)
{
    (void)state;
    static ss_sql q = SS_SQL("SELECT REPEAT('x', 100)");
    ss_db_result r;
    int rc = ss_db_exec(db, &q, NULL, 0, &r, arena);
    if (rc == SS_OK) fail_msg("a 100-character value read into 8 bytes came back as \"%s\"", r.rows[0][0]);
    assert_int_equal(rc, SS_EINTERNAL);
    /* the connection is still usable afterwards */
    test_value_that_fits(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_value_that_fits),
        cmocka_unit_test(test_truncated_value_is_an_error),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
