/* Users and their global roles in MariaDB. A user is unique by WeChat openid. */
#ifndef SS_STORE_USERS_H
#define SS_STORE_USERS_H

#include "store/db.h"

typedef struct ss_user {
    long long id;
    const char *nickname;        /* arena */
    int is_admin;
    int is_volunteer;
    int ncommunities;            /* communities the user administers */
    long long *community_admin_of;  /* arena, ncommunities entries */
} ss_user;

/* Finds or creates the user for openid (unionid may be "" or NULL) and records the sign-in.
 * Returns 0 with *user_id set, or a db error. */
int ss_store_user_login(ss_db *db, ss_arena *a, const char *openid, const char *unionid, long long *user_id);
/* Loads the user with roles. Returns 0, SS_ENOTFOUND, or a db error. Strings live in a. */
int ss_store_user_get(ss_db *db, ss_arena *a, long long id, ss_user *out);
/* Grants role ("admin", or "community_admin" with community_id) to the user with openid,
 * creating the user if they never signed in, and sets *user_id. Idempotent. Returns 0; SS_ENOTFOUND if the
 * community does not exist; SS_EINVALID for an unknown role; or a db error. */
int ss_store_role_grant(ss_db *db, ss_arena *a, const char *openid, const char *role, long long community_id,
                        long long *user_id);

#endif
