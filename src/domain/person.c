/* Personal-data rules (see person.h). */
#include "domain/person.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char check_chars[] = "10X98765432";

char ss_id_number_check_char(const char *s)
{
    int sum = 0;
    for (int i = 0; i < 17; i++) {
        if (!isdigit((unsigned char)s[i])) return 0;
        sum += (s[i] - '0') * weights[i];
    }
    return check_chars[sum % 11];
}

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int ss_id_number_valid(const char *id, time_t now)
{
    if (!id || strlen(id) != 18) return 0;
    char check = ss_id_number_check_char(id);
    if (!check || (char)toupper((unsigned char)id[17]) != check) return 0;
    int y = 0, m = 0, d = 0;
    for (int i = 6; i < 10; i++) y = y * 10 + id[i] - '0';
    m = (id[10] - '0') * 10 + id[11] - '0';
    d = (id[12] - '0') * 10 + id[13] - '0';
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || m < 1 || m > 12 || d < 1) return 0;
    if (d > mdays[m - 1] + (m == 2 && leap(y))) return 0;
    struct tm today;
    gmtime_r(&now, &today);
    long birth = (long)y * 10000 + m * 100 + d;
    long now_ymd = (long)(today.tm_year + 1900) * 10000 + (today.tm_mon + 1) * 100 + today.tm_mday;
    return birth <= now_ymd;
}

void ss_id_number_canonical(const char *id, char *out)
{
    size_t n = strnlen(id, 18);
    memcpy(out, id, n);
    out[n] = '\0';
    if (n == 18) out[17] = (char)toupper((unsigned char)out[17]);
}

int ss_phone_valid(const char *p)
{
    if (!p || strlen(p) != 11 || p[0] != '1' || p[1] < '3' || p[1] > '9') return 0;
    for (int i = 0; i < 11; i++)
        if (!isdigit((unsigned char)p[i])) return 0;
    return 1;
}

/* Length in bytes of the UTF-8 character at s (1 for invalid bytes, so masking never loops). */
static size_t u8len(const unsigned char *s)
{
    if (*s < 0x80) return 1;
    if ((*s & 0xe0) == 0xc0 && s[1]) return 2;
    if ((*s & 0xf0) == 0xe0 && s[1] && s[2]) return 3;
    if ((*s & 0xf8) == 0xf0 && s[1] && s[2] && s[3]) return 4;
    return 1;
}

/* Decodes the UTF-8 character at s into *cp. Returns its length, or 0 if malformed
 * (overlong, surrogate, truncated, beyond U+10FFFF). */
static size_t u8dec(const unsigned char *s, unsigned *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] >= 0xc2 && s[0] <= 0xdf && (s[1] & 0xc0) == 0x80) {
        *cp = (s[0] & 0x1fu) << 6 | (s[1] & 0x3fu);
        return 2;
    }
    if ((s[0] & 0xf0) == 0xe0 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80) {
        *cp = (s[0] & 0x0fu) << 12 | (s[1] & 0x3fu) << 6 | (s[2] & 0x3fu);
        return *cp >= 0x800 && (*cp < 0xd800 || *cp > 0xdfff) ? 3 : 0;
    }
    if (s[0] >= 0xf0 && s[0] <= 0xf4 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80) {
        *cp = (s[0] & 0x07u) << 18 | (s[1] & 0x3fu) << 12 | (s[2] & 0x3fu) << 6 | (s[3] & 0x3fu);
        return *cp >= 0x10000 && *cp <= 0x10ffff ? 4 : 0;
    }
    return 0;
}

/* Letters outside ASCII a name on a Chinese ID card or passport may hold: Latin with
 * diacritics, Greek, Cyrillic, Arabic script (Uyghur, Kazakh), Tibetan, Mongolian, kana,
 * Hangul, CJK ideographs (with extensions); '·' (U+00B7, U+30FB) joins transliterated names. */
static int name_char(unsigned c)
{
    return c == 0xb7 || c == 0x30fb || (c >= 0xc0 && c <= 0x24f && c != 0xd7 && c != 0xf7) ||
           (c >= 0x370 && c <= 0x4ff) || (c >= 0x620 && c <= 0x6d3) || (c >= 0xf00 && c <= 0xfff) ||
           (c >= 0x1800 && c <= 0x18af) || (c >= 0x3041 && c <= 0x30fa) || (c >= 0x3400 && c <= 0x4dbf) ||
           (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
           (c >= 0x20000 && c <= 0x323af);
}

int ss_real_name_valid(const char *name)
{
    if (!name) return 0;
    size_t chars = 0, n = strlen(name), len;
    if (n == 0 || name[0] == ' ' || name[n - 1] == ' ') return 0;
    unsigned c;
    for (const unsigned char *p = (const unsigned char *)name; *p; p += len) {
        if (!(len = u8dec(p, &c))) return 0;
        if (c < 0x80 ? !isalpha((int)c) && c != ' ' && c != '.' && c != '-' : !name_char(c)) return 0;
        chars++;
    }
    return chars >= 2 && chars <= 30;
}

void ss_mask_name(const char *name, char *out, size_t outcap)
{
    size_t o = 0, first = u8len((const unsigned char *)name);
    if (outcap == 0) return;
    if (!*name) {
        out[0] = '\0';
        return;
    }
    if (first < outcap) {
        memcpy(out, name, first);
        o = first;
    }
    for (const unsigned char *p = (const unsigned char *)name + first; *p && o + 1 < outcap; p += u8len(p))
        out[o++] = '*';
    if (o == first && o + 1 < outcap) out[o++] = '*';   /* one-character names still hide something */
    out[o] = '\0';
}

void ss_mask_phone(const char *p, char *out, size_t outcap)
{
    if (strlen(p) == 11) snprintf(out, outcap, "%.3s****%.4s", p, p + 7);
    else snprintf(out, outcap, "****");
}

void ss_mask_id_number(const char *id, char *out, size_t outcap)
{
    if (strlen(id) == 18) snprintf(out, outcap, "%.3s***********%.4s", id, id + 14);
    else snprintf(out, outcap, "****");
}

static const char CROCKFORD[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

void ss_volunteer_number_format(const unsigned char rnd[8], char out[SS_VOLUNTEER_NUMBER_LEN + 1])
{
    unsigned long long v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | rnd[i];
    out[0] = 'V';
    for (int i = 1; i < SS_VOLUNTEER_NUMBER_LEN; i++, v >>= 5) out[i] = CROCKFORD[v & 31];
    out[SS_VOLUNTEER_NUMBER_LEN] = '\0';
}

int ss_volunteer_number_valid(const char *s)
{
    if (!s || s[0] != 'V' || strlen(s) != SS_VOLUNTEER_NUMBER_LEN) return 0;
    for (int i = 1; i < SS_VOLUNTEER_NUMBER_LEN; i++)
        if (!strchr(CROCKFORD, s[i]) || !s[i]) return 0;
    return 1;
}

long long ss_certificate_number_from(const unsigned char rnd[8])
{
    unsigned long long v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | rnd[i];
    return (long long)(1000000000000000ULL + v % 9000000000000000ULL);
}
