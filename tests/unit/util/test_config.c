/* Unit tests for configuration loading (util/config.h): defaults, the file format, error
 * messages, bounds, the secrets file, SANSHE_* environment overrides and validation. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/config.h"

#define KEY32 "0123456789abcdef0123456789abcdef"
#define KEY32B "ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvu"
#define HEX64 "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF"

/* Removes every SANSHE_* variable, so the caller's environment cannot leak into a test. */
static void clear_env(void)
{
    for (;;) {
        char name[128] = "";
        for (char **e = environ; *e; e++) {
            if (strncmp(*e, "SANSHE_", 7) != 0) continue;
            size_t n = strcspn(*e, "=");
            if (n >= sizeof name) n = sizeof name - 1;
            memcpy(name, *e, n);
            name[n] = '\0';
            break;
        }
        if (!name[0]) return;
        unsetenv(name);
    }
}

static int setup(void **state)
{
    (void)state;
    clear_env();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    clear_env();
    return 0;
}

/* Writes text to a new temp file; returns its malloc'd path (unlink and free it). */
static char *write_temp(const char *text)
{
    char tmpl[] = "/tmp/sanshe-test-config-XXXXXX";
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    size_t n = strlen(text);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    close(fd);
    return strdup(tmpl);
}

static void drop_temp(char *path)
{
    unlink(path);
    free(path);
}

/* A configuration that passes validation, built from the defaults. */
static void valid_config(ss_config *cfg)
{
    char err[256];
    ss_config_defaults(cfg);
    assert_int_equal(ss_config_set(cfg, "jwt_key", KEY32, err, sizeof err), 0);
    assert_int_equal(ss_config_set(cfg, "field_key", HEX64, err, sizeof err), 0);
    assert_int_equal(ss_config_set(cfg, "hash_key", HEX64, err, sizeof err), 0);
    assert_int_equal(ss_config_set(cfg, "checkin_key", HEX64, err, sizeof err), 0);
    assert_int_equal(ss_config_set(cfg, "wx_appid", "wx123", err, sizeof err), 0);
    assert_int_equal(ss_config_set(cfg, "wx_secret", "s3cret", err, sizeof err), 0);
}

static void test_defaults(void **state)
{
    (void)state;
    ss_config cfg;
    ss_config_defaults(&cfg);
    assert_string_equal(cfg.socket_path, "var/run/app/sanshe-api.sock");
    assert_string_equal(cfg.socket_group, "");
    assert_int_equal(cfg.threads, 8);
    assert_int_equal(cfg.max_body, 1048576);
    assert_string_equal(cfg.mysql_user, "sanshe");
    assert_string_equal(cfg.mysql_database, "sanshe");
    assert_int_equal(cfg.mysql_timeout_s, 3);
    assert_int_equal(cfg.redis_timeout_ms, 1000);
    assert_string_equal(cfg.wx_base_url, "https://api.weixin.qq.com");
    assert_int_equal(cfg.wx_connect_timeout_ms, 1000);
    assert_int_equal(cfg.wx_timeout_ms, 3000);
    assert_string_equal(cfg.jwt_issuer, "sanshe");
    assert_string_equal(cfg.jwt_audience, "sanshe-miniprogram");
    assert_int_equal(cfg.session_ttl_s, 7200);
    assert_string_equal(cfg.time_zone, "Asia/Shanghai");
    assert_string_equal(cfg.log_level, "info");
    /* Secrets have no default: they must come from the secrets file or the environment. */
    assert_string_equal(cfg.jwt_key, "");
    assert_string_equal(cfg.field_key, "");
    assert_string_equal(cfg.wx_secret, "");
    assert_string_equal(cfg.mysql_password, "");
    assert_string_equal(cfg.secrets_file, "");
    ss_config_dispose(&cfg);
    assert_null(cfg.socket_path);
    assert_null(cfg.jwt_key);
}

static void test_defaults_fail_validation(void **state)
{
    (void)state;
    ss_config cfg;
    char err[256] = "";
    ss_config_defaults(&cfg);
    assert_int_equal(ss_config_validate(&cfg, err, sizeof err), -1);
    assert_non_null(strstr(err, "jwt_key"));
    ss_config_dispose(&cfg);
}

