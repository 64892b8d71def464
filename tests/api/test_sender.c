/* API tests for the notification sender (cgi-bin/sanshe-sender) against a live stack
 * (SANSHE_TEST_URL) and its fake WeChat server (wx_base_url of the stack's config): reminders
 * reach each person exactly once even when the sender is killed (SIGKILL) in the middle of a
 * batch and started again; after downtime the sender catches up, without stale reminders for
 * activities that started meanwhile; a person without a grant gets the in-app notice only; a
 * person whose grant WeChat refuses (43101) is recorded, not retried.
 *
 * The test stops the stack's own sender (`sanshe sender stop`), runs its own (the binary of the
 * build, the stack's config, SANSHE_<OPTION> variables for a short interval or a clock moved
 * ahead), and starts the stack's sender again at the end. Timing never depends on machine speed:
 * the kill waits for what the fake has received, the fake holds each reply (send_delay_ms) so
 * the sender is caught inside a send, and later states come from the sender's clock option. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "apiclient.h"

#define API "/api/v1"
#define HOUR 3600
#define DAY 86400
#define BATCH 6
#define TPL_REMINDER "tpl_activity_reminder"
#define TEST(name) static void name(void **state_ __attribute__((unused)))

typedef api_user user;

#define login(u, what) api_login_user((u), (what))
#define req(...) api_req(__VA_ARGS__)
#define J(j) api_json_text(j)
#define want(status, r) api_want_at((status), (r), __FILE__, __LINE__)
#define jint(r, path) api_jint((r), (path))
#define jarr(r, path) api_jarr((r), (path))
#define mint(obj, key) api_mint((obj), (key))
#define mstr(obj, key) api_mstr((obj), (key))

static const char *run_tag;
static char repo_root[PATH_MAX], sender_bin[PATH_MAX + 64], config_path[PATH_MAX + 64];
static const char *state_dir;
static struct {
    user admin, leader;
    long long org;
} W;

/* ================================================================ the fake WeChat server */

/* method path on the fake (body NULL: none); returns the parsed reply (decref it) or NULL. */
static json_t *fake(const char *method, const char *path, const char *body)
{
    return api_fake(state_dir, method, path, body);
}

/* The messages the fake received for openid: a new reference (array). */
static json_t *received(const char *openid)
{
    char path[160];
    snprintf(path, sizeof path, "/__fake/messages?touser=%s", openid);
    json_t *r = fake("GET", path, NULL);
    assert_non_null(r);
    json_t *items = json_incref(json_object_get(r, "items"));
    json_decref(r);
    assert_true(json_is_array(items));
    return items;
}

static size_t count_received(const char *openid)
{
    json_t *m = received(openid);
    size_t n = json_array_size(m);
    json_decref(m);
    return n;
}

static void fake_delay(int ms)
{
    char body[48];
    snprintf(body, sizeof body, "{\"send_delay_ms\":%d}", ms);
    json_t *r = fake("POST", "/__fake/config", body);
    assert_non_null(r);
    assert_int_equal(json_integer_value(json_object_get(r, "send_delay_ms")), ms);
    json_decref(r);
}

/* ================================================================ running the sender */

/* Starts the sender with the stack's config and extra "NAME=value" variables (NULL-ended);
 * once: a single pass (the call waits for it and returns 0). Returns the child's pid. */
static pid_t sender_start(int once, ...)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        va_list ap;
        va_start(ap, once);
        for (const char *kv; (kv = va_arg(ap, const char *)) != NULL;) putenv((char *)kv);
        va_end(ap);
        freopen("/dev/null", "w", stdout);
        if (once) execl(sender_bin, sender_bin, config_path, "--once", (char *)NULL);
        else execl(sender_bin, sender_bin, config_path, (char *)NULL);
        _exit(127);
    }
    if (!once) return pid;
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    return 0;
}

static void sender_stop(pid_t pid, int sig)
{
    kill(pid, sig);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
}

static int stack_sender(const char *what)
{
    char cmd[PATH_MAX * 2];
    snprintf(cmd, sizeof cmd, "SANSHE_STATE='%s' '%s/sanshe' sender %s >/dev/null", state_dir, repo_root, what);
    return system(cmd);
}

/* ================================================================ the world */

static long long activity_new(time_t starts, time_t ends)
{
    char title[96], s[40], e[40];
    snprintf(title, sizeof title, "Remind %s", run_tag);
    api_fmt_time(starts, s, sizeof s);
    api_fmt_time(ends, e, sizeof e);
    json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:{s:s, s:f, s:f, s:i}}", "title", title, "description",
                             "Reminders.", "category", "culture", "starts_at", s, "ends_at", e, "capacity", 100,
                             "location", "name", "Hall", "lat", 31.23, "lng", 121.47, "radius_m", 200);
    long long id = jint(want(201, req("POST", W.leader.token, J(body), API "/orgs/%lld/activities", W.org)), "id");
    want(200, req("POST", W.leader.token, NULL, API "/activities/%lld/publish", id));
    return id;
}

