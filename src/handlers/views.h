/* JSON views of domain objects shared by several handlers, so every route shows an object
 * the same way. Each returns a new reference. Times are RFC 3339 in the configured zone. */
#ifndef SS_HANDLERS_VIEWS_H
#define SS_HANDLERS_VIEWS_H

#include <jansson.h>

#include "store/activities.h"
#include "store/corrections.h"
#include "store/orgs.h"
#include "store/users.h"
#include "store/volunteers.h"
#include "util/crypto.h"
#include "util/jsoncheck.h"

/* {id, nickname, roles: [...], community_admin_of: [...]} */
json_t *ss_view_user(const ss_user *u);
/* {id, name, street, district, kind, created_at} */
json_t *ss_view_community(const ss_community *c);
/* {id, name, community_id, kind, stage, status, summary, created_at[, reject_reason]} */
json_t *ss_view_org(const ss_org *o);
/* {id, org_id, org_name, community_id, title, description, category, starts_at, ends_at,
 *  signup_deadline, capacity, confirmed, waitlisted, seats_left, walk_in, service_minutes,
 *  location: {name, lat, lng, radius_m}, status} */
json_t *ss_view_activity(const ss_activity *act);
/* {status, waitlist_position?} plus what the context adds */
json_t *ss_view_signup_status(const ss_signup *s);

/* {status, real_name_masked, phone_masked, id_number_masked, skills, total_minutes}: personal
 * fields are decrypted only to be masked here, and never leave the server whole. */
json_t *ss_view_volunteer(const ss_field_keys *keys, ss_arena *a, const ss_volunteer *v);
/* {id, activity_id, org_name, title, date, kind, minutes, reason, created_by, created_at} */
json_t *ss_view_service_record(const ss_service_record *r);

/* {id, user_id, activity_id, org_id, org_name, title, kind, minutes, reason, status,
 *  proposed_by, created_at, decided_by, decided_at, decision_note} */
json_t *ss_view_correction(const ss_correction *c);

#endif
