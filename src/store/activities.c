/* Activities and sign-ups (see activities.h for the capacity guarantee). Times cross the
 * boundary as Unix seconds (UNIX_TIMESTAMP / FROM_UNIXTIME on a UTC session). */
#include "store/activities.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/activity.h"
#include "util/nearcache.h"
#include "util/rankcache.h"
#include "util/status.h"

static ss_sql q_insert = SS_SQL(
    "INSERT INTO activities (org_id, title, description, category, starts_at, ends_at, signup_deadline, capacity, "
    "walk_in, service_minutes, min_attendance_pct, location_name, lat, lng, radius_m, created_by, created_at) VALUES "
    "(?, ?, ?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?), FROM_UNIXTIME(?), ?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP())");

#define ACT_COLS                                                                                                  \
    "a.id, a.org_id, o.community_id, o.name, o.status, a.title, a.description, a.category, a.status, "           \
    "a.location_name, UNIX_TIMESTAMP(a.starts_at), UNIX_TIMESTAMP(a.ends_at), "                                  \
    "COALESCE(UNIX_TIMESTAMP(a.signup_deadline), 0), a.capacity, a.confirmed_count, a.waitlisted_count, a.walk_in, " \
    "COALESCE(a.service_minutes, 0), a.lat, a.lng, a.radius_m, UNIX_TIMESTAMP(a.created_at), a.min_attendance_pct, a.content_status"
#define ACT_NCOLS 24

static ss_sql q_get_for = SS_SQL(
    "SELECT " ACT_COLS ", m.role FROM activities a JOIN organizations o ON o.id = a.org_id "
    "LEFT JOIN org_members m ON m.org_id = a.org_id AND m.user_id = ? WHERE a.id = ?");
/* A page of the list walks ix_activities_list (status, starts_at, id) in order and stops at
 * the page's end. The organization's fields come from subqueries run for the returned rows
 * only: with a join, the optimizer may scan the small organizations table first, buffer
 * every activity and sort them all (measured: 8x slower at 400 activities). */
#define LIST_COLS                                                                                                 \
    "a.id, a.org_id, (SELECT o.community_id FROM organizations o WHERE o.id = a.org_id), "                       \
    "(SELECT o.name FROM organizations o WHERE o.id = a.org_id), 'filed', a.title, a.description, a.category, "  \
    "a.status, a.location_name, UNIX_TIMESTAMP(a.starts_at), UNIX_TIMESTAMP(a.ends_at), "                        \
    "COALESCE(UNIX_TIMESTAMP(a.signup_deadline), 0), a.capacity, a.confirmed_count, a.waitlisted_count, a.walk_in, " \
    "COALESCE(a.service_minutes, 0), a.lat, a.lng, a.radius_m, UNIX_TIMESTAMP(a.created_at), a.min_attendance_pct, a.content_status"
static ss_sql q_list = SS_SQL(
    "SELECT " LIST_COLS " FROM activities a FORCE INDEX (ix_activities_list) "
    "WHERE a.status = 'published' AND a.content_status = 'visible' "
    "AND (? = 0 OR a.org_id IN (SELECT o.id FROM organizations o WHERE o.community_id = ?)) "
    "AND (? IS NULL OR a.category = ?) "
    "AND (? = 0 OR a.starts_at >= FROM_UNIXTIME(?)) AND (? <> 0 OR a.ends_at > FROM_UNIXTIME(?)) "
    "AND (? <> 0 OR a.starts_at > FROM_UNIXTIME(?)) "   /* not ended: started within the longest duration */
    "AND (? = 0 OR a.starts_at < FROM_UNIXTIME(?)) "
    "AND (a.starts_at > FROM_UNIXTIME(?) OR (a.starts_at = FROM_UNIXTIME(?) AND a.id > ?)) "
    "ORDER BY a.starts_at, a.id LIMIT ?");
static ss_sql q_lock_status = SS_SQL("SELECT status FROM activities WHERE id = ? FOR UPDATE");
static ss_sql q_set_status = SS_SQL(
    "UPDATE activities SET status = ?, published_at = IF(? = 'published', UTC_TIMESTAMP(), published_at), "
    "cancelled_at = IF(? = 'cancelled', UTC_TIMESTAMP(), cancelled_at) WHERE id = ?");

static ss_sql q_my_signup = SS_SQL(
    "SELECT id, status, queue_seq, UNIX_TIMESTAMP(created_at) FROM signups WHERE activity_id = ? AND user_id = ?");
/* The same, with the waitlist's state (waitlist_seq, waitlisted_count). That pair identifies
 * the state of the queue over the activity's life: waitlist_seq grows with every joiner, and
 * while it stays put the queue only loses people, so waitlisted_count falls with each change.
 * When it is the pair of this process's copy of the queue (util/rankcache.h), a waitlisted
 * one's place is found in the copy; otherwise it is counted (q_position). No subquery here:
 * MariaDB optimizes a prepared statement's subqueries at every execution, evaluated or not,
 * and that was a third of its time per repeat. */
