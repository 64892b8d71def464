/* Unit tests for auth/policy.c ss_policy_decide: who may see and act on an object. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "auth/policy.h"
#include "http/errors.h"

static long long admin_of_7[] = {7};
static long long admin_of_8[] = {8};

static ss_caller anon(void) { ss_caller c; memset(&c, 0, sizeof c); return c; }
static ss_caller user(long long id)
{
    ss_caller c = anon();
    c.authenticated = 1;
    c.user_id = id;
    c.user.id = id;
    return c;
}
static ss_caller admin(void) { ss_caller c = user(1); c.user.is_admin = 1; return c; }
static ss_caller cadmin(long long *of) { ss_caller c = user(2); c.user.ncommunities = 1; c.user.community_admin_of = of; return c; }

static ss_policy_facts facts(int visible, ss_org_role role)
{
    return (ss_policy_facts){.public_visible = visible, .community_id = 7, .owner_id = 50, .role = role};
}

static void hidden_objects_are_not_found(void **state)
{
    (void)state;
    ss_policy_facts f = facts(0, SS_ORG_ROLE_NONE);
    ss_caller a = anon(), u = user(99), other = cadmin(admin_of_8);
    assert_int_equal(ss_policy_decide(&a, SS_RULE_VISIBLE, &f), SS_ENOTFOUND);
    assert_int_equal(ss_policy_decide(&u, SS_RULE_VISIBLE, &f), SS_ENOTFOUND);
    assert_int_equal(ss_policy_decide(&u, SS_RULE_ORG_STAFF, &f), SS_ENOTFOUND);
    assert_int_equal(ss_policy_decide(&other, SS_RULE_COMMUNITY_ADMIN, &f), SS_ENOTFOUND);
}

static void owner_members_and_admins_see_hidden(void **state)
{
    (void)state;
    ss_policy_facts f = facts(0, SS_ORG_ROLE_NONE);
    ss_caller owner = user(50), ad = admin(), ca = cadmin(admin_of_7);
    assert_int_equal(ss_policy_decide(&owner, SS_RULE_VISIBLE, &f), SS_OK);
    assert_int_equal(ss_policy_decide(&ad, SS_RULE_VISIBLE, &f), SS_OK);
    assert_int_equal(ss_policy_decide(&ca, SS_RULE_COMMUNITY_ADMIN, &f), SS_OK);
    /* seeing is not acting: the filer of a pending org cannot approve it, and is told to wait
     * (SS_ECONFLICT: org_not_filed) for a leader's or staff action */
    assert_int_equal(ss_policy_decide(&owner, SS_RULE_COMMUNITY_ADMIN, &f), SS_EFORBIDDEN);
    assert_int_equal(ss_policy_decide(&owner, SS_RULE_ORG_STAFF, &f), SS_ECONFLICT);
    assert_int_equal(ss_policy_decide(&owner, SS_RULE_ORG_LEADER, &f), SS_ECONFLICT);
    ss_policy_facts filed = facts(1, SS_ORG_ROLE_NONE);
    ss_caller former_filer = user(50);   /* a filed org's filer without a role (demoted) is refused */
    assert_int_equal(ss_policy_decide(&former_filer, SS_RULE_ORG_STAFF, &filed), SS_EFORBIDDEN);
    ss_policy_facts member = facts(0, SS_ORG_ROLE_MEMBER);
    ss_caller m = user(60);
    assert_int_equal(ss_policy_decide(&m, SS_RULE_VISIBLE, &member), SS_OK);
    assert_int_equal(ss_policy_decide(&m, SS_RULE_ORG_STAFF, &member), SS_EFORBIDDEN);
}

