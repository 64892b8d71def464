/* Unit tests for log lines (util/log.h): every value is escaped, so a request cannot write its
 * own fields (a `"` in a path used to let it add `level=error ...`); numbers and the other
 * conversions format as printf does. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/log.h"

static const char *fmt(char *out, size_t cap, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    ss_log_format(out, cap, f, ap);
    va_end(ap);
    return out;
}

/* Parses a logfmt line into keys (bare or "quoted" values with \" \\ escapes); returns how
 * many pairs, writing the keys to keys[] and the value of `want` to val. -1 if malformed. */
static int parse(const char *line, char keys[][32], int max, const char *want, char *val, size_t vcap)
{
    int nk = 0;
    const char *p = line;
    while (*p) {
        while (*p == ' ') p++;
        if (!*p || *p == '\n') break;
        const char *eq = strchr(p, '=');
        if (!eq || eq == p || nk >= max) return -1;
        snprintf(keys[nk], 32, "%.*s", (int)(eq - p), p);
        for (const char *k = p; k < eq; k++)
            if (*k == ' ' || *k == '"') return -1;
        p = eq + 1;
        char v[1024];
        size_t n = 0;
        if (*p == '"') {
            p++;
            while (*p && *p != '"') {
                if (*p == '\\' && p[1]) p++;
                if (n + 1 < sizeof v) v[n++] = *p;
                p++;
            }
            if (*p != '"') return -1;
            p++;
        } else {
            while (*p && *p != ' ' && *p != '\n') {
                if (n + 1 < sizeof v) v[n++] = *p;
                p++;
            }
        }
        v[n] = '\0';
        if (want && strcmp(keys[nk], want) == 0) {
            size_t m = strlen(v) < vcap ? strlen(v) : vcap - 1;
            memcpy(val, v, m);
            val[m] = '\0';
        }
        nk++;
    }
    return nk;
}

static void test_quoted_value_cannot_forge_fields(void **state)
{
    (void)state;
    char out[512], keys[16][32], val[256];
    const char *path = "/api/v1/x\" level=error msg=\"forged";
    fmt(out, sizeof out, "method=%s path=\"%.200s\" status=%d", "GET", path, 200);
    assert_string_equal(out, "method=GET path=\"/api/v1/x\\\" level=error msg=\\\"forged\" status=200");
    assert_int_equal(parse(out, keys, 16, "path", val, sizeof val), 3);
    assert_string_equal(keys[0], "method");
    assert_string_equal(keys[1], "path");
    assert_string_equal(keys[2], "status");
    assert_string_equal(val, path);   /* the value reads back whole */
}

static void test_bare_value_with_space_is_quoted(void **state)
{
    (void)state;
    char out[512], keys[16][32], val[256];
    fmt(out, sizeof out, "method=%s route=%s", "GET level=error", "");
    assert_string_equal(out, "method=\"GET level=error\" route=\"\"");
    assert_int_equal(parse(out, keys, 16, "method", val, sizeof val), 2);
    assert_string_equal(val, "GET level=error");
    fmt(out, sizeof out, "group=%s", "www-data");
    assert_string_equal(out, "group=www-data");   /* plain tokens stay bare */
}

static void test_control_characters_and_backslashes(void **state)
{
    (void)state;
    char out[512];
    fmt(out, sizeof out, "error=\"%s\"", "a\nb\rc\td\\e\x01");
    assert_string_equal(out, "error=\"a\\nb\\rc\\td\\\\e\\x01\"");
    fmt(out, sizeof out, "p=\"%.3s\"", "abcdef");   /* precision applies to the value */
    assert_string_equal(out, "p=\"abc\"");
    fmt(out, sizeof out, "x=\"%s\"", (const char *)NULL);
    assert_string_equal(out, "x=\"(null)\"");
}

static void test_numbers_format_as_printf(void **state)
{
    (void)state;
    char out[512];
    fmt(out, sizeof out, "a=%d b=%ld c=%lld d=%u e=%lu f=%zu g=%.2f h=%5d i=%% j=%x k=%.*s", -3, 40L, 5000000000LL,
        7u, 8ul, (size_t)9, 1.005, 42, 255, 2, "xyz");
    assert_string_equal(out, "a=-3 b=40 c=5000000000 d=7 e=8 f=9 g=1.00 h=   42 i=% j=ff k=xy");
    fmt(out, 8, "long=%s", "abcdefghij");   /* never past the buffer, always terminated */
    assert_true(strlen(out) <= 7);
}

/* The whole line through SS_INFO: the prefix, then the escaped fields, one line. */
static void test_whole_line(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/test_log.XXXXXX";
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    fflush(stderr);
    int saved = dup(2);
    dup2(fd, 2);
    ss_log_set_request_id("abc\" level=error");
    SS_INFO("http", "method=%s path=\"%s\" status=%d", "GET", "/a\"\nlevel=error b=\"", 404);
    ss_log_set_request_id(NULL);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    char line[1024] = "";
    FILE *f = fdopen(fd, "r");
    rewind(f);
    assert_non_null(fgets(line, sizeof line, f));
    char more[8];
    assert_null(fgets(more, sizeof more, f));   /* exactly one line */
    fclose(f);
    unlink(tmpl);
    char keys[16][32], val[256];
    int n = parse(line, keys, 16, "level", val, sizeof val);
    if (n != 7) fail_msg("%d fields in: %s", n, line);
    assert_string_equal(val, "info");
    const char *want[] = {"ts", "level", "mod", "rid", "method", "path", "status"};
    for (int i = 0; i < 7; i++) assert_string_equal(keys[i], want[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quoted_value_cannot_forge_fields),
        cmocka_unit_test(test_bare_value_with_space_is_quoted),
        cmocka_unit_test(test_control_characters_and_backslashes),
        cmocka_unit_test(test_numbers_format_as_printf),
        cmocka_unit_test(test_whole_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
