/* Activity and sign-up rules that need no I/O: what times, capacities and places are
 * valid, when sign-ups are open, and where a new sign-up lands (seat or waitlist).
 * The store applies these inside a transaction that holds the activity's row lock. */
#ifndef SS_DOMAIN_ACTIVITY_H
#define SS_DOMAIN_ACTIVITY_H

#include <time.h>

#define SS_CAPACITY_MIN 1
#define SS_CAPACITY_MAX 100000
#define SS_RADIUS_MIN_M 10
#define SS_RADIUS_MAX_M 5000
#define SS_START_PAST_MAX_S (24 * 3600)          /* an activity under way is recorded on the spot */
#define SS_DURATION_MAX_S (31 * 24 * 3600)
#define SS_SERVICE_MINUTES_MAX (31 * 24 * 60)

/* NULL-terminated: relief (救助), consultation (协商), safety (平安), culture (文化), other. */
extern const char *const ss_activity_categories[];
extern const char *const ss_activity_statuses[];   /* draft, published, cancelled */

/* Checks the times of a new activity at now. deadline is 0 when not given.
 * Returns 0, or -1 with *field and *why naming the first broken rule. */
int ss_activity_check_times(time_t now, time_t starts_at, time_t ends_at, time_t deadline, const char **field,
                            const char **why);

/* The moment sign-ups close: the deadline if set, else the end. */
time_t ss_signup_closes_at(time_t ends_at, time_t deadline);

/* Returns 1 if a sign-up is accepted now: published, before the close. */
int ss_signup_open(const char *status, time_t now, time_t ends_at, time_t deadline);

typedef enum { SS_PLACE_CONFIRMED = 0, SS_PLACE_WAITLISTED = 1 } ss_place;

/* Where a new sign-up goes given capacity and seats already confirmed. */
ss_place ss_signup_place(long capacity, long confirmed);
/* Seats still free (never negative). */
long ss_seats_left(long capacity, long confirmed);
/* Returns 1 if a status change from -> to is allowed (draft->published, draft|published->cancelled). */
int ss_activity_transition_ok(const char *from, const char *to);

typedef enum {
    SS_EDIT_OK = 0,
    SS_EDIT_INVALID_STATE,              /* cancelled, or ended (ends_at reached) */
    SS_EDIT_CAPACITY_BELOW_CONFIRMED,   /* fewer seats than people already confirmed */
} ss_edit_verdict;
/* May an activity in status, ending at ends_at, be edited at now to capacity (the new or the
 * current one) while confirmed people hold seats? */
ss_edit_verdict ss_activity_edit_check(const char *status, time_t now, time_t ends_at, long capacity, long confirmed);

#endif
