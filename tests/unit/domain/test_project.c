/* Unit tests for domain/project.c: the service-project lifecycle and need triage. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "domain/project.h"

static void lifecycle_in_order(void **state)
{
    (void)state;
    assert_int_equal(ss_project_next(SS_PROJECT_PROPOSED, "approve"), SS_PROJECT_APPROVED);
    assert_int_equal(ss_project_next(SS_PROJECT_APPROVED, "start"), SS_PROJECT_IN_PROGRESS);
    assert_int_equal(ss_project_next(SS_PROJECT_IN_PROGRESS, "complete"), SS_PROJECT_COMPLETED);
    assert_int_equal(ss_project_next(SS_PROJECT_COMPLETED, "evaluate"), SS_PROJECT_EVALUATED);
}

static void lifecycle_out_of_order(void **state)
{
    (void)state;
    static const char *const actions[] = {"approve", "start", "complete", "evaluate"};
    for (int from = 0; from < SS_PROJECT_NSTATES; from++)
        for (int a = 0; a < 4; a++) {
            int next = ss_project_next((ss_project_state)from, actions[a]);
            if (a == from) assert_int_equal(next, from + 1);
            else assert_int_equal(next, -1);   /* skipping, repeating or going back */
        }
    assert_int_equal(ss_project_next(SS_PROJECT_PROPOSED, "finish"), -1);
    assert_int_equal(ss_project_next(SS_PROJECT_PROPOSED, NULL), -1);
    assert_int_equal(ss_project_next(SS_PROJECT_EVALUATED, "approve"), -1);
}

static void state_names(void **state)
{
    (void)state;
    for (int s = 0; s < SS_PROJECT_NSTATES; s++)
        assert_int_equal(ss_project_state_parse(ss_project_state_name((ss_project_state)s)), s);
    assert_int_equal(ss_project_state_parse("done"), -1);
    assert_int_equal(ss_project_state_parse(NULL), -1);
    assert_string_equal(ss_project_state_name((ss_project_state)9), "");
    assert_false(ss_project_counts(SS_PROJECT_PROPOSED));
    assert_true(ss_project_counts(SS_PROJECT_APPROVED));
    assert_true(ss_project_counts(SS_PROJECT_EVALUATED));
}

static void need_triage(void **state)
{
    (void)state;
    assert_true(ss_need_triage_ok("open", "accepted"));
    assert_true(ss_need_triage_ok("open", "declined"));
    assert_true(ss_need_triage_ok("open", "resolved"));
    assert_true(ss_need_triage_ok("accepted", "resolved"));
    assert_true(ss_need_triage_ok("accepted", "accepted"));   /* repeated: idempotent */
    assert_true(ss_need_triage_ok("declined", "accepted"));   /* reconsidered */
    assert_false(ss_need_triage_ok("declined", "resolved"));
    assert_false(ss_need_triage_ok("resolved", "accepted"));  /* final */
    assert_true(ss_need_triage_ok("resolved", "resolved"));
    assert_false(ss_need_triage_ok("open", "open"));          /* not a triage outcome */
    assert_false(ss_need_triage_ok(NULL, "accepted"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lifecycle_in_order),
        cmocka_unit_test(lifecycle_out_of_order),
        cmocka_unit_test(state_names),
        cmocka_unit_test(need_triage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
