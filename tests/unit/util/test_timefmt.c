/* Unit tests for time formatting and parsing (util/timefmt.h): RFC 3339 with offsets in the
 * configured zone, strict parsing, MariaDB DATETIME round trips and zone validation. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "util/timefmt.h"

#define T_2026_11_21_0100Z ((time_t)1795222800)   /* 2026-11-21T01:00:00Z */
#define T_2024_02_29_123456Z ((time_t)1709210096) /* 2024-02-29T12:34:56Z */
#define T_2026_01_15_1200Z ((time_t)1768478400)   /* 2026-01-15T12:00:00Z */

static int group_setup(void **state)
{
    (void)state;
    return ss_time_set_zone("Asia/Shanghai");
}

/* Parses s, failing the test with s in the message if it is refused. */
static time_t parse_ok(const char *s)
{
    time_t t = 0;
    if (ss_time_parse(s, &t) != 0) fail_msg("refused \"%s\"", s);
    return t;
}

static void parse_bad(const char *s)
{
    time_t t = 12345;
    if (ss_time_parse(s, &t) != -1) fail_msg("accepted \"%s\" as %lld", s, (long long)t);
}

static void test_format_shanghai(void **state)
{
    (void)state;
    char out[SS_TIME_RFC3339_LEN];
    ss_time_format(T_2026_11_21_0100Z, out);
    assert_string_equal(out, "2026-11-21T09:00:00+08:00");
    ss_time_format(0, out);
    assert_string_equal(out, "1970-01-01T08:00:00+08:00");
    /* Crossing midnight into the next local day. */
    ss_time_format(T_2026_11_21_0100Z - 3600 * 9 + 59, out);
    assert_string_equal(out, "2026-11-21T00:00:59+08:00");
    ss_time_format(T_2026_11_21_0100Z - 3600 * 9 - 1, out);
    assert_string_equal(out, "2026-11-20T23:59:59+08:00");
}

static void test_format_other_zones(void **state)
{
    (void)state;
    char out[SS_TIME_RFC3339_LEN];
    /* Half-hour offsets, both signs: the minutes and the sign must be right. */
    assert_int_equal(ss_time_set_zone("Asia/Kolkata"), 0);
    ss_time_format(T_2026_01_15_1200Z, out);
    assert_string_equal(out, "2026-01-15T17:30:00+05:30");
    assert_int_equal(ss_time_set_zone("America/St_Johns"), 0);
    ss_time_format(T_2026_01_15_1200Z, out);
    assert_string_equal(out, "2026-01-15T08:30:00-03:30");
    assert_int_equal(ss_time_set_zone("UTC"), 0);
    ss_time_format(T_2026_01_15_1200Z, out);
    assert_string_equal(out, "2026-01-15T12:00:00+00:00");
    assert_int_equal(ss_time_set_zone("Asia/Shanghai"), 0);
    ss_time_format(T_2026_01_15_1200Z, out);
    assert_string_equal(out, "2026-01-15T20:00:00+08:00");
}

static void test_format_parse_round_trip(void **state)
{
    (void)state;
    char out[SS_TIME_RFC3339_LEN];
    const time_t ts[] = {0, 1, T_2024_02_29_123456Z, T_2026_11_21_0100Z, T_2026_01_15_1200Z, 4102444800};
    for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
        ss_time_format(ts[i], out);
        assert_int_equal(parse_ok(out), ts[i]);
    }
}

static void test_parse_offsets(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2026-11-21T01:00:00Z"), T_2026_11_21_0100Z);
    assert_int_equal(parse_ok("2026-11-21T01:00:00z"), T_2026_11_21_0100Z);
    assert_int_equal(parse_ok("2026-11-21T09:00:00+08:00"), T_2026_11_21_0100Z);
    assert_int_equal(parse_ok("2026-11-20T19:30:00-05:30"), T_2026_11_21_0100Z);
    assert_int_equal(parse_ok("2026-11-21T01:00:00+00:00"), T_2026_11_21_0100Z);
    assert_int_equal(parse_ok("2026-11-21T01:00:00-00:00"), T_2026_11_21_0100Z);
    assert_int_equal(parse_ok("2026-11-21T06:45:00+05:45"), T_2026_11_21_0100Z);
    /* The parse does not depend on the configured zone. */
    assert_int_equal(ss_time_set_zone("America/St_Johns"), 0);
    assert_int_equal(parse_ok("2026-11-21T09:00:00+08:00"), T_2026_11_21_0100Z);
    assert_int_equal(ss_time_set_zone("Asia/Shanghai"), 0);
}

