/* Audit rows for the caller's changes (see audit.h). */
#include "http/audit.h"

#include "auth/policy.h"
#include "store/audit.h"

/* The role under which the caller acted, most specific first. */
static const char *actor_role(const ss_req *req, long long community_id)
{
    if (req->subject.role == SS_ORG_ROLE_LEADER) return "leader";
    if (req->subject.role == SS_ORG_ROLE_SOCIAL_WORKER) return "social_worker";
    if (req->caller.user.is_admin) return "admin";
    if (community_id > 0 && ss_policy_is_community_admin(&req->caller, community_id)) return "community_admin";
    if (req->caller.user.is_volunteer) return "volunteer";
    return "resident";
}

int ss_audit(ss_req *req, const char *action, const char *object_type, long long object_id, long long community_id,
             const char *summary)
{
    if (community_id <= 0) community_id = req->subject.org.id ? req->subject.org.community_id
                                                               : req->subject.activity.community_id;
    ss_audit_entry e = {.actor_id = req->caller.user_id,
                        .actor_role = actor_role(req, community_id),
                        .action = action,
                        .object_type = object_type,
                        .object_id = object_id,
                        .community_id = community_id,
                        .summary = summary,
                        .request_id = req->request_id};
    return ss_store_audit_append(req->db, &e);
}
