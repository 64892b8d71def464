/* sanshe-ctl: operator commands that must not come from the API, run by `./sanshe ctl`.
 * It uses the app's config and store layer, so its SQL is the same prepared statements.
 *
 *   sanshe-ctl <config> grant <openid> admin
 *   sanshe-ctl <config> grant <openid> community_admin <community_id>
 *   sanshe-ctl <config> revoke <openid> admin | community_admin <community_id>
 *   sanshe-ctl <config> recount <contest_id>     rebuild vote tallies from stored votes
 *   sanshe-ctl <config> sessions <openid-prefix> <from> <to> [ttl_s]
 *                                                signs in users <prefix><from>..<prefix><to> (creating
 *                                                them) and prints one session token per line; the
 *                                                benchmark seeds thousands of callers this way */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/errors.h"
#include "store/contests.h"
#include "auth/jwt.h"
#include "cache/cache.h"
#include "auth/caller.h"
#include "store/users.h"
#include "util/arena.h"
#include "util/config.h"
#include "util/log.h"

static int usage(void)
{
    fprintf(stderr, "usage: sanshe ctl grant <openid> admin\n"
                    "       sanshe ctl grant <openid> community_admin <community_id>\n"
                    "       sanshe ctl revoke <openid> admin\n"
                    "       sanshe ctl revoke <openid> community_admin <community_id>\n"
                    "       sanshe ctl recount <contest_id>\n"
                    "       sanshe ctl sessions <openid-prefix> <from> <to> [ttl_s]\n");
    return 2;
}

static int valid_openid(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 128) return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f) return 0;
    return 1;
}

static int grant(ss_db *db, ss_cache *cache, ss_arena *a, int argc, char **argv)
{
    if (argc < 2 || !valid_openid(argv[0])) return usage();
    const char *role = argv[1];
    long long community = 0;
    if (strcmp(role, "community_admin") == 0) {
        char *end;
        if (argc != 3 || (community = strtoll(argv[2], &end, 10)) <= 0 || *end) return usage();
    } else if (strcmp(role, "admin") != 0 || argc != 2) {
        return usage();
    }
    long long user_id = 0;
    int rc = ss_store_role_grant(db, a, argv[0], role, community, &user_id);
    if (rc == SS_ENOTFOUND) {
        fprintf(stderr, "sanshe ctl: no community with id %lld\n", community);
        return 1;
    }
    if (rc) {
        fprintf(stderr, "sanshe ctl: grant failed (%s)\n", ss_strerror(rc));
        return 1;
    }
    if (cache && ss_caller_forget(cache, user_id) != 0)   /* signed-in sessions see the role now */
        fprintf(stderr, "sanshe ctl: Redis unreachable: the new role shows within 5 minutes\n");
    if (community)
        printf("granted community_admin of community %lld to %s\n", community, argv[0]);
    else
        printf("granted admin to %s\n", argv[0]);
    return 0;
}

/* The role's arguments after the openid: "admin" or "community_admin <id>". Returns 0 or -1. */
static int role_args(int argc, char **argv, long long *community)
{
    *community = 0;
    if (argc < 2 || !valid_openid(argv[0])) return -1;
    if (strcmp(argv[1], "community_admin") == 0) {
        char *end;
        if (argc != 3 || (*community = strtoll(argv[2], &end, 10)) <= 0 || *end) return -1;
        return 0;
    }
    return strcmp(argv[1], "admin") == 0 && argc == 2 ? 0 : -1;
}

/* Removes a role; the user's signed-in sessions lose it at once (the cached snapshot is dropped).
 * Exit 0 also when they did not hold it (said so), 1 for an unknown openid. */
static int revoke(ss_db *db, ss_cache *cache, ss_arena *a, int argc, char **argv)
{
    long long community, user_id = 0;
    int removed = 0;
    if (role_args(argc, argv, &community) != 0) return usage();
    int rc = ss_store_role_revoke(db, a, argv[0], argv[1], community, &user_id, &removed);
    if (rc == SS_ENOTFOUND) {
        fprintf(stderr, "sanshe ctl: no user with openid %s\n", argv[0]);
        return 1;
    }
    if (rc) {
        fprintf(stderr, "sanshe ctl: revoke failed (%s)\n", ss_strerror(rc));
        return 1;
    }
    if (cache && ss_caller_forget(cache, user_id) != 0)
        fprintf(stderr, "sanshe ctl: Redis unreachable: the role stays visible for up to 5 minutes\n");
    /* AUDIT: role.revoke user */
    if (!removed)
        printf("%s did not hold %s%s\n", argv[0], argv[1], community ? " of that community" : "");
    else if (community)
        printf("revoked community_admin of community %lld from %s\n", community, argv[0]);
    else
        printf("revoked admin from %s\n", argv[0]);
    return 0;
}

/* Prints each project's stored votes and its tally before the rebuild; exit 0 either way,
 * and "drift: 0" when they all agreed. */
