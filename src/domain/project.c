/* Project lifecycle and need triage (see project.h). */
#include "domain/project.h"

#include <string.h>

static const char *const state_names[SS_PROJECT_NSTATES] = {"proposed", "approved", "in_progress", "completed",
                                                            "evaluated"};

/* Each action and the one state it starts from. */
static const struct {
    const char *action;
    ss_project_state from;
} steps[] = {
    {"approve", SS_PROJECT_PROPOSED},
    {"start", SS_PROJECT_APPROVED},
    {"complete", SS_PROJECT_IN_PROGRESS},
    {"evaluate", SS_PROJECT_COMPLETED},
};

const char *ss_project_state_name(ss_project_state s)
{
    return (int)s >= 0 && s < SS_PROJECT_NSTATES ? state_names[s] : "";
}

int ss_project_state_parse(const char *name)
{
    for (int i = 0; name && i < SS_PROJECT_NSTATES; i++)
        if (strcmp(state_names[i], name) == 0) return i;
    return -1;
}

int ss_project_next(ss_project_state from, const char *action)
{
    for (size_t i = 0; action && i < sizeof steps / sizeof steps[0]; i++)
        if (strcmp(steps[i].action, action) == 0) return steps[i].from == from ? (int)from + 1 : -1;
    return -1;
}

int ss_project_counts(ss_project_state s)
{
    return s >= SS_PROJECT_APPROVED && s < SS_PROJECT_NSTATES;
}

int ss_need_triage_ok(const char *from, const char *to)
{
    if (!from || !to) return 0;
    if (strcmp(to, "accepted") != 0 && strcmp(to, "declined") != 0 && strcmp(to, "resolved") != 0) return 0;
    if (strcmp(from, "resolved") == 0) return strcmp(to, "resolved") == 0;
    if (strcmp(from, "declined") == 0) return strcmp(to, "resolved") != 0;
    return strcmp(from, "open") == 0 || strcmp(from, "accepted") == 0;
}
