/* Contests, projects, votes and tallies in MariaDB (the design is in
 * sql/004_contests_votes.sql: votes are the truth, quotas and tally slots move with them in
 * the same transaction). */
#ifndef SS_STORE_CONTESTS_H
#define SS_STORE_CONTESTS_H

#include <time.h>

#include "store/db.h"

typedef struct ss_contest {
    long long id, community_id;          /* community 0: open to all */
    const char *title;
    long long budget_cents;
    long votes_per_user_per_day;
    time_t submit_until, vote_from, vote_until, created_at;
    int expert_weight_milli;             /* expert_weight * 1000, 0..1000 */
    const char *content_status;          /* "visible", or "review"/"rejected": hidden but for staff */
} ss_contest;

typedef struct ss_project {
    long long id, contest_id, org_id, budget_cents, votes;
    const char *title, *summary, *status, *org_name, *reject_reason;
    time_t created_at;
    long long review_sum, review_count;  /* expert reviews, kept by their transactions */
    long long submitted_by;
    const char *content_status;          /* "visible", or "review"/"rejected": not listed, not votable */
} ss_project;

int ss_store_contest_create(ss_db *db, ss_arena *a, const ss_contest *c, long long created_by, long long *id);
int ss_store_contest_get(ss_db *db, ss_arena *a, long long id, ss_contest *out);   /* SS_ENOTFOUND */
/* Contests before before_id, newest first; all: held ones too (else content_status visible only). */
int ss_store_contest_list(ss_db *db, ss_arena *a, long long before_id, int all, int limit, ss_contest **out, int *n);

int ss_store_project_create(ss_db *db, ss_arena *a, const ss_project *p, long long submitted_by, long long *id);
int ss_store_project_get(ss_db *db, ss_arena *a, long long id, ss_project *out);   /* SS_ENOTFOUND */
/* submitted -> approved (creating its tally slots) or rejected. Repeating: 0. The other
 * decision already made: SS_ECONFLICT. */
int ss_store_project_decide(ss_db *db, ss_arena *a, long long id, const char *status, const char *reason,
                            long long by_user);
/* The approval queue of a contest: projects in status (NULL: any); leader_id not 0: only the
 * projects of organizations that user leads. By id. */
int ss_store_project_queue(ss_db *db, ss_arena *a, long long contest_id, const char *status, long long leader_id,
                           ss_project **out, int *n);
/* 0 if user_id leads at least one organization, SS_ENOTFOUND if not. */
int ss_store_user_leads_any(ss_db *db, ss_arena *a, long long user_id);
/* A contest's projects with vote counts, by id; approved ones not held for content review only
 * unless all. */
int ss_store_project_list(ss_db *db, ss_arena *a, long long contest_id, int all, ss_project **out, int *n);

typedef struct ss_vote_request {
    long long contest_id, project_id, user_id;
    long limit;                          /* votes per user per day */
    const char *day;                     /* Shanghai calendar day, "YYYY-MM-DD" */
    const char *client_addr;
    time_t now;
} ss_vote_request;

/* Stores one vote (a retry with an Idempotency-Key is answered before this, by the request
 * pipeline: http/idempotency.h). Returns 0 with *votes_left; SS_ENOTFOUND: no approved
 * project of this contest (before SS_ELIMIT: an unknown project is not found, whatever the
 * quota); SS_ELIMIT: the daily limit is used up; or a db error. */
int ss_store_vote(ss_db *db, ss_arena *a, const ss_vote_request *v, long *votes_left);

typedef struct ss_recount_row {
    long long project_id, counted, tallied;
} ss_recount_row;

/* Rebuilds every project's tally slots of the contest from its stored votes, under lock,
 * and reports each project's stored count and previous tally. */
int ss_store_contest_recount(ss_db *db, ss_arena *a, long long contest_id, ss_recount_row **out, int *n);

/* SS_OK if project_id is an approved project of contest_id not held for content review (one
 * that may get votes), else SS_ENOTFOUND. */
int ss_store_project_votable(ss_db *db, ss_arena *a, long long contest_id, long long project_id);
/* Names user_id a reviewer of the contest; *created 0 when they already were. SS_ENOTFOUND: no
 * such user. */
int ss_store_reviewer_add(ss_db *db, ss_arena *a, long long contest_id, long long user_id, long long by_user,
                          int *created);
int ss_store_reviewer_is(ss_db *db, ss_arena *a, long long contest_id, long long user_id, int *yes);
/* Stores or replaces the reviewer's review of the project and moves the project's review_sum and
 * review_count in the same transaction; *created tells a first review from an edit. */
int ss_store_review_put(ss_db *db, ss_arena *a, long long project_id, long long reviewer_id, int score,
                        const char *comment, int *created);

#endif
