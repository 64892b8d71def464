/* Satisfaction ratings of activities and their tallies per organization and per social worker
 * (sql/032_ratings_reviews.sql). Returns are 0 or a db error unless stated. */
#ifndef SS_STORE_RATINGS_H
#define SS_STORE_RATINGS_H

#include "store/db.h"

/* Sets *yes when user_id checked in at the activity. */
int ss_store_checked_in(ss_db *db, ss_arena *a, long long activity_id, long long user_id, int *yes);
/* Stores the rating and moves the tallies of the org and of its social workers (snapshotted in
 * rating_staff) in one transaction. SS_ECONFLICT: this user already rated this activity. */
int ss_store_rating_create(ss_db *db, ss_arena *a, long long activity_id, long long org_id, long long user_id,
                           int score, const char *comment, long long *id);
/* by_score[1..5] of subject ("org" or "social_worker") subject_id. */
int ss_store_rating_tally(ss_db *db, ss_arena *a, const char *subject, long long subject_id, long long by_score[6]);
/* 0 if the user exists, SS_ENOTFOUND if not. */
int ss_store_user_exists(ss_db *db, ss_arena *a, long long user_id);

#endif
