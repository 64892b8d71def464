/* Structured logging to stderr (the stack script sends it to var/log/app.log). */
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

int ss_log_level = SS_LOG_INFO;
static _Thread_local const char *tl_rid;

static const char *const level_names[] = {"debug", "info", "warn", "error"};

int ss_log_level_parse(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, level_names[i]) == 0) return i;
    return -1;
}

void ss_log_set_request_id(const char *rid) { tl_rid = rid; }
const char *ss_log_request_id(void) { return tl_rid; }

void ss_log_write(int level, const char *mod, const char *fmt, ...)
{
    char line[2048];
    struct timeval tv;
    struct tm tm;
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    int n = snprintf(line, sizeof line, "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ level=%s mod=%s rid=%s ",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     (long)(tv.tv_usec / 1000), level_names[level < 0 || level > 3 ? 1 : level], mod,
                     tl_rid ? tl_rid : "-");
    if (n < 0 || (size_t)n >= sizeof line) n = 0;
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
    if (len > sizeof line - 2) len = sizeof line - 2;
    for (size_t i = (size_t)n; i < len; i++)  /* one event, one line */
        if (line[i] == '\n' || line[i] == '\r') line[i] = ' ';
    line[len++] = '\n';
    fwrite(line, 1, len, stderr);  /* stdio locks the stream: lines never interleave */
}
