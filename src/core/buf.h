/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef HEADROOM_CORE_BUF_H
#define HEADROOM_CORE_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * A growable byte buffer.
 *
 * Invariants, after buf_init() and until buf_free():
 * - data is never NULL and data[len] == '\0', so the contents can be used as a C string
 *   (they may hold NUL bytes of their own; len is the truth);
 * - cap > len.
 * Allocation failure aborts: headroom's one-shot commands have nothing better to do.
 *
 * Where blocks come from is always said by the caller: an arena (core/arena.h), or NULL for the heap.
 * The daemon passes the arenas its loop owns, so its loop never calls malloc; a buffer keeps the arena it
 * was started in (mem) and grows there.
 */
struct arena;
struct buf {
	char *data;
	size_t len;
	size_t cap;
	struct arena *mem; /* where data lives: an arena, or NULL for the heap */
};

/* Starts b on the heap. */
void buf_init(struct buf *b);
/* Starts b in mem (NULL: the heap). */
void buf_init_in(struct buf *b, struct arena *mem);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *data, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Returns the contents as a string of b->mem (for xfree). b is left released, as after buf_free(). */
char *buf_detach(struct buf *b);

/*
 * Allocation helpers that abort on failure (see above). The mem_ ones take their blocks from mem (NULL:
 * the heap); the x ones from the heap. A block is resized and freed where it was taken: xrealloc and
 * xfree find its arena by its address.
 */
void *mem_alloc(struct arena *mem, size_t n);
void *mem_calloc(struct arena *mem, size_t n, size_t size);
/* A new block in mem when p is NULL; otherwise p resized where it lives. */
void *mem_reallocarray(struct arena *mem, void *p, size_t n, size_t size);
/*
 * Room for need elements of size bytes in the array p of *cap elements (p NULL: a new array in mem):
 * returns p, or the array grown geometrically where it lives, with *cap updated. Appending one element
 * at a time stays linear: an arena copies a block that is not its last one on every resize.
 */
void *mem_array_grow(struct arena *mem, void *p, size_t *cap, size_t need, size_t size);
/* MEM_GROW(mem, arr, cap, need): arr grown (mem_array_grow) to hold need elements. */
#define MEM_GROW(mem, arr, cap, need) ((arr) = mem_array_grow((mem), (arr), &(cap), (need), sizeof(*(arr))))
char *mem_strdup(struct arena *mem, const char *s);
char *mem_strndup(struct arena *mem, const char *s, size_t n);
char *mem_asprintf(struct arena *mem, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends to the string *s (which may be NULL), replacing it with one in mem. */
void str_appendf(struct arena *mem, char **s, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t n, size_t size);
/* Frees a block of either kind: heap blocks go back to libc, arena blocks to their arena. */
void xfree(void *p);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
