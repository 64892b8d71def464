/* Group commit of votes (see vote_batch.h). */
#include "store/vote_batch.h"

#include <stdlib.h>
#include <string.h>

#include "domain/contest.h"
#include "store/idempotency.h"
#include "util/log.h"
#include "util/metrics.h"
#include "util/status.h"

/* The contest's votable projects, share-locked: none is withdrawn before the batch commits. */
static ss_sql q_votable = SS_SQL(
    "SELECT id FROM contest_projects WHERE contest_id = ? AND status = 'approved' AND content_status = 'visible' "
    "LOCK IN SHARE MODE");
/* The voters' quota rows of the day, locked (a voter without one has used none). */
static ss_sql q_quota_lock = SS_SQL(
    "SELECT q.user_id, q.used FROM JSON_TABLE(?, '$[*]' COLUMNS (u BIGINT UNSIGNED PATH '$')) j "
    "JOIN contest_vote_quota q ON q.contest_id = ? AND q.user_id = j.u AND q.vote_day = ? FOR UPDATE");
static ss_sql q_quota_set = SS_SQL(
    "INSERT INTO contest_vote_quota (contest_id, user_id, vote_day, used) SELECT ?, j.u, ?, j.n "
    "FROM JSON_TABLE(?, '$[*]' COLUMNS (u BIGINT UNSIGNED PATH '$[0]', n INT UNSIGNED PATH '$[1]')) j "
    "ON DUPLICATE KEY UPDATE used = VALUES(used)");
/* (each vote's tally slot is counted by the trigger contest_votes_tally, sql/062) */
static ss_sql q_votes_insert = SS_SQL(
    "INSERT INTO contest_votes (contest_id, project_id, user_id, vote_day, votes_left, client_addr, created_at) "
    "SELECT ?, j.p, j.u, ?, j.l, j.a, FROM_UNIXTIME(j.t) FROM JSON_TABLE(?, '$[*]' COLUMNS ("
    "p BIGINT UNSIGNED PATH '$[0]', u BIGINT UNSIGNED PATH '$[1]', l INT UNSIGNED PATH '$[2]', "
    "a VARCHAR(45) PATH '$[3]', t BIGINT PATH '$[4]')) j");

typedef struct {
    ss_arena *a;
    ss_vote_member **m;
    int n;
    ss_vote_pick *picks;
    int *twin;    /* 1: the vote's key is stored already */
    int written;  /* every statement ran: a failure after this is the COMMIT's (uncertain) */
} batch_ctx;

