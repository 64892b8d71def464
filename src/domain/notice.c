/* Notification rules (see notice.h). */
#include "domain/notice.h"

#include <string.h>

static int is_reminder(const char *kind) { return strncmp(kind, "reminder_", 9) == 0; }

ss_template_class ss_notice_template(const char *kind)
{
    if (!kind) return SS_TPL_NONE;
    if (is_reminder(kind)) return SS_TPL_REMINDER;
    if (strcmp(kind, "activity_changed") == 0 || strcmp(kind, "activity_cancelled") == 0 ||
        strcmp(kind, "waitlist_promoted") == 0)
        return SS_TPL_ACTIVITY;
    if (strcmp(kind, "org_decided") == 0 || strcmp(kind, "project_decided") == 0 ||
        strcmp(kind, "correction_decided") == 0)
        return SS_TPL_DECISION;
    return SS_TPL_NONE;
}

void ss_reminder_windows(time_t now, int long_s, int short_s, ss_reminder_window out[2])
{
    out[0] = (ss_reminder_window){"reminder_24h", now + short_s, now + long_s};
    out[1] = (ss_reminder_window){"reminder_30m", now, now + short_s};
}

int ss_notice_stale(const char *kind, time_t now, time_t starts_at, int cancelled)
{
    return kind && is_reminder(kind) && (cancelled || (starts_at && starts_at <= now));
}
