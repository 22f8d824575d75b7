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

/* A block of mem, or of the heap when mem is NULL or full (then freed with mem's next reset). */
void *mem_alloc(struct arena *mem, size_t n)
{
	void *p = arena_alloc(mem, n);

	if (p)
		return p;
	p = malloc(n ? n : 1);
	if (!p)
		out_of_memory();
	if (mem)
		arena_spill_add(mem, p);
	return p;
}

void *mem_calloc(struct arena *mem, size_t n, size_t size)
{
	void *p;

	if (size && n > SIZE_MAX / size)
		out_of_memory();
	p = arena_alloc(mem, n * size);
	if (p)
		return memset(p, 0, n * size);
	/* calloc, not malloc and memset: a large heap block's pages stay untouched until used */
	p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory();
	if (mem)
		arena_spill_add(mem, p);
	return p;
}

void *xmalloc(size_t n)
{
	return mem_alloc(NULL, n);
}

void *xcalloc(size_t n, size_t size)
{
	return mem_calloc(NULL, n, size);
}

void *xrealloc(void *p, size_t n)
{
	struct arena *a;
	void *q;

	if (!p)
		return mem_alloc(NULL, n);
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

void *mem_reallocarray(struct arena *mem, void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		out_of_memory();
	return p ? xrealloc(p, n * size) : mem_alloc(mem, n * size);
}

void *mem_array_grow(struct arena *mem, void *p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap;

	if (p && need <= c)
		return p;
	if (c < 8)
		c = 8;
	while (c < need) {
		if (c > SIZE_MAX / 2)
			out_of_memory();
		c *= 2;
	}
	p = mem_reallocarray(mem, p, c, size);
	*cap = c;
	return p;
}

void *xreallocarray(void *p, size_t n, size_t size)
{
	return mem_reallocarray(NULL, p, n, size);
}

char *mem_strndup(struct arena *mem, const char *s, size_t n)
{
	char *p = mem_alloc(mem, n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *mem_strdup(struct arena *mem, const char *s)
{
	return mem_strndup(mem, s, strlen(s));
}

char *xstrdup(const char *s)
{
	return mem_strndup(NULL, s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	return mem_strndup(NULL, s, n);
}

static char *mem_vasprintf(struct arena *mem, const char *fmt, va_list ap)
{
	struct buf b;

	buf_init_in(&b, mem);
	buf_vprintf(&b, fmt, ap);
	return buf_detach(&b);
}

char *mem_asprintf(struct arena *mem, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = mem_vasprintf(mem, fmt, ap);
	va_end(ap);
	return s;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = mem_vasprintf(NULL, fmt, ap);
	va_end(ap);
	return s;
}

void str_appendf(struct arena *mem, char **s, const char *fmt, ...)
{
	struct buf b;
	va_list ap;

	buf_init_in(&b, mem);
	if (*s)
		buf_adds(&b, *s);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	xfree(*s);
	*s = buf_detach(&b);
}

void buf_init_in(struct buf *b, struct arena *mem)
{
	b->mem = mem;
	b->cap = 64;
	b->len = 0;
	b->data = mem_alloc(mem, b->cap);
	b->data[0] = '\0';
}

void buf_init(struct buf *b)
{
	buf_init_in(b, NULL);
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
