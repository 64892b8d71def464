/* Rules for a volunteer's personal data: the 18-digit resident ID number (GB 11643: a
 * real birth date and the ISO 7064 MOD 11-2 check character), mainland mobile numbers,
 * and the masked forms that are the only ones ever shown or logged. */
#ifndef SS_DOMAIN_PERSON_H
#define SS_DOMAIN_PERSON_H

#include <stddef.h>
#include <time.h>

/* Returns 1 if id is 17 digits plus a check character (digit or X/x) that matches, with a
 * birth date (digits 7-14) that exists, is not before 1900 and not after today. */
int ss_id_number_valid(const char *id, time_t now);
/* The check character for the first 17 digits, or 0 if they are not digits. */
char ss_id_number_check_char(const char *first17);
/* Canonical form: the trailing x upper-cased. out holds 19 bytes. */
void ss_id_number_canonical(const char *id, char *out);
/* Returns 1 for a mainland mobile number: 11 digits starting 13-19. */
int ss_phone_valid(const char *phone);
/* Returns 1 for a real name: 2 to 30 characters, letters (any script), '·' and spaces inside. */
int ss_real_name_valid(const char *name);

/* Masks (out: at least strlen(in)+8 bytes for names, 19 for IDs, 12 for phones):
 * "张三丰" -> "张**", "13812345678" -> "138****5678", ID -> "110***********123X". */
void ss_mask_name(const char *name, char *out, size_t outcap);
void ss_mask_phone(const char *phone, char *out, size_t outcap);
void ss_mask_id_number(const char *id, char *out, size_t outcap);

/* Public identifiers made from random bytes only, so they reveal no count and no order:
 * the volunteer number (志愿者编号) "V" + 11 Crockford base32 characters (55 bits of rnd) into
 * out (13 bytes), and the certificate number, 16 decimal digits not starting with 0. */
#define SS_VOLUNTEER_NUMBER_LEN 12
void ss_volunteer_number_format(const unsigned char rnd[8], char out[SS_VOLUNTEER_NUMBER_LEN + 1]);
long long ss_certificate_number_from(const unsigned char rnd[8]);
/* Returns 1 if s has the form of a volunteer number. */
int ss_volunteer_number_valid(const char *s);

#endif
