/* RFC 3339 and MariaDB DATETIME conversions (see timefmt.h). */
#include "util/timefmt.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ss_time_set_zone(const char *zone)
{
    char path[256];
    if (!zone || !*zone || strstr(zone, "..") || zone[0] == '/') return -1;
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", zone);
    /* Only a TZif file is a zone: the folder also holds directories and .tab tables. */
    char magic[4] = {0};
    FILE *f = fopen(path, "rb");
    int is_zone = f && fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
    if (f) fclose(f);
    if (!is_zone && strcmp(zone, "UTC") != 0) return -1;
    setenv("TZ", zone, 1);
    tzset();
    return 0;
}

void ss_time_format(time_t t, char *out)
{
    struct tm tm;
    localtime_r(&t, &tm);
    long off = tm.tm_gmtoff;
    char sign = off < 0 ? '-' : '+';
    if (off < 0) off = -off;
    char tmp[128];   /* roomy for the compiler's worst case; real values take 25 bytes */
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, sign, off / 3600, (off % 3600) / 60);
    size_t n = strnlen(tmp, SS_TIME_RFC3339_LEN - 1);
    memcpy(out, tmp, n);
    out[n] = '\0';
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return d[m - 1];
}

/* Parses "YYYY-MM-DD?HH:MM:SS" where ? is sep (or 'T'/'t'/' ' when sep is 0). */
static int parse_civil(const char *s, struct tm *tm, int strict_t)
{
    int y, mo, d, h, mi, se;
    if (strlen(s) < 19) return -1;
    if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) || s[7] != '-' || digits(s + 8, 2, &d))
        return -1;
    if (strict_t ? (s[10] != 'T' && s[10] != 't') : s[10] != ' ') return -1;
    if (digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi) || s[16] != ':' || digits(s + 17, 2, &se))
        return -1;
    if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 ||
        se > 60)
        return -1;
    memset(tm, 0, sizeof *tm);
    tm->tm_year = y - 1900;
    tm->tm_mon = mo - 1;
    tm->tm_mday = d;
    tm->tm_hour = h;
    tm->tm_min = mi;
    tm->tm_sec = se == 60 ? 59 : se;
    return 0;
}

int ss_time_parse(const char *s, time_t *out)
{
    struct tm tm;
    if (!s || parse_civil(s, &tm, 1) != 0) return -1;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p)) return -1;
        while (isdigit((unsigned char)*p)) p++;
    }
    long off = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om) || oh > 23 || om > 59) return -1;
        off = (oh * 3600L + om * 60L) * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return -1;
    }
    if (*p != '\0') return -1;
    *out = timegm(&tm) - off;
    return 0;
}

int ss_time_parse_db(const char *s, time_t *out)
{
    struct tm tm;
    if (!s || parse_civil(s, &tm, 0) != 0 || s[19] != '\0') return -1;
    *out = timegm(&tm);
    return 0;
}

void ss_time_format_db(time_t t, char *out)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    char tmp[128];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec);
    size_t n = strnlen(tmp, 19);
    memcpy(out, tmp, n);
    out[n] = '\0';
}
