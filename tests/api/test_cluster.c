/* Fault tests of the cluster topology (`./sanshe up --cluster`, run by `./sanshe test --cluster`):
 * a Galera node killed with SIGKILL during a vote burst and during a sign-up burst, the Redis
 * master killed (Sentinel promotes a replica, the app follows without a restart), one app host
 * killed (nginx sends new requests to the other, no write is sent twice), and a Galera node
 * frozen with SIGSTOP (a partition) and resumed. Each test checks what clients saw (only 2xx,
 * the documented 4xx, or 503/502 in the error shape while a part is leaving; never a 500), that
 * every acknowledged write is stored exactly once, and that the failed part comes back, and
 * prints the failover times and error counts it measured.
 * Needs SANSHE_TEST_URL, SANSHE_TEST_STATE (a cluster's state folder) and SANSHE_ROOT; the
 * binary exits at once, passing nothing, when the state folder holds no cluster. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "apiclient.h"

#define API "/api/v1"
#define TEST(name) static void name(void **state_ __attribute__((unused)))
#define want(status, r) api_want_at((status), (r), __FILE__, __LINE__)
#define J(j) api_json_text(j)
/* each voter casts 6 of a burst's 600 votes: within the per-user limit of 10 a second however
 * fast the burst runs (with 40 voters a fast burst met that limit and got 429s) */
#define VOTERS 100
#define VOTES 600          /* in the vote burst */
#define SIGNERS 80         /* in the sign-up burst */
#define CAPACITY 30

static char repo_root[PATH_MAX];
static const char *state_dir;
static struct {
    api_user admin, leader;
    api_user voter[VOTERS];
    api_user signer[SIGNERS];
    long long community, org, contest, project;
} W;

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}


static long pid_at(const char *rel)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", state_dir, rel);
    FILE *f = fopen(path, "r");
    long pid = -1;
    if (f) {
        if (fscanf(f, "%ld", &pid) != 1) pid = -1;
        fclose(f);
    }
    return pid;
}

static int gone(long pid, long ms)
{
    for (long t = 0; t < ms; t += 20) {
        if (kill((pid_t)pid, 0) != 0) return 1;
        api_sleep_ms(20);
    }
    return 0;
}

/* `./sanshe up --cluster`: restarts whatever is down (a killed node rejoins). Returns its status. */
static int cluster_up(void)
{
    char cmd[2 * PATH_MAX + 200];
    snprintf(cmd, sizeof cmd, "cd '%s' && SANSHE_STATE='%s' ./sanshe up --cluster >>'%s/log/cluster-test-up.log' 2>&1",
             repo_root, state_dir, state_dir);
    return system(cmd);
}

/* One SQL value from Galera node n (its root over the unix socket), malloc'd, or NULL. */
static char *node_sql(int n, const char *sql)
{
    char cmd[PATH_MAX + 512];
    snprintf(cmd, sizeof cmd, "mariadb --socket='%s/galera/%d/run/mysqld.sock' -uroot -N -B -e \"%s\" 2>/dev/null",
             state_dir, n, sql);
    FILE *p = popen(cmd, "r");
    if (!p) return NULL;
    char buf[256] = "";
    if (!fgets(buf, sizeof buf, p)) buf[0] = '\0';
    pclose(p);
    buf[strcspn(buf, "\n")] = '\0';
    return strdup(buf);
}

static int node_synced(int n)
{
    char *v = node_sql(n, "SHOW STATUS LIKE 'wsrep_local_state_comment'");
    int ok = v && strstr(v, "Synced") != NULL;
    free(v);
    return ok;
}

static long long node_count(int n, const char *sql)
{
    char *v = node_sql(n, sql);
    long long x = v && *v ? strtoll(v, NULL, 10) : -1;
    free(v);
    return x;
}

