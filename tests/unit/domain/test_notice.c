/* Unit tests for domain/notice.c (reminder windows, staleness, templates) and the activity
 * edit rule of domain/activity.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "domain/activity.h"
#include "domain/notice.h"

#define H 3600

/* Which reminder a start at `starts` gets in a pass at now: "-" for none. */
static const char *due(time_t now, time_t starts)
{
    ss_reminder_window w[2];
    ss_reminder_windows(now, 24 * H, 30 * 60, w);
    for (int i = 0; i < 2; i++)
        if (starts >= w[i].from && starts < w[i].to) return w[i].kind;
    return "-";
}

static void reminder_windows(void **state)
{
    (void)state;
    time_t now = 1795300000;
    assert_string_equal(due(now, now + 25 * H), "-");              /* not yet */
    assert_string_equal(due(now, now + 24 * H), "-");              /* the window is half-open */
    assert_string_equal(due(now, now + 24 * H - 1), "reminder_24h");
    assert_string_equal(due(now, now + 2 * H), "reminder_24h");    /* caught up late: still useful */
    assert_string_equal(due(now, now + 30 * 60), "reminder_24h");
    assert_string_equal(due(now, now + 30 * 60 - 1), "reminder_30m"); /* within 30 min: only the late one */
    assert_string_equal(due(now, now), "reminder_30m");
    assert_string_equal(due(now, now - 1), "-");                   /* under way: nothing, ever */
    assert_string_equal(due(now, now - 5 * H), "-");
}

static void staleness(void **state)
{
    (void)state;
    time_t now = 1795300000;
    assert_true(ss_notice_stale("reminder_30m", now, now, 0));
    assert_true(ss_notice_stale("reminder_24h", now, now - 60, 0));
    assert_false(ss_notice_stale("reminder_30m", now, now + 1, 0));
    assert_true(ss_notice_stale("reminder_24h", now, now + 3600, 1));       /* cancelled meanwhile */
    assert_false(ss_notice_stale("activity_cancelled", now, now - 60, 1));  /* news stays news */
    assert_false(ss_notice_stale("activity_changed", now, now + 60, 1));
    assert_false(ss_notice_stale("reminder_30m", now, 0, 0));
}

static void templates(void **state)
{
    (void)state;
    assert_int_equal(ss_notice_template("reminder_24h"), SS_TPL_REMINDER);
    assert_int_equal(ss_notice_template("reminder_30m"), SS_TPL_REMINDER);
    assert_int_equal(ss_notice_template("waitlist_promoted"), SS_TPL_ACTIVITY);
    assert_int_equal(ss_notice_template("activity_changed"), SS_TPL_ACTIVITY);
    assert_int_equal(ss_notice_template("activity_cancelled"), SS_TPL_ACTIVITY);
    assert_int_equal(ss_notice_template("org_decided"), SS_TPL_DECISION);
    assert_int_equal(ss_notice_template("project_decided"), SS_TPL_DECISION);
    assert_int_equal(ss_notice_template("correction_decided"), SS_TPL_DECISION);
    assert_int_equal(ss_notice_template("something_else"), SS_TPL_NONE);
    assert_int_equal(ss_notice_template(NULL), SS_TPL_NONE);
}

static void activity_edit_rule(void **state)
{
    (void)state;
    time_t now = 1795300000;
    assert_int_equal(ss_activity_edit_check("published", now, now + H, 10, 10), SS_EDIT_OK);
    assert_int_equal(ss_activity_edit_check("draft", now, now + H, 1, 0), SS_EDIT_OK);
    assert_int_equal(ss_activity_edit_check("published", now, now + H, 9, 10), SS_EDIT_CAPACITY_BELOW_CONFIRMED);
    assert_int_equal(ss_activity_edit_check("cancelled", now, now + H, 10, 0), SS_EDIT_INVALID_STATE);
    assert_int_equal(ss_activity_edit_check("published", now, now, 10, 0), SS_EDIT_INVALID_STATE);   /* ended */
    assert_int_equal(ss_activity_edit_check("published", now, now - 1, 10, 20), SS_EDIT_INVALID_STATE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reminder_windows),
        cmocka_unit_test(staleness),
        cmocka_unit_test(templates),
        cmocka_unit_test(activity_edit_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
