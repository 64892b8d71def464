/* Structured logging to stderr (the stack script sends it to var/log/app.log). */
#include "util/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

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

/* Appends s to out (at *n, capacity cap, always NUL-terminated) escaped for a logfmt value:
 * `"` and `\` get a backslash, control characters become \n, \r, \t or \xNN. quoted: the
 * format already put s between quotes. Otherwise s goes out bare when it is a plain token,
 * and between quotes (escaped) when it holds a space, `=`, `"`, `\`, a control character or
 * nothing: a value can never end its field early and forge the next ones. */
static void put_value(char *out, size_t cap, size_t *n, const char *s, size_t len, int quoted)
{
    int bare = !quoted && len > 0;
    for (size_t i = 0; bare && i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ' || c == '=' || c == '"' || c == '\\' || c == 0x7f) bare = 0;
    }
    if (!quoted && !bare && *n + 1 < cap) out[(*n)++] = '"';
    for (size_t i = 0; i < len && *n + 4 < cap; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            out[(*n)++] = '\\';
            out[(*n)++] = (char)c;
        } else if (c == '\n' || c == '\r' || c == '\t') {
            out[(*n)++] = '\\';
            out[(*n)++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
        } else if (c < 0x20 || c == 0x7f) {
            *n += (size_t)snprintf(out + *n, cap - *n, "\\x%02x", c);
        } else {
            out[(*n)++] = (char)c;
        }
    }
    if (!quoted && !bare && *n + 1 < cap) out[(*n)++] = '"';
    out[*n < cap ? *n : cap - 1] = '\0';
}

/* vsnprintf for log lines whose every %s argument is a value to escape (put_value); the
 * format itself (keys, quotes) is trusted. Supports flags, width, precision (also `*`), the
 * length modifiers hh h l ll z j t L and the conversions d i u o x X c e f g a p s %. */
size_t ss_log_format(char *out, size_t cap, const char *fmt, va_list ap)
{
    size_t n = 0;
    if (cap == 0) return 0;
    out[0] = '\0';
    for (const char *p = fmt; *p && n + 1 < cap;) {
        if (*p != '%') {
            out[n++] = *p++;
            out[n] = '\0';
            continue;
        }
        const char *start = p++;
        if (*p == '%') {
            out[n++] = '%';
            out[n] = '\0';
            p++;
            continue;
        }
        char spec[32];
        size_t k = 0;
        int star_w = 0, star_p = 0, wv = 0, pv = -1;
        spec[k++] = '%';
        while (*p && strchr("-+ #0", *p) && k < 20) spec[k++] = *p++;
        if (*p == '*') { star_w = 1; spec[k++] = *p++; }
        while (*p >= '0' && *p <= '9' && k < 20) spec[k++] = *p++;
        if (*p == '.') {
            spec[k++] = *p++;
            if (*p == '*') { star_p = 1; spec[k++] = *p++; }
            else { pv = 0; while (*p >= '0' && *p <= '9' && k < 24) { pv = pv * 10 + (*p - '0'); spec[k++] = *p++; } }
        }
        int len_mod = 0;   /* 0 none, 1 h, 2 hh, 3 l, 4 ll, 5 z, 6 j, 7 t, 8 L */
        if (*p == 'h') { spec[k++] = *p++; len_mod = 1; if (*p == 'h') { spec[k++] = *p++; len_mod = 2; } }
        else if (*p == 'l') { spec[k++] = *p++; len_mod = 3; if (*p == 'l') { spec[k++] = *p++; len_mod = 4; } }
        else if (*p == 'z') { spec[k++] = *p++; len_mod = 5; }
        else if (*p == 'j') { spec[k++] = *p++; len_mod = 6; }
        else if (*p == 't') { spec[k++] = *p++; len_mod = 7; }
        else if (*p == 'L') { spec[k++] = *p++; len_mod = 8; }
        char conv = *p;
        if (!conv) break;
        p++;
        spec[k++] = conv;
        spec[k] = '\0';
        if (star_w) wv = va_arg(ap, int);
        if (star_p) pv = va_arg(ap, int);
        (void)wv;
        size_t room = cap - n;
        int m = 0;
        switch (conv) {
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s) s = "(null)";
            size_t len = strlen(s);
            if (pv >= 0 && (size_t)pv < len) len = (size_t)pv;
            put_value(out, cap, &n, s, len, start > fmt && start[-1] == '"');
            continue;
        }
        case 'd': case 'i': case 'u': case 'o': case 'x': case 'X': case 'c':
#define SS_INT_ARG(T) (star_w && star_p ? snprintf(out + n, room, spec, wv, pv, va_arg(ap, T)) : \
                       star_w ? snprintf(out + n, room, spec, wv, va_arg(ap, T)) : \
                       star_p ? snprintf(out + n, room, spec, pv, va_arg(ap, T)) : \
                       snprintf(out + n, room, spec, va_arg(ap, T)))
            switch (len_mod) {
            case 3: m = SS_INT_ARG(long); break;
            case 4: m = SS_INT_ARG(long long); break;
            case 5: m = SS_INT_ARG(size_t); break;
            case 6: m = SS_INT_ARG(intmax_t); break;
            case 7: m = SS_INT_ARG(ptrdiff_t); break;
            default: m = SS_INT_ARG(int); break;   /* char and short are promoted to int */
            }
            break;
        case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A':
            if (len_mod == 8) m = SS_INT_ARG(long double);
            else m = SS_INT_ARG(double);
            break;
        case 'p':
            m = SS_INT_ARG(void *);
            break;
#undef SS_INT_ARG
        default:   /* not a conversion this supports: write it as it stands */
            m = snprintf(out + n, room, "%.*s", (int)(p - start), start);
            break;
        }
        if (m > 0) n += (size_t)m < room ? (size_t)m : room - 1;
    }
    out[n < cap ? n : cap - 1] = '\0';
    return n < cap ? n : cap - 1;
}

void ss_log_write(int level, const char *mod, const char *fmt, ...)
{
    char line[2048];
    struct timeval tv;
    struct tm tm;
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    int n = snprintf(line, sizeof line, "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ level=%s mod=%s rid=",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     (long)(tv.tv_usec / 1000), level_names[level < 0 || level > 3 ? 1 : level], mod);
    if (n < 0 || (size_t)n >= sizeof line) n = 0;
    size_t len = (size_t)n;
    const char *rid = tl_rid ? tl_rid : "-";
    put_value(line, sizeof line - 2, &len, rid, strlen(rid), 0);
    if (len + 1 < sizeof line - 2) line[len++] = ' ';
    va_list ap;
    va_start(ap, fmt);
    len += ss_log_format(line + len, sizeof line - 2 - len, fmt, ap);   /* every value escaped */
    va_end(ap);
    if (len > sizeof line - 2) len = sizeof line - 2;
    for (size_t i = 0; i < len; i++)  /* one event, one line (the format's own text included) */
        if (line[i] == '\n' || line[i] == '\r') line[i] = ' ';
    line[len++] = '\n';
    /* One write(2) per line, no stdio lock (32 workers queued on it): lines never interleave,
     * as a write to a file opened O_APPEND lands whole at its end, and a pipe takes writes
     * up to PIPE_BUF (4096 > sizeof line) whole. */
    const char *p = line;
    while (len > 0) {
        ssize_t w = write(STDERR_FILENO, p, len);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;   /* nowhere to say it */
        p += w;
        len -= (size_t)w;
    }
}