static int group_setup(void **state)
{
    (void)state;
    if (api_stack_setup(repo_root, sizeof repo_root, &state_dir)) return -1;
    char marker[PATH_MAX + 16];
    snprintf(marker, sizeof marker, "%s/cluster", state_dir);
    if (access(marker, F_OK) != 0) {
        print_error("%s holds no cluster (./sanshe up --cluster)\n", state_dir);
        return -1;
    }
    api_login_user(&W.admin, "cl_admin");
    if (api_grant(repo_root, state_dir, W.admin.openid, "admin", 0)) return -1;
    api_login_user(&W.admin, "cl_admin");
    api_login_user(&W.leader, "cl_leader");
    for (int i = 0; i < VOTERS; i++) {
        char what[16];
        snprintf(what, sizeof what, "cl_v%02d", i);
        api_login_user(&W.voter[i], what);
    }
    for (int i = 0; i < SIGNERS; i++) {
        char what[16];
        snprintf(what, sizeof what, "cl_s%02d", i);
        api_login_user(&W.signer[i], what);
    }
    char name[96], t[3][40];
    time_t now = time(NULL);
    snprintf(name, sizeof name, "Cluster %s", api_run_tag());
    W.community = api_jint(want(201, api_req("POST", W.admin.token,
                                             J(json_pack("{s:s, s:s, s:s, s:s}", "name", name, "street", "S",
                                                         "district", "D", "kind", "urban")),
                                             API "/communities")),
                           "id");
    W.org = api_jint(want(201, api_req("POST", W.leader.token,
                                       J(json_pack("{s:s, s:I, s:s}", "name", name, "community_id",
                                                   (json_int_t)W.community, "kind", "association")),
                                       API "/orgs")),
                     "id");
    want(200, api_req("POST", W.admin.token, NULL, API "/orgs/%lld/approve", W.org));
    api_fmt_time(now + 3600, t[0], sizeof t[0]);
    api_fmt_time(now - 60, t[1], sizeof t[1]);
    api_fmt_time(now + 86400, t[2], sizeof t[2]);
    W.contest = api_jint(want(201, api_req("POST", W.admin.token,
                                           J(json_pack("{s:s, s:I, s:I, s:s, s:s, s:s}", "title", name,
                                                       "budget_cents", (json_int_t)100000, "votes_per_user_per_day",
                                                       (json_int_t)100, "submit_until", t[0], "vote_from", t[1],
                                                       "vote_until", t[2])),
                                           API "/contests")),
                         "id");
    W.project = api_jint(want(201, api_req("POST", W.leader.token,
                                           J(json_pack("{s:I, s:s, s:s, s:I}", "org_id", (json_int_t)W.org, "title",
                                                       name, "summary", "Meals.", "budget_cents", (json_int_t)5000)),
                                           API "/contests/%lld/projects", W.contest)),
                         "id");
    want(200, api_req("POST", W.admin.token, NULL, API "/contest-projects/%lld/approve", W.project));
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    api_keep_free();
    return cluster_up() == 0 ? 0 : -1;   /* leave the cluster whole */
}

/* ---------------------------------------------------------------- a burst in a thread */

typedef struct burst {
    api_call *calls;
    size_t n;
    api_response **rs;
    long long *done_at;   /* ms since t0 when each batch came back */
    long long t0;
} burst;

static void *burst_main(void *arg)
{
    burst *b = arg;
    b->rs = calloc(b->n, sizeof *b->rs);
    for (size_t i = 0; i < b->n; i += 16) {   /* batches of 16 in flight: a steady stream */
        size_t k = b->n - i < 16 ? b->n - i : 16;
        api_response **part = api_parallel(b->calls + i, k, (int)k);
        long long at = mono_ms() - b->t0;
        for (size_t j = 0; j < k; j++) {
            b->rs[i + j] = part[j];
            b->done_at[i + j] = at;
        }
        free(part);
    }
    return NULL;
}

/* Counts replies: 2xx, the outage's 502/503 in the error shape, and anything else (reported). */
static void tally(api_response **rs, size_t n, int *ok, int *outage, int *other, const char *what)
{
    *ok = *outage = *other = 0;
    for (size_t i = 0; i < n; i++) {
        long s = rs[i]->status;
        if (s >= 200 && s < 300) (*ok)++;
        else if ((s == 503 || s == 502) && api_is_error(rs[i], s, NULL)) (*outage)++;
        else {
            (*other)++;
            print_error("%s %zu: %ld %.200s\n", what, i, s, rs[i]->body);
        }
    }
}

