/* Redis: a handle per worker thread (sessions, user snapshots, rate limits, console sign-in
 * tickets, WeChat's shared token) and the process's tracker, which keeps sessions and
 * snapshots near and hears every change to them. Only cache/ includes hiredis.h. A failed
 * connection is dropped and reopened on the next call, so the app recovers when Redis
 * returns without a restart. */
#ifndef SS_CACHE_CACHE_H
#define SS_CACHE_CACHE_H

#include <stddef.h>
#include <time.h>

#include "util/arena.h"
#include "util/nearcache.h"

typedef struct ss_cache ss_cache;
typedef struct ss_tracker ss_tracker;

#define SS_SID_LEN 32            /* hex digits of a session id */

typedef struct ss_cache_opts {
    const char *unix_socket;
    int timeout_ms;
    /* "host:port,...": Sentinels to ask for the master of master_name, used instead of
     * unix_socket when not empty (hiredis 0.14 has no Sentinel support: cache/redis.c follows
     * the Sentinel client protocol). password is sent with AUTH to a master reached over TCP. */
    const char *sentinels, *master_name, *password;
    const char *host;   /* not NULL or "": connect over TCP to host:port instead of the socket */
    int port;
    ss_tracker *tracker;   /* the process's near copy of sessions and snapshots; NULL: none */
} ss_cache_opts;

/* Tells every host (through their trackers) that a committed change alters what public views
 * show, so none serves its near copy of them any longer. Returns 0 or SS_EUNAVAIL (then the
 * other hosts catch up within SS_PUBLIC_MAX_AGE_MS). */
#define SS_NEAR_EPOCH_KEY "near:epoch"
int ss_near_publish(ss_cache *c);

/* The process's near copy of sessions and user snapshots (cache/tracking.c), so that an
 * authenticated request costs no round trip when nothing changed. A thread keeps one
 * connection that Redis tells of every change to those keys (server-assisted client-side
 * caching, CLIENT TRACKING in broadcast mode): a logout, a revoked or expired session, a
 * changed role is seen as soon as Redis has it, not after a TTL. While that connection is
 * down, nothing is served from the copy. start never fails (without its thread, every read
 * goes to Redis); stop joins the thread and frees everything (accepts NULL). near (may be
 * NULL) is the process's cache of public views: the tracker bumps its epoch whenever any host
 * publishes a change (ss_near_publish), and when its connection was lost. */
ss_tracker *ss_tracker_start(const ss_cache_opts *opts, ss_near *near);
void ss_tracker_stop(ss_tracker *t);
/* Whether the copy is serving (its connection is up). */
int ss_tracker_live(const ss_tracker *t);
/* Whether it is also settled: every message Redis has sent it is applied, so a change
 * committed anywhere before this moment is reflected (a poll of its socket, no round trip).
 * Callers of get ask this first; the near cache of public views asks it too (its gate). */
int ss_tracker_settled(ss_tracker *t);
/* Lookups served from the copy and lookups that went to Redis, since start. */
void ss_tracker_counts(const ss_tracker *t, unsigned long *hits, unsigned long *misses);
/* How a value read from Redis gets in: take a ticket for its key BEFORE asking Redis, then put
 * the answer with it; the put is refused if the key (or anything, after a reconnection) may
 * have changed since the ticket. Keys: "sess:<sid>", "u:<user id>". get returns an arena copy,
 * or NULL (absent or expired); only after ss_tracker_settled said yes may it be served. */
typedef struct ss_tracker_ticket {
    unsigned epoch, generation;
    int live;
} ss_tracker_ticket;
ss_tracker_ticket ss_tracker_ticket_for(ss_tracker *t, const char *key);
/* Forgets key at once: this process changed it in Redis (its own message comes a moment later). */
void ss_tracker_forget(ss_tracker *t, const char *key);
char *ss_tracker_get(ss_tracker *t, ss_arena *a, const char *key, time_t now);
void ss_tracker_put(ss_tracker *t, const char *key, const char *value, ss_tracker_ticket k, time_t now);

/* Creates a handle; connects lazily. Free with ss_cache_free (accepts NULL). */
ss_cache *ss_cache_create(const ss_cache_opts *opts);
void ss_cache_free(ss_cache *c);
/* Returns 0, or SS_EUNAVAIL. */
int ss_cache_ping(ss_cache *c);

/* Sessions: key "sess:<sid>", value "<user_id> <session_key>", with a TTL. */
/* Creates a session with a fresh random sid (SS_SID_LEN hex digits + NUL into sid_out).
 * session_key is WeChat's; it is stored here only, never returned or logged. */
