/* sanshe-api: the FastCGI entry point. Loads the config, opens the unix socket, starts N
 * worker threads (each with its own MariaDB and Redis connection and arena) and stops
 * gracefully on SIGTERM/SIGINT: no new requests are accepted, in-flight ones finish, and
 * the process exits within 5 s. libfcgi does not do this by itself: a worker blocked in
 * FCGX_Accept_r is woken by shutting the listening socket down, after
 * FCGX_ShutdownPending() tells libfcgi not to retry the accept.
 *
 * Usage: sanshe-api [config-file]   (default: $SANSHE_CONFIG, else built-in defaults) */
#include <curl/curl.h>
#include <errno.h>
#include <fcgiapp.h>
#include <grp.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "handlers/handlers.h"
#include "http/request.h"
#include "http/server.h"
#include "util/arena.h"
#include "util/config.h"
#include "util/log.h"
#include "util/metrics.h"
#include "util/timefmt.h"

#define STOP_DEADLINE_S 4   /* leaves a margin under the 5 s promise */

static int listen_fd = -1;
static volatile int stopping;

typedef struct {
    pthread_t tid;
    ss_worker w;
    int done;
} worker_slot;

static pthread_mutex_t done_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cv = PTHREAD_COND_INITIALIZER;

/* Reads what is left of the request's input (at least the empty record that ends it; a body
 * the handler did not want) and returns 1 when all of it was read. libfcgi's close shuts our
 * side of the connection and waits in poll() for nginx to close its side first, lest unread
 * input make the kernel reset the connection under a reply in flight (a wait and two context
 * switches per request); with nothing left unread, the worker closes at once (FCGX_Detach
 * before FCGX_Finish_r: libfcgi then skips the wait). */
static int input_read(FCGX_Request *fr)
{
    char buf[4096];
    while (FCGX_GetStr(buf, sizeof buf, fr->in) > 0) {}
    return FCGX_GetError(fr->in) == 0 && FCGX_HasSeenEOF(fr->in) == EOF;
}

static void *worker_main(void *arg)
{
    worker_slot *slot = arg;
    ss_worker *w = &slot->w;
    const ss_config *cfg = w->app->cfg;
    FCGX_Request fr;

    ss_db_thread_init();
    ss_db_opts dbo = {cfg->mysql_socket, cfg->mysql_user, cfg->mysql_password, cfg->mysql_database,
                      cfg->mysql_timeout_s, cfg->mysql_hosts, cfg->mysql_host, cfg->mysql_port};
    ss_cache_opts co = {cfg->redis_socket, cfg->redis_timeout_ms, cfg->redis_sentinels, cfg->redis_master_name,
                        cfg->redis_password, cfg->redis_host, cfg->redis_port, w->app->tracker};
    w->db = ss_db_create(&dbo);
    w->cache = ss_cache_create(&co);
    w->arena = ss_arena_create(16384);
    FCGX_InitRequest(&fr, listen_fd, 0);

    while (!stopping) {
        if (FCGX_Accept_r(&fr) < 0) break;
        ss_http_serve(w, &fr);
        if (input_read(&fr)) FCGX_Detach(&fr);
        FCGX_Finish_r(&fr);
    }
    FCGX_Free(&fr, 1);
    ss_arena_free(w->arena);
    ss_cache_free(w->cache);
    ss_db_free(w->db);
    ss_wx_thread_cleanup();
    ss_db_thread_end();

    pthread_mutex_lock(&done_mu);
    slot->done = 1;
    pthread_cond_broadcast(&done_cv);
    pthread_mutex_unlock(&done_mu);
    return NULL;
}

static int open_socket(const ss_config *cfg)
{
    unlink(cfg->socket_path);
    mode_t old = umask(0117);   /* 0660: owner and nginx's group only */
    int fd = FCGX_OpenSocket(cfg->socket_path, 1024);
    umask(old);
    if (fd < 0) {
        SS_ERROR("main", "msg=\"cannot open socket\" path=\"%s\" errno=%d", cfg->socket_path, errno);
        return -1;
    }
    if (cfg->socket_group[0]) {
        struct group *g = getgrnam(cfg->socket_group);
        if (!g || chown(cfg->socket_path, (uid_t)-1, g->gr_gid) != 0) {
            SS_ERROR("main", "msg=\"chown socket failed\" group=%s errno=%d", cfg->socket_group, errno);
            close(fd);
            return -1;
        }
    }
    return fd;
}

