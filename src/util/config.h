/* Configuration, parsed once at start from one table of options (name, type, bounds,
 * default): defaults, then the config file, then the secrets file it names, then
 * SANSHE_<NAME> environment variables. Handlers only read the result. */
#ifndef SS_UTIL_CONFIG_H
#define SS_UTIL_CONFIG_H

#include <stddef.h>

typedef struct ss_config {
    /* FastCGI listener */
    char *socket_path;
    char *socket_group;     /* group that may connect (nginx's workers); empty: unchanged */
    int threads;
    long max_body;
    /* MariaDB */
    char *mysql_socket;     /* used when mysql_host is empty */
    char *mysql_host;       /* MariaDB over TCP (another host): host name or address; "" = socket */
    int mysql_port;
    char *mysql_user;
    char *mysql_password;   /* secret */
    char *mysql_database;
    int mysql_timeout_s;
    char *mysql_hosts;      /* "host:port,host:port,...": the nodes of a Galera cluster (then not the socket) */
    /* Redis */
    char *redis_socket;     /* used when redis_host is empty */
    char *redis_host;       /* Redis over TCP: host name or address; "" = socket */
    int redis_port;
    int redis_timeout_ms;
    int signup_group_commit;  /* 1: new sign-ups arriving together share one transaction (store/signup_batch.h) */
    int vote_group_commit;  /* 1: votes arriving together are stored in one transaction (store/vote_batch.h) */
    int near_cache;         /* 1: sessions and user snapshots kept in the process (told of changes by Redis), public views up to 1 s old */
    char *redis_sentinels;  /* "host:port,...": find the master through these Sentinels (then not the socket) */
    char *redis_master_name;
    char *redis_password;   /* secret; empty: no AUTH */
    /* WeChat code2Session */
    char *wx_base_url;
    char *wx_appid;
    char *wx_secret;        /* secret */
    int wx_connect_timeout_ms;
    int wx_timeout_ms;
    int wx_max_inflight;    /* bulkhead: WeChat calls in flight at once; more answer 503 at once */
    /* Sessions */
    char *jwt_key;          /* secret, >= 32 characters */
    char *jwt_issuer;
    char *jwt_audience;
    int session_ttl_s;
    /* Personal data */
    char *field_key;        /* secret: 64 hex digits (AES-256-GCM key for names, phones, ID numbers) */
    int field_key_id;       /* stored with each ciphertext, so keys can rotate */
    char *field_keys_retired; /* secret: "id:hex,id:hex" older keys still readable */
    char *hash_key;         /* secret: 64 hex digits, keyed hash of ID numbers (uniqueness) */
    char *checkin_key;      /* secret: 64 hex digits, HMAC of rotating check-in codes */
    int checkin_window_s;   /* a check-in code's window; the previous one is accepted too */
    /* Abuse limits (OWASP API4/API6): per signed-in user and per client address. Each limit
     * counts requests in fixed windows of *_window_s seconds (1 by default, hence "per_s");
     * a longer window lets a test (or an operator) make a limit independent of timing. */
    int vote_rate_user_per_s;
    int signup_rate_user_per_s;
    int signup_rate_window_s;
    int vote_rate_addr_per_s;
    /* Notifications: WeChat subscribe-message templates and the sender program */
    char *wx_tpl_reminder;  /* activity reminders (24 h, 30 min before) */
    char *wx_tpl_activity;  /* an activity changed or cancelled, a waitlist promotion */
    char *wx_tpl_decision;  /* a filing, project or correction decided */
    int sender_interval_ms; /* the sender's pass: reminders due, then pending pushes */
    int sender_batch;       /* pushes per pass */
    int reminder_long_s;    /* the early reminder's lead (24 h) */
    int reminder_short_s;   /* the late reminder's lead (30 min) */
    int reminder_full_every_s; /* the sender looks at every sign-up in the windows this often; between, at changes */
    int sender_clock_offset_s; /* tests only: the sender's clock runs this far ahead of the machine's */
    /* Console sign-in by QR code */
    int qr_ticket_ttl_s;
    int vote_rate_window_s;
    /* Browser origins allowed to call the API (CORS; nginx sends the headers, see
     * nginx/sanshe.conf.in): "https://host[:port]" separated by spaces or commas, "" none */
    char *cors_origins;
    /* Presentation and operations */
    char *time_zone;
    char *public_url;       /* "https://host" certificates' verification URLs name; "": the request's Host */
    char *log_level;
    char *secrets_file;
} ss_config;

/* Fills *cfg with the defaults. Free with ss_config_dispose. */
void ss_config_defaults(ss_config *cfg);
/* Applies "name = value" lines from path (# comments). Returns 0, or -1 with a message in
 * err (unknown option, bad number, out of bounds, unreadable file). */
int ss_config_load_file(ss_config *cfg, const char *path, char *err, size_t errlen);
/* Applies one option by name. Same returns. */
int ss_config_set(ss_config *cfg, const char *name, const char *value, char *err, size_t errlen);
/* Applies SANSHE_<NAME> variables from the environment. Same returns. */
int ss_config_load_env(ss_config *cfg, char *err, size_t errlen);
/* Checks cross-option rules and required secrets. Same returns. */
int ss_config_validate(const ss_config *cfg, char *err, size_t errlen);
/* Defaults, file (may be NULL), secrets file, environment, validation, in that order. */
int ss_config_load(ss_config *cfg, const char *path, char *err, size_t errlen);
void ss_config_dispose(ss_config *cfg);

#endif