static ss_sql q_my_signup_state = SS_SQL(
    "SELECT s.id, s.status, s.queue_seq, UNIX_TIMESTAMP(s.created_at), a.waitlist_seq, a.waitlisted_count "
    "FROM signups s JOIN activities a ON a.id = s.activity_id WHERE s.activity_id = ? AND s.user_id = ?");
/* The queue in order with the pair that identifies its state, read together. */
static ss_sql q_waitlist_copy = SS_SQL(
    "SELECT a.waitlist_seq, a.waitlisted_count, (SELECT JSON_ARRAYAGG(w.queue_seq ORDER BY w.queue_seq) "
    "FROM signups w WHERE w.activity_id = a.id AND w.status = 'waitlisted') FROM activities a "
    "WHERE a.id = ? AND a.waitlisted_count <= ?");
static ss_sql q_take_seat = SS_SQL("UPDATE activities SET confirmed_count = confirmed_count + 1 WHERE id = ?");
static ss_sql q_take_queue = SS_SQL(
    "UPDATE activities SET waitlisted_count = waitlisted_count + 1, waitlist_seq = waitlist_seq + 1 WHERE id = ?");
static ss_sql q_signup_insert = SS_SQL(
    "INSERT INTO signups (activity_id, user_id, status, queue_seq, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP())");
static ss_sql q_signup_set = SS_SQL(
    "UPDATE signups SET status = ?, queue_seq = ?, updated_at = UTC_TIMESTAMP() WHERE id = ?");
static ss_sql q_position = SS_SQL(
    "SELECT COUNT(*) FROM signups WHERE activity_id = ? AND status = 'waitlisted' AND queue_seq <= ?");
static ss_sql q_free_seat = SS_SQL("UPDATE activities SET confirmed_count = confirmed_count - 1 WHERE id = ?");
static ss_sql q_leave_queue = SS_SQL("UPDATE activities SET waitlisted_count = waitlisted_count - 1 WHERE id = ?");
static ss_sql q_first_waiting = SS_SQL(
    "SELECT id, user_id, queue_seq FROM signups WHERE activity_id = ? AND status = 'waitlisted' "
    "ORDER BY queue_seq LIMIT 1");
static ss_sql q_promote_counts = SS_SQL(
    "UPDATE activities SET confirmed_count = confirmed_count + 1, waitlisted_count = waitlisted_count - 1 "
    "WHERE id = ?");

/* The roster: live sign-ups by sign-up id, then walk-ins (a check-in without a live sign-up)
 * keyed after every sign-up id, each with check-in, check-out and the minutes in the ledger. */
#define WALKIN_KEY "1000000000000000"
static ss_sql q_roster = SS_SQL(
    "SELECT x.k, x.user_id, x.status, x.signed, u.nickname, x.pos, x.cin, x.cout, x.walk_in, "
    "(SELECT SUM(r.minutes) FROM service_records r WHERE r.activity_id = ? AND r.user_id = x.user_id), "
    "(SELECT r.reason FROM service_records r WHERE r.checkin_id = x.checkin_id) FROM ("
    " SELECT s.id AS k, s.user_id, s.status, UNIX_TIMESTAMP(s.created_at) AS signed, "
    " IF(s.status = 'waitlisted', (SELECT COUNT(*) FROM signups w WHERE w.activity_id = s.activity_id "
    " AND w.status = 'waitlisted' AND w.queue_seq <= s.queue_seq), 0) AS pos, "
    " COALESCE(UNIX_TIMESTAMP(c.checked_in_at), 0) AS cin, COALESCE(UNIX_TIMESTAMP(c.checked_out_at), 0) AS cout, "
    " COALESCE(c.walk_in, 0) AS walk_in, c.id AS checkin_id "
    " FROM signups s LEFT JOIN checkins c ON c.activity_id = s.activity_id AND c.user_id = s.user_id "
    " WHERE s.activity_id = ? AND s.status <> 'cancelled' "
    " UNION ALL "
    " SELECT " WALKIN_KEY " + c.id, c.user_id, 'walk_in', 0, 0, UNIX_TIMESTAMP(c.checked_in_at), "
    " COALESCE(UNIX_TIMESTAMP(c.checked_out_at), 0), 1, c.id FROM checkins c WHERE c.activity_id = ? "
    " AND NOT EXISTS (SELECT 1 FROM signups s WHERE s.activity_id = c.activity_id AND s.user_id = c.user_id "
    " AND s.status <> 'cancelled')"
    ") x JOIN users u ON u.id = x.user_id WHERE x.k > ? ORDER BY x.k LIMIT ?");