int main(int argc, char **argv)
{
    ss_config cfg;
    char err[512];
    const char *path = argc > 1 ? argv[1] : getenv("SANSHE_CONFIG");
    int rc = 1, nstarted = 0;
    worker_slot *slots = NULL;
    ss_router *router = NULL;
    const char **names = NULL;
    unsigned char *jwt_key = NULL;
    ss_tracker *tracker = NULL;
    ss_near *near = NULL;
    ss_jwt_memo *jwt_memo = NULL;

    /* A few heaps shared by the workers instead of glibc's one per thread (up to 8 per core):
     * each heap keeps what its biggest replies (a district's 200 KB dashboard) left free, so
     * 32 heaps held 77 MiB after the dashboard scenario, 4 hold 48 MiB with no loss of
     * throughput (bench/REPORT.md). */
    mallopt(M_ARENA_MAX, 4);
    /* No fastbins: libfcgi allocates each request's 8 KB stream buffers, and a request that
     * size finding small chunks in fastbins first consolidates the heap (malloc_consolidate
     * was 3 % of the app's time in the read scenario); the per-thread tcache still serves
     * small chunks without a lock (bench/REPORT.md). */
    mallopt(M_MXFAST, 0);
    if (ss_config_load(&cfg, path, err, sizeof err) != 0) {
        fprintf(stderr, "level=error mod=main msg=\"bad configuration\" detail=\"%s\"\n", err);
        ss_config_dispose(&cfg);
        return 2;
    }
    ss_log_level = ss_log_level_parse(cfg.log_level);
    if (ss_time_set_zone(cfg.time_zone) != 0) {
        SS_ERROR("main", "msg=\"unknown time zone\" zone=\"%s\"", cfg.time_zone);
        goto out;
    }

    /* Signals: every thread inherits this mask; only the main thread takes them. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 || FCGX_Init() != 0) goto out;

    router = ss_router_create();
    if (ss_routes_register(router) != 0) goto out;
    names = ss_xcalloc((size_t)ss_router_count(router) + 1, sizeof *names);
    for (int i = 0; i < ss_router_count(router); i++) {
        const ss_route *r = ss_router_route(router, i);
        char buf[256];
        snprintf(buf, sizeof buf, "%s %s", r->method, r->pattern);
        names[i] = ss_xstrdup(buf);
    }
    ss_metrics_init(ss_router_count(router), names);

    ss_app app = {.cfg = &cfg, .router = router};
    jwt_key = (unsigned char *)ss_xstrdup(cfg.jwt_key);
    jwt_memo = ss_jwt_memo_create();   /* NULL: each token is verified in full */
    app.jwt = (ss_jwt_keys){jwt_key, strlen(cfg.jwt_key), cfg.jwt_issuer, cfg.jwt_audience, jwt_memo};
    app.wx = (ss_wx_cfg){cfg.wx_base_url, cfg.wx_appid, cfg.wx_secret, cfg.wx_connect_timeout_ms, cfg.wx_timeout_ms,
                        cfg.wx_max_inflight};

    if (ss_field_keys_load(&app.fields, &cfg, err, sizeof err) != 0 ||
        ss_hex_decode(cfg.checkin_key, app.checkin_key, sizeof app.checkin_key) != 0) {
        SS_ERROR("main", "msg=\"bad keys\" detail=\"%s\"", err);
        goto out;
    }

    if ((listen_fd = open_socket(&cfg)) < 0) goto out;
    if (cfg.near_cache) {   /* off: every request asks Redis and MariaDB (a switch for operators, and the bench's "before") */
        ss_cache_opts tco = {cfg.redis_socket, cfg.redis_timeout_ms, cfg.redis_sentinels, cfg.redis_master_name,
                             cfg.redis_password, cfg.redis_host, cfg.redis_port, NULL};
        app.near = near = ss_near_create(4096);
        app.tracker = tracker = ss_tracker_start(&tco, near);
    }

    slots = ss_xcalloc((size_t)cfg.threads, sizeof *slots);
    for (int i = 0; i < cfg.threads; i++) {
        slots[i].w.id = i;
        slots[i].w.app = &app;
        if (pthread_create(&slots[i].tid, NULL, worker_main, &slots[i]) != 0) {
            SS_ERROR("main", "msg=\"pthread_create failed\" errno=%d", errno);
            break;
        }
        nstarted++;
    }
    SS_INFO("main", "msg=\"ready\" socket=\"%s\" threads=%d pid=%d", cfg.socket_path, nstarted, (int)getpid());

    int sig = 0;
    while (nstarted > 0) {
        if (sigwait(&set, &sig) != 0) continue;
        if (sig == SIGHUP) continue;   /* no reload: restart to change the config */
        break;
    }
    SS_INFO("main", "msg=\"stopping\" signal=%d", sig);

    /* Stop accepting: new connections are refused (nginx answers 502/503 in JSON). */
    stopping = 1;
    FCGX_ShutdownPending();
    shutdown(listen_fd, SHUT_RDWR);
    unlink(cfg.socket_path);

    /* Wait for in-flight requests, up to the deadline. */
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += STOP_DEADLINE_S;
    int all_done = 0;
    pthread_mutex_lock(&done_mu);
    while (!all_done) {
        all_done = 1;
        for (int i = 0; i < nstarted; i++) all_done &= slots[i].done;
        if (all_done || pthread_cond_timedwait(&done_cv, &done_mu, &deadline) == ETIMEDOUT) break;
    }
    pthread_mutex_unlock(&done_mu);
    if (!all_done) {
        SS_WARN("main", "msg=\"workers still busy at the deadline; exiting\"");
        _exit(0);
    }
    for (int i = 0; i < nstarted; i++) pthread_join(slots[i].tid, NULL);
    SS_INFO("main", "msg=\"stopped\"");
    rc = 0;
out:
    if (listen_fd >= 0) close(listen_fd);
    free(slots);
    if (names)
        for (int i = 0; names[i]; i++) free((void *)names[i]);
    free(names);
    ss_tracker_stop(tracker);
    ss_near_free(near);
    free(jwt_key);
    ss_jwt_memo_free(jwt_memo);
    ss_router_free(router);
    curl_global_cleanup();
    ss_config_dispose(&cfg);
    return rc;
}
