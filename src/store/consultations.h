/* Community consultations, their options with tallies, ballots and comments
 * (sql/031_consultations.sql). Returns are 0 or a db error unless stated. */
#ifndef SS_STORE_CONSULTATIONS_H
#define SS_STORE_CONSULTATIONS_H

#include <time.h>

#include "store/db.h"

#define SS_CONSULT_OPTIONS_MAX 10

typedef struct ss_consultation {
    long long id, community_id, convened_by, ballots;
    const char *title, *body, *stage, *decision, *feedback;
    time_t closes_at, created_at, resolved_at, publicized_at, feedback_at;   /* 0: not yet */
    int noptions;
    const char *options[SS_CONSULT_OPTIONS_MAX];
    long long votes[SS_CONSULT_OPTIONS_MAX];
    const char *content_status;   /* "visible", or "review"/"rejected": shown to its community's staff only */
} ss_consultation;

typedef struct ss_consult_comment {
    long long id, user_id;
    const char *nickname, *body;
    time_t created_at;
    const char *content_status;   /* "visible", or "review"/"rejected": shown to its author and staff only */
} ss_consult_comment;

int ss_store_consultation_create(ss_db *db, ss_arena *a, const ss_consultation *c, long long *id);
/* Loads it with its options and tallies. SS_ENOTFOUND. */
int ss_store_consultation_get(ss_db *db, ss_arena *a, long long id, ss_consultation *out);
/* A community's (0: any) consultations, newest first, id < before (options not loaded); those
 * held for content review are left out. */
int ss_store_consultation_list(ss_db *db, ss_arena *a, long long community_id, long long before, int limit,
                               ss_consultation **out, int *n);
/* The user's home community (0: none). */
int ss_store_user_home_community(ss_db *db, ss_arena *a, long long user_id, long long *community_id);
/* Casts user_id's ballot for option idx while the consultation is deliberating and before it closes
 * at now. SS_ECONFLICT: already voted (*closed 0) or no longer open (*closed 1). */
int ss_store_ballot_cast(ss_db *db, ss_arena *a, long long id, long long user_id, int idx, time_t now, int *closed);
/* Adds a comment while deliberating. SS_ECONFLICT: no longer deliberating. */
int ss_store_comment_add(ss_db *db, ss_arena *a, long long id, long long user_id, const char *body, long long *cid);
/* The latest comments (up to limit), oldest first. */
int ss_store_comment_list(ss_db *db, ss_arena *a, long long id, long long viewer_id, int held_too, int limit,
                          ss_consult_comment **out, int *n);
/* Moves the stage from `from` to `to` under the row's lock, storing text in the stage's column
 * (decision for resolved, feedback for feedback). SS_ECONFLICT: not in `from`. */
int ss_store_consultation_advance(ss_db *db, ss_arena *a, long long id, const char *from, const char *to,
                                  const char *text);

#endif