static void test_file_parsing(void **state)
{
    (void)state;
    char *path = write_temp("# sanshe test configuration\n"
                            "\n"
                            "   \n"
                            "threads = 16\n"
                            "  # an indented comment = ignored\n"
                            "\tmax_body=2048\t\n"
                            "   socket_path   =   /run/x.sock   \n"
                            "jwt_issuer = my issuer\n"
                            "socket_group =\n"
                            "\n"
                            "log_level = debug");  /* no final newline */
    ss_config cfg;
    char err[256] = "";
    ss_config_defaults(&cfg);
    assert_int_equal(ss_config_load_file(&cfg, path, err, sizeof err), 0);
    assert_int_equal(cfg.threads, 16);
    assert_int_equal(cfg.max_body, 2048);
    assert_string_equal(cfg.socket_path, "/run/x.sock");
    assert_string_equal(cfg.jwt_issuer, "my issuer");
    assert_string_equal(cfg.socket_group, "");
    assert_string_equal(cfg.log_level, "debug");
    /* Untouched options keep their defaults. */
    assert_int_equal(cfg.session_ttl_s, 7200);
    ss_config_dispose(&cfg);
    drop_temp(path);
}

static void test_file_unknown_option(void **state)
{
    (void)state;
    char *path = write_temp("threads = 4\n# fine\nthreadz = 4\n");
    ss_config cfg;
    char err[512] = "";
    ss_config_defaults(&cfg);
    assert_int_equal(ss_config_load_file(&cfg, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown option"));
    assert_non_null(strstr(err, "threadz"));
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, ":3:"));  /* the line number */
    ss_config_dispose(&cfg);
    drop_temp(path);
}

static void test_file_missing_equals(void **state)
{
    (void)state;
    char *path = write_temp("threads 4\n");
    ss_config cfg;
    char err[512] = "";
    ss_config_defaults(&cfg);
    assert_int_equal(ss_config_load_file(&cfg, path, err, sizeof err), -1);
    assert_non_null(strstr(err, ":1:"));
    ss_config_dispose(&cfg);
    drop_temp(path);
}

static void test_file_unreadable(void **state)
{
    (void)state;
    ss_config cfg;
    char err[512] = "";
    ss_config_defaults(&cfg);
    assert_int_equal(ss_config_load_file(&cfg, "/tmp/sanshe-test-no-such-dir/none.conf", err, sizeof err), -1);
    assert_non_null(strstr(err, "/tmp/sanshe-test-no-such-dir/none.conf"));
    ss_config_dispose(&cfg);
}

static void test_bad_number(void **state)
{
    (void)state;
    const char *bad[] = {"abc", "", "8x", "x8", "1.5", "99999999999999999999999", " "};
    ss_config cfg;
    ss_config_defaults(&cfg);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[256] = "";
        assert_int_equal(ss_config_set(&cfg, "threads", bad[i], err, sizeof err), -1);
        assert_non_null(strstr(err, "threads"));
        assert_int_equal(cfg.threads, 8);
    }
    char err[256] = "";
    assert_int_equal(ss_config_set(&cfg, "max_body", "lots", err, sizeof err), -1);
    assert_non_null(strstr(err, "not a number"));
    assert_int_equal(cfg.max_body, 1048576);
    ss_config_dispose(&cfg);
}

static void test_bad_number_in_file(void **state)
{
    (void)state;
    char *path = write_temp("\nthreads = many\n");
    ss_config cfg;
    char err[512] = "";
    ss_config_defaults(&cfg);
    assert_int_equal(ss_config_load_file(&cfg, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "threads"));
    assert_non_null(strstr(err, ":2:"));
    ss_config_dispose(&cfg);
    drop_temp(path);
}

static void test_bounds(void **state)
{
    (void)state;
    ss_config cfg;
    char err[256] = "";
    ss_config_defaults(&cfg);
    /* Bounds are inclusive. */
    assert_int_equal(ss_config_set(&cfg, "threads", "1", err, sizeof err), 0);
    assert_int_equal(cfg.threads, 1);
    assert_int_equal(ss_config_set(&cfg, "threads", "256", err, sizeof err), 0);
    assert_int_equal(cfg.threads, 256);
    assert_int_equal(ss_config_set(&cfg, "threads", "0", err, sizeof err), -1);
    assert_non_null(strstr(err, "threads"));
    assert_non_null(strstr(err, "outside"));
    assert_int_equal(ss_config_set(&cfg, "threads", "257", err, sizeof err), -1);
    assert_int_equal(ss_config_set(&cfg, "threads", "-4", err, sizeof err), -1);
    /* Too big for an int but fits a long: must be refused by bounds, not wrapped. */
    assert_int_equal(ss_config_set(&cfg, "threads", "4294967304", err, sizeof err), -1);
    assert_int_equal(cfg.threads, 256);
    assert_int_equal(ss_config_set(&cfg, "max_body", "1023", err, sizeof err), -1);
    assert_int_equal(ss_config_set(&cfg, "max_body", "16777217", err, sizeof err), -1);
    assert_int_equal(ss_config_set(&cfg, "max_body", "16777216", err, sizeof err), 0);
    assert_int_equal(cfg.max_body, 16777216);
    assert_int_equal(ss_config_set(&cfg, "session_ttl_s", "59", err, sizeof err), -1);
    assert_int_equal(ss_config_set(&cfg, "wx_timeout_ms", "99", err, sizeof err), -1);
    assert_int_equal(cfg.session_ttl_s, 7200);
    assert_int_equal(cfg.wx_timeout_ms, 3000);
    ss_config_dispose(&cfg);
}

