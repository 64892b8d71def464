/* Unit tests for domain/activity.c: times, sign-up windows, seat placement, transitions. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain/activity.h"

#define NOW ((time_t)1795300000)
#define H 3600

static void times_ok(void **state)
{
    (void)state;
    const char *f = NULL, *w = NULL;
    assert_int_equal(ss_activity_check_times(NOW, NOW + H, NOW + 3 * H, 0, &f, &w), 0);
    assert_int_equal(ss_activity_check_times(NOW, NOW + H, NOW + 3 * H, NOW + 2 * H, &f, &w), 0);
    /* an activity under way may start up to 24 h ago */
    assert_int_equal(ss_activity_check_times(NOW, NOW - 24 * H, NOW + H, 0, &f, &w), 0);
}

static void times_refused(void **state)
{
    (void)state;
    const char *f = NULL, *w = NULL;
    assert_int_equal(ss_activity_check_times(NOW, NOW - 24 * H - 1, NOW + H, 0, &f, &w), -1);
    assert_string_equal(f, "starts_at");
    assert_int_equal(ss_activity_check_times(NOW, NOW + H, NOW + H, 0, &f, &w), -1);
    assert_string_equal(f, "ends_at");
    assert_int_equal(ss_activity_check_times(NOW, NOW - 2 * H, NOW - H, 0, &f, &w), -1);
    assert_string_equal(f, "ends_at");
    assert_int_equal(ss_activity_check_times(NOW, NOW + H, NOW + H + SS_DURATION_MAX_S + 1, 0, &f, &w), -1);
    assert_string_equal(f, "ends_at");
    assert_int_equal(ss_activity_check_times(NOW, NOW + H, NOW + 2 * H, NOW + 3 * H, &f, &w), -1);
    assert_string_equal(f, "signup_deadline");
    assert_int_equal(ss_activity_check_times(NOW, NOW + H, NOW + 2 * H, NOW - 1, &f, &w), -1);
    assert_string_equal(f, "signup_deadline");
    assert_non_null(w);
}

static void signup_window(void **state)
{
    (void)state;
    assert_true(ss_signup_open("published", NOW, NOW + H, 0));
    assert_false(ss_signup_open("draft", NOW, NOW + H, 0));
    assert_false(ss_signup_open("cancelled", NOW, NOW + H, 0));
    assert_false(ss_signup_open("published", NOW + H, NOW + H, 0));      /* ended */
    assert_true(ss_signup_open("published", NOW, NOW + H, NOW + 10));
    assert_false(ss_signup_open("published", NOW + 10, NOW + H, NOW + 10));  /* at the deadline */
    assert_int_equal(ss_signup_closes_at(NOW + H, 0), NOW + H);
    assert_int_equal(ss_signup_closes_at(NOW + H, NOW + 5), NOW + 5);
}

static void placement(void **state)
{
    (void)state;
    assert_int_equal(ss_signup_place(5, 0), SS_PLACE_CONFIRMED);
    assert_int_equal(ss_signup_place(5, 4), SS_PLACE_CONFIRMED);
    assert_int_equal(ss_signup_place(5, 5), SS_PLACE_WAITLISTED);
    assert_int_equal(ss_signup_place(5, 7), SS_PLACE_WAITLISTED);   /* never more, even if counts drifted */
    assert_int_equal(ss_seats_left(5, 2), 3);
    assert_int_equal(ss_seats_left(5, 5), 0);
    assert_int_equal(ss_seats_left(5, 9), 0);
}

static void transitions(void **state)
{
    (void)state;
    assert_true(ss_activity_transition_ok("draft", "published"));
    assert_true(ss_activity_transition_ok("draft", "cancelled"));
    assert_true(ss_activity_transition_ok("published", "cancelled"));
    assert_false(ss_activity_transition_ok("cancelled", "published"));
    assert_false(ss_activity_transition_ok("published", "published"));
    assert_false(ss_activity_transition_ok("published", "draft"));
    assert_false(ss_activity_transition_ok("cancelled", "draft"));
}

static void categories(void **state)
{
    (void)state;
    const char *want[] = {"relief", "consultation", "safety", "culture", "other"};
    int n = 0;
    for (const char *const *c = ss_activity_categories; *c; c++, n++) assert_string_equal(*c, want[n]);
    assert_int_equal(n, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(times_ok),      cmocka_unit_test(times_refused), cmocka_unit_test(signup_window),
        cmocka_unit_test(placement),     cmocka_unit_test(transitions),   cmocka_unit_test(categories),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