static ss_sql q_of_user = SS_SQL(
    "SELECT s.id, s.activity_id, s.user_id, s.status, UNIX_TIMESTAMP(s.created_at), a.title, a.status, "
    "UNIX_TIMESTAMP(a.starts_at), UNIX_TIMESTAMP(a.ends_at), "
    "IF(s.status = 'waitlisted', (SELECT COUNT(*) FROM signups w WHERE w.activity_id = s.activity_id "
    "AND w.status = 'waitlisted' AND w.queue_seq <= s.queue_seq), 0) "
    "FROM signups s JOIN activities a ON a.id = s.activity_id "
    "WHERE s.user_id = ? AND s.status <> 'cancelled' AND s.activity_id < ? ORDER BY s.activity_id DESC LIMIT ?");

int ss_store_activity_create(ss_db *db, ss_arena *a, const ss_activity *in, long long created_by, long long *id)
{
    ss_db_result res;
    char lat[32], lng[32];
    snprintf(lat, sizeof lat, "%.6f", in->lat);
    snprintf(lng, sizeof lng, "%.6f", in->lng);
    ss_db_val p[] = {SS_DB_I(in->org_id),
                     SS_DB_S(in->title),
                     SS_DB_S(in->description),
                     SS_DB_S(in->category),
                     SS_DB_I(in->starts_at),
                     SS_DB_I(in->ends_at),
                     in->signup_deadline ? SS_DB_I(in->signup_deadline) : SS_DB_NUL,
                     SS_DB_I(in->capacity),
                     SS_DB_I(in->walk_in),
                     in->service_minutes ? SS_DB_I(in->service_minutes) : SS_DB_NUL,
                     SS_DB_I(in->min_attendance_pct),
                     SS_DB_S(in->location_name),
                     SS_DB_T(lat),
                     SS_DB_T(lng),
                     SS_DB_I(in->radius_m),
                     SS_DB_I(created_by)};
    int rc = ss_db_exec(db, &q_insert, p, 16, &res, a);
    if (rc == SS_OK) *id = (long long)res.insert_id;
    return rc;
}

static ss_activity activity_from_row(char **r)
{
    return (ss_activity){.id = ss_db_int(r[0]),
                         .org_id = ss_db_int(r[1]),
                         .community_id = ss_db_int(r[2]),
                         .org_name = r[3],
                         .org_status = r[4],
                         .title = r[5],
                         .description = r[6],
                         .category = r[7],
                         .status = r[8],
                         .location_name = r[9],
                         .starts_at = (time_t)ss_db_int(r[10]),
                         .ends_at = (time_t)ss_db_int(r[11]),
                         .signup_deadline = (time_t)ss_db_int(r[12]),
                         .capacity = (long)ss_db_int(r[13]),
                         .confirmed = (long)ss_db_int(r[14]),
                         .waitlisted = (long)ss_db_int(r[15]),
                         .walk_in = (int)ss_db_int(r[16]),
                         .service_minutes = (long)ss_db_int(r[17]),
                         .lat = r[18] ? strtod(r[18], NULL) : 0,
                         .lng = r[19] ? strtod(r[19], NULL) : 0,
                         .radius_m = (long)ss_db_int(r[20]),
                         .created_at = (time_t)ss_db_int(r[21]),
                         .min_attendance_pct = (int)ss_db_int(r[22]),
                         .content_status = r[23]};
}

int ss_store_activity_get_for(ss_db *db, ss_arena *a, long long id, long long user_id, ss_activity *out,
                              ss_org_role *role)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(user_id), SS_DB_I(id)};
    int rc = ss_db_exec(db, &q_get_for, p, 2, &res, a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    *out = activity_from_row(res.rows[0]);
    *role = ss_org_role_parse(res.rows[0][ACT_NCOLS]);
    return SS_OK;
}

/* The near copy of an activity: the struct, then each string as a presence byte and its
 * bytes with their NUL, in the order of act_strings. */
#define ACT_NSTRINGS 8
static void act_strings(ss_activity *x, const char ***out)
{
    out[0] = &x->org_name, out[1] = &x->org_status, out[2] = &x->title, out[3] = &x->description;
    out[4] = &x->category, out[5] = &x->status, out[6] = &x->location_name, out[7] = &x->content_status;
}

static char *act_pack(ss_arena *a, const ss_activity *in, size_t *len)
{
    ss_activity x = *in;
    const char **f[ACT_NSTRINGS];
    act_strings(&x, f);
    size_t n = sizeof x;
    for (int i = 0; i < ACT_NSTRINGS; i++) n += 1 + (*f[i] ? strlen(*f[i]) + 1 : 0);
    char *buf = ss_arena_alloc(a, n), *p = buf + sizeof x;
    for (int i = 0; i < ACT_NSTRINGS; i++) {
        *p++ = *f[i] != NULL;
        if (*f[i]) p = stpcpy(p, *f[i]) + 1;
        *f[i] = NULL;   /* no pointers in the copy */
    }
    memcpy(buf, &x, sizeof x);
    *len = n;
    return buf;
}

