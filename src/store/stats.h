/* Dashboard counts per community for a year (sql/033_stats.sql): a handful of grouped reads of
 * organizations, members, the summary tables kept in step by the writes, projects and needs;
 * none of them reads check-ins or the service ledger row by row. */
#ifndef SS_STORE_STATS_H
#define SS_STORE_STATS_H

#include "domain/stats.h"
#include "store/db.h"

typedef struct ss_stats_filter {
    const char *district, *street;   /* NULL: any */
    long long community_id;          /* 0: any */
    int year;
} ss_stats_filter;

typedef struct ss_stats_row {
    long long community_id;
    const char *name, *street, *district, *kind;
    ss_stats_counts counts;
} ss_stats_row;

/* The communities matching f (by id, at most max), each with its counts. */
int ss_store_stats(ss_db *db, ss_arena *a, const ss_stats_filter *f, int max, ss_stats_row **out, int *n);

#endif
