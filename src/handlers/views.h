/* JSON views of domain objects shared by several handlers, so every route shows an object
 * the same way. Each returns a new reference. */
#ifndef SS_HANDLERS_VIEWS_H
#define SS_HANDLERS_VIEWS_H

#include <jansson.h>

#include "store/users.h"

/* {id, nickname, roles: [...], community_admin_of: [...]} */
json_t *ss_view_user(const ss_user *u);

#endif
