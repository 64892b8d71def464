/* Rules of notifications that need no I/O: which WeChat template a notice goes out with,
 * when reminders fall due, and when a pending reminder has gone stale. */
#ifndef SS_DOMAIN_NOTICE_H
#define SS_DOMAIN_NOTICE_H

#include <time.h>

typedef enum {
    SS_TPL_NONE = 0,     /* not pushed through WeChat (in-app only) */
    SS_TPL_REMINDER,     /* reminder_24h, reminder_30m */
    SS_TPL_ACTIVITY,     /* activity_changed, activity_cancelled, waitlist_promoted */
    SS_TPL_DECISION,     /* org_decided, project_decided, correction_decided */
} ss_template_class;

ss_template_class ss_notice_template(const char *kind);

/* Reminders are due for activities starting in a window ahead of now: the early one
 * (reminder_24h) for starts in [now + short_s, now + long_s), the late one (reminder_30m) for
 * starts in [now, now + short_s). An activity already under way gets neither, and one first
 * seen within short_s of its start (made late, or the sender was down) gets only the late
 * one: a catch-up never sends what is no longer useful. */
typedef struct ss_reminder_window {
    const char *kind;
    time_t from, to;
} ss_reminder_window;
void ss_reminder_windows(time_t now, int long_s, int short_s, ss_reminder_window out[2]);

/* A pending notice not worth sending any more at now: a reminder for an activity that has
 * started (starts_at <= now) or was cancelled meanwhile. Other notices never go stale. */
int ss_notice_stale(const char *kind, time_t now, time_t starts_at, int cancelled);

#endif
