/* Users and their global roles in MariaDB. A user is unique by WeChat openid. */
#ifndef SS_STORE_USERS_H
#define SS_STORE_USERS_H

#include "store/db.h"
#include "store/orgs.h"

typedef struct ss_user {
    long long id;
    const char *nickname;        /* arena */
    int is_admin;
    int is_volunteer;
    int ncommunities;            /* communities the user administers */
    long long *community_admin_of;  /* arena, ncommunities entries */
    int orgs_known;              /* 1: org_ids/org_roles are all the user's memberships */
    int norgs;
    long long *org_ids;          /* arena, norgs entries, ascending */
    ss_org_role *org_roles;      /* arena, the role in org_ids[i] */
} ss_user;

/* At most this many memberships are carried with a user; beyond, orgs_known is 0 and a role
 * is read from the database. */
#define SS_USER_MAX_ORGS 64
/* The user's role in org_id from the memberships loaded with the user: 1 with *role (NONE if
 * not a member), or 0 when they are not known. */
int ss_user_org_role(const ss_user *u, long long org_id, ss_org_role *role);

/* One sign-in: the WeChat identity in, its user out. */
typedef struct ss_user_login {
    const char *openid;    /* as WeChat sent it; compared exactly (sql/064) */
    const char *unionid;   /* "" or NULL: none sent (a stored one is kept) */
    ss_arena *a;           /* where user's strings and arrays are allocated */
    ss_user user;          /* out */
} ss_user_login;
/* Finds or creates the user of each of l[0..n) (distinct openids), records the sign-in and
 * loads each user with roles, in one statement: all or nothing, and safe to repeat. Scratch
 * memory is a's, each user's l[i].a's. Returns 0, or a db error (then nothing is stored). */
int ss_store_users_login(ss_db *db, ss_arena *a, ss_user_login *l, int n);
/* Loads the user with roles. Returns 0, SS_ENOTFOUND, or a db error. Strings live in a. */
int ss_store_user_get(ss_db *db, ss_arena *a, long long id, ss_user *out);
/* Grants role ("admin", or "community_admin" with community_id) to the user with openid,
 * creating the user if they never signed in, and sets *user_id. Idempotent. Returns 0; SS_ENOTFOUND if the
 * community does not exist; SS_EINVALID for an unknown role; or a db error. */
int ss_store_role_grant(ss_db *db, ss_arena *a, const char *openid, const char *role, long long community_id,
                        long long *user_id);
/* Removes role (as for grant) from the user with openid. Returns 0 with *user_id and *removed
 * (0 when they did not hold it); SS_ENOTFOUND: no such user; SS_EINVALID: unknown role. */
int ss_store_role_revoke(ss_db *db, ss_arena *a, const char *openid, const char *role, long long community_id,
                         long long *user_id, int *removed);

/* What the caller shows of themself beyond ss_user (strings in the arena). */
typedef struct ss_org_membership {
    long long org_id;
    const char *name, *role;
} ss_org_membership;
typedef struct ss_profile {
    const char *avatar_url;        /* NULL: none */
    const char *nickname_pending;  /* a new nickname waiting for content review; NULL: none */
    long long home_community_id;   /* 0: none */
    ss_org_membership *orgs;
    int norgs;
} ss_profile;
/* Returns 0, SS_ENOTFOUND, or a db error. */
int ss_store_user_profile(ss_db *db, ss_arena *a, long long user_id, ss_profile *out);

/* A change of the profile: nickname NULL keeps it (and any nickname waiting for review); a
 * nickname with nickname_held waits in nickname_pending, the current one staying, else it
 * replaces the current one and drops a waiting one; set_avatar / set_home say whether to set
 * avatar_url (NULL clears) / home_community_id (0 clears). */
typedef struct ss_profile_change {
    const char *nickname, *avatar_url;
    int nickname_held, set_avatar, set_home;
    long long home_community_id;
} ss_profile_change;
/* Returns 0; SS_ENOTFOUND when home_community_id names no community; or a db error. */
int ss_store_user_profile_set(ss_db *db, ss_arena *a, long long user_id, const ss_profile_change *c);

#endif
