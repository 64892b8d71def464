/* Shared JSON views (see views.h). */
#include "handlers/views.h"

#include <math.h>
#include <string.h>

#include "domain/activity.h"
#include "domain/person.h"
#include "http/request.h"
#include "util/timefmt.h"

json_t *ss_view_user(const ss_user *u)
{
    json_t *roles = json_array(), *communities = json_array();
    json_array_append_new(roles, json_string("resident"));
    if (u->is_volunteer) json_array_append_new(roles, json_string("volunteer"));
    if (u->is_admin) json_array_append_new(roles, json_string("admin"));
    if (u->ncommunities > 0) json_array_append_new(roles, json_string("community_admin"));
    for (int i = 0; i < u->ncommunities; i++) json_array_append_new(communities, json_integer(u->community_admin_of[i]));
    return json_pack("{s:I, s:s, s:o, s:o}", "id", (json_int_t)u->id, "nickname", u->nickname ? u->nickname : "",
                     "roles", roles, "community_admin_of", communities);
}

json_t *ss_view_community(const ss_community *c)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:s}", "id", (json_int_t)c->id, "name", c->name, "street",
                     c->street, "district", c->district, "kind", c->kind, "created_at", ss_json_time(c->created_at),
                     "content_status", c->content_status ? c->content_status : "visible");
}

json_t *ss_view_org(const ss_org *o)
{
    json_t *v = json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)o->id, "name", o->name,
                          "community_id", (json_int_t)o->community_id, "kind", o->kind, "stage", o->stage, "status",
                          o->status, "summary", o->summary ? o->summary : "", "created_at",
                          ss_json_time(o->created_at));
    if (o->reject_reason) json_object_set_new(v, "reject_reason", json_string(o->reject_reason));
    json_object_set_new(v, "content_status", json_string(o->content_status ? o->content_status : "visible"));
    return v;
}

static json_t *coord(double d)
{
    return json_real(round(d * 1e6) / 1e6);
}

json_t *ss_view_activity(const ss_activity *a)
{
    json_t *loc = json_pack("{s:s, s:o, s:o, s:I}", "name", a->location_name, "lat", coord(a->lat), "lng",
                            coord(a->lng), "radius_m", (json_int_t)a->radius_m);
    json_t *v = json_pack(
        "{s:I, s:I, s:s, s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:I, s:I, s:I, s:I, s:b, s:o, s:o, s:s}", "id",
        (json_int_t)a->id, "org_id", (json_int_t)a->org_id, "org_name", a->org_name, "community_id",
        (json_int_t)a->community_id, "title", a->title, "description", a->description, "category", a->category,
        "starts_at", ss_json_time(a->starts_at), "ends_at", ss_json_time(a->ends_at), "signup_deadline",
        a->signup_deadline ? ss_json_time(a->signup_deadline) : json_null(), "capacity", (json_int_t)a->capacity,
        "confirmed", (json_int_t)a->confirmed, "waitlisted", (json_int_t)a->waitlisted, "seats_left",
        (json_int_t)ss_seats_left(a->capacity, a->confirmed), "walk_in", a->walk_in, "service_minutes",
        a->service_minutes ? json_integer(a->service_minutes) : json_null(), "location", loc, "status", a->status);
    json_object_set_new(v, "min_attendance_pct", json_integer(a->min_attendance_pct));
    json_object_set_new(v, "content_status", json_string(a->content_status ? a->content_status : "visible"));
    return v;
}

json_t *ss_view_signup_status(const ss_signup *s)
{
    json_t *v = json_pack("{s:s}", "status", s->status);
    if (strcmp(s->status, "waitlisted") == 0) json_object_set_new(v, "waitlist_position", json_integer(s->position));
    return v;
}

json_t *ss_view_volunteer(const ss_field_keys *keys, ss_arena *a, const ss_volunteer *v)
{
    char *name = NULL, *phone = NULL, *id = NULL;
    char name_m[256] = "****", phone_m[16] = "****", id_m[24] = "****";
    /* a row that does not decrypt (a retired key removed too early) shows stars, not an error */
    if (ss_field_decrypt(keys, a, "real_name", v->real_name_enc, &name) == 0) ss_mask_name(name, name_m, sizeof name_m);
    if (ss_field_decrypt(keys, a, "phone", v->phone_enc, &phone) == 0) ss_mask_phone(phone, phone_m, sizeof phone_m);
    if (ss_field_decrypt(keys, a, "id_number", v->id_number_enc, &id) == 0) ss_mask_id_number(id, id_m, sizeof id_m);
    json_t *skills = json_loads(v->skills_json ? v->skills_json : "[]", 0, NULL);
    if (!json_is_array(skills)) {
        json_decref(skills);
        skills = json_array();
    }
    if (strcmp(v->status, "erased") == 0)   /* nothing personal is left to mask */
        return json_pack("{s:s, s:s?, s:n, s:n, s:n, s:o, s:I}", "status", v->status, "number", v->number,
                         "real_name_masked", "phone_masked", "id_number_masked", "skills", skills, "total_minutes",
                         (json_int_t)v->total_minutes);
    return json_pack("{s:s, s:s?, s:s, s:s, s:s, s:o, s:I}", "status", v->status, "number", v->number,
                     "real_name_masked", name_m, "phone_masked", phone_m, "id_number_masked", id_m, "skills", skills,
                     "total_minutes", (json_int_t)v->total_minutes);
}

json_t *ss_view_service_record(const ss_service_record *r)
{
    char date[SS_TIME_RFC3339_LEN];
    ss_time_format(r->activity_starts_at, date);
    date[10] = '\0';   /* the activity's calendar day in the configured zone */
    return json_pack("{s:I, s:I, s:s?, s:s?, s:s, s:s, s:I, s:s?, s:I, s:o}", "id", (json_int_t)r->id, "activity_id",
                     (json_int_t)r->activity_id, "org_name", r->org_name, "title", r->title, "date", date, "kind",
                     r->kind, "minutes", (json_int_t)r->minutes, "reason", r->reason, "created_by",
                     (json_int_t)r->created_by, "created_at", ss_json_time(r->created_at));
}

json_t *ss_view_correction(const ss_correction *c)
{
    json_t *v = json_pack("{s:I, s:I, s:I, s:I, s:s?, s:s?, s:s, s:I, s:s, s:s, s:I, s:o}", "id", (json_int_t)c->id,
                          "user_id", (json_int_t)c->user_id, "activity_id", (json_int_t)c->activity_id, "org_id",
                          (json_int_t)c->org_id, "org_name", c->org_name, "title", c->title, "kind", c->kind,
                          "minutes", (json_int_t)c->minutes, "reason", c->reason, "status", c->status,
                          "proposed_by", (json_int_t)c->proposed_by, "created_at", ss_json_time(c->created_at));
    json_object_set_new(v, "decided_by", c->decided_by ? json_integer(c->decided_by) : json_null());
    json_object_set_new(v, "decided_at", c->decided_at ? ss_json_time(c->decided_at) : json_null());
    json_object_set_new(v, "decision_note", c->decision_note ? json_string(c->decision_note) : json_null());
    return v;
}