/* buf is an arena copy (ss_near_get): the strings point into it. */
static int act_unpack(char *buf, size_t len, ss_activity *out)
{
    if (len < sizeof *out) return -1;
    memcpy(out, buf, sizeof *out);
    const char **f[ACT_NSTRINGS];
    act_strings(out, f);
    char *p = buf + sizeof *out, *end = buf + len;
    for (int i = 0; i < ACT_NSTRINGS; i++) {
        if (p >= end) return -1;
        if (!*p++) continue;
        size_t k = strnlen(p, (size_t)(end - p));
        if (k == (size_t)(end - p)) return -1;
        *f[i] = p;
        p += k + 1;
    }
    return 0;
}

int ss_store_activity_get_near(ss_db *db, ss_near *near, ss_arena *a, long long id, ss_activity *out)
{
    char key[40];
    void *buf;
    size_t len;
    long long now_ms = ss_near_now_ms();
    unsigned epoch = ss_near_epoch(near);   /* before the query: see ss_near_put */
    snprintf(key, sizeof key, "activity:%lld", id);
    if (ss_near_get(near, a, key, now_ms, SS_PUBLIC_MAX_AGE_MS, &buf, &len) && act_unpack(buf, len, out) == 0)
        return SS_OK;
    ss_org_role none;
    int rc = ss_store_activity_get_for(db, a, id, 0, out, &none);
    if (rc) return rc;
    buf = act_pack(a, out, &len);
    ss_near_put(near, key, buf, len, now_ms, epoch);
    return SS_OK;
}

typedef struct {
    ss_arena *a;
    long long id;
    const char *to;
} transition_ctx;

static int transition_tx(ss_db *db, void *arg)
{
    transition_ctx *c = arg;
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(c->id)};
    int rc = ss_db_exec(db, &q_lock_status, p, 1, &res, c->a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    if (strcmp(res.rows[0][0], c->to) == 0) return SS_OK;   /* already there: idempotent */
    if (!ss_activity_transition_ok(res.rows[0][0], c->to)) return SS_ECONFLICT;
    ss_db_val pu[] = {SS_DB_S(c->to), SS_DB_S(c->to), SS_DB_S(c->to), SS_DB_I(c->id)};
    return ss_db_exec(db, &q_set_status, pu, 4, NULL, c->a);
}

int ss_store_activity_transition(ss_db *db, ss_arena *a, long long id, const char *to)
{
    transition_ctx c = {a, id, to};
    return ss_db_tx(db, transition_tx, &c);
}

int ss_store_activity_list(ss_db *db, ss_arena *a, const ss_activity_filter *f, ss_activity **out, int *n)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(f->community_id), SS_DB_I(f->community_id), SS_DB_S(f->category),
                     SS_DB_S(f->category),     SS_DB_I(f->from),         SS_DB_I(f->from),
                     SS_DB_I(f->from),         SS_DB_I(f->now),          SS_DB_I(f->from),
                     SS_DB_I(f->now - SS_DURATION_MAX_S), SS_DB_I(f->to), SS_DB_I(f->to),
                     SS_DB_I(f->after_starts), SS_DB_I(f->after_starts), SS_DB_I(f->after_id),
                     SS_DB_I(f->limit)};
    int rc = ss_db_exec(db, &q_list, p, 16, &res, a);
    if (rc) return rc;
    ss_activity *items = ss_arena_calloc(a, (size_t)(res.nrows + 1) * sizeof *items);
    for (int i = 0; i < res.nrows; i++) items[i] = activity_from_row(res.rows[i]);
    *out = items;
    *n = res.nrows;
    return SS_OK;
}

typedef struct {
    ss_arena *a;
    long long activity_id, user_id;
    time_t now;
    ss_signup *out;
    ss_promotion *promoted;
    int absent;          /* join: the unlocked read found no sign-up of this user */
    int twin;            /* join: a parallel twin inserted it first (the unique key said so) */
} signup_ctx;

static int position_of(ss_db *db, ss_arena *a, long long activity_id, long long seq, long *pos)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(activity_id), SS_DB_I(seq)};
    int rc = ss_db_exec(db, &q_position, p, 2, &res, a);
    if (rc == SS_OK) *pos = res.nrows ? (long)ss_db_int(res.rows[0][0]) : 0;
    return rc;
}

static ss_sql q_lock_seats = SS_SQL(
    "SELECT status, capacity, confirmed_count, waitlist_seq, UNIX_TIMESTAMP(ends_at), "
    "COALESCE(UNIX_TIMESTAMP(signup_deadline), 0), waitlisted_count FROM activities WHERE id = ? FOR UPDATE");