/* ---------------------------------------------------------------- Galera node killed */

static void kill_node_during_votes(int node)
{
    static char keys[VOTES][64], hdr[VOTES][96 + 64];
    static const char *hdrs[VOTES][2];
    api_call *calls = calloc(VOTES, sizeof *calls);
    char path[96], body[64];
    snprintf(path, sizeof path, API "/contests/%lld/votes", W.contest);
    snprintf(body, sizeof body, "{\"project_id\":%lld}", W.project);
    for (int i = 0; i < VOTES; i++) {
        snprintf(keys[i], sizeof keys[i], "cl%d-%s-%d", node, api_run_tag(), i);
        snprintf(hdr[i], sizeof hdr[i], "Idempotency-Key: %.63s", keys[i]);
        hdrs[i][0] = hdr[i];
        hdrs[i][1] = NULL;
        calls[i] = (api_call){"POST", path, W.voter[i % VOTERS].token, body, strlen(body), hdrs[i]};
    }
    long long before_votes = -1, before_drift = -1;
    api_recount r0 = api_ctl_recount(repo_root, state_dir, W.contest);
    if (r0.found) before_votes = r0.votes, before_drift = r0.drift;
    free(r0.output);
    assert_int_equal(before_drift, 0);

    char pidrel[64];
    snprintf(pidrel, sizeof pidrel, "galera/%d/run/mariadbd.pid", node);
    long pid = pid_at(pidrel);
    assert_true(pid > 0);
    burst b = {calls, VOTES, NULL, calloc(VOTES, sizeof(long long)), mono_ms()};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, burst_main, &b), 0);
    api_sleep_ms(1000);
    long long kill_at = mono_ms() - b.t0;
    assert_int_equal(kill((pid_t)pid, SIGKILL), 0);
    assert_true(gone(pid, 5000));
    pthread_join(th, NULL);

    int ok, outage, other;
    tally(b.rs, VOTES, &ok, &outage, &other, "vote");
    long long first_err = -1, last_err = -1;
    for (int i = 0; i < VOTES; i++)
        if (b.rs[i]->status >= 500) {
            if (first_err < 0) first_err = b.done_at[i];
            last_err = b.done_at[i];
        }
    print_message("  galera node %d killed at %lld ms during %d votes: %d 201, %d outage replies (%lld..%lld ms), "
                  "%d other\n", node, kill_at, VOTES, ok, outage, first_err, last_err, other);
    assert_int_equal(other, 0);
    assert_true(ok > 0);

    /* every key: a 201 replays as such (stored once); a 503 either replays (it had committed)
     * or is stored now; afterwards each key is exactly one stored vote */
    int replayed = 0;
    for (int i = 0; i < VOTES; i++) {
        api_response *again = api_send(&calls[i]);
        if (b.rs[i]->status == 201) {
            if (again->status != 201 || !again->idempotent_replayed)
                fail_msg("vote %d was 201 but its key replays as %ld %s", i, again->status, again->body);
            replayed++;
        } else if (again->status != 201) {
            fail_msg("vote %d (%ld) retried: %ld %s", i, b.rs[i]->status, again->status, again->body);
        }
        api_free(again);
    }
    api_recount r1 = api_ctl_recount(repo_root, state_dir, W.contest);
    assert_true(r1.found);
    print_message("  recount: %lld votes before, %lld after (%d keys), drift %lld\n", before_votes, r1.votes, VOTES,
                  r1.drift);
    assert_int_equal(r1.drift, 0);
    assert_int_equal(r1.votes - before_votes, VOTES);   /* each key exactly one vote */
    free(r1.output);
    assert_int_equal(replayed, ok);

    /* the node comes back and catches up (IST from a donor's gcache: no full copy) */
    long long t = mono_ms();
    assert_int_equal(cluster_up(), 0);
    assert_true(node_synced(node));
    long long rejoin = mono_ms() - t;
    char q[160];
    snprintf(q, sizeof q, "SELECT COUNT(*) FROM sanshe.contest_votes WHERE contest_id = %lld", W.contest);
    long long a = node_count(node, q), c = node_count(node == 1 ? 2 : 1, q);
    print_message("  node %d rejoined in %lld ms; it holds %lld votes of the contest, a peer %lld\n", node, rejoin, a, c);
    assert_int_equal(a, c);
    if (node == 1) {
        /* the app hosts write through node 1 again (store/db.c tries it every 10 s outside a
         * transaction): node 2 commits none of these writes itself */
        api_sleep_ms(10500);
        const char *local = "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                            "WHERE VARIABLE_NAME = 'WSREP_LOCAL_COMMITS'";
        long long n2 = node_count(2, local);
        for (int i = 0; i < 24; i++)
            want(200, api_req("PATCH", W.admin.token, i % 2 ? "{\"stage\":\"growing\"}" : "{\"stage\":\"startup\"}",
                              API "/orgs/%lld", W.org));
        long long n2_after = node_count(2, local);
        print_message("  24 writes after node 1's return: node 2 committed %lld of its own\n", n2_after - n2);
        assert_true(n2 >= 0);
        assert_int_equal(n2_after - n2, 0);
    }
    for (int i = 0; i < VOTES; i++) api_free(b.rs[i]);
    free(b.rs);
    free(b.done_at);
    free(calls);
}

