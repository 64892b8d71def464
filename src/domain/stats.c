/* Dashboard arithmetic (see stats.h). */
#include "domain/stats.h"

#include <math.h>

void ss_stats_add(ss_stats_counts *sum, const ss_stats_counts *c)
{
    sum->urban += c->urban;
    sum->rural += c->rural;
    for (int i = 0; i < SS_STAGES; i++) sum->orgs_by_stage[i] += c->orgs_by_stage[i];
    sum->social_workers += c->social_workers;
    sum->orgs_active += c->orgs_active;
    sum->activities_held += c->activities_held;
    sum->volunteers_active += c->volunteers_active;
    sum->service_minutes += c->service_minutes;
    for (int k = 0; k < SS_PKINDS; k++)
        for (int s = 0; s < SS_PSTATES; s++) sum->projects[k][s] += c->projects[k][s];
    for (int i = 0; i < SS_NEED_STATES; i++) sum->needs[i] += c->needs[i];
    sum->rating_sum += c->rating_sum;
    sum->rating_count += c->rating_count;
}

static long long approved_or_later(const long long states[SS_PSTATES])
{
    long long n = 0;
    for (int s = 1; s < SS_PSTATES; s++) n += states[s];   /* 0 is proposed */
    return n;
}

void ss_stats_compute(const ss_stats_counts *c, ss_stats_figures *out)
{
    long long communities = c->urban + c->rural;
    out->orgs_filed = 0;
    for (int i = 0; i < SS_STAGES; i++) out->orgs_filed += c->orgs_by_stage[i];
    out->orgs_target = 10 * c->urban + 5 * c->rural;
    out->orgs_met = communities > 0 && out->orgs_filed >= out->orgs_target;
    out->social_workers_target = 2 * c->urban + c->rural;
    out->social_workers_met = communities > 0 && c->social_workers >= out->social_workers_target;
    out->activity_rate = out->orgs_filed > 0 ? (double)c->orgs_active / (double)out->orgs_filed : 0.0;
    out->activity_rate = round(out->activity_rate * 10000.0) / 10000.0;
    /* compared in integers: 3 of 5 is exactly 60 % */
    out->activity_rate_met = out->orgs_filed > 0 && c->orgs_active * 10 >= out->orgs_filed * 6;
    out->professional_projects = approved_or_later(c->projects[0]) + approved_or_later(c->projects[2]);
    out->micro_projects = approved_or_later(c->projects[1]);
    out->professional_target = 2 * communities;
    out->micro_target = communities;
    out->professional_met = communities > 0 && out->professional_projects >= out->professional_target;
    out->micro_met = communities > 0 && out->micro_projects >= out->micro_target;
    out->service_hours = round((double)c->service_minutes / 6.0) / 10.0;
    out->has_satisfaction = c->rating_count > 0;
    out->satisfaction = c->rating_count > 0 ? round((double)c->rating_sum * 100.0 / (double)c->rating_count) / 100.0
                                            : 0.0;
}