/* u signs up for act and, when grant, allows one reminder for it. */
static void sign_up(const user *u, long long act, int grant)
{
    want(201, req("POST", u->token, NULL, API "/activities/%lld/signups", act));
    if (grant)
        want(201, req("POST", u->token,
                       J(json_pack("{s:s, s:I}", "template_id", TPL_REMINDER, "activity_id", (json_int_t)act)),
                       API "/me/subscriptions"));
}

/* How many reminders of kind about act u has in the inbox. */
static int inbox_count(const user *u, const char *kind, long long act)
{
    api_response *r = want(200, req("GET", u->token, NULL, API "/me/notifications?limit=100"));
    json_t *it;
    size_t i;
    int n = 0;
    json_array_foreach(jarr(r, "items"), i, it) n += strcmp(mstr(it, "kind"), kind) == 0 && mint(it, "activity_id") == act;
    return n;
}

/* The fake's messages for openid whose page names act. */
static int messages_for(const char *openid, long long act)
{
    char needle[64];
    snprintf(needle, sizeof needle, "?id=%lld", act);
    json_t *m = received(openid), *it;
    size_t i;
    int n = 0;
    json_array_foreach(m, i, it) {
        const char *page = mstr(it, "page");
        size_t pl = page ? strlen(page) : 0, nl = strlen(needle);
        n += pl >= nl && strcmp(page + pl - nl, needle) == 0;
    }
    json_decref(m);
    return n;
}

static int group_setup(void **state)
{
    (void)state;
    run_tag = api_run_tag();
    if (api_stack_setup(repo_root, sizeof repo_root, &state_dir) != 0) return -1;
    const char *build = getenv("SANSHE_BUILD");
    snprintf(sender_bin, sizeof sender_bin, "%s/cgi-bin/sanshe-sender", build ? build : repo_root);
    if (!build) snprintf(sender_bin, sizeof sender_bin, "%s/build/cgi-bin/sanshe-sender", repo_root);
    snprintf(config_path, sizeof config_path, "%s/sanshe.conf", state_dir);
    if (access(sender_bin, X_OK) != 0 || !api_fake_url(state_dir)) {
        fprintf(stderr, "test_sender: no %s or no wx_base_url in %s\n", sender_bin, config_path);
        return -1;
    }
    if (stack_sender("stop") != 0) return -1;   /* this test runs its own */
    login(&W.admin, "sdadmin");
    login(&W.leader, "sdleader");
    assert_int_equal(api_grant(repo_root, state_dir, W.admin.openid, "admin", 0), 0);
    char name[96];
    snprintf(name, sizeof name, "Sender %s", run_tag);
    long long community = jint(want(201, req("POST", W.admin.token,
                                              J(json_pack("{s:s, s:s, s:s, s:s}", "name", name, "street", "Anfu Rd",
                                                        "district", "Xuhui", "kind", "urban")),
                                              API "/communities")),
                               "id");
    W.org = jint(want(201, req("POST", W.leader.token,
                                J(json_pack("{s:s, s:I, s:s}", "name", name, "community_id", (json_int_t)community,
                                          "kind", "association")),
                                API "/orgs")),
                 "id");
    want(200, req("POST", W.admin.token, NULL, API "/orgs/%lld/approve", W.org));
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    json_decref(fake("POST", "/__fake/config", "{\"send_delay_ms\":0}"));
    int rc = stack_sender("start");
    free(W.admin.token);
    free(W.leader.token);
    api_keep_free();
    return rc == 0 ? 0 : -1;
}

/* ================================================================ the tests */