static void test_parse_fractions(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2026-11-21T01:00:00.5Z"), T_2026_11_21_0100Z);
    assert_int_equal(parse_ok("2026-11-21T01:00:00.123Z"), T_2026_11_21_0100Z);
    assert_int_equal(parse_ok("2026-11-21T09:00:00.999999999+08:00"), T_2026_11_21_0100Z);
    assert_int_equal(parse_ok("2026-11-20T19:30:00.000-05:30"), T_2026_11_21_0100Z);
    parse_bad("2026-11-21T01:00:00.Z");
    parse_bad("2026-11-21T01:00:00.+08:00");
    parse_bad("2026-11-21T01:00:00,5Z");
    parse_bad("2026-11-21T01:00:00.5");
}

static void test_parse_leap_days(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("2024-02-29T12:34:56Z"), T_2024_02_29_123456Z);
    assert_int_equal(parse_ok("2000-02-29T00:00:00Z"), 951782400);
    parse_bad("2026-02-29T00:00:00Z");
    parse_bad("2100-02-29T00:00:00Z");   /* divisible by 100, not by 400 */
    parse_bad("2024-02-30T00:00:00Z");
}

static void test_parse_rejects_bad_fields(void **state)
{
    (void)state;
    parse_bad("2026-13-01T00:00:00Z");
    parse_bad("2026-00-10T00:00:00Z");
    parse_bad("2026-11-00T00:00:00Z");
    parse_bad("2026-11-31T00:00:00Z");
    parse_bad("2026-04-31T00:00:00Z");
    parse_bad("2026-11-32T00:00:00Z");
    parse_bad("2026-11-21T24:00:00Z");
    parse_bad("2026-11-21T23:60:00Z");
    parse_bad("2026-11-21T23:59:61Z");
    parse_bad("2026-11-21T01:00:00+24:00");
    parse_bad("2026-11-21T01:00:00+08:60");
}

static void test_parse_rejects_bad_syntax(void **state)
{
    (void)state;
    parse_bad("2026-11-21T09:00:00");          /* no offset */
    parse_bad("2026-11-21");                   /* date only */
    parse_bad("2026-11-21T09:00Z");            /* no seconds */
    parse_bad("2026-11-21T09:00:00+0800");
    parse_bad("2026-11-21T09:00:00+08");
    parse_bad("2026-11-21T09:00:00+08:0");
    parse_bad("2026-11-21T09:00:00+8:00");
    parse_bad("2026-11-21T09:00:00 +08:00");
    parse_bad("2026-11-21X09:00:00Z");
    parse_bad("2026/11/21T09:00:00Z");
    parse_bad("26-11-21T09:00:00Z");
    parse_bad("2026-1-21T09:00:00Z");
    parse_bad("+2026-11-21T09:00:00Z");
    parse_bad(" 2026-11-21T09:00:00Z");
    parse_bad("2026-11-21T09:00:00Zjunk");
    parse_bad("2026-11-21T09:00:00Z ");
    parse_bad("2026-11-21T09:00:00+08:00x");
    parse_bad("2026-11-21T09:00:00+08:00:00");
    parse_bad("2026-11-21T09:00:00ZZ");
    parse_bad("2026-1a-21T09:00:00Z");
    parse_bad("");
    parse_bad("now");
    time_t t = 42;
    assert_int_equal(ss_time_parse(NULL, &t), -1);
}

