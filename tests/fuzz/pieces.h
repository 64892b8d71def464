/* The fuzz input as up to max NUL-separated texts: *buf is a NUL-terminated copy of the input
 * (the caller frees it), piece[0..max) point into it, and those the input lacks are "". For
 * harnesses that feed several texts to one function. Returns 0, or -1 when the input is over
 * 8192 bytes or memory runs out. */
#ifndef SS_FUZZ_PIECES_H
#define SS_FUZZ_PIECES_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static inline int fuzz_pieces(const uint8_t *data, size_t size, char **buf, const char **piece, int max)
{
    if (size > 8192 || !(*buf = malloc(size + 1))) return -1;
    memcpy(*buf, data, size);
    (*buf)[size] = '\0';
    int n = 0;
    for (size_t i = 0; i <= size && n < max; i++) {
        piece[n++] = *buf + i;
        i += strlen(*buf + i);
    }
    for (int i = n; i < max; i++) piece[i] = "";
    return 0;
}

#endif
