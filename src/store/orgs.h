/* Communities, organizations and their members in MariaDB. */
#ifndef SS_STORE_ORGS_H
#define SS_STORE_ORGS_H

#include <time.h>

#include "store/db.h"

typedef struct ss_community {
    long long id;
    const char *name, *street, *district, *kind;
    time_t created_at;
    const char *content_status;   /* "visible", or "review"/"rejected": listed for admins only */
} ss_community;

typedef enum {
    SS_ORG_ROLE_NONE = 0,
    SS_ORG_ROLE_MEMBER,
    SS_ORG_ROLE_SOCIAL_WORKER,
    SS_ORG_ROLE_LEADER,
} ss_org_role;

typedef struct ss_org {
    long long id, community_id, filed_by;
    const char *name, *kind, *stage, *status, *summary, *reject_reason;
    time_t created_at;
    const char *content_status;   /* "visible", or "review"/"rejected": hidden from the public */
} ss_org;

/* Strings returned live in the arena. Returns are 0 or a db error unless stated. */
int ss_store_community_create(ss_db *db, ss_arena *a, const ss_community *c, long long *id); /* SS_ECONFLICT: same name in the street */
/* Up to limit communities with id > after_id, in id order. Those held for content review are
 * left out unless all, or their id is among held_ids[0..nheld) (the ones the caller administers). */
int ss_store_community_list(ss_db *db, ss_arena *a, long long after_id, int all, const long long *held_ids,
                            int nheld, int limit, ss_community **out, int *n);
/* 0 if it exists, SS_ENOTFOUND if not. */
int ss_store_community_exists(ss_db *db, ss_arena *a, long long id);

int ss_store_org_create(ss_db *db, ss_arena *a, const ss_org *o, long long *id);
/* Loads the org and user_id's role in it (SS_ORG_ROLE_NONE for user_id 0). SS_ENOTFOUND. */
int ss_store_org_get_for(ss_db *db, ss_arena *a, long long id, long long user_id, ss_org *out, ss_org_role *role);
/* Up to limit filed orgs of a community (0: all) with id > after_id. */
int ss_store_org_list(ss_db *db, ss_arena *a, long long community_id, long long after_id, int limit, ss_org **out,
                      int *n);
/* Up to limit orgs in status of community_id (0: any) with id > after_id, by id: of every
 * community when scope_all, else only of communities admin_id administers. */
int ss_store_org_queue(ss_db *db, ss_arena *a, const char *status, long long community_id, int scope_all,
                       long long admin_id, long long after_id, int limit, ss_org **out, int *n);
/* pending -> filed, and the filer becomes leader, in one transaction. Already filed: 0 (idempotent).
 * Rejected: SS_ECONFLICT. */
int ss_store_org_approve(ss_db *db, ss_arena *a, long long id, long long by_user);
/* pending -> rejected with a reason. Already rejected: 0. Filed: SS_ECONFLICT. */
int ss_store_org_reject(ss_db *db, ss_arena *a, long long id, long long by_user, const char *reason);
/* Changes stage and/or kind (NULL: unchanged). */
int ss_store_org_update(ss_db *db, ss_arena *a, long long id, const char *stage, const char *kind);
/* Adds user_id with role, or changes their role. *created tells which. SS_ENOTFOUND: no such user;
 * SS_ECONFLICT: the user is the org's leader (a leader is not demoted here). */
int ss_store_org_member_put(ss_db *db, ss_arena *a, long long org_id, long long user_id, const char *role,
                            long long by_user, int *created);

ss_org_role ss_org_role_parse(const char *name);
const char *ss_org_role_name(ss_org_role role);

#endif
