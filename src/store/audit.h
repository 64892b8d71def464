/* The audit log (table audit_log): append-only rows of who changed what, without personal
 * data. Rows are appended in the request's transaction (see http/audit.h). */
#ifndef SS_STORE_AUDIT_H
#define SS_STORE_AUDIT_H

#include <time.h>

#include "store/db.h"

typedef struct ss_audit_entry {
    long long id;
    time_t at;
    long long actor_id;
    const char *actor_role, *action, *object_type;
    long long object_id;
    long long community_id;       /* 0: none */
    const char *summary, *request_id;
} ss_audit_entry;

/* Appends e (id and at are ignored: the server's clock stamps the row). Returns 0 or a db error. */
int ss_store_audit_append(ss_db *db, const ss_audit_entry *e);

typedef struct ss_audit_filter {
    const char *object_type;      /* NULL: any */
    long long object_id, actor_id;/* 0: any */
    int all_communities;          /* an admin: every row */
    long long viewer_id;          /* else only rows of the communities this user administers */
    long long before_id;          /* cursor: rows with id < before_id; 0: from the newest */
    int limit;
} ss_audit_filter;

/* Up to f->limit rows, newest first. Strings live in a. Returns 0 or a db error. */
int ss_store_audit_list(ss_db *db, ss_arena *a, const ss_audit_filter *f, ss_audit_entry **out, int *n);

#endif
