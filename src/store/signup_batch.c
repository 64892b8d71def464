/* Group commit of new sign-ups (see signup_batch.h). */
#include "store/signup_batch.h"

#include <string.h>

#include "domain/activity.h"
#include "util/log.h"
#include "util/metrics.h"
#include "util/status.h"

static ss_sql q_batch_existing = SS_SQL(
    "SELECT s.user_id FROM JSON_TABLE(?, '$[*]' COLUMNS (u BIGINT UNSIGNED PATH '$')) j "
    "JOIN signups s ON s.activity_id = ? AND s.user_id = j.u");
static ss_sql q_batch_insert = SS_SQL(
    "INSERT INTO signups (activity_id, user_id, status, queue_seq, created_at, updated_at) "
    "SELECT ?, j.u, j.s, j.q, UTC_TIMESTAMP(), UTC_TIMESTAMP() FROM JSON_TABLE(?, '$[*]' COLUMNS ("
    "u BIGINT UNSIGNED PATH '$[0]', s VARCHAR(16) PATH '$[1]', q BIGINT UNSIGNED PATH '$[2]')) j");
static ss_sql q_batch_counts = SS_SQL(
    "UPDATE activities SET confirmed_count = ?, waitlisted_count = ?, waitlist_seq = ? WHERE id = ?");

typedef struct {
    ss_arena *a;
    ss_signup_member **m;
    int n;
    int *skip;   /* 1: alone (a sign-up of its user exists), 2: its key's reply is stored */
    int written; /* every statement ran: a failure after this is the COMMIT's (uncertain) */
} signup_batch;

static int signup_batch_tx(ss_db *db, void *arg)
{
    signup_batch *b = arg;
    b->written = 0;
    long long activity_id = b->m[0]->activity_id;
    ss_db_result res;
    ss_seats seats;
    int rc = ss_store_seats_lock(db, b->a, activity_id, &seats);   /* one hold of the lock for all */
    for (int i = 0; i < b->n; i++) b->skip[i] = 0, b->m[i]->rc = SS_OK;
    if (rc == SS_ENOTFOUND) {
        for (int i = 0; i < b->n; i++) b->m[i]->rc = SS_ENOTFOUND;
        return SS_OK;
    }
    if (rc) return rc;
    long capacity = seats.capacity, confirmed = seats.confirmed, waitlisted = seats.waitlisted;
    long long seq = seats.waitlist_seq;
    if (!ss_signup_open(seats.status, b->m[0]->now, seats.ends_at, seats.deadline)) {
        for (int i = 0; i < b->n; i++) b->m[i]->rc = SS_ECONFLICT;
        return SS_OK;
    }

    json_t *users = json_array();
    for (int i = 0; i < b->n; i++) json_array_append_new(users, json_integer(b->m[i]->user_id));
    const char *users_text = ss_db_json(b->a, users);   /* (SS_DB_T names its argument twice) */
    ss_db_val pe[] = {SS_DB_T(users_text), SS_DB_I(activity_id)};
    if ((rc = ss_db_exec(db, &q_batch_existing, pe, 2, &res, b->a))) return rc;
    for (int k = 0; k < res.nrows; k++)
        for (int i = 0; i < b->n; i++)
            if (b->m[i]->user_id == ss_db_int(res.rows[k][0])) b->skip[i] = 1;

    int nkeyed = 0;
    ss_idem_put *keyed = ss_arena_calloc(b->a, (size_t)b->n * sizeof *keyed);
    int *keyed_of = ss_arena_calloc(b->a, (size_t)b->n * sizeof *keyed_of);
    for (int i = 0; i < b->n; i++) {
        if (b->skip[i] || !b->m[i]->idem.key) continue;
        keyed_of[nkeyed] = i;
        keyed[nkeyed++] = ss_idem_put_make(&b->m[i]->idem, 0, NULL, 0);
    }
    if (nkeyed) {
        int *taken = ss_arena_calloc(b->a, (size_t)nkeyed * sizeof *taken);
        if ((rc = ss_store_idem_taken_many(db, b->a, keyed, nkeyed, taken))) return rc;
        for (int k = 0; k < nkeyed; k++)
            if (taken[k]) b->skip[keyed_of[k]] = 2;
    }

    json_t *rows = json_array();
    int nnew = 0, nput = 0;
    ss_idem_put *puts = ss_arena_calloc(b->a, (size_t)b->n * sizeof *puts);
    for (int i = 0; i < b->n; i++) {   /* seats, then places in the queue, in order of arrival */
        ss_signup_member *m = b->m[i];
        if (b->skip[i]) continue;
        ss_signup *o = &m->out;
        memset(o, 0, sizeof *o);
        o->activity_id = activity_id;
        o->user_id = m->user_id;
        o->created = 1;
        o->created_at = m->now;
        long long queue_seq = 0;
        if (ss_signup_place(capacity, confirmed) == SS_PLACE_CONFIRMED) {
            o->status = "confirmed";
            confirmed++;
        } else {
            o->status = "waitlisted";
            queue_seq = ++seq;
            o->position = ++waitlisted;
        }
        json_array_append_new(rows, json_pack("[I, s, I]", (json_int_t)m->user_id, o->status, (json_int_t)queue_seq));
        nnew++;
        if (!m->idem.key) continue;
        size_t len = 0;
        const char *body = m->render(m->render_ctx, o, &len);
        if (!body) {
            json_decref(rows);
            return SS_EINTERNAL;
        }
        puts[nput++] = ss_idem_put_make(&m->idem, 201, body, len);
    }
    const char *rows_text = ss_db_json(b->a, rows);
    if (nnew == 0) return SS_OK;   /* nothing written: a lost COMMIT sends them alone, safely */
    ss_db_val pi[] = {SS_DB_I(activity_id), SS_DB_T(rows_text)};
    if ((rc = ss_db_exec(db, &q_batch_insert, pi, 2, &res, b->a))) return rc;
    if (res.affected != (unsigned long long)nnew) return SS_EINTERNAL;
    ss_db_val pc[] = {SS_DB_I(confirmed), SS_DB_I(waitlisted), SS_DB_I(seq), SS_DB_I(activity_id)};
    if ((rc = ss_db_exec(db, &q_batch_counts, pc, 4, NULL, b->a))) return rc;
    if ((rc = ss_store_idem_put_many(db, puts, nput, b->m[0]->now))) return rc;
    b->written = 1;
    return SS_OK;
}

