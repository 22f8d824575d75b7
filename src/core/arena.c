// SPDX-License-Identifier: GPL-2.0-or-later
#include "core/arena.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Every block starts with its size, kept on a 16-byte boundary like malloc's blocks. */
#define ARENA_ALIGN 16
#define ARENA_HEADER 16

/* Arenas alive, so that xfree and xrealloc find a block's owner. A daemon needs a handful. */
#define ARENA_MAX 8
static struct arena *arenas[ARENA_MAX];

void *reserve_space(size_t size)
{
	void *p = mmap(NULL, size ? size : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	/* fails (EINVAL) where the kernel has no THP: nothing to keep out then */
	(void)madvise(p, size ? size : 1, MADV_NOHUGEPAGE);
	return p;
}

void release_space(void *p, size_t size)
{
	if (p)
		munmap(p, size ? size : 1);
}

int arena_init(struct arena *a, size_t size)
{
	void *p;
	size_t i;

	for (i = 0; i < ARENA_MAX && arenas[i]; i++)
		;
	if (i == ARENA_MAX)
		return -ENOSPC;
	size = (size + 4095) & ~(size_t)4095;
	p = reserve_space(size);
	if (!p)
		return -errno;
	*a = (struct arena){ .base = p, .size = size, .last = SIZE_MAX };
	a->spill = a->spill_inline;
	a->spill_cap = ARENA_SPILL_INLINE;
	arenas[i] = a;
	return 0;
}

void arena_destroy(struct arena *a)
{
	arena_reset(a);
	for (size_t i = 0; i < ARENA_MAX; i++)
		if (arenas[i] == a)
			arenas[i] = NULL;
	if (a->spill != a->spill_inline)
		free(a->spill);
	a->spill = a->spill_inline;
	a->spill_cap = ARENA_SPILL_INLINE;
	release_space(a->base, a->size);
	a->base = NULL;
	a->size = a->used = 0;
}

void arena_reset(struct arena *a)
{
	for (size_t i = 0; i < a->nspill; i++)
		free(a->spill[i]);
	a->nspill = 0;
	a->used = 0;
	a->last = SIZE_MAX;
}

static size_t round_up(size_t n)
{
	return (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
}

void *arena_alloc(struct arena *a, size_t n)
{
	size_t need;

	if (!a || n > a->size)
		return NULL;
	need = ARENA_HEADER + round_up(n ? n : 1);
	if (need > a->size - a->used) {
		a->overflows++;
		return NULL;
	}
	memcpy(a->base + a->used, &n, sizeof(n));
	a->last = a->used;
	a->used += need;
	if (a->used > a->peak)
		a->peak = a->used;
	return a->base + a->last + ARENA_HEADER;
}

struct arena *arena_owner(const void *p)
{
	const char *c = p;

	for (size_t i = 0; i < ARENA_MAX; i++)
		if (arenas[i] && c >= arenas[i]->base && c < arenas[i]->base + arenas[i]->size)
			return arenas[i];
	return NULL;
}

void *arena_realloc(struct arena *a, void *p, size_t n)
{
	char *hdr = (char *)p - ARENA_HEADER;
	size_t old, off = (size_t)(hdr - a->base);
	void *q;

	memcpy(&old, hdr, sizeof(old));
	if (off == a->last) {
		size_t need = ARENA_HEADER + round_up(n ? n : 1);

		if (need <= a->size - off) {
			memcpy(hdr, &n, sizeof(n));
			a->used = off + need;
			if (a->used > a->peak)
				a->peak = a->used;
			return p;
		}
		a->overflows++;
		return NULL;
	}
	q = arena_alloc(a, n);
	if (q)
		memcpy(q, p, old < n ? old : n);
	return q;
}

size_t arena_block_size(const void *p)
{
	size_t n;

	memcpy(&n, (const char *)p - ARENA_HEADER, sizeof(n));
	return n;
}

void arena_release(struct arena *a, void *p)
{
	char *hdr = (char *)p - ARENA_HEADER;

	if ((size_t)(hdr - a->base) == a->last) {
		a->used = a->last;
		a->last = SIZE_MAX;
	}
}

void arena_spill_add(struct arena *a, void *p)
{
	if (a->nspill == a->spill_cap) {
		/* the list moves to the heap, doubling: a block not remembered would never be freed */
		size_t cap = 2 * a->spill_cap;
		void **list = malloc(cap * sizeof(*list));

		if (!list)
			abort();
		memcpy(list, a->spill, a->nspill * sizeof(*list));
		if (a->spill != a->spill_inline)
			free(a->spill);
		a->spill = list;
		a->spill_cap = cap;
	}
	a->spill[a->nspill++] = p;
}

static bool spill_forget(struct arena *a, void *p)
{
	for (size_t i = 0; i < a->nspill; i++)
		if (a->spill[i] == p) {
			a->spill[i] = a->spill[--a->nspill];
			return true;
		}
	return false;
}

struct arena *arena_spill_forget(struct arena *a, void *p)
{
	if (a)
		return spill_forget(a, p) ? a : NULL;
	for (size_t i = 0; i < ARENA_MAX; i++)
		if (arenas[i] && arenas[i]->nspill && spill_forget(arenas[i], p))
			return arenas[i];
	return NULL;
}
