/* Unit tests for domain/contest.c: the Shanghai voting day, contest times, ranking and funding. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "domain/contest.h"

static void vote_day_is_shanghai_calendar_day(void **state)
{
    (void)state;
    char day[11];
    ss_vote_day(1795190399, day);          /* 2026-11-20T15:59:59Z = 23:59:59 in Shanghai */
    assert_string_equal(day, "2026-11-20");
    ss_vote_day(1795190400, day);          /* 16:00:00Z = midnight in Shanghai: a new day */
    assert_string_equal(day, "2026-11-21");
    ss_vote_day(1798732800, day);          /* 2026-12-31T16:00:00Z = New Year midnight in Shanghai */
    assert_string_equal(day, "2027-01-01");
    ss_vote_day(1798732799 - 8 * 3600, day); /* 2026-12-31T07:59:59Z = 15:59:59 in Shanghai */
    assert_string_equal(day, "2026-12-31");
}

static void contest_times(void **state)
{
    (void)state;
    const char *f = NULL, *w = NULL;
    time_t now = 1795300000;
    assert_int_equal(ss_contest_check_times(now, now + 10, now + 20, now + 30, &f, &w), 0);
    assert_int_equal(ss_contest_check_times(now, now + 30, now - 10, now + 30, &f, &w), 0);
    assert_int_equal(ss_contest_check_times(now, now, now + 30, now + 30, &f, &w), -1);
    assert_string_equal(f, "vote_until");
    assert_int_equal(ss_contest_check_times(now, now - 100, now - 50, now - 1, &f, &w), -1);
    assert_string_equal(f, "vote_until");
    assert_int_equal(ss_contest_check_times(now, now + 31, now + 10, now + 30, &f, &w), -1);
    assert_string_equal(f, "submit_until");
    assert_true(ss_voting_open(now, now, now + 1));
    assert_false(ss_voting_open(now + 1, now, now + 1));     /* vote_until is exclusive */
    assert_false(ss_voting_open(now - 1, now, now + 1));
    assert_true(ss_submission_open(now - 1, now));
    assert_false(ss_submission_open(now, now));
}

static void rank_by_votes_then_id(void **state)
{
    (void)state;
    ss_result_row rows[] = {{.project_id = 5, .votes = 10, .budget_cents = 1},
                            {.project_id = 2, .votes = 30, .budget_cents = 1},
                            {.project_id = 9, .votes = 30, .budget_cents = 1},
                            {.project_id = 1, .votes = 0, .budget_cents = 1}};
    ss_contest_rank(rows, 4, 100);
    long long want[] = {2, 9, 5, 1};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(rows[i].project_id, want[i]);
        assert_true(rows[i].funded);
    }
}

static void funding_stops_at_first_misfit(void **state)
{
    (void)state;
    ss_result_row rows[] = {{.project_id = 1, .votes = 50, .budget_cents = 300},
                            {.project_id = 2, .votes = 40, .budget_cents = 300},
                            {.project_id = 3, .votes = 30, .budget_cents = 100}};
    ss_contest_rank(rows, 3, 500);
    assert_true(rows[0].funded);     /* 300 of 500 */
    assert_false(rows[1].funded);    /* 300 > 200 left: funding ends here */
    assert_false(rows[2].funded);    /* a cheaper, lower-ranked project does not jump the queue */
}

static void funding_exact_budget(void **state)
{
    (void)state;
    ss_result_row rows[] = {{.project_id = 1, .votes = 2, .budget_cents = 250},
                            {.project_id = 2, .votes = 1, .budget_cents = 250}};
    ss_contest_rank(rows, 2, 500);
    assert_true(rows[0].funded);
    assert_true(rows[1].funded);
    ss_contest_rank(rows, 2, 499);
    assert_true(rows[0].funded);
    assert_false(rows[1].funded);
    ss_contest_rank(rows, 0, 500);   /* no projects: nothing happens */
}

static void composite_score(void **state)
{
    (void)state;
    assert_true(ss_expert_score(0, 0) == 0.0);
    assert_true(ss_expert_score(170, 2) == 85.0);
    /* weight 0: votes only; weight 1: experts only */
    assert_true(ss_contest_composite(0.0, 90.0, 50, 100) == 50.0);
    assert_true(ss_contest_composite(1.0, 90.0, 50, 100) == 90.0);
    assert_true(ss_contest_composite(0.4, 80.0, 100, 100) == 0.4 * 80.0 + 0.6 * 100.0);
    assert_true(ss_contest_composite(0.5, 60.0, 0, 0) == 30.0);       /* nobody voted: share 0 */
    assert_true(ss_contest_composite(2.0, 60.0, 1, 2) == 60.0);       /* clamped */
    assert_true(ss_contest_composite(-1.0, 60.0, 1, 2) == 50.0);
}

