/* The three lists in MariaDB (sql/030_needs_projects_resources.sql): residents' needs and their
 * supporters, service projects with their linked needs and activities, and resources matched to
 * projects. Strings live in the arena. Returns are 0 or a db error unless stated. */
#ifndef SS_STORE_NEEDS_H
#define SS_STORE_NEEDS_H

#include <time.h>

#include "store/db.h"

typedef struct ss_need {
    long long id, community_id, raised_by, support_count, project_count;
    const char *category, *title, *description, *status, *triage_note;
    time_t created_at;
    const char *content_status;   /* "visible", or "review"/"rejected": hidden but for its raiser and staff */
} ss_need;

typedef struct ss_need_filter {
    long long community_id;      /* 0: any */
    const char *status;          /* NULL: any */
    int by_support;              /* order by support_count desc, then id desc; else id desc */
    long long after_support, after_id;   /* cursor (after_id 0: from the start) */
    int limit;
} ss_need_filter;

int ss_store_need_create(ss_db *db, ss_arena *a, const ss_need *n, long long *id);
int ss_store_need_get(ss_db *db, ss_arena *a, long long id, ss_need *out);   /* SS_ENOTFOUND */
int ss_store_need_list(ss_db *db, ss_arena *a, const ss_need_filter *f, ss_need **out, int *n);
/* Records user_id's support once (a repeat changes nothing) and sets *count to the need's
 * support count. SS_ENOTFOUND: no such need. Safe under any concurrency. */
int ss_store_need_support(ss_db *db, ss_arena *a, long long need_id, long long user_id, long long *count);
/* Sets status and note under the need's lock if ok(from, to) allows. SS_ECONFLICT otherwise;
 * *from gets the previous status. */
int ss_store_need_triage(ss_db *db, ss_arena *a, long long id, const char *status, const char *note,
                         long long by_user, int (*ok)(const char *from, const char *to), const char **from);
/* The ids of projects answering a need (up to 100). */
int ss_store_need_projects(ss_db *db, ss_arena *a, long long need_id, long long **ids, int *n);

/* 1 if user_id is the leader or a social worker of a filed organization of community_id. */
int ss_store_is_community_staff(ss_db *db, ss_arena *a, long long user_id, long long community_id, int *yes);

typedef struct ss_service_project {
    long long id, org_id, community_id, budget_cents, proposed_by;
    const char *org_name, *title, *summary, *kind, *status, *starts_on, *ends_on, *report;
    int score;                   /* -1: not evaluated */
    time_t created_at;
    const char *content_status;  /* "visible", or "review"/"rejected": seen by its proposer and staff only */
} ss_service_project;

/* Creates the project and its need links (needs must be of the same community: else
 * SS_EINVALID with *bad_need set). */
int ss_store_sproject_create(ss_db *db, ss_arena *a, const ss_service_project *p, const long long *need_ids,
                             int nneeds, long long *id, long long *bad_need);
int ss_store_sproject_get(ss_db *db, ss_arena *a, long long id, ss_service_project *out);   /* SS_ENOTFOUND */
/* Projects of a community (0: any) and status (NULL: any), newest first, id < before; those
 * held for content review are left out. */
int ss_store_sproject_list(ss_db *db, ss_arena *a, long long community_id, const char *status, long long before,
                           int limit, ss_service_project **out, int *n);
/* Moves the project from `from` to `to` under its lock (score -1 and report NULL: unchanged).
 * SS_ECONFLICT when it is no longer in `from`. */
int ss_store_sproject_transition(ss_db *db, ss_arena *a, long long id, const char *from, const char *to, int score,
                                 const char *report);
/* Linked need ids, activity ids and resources of a project. */
int ss_store_sproject_links(ss_db *db, ss_arena *a, long long id, long long **needs, int *nneeds,
                            long long **activities, int *nactivities);
/* Links the activity to the project (again: moves it). */
int ss_store_activity_link_project(ss_db *db, ss_arena *a, long long activity_id, long long project_id,
                                   long long by_user);

typedef struct ss_resource {
    long long id, community_id, quantity, created_by;
    const char *kind, *provider, *description, *note;
    time_t created_at;
    const char *content_status;  /* "visible", or "review"/"rejected": not listed */
} ss_resource;

int ss_store_resource_create(ss_db *db, ss_arena *a, const ss_resource *r, long long *id);
int ss_store_resource_get(ss_db *db, ss_arena *a, long long id, ss_resource *out);   /* SS_ENOTFOUND */
/* Resources of a community (0: any) and kind (NULL: any), newest first, id < before; those held
 * for content review are left out (also of a project's resources). */
int ss_store_resource_list(ss_db *db, ss_arena *a, long long community_id, const char *kind, long long before,
                           int limit, ss_resource **out, int *n);
/* Matches a resource to a project (again: the note is updated; *created tells which). */
int ss_store_resource_match(ss_db *db, ss_arena *a, long long project_id, long long resource_id, const char *note,
                            long long by_user, int *created);
/* The resources matched to a project, with their notes. */
int ss_store_sproject_resources(ss_db *db, ss_arena *a, long long project_id, ss_resource **out, int *n);

#endif
