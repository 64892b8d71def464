/* Activity and sign-up rules (see activity.h). */
#include "domain/activity.h"

#include <string.h>

const char *const ss_activity_categories[] = {"relief", "consultation", "safety", "culture", "other", NULL};
const char *const ss_activity_statuses[] = {"draft", "published", "cancelled", NULL};

int ss_activity_check_times(time_t now, time_t starts_at, time_t ends_at, time_t deadline, const char **field,
                            const char **why)
{
    if (starts_at < now - SS_START_PAST_MAX_S) {
        *field = "starts_at";
        *why = "must be no more than 24 hours in the past";
        return -1;
    }
    if (ends_at <= starts_at) {
        *field = "ends_at";
        *why = "must be after starts_at";
        return -1;
    }
    if (ends_at <= now) {
        *field = "ends_at";
        *why = "must be in the future";
        return -1;
    }
    if (ends_at - starts_at > SS_DURATION_MAX_S) {
        *field = "ends_at";
        *why = "an activity lasts at most 31 days";
        return -1;
    }
    if (deadline && (deadline > ends_at || deadline <= now)) {
        *field = "signup_deadline";
        *why = "must be in the future and no later than ends_at";
        return -1;
    }
    return 0;
}

time_t ss_signup_closes_at(time_t ends_at, time_t deadline)
{
    return deadline ? deadline : ends_at;
}

int ss_signup_open(const char *status, time_t now, time_t ends_at, time_t deadline)
{
    return strcmp(status, "published") == 0 && now < ss_signup_closes_at(ends_at, deadline) && now < ends_at;
}

ss_place ss_signup_place(long capacity, long confirmed)
{
    return confirmed < capacity ? SS_PLACE_CONFIRMED : SS_PLACE_WAITLISTED;
}

long ss_seats_left(long capacity, long confirmed)
{
    return confirmed < capacity ? capacity - confirmed : 0;
}

int ss_activity_transition_ok(const char *from, const char *to)
{
    if (strcmp(to, "published") == 0) return strcmp(from, "draft") == 0;
    if (strcmp(to, "cancelled") == 0) return strcmp(from, "draft") == 0 || strcmp(from, "published") == 0;
    return 0;
}

ss_edit_verdict ss_activity_edit_check(const char *status, time_t now, time_t ends_at, long capacity, long confirmed)
{
    if (strcmp(status, "cancelled") == 0 || now >= ends_at) return SS_EDIT_INVALID_STATE;
    if (capacity < confirmed) return SS_EDIT_CAPACITY_BELOW_CONFIRMED;
    return SS_EDIT_OK;
}
