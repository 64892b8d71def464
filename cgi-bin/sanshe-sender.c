/* sanshe-sender: the background sender, one small program with one loop, started by
 * `./sanshe up` beside the FastCGI app (why a program, not threads of the app: it is
 * restartable on its own — killed, it loses nothing and sends nothing twice —; a slow or
 * hanging WeChat never holds a request thread; and with several app hosts one sender runs,
 * not one per host, though two would still be safe: every item is claimed in the database).
 *
 * Each pass (every sender_interval_ms):
 *   1. reminders: stores reminder_24h / reminder_30m notices for everyone signed up to an
 *      activity whose start falls in the due window (domain/notice.c). (person, event) is
 *      unique, so a pass repeated after a restart adds nothing, and a pass after downtime
 *      catches up on what fell due meanwhile, never on activities already under way. Every
 *      reminder_full_every_s (and first) a pass looks at every sign-up in the windows; the
 *      passes between look only at the part of each window new since the previous pass and at
 *      the sign-ups changed since then, so an idle second costs two index look-ups, not a
 *      write attempt per person signed up for the next 24 hours;
 *   2. pushes: for each pending notice, oldest first: a reminder whose activity has started
 *      or was cancelled is marked stale; otherwise the notice is claimed together with one of the person's
 *      grants for its template in one committed transaction (no grant: nothing to send), then
 *      sent through subscribeMessage.send with the stable access token, then marked with the
 *      outcome (43101, the person has no grant left at WeChat, is `refused`, not an error).
 * On start, notices left claimed by a killed sender are marked `unknown`, never re-sent: at
 * most once per person and event, and exactly once unless the kill fell between a claim's
 * commit and the request leaving for WeChat.
 *
 *   sanshe-sender <config>            runs until SIGTERM or SIGINT
 *   sanshe-sender <config> --once     one pass, then exits (operators, tests) */
#include <curl/curl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth/wxmsg.h"
#include "domain/notice.h"
#include "http/errors.h"
#include "store/notifications.h"
#include "util/arena.h"
#include "util/config.h"
#include "util/log.h"
#include "util/status.h"
#include "util/timefmt.h"

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

typedef struct sender {
    const ss_config *cfg;
    ss_wx_cfg wx;
    ss_wx_token token;
    ss_db *db;
    ss_arena *arena;
    /* reminders between full passes (enqueue_reminders) */
    int rem_known;          /* the previous pass succeeded, and a full one since the last failure */
    time_t rem_full_at;     /* the sender's clock at the last full pass */
    time_t rem_to[2];       /* each window's end at the previous pass */
    long long rem_prev_ms;  /* the previous pass's start (monotonic) */
} sender;

/* Sign-ups changed this long before the previous pass began are looked at again: a sign-up's
 * time is its statement's, and its transaction may commit a little later. Longer ones are
 * caught by the next full pass. */
#define REMINDER_MARGIN_S 5

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The sender's clock: the machine's, moved by sender_clock_offset_s in tests (so a test can
 * see what a sender does later without waiting). */
static time_t now_s(const sender *s) { return time(NULL) + s->cfg->sender_clock_offset_s; }

/* The first max UTF-8 characters of s (arena): WeChat's "thing" values hold at most 20. */
static const char *clip(ss_arena *a, const char *s, int max)
{
    size_t i = 0;
    int chars = 0;
    while (s[i] && chars < max) {
        unsigned char c = (unsigned char)s[i];
        size_t n = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
        for (size_t k = 1; k < n; k++)
            if (!s[i + k]) return ss_arena_strndup(a, s, i);
        i += n;
        chars++;
    }
    return ss_arena_strndup(a, s, i);
}

static const char *template_of(const sender *s, const char *kind)
{
    switch (ss_notice_template(kind)) {
    case SS_TPL_REMINDER: return s->cfg->wx_tpl_reminder;
    case SS_TPL_ACTIVITY: return s->cfg->wx_tpl_activity;
    case SS_TPL_DECISION: return s->cfg->wx_tpl_decision;
    default: return NULL;
    }
}

