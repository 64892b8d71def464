/* Structured logging: one line per event, `key=value` pairs, each carrying the level, a
 * module tag and the current request id. The macros skip all work below the level.
 * Never pass secrets (tokens, session_key, keys, ID numbers, phones) to these. */
#ifndef SS_UTIL_LOG_H
#define SS_UTIL_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum { SS_LOG_DEBUG = 0, SS_LOG_INFO, SS_LOG_WARN, SS_LOG_ERROR };

extern int ss_log_level;

/* Parses "debug|info|warn|error"; returns -1 if unknown. */
int ss_log_level_parse(const char *name);
/* Sets this thread's request id (borrowed; must outlive its use), or NULL. */
void ss_log_set_request_id(const char *rid);
const char *ss_log_request_id(void);
/* Writes one line: ts, level, mod, rid, then fmt. Every %s argument is a value and is escaped
 * (a `"` or a space in a path cannot forge fields): inside quotes written by fmt (`path="%s"`)
 * quotes, backslashes and control characters are escaped; a bare %s holding a space, `=`,
 * quote or control character is written quoted. Keys and quotes belong in fmt. */
void ss_log_write(int level, const char *mod, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The formatter behind ss_log_write (exposed for tests): writes at most cap - 1 bytes and a
 * NUL; returns the length written. */
size_t ss_log_format(char *out, size_t cap, const char *fmt, va_list ap);

#define SS_LOG(level, mod, ...) \
    do { if ((level) >= ss_log_level) ss_log_write((level), (mod), __VA_ARGS__); } while (0)
#define SS_DEBUG(mod, ...) SS_LOG(SS_LOG_DEBUG, mod, __VA_ARGS__)
#define SS_INFO(mod, ...)  SS_LOG(SS_LOG_INFO, mod, __VA_ARGS__)
#define SS_WARN(mod, ...)  SS_LOG(SS_LOG_WARN, mod, __VA_ARGS__)
#define SS_ERROR(mod, ...) SS_LOG(SS_LOG_ERROR, mod, __VA_ARGS__)

#endif