int ss_store_seats_lock(ss_db *db, ss_arena *a, long long activity_id, ss_seats *out)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(activity_id)};
    int rc = ss_db_exec(db, &q_lock_seats, p, 1, &res, a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    char **r = res.rows[0];
    *out = (ss_seats){.status = r[0], .capacity = (long)ss_db_int(r[1]), .confirmed = (long)ss_db_int(r[2]),
                      .waitlist_seq = ss_db_int(r[3]), .ends_at = (time_t)ss_db_int(r[4]),
                      .deadline = (time_t)ss_db_int(r[5]), .waitlisted = (long)ss_db_int(r[6])};
    return SS_OK;
}

static int join_tx(ss_db *db, void *arg)
{
    signup_ctx *c = arg;
    ss_db_result mine;
    ss_db_val pa[] = {SS_DB_I(c->activity_id)};
    ss_seats seats;
    int rc = ss_store_seats_lock(db, c->a, c->activity_id, &seats);   /* serialises this activity's sign-ups */
    if (rc) return rc;

    /* With no sign-up seen before the lock, none is read again under it: should a parallel
     * twin insert one meanwhile, the unique key refuses ours and the caller answers the twin's.
     * A cancelled one is read again: it is updated in place. */
    mine.nrows = 0;
    ss_db_val pm[] = {SS_DB_I(c->activity_id), SS_DB_I(c->user_id)};
    if (!c->absent && (rc = ss_db_exec(db, &q_my_signup, pm, 2, &mine, c->a))) return rc;
    long long signup_id = mine.nrows ? ss_db_int(mine.rows[0][0]) : 0;
    ss_signup *o = c->out;
    memset(o, 0, sizeof *o);
    o->activity_id = c->activity_id;
    o->user_id = c->user_id;
    if (mine.nrows && strcmp(mine.rows[0][1], "cancelled") != 0) {   /* a repeat: same answer */
        o->id = signup_id;
        o->status = mine.rows[0][1];
        o->created_at = (time_t)ss_db_int(mine.rows[0][3]);
        if (strcmp(o->status, "waitlisted") == 0)
            return position_of(db, c->a, c->activity_id, ss_db_int(mine.rows[0][2]), &o->position);
        return SS_OK;
    }
    if (!ss_signup_open(seats.status, c->now, seats.ends_at, seats.deadline)) return SS_ECONFLICT;

    long long queue_seq = 0;
    if (ss_signup_place(seats.capacity, seats.confirmed) == SS_PLACE_CONFIRMED) {
        o->status = "confirmed";
        rc = ss_db_exec(db, &q_take_seat, pa, 1, NULL, c->a);
    } else {
        o->status = "waitlisted";
        queue_seq = seats.waitlist_seq + 1;
        rc = ss_db_exec(db, &q_take_queue, pa, 1, NULL, c->a);
    }
    if (rc) return rc;
    if (signup_id) {
        ss_db_val ps[] = {SS_DB_S(o->status), SS_DB_I(queue_seq), SS_DB_I(signup_id)};
        rc = ss_db_exec(db, &q_signup_set, ps, 3, NULL, c->a);
    } else {
        ss_db_result ins;
        ss_db_val pi[] = {SS_DB_I(c->activity_id), SS_DB_I(c->user_id), SS_DB_S(o->status), SS_DB_I(queue_seq)};
        rc = ss_db_exec(db, &q_signup_insert, pi, 4, &ins, c->a);
        if (rc == SS_ECONFLICT) c->twin = 1;   /* rolled back with the seat it took */
        signup_id = (long long)ins.insert_id;
    }
    if (rc) return rc;
    o->id = signup_id;
    o->created = 1;
    o->created_at = c->now;
    /* the newest in the queue: behind everyone waiting (the count kept under this lock) */
    if (queue_seq) o->position = seats.waitlisted + 1;
    return SS_OK;
}

int ss_store_signup_join(ss_db *db, ss_arena *a, long long activity_id, long long user_id, time_t now,
                         ss_signup *out)
{
    int rc = SS_OK;
    /* the second pass answers a parallel twin's sign-up, stored between our read and our insert */
    for (int pass = 0; pass < 2; pass++) {
        /* A repeat needs no lock: a live sign-up only ever leaves that state by its owner's
         * cancel, so answer it before queueing on the activity's row. */
        rc = ss_store_signup_mine(db, a, activity_id, user_id, out);
        if (rc == SS_OK || (rc != SS_ENOTFOUND && rc != SS_ECONFLICT)) return rc;
        signup_ctx c = {a, activity_id, user_id, now, out, NULL, rc == SS_ENOTFOUND, 0};
        rc = ss_db_tx(db, join_tx, &c);
        if (!(rc == SS_ECONFLICT && c.twin)) return rc;
    }
    return rc;
}

