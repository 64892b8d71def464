/* Group commit of sign-ins (see login_batch.h). */
#include "store/login_batch.h"

#include <string.h>

#include "util/log.h"
#include "util/metrics.h"
#include "util/status.h"

typedef struct {
    ss_db *db;
    ss_arena *a;
} leader_ctx;

/* Writes one batch and sets each member's outcome. */
static void run(void *ctx, ss_group_item *batch)
{
    leader_ctx *lc = ctx;
    int n = 0;
    for (ss_group_item *it = batch; it; it = it->batch_next) n++;
    ss_user_login *l = ss_arena_calloc(lc->a, (size_t)n * sizeof *l);
    int i = 0;
    for (ss_group_item *it = batch; it; it = it->batch_next) l[i++] = ((ss_login_member *)it)->l;
    int rc = ss_store_users_login(lc->db, lc->a, l, n);
    ss_metrics_batch(SS_BATCH_LOGINS, n, rc != SS_OK);
    if (rc) SS_WARN("users", "msg=\"sign-in batch failed, its sign-ins run one by one\" n=%d rc=%d", n, rc);
    i = 0;
    for (ss_group_item *it = batch; it; it = it->batch_next, i++) {
        ss_login_member *m = (ss_login_member *)it;
        m->rc = rc ? 1 : SS_OK;
        if (!rc) m->l.user = l[i].user;
    }
}

/* One openid at most once in a batch: the statement's rows are matched to sign-ins by it. */
static int joins(const ss_group_item *first, const ss_group_item *batch, const ss_group_item *item)
{
    (void)first;
    const ss_login_member *m = (const ss_login_member *)item;
    for (const ss_group_item *b = batch; b; b = b->batch_next)
        if (strcmp(((const ss_login_member *)b)->l.openid, m->l.openid) == 0) return 0;
    return 1;
}

/* The sign-ins of this process wait here. */
static ss_group queue = SS_GROUP_INIT(SS_LOGIN_BATCH_MAX, joins);

int ss_login_batch_submit(ss_db *db, ss_arena *a, ss_login_member *m)
{
    m->rc = SS_EINTERNAL;
    leader_ctx lc = {db, a};
    ss_group_submit(&queue, &m->item, run, &lc);
    return m->rc;
}