static int batch_tx(ss_db *db, void *arg)
{
    batch_ctx *c = arg;
    const ss_vote_request *v0 = &c->m[0]->v;
    ss_db_result res;
    int rc;
    c->written = 0;

    ss_db_val pp[] = {SS_DB_I(v0->contest_id)};
    if ((rc = ss_db_exec(db, &q_votable, pp, 1, &res, c->a))) return rc;
    int nvotable = res.nrows;
    long long *votable = ss_arena_calloc(c->a, ((size_t)nvotable + 1) * sizeof *votable);
    for (int i = 0; i < nvotable; i++) votable[i] = ss_db_int(res.rows[i][0]);

    /* a vote whose key a twin stored meanwhile (a parallel retry) is not taken again: its
     * waiter replays the stored reply (http/idempotency.h, recovery) */
    int nkeyed = 0;
    ss_idem_put *keyed = ss_arena_calloc(c->a, (size_t)c->n * sizeof *keyed);
    int *keyed_of = ss_arena_calloc(c->a, (size_t)c->n * sizeof *keyed_of);
    for (int i = 0; i < c->n; i++) {
        c->twin[i] = 0;
        if (!c->m[i]->idem.key) continue;
        keyed_of[nkeyed] = i;
        keyed[nkeyed++] = ss_idem_put_make(&c->m[i]->idem, 0, NULL, 0);
    }
    if (nkeyed) {
        int *taken = ss_arena_calloc(c->a, (size_t)nkeyed * sizeof *taken);
        if ((rc = ss_store_idem_taken_many(db, c->a, keyed, nkeyed, taken))) return rc;
        for (int k = 0; k < nkeyed; k++) c->twin[keyed_of[k]] = taken[k];
    }

    json_t *users = json_array();
    for (int i = 0; i < c->n; i++) json_array_append_new(users, json_integer(c->m[i]->v.user_id));
    const char *users_text = ss_db_json(c->a, users);   /* (SS_DB_T names its argument twice) */
    ss_db_val pq[] = {SS_DB_T(users_text), SS_DB_I(v0->contest_id), SS_DB_T(v0->day)};
    if ((rc = ss_db_exec(db, &q_quota_lock, pq, 3, &res, c->a))) return rc;
    for (int i = 0; i < c->n; i++) {
        const ss_vote_request *v = &c->m[i]->v;
        long used = 0;
        for (int r = 0; r < res.nrows; r++)
            if (ss_db_int(res.rows[r][0]) == v->user_id) used = (long)ss_db_int(res.rows[r][1]);
        c->picks[i] = (ss_vote_pick){.project_id = v->project_id, .user_id = v->user_id, .limit = v->limit, .used = used};
        if (c->twin[i]) c->picks[i].project_id = 0;   /* decided below as not taken; answered as a replay */
    }
    if (ss_vote_batch_decide(c->picks, c->n, votable, nvotable) == 0) return SS_OK;

    json_t *quotas = json_array(), *votes = json_array();
    int taken = 0, nput = 0;
    ss_idem_put *puts = ss_arena_calloc(c->a, (size_t)c->n * sizeof *puts);
    for (int i = 0; i < c->n; i++) {
        const ss_vote_pick *p = &c->picks[i];
        ss_vote_member *m = c->m[i];
        if (p->verdict != SS_VOTE_TAKEN) continue;
        taken++;
        int last = 1;   /* the user's last taken vote of the batch carries the final count */
        for (int j = i + 1; j < c->n && last; j++)
            last = !(c->picks[j].user_id == p->user_id && c->picks[j].verdict == SS_VOTE_TAKEN);
        if (last) json_array_append_new(quotas, json_pack("[I, I]", (json_int_t)p->user_id, (json_int_t)p->used));
        json_array_append_new(votes, json_pack("[I, I, I, s?, I]", (json_int_t)p->project_id, (json_int_t)p->user_id,
                                               (json_int_t)p->votes_left, m->v.client_addr, (json_int_t)m->v.now));
        if (!m->idem.key) continue;
        size_t len = 0;
        const char *body = m->render(m->render_ctx, p->votes_left, &len);
        if (!body) {
            json_decref(quotas);
            json_decref(votes);
            return SS_EINTERNAL;
        }
        puts[nput++] = ss_idem_put_make(&m->idem, 201, body, len);
    }
    const char *quotas_text = ss_db_json(c->a, quotas), *votes_text = ss_db_json(c->a, votes);
    ss_db_val pqs[] = {SS_DB_I(v0->contest_id), SS_DB_T(v0->day), SS_DB_T(quotas_text)};
    if ((rc = ss_db_exec(db, &q_quota_set, pqs, 3, NULL, c->a))) return rc;
    ss_db_val pv[] = {SS_DB_I(v0->contest_id), SS_DB_T(v0->day), SS_DB_T(votes_text)};
    if ((rc = ss_db_exec(db, &q_votes_insert, pv, 3, &res, c->a))) return rc;
    if (res.affected != (unsigned long long)taken) {
        SS_ERROR("votes", "msg=\"batch insert stored %llu of %d votes\"", res.affected, taken);
        return SS_EINTERNAL;
    }
    if ((rc = ss_store_idem_put_many(db, puts, nput, v0->now))) return rc;
    c->written = 1;
    return SS_OK;
}

