/* Per-request arena (see arena.h). Chunks are linked; big allocations get a chunk of their own. */
#include "util/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct chunk {
    struct chunk *next;
    size_t cap, used;
    max_align_t data[];
} chunk;

typedef struct cleanup {
    struct cleanup *next;
    ss_cleanup_fn fn;
    void *data;
} cleanup;

struct ss_arena {
    chunk *head;      /* current chunk */
    chunk *first;     /* kept across resets */
    cleanup *cleanups;
    size_t chunk_size;
    size_t used;
};

void ss_fatal_oom(size_t n)
{
    fprintf(stderr, "level=fatal mod=mem msg=\"out of memory\" bytes=%zu\n", n);
    abort();
}

void *ss_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) ss_fatal_oom(n);
    return p;
}

void *ss_xcalloc(size_t n, size_t m)
{
    void *p = calloc(n ? n : 1, m ? m : 1);
    if (!p) ss_fatal_oom(n * m);
    return p;
}

char *ss_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = ss_xmalloc(n);
    memcpy(p, s, n);
    return p;
}

static chunk *chunk_new(size_t cap)
{
    chunk *c = ss_xmalloc(sizeof(chunk) + cap);
    c->next = NULL;
    c->cap = cap;
    c->used = 0;
    return c;
}

ss_arena *ss_arena_create(size_t chunk_size)
{
    ss_arena *a = ss_xcalloc(1, sizeof(*a));
    a->chunk_size = chunk_size < 1024 ? 1024 : chunk_size;
    a->head = a->first = chunk_new(a->chunk_size);
    return a;
}

static void run_cleanups(ss_arena *a)
{
    while (a->cleanups) {
        cleanup *c = a->cleanups;
        a->cleanups = c->next;
        c->fn(c->data);
    }
}

void ss_arena_reset(ss_arena *a)
{
    run_cleanups(a);
    for (chunk *c = a->head, *next; c; c = next) {
        next = c->next;
        if (c != a->first) free(c);
    }
    a->head = a->first;
    a->first->next = NULL;
    a->first->used = 0;
    a->used = 0;
}

void ss_arena_free(ss_arena *a)
{
    if (!a) return;
    ss_arena_reset(a);
    free(a->head);
    free(a);
}

void *ss_arena_alloc(ss_arena *a, size_t n)
{
    const size_t align = sizeof(max_align_t);
    size_t need = (n + align - 1) & ~(align - 1);
    if (need < n) ss_fatal_oom(n);
    chunk *c = a->head;
    if (c->cap - c->used < need) {
        chunk *fresh;
        if (need > a->chunk_size / 4) {
            /* Large: own chunk, linked behind the current head so the head keeps its free space. */
            fresh = chunk_new(need);
            fresh->used = need;
            fresh->next = c->next;
            c->next = fresh;
            a->used += need;
            return fresh->data;
        }
        fresh = chunk_new(a->chunk_size);
        fresh->next = c;
        a->head = fresh;
        c = fresh;
    }
    void *p = (char *)c->data + c->used;
    c->used += need;
    a->used += need;
    return p;
}

void *ss_arena_calloc(ss_arena *a, size_t n)
{
    void *p = ss_arena_alloc(a, n);
    memset(p, 0, n);
    return p;
}

char *ss_arena_strndup(ss_arena *a, const char *s, size_t n)
{
    char *p = ss_arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *ss_arena_strdup(ss_arena *a, const char *s)
{
    return s ? ss_arena_strndup(a, s, strlen(s)) : NULL;
}

char *ss_arena_sprintf(ss_arena *a, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) n = 0;
    char *p = ss_arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

void ss_arena_on_reset(ss_arena *a, ss_cleanup_fn fn, void *data)
{
    cleanup *c = ss_arena_alloc(a, sizeof(*c));
    c->fn = fn;
    c->data = data;
    c->next = a->cleanups;
    a->cleanups = c;
}

size_t ss_arena_used(const ss_arena *a)
{
    return a->used;
}