int ss_session_create(ss_cache *c, long long user_id, const char *session_key, int ttl_s, char *sid_out);
/* The session, the cached snapshot of its user ("ucache:<user_id>") and the user's snapshot
 * generation ("ugen:<user_id>") in one round trip. user_id is the token's claim; *blob (arena)
 * is NULL when no snapshot is cached; *generation is what ss_user_cache_put needs.
 * Returns 0; SS_EUNAUTH if there is no such session (logged out, expired) or it names
 * another user; or SS_EUNAVAIL. */
int ss_session_get_user(ss_cache *c, ss_arena *a, const char *sid, long long user_id, char **blob,
                        long long *generation);
/* Caches a user snapshot (opaque text) for ttl_s seconds, unless the user's generation moved on
 * from `generation` (read before the snapshot was loaded): then a change was committed since and
 * nothing is stored. ss_user_cache_drop, called after a change to the user's roles or volunteer
 * status is committed, bumps the generation and deletes the snapshot. Both return 0 or
 * SS_EUNAVAIL. */
int ss_user_cache_put(ss_cache *c, long long user_id, const char *blob, long long generation, int ttl_s);
int ss_user_cache_drop(ss_cache *c, long long user_id);
/* Deletes the session (idempotent). Returns 0 or SS_EUNAVAIL. */
int ss_session_delete(ss_cache *c, const char *sid);

/* Rate limits: counts one event for `who` in `bucket` in the current window of window_s
 * seconds. Returns 0 while the count is within limit, SS_ELIMIT beyond, or SS_EUNAVAIL. */
int ss_rate_allow(ss_cache *c, const char *bucket, const char *who, int limit, int window_s, time_t now);
/* Several limits on one event (per user and per client address, say), in one round trip:
 * counted in order, stopping at the first beyond its limit (the later ones are not counted
 * then, as if checked one by one). Up to SS_RATE_CHECKS_MAX checks. */
#define SS_RATE_CHECKS_MAX 4
typedef struct ss_rate_check {
    const char *bucket, *who;
    int limit;
} ss_rate_check;
int ss_rate_allow_all(ss_cache *c, const ss_rate_check *checks, int n, int window_s, time_t now);
/* Several events at once (a batch of votes), each with its checks as ss_rate_allow_all, in one
 * round trip: checks[i] belongs to event event_of[i], an event's checks in a row, events
 * 0..nevents-1 in order. Sets limited[e] to 1 if event e went beyond a limit, else 0. Returns
 * 0, SS_EINVALID (a malformed call) or SS_EUNAVAIL (nothing can be said of any event). */
#define SS_RATE_EVENT_CHECKS_MAX 160
int ss_rate_allow_events(ss_cache *c, const ss_rate_check *checks, const int *event_of, int n, int nevents,
                         int window_s, time_t now, int *limited);

/* Console sign-in tickets (扫码登录), single use, living ttl_s (<= 120) seconds.
 * create: SS_ECONFLICT if the ticket exists (a random collision: make another).
 * confirm: binds the waiting ticket to user_id. Returns 0; SS_EGONE if it expired (or never
 *   existed); SS_ECONFLICT if it was already confirmed.
 * take: the console's poll. Returns 0 with *user_id 0 while waiting, or with the confirming
 *   user exactly once (the ticket is spent by that call, atomically); SS_EGONE when expired,
 *   unknown or already taken.
 * All return SS_EUNAVAIL when Redis is unreachable. */
int ss_qr_ticket_create(ss_cache *c, const char *ticket, int ttl_s);
int ss_qr_ticket_confirm(ss_cache *c, const char *ticket, long long user_id);
int ss_qr_ticket_take(ss_cache *c, const char *ticket, long long *user_id);

/* WeChat's access token, shared by every worker (cache/wxtoken.c). load: SS_ENOTFOUND when
 * none is kept; store keeps it until expires_at. lock: one fetcher at a time (SS_ECONFLICT
 * while another holds it, for at most ttl_ms); unlock releases it only for its owner. All
 * return SS_EUNAVAIL when Redis is unreachable. */
int ss_wx_token_load(ss_cache *c, char *token, size_t size, time_t *expires_at);
int ss_wx_token_store(ss_cache *c, const char *token, time_t expires_at, time_t now);
int ss_wx_token_lock(ss_cache *c, const char *owner, int ttl_ms);
int ss_wx_token_unlock(ss_cache *c, const char *owner);

#endif
