/* Each handler file (one per resource) exports its route table here; routes.c adds them
 * all to the router, so this header and routes.c list every resource. */
#ifndef SS_HANDLERS_HANDLERS_H
#define SS_HANDLERS_HANDLERS_H

#include <stddef.h>

#include "http/router.h"

typedef struct ss_route_table {
    const ss_route *routes;
    size_t n;
} ss_route_table;

extern const ss_route_table ss_auth_routes;     /* auth.c: wx-login, logout */
extern const ss_route_table ss_me_routes;       /* me.c: the caller */
extern const ss_route_table ss_health_routes;   /* health.c: /healthz, /metrics */
extern const ss_route_table ss_community_routes;/* communities.c */
extern const ss_route_table ss_org_routes;      /* orgs.c: organizations and members */
extern const ss_route_table ss_activity_routes; /* activities.c */
extern const ss_route_table ss_signup_routes;   /* signups.c: sign-ups, rosters, the caller's list */
extern const ss_route_table ss_volunteer_routes;/* volunteers.c: real-name registration */
extern const ss_route_table ss_checkin_routes;  /* checkins.c: QR codes, check-in, check-out */
extern const ss_route_table ss_service_record_routes; /* service_records.c: the ledger */
extern const ss_route_table ss_certificate_routes; /* certificates.c: service-record certificates */
extern const ss_route_table ss_attendance_routes; /* attendance.c: personal codes, offline batches */
extern const ss_route_table ss_contest_routes;  /* contests.c: contests, projects, results */
extern const ss_route_table ss_vote_routes;     /* votes.c: voting */
extern const ss_route_table ss_notification_routes; /* notifications.c: inbox, WeChat subscriptions */
extern const ss_route_table ss_qr_ticket_routes;   /* qr_tickets.c: console sign-in by QR code */
extern const ss_route_table ss_invite_routes;   /* invites.c: accepting an invitation into an org */
extern const ss_route_table ss_content_review_routes;   /* content_reviews.c: the content review queue */
extern const ss_route_table ss_audit_routes;    /* audit.c: the audit log */
extern const ss_route_table ss_need_routes;     /* needs.c: residents' needs (需求清单) */
extern const ss_route_table ss_project_routes;  /* projects.c: service projects and resources */
extern const ss_route_table ss_consultation_routes; /* consultations.c: community consultation */
extern const ss_route_table ss_rating_routes;   /* ratings.c: satisfaction ratings */
extern const ss_route_table ss_stats_routes;    /* stats.c: the dashboards */

struct ss_req;
/* Sets *yes when the caller is community staff of community_id: an admin, its community admin,
 * or the leader or a social worker of a filed organization there (needs.c). Returns 0 or a db error. */
int ss_handler_community_staff(struct ss_req *req, long long community_id, int *yes);

struct ss_contest;
/* Loads contest id into c; one held for content review is SS_ENOTFOUND but for its community's
 * admins and admins (contests.c). Returns 0, SS_ENOTFOUND or a db error. */
int ss_handler_contest_load(struct ss_req *req, long long id, struct ss_contest *c);

/* Builds the router from every table. Returns 0, or an ss_err for a bad table. */
int ss_routes_register(ss_router *r);

#endif
