/* Notifications, grants and the outbox (see notifications.h). */
#include "store/notifications.h"

#include <string.h>

#include "util/status.h"

static ss_sql q_notify_user = SS_SQL(
    "INSERT IGNORE INTO notifications (user_id, kind, event_key, activity_id, object_id, title, body, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP())");
static ss_sql q_notify_signed_up = SS_SQL(
    "INSERT IGNORE INTO notifications (user_id, kind, event_key, activity_id, object_id, title, body, created_at) "
    "SELECT s.user_id, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP() FROM signups s "
    "WHERE s.activity_id = ? AND s.status IN ('confirmed', 'waitlisted')");
static ss_sql q_inbox = SS_SQL(
    "SELECT id, COALESCE(activity_id, 0), COALESCE(object_id, 0), kind, title, body, UNIX_TIMESTAMP(created_at), "
    "COALESCE(UNIX_TIMESTAMP(read_at), 0) FROM notifications WHERE user_id = ? AND (? = 0 OR read_at IS NULL) "
    "AND id < ? ORDER BY id DESC LIMIT ?");
static ss_sql q_read = SS_SQL(
    "UPDATE notifications SET read_at = COALESCE(read_at, UTC_TIMESTAMP()) WHERE id = ? AND user_id = ?");
static ss_sql q_mine = SS_SQL("SELECT 1 FROM notifications WHERE id = ? AND user_id = ?");
static ss_sql q_grant = SS_SQL(
    "INSERT INTO wx_subscriptions (user_id, template_id, activity_id, granted_at) VALUES (?, ?, ?, UTC_TIMESTAMP())");
/* A reminder of kind (?, twice) with title prefix (?) for a sign-up s of activity a. */
#define REMINDER_INSERT \
    "INSERT IGNORE INTO notifications (user_id, kind, event_key, activity_id, title, body, created_at) " \
    "SELECT s.user_id, ?, CONCAT(?, ':', a.id), a.id, LEFT(CONCAT(?, a.title), 100), " \
    "LEFT(CONCAT(a.location_name, ' ', DATE_FORMAT(CONVERT_TZ(a.starts_at, '+00:00', '+08:00'), '%Y-%m-%d %H:%i')), " \
    "500), UTC_TIMESTAMP() "
static ss_sql q_reminders = SS_SQL(
    REMINDER_INSERT "FROM activities a JOIN signups s ON s.activity_id = a.id "
    "AND s.status IN ('confirmed', 'waitlisted') WHERE a.status = 'published' "
    "AND a.starts_at >= FROM_UNIXTIME(?) AND a.starts_at < FROM_UNIXTIME(?)");
/* The same for the sign-ups changed in the last ? seconds (by the database's clock) only. */
static ss_sql q_reminders_recent = SS_SQL(
    REMINDER_INSERT "FROM signups s JOIN activities a ON a.id = s.activity_id "
    "WHERE s.updated_at >= UTC_TIMESTAMP() - INTERVAL ? SECOND AND s.status IN ('confirmed', 'waitlisted') "
    "AND a.status = 'published' AND a.starts_at >= FROM_UNIXTIME(?) AND a.starts_at < FROM_UNIXTIME(?)");
static ss_sql q_pending = SS_SQL(
    "SELECT n.id, n.user_id, COALESCE(n.activity_id, 0), n.kind, n.title, n.body, u.openid, "
    "COALESCE((SELECT UNIX_TIMESTAMP(a.starts_at) FROM activities a WHERE a.id = n.activity_id), 0), "
    "COALESCE((SELECT a.status = 'cancelled' FROM activities a WHERE a.id = n.activity_id), 0) "
    "FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.wx_state = 'pending' ORDER BY n.id LIMIT ?");
static ss_sql q_claim = SS_SQL(
    "UPDATE notifications SET wx_state = 'sending', wx_claimed_at = UTC_TIMESTAMP() "
    "WHERE id = ? AND wx_state = 'pending'");
