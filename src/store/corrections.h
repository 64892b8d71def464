/* Corrections of service time as proposals (service_corrections) in MariaDB: proposed by an
 * org's staff or asked by the volunteer, decided by a second person; only an approved one is
 * appended to the ledger (service_records, kind 'correction', correction_id unique).
 *
 * The cap (ss_correction_fits) counts what is credited and what is pending. Every proposal and
 * every decision for a person first locks that person's users row (SELECT ... FOR UPDATE), so
 * parallel proposals and approvals for one person are serialised and cannot all pass the sum
 * check; on a multi-primary cluster the same transactions conflict at certification and the
 * loser is retried by ss_db_tx. */
#ifndef SS_STORE_CORRECTIONS_H
#define SS_STORE_CORRECTIONS_H

#include <time.h>

#include "store/db.h"
#include "store/orgs.h"

typedef struct ss_correction {
    long long id, user_id, activity_id, proposed_by, decided_by;
    const char *kind;                 /* staff | request */
    const char *status;               /* pending | approved | rejected */
    const char *reason, *decision_note;
    long minutes;
    time_t created_at, decided_at;    /* decided_at 0: not yet */
    /* the activity and its organization, for the policy and the views */
    long long org_id, community_id;
    const char *title, *org_name;
    time_t starts_at, ends_at;
    long service_minutes;
} ss_correction;

/* What a proposal or an approval met. */
typedef enum {
    SS_CORR_OK = 0,
    SS_CORR_NOT_PARTICIPANT,   /* neither a confirmed sign-up nor a check-in */
    SS_CORR_OVER_CAP,          /* credited + pending (+ this) above the cap */
    SS_CORR_NEGATIVE,          /* would take the person's minutes below zero */
} ss_corr_verdict;

/* Proposes c->minutes for c->user_id on c->activity_id (kind, reason, proposed_by set by the
 * caller) under cap minutes. Returns 0 with *verdict; when SS_CORR_OK the row is stored and
 * c->id, c->status, c->created_at are set. */
int ss_store_correction_propose(ss_db *db, ss_arena *a, ss_correction *c, long cap, ss_corr_verdict *verdict);

/* Loads correction id with its activity and user_id's role in the activity's org. SS_ENOTFOUND. */
int ss_store_correction_get_for(ss_db *db, ss_arena *a, long long id, long long user_id, ss_correction *out,
                                ss_org_role *role);

/* Decides a pending correction: approve (appending the ledger row, if the cap and the floor
 * still hold: else *verdict says why and nothing changes) or reject. Returns 0; SS_ECONFLICT
 * if it is no longer pending; SS_ENOTFOUND. On success *out is the decided row. */
int ss_store_correction_decide(ss_db *db, ss_arena *a, long long id, long long decider, int approve,
                               const char *note, ss_corr_verdict *verdict, ss_correction *out);

/* The corrections approver `user_id` may decide or has decided, in `status`, by id after the
 * cursor: those of orgs they lead, of communities they administer, or all for an admin. With
 * status "pending", those they proposed or that credit them are left out (they cannot decide them). */
int ss_store_corrections_queue(ss_db *db, ss_arena *a, long long user_id, const char *status, long long after_id,
                               int limit, ss_correction **out, int *n);

#endif
