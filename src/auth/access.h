/* What a route declares about its callers and its object (http/router.h), and what the policy
 * (auth/policy.h) decides from: kept here, below both, so that neither includes the other. */
#ifndef SS_AUTH_ACCESS_H
#define SS_AUTH_ACCESS_H

/* Who may call a route; checked before the handler runs. Object-level checks (owner, org
 * role, community) are made by the policy functions in auth/policy.h. */
typedef enum {
    SS_ACCESS_PUBLIC = 0,   /* anyone; the caller is authenticated if a token is sent */
    SS_ACCESS_SIGNED_IN,    /* a valid session */
    SS_ACCESS_VOLUNTEER,    /* a valid session of a registered volunteer (else 403 volunteer_required) */
    SS_ACCESS_ADMIN,        /* a valid session with the admin role */
    SS_ACCESS_APPROVER,     /* a valid session of an admin or of a community admin (of any community) */
} ss_access;

/* The object a route acts on: its first `{param}` names it. The server loads it and checks
 * the route's rule against the caller before the handler runs (auth/policy.c), so no
 * handler can forget an object-level check. */
typedef enum {
    SS_SUBJECT_NONE = 0,
    SS_SUBJECT_ORG,         /* {id} is an organization */
    SS_SUBJECT_ACTIVITY,    /* {id} is an activity (its organization comes along) */
    SS_SUBJECT_CORRECTION,  /* {id} is a service-time correction (its activity and organization come along) */
    SS_SUBJECT_ACTIVITY_VIEW,  /* {id} is an activity as shown to people, up to SS_PUBLIC_MAX_AGE_MS old: for reads,
                                * and for a write only to decide what changes nothing (a handler
                                * that goes on to change something loads SS_SUBJECT_ACTIVITY itself) */
} ss_subject;

typedef enum {
    SS_RULE_VISIBLE = 0,    /* anyone who may see the object */
    SS_RULE_ORG_LEADER,     /* the organization's leader */
    SS_RULE_ORG_STAFF,      /* the organization's leader or a social worker */
    SS_RULE_COMMUNITY_ADMIN,/* an admin, or an admin of the object's community */
    SS_RULE_APPROVER,       /* the organization's leader, the community's admin, or an admin */
} ss_rule;

#endif
