/* Shared JSON views (see views.h). */
#include "handlers/views.h"

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