static void enqueue_reminders(sender *s, time_t now)
{
    ss_reminder_window w[2];
    ss_reminder_windows(now, s->cfg->reminder_long_s, s->cfg->reminder_short_s, w);
    long long started = mono_ms();
    int full = !s->rem_known || now < s->rem_full_at || now - s->rem_full_at >= s->cfg->reminder_full_every_s;
    long long since_ms = started - s->rem_prev_ms;
    int within = (int)(since_ms / 1000) + 1 + REMINDER_MARGIN_S;
    int ok = 1;
    for (int i = 0; i < 2; i++) {
        long long added = 0, more = 0;
        const char *prefix = i == 0 ? "活动提醒：" : "活动即将开始：";
        int rc;
        if (full) {
            rc = ss_store_reminders_enqueue(s->db, s->arena, w[i].kind, prefix, w[i].from, w[i].to, &added);
        } else {
            /* the part of the window new since the previous pass: everyone signed up there */
            time_t edge = w[i].from > s->rem_to[i] ? w[i].from : s->rem_to[i];
            rc = edge < w[i].to ? ss_store_reminders_enqueue(s->db, s->arena, w[i].kind, prefix, edge, w[i].to, &added)
                                : SS_OK;
            /* and in all of it, who signed up (or came back) since */
            if (rc == SS_OK)
                rc = ss_store_reminders_enqueue_recent(s->db, s->arena, w[i].kind, prefix, w[i].from, w[i].to,
                                                       within, &more);
            added += more;
        }
        if (rc) ok = 0;
        if (rc) SS_WARN("sender", "msg=\"reminders not stored\" kind=%s error=%s", w[i].kind, ss_strerror(rc));
        else if (added) SS_INFO("sender", "msg=\"reminders stored\" kind=%s count=%lld full=%d", w[i].kind, added, full);
    }
    s->rem_known = ok;   /* after a failure the next pass is a full one */
    if (!ok) return;
    if (full) s->rem_full_at = now;
    for (int i = 0; i < 2; i++) s->rem_to[i] = w[i].to;
    s->rem_prev_ms = started;
}

/* Sends one claimed item; returns the final state. */
static const char *send_one(sender *s, const ss_outbox_item *it, const char *tpl, long *errcode)
{
    char page[96];
    if (it->activity_id) snprintf(page, sizeof page, "pages/activity/activity?id=%lld", it->activity_id);
    else snprintf(page, sizeof page, "pages/inbox/inbox");
    json_t *data = json_pack("{s:{s:s}, s:{s:s}}", "thing1", "value", clip(s->arena, it->title, 20), "thing2", "value",
                             clip(s->arena, it->body, 20));
    char *data_json = json_dumps(data, JSON_COMPACT);
    json_decref(data);
    const char *state = "failed";
    for (int attempt = 0; attempt < 2 && data_json; attempt++) {
        int rc = ss_wx_subscribe_send(&s->wx, s->token.value, it->openid, tpl, page, data_json, errcode);
        if (rc) {
            *errcode = -1;
            break;
        }
        if (*errcode == 40001 || *errcode == 42001 || *errcode == 40014) {   /* our token went bad: once more */
            if (ss_wx_token_refresh(&s->wx, &s->token, time(NULL), 1) != SS_OK) break;
            continue;
        }
        state = *errcode == 0 ? "sent" : *errcode == 43101 ? "refused" : "failed";
        break;
    }
    free(data_json);
    return state;
}

/* Pushes one batch. Returns how many items it looked at, or -1 when the pass should stop
 * (database or WeChat unreachable). */
