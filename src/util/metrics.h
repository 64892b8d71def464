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
/* One group commit (util/group.h) of n writes of a kind; failed: it was not committed and its
 * writes were stored one by one. */
typedef enum { SS_BATCH_VOTES = 0, SS_BATCH_SIGNUPS, SS_BATCH_KINDS } ss_batch_kind;
void ss_metrics_batch(ss_batch_kind kind, int n, int failed);
/* Returns the exposition text (malloc'd, caller frees) and its length in *len. */
char *ss_metrics_render(size_t *len);

#endif