/* Node 1 is the one every app host writes through: its loss moves them to node 2. */
TEST(test_kill_writer_node_during_votes) { kill_node_during_votes(1); }

/* Node 3 only replicates: its loss must not disturb anyone. */
TEST(test_kill_other_node_during_votes) { kill_node_during_votes(3); }

TEST(test_kill_node_during_signups)
{
    char start[40], end[40], title[96];
    time_t now = time(NULL);
    api_fmt_time(now + 3600, start, sizeof start);
    api_fmt_time(now + 7200, end, sizeof end);
    snprintf(title, sizeof title, "Cluster signups %s", api_run_tag());
    long long act = api_jint(
        want(201, api_req("POST", W.leader.token,
                          J(json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:{s:s, s:f, s:f, s:I}}", "title", title,
                                      "description", "d", "category", "other", "starts_at", start, "ends_at", end,
                                      "capacity", (json_int_t)CAPACITY, "location", "name", "hall", "lat",
                                      30.65, "lng", 104.06, "radius_m", (json_int_t)200)),
                          API "/orgs/%lld/activities", W.org)),
        "id");
    want(200, api_req("POST", W.leader.token, NULL, API "/activities/%lld/publish", act));
    api_call calls[SIGNERS];
    char path[96];
    snprintf(path, sizeof path, API "/activities/%lld/signups", act);
    for (int i = 0; i < SIGNERS; i++) calls[i] = (api_call){"POST", path, W.signer[i].token, NULL, 0, NULL};
    long pid = pid_at("galera/1/run/mariadbd.pid");
    burst b = {calls, SIGNERS, NULL, calloc(SIGNERS, sizeof(long long)), mono_ms()};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, burst_main, &b), 0);
    api_sleep_ms(150);
    assert_int_equal(kill((pid_t)pid, SIGKILL), 0);
    assert_true(gone(pid, 5000));
    pthread_join(th, NULL);
    int ok, outage, other;
    tally(b.rs, SIGNERS, &ok, &outage, &other, "sign-up");
    assert_int_equal(other, 0);
    /* retry the outage's sign-ups (a sign-up is idempotent per person); then count */
    int confirmed = 0, waitlisted = 0;
    for (int i = 0; i < SIGNERS; i++) {
        api_response *r = b.rs[i];
        if (r->status >= 500) r = api_keep(api_send(&calls[i]));
        if (r->status != 200 && r->status != 201) fail_msg("sign-up %d retried: %ld %s", i, r->status, r->body);
        const char *st = api_json_str(r, "status");
        confirmed += st && !strcmp(st, "confirmed");
        waitlisted += st && !strcmp(st, "waitlisted");
    }
    api_response *a = want(200, api_req("GET", NULL, NULL, API "/activities/%lld", act));
    print_message("  galera node 1 killed in a sign-up burst: %d ok, %d outage replies; %d confirmed, %d waitlisted; "
                  "activity says %lld confirmed of %d\n",
                  ok, outage, confirmed, waitlisted, api_jint(a, "confirmed"), CAPACITY);
    assert_int_equal(confirmed, CAPACITY);
    assert_int_equal(api_jint(a, "confirmed"), CAPACITY);
    assert_int_equal(confirmed + waitlisted, SIGNERS);
    char q[160];
    snprintf(q, sizeof q, "SELECT COUNT(*) FROM sanshe.signups WHERE activity_id = %lld AND status = 'confirmed'", act);
    assert_int_equal(cluster_up(), 0);
    assert_int_equal(node_count(1, q), CAPACITY);
    assert_int_equal(node_count(3, q), CAPACITY);
    for (int i = 0; i < SIGNERS; i++) api_free(b.rs[i]);
    free(b.rs);
    free(b.done_at);
}