static void signup_batch_run(void *ctx, ss_group_item *batch)
{
    ss_db *db = ((void **)ctx)[0];
    ss_arena *a = ((void **)ctx)[1];
    int n = 0;
    for (ss_group_item *it = batch; it; it = it->batch_next) n++;
    signup_batch b = {a, ss_arena_calloc(a, (size_t)n * sizeof(ss_signup_member *)), n,
                      ss_arena_calloc(a, (size_t)n * sizeof(int)), 0};
    n = 0;
    for (ss_group_item *it = batch; it; it = it->batch_next) b.m[n++] = (ss_signup_member *)it;
    int rc = ss_db_tx(db, signup_batch_tx, &b);
    ss_metrics_batch(SS_BATCH_SIGNUPS, n, rc != SS_OK && !(rc == SS_EUNAVAIL && b.written));
    for (int i = 0; i < n; i++) {
        ss_signup_member *m = b.m[i];
        if (rc == SS_EUNAVAIL && b.written) m->rc = SS_EUNAVAIL;   /* the COMMIT lost: a retry or a repeat says */
        else if (rc) m->rc = 1;                                  /* nothing stored: alone */
        else if (b.skip[i] == 1) m->rc = 1;           /* a sign-up of its user exists: answered alone */
        else if (b.skip[i] == 2) m->rc = SS_EUNAVAIL; /* its key's reply is stored: replayed */
    }
    if (rc && !(rc == SS_EUNAVAIL && b.written))
        SS_WARN("signups", "msg=\"sign-up batch failed, its sign-ups are stored one by one\" n=%d rc=%d", n, rc);
}

/* One activity's new sign-ups share a batch, one of each user (a double tap waits for the
 * next batch, which finds the first stored and sends it alone: a repeat). */
static int signup_joins(const ss_group_item *first, const ss_group_item *batch, const ss_group_item *item)
{
    const ss_signup_member *f = (const ss_signup_member *)first, *m = (const ss_signup_member *)item;
    if (m->activity_id != f->activity_id) return 0;
    for (const ss_group_item *b = batch; b; b = b->batch_next)
        if (((const ss_signup_member *)b)->user_id == m->user_id) return 0;
    return 1;
}

static ss_group signup_queue = SS_GROUP_INIT(SS_SIGNUP_BATCH_MAX, signup_joins);

int ss_signup_batch_submit(ss_db *db, ss_arena *a, ss_signup_member *m)
{
    m->rc = SS_EINTERNAL;
    void *ctx[2] = {db, a};
    ss_group_submit(&signup_queue, &m->item, signup_batch_run, ctx);
    return m->rc;
}