/* Keeps this process's copy of the activity's queue (util/rankcache.h), read with the pair
 * that identifies its state; a failure only means the next reads count. */
static void waitlist_copy(ss_db *db, ss_arena *a, long long activity_id)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(activity_id), SS_DB_I(SS_RANK_MAX_ITEMS)};
    if (ss_db_exec(db, &q_waitlist_copy, p, 2, &res, a) || res.nrows == 0) return;
    ss_rank_version v = {ss_db_int(res.rows[0][0]), ss_db_int(res.rows[0][1])};
    json_t *seqs = res.rows[0][2] ? json_loads(res.rows[0][2], 0, NULL) : json_array();
    size_t n = json_array_size(seqs);
    if (json_is_array(seqs) && n == (size_t)v.b) {
        long long *items = ss_arena_calloc(a, (n + 1) * sizeof *items);
        for (size_t i = 0; i < n; i++) items[i] = json_integer_value(json_array_get(seqs, i));
        ss_rank_put(activity_id, v, items, n);
    }
    json_decref(seqs);
}

int ss_store_signup_mine(ss_db *db, ss_arena *a, long long activity_id, long long user_id, ss_signup *out)
{
    ss_db_result mine;
    ss_db_val pm[] = {SS_DB_I(activity_id), SS_DB_I(user_id)};
    int rc = ss_db_exec(db, &q_my_signup_state, pm, 2, &mine, a);
    if (rc) return rc;
    if (mine.nrows == 0) return SS_ENOTFOUND;
    char **r = mine.rows[0];
    if (strcmp(r[1], "cancelled") == 0) return SS_ECONFLICT;
    memset(out, 0, sizeof *out);
    out->id = ss_db_int(r[0]);
    out->activity_id = activity_id;
    out->user_id = user_id;
    out->status = r[1];
    out->created_at = (time_t)ss_db_int(r[3]);
    if (strcmp(r[1], "waitlisted") != 0) return SS_OK;
    long long seq = ss_db_int(r[2]);
    ss_rank_version now = {ss_db_int(r[4]), ss_db_int(r[5])};
    if (ss_rank_find(activity_id, now, seq, &out->position)) return SS_OK;   /* the copy is of the state read */
    /* counted: the copy is of another state (or none); keep one of this state for the next reads */
    if ((rc = position_of(db, a, activity_id, seq, &out->position))) return rc;
    if (ss_rank_want(activity_id, now, ss_near_now_ms())) waitlist_copy(db, a, activity_id);
    return SS_OK;
}

/* Gives a seat to the first waitlisted person, if any (the caller holds the activity's lock
 * and knows a seat is free). *out (may be NULL) names them; user_id 0 when nobody waited. */
static int promote_first(ss_db *db, ss_arena *a, long long activity_id, ss_promotion *out)
{
    ss_db_result first;
    ss_db_val pa[] = {SS_DB_I(activity_id)};
    int rc = ss_db_exec(db, &q_first_waiting, pa, 1, &first, a);
    if (rc) return rc;
    if (out) memset(out, 0, sizeof *out);
    if (first.nrows == 0) return SS_OK;
    ss_db_val pp[] = {SS_DB_S("confirmed"), SS_DB_I(0), SS_DB_I(ss_db_int(first.rows[0][0]))};
    if ((rc = ss_db_exec(db, &q_signup_set, pp, 3, NULL, a))) return rc;
    if ((rc = ss_db_exec(db, &q_promote_counts, pa, 1, NULL, a))) return rc;
    if (out) *out = (ss_promotion){ss_db_int(first.rows[0][1]), ss_db_int(first.rows[0][2])};
    return SS_OK;
}

static int leave_tx(ss_db *db, void *arg)
{
    signup_ctx *c = arg;
    ss_db_result mine;
    ss_db_val pa[] = {SS_DB_I(c->activity_id)};
    ss_seats seats;
    int rc = ss_store_seats_lock(db, c->a, c->activity_id, &seats);
    if (rc) return rc;
    const char *activity_status = seats.status;
    ss_db_val pm[] = {SS_DB_I(c->activity_id), SS_DB_I(c->user_id)};
    if ((rc = ss_db_exec(db, &q_my_signup, pm, 2, &mine, c->a))) return rc;
    if (mine.nrows == 0 || strcmp(mine.rows[0][1], "cancelled") == 0) return SS_OK;
    int was_confirmed = strcmp(mine.rows[0][1], "confirmed") == 0;
    ss_db_val ps[] = {SS_DB_S("cancelled"), SS_DB_I(0), SS_DB_I(ss_db_int(mine.rows[0][0]))};
    if ((rc = ss_db_exec(db, &q_signup_set, ps, 3, NULL, c->a))) return rc;
    if (!was_confirmed) return ss_db_exec(db, &q_leave_queue, pa, 1, NULL, c->a);
    if ((rc = ss_db_exec(db, &q_free_seat, pa, 1, NULL, c->a))) return rc;
    if (strcmp(activity_status, "published") != 0) return SS_OK;
    /* the freed seat goes to the first in the queue, in this same transaction */
    return promote_first(db, c->a, c->activity_id, c->promoted);
}

