/* Per-request arena: bump allocation in chunks, freed all at once by ss_arena_reset().
 * Non-memory resources (jansson roots, buffers from other libraries) are registered as
 * cleanups and released, newest first, on reset. Modelled on nginx's ngx_pool_t. */
#ifndef SS_UTIL_ARENA_H
#define SS_UTIL_ARENA_H

#include <stddef.h>

typedef struct ss_arena ss_arena;
typedef void (*ss_cleanup_fn)(void *data);

/* Returns a new arena; aborts through ss_fatal_oom() on allocation failure. Free with ss_arena_free. */
ss_arena *ss_arena_create(size_t chunk_size);
/* Runs the cleanups and frees everything; accepts NULL. */
void ss_arena_free(ss_arena *a);
/* Runs the cleanups and releases every chunk but the first, ready for the next request. */
void ss_arena_reset(ss_arena *a);

/* Memory lives until the next reset; never free it. Aborts on allocation failure. */
void *ss_arena_alloc(ss_arena *a, size_t n);
void *ss_arena_calloc(ss_arena *a, size_t n);
char *ss_arena_strdup(ss_arena *a, const char *s);
char *ss_arena_strndup(ss_arena *a, const char *s, size_t n);
char *ss_arena_sprintf(ss_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Registers fn(data) to run on reset/free. */
void ss_arena_on_reset(ss_arena *a, ss_cleanup_fn fn, void *data);
/* Bytes handed out since the last reset (for tests and metrics). */
size_t ss_arena_used(const ss_arena *a);

/* Long-lived allocation wrappers: log and abort on failure. */
void *ss_xmalloc(size_t n);
void *ss_xcalloc(size_t n, size_t m);
char *ss_xstrdup(const char *s);
void ss_fatal_oom(size_t n) __attribute__((noreturn));

#endif
