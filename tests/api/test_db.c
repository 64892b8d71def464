/* The store's MariaDB layer (src/store/db.c, built here with every column buffer capped at
 * 8 bytes) against the test stack's MariaDB (SANSHE_TEST_STATE: its socket and secrets): a
 * value longer than its buffer (MYSQL_DATA_TRUNCATED) is an error, never a silently cut
 * value; values that fit read back whole. MariaDB and Redis on another host: the store and
 * the cache connect over TCP when given a host (Redis: a throw-away redis-server on a free
 * loopback port; MariaDB: a closed port, where the TCP error, not the socket's, is logged). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cache/cache.h"
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
    ss_db_opts o = {.unix_socket = sock, .user = "sanshe", .password = password, .database = "sanshe", .timeout_s = 3};
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

/* A loopback TCP port nobody listens on right now. */
static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || getsockname(fd, (struct sockaddr *)&a, &len) != 0)
        return -1;
    close(fd);
    return ntohs(a.sin_port);
}

static void test_redis_over_tcp(void **state)
{
    (void)state;
    int port = free_port();
    assert_true(port > 0);
    char portstr[16];
    snprintf(portstr, sizeof portstr, "%d", port);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        execlp("redis-server", "redis-server", "--port", portstr, "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no", "--logfile", "/dev/null", (char *)NULL);
        _exit(127);
    }
    ss_cache_opts o = {.unix_socket = "/nonexistent/redis.sock", .timeout_ms = 1000, .host = "127.0.0.1", .port = port};
    ss_cache *c = ss_cache_create(&o);
    int rc = SS_EUNAVAIL;
    time_t now = time(NULL);
    for (int i = 0; i < 100 && rc == SS_EUNAVAIL; i++) {   /* until the server listens */
        rc = ss_rate_allow(c, "tcp-test", "x", 1, 60, now);
        if (rc == SS_EUNAVAIL) usleep(50000);
    }
    int second = ss_rate_allow(c, "tcp-test", "x", 1, 60, now);
    /* several limits in one round trip: counted in order, none after the first beyond its limit */
    const ss_rate_check both[] = {{"all-user", "u", 1}, {"all-addr", "a", 5}};
    int both1 = ss_rate_allow_all(c, both, 2, 60, now);
    int both2 = ss_rate_allow_all(c, both, 2, 60, now);       /* the user's limit: the address not counted */
    int addr_next = ss_rate_allow(c, "all-addr", "a", 2, 60, now);   /* its second count: within 2 */
    const ss_rate_check later[] = {{"all-user", "v", 5}, {"all-addr", "b", 0}};
    int later_over = ss_rate_allow_all(c, later, 2, 60, now);   /* the second check refuses */
    int bad = ss_rate_allow_all(c, later, 0, 60, now);
    /* a batch of events in one round trip: each as if alone, in order */
    const ss_rate_check ev[] = {{"ev-user", "u", 1}, {"ev-addr", "a", 2},    /* event 0: passes */
                                {"ev-user", "u", 1}, {"ev-addr", "a", 2},    /* event 1: the user's second */
                                {"ev-user", "w", 1}, {"ev-addr", "a", 2},    /* event 2: the address's second */
                                {"ev-user", "x", 1}, {"ev-addr", "a", 2}};   /* event 3: the address's third */
    const int ev_of[] = {0, 0, 1, 1, 2, 2, 3, 3}, gap[] = {0, 0, 2, 2, 3, 3, 4, 4};
    int lim[4] = {-1, -1, -1, -1}, lim_bad[5] = {0};
    int events = ss_rate_allow_events(c, ev, ev_of, 8, 4, 60, now, lim);
    int ev_w_next = ss_rate_allow(c, "ev-user", "w", 1, 60, now);   /* w was counted in event 2 */
    int ev_x_next = ss_rate_allow(c, "ev-user", "x", 5, 60, now);   /* x counted too: its second */
    int events_bad = ss_rate_allow_events(c, ev, gap, 8, 5, 60, now, lim_bad);
    ss_cache_free(c);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    assert_int_equal(rc, SS_OK);          /* the first in the window passes */
    assert_int_equal(second, SS_ELIMIT);  /* the second is over the limit of 1: the count is in that Redis */
    assert_int_equal(both1, SS_OK);
    assert_int_equal(both2, SS_ELIMIT);
    assert_int_equal(addr_next, SS_OK);
    assert_int_equal(later_over, SS_ELIMIT);
    assert_int_equal(bad, SS_EINVALID);
    assert_int_equal(events, SS_OK);
    assert_int_equal(lim[0], 0);
    assert_int_equal(lim[1], 1);   /* the user's limit: its address not counted */
    assert_int_equal(lim[2], 0);
    assert_int_equal(lim[3], 1);   /* the address's third within 2 */
    assert_int_equal(ev_w_next, SS_ELIMIT);
    assert_int_equal(ev_x_next, SS_OK);
    assert_int_equal(events_bad, SS_EINVALID);   /* event 1 has no check */
}

static void test_mariadb_over_tcp_is_tried(void **state)
{
    (void)state;
    int port = free_port();
    ss_db_opts o = {.unix_socket = sock, .user = "sanshe", .password = password, .database = "sanshe", .timeout_s = 2,
                    .host = "127.0.0.1", .port = port};
    ss_db *tcp = ss_db_create(&o);
    char tmpl[] = "/tmp/test_db.XXXXXX";
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    fflush(stderr);
    int saved = dup(2);
    dup2(fd, 2);
    static ss_sql q = SS_SQL("SELECT 1");
    ss_db_result r;
    int rc = ss_db_exec(tcp, &q, NULL, 0, &r, arena);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char log[2048] = "";
    ssize_t n = pread(fd, log, sizeof log - 1, 0);
    log[n > 0 ? n : 0] = '\0';
    close(fd);
    unlink(tmpl);
    ss_db_free(tcp);
    assert_int_equal(rc, SS_EUNAVAIL);
    /* TCP: "Can't connect to server on '127.0.0.1'"; the socket's: "... local server through socket" */
    if (!strstr(log, "server on '127.0.0.1'") || strstr(log, "through socket"))
        fail_msg("expected a TCP connect error in: %s", log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_value_that_fits),
        cmocka_unit_test(test_truncated_value_is_an_error),
        cmocka_unit_test(test_redis_over_tcp),
        cmocka_unit_test(test_mariadb_over_tcp_is_tried),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
