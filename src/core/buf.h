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
 * Allocation failure aborts: headroom's one-shot commands have nothing better to do. The daemon makes
 * every block in an arena reserved at start-up (core/arena.h), so its loop never calls malloc.
 */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};

void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *data, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Returns the contents as a malloc'ed string. b is left released, as after buf_free(). */
char *buf_detach(struct buf *b);

/* Allocation helpers that abort on failure (see above). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t n, size_t size);
/* Frees a block of either kind: heap blocks go back to libc, arena blocks to their arena (core/arena.h). */
void xfree(void *p);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Appends to the malloc'ed string *s (which may be NULL), replacing it. */
void str_appendf(char **s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