/* ---------------------------------------------------------------- Redis master killed */

static int redis_port_of_master(void)
{
    char cmd[PATH_MAX + 128], buf[128] = "";
    long base = strtol(strrchr(api_base_url(), ':') + 1, NULL, 10) + 1000;
    snprintf(cmd, sizeof cmd, "redis-cli -h 127.0.0.1 -p %ld SENTINEL get-master-addr-by-name sanshe 2>/dev/null | tail -1",
             base + 51);
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    if (!fgets(buf, sizeof buf, p)) buf[0] = '\0';
    pclose(p);
    return atoi(buf);
}

TEST(test_kill_redis_master)
{
    int port = redis_port_of_master();
    assert_true(port > 0);
    long long base = strtol(strrchr(api_base_url(), ':') + 1, NULL, 10) + 1000;
    int n = (int)(port - base - 40);
    char rel[64];
    snprintf(rel, sizeof rel, "redis-%d/redis.pid", n);
    long pid = pid_at(rel);
    assert_true(pid > 0);
    /* a signed-in user, and reads that need Redis (the session) every 50 ms */
    api_user u;
    api_login_user(&u, "cl_redis");
    want(200, api_req("GET", u.token, NULL, API "/me"));
    api_sleep_ms(1500);   /* the session reaches the replicas (asynchronous replication) */
    long long t0 = mono_ms();
    assert_int_equal(kill((pid_t)pid, SIGKILL), 0);
    int n200 = 0, n401 = 0, n503 = 0, other = 0;
    long long back_at = -1;
    while (mono_ms() - t0 < 30000) {
        api_response *r = api_request("GET", API "/me", u.token, NULL, NULL);
        if (r->status == 200) {
            n200++;
            if (back_at < 0 && n503 > 0) back_at = mono_ms() - t0;
        } else if (r->status == 401) {
            n401++;
        } else if (r->status == 503 && api_is_error(r, 503, "unavailable")) {
            n503++;
        } else {
            other++;
            print_error("during the Redis failover: %ld %s\n", r->status, r->body);
        }
        api_free(r);
        if (back_at >= 0 && n200 > 20) break;
        api_sleep_ms(50);
    }
    int newport = redis_port_of_master();
    print_message("  redis master :%d killed; Sentinel names :%d; app serving again after %lld ms "
                  "(%d 200, %d 503, %d 401 sign in again, %d other); no app restart\n",
                  port, newport, back_at, n200, n503, n401, other);
    assert_int_equal(other, 0);
    assert_int_not_equal(newport, port);
    assert_true(back_at > 0 || n503 == 0);
    /* after the failover a sign-in and a write work */
    api_user v;
    api_login_user(&v, "cl_after_failover");
    want(200, api_req("GET", v.token, NULL, API "/me"));
    free(u.token);
    free(v.token);
    assert_int_equal(cluster_up(), 0);   /* the old master returns, as a replica */
}

/* ---------------------------------------------------------------- an app host killed */

