/* Configuration table and loaders (see config.h). Every option is declared once in
 * `options[]`; adding one is a struct field plus a row. */
#include "util/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/log.h"

typedef enum { OPT_STR, OPT_INT, OPT_LONG } opt_type;

typedef struct {
    const char *name;
    opt_type type;
    size_t offset;
    long min, max;
    const char *def;
    int secret;
} option;

#define STR(f, d) {#f, OPT_STR, offsetof(ss_config, f), 0, 0, d, 0}
#define SECRET(f) {#f, OPT_STR, offsetof(ss_config, f), 0, 0, "", 1}
#define INT(f, lo, hi, d) {#f, OPT_INT, offsetof(ss_config, f), lo, hi, #d, 0}
#define LONG(f, lo, hi, d) {#f, OPT_LONG, offsetof(ss_config, f), lo, hi, #d, 0}

static const option options[] = {
    STR(socket_path, "var/run/app/sanshe-api.sock"),
    STR(socket_group, ""),
    INT(threads, 1, 256, 8),
    LONG(max_body, 1024, 16777216, 1048576),
    STR(mysql_socket, "var/run/mysqld.sock"),
    STR(mysql_host, ""),
    INT(mysql_port, 1, 65535, 3306),
    STR(mysql_user, "sanshe"),
    SECRET(mysql_password),
    STR(mysql_database, "sanshe"),
    INT(mysql_timeout_s, 1, 60, 3),
    STR(mysql_hosts, ""),
    STR(redis_socket, "var/run/redis.sock"),
    STR(redis_sentinels, ""),
    STR(redis_master_name, "sanshe"),
    SECRET(redis_password),
    STR(redis_host, ""),
    INT(redis_port, 1, 65535, 6379),
    INT(redis_timeout_ms, 50, 60000, 1000),
    INT(near_cache, 0, 1, 1),
    INT(vote_group_commit, 0, 1, 1),
    INT(signup_group_commit, 0, 1, 1),
    STR(wx_base_url, "https://api.weixin.qq.com"),
    STR(wx_appid, ""),
    SECRET(wx_secret),
    INT(wx_connect_timeout_ms, 50, 30000, 1000),
    INT(wx_timeout_ms, 100, 60000, 3000),
    INT(wx_max_inflight, 1, 256, 16),
    SECRET(jwt_key),
    STR(jwt_issuer, "sanshe"),
    STR(jwt_audience, "sanshe-miniprogram"),
    INT(session_ttl_s, 60, 2592000, 7200),
    SECRET(field_key),
    INT(field_key_id, 1, 255, 1),
    SECRET(field_keys_retired),
    SECRET(hash_key),
    SECRET(checkin_key),
    INT(checkin_window_s, 10, 30, 30),
    INT(vote_rate_user_per_s, 1, 1000, 10),
    INT(signup_rate_user_per_s, 1, 1000, 60),
    INT(signup_rate_window_s, 1, 86400, 1),
    INT(vote_rate_addr_per_s, 1, 1000000, 1000),
    STR(wx_tpl_reminder, "tpl_activity_reminder"),
    STR(wx_tpl_activity, "tpl_activity_update"),
    STR(wx_tpl_decision, "tpl_review_result"),
    INT(sender_interval_ms, 50, 60000, 1000),
    INT(sender_batch, 1, 1000, 50),
    INT(reminder_long_s, 60, 604800, 86400),
    INT(reminder_short_s, 60, 86400, 1800),
    INT(sender_clock_offset_s, -604800, 604800, 0),
    INT(reminder_full_every_s, 1, 86400, 60),
    INT(qr_ticket_ttl_s, 10, 120, 120),
    INT(vote_rate_window_s, 1, 86400, 1),
    STR(cors_origins, ""),
    STR(time_zone, "Asia/Shanghai"),
    STR(public_url, ""),
    STR(log_level, "info"),
    STR(secrets_file, ""),
};
#define NOPTIONS (sizeof options / sizeof options[0])

static char **str_field(ss_config *cfg, const option *o) { return (char **)((char *)cfg + o->offset); }

void ss_config_defaults(ss_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    for (size_t i = 0; i < NOPTIONS; i++) {
        char err[8];
        ss_config_set(cfg, options[i].name, options[i].def, err, sizeof err);
    }
}

void ss_config_dispose(ss_config *cfg)
{
    for (size_t i = 0; i < NOPTIONS; i++) {
        if (options[i].type != OPT_STR) continue;
        char **p = str_field(cfg, &options[i]);
        if (*p && options[i].secret) memset(*p, 0, strlen(*p));
        free(*p);
        *p = NULL;
    }
}

int ss_config_set(ss_config *cfg, const char *name, const char *value, char *err, size_t errlen)
{
    for (size_t i = 0; i < NOPTIONS; i++) {
        const option *o = &options[i];
        if (strcmp(o->name, name) != 0) continue;
        if (o->type == OPT_STR) {
            char **p = str_field(cfg, o);
            free(*p);
            *p = ss_xstrdup(value);
            return 0;
        }
        char *end;
        errno = 0;
        long v = strtol(value, &end, 10);
        if (errno || end == value || *end != '\0') {
            snprintf(err, errlen, "%s: not a number: \"%s\"", name, value);
            return -1;
        }
        if (v < o->min || v > o->max) {
            snprintf(err, errlen, "%s: %ld is outside %ld..%ld", name, v, o->min, o->max);
            return -1;
        }
        if (o->type == OPT_INT)
            *(int *)((char *)cfg + o->offset) = (int)v;
        else
            *(long *)((char *)cfg + o->offset) = v;
        return 0;
    }
    snprintf(err, errlen, "unknown option \"%s\"", name);
    return -1;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s)) s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) *--e = '\0';
    return s;
}