static int recount(ss_db *db, ss_arena *a, int argc, char **argv)
{
    char *end;
    long long contest = argc == 1 ? strtoll(argv[0], &end, 10) : 0;
    if (contest <= 0 || *end) return usage();
    ss_recount_row *rows;
    int n;
    int rc = ss_store_contest_recount(db, a, contest, &rows, &n);
    if (rc) {
        fprintf(stderr, "sanshe ctl: recount failed (%s)\n", ss_strerror(rc));
        return 1;
    }
    long long drift = 0, total = 0;
    for (int i = 0; i < n; i++) {
        long long d = rows[i].tallied - rows[i].counted;
        printf("project %lld: votes %lld, tally %lld, drift %+lld\n", rows[i].project_id, rows[i].counted,
               rows[i].tallied, d);
        drift += d < 0 ? -d : d;
        total += rows[i].counted;
    }
    printf("contest %lld: %d projects, %lld votes, drift: %lld%s\n", contest, n, total, drift,
           drift ? " (tallies rebuilt from the votes)" : "");
    return 0;
}

typedef struct {
    const char *prefix;
    long long from, to;
    long long *ids;
    ss_arena *a;
} bulk_login;

static int bulk_login_tx(ss_db *db, void *ctx)
{
    bulk_login *b = ctx;
    enum { CHUNK = 500 };
    ss_user_login *l = ss_arena_calloc(b->a, CHUNK * sizeof *l);
    for (long long from = b->from; from <= b->to; from += CHUNK) {
        int n = b->to - from + 1 < CHUNK ? (int)(b->to - from + 1) : CHUNK;
        for (int i = 0; i < n; i++) {
            char openid[160];
            snprintf(openid, sizeof openid, "%s%lld", b->prefix, from + i);
            l[i] = (ss_user_login){.openid = ss_arena_strdup(b->a, openid), .a = b->a};
        }
        int rc = ss_store_users_login(db, b->a, l, n);
        if (rc) return rc;
        for (int i = 0; i < n; i++) b->ids[from + i - b->from] = l[i].user.id;
    }
    return SS_OK;
}

/* The same sign-in as POST /auth/wx-login without WeChat: users found or created in one
 * transaction, then a session each (the WeChat session_key is "ctl"). */
static int sessions(const ss_config *cfg, ss_db *db, ss_cache *cache, ss_arena *a, int argc, char **argv)
{
    char *end;
    if (argc < 3 || argc > 4 || !valid_openid(argv[0]) || strlen(argv[0]) > 100) return usage();
    long long from = strtoll(argv[1], &end, 10);
    if (from < 0 || *end) return usage();
    long long to = strtoll(argv[2], &end, 10);
    if (to < from || to - from >= 1000000 || *end) return usage();
    long ttl = argc == 4 ? strtol(argv[3], &end, 10) : cfg->session_ttl_s;
    if (ttl <= 0 || ttl > 30L * 86400 || (argc == 4 && *end)) return usage();
    bulk_login b = {argv[0], from, to, ss_arena_alloc(a, (size_t)(to - from + 1) * sizeof(long long)), a};
    int rc = ss_db_tx(db, bulk_login_tx, &b);
    if (rc) {
        fprintf(stderr, "sanshe ctl: creating users failed (%s)\n", ss_strerror(rc));
        return 1;
    }
    ss_jwt_keys keys = {(const unsigned char *)cfg->jwt_key, strlen(cfg->jwt_key), cfg->jwt_issuer, cfg->jwt_audience, NULL};
    time_t now = time(NULL);
    for (long long i = 0; i <= to - from; i++) {
        char sid[SS_SID_LEN + 1], *token = NULL;
        if ((rc = ss_session_create(cache, b.ids[i], "ctl", (int)ttl, sid)) ||
            (rc = ss_jwt_sign(&keys, b.ids[i], sid, now, (int)ttl, &token))) {
            fprintf(stderr, "sanshe ctl: session failed (%s)\n", ss_strerror(rc));
            return 1;
        }
        printf("%s\n", token);
        free(token);
    }
    return 0;
}

int main(int argc, char **argv)
{
    ss_config cfg;
    char err[512];
    int rc = 2;
    if (argc < 3) return usage();
    if (ss_config_load(&cfg, argv[1], err, sizeof err) != 0) {
        fprintf(stderr, "sanshe ctl: bad configuration: %s\n", err);
        ss_config_dispose(&cfg);
        return 2;
    }
    ss_log_level = SS_LOG_WARN;
    ss_db_thread_init();
    ss_db_opts o = {cfg.mysql_socket, cfg.mysql_user, cfg.mysql_password, cfg.mysql_database, cfg.mysql_timeout_s,
                    cfg.mysql_hosts, cfg.mysql_host, cfg.mysql_port};
    ss_db *db = ss_db_create(&o);
    ss_cache_opts co = {cfg.redis_socket, cfg.redis_timeout_ms, cfg.redis_sentinels, cfg.redis_master_name,
                        cfg.redis_password, cfg.redis_host, cfg.redis_port, NULL};
    ss_cache *cache = ss_cache_create(&co);
    ss_arena *a = ss_arena_create(8192);
    if (strcmp(argv[2], "grant") == 0)
        rc = grant(db, cache, a, argc - 3, argv + 3);
    else if (strcmp(argv[2], "revoke") == 0)
        rc = revoke(db, cache, a, argc - 3, argv + 3);
    else if (strcmp(argv[2], "recount") == 0)
        rc = recount(db, a, argc - 3, argv + 3);
    else if (strcmp(argv[2], "sessions") == 0)
        rc = sessions(&cfg, db, cache, a, argc - 3, argv + 3);
    else
        rc = usage();
    ss_arena_free(a);
    ss_cache_free(cache);
    ss_db_free(db);
    ss_db_thread_end();
    ss_config_dispose(&cfg);
    return rc;
}
