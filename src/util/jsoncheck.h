/* json_pack misuse made loud. json_pack returns NULL when its format does not match its
 * arguments or an "o" argument is NULL; that NULL then vanishes silently inside
 * json_object_set_new / json_array_append_new, or reaches ss_reply_json (which answers 500).
 * Including this header after <jansson.h> routes every json_pack of the file through
 * ss_json_checked: a NULL is logged at error level with the marker `json_misuse` and the
 * call's file and line (tests/run-all fails on any such line in the app's log), and a build
 * with SS_STRICT_JSON (the sanitizer builds: ./sanshe test --asan) aborts on the spot. */
#ifndef SS_UTIL_JSONCHECK_H
#define SS_UTIL_JSONCHECK_H

#include <jansson.h>
#include <stdlib.h>

#include "util/log.h"

#ifdef SS_STRICT_JSON
#define SS_JSON_STRICT_DEFAULT 1
#else
#define SS_JSON_STRICT_DEFAULT 0
#endif

/* 1: abort on a misuse (set from SS_STRICT_JSON; tests of the non-strict path may clear it). */
extern int ss_json_strict;

static inline json_t *ss_json_checked(json_t *j, const char *file, int line)
{
    if (!j) {
        SS_ERROR("json", "msg=\"json_misuse: json_pack returned NULL\" file=%s line=%d", file, line);
        if (ss_json_strict) abort();
    }
    return j;
}

#define json_pack(...) ss_json_checked(json_pack(__VA_ARGS__), __FILE__, __LINE__)

#endif