TEST(test_kill_app_host)
{
    long pid = pid_at("app-1/app.pid");
    assert_true(pid > 0);
    assert_int_equal(kill((pid_t)pid, SIGKILL), 0);
    assert_true(gone(pid, 3000));
    /* reads: nginx tries the other host when the first cannot be reached */
    int ok = 0, bad = 0;
    for (int i = 0; i < 100; i++) {
        api_response *r = api_request("GET", API "/activities", NULL, NULL, NULL);
        if (r->status == 200) ok++;
        else bad++;
        api_free(r);
    }
    /* writes with a key: answered by the live host, each made once */
    char key[64], hdr[96];
    snprintf(key, sizeof key, "app-%s", api_run_tag());
    snprintf(hdr, sizeof hdr, "Idempotency-Key: %s", key);
    char path[96], body[64];
    snprintf(path, sizeof path, API "/contests/%lld/votes", W.contest);
    snprintf(body, sizeof body, "{\"project_id\":%lld}", W.project);
    api_response *v1 = api_keep(api_request("POST", path, W.voter[0].token, body, hdr, NULL));
    api_response *v2 = api_keep(api_request("POST", path, W.voter[0].token, body, hdr, NULL));
    print_message("  app host 1 killed: %d of 100 reads answered 200 by host 2 (%d not); a keyed vote %ld then %ld%s\n",
                  ok, bad, v1->status, v2->status, v2->idempotent_replayed ? " (replayed)" : "");
    assert_int_equal(bad, 0);
    assert_int_equal(v1->status, 201);
    assert_int_equal(v2->status, 201);
    assert_non_null(v2->idempotent_replayed);
    assert_int_equal(cluster_up(), 0);
    assert_true(pid_at("app-1/app.pid") != pid);
}

/* ---------------------------------------------------------------- a node frozen (partition) */

TEST(test_sigstop_node)
{
    long pid = pid_at("galera/2/run/mariadbd.pid");
    assert_true(pid > 0);
    assert_int_equal(kill((pid_t)pid, SIGSTOP), 0);
    long long t0 = mono_ms();
    int ok = 0, outage = 0, other = 0;
    while (mono_ms() - t0 < 12000) {   /* the others evict it after evs.suspect_timeout (3 s) */
        api_response *r = api_request("POST", API "/activities/0/signups", W.signer[0].token, NULL, NULL);
        api_response *g = api_request("GET", API "/me", W.signer[0].token, NULL, NULL);
        if (g->status == 200) ok++;
        else if (g->status == 503) outage++;
        else other++;
        if (r->status != 404) other++;
        api_free(r);
        api_free(g);
        api_sleep_ms(100);
    }
    assert_int_equal(kill((pid_t)pid, SIGCONT), 0);
    long long resumed = mono_ms();
    int synced = 0;
    while (mono_ms() - resumed < 60000 && !(synced = node_synced(2))) api_sleep_ms(200);
    print_message("  galera node 2 frozen 12 s: %d reads ok, %d 503, %d other; Synced again %lld ms after SIGCONT\n",
                  ok, outage, other, mono_ms() - resumed);
    assert_int_equal(other, 0);
    assert_true(ok > 0);
    assert_true(synced);
}

/* After each fault test, passed or failed: the cluster whole again (what a test left down would
 * otherwise fail every test after it: a second node killed while the first is still down
 * takes the quorum with it). A SIGSTOPped node is let go first. */
static int restore(void **state)
{
    (void)state;
    long pid = pid_at("galera/2/run/mariadbd.pid");
    if (pid > 0) kill((pid_t)pid, SIGCONT);
    return cluster_up() == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_kill_writer_node_during_votes, restore),
        cmocka_unit_test_teardown(test_kill_other_node_during_votes, restore),
        cmocka_unit_test_teardown(test_kill_node_during_signups, restore),
        cmocka_unit_test_teardown(test_kill_redis_master, restore),
        cmocka_unit_test_teardown(test_kill_app_host, restore),
        cmocka_unit_test_teardown(test_sigstop_node, restore),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
