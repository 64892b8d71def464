/* Contest rules that need no I/O: the voting day (a calendar day in Asia/Shanghai, UTC+8
 * all year), the contest's own time rules, and the results: projects ranked by votes
 * (ties: the earlier-submitted project first) and funded in rank order while the budget lasts. */
#ifndef SS_DOMAIN_CONTEST_H
#define SS_DOMAIN_CONTEST_H

#include <time.h>

/* A vote's tally row lock is held until commit: 64 slots let 64 commit at once. The trigger
 * contest_votes_tally (sql/062_vote_tally_trigger.sql) picks the slot: change both together. */
#define SS_TALLY_SLOTS 64
#define SS_VOTES_PER_DAY_MAX 100
#define SS_BUDGET_MAX_CENTS 100000000000LL    /* 10^9 yuan */

/* Writes the Shanghai calendar day of t as "YYYY-MM-DD" into out (11 bytes). */
void ss_vote_day(time_t t, char *out);

/* Checks a new contest's times at now. Returns 0, or -1 with *field and *why. */
int ss_contest_check_times(time_t now, time_t submit_until, time_t vote_from, time_t vote_until, const char **field,
                           const char **why);
/* Returns 1 if voting is open at now: [vote_from, vote_until). */
int ss_voting_open(time_t now, time_t vote_from, time_t vote_until);
/* Returns 1 if project submission is open at now: before submit_until. */
int ss_submission_open(time_t now, time_t submit_until);

typedef struct ss_result_row {
    long long project_id;      /* ids grow with submission order */
    long long votes;
    long long budget_cents;
    int funded;                /* OUT */
} ss_result_row;

/* Sorts rows by votes descending, then project_id ascending, and marks funded: in rank
 * order, each project is funded while its budget fits in what is left; the first one that
 * does not fit ends the funding (rank is never skipped for a cheaper project). */
void ss_contest_rank(ss_result_row *rows, int n, long long budget_cents);

/* Expert review (openapi.yaml, the contest results). A project's
 * expert_score is the mean of its reviews (review_sum / review_count, kept by the reviews'
 * transactions); its vote share is 100 * votes / max_votes over the contest's approved
 * projects (0 when nobody voted). composite = w * expert_score + (1 - w) * vote share, with w
 * the contest's expert_weight in [0, 1]; a project without reviews has expert_score 0. */
typedef struct ss_composite_row {
    long long project_id;
    long long votes;
    long long review_sum, review_count;
    long long budget_cents;
    double expert_score;       /* OUT */
    double composite;          /* OUT */
    int funded;                /* OUT */
} ss_composite_row;

/* The mean review score (0 without reviews). */
double ss_expert_score(long long review_sum, long long review_count);
/* The composite of one project (see above); weight outside [0, 1] is clamped. */
double ss_contest_composite(double weight, double expert_score, long long votes, long long max_votes);
/* Fills expert_score and composite, sorts by composite descending (ties: more votes, then the
 * earlier project) and marks funded as ss_contest_rank does. */
void ss_contest_rank_composite(ss_composite_row *rows, int n, double weight, long long budget_cents);

/* Group commit of votes (store/vote_batch.c): the votes of one batch, all for one contest and
 * one day, are decided together against what the batch read under lock. A vote is taken when
 * its project is votable and its user has votes left, counting the user's votes taken earlier
 * in the same batch; an unknown project is refused before the limit (404 before 429, as for a
 * single vote). */
typedef enum { SS_VOTE_TAKEN = 0, SS_VOTE_NO_PROJECT, SS_VOTE_LIMIT } ss_vote_verdict;

typedef struct ss_vote_pick {
    long long project_id, user_id;
    long limit;                /* votes per user per day */
    long used;                 /* IN: the user's votes stored today; OUT when taken: with this one */
    ss_vote_verdict verdict;   /* OUT */
    long votes_left;           /* OUT when taken */
} ss_vote_pick;

/* Decides picks[0..n) in order; votable[0..nvotable) are the contest's votable project ids.
 * Returns how many were taken. */
int ss_vote_batch_decide(ss_vote_pick *picks, int n, const long long *votable, int nvotable);

#endif