static ss_sql q_find_grant = SS_SQL(
    "SELECT id FROM wx_subscriptions WHERE user_id = ? AND template_id = ? AND used_by_notification IS NULL "
    "AND (activity_id IS NULL OR activity_id = ?) ORDER BY activity_id IS NULL, id LIMIT 1 FOR UPDATE");
static ss_sql q_spend_grant = SS_SQL(
    "UPDATE wx_subscriptions SET used_by_notification = ? WHERE id = ? AND used_by_notification IS NULL");
static ss_sql q_set_grant = SS_SQL("UPDATE notifications SET wx_subscription_id = ? WHERE id = ?");
static ss_sql q_no_grant = SS_SQL(
    "UPDATE notifications SET wx_state = 'no_grant', wx_done_at = UTC_TIMESTAMP() WHERE id = ?");
static ss_sql q_done = SS_SQL(
    "UPDATE notifications SET wx_state = ?, wx_errcode = ?, wx_done_at = UTC_TIMESTAMP() WHERE id = ?");
static ss_sql q_recover = SS_SQL(
    "UPDATE notifications SET wx_state = 'unknown', wx_done_at = UTC_TIMESTAMP() WHERE wx_state = 'sending'");

#define OPT(x) ((x) ? SS_DB_I(x) : SS_DB_NUL)

int ss_store_notify_user(ss_db *db, ss_arena *a, long long user_id, const ss_notice *n)
{
    ss_db_val p[] = {SS_DB_I(user_id), SS_DB_S(n->kind),  SS_DB_S(n->event_key), OPT(n->activity_id),
                     OPT(n->object_id), SS_DB_S(n->title), SS_DB_S(n->body)};
    return ss_db_exec(db, &q_notify_user, p, 7, NULL, a);
}

int ss_store_notify_signed_up(ss_db *db, ss_arena *a, long long activity_id, const ss_notice *n)
{
    ss_db_val p[] = {SS_DB_S(n->kind),  SS_DB_S(n->event_key), OPT(n->activity_id), OPT(n->object_id),
                     SS_DB_S(n->title), SS_DB_S(n->body),      SS_DB_I(activity_id)};
    return ss_db_exec(db, &q_notify_signed_up, p, 7, NULL, a);
}

int ss_store_inbox(ss_db *db, ss_arena *a, long long user_id, int unread_only, long long before_id, int limit,
                   ss_notification **out, int *n)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(user_id), SS_DB_I(unread_only), SS_DB_I(before_id), SS_DB_I(limit)};
    int rc = ss_db_exec(db, &q_inbox, p, 4, &res, a);
    if (rc) return rc;
    ss_notification *items = ss_arena_calloc(a, (size_t)(res.nrows + 1) * sizeof *items);
    for (int i = 0; i < res.nrows; i++) {
        char **r = res.rows[i];
        items[i] = (ss_notification){ss_db_int(r[0]), ss_db_int(r[1]), ss_db_int(r[2]), r[3], r[4], r[5],
                                     (time_t)ss_db_int(r[6]), (time_t)ss_db_int(r[7])};
    }
    *out = items;
    *n = res.nrows;
    return SS_OK;
}

int ss_store_notification_read(ss_db *db, ss_arena *a, long long user_id, long long id)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(id), SS_DB_I(user_id)};
    int rc = ss_db_exec(db, &q_mine, p, 2, &res, a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    return ss_db_exec(db, &q_read, p, 2, NULL, a);
}

int ss_store_subscription_add(ss_db *db, ss_arena *a, long long user_id, const char *template_id,
                              long long activity_id, long long *id)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(user_id), SS_DB_S(template_id), OPT(activity_id)};
    int rc = ss_db_exec(db, &q_grant, p, 3, &res, a);
    if (rc == SS_OK) *id = (long long)res.insert_id;
    return rc;
}

int ss_store_reminders_enqueue(ss_db *db, ss_arena *a, const char *kind, const char *title_prefix, time_t from,
                               time_t to, long long *added)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_S(kind), SS_DB_S(kind), SS_DB_S(title_prefix), SS_DB_I(from), SS_DB_I(to)};
    int rc = ss_db_exec(db, &q_reminders, p, 5, &res, a);
    if (rc == SS_OK) *added = (long long)res.affected;
    return rc;
}

