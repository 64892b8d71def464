/* Process-wide counters for /metrics (Prometheus text format): requests by route and
 * status, a latency histogram, busy workers, and dependency errors. Updated with atomics
 * from every worker; rendered on demand. */
#ifndef SS_UTIL_METRICS_H
#define SS_UTIL_METRICS_H

#include <stddef.h>

typedef enum { SS_DEP_MYSQL = 0, SS_DEP_REDIS, SS_DEP_WECHAT, SS_DEP_COUNT } ss_dep;

/* Names the routes (borrowed strings, "GET /api/v1/me"); call once before workers start. */
void ss_metrics_init(int nroutes, const char *const *route_names);
/* route: index given at init, or -1 for requests that matched no route. */
void ss_metrics_request(int route, int status, double seconds);
void ss_metrics_dep_error(ss_dep dep);
void ss_metrics_busy(int delta);
/* One group commit of votes (store/vote_batch.c) of n votes; failed: it was not committed
 * and its votes were stored one by one. */
void ss_metrics_vote_batch(int n, int failed);
/* Returns the exposition text (malloc'd, caller frees) and its length in *len. */
char *ss_metrics_render(size_t *len);

#endif