static void test_set_unknown(void **state)
{
    (void)state;
    ss_config cfg;
    char err[256] = "";
    ss_config_defaults(&cfg);
    assert_int_equal(ss_config_set(&cfg, "no_such_option", "1", err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown option"));
    assert_non_null(strstr(err, "no_such_option"));
    /* Names are exact: no case folding, no prefixes. */
    assert_int_equal(ss_config_set(&cfg, "THREADS", "4", err, sizeof err), -1);
    assert_int_equal(ss_config_set(&cfg, "thread", "4", err, sizeof err), -1);
    assert_int_equal(cfg.threads, 8);
    ss_config_dispose(&cfg);
}

static void test_env_override(void **state)
{
    (void)state;
    char *path = write_temp("threads = 16\njwt_key = " KEY32 "\nfield_key = " HEX64 "\nhash_key = " HEX64
                            "\ncheckin_key = " HEX64 "\nwx_appid = wxfile\nwx_secret = filesecret\n");
    setenv("SANSHE_THREADS", "32", 1);
    setenv("SANSHE_WX_APPID", "wxenv", 1);
    setenv("SANSHE_JWT_KEY", KEY32B, 1);
    ss_config cfg;
    char err[512] = "";
    assert_int_equal(ss_config_load(&cfg, path, err, sizeof err), 0);
    assert_int_equal(cfg.threads, 32);
    assert_string_equal(cfg.wx_appid, "wxenv");
    assert_string_equal(cfg.jwt_key, KEY32B);
    assert_string_equal(cfg.wx_secret, "filesecret");
    ss_config_dispose(&cfg);
    drop_temp(path);
}

static void test_env_bad_value(void **state)
{
    (void)state;
    setenv("SANSHE_THREADS", "lots", 1);
    ss_config cfg;
    char err[512] = "";
    ss_config_defaults(&cfg);
    assert_int_equal(ss_config_load_env(&cfg, err, sizeof err), -1);
    assert_non_null(strstr(err, "threads"));
    assert_int_equal(cfg.threads, 8);
    ss_config_dispose(&cfg);
    setenv("SANSHE_THREADS", "1000", 1);
    assert_int_equal(ss_config_load(&cfg, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "threads"));
    ss_config_dispose(&cfg);
}

static void test_env_only(void **state)
{
    (void)state;
    setenv("SANSHE_JWT_KEY", KEY32, 1);
    setenv("SANSHE_FIELD_KEY", HEX64, 1);
    setenv("SANSHE_HASH_KEY", HEX64, 1);
    setenv("SANSHE_CHECKIN_KEY", HEX64, 1);
    setenv("SANSHE_WX_APPID", "wx1", 1);
    setenv("SANSHE_WX_SECRET", "sec", 1);
    setenv("SANSHE_MAX_BODY", "4096", 1);
    ss_config cfg;
    char err[512] = "";
    assert_int_equal(ss_config_load(&cfg, NULL, err, sizeof err), 0);
    assert_int_equal(cfg.max_body, 4096);
    assert_int_equal(cfg.threads, 8);
    assert_string_equal(cfg.field_key, HEX64);
    ss_config_dispose(&cfg);
}

static void test_secrets_file_after_main(void **state)
{
    (void)state;
    char *secrets = write_temp("# secrets\njwt_key = " KEY32B "\nfield_key = " HEX64 "\nhash_key = " HEX64
                               "\ncheckin_key = " HEX64 "\nwx_secret = from-secrets\nmysql_password = pw\n");
    char main_text[512];
    /* secrets_file is named before jwt_key: the secrets file still wins, because it is
     * read after the whole main file. */
    snprintf(main_text, sizeof main_text,
             "secrets_file = %s\njwt_key = " KEY32 "\nwx_appid = wx9\nwx_secret = from-main\nthreads = 3\n",
             secrets);
    char *path = write_temp(main_text);
    ss_config cfg;
    char err[512] = "";
    assert_int_equal(ss_config_load(&cfg, path, err, sizeof err), 0);
    assert_string_equal(cfg.jwt_key, KEY32B);
    assert_string_equal(cfg.wx_secret, "from-secrets");
    assert_string_equal(cfg.mysql_password, "pw");
    assert_string_equal(cfg.wx_appid, "wx9");
    assert_int_equal(cfg.threads, 3);
    ss_config_dispose(&cfg);

    /* The environment beats the secrets file. */
    setenv("SANSHE_WX_SECRET", "from-env", 1);
    assert_int_equal(ss_config_load(&cfg, path, err, sizeof err), 0);
    assert_string_equal(cfg.wx_secret, "from-env");
    ss_config_dispose(&cfg);
    drop_temp(path);
    drop_temp(secrets);
}

static void test_secrets_file_from_env(void **state)
{
    (void)state;
    char *secrets = write_temp("jwt_key = " KEY32 "\nfield_key = " HEX64 "\nhash_key = " HEX64
                               "\ncheckin_key = " HEX64 "\nwx_appid = a\nwx_secret = b\n");
    setenv("SANSHE_SECRETS_FILE", secrets, 1);
    ss_config cfg;
    char err[512] = "";
    assert_int_equal(ss_config_load(&cfg, NULL, err, sizeof err), 0);
    assert_string_equal(cfg.jwt_key, KEY32);
    assert_string_equal(cfg.secrets_file, secrets);
    ss_config_dispose(&cfg);
    drop_temp(secrets);
}

static void test_secrets_file_errors(void **state)
{
    (void)state;
    /* A missing secrets file is an error, not silently ignored. */
    char *path = write_temp("secrets_file = /tmp/sanshe-test-no-such-dir/secrets\n");
    ss_config cfg;
    char err[512] = "";
    assert_int_equal(ss_config_load(&cfg, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "/tmp/sanshe-test-no-such-dir/secrets"));
    ss_config_dispose(&cfg);
    drop_temp(path);

    /* A bad line in the secrets file is reported with its path. */
    char *secrets = write_temp("jwt_key = " KEY32 "\nbogus = 1\n");
    char main_text[256];
    snprintf(main_text, sizeof main_text, "secrets_file = %s\n", secrets);
    path = write_temp(main_text);
    assert_int_equal(ss_config_load(&cfg, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "bogus"));
    assert_non_null(strstr(err, secrets));
    ss_config_dispose(&cfg);
    drop_temp(path);
    drop_temp(secrets);
}

static void test_load_runs_validation(void **state)
{
    (void)state;
    char *path = write_temp("threads = 2\n");
    ss_config cfg;
    char err[512] = "";
    assert_int_equal(ss_config_load(&cfg, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "jwt_key"));
    ss_config_dispose(&cfg);
    drop_temp(path);
}

static void test_validate_ok(void **state)
{
    (void)state;
    ss_config cfg;
    char err[256] = "";
    valid_config(&cfg);
    assert_int_equal(ss_config_validate(&cfg, err, sizeof err), 0);
    /* Edge values that are still valid. */
    assert_int_equal(ss_config_set(&cfg, "wx_base_url", "http://127.0.0.1:9000", err, sizeof err), 0);
    assert_int_equal(ss_config_set(&cfg, "log_level", "error", err, sizeof err), 0);
    assert_int_equal(ss_config_validate(&cfg, err, sizeof err), 0);
    ss_config_dispose(&cfg);
}

/* Sets name=value on a valid config and expects validation to fail naming `expect`. */
static void expect_invalid(const char *name, const char *value, const char *expect)
{
    ss_config cfg;
    char err[256] = "";
    valid_config(&cfg);
    assert_int_equal(ss_config_set(&cfg, name, value, err, sizeof err), 0);
    err[0] = '\0';
    assert_int_equal(ss_config_validate(&cfg, err, sizeof err), -1);
    if (!strstr(err, expect)) fail_msg("%s=\"%s\": message \"%s\" does not name %s", name, value, err, expect);
    ss_config_dispose(&cfg);
}

static void test_validate_jwt_key(void **state)
{
    (void)state;
    expect_invalid("jwt_key", "", "jwt_key");
    expect_invalid("jwt_key", "0123456789abcdef0123456789abcde", "jwt_key");  /* 31 */
}

static void test_validate_field_key(void **state)
{
    (void)state;
    expect_invalid("field_key", "", "field_key");
    expect_invalid("field_key", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeef", "field_key");
    expect_invalid("field_key", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff0", "field_key");
    expect_invalid("field_key", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeefg", "field_key");
    expect_invalid("field_key", KEY32 KEY32B, "field_key");
}

static void test_validate_wx(void **state)
{
    (void)state;
    expect_invalid("wx_base_url", "ftp://api.weixin.qq.com", "wx_base_url");
    expect_invalid("wx_base_url", "api.weixin.qq.com", "wx_base_url");
    expect_invalid("wx_base_url", "", "wx_base_url");
    expect_invalid("wx_appid", "", "wx_appid");
    expect_invalid("wx_secret", "", "wx_secret");
}

static void test_validate_log_level(void **state)
{
    (void)state;
    expect_invalid("log_level", "verbose", "log_level");
    expect_invalid("log_level", "", "log_level");
    expect_invalid("log_level", "INFO", "log_level");
}

static void test_validate_socket_path(void **state)
{
    (void)state;
    expect_invalid("socket_path", "", "socket_path");
}

/* MariaDB and Redis on other hosts: host and port options, sockets by default. */
static void test_tcp_hosts(void **state)
{
    (void)state;
    ss_config cfg;
    char err[256] = "";
    valid_config(&cfg);
    assert_string_equal(cfg.mysql_host, "");   /* default: the unix sockets */
    assert_string_equal(cfg.redis_host, "");
    assert_int_equal(cfg.mysql_port, 3306);
    assert_int_equal(cfg.redis_port, 6379);
    char *path = write_temp("mysql_host = db1.internal\nmysql_port = 3307\nredis_host = 10.0.0.7\n"
                            "redis_port = 6380\n");
    assert_int_equal(ss_config_load_file(&cfg, path, err, sizeof err), 0);
    drop_temp(path);
    assert_string_equal(cfg.mysql_host, "db1.internal");
    assert_int_equal(cfg.mysql_port, 3307);
    assert_string_equal(cfg.redis_host, "10.0.0.7");
    assert_int_equal(cfg.redis_port, 6380);
    assert_int_equal(ss_config_validate(&cfg, err, sizeof err), 0);
    assert_int_equal(ss_config_set(&cfg, "redis_host", "fd00::7", err, sizeof err), 0);   /* IPv6 */
    assert_int_equal(ss_config_validate(&cfg, err, sizeof err), 0);
    /* ports are bounded */
    assert_int_equal(ss_config_set(&cfg, "mysql_port", "0", err, sizeof err), -1);
    assert_non_null(strstr(err, "mysql_port"));
    assert_int_equal(ss_config_set(&cfg, "redis_port", "65536", err, sizeof err), -1);
    assert_non_null(strstr(err, "redis_port"));
    ss_config_dispose(&cfg);
    /* the environment works for them as for every option */
    setenv("SANSHE_REDIS_HOST", "cache.internal", 1);
    setenv("SANSHE_REDIS_PORT", "7000", 1);
    valid_config(&cfg);
    assert_int_equal(ss_config_load_env(&cfg, err, sizeof err), 0);
    assert_string_equal(cfg.redis_host, "cache.internal");
    assert_int_equal(cfg.redis_port, 7000);
    ss_config_dispose(&cfg);
    /* a port inside the host, or spaces, are refused with a message naming the options */
    expect_invalid("mysql_host", "db1.internal 3306", "mysql_host");
    expect_invalid("redis_host", "redis://cache", "redis_host");
}

/* CORS origins: scheme and host (and port), nothing else. */
static void test_cors_origins(void **state)
{
    (void)state;
    ss_config cfg;
    char err[256] = "";
    valid_config(&cfg);
    assert_string_equal(cfg.cors_origins, "");
    assert_int_equal(ss_config_set(&cfg, "cors_origins", "https://console.example.org, http://127.0.0.1:5173", err,
                                   sizeof err), 0);
    assert_int_equal(ss_config_validate(&cfg, err, sizeof err), 0);
    ss_config_dispose(&cfg);
    expect_invalid("cors_origins", "*", "cors_origins");
    expect_invalid("cors_origins", "console.example.org", "cors_origins");
    expect_invalid("cors_origins", "https://console.example.org/", "cors_origins");
    expect_invalid("cors_origins", "https://a.example https://b.example/path", "cors_origins");
    expect_invalid("cors_origins", "https://a.example:123456", "cors_origins");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_defaults_fail_validation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_parsing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_unknown_option, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_missing_equals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_unreadable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_number, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_number_in_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bounds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_unknown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_env_override, setup, teardown),
        cmocka_unit_test_setup_teardown(test_env_bad_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_env_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secrets_file_after_main, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secrets_file_from_env, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secrets_file_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_runs_validation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validate_ok, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validate_jwt_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validate_field_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validate_wx, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validate_log_level, setup, teardown),
        cmocka_unit_test_setup_teardown(test_validate_socket_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tcp_hosts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cors_origins, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
