/* Volunteer registration (志愿者实名登记): PUT /api/v1/me/volunteer. The real name, phone and
 * ID number are validated, encrypted at rest (AES-256-GCM), and only ever replied masked. A
 * keyed hash of the ID number makes one volunteer per person. */
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "domain/person.h"
#include "handlers/handlers.h"
#include "handlers/views.h"
#include "http/audit.h"
#include "http/content.h"
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

/* After registration the real name and ID number are locked: a registered or suspended
 * volunteer who sends others gets 409 identity_locked (an admin fixes them, with a reason).
 * An erased volunteer registers anew. Returns 0 when the identity may stand. */
static int identity_unchanged(ss_req *req, const char *name, const char *hash)
{
    ss_volunteer old;
    int rc = ss_store_volunteer_get(req->db, req->arena, req->caller.user_id, &old);
    if (rc == SS_ENOTFOUND) return SS_OK;
    if (rc) return rc;
    if (strcmp(old.status, "erased") == 0) return SS_OK;
    char *old_name = NULL;
    if (ss_field_decrypt(&req->app->fields, req->arena, "real_name", old.real_name_enc, &old_name)) return SS_EINTERNAL;
    int same = strcmp(old_name, name) == 0 && old.id_number_hash && strcmp(old.id_number_hash, hash) == 0;
    OPENSSL_cleanse(old_name, strlen(old_name));
    return same ? SS_OK : ss_reply_error(req, "identity_locked");
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
    /* skills are read by the volunteer and staff only: risky ones are refused, nothing is held
     * (the name, phone and ID number are identity data: checked by form, never sent out) */
    char *skill_text = ss_arena_calloc(req->arena, json_array_size(skills) * 81 + 1);
    size_t si;
    json_t *skill;
    json_array_foreach(skills, si, skill) {
        if (si) strcat(skill_text, "\n");
        strcat(skill_text, json_string_value(skill));
    }
    int review;
    const ss_content_text texts[] = {{"skills", skill_text}};
    if ((rc = ss_content_check(req, SS_CONTENT_PROFILE, texts, 1, &review))) return rc;

    char canonical[19], hash[65];
    ss_id_number_canonical(id_number, canonical);
    ss_field_hash(&req->app->fields, canonical, hash);
    if ((rc = identity_unchanged(req, name, hash))) {
        OPENSSL_cleanse(canonical, sizeof canonical);
        return rc;
    }
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

/* DELETE /me/volunteer -> 204: the volunteer's personal data (name, phone, ID number and its
 * hash, skills) is erased; the row, the volunteer number and every service record stay, so the
 * ledger and issued certificates remain true without naming the person. Again, or never
 * registered -> 204 (nothing is left to erase). */
static int volunteer_erase(ss_req *req)
{
    int rc = ss_store_volunteer_erase(req->db, req->arena, req->caller.user_id);
    if (rc == SS_ENOTFOUND) return ss_reply_empty(req, 204);   /* nothing was ever registered: nothing to erase */
    if (rc || (rc = ss_caller_forget(req->cache, req->caller.user_id))) return rc;
    return ss_reply_empty(req, 204);
}

/* POST /volunteers/{user_id}/identity (admin) {real_name?, id_number?, reason} -> 200 the
 * volunteer (masked): the one way to correct a locked identity; the reason is kept. */
static int identity_fix(ss_req *req)
{
    int rc;
    ss_v v;
    if ((rc = ss_v_body(&v, req, NULL))) return rc;
    const char *name = ss_v_string(&v, "real_name", 0, 2, 30);
    const char *id_number = ss_v_string(&v, "id_number", 0, 18, 18);
    const char *reason = ss_v_string(&v, "reason", 1, 2, 500);
    if (name && !ss_real_name_valid(name)) ss_v_fail(&v, "real_name", "2 to 30 letters, as on the ID card");
    if (id_number && !ss_id_number_valid(id_number, req->now))
        ss_v_fail(&v, "id_number", "must be an 18-digit resident ID number with a valid birth date and check digit");
    if (!name && !id_number) ss_v_fail(&v, "real_name", "give real_name, id_number or both");
    if ((rc = ss_v_finish(&v))) return rc;
    long long user_id = ss_req_param(req, 0);
    ss_volunteer old;
    rc = ss_store_volunteer_get(req->db, req->arena, user_id, &old);
    if (rc == SS_ENOTFOUND || (rc == SS_OK && strcmp(old.status, "erased") == 0)) return SS_ENOTFOUND;
    if (rc) return rc;
    ss_volunteer fix = old;
    char canonical[19], hash[65];
    if (name && ss_field_encrypt(&req->app->fields, req->arena, "real_name", name, (char **)&fix.real_name_enc))
        return SS_EINTERNAL;
    if (id_number) {
        ss_id_number_canonical(id_number, canonical);
        ss_field_hash(&req->app->fields, canonical, hash);
        fix.id_number_hash = hash;
        rc = ss_field_encrypt(&req->app->fields, req->arena, "id_number", canonical, (char **)&fix.id_number_enc);
        OPENSSL_cleanse(canonical, sizeof canonical);
        if (rc) return SS_EINTERNAL;
    }
    const char *fields = name && id_number ? "real_name,id_number" : name ? "real_name" : "id_number";
    rc = ss_store_volunteer_fix_identity(req->db, req->arena, &fix, fields, reason, req->caller.user_id);
    if (rc == SS_ECONFLICT) return ss_reply_error(req, "id_number_taken");
    if (rc) return rc;
    if ((rc = ss_audit(req, "volunteer.identity_fix", "volunteer", user_id, 0, fields))) return rc;   /* never the values */
    ss_volunteer stored;
    if ((rc = ss_store_volunteer_get(req->db, req->arena, user_id, &stored))) return rc;
    return ss_reply_json(req, 200, ss_view_volunteer(&req->app->fields, req->arena, &stored));
}

/* POST /volunteers/{user_id}/suspend | /unsuspend (admin) -> 200 {user_id, status}: a suspended
 * volunteer cannot check in (403 volunteer_required) and their personal codes are revoked. */
static int set_status(ss_req *req, const char *status)
{
    long long user_id = ss_req_param(req, 0);
    int rc = ss_store_volunteer_set_status(req->db, req->arena, user_id, status);
    if (rc || (rc = ss_caller_forget(req->cache, user_id))) return rc;
    if ((rc = ss_audit(req, strcmp(status, "suspended") == 0 ? "volunteer.suspend" : "volunteer.unsuspend",
                       "volunteer", user_id, 0, status)))
        return rc;
    return ss_reply_json(req, 200, json_pack("{s:I, s:s}", "user_id", (json_int_t)user_id, "status", status));
}

static int volunteer_suspend(ss_req *req) { return set_status(req, "suspended"); }
static int volunteer_unsuspend(ss_req *req) { return set_status(req, "registered"); }

static const ss_route routes[] = {
    {"PUT", "/api/v1/me/volunteer", volunteer_put, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"DELETE", "/api/v1/me/volunteer", volunteer_erase, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"POST", "/api/v1/volunteers/{user_id}/identity", identity_fix, SS_ACCESS_ADMIN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"POST", "/api/v1/volunteers/{user_id}/suspend", volunteer_suspend, SS_ACCESS_ADMIN, SS_SUBJECT_NONE,
     SS_RULE_VISIBLE},
    {"POST", "/api/v1/volunteers/{user_id}/unsuspend", volunteer_unsuspend, SS_ACCESS_ADMIN, SS_SUBJECT_NONE,
     SS_RULE_VISIBLE},
};
const ss_route_table ss_volunteer_routes = {routes, sizeof routes / sizeof routes[0]};
