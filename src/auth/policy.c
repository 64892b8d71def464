/* Object-level authorization (see policy.h). */
#include "auth/policy.h"

#include <string.h>

#include "util/status.h"

int ss_policy_is_community_admin(const ss_caller *caller, long long community_id)
{
    if (!caller->authenticated) return 0;
    if (caller->user.is_admin) return 1;
    for (int i = 0; i < caller->user.ncommunities; i++)
        if (caller->user.community_admin_of[i] == community_id) return 1;
    return 0;
}

/* The filer of an organization not yet filed: its leader-to-be, told to wait, not refused. */
static int owner_waiting(const ss_caller *caller, const ss_policy_facts *f)
{
    return caller->authenticated && !f->public_visible && f->owner_id && caller->user_id == f->owner_id;
}

int ss_policy_decide(const ss_caller *caller, ss_rule rule, const ss_policy_facts *f)
{
    int authed = caller->authenticated;
    ss_org_role role = authed ? f->role : SS_ORG_ROLE_NONE;
    int cadmin = ss_policy_is_community_admin(caller, f->community_id);
    int visible = f->public_visible || role != SS_ORG_ROLE_NONE || cadmin ||
                  (authed && f->owner_id && caller->user_id == f->owner_id);
    if (!visible) return SS_ENOTFOUND;
    switch (rule) {
    case SS_RULE_VISIBLE:
        return SS_OK;
    case SS_RULE_ORG_LEADER:
        if (role == SS_ORG_ROLE_LEADER) return SS_OK;
        return owner_waiting(caller, f) ? SS_ECONFLICT : SS_EFORBIDDEN;
    case SS_RULE_ORG_STAFF:
        if (role == SS_ORG_ROLE_LEADER || role == SS_ORG_ROLE_SOCIAL_WORKER) return SS_OK;
        return owner_waiting(caller, f) ? SS_ECONFLICT : SS_EFORBIDDEN;
    case SS_RULE_COMMUNITY_ADMIN:
        return cadmin ? SS_OK : SS_EFORBIDDEN;
    case SS_RULE_APPROVER:
        return role == SS_ORG_ROLE_LEADER || cadmin ? SS_OK : SS_EFORBIDDEN;
    }
    return SS_EFORBIDDEN;
}

static void activity_facts(const ss_activity *x, ss_policy_facts *f)
{
    f->public_visible = strcmp(x->status, "draft") != 0 && strcmp(x->org_status, "filed") == 0 &&
                        (!x->content_status || strcmp(x->content_status, "visible") == 0);
    f->community_id = x->community_id;
}

int ss_policy_load_check(ss_db *db, ss_near *near, ss_arena *a, const ss_caller *caller, ss_subject subject,
                         long long id, ss_rule rule, ss_policy_subject *out)
{
    ss_policy_facts f = {0};
    long long uid = caller->authenticated ? caller->user_id : 0;
    int rc;
    memset(out, 0, sizeof *out);
    switch (subject) {
    case SS_SUBJECT_ORG:
        if ((rc = ss_store_org_get_for(db, a, id, uid, &out->org, &out->role))) return rc;
        f.public_visible = strcmp(out->org.status, "filed") == 0 &&
                           (!out->org.content_status || strcmp(out->org.content_status, "visible") == 0);
        f.community_id = out->org.community_id;
        f.owner_id = out->org.filed_by;
        break;
    case SS_SUBJECT_ACTIVITY_VIEW:
        if ((rc = ss_store_activity_get_near(db, near, a, id, &out->activity))) return rc;
        if (uid && !ss_user_org_role(&caller->user, out->activity.org_id, &out->role) &&
            (rc = ss_store_activity_get_for(db, a, id, uid, &out->activity, &out->role)))
            return rc;
        activity_facts(&out->activity, &f);
        break;
    case SS_SUBJECT_ACTIVITY:
        if ((rc = ss_store_activity_get_for(db, a, id, uid, &out->activity, &out->role))) return rc;
        activity_facts(&out->activity, &f);
        break;
    case SS_SUBJECT_CORRECTION:   /* seen by the org's people and its approvers only */
        if ((rc = ss_store_correction_get_for(db, a, id, uid, &out->correction, &out->role))) return rc;
        f.community_id = out->correction.community_id;
        break;
    default:
        return SS_OK;
    }
    f.role = out->role;
    return ss_policy_decide(caller, rule, &f);
}