/* Admits and writes one batch and sets each member's outcome. */
static void run(ss_db *db, ss_arena *a, ss_group_item *batch, ss_vote_admit admit, void *admit_ctx)
{
    int all = 0;
    for (ss_group_item *it = batch; it; it = it->batch_next) all++;
    ss_vote_member **ms = ss_arena_calloc(a, (size_t)all * sizeof *ms);
    int n = 0;
    for (ss_group_item *it = batch; it; it = it->batch_next) ms[n++] = (ss_vote_member *)it;
    int rc = admit ? admit(admit_ctx, ms, n) : SS_OK;
    if (rc == SS_EUNAVAIL) {   /* the leader's own Redis connection, say: each is admitted alone */
        for (int i = 0; i < all; i++) ms[i]->alone = ms[i]->unadmitted = 1, ms[i]->rc = 1;
        return;
    }
    n = 0;
    for (int i = 0; i < all; i++) {
        if (rc) ms[i]->refused = 1, ms[i]->rc = rc;
        if (!ms[i]->refused) ms[n++] = ms[i];   /* the admitted ones, in order */
    }
    if (n == 0) return;
    batch_ctx c = {a, ms, n, ss_arena_calloc(a, (size_t)n * sizeof(ss_vote_pick)),
                   ss_arena_calloc(a, (size_t)n * sizeof(int)), 0};
    rc = ss_db_tx(db, batch_tx, &c);
    ss_metrics_batch(SS_BATCH_VOTES, n, rc != SS_OK && !(rc == SS_EUNAVAIL && c.written));
    for (int i = 0; i < n; i++) {
        ss_vote_member *m = c.m[i];
        const ss_vote_pick *p = &c.picks[i];
        if (rc == SS_EUNAVAIL && c.written) {   /* the COMMIT lost with the connection: stored or not */
            m->rc = SS_EUNAVAIL;
        } else if (rc) {   /* nothing of the batch is stored (a connection lost before the COMMIT too) */
            m->alone = 1;
            m->rc = 1;
        } else if (c.twin[i]) {    /* its key's reply is stored: the pipeline replays it */
            m->rc = SS_EUNAVAIL;
        } else {
            m->rc = p->verdict == SS_VOTE_TAKEN ? SS_OK : p->verdict == SS_VOTE_LIMIT ? SS_ELIMIT : SS_ENOTFOUND;
            m->votes_left = p->votes_left;
        }
    }
    if (rc && !(rc == SS_EUNAVAIL && c.written))
        SS_WARN("votes", "msg=\"vote batch failed, its votes are stored one by one\" votes=%d rc=%d", n, rc);
}


/* A batch is one contest's votes of one day; two votes of one user with one Idempotency-Key
 * (a parallel retry) never share one: the later waits for the next, which finds the key
 * stored. */
static int joins(const ss_group_item *first, const ss_group_item *batch, const ss_group_item *item)
{
    const ss_vote_member *f = (const ss_vote_member *)first, *m = (const ss_vote_member *)item;
    if (m->v.contest_id != f->v.contest_id || strcmp(m->v.day, f->v.day) != 0) return 0;
    if (!m->idem.key) return 1;
    for (const ss_group_item *b = batch; b; b = b->batch_next) {
        const ss_vote_member *o = (const ss_vote_member *)b;
        if (o->idem.key && o->idem.user_id == m->idem.user_id && strcmp(o->idem.key, m->idem.key) == 0) return 0;
    }
    return 1;
}

/* The votes of this process wait here (one leader at a time: two were measured, no faster). */
static ss_group queue = SS_GROUP_INIT(SS_VOTE_BATCH_MAX, joins);

typedef struct {
    ss_db *db;
    ss_arena *a;
    ss_vote_admit admit;
    void *admit_ctx;
} leader_ctx;

static void run_group(void *ctx, ss_group_item *batch)
{
    leader_ctx *l = ctx;
    run(l->db, l->a, batch, l->admit, l->admit_ctx);
}

int ss_vote_batch_submit(ss_db *db, ss_arena *a, ss_vote_member *m, ss_vote_admit admit, void *admit_ctx)
{
    m->alone = m->refused = m->unadmitted = 0;
    m->rc = SS_EINTERNAL;
    leader_ctx l = {db, a, admit, admit_ctx};
    ss_group_submit(&queue, &m->item, run_group, &l);
    return m->rc;
}
