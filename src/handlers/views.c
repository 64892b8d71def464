/* Shared JSON views (see views.h). */
#include "handlers/views.h"

#include <math.h>
#include <string.h>

#include "domain/activity.h"
#include "http/request.h"

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
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)c->id, "name", c->name, "street",
                     c->street, "district", c->district, "kind", c->kind, "created_at", ss_json_time(c->created_at));
}

json_t *ss_view_org(const ss_org *o)
{
    json_t *v = json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:o}", "id", (json_int_t)o->id, "name", o->name,
                          "community_id", (json_int_t)o->community_id, "kind", o->kind, "stage", o->stage, "status",
                          o->status, "summary", o->summary ? o->summary : "", "created_at",
                          ss_json_time(o->created_at));
    if (o->reject_reason) json_object_set_new(v, "reject_reason", json_string(o->reject_reason));
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
    return v;
}

json_t *ss_view_signup_status(const ss_signup *s)
{
    json_t *v = json_pack("{s:s}", "status", s->status);
    if (strcmp(s->status, "waitlisted") == 0) json_object_set_new(v, "waitlist_position", json_integer(s->position));
    return v;
}
