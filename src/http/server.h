/* Serving one FastCGI request: read parameters and body, route, authenticate, check the
 * route's access level, call the handler, render errors, write the reply, count it and
 * log one line. The FastCGI entry point (cgi-bin/sanshe-api.c) calls this per request. */
#ifndef SS_HTTP_SERVER_H
#define SS_HTTP_SERVER_H

#include <fcgiapp.h>

#include "http/request.h"

/* Serves fr with w's connections; resets w->arena at the end. Never fails: every problem
 * becomes an error reply. */
void ss_http_serve(ss_worker *w, FCGX_Request *fr);

#endif
