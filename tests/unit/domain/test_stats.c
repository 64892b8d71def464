/* Unit tests for domain/stats.c: dashboard figures, targets and sums. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "domain/stats.h"

static void urban_targets(void **state)
{
    (void)state;
    ss_stats_counts c = {.urban = 1, .orgs_by_stage = {6, 3, 1}, .social_workers = 2, .orgs_active = 6,
                         .service_minutes = 125, .rating_sum = 14, .rating_count = 3};
    c.projects[0][1] = 1;   /* purchase, approved */
    c.projects[2][4] = 1;   /* self_funded, evaluated */
    c.projects[0][0] = 5;   /* proposed ones do not count */
    c.projects[1][3] = 1;   /* micro_venture, completed */
    ss_stats_figures f;
    ss_stats_compute(&c, &f);
    assert_int_equal(f.orgs_filed, 10);
    assert_int_equal(f.orgs_target, 10);
    assert_true(f.orgs_met);
    assert_int_equal(f.social_workers_target, 2);
    assert_true(f.social_workers_met);
    assert_true(f.activity_rate == 0.6);
    assert_true(f.activity_rate_met);       /* exactly 60 %: met */
    assert_int_equal(f.professional_projects, 2);
    assert_int_equal(f.professional_target, 2);
    assert_true(f.professional_met);
    assert_int_equal(f.micro_projects, 1);
    assert_true(f.micro_met);
    assert_true(f.service_hours == 2.1);   /* 125 min = 2.08 h */
    assert_true(f.has_satisfaction);
    assert_true(f.satisfaction == 4.67);
}

static void rural_and_missed(void **state)
{
    (void)state;
    ss_stats_counts c = {.rural = 1, .orgs_by_stage = {4, 0, 0}, .social_workers = 0, .orgs_active = 2};
    ss_stats_figures f;
    ss_stats_compute(&c, &f);
    assert_int_equal(f.orgs_target, 5);
    assert_false(f.orgs_met);
    assert_int_equal(f.social_workers_target, 1);
    assert_false(f.social_workers_met);
    assert_true(f.activity_rate == 0.5);
    assert_false(f.activity_rate_met);
    assert_false(f.professional_met);
    assert_false(f.has_satisfaction);
}

static void empty_is_not_met(void **state)
{
    (void)state;
    ss_stats_counts c = {0};
    ss_stats_figures f;
    ss_stats_compute(&c, &f);   /* no community, no org: nothing divides by zero, nothing is met */
    assert_true(f.activity_rate == 0.0);
    assert_false(f.orgs_met || f.social_workers_met || f.activity_rate_met || f.professional_met || f.micro_met);
    ss_stats_counts one = {.urban = 1};
    ss_stats_compute(&one, &f);
    assert_false(f.activity_rate_met);   /* 0 of 0 orgs is not 60 % */
}

static void sums(void **state)
{
    (void)state;
    ss_stats_counts a = {.urban = 1, .orgs_by_stage = {10, 0, 0}, .social_workers = 2, .orgs_active = 10,
                         .rating_sum = 5, .rating_count = 1, .volunteers_active = 7};
    ss_stats_counts b = {.rural = 1, .orgs_by_stage = {1, 1, 0}, .social_workers = 0, .orgs_active = 0,
                         .rating_sum = 3, .rating_count = 1, .volunteers_active = 3};
    a.needs[3] = 2;
    b.needs[3] = 1;
    ss_stats_counts sum = {0};
    ss_stats_add(&sum, &a);
    ss_stats_add(&sum, &b);
    ss_stats_figures f;
    ss_stats_compute(&sum, &f);
    assert_int_equal(f.orgs_filed, 12);
    assert_int_equal(f.orgs_target, 15);   /* 10 + 5 */
    assert_false(f.orgs_met);
    assert_int_equal(f.social_workers_target, 3);
    assert_false(f.social_workers_met);
    assert_true(f.activity_rate == 0.8333);   /* 10 of 12 */
    assert_true(f.activity_rate_met);
    assert_int_equal(f.professional_target, 4);
    assert_int_equal(f.micro_target, 2);
    assert_true(f.satisfaction == 4.0);
    assert_int_equal(sum.volunteers_active, 10);
    assert_int_equal(sum.needs[3], 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(urban_targets),
        cmocka_unit_test(rural_and_missed),
        cmocka_unit_test(empty_is_not_met),
        cmocka_unit_test(sums),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