int ss_config_load_file(ss_config *cfg, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    char line[4096];
    int lineno = 0, rc = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *s = trim(line);
        if (*s == '\0' || *s == '#') continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            snprintf(err, errlen, "%s:%d: expected name = value", path, lineno);
            rc = -1;
            goto out;
        }
        *eq = '\0';
        char sub[512];
        if (ss_config_set(cfg, trim(s), trim(eq + 1), sub, sizeof sub) != 0) {
            snprintf(err, errlen, "%s:%d: %s", path, lineno, sub);
            rc = -1;
            goto out;
        }
    }
out:
    fclose(f);
    return rc;
}

int ss_config_load_env(ss_config *cfg, char *err, size_t errlen)
{
    for (size_t i = 0; i < NOPTIONS; i++) {
        char var[96] = "SANSHE_";
        size_t n = strlen(var);
        for (const char *p = options[i].name; *p && n < sizeof var - 1; p++)
            var[n++] = (char)toupper((unsigned char)*p);
        var[n] = '\0';
        const char *v = getenv(var);
        if (v && ss_config_set(cfg, options[i].name, v, err, errlen) != 0) return -1;
    }
    return 0;
}

static int is_hex(const char *s, size_t n)
{
    if (strlen(s) != n) return 0;
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i])) return 0;
    return 1;
}

/* Empty (use the unix socket), a host name, an IPv4 address or an IPv6 address (no port). */
static int host_valid(const char *h)
{
    size_t n = strlen(h);
    if (n > 253) return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)h[i]) && !strchr(".-_:", h[i])) return 0;
    return 1;
}

/* "" or origins "http(s)://host[:port]" (no path, no trailing slash) separated by spaces or commas. */
static int origins_valid(const char *s)
{
    while (*s) {
        while (*s == ' ' || *s == ',') s++;
        if (!*s) break;
        const char *p = s;
        if (strncmp(p, "https://", 8) == 0) p += 8;
        else if (strncmp(p, "http://", 7) == 0) p += 7;
        else return 0;
        const char *host = p;
        while (isalnum((unsigned char)*p) || *p == '.' || *p == '-') p++;
        if (p == host) return 0;
        if (*p == ':') {
            const char *port = ++p;
            while (isdigit((unsigned char)*p)) p++;
            if (p == port || p - port > 5) return 0;
        }
        if (*p && *p != ' ' && *p != ',') return 0;
        s = p;
    }
    return 1;
}

int ss_config_validate(const ss_config *cfg, char *err, size_t errlen)
{
    if (cfg->reminder_short_s >= cfg->reminder_long_s) {
        snprintf(err, errlen, "reminder_short_s: must be less than reminder_long_s");
        return -1;
    }
    if (strlen(cfg->jwt_key) < 32) {
        snprintf(err, errlen, "jwt_key: required, at least 32 characters (see secrets_file)");
        return -1;
    }
    if (!is_hex(cfg->field_key, 64)) {
        snprintf(err, errlen, "field_key: required, 64 hex digits (see secrets_file)");
        return -1;
    }
    if (!is_hex(cfg->hash_key, 64) || !is_hex(cfg->checkin_key, 64)) {
        snprintf(err, errlen, "hash_key and checkin_key: required, 64 hex digits each (see secrets_file)");
        return -1;
    }
    if (cfg->wx_secret[0] == '\0' || cfg->wx_appid[0] == '\0') {
        snprintf(err, errlen, "wx_appid and wx_secret are required");
        return -1;
    }
    if (strncmp(cfg->wx_base_url, "http://", 7) != 0 && strncmp(cfg->wx_base_url, "https://", 8) != 0) {
        snprintf(err, errlen, "wx_base_url: must start with http:// or https://");
        return -1;
    }
    if (ss_log_level_parse(cfg->log_level) < 0) {
        snprintf(err, errlen, "log_level: one of debug, info, warn, error");
        return -1;
    }
    if (!host_valid(cfg->mysql_host) || !host_valid(cfg->redis_host)) {
        snprintf(err, errlen, "mysql_host, redis_host: a host name or IP address (no port, no spaces; the port "
                              "is mysql_port, redis_port)");
        return -1;
    }
    if (!origins_valid(cfg->cors_origins)) {
        snprintf(err, errlen, "cors_origins: origins like https://console.example.org[:port], separated by spaces "
                              "or commas");
        return -1;
    }
    if (cfg->socket_path[0] == '\0') {
        snprintf(err, errlen, "socket_path: required");
        return -1;
    }
    return 0;
}

int ss_config_load(ss_config *cfg, const char *path, char *err, size_t errlen)
{
    ss_config_defaults(cfg);
    if (path && ss_config_load_file(cfg, path, err, errlen) != 0) return -1;
    /* The environment may name the secrets file too, so read it first for that option alone. */
    const char *sf = getenv("SANSHE_SECRETS_FILE");
    if (sf && ss_config_set(cfg, "secrets_file", sf, err, errlen) != 0) return -1;
    if (cfg->secrets_file[0] && ss_config_load_file(cfg, cfg->secrets_file, err, errlen) != 0) return -1;
    if (ss_config_load_env(cfg, err, errlen) != 0) return -1;
    return ss_config_validate(cfg, err, errlen);
}
