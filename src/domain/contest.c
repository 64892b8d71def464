/* Contest rules (see contest.h). */
#include "domain/contest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ss_vote_day(time_t t, char *out)
{
    time_t shanghai = t + 8 * 3600;   /* China keeps UTC+8 all year */
    struct tm tm;
    gmtime_r(&shanghai, &tm);
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}

int ss_contest_check_times(time_t now, time_t submit_until, time_t vote_from, time_t vote_until, const char **field,
                           const char **why)
{
    if (vote_until <= vote_from) {
        *field = "vote_until";
        *why = "must be after vote_from";
        return -1;
    }
    if (vote_until <= now) {
        *field = "vote_until";
        *why = "must be in the future";
        return -1;
    }
    if (submit_until > vote_until) {
        *field = "submit_until";
        *why = "must be no later than vote_until";
        return -1;
    }
    return 0;
}

int ss_voting_open(time_t now, time_t vote_from, time_t vote_until)
{
    return now >= vote_from && now < vote_until;
}

int ss_submission_open(time_t now, time_t submit_until)
{
    return now < submit_until;
}

static int by_rank(const void *pa, const void *pb)
{
    const ss_result_row *a = pa, *b = pb;
    if (a->votes != b->votes) return a->votes > b->votes ? -1 : 1;
    return (a->project_id > b->project_id) - (a->project_id < b->project_id);
}

void ss_contest_rank(ss_result_row *rows, int n, long long budget_cents)
{
    qsort(rows, (size_t)n, sizeof *rows, by_rank);
    long long left = budget_cents;
    int funding = 1;
    for (int i = 0; i < n; i++) {
        rows[i].funded = funding && rows[i].budget_cents <= left;
        if (rows[i].funded) left -= rows[i].budget_cents;
        else funding = 0;
    }
}

double ss_expert_score(long long review_sum, long long review_count)
{
    return review_count > 0 ? (double)review_sum / (double)review_count : 0.0;
}

double ss_contest_composite(double weight, double expert_score, long long votes, long long max_votes)
{
    if (!(weight >= 0.0)) weight = 0.0;   /* NaN too */
    if (weight > 1.0) weight = 1.0;
    double share = max_votes > 0 ? 100.0 * (double)votes / (double)max_votes : 0.0;
    return weight * expert_score + (1.0 - weight) * share;
}

static int by_composite(const void *pa, const void *pb)
{
    const ss_composite_row *a = pa, *b = pb;
    if (a->composite != b->composite) return a->composite > b->composite ? -1 : 1;
    if (a->votes != b->votes) return a->votes > b->votes ? -1 : 1;
    return (a->project_id > b->project_id) - (a->project_id < b->project_id);
}

void ss_contest_rank_composite(ss_composite_row *rows, int n, double weight, long long budget_cents)
{
    long long max_votes = 0;
    for (int i = 0; i < n; i++)
        if (rows[i].votes > max_votes) max_votes = rows[i].votes;
    for (int i = 0; i < n; i++) {
        rows[i].expert_score = ss_expert_score(rows[i].review_sum, rows[i].review_count);
        rows[i].composite = ss_contest_composite(weight, rows[i].expert_score, rows[i].votes, max_votes);
    }
    qsort(rows, (size_t)n, sizeof *rows, by_composite);
    long long left = budget_cents;
    int funding = 1;
    for (int i = 0; i < n; i++) {
        rows[i].funded = funding && rows[i].budget_cents <= left;
        if (rows[i].funded) left -= rows[i].budget_cents;
        else funding = 0;
    }
}

int ss_vote_batch_decide(ss_vote_pick *picks, int n, const long long *votable, int nvotable)
{
    int taken = 0;
    for (int i = 0; i < n; i++) {
        ss_vote_pick *p = &picks[i];
        int known = 0;
        for (int k = 0; k < nvotable && !known; k++) known = votable[k] == p->project_id;
        if (!known) {
            p->verdict = SS_VOTE_NO_PROJECT;
            continue;
        }
        long used = p->used;   /* the latest count of this user: an earlier pick's, if any */
        for (int j = i - 1; j >= 0; j--)
            if (picks[j].user_id == p->user_id && picks[j].verdict == SS_VOTE_TAKEN) {
                used = picks[j].used;
                break;
            }
        if (used >= p->limit) {
            p->verdict = SS_VOTE_LIMIT;
            continue;
        }
        p->verdict = SS_VOTE_TAKEN;
        p->used = used + 1;
        p->votes_left = p->limit - p->used;
        taken++;
    }
    return taken;
}