static int push_pending(sender *s)
{
    ss_outbox_item *items;
    int n;
    int rc = ss_store_outbox_pending(s->db, s->arena, s->cfg->sender_batch, &items, &n);
    if (rc) {
        SS_WARN("sender", "msg=\"outbox unreadable\" error=%s", ss_strerror(rc));
        return -1;
    }
    for (int i = 0; i < n && !stopping; i++) {
        const ss_outbox_item *it = &items[i];
        time_t now = now_s(s);
        if (ss_notice_stale(it->kind, now, it->starts_at, it->activity_cancelled)) {
            ss_store_outbox_done(s->db, s->arena, it->id, "stale", 0);
            continue;
        }
        const char *tpl = template_of(s, it->kind);
        if (!tpl) {
            ss_store_outbox_done(s->db, s->arena, it->id, "failed", 0);
            continue;
        }
        if (ss_wx_token_refresh(&s->wx, &s->token, time(NULL), 0) != SS_OK) return -1;   /* nothing claimed yet */
        rc = ss_store_outbox_claim(s->db, s->arena, it->id, it->user_id, it->activity_id, tpl);
        if (rc == SS_ENOTFOUND || rc == SS_ECONFLICT) continue;   /* no grant; or another sender has it */
        if (rc) return -1;
        long errcode = 0;
        const char *state = send_one(s, it, tpl, &errcode);
        rc = ss_store_outbox_done(s->db, s->arena, it->id, state, errcode);
        SS_LOG(strcmp(state, "failed") == 0 ? SS_LOG_WARN : SS_LOG_INFO, "sender",
               "msg=\"pushed\" notification=%lld kind=%s state=%s errcode=%ld", it->id, it->kind, state, errcode);
        if (rc) return -1;   /* stays `sending`: marked unknown on restart, never sent twice */
    }
    return n;
}

static void pass(sender *s)
{
    enqueue_reminders(s, now_s(s));
    int n;
    do {   /* a full batch: more may wait (an edit told 500 people), so go on without sleeping */
        n = push_pending(s);
        ss_arena_reset(s->arena);
    } while (n == s->cfg->sender_batch && !stopping);
}

int main(int argc, char **argv)
{
    ss_config cfg;
    char err[512];
    int rc = 2, once = argc == 3 && strcmp(argv[2], "--once") == 0;
    if (argc < 2 || argc > 3 || (argc == 3 && !once)) {
        fprintf(stderr, "usage: sanshe-sender <config> [--once]\n");
        return 2;
    }
    if (ss_config_load(&cfg, argv[1], err, sizeof err) != 0) {
        fprintf(stderr, "sanshe-sender: bad configuration: %s\n", err);
        ss_config_dispose(&cfg);
        return 2;
    }
    ss_log_level = ss_log_level_parse(cfg.log_level);
    if (ss_log_level < 0) ss_log_level = SS_LOG_INFO;
    ss_time_set_zone(cfg.time_zone);
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) goto out_cfg;
    ss_db_thread_init();
    ss_db_opts o = {cfg.mysql_socket, cfg.mysql_user, cfg.mysql_password, cfg.mysql_database, cfg.mysql_timeout_s,
                    cfg.mysql_hosts, cfg.mysql_host, cfg.mysql_port};
    sender s = {.cfg = &cfg,
                .wx = {cfg.wx_base_url, cfg.wx_appid, cfg.wx_secret, cfg.wx_connect_timeout_ms, cfg.wx_timeout_ms, 1},
                .db = ss_db_create(&o),
                .arena = ss_arena_create(65536)};
    long long recovered = 0;
    while (!stopping && ss_store_outbox_recover(s.db, s.arena, &recovered) != SS_OK) {
        if (once) break;
        sleep(1);   /* MariaDB not up yet */
    }
    if (recovered) SS_WARN("sender", "msg=\"claimed before a restart, not sent again\" count=%lld", recovered);
    SS_INFO("sender", "msg=\"started\" interval_ms=%d batch=%d", cfg.sender_interval_ms, cfg.sender_batch);
    while (!stopping) {
        pass(&s);
        if (once) break;
        for (int slept = 0; slept < cfg.sender_interval_ms && !stopping; slept += 50) usleep(50 * 1000);
    }
    SS_INFO("sender", "msg=\"stopped\"");
    rc = 0;
    ss_arena_free(s.arena);
    ss_db_free(s.db);
    ss_db_thread_end();
    curl_global_cleanup();
out_cfg:
    ss_config_dispose(&cfg);
    return rc;
}