int ss_store_reminders_enqueue_recent(ss_db *db, ss_arena *a, const char *kind, const char *title_prefix,
                                      time_t from, time_t to, int within_s, long long *added)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_S(kind), SS_DB_S(kind), SS_DB_S(title_prefix), SS_DB_I(within_s), SS_DB_I(from),
                     SS_DB_I(to)};
    int rc = ss_db_exec(db, &q_reminders_recent, p, 6, &res, a);
    if (rc == SS_OK) *added = (long long)res.affected;
    return rc;
}

int ss_store_outbox_pending(ss_db *db, ss_arena *a, int limit, ss_outbox_item **out, int *n)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(limit)};
    int rc = ss_db_exec(db, &q_pending, p, 1, &res, a);
    if (rc) return rc;
    ss_outbox_item *items = ss_arena_calloc(a, (size_t)(res.nrows + 1) * sizeof *items);
    for (int i = 0; i < res.nrows; i++) {
        char **r = res.rows[i];
        items[i] = (ss_outbox_item){ss_db_int(r[0]), ss_db_int(r[1]), ss_db_int(r[2]), r[3], r[4], r[5], r[6],
                                    (time_t)ss_db_int(r[7]), (int)ss_db_int(r[8])};
    }
    *out = items;
    *n = res.nrows;
    return SS_OK;
}

typedef struct {
    ss_arena *a;
    long long id, user_id, activity_id;
    const char *template_id;
    int no_grant;
} claim_ctx;

static int claim_tx(ss_db *db, void *arg)
{
    claim_ctx *c = arg;
    ss_db_result res, grant;
    ss_db_val pc[] = {SS_DB_I(c->id)};
    int rc = ss_db_exec(db, &q_claim, pc, 1, &res, c->a);
    if (rc) return rc;
    if (res.affected == 0) return SS_ECONFLICT;
    ss_db_val pg[] = {SS_DB_I(c->user_id), SS_DB_S(c->template_id), SS_DB_I(c->activity_id)};
    if ((rc = ss_db_exec(db, &q_find_grant, pg, 3, &grant, c->a))) return rc;
    if (grant.nrows == 0) {
        c->no_grant = 1;   /* committed as a final state; reported as SS_ENOTFOUND */
        return ss_db_exec(db, &q_no_grant, pc, 1, NULL, c->a);
    }
    long long gid = ss_db_int(grant.rows[0][0]);
    ss_db_val ps[] = {SS_DB_I(c->id), SS_DB_I(gid)};
    if ((rc = ss_db_exec(db, &q_spend_grant, ps, 2, NULL, c->a))) return rc;
    ss_db_val pn[] = {SS_DB_I(gid), SS_DB_I(c->id)};
    return ss_db_exec(db, &q_set_grant, pn, 2, NULL, c->a);
}

int ss_store_outbox_claim(ss_db *db, ss_arena *a, long long id, long long user_id, long long activity_id,
                          const char *template_id)
{
    claim_ctx c = {a, id, user_id, activity_id, template_id, 0};
    int rc = ss_db_tx(db, claim_tx, &c);
    return rc == SS_OK && c.no_grant ? SS_ENOTFOUND : rc;
}

int ss_store_outbox_done(ss_db *db, ss_arena *a, long long id, const char *state, long errcode)
{
    ss_db_val p[] = {SS_DB_S(state), errcode ? SS_DB_I(errcode) : SS_DB_NUL, SS_DB_I(id)};
    return ss_db_exec(db, &q_done, p, 3, NULL, a);
}

int ss_store_outbox_recover(ss_db *db, ss_arena *a, long long *n)
{
    ss_db_result res;
    int rc = ss_db_exec(db, &q_recover, NULL, 0, &res, a);
    if (rc == SS_OK) *n = (long long)res.affected;
    return rc;
}