/* Killed inside a send, restarted: every person received their reminder exactly once. */
TEST(test_killed_mid_batch_sends_once)
{
    time_t now = time(NULL);
    long long act = activity_new(now + 3 * HOUR, now + 5 * HOUR);   /* the 24 h reminder is due */
    user people[BATCH], nogrant_user, refused;
    for (int i = 0; i < BATCH; i++) {
        char what[32];
        snprintf(what, sizeof what, "sdkill%d", i);
        login(&people[i], what);
        sign_up(&people[i], act, 1);
    }
    login(&nogrant_user, "sdnogrant");   /* granted nothing: in-app only */
    sign_up(&nogrant_user, act, 0);
    login(&refused, "nogrant_sd");       /* the fake answers 43101 for openids starting "nogrant" */
    sign_up(&refused, act, 1);

    fake_delay(400);   /* each send is held after it is recorded: the kill lands inside one */
    pid_t pid = sender_start(0, "SANSHE_SENDER_INTERVAL_MS=100", NULL);
    size_t got = 0;
    for (int tries = 0; tries < 600 && got < 2; tries++) {   /* up to 60 s for the first two */
        usleep(100 * 1000);
        got = 0;
        for (int i = 0; i < BATCH; i++) got += count_received(people[i].openid);
    }
    assert_true(got >= 2);
    sender_stop(pid, SIGKILL);
    size_t at_kill = 0;
    for (int i = 0; i < BATCH; i++) at_kill += count_received(people[i].openid);
    assert_true(at_kill < BATCH);   /* it really died in the middle */

    fake_delay(0);
    pid = sender_start(0, "SANSHE_SENDER_INTERVAL_MS=100", NULL);
    int all = 0;
    for (int tries = 0; tries < 600 && !all; tries++) {
        usleep(100 * 1000);
        all = 1;
        for (int i = 0; i < BATCH; i++) all &= count_received(people[i].openid) >= 1;
        all &= count_received(refused.openid) >= 1;
    }
    sender_start(1, NULL);   /* one more full pass after everything arrived: it must add nothing */
    sender_stop(pid, SIGTERM);
    for (int i = 0; i < BATCH; i++) {
        assert_int_equal(count_received(people[i].openid), 1);
        assert_int_equal(messages_for(people[i].openid, act), 1);
        assert_int_equal(inbox_count(&people[i], "reminder_24h", act), 1);
        json_t *m = received(people[i].openid);
        assert_string_equal(mstr(json_array_get(m, 0), "template_id"), TPL_REMINDER);
        json_decref(m);
    }
    assert_int_equal(count_received(refused.openid), 1);        /* reached WeChat once, refused, not retried */
    assert_int_equal(count_received(nogrant_user.openid), 0);   /* no grant: nothing pushed */
    assert_int_equal(inbox_count(&nogrant_user, "reminder_24h", act), 1);
    for (int i = 0; i < BATCH; i++) free(people[i].token);
    free(nogrant_user.token);
    free(refused.token);
}

/* The sender was down while reminders fell due: it catches up, and a reminder for an activity
 * that started (or was cancelled) meanwhile is not sent. */
TEST(test_catch_up_without_stale_reminders)
{
    time_t now = time(NULL);
    long long a = activity_new(now + 2 * HOUR, now + 3 * HOUR);   /* 24 h reminder due */
    long long b = activity_new(now + 10 * 60, now + HOUR);        /* 30 min reminder due; starts in 10 min */
    long long c = activity_new(now - HOUR, now + 2 * HOUR);       /* already under way: none */
    long long d = activity_new(now + 20 * 60, now + HOUR);        /* 30 min reminder due; starts in 20 min */
    long long e = activity_new(now + 3 * HOUR, now + 4 * HOUR);   /* 24 h reminder due; cancelled before the push */
    user u;
    login(&u, "sdcatch");
    sign_up(&u, a, 1);
    sign_up(&u, b, 1);
    sign_up(&u, c, 1);
    sign_up(&u, d, 1);
    sign_up(&u, e, 1);

    /* a pass while WeChat is unreachable: the reminders are stored, nothing is claimed or sent */
    sender_start(1, "SANSHE_WX_BASE_URL=http://127.0.0.1:9", "SANSHE_WX_CONNECT_TIMEOUT_MS=200", NULL);
    assert_int_equal(inbox_count(&u, "reminder_24h", a), 1);
    assert_int_equal(inbox_count(&u, "reminder_30m", b), 1);
    assert_int_equal(inbox_count(&u, "reminder_30m", d), 1);
    assert_int_equal(inbox_count(&u, "reminder_24h", b), 0);    /* within 30 min: only the late one */
    assert_int_equal(inbox_count(&u, "reminder_30m", c), 0);    /* started: nothing */
    assert_int_equal(inbox_count(&u, "reminder_24h", c), 0);
    assert_int_equal(inbox_count(&u, "reminder_24h", e), 1);
    assert_int_equal(count_received(u.openid), 0);
    want(200, req("POST", W.leader.token, NULL, API "/activities/%lld/cancel", e));

    /* back 15 minutes later (the sender's clock): b has started, so its reminder is stale */
    sender_start(1, "SANSHE_SENDER_CLOCK_OFFSET_S=900", NULL);
    assert_int_equal(messages_for(u.openid, a), 1);
    assert_int_equal(messages_for(u.openid, d), 1);
    assert_int_equal(messages_for(u.openid, b), 0);
    assert_int_equal(messages_for(u.openid, c), 0);
    assert_int_equal(messages_for(u.openid, e), 0);   /* cancelled: its reminder is stale (no grant for the news) */
    assert_int_equal(count_received(u.openid), 2);

    /* and again, later still: nothing more (the 30 min reminder of a is not due yet, the rest is done) */
    sender_start(1, "SANSHE_SENDER_CLOCK_OFFSET_S=1200", NULL);
    assert_int_equal(count_received(u.openid), 2);
    /* when a's start is 20 minutes away, its late reminder goes out, once */
    sender_start(1, "SANSHE_SENDER_CLOCK_OFFSET_S=6000", NULL);   /* 100 min ahead: a starts in 20 min */
    assert_int_equal(inbox_count(&u, "reminder_30m", a), 1);
    assert_int_equal(messages_for(u.openid, a), 1);   /* one grant for a: the second reminder stays in-app */
    free(u.token);
}

