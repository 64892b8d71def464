/* Object-level authorization in one place. Every route names its subject (an organization
 * or an activity) and a rule; before the handler runs, the server calls
 * ss_policy_load_check(), which loads the subject with the caller's role in its
 * organization and applies ss_policy_decide(). Objects the caller may not see are 404 (so
 * their existence does not leak); visible objects the caller may not act on are 403. */
#ifndef SS_AUTH_POLICY_H
#define SS_AUTH_POLICY_H

#include "auth/caller.h"
#include "auth/access.h"
#include "store/activities.h"
#include "store/corrections.h"
#include "store/orgs.h"

/* What the decision needs to know about a subject. */
typedef struct ss_policy_facts {
    int public_visible;        /* anyone may see it (a filed org; a published or cancelled activity) */
    long long community_id;
    long long owner_id;        /* the org's filer (sees their own pending filing) */
    ss_org_role role;          /* the caller's role in the subject's organization */
} ss_policy_facts;

/* Pure: returns 0 if caller may apply rule to the subject, SS_ENOTFOUND if the caller may
 * not even see it, SS_EFORBIDDEN if they may see it but not do this, SS_ECONFLICT if they
 * are the filer of an organization not yet filed asking for a leader's or staff action
 * (replied as 409 org_not_filed: they will be its leader once it is approved). */
int ss_policy_decide(const ss_caller *caller, ss_rule rule, const ss_policy_facts *facts);

/* Returns 1 if the caller is an admin or administers community_id. */
int ss_policy_is_community_admin(const ss_caller *caller, long long community_id);

/* The loaded subject of a request. */
typedef struct ss_policy_subject {
    ss_org org;                /* SS_SUBJECT_ORG */
    ss_activity activity;      /* SS_SUBJECT_ACTIVITY, SS_SUBJECT_ACTIVITY_VIEW */
    ss_correction correction;  /* SS_SUBJECT_CORRECTION */
    ss_org_role role;          /* the caller's role in the organization */
} ss_policy_subject;

/* Loads subject `id` of kind `subject` and decides `rule` for caller. Returns 0 and fills *out,
 * SS_ENOTFOUND, SS_EFORBIDDEN, or a db error. SS_SUBJECT_ACTIVITY_VIEW reads the activity
 * through near (may be NULL) and the caller's role from the memberships carried with the
 * caller: no query when both are at hand. */
int ss_policy_load_check(ss_db *db, ss_near *near, ss_arena *a, const ss_caller *caller, ss_subject subject,
                         long long id, ss_rule rule, ss_policy_subject *out);

#endif
