/* Service projects (项目清单) and needs (需求清单): the rules that need no I/O. A project moves
 * proposed -> approved -> in_progress -> completed -> evaluated, one step at a time; a need is
 * triaged by community staff: open -> accepted | declined | resolved, accepted -> resolved |
 * declined, declined -> accepted; resolved is final. */
#ifndef SS_DOMAIN_PROJECT_H
#define SS_DOMAIN_PROJECT_H

#define SS_PROJECT_BUDGET_MAX_CENTS 1000000000LL   /* 10^9 fen (10 million yuan) */

typedef enum {
    SS_PROJECT_PROPOSED = 0,
    SS_PROJECT_APPROVED,
    SS_PROJECT_IN_PROGRESS,
    SS_PROJECT_COMPLETED,
    SS_PROJECT_EVALUATED,
    SS_PROJECT_NSTATES,
} ss_project_state;

/* The state's name ("proposed" ...), or "" for an unknown value. */
const char *ss_project_state_name(ss_project_state s);
/* Parses a name; -1 if unknown. */
int ss_project_state_parse(const char *name);
/* The state an action ("approve", "start", "complete", "evaluate") leads to from `from`.
 * Returns the new state, or -1 when the action is unknown or not the next step from `from`
 * (out of order: 409 invalid_state). */
int ss_project_next(ss_project_state from, const char *action);
/* 1 if a project in state s counts toward the yearly targets (it was approved). */
int ss_project_counts(ss_project_state s);

/* 1 if a need may go from status `from` to `to` by triage (both by name), else 0. Setting the
 * same status again is allowed (a repeated triage is idempotent), except out of resolved. */
int ss_need_triage_ok(const char *from, const char *to);

#endif