static void composite_ranking(void **state)
{
    (void)state;
    ss_composite_row rows[] = {
        {.project_id = 1, .votes = 100, .review_sum = 100, .review_count = 2, .budget_cents = 50},   /* 50: 0.5*50+0.5*100=75 */
        {.project_id = 2, .votes = 40, .review_sum = 190, .review_count = 2, .budget_cents = 50},    /* 95: 47.5+20=67.5 */
        {.project_id = 3, .votes = 90, .review_sum = 0, .review_count = 0, .budget_cents = 50},      /* 0: 45 */
        {.project_id = 4, .votes = 0, .review_sum = 180, .review_count = 2, .budget_cents = 50},     /* 90: 45 */
    };
    ss_contest_rank_composite(rows, 4, 0.5, 120);
    assert_int_equal(rows[0].project_id, 1);
    assert_true(rows[0].composite == 75.0);
    assert_int_equal(rows[1].project_id, 2);
    assert_true(rows[1].expert_score == 95.0);
    assert_int_equal(rows[2].project_id, 3);   /* tie at 45: more votes first */
    assert_int_equal(rows[3].project_id, 4);
    assert_true(rows[0].funded && rows[1].funded);
    assert_false(rows[2].funded || rows[3].funded);   /* 20 left */
    /* weight 0 is the old ranking by votes */
    ss_contest_rank_composite(rows, 4, 0.0, 1000);
    assert_int_equal(rows[0].project_id, 1);
    assert_int_equal(rows[1].project_id, 3);
    assert_int_equal(rows[2].project_id, 2);
    assert_int_equal(rows[3].project_id, 4);
}

/* A batch of votes: unknown project before the limit; a user's earlier votes in the batch count. */
static void batch_decide(void **state)
{
    (void)state;
    const long long votable[] = {10, 11};
    ss_vote_pick p[] = {
        {.project_id = 10, .user_id = 1, .limit = 2, .used = 0},   /* taken, 1 left */
        {.project_id = 11, .user_id = 1, .limit = 2, .used = 0},   /* taken, 0 left */
        {.project_id = 10, .user_id = 1, .limit = 2, .used = 0},   /* over the limit */
        {.project_id = 99, .user_id = 1, .limit = 2, .used = 0},   /* unknown: 404 first */
        {.project_id = 99, .user_id = 2, .limit = 2, .used = 0},   /* unknown, user with votes left */
        {.project_id = 10, .user_id = 2, .limit = 2, .used = 1},   /* taken, stored count counts */
        {.project_id = 11, .user_id = 3, .limit = 3, .used = 3},   /* used up before the batch */
    };
    assert_int_equal(ss_vote_batch_decide(p, 7, votable, 2), 3);
    assert_int_equal(p[0].verdict, SS_VOTE_TAKEN);
    assert_int_equal(p[0].votes_left, 1);
    assert_int_equal(p[1].verdict, SS_VOTE_TAKEN);
    assert_int_equal(p[1].votes_left, 0);
    assert_int_equal(p[1].used, 2);
    assert_int_equal(p[2].verdict, SS_VOTE_LIMIT);
    assert_int_equal(p[3].verdict, SS_VOTE_NO_PROJECT);
    assert_int_equal(p[4].verdict, SS_VOTE_NO_PROJECT);
    assert_int_equal(p[5].verdict, SS_VOTE_TAKEN);
    assert_int_equal(p[5].votes_left, 0);
    assert_int_equal(p[6].verdict, SS_VOTE_LIMIT);
    assert_int_equal(ss_vote_batch_decide(p, 0, votable, 2), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(batch_decide),
        cmocka_unit_test(composite_score),
        cmocka_unit_test(composite_ranking),
        cmocka_unit_test(vote_day_is_shanghai_calendar_day),
        cmocka_unit_test(contest_times),
        cmocka_unit_test(rank_by_votes_then_id),
        cmocka_unit_test(funding_stops_at_first_misfit),
        cmocka_unit_test(funding_exact_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
