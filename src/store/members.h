/* Members of organizations and single-use invitations in MariaDB: list, remove, invite,
 * accept, and the transfer of leadership, each change in one transaction. */
#ifndef SS_STORE_MEMBERS_H
#define SS_STORE_MEMBERS_H

#include <time.h>

#include "store/db.h"

typedef struct ss_member {
    long long user_id;
    const char *nickname, *role;   /* arena */
    time_t joined_at;
} ss_member;

/* The org's members, leader first, then by the time they joined. */
int ss_store_members_list(ss_db *db, ss_arena *a, long long org_id, ss_member **out, int *n);
/* Removes user_id from the org. Not a member: 0 (nothing to do). SS_ECONFLICT: they lead it. */
int ss_store_member_remove(ss_db *db, ss_arena *a, long long org_id, long long user_id);

/* Stores an invitation with code (SS_CODE_LEN digits, made by the caller) living until expires_at. */
int ss_store_invite_create(ss_db *db, ss_arena *a, long long org_id, const char *code, const char *role,
                           long long by_user, time_t expires_at);
/* Makes user_id a member with the invitation's role and spends it, in one transaction.
 * Returns 0 with *org_id and *role (arena); SS_ENOTFOUND: no such code; SS_EGONE: used or
 * expired at now; SS_ECONFLICT: user_id already belongs to the org (the invitation stays). */
int ss_store_invite_accept(ss_db *db, ss_arena *a, const char *code, long long user_id, time_t now,
                           long long *org_id, const char **role);

/* Makes to_user (a member or social worker) the leader and from_user (the leader) a social
 * worker, in one transaction. SS_EINVALID: to_user is not a member other than the leader;
 * SS_ECONFLICT: from_user no longer leads the org. */
int ss_store_org_transfer(ss_db *db, ss_arena *a, long long org_id, long long from_user, long long to_user);

#endif