int ss_store_signup_leave(ss_db *db, ss_arena *a, long long activity_id, long long user_id, ss_promotion *promoted)
{
    ss_signup unused;
    if (promoted) memset(promoted, 0, sizeof *promoted);
    signup_ctx c = {a, activity_id, user_id, 0, &unused, promoted, 0, 0};
    return ss_db_tx(db, leave_tx, &c);
}

static ss_sql q_lock_edit = SS_SQL(
    "SELECT status, capacity, confirmed_count, UNIX_TIMESTAMP(ends_at) FROM activities WHERE id = ? FOR UPDATE");
static ss_sql q_update = SS_SQL(
    "UPDATE activities SET title = COALESCE(?, title), description = COALESCE(?, description), "
    "category = COALESCE(?, category), starts_at = COALESCE(FROM_UNIXTIME(?), starts_at), "
    "ends_at = COALESCE(FROM_UNIXTIME(?), ends_at), signup_deadline = IF(?, FROM_UNIXTIME(?), signup_deadline), "
    "capacity = COALESCE(?, capacity), walk_in = COALESCE(?, walk_in), "
    "service_minutes = IF(?, ?, service_minutes), location_name = COALESCE(?, location_name), "
    "lat = COALESCE(?, lat), lng = COALESCE(?, lng), radius_m = COALESCE(?, radius_m), "
    "min_attendance_pct = COALESCE(?, min_attendance_pct), revision = revision + 1 WHERE id = ?");
static ss_sql q_revision = SS_SQL("SELECT revision FROM activities WHERE id = ?");

#define OPT_I(set, v) ((set) ? SS_DB_I(v) : SS_DB_NUL)

typedef struct {
    ss_arena *a;
    long long id;
    const ss_activity_edit *e;
    time_t now;
    long long *revision;
    ss_promotion *promoted;
    int max_promoted, *npromoted;
} edit_ctx;

static int update_tx(ss_db *db, void *arg)
{
    edit_ctx *c = arg;
    ss_arena *a = c->a;
    long long id = c->id;
    const ss_activity_edit *e = c->e;
    ss_promotion *promoted = c->promoted;
    int *npromoted = c->npromoted;
    ss_db_result res;
    ss_db_val pl[] = {SS_DB_I(id)};
    *npromoted = 0;
    int rc = ss_db_exec(db, &q_lock_edit, pl, 1, &res, a);   /* serialises with sign-ups */
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    const char *status = res.rows[0][0];
    long capacity = (long)ss_db_int(res.rows[0][1]), confirmed = (long)ss_db_int(res.rows[0][2]);
    time_t ends_at = (time_t)ss_db_int(res.rows[0][3]);
    ss_edit_verdict verdict = ss_activity_edit_check(status, c->now, ends_at, e->set_capacity ? e->capacity : capacity,
                                                     confirmed);
    if (verdict == SS_EDIT_INVALID_STATE) return SS_ECONFLICT;
    if (verdict == SS_EDIT_CAPACITY_BELOW_CONFIRMED) return SS_ELIMIT;
    char lat[32], lng[32];
    snprintf(lat, sizeof lat, "%.6f", e->lat);
    snprintf(lng, sizeof lng, "%.6f", e->lng);
    ss_db_val p[] = {SS_DB_S(e->title),
                     SS_DB_S(e->description),
                     SS_DB_S(e->category),
                     OPT_I(e->starts_at, e->starts_at),
                     OPT_I(e->ends_at, e->ends_at),
                     SS_DB_I(e->set_deadline),
                     OPT_I(e->signup_deadline, e->signup_deadline),
                     OPT_I(e->set_capacity, e->capacity),
                     OPT_I(e->set_walk_in, e->walk_in),
                     SS_DB_I(e->set_service_minutes),
                     OPT_I(e->service_minutes, e->service_minutes),
                     SS_DB_S(e->location_name),
                     e->set_location ? SS_DB_T(lat) : SS_DB_NUL,
                     e->set_location ? SS_DB_T(lng) : SS_DB_NUL,
                     OPT_I(e->set_location, e->radius_m),
                     OPT_I(e->set_min_attendance, e->min_attendance_pct),
                     SS_DB_I(id)};
    if ((rc = ss_db_exec(db, &q_update, p, 17, NULL, a))) return rc;
    if ((rc = ss_db_exec(db, &q_revision, pl, 1, &res, a))) return rc;
    *c->revision = res.nrows ? ss_db_int(res.rows[0][0]) : 0;
    /* more seats: the waitlist moves up now, in order, as if people had left */
    if (strcmp(status, "published") == 0 && e->set_capacity)
        for (long free_seats = e->capacity - confirmed; free_seats > 0 && *npromoted < c->max_promoted; free_seats--) {
            ss_promotion got;
            if ((rc = promote_first(db, a, id, &got))) return rc;
            if (!got.user_id) break;
            promoted[(*npromoted)++] = got;
        }
    return SS_OK;
}