/* u's reminders of kind about act, waited for up to max_ms while a sender runs. */
static int inbox_count_within(const user *u, const char *kind, long long act, long max_ms)
{
    int n = 0;
    for (long waited = 0; (n = inbox_count(u, kind, act)) == 0 && waited < max_ms; waited += 100) api_sleep_ms(100);
    return n;
}

/* Between full passes a running sender looks only at what changed, and still misses nothing:
 * a sign-up inside the window (the recent changes) and an activity the window's end reaches
 * after its sign-up (the window's new part) are reminded before any second full pass could
 * have run (every 20 s here); an activity moved into the window after its sign-ups is left to
 * the next full pass. Each reminder is stored once. */
TEST(test_reminders_between_full_passes)
{
    enum { FULL_EVERY = 20 };
    time_t started = time(NULL);
    pid_t pid = sender_start(0, "SANSHE_SENDER_INTERVAL_MS=100", "SANSHE_REMINDER_FULL_EVERY_S=20",
                             "SANSHE_WX_BASE_URL=http://127.0.0.1:9", "SANSHE_WX_CONNECT_TIMEOUT_MS=200", NULL);
    api_sleep_ms(300);   /* its first, full, pass is over */
    user u;
    login(&u, "sdincr");
    time_t now = time(NULL);
    long long inside = activity_new(now + 2 * HOUR, now + 3 * HOUR);
    long long beyond = activity_new(now + DAY + 9, now + DAY + HOUR);   /* the window's end: in 9 s */
    long long moved = activity_new(now + 3 * DAY, now + 3 * DAY + HOUR);
    sign_up(&u, inside, 0);
    sign_up(&u, beyond, 0);
    sign_up(&u, moved, 0);
    assert_int_equal(inbox_count_within(&u, "reminder_24h", inside, 5000), 1);
    assert_true(time(NULL) < started + FULL_EVERY - 2);
    assert_int_equal(inbox_count(&u, "reminder_24h", beyond), 0);   /* not due yet */
    assert_int_equal(inbox_count_within(&u, "reminder_24h", beyond, 12000), 1);
    assert_true(time(NULL) < started + FULL_EVERY - 2);
    /* moved into the window once its sign-up is older than the recent look-back */
    char s[40], e[40];
    api_fmt_time(now + 5 * HOUR, s, sizeof s);
    api_fmt_time(now + 6 * HOUR, e, sizeof e);
    want(200, req("PATCH", W.leader.token, J(json_pack("{s:s, s:s}", "starts_at", s, "ends_at", e)),
                  API "/activities/%lld", moved));
    assert_int_equal(inbox_count_within(&u, "reminder_24h", moved, (FULL_EVERY + 5) * 1000L), 1);
    api_sleep_ms(500);
    sender_stop(pid, SIGTERM);
    assert_int_equal(inbox_count(&u, "reminder_24h", inside), 1);
    assert_int_equal(inbox_count(&u, "reminder_24h", beyond), 1);
    assert_int_equal(inbox_count(&u, "reminder_24h", moved), 1);
    free(u.token);
}

/* Notices a handler stored (a cancellation) are pushed with the activity template. */
TEST(test_pushes_handler_notices)
{
    time_t now = time(NULL);
    long long act = activity_new(now + 2 * DAY, now + 2 * DAY + HOUR);
    user u;
    login(&u, "sdcancel");
    want(201, req("POST", u.token, NULL, API "/activities/%lld/signups", act));
    want(201, req("POST", u.token, J(json_pack("{s:s, s:I}", "template_id", "tpl_activity_update", "activity_id",
                                             (json_int_t)act)),
                   API "/me/subscriptions"));
    want(200, req("POST", W.leader.token, NULL, API "/activities/%lld/cancel", act));
    sender_start(1, NULL);
    json_t *m = received(u.openid);
    assert_int_equal(json_array_size(m), 1);
    assert_string_equal(mstr(json_array_get(m, 0), "template_id"), "tpl_activity_update");
    json_decref(m);
    sender_start(1, NULL);
    assert_int_equal(count_received(u.openid), 1);
    free(u.token);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_killed_mid_batch_sends_once),
        cmocka_unit_test(test_catch_up_without_stale_reminders),
        cmocka_unit_test(test_reminders_between_full_passes),
        cmocka_unit_test(test_pushes_handler_notices),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
