// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/buf.h"

#include "core/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void out_of_memory(void)
{
	static const char msg[] = "headroom: out of memory\n";
	/* No stdio: it may itself need memory. */
	(void)!fwrite(msg, 1, sizeof(msg) - 1, stderr);
	abort();
}

/* Blocks come from the arena in use when there is one (see core/arena.h), else from malloc. */
void *xmalloc(size_t n)
{
	struct arena *a = arena_current();
	void *p = arena_alloc(a, n);

	if (p)
		return p;
	p = malloc(n ? n : 1);
	if (!p)
		out_of_memory();
	if (a)
		arena_spill_add(a, p); /* freed with the arena's next reset */
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		out_of_memory();
	p = arena_alloc(arena_current(), n * size);
	if (p)
		return memset(p, 0, n * size);
	p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory();
	if (arena_current())
		arena_spill_add(arena_current(), p);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	struct arena *a;
	void *q;

	if (!p)
		return xmalloc(n);
	a = arena_owner(p);
	if (a) {
		/* A block of an arena grows in its own arena; when it no longer fits, on the heap, in its spill. */
		size_t old = arena_block_size(p);

		q = arena_realloc(a, p, n);
		if (q)
			return q;
		q = malloc(n ? n : 1);
		if (!q)
			out_of_memory();
		memcpy(q, p, old < n ? old : n);
		arena_spill_add(a, q);
		return q;
	}
	/* a heap block of an arena's spill moves with realloc: its entry follows it */
	a = arena_spill_forget(NULL, p);
	p = realloc(p, n ? n : 1);
	if (!p)
		out_of_memory();
	if (a)
		arena_spill_add(a, p);
	return p;
}

void xfree(void *p)
{
	struct arena *a;

	if (!p)
		return;
	a = arena_owner(p);
	if (a) {
		arena_release(a, p);
		return;
	}
	arena_spill_forget(NULL, p);
	free(p);
}

void *xreallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		out_of_memory();
	return xrealloc(p, n * size);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct buf b;
	va_list ap;

	buf_init(&b);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return buf_detach(&b);
}

void str_appendf(char **s, const char *fmt, ...)
{
	struct buf b;
	va_list ap;

	buf_init(&b);
	if (*s)
		buf_adds(&b, *s);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	xfree(*s);
	*s = buf_detach(&b);
}

void buf_init(struct buf *b)
{
	b->cap = 64;
	b->len = 0;
	b->data = xmalloc(b->cap);
	b->data[0] = '\0';
}

void buf_free(struct buf *b)
{
	xfree(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	b->data[0] = '\0';
}

void buf_grow(struct buf *b, size_t extra)
{
	size_t need;

	if (extra > SIZE_MAX - b->len - 1)
		out_of_memory();
	need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	while (b->cap < need)
		b->cap = b->cap > SIZE_MAX / 2 ? need : b->cap * 2;
	b->data = xrealloc(b->data, b->cap);
}

void buf_add(struct buf *b, const void *data, size_t n)
{
	buf_grow(b, n);
	memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n >= b->cap - b->len) {
		buf_grow(b, (size_t)n);
		n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
		if (n < 0) {
			b->data[b->len] = '\0';
			return;
		}
	}
	b->len += (size_t)n;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

char *buf_detach(struct buf *b)
{
	char *p = b->data;

	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
