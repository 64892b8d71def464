/* Metrics counters and their Prometheus rendering (see metrics.h). */
#include "util/metrics.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

#define MAX_ROUTES 257          /* +1: the unmatched slot */
static const int statuses[] = {200, 201, 204, 400, 401, 403, 404, 405, 409, 410, 413, 415, 422, 429, 500, 503};
#define NSTATUS (int)(sizeof statuses / sizeof statuses[0])
static const double buckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
#define NBUCKETS (int)(sizeof buckets / sizeof buckets[0])
static const char *const dep_names[] = {"mysql", "redis", "wechat"};

static int nroutes;
static const char *const *names;
static unsigned long counts[MAX_ROUTES][NSTATUS + 1];   /* last column: any other status */
static unsigned long hist[NBUCKETS + 1];
static unsigned long long sum_us;
static unsigned long dep_errors[SS_DEP_COUNT];
static long busy;
static unsigned long batches[SS_BATCH_KINDS], batch_items[SS_BATCH_KINDS], batch_max[SS_BATCH_KINDS],
    batches_failed[SS_BATCH_KINDS];
static const char *const batch_kinds[SS_BATCH_KINDS] = {"votes", "signups"};

void ss_metrics_init(int n, const char *const *route_names)
{
    nroutes = n < MAX_ROUTES - 1 ? n : MAX_ROUTES - 1;
    names = route_names;
}

void ss_metrics_request(int route, int status, double seconds)
{
    int r = (route >= 0 && route < nroutes) ? route : nroutes;
    int s = NSTATUS;
    for (int i = 0; i < NSTATUS; i++)
        if (statuses[i] == status) s = i;
    __atomic_add_fetch(&counts[r][s], 1, __ATOMIC_RELAXED);
    int b = NBUCKETS;
    for (int i = 0; i < NBUCKETS; i++)
        if (seconds <= buckets[i]) {
            b = i;
            break;
        }
    __atomic_add_fetch(&hist[b], 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&sum_us, (unsigned long long)(seconds * 1e6), __ATOMIC_RELAXED);
}

void ss_metrics_dep_error(ss_dep dep)
{
    if (dep >= 0 && dep < SS_DEP_COUNT) __atomic_add_fetch(&dep_errors[dep], 1, __ATOMIC_RELAXED);
}

void ss_metrics_busy(int delta) { __atomic_add_fetch(&busy, delta, __ATOMIC_RELAXED); }

void ss_metrics_batch(ss_batch_kind k, int n, int failed)
{
    if (k < 0 || k >= SS_BATCH_KINDS) return;
    __atomic_add_fetch(&batches[k], 1, __ATOMIC_RELAXED);
    if (failed) __atomic_add_fetch(&batches_failed[k], 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&batch_items[k], (unsigned long)n, __ATOMIC_RELAXED);
    unsigned long max = __atomic_load_n(&batch_max[k], __ATOMIC_RELAXED);
    while ((unsigned long)n > max &&
           !__atomic_compare_exchange_n(&batch_max[k], &max, (unsigned long)n, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        ;
}

typedef struct {
    char *buf;
    size_t len, cap;
} sbuf;

static void put(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(sbuf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->buf + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        b->cap *= 2;
        char *nb = realloc(b->buf, b->cap);
        if (!nb) ss_fatal_oom(b->cap);
        b->buf = nb;
    }
}

char *ss_metrics_render(size_t *len)
{
    sbuf b = {ss_xmalloc(8192), 0, 8192};
    put(&b, "# HELP sanshe_requests_total Requests by route and status.\n# TYPE sanshe_requests_total counter\n");
    for (int r = 0; r <= nroutes; r++)
        for (int s = 0; s <= NSTATUS; s++) {
            unsigned long v = __atomic_load_n(&counts[r][s], __ATOMIC_RELAXED);
            if (!v) continue;
            char st[8];
            if (s < NSTATUS) snprintf(st, sizeof st, "%d", statuses[s]);
            else snprintf(st, sizeof st, "other");
            put(&b, "sanshe_requests_total{route=\"%s\",status=\"%s\"} %lu\n", r < nroutes ? names[r] : "unmatched",
                st, v);
        }
    put(&b, "# HELP sanshe_request_duration_seconds Time from request accepted to reply written.\n"
            "# TYPE sanshe_request_duration_seconds histogram\n");
    unsigned long cum = 0;
    for (int i = 0; i <= NBUCKETS; i++) {
        cum += __atomic_load_n(&hist[i], __ATOMIC_RELAXED);
        if (i < NBUCKETS) put(&b, "sanshe_request_duration_seconds_bucket{le=\"%g\"} %lu\n", buckets[i], cum);
        else put(&b, "sanshe_request_duration_seconds_bucket{le=\"+Inf\"} %lu\n", cum);
    }
    put(&b, "sanshe_request_duration_seconds_sum %.6f\nsanshe_request_duration_seconds_count %lu\n",
        (double)__atomic_load_n(&sum_us, __ATOMIC_RELAXED) / 1e6, cum);
    put(&b, "# HELP sanshe_dependency_errors_total Failed calls to a dependency.\n"
            "# TYPE sanshe_dependency_errors_total counter\n");
    for (int d = 0; d < SS_DEP_COUNT; d++)
        put(&b, "sanshe_dependency_errors_total{dependency=\"%s\"} %lu\n", dep_names[d],
            __atomic_load_n(&dep_errors[d], __ATOMIC_RELAXED));
    put(&b, "# HELP sanshe_workers_busy Worker threads serving a request now.\n# TYPE sanshe_workers_busy gauge\n"
            "sanshe_workers_busy %ld\n", __atomic_load_n(&busy, __ATOMIC_RELAXED));
    static const struct {
        const char *name, *type, *help;
        unsigned long *v;
    } group[] = {{"sanshe_batches_total", "counter", "Group commits, by kind of write.", batches},
                 {"sanshe_batch_items_total", "counter", "Writes in group commits.", batch_items},
                 {"sanshe_batches_failed_total", "counter",
                  "Group commits that failed (their writes stored one by one).", batches_failed},
                 {"sanshe_batch_max", "gauge", "Most writes in one group commit.", batch_max}};
    for (size_t g = 0; g < sizeof group / sizeof group[0]; g++) {
        put(&b, "# HELP %s %s\n# TYPE %s %s\n", group[g].name, group[g].help, group[g].name, group[g].type);
        for (int k = 0; k < SS_BATCH_KINDS; k++)
            put(&b, "%s{kind=\"%s\"} %lu\n", group[g].name, batch_kinds[k],
                __atomic_load_n(&group[g].v[k], __ATOMIC_RELAXED));
    }
    *len = b.len;
    return b.buf;
}