int ss_store_signup_roster(ss_db *db, ss_arena *a, long long activity_id, long long after_signup, int limit,
                           ss_signup **out, int *n)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(activity_id), SS_DB_I(activity_id), SS_DB_I(activity_id), SS_DB_I(after_signup),
                     SS_DB_I(limit)};
    int rc = ss_db_exec(db, &q_roster, p, 5, &res, a);
    if (rc) return rc;
    ss_signup *items = ss_arena_calloc(a, (size_t)(res.nrows + 1) * sizeof *items);
    for (int i = 0; i < res.nrows; i++) {
        char **r = res.rows[i];
        items[i] = (ss_signup){.id = ss_db_int(r[0]), .activity_id = activity_id, .user_id = ss_db_int(r[1]),
                               .status = r[2], .created_at = (time_t)ss_db_int(r[3]), .nickname = r[4],
                               .position = (long)ss_db_int(r[5]), .checked_in_at = (time_t)ss_db_int(r[6]),
                               .checked_out_at = (time_t)ss_db_int(r[7]), .walk_in = (int)ss_db_int(r[8]),
                               .has_minutes = r[9] != NULL, .minutes = (long)ss_db_int(r[9]),
                               .minutes_reason = r[10]};
    }
    *out = items;
    *n = res.nrows;
    return SS_OK;
}

int ss_store_signups_of_user(ss_db *db, ss_arena *a, long long user_id, long long before_activity, int limit,
                             ss_signup **out, int *n)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(user_id), SS_DB_I(before_activity), SS_DB_I(limit)};
    int rc = ss_db_exec(db, &q_of_user, p, 3, &res, a);
    if (rc) return rc;
    ss_signup *items = ss_arena_calloc(a, (size_t)(res.nrows + 1) * sizeof *items);
    for (int i = 0; i < res.nrows; i++) {
        char **r = res.rows[i];
        items[i] = (ss_signup){.id = ss_db_int(r[0]), .activity_id = ss_db_int(r[1]), .user_id = ss_db_int(r[2]),
                               .status = r[3], .created_at = (time_t)ss_db_int(r[4]), .title = r[5],
                               .activity_status = r[6], .starts_at = (time_t)ss_db_int(r[7]),
                               .ends_at = (time_t)ss_db_int(r[8]), .position = (long)ss_db_int(r[9])};
    }
    *out = items;
    *n = res.nrows;
    return SS_OK;
}

int ss_store_activity_update(ss_db *db, ss_arena *a, long long id, const ss_activity_edit *e, time_t now,
                             long long *revision, ss_promotion *promoted, int max_promoted, int *npromoted)
{
    edit_ctx c = {a, id, e, now, revision, promoted, max_promoted, npromoted};
    return ss_db_tx(db, update_tx, &c);
}

static ss_sql q_org_list = SS_SQL(
    "SELECT " ACT_COLS " FROM activities a JOIN organizations o ON o.id = a.org_id "
    "WHERE a.org_id = ? AND CASE ? WHEN 0 THEN 1 WHEN 1 THEN a.status = 'draft' "
    "WHEN 2 THEN a.status = 'published' AND a.ends_at > FROM_UNIXTIME(?) "
    "WHEN 3 THEN a.status = 'published' AND a.ends_at <= FROM_UNIXTIME(?) "
    "WHEN 4 THEN a.status = 'cancelled' ELSE a.status = 'published' END "
    "AND (? <> 0 OR a.content_status = 'visible') "
    "AND a.id < ? ORDER BY a.id DESC LIMIT ?");

int ss_store_org_activities(ss_db *db, ss_arena *a, long long org_id, ss_org_activity_filter which, time_t now,
                            int held_too, long long before_id, int limit, ss_activity **out, int *n)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(org_id), SS_DB_I(which), SS_DB_I(now),    SS_DB_I(now),
                     SS_DB_I(held_too), SS_DB_I(before_id), SS_DB_I(limit)};
    int rc = ss_db_exec(db, &q_org_list, p, 7, &res, a);
    if (rc) return rc;
    ss_activity *items = ss_arena_calloc(a, (size_t)(res.nrows + 1) * sizeof *items);
    for (int i = 0; i < res.nrows; i++) items[i] = activity_from_row(res.rows[i]);
    *out = items;
    *n = res.nrows;
    return SS_OK;
}
