/* Dashboard arithmetic (三社联动 numbers): from the counts of one community, or of several
 * summed, to the figures with their targets from the policy documents and whether each is met.
 * Targets (GLOSSARY): filed community organizations >= 10 per urban, >= 5 per rural community
 * (Chongqing); social workers >= 2 urban, >= 1 rural (Chongqing); activity rate of filed
 * organizations >= 60 % (Wenzhou 2023); >= 2 professional service projects and >= 1
 * micro-venture project a year (Huangshan). A sum's target is the sum of its communities'
 * targets (the activity rate's stays 0.6). */
#ifndef SS_DOMAIN_STATS_H
#define SS_DOMAIN_STATS_H

enum { SS_STAGES = 3, SS_PKINDS = 3, SS_PSTATES = 5, SS_NEED_STATES = 4 };

/* Raw counts for a year (summable). */
typedef struct ss_stats_counts {
    long long urban, rural;                          /* communities in the sum */
    long long orgs_by_stage[SS_STAGES];              /* filed orgs: startup, growing, mature */
    long long social_workers;                        /* distinct per community, summed */
    long long orgs_active;                           /* filed orgs with an activity with a check-in */
    long long activities_held, volunteers_active;
    long long service_minutes;
    long long projects[SS_PKINDS][SS_PSTATES];       /* kind (purchase, micro_venture, self_funded) x state */
    long long needs[SS_NEED_STATES];                 /* open, accepted, declined, resolved */
    long long rating_sum, rating_count;
} ss_stats_counts;

typedef struct ss_stats_figures {
    long long orgs_filed, orgs_target;
    int orgs_met;
    long long social_workers_target;
    int social_workers_met;
    double activity_rate;                  /* orgs_active / orgs_filed, 0 when none filed */
    int activity_rate_met;
    long long professional_projects, professional_target;   /* approved or later, purchase + self_funded */
    int professional_met;
    long long micro_projects, micro_target;                  /* approved or later, micro_venture */
    int micro_met;
    double service_hours;                  /* minutes / 60, to 0.1 h */
    int has_satisfaction;
    double satisfaction;                   /* mean rating 1..5, rounded to 0.01 */
} ss_stats_figures;

#define SS_ACTIVITY_RATE_TARGET 0.6

/* sum += c (every field). */
void ss_stats_add(ss_stats_counts *sum, const ss_stats_counts *c);
/* Computes the figures of c. */
void ss_stats_compute(const ss_stats_counts *c, ss_stats_figures *out);

#endif