static void org_roles(void **state)
{
    (void)state;
    ss_caller u = user(60);
    ss_policy_facts leader = facts(1, SS_ORG_ROLE_LEADER), sw = facts(1, SS_ORG_ROLE_SOCIAL_WORKER),
                    member = facts(1, SS_ORG_ROLE_MEMBER), none = facts(1, SS_ORG_ROLE_NONE);
    assert_int_equal(ss_policy_decide(&u, SS_RULE_ORG_LEADER, &leader), SS_OK);
    assert_int_equal(ss_policy_decide(&u, SS_RULE_ORG_STAFF, &leader), SS_OK);
    assert_int_equal(ss_policy_decide(&u, SS_RULE_ORG_STAFF, &sw), SS_OK);
    assert_int_equal(ss_policy_decide(&u, SS_RULE_ORG_LEADER, &sw), SS_EFORBIDDEN);
    assert_int_equal(ss_policy_decide(&u, SS_RULE_ORG_STAFF, &member), SS_EFORBIDDEN);
    assert_int_equal(ss_policy_decide(&u, SS_RULE_ORG_STAFF, &none), SS_EFORBIDDEN);
    /* admins manage filings, not an organization's own work */
    ss_caller ad = admin();
    assert_int_equal(ss_policy_decide(&ad, SS_RULE_ORG_STAFF, &none), SS_EFORBIDDEN);
    assert_int_equal(ss_policy_decide(&ad, SS_RULE_ORG_LEADER, &none), SS_EFORBIDDEN);
}

/* A correction is decided by its org's leader, the community's admin or an admin; it is seen by the
 * org's people and its approvers only (the two-person rule itself is domain/checkin.c's). */
static void correction_approvers(void **state)
{
    (void)state;
    ss_caller u = user(60), mine = cadmin(admin_of_7), other = cadmin(admin_of_8), ad = admin(), a = anon();
    ss_policy_facts leader = facts(0, SS_ORG_ROLE_LEADER), sw = facts(0, SS_ORG_ROLE_SOCIAL_WORKER),
                    member = facts(0, SS_ORG_ROLE_MEMBER), none = facts(0, SS_ORG_ROLE_NONE);
    none.owner_id = leader.owner_id = sw.owner_id = member.owner_id = 0;   /* corrections have no filer */
    assert_int_equal(ss_policy_decide(&u, SS_RULE_APPROVER, &leader), SS_OK);
    assert_int_equal(ss_policy_decide(&u, SS_RULE_APPROVER, &sw), SS_EFORBIDDEN);
    assert_int_equal(ss_policy_decide(&u, SS_RULE_APPROVER, &member), SS_EFORBIDDEN);
    assert_int_equal(ss_policy_decide(&u, SS_RULE_APPROVER, &none), SS_ENOTFOUND);
    assert_int_equal(ss_policy_decide(&mine, SS_RULE_APPROVER, &none), SS_OK);
    assert_int_equal(ss_policy_decide(&ad, SS_RULE_APPROVER, &none), SS_OK);
    assert_int_equal(ss_policy_decide(&other, SS_RULE_APPROVER, &none), SS_ENOTFOUND);
    assert_int_equal(ss_policy_decide(&a, SS_RULE_APPROVER, &leader), SS_ENOTFOUND);
}

static void community_admin_scope(void **state)
{
    (void)state;
    ss_policy_facts f = facts(1, SS_ORG_ROLE_NONE);
    ss_caller mine = cadmin(admin_of_7), other = cadmin(admin_of_8), ad = admin(), u = user(3), a = anon();
    assert_int_equal(ss_policy_decide(&mine, SS_RULE_COMMUNITY_ADMIN, &f), SS_OK);
    assert_int_equal(ss_policy_decide(&other, SS_RULE_COMMUNITY_ADMIN, &f), SS_EFORBIDDEN);
    assert_int_equal(ss_policy_decide(&ad, SS_RULE_COMMUNITY_ADMIN, &f), SS_OK);
    assert_int_equal(ss_policy_decide(&u, SS_RULE_COMMUNITY_ADMIN, &f), SS_EFORBIDDEN);
    assert_int_equal(ss_policy_decide(&a, SS_RULE_VISIBLE, &f), SS_OK);
    assert_true(ss_policy_is_community_admin(&mine, 7));
    assert_false(ss_policy_is_community_admin(&mine, 8));
    assert_false(ss_policy_is_community_admin(&a, 7));
}

static void anonymous_has_no_role(void **state)
{
    (void)state;
    /* a role in the facts never counts for an unauthenticated caller */
    ss_policy_facts f = facts(0, SS_ORG_ROLE_LEADER);
    ss_caller a = anon();
    assert_int_equal(ss_policy_decide(&a, SS_RULE_VISIBLE, &f), SS_ENOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hidden_objects_are_not_found),
        cmocka_unit_test(owner_members_and_admins_see_hidden),
        cmocka_unit_test(org_roles),
        cmocka_unit_test(correction_approvers),
        cmocka_unit_test(community_admin_scope),
        cmocka_unit_test(anonymous_has_no_role),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