static void test_db_round_trip(void **state)
{
    (void)state;
    char out[20];
    time_t t = 0;
    ss_time_format_db(T_2026_11_21_0100Z, out);
    /* Always UTC, whatever the configured zone. */
    assert_string_equal(out, "2026-11-21 01:00:00");
    assert_int_equal(ss_time_parse_db(out, &t), 0);
    assert_int_equal(t, T_2026_11_21_0100Z);
    ss_time_format_db(T_2024_02_29_123456Z, out);
    assert_string_equal(out, "2024-02-29 12:34:56");
    assert_int_equal(ss_time_parse_db(out, &t), 0);
    assert_int_equal(t, T_2024_02_29_123456Z);
    ss_time_format_db(0, out);
    assert_string_equal(out, "1970-01-01 00:00:00");
    assert_int_equal(ss_time_parse_db(out, &t), 0);
    assert_int_equal(t, 0);
    ss_time_format_db(253402300799, out);
    assert_string_equal(out, "9999-12-31 23:59:59");
    assert_int_equal(ss_time_parse_db(out, &t), 0);
    assert_int_equal(t, 253402300799);
}

static void test_db_rejects(void **state)
{
    (void)state;
    time_t t = 0;
    assert_int_equal(ss_time_parse_db("2026-11-21T01:00:00", &t), -1);
    assert_int_equal(ss_time_parse_db("2026-02-29 00:00:00", &t), -1);
    assert_int_equal(ss_time_parse_db("2026-11-21 24:00:00", &t), -1);
    assert_int_equal(ss_time_parse_db("2026-11-21", &t), -1);
    assert_int_equal(ss_time_parse_db("", &t), -1);
    assert_int_equal(ss_time_parse_db(NULL, &t), -1);
}

static void test_set_zone_rejects(void **state)
{
    (void)state;
    char out[SS_TIME_RFC3339_LEN];
    assert_int_equal(ss_time_set_zone("Asia/Shanghai"), 0);
    assert_int_equal(ss_time_set_zone("../etc/passwd"), -1);
    assert_int_equal(ss_time_set_zone("Asia/../../etc/passwd"), -1);
    assert_int_equal(ss_time_set_zone("/etc/passwd"), -1);
    assert_int_equal(ss_time_set_zone("/usr/share/zoneinfo/UTC"), -1);
    assert_int_equal(ss_time_set_zone("Mars/Olympus_Mons"), -1);
    assert_int_equal(ss_time_set_zone("Asia/Shangai"), -1);
    assert_int_equal(ss_time_set_zone(""), -1);
    assert_int_equal(ss_time_set_zone(NULL), -1);
    /* A refused zone leaves the configured one in place. */
    ss_time_format(T_2026_11_21_0100Z, out);
    assert_string_equal(out, "2026-11-21T09:00:00+08:00");
}

static void test_set_zone_rejects_non_zones(void **state)
{
    (void)state;
    char out[SS_TIME_RFC3339_LEN];
    assert_int_equal(ss_time_set_zone("Asia/Shanghai"), 0);
    /* Entries of the zoneinfo folder that are not zones: a directory and a table. */
    assert_int_equal(ss_time_set_zone("Asia"), -1);
    assert_int_equal(ss_time_set_zone("zone.tab"), -1);
    ss_time_format(T_2026_11_21_0100Z, out);
    assert_string_equal(out, "2026-11-21T09:00:00+08:00");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_shanghai),
        cmocka_unit_test(test_format_other_zones),
        cmocka_unit_test(test_format_parse_round_trip),
        cmocka_unit_test(test_parse_offsets),
        cmocka_unit_test(test_parse_fractions),
        cmocka_unit_test(test_parse_leap_days),
        cmocka_unit_test(test_parse_rejects_bad_fields),
        cmocka_unit_test(test_parse_rejects_bad_syntax),
        cmocka_unit_test(test_db_round_trip),
        cmocka_unit_test(test_db_rejects),
        cmocka_unit_test(test_set_zone_rejects),
        cmocka_unit_test(test_set_zone_rejects_non_zones),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
