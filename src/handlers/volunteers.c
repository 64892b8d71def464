/* Volunteer registration (志愿者实名登记): PUT /api/v1/me/volunteer. The real name, phone and
 * ID number are validated, encrypted at rest (AES-256-GCM), and only ever replied masked. A
 * keyed hash of the ID number makes one volunteer per person. */
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "domain/person.h"
#include "handlers/handlers.h"
#include "handlers/views.h"
#include "http/errors.h"
#include "http/request.h"
#include "http/validate.h"
#include "store/volunteers.h"

#define SKILLS_MAX 20

/* Reads skills: an array of up to 20 strings of 1-20 characters. Returns a new JSON array. */
static json_t *read_skills(ss_v *v, json_t *body)
{
    json_t *in = json_object_get(body, "skills"), *out = json_array();
    if (!in || json_is_null(in)) return out;
    if (!json_is_array(in)) {
        v->bad_type = 1;
        ss_v_fail(v, "skills", "must be an array of strings");
        return out;
    }
    if (json_array_size(in) > SKILLS_MAX) ss_v_fail(v, "skills", "at most 20 skills");
    size_t i;
    json_t *s;
    json_array_foreach(in, i, s) {
        if (!json_is_string(s)) {
            v->bad_type = 1;
            ss_v_fail(v, "skills", "must be an array of strings");
            break;
        }
        long n = ss_utf8_chars(json_string_value(s), json_string_length(s));
        if (n < 1 || n > 20) {
            ss_v_fail(v, "skills", "each skill is 1 to 20 characters");
            break;
        }
        json_array_append(out, s);
    }
    return out;
}

/* {real_name, phone, id_number, skills} -> 200 {status: "registered", masked fields, skills, total_minutes} */
static int volunteer_put(ss_req *req)
{
    int rc, created = 0;
    json_t *body;
    ss_v v;
    if ((rc = ss_v_body(&v, req, &body))) return rc;
    const char *name = ss_v_string(&v, "real_name", 1, 2, 30);
    const char *phone = ss_v_string(&v, "phone", 1, 11, 11);
    const char *id_number = ss_v_string(&v, "id_number", 1, 18, 18);
    json_t *skills = ss_req_own(req, read_skills(&v, body));
    if (name && !ss_real_name_valid(name)) ss_v_fail(&v, "real_name", "2 to 30 letters, as on the ID card");
    if (phone && !ss_phone_valid(phone)) ss_v_fail(&v, "phone", "must be a mainland mobile number (11 digits, 1[3-9]...)");
    if (id_number && !ss_id_number_valid(id_number, req->now))
        ss_v_fail(&v, "id_number", "must be an 18-digit resident ID number with a valid birth date and check digit");
    if ((rc = ss_v_finish(&v))) return rc;

    char canonical[19], hash[65];
    ss_id_number_canonical(id_number, canonical);
    ss_field_hash(&req->app->fields, canonical, hash);
    ss_volunteer vol = {.user_id = req->caller.user_id, .id_number_hash = hash, .status = "registered"};
    char *skills_text = json_dumps(skills, JSON_COMPACT);
    if (!skills_text) return SS_EINTERNAL;
    ss_arena_on_reset(req->arena, free, skills_text);
    vol.skills_json = skills_text;
    if (ss_field_encrypt(&req->app->fields, req->arena, "real_name", name, (char **)&vol.real_name_enc) ||
        ss_field_encrypt(&req->app->fields, req->arena, "phone", phone, (char **)&vol.phone_enc) ||
        ss_field_encrypt(&req->app->fields, req->arena, "id_number", canonical, (char **)&vol.id_number_enc)) {
        OPENSSL_cleanse(canonical, sizeof canonical);
        return SS_EINTERNAL;
    }
    OPENSSL_cleanse(canonical, sizeof canonical);
    rc = ss_store_volunteer_put(req->db, req->arena, &vol, &created);
    if (rc == SS_ECONFLICT) return ss_reply_error(req, "id_number_taken");
    if (rc) return rc;
    if (created) ss_req_forget_user(req, req->caller.user_id);   /* now a volunteer */
    ss_volunteer stored;
    if ((rc = ss_store_volunteer_get(req->db, req->arena, req->caller.user_id, &stored))) return rc;
    return ss_reply_json(req, 200, ss_view_volunteer(&req->app->fields, req->arena, &stored));
}

static const ss_route routes[] = {
    {"PUT", "/api/v1/me/volunteer", volunteer_put, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
};
const ss_route_table ss_volunteer_routes = {routes, sizeof routes / sizeof routes[0]};
